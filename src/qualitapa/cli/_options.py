"""Option and argument declarations shared by the commands.

One declaration per kind of parameter, as datasette and sqlite-utils share
theirs: a file to read, a file or folder to write, a closed choice, the
language; with the reading (:func:`input_options`), output
(:func:`output_options`) and definitions options of :mod:`qualitapa.cli._main`. A
command reads as the list of what it takes::

    @file_option("--consensus", "consensus_path", help="Consensus scores.")
    @choice_option("--fallback", ["mean", "median", "none"], "mean")
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from qualitapa.cli._main import definitions_option, input_options, output_options

__all__ = [
    "DIR",
    "FILE",
    "choice_option",
    "definitions_option",
    "file_argument",
    "file_option",
    "folder_option",
    "input_options",
    "lang_option",
    "names",
    "output_options",
    "target_option",
]

#: An existing file to read.
FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
#: An existing folder to read.
DIR = click.Path(exists=True, file_okay=False, path_type=Path)

Decorator = Callable[[Any], Any]


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


#: ``--lang it|en`` (default ``it``).
lang_option = choice_option("--lang", choices=["it", "en"], default="it")


def names(text: str) -> list[str]:
    """The names of a comma-separated option value, blanks dropped."""
    return [t.strip() for t in text.split(",") if t.strip()]
