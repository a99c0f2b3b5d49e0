"""The register's own problems are said in --lang (review s36, after #39).

An import's clash with complaints already in the register, ``complaints
check``'s problems of a tampered register and a local category's refusal were
English under --lang it and de. The library keeps their English text (scripts
and tests read it); each is a :class:`qualitapa.errors.Message`.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualitapa import Organization, Service, Text, hookimpl
from qualitapa.cli import cli
from qualitapa.complaints import ComplaintCategory, ComplaintRegister
from qualitapa.errors import said
from qualitapa.i18n import translator
from qualitapa.testing import catalog_with

HISTORY = """id,kind,channel,service,received_at,status
B1,complaint,web,libraries,2024-01-10 10:00,received
"""
EVENTS = """complaint_id,at,to_status,action
B1,2024-01-10 10:00,received,receive
"""
CLASH = {
    "it": ("già nel registro", "non importato: il suo reclamo è già nel registro"),
    "de": ("bereits im Register", "nicht importiert: seine Beschwerde ist bereits im Register"),
    "en": ("already in the register", "not imported: its complaint is already in the register"),
}
CHECK = {
    "it": ("il reclamo 2024/9 non ha eventi", "chiave esterna: eventi riga"),
    "de": ("Beschwerde 2024/9 hat keine Ereignisse", "Fremdschlüssel: Ereignisse Zeile"),
    "en": ("complaint 2024/9 has no events", "foreign key: events row"),
}


def _run(*args: str) -> str:
    result = CliRunner(env={"COLUMNS": "400"}).invoke(cli, list(args))
    assert "Traceback" not in result.output, result.output
    return result.output


def _imported(tmp_path: Path, lang: str, *extra: str) -> str:
    files = []
    for name, text in (("history.csv", HISTORY), ("events.csv", EVENTS)):
        (tmp_path / name).write_text(text, encoding="utf-8")
        files.append(str(tmp_path / name))
    db = str(tmp_path / "r.db")
    return _run("--lang", lang, "complaints", "import", files[0], "--events", files[1],
                "--db", db, *extra)  # fmt: skip


@pytest.mark.parametrize("lang", ["it", "de", "en"])
def test_a_clash_with_the_register_is_said_in_the_language(tmp_path, lang) -> None:
    _imported(tmp_path, lang, "--create")
    out = _imported(tmp_path, lang)
    for text in CLASH[lang]:
        assert text in out
    if lang != "en":
        assert "already in the register" not in out


def _tampered(path: Path) -> None:
    """A complaint without events and an event of no complaint, written past the triggers."""
    db = sqlite3.connect(path, isolation_level=None)
    try:
        for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'"):
            db.execute(f"DROP TRIGGER {name}")
        db.execute(
            "INSERT INTO complaints VALUES ('2024/9', 'praise', 'web', 'registry', NULL, "
            "NULL, 0, '', NULL, NULL, NULL, NULL)"
        )
        db.execute(
            "INSERT INTO events (seq, complaint_id, at_us, actor, action, from_status, "
            "to_status, note, target) VALUES ((SELECT MAX(seq) + 1 FROM events), 'X9', "
            "1704877200000000, 'x', 'receive', NULL, 'received', '', NULL)"
        )
    finally:
        db.close()


@pytest.mark.parametrize("lang", ["it", "de", "en"])
def test_check_says_a_tampered_registers_problems_in_the_language(tmp_path, lang) -> None:
    _imported(tmp_path, lang, "--create")
    _tampered(tmp_path / "r.db")
    out = _run("--lang", lang, "complaints", "check", "--db", str(tmp_path / "r.db"))
    for text in CHECK[lang]:
        assert text in out
    if lang != "en":
        for english in ("has no events", "foreign key", "refers to missing"):
            assert english not in out


def test_the_library_keeps_the_english_problems(tmp_path) -> None:
    _imported(tmp_path, "en", "--create")
    _tampered(tmp_path / "r.db")
    with ComplaintRegister(tmp_path / "r.db") as reg:
        problems = reg.check()
    assert "complaint 2024/9 has no events" in problems
    fk = [p for p in problems if p.startswith("foreign key: events row ")]
    assert fk
    assert fk[0].endswith("refers to missing complaints")
    it, de = translator("it"), translator("de")
    assert said(fk[0], it).startswith("chiave esterna: eventi riga ")
    assert said(fk[0], de).endswith("verweist auf eine fehlende Zeile von Beschwerden")


class _Cities:
    @hookimpl
    def qualitapa_services(self) -> list[Service]:
        return [Service("registry", Text("Anagrafe", "Civil registry"))]

    @hookimpl
    def qualitapa_organizations(self) -> list[Organization]:
        return [Organization("021008", "Bolzano"), Organization("036023", "Modena")]

    @hookimpl
    def qualitapa_complaint_categories(self) -> list[ComplaintCategory]:
        return [
            ComplaintCategory("registry.waiting", Text("Attese", "Waiting"), "registry"),
            ComplaintCategory("registry.bilingual", Text("Bilinguismo", "Bilingual service"),
                              "registry", organizations=["021008"]),
        ]  # fmt: skip


REFUSAL = {
    "it": "la categoria 'registry.bilingual' vale solo per Bolzano (021008), non per Modena "
    "(036023); categorie del servizio 'registry' che valgono: 'registry.waiting'",
    "de": "die Kategorie 'registry.bilingual' gilt nur für Bolzano (021008), nicht für Modena "
    "(036023); zutreffende Kategorien des Dienstes 'registry': 'registry.waiting'",
    "en": "the category 'registry.bilingual' applies to Bolzano (021008) only, not to Modena "
    "(036023); categories of service 'registry' that apply: 'registry.waiting'",
}


@pytest.mark.parametrize("lang", ["it", "de", "en"])
def test_a_local_categorys_refusal_is_said_in_the_language(tmp_path, monkeypatch, lang) -> None:
    from qualitapa.cli import _complaints

    monkeypatch.setattr(_complaints, "get_catalog", lambda: catalog_with(("c", _Cities())))
    src = tmp_path / "reclami.csv"
    src.write_text(
        "id,kind,channel,service,category,organization,received_at,description\n"
        "1,complaint,email,registry,registry.bilingual,Modena,2024-01-09 09:00,x\n",
        encoding="utf-8",
    )
    out = _run("--lang", lang, "complaints", "import", str(src), "--create", "--check-catalog",
               "--db", str(tmp_path / "r.db"))  # fmt: skip
    assert REFUSAL[lang] in out
