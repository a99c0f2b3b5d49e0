"""The portal's readers of result tables: the same answers as pandas' own (issue 25)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from qualitapa.site import _cells as cells

_N = st.integers(0, 6)


@st.composite
def _frames(draw):
    n = draw(_N)
    floats = st.one_of(st.floats(-1e6, 1e6), st.just(np.nan))
    texts = st.one_of(st.none(), st.text("ab ,2", max_size=3))
    columns = {
        "value": draw(st.lists(floats, min_size=n, max_size=n)),
        "rank": pd.array(draw(st.lists(st.one_of(st.none(), _N), min_size=n, max_size=n)),
                         dtype="Int64"),
        "organization": pd.array(draw(st.lists(texts, min_size=n, max_size=n)), dtype="str"),
        "note": pd.array(draw(st.lists(texts, min_size=n, max_size=n)), dtype=object),
        "is_best": draw(st.lists(st.booleans(), min_size=n, max_size=n)),
        "n": draw(st.lists(_N, min_size=n, max_size=n)),
        "group": pd.Categorical(draw(st.lists(st.sampled_from(["a", "b"]), min_size=n,
                                              max_size=n))),
        "when": pd.to_datetime(draw(st.lists(st.sampled_from(["2024-01-02", None]), min_size=n,
                                             max_size=n))),
        "period": draw(st.lists(st.sampled_from([2023, 2024]), min_size=n, max_size=n)),
    }  # fmt: skip
    return pd.DataFrame(columns, index=range(100, 100 + n))


def _same(a: object, b: object) -> bool:
    """Equal values of the same type (NaN is NaN)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)  # type: ignore[arg-type]
    return a is b or a == b  # pd.NA is pd.NA


@given(_frames())
def test_records_are_to_dict_records(frame):
    expected = frame.to_dict("records")
    got = cells.records(frame)
    assert len(got) == len(expected)
    for row, want in zip(got, expected, strict=True):
        assert list(row) == list(want)
        assert all(_same(row[k], want[k]) for k in want), (row, want)


@given(_frames(), st.sampled_from(["int", "text", "mixed"]))
def test_latest_is_the_rows_of_the_largest_period(frame, kind):
    if kind == "text":
        frame = frame.assign(period=frame["period"].astype(str))
    elif kind == "mixed" and len(frame):
        frame = frame.assign(period=["x", *frame["period"].astype(str).iloc[1:]])
    numbers = pd.to_numeric(frame["period"], errors="coerce")
    rows, period = cells.latest(frame)
    if frame.empty or numbers.isna().all():
        assert period is None
        pd.testing.assert_frame_equal(rows, frame)
        return
    assert period == int(numbers.max())
    pd.testing.assert_frame_equal(rows, frame.loc[(numbers == period).to_numpy()])
