"""Attacks on ``qualitapa complaints ...`` (issue 13, items 3, 7, 10 and 13).

Complaint texts, notes, actors, targets and contacts are typed by citizens
and clerks: their control characters must not drive the terminal; the
Open311 XML must stay well-formed; bad times, foreign files and locked or
read-only registers give one clear line, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from qualitapa.cli import cli
from qualitapa.complaints import Complaint, ComplaintRegister, Contact


@pytest.fixture(autouse=True)
def _english_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests read the command line's English messages (Italian is the default)."""
    monkeypatch.setenv("QUALITAPA_LANG", "en")


HYPERLINK = "\x1b]8;;http://evil.example/\x07Clicca qui\x1b]8;;\x07"
CLEAR = "\x1b[2J"
BELL = "\x07"
OVERWRITE = "tutto ok\rHACKED"
#: What must never reach a terminal.
FORBIDDEN = ["\x1b", "\x07", "\r", "\x9b"]
T0 = dt.datetime(2024, 1, 8, 9, tzinfo=dt.UTC)


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output, result.output
    return result.exit_code, result.stdout, result.stderr


def assert_visible(text: str) -> None:
    for char in FORBIDDEN:
        assert char not in text, f"{char!r} reached the terminal: {text!r}"


@pytest.fixture
def evil_db(tmp_path: Path) -> str:
    path = tmp_path / "urp.db"
    with ComplaintRegister(path) as reg:
        reg.add(
            Complaint(
                "2024/1",
                "complaint",
                "web",
                "registry",
                T0,
                description=f"{HYPERLINK} {CLEAR}attesa{BELL} {OVERWRITE}",
                contact=Contact(name=f"Mario{CLEAR} Rossi", email="mario@example.org"),
            ),
            actor=f"urp{CLEAR}",
        )
        reg.transition("2024/1", "registered", actor="urp", at=T0)
        reg.transition("2024/1", "forwarded", actor=f"x{HYPERLINK}", at=T0,
                       note=f"nota{BELL}{CLEAR}", target=f"INPS{OVERWRITE}")  # fmt: skip
    return str(path)


def test_show_never_sends_control_characters_to_the_terminal(evil_db: str) -> None:
    code, out, err = _run("complaints", "show", "2024/1", "--db", evil_db, "--contact")
    assert code == 0, err
    assert_visible(out + err)
    assert "␛]8;;http://evil.example/␇Clicca qui" in out  # shown, not obeyed
    assert "Mario␛[2J Rossi" in out
    assert "INPS" in out
    assert "nota␇␛[2J" in out


@pytest.mark.parametrize(
    "args",
    [
        ["complaints", "kpis", "--as-of", "2024-06-30"],
        ["complaints", "pareto"],
        ["complaints", "trend", "--as-of", "2024-06-30"],
        ["complaints", "export"],
        ["complaints", "export", "--format", "open311"],
        ["complaints", "export", "--format", "open311-xml"],
        ["complaints", "check"],
        ["complaints", "show", "2024/1", "--format", "csv"],
    ],
    ids=lambda a: " ".join(a[1:3]),
)
def test_other_complaint_commands_keep_the_terminal_safe(evil_db: str, args: list[str]) -> None:
    result = CliRunner().invoke(cli, [*args, "--db", evil_db])
    assert result.exit_code == 0, result.output
    # CliRunner is not a terminal: machine formats keep the data, messages do not
    assert_visible(result.stderr)
    if args[1] in ("kpis", "pareto", "trend", "check"):
        assert_visible(result.stdout)


def test_import_problems_show_control_characters_visibly(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text(
        "id,kind,channel,service,received_at\n"
        f"2024/1,complaint{CLEAR},web,registry,2024-01-08\n"
        f"2024/2,complaint,web{HYPERLINK},registry,2024-01-08\n"
        "2024/3,complaint,web,registry,2024-01-08\n",
        encoding="utf-8",
    )
    code, out, err = _run("complaints", "import", str(src), "--db", str(tmp_path / "r.db"),
                          "--create")  # fmt: skip
    assert code == 0
    assert_visible(out + err)
    assert "complaint␛[2J" in out


def test_open311_xml_export_is_well_formed(evil_db: str, tmp_path: Path) -> None:
    out = tmp_path / "requests.xml"
    code, _, err = _run("complaints", "export", "--db", evil_db, "--format", "open311-xml",
                        "-o", str(out))  # fmt: skip
    assert code == 0, err
    root = ET.fromstring(out.read_bytes())  # expat: a real XML parser
    [request] = root.findall("request")
    description = request.findtext("description")
    assert description is not None
    assert "Clicca qui" in description
    assert "\x1b" not in description


def test_export_to_a_pipe_keeps_the_data(evil_db: str) -> None:
    """Machine output is data: nothing stripped (click strips 'colour codes' from pipes)."""
    code, out, _ = _run("complaints", "export", "--db", evil_db, "--format", "open311")
    assert code == 0
    assert HYPERLINK.replace("\x1b", "\\u001b").replace("\x07", "\\u0007") in out


@pytest.mark.parametrize(
    ("at", "message"),
    [
        ("9999-12-31", "in the future"),
        ("2099-01-01T00:00+01:00", "in the future"),
        ("2024-03-31 02:30", "does not exist in Europe/Rome"),
        ("2024-10-27 02:30", "happens twice in Europe/Rome"),
        ("banana", "'banana' is not a date-time"),
        ("31/01/2024", "is not a date-time"),
    ],
)
def test_transition_at_refuses_impossible_times(evil_db: str, at: str, message: str) -> None:
    with ComplaintRegister(evil_db) as reg:
        reg.add(Complaint("2024/2", "complaint", "web", "registry", T0))
    code, _, err = _run("complaints", "transition", "2024/2", "registered", "--db", evil_db,
                        "--at", at)  # fmt: skip
    assert code == 1
    assert err.startswith("Error: ")
    assert message in err
    assert len(err.strip().splitlines()) == 1
    with ComplaintRegister(evil_db, readonly=True) as reg:
        assert len(reg.history("2024/2")) == 1


@pytest.mark.parametrize("as_of", ["banana", "2024-03-31 02:30", "2024-13-45"])
def test_as_of_that_is_not_a_date(evil_db: str, as_of: str) -> None:
    code, _, err = _run("complaints", "kpis", "--db", evil_db, "--as-of", as_of)
    assert code == 2
    assert "--as-of" in err
    assert "Traceback" not in err


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    "command",
    [
        ["kpis"],
        ["pareto"],
        ["trend"],
        ["export"],
        ["show", "2024/1"],
        ["check"],
        ["transition", "2024/1", "registered"],
        ["upgrade"],
    ],
    ids=lambda c: c[0],
)
def test_a_foreign_sqlite_file_is_refused_untouched(tmp_path: Path, command: list[str]) -> None:
    path = tmp_path / "protocollo.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE protocollo (numero TEXT, oggetto TEXT)")
    db.commit()
    db.close()
    before = _digest(path)
    code, _, err = _run("complaints", *command, "--db", str(path))
    assert code == 1
    assert "protocollo.db" in err
    assert "not a qualitapa complaint register" in err
    assert _digest(path) == before
    db = sqlite3.connect(path)
    assert [r[0] for r in db.execute("SELECT name FROM sqlite_master")] == ["protocollo"]
    db.close()


def test_check_reports_tampering_and_exits_1(evil_db: str) -> None:
    code, out, _ = _run("complaints", "check", "--db", evil_db)
    assert code == 0
    assert "the register is sound: 1 complaint\n" in out
    head = next(line for line in out.splitlines() if line.startswith("chain head"))
    anchor = head.split("hash ")[1].split()[0]
    db = sqlite3.connect(evil_db)
    db.execute("DROP TRIGGER events_append_only_update")
    db.execute("UPDATE events SET note = 'nota innocua' WHERE seq = 3")
    db.commit()
    db.close()
    code, out, err = _run("complaints", "check", "--db", evil_db, "--anchor", anchor)
    assert code == 1
    assert "trigger events_append_only_update is missing" in out
    assert "event 3 (complaint 2024/1" in out
    assert "found in the register" in err
    # in Italian, the protection's problem is said in Italian (it was English)
    out = _run("--lang", "it", "complaints", "check", "--db", evil_db, "--anchor", anchor)[1]
    assert "protezione rimossa: manca il trigger events_append_only_update" in out


def test_reading_commands_work_on_an_old_register_without_changing_it(tmp_path: Path) -> None:
    from .test_attacks_register import _version_2

    path = _version_2(tmp_path / "old.db")
    before = _digest(path)
    code, out, _ = _run("complaints", "kpis", "--db", str(path), "--as-of", "2024-06-30",
                        "--format", "csv")  # fmt: skip
    assert code == 0
    assert pd.read_csv(pd.io.common.StringIO(out))["received"].tolist() == [1]
    code, out, _ = _run("complaints", "check", "--db", str(path))
    assert code == 1
    assert "no hash chain" in out
    assert _digest(path) == before
    code, out, _ = _run("complaints", "upgrade", "--db", str(path))
    assert code == 0
    assert "schema version 4" in out
    code, out, _ = _run("complaints", "check", "--db", str(path))
    assert code == 0
