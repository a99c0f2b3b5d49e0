"""CAF self-assessment: validate individual scores, consolidate, aggregate, compare.

The input is a tidy table with one row per assessor and sub-criterion:

==================  ==========================================================
column              meaning
==================  ==========================================================
``assessor``        who scored (required)
``subcriterion``    ``"1.1"`` ... ``"9.2"`` (required)
``score``           0-100, classical scoring
``plan`` ``do``     fine-tuned scoring of enablers (criteria 1-5), 0-100 each
``check`` ``act``
``trends``          fine-tuned scoring of results (criteria 6-9), 0-100 each
``targets``
``not_assessed``    yes/true/1/x: the assessor explicitly did not score it
``evidence``        free text: the evidence the score rests on
``strengths``       free text
``improvements``    free text: areas for improvement
==================  ==========================================================

Other columns (e.g. ``title`` from the template) are ignored.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from qualitapa.caf._model import CriterionKind, ScoringMethod, caf_model
from qualitapa.io import require_columns, to_numeric_column
from qualitapa.problems import Problems, Rule, check_option

__all__ = [
    "COMMENT_COLUMNS",
    "ENABLER_PARTS",
    "RESULT_PARTS",
    "TEXT_COLUMNS",
    "caf_scores",
    "compare_assessments",
    "consolidate",
    "score_band",
    "subcriterion_ids",
    "validate_consensus",
    "validate_scores",
]

#: Partial scores of the fine-tuned enablers panel (PDCA phases).
ENABLER_PARTS = ("plan", "do", "check", "act")
#: Partial scores of the fine-tuned results panel.
RESULT_PARTS = ("trends", "targets")
#: Free-text columns carried through validation.
COMMENT_COLUMNS = ("evidence", "strengths", "improvements")
#: The name before 0.2.0 (:data:`qualitapa.io.TEXT_COLUMNS` are the columns read as text).
TEXT_COLUMNS = COMMENT_COLUMNS

_TRUE = {"true", "yes", "y", "1", "x", "si", "sì", "s"}
_FALSE = {"", "false", "no", "n", "0", "nan", "<na>"}
_BAND_EDGES = np.array([10.0, 30.0, 50.0, 70.0, 90.0, 100.0])
_BAND_LABELS = np.array(["0-10", "11-30", "31-50", "51-70", "71-90", "91-100"], dtype=object)


#: The problem of a sub-criterion id the CAF 2020 model does not have.
UNKNOWN_SUBCRITERION = "unknown CAF sub-criterion (use 1.1 ... 9.2)"


def _scores_0_100(
    problems: Problems, frame: pd.DataFrame, column: str, source: str | None
) -> np.ndarray:
    """The ``column`` of scores as floats; flag the non-numbers and those outside 0-100."""
    arr, bad = to_numeric_column(frame[column], source=source, column=column)
    raw = frame[column].to_numpy(dtype=object)
    problems.add(bad, column=column, value=raw, rule=Rule.NOT_A_NUMBER,
                 message="score is not a number")  # fmt: skip
    problems.add(~np.isnan(arr) & ((arr < 0) | (arr > 100)), column=column, value=raw,
                 rule=Rule.OUT_OF_RANGE, message="score outside 0-100")  # fmt: skip
    return arr


def _text(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame.columns:
        return pd.Series([""] * len(frame), index=frame.index, dtype="string")
    return frame[column].astype("string").fillna("").str.strip()


def _normalise_subcriterion(values: pd.Series) -> pd.Series:
    if pd.api.types.is_float_dtype(values):  # 1.1 read as a number from a CSV
        text = values.map(lambda v: "" if pd.isna(v) else f"{v:g}").astype("string")
    else:
        text = values.astype("string").fillna("").str.strip()
    return text.str.replace(r"^(\d)\.(\d)\.?0*$", r"\1.\2", regex=True)


def score_band(scores: Any) -> np.ndarray:
    """The CAF band label (``"0-10"``, ``"11-30"`` ... ``"91-100"``) of each score.

    A score between bands (10.5) goes to the upper band; NaN gives ``""``.

    Examples
    --------
    >>> score_band([0, 10, 10.5, 50, 71, 100, float("nan")]).tolist()
    ['0-10', '0-10', '11-30', '31-50', '71-90', '91-100', '']
    """
    arr = np.asarray(scores, dtype=float)
    idx = np.searchsorted(_BAND_EDGES, arr, side="left")
    ok = ~np.isnan(arr) & (arr >= 0) & (arr <= 100)
    out = np.full(arr.shape, "", dtype=object)
    out[ok] = _BAND_LABELS[idx[ok]]
    return out


def validate_scores(
    scores: pd.DataFrame,
    *,
    method: ScoringMethod | str | None = None,
    require_complete: bool = True,
    source: str | None = None,
) -> pd.DataFrame:
    """Check a table of individual CAF scores and return a clean copy.

    Parameters
    ----------
    scores
        One row per assessor and sub-criterion (see the module docstring for
        the columns).
    method
        ``"classical"`` (one ``score``) or ``"fine_tuned"`` (``plan``,
        ``do``, ``check``, ``act`` for enablers; ``trends``, ``targets`` for
        results). By default fine-tuned when any of those columns is
        present.
    require_complete
        Every one of the 28 sub-criteria must appear at least once, scored
        or marked ``not_assessed``.
    source
        File name, for error messages.

    Returns
    -------
    DataFrame
        Columns ``assessor, subcriterion, criterion, kind, score,
        not_assessed, evidence, strengths, improvements`` (and the partial
        score columns when fine-tuned), in the input order. For fine-tuned
        rows ``score`` is the mean of the partial scores, as in the CAF
        2020 fine-tuned panels (sum of the phases / 4, or of trends and
        targets / 2).

    Raises
    ------
    DataError
        With ``row`` (1-based data row) and ``column`` of the first problem,
        and every problem in ``failure_cases`` (the problems table of
        :mod:`qualitapa.problems`: ``source, row, column, value, rule,
        message``): unknown sub-criterion, missing assessor, score
        not a number or outside 0-100, incomplete PDCA phases, the same
        assessor twice on a sub-criterion, a missing score not marked
        ``not_assessed``, a sub-criterion absent from the table.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"assessor": ["anna", "anna"], "subcriterion": ["1.1", "6.1"],
    ...                   "plan": [40, None], "do": [30, None], "check": [20, None],
    ...                   "act": [10, None], "trends": [None, 60], "targets": [None, 50]})
    >>> validate_scores(t, require_complete=False)[["subcriterion", "kind", "score"]]
      subcriterion      kind  score
    0          1.1  enablers   25.0
    1          6.1   results   55.0
    >>> validate_scores(t.assign(act=[120, None]), require_complete=False)
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    qualitapa.errors.DataError: row 1, column 'act': invalid CAF scores: score outside 0-100 ...
    """
    require_columns(scores, ["assessor", "subcriterion"], source=source)
    model = caf_model()
    method = _scoring_method(scores, method, source)
    problems = Problems(source=source, what="CAF scores", order=("row",))
    n = len(scores)

    # sub-criteria, their criterion and kind
    sub = _normalise_subcriterion(scores["subcriterion"])
    known = {s.id: s for s in model.subcriteria}
    sub_arr = sub.to_numpy(dtype=object)
    is_known = sub.isin(list(known)).to_numpy()
    problems.add(~is_known, column="subcriterion", value=sub_arr, rule=Rule.UNKNOWN_VALUE,
                 message=UNKNOWN_SUBCRITERION)  # fmt: skip
    criterion = np.array([known[s].criterion if s in known else "" for s in sub_arr], dtype=object)
    kinds = {c.id: c.kind.value for c in model.criteria}
    kind = np.array([kinds.get(c, "") for c in criterion], dtype=object)

    # assessors and the not_assessed flag
    assessor, not_assessed = _assessors(problems, scores)

    # the scores: classical, or the mean of the fine-tuned partial scores
    given = (
        _scores_0_100(problems, scores, "score", source)
        if "score" in scores.columns
        else np.full(n, np.nan)
    )
    score, any_part = given.copy(), np.zeros(n, dtype=bool)
    parts: dict[str, np.ndarray] = {}
    if method is ScoringMethod.FINE_TUNED:
        score, any_part, parts = _fine_tuned(problems, scores, kind, is_known, given, source)

    result = pd.DataFrame(
        {
            "assessor": assessor.to_numpy(dtype=object),
            "subcriterion": sub_arr,
            "criterion": criterion,
            "kind": kind,
            "score": score,
            **parts,
            "not_assessed": not_assessed,
        }
    )
    missing_col = "score" if method is ScoringMethod.CLASSICAL else "subcriterion"
    _check_coverage(problems, result, is_known & ~any_part, missing_col, is_known)
    if require_complete:
        absent = [s.id for s in model.subcriteria if s.id not in set(sub_arr[is_known])]
        for s_id in absent:
            problems.add(None, column="subcriterion", value=s_id, rule=Rule.INCOMPLETE,
                             message="sub-criterion missing from the table: score it or add "
                             "a row marked not_assessed")  # fmt: skip
    problems.raise_if_any()
    for col in COMMENT_COLUMNS:
        alias = "areas_for_improvement" if col == "improvements" else col
        result[col] = _text(scores, col if col in scores.columns else alias).to_numpy(dtype=object)
    result.attrs["caf_method"] = method.value
    return result


def _scoring_method(
    scores: pd.DataFrame, method: ScoringMethod | str | None, source: str | None
) -> ScoringMethod:
    """The method asked for, or fine-tuned when a partial score column is present."""
    if method is None:
        fine = any(c in scores.columns for c in ENABLER_PARTS + RESULT_PARTS)
        method = ScoringMethod.FINE_TUNED if fine else ScoringMethod.CLASSICAL
    method = ScoringMethod(method)
    if method is ScoringMethod.CLASSICAL:
        require_columns(scores, ["score"], source=source)
    return method


def _assessors(problems: Problems, scores: pd.DataFrame) -> tuple[pd.Series, np.ndarray]:
    """The assessor of each row and whether the row is marked not assessed."""
    assessor = _text(scores, "assessor")
    problems.add((assessor == "").to_numpy(), column="assessor",
                 value=assessor.to_numpy(dtype=object), rule=Rule.REQUIRED,
                 message="missing assessor")  # fmt: skip
    flag_text = _text(scores, "not_assessed").str.lower()
    not_assessed = flag_text.isin(list(_TRUE)).to_numpy()
    bad_flag = ~(not_assessed | flag_text.isin(list(_FALSE)).to_numpy())
    problems.add(bad_flag, column="not_assessed", value=flag_text.to_numpy(dtype=object),
                 rule=Rule.INVALID,
                 message="not_assessed must be yes/no (or true/false, 1/0, x/blank)")  # fmt: skip
    return assessor, not_assessed


def _check_coverage(
    problems: Problems,
    rows: pd.DataFrame,
    may_miss: np.ndarray,
    missing_col: str,
    is_known: np.ndarray,
) -> None:
    """Missing scores, scores on rows marked not assessed, an assessor twice on one row."""
    sub_arr = rows["subcriterion"].to_numpy(dtype=object)
    has_score = rows["score"].notna().to_numpy()
    not_assessed = rows["not_assessed"].to_numpy(dtype=bool)
    problems.add(~has_score & ~not_assessed & may_miss, column=missing_col, value=sub_arr,
                 rule=Rule.REQUIRED,
                 message="missing score: enter a score or mark the row not_assessed")  # fmt: skip
    problems.add(has_score & not_assessed, column="not_assessed", value=sub_arr,
                 rule=Rule.INCONSISTENT,
                 message="row is marked not_assessed but has a score")  # fmt: skip
    dup = rows.duplicated(["assessor", "subcriterion"], keep="first").to_numpy() & is_known
    problems.add(dup, column="subcriterion", value=sub_arr, rule=Rule.DUPLICATE,
                 message="this assessor scored the sub-criterion twice")  # fmt: skip


def _fine_tuned(
    problems: Problems,
    scores: pd.DataFrame,
    kind: np.ndarray,
    is_known: np.ndarray,
    given: np.ndarray,
    source: str | None,
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Fine-tuned scoring: ``(score, any partial score given, the partial scores)``.

    A complete panel's score is the mean of its partial scores (CAF 2020:
    the sum of the PDCA phases / 4, of trends and targets / 2).
    """
    n = len(scores)
    score = given.copy()
    any_part = np.zeros(n, dtype=bool)
    out: dict[str, np.ndarray] = {}
    for parts, rows_mask, other in (
        (ENABLER_PARTS, kind == CriterionKind.ENABLERS.value, "results"),
        (RESULT_PARTS, kind == CriterionKind.RESULTS.value, "enablers"),
    ):
        values = np.column_stack(
            [
                _scores_0_100(problems, scores, p, source) if p in scores.columns
                else np.full(n, np.nan)
                for p in parts
            ]
        )  # fmt: skip
        present = ~np.isnan(values)
        mine = "enablers" if other == "results" else "results"
        for j, p in enumerate(parts):
            out[p] = values[:, j]
            problems.add(present[:, j] & ~rows_mask & is_known, column=p, value=values[:, j],
                         rule=Rule.INCONSISTENT,
                         message=f"{p!r} is a partial score of {mine}, not of {other} "
                         "sub-criteria")  # fmt: skip
        some, every = present.any(axis=1), present.all(axis=1)
        any_part |= some
        partial = rows_mask & some & ~every
        if partial.any():
            missing_col = np.array(parts, dtype=object)[np.argmin(present, axis=1)]
            for p in parts:
                problems.add(partial & (missing_col == p), column=p, rule=Rule.INCOMPLETE,
                             message=f"fine-tuned scoring needs all of {list(parts)}")  # fmt: skip
        full = rows_mask & every
        mean = np.where(full, values.sum(axis=1) / len(parts), np.nan)
        clash = full & ~np.isnan(given) & (np.abs(given - mean) > 0.5)
        problems.add(clash, column="score", value=given, rule=Rule.INCONSISTENT,
                     message="score differs from the mean of the partial scores; "
                     "leave it blank")  # fmt: skip
        score = np.where(full, mean, score)
    return score, any_part, {p: out[p] for p in ENABLER_PARTS + RESULT_PARTS}


def validate_consensus(consensus: pd.DataFrame, *, source: str | None = None) -> pd.DataFrame:
    """Check a table of consensus scores: ``subcriterion, consensus_score, rationale``.

    ``score`` is accepted for ``consensus_score``. A consensus score needs
    its rationale (why the group settled on it).

    Returns
    -------
    DataFrame
        Columns ``subcriterion, consensus_score, rationale``.

    Raises
    ------
    DataError
        Unknown or repeated sub-criterion, score not in 0-100, missing
        rationale; ``failure_cases`` lists them all.

    Examples
    --------
    >>> import pandas as pd
    >>> validate_consensus(pd.DataFrame({"subcriterion": ["2.1"], "score": [55],
    ...                                  "rationale": ["budget documents reviewed"]}))
      subcriterion  consensus_score                  rationale
    0          2.1             55.0  budget documents reviewed
    """
    frame = consensus.rename(columns={"score": "consensus_score"})
    require_columns(frame, ["subcriterion", "consensus_score", "rationale"], source=source)
    problems = Problems(source=source, what="CAF consensus", order=("row",))
    sub = _normalise_subcriterion(frame["subcriterion"]).to_numpy(dtype=object)
    ids = [s.id for s in caf_model().subcriteria]
    known = np.isin(sub, ids)
    problems.add(~known, column="subcriterion", value=sub, rule=Rule.UNKNOWN_VALUE,
                 message=UNKNOWN_SUBCRITERION)  # fmt: skip
    problems.add(pd.Series(sub).duplicated().to_numpy() & known, column="subcriterion",
                 value=sub, rule=Rule.DUPLICATE,
                 message="consensus entered twice for this sub-criterion")  # fmt: skip
    arr = _scores_0_100(problems, frame, "consensus_score", source)
    rationale = _text(frame, "rationale")
    problems.add(~np.isnan(arr) & (rationale == "").to_numpy(), column="rationale", value=sub,
                 rule=Rule.REQUIRED, message="a consensus score needs its rationale")  # fmt: skip
    problems.raise_if_any()
    return pd.DataFrame(
        {"subcriterion": sub, "consensus_score": arr, "rationale": rationale.to_numpy(dtype=object)}
    )


def _join_unique(values: pd.Series) -> str:
    seen = dict.fromkeys(v for v in values if isinstance(v, str) and v)
    return "; ".join(seen)


def consolidate(
    scores: pd.DataFrame,
    *,
    threshold: float = 20.0,
    spread: str = "range",
    consensus: pd.DataFrame | None = None,
    fallback: str | None = "mean",
    method: ScoringMethod | str | None = None,
    require_complete: bool = True,
    source: str | None = None,
) -> pd.DataFrame:
    """Consolidate the assessors' scores per sub-criterion.

    Parameters
    ----------
    scores
        Individual scores (validated here with :func:`validate_scores`).
    threshold
        Assessors disagree on a sub-criterion when the spread of their
        scores is larger than this. The default, 20 points, is the width of
        a CAF band: scores more than one band apart need discussion.
    spread
        ``"range"`` (max - min, the default) or ``"sd"`` (sample standard
        deviation) compared with ``threshold``.
    consensus
        Optional table ``subcriterion, consensus_score, rationale`` with the
        scores the group agreed on (see :func:`validate_consensus`).
    fallback
        Score used where no consensus was entered: ``"mean"`` (default),
        ``"median"``, or None (leave it missing).
    method, require_complete, source
        Passed to :func:`validate_scores`.

    Returns
    -------
    DataFrame
        One row per sub-criterion of the model (all 28, in order): ``subcriterion,
        criterion, kind, n_assessors`` (who scored it), ``n_not_assessed,
        mean, median, sd`` (sample, ddof=1; NaN with one assessor), ``min,
        max, range, disagreement`` (spread > threshold), ``consensus_score,
        rationale, final_score, final_source`` (``consensus``, ``mean``,
        ``median`` or ``none``), ``band`` (of the final score),
        ``needs_discussion`` (disagreement without consensus),
        ``strengths, improvements`` (the assessors' texts, joined with
        "; ").

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"assessor": ["a", "b", "c", "a", "b"],
    ...                   "subcriterion": ["1.1", "1.1", "1.1", "1.2", "1.2"],
    ...                   "score": [40, 50, 75, 30, 35]})
    >>> c = consolidate(t, require_complete=False)
    >>> c.loc[c.subcriterion.isin(["1.1", "1.2"]),
    ...       ["subcriterion", "mean", "median", "range", "disagreement", "band"]]
      subcriterion  mean  median  range  disagreement   band
    0          1.1  55.0    50.0   35.0          True  51-70
    1          1.2  32.5    32.5    5.0         False  31-50
    """
    check_option("spread", spread, ("range", "sd"))
    check_option("fallback", fallback, ("mean", "median", None))
    valid = validate_scores(scores, method=method, require_complete=require_complete, source=source)
    model = caf_model()
    base = model.to_frame()[["subcriterion", "criterion", "kind"]]
    scored = valid.loc[~valid["not_assessed"]]
    grouped = scored.groupby("subcriterion", sort=False)["score"]
    stats = grouped.agg(
        n_assessors="count", mean="mean", median="median", sd="std", min="min", max="max"
    )
    counts_na = valid.loc[valid["not_assessed"]].groupby("subcriterion").size()
    texts = valid.groupby("subcriterion", sort=False).agg(
        strengths=("strengths", _join_unique), improvements=("improvements", _join_unique)
    )
    out = base.merge(stats, left_on="subcriterion", right_index=True, how="left")
    out["n_assessors"] = out["n_assessors"].fillna(0).astype(int)
    out.insert(
        4,
        "n_not_assessed",
        out["subcriterion"].map(counts_na).fillna(0).astype(int).to_numpy(),
    )
    out["range"] = out["max"] - out["min"]
    measure = out["range"] if spread == "range" else out["sd"]
    out["disagreement"] = (measure > threshold).fillna(False).astype(bool)
    if consensus is not None:
        cons = validate_consensus(consensus, source=None)
        out = out.merge(cons, on="subcriterion", how="left")
        out["rationale"] = out["rationale"].fillna("")
    else:
        out["consensus_score"] = np.nan
        out["rationale"] = ""
    has_cons = out["consensus_score"].notna()
    fb = out[fallback] if fallback else pd.Series(np.nan, index=out.index)
    out["final_score"] = out["consensus_score"].where(has_cons, fb)
    out["final_source"] = np.where(
        has_cons, "consensus", np.where(out["final_score"].notna(), fallback or "none", "none")
    )
    out["band"] = score_band(out["final_score"].to_numpy())
    out["needs_discussion"] = out["disagreement"] & ~has_cons
    out = out.merge(texts, left_on="subcriterion", right_index=True, how="left")
    for col in ("strengths", "improvements"):
        out[col] = out[col].fillna("")
    out.attrs["caf_method"] = valid.attrs.get("caf_method")
    return out.reset_index(drop=True)


def caf_scores(consolidated: pd.DataFrame, *, column: str = "final_score") -> pd.DataFrame:
    """Criterion, enablers, results and total scores from consolidated sub-criteria.

    Aggregation (the CAF guideline prescribes no weights, so none are used):

    * a criterion scores the unweighted mean of its scored sub-criteria;
    * enablers and results score the mean of their criterion scores, and the
      total the mean of the nine criterion scores, so each criterion counts
      the same whatever its number of sub-criteria;
    * ``points`` adds the criterion scores, as national CAF tools often
      report them: at most 500 for enablers, 400 for results, 900 in total.

    Sub-criteria with no score (not assessed by anyone) are left out of the
    means and counted in ``n_scored``.

    Parameters
    ----------
    consolidated
        The output of :func:`consolidate` (any frame with ``subcriterion``
        and ``column``).
    column
        The sub-criterion score to aggregate (``final_score``, ``mean``,
        ``median`` or ``consensus_score``).

    Returns
    -------
    DataFrame
        Columns ``level`` (``criterion``, ``enablers``, ``results``,
        ``total``), ``id``, ``title_it``, ``title_en``, ``score`` (0-100),
        ``points``, ``max_points``, ``n_subcriteria``, ``n_scored``.

    Examples
    --------
    >>> import pandas as pd
    >>> sub = caf_model().to_frame()[["subcriterion"]]
    >>> sub["final_score"] = [50.0] * 20 + [80.0] * 8
    >>> caf_scores(sub).query("level != 'criterion'")[["id", "score", "points", "max_points"]]
              id      score  points  max_points
    9   enablers  50.000000   250.0         500
    10   results  80.000000   320.0         400
    11     total  63.333333   570.0         900
    """
    require_columns(consolidated, ["subcriterion", column])
    model = caf_model()
    frame = model.to_frame()[["subcriterion", "criterion", "kind"]].merge(
        consolidated[["subcriterion", column]], on="subcriterion", how="left"
    )
    per = frame.groupby("criterion", sort=False).agg(
        score=(column, "mean"), n_subcriteria=("subcriterion", "size"), n_scored=(column, "count")
    )
    titles = {c.id: c.title for c in model.criteria}
    kinds = {c.id: c.kind.value for c in model.criteria}
    crit = per.reset_index().rename(columns={"criterion": "id"})
    crit.insert(0, "level", "criterion")
    crit["title_it"] = crit["id"].map(lambda i: titles[i].it)
    crit["title_en"] = crit["id"].map(lambda i: titles[i].get("en"))
    crit["points"] = crit["score"]
    crit["max_points"] = 100
    crit["_kind"] = crit["id"].map(kinds)
    summary = []
    for level, mask, it, en in (
        ("enablers", crit["_kind"] == "enablers", "Fattori abilitanti", "Enablers"),
        ("results", crit["_kind"] == "results", "Risultati", "Results"),
        ("total", pd.Series(True, index=crit.index), "Totale", "Total"),
    ):
        part = crit.loc[mask]
        summary.append(
            {
                "level": level,
                "id": level,
                "title_it": it,
                "title_en": en,
                "score": part["score"].mean(),
                "points": part["score"].sum(min_count=1),
                "max_points": 100 * len(part),
                "n_subcriteria": int(part["n_subcriteria"].sum()),
                "n_scored": int(part["n_scored"].sum()),
            }
        )
    columns = ["level", "id", "title_it", "title_en", "score", "points", "max_points",
               "n_subcriteria", "n_scored"]  # fmt: skip
    return pd.concat([crit[columns], pd.DataFrame(summary, columns=columns)], ignore_index=True)


def compare_assessments(
    current: pd.DataFrame,
    previous: pd.DataFrame,
    *,
    column: str = "final_score",
    tolerance: float = 0.0,
) -> pd.DataFrame:
    """Compare two consolidated assessments (e.g. 2022 and 2024).

    Parameters
    ----------
    current, previous
        Outputs of :func:`consolidate`.
    column
        Which sub-criterion score to compare.
    tolerance
        Changes of at most this many points count as ``unchanged``.

    Returns
    -------
    DataFrame
        One row per sub-criterion, then per criterion and for enablers,
        results and total (aggregated with :func:`caf_scores`): ``level,
        id, previous, current, change, direction`` (``improved``,
        ``worsened``, ``unchanged``, ``new`` (not scored before),
        ``dropped`` (not scored now) or ``""`` (scored in neither)).

    Examples
    --------
    >>> import pandas as pd
    >>> ids = caf_model().to_frame()[["subcriterion"]]
    >>> before = ids.assign(final_score=40.0)
    >>> after = ids.assign(final_score=[55.0] + [40.0] * 27)
    >>> cmp = compare_assessments(after, before)
    >>> cmp.iloc[[0]][["id", "previous", "current", "change", "direction"]]
        id  previous  current  change direction
    0  1.1      40.0     55.0    15.0  improved
    >>> cmp.query("id == '1'")["change"].item()
    3.75
    """
    require_columns(current, ["subcriterion", column])
    require_columns(previous, ["subcriterion", column])
    ids = caf_model().to_frame()[["subcriterion"]]
    sub = ids.merge(previous[["subcriterion", column]], on="subcriterion", how="left").rename(
        columns={column: "previous"}
    )
    sub = sub.merge(current[["subcriterion", column]], on="subcriterion", how="left").rename(
        columns={column: "current", "subcriterion": "id"}
    )
    sub.insert(0, "level", "subcriterion")
    agg_prev = caf_scores(previous, column=column)
    agg_cur = caf_scores(current, column=column)
    agg = agg_prev[["level", "id", "score"]].rename(columns={"score": "previous"})
    agg["current"] = agg_cur["score"].to_numpy()
    out = pd.concat([sub, agg], ignore_index=True)
    out["change"] = out["current"] - out["previous"]
    prev_ok, cur_ok = out["previous"].notna(), out["current"].notna()
    out["direction"] = np.select(
        [
            prev_ok & cur_ok & (out["change"] > tolerance),
            prev_ok & cur_ok & (out["change"] < -tolerance),
            prev_ok & cur_ok,
            ~prev_ok & cur_ok,
            prev_ok & ~cur_ok,
        ],
        ["improved", "worsened", "unchanged", "new", "dropped"],
        default="",
    )
    return out


def subcriterion_ids(kind: CriterionKind | str | None = None) -> Sequence[str]:
    """Ids of the sub-criteria (of one kind if given), in model order."""
    model = caf_model()
    return [
        s.id
        for c in model.criteria
        if kind is None or c.kind is CriterionKind(kind)
        for s in c.subcriteria
    ]
