"""Hostile files for the attack suite: hand-made workbooks and CSV formula checks.

* :func:`workbook` writes a minimal ``.xlsx`` (one sheet, inline strings) from
  a sheet XML body, so a test controls every byte openpyxl will see;
* :func:`cells` builds that body from rows of values;
* :func:`formula_starts` lists what a spreadsheet would take for a formula in
  CSV bytes: every field under the separators an office uses (``,`` ``;``
  tab, quote-aware, records ended by CR, LF or CRLF as LibreOffice and Excel
  end them) and the start of every physical line.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    f'<workbook xmlns="{MAIN}" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="data" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
PROLOG = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'


def column_letters(n: int) -> str:
    """1 -> A, 27 -> AA, 16384 -> XFD."""
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def cells(rows: Iterable[Sequence[Any]], *, first_row: int = 1) -> str:
    """``<row>`` elements of inline-string and number cells."""
    out = []
    for i, row in enumerate(rows, start=first_row):
        parts = []
        for j, value in enumerate(row, start=1):
            ref = f"{column_letters(j)}{i}"
            if value is None:
                continue
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                parts.append(f'<c r="{ref}"><v>{value}</v></c>')
            else:
                parts.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>')
        out.append(f'<row r="{i}">{"".join(parts)}</row>')
    return "".join(out)


def sheet(body: str, *, dimension: str | None = None, prolog: str = PROLOG) -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f'{prolog}<worksheet xmlns="{MAIN}">{dim}<sheetData>{body}</sheetData></worksheet>'


def workbook(path: Path, sheet_xml: str | bytes, **extra: str | bytes) -> Path:
    """Write a one-sheet workbook whose sheet part is ``sheet_xml``."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        for name, data in extra.items():
            z.writestr(name, data)
    return path


def table_workbook(path: Path, rows: Iterable[Sequence[Any]], **kwargs: Any) -> Path:
    return workbook(path, sheet(cells(rows), **kwargs))


def zip_bomb(path: Path, megabytes: int) -> Path:
    """A workbook whose sheet inflates to ``megabytes`` MiB of empty rows (ratio ~1000)."""
    head = sheet("").split("<sheetData>")[0] + "<sheetData>"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(head.encode())
            chunk = b"<row/>" * ((1 << 20) // 6)
            written = 0
            while written < megabytes << 20:
                fh.write(chunk)
                written += len(chunk)
            fh.write(b"</sheetData></worksheet>")
    return path


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + "]>"
)


# -- CSV ---------------------------------------------------------------------

FORMULA_START = ("=", "+", "-", "@")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")


def _risky(field: str) -> bool:
    return field.startswith(FORMULA_START) and not _NUMBER.fullmatch(field.strip())


def formula_starts(data: bytes) -> list[str]:
    """Fields and lines of CSV ``data`` that a spreadsheet would start with a formula.

    Empty when the file is safe to open: with the comma, semicolon or tab as
    the separator (LibreOffice's CSV dialog; Italian Excel splits on ``;``),
    no field begins with ``= + - @`` (numbers aside), and no physical line
    begins with one either (a bare CR inside a cell is a line end for many
    readers).
    """
    text = data.decode("utf-8-sig")
    found: list[str] = []
    for delimiter in (",", ";", "\t"):
        for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            found.extend(f"{delimiter!r} field {f!r}" for f in record if _risky(f))
    for line in re.split(r"\r\n|\r|\n", text):
        first = re.split(r"[,;\t]", line, maxsplit=1)[0].lstrip('"')
        if _risky(first):
            found.append(f"line {line!r}")
    return found


def csv_records(data: bytes) -> list[list[str]]:
    """The records of CSV ``data`` as the csv module reads them (comma separated)."""
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
