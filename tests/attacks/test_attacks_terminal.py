"""Issue 13, item 7 (terminal part): data never drives the user's terminal.

Control characters in data (complaint texts, labels, organization names,
file contents echoed in errors) reached the terminal raw: an OSC 8 hyperlink
(``ESC ] 8 ;; http://evil BEL``) made a label a link to anywhere, ``ESC [2J``
cleared the screen, a carriage return overwrote what was printed, U+202E
reversed the rest of a line. Now everything the CLI prints for people
(tables, messages, errors, notes, warnings) shows them visibly (``␛``,
``␇``, ``␍``, ``\\u202e``), normal Unicode (Università, Straße, €) stays as
it is, and everything the CLI prints to a terminal (also CSV or JSON, also
from any command's own ``click.echo``) is shown the same way; machine
formats written to a pipe or a file keep the data (JSON escapes the
characters, which is the same data).
"""

from __future__ import annotations

import csv
import io
import json
import os
import select
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from qualitapa.cli import cli
from qualitapa.testing import isolated_plugins

from ._fake_plugins import install_distribution


@pytest.fixture(autouse=True)
def _english_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests read the command line's English messages (Italian is the default)."""
    monkeypatch.setenv("QUALITAPA_LANG", "en")


HYPERLINK = "\x1b]8;;http://evil.example/\x07Clicca qui\x1b]8;;\x07"
CLEAR = "\x1b[2J"
OVERWRITE = "tutto ok\rHACKED  "
REVERSED = "\u202egnp.exe"
C1 = "\x9b31mred"
NORMAL = "Università di Bolzano: Straße, 5 €"
RAW = [HYPERLINK, CLEAR, OVERWRITE, REVERSED, C1]
#: What must never reach a terminal.
FORBIDDEN = ["\x1b", "\x07", "\r", "\u202e", "\x9b"]

PLUGIN = f"""
from qualitapa import hookimpl, Service, Text, Organization
from qualitapa.indicators import IndicatorDefinition, Variable

LABELS = {[*RAW, NORMAL]!r}

@hookimpl
def qualitapa_services():
    return [Service(f"s{{i}}", Text(label, label)) for i, label in enumerate(LABELS)]

@hookimpl
def qualitapa_organizations():
    return [Organization("000001", "Alfa", population=10), Organization("000002", "Beta",
            population=20), Organization("000003", "Gamma", population=30)]

@hookimpl
def qualitapa_variables():
    return [Variable("loans", Text("Prestiti"), unit="count")]

@hookimpl
def qualitapa_indicators():
    return [IndicatorDefinition.from_mapping({{
        "id": "s0.loans", "label": {{"it": LABELS[0] + LABELS[3] + LABELS[4], "en": "x"}},
        "service": "s0", "dimension": "effectiveness", "formula": "loans / population",
        "unit": "loans", "polarity": "higher_is_better"}})]
"""

RAISING = f"""
from qualitapa import hookimpl

@hookimpl
def qualitapa_services():
    raise RuntimeError({CLEAR + HYPERLINK!r})
"""


@pytest.fixture
def evil(tmp_path, monkeypatch):
    site = tmp_path / "site"
    site.mkdir()
    install_distribution(site, "evil", "qp_attack_terminal_evil", PLUGIN)
    install_distribution(site, "raising", "qp_attack_terminal_raising", RAISING)
    monkeypatch.syspath_prepend(str(site))
    with isolated_plugins(["evil", "raising"]):
        yield site
    sys.modules.pop("qp_attack_terminal_evil", None)
    sys.modules.pop("qp_attack_terminal_raising", None)


def assert_visible(text: str) -> None:
    for char in FORBIDDEN:
        assert char not in text, f"{char!r} reached the terminal"


@pytest.mark.parametrize("lang", ["it", "de"])
def test_tables_show_control_characters_visibly(evil, lang):
    # German headers and labels (here the same texts) go through the same filter
    result = CliRunner().invoke(cli, ["services", "--lang", lang])
    assert result.exit_code == 0, result.output
    assert_visible(result.output)
    assert "␛]8;;http://evil.example/␇Clicca qui␛]8;;␇" in result.stdout
    assert "␛[2J" in result.stdout
    assert "tutto ok\\rHACKED" in result.stdout or "tutto ok␍HACKED" in result.stdout
    assert "\\u202egnp.exe" in result.stdout
    assert "\\x9b31mred" in result.stdout
    assert NORMAL in result.stdout  # accents, ß and € untouched


def test_warnings_errors_and_problem_tables_show_them_visibly(evil, tmp_path):
    listing = CliRunner().invoke(cli, ["services"])
    [warning] = [x for x in listing.stderr.splitlines() if x.startswith("Warning:")]
    assert "plugin 'raising' skipped" in warning
    assert "␛[2J" in warning
    assert_visible(warning)
    data = tmp_path / "raw.csv"
    data.write_text(
        "organization,period,variable,value\n"
        f"{CLEAR}Alfa,2024,loans,1\n{REVERSED},2024,loans,2\n000003,2024,loans,3\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["benchmark", str(data), "--indicator", "s0.loans"])
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Error:")
    assert_visible(result.output)
    assert "␛[2JAlfa" in result.stderr


def test_machine_formats_keep_the_data(evil, tmp_path):
    as_json = CliRunner().invoke(cli, ["services", "--format", "json"])
    assert as_json.exit_code == 0, as_json.output
    assert_visible(as_json.stdout)  # JSON escapes them: \u001b, \u202e ...
    labels = [row["label"] for row in json.loads(as_json.stdout)]
    assert labels == [*RAW, NORMAL]  # ... and reads back as the same data
    as_csv = CliRunner().invoke(cli, ["services", "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout, newline="")))
    assert [r["label"] for r in rows] == [*RAW, NORMAL]  # a pipe gets the data
    out = tmp_path / "services.csv"
    to_file = CliRunner().invoke(cli, ["services", "-o", str(out)])
    assert to_file.exit_code == 0
    with out.open(encoding="utf-8", newline="") as fh:
        assert [r["label"] for r in csv.DictReader(fh)] == [*RAW, NORMAL]


def test_anything_printed_to_a_terminal_is_shown_visibly(evil, monkeypatch):
    # as if stdout and stderr were a terminal: even CSV, and any command's own echo
    from qualitapa.cli import _terminal

    monkeypatch.setattr(_terminal, "is_terminal", lambda stream: True)
    result = CliRunner().invoke(cli, ["services", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert_visible(result.output)
    assert NORMAL in result.stdout
    shown = CliRunner().invoke(cli, ["indicators", "show", "s0.loans", "--format", "json"])
    assert shown.exit_code == 0, shown.output
    assert_visible(shown.output)


def _run_on_a_terminal(args: list[str], env: dict[str, str]) -> bytes:
    """Run the CLI with its stdout and stderr on a pseudo-terminal; what it printed."""
    pty = pytest.importorskip("pty")  # POSIX only (CI is Linux)
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-c", "from qualitapa.cli import main; main()", *args],
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=follower,
        env=env,
    )
    os.close(follower)
    chunks = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 1)
        if ready:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the follower side closed
                break
            if not chunk:
                break
            chunks.append(chunk)
        elif proc.poll() is not None:
            break
    proc.wait(timeout=30)
    os.close(leader)
    return b"".join(chunks)


@pytest.mark.slow  # a process on a pseudo-terminal
def test_a_real_terminal_never_gets_raw_control_characters(evil):
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(evil), *sys.path]),
        "QUALITAPA_LOAD_PLUGINS": "evil",
        "PYTHONIOENCODING": "utf-8",
    }
    # `indicators show --format json` prints with its own click.echo
    out = _run_on_a_terminal(["indicators", "show", "s0.loans", "--format", "json"], env)
    text = out.decode("utf-8").replace("\r\n", "\n")  # the pty turns \n into \r\n
    assert '"id": "s0.loans"' in text
    assert_visible(text)
    assert "\\u202e" in text
