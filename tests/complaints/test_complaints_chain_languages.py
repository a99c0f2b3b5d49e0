"""`complaints check` says the hash chain's problems in --lang, and the chain head's time locally.

The auditor's integrity check printed its chain problems as English f-strings
between Italian lines, and the head's time as ISO UTC
(``scritto 2026-12-02T11:22:54+00:00``) (review R1 #28, session 36). The
English texts, what the library's ``check()`` returns to Python, are unchanged;
so is what is hashed.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
import zoneinfo
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualitapa.cli import cli
from qualitapa.complaints import Complaint, ComplaintRegister

T0 = dt.datetime(2024, 1, 8, 9, tzinfo=dt.UTC)
ROME = zoneinfo.ZoneInfo("Europe/Rome")


def _register(path: Path) -> Path:
    with ComplaintRegister(path) as reg:
        for n in (1, 2):
            reg.add(Complaint(f"2024/{n}", "complaint", "web", "registry", T0), actor="urp")
    return path


def _tamper(path: Path, *statements: str) -> None:
    db = sqlite3.connect(path)
    triggers = db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall()
    for (name,) in triggers:
        db.execute(f"DROP TRIGGER {name}")
    for statement in statements:
        db.execute(statement)
    db.commit()
    db.close()


def _check(lang: str, path: Path, *args: str) -> str:
    result = CliRunner().invoke(
        cli, ["--lang", lang, "complaints", "check", "--db", str(path), *args]
    )
    assert "Traceback" not in result.output, result.output
    return result.output


_COLUMNS = "complaint_id, at_us, actor, action, from_status, to_status, note, target"

#: (statements, extra args) -> what each language says
CASES = {
    "changed event": (
        ["UPDATE events SET note = 'innocua' WHERE seq = 1"],
        (),
        {
            "it": "l'evento 1 (reclamo 2024/1, scritto ",
            "de": "das Ereignis 1 (Beschwerde 2024/1, geschrieben ",
            "en": "event 1 (complaint 2024/1, written ",
        },
    ),
    "damaged time": (
        ["UPDATE chain SET written_us = 'ieri' WHERE last_seq = 1"],
        (),
        {
            "it": "scritto il 'ieri', che non è un istante) non corrisponde al suo anello",
            "de": "geschrieben am 'ieri', was kein Zeitpunkt ist) passt nicht zu seinem Glied",
            "en": "written at 'ieri', not a time) does not match its hash-chain link",
        },
    ),
    "uncovered": (
        [f"INSERT INTO events (seq, {_COLUMNS}) SELECT 7, {_COLUMNS} FROM events WHERE seq = 2"],
        (),
        {
            "it": "gli eventi 7-7 non sono coperti dalla catena di hash",
            "de": "die Ereignisse 7-7 sind nicht durch die Hash-Kette gedeckt",
            "en": "events 7-7 are not covered by the hash chain",
        },
    ),
    "cut": (
        ["DELETE FROM chain WHERE last_seq = 1"],
        (),
        {
            "it": "la catena di hash è interrotta: dopo l'evento 0 il suo anello successivo "
            "comincia da 2",
            "de": "die Hash-Kette ist unterbrochen: nach dem Ereignis 0 beginnt ihr nächstes "
            "Glied bei 2",
            "en": "the hash chain is cut: after event 0 its next link starts at 2",
        },
    ),
    "anchor": (
        [],
        ("--anchor", "0123456789abcdef"),
        {
            "it": "l'ancora 0123456789ab... non è nella catena di hash",
            "de": "der Anker 0123456789ab... ist nicht in der Hash-Kette",
            "en": "the anchor 0123456789ab... is not in the hash chain",
        },
    ),
    "deleted": (
        ["DROP TABLE chain"],
        (),
        {
            "it": "protezione rimossa: la catena di hash (tabella chain) è stata cancellata",
            "de": "Schutz entfernt: die Hash-Kette (Tabelle chain) wurde gelöscht",
            "en": "protection removed: the hash chain (table chain) was deleted",
        },
    ),
}


@pytest.mark.parametrize("lang", ["it", "de", "en"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_chain_problems_are_said_in_the_language(tmp_path, case, lang) -> None:
    statements, args, said = CASES[case]
    path = _register(tmp_path / "urp.db")
    _tamper(path, *statements)
    out = _check(lang, path, *args)
    assert said[lang] in out, out
    assert "+00:00" not in out  # a link's time is local, in the reader's words
    if lang != "en":  # no English chain text left among the reader's lines
        assert said["en"] not in out
        assert "hash-chain link" not in out


@pytest.mark.parametrize(
    ("lang", "pattern"),
    [
        ("it", r"\(scritto (\d{1,2} \w{3} \d{4}), (\d\d:\d\d:\d\d)\)$"),
        ("de", r"\(geschrieben (\d\d\.\d\d\.\d{4}), (\d\d:\d\d:\d\d)\)$"),
        ("en", r"\(written (\d{1,2} \w{3} \d{4}), (\d\d:\d\d:\d\d)\)$"),
    ],
)
def test_the_chain_head_is_written_in_local_time_as_the_reader_writes_it(
    tmp_path, lang, pattern
) -> None:
    path = _register(tmp_path / "urp.db")
    with ComplaintRegister(path, readonly=True) as reg:
        head = reg.chain_head()
    assert head is not None
    out = _check(lang, path)
    line = next(line for line in out.splitlines() if head.hash in line)
    found = re.search(pattern, line)
    assert found, line
    local = head.written_at.astimezone(ROME)  # the register's zone, not UTC
    assert found.group(2) == local.strftime("%H:%M:%S")
    assert "+00:00" not in line


def test_the_library_keeps_english_text_and_iso_times(tmp_path) -> None:
    """``check()`` returns the English texts (a link's time ISO in UTC), as before."""
    path = _register(tmp_path / "urp.db")
    with ComplaintRegister(path, readonly=True) as reg:
        assert reg.check() == []
        head = reg.chain_head()
    assert head is not None
    _tamper(path, "UPDATE events SET note = 'innocua' WHERE seq = 2")
    with ComplaintRegister(path, readonly=True) as reg:
        problems = [p for p in reg.check() if "hash-chain" in p]
    written = head.written_at.isoformat(timespec="seconds")
    assert problems == [
        f"event 2 (complaint 2024/2, written {written}) does not match its hash-chain link: "
        "the event or its complaint was changed after it was written"
    ]
