"""benchmark(): the fast paths for compute's own output give what the general paths give.

compute() returns categorical keys, integer years and rows in strictly
increasing (indicator, organization, period) order; benchmark() codes such
columns without hashing and proves such keys unique with one comparison of
neighbours. Each fast path is checked against the plain pandas operation
(``pd.factorize``, ``DataFrame.duplicated``), and whole results against the
same frame with plain object columns, which takes the general paths; the
best performers against a plain pandas groupby of the best rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualitapa.errors import DataError
from qualitapa.indicators import benchmark
from qualitapa.indicators._values import _codes, _duplicates

SETTINGS = settings(deadline=None)
POLARITY = {"i0": "higher_is_better", "i1": "lower_is_better", "i2": "neutral"}


def _factorize(column: pd.Series) -> tuple[np.ndarray, pd.Index]:
    codes, uniques = pd.factorize(column, sort=True)
    return np.asarray(codes), pd.Index(uniques)


def _assert_codes_equal(column: pd.Series) -> None:
    codes, labels = _codes(column)
    expected_codes, expected_labels = _factorize(column)
    np.testing.assert_array_equal(codes, expected_codes)
    pd.testing.assert_index_equal(labels, expected_labels, exact=True)


@SETTINGS
@given(
    st.lists(st.sampled_from(["b", "a", "c", None]), max_size=30),
    st.permutations(["a", "b", "c", "z"]),
)
def test_categorical_codes_match_factorize(items, categories) -> None:
    # categories in any order, some unused, missing values
    _assert_codes_equal(pd.Series(pd.Categorical(items, categories=categories)))


@SETTINGS
@given(
    st.lists(st.integers(-(2**40), 2**40), max_size=30),
    st.sampled_from(["int64", "int32", "int16", "uint8", "uint64"]),
    st.booleans(),
)
def test_integer_codes_match_factorize(items, dtype, small_range) -> None:
    # years (a small range, coded by offset) and anything else (hashed)
    info = np.iinfo(dtype)
    if small_range:
        items = [2000 + x % 30 for x in items]
    column = pd.Series(np.clip(items, max(info.min, -(2**40)), info.max), dtype=dtype)
    _assert_codes_equal(column)


@SETTINGS
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 2), st.integers(0, 2)), max_size=25),
       st.booleans())  # fmt: skip
def test_duplicates_match_pandas(keys, sort) -> None:
    # sorted keys take the one-comparison path; sorted keys with repeats must not pass it
    if sort:
        keys = sorted(keys, key=lambda k: (k[2], k[0], k[1]))
    arr = np.array(keys, dtype=np.int32).reshape(-1, 3)
    org, per, ind = arr[:, 0], arr[:, 1], arr[:, 2]
    no_key = np.zeros(len(arr), dtype=bool)
    got = _duplicates(org, per, ind, no_key, 3, 3)
    expected = pd.DataFrame(arr).duplicated(keep=False).to_numpy()
    np.testing.assert_array_equal(got, expected)


def _compute_like(rng: np.random.Generator, n_org: int, years: list[int]) -> pd.DataFrame:
    """A frame as compute() returns it: categorical keys, rows by indicator, organization, year."""
    keys = pd.MultiIndex.from_product(
        [list(POLARITY), [f"m{i:02d}" for i in range(n_org)], years],
        names=["indicator", "organization", "period"],
    ).to_frame(index=False)
    value = rng.integers(0, 6, len(keys)).astype(float)  # few values: ties are common
    value[rng.random(len(keys)) < 0.15] = np.nan
    return pd.DataFrame(
        {
            "organization": pd.Categorical(keys["organization"]),
            "period": keys["period"].astype(np.int64),
            "indicator": pd.Categorical(keys["indicator"], categories=list(POLARITY)),
            "value": value,
        }
    )


@pytest.mark.parametrize("seed", range(5))
def test_compute_frame_gives_the_general_result(seed: int) -> None:
    rng = np.random.default_rng(seed)
    frame = _compute_like(rng, int(rng.integers(2, 12)), [2021, 2022, 2024])
    fast = benchmark(frame, definitions=POLARITY)
    plain = frame.astype({"organization": object, "indicator": object, "period": object})
    general = benchmark(plain, definitions=POLARITY)
    for col in fast.columns.drop(["organization", "indicator", "period"]):
        pd.testing.assert_series_equal(
            fast[col].astype(object), general[col].astype(object), check_names=False
        )
    # best performers: a plain pandas groupby of the best rows, names sorted and joined
    best = fast[fast["is_best"]].astype({"organization": str})
    performers = (
        best.sort_values("organization")
        .groupby(["indicator", "period"], observed=True)["organization"]
        .agg(", ".join)
    )
    keys = zip(fast["indicator"], fast["period"], strict=True)
    expected = [performers.get(key, np.nan) for key in keys]
    got = fast["best_performers"].astype(object).where(fast["best_performers"].notna(), np.nan)
    assert [x if isinstance(x, str) else None for x in got] == [
        x if isinstance(x, str) else None for x in expected
    ]


def test_compute_frame_with_repeated_rows_is_still_checked() -> None:
    # two compute() outputs put together: sorted within each part, duplicated keys
    frame = _compute_like(np.random.default_rng(0), 4, [2023, 2024])
    twice = pd.concat([frame, frame], ignore_index=True)
    with pytest.raises(DataError, match="duplicate") as info:
        benchmark(twice, definitions=POLARITY)
    assert len(info.value.failure_cases) == len(twice)
    # the same key repeated next to itself (still non-decreasing): refused too
    repeated = frame.iloc[np.repeat(np.arange(len(frame)), 2)].reset_index(drop=True)
    with pytest.raises(DataError, match="duplicate"):
        benchmark(repeated, definitions=POLARITY)
