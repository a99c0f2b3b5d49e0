"""Working-day counting: properties, an independent calendar and real Italian years.

The reference calendar here never calls :class:`WorkCalendar` or
``numpy.busday_*``: it marks every day of a ``pandas.date_range`` as working
from the weekday and the holidays the ``holidays`` package lists for the
province, numbers the working days with a cumulative sum ``F`` (``F(x)`` =
working days on or before ``x``), and reads

* ``between(a, b) = F(b) - F(a)`` (working days in ``(a, b]``, negative
  backwards), and
* ``add(a, n) = W[F(a) + n]``, the ``(F(a) + n)``-th working day,

which is the convention docs/complaints.md states. A second reference is
``numpy.busday_count`` fed with the holidays package's dates, as an analyst
would write it. The national calendar itself is rebuilt from the laws (fixed
dates and Easter Monday by Oudin's algorithm) for every year the library
covers.
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

from qualitapa.complaints import DeadlinePolicy, WorkCalendar, due_dates

# hypothesis and the national calendar 1990-2100
pytestmark = pytest.mark.slow

D = dt.date
SETTINGS = settings(max_examples=150, deadline=None)

# the window the strategies draw from, and a margin for +-60 working days
FIRST, LAST = D(2023, 1, 1), D(2026, 12, 31)
REF_FIRST, REF_LAST = D(2022, 6, 1), D(2027, 7, 31)

PROVINCES = [None, "MO", "MI", "BG", "TN", "VE", "RM", "TO", "BO"]
WEEKMASKS = ["1111100", "1111110", "0111110", "1010101"]

provinces = st.sampled_from(PROVINCES)
weekmasks = st.sampled_from(WEEKMASKS)
days = st.dates(min_value=FIRST, max_value=LAST)
offsets = st.integers(min_value=-60, max_value=60)


@functools.lru_cache(maxsize=64)
def reference(province: str | None, weekmask: str) -> tuple[pd.Series, np.ndarray]:
    """(F indexed by date, working dates in order) from the holidays package, plain pandas."""
    index = pd.date_range(REF_FIRST, REF_LAST, freq="D")
    closed = holidays.Italy(subdiv=province, years=range(REF_FIRST.year, REF_LAST.year + 1))
    open_weekday = np.array([c == "1" for c in weekmask])[index.day_of_week]
    holiday = np.array([d in closed for d in index.date])
    working = open_weekday & ~holiday
    cumulative = pd.Series(np.cumsum(working), index=index.date)
    return cumulative, index.date[working]


def ref_between(province: str | None, weekmask: str, a: D, b: D) -> int:
    cumulative, _ = reference(province, weekmask)
    return int(cumulative[b] - cumulative[a])


def ref_add(province: str | None, weekmask: str, a: D, n: int) -> D:
    cumulative, working = reference(province, weekmask)
    return working[cumulative[a] + n - 1]


def numpy_busday_between(province: str | None, weekmask: str, a: D, b: D) -> int:
    # the analyst's version: busday_count counts [begin, end); receipt day excluded
    lo, hi = min(a, b), max(a, b)
    hol = sorted(holidays.Italy(subdiv=province, years=range(lo.year, hi.year + 2)))
    n = int(
        np.busday_count(
            lo + dt.timedelta(days=1), hi + dt.timedelta(days=1), weekmask=weekmask, holidays=hol
        )
    )
    return n if a <= b else -n


# -- against the independent references --------------------------------------


@SETTINGS
@given(provinces, weekmasks, days, days)
def test_between_matches_the_reference_calendar(province, weekmask, a, b):
    cal = WorkCalendar(province, weekmask=weekmask)
    expected = ref_between(province, weekmask, a, b)
    assert cal.working_days_between(a, b) == expected
    assert numpy_busday_between(province, weekmask, a, b) == expected


@SETTINGS
@given(provinces, weekmasks, days, offsets)
def test_add_matches_the_reference_calendar(province, weekmask, a, n):
    cal = WorkCalendar(province, weekmask=weekmask)
    assert cal.add_working_days(a, n) == ref_add(province, weekmask, a, n)


@settings(max_examples=40, deadline=None)
@given(provinces, weekmasks, st.lists(st.tuples(days, days), min_size=1, max_size=30))
def test_vectorised_equals_scalar(province, weekmask, pairs):
    cal = WorkCalendar(province, weekmask=weekmask)
    a = np.array([p[0] for p in pairs], dtype="datetime64[D]")
    b = np.array([p[1] for p in pairs], dtype="datetime64[D]")
    got = cal.working_days_between(a, b)
    assert got.tolist() == [cal.working_days_between(x, y) for x, y in pairs]
    n = got.clip(-60, 60)
    added = cal.add_working_days(a, n)
    assert added.tolist() == [
        cal.add_working_days(x, int(k)) for (x, _), k in zip(pairs, n, strict=True)
    ]


# -- metamorphic properties ---------------------------------------------------


@SETTINGS
@given(provinces, weekmasks, days, days, days)
def test_between_is_antisymmetric_and_additive(province, weekmask, a, b, c):
    cal = WorkCalendar(province, weekmask=weekmask)
    ab, bc, ac = (cal.working_days_between(x, y) for x, y in ((a, b), (b, c), (a, c)))
    assert cal.working_days_between(b, a) == -ab
    assert ab + bc == ac
    assert cal.working_days_between(a, a) == 0


@SETTINGS
@given(provinces, weekmasks, days, days, days)
def test_between_is_monotone_and_bounded(province, weekmask, a, b, c):
    a, b, c = sorted((a, b, c))
    cal = WorkCalendar(province, weekmask=weekmask)
    assert 0 <= cal.working_days_between(a, b) <= cal.working_days_between(a, c)
    assert cal.working_days_between(a, c) >= cal.working_days_between(b, c) >= 0
    assert cal.working_days_between(a, b) <= (b - a).days


@SETTINGS
@given(provinces, weekmasks, days, offsets)
def test_between_undoes_add_from_any_start(province, weekmask, a, n):
    # every start, also a Saturday, a Sunday or a holiday, and every n (0 and
    # negative too): the n-th working day after a is n working days after a
    cal = WorkCalendar(province, weekmask=weekmask)
    due = cal.add_working_days(a, n)
    assert cal.working_days_between(a, due) == n
    assert cal.is_working_day([due])[0]
    if n > 0:
        # ... and it is the first day that far away: the day before is not
        assert cal.working_days_between(a, due - dt.timedelta(days=1)) == n - 1
    # more days, strictly later
    assert cal.add_working_days(a, n + 1) > due


@SETTINGS
@given(provinces, weekmasks, days, days)
def test_add_undoes_between_up_to_closed_days(province, weekmask, a, b):
    # adding the count from a to b lands on b, or on the last working day before b
    cal = WorkCalendar(province, weekmask=weekmask)
    landed = cal.add_working_days(a, cal.working_days_between(a, b))
    assert landed <= b
    assert cal.working_days_between(landed, b) == 0


@SETTINGS
@given(provinces, days, days)
def test_a_holiday_more_never_adds_working_days(province, a, b):
    a, b = sorted((a, b))
    national = WorkCalendar().working_days_between(a, b)
    local = WorkCalendar(province).working_days_between(a, b)
    six_days = WorkCalendar(province, weekmask="1111110").working_days_between(a, b)
    assert local <= national
    assert local <= six_days


# -- the real Italian calendar ------------------------------------------------


def easter_oudin(year: int) -> D:
    """Gregorian Easter Sunday by Oudin's algorithm (1940), integer arithmetic.

    As printed in the Explanatory Supplement to the Astronomical Almanac and
    quoted at http://ireallycantdecide.wordpress.com/2004/01/ ; the
    ``holidays`` package uses dateutil's implementation instead.
    """
    c = year // 100
    n = year - 19 * (year // 19)
    k = (c - 17) // 25
    i = c - c // 4 - (c - k) // 3 + 19 * n + 15
    i = i - 30 * (i // 30)
    i = i - (i // 28) * (1 - (i // 28) * (29 // (i + 1)) * ((21 - n) // 11))
    j = year + year // 4 + i + 2 - c + c // 4
    j = j - 7 * (j // 7)
    ell = i - j
    month = 3 + (ell + 40) // 44
    day = ell + 28 - 31 * (month // 4)
    return D(year, month, day)


def national_holidays_by_law(year: int) -> set[D]:
    """Weekday-relevant national holidays, from the laws the holidays package cites.

    Law 260 of 27 May 1949 (1 Jan, Easter Monday, 25 Apr, 1 May, 2 Jun, 15 Aug,
    1 Nov, 8 Dec, 25-26 Dec), Law 54 of 5 Mar 1977 (Epiphany abolished, 2 Jun
    moved to the first Sunday of June, 4 Nov to the first Sunday of November),
    DPR 792 of 28 Dec 1985 (Epiphany restored from 1986), Law 336 of 20 Nov 2000
    (2 Jun fixed again from 2001), Law 151 of 8 Oct 2025 (4 Oct, St Francis,
    from 2026); and the one-off 17 Mar 2011, 150th anniversary of the
    Unification (``ItalyStaticHolidays.special_public_holidays`` in the
    package). Sundays are closed anyway.
    """
    fixed = [(1, 1), (1, 6), (4, 25), (5, 1), (8, 15), (11, 1), (12, 8), (12, 25), (12, 26)]
    if year >= 2001:
        fixed.append((6, 2))
    if year >= 2026:
        fixed.append((10, 4))
    if year == 2011:
        fixed.append((3, 17))
    out = {D(year, m, d) for m, d in fixed}
    out.add(easter_oudin(year) + dt.timedelta(days=1))
    return out


def test_oudin_reproduces_known_easters() -> None:
    # Easter Sunday 2024 is 31 March and 2025 is 20 April (holidays.Italy lists
    # Easter Monday on 1 Apr 2024 and 21 Apr 2025)
    assert easter_oudin(2024) == D(2024, 3, 31)
    assert easter_oudin(2025) == D(2025, 4, 20)
    assert holidays.Italy(years=2024).get(D(2024, 4, 1)) is not None
    assert holidays.Italy(years=2025).get(D(2025, 4, 21)) is not None


def test_national_calendar_equals_the_laws_1990_to_2100() -> None:
    years = range(1990, 2101)
    index = pd.date_range("1990-01-01", "2100-12-31", freq="D")
    closed = set().union(*(national_holidays_by_law(y) for y in years))
    expected = (index.day_of_week < 5) & ~np.isin(index.date, list(closed))
    got = WorkCalendar().is_working_day(index.to_numpy().astype("datetime64[D]"))
    wrong = index[got != expected]
    assert wrong.empty, f"{len(wrong)} days differ, first {list(wrong[:5].date)}"


@pytest.mark.parametrize(
    ("province", "year", "expected"),
    [
        # 2024 begins on Monday and has 366 days: 52 weeks + Mon 30 and Tue 31 Dec
        # = 262 weekdays. National holidays on weekdays: 1 Jan (Mon), 1 Apr
        # (Easter Monday), 25 Apr (Thu), 1 May (Wed), 15 Aug (Thu), 1 Nov (Fri),
        # 25 Dec (Wed), 26 Dec (Thu) = 8; 6 Jan (Sat), 2 Jun (Sun), 8 Dec (Sun)
        # fall on a weekend. 262 - 8 = 254.
        (None, 2024, 254),
        # Modena: San Geminiano, Wed 31 Jan -> 253
        ("MO", 2024, 253),
        # Milano: Sant'Ambrogio 7 Dec 2024 is a Saturday -> 254
        ("MI", 2024, 254),
        # Roma: Santi Pietro e Paolo, 29 Jun 2024 a Saturday -> 254
        ("RM", 2024, 254),
        # Torino: San Giovanni, Mon 24 Jun -> 253
        ("TO", 2024, 253),
        # Venezia: San Marco is 25 Apr (already closed), Madonna della Salute
        # Thu 21 Nov -> 253
        ("VE", 2024, 253),
        # 2025 begins on Wednesday: 52 weeks + Wed 31 Dec = 261 weekdays.
        # Weekday holidays: 1 Jan (Wed), 6 Jan (Mon), 21 Apr (Easter Monday),
        # 25 Apr (Fri), 1 May (Thu), 2 Jun (Mon), 15 Aug (Fri), 8 Dec (Mon),
        # 25 Dec (Thu), 26 Dec (Fri) = 10; 1 Nov is a Saturday. 261 - 10 = 251.
        (None, 2025, 251),
        # Bologna: San Petronio, Sat 4 Oct 2025 -> 251
        ("BO", 2025, 251),
    ],
)
def test_working_days_in_a_year(province: str | None, year: int, expected: int) -> None:
    # the weekdays quoted in the comments, checked
    assert D(2024, 1, 1).weekday() == 0
    assert D(2025, 1, 1).weekday() == 2
    assert [D(2024, m, d).weekday() for m, d in [(6, 2), (12, 8), (12, 7), (6, 29)]] == [
        6, 6, 5, 5
    ]  # fmt: skip
    assert [D(2025, m, d).weekday() for m, d in [(11, 1), (10, 4)]] == [5, 5]
    cal = WorkCalendar(province)
    # (31 Dec of the year before, 31 Dec]: every day of the year
    assert cal.working_days_between(D(year - 1, 12, 31), D(year, 12, 31)) == expected
    assert cal.working_days_between(D(year, 12, 31), D(year - 1, 12, 31)) == -expected


@pytest.mark.parametrize(
    ("province", "day", "name_it"),
    [
        # holidays/countries/italy.py: _populate_subdiv_ve/_rm/_to/_bo_public_holidays
        ("VE", D(2024, 11, 21), "Madonna della Salute"),
        ("RM", D(2024, 6, 29), "Santi Pietro e Paolo"),
        ("TO", D(2024, 6, 24), "San Giovanni Battista"),
        ("BO", D(2025, 10, 4), "San Petronio"),
    ],
)
def test_more_patron_saints(province: str, day: D, name_it: str) -> None:
    local = holidays.Italy(subdiv=province, years=day.year, language="it_IT")
    assert name_it in local.get(day)
    assert day not in holidays.Italy(years=day.year) or day.year >= 2026


def test_liberation_day_and_republic_day() -> None:
    cal = WorkCalendar()
    # Wed 24 Apr 2024 + 1: Thu 25 Apr is Liberation Day -> Fri 26 Apr
    assert cal.add_working_days("2024-04-24", 1) == D(2024, 4, 26)
    # Fri 30 May 2025 + 1: [31 May - 1 Jun weekend, Mon 2 Jun Republic Day] -> Tue 3 Jun
    assert cal.add_working_days("2025-05-30", 1) == D(2025, 6, 3)
    # received on Easter Monday 2024 (1 Apr, closed): counts from Thu 28 Mar...
    # Fri 29 Mar is working, so from Fri 29: + 1 = Tue 2 Apr
    assert cal.add_working_days("2024-04-01", 1) == D(2024, 4, 2)
    assert cal.working_days_between("2024-04-01", "2024-04-02") == 1
    # ... and backwards from it: (Thu 28 Mar, Mon 1 Apr] holds Fri 29 -> -1
    assert cal.working_days_between("2024-04-01", "2024-03-28") == -1


# -- deadlines ----------------------------------------------------------------


@SETTINGS
@given(provinces, st.lists(st.tuples(days, st.integers(1, 60), st.booleans()), max_size=20))
def test_due_dates_agree_with_the_counts(province, rows):
    cal = WorkCalendar(province)
    received = np.array([r[0] for r in rows], dtype="datetime64[D]")
    n = np.array([r[1] for r in rows], dtype=np.int64)
    working = np.array([r[2] for r in rows], dtype=bool)
    due = due_dates(received, n, working, cal)
    rolled = due_dates(received, n, working, cal, roll_to_working_day=True)
    for (r, k, w), d, dr in zip(rows, due.tolist(), rolled.tolist(), strict=True):
        if w:
            # the k-th working day after receipt, wherever the receipt falls
            assert d == ref_add(province, "1111100", r, k)
            assert cal.working_days_between(r, d) == k
            assert dr == d
        else:
            assert (d - r).days == k
            # art. 2963 c.c.: on to the first working day, never earlier
            assert dr >= d
            assert cal.is_working_day([dr])[0]
            assert cal.working_days_between(d, dr) == (1 if dr > d else 0)


def test_policy_due_dates_through_add_deadlines() -> None:
    from qualitapa.complaints import add_deadlines

    policy = DeadlinePolicy(default={"days": 10, "unit": "working"})
    received = pd.to_datetime(["2024-04-20 10:00", "2024-03-30 10:00"]).tz_localize("Europe/Rome")
    out = add_deadlines(pd.DataFrame({"received_at": received}), policy=policy)
    # Sat 20 Apr 2024: counts from Fri 19; 22, 23, 24 (3), [25 Apr], 26 (4),
    # 29, 30 (6), [1 May], 2, 3 (8), 6, 7 (10) -> Tue 7 May
    # Sat 30 Mar 2024 (Easter Saturday): from Fri 29; [1 Apr], 2-5 (4),
    # 8-12 (9), 15 (10) -> Mon 15 Apr
    assert out["due_date"].dt.date.tolist() == [D(2024, 5, 7), D(2024, 4, 15)]
