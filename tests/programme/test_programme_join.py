"""``left_join`` is the merge it replaces (issue 25): the same table, the same errors."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from pandas.errors import MergeError

from qualitapa.programme._join import left_join

_DTYPES = {
    "str": (st.sampled_from(["a", "b", "c", "ab"]), str),
    "object": (st.sampled_from(["a", "b", 1, 1.0, True, None]), object),
    "int": (st.integers(0, 3), "int64"),
    "float": (st.sampled_from([0.0, 1.5, np.nan]), float),
}
_VALUES = {
    "int": (st.integers(-5, 5), "int64"),
    "float": (st.floats(-5, 5), float),
    "bool": (st.booleans(), bool),
    "Int64": (st.one_of(st.none(), st.integers(0, 9)), "Int64"),
    "str": (st.one_of(st.none(), st.sampled_from(["x", "y"])), str),
    "object": (st.one_of(st.none(), st.sampled_from(["x", 2])), object),
    "datetime": (st.sampled_from(["2024-01-31", "2025-06-01"]), "datetime64[us]"),
}


@st.composite
def _tables(draw: st.DrawFn) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    n_keys = draw(st.integers(1, 2))
    kinds = [draw(st.sampled_from(list(_DTYPES))) for _ in range(n_keys)]
    keys = [f"k{i}" for i in range(n_keys)]
    right_kind = [kinds[i] if draw(st.booleans()) else draw(st.sampled_from(list(_DTYPES)))
                  for i in range(n_keys)]  # fmt: skip

    def frame(kinds: list[str], n: int, extra: dict[str, str]) -> pd.DataFrame:
        cols = {}
        for key, kind in zip(keys, kinds, strict=True):
            values, dtype = _DTYPES[kind]
            cols[key] = pd.Series(draw(st.lists(values, min_size=n, max_size=n)), dtype=dtype)
        for name, kind in extra.items():
            values, dtype = _VALUES[kind]
            cols[name] = pd.Series(draw(st.lists(values, min_size=n, max_size=n)), dtype=dtype)
        return pd.DataFrame(cols)

    left_extra = {"l": draw(st.sampled_from(list(_VALUES)))}
    right_extra = {
        f"r{i}": draw(st.sampled_from(list(_VALUES))) for i in range(draw(st.integers(0, 3)))
    }
    if draw(st.booleans()):
        right_extra["l"] = "int"  # a column of the same name: suffixes
    left = frame(kinds, draw(st.integers(0, 7)), left_extra)
    left.index = left.index + draw(st.integers(0, 3))  # rows left after a filter
    right = frame(right_kind, draw(st.integers(0, 5)), right_extra)
    if draw(st.integers(0, 3)):  # mostly keys held once, as the sheets' checks make them
        right = right.drop_duplicates(subset=keys)
    return left, right, keys


@settings(max_examples=100, deadline=None)
@given(_tables(), st.sampled_from(["many_to_one", "one_to_one"]))
def test_left_join_is_the_merge(tables, validate) -> None:
    left, right, keys = tables
    with warnings.catch_warnings():  # int keys merged on floats: the merge warns (both ways)
        warnings.simplefilter("ignore", UserWarning)
        try:
            want = left.merge(right, on=keys, how="left", validate=validate)
        except (MergeError, ValueError) as error:
            with pytest.raises(type(error)):
                left_join(left, right, keys, validate=validate)
            return
        got = left_join(left, right, keys, validate=validate)
    same_keys = all(left[k].dtype == right[k].dtype for k in keys)
    event("keys of one dtype" if same_keys else "keys of two dtypes")
    pd.testing.assert_frame_equal(got, want)


def test_the_sheets_shape_takes_the_lookup() -> None:
    left = pd.DataFrame({"k": pd.Series(["a", "b", "z"], dtype=str), "l": [1, 2, 3]})
    left.index = [4, 5, 6]  # rows left after a filter
    right = pd.DataFrame(
        {
            "k": pd.Series(["b", "a"], dtype=str),
            "d": pd.to_datetime(["2024-01-31", "2024-02-01"]),
            "n": pd.array([1, None], dtype="Int64"),
            "f": [True, False],
        }
    )
    got = left_join(left, right, ["k"])
    pd.testing.assert_frame_equal(
        got, left.merge(right, on=["k"], how="left", validate="many_to_one")
    )
    assert got["d"].isna().tolist() == [False, False, True]
    assert got["n"].isna().tolist() == [True, False, True]
