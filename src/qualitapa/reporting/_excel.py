"""Excel export: one sheet per table (extra ``excel``, openpyxl).

Text cells are neutralised against formula injection exactly as in the CSV
exports (:func:`qualitapa.io.neutralise_formulas`: a ``'`` where a formula
could start) and every text - headers, index sheet, cells of any column - is
stored as a text cell, never as a formula (:func:`text_cell`). Headers are
bold on a coloured band, frozen, with an auto-filter; column widths follow
the content. Numbers, dates and times have number formats
(:func:`qualitapa._writers.excel_number_formats`: ``0.0%`` for shares,
``0.0"%"`` for indicators in ``%``, decimals by size); cells keep every digit.

With a ``catalog`` the sheets name what their ids stand for in the reader's
language (``lang``): ``organization_name`` after ``organization`` (*Bozen*
in German), ``indicator_label`` after ``indicator``, and so on
(:func:`qualitapa._labelling.label_columns`); the columns keep their stable
names in every language, so a sheet reads like its CSV.
"""

from __future__ import annotations

import datetime as dt
import numbers
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from qualitapa._labelling import label_columns
from qualitapa._languages import check_language
from qualitapa._writers import excel_number_formats
from qualitapa._xlsx import text_cell
from qualitapa.errors import DataError
from qualitapa.io import neutralise_formulas
from qualitapa.models import Text

#: Rows in an Excel sheet (header included).
EXCEL_MAX_ROWS = 1_048_576
_MAX_COLUMNS = 16_384
_INVALID = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
_RESERVED = {"history"}


def sheet_names(names: Iterable[str]) -> list[str]:
    """Valid, unique Excel sheet names for ``names``, in order.

    Excel forbids ``[ ] : * ? / \\``, a leading or trailing apostrophe,
    more than 31 characters, the name "History" and names equal up to case.
    Forbidden characters become ``_``; duplicates get ``~2``, ``~3``...

    Examples
    --------
    >>> sheet_names(["values 2024/25", "a" * 40, "Values 2024_25", "", "History"])
    ['values 2024_25', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'Values 2024_25~2', 'Sheet', 'History_']
    """
    out: list[str] = []
    seen: set[str] = set()
    for raw in names:
        name = _INVALID.sub("_", str(raw)).strip().strip("'").strip() or "Sheet"
        if name.lower() in _RESERVED:
            name += "_"
        name = name[:31]
        candidate, i = name, 1
        while candidate.lower() in seen:
            i += 1
            suffix = f"~{i}"
            candidate = name[: 31 - len(suffix)] + suffix
        seen.add(candidate.lower())
        out.append(candidate)
    return out


def _excel_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Values Excel can hold: timezone-aware datetimes as local wall time, NaN as empty."""
    out = frame.copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_datetime64_any_dtype(s.dtype) and getattr(s.dtype, "tz", None):
            out[col] = s.dt.tz_localize(None)
        elif isinstance(s.dtype, pd.PeriodDtype):
            out[col] = s.astype(str)
    return neutralise_formulas(out)


def _cell_value(value: Any) -> Any:
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    if value is pd.NA:
        return None
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if not isinstance(value, (str, numbers.Number, dt.date, dt.time, dt.timedelta)):
        return str(value)  # other objects as the CSV export writes them
    return value


def _number_cell(ws: Any, value: Any, number_format: str | None) -> Any:
    """A number, date or time with its Excel number format (the value as it is)."""
    if number_format is None or value is None or isinstance(value, bool):
        return value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=value)
    cell.number_format = number_format
    return cell


def _widths(frame: pd.DataFrame) -> list[float]:
    widths = []
    for col in frame.columns:
        sample = frame[col].head(2000).astype("string").str.len().max()
        longest = max(len(str(col)), 0 if pd.isna(sample) else int(sample))
        widths.append(float(min(max(longest + 2, 8), 60)))
    return widths


def _labelled(
    tables: Mapping[str, pd.DataFrame],
    catalog: object,
    lang: str | None,
    names: Mapping[str, str | Text] | None,
) -> Mapping[str, pd.DataFrame]:
    """The tables with the labels of their ids in ``lang`` (as they are without a catalog)."""
    if catalog is None and not names:
        if lang is not None:
            check_language(lang, "lang")
        return tables
    return {
        name: label_columns(frame, catalog, lang or "it", names=names)
        for name, frame in tables.items()
    }


def _index_heads(lang: str | None) -> tuple[tuple[str, str], str]:
    """The index sheet's headers and name: in ``lang``, or in Italian and English."""
    if lang is None:
        return ("foglio / sheet", "descrizione / description"), "Indice"
    from qualitapa.i18n import translator

    t = translator(lang)
    return (t("Foglio"), t("Descrizione")), t("Indice")


def _check_fits(tables: Mapping[str, pd.DataFrame]) -> None:
    """Refuse a table larger than an Excel sheet: it is never truncated silently."""
    for name, frame in tables.items():
        if len(frame) + 1 > EXCEL_MAX_ROWS or frame.shape[1] > _MAX_COLUMNS:
            raise DataError(
                f"{frame.shape[0]} rows x {frame.shape[1]} columns do not fit in an Excel sheet "
                f"(at most {EXCEL_MAX_ROWS - 1} rows and {_MAX_COLUMNS} columns); "
                "export it as CSV (open data) or split it",
                source=str(name),
            )


def _header_style() -> tuple[Any, Any, Any]:
    """The font, fill and alignment of header cells: bold white on a dark blue band, wrapped."""
    from openpyxl.styles import Alignment, Font, PatternFill

    return (
        Font(bold=True, color="FFFFFF"),
        PatternFill("solid", fgColor="1F4E79"),
        Alignment(vertical="top", wrap_text=True),
    )


def _header_row(ws: Any, labels: Iterable[Any], style: tuple[Any, Any, Any]) -> list[Any]:
    """The header cells of ``labels``: text cells with the header ``style``."""
    cells = []
    for label in labels:
        cell = text_cell(ws, str(label))
        cell.font, cell.fill, cell.alignment = style
        cells.append(cell)
    return cells


def _write_index(
    wb: Any,
    sheets: list[str],
    tables: Mapping[str, pd.DataFrame],
    descriptions: Mapping[str, str],
    lang: str | None,
    style: tuple[Any, Any, Any],
) -> None:
    """The first sheet: every sheet with its description."""
    heads, index_name = _index_heads(lang)
    index = pd.DataFrame({heads[0]: sheets, heads[1]: [descriptions.get(t, "") for t in tables]})
    taken = {n.lower() for n in sheets}
    ws = wb.create_sheet(
        sheet_names([index_name])[0] if index_name.lower() not in taken else "Index_"
    )
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 90
    ws.append(_header_row(ws, index.columns, style))
    for entry in neutralise_formulas(index).itertuples(index=False, name=None):
        ws.append([text_cell(ws, str(v)) for v in entry])


def _write_sheet(
    ws: Any, frame: pd.DataFrame, catalog: object, style: tuple[Any, Any, Any]
) -> None:
    """One table's sheet: sized columns, frozen filtered header, typed and formatted cells."""
    from openpyxl.utils import get_column_letter

    data = _excel_frame(frame)
    for i, width in enumerate(_widths(data), start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    if data.shape[1]:
        ws.auto_filter.ref = f"A1:{get_column_letter(data.shape[1])}{len(data) + 1}"
    ws.append(_header_row(ws, data.columns, style))
    formats = excel_number_formats(frame, catalog)
    for r, row in enumerate(data.itertuples(index=False, name=None)):
        values = [_cell_value(v) for v in row]
        ws.append(
            [
                text_cell(ws, v)
                if isinstance(v, str)
                else _number_cell(ws, v, f[r] if isinstance(f, list) else f)
                for v, f in zip(values, formats, strict=True)
            ]
        )


def write_excel(
    tables: Mapping[str, pd.DataFrame],
    path: str | Path,
    *,
    descriptions: Mapping[str, str] | None = None,
    catalog: object = None,
    lang: str | None = None,
    names: Mapping[str, str | Text] | None = None,
) -> Path:
    """Write ``tables`` to an Excel workbook, one sheet per table.

    Parameters
    ----------
    tables
        Sheet name -> frame. Names are made valid for Excel with
        :func:`sheet_names`.
    path
        The ``.xlsx`` file to write (replaced if it exists).
    descriptions
        Optional per-table description; when given, a first sheet
        ``Indice`` lists every sheet with its description.
    catalog
        A :class:`~qualitapa.Catalog` (or None): each id column it knows gets
        its label in ``lang`` right after it (``organization_name``,
        ``indicator_label``, ``service_label``, ``category_label``...); the
        ids stay in their own columns.
    lang
        The language of the labels and of the index sheet (``it``, ``en``,
        ``de`` or any code, with fallback). None: labels in Italian and the
        index sheet in Italian and English.
    names
        Organization names overriding the catalog's (id -> name or Text).

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    DataError
        A table has more rows or columns than an Excel sheet holds
        (1,048,576 rows, 16,384 columns): it is never truncated silently.
    ImportError
        openpyxl is not installed (``pip install 'qualitapa[excel]'``).
    OptionError
        ``lang`` is not a well-formed language code.

    Examples
    --------
    >>> import tempfile, openpyxl
    >>> frame = pd.DataFrame({"city": ["Modena", "=cmd|' /C calc'!A0"], "value": [1.5, -2.0]})
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = write_excel({"values": frame}, Path(d) / "out.xlsx")
    ...     ws = openpyxl.load_workbook(p)["values"]
    ...     [[c.value for c in row] for row in ws.iter_rows()]
    [['city', 'value'], ['Modena', 1.5], ["'=cmd|' /C calc'!A0", -2]]

    Organizations named in German, their codes kept:

    >>> from qualitapa.models import Organization
    >>> bz = Organization("021008", "Bolzano", label=Text("Bolzano", de="Bozen"))
    >>> values = pd.DataFrame({"organization": ["021008"], "value": [3.5]})
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = write_excel({"values": values}, Path(d) / "out.xlsx", catalog=[bz], lang="de")
    ...     ws = openpyxl.load_workbook(p)["values"]
    ...     [[c.value for c in row] for row in ws.iter_rows()]
    [['organization', 'organization_name', 'value'], ['021008', 'Bozen', 3.5]]
    """
    try:
        from openpyxl import Workbook
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "writing Excel files needs the 'excel' extra: pip install 'qualitapa[excel]'"
        ) from exc
    tables = _labelled(tables, catalog, lang, names)
    _check_fits(tables)
    target = Path(path)
    wb = Workbook(write_only=True)
    header = _header_style()
    sheets = sheet_names(tables)
    if descriptions:
        _write_index(wb, sheets, tables, descriptions, lang, header)
    for name, frame in zip(sheets, tables.values(), strict=True):
        _write_sheet(wb.create_sheet(name), frame, catalog, header)
    target.parent.mkdir(parents=True, exist_ok=True)
    wb.save(target)
    return target
