"""Design-based tests on a :class:`SurveyDesign`: Rao-Scott tests of a two-way table.

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
"""

from __future__ import annotations

from typing import Literal, get_args

import attrs
import numpy as np
import pandas as pd
from scipy import stats

from qualitapa.errors import DataError, Message
from qualitapa.i18n import N_
from qualitapa.problems import check_option
from qualitapa.surveys._design import Codes, Floats, SurveyDesign, design_covariance, not_found

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


def _codes(design: SurveyDesign, column: str) -> tuple[Codes, int]:
    if column not in design.data.columns:
        raise not_found(column, design.data, "columns")
    codes, levels = pd.factorize(design.data[column], sort=True)
    if len(levels) < 2:
        raise DataError(
            Message(
                "a test of association needs at least two different answers in the column",
                N_("un test di associazione richiede almeno due risposte diverse nella colonna"),
            ),
            column=column,
        )
    return codes.astype(np.intp), len(levels)


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
    r, nr = _codes(design, rows)
    c, nc = _codes(design, columns)
    complete = (r >= 0) & (c >= 0)
    cell = np.where(complete, r + nr * c, 0)
    n_rows, m, w = len(design.weights), nr * nc, design.weights
    w_in = np.where(complete, w, 0.0)
    p = np.bincount(cell, weights=w_in, minlength=m) / w_in.sum()
    z = (np.eye(m)[cell] - p) * (w_in / w_in.sum())[:, None]
    v = design_covariance(design, z, complete)
    table = (p * n_rows).reshape(nc, nr).T
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
    if not np.isfinite(trace) or trace <= 1e-12:
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
    df = (nr - 1) * (nc - 1)
    if statistic == "chisq":
        p_value = float(stats.chi2.sf(pearson / (trace / df), df))
        return RaoScottTest("chisq", pearson, float(df), np.nan, p_value, pearson, trace / df)
    d0 = trace**2 / float(np.trace(delta @ delta))
    nu = len(np.unique(design.psu)) - len(np.unique(design.stratum))
    value = pearson / trace
    p_value = float(stats.f.sf(value, d0, d0 * nu))
    return RaoScottTest("F", value, d0, d0 * nu, p_value, pearson, trace / df)
