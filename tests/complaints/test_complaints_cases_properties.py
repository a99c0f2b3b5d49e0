"""Answer times, suspensions and deadlines of ``case_table``, against plain day sets.

Random histories (receipt, suspensions and resumptions, an answer, sometimes
a reopening with a later suspension that must not count) go through
:func:`case_table`; the expected values are counted on sets of days:

* answer time in working days = working days ``d`` with ``received < d <=
  answered`` that are not in any suspension ``(suspended, resumed]``;
* answer time in calendar days = ``answered - received`` minus the calendar
  days of the suspensions before the first answer;
* an answer is within an N-working-day deadline when that count is at most N
  and it was given on a working day, or at most N - 1 when given on a
  closed day (the due date is a working day, so a Saturday after a Friday
  due date is late, although no working day has passed since).

The working days come from ``holidays.Italy`` and the weekday only.
"""

from __future__ import annotations

import datetime as dt
import functools

import holidays
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualitapa.complaints import DeadlinePolicy, WorkCalendar, case_table

D = dt.date
TZ = "Europe/Rome"
AS_OF = "2026-06-30 18:00"


@functools.lru_cache(maxsize=16)
def closed_days(province: str | None) -> frozenset[D]:
    return frozenset(holidays.Italy(subdiv=province, years=range(2023, 2027)))


def is_working(day: D, province: str | None) -> bool:
    return day.weekday() < 5 and day not in closed_days(province)


def days_in(a: D, b: D) -> set[D]:
    """The days of (a, b]."""
    return {a + dt.timedelta(days=k) for k in range(1, (b - a).days + 1)}


gaps = st.integers(min_value=0, max_value=25)


@st.composite
def histories(draw: st.DrawFn) -> dict:
    received = draw(st.dates(D(2024, 1, 1), D(2025, 9, 30)))
    suspensions = draw(st.lists(st.tuples(gaps, gaps), max_size=3))
    answer_gap = draw(st.one_of(st.none(), gaps))
    ongoing = answer_gap is None and draw(st.booleans())
    later = answer_gap is not None and draw(st.booleans())
    return {
        "received": received,
        "suspensions": suspensions,
        "answer_gap": answer_gap,
        "ongoing": ongoing,
        "later_suspension": later,
    }


def build(histories_: list[dict]) -> tuple[pd.DataFrame, pd.DataFrame, list[dict]]:
    """Complaints and events frames, and each complaint's dates for the expected values."""
    complaints, events, facts = [], [], []
    seq = 0
    for i, h in enumerate(histories_):
        cid = f"c{i}"
        steps: list[tuple[D, str]] = [(h["received"], "received")]
        day = h["received"]
        spans = []
        for before, length in h["suspensions"]:
            start = day + dt.timedelta(days=before)
            end = start + dt.timedelta(days=length)
            steps += [(start, "suspended"), (end, "in_progress")]
            spans.append((start, end))
            day = end
        answered = None
        if h["answer_gap"] is not None:
            answered = day + dt.timedelta(days=h["answer_gap"])
            steps.append((answered, "answered"))
            if h["later_suspension"]:
                # reopened and suspended after the first answer: not counted
                steps += [
                    (answered + dt.timedelta(days=2), "reopened"),
                    (answered + dt.timedelta(days=3), "suspended"),
                    (answered + dt.timedelta(days=9), "in_progress"),
                    (answered + dt.timedelta(days=10), "answered"),
                ]
        elif h["ongoing"]:
            start = day + dt.timedelta(days=1)
            steps.append((start, "suspended"))
            spans.append((start, pd.Timestamp(AS_OF).date()))
        for k, (d, status) in enumerate(steps):
            seq += 1
            at = pd.Timestamp(d) + pd.Timedelta(hours=9, minutes=k)
            events.append((seq, cid, at.tz_localize(TZ), status))
        complaints.append((cid, events[-len(steps)][2]))  # received_at = first event
        facts.append({"received": h["received"], "answered": answered, "spans": spans})
    cframe = pd.DataFrame(complaints, columns=["id", "received_at"])
    eframe = pd.DataFrame(events, columns=["seq", "complaint_id", "at", "to_status"])
    return cframe, eframe, facts


@pytest.mark.slow
@settings(max_examples=30, deadline=None)
@given(
    st.lists(histories(), min_size=1, max_size=8),
    st.sampled_from([None, "MO", "MI", "RM"]),
    st.integers(min_value=1, max_value=20),
    st.integers(min_value=1, max_value=40),
)
def test_answer_times_and_deadlines_net_of_suspensions(hs, province, n_working, n_calendar):
    complaints, events, facts = build(hs)
    cal = WorkCalendar(province)
    working = case_table(
        complaints,
        events,
        policy=DeadlinePolicy(default={"days": n_working, "unit": "working"}),
        calendar=cal,
        as_of=AS_OF,
    )
    calendar = case_table(
        complaints, events, policy=DeadlinePolicy(default=n_calendar), calendar=cal, as_of=AS_OF
    )
    for row, cal_row, f in zip(working.itertuples(), calendar.itertuples(), facts, strict=True):
        suspended = set().union(*(days_in(s, e) for s, e in f["spans"]))
        sus_working = sum(is_working(d, province) for d in suspended)
        sus_calendar = sum((e - s).days for s, e in f["spans"])
        assert row.suspended_working_days == sus_working
        assert row.suspended_days == sus_calendar
        if f["answered"] is None:
            assert np.isnan(row.answer_working_days)
            assert pd.isna(row.within_deadline)
            continue
        counted = days_in(f["received"], f["answered"]) - suspended
        net_working = sum(is_working(d, province) for d in counted)
        net_calendar = (f["answered"] - f["received"]).days - sus_calendar
        assert row.answer_working_days == net_working
        assert row.answer_days == net_calendar
        limit = n_working if is_working(f["answered"], province) else n_working - 1
        assert bool(row.within_deadline) == (net_working <= limit)
        assert bool(cal_row.within_deadline) == (net_calendar <= n_calendar)
        # the due date is never before the N-th working day after receipt
        assert cal.working_days_between(f["received"], row.due_date.date()) >= n_working


def test_answer_on_a_saturday_after_a_friday_due_date_is_late() -> None:
    # received Mon 8 Jan 2024, 4 working days: Tue 9 (1) ... Fri 12 (4) = due date.
    # Answered Sat 13: 4 working days have passed, but after the due date.
    complaints = pd.DataFrame(
        {"id": ["a", "b"], "received_at": pd.to_datetime(["2024-01-08 09:00"] * 2).tz_localize(TZ)}
    )
    events = pd.DataFrame(
        {
            "seq": [1, 2, 3, 4],
            "complaint_id": ["a", "a", "b", "b"],
            "at": pd.to_datetime(
                ["2024-01-08 09:00", "2024-01-13 10:00", "2024-01-08 09:00", "2024-01-12 17:00"]
            ).tz_localize(TZ),
            "to_status": ["received", "answered", "received", "answered"],
        }
    )
    out = case_table(
        complaints, events, policy=DeadlinePolicy(default={"days": 4, "unit": "working"})
    ).set_index("id")
    assert out["due_date"].dt.date.tolist() == [D(2024, 1, 12)] * 2
    assert out["answer_working_days"].tolist() == [4, 4]
    assert out["within_deadline"].tolist() == [False, True]


def test_suspension_by_hand() -> None:
    # Modena. Received Mon 29 Jan 2024; suspended Tue 30 Jan, resumed Mon 5 Feb;
    # answered Fri 9 Feb. Suspension (30 Jan, 5 Feb]: 31 Jan (San Geminiano,
    # closed), 1, 2 Feb, [3-4 weekend], 5 Feb -> 3 working days, 6 calendar days.
    # (29 Jan, 9 Feb]: 30 Jan, 1, 2, 5, 6, 7, 8, 9 Feb = 8 working days; net 5.
    # Calendar: 11 - 6 = 5 days. 10 working days + 3 suspended = 13 after 29 Jan:
    # 30 (1), 1, 2 (3), 5-9 (8), 12-16 (13) -> due Fri 16 Feb.
    complaints = pd.DataFrame(
        {"id": ["a"], "received_at": pd.to_datetime(["2024-01-29 09:00"]).tz_localize(TZ)}
    )
    events = pd.DataFrame(
        {
            "seq": [1, 2, 3, 4],
            "complaint_id": ["a"] * 4,
            "at": pd.to_datetime(
                ["2024-01-29 09:00", "2024-01-30 10:00", "2024-02-05 10:00", "2024-02-09 10:00"]
            ).tz_localize(TZ),
            "to_status": ["received", "suspended", "in_progress", "answered"],
        }
    )
    out = case_table(
        complaints,
        events,
        policy=DeadlinePolicy(default={"days": 10, "unit": "working"}),
        calendar=WorkCalendar("MO"),
    ).iloc[0]
    assert (out["suspended_days"], out["suspended_working_days"]) == (6, 3)
    assert (out["answer_days"], out["answer_working_days"]) == (5, 5)
    assert out["due_date"].date() == D(2024, 2, 16)
    assert bool(out["within_deadline"])


def test_the_complaints_index_does_not_matter() -> None:
    # a complaints frame with its own index (filtered, or read with an id
    # index) gets the same answers, row by row
    complaints = pd.DataFrame(
        {
            "id": ["a", "b", "c"],
            "received_at": pd.to_datetime(
                ["2024-01-08 09:00", "2024-01-09 09:00", "2024-01-10 09:00"]
            ).tz_localize(TZ),
        }
    )
    events = pd.DataFrame(
        {
            "seq": [1, 2, 3, 4],
            "complaint_id": ["a", "b", "c", "c"],
            "at": pd.to_datetime(
                ["2024-01-08 09:00", "2024-01-09 09:00", "2024-01-10 09:00", "2024-01-12 17:00"]
            ).tz_localize(TZ),
            "to_status": ["received", "received", "received", "answered"],
        }
    )
    plain = case_table(complaints, events, as_of="2024-02-01")
    other = case_table(complaints.set_axis([30, 10, 20]), events, as_of="2024-02-01")
    assert other.index.tolist() == [30, 10, 20]
    pd.testing.assert_frame_equal(other.reset_index(drop=True), plain)
    # c: (10 Jan, 12 Jan] = 2 days; a and b unanswered
    assert other["answer_days"].tolist()[2] == 2
    assert other["answered_at"].isna().tolist() == [True, True, False]


_RULED = DeadlinePolicy(
    by_kind={"praise": 60},
    by_service={"registry": {"days": 10, "unit": "working"}},
    by_category={"waiting": 5, "roads.holes": {"days": 3, "unit": "working"}},
    category_parent={"waiting.long": "waiting"},
)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["complaint", "praise", None]),
            st.sampled_from(["registry", "roads", None, float("nan")]),
            st.sampled_from(["waiting", "waiting.long", "roads.holes", "other", None]),
        ),
        max_size=40,
    ),
    st.sets(st.sampled_from(["kind", "service", "category"])),
    st.booleans(),
)
def test_the_rules_of_a_table_are_each_rows_rule(rows, columns, as_text):
    # the vectorised rules (one per distinct combination) against rule_for row by row
    frame = pd.DataFrame(rows, columns=["kind", "service", "category"], dtype=object)
    frame = frame[[c for c in frame.columns if c in columns]]
    if as_text:  # pandas' text columns (missing: NaN), as a register's tables have them
        frame = frame.astype("str").where(frame.notna())
    days, working = _RULED.rules(frame)
    for i, row in enumerate(frame.astype(object).where(frame.notna(), None).itertuples()):
        rule = _RULED.rule_for(**{c: getattr(row, c) for c in frame.columns})
        assert (days[i], working[i]) == (rule.days, rule.unit.value == "working"), row
