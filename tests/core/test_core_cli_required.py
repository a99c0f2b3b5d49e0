"""A required option left out is a usage error (exit 2), never a traceback or a guess.

Since click 8.3 an option declared with an explicit ``default=None`` has a
value, so ``required=True`` was no longer enforced: ``qualitapa template
indicators -s registry`` without ``-o`` crashed with a traceback, ``template
caf`` without ``-o`` printed the sheet instead of writing it, ``standards
refunds`` without ``--deliveries`` said "None: no such file" (issue 14, W2).
"""

from __future__ import annotations

from collections.abc import Iterator

import click
import pytest
from click.testing import CliRunner

from qualitapa.cli import cli
from qualitapa.testing import isolated_plugins

PLUGINS = ["libraries", "registry", "qclub", "nurseries", "personnel", "finance", "italy"]


@pytest.fixture(autouse=True)
def _english_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUALITAPA_LANG", "en")


def run(*args: object) -> click.testing.Result:
    with isolated_plugins(["registry"]):
        return CliRunner().invoke(cli, [str(a) for a in args])


# Each command taking a required -o/--output (cli._options.target_option), with
# every other required parameter given, and one with a required file option.
MISSING = [
    (["template", "indicators", "-s", "registry"], "'-o' / '--output'"),
    (["template", "survey", "--instrument", "registry.counter"], "'-o' / '--output'"),
    (["template", "caf"], "'-o' / '--output'"),
    (["programme", "template"], "'-o' / '--output'"),
    (["programme", "export"], "'-o' / '--output'"),
    (["export", "excel"], "'-o' / '--output'"),
    (["export", "opendata"], "'-o' / '--output'"),
    (["standards", "refunds"], "'--deliveries'"),
]


@pytest.mark.parametrize(("args", "option"), MISSING, ids=[" ".join(a) for a, _ in MISSING])
def test_a_required_option_left_out_is_a_usage_error(args: list[str], option: str) -> None:
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)  # click's usage error, not a crash
    assert f"Error: Missing option {option}." in result.stderr
    assert "Traceback" not in result.output
    assert result.stdout == ""  # nothing printed in place of the file


def _commands(
    group: click.Group, path: tuple[str, ...] = ()
) -> Iterator[tuple[str, click.Command]]:
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None
        if isinstance(command, click.Group):
            yield from _commands(command, (*path, name))
        else:
            yield " ".join((*path, name)), command


def test_every_required_option_is_missing_when_not_given(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every command, the plugins' too: a required option without a value is missing."""
    for name in ("QUALITAPA_PROGRAMME_DB", "QUALITAPA_COMPLAINTS_DB"):
        monkeypatch.delenv(name, raising=False)
    checked = []
    with isolated_plugins(PLUGINS):
        for name, command in _commands(cli):
            ctx = click.Context(command, info_name=name)
            for param in command.params:
                if not (isinstance(param, click.Option) and param.required):
                    continue
                value, _ = param.consume_value(ctx, {})
                with pytest.raises(click.MissingParameter):
                    param.process_value(ctx, value)
                checked.append(f"{name} {param.opts[0]}")
    assert "template indicators -o" in checked
    assert "standards refunds --deliveries" in checked
