"""CAF self-assessment: consolidate individual scores, aggregate, compare.

The individual scores are checked by :mod:`qualitapa.caf._validate`
(:func:`~qualitapa.caf.validate_scores`), where their columns are described.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from qualitapa.caf._model import CriterionKind, ScoringMethod, caf_model
from qualitapa.caf._validate import validate_consensus, validate_scores
from qualitapa.io import require_columns
from qualitapa.problems import check_option

_BAND_EDGES = np.array([10.0, 30.0, 50.0, 70.0, 90.0, 100.0])
_BAND_LABELS = np.array(["0-10", "11-30", "31-50", "51-70", "71-90", "91-100"], dtype=object)


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

    Raises
    ------
    DataError
        Any problem in ``scores`` or ``consensus`` (:func:`validate_scores`
        and :func:`validate_consensus` in strict mode): the error names the
        first, ``failure_cases`` lists them all.

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
    valid, _ = validate_scores(
        scores, method=method, require_complete=require_complete, source=source, mode="strict"
    )
    out = _assessor_statistics(valid)
    measure = out["range"] if spread == "range" else out["sd"]
    out["disagreement"] = (measure > threshold).fillna(False).astype(bool)
    out = _final_scores(out, consensus, fallback)
    texts = valid.groupby("subcriterion", sort=False).agg(
        strengths=("strengths", _join_unique), improvements=("improvements", _join_unique)
    )
    out = out.merge(texts, left_on="subcriterion", right_index=True, how="left")
    for col in ("strengths", "improvements"):
        out[col] = out[col].fillna("")
    out.attrs["caf_method"] = valid.attrs.get("caf_method")
    return out.reset_index(drop=True)


def _assessor_statistics(valid: pd.DataFrame) -> pd.DataFrame:
    """Every sub-criterion of the model (in order) with the statistics of its scores.

    Columns ``subcriterion, criterion, kind, n_assessors, n_not_assessed,
    mean, median, sd, min, max, range`` (see :func:`consolidate`).
    """
    base = caf_model().to_frame()[["subcriterion", "criterion", "kind"]]
    scored = valid.loc[~valid["not_assessed"]]
    grouped = scored.groupby("subcriterion", sort=False)["score"]
    stats = grouped.agg(
        n_assessors="count", mean="mean", median="median", sd="std", min="min", max="max"
    )
    counts_na = valid.loc[valid["not_assessed"]].groupby("subcriterion").size()
    out = base.merge(stats, left_on="subcriterion", right_index=True, how="left")
    out["n_assessors"] = out["n_assessors"].fillna(0).astype(int)
    out.insert(
        4,
        "n_not_assessed",
        out["subcriterion"].map(counts_na).fillna(0).astype(int).to_numpy(),
    )
    out["range"] = out["max"] - out["min"]
    return out


def _final_scores(
    out: pd.DataFrame, consensus: pd.DataFrame | None, fallback: str | None
) -> pd.DataFrame:
    """``out`` with the consensus, the final score and its source, band and discussion flag."""
    if consensus is not None:
        cons, _ = validate_consensus(consensus, mode="strict")
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
    return out


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
        ``total``), ``id``, ``title_it``, ``title_en``, ``title_de``, ``score`` (0-100),
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
    crit["title_de"] = crit["id"].map(lambda i: titles[i].get("de"))
    crit["points"] = crit["score"]
    crit["max_points"] = 100
    crit["_kind"] = crit["id"].map(kinds)
    summary = []
    for level, mask, it, en, de in (
        ("enablers", crit["_kind"] == "enablers", "Fattori abilitanti", "Enablers", "Befähiger"),
        ("results", crit["_kind"] == "results", "Risultati", "Results", "Ergebnisse"),
        ("total", pd.Series(True, index=crit.index), "Totale", "Total", "Gesamt"),
    ):
        part = crit.loc[mask]
        summary.append(
            {
                "level": level,
                "id": level,
                "title_it": it,
                "title_en": en,
                "title_de": de,
                "score": part["score"].mean(),
                "points": part["score"].sum(min_count=1),
                "max_points": 100 * len(part),
                "n_subcriteria": int(part["n_subcriteria"].sum()),
                "n_scored": int(part["n_scored"].sum()),
            }
        )
    columns = ["level", "id", "title_it", "title_en", "title_de", "score", "points", "max_points",
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
