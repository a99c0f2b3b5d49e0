"""KoboToolbox and LimeSurvey exports as the tools write them (issue 17).

The samples (``samples/``, copies of ``shared/samples/office-files``) are synthetic
answers to the registry questionnaire: a Kobo export (``;``, ``group/question``
headers, ``_id``/``_uuid``), a LimeSurvey export with answer codes (``A1..A5``,
``A9`` for "don't know", ``acc[hours]`` array headers, UTF-8 BOM) and the same
responses exported as LimeSurvey's "full answers" (the Italian answer texts, ``;``).
LimeSurvey itself cannot run here: its formats are those its export page offers
("Answer codes" / "Full answers", question-code headings).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from qualitapa import DataError
from qualitapa.catalog import default_catalog
from qualitapa.cli import cli
from qualitapa.io import read_table
from qualitapa.surveys import (
    Choice,
    Instrument,
    Question,
    import_kobo,
    import_limesurvey,
    validate,
)
from qualitapa.testing import isolated_plugins


@pytest.fixture(autouse=True)
def _english_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests read the command line's English messages (Italian is the default)."""
    monkeypatch.setenv("QUALITAPA_LANG", "en")


SAMPLES = Path(__file__).parent / "samples"
KOBO = SAMPLES / "kobo_export.csv"
LS_CODES = SAMPLES / "limesurvey_export_codes.csv"
LS_TEXT = SAMPLES / "limesurvey_export_fulltext.csv"


@pytest.fixture(scope="module")
def registry() -> Instrument:
    with isolated_plugins(["registry"]):
        return default_catalog().instruments["registry.counter"]


def _raw(path: Path) -> pd.DataFrame:
    return read_table(path, dtype=str, keep_default_na=False)


def _answered(raw: pd.DataFrame, imported: pd.DataFrame, columns: dict[str, str]) -> None:
    """Every answer given in the export is in the import (nothing dropped)."""
    for header, qid in columns.items():
        given = raw[header].str.strip() != ""
        assert (imported[qid].notna().to_numpy() == given.to_numpy()).all(), header


def test_the_kobo_sample_imports_every_answer(registry):
    raw = _raw(KOBO)
    out = import_kobo(KOBO, registry)
    assert out["respondent"].tolist() == raw["_uuid"].tolist()
    questions = {h: h.rsplit("/", 1)[-1] for h in raw.columns if h.startswith("g_")}
    assert len(questions) == 19
    _answered(raw, out, questions)
    assert out.loc[0, ["acc_hours", "acc_location", "acc_online"]].tolist() == ["4", "5", "9"]
    result = validate(registry, out)
    assert result.problems.empty
    assert len(result.clean) == len(raw) == 60


def test_kobo_headers_with_another_group_separator(registry):
    raw = _raw(KOBO)
    slash = import_kobo(raw, registry)
    for sep in ("-", ".", ":"):
        other = raw.rename(columns=lambda c, s=sep: c.replace("/", s))
        pd.testing.assert_frame_equal(import_kobo(other, registry), slash)


def test_the_limesurvey_codes_sample_maps_a_codes_to_the_scale(registry):
    raw = _raw(LS_CODES)
    out = import_limesurvey(LS_CODES, registry)
    arrays = {h: h.replace("[", "_").rstrip("]") for h in raw.columns if "[" in h}
    assert len(arrays) == 19
    _answered(raw, out, arrays)
    # row 1: acc[hours] A4, info[web] A9 ("don't know"), overall A3
    assert out.loc[0, ["acc_hours", "info_web", "overall"]].tolist() == ["4", "9", "3"]
    expected = raw["imp[online]"].str.removeprefix("A")
    assert out["imp_online"].tolist() == expected.tolist()
    result = validate(registry, out)
    assert result.problems.empty
    assert len(result.clean) == 80


def test_limesurvey_full_answers_give_the_same_responses_as_the_codes(registry):
    """The two samples are one survey exported both ways: the imports are equal."""
    codes = import_limesurvey(LS_CODES, registry)
    text = import_limesurvey(LS_TEXT, registry)
    assert (_raw(LS_TEXT)["acc[hours]"] == "Molto soddisfatto").any()
    pd.testing.assert_frame_equal(text, codes)


def test_yes_no_answers_in_limesurvey_codes_and_texts():
    inst = Instrument("c", "C", questions=[
        Question("booked", "yes_no", "Prenotato?"),
        Question("channel", "multiple", "Canale", choices=[Choice("web", "Sito"),
                                                           Choice("tel", "Telefono")]),
    ])  # fmt: skip
    raw = pd.DataFrame({
        "id": ["1", "2", "3", "4", "5", "6"],
        "booked": ["Y", "N", "Sì", "No", "Yes", ""],
        "channel[web]": ["Y", "N", "", "Y", "", ""],
        "channel[tel]": ["", "Y", "N", "Y", "", "Y"],
    })  # fmt: skip
    out = import_limesurvey(raw, inst, strict=True)
    assert out["booked"].tolist() == ["1", "0", "1", "0", "1", pd.NA]
    assert out["channel"].tolist() == ["web", "tel", pd.NA, "web tel", pd.NA, "tel"]
    assert validate(inst, out).problems.empty


def _spoilt() -> pd.DataFrame:
    raw = _raw(LS_CODES)
    raw.loc[3, "acc[hours]"] = "A7"  # no such answer code
    raw.loc[4, "sex"] = "x"
    raw.loc[6, "overall"] = "Molto soddisfattissimo"  # no such answer text
    raw.loc[7, "booked"] = "forse"
    return raw


def test_an_unknown_code_or_text_is_named_with_its_row_column_and_the_allowed_codes(registry):
    with pytest.raises(DataError, match=r"4 answer\(s\) match no code") as info:
        import_limesurvey(_spoilt(), registry, source="export.csv", strict=True)
    cases = info.value.failure_cases
    assert cases is not None
    got = cases[["row", "column", "value", "question"]].values.tolist()
    assert got == [
        [4, "acc[hours]", "A7", "acc_hours"],
        [5, "sex", "x", "sex"],
        [7, "overall", "Molto soddisfattissimo", "overall"],
        [8, "booked", "forse", "booked"],
    ]
    messages = cases.set_index("column")["message"]
    assert "allowed 1, 2, 3, 4, 5, 9 (or A1, A2..., the answer texts)" in messages["acc[hours]"]
    assert "allowed f, m" in messages["sex"]
    assert "allowed 0, 1" in messages["booked"]
    assert "row 4, column 'acc[hours]'" in str(info.value)


def test_an_unknown_answer_is_kept_for_validation_to_refuse(registry):
    out = import_limesurvey(_spoilt(), registry)
    assert out.loc[3, "acc_hours"] == "A7"
    assert out.loc[6, "overall"] == "Molto soddisfattissimo"
    result = validate(registry, out)
    refused = set(result.problems["row"][result.problems["question"].isin(
        ["acc_hours", "sex", "overall", "booked"])])  # fmt: skip
    assert {4, 5, 7, 8} <= refused
    assert len(result.clean) == 80 - len(set(result.problems["row"]))
    # validation names the allowed codes too
    a7 = result.problems[result.problems["value"] == "A7"]["message"].item()
    assert a7 == "answer is not a number: use a point of the scale (1, 2, 3, 4, 5; don't know: 9)"


def test_an_option_column_neither_chosen_nor_not_is_a_problem():
    inst = Instrument("c", "C", questions=[
        Question("channel", "multiple", "Canale", choices=["web", "tel"])])  # fmt: skip
    raw = pd.DataFrame({"_uuid": ["u1", "u2"], "g/channel/web": ["1", "x"],
                        "g/channel/tel": ["0", "1"]})  # fmt: skip
    with pytest.raises(DataError) as info:
        import_kobo(raw, inst, strict=True)
    cases = info.value.failure_cases
    assert cases is not None
    assert cases[["row", "column", "value"]].values.tolist() == [[2, "g/channel/web", "x"]]
    assert import_kobo(raw, inst)["channel"].tolist() == ["web", "tel"]


def test_a_multiple_choice_code_column_with_an_unknown_code():
    inst = Instrument("c", "C", questions=[
        Question("channel", "multiple", "Canale", choices=["web", "tel"])])  # fmt: skip
    # an index that repeats (two frames concatenated) is read by position
    raw = pd.DataFrame({"_uuid": ["u1", "u2"], "g/channel": ["WEB tel", "fax"]}, index=[0, 0])
    out = import_kobo(raw, inst)
    assert out["channel"].tolist() == ["web tel", "fax"]
    with pytest.raises(DataError, match="row 2, column 'g/channel'") as info:
        import_kobo(raw, inst, strict=True)
    cases = info.value.failure_cases
    assert cases is not None
    assert cases["row"].tolist() == [2]
    assert "allowed web, tel" in cases["message"].item()


def test_the_cli_says_which_answers_match_no_code(registry, tmp_path):
    export = tmp_path / "export.csv"
    _spoilt().to_csv(export, index=False)
    out = tmp_path / "responses.csv"
    with isolated_plugins(["registry"]):
        r = CliRunner().invoke(cli, ["survey", "import-export", "registry.counter", str(export),
                                     "--tool", "limesurvey", "-o", str(out)])  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "4 answers match no code" in r.stderr
    assert "row 4, column 'acc[hours]', 'A7'" in r.stderr
    back = pd.read_csv(out, dtype=str)
    assert back.loc[3, "acc_hours"] == "A7"
    assert np.all(back["respondent"].astype(int).to_numpy() == np.arange(1, 81))
