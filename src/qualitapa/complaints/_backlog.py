"""The backlog as it stood at a series of instants (every month end...), in one pass.

Each complaint is open over one stretch of time (from its receipt to its
answer) or, read from its events, over several (a reopened complaint opens
again). The receipts and exits are placed among the sorted instants once
(``searchsorted``), counted per group and instant (``bincount``), and
cumulated along the instants: no call per instant.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from qualitapa.complaints._calendar import DEFAULT_TZ
from qualitapa.complaints._cases import TimeZones, _known_events, _one_zone, _utc_us, row_zones
from qualitapa.complaints._grouped import factorized, group_codes
from qualitapa.complaints._instants import instant
from qualitapa.complaints._models import Status
from qualitapa.errors import DataError, Message
from qualitapa.i18n import N_
from qualitapa.io import require_columns

_OPEN = [s.value for s in Status if s.is_open]
_NEVER = np.iinfo(np.int64).max  # the exit of a complaint still open: never


def backlog(
    frame: pd.DataFrame,
    at: Any = "month-end",
    *,
    by: str | Sequence[str] | None = None,
    events: pd.DataFrame | None = None,
    left_at: str = "answered_at",
    until: Any = None,
    tz: TimeZones = DEFAULT_TZ,
) -> pd.DataFrame:
    """Open complaints (the backlog) at each of a series of instants, by group.

    A complaint is in the backlog at an instant when it had been received
    by then and had not left the backlog yet: the same count as the
    ``open`` column of :func:`kpis` on the register as it stood at that
    instant (``kpis(case_table(..., as_of=t), as_of=t)``), for every
    instant at once.

    Parameters
    ----------
    frame
        One row per complaint: ``received_at``, the ``by`` columns and,
        without ``events``, ``left_at``; with ``events``, ``id``.
    at
        ``"month-end"`` (default): the last instant of every month, in the
        offices' time zone, from the month of the first receipt to the
        month of ``until``, whose row is the backlog at ``until`` itself
        when that month has not ended by then (``until`` at midnight of
        the 1st ends the series with the month before). Or instants: text,
        dates, timestamps (without offset: office time).
    by
        Columns to group by (``service``, ``organization``...).
    events
        The complaints' events (``complaint_id``, ``at``, ``to_status``,
        ``seq`` as :meth:`ComplaintRegister.events_frame` returns them):
        a complaint is open after each event to an open state (received,
        registered, assigned, in progress, suspended, reopened) until the
        next event to another state, so a reopened complaint counts again,
        and one forwarded or rejected leaves the backlog then. Events of
        complaints not in ``frame`` are ignored.
    left_at
        Without ``events``: the column with the instant each complaint
        left the backlog (its answer by default); missing while it is
        still open.
    until
        With ``"month-end"``: the instant the data describes (the
        register's ``as_of``, e.g. now), so the last row is the ``open``
        of :func:`kpis` at ``as_of``. Default: the latest receipt or exit
        in the data, and only the months that ended by then.
    tz
        The offices' time zone: one IANA name, or each organization's (a
        mapping organization -> zone, or a catalog). Times without offset
        are office time in each complaint's zone; month ends and instants
        without offset are in the complaints' common zone (Europe/Rome
        when they differ).

    Returns
    -------
    pandas.DataFrame
        One row per group and instant (every group at every instant, 0
        when nothing was open): the ``by`` columns, ``period`` (``2024-01``,
        with ``"month-end"``), ``as_of`` (the instant, in the offices'
        zone) and ``open``.

    Raises
    ------
    DataError
        A complaint that left the backlog before it was received; without
        ``events``, a ``status`` column that contradicts ``left_at`` (a
        complaint closed without an exit time, or open with one: a
        forwarded, rejected or reopened complaint needs its events).

    Examples
    --------
    >>> df = pd.DataFrame({
    ...     "service": ["registry", "registry", "libraries"],
    ...     "received_at": pd.to_datetime(["2024-01-10", "2024-01-20", "2024-02-05"]),
    ...     "answered_at": pd.to_datetime(["2024-02-12", None, "2024-03-04"])})
    >>> b = backlog(df, "month-end", by="service")  # March has not ended by 4 March
    >>> b[["service", "period", "open"]]
         service   period  open
    0  libraries  2024-01     0
    1  libraries  2024-02     1
    2   registry  2024-01     2
    3   registry  2024-02     1
    >>> backlog(df, until="2024-02-20")[["period", "as_of", "open"]]  # February at 20 February
        period                            as_of  open
    0  2024-01 2024-01-31 23:59:59.999999+01:00     2
    1  2024-02 2024-02-20 00:00:00.000000+01:00     2
    >>> backlog(df, ["2024-02-10", "2024-02-15"])[["as_of", "open"]]
                          as_of  open
    0 2024-02-10 00:00:00+01:00     3
    1 2024-02-15 00:00:00+01:00     2
    """
    cols = [by] if isinstance(by, str) else list(by or [])
    require_columns(frame, ["received_at", *cols, *(["id"] if events is not None else [left_at])])
    zones = row_zones(frame, tz)
    zone = _one_zone(zones)
    received = _utc_us(frame["received_at"], zones).view(np.int64)
    if events is None:
        starts, ends, rows = _stretches(frame, received, left_at, zones)
    else:
        starts, ends, rows = _event_stretches(frame, received, events, zones)
    months = isinstance(at, str) and at == "month-end"
    instants = _series(received, ends, zone, until) if months else _instants(at, zone)
    keyed = {c: factorized(frame[c]) for c in cols}
    groups = group_codes(keyed, len(frame))
    counts = _open_counts(groups.codes[rows], groups.size, starts, ends, instants)
    out: dict[str, Any] = {
        name: np.repeat(np.asarray(values), len(instants)) for name, values in groups.keys.items()
    }
    shown = pd.DatetimeIndex(np.tile(instants, groups.size).astype("datetime64[us]"), tz="UTC")
    shown = shown.tz_convert(zone)
    if months:
        out["period"] = shown.strftime("%Y-%m").to_numpy(dtype=object)
    out["as_of"] = shown
    out["open"] = counts.reshape(-1)
    return pd.DataFrame(out)


def _stretches(
    frame: pd.DataFrame, received: np.ndarray, left_at: str, zones: str | pd.Series
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One open stretch per complaint: from receipt to ``left_at`` (never, if missing)."""
    left = _utc_us(frame[left_at], zones).view(np.int64)
    gone = left != np.iinfo(np.int64).min  # NaT
    early = np.flatnonzero(gone & (left < received))
    if len(early):
        raise DataError(
            Message(
                "{n} complaint(s) left the backlog before they were received ({left_at} earlier "
                "than received_at): check the dates",
                N_(
                    "reclami usciti dall'arretrato prima di essere ricevuti: {n} ({left_at} "
                    "precede received_at); controllare le date"
                ),
                n=len(early),
                left_at=left_at,
            ),
            row=frame.index[early[0]],
            column=left_at,
        )
    if "status" in frame.columns:
        is_open = frame["status"].astype(object).isin(_OPEN).to_numpy()
        wrong = np.flatnonzero(is_open == gone)
        if len(wrong):
            row = frame.index[wrong[0]]
            raise DataError(
                Message(
                    "{n} complaint(s) have a status that {left_at} contradicts (closed without "
                    "{left_at}, or open with it: forwarded, rejected or reopened): the instants "
                    "they left the backlog are in their events; pass "
                    "events=register.events_frame()",
                    N_(
                        "reclami con uno stato che {left_at} contraddice: {n} (chiusi senza "
                        "{left_at}, o aperti con esso: inoltrati, respinti o riaperti); gli "
                        "istanti in cui sono usciti dall'arretrato sono nei loro eventi: passare "
                        "events=register.events_frame()"
                    ),
                    n=len(wrong),
                    left_at=left_at,
                ),
                row=row,
                column="status",
            )
    return received, np.where(gone, left, _NEVER), np.arange(len(frame))


def _event_stretches(
    frame: pd.DataFrame, received: np.ndarray, events: pd.DataFrame, zones: str | pd.Series
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The open stretches of each complaint, from its events (several if reopened)."""
    require_columns(events, ["complaint_id", "at", "to_status"], source="events")
    ids = frame["id"].to_numpy(dtype=object)
    event_zones: str | pd.Series = zones
    if not isinstance(zones, str):  # each complaint's zone, by complaint id
        event_zones = pd.Series(zones.to_numpy(), index=ids)
        event_zones = event_zones[~event_zones.index.duplicated()]
    ev = _known_events(events, np.iinfo(np.int64).max, event_zones)
    row = pd.Index(ids).get_indexer(ev.cid)
    is_open = np.isin(ev.to, _OPEN)
    first = np.ones(len(ev.cid), dtype=bool)
    first[1:] = ev.cid[1:] != ev.cid[:-1]
    was_open = np.zeros(len(ev.cid), dtype=bool)
    was_open[1:] = is_open[:-1]
    was_open &= ~first
    known = row >= 0
    opens = np.flatnonzero(known & is_open & ~was_open)
    # each stretch ends at the complaint's next event to a closed state (never, if none)
    closes = np.flatnonzero(~is_open & was_open)
    pos = np.searchsorted(closes, opens)
    end_event = np.full(len(opens), -1, dtype=np.int64)
    later = pos < len(closes)
    end_event[later] = closes[pos[later]]
    same = (end_event >= 0) & (ev.cid[np.maximum(end_event, 0)] == ev.cid[opens])
    at = ev.at_us
    r = received[row[opens]]
    starts = np.maximum(at[opens], r)  # nothing is open before its receipt
    ends = np.where(same, np.maximum(at[np.maximum(end_event, 0)], r), _NEVER)
    return starts, ends, row[opens]


def _open_counts(
    groups: np.ndarray, size: int, starts: np.ndarray, ends: np.ndarray, instants: np.ndarray
) -> np.ndarray:
    """``(size, len(instants))``: the stretches of each group open at each instant.

    A stretch is open at ``t`` when ``start <= t < end``.
    """
    order = np.argsort(instants, kind="stable")
    sorted_at = instants[order]
    width = len(instants) + 1
    first = np.searchsorted(sorted_at, starts, side="left")  # the first instant it counts at
    stop = np.searchsorted(sorted_at, ends, side="left")  # the first instant it no longer does
    delta = np.bincount(groups * width + first, minlength=size * width)
    delta -= np.bincount(groups * width + stop, minlength=size * width)
    counted = np.cumsum(delta.reshape(size, width)[:, :-1], axis=1)
    out = np.empty_like(counted)
    out[:, order] = counted
    return out


def _month_ends(received: np.ndarray, ends: np.ndarray, zone: str, until: int | None) -> np.ndarray:
    """The last instant (UTC microseconds) of each month the data covers, in ``zone``.

    From the month of the first receipt to the month of ``until``, whose
    snapshot is at ``until`` when that month has not ended by then (``until``
    at the first instant of a month ends the series with the month before).
    Without ``until``: to the last month that ended by the latest receipt or
    exit.
    """
    nat = np.iinfo(np.int64).min
    known = received[received != nat]
    if not len(known):
        return np.empty(0, dtype=np.int64)
    if until is None:
        latest = max(int(known.max()), int(ends.max(where=ends != _NEVER, initial=nat)))
    else:
        latest = until - 1  # the month of the instant just before until is the last one
    local = pd.DatetimeIndex(np.array([known.min(), latest], dtype="datetime64[us]"), tz="UTC")
    local = local.tz_convert(zone)
    starts = pd.date_range(
        local[0].tz_localize(None).to_period("M").to_timestamp(),
        local[1].tz_localize(None).to_period("M").to_timestamp() + pd.offsets.MonthBegin(1),
        freq="MS",
    ).tz_localize(zone)
    last = (
        starts[1:].tz_convert("UTC").tz_localize(None).as_unit("us").to_numpy().view(np.int64) - 1
    )
    ended = last[last <= latest]
    if until is not None and len(last) and last[-1] > latest:  # its month goes on after until
        return np.append(ended, until)
    return ended


def _series(received: np.ndarray, ends: np.ndarray, zone: str, until: Any) -> np.ndarray:
    """The instants of ``at="month-end"`` (UTC microseconds): see :func:`_month_ends`."""
    latest = None if until is None else int(_instants(until, zone)[0])
    return _month_ends(received, ends, zone, latest)


def _instants(at: Any, zone: str) -> np.ndarray:
    """``at`` (one instant or several) as UTC microseconds; naive values are office time."""
    values = [at] if isinstance(at, (str, pd.Timestamp)) or not hasattr(at, "__iter__") else at
    return np.array(
        [pd.Timestamp(instant(v, zone, what="at")).value // 1000 for v in values], dtype=np.int64
    )
