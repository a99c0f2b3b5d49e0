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

from qualitapa._reading import cell_error
from qualitapa.errors import DataError, Message
from qualitapa.i18n import N_

_ISO = r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_OFFSET = r"(?:[Zz]|[+-]\d{2}(?::?\d{2})?)"
_DAY_FIRST = (
    r"(?P<d>\d{1,2})(?P<sep>[/.\-])(?P<m>\d{1,2})(?P=sep)(?P<y>\d{1,4})"
    r"(?:[ T]+(?P<H>\d{1,2})[:.](?P<M>\d{2})(?:[:.](?P<S>\d{2}))?)?"
)
_TIME_DIRECTIVES = re.compile(r"%[HIMSpfXcT]")

MONTH_FIRST = Message(
    "reads only month first: dates are read day first (31/01/2024)",
    N_("si legge solo con il mese prima: le date si leggono con il giorno prima (31/01/2024)"),
)
SHORT_YEAR = Message("two-digit year (which century?)", N_("anno di due cifre (quale secolo?)"))
NOT_A_DAY = Message("no such day", N_("giorno inesistente"))


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


def _day_first(text: pd.Series, as_text: bool) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(the date-time, ISO text if ``as_text``, the problem) of each day-first cell.

    The parts are read by one regular expression, the date-times built from
    their numbers at once (a day that does not exist gives none).
    """
    parts = text.str.extract(f"^{_DAY_FIRST}$")
    shaped = parts["d"].notna()
    problem = pd.Series(np.nan, index=text.index, dtype=object)
    iso = pd.Series(np.nan, index=text.index, dtype=object)
    when = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]")
    if not shaped.any():
        return when, iso, problem
    parts = parts[shaped]
    day, month = parts["d"].astype(int), parts["m"].astype(int)
    short = parts["y"].str.len() != 4
    flipped = ~short & (month > 12) & (day <= 12) & (month <= 31)
    reason = np.full(len(parts), None, dtype=object)
    reason[flipped.to_numpy(dtype=bool)] = MONTH_FIRST
    reason[short.to_numpy(dtype=bool)] = SHORT_YEAR
    numbers = pd.DataFrame(
        {
            "year": parts["y"].astype(int),
            "month": month,
            "day": day,
            "hour": parts["H"].fillna("0").astype(int),
            "minute": parts["M"].fillna("0").astype(int),
            "second": parts["S"].fillna("0").astype(int),
        }
    ).where(~short & ~flipped, 1)
    built = pd.to_datetime(numbers, errors="coerce")
    reason[(built.isna() & ~short & ~flipped).to_numpy(dtype=bool)] = NOT_A_DAY
    fine = pd.Series(reason, index=parts.index).isna()
    problem = problem.mask(shaped, pd.Series(reason, index=parts.index, dtype=object))
    when = when.mask(shaped & fine.reindex(text.index, fill_value=False), built)
    if as_text:
        iso = iso.mask(shaped & fine.reindex(text.index, fill_value=False), _iso_text(parts))
    return when, iso, problem


def _in_format(
    text: pd.Series, date_format: str, as_text: bool
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(the date-time, ISO text if ``as_text``, the problem) of each cell in ``date_format``."""
    parsed = pd.to_datetime(text, format=date_format, errors="coerce")
    iso = pd.Series(np.nan, index=text.index, dtype=object)
    if as_text:
        shape = "%Y-%m-%dT%H:%M:%S" if _TIME_DIRECTIVES.search(date_format) else "%Y-%m-%d"
        iso = parsed.dt.strftime(shape).where(parsed.notna(), np.nan).astype(object)
    problem = pd.Series(np.nan, index=text.index, dtype=object)
    not_in = Message(
        "not a date in the format {format}", N_("non è una data nel formato {format}"),
        format=date_format,
    )  # fmt: skip
    return parsed, iso, problem.mask(parsed.isna(), not_in)


def _text_cells(values: pd.Series) -> np.ndarray:
    if pd.api.types.is_string_dtype(values.dtype) and not pd.api.types.is_object_dtype(values):
        return values.notna().to_numpy(dtype=bool)
    return np.fromiter((isinstance(v, str) for v in values), dtype=bool, count=len(values))


def _read_column(
    values: pd.Series, date_format: str | None, as_text: bool
) -> tuple[pd.Series, pd.Series]:
    """(the column with its dates read, the problem of each cell)."""
    is_text = _text_cells(values)
    if not is_text.any():  # Excel's own date cells (or none): typed as pandas infers them
        return values.infer_objects(), pd.Series(np.nan, index=values.index, dtype=object)
    codes, uniques = pd.factorize(values.where(is_text))
    u = pd.Series(uniques, dtype=object).str.strip()
    iso_naive = u.str.fullmatch(_ISO).astype(bool)
    iso_offset = u.str.fullmatch(_ISO + r"\s*" + _OFFSET).astype(bool)
    rest = ~iso_naive & ~iso_offset & (u != "")
    if date_format:
        when, iso, problem = _in_format(u[rest], date_format, as_text)
    else:
        when, iso, problem = _day_first(u[rest], as_text)
    when = when.reindex(u.index)
    # ISO 8601 as written; a naive ISO date that does not exist (2024-02-30): no such day
    plain = pd.to_datetime(u[iso_naive], format="ISO8601", errors="coerce")
    when[plain.index] = plain
    problem = problem.reindex(u.index)
    problem[plain[plain.isna()].index] = NOT_A_DAY
    pick = np.where(codes >= 0, codes, 0)
    taken = codes >= 0
    problems = pd.Series(problem.to_numpy(dtype=object)[pick], index=values.index)
    problems[~taken] = np.nan
    others = values[values.notna().to_numpy() & ~is_text]  # Excel's own date cells
    naive = (when.notna() | (u == "")).to_numpy(dtype=bool)
    all_naive = (
        len(u) > 0
        and bool(naive.all())
        and all(
            isinstance(v, dt.datetime | np.datetime64) and getattr(v, "tzinfo", None) is None
            for v in others
        )
    )
    if all_naive and not as_text:
        column = pd.Series(when.to_numpy()[pick], index=values.index)
        column[~taken] = pd.NaT
        if len(others):
            column[others.index] = pd.to_datetime(others)
        return column, problems
    if not as_text:  # a column that stays text (offsets, cells no date): its dates as ISO text
        if date_format:
            iso = _in_format(u[rest], date_format, True)[1]
        else:
            iso = _day_first(u[rest], True)[1]
    done = u.copy()
    converted = iso.reindex(u.index).dropna()
    done[converted.index] = converted
    cells = values.astype(object).copy()
    if len(u):
        cells[taken] = done.to_numpy(dtype=object)[pick][taken]
    return cells, problems


def _date_error(cases: pd.DataFrame, source: str | None, date_format: str | None) -> DataError:
    first = cases.iloc[0]
    value, reason = str(first["value"]).strip(), str(first["problem"])
    known = {str(m): m for m in (MONTH_FIRST, SHORT_YEAR, NOT_A_DAY)}
    if reason == MONTH_FIRST:
        hint = Message(
            "if the file writes month first, give --date-format %m/%d/%Y (date_format= in Python)",
            N_(
                "se il file scrive prima il mese, indicare --date-format %m/%d/%Y "
                "(date_format= in Python)"
            ),
        )
    elif reason == SHORT_YEAR:
        hint = Message(
            "write the year in four digits, or give --date-format %d/%m/%y (date_format= in "
            "Python)",
            N_(
                "scrivere l'anno con quattro cifre, o indicare --date-format %d/%m/%y "
                "(date_format= in Python)"
            ),
        )
    elif date_format:
        hint = Message(
            "correct the cell, or give the format the file uses with --date-format (date_format= "
            "in Python)",
            N_(
                "correggere la cella, o indicare il formato del file con --date-format "
                "(date_format= in Python)"
            ),
        )
    else:
        hint = Message("correct the cell", N_("correggere la cella"))
    if date_format and reason not in known:
        why: object = Message(
            "not a date in the format {format}", N_("non è una data nel formato {format}"),
            format=date_format,
        )  # fmt: skip
    else:
        why = known.get(reason, reason)
    message = Message(
        "{value} is not a date: {reason}; {hint}",
        N_("{value} non è una data: {reason}; {hint}"),
        value=repr(value),
        reason=why,
        hint=hint,
    )
    return cell_error(message, cases, source)


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
        column, problems = _read_column(out[col], date_format, as_text)
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
        out[col] = column.astype(out[col].dtype) if as_text else column
    if cases:
        table = pd.concat(cases, ignore_index=True).sort_values(["row", "column"], kind="stable")
        raise _date_error(table.reset_index(drop=True), source, date_format)
    return out
