"""Key performance indicators of a complaints office, vectorised with groupby."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from qualitapa.complaints._calendar import DEFAULT_TZ, to_local_dates
from qualitapa.complaints._cases import (
    CalendarArg,
    TimeZones,
    _as_of,
    _local_days_of,
    _one_zone,
    _utc_us,
    deadline_arrays,
    row_zones,
)
from qualitapa.complaints._deadlines import DeadlinePolicy
from qualitapa.complaints._grouped import Groups, factorized, group_codes, grouped_stats
from qualitapa.complaints._models import Status
from qualitapa.errors import DataError, Message
from qualitapa.i18n import N_
from qualitapa.io import require_columns
from qualitapa.problems import check_option

#: Period granularities and the numpy unit used to truncate dates.
PERIODS = {"month": "M", "quarter": "Q", "year": "Y"}
#: Upper bounds (days) of the backlog age buckets; one more bucket above.
AGE_BUCKETS = (15, 30, 60, 90)

_OPEN = [s.value for s in Status if s.is_open]


def _bucket_names(bounds: Sequence[int]) -> list[str]:
    names, lo = [], 0
    for hi in bounds:
        names.append(f"backlog_{lo}_{hi}")
        lo = hi + 1
    names.append(f"backlog_over_{bounds[-1]}")
    return names


def _split_by(by: str | Sequence[str] | None, period: str | None) -> tuple[list[str], str | None]:
    cols = [by] if isinstance(by, str) else list(by or [])
    periods = [c for c in cols if c in PERIODS]
    if len(periods) > 1 or (periods and period and periods[0] != period):
        raise DataError(
            Message(
                "group by one period (month, quarter or year), not {given}",
                N_("raggruppare per un solo periodo (month, quarter o year), non {given}"),
                given=", ".join(dict.fromkeys(p for p in [*periods, period] if p)),
            )
        )
    if periods:
        period = periods[0]
        cols = [c for c in cols if c not in PERIODS]
    if period is not None and period not in PERIODS:
        raise DataError(
            Message(
                "period must be one of {known}, not {period}",
                N_("il periodo deve essere uno tra {known}, non {period}"),
                known=", ".join(PERIODS),
                period=repr(period),
            )
        )
    return cols, period


def _period_codes(dates: np.ndarray, period: str) -> np.ndarray:
    days = dates.astype("datetime64[D]", copy=False).view(np.int64)
    first, last = (int(days.min()), int(days.max())) if len(days) else (0, 0)
    if not np.isnat(dates).any() and last - first < 100_000:  # the month of each day, looked up
        span = np.arange(first, last + 1).astype("datetime64[D]")
        months = span.astype("datetime64[M]").astype(np.int64)[days - first]
    else:
        months = dates.astype("datetime64[M]").astype(np.int64)  # months since 1970-01
    if period == "month":
        return months
    if period == "quarter":
        return months // 3
    return months // 12


def _period_labels(codes: np.ndarray, period: str) -> np.ndarray:
    codes = np.asarray(codes, dtype=np.int64)
    if period == "month":
        return np.datetime_as_string(codes.astype("datetime64[M]"), unit="M")
    if period == "quarter":
        years = 1970 + codes // 4
        return np.char.add(np.char.add(years.astype(str), "Q"), (codes % 4 + 1).astype(str))
    return (1970 + codes).astype(str)


#: What each KPI column needs beyond ``received_at``: the answer times
#: (``answer``), the due dates (``due``), working days (``working``), the
#: ``status`` column, the reference day of ``as_of`` (``ref``).
_NEEDS: dict[str, frozenset[str]] = {
    "received": frozenset(),
    "answered": frozenset({"answer"}),
    "answered_within_deadline": frozenset({"answer", "due"}),
    "share_within_deadline": frozenset({"answer", "due"}),
    **{f"{s}_answer_days": frozenset({"answer"}) for s in ("mean", "median", "p90")},
    **{
        f"{s}_answer_working_days": frozenset({"answer", "working"})
        for s in ("mean", "median", "p90")
    },
    "open": frozenset({"status"}),
    "overdue": frozenset({"status", "due", "ref"}),
    "reopened": frozenset({"answer"}),
    "reopening_rate": frozenset({"answer"}),
    "forwarded": frozenset({"status"}),
    "share_forwarded": frozenset({"status"}),
    "rejected": frozenset({"status"}),
    "share_rejected": frozenset({"status"}),
    "founded": frozenset({"answer"}),
    "share_founded": frozenset({"answer"}),
    "population": frozenset(),
    "per_10000": frozenset(),
}
#: The names :func:`kpis` takes in ``metrics`` (with the default age classes):
#: its columns, and ``backlog`` for ``open`` with the age classes.
METRICS: tuple[str, ...] = (
    *_NEEDS,
    *_bucket_names(AGE_BUCKETS),
    "backlog",
)
#: The columns holding the deadlines a case table already has.
_DEADLINE_COLUMNS = {"due_date", "answer_days", "received_date"}


def _all_columns(names: list[str], *, founded: bool, population: bool) -> list[str]:
    """Every KPI column, in the order kpis returns them (``names``: the age classes)."""
    out = [
        "received", "answered", "answered_within_deadline", "share_within_deadline",
        "mean_answer_days", "median_answer_days", "p90_answer_days",
        "mean_answer_working_days", "median_answer_working_days", "p90_answer_working_days",
        "open", *names, "overdue", "reopened", "reopening_rate",
        "forwarded", "share_forwarded", "rejected", "share_rejected",
    ]  # fmt: skip
    if founded:
        out += ["founded", "share_founded"]
    if population:
        out += ["population", "per_10000"]
    return out


def _wanted(metrics: Sequence[str] | None, columns: list[str], names: list[str]) -> list[str]:
    """The columns ``metrics`` asks for (``received`` always), in the order of ``columns``."""
    if metrics is None:
        return columns
    if isinstance(metrics, str):
        metrics = [metrics]
    valid = [*_NEEDS, *names, "backlog"]
    asked = {"received"}
    for metric in metrics:
        check_option("metrics", metric, valid)
        asked.update(["open", *names] if metric == "backlog" else [metric])
    if {"population", "per_10000"} & asked and "per_10000" not in columns:
        raise DataError("the per_10000 metric needs population= (inhabitants)")
    return [c for c in columns if c in asked] + sorted(asked - set(columns))


def _needs(wanted: list[str], frame: pd.DataFrame, names: list[str]) -> set[str]:
    needs: set[str] = set()
    for col in wanted:
        need = _NEEDS.get(col, frozenset({"status", "ref"}))  # an age class
        if col in ("forwarded", "share_forwarded", "rejected", "share_rejected"):
            need = frozenset() if col.removeprefix("share_") in frame.columns else need
        needs |= need
    return needs


def _received_days(frame: pd.DataFrame, tz: TimeZones) -> np.ndarray:
    """The office day each complaint was received (``received_date`` if the table has it)."""
    if "received_date" in frame.columns:
        return frame["received_date"].to_numpy().astype("datetime64[D]")
    return to_local_dates(frame["received_at"], row_zones(frame, tz))


def _timing(
    frame: pd.DataFrame,
    needs: set[str],
    *,
    policy: DeadlinePolicy | None,
    calendar: CalendarArg,
    tz: TimeZones,
) -> dict[str, np.ndarray]:
    """Received days and, as ``needs`` asks, answer times and deadlines, as arrays.

    A case table's own columns are used when it has them; otherwise they
    are computed (with ``policy`` and ``calendar``) without copying ``frame``.
    """
    if not set(frame.columns) >= _DEADLINE_COLUMNS:
        if not needs & {"answer", "due", "working"}:
            return {"received_date": _received_days(frame, tz)}
        return deadline_arrays(
            frame, policy=policy, calendar=calendar, tz=tz,
            due="due" in needs, working="working" in needs,
        )  # fmt: skip
    out = {"received_date": _received_days(frame, tz)}
    if "answer" in needs:
        out["answer_days"] = frame["answer_days"].to_numpy(dtype=float)
    if "working" in needs:
        out["answer_working_days"] = frame["answer_working_days"].to_numpy(dtype=float)
    if "due" in needs:
        out["due_date"] = frame["due_date"].to_numpy().astype("datetime64[D]")
        out["within_deadline"] = frame["within_deadline"].fillna(False).to_numpy(dtype=bool)
    return out


def _check_as_of(frame: pd.DataFrame, ref: pd.Timestamp, zones: str | pd.Series) -> None:
    """Refuse a table that already knows what happened after ``as_of``.

    The backlog at ``as_of`` needs each complaint's state at that instant;
    a table built later (a complaint received or answered after it) has
    the wrong states, and would count complaints not yet received.
    """
    limit = ref.tz_localize(None).to_datetime64()
    for col in ("received_at", "answered_at", "closed_at"):
        if col not in frame.columns:
            continue
        later = _later_than(frame[col], zones, limit)
        if len(later):
            shown = ref.tz_convert(_one_zone(zones))
            when = shown.strftime("%Y-%m-%d %H:%M") + shown.strftime("%z")
            raise DataError(
                f"{len(later)} complaint(s) have {col} after as_of ({when}): the backlog at "
                f"as_of needs the complaints as they stood then; build the table with "
                f"case_table(..., as_of=...) or ComplaintRegister.cases(as_of=...), "
                f"or pass a later as_of",
                row=frame.index[later[0]],
                column=col,
            )


#: More than any UTC offset a time zone has had: 15:56 at most (Asia/Manila's local mean
#: time before 1845, -15:56:08: the largest of zoneinfo's zones, each read yearly from 1700).
_OFFSET_MARGIN = np.timedelta64(2, "D")


def _later_than(values: pd.Series, zones: str | pd.Series, limit: np.datetime64) -> np.ndarray:
    """Positions of the instants after ``limit`` (UTC); naive values are office times.

    Only the office times within :data:`_OFFSET_MARGIN` of ``limit`` are placed
    in their zones (the slow step): an earlier one is before ``limit`` in any
    zone, a missing one is never after it.
    """
    if pd.DatetimeIndex(values).tz is not None:
        return np.flatnonzero(_utc_us(values, zones) > limit)
    naive = pd.DatetimeIndex(values).as_unit("us").to_numpy()
    near = np.flatnonzero(naive > limit - _OFFSET_MARGIN)
    if not len(near):
        return near
    near_zones = zones if isinstance(zones, str) else pd.Series(zones).iloc[near]
    return near[_utc_us(naive[near], near_zones) > limit]


def _population_for(
    population: Any, groups: pd.DataFrame, cols: list[str], frame: pd.DataFrame
) -> np.ndarray | None:
    if population is None:
        return None
    if isinstance(population, (int, float, np.integer, np.floating)):
        return np.full(len(groups), float(population))
    pops = pd.Series(population, dtype=float) if isinstance(population, Mapping) else population
    if "organization" in cols:
        return groups["organization"].map(pops).to_numpy(dtype=float)
    if "organization" not in frame.columns:
        raise DataError(
            "population by organization needs an 'organization' column", column="organization"
        )
    orgs = pd.unique(frame["organization"].dropna())
    total = float(pops.reindex(orgs).sum(min_count=1))
    return np.full(len(groups), total)


def kpis(
    frame: pd.DataFrame,
    *,
    by: str | Sequence[str] | None = None,
    period: str | None = None,
    as_of: Any = None,
    population: float | Mapping[str, float] | pd.Series | None = None,
    policy: DeadlinePolicy | None = None,
    calendar: CalendarArg = None,
    age_buckets: Sequence[int] = AGE_BUCKETS,
    tz: TimeZones = DEFAULT_TZ,
    metrics: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Complaint-office KPIs, one row per group.

    Parameters
    ----------
    frame
        One row per complaint: a case table
        (:meth:`ComplaintRegister.cases`, :func:`case_table`), or any table
        with ``received_at``, ``status`` and, for answered ones,
        ``answered_at`` (deadlines are then computed with ``policy`` and
        ``calendar``). Optional: ``reopen_count``, ``forwarded``,
        ``rejected``, ``founded`` (bool: the complaint was upheld).
    by
        Columns to group by (``service``, ``category``, ``kind``,
        ``channel``, ``organization``...); ``"month"``, ``"quarter"`` or
        ``"year"`` in the list stand for ``period``.
    period
        Also group by the period of receipt (office dates). Every group has
        a row for every period from the first receipt's to the last one
        ``as_of`` has ended (``as_of`` at midnight of 1 May ends April), or
        the latest receipt's without ``as_of``; a period with no receipt
        has zero counts and NaN times and shares. The period ``as_of``
        falls in has a row only if something was received in it, and its
        ``complete`` is False: its counts are those of a part of it, not
        comparable with those of a whole period.
    as_of
        Reference instant for the backlog and overdue counts (default now).
        ``frame`` must describe the complaints as they stood then (build it
        with ``case_table(..., as_of=...)``): a complaint received, answered
        or closed after ``as_of`` is an error.
    population
        Inhabitants: a number, or a mapping organization -> population
        (summed over the organizations in the data unless grouping by
        ``organization``). Adds ``population`` and ``per_10000``.
    policy, calendar
        Deadline rules and working-day calendar(s), used when ``frame``
        has no deadline columns yet.
    age_buckets
        Upper bounds in days of the backlog age classes.
    tz
        The offices' time zone: one IANA name, or each organization's (a
        mapping organization -> zone, or a catalog): periods, ages and
        overdue complaints are counted in office days of each complaint's
        zone (see :func:`case_table`).
    metrics
        Only these columns (default: all of them): names from
        :data:`METRICS`, ``"backlog"`` for ``open`` and the age classes.
        The group columns and ``received`` come first, then the others in
        the full table's order and values. Nothing else is computed: answer
        times need no ``status`` and no ``as_of``. An unknown name is an
        :class:`~qualitapa.errors.OptionError` listing them.

    Returns
    -------
    pandas.DataFrame
        The group columns (``period`` as ``2024-01``, ``2024Q1`` or
        ``2024``, and ``complete``: the period had ended at ``as_of``,
        default now), then ``received``; ``answered``;
        ``answered_within_deadline`` and ``share_within_deadline`` (of the
        answered); ``mean/median/p90_answer_days`` and
        ``mean/median/p90_answer_working_days`` (net of suspensions; p90 by
        linear interpolation); ``open`` (backlog: not yet answered, closed,
        forwarded or rejected) split into ``backlog_<lo>_<hi>`` age classes
        (days since receipt at ``as_of``); ``overdue`` (open and past the
        due date); ``reopened`` and ``reopening_rate`` (of the answered);
        ``forwarded``, ``share_forwarded``, ``rejected``,
        ``share_rejected`` (of the received); ``founded`` and
        ``share_founded`` when the column exists; ``population`` and
        ``per_10000`` with ``population``.

    Examples
    --------
    >>> df = pd.DataFrame({
    ...     "service": ["registry", "registry", "libraries"],
    ...     "received_at": pd.to_datetime(["2024-01-02", "2024-01-03", "2024-01-04"]),
    ...     "answered_at": pd.to_datetime(["2024-01-12", None, "2024-02-20"]),
    ...     "status": ["closed", "in_progress", "answered"]})
    >>> k = kpis(df, by="service", as_of="2024-03-01")
    >>> k[["service", "received", "answered", "share_within_deadline", "open", "overdue"]]
         service  received  answered  share_within_deadline  open  overdue
    0  libraries         1         1                    0.0     0        0
    1   registry         2         1                    1.0     1        1
    >>> kpis(df.drop(columns="status"), metrics=["median_answer_days", "share_within_deadline"])
       received  share_within_deadline  median_answer_days
    0         3                    0.5                28.5
    """
    cols, period = _split_by(by, period)
    names = _bucket_names(age_buckets)
    columns = _all_columns(
        names, founded="founded" in frame.columns, population=population is not None
    )
    wanted = _wanted(metrics, columns, names)
    needs = _needs(wanted, frame, names)
    require_columns(frame, [*cols, "received_at", *(["status"] if "status" in needs else [])])
    if "founded" in wanted or "share_founded" in wanted:
        require_columns(frame, ["founded"])
    rows = _timing(frame, needs, policy=policy, calendar=calendar, tz=tz)
    ref_day, running = _reference_days(frame, as_of, needs, period, tz)
    groups = _groups(frame, cols, period, rows["received_date"], running, through=as_of is not None)
    result = pd.DataFrame(groups.keys)
    _add_counts(result, frame, rows, groups, wanted)
    _add_backlog(result, frame, rows, groups, wanted, age_buckets, ref_day)
    _add_times(result, rows, groups, wanted)
    _add_shares(result, wanted)
    if "per_10000" in wanted:
        _add_rate(result, _population_for(population, result, cols, frame))
    return result[[*groups.keys, *wanted]]


def _add_rate(result: pd.DataFrame, pops: np.ndarray | None) -> None:
    """Add the ``population`` and the received per 10,000 inhabitants to ``result``, in place."""
    rec = result["received"].to_numpy(dtype=float)
    result["population"] = pops
    with np.errstate(invalid="ignore", divide="ignore"):
        result["per_10000"] = np.where(pops > 0, rec / pops * 10_000, np.nan)  # type: ignore[operator]


def _reference_days(
    frame: pd.DataFrame, as_of: Any, needs: set[str], period: str | None, tz: TimeZones
) -> tuple[np.ndarray | None, int | None]:
    """Each row's office day of ``as_of``, and with a period the period ``as_of`` falls in.

    ``as_of`` defaults to now. The running period is the one of the
    earliest office day of ``as_of`` among the rows' zones (a period is
    complete only once it has ended in every office); the days are None
    when neither ``as_of`` is given nor the metrics need them.
    """
    if as_of is None and "ref" not in needs and period is None:
        return None, None
    zones = row_zones(frame, tz)
    ref = _as_of(as_of, _one_zone(zones))
    ref_day = None
    if as_of is not None or "ref" in needs:
        _check_as_of(frame, ref, zones)
        ref_day = _local_days_of(ref, zones, len(frame))
    if period is None or not len(frame):
        return ref_day, None
    days = ref_day if ref_day is not None else _local_days_of(ref, zones, len(frame))
    return ref_day, int(_period_codes(days[[days.argmin()]], period)[0])


def _groups(
    frame: pd.DataFrame,
    cols: list[str],
    period: str | None,
    received: np.ndarray,
    running: int | None,
    *,
    through: bool,
) -> Groups:
    """The groups of ``cols`` and the period of receipt, each key column factorised once.

    With a period, every group of ``cols`` has a row for every period from
    the first receipt's to the latest receipt's or, ``through`` ``as_of``,
    to the last one ``as_of`` has ended (the one before ``running``),
    empty ones included; ``complete`` says which periods have ended.
    """
    groups = group_codes({c: factorized(frame[c]) for c in cols}, len(frame))
    if period is None:
        return groups
    codes = _period_codes(received, period)
    if not len(codes):  # no complaint: no period
        labels = _period_labels(codes, period)
        return Groups(codes, 0, {**groups.keys, "period": labels, "complete": codes > 0})
    first, last = int(codes.min()), int(codes.max())
    if through and running is not None:
        last = max(last, running - 1)  # the running period only if something was received in it
    span = np.arange(first, last + 1)
    width = len(span)
    keys: dict[str, object] = {
        name: values.repeat(width)  # type: ignore[attr-defined]
        for name, values in groups.keys.items()
    }
    keys["period"] = np.tile(_period_labels(span, period), groups.size)
    ended = span < running if running is not None else np.ones(width, dtype=bool)
    keys["complete"] = np.tile(ended, groups.size)
    return Groups(groups.codes * width + (codes - first), groups.size * width, keys)


def _counter(groups: Groups) -> Any:
    """``count(flags)``: how many rows of each group have ``flags`` (every row with None)."""

    def count(flags: np.ndarray | None = None) -> np.ndarray:
        picked = groups.codes if flags is None else groups.codes[flags]
        return np.bincount(picked, minlength=groups.size).astype(np.int64)

    return count


def _add_counts(
    result: pd.DataFrame,
    frame: pd.DataFrame,
    rows: dict[str, np.ndarray],
    groups: Groups,
    wanted: list[str],
) -> None:
    """Add the counts per group (and those the shares need) to ``result``, in place."""
    count, want = _counter(groups), set(wanted)
    result["received"] = count()
    answered = np.zeros(len(frame), dtype=bool)
    if "answer_days" in rows:
        answered = ~np.isnan(rows["answer_days"])
        result["answered"] = count(answered)
    if "within_deadline" in rows and want & {"answered_within_deadline", "share_within_deadline"}:
        result["answered_within_deadline"] = count(rows["within_deadline"] & answered)
    if want & {"reopened", "reopening_rate"}:
        reopened = (
            frame["reopen_count"].fillna(0).to_numpy() > 0
            if "reopen_count" in frame.columns
            else np.zeros(len(frame), dtype=bool)
        )
        result["reopened"] = count(reopened & answered)
    status = None
    for col, state in (("forwarded", Status.FORWARDED), ("rejected", Status.REJECTED)):
        if not want & {col, f"share_{col}"}:
            continue
        if col in frame.columns:
            flags = frame[col].to_numpy(dtype=bool, na_value=False)
        else:
            status = frame["status"].astype(object).to_numpy() if status is None else status
            flags = status == state.value
        result[col] = count(flags)
    if want & {"founded", "share_founded"}:
        result["founded"] = count(frame["founded"].to_numpy(dtype=bool, na_value=False) & answered)


def _add_backlog(
    result: pd.DataFrame,
    frame: pd.DataFrame,
    rows: dict[str, np.ndarray],
    groups: Groups,
    wanted: list[str],
    age_buckets: Sequence[int],
    ref_day: np.ndarray | None,
) -> None:
    """Add the open complaints, their age classes and the overdue ones to ``result``, in place."""
    names = _bucket_names(age_buckets)
    if not set(wanted) & {"open", "overdue", *names}:
        return
    count = _counter(groups)
    is_open = frame["status"].astype(object).isin(_OPEN).to_numpy()
    result["open"] = count(is_open)
    if set(wanted) & set(names):
        age = (ref_day - rows["received_date"]).astype(np.int64)
        bucket = np.searchsorted(np.asarray(age_buckets, dtype=np.int64), age, side="left")
        bucket[~is_open] = len(names)  # past the last class: not in the backlog
        width = len(names) + 1
        per_bucket = np.bincount(groups.codes * width + bucket, minlength=groups.size * width)
        for i, name in enumerate(names):
            result[name] = per_bucket.reshape(groups.size, width)[:, i].astype(np.int64)
    if "overdue" in wanted:
        result["overdue"] = count(is_open & (rows["due_date"] < ref_day))


def _add_times(
    result: pd.DataFrame, rows: dict[str, np.ndarray], groups: Groups, wanted: list[str]
) -> None:
    """Add the mean, median and 90th percentile of the answer times to ``result``, in place."""
    for col in ("answer_days", "answer_working_days"):
        stats = [f"{stat}_{col}" for stat in ("mean", "median", "p90")]
        if not set(stats) & set(wanted):
            continue
        _count, mean, (median, p90) = grouped_stats(
            groups.codes, groups.size, rows[col], (0.5, 0.9)
        )
        for name, values in zip(stats, (mean, median, p90), strict=True):
            result[name] = values


def _add_shares(result: pd.DataFrame, wanted: list[str]) -> None:
    """Add the shares of the answered (or received) complaints to ``result``, in place."""
    rec = result["received"].to_numpy(dtype=float)
    shares = {
        "share_within_deadline": ("answered_within_deadline", "answered"),
        "reopening_rate": ("reopened", "answered"),
        "share_forwarded": ("forwarded", "received"),
        "share_rejected": ("rejected", "received"),
        "share_founded": ("founded", "answered"),
    }
    for name, (part, whole) in shares.items():
        if name not in wanted:
            continue
        base = rec if whole == "received" else result[whole].to_numpy(dtype=float)
        with np.errstate(invalid="ignore", divide="ignore"):
            result[name] = np.where(base > 0, result[part].to_numpy() / np.maximum(base, 1), np.nan)


def pareto(
    frame: pd.DataFrame,
    *,
    column: str = "category",
    by: str | Sequence[str] | None = None,
    threshold: float = 0.8,
) -> pd.DataFrame:
    """Pareto analysis: which categories make ``threshold`` (80%) of the volume.

    Parameters
    ----------
    frame
        One row per complaint.
    column
        The column to rank (``category`` by default); the complaints
        without a value are counted together, in a row whose ``column`` is
        missing (NaN).
    by
        Optional grouping (e.g. ``service``): one Pareto table per group.
    threshold
        Cumulative share that defines the "vital few".

    Returns
    -------
    pandas.DataFrame
        ``by`` columns, ``column``, ``count``, ``share``,
        ``cumulative_share``, ``rank`` and ``vital_few`` (True for the
        categories needed to reach ``threshold``: those whose cumulative
        share before them is below it). Sorted by group and decreasing count.

    Examples
    --------
    >>> df = pd.DataFrame({"category": list("aaaaabbbcd")})
    >>> pareto(df)[["category", "count", "cumulative_share", "vital_few"]]
      category  count  cumulative_share  vital_few
    0        a      5               0.5       True
    1        b      3               0.8       True
    2        c      1               0.9      False
    3        d      1               1.0      False
    >>> pareto(pd.DataFrame({"category": ["a", None, None]}))[["category", "count"]]
      category  count
    0      NaN      2
    1        a      1
    """
    if not 0 < threshold <= 1:
        raise DataError(f"threshold is a share in (0, 1], not {threshold!r}")
    groups = [by] if isinstance(by, str) else list(by or [])
    require_columns(frame, [column, *groups])
    keys = frame[[*groups, column]]
    counts = keys.groupby([*groups, column], sort=False, dropna=False).size()
    out = counts.rename("count").reset_index()
    out = out.sort_values(
        [*groups, "count", column],
        ascending=[True] * len(groups) + [False, True],
        kind="stable",
        ignore_index=True,
    )
    if groups:
        g = out.groupby(groups, sort=False, dropna=False)["count"]
        total = g.transform("sum")
        cum = g.cumsum()
        rank = g.cumcount() + 1
    else:
        total = pd.Series(out["count"].sum(), index=out.index)
        cum = out["count"].cumsum()
        rank = pd.Series(np.arange(1, len(out) + 1))
    out["share"] = out["count"] / total
    out["cumulative_share"] = cum / total
    out["rank"] = rank.to_numpy()
    before = out["cumulative_share"] - out["share"]
    out["vital_few"] = (before < threshold - 1e-12).to_numpy()
    return out


def trend(
    frame: pd.DataFrame,
    *,
    by: str | Sequence[str] | None = None,
    period: str = "month",
    as_of: Any = None,
    policy: DeadlinePolicy | None = None,
    calendar: CalendarArg = None,
    tz: TimeZones = DEFAULT_TZ,
) -> pd.DataFrame:
    """Monthly (or quarterly, yearly) trend of volume and timeliness.

    Every period from the first receipt's to the last one ``as_of`` has
    ended (the latest receipt's without ``as_of``) appears for every group,
    with zero counts when nothing was received, and the running period when
    something was received in it, as in :func:`kpis`.

    Returns
    -------
    pandas.DataFrame
        ``by`` columns, ``period``, ``complete`` (the period had ended at
        ``as_of``, default now), ``received``, ``answered``,
        ``share_within_deadline``, ``mean_answer_days``, ``open``,
        ``received_rolling_3`` (mean of this and the two previous periods),
        ``received_change`` (relative to the previous period) and
        ``received_yoy`` (relative to the same period one year before;
        NaN when unknown or zero). The three are NaN for a period that is
        not complete: a month five days old would always read as a fall.

    Examples
    --------
    >>> df = pd.DataFrame({
    ...     "received_at": pd.to_datetime(["2024-01-05", "2024-01-20", "2024-03-02"]),
    ...     "status": ["received"] * 3})
    >>> trend(df, as_of="2024-04-01")[["period", "received", "received_change"]]
        period  received  received_change
    0  2024-01         2              NaN
    1  2024-02         0             -1.0
    2  2024-03         1              NaN
    >>> trend(df, as_of="2024-03-10")[["period", "complete", "received", "received_rolling_3"]]
        period  complete  received  received_rolling_3
    0  2024-01      True         2                 2.0
    1  2024-02      True         0                 1.0
    2  2024-03     False         1                 NaN
    """
    cols, _ = _split_by(by, None)
    keep = ["received", "answered", "share_within_deadline", "mean_answer_days", "open"]
    t = kpis(
        frame, by=cols, period=period, as_of=as_of, policy=policy, calendar=calendar, tz=tz,
        metrics=keep,
    )  # fmt: skip
    rec = t["received"].astype(float)
    grouped = rec.groupby([t[c] for c in cols], sort=False, dropna=False) if cols else None
    per_year = {"month": 12, "quarter": 4, "year": 1}[period]

    def shifted(k: int) -> pd.Series:
        return grouped.shift(k) if grouped is not None else rec.shift(k)

    t["received_rolling_3"] = (
        grouped.transform(lambda s: s.rolling(3, min_periods=1).mean())
        if grouped is not None
        else rec.rolling(3, min_periods=1).mean()
    )
    prev, prev_year = shifted(1), shifted(per_year)
    t["received_change"] = np.where(prev > 0, rec / prev.where(prev > 0) - 1, np.nan)
    t["received_yoy"] = np.where(prev_year > 0, rec / prev_year.where(prev_year > 0) - 1, np.nan)
    partial = ~t["complete"].to_numpy(dtype=bool)  # a part of a period is no period's volume
    for name in ("received_rolling_3", "received_change", "received_yoy"):
        t[name] = t[name].mask(partial)
    return t[
        [*cols, "period", "complete", "received", "answered", "share_within_deadline",
         "mean_answer_days", "open", "received_rolling_3", "received_change", "received_yoy"]
    ]  # fmt: skip
