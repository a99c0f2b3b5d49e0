"""openpyxl for every reader and writer of ``.xlsx`` workbooks.

:func:`require_openpyxl` says clearly when the ``excel`` extra is missing;
:func:`text_cell` writes text that stays text, never a formula (the Excel
export, XLSForm questionnaires).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from qualitapa.errors import DataError, DefinitionError

if TYPE_CHECKING:  # openpyxl is the optional `excel` extra
    from openpyxl.cell import Cell
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

# what openpyxl refuses to write (XML 1.0 has no such characters)
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def require_openpyxl(
    error: type[DataError] | type[DefinitionError], doing: str, source: str
) -> None:
    """Raise ``error`` (about ``source``) when openpyxl, the ``excel`` extra, is missing.

    ``doing`` says what needs it, e.g. "reading Excel files".
    """
    try:
        import openpyxl  # noqa: F401
    except ImportError:  # pragma: no cover - depends on the environment
        raise error(
            f"{doing} needs the 'excel' extra: pip install 'qualitapa[excel]'", source=source
        ) from None


def text_cell(ws: WriteOnlyWorksheet, value: str) -> Cell:
    """An openpyxl write-only cell holding ``value`` as text, never as a formula.

    openpyxl stores a string starting with ``=`` as a formula; this cell is
    typed text (``data_type = "s"``). Text that a spreadsheet would run if a
    clerk edited and confirmed the cell (starting with ``= + - @``) also gets
    Excel's quote prefix, the ``'`` typed before text, which is not part of
    the value: the text reads back exactly.

    Control characters that XML cannot hold (all but tab, line feed and
    carriage return: ESC, BEL...) become U+FFFD, the replacement character,
    instead of failing the whole export. A carriage return reads back as a
    line feed (XML normalises line ends).

    Examples
    --------
    >>> from openpyxl import Workbook
    >>> ws = Workbook(write_only=True).create_sheet()
    >>> cell = text_cell(ws, "=1+2")
    >>> cell.value, cell.data_type, cell.quotePrefix
    ('=1+2', 's', True)
    >>> text_cell(ws, "\x1b]0;title\x07").value
    '\ufffd]0;title\ufffd'
    """
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=_XML_ILLEGAL.sub("\ufffd", value))
    cell.data_type = "s"
    if value.startswith(("=", "+", "-", "@")):
        cell.quotePrefix = True
    return cell
