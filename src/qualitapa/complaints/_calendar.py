"""Working-day calendars for Italian municipalities.

A :class:`WorkCalendar` knows the national holidays and the local one of a
city (its patron saint) through the province subdivisions of the
`holidays <https://pypi.org/project/holidays/>`_ package
(``holidays.Italy(subdiv="MO")`` adds 31 January, San Geminiano, for
Modena), and the working week (Monday to Friday by default). Day counts are
vectorised with :func:`numpy.busday_count` and :func:`numpy.busday_offset`.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

import attrs
import holidays
import numpy as np
import pandas as pd

from qualitapa.errors import DataError
from qualitapa.problems import check_option

#: Timezone used to turn instants into office dates.
DEFAULT_TZ = "Europe/Rome"

#: The languages of holiday names, as the holidays package calls them.
_HOLIDAY_LANGUAGES = {"it": "it_IT", "en": "en_US"}

_FIRST_YEAR = 1990
_LAST_YEAR = 2100


@functools.lru_cache(maxsize=128)
def _holiday_array(province: str | None, extra: tuple[dt.date, ...]) -> np.ndarray:
    years = range(_FIRST_YEAR, _LAST_YEAR + 1)
    try:
        cal = holidays.Italy(subdiv=province, years=years)
    except NotImplementedError as exc:
        raise DataError(
            f"unknown Italian province code {province!r} (use the two-letter code, e.g. 'MO')"
        ) from exc
    days = sorted(set(cal.keys()) | set(extra))
    return np.array(days, dtype="datetime64[D]")


def _dates(values: Any) -> tuple[dt.date, ...]:
    return tuple(sorted(pd.to_datetime(list(values)).date))


@attrs.frozen
class WorkCalendar:
    """Holidays and working week of one municipality.

    Parameters
    ----------
    province
        Two-letter province code (``"MO"`` Modena, ``"MI"`` Milano, ``"BG"``
        Bergamo, ``"TN"`` Trento...) whose patron-saint day is a holiday;
        None for national holidays only.
    weekmask
        Working days of the week, Monday first (``"1111100"``: Monday to
        Friday; ``"1111110"`` counts Saturday too).
    extra_holidays
        Further closing days (e.g. a local holiday the package lacks).

    Examples
    --------
    >>> import datetime as dt
    >>> mo = WorkCalendar("MO")
    >>> mo.is_working_day(["2024-01-30", "2024-01-31"]).tolist()   # San Geminiano
    [True, False]
    >>> mo.add_working_days("2024-01-30", 1)
    datetime.date(2024, 2, 1)
    """

    province: str | None = attrs.field(default=None)
    weekmask: str = attrs.field(default="1111100")
    extra_holidays: tuple[dt.date, ...] = attrs.field(default=(), converter=_dates)

    @weekmask.validator
    def _check_weekmask(self, attribute: attrs.Attribute[Any], value: str) -> None:
        if len(value) != 7 or set(value) - {"0", "1"} or "1" not in value:
            raise DataError(f"weekmask is seven 0/1 digits, Monday first, not {value!r}")

    @province.validator
    def _check_province(self, attribute: attrs.Attribute[Any], value: str | None) -> None:
        if value is not None and value not in holidays.Italy.subdivisions:
            raise DataError(
                f"unknown Italian province code {value!r} (use the two-letter code, e.g. 'MO')"
            )

    @functools.cached_property
    def _busdaycal(self) -> np.busdaycalendar:
        return np.busdaycalendar(
            weekmask=self.weekmask, holidays=_holiday_array(self.province, self.extra_holidays)
        )

    def holidays(self, year: int, lang: str = "it") -> pd.DataFrame:
        """The holidays of ``year`` (columns ``date``, ``name``).

        The names are in ``lang`` (``"it"``, default, or ``"en"``), whatever
        the machine's locale: the holidays package names them after the
        ``LANG`` environment variable when no language is given.

        Examples
        --------
        >>> WorkCalendar("MI").holidays(2024).iloc[-4:]["name"].tolist()
        ["Sant'Ambrogio", 'Immacolata Concezione', 'Natale', 'Santo Stefano']
        >>> WorkCalendar("MO").holidays(2024, lang="en").iloc[2]["name"]
        "Saint Geminianus's Day"
        """
        check_option("lang", lang, _HOLIDAY_LANGUAGES)
        cal = holidays.Italy(subdiv=self.province, years=year, language=_HOLIDAY_LANGUAGES[lang])
        rows = sorted(cal.items())
        rows += [(d, "extra") for d in self.extra_holidays if d.year == year]
        return pd.DataFrame(sorted(rows), columns=["date", "name"])

    def is_working_day(self, dates: Any) -> np.ndarray:
        """Whether each date is a working day."""
        return np.is_busday(_as_days(dates), busdaycal=self._busdaycal)

    def working_days_between(self, start: Any, end: Any) -> np.ndarray | int:
        """Signed number of working days from ``start`` to ``end``.

        Number the working days ``W1 < W2 < ...`` and let ``F(x)`` be how
        many of them fall on or before ``x``; the result is ``F(end) -
        F(start)``. For ``start <= end`` that is the working days in
        ``(start, end]``: ``start`` itself never counts, ``end`` counts
        when it is a working day; this is the elapsed time in working days
        of a complaint received on ``start`` and answered on ``end``. For
        ``end < start`` it is minus the working days in ``(end, start]``,
        so the count is antisymmetric (``between(a, b) == -between(b, a)``)
        and additive (``between(a, b) + between(b, c) == between(a, c)``).
        A start on a closed day counts like the working day before it.
        Scalars in, int out; arrays in (broadcast), array out.

        Examples
        --------
        >>> cal = WorkCalendar()
        >>> cal.working_days_between("2024-01-12", "2024-01-15")   # Fri -> Mon
        1
        >>> cal.working_days_between("2024-01-15", "2024-01-12")
        -1
        """
        s, e = _as_days(start), _as_days(end)
        if s.ndim and e.ndim and s.shape == e.shape and s.size >= _TABLE_MIN:
            table = self._numbering(s, e)
            counted = None if table is None else table.between(s, e)
            if counted is not None:
                return counted
        lo, hi = np.minimum(s, e), np.maximum(s, e)
        # numpy counts [lo, hi); a reversed call would count (hi, lo] instead
        # (numpy >= 1.25), so always count forwards and apply the sign.
        day = np.timedelta64(1, "D")  # a bare 1 is a 'generic' unit, deprecated in numpy 2.5
        count = np.busday_count(lo + day, hi + day, busdaycal=self._busdaycal)
        out = np.where(e < s, -count, count)
        return int(out) if np.ndim(out) == 0 else out

    def add_working_days(self, start: Any, days: Any) -> Any:
        """The ``days``-th working day after ``start`` (``start`` itself not counted).

        With the numbering of :meth:`working_days_between`, this is
        ``W[F(start) + days]``, so ``working_days_between(start,
        add_working_days(start, days)) == days`` for every ``start``. A
        start on a closed day counts from the previous working day: a
        complaint received on Saturday with one working day is due Monday.
        ``days = 0`` gives the last working day on or before ``start``;
        negative ``days`` count backwards.
        Scalars in, :class:`datetime.date` out; arrays in, ``datetime64[D]`` out.
        """
        s = _as_days(start)
        if s.ndim and s.size >= _TABLE_MIN and np.shape(days) in ((), s.shape):
            steps = np.broadcast_to(np.asarray(days, dtype=np.int64), s.shape)
            table = self._numbering(s, s, pad=int(np.abs(steps).max(initial=0)))
            fast = None if table is None else table.offset(s, steps)
            if fast is not None:
                return fast
        out = np.busday_offset(s, days, roll="backward", busdaycal=self._busdaycal)
        if np.ndim(out) == 0:
            return np.asarray(out).item()
        return out

    def _numbering(self, start: np.ndarray, end: np.ndarray, pad: int = 0) -> _Numbering | None:
        """The working days numbered over the days ``start`` and ``end`` span (None: too long)."""
        bounds = [_known_range(start), _known_range(end)]
        known = [b for b in bounds if b is not None]
        if not known:
            return None
        margin = 2 * pad + 31  # a deadline of ``pad`` working days ends within this
        lo = min(b[0] for b in known) - margin
        span = max(b[1] for b in known) + margin - lo + 1
        if span > _TABLE_MAX:
            return None
        days = (lo + np.arange(span)).astype("datetime64[D]")
        return _Numbering(days[0], np.is_busday(days, busdaycal=self._busdaycal))


def _known_range(days: np.ndarray) -> tuple[int, int] | None:
    """The first and last day (days since 1970) of ``days``, NaT skipped; None if all NaT."""
    values = days.view(np.int64)
    nat = np.iinfo(np.int64).min  # NaT, viewed as an integer
    last = int(values.max(initial=nat))
    if last == nat:
        return None
    return int(values.min(where=values != nat, initial=last)), last


#: Arrays at least this long count working days on a numbered table (one
#: lookup per date) rather than numpy's busday functions (a walk per date).
_TABLE_MIN = 64
#: The longest span of days (about 270 years) numbered in a table.
_TABLE_MAX = 100_000


class _Numbering:
    """The working days of a span of days, numbered: ``F(x)``, and ``W[k]`` back.

    ``F(x)`` is how many working days fall on or before ``x`` (counted from
    the span's first day): :meth:`WorkCalendar.working_days_between` is
    ``F(end) - F(start)``, :meth:`WorkCalendar.add_working_days` is
    ``W[F(start) + days]``. Dates outside the span give None (the caller
    falls back to numpy).
    """

    def __init__(self, first: np.datetime64, working: np.ndarray) -> None:
        self.first = first
        self.count = np.cumsum(working, dtype=np.int64)  # F of each day of the span
        self.days = np.flatnonzero(working)  # W[k] (0-based) as offsets from ``first``

    def _index(self, dates: np.ndarray) -> np.ndarray:
        day = dates.astype("datetime64[D]", copy=False).view(np.int64)
        return day - self.first.astype(np.int64)

    def between(self, start: np.ndarray, end: np.ndarray) -> np.ndarray | None:
        if np.isnat(start).any() or np.isnat(end).any():
            return None  # numpy says what is wrong with a missing date
        return self.count[self._index(end)] - self.count[self._index(start)]

    def offset(self, start: np.ndarray, steps: np.ndarray) -> np.ndarray | None:
        missing = np.isnat(start)
        k = self.count[np.where(missing, 0, self._index(start))] + steps - 1
        if ((k < 0) | (k >= len(self.days)))[~missing].any():
            return None
        out = self.first + self.days[np.clip(k, 0, len(self.days) - 1)].astype("timedelta64[D]")
        out[missing] = np.datetime64("NaT")
        return out


def _as_days(values: Any) -> np.ndarray:
    if isinstance(values, (str, dt.date, np.datetime64)):
        return np.asarray(np.datetime64(pd.Timestamp(values).date(), "D"))
    if isinstance(values, pd.Series):
        values = values.to_numpy()
    arr = np.asarray(values)
    if arr.dtype.kind == "M":
        return arr.astype("datetime64[D]", copy=False)
    if arr.dtype == object or arr.dtype.kind in "US":
        return pd.to_datetime(arr).to_numpy().astype("datetime64[D]")
    raise DataError(f"expected dates, got values of type {arr.dtype}")


def to_local_dates(
    values: pd.Series | pd.DatetimeIndex, tz: str | pd.Series = DEFAULT_TZ
) -> np.ndarray:
    """Office dates (``datetime64[D]``) of instants, in timezone ``tz``.

    Timezone-aware values are converted to ``tz`` (one zone, or one per
    row: each complaint's organization's); naive values are taken as
    already local. Missing values become ``NaT``.

    Examples
    --------
    >>> s = pd.Series(pd.to_datetime(["2024-01-30T23:30:00Z"]))
    >>> to_local_dates(s)   # 00:30 on the 31st in Rome
    array(['2024-01-31'], dtype='datetime64[D]')
    >>> to_local_dates(s, pd.Series(["Europe/London"]))
    array(['2024-01-30'], dtype='datetime64[D]')
    """
    idx = pd.DatetimeIndex(values)
    if idx.tz is None:
        return idx.to_numpy().astype("datetime64[D]")
    if not isinstance(tz, str):
        from qualitapa.complaints._instants import local_days

        return local_days(pd.Series(idx), tz)
    return idx.tz_convert(tz).tz_localize(None).to_numpy().astype("datetime64[D]")
