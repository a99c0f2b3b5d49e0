"""Small helpers the sections share to read their tables."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from qualitapa.errors import DataError


def is_missing(value: Any) -> bool:
    """True for None, NaN, NA and NaT."""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def pick(frame: pd.DataFrame, *candidates: str) -> str | None:
    """The first of ``candidates`` that is a column of ``frame``."""
    for name in candidates:
        if name in frame.columns:
            return name
    return None


def required(frame: pd.DataFrame, message: str, *choices: tuple[str, ...]) -> list[str]:
    """The column :func:`pick` finds for each of ``choices``; a DataError if one is missing."""
    picked = [pick(frame, *names) for names in choices]
    found = [name for name in picked if name is not None]
    if len(found) < len(picked):
        raise DataError(message)
    return found


def numbers(values: Any) -> np.ndarray:
    """``values`` as floats (NaN where not a number)."""
    return pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float)


def period_mask(frame: pd.DataFrame, period: str) -> pd.Series:
    """Rows of ``period`` (every row when the frame has no ``period`` column)."""
    if "period" not in frame.columns:
        return pd.Series(True, index=frame.index)
    return frame["period"].astype(str) == period


def prefix_mask(frame: pd.DataFrame, column: str | None, period: str) -> pd.Series:
    """Rows whose period starts with ``period`` (``2024-03`` for 2024), or all if none does."""
    if column is None or column not in frame.columns:
        return pd.Series(True, index=frame.index)
    mask = frame[column].astype(str).str.startswith(period)
    return mask if bool(mask.any()) else pd.Series(True, index=frame.index)


def sort_periods(periods: Iterable[Any]) -> list[str]:
    """Distinct periods as text, in time order (numerically when they are years)."""
    labels = sorted({str(p) for p in periods})
    if all(p.lstrip("-").isdigit() for p in labels):
        labels.sort(key=int)
    return labels


def period_le(a: str, b: str) -> bool:
    """``a`` is ``b`` or before it."""
    if a.lstrip("-").isdigit() and b.lstrip("-").isdigit():
        return int(a) <= int(b)
    return a <= b


def result_frame(result: Any, attr: str, message: str) -> pd.DataFrame:
    """``result``'s table (its attribute ``attr``, e.g. ``ranks``) or ``result`` itself."""
    frame = getattr(result, attr) if hasattr(result, attr) else result
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(message)
    return frame


def period_table(
    tables: Mapping[str, Any], name: str, period: str, *, attr: str | None = None, message: str = ""
) -> pd.DataFrame | None:
    """The rows of ``period`` of the table ``name`` (None when it is not given).

    With ``attr``, the table is that attribute of a result object, or the
    given frame itself (:func:`result_frame`, ``message`` for anything else).
    """
    given = tables.get(name)
    if given is None:
        return None
    frame = given if attr is None else result_frame(given, attr, message)
    return frame.loc[period_mask(frame, period)]
