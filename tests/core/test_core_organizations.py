"""Organizations in the data are the catalog's (issue 12, defect 8).

Offices write "Trento" for 022205, and Excel drops the leading zero of
016024. Names (any case, with or without accents) and codes that lost their
leading zeros are resolved to the catalog's codes, with a note; anything
else is an error naming file, row, column and value, with suggestions. A
catalog without organizations accepts any code as it is.
"""

from __future__ import annotations

import pandas as pd
import pytest

from qualitapa import Catalog
from qualitapa.declarative import TomlPlugin
from qualitapa.errors import DataError, DataWarning, UnknownItemError, UnknownValueError
from qualitapa.indicators import check_data, compute

DEFINITIONS = """
[[services]]
id = "libraries"
label = { it = "Biblioteche" }

[[variables]]
id = "loans"
label = { it = "Prestiti" }
integer = true

[[indicators]]
id = "libraries.loans_per_inhabitant"
label = { it = "Prestiti per abitante" }
service = "libraries"
dimension = "effectiveness"
formula = "loans / population"
polarity = "higher_is_better"

[[organizations]]
id = "022205"
name = "Trento"
population = 119000

[[organizations]]
id = "016024"
name = "Bergamo"
population = 120000

[[organizations]]
id = "021008"
name = "Bolzano"
population = 107000

[[organizations]]
id = "037006"
name = "Forlì"
population = 117000

[[organizations]]
id = "099001"
name = "San Giovanni"
population = 1000

[[organizations]]
id = "099002"
name = "San Giovanni"
population = 2000
"""


@pytest.fixture(scope="module")
def catalog(tmp_path_factory) -> Catalog:
    path = tmp_path_factory.mktemp("defs") / "defs.toml"
    path.write_text(DEFINITIONS, encoding="utf-8")
    return Catalog.build([("defs", TomlPlugin(path))], entrypoints=False)


def _raw(organizations: list[object]) -> pd.DataFrame:
    return pd.DataFrame(
        {"organization": organizations, "period": 2024, "variable": "loans", "value": 119000}
    )


def test_names_and_codes_without_leading_zeros_are_resolved_with_a_note(catalog):
    raw = _raw(["Trento", "16024", "BOLZANO", "forli"])
    with pytest.warns(DataWarning) as notes:
        values = compute(catalog, raw, catalog=catalog, source="raw.csv")
    assert values["organization"].astype(str).tolist() == [
        "016024", "021008", "022205", "037006",
    ]  # fmt: skip
    assert (values["status"].astype(str) == "ok").all()
    assert values.loc[values["organization"] == "022205", "value"].tolist() == [1.0]
    text = " ".join(str(n.message) for n in notes)
    assert "raw.csv" in text
    assert "'Trento' -> 022205" in text
    assert "'16024' -> 016024" in text
    # numbers (a column of codes Excel stored as numbers) and stray blanks
    with pytest.warns(DataWarning):
        out = catalog.resolve_organizations(_raw([22205, 16024.0]))
    assert out["organization"].tolist() == ["022205", "016024"]
    with pytest.warns(DataWarning):
        out = catalog.resolve_organizations(_raw(["Forlì ", " 022205"]))
    assert out["organization"].tolist() == ["037006", "022205"]


def test_unknown_organizations_are_an_error_with_suggestions(catalog):
    raw = _raw(["022205", "Trentoo", "Trentoo", "999999"])
    with pytest.raises(UnknownValueError) as info:
        compute(catalog, raw, catalog=catalog, source="raw.csv")
    err = info.value
    assert isinstance(err, DataError)
    assert (err.source, err.row, err.column, err.value) == ("raw.csv", 2, "organization", "Trentoo")
    assert "Trento (022205)" in err.suggestions
    message = str(err)
    assert "raw.csv, row 2, column 'organization'" in message
    assert "'Trentoo'" in message
    assert "Trento (022205)" in message
    # every unknown value is listed, with its first row
    assert err.failure_cases["value"].tolist() == ["Trentoo", "999999"]
    assert err.failure_cases["row"].tolist() == [2, 4]
    with pytest.raises(UnknownValueError):
        check_data(raw, catalog, catalog=catalog)


def test_a_name_shared_by_two_organizations_is_not_guessed(catalog):
    with pytest.raises(UnknownValueError, match="2 organizations") as info:
        compute(catalog, _raw(["San Giovanni"]), catalog=catalog)
    assert info.value.suggestions == ["San Giovanni (099001)", "San Giovanni (099002)"]


def test_a_catalog_without_organizations_takes_codes_as_they_are(tmp_path):
    path = tmp_path / "defs.toml"
    path.write_text(DEFINITIONS.split("[[organizations]]")[0], encoding="utf-8")
    bare = Catalog.build([("defs", TomlPlugin(path))], entrypoints=False)
    raw = _raw(["any", "16024"]).assign(variable="loans")
    values = compute(["libraries.loans_per_inhabitant"], raw, catalog=bare)
    assert values["organization"].astype(str).tolist() == ["16024", "any"]


def test_resolve_organizations_keeps_the_callers_frame_and_other_columns(catalog):
    raw = _raw(["Trento", None]).assign(note=["x", "y"])
    with pytest.warns(DataWarning):
        out = catalog.resolve_organizations(raw, source="raw.csv")
    assert out["organization"].tolist()[0] == "022205"
    assert pd.isna(out["organization"].iloc[1])  # missing stays missing
    assert raw["organization"].tolist()[0] == "Trento"
    assert out["note"].tolist() == ["x", "y"]


def test_resolve_one_organization(catalog):
    assert catalog.resolve_organization("022205") == "022205"
    with pytest.warns(DataWarning):
        assert catalog.resolve_organization("trento") == "022205"
    with pytest.raises(UnknownItemError, match="did you mean 'Trento \\(022205\\)'"):
        catalog.resolve_organization("Trentoo")
