"""Reliability: Cronbach's alpha with Feldt intervals, item-rest correlations.

Cronbach's alpha of :math:`k` items with covariance matrix :math:`C` is
:math:`\\alpha = \\frac{k}{k-1}\\left(1 - \\frac{\\operatorname{tr} C}{\\sum_{ij} C_{ij}}\\right)`.
With ``nan_policy="pairwise"`` each covariance uses the respondents who
answered both items (as R ``psych::alpha(use="pairwise")`` and pingouin);
with ``"listwise"`` only respondents who answered every item are used.

The Feldt (1965; Feldt, Woodruff & Salih 1987) interval is
:math:`1 - (1-\\alpha) F_{a/2}` to :math:`1 - (1-\\alpha) F_{1-a/2}` where
:math:`F_q` is the upper :math:`q` quantile of the F distribution with
:math:`n-1` and :math:`(n-1)(k-1)` degrees of freedom. It assumes
:math:`\\alpha \\le 1`: a pairwise covariance matrix that is not positive
semi-definite can give an alpha above 1, and then the interval is missing.

Covariance matrices are computed for every group at once from sparse group
sums: no loop over groups or respondents. Reliability is computed on the
unweighted answers, reverse-coded items turned as the schema says.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from qualitapa.errors import DataError
from qualitapa.problems import check_option
from qualitapa.surveys._models import Instrument
from qualitapa.surveys._scoring import item_values
from qualitapa.surveys._stats import Groups, make_groups

By = str | Sequence[str] | None


def _group_cov(
    x: np.ndarray | Sequence[np.ndarray], groups: Groups, nan_policy: str
) -> tuple[np.ndarray, np.ndarray]:
    """Per-group covariance matrices (G, k, k) and the n of each group (G,).

    ``x`` is a matrix (rows, items) or its columns. Rows are sorted by group
    once; each group's block then gives every item pair at once by matrix
    products (no loop over pairs or rows). With
    ``"listwise"`` the block is the group's complete cases, centred on
    their means: :math:`C = D^T D / (n - 1)`. With ``"pairwise"`` each item
    is centred on its own group mean (:math:`D`, 0 where missing) and, with
    the indicator matrix :math:`M` of the answers, :math:`N = M^T M` counts
    the respondents of each pair, :math:`A = D^T M` sums an item's
    deviations over them, and :math:`C = (D^T D - A \\circ A^T / N) / (N - 1)`:
    the covariance about the pair's own means.
    """
    columns = list(x.T) if isinstance(x, np.ndarray) else list(x)
    k = len(columns)
    check_option("nan_policy", nan_policy, ("pairwise", "listwise"))
    acc = columns[0].copy()
    if nan_policy == "listwise":
        for c in columns[1:]:  # a missing answer makes the row's sum NaN
            np.add(acc, c, out=acc)
        counted = ~np.isnan(acc)
        rows = groups.order[counted[groups.order]]  # complete cases, in group order
    else:
        for c in columns[1:]:  # NaN only where every answer is missing
            np.fmax(acc, c, out=acc)
        counted = ~np.isnan(acc)
        rows = groups.order
    n_group = np.bincount(groups.codes[counted], minlength=groups.n).astype(float)
    sizes = np.bincount(groups.codes[rows], minlength=groups.n)
    ends = np.cumsum(sizes)
    xs = _sorted_columns(columns, rows)
    cov = np.full((groups.n, k, k), np.nan)
    for g in np.flatnonzero(sizes > 1):  # loop over groups; pairs and rows are matrix products
        block = xs[ends[g] - sizes[g] : ends[g]]
        if nan_policy == "listwise":
            d = block - _centre(block, None)
            cov[g] = d.T @ d / (len(block) - 1)
        else:
            cov[g] = _pairwise_cov(block)
    return cov, n_group


def _sorted_columns(columns: Sequence[np.ndarray], rows: np.ndarray) -> np.ndarray:
    """The ``rows`` of the columns, as a matrix in column (Fortran) order.

    Gathered one column at a time: gathering the rows of a column-ordered
    matrix at once, or building a row-ordered one, scatters every value.
    """
    out = np.empty((len(rows), len(columns)), order="F")
    for j, c in enumerate(columns):  # loop over items, each a vectorised gather
        np.take(c, rows, out=out[:, j])
    return out


def _centre(block: np.ndarray, ok: np.ndarray | None) -> np.ndarray:
    """Column means of ``block`` over its ``ok`` rows, kept within the column's range.

    A column that does not vary then has exactly its value as mean and
    deviations exactly 0 (a plain ``sum / n`` can miss it by an ulp, which
    shows up as a tiny non-zero variance); NaN for a column with no ``ok`` row.
    """
    if ok is None:
        mean = block.mean(axis=0)
        lo, hi = block.min(axis=0), block.max(axis=0)
    else:
        n = ok.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(ok, block, 0.0).sum(axis=0) / n
        lo = np.where(ok, block, np.inf).min(axis=0)
        hi = np.where(ok, block, -np.inf).max(axis=0)
    return np.where(hi >= lo, np.clip(mean, np.minimum(lo, hi), hi), np.nan)


def _pairwise_cov(block: np.ndarray) -> np.ndarray:
    """The pairwise-complete covariance matrix of one group's block (NaN = missing)."""
    ok = ~np.isnan(block)
    m = ok.astype(float)
    d = np.where(ok, block - _centre(block, ok), 0.0)
    n = m.T @ m
    a = d.T @ m  # a[i, j]: sum of item i's deviations over the respondents of pair (i, j)
    with np.errstate(invalid="ignore", divide="ignore"):
        c = (d.T @ d - a * a.T / n) / (n - 1)
    return np.where(n > 1, c, np.nan)


def _alpha(k: int, tr: np.ndarray, total: np.ndarray) -> np.ndarray:
    """``k / (k - 1) (1 - tr / total)``; missing when the total score does not vary.

    ``total`` (the variance of the sum of the items) is compared with the
    items' own variances: below a relative 1e-10 it is rounding, not
    variance, and alpha is undefined (not -1.8e16, nor -inf).
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        alpha = (k / (k - 1)) * (1 - tr / total)
    return np.where(np.abs(total) > 1e-10 * np.abs(tr), alpha, np.nan)


def _alpha_from_cov(cov: np.ndarray) -> np.ndarray:
    k = cov.shape[-1]
    tr = np.trace(cov, axis1=-2, axis2=-1)
    total = cov.sum(axis=(-2, -1))
    return _alpha(k, tr, total)


def _feldt(alpha: np.ndarray, n: np.ndarray, k: int, confidence: float) -> tuple[Any, Any]:
    a = 1 - confidence
    df1 = np.maximum(n - 1, 1e-9)
    df2 = df1 * (k - 1)
    with np.errstate(invalid="ignore"):
        low = 1 - (1 - alpha) * stats.f.isf(a / 2, df1, df2)
        high = 1 - (1 - alpha) * stats.f.isf(1 - a / 2, df1, df2)
    # the interval assumes alpha <= 1; a pairwise covariance matrix that is not
    # positive semi-definite can give more (psych::alpha too), and then no interval
    ok = (n > 1) & (alpha <= 1)
    return np.where(ok, low, np.nan), np.where(ok, high, np.nan)


def cronbach_alpha(
    data: pd.DataFrame,
    *,
    items: Sequence[str] | None = None,
    by: By = None,
    nan_policy: str = "pairwise",
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Cronbach's alpha of the item columns of a wide frame, with a Feldt interval.

    Parameters
    ----------
    data
        Wide frame, one row per respondent.
    items
        The item columns (default: every column except ``by``).
    by
        Grouping column(s): one alpha per group.
    nan_policy
        ``"pairwise"`` (default) or ``"listwise"``.
    confidence
        Confidence level of the Feldt interval.

    Returns
    -------
    DataFrame
        Group columns, then ``n`` (respondents), ``k`` (items), ``alpha``,
        ``ci_low``, ``ci_high``.

    Examples
    --------
    >>> df = pd.DataFrame({"q1": [3, 5, 7, 2, 6], "q2": [2, 4, 3, 4, 5], "q3": [4, 6, 5, 3, 6]})
    >>> cronbach_alpha(df).round(3).to_dict("records")
    [{'n': 5, 'k': 3, 'alpha': 0.718, 'ci_low': -0.426, 'ci_high': 0.969}]
    """
    by_cols = [by] if isinstance(by, str) else list(by or [])
    cols = list(items) if items is not None else [c for c in data.columns if c not in by_cols]
    if len(cols) < 2:
        raise DataError("Cronbach's alpha needs at least two items")
    missing = [c for c in cols if c not in data.columns]
    if missing:
        raise DataError("item column is missing", column=missing[0])
    x = [
        pd.to_numeric(data[c], errors="coerce").to_numpy(dtype=float, na_value=np.nan) for c in cols
    ]
    groups = make_groups(data, by)
    cov, n = _group_cov(x, groups, nan_policy)
    alpha = _alpha_from_cov(cov)
    low, high = _feldt(alpha, n, len(cols), confidence)
    body = pd.DataFrame(
        {"n": n.astype(np.int64), "k": len(cols), "alpha": alpha, "ci_low": low, "ci_high": high}
    )
    return pd.concat([groups.keys, body], axis=1) if by_cols else body


def _dimension_columns(
    instrument: Instrument, responses: pd.DataFrame, ids: Sequence[str]
) -> list[np.ndarray]:
    """The answers to the items ``ids``, reverse-coded items turned, one array each."""
    return [item_values(instrument.question(i), responses, reverse=True) for i in ids]


def _shared(instrument: Instrument) -> Instrument:
    """The shared questions of ``instrument``: the scales of :func:`score_dimensions`."""
    return instrument.shared() if instrument.shared_questions() else instrument


def reliability(
    instrument: Instrument,
    responses: pd.DataFrame,
    *,
    by: By = None,
    dimensions: Sequence[str] | None = None,
    nan_policy: str = "pairwise",
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Cronbach's alpha of each dimension of the questionnaire, by group.

    Reverse-coded items are turned first (``min + max - x``);
    "don't know" answers are missing. Dimensions with one item are skipped.
    The dimensions are those of :func:`score_dimensions`: the shared
    questions only, when the instrument has local ones.

    Returns
    -------
    DataFrame
        Group columns, then ``dimension``, ``n``, ``k``, ``alpha``,
        ``ci_low``, ``ci_high``.

    Examples
    --------
    >>> from qualitapa.surveys import Instrument, Question, Scale, SurveyDimension
    >>> inst = Instrument("c", "C", dimensions=[SurveyDimension("d", "D")], questions=[
    ...     Question(q, "likert", q, dimension="d", scale=Scale.likert(7)) for q in ("a", "b")])
    >>> reliability(inst, pd.DataFrame({"a": [1, 2, 3, 4], "b": [1, 3, 3, 5]}))[["k", "alpha"]]
       k  alpha
    0  2   0.96
    """
    instrument = _shared(instrument)
    groups = make_groups(responses, by)
    dims = instrument.dimension_items()
    if dimensions is not None:
        dims = {d: dims[d] for d in dimensions if d in dims}
    parts = []
    for d, ids in dims.items():  # loop over dimensions; groups are vectorised
        if len(ids) < 2:
            continue
        x = _dimension_columns(instrument, responses, ids)
        cov, n = _group_cov(x, groups, nan_policy)
        alpha = _alpha_from_cov(cov)
        low, high = _feldt(alpha, n, len(ids), confidence)
        body = pd.DataFrame(
            {
                "dimension": d,
                "n": n.astype(np.int64),
                "k": len(ids),
                "alpha": alpha,
                "ci_low": low,
                "ci_high": high,
            }
        )
        parts.append(pd.concat([groups.keys, body], axis=1))
    if not parts:
        return pd.DataFrame(
            columns=[*groups.keys.columns, "dimension", "n", "k", "alpha", "ci_low", "ci_high"]
        )
    return pd.concat(parts, ignore_index=True)


def item_analysis(
    instrument: Instrument,
    responses: pd.DataFrame,
    *,
    by: By = None,
    nan_policy: str = "pairwise",
) -> pd.DataFrame:
    """Item-rest correlation and alpha-if-item-deleted, per dimension and group.

    The items are the shared questions, as in :func:`reliability`.

    Both come from the same covariance matrix :math:`C` as the alpha: the
    item-rest correlation of item :math:`i` is
    :math:`(\\sum_j C_{ij} - C_{ii}) / \\sqrt{C_{ii}\\,(\\sum C - 2\\sum_j C_{ij} + C_{ii})}`.

    Returns
    -------
    DataFrame
        Group columns, then ``dimension``, ``question``, ``reverse``,
        ``item_rest_r``, ``alpha_if_deleted``, ``alpha`` (of the dimension).

    Examples
    --------
    >>> from qualitapa.surveys import Instrument, Question, Scale, SurveyDimension
    >>> inst = Instrument("c", "C", dimensions=[SurveyDimension("d", "D")], questions=[
    ...     Question(q, "likert", q, dimension="d", scale=Scale.likert(5)) for q in "abc"])
    >>> df = pd.DataFrame({"a": [1, 2, 3, 4, 5], "b": [1, 2, 3, 5, 4], "c": [2, 1, 3, 4, 5]})
    >>> print(item_analysis(inst, df)[["question", "item_rest_r", "alpha_if_deleted"]].round(3))
      question  item_rest_r  alpha_if_deleted
    0        a        0.949             0.889
    1        b        0.872             0.947
    2        c        0.872             0.947
    """
    instrument = _shared(instrument)
    groups = make_groups(responses, by)
    parts = []
    for d, ids in instrument.dimension_items().items():
        k = len(ids)
        if k < 2:
            continue
        x = _dimension_columns(instrument, responses, ids)
        cov, _n = _group_cov(x, groups, nan_policy)
        diag = np.diagonal(cov, axis1=1, axis2=2)  # (G, k)
        rowsum = cov.sum(axis=2)
        total = cov.sum(axis=(1, 2))[:, None]
        tr = np.trace(cov, axis1=1, axis2=2)[:, None]
        rest_var = total - 2 * rowsum + diag
        with np.errstate(invalid="ignore", divide="ignore"):
            r = (rowsum - diag) / np.sqrt(diag * rest_var)
            kd = k - 1
        a_del = _alpha(kd, tr - diag, rest_var) if kd > 1 else np.full_like(diag, np.nan)
        alpha = _alpha_from_cov(cov)
        body = pd.DataFrame(
            {
                "dimension": d,
                "question": np.tile(ids, groups.n),
                "reverse": np.tile([instrument.question(i).reverse for i in ids], groups.n),
                "item_rest_r": r.ravel(),
                "alpha_if_deleted": a_del.ravel(),
                "alpha": np.repeat(alpha, k),
            }
        )
        keys = groups.keys.loc[np.repeat(np.arange(groups.n), k)].reset_index(drop=True)
        parts.append(pd.concat([keys, body], axis=1))
    if not parts:
        return pd.DataFrame()
    return pd.concat(parts, ignore_index=True)
