"""Option and argument declarations shared by the commands.

One declaration per kind of parameter, as datasette and sqlite-utils share
theirs: a file to read, a file or folder to write, a closed choice, the
language, the definitions (``-d``), how input files are written
(:func:`input_options`) and the output (:func:`output_options`). A command
reads as the list of what it takes::

    @file_option("--consensus", "consensus_path", help="Consensus scores.")
    @choice_option("--fallback", ["mean", "median", "none"], "mean")
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click
import click.shell_completion

from qualitapa.errors import OptionError
from qualitapa.i18n import LANGUAGES, check_language
from qualitapa.io import NUMBER_CONVENTIONS

#: An existing file to read.
FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
#: An existing folder to read.
DIR = click.Path(exists=True, file_okay=False, path_type=Path)

Decorator = Callable[[Any], Any]
F = TypeVar("F", bound=Callable[..., Any])

#: ``-d/--definitions FILE.toml`` (repeatable): extra TOML definitions used
#: together with the installed plugins; pass the value to
#: :func:`qualitapa.cli._main.catalog_for`.
definitions_option = click.option(
    "--definitions",
    "-d",
    "definitions",
    multiple=True,
    type=FILE,
    help="Extra TOML definitions (services, organizations, indicators, composites, "
    "standards, charters...) used together with the installed plugins. Repeatable.",
)

#: Where :func:`input_options` keeps the reading options of the command being run
#: (for :func:`qualitapa.cli._main.read_input`).
READ_OPTIONS = "qualitapa.read_options"


def _remember(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    if value is not None:
        ctx.meta.setdefault(READ_OPTIONS, {})[param.name] = value
    return value


def input_options(func: F) -> F:
    """Add the options saying how data files are written (``--numbers it|en``).

    The values are not passed to the command:
    :func:`~qualitapa.cli._main.read_input` reads them from the click context,
    so every command reads files the same way and new reading options need no
    change to the commands.
    """
    return click.option(
        "--numbers",
        type=click.Choice(list(NUMBER_CONVENTIONS)),
        default=None,
        expose_value=False,
        callback=_remember,
        help="How numbers are written in the input files: it = 1.234,5 (Italian Excel), "
        "en = 1,234.5. Without it a number that reads both ways (112.500) is an error.",
    )(func)


def output_options(func: F) -> F:
    """Add ``--format table|csv|json`` and ``-o/--output FILE`` to a command."""
    func = target_option("Write to this file instead of the screen.")(func)
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["table", "csv", "json"]),
        default=None,
        help="Output format (default: table on screen; csv when --output ends in .csv, "
        "json when it ends in .json).",
    )(func)


def file_argument(name: str, *, metavar: str | None = None) -> Decorator:
    """An argument naming an existing file."""
    return click.argument(name, metavar=metavar, type=FILE)


def file_option(*decls: str, help: str | None = None, required: bool = False) -> Decorator:
    """An option naming an existing file (``None`` when not given)."""
    return click.option(*decls, type=FILE, default=None, required=required, help=help)


def target_option(
    help: str,
    *,
    default: Path | None = None,
    required: bool = False,
    folder: bool = False,
    writable: bool = True,
    show_default: bool = False,
) -> Decorator:
    """``-o/--output``: the file (or ``folder``) a command writes."""
    kind = (
        click.Path(file_okay=False, path_type=Path)
        if folder
        else click.Path(dir_okay=False, writable=writable, path_type=Path)
    )
    return click.option(
        "-o",
        "--output",
        type=kind,
        default=default,
        required=required,
        show_default=show_default,
        help=help,
    )


def folder_option(*decls: str, default: Path, help: str) -> Decorator:
    """An option naming a folder to write into (created if need be)."""
    return click.option(
        *decls,
        type=click.Path(file_okay=False, path_type=Path),
        default=default,
        show_default=True,
        help=help,
    )


def choice_option(
    *decls: str, choices: Sequence[str], default: str, help: str | None = None
) -> Decorator:
    """An option taking one of ``choices``, with its default shown in the help."""
    return click.option(
        *decls, type=click.Choice(list(choices)), default=default, show_default=True, help=help
    )


class LanguageType(click.ParamType):
    """A language code: ``it``, ``en``, ``de`` or any other (``fr``, ``lld``, ``de_CH``).

    Languages without a translation fall back along their chain (see
    :func:`qualitapa.i18n.set_fallbacks`); a malformed code is a usage error.
    """

    name = "language"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        try:
            return check_language(value, "--lang")
        except OptionError as exc:
            self.fail(str(exc), param, ctx)

    def shell_complete(
        self, ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[click.shell_completion.CompletionItem]:
        return [
            click.shell_completion.CompletionItem(c) for c in LANGUAGES if c.startswith(incomplete)
        ]

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "[" + "|".join(LANGUAGES) + "|...]"


#: ``--lang it|en|de|...`` (default ``it``): the language of labels and messages.
lang_option = click.option(
    "--lang",
    type=LanguageType(),
    default="it",
    show_default=True,
    help="Language of the output: it, en, de or another code (falls back to Italian).",
)


def names(text: str) -> list[str]:
    """The names of a comma-separated option value, blanks dropped."""
    return [t.strip() for t in text.split(",") if t.strip()]
