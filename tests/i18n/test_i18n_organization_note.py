"""The note on organizations read by name or code, in one term and the reader's names
(review s36 #38).

Before: German said "Organisationen als Codes des Katalogs gelesen ... (Bolzano, anhand des
Namens)" while the tables say "Körperschaft" and ``plan derive`` names the city "Bozen";
Italian said "organizzazioni" beside the tables' "Ente".
"""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from qualitapa import hookimpl
from qualitapa.catalog import Catalog
from qualitapa.i18n import translator
from qualitapa.models import Organization, Text


class _Cities:
    @hookimpl
    def qualitapa_organizations(self) -> list[Organization]:
        return [Organization("021008", "Bolzano", label=Text("Bolzano", de="Bozen")),
                Organization("022205", "Trento")]  # fmt: skip


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.build([_Cities()], entrypoints=False)


def _notes(call: object) -> dict[str, str]:
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        call()  # type: ignore[operator]
    assert len(seen) == 1
    note = seen[0].message
    return {lang: note.render(translator(lang)) for lang in ("it", "en", "de")}  # type: ignore[attr-defined]


def test_the_table_note_names_the_city_as_its_readers_do(catalog: Catalog) -> None:
    data = pd.DataFrame({"organization": ["Bolzano", "Trento"], "value": [1, 2]})
    notes = _notes(lambda: catalog.resolve_organizations(data, source="raw.csv"))
    assert "enti letti come codici del catalogo" in notes["it"]
    assert "organizzazion" not in notes["it"]
    assert "(Bolzano, dal nome)" in notes["it"]
    assert "Körperschaften als Codes des Katalogs gelesen" in notes["de"]
    assert "Organisation" not in notes["de"]
    assert "'Bolzano' -> 021008 (Bozen, anhand des Namens)" in notes["de"]  # the name read, kept
    assert "organizations read as the catalog's codes" in notes["en"]


def test_the_single_note_names_the_city_as_its_readers_do(catalog: Catalog) -> None:
    notes = _notes(lambda: catalog.resolve_organization("Bolzano"))
    assert notes["it"] == "ente 'Bolzano' letto come Bolzano (021008) (dal nome)"
    assert notes["de"] == "Körperschaft 'Bolzano' gelesen als Bozen (021008) (anhand des Namens)"
    assert notes["en"] == "organization 'Bolzano' read as Bolzano (021008) (by name)"
