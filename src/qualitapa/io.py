"""Reading and writing tables safely.

* :func:`read_table` reads CSV (or Excel with the ``excel`` extra) and turns
  parse failures into a :class:`~qualitapa.errors.DataError` naming the file.
* :func:`neutralise_formulas` protects exports against spreadsheet formula
  injection (OWASP "CSV injection"): a text cell starting with ``=``, ``+``,
  ``-``, ``@``, a tab or a carriage return is prefixed with a single quote so
  that spreadsheet programs show it as text instead of running it.
* :func:`write_csv` writes a frame with formulas neutralised.
* :func:`require_columns` checks a frame has the columns a function needs.

Examples
--------
>>> import pandas as pd
>>> neutralise_formulas(pd.DataFrame({"note": ["=1+2", "ok", "-3 days"], "n": [1, 2, 3]}))
     note  n
0   '=1+2  1
1      ok  2
2  '-3 days  3
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from qualitapa.errors import DataError

__all__ = [
    "FORMULA_PREFIXES",
    "TEXT_COLUMNS",
    "neutralise_formulas",
    "read_table",
    "require_columns",
    "to_numeric_column",
    "write_csv",
]

#: First characters that make a spreadsheet cell a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _neutralise_series(s: pd.Series) -> pd.Series:
    if not (pd.api.types.is_object_dtype(s) or pd.api.types.is_string_dtype(s)):
        return s
    text = s.astype("string")
    risky = text.str.startswith(FORMULA_PREFIXES).fillna(False)
    if not bool(risky.any()):
        return s
    out = s.astype(object).copy()
    out[risky.to_numpy()] = "'" + text[risky].astype(str)
    return out


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``frame`` whose text cells cannot run as spreadsheet formulas.

    Numbers are left alone (a negative number is data, not a formula); text
    cells beginning with one of :data:`FORMULA_PREFIXES` get a leading
    ``'``. Column names are treated the same way.
    """
    out = frame.copy()
    for col in out.columns:
        out[col] = _neutralise_series(out[col])
    out.columns = [
        "'" + c if isinstance(c, str) and c.startswith(FORMULA_PREFIXES) else c for c in out.columns
    ]
    return out


def write_csv(frame: pd.DataFrame, path: str | Path | Any, *, index: bool = False) -> None:
    """Write ``frame`` as UTF-8 CSV with spreadsheet formulas neutralised."""
    neutralise_formulas(frame).to_csv(path, index=index)


def _sniff_sep(path: Path, encoding: str) -> str:
    """The delimiter of a CSV file: the most frequent of , ; tab | in its header line."""
    with path.open(encoding=encoding, newline="") as fh:
        header = fh.readline()
    counts = {sep: header.count(sep) for sep in (",", ";", "\t", "|")}
    best = max(counts, key=lambda k: counts[k])
    return best if counts[best] > 0 else ","


#: Columns read as text by :func:`read_table` unless told otherwise: codes such
#: as ISTAT's "001272" (Torino) must keep their leading zeros.
TEXT_COLUMNS = ("organization", "istat_code", "id", "respondent", "respondent_id", "complaint_id")


def read_table(
    path: str | Path,
    *,
    dtype: Any = None,
    sheet: str | int | None = None,
    text_columns: Iterable[str] = TEXT_COLUMNS,
    **kwargs: Any,
) -> pd.DataFrame:
    """Read a CSV (``.csv``, ``.tsv``, ``.txt``) or Excel (``.xlsx``) table.

    Parameters
    ----------
    path
        The file.
    dtype
        Passed to pandas; by default columns are inferred, except
        ``text_columns``.
    text_columns
        Columns read as text (identifiers and codes keep their leading
        zeros); by default :data:`TEXT_COLUMNS`.
    sheet
        Excel sheet name or number (Excel only).
    **kwargs
        Passed to :func:`pandas.read_csv` / :func:`pandas.read_excel`.

    Raises
    ------
    DataError
        The file is missing, empty, or not a well-formed table; the message
        names the file.
    """
    p = Path(path)
    if not p.exists():
        raise DataError("file not found", source=str(p))
    if dtype is None:
        dtype = dict.fromkeys(text_columns, str)
    elif isinstance(dtype, dict):
        dtype = {**dict.fromkeys(text_columns, str), **dtype}
    suffix = p.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm", ".xls"):
            try:
                import openpyxl  # noqa: F401
            except ImportError:  # pragma: no cover - depends on the environment
                raise DataError(
                    "reading Excel files needs the 'excel' extra: pip install 'qualitapa[excel]'",
                    source=str(p),
                ) from None
            return pd.read_excel(p, sheet_name=0 if sheet is None else sheet, dtype=dtype, **kwargs)
        encoding = kwargs.pop("encoding", "utf-8-sig")
        sep = kwargs.pop("sep", None) or ("\t" if suffix == ".tsv" else _sniff_sep(p, encoding))
        return pd.read_csv(p, dtype=dtype, sep=sep, encoding=encoding, **kwargs)
    except pd.errors.EmptyDataError:
        raise DataError("the file is empty", source=str(p)) from None
    except pd.errors.ParserError as exc:
        raise DataError(f"not a well-formed table: {exc}", source=str(p)) from exc
    except UnicodeDecodeError as exc:
        raise DataError(
            f"not UTF-8 text (byte {exc.start}); save the file as UTF-8 CSV", source=str(p)
        ) from exc


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
        raise DataError(
            f"required column is missing (found: {[str(c) for c in frame.columns]})",
            source=source,
            column=missing[0],
        )


def to_numeric_column(
    values: pd.Series, *, source: str | None = None, column: str | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Convert ``values`` to float; return ``(numbers, bad_mask)``.

    Text that is not a number becomes NaN and is flagged in ``bad_mask``
    (missing cells are not flagged). Decimal commas (``"3,5"``) are
    accepted as Italian spreadsheets write them.
    """
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        arr = values.to_numpy(dtype=float, na_value=np.nan)
        return arr, np.zeros(len(arr), dtype=bool)
    text = values.astype("string").str.strip()
    text = text.str.replace(r"^(-?\d+),(\d+)$", r"\1.\2", regex=True)
    nums = pd.to_numeric(text, errors="coerce")
    arr = nums.to_numpy(dtype=float, na_value=np.nan)
    bad = np.isnan(arr) & text.notna().to_numpy() & (text != "").fillna(False).to_numpy()
    return arr, bad
