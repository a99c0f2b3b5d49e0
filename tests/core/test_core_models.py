"""Core models: Text, Service, Organization, PeerGroup, enums."""

from __future__ import annotations

import attrs
import pytest

from qualitapa import DefinitionError, Dimension, Organization, PeerGroup, Polarity, Service, Text
from qualitapa.errors import OptionError


def test_text_falls_back_to_italian():
    assert Text("Anagrafe").get("en") == "Anagrafe"
    assert Text("Anagrafe", "Civil registry").get("en") == "Civil registry"
    assert Text("Anagrafe", "Civil registry").get("it") == "Anagrafe"


def test_text_rejects_empty_italian_and_malformed_language():
    with pytest.raises(DefinitionError, match="Italian label"):
        Text("  ")
    assert Text("Anagrafe").get("fr") == "Anagrafe"  # any language, falling back to Italian
    with pytest.raises(OptionError, match="not 'French'"):
        Text("Anagrafe").get("French")


def test_text_coerce_from_mapping_and_errors():
    assert Text.coerce({"it": "Nidi", "en": "Nurseries"}) == Text("Nidi", "Nurseries")
    assert Text.coerce("Nidi") == Text("Nidi")
    with pytest.raises(DefinitionError, match="needs an Italian text"):
        Text.coerce({"en": "Nurseries"})
    assert Text.coerce({"it": "Nidi", "fr": "Crèches"}).get("fr") == "Crèches"
    with pytest.raises(DefinitionError, match="not 'French'"):
        Text.coerce({"it": "Nidi", "French": "Crèches"})


def test_models_are_frozen():
    s = Service("registry", "Anagrafe")
    with pytest.raises(attrs.exceptions.FrozenError):
        s.id = "x"  # type: ignore[misc]
    assert attrs.evolve(s, parent=None).label == Text("Anagrafe")


@pytest.mark.parametrize("bad", ["Registry", "registry..x", ".x", "a b", "", "x."])
def test_invalid_ids_are_rejected(bad):
    with pytest.raises(DefinitionError, match="not a valid id"):
        Service(bad, "Anagrafe")


def test_service_from_mapping_names_unknown_field():
    with pytest.raises(DefinitionError) as info:
        Service.from_mapping(
            {"id": "registry", "label": "Anagrafe", "colour": "red"}, source="f.toml"
        )
    assert info.value.source == "f.toml"
    assert info.value.item == "registry"
    assert info.value.field == "colour"


def test_service_from_mapping_names_missing_field():
    with pytest.raises(DefinitionError, match=r"missing required field\(s\) \['label'\]"):
        Service.from_mapping({"id": "registry"})


def test_organization_numeric_istat_code_is_zero_padded():
    # ISTAT code of Modena is 036023; TOML writers may type it as a number
    org = Organization.from_mapping({"id": 36023, "name": "Modena", "population": 184739})
    assert org.id == "036023"
    assert org.variables() == {"population": 184739.0}


def test_organization_population_must_be_non_negative_integer():
    with pytest.raises(DefinitionError, match="population"):
        Organization("x", "X", population=-1)
    with pytest.raises(DefinitionError, match="population"):
        Organization("x", "X", population=1.5)  # type: ignore[arg-type]


def test_organization_attributes_are_variables():
    org = Organization("036023", "Modena", population=10, attributes={"children_0_2": 4.0})
    assert org.variables() == {"children_0_2": 4.0, "population": 10.0}


def test_polarity_sign_and_enums():
    assert Polarity("higher_is_better").sign == 1
    assert Polarity.LOWER_IS_BETTER.sign == -1
    assert Polarity.NEUTRAL.sign == 0
    assert [d.value for d in Dimension] == ["efficiency", "effectiveness", "quality", "impact"]


def test_peer_group_population_classes_are_right_closed():
    pg = PeerGroup("size", "Classe", breaks=(100_000, 250_000), labels=("s", "m", "l"))
    # 100,000 falls in the first class (upper bound included), 100,001 in the second
    assert pg.assign({"a": 100_000, "b": 100_001, "c": 250_001, "d": None}) == {
        "a": "s",
        "b": "m",
        "c": "l",
    }


def test_peer_group_members_and_validation():
    pg = PeerGroup("north", "Nord", members={"036023": "north"})
    assert pg.assign({"036023": 1, "001272": 2}) == {"036023": "north"}
    with pytest.raises(DefinitionError, match="either"):
        PeerGroup("x", "X")
    with pytest.raises(DefinitionError, match="2 breaks need 3 labels"):
        PeerGroup("x", "X", breaks=(1, 2), labels=("a", "b"))
    with pytest.raises(DefinitionError, match="increasing"):
        PeerGroup("x", "X", breaks=(2, 1), labels=("a", "b", "c"))
