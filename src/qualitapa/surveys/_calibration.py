"""Calibration of a survey design to population totals: linear (GREG), raking, bounded logit.

Calibration (Deville & Särndal 1992, JASA 87:376-382) replaces the base
weights :math:`d_i` by :math:`w_i = g_i d_i`, as close to them as a distance
allows, such that the weighted sample reproduces known population totals
:math:`T` of the calibration variables :math:`x_i` (indicators of the levels
of each margin, of the cells of a joint margin, numeric columns):
:math:`\\sum_i w_i x_i = T`. The solution is :math:`g_i = F(x_i^T \\lambda)`
with :math:`\\lambda` solving those equations; :math:`F` is

* ``"linear"`` (GREG, chi-square distance): :math:`F(u) = 1 + u`; without
  bounds :math:`\\lambda = (\\sum d_i x_i x_i^T)^{-1} (T - \\hat t_x)`;
* ``"raking"`` (multiplicative): :math:`F(u) = e^u`, the weights of
  iterative proportional fitting when the margins are categorical;
* ``"logit"`` (bounded): :math:`F(u) = L + (U - L)\\,\\operatorname{expit}(A u
  + \\log\\frac{1-L}{U-1})` with :math:`A = \\frac{U - L}{(U - 1)(1 - L)}`,
  so :math:`L < g_i < U`;

and the linear and raking :math:`F` are truncated to :math:`[L, U]` when
bounds are given. :math:`\\lambda` is found by Newton's method from
:math:`\\lambda = 0` with a generalised inverse (damped where a whole step
would overshoot, which R does not do: see ``_newton``), stopping when every
:math:`|\\hat t_j - T_j| / (1 + |T_j|)` is below ``tol``; when every
:math:`T_j / \\hat t_j` exceeds 20 the base weights are first scaled by
their mean and the bounds refer to the scaled weights. This is R
``survey::calibrate`` (survey 4.1: ``calibrate.survey.design2``,
``regcalibrate``, ``grake``, ``cal.linear``, ``cal.raking``, ``cal.logit``,
read from the installed package), with one difference in the steps, not in
the result: the truncated raking's derivative here is :math:`e^u` where
:math:`L < e^u < U` (R's ``cal.raking`` tests :math:`L - 1 < u < U - 1`);
the weights that meet the totals within the bounds are unique, so both
reach the same ones when both converge.

Variance (Deville & Särndal 1992, sec. 3; Lumley 2010, *Complex Surveys*,
sec. 7.3): an estimator's influence values :math:`z_i` are replaced by their
residuals :math:`z_i - w_i x_i^T B`,
:math:`B = (\\sum_i d_i x_i x_i^T)^{-1} \\sum_i x_i z_i / g_i`, before the
design's PSU sums, as R's ``svyrecvar`` does for a ``greg_calibration``.
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Callable, Mapping
from typing import Literal, cast, get_args

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import linalg, optimize, special

from qualitapa.errors import DataError, DataWarning, Figure, Message, OptionError
from qualitapa.i18n import N_
from qualitapa.problems import check_option
from qualitapa.surveys._design import Floats, SurveyDesign, not_found, numeric_column
from qualitapa.surveys._weighting import level_text

CalibrationMethod = Literal["linear", "raking", "logit"]
"""Distance of a calibration: linear (GREG), raking (multiplicative) or bounded logit."""

Population = Mapping[str | tuple[str, ...], object]
"""Population totals: a column -> {level: count} (or a Series), a column -> a number (its
total), a tuple of columns -> {(level, level...): count} (a joint margin)."""

_SCALE_AT = 20.0  # R's grake: SOMETHRESHOLD


class CalibrationError(DataError):
    """A calibration that cannot be done: why (``reason``), on which margin and level.

    ``reason`` is ``"not_converged"`` (with ``iterations`` and the worst
    ``margin``), ``"absent_level"`` (a level with a population total has no
    respondent), ``"missing_level"`` (a respondent's level has no
    population total), ``"inconsistent"`` (margins disagree on a total),
    ``"infeasible"`` (no weights within the bounds meet the totals) or
    ``"trim"`` (the trimming bounds leave no weight free).

    Examples
    --------
    >>> err = CalibrationError("no respondent", reason="absent_level", margin="sex = 'F'")
    >>> err.reason, isinstance(err, DataError)
    ('absent_level', True)
    """

    def __init__(
        self,
        message: str,
        *,
        reason: str,
        margin: str | None = None,
        iterations: int | None = None,
        row: int | None = None,
        column: str | None = None,
        source: str | None = None,
    ) -> None:
        self.reason = reason
        self.margin = margin
        self.iterations = iterations
        super().__init__(message, source=source, row=row, column=column)


@attrs.frozen(eq=False)
class CalibrationStep:
    """One calibration of a design: what it met and the factors it gave.

    Attributes
    ----------
    method
        The distance (:data:`CalibrationMethod`).
    report
        One row per calibration variable of every margin (``variable``:
        ``"sex = 'F'"``, ``"sex = 'F', age = '18-34'"``, a numeric column's
        name, or ``"(size)"``), with its population ``target`` and the
        ``achieved`` weighted total.
    x
        The calibration variables per row, linearly independent columns
        (n x p): those the variance's residuals are taken on.
    g
        The factors :math:`g_i = w_i / d_i` (after trimming).
    base
        The base weights :math:`d_i`.
    iterations
        Newton steps (0 for the closed-form linear calibration).
    scale
        What the base weights were multiplied by before calibrating (R's
        ``grake`` rescaling, 1 when none): ``bounds`` bound the factors
        ``g / scale``, ``trim`` the factors ``g`` (as R's ``calibrate``).

    Examples
    --------
    >>> df = pd.DataFrame({"sex": ["F", "F", "M"], "w": [1.0, 1.0, 1.0]})
    >>> c = calibrate(SurveyDesign.from_frame(df, weights="w"), {"sex": {"F": 4, "M": 1}})
    >>> c.calibration.steps[0].report
        variable  target  achieved
    0  sex = 'F'     4.0       4.0
    1  sex = 'M'     1.0       1.0
    """

    method: CalibrationMethod
    report: pd.DataFrame = attrs.field(repr=False)
    x: Floats = attrs.field(repr=False)
    g: Floats = attrs.field(repr=False)
    base: Floats = attrs.field(repr=False)
    iterations: int
    _psu: npt.NDArray[np.intp] = attrs.field(repr=False, alias="psu")
    _gram: Floats = attrs.field(repr=False, alias="gram")  # x' D x
    #: what the base weights were multiplied by first (R's grake, when every total is over 20
    #: times the sample's): ``bounds`` bound ``g / scale``, ``trim`` bounds ``g`` (as R)
    scale: float = 1.0
    # what the variance needs, computed once (small): the PSU sums of w x, (x' D x)^-1
    _u_psu: Floats = attrs.field(init=False, repr=False)
    _inverse: Floats = attrs.field(init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        n_psus = int(self._psu.max()) + 1 if len(self._psu) else 0
        w = self.g * self.base
        u_psu = np.column_stack(
            [np.bincount(self._psu, weights=col * w, minlength=n_psus) for col in self.x.T]
        )
        object.__setattr__(self, "_u_psu", u_psu)
        object.__setattr__(self, "_inverse", linalg.pinv(self._gram))

    def _over_g(self) -> Floats:
        """:math:`x_i / g_i` (0 where g is 0)."""
        inverse = np.divide(1.0, self.g, out=np.zeros(len(self.g)), where=self.g != 0)
        return np.asarray(self.x * inverse[:, None])


@attrs.frozen(eq=False)
class Calibrated:
    """The calibrations of a design, in order: its variances use their residuals.

    A design calibrated twice (R: ``calibrate(calibrate(d, ...), ...)``)
    takes the residuals on the first calibration's variables, then on the
    second's, as R's ``svyrecvar`` does with ``design$postStrata``.

    Examples
    --------
    >>> df = pd.DataFrame({"sex": ["F", "F", "M"], "n": [1.0, 3.0, 2.0], "w": [1.0, 1.0, 1.0]})
    >>> d = SurveyDesign.from_frame(df, weights="w")
    >>> twice = calibrate(calibrate(d, {"sex": {"F": 4, "M": 1}}), {"n": 8.0}, population_size=5)
    >>> [step.method for step in twice.calibration.steps]
    ['linear', 'linear']
    """

    steps: tuple[CalibrationStep, ...]

    def psu_correction(self, design: SurveyDesign, cross: Callable[[Floats], Floats]) -> Floats:
        """PSUs x columns to subtract from the PSU totals of the influence values.

        Step :math:`l` takes :math:`Z_l = Z_{l-1} - U_l C_l`, with
        :math:`U_l = w_l x_l` and :math:`C_l = S_l\\,(x_l / g_l)^T Z_{l-1}`,
        :math:`S_l = (x_l^T D_l x_l)^{-1}`; carried as coefficients so that no
        n x k matrix is formed: :math:`(x_l/g_l)^T Z_{l-1}` is
        ``cross(x_l / g_l)`` minus the earlier steps' :math:`(x_l/g_l)^T U_j C_j`.
        """
        used: list[tuple[CalibrationStep, Floats]] = []  # (step j, C_j)
        correction = np.zeros((int(design.psu.max()) + 1, 0))
        for step in self.steps:
            v = step._over_g()
            projected = cross(v)
            for earlier, c_j in used:
                u_j = earlier.x * (earlier.g * earlier.base)[:, None]
                projected = projected - (v.T @ u_j) @ c_j
            c = step._inverse @ projected
            correction = step._u_psu @ c if not used else correction + step._u_psu @ c
            used.append((step, c))
        return np.asarray(correction, dtype=np.float64)


def _figure(value: float) -> Figure:
    """A number for a message: whole from 1000, else its first four significant figures."""
    x = float(value)
    if abs(x) >= 1000 or x == 0 or not np.isfinite(x):
        return Figure(x, digits=0)
    text = np.format_float_positional(x, precision=4, unique=False, fractional=False, trim="-")
    return Figure(x, digits=len(text.partition(".")[2]))


def _label(columns: tuple[str, ...], levels: tuple[str, ...]) -> str:
    return ", ".join(f"{c} = {v!r}" for c, v in zip(columns, levels, strict=True))


def _total(value: object, margin: str) -> float:
    try:
        total = float(cast(float, value))
    except (TypeError, ValueError):
        total = np.nan
    if not np.isfinite(total):
        raise DataError(
            Message(
                "the population total {value!r} of {margin} is not a number",
                N_("il totale di popolazione {value!r} di {margin} non è un numero"),
                value=str(value),
                margin=margin,
            ),
            column=margin,
        )
    return total


def _complete(empty: npt.NDArray[np.bool_], margin: str, column: str) -> None:
    """Refuse a margin's column with an empty row (naming the first)."""
    if empty.any():
        raise DataError(
            Message(
                "calibration needs a value in every row (margin {margin})",
                N_("la calibrazione richiede un valore in ogni riga (margine {margin})"),
                margin=margin,
            ),
            row=int(np.flatnonzero(empty)[0]) + 1,
            column=column,
        )


def _key_text(level: object) -> str:
    """A level of the totals as text, as :func:`level_text` writes the data's (2.0 -> "2")."""
    if isinstance(level, int | float | np.number) and not isinstance(level, bool | np.bool_):
        value = float(level)
        if value.is_integer():
            return str(int(value))
    return str(level)


def _cells(
    design: SurveyDesign,
    columns: tuple[str, ...],
    totals: Mapping[object, object] | pd.Series[float],
) -> tuple[npt.NDArray[np.intp], Floats, list[str], list[tuple[str, ...]]]:
    """Each row's level (cell) 0..k-1 and the k totals of a (joint) categorical margin."""
    data = design.data
    for column in columns:
        if column not in data.columns:
            raise not_found(column, data, "columns")
    items = list(totals.items())
    keys: list[tuple[str, ...]] = []
    targets: list[float] = []
    for key, value in items:
        parts = key if isinstance(key, tuple) else (key,)
        if len(parts) != len(columns):
            raise OptionError(
                f"the margin {columns} needs keys of {len(columns)} level(s), not {key!r}",
                option="population",
                value=key,
            )
        keys.append(tuple(_key_text(part) for part in parts))
        targets.append(_total(value, _label(columns, keys[-1])))
    if len(set(keys)) < len(keys):
        twice = next(k for k in keys if keys.count(k) > 1)
        raise OptionError(
            f"the margin {columns} gives level {twice!r} twice (as text: 1, 1.0 and '1' are one)",
            option="population",
            value=twice,
        )
    code = _row_cells(data, columns, keys)
    return code, np.asarray(targets), [_label(columns, k) for k in keys], keys


def _row_cells(
    data: pd.DataFrame, columns: tuple[str, ...], keys: list[tuple[str, ...]]
) -> npt.NDArray[np.intp]:
    """Each row's cell among ``keys`` (levels as text), matched on the distinct values only."""
    codes, texts = [], []
    for c in columns:
        code, uniques = pd.factorize(data[c])  # a missing value: -1
        _complete(code < 0, ":".join(columns), c)
        codes.append(code)
        texts.append(level_text(pd.Series(uniques)).astype(object).to_numpy())
    sizes = tuple(max(len(t), 1) for t in texts)
    combo, combos = pd.factorize(np.ravel_multi_index(codes, sizes) if len(data) else codes[0])
    where = {key: i for i, key in enumerate(keys)}
    parts = np.unravel_index(np.asarray(combos, dtype=np.int64), sizes)
    lookup = np.asarray(
        [
            where.get(tuple(t[p] for t, p in zip(texts, ps, strict=True)), -1)
            for ps in zip(*parts, strict=True)
        ],
        dtype=np.intp,
    )
    if (lookup < 0).any():  # combos are in order of first appearance: the first row is
        missing = int(np.flatnonzero(lookup < 0)[0])
        first = int(np.flatnonzero(combo == missing)[0])
        level = tuple(str(t[p[missing]]) for t, p in zip(texts, parts, strict=True))
        raise CalibrationError(
            Message(
                "{level} has no population total: add it to the totals or recode the column",
                N_("{level} non ha un totale di popolazione: aggiungerlo ai totali o ricodificare"),
                level=_label(columns, level),
            ),
            reason="missing_level",
            margin=_label(columns, level),
            row=first + 1,
            column=columns[0],
        )
    return np.asarray(lookup[combo], dtype=np.intp)


RTerms = dict[tuple[tuple[str, ...], tuple[str, ...]], tuple[float, float]]


def _r_terms(
    columns: tuple[str, ...], keys: list[tuple[str, ...]], t: Floats, base: Floats, terms: RTerms
) -> None:
    """Add R's model-matrix columns of a (joint) margin to ``terms``: (population, sample) totals.

    R codes a factor by treatment contrasts (its levels sorted, the first
    left out) and ``a*b`` by the main effects and the interaction; only
    the rescaling of the weights (``_SCALE_AT``) depends on these columns.
    A column already there (from an earlier margin) is kept, as R's
    ``margins2totals``.
    """
    firsts = [min(k[i] for k in keys) for i in range(len(columns))]
    found: RTerms = {}
    for size in range(1, len(columns) + 1):
        for subset in itertools.combinations(range(len(columns)), size):
            for key, total, sample in zip(keys, t, base, strict=True):
                if any(key[i] == firsts[i] for i in subset):
                    continue
                name = (tuple(columns[i] for i in subset), tuple(key[i] for i in subset))
                before = found.get(name, (0.0, 0.0))
                found[name] = (before[0] + total, before[1] + sample)
    for name, totals in found.items():
        terms.setdefault(name, totals)


def _numeric_margin(design: SurveyDesign, name: str, total: object) -> tuple[Floats, Floats]:
    """A numeric column's values and its population total."""
    values = numeric_column(design.data, name, "columns")
    _complete(np.isnan(values), name, name)
    return values, np.asarray([_total(total, name)])


def _design_matrix(
    design: SurveyDesign, population: Population, size: float | None
) -> tuple[Floats, Floats, Floats, list[str], float]:
    """The calibration variables (n x p), :math:`x^T D x`, totals, labels, R's rescaling.

    The weights are rescaled (R's ``grake``) when every column of R's model
    matrix has a population total over ``_SCALE_AT`` times its sample total:
    by the mean of those ratios.
    """
    d = design.weights
    # a block is a margin's cells (each row's code, k) or a numeric column (values, None)
    blocks: list[Block] = []
    targets: list[Floats] = []
    labels: list[str] = []
    terms: RTerms = {}
    if size is not None:
        blocks.append((np.zeros(len(d), dtype=np.intp), 1))
        targets.append(np.asarray([_total(size, "population_size")]))
        labels.append("(size)")
    for key, totals in population.items():
        if isinstance(totals, Mapping | pd.Series):
            columns = tuple(key) if isinstance(key, tuple) else (key,)
            code, t, names, keys = _cells(design, columns, totals)
            if ((), ()) not in terms and size is None:  # R's intercept: the population size
                terms[(), ()] = (float(t.sum()), float(d.sum()))
            sample = np.asarray(np.bincount(code, weights=d, minlength=len(t)), dtype=np.float64)
            _r_terms(columns, keys, t, sample, terms)
            blocks.append((code, len(t)))
        else:
            name = key if isinstance(key, str) else ":".join(key)
            values, t = _numeric_margin(design, name, totals)
            names = [name]
            terms.setdefault(((name,), ()), (float(t[0]), float(values @ d)))
            blocks.append((values, None))
        targets.append(t)
        labels.extend(names)
    if not blocks:
        raise OptionError("no population totals to calibrate to", option="population")
    if size is not None:
        terms[(), ()] = (float(targets[0][0]), float(d.sum()))
    with np.errstate(divide="ignore", invalid="ignore"):
        scales = np.asarray([p / q for p, q in terms.values()])
    scale = float(np.mean(scales)) if np.min(scales) > _SCALE_AT else 1.0
    x = _matrix(blocks, len(d))
    return x, _gram(blocks, d), np.concatenate(targets), labels, scale


Block = tuple[Floats | npt.NDArray[np.intp], int | None]


def _gram(blocks: list[Block], d: Floats) -> Floats:
    """:math:`x^T D x` block by block: counts of pairs of levels, not n x p^2 products."""
    sizes = [1 if k is None else k for _, k in blocks]
    starts = np.cumsum([0, *sizes])
    gram = np.zeros((starts[-1], starts[-1]))
    for i, (a, ka) in enumerate(blocks):
        for j, (b, kb) in enumerate(blocks[: i + 1]):
            if ka is None and kb is None:
                cell = np.asarray([[float(np.sum(d * a * b))]])
            elif ka is None or kb is None:  # levels x a numeric column
                codes, values = (b, a) if ka is None else (a, b)
                k = cast(int, kb if ka is None else ka)
                cell = np.bincount(codes, weights=d * values, minlength=k)[:, None]
                cell = cell.T if ka is None else cell
            elif i == j:
                cell = np.diag(np.bincount(a, weights=d, minlength=ka))
            else:
                pairs = np.asarray(a) * kb + np.asarray(b)
                cell = np.bincount(pairs, weights=d, minlength=ka * kb).reshape(ka, kb)
            gram[starts[i] : starts[i + 1], starts[j] : starts[j + 1]] = cell
            gram[starts[j] : starts[j + 1], starts[i] : starts[i + 1]] = cell.T
    return gram


def _matrix(blocks: list[Block], n: int) -> Floats:
    """The n x p matrix of the blocks' indicator and numeric columns, filled in place."""
    x = np.zeros((n, sum(1 if k is None else k for _, k in blocks)))
    start, rows = 0, np.arange(n)
    for values, k in blocks:
        if k is None:
            x[:, start] = values
            start += 1
        else:
            x[rows, start + values] = 1.0
            start += k
    return x


def _independent(
    x: Floats, gram: Floats, t: Floats, labels: list[str]
) -> tuple[Floats, Floats, list[str], Floats]:
    """Drop levels absent with a zero total and columns the others imply (checking totals agree).

    A level with a positive total and no respondent (with a weight) is an
    error; so is a total that the other margins contradict (sex totals that
    do not add up to the age totals). ``gram`` is :math:`x^T D x`; it is
    returned for the kept columns.
    """
    absent = np.diag(gram) == 0  # weights are >= 0: no row with a weight has the level
    bad = absent & (t != 0)
    if bad.any():
        j = int(np.flatnonzero(bad)[0])
        raise CalibrationError(
            Message(
                "no respondent has {level}, whose population total is {total}:"
                " merge the level with a neighbouring one",
                N_(
                    "nessun rispondente ha {level}, che nella popolazione conta {total}:"
                    " accorpare la modalità a una vicina"
                ),
                level=labels[j],
                total=_figure(t[j]),
            ),
            reason="absent_level",
            margin=labels[j],
        )
    if absent.any():
        x, t, gram = x[:, ~absent], t[~absent], gram[np.ix_(~absent, ~absent)]
        labels = [a for a, z in zip(labels, absent, strict=True) if not z]
    # dependencies among the columns, from their weighted cross-products scaled to unit
    # diagonal (p x p: a pivoted QR of the n x p matrix would cost n p^2 again)
    size = np.sqrt(np.diag(gram))
    unit = gram / np.outer(size, size)
    _, r, order = linalg.qr(unit, pivoting=True)
    diagonal = np.abs(np.diag(r))
    rank = int(np.sum(diagonal > diagonal[0] * len(diagonal) * 1e-12)) if len(diagonal) else 0
    keep, drop = np.sort(order[:rank]), order[rank:]
    if len(drop):
        coef = np.linalg.solve(unit[np.ix_(keep, keep)], unit[np.ix_(keep, drop)])
        implied = (t[keep] / size[keep]) @ coef * size[drop]
        scale = np.maximum(np.abs(t[drop]), np.abs(implied)) + 1.0
        off = np.abs(implied - t[drop]) > 1e-8 * scale
        if off.any():
            j = int(np.flatnonzero(off)[0])
            raise CalibrationError(
                Message(
                    "the population totals disagree: {level} is {total} in its margin but"
                    " {implied} by the other margins; give totals of one source and date",
                    N_(
                        "i totali di popolazione non concordano: {level} vale {total} nel suo"
                        " margine ma {implied} secondo gli altri; usare totali della stessa"
                        " fonte e data"
                    ),
                    level=labels[drop[j]],
                    total=_figure(t[drop[j]]),
                    implied=_figure(implied[j]),
                ),
                reason="inconsistent",
                margin=labels[drop[j]],
            )
    if not len(drop):
        return x, t, labels, gram
    return x[:, keep], t[keep], [labels[j] for j in keep], gram[np.ix_(keep, keep)]


Distance = tuple[Callable[[Floats], Floats], Callable[[Floats], Floats], Callable[[Floats], Floats]]


def _logit(lower: float, upper: float) -> Distance:
    """R's ``cal.logit``: :math:`F`, :math:`F'` and a primitive (see :func:`_distance`)."""
    a = (upper - lower) / ((upper - 1) * (1 - lower))
    shift = np.log((1 - lower) / (upper - 1))

    def logit(u: Floats) -> Floats:
        return np.asarray(lower + (upper - lower) * special.expit(a * u + shift))

    def logit_slope(u: Floats) -> Floats:
        s = special.expit(a * u + shift)
        return np.asarray((upper - lower) * a * s * (1 - s))

    def logit_primitive(u: Floats) -> Floats:
        return np.asarray(lower * u + (upper - lower) / a * np.logaddexp(0.0, a * u + shift))

    return logit, logit_slope, logit_primitive


def _distance(method: CalibrationMethod, lower: float, upper: float) -> Distance:
    """:math:`F(u)` (the factor g), its derivative (R's ``cal.*``: ``Fm1`` + 1, ``dF``) and P.

    The primitive :math:`P` (:math:`P' = F`) gives the convex function
    :math:`\\Phi(\\lambda) = \\sum_i d_i P(x_i^T \\lambda) - \\lambda^T T` whose
    gradient is the misfit :math:`\\hat t - T` (Deville & Särndal 1992's dual):
    Newton's steps are damped until :math:`\\Phi` falls. A truncated :math:`F`
    is constant beyond its bounds :math:`[c_L, c_U]`, so there
    :math:`P(u) = P(c) + F(c) (u - c)` with :math:`c` the nearest bound.
    """
    if method == "logit":
        return _logit(lower, upper)
    if method == "raking":
        with np.errstate(divide="ignore"):
            ends = (np.log(lower) if lower > 0 else -np.inf, np.log(upper))

        def raking(u: Floats) -> Floats:
            return np.asarray(np.clip(np.exp(u), lower, upper))

        def raking_slope(u: Floats) -> Floats:
            e = np.exp(u)
            return np.asarray(np.where((e > lower) & (e < upper), e, 0.0))

        def raking_primitive(u: Floats) -> Floats:
            c = np.clip(u, *ends)
            return np.asarray(np.exp(c) + np.where(u == c, 0.0, raking(c) * (u - c)))

        return raking, raking_slope, raking_primitive

    def linear(u: Floats) -> Floats:
        return np.asarray(np.clip(1 + u, lower, upper))

    def linear_slope(u: Floats) -> Floats:
        return np.asarray(((1 + u > lower) & (1 + u < upper)).astype(float))

    def linear_primitive(u: Floats) -> Floats:
        c = np.clip(u, lower - 1, upper - 1)
        return np.asarray(c + c * c / 2 + np.where(u == c, 0.0, linear(c) * (u - c)))

    return linear, linear_slope, linear_primitive


def _misfit(x: Floats, d: Floats, g: Floats, t: Floats) -> Floats:
    """:math:`|\\hat t_j - T_j| / (1 + |T_j|)`: R's convergence criterion."""
    return np.asarray(np.abs(x.T @ (d * g) - t) / (1 + np.abs(t)))


def _newton(
    x: Floats,
    d: Floats,
    t: Floats,
    method: CalibrationMethod,
    bounds: tuple[float, float],
    max_iter: int,
    tol: float,
) -> tuple[Floats, int, Floats]:
    """R's ``grake`` with a line search: (g, iterations, misfit), misfit above ``tol`` if not done.

    R takes every Newton step whole, so a bounded distance, flat far from 0,
    overshoots: on the registry demo's joint margin (each cell its own
    equation) R's ``calibrate(calfun = "logit", bounds = c(0.2, 8))`` fails
    ("Calibration failed") though the linear factors lie within 0.28..5.2.
    Here the step along Newton's direction is the whole one unless it passes
    the minimum of :math:`\\Phi` (see :func:`_distance`) by much (strong
    Wolfe conditions), else it is bisected; where R converges the whole
    steps pass and both reach the same (unique) weights. Where the truncated
    distance is flat, the bound's slope steers the step (:func:`_steered`).
    """
    f, slope, primitive = _distance(method, *bounds)
    steer = f if method == "raking" else slope if method == "logit" else np.ones_like
    # how far one step may move a row's u: 8 logistic units, a factor of e^2 (raking); a
    # farther step lands where the distance is flat, and Newton's next step is lost
    lower, upper = bounds
    reach = {"logit": 8 * (upper - 1) * (1 - lower) / (upper - lower), "raking": 2.0}.get(
        method, np.inf
    )

    def at(eta: Floats) -> Point:
        u = x @ eta
        parts = d * primitive(u)
        # Phi and its rounding (a decrease below it is no decrease)
        noise = 64 * np.finfo(float).eps * (float(np.abs(parts).sum()) + abs(float(eta @ t)))
        return u, f(u), (float(parts.sum()) - float(eta @ t), noise)

    eta = np.zeros(x.shape[1])
    u, g, phi = at(eta)
    misfit = _misfit(x, d, g, t)
    iteration = 0
    while iteration < max_iter and not (misfit < tol).all():
        iteration += 1
        gradient = x.T @ (d * g) - t
        step = _direction(x, d * _steered(x, d, slope(u), steer(u)), gradient)
        if not gradient @ step < 0:
            step = _direction(x, d * steer(u), gradient)
        step = step * min(1.0, reach / max(float(np.abs(x @ step).max()), 1e-300))
        eta, (u, g, phi) = _line_search(at, eta, step, (*phi, float(gradient @ step)), x, d, t)
        misfit = _misfit(x, d, g, t)
    return g, iteration, misfit


Point = tuple[Floats, Floats, tuple[float, float]]  # u, g, (Phi, its rounding)


def _line_search(
    at: Callable[[Floats], Point],
    eta: Floats,
    step: Floats,
    start: tuple[float, float, float],
    x: Floats,
    d: Floats,
    t: Floats,
) -> tuple[Floats, Point]:
    """The point along ``step`` that meets the strong Wolfe conditions (1e-4, 0.9), by bisection.

    ``start`` is :math:`\\Phi`, its rounding and its slope along ``step`` at
    ``eta``; the whole step is taken when it falls short of the minimum
    (Newton's).
    """
    phi0, noise0, slope0 = start
    low, high, size = 0.0, np.inf, 1.0
    for _ in range(60):
        point = at(eta + size * step)
        slope = float((x.T @ (d * point[1]) - t) @ step)
        phi, noise = point[2]
        decrease = phi <= phi0 + 1e-4 * size * slope0 + noise0 + noise  # False for a NaN
        if not decrease or slope > 0.9 * abs(slope0):  # too far: past the minimum
            high = size
        elif slope < 0.9 * slope0 and np.isfinite(high):
            low = size
        else:
            break
        size = (low + high) / 2
    else:
        size = low  # the last point that fell short; 0 leaves eta where it was
        point = at(eta + size * step)
    return eta + size * step, point


def _steered(x: Floats, d: Floats, deriv: Floats, steer: Floats) -> Floats:
    """The derivative, the untruncated one in the rows of a variable whose rows all lie flat.

    A truncated distance is flat beyond its bounds: a variable (a cell) whose
    rows are all there has no curvature, so Newton's step would leave it
    where it is, misfit and all.
    """
    flat = ((x * x).T @ (d * deriv) == 0) & ((x * x).T @ d > 0)
    if not flat.any():
        return deriv
    rows = (x[:, flat] != 0).any(axis=1) & (deriv == 0)
    return np.asarray(np.where(rows, steer, deriv))


def _direction(x: Floats, weights: Floats, gradient: Floats) -> Floats:
    """Newton's step :math:`-(x^T W x)^{+} \\nabla`, R's ``ginv`` tolerance."""
    hessian = x.T @ (x * weights[:, None])
    return np.asarray(-np.linalg.pinv(hessian, rcond=256 * np.finfo(float).eps) @ gradient)


def _infeasible(x: Floats, d: Floats, t: Floats, bounds: tuple[float, float]) -> bool:
    """No factors within the bounds meet the totals (a linear programme's feasibility)."""
    result = optimize.linprog(
        np.zeros(len(d)),
        A_eq=(x * d[:, None]).T,
        b_eq=t,
        bounds=[bounds] * len(d),
        method="highs",
    )
    return bool(result.status == 2)


def _trim(g: Floats, d: Floats, trim: tuple[float, float]) -> Floats:
    """Clip g to ``trim`` and share what is cut among the others in proportion to d.

    R's ``calibrate(trim = )`` in its first pass; the passes repeat, with the
    clipped factors held at their bound, until no factor is outside.
    """
    lo, hi = trim
    g = g.copy()
    free = np.ones(len(g), dtype=bool)
    for _ in range(len(g)):
        out = free & ((g < lo) | (g > hi))
        if not out.any():
            break
        clipped = np.clip(g[out], lo, hi)
        cut = float(np.sum((g[out] - clipped) * d[out]))
        g[out] = clipped
        free &= ~out
        share = float(d[free].sum())
        if share <= 0:
            raise CalibrationError(
                Message(
                    "the trimming bounds ({lower}, {upper}) leave no weight free to take up"
                    " what trimming removes or adds; widen them",
                    N_(
                        "i limiti di troncamento ({lower}, {upper}) non lasciano pesi liberi"
                        " che assorbano quanto il troncamento toglie o aggiunge; allargarli"
                    ),
                    lower=_figure(lo),
                    upper=_figure(hi),
                ),
                reason="trim",
            )
        g[free] += cut / share
    return g


def _check_options(
    method: str, bounds: tuple[float, float] | None, trim: tuple[float, float] | None
) -> tuple[float, float]:
    check_option("method", method, get_args(CalibrationMethod))
    lower, upper = (-np.inf, np.inf) if bounds is None else (float(bounds[0]), float(bounds[1]))
    if not lower < upper or lower > 1 or upper < 1:
        raise OptionError(
            f"bounds must be (lower, upper) with lower <= 1 <= upper, not {bounds!r}",
            option="bounds",
            value=bounds,
        )
    if method == "logit" and not (np.isfinite(lower) and np.isfinite(upper) and lower < 1 < upper):
        raise OptionError(
            f"logit calibration needs finite bounds with lower < 1 < upper, not {bounds!r}",
            option="bounds",
            value=bounds,
        )
    if trim is not None and not trim[0] < trim[1]:
        raise OptionError(
            f"trim must be (lower, upper) with lower < upper, not {trim!r}",
            option="trim",
            value=trim,
        )
    return lower, upper


def _cell_bounds(
    x: Floats, d: Floats, t: Floats, labels: list[str], bounds: tuple[float, float]
) -> None:
    """A level whose total no factor within the bounds can reach: name it."""
    indicator = ((x == 0) | (x == 1)).all(axis=0)
    base = x.T @ d
    lower, upper = bounds
    with np.errstate(invalid="ignore"):
        out = indicator & ((t < lower * base * (1 - 1e-12)) | (t > upper * base * (1 + 1e-12)))
    if out.any():
        j = int(np.flatnonzero(out)[0])
        raise CalibrationError(
            Message(
                "{level} has a population total of {total} and base weights adding up to"
                " {base}: factors between {lower} and {upper} cannot reach it;"
                " widen the bounds or merge the level with a neighbouring one",
                N_(
                    "{level} ha un totale di popolazione di {total} e pesi base che sommano"
                    " {base}: fattori tra {lower} e {upper} non possono raggiungerlo;"
                    " allargare i limiti o accorpare la modalità a una vicina"
                ),
                level=labels[j],
                total=_figure(t[j]),
                base=_figure(base[j]),
                lower=_figure(lower),
                upper=_figure(upper),
            ),
            reason="infeasible",
            margin=labels[j],
        )


def _factors(
    columns: tuple[Floats, Floats],
    d: Floats,
    t: Floats,
    labels: list[str],
    method: CalibrationMethod,
    bounds: tuple[float, float],
    scale: float,
    limits: tuple[int, float],
) -> tuple[Floats, int]:
    """(g, iterations): closed form for unbounded linear, else Newton (R's ``grake``).

    ``columns`` is x and :math:`x^T D x`; ``scale`` multiplies the base weights
    first (R's rescaling); ``limits`` is (max_iter, tol).
    """
    x, gram = columns
    max_iter, tol = limits
    if method == "linear" and bounds == (-np.inf, np.inf):  # R's regcalibrate
        lam = np.linalg.solve(gram, t - x.T @ d)
        return 1.0 + x @ lam, 0
    _cell_bounds(x, d * scale, t, labels, bounds)
    g, iterations, misfit = _newton(x, d * scale, t, method, bounds, max_iter, tol)
    if not (misfit < tol).all():
        j = int(np.argmax(misfit))
        if np.isfinite(bounds).any() and _infeasible(x, d * scale, t, bounds):
            raise CalibrationError(
                Message(
                    "no weights within the bounds ({lower}, {upper}) times the base weights"
                    " meet every population total; widen the bounds or merge sparse levels",
                    N_(
                        "nessun peso entro i limiti ({lower}, {upper}) volte il peso base"
                        " rispetta tutti i totali di popolazione; allargare i limiti o accorpare"
                        " le modalità poco numerose"
                    ),
                    lower=_figure(bounds[0]),
                    upper=_figure(bounds[1]),
                ),
                reason="infeasible",
                margin=labels[j],
            )
        raise CalibrationError(
            Message(
                "the calibration did not converge in {iterations} iterations: the worst margin is"
                " {level} (relative misfit {misfit}); widen the bounds, merge sparse levels"
                " or raise max_iter",
                N_(
                    "la calibrazione non converge in {iterations} iterazioni: il margine peggiore"
                    " è {level} (scarto relativo {misfit}); allargare i limiti, accorpare le"
                    " modalità poco numerose o aumentare max_iter"
                ),
                iterations=iterations,
                level=labels[j],
                misfit=_figure(misfit[j]),
            ),
            reason="not_converged",
            margin=labels[j],
            iterations=iterations,
        )
    return g * scale, iterations


def calibrate(
    design: SurveyDesign,
    population: Population,
    *,
    method: CalibrationMethod = "linear",
    bounds: tuple[float, float] | None = None,
    trim: tuple[float, float] | None = None,
    population_size: float | None = None,
    max_iter: int = 50,
    tol: float = 1e-10,
) -> SurveyDesign:
    """The design with its weights calibrated to population totals (R's ``survey::calibrate``).

    Parameters
    ----------
    design
        The survey design; its weights are the base weights :math:`d_i`.
    population
        The totals, margin by margin: ``{"sex": {"F": 5200, "M": 4800}}``
        (a categorical margin, also a Series), ``{("sex", "age"): {("F",
        "18-34"): 1300, ...}}`` (a joint margin: the cells of the
        cross-classification), ``{"households": 4200.0}`` (the population
        total of a numeric column). Levels match the data's values as text
        (1, 1.0 and "1" are one level). Margins that overlap (sex and
        sex x age) must agree.
    method
        ``"linear"`` (GREG), ``"raking"`` or ``"logit"`` (see the module).
    bounds
        ``(L, U)``, bounds on :math:`g_i = w_i / d_i`, required by
        ``"logit"``; with ``"linear"`` and ``"raking"`` the distance is
        truncated (R's ``bounds``). ``L <= 1 <= U``.
    trim
        ``(lower, upper)`` on :math:`g_i` after calibration: factors outside
        are set to the bound and what is cut is shared by the others in
        proportion to their base weight, repeated until none is outside
        (R's ``trim``, which does one pass, and applies it only to a bounded
        or non-linear calibration). The totals are then met only roughly.
    population_size
        The population size, a total of 1 per row: needed when no
        categorical margin implies it (R's intercept); without either the
        weights' sum is free (R's ``~ x - 1``), with a :class:`DataWarning`
        (R's ``calibrate(~ x)`` warns).
    max_iter
        Newton steps at most (R's ``maxit``).
    tol
        Convergence: every :math:`|\\hat t_j - T_j| / (1 + |T_j|)` below it
        (R's ``epsilon``, 1e-7 there).

    Returns
    -------
    SurveyDesign
        The same design (strata, clusters, FPC) with the calibrated weights
        :math:`w_i = g_i d_i`; its ``calibration`` (a :class:`Calibrated`)
        makes :func:`design_mean` and the other estimators use the residuals
        of the calibration, so their standard errors are the GREG ones of R.

    Raises
    ------
    CalibrationError
        A level with a positive total has no respondent, a respondent's
        level has no total, the margins disagree, the bounds cannot be met,
        or the iterations do not converge (naming the worst margin).
    DataError
        A margin's column is missing or empty in a row, a total is no number.
    OptionError
        An unknown method, or bounds that are not ``L <= 1 <= U``.

    Examples
    --------
    Ten respondents, 4 women, to a population of 60 women and 40 men, and
    a mean age of 45:

    >>> df = pd.DataFrame({"sex": list("FFFFMMMMMM"), "w": [10.0] * 10,
    ...                    "age": [30, 50, 40, 60, 20, 35, 45, 55, 25, 65]})
    >>> d = SurveyDesign.from_frame(df, weights="w")
    >>> c = calibrate(d, {"sex": {"F": 60, "M": 40}, "age": 4500.0})
    >>> round(float((c.weights * (df.sex == "F")).sum()), 6), round(float(c.weights @ df.age), 6)
    (60.0, 4500.0)
    """
    lower, upper = _check_options(method, bounds, trim)
    d = design.weights
    x_all, gram_all, t_all, labels_all, scale = _design_matrix(design, population, population_size)
    if population_size is None and not any(
        isinstance(v, Mapping | pd.Series) for v in population.values()
    ):
        warnings.warn(
            DataWarning(
                Message(
                    "only numeric totals and no population_size: nothing fixes the weights' sum "
                    "(a calibration without intercept, R's ~ x - 1; R's calibrate(~ x) warns); "
                    "give population_size, or a margin by categories",
                    N_("solo totali numerici e nessuna population_size: nulla fissa la somma "
                       "dei pesi (una calibrazione senza intercetta, ~ x - 1 di R; calibrate(~ x) "
                       "di R lo segnala); indicare population_size, o un margine per categorie"),
                )
            ),
            stacklevel=2,
        )  # fmt: skip
    x, t, labels, gram = _independent(x_all, gram_all, t_all, labels_all)
    limits = (max_iter, tol)
    g, iterations = _factors((x, gram), d, t, labels, method, (lower, upper), scale, limits)
    if trim is not None:
        g = _trim(g, d, trim)
    report = pd.DataFrame({"variable": labels_all, "target": t_all, "achieved": x_all.T @ (g * d)})
    step = CalibrationStep(
        method, report, x, g, d, iterations, psu=design.psu, gram=gram, scale=scale
    )
    earlier = cast(Calibrated | None, design.calibration)
    steps = (step,) if earlier is None else (*earlier.steps, step)
    return attrs.evolve(design, weights=g * d, calibration=Calibrated(steps))
