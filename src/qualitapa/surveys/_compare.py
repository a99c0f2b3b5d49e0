"""Comparisons between organizations or years, and the city benchmark table.

Tests (scipy.stats), chosen by the number of groups, ``test`` and ``weights``:

=============  ==========================  ================================
what           two groups                  more than two groups
=============  ==========================  ================================
mean           Welch t (``ttest_ind``,     one-way ANOVA (``f_oneway``)
(parametric)   ``equal_var=False``)
mean           Mann-Whitney U              Kruskal-Wallis
(rank-based)   (``mannwhitneyu``)          (``kruskal``)
share          chi-square                  chi-square
(top box)      (``chi2_contingency``)      (``chi2_contingency``)
mean           Welch t, Games-Howell       Welch's ANOVA
(``welch``)    p-value (``games_howell``)  (``welch_anova``)
mean           design-based Welch t        design-based Welch F
(weighted)     (``weighted_welch_t``)      (``weighted_welch_f``)
share          Rao-Scott first-order       Rao-Scott first-order
(weighted)     chi-square                  chi-square
               (``rao_scott_chi2``)        (``rao_scott_chi2``)
mean           t on the design             Wald F on the design
(design)       (``design_t``)              (``design_wald_f``)
share          Rao-Scott second-order F    Rao-Scott second-order F
(design)       (``design_rao_scott_f``)    (``design_rao_scott_f``)
=============  ==========================  ================================

Each row also has an effect size (:mod:`._effects`): Hedges' g of a pair of
means with its 95% interval (Hedges & Olkin's normal approximation), eta
squared across groups, Cramér's V of shares, the rank-biserial correlation of
Mann-Whitney.

With ``pairwise=True`` every pair of groups is also tested. p-values are
adjusted for multiple comparisons across all the tests of one call (Holm
by default; see :func:`adjust_pvalues`).

Without weights respondents are treated as a simple random sample. With
``weights`` the tests use the estimates and standard errors of
:func:`score_items` / :func:`score_dimensions` (weighted means, Kish
effective sample size :math:`n_{eff}`, :math:`se^2 = s^2 / n_{eff}`):

* two groups: :math:`t = (\\bar y_a - \\bar y_b) / \\sqrt{se_a^2 + se_b^2}`
  on Welch-Satterthwaite degrees of freedom
  :math:`(se_a^2 + se_b^2)^2 / (se_a^4/(n_{eff,a}-1) + se_b^4/(n_{eff,b}-1))`;
* :math:`k` groups: Welch's (1951) heteroscedastic F with precision weights
  :math:`1/se_g^2` and :math:`n_{eff,g} - 1` degrees of freedom per group, a
  small-sample version of the Wald chi-square test of equal means of
  independent domains (its numerator times :math:`k - 1` is the Wald
  statistic; with two groups it is the square of the t above);
* shares: the Rao & Scott (1981, 1984) first-order corrected chi-square: the
  Pearson chi-square of the table of weighted shares with the nominal group
  sizes, divided by the mean generalised design effect
  :math:`\\bar\\delta = \\sum_g (1 - n_g/n)\\, d_g / (k - 1)`, where
  :math:`d_g = n_g / n_{eff,g}` is the Kish design effect of group *g*.

With equal weights these are exactly Welch's t, Welch's ANOVA and Pearson's
chi-square. See ``docs/surveys.md`` for the sources.
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd
from scipy import stats

from qualitapa.errors import DataError, Message
from qualitapa.i18n import N_
from qualitapa.problems import check_option
from qualitapa.surveys._design import SurveyDesign
from qualitapa.surveys._design_tests import (
    domain_mean_covariance,
    pair_degrees_of_freedom,
    pair_t,
    rao_scott_codes,
    rows_degrees_of_freedom,
    wald_f,
)
from qualitapa.surveys._effects import anova_effects, cramers_v_from, standardised_difference
from qualitapa.surveys._models import Instrument
from qualitapa.surveys._ptukey import studentized_range_sf
from qualitapa.surveys._pvalues import adjust_pvalues
from qualitapa.surveys._scope import common_instrument
from qualitapa.surveys._scoring import item_values, respondent_scores
from qualitapa.surveys._scoring_design import design_responses
from qualitapa.surveys._stats import (
    Groups,
    Summary,
    column_sums,
    make_groups,
    summary_from_sums,
    weights_of,
)

#: What :func:`compare_groups` compares: means or top-box shares.
GroupStatistic = Literal["mean", "share"]
#: The family of tests of :func:`compare_groups`.
GroupTest = Literal["parametric", "welch", "nonparametric"]

#: Columns of :func:`compare_groups`, in order.
COLUMNS = [
    "variable",
    "group_a",
    "group_b",
    "n_a",
    "n_b",
    "estimate_a",
    "estimate_b",
    "difference",
    "test",
    "statistic",
    "p_value",
    "p_adjusted",
    "significant",
    "weighted",
    "n_eff_a",
    "n_eff_b",
    "effect",
    "effect_size",
    "effect_low",
    "effect_high",
]


def _split(v: np.ndarray, groups: Groups) -> list[np.ndarray]:
    """Non-missing values of each group, from values in group order (no loop over rows)."""
    ok = ~np.isnan(v)
    bounds = np.cumsum(groups.sum_sorted(ok).astype(np.int64))[:-1]
    return np.split(v[ok], bounds)


def compare_groups(
    instrument: Instrument,
    responses: pd.DataFrame,
    *,
    by: str = "organization",
    on: str = "items",
    variables: Sequence[str] | None = None,
    kind: GroupStatistic = "mean",
    test: GroupTest = "parametric",
    pairwise: bool = False,
    correction: str | None = "holm",
    top_box: int = 2,
    alpha: float = 0.05,
    weights: str | None = None,
    design: SurveyDesign | None = None,
) -> pd.DataFrame:
    """Test whether groups (organizations, years...) differ on items or indices.

    Groups are compared on the questions asked in every organization of the
    responses: a local question (:attr:`Question.organizations`) only between
    groups of its own organizations. Without ``weights`` or ``design`` the
    tests treat respondents as a simple random sample (the tests of each
    option: module notes and ``docs/surveys.md``).

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
        ``"parametric"`` (Welch t / ANOVA), ``"welch"`` (Welch's ANOVA,
        Games-Howell pairs) or ``"nonparametric"`` (Mann-Whitney /
        Kruskal-Wallis); ignored for shares. Only ``"parametric"`` with
        ``weights`` or ``design``.
    pairwise
        Also test every pair of groups (always done with two groups).
    correction
        Adjustment across all the tests of the call (:func:`adjust_pvalues`;
        Games-Howell's p-values already allow for one variable's pairs).
    top_box
        Points of the top box for ``kind="share"``.
    alpha
        Significance level applied to the adjusted p-values.
    weights
        Column of survey weights (e.g. from :func:`rake`): Welch t / F on
        Kish standard errors, Rao-Scott first-order chi-square for shares.
    design
        The :class:`SurveyDesign` of these very rows (strata, clusters,
        FPC), instead of ``weights``: design-based t, Wald F and
        second-order Rao-Scott F, as R's ``survey``.

    Returns
    -------
    DataFrame
        ``variable``, ``group_a``, ``group_b`` (empty for the test across
        all groups), ``n_a``, ``n_b`` (valid answers; for the test across
        all groups ``n_a`` is their total and ``n_b`` is 0),
        ``estimate_a``, ``estimate_b`` (means, or shares; weighted with
        ``weights``), ``difference`` (a - b), ``test``, ``statistic``
        (t, F or chi-square), ``p_value``, ``p_adjusted``,
        ``significant``, ``weighted`` (whether weights were used),
        ``n_eff_a``, ``n_eff_b`` (Kish effective sizes), ``effect``
        (``hedges_g``, ``eta_squared``, ``cramers_v``, ``rank_biserial``),
        ``effect_size`` and, for Hedges' g, its interval ``effect_low``,
        ``effect_high`` (with weights: on the weighted means, sds and n_eff).

    Raises
    ------
    DataError
        The grouping or weight column is missing, a group or weight is
        missing, fewer than two groups, unknown variables,
        ``test="nonparametric"`` or ``"welch"`` on means with ``weights`` or
        ``design``, or a design of other rows.
    OptionError
        Both ``weights`` and ``design``.

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

    With survey weights (respondent 3 of group a counts twice):

    >>> w = compare_groups(inst, df.assign(w=[1, 1, 2, 1, 1, 1, 1, 1, 1, 1]), weights="w")
    >>> w[["estimate_a", "test", "n_eff_a"]].round(3).to_dict("records")
    [{'estimate_a': 4.667, 'test': 'weighted_welch_t', 'n_eff_a': 4.5}]
    """
    _check_options(responses, by, kind, test, weights, design)
    w = None if weights is None else weights_of(responses, weights)
    codes, labels = _groups(responses, by)
    common = common_instrument(instrument, responses)
    _check_not_local(instrument, common, variables)
    series = _variables(common, responses, on, kind, top_box, variables)
    if design is not None:
        out = _design_tests(series, codes, labels, design, kind, pairwise)
    elif w is not None:
        out = _weighted_tests(series, codes, labels, w, kind, pairwise)
    else:
        out = _unweighted_tests(series, codes, labels, kind, test, pairwise)
    out["p_adjusted"] = adjust_pvalues(out["p_value"].to_numpy(), correction)
    out["significant"] = out["p_adjusted"] < alpha
    return out[COLUMNS]


def _groups(responses: pd.DataFrame, by: str) -> tuple[np.ndarray, list[str]]:
    """Each response's group (a code) and the groups' names, sorted: two or more, none missing."""
    keys = responses[by]
    if keys.isna().any():
        raise DataError("group is missing", row=int(np.flatnonzero(keys.isna())[0]) + 1, column=by)
    codes, labels = pd.factorize(keys, sort=True)
    if len(labels) < 2:
        raise DataError(f"comparisons need at least two groups in {by!r}")
    return codes, [str(x) for x in labels]


def _check_not_local(
    instrument: Instrument, common: Instrument, variables: Sequence[str] | None
) -> None:
    """Raise when ``variables`` names a local question not asked in every organization."""
    kept = {q.id for q in common.questions}
    for v in variables or ():
        q = next((q for q in instrument.questions if q.id == v), None)
        if q is not None and q.id not in kept:
            raise DataError(
                f"question {v!r} is asked only in organizations {list(q.organizations)}: it "
                "is not compared across organizations; compare it within them (responses "
                "of those organizations only) or leave it out",
                column=v,
            )


def _check_options(
    responses: pd.DataFrame,
    by: str,
    kind: str,
    test: str,
    weights: str | None,
    design: SurveyDesign | None,
) -> None:
    """Raise on a missing grouping column or an unknown or impossible option."""
    if by not in responses.columns:
        raise DataError("grouping column is missing", column=by)
    check_option("kind", kind, get_args(GroupStatistic))
    check_option("test", test, get_args(GroupTest))
    if weights is not None and kind == "mean" and test == "nonparametric":
        raise DataError(
            "rank-based tests (Mann-Whitney, Kruskal-Wallis) are not defined with survey "
            "weights; use test='parametric' (design-based Welch t / F) with weights",
            column=weights,
        )
    if (weights is not None or design is not None) and kind == "mean" and test == "welch":
        raise DataError(
            Message(
                "test='welch' (Welch's ANOVA, Games-Howell) is for unweighted answers; with"
                " weights or a design use test='parametric', whose tests allow for unequal"
                " variances already",
                N_(
                    "test='welch' (ANOVA di Welch, Games-Howell) è per risposte non ponderate;"
                    " con pesi o disegno usare test='parametric', i cui test tengono già conto"
                    " di varianze diverse"
                ),
            ),
            column=weights,
        )
    if design is not None:
        _check_design(responses, test, kind, weights, design)


def _check_design(
    responses: pd.DataFrame, test: str, kind: str, weights: str | None, design: SurveyDesign
) -> None:
    """Raise when the design cannot be the responses' own (or comes with weights or ranks)."""
    if kind == "mean" and test == "nonparametric":
        raise DataError(
            Message(
                "rank-based tests (Mann-Whitney, Kruskal-Wallis) are not defined on a survey"
                " design; use test='parametric' (design-based t / Wald F)",
                N_(
                    "i test sui ranghi (Mann-Whitney, Kruskal-Wallis) non sono definiti su un"
                    " disegno campionario; usare test='parametric' (t / F di Wald sul disegno)"
                ),
            )
        )
    design_responses(design, responses, weights)  # the design is these responses


def _variables(
    instrument: Instrument,
    responses: pd.DataFrame,
    on: str,
    kind: str,
    top_box: int,
    variables: Sequence[str] | None,
) -> dict[str, np.ndarray]:
    """The values to compare, by variable (item scores or top-box flags, or indices)."""
    check_option("on", on, ("items", "dimensions"))
    if on == "items":
        series = _item_series(instrument, responses, kind, top_box, variables)
    else:
        if kind == "share":
            raise ValueError("shares are compared on items, not dimension indices")
        series = _index_series(instrument, responses, variables)
    if variables is not None:
        unknown = sorted(set(variables) - set(series))
        if unknown:
            raise DataError(f"unknown variable(s) to compare: {unknown}")
    if not series:
        raise DataError("nothing to compare: the instrument has no scaled questions")
    return series


def _item_series(
    instrument: Instrument,
    responses: pd.DataFrame,
    kind: str,
    top_box: int,
    variables: Sequence[str] | None,
) -> dict[str, np.ndarray]:
    """Each scaled item's reverse-coded scores (or top-box flags for ``kind='share'``)."""
    series: dict[str, np.ndarray] = {}
    for q in instrument.questions:
        if q.type.scaled and (variables is None or q.id in variables):
            x = item_values(q, responses, reverse=True)
            if kind == "share":
                assert q.scale is not None
                hi = q.scale.top_box(top_box)  # x is already reverse-coded
                x = np.where(np.isnan(x), np.nan, np.isin(x, hi).astype(float))
            series[q.id] = x
    return series


def _index_series(
    instrument: Instrument, responses: pd.DataFrame, variables: Sequence[str] | None
) -> dict[str, np.ndarray]:
    """Each respondent's dimension indices and their mean (``overall``)."""
    sc = respondent_scores(instrument, responses)
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        sc["overall"] = np.nanmean(sc.to_numpy(), axis=1) if len(sc.columns) else np.nan
    return {
        str(c): sc[c].to_numpy(dtype=float)
        for c in sc.columns
        if variables is None or c in variables
    }


def _unweighted_tests(
    series: Mapping[str, np.ndarray],
    codes: np.ndarray,
    labels: list[str],
    kind: str,
    test: str,
    pairwise: bool,
) -> pd.DataFrame:
    """The tests of a simple random sample: all groups, then pairs.

    Means (Welch t pairs, one-way ANOVA) and shares (chi-square) come at
    once from the groups' counts, means and sums of squares (:func:`_pair_tests`
    with unit weights: exactly Welch's t and Pearson's chi-square;
    :func:`_anova`); the rank tests need each group's values and are one
    scipy call per variable (and pair).
    """
    n_groups = len(labels)
    pairs = n_groups == 2 or pairwise
    at_once = kind == "share" or test in ("parametric", "welch")
    groups = _code_groups(codes, n_groups)
    ones = np.ones(len(codes))
    sums = np.empty((5, n_groups, len(series)))
    rows: list[dict[str, Any]] = []
    for v, (name, x) in enumerate(series.items()):  # loop over variables, not respondents
        xs = groups.sort(x)
        if at_once:
            sums[:, :, v] = column_sums(xs, ones, ones, groups, unit=True)
            continue
        parts = _split(xs, groups)
        if n_groups > 2:
            rows.append({**_test_all(name, parts, kind, test), "_v": v, "_o": 0})
        if pairs:
            for o, (i, j) in enumerate(itertools.combinations(range(n_groups), 2), 1):
                row = _test_pair(name, parts[i], parts[j], labels[i], labels[j], kind, test)
                rows.append({**row, "_v": v, "_o": o})
    tables = [{k: [row[k] for row in rows] for k in rows[0]}] if rows else []
    if at_once:
        s = summary_from_sums(*sums)
        names = list(series)
        welch = kind == "mean" and test == "welch"
        if n_groups > 2:
            omnibus = "chi2" if kind == "share" else "welch_anova" if welch else "anova"
            tables.append(_all_groups_at_once(names, s, sums, kind, omnibus))
        if pairs:
            pair = "chi2" if kind == "share" else "games_howell" if welch else "welch_t"
            tables.append(_pair_tests(names, labels, s, kind, pair))
    out = _in_order(tables, weighted=False)
    out["n_eff_a"] = out["n_a"].astype(float)
    out["n_eff_b"] = out["n_b"].astype(float)
    return out


def _all_groups_at_once(
    names: list[str], s: Summary, sums: np.ndarray, kind: str, test: str
) -> dict[str, Any]:
    """The test across all groups of every variable, one row each (``_v``, ``_o`` = 0).

    Shares (``chi2``, ``rao_scott_chi2``): the Rao-Scott chi-square
    (Pearson's with unit weights: every design effect is 1), effect
    Cramér's V of the (weighted) table. Means: the one-way ANOVA
    (``anova``), Welch's F (``welch_anova``, ``weighted_welch_f``: the same
    formula on Kish standard errors), effect :math:`\\eta^2` from the
    (weighted) sums of squares. ``sums`` are those of :func:`summary_from_sums`.
    """
    used = s.n > 0
    if kind == "share":
        stat, p, x2 = _rao_scott(s.n, s.mean, s.n_eff, used)
        effect = "cramers_v"
        size = cramers_v_from(x2, np.where(used, s.n, 0).sum(axis=0), 2, 2)
    else:
        if test == "anova":
            stat, p = _anova(s.n, s.mean, sums[4], used)
        else:
            stat, p = _welch_f(s.mean, s.se**2, s.n_eff - 1, used)
        effect = "eta_squared"
        size = anova_effects(sums[1], s.mean, sums[4], used)[0]
    return {
        "_v": np.arange(len(names)),
        "_o": 0,
        "variable": names,
        "group_a": "",
        "group_b": "",
        "n_a": np.where(used, s.n, 0).sum(axis=0).astype(np.int64),
        "n_b": 0,
        "estimate_a": np.nan,
        "estimate_b": np.nan,
        "difference": np.nan,
        "test": test,
        "statistic": stat,
        "p_value": p,
        "n_eff_a": np.where(used, s.n_eff, 0.0).sum(axis=0),
        "n_eff_b": 0.0,
        "effect": effect,
        "effect_size": size,
        "effect_low": np.nan,
        "effect_high": np.nan,
    }


def _anova(
    n: np.ndarray, mean: np.ndarray, ss: np.ndarray, used: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """One-way ANOVA F across the ``used`` groups (axis 0), as ``scipy.stats.f_oneway``.

    :math:`F = \\frac{\\sum_g n_g (\\bar y_g - \\bar y)^2 / (k - 1)}{\\sum_g SS_g / (N - k)}`
    on :math:`k - 1` and :math:`N - k` degrees of freedom; missing unless
    every used group has two answers and some group varies (as the
    per-variable test did before).
    """
    k = used.sum(axis=0).astype(float)
    n = np.where(used, n, 0.0)
    big_n = n.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        grand = (n * np.where(used, mean, 0.0)).sum(axis=0) / big_n
        between = (n * (np.where(used, mean, 0.0) - grand) ** 2).sum(axis=0) / (k - 1)
        within = np.where(used, ss, 0.0).sum(axis=0) / (big_n - k)
        f = between / within
    ok = (k > 1) & ((~used) | (n > 1)).all(axis=0) & (within > 0)
    f = np.where(ok, f, np.nan)
    p = np.where(ok, stats.f.sf(f, np.where(ok, k - 1, 1.0), np.where(ok, big_n - k, 1.0)), np.nan)
    return f, p


def _code_groups(codes: np.ndarray, n_groups: int) -> Groups:
    """The groups of ``codes``: group g is code g (labels[g])."""
    groups = make_groups(pd.DataFrame({"g": codes}), "g")
    # every label has a response (factorised from them), so the groups are the labels
    assert groups.n == n_groups
    return groups


def _group_summary(
    series: Mapping[str, np.ndarray], codes: np.ndarray, n_groups: int, w: np.ndarray
) -> tuple[Summary, np.ndarray]:
    """Weighted counts, means and standard errors of every variable (groups, variables).

    Also the sums they come from (:func:`column_sums`: n, sum of weights, of
    squared weights, mean, weighted sum of squared deviations).
    """
    groups = _code_groups(codes, n_groups)
    ws = groups.sort(w)
    unit, w2 = bool(np.all(ws == 1.0)), ws * ws
    sums = np.empty((5, n_groups, len(series)))
    for j, x in enumerate(series.values()):  # loop over variables: one sorted column each
        sums[:, :, j] = column_sums(groups.sort(x), ws, w2, groups, unit=unit)
    return summary_from_sums(*sums), sums


def _in_order(parts: list[dict[str, Any]], **same: Any) -> pd.DataFrame:
    """Rows of ``parts`` by variable (``_v``), then test (``_o``: 0 all groups, then pairs).

    Each part holds columns (arrays, lists, or one value for every row); the
    frame is made once, with the columns ``same`` (one value each).
    """
    sizes = [len(part["_v"]) for part in parts]

    def column(name: str) -> np.ndarray:
        return np.concatenate(
            [np.broadcast_to(np.asarray(p[name]), (n,)) for p, n in zip(parts, sizes, strict=True)]
        )

    order = np.lexsort((column("_o"), column("_v")))  # stable: by variable, then test
    columns = {name: column(name)[order] for name in parts[0] if name not in ("_v", "_o")}
    return pd.DataFrame({**columns, **same})


def _welch_t(
    m: np.ndarray, var: np.ndarray, nu: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Welch t, its p-value and degrees of freedom for rows 0 and 1 of arrays (2, ...).

    ``var`` are squared standard errors, ``nu`` their degrees of freedom
    (``n_eff - 1``); df = Welch-Satterthwaite.
    """
    v = var[0] + var[1]
    with np.errstate(invalid="ignore", divide="ignore"):
        t = (m[0] - m[1]) / np.sqrt(v)
        df = v**2 / (var[0] ** 2 / nu[0] + var[1] ** 2 / nu[1])
    ok = (nu > 0).all(axis=0) & np.isfinite(var).all(axis=0) & (v > 0)
    t = np.where(ok, t, np.nan)
    p = np.where(ok, 2 * stats.t.sf(np.abs(t), np.where(ok, df, 1.0)), np.nan)
    return t, p, np.where(ok, df, np.nan)


def _welch_f(
    m: np.ndarray, var: np.ndarray, nu: np.ndarray, used: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Welch's (1951) F across the ``used`` groups (axis 0) and its p-value.

    Precision weights :math:`w_g = 1/se_g^2`, :math:`W = \\sum w_g`,
    :math:`\\tilde y = \\sum w_g \\bar y_g / W`,
    :math:`A = \\sum w_g (\\bar y_g - \\tilde y)^2 / (k-1)` (the Wald
    chi-square over k - 1), :math:`\\Lambda = \\sum (1 - w_g/W)^2 / \\nu_g`,
    :math:`F = A / (1 + 2(k-2)\\Lambda/(k^2-1))` on k - 1 and
    :math:`(k^2-1)/(3\\Lambda)` degrees of freedom.
    """
    k = used.sum(axis=0).astype(float)
    ok = (k >= 2) & ((~used) | ((nu > 0) & (var > 0) & np.isfinite(var))).all(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        wg = np.where(used, 1.0 / var, 0.0)
        big_w = wg.sum(axis=0)
        centre = np.where(used, wg * np.where(used, m, 0.0), 0.0).sum(axis=0) / big_w
        a = np.where(used, wg * (m - centre) ** 2, 0.0).sum(axis=0) / (k - 1)
        lam = np.where(used, (1 - wg / big_w) ** 2 / nu, 0.0).sum(axis=0)
        f = a / (1 + 2 * (k - 2) * lam / (k**2 - 1))
        df2 = (k**2 - 1) / (3 * lam)
    f = np.where(ok, f, np.nan)
    p = np.where(ok, stats.f.sf(f, np.where(ok, k - 1, 1.0), np.where(ok, df2, 1.0)), np.nan)
    return f, p


def _rao_scott(
    n: np.ndarray, share: np.ndarray, n_eff: np.ndarray, used: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rao-Scott first-order corrected chi-square of equal shares across groups (axis 0).

    Pearson :math:`X^2 = \\sum_g n_g (\\hat p_g - \\hat p)^2 / (\\hat p(1-\\hat p))`
    with :math:`\\hat p = \\sum n_g \\hat p_g / n` (weighted shares, nominal
    sizes), divided by :math:`\\bar\\delta = \\sum_g (1 - n_g/n) d_g / (k-1)`,
    :math:`d_g = n_g / n_{eff,g}`; chi-square on k - 1 degrees of freedom.
    Returns the corrected statistic, its p-value and Pearson's :math:`X^2`.
    """
    k = used.sum(axis=0).astype(float)
    n = np.where(used, n, 0.0)
    total = n.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        pooled = np.where(used, n * np.where(used, share, 0.0), 0.0).sum(axis=0) / total
        x2 = np.where(used, n * (share - pooled) ** 2, 0.0).sum(axis=0) / (pooled * (1 - pooled))
        deff = np.where(used, n / n_eff, 0.0)
        delta = ((1 - n / total) * deff).sum(axis=0) / (k - 1)
        x2_rs = x2 / delta
    ok = (k >= 2) & (pooled > 0) & (pooled < 1) & (delta > 0) & np.isfinite(delta)
    x2_rs = np.where(ok, x2_rs, np.nan)
    p = np.where(ok, stats.chi2.sf(x2_rs, np.where(ok, k - 1, 1.0)), np.nan)
    return x2_rs, p, np.where(ok, x2, np.nan)


def _weighted_tests(
    series: dict[str, np.ndarray],
    codes: np.ndarray,
    labels: list[str],
    w: np.ndarray,
    kind: str,
    pairwise: bool,
) -> pd.DataFrame:
    """Design-based tests of every variable, vectorised over variables and pairs."""
    names = list(series)
    n_groups = len(labels)
    s, sums = _group_summary(series, codes, n_groups, w)
    parts = []
    if n_groups > 2:
        name = "rao_scott_chi2" if kind == "share" else "weighted_welch_f"
        parts.append(_all_groups_at_once(names, s, sums, kind, name))
    if n_groups == 2 or pairwise:
        name = "rao_scott_chi2" if kind == "share" else "weighted_welch_t"
        parts.append(_pair_tests(names, labels, s, kind, name))
    return _in_order(parts, weighted=True)


def _design_tests(
    series: dict[str, np.ndarray],
    codes: np.ndarray,
    labels: list[str],
    design: SurveyDesign,
    kind: str,
    pairwise: bool,
) -> pd.DataFrame:
    """Tests on the design: the weighted table's estimates, then each test redone on the design.

    Means: the Wald F across the groups and the t of each pair (R's
    ``regTermTest`` and ``svyttest`` on the two groups); shares: the
    second-order Rao-Scott F, across the groups and on each pair (R's
    ``svychisq`` on the design restricted to the two groups). One
    linearised covariance of the groups' means per variable.
    """
    out = _weighted_tests(series, codes, labels, design.weights, kind, pairwise)
    k = len(labels)
    pairs = list(itertools.combinations(range(k), 2)) if (k == 2 or pairwise) else []
    codes = np.asarray(codes, dtype=np.intp)
    ia, ib = np.array(pairs, dtype=np.intp).reshape(-1, 2).T
    results: list[np.ndarray] = []  # per variable: (tests, 2) statistics and p-values
    for y in series.values():  # loop over variables: the rows are vectorised
        if kind == "share":
            answer = np.where(np.isnan(y), -1, y).astype(np.intp)
            tests: list[tuple[int, int] | tuple[None, None]] = [(None, None)] if k > 2 else []
            shares = [_design_share(design, codes, k, answer, t) for t in tests + pairs]
            results.append(np.array(shares, dtype=float).reshape(-1, 2))
            continue
        means, cov, used = domain_mean_covariance(design, y, codes, k)
        if k > 2:
            present = np.bincount(codes[used], minlength=k) > 0
            f, _, p_f = wald_f(means, cov, present, rows_degrees_of_freedom(design, used))
            results.append(np.array([[f, p_f]]))
        if pairs:
            df = pair_degrees_of_freedom(design, codes, k, used)
            _, _, t, p_t = pair_t(means, cov, ia, ib, df[ia, ib])
            results.append(np.column_stack([t, p_t]))
    values = np.concatenate(results) if results else np.zeros((0, 2))
    out["statistic"], out["p_value"] = values[:, 0], values[:, 1]
    if kind == "share":
        out["test"] = "design_rao_scott_f"
    else:
        out["test"] = np.where(out["group_a"] == "", "design_wald_f", "design_t")
    return out


def _design_share(
    design: SurveyDesign,
    codes: np.ndarray,
    k: int,
    answer: np.ndarray,
    pair: tuple[int, int] | tuple[None, None],
) -> tuple[float, float]:
    """Second-order Rao-Scott F of group by top box, on all groups or on a pair's rows."""
    a, b = pair
    if a is None or b is None:
        test = rao_scott_codes(design, codes, k, answer, 2)
    else:
        inside = (codes == a) | (codes == b)
        rows = np.where(codes == a, 0, np.where(codes == b, 1, -1)).astype(np.intp)
        test = rao_scott_codes(design, rows, 2, answer, 2, "F", inside)
    return (np.nan, np.nan) if test is None else (test.value, test.p_value)


def _pair_tests(
    names: list[str], labels: list[str], s: Summary, kind: str, test: str
) -> dict[str, Any]:
    """Every pair of groups on every variable at once, from the groups' summaries.

    Means: Welch t on the squared standard errors and ``n_eff - 1``
    degrees of freedom (``games_howell``: its p-value from the studentized
    range of the groups that answered, Games & Howell 1976), effect Hedges'
    g of the (weighted) means and standard deviations on ``n_eff``; shares:
    the Rao-Scott chi-square of the pair, effect Cramér's V. With unit
    weights these are Welch's t (``ttest_ind(equal_var=False)``) and
    Pearson's chi-square of the 2 x 2 table. Rows are variable-major
    (``_v``), pairs in the order of :func:`itertools.combinations` (``_o``).
    """
    ia, ib = np.triu_indices(len(labels), 1)  # the order of itertools.combinations
    pair = np.stack([ia, ib])  # (2, pairs)
    low = high = np.full((len(ia), len(names)), np.nan)
    if kind == "share":
        stat, p, x2 = _rao_scott(s.n[pair], s.mean[pair], s.n_eff[pair], s.n[pair] > 0)
        effect, size = "cramers_v", cramers_v_from(x2, s.n[ia] + s.n[ib], 2, 2)
    else:
        stat, p, df = _welch_t(s.mean[pair], (s.se**2)[pair], (s.n_eff - 1)[pair])
        if test == "games_howell":
            k = np.broadcast_to((s.n > 0).sum(axis=0), stat.shape)
            ok = np.isfinite(stat)
            p = np.full(stat.shape, np.nan)
            p[ok] = studentized_range_sf(np.sqrt(2) * np.abs(stat[ok]), k[ok], df[ok])
        effect = "hedges_g"
        size, low, high = standardised_difference(
            s.n_eff[pair],
            s.mean[pair],
            (s.sd**2)[pair],
            hedges=True,
            confidence=0.95,
            interval="normal",  # a closed form: thousands of pairs (EffectInterval)
        )
    n_pairs, n_vars = len(ia), len(names)

    def flat(x: np.ndarray) -> np.ndarray:
        return np.asarray(x).T.ravel()  # (pairs, vars) -> variable-major rows

    lab = np.asarray(labels, dtype=object)
    return {
        "_v": np.repeat(np.arange(n_vars), n_pairs),
        "_o": np.tile(np.arange(1, n_pairs + 1), n_vars),
        "variable": np.repeat(names, n_pairs),
        "group_a": np.tile(lab[ia], n_vars),
        "group_b": np.tile(lab[ib], n_vars),
        "n_a": flat(s.n[ia]).astype(np.int64),
        "n_b": flat(s.n[ib]).astype(np.int64),
        "estimate_a": flat(s.mean[ia]),
        "estimate_b": flat(s.mean[ib]),
        "difference": flat(s.mean[ia] - s.mean[ib]),
        "test": test,
        "statistic": flat(stat),
        "p_value": flat(p),
        "n_eff_a": flat(s.n_eff[ia]),
        "n_eff_b": flat(s.n_eff[ib]),
        "effect": effect,
        "effect_size": flat(size),
        "effect_low": flat(low),
        "effect_high": flat(high),
    }


@contextmanager
def _quiet_constant_groups() -> Iterator[None]:
    """Silence scipy's "precision loss" warning for a group whose answers are all equal.

    Its variance is exactly 0 and the test is right; whether groups vary at all
    is checked exactly (``np.ptp``) before testing, not from a rounded variance.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message="Precision loss occurred", category=RuntimeWarning
        )
        yield


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
    row.update(effect="", effect_size=np.nan, effect_low=np.nan, effect_high=np.nan)
    stat, p = np.nan, np.nan
    if kind == "share":
        name_t = "chi2"
        stat, p = _chi2([a, b])
    elif test == "parametric":
        name_t = "welch_t"
        if len(a) > 1 and len(b) > 1 and (np.ptp(a) > 0 or np.ptp(b) > 0):
            with _quiet_constant_groups():
                res = stats.ttest_ind(a, b, equal_var=False)
            stat, p = float(res.statistic), float(res.pvalue)
    else:
        name_t = "mann_whitney_u"
        if len(a) and len(b):
            res = stats.mannwhitneyu(a, b, alternative="two-sided")
            stat, p = float(res.statistic), float(res.pvalue)
            # rank-biserial correlation 2 U_a / (n_a n_b) - 1 (pingouin's mwu "RBC")
            row.update(effect="rank_biserial", effect_size=2 * stat / (len(a) * len(b)) - 1)
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
            and any(np.ptp(u) > 0 for u in usable)
        ):
            with _quiet_constant_groups():
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
        "effect": "",
        "effect_size": np.nan,
        "effect_low": np.nan,
        "effect_high": np.nan,
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

    Notes
    -----
    Rows whose ``local`` column is true (an index or item that uses
    questions asked in some organizations only, see :func:`score_items`
    and :func:`score_dimensions`) keep their value but are never ranked:
    no rank, not best, no gap to the best.

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
    cols = [c for c in (item, by, value, "ci_low", "ci_high", "local") if c in scores.columns]
    df = scores[cols].copy()
    local = df["local"].fillna(False).to_numpy(dtype=bool) if "local" in df else None
    ranked = df[value].where(~local) if local is not None else df[value]
    grp = ranked.groupby(df[item], sort=False)
    df["rank"] = grp.rank(ascending=False, method="min").astype("Int64")
    best_value = grp.transform("max")
    df["best"] = ranked == best_value
    df["gap_to_best"] = best_value - ranked
    if "ci_low" in df.columns and "ci_high" in df.columns:
        others_high = df["ci_high"].where(~df["best"] & ranked.notna())
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
