"""Effect sizes: how large a difference is, beside whether it is significant.

Formulas (as R's ``effectsize`` package, Ben-Shachar, Lüdecke & Makowski 2020,
JOSS 5(56):2815, and its "standardized differences" vignette; pingouin's
``compute_effsize``):

* Cohen's *d* of two groups: :math:`d = (\\bar y_a - \\bar y_b) / s_p` with the
  pooled standard deviation
  :math:`s_p^2 = ((n_a - 1) s_a^2 + (n_b - 1) s_b^2) / (n_a + n_b - 2)`;
  its interval inverts the noncentral *t* distribution (Steiger & Fouladi
  1997; Steiger 2004, Psychological Methods 9:164-182): with
  :math:`t = d\\,\\sqrt{n_a n_b / (n_a + n_b)}` on :math:`\\nu = n_a + n_b - 2`
  degrees of freedom, the ends are the noncentralities :math:`\\lambda` with
  :math:`P(T_{\\nu,\\lambda} \\le t) = 1 - \\alpha/2` and :math:`\\alpha/2`,
  times :math:`\\sqrt{(n_a + n_b)/(n_a n_b)}`;
* Hedges' *g*: :math:`g = J d` with Hedges' exact small-sample correction
  :math:`J = \\Gamma(\\nu/2) / (\\sqrt{\\nu/2}\\,\\Gamma((\\nu-1)/2))`
  (Hedges 1981, J. Educational Statistics 6:107-128); its interval is *d*'s
  times :math:`J`;
* Cramér's *V* of an :math:`r \\times c` table of :math:`n` answers with
  Pearson's :math:`X^2`: :math:`\\sqrt{X^2 / (n (\\min(r, c) - 1))}`; with
  ``bias_correction`` Bergsma's (2013, J. Korean Statistical Society
  42:323-328) :math:`\\tilde V = \\sqrt{\\tilde\\varphi^2 / \\min(\\tilde r - 1,
  \\tilde c - 1)}`, :math:`\\tilde\\varphi^2 = \\max(0, X^2/n - (r-1)(c-1)/(n-1))`,
  :math:`\\tilde r = r - (r-1)^2/(n-1)`, :math:`\\tilde c = c - (c-1)^2/(n-1)`;
* one-way analysis of variance of :math:`k` groups and :math:`N` answers, with
  sums of squares between (:math:`SS_b`) and within groups (:math:`SS_w`):
  :math:`\\eta^2 = SS_b / (SS_b + SS_w)`, and the less biased
  :math:`\\omega^2 = (SS_b - (k-1) MS_w) / (SS_b + SS_w + MS_w)`,
  :math:`MS_w = SS_w / (N - k)` (Hays 1963; Olejnik & Algina 2003).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, get_args

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import special, stats
from scipy.optimize import elementwise

from qualitapa.errors import DataError, Message
from qualitapa.i18n import N_
from qualitapa.problems import check_option

Floats = npt.NDArray[np.float64]

_NOISE = 1e-12  # a variance below this share of the squared means is no spread, but rounding

EffectInterval = Literal["noncentral_t", "normal"]
"""The confidence interval of Cohen's *d* and Hedges' *g*.

``"noncentral_t"``: inverts the noncentral *t* (see the module notes), exact
for normal answers; R's ``effectsize``. ``"normal"``: the large-sample
approximation of Hedges & Olkin (1985, *Statistical Methods for
Meta-Analysis*), :math:`es \\pm t_{\\nu,1-\\alpha/2}\\,
\\sqrt{(n_a + n_b)/(n_a n_b) + es^2 / (2(n_a + n_b))}` with :math:`es` the
effect size itself (d or g), as pingouin's ``compute_esci`` and R's
``effsize::cohen.d(noncentral = FALSE)``; a closed form, used by
:func:`compare_groups`, which may compute thousands of them.
"""


@attrs.frozen
class EffectSize:
    """An effect size with its confidence interval (:func:`cohens_d`, :func:`hedges_g`).

    Attributes
    ----------
    name
        ``"cohens_d"`` or ``"hedges_g"``.
    value
        The effect size.
    ci_low, ci_high
        The ends of its confidence interval (NaN where the noncentral *t*
        cannot be inverted, e.g. a huge *t* on one or two degrees of freedom).
    confidence
        The interval's confidence level.
    """

    name: str
    value: float
    ci_low: float
    ci_high: float
    confidence: float


def _clean(values: npt.ArrayLike, side: str) -> Floats:
    x = np.asarray(values, dtype=float).ravel()
    x = x[~np.isnan(x)]
    if len(x) < 2:
        raise DataError(
            Message(
                "an effect size needs two or more answers in each group (group {side} has {n})",
                N_(
                    "una misura dell'effetto richiede almeno due risposte per gruppo"
                    " (il gruppo {side} ne ha {n})"
                ),
                side=side,
                n=len(x),
            )
        )
    return x


def _noncentral_t_bounds(t: Floats, df: Floats, confidence: float) -> tuple[Floats, Floats]:
    """Noncentralities :math:`\\lambda` with :math:`P(T_{df,\\lambda} \\le t)` = 1 - a/2 and a/2.

    Solved at :math:`-|t|` (where scipy's ``nct.cdf`` is stable) by a
    bracketed, vectorised root search, then mirrored for a positive *t*.
    """
    a = (1 - confidence) / 2
    neg = -np.abs(t)
    ok = np.isfinite(neg) & (df > 0)
    neg, dfs = np.where(ok, neg, 0.0), np.where(ok, df, 1.0)

    def f(ncp: Floats, x: Floats, nu: Floats, target: float) -> Floats:
        return np.asarray(stats.nct.cdf(x, nu, ncp) - target)

    bracket = (neg - 10 - 3 * np.abs(neg), neg + 10 + np.abs(neg))
    tol = {"xatol": 1e-12, "xrtol": 1e-13}
    roots = []
    for target in (1 - a, a):
        r = elementwise.find_root(f, bracket, args=(neg, dfs, target), tolerances=tol)
        roots.append(np.where(ok & r.success, r.x, np.nan))
    low, high = roots
    positive = t > 0
    return np.where(positive, -high, low), np.where(positive, -low, high)


def hedges_correction(df: npt.ArrayLike) -> Floats:
    """Hedges' exact bias correction :math:`J(\\nu)` of a standardised difference.

    Examples
    --------
    >>> round(float(hedges_correction(30)), 6)
    0.974754
    """
    nu = np.asarray(df, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        log_j = special.gammaln(nu / 2) - 0.5 * np.log(nu / 2) - special.gammaln((nu - 1) / 2)
    return np.where(nu > 1, np.exp(log_j), np.nan)


def standardised_difference(
    n: Floats,
    mean: Floats,
    var: Floats,
    *,
    hedges: bool,
    confidence: float,
    interval: EffectInterval = "noncentral_t",
) -> tuple[Floats, Floats, Floats]:
    """Cohen's *d* (or Hedges' *g*) of rows 0 and 1 of arrays (2, ...), with intervals.

    ``n`` are the group sizes (or effective sizes), ``var`` the sample
    variances; NaN where a group has fewer than two answers or no spread.
    ``interval``: see :data:`EffectInterval`.
    """
    df = n[0] + n[1] - 2
    with np.errstate(invalid="ignore", divide="ignore"):
        pooled = ((n[0] - 1) * var[0] + (n[1] - 1) * var[1]) / df
        d = (mean[0] - mean[1]) / np.sqrt(pooled)
        scale = np.sqrt(n[0] * n[1] / (n[0] + n[1]))
    size = np.maximum(np.abs(mean[0]), np.abs(mean[1])) ** 2 + 1
    ok = (n[0] > 1) & (n[1] > 1) & (pooled > _NOISE * size) & np.isfinite(d)
    d = np.where(ok, d, np.nan)
    j = hedges_correction(df) if hedges else 1.0
    if interval == "normal":
        es = d * j
        with np.errstate(invalid="ignore", divide="ignore"):
            se = np.sqrt(1 / scale**2 + es**2 / (2 * (n[0] + n[1])))
            crit = stats.t.ppf(0.5 + confidence / 2, np.where(ok, df, np.nan))
        return es, es - crit * se, es + crit * se
    low, high = _noncentral_t_bounds(
        np.where(ok, d * scale, np.nan), np.where(ok, df, 0), confidence
    )
    return d * j, low / scale * j, high / scale * j


def _two_groups(
    a: npt.ArrayLike, b: npt.ArrayLike, hedges: bool, confidence: float, interval: EffectInterval
) -> EffectSize:
    check_option("interval", interval, get_args(EffectInterval))
    x, y = _clean(a, "a"), _clean(b, "b")
    n = np.array([len(x), len(y)], dtype=float)
    mean = np.array([x.mean(), y.mean()])
    var = np.array([x.var(ddof=1), y.var(ddof=1)])
    d, low, high = standardised_difference(
        n, mean, var, hedges=hedges, confidence=confidence, interval=interval
    )
    name = "hedges_g" if hedges else "cohens_d"
    return EffectSize(name, float(d), float(low), float(high), confidence)


def cohens_d(
    a: npt.ArrayLike,
    b: npt.ArrayLike,
    *,
    confidence: float = 0.95,
    interval: EffectInterval = "noncentral_t",
) -> EffectSize:
    """Cohen's *d* of two independent groups (pooled SD), with its noncentral-*t* interval.

    Parameters
    ----------
    a, b
        The answers of each group (NaN left out); two or more each.
    confidence
        Confidence level of the interval.
    interval
        ``"noncentral_t"`` (exact under normality, R's ``effectsize``) or
        ``"normal"`` (Hedges & Olkin's approximation, pingouin's
        ``compute_esci``); see :data:`EffectInterval`.

    Returns
    -------
    EffectSize
        Positive when ``a``'s mean is the larger.

    Raises
    ------
    DataError
        A group has fewer than two answers.

    Examples
    --------
    Miles per gallon of R's ``mtcars`` by transmission (automatic, manual);
    R's ``effectsize::cohens_d(mpg ~ am, data = mtcars)`` prints
    -1.48, 95% CI [-2.27, -0.67]:

    >>> auto = [21.4, 18.7, 18.1, 14.3, 24.4, 22.8, 19.2, 17.8, 16.4, 17.3,
    ...         15.2, 10.4, 10.4, 14.7, 21.5, 15.5, 15.2, 13.3, 19.2]
    >>> manual = [21.0, 21.0, 22.8, 32.4, 30.4, 33.9, 27.3, 26.0, 30.4, 15.8,
    ...           19.7, 15.0, 21.4]
    >>> d = cohens_d(auto, manual)
    >>> round(d.value, 2), round(d.ci_low, 2), round(d.ci_high, 2)
    (-1.48, -2.27, -0.67)
    """
    return _two_groups(a, b, False, confidence, interval)


def hedges_g(
    a: npt.ArrayLike,
    b: npt.ArrayLike,
    *,
    confidence: float = 0.95,
    interval: EffectInterval = "noncentral_t",
) -> EffectSize:
    """Hedges' *g*: Cohen's *d* with the exact small-sample bias correction.

    Parameters and result as :func:`cohens_d`.

    Examples
    --------
    On the data of :func:`cohens_d`'s example R's
    ``effectsize::hedges_g(mpg ~ am, data = mtcars)`` prints -1.44, 95% CI
    [-2.21, -0.65] (the tests check it). g is d times :math:`J(n_a + n_b - 2)`,
    here :math:`J(8) = \\Gamma(4) / (2\\,\\Gamma(3.5)) = 0.902703`:

    >>> a, b = [5, 4, 4, 3, 5], [3, 2, 4, 3, 3]
    >>> g, d = hedges_g(a, b), cohens_d(a, b)
    >>> round(g.value / d.value, 6), round(float(hedges_correction(8)), 6)
    (0.902703, 0.902703)
    """
    return _two_groups(a, b, True, confidence, interval)


def cramers_v_from(
    chi2: npt.ArrayLike,
    n: npt.ArrayLike,
    rows: npt.ArrayLike,
    columns: npt.ArrayLike,
    *,
    bias_correction: bool = False,
) -> Floats:
    """Cramér's *V* from Pearson's :math:`X^2`, vectorised (see the module notes)."""
    x2, m = np.asarray(chi2, dtype=float), np.asarray(n, dtype=float)
    r, c = np.asarray(rows, dtype=float), np.asarray(columns, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        if not bias_correction:
            v = np.sqrt(x2 / (m * (np.minimum(r, c) - 1)))
        else:
            phi2 = np.maximum(0.0, x2 / m - (r - 1) * (c - 1) / (m - 1))
            rt, ct = r - (r - 1) ** 2 / (m - 1), c - (c - 1) ** 2 / (m - 1)
            v = np.sqrt(phi2 / np.minimum(rt - 1, ct - 1))
    return np.asarray(v, dtype=float)


def cramers_v(table: npt.ArrayLike | pd.DataFrame, *, bias_correction: bool = False) -> float:
    """Cramér's *V* of a contingency table (0: no association, 1: complete).

    Parameters
    ----------
    table
        Counts (a 2-D array or DataFrame, e.g. ``pd.crosstab``), two or more
        rows and columns with answers.
    bias_correction
        Bergsma's (2013) correction, less biased in small tables (see the
        module notes).

    Returns
    -------
    float

    Raises
    ------
    DataError
        The table has fewer than two rows or columns with answers.

    Examples
    --------
    >>> round(cramers_v([[10, 20], [30, 15]]), 4)
    0.3273
    >>> round(cramers_v([[10, 20], [30, 15]], bias_correction=True), 4)
    0.3081
    """
    t = np.asarray(table.to_numpy() if isinstance(table, pd.DataFrame) else table, dtype=float)
    if t.ndim == 2:
        t = t[t.sum(axis=1) > 0][:, t.sum(axis=0) > 0]
    if t.ndim != 2 or min(t.shape) < 2:
        raise DataError(
            Message(
                "Cramér's V needs a table with two or more rows and columns that have answers",
                N_(
                    "la V di Cramér richiede una tabella con almeno due righe e due colonne"
                    " con risposte"
                ),
            )
        )
    chi2 = stats.chi2_contingency(t, correction=False).statistic
    v = cramers_v_from(chi2, t.sum(), t.shape[0], t.shape[1], bias_correction=bias_correction)
    return float(v)


def anova_effects(
    n: Floats, mean: Floats, ss: Floats, used: npt.NDArray[np.bool_]
) -> tuple[Floats, Floats]:
    """:math:`\\eta^2` and :math:`\\omega^2` across the ``used`` groups (axis 0), vectorised.

    ``n`` are the group sizes (or sums of weights), ``mean`` the group means
    and ``ss`` their sums of squared deviations (weighted alike); omega needs counts.
    """
    n = np.where(used, n, 0.0)
    k = used.sum(axis=0).astype(float)
    big_n = n.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        grand = (n * np.where(used, mean, 0.0)).sum(axis=0) / big_n
        between = (n * (np.where(used, mean, 0.0) - grand) ** 2).sum(axis=0)
        within = np.where(used, ss, 0.0).sum(axis=0)
        eta = between / (between + within)
        ms_within = within / (big_n - k)
        omega = (between - (k - 1) * ms_within) / (between + within + ms_within)
    # no spread at all (sums of squares that are rounding noise: 1e-12 of the squared mean)
    ok = (k > 1) & (between + within > _NOISE * big_n * (grand**2 + 1))
    return np.where(ok, eta, np.nan), np.where(ok & (big_n > k), omega, np.nan)


def _samples(samples: Sequence[npt.ArrayLike]) -> tuple[Floats, Floats, Floats]:
    parts = [np.asarray(s, dtype=float).ravel() for s in samples]
    parts = [p[~np.isnan(p)] for p in parts]
    parts = [p for p in parts if len(p)]
    if len(parts) < 2:
        raise DataError(
            Message(
                "an analysis of variance needs two or more groups with answers",
                N_("un'analisi della varianza richiede almeno due gruppi con risposte"),
            )
        )
    n = np.array([len(p) for p in parts], dtype=float)
    mean = np.array([p.mean() for p in parts])
    ss = np.array([((p - p.mean()) ** 2).sum() for p in parts])
    return n, mean, ss


def eta_squared(*samples: npt.ArrayLike) -> float:
    """:math:`\\eta^2` of a one-way analysis of variance: the share of variance between groups.

    Parameters
    ----------
    *samples
        The answers of each group (NaN left out; empty groups ignored).

    Returns
    -------
    float

    Raises
    ------
    DataError
        Fewer than two groups have answers.

    Examples
    --------
    Between: :math:`3 \\cdot 1.5^2 \\cdot 2 = 13.5`; within: 2 + 2:

    >>> round(eta_squared([1, 2, 3], [4, 5, 6]), 4)  # 13.5 / 17.5
    0.7714
    """
    n, mean, ss = _samples(samples)
    eta, _ = anova_effects(n, mean, ss, np.ones(len(n), dtype=bool))
    return float(eta)


def omega_squared(*samples: npt.ArrayLike) -> float:
    """:math:`\\omega^2` of a one-way analysis of variance (less biased than :math:`\\eta^2`).

    Parameters and errors as :func:`eta_squared`; it may be below 0 when the
    groups differ less than chance would make them.

    Examples
    --------
    >>> round(omega_squared([1, 2, 3], [4, 5, 6]), 4)  # (13.5 - 1) / (17.5 + 1)
    0.6757
    """
    n, mean, ss = _samples(samples)
    _, omega = anova_effects(n, mean, ss, np.ones(len(n), dtype=bool))
    return float(omega)
