"""load_instrument and prepare_responses: the first steps of every survey analysis."""

from __future__ import annotations

import pandas as pd
import pytest

from qualitapa.catalog import Catalog
from qualitapa.declarative import TomlPlugin
from qualitapa.errors import DefinitionError, OptionError, UnknownItemError
from qualitapa.surveys import load_instrument, prepare_responses, rake, validate

ONE = """
[[instruments]]
id = "{id}"
label = {{ it = "Sportello" }}
version = "2025"
scales = [{{ id = "agree4", min = 1, max = 4 }}]

[[instruments.questions]]
id = "courtesy"
type = "likert"
label = {{ it = "Cortesia" }}
scale = "agree4"
"""


@pytest.fixture
def two(tmp_path):
    path = tmp_path / "defs.toml"
    path.write_text(ONE.format(id="a") + ONE.format(id="b"), encoding="utf-8")
    return path


def test_load_instrument_from_toml(tmp_path, two):
    one = tmp_path / "one.toml"
    one.write_text(ONE.format(id="counter"), encoding="utf-8")
    assert load_instrument(one).id == "counter"
    assert load_instrument(f"{two}::b").id == "b"
    with pytest.raises(DefinitionError, match=r"defines 2 instruments \['a', 'b'\]; pick one"):
        load_instrument(two)
    with pytest.raises(DefinitionError, match="no instrument 'c' in the file"):
        load_instrument(f"{two}::c")


def test_load_instrument_from_a_catalog_and_missing_files(tmp_path, two):
    catalog = Catalog.build([("city", TomlPlugin(two))], entrypoints=False)
    assert load_instrument("a", catalog=catalog).id == "a"
    with pytest.raises(UnknownItemError):
        load_instrument("zzz", catalog=catalog)
    with pytest.raises(DefinitionError, match="file not found"):
        load_instrument(tmp_path / "form.xlsx", catalog=catalog)


def test_prepare_without_weighting_is_validate(counter, synthetic):
    raw = synthetic.copy()
    raw.loc[3, "wait"] = 7  # out of scale: the row is left out
    before = raw.copy()
    ready = prepare_responses(counter, raw, extra_columns=["sex"], source="r.csv")
    expected = validate(counter, raw, extra_columns=["organization", "sex"], source="r.csv")
    pd.testing.assert_frame_equal(ready.clean, expected.clean)
    pd.testing.assert_frame_equal(ready.validation.problems, expected.problems)
    assert ready.weights is None
    assert ready.weighting is None
    assert len(ready.clean) == len(raw) - 1
    pd.testing.assert_frame_equal(raw, before)  # the caller's frame is not changed


def test_prepare_rakes_the_clean_responses(counter, synthetic):
    margins = {"sex": {"F": 50.0, "M": 50.0}}
    ready = prepare_responses(counter, synthetic, margins=margins)
    assert ready.weights == "_weight"
    # the same weights as raking the validated responses directly
    clean = validate(counter, synthetic, extra_columns=["organization", "sex"]).clean
    direct = rake(clean, margins)
    pd.testing.assert_series_equal(
        ready.clean["_weight"], direct.weights, check_names=False, check_exact=False
    )
    # the margins are matched: half of the total weight each
    shares = ready.clean.groupby("sex")["_weight"].sum() / ready.clean["_weight"].sum()
    assert shares.to_dict() == pytest.approx({"F": 0.5, "M": 0.5})
    assert ready.weighting is not None
    assert ready.weighting.design_effect > 1


def test_prepare_keeps_the_weight_column_and_refuses_two_weightings(counter, synthetic):
    raw = synthetic.assign(w=1.5)
    ready = prepare_responses(counter, raw, weights="w", extra_columns=["sex"])
    assert ready.weights == "w"
    assert not len(ready.validation.problems)
    with pytest.raises(OptionError, match="not both") as err:
        prepare_responses(counter, raw, weights="w", margins={"sex": {"F": 1, "M": 1}})
    assert isinstance(err.value, ValueError)


def test_prepare_with_no_clean_response_rakes_nothing(counter, synthetic):
    raw = synthetic.head(3).assign(wait=8)
    ready = prepare_responses(counter, raw, margins={"sex": {"F": 1, "M": 1}})
    assert ready.clean.empty
    assert ready.weighting is None
    assert ready.validation.n_input == 3


def test_instrument_to_frame_lists_the_questions(counter):
    table = counter.to_frame()
    assert list(table.columns) == [
        "id", "type", "dimension", "scale", "required", "relevant", "label"
    ]  # fmt: skip
    assert table["id"].tolist() == [q.id for q in counter.questions]
    wait = table.set_index("id").loc["wait"]
    assert (wait["type"], wait["dimension"], wait["scale"]) == ("likert", "time", "1-5 (dk 9.0)")
    assert wait["relevant"] == "${visited} = 'yes'"
    assert wait["label"] == "Tempo di attesa"
    assert counter.to_frame("en").set_index("id").loc["wait", "label"] == "Waiting time"
    assert table.set_index("id").loc["visited", "scale"] == ""  # a choice question
