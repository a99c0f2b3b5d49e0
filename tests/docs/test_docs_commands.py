"""Every ``qualitapa`` command the docs cite exists, with its options and ids (fast).

Nothing runs: each command is parsed against the CLI (see ``_runner.parse_problem``).
This is what catches a README citing a command that does not exist, an option that
was renamed, or an id the installed plugins do not define. The runnable blocks run in
``test_docs_run.py`` (slow).
"""

from __future__ import annotations

import pytest

from qualitapa.catalog import default_catalog
from qualitapa.plugins import LOAD_ENV

from . import _runner
from ._runner import (
    Block,
    all_blocks,
    inline_commands,
    pages,
    parse_problem,
    plain_args,
    relative,
)

PAGES = pages()


@pytest.fixture(autouse=True)
def _installed_plugins(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    """The docs are read by someone with every plugin of plugins/ installed."""
    monkeypatch.delenv(LOAD_ENV, raising=False)
    monkeypatch.chdir(tmp_path)  # a parse never writes, but never in the checkout
    default_catalog.cache_clear()


def _problems(block: Block) -> list[str]:
    """Why the block's commands do not parse; a step shown failing with exit 2 may not."""
    return [
        f"{block.where}: {problem}"
        for step, args in block.qualitapa_commands()
        if step.status != 2 and (problem := parse_problem(args)) is not None
    ]


def test_the_pages_have_command_blocks():
    blocks = all_blocks()
    assert {relative(p) for p in PAGES} >= {"README.md", "docs/your-own-data.md"}
    assert len([b for b in blocks if b.runnable]) >= 10
    assert len([b for b in blocks if b.mark == "not runnable"]) >= 10


def test_every_command_block_is_runnable_or_says_why_not():
    unmarked = [
        b.where
        for b in all_blocks()
        if not b.runnable and b.mark is None and b.qualitapa_commands()
    ]
    assert not unmarked, (
        "these blocks cite qualitapa commands but are neither runnable ('$ ' in a console "
        "block, or <!-- runnable --> before it) nor marked <!-- not runnable: REASON -->"
    )


def test_every_mark_that_does_not_run_gives_a_reason():
    silent = [
        b.where for b in all_blocks() if b.mark in {"not runnable", "pending"} and not b.reason
    ]
    assert not silent


@pytest.mark.parametrize("page", PAGES, ids=relative)
def test_commands_of_code_blocks_parse(page):
    problems = [p for b in _runner.blocks(page) if b.mark != "pending" for p in _problems(b)]
    assert not problems, "\n".join(problems)


def test_inline_commands_parse():
    problems = [
        f"{where}: {problem}"
        for where, command, pending in inline_commands()
        for args in _runner.qualitapa_args(command)
        if not pending and (problem := parse_problem(args, complete=False)) is not None
    ]
    assert not problems, "\n".join(problems)


def test_pending_blocks_cite_a_command_still_missing():
    """A pending block whose commands now parse must be marked runnable (and run)."""
    ready = [
        b.where
        for b in all_blocks()
        if b.mark == "pending" and b.qualitapa_commands() and not _problems(b)
    ]
    ready += [
        where
        for where, command, pending in inline_commands()
        if pending
        and all(
            parse_problem(args, complete=False) is None for args in _runner.qualitapa_args(command)
        )
    ]
    assert not ready, "these commands exist now: mark the blocks runnable, drop 'pending'"


# -- the checker finds what it should ----------------------------------------------------


@pytest.mark.parametrize(
    ("command", "problem"),
    [
        ("qualitapa variables --service registry", "No such command 'variables'"),
        ("qualitapa indicators nothing", "No such command 'nothing'"),
        ("qualitapa indicators compute raw.csv --no-such-option", "No such option"),
        ("qualitapa benchmark values.csv --peer-group size", "no peer group 'size'"),
        ("qualitapa indicators show registry.no_such_indicator", "no indicator"),
        ("qualitapa standards list --organization Atlantide", "no organization 'Atlantide'"),
        ("qualitapa composite v.csv --index libraries.nothing", "no composite"),
        ("qualitapa survey sample-size --margin lots", "not a valid float"),
        ("qualitapa benchmark raw.csv -o out.xls", "non si può scrivere un file '.xls'"),
    ],
)
def test_the_checker_reports_a_wrong_command(command, problem):
    [args] = _runner.qualitapa_args(command)
    assert problem in (parse_problem(args) or "")


@pytest.mark.parametrize(
    "command",
    [
        "qualitapa benchmark values.csv --peer-group qclub.size -o out.csv",
        "qualitapa standards list --organization Bozen",  # a name in German
        "qualitapa charter render registry --organization 036023",
        "qualitapa --lang de indicators show registry.certificates_per_fte",
        "qualitapa --help",
        "qualitapa survey --help",
    ],
)
def test_the_checker_accepts_a_right_command(command):
    [args] = _runner.qualitapa_args(command)
    assert parse_problem(args) is None


@pytest.mark.parametrize(
    ("line", "calls"),
    [
        ("qualitapa plugins   ", [["plugins"]]),
        ("QUALITAPA_LANG=de qualitapa services", [["services"]]),
        (
            'cat a.csv | qualitapa indicators compute - --delimiter ";"',
            [["indicators", "compute", "-", "--delimiter", ";"]],
        ),
        (".venv/bin/pip install x && .venv/bin/qualitapa demo --out d", [["demo", "--out", "d"]]),
        ("python -m qualitapa plugins > out.txt", [["plugins"]]),
        ('eval "$(_QUALITAPA_COMPLETE=bash_source qualitapa)"', []),
        ("pip install qualitapa", []),
    ],
)
def test_qualitapa_calls_are_found_in_a_shell_line(line, calls):
    assert _runner.qualitapa_args(line) == calls


def test_steps_join_continuation_lines_and_read_the_expected_exit_status():
    block = Block(
        page=PAGES[0],
        line=1,
        lang="console",
        body="$ qualitapa a \\\n    --b c  # exit 2\nprinted\n…\n$ qualitapa d\n",
        mark=None,
        reason="",
    )
    steps = block.steps()
    assert [(s.command, s.status, s.pasted) for s in steps] == [
        ("qualitapa a --b c", 2, ["printed"]),
        ("qualitapa d", 0, []),
    ]


def test_marks_are_read_from_the_comment_just_before_a_block(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(
        "<!-- not runnable: needs a server -->\n```bash\nqualitapa a\n```\n\n"
        "```bash\nqualitapa b\n```\n\n"
        "<!-- runnable: raw.csv is x/y.csv -->\n```bash\nqualitapa c\n```\n\n"
        "```console\n$ qualitapa d\n```\n\n"
        "<!-- pending: command added in issue 18 -->\n\n```console\n$ qualitapa e\n```\n",
        encoding="utf-8",
    )
    found = [(b.body.split()[-1], b.mark, b.reason, b.runnable) for b in _runner.blocks(page)]
    assert found == [
        ("a", "not runnable", "needs a server", False),
        ("b", None, "", False),
        ("c", "runnable", "raw.csv is x/y.csv", True),
        ("d", None, "", True),
        ("e", "pending", "command added in issue 18", False),
    ]
    assert _runner.files(page) == {"raw.csv": _runner.ROOT / "x/y.csv"}


@pytest.mark.parametrize(
    ("line", "args"),
    [
        ("qualitapa catalog services", ["catalog", "services"]),
        (
            'qualitapa indicators compute a.csv --delimiter ";" -i x.y',
            ["indicators", "compute", "a.csv", "--delimiter", ";", "-i", "x.y"],
        ),
        (
            "qualitapa programme meeting add --action 'a|b|c'",
            ["programme", "meeting", "add", "--action", "a|b|c"],
        ),
        ("cat a.csv | qualitapa indicators compute -", None),
        ("qualitapa indicators compute a.csv > out.csv", None),
        ("qualitapa demo && ls", None),
        ("QUALITAPA_LANG=de qualitapa catalog services", None),
        ("qualitapa indicators compute $FILE", None),
        ('qualitapa indicators compute "$FILE"', None),
        ("qualitapa indicators compute *.csv", None),
        ("cd docs/examples/x", None),
        ("head -3 raccolta.csv", None),
        (".venv/bin/qualitapa catalog services", None),
    ],
)
def test_plain_commands_are_told_from_shell_constructs(line, args):
    """Plain commands run in the test's process, the others in a shell (test_docs_run)."""
    assert plain_args(line) == args


def test_a_command_plain_but_for_its_file_patterns_gets_the_shell_s_words(tmp_path):
    """It runs in the test's process with the words the shell would pass (test_docs_run)."""
    for name in ("scheda_b.xlsx", "scheda_a.xlsx", ".scheda_c.xlsx", "altro.xlsx"):
        (tmp_path / name).touch()
    words = _runner.globbed_args("qualitapa collect scheda_*.xlsx -o 'a b.csv'", tmp_path)
    assert words == ["collect", "scheda_a.xlsx", "scheda_b.xlsx", "-o", "a b.csv"]
    assert _runner.globbed_args("qualitapa collect nessuna_*.xlsx", tmp_path) == [
        "collect",
        "nessuna_*.xlsx",
    ]
    for shell in ("cat a.csv | qualitapa collect *.xlsx", "qualitapa collect $DIR/*.xlsx"):
        assert _runner.globbed_args(shell, tmp_path) is None
