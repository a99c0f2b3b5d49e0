"""Demo steps on the raw variables: indicators, composite indices and DEA."""

from __future__ import annotations

import pandas as pd

from qualitapa.demo._state import DemoState
from qualitapa.i18n import translator
from qualitapa.reporting import status_text


def indicators(state: DemoState) -> None:
    """Compute, benchmark, trend and target the indicators (every period)."""
    from qualitapa import indicators as ind

    catalog, result = state.catalog, state.result
    values = ind.compute(
        list(catalog.indicators.values()), state.raw, catalog=catalog, errors="report"
    )
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


def composites(state: DemoState) -> None:
    """Composite indices of every period, with the uncertainty analysis and audit of the latest.

    The audit of each index (correlations, Cronbach's alpha, first principal
    component, flags in the demo's language) goes to ``composite_audit.csv``
    and, with the uncertainty analysis, to the service's report.
    """
    from qualitapa import composite as cmp

    catalog, values, period = state.catalog, state.values, state.period
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
