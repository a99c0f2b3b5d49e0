"""Weighted scoring: item statistics, dimension indices, overall index, NPS.

All functions take the *validated* responses (see
:func:`qualitapa.surveys.validate`), optional survey weights (a column) and
optional grouping columns, and return a tidy DataFrame with one row per
group and item (or dimension). Intervals follow :mod:`._stats`: Kish
effective sample size for means, Wilson with :math:`n_{eff}` for shares,
or a Poisson bootstrap for means with ``method="bootstrap"``.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd
from scipy import stats

from qualitapa._languages import check_language
from qualitapa.errors import DataError
from qualitapa.problems import check_option
from qualitapa.surveys._design_estimates import Design
from qualitapa.surveys._models import (
    OVERALL,
    OVERALL_LABEL,
    Instrument,
    Question,
    QuestionType,
    Scale,
    _format_code,
)
from qualitapa.surveys._scope import applicable, by_scope
from qualitapa.surveys._scoring_design import (
    design_means,
    design_responses,
    design_shares,
    on_design_rows,
    row_domains,
    whole_numbers,
)
from qualitapa.surveys._stats import (
    Groups,
    Summary,
    column_sums,
    make_groups,
    poisson_bootstrap,
    summarise,
    summary_from_sums,
    weights_of,
    wilson_interval,
)

#: How score intervals are computed: a t interval with Kish's effective
#: sample size, or the percentile bootstrap.
IntervalMethod = Literal["kish", "bootstrap"]

By = str | Sequence[str] | None

#: The columns of :func:`score_items` that ``suppress`` keeps (the others are estimates).
_ITEM_COUNTS = ("question", "dimension", "n", "n_dont_know", "small_sample", "local")


def item_values(
    question: Question, frame: pd.DataFrame, *, reverse: bool = False, source: str | None = None
) -> np.ndarray:
    """Numeric answers of a scaled question; don't-know codes and blanks are NaN.

    Raises
    ------
    DataError
        A value is outside the scale (validate the responses first).
    """
    if question.id not in frame.columns:
        raise DataError("question column is missing", source=source, column=question.id)
    scale = question.scale
    if scale is None:  # pragma: no cover - only scaled questions are scored
        raise DataError("question has no scale", column=question.id)
    col = frame[question.id]
    if col.dtype == np.float64:  # blanks are NaN already: one copy, no NA mask
        x = col.to_numpy(dtype=float, copy=True)
    elif pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col):
        x = col.to_numpy(dtype=float, na_value=np.nan)
    else:
        x = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        text_dk = [c for c in scale.dont_know if isinstance(c, str)]
        bad_text = np.isnan(x) & col.notna().to_numpy() & ~col.isin(text_dk).to_numpy()
        if bad_text.any():
            row = int(np.flatnonzero(bad_text)[0]) + 1
            raise DataError(
                "answer is not a number; run validate() first",
                source=source,
                row=row,
                column=question.id,
            )
    dk = np.array([c for c in scale.dont_know if not isinstance(c, str)], dtype=float)
    if len(dk):
        x = np.where(np.isin(x, dk), np.nan, x)
    points = np.asarray(scale.points, dtype=float)
    # fast check for consecutive integer scales (NaN compares false), general check otherwise
    if np.array_equal(points, np.arange(points[0], points[-1] + 1)):
        bad = (x < points[0]) | (x > points[-1]) | (np.floor(x) < x)
    else:
        bad = ~np.isnan(x) & ~np.isin(x, points)
    if bad.any():
        row = int(np.flatnonzero(bad)[0]) + 1
        raise DataError(
            f"answer {x[bad][0]:g} is not on the scale; run validate() first",
            source=source,
            row=row,
            column=question.id,
        )
    if reverse and question.reverse:
        x = scale.reverse(x)
    return x


def _questions(instrument: Instrument, questions: Sequence[str] | None) -> list[Question]:
    if questions is None:
        return [q for q in instrument.questions if q.type.scaled]
    out = [instrument.question(q) for q in questions]
    for q in out:
        if not q.type.scaled:
            raise DataError(f"question {q.id!r} is a {q.type.value} question, not scaled")
    return out


def _with_keys(groups: Groups, rows: dict[str, Any], repeat: int) -> pd.DataFrame:
    """Group keys repeated ``repeat`` times (group-major), then ``rows`` columns."""
    keys = groups.keys.loc[np.repeat(np.arange(groups.n), repeat)].reset_index(drop=True)
    body = pd.DataFrame(rows)
    return pd.concat([keys, body], axis=1) if len(keys.columns) else body


def score_items(
    instrument: Instrument,
    responses: pd.DataFrame,
    *,
    questions: Sequence[str] | None = None,
    by: By = None,
    weights: str | None = None,
    top_box: int = 2,
    confidence: float = 0.95,
    min_n: int = 30,
    suppress: bool = False,
    method: IntervalMethod = "kish",
    n_boot: int = 1000,
    seed: int | None = None,
    design: Design | None = None,
) -> pd.DataFrame:
    """Per-item statistics, by group.

    Parameters
    ----------
    instrument
        The questionnaire.
    responses
        Validated responses.
    questions
        Question ids to score (default: every scaled question).
    by
        Grouping column(s), e.g. ``"organization"`` or
        ``["organization", "period"]``.
    weights
        Column of survey weights (default: unweighted).
    top_box
        How many points make the top (and bottom) box.
    confidence
        Confidence level of the intervals.
    min_n
        Groups with fewer valid answers are flagged ``small_sample``.
    suppress
        Blank the estimates of flagged groups instead of only flagging them.
    method
        ``"kish"`` (t interval with the effective sample size) or
        ``"bootstrap"`` (percentile interval of the mean, Poisson bootstrap).
    n_boot, seed
        Bootstrap replicates and random seed.
    design
        The sampling design of ``responses`` (:meth:`SurveyDesign.from_frame`
        on these very responses, with the weights): the design path. SEs are
        linearised over strata and clusters, each group a domain of the
        whole design (``docs/surveys.md``), means with the t interval of the
        domain's design df, shares with the logit interval (``method``
        ``"bootstrap"`` is refused: bootstrap a ``ReplicateDesign``
        instead). Default: the Kish path.

    Returns
    -------
    DataFrame
        Group columns, then ``question``, ``dimension``, ``n`` (valid
        answers), ``n_dont_know``, ``n_eff``, ``mean``, ``sd``, ``se``,
        ``ci_low``, ``ci_high`` (raw scale), ``index``, ``index_low``,
        ``index_high`` (0-100, reverse-coded items turned so that 100 is
        best), ``top_box``, ``top_box_low``, ``top_box_high``,
        ``bottom_box``, ``bottom_box_low``, ``bottom_box_high`` (weighted
        shares with Wilson intervals, after reverse coding),
        ``small_sample``, ``local`` (the question is asked in some
        organizations only: not comparable across organizations). With a
        ``design``: ``n_eff`` is :math:`n / deff`, ``sd`` R's ``svyvar``,
        and after ``ci_high`` come ``df`` (PSUs minus strata in the group)
        and ``deff`` (design effect of the mean, R's ``deff = TRUE``);
        after ``top_box_high``, ``top_box_se`` and ``top_box_deff``.

    Notes
    -----
    A local question (:attr:`Question.organizations`) has a row only for
    the groups whose respondents all belong to its organizations (the
    ``organization`` column; see ``docs/surveys.md``): no row for the
    others, and none for a group that pools organizations where it is not
    asked.

    Examples
    --------
    >>> from qualitapa.surveys import Instrument, Question, Scale, SurveyDesign
    >>> inst = Instrument("c", "C", questions=[Question("q", "likert", "Q", scale=Scale.likert(5))])
    >>> df = pd.DataFrame({"q": [5, 4, 4, 2], "w": [1.0, 1.0, 2.0, 1.0]})
    >>> r = score_items(inst, df, weights="w", min_n=1)
    >>> r[["n", "mean", "index", "top_box"]].round(3).to_dict("records")
    [{'n': 4, 'mean': 3.8, 'index': 70.0, 'top_box': 0.8}]
    >>> df["counter"] = ["a", "a", "b", "b"]  # the design path: two counters as strata
    >>> d = SurveyDesign.from_frame(df, weights="w", strata="counter")
    >>> r = score_items(inst, df, design=d, min_n=1)
    >>> r[["mean", "se", "df"]].round(3).to_dict("records")
    [{'mean': 3.8, 'se': 0.483, 'df': 2}]
    """
    check_option("method", method, get_args(IntervalMethod))
    responses = design_responses(design, responses, weights, method)
    groups = make_groups(responses, by)
    qs, asked = _asked_questions(
        instrument, responses, groups, _questions(instrument, questions), every=questions is None
    )
    w = design.weights if design is not None else weights_of(responses, weights)
    ws = groups.sort(w)
    sums, (top_w, bottom_w, n_dk), raw = _item_sums(
        qs, responses, groups, ws, top_box, keep=method == "bootstrap" or design is not None
    )
    n, sum_w, sum_w2, mean, swd2 = sums
    s = summary_from_sums(n, sum_w, sum_w2, mean, swd2, confidence)
    low, high = s.low, s.high
    if raw is not None:  # in row order: the bootstrap draws rows as they came, the design has them
        raw = raw[np.argsort(groups.order)]
        if design is None:
            low, high = poisson_bootstrap(
                raw, w, groups, n_boot=n_boot, seed=seed, confidence=confidence
            )
    boxes = (top_w, bottom_w, n_dk)
    cols = _item_columns(qs, groups, s, (low, high), boxes, confidence=confidence, min_n=min_n)
    if design is not None and raw is not None:
        cols = _design_items(cols, qs, raw, design, groups, top_box, confidence, (s.mean, swd2))
    out = _with_keys(groups, cols, len(qs))
    if suppress:
        out.loc[out["small_sample"], [c for c in cols if c not in _ITEM_COUNTS]] = np.nan
    return _asked_rows(out, asked)


def _item_columns(
    qs: Sequence[Question],
    groups: Groups,
    s: Summary,
    interval: tuple[np.ndarray, np.ndarray],
    boxes: tuple[np.ndarray, np.ndarray, np.ndarray],
    *,
    confidence: float,
    min_n: int,
) -> dict[str, Any]:
    """The columns of :func:`score_items` (Kish path): ``boxes`` are top, bottom, don't know."""
    low, high = interval
    return {
        "question": np.tile([q.id for q in qs], groups.n),
        "dimension": np.tile([q.dimension or "" for q in qs], groups.n),
        "n": s.n.ravel().astype(np.int64),
        "n_dont_know": boxes[2].ravel().astype(np.int64),
        "n_eff": s.n_eff.ravel(),
        "mean": s.mean.ravel(),
        "sd": s.sd.ravel(),
        "se": s.se.ravel(),
        "ci_low": low.ravel(),
        "ci_high": high.ravel(),
        **_item_index(qs, s.mean, low, high),
        **_box_shares("top_box", boxes[0], s, confidence),
        **_box_shares("bottom_box", boxes[1], s, confidence),
        "small_sample": (s.n < min_n).ravel(),
        "local": np.tile([q.is_local for q in qs], groups.n),
    }


def _box_indicators(qs: Sequence[Question], x: np.ndarray, top_box: int) -> np.ndarray:
    """Whether each answer (rows x items, NaN: none) is in the top box, then the bottom box.

    Rows x (top of each item, bottom of each item) as 1/0/NaN, column by
    column in memory (the design estimators take one column at a time).
    """
    k = x.shape[1]
    out = np.empty((x.shape[0], 2 * k), order="F")
    for j, q in enumerate(qs):
        scale = q.scale
        if scale is None:  # pragma: no cover - scaled questions have a scale
            raise DataError("question has no scale", column=q.id)
        hi, lo = scale.top_box(top_box), scale.bottom_box(top_box)
        if q.reverse:
            hi, lo = lo, hi
        column = x[:, j]
        missing = np.isnan(column)
        for at, box in ((j, hi), (k + j, lo)):
            out[:, at] = _in_box(column, box, scale)  # NaN compares false
            out[missing, at] = np.nan
    return out


def _design_items(
    cols: dict[str, Any],
    qs: Sequence[Question],
    x: np.ndarray,
    design: Design,
    groups: Groups,
    top_box: int,
    confidence: float,
    mean_var: tuple[np.ndarray, np.ndarray],
) -> dict[str, Any]:
    """:func:`score_items`' columns with the design's SEs, intervals and design effects.

    ``x`` are the answers in row order (rows x items); ``mean_var`` the
    groups' weighted means (the design's) and :math:`\\sum w (y - \\bar y)^2`.
    """
    domain = row_domains(design, pd.RangeIndex(len(x)), groups.codes)
    means = design_means(design, x, domain, groups.n, confidence=confidence)
    shares = design_shares(
        design, _box_indicators(qs, x, top_box), domain, groups.n, confidence=confidence
    )
    k = len(qs)
    n = np.asarray(cols["n"], dtype=float).reshape(groups.n, k)
    sum_w = groups.sum(np.where(np.isnan(x), 0.0, design.weights[:, None]))
    with np.errstate(invalid="ignore", divide="ignore"):
        svyvar = np.where(n > 1, n / (n - 1) * mean_var[1] / sum_w, np.nan)  # R's svyvar
        n_eff = n / means["deff"]
    index = _item_index(qs, mean_var[0], means["ci_low"], means["ci_high"])
    out: dict[str, Any] = {}
    for name, value in cols.items():
        if name == "n_eff":
            value = n_eff.ravel()
        elif name == "sd":
            value = np.sqrt(svyvar).ravel()
        elif name in ("se", "ci_low", "ci_high"):
            value = means[name].ravel()
        elif name in index:
            value = index[name]
        elif name.startswith(("top_box_", "bottom_box_")):
            part = shares["ci_low" if name.endswith("_low") else "ci_high"]
            value = (part[:, :k] if name.startswith("top") else part[:, k:]).ravel()
        out[name] = value
        if name == "ci_high":
            out["df"], out["deff"] = whole_numbers(means["df"]), means["deff"].ravel()
        elif name == "top_box_high":
            out["top_box_se"] = shares["se"][:, :k].ravel()
            out["top_box_deff"] = shares["deff"][:, :k].ravel()
    return out


def _asked_questions(
    instrument: Instrument,
    responses: pd.DataFrame,
    groups: Groups,
    qs: Sequence[Question],
    *,
    every: bool,
) -> tuple[list[Question], np.ndarray]:
    """``qs`` and whether each group is asked each (groups x questions).

    With ``every`` (``qs`` are the default questions, not the caller's
    choice) a local question asked in no group is left out.
    """
    asked = applicable(instrument, responses, groups, qs)
    if every and not asked.all():
        some = np.flatnonzero(asked.any(axis=0))
        return [qs[j] for j in some.tolist()], asked[:, some]
    return list(qs), asked


def _box_shares(
    name: str, box_w: np.ndarray, s: Summary, confidence: float
) -> dict[str, np.ndarray]:
    """The weighted share of a box (weights ``box_w``) with its Wilson interval, as columns."""
    with np.errstate(invalid="ignore", divide="ignore"):
        share = box_w / s.sum_w
    low, high = wilson_interval(share * s.n_eff, s.n_eff, confidence=confidence)
    return {name: share.ravel(), f"{name}_low": low.ravel(), f"{name}_high": high.ravel()}


def _asked_rows(out: pd.DataFrame, asked: np.ndarray) -> pd.DataFrame:
    """The rows of a group-major table (groups x questions) whose question ``asked``."""
    if asked.all():
        return out
    return out.loc[asked.ravel()].reset_index(drop=True)


def _estimates(
    matrix: np.ndarray,
    w: np.ndarray,
    groups: Groups,
    confidence: float,
    method: str,
    n_boot: int,
    seed: int | None,
) -> tuple[Summary, np.ndarray, np.ndarray]:
    """The summary of ``matrix``'s columns per group, and the interval of ``method``."""
    s = summarise(matrix, w, groups, confidence=confidence)
    if method == "bootstrap":
        low, high = poisson_bootstrap(
            matrix, w, groups, n_boot=n_boot, seed=seed, confidence=confidence
        )
        return s, low, high
    return s, s.low, s.high


def _item_sums(
    qs: Sequence[Question],
    responses: pd.DataFrame,
    groups: Groups,
    ws: np.ndarray,
    top_box: int,
    *,
    keep: bool,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Each item's group sums, one item at a time in group order.

    Returns the sums of :func:`summary_from_sums` (``n``, ``sum_w``,
    ``sum_w2``, ``mean``, ``swd2``; shape (5, groups, items)), the weights of
    the top and bottom box (after reverse coding) and the don't-know counts
    (3, groups, items), and with ``keep`` the answers in group order (rows,
    items). ``ws`` are the weights in group order. One item at a time, the
    temporaries are a column long: no matrix of every answer is kept.
    """
    shape = (groups.n, len(qs))
    sums = np.empty((5, *shape))
    boxes = np.empty((3, *shape))
    raw = np.empty((len(ws), len(qs)), order="F") if keep else None
    unit = bool(np.all(ws == 1.0))
    w2 = ws * ws
    for j, q in enumerate(qs):  # loop over items, vectorised over respondents
        scale = q.scale
        if scale is None:  # pragma: no cover - scaled questions have a scale
            raise DataError("question has no scale", column=q.id)
        x = item_values(q, responses)[groups.order]
        sums[:, :, j] = column_sums(x, ws, w2, groups, unit=unit)
        hi, lo = scale.top_box(top_box), scale.bottom_box(top_box)
        if q.reverse:
            hi, lo = lo, hi
        for b, box in enumerate((hi, lo)):
            inside = _in_box(x, box, scale)
            boxes[b, :, j] = groups.sum_sorted(inside if unit else np.where(inside, ws, 0.0))
        boxes[2, :, j] = np.bincount(
            groups.codes, weights=_dont_know(q, scale, responses), minlength=groups.n
        )
        if raw is not None:
            raw[:, j] = x
    return sums, boxes, raw


def _dont_know(q: Question, scale: Scale, responses: pd.DataFrame) -> np.ndarray:
    """Whether each response to ``q`` is a don't-know code."""
    dk_num = [c for c in scale.dont_know if not isinstance(c, str)]
    dk_txt = [c for c in scale.dont_know if isinstance(c, str)]
    col = responses[q.id]
    if pd.api.types.is_numeric_dtype(col) and not dk_txt:
        return np.isin(col.to_numpy(dtype=float, na_value=np.nan), dk_num)
    return col.isin(list(scale.dont_know)).to_numpy(dtype=bool)


def _in_box(x: np.ndarray, box: tuple[float, ...], scale: Scale) -> np.ndarray:
    """Whether each answer is in ``box``, some points of ``scale``.

    Answers are points of the scale (:func:`item_values`), so a box of the
    highest (lowest) points is one comparison with its inner end; NaN
    compares false.
    """
    if box and max(box) == scale.max:
        return x >= min(box)
    if box and min(box) == scale.min:
        return x <= max(box)
    return np.isin(x, box)


def _item_index(
    qs: Sequence[Question], mean: np.ndarray, low: np.ndarray, high: np.ndarray
) -> dict[str, np.ndarray]:
    """Item means and their interval on 0-100, reverse-coded items turned round, as columns."""
    mins = np.array([q.scale.min for q in qs if q.scale is not None])
    maxs = np.array([q.scale.max for q in qs if q.scale is not None])
    rev = np.array([q.reverse for q in qs], dtype=bool)

    def to_index(x: np.ndarray) -> np.ndarray:
        x = np.where(rev, mins + maxs - x, x)
        return (x - mins) / (maxs - mins) * 100.0

    idx, idx_a, idx_b = to_index(mean), to_index(low), to_index(high)
    return {
        "index": idx.ravel(),
        "index_low": np.where(rev, idx_b, idx_a).ravel(),
        "index_high": np.where(rev, idx_a, idx_b).ravel(),
    }


def respondent_scores(
    instrument: Instrument,
    responses: pd.DataFrame,
    *,
    min_items: float = 0.5,
) -> pd.DataFrame:
    """Each respondent's 0-100 score on every dimension.

    A respondent's dimension score is the (item-weighted) mean of the
    rescaled, reverse-coded items answered; it is missing when fewer than
    ``min_items`` (a fraction of the dimension's items, or a count when
    >= 1) were answered.

    Examples
    --------
    >>> from qualitapa.surveys import Instrument, Question, Scale, SurveyDimension
    >>> inst = Instrument("c", "C", dimensions=[SurveyDimension("d", "D")], questions=[
    ...     Question("a", "likert", "A", dimension="d", scale=Scale.likert(5)),
    ...     Question("b", "likert", "B", dimension="d", scale=Scale.likert(5), reverse=True)])
    >>> respondent_scores(inst, pd.DataFrame({"a": [5, 3], "b": [1, None]}))["d"].tolist()
    [100.0, 50.0]
    """
    dims = instrument.dimension_items()
    out: dict[str, np.ndarray] = {}
    for d, ids in dims.items():
        qs = [instrument.question(i) for i in ids]
        x = np.column_stack(
            [
                q.scale.rescale(item_values(q, responses, reverse=True))  # type: ignore[union-attr]
                for q in qs
            ]
        )
        iw = np.array([q.weight or 1.0 for q in qs])
        present = ~np.isnan(x)
        answered = present.sum(axis=1)
        need = min_items if min_items >= 1 else max(1, math.ceil(min_items * len(qs)))
        with np.errstate(invalid="ignore", divide="ignore"):
            score = np.where(present, x, 0.0) @ iw / (present @ iw)
        out[d] = np.where(answered >= need, score, np.nan)
    return pd.DataFrame(out, index=responses.index)


def _dimension_weights(
    instrument: Instrument,
    responses: pd.DataFrame,
    groups: Groups,
    w: np.ndarray,
    weighting: str,
) -> tuple[np.ndarray, str]:
    """(groups x dimensions) weights for the overall index, and the rule used."""
    dims = list(instrument.dimension_items())
    imp = instrument.importance_items()
    declared = {d.id: d.weight for d in instrument.dimensions}
    if weighting == "auto":
        if imp and any(q in imp for ids in instrument.dimension_items().values() for q in ids):
            weighting = "importance"
        elif any(declared.get(d) for d in dims):
            weighting = "declared"
        else:
            weighting = "equal"
    if weighting == "equal":
        return np.ones((groups.n, len(dims))), weighting
    if weighting == "declared":
        return np.tile([declared.get(d) or 1.0 for d in dims], (groups.n, 1)), weighting
    if weighting != "importance":
        raise ValueError(
            f"weighting must be 'auto', 'importance', 'declared' or 'equal', not {weighting!r}"
        )
    if not imp:
        raise DataError("importance weighting needs importance items in the instrument")
    out = np.full((groups.n, len(dims)), np.nan)
    for j, (_d, ids) in enumerate(instrument.dimension_items().items()):
        imp_ids = [imp[i] for i in ids if i in imp]
        if not imp_ids:
            continue
        vals = np.column_stack([item_values(instrument.question(i), responses) for i in imp_ids])
        s = summarise(vals.reshape(len(vals), len(imp_ids)), w, groups)
        # mean stated importance of the dimension's items (equal item weights)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            out[:, j] = np.nanmean(s.mean, axis=1)
    # dimensions without importance items take the mean weight of the others
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        fill = np.nanmean(out, axis=1, keepdims=True)
    out = np.where(np.isnan(out), fill, out)
    return np.where(np.isnan(out), 1.0, out), weighting


def score_dimensions(
    instrument: Instrument,
    responses: pd.DataFrame,
    *,
    by: By = None,
    weights: str | None = None,
    weighting: str = "auto",
    min_items: float = 0.5,
    confidence: float = 0.95,
    min_n: int = 30,
    suppress: bool = False,
    method: IntervalMethod = "kish",
    n_boot: int = 1000,
    seed: int | None = None,
    lang: str | None = None,
    include_local: bool = False,
    design: Design | None = None,
) -> pd.DataFrame:
    """Dimension indices and the overall satisfaction index on 0-100, by group.

    Each respondent gets a 0-100 score per dimension (see
    :func:`respondent_scores`) and an overall score, the weighted mean of
    their dimension scores. Dimension weights (``weighting``):

    * ``"importance"``: the group's mean stated importance of the
      dimension's items (importance items, ``importance_of``); dimensions
      without importance items get the mean weight of the others;
    * ``"declared"``: :attr:`SurveyDimension.weight` (1 when not declared);
    * ``"equal"``; ``"auto"`` (default) picks the first that applies.

    Group indices are weighted means of the respondent scores, with the
    intervals of :func:`score_items`.

    Parameters
    ----------
    lang
        The language of the ``label`` column (``"it"``, ``"en"``, ``"de"``...;
        a label without it falls back, see :meth:`qualitapa.models.Text.get`).

        .. deprecated:: 0.2.0
           Without ``lang`` the table keeps its old layout, ``label`` in
           Italian and ``label_en`` in English, with a ``DeprecationWarning``;
           from 0.3.0 ``lang`` defaults to ``"it"`` and ``label_en`` is gone.
           Pass ``lang`` (``lang="en"`` for the English labels).
    include_local
        Also use the local questions (:attr:`Question.organizations`, a
        city's additions to a shared questionnaire). By default the indices
        use the shared questions only, so that they compare across
        organizations (and their importance items only weight the overall
        index). With ``include_local`` each group's indices use the
        questions that apply to every organization of its respondents; the
        rows that use a local question have ``local`` true and are an
        organization's own result, never ranked against others (see
        :func:`benchmark_table`). Either way a group's rows are those of a
        separate run on its respondents.
    design
        The sampling design of ``responses``: the design path, as in
        :func:`score_items` (each group, and with ``include_local`` each
        set of groups asked the same questions, a domain of the whole
        design). The table gains ``df`` and ``deff`` after ``ci_high``;
        ``n_eff`` is :math:`n / deff`.

    Returns
    -------
    DataFrame
        Group columns, then ``dimension`` (``"overall"`` for the overall
        index, labelled :data:`OVERALL_LABEL`), ``label`` (in ``lang``),
        ``n``, ``n_eff``, ``index``, ``se``, ``ci_low``, ``ci_high``,
        ``weight`` (of the dimension in the overall index), ``weighting``,
        ``small_sample``, ``local`` (the index uses a local question).
        Without ``lang``: ``label`` in Italian, then ``label_en``
        (deprecated).

    Examples
    --------
    >>> from qualitapa.surveys import Instrument, Question, Scale, SurveyDimension
    >>> inst = Instrument("c", "C", dimensions=[SurveyDimension("a", "A"),
    ...     SurveyDimension("b", "B", weight=3)], questions=[
    ...     Question("qa", "likert", "QA", dimension="a", scale=Scale.likert(5)),
    ...     Question("qb", "likert", "QB", dimension="b", scale=Scale.likert(5))])
    >>> df = pd.DataFrame({"qa": [5, 3], "qb": [1, 3]})
    >>> print(score_dimensions(inst, df, min_n=1, lang="de")[["dimension", "label", "index",
    ...                                                         "weight"]])
      dimension                      label  index  weight
    0         a                          A   75.0     1.0
    1         b                          B   25.0     3.0
    2   overall  Gesamtzufriedenheitsindex   37.5     NaN
    """
    check_option("method", method, get_args(IntervalMethod))
    _check_label_language(lang)
    responses = design_responses(design, responses, weights, method)
    options: dict[str, Any] = {
        "by": by,
        "weights": weights,
        "weighting": weighting,
        "min_items": min_items,
        "confidence": confidence,
        "min_n": min_n,
        "suppress": suppress,
        "method": method,
        "n_boot": n_boot,
        "seed": seed,
        "lang": lang,
        "design": design,
    }
    if include_local:
        return by_scope(
            instrument, responses, by, lambda inst, r: _score_dimensions(inst, r, **options)
        )
    if not instrument.shared_questions():
        raise DataError(
            "the instrument has local questions only; pass include_local=True to score "
            "them for their organizations"
        )
    return _score_dimensions(instrument.shared(), responses, **options)


def _check_label_language(lang: str | None) -> None:
    """Check the ``lang`` of :func:`score_dimensions`; without one, warn (deprecated)."""
    if lang is None:
        warnings.warn(
            "score_dimensions() without lang= gives 'label' in Italian and 'label_en' in "
            "English; from 0.3.0 it gives one 'label' column in lang (default 'it') and no "
            "'label_en': pass lang='it' (or lang='en' for the English labels)",
            DeprecationWarning,
            stacklevel=3,  # the caller of score_dimensions
        )
    else:
        check_language(lang)


def _score_dimensions(
    instrument: Instrument,
    responses: pd.DataFrame,
    *,
    by: By,
    weights: str | None,
    weighting: str,
    min_items: float,
    confidence: float,
    min_n: int,
    suppress: bool,
    method: str,
    n_boot: int,
    seed: int | None,
    lang: str | None,
    design: Design | None,
) -> pd.DataFrame:
    """:func:`score_dimensions` with every question of ``instrument``."""
    dims = list(instrument.dimension_items())
    if not dims:
        raise DataError("the instrument has no scored items in dimensions")
    groups = make_groups(responses, by)
    rows = responses.index
    w = design.weights[rows] if design is not None else weights_of(responses, weights)
    scores = respondent_scores(instrument, responses, min_items=min_items).to_numpy()
    omega, rule = _dimension_weights(instrument, responses, groups, w, weighting)
    om = omega[groups.codes]
    present = ~np.isnan(scores)
    with np.errstate(invalid="ignore", divide="ignore"):
        overall = (np.where(present, scores, 0.0) * om).sum(axis=1) / (present * om).sum(axis=1)
    matrix = np.column_stack([scores, overall])
    s, low, high = _estimates(matrix, w, groups, confidence, method, n_boot, seed)
    extra: dict[str, Any] = {}
    if design is not None:
        found = design_means(
            design,
            on_design_rows(design, rows, matrix),
            row_domains(design, rows, groups.codes),
            groups.n,
            confidence=confidence,
        )
        se, low, high = found["se"], found["ci_low"], found["ci_high"]
        with np.errstate(invalid="ignore", divide="ignore"):
            n_eff = s.n / found["deff"]
        extra = {"df": whole_numbers(found["df"]), "deff": found["deff"].ravel()}
    else:
        se, n_eff = s.se, s.n_eff
    labels = {d.id: d.label for d in instrument.dimensions} | {OVERALL: OVERALL_LABEL}
    names = [*dims, OVERALL]
    m = len(names)
    weight_col = np.column_stack([omega, np.full(groups.n, np.nan)])
    cols: dict[str, Any] = {
        "dimension": np.tile(names, groups.n),
        "label": np.tile([labels[d].get(lang or "it") for d in names], groups.n),
        # deprecated: the English label next to the Italian one when no lang is given
        **(
            {"label_en": np.tile([labels[d].get("en") for d in names], groups.n)}
            if lang is None
            else {}
        ),
        "n": s.n.ravel().astype(np.int64),
        "n_eff": n_eff.ravel(),
        "index": s.mean.ravel(),
        "se": se.ravel(),
        "ci_low": low.ravel(),
        "ci_high": high.ravel(),
        **extra,
        "weight": weight_col.ravel(),
        "weighting": np.full(groups.n * m, rule, dtype=object),
        "small_sample": (s.n < min_n).ravel(),
        "local": np.tile(_uses_local(instrument, names, rule), groups.n),
    }
    out = _with_keys(groups, cols, m)
    if suppress:
        blank = ["n_eff", "index", "se", "ci_low", "ci_high", *extra]
        out.loc[out["small_sample"], blank] = np.nan
    return out


def _design_distribution(
    design: Design,
    q: Question,
    text: pd.Series[str],
    codes: Sequence[str],
    groups: Groups,
    confidence: float,
) -> dict[str, Any]:
    """The design columns of :func:`distribution` for one question (group-major, codes inner)."""
    answered = text.notna().to_numpy()
    if q.type is QuestionType.MULTIPLE:
        chosen = text.fillna("").str.split().str.join("|").str.get_dummies(sep="|")
        given = chosen.reindex(columns=list(codes), fill_value=0).to_numpy(dtype=bool)
    else:
        given = np.column_stack([(text == code).fillna(False).to_numpy(bool) for code in codes])
    indicators = np.where(answered[:, None], given, np.nan)
    found = design_shares(design, indicators, groups.codes, groups.n, confidence=confidence)
    return {
        "se": found["se"].ravel(),
        "share_low": found["ci_low"].ravel(),
        "share_high": found["ci_high"].ravel(),
        "df": whole_numbers(found["df"]),
        "deff": found["deff"].ravel(),
    }


def _uses_local(instrument: Instrument, names: Sequence[str], rule: str) -> list[bool]:
    """Whether each dimension index (or the overall one) uses a local question.

    The overall index also uses the importance items when ``rule`` is
    ``"importance"``.
    """
    items = instrument.dimension_items()
    every = [i for ids in items.values() for i in ids]
    if rule == "importance":
        imp = instrument.importance_items()
        every += [imp[i] for i in every if i in imp]

    def local(ids: Sequence[str]) -> bool:
        return any(instrument.question(i).is_local for i in ids)

    return [local(every) if d == OVERALL else local(items[d]) for d in names]


def nps(
    instrument: Instrument,
    responses: pd.DataFrame,
    *,
    question: str | None = None,
    by: By = None,
    weights: str | None = None,
    confidence: float = 0.95,
    min_n: int = 30,
    suppress: bool = False,
    design: Design | None = None,
) -> pd.DataFrame:
    """Net Promoter Score of a 0-10 "would you recommend" question.

    Promoters answer 9-10, passives 7-8, detractors 0-6;
    ``nps = 100 * (promoters - detractors)``. With weighted shares
    :math:`p, d` and Kish :math:`n_{eff}`, the standard error is
    :math:`100\\sqrt{(p + d - (p - d)^2) / n_{eff}}` and the interval is
    normal. A local question (:attr:`Question.organizations`) has rows
    only for the groups of its organizations; by default the first shared
    "recommend" question is used.

    With a ``design`` (the design path, see :func:`score_items`) the NPS is
    the design mean of each respondent's :math:`100\\,(\\mathbb 1[x \\ge 9]
    - \\mathbb 1[x \\le 6])`: the difference of the two shares linearised
    as one estimate (R: ``svymean`` of that variable, or ``svycontrast`` of
    the two shares), with the t interval of the design degrees of freedom.

    Returns
    -------
    DataFrame
        Group columns, then ``question``, ``n``, ``n_eff``, ``promoters``,
        ``passives``, ``detractors`` (shares), ``nps``, ``se``, ``ci_low``,
        ``ci_high``, ``small_sample``. With a ``design``: ``df`` and ``deff``
        after ``ci_high``, ``n_eff`` is :math:`n / deff`.

    Examples
    --------
    >>> from qualitapa.surveys import Instrument, Question
    >>> inst = Instrument("c", "C", questions=[Question("rec", "recommend", "Consiglierebbe?")])
    >>> df = pd.DataFrame({"rec": [10, 9, 8, 6, 3]})
    >>> nps(inst, df, min_n=1)[["promoters", "detractors", "nps"]].to_dict("records")
    [{'promoters': 0.4, 'detractors': 0.4, 'nps': 0.0}]
    """
    if question is None:
        cands = instrument.nps_questions()
        if not cands:
            raise DataError("the instrument has no 'recommend' (0-10) question")
        q = ([c for c in cands if not c.is_local] or cands)[0]  # a shared one first
    else:
        q = instrument.question(question)
        if q.type is not QuestionType.RECOMMEND:
            raise DataError(f"question {q.id!r} is not a 0-10 'recommend' question")
    responses = design_responses(design, responses, weights)
    groups = make_groups(responses, by)
    w = design.weights if design is not None else weights_of(responses, weights)
    x = item_values(q, responses)
    missing = np.isnan(x)
    ind = np.column_stack(
        [
            np.where(missing, np.nan, x >= 9),
            np.where(missing, np.nan, (x >= 7) & (x <= 8)),
            np.where(missing, np.nan, x <= 6),
        ]
    )
    s = summarise(ind, w, groups, confidence=confidence)
    p, pa, d = s.mean[:, 0], s.mean[:, 1], s.mean[:, 2]
    n_eff = s.n_eff[:, 0]
    score = 100 * (p - d)
    with np.errstate(invalid="ignore", divide="ignore"):
        se = 100 * np.sqrt(np.maximum(p + d - (p - d) ** 2, 0) / n_eff)
    z = stats.norm.ppf(0.5 + confidence / 2)
    low, high, extra = score - z * se, score + z * se, {}
    if design is not None:
        found = design_means(
            design,
            (100 * (ind[:, 0] - ind[:, 2]))[:, None],
            groups.codes,
            groups.n,
            confidence=confidence,
        )
        se, low, high = found["se"][:, 0], found["ci_low"][:, 0], found["ci_high"][:, 0]
        with np.errstate(invalid="ignore", divide="ignore"):
            n_eff = s.n[:, 0] / found["deff"][:, 0]
        extra = {"df": whole_numbers(found["df"][:, 0]), "deff": found["deff"][:, 0]}
    out = _with_keys(
        groups,
        {
            "question": np.full(groups.n, q.id, dtype=object),
            "n": s.n[:, 0].astype(np.int64),
            "n_eff": n_eff,
            "promoters": p,
            "passives": pa,
            "detractors": d,
            "nps": score,
            "se": se,
            "ci_low": np.clip(low, -100, 100),
            "ci_high": np.clip(high, -100, 100),
            **extra,
            "small_sample": s.n[:, 0] < min_n,
        },
        1,
    )
    if suppress:
        est = ["n_eff", "promoters", "passives", "detractors", "nps", "se", "ci_low", "ci_high"]
        out.loc[out["small_sample"], [*est, *extra]] = np.nan
    return _asked_rows(out, applicable(instrument, responses, groups, [q]))


def _code_counts(
    groups: Groups,
    text: pd.Series,
    answered: np.ndarray,
    w: np.ndarray,
    codes: list[str],
    kind: QuestionType,
) -> tuple[np.ndarray, np.ndarray]:
    """Answers and their weights for each group and code (group-major, ``codes`` order).

    A multiple-choice answer counts once for each time it names a code;
    answers that are not codes are not counted. Summed as the base of the
    shares is (:meth:`Groups.sum`), so a code every answer of a group gives
    has a share of exactly 1.
    """
    values = text.to_numpy(dtype=object).copy()
    values[~answered] = None  # missing answers compare unequal to every code
    if kind is QuestionType.MULTIPLE:
        tokens = text[answered].str.split()
        counts = np.fromiter(map(len, tokens), dtype=np.int64, count=len(tokens))
        owner = np.repeat(np.flatnonzero(answered), counts)
        named = np.asarray([t for ts in tokens for t in ts], dtype=object)

        def times(code: str) -> np.ndarray:
            return np.bincount(owner[named == code], minlength=len(values))
    else:

        def times(code: str) -> np.ndarray:
            return (values == code) & answered

    size = np.empty((groups.n, len(codes)), dtype=np.int64)
    weighted = np.empty((groups.n, len(codes)))
    for j, code in enumerate(codes):  # loop over codes, vectorised over respondents
        k = times(code)
        size[:, j] = groups.sum(k)
        weighted[:, j] = groups.sum(w * k)
    return size.ravel(), weighted.ravel()


def distribution(
    instrument: Instrument,
    responses: pd.DataFrame,
    *,
    questions: Sequence[str] | None = None,
    by: By = None,
    weights: str | None = None,
    lang: str = "it",
    design: Design | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Weighted distribution of the answers of scaled and choice questions.

    Shares are among the respondents who answered the question (don't-know
    codes included). For multiple choice they are the share of respondents
    choosing each option, so they can add up to more than 1. A local
    question (:attr:`Question.organizations`) has rows only for the groups
    of its organizations.

    With a ``design`` (the design path, see :func:`score_items`) each share
    has its linearised standard error, the logit interval of R's
    ``svyciprop`` at ``confidence`` and its design effect.

    Returns
    -------
    DataFrame
        Group columns, then ``question``, ``code``, ``label``, ``n``,
        ``weighted_n``, ``share``. Codes nobody chose are listed with 0.
        With a ``design``: ``se``, ``share_low``, ``share_high``, ``df``
        and ``deff`` after ``share``.

    Examples
    --------
    >>> from qualitapa.surveys import Instrument, Question, Scale
    >>> inst = Instrument("c", "C", questions=[Question("q", "likert", "Q", scale=Scale.likert(3))])
    >>> print(distribution(inst, pd.DataFrame({"q": [1, 3, 3, 3]}))[["code", "n", "share"]])
      code  n  share
    0    1  1   0.25
    1    2  0   0.00
    2    3  3   0.75
    """
    responses = design_responses(design, responses, weights)
    groups = make_groups(responses, by)
    w = design.weights if design is not None else weights_of(responses, weights)
    if questions is None:
        qs = [q for q in instrument.questions if q.type.scaled or q.type.has_choices]
    else:
        qs = [instrument.question(q) for q in questions]
    qs, asked = _asked_questions(instrument, responses, groups, qs, every=questions is None)
    parts = []
    for j, q in enumerate(qs):  # loop over questions; each is vectorised over respondents
        if q.id not in responses.columns:
            raise DataError("question column is missing", column=q.id)
        col = responses[q.id]
        if q.type.scaled:
            assert q.scale is not None
            codes = [_format_code(c) for c in (*q.scale.points, *q.scale.dont_know)]
            labels = [q.scale.label_of(c, lang) for c in (*q.scale.points, *q.scale.dont_know)]
            nums = pd.to_numeric(col, errors="coerce")
            uniq = pd.unique(nums.dropna().to_numpy(dtype=float)).tolist()
            text = nums.map({u: _format_code(float(u)) for u in uniq}).astype("string")
            text = text.fillna(col.astype("string").where(nums.isna()))
        elif q.type.has_choices:
            codes = [c.code for c in q.choices]
            labels = [c.label.get(lang) for c in q.choices]
            text = col.astype("string")
        else:
            raise DataError(f"question {q.id!r} has no codes to count")
        answered = text.notna().to_numpy()
        base = groups.sum(w * answered)
        base_n = groups.sum(answered)
        size, weighted = _code_counts(groups, text, answered, w, codes, q.type)
        g_idx = np.repeat(np.arange(groups.n), len(codes))
        with np.errstate(invalid="ignore", divide="ignore"):
            share = weighted / base[g_idx]
        part = _with_keys(
            groups,
            {
                "question": np.full(len(g_idx), q.id, dtype=object),
                "code": np.tile(np.asarray(codes, dtype=object), groups.n),
                "label": np.tile(labels, groups.n),
                "n": size,
                "weighted_n": weighted,
                "share": np.where(base_n[g_idx] > 0, share, np.nan),
                **(
                    {}
                    if design is None
                    else _design_distribution(design, q, text, codes, groups, confidence)
                ),
            },
            len(codes),
        )
        parts.append(_asked_rows(part, np.repeat(asked[:, j], len(codes))))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
