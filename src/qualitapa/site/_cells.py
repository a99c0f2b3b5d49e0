"""Reading the results' cells and tables the same way on every page of the portal.

A number, a yes/no and a text out of a CSV cell, and the rows of a table's
latest period: the city, service and home pages count and say them by one
rule (the home page's "standards met" is the city page's).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from qualitapa.errors import DataError, Message
from qualitapa.i18n import N_

#: The words of a yes/no cell (``met``, ``is_best``, ``small_sample``), case ignored.
YES = frozenset({"true", "1", "1.0", "yes", "sì", "si", "vero"})
NO = frozenset({"false", "0", "0.0", "no", "falso"})


def missing(value: object) -> bool:
    """None, NaN or pandas' NA (an empty cell).

    Examples
    --------
    >>> missing(None), missing(float("nan")), missing(pd.NA), missing(""), missing(0)
    (True, True, True, False, False)
    """
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def number(value: object) -> float | None:
    """A cell as a finite float; None when empty, not a number or infinite.

    Examples
    --------
    >>> number("4.5"), number(3), number(""), number("abc"), number(float("inf")), number(pd.NA)
    (4.5, 3.0, None, None, None, None)
    """
    if value is None or value is pd.NA:
        return None
    try:
        x = float(value)  # type: ignore[arg-type]  # any cell: None, text, a number
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def flag(value: object) -> bool | None:
    """A yes/no cell as a truth value; None when empty or not a yes/no word.

    Text is one of :data:`YES` or :data:`NO` (case and spaces ignored); a
    bool or a number is true when 1, false when 0.

    Examples
    --------
    >>> flag("True"), flag(" sì "), flag("0"), flag(1.0), flag(False), flag(""), flag(None)
    (True, True, False, True, False, None, None)
    >>> flag("forse") is None, flag(2.0) is None
    (True, True)
    """
    if missing(value):
        return None
    if isinstance(value, str):
        word = value.strip().lower()
        return True if word in YES else False if word in NO else None
    x = number(value)
    return True if x == 1 else False if x == 0 else None


def text(value: object) -> str:
    """A cell as text, ``""`` when empty.

    Examples
    --------
    >>> text(None), text("Modena"), text(2024)
    ('', 'Modena', '2024')
    """
    return "" if missing(value) else str(value)


def latest(frame: pd.DataFrame) -> tuple[pd.DataFrame, int | None]:
    """The rows of the latest ``period`` and that period (all rows and None without one).

    Examples
    --------
    >>> frame = pd.DataFrame({"period": ["2023", "2024", "2024"], "value": [1, 2, 3]})
    >>> rows, year = latest(frame)
    >>> rows["value"].tolist(), year
    ([2, 3], 2024)
    >>> latest(frame.drop(columns="period"))[1] is None
    True
    """
    if frame.empty or "period" not in frame.columns:
        return frame, None
    column = frame["period"]
    if isinstance(column.dtype, np.dtype) and column.dtype.kind in "iuf":  # read as numbers
        periods = column.to_numpy(dtype=float)
    else:
        periods = pd.to_numeric(column, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    if np.isnan(periods).all():
        return frame, None
    last = int(np.nanmax(periods))
    return frame.loc[periods == last], last


def records(frame: pd.DataFrame) -> list[dict[str, object]]:
    """The rows of ``frame`` as dictionaries of Python values: ``to_dict("records")``.

    Through one object array (a page reads thousands of rows: ``to_dict`` boxes
    them one cell at a time, six times slower on a benchmark table).

    Examples
    --------
    >>> records(pd.DataFrame({"city": ["Modena", "Trento"], "rank": [2, 1]}))
    [{'city': 'Modena', 'rank': 2}, {'city': 'Trento', 'rank': 1}]
    """
    names = list(frame.columns)
    values = frame.to_numpy(dtype=object)
    for k, dtype in enumerate(frame.dtypes):
        if getattr(dtype, "na_value", None) is pd.NA:  # to_dict says pd.NA as None
            column = values[:, k]
            column[[v is pd.NA for v in column]] = None
    return [dict(zip(names, row, strict=True)) for row in values.tolist()]


def met_count(frame: pd.DataFrame) -> tuple[int, int]:
    """(standards met, standards assessed) of ``charter_compliance`` rows.

    A row whose ``met`` is empty was not assessed and is not counted. The
    city page says this count for a city's latest period; the home page
    shows the same count for every city.

    Raises
    ------
    DataError
        A ``met`` cell that is neither empty nor a yes/no (:func:`flag`),
        naming the file, its row (the frame's index + 1) and the column.

    Examples
    --------
    >>> met_count(pd.DataFrame({"met": ["True", "False", None, "1"]}))
    (2, 3)
    """
    if "met" not in frame.columns:
        return 0, 0
    flags = [flag(v) for v in frame["met"]]
    for index, value, said in zip(frame.index, frame["met"], flags, strict=True):
        if said is None and not missing(value) and text(value).strip():
            message = Message(
                "the cell is {value}: write yes or no (true/false, sì/no, 1/0) or leave it empty",
                N_(
                    "la cella contiene {value}: scrivere sì o no (true/false, sì/no, 1/0) "
                    "oppure lasciarla vuota"
                ),
                value=repr(text(value)),
            )
            row = int(index) + 1 if pd.api.types.is_integer(index) else None
            raise DataError(message, source="charter_compliance.csv", row=row, column="met")
    return sum(f is True for f in flags), sum(f is not None for f in flags)
