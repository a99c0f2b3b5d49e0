"""The programme's sheets as files: the export workbook (or CSV folder) and the empty templates.

A workbook has one sheet per table with a bold frozen header, dates as
date cells (``dd/mm/yyyy``), numbers as numbers and text as text cells
(:func:`qualitapa._xlsx.text_cell`: never a formula), so that an office
can edit it in Excel and import it back unchanged. The template adds an
``istruzioni`` sheet: what each sheet is for and how to fill each column,
in Italian.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from qualitapa._xlsx import require_openpyxl, text_cell
from qualitapa.errors import DataError
from qualitapa.io import write_csv
from qualitapa.programme._sheets import SHEETS, empty_sheet

_DATE_FORMAT = "DD/MM/YYYY"
_INSTRUCTIONS = "istruzioni"
_INTRO = (
    "Programma qualità: un foglio per tabella. Non cambiare i nomi dei fogli né delle "
    "colonne (la prima riga). Le date si scrivono 31/01/2024 o 2024-01-31; i numeri con "
    "la virgola (0,5). Ogni nuova importazione registra le differenze con chi e quando: "
    "la storia non viene mai riscritta. Le righe tolte dal foglio restano nell'archivio "
    "e vengono segnalate."
)


def _cell(ws: Any, value: Any, date: bool) -> Any:
    from openpyxl.cell import WriteOnlyCell

    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if value is pd.NA:
        return None
    if date:
        cell = WriteOnlyCell(ws, value=pd.Timestamp(value).normalize().to_pydatetime())
        cell.number_format = _DATE_FORMAT
        return cell
    if isinstance(value, str):
        return text_cell(ws, value)
    if isinstance(value, int | float):
        return value
    return text_cell(ws, str(value))


def _sheet(book: Any, name: str, frame: pd.DataFrame, dates: frozenset[str]) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws = book.create_sheet(name)
    ws.freeze_panes = "A2"
    for i, column in enumerate(frame.columns, start=1):
        width = max([len(str(column))] + [len(str(v)) for v in frame[column].head(200)])
        ws.column_dimensions[get_column_letter(i)].width = min(max(width + 2, 10), 60)
    header = []
    for column in frame.columns:
        cell = text_cell(ws, str(column))
        cell.font = Font(bold=True)
        header.append(cell)
    ws.append(header)
    columns = list(frame.columns)
    for row in frame.astype(object).itertuples(index=False, name=None):
        ws.append([_cell(ws, v, c in dates) for v, c in zip(row, columns, strict=True)])


def _save(book: Any, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        book.save(path)
    except OSError as exc:
        raise DataError(f"cannot write the file: {exc.strerror or exc}", source=str(path)) from exc
    return path


def write_sheets(
    tables: Mapping[str, pd.DataFrame], path: Path, *, history: pd.DataFrame | None = None
) -> Path:
    """Write the sheets to ``path``: ``.xlsx`` (a workbook) or a folder of ``<sheet>.csv``."""
    if path.suffix.lower() == ".xlsx":
        require_openpyxl(DataError, "writing Excel files", str(path))
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        for name, frame in tables.items():
            _sheet(book, name, frame, SHEETS[name].dates)
        if history is not None:
            _sheet(book, "history", history, frozenset())
        return _save(book, path)
    if path.suffix:
        raise DataError(
            "write the programme as .xlsx, or give a folder for CSV files", source=str(path)
        )
    path.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        out = frame.copy()
        for column in SHEETS[name].dates:
            out[column] = out[column].map(
                lambda v: None if pd.isna(v) else pd.Timestamp(v).date().isoformat()
            )
        write_csv(out, path / f"{name}.csv")
    if history is not None:
        write_csv(history, path / "history.csv")
    return path


def _instructions() -> pd.DataFrame:
    rows: list[dict[str, str]] = [{"foglio": "", "colonna": "", "istruzioni": _INTRO}]
    for name, spec in SHEETS.items():
        rows.append({"foglio": name, "colonna": "", "istruzioni": spec.title.it})
        for column in spec.columns:
            need = "; colonna obbligatoria" if column in spec.required else ""
            key = "; fa parte della chiave della riga" if column in spec.key else ""
            rows.append(
                {"foglio": name, "colonna": column, "istruzioni": spec.help[column] + need + key}
            )
    return pd.DataFrame(rows)


def write_template(path: Path) -> Path:
    """Write the empty sheets with Italian instructions: a workbook, or a folder of CSVs.

    The workbook's first sheet, ``istruzioni``, says what each sheet holds
    and how to fill each column (required ones and keys marked); a folder
    gets ``<sheet>.csv`` headers and ``istruzioni.csv``.

    Examples
    --------
    >>> import tempfile, openpyxl
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = write_template(Path(d) / "programma.xlsx")
    ...     openpyxl.load_workbook(p).sheetnames[:3]
    ['istruzioni', 'departments', 'people']
    """
    tables = {name: empty_sheet(name) for name in SHEETS}
    if path.suffix.lower() == ".xlsx":
        require_openpyxl(DataError, "writing Excel files", str(path))
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        _sheet(book, _INSTRUCTIONS, _instructions(), frozenset())
        for name, frame in tables.items():
            _sheet(book, name, frame, SHEETS[name].dates)
        return _save(book, path)
    write_sheets(tables, path)
    write_csv(_instructions(), path / f"{_INSTRUCTIONS}.csv")
    return path
