"""The training sheets' reader reads cells as pandas' string operations did (issue 25).

``_Reader.text`` and ``_Reader.number`` (and the monitoring's ``_text``) read the cells in one
Python pass (``programme._cells``)
instead of five pandas string operations each (the sessions looked up in a
dictionary instead of merging: ``test_programme_join.py``). The functions below
are the implementations before, kept here as the reference.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from qualitapa.problems import Rule
from qualitapa.programme import _training


def _text_before(frame: pd.DataFrame, column: str) -> pd.Series:
    values = frame[column].astype("string").fillna("").str.strip()
    return values.str.replace(r"^(\d+)\.0$", r"\1", regex=True).astype(str)


def _number_before(frame: pd.DataFrame, column: str) -> tuple[pd.Series, np.ndarray]:
    raw = frame[column]
    text = raw.astype("string").fillna("").str.strip()
    if not pd.api.types.is_numeric_dtype(raw):
        text = text.str.replace(",", ".", regex=False)
    values = pd.to_numeric(text.where(text != ""), errors="coerce").astype(float)
    return values, (text == "").to_numpy()


_TEXT_CELLS = (
    ["", " ", "C1", " S03 ", "2024", "2024.0", " 7.0 ", "7.00", "0,5", "1.5", "-2", "x1",
     "1e3", "inf", "nan", "٣.0", "\u00a012\u00a0", "\t3\n", "1,2,3", "1.0.0", "NA"]
)  # fmt: skip
_TEXTS = st.sampled_from(_TEXT_CELLS)
_CELLS = st.one_of(
    _TEXTS,
    st.none(),
    st.just(np.nan),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True, allow_infinity=True, width=64),
    st.just(dt.date(2024, 3, 5)),
    st.just(pd.Timestamp("2024-03-05 10:30")),
)


@st.composite
def _columns(draw: st.DrawFn) -> pd.Series:
    """A column as a sheet gives it: mixed objects, text, whole or decimal numbers."""
    n = draw(st.integers(0, 8))
    kind = draw(st.sampled_from(["object", "str", "int", "float", "Int64"]))
    if kind == "object":
        return pd.Series(draw(st.lists(_CELLS, min_size=n, max_size=n)), dtype=object)
    if kind == "str":
        texts = draw(st.lists(st.one_of(_TEXTS, st.none()), min_size=n, max_size=n))
        return pd.Series(texts, dtype=str)
    if kind == "int":
        return pd.Series(draw(st.lists(st.integers(-99, 3000), min_size=n, max_size=n)))
    if kind == "Int64":
        whole = draw(st.lists(st.one_of(st.none(), st.integers(-99, 3000)), min_size=n,
                              max_size=n))  # fmt: skip
        return pd.Series(whole, dtype="Int64")
    floats = draw(st.lists(st.floats(allow_nan=True, width=64), min_size=n, max_size=n))
    return pd.Series(floats, dtype=float)


def _same_as_before(column: pd.Series, start: int) -> None:
    frame = pd.DataFrame({"c": column})
    frame.index = pd.RangeIndex(start, start + len(frame))  # a sheet's rows after a filter
    read = _training._Reader(frame, "staff")
    pd.testing.assert_series_equal(read.text("c"), _text_before(frame, "c"))
    values, blank = _number_before(frame, "c")
    pd.testing.assert_series_equal(read.number("c", integer=True), values)
    # the faults found are the same: not a number, negative, not whole, blank
    before = _training._Reader(frame, "staff")
    before.add(blank, "c", Rule.REQUIRED, _training._REQUIRED)  # text's blanks
    before.add(values.isna().to_numpy() & ~blank, "c", Rule.NOT_A_NUMBER,
               _training._NOT_A_NUMBER)  # fmt: skip
    before.add((values < 0).to_numpy(), "c", Rule.NEGATIVE, _training._NEGATIVE)
    whole = values.isna() | (values == np.floor(values))
    before.add(~whole.to_numpy(), "c", Rule.NOT_INTEGER, _training._NOT_WHOLE)
    before.add(blank, "c", Rule.REQUIRED, _training._REQUIRED)
    pd.testing.assert_frame_equal(read.problems.table(), before.problems.table())


_SPECIAL = [
    None,
    np.nan,
    True,
    False,
    0,
    -3,
    2024,
    0.0,
    -0.0,
    2.5,
    2024.0,
    1e16,
    1e-7,
    np.inf,
    -np.inf,
    12345678901234567890,
    dt.date(2024, 3, 5),
    pd.Timestamp("2024-03-05 10:30"),
]


def test_every_kind_of_cell_reads_as_before() -> None:
    texts = list(_TEXT_CELLS)
    _same_as_before(pd.Series(texts + _SPECIAL, dtype=object), 0)
    _same_as_before(pd.Series([*texts, None], dtype=str), 3)
    _same_as_before(pd.Series([0.0, -0.0, 2.5, 2024.0, 1e16, 1e-7, np.nan, np.inf, -1.5]), 1)
    _same_as_before(pd.Series([0, 7, -3, 2024]), 0)
    _same_as_before(pd.Series([0, None, -3, 2024], dtype="Int64"), 0)
    _same_as_before(pd.Series([], dtype=object), 0)


@settings(max_examples=40, deadline=None)
@given(_columns(), st.integers(0, 5))
def test_text_and_number_read_the_cells_as_before(column: pd.Series, start: int) -> None:
    _same_as_before(column, start)
