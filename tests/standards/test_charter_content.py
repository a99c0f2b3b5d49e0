"""The charter's status, approval act and version, and a city's content of a charter."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from qualitapa import TomlPlugin
from qualitapa.declarative import load_definitions
from qualitapa.errors import DefinitionError
from qualitapa.standards import (
    ApprovalAct,
    Charter,
    CharterContent,
    CharterStatus,
    content_for,
    render_markdown,
)
from qualitapa.testing import catalog_with


@pytest.fixture(autouse=True)
def _english_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests read the command line's English messages (Italian is the default)."""
    monkeypatch.setenv("QUALITAPA_LANG", "en")


CITY = """
[[services]]
id = "registry"
label = { it = "Anagrafe" }

[[organizations]]
id = "021008"
name = "Bolzano"

[[charters]]
id = "registry.charter"
service = "registry"
title = { it = "Carta dei servizi demografici", de = "Dienstleistungscharta" }
valid_from = 2025-01-01
version = "1.0"
contacts = [{ label = "Modello" }]

[[charter_content]]
charter = "registry.charter"
organization = "021008"
authority = { it = "Comune di Bolzano", de = "Stadtgemeinde Bozen" }
status = "published"
version = "2.0"
approval.body = { it = "Giunta comunale", de = "Stadtregierung" }
approval.number = 112
approval.date = 2025-03-24
channels = ["counter", "pec"]
notes = [{ it = "Servizi in italiano e tedesco", de = "Dienste auf Deutsch und Italienisch" }]

[[charter_content.contacts]]
label = { it = "Ufficio Anagrafe", de = "Meldeamt" }
address = { it = "Vicolo Gumer 7", de = "Gumergasse 7" }
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "city.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_status_labels_in_three_languages() -> None:
    labels = {s.value: (s.label.it, s.label.en, s.label.de) for s in CharterStatus}
    assert labels == {
        "draft": ("bozza", "draft", "Entwurf"),
        "approved": ("approvata", "approved", "genehmigt"),
        "published": ("pubblicata", "published", "veröffentlicht"),
        "under_revision": ("in revisione", "under revision", "in Überarbeitung"),
    }
    assert [s.needs_approval for s in CharterStatus] == [False, True, True, False]


def test_charter_defaults_to_a_draft_without_act_or_version() -> None:
    charter = Charter("x.c", "x", "Carta", "2025-01-01")
    assert charter.status is CharterStatus.DRAFT
    assert charter.approval is None
    assert charter.version is None


def test_approved_charter_needs_its_act() -> None:
    with pytest.raises(DefinitionError) as info:
        Charter.from_mapping(
            {"id": "x.c", "service": "x", "title": "T", "valid_from": "2025-01-01",
             "status": "approved"}, source="c.toml",
        )  # fmt: skip
    assert info.value.field == "approval"
    assert "names the act that approved it" in str(info.value)
    act = {"body": "Giunta comunale", "number": "12/2025", "date": "2025-02-03"}
    ok = Charter.from_mapping(
        {"id": "x.c", "service": "x", "title": "T", "valid_from": "2025-01-01",
         "status": "Published", "approval": act}
    )  # fmt: skip
    assert ok.approval == ApprovalAct("Giunta comunale", "12/2025", dt.date(2025, 2, 3))


@pytest.mark.parametrize(
    ("approval", "field", "message"),
    [
        ({"body": "G", "number": "1", "date": "2025-13-01"}, "approval.date", "not a date"),
        ({"body": "G", "date": "2025-01-01"}, "approval.number", "missing"),
        ({"body": "G", "number": " ", "date": "2025-01-01"}, "approval.number", "empty"),
        ({"body": "G", "number": "1", "date": "2025-01-01", "url": "javascript:x"},
         "approval.url", "https://"),
        ({"body": "G", "number": "1", "date": "2025-01-01", "judge": "x"},
         "approval.judge", "unknown field"),
    ],
)  # fmt: skip
def test_approval_errors_name_the_field(approval: dict[str, str], field: str, message: str) -> None:
    with pytest.raises(DefinitionError, match=message) as info:
        Charter.from_mapping(
            {"id": "x.c", "service": "x", "title": "T", "valid_from": "2025-01-01",
             "approval": approval}, source="c.toml",
        )  # fmt: skip
    assert info.value.field == field
    assert info.value.source == "c.toml"


@pytest.mark.parametrize("version", [2.1, True])
def test_version_is_text(version: object) -> None:
    with pytest.raises(DefinitionError, match="as text") as info:
        Charter("x.c", "x", "T", "2025-01-01", version=version)
    assert info.value.field == "version"
    assert Charter("x.c", "x", "T", "2025-01-01", version=3).version == "3"


def test_status_must_be_known() -> None:
    with pytest.raises(DefinitionError, match="'under_revision'") as info:
        Charter("x.c", "x", "T", "2025-01-01", status="retired")
    assert info.value.field == "status"


def test_toml_content_is_loaded_and_merged(tmp_path: Path) -> None:
    catalog = catalog_with(("city", TomlPlugin(_write(tmp_path, CITY))))
    assert list(catalog.charter_content) == ["registry.charter.021008"]
    content = catalog.charter_content["registry.charter.021008"]
    assert content.approval is not None
    assert content.approval.number == "112"
    charter = content.apply(catalog.charters["registry.charter"])
    assert (charter.status, charter.version) == (CharterStatus.PUBLISHED, "2.0")
    assert [c.label.de for c in charter.contacts] == ["Meldeamt"]  # the city's replace the model's
    assert charter.valid_from == dt.date(2025, 1, 1)  # the model's dates when not given
    assert [p for p in catalog.check() if p.kind == "charter content"] == []


def test_content_errors_name_file_entry_and_field(tmp_path: Path) -> None:
    bad = CITY.replace('organization = "021008"', "organization = 21008")
    with pytest.raises(DefinitionError) as info:
        load_definitions(_write(tmp_path, bad))
    message = str(info.value)
    assert "[[charter_content]] entry 1" in message
    assert info.value.field == "organization"
    assert "in quotes" in message
    bad = CITY.replace("approval.", "approved_by.")
    with pytest.raises(DefinitionError, match="unknown field") as info:
        load_definitions(_write(tmp_path, bad))
    assert info.value.item == "registry.charter.021008"
    bad = CITY.replace("approval.", "# approval.")
    with pytest.raises(DefinitionError, match="names the act") as info:
        load_definitions(_write(tmp_path, bad))
    assert info.value.field == "approval"
    bad = CITY.replace('channels = ["counter", "pec"]', 'channels = ["pec", "pec"]')
    with pytest.raises(DefinitionError, match="channel is listed twice"):
        load_definitions(_write(tmp_path, bad))
    bad = CITY.replace('notes = [{ it = "Servizi', 'notes = [{ en = "Servizi')
    with pytest.raises(DefinitionError, match="Italian"):
        load_definitions(_write(tmp_path, bad))


def test_check_reports_unknown_organization_duplicates_and_charters(tmp_path: Path) -> None:
    extra = """
[[charter_content]]
id = "bolzano.registry"
charter = "registry.charter"
organization = "021008"

[[charter_content]]
charter = "registry.charterr"
organization = "021008"

[[charter_content]]
charter = "registry.charter"
organization = "099999"

[[charter_content]]
charter = "libraries.charter"
organization = "021008"
"""
    catalog = catalog_with(("city", TomlPlugin(_write(tmp_path, CITY + extra))))
    found = {(p.item, p.severity, p.message) for p in catalog.check()}
    assert (
        "registry.charter.021008",
        "error",
        "'bolzano.registry' also gives the content of 'registry.charter' for '021008'",
    ) in found
    assert (
        "registry.charterr.021008",
        "warning",
        "charter 'registry.charterr' is not defined by any plugin (service 'registry' is "
        "installed): this content is not used",
    ) in found
    assert (
        "registry.charter.099999",
        "error",
        "organization '099999' is not registered by any plugin",
    ) in found
    assert not [p for p in found if p[0] == "libraries.charter.021008"]  # not installed
    charter = catalog.charters["registry.charter"]
    with pytest.raises(DefinitionError, match="2 contents of charter"):
        content_for(catalog.charter_content, charter, "021008")


def test_content_of_another_charter_is_refused() -> None:
    content = CharterContent("libraries.charter", "021008")
    with pytest.raises(DefinitionError, match=r"belongs to charter 'libraries\.charter'"):
        content.apply(Charter("registry.charter", "registry", "Carta", "2025-01-01"))


def test_a_city_draft_drops_the_model_act() -> None:
    act = {"body": "Giunta", "number": "1", "date": "2024-12-01"}
    model = Charter("x.c", "x", "Carta", "2025-01-01", status="approved", approval=act)
    draft = CharterContent("x.c", "036023", status="draft").apply(model)
    assert (draft.status, draft.approval) == (CharterStatus.DRAFT, None)
    kept = CharterContent("x.c", "036023", version="2").apply(model)
    assert kept.approval == model.approval


def test_rendering_picks_the_organizations_content(tmp_path: Path) -> None:
    catalog = catalog_with(("city", TomlPlugin(_write(tmp_path, CITY))))
    charter = catalog.charters["registry.charter"]
    contents = catalog.charter_content
    de = render_markdown(charter, [], lang="de", organization="021008", content=contents)
    assert de.startswith("Stadtgemeinde Bozen\n\n# Dienstleistungscharta\n")
    assert "Gumergasse 7" in de
    assert "Dienste auf Deutsch und Italienisch" in de
    assert "Modello" not in de
    model = render_markdown(charter, [], content=contents)  # no organization: the model
    assert "Modello" in model
    assert "Bolzano" not in model
    other = render_markdown(charter, [], organization="036023", content=contents)
    assert "Bolzano" not in other
    assert "Modello" in other


def test_cli_lists_charters_with_status_version_and_adopting_cities(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from qualitapa.cli import cli

    path = _write(tmp_path, CITY)
    result = CliRunner().invoke(
        cli, ["charter", "list", "--lang", "de", "-d", str(path), "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "id,service,title,status,version,valid_from,valid_to,standards,organizations",
        "registry.charter,registry,Dienstleistungscharta,draft,1.0,2025-01-01,,0,021008",
    ]
    md = CliRunner().invoke(
        cli, ["charter", "render", "registry", "--organization", "Bolzano", "--lang", "de",
              "-d", str(path), "--on", "2025-06-01"],
    )  # fmt: skip
    assert md.exit_code == 0, md.output
    assert "Stadtgemeinde Bozen" in md.output


def test_cli_notes_a_city_without_content(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from qualitapa.cli import cli

    path = _write(tmp_path, CITY + '\n[[organizations]]\nid = "036023"\nname = "Modena"\n')
    result = CliRunner().invoke(
        cli, ["charter", "render", "registry", "--organization", "036023", "-d", str(path),
              "--on", "2025-06-01"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "organization 036023 gives no content of registry.charter" in result.stderr
    assert result.stdout.startswith("# Carta dei servizi demografici")
