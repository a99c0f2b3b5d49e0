"""Office time zones of table rows: each organization's zone, naive office times to UTC.

Core helpers shared by the complaint register (event times), the open-data
package and the JSON/CSV writers (times written as office time with the
offset): the zone of each row is its organization's
(:attr:`qualitapa.Organization.timezone`), Europe/Rome by default; a
wall-clock time a daylight-saving change skips or repeats is never guessed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from qualitapa.models import DEFAULT_TIMEZONE

if TYPE_CHECKING:
    from qualitapa.catalog import Catalog

__all__ = ["instant_text", "localize", "offset_text", "zone_groups", "zones_of"]


def _zone_names(zones: Catalog | Mapping[str, Any]) -> dict[str, str]:
    """organization id -> zone name, from a catalog's organizations or a mapping."""
    organizations = getattr(zones, "organizations", None)
    if organizations is not None:
        return {str(k): str(o.timezone) for k, o in organizations.items()}
    return {str(k): str(getattr(v, "key", v)) for k, v in dict(zones).items()}  # type: ignore[arg-type]


def zones_of(
    organizations: pd.Series | None,
    n: int,
    catalog: Catalog | Mapping[str, Any] | None = None,
    default: str = DEFAULT_TIMEZONE,
) -> pd.Series:
    """The time zone name of each row: its organization's in ``catalog``, else ``default``.

    Parameters
    ----------
    organizations
        The organization code of each row (None: no such column).
    n
        The number of rows.
    catalog
        Where organizations' :attr:`~qualitapa.Organization.timezone` is
        looked up, or a mapping organization id -> zone (a name or a
        :class:`zoneinfo.ZoneInfo`); without it (or for a code it lacks)
        every row is in ``default``.
    default
        The zone of rows without a known organization (Europe/Rome).

    Returns
    -------
    pd.Series
        Zone names (object), by position (a fresh ``RangeIndex``).

    Examples
    --------
    >>> zones_of(pd.Series(["036023", None]), 2).tolist()
    ['Europe/Rome', 'Europe/Rome']
    >>> zones_of(pd.Series(["london", "036023"]), 2, {"london": "Europe/London"}).tolist()
    ['Europe/London', 'Europe/Rome']
    """
    if organizations is None or catalog is None:
        return pd.Series([default] * n, dtype=object)
    codes = organizations.reset_index(drop=True).astype(object)
    zones = codes.map(_zone_names(catalog))
    return zones.where(zones.notna(), default).astype(object)


def zone_groups(zones: str | pd.Series, n: int) -> list[tuple[str, np.ndarray]]:
    """(zone, row positions) per distinct zone: tz_convert works one zone at a time."""
    if isinstance(zones, str):
        return [(zones, np.arange(n))]
    codes, uniques = pd.factorize(pd.Series(zones).reset_index(drop=True), use_na_sentinel=False)
    return [(str(z), np.flatnonzero(codes == i)) for i, z in enumerate(uniques)]


def localize(values: pd.Series, zones: str | pd.Series) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """UTC instants of naive office times, each row in its zone; the DST problems.

    Parameters
    ----------
    values
        Naive date-times (``datetime64``): wall-clock time in the office.
    zones
        One IANA zone name, or one per row (:func:`zones_of`).

    Returns
    -------
    (instants, gap, fold)
        ``datetime64[us, UTC]`` (NaT where missing or not one instant);
        ``gap`` marks office times the clocks skip (2024-03-31 02:30 in
        Europe/Rome), ``fold`` those they repeat (2024-10-27 02:30): neither
        is guessed, both are NaT.

    Examples
    --------
    >>> naive = pd.Series(pd.to_datetime(["2024-02-02 09:30", "2024-03-31 02:30",
    ...                                   "2024-10-27 02:30", "2024-07-02 09:30"]))
    >>> utc, gap, fold = localize(naive, "Europe/Rome")
    >>> utc.dt.strftime("%H:%M").tolist(), gap.tolist(), fold.tolist()
    (['08:30', nan, nan, '07:30'], [False, True, False, False], [False, False, True, False])
    """
    naive = pd.Series(pd.DatetimeIndex(values).as_unit("us"))
    out = np.full(len(naive), np.datetime64("NaT", "us"), dtype="datetime64[us]")
    gap = np.zeros(len(naive), dtype=bool)
    fold = np.zeros(len(naive), dtype=bool)
    present = naive.notna().to_numpy()
    for zone, rows in zone_groups(zones, len(naive)):  # the few zones, each vectorised
        part = naive.iloc[rows]
        first = np.ones(len(part), dtype=bool)
        no_gap = part.dt.tz_localize(zone, ambiguous=first, nonexistent="NaT")
        no_fold = part.dt.tz_localize(zone, ambiguous="NaT", nonexistent="shift_forward")
        gap[rows] = no_gap.isna().to_numpy() & present[rows]
        fold[rows] = no_fold.isna().to_numpy() & present[rows]
        utc = no_gap.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy(dtype="datetime64[us]")
        out[rows] = np.where(fold[rows], np.datetime64("NaT", "us"), utc)
    return pd.Series(out).dt.tz_localize("UTC"), gap, fold


def offset_text(seconds: np.ndarray) -> np.ndarray:
    """UTC offsets (in seconds) as ISO 8601 text: ``+01:00``, ``-03:30``.

    Seconds are written only where an offset has some: the local mean time
    of the 19th century (``+00:49:56`` in Rome before 1893), which
    :meth:`datetime.datetime.fromisoformat` and ``strptime``'s ``%z`` read
    back to the same instant.

    Examples
    --------
    >>> offset_text(np.array([3600, -12600, 0, 2996])).tolist()
    ['+01:00', '-03:30', '+00:00', '+00:49:56']
    """
    distinct, which = np.unique(np.asarray(seconds, dtype=np.int64), return_inverse=True)
    words = []
    for offset in distinct.tolist():  # the few distinct offsets
        hours, rest = divmod(abs(offset), 3600)
        minutes, secs = divmod(rest, 60)
        sign = "-" if offset < 0 else "+"
        words.append(f"{sign}{hours:02d}:{minutes:02d}" + (f":{secs:02d}" if secs else ""))
    return np.array(words, dtype=object)[which.reshape(-1)]


def _wall_text(times: pd.Series, fraction: np.ndarray) -> np.ndarray:
    """Wall-clock times (none missing) as ``2024-01-31T09:30:00``, ``.%f`` where ``fraction``."""
    text = times.dt.strftime("%Y-%m-%dT%H:%M:%S").to_numpy(dtype=object)
    if fraction.any():
        text[fraction] = times[fraction].dt.strftime("%Y-%m-%dT%H:%M:%S.%f").to_numpy(dtype=object)
    return text


def instant_text(
    times: pd.Series, zones: str | pd.Series | None = None, *, fraction: bool | None = None
) -> pd.Series:
    """ISO 8601 text of date-times as office time with the offset, ``2024-01-31T09:30:00+01:00``.

    The one way qualitapa writes an instant for people and files (the
    complaint exports and Open311, the open-data package, JSON and CSV):
    the wall-clock time of the office with its UTC offset, which reads back
    to the same instant, never moved to UTC ``Z``.

    Parameters
    ----------
    times
        Date-times. Time-zone-aware ones are instants, written in ``zones``
        with the offset; naive ones are written as they are, without one.
    zones
        One IANA zone name, or one per row by position (:func:`zones_of`);
        None: each aware time in its own zone. Not used for naive times.
    fraction
        Whether the seconds have a fraction (``.%f``, microseconds): None,
        only the times that have some; True or False, every time (a column
        declared with one ``format``).

    Returns
    -------
    pd.Series
        Text (object) with the index of ``times``; None where a time is missing.

    Examples
    --------
    >>> utc = pd.Series(pd.to_datetime(["2024-02-02T08:30Z", "2024-07-02T07:30:00.25Z", None],
    ...                                format="ISO8601"))
    >>> instant_text(utc, "Europe/Rome").tolist()
    ['2024-02-02T09:30:00+01:00', '2024-07-02T09:30:00.250000+02:00', None]
    >>> instant_text(utc, pd.Series(["Europe/London"] * 3), fraction=True).tolist()[:2]
    ['2024-02-02T08:30:00.000000+00:00', '2024-07-02T08:30:00.250000+01:00']
    >>> instant_text(utc.dt.tz_localize(None), fraction=False).tolist()
    ['2024-02-02T08:30:00', '2024-07-02T07:30:00', None]
    """
    values = times.reset_index(drop=True)
    n = len(values)
    present = values.notna().to_numpy()
    if fraction is None:
        micro = (values.dt.microsecond.fillna(0) != 0).to_numpy()
    else:
        micro = np.full(n, fraction)
    aware = values.dt.tz is not None
    out = np.full(n, None, dtype=object)
    groups = zone_groups(zones, n) if aware and zones is not None else [("", np.arange(n))]
    for zone, rows in groups:  # the few zones, each vectorised
        shown = rows[present[rows]]
        if not len(shown):
            continue
        part = values.iloc[shown]
        if zone:
            part = part.dt.tz_convert(zone)
        text = _wall_text(part, micro[shown])
        if aware:
            utc = part.dt.tz_convert("UTC").dt.tz_localize(None)
            offset = (part.dt.tz_localize(None) - utc) // pd.Timedelta(seconds=1)
            text = text + offset_text(offset.to_numpy(dtype=np.int64))
        out[shown] = text
    return pd.Series(out, index=times.index, dtype=object)
