"""Charters: TOML loading through the catalog, checks, rendering with escaping."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from qualitapa import TomlPlugin
from qualitapa.errors import DefinitionError
from qualitapa.i18n import translator
from qualitapa.standards import Charter, render_charter, render_html, render_markdown
from qualitapa.testing import catalog_with

TOML = """
[[services]]
id = "registry"
label = { it = "Anagrafe", en = "Civil registry" }

[[services]]
id = "libraries"
label = { it = "Biblioteche", en = "Libraries" }

[[standards]]
id = "registry.wait"
service = "registry"
dimension = "timeliness"
label = { it = "Attesa allo sportello", en = "Waiting at the counter" }
description = { it = "Tempo dal ritiro del numero alla chiamata", en = "From ticket to call" }
formula = "waiting_minutes"
unit = "min"
target = "<= 20"
scope = "specific"
refund = { amount = 5, per_unit = 1, unit_size = 10, cap = 20 }

[[standards]]
id = "registry.online"
service = "registry"
dimension = "accessibility"
sub_dimension = "multichannel"
label = { it = "Certificati online <50%>", en = "Online certificates" }
indicator = "registry.online_share"
unit = "%"
target = { comparator = ">=", value = 60 }

[[standards]]
id = "libraries.loans"
service = "libraries"
dimension = "effectiveness"
label = { it = "Prestiti", en = "Loans" }
indicator = "libraries.loans_per_inhabitant"
target = ">= 1"

[[charters]]
id = "registry.charter"
service = "registry"
title = { it = "Carta dei servizi | Anagrafe", en = "Registry charter" }
valid_from = 2025-01-01
valid_to = "2027-12-31"
standards = ["registry.wait", "registry.online", "libraries.loans", "registry.ghost"]
introduction = { it = "<script>alert('x')</script> Servizi *demografici*" }
contacts = [{ label = "URP", phone = "059 000000", email = "urp@comune.example.it" }]
opening_hours = [{ days = { it = "lunedì-venerdì", en = "Monday-Friday" }, hours = "8:30-13:00" }]
complaint_procedure = { answer_days = 30, channels = ["email", "sportello"] }
refund_policy = { it = "Indennizzo automatico senza domanda" }
"""


@pytest.fixture
def catalog(tmp_path: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "charter.toml"
    path.write_text(TOML, encoding="utf-8")
    return catalog_with(("city", TomlPlugin(path)))


def test_toml_loads_standards_and_charters(catalog) -> None:  # type: ignore[no-untyped-def]
    assert sorted(catalog.standards) == ["libraries.loans", "registry.online", "registry.wait"]
    charter = catalog.charters["registry.charter"]
    assert charter.valid_from == dt.date(2025, 1, 1)
    assert charter.valid_to == dt.date(2027, 12, 31)
    assert charter.complaint_procedure.answer_days == 30
    assert charter.is_valid_on(dt.date(2026, 5, 1))
    assert not charter.is_valid_on(dt.date(2028, 1, 1))
    assert catalog.standards.by_service("registry")[0].id == "registry.wait"


def test_check_reports_missing_indicators_and_foreign_standards(catalog) -> None:  # type: ignore[no-untyped-def]
    messages = {(p.item, p.message) for p in catalog.check() if p.severity == "error"}
    assert (
        "registry.online",
        "indicator 'registry.online_share' is not defined by any plugin",
    ) in messages
    assert (
        "registry.charter",
        "standard 'registry.ghost' is not defined by any plugin",
    ) in messages
    assert (
        "registry.charter",
        "standard 'libraries.loans' belongs to service 'libraries', not 'registry'",
    ) in messages


def test_markdown_rendering_escapes_text(catalog) -> None:  # type: ignore[no-untyped-def]
    charter = Charter.from_mapping(
        {
            "id": "registry.charter",
            "service": "registry",
            "title": {"it": "Carta dei servizi | Anagrafe"},
            "valid_from": "2025-01-01",
            "standards": ["registry.wait", "registry.online"],
            "introduction": "<script>alert('x')</script> Servizi *demografici*",
            "complaint_procedure": {"answer_days": 30, "working_days": True},
        }
    )
    md = render_markdown(charter, catalog.standards)
    assert "<script>" not in md
    assert "&lt;script&gt;" in md
    assert "Servizi \\*demografici\\*" in md
    assert "# Carta dei servizi \\| Anagrafe" in md
    # the table row of the specific standard: target and refund in words
    assert (
        "| Attesa allo sportello: Tempo dal ritiro del numero alla chiamata "
        "| al massimo 20 minuti | Tempestività | specifico "
        "| 5\u00a0€ \\+ 1\u00a0€ ogni 10 minuti \\(al massimo 20\u00a0€\\) |"  # no-break spaces
    ) in md
    assert "Certificati online &lt;50%&gt;" in md
    assert "Risposta entro 30 giorni lavorativi" in md


def test_html_rendering_escapes_text(catalog) -> None:  # type: ignore[no-untyped-def]
    charter = catalog.charters["registry.charter"]
    stds = {k: v for k, v in catalog.standards.items()}
    stds_ok = [stds["registry.wait"], stds["registry.online"], stds["libraries.loans"]]
    charter = Charter.from_mapping(
        {
            "id": charter.id,
            "service": charter.service,
            "title": charter.title.to_dict(),
            "valid_from": charter.valid_from,
            "standards": [s.id for s in stds_ok],
            "introduction": charter.introduction.to_dict(),
            "contacts": [{"label": "URP", "email": "urp@comune.example.it"}],
        }
    )
    page = render_html(charter, stds_ok, lang="en")
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="en">' in page
    at_least = translator("en")("almeno {value}", value="60%")  # "at least 60%" with the catalog
    assert f'<td class="target">{at_least}</td>' in page
    en, dimension = translator("en"), "Accessibility (Multichannel accessibility)"
    kind = f"{en('Dimensione')}: {dimension} · {en('Tipo')}: {en('generale')}"
    assert f'<span class="kind">{kind}</span>' in page
    assert "<h3>URP</h3>" in page
    assert '<a href="mailto:urp@comune.example.it">urp@comune.example.it</a>' in page
    assert render_charter(charter, stds_ok, fmt="md", lang="en").startswith("# Registry charter")
    with pytest.raises(ValueError, match="format"):
        render_charter(charter, stds_ok, fmt="pdf")


def test_charter_validation() -> None:
    with pytest.raises(DefinitionError) as info:
        Charter.from_mapping(
            {"id": "x.c", "service": "x", "title": "T", "valid_from": "2025-13-01"},
            source="c.toml",
        )
    assert info.value.field == "valid_from"
    with pytest.raises(DefinitionError, match="before"):
        Charter("x.c", "x", "T", "2025-01-01", valid_to="2024-01-01")
    with pytest.raises(DefinitionError, match="twice"):
        Charter("x.c", "x", "T", "2025-01-01", standards=["a", "a"])
    with pytest.raises(DefinitionError) as info:
        Charter.from_mapping(
            {"id": "x.c", "service": "x", "title": "T", "valid_from": "2025-01-01",
             "complaint_procedure": {"answer_days": 0}}
        )  # fmt: skip
    assert info.value.field == "complaint_procedure"
