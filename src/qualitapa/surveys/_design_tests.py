"""Design-based tests on a :class:`SurveyDesign`: Rao-Scott, design-based t and Wald F.

Pearson's :math:`X^2` of the weighted table assumes simple random sampling;
under a design its distribution is a weighted sum of :math:`\\chi^2_1`
variables whose weights are the eigenvalues of the generalised design-effect
matrix :math:`\\Delta` (Rao and Scott 1981, JASA 76:221-230; 1984, Annals of
Statistics 12:46-60). R's ``svychisq`` (survey 4.1, read from the installed
package with ``print(survey:::svychisq.survey.design)``) corrects it so:

* :math:`\\hat p` the cell shares (R's ``svymean`` of the cell indicators;
  rows with either answer missing are out of the domain), :math:`\\hat V`
  their design covariance, :math:`N` the rows of the data;
* :math:`C` the interaction contrasts of the :math:`r \\times c` cells,
  residualised on the main effects; :math:`D = \\operatorname{diag}(\\hat p)`;
  :math:`\\Delta = (C^T D^{-1} C / N)^{-1}\\, C^T D^{-1} \\hat V D^{-1} C`;
* :math:`X^2` is Pearson's on the weighted table scaled to add up to
  :math:`N`;
* ``"F"`` (second order, R's default): :math:`F = X^2 / \\operatorname{tr}\\Delta`
  against :math:`F(d_0, d_0 \\nu)` with
  :math:`d_0 = (\\operatorname{tr}\\Delta)^2 / \\operatorname{tr}\\Delta^2` and
  :math:`\\nu` = PSUs - strata; ``"chisq"`` (first order):
  :math:`X^2 / \\bar\\delta` against :math:`\\chi^2_{(r-1)(c-1)}`, with
  :math:`\\bar\\delta` the mean eigenvalue (the mean generalised design effect).

Means of groups (domains) :math:`g = 1..k` are compared as R's ``svyttest``
and ``regTermTest(svyglm(y ~ g), ~g)`` do (survey 4.1, read from the installed
package with ``print(survey:::svyttest.default)`` and
``print(survey:::regTermTest)``): the linear model of :math:`y` on the groups
is saturated, so its coefficients are the domain means
:math:`\\hat\\mu_g = \\sum_{i \\in g} w_i y_i / \\sum_{i \\in g} w_i` (or their
differences) and its sandwich covariance is the linearised covariance of the
domain means, from the influence values
:math:`z_{ig} = w_i (y_i - \\hat\\mu_g) / \\sum_{j \\in g} w_j` for the rows of
group :math:`g` (0 elsewhere), whose totals vary between PSUs as
:func:`~qualitapa.surveys._design.design_covariance` says. Rows without an
answer or a group are left out (R's ``na.omit``: the design keeps its strata
and PSU counts). With :math:`\\nu` the PSUs minus the strata of the rows used
(R's ``degf``):

* two groups: :math:`t = (\\hat\\mu_a - \\hat\\mu_b) / \\sqrt{V_{aa} + V_{bb} - 2 V_{ab}}`
  on :math:`\\nu - 1` degrees of freedom (R's ``svyttest``, which reports
  :math:`\\hat\\mu_b - \\hat\\mu_a`: the sign is the other);
* :math:`k` groups: the Wald statistic
  :math:`W = \\hat\\beta^T (C V C^T)^{-1} \\hat\\beta` of the differences
  :math:`\\hat\\beta = C\\hat\\mu` from the first group, and
  :math:`F = W / (k - 1)` on :math:`k - 1` and :math:`\\nu - k + 1` degrees of
  freedom (the residual degrees of freedom of ``svyglm``).
"""

from __future__ import annotations

from typing import Literal, get_args

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import sparse, stats

from qualitapa.errors import DataError, Message
from qualitapa.i18n import N_
from qualitapa.problems import check_option
from qualitapa.surveys._design import (
    Codes,
    Floats,
    SurveyDesign,
    design_covariance,
    domain_degrees_of_freedom,
    not_found,
    numeric_column,
)

Bools = npt.NDArray[np.bool_]

ChisqStatistic = Literal["F", "chisq"]
"""Rao-Scott correction: second order with an F reference (``"F"``) or first order."""


@attrs.frozen
class RaoScottTest:
    """The result of :func:`design_chisq`.

    Attributes
    ----------
    statistic
        ``"F"`` or ``"chisq"``.
    value
        The corrected statistic: :math:`X^2 / \\operatorname{tr}\\Delta` for
        ``"F"``; Pearson's :math:`X^2` for ``"chisq"`` (as R reports it).
    df_num, df_den
        Degrees of freedom: :math:`d_0` and :math:`d_0 \\nu` for ``"F"``;
        :math:`(r-1)(c-1)` and NaN for ``"chisq"``.
    p_value
        The test's p-value.
    pearson
        Pearson's :math:`X^2` of the weighted table scaled to the rows.
    mean_deff
        :math:`\\bar\\delta`, the mean generalised design effect.
    """

    statistic: ChisqStatistic
    value: float
    df_num: float
    df_den: float
    p_value: float
    pearson: float
    mean_deff: float


_TWO_ANSWERS = Message(
    "a test of association needs at least two different answers in the column",
    N_("un test di associazione richiede almeno due risposte diverse nella colonna"),
)
_TWO_GROUPS = Message(
    "a comparison needs two or more groups in the column",
    N_("un confronto richiede almeno due gruppi nella colonna"),
)


def _codes(
    design: SurveyDesign,
    column: str,
    field: str,
    fewer: Message,
    levels: tuple[object, ...] | None = None,
) -> tuple[Codes, list[str]]:
    """The column's codes (-1: missing, or not in ``levels``) and values; ``fewer`` if < 2."""
    if column not in design.data.columns:
        raise not_found(column, design.data, field)
    values = design.data[column]
    if levels is not None:
        values = values.where(values.isin(list(levels)))
    codes, uniques = pd.factorize(values, sort=True)
    if len(uniques) < 2:
        raise DataError(fewer, column=column)
    return np.asarray(codes, dtype=np.intp), [str(u) for u in uniques]


def _contrasts(nr: int, nc: int) -> Floats:
    """Interaction contrasts of the cells (rows vary fastest), residualised on the main effects."""
    row = np.tile(np.arange(nr), nc)
    col = np.repeat(np.arange(nc), nr)
    main = np.column_stack(
        [np.ones(nr * nc)]
        + [(row == i).astype(float) for i in range(1, nr)]
        + [(col == j).astype(float) for j in range(1, nc)]
    )
    inter = np.column_stack(
        [((row == i) & (col == j)).astype(float) for j in range(1, nc) for i in range(1, nr)]
    )
    coef = np.linalg.lstsq(main, inter, rcond=None)[0]
    return np.asarray(inter - main @ coef, dtype=np.float64)


def design_chisq(
    design: SurveyDesign, rows: str, columns: str, *, statistic: ChisqStatistic = "F"
) -> RaoScottTest:
    """Rao-Scott test of association of two answers under the design (R's ``svychisq``).

    Parameters
    ----------
    design
        The survey design.
    rows, columns
        The two columns of answers (codes or text). Rows with either
        missing are left out of the cell shares (R's ``na.rm = TRUE``).
    statistic
        ``"F"``: second-order correction, F reference (R's default);
        ``"chisq"``: first-order correction, chi-square reference
        (R's ``statistic = "Chisq"``).

    Returns
    -------
    RaoScottTest

    Raises
    ------
    DataError
        A column is missing or has fewer than two different answers, or the
        table's empty cells make :math:`\\Delta` singular (R's ``solve``
        fails there).

    Examples
    --------
    >>> df = pd.DataFrame({"day": [1, 1, 2, 2, 3, 3, 4, 4],
    ...                    "sex": ["f", "m", "f", "m", "f", "f", "m", "m"],
    ...                    "ok": ["y", "y", "n", "y", "y", "y", "n", "n"]})
    >>> t = design_chisq(SurveyDesign.from_frame(df, clusters="day"), "sex", "ok")
    >>> round(t.pearson, 4), round(t.value, 4), round(t.p_value, 4)
    (0.5333, 0.2507, 0.651)
    """
    check_option("statistic", statistic, get_args(ChisqStatistic))
    r, row_values = _codes(design, rows, "columns", _TWO_ANSWERS)
    c, column_values = _codes(design, columns, "columns", _TWO_ANSWERS)
    test = rao_scott_codes(design, r, len(row_values), c, len(column_values), statistic)
    if test is None:
        # R: solve() fails ("exactly singular") or F = X^2 / 0 with NaN degrees of freedom
        raise DataError(
            Message(
                "the table of {rows!r} by {columns!r} has empty cells that leave the test"
                " undefined (each answer of one goes with few answers of the other)",
                N_(
                    "la tabella di {rows!r} per {columns!r} ha celle vuote che rendono il test"
                    " non definito (ogni risposta dell'una va con poche risposte dell'altra)"
                ),
                rows=rows,
                columns=columns,
            ),
            column=rows,
        )
    return test


def rao_scott_codes(
    design: SurveyDesign,
    r: Codes,
    nr: int,
    c: Codes,
    nc: int,
    statistic: ChisqStatistic = "F",
    subset: Bools | None = None,
) -> RaoScottTest | None:
    """:func:`design_chisq` of row and column codes (-1: missing); None where it is undefined.

    ``subset`` (a mask) restricts the design to those rows as R's
    ``subset()`` does: the other rows are out of the cell shares, the table
    is scaled to the subset's rows and :math:`\\nu` counts its PSUs and strata.
    """
    inside = np.ones(len(r), dtype=bool) if subset is None else subset
    complete = (r >= 0) & (c >= 0) & inside
    cell = np.where(complete, r + nr * c, 0)
    n_rows, m, w = int(inside.sum()), nr * nc, design.weights
    w_in = np.where(complete, w, 0.0)
    if not w_in.sum() > 0:
        return None
    p = np.bincount(cell, weights=w_in, minlength=m) / w_in.sum()
    z = (np.eye(m)[cell] - p) * (w_in / w_in.sum())[:, None]
    v = design_covariance(design, z, complete)
    table = (p * n_rows).reshape(nc, nr).T
    with np.errstate(all="ignore"):
        expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / n_rows
        pearson = float(((table - expected) ** 2 / expected).sum())
    contrasts = _contrasts(nr, nc)
    inverse = np.diag(np.where(p == 0, 0.0, 1 / np.where(p == 0, 1.0, p)))
    denominator = contrasts.T @ (inverse / n_rows) @ contrasts
    numerator = contrasts.T @ inverse @ v @ inverse @ contrasts
    with np.errstate(all="ignore"):
        try:
            delta = np.linalg.solve(denominator, numerator)
        except np.linalg.LinAlgError:
            delta = np.full_like(numerator, np.nan)
    trace = float(np.trace(delta))
    if not np.isfinite(trace) or trace <= 1e-12 or not np.isfinite(pearson):
        return None
    df = (nr - 1) * (nc - 1)
    if statistic == "chisq":
        p_value = float(stats.chi2.sf(pearson / (trace / df), df))
        return RaoScottTest("chisq", pearson, float(df), np.nan, p_value, pearson, trace / df)
    d0 = trace**2 / float(np.trace(delta @ delta))
    nu = len(np.unique(design.psu[inside])) - len(np.unique(design.stratum[inside]))
    value = pearson / trace
    p_value = float(stats.f.sf(value, d0, d0 * nu))
    return RaoScottTest("F", value, d0, d0 * nu, p_value, pearson, trace / df)


@attrs.frozen
class DesignMeansTest:
    """The result of :func:`design_ttest` or :func:`design_wald_test`.

    Attributes
    ----------
    statistic
        ``"t"`` (two groups) or ``"F"`` (Wald F of equal means).
    groups
        The groups compared, in order (sorted).
    means
        Their weighted means.
    estimate
        ``t``: the difference of the means, first group minus second; NaN for ``F``.
    se
        ``t``: the difference's linearised standard error; NaN for ``F``.
    value
        The t or F statistic.
    df_num, df_den
        Degrees of freedom: 1 and :math:`\\nu - 1` for ``t`` (its df is
        ``df_den``); :math:`k - 1` and :math:`\\nu - k + 1` for ``F``.
    p_value
        Two-sided p-value.
    """

    statistic: Literal["t", "F"]
    groups: tuple[str, ...]
    means: tuple[float, ...]
    estimate: float
    se: float
    value: float
    df_num: float
    df_den: float
    p_value: float


def domain_mean_covariance(
    design: SurveyDesign, y: Floats, group: Codes, k: int
) -> tuple[Floats, Floats, Bools]:
    """Weighted means of ``y`` in groups 0..k-1 (-1: none), their design covariance, rows used.

    The rows used have an answer and a group; the influence value of a row
    of group g is :math:`w_i (y_i - \\hat\\mu_g) / \\sum_{j \\in g} w_j` in
    column g (see the module notes).
    """
    w = design.weights
    ok = ~np.isnan(y) & (group >= 0)
    spare = np.where(ok, group, k)
    y0 = np.where(ok, y, 0.0)
    sums = np.bincount(spare, weights=w, minlength=k + 1)[:k]
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.bincount(spare, weights=w * y0, minlength=k + 1)[:k] / sums
    rows = np.flatnonzero(ok)
    g = group[rows]
    z = np.zeros((len(w), k), order="F")  # columns contiguous: design_covariance reads them
    z[rows, g] = w[rows] * (y[rows] - means[g]) / sums[g]
    return means, design_covariance(design, z, ok), ok


def rows_degrees_of_freedom(design: SurveyDesign, rows: Bools) -> float:
    """PSUs minus strata among ``rows`` (a mask) with a weight: R's ``degf`` of that subset."""
    domain = np.where(rows, 0, -1).astype(np.intp)
    return float(domain_degrees_of_freedom(design, domain, 1)[0])


def pair_degrees_of_freedom(design: SurveyDesign, group: Codes, k: int, rows: Bools) -> Floats:
    """R's ``degf`` of the ``rows`` of each pair of groups a, b (a k x k matrix), at once.

    PSUs minus strata that have rows of a or b with a weight:
    :math:`|P_a \\cup P_b| - |H_a \\cup H_b|`, the unions counted from the
    sparse group-by-PSU and group-by-stratum incidences
    (:math:`|A \\cup B| = |A| + |B| - |A \\cap B|`).
    """
    keep = rows & (group >= 0) & (design.weights != 0)
    g = group[keep]

    def unions(ids: Codes, size: int) -> Floats:
        ones = np.ones(len(g))
        incidence = sparse.csr_matrix((ones, (g, ids[keep])), shape=(k, size))
        incidence.sum_duplicates()
        incidence.data[:] = 1.0
        both = np.asarray((incidence @ incidence.T).toarray(), dtype=np.float64)
        alone = np.diag(both)
        return np.asarray(alone[:, None] + alone[None, :] - both, dtype=np.float64)

    n_psus = int(design.psu.max()) + 1 if len(design.psu) else 0
    return unions(design.psu, n_psus) - unions(design.stratum, len(design.n_psu))


def pair_t(
    means: Floats, cov: Floats, a: Codes, b: Codes, df: Floats
) -> tuple[Floats, Floats, Floats, Floats]:
    """Differences a - b of the pairs, their SEs, t and two-sided p on ``df - 1`` df (arrays)."""
    diff = means[a] - means[b]
    var = cov[a, a] + cov[b, b] - 2 * cov[a, b]
    se = np.sqrt(np.where(var >= 0, var, np.nan))
    ok = (var > 0) & (df > 1) & np.isfinite(diff)
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.where(ok, diff / se, np.nan)
    p = np.where(ok, 2 * stats.t.sf(np.abs(t), np.where(ok, df - 1, 1.0)), np.nan)
    return diff, se, t, p


def wald_f(means: Floats, cov: Floats, used: Bools, df: float) -> tuple[float, float, float]:
    """Wald F of equal means of the ``used`` groups, its denominator df and p-value."""
    idx = np.flatnonzero(used & np.isfinite(means))
    k = len(idx)
    ddf = df - k + 1
    if k < 2 or ddf <= 0:
        return np.nan, ddf, np.nan
    beta = means[idx[1:]] - means[idx[0]]
    sub = cov[np.ix_(idx, idx)]
    contrast = np.hstack([-np.ones((k - 1, 1)), np.eye(k - 1)])
    v = contrast @ sub @ contrast.T
    try:
        wald = float(beta @ np.linalg.solve(v, beta))
    except np.linalg.LinAlgError:
        return np.nan, ddf, np.nan
    if not np.isfinite(wald) or wald < 0:
        return np.nan, ddf, np.nan
    f = wald / (k - 1)
    return f, ddf, float(stats.f.sf(f, k - 1, ddf))


def design_ttest(
    design: SurveyDesign,
    column: str,
    group: str,
    *,
    levels: tuple[object, object] | None = None,
) -> DesignMeansTest:
    """Design-based t-test of the difference of two groups' means (R's ``svyttest``).

    Parameters
    ----------
    design
        The survey design.
    column
        The numeric answers; empty cells are left out.
    group
        The column of the two groups (domains). With more groups, name two
        of them in ``levels``: the others are left out, as R's ``subset``.
    levels
        The two groups to compare.

    Returns
    -------
    DesignMeansTest
        ``estimate`` is the first group's mean minus the second's (groups
        sorted); R's ``svyttest`` reports the second minus the first.

    Raises
    ------
    DataError
        A column is missing, holds text that is no number, or the groups
        are not two.

    Examples
    --------
    >>> df = pd.DataFrame({"day": [1, 1, 2, 2, 3, 3, 4, 4],
    ...                    "sex": ["f", "m", "f", "m", "f", "f", "m", "m"],
    ...                    "q": [4, 3, 5, 2, 4, 5, 3, 3]})
    >>> t = design_ttest(SurveyDesign.from_frame(df, clusters="day"), "q", "sex")
    >>> round(t.estimate, 4), round(float(t.value), 4), t.df_den  # R: -1.75, -3.933660, 2
    (1.75, 3.9337, 2.0)
    """
    y = numeric_column(design.data, column, "columns")
    codes, labels = _codes(design, group, "by", _TWO_GROUPS, levels)
    if len(labels) != 2:
        raise DataError(
            Message(
                "a t-test compares two groups, the column has {count}: name two in levels,"
                " or use design_wald_test",
                N_(
                    "un test t confronta due gruppi, la colonna ne ha {count}: indicarne due"
                    " in levels, oppure usare design_wald_test"
                ),
                count=len(labels),
            ),
            column=group,
        )
    means, cov, used = domain_mean_covariance(design, y, codes, 2)
    df = rows_degrees_of_freedom(design, used)
    pair = np.array([0]), np.array([1])
    diff, se, t, p = (float(x[0]) for x in pair_t(means, cov, *pair, np.array([df])))
    return DesignMeansTest(
        "t", tuple(labels), (float(means[0]), float(means[1])), diff, se, t, 1.0, df - 1, p
    )


def design_wald_test(design: SurveyDesign, column: str, group: str) -> DesignMeansTest:
    """Design-based Wald F test of equal means of every group (R's ``regTermTest``).

    Parameters
    ----------
    design
        The survey design.
    column
        The numeric answers; empty cells are left out.
    group
        The column of the groups (domains); rows without a group are left out.

    Returns
    -------
    DesignMeansTest
        ``statistic`` ``"F"``; with two groups F is the square of
        :func:`design_ttest`'s t, with the same p-value.

    Raises
    ------
    DataError
        A column is missing, holds text that is no number, or has fewer
        than two groups.

    Examples
    --------
    >>> df = pd.DataFrame({"day": [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6],
    ...                    "city": list("abcabcabcabc"),
    ...                    "q": [4, 3, 5, 2, 4, 5, 3, 3, 4, 5, 2, 4]})
    >>> f = design_wald_test(SurveyDesign.from_frame(df, clusters="day"), "q", "city")
    >>> f.groups, round(f.value, 4), f.df_num, f.df_den, round(f.p_value, 5)
    (('a', 'b', 'c'), 16.5432, 2.0, 3.0, 0.02397)

    (R: ``regTermTest(svyglm(q ~ city, svydesign(id = ~day, data = df,
    weights = ~1)), ~city)`` gives F = 16.54321 on 2 and 3 df, p = 0.02396990.)
    """
    y = numeric_column(design.data, column, "columns")
    codes, labels = _codes(design, group, "by", _TWO_GROUPS)
    k = len(labels)
    means, cov, used = domain_mean_covariance(design, y, codes, k)
    df = rows_degrees_of_freedom(design, used)
    present = np.bincount(codes[used], minlength=k) > 0
    f, ddf, p = wald_f(means, cov, present, df)
    return DesignMeansTest(
        "F",
        tuple(labels),
        tuple(float(m) for m in means),
        np.nan,
        np.nan,
        f,
        float(present.sum() - 1),
        ddf,
        p,
    )
