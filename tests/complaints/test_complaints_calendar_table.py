"""Working days of long arrays (a numbered table of the span) equal numpy's busday functions."""

from __future__ import annotations

import numpy as np
import pytest

from qualitapa.complaints import WorkCalendar


@pytest.mark.parametrize(
    "calendar",
    [WorkCalendar("MO"), WorkCalendar("MI", weekmask="1111110"), WorkCalendar(weekmask="0010000")],
)
def test_long_arrays_count_as_numpy_does(calendar: WorkCalendar) -> None:
    rng = np.random.default_rng(11)
    n = 5_000  # above the length from which the table is used
    start = np.datetime64("2023-01-01") + rng.integers(0, 900, n).astype("timedelta64[D]")
    end = np.datetime64("2023-01-01") + rng.integers(0, 900, n).astype("timedelta64[D]")
    cal = calendar._busdaycal
    one = np.timedelta64(1, "D")
    lo, hi = np.minimum(start, end), np.maximum(start, end)
    count = np.busday_count(lo + one, hi + one, busdaycal=cal)
    assert np.array_equal(
        calendar.working_days_between(start, end), np.where(end < start, -count, count)
    )
    steps = rng.integers(-120, 120, n)
    start[::9] = np.datetime64("NaT")  # missing dates stay missing
    expected = np.busday_offset(start, steps, roll="backward", busdaycal=cal)
    got = calendar.add_working_days(start, steps)
    assert np.array_equal(np.isnat(got), np.isnat(expected))
    assert np.array_equal(got[~np.isnat(got)], expected[~np.isnat(expected)])
    assert np.array_equal(calendar.add_working_days(end, 30),
                          np.busday_offset(end, 30, roll="backward", busdaycal=cal))  # fmt: skip


def test_a_missing_date_in_a_count_is_numpys_error() -> None:
    dates = np.full(100, np.datetime64("2024-01-02"))
    dates[5] = np.datetime64("NaT")
    with pytest.raises(ValueError, match="NaT"):
        WorkCalendar().working_days_between(dates, dates)
