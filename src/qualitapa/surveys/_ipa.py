"""Importance-performance analysis (Martilla & James 1977) and SERVQUAL gaps.

Performance of an item is its weighted mean on 0-100 (reverse-coded items
turned). Importance is either *stated* (the mean, on 0-100, of the item
that rates its importance, ``importance_of``) or *derived*: the weighted
Pearson correlation of the item with overall satisfaction, or its
standardised coefficient in a multiple regression of overall satisfaction
on the items, solved for every group at once. Derived importance uses
pairwise-complete weighted correlations: every moment of a pair of
variables (means, variances, covariance) comes from the respondents who
answered both, as pandas ``DataFrame.corr()`` and R ``cor(use =
"pairwise")`` do. Axes cross at the mean or median of the items, or at
given values.
"""

from __future__ import annotations

import enum
import functools
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from qualitapa.errors import DataError
from qualitapa.surveys._design_estimates import Design
from qualitapa.surveys._models import Instrument, Question
from qualitapa.surveys._scope import applicable, by_scope
from qualitapa.surveys._scoring import _with_keys, item_values, respondent_scores
from qualitapa.surveys._scoring_design import design_responses, psu_multipliers
from qualitapa.surveys._stats import Groups, make_groups, summarise, weights_of

#: The dimension of the overall-satisfaction question(s) (the catalog's
#: convention): by default not an attribute of the IPA but its target.
OVERALL_DIMENSION = "overall_satisfaction"

By = str | Sequence[str] | None


class Quadrant(enum.StrEnum):
    """The four quadrants of an importance-performance grid."""

    CONCENTRATE_HERE = "concentrate_here"
    KEEP_UP_THE_GOOD_WORK = "keep_up_the_good_work"
    LOW_PRIORITY = "low_priority"
    POSSIBLE_OVERKILL = "possible_overkill"

    def label(self, lang: str = "it") -> str:
        """The quadrant's name in Italian or English.

        Examples
        --------
        >>> Quadrant.CONCENTRATE_HERE.label("it")
        'Concentrarsi qui'
        """
        names = {
            "concentrate_here": ("Concentrarsi qui", "Concentrate here"),
            "keep_up_the_good_work": ("Mantenere il buon lavoro", "Keep up the good work"),
            "low_priority": ("Bassa priorità", "Low priority"),
            "possible_overkill": ("Possibile eccesso", "Possible overkill"),
        }[self.value]
        return names[1] if lang == "en" else names[0]


_QUADRANTS = np.array([q.value for q in Quadrant], dtype=object)


def _quadrant_codes(perf: np.ndarray, imp: np.ndarray, x0: np.ndarray, y0: np.ndarray) -> Any:
    # a value on an axis is "high"; "on" allows for rounding (1e-9 relative), so two
    # items with equal performance are not split by the order of a sum
    high_imp = imp >= y0 - 1e-9 * np.maximum(1.0, np.abs(y0))
    high_perf = perf >= x0 - 1e-9 * np.maximum(1.0, np.abs(x0))
    code = np.where(
        high_imp,
        np.where(high_perf, 1, 0),  # keep up / concentrate here
        np.where(high_perf, 3, 2),  # possible overkill / low priority
    )
    return np.where(np.isnan(perf) | np.isnan(imp), -1, code)


def _pairwise_corr(
    x: np.ndarray, w: np.ndarray, groups: Groups, pairs: Sequence[tuple[int, int]]
) -> np.ndarray:
    """Weighted pairwise-complete correlations per group, shape (G, len(pairs)).

    Every moment of a pair (both means, both variances, the covariance) uses
    the same rows: those where both columns are answered, as pandas
    ``DataFrame.corr()`` and R ``cor(use = "pairwise")``. (Mixing a pairwise
    covariance with standard deviations over each column's own rows is not
    a correlation and can exceed 1.)
    """
    xs = groups.sort(x)
    ws = groups.sort(w)
    present = ~np.isnan(xs)
    out = np.full((groups.n, len(pairs)), np.nan)
    if len(xs) == 0:
        return out
    for j, (a, b) in enumerate(pairs):  # loop over item pairs, not respondents
        both = present[:, a] & present[:, b] & (ws > 0)
        wm = np.where(both, ws, 0.0)
        # two passes about the pair's own means; a constant variable has deviations
        # exactly 0 (see Groups.centre_sorted)
        _ma, da = groups.centre_sorted(xs[:, a], both, ws)
        _mb, db = groups.centre_sorted(xs[:, b], both, ws)
        caa = groups.sum_sorted(wm * da * da)
        cbb = groups.sum_sorted(wm * db * db)
        cab = groups.sum_sorted(wm * da * db)
        with np.errstate(invalid="ignore", divide="ignore"):
            r = cab / np.sqrt(caa * cbb)
        ok = (caa > 0) & (cbb > 0)
        out[:, j] = np.where(ok, np.clip(r, -1.0, 1.0), np.nan)
    return out


def _importance_derived(
    items: np.ndarray, overall: np.ndarray, w: np.ndarray, groups: Groups, method: str
) -> np.ndarray:
    """Correlations with ``overall``, or standardised regression coefficients.

    Both come from the pairwise-complete correlation matrix: the
    coefficients solve :math:`R_{xx} \\beta = r_{xy}` (with no missing
    answers, the least-squares slopes of the z-scored variables).
    """
    if method not in ("correlation", "regression"):
        raise ValueError(
            f"derived importance must be 'correlation' or 'regression', not {method!r}"
        )
    k = items.shape[1]
    x = np.column_stack([items, overall])
    rxy = _pairwise_corr(x, w, groups, [(i, k) for i in range(k)])
    if method == "correlation":
        return rxy
    ii, jj = np.triu_indices(k, 1)
    off = _pairwise_corr(x, w, groups, list(zip(ii.tolist(), jj.tolist(), strict=True)))
    rxx = np.broadcast_to(np.eye(k), (groups.n, k, k)).copy()
    rxx[:, ii, jj] = off
    rxx[:, jj, ii] = off
    out = np.full((groups.n, k), np.nan)
    ok = np.isfinite(rxx).all(axis=(1, 2)) & np.isfinite(rxy).all(axis=1)
    if ok.any():
        out[ok] = (np.linalg.pinv(rxx[ok]) @ rxy[ok][:, :, None])[:, :, 0]
    return out


def ipa(
    instrument: Instrument,
    responses: pd.DataFrame,
    *,
    by: By = None,
    weights: str | None = None,
    importance: str = "auto",
    derived: str = "correlation",
    overall: str | None = None,
    axes: str | tuple[float, float] = "mean",
    n_boot: int = 0,
    seed: int | None = None,
    design: Design | None = None,
) -> pd.DataFrame:
    """Importance-performance analysis of the scored items, by group.

    Parameters
    ----------
    instrument, responses
        The questionnaire and validated responses.
    by, weights
        Grouping column(s) and survey-weight column.
    importance
        ``"stated"`` (importance items), ``"derived"``, or ``"auto"``
        (stated when every scored item has an importance item).
    derived
        ``"correlation"`` or ``"regression"`` (standardised coefficients,
        :math:`R_{xx}^{-1} r_{xy}`), both from weighted pairwise-complete
        correlations.
    overall
        Question id of overall satisfaction. It is never an attribute (left
        out of the items whatever the importance) and is the target of
        derived importance. Default: the scored items of the dimension
        ``overall_satisfaction`` (``OVERALL_DIMENSION``, the catalog's
        convention) when the instrument has one, their mean the target;
        else no item is left out and the target is each respondent's mean
        index over the dimensions.
    axes
        Where the axes cross: ``"mean"`` or ``"median"`` of the items'
        performance and importance in the group, or ``(performance,
        importance)`` values.
    n_boot, seed
        Bootstrap replicates (Poisson bootstrap of respondents) to measure
        how sure each item's quadrant is; 0 to skip.
    design
        The sampling design of ``responses`` (it carries the weights, so
        no ``weights``): performance and importance use its weights, and
        the bootstrap draws whole PSUs (a Poisson count per cluster, on
        each of its respondents), so that the membership reflects the
        clustering.

    Returns
    -------
    DataFrame
        Group columns, then ``question``, ``dimension``, ``n``,
        ``performance`` (0-100), ``importance`` (0-100 when stated, a
        correlation or coefficient when derived), ``importance_method``,
        ``performance_axis`` and ``importance_axis`` (where the quadrant
        lines cross), ``quadrant`` (a :class:`Quadrant` value),
        ``membership`` (share of bootstrap replicates that put the item in
        the same quadrant; NaN without bootstrap).

    Notes
    -----
    IPA is an analysis within each group: a group's items are the questions
    that apply to every organization of its respondents, local ones
    (:attr:`Question.organizations`) included, e.g. a city's own importance
    items for the shared questions. A group's rows are those of a separate
    run on its respondents; quadrants are relative to the group's own axes
    and are not compared across organizations.

    Examples
    --------
    >>> from qualitapa.surveys import Instrument, Question, Scale, SurveyDimension
    >>> qs = [Question(q, "likert", q, dimension="d", scale=Scale.likert(5)) for q in "ab"]
    >>> qs += [Question("imp_" + q, "likert", "i" + q, scale=Scale.likert(5), importance_of=q)
    ...        for q in "ab"]
    >>> inst = Instrument("c", "C", dimensions=[SurveyDimension("d", "D")], questions=qs)
    >>> df = pd.DataFrame({"a": [2, 3], "b": [5, 4], "imp_a": [5, 5], "imp_b": [2, 3]})
    >>> print(ipa(inst, df)[["question", "performance", "importance", "quadrant"]])
      question  performance  importance           quadrant
    0        a         37.5       100.0   concentrate_here
    1        b         87.5        37.5  possible_overkill
    """
    options: dict[str, Any] = {
        "by": by,
        "weights": weights,
        "importance": importance,
        "derived": derived,
        "overall": overall,
        "axes": axes,
        "n_boot": n_boot,
        "seed": seed,
        "design": design,
    }
    responses = design_responses(design, responses, weights)
    return by_scope(instrument, responses, by, lambda inst, r: _ipa(inst, r, **options))


def _ipa(
    instrument: Instrument,
    responses: pd.DataFrame,
    *,
    by: By,
    weights: str | None,
    importance: str,
    derived: str,
    overall: str | None,
    axes: str | tuple[float, float],
    n_boot: int,
    seed: int | None,
    design: Design | None,
) -> pd.DataFrame:
    """:func:`ipa` with every question of ``instrument``."""
    targets = _overall_questions(instrument, overall)
    items = [q for q in instrument.items() if q not in targets]
    if len(items) < 2:
        raise DataError(
            "importance-performance analysis needs at least two scored items besides "
            "overall satisfaction"
        )
    importance = _importance_kind(instrument, items, importance)
    groups = make_groups(responses, by)
    rows = np.asarray(responses.index, dtype=np.intp)
    w = design.weights[rows] if design is not None else weights_of(responses, weights)
    perf_x, imp_x, target = _item_matrices(instrument, responses, items, importance, targets)
    compute = functools.partial(
        _perf_imp, perf_x=perf_x, imp_x=imp_x, target=target, groups=groups, derived=derived
    )
    crossing = functools.partial(_crossing, axes=axes, n_groups=groups.n)
    perf, imp, n = compute(w)
    x0, y0 = crossing(perf, imp)
    quad = _quadrant_codes(perf, imp, x0, y0)
    membership = np.full(perf.shape, np.nan)
    if n_boot > 0:
        rng = np.random.default_rng(seed)
        same = np.zeros(perf.shape)
        valid = np.zeros(perf.shape)
        for _ in range(n_boot):  # loop over replicates; each is vectorised
            draw = (
                rng.poisson(1.0, size=len(w))
                if design is None
                else psu_multipliers(design, rng)[rows]
            )
            pb, ib, _n = compute(w * draw)
            xb, yb = crossing(pb, ib) if not isinstance(axes, tuple) else (x0, y0)
            qb = _quadrant_codes(pb, ib, xb, yb)
            valid += qb >= 0
            same += (qb == quad) & (qb >= 0)
        with np.errstate(invalid="ignore", divide="ignore"):
            membership = same / valid
    k = len(items)
    cols: dict[str, Any] = {
        "question": np.tile([q.id for q in items], groups.n),
        "dimension": np.tile([q.dimension or "" for q in items], groups.n),
        "n": n.ravel().astype(np.int64),
        "performance": perf.ravel(),
        "importance": imp.ravel(),
        "importance_method": np.full(
            groups.n * k, "stated" if importance == "stated" else f"derived_{derived}", dtype=object
        ),
        "performance_axis": np.repeat(x0.ravel(), k),
        "importance_axis": np.repeat(y0.ravel(), k),
        # object dtype always (None where undefined): inference would make it str or
        # object depending on whether any quadrant is defined
        "quadrant": pd.Series(
            np.where(quad.ravel() >= 0, _QUADRANTS[np.maximum(quad.ravel(), 0)], None),
            dtype=object,
        ),
        "membership": membership.ravel(),
    }
    return _with_keys(groups, cols, k)


def _importance_kind(instrument: Instrument, items: Sequence[Question], importance: str) -> str:
    """``"stated"`` or ``"derived"``, from the ``importance`` option and the instrument."""
    imp_of = instrument.importance_items()
    if importance == "auto":
        importance = "stated" if all(q.id in imp_of for q in items) else "derived"
    if importance == "stated":
        missing = [q.id for q in items if q.id not in imp_of]
        if missing:
            raise DataError(f"no importance item for {missing}; use importance='derived'")
    elif importance != "derived":
        raise ValueError(f"importance must be 'auto', 'stated' or 'derived', not {importance!r}")
    return importance


def _overall_questions(instrument: Instrument, overall: str | None) -> list[Question]:
    """The overall-satisfaction questions: ``overall``, else those of OVERALL_DIMENSION."""
    if overall is not None:
        oq = instrument.question(overall)
        if not oq.type.scaled:
            raise DataError(f"overall satisfaction question {overall!r} is not scaled")
        return [oq]
    return instrument.items(OVERALL_DIMENSION)


def _item_matrices(
    instrument: Instrument,
    responses: pd.DataFrame,
    items: list[Question],
    importance: str,
    targets: list[Question],
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    """``(performance, importance, target)``: rescaled scores, one column per item.

    Stated importance: the importance items' scores, no target. Derived: no
    importance matrix, and the target the importance is derived from: the
    mean of the overall-satisfaction questions ``targets`` (one, usually),
    else each respondent's mean index.
    """
    perf_x = np.column_stack(
        [q.scale.rescale(item_values(q, responses, reverse=True)) for q in items]  # type: ignore[union-attr]
    )
    if importance == "stated":
        imp_of = instrument.importance_items()
        imp_qs = [instrument.question(imp_of[q.id]) for q in items]
        imp_x = np.column_stack(
            [q.scale.rescale(item_values(q, responses)) for q in imp_qs]  # type: ignore[union-attr]
        )
        return perf_x, imp_x, None
    if targets:
        tx = np.column_stack(
            [q.scale.rescale(item_values(q, responses, reverse=True)) for q in targets]  # type: ignore[union-attr]
        )
        with warnings.catch_warnings():  # a respondent who answered none: NaN, no warning
            warnings.simplefilter("ignore", RuntimeWarning)
            target = tx[:, 0] if tx.shape[1] == 1 else np.nanmean(tx, axis=1)
    else:
        sc = respondent_scores(instrument, responses).to_numpy()
        with np.errstate(invalid="ignore"):
            target = np.nanmean(np.where(np.isnan(sc), np.nan, sc), axis=1) if sc.size else sc
    return perf_x, None, target


def _perf_imp(
    wb: np.ndarray,
    *,
    perf_x: np.ndarray,
    imp_x: np.ndarray | None,
    target: np.ndarray | None,
    groups: Groups,
    derived: str,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Performance, importance and count per group and item, with weights ``wb``."""
    s = summarise(perf_x, wb, groups)
    if imp_x is not None:
        imp = summarise(imp_x, wb, groups).mean
    else:
        imp = _importance_derived(perf_x, target, wb, groups, derived)  # type: ignore[arg-type]
    return s.mean, imp, s.n


def _crossing(
    p: np.ndarray, i: np.ndarray, *, axes: str | tuple[float, float], n_groups: int
) -> tuple[np.ndarray, np.ndarray]:
    """Where the axes cross, per group: given, or the mean or median of the items."""
    if isinstance(axes, tuple):
        return np.full((n_groups, 1), float(axes[0])), np.full((n_groups, 1), float(axes[1]))
    if axes not in ("mean", "median"):
        raise ValueError(f"axes must be 'mean', 'median' or (x, y), not {axes!r}")
    fn = np.nanmean if axes == "mean" else np.nanmedian
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return fn(p, axis=1, keepdims=True), fn(i, axis=1, keepdims=True)


def servqual_gap(
    instrument: Instrument,
    responses: pd.DataFrame,
    *,
    by: By = None,
    weights: str | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Expectation-perception gaps (SERVQUAL, Parasuraman et al. 1988).

    For every item with an expectation item (``expectation_of``), the gap
    is perception minus expectation of the same respondent (on the scale's
    points when both use the same scale, otherwise on 0-100). Dimension
    gaps average a respondent's item gaps. Negative gaps mean expectations
    are not met. Intervals are paired, with Kish effective sample size.
    A pair with a local question (:attr:`Question.organizations`) has rows
    only for the groups of its organizations, and a group's dimension gaps
    average the pairs its respondents were asked.

    Returns
    -------
    DataFrame
        Group columns, then ``level`` (``item`` or ``dimension``),
        ``dimension``, ``question``, ``n`` (pairs), ``perception``,
        ``expectation``, ``gap``, ``se``, ``ci_low``, ``ci_high``.

    Examples
    --------
    >>> from qualitapa.surveys import Instrument, Question, Scale, SurveyDimension
    >>> inst = Instrument("c", "C", dimensions=[SurveyDimension("d", "D")], questions=[
    ...     Question("p", "likert", "P", dimension="d", scale=Scale.likert(7)),
    ...     Question("e", "likert", "E", scale=Scale.likert(7), expectation_of="p")])
    >>> r = servqual_gap(inst, pd.DataFrame({"p": [5, 6, 4], "e": [7, 6, 7]}))
    >>> print(r[["level", "question", "gap"]].round(3))
           level question    gap
    0       item        p -1.667
    1  dimension          -1.667
    """
    pairs = instrument.expectation_items()
    if not pairs:
        raise DataError("the instrument has no expectation items (expectation_of)")
    groups = make_groups(responses, by)
    w = weights_of(responses, weights)
    ids = list(pairs)
    p_cols, e_cols, g_cols = [], [], []
    for pid in ids:
        pq, eq = instrument.question(pid), instrument.question(pairs[pid])
        p = item_values(pq, responses, reverse=True)
        e = item_values(eq, responses, reverse=True)
        if pq.scale != eq.scale:
            p, e = pq.scale.rescale(p), eq.scale.rescale(e)  # type: ignore[union-attr]
        both = ~np.isnan(p) & ~np.isnan(e)
        p_cols.append(np.where(both, p, np.nan))
        e_cols.append(np.where(both, e, np.nan))
        g_cols.append(np.where(both, p - e, np.nan))
    P, E, D = np.column_stack(p_cols), np.column_stack(e_cols), np.column_stack(g_cols)
    dims = sorted({instrument.question(i).dimension or "" for i in ids})
    dim_of = np.array([instrument.question(i).dimension or "" for i in ids])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        dP = np.column_stack([np.nanmean(P[:, dim_of == d], axis=1) for d in dims])
        dE = np.column_stack([np.nanmean(E[:, dim_of == d], axis=1) for d in dims])
        dD = np.column_stack([np.nanmean(D[:, dim_of == d], axis=1) for d in dims])
    sp, se_, sd = (
        summarise(np.column_stack([a, b]), w, groups, confidence=confidence)
        for a, b in ((P, dP), (E, dE), (D, dD))
    )
    m = len(ids) + len(dims)
    cols: dict[str, Any] = {
        "level": np.tile(["item"] * len(ids) + ["dimension"] * len(dims), groups.n),
        "dimension": np.tile([*dim_of.tolist(), *dims], groups.n),
        "question": np.tile([*ids, *[""] * len(dims)], groups.n),
        "n": sd.n.ravel().astype(np.int64),
        "perception": sp.mean.ravel(),
        "expectation": se_.mean.ravel(),
        "gap": sd.mean.ravel(),
        "se": sd.se.ravel(),
        "ci_low": sd.low.ravel(),
        "ci_high": sd.high.ravel(),
    }
    out = _with_keys(groups, cols, m)
    # a pair with a local question: rows only for the groups of its organizations
    qs = [instrument.question(i) for i in ids]
    eqs = [instrument.question(pairs[i]) for i in ids]
    asked = applicable(instrument, responses, groups, qs) & applicable(
        instrument, responses, groups, eqs
    )
    if asked.all():
        return out
    by_dim = np.column_stack([asked[:, dim_of == d].any(axis=1) for d in dims])
    keep = np.column_stack([asked, by_dim]).ravel()
    return out.loc[keep].reset_index(drop=True)
