"""The demo's ``summary.md``: one small function per section, over the demo state.

Every number printed here is recomputed by ``tests/demo/test_demo_audit.py``
(and the composite lines by ``tests/composite/test_composite_demo_summary.py``).
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from qualitapa.demo._state import DemoState

Section = Callable[[DemoState], list[str]]


def _header(state: DemoState) -> list[str]:
    scale, profile = state.options.scale, state.options.profile
    if scale == "national":
        title = "synthetic national set of municipalities"
    else:
        title = profile.label.get("en")
    values = state.values
    return [
        f"# qualitapa demo — {title}, {state.period}",
        "",
        "**Synthetic data** generated for demonstration: no figure here describes a real city.",
        "",
        f"Scale: {profile.id if scale == 'cities' else scale}; "
        f"organizations: {values['organization'].nunique()}; "
        f"indicators: {values['indicator'].nunique()}; "
        f"periods: {values['period'].nunique()}.",
        "",
    ]


def _best_performers(state: DemoState) -> list[str]:
    from qualitapa.indicators import MIN_COMPARED

    bench, period = state.benchmark, state.period
    if bench.empty:
        return []
    latest = bench[(pd.to_numeric(bench["period"]) == period) & bench["is_best"].astype(bool)]
    if not len(latest):
        return []
    orgs = latest["organization"].astype(str)
    city = orgs.map(state.organization_names).fillna(orgs)
    counts = latest.assign(city=city).groupby("city").size().sort_values(ascending=False)
    within = ""
    peer = state.options.peer_group
    if peer is not None:
        group = state.catalog.peer_groups[peer]
        within = f" of its peer group ({peer}: {', '.join(group.labels)})"
    lines = [
        "## Best performers",
        "",
        f"Indicators on which each city is the best performer{within} in {period} "
        f"(comparisons of at least {MIN_COMPARED} cities with a value; local indicators "
        "are never ranked):",
        "",
    ]
    lines += [f"- {name}: {n}" for name, n in counts.head(10).items()]
    if len(counts) > 10:
        lines.append(f"- ... and {len(counts) - 10} more (indicator_benchmark.csv)")
    return [*lines, ""]


def _composite_line(comp: str, part: pd.DataFrame, names: dict[str, str]) -> str:
    """First by index value with its median rank; the lowest median rank when it differs."""
    firsts = part[part["rank"] == 1]
    said = " and ".join(
        f"{names.get(str(r['organization']), str(r['organization']))} "
        f"(index {r['value']:.1f}; median rank {r['median_rank']:g}, "
        f"5th-95th percentile {r['rank_p05']:g}-{r['rank_p95']:g})"
        for _, r in firsts.iterrows()
    )
    line = f"- {comp}, {int(part['runs'].max())} runs: first {said or 'none'}"
    best = part["median_rank"].min()
    if len(firsts) and best < firsts["median_rank"].min():
        lowest = part[part["median_rank"] == best]["organization"].astype(str)
        line += "; lowest median rank: " + " and ".join(
            f"{names.get(o, o)} ({best:g})" for o in lowest
        )
    return line


def _composites(state: DemoState) -> list[str]:
    ranks = state.result.tables.get("composite_ranks")
    if ranks is None:
        return []
    names = state.organization_names
    lines = [
        "## Composite indices",
        "",
        f"First by index value in {state.period} (rank 1 in composite_scores.csv), with its "
        "median rank and 5th-95th percentile rank over the Monte Carlo runs of the "
        "uncertainty analysis (composite_ranks.csv); when another city has a lower median "
        "rank, it is named too.",
        "",
    ]
    lines += [
        _composite_line(str(comp), part, names)
        for comp, part in ranks.groupby("composite", sort=True)
    ]
    return [*lines, ""]


def _satisfaction(state: DemoState) -> list[str]:
    dims = state.result.tables.get("survey_dimensions")
    if dims is None:
        return []
    overall = dims[dims["dimension"].astype(str) == "overall"]
    if not len(overall):
        return []
    names = state.organization_names
    lines = ["## Citizen satisfaction (overall index 0-100, weighted)", ""]
    for _, row in overall.sort_values("index", ascending=False).iterrows():
        org = str(row["organization"])
        lines.append(
            f"- {names.get(org, org)}: {row['index']:.1f} "
            f"[{row['ci_low']:.1f}, {row['ci_high']:.1f}]"
        )
    return [*lines, ""]


def _complaints(state: DemoState) -> list[str]:
    k = state.result.tables.get("complaint_kpis")
    if k is None:
        return []
    names = state.organization_names
    share = k.get("share_within_deadline")
    lines = ["## Complaints", "", f"Complaints received: {int(k['received'].sum())}."]
    if share is not None:
        lines.append(
            "Share answered within the deadline, by city: "
            + ", ".join(
                f"{names.get(str(o), str(o))} {v:.0%}"
                for o, v in zip(k["organization"], share, strict=True)
            )
        )
    return [*lines, ""]


def _charters(state: DemoState) -> list[str]:
    c = state.result.tables.get("charter_compliance")
    if c is None:
        return []
    met = c["met"].astype("boolean")
    return [
        "## Service charters",
        "",
        f"Standards checked: {int(met.notna().sum())}; met: {int(met.sum())}.",
        "",
    ]


def _caf(state: DemoState) -> list[str]:
    if "caf_scores" not in state.result.tables:
        return []
    return [
        "## CAF self-assessment",
        "",
        "Consolidated scores in caf_scores.csv; sub-criteria where assessors "
        "disagree are flagged in caf_consolidated.csv.",
        "",
    ]


def _plan(state: DemoState) -> list[str]:
    plan = state.result.tables.get("improvement_plan")
    if plan is None:
        return []
    return [
        "## Improvement plan",
        "",
        f"{len(plan)} candidate actions, "
        "prioritised by impact x urgency / effort (improvement_plan.csv).",
        "",
    ]


def _notes_and_files(state: DemoState) -> list[str]:
    result = state.result
    lines = ["## Notes", ""] + [f"- {n}" for n in result.notes] + [""] if result.notes else []
    return lines + ["## Files", ""] + [f"- `{f}`" for f in result.files] + [""]


#: The sections of summary.md, in order.
SECTIONS: tuple[Section, ...] = (
    _header,
    _best_performers,
    _composites,
    _satisfaction,
    _complaints,
    _charters,
    _caf,
    _plan,
    _notes_and_files,
)


def summary(state: DemoState) -> str:
    """A readable Markdown summary of the demo results."""
    return "\n".join(line for section in SECTIONS for line in section(state))
