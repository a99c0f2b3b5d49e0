"""Check an ``.xlsx`` workbook before a reader opens it.

A workbook is a zip archive of XML parts, and a few kilobytes can make a
reader exhaust the machine: a cell at ``XFD1048576`` makes openpyxl and
pandas fill in every empty cell before it (17 billion), a zip bomb unpacks
to gigabytes, and an XML part with a DOCTYPE can expand entities ("billion
laughs") or read local files (external entities). :func:`check_workbook`
looks at the archive and streams every XML part through expat once, without
keeping anything, and raises a :class:`~qualitapa.errors.DataError` naming
the file and the limit when:

* the file is not a zip archive (with a hint for the usual cases: a CSV or
  an old ``.xls`` renamed ``.xlsx``, a password-protected workbook);
* the parts unpack to more than :attr:`WorkbookLimits.max_bytes`, or a part
  larger than 1 MiB is compressed more than :attr:`WorkbookLimits.max_ratio`
  to 1;
* a sheet extends over more than :attr:`WorkbookLimits.max_cells` cells
  (rows to its last row times columns to its widest column: what a reader
  holds in memory), or beyond Excel's 1,048,576 rows or 16,384 columns, or
  over more than 10,000 cells or 1,000 columns of which fewer than 1 % are
  written (a stray cell far from the data: two cells in A1 and XFD1 are read
  as 16,384 columns, seconds of work for pandas);
  The extent is measured from the cells themselves, not from the sheet's
  declared ``<dimension>``, which may lie either way (pandas ignores it);
* an XML part declares a DOCTYPE (Excel never writes one): entity expansion
  and external entities are refused before any parser resolves them.

The scan costs about a tenth of the time openpyxl takes to read the same
sheet. The limits are generous for office files (10 million cells, 256 MiB
unpacked) and can be raised for a big legitimate file with
``limits=WorkbookLimits(...)`` or the environment variables
``QUALITAPA_XLSX_MAX_CELLS``, ``QUALITAPA_XLSX_MAX_BYTES`` and
``QUALITAPA_XLSX_MAX_RATIO``.
"""

from __future__ import annotations

import os
import zipfile
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from xml.parsers import expat

import attrs

from qualitapa.errors import DataError

#: Environment variables that raise (or lower) the default limits.
LIMIT_ENV: Mapping[str, str] = {
    "max_cells": "QUALITAPA_XLSX_MAX_CELLS",
    "max_bytes": "QUALITAPA_XLSX_MAX_BYTES",
    "max_ratio": "QUALITAPA_XLSX_MAX_RATIO",
    "min_filled": "QUALITAPA_XLSX_MIN_FILLED",
}

_MAIN_NS = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",
)
_ROWS = frozenset(f"{ns}}}row" for ns in _MAIN_NS)
_CELLS = frozenset(f"{ns}}}c" for ns in _MAIN_NS)
#: Parts smaller than this are not checked for their compression ratio.
_RATIO_FLOOR = 1 << 20
_CHUNK = 1 << 20
_OLE2 = bytes.fromhex("d0cf11e0a1b11ae1")


def _positive(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise ValueError(f"{attribute.name} must be a positive number, not {value!r}")


@attrs.frozen
class WorkbookLimits:
    """How big a workbook :func:`check_workbook` lets a reader open.

    Parameters
    ----------
    max_cells
        Cells of the rectangle a sheet spans (its last row times its widest
        row), 10 million by default: about 1-2 GB in pandas.
    max_bytes
        Size of all the parts unpacked, 256 MiB by default.
    max_ratio
        Unpacked size over packed size of any part larger than 1 MiB, 100
        by default (office files are 5-20 to 1, zip bombs 1000 to 1).
    max_rows, max_columns
        Excel's own bounds (1,048,576 rows, 16,384 columns).
    max_parts
        Files in the archive, 10,000 by default.
    sparse_from, sparse_columns, min_filled
        A sheet spanning more than ``sparse_from`` cells (10,000 by
        default) or ``sparse_columns`` columns (1,000: pandas' cost grows
        with the columns) must have at least ``min_filled`` of its cells
        written (1 %): a
        few cells and one far away are a stray cell (or an attack) that
        makes the reader fill in the whole rectangle, seconds of work for
        nothing. Office exports are dense; blank answers leave some cells
        out, not 99 %.

    Examples
    --------
    >>> WorkbookLimits(max_cells=50_000_000).max_cells
    50000000
    >>> WorkbookLimits.from_env({"QUALITAPA_XLSX_MAX_CELLS": "2e7"}).max_cells
    20000000
    """

    max_cells: int = attrs.field(default=10_000_000, validator=_positive)
    max_bytes: int = attrs.field(default=256 << 20, validator=_positive)
    max_ratio: float = attrs.field(default=100.0, converter=float, validator=_positive)
    max_rows: int = attrs.field(default=1_048_576, validator=_positive)
    max_columns: int = attrs.field(default=16_384, validator=_positive)
    max_parts: int = attrs.field(default=10_000, validator=_positive)
    sparse_from: int = attrs.field(default=10_000, validator=_positive)
    sparse_columns: int = attrs.field(default=1_000, validator=_positive)
    min_filled: float = attrs.field(default=0.01, converter=float, validator=_positive)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> WorkbookLimits:
        """The default limits, changed by the ``QUALITAPA_XLSX_MAX_*`` variables.

        Raises
        ------
        DataError
            A variable is not a positive number.
        """
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for name, var in LIMIT_ENV.items():
            text = environ.get(var, "").strip()
            if not text:
                continue
            try:
                number = float(text)
                if not number > 0 or number == float("inf"):
                    raise ValueError
            except ValueError:
                raise DataError(f"{var} must be a positive number, not {text!r}") from None
            values[name] = number if name in ("max_ratio", "min_filled") else int(number)
        return cls(**values)


def _raise_hint(name: str) -> str:
    return (
        f"for a big legitimate file raise the limit: set {LIMIT_ENV[name]} or pass "
        f"limits=WorkbookLimits({name}=...)"
    )


def _size(n: float) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GiB"  # pragma: no cover - the loop returns


def _not_a_zip(path: Path) -> DataError:
    """The error for a file that is not a zip archive, with what it looks like."""
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        return DataError(f"cannot open the file: {exc.strerror or exc}", source=str(path))
    what = "an .xlsx file is a zip archive"
    if not head:
        hint = "the file is empty"
    elif head.startswith(_OLE2):
        hint = (
            "it is an Excel 97-2003 workbook (.xls) or a password-protected one: open it in "
            "Excel or LibreOffice, remove the password and save it as .xlsx"
        )
    elif head.startswith(b"PK"):
        hint = "it is a damaged or truncated zip archive: save the workbook again"
    elif b"\0" not in head and head.strip():
        hint = "it looks like text: if it is CSV, name it .csv"
    else:
        hint = "save it from Excel or LibreOffice as .xlsx"
    return DataError(f"not an Excel workbook ({what}); {hint}", source=str(path))


class _Refused(Exception):
    """Raised inside an expat handler to stop the scan."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _Extent:
    """The rectangle of a sheet as openpyxl fills it in: rows to the last, columns to the widest.

    openpyxl numbers a ``<row>`` by its ``r`` attribute or as the one after
    the previous row, and a ``<c>`` by the column of its ``r`` reference or
    as the one after the previous cell of the row; this follows the same rules.
    """

    __slots__ = ("col", "cols", "filled", "limits", "part", "row", "rows")

    def __init__(self, limits: WorkbookLimits, part: str) -> None:
        self.limits = limits
        self.part = part
        self.row = self.rows = self.col = self.cols = self.filled = 0

    def start(self, name: str, attributes: dict[str, str]) -> None:
        if name in _CELLS:
            self.filled += 1
            ref = attributes.get("r")
            col = _column(ref) if ref else self.col + 1
            self.col = col
            if col > self.cols:
                self.cols = col
                self.check()
        elif name in _ROWS:
            ref = attributes.get("r")
            self.row = _row_number(ref) if ref else self.row + 1
            self.col = 0
            if self.row > self.rows:
                self.rows = self.row
                self.check()

    def check(self) -> None:
        limits = self.limits
        cells = self.rows * max(self.cols, 1)
        if self.rows > limits.max_rows or self.cols > limits.max_columns:
            raise _Refused(
                f"the sheet {self.part} reaches row {self.rows} and column {self.cols}, beyond "
                f"Excel's {limits.max_rows} rows and {limits.max_columns} columns"
            )
        big = cells > limits.sparse_from or self.cols > limits.sparse_columns
        if big and self.filled < limits.min_filled * cells:
            raise _Refused(
                f"the sheet {self.part} reaches row {self.rows} and column {self.cols} "
                f"({cells:,} cells) with only {self.filled:,} of them written: a cell far "
                "from the data makes the reader fill in every cell before it; delete the "
                "empty rows and columns after the data (select them, Delete); for a sheet "
                f"that is really this sparse lower the share: set {LIMIT_ENV['min_filled']} "
                "(e.g. 0.001) or pass limits=WorkbookLimits(min_filled=...)"
            )
        if cells > limits.max_cells:
            raise _Refused(
                f"the sheet {self.part} would be read as {self.rows} rows x {self.cols} columns "
                f"({cells:,} cells), more than {limits.max_cells:,} cells: a cell far from the "
                "data makes the reader fill in every cell before it; delete the empty rows and "
                f"columns after the data (select them, Delete), or {_raise_hint('max_cells')}"
            )


def _column(ref: str) -> int:
    """The column number of a cell reference (``XFD10`` -> 16384); 0 if it is not one."""
    n = 0
    letters = 0
    for ch in ref.lstrip("$"):
        if "A" <= ch <= "Z" or "a" <= ch <= "z":
            n = n * 26 + (ord(ch.upper()) - 64)
            letters += 1
        else:
            break
    return n if 0 < letters <= 3 else 0


def _row_number(ref: str) -> int:
    try:
        return int(ref)
    except ValueError:
        try:
            value = float(ref)
        except ValueError:
            return 0
        return int(value) if value.is_integer() else 0


def _refuse_doctype(*_: Any) -> None:
    raise _Refused("declares a DOCTYPE")


def _looks_like_xml(head: bytes) -> bool:
    if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return True
    return head.lstrip()[:1] == b"<"


def _scan_part(book: zipfile.ZipFile, info: zipfile.ZipInfo, limits: WorkbookLimits) -> None:
    """Stream one part through expat: refuse a DOCTYPE, measure a sheet's extent."""
    with book.open(info) as fh:
        head = fh.read(_CHUNK)
        if not _looks_like_xml(head):
            return
        parser = expat.ParserCreate(namespace_separator="}")
        parser.StartDoctypeDeclHandler = _refuse_doctype
        parser.StartElementHandler = _Extent(limits, info.filename).start
        try:
            parser.Parse(head, False)
            while chunk := fh.read(_CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except expat.ExpatError:
            # Not well-formed: a reader that reads this part stops at the same
            # place (openpyxl parses with expat too) and reports it.
            return


def check_workbook(path: str | Path, limits: WorkbookLimits | None = None) -> None:
    """Raise :class:`DataError` unless ``path`` is an ``.xlsx`` safe to hand to a reader.

    Parameters
    ----------
    path
        The workbook.
    limits
        The limits (default: :meth:`WorkbookLimits.from_env`).

    Raises
    ------
    DataError
        Not a zip archive (with what it looks like), damaged, encrypted,
        too big unpacked, compressed too much, a sheet spanning too many
        cells, or an XML part with a DOCTYPE. The message names the file
        and, for a limit, how to raise it.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "data.xlsx"
    >>> _ = p.write_text("organization;value\\n022205;1\\n")
    >>> check_workbook(p)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    qualitapa.errors.DataError: ...data.xlsx: not an Excel workbook (...); it looks like text: ...
    """
    path = Path(path)
    source = str(path)
    limits = limits or WorkbookLimits.from_env()
    try:
        book = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, EOFError):
        raise _not_a_zip(path) from None
    except OSError as exc:
        raise DataError(f"cannot open the file: {exc.strerror or exc}", source=source) from None
    with book:
        parts = book.infolist()
        if len(parts) > limits.max_parts:
            raise DataError(
                f"the archive holds {len(parts)} files, more than {limits.max_parts}: "
                "not a workbook an office saves",
                source=source,
            )
        total = sum(info.file_size for info in parts)
        if total > limits.max_bytes:
            raise DataError(
                f"the workbook unpacks to {_size(total)} uncompressed, more than "
                f"{_size(limits.max_bytes)} (a zip bomb?); {_raise_hint('max_bytes')}",
                source=source,
            )
        for info in parts:
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > _RATIO_FLOOR and ratio > limits.max_ratio:
                raise DataError(
                    f"the part {info.filename} is compressed {ratio:.0f} to 1, more than "
                    f"{limits.max_ratio:g} to 1 (a zip bomb?); {_raise_hint('max_ratio')}",
                    source=source,
                )
        try:
            for info in parts:
                _scan_part(book, info, limits)
        except _Refused as exc:
            message = exc.message
            if message == "declares a DOCTYPE":
                message = (
                    f"the part {info.filename} declares a DOCTYPE (XML entities), which Excel "
                    "never writes: refused, as an XML bomb or an external entity could hide in it"
                )
            raise DataError(message, source=source) from None
        except RuntimeError as exc:  # zipfile: an encrypted part
            raise DataError(
                f"the part {info.filename} is encrypted: remove the password and save again "
                f"({exc})",
                source=source,
            ) from None
        except NotImplementedError as exc:
            raise DataError(
                f"the part {info.filename} uses a compression Excel does not: {exc}",
                source=source,
            ) from None
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise DataError(
                f"not an Excel workbook: the zip archive is damaged ({info.filename}: {exc}); "
                "save the workbook again",
                source=source,
            ) from None
