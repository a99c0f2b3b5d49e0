"""Demo steps on the services' other data: surveys, complaints, charters, CAF, plan."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from qualitapa.demo import _steps_programme
from qualitapa.demo._state import DemoState, datasets, load
from qualitapa.i18n import translator
from qualitapa.io import read_table


def surveys(state: DemoState) -> None:
    """Validate, weight (raked to the profile's margins) and score each survey.

    A survey whose dataset declares its sampling design (``design``: strata,
    clusters, FPC) is scored with it: linearised standard errors, intervals
    and design effects (the ``deff`` columns of survey_items,
    survey_dimensions and survey_nps), each city a domain of the design.
    """
    from qualitapa import surveys as sv

    catalog, result = state.catalog, state.result
    margins_sets = {d.instrument: d for d in datasets(catalog, "survey_margins")}
    tables: dict[str, list[pd.DataFrame]] = {}

    def add(name: str, frame: pd.DataFrame, instrument: str) -> None:
        tables.setdefault(name, []).append(frame.assign(instrument=instrument))

    for ds in datasets(catalog, "survey_responses"):
        inst = catalog.instruments[ds.instrument]
        raw = read_table(ds.path)
        extra = (*sv.DEFAULT_EXTRA_COLUMNS, *sv.design_columns(ds.design or {}))
        checked = sv.validate(inst, raw, source=str(ds.path), extra_columns=extra)
        clean = checked.clean
        add("survey_problems", checked.problems, inst.id)
        t = translator(state.options.lang)
        result.notes.append(
            t(
                "indagine {survey}: {responses} risposte, {valid} valide, problemi segnalati "
                "in survey_problems.csv: {problems}",
                survey=t.text(inst.label),
                responses=len(raw),
                valid=len(clean),
                problems=len(checked.problems),
            )
        )
        weights, adults = None, None
        if ds.instrument in margins_sets:
            margins = read_table(margins_sets[ds.instrument].path)
            clean = rake_by_organization(clean, margins, state.options.profile.margins)
            weights = "weight"
            surveyed = margins["organization"].astype(str).isin(clean["organization"].astype(str))
            adults = float(margins.loc[surveyed, "population"].sum())
        design = None if ds.design is None else _design(clean, ds.design, weights, adults)
        weighting: dict[str, Any] = {"weights": weights} if design is None else {"design": design}
        by = "organization"
        dim = sv.score_dimensions(inst, clean, by=by, lang=state.options.lang, **weighting)
        add("survey_dimensions", dim, inst.id)
        add("survey_items", sv.score_items(inst, clean, by=by, **weighting), inst.id)
        add("survey_reliability", sv.reliability(inst, clean, by=by), inst.id)
        ipa_table = sv.ipa(inst, clean, **weighting).assign(instrument=inst.id)
        tables.setdefault("survey_ipa", []).append(ipa_table)
        if any(q.type is sv.QuestionType.RECOMMEND for q in inst.questions):
            add("survey_nps", sv.nps(inst, clean, by=by, **weighting), inst.id)
        if design is not None:
            result.notes.append(_design_note(state, inst, design, dim))
        if inst.service is not None:  # the service's report shows it
            state.surveys[inst.service] = {"survey": dim, "ipa": ipa_table}
    if "survey_dimensions" in tables:
        order = ("dimensions", "items", "reliability", "ipa", "problems", "nps")
        for name in (f"survey_{part}" for part in order):
            if name in tables:
                result.save(name, pd.concat(tables[name], ignore_index=True))


def _design(
    clean: pd.DataFrame, declared: dict[str, Any], weights: str | None, adults: float | None
) -> Any:
    """The declared design of the clean responses, raked weights scaled to the ``adults``.

    Raking gives relative weights (they sum to the respondents); the design
    effect against simple random sampling without replacement needs weights
    that sum to the population (R's ``deff = TRUE``), so they are scaled to
    the adult residents of the cities surveyed (the margins' population).
    """
    from qualitapa import surveys as sv

    if weights is not None and adults:
        clean[weights] = clean[weights] * adults / clean[weights].sum()
    return sv.design_from_mapping(clean, declared, weights=weights)


def _design_note(state: DemoState, inst: Any, design: Any, dim: pd.DataFrame) -> str:
    """The summary line of a survey scored with its design: strata, clusters, design effects."""
    t = translator(state.options.lang)
    overall = dim.loc[dim["dimension"] == "overall", "deff"]
    return str(
        t(
            "indagine {survey}: disegno campionario con {strata} e {clusters}; effetto del "
            "disegno dell'indice complessivo da {low} a {high} (survey_dimensions.csv, "
            "colonna deff)",
            survey=t.text(inst.label),
            strata=t.plural("{n} strato", "{n} strati", len(design.n_psu)),
            clusters=t.plural("{n} gruppo", "{n} gruppi", int(design.n_psu.sum())),
            low=t.number(float(overall.min()), digits=2),
            high=t.number(float(overall.max()), digits=2),
        )
    )


def rake_by_organization(
    responses: pd.DataFrame, margins: pd.DataFrame, variables: Sequence[str]
) -> pd.DataFrame:
    """Rake each city's respondents to its own margins on ``variables``, in one fit.

    Crossing every margin variable with the organization makes one raking
    over the pooled sample equal to separate rakings per city (the margins of
    different cities share no respondent), so no loop over cities is needed.
    The weights are relative (they sum to the number of respondents) and
    proportional to the populations the respondents stand for. Variables
    missing from the margins or the responses are left out.

    Examples
    --------
    >>> responses = pd.DataFrame({"organization": ["a", "a", "a", "b"],
    ...                           "sex": ["f", "m", "m", "f"]})
    >>> margins = pd.DataFrame({"organization": ["a", "a", "b"], "sex": ["f", "m", "f"],
    ...                         "population": [60.0, 40.0, 10.0]})
    >>> w = rake_by_organization(responses, margins, ["sex"])["weight"]
    >>> (w * 110 / w.sum()).round(1).tolist()  # 60 women in a, 40 men, 10 women in b
    [60.0, 20.0, 20.0, 10.0]
    """
    from qualitapa import surveys as sv

    variables = [c for c in variables if c in margins and c in responses]
    frame = responses.copy()
    targets: dict[str, dict[Any, float]] = {}
    org_m = margins["organization"].astype(str)
    org_r = frame["organization"].astype(str)
    for var in variables:
        key = f"_{var}_by_organization"
        frame[key] = org_r + "|" + frame[var].astype(str)
        cells = margins.groupby(org_m + "|" + margins[var].astype(str))["population"].sum()
        targets[key] = cells.to_dict()
    fit = sv.rake(frame, targets, max_iter=200)
    out = responses.copy()
    out["weight"] = np.asarray(fit.weights, dtype=float)
    return out


def complaints(state: DemoState) -> None:
    """Import the complaints (with their event history) into a register; KPIs and trends."""
    from qualitapa import complaints as cp

    catalog, result = state.catalog, state.result
    records = datasets(catalog, "complaints")
    if not records:
        return
    db = result.out / "complaints.db"  # a fresh staging folder (DemoFolder)
    events = {d.service: d for d in datasets(catalog, "complaint_events")}
    register = cp.ComplaintRegister(db)
    calendars = {
        o.id: cp.WorkCalendar(o.province) for o in catalog.organizations.values() if o.province
    }
    policy = cp.DeadlinePolicy.from_catalog(catalog)
    as_of = pd.Timestamp(f"{state.period}-12-31 23:59", tz="Europe/Rome")
    try:
        for ds in records:
            ev = events.get(ds.service)
            # with the events file the register keeps each complaint's real
            # history: reopenings, suspensions and forwards count in the KPIs
            report = register.import_csv(
                ds.path, events=ev.path if ev else None, catalog=catalog
            )  # the catalog refuses a city's local category for another city
            t = translator(state.options.lang)
            counts = {"dataset": t.text(ds.label), "imported": report.imported,
                      "problems": len(report.problems)}  # fmt: skip
            result.notes.append(
                t("reclami {dataset}: {imported} importati con la loro intera storia, "
                  "problemi: {problems}", **counts)
                if ev
                else t("reclami {dataset}: {imported} importati, problemi: {problems}", **counts)
            )  # fmt: skip
            if len(report.problems):
                result.save("complaint_import_problems", report.problems)
        result.files.append("complaints.db")
        cases = register.cases(policy=policy, calendar=calendars or None, as_of=as_of)
    finally:
        register.close()
    options: dict[str, Any] = {"as_of": as_of, "policy": policy, "calendar": calendars or None}
    populations = {k: float(v) for k, v in catalog.populations().items() if v}
    kpis = cp.kpis(cases, by="organization", population=populations, **options)
    result.save("complaint_kpis", kpis)
    result.save(
        "complaint_kpis_by_service", cp.kpis(cases, by=["organization", "service"], **options)
    )
    for name, by in (
        ("complaint_trend", ["organization"]),
        ("complaint_trend_by_service", ["organization", "service"]),
    ):
        result.save(name, cp.trend(cases, by=by, period="month", **options))
    # per city: categories are ranked among a city's own (a local category never pooled)
    result.save("complaint_pareto", cp.pareto(cases, column="category", by="organization"))
    state.cases = cases


def standards(state: DemoState) -> None:
    """Check the service charters' standards on the latest period (and refunds due)."""
    from qualitapa import standards as st

    stds = list(state.catalog.standards.values())
    if not stds:
        return
    values = state.values
    # formula standards read raw variables next to indicator values
    known = set(values["indicator"].astype(str).unique())
    raw_as_values = state.raw.rename(columns={"variable": "indicator"})
    raw_as_values = raw_as_values[~raw_as_values["indicator"].isin(known)]
    columns = ["organization", "period", "indicator", "value"]
    measured = pd.concat(
        [
            values[columns].astype({"organization": str, "indicator": str}),
            raw_as_values[columns],
        ],
        ignore_index=True,
    )
    measured = measured[pd.to_numeric(measured["period"]) == state.period]
    deliveries = load(datasets(state.catalog, "deliveries"))
    table = st.compliance(
        stds, indicator_values=measured, deliveries=deliveries if len(deliveries) else None
    )
    state.result.save("charter_compliance", table)
    if len(deliveries):
        state.result.save("refunds_due", st.refunds_due(stds, deliveries))


def caf(state: DemoState) -> None:
    """Consolidate the CAF self-assessment sheets."""
    from qualitapa import caf as cf

    sheets = datasets(state.catalog, "caf_scores")
    if not sheets:
        return
    scores = load(sheets)
    consolidated = cf.consolidate(scores, source=", ".join(str(d.path) for d in sheets))
    state.result.save("caf_consolidated", consolidated)
    table = cf.caf_scores(consolidated)
    if state.options.organization is not None:  # whose self-assessment (the portal's city page)
        table.insert(0, "organization", state.options.organization)
    state.result.save("caf_scores", table)
    state.caf = consolidated


def improvement_plan(state: DemoState) -> None:
    """Candidate actions for the highlighted organization, from every earlier step."""
    from qualitapa import improvement as imp

    organization = state.options.organization
    tables = state.result.tables

    def own(frame: pd.DataFrame) -> pd.DataFrame:
        if organization is None or "organization" not in frame:
            return frame
        return frame[frame["organization"].astype(str) == organization]

    actions = []
    if state.caf is not None:
        actions.append(imp.actions_from_caf(state.caf, organization=organization or ""))
    if "charter_compliance" in tables:
        compliance = own(tables["charter_compliance"])
        actions.append(imp.actions_from_compliance(compliance, catalog=state.catalog))
    if "survey_dimensions" in tables:
        actions.append(imp.actions_from_survey(own(tables["survey_dimensions"])))
    found = _steps_programme.certification_actions(state)  # open non-conformities
    if found is not None:
        actions.append(found)
    bench = state.benchmark
    actions.append(
        imp.actions_from_benchmark(
            own(bench[pd.to_numeric(bench["period"]) == state.period]), catalog=state.catalog
        )
    )
    actions = [t for t in actions if len(t)]
    if actions:
        state.result.save("improvement_plan", imp.combine_actions(*actions))
    _steps_programme.programme(state)
