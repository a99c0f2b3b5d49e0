"""Organizations named in the reader's language: Bolzano is Bozen in German (issue 15)."""

from __future__ import annotations

import attrs
import pytest

from qualitapa._organizations import OrganizationIndex, organization_names
from qualitapa.declarative import TomlPlugin
from qualitapa.errors import DefinitionError, OptionError
from qualitapa.models import Organization, Text
from qualitapa.testing import catalog_with, isolated_plugins


def test_an_organization_without_a_label_keeps_its_name_in_every_language():
    modena = Organization("036023", "Modena")
    assert modena.name == "Modena"
    assert modena.label is None
    assert modena.names == Text("Modena")
    assert [modena.display_name(c) for c in ("it", "en", "de", "fr", "de_CH")] == ["Modena"] * 5


def test_a_bilingual_city_is_named_in_the_language_asked():
    bz = Organization("021008", "Bolzano", label=Text("Bolzano", "Bolzano", "Bozen"))
    assert bz.name == "Bolzano"  # still a str: every existing use of .name keeps working
    assert (bz.display_name("it"), bz.display_name("de"), bz.display_name("de_IT")) == (
        "Bolzano",
        "Bozen",
        "Bozen",
    )
    assert bz.display_name("fr") == "Bolzano"  # no French: Italian
    with pytest.raises(OptionError):
        bz.display_name("Deutsch")


def test_the_label_round_trips_through_a_mapping_and_evolve():
    data = {"id": "021008", "name": "Bolzano", "label": {"it": "Bolzano", "de": "Bozen"}}
    bz = Organization.from_mapping(data)
    again = Organization.from_mapping(
        {"id": bz.id, "name": bz.name, "label": bz.label.to_dict() if bz.label else None}
    )
    assert again == bz
    assert attrs.evolve(bz, population=107_000).label == Text("Bolzano", de="Bozen")
    # the Italian text of the label may be left out: it is the name
    short = Organization.from_mapping({"id": "021008", "name": "Bolzano", "label": {"de": "Bozen"}})
    assert short == bz


def test_a_label_naming_another_italian_name_is_refused():
    with pytest.raises(DefinitionError, match="the Italian name is 'Bolzano'") as info:
        Organization.from_mapping(
            {"id": "021008", "name": "Bolzano", "label": {"it": "Bozen", "de": "Bozen"}},
            source="cities.toml",
        )
    assert (info.value.source, info.value.field) == ("cities.toml", "label")


def test_an_empty_name_is_refused():
    with pytest.raises(DefinitionError, match="name must not be empty"):
        Organization("021008", "  ")


def test_toml_organizations_take_a_label(tmp_path):
    toml = tmp_path / "cities.toml"
    toml.write_text(
        '[[organizations]]\nid = "021008"\nname = "Bolzano"\n'
        'label = { it = "Bolzano", de = "Bozen" }\n\n'
        '[[organizations]]\nid = "036023"\nname = "Modena"\n',
        encoding="utf-8",
    )
    catalog = catalog_with(("cities", TomlPlugin(toml)))
    assert organization_names(catalog, "de") == {"021008": "Bozen", "036023": "Modena"}
    assert organization_names(catalog) == {"021008": "Bolzano", "036023": "Modena"}
    # a German office's export names the city in German: read as its code
    with pytest.warns(Warning, match="Bozen"):
        assert catalog.resolve_organization("Bozen") == "021008"


def test_organization_names_takes_organizations_a_mapping_or_nothing():
    bz = Organization("021008", "Bolzano", label=Text("Bolzano", de="Bozen"))
    assert organization_names([bz], "de") == {"021008": "Bozen"}
    assert organization_names({"021008": bz}, "it") == {"021008": "Bolzano"}
    assert organization_names(None, "de") == {}
    with pytest.raises(OptionError):
        organization_names([bz], "German")


def test_the_index_finds_an_organization_by_any_of_its_names():
    index = OrganizationIndex(
        [Organization("021008", "Bolzano", label=Text("Bolzano", de="Bozen"))]
    )
    found = index.resolve(["BOZEN", "bolzano", "Comune di Bolzano"])
    assert found.codes == {"BOZEN": "021008", "bolzano": "021008", "Comune di Bolzano": "021008"}
    assert index.label("021008") == "Bolzano (021008)"  # notes name it in Italian


def test_the_qclub_plugin_names_bolzano_bozen_in_german():
    with isolated_plugins(["qclub"]):
        from qualitapa.catalog import default_catalog

        names = organization_names(default_catalog(), "de")
        assert names["021008"] == "Bozen"
        assert names["036023"] == "Modena"  # no official German name: the Italian one
        assert organization_names(default_catalog(), "it")["021008"] == "Bolzano"
