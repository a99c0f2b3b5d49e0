"""Demo steps on the raw variables: indicators, composite indices and DEA."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import pandas as pd

from qualitapa.demo._state import DemoState, datasets
from qualitapa.i18n import translator
from qualitapa.io import read_table
from qualitapa.reporting import status_text

if TYPE_CHECKING:
    from qualitapa.composite import CompositeDefinition


def indicators(state: DemoState) -> None:
    """Compute, benchmark, trend and target the indicators (every period).

    The indicators measured by a survey or the complaints (a ``source``) take
    their values from the earlier steps' tables (:func:`perceived_values`).
    """
    from qualitapa import indicators as ind

    catalog, result = state.catalog, state.result
    values = ind.compute(
        list(catalog.indicators.values()), state.raw, catalog=catalog, errors="report"
    )
    perceived = perceived_values(state)
    if len(perceived):  # the survey's and the complaints' intervals and n come along
        values = pd.concat([values, perceived], ignore_index=True)
    state.values = values
    state.period = int(pd.to_numeric(values["period"]).max())
    bench = ind.benchmark(values, catalog=catalog, peer_groups=state.options.peer_group)
    trends = ind.trends(values, catalog=catalog)
    if state.options.scale == "national":  # the files would run to gigabytes
        latest = pd.to_numeric(values["period"]) == state.period
        values_out = values[latest]
        # with thousands of municipalities tied at the best value (shares
        # capped at 100%), repeating their list on every row would take
        # hundreds of megabytes: is_best carries the same information
        bench_out = bench[pd.to_numeric(bench["period"]) == state.period].drop(
            columns=["best_performers"]
        )
        t = translator(state.options.lang)
        result.notes.append(
            t(
                "scala nazionale: valori degli indicatori e benchmark scritti solo per il "
                "{period}; gli andamenti coprono ogni anno",
                period=state.period,
            )
        )
    else:
        values_out, bench_out = values, bench
    result.save("indicator_values", values_out)
    result.save("indicator_benchmark", bench_out)
    result.save("indicator_trends", trends)
    result.save("indicator_targets", ind.targets(values_out, catalog=catalog))
    state.trends = trends
    state.benchmark = bench
    bad = values["status"].astype(str).ne("ok")
    if bad.any():
        counts = values.loc[bad, "status"].astype(str).value_counts()
        t = translator(state.options.lang)
        result.notes.append(
            t(
                "valori degli indicatori senza numero, per motivo (colonna status): {reasons}",
                # each status as the reports word it (a sentence, never the code)
                reasons="; ".join(
                    f"{status_text(t, str(k), [])} ({t.number(v, digits=0)})"
                    for k, v in counts.items()
                ),
            )
        )


def perceived_values(state: DemoState) -> pd.DataFrame:
    """Values of the indicators measured by the surveys and the complaints (perceived quality).

    The survey step's dimension indices (``survey_dimensions``, each survey in
    the one period of its responses) and the KPIs of the register's complaints
    by organization and year, each indicator's service with its sub-services,
    through :func:`~qualitapa.indicators.survey_indicators` and
    :func:`~qualitapa.indicators.complaint_indicators`.
    """
    from qualitapa import indicators as ind

    catalog, frames = state.catalog, []
    sourced = [d for d in catalog.indicators.values() if d.source is not None]
    scores = state.result.tables.get("survey_dimensions")
    if scores is not None:
        responses = {d.instrument: d for d in datasets(catalog, "survey_responses")}
        for instrument, rows in scores.groupby("instrument", sort=True):
            periods = read_table(responses[str(instrument)].path)["period"].unique()
            if len(periods) == 1:  # scored by organization: one period, the survey's
                frames.append(ind.survey_indicators(rows, catalog=catalog, period=periods[0]))
    services = sorted({d.service for d in sourced if d.source and d.source.type == "complaints"})
    if state.cases is not None and services:
        frames.append(ind.complaint_indicators(_service_kpis(state, services), catalog=catalog))
    frames = [f for f in frames if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _service_kpis(state: DemoState, services: list[str]) -> pd.DataFrame:
    """Complaint KPIs by organization, service (with its sub-services) and year of receipt."""
    from qualitapa import complaints as cp

    cases = state.cases
    assert cases is not None
    populations = {k: float(v) for k, v in state.catalog.populations().items() if v}
    kpis = []
    for service in services:  # a loop over the few services with complaint indicators
        own = cases["service"].astype(str)
        mine = cases[(own == service) | own.str.startswith(service + ".")]
        kpis.append(
            cp.kpis(
                mine.assign(service=service),
                by=["organization", "service"],
                period="year",
                population=populations,
                metrics=[*_kpi_columns(state, service), "received"],
            )
        )
    return pd.concat(kpis, ignore_index=True)


def _kpi_columns(state: DemoState, service: str) -> list[str]:
    """The KPI columns the service's complaint indicators need (value, n and interval counts)."""
    from qualitapa.indicators import COMPLAINT_KPIS

    out: set[str] = set()
    for d in state.catalog.indicators.values():
        if d.service == service and d.source is not None and d.source.kpi is not None:
            n, interval, count = COMPLAINT_KPIS[d.source.kpi]
            out |= {d.source.kpi, n, *([count] if count else [])}
            if interval == "poisson":
                out.add("population")
    return sorted(out)


def composites(state: DemoState) -> None:
    """Composite indices of every period, with the uncertainty analysis and audit of the latest.

    The audit of each index (correlations, Cronbach's alpha, first principal
    component, flags in the demo's language) goes to ``composite_audit.csv``
    and, with the uncertainty analysis, to the service's report.
    """
    from qualitapa import composite as cmp

    catalog, period = state.catalog, state.period
    values = _with_absent(state.values, catalog.composites.values())
    latest = values[pd.to_numeric(values["period"]) == period]
    lang = state.options.lang
    t = translator(lang)
    scores, ranks, audits = [], [], []
    for comp in catalog.composites.values():
        scores.append(cmp.composite(values, comp, catalog=catalog).assign(composite=comp.id))
        unc = cmp.composite_uncertainty(
            latest,
            comp,
            runs=state.options.uncertainty_runs,
            catalog=catalog,
            seed=state.options.seed,
        )
        ranks.append(unc.ranks.assign(composite=comp.id))
        if unc.audit is not None:
            table = unc.audit.table(t, comp.labels(lang, catalog))
            audits.append(table.assign(composite=comp.id, period=period))
        if comp.service is not None:  # the service's report shows it
            state.uncertainty[comp.service] = unc
    if scores:
        all_scores = pd.concat(scores, ignore_index=True)
        if values["organization"].nunique() > 1_000:  # national scale: latest year
            all_scores = all_scores[pd.to_numeric(all_scores["period"]) == period]
        state.result.save("composite_scores", all_scores)
        state.result.save("composite_ranks", pd.concat(ranks, ignore_index=True))
        state.result.save("composite_audit", pd.concat(audits, ignore_index=True))


def _with_absent(values: pd.DataFrame, composites: Iterable[CompositeDefinition]) -> pd.DataFrame:
    """``values`` with missing rows for the composites' indicators no step measured.

    At national scale there is no survey: the satisfaction indicator has no
    value anywhere, its sub-index is missing and each index covers the other
    sub-indices (the composite's ``min_coverage`` decides).
    """
    present = set(values["indicator"].astype(str).unique())
    absent = sorted({i for c in composites for i in c.indicators()} - present)
    if not absent:
        return values
    keys = values[["organization", "period"]].drop_duplicates()
    rows = keys.merge(pd.DataFrame({"indicator": absent}), how="cross").assign(
        value=float("nan"), status="missing_variable"
    )
    return pd.concat([values, rows], ignore_index=True)


def dea(state: DemoState) -> None:
    """The profile's DEA models on the latest period (a model without its data is skipped)."""
    from qualitapa import composite as cmp

    raw = state.raw
    latest = raw[pd.to_numeric(raw["period"]) == state.period]
    wide = latest.pivot_table(
        index="organization", columns="variable", values="value", aggfunc="first"
    ).reset_index()
    frames = []
    for model in state.options.profile.dea:
        needed = list(model.variables)
        if model.service not in state.catalog.services or not set(needed) <= set(wide.columns):
            continue
        data = wide[["organization", *needed]].dropna()
        res = cmp.dea(data, inputs=list(model.inputs), outputs=list(model.outputs), rts=model.rts)
        state.dea[model.service] = res
        frames.append(res.scores.assign(service=model.service, period=state.period))
    if frames:
        state.result.save("dea_scores", pd.concat(frames, ignore_index=True))
