"""Candidate improvement actions derived from a CAF, a compliance check, a survey, a benchmark.

Each ``actions_from_*`` function returns an action table
(:data:`~qualitapa.improvement.ACTION_COLUMNS`) with status ``proposed``,
ready to be edited (owner, due date, effort) and loaded with
:meth:`~qualitapa.improvement.ImprovementPlan.from_frame`. Impact and
urgency are suggested by documented rules; effort is unknown until someone
looks at the action and defaults to 3.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from qualitapa.improvement._plan import ACTION_COLUMNS, prioritise
from qualitapa.io import require_columns


def _impact_from_gap(gap: np.ndarray) -> np.ndarray:
    """1 + floor(gap / 20), within 1-5: one step per CAF band (20 points) below 100."""
    return np.clip(1 + np.floor(np.nan_to_num(gap, nan=0.0) / 20.0), 1, 5).astype(int)


def _text_column(frame: pd.DataFrame, column: str) -> np.ndarray:
    """``column`` as text, blank where missing or where the table has no such column."""
    if column not in frame.columns:
        return np.full(len(frame), "", dtype=object)
    values = frame[column]
    # not fillna(""): pandas refuses "" as a new category of a categorical column
    text = values.astype(str).to_numpy(dtype=object)
    text[values.isna().to_numpy()] = ""
    return text


def _table(data: dict[str, object], n: int) -> pd.DataFrame:
    frame = pd.DataFrame({c: data.get(c, [""] * n) for c in ACTION_COLUMNS if c != "priority"})
    frame["priority"] = 0.0
    frame["due"] = None
    return prioritise(frame[ACTION_COLUMNS])


def actions_from_caf(
    consolidated: pd.DataFrame,
    *,
    max_score: float = 50.0,
    include_disagreement: bool = True,
    urgency_enablers: int = 4,
    urgency_results: int = 3,
    effort: int = 3,
    organization: str = "",
) -> pd.DataFrame:
    """Candidate actions for weak or disputed CAF sub-criteria.

    Parameters
    ----------
    consolidated
        The output of :func:`qualitapa.caf.consolidate`.
    max_score
        Sub-criteria whose ``final_score`` is at most this get an action
        (50: not yet past the DO phase / flat results).
    include_disagreement
        Also propose an action (to clarify the evidence) where the assessors
        disagree and no consensus was entered.
    urgency_enablers, urgency_results
        Urgency of actions on enablers (causes: acting on them moves the
        results) and on results.
    effort, organization
        Filled into every action.

    Returns
    -------
    DataFrame
        Action table; ``impact = 1 + floor((100 - score) / 20)`` within
        1-5 (one point per CAF band below the top), ``reference`` is the
        sub-criterion, ``expected_effect`` the assessors' areas for
        improvement, ``evidence`` the score.

    Examples
    --------
    >>> import pandas as pd
    >>> from qualitapa.caf import consolidate
    >>> t = pd.DataFrame({"assessor": ["a", "b"], "subcriterion": ["3.2", "3.2"],
    ...                   "score": [20, 30], "improvements": ["no training plan", ""]})
    >>> acts = actions_from_caf(consolidate(t, require_complete=False))
    >>> cols = ["id", "reference", "impact", "urgency", "priority", "expected_effect"]
    >>> acts[cols]  # doctest: +NORMALIZE_WHITESPACE
                id reference  impact  urgency  priority   expected_effect
    0  caf-3.2  3.2       4        4  5.333333  no training plan
    """
    require_columns(consolidated, ["subcriterion", "final_score", "kind"])
    c = consolidated
    score = c["final_score"].to_numpy(dtype=float)
    low = ~np.isnan(score) & (score <= max_score)
    disputed = (
        c["needs_discussion"].to_numpy(dtype=bool)
        if include_disagreement and "needs_discussion" in c.columns
        else np.zeros(len(c), dtype=bool)
    )
    pick = low | disputed
    sel = c.loc[pick]
    sub = sel["subcriterion"].astype(str).to_numpy(dtype=object)
    sel_score = score[pick]
    is_enabler = sel["kind"].to_numpy(dtype=object) == "enablers"
    low_sel = low[pick]
    improvements = _text_column(sel, "improvements")
    n = len(sel)
    return _table(
        {
            "id": np.char.add("caf-", sub.astype(str)).astype(object),
            "title": _caf_titles(sub, low_sel),
            "source": ["caf"] * n,
            "reference": sub,
            "organization": [organization] * n,
            "owner": [""] * n,
            "expected_effect": improvements,
            "impact": np.where(low_sel, _impact_from_gap(100 - sel_score), 2),
            "urgency": np.where(is_enabler, urgency_enablers, urgency_results),
            "effort": [effort] * n,
            "status": ["proposed"] * n,
            "evidence": _caf_evidence(sel_score, low_sel),
        },
        n,
    )


def _caf_titles(sub: np.ndarray, low: np.ndarray) -> np.ndarray:
    """Action titles (Italian): improve a low sub-criterion, or clarify disputed evidence."""
    from qualitapa.caf import caf_model

    titles = {s.id: s.title.it for s in caf_model().subcriteria}
    return np.array(
        [
            (f"Migliorare {s} {titles.get(s, '')}" if is_low else f"Chiarire le evidenze {s}")
            for s, is_low in zip(sub, low, strict=True)
        ],
        dtype=object,
    )


def _caf_evidence(score: np.ndarray, low: np.ndarray) -> list[str]:
    """The evidence of each action: the score, and whether the assessors disagree."""
    return [
        f"CAF score {v:.1f}" + ("" if is_low else ", assessors disagree")
        for v, is_low in zip(score, low, strict=True)
    ]


def actions_from_compliance(
    compliance_table: pd.DataFrame,
    *,
    effort: int = 3,
) -> pd.DataFrame:
    """Candidate actions for standards not met.

    One action per standard and organization where ``met`` is False
    (missing measurements are not actions: report them to the data owner).

    Rules: ``impact`` 5 when refunds were paid (citizens were harmed and it
    costs money), else 4; ``urgency`` 5 for specific standards (a promise
    to each citizen), 4 for general ones.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"standard": ["r.wait", "r.online"], "organization": ["mo", "mo"],
    ...                   "period": ["2024", "2024"], "scope": ["specific", "general"],
    ...                   "met": [False, True], "margin": [-0.3, 2.0], "target": ["<= 20", ">= 60"],
    ...                   "refund_amount": [14.0, 0.0]})
    >>> cols = ["id", "impact", "urgency", "priority"]
    >>> actions_from_compliance(t)[cols]  # doctest: +NORMALIZE_WHITESPACE
                    id  impact  urgency  priority
    0  std-r.wait-mo       5        5  8.333333
    """
    require_columns(compliance_table, ["standard", "scope", "met", "margin", "target"])
    t = compliance_table
    missed = (t["met"] == False).fillna(False).to_numpy(dtype=bool)  # noqa: E712 - NA-aware
    sel = t.loc[missed]
    n = len(sel)
    std = sel["standard"].astype(str).to_numpy(dtype=object)
    org = _text_column(sel, "organization")
    period = _text_column(sel, "period")
    refund = (
        sel["refund_amount"].fillna(0).to_numpy(dtype=float)
        if "refund_amount" in sel.columns
        else np.zeros(n)
    )
    ids = [f"std-{s}" + (f"-{o}" if o else "") for s, o in zip(std, org, strict=True)]
    frame = _table(
        {
            "id": ids,
            "title": [f"Rispettare lo standard {s}" for s in std],
            "source": ["standard"] * n,
            "reference": std,
            "organization": org,
            "expected_effect": [f"target {t_}" for t_ in sel["target"].astype(str)],
            "impact": np.where(refund > 0, 5, 4),
            "urgency": np.where(sel["scope"].to_numpy(dtype=object) == "specific", 5, 4),
            "effort": [effort] * n,
            "status": ["proposed"] * n,
            "evidence": [
                f"{p}: margin {m:.3g}" + (f", refunds {r:.2f}" if r else "")
                for p, m, r in zip(period, sel["margin"].to_numpy(dtype=float), refund, strict=True)
            ],
        },
        n,
    )
    return frame.drop_duplicates("id", keep="first").reset_index(drop=True)


def _low_scores(
    frame: pd.DataFrame,
    *,
    source: str,
    item_column: str,
    score_column: str,
    threshold: float,
    higher_is_better: bool,
    scale: float,
    urgency: int,
    effort: int,
    title: str,
) -> pd.DataFrame:
    require_columns(frame, [item_column, score_column])
    score = frame[score_column].to_numpy(dtype=float)
    bad = ~np.isnan(score) & ((score < threshold) if higher_is_better else (score > threshold))
    sel = frame.loc[bad]
    n = len(sel)
    items = sel[item_column].astype(str).to_numpy(dtype=object)
    org = _text_column(sel, "organization")
    gap = np.abs(score[bad] - threshold) / scale * 100
    return _table(
        {
            "id": [
                f"{source}-{i}" + (f"-{o}" if o else "") for i, o in zip(items, org, strict=True)
            ],
            "title": [title.format(item=i) for i in items],
            "source": [source] * n,
            "reference": items,
            "organization": org,
            "impact": _impact_from_gap(gap),
            "urgency": [urgency] * n,
            "effort": [effort] * n,
            "status": ["proposed"] * n,
            "evidence": [f"{score_column} {v:.3g} (threshold {threshold:g})" for v in score[bad]],
        },
        n,
    )


def actions_from_survey(
    dimension_scores: pd.DataFrame,
    *,
    dimension_column: str = "dimension",
    score_column: str = "index",
    threshold: float = 60.0,
    scale: float = 100.0,
    urgency: int = 3,
    effort: int = 3,
) -> pd.DataFrame:
    """Candidate actions for survey dimensions scoring below ``threshold``.

    ``dimension_scores`` has one row per dimension (and optionally
    ``organization``), e.g. the satisfaction indices (0-100) of the surveys
    module. ``impact = 1 + floor(gap / 20)`` within 1-5, with ``gap`` the
    shortfall in points of a 0-100 scale (``scale`` converts other scales).

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"dimension": ["waiting", "courtesy"], "index": [48.0, 81.0]})
    >>> actions_from_survey(s)[["id", "impact", "evidence"]]  # doctest: +NORMALIZE_WHITESPACE
                   id  impact                        evidence
    0  survey-waiting       1  index 48 (threshold 60)
    """
    return _low_scores(
        dimension_scores,
        source="survey",
        item_column=dimension_column,
        score_column=score_column,
        threshold=threshold,
        higher_is_better=True,
        scale=scale,
        urgency=urgency,
        effort=effort,
        title="Migliorare la dimensione '{item}' del gradimento",
    )


def actions_from_benchmark(
    gaps: pd.DataFrame,
    *,
    indicator_column: str = "indicator",
    gap_column: str = "gap_to_median",
    urgency: int = 2,
    effort: int = 3,
) -> pd.DataFrame:
    """Candidate actions for indicators where an organization is worse than its peers.

    ``gaps`` has ``indicator``, optionally ``organization``, and a signed
    gap oriented by polarity (negative = worse than the reference, as the
    benchmarking functions report ``gap_to_median`` in percent of the
    median). Rows with a negative gap get an action; ``impact = 1 +
    floor(|gap| / 20)`` within 1-5.

    Examples
    --------
    >>> import pandas as pd
    >>> g = pd.DataFrame({"indicator": ["loans", "cost"], "organization": ["mo", "mo"],
    ...                   "gap_to_median": [-45.0, 10.0]})
    >>> actions_from_benchmark(g)[["id", "impact", "urgency"]]  # doctest: +NORMALIZE_WHITESPACE
                      id  impact  urgency
    0  benchmark-loans-mo       3        2
    """
    return _low_scores(
        gaps,
        source="benchmark",
        item_column=indicator_column,
        score_column=gap_column,
        threshold=0.0,
        higher_is_better=True,
        scale=100.0,
        urgency=urgency,
        effort=effort,
        title="Ridurre il divario sull'indicatore '{item}'",
    )


def actions_from_expected(
    expected: pd.DataFrame,
    *,
    urgency: int = 4,
    effort: int = 3,
) -> pd.DataFrame:
    """Candidate actions for the expected results of the quality plan not obtained.

    One action per row of :func:`qualitapa.programme.expected_vs_obtained`
    whose ``outcome`` is ``not_met`` (``no_data`` is not an action: ask the
    data owner for the measurement), linked to its ``department`` and
    ``activity``. ``impact = 1 + floor(shortfall / 20)`` within 1-5, the
    shortfall in percent of the expected value (``100 * |gap| / |expected|``;
    3 when the expected value is 0).

    Examples
    --------
    >>> import pandas as pd
    >>> e = pd.DataFrame({"organization": "mo", "year": "2024", "activity": ["a1", "a2"],
    ...     "department": "demo", "expected_kind": "indicator",
    ...     "expected_id": ["registry.average_wait", "registry.online_share"],
    ...     "period": "2024", "operator": ["<=", ">="], "expected": [10.0, 50.0],
    ...     "obtained": [14.0, 55.0], "unit": ["minutes", "%"], "outcome": ["not_met", "met"],
    ...     "gap": [-4.0, 5.0]})
    >>> actions_from_expected(e)[["id", "department", "activity", "impact"]]
               id department activity  impact
    0  prog-a1-mo       demo       a1       3
    """
    require_columns(
        expected,
        ["organization", "activity", "department", "expected_id", "operator", "expected",
         "obtained", "outcome", "gap"],
    )  # fmt: skip
    sel = expected.loc[expected["outcome"].eq("not_met").to_numpy()]
    n = len(sel)
    act = sel["activity"].astype(str).to_numpy(dtype=object)
    org = _text_column(sel, "organization")
    gap = sel["gap"].to_numpy(dtype=float)
    target = sel["expected"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        shortfall = np.where(target != 0, 100 * np.abs(gap) / np.abs(target), 40.0)
    unit = _text_column(sel, "unit")
    op = _text_column(sel, "operator")
    ids = _text_column(sel, "expected_id")
    period = _text_column(sel, "period")
    return _table(
        {
            "id": [f"prog-{a}" + (f"-{o}" if o else "") for a, o in zip(act, org, strict=True)],
            "title": [f"Raggiungere il risultato atteso su {i}" for i in ids],
            "source": ["programme"] * n,
            "reference": ids,
            "organization": org,
            "expected_effect": [
                f"{o} {t:g} {u}".strip() for o, t, u in zip(op, target, unit, strict=True)
            ],
            "impact": _impact_from_gap(shortfall),
            "urgency": [urgency] * n,
            "effort": [effort] * n,
            "status": ["proposed"] * n,
            "evidence": [
                f"{p}: obtained {v:.4g}, gap {g:.4g}"
                for p, v, g in zip(period, sel["obtained"].to_numpy(dtype=float), gap, strict=True)
            ],
            "department": _text_column(sel, "department"),
            "activity": act,
        },
        n,
    )


def combine_actions(*tables: pd.DataFrame) -> pd.DataFrame:
    """Stack action tables, keep the first of repeated ids, and sort by priority.

    A table without the optional link columns (``department``, ``activity``:
    an action table written before they existed) gets them blank.
    """
    frames = [t for t in tables if len(t)]
    if not frames:
        return pd.DataFrame(columns=ACTION_COLUMNS)
    out = pd.concat(frames, ignore_index=True).drop_duplicates("id", keep="first")
    for col in ("department", "activity"):
        if col not in out.columns:
            out[col] = ""
        out[col] = out[col].fillna("")
    return prioritise(out[ACTION_COLUMNS])
