"""Group codes and grouped statistics of the complaint KPIs, on arrays.

The KPIs group millions of complaints by a few columns (service, month...):
each key column is factorised once, the codes combined into one integer
per row, and counts, means and percentiles come from ``bincount`` over
those codes. Answer times are whole days, so their percentiles come from
each group's histogram of days (one pass) rather than a sort.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs
import numpy as np
import pandas as pd

#: A histogram of (groups x distinct values) is used up to this many cells
#: (or twice the number of values, when larger); a sort beyond.
_HISTOGRAM_CELLS = 1 << 22


@attrs.frozen(eq=False)
class Groups:
    """Each row's group (``codes``, 0 to ``size - 1``) and each group's key values.

    Groups are in the order of their keys (missing values last), as
    ``DataFrame.groupby(keys, sort=True, dropna=False, observed=True)``
    orders them; only groups with rows exist.
    """

    codes: np.ndarray
    size: int
    keys: dict[str, object]


def group_codes(columns: dict[str, tuple[np.ndarray, object]], n: int) -> Groups:
    """Combine per-column codes (``name -> (codes, uniques)``) into one group per row.

    Examples
    --------
    >>> service = (np.array([1, 0, 1]), np.array(["libraries", "registry"]))
    >>> month = (np.array([0, 0, 1]), np.array(["2024-01", "2024-02"]))
    >>> g = group_codes({"service": service, "month": month}, 3)
    >>> g.codes.tolist(), g.size, [k.tolist() for k in g.keys.values()]
    ([1, 0, 2], 3, [['libraries', 'registry', 'registry'], ['2024-01', '2024-01', '2024-02']])
    """
    if not columns:  # one group, the whole table (even an empty one)
        return Groups(np.zeros(n, dtype=np.int64), 1, {})
    combined = np.zeros(n, dtype=np.int64)
    size = 1
    for codes, uniques in columns.values():
        width = len(uniques)  # type: ignore[arg-type]
        if size * width >= 2**62:  # renumber the groups so far before the product overflows
            kept, combined = np.unique(combined, return_inverse=True)
            size = len(kept)
        combined = combined * width + codes
        size *= width
    if size <= max(4 * n, _HISTOGRAM_CELLS):
        present = np.bincount(combined, minlength=size) > 0
        n_groups = int(present.sum())
        group = (np.cumsum(present) - 1)[combined]
    else:
        kept, group = np.unique(combined, return_inverse=True)
        n_groups = len(kept)
    group = np.asarray(group, dtype=np.int64).reshape(-1)
    row = np.empty(n_groups, dtype=np.int64)
    row[group] = np.arange(n)  # one row of each group: its rows share every key
    keys = {name: uniques[codes[row]] for name, (codes, uniques) in columns.items()}  # type: ignore[index]
    return Groups(group, n_groups, keys)


def factorized(values: pd.Series) -> tuple[np.ndarray, object]:
    """Codes of ``values`` in sorted order, missing values a group of their own (last).

    Examples
    --------
    >>> codes, uniques = factorized(pd.Series(["b", None, "a", "b"]))
    >>> codes.tolist(), list(uniques)
    ([1, 2, 0, 1], ['a', 'b', nan])
    """
    codes, uniques = pd.factorize(values, sort=True, use_na_sentinel=False)
    return np.asarray(codes, dtype=np.int64), uniques


def grouped_stats(
    codes: np.ndarray, size: int, values: np.ndarray, quantiles: Sequence[float]
) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """Count, mean and ``quantiles`` of ``values`` (NaN skipped) in each of ``size`` groups.

    Quantiles interpolate linearly between order statistics (numpy's and
    pandas' default): position ``(count - 1) * q``. Groups without values
    get NaN.

    Examples
    --------
    >>> count, mean, (p50, p90) = grouped_stats(
    ...     np.array([0, 0, 0, 1, 1]), 2, np.array([10.0, 40, 20, 5, np.nan]), [0.5, 0.9])
    >>> count.tolist(), mean.tolist(), p50.tolist(), p90.tolist()
    ([3, 1], [23.333333333333332, 5.0], [20.0, 5.0], [36.0, 5.0])
    """
    valid = ~np.isnan(values)
    x = values[valid]
    g = codes[valid]
    count = np.bincount(g, minlength=size)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.bincount(g, weights=x, minlength=size) / count
    if not len(x):
        return count, mean, [np.full(size, np.nan) for _ in quantiles]
    starts = np.concatenate([[0], np.cumsum(count)[:-1]])
    lo, hi = float(x.min()), float(x.max())
    cells = (hi - lo + 1) * size
    if cells <= max(2 * len(x), _HISTOGRAM_CELLS) and bool(np.all(x == np.floor(x))):
        width = int(hi - lo) + 1
        cum = np.cumsum(np.bincount(g * width + (x - lo).astype(np.int64), minlength=size * width))
        first = np.arange(size, dtype=np.int64) * width

        def kth(k: np.ndarray) -> np.ndarray:  # the k-th smallest value of each group
            return lo + (np.searchsorted(cum, starts + k, side="right") - first)

    else:
        ordered = x[np.lexsort((x, g))]

        def kth(k: np.ndarray) -> np.ndarray:
            return ordered[np.minimum(starts + k, len(ordered) - 1)]

    out = []
    last = np.maximum(count - 1, 0)
    for q in quantiles:
        h = last * q
        k0 = np.floor(h).astype(np.int64)
        v0, v1 = kth(k0), kth(np.minimum(k0 + 1, last))
        with np.errstate(invalid="ignore"):
            out.append(np.where(count > 0, v0 + (h - k0) * (v1 - v0), np.nan))
    return count, mean, out
