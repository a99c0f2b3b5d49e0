"""The command line as people meet it (issue 17): ``python -m qualitapa``, the root
options ``--quiet``, ``--verbose`` and ``--lang`` (``QUALITAPA_LANG``), messages on
stderr and data on stdout, notes in the language, progress without a terminal."""

from __future__ import annotations

import io
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

from qualitapa.cli import cli
from qualitapa.cli._progress import StepProgress, left
from qualitapa.demo import ProgressEvent
from qualitapa.i18n import translator
from qualitapa.testing import isolated_plugins

PLUGINS = ["libraries", "registry", "qclub"]


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    with isolated_plugins(PLUGINS):
        result = CliRunner().invoke(cli, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def test_python_dash_m_runs_the_command_line():
    command = [sys.executable, "-m", "qualitapa", "--version"]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("qualitapa, version ")
    usage = subprocess.run(
        [sys.executable, "-m", "qualitapa", "no-such-command"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert usage.returncode == 2
    assert "Uso: qualitapa" in usage.stderr  # Italian by default; named as the script


# -- the language of messages -----------------------------------------------------

LIST = ("standards", "list", "--organization", "Trento", "--format", "csv")


@pytest.mark.parametrize(
    ("args", "env", "note"),
    [
        ((), None, "Nota: ente 'Trento' letto come Trento (022205) (dal nome)"),
        (("--lang", "en"), None, "Note: organization 'Trento' read as Trento (022205) (by name)"),
        ((), {"QUALITAPA_LANG": "de"}, "Hinweis: Körperschaft 'Trento' gelesen als Trento"),
        # the option beats the environment
        (("--lang", "it"), {"QUALITAPA_LANG": "de"}, "Nota: ente 'Trento'"),
    ],
)
def test_notes_are_in_the_language_of_the_root_option_or_environment(args, env, note):
    code, out, err = run(*args, *LIST, env=env)
    assert code == 0, err
    assert err.startswith(note), err
    assert "libraries.std.opening_hours" in out  # the data on stdout, the note not


def test_a_command_lang_overrides_the_root_one_for_labels_and_messages(tmp_path):
    target = tmp_path / "indicators.csv"
    args = ("indicators", "list", "--service", "libraries", "-o", str(target))
    code, _, err = run("--lang", "de", *args, "--lang", "en")
    assert code == 0, err
    assert err.startswith("wrote ")
    assert f"rows to {target}" in err
    code, _, err = run("--lang", "de", *args)
    assert code == 0, err
    assert "Zeilen in" in err
    assert "geschrieben" in err


def test_the_root_lang_is_every_command_default(tmp_path):
    code, out, err = run("--lang", "de", "indicators", "list", "--service", "libraries")
    assert code == 0, err
    assert "Ausleihen" in out or "Bibliothek" in out, out  # labels in German


def test_a_malformed_language_is_a_usage_error():
    code, _, err = run("--lang", "deutsch!", "indicators", "list")
    assert code == 2
    assert "--lang" in err
    code, _, err = run("indicators", "list", env={"QUALITAPA_LANG": "deutsch!"})
    assert code == 2, err


# -- quiet and verbose ------------------------------------------------------------


def test_quiet_keeps_stderr_to_errors(tmp_path):
    target = tmp_path / "standards.csv"
    code, out, err = run("--quiet", *LIST[:-2], "-o", str(target))
    assert code == 0
    assert (out, err) == ("", "")
    assert target.exists()
    code, out, err = run("-q", "--lang", "en", "indicators", "list", "--service", "librarys")
    assert code == 1
    assert err.startswith("Error: unknown service 'librarys'")


def test_quiet_and_verbose_exclude_each_other():
    code, _, err = run("--quiet", "--verbose", "indicators", "list")
    assert code == 2
    assert "--quiet e --verbose si escludono a vicenda" in err  # Italian by default


def test_no_style_of_our_own_reaches_a_pipe():
    code, out, err = run("indicators", "list", "--service", "libraries")
    assert code == 0, err
    assert "\x1b" not in out + err


# -- progress -----------------------------------------------------------------------


def test_the_time_left_goes_at_the_pace_of_the_sub_steps_done():
    assert left(30.0, 2, 7) == pytest.approx(75.0)
    assert left(30.0, 0, 7) is None  # nothing done: no estimate
    assert left(30.0, 7, 7) is None


def _events() -> list[ProgressEvent]:
    step = ProgressEvent(2, 2, "rapporti")
    return [
        ProgressEvent(1, 2, "indicatori"),
        step,
        ProgressEvent(2, 2, "rapporti", 0, 3, "rapporto A"),
        ProgressEvent(2, 2, "rapporti", 0, 3, "rapporto A: Sintesi"),
        ProgressEvent(2, 2, "rapporti", 1, 3, "rapporto B"),
        ProgressEvent(2, 2, "rapporti", 1, 3, "rapporto B: Sintesi"),
        ProgressEvent(2, 2, "rapporti", 2, 3, "dati aperti"),
    ]


def _shown(monkeypatch, verbosity: int, lang: str = "it") -> list[str]:
    err = io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    with StepProgress(lang, verbosity=verbosity) as progress:  # not a terminal: lines
        for event in _events():
            progress(event)
    return err.getvalue().splitlines()


def test_progress_off_a_terminal_is_plain_lines_with_an_estimate(monkeypatch):
    lines = _shown(monkeypatch, 0)
    assert [line.split(" (")[0] for line in lines] == [
        "[1/2] indicatori",
        "[2/2] rapporti",
        "[2/2] 0/3 rapporto A",
        "[2/2] 1/3 rapporto B",
        "[2/2] 2/3 dati aperti",
    ]
    assert "ancora circa" in lines[-1]  # an estimate once a sub-step is done
    assert "ancora" not in lines[2]
    assert all("\x1b" not in line for line in lines)


def test_verbose_progress_shows_every_section_and_quiet_nothing(monkeypatch):
    verbose = _shown(monkeypatch, 1, "en")
    assert any(line.startswith("[2/2] 0/3 rapporto A: Sintesi") for line in verbose)
    assert "about" in verbose[-1]
    assert "left" in verbose[-1]
    assert _shown(monkeypatch, -1) == []


def test_progress_events_read_as_lines():
    assert str(ProgressEvent(9, 9, "rapporti")) == "[9/9] rapporti"
    assert str(ProgressEvent(9, 9, "rapporti", 2, 7, "Excel")) == "[9/9] rapporti: Excel (2/7)"
    assert str(ProgressEvent(0, 9, "generazione")) == "generazione"


# -- no English words in Italian or German output ------------------------------------

COMPLAINTS = """id,kind,channel,service,received_at,status,answered_at,description
2024/1,complaint,email,registry,2024-01-08T09:00:00+01:00,answered,2024-01-15T10:00:00+01:00,Coda
"""


@pytest.fixture
def register(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text(COMPLAINTS, encoding="utf-8")
    db = tmp_path / "urp.db"
    code, _, err = run("complaints", "import", str(source), "--db", str(db), "--create")
    assert code == 0, err
    return db


@pytest.mark.parametrize(
    ("lang", "lines", "headers"),
    [
        ("it", ["reclamo tramite posta elettronica  servizio",
                "ricevuto il 2024-01-08T09:00:00+01:00  stato risposto", "testo: Coda"],
         ["A stato"]),
        ("de", ["Beschwerde über E-Mail  Dienst",
                "eingegangen am 2024-01-08T09:00:00+01:00  Status beantwortet", "Text: Coda"],
         ["Neuer Status"]),
        ("en", ["complaint via email  service", "received 2024-01-08T09:00:00+01:00  status "
                "answered", "text: Coda"], ["To status"]),
    ],
)  # fmt: skip
def test_complaints_show_speaks_the_language(register, lang, lines, headers):
    code, out, err = run("--lang", lang, "complaints", "show", "2024/1", "--db", str(register))
    assert code == 0, err
    for line in lines:
        assert line in out, out
    for header in headers:
        assert header in out, out
    t = translator(lang)  # the event's day and time in two columns (issue 17)
    assert re.search(rf"{t('Data')}\s+{t('Ora')}", out), out
    if lang != "en":
        for english in ("received", "status", "via", "text:", "answered", "complaint"):
            assert english not in out.replace("2024/1", ""), (english, out)


DEA = "organization,staff,budget,loans\n022205,10,100,1000\n016024,12,90,900\n021008,8,120,1100\n"


@pytest.mark.parametrize(
    ("lang", "title", "words"),
    [
        ("it", "DEA VRS orientata agli input", ["Variabile", "Ruolo", "risorsa (input)",
                                                 "prodotto (output)", "Scarto residuo"]),
        ("de", "DEA VRS inputorientiert", ["Variable", "Rolle", "Schlupf", "Beobachteter Wert"]),
        ("en", "DEA VRS input-oriented", ["Variable", "Role", "Slack", "Observed value"]),
    ],
)  # fmt: skip
def test_dea_table_speaks_the_language(tmp_path, lang, title, words):
    data = tmp_path / "dea.csv"
    data.write_text(DEA, encoding="utf-8")
    code, out, err = run("dea", str(data), "--inputs", "staff,budget", "--outputs", "loans",
                         "--rts", "vrs", "--show", "targets", "--lang", lang)  # fmt: skip
    assert code == 0, err
    assert out.startswith(title + "\n"), out
    for word in words:
        assert word in out, out
    if lang != "en":
        for english in ("variable", "role", "observed", "radial", "slack", "-oriented"):
            assert not re.search(rf"\b{english}\b", out), (english, out)


# -- shell completion ---------------------------------------------------------------


def complete(line: str, shell: str = "bash") -> list[str]:
    """What the shell is offered for the last word of ``line`` (click's own protocol)."""
    words = line.split(" ")
    env = {
        "_QUALITAPA_COMPLETE": f"{shell}_complete",
        "COMP_WORDS": line,
        "COMP_CWORD": str(len(words) - 1),
    }
    with isolated_plugins(PLUGINS):
        result = CliRunner().invoke(cli, [], env=env, prog_name="qualitapa")
    assert result.exit_code == 0, result.output
    return [item.split(",", 1)[1] for item in result.output.splitlines() if item]


def test_completion_offers_the_catalog_ids():
    indicators = complete("qualitapa indicators compute -i libraries.lo")
    assert "libraries.loans_per_inhabitant" in indicators
    assert all(i.startswith("libraries.lo") for i in indicators)
    assert complete("qualitapa indicators list --service lib") == ["libraries"]
    assert "registry.counter" in complete("qualitapa survey score ")  # an instrument argument
    assert complete("qualitapa standards list --organization 0222") == ["022205"]
    assert complete("qualitapa standards list --organization tren") == ["Trento"]  # by name
    assert complete("qualitapa benchmark raw.csv --peer-group qclub.s") == ["qclub.size"]


def test_a_list_option_completes_its_last_item():
    got = complete("qualitapa indicators compute -i libraries.loans_per_inhabitant,registry.")
    assert got
    assert all(g.startswith("libraries.loans_per_inhabitant,registry.") for g in got)


def test_completion_scripts_are_generated_for_each_shell():
    for shell in ("bash", "zsh", "fish"):
        with isolated_plugins(PLUGINS):
            result = CliRunner().invoke(
                cli, [], env={"_QUALITAPA_COMPLETE": f"{shell}_source"}, prog_name="qualitapa"
            )
        assert result.exit_code == 0
        assert "_QUALITAPA_COMPLETE" in result.output


def test_the_bar_keeps_each_finished_step_with_its_time(monkeypatch):
    err = io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    with StepProgress("de", bar=True) as progress:  # rich draws; finished steps stay
        for event in _events():
            progress(event)
    lines = [line for line in err.getvalue().splitlines() if line.strip()]
    assert [line.split(" (")[0] for line in lines] == ["[1/2] indicatori", "[2/2] rapporti"]
    assert all(re.search(r"\(\d+,\d s\)$", line) for line in lines), lines  # German decimals
    assert "␛" not in err.getvalue()
