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

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click
import click.shell_completion

from qualitapa.cli._context import in_language
from qualitapa.errors import DataError, OptionError
from qualitapa.i18n import LANGUAGES, N_, check_language
from qualitapa.io import INPUT_FORMATS, NUMBER_CONVENTIONS

#: An existing file to read, or ``-`` for standard input (read by
#: :func:`qualitapa.cli._main.read_input`).
FILE = click.Path(exists=True, dir_okay=False, allow_dash=True, path_type=Path)
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
    type=click.Path(exists=True, dir_okay=False, path_type=Path),  # a file: not stdin
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


#: The reading options: (flags, click type, help). Each is stored under its
#: name, the keyword of :func:`qualitapa.io.read_table` it is passed as.
_READING: tuple[tuple[tuple[str, ...], Any, str], ...] = (  # flags, type, help
    (
        ("--numbers", "numbers"),
        click.Choice(list(NUMBER_CONVENTIONS)),
        "How numbers are written in the input files: it = 1.234,5 (Italian Excel), "
        "en = 1,234.5. Without it a number that reads both ways (112.500) is an error.",
    ),
    (
        ("--decimal", "decimal"),
        str,
        "Decimal separator of the input's numbers when neither --numbers it nor en fits "
        "(with --thousands, e.g. --decimal , --thousands \"'\" for 1'234,5).",
    ),
    (
        ("--thousands", "thousands"),
        str,
        "Thousands separator of the input's numbers (' or a space; a space also stands "
        "for no-break spaces). Not with --numbers.",
    ),
    (
        ("--delimiter", "delimiter"),
        str,
        "Field delimiter of CSV input: ; , | or tab (default: sniffed among them).",
    ),
    (
        ("--encoding", "encoding"),
        str,
        "Text encoding of CSV input, e.g. utf-8, cp1252, latin-1 (default: UTF-8 with or "
        "without BOM, else Windows-1252 with a note).",
    ),
    (
        ("--date-format", "date_format"),
        str,
        "strftime format of dates that are not ISO 8601, e.g. %d/%m/%Y or '%d/%m/%Y %H:%M' "
        "(default: 31/01/2024 and 31/01/2024 09:30 read day first).",
    ),
    (
        ("--sheet", "sheet"),
        str,
        "Excel input: the sheet to read, by name, or by number (0 is the first) when no "
        "sheet has that name.",
    ),
    (
        ("--input-format", "format"),
        click.Choice(list(INPUT_FORMATS)),
        "How the input is stored, when its extension does not say (standard input, "
        "'-'): csv, tsv, xlsx, json, ndjson, parquet.",
    ),
)


_METAVARS = {
    "decimal": "CHAR",
    "thousands": "CHAR",
    "delimiter": "CHAR",
    "encoding": "NAME",
    "date_format": "FORMAT",
    "sheet": "NAME|N",
}


def input_options(func: F) -> F:
    """Add the options saying how data files are written.

    ``--numbers it|en`` or ``--decimal``/``--thousands``, ``--delimiter``,
    ``--encoding``, ``--date-format``, ``--sheet`` and ``--input-format``:
    the options of :func:`qualitapa.io.read_table`, with the same names.
    The values are not passed to the command:
    :func:`~qualitapa.cli._main.read_input` reads them from the click context,
    so every command reads files the same way and new reading options need no
    change to the commands.
    """
    for decls, kind, help in reversed(_READING):
        func = click.option(
            *decls,
            type=kind,
            metavar=_METAVARS.get(decls[1]),
            default=None,
            expose_value=False,
            callback=_remember,
            help=help,
        )(func)
    return func


def _check_output(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """``-o FILE`` names a format by its extension, the one ``--format`` asks for if given."""
    fmt, output = (
        (value, ctx.params.get("output")) if param.name == "fmt" else (ctx.params.get("fmt"), value)
    )
    if output is None:
        return value
    from qualitapa.cli._output import check_output  # the one check, also of emit()

    try:
        check_output(fmt, output)
    except click.UsageError as exc:  # said on the option being parsed
        raise click.BadParameter(exc.message, ctx, param) from None
    return value


def suffix_check(
    formats: Mapping[str, Sequence[str]], *, default: str | None = None
) -> Callable[[click.Context, click.Parameter, Any], Any]:
    """A callback for a command's own ``-o FILE`` and ``--format`` (put it on both).

    ``formats`` maps each format to the extensions of the files written in it,
    the first of them named in messages (``{"md": [".md"], "html": [".html",
    ".htm"]}``); a command without ``--format`` gives one entry. An extension
    it does not list, or a ``--format`` the extension contradicts, is a usage
    error (exit 2) naming the extensions allowed. On ``--format`` (the
    parameter ``fmt``) the callback returns the format: the one given, else
    the first whose extensions hold ``-o``'s, else ``default``.

    Examples
    --------
    >>> @click.command()
    ... @click.option("--format", "fmt", callback=suffix_check({"md": [".md"]}, default="md"))
    ... @click.option("-o", "output", type=Path, callback=suffix_check({"md": [".md"]}))
    ... def show(fmt, output):
    ...     click.echo(fmt)
    >>> from click.testing import CliRunner
    >>> r = CliRunner().invoke(show, ["-o", "out.txt"])
    >>> r.exit_code, "non si può scrivere un file '.txt': usare .md" in r.output
    (2, True)
    """
    allowed = list(dict.fromkeys(s for suffixes in formats.values() for s in suffixes))
    shown = [s for s in allowed if s not in (".htm", ".jsonl")] or allowed

    def check(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        is_format = param.name == "fmt"
        fmt, output = (value, ctx.params.get("output")) if is_format else (
            ctx.params.get("fmt"), value)  # fmt: skip
        if output is None:
            return fmt if is_format and fmt is not None else default if is_format else value
        suffix = Path(output).suffix.lower()
        if suffix not in allowed:
            from qualitapa._writers import unwritable

            raise click.BadParameter(in_language(unwritable(output, shown)), ctx, param)
        if fmt is not None and suffix not in formats[fmt]:
            name = Path(output)
            said = in_language(
                N_("--format {fmt} non corrisponde a {name}: togliere --format o chiamare il "
                   "file {right}"), fmt=fmt, name=name.name, right=f"{name.stem}{formats[fmt][0]}"
            )  # fmt: skip
            raise click.BadParameter(said, ctx, param)
        if not is_format:
            return value
        return fmt or next(f for f, suffixes in formats.items() if suffix in suffixes)

    return check


def format_option(formats: Mapping[str, Sequence[str]], *, default: str, help: str) -> Decorator:
    """A command's own ``--format`` (``fmt``) checked against ``-o`` (:func:`suffix_check`).

    Put ``target_option(..., formats=formats)`` on the command too.
    """
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(formats)),
        default=None,
        callback=suffix_check(formats, default=default),
        help=help,
    )


def date_value(value: str | None, option: str) -> dt.date | None:
    """A date given on the command line: ``31/01/2024`` or ``2024-01-31`` (usage error else)."""
    if value is None:
        return None
    for shape in ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(value.strip(), shape).date()
        except ValueError:
            continue
    said = in_language(
        N_("{value} non è una data: scrivere 31/01/2024 o 2024-01-31"), value=repr(value)
    )
    raise click.BadParameter(said, param_hint=option)


def folder_check(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """``-o FOLDER`` names a folder: a file's extension (``pkg.zip``) is a usage error."""
    from qualitapa._writers import SUFFIXES

    files = {*SUFFIXES, ".zip", ".pdf", ".xml", ".gz", ".tar", ".xls", ".ods"}
    if value is not None and value.suffix.lower() in files:
        said = in_language(
            N_("{name} è il nome di un file {suffix}, ma qui si scrive una cartella: chiamare "
               "la cartella senza estensione (ad es. {stem})"),
            name=value.name, suffix=value.suffix, stem=value.stem,
        )  # fmt: skip
        raise click.BadParameter(said, ctx, param)
    return value


def output_options(func: F) -> F:
    """Add ``--format table|csv|json|ndjson|xlsx|parquet|md|html`` and ``-o/--output FILE``.

    ``-o`` writes the format its extension names (``.csv``, ``.json``,
    ``.ndjson``, ``.xlsx``, ``.parquet``, ``.md``, ``.html``, ``.txt`` for the
    table); another extension, or a ``--format`` that contradicts it, is a
    usage error (exit 2). See :mod:`qualitapa.cli._output`.
    """
    from qualitapa._writers import FORMATS

    func = click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False, writable=True, path_type=Path),
        default=None,
        callback=_check_output,
        help="Write to this file instead of the screen, in the format its extension names: "
        ".csv, .json, .ndjson, .xlsx, .parquet, .md, .html (.txt: the table).",
    )(func)
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(FORMATS)),
        default=None,
        callback=_check_output,
        help="Output format (default: table on screen, else the one -o's extension names). "
        'xlsx and parquet need -o; parquet needs pip install "qualitapa[parquet]".',
    )(func)


def file_argument(name: str, *, metavar: str | None = None) -> Decorator:
    """An argument naming an existing file."""
    return click.argument(name, metavar=metavar, type=FILE)


def file_option(*decls: str, help: str | None = None, required: bool = False) -> Decorator:
    """An option naming an existing file (``None`` when not given).

    No explicit ``default=None``: since click 8.3 it counts as a value, and a
    ``required`` option with it is never missing.
    """
    return click.option(*decls, type=FILE, required=required, help=help)


def target_option(
    help: str,
    *,
    default: Path | None = None,
    required: bool = False,
    folder: bool = False,
    writable: bool = True,
    show_default: bool = False,
    formats: Mapping[str, Sequence[str]] | None = None,
) -> Decorator:
    """``-o/--output``: the file (or ``folder``) a command writes.

    ``formats`` (see :func:`suffix_check`) lists the extensions the file may
    have; a ``folder`` may not have a file's extension (:func:`folder_check`).
    ``default`` is passed to click only when given: since click 8.3 an explicit
    ``default=None`` counts as a value, and ``required`` is no longer enforced.
    """
    kind = (
        click.Path(file_okay=False, path_type=Path)
        if folder
        else click.Path(dir_okay=False, writable=writable, path_type=Path)
    )
    given: dict[str, Any] = {} if default is None else {"default": default}
    return click.option(
        "-o",
        "--output",
        type=kind,
        **given,
        required=required,
        show_default=show_default,
        callback=folder_check if folder else suffix_check(formats) if formats else None,
        help=help,
    )


def html_target_option(default: str) -> Decorator:
    """``-o/--output``: the HTML page a report command writes, ``default`` unless given."""
    return target_option(
        "The HTML file to write (.html).",
        default=Path(default),
        show_default=True,
        formats={"html": [".html", ".htm"]},
    )


def database_option(*, default: str, envvar: str, what: str) -> Decorator:
    """``--db FILE``: the SQLite file of a store (``default``, else ``$envvar``).

    Open it with :func:`existing_database`, so that a misspelt ``--db`` is an
    error rather than a new, empty store.
    """
    return click.option(
        "--db",
        type=click.Path(dir_okay=False, path_type=Path),
        default=default,
        show_default=True,
        envvar=envvar,
        help=f"The {what} (SQLite file); also ${envvar}.",
    )


def existing_database(db: Path, missing: str) -> Path:
    """``db`` if the file exists, else a :class:`~qualitapa.errors.DataError` (exit 1).

    ``missing`` says, in the command's language, where the store was looked
    for and how to create it.

    Examples
    --------
    >>> existing_database(Path("nowhere.db"), "no store in nowhere.db")
    Traceback (most recent call last):
    ...
    qualitapa.errors.DataError: no store in nowhere.db
    """
    if not db.exists():
        raise DataError(missing)
    return db


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
            self.fail(in_language(exc.args[0]), param, ctx)

    def shell_complete(
        self, ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[click.shell_completion.CompletionItem]:
        return [
            click.shell_completion.CompletionItem(c) for c in LANGUAGES if c.startswith(incomplete)
        ]

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "[" + "|".join(LANGUAGES) + "|...]"


def _language(ctx: click.Context, param: click.Parameter, value: str | None) -> str:
    """The command's ``--lang``, else the root's (``qualitapa --lang``, ``QUALITAPA_LANG``)."""
    from qualitapa.cli._context import LANGUAGE, language

    chosen = value if value is not None else language()
    ctx.meta[LANGUAGE] = chosen  # the command's messages speak it too
    return chosen


#: ``--lang it|en|de|...``: the language of labels and messages (default: the
#: root's ``qualitapa --lang``, else ``QUALITAPA_LANG``, else ``it``).
lang_option = click.option(
    "--lang",
    type=LanguageType(),
    default=None,
    callback=_language,
    help="Language of the output: it, en, de or another code (falls back to Italian). "
    "Default: qualitapa --lang, else $QUALITAPA_LANG, else it.",
)


def names(text: str) -> list[str]:
    """The names of a comma-separated option value, blanks dropped."""
    return [t.strip() for t in text.split(",") if t.strip()]
