"""Offices, contacts and time zone of an organization (issue 16).

A city patches its organization with branch offices (Bolzano's *sportelli
anagrafici decentrati*, each with an Italian and a German name), the contacts
of its quality office and URP, and its time zone (issue 17 reads an office's
local time from it). Every mistake is a DefinitionError naming the field, down
to the office (``offices[2].name``), with a suggestion where one exists.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from pathlib import Path

import attrs
import pytest

from qualitapa import Catalog, DefinitionError, Organization, Service, Text
from qualitapa.catalog import check_plugins
from qualitapa.declarative import TomlPlugin, loads_toml, parse_definitions
from qualitapa.errors import UnknownItemError
from qualitapa.models import DEFAULT_TIMEZONE, Contact, Office, time_zone

GRIES = Office(
    "021008.gries",
    "Sportello Gries",
    label=Text("Sportello Gries", de="Bürgerschalter Gries"),
    service="registry",
    address=Text("Piazza Gries 18", de="Grieser Platz 18"),
    attributes={"counters": 3},
)

BOLZANO_TOML = """
[[services]]
id = "registry"
label = { it = "Anagrafe", en = "Civil registry", de = "Meldeamt" }

[[organizations]]
id = "021008"
name = "Bolzano"
label = { de = "Bozen" }
population = 107000
timezone = "Europe/Rome"

[[organizations.offices]]
id = "021008.gries"
name = "Sportello Gries"
label = { de = "Bürgerschalter Gries" }
service = "registry"
address = { it = "Piazza Gries 18", de = "Grieser Platz 18" }
attributes = { counters = 3 }

[[organizations.offices]]
id = "021008.don_bosco"
name = "Sportello Don Bosco"
label = { de = "Bürgerschalter Don Bosco" }
service = "registry"

[[organizations.contacts]]
role = "quality_office"
label = { it = "Ufficio qualità", de = "Amt für Qualität" }
email = "qualita@comune.bolzano.it"
phone = "+39 0471 997111"

[[organizations.contacts]]
role = "urp"
url = "https://www.comune.bolzano.it/urp"
"""


def parse(text: str) -> dict[str, list[object]]:
    return parse_definitions(loads_toml(text, source="defs.toml"), source="defs.toml")


def organization(**extra: object) -> Organization:
    """Bolzano read from a table with ``extra`` fields (errors as from_mapping raises them)."""
    return Organization.from_mapping({"id": "021008", "name": "Bolzano", **extra}, source="f.toml")


# -- construction ------------------------------------------------------------------


def test_an_organization_without_offices_keeps_its_old_shape():
    modena = Organization("036023", "Modena", population=184_739, province="MO")
    assert (modena.offices, modena.contacts, modena.timezone) == ((), (), "Europe/Rome")
    assert DEFAULT_TIMEZONE == "Europe/Rome"
    assert modena.zone == zoneinfo.ZoneInfo("Europe/Rome")
    # the old behaviours: integer ids padded to 6 digits, the label's 'it' is the name
    read = Organization.from_mapping({"id": 36023, "istat_code": 36023, "name": "Modena"})
    assert (read.id, read.istat_code) == ("036023", "036023")
    with pytest.raises(DefinitionError) as info:
        Organization("021008", "Bolzano", label=Text("Bolzen", de="Bozen"))
    assert info.value.field == "label"


def test_offices_and_contacts_in_python():
    urp = Contact("urp", email="urp@comune.bolzano.it", phone="0471 997111")
    bz = Organization("021008", "Bolzano", offices=[GRIES], contacts=[urp])
    assert bz.offices == (GRIES,)
    assert bz.contacts == (urp,)
    assert bz.office("021008.gries") is GRIES
    assert GRIES.attributes == {"counters": 3}
    assert GRIES.address == Text("Piazza Gries 18", de="Grieser Platz 18")


def test_office_names_in_italian_and_german():
    assert GRIES.display_name("it") == "Sportello Gries"
    assert GRIES.display_name("de") == "Bürgerschalter Gries"
    assert GRIES.display_name("de_IT") == "Bürgerschalter Gries"  # South Tyrol's German
    assert GRIES.display_name("en") == "Sportello Gries"  # no English name: the Italian
    plain = Office("036023.centro", "Anagrafe centrale")
    assert plain.names == Text("Anagrafe centrale")
    assert plain.display_name("de") == "Anagrafe centrale"


def test_offices_are_added_without_replacing_the_organization():
    bz = Organization("021008", "Bolzano", label=Text("Bolzano", de="Bozen"), population=107_000)
    patched = attrs.evolve(bz, offices=(*bz.offices, GRIES), timezone="Europe/Rome")
    assert (patched.population, patched.display_name("de")) == (107_000, "Bozen")
    assert patched.office("021008.gries").display_name("de") == "Bürgerschalter Gries"
    with pytest.raises(DefinitionError, match=r"'021008\.gries' is listed twice") as info:
        attrs.evolve(patched, offices=(*patched.offices, GRIES))
    assert (info.value.item, info.value.field) == ("021008", "offices[2].id")


# -- TOML --------------------------------------------------------------------------


def test_offices_and_contacts_from_toml_subtables():
    [registry] = parse(BOLZANO_TOML)["services"]
    [bz] = parse(BOLZANO_TOML)["organizations"]
    assert isinstance(registry, Service)
    assert isinstance(bz, Organization)
    assert bz.id == "021008"
    assert bz.display_name("de") == "Bozen"
    assert [o.id for o in bz.offices] == ["021008.gries", "021008.don_bosco"]
    assert bz.offices[0] == GRIES
    assert [o.display_name("de") for o in bz.offices] == [
        "Bürgerschalter Gries",
        "Bürgerschalter Don Bosco",
    ]
    assert bz.offices[1].label == Text("Sportello Don Bosco", de="Bürgerschalter Don Bosco")
    quality, urp = bz.contacts
    assert quality.role == "quality_office"
    assert quality.label == Text("Ufficio qualità", de="Amt für Qualität")
    assert (quality.email, quality.phone, quality.url) == (
        "qualita@comune.bolzano.it",
        "+39 0471 997111",
        None,
    )
    assert (urp.role, urp.url, urp.email) == ("urp", "https://www.comune.bolzano.it/urp", None)


def test_offices_as_an_inline_array_and_another_time_zone():
    text = """
    [[organizations]]
    id = "021008"
    name = "Bolzano"
    timezone = "Europe/Berlin"
    offices = [
        { id = "021008.gries", name = "Sportello Gries", label = { de = "Bürgerschalter Gries" } },
    ]
    contacts = [{ role = "complaints", email = "reclami@comune.bolzano.it" }]
    """
    [bz] = parse(text)["organizations"]
    assert isinstance(bz, Organization)
    assert bz.office("021008.gries").display_name("de") == "Bürgerschalter Gries"
    assert bz.contacts[0].role == "complaints"
    assert (bz.timezone, bz.zone) == ("Europe/Berlin", zoneinfo.ZoneInfo("Europe/Berlin"))


def test_the_catalog_holds_the_offices_and_checks_their_service(tmp_path):
    path = tmp_path / "definitions.toml"
    path.write_text(BOLZANO_TOML, encoding="utf-8")
    catalog = Catalog.build([("bolzano", TomlPlugin(path))], entrypoints=False)
    bz = catalog.organizations["021008"]
    assert bz.office("021008.don_bosco").service == "registry"
    assert [p for p in catalog.check() if p.severity == "error"] == []


# -- errors naming the field ---------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"offices": [{"id": "021008.gries"}]}, "offices[1].name", "missing required field"),
        (
            {"offices": [{"id": "021008.gries", "name": "Gries", "servce": "registry"}]},
            "offices[1].servce",
            "unknown field",
        ),
        ({"offices": [{"id": "Gries", "name": "Gries"}]}, "offices[1].id", "not a valid id"),
        ({"offices": [{"id": "021008.gries", "name": " "}]}, "offices[1].name", "non-empty"),
        (
            {"offices": [{"id": "021008.gries", "name": "Gries", "service": "Anagrafe"}]},
            "offices[1].service",
            "not a valid id",
        ),
        (
            {"offices": [{"id": "021008.g", "name": "Gries", "label": {"it": "Gries-Quirein"}}]},
            "offices[1].label",
            "the Italian name is 'Gries'",
        ),
        (
            {"offices": [{"id": "021008.g", "name": "Gries", "attributes": {"counters": "3"}}]},
            "offices[1].attributes.counters",
            "must be a number",
        ),
        (
            {"offices": [{"id": "021008.g", "name": "G", "attributes": {"open": True}}]},
            "offices[1].attributes.open",
            "must be a number",
        ),
        (
            {"offices": [{"id": "021008.a", "name": "A"}, {"id": "021008.a", "name": "B"}]},
            "offices[2].id",
            "office '021008.a' is listed twice",
        ),
        ({"offices": [{"id": "021008.a", "name": "A"}, "021008.b"]}, "offices[2]", "a table"),
        ({"offices": {"id": "021008.a", "name": "A"}}, "offices", "an array of tables"),
        ({"contacts": [{"role": "urp", "email": "urp.bolzano.it"}]}, "contacts[1].email", "@"),
        ({"contacts": [{"role": "urp", "email": "urp@bolzano"}]}, "contacts[1].email", "e-mail"),
        (
            {"contacts": [{"role": "urp", "url": "www.comune.bolzano.it"}]},
            "contacts[1].url",
            "https://",
        ),
        ({"contacts": [{"role": "urp", "phone": 471997111}]}, "contacts[1].phone", "in quotes"),
        ({"contacts": [{"role": "urp", "phone": "urp"}]}, "contacts[1].phone", "phone number"),
        ({"contacts": [{"role": "URP", "phone": "0471 997111"}]}, "contacts[1].role", "valid id"),
        ({"contacts": [{"email": "urp@comune.bolzano.it"}]}, "contacts[1].role", "missing"),
        ({"contacts": [{"role": "urp", "mail": "a@b.it"}]}, "contacts[1].mail", "unknown field"),
        ({"timezone": "Europe/Roma"}, "timezone", "did you mean 'Europe/Rome'?"),
        ({"timezone": 1}, "timezone", "a time zone is a name"),
    ],
)
def test_each_mistake_names_its_field(extra, field, message):
    with pytest.raises(DefinitionError) as info:
        organization(**extra)
    assert info.value.field == field
    assert info.value.item == "021008"
    assert info.value.source == "f.toml"
    assert message in info.value.message


def test_a_contact_without_a_way_to_reach_it_is_refused():
    with pytest.raises(DefinitionError, match="at least one of email, phone and url") as info:
        Contact("urp", label=Text("URP"))
    assert info.value.item == "urp"
    with pytest.raises(DefinitionError, match="contact 'urp': a contact gives at least one"):
        organization(contacts=[{"role": "urp"}])


def test_office_and_contact_errors_name_the_entry_in_the_file():
    text = BOLZANO_TOML.replace('name = "Sportello Don Bosco"', 'nome = "Sportello Don Bosco"')
    with pytest.raises(DefinitionError) as info:
        parse(text)
    assert info.value.source == "defs.toml, [[organizations]] entry 1"
    assert (info.value.item, info.value.field) == ("021008", "offices[2].nome")
    assert str(info.value).startswith("defs.toml, [[organizations]] entry 1")


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("Europe/Roma", "Europe/Rome"),
        ("europe/rome", "Europe/Rome"),
        ("Rome", "Europe/Rome"),
        ("Berlin", "Europe/Berlin"),
    ],
)
def test_an_unknown_time_zone_suggests_the_closest(written, meant):
    with pytest.raises(DefinitionError) as info:
        Organization("021008", "Bolzano", timezone=written)
    assert (info.value.item, info.value.field) == ("021008", "timezone")
    assert info.value.message == f"{written!r} is not a known time zone; did you mean {meant!r}?"


@pytest.mark.parametrize("refused", ["localtime", "", "../etc/passwd", "/etc/localtime", "Europe"])
def test_no_machine_zone_path_or_region_is_a_time_zone(refused):
    with pytest.raises(DefinitionError, match="is not a known time zone") as info:
        time_zone(refused)
    assert info.value.field == "timezone"


def test_the_zone_gives_local_office_time():
    # Italy keeps CET (UTC+1) in winter and CEST (UTC+2) from the last Sunday of
    # March to the last Sunday of October (EU directive 2000/84/EC).
    bz = Organization("021008", "Bolzano")
    winter = dt.datetime(2025, 1, 15, 8, 0, tzinfo=dt.UTC).astimezone(bz.zone)
    summer = dt.datetime(2025, 7, 15, 8, 0, tzinfo=dt.UTC).astimezone(bz.zone)
    assert (winter.hour, summer.hour) == (9, 10)
    # 30 March 2025, 01:00 UTC: the clocks jump from 02:00 to 03:00
    assert dt.datetime(2025, 3, 30, 1, 0, tzinfo=dt.UTC).astimezone(bz.zone).hour == 3


# -- the office lookup -----------------------------------------------------------------


def test_an_unknown_office_suggests_the_closest_ids():
    bz = Organization("021008", "Bolzano", offices=[GRIES, Office("021008.oltrisarco", "Oltr")])
    with pytest.raises(UnknownItemError) as info:
        bz.office("021008.grie")
    assert info.value.suggestions[0] == "021008.gries"
    with pytest.raises(UnknownItemError) as info:
        bz.office("oltrisarco")  # the bare name: the id is "<organization>.<name>"
    assert info.value.suggestions[0] == "021008.oltrisarco"
    with pytest.raises(UnknownItemError, match=r"unknown office 'x'$"):
        bz.office("x")
    assert isinstance(info.value, KeyError)


# -- the catalog check: an office's service must exist -------------------------------------


def test_an_office_naming_an_unknown_service_is_a_catalog_problem(tmp_path):
    path = tmp_path / "definitions.toml"
    path.write_text(
        BOLZANO_TOML.replace('service = "registry"\naddress', 'service = "registri"\naddress'),
        encoding="utf-8",
    )
    catalog = Catalog.build([("bolzano", TomlPlugin(path))], entrypoints=False)
    [problem] = [p for p in catalog.check() if p.severity == "error"]
    assert (problem.plugin, problem.item, problem.field) == (
        "bolzano",
        "021008",
        "offices[1].service",
    )
    assert problem.message == "unknown service 'registri' (office '021008.gries')"
    assert (problem.value, problem.suggestion, problem.severity) == (
        "registri",
        "did you mean 'registry'?",
        "error",
    )
    # far from any service: say that no plugin defines it
    far = attrs.evolve(catalog.organizations["021008"], offices=[attrs.evolve(GRIES, service="x")])
    [problem] = far.check(catalog)
    assert str(problem.suggestion).startswith("no plugin defines")


def test_plugin_check_reports_the_office_service_with_file_and_entry(tmp_path):
    path = tmp_path / "definitions.toml"
    path.write_text(
        BOLZANO_TOML.replace('service = "registry"\naddress', 'service = "registri"\naddress'),
        encoding="utf-8",
    )
    table = check_plugins([("bolzano", TomlPlugin(path))], entrypoints=False)
    rows = table[table["severity"] == "error"].to_dict("records")
    assert [(r["section"], r["row"], r["column"], r["suggestion"]) for r in rows] == [
        ("organizations", 1, "offices[1].service", "did you mean 'registry'?")
    ]
    assert rows[0]["source"] == str(path)


# -- the example of docs/plugins.md ---------------------------------------------------------

DOCS = Path(__file__).resolve().parents[2] / "docs" / "plugins.md"

BASE = """
[[services]]
id = "registry"
label = { it = "Anagrafe", en = "Civil registry", de = "Meldeamt" }

[[organizations]]
id = "021008"
name = "Bolzano"
population = 107000
"""


def test_the_docs_example_patches_an_organization_of_another_plugin(tmp_path):
    section = DOCS.read_text(encoding="utf-8").split(
        "### Offices, contacts and time zone of an organization"
    )[1]
    example = section.split("```toml\n")[1].split("```")[0]
    base, city = tmp_path / "base.toml", tmp_path / "city.toml"
    base.write_text(BASE, encoding="utf-8")
    city.write_text(example, encoding="utf-8")
    plugins = [("italy", TomlPlugin(base)), ("bolzano", TomlPlugin(city))]
    catalog = Catalog.build(plugins, entrypoints=False)
    bz = catalog.organizations["021008"]
    assert (bz.population, bz.display_name("de"), bz.zone) == (
        107_000,
        "Bozen",
        zoneinfo.ZoneInfo("Europe/Rome"),
    )
    assert bz.office("021008.gries") == GRIES  # the office these tests use
    assert bz.office("021008.gries").display_name("de") == "Bürgerschalter Gries"
    [quality] = bz.contacts
    assert (quality.role, quality.label, quality.url) == (
        "quality_office",
        Text("Ufficio qualità", de="Amt für Qualität"),
        "https://www.comune.bolzano.it",
    )
    table = check_plugins(plugins, entrypoints=False)
    assert table[table["severity"] == "error"].empty
    # the error messages the docs quote
    assert "`offices[2].name` (counted from 1)" in section
    with pytest.raises(DefinitionError) as info:
        organization(timezone="Europe/Roma")
    assert info.value.message in " ".join(section.split())
