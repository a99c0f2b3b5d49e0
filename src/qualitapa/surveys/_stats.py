"""Statistical building blocks: weighted group summaries, Kish n_eff, Wilson intervals.

Formulas (documented in ``docs/surveys.md``)
-------------------------------------------
With survey weights :math:`w_i` of the :math:`n` valid answers :math:`y_i`
of a group:

* weighted mean :math:`\\bar y_w = \\sum w_i y_i / \\sum w_i`;
* Kish effective sample size :math:`n_{eff} = (\\sum w_i)^2 / \\sum w_i^2`
  (Kish 1965, *Survey Sampling*, eq. 11.7.6); design effect due to
  weighting :math:`deff = n / n_{eff}`;
* variance :math:`s^2 = \\frac{n_{eff}}{n_{eff} - 1}\\,\\sum w_i (y_i - \\bar y_w)^2
  / \\sum w_i` and standard error :math:`se = s / \\sqrt{n_{eff}}`;
  the interval is :math:`\\bar y_w \\pm t_{n_{eff}-1}\\, se`. Without weights
  these are the usual sample variance and *t* interval.
* shares use the Wilson score interval (Wilson 1927; Newcombe 1998, method
  3) with :math:`n_{eff}` in place of :math:`n` (a design-based adjustment).

These intervals treat the weighted sample as a simple random sample of size
:math:`n_{eff}`; they ignore clustering and stratification of the design.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import attrs
import numpy as np
import pandas as pd
from scipy import stats

from qualitapa.errors import DataError


def wilson_interval(
    successes: Any, n: Any, *, confidence: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a proportion (vectorised).

    Parameters
    ----------
    successes
        Number of successes (may be weighted and non-integer: pass
        ``share * n_eff``).
    n
        Number of trials (or effective sample size).
    confidence
        Confidence level.

    Returns
    -------
    (low, high)
        Arrays of the same shape; NaN where ``n`` is 0.

    Notes
    -----
    :math:`\\frac{\\hat p + z^2/2n \\pm z\\sqrt{\\hat p(1-\\hat p)/n + z^2/4n^2}}{1 + z^2/n}`.
    Checked against Newcombe (1998), Statistics in Medicine 17:857-872, Table I.

    Examples
    --------
    >>> lo, hi = wilson_interval(81, 263)
    >>> round(float(lo), 4), round(float(hi), 4)
    (0.2553, 0.3662)
    """
    x = np.asarray(successes, dtype=float)
    m = np.asarray(n, dtype=float)
    z = stats.norm.ppf(0.5 + confidence / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = x / m
        denom = 1 + z**2 / m
        centre = (p + z**2 / (2 * m)) / denom
        half = z * np.sqrt(p * (1 - p) / m + z**2 / (4 * m**2)) / denom
        # exactly 0 and 1 when no / every trial succeeds (rounding can miss them)
        low = np.where(x <= 0, 0.0, np.clip(centre - half, 0.0, 1.0))
        high = np.where(x >= m, 1.0, np.clip(centre + half, 0.0, 1.0))
        low = np.where(m > 0, low, np.nan)
        high = np.where(m > 0, high, np.nan)
    return low, high


def effective_sample_size(weights: Any) -> float:
    """Kish's effective sample size ``(sum w)^2 / sum w^2``.

    Examples
    --------
    >>> effective_sample_size([1, 1, 1, 1])
    4.0
    >>> round(effective_sample_size([1, 1, 1, 3]), 3)
    3.0
    """
    w = _check_weights(np.asarray(weights, dtype=float))
    w = w[~np.isnan(w)]
    s2 = float(np.sum(w**2))
    return float(np.sum(w) ** 2 / s2) if s2 > 0 else 0.0


def design_effect(weights: Any) -> float:
    """Kish design effect due to unequal weights: ``n * sum w^2 / (sum w)^2``.

    Examples
    --------
    >>> design_effect([1, 1, 1, 3])
    1.3333333333333333
    """
    w = np.asarray(weights, dtype=float)
    w = w[~np.isnan(w)]
    n_eff = effective_sample_size(w)
    return float(len(w) / n_eff) if n_eff > 0 else float("nan")


def _check_weights(w: np.ndarray, source: str | None = None) -> np.ndarray:
    if np.any(w < 0) or np.any(np.isinf(w)):
        raise DataError("weights must be finite and non-negative", source=source, column="weight")
    return w


# -- grouping -------------------------------------------------------------------


@attrs.frozen
class Groups:
    """Group codes of the rows of a frame, the key of each group, and a sort order.

    Group sums are computed by sorting rows by group once (``order``) and
    adding each group's contiguous run with :func:`numpy.add.reduceat`: one
    pass over the data for all groups, no loop over groups.
    """

    codes: np.ndarray  # int64, one per row
    keys: pd.DataFrame  # one row per group, columns = by
    order: np.ndarray  # stable argsort of codes
    starts: np.ndarray  # first sorted row of each group (every group is non-empty)

    @property
    def n(self) -> int:
        return len(self.keys)

    def sort(self, x: np.ndarray) -> np.ndarray:
        """Rows of ``x`` in group order."""
        return np.asarray(x)[self.order]

    def sum_sorted(self, x: np.ndarray) -> np.ndarray:
        """Per-group sums of rows already in group order; shape (groups, ...)."""
        x = np.asarray(x)
        if len(x) == 0:
            return np.zeros((self.n, *x.shape[1:]))
        return np.add.reduceat(x, self.starts, axis=0, dtype=np.float64)

    def sum(self, x: np.ndarray) -> np.ndarray:
        """Per-group sums of the rows of ``x`` (any row order)."""
        return self.sum_sorted(self.sort(x))

    def sizes(self) -> np.ndarray:
        """The number of rows of each group."""
        return np.diff(np.append(self.starts, len(self.codes)))

    def centre_sorted(
        self, x: np.ndarray, mask: np.ndarray | None, w: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Group means of ``x`` over the ``mask`` rows, and each row's deviation from them.

        Rows are in group order; ``w`` are optional weights; ``mask`` None
        means the rows where ``x`` is not NaN. The mean is kept within the
        group's smallest and largest value, so a constant variable has
        exactly its value as mean and deviations exactly 0 (a plain
        ``sum w x / sum w`` can miss it by an ulp, which then shows up as a
        tiny non-zero variance). Deviations are 0 outside ``mask``.
        Computing variances from these deviations (two passes) avoids the
        cancellation of ``sum w x^2 / sum w - mean^2``.
        """
        x = np.asarray(x, dtype=float)
        if len(x) == 0:
            return np.full(self.n, np.nan), np.zeros(0)
        if mask is None:  # NaN-ignoring min and max need no masked copies
            mask = ~np.isnan(x)
            hi, lo = np.fmax.reduceat(x, self.starts), np.fmin.reduceat(x, self.starts)
        else:
            mask = np.asarray(mask, dtype=bool)
            hi = np.maximum.reduceat(np.where(mask, x, -np.inf), self.starts)
            lo = np.minimum.reduceat(np.where(mask, x, np.inf), self.starts)
        xm = np.where(mask, x, 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            if w is None:
                mean = self.sum_sorted(xm) / self.sum_sorted(mask)
            else:
                wm = np.where(mask, w, 0.0)
                mean = self.sum_sorted(wm * xm) / self.sum_sorted(wm)
        ok = hi >= lo  # False for a group without rows in mask (NaN or +-inf bounds)
        mean = np.where(ok, np.clip(mean, np.where(ok, lo, 0.0), np.where(ok, hi, 0.0)), np.nan)
        return mean, np.where(mask, xm - np.repeat(mean, self.sizes()), 0.0)


def make_groups(frame: pd.DataFrame, by: str | Sequence[str] | None) -> Groups:
    """Factorise the ``by`` columns of ``frame`` (None: one group)."""
    n = len(frame)
    cols = [by] if isinstance(by, str) else list(by or [])
    missing = [c for c in cols if c not in frame.columns]
    if missing:
        raise DataError(
            f"grouping column is missing (found: {[str(c) for c in frame.columns]})",
            column=missing[0],
        )
    codes: np.ndarray
    order: np.ndarray
    if not cols:
        codes = np.zeros(n, dtype=np.int64)
        keys = pd.DataFrame(index=range(1))
        order = np.arange(n, dtype=np.int64)
        starts = np.zeros(1, dtype=np.int64)
    else:
        if len(cols) == 1:  # the groupby below, without its overhead (same codes and keys)
            found, uniques = pd.factorize(frame[cols[0]], sort=True, use_na_sentinel=False)
            codes = found.astype(np.int64)
            keys = pd.DataFrame({cols[0]: uniques})
        else:
            gb = frame.groupby(cols, sort=True, dropna=False, observed=True)
            codes = gb.ngroup().to_numpy(dtype=np.int64)
            keys = gb.size().reset_index()[cols]
        # numpy sorts 16-bit integers by radix sort, in linear time
        small = codes.astype(np.int16) if len(keys) < 2**15 else codes
        order = np.argsort(small, kind="stable").astype(np.int64)
        counts = np.bincount(codes, minlength=len(keys))
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    return Groups(codes, keys.reset_index(drop=True), order, starts)


def weights_of(frame: pd.DataFrame, weights: str | None) -> np.ndarray:
    """The weight column as floats (ones when None); missing weights are an error."""
    if weights is None:
        return np.ones(len(frame))
    if weights not in frame.columns:
        raise DataError("weight column is missing", column=weights)
    w = pd.to_numeric(frame[weights], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    if np.isnan(w).any():
        row = int(np.flatnonzero(np.isnan(w))[0]) + 1
        raise DataError("weight is missing or not a number", row=row, column=weights)
    return _check_weights(w)


@attrs.frozen
class Summary:
    """Per group x column weighted summaries (arrays of shape (groups, columns))."""

    n: np.ndarray
    sum_w: np.ndarray
    n_eff: np.ndarray
    mean: np.ndarray
    sd: np.ndarray
    se: np.ndarray
    low: np.ndarray
    high: np.ndarray


def summarise(
    values: np.ndarray,
    w: np.ndarray,
    groups: Groups,
    *,
    confidence: float = 0.95,
    presorted: bool = False,
) -> Summary:
    """Weighted mean, sd, se and t interval of each column of ``values`` per group.

    ``values`` is (rows, columns) with NaN for missing answers; with
    ``presorted`` its rows (and ``w``) are already in group order.
    """
    values = np.asarray(values, dtype=float)
    if values.ndim == 1:
        values = values[:, None]
    k = values.shape[1]
    shape = (groups.n, k)
    n = np.zeros(shape)
    sw = np.zeros(shape)
    sw2 = np.zeros(shape)
    mean = np.full(shape, np.nan)
    swd2 = np.zeros(shape)
    ws = w if presorted else groups.sort(w)
    unit = bool(np.all(ws == 1.0))  # unweighted: sums of weights are counts
    w2 = ws * ws
    for j in range(k):  # column by column: contiguous passes, small temporaries
        v = values[:, j] if presorted else groups.sort(values[:, j])
        n[:, j], sw[:, j], sw2[:, j], mean[:, j], swd2[:, j] = column_sums(
            v, ws, w2, groups, unit=unit
        )
    return summary_from_sums(n, sw, sw2, mean, swd2, confidence)


def column_sums(
    v: np.ndarray, ws: np.ndarray, w2: np.ndarray, groups: Groups, *, unit: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The group sums of one column for :func:`summary_from_sums`.

    ``v`` (NaN = missing), the weights ``ws`` and their squares ``w2`` are
    in group order; ``unit``: every weight is 1. Returns ``n``, ``sum_w``,
    ``sum_w2``, ``mean`` and ``swd2``, each of shape (groups,).
    """
    # two passes about each group's mean (see Groups.centre_sorted)
    if unit:  # sums of weights are counts
        mean, d = groups.centre_sorted(v, None)
        n = groups.sum_sorted(~np.isnan(v))
        return n, n, n, mean, groups.sum_sorted(d * d)
    present = ~np.isnan(v)
    wp = np.where(present, ws, 0.0)
    mean, d = groups.centre_sorted(v, present & (ws > 0), ws)
    return (
        groups.sum_sorted(present),
        groups.sum_sorted(wp),
        groups.sum_sorted(np.where(present, w2, 0.0)),
        mean,
        groups.sum_sorted(wp * d * d),
    )


def summary_from_sums(
    n: np.ndarray,
    sw: np.ndarray,
    sw2: np.ndarray,
    mean: np.ndarray,
    swd2: np.ndarray,
    confidence: float = 0.95,
) -> Summary:
    """Kish n_eff, sd, se and t intervals from weighted group sums and means.

    ``swd2`` is the weighted sum of squared deviations from the group mean,
    :math:`\\sum w_i (y_i - \\bar y_w)^2`.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        n_eff = np.where(sw2 > 0, sw**2 / sw2, 0.0)
        pop_var = np.maximum(swd2 / sw, 0.0)
        var = pop_var * n_eff / (n_eff - 1)
        var = np.where(n_eff > 1, var, np.nan)
        sd = np.sqrt(var)
        se = sd / np.sqrt(n_eff)
        t = stats.t.ppf(0.5 + confidence / 2, np.maximum(n_eff - 1, 1e-9))
        low = mean - t * se
        high = mean + t * se
    mean = np.where(n > 0, mean, np.nan)
    return Summary(n, sw, n_eff, mean, sd, se, low, high)


def poisson_bootstrap(
    values: np.ndarray,
    w: np.ndarray,
    groups: Groups,
    *,
    n_boot: int,
    seed: int | None,
    confidence: float = 0.95,
) -> tuple[np.ndarray, np.ndarray]:
    """Percentile bootstrap interval of weighted group means (Poisson bootstrap).

    Each replicate multiplies the weights by independent Poisson(1) counts
    (Hanley & MacGibbon 2006), which resamples respondents within every
    group at once without looping over groups.
    """
    values = np.asarray(values, dtype=float)
    if values.ndim == 1:
        values = values[:, None]
    rng = np.random.default_rng(seed)
    values = groups.sort(values)
    ws = groups.sort(w)
    present = ~np.isnan(values)
    y = np.where(present, values, 0.0)
    reps = np.empty((n_boot, groups.n, values.shape[1]))
    for b in range(n_boot):  # loop over replicates, not over data
        wb = ws * rng.poisson(1.0, size=len(ws))
        wp = present * wb[:, None]
        with np.errstate(invalid="ignore", divide="ignore"):
            reps[b] = groups.sum_sorted(wp * y) / groups.sum_sorted(wp)
    a = (1 - confidence) / 2
    if n_boot == 0:
        empty = np.full(reps.shape[1:], np.nan)
        return empty, empty
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN slices give NaN
        low = np.nanquantile(reps, a, axis=0)
        high = np.nanquantile(reps, 1 - a, axis=0)
    return low, high
