"""Units are labels: every unit the plugins and the library name is a built-in unit."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from qualitapa.errors import DefinitionError
from qualitapa.i18n import UNITS, Unit, translator, unit
from qualitapa.models import Text

ROOT = Path(__file__).resolve().parents[2]


def _units_in(value: object) -> list[str]:
    if isinstance(value, dict):
        found = [value["unit"]] if isinstance(value.get("unit"), str) else []
        return found + [u for v in value.values() for u in _units_in(v)]
    if isinstance(value, list):
        return [u for v in value for u in _units_in(v)]
    return []


def _plugin_units() -> set[str]:
    names: set[str] = set()
    for path in ROOT.glob("plugins/*/src/**/*.toml"):
        names.update(_units_in(tomllib.loads(path.read_text(encoding="utf-8"))))
    # the complaints deadlines' "working"/"calendar" are day kinds, not units
    return names - {"working", "calendar"}


PLUGIN_UNITS = sorted(_plugin_units())


def test_the_plugins_name_units():
    assert len(PLUGIN_UNITS) > 20, PLUGIN_UNITS


@pytest.mark.parametrize("name", PLUGIN_UNITS)
def test_every_unit_of_the_plugins_is_built_in(name):
    u = unit(name)
    assert u.id in UNITS, f"{name!r} is not a built-in unit: add it to qualitapa.i18n._units"
    for lang in ("it", "en", "de"):
        for form in (u.one, u.other):
            assert lang == "it" or form.get(lang) != form.it or form.it in ("%", "euro"), (
                f"{name!r} has no {lang} label"
            )


@pytest.mark.parametrize("u", list(UNITS.values()), ids=list(UNITS))
def test_built_in_units_have_three_languages(u):
    for form in (u.one, u.other):
        assert {"it", "en", "de"} <= set(form.languages), u.id
    # an Italian label never reads as English (the old reports' "10 minutes")
    assert not re.search(r"\b(minutes|hours|days|per inhabitant)\b", u.other.it)


def test_unit_lookup():
    assert unit("minutes") is unit("min") is unit("Minutes") is UNITS["minutes"]
    assert unit("working days") is UNITS["working_days"]
    assert unit(UNITS["days"]) is UNITS["days"]
    ad_hoc = unit("sportelli aperti")
    assert ad_hoc.id == ""
    assert ad_hoc.label(1, "de") == "sportelli aperti"
    table = unit({"it": "sportelli", "de": "Schalter"})
    assert table.label(2, "de") == "Schalter"
    assert unit(Text("sportelli", de="Schalter")).title("de") == "Schalter"
    with pytest.raises(DefinitionError):
        unit("")
    with pytest.raises(DefinitionError, match="Italian"):
        unit({"de": "Schalter"})


def test_table_header_names():
    assert translator("it").unit("count") == "numero"
    assert translator("de").unit("count") == "Anzahl"
    assert translator("en").unit("%") == "%"
    assert translator("de").unit("hours per week") == "Wochenstunden"


def test_a_plugin_can_define_its_own_unit():
    loans = Unit(
        "loans_per_opening_hour",
        {"it": "prestito per ora di apertura", "de": "Entlehnung je Öffnungsstunde"},
        {"it": "prestiti per ora di apertura", "de": "Entlehnungen je Öffnungsstunde"},
    )
    assert translator("de").quantity(1, loans) == "1 Entlehnung je Öffnungsstunde"
    assert translator("de").quantity(2.5, loans, digits=1) == "2,5 Entlehnungen je Öffnungsstunde"
    assert translator("en").quantity(2, loans) == "2 prestiti per ora di apertura"  # fallback
