"""Design-based estimators on a :class:`SurveyDesign`: mean, total, ratio, proportion, by domain.

Each estimator is linearised (Taylor; Woodruff 1971, JASA 66:411-414) to a
total of influence values :math:`z_i` whose variance the design gives
(:func:`~qualitapa.surveys._design.design_variance`), as R's ``survey``
does (Lumley 2010, *Complex Surveys*, sec. 2.3, 3.3; the code of
``svytotal``, ``svymean``, ``svyratio``, ``svyby`` and ``svyciprop`` in
survey 4.1, read from the installed package):

* total :math:`\\hat t = \\sum w_i y_i`, :math:`z_i = w_i y_i`;
* ratio :math:`\\hat R = \\hat t_y / \\hat t_x`,
  :math:`z_i = w_i (y_i - \\hat R x_i) / \\hat t_x`; the mean is the ratio
  with :math:`x_i = 1` and a share the mean of a 0/1 answer;
* a domain (``by``) is a subpopulation: out-of-domain rows get
  :math:`z_i = 0` but stay in the design (their strata and PSUs count), R's
  ``svyby``; a missing answer is left out as an out-of-domain row
  (R's ``na.rm = TRUE``);
* design effect :math:`\\hat V / \\hat V_{srs}` (Kish 1965, sec. 8.2), with
  :math:`\\hat V_{srs} = s_u^2\\,c^2\\,(\\hat N - n)/(\\hat N n)` for simple random
  sampling without replacement (R's ``deff = TRUE``) or :math:`s_u^2 c^2 / n`
  with replacement (``deff = "replace"``), where :math:`u` is :math:`y`
  (total) or :math:`y - \\hat R x` (ratio, mean), :math:`s_u^2` its weighted
  variance with :math:`n/(n-1)` (R's ``svyvar``), :math:`c = \\hat N` for a
  total and :math:`\\hat N / \\hat t_x` for a ratio, :math:`n` the rows with a
  weight and :math:`\\hat N` the sum of the weights, all in the domain.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Literal, get_args

import numpy as np
import pandas as pd
from scipy import stats

from qualitapa.errors import DataWarning
from qualitapa.i18n import translatable
from qualitapa.problems import check_option
from qualitapa.surveys._design import (
    Codes,
    Floats,
    SurveyDesign,
    design_variance,
    domain_codes,
    domain_degrees_of_freedom,
    numeric_column,
)
from qualitapa.surveys._replicate import (
    ReplicateDesign,
    replicate_degrees_of_freedom,
    replicate_totals,
    replicate_variance,
)

Interval = Literal["normal", "t"]
"""Confidence interval of an estimate: ``"normal"`` (R's ``confint``) or ``"t"`` (design df)."""

DeffReference = Literal["srswor", "srswr"]
"""Simple random sampling the design effect compares with: without or with replacement."""

ProportionMethod = Literal["logit", "beta", "mean"]
"""Interval of a share: logit scale, Korn-Graubard or around the mean (R's ``svyciprop``)."""

By = str | Sequence[str] | None

Design = SurveyDesign | ReplicateDesign
"""A design the estimators take: linearisation (strata, PSUs) or replicate weights."""

Kind = Literal["total", "ratio", "share"]
"""What an estimate is: a total, a ratio (a mean: of x = 1), or a ratio that is a share."""


def _estimates(
    design: Design,
    y: Floats,
    x: Floats | None,
    domain: Codes,
    k: int,
    reference: DeffReference,
    kind: Kind,
    rows: Codes | None = None,
) -> dict[str, Floats]:
    """Estimate, SE, n, design effect and logit SE per domain of a total or a ratio (mean: x None).

    ``kind`` ``"share"``: a ratio whose estimates are shares (the SE of
    their logit is wanted).
    ``rows``: the design row of each value, when the values stack several
    columns (linearised designs only, :func:`_stacked`).

    The estimates and the SRS variance are the same for both kinds of
    design; the variance is linearised (:class:`SurveyDesign`) or from the
    replicates (:class:`ReplicateDesign`, :func:`_replicated`).
    """
    total, shares = kind == "total", kind == "share"
    w = design.weights if rows is None else design.weights[rows]
    ok = (domain >= 0) & ~np.isnan(y)
    if x is not None:
        ok &= ~np.isnan(x)
    d = np.where(ok, domain, -1)
    spare = np.where(ok, domain, k)  # rows outside every domain go to a bin that is dropped

    def dsum(values: Floats) -> Floats:
        sums = np.bincount(spare, weights=values, minlength=k + 1)[:k]
        return np.asarray(sums, dtype=np.float64)

    y = np.where(ok, y, 0.0)
    xv = np.where(ok, 1.0 if x is None else x, 0.0)
    n_hat, n = dsum(w), dsum((w != 0).astype(float))
    with np.errstate(divide="ignore", invalid="ignore"):
        if total:
            estimate, denominator, u = dsum(w * y), np.ones(k), y
        else:
            denominator = n_hat if x is None else dsum(w * xv)  # a mean: the same sum
            estimate = dsum(w * y) / denominator
            u = y - estimate[d] * xv
        if isinstance(design, ReplicateDesign):
            variance, deff_variance, logit = _replicated(
                design, y, xv, d, k, estimate, total, shares
            )
            if x is None:  # R's svymean and svytotal: the deff of the estimate itself
                deff_variance = variance
        else:
            z = np.where(ok, w * u / denominator[d], 0.0)
            variance = deff_variance = design_variance(design, z, d, k, rows)
            logit = variance / (estimate * (1 - estimate)) ** 2
        u_mean = dsum(w * u) / n_hat
        s2 = n / (n - 1) * dsum(w * (u - u_mean[d]) ** 2) / n_hat
        scale = s2 * (n_hat / denominator) ** 2
        if reference == "srswr":
            srs = scale / n
        else:
            srs = np.where(n_hat >= n, scale * (n_hat - n) / (n_hat * n), np.nan)
        # a variable constant in its domain: both variances are rounding noise (their
        # ratio nan, inf or any number, by the order of the rows): no design effect
        noise = (1024 * np.finfo(np.float64).eps * dsum(w * np.abs(y)) / n_hat) ** 2
        deff = np.where(s2 > noise, deff_variance / srs, np.nan)
    return {
        "n": n,
        "estimate": estimate,
        "se": np.sqrt(variance),
        "deff": deff,
        "se_logit": np.sqrt(logit),
    }


def _replicated(
    design: ReplicateDesign,
    y: Floats,
    x: Floats,
    d: Codes,
    k: int,
    estimate: Floats,
    total: bool,
    shares: bool,
) -> tuple[Floats, Floats, Floats]:
    """Replicate variances of the estimate, of the total of y - R x over t_x, and of logit(mean).

    As R's ``svytotal``, ``svymean`` and ``svyratio`` on a ``svyrep.design``:
    each replicate's estimate from its weights; the design effect of a ratio
    from the total of y - R x (the code of ``svyratio.svyrep.design``); the
    logit interval of a share from the replicates' logits (``svyciprop``
    fits ``svyglm`` on each replicate, whose intercept is logit p_r).
    """
    ty, tx = replicate_totals(design, [y, x], d, k)
    if total:
        return (replicate_variance(design, ty, estimate),) * 2 + (np.full(k, np.nan),)
    ratios = ty / tx
    _warn_empty_replicates(ratios, estimate)
    variance = replicate_variance(design, ratios, estimate)
    full_x = np.bincount(d[d >= 0], weights=(design.weights * x)[d >= 0], minlength=k)
    residual = ty - estimate[:, None] * tx  # replicate totals of u = y - R x
    deff_variance = replicate_variance(design, residual, np.zeros(k)) / full_x**2
    if not shares:
        return variance, deff_variance, np.full(k, np.nan)
    logit = replicate_variance(
        design, np.log(ratios / (1 - ratios)), np.log(estimate / (1 - estimate))
    )
    return variance, deff_variance, logit


def _warn_empty_replicates(ratios: Floats, estimate: Floats) -> None:
    """Say that replicates leaving a domain empty are left out of its variance (R warns too)."""
    dropped = (~np.isfinite(ratios) & np.isfinite(estimate)[:, None]).sum(axis=1)
    if dropped.any():
        count = int(dropped.max())
        warnings.warn(
            translatable(
                DataWarning,
                lambda t: t(
                    "{count} replicazioni lasciano vuoto un dominio (nessun peso): sono escluse"
                    " dalla sua varianza, come fa R (survey)",
                    count=count,
                ),
            ),
            stacklevel=5,
        )


def coded_table(
    design: Design,
    domains: tuple[Codes, pd.DataFrame],
    rows: Sequence[tuple[str, Floats, Floats | None]],
    *,
    total: bool,
    confidence: float,
    interval: Interval,
    deff: DeffReference,
    logit: bool = False,
) -> pd.DataFrame:
    """One row per (variable, domain): the domains' labels, then the estimates.

    ``domains``: each design row's domain code 0..k-1 (-1: none) and the k
    domains' labels (:func:`domain_codes`). ``logit``: with the SE of
    logit(estimate) in a column ``se_logit``.
    """
    check_option("interval", interval, get_args(Interval))
    check_option("deff", deff, get_args(DeffReference))
    domain, labels = domains
    k = len(labels)
    kind: Kind = "total" if total else "share" if logit else "ratio"
    if isinstance(design, ReplicateDesign):
        df = replicate_degrees_of_freedom(design, domain, k)
        results = [_estimates(design, y, x, domain, k, deff, kind) for _, y, x in rows]
    else:
        df = domain_degrees_of_freedom(design, domain, k)
        results = _stacked(design, rows, domains, deff, kind)
    quantile = (
        stats.norm.ppf(0.5 + confidence / 2)
        if interval == "normal"
        else stats.t.ppf(0.5 + confidence / 2, np.where(df > 0, df, np.nan))
    )
    frames = []
    for (name, _, _), r in zip(rows, results, strict=True):
        frame = labels.assign(
            variable=name,
            n=r["n"].astype(int),
            estimate=r["estimate"],
            se=r["se"],
            ci_low=r["estimate"] - quantile * r["se"],
            ci_high=r["estimate"] + quantile * r["se"],
            df=df,
            deff=r["deff"],
        )
        if logit:
            frame["se_logit"] = r["se_logit"]
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


#: at most this many values (columns x rows: 2 MB, in cache; more is slower, measured) and
#: PSU x domain bins are linearised in one pass of :func:`_stacked`
_STACK_VALUES, _STACK_BINS = 250_000, 4_000_000


def _stacked(
    design: SurveyDesign,
    rows: Sequence[tuple[str, Floats, Floats | None]],
    domains: tuple[Codes, pd.DataFrame],
    reference: DeffReference,
    kind: Kind,
) -> list[dict[str, Floats]]:
    """:func:`_estimates` of every column, several columns linearised at once.

    The columns are stacked one under the other, column j's domains
    numbered j k .. j k + k - 1, so that one ``bincount`` gives the PSU
    totals of all of them; each column's numbers are those of its own
    linearisation (its rows are summed in the same order).
    """
    domain, k = domains[0], len(domains[1])
    n = len(domain)
    n_psus = int(design.psu.max()) + 1 if n else 1
    size = max(1, min(_STACK_VALUES // max(n, 1), _STACK_BINS // max(n_psus * k, 1)))
    out: list[dict[str, Floats]] = []
    for start in range(0, len(rows), size):
        chunk = rows[start : start + size]
        m = len(chunk)
        y = np.concatenate([r[1] for r in chunk])
        x = (
            None
            if all(r[2] is None for r in chunk)
            else np.concatenate([np.ones(n) if r[2] is None else r[2] for r in chunk])
        )
        codes = np.concatenate([np.where(domain >= 0, j * k + domain, -1) for j in range(m)])
        at = np.tile(np.arange(n, dtype=np.intp), m)
        r = _estimates(design, y, x, codes, m * k, reference, kind, rows=at)
        out.extend({key: v[j * k : (j + 1) * k] for key, v in r.items()} for j in range(m))
    return out


def _numeric(
    design: Design,
    columns: str | Sequence[str],
    by: By,
    *,
    total: bool,
    confidence: float,
    interval: Interval,
    deff: DeffReference,
) -> pd.DataFrame:
    """:func:`coded_table` of numeric column(s) of the design's data in the domains ``by``."""
    names = [columns] if isinstance(columns, str) else list(columns)
    rows = [(c, numeric_column(design.data, c, "columns"), None) for c in names]
    return coded_table(
        design,
        domain_codes(design, by),
        rows,
        total=total,
        confidence=confidence,
        interval=interval,
        deff=deff,
    )


def design_mean(
    design: Design,
    columns: str | Sequence[str],
    *,
    by: By = None,
    confidence: float = 0.95,
    interval: Interval = "normal",
    deff: DeffReference = "srswor",
) -> pd.DataFrame:
    """Weighted means with design-based (linearised) standard errors (R's ``svymean``).

    Parameters
    ----------
    design
        The survey design (:meth:`SurveyDesign.from_frame`).
    columns
        Numeric column(s) of the design's data; empty cells are left out
        (R's ``na.rm = TRUE``).
    by
        Column(s) whose values are domains (R's ``svyby``): each estimated
        as a subpopulation of the full design, not on a subset of the data.
        Rows with an empty ``by`` value are in no domain.
    confidence
        Confidence level of the interval.
    interval
        ``"normal"`` (R's ``confint``) or ``"t"`` with the ``df`` column.
    deff
        Design effect against simple random sampling without replacement
        (``"srswor"``, R's ``deff = TRUE``) or with (``"srswr"``,
        R's ``deff = "replace"``).

    Returns
    -------
    DataFrame
        The ``by`` columns, then ``variable``, ``n`` (answers with a
        weight), ``estimate``, ``se``, ``ci_low``, ``ci_high``, ``df``
        (PSUs minus strata in the domain, R's ``degf``) and ``deff``; one
        row per variable and domain, domains sorted.

    Raises
    ------
    DataError
        A column is missing or holds text that is no number.

    Examples
    --------
    >>> df = pd.DataFrame({"city": ["A", "A", "A", "B", "B", "B"],
    ...                    "day": [1, 1, 2, 1, 2, 2], "w": [2.0, 2, 3, 5, 5, 4],
    ...                    "q": [4, 5, 3, 2, 4, 5]})
    >>> d = SurveyDesign.from_frame(df, weights="w", strata="city", clusters="day", nest=True)
    >>> r = design_mean(d, "q")
    >>> round(float(r["estimate"][0]), 4), round(float(r["se"][0]), 4)
    (3.6667, 0.7731)
    """
    return _numeric(
        design, columns, by, total=False, confidence=confidence, interval=interval, deff=deff
    )


def design_total(
    design: Design,
    columns: str | Sequence[str],
    *,
    by: By = None,
    confidence: float = 0.95,
    interval: Interval = "normal",
    deff: DeffReference = "srswor",
) -> pd.DataFrame:
    """Weighted totals with design-based standard errors (R's ``svytotal``).

    Parameters and result as :func:`design_mean`.

    Examples
    --------
    >>> df = pd.DataFrame({"y": [1.0, 0.0, 1.0, 1.0], "w": [10.0, 10.0, 20.0, 20.0]})
    >>> d = SurveyDesign.from_frame(df, weights="w")
    >>> r = design_total(d, "y")
    >>> float(r["estimate"][0]), round(float(r["se"][0]), 4)
    (50.0, 19.1485)
    """
    return _numeric(
        design, columns, by, total=True, confidence=confidence, interval=interval, deff=deff
    )


def design_ratio(
    design: Design,
    numerator: str,
    denominator: str,
    *,
    by: By = None,
    confidence: float = 0.95,
    interval: Interval = "normal",
    deff: DeffReference = "srswor",
) -> pd.DataFrame:
    """Ratio of two weighted totals with its linearised standard error (R's ``svyratio``).

    Rows where either column is empty are left out of both totals. The
    ``variable`` column reads ``"numerator/denominator"``; the rest as
    :func:`design_mean`.

    Examples
    --------
    >>> df = pd.DataFrame({"cost": [10.0, 30.0, 20.0], "visits": [1.0, 2.0, 2.0]})
    >>> d = SurveyDesign.from_frame(df)
    >>> r = design_ratio(d, "cost", "visits")
    >>> float(r["estimate"][0]), round(float(r["se"][0]), 4)
    (12.0, 1.833)
    """
    y = numeric_column(design.data, numerator, "numerator")
    x = numeric_column(design.data, denominator, "denominator")
    return coded_table(
        design,
        domain_codes(design, by),
        [(f"{numerator}/{denominator}", y, x)],
        total=False,
        confidence=confidence,
        interval=interval,
        deff=deff,
    )


def _share_interval(
    table: pd.DataFrame, method: ProportionMethod, confidence: float, rows: Codes
) -> tuple[Floats, Floats]:
    """Logit or Korn-Graubard interval of the shares in ``table`` (R's ``svyciprop``).

    ``rows`` is the number of rows of each domain (R's ``nrow(design)`` of
    the domain's subset), for Korn and Graubard's degrees-of-freedom factor.
    """
    p, se = table["estimate"].to_numpy(), table["se"].to_numpy()
    se_logit = table["se_logit"].to_numpy()
    df = table["df"].to_numpy()
    alpha = 1 - confidence
    inside = (p > 0) & (p < 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        q = stats.t.ppf(1 - alpha / 2, np.where(df > 0, df, np.nan))
        if method == "logit":
            eta = np.log(p / (1 - p))
            half = q * se_logit
            low, high = 1 / (1 + np.exp(-(eta - half))), 1 / (1 + np.exp(-(eta + half)))
        else:  # Korn and Graubard (1998): beta quantiles at the effective sample size
            n_eff = p * (1 - p) / se**2 * (stats.t.ppf(alpha / 2, rows - 1) / -q) ** 2
            low = stats.beta.ppf(alpha / 2, n_eff * p, n_eff * (1 - p) + 1)
            high = stats.beta.ppf(1 - alpha / 2, n_eff * p + 1, n_eff * (1 - p))
    return np.where(inside, low, p), np.where(inside, high, p)


def design_proportion(
    design: Design,
    column: str,
    *,
    by: By = None,
    categories: Sequence[object] | None = None,
    confidence: float = 0.95,
    method: ProportionMethod = "logit",
    deff: DeffReference = "srswor",
) -> pd.DataFrame:
    """Share of each answer with a design-based interval (R's ``svyciprop``).

    Parameters
    ----------
    design
        The survey design.
    column
        Column of answers (codes or text); empty cells are left out.
    by
        Domains, as in :func:`design_mean`.
    categories
        Answers to estimate, in this order; by default every answer given,
        sorted.
    confidence
        Confidence level.
    method
        ``"logit"`` (R's default): the interval
        :math:`\\operatorname{expit}(\\operatorname{logit}\\hat p \\pm
        t_{df}\\,se/(\\hat p(1-\\hat p)))`, inside (0, 1); ``"beta"``:
        Korn and Graubard (1998, *Survey Methodology* 24:193-201), the
        Clopper-Pearson interval at the effective sample size
        :math:`\\hat p(1-\\hat p)/se^2` times
        :math:`(t_{n-1}/t_{df})^2` (:math:`n` rows of the domain);
        ``"mean"``: :math:`\\hat p \\pm t_{df}\\,se`. All use the design's
        degrees of freedom as ``svyciprop``; a share of 0 or 1 has the
        interval [p, p].
    deff
        As in :func:`design_mean`.

    Returns
    -------
    DataFrame
        The ``by`` columns, then ``variable``, ``category``, then as
        :func:`design_mean`.

    Examples
    --------
    >>> df = pd.DataFrame({"a": ["yes", "no", "yes", "yes", "no", "yes"],
    ...                    "w": [1.0, 2.0, 1.0, 2.0, 1.0, 1.0]})
    >>> d = SurveyDesign.from_frame(df, weights="w")
    >>> r = design_proportion(d, "a", categories=["yes"])
    >>> round(float(r["estimate"][0]), 4), round(float(r["ci_low"][0]), 4)
    (0.625, 0.1127)
    """
    check_option("method", method, get_args(ProportionMethod))
    if column not in design.data.columns:
        numeric_column(design.data, column, "columns")  # raises: no such column
    answers = design.data[column]
    given = answers.dropna().unique()
    chosen = sorted(given) if categories is None else list(categories)
    missing = answers.isna().to_numpy()
    rows: list[tuple[str, Floats, Floats | None]] = [
        (column, np.where(missing, np.nan, (answers == c).to_numpy(dtype=float)), None)
        for c in chosen
    ]
    table = coded_table(
        design,
        domain_codes(design, by),
        rows,
        total=False,
        confidence=confidence,
        interval="t",
        deff=deff,
        logit=True,
    )
    per = len(table) // max(len(chosen), 1)
    position = list(table.columns).index("variable") + 1
    table.insert(position, "category", np.repeat(np.asarray(chosen, dtype=object), per))
    if method != "mean":
        domain, _ = domain_codes(design, by)
        rows_in = np.bincount(domain[domain >= 0], minlength=per)
        low, high = _share_interval(table, method, confidence, np.tile(rows_in, len(chosen)))
        table["ci_low"], table["ci_high"] = low, high
    return table.drop(columns="se_logit")
