"""Changes over time: year-on-year change, compound growth, Theil-Sen slope, Mann-Kendall test.

Everything is vectorised over all (organization, indicator) series at once:
the values are laid on a series x period grid and the pairwise differences
of all periods are taken column-wise, in chunks of series to bound memory.

* Theil-Sen slope (Sen 1968; as :func:`scipy.stats.theilslopes` with
  ``method="separate"``): median of the slopes of all pairs of points; the
  confidence interval follows Sen's eq. 2.6, as scipy does.
* Mann-Kendall test (Mann 1945; Kendall 1975) with the variance corrected
  for tied values: ``S = sum sign(y_j - y_i)`` over pairs ``i < j``,
  ``var(S) = [n(n-1)(2n+5) - sum_t t(t-1)(2t+5)] / 18``,
  ``Z = (S - sign(S)) / sqrt(var(S))`` (continuity correction), two-sided
  ``p = 2 (1 - Phi(|Z|))``. Tests compare both with scipy.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import stats

from qualitapa.errors import DataError
from qualitapa.indicators._resolve import DefinitionsLike
from qualitapa.indicators._values import IndicatorValues, read_values, resolve_polarities

if TYPE_CHECKING:
    from qualitapa.catalog import Catalog
    from qualitapa.models import Polarity

#: Columns of :func:`changes`.
CHANGES_COLUMNS = (
    "organization",
    "period",
    "indicator",
    "value",
    "previous_period",
    "previous_value",
    "change",
    "change_pct",
)
#: Columns of :func:`trends`.
TRENDS_COLUMNS = (
    "organization",
    "indicator",
    "first_period",
    "last_period",
    "n_periods",
    "first_value",
    "last_value",
    "change_pct",
    "cagr_pct",
    "slope",
    "slope_low",
    "slope_high",
    "intercept",
    "mk_s",
    "mk_z",
    "p_value",
    "trend",
)

#: Pairwise work per chunk (series x pairs) to bound memory.
_CHUNK_CELLS = 2_000_000

#: The classes of the ``trend`` column of :func:`trends`, in their order.
_TREND_CLASSES = (
    "improving",
    "stable",
    "worsening",
    "increasing",
    "decreasing",
    "insufficient_data",
)


def _numeric_periods(labels: pd.Index, source: str | None) -> np.ndarray:
    if pd.api.types.is_numeric_dtype(labels.dtype) and not pd.api.types.is_bool_dtype(labels):
        return labels.to_numpy(dtype=np.float64)
    x = pd.to_numeric(pd.Series(labels.astype(str)), errors="coerce").to_numpy(dtype=np.float64)
    if np.isnan(x).any():
        bad = labels[np.isnan(x)][0]
        raise DataError(
            f"trends need numeric periods (years); {bad!r} is not a number",
            source=source,
            column="period",
        )
    return x


def _grid(iv: IndicatorValues) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Series codes, (org, indicator) of each series, and the series x period matrix."""
    n_ind = max(len(iv.indicator_labels), 1)
    key = iv.org.astype(np.int64) * n_ind + iv.indicator
    series_keys, series = np.unique(key, return_inverse=True)
    series = series.reshape(-1)
    y = np.full((len(series_keys), max(len(iv.period_labels), 1)), np.nan)
    y[series, iv.period] = iv.value
    return series_keys, series, y


def changes(values: pd.DataFrame, *, source: str | None = None) -> pd.DataFrame:
    """Change of each value from the previous period (year-on-year).

    The previous period is the one before in the sorted set of periods in
    ``values``: when an organization lacks that period, the change is
    missing rather than taken over a longer span.

    Parameters
    ----------
    values
        Indicator values: ``organization, period, indicator, value``.
    source
        Name of the data for error messages.

    Returns
    -------
    pandas.DataFrame
        The rows of ``values`` in the same order with ``previous_period``,
        ``previous_value``, ``change`` (value - previous) and
        ``change_pct`` (100 x change / abs(previous); missing when the
        previous value is 0).

    Examples
    --------
    >>> import pandas as pd
    >>> v = pd.DataFrame({"organization": "a", "indicator": "x",
    ...                   "period": [2022, 2023, 2024], "value": [80.0, 100.0, 90.0]})
    >>> changes(v)[["period", "change", "change_pct"]]
       period  change  change_pct
    0    2022     NaN         NaN
    1    2023    20.0        25.0
    2    2024   -10.0       -10.0
    """
    iv = read_values(values, source=source)
    _, series, y = _grid(iv)
    prev = np.full(len(iv.value), np.nan)
    has_prev = iv.period > 0
    prev[has_prev] = y[series[has_prev], iv.period[has_prev] - 1]
    change = iv.value - prev
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        pct = np.where(prev != 0, 100.0 * change / np.abs(prev), np.nan)
    pct[~np.isfinite(pct)] = np.nan  # e.g. from a previous value of 1e-313
    labels = iv.period_labels
    prev_period = pd.Series(labels[np.maximum(iv.period - 1, 0)]).where(has_prev)
    return pd.DataFrame(
        {
            "organization": values["organization"].array,
            "period": values["period"].array,
            "indicator": values["indicator"].array,
            "value": iv.value,
            "previous_period": prev_period.array,
            "previous_value": prev,
            "change": change,
            "change_pct": pct,
        },
        copy=False,
    )


def _sorted_median(a: np.ndarray, count: np.ndarray) -> np.ndarray:
    """Row medians of ``a`` sorted along axis 1 with NaN last and ``count`` valid cells."""
    rows = np.arange(len(a))
    c = np.maximum(count, 1)
    lo = a[rows, (c - 1) // 2]
    hi = a[rows, c // 2]
    return np.where(count > 0, (lo + hi) / 2.0, np.nan)


def _chunk_stats(y: np.ndarray, x: np.ndarray, z_crit: float) -> dict[str, np.ndarray]:
    t = y.shape[1]
    i, j = np.triu_indices(t, k=1)
    valid = ~np.isnan(y)
    n = valid.sum(axis=1)
    dy = y[:, j] - y[:, i]  # NaN where either point is missing
    dx = x[j] - x[i]
    slopes = np.sort(dy / dx, axis=1)  # NaN sorted last
    m = (~np.isnan(dy)).sum(axis=1)
    slope = _sorted_median(slopes, m)
    s = np.nansum(np.sign(dy), axis=1) if dy.size else np.zeros(len(y))
    # ties: each value in a group of t equal values contributes (t-1)(2t+5)
    eq = (y[:, :, None] == y[:, None, :]).sum(axis=2)
    ties = np.where(valid, (eq - 1) * (2 * eq + 5), 0).sum(axis=1)
    var_s = (n * (n - 1) * (2 * n + 5) - ties) / 18.0
    with np.errstate(invalid="ignore", divide="ignore"):
        sigma = np.sqrt(var_s)
        zstat = np.where(s > 0, s - 1, np.where(s < 0, s + 1, 0.0)) / sigma
        zstat[~(var_s > 0)] = np.nan
        # Sen's confidence interval (eq. 2.6), indices as scipy.stats.theilslopes
        upper = np.minimum(np.round((m - z_crit * sigma) / 2.0), m - 1)
        lower = np.maximum(np.round((m + z_crit * sigma) / 2.0) - 1, 0)
    ok = (m > 0) & np.isfinite(sigma)
    rows = np.arange(len(y))
    lo_idx = np.where(ok, lower, 0).astype(np.int64)
    hi_idx = np.where(ok, upper, 0).astype(np.int64)
    slope_low = np.where(ok, slopes[rows, lo_idx] if slopes.size else np.nan, np.nan)
    slope_high = np.where(ok, slopes[rows, hi_idx] if slopes.size else np.nan, np.nan)
    xs = np.sort(np.where(valid, x, np.nan), axis=1)
    ys = np.sort(y, axis=1)
    intercept = _sorted_median(ys, n) - slope * _sorted_median(xs, n)
    return {
        "n": n,
        "slope": slope,
        "slope_low": slope_low,
        "slope_high": slope_high,
        "intercept": intercept,
        "mk_s": s,
        "mk_z": zstat,
    }


def trends(
    values: pd.DataFrame,
    *,
    definitions: DefinitionsLike | Mapping[str, Polarity | str] | None = None,
    catalog: Catalog | None = None,
    alpha: float = 0.05,
    min_periods: int = 3,
    source: str | None = None,
) -> pd.DataFrame:
    """Trend of each organization's indicator over the periods, classified by polarity.

    Parameters
    ----------
    values
        Indicator values: ``organization, period, indicator, value``;
        periods must be numbers (years).
    definitions
        Where polarities come from (as for :func:`benchmark`).
    catalog
        Catalog for indicator ids.
    alpha
        Significance level of the Mann-Kendall test (two-sided).
    min_periods
        Fewer values than this give trend ``insufficient_data``.
    source
        Name of the data for error messages.

    Returns
    -------
    pandas.DataFrame
        One row per organization and indicator:

        * ``first_period``, ``last_period``, ``n_periods`` (periods with a
          value), ``first_value``, ``last_value``;
        * ``change_pct``: the series' last year-on-year change (%): from
          the period one before ``last_period`` to ``last_period`` (missing
          when that period has no value or a value of 0);
        * ``cagr_pct``: compound annual growth (%) between the first and
          last values, ``(last / first) ** (1 / years) - 1``; missing unless
          both are positive;
        * ``slope`` (Theil-Sen, per period unit), ``slope_low`` and
          ``slope_high`` (its ``1 - alpha`` confidence interval),
          ``intercept``;
        * ``mk_s``, ``mk_z``, ``p_value``: Mann-Kendall statistic, normal
          score and two-sided p-value;
        * ``trend``: ``improving`` / ``worsening`` when ``p_value < alpha``
          (by the sign of ``mk_s`` and the polarity; ``increasing`` /
          ``decreasing`` for neutral indicators), else ``stable``; or
          ``insufficient_data``. With ``alpha=0.05`` a significant trend
          needs at least 5 periods.

    Examples
    --------
    >>> import pandas as pd
    >>> v = pd.DataFrame({"organization": "a", "indicator": "x",
    ...                   "period": [2020, 2021, 2022, 2023, 2024],
    ...                   "value": [1.0, 2.0, 4.0, 3.0, 5.0]})
    >>> t = trends(v, definitions={"x": "higher_is_better"}, alpha=0.10)
    >>> t[["slope", "mk_s", "trend"]]
       slope  mk_s      trend
    0    1.0   8.0  improving
    """
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, not {alpha!r}")
    iv = read_values(values, source=source)
    polarity, _ = resolve_polarities(iv.indicator_labels, definitions, catalog)
    x = _numeric_periods(iv.period_labels, source)
    series_keys, _, y = _grid(iv)
    res = _series_stats(y, x, alpha)

    n_ind = max(len(iv.indicator_labels), 1)
    org_code, ind_code = series_keys // n_ind, series_keys % n_ind
    ind_ids = [str(i) for i in iv.indicator_labels]
    sign = np.array([polarity[i].sign for i in ind_ids], dtype=np.int8)[ind_code]
    trend = _trend_class(res["mk_s"], res["p_value"] < alpha, sign, res["n"] >= min_periods)

    columns = {
        "organization": pd.Categorical.from_codes(org_code, categories=iv.org_labels.astype(str)),
        "indicator": pd.Categorical.from_codes(ind_code, categories=pd.Index(ind_ids)),
        "n_periods": res["n"].astype(np.int64),
        **_ends(y, x, iv.period_labels),
        "slope": res["slope"],
        "slope_low": res["slope_low"],
        "slope_high": res["slope_high"],
        "intercept": res["intercept"],
        "mk_s": res["mk_s"].astype(np.float64),
        "mk_z": res["mk_z"],
        "p_value": res["p_value"],
        "trend": pd.Categorical(trend, categories=list(_TREND_CLASSES)),
    }
    return pd.DataFrame(columns, columns=list(TRENDS_COLUMNS))


def _series_stats(y: np.ndarray, x: np.ndarray, alpha: float) -> dict[str, np.ndarray]:
    """Theil-Sen slope and Mann-Kendall test of each series (row) of ``y``.

    The series are taken in chunks (:data:`_CHUNK_CELLS`) to bound the memory
    of the pairwise differences: :func:`_chunk_stats`' columns for all series,
    and the two-sided ``p_value`` of the test.
    """
    n_series, t = y.shape
    z_crit = float(stats.norm.ppf(alpha / 2.0))  # negative, as in scipy.stats.theilslopes
    pairs = max(t * (t - 1) // 2, 1)
    step = max(1, _CHUNK_CELLS // max(pairs, t * t))
    parts = [_chunk_stats(y[a : a + step], x, z_crit) for a in range(0, n_series, step)]
    res = {k: np.concatenate([p[k] for p in parts]) if parts else np.zeros(0) for k in (
        "n", "slope", "slope_low", "slope_high", "intercept", "mk_s", "mk_z"
    )}  # fmt: skip
    res["p_value"] = 2.0 * stats.norm.sf(np.abs(res["mk_z"]))
    return res


def _ends(y: np.ndarray, x: np.ndarray, period_labels: pd.Index) -> dict[str, Any]:
    """Each series' first and last period and value, last change and compound annual growth.

    The columns ``first_period``, ``last_period``, ``first_value``,
    ``last_value``, ``change_pct`` and ``cagr_pct`` of :func:`trends` for the
    series (rows) of ``y`` over the numeric periods ``x``.
    """
    n_series, t = y.shape
    valid = ~np.isnan(y)
    any_valid = valid.any(axis=1)
    first_idx = np.where(any_valid, valid.argmax(axis=1), 0)
    last_idx = np.where(any_valid, t - 1 - valid[:, ::-1].argmax(axis=1), 0)
    rows = np.arange(n_series)
    first_value = np.where(any_valid, y[rows, first_idx], np.nan)
    last_value = np.where(any_valid, y[rows, last_idx], np.nan)
    years = x[last_idx] - x[first_idx]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = last_value / first_value
        cagr = np.where(
            (first_value > 0) & (last_value > 0) & (years > 0),
            100.0 * (np.power(ratio, 1.0 / years) - 1.0),
            np.nan,
        )
        cagr[~np.isfinite(cagr)] = np.nan
        # the series' own last change: from the period one unit before its last
        # value (missing if that period has no value), whatever other series have
        pos = pd.Index(x).get_indexer(x[last_idx] - 1)  # -1 where no such period
        found = any_valid & (pos >= 0)
        prev = np.where(found, y[rows, np.maximum(pos, 0)], np.nan)
        change = np.where(prev != 0, 100.0 * (last_value - prev) / np.abs(prev), np.nan)
        change[~np.isfinite(change)] = np.nan
    return {
        "first_period": pd.Series(period_labels[first_idx]).where(any_valid).array,
        "last_period": pd.Series(period_labels[last_idx]).where(any_valid).array,
        "first_value": first_value,
        "last_value": last_value,
        "change_pct": change,
        "cagr_pct": cagr,
    }


def _trend_class(
    mk_s: np.ndarray, significant: np.ndarray, sign: np.ndarray, enough: np.ndarray
) -> np.ndarray:
    """The trend class of each series from the sign of Mann-Kendall's S and the polarity."""
    direction = np.sign(mk_s)
    trend = np.full(len(mk_s), "stable", dtype=object)
    trend[significant & (direction * sign > 0)] = "improving"
    trend[significant & (direction * sign < 0)] = "worsening"
    trend[significant & (sign == 0) & (direction > 0)] = "increasing"
    trend[significant & (sign == 0) & (direction < 0)] = "decreasing"
    trend[~enough] = "insufficient_data"
    return trend
