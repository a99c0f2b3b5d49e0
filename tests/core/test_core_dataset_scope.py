"""Local datasets: a city's plugin ships the data of its own organizations only (issue 16)."""

from __future__ import annotations

import hypothesis.strategies as st
import pandas as pd
import pytest
from hypothesis import given

from qualitapa.catalog import Catalog
from qualitapa.declarative import TomlPlugin
from qualitapa.errors import DataError, DefinitionError
from qualitapa.models import Dataset, Organization


def _csv(path, rows):
    pd.DataFrame(rows, columns=["organization", "period", "variable", "value"]).to_csv(
        path, index=False
    )
    return path


def test_a_local_dataset_reads_its_own_rows_and_codes_keep_their_zero(tmp_path):
    f = _csv(tmp_path / "bz.csv", [["021008", 2024, "staff", 10], ["021008", 2023, "staff", 9]])
    d = Dataset("bz.demo", "Dati di Bolzano", f, "indicator_data", organizations=["021008"])
    assert d.is_local
    assert d.read()["organization"].tolist() == ["021008", "021008"]


def test_rows_of_another_organization_are_refused_naming_file_row_and_value(tmp_path):
    f = _csv(
        tmp_path / "bz.csv",
        [["021008", 2024, "staff", 10], ["022205", 2024, "staff", 7], ["022205", 2023, "staff", 6]],
    )
    d = Dataset("bz.demo", "Dati di Bolzano", f, "indicator_data", organizations=["021008"])
    with pytest.raises(DataError) as info:
        d.read()
    err = info.value
    assert err.source == str(f)
    assert err.row == 2  # the first data row at fault (1-based, header excluded)
    assert err.column == "organization"
    assert "'022205'" in err.message
    assert "2 such rows" in err.message
    assert err.failure_cases["row"].tolist() == [2, 3]


def test_a_dataset_for_everyone_reads_any_organization(tmp_path):
    f = _csv(tmp_path / "all.csv", [["021008", 2024, "staff", 10], ["022205", 2024, "staff", 7]])
    d = Dataset("all.demo", "Dati", f, "indicator_data")
    assert not d.is_local
    assert len(d.read()) == 2


@given(st.lists(st.sampled_from(["021008", "022205", "036023"]), min_size=1, max_size=30))
def test_read_accepts_exactly_the_tables_whose_organizations_are_in_scope(tmp_path_factory, orgs):
    # property: read() succeeds iff every row's organization is listed, whatever the order
    path = tmp_path_factory.mktemp("ds") / "d.csv"
    _csv(path, [[o, 2024, "staff", 1] for o in orgs])
    d = Dataset("x.demo", "Dati", path, "indicator_data", organizations=["021008", "036023"])
    if set(orgs) <= {"021008", "036023"}:
        assert d.read()["organization"].tolist() == orgs
    else:
        with pytest.raises(DataError) as info:
            d.read()
        bad = [i + 1 for i, o in enumerate(orgs) if o == "022205"]
        assert info.value.failure_cases["row"].tolist() == bad


def test_organizations_are_text_ids_in_toml_and_checked_against_the_catalog(tmp_path):
    f = _csv(tmp_path / "bz.csv", [["021008", 2024, "staff", 10]])
    toml = tmp_path / "defs.toml"
    toml.write_text(
        '[[datasets]]\nid = "bz.demo"\nlabel = "Dati"\npath = "bz.csv"\n'
        'kind = "indicator_data"\norganizations = ["021009"]\n',
        encoding="utf-8",
    )
    cat = Catalog.build([("bz", TomlPlugin(toml))], entrypoints=False)
    assert cat.datasets["bz.demo"].path == f.resolve()
    orgs = Catalog.build(
        [("bz", TomlPlugin(toml)), ("orgs", _orgs([Organization("021008", "Bolzano")]))],
        entrypoints=False,
    )
    found = [p for p in orgs.check() if p.item == "bz.demo" and p.severity == "error"]
    assert [(p.message, p.field, p.suggestion) for p in found] == [
        (
            "organization '021009' is not registered by any plugin",
            "organizations",
            "did you mean '021008'?",
        )
    ]
    with pytest.raises(DefinitionError, match="organization ids"):
        Dataset("x", "Dati", f, "indicator_data", organizations=[21008])


def _orgs(items):
    from types import SimpleNamespace

    from qualitapa import hookimpl

    return SimpleNamespace(qualitapa_organizations=hookimpl(lambda: items))
