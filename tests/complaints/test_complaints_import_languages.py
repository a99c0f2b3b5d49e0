"""`complaints import` lists its row problems in --lang (review s36 #39).

The clerk's most used command printed its problems in English under --lang it
and de ("the id is missing", "must be one of ['received', ...]") and the raw
table name ``complaints``. The library's problems table keeps its English text
(scripts and tests read it); each cell is a :class:`qualitapa.errors.Message`
the command line says in the language, codes with their word.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from qualitapa.cli import cli
from qualitapa.complaints import ComplaintRegister
from qualitapa.errors import said
from qualitapa.i18n import translator

MESSY = """id,kind,channel,service,received_at,status,latitude,outcome_note
,complaint,web,libraries,2024-01-10 10:00,received,,
A1,complaint,fax,libraries,2024-01-10 10:00,received,,
A1,complaint,web,,2024-01-11 10:00,ricevuto,95,
A2,praise,web,libraries,soon,received,,
A3,complaint,web,libraries,2024-01-12 10:00,answered,,
A4,complaint,web,libraries,2024-01-12 10:00,received,,why
"""
HISTORY = """id,kind,channel,service,received_at,status
B1,complaint,web,libraries,2024-01-10 10:00,answered
B2,complaint,web,libraries,2024-01-10 10:00,received
B3,complaint,web,libraries,2024-01-10 10:00,received
"""
EVENTS = """complaint_id,at,to_status,action
B1,2024-01-10 10:00,received,receive
B1,2024-01-11 10:00,answered,close
B2,2024-01-10 10:00,ricevuto,
B3,,received,
X9,2024-01-10 10:00,received,
"""

#: English sentences of the problems: none may show under it or de.
ENGLISH = (
    "is missing", "must be", "duplicate id", "not a date-time", "degrees", "give both",
    "the status says", "its history", "no complaint with", "the action of", "not imported",
    "is the reason of", "the events end", "cannot go", "nothing",
)  # fmt: skip
#: What each language says of some of them.
SAID = {
    "it": ("manca il codice", "codice ripetuto (la prima volta alla riga 2)",
           "deve essere received (ricevuto), registered (protocollato)", "pec (PEC)",
           "la sua storia ha problemi (righe 3 degli eventi)", "reclami", "eventi"),
    "de": ("der Kodex fehlt", "Kodex wiederholt (zuerst in Zeile 2)",
           "muss received (eingegangen), registered (protokolliert)", "oder rejected (abgelehnt)",
           "ihr Verlauf hat Probleme (Zeilen 3 der Ereignisse)", "Beschwerden", "Ereignisse"),
    "en": ("the id is missing", "duplicate id (first in row 2)",
           "must be one of received, registered, assigned", "letter or social",
           "its history has problems (events rows 3)", "complaints", "events"),
}  # fmt: skip


def _import(tmp_path: Path, lang: str, *files: tuple[str, str]) -> str:
    paths = []
    for name, text in files:
        (tmp_path / name).write_text(text, encoding="utf-8")
        paths.append(str(tmp_path / name))
    args = ["--lang", lang, "complaints", "import", paths[0], "--db", str(tmp_path / f"{lang}.db")]
    if len(paths) > 1:
        args += ["--events", paths[1]]
    result = CliRunner(env={"COLUMNS": "400"}).invoke(cli, [*args, "--create"])
    assert "Traceback" not in result.output, result.output
    return result.output


@pytest.mark.parametrize("lang", ["it", "de", "en"])
def test_import_problems_are_said_in_the_language(tmp_path, lang) -> None:
    out = _import(tmp_path, lang, ("messy.csv", MESSY))
    out += _import(tmp_path, lang, ("history.csv", HISTORY), ("events.csv", EVENTS))
    for text in SAID[lang]:
        assert text in out
    assert "['" not in out  # no Python list
    if lang != "en":
        for english in ENGLISH:
            assert english not in out, english
        table = [line.split()[0] for line in out.splitlines() if line[:1].isalpha()]
        assert "complaints" not in table
        assert "events" not in table


def _problems(tmp_path: Path) -> pd.DataFrame:
    frame = pd.read_csv(pd.io.common.StringIO(MESSY), dtype=str, keep_default_na=False,
                        na_values=[""])  # fmt: skip
    with ComplaintRegister(tmp_path / "r.db") as reg:
        messy = reg.import_frame(frame).problems
    history = pd.read_csv(pd.io.common.StringIO(HISTORY), dtype=str)
    events = pd.read_csv(pd.io.common.StringIO(EVENTS), dtype=str)
    with ComplaintRegister(tmp_path / "h.db") as reg:
        hist = reg.import_frame(history, events=events).problems
    return pd.concat([messy, hist], ignore_index=True)


def test_the_library_keeps_english_text(tmp_path) -> None:
    problems = _problems(tmp_path)
    shown = set(problems["problem"])
    assert {
        "the id is missing",
        "duplicate id (first in row 2)",
        "the service is missing",
        "must be one of counter, phone, email, pec, web, app, letter or social",
        "its history has problems (events rows 3)",
        "the action of a move to 'answered' is 'answer'",
        "no complaint with this id in the complaints table",
        "cannot go from 'received' to 'answered'",
        "cannot go from nothing to 'ricevuto'",
    } <= shown
    assert set(problems["table"]) == {"complaints", "events"}


def test_every_import_problem_has_its_italian_and_german(tmp_path) -> None:
    problems = list(_problems(tmp_path)["problem"])
    assert len(problems) >= 15
    it, de, en = (translator(lang) for lang in ("it", "de", "en"))
    for problem in problems:
        assert said(problem, en) == problem
        assert said(problem, it) != problem, problem
        assert said(problem, de) not in (problem, said(problem, it)), problem
