r"""Reading and writing tables safely.

* :func:`read_table` reads CSV and TSV (delimiter sniffed, UTF-8 or
  Windows-1252), Excel (``excel`` extra), JSON and NDJSON records, Parquet
  (``parquet`` extra), from a file or standard input (``"-"``), with the
  reading options the command line has (``delimiter``, ``encoding``,
  ``numbers`` or ``decimal``/``thousands``, ``date_format``, ``sheet``,
  ``format``), and turns parse failures into a
  :class:`~qualitapa.errors.DataError` naming the file.
  Numbers written as text follow a declared convention (``numbers="it"`` for
  ``1.234,5``, ``"en"`` for ``1,234.5``) and are never guessed: without one,
  ``112.500`` (112500 or 112.5?) is an error naming its row and column.
* :func:`neutralise_formulas` protects exports against spreadsheet formula
  injection (OWASP "CSV injection"): wherever a spreadsheet may start a cell
  in a text cell - its first character, and after a line break, a tab, a
  comma or a semicolon (a bare carriage return ends a CSV record for
  LibreOffice and Excel; Italian Excel splits on ``;``) - a ``=``, ``+``,
  ``-`` or ``@`` (and a leading tab or carriage return) gets a single quote
  before it, so that the program shows text instead of running a formula.
  :func:`restore_formulas` undoes it exactly.
* :func:`write_csv` writes a frame with formulas neutralised, cells with line
  breaks quoted, and numbers that :func:`read_table` reads back as they were.
* :func:`read_table` checks an ``.xlsx`` before reading it
  (:class:`WorkbookLimits`: size, compression, extent, no DOCTYPE).
* :func:`read_sources` reads several files and catalog datasets as one
  table, with the file of each row; a record two files give with different
  values is a :class:`SourceConflictError` naming both.
* :func:`require_columns` checks a frame has the columns a function needs.
* :func:`code_text` turns a code cell that a spreadsheet stored as a number
  (``16024.0``) into the text of the code (``"16024"``).

How :func:`read_table` reads by default:

* the format: the extension says (``.csv .txt .tsv .xlsx .json .ndjson
  .jsonl .parquet``); for standard input and other extensions the first
  bytes do (a workbook, Parquet, ``[``, ``{``, else CSV);
* the delimiter (CSV): a tab for TSV, else the one of ``, ; tab |`` that
  gives the header and the rows the same number of fields; when none or
  several do, it is an error asking for it;
* the encoding (CSV): UTF-8, with or without BOM; a file that is not UTF-8
  is read as Windows-1252 (what Italian Excel saves as "CSV": ``à``,
  ``€``) with a :class:`~qualitapa.errors.DataWarning` naming the file;
* numbers written as text: ``numbers="it"`` is ``1.234,5`` (a dot between
  thousands, a comma before the decimals), ``"en"`` is ``1,234.5``. With
  neither, each value is read the only way it can be (``0.82``, ``47,5``,
  ``1.234,5``); a value whose only separator is followed by exactly three
  digits (``112.500``, ``335,211``) reads both ways and is an error. A
  cell that is a number only in the other convention than the declared one
  is an error too. ``decimal``/``thousands`` are read with the same rules
  (groups of three digits); a space as ``thousands`` also stands for the
  no-break and narrow no-break spaces. Excel's own number cells are
  numbers already;
* dates, in the date columns (:func:`is_date_column`: ``date``,
  ``*_date``, ``*_at``...): ISO 8601, and ``31/01/2024``, ``31.01.2024``
  and ``31/01/2024 09:30`` day first; a cell that reads only month first,
  has a two-digit year or names no day is an error. Dates and date-times
  without an offset are naive (office time), never moved to UTC; a date
  column becomes ``datetime64`` (ISO text when the table is read as text,
  ``dtype=str``, or when some cells carry an offset);
* a workbook (:class:`WorkbookLimits`): at most 10 million cells per
  sheet, 256 MiB unpacked, compressed at most 100 to 1, changed by the
  ``QUALITAPA_XLSX_MAX_*`` environment variables.

Examples
--------
>>> import pandas as pd
>>> neutralise_formulas(pd.DataFrame({"note": ["=1+2", "ok", "-3 days"], "n": [1, 2, 3]}))
     note  n
0   '=1+2  1
1      ok  2
2  '-3 days  3

Swiss numbers, a pipe between fields, dates day first:

>>> import pathlib, tempfile
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> swiss = folder / "swiss.txt"
>>> _ = swiss.write_text("organization|value|received_at\n022205|1'234,5|31/01/2024 09:30\n")
>>> t = read_table(swiss, decimal=",", thousands="'")
>>> t["value"].tolist(), t["received_at"].tolist()
([1234.5], [Timestamp('2024-01-31 09:30:00')])
>>> read_table(swiss, delimiter="|", date_format="%m/%d/%Y %H:%M")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
qualitapa.errors.DataError: ...swiss.txt, row 1, column 'received_at': '31/01/2024 09:30' ...

Italian Excel's "CSV" (Windows-1252), read with a note, or with ``encoding``:

>>> excel = folder / "excel.csv"
>>> _ = excel.write_bytes("organization;nota\n022205;€ 5, così\n".encode("cp1252"))
>>> read_table(excel, encoding="cp1252")["nota"].tolist()
['€ 5, così']

JSON records, as ``--format json`` writes them:

>>> records = folder / "out.json"
>>> _ = records.write_text('[{"organization": "022205", "value": 1.5}]')
>>> read_table(records).to_dict("records")
[{'organization': '022205', 'value': 1.5}]
"""

from __future__ import annotations

import collections
import contextlib
import csv
import datetime as dt
import difflib
import io
import numbers as _numbers_abc
import re
import tempfile
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

import attrs
import numpy as np
import pandas as pd

from qualitapa._dates import is_date_column, read_dates
from qualitapa._numbers import (
    CONVENTION_NAMES,
    NUMBER_CONVENTIONS,
    Convention,
    Numbers,
    ParsedNumbers,
    Separators,
    check_numbers,
    number_convention,
    parse_numbers,
)
from qualitapa._reading import (
    INPUT_FORMATS,
    InputFormat,
    Source,
    cell_error,
    check_delimiter,
    check_encoding,
    check_format,
    check_json_text,
    decode_error,
    delimiter_char,
    fallback_warning,
    input_format,
    json_frame,
    open_source,
    sniff_delimiter,
    text_encoding,
    text_sample,
)
from qualitapa._workbooks import WorkbookLimits, check_workbook
from qualitapa._xlsx import require_openpyxl
from qualitapa.errors import DataError, DataWarning, Message, OptionError, QualitapaError
from qualitapa.i18n import N_

if TYPE_CHECKING:
    from qualitapa.catalog import Catalog

__all__ = [
    "FIELD_BREAKS",
    "FORMULA_PREFIXES",
    "INPUT_FORMATS",
    "NUMBER_CONVENTIONS",
    "PROVENANCE_COLUMNS",
    "TEXT_COLUMNS",
    "InputFormat",
    "Numbers",
    "SourceConflictError",
    "WorkbookLimits",
    "code_text",
    "is_date_column",
    "merge_sources",
    "neutralise_formulas",
    "neutralise_text",
    "read_sources",
    "read_table",
    "require_columns",
    "restore_formulas",
    "restore_text",
    "to_numeric_column",
    "unambiguous_numbers",
    "write_csv",
]

#: First characters that make a spreadsheet cell a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
#: Characters after which a spreadsheet may start a new cell: line breaks
#: (a bare carriage return ends a CSV record), and the separators of the CSV
#: dialects offices use (tab, comma, semicolon: Italian Excel splits on ``;``).
FIELD_BREAKS = "\r\n\t,;"

# A cell start with quotes then a formula character gets one more quote (so
# that restore_text can undo it exactly, even for text that began with quotes).
_RISKY = re.compile(r"^(?='*[=+\-@\t\r])|(?<=[\r\n\t,;])(?='*[=+\-@])")
_PROTECTED = re.compile(r"^'(?='*[=+\-@\t\r])|(?<=[\r\n\t,;])'(?='*[=+\-@])")
# Cells that are data as they are: numbers, truth values, dates and times.
_PLAIN = (_numbers_abc.Number, dt.date, dt.time, dt.timedelta, np.generic, bytes)


def neutralise_text(text: str) -> str:
    """``text`` with a ``'`` wherever a spreadsheet would start a formula.

    Examples
    --------
    >>> neutralise_text("ok\\r=cmd|' /C calc'!A0")
    "ok\\r'=cmd|' /C calc'!A0"
    >>> neutralise_text("x;-1"), neutralise_text("3 - 1, 2"), neutralise_text("'=x")
    ("x;'-1", '3 - 1, 2', "''=x")
    """
    return _RISKY.sub("'", text)


def restore_text(text: str) -> str:
    """Undo :func:`neutralise_text`: ``restore_text(neutralise_text(t)) == t``.

    Examples
    --------
    >>> restore_text("ok\\r'=cmd"), restore_text("''=x"), restore_text("'ok")
    ('ok\\r=cmd', "'=x", "'ok")
    """
    return _PROTECTED.sub("", text)


def _text_cells(values: np.ndarray) -> np.ndarray:
    """Which cells of an object array a writer writes as text (str, and objects
    other than numbers, dates and missing values, written as ``str(cell)``)."""
    missing = pd.isna(values)
    return np.fromiter(
        (
            isinstance(v, str) or not (m or isinstance(v, _PLAIN))
            for v, m in zip(values, missing, strict=True)
        ),
        dtype=bool,
        count=len(values),
    )


def _neutralise_values(values: np.ndarray) -> np.ndarray | None:
    """Neutralised copy of an object array, or None when no cell needs it."""
    kind = pd.api.types.infer_dtype(values, skipna=True)
    if kind == "empty":
        return None
    cells = ~pd.isna(values) if kind == "string" else _text_cells(values)
    if not cells.any():
        return None
    # each distinct text once: exports repeat codes, names and labels
    codes, distinct = pd.factorize(values[cells])
    text = pd.Series(distinct, dtype=object)
    if kind != "string":
        text = text.map(str)
    risky = text.str.contains(_RISKY).to_numpy(dtype=bool)
    if not risky.any():
        return None
    done = text.to_numpy(dtype=object, copy=True)
    done[risky] = text[risky].str.replace(_RISKY, "'", regex=True).to_numpy(dtype=object)
    out = values.copy()
    out[np.flatnonzero(cells)] = done[codes]
    return out


def _neutralise_series(s: pd.Series) -> pd.Series:
    if isinstance(s.dtype, pd.CategoricalDtype):
        categories = s.cat.categories
        done = _neutralise_values(categories.to_numpy(dtype=object))
        # neutralise_text is one-to-one: renamed categories stay distinct
        return s if done is None else s.cat.rename_categories(list(done))
    if not (pd.api.types.is_object_dtype(s) or pd.api.types.is_string_dtype(s)):
        return s
    done = _neutralise_values(s.to_numpy(dtype=object))
    if done is None:
        return s
    return pd.Series(done, index=s.index, name=s.name, dtype=object)


def _neutralise_labels(labels: pd.Index) -> pd.Index:
    if isinstance(labels, pd.MultiIndex):
        return pd.MultiIndex.from_tuples(
            [tuple(neutralise_text(x) if isinstance(x, str) else x for x in t) for t in labels],
            names=labels.names,
        )
    return pd.Index(
        [neutralise_text(x) if isinstance(x, str) else x for x in labels], name=labels.name
    )


def neutralise_formulas(frame: pd.DataFrame, *, index: bool = False) -> pd.DataFrame:
    """Return a copy of ``frame`` whose text cells cannot run as spreadsheet formulas.

    Numbers, dates and truth values are left alone (a negative number is
    data, not a formula). In text - ``str`` cells, categories, and other
    objects a writer writes as ``str(cell)`` - every place a spreadsheet
    may start a cell gets a ``'`` before a ``=``, ``+``, ``-`` or ``@``: the
    first character (and a leading tab or carriage return), and the
    character after a carriage return, line feed, tab, comma or semicolon
    (:data:`FIELD_BREAKS`). Column names are treated the same way, and the
    index labels too with ``index=True``. :func:`restore_formulas` undoes it.

    Examples
    --------
    >>> out = neutralise_formulas(pd.DataFrame({"t": ["a\\n=b", "c;@d", "ok"], "n": [-1, 0, 1]}))
    >>> out["t"].tolist(), out["n"].tolist()
    (["a\\n'=b", "c;'@d", 'ok'], [-1, 0, 1])
    """
    out = frame.copy()
    for i in range(out.shape[1]):
        column = out.iloc[:, i]
        done = _neutralise_series(column)
        if done is not column:
            out.isetitem(i, done.array)
    out.columns = _neutralise_labels(out.columns)
    if index:
        out.index = _neutralise_labels(out.index)
    return out


def restore_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Undo :func:`neutralise_formulas` on the text cells and column names of ``frame``.

    For files qualitapa wrote and reads back as definitions (XLSForm CSV
    sheets): the quotes it added go, quotes the author wrote stay.

    Examples
    --------
    >>> restore_formulas(pd.DataFrame({"'=c": ["'=1+2", "''@x", "'ok"]})).to_dict("list")
    {'=c': ['=1+2', "'@x", "'ok"]}
    """
    out = frame.copy()
    for i in range(out.shape[1]):
        column = out.iloc[:, i]
        if pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column):
            restored = column.map(lambda v: restore_text(v) if isinstance(v, str) else v)
            out.isetitem(i, restored.array)
    out.columns = [restore_text(c) if isinstance(c, str) else c for c in out.columns]
    return out


def _unambiguous_series(s: pd.Series) -> pd.Series:
    if not pd.api.types.is_float_dtype(s) or isinstance(s.dtype, pd.CategoricalDtype):
        return s
    v = s.to_numpy(dtype=float, na_value=np.nan)
    with np.errstate(invalid="ignore", over="ignore"):
        three = (
            (np.abs(v) >= 1)
            & (np.abs(v) < 1000)
            & (np.round(v * 1000) / 1000 == v)
            & (np.round(v * 100) / 100 != v)
        )
    if not three.any():
        return s
    text = s.astype(str)
    # "2.125" would read as the Italian 2125: "2.1250" reads one way only
    text = text.str.replace(r"^([+-]?[1-9]\d{0,2}\.\d{3})$", r"\g<1>0", regex=True)
    return text.where(s.notna(), np.nan)


def unambiguous_numbers(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` with float columns written so that no value reads two ways.

    A float such as 2.125 is written ``2.125`` by pandas, which reads as
    the Italian 2125 as well; such values are written with a trailing zero
    (``2.1250``), the same number in every convention. Other columns, and
    frames without such values, are returned as they are.

    Examples
    --------
    >>> unambiguous_numbers(pd.DataFrame({"v": [2.125, 0.5]}))["v"].tolist()
    ['2.1250', '0.5']
    """
    changed = {c: _unambiguous_series(frame[c]) for c in frame.columns}
    if all(changed[c] is frame[c] for c in frame.columns):
        return frame
    out = frame.copy()
    for c, col in changed.items():
        if col is not frame[c]:
            out[c] = col
    return out


def _has_carriage_return(frame: pd.DataFrame, index: bool) -> bool:
    """Whether a text cell or label of ``frame`` holds a carriage return."""
    labels = [frame.columns, *([frame.index] if index else [])]
    for level in labels:
        flat = level.to_flat_index() if isinstance(level, pd.MultiIndex) else level
        if any("\r" in str(x) for x in flat if isinstance(x, (str, tuple))):
            return True
    for i in range(frame.shape[1]):
        s = frame.iloc[:, i]
        if isinstance(s.dtype, pd.CategoricalDtype):
            values = s.cat.categories.to_numpy(dtype=object)
        elif pd.api.types.is_object_dtype(s) or pd.api.types.is_string_dtype(s):
            values = pd.unique(s.to_numpy(dtype=object))
        else:
            continue
        if any("\r" in (v if isinstance(v, str) else str(v)) for v in values if not pd.isna(v)):
            return True
    return False


@overload
def write_csv(frame: pd.DataFrame, path: None = None, *, index: bool = False) -> str: ...


@overload
def write_csv(frame: pd.DataFrame, path: str | Path | Any, *, index: bool = False) -> None: ...


def write_csv(
    frame: pd.DataFrame, path: str | Path | Any = None, *, index: bool = False
) -> str | None:
    r"""Write ``frame`` as UTF-8 CSV with spreadsheet formulas neutralised.

    Text is neutralised with :func:`neutralise_formulas`. A cell holding a
    line break is quoted, so that it stays one cell: Python's CSV writer
    quotes line feeds but not a bare carriage return, so a frame with one
    is written with CRLF record ends (RFC 4180), which makes it quote both.
    Numbers are written so that :func:`read_table` reads them back as they
    were without a declared convention (see :func:`unambiguous_numbers`).

    Parameters
    ----------
    frame
        The table.
    path
        A file path or an open text file; None returns the CSV text.
    index
        Also write the index (neutralised too).

    Returns
    -------
    str or None
        The CSV text when ``path`` is None.

    Examples
    --------
    >>> print(write_csv(pd.DataFrame({"note": ["=1+2", "a;-3"], "v": [-1.5, 2.125]})), end="")
    note,v
    '=1+2,-1.5
    a;'-3,2.1250
    >>> write_csv(pd.DataFrame({"note": ["ok\r=cmd"]})).split("\r\n")
    ['note', '"ok\r\'=cmd"', '']
    """
    # neutralise first: the numbers unambiguous_numbers turns into text ("-4.1250")
    # are data, not formulas, and must not get a quote
    out = unambiguous_numbers(neutralise_formulas(frame, index=index))
    ends = "\r\n" if _has_carriage_return(out, index) else "\n"
    return out.to_csv(path, index=index, lineterminator=ends, encoding="utf-8")


#: Key of ``DataFrame.attrs`` where :func:`read_table` notes the sheets of a
#: workbook it read the first sheet of (for :func:`require_columns`' hint).
SHEETS = "qualitapa.sheets"

#: Columns read as text by :func:`read_table` unless told otherwise: codes such
#: as ISTAT's "001272" (Torino) must keep their leading zeros.
TEXT_COLUMNS = ("organization", "istat_code", "id", "respondent", "respondent_id", "complaint_id")


def _problem_cases(rows: np.ndarray, column: str, values: Any, problem: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "row": rows + 1,
            "column": column,
            "value": np.asarray(values, dtype=object),
            "problem": problem,
        }
    )


AMBIGUOUS = Message(
    "ambiguous number: declare the convention (--numbers it|en)",
    N_("numero ambiguo: indicare la convenzione (--numbers it|en)"),
)
CONTRADICTS = Message(
    "not a number in the declared convention",
    N_("non è un numero nella convenzione indicata"),
)

#: How each convention is called in messages (English, Italian msgid).
_CONVENTIONS = {
    "it": Message(CONVENTION_NAMES["it"], N_("italiana (1.234,5)")),
    "en": Message(CONVENTION_NAMES["en"], N_("inglese (1,234.5)")),
}


def _number_error(
    cases: list[pd.DataFrame], numbers: Convention | None, source: str | None
) -> DataError:
    """One error for every ambiguous or contradicting cell, the first one in words."""
    table = pd.concat(cases, ignore_index=True).sort_values(["row", "column"], kind="stable")
    table = table.reset_index(drop=True)
    first = table.iloc[0]
    value = str(first["value"]).strip()
    if first["problem"] == AMBIGUOUS:
        it_value = parse_numbers(pd.Series([value]), "it").canonical.iloc[0]
        en_value = parse_numbers(pd.Series([value]), "en").canonical.iloc[0]
        message = Message(
            "{value} is ambiguous: {it_value} in the Italian convention (1.234,5), "
            "{en_value} in the English one (1,234.5); declare which with "
            "--numbers it or --numbers en (numbers='it' or 'en' in Python)",
            N_(
                "{value} è ambiguo: {it_value} nella convenzione italiana (1.234,5), "
                "{en_value} in quella inglese (1,234.5); indicare quale con --numbers it o "
                "--numbers en (numbers='it' o 'en' in Python)"
            ),
            value=repr(value),
            it_value=it_value,
            en_value=f"{float(en_value):g}",
        )
    else:
        other = "en" if numbers == "it" else "it"
        message = Message(
            "{value} is not a number in the {convention} convention declared; correct the "
            "cell, or declare --numbers {other} if the whole file is written {other_convention}",
            N_(
                "{value} non è un numero nella convenzione {convention} indicata; correggere "
                "la cella, o indicare --numbers {other} se tutto il file è scritto nella "
                "convenzione {other_convention}"
            ),
            value=repr(value),
            convention=_CONVENTIONS[str(numbers)],
            other=other,
            other_convention=_CONVENTIONS[other],
        )
    return cell_error(message, table, source)


def _cell_kinds(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Which cells hold text, and which hold something else (a number, a date; not missing).

    Vectorised when the column is all text or all numbers.
    """
    kind = pd.api.types.infer_dtype(values, skipna=True)
    present = values.notna().to_numpy(dtype=bool)
    if kind in ("string", "empty"):
        return present, np.zeros(len(values), dtype=bool)
    if kind in ("floating", "integer", "mixed-integer-float", "decimal", "boolean"):
        return np.zeros(len(values), dtype=bool), present
    # a column of mixed cells (Excel): look at each cell's type
    text = np.fromiter((isinstance(v, str) for v in values), dtype=bool, count=len(values))
    return text, present & ~text


def _text_mask(values: pd.Series) -> np.ndarray:
    """Which cells hold text (vectorised when the column is all text or all numbers)."""
    return _cell_kinds(values)[0]


def _could_read_two_ways(values: pd.Series, numbers: Convention | None) -> bool:
    """Whether pandas' reading of a float column may differ from the convention's.

    pandas reads ``112.500`` as 112.5. Without a convention such a cell is
    ambiguous; with the Italian one every dot is a thousands separator.
    Only the values that could have been written with one to three digits,
    a dot and three decimals are suspect; full-precision floats are not.
    With other separators, a float pandas read is read again unless the
    decimal separator is a dot (then pandas read it as the convention does).
    """
    if isinstance(numbers, Separators):
        return numbers.decimal != "." and bool(
            np.isfinite(values.to_numpy(float, na_value=np.nan)).any()
        )
    if numbers == "en":
        return False
    v = values.to_numpy(dtype=float, na_value=np.nan)
    if numbers == "it":
        return bool(np.isfinite(v).any())
    with np.errstate(invalid="ignore", over="ignore"):
        suspect = (np.abs(v) >= 1) & (np.abs(v) < 1000) & (np.round(v * 1000) / 1000 == v)
    return bool(suspect.any())


#: Integers up to this size are floats exactly (a float64 has a 53-bit significand).
_EXACT_INTEGERS = 2**53


@attrs.frozen
class _ParsedColumn:
    """:func:`parse_numbers` of a column's cells, and of its distinct values when they repeat."""

    cells: ParsedNumbers
    #: Each cell's distinct value (-1: missing), None when the cells were parsed one by one.
    codes: np.ndarray | None = None
    #: :func:`parse_numbers` of the distinct values.
    distinct: ParsedNumbers | None = None

    def numbers(self) -> pd.Series:
        """``pd.to_numeric`` of the canonical texts (every cell a number or missing).

        Converted once per distinct value when that gives the same numbers:
        values a float holds exactly (up to 2**53), integers turned into floats
        when a cell is missing, as pandas does; columns with larger values are
        converted cell by cell (pandas leaves a column of integers beyond int64
        and missing cells as text).
        """
        canonical = self.cells.canonical
        if self.codes is None or self.distinct is None or not len(self.distinct.canonical):
            return pd.to_numeric(canonical)
        values = pd.to_numeric(self.distinct.canonical).to_numpy()
        exact = values.dtype in (np.float64, np.int64) and bool(
            ((values >= -_EXACT_INTEGERS) & (values <= _EXACT_INTEGERS)).all()
        )
        if not exact:  # pandas reads big integers with a missing cell its own way
            return pd.to_numeric(canonical)
        missing = self.codes < 0
        if missing.any():
            out = values.astype(float)[np.where(missing, 0, self.codes)]
            out[missing] = np.nan
        else:
            out = values[self.codes]
        return pd.Series(out, index=canonical.index)


def _parse_column(text: pd.Series, numbers: Convention | None) -> _ParsedColumn:
    """:func:`parse_numbers`, once per distinct value when values repeat (codes, labels)."""
    head = text.iloc[:1000]
    if len(text) <= 1000 or head.nunique() > len(head) // 2:
        return _ParsedColumn(parse_numbers(text, numbers))
    codes, uniques = pd.factorize(text)
    once = parse_numbers(pd.Series(uniques, dtype=object), numbers)
    pick = np.where(codes >= 0, codes, 0)
    valid = codes >= 0

    def take(a: np.ndarray) -> np.ndarray:
        return a[pick] & valid if len(a) else np.zeros(len(codes), dtype=bool)

    canonical = (
        once.canonical.to_numpy(dtype=object)[pick]
        if len(uniques)
        else np.full(len(codes), np.nan, dtype=object)
    )
    canonical = np.where(valid, canonical, np.nan)
    cells = ParsedNumbers(
        pd.Series(canonical, index=text.index, dtype=object),
        take(once.number),
        take(once.integral),
        take(once.ambiguous),
        take(once.contradicts),
    )
    return _ParsedColumn(cells, codes, once)


def _number_column(
    s: pd.Series, column: _ParsedColumn, is_text: np.ndarray, other_cells: np.ndarray
) -> pd.Series | None:
    """The column with its number cells read (None: nothing to change).

    ``other_cells`` are the cells that are neither text nor missing.
    """
    parsed = column.cells
    if not parsed.number.any():
        return None
    other_text = is_text & ~parsed.number
    if not other_text.any() and not other_cells.any():
        return column.numbers().set_axis(s.index)
    mixed = s.astype(object).copy()
    read = np.flatnonzero(parsed.number)
    whole = parsed.integral[read]
    canonical = parsed.canonical.iloc[read]
    cells = np.empty(len(read), dtype=object)
    cells[whole] = pd.to_numeric(canonical[whole]).tolist()
    cells[~whole] = pd.to_numeric(canonical[~whole]).astype(float).tolist()
    mixed.iloc[read] = cells
    if not other_text.any():  # Excel: number cells and text cells that are numbers
        converted = pd.to_numeric(mixed, errors="coerce")
        if converted.notna().sum() == mixed.notna().sum():
            return converted
    return mixed


def _read_numbers(
    frame: pd.DataFrame,
    numbers: Convention | None,
    skip: set[str],
    source: str | None,
    reread: Callable[[list[Any]], pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """Turn the text cells that are numbers into numbers, in the declared convention.

    A column whose cells are all numbers becomes a number column (int64 when
    every value is whole and none is missing, as pandas reads them); in a
    column that also holds other text, the number cells become numbers and
    the rest stays text (so that a "not a number" check reports it).
    Ambiguous cells, and cells contradicting the declared convention, are
    collected into one :class:`DataError`. ``reread`` gives the cells of
    float columns pandas parsed as text again, when they may read two ways.
    """
    # The checks look at the column types and the empty columns at once, not
    # column by column: a sheet whose one cell is in column XFD has 16,383 empty
    # columns, and per-column pandas calls cost seconds there (issue 13).
    dtypes = frame.dtypes
    blank = frame.isna().all(axis=0) if len(frame) else pd.Series(True, index=frame.columns)
    kept = ~frame.columns.isin(list(skip))
    floats = [
        c
        for c in frame.columns[kept & ~blank.to_numpy(dtype=bool)]
        if pd.api.types.is_float_dtype(dtypes[c])
    ]
    suspect = [c for c in floats if _could_read_two_ways(frame[c], numbers)]
    again = reread(suspect) if reread is not None and suspect else None
    objects = dtypes.map(pd.api.types.is_object_dtype).to_numpy(dtype=bool)
    textual = objects | dtypes.map(pd.api.types.is_string_dtype).to_numpy(dtype=bool)
    look = kept & ~blank.to_numpy(dtype=bool) & textual
    if again is not None:
        look |= frame.columns.isin(list(again.columns))
    columns = list(frame.columns[look])
    out: dict[Any, pd.Series] = {}
    cases: list[pd.DataFrame] = []
    for col in columns:
        s = frame[col] if again is None or col not in again.columns else again[col]
        if not (pd.api.types.is_object_dtype(s) or pd.api.types.is_string_dtype(s)):
            continue
        is_text, other_cells = _cell_kinds(s)
        if not is_text.any():
            if pd.api.types.is_object_dtype(s):  # Excel cells, typed by Excel
                out[col] = s.infer_objects()
            continue
        # the cells that are not text are parsed as missing
        parsed_column = _parse_column(s.where(is_text) if other_cells.any() else s, numbers)
        parsed = parsed_column.cells
        bad = parsed.ambiguous | parsed.contradicts
        if bad.any():
            for mask, problem in ((parsed.ambiguous, AMBIGUOUS), (parsed.contradicts, CONTRADICTS)):
                rows = np.flatnonzero(mask)
                if len(rows):
                    cases.append(_problem_cases(rows, str(col), s.iloc[rows], problem))
            continue
        column = _number_column(s, parsed_column, is_text, other_cells)
        if column is not None:
            out[col] = column
        elif again is not None and col in again.columns:
            out[col] = frame[col]
    if cases:
        raise _number_error(cases, numbers, source)
    # an empty Excel column is a column of missing numbers, as pandas infers it
    empty = kept & blank.to_numpy(dtype=bool) & objects
    if len(frame) and empty.any():  # one block, converted at once
        # by position: a header cell may be TRUE, and frame[labels] would read booleans as a mask
        kept_at, empty_at = np.flatnonzero(~empty), np.flatnonzero(empty)
        joined = pd.concat([frame.iloc[:, kept_at], frame.iloc[:, empty_at].astype(float)], axis=1)
        frame = joined.iloc[:, np.argsort(np.concatenate([kept_at, empty_at]))]
    elif out:
        frame = frame.copy()
    for col, series in out.items():
        frame[col] = series
    return frame


_FIELDS_EXPECTED = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


def _too_many_fields(source: Source, sep: str, encoding: str) -> DataError:
    """The error for a row with more fields than the header (found with the csv module)."""
    text = io.TextIOWrapper(io.BytesIO(source.read_bytes()), encoding=encoding, newline="")
    records = csv.reader(text, delimiter=sep)
    header = next(records, [])
    for row, record in enumerate(records, start=1):
        if len(record) > len(header):
            return _fields_error(source, row, len(record), len(header))
    return DataError(  # pragma: no cover - pandas and the csv module agree
        "a row has more fields than the header", source=source.name
    )


def _fields_error(source: Source, row: int, fields: int, header: int) -> DataError:
    return DataError(
        Message(
            "{fields} fields, the header has {header}: a separator too many, or a value "
            "holding the separator that is not in quotes (give the delimiter with --delimiter "
            "if it is not the one read)",
            N_(
                "{fields} campi, l'intestazione ne ha {header}: un separatore di troppo, o un "
                "valore che contiene il separatore senza virgolette (indicare il separatore con "
                "--delimiter se non è quello letto)"
            ),
            fields=fields,
            header=header,
        ),
        source=source.name,
        row=row,
    )


def _csv_frame(source: Source, dtype: Any, sep: str, encoding: str, kwargs: dict[str, Any]) -> Any:
    """pandas.read_csv, refusing rows longer than the header.

    pandas takes the extra leading fields of a first row longer than the header
    for an index, shifting every value a column to the right; with
    ``index_col=False`` it drops the extra fields with a warning. Both lose data
    silently, so such a row is an error naming it.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("error", "Length of header", pd.errors.ParserWarning)
        try:
            return pd.read_csv(source.handle(), dtype=dtype, sep=sep, encoding=encoding, **kwargs)
        except pd.errors.ParserWarning:
            raise _too_many_fields(source, sep, encoding) from None
        except pd.errors.ParserError as exc:
            found = _FIELDS_EXPECTED.search(str(exc))
            if found is None:
                raise
            expected, line, saw = (int(g) for g in found.groups())
            raise _fields_error(source, line - 1, saw, expected) from None
        except (pd.errors.EmptyDataError, UnicodeDecodeError):
            raise
        except (ValueError, TypeError, OverflowError) as exc:  # a cell not of its dtype
            options = {**kwargs, "sep": sep, "encoding": encoding}
            raise _dtype_error(source, dtype, options, exc) from exc


def _read_csv(
    source: Source,
    tsv: bool,
    dtype: Any,
    options: tuple[str | None, str | None],
    kwargs: dict[str, Any],
) -> tuple[Any, Callable[[list[Any]], pd.DataFrame]]:
    """The frame of a CSV source, and how to read some of its columns again as text.

    The encoding is the one given, else UTF-8, else Windows-1252 with a
    note (also when the first non-UTF-8 byte comes after the sample the
    encoding was chosen on); the delimiter the one given, else a tab for
    TSV, else sniffed.
    """
    delimiter, encoding = options
    chosen = text_encoding(source, encoding)
    sep = delimiter or ("\t" if tsv else sniff_delimiter(text_sample(source, chosen), source.name))
    if delimiter is not None:  # one that leaves the header one field, when another splits it
        check_delimiter(text_sample(source, chosen), delimiter, source.name)
    kwargs.setdefault("index_col", False)
    try:
        frame = _csv_frame(source, dtype, sep, chosen, kwargs)
    except UnicodeDecodeError:
        if encoding is not None or chosen != "utf-8-sig":
            raise decode_error(source, encoding) from None
        fallback_warning(source)  # not UTF-8 further down: the same fallback
        chosen = "cp1252"
        try:
            frame = _csv_frame(source, dtype, sep, chosen, kwargs)
        except UnicodeDecodeError:
            raise decode_error(source, None) from None

    def reread(columns: list[Any]) -> pd.DataFrame:
        # the cells of these columns as written: the convention decides, not pandas
        again = {**kwargs, "usecols": columns}
        return pd.read_csv(source.handle(), dtype=str, sep=sep, encoding=chosen, **again)

    return frame, reread


def _read_json(source: Source, fmt: InputFormat, kwargs: dict[str, Any]) -> pd.DataFrame:
    """Records as the command line's ``--format json`` writes them, or one per line."""
    check_json_text(source, "ndjson" if fmt == "ndjson" else "json")
    try:
        if kwargs:  # pandas' own reading options
            return pd.read_json(
                source.handle(),
                orient="records",
                lines=fmt == "ndjson",
                dtype=False,  # text stays text: codes keep their leading zeros
                encoding="utf-8",
                **kwargs,
            )
        frame = json_frame(source, "ndjson" if fmt == "ndjson" else "json")  # floats exact
    except ValueError as exc:
        layout = "one JSON object per line" if fmt == "ndjson" else "a JSON list of records"
        raise DataError(
            f"not {layout} ({_detail(exc)}); e.g. the output of --format json", source=source.name
        ) from exc
    return frame


def _read_parquet(source: Source, kwargs: dict[str, Any]) -> pd.DataFrame:
    """A Parquet file, with the ``parquet`` extra (pyarrow)."""
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise DataError(
            'reading Parquet files needs pyarrow: pip install "qualitapa[parquet]"',
            source=source.name,
        ) from None
    try:
        return pd.read_parquet(source.handle(), **kwargs)
    except (OSError, ValueError) as exc:
        raise DataError(f"not a Parquet file ({_detail(exc)})", source=source.name) from exc


def _as_text_columns(frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """Typed formats (JSON, Parquet): code columns as text, as CSV reads them."""
    wanted = [
        c for c in columns if c in frame.columns and not pd.api.types.is_string_dtype(frame[c])
    ]
    if not wanted:
        return frame
    out = frame.copy()
    for c in wanted:
        out[c] = out[c].map(code_text, na_action="ignore").astype(object)
    return out


def _dtypes(dtype: Any, text_columns: list[str]) -> tuple[Any, bool, set[str]]:
    """(the dtype for pandas, whether numbers are read in the convention, columns kept as read)."""
    parse = dtype is None or isinstance(dtype, dict)
    explicit = dict(dtype) if isinstance(dtype, dict) else {}
    if dtype is None:
        dtype = dict.fromkeys(text_columns, str)
    elif isinstance(dtype, dict):
        dtype = {**dict.fromkeys(text_columns, str), **dtype}
    return dtype, parse, {*text_columns, *explicit}


def read_table(  # noqa: PLR0913 - the reading options, as the command line names them
    path: str | Path,
    *,
    format: InputFormat | None = None,
    delimiter: str | None = None,
    encoding: str | None = None,
    numbers: Numbers | None = None,
    decimal: str | None = None,
    thousands: str | None = None,
    date_format: str | None = None,
    sheet: str | int | None = None,
    dtype: Any = None,
    text_columns: Iterable[str] = TEXT_COLUMNS,
    limits: WorkbookLimits | None = None,
    **kwargs: Any,
) -> pd.DataFrame:
    r"""Read a table: CSV, TSV, Excel, JSON, NDJSON or Parquet, from a file or standard input.

    The reading options have the names of the command line's options
    (``--delimiter``, ``--encoding``, ``--numbers``, ``--decimal``,
    ``--thousands``, ``--date-format``, ``--sheet``, ``--input-format``);
    the module's description says how each is read by default.

    Parameters
    ----------
    path
        The file; ``"-"`` reads standard input (all of it, once).
    format
        How the table is stored: ``"csv"``, ``"tsv"``, ``"xlsx"``,
        ``"json"`` (a list of records, as ``--format json`` writes),
        ``"ndjson"`` (one record per line) or ``"parquet"`` (with the
        ``parquet`` extra: ``pip install "qualitapa[parquet]"``); by
        default the extension, else the first bytes, say.
    delimiter
        CSV only: the character between fields (``";"``, ``","``,
        ``"|"``, ``"tab"``); by default a tab for TSV, else sniffed.
    encoding
        CSV only: the text encoding (``"utf-8"``, ``"cp1252"``,
        ``"latin-1"``...); by default UTF-8, else Windows-1252 with a
        :class:`~qualitapa.errors.DataWarning` naming the file.
    numbers
        How numbers written as text are written: ``"it"`` (``1.234,5``)
        or ``"en"`` (``1,234.5``); None (the default) reads each value the
        only way it can be, and a value that reads both ways is an error.
    decimal, thousands
        Any other convention: the decimal separator (default ``"."``) and
        the thousands separator (default none), e.g. ``decimal=",",
        thousands="'"`` for the Swiss ``1'234,5``; not with ``numbers``.
    date_format
        The strftime format of the dates that are not ISO 8601
        (``"%d/%m/%Y"``, ``"%d/%m/%Y %H:%M"``) in the date columns
        (:func:`is_date_column`); by default day first.
    sheet
        Excel only: the sheet name or number (0 is the first).
    dtype
        Passed to pandas; by default columns are inferred, except
        ``text_columns``. Columns given a dtype here are read by pandas as
        it says (``dtype=str`` reads every column as text; dates are then
        written as ISO 8601 text).
    text_columns
        Columns read as text (identifiers and codes keep their leading
        zeros); by default :data:`TEXT_COLUMNS`.
    limits
        How big an Excel workbook may be (:class:`WorkbookLimits`).
    **kwargs
        Passed to the pandas reader (:func:`pandas.read_csv`,
        :func:`pandas.read_excel`, :func:`pandas.read_json`,
        :func:`pandas.read_parquet`).

    Raises
    ------
    OptionError
        An unknown ``format`` or ``encoding``, a ``delimiter`` that is not
        one character, ``numbers`` given with ``decimal`` or ``thousands``.
    DataError
        The file is missing, empty, or not a well-formed table (a row with
        more fields than the header, a delimiter that cannot be told, text
        in no encoding tried, a workbook that is not a zip archive, is
        damaged or goes beyond ``limits``, JSON that is not records,
        Parquet without pyarrow); numbers are ambiguous or contradict
        ``numbers``; dates are not dates. The message names the file (and
        the row and column of the first faulty cell; ``failure_cases``
        lists them all).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> path = folder / "raw.csv"
    >>> _ = path.write_text("organization;value\n022205;112.500\n022205;47,5\n")
    >>> read_table(path, numbers="it")["value"].tolist()
    [112500.0, 47.5]
    >>> read_table(path)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    qualitapa.errors.DataError: ...raw.csv, row 1, column 'value': '112.500' is ambiguous: ...
    """
    fmt = check_format(format)
    convention = number_convention(numbers, decimal, thousands)
    options = (
        delimiter_char(kwargs.pop("sep", None) or delimiter),
        check_encoding(kwargs.pop("encoding", None) or encoding),
    )
    source = open_source(path)
    fmt = input_format(source, fmt)
    text_columns = list(text_columns)
    dtype, parse, skip = _dtypes(dtype, text_columns)
    frame, reread = _read_frame(
        source, fmt, dtype, parse, text_columns, sheet, options, limits, kwargs
    )
    if parse:
        # date columns are read by read_dates, not as numbers
        dates = {c for c in frame.columns if is_date_column(c)}
        frame = _read_numbers(frame, convention, skip | dates, source.name, reread)
    return read_dates(
        frame, date_format=date_format, source=source.name, skip=skip, as_text=not parse
    )


def _read_frame(  # noqa: PLR0913 - read_table's options, checked
    source: Source,
    fmt: InputFormat,
    dtype: Any,
    parse: bool,
    text_columns: list[str],
    sheet: str | int | None,
    options: tuple[str | None, str | None],
    limits: WorkbookLimits | None,
    kwargs: dict[str, Any],
) -> tuple[Any, Callable[[list[Any]], pd.DataFrame] | None]:
    """The table as its format's reader gives it, and (CSV) how to read columns again as text."""
    with _file_errors(source):
        if fmt == "xlsx":
            require_openpyxl(DataError, "reading Excel files", source.name)
            if parse:  # text cells as they are: the number convention decides, not pandas
                dtype = collections.defaultdict(lambda: object, dtype)
            return _read_workbook(source, sheet, dtype, limits, kwargs), None
        if fmt in ("json", "ndjson", "parquet"):
            frame = (
                _read_parquet(source, kwargs)
                if fmt == "parquet"
                else _read_json(source, fmt, kwargs)
            )
            return _as_text_columns(frame, text_columns if parse else list(frame.columns)), None
        return _read_csv(source, fmt == "tsv", dtype, options, kwargs)


@contextlib.contextmanager
def _file_errors(source: Source) -> Iterator[None]:
    """pandas' and the system's reading errors as a DataError naming the file."""
    try:
        yield
    except pd.errors.EmptyDataError:
        raise DataError("the file is empty", source=source.name) from None
    except pd.errors.ParserError as exc:
        raise DataError(f"not a well-formed table: {exc}", source=source.name) from exc
    except OSError as exc:  # a folder, no permission...
        raise DataError(f"cannot read the file: {exc.strerror or exc}", source=source.name) from exc


def _dtype_error(source: Source, dtype: Any, options: dict[str, Any], exc: Exception) -> DataError:
    """The error for a cell that is not of the dtype asked for its column: which, where."""
    declared = dtype if isinstance(dtype, dict) else {}
    numeric = [c for c, kind in declared.items() if _is_number_dtype(kind)]
    if numeric:
        try:
            text = pd.read_csv(
                source.handle(), dtype=str, usecols=lambda c: c in numeric, **options
            )
        except Exception:  # the file cannot be re-read: say what pandas said
            text = pd.DataFrame()
        for col in text.columns:
            values = text[col]
            bad = values.notna() & pd.to_numeric(values, errors="coerce").isna()
            if bool(bad.any()):
                row = int(np.flatnonzero(bad.to_numpy())[0])
                kind = getattr(declared[col], "__name__", declared[col])
                return DataError(
                    f"{values.iloc[row]!r} cannot be read as {kind}, the dtype given for the "
                    "column; leave the dtype out to read numbers in a declared convention "
                    "(numbers='it' or 'en')",
                    source=source.name,
                    row=row + 1,
                    column=str(col),
                )
    return DataError(
        f"a column cannot be read as the type declared for it ({_detail(exc)})", source=source.name
    )


def _is_number_dtype(kind: Any) -> bool:
    try:
        return bool(pd.api.types.is_numeric_dtype(pd.api.types.pandas_dtype(kind)))
    except TypeError:
        return False


def _detail(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__


def _sheet(names: list[Any], sheet: str | int | None, source: str) -> str | int:
    """The sheet asked for: a name, else a number (``"1"`` is the second sheet)."""
    if sheet is None:
        return 0
    if isinstance(sheet, str) and sheet not in names and sheet.strip().isdigit():
        sheet = int(sheet)
    if (isinstance(sheet, int) and not 0 <= sheet < len(names)) or (
        isinstance(sheet, str) and sheet not in names
    ):
        listed = ", ".join(f"{i}: {n!r}" for i, n in enumerate(names))
        message = Message(
            "no sheet {sheet}; the workbook has {listed} (give --sheet a name or a number, 0 "
            "being the first)",
            N_(
                "nessun foglio {sheet}; la cartella di lavoro ha {listed} (indicare con --sheet "
                "un nome o un numero, 0 per il primo)"
            ),
            sheet=repr(sheet),
            listed=listed,
        )
        raise DataError(message, source=source)
    return sheet


def _read_workbook(
    source: Source,
    sheet: str | int | None,
    dtype: Any,
    limits: WorkbookLimits | None,
    kwargs: dict[str, Any],
) -> Any:
    """pandas.read_excel on a checked workbook; whatever openpyxl raises is a DataError."""
    if source.path is None:  # standard input: checked and read from a temporary copy
        with tempfile.TemporaryDirectory() as folder:
            copy = Path(folder) / "stdin.xlsx"
            copy.write_bytes(source.read_bytes())
            try:
                return _read_workbook(Source(source.name, path=copy), sheet, dtype, limits, kwargs)
            except DataError as exc:
                exc.source = source.name
                raise
    check_workbook(source.path, limits)
    try:
        with pd.ExcelFile(source.path, engine="openpyxl") as book:
            chosen = _sheet(book.sheet_names, sheet, source.name)
            frame = pd.read_excel(
                book, sheet_name=chosen, dtype=dtype, **kwargs
            ).copy()  # one block per column as read: consolidated, column work is vectorised
            if sheet is None and len(book.sheet_names) > 1:
                frame.attrs[SHEETS] = list(book.sheet_names)
    except (QualitapaError, MemoryError):
        raise
    except Exception as exc:  # openpyxl raises many kinds of errors on a damaged workbook
        detail = str(exc) or type(exc).__name__
        raise DataError(f"cannot read the workbook: {detail}", source=source.name) from exc
    return frame


def require_columns(
    frame: pd.DataFrame, columns: Iterable[str], *, source: str | None = None
) -> None:
    """Raise :class:`DataError` naming the first missing column of ``columns``.

    Examples
    --------
    >>> require_columns(pd.DataFrame({"a": [1]}), ["a", "b"], source="x.csv")
    Traceback (most recent call last):
    ...
    qualitapa.errors.DataError: x.csv, column 'b': required column is missing (found: ['a'])
    """
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        sheets = frame.attrs.get(SHEETS)
        found = str([str(c) for c in frame.columns])
        message = (
            Message(
                "required column is missing (found: {found}); the workbook has sheets {sheets} "
                "and the data are read from the first",
                N_(
                    "manca una colonna obbligatoria (trovate: {found}); la cartella di lavoro ha "
                    "i fogli {sheets} e i dati sono letti dal primo"
                ),
                found=found,
                sheets=", ".join(repr(s) for s in sheets),
            )
            if sheets
            else Message(
                "required column is missing (found: {found})",
                N_("manca una colonna obbligatoria (trovate: {found})"),
                found=found,
            )
        )
        raise DataError(
            message,
            source=source,
            column=missing[0],
        )


_WHOLE_FLOAT_TEXT = re.compile(r"(\d+)\.0+")


def code_text(value: object) -> str:
    """A cell as the text of a code: ``16024`` and ``16024.0`` give ``"16024"``.

    Spreadsheets keep codes typed as numbers (an ISTAT code that lost its
    leading zeros, ``16024``), and pandas reads such a column with a blank
    cell as floats (``16024.0``). A whole number, or the text of one
    followed by ``.0``, gives its digits; any other value gives its text,
    stripped. Leading zeros are not restored: how long a code is, only the
    code list knows.

    Parameters
    ----------
    value
        A cell: a number, text, or any other object (read as ``str(value)``).

    Returns
    -------
    str
        The text of the code.

    Examples
    --------
    >>> code_text(16024.0), code_text("16024.0"), code_text(" 022205 "), code_text(7.5)
    ('16024', '16024', '022205', '7.5')
    """
    if isinstance(value, bool):  # before int: True is an int
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    match = _WHOLE_FLOAT_TEXT.fullmatch(text)
    return match.group(1) if match else text


def to_numeric_column(
    values: pd.Series,
    *,
    source: str | None = None,
    column: str | None = None,
    numbers: Numbers | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Convert ``values`` to float; return ``(numbers, bad_mask)``.

    Numbers pass as they are. Text is read in the ``numbers`` convention
    (see :func:`read_table`): with none declared, ``"3,5"`` and ``"0.82"``
    are decimals and ``"1.234,5"`` is Italian. Text that is not a number
    (or is a number only in the other convention than the declared one)
    becomes NaN and is flagged in ``bad_mask``; missing and empty cells are
    not flagged.

    Raises
    ------
    DataError
        No convention declared and a text cell reads two ways
        (``"112.500"``); ``row`` is its 1-based position in ``values``.

    Examples
    --------
    >>> values, bad = to_numeric_column(pd.Series(["1", "3,5", "abc", None]))
    >>> values.tolist()[:2], bad.tolist()
    ([1.0, 3.5], [False, False, True, False])
    """
    numbers = check_numbers(numbers)
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        arr = values.to_numpy(dtype=float, na_value=np.nan)
        return arr, np.zeros(len(arr), dtype=bool)
    is_text = _text_mask(values)
    arr = np.full(len(values), np.nan)
    bad = np.zeros(len(values), dtype=bool)
    if (~is_text).any():
        others = values[~is_text]
        nums = pd.to_numeric(others.astype(object), errors="coerce")
        if pd.api.types.is_bool_dtype(others) or pd.api.types.infer_dtype(others) == "boolean":
            nums = pd.Series(np.nan, index=others.index)
        arr[~is_text] = nums.to_numpy(dtype=float, na_value=np.nan)
        bad[~is_text] = np.isnan(arr[~is_text]) & others.notna().to_numpy(dtype=bool)
    if is_text.any():
        text = values[is_text].astype("string").str.strip()
        parsed = parse_numbers(text, numbers)
        if parsed.ambiguous.any():
            rows = np.flatnonzero(is_text)[parsed.ambiguous]
            cases = _problem_cases(rows, column or "", values.iloc[rows], AMBIGUOUS)
            raise _number_error([cases], numbers, source)
        arr[is_text] = pd.to_numeric(parsed.canonical, errors="coerce").to_numpy(
            dtype=float, na_value=np.nan
        )
        blank = (text == "").fillna(True).to_numpy(dtype=bool)
        bad[is_text] = ~parsed.number & ~blank
    return arr, bad


#: Columns :func:`read_sources` adds to say where each row comes from: the file
#: (or dataset id), the sheet of a workbook, the row (1-based data row of a
#: table, header excluded; the row Excel shows for a data-collection template).
PROVENANCE_COLUMNS = ("source", "source_sheet", "source_row")
#: The columns that identify a record of raw data or of indicator values.
_RECORD_KEYS = (("organization", "period", "variable"), ("organization", "period", "indicator"))
#: Text columns of a wide table that are not variables (labels added by exports).
_LABEL_SUFFIXES = ("_name", "_label")


class SourceConflictError(DataError):
    """Several input files give different values for the same record.

    A :class:`~qualitapa.errors.DataError` whose ``failure_cases`` lists
    every row in conflict, with the record's key, its value and where it
    comes from (:data:`PROVENANCE_COLUMNS`); rows of one record follow each
    other.
    """


def _where_row(case: pd.Series) -> str:
    """Where a row of :func:`read_sources`' output comes from: file, sheet, row."""
    sheet = case["source_sheet"]
    sheet_part = f", sheet {sheet!r}" if isinstance(sheet, str) and sheet else ""
    return f"{case['source']}{sheet_part}, row {case['source_row']}"


def _provenance_clash(frame: pd.DataFrame, source: str) -> DataError | None:
    """The error for a data column named like a provenance column, if ``frame`` has one."""
    clash = [c for c in frame.columns if c in PROVENANCE_COLUMNS]
    if not clash:
        return None
    names = ", ".join(PROVENANCE_COLUMNS)
    return DataError(
        Message(
            "the name is reserved for where each row comes from ({names}) when several files "
            "are read together or with provenance: rename the column, or read the file alone",
            N_(
                "questo nome è riservato alla provenienza di ogni riga ({names}) quando si "
                "leggono più file insieme o si chiede la provenienza: rinominare la colonna o "
                "leggere il file da solo"
            ),
            names=names,
        ),
        source=source,
        column=clash[0],
    )


def _read_one(
    source: str | Path, catalog: Catalog | None, options: dict[str, Any], *, provenance: bool
) -> tuple[pd.DataFrame, str]:
    """One source as a frame, with its provenance columns if asked, and its name.

    A data column named like a provenance column is kept as it is without
    ``provenance``, and is an error with it (never overwritten).
    """
    from qualitapa._data_templates import read_template_source

    text = str(source)
    path = Path(text)
    if text != "-" and not path.exists():
        if catalog is not None and text in catalog.datasets:
            frame = catalog.datasets[text].read()
            sheet: str | None = None
            resolve = None  # a plugin's dataset has the catalog's codes already
        else:
            known = list(catalog.datasets) if catalog is not None else []
            close = difflib.get_close_matches(text, known, n=3)
            hint = f"; did you mean {' or '.join(close)}?" if close else ""
            what = "file, nor a dataset of the installed plugins" if catalog is not None else "file"
            raise DataError(f"no such {what}{hint}", source=text)
    else:
        template = read_template_source(text, options.get("limits"))
        if template is not None:  # its own layout: the sheet and Excel row of each value
            frame = template[template["value"].notna()].drop(columns=["required", "service"])
            frame = frame.reset_index(drop=True).assign(source=text)
            if not provenance:
                frame = frame.drop(columns=list(PROVENANCE_COLUMNS))
            return _resolved(frame, catalog, text), text
        frame = read_table(source, **options)
        sheet = None if options.get("sheet") is None else str(options["sheet"])
        resolve = catalog
    if provenance:
        clash = _provenance_clash(frame, text)
        if clash is not None:
            raise clash
        frame = frame.assign(
            source=text, source_sheet=sheet, source_row=np.arange(1, len(frame) + 1)
        )
    return _resolved(frame, resolve, text), text


def _resolved(frame: pd.DataFrame, catalog: Catalog | None, source: str) -> pd.DataFrame:
    """``frame`` with its organizations resolved to ``catalog``'s codes (if given)."""
    return frame if catalog is None else catalog.resolve_organizations(frame, source=source)


def _as_long(frame: pd.DataFrame) -> pd.DataFrame:
    """A wide raw table (one column per variable) as ``organization, period, variable, value``."""
    if "variable" in frame.columns or "indicator" in frame.columns:
        return frame
    if "organization" not in frame.columns:
        return frame
    ids = [c for c in ("organization", "period", *PROVENANCE_COLUMNS) if c in frame.columns]
    values = [c for c in frame.columns if c not in ids and not str(c).endswith(_LABEL_SUFFIXES)]
    long = frame.melt(id_vars=ids, value_vars=values, var_name="variable", value_name="value")
    return long[long["value"].notna()].reset_index(drop=True)


def _canonical(values: pd.Series) -> np.ndarray:
    """The values as comparable text: numbers by their float value, text stripped."""
    numbers = pd.to_numeric(values, errors="coerce")
    text = values.astype("string").str.strip().fillna("")
    as_number = numbers.map(lambda v: repr(float(v)), na_action="ignore")
    return as_number.where(numbers.notna(), text).astype(object).to_numpy()


def merge_sources(frames: Sequence[pd.DataFrame]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Concatenate the tables of several sources; the records they give differently apart.

    Each frame carries :data:`PROVENANCE_COLUMNS` (as :func:`read_sources`
    gives them). Wide raw tables become long. A record (``organization,
    period, variable``, or ``indicator``) that several frames give with the
    same value is kept once, from the first frame, with a
    :class:`~qualitapa.errors.DataWarning`; the rows of a record they give
    with different values are left out of the merged table and returned.
    Repeated records within one frame are left as they are (the
    indicators' checks report them).

    Parameters
    ----------
    frames
        The tables, in order of precedence.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        The merged table, and the conflicting rows (the record's key,
        ``value`` and :data:`PROVENANCE_COLUMNS`; rows of one record follow
        each other; empty when none).

    Examples
    --------
    >>> a = pd.DataFrame({"organization": ["m1", "m1"], "period": 2024, "variable": ["x", "y"],
    ...                   "value": [3, 1], "source": "a.csv", "source_sheet": None,
    ...                   "source_row": [1, 2]})
    >>> b = a.assign(value=[3, 2], source="b.csv")
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as notes:
    ...     warnings.simplefilter("always")
    ...     merged, conflicts = merge_sources([a, b])
    >>> len(notes)  # x = 3 in both: kept once, with a note
    1
    >>> merged[["variable", "value", "source"]].values.tolist()
    [['x', 3, 'a.csv']]
    >>> conflicts[["variable", "value", "source"]].values.tolist()
    [['y', 1, 'a.csv'], ['y', 2, 'b.csv']]
    """
    frame = pd.concat(
        [_as_long(f).assign(_origin=i) for i, f in enumerate(frames)], ignore_index=True
    )
    keys = next((list(k) for k in _RECORD_KEYS if set(k) <= set(frame.columns)), None)
    none = frame.iloc[:0]
    if keys is None or "value" not in frame.columns or frame.empty:
        return frame.drop(columns="_origin"), none.drop(columns="_origin")
    group = frame[keys].astype("string").fillna("").groupby(keys, sort=False).ngroup().to_numpy()
    origin = frame["_origin"]
    sources_per_group = origin.groupby(group).nunique().to_numpy()
    shared = sources_per_group[group] > 1
    frame = frame.drop(columns="_origin")
    if not shared.any():
        return frame, none.drop(columns="_origin")
    canon = pd.Series(_canonical(frame["value"]))
    values_per_group = canon[shared].groupby(group[shared]).nunique()
    counts = values_per_group.reindex(pd.Index(group[shared])).to_numpy()
    conflict = np.isin(group, group[shared][counts > 1]) & shared
    cases = frame.loc[conflict, [*keys, "value", *PROVENANCE_COLUMNS]].copy()
    cases["source_sheet"] = cases["source_sheet"].fillna("")
    cases.insert(0, "_record", group[conflict])
    cases = cases.sort_values(["_record"], kind="stable").drop(columns="_record")
    first_origin = origin.groupby(group).transform("min").to_numpy()
    repeated = shared & ~conflict & (origin.to_numpy() != first_origin)
    if repeated.any():
        from qualitapa.i18n import translatable

        count = int(repeated.sum())
        files = ", ".join(sorted(set(frame.loc[repeated, "source"].astype(str))))
        warnings.warn(
            translatable(
                DataWarning,
                lambda t: t(
                    "{n} righe uguali a righe di un file precedente sono state lette una volta "
                    "sola ({files})",
                    n=count,
                    files=files,
                ),
            ),
            stacklevel=2,
        )
    merged = frame[~repeated & ~conflict].reset_index(drop=True)
    return merged, cases.reset_index(drop=True)


def _conflict_error(cases: pd.DataFrame) -> SourceConflictError:
    """The error naming the first record two sources give differently (all in failure_cases)."""
    keys = [c for c in cases.columns if c not in ("value", *PROVENANCE_COLUMNS)]
    first = cases.iloc[0]
    same = (cases[keys].astype("string") == first[keys].astype("string")).all(axis=1)
    other = cases[same].iloc[1]
    record = ", ".join(f"{k} {first[k]}" for k in keys)
    n = len(cases[keys].astype("string").drop_duplicates())
    return SourceConflictError(
        f"{n} record(s) have different values in different files: {record} is "
        f"{first['value']} in {_where_row(first)} and {other['value']} in {_where_row(other)};"
        " keep one value per record (correct or remove the other rows)",
        failure_cases=cases,
    )


def read_sources(
    sources: Iterable[str | Path],
    *,
    catalog: Catalog | None = None,
    provenance: bool = False,
    **options: Any,
) -> pd.DataFrame:
    """Read several data files and datasets as one table.

    Each source is a file (read by :func:`read_table` with ``options``; a
    data-collection template written by ``qualitapa template indicators``
    is read as the long raw data it holds, its blank cells left out), ``-``
    for standard input, or the id of a dataset of ``catalog``
    (:meth:`qualitapa.Dataset.read`, read without ``options``). With
    ``catalog`` the organizations of each source are resolved to the
    catalog's codes (:meth:`qualitapa.Catalog.resolve_organizations`).

    Several sources are concatenated; a wide raw table (one column per
    variable) then becomes long (``organization, period, variable,
    value``). A record (``organization, period, variable``, or
    ``indicator`` for indicator values) given by several sources with the
    same value is kept once, with a :class:`~qualitapa.errors.DataWarning`;
    with different values it is an error.

    Parameters
    ----------
    sources
        File paths and dataset ids, in order.
    catalog
        Where dataset ids and organizations are looked up.
    provenance
        Add :data:`PROVENANCE_COLUMNS` (``source``, ``source_sheet``,
        ``source_row``) even for one source; several sources always get
        them. Without them, a data column of that name (an improvement
        plan's ``source``) is data like any other; with them it is an error
        (:class:`~qualitapa.errors.DataError`): it is never overwritten.
    **options
        Passed to :func:`read_table` for each file.

    Returns
    -------
    pandas.DataFrame
        One source without ``provenance``: the table as :func:`read_table`
        reads it, every column kept (the long data of a template).

    Raises
    ------
    OptionError
        No source given.
    DataError
        A source is neither a file nor a dataset (with the closest dataset
        ids), or cannot be read; or, with provenance (``provenance`` or
        several sources), a source has a column named like one of
        :data:`PROVENANCE_COLUMNS` (the error names the file and the column).
    SourceConflictError
        A record has different values in different sources (every such
        row in ``failure_cases``, with its file, sheet and row).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.csv").write_text("organization,period,variable,value\\nm1,2024,x,3\\n")
    >>> _ = (folder / "b.csv").write_text("organization,period,x,y\\nm2,2024,5,6\\n")
    >>> both = read_sources([folder / "a.csv", folder / "b.csv"])
    >>> both[["organization", "variable", "value"]].values.tolist()
    [['m1', 'x', 3], ['m2', 'x', 5], ['m2', 'y', 6]]
    >>> _ = (folder / "plan.csv").write_text("id,title,source\\na1,Tempi,benchmark\\n")
    >>> read_sources([folder / "plan.csv"])["source"].tolist()  # the data's own column
    ['benchmark']
    >>> _ = (folder / "c.csv").write_text("organization;period;variable;value\\nm1;2024;x;4\\n")
    >>> read_sources([folder / "a.csv", folder / "c.csv"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    qualitapa.io.SourceConflictError: 1 record(s) have different values in different files: \
organization m1, period 2024, variable x is 3 in ...a.csv, row 1 and 4 in ...c.csv, row 1; ...
    """
    names = [str(s) for s in sources]
    if not names:
        raise OptionError("no data given: name a file or a dataset", option="sources", value=[])
    if names.count("-") > 1:
        raise OptionError("standard input ('-') can be read once only", option="sources", value="-")
    if len(set(names)) < len(names):
        twice = sorted({n for n in names if names.count(n) > 1})
        raise OptionError(f"given twice: {', '.join(twice)}", option="sources", value=twice)
    with_provenance = provenance or len(names) > 1
    frames = [_read_one(s, catalog, dict(options), provenance=with_provenance)[0] for s in names]
    if len(frames) == 1:
        frame = frames[0]
    else:
        with warnings.catch_warnings(record=True) as notes:
            warnings.simplefilter("always")
            frame, conflicts = merge_sources(frames)
        if len(conflicts):  # the error, without the notes about the other records
            raise _conflict_error(conflicts)
        for note in notes:
            warnings.warn(note.message, stacklevel=2)
    if not with_provenance:
        return frame  # a data column named like a provenance column is data: kept
    ordered = [c for c in frame.columns if c not in PROVENANCE_COLUMNS]
    return frame[[*ordered, *PROVENANCE_COLUMNS]]
