"""Result tables written in the format a file's extension names.

One table, many readers: ``.csv`` (UTF-8, formulas neutralised, see
:func:`qualitapa.io.write_csv`), ``.json`` (a list of records), ``.ndjson``
(one record per line), ``.xlsx`` (the Excel export, one sheet, number
formats, frozen header), ``.parquet`` (the ``parquet`` extra, pyarrow),
``.md`` and ``.html`` (for people: numbers rounded, headers in the
language). Machine formats keep full precision; an extension that names
none of them is an error, never CSV text in a file called ``.xlsx``.

The units of a result's numbers are known here too (:func:`row_units`,
:data:`FRACTION_COLUMNS`): the tables for people and the Excel number
formats show ``45,2%`` for an indicator whose unit is ``%`` and ``91,3%``
for a share of 0.913, from the same rule.

Examples
--------
>>> format_of("results.NDJSON"), format_of("x.xlsx")
('ndjson', 'xlsx')
>>> format_of("results.txt.gz")
Traceback (most recent call last):
...
qualitapa.errors.OptionError: cannot write a '.gz' file: use .csv, .json, .ndjson, .xlsx, \
.parquet, .md, .html or .txt
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from qualitapa._zones import instant_text
from qualitapa.errors import DataError, Either, Message, OptionError
from qualitapa.i18n import N_

__all__ = [
    "BINARY_FORMATS",
    "FORMATS",
    "FRACTION_COLUMNS",
    "MACHINE_FORMATS",
    "NAME_NUMBERS",
    "SUFFIXES",
    "UNIT_COLUMNS",
    "OutputFormat",
    "excel_number_formats",
    "format_of",
    "row_units",
    "to_html",
    "to_json",
    "to_markdown",
    "to_ndjson",
    "write_parquet",
]

#: What a table can be written as.
OutputFormat = Literal["table", "csv", "json", "ndjson", "xlsx", "parquet", "md", "html"]
#: Every :data:`OutputFormat`, in the order the help lists them.
FORMATS: tuple[OutputFormat, ...] = (
    "table",
    "csv",
    "json",
    "ndjson",
    "xlsx",
    "parquet",
    "md",
    "html",
)
#: A file's extension -> the format written into it (``.txt``: the table as on screen).
SUFFIXES: Mapping[str, OutputFormat] = {
    ".csv": "csv",
    ".json": "json",
    ".ndjson": "ndjson",
    ".jsonl": "ndjson",
    ".xlsx": "xlsx",
    ".parquet": "parquet",
    ".md": "md",
    ".html": "html",
    ".htm": "html",
    ".txt": "table",
}
#: Formats that are files, not text: they need ``-o FILE``.
BINARY_FORMATS = frozenset({"xlsx", "parquet"})
#: Formats for programs: every digit kept, column names and codes as they are.
MACHINE_FORMATS = frozenset({"csv", "json", "ndjson", "xlsx", "parquet"})

#: Columns holding a fraction of one (0.913), shown as a percentage (``91,3%``).
FRACTION_COLUMNS = frozenset(
    {"share", "cumulative_share", "share_within_deadline", "share_within", "required_share"}
)
#: Columns in the unit of the row's indicator (``value`` of ``%``: 45.2 is ``45,2%``).
UNIT_COLUMNS = frozenset(
    {
        "value",
        "best_value",
        "target_value",
        "first_value",
        "last_value",
        "gap",
        "gap_to_best",
        "gap_to_median",
        "median",
    }
)

#: Columns holding a year, period or other number that names something: no grouping.
NAME_NUMBERS = frozenset(
    {"period", "year", "first_period", "last_period", "month", "quarter", "version"}
)

_SHOWN_SUFFIXES = [".csv", ".json", ".ndjson", ".xlsx", ".parquet", ".md", ".html", ".txt"]


def format_of(path: str | Path) -> OutputFormat:
    """The format a file's extension names (see :data:`SUFFIXES`).

    Raises
    ------
    OptionError
        The extension names no format (the message lists those that do).
    """
    suffix = Path(path).suffix.lower()
    try:
        return SUFFIXES[suffix]
    except KeyError:
        raise OptionError(
            unwritable(path, _SHOWN_SUFFIXES), option="output", value=str(path)
        ) from None


def unwritable(path: str | Path, allowed: Sequence[str]) -> Message:
    """The message of an output ``path`` whose extension is none of ``allowed``.

    Said in any language (:class:`~qualitapa.errors.Message`): the command
    line writes it in ``--lang``.

    Examples
    --------
    >>> from qualitapa.i18n import translator
    >>> message = unwritable("out.xls", [".csv", ".json", ".xlsx"])
    >>> str(message)
    "cannot write a '.xls' file: use .csv, .json or .xlsx"
    >>> message.render(translator("it"))
    "non si può scrivere un file '.xls': usare .csv, .json o .xlsx"
    """
    suffix = Path(path).suffix.lower()
    what = (
        Message("a '{suffix}' file", N_("un file '{suffix}'"), suffix=suffix)
        if suffix
        else Message("a file without an extension", N_("un file senza estensione"))
    )
    return Message(
        "cannot write {what}: use {allowed}",
        N_("non si può scrivere {what}: usare {allowed}"),
        what=what,
        allowed=Either(allowed),
    )


def row_units(frame: pd.DataFrame, catalog: object) -> pd.Series | None:
    """The unit of each row's indicator (a string such as ``"%"``), None without one.

    ``catalog`` is a :class:`~qualitapa.Catalog`, a list or mapping of
    indicator definitions, or None; rows whose indicator it lacks get no unit.

    Examples
    --------
    >>> from types import SimpleNamespace  # an indicator definition: its id and unit
    >>> d = SimpleNamespace(id="a.share", unit="%")
    >>> row_units(pd.DataFrame({"indicator": ["a.share", "b"]}), [d]).tolist()
    ['%', None]
    """
    if catalog is None or "indicator" not in frame.columns:
        return None
    collection = getattr(catalog, "collection", None)
    items: Any = catalog
    if callable(collection):
        try:
            items = collection("indicators")
        except KeyError:
            return None
    values = items.values() if isinstance(items, Mapping) else items
    units = {str(d.id): str(d.unit) for d in values if getattr(d, "unit", None)}
    if not units:
        return None
    found = frame["indicator"].astype("string").map(units)
    out = found.astype(object).where(found.notna(), None)
    return out if out.notna().any() else None


def _typical_digits(values: pd.Series) -> int:
    """Decimals for numbers of this size: 0 from 100, 1 from 10, else 2 (the reports' rule)."""
    known = values.dropna()  # numpy < 2 warns on the median of nothing
    if known.empty:
        return 2
    typical = known.abs().median()
    return 0 if typical >= 100 else 1 if typical >= 10 else 2


def _decimal_format(digits: int) -> str:
    return "#,##0" + ("." + "0" * digits if digits else "")


def _is_percent_unit(text: str) -> bool:
    from qualitapa.errors import QualitapaError
    from qualitapa.i18n import unit

    try:
        return unit(text).style == "percent"
    except QualitapaError:
        return False


def excel_number_formats(frame: pd.DataFrame, catalog: object = None) -> list[Any]:
    """The Excel number format of each column: a format, one per row, or None.

    Whole numbers ``#,##0`` (years and periods ``0``); fractions of one
    (:data:`FRACTION_COLUMNS`) ``0.0%``; values in the unit of an indicator
    whose unit is ``%`` ``0.0"%"`` (the cell keeps 45.175, Excel shows
    45.2%); other decimals by their size (``#,##0.00``, ``#,##0.0``,
    ``#,##0``); dates ``yyyy-mm-dd``, date-times ``yyyy-mm-dd hh:mm``. The
    cells keep every digit: only the display is rounded.

    Examples
    --------
    >>> frame = pd.DataFrame({"year": [2024], "n": [3], "share": [0.913], "x": [12.345]})
    >>> excel_number_formats(frame)
    ['0', '#,##0', '0.0%', '#,##0.0']
    """
    units = row_units(frame, catalog)
    percent: list[bool] | None = None  # each row's unit is a percentage (the same for every column)
    out: list[Any] = []
    for column in frame.columns:
        s = frame[column]
        kind = s.dtype
        if pd.api.types.is_bool_dtype(kind) or not (
            pd.api.types.is_numeric_dtype(kind) or pd.api.types.is_datetime64_any_dtype(kind)
        ):
            out.append(None)
        elif pd.api.types.is_datetime64_any_dtype(kind):
            times = s.dropna()
            dated = len(times) and bool((times.dt.normalize() == times).all())
            out.append("yyyy-mm-dd" if dated else "yyyy-mm-dd hh:mm")
        elif column in NAME_NUMBERS:
            out.append("0")
        elif pd.api.types.is_integer_dtype(kind):
            out.append("#,##0")
        elif column in FRACTION_COLUMNS and bool((s.dropna().abs() <= 1).all()):
            out.append("0.0%")
        elif column in UNIT_COLUMNS and units is not None:
            groups = frame["indicator"].astype("string").fillna("")
            digits = s.astype(float).groupby(groups).transform(_typical_digits)
            if percent is None:  # each distinct unit read once
                is_percent = {u: _is_percent_unit(str(u)) for u in set(units.dropna())}
                percent = [u is not None and is_percent[u] for u in units]
            out.append(
                [
                    '0.0"%"' if p else _decimal_format(int(d))
                    for p, d in zip(percent, digits, strict=True)
                ]
            )
        else:
            out.append(_decimal_format(_typical_digits(s.dropna().astype(float))))
    return out


def _json_value(value: object) -> object:
    """One cell of an object column as JSON: None for missing, ISO 8601 for dates."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="microseconds" if value.microsecond else "seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _time_text(times: pd.Series) -> pd.Series:
    """ISO 8601 text of date-times: a date for a column of dates, local time with its offset.

    A column whose every time is midnight holds dates (``2024-01-31``);
    others are written to the second, to the microsecond where a time has
    some, and a time-zone-aware time in its own zone with the offset
    (``2024-01-31T09:30:00+01:00``: :func:`qualitapa._zones.instant_text`):
    the instant, never moved to UTC.
    """
    present = times.notna()
    if (
        times.dt.tz is None
        and present.any()
        and bool((times[present] == times[present].dt.normalize()).all())
    ):
        return times.dt.strftime("%Y-%m-%d").astype(object).where(present, None)
    return instant_text(times)


def _json_column(values: pd.Series) -> list[object]:
    """A column as JSON-ready Python values (vectorised by dtype).

    Floats stay Python floats, which :mod:`json` writes with
    :func:`repr`: the shortest text that reads back to the same double
    (every bit); NaN and infinities become ``null`` (JSON has no such
    numbers).
    """
    kind = values.dtype
    if pd.api.types.is_datetime64_any_dtype(kind):
        return _time_text(values).tolist()
    if pd.api.types.is_float_dtype(kind) and not isinstance(kind, pd.api.extensions.ExtensionDtype):
        array = values.to_numpy(dtype=float)
        out = array.astype(object)
        out[~np.isfinite(array)] = None
        return out.tolist()
    if (
        pd.api.types.is_integer_dtype(kind) or pd.api.types.is_bool_dtype(kind)
    ) and not values.hasnans:
        return values.to_numpy().tolist()
    return [_json_value(v) for v in values.astype(object).tolist()]


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows as JSON-ready records: every digit of a float, NaN as null, ISO 8601 dates."""
    names = [str(c) for c in frame.columns]
    columns = [_json_column(frame.iloc[:, i]) for i in range(frame.shape[1])]
    return (
        [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]
        if (columns)
        else [{} for _ in range(len(frame))]
    )


_UNSAFE_JSON = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)


def _escaped(text: str) -> str:
    """JSON text with control and bidirectional characters written as ``\\uXXXX``."""
    return _UNSAFE_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def to_json(frame: pd.DataFrame) -> str:
    """``frame`` as a JSON list of records (full precision, NaN as ``null``).

    Examples
    --------
    >>> print(to_json(pd.DataFrame({"a": [1.5, None]})), end="")
    [
      {
        "a": 1.5
      },
      {
        "a": null
      }
    ]
    """
    return _escaped(json.dumps(_records(frame), indent=2, ensure_ascii=False)) + "\n"


def to_ndjson(frame: pd.DataFrame) -> str:
    """``frame`` as NDJSON: one JSON record per line.

    Examples
    --------
    >>> print(to_ndjson(pd.DataFrame({"a": [1, 2], "b": ["x", None]})), end="")
    {"a": 1, "b": "x"}
    {"a": 2, "b": null}
    """
    lines = [_escaped(json.dumps(r, ensure_ascii=False)) for r in _records(frame)]
    return "".join(line + "\n" for line in lines)


def write_parquet(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write ``frame`` to a Parquet file (the ``parquet`` extra: pyarrow).

    Raises
    ------
    DataError
        pyarrow is not installed (the message says ``pip install "qualitapa[parquet]"``).
    """
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise DataError(
            "writing Parquet files needs the 'parquet' extra: pip install \"qualitapa[parquet]\"",
            source=str(path),
        ) from None
    target = Path(path)
    frame.to_parquet(target, index=False)
    return target


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|<>#])")


def _md_cell(value: object) -> str:
    text = "" if value is None or (isinstance(value, float) and value != value) else str(value)
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    return re.sub(r"\r\n|\r|\n", "<br>", text)


def to_markdown(frame: pd.DataFrame, *, title: str | None = None) -> str:
    """``frame`` (cells already written for people) as a Markdown table.

    Markdown's special characters in the cells are escaped (a label cannot
    add a link, HTML or a column); line breaks become ``<br>``; numeric
    columns are right-aligned.

    Examples
    --------
    >>> print(to_markdown(pd.DataFrame({"Ente": ["A|B"], "Valore": [1.5]})), end="")
    | Ente | Valore |
    | --- | ---: |
    | A\\|B | 1.5 |
    """
    heads = [_md_cell(c) for c in frame.columns]
    rule = [
        "---:" if pd.api.types.is_numeric_dtype(frame[c].dtype) else "---" for c in frame.columns
    ]
    lines = [f"# {_md_cell(title)}", ""] if title else []
    lines += ["| " + " | ".join(heads) + " |", "| " + " | ".join(rule) + " |"]
    for row in frame.itertuples(index=False, name=None):
        lines.append("| " + " | ".join(_md_cell(v) for v in row) + " |")
    return "\n".join(lines) + "\n"


_HTML = """<!DOCTYPE html>
<html lang="{{ lang }}">
<head><meta charset="utf-8"><title>{{ title }}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 1.5rem; }
table { border-collapse: collapse; }
th, td { border-bottom: 1px solid #ccc; padding: .25rem .6rem; text-align: left; }
td { vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
thead th { position: sticky; top: 0; background: #1f4e79; color: #fff; }
</style></head>
<body>
{% if title %}<h1>{{ title }}</h1>{% endif %}
<table>
<thead><tr>{% for c in columns %}<th scope="col">{{ c }}</th>{% endfor %}</tr></thead>
<tbody>
{% for row in rows %}<tr>
{% for v in row %}<td{% if numeric[loop.index0] %} class="n"{% endif %}>{{ v }}</td>{% endfor %}
</tr>
{% endfor %}</tbody>
</table>
</body>
</html>
"""


def to_html(frame: pd.DataFrame, *, title: str | None = None, lang: str = "it") -> str:
    """``frame`` (cells already written for people) as a self-contained HTML page.

    Escaped by the template engine (Jinja2, autoescape on).

    Examples
    --------
    >>> page = to_html(pd.DataFrame({"Ente": ["<b>Bozen</b>"]}), title="Enti")
    >>> "&lt;b&gt;Bozen&lt;/b&gt;" in page, "<h1>Enti</h1>" in page
    (True, True)
    """
    import jinja2

    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    rows = [["" if pd.isna(v) else v for v in row] for row in frame.itertuples(index=False)]
    numeric = [pd.api.types.is_numeric_dtype(frame[c].dtype) for c in frame.columns]
    return env.from_string(_HTML).render(
        lang=lang, title=title or "", columns=list(frame.columns), rows=rows, numeric=numeric
    )
