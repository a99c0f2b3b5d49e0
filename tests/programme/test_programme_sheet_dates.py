"""A sheet's plain days are read as ``read_dates`` reads them (issue 25).

``check_sheet`` reads a date column of plain days (``2024-01-31``,
``31/01/2024``) itself, and leaves any other column to
:func:`qualitapa._dates.read_dates`; here both read the same cells.
"""

from __future__ import annotations

import pandas as pd
from hypothesis import event, given, settings
from hypothesis import strategies as st

from qualitapa._dates import read_dates
from qualitapa.errors import DataError
from qualitapa.programme import _sheets
from tests.programme.test_programme_store import statuses


def _number(low: int, top: int) -> st.SearchStrategy[str]:
    return st.integers(low, top).flatmap(lambda n: st.sampled_from([str(n), f"{n:02d}"]))


_YEAR = st.just("2024") | st.sampled_from(
    ["2025", "1900", "2199", "1899", "2200", "0024", "24", "9999"]
)


@st.composite
def _cells(draw: st.DrawFn, only_plain: bool = False) -> str:
    """Days as offices and the store write them, and (unless ``only_plain``) shapes near them."""
    day = draw(_number(1, 28) | _number(0, 32))
    month = draw(_number(1, 12) | _number(0, 13))
    year = draw(_YEAR)
    plain = [f"{year}-{month}-{day}", f"{day}/{month}/{year}", f"{day}.{month}.{year}",
             f"{day}-{month}-{year}"]  # fmt: skip
    near = [f"{day}/{month}-{year}", f"{day}/{month}/{year} 09:30", f"{year}-{month}-{day}T10:00",
            f"{year}-{month}-{day}Z", f"{day}/{month}/{year}x", "٣/٠١/٢٠٢٤", "oggi"]  # fmt: skip
    return draw(st.sampled_from(plain if only_plain else plain + near))


def _read_dates(texts: list[str]) -> list[str] | None:
    """``read_dates``' ISO day of each cell; None when it refuses one."""
    try:
        read = read_dates(pd.DataFrame({"date": texts}, dtype=object), as_text=True)
    except DataError:
        return None
    return [str(v)[:10] for v in read["date"]]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(_cells(only_plain=True), min_size=1, max_size=4)
    | st.lists(_cells(), min_size=1, max_size=4)
)
def test_plain_days_are_the_days_read_dates_reads(texts: list[str]) -> None:
    days = _sheets._plain_days(texts)
    event("plain" if days is not None else "left to read_dates")
    if days is not None:
        assert days == _read_dates(texts)
    else:  # some cell is not a plain day: read_dates reads the column
        assert any(_sheets._plain_days([t]) is None for t in texts)


def test_plain_days_and_the_cells_left_to_read_dates() -> None:
    texts = ["2024-01-31", "1/2/2024", "01.02.2024", "31-12-2199", "29/02/2024"]
    assert _sheets._plain_days(texts) == _read_dates(texts)
    assert _sheets._plain_days(texts) == [
        "2024-01-31", "2024-02-01", "2024-02-01", "2199-12-31", "2024-02-29",
    ]  # fmt: skip
    for other in ("02/31/2024", "29/02/2023", "31/01/24", "2024-01-31 09:30", "1899-12-31"):
        assert _sheets._plain_days(["2024-01-31", other]) is None, other
    # a sheet's dates as the office writes them, as ISO text and as Excel's cells: one reading
    day_first = statuses()
    iso = day_first.assign(at=["2024-02-01", "2024-05-31", "2024-03-04"])
    typed = day_first.assign(at=pd.to_datetime(iso["at"]).astype(object))
    want = _sheets.check_sheet(day_first, "activity_status")
    assert want["at"].tolist() == iso["at"].tolist()
    pd.testing.assert_frame_equal(_sheets.check_sheet(iso, "activity_status"), want)
    pd.testing.assert_frame_equal(_sheets.check_sheet(typed, "activity_status"), want)
