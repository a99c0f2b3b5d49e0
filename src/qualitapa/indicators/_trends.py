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

Corrections for serial correlation (``trends(correction=...)``), each as
pymannkendall 1.4.3 implements it (Hussain & Mahmud 2019, JOSS 4(39):1556;
``pymannkendall.py``, line numbers of that file); a series' missing values
are dropped first, as pymannkendall does, so lag ``k`` is ``k`` observed
values apart. ``r_k`` is the lag-``k`` autocorrelation ``sum_t c_t c_(t+k) /
sum_t c_t^2`` of the centred values ``c`` (``__acf``, lines 53-60), and the
detrended series is ``y_t - t b`` with ``b`` Sen's slope per period (per month
for monthly series) and ``t = 1, 2, ...`` the order of the *observed* values:
with missing periods this is pymannkendall's choice (``np.arange(1, n+1)``
after dropping them), kept so that the results agree.

* ``hamed-rao`` (Hamed & Rao 1998, J. Hydrol. 204:182-196;
  ``hamed_rao_modification_test``, lines 261-324): ``r_k`` of the *ranks*
  of the detrended series, for every lag ``k = 1 ... n-1``, kept only when
  outside ``+-z_(1-alpha/2) / sqrt(n)`` (the same ``alpha`` as the test);
  ``var*(S) = var(S) [1 + 2 / (n(n-1)(n-2)) sum_k (n-k)(n-k-1)(n-k-2) r_k]``.
* ``yue-wang`` (Yue & Wang 2004, Water Resour. Manag. 18:201-218;
  ``yue_wang_modification_test``, lines 326-378): ``r_k`` of the detrended
  values, every lag ``k = 1 ... n-1``, none dropped;
  ``var*(S) = var(S) [1 + 2 sum_k (1 - k/n) r_k]``.
* ``prewhiten`` (Kulkarni-von Storch pre-whitening, as Yue & Wang 2002,
  Water Resour. Res. 38(6) apply it;
  ``pre_whitening_modification_test``, lines 380-422): the test on the
  ``n-1`` values ``y_t - r_1 y_(t-1)``; ``S`` and ``var(S)`` are theirs.
* ``trend-free-prewhiten`` (Yue, Pilon, Phinney & Cavadias 2002, Hydrol.
  Process. 16(9):1807-1829;
  ``trend_free_pre_whitening_modification_test``, lines 424-472): the lag-1
  autocorrelation ``r_1`` of the detrended series ``d``, the test on
  ``d_t - r_1 d_(t-1) + (t-1) b``.

The corrections change ``S`` (pre-whitening), ``var(S)``, ``Z`` and the
p-value, never the slope or its interval. pymannkendall applies them at any
length, and so does this module: with the 5-15 years of a benchmarking
series they rest on few lags (Hamed & Rao's own simulations start at
``n = 10``), and a correction factor at or below 0, which a short series
can give, leaves ``Z`` and the p-value missing (pymannkendall: NaN too,
except ``Z = 0`` when ``S = 0``), so the trend is ``stable``.

Seasonal test (``trends(seasonal=True)``, monthly ``YYYY-MM`` periods;
Hirsch, Slack & Smith 1982, Water Resour. Res. 18(1):107-121; as
pymannkendall ``seasonal_test`` and ``seasonal_sens_slope`` with
``period=12``, lines 186-221 and 475-563): ``S`` and ``var(S)`` are the
sums over the 12 months of the Mann-Kendall ``S`` and tie-corrected variance
of each month's values over the years; the slope (per year) is the median of
the slopes of all pairs of values in the same month; its interval is Sen's
over those pooled slopes with the summed variance, as EnvStats'
``kendallSeasonalTrendTest`` (Gilbert 1987), which interpolates between
order statistics where this module, as scipy, rounds.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import stats

from qualitapa.errors import DataError, Message
from qualitapa.i18n import N_
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

#: The values of ``correction`` in :func:`trends`.
TREND_CORRECTIONS = (None, "hamed-rao", "yue-wang", "prewhiten", "trend-free-prewhiten")

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


_MONTHLY = r"(\d{4})-(\d{2})"


def _numeric_periods(
    labels: pd.Index, source: str | None, *, seasonal: bool = False
) -> tuple[np.ndarray, np.ndarray | None]:
    """The periods as numbers of steps (years, or months ``12 year + month - 1``), and the months.

    The months are returned for ``YYYY-MM`` labels only (else ``None``):
    then a step is a month, else a year.
    """
    if pd.api.types.is_numeric_dtype(labels.dtype) and not pd.api.types.is_bool_dtype(labels):
        x, month = labels.to_numpy(dtype=np.float64), None
    else:
        text = pd.Series(labels.astype(str))
        parts = text.str.fullmatch(_MONTHLY)
        if len(text) and parts.all():
            ym = text.str.extract(_MONTHLY).astype(np.int64).to_numpy()
            bad_month = (ym[:, 1] < 1) | (ym[:, 1] > 12)
            if bad_month.any():
                raise DataError(
                    Message(
                        "{period} is not a month (YYYY-MM, 01 to 12)",
                        N_("{period} non è un mese (AAAA-MM, da 01 a 12)"),
                        period=repr(text[bad_month].iloc[0]),
                    ),
                    source=source,
                    column="period",
                )
            month = ym[:, 1]
            x = (12 * ym[:, 0] + month - 1).astype(np.float64)
        else:
            x, month = pd.to_numeric(text, errors="coerce").to_numpy(dtype=np.float64), None
    if np.isnan(x).any():
        bad = labels[np.isnan(x)][0]
        raise DataError(
            Message(
                "trends need numeric periods (years) or months (YYYY-MM); {period} is neither",
                N_("per le tendenze servono anni o mesi (AAAA-MM): {period} non lo è"),
                period=repr(bad),
            ),
            source=source,
            column="period",
        )
    if seasonal and month is None:
        raise DataError(
            Message(
                "the seasonal test needs monthly periods (YYYY-MM, e.g. 2024-01)",
                N_("il test stagionale richiede periodi mensili (AAAA-MM, ad es. 2024-01)"),
            ),
            source=source,
            column="period",
        )
    return x, month


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


def _mk_s_var(
    y: np.ndarray, i: np.ndarray, j: np.ndarray, season: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mann-Kendall ``S`` over the pairs ``(i, j)``, its tie-corrected variance, and ``dy``.

    ``season`` gives each column's season (all 0 for one season); the pairs
    are within a season and ``var(S)`` is the sum of the seasons' variances
    (Hirsch et al. 1982).
    """
    valid = ~np.isnan(y)
    dy = y[:, j] - y[:, i]  # NaN where either point is missing
    s = np.nansum(np.sign(dy), axis=1) if dy.size else np.zeros(len(y))
    same = season[:, None] == season[None, :]
    # ties: each value in a group of t equal values contributes (t-1)(2t+5)
    eq = ((y[:, :, None] == y[:, None, :]) & same).sum(axis=2)
    ties = np.where(valid, (eq - 1) * (2 * eq + 5), 0).sum(axis=1)
    n_g = valid.astype(np.int64) @ (season[:, None] == np.unique(season)[None, :])
    var_s = ((n_g * (n_g - 1) * (2 * n_g + 5)).sum(axis=1) - ties) / 18.0
    return s, var_s, dy


def _chunk_stats(
    y: np.ndarray,
    x: np.ndarray,
    z_crit: float,
    correction: str | None = None,
    season: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    t = y.shape[1]
    season = np.zeros(t, dtype=np.int64) if season is None else season
    i, j = np.triu_indices(t, k=1)
    keep = season[i] == season[j]
    i, j = i[keep], j[keep]
    valid = ~np.isnan(y)
    n = valid.sum(axis=1)
    s, var_s, dy = _mk_s_var(y, i, j, season)
    slopes = np.sort(dy / (x[j] - x[i]), axis=1)  # NaN sorted last
    m = (~np.isnan(dy)).sum(axis=1)
    slope = _sorted_median(slopes, m)
    with np.errstate(invalid="ignore"):
        sigma = np.sqrt(var_s)  # for the slope's interval: not corrected
    if correction is not None:
        s, var_s = _corrected(y, slope, s, var_s, correction, z_crit)
    with np.errstate(invalid="ignore", divide="ignore"):
        zstat = np.where(s > 0, s - 1, np.where(s < 0, s + 1, 0.0)) / np.sqrt(
            np.where(var_s > 0, var_s, np.nan)
        )
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
        "mk_var": var_s,
        "mk_z": zstat,
    }


def _compact(y: np.ndarray) -> np.ndarray:
    """Each row's values moved left in time order, NaN after them.

    As pymannkendall drops the missing values of a series first: lag ``k``
    is ``k`` observed values apart.
    """
    order = np.argsort(np.isnan(y), axis=1, kind="stable")
    return np.take_along_axis(y, order, axis=1)


def _acf(v: np.ndarray, n: np.ndarray, nlags: int) -> np.ndarray:
    """Lag 0..nlags autocorrelations of each row of ``v`` (values first, NaN after).

    As pymannkendall's ``__acf`` (pymannkendall.py lines 53-60): the
    autocovariances ``sum_t c_t c_(t+k) / n`` of the centred values, divided
    by the lag-0 one; the row sums are one array operation per lag.
    """
    t = v.shape[1]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.nansum(v, axis=1) / n
        c = np.where(np.isnan(v), 0.0, v - mean[:, None])
        acov = np.stack([(c[:, : t - k] * c[:, k:]).sum(axis=1) for k in range(nlags + 1)], 1)
        return acov / acov[:, :1]


def _corrected(
    y: np.ndarray,
    slope: np.ndarray,
    s: np.ndarray,
    var_s: np.ndarray,
    correction: str,
    z_crit: float,
) -> tuple[np.ndarray, np.ndarray]:
    """``S`` and ``var(S)`` of each row with the ``correction`` for serial correlation.

    The formulas and their sources are in the module docstring.
    """
    yc = _compact(y)
    n = (~np.isnan(yc)).sum(axis=1)
    t = yc.shape[1]
    # detrended by Sen's slope (per period) as pymannkendall: y_t - t b, t = 1 ... n
    steps = np.arange(1, t + 1, dtype=np.float64)
    detrended = yc - steps * slope[:, None]
    nf = n.astype(np.float64)
    lags = np.arange(1, t)
    in_series = lags[None, :] < n[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        if correction == "hamed-rao":
            ranks = stats.rankdata(detrended, axis=1, nan_policy="omit")
            r = _acf(ranks, nf, t - 1)[:, 1:]
            bound = -z_crit / np.sqrt(nf)  # z_(1 - alpha/2) / sqrt(n)
            significant = in_series & ~((r <= bound[:, None]) & (r >= -bound[:, None]))
            k = nf[:, None] - lags[None, :]
            terms = np.where(significant, k * (k - 1) * (k - 2) * r, 0.0)
            factor = 1.0 + 2.0 / (nf * (nf - 1) * (nf - 2)) * terms.sum(axis=1)
            return s, var_s * factor
        if correction == "yue-wang":
            r = _acf(detrended, nf, t - 1)[:, 1:]
            terms = np.where(in_series, (1.0 - lags[None, :] / nf[:, None]) * r, 0.0)
            return s, var_s * (1.0 + 2.0 * terms.sum(axis=1))
        trend_free = correction == "trend-free-prewhiten"
        base = detrended if trend_free else yc
        r1 = _acf(base, nf, 1)[:, 1:2]
        white = base[:, 1:] - base[:, :-1] * r1
        if trend_free:
            white = white + steps[:-1] * slope[:, None]
        i, j = np.triu_indices(t - 1, k=1)
        s_w, var_w, _ = _mk_s_var(white, i, j, np.zeros(t - 1, dtype=np.int64))
        return s_w, var_w


def _check_options(alpha: float, correction: str | None, seasonal: bool) -> None:
    """:func:`trends`' options, or a ValueError naming the one that is wrong."""
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, not {alpha!r}")
    if correction not in TREND_CORRECTIONS:
        raise ValueError(f"correction must be one of {TREND_CORRECTIONS}, not {correction!r}")
    if seasonal and correction is not None:
        raise ValueError("the seasonal test takes no correction for serial correlation")


def trends(
    values: pd.DataFrame,
    *,
    definitions: DefinitionsLike | Mapping[str, Polarity | str] | None = None,
    catalog: Catalog | None = None,
    alpha: float = 0.05,
    min_periods: int = 3,
    correction: str | None = None,
    seasonal: bool = False,
    source: str | None = None,
) -> pd.DataFrame:
    """Trend of each organization's indicator over the periods, classified by polarity.

    Parameters
    ----------
    values
        Indicator values: ``organization, period, indicator, value``;
        periods must be numbers (years) or months ``YYYY-MM`` (taken as
        fractions of a year: slopes are per year).
    definitions
        Where polarities come from (as for :func:`benchmark`).
    catalog
        Catalog for indicator ids.
    alpha
        Significance level of the Mann-Kendall test (two-sided).
    min_periods
        Fewer values than this give trend ``insufficient_data``.
    correction
        ``None`` (independent periods), or the correction of the test for
        serial correlation: ``"hamed-rao"`` (Hamed & Rao 1998),
        ``"yue-wang"`` (Yue & Wang 2004), ``"prewhiten"`` (Kulkarni-von
        Storch; Yue & Wang 2002) or ``"trend-free-prewhiten"`` (Yue et al. 2002); see
        the module docstring. The slope is not changed.
    seasonal
        The seasonal Mann-Kendall test (Hirsch et al. 1982) of monthly
        series (``YYYY-MM`` periods): each month compared only with the
        same month of other years; the slope is the seasonal Sen slope (per
        year). Not with ``correction``.
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

    Corrected for serial correlation (Yue & Wang: the detrended values
    0, 0, 1, -1, 0 have lag-1 autocorrelation -0.5, so var(S) shrinks from
    50/3 to 10/3):

    >>> c = trends(v, definitions={"x": "higher_is_better"}, correction="yue-wang")
    >>> c[["mk_s", "p_value", "trend"]].round(5)
       mk_s  p_value      trend
    0   8.0  0.00013  improving
    """
    _check_options(alpha, correction, seasonal)
    iv = read_values(values, source=source)
    polarity, _ = resolve_polarities(iv.indicator_labels, definitions, catalog)
    x, month = _numeric_periods(iv.period_labels, source, seasonal=seasonal)
    series_keys, _, y = _grid(iv)
    res = _series_stats(y, x, alpha, correction, month if seasonal else None)
    per_year = 1 if month is None else 12  # slopes per year, not per month
    for key in ("slope", "slope_low", "slope_high"):
        res[key] = res[key] * per_year

    n_ind = max(len(iv.indicator_labels), 1)
    org_code, ind_code = series_keys // n_ind, series_keys % n_ind
    ind_ids = [str(i) for i in iv.indicator_labels]
    sign = np.array([polarity[i].sign for i in ind_ids], dtype=np.int8)[ind_code]
    trend = _trend_class(res["mk_s"], res["p_value"] < alpha, sign, res["n"] >= min_periods)

    columns = {
        "organization": pd.Categorical.from_codes(org_code, categories=iv.org_labels.astype(str)),
        "indicator": pd.Categorical.from_codes(ind_code, categories=pd.Index(ind_ids)),
        "n_periods": res["n"].astype(np.int64),
        **_ends(y, x, iv.period_labels, per_year),
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


def _series_stats(
    y: np.ndarray,
    x: np.ndarray,
    alpha: float,
    correction: str | None = None,
    season: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Theil-Sen slope and Mann-Kendall test of each series (row) of ``y``.

    The series are taken in chunks (:data:`_CHUNK_CELLS`) to bound the memory
    of the pairwise differences: :func:`_chunk_stats`' columns for all series,
    and the two-sided ``p_value`` of the test.
    """
    n_series, t = y.shape
    z_crit = float(stats.norm.ppf(alpha / 2.0))  # negative, as in scipy.stats.theilslopes
    pairs = max(t * (t - 1) // 2, 1)
    step = max(1, _CHUNK_CELLS // max(pairs, t * t))
    parts = [
        _chunk_stats(y[a : a + step], x, z_crit, correction, season)
        for a in range(0, n_series, step)
    ]
    res = {k: np.concatenate([p[k] for p in parts]) if parts else np.zeros(0) for k in (
        "n", "slope", "slope_low", "slope_high", "intercept", "mk_s", "mk_var", "mk_z"
    )}  # fmt: skip
    res["p_value"] = 2.0 * stats.norm.sf(np.abs(res["mk_z"]))
    return res


def _ends(
    y: np.ndarray, x: np.ndarray, period_labels: pd.Index, per_year: int = 1
) -> dict[str, Any]:
    """Each series' first and last period and value, last change and compound annual growth.

    The columns ``first_period``, ``last_period``, ``first_value``,
    ``last_value``, ``change_pct`` and ``cagr_pct`` of :func:`trends` for the
    series (rows) of ``y`` over the numeric periods ``x`` (``per_year`` of
    them a year: the last change is from the same month a year before).
    """
    n_series, t = y.shape
    valid = ~np.isnan(y)
    any_valid = valid.any(axis=1)
    first_idx = np.where(any_valid, valid.argmax(axis=1), 0)
    last_idx = np.where(any_valid, t - 1 - valid[:, ::-1].argmax(axis=1), 0)
    rows = np.arange(n_series)
    first_value = np.where(any_valid, y[rows, first_idx], np.nan)
    last_value = np.where(any_valid, y[rows, last_idx], np.nan)
    years = (x[last_idx] - x[first_idx]) / per_year
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
        pos = pd.Index(x).get_indexer(x[last_idx] - per_year)  # -1 where no such period
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
