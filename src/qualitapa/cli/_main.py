"""The ``qualitapa`` command group and the helpers every subcommand shares.

The CLI is thin: parse, call the library, print. Tables are printed for
people by default; ``--format csv|json`` is for machines. Errors are one
line on stderr and a non-zero exit code; ``--debug`` shows the traceback.
Notes (:class:`~qualitapa.errors.QualitapaWarning`, e.g. organization names
read as codes) are printed on stderr as ``Note: ...``.

Everything printed for people goes through :func:`echo` (and :func:`emit`
for tables), which shows the control characters of data visibly (``␛``,
``␍``, ``\\u202e``: see :mod:`qualitapa.cli._terminal`); while a command
runs, whatever reaches a terminal is filtered the same way. Machine formats
written to a pipe or a file keep the data.

Exit codes: 0 done; 1 the input (files, definitions, option values naming
unknown items) has a problem, said on stderr, or the command had nothing to
produce from it; 2 the command line itself is wrong (click's usage errors).

Data go to stdout, messages to stderr. The root options apply to every
command (:mod:`qualitapa.cli._context`): ``--quiet`` keeps stderr to errors
and broken-plugin warnings, ``--verbose`` says more (each sub-step of long
work), ``--lang`` (or ``QUALITAPA_LANG``) is the language of the messages
and the default of every command's ``--lang``.

Commands that read data files take
:func:`~qualitapa.cli._options.input_options` (``--numbers``, ``--delimiter``,
``--encoding``, ``--date-format``...) and read with
:func:`read_input`, which also resolves the organizations of
the data against the catalog.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
import pandas as pd

from qualitapa.__about__ import __version__
from qualitapa._reading import STDIN
from qualitapa.cli._click_words import Group, click_in_language, remember
from qualitapa.cli._context import LANG_ENV, LANGUAGE, VERBOSITY, language, verbosity
from qualitapa.cli._options import READ_OPTIONS, LanguageType
from qualitapa.cli._output import emit as emit  # the one way out, public
from qualitapa.cli._terminal import printable, terminal_guard
from qualitapa.errors import (
    DataError,
    Either,
    Message,
    PluginWarning,
    QualitapaError,
    QualitapaWarning,
)
from qualitapa.i18n import N_, translator
from qualitapa.io import read_sources

if TYPE_CHECKING:
    from qualitapa.catalog import Catalog
    from qualitapa.i18n import Translator

#: Exit code for errors in the user's input or definitions.
EXIT_ERROR = 1
#: How many rows of an error's problem table (``failure_cases``) are printed.
MAX_FAILURE_ROWS = 20


def echo(message: Any = "", *, err: bool = False, nl: bool = True) -> None:
    """Print ``message`` for people: control characters of data shown visibly.

    Use it (not ``click.echo``) for every message, note and error: a
    complaint text, a label or a file name may hold terminal escapes.
    A message on stderr (``err=True``) is not printed with ``--quiet``.
    """
    if err and verbosity() < 0:
        return
    click.echo(printable(str(message)), err=err, nl=nl)


def _say(message: str) -> None:
    """Print an error or a warning on stderr, also with ``--quiet``."""
    click.echo(printable(message), err=True)


def note_line(message: Warning | str, lang: str) -> str:
    """The line of a note: ``Nota: ...`` in ``lang`` when the warning can be translated.

    A :class:`~qualitapa.errors.QualitapaWarning` made by
    :func:`qualitapa.i18n.translatable` is written in the language; any
    other warning as ``Note: ...`` in English.
    """
    render = getattr(message, "render", None)
    t = translator(lang)
    return str(t("Nota: {note}", note=message if render is None else render(t)))


def error_text(exc: QualitapaError, lang: str) -> str:
    """The one-line text of ``exc`` in ``lang``, as far as it can be said in it.

    An error with ``render`` (a data, definition or unknown-id error, or
    one made so as the notes of :func:`qualitapa.i18n.translatable`) is
    written by it in the language; any other in English, as ``str()``.
    """
    render = getattr(exc, "render", None)
    if callable(render):
        return str(render(translator(lang)))
    return str(exc)


@contextmanager
def _notes() -> Iterator[None]:
    """Print qualitapa's warnings as ``Note: ...`` lines on stderr while they happen."""
    with warnings.catch_warnings():
        warnings.simplefilter("always", QualitapaWarning)
        shown = warnings.showwarning
        warned: set[str] = set()

        def show(
            message: Warning | str,
            category: type[Warning],
            filename: str,
            lineno: int,
            file: Any = None,
            line: str | None = None,
        ) -> None:
            if issubclass(category, PluginWarning):
                if str(message) not in warned:  # once per process, however often built
                    warned.add(str(message))
                    t = translator(language())
                    _say(str(t("Avviso: {warning}", warning=message)))
            elif issubclass(category, QualitapaWarning):
                echo(note_line(message, language()), err=True)
            else:
                shown(message, category, filename, lineno, file, line)

        warnings.showwarning = show
        yield


class _Group(Group):
    """A click group that turns library errors into one clean line.

    While it runs, terminals on stdout and stderr get only printable text
    (:func:`~qualitapa.cli._terminal.terminal_guard`).
    """

    group_class = Group  # the commands' groups: without the root's error handling

    def main(self, *args: Any, **kwargs: Any) -> Any:
        with terminal_guard(), click_in_language():
            return super().main(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        remember(ctx.meta)  # click's usage errors are said in its language
        try:
            with _notes():
                return super().invoke(ctx)
        except QualitapaError as exc:
            if ctx.find_root().params.get("debug"):
                raise
            lang = language()
            t = translator(lang)
            cases = getattr(exc, "failure_cases", None)
            text = error_text(exc, lang)
            if isinstance(cases, pd.DataFrame) and len(cases) and hasattr(exc, "summary"):
                count = t.plural("{n} problema", "{n} problemi", len(cases))
                _say(str(t("Errore: {message} ({count}:)", message=text, count=count)))
            else:
                _say(str(t("Errore: {message}", message=text)))
            if isinstance(cases, pd.DataFrame) and len(cases):
                from qualitapa.cli._headers import headed, said_problems, worded

                shown = worded(cases.head(MAX_FAILURE_ROWS), lang)
                shown = headed(said_problems(shown, lang), lang).astype(object)
                _say(_table_text(shown.where(shown.notna(), "")).rstrip("\n"))  # blank, not None
                if len(cases) > MAX_FAILURE_ROWS:
                    more = len(cases) - MAX_FAILURE_ROWS
                    _say(
                        str(t.plural("... e altro {n} problema", "... e altri {n} problemi", more))
                    )
            ctx.exit(EXIT_ERROR)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="qualitapa")
@click.option(
    "--quiet",
    "-q",
    is_flag=True,
    help="Print no notes, confirmations or progress on stderr: only errors and warnings.",
)
@click.option(
    "--verbose",
    "-v",
    is_flag=True,
    help="Say more on stderr: each sub-step of long work (the demo's report sections).",
)
@click.option(
    "--lang",
    type=LanguageType(),
    default=None,
    envvar=LANG_ENV,
    help=f"Language of messages, and default of every command's --lang: it, en, de or "
    f"another code (also ${LANG_ENV}; default it).",
)
@click.option("--debug", is_flag=True, help="Show full tracebacks on errors.")
@click.pass_context
def cli(ctx: click.Context, quiet: bool, verbose: bool, lang: str | None, debug: bool) -> None:
    """qualitapa: quality and benchmarking of municipal services.

    Indicators, citizen-satisfaction surveys, complaints, service charters
    and CAF self-assessment, with definitions contributed by plugins.

    Data go to stdout, messages to stderr. Exit status: 0 done, 1 a problem
    with the input (said in one line), 2 a wrong command line.
    """
    if lang is not None:
        ctx.meta[LANGUAGE] = lang  # first: a usage error of the root speaks it too
    if quiet and verbose:
        said = Message("--quiet and --verbose exclude each other",
                       N_("--quiet e --verbose si escludono a vicenda"))  # fmt: skip
        raise click.UsageError(said.render(translator(language())))
    ctx.ensure_object(dict)
    ctx.meta[VERBOSITY] = -1 if quiet else int(verbose)


def get_catalog() -> Catalog:
    """The catalog of installed plugins (cached for the process)."""
    from qualitapa.catalog import default_catalog

    return default_catalog()


def catalog_for(definitions: tuple[Path, ...] | list[Path] = ()) -> Catalog:
    """The installed plugins' catalog, plus the TOML files given with ``-d``."""
    if not definitions:
        return get_catalog()
    from qualitapa.catalog import Catalog
    from qualitapa.declarative import TomlPlugin

    # the -d files are the user's input: their errors fail the command; a
    # broken installed plugin is skipped with a warning, as everywhere
    return Catalog.build(
        [("definitions", TomlPlugin(*definitions))], entrypoints=True, skip_failing=True
    )


def read_input(path: Path, *, catalog: Catalog | None = None, **kwargs: Any) -> pd.DataFrame:
    """Read a data file with the command's :func:`~qualitapa.cli._options.input_options`.

    ``-`` reads standard input (once: two arguments cannot both be ``-``).

    With ``catalog``, the ``organization`` column is resolved to the
    catalog's codes (:meth:`qualitapa.Catalog.resolve_organizations`):
    names and codes that lost their leading zeros are read as codes (with
    a note), unknown organizations are an error.
    """
    ctx = click.get_current_context(silent=True)
    options = dict(ctx.meta.get(READ_OPTIONS, {})) if ctx is not None else {}
    frame = read_sources([path], **{**options, **kwargs})  # a filled template: its long data
    if catalog is not None:
        source = STDIN if str(path) == "-" else str(path)
        frame = catalog.resolve_organizations(frame, source=source)
    return frame


def read_inputs(
    sources: Sequence[Path | str], *, catalog: Catalog | None = None, **kwargs: Any
) -> pd.DataFrame:
    """Read the DATA arguments of a command: files and dataset ids, as one table.

    One file is read as :func:`read_input` reads it; several are merged by
    :func:`qualitapa.io.read_sources` (identical records kept once with a
    note, different values for one record an error naming both files).
    """
    if len(sources) == 1 and (str(sources[0]) == "-" or Path(sources[0]).exists()):
        return read_input(Path(sources[0]), catalog=catalog, **kwargs)
    ctx = click.get_current_context(silent=True)
    options = dict(ctx.meta.get(READ_OPTIONS, {})) if ctx is not None else {}
    return read_sources(sources, catalog=catalog, **{**options, **kwargs})


def sources_name(sources: Sequence[Path | str]) -> str:
    """How messages name the DATA of a command: the file, or the files joined by ``+``."""
    return " + ".join(str(s) for s in sources)


class SourceType(click.Path):
    """A DATA argument: an existing file, ``-`` (standard input) or a dataset id.

    A dataset id is one of the installed plugins' datasets
    (``registry.demo.indicators``); anything else is a usage error, as a
    missing file always was. A file is checked as ``click.Path`` checks it
    (a folder is refused).
    """

    name = "source"

    def __init__(self) -> None:
        super().__init__(exists=True, dir_okay=False, allow_dash=True, path_type=Path)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        text = str(value)
        if text == "-" or not self.exists or Path(text).exists():
            return super().convert(value, param, ctx)
        datasets = list(get_catalog().datasets)
        if text in datasets:
            return text
        import difflib

        close = difflib.get_close_matches(text, datasets, n=3)
        said = Message("{value} is neither a file nor a dataset of the installed plugins",
                       N_("{value} non è né un file né un insieme di dati dei plugin installati"),
                       value=repr(text))  # fmt: skip
        if close:
            said = Message("{said}; did you mean {alternatives}?",
                           N_("{said}; forse {alternatives}?"), said=said,
                           alternatives=Either(close))  # fmt: skip
        self.fail(said.render(translator(language())), param, ctx)


def sources_argument(name: str = "data", *, metavar: str = "DATA...") -> Any:
    """DATA...: one or more files (``-``: standard input) or dataset ids."""
    return click.argument(name, nargs=-1, required=True, metavar=metavar, type=SourceType())


def messages() -> Translator:
    """The translator of the command's messages: ``t = messages(); t("...")`` (Italian msgids).

    Its language is the command's ``--lang``, else the root's, else
    ``$QUALITAPA_LANG``, else Italian (:func:`~qualitapa.cli._context.language`).
    """
    return translator(language())


def nothing(what: str, *, source: Path | str | None = None) -> DataError:
    """The error of a command that has nothing to produce from its input (exit 1).

    ``what`` says what was missing and what to do, in one line, in the language
    of the command (``translator(language())``, Italian msgids).
    """
    return DataError(what, source=str(source) if source is not None else None)


def listed(items: list[str], most: int = 10) -> str:
    """``"a, b, c"``, the first ``most`` items and how many more."""
    shown = ", ".join(items[:most])
    if len(items) <= most:
        return shown
    t = translator(language())
    return shown + str(t.plural(" e un altro", " e altri {n}", len(items) - most))


def perhaps(value: str, known: Iterable[str], n: int = 3) -> str:
    """``"; forse a o b?"``: the ``n`` known values closest to ``value``, in the command's
    language (its own word for "or"); ``""`` when none is close."""
    import difflib

    close = difflib.get_close_matches(value, sorted(known), n=n)
    if not close:
        return ""
    t = translator(language())
    return str(t("; forse {suggestions}?", suggestions=t.join(close, style="or")))


def select_period(values: pd.DataFrame, period: str | None, source: Path | str) -> pd.DataFrame:
    """The rows of ``period`` (all rows without one); a period the data lack is an error."""
    if period is None:
        return values
    if "period" not in values.columns:  # the data's problem, not the command line's (exit 1)
        t = translator(language())
        raise DataError(t("--period {period}: i dati non hanno la colonna 'period'",
                          period=period), source=str(source))  # fmt: skip
    periods = values["period"].astype(str)
    chosen = values[periods == str(period)].reset_index(drop=True)
    if chosen.empty:
        known = sorted(set(periods.dropna()))
        t = translator(language())
        raise nothing(
            t("nessun dato del periodo {period} (periodi nei dati: {periods})", period=period,
              periods=listed(known)),
            source=source,
        )  # fmt: skip
    return chosen


def _table_text(frame: pd.DataFrame) -> str:
    """``frame`` as a plain-text table for people, every cell on one printable line."""
    with pd.option_context(
        "display.max_rows", None, "display.max_columns", None, "display.width", 200
    ):
        return printable(frame.to_string(index=False) + "\n", cell=False)


def for_people(fmt: str | None, output: Path | None) -> bool:
    """The command's answer goes to the screen as a table (no file, no machine format)."""
    return fmt in (None, "table") and output is None


def emit_text(text: str, output: Path | None, *, data: bool = True) -> None:
    """Print a document (CSV, JSON, XML, Markdown, HTML) or write it to ``output``.

    ``data`` keeps what looks like colour codes on a pipe (click would strip
    them); a terminal shows control characters visibly either way.
    """
    if output is None:
        click.echo(text, nl=False, color=True if data else None)
    else:
        output.write_text(text, encoding="utf-8", newline="")  # the text says its line ends
        t = translator(language())
        echo(t("scritto {file}", file=output), err=True)


def main(argv: list[str] | None = None) -> Any:
    """Entry point of the ``qualitapa`` console script."""
    return cli.main(args=argv if argv is not None else sys.argv[1:], prog_name="qualitapa")
