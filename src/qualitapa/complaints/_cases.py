"""One row per complaint: status, answer times and deadlines, derived from events."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeAlias

import attrs
import numpy as np
import pandas as pd

from qualitapa._zones import localize, zones_of
from qualitapa.complaints._calendar import DEFAULT_TZ, WorkCalendar, to_local_dates
from qualitapa.complaints._deadlines import DeadlinePolicy, due_dates
from qualitapa.complaints._instants import instant, local_days
from qualitapa.complaints._models import Status
from qualitapa.errors import DataError
from qualitapa.io import require_columns

if TYPE_CHECKING:
    from qualitapa.catalog import Catalog

#: Columns :func:`case_table` adds to the complaint columns.
CASE_COLUMNS = (
    "status",
    "answered_at",
    "closed_at",
    "reopen_count",
    "forwarded",
    "rejected",
    "suspended_days",
    "suspended_working_days",
    "received_date",
    "deadline_days",
    "deadline_working",
    "due_date",
    "answer_days",
    "answer_working_days",
    "within_deadline",
)

CalendarArg = WorkCalendar | Mapping[str, WorkCalendar] | None
#: The offices' time zones: one IANA name for every complaint, a mapping
#: organization id -> zone name, or a catalog (each organization's
#: :attr:`~qualitapa.Organization.timezone`); organizations it does not
#: name are in :data:`DEFAULT_TZ`.
TimeZones: TypeAlias = "str | Mapping[str, str] | Catalog"


def row_zones(frame: pd.DataFrame, tz: TimeZones) -> str | pd.Series:
    """The office time zone of each row of ``frame``: one name, or one per row (by position).

    Rows are in their ``organization``'s zone (``tz`` a mapping or a
    catalog), else in :data:`DEFAULT_TZ`; one name when every row shares it.

    Examples
    --------
    >>> frame = pd.DataFrame({"organization": ["london", "036023"]})
    >>> row_zones(frame, {"london": "Europe/London"}).tolist()
    ['Europe/London', 'Europe/Rome']
    >>> row_zones(frame, "America/New_York")
    'America/New_York'
    """
    if isinstance(tz, str):
        return tz
    if "organization" not in frame.columns:
        return DEFAULT_TZ
    zones = zones_of(frame["organization"], len(frame), tz, DEFAULT_TZ)
    distinct = pd.unique(zones)
    return str(distinct[0]) if len(distinct) == 1 else zones


def _one_zone(zones: str | pd.Series) -> str:
    """The zone a naive ``as_of`` is read in: the rows' common zone, else the default."""
    if isinstance(zones, str):
        return zones
    distinct = pd.unique(zones)
    return str(distinct[0]) if len(distinct) == 1 else DEFAULT_TZ


def _utc_us(values: Any, zones: str | pd.Series) -> np.ndarray:
    """Instants as UTC ``datetime64[us]`` (naive values are office time in each row's zone).

    An office time a clock change skips or repeats is NaT here: the import
    refuses those.
    """
    idx = pd.DatetimeIndex(values)
    if idx.tz is not None:
        return idx.tz_convert("UTC").tz_localize(None).as_unit("us").to_numpy()
    utc, _gap, _fold = localize(pd.Series(idx), zones)
    return utc.dt.tz_localize(None).to_numpy(dtype="datetime64[us]")


def _local_days_of(ref: pd.Timestamp, zones: str | pd.Series, n: int) -> np.ndarray:
    """The office day of the instant ``ref`` in each of ``n`` rows' zones."""
    if isinstance(zones, str):
        day = to_local_dates(pd.DatetimeIndex([ref]), zones)[0]
        return np.full(n, day, dtype="datetime64[D]")
    return local_days(pd.Series([ref] * n), zones)


def _as_of(as_of: Any, tz: str = DEFAULT_TZ) -> pd.Timestamp:
    """The reference instant (UTC); text and naive times are office time in ``tz`` (one zone)."""
    if as_of is None:
        return pd.Timestamp.now(tz="UTC")
    return pd.Timestamp(instant(as_of, tz, what="as_of"))


def local_times(values: Any, tz: str = DEFAULT_TZ) -> np.ndarray:
    """Office wall-clock times (naive ``datetime64``) of instants; naive values are local."""
    idx = pd.DatetimeIndex(values)
    if idx.tz is not None:
        idx = idx.tz_convert(tz).tz_localize(None)
    return idx.to_numpy()


def _calendar_groups(
    frame: pd.DataFrame, calendar: CalendarArg
) -> list[tuple[WorkCalendar, np.ndarray]]:
    """(calendar, row mask) pairs covering every row once."""
    n = len(frame)
    if calendar is None:
        return [(WorkCalendar(), np.ones(n, dtype=bool))]
    if isinstance(calendar, WorkCalendar):
        return [(calendar, np.ones(n, dtype=bool))]
    if "organization" not in frame.columns:
        raise DataError(
            "calendars by organization need an 'organization' column", column="organization"
        )
    org = frame["organization"].astype(object).to_numpy()
    out: list[tuple[WorkCalendar, np.ndarray]] = []
    covered = np.zeros(n, dtype=bool)
    for name, cal in calendar.items():
        mask = org == name
        if mask.any():
            out.append((cal, mask))
            covered |= mask
    if not covered.all():
        out.append((WorkCalendar(), ~covered))
    return out


def add_deadlines(
    frame: pd.DataFrame,
    *,
    policy: DeadlinePolicy | None = None,
    calendar: CalendarArg = None,
    tz: TimeZones = DEFAULT_TZ,
) -> pd.DataFrame:
    """Add deadline and answer-time columns to a complaint table (a new frame).

    Needs ``received_at``; uses ``answered_at``, ``suspended_days`` and
    ``suspended_working_days`` when present (no suspension otherwise), and
    ``kind``, ``service``, ``category`` to pick the deadline rule.

    Adds ``received_date``, ``deadline_days``, ``deadline_working``,
    ``due_date``, ``answer_days``, ``answer_working_days`` (net of
    suspensions; NaN while unanswered) and ``within_deadline`` (NA while
    unanswered). Working days are counted as
    :meth:`WorkCalendar.working_days_between` does; an answer is within the
    deadline when given on or before ``due_date``. Days are office days in
    each complaint's organization's time zone (``tz``: one IANA name,
    organization id -> zone name, or a catalog).

    Raises
    ------
    DataError
        A complaint answered (office date) before the date it was received.

    Examples
    --------
    >>> df = pd.DataFrame({"received_at": pd.to_datetime(["2024-12-20 10:00"]),
    ...                    "answered_at": pd.to_datetime(["2025-01-07 09:00"])})
    >>> out = add_deadlines(df, policy=DeadlinePolicy(default={"days": 5, "unit": "working"}))
    >>> out[["due_date", "answer_days", "answer_working_days", "within_deadline"]]
        due_date  answer_days  answer_working_days  within_deadline
    0 2024-12-31         18.0                  8.0            False
    """
    require_columns(frame, ["received_at"])
    arrays = deadline_arrays(frame, policy=policy, calendar=calendar, tz=tz)
    answered = ~np.isnan(arrays["answer_days"])
    within = pd.array(arrays["within_deadline"], dtype="boolean")
    within[~answered] = pd.NA
    out = frame.copy()
    out["received_date"] = arrays["received_date"].astype("datetime64[s]")
    out["deadline_days"] = arrays["deadline_days"]
    out["deadline_working"] = arrays["deadline_working"]
    out["due_date"] = arrays["due_date"].astype("datetime64[s]")
    out["answer_days"] = arrays["answer_days"]
    out["answer_working_days"] = arrays["answer_working_days"]
    out["within_deadline"] = within
    return out


def deadline_arrays(
    frame: pd.DataFrame,
    *,
    policy: DeadlinePolicy | None = None,
    calendar: CalendarArg = None,
    tz: TimeZones = DEFAULT_TZ,
    due: bool = True,
    working: bool = True,
) -> dict[str, np.ndarray]:
    """The columns :func:`add_deadlines` adds, as arrays, without copying ``frame``.

    ``due=False`` leaves out the deadline columns (``deadline_days``,
    ``deadline_working``, ``due_date``, ``within_deadline``) and
    ``working=False`` the working days of the answers: callers that need
    only some figures (:func:`kpis` with ``metrics``) skip their cost.
    ``within_deadline`` is False while unanswered here.
    """
    policy = policy or DeadlinePolicy()
    n = len(frame)
    zones = row_zones(frame, tz)
    received = to_local_dates(frame["received_at"], zones)
    answered = (
        to_local_dates(frame["answered_at"], zones)
        if "answered_at" in frame.columns
        else np.full(n, np.datetime64("NaT", "D"), dtype="datetime64[D]")
    )
    early = np.flatnonzero(answered < received)  # NaT compares False
    if len(early):
        raise DataError(
            f"{len(early)} complaint(s) answered before they were received "
            f"(answered_at earlier than received_at): check the dates",
            row=frame.index[early[0]],
            column="answered_at",
        )
    sus = _int_col(frame, "suspended_days", n)
    has_answer = ~np.isnat(answered) & ~np.isnat(received)
    out: dict[str, np.ndarray] = {"received_date": received}
    out["answer_days"] = np.where(
        has_answer, (answered - received).astype("timedelta64[D]").astype(float) - sus, np.nan
    )
    if not (due or working):
        return out
    sus_w = _int_col(frame, "suspended_working_days", n)
    if due:
        days, rule_working = policy.rules(frame)
        due_day = np.full(n, np.datetime64("NaT", "D"), dtype="datetime64[D]")
    answer_w = np.full(n, np.nan)
    for cal, mask in _calendar_groups(frame, calendar):
        rows: slice | np.ndarray = slice(None) if mask.all() else mask
        if due:
            due_day[rows] = due_dates(
                received[rows],
                days[rows],
                rule_working[rows],
                cal,
                suspended_days=sus[rows],
                suspended_working_days=sus_w[rows],
                roll_to_working_day=policy.roll_to_working_day,
            )
        m = mask & has_answer
        if working and m.any():
            answer_w[m] = cal.working_days_between(received[m], answered[m]) - sus_w[m]
    if working:
        out["answer_working_days"] = answer_w
    if due:
        out["deadline_days"], out["deadline_working"] = days, rule_working
        out["due_date"] = due_day
        out["within_deadline"] = has_answer & (answered <= due_day)
    return out


def _int_col(frame: pd.DataFrame, col: str, n: int) -> np.ndarray:
    if col not in frame.columns:
        return np.zeros(n, dtype=np.int64)
    return frame[col].fillna(0).to_numpy(dtype=np.int64)


def case_table(
    complaints: pd.DataFrame,
    events: pd.DataFrame,
    *,
    policy: DeadlinePolicy | None = None,
    calendar: CalendarArg = None,
    as_of: Any = None,
    tz: TimeZones = DEFAULT_TZ,
) -> pd.DataFrame:
    """Derive, for every complaint, its state, answer times and deadline.

    Vectorised over the whole events table (no loop over complaints).

    Parameters
    ----------
    complaints
        ``id, received_at`` and optionally ``kind, channel, service,
        category, organization``.
    events
        ``complaint_id, seq, at, to_status`` (as
        :meth:`ComplaintRegister.events_frame` returns).
    policy
        Deadline rules (default: 30 calendar days).
    calendar
        A :class:`WorkCalendar`, or one per organization id (national
        holidays for the others); used for working days.
    as_of
        The instant the table describes (default: now): the register as it
        stood then. Events after it are ignored and complaints received
        after it left out, so :func:`kpis` with the same ``as_of`` gives
        the backlog at that instant; a suspension still running at
        ``as_of`` counts up to it.
    tz
        The offices' time zone: one IANA name, or each organization's (a
        mapping organization -> zone, or a catalog).
        Dates and working days are office days in each complaint's zone;
        times without offset are office time there; a naive ``as_of`` is
        office time in the complaints' common zone (else Europe/Rome).

    Returns
    -------
    pandas.DataFrame
        The complaint columns plus :data:`CASE_COLUMNS`: ``status``;
        ``answered_at`` (first answer) and ``closed_at`` (last closing);
        ``reopen_count``; ``forwarded``, ``rejected`` (ever); the calendar
        and working days spent ``suspended`` before the first answer; and
        the deadline columns of :func:`add_deadlines`.
    """
    require_columns(complaints, ["id", "received_at"], source="complaints")
    require_columns(events, ["complaint_id", "at", "to_status"], source="events")
    zones = row_zones(complaints, tz)
    ref = _as_of(as_of, _one_zone(zones))
    ref_us = int(ref.tz_localize(None).to_datetime64().astype("datetime64[us]").astype(np.int64))
    event_zones: str | pd.Series = zones
    if not isinstance(zones, str):  # each complaint's zone, by complaint id
        event_zones = pd.Series(zones.to_numpy(), index=complaints["id"].to_numpy())
        event_zones = event_zones[~event_zones.index.duplicated()]
    ev = _known_events(events, ref_us, event_zones)
    cid, to = ev.cid, ev.to
    received_utc = _utc_us(complaints["received_at"], zones)
    existing = ~(received_utc > ref.tz_localize(None).to_datetime64())
    out = complaints.loc[existing].drop(columns=["description"], errors="ignore").copy()
    ids = out["id"]
    out["status"] = ids.map(pd.Series(to[ev.last], index=cid[ev.last])).astype(object)

    def when(state: Status, first: bool) -> pd.Series:
        mask = to == state.value
        s = pd.Series(ev.at_us[mask], index=cid[mask])
        g = s.groupby(level=0)
        return g.min() if first else g.max()

    answered_us = ids.map(when(Status.ANSWERED, True)).fillna(-1).to_numpy(dtype=np.int64)
    closed_us = ids.map(when(Status.CLOSED, False)).fillna(-1).to_numpy(dtype=np.int64)
    out["answered_at"] = _us_to_utc(answered_us).set_axis(out.index)
    out["closed_at"] = _us_to_utc(closed_us).set_axis(out.index)
    for col, state in (
        ("reopen_count", Status.REOPENED),
        ("forwarded", Status.FORWARDED),
        ("rejected", Status.REJECTED),
    ):
        counts = pd.Series(to == state.value, index=cid).groupby(level=0).sum()
        values = ids.map(counts).fillna(0).to_numpy(dtype=np.int64)
        out[col] = values if col == "reopen_count" else values > 0
    sus_days, sus_wdays = _suspensions(out, ev, ref_us, answered_us, calendar, tz)
    out["suspended_days"] = sus_days
    out["suspended_working_days"] = sus_wdays
    return add_deadlines(out, policy=policy, calendar=calendar, tz=tz)


@attrs.frozen(eq=False)
class _KnownEvents:
    """The events known at ``as_of``, by complaint in history order."""

    at_us: np.ndarray  # UTC microseconds
    cid: np.ndarray
    to: np.ndarray
    last: np.ndarray  # the last event of its complaint


def _known_events(events: pd.DataFrame, ref_us: int, tz: str | pd.Series) -> _KnownEvents:
    """The events up to ``ref_us`` (the register as it stood at as_of), sorted.

    ``tz``: the zone of naive event times, one or by complaint id.
    """
    order = ["complaint_id", "seq"] if "seq" in events.columns else ["complaint_id", "at"]
    ev = events.sort_values(order, kind="stable").reset_index(drop=True)
    at_idx = pd.DatetimeIndex(ev["at"])
    if at_idx.tz is None:
        zones: str | pd.Series = tz
        if not isinstance(tz, str):
            zones = ev["complaint_id"].map(tz).where(lambda z: z.notna(), DEFAULT_TZ)
        utc, _gap, _fold = localize(pd.Series(at_idx), zones)
        local = pd.DatetimeIndex(utc)
        unclear = np.flatnonzero(np.asarray(local.isna()) & np.asarray(at_idx.notna()))
        if len(unclear):  # as the import does: a local time a clock change skips or repeats
            first = ev.iloc[int(unclear[0])]
            raise DataError(
                f"the event of complaint {first['complaint_id']!r} at {first['at']} is not one "
                f"instant in its office's time zone (a daylight-saving change skips or repeats "
                f"that hour; {len(unclear)} event(s) like it): give the time with its UTC offset",
                column="at",
            )
        at_idx = local
    at_us = at_idx.tz_convert("UTC").tz_localize(None).to_numpy().astype("datetime64[us]")
    at_us = at_us.astype(np.int64)
    known = at_us <= ref_us
    cid = ev["complaint_id"].to_numpy(dtype=object)[known]
    last = np.ones(len(cid), dtype=bool)
    if len(cid):
        last[:-1] = cid[1:] != cid[:-1]
    return _KnownEvents(
        at_us=at_us[known], cid=cid, to=ev["to_status"].astype(str).to_numpy()[known], last=last
    )


def _suspensions(
    out: pd.DataFrame,
    ev: _KnownEvents,
    ref_us: int,
    answered_us: np.ndarray,
    calendar: CalendarArg,
    tz: TimeZones,
) -> tuple[np.ndarray, np.ndarray]:
    """Days and working days each complaint of ``out`` was suspended before its first answer.

    A suspension runs from each 'suspended' event to the next event (or as_of).
    """
    at_us, cid, ids = ev.at_us, ev.cid, out["id"]
    nxt = np.full(len(at_us), ref_us, dtype=np.int64)
    if len(at_us):
        nxt[:-1] = at_us[1:]
        nxt[ev.last] = ref_us
    sus_mask = ev.to == Status.SUSPENDED.value
    n = len(out)
    if not sus_mask.any():
        return np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64)
    s_cid = cid[sus_mask]
    zones = row_zones(out, tz)
    if not isinstance(zones, str):  # each suspension in its complaint's zone
        by_id = pd.Series(zones.to_numpy(), index=ids.to_numpy())
        zones = by_id[~by_id.index.duplicated()].reindex(s_cid).fillna(DEFAULT_TZ)
        zones = zones.reset_index(drop=True)
    start = to_local_dates(_us_to_utc(at_us[sus_mask]), zones)
    end = to_local_dates(_us_to_utc(nxt[sus_mask]), zones)
    first_answer = pd.Series(answered_us, index=ids.to_numpy()).reindex(s_cid).to_numpy()
    before = (first_answer < 0) | (at_us[sus_mask] < first_answer)
    cal_days = (end - start).astype(np.int64)
    orgs = (
        pd.Series(out["organization"].to_numpy(), index=ids.to_numpy()).reindex(s_cid)
        if "organization" in out.columns
        else None
    )
    w_days = np.zeros(len(s_cid), dtype=np.int64)
    sub = (
        pd.DataFrame({"organization": orgs.to_numpy()})
        if orgs is not None
        else pd.DataFrame(index=pd.RangeIndex(len(s_cid)))
    )
    for cal, mask in _calendar_groups(sub, calendar):
        w_days[mask] = cal.working_days_between(start[mask], end[mask])
    sums = pd.DataFrame({"cid": s_cid[before], "d": cal_days[before], "w": w_days[before]})
    agg = sums.groupby("cid").sum()
    return (
        ids.map(agg["d"]).fillna(0).to_numpy(dtype=np.int64),
        ids.map(agg["w"]).fillna(0).to_numpy(dtype=np.int64),
    )


def _us_to_utc(us: np.ndarray) -> pd.Series:
    """UTC timestamps from int64 microseconds (negative means missing)."""
    arr = np.asarray(us, dtype=np.int64).astype("datetime64[us]")
    arr[np.asarray(us) < 0] = np.datetime64("NaT", "us")
    return pd.Series(arr).dt.tz_localize("UTC")
