"""Instants people type: office time, daylight-saving gaps, nothing in the future.

A complaint register is append-only, so a wrong date stays for ever: a
change dated 9999-12-31 would make every later change "before the last
event" and freeze the complaint. Times are therefore checked where they
come in:

* text is ISO 8601 (``2024-03-31T09:30``, ``2024-03-31 09:30+02:00``,
  ``2024-03-31``); a time without offset is office time (``tz``);
* an office time that does not exist (the hour skipped when clocks go
  forward, 2024-03-31 02:30 in Europe/Rome) or that happens twice (the hour
  repeated when they go back, 2024-10-27 02:30) is an error asking for the
  offset, never a guess;
* an instant later than now plus :data:`FUTURE_TOLERANCE` is refused.

Many instants at once, each row in its organization's time zone
(:func:`zones_of`; a register may hold several organizations): one
vectorised conversion per zone. :func:`localize` reads naive office times
(marking the hours skipped or repeated); :func:`local_text` and
:func:`localise` write instants as office time with the offset
(``2024-02-02T09:30:00+01:00``), which reads back to the same instant;
:func:`local_days` gives office days.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from typing import Any

import numpy as np
import pandas as pd

from qualitapa._zones import instant_text, offset_text
from qualitapa._zones import zone_groups as _groups
from qualitapa.errors import DataError

#: How far ahead of this computer's clock an instant may be: other clocks
#: (a counter PC, the mail server) run a little fast. Later is refused.
FUTURE_TOLERANCE = dt.timedelta(minutes=5)

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]|$)")
_EXAMPLE = "use ISO 8601, e.g. 2024-01-31T09:30:00+01:00"


def future_limit_us() -> int:
    """Microseconds since the epoch (UTC) of now plus :data:`FUTURE_TOLERANCE`."""
    delta = dt.datetime.now(dt.UTC) + FUTURE_TOLERANCE - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _shown(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="minutes" if not value.second else "seconds")
    return repr(value) if isinstance(value, str) else str(value)


def _parse(value: Any, what: str) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value.to_pydatetime() if isinstance(value, pd.Timestamp) else value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, np.datetime64):
        return _parse(pd.Timestamp(value), what)
    if isinstance(value, str):
        text = value.strip()
        try:
            return dt.datetime.fromisoformat(text)
        except ValueError:
            pass
        parsed = None
        if _ISO_DATE.match(text):  # ISO 8601 forms Python does not read (nanoseconds)
            try:
                parsed = pd.Timestamp(text)
            except (ValueError, TypeError, OverflowError):
                parsed = None
        if parsed is not None and not pd.isna(parsed):
            return parsed.to_pydatetime(warn=False)
    raise DataError(f"{what}: {_shown(value)} is not a date-time ({_EXAMPLE})")


def instant(value: Any, tz: str, *, what: str = "the date-time") -> dt.datetime:
    """The UTC instant of ``value``; a time without offset is office time in ``tz``.

    Parameters
    ----------
    value
        A timezone-aware or naive :class:`datetime.datetime`, a date, a
        :class:`pandas.Timestamp`, or ISO 8601 text.
    tz
        The office timezone (IANA name, e.g. ``"Europe/Rome"``).
    what
        How the value is called in error messages (an option or field name).

    Raises
    ------
    DataError
        Not a date-time, an office time skipped or repeated by a
        daylight-saving change, or out of range.

    Examples
    --------
    >>> instant("2024-03-31 03:30", "Europe/Rome").isoformat()
    '2024-03-31T01:30:00+00:00'
    >>> instant("2024-03-31 02:30", "Europe/Rome")
    Traceback (most recent call last):
    ...
    qualitapa.errors.DataError: the date-time: 2024-03-31 02:30 does not exist in Europe/Rome ...
    """
    when = _parse(value, what)
    try:
        if when.tzinfo is None or when.utcoffset() is None:
            zone = zoneinfo.ZoneInfo(tz)
            early = when.replace(tzinfo=zone, fold=0)
            late = when.replace(tzinfo=zone, fold=1)
            if early.utcoffset() != late.utcoffset():
                shown = _shown(when)
                back = early.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None)
                if back != when:
                    raise DataError(
                        f"{what}: {shown} does not exist in {tz} (the clocks go forward at that "
                        f"hour): give a time that exists, e.g. {_shown(back)}, or an offset"
                    )
                raise DataError(
                    f"{what}: {shown} happens twice in {tz} (the clocks go back at that hour); "
                    f"give the offset: {when.isoformat()}{_offset(early)} (first) or "
                    f"{when.isoformat()}{_offset(late)} (second)"
                )
            when = early
        return when.astimezone(dt.UTC)
    except (OverflowError, ValueError) as exc:
        if isinstance(exc, DataError):
            raise
        raise DataError(f"{what}: {_shown(value)} is out of range ({exc})") from None


def _offset(when: dt.datetime) -> str:
    off = when.utcoffset() or dt.timedelta(0)
    return str(offset_text(np.array([off // dt.timedelta(seconds=1)]))[0])


# -- many instants at once: each row in its organization's zone ----------------


def local_text(values: pd.Series, zones: str | pd.Series) -> pd.Series:
    """ISO 8601 text of instants in each row's office time, with the offset.

    ``2024-02-02T09:30:00+01:00`` in winter, ``+02:00`` in summer;
    microseconds only where there are some (the text reads back to the same
    instant: :func:`qualitapa._zones.instant_text`). Naive values are taken
    as UTC (the register's); missing ones stay missing (None).

    Examples
    --------
    >>> utc = pd.Series(pd.to_datetime(["2024-02-02T08:30Z", "2024-07-02T07:30Z", None]))
    >>> local_text(utc, "Europe/Rome").tolist()
    ['2024-02-02T09:30:00+01:00', '2024-07-02T09:30:00+02:00', None]
    >>> local_text(utc, pd.Series(["Europe/Rome", "Europe/London", "Europe/Rome"])).tolist()
    ['2024-02-02T09:30:00+01:00', '2024-07-02T08:30:00+01:00', None]
    """
    idx = pd.DatetimeIndex(values)
    if idx.tz is None:
        idx = idx.tz_localize("UTC")
    return instant_text(pd.Series(idx.as_unit("us")), zones)


def localise(frame: pd.DataFrame, zones: str | pd.Series) -> pd.DataFrame:
    """A copy of ``frame`` with every instant column as office time with offset.

    Columns of timezone-aware date-times (the register's UTC instants)
    become ISO 8601 text in each row's zone (:func:`local_text`); naive
    date-times and dates (``due_date``: a calendar day) are left as they
    are.

    Examples
    --------
    >>> frame = pd.DataFrame({"received_at": pd.to_datetime(["2024-02-02T08:30Z"]),
    ...                       "due_date": pd.to_datetime(["2024-03-03"])})
    >>> localise(frame, "Europe/Rome").iloc[0].tolist()
    ['2024-02-02T09:30:00+01:00', Timestamp('2024-03-03 00:00:00')]
    """
    out = frame.copy()
    for col in frame.columns:
        if isinstance(frame[col].dtype, pd.DatetimeTZDtype):
            out[col] = local_text(frame[col], zones).to_numpy(dtype=object)
    return out


def local_days(values: pd.Series, zones: str | pd.Series) -> np.ndarray:
    """The office day (``datetime64[D]``) of each instant, in its row's zone (NaT: missing).

    Examples
    --------
    >>> utc = pd.Series(pd.to_datetime(["2024-02-01T23:30Z", "2024-02-01T23:30Z"]))
    >>> local_days(utc, pd.Series(["Europe/Rome", "Europe/London"])).tolist()
    [datetime.date(2024, 2, 2), datetime.date(2024, 2, 1)]
    """
    idx = pd.DatetimeIndex(values)
    if idx.tz is None:
        idx = idx.tz_localize("UTC")
    utc = pd.Series(idx.tz_convert("UTC"))
    out = np.full(len(utc), np.datetime64("NaT", "D"), dtype="datetime64[D]")
    for zone, rows in _groups(zones, len(utc)):
        local = utc.iloc[rows].dt.tz_convert(zone).dt.tz_localize(None)
        out[rows] = local.to_numpy().astype("datetime64[D]")
    return out
