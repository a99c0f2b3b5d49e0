"""`complaints show`: the history's times fit the terminal (widths 80 and 200; issue 17).

The people's table shows each event's office day and time with its offset in two
short columns (``2024-02-02`` and ``09:30+01:00``), which never wrap; the machine
formats keep the whole instant (``2024-02-02T09:30:00+01:00``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualitapa import Organization, Service, hookimpl
from qualitapa.cli import cli
from qualitapa.i18n import translator
from qualitapa.testing import catalog_with

OFFICE_CSV = (
    "id;kind;channel;service;organization;received_at;status;answered_at;description\n"
    "2024/000001;complaint;counter;registry;036023;02/02/2024 09:30;answered;2024-02-02;"
    "Attesa allo sportello\n"
    "2024/000002;complaint;counter;registry;london;02/07/2024 09:30;answered;05/07/2024;\n"
)


class _Offices:
    @hookimpl
    def qualitapa_organizations(self):
        return [
            Organization("036023", "Modena", province="MO"),
            Organization("london", "Ufficio di Londra", timezone="Europe/London"),
        ]

    @hookimpl
    def qualitapa_services(self):
        return [Service("registry", "Anagrafe")]


@pytest.fixture
def db(tmp_path: Path, monkeypatch) -> str:
    from qualitapa.cli import _complaints

    catalog = catalog_with(("offices", _Offices()))
    monkeypatch.setattr(_complaints, "get_catalog", lambda: catalog)
    src = tmp_path / "reclami.csv"
    src.write_bytes(OFFICE_CSV.encode("cp1252"))
    path = str(tmp_path / "urp.db")
    result = CliRunner().invoke(cli, ["complaints", "import", src.as_posix(), "--db", path,
                                      "--create", "--strict"])  # fmt: skip
    assert result.exit_code == 0, result.output + result.stderr
    return path


def _show(db: str, complaint: str, *args: str, width: int | None = None) -> str:
    env = {"COLUMNS": str(width)} if width else {}
    result = CliRunner().invoke(cli, ["complaints", "show", complaint, "--db", db, *args], env=env)
    assert result.exit_code == 0, result.output + result.stderr
    return result.stdout


@pytest.mark.parametrize("width", [80, 200])
@pytest.mark.parametrize(
    ("complaint", "day", "time"),
    [("2024/000001", "2024-02-02", "09:30+01:00"), ("2024/000002", "2024-07-02", "09:30+01:00")],
)
def test_the_history_times_fit_the_terminal(db, width, complaint, day, time):
    out = _show(db, complaint, "--lang", "en", width=width)
    lines = out.splitlines()
    assert max(map(len, lines)) <= width
    event = re.compile(r"\s*\d+\s+(\d{4}-\d{2}-\d{2})\s+(\d{2}:\d{2}[+-]\d{2}:\d{2})(\s|$)")
    events = [event.match(line) for line in lines if event.match(line)]
    # received, registered, assigned, answered: one line each, day and time whole
    assert len(events) == 4
    assert [(m[1], m[2]) for m in events[:3]] == [(day, time)] * 3
    assert not any(re.fullmatch(r"\s*[+\-]?\d{2}:\d{2}\s*", line) for line in lines)  # no stub
    t = translator("en")
    assert any(re.search(rf"{t('Data')}\s+{t('Ora')}", line) for line in lines)


def test_the_headers_are_in_the_language_and_machine_formats_keep_the_instant(db):
    assert re.search(r"Data\s+Ora", _show(db, "2024/000001", width=200))
    t = translator("de")  # "Datum", "Uhrzeit" once the catalogs have them
    assert re.search(rf"{t('Data')}\s+{t('Ora')}", _show(db, "2024/000001", "--lang", "de"))
    records = json.loads(_show(db, "2024/000001", "--format", "json"))
    assert {r["at"] for r in records} == {"2024-02-02T09:30:00+01:00"}
    assert "date" not in records[0]
