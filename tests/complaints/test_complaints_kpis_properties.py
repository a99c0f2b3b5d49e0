"""Complaint KPIs: metamorphic properties and an independent pandas implementation.

The reference below is the code an analyst would write with pandas alone:
office dates with ``dt.normalize``, working days numbered on a
``date_range`` with the holidays of the ``holidays`` package (``F(x)`` =
working days on or before ``x``, the n-th working day after ``r`` is
``W[F(r) + n]``), age classes with ``pd.cut``, ``groupby`` aggregations with
``median`` and ``numpy.percentile(..., 90)``. It never calls the library's
helpers. The backlog at a month end is recomputed from the events (state =
last event up to that instant).
"""

from __future__ import annotations

import datetime as dt
import functools

import holidays
import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from qualitapa.complaints import (
    METRICS,
    DeadlinePolicy,
    WorkCalendar,
    backlog,
    case_table,
    kpis,
    pareto,
    trend,
)

# hypothesis against a plain pandas KPI reference
pytestmark = pytest.mark.slow

SETTINGS = settings(max_examples=25, deadline=None)
# kpis costs ~40 ms a call (pandas overhead on small frames): tests that call it
# several times per example run fewer examples
FEW = settings(max_examples=12, deadline=None)
AS_OF = "2025-06-30 12:00"
AS_OF_DAY = pd.Timestamp("2025-06-30")
ORG_PROVINCE = {"A": "MO", "B": "MI", "C": None}
CALENDARS = {"A": WorkCalendar("MO"), "B": WorkCalendar("MI")}  # C: national holidays
POLICY = DeadlinePolicy(default=30, by_service={"registry": {"days": 10, "unit": "working"}})
RULES = {"registry": (10, True), "libraries": (30, False)}  # days, working?
DEFAULT_RULE = (30, False)  # complaints without a service
NONE = "(none)"  # the reference's label for a missing group value
OPEN = ["received", "registered", "assigned", "in_progress", "suspended", "reopened"]
BUCKETS = ["backlog_0_15", "backlog_16_30", "backlog_31_60", "backlog_61_90", "backlog_over_90"]
COUNTS = [
    "received", "answered", "answered_within_deadline", "open", *BUCKETS, "overdue",
    "reopened", "forwarded", "rejected",
]  # fmt: skip
TIMES = [
    f"{stat}_answer_{unit}"
    for stat in ("mean", "median", "p90")
    for unit in ("days", "working_days")
]
SHARES = ["share_within_deadline", "reopening_rate", "share_forwarded", "share_rejected"]


# -- the independent implementation -------------------------------------------


@functools.lru_cache(maxsize=8)
def numbering(province: str | None) -> tuple[pd.Series, pd.DatetimeIndex]:
    """F(day) and the working days in order, from weekday + holidays package."""
    index = pd.date_range("2023-06-01", "2026-06-30", freq="D")
    closed = holidays.Italy(subdiv=province, years=range(2023, 2027))
    working = (index.day_of_week < 5) & ~index.isin(pd.to_datetime(list(closed)))
    return pd.Series(np.cumsum(working), index=index), index[working]


def reference_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Per complaint: dates, answer times, due date, flags, as an analyst computes them."""
    r = pd.to_datetime(frame["received_at"]).dt.normalize()
    a = pd.to_datetime(frame["answered_at"]).dt.normalize()
    sus_d, sus_w = frame["suspended_days"], frame["suspended_working_days"]
    due, answer_wd = [], []
    for i in range(len(frame)):
        cumulative, working_days = numbering(ORG_PROVINCE[frame["organization"].iloc[i]])
        n, working = RULES.get(frame["service"].iloc[i], DEFAULT_RULE)
        f_r = cumulative[r.iloc[i]]
        if working:
            due.append(working_days[f_r + n + sus_w.iloc[i] - 1])
        else:
            due.append(r.iloc[i] + pd.Timedelta(days=n + sus_d.iloc[i]))
        answer_wd.append(
            cumulative[a.iloc[i]] - f_r - sus_w.iloc[i] if pd.notna(a.iloc[i]) else np.nan
        )
    due = pd.Series(due, index=frame.index)
    answered = a.notna()
    is_open = frame["status"].isin(OPEN)
    age = (AS_OF_DAY - r).dt.days
    return pd.DataFrame(
        {
            "organization": frame["organization"],
            "service": frame["service"],
            "period": r.dt.strftime("%Y-%m"),
            "answered": answered,
            "within": answered & (a <= due),
            "answer_days": ((a - r).dt.days - sus_d).where(answered),
            "answer_working_days": pd.Series(answer_wd, index=frame.index, dtype=float),
            "open": is_open,
            "age_class": pd.cut(age.where(is_open), [-1, 15, 30, 60, 90, np.inf], labels=BUCKETS),
            "overdue": is_open & (due < AS_OF_DAY),
            "reopened": (frame["reopen_count"] > 0) & answered,
            "forwarded": frame["status"] == "forwarded",
            "rejected": frame["status"] == "rejected",
        }
    )


def p90(s: pd.Series) -> float:
    s = s.dropna()
    return float(np.percentile(s, 90)) if len(s) else np.nan


def reference_kpis(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    rows = reference_rows(frame).assign(one=1)
    rows["service"] = rows["service"].astype(object).fillna(NONE)
    g = rows.groupby(keys if keys else np.zeros(len(rows), dtype=int))
    out = pd.DataFrame(
        {
            "received": g["one"].sum(),
            "answered": g["answered"].sum(),
            "answered_within_deadline": g["within"].sum(),
            "open": g["open"].sum(),
            "overdue": g["overdue"].sum(),
            "reopened": g["reopened"].sum(),
            "forwarded": g["forwarded"].sum(),
            "rejected": g["rejected"].sum(),
        }
    )
    for unit in ("days", "working_days"):
        col = g[f"answer_{unit}"]
        out[f"mean_answer_{unit}"] = col.mean()
        out[f"median_answer_{unit}"] = col.median()
        out[f"p90_answer_{unit}"] = col.agg(p90)
    classes = pd.crosstab(
        [rows[k] for k in keys] if keys else np.zeros(len(rows), dtype=int),
        rows["age_class"],
        dropna=False,
    ).reindex(columns=BUCKETS, fill_value=0)
    out[BUCKETS] = classes.reindex(out.index, fill_value=0).to_numpy()
    answered = out["answered"].where(out["answered"] > 0)
    out["share_within_deadline"] = out["answered_within_deadline"] / answered
    out["reopening_rate"] = out["reopened"] / answered
    out["share_forwarded"] = out["forwarded"] / out["received"]
    out["share_rejected"] = out["rejected"] / out["received"]
    return out


# -- random complaint tables --------------------------------------------------


@st.composite
def complaint_rows(draw: st.DrawFn, orgs: tuple[str, ...] = ("A", "B", "C")) -> dict:
    received = draw(st.datetimes(dt.datetime(2024, 1, 1), dt.datetime(2024, 12, 31, 23, 59)))
    answered_after = draw(st.one_of(st.none(), st.integers(0, 150 * 24)))  # hours
    if answered_after is None:
        status = draw(st.sampled_from([*OPEN[:-1], "forwarded", "rejected", "closed"]))
        answered, reopen_count = None, 0
    else:
        status = draw(st.sampled_from(["answered", "closed", "reopened"]))
        answered = received + dt.timedelta(hours=answered_after)
        reopen_count = 1 if status == "reopened" else draw(st.integers(0, 1))
    return {
        "organization": draw(st.sampled_from(orgs)),
        "service": draw(st.sampled_from([*RULES, None])),
        "received_at": received,
        "answered_at": answered,
        "status": status,
        "reopen_count": reopen_count,
        "suspended_days": draw(st.integers(0, 4)),
        "suspended_working_days": draw(st.integers(0, 3)),
    }


def tables(orgs: tuple[str, ...] = ("A", "B", "C"), min_size: int = 1) -> st.SearchStrategy:
    return st.lists(complaint_rows(orgs), min_size=min_size, max_size=15).map(
        lambda rows: pd.DataFrame(rows).astype({"answered_at": "datetime64[us]"})
    )


def run(frame: pd.DataFrame, by: list[str] | None = None, **kw: object) -> pd.DataFrame:
    return kpis(frame, by=by, as_of=AS_OF, policy=POLICY, calendar=CALENDARS, **kw)


def keyed(result: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    if not keys:
        return result
    labels = result[keys].astype(object).fillna(NONE)
    return result.drop(columns=keys).set_index(pd.MultiIndex.from_frame(labels)).sort_index()


# -- against the reference ----------------------------------------------------


@pytest.mark.slow
@SETTINGS
@given(tables(), st.sampled_from([[], ["organization"], ["organization", "service"],
                                  ["service", "month"]]))  # fmt: skip
def test_kpis_equal_the_plain_pandas_computation(frame, by):
    keys = ["period" if k == "month" else k for k in by]
    got = keyed(run(frame, by), keys)
    expected = reference_kpis(frame, keys)
    if "period" in keys:  # every month from the first receipt to the last as_of ended
        ended = pd.Period(AS_OF, freq="M") - 1  # June 2025 is running and received nothing
        months = pd.period_range(frame["received_at"].min(), ended, freq="M").strftime("%Y-%m")
        assert got["complete"].all()
        services = expected.index.get_level_values("service").unique()
        full = pd.MultiIndex.from_product([services, months], names=keys)
        expected = expected.reindex(full)
        expected[COUNTS] = expected[COUNTS].fillna(0)
    if keys:
        expected = expected.sort_index()
        assert got.index.tolist() == expected.index.tolist()
    for col in COUNTS:
        assert got[col].tolist() == expected[col].astype(int).tolist(), col
    for col in TIMES + SHARES:
        np.testing.assert_allclose(
            got[col].to_numpy(float), expected[col].to_numpy(float), rtol=1e-12, err_msg=col
        )


def test_reference_reproduces_the_hand_computed_example() -> None:
    # the reference itself checked on the example of test_complaints_kpis.py:
    # registry answers after 10, 40, 20 calendar days -> median 20, p90 36
    frame = pd.DataFrame(
        {
            "organization": ["C"] * 3,
            "service": ["libraries"] * 3,
            "received_at": pd.to_datetime(["2024-01-02", "2024-01-05", "2024-01-10"]),
            "answered_at": pd.to_datetime(["2024-01-12", "2024-02-14", "2024-01-30"]),
            "status": ["closed", "answered", "closed"],
            "reopen_count": [0, 0, 1],
            "suspended_days": [0, 0, 0],
            "suspended_working_days": [0, 0, 0],
        }
    )
    ref = reference_kpis(frame, []).iloc[0]
    assert (ref["median_answer_days"], ref["p90_answer_days"]) == (20, 36)
    # working days (2 Jan, 12 Jan] = 8, (5 Jan, 14 Feb] = 28, (10 Jan, 30 Jan] = 14
    assert ref["median_answer_working_days"] == 14
    assert ref["answered_within_deadline"] == 2  # the 40-day answer is late
    got = run(frame).iloc[0]
    assert got["p90_answer_working_days"] == pytest.approx(14 + 0.8 * 14)


# -- metamorphic properties ---------------------------------------------------


@pytest.mark.slow
@FEW
@given(tables(), st.randoms(use_true_random=False))
def test_row_order_is_irrelevant(frame, rnd):
    order = list(range(len(frame)))
    rnd.shuffle(order)
    shuffled = frame.iloc[order].reset_index(drop=True)
    for by in ([], ["organization", "service"], ["service", "month"]):
        pd.testing.assert_frame_equal(run(shuffled, by), run(frame, by))


@FEW
@given(tables())
def test_group_wise_equals_each_group_alone(frame):
    grouped = run(frame, ["organization"]).set_index("organization")
    for org, part in frame.groupby("organization"):
        alone = run(part.reset_index(drop=True)).iloc[0]
        pd.testing.assert_series_equal(
            grouped.loc[org], alone, check_names=False, check_dtype=False
        )


@pytest.mark.slow
@FEW
@given(tables(orgs=("A", "B")), tables(orgs=("C",)))
def test_another_organization_changes_nothing_for_the_rest(frame, other):
    both = pd.concat([frame, other], ignore_index=True)
    for by in (["organization"], ["organization", "service", "month"]):
        keys = ["period" if k == "month" else k for k in by]
        before = keyed(run(frame, by), keys)
        after = keyed(run(both, by), keys)
        after = after.loc[after.index.get_level_values("organization") != "C"]
        # C's earlier receipts may add months before A's and B's: empty ones
        added = after.loc[after.index.difference(before.index)]
        assert (added[["received", "open"]] == 0).all().all()
        # (a key column of only missing values has another dtype after concat)
        pd.testing.assert_frame_equal(after.loc[before.index], before, check_dtype=False)


@SETTINGS
@given(tables(), st.sampled_from([[], ["organization"], ["service", "quarter"]]))
def test_counts_shares_and_percentiles_are_consistent(frame, by):
    k = run(frame, by)
    for col in SHARES:
        values = k[col].dropna()
        assert ((values >= 0) & (values <= 1)).all(), col
    assert (k["answered_within_deadline"] <= k["answered"]).all()
    assert (k["answered"] <= k["received"]).all()
    assert (k["overdue"] <= k["open"]).all()
    assert (k[BUCKETS].sum(axis=1) == k["open"]).all()
    assert k["received"].sum() == len(frame)
    for unit in ("days", "working_days"):
        has = k[f"median_answer_{unit}"].notna()
        # percentiles are monotone in the quantile
        assert (k.loc[has, f"median_answer_{unit}"] <= k.loc[has, f"p90_answer_{unit}"]).all()


@FEW
@given(tables())
def test_population_rates(frame):
    pops = {"A": 184_739.0, "B": 1_354_196.0, "C": 50_000.0}
    k = run(frame, ["organization"], population=pops).set_index("organization")
    expected = frame.groupby("organization").size() / pd.Series(pops) * 10_000
    np.testing.assert_allclose(k["per_10000"], expected.reindex(k.index))
    # without grouping by organization: the inhabitants of the organizations present
    total = run(frame, population=pops).iloc[0]
    present = sum(pops[o] for o in frame["organization"].unique())
    assert total["per_10000"] == pytest.approx(len(frame) / present * 10_000)


# -- backlog at month end, from the events ------------------------------------


#: 31 March 2024 02:00-03:00 does not exist in Europe/Rome (case_table refuses it)
DST_GAP = (dt.datetime(2024, 3, 31, 2), dt.datetime(2024, 3, 31, 3))


CATS = ["waiting", "staff", None]  # None: a complaint without category


@st.composite
def histories(draw: st.DrawFn) -> tuple[pd.DataFrame, pd.DataFrame]:
    n = draw(st.integers(1, 15))
    complaints, events = [], []
    for i in range(n):
        cid = f"c{i}"
        t = draw(st.datetimes(dt.datetime(2024, 1, 1), dt.datetime(2024, 5, 31)))
        org, category = draw(st.sampled_from(["A", "B", "C"])), draw(st.sampled_from(CATS))
        complaints.append((cid, org, "registry", category, t))
        path = draw(
            st.sampled_from(
                [
                    ["received"],
                    ["received", "in_progress"],
                    ["received", "in_progress", "answered"],
                    ["received", "in_progress", "answered", "closed"],
                    ["received", "in_progress", "answered", "closed", "reopened", "answered"],
                    ["received", "forwarded", "closed"],
                    ["received", "rejected"],
                ]
            )
        )
        for status in path:
            if DST_GAP[0] <= t < DST_GAP[1]:  # a local time that does not exist in Europe/Rome
                t += dt.timedelta(hours=1)
            events.append((cid, t, status))
            t = t + dt.timedelta(hours=draw(st.integers(1, 60 * 24)))
    cframe = pd.DataFrame(
        complaints, columns=["id", "organization", "service", "category", "received_at"]
    )
    eframe = pd.DataFrame(events, columns=["complaint_id", "at", "to_status"])
    eframe.insert(0, "seq", np.arange(1, len(eframe) + 1))
    return cframe, eframe


@pytest.mark.slow
@FEW
@given(histories())
def test_backlog_at_each_month_end_equals_the_events(data):
    complaints, events = data
    for month_end in pd.date_range("2024-01-31", "2024-08-31", freq="2ME"):
        instant = month_end + pd.Timedelta(hours=23, minutes=59)
        # plain pandas: each complaint's last state up to the instant
        known = events[events["at"] <= instant].sort_values("seq")
        state = known.groupby("complaint_id")["to_status"].last()
        received = complaints.set_index("id")["received_at"]
        open_ids = state.index[state.isin(OPEN)]
        ages = (month_end - received[open_ids].dt.normalize()).dt.days
        org = complaints.set_index("id")["organization"]
        expected = pd.DataFrame({"organization": org[open_ids], "age": ages})
        expected_open = expected.groupby("organization").size()
        expected_old = expected[expected["age"] > 30].groupby("organization").size()

        snapshot = case_table(complaints, events, as_of=instant, calendar=CALENDARS)
        assert len(snapshot) == (received <= instant).sum()
        if snapshot.empty:
            continue
        got = kpis(snapshot, by="organization", as_of=instant).set_index("organization")
        assert got["open"].to_dict() == expected_open.reindex(got.index, fill_value=0).to_dict()
        old = got[["backlog_31_60", "backlog_61_90", "backlog_over_90"]].sum(axis=1)
        assert old.to_dict() == expected_old.reindex(got.index, fill_value=0).to_dict()


@pytest.mark.slow
@FEW
@given(tables(), st.lists(st.sampled_from([m for m in METRICS if m not in ("population",
       "per_10000", "founded", "share_founded")]), min_size=1, max_size=6),
       st.sampled_from([[], ["organization"], ["service", "month"]]))  # fmt: skip
def test_a_subset_of_metrics_equals_those_columns_of_the_full_call(frame, metrics, by):
    full = run(frame, by)
    some = run(frame, by, metrics=metrics)
    asked = {"received", *metrics}
    if "backlog" in asked:
        asked |= {"open", *BUCKETS}
    keys = ["period" if k == "month" else k for k in by]
    keys += ["complete"] if "month" in by else []  # the period's key: has as_of ended it
    expected = [*keys, *[c for c in full.columns if c in asked]]
    assert some.columns.tolist() == expected
    pd.testing.assert_frame_equal(some, full[expected])


@pytest.mark.slow
@FEW
@given(histories(), st.lists(st.datetimes(dt.datetime(2023, 12, 1), dt.datetime(2024, 9, 30)),
                             min_size=1, max_size=4))  # fmt: skip
def test_backlog_series_equals_kpis_on_the_register_at_each_instant(data, moments):
    complaints, events = data
    instants = [pd.Timestamp(m) for m in moments if not DST_GAP[0] <= m < DST_GAP[1]]
    ends = backlog(complaints, "month-end", events=events, by="organization", until="2024-09-30")
    series = backlog(complaints, instants, events=events, by="organization")
    for table in (ends, series):
        for as_of, rows in table.groupby("as_of"):
            snapshot = case_table(complaints, events, as_of=as_of, calendar=CALENDARS)
            got = rows.set_index("organization")["open"]
            if snapshot.empty:
                assert (got == 0).all()
                continue
            k = kpis(snapshot, by="organization", as_of=as_of, metrics=["open"])
            expected = k.set_index("organization")["open"].reindex(got.index, fill_value=0)
            assert got.to_dict() == expected.to_dict(), as_of


@pytest.mark.slow
@FEW
@given(histories(), st.datetimes(dt.datetime(2024, 1, 1), dt.datetime(2024, 9, 30)))
def test_backlog_by_category_adds_up_and_ends_with_kpis_at_until(data, until):
    complaints, events = data
    if DST_GAP[0] <= until < DST_GAP[1]:
        return
    until = pd.Timestamp(until)
    by = backlog(complaints, "month-end", events=events, by="category", until=until)
    total = backlog(complaints, "month-end", events=events, until=until)
    # every category (those without one too) at every instant: they add up to the total
    summed = by.groupby("as_of")["open"].sum()
    assert summed.reindex(total["as_of"]).tolist() == total["open"].tolist()
    if total.empty:
        return
    # the last row is the register at until (its month's end if that came first)
    last = total["as_of"].iloc[-1]
    assert last == min(until.tz_localize("Europe/Rome"), last)
    assert last.strftime("%Y-%m") == (until - pd.Timedelta(1, "us")).strftime("%Y-%m")
    snapshot = case_table(complaints, events, as_of=last, calendar=CALENDARS)
    if not snapshot.empty:
        k = kpis(snapshot, by="category", as_of=last, metrics=["open"])
        assert k["open"].sum() == total["open"].iloc[-1]
        mine = by[by["as_of"] == last].set_index("category")["open"]
        assert mine.sum() == total["open"].iloc[-1]


# -- pareto and trend ---------------------------------------------------------


categories = st.lists(st.sampled_from([*"abcdefg", None]), min_size=1, max_size=40)


@SETTINGS
@given(categories, st.lists(st.sampled_from(["x", "y"]), min_size=40, max_size=40),
       st.floats(0.05, 1.0), st.randoms(use_true_random=False))  # fmt: skip
def test_pareto_properties_and_reference(cats, services, threshold, rnd):
    frame = pd.DataFrame({"category": cats, "service": services[: len(cats)]})
    p = pareto(frame, threshold=threshold)
    # reference: counts sorted by decreasing count, then name (no category: NaN, last)
    counts = frame["category"].fillna("\uffff").value_counts()
    ref = counts.rename_axis("category").reset_index(name="count")
    ref = ref.sort_values(["count", "category"], ascending=[False, True], ignore_index=True)
    got = [None if pd.isna(c) else c for c in p["category"]]
    assert got == [None if c == "\uffff" else c for c in ref["category"]]
    assert p["count"].tolist() == ref["count"].tolist()
    np.testing.assert_allclose(p["cumulative_share"], ref["count"].cumsum() / len(frame))
    assert p["share"].sum() == pytest.approx(1)
    # the vital few: the shortest head whose cumulative share reaches the threshold
    reach = int(np.argmax(p["cumulative_share"].to_numpy() >= threshold - 1e-12)) + 1
    assert p["vital_few"].tolist() == [True] * reach + [False] * (len(p) - reach)
    # row order irrelevant; group-wise equals each group alone
    order = list(range(len(frame)))
    rnd.shuffle(order)
    pd.testing.assert_frame_equal(pareto(frame.iloc[order], threshold=threshold), p)
    by = pareto(frame, by="service", threshold=threshold)
    for service, part in frame.groupby("service"):
        alone = pareto(part, threshold=threshold)
        mine = by[by["service"] == service].drop(columns="service").reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, alone)


@pytest.mark.slow
@FEW
@given(tables())
def test_trend_counts_every_month_and_adds_up(frame):
    t = trend(frame, as_of=AS_OF, policy=POLICY, calendar=CALENDARS)
    months = pd.to_datetime(frame["received_at"]).dt.strftime("%Y-%m")
    expected = months.value_counts()
    ended = pd.Period(AS_OF, freq="M") - 1  # as_of's month is running and received nothing
    span = pd.period_range(months.min(), ended, freq="M").strftime("%Y-%m")
    assert t["period"].tolist() == list(span)
    assert t["received"].tolist() == expected.reindex(span, fill_value=0).tolist()
    # received_change is this month over the previous one, minus 1
    rec = t["received"].astype(float)
    prev = rec.shift(1)
    np.testing.assert_allclose(
        t["received_change"], (rec / prev - 1).where(prev > 0), equal_nan=True
    )
    by_org = trend(frame, by="organization", as_of=AS_OF, policy=POLICY, calendar=CALENDARS)
    summed = by_org.groupby("period")["received"].sum()
    assert summed.reindex(t["period"]).tolist() == t["received"].tolist()
    # each organization's row equals its own trend for the counts (every
    # period of the full span is present for each group)
    for org, part in frame.groupby("organization"):
        alone = trend(part, as_of=AS_OF, policy=POLICY, calendar=CALENDARS).set_index("period")
        mine = by_org[by_org["organization"] == org].set_index("period")
        common = alone.index
        for col in ("received", "answered", "open"):
            assert mine.loc[common, col].tolist() == alone[col].tolist()
        assert (mine.loc[mine.index.difference(common), "received"] == 0).all()


@SETTINGS
@given(
    st.lists(
        st.tuples(
            # a time far from as_of, within three days of it (seconds), or none
            st.none()
            | st.datetimes(dt.datetime(1800, 1, 1), dt.datetime(2100, 1, 1))
            | st.integers(-3 * 86_400, 3 * 86_400),
            st.sampled_from(["Europe/Rome", "Asia/Manila", "Pacific/Kiritimati", "Etc/GMT+12"]),
        ),
        max_size=30,
    ),
    st.datetimes(dt.datetime(1800, 1, 1), dt.datetime(2100, 1, 1)),
    st.booleans(),
)
# office times more than half a day before as_of but after it in UTC: 12 hours behind UTC,
# and 15:56 behind in Manila before 1845 (the largest offset of the time zone database)
@example([(-11 * 3600, "Etc/GMT+12"), (0, "Europe/Rome")], dt.datetime(2024, 1, 1), False)
@example([(-15 * 3600 - 55 * 60, "Asia/Manila")], dt.datetime(1800, 6, 1), False)
def test_the_as_of_check_places_only_times_near_as_of_and_finds_the_same(rows, limit, one_zone):
    # the check of as_of places in their zones only the office times within two days of it;
    # every office time placed (the check before, slow on a long table) finds the same rows
    from qualitapa.complaints._cases import _utc_us
    from qualitapa.complaints._kpis import _later_than

    times = [limit + dt.timedelta(seconds=t) if isinstance(t, int) else t for t, _ in rows]
    values = pd.Series(times, dtype="datetime64[us]")
    zones = "Etc/GMT+12" if one_zone else pd.Series([z for _, z in rows], dtype=object)
    bound = np.datetime64(limit, "us")
    expected = np.flatnonzero(_utc_us(values, zones) > bound)
    assert _later_than(values, zones, bound).tolist() == expected.tolist()
