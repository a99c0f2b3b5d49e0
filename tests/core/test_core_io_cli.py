"""The command line's reading options (issue 17), on files shaped as offices export them.

Every command that reads a table takes ``--delimiter``, ``--encoding``,
``--numbers`` or ``--decimal``/``--thousands``, ``--date-format``,
``--sheet`` and ``--input-format``, and ``-`` for standard input; the files
here have the shapes of ``shared/samples/office-files``.
"""

from __future__ import annotations

import io
import json

import click
import pandas as pd
import pytest
from click.testing import CliRunner

from qualitapa.cli import cli
from qualitapa.io import read_table
from qualitapa.testing import isolated_plugins


@pytest.fixture(autouse=True)
def _english_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests read the command line's English messages (Italian is the default)."""
    monkeypatch.setenv("QUALITAPA_LANG", "en")


PLUGINS = ["libraries", "registry", "qclub"]

#: indicators_cp1252.csv: Windows-1252, ';', CRLF, accented notes.
INDICATORS_CP1252 = (
    "organization;period;variable;value;nota\r\n"
    "022205;2024;libraries.loans;112500;verificato dall’ufficio\r\n"
    "022205;2024;libraries.active_users;10100;è una stima\r\n"
).encode("cp1252")

#: complaints_cp1252_semicolon_ddmmyyyy.csv: dates day first, euro amounts in text.
COMPLAINTS_CP1252 = (
    "id;kind;channel;service;received_at;category;organization;description;status;"
    "answered_at;closed_at\r\n"
    "2024/000101;complaint;pec;registry;08/01/2024;;022205;Attesa di due ore allo "
    "sportello, è inaccettabile;answered;22/01/2024;\r\n"
    "2024/000102;complaint;email;registry;15/01/2024 09:30;;022205;Modulo CIE: costo "
    "22,21 € non indicato;closed;02/02/2024;05/02/2024\r\n"
).encode("cp1252")


def run(*args: object, input: bytes | None = None) -> tuple[int, str, str]:
    with isolated_plugins(PLUGINS):
        result = CliRunner().invoke(cli, [str(a) for a in args], input=input)
    return result.exit_code, result.stdout, result.stderr


def _loans(out: str) -> float:
    frame = pd.read_csv(io.StringIO(out), dtype={"organization": str})
    row = frame[frame["indicator"] == "libraries.loans_per_inhabitant"]
    return float(row["value"].iloc[0])


LOANS_PER_INHABITANT = 112500 / 119000  # Trento's population in the qclub plugin


def _commands(group: click.Group, path: tuple[str, ...] = ()):
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from _commands(command, (*path, name))
        else:
            yield (*path, name), command


def test_every_command_reading_a_table_has_every_reading_option():
    reading = {"--numbers", "--decimal", "--thousands", "--delimiter", "--encoding"}
    reading |= {"--date-format", "--sheet", "--input-format"}
    readers = []
    for path, command in _commands(cli):
        flags = {f for p in command.params for f in p.opts}
        if "--numbers" in flags:
            readers.append(" ".join(path))
            assert reading <= flags, (path, reading - flags)
    # those that read tables without the options before issue 17
    assert {"complaints import", "survey import-export"} <= set(readers)


def test_a_windows_1252_export_is_read_with_a_note(tmp_path):
    path = tmp_path / "indicators_cp1252.csv"
    path.write_bytes(INDICATORS_CP1252)
    code, out, err = run("indicators", "compute", path, "-s", "libraries", "--format", "csv")
    assert code == 0, err
    assert f": {path}: not UTF-8; read as Windows-1252" in err.splitlines()[0]  # --lang en
    assert _loans(out) == pytest.approx(LOANS_PER_INHABITANT)


def test_standard_input(tmp_path):
    code, out, err = run(
        "indicators", "compute", "-", "-s", "libraries", "--format", "csv", "--encoding", "cp1252",
        input=INDICATORS_CP1252,
    )  # fmt: skip
    assert code == 0, err
    assert err == ""
    assert _loans(out) == pytest.approx(LOANS_PER_INHABITANT)


def test_standard_input_errors_name_it():
    data = b"organization;period;variable;value\n022205;2024;libraries.loans;112.500\n"
    code, _out, err = run("indicators", "compute", "-", "-s", "libraries", input=data)
    assert code == 1
    assert err.startswith("Error: <stdin>, row 1, column 'value': '112.500' is ambiguous")


def test_swiss_numbers_and_a_pipe(tmp_path):
    path = tmp_path / "swiss.txt"
    path.write_text(
        "organization|period|variable|value\n022205|2024|libraries.loans|112'500,0\n",
        encoding="utf-8",
    )
    code, out, err = run(
        "indicators", "compute", path, "-s", "libraries", "--format", "csv",
        "--decimal", ",", "--thousands", "'", "--delimiter", "|",
    )  # fmt: skip
    assert code == 0, err
    assert _loans(out) == pytest.approx(LOANS_PER_INHABITANT)
    code, out, err = run(
        "indicators", "compute", path, "-s", "libraries", "--numbers", "it", "--decimal", ","
    )
    assert code == 1
    assert "--numbers it and --decimal ','" in err


def test_an_undecidable_delimiter_suggests_the_option(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("organization;period,variable\n022205;2024,libraries.loans\n")
    code, _out, err = run("indicators", "compute", path, "-s", "libraries")
    assert code == 1
    assert err.startswith(f"Error: {path}: cannot tell the delimiter")
    assert "--delimiter" in err


def test_json_round_trip(tmp_path):
    """What --format json writes reads back as the same table; raw data in JSON too."""
    raw = tmp_path / "raw.csv"
    raw.write_bytes(INDICATORS_CP1252)
    args = ("indicators", "compute", raw, "-s", "libraries", "--encoding", "cp1252")
    code, as_json, err = run(*args, "--format", "json")
    assert code == 0, err
    code, as_csv, err = run(*args, "--format", "csv")
    assert code == 0, err
    written = tmp_path / "out.json"
    written.write_text(as_json, encoding="utf-8")
    back = read_table(written)
    pd.testing.assert_frame_equal(back, read_table(_csv(tmp_path, as_csv)))
    # the raw data as JSON lines, on standard input
    records = read_table(raw, encoding="cp1252").to_dict("records")
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()
    code, from_json, err = run(
        "indicators", "compute", "-", "-s", "libraries", "--input-format", "ndjson",
        "--format", "csv", input=lines,
    )  # fmt: skip
    assert code == 0, err
    assert from_json == as_csv


def _csv(tmp_path, text: str):
    path = tmp_path / "out.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_complaint_register_with_day_first_dates(tmp_path):
    path = tmp_path / "complaints.csv"
    path.write_bytes(COMPLAINTS_CP1252)
    db = tmp_path / "reg.db"
    code, out, err = run("complaints", "import", path, "--db", db, "--create")
    assert code == 0, err
    assert "imported 2 complaints" in err
    code, out, err = run("complaints", "show", "2024/000102", "--db", db)
    assert code == 0, err
    # 15/01/2024 09:30 is office time (Europe/Rome, UTC+1 in winter): day first, not 1 March
    assert "2024-01-15T08:30:00+00:00" in out or "2024-01-15T09:30:00+01:00" in out


def test_month_first_dates_are_an_error_naming_row_and_column(tmp_path):
    path = tmp_path / "complaints.csv"
    path.write_bytes(COMPLAINTS_CP1252.replace(b"22/01/2024", b"01/22/2024"))
    options = ("--db", tmp_path / "r.db", "--create", "--encoding", "cp1252")
    code, _out, err = run("complaints", "import", path, *options)
    assert code == 1
    assert err.startswith(
        f"Error: {path}, row 1, column 'answered_at': '01/22/2024' is not a date: reads only "
        "month first"
    )
    code, _out, err = run(
        "complaints", "import", path, "--db", tmp_path / "r2.db", "--create",
        "--date-format", "%m/%d/%Y",
    )  # fmt: skip
    assert code == 1  # the other dates are day first: the format says otherwise
    assert "not a date in the format %m/%d/%Y" in err
