"""Comparisons between organizations or years, and the city benchmark table.

Tests (scipy.stats), chosen by the number of groups and ``test``:

=============  ==========================  ================================
what           two groups                  more than two groups
=============  ==========================  ================================
mean           Welch t (``ttest_ind``,     one-way ANOVA (``f_oneway``)
(parametric)   ``equal_var=False``)
mean           Mann-Whitney U              Kruskal-Wallis
(rank-based)   (``mannwhitneyu``)          (``kruskal``)
share          chi-square                  chi-square
(top box)      (``chi2_contingency``)      (``chi2_contingency``)
=============  ==========================  ================================

With ``pairwise=True`` every pair of groups is also tested. p-values are
adjusted for multiple comparisons across all the tests of one call (Holm
by default; Bonferroni; Benjamini-Hochberg false discovery rate).
Tests treat respondents as a simple random sample (they are unweighted);
for weighted estimates compare the design-based intervals of
:func:`score_items` / :func:`score_dimensions`.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from qualitapa.errors import DataError
from qualitapa.surveys._models import Instrument
from qualitapa.surveys._scoring import item_values, respondent_scores

__all__ = ["adjust_pvalues", "benchmark_table", "compare_groups"]


def adjust_pvalues(p: Any, method: str | None = "holm") -> np.ndarray:
    """Adjust p-values for multiple comparisons (NaN entries are left out).

    Parameters
    ----------
    p
        p-values.
    method
        ``"holm"`` (Holm 1979, step-down), ``"bonferroni"``, ``"fdr_bh"``
        (Benjamini & Hochberg 1995, via :func:`scipy.stats.false_discovery_control`)
        or None (no adjustment).

    Examples
    --------
    >>> adjust_pvalues([0.01, 0.04, 0.03], "holm").round(3).tolist()
    [0.03, 0.06, 0.06]
    >>> adjust_pvalues([0.01, 0.04, 0.03], "fdr_bh").round(3).tolist()
    [0.03, 0.04, 0.04]
    """
    arr = np.asarray(p, dtype=float)
    out = np.full(arr.shape, np.nan)
    ok = ~np.isnan(arr)
    q = arr[ok]
    m = len(q)
    if m == 0 or method is None:
        out[ok] = q
        return out
    if method == "bonferroni":
        out[ok] = np.minimum(q * m, 1.0)
    elif method == "holm":
        order = np.argsort(q, kind="stable")
        adj = np.maximum.accumulate((m - np.arange(m)) * q[order])
        res = np.empty(m)
        res[order] = np.minimum(adj, 1.0)
        out[ok] = res
    elif method in ("fdr_bh", "bh"):
        out[ok] = stats.false_discovery_control(q, method="bh")
    else:
        raise ValueError(f"method must be 'holm', 'bonferroni', 'fdr_bh' or None, not {method!r}")
    return out


def _split(values: np.ndarray, codes: np.ndarray, n_groups: int) -> list[np.ndarray]:
    """Non-missing values of each group (one sort, no loop over rows)."""
    ok = ~np.isnan(values)
    v, c = values[ok], codes[ok]
    order = np.argsort(c, kind="stable")
    bounds = np.searchsorted(c[order], np.arange(1, n_groups))
    return np.split(v[order], bounds)


def compare_groups(
    instrument: Instrument,
    responses: pd.DataFrame,
    *,
    by: str = "organization",
    on: str = "items",
    variables: Sequence[str] | None = None,
    kind: str = "mean",
    test: str = "parametric",
    pairwise: bool = False,
    correction: str | None = "holm",
    top_box: int = 2,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Test whether groups (organizations, years...) differ on items or indices.

    Parameters
    ----------
    instrument, responses
        The questionnaire and validated responses.
    by
        The column that defines the groups.
    on
        ``"items"`` (scored items) or ``"dimensions"`` (respondents'
        0-100 dimension scores and ``overall``).
    variables
        Subset of item or dimension ids (default: all).
    kind
        ``"mean"`` or ``"share"`` (top-box share, chi-square test).
    test
        ``"parametric"`` (Welch t / ANOVA) or ``"nonparametric"``
        (Mann-Whitney / Kruskal-Wallis); ignored for shares.
    pairwise
        Also test every pair of groups (always done with two groups).
    correction
        Multiple-comparison adjustment (see :func:`adjust_pvalues`).
    top_box
        Points of the top box for ``kind="share"``.
    alpha
        Significance level applied to the adjusted p-values.

    Returns
    -------
    DataFrame
        ``variable``, ``group_a``, ``group_b`` (empty for the test across
        all groups), ``n_a``, ``n_b``, ``estimate_a``, ``estimate_b``
        (means, or shares), ``difference`` (a - b), ``test``,
        ``statistic``, ``p_value``, ``p_adjusted``, ``significant``.

    Examples
    --------
    >>> from qualitapa.surveys import Instrument, Question, Scale
    >>> inst = Instrument("c", "C", questions=[Question("q", "likert", "Q", scale=Scale.likert(5))])
    >>> df = pd.DataFrame({"organization": ["a"] * 5 + ["b"] * 5,
    ...                    "q": [5, 4, 5, 4, 5, 2, 3, 2, 1, 2]})
    >>> r = compare_groups(inst, df, on="items")
    >>> r[["group_a", "group_b", "difference", "test"]].round(3).to_dict("records")
    [{'group_a': 'a', 'group_b': 'b', 'difference': 2.6, 'test': 'welch_t'}]
    >>> bool(r["significant"].iloc[0])
    True
    """
    if by not in responses.columns:
        raise DataError("grouping column is missing", column=by)
    if kind not in ("mean", "share"):
        raise ValueError(f"kind must be 'mean' or 'share', not {kind!r}")
    if test not in ("parametric", "nonparametric"):
        raise ValueError(f"test must be 'parametric' or 'nonparametric', not {test!r}")
    keys = responses[by]
    if keys.isna().any():
        raise DataError("group is missing", row=int(np.flatnonzero(keys.isna())[0]) + 1, column=by)
    codes, labels = pd.factorize(keys, sort=True)
    n_groups = len(labels)
    if n_groups < 2:
        raise DataError(f"comparisons need at least two groups in {by!r}")
    series: dict[str, np.ndarray] = {}
    if on == "items":
        for q in instrument.questions:
            if q.type.scaled and (variables is None or q.id in variables):
                x = item_values(q, responses, reverse=True)
                if kind == "share":
                    assert q.scale is not None
                    hi = q.scale.top_box(top_box)  # x is already reverse-coded
                    x = np.where(np.isnan(x), np.nan, np.isin(x, hi).astype(float))
                series[q.id] = x
    elif on == "dimensions":
        if kind == "share":
            raise ValueError("shares are compared on items, not dimension indices")
        sc = respondent_scores(instrument, responses)
        with np.errstate(invalid="ignore"):
            import warnings

            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                sc["overall"] = np.nanmean(sc.to_numpy(), axis=1) if len(sc.columns) else np.nan
        for c in sc.columns:
            if variables is None or c in variables:
                series[str(c)] = sc[c].to_numpy(dtype=float)
    else:
        raise ValueError(f"on must be 'items' or 'dimensions', not {on!r}")
    if variables is not None:
        unknown = sorted(set(variables) - set(series))
        if unknown:
            raise DataError(f"unknown variable(s) to compare: {unknown}")
    rows: list[dict[str, Any]] = []
    for name, x in series.items():  # loop over variables and pairs, not respondents
        parts = _split(x, codes, n_groups)
        if n_groups > 2:
            rows.append(_test_all(name, parts, kind, test))
        if n_groups == 2 or pairwise:
            for i, j in itertools.combinations(range(n_groups), 2):
                rows.append(
                    _test_pair(name, parts[i], parts[j], str(labels[i]), str(labels[j]), kind, test)
                )
    if not rows:
        raise DataError("nothing to compare: the instrument has no scaled questions")
    out = pd.DataFrame(rows)
    out["p_adjusted"] = adjust_pvalues(out["p_value"].to_numpy(), correction)
    out["significant"] = out["p_adjusted"] < alpha
    return out


def _chi2(parts: Sequence[np.ndarray]) -> tuple[float, float]:
    table = np.array([[np.sum(p == 1), np.sum(p == 0)] for p in parts], dtype=float)
    table = table[table.sum(axis=1) > 0]
    if table.shape[0] < 2 or (table.sum(axis=0) == 0).any():
        return np.nan, np.nan
    res = stats.chi2_contingency(table, correction=False)
    return float(res.statistic), float(res.pvalue)


def _test_pair(
    name: str, a: np.ndarray, b: np.ndarray, la: str, lb: str, kind: str, test: str
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "variable": name,
        "group_a": la,
        "group_b": lb,
        "n_a": len(a),
        "n_b": len(b),
        "estimate_a": float(np.mean(a)) if len(a) else np.nan,
        "estimate_b": float(np.mean(b)) if len(b) else np.nan,
    }
    row["difference"] = row["estimate_a"] - row["estimate_b"]
    stat, p = np.nan, np.nan
    if kind == "share":
        name_t = "chi2"
        stat, p = _chi2([a, b])
    elif test == "parametric":
        name_t = "welch_t"
        if len(a) > 1 and len(b) > 1 and (np.var(a) > 0 or np.var(b) > 0):
            res = stats.ttest_ind(a, b, equal_var=False)
            stat, p = float(res.statistic), float(res.pvalue)
    else:
        name_t = "mann_whitney_u"
        if len(a) and len(b):
            res = stats.mannwhitneyu(a, b, alternative="two-sided")
            stat, p = float(res.statistic), float(res.pvalue)
    row.update(test=name_t, statistic=stat, p_value=p)
    return row


def _test_all(name: str, parts: Sequence[np.ndarray], kind: str, test: str) -> dict[str, Any]:
    usable = [p for p in parts if len(p) > 0]
    stat, p = np.nan, np.nan
    if kind == "share":
        name_t = "chi2"
        stat, p = _chi2(parts)
    elif test == "parametric":
        name_t = "anova"
        if (
            len(usable) > 1
            and all(len(u) > 1 for u in usable)
            and any(np.var(u) > 0 for u in usable)
        ):
            res = stats.f_oneway(*usable)
            stat, p = float(res.statistic), float(res.pvalue)
    else:
        name_t = "kruskal_wallis"
        if len(usable) > 1 and np.ptp(np.concatenate(usable)) > 0:
            res = stats.kruskal(*usable)
            stat, p = float(res.statistic), float(res.pvalue)
    return {
        "variable": name,
        "group_a": "",
        "group_b": "",
        "n_a": sum(len(u) for u in usable),
        "n_b": 0,
        "estimate_a": np.nan,
        "estimate_b": np.nan,
        "difference": np.nan,
        "test": name_t,
        "statistic": stat,
        "p_value": p,
    }


def benchmark_table(
    scores: pd.DataFrame,
    *,
    by: str = "organization",
    item: str = "dimension",
    value: str = "index",
    wide: bool = False,
    marker: str = " *",
    decimals: int = 1,
) -> pd.DataFrame:
    """Cities per dimension, with the best marked.

    Parameters
    ----------
    scores
        Output of :func:`score_dimensions` (or :func:`score_items` with
        ``item="question"``) grouped by ``by``.
    by
        The column naming the organizations.
    item
        The column naming the dimensions (or items).
    value
        The column with the value to compare (higher is better).
    wide
        Return a display table (dimensions as rows, organizations as
        columns, best value marked with ``marker``) instead of the tidy one.
    marker, decimals
        Display options for ``wide``.

    Returns
    -------
    DataFrame
        Tidy: ``item``, ``by``, ``value``, ``rank`` (1 = best, ties
        share the lowest rank), ``best``, ``gap_to_best``, and
        ``clearly_best`` (the best's interval lies above every other
        interval, when ``ci_low``/``ci_high`` are present).

    Examples
    --------
    >>> s = pd.DataFrame({"organization": ["mo", "re", "mo", "re"],
    ...                   "dimension": ["staff", "staff", "time", "time"],
    ...                   "index": [80.0, 70.0, 55.0, 60.0]})
    >>> print(benchmark_table(s, wide=True).to_string(index=False))
    dimension     mo     re
        staff 80.0 *   70.0
         time   55.0 60.0 *
    """
    for c in (by, item, value):
        if c not in scores.columns:
            raise DataError("column is missing from the scores", column=c)
    df = scores[[c for c in (item, by, value, "ci_low", "ci_high") if c in scores.columns]].copy()
    grp = df.groupby(item, sort=False)[value]
    df["rank"] = grp.rank(ascending=False, method="min").astype("Int64")
    best_value = grp.transform("max")
    df["best"] = df[value] == best_value
    df["gap_to_best"] = best_value - df[value]
    if "ci_low" in df.columns and "ci_high" in df.columns:
        others_high = df["ci_high"].where(~df["best"])
        max_other = others_high.groupby(df[item], sort=False).transform("max")
        n_best = df["best"].groupby(df[item], sort=False).transform("sum")
        df["clearly_best"] = df["best"] & (n_best == 1) & (df["ci_low"] > max_other.fillna(-np.inf))
    if not wide:
        return df.reset_index(drop=True)
    text = df[value].round(decimals).map(lambda v: f"{v:.{decimals}f}" if pd.notna(v) else "")
    text = text.where(~df["best"], text + marker)
    table = (
        df.assign(_text=text)
        .pivot(index=item, columns=by, values="_text")
        .reindex(df[item].drop_duplicates())
        .fillna("")
    )
    table.columns.name = None
    return table.reset_index()
