"""Render the CLI reference page (docs/cli.md) from the commands' own help.

Regenerate the page after changing a command::

    python -m qualitapa.cli._reference > docs/cli.md

``tests/core/test_core_docs.py`` fails when the committed page is stale.
"""

from __future__ import annotations

import click

from qualitapa.cli import cli


def _walk(command: click.Command, path: list[str]) -> list[tuple[list[str], click.Command]]:
    out = [(path, command)]
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            out.extend(_walk(command.commands[name], [*path, name]))
    return out


def render_cli_reference() -> str:
    """The Markdown CLI reference: one section per command with its ``--help`` text."""
    lines = [
        "# CLI reference",
        "",
        "Generated from the commands' help by `python -m qualitapa.cli._reference`.",
        "Every command prints a table by default; `--format csv|json` is for machines.",
        "Errors are one line on stderr; `qualitapa --debug ...` shows the traceback.",
        "Notes (organization names read as codes...) are `Note: ...` lines on stderr.",
        "",
        'Exit status: **0** done (an empty answer to a valid question, such as "no',
        'problems" or "no refunds due", is said on stderr and is done); **1** a problem',
        "with the input (files, definitions, ids or periods the data lack), said in one",
        "line, also when nothing could be produced from it (every row rejected, no",
        "clean response, a register that does not exist); **2** a wrong command line",
        "(unknown option, missing argument, invalid choice).",
        "",
        "Data go to stdout, messages (notes, confirmations, progress, errors) to stderr.",
        "Root options, before the command: `qualitapa --quiet|--verbose --lang CODE ...`",
        "(`QUALITAPA_LANG` sets the language too). `python -m qualitapa` is the same command.",
        "Exit codes, the root options, progress and shell completion",
        "(`_QUALITAPA_COMPLETE=bash_source qualitapa`) are described in",
        "[Getting started](getting-started.md#first-steps-on-the-command-line).",
        "",
        "Commands that read data files take `--numbers it|en`: `it` reads `1.234,5`",
        "(Italian Excel), `en` reads `1,234.5`; without it a number that reads both",
        "ways (`112.500`) is an error naming its row and column.",
        "",
        "Commands that show labels take `--lang it|en|de|...` (default: the root's `--lang`,",
        "else `QUALITAPA_LANG`, else `it`; a language",
        "without a text falls back, by default to Italian): organizations are named and",
        "indicators, services, complaint categories, composite indices, survey dimensions,",
        "questions and answers are labelled in that language (Bolzano is *Bozen* in",
        "German). The rule for columns: ids stay in their own columns (`organization`,",
        "`indicator`...) and the label follows its id (`organization_name`,",
        "`indicator_label`, `service_label`, `category_label`, `label`); CSV and JSON keep",
        "these English column names in every language and only the label values change;",
        "the table printed on screen, for people, has its headers (and its codes of",
        "trends, polarities, quadrants and statuses) in the language asked.",
        "",
    ]
    for path, command in _walk(cli, ["qualitapa"]):
        name = " ".join(path)
        # the same help option names as a real invocation (inherited from the
        # root group's context settings), so the page does not depend on
        # which context click happened to cache the option from
        names = cli.context_settings.get("help_option_names", ["--help"])
        with click.Context(
            command, info_name=name, terminal_width=88, help_option_names=names
        ) as ctx:
            help_text = command.get_help(ctx)
        lines += [f"## {name}", "", "```text", help_text.rstrip(), "```", ""]
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    print(render_cli_reference(), end="")
