"""Dates written as text: ISO 8601, day first (``31/01/2024``), or a declared format.

Italian offices write ``31/01/2024`` and ``31/01/2024 09:30``; the tool and
databases write ISO 8601 (``2024-01-31T09:30``). :func:`read_dates` reads
the date columns of a table (:func:`is_date_column`: ``date``, ``*_date``,
``*_at``...) one way only:

* ISO 8601 is read as it is;
* with a ``date_format`` (strftime syntax, ``%d/%m/%Y %H:%M``) the other
  cells are read in it;
* without one, ``D/M/YYYY``, ``D.M.YYYY`` and ``D-M-YYYY``, with an
  optional ``H:MM`` or ``H:MM:SS``, are read day first. A cell that reads
  only month first (``01/31/2024``), a two-digit year (``31/01/24``: which
  century?) and a day that does not exist (``31/02/2024``) are errors
  naming the row and the column, never guessed.

Date-times without an offset stay naive (local office time); none is moved
to UTC. Cells of a date column that look like no date at all are left as
they are, for the checks of the data to report.

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"received_at": ["31/01/2024", "2024-02-01 09:30", "01/02/2024 9:30"]})
>>> read_dates(frame, source="x.csv")["received_at"].dt.strftime("%Y-%m-%d %H:%M").tolist()
['2024-01-31 00:00', '2024-02-01 09:30', '2024-02-01 09:30']
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection

import numpy as np
import pandas as pd

from qualitapa.errors import DataError

_ISO = r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_OFFSET = r"(?:[Zz]|[+-]\d{2}(?::?\d{2})?)"
_DAY_FIRST = (
    r"(?P<d>\d{1,2})(?P<sep>[/.\-])(?P<m>\d{1,2})(?P=sep)(?P<y>\d+)"
    r"(?:[ T]+(?P<H>\d{1,2})[:.](?P<M>\d{2})(?:[:.](?P<S>\d{2}))?)?"
)
_TIME_DIRECTIVES = re.compile(r"%[HIMSpfXcT]")

MONTH_FIRST = "reads only month first: dates are read day first (31/01/2024)"
SHORT_YEAR = "two-digit year (which century?)"
NOT_A_DAY = "no such day"


def is_date_column(name: object) -> bool:
    """Whether a column holds dates, by its name: ``date``, ``datetime``, ``*_date``,
    ``*_datetime``, ``date_*``, ``*_at`` (``received_at``, ``due_date``...).

    Examples
    --------
    >>> [is_date_column(c) for c in ("received_at", "due_date", "date", "value", "format")]
    [True, True, True, False, False]
    """
    if not isinstance(name, str):
        return False
    n = name.strip().lower()
    return (
        n in ("date", "datetime")
        or n.endswith(("_at", "_date", "_datetime"))
        or n.startswith("date_")
    )


def _iso_text(parts: pd.DataFrame) -> pd.Series:
    """``YYYY-MM-DD[THH:MM[:SS]]`` from the day-first parts."""
    text = parts["y"] + "-" + parts["m"].str.zfill(2) + "-" + parts["d"].str.zfill(2)
    timed = parts["H"].notna()
    clock = "T" + parts["H"].str.zfill(2) + ":" + parts["M"]
    clock = clock.where(parts["S"].isna(), clock + ":" + parts["S"])
    return text.where(~timed, text + clock)


def _day_first(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(ISO text where read, the problem where a date-shaped cell cannot be)."""
    parts = text.str.extract(f"^{_DAY_FIRST}$")
    shaped = parts["d"].notna()
    problem = pd.Series(np.nan, index=text.index, dtype=object)
    iso = pd.Series(np.nan, index=text.index, dtype=object)
    if not shaped.any():
        return iso, problem
    parts = parts[shaped]
    day, month = parts["d"].astype(int), parts["m"].astype(int)
    short = parts["y"].str.len() != 4
    flipped = ~short & (month > 12) & (day <= 12) & (month <= 31)
    reason = np.full(len(parts), None, dtype=object)
    reason[flipped.to_numpy(dtype=bool)] = MONTH_FIRST
    reason[short.to_numpy(dtype=bool)] = SHORT_YEAR
    problem = problem.mask(shaped, pd.Series(reason, index=parts.index, dtype=object))
    fine = ~short & ~flipped
    return iso.mask(shaped & fine.reindex(text.index, fill_value=False), _iso_text(parts)), problem


def _in_format(text: pd.Series, date_format: str) -> tuple[pd.Series, pd.Series]:
    """(ISO text where read in ``date_format``, the problem where not)."""
    parsed = pd.to_datetime(text, format=date_format, errors="coerce")
    shape = "%Y-%m-%dT%H:%M:%S" if _TIME_DIRECTIVES.search(date_format) else "%Y-%m-%d"
    iso = parsed.dt.strftime(shape).where(parsed.notna(), np.nan).astype(object)
    problem = pd.Series(np.nan, index=text.index, dtype=object)
    return iso, problem.mask(parsed.isna(), f"not a date in the format {date_format}")


def _read_column(values: pd.Series, date_format: str | None) -> tuple[pd.Series, pd.Series, bool]:
    """(the cells with dates as ISO text, the problem of each cell, all naive ISO)."""
    is_text = np.fromiter((isinstance(v, str) for v in values), dtype=bool, count=len(values))
    codes, uniques = pd.factorize(values.where(is_text).str.strip())
    u = pd.Series(uniques, dtype=object)
    iso_naive = u.str.fullmatch(_ISO).astype(bool)
    iso_offset = u.str.fullmatch(_ISO + r"\s*" + _OFFSET).astype(bool)
    rest = u[~iso_naive & ~iso_offset & (u != "")]
    iso, problem = _in_format(rest, date_format) if date_format else _day_first(rest)
    done = u.copy()
    done[iso.dropna().index] = iso.dropna()
    naive = iso_naive.copy()
    naive[iso.dropna().index] = True
    # a naive ISO date that does not exist (2024-02-30): no such day
    check = done[naive]
    bad_day = pd.to_datetime(check, format="ISO8601", errors="coerce").isna()
    problem = problem.reindex(u.index)
    problem[check[bad_day].index] = NOT_A_DAY
    naive &= problem.isna()
    pick = np.where(codes >= 0, codes, 0)
    taken = codes >= 0
    cells = values.astype(object).copy()
    if len(u):
        cells[taken] = done.to_numpy(dtype=object)[pick][taken]
        problems = pd.Series(problem.to_numpy(dtype=object)[pick], index=values.index)
        problems[~taken] = np.nan
        others = values[values.notna().to_numpy() & ~is_text]  # Excel's own date cells
        all_naive = bool(naive.to_numpy()[pick][taken].all()) and all(
            isinstance(v, dt.datetime | np.datetime64) and getattr(v, "tzinfo", None) is None
            for v in others
        )
    else:
        problems = pd.Series(np.nan, index=values.index, dtype=object)
        all_naive = False
    return cells, problems, all_naive


def _date_error(cases: pd.DataFrame, source: str | None, date_format: str | None) -> DataError:
    first = cases.iloc[0]
    value, reason = str(first["value"]).strip(), str(first["problem"])
    if reason == MONTH_FIRST:
        hint = "if the file writes month first, give --date-format %m/%d/%Y"
    elif reason == SHORT_YEAR:
        hint = "write the year in four digits, or give --date-format %d/%m/%y"
    elif date_format:
        hint = "correct the cell, or give the format the file uses with --date-format"
    else:
        hint = "correct the cell"
    if "--date-format" in hint:
        hint += " (date_format= in Python)"
    return DataError(
        f"{value!r} is not a date: {reason}; {hint}",
        source=source,
        row=int(first["row"]),
        column=str(first["column"]),
        failure_cases=cases,
    )


def read_dates(
    frame: pd.DataFrame,
    *,
    date_format: str | None = None,
    source: str | None = None,
    skip: Collection[object] = (),
    as_text: bool = False,
) -> pd.DataFrame:
    """Read the text dates of ``frame``'s date columns (see the module's rules).

    Parameters
    ----------
    frame
        The table as read; not changed.
    date_format
        strftime format of the dates that are not ISO 8601 (``%d/%m/%Y``);
        None reads them day first.
    source
        The file, for messages.
    skip
        Columns left as they are (those given a dtype).
    as_text
        Write the dates as ISO 8601 text (the table was read as text);
        otherwise a column of naive dates and date-times becomes
        ``datetime64`` (a column with offsets stays ISO text: nothing is
        moved to UTC).

    Raises
    ------
    DataError
        A date-shaped cell that reads only month first, has a two-digit
        year, names a day that does not exist, or does not match
        ``date_format``; ``failure_cases`` lists them all.
    """
    columns = [
        c
        for c in frame.columns
        if is_date_column(c)
        and c not in skip
        and (pd.api.types.is_object_dtype(frame[c]) or pd.api.types.is_string_dtype(frame[c]))
    ]
    if not columns:
        return frame
    out = frame.copy()
    cases = []
    for col in columns:  # the few date columns, each vectorised
        cells, problems, all_naive = _read_column(out[col], date_format)
        bad = problems.notna().to_numpy()
        if bad.any():
            rows = np.flatnonzero(bad)
            cases.append(
                pd.DataFrame(
                    {
                        "row": rows + 1,
                        "column": str(col),
                        "value": out[col].iloc[rows].to_numpy(dtype=object),
                        "problem": problems.iloc[rows].to_numpy(dtype=object),
                    }
                )
            )
            continue
        if all_naive and not as_text:
            out[col] = pd.to_datetime(cells, format="ISO8601")
        else:
            out[col] = cells.astype(out[col].dtype) if as_text else cells
    if cases:
        table = pd.concat(cases, ignore_index=True).sort_values(["row", "column"], kind="stable")
        raise _date_error(table.reset_index(drop=True), source, date_format)
    return out
