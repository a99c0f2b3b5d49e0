"""What a command's result table becomes: a table for people or a file for programs.

:func:`emit` is the one way out (``qualitapa.cli.emit``):

* every id column the catalog knows gets its name or label next to it
  (``organization_name`` after ``organization``, ``indicator_label`` after
  ``indicator``...) in the language of ``--lang``, in every format;
* ``table`` (the default on screen), ``md`` and ``html`` are for people:
  numbers rounded per unit (``45,2%`` for an indicator in ``%``, ``91,3%``
  for a share of 0.913, ``1.540`` certificates), missing values as ``–``
  next to the reason the result gives, codes as words and headers in the
  language (:mod:`qualitapa.cli._headers`). The screen table is drawn by
  rich to the terminal's width, wrapping long labels;
* ``csv``, ``json``, ``ndjson``, ``xlsx`` and ``parquet`` are for programs
  and spreadsheets: full precision, the stable English column names and
  codes (:mod:`qualitapa._writers`); the Excel sheet has number formats, a
  frozen header and the labels.

``-o FILE`` writes the format its extension names; an extension naming no
format, or a ``--format`` that contradicts it, is a usage error (exit 2).
"""

from __future__ import annotations

import io
import os
import re
import shutil
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
import pandas as pd

from qualitapa._writers import (
    BINARY_FORMATS,
    FRACTION_COLUMNS,
    MACHINE_FORMATS,
    SUFFIXES,
    UNIT_COLUMNS,
    format_of,
    row_units,
    to_html,
    to_json,
    to_markdown,
    to_ndjson,
    write_parquet,
)
from qualitapa.cli._context import in_language
from qualitapa.cli._terminal import is_terminal, printable
from qualitapa.errors import OptionError, QualitapaError
from qualitapa.i18n import MISSING, N_, default_digits, translator, unit
from qualitapa.io import write_csv

if TYPE_CHECKING:
    from qualitapa.catalog import Catalog

#: Columns holding a year, period or other number that is a name, not a quantity
#: (a row of a file, an event of a register: ``1215``, not ``1.215``).
NAME_NUMBERS = frozenset(
    {"period", "year", "first_period", "last_period", "month", "quarter", "version", "row",
     "seq"}
)  # fmt: skip
#: Columns that say what a row is about: repeated when a wide table is drawn in parts.
KEY_COLUMNS = (
    "organization_name",
    "indicator_label",
    "service_label",
    "category_label",
    "composite_label",
    "question_label",
    "standard_label",
    "label",
    "dimension",  # a survey's dimension, by its label on screen
)
#: Columns that are a rank or a count: whole numbers.
_WHOLE = frozenset({"rank", "n", "quartile", "count", "received", "answered", "open", "overdue"})


def check_output(fmt: str | None, output: Path | None) -> str:
    """The format to write: ``fmt``, else the one ``output``'s extension names, else ``table``.

    Raises
    ------
    click.UsageError
        The extension names no format, ``fmt`` contradicts it, or a file
        format (xlsx, parquet) is asked for without ``-o FILE`` (exit 2).
    """
    if output is not None:
        try:
            implied = format_of(output)
        except OptionError as exc:
            raise click.BadParameter(
                in_language(exc.args[0]), param_hint="'-o' / '--output'"
            ) from None
        if fmt is not None and fmt != implied:
            raise click.UsageError(
                in_language(N_("--format {fmt} non corrisponde a {name} (un file {suffix} si "
                               "scrive come {implied}): togliere --format o chiamare il file "
                               "{right}"), fmt=fmt, name=output.name, suffix=output.suffix,
                            implied=implied, right=f"{output.stem}{_suffix_of(fmt)}")
            )  # fmt: skip
        return implied
    if fmt in BINARY_FORMATS:
        raise click.UsageError(
            in_language(N_("--format {fmt} scrive un file: indicarlo con -o (ad es. "
                           "-o risultati.{fmt})"), fmt=fmt)
        )  # fmt: skip
    return fmt or "table"


def for_machines(fmt: str | None, output: Path | None) -> bool:
    """The result goes to a program or a spreadsheet (csv, json, ndjson, xlsx, parquet).

    Commands that shorten or reshape their table for people check this
    first; an unknown extension counts as for people (:func:`check_output`
    refuses it when writing).
    """
    if fmt is not None:
        return fmt in MACHINE_FORMATS
    if output is None:
        return False
    return SUFFIXES.get(output.suffix.lower()) in MACHINE_FORMATS


def _suffix_of(fmt: str) -> str:
    return next(s for s, f in SUFFIXES.items() if f == fmt)


# -- numbers for people -------------------------------------------------------


def _is_number_column(s: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype)


def _digits(values: pd.Series) -> int:
    """Decimals for a column (or a group): the reports' rule applied to its typical size."""
    typical = values.abs().median()
    return 0 if pd.isna(typical) else default_digits(float(typical))


def _is_percent(u: str) -> bool:
    try:
        return unit(u).style == "percent"
    except QualitapaError:  # an odd unit is shown as a plain number
        return False


def _number_texts(
    frame: pd.DataFrame, column: str, lang: str, units: pd.Series | None
) -> pd.Series:
    """The cells of a numeric column as people read them in ``lang``."""
    t = translator(lang)
    s = frame[column]
    if column in NAME_NUMBERS:
        return s.map(_name_number)
    values = s.astype("Float64")
    whole = pd.api.types.is_integer_dtype(s.dtype) or (
        column in _WHOLE and bool(((values.dropna() % 1) == 0).all())
    )
    if whole:
        return values.map(lambda v: MISSING if pd.isna(v) else t.number(int(v), 0))
    if column in FRACTION_COLUMNS and bool((values.dropna().abs() <= 1).all()):
        return values.map(lambda v: t.percent(None if pd.isna(v) else float(v), 1))
    if column in UNIT_COLUMNS and units is not None:
        percent = units.map(lambda u: u is not None and _is_percent(str(u)))
        groups = frame["indicator"].astype("string").fillna("")
        digits = values.groupby(groups).transform(_digits_of_group)
        out = [
            MISSING
            if pd.isna(v)
            else t.quantity(float(v), "%", 1)
            if p and column not in ("gap", "gap_to_best", "gap_to_median")
            else t.number(float(v), 1 if p else int(d))
            for v, p, d in zip(values, percent, digits, strict=True)
        ]
        return pd.Series(out, index=s.index, dtype=object)
    d = _digits(values.dropna())
    return values.map(lambda v: t.number(None if pd.isna(v) else float(v), d))


def _name_number(value: Any) -> str:
    """A year or a period as written (``2024``, not ``2.024`` or ``2024.0``)."""
    if pd.isna(value):
        return MISSING
    return f"{value:g}" if isinstance(value, float) else str(value)


def _digits_of_group(values: pd.Series) -> int:
    return _digits(values.dropna())


def for_people(
    frame: pd.DataFrame,
    lang: str,
    *,
    catalog: object = None,
    headers: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """``frame`` as people read it: numbers rounded per unit, codes as words, headers in ``lang``.

    Every cell is text; a missing number is ``–`` (the result's status or
    comparison column gives the reason in words), missing text is blank.
    """
    from qualitapa.cli._headers import headed, said_problems, worded

    units = row_units(frame, catalog)
    out = frame.copy()
    for column in frame.columns:
        if _is_number_column(frame[column]):
            out[column] = _number_texts(frame, column, lang, units)
    out = said_problems(worded(out, lang), lang)
    for column in out.columns:
        if not pd.api.types.is_numeric_dtype(frame[column].dtype):
            out[column] = out[column].map(_cell_text)
    return headed(out, lang, headers)


#: A number a display table wrote as text (``66.6``, ``-0.25``, ``72.0 *`` with the best's
#: marker): whole part, decimals, and what follows (the marker, or nothing).
_TEXT_NUMBER = re.compile(r"(-?\d+)\.(\d+)((?:\s+\S{1,3})?)")


def numbers_in_language(
    frame: pd.DataFrame, lang: str, columns: Sequence[str] | None = None
) -> pd.DataFrame:
    """``frame`` with the numbers written as text (a display table's) said in ``lang``.

    A library's display table (e.g. :func:`qualitapa.surveys.benchmark_table`
    with ``wide=True``) writes its numbers as text with a decimal point and a
    marker (``"72.0 *"``), which :func:`emit` cannot tell from a code such as
    a sub-criterion ``"3.2"``: the command that knows its cells are numbers
    calls this before :func:`emit`, for people only. Each cell that is a
    number with decimals, alone or followed by a short marker, is written
    with the language's decimal sign and digit grouping and the same
    decimals (``72,0 *``, ``1.234,5`` in Italian and German); any other cell,
    and every cell of a column not in ``columns`` (default: all), is kept.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"dimension": ["Attesa 2.0"], "mo": ["1234.5 *"], "re": ["70.25"]})
    >>> numbers_in_language(t, "de").iloc[0].tolist()
    ['Attesa 2.0', '1.234,5 *', '70,25']
    >>> numbers_in_language(t, "en").iloc[0].tolist()
    ['Attesa 2.0', '1,234.5 *', '70.25']
    """
    t = translator(lang)

    def said(value: Any) -> Any:
        match = _TEXT_NUMBER.fullmatch(value) if isinstance(value, str) else None
        if match is None:
            return value
        whole, decimals, rest = match.groups()
        return t.number(float(f"{whole}.{decimals}"), len(decimals)) + rest

    out = frame.copy()
    for column in frame.columns if columns is None else columns:
        if not pd.api.types.is_numeric_dtype(out[column].dtype):
            out[column] = out[column].map(said).astype(object)
    return out


def _cell_text(value: Any) -> str:
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float) and value != value:
        return ""
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return str(value)


# -- the screen ---------------------------------------------------------------


def terminal_width() -> int | None:
    """The width to draw tables to: ``COLUMNS``, else the terminal's; None on a pipe.

    Drawn into a pipe or a file without ``COLUMNS``, a table keeps its
    natural width: every row stays on one line for ``grep`` and friends.
    """
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return max(int(columns), 20)
    if not is_terminal(sys.stdout):
        return None
    return max(shutil.get_terminal_size((80, 24)).columns, 20)


def _need(cells: pd.Series, header: str, right: bool) -> int:
    """The narrowest a column can be drawn: a number whole, text down to a long word."""
    texts = [header, *cells]
    full = max(len(t) for t in texts)
    word = max([len(w) for t in texts for w in t.split()] or [1])
    if right:
        return max([len(t) for t in cells] + [min(word, _LONGEST_WORD)])
    return min(full, max(min(word, _LONGEST_WORD), 8))


#: The widest a word of a text column makes it before it is folded.
_LONGEST_WORD = 20
#: Spaces between two columns.
_GAP = 2


def _chunks(needs: list[int], keys: list[int], width: int) -> list[list[int]]:
    """Positions of the columns of each table drawn, ``keys`` repeated in every one."""
    if sum(needs) + _GAP * (len(needs) - 1) <= width:
        return [list(range(len(needs)))]
    keys = [k for k in keys if k < len(needs)]
    while keys and sum(needs[k] + _GAP for k in keys) > width // 2:
        keys = keys[:-1]
    base = sum(needs[k] + _GAP for k in keys)
    out: list[list[int]] = []
    current: list[int] = []
    used = base
    for i, need in enumerate(needs):
        if i in keys:
            continue
        if current and used + need > width:
            out.append(sorted([*keys, *current]))
            current, used = [], base
        current.append(i)
        used += need + _GAP
    if current or not out:
        out.append(sorted([*keys, *current]))
    return out


def table_text(
    frame: pd.DataFrame,
    *,
    title: str | None = None,
    width: int | None = None,
    numeric: Mapping[str, bool] | None = None,
    keys: Sequence[str] = (),
) -> str:
    """``frame`` (cells written for people) drawn as plain-text tables ``width`` wide.

    Drawn by rich without colours. Long text wraps within its column;
    numbers never break. When the columns cannot fit side by side, they
    are drawn as several tables one under the other, each repeating the
    ``keys`` columns (the names that say what a row is). Every cell and
    header is :func:`~qualitapa.cli._terminal.printable`.
    """
    numeric = numeric or {}
    heads = [printable(str(c), cell=True) for c in frame.columns]
    cells = [
        frame.iloc[:, i].map(lambda v: printable(str(v), cell=True)) for i in range(frame.shape[1])
    ]
    right = [bool(numeric.get(str(c))) for c in frame.columns]
    needs = [_need(c, h, r) for c, h, r in zip(cells, heads, right, strict=True)]
    if width is None:
        width = terminal_width()
    if width is None:  # natural width: the longest cell of each column
        fulls = [max(len(t) for t in [h, *c]) for c, h in zip(cells, heads, strict=True)]
        width = sum(fulls) + _GAP * (len(fulls) - 1)
    positions = [i for i, c in enumerate(frame.columns) if c in keys]
    drawn = [_draw(heads, cells, right, chunk, width) for chunk in _chunks(needs, positions, width)]
    text = "\n".join(drawn)
    if title:
        shown = printable(title, cell=True)
        text = f"{shown}\n{'=' * min(len(shown), width)}\n{text}"
    return text


def _widths(
    cells: list[pd.Series], heads: list[str], right: list[bool], chunk: list[int], width: int
) -> list[int]:
    """Column widths of a drawn table: each its need, the room left shared by the text."""
    needs = [_need(cells[i], heads[i], right[i]) for i in chunk]
    fulls = [max(len(t) for t in [heads[i], *cells[i]]) for i in chunk]
    room = width - sum(needs) - _GAP * (len(chunk) - 1)
    out = list(needs)
    # codes (one long word) first: folded they are hard to read, labels wrap at words
    for unbreakable in (True, False):
        picked = [
            k
            for k, i in enumerate(chunk)
            if (not right[i] and " " not in "".join(cells[i])) == unbreakable
        ]
        wants = {k: max(fulls[k] - out[k], 0) for k in picked}
        total = sum(wants.values())
        if room <= 0 or total == 0:
            continue
        for k, want in wants.items():
            extra = want if total <= room else (want * room) // total
            out[k] += extra
        room -= min(total, room)
    return out


def _draw(
    heads: list[str], cells: list[pd.Series], right: list[bool], chunk: list[int], width: int
) -> str:
    """The columns ``chunk`` drawn as a rich ``Table`` draws them, each text wrapped once.

    A rich table wraps every cell anew: thousands of rows took seconds (``standards
    check`` on 4,600 deliveries: 2.5 s). Here rich wraps each distinct text of a column
    once, at the column's width (the call its table makes for a cell), and the rows are
    laid out as its table lays them out: each cell followed by one space of padding (the
    last none), one space between columns, headers at the bottom of their row, cells at
    the top of theirs, a rule under the headers. tests/core/test_cli_table_drawing.py
    checks that this is rich's table, character for character.
    """
    widths = _widths(cells, heads, right, chunk, width)
    console = _rich_console(widths)
    pads = [" "] * (len(chunk) - 1) + [""]  # the padding after a cell: none after the last
    # rich's column is at least 1 wide, padding included (a column of empty texts is 0)
    inner = [max(w + len(pad), 1) - len(pad) for w, pad in zip(widths, pads, strict=True)]
    wraps = [
        _cell_lines(console, w, right[i], pad) for i, w, pad in zip(chunk, inner, pads, strict=True)
    ]
    blanks = [" " * w + pad for w, pad in zip(inner, pads, strict=True)]
    rows = [
        _row_lines(
            [wrap(heads[i]) for i, wrap in zip(chunk, wraps, strict=True)], blanks, bottom=True
        )
    ]
    for row in zip(*(cells[i] for i in chunk), strict=True):
        rows.append(
            _row_lines([wrap(t) for wrap, t in zip(wraps, row, strict=True)], blanks, bottom=False)
        )
    # one text split as rich's output was: splitlines() also splits at \x1c, \u2028...
    lines = "\n".join([*rows[0], "─", *(line for body in rows[1:] for line in body)]).splitlines()
    rule = "─" * min(width, len(lines[0]) or width)
    return (
        "\n".join(
            rule if "─" in line and set(line) <= {"─", " "} else line.rstrip() for line in lines
        ).strip("\n")
        + "\n"
    )


def _cell_lines(console: Any, width: int, right: bool, pad: str) -> Callable[[str], list[str]]:
    """A column's cells as lines, as rich's table renders them; each distinct text once.

    The function returned gives the lines of a text: wrapped at words, long words
    folded, ``width`` wide (right-aligned if ``right``), followed by ``pad``.
    """
    options = console.options.update(
        width=width,
        justify="right" if right else "left",
        no_wrap=False,
        overflow="fold",
        height=None,
        highlight=False,
    )
    seen: dict[str, list[str]] = {}

    def lines(text: str) -> list[str]:
        if text not in seen:
            rendered = console.render_lines(text, options, pad=True)
            seen[text] = ["".join(segment.text for segment in line) + pad for line in rendered]
        return seen[text]

    return lines


def _row_lines(cells: list[list[str]], blanks: list[str], *, bottom: bool) -> list[str]:
    """The lines of one table row: its cells side by side, one space apart.

    A cell with fewer lines than the row's tallest gets blank lines under it (at the
    ``bottom`` of the row, as headers are: blank lines above it).
    """
    height = max(1, *(len(lines) for lines in cells))  # a cell 0 wide has no lines
    shaped = [
        ([blank] * (height - len(lines)) + lines)
        if bottom
        else (lines + [blank] * (height - len(lines)))
        for lines, blank in zip(cells, blanks, strict=True)
    ]
    return [" ".join(parts) for parts in zip(*shaped, strict=True)]


def _rich_console(widths: list[int]) -> Any:
    """A rich console writing plain text into a string, wide enough for ``widths``."""
    from rich.console import Console

    return Console(
        file=io.StringIO(),
        width=sum(widths) + 3 * len(widths) + 10,  # the columns' widths are set: never cropped
        color_system=None,
        force_terminal=False,
        no_color=True,
        highlight=False,
        markup=False,
        emoji=False,
        legacy_windows=False,
    )


# -- the way out --------------------------------------------------------------


def emit(
    frame: pd.DataFrame,
    fmt: str | None = None,
    output: Path | None = None,
    *,
    title: str | None = None,
    lang: str | None = None,
    headers: Mapping[str, str] | None = None,
    catalog: Catalog | None = None,
) -> None:
    """Print ``frame`` as a table for people, or write it as ``fmt`` / ``output``'s format.

    The id columns get their names and labels in ``lang`` (``catalog``,
    else the installed plugins', looked up only when the frame has an id
    column); the table for people has numbers rounded per unit, codes as
    words and headers in ``lang``, drawn to the terminal's width; CSV, JSON,
    NDJSON, Excel and Parquet keep full precision and the column names.
    See the module's description.
    """
    from qualitapa.cli._context import language as command_language

    kind = check_output(fmt, output)
    language = lang or command_language()  # the root's --lang, else $QUALITAPA_LANG, else it
    if catalog is None:
        catalog = _catalog_for(frame)
    if catalog is not None:
        from qualitapa._labelling import label_columns

        frame = label_columns(frame, catalog, language)
    if output is not None and kind in BINARY_FORMATS:
        if kind == "xlsx":
            from qualitapa.reporting import write_excel

            t = translator(language)
            sheet = title or t("Risultati")
            write_excel({sheet: frame}, output, catalog=catalog, lang=language)
        else:
            write_parquet(frame, output)
        _wrote(frame, output)
        return
    text = _text(frame, kind, language, title=title, headers=headers, catalog=catalog)
    if output is None:
        # a table is printable already; CSV and JSON keep the data (color=True: click
        # would strip what looks like colour codes from a pipe); terminal_guard
        # shows them visibly on a terminal
        click.echo(text, nl=False, color=True)
    else:
        output.write_text(text, encoding="utf-8", newline="")  # CSV says its line ends
        _wrote(frame, output)


def _text(
    frame: pd.DataFrame,
    kind: str,
    lang: str,
    *,
    title: str | None,
    headers: Mapping[str, str] | None,
    catalog: object,
) -> str:
    """``frame`` as the text of ``kind`` (every format but xlsx and parquet)."""
    if kind == "csv":
        return write_csv(frame)  # formulas neutralised, line breaks quoted
    if kind == "json":
        return to_json(frame)
    if kind == "ndjson":
        return to_ndjson(frame)
    shown = for_people(frame, lang, catalog=catalog, headers=headers)
    if kind == "md":
        return to_markdown(shown, title=title)
    if kind == "html":
        return to_html(shown, title=title, lang=lang)
    if frame.empty:
        return _no_rows(lang, title)
    numeric = [_is_number_column(frame[c]) for c in frame.columns]
    right = dict(zip(map(str, shown.columns), numeric, strict=True))
    keys = [str(s) for c, s in zip(frame.columns, shown.columns, strict=True) if c in KEY_COLUMNS]
    return table_text(shown, title=title, numeric=right, keys=keys[:2])


def _no_rows(lang: str, title: str | None) -> str:
    t = translator(lang)
    text = t("(nessuna riga)") + "\n"
    if title:
        shown = printable(title, cell=True)
        text = f"{shown}\n{'=' * len(shown)}\n{text}"
    return text


def _wrote(frame: pd.DataFrame, output: Path) -> None:
    """Say on stderr (not with ``--quiet``) how many rows went to ``output``, in the language."""
    from qualitapa.cli._context import language, verbosity

    if verbosity() < 0:
        return
    t = translator(language())
    said = t.plural("scritta {n} riga in {file}", "scritte {n} righe in {file}", len(frame),
                    file=output)  # fmt: skip
    click.echo(printable(str(said)), err=True)


def _catalog_for(frame: pd.DataFrame) -> Catalog | None:
    """The installed plugins' catalog when ``frame`` has an id column it could name."""
    from qualitapa._labelling import LABEL_COLUMNS

    if not any(c in frame.columns for c in LABEL_COLUMNS):
        return None
    from qualitapa.catalog import default_catalog

    return default_catalog()
