"""The end-to-end Q-Club demo: the whole quality cycle on the plugins' demo data.

:func:`run_demo` finds the data files the installed plugins ship (the
``qualitapa_datasets`` hook, by ``kind``), runs every part of the library on
them and writes the results to a folder: CSV tables (named as
:data:`qualitapa.reporting.RESULT_FILES` expects, so ``qualitapa report
--results DIR`` works on them), a readable ``summary.md``, one HTML report per
service, an open-data package and an Excel workbook.

``scale="national"`` runs the indicator part on a synthetic national set of
about 7,900 municipalities instead, with variable profiles fitted to the
Q-Club demo data.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pandas as pd

from qualitapa.catalog import Catalog, default_catalog
from qualitapa.demo._output import DemoFolder
from qualitapa.demo._synthetic import (
    N_MUNICIPALITIES,
    VariableProfile,
    synthetic_municipalities,
    synthetic_panel,
)
from qualitapa.errors import DataError
from qualitapa.hookspecs import hookimpl
from qualitapa.indicators import MIN_COMPARED
from qualitapa.io import read_table, write_csv
from qualitapa.models import Organization

__all__ = ["DEA_MODELS", "DemoResult", "fitted_profiles", "run_demo"]

#: DEA models run by the demo, per service: (inputs, outputs). A model whose
#: variables are not all in the data is skipped (and said so in the summary).
DEA_MODELS: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "registry": (("registry.fte",), ("registry.certificates", "registry.residence_changes")),
    "libraries": (("libraries.cost",), ("libraries.loans", "libraries.visits")),
    "nurseries": (("nurseries.cost",), ("nurseries.enrolled",)),
}

Progress = Callable[[str], None]


@attrs.define
class DemoResult:
    """What :func:`run_demo` produced.

    Attributes
    ----------
    out
        The output folder.
    tables
        Name -> table of every result written as CSV.
    files
        Every file written, relative to ``out``.
    notes
        Things the reader should know (skipped steps, invalid rows found).
    """

    out: Path
    tables: dict[str, pd.DataFrame] = attrs.field(factory=dict)
    files: list[str] = attrs.field(factory=list)
    notes: list[str] = attrs.field(factory=list)

    def save(self, name: str, frame: pd.DataFrame) -> None:
        """Write ``frame`` as ``<name>.csv`` (formula injection neutralised)."""
        self.tables[name] = frame
        write_csv(frame, self.out / f"{name}.csv")
        self.files.append(f"{name}.csv")


def _datasets(catalog: Catalog, kind: str) -> list[Any]:
    return [d for d in catalog.datasets.values() if d.kind == kind]


def _load(datasets: list[Any]) -> pd.DataFrame:
    frames = [read_table(d.path) for d in datasets]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def fitted_profiles(
    raw: pd.DataFrame, populations: Mapping[str, float]
) -> dict[str, VariableProfile]:
    """Variable profiles for :func:`synthetic_panel` fitted to tidy raw data.

    For each variable: the median per-inhabitant value in the first year
    (``base`` instead for variables that do not grow with population, such as
    opening hours: those whose per-inhabitant value varies more than the
    value itself), the median yearly growth and the between-city spread.

    Examples
    --------
    >>> raw = pd.DataFrame({"organization": ["a", "b", "a", "b"],
    ...                     "period": [2023, 2023, 2024, 2024], "variable": "loans",
    ...                     "value": [100.0, 200.0, 110.0, 220.0]})
    >>> p = fitted_profiles(raw, {"a": 100, "b": 200})["loans"]
    >>> p.per_capita, round(p.trend, 3)
    (1.0, 0.1)
    """
    data = raw.dropna(subset=["value"]).copy()
    data["organization"] = data["organization"].astype(str)
    data["population"] = data["organization"].map(dict(populations)).astype(float)
    data = data.dropna(subset=["population"])
    first = data["period"] == data.groupby("variable")["period"].transform("min")
    base = data[first]
    base_pc = base["value"] / base["population"]
    stats = pd.DataFrame(
        {
            "per_capita": base_pc.groupby(base["variable"]).median(),
            "level": base.groupby("variable")["value"].median(),
            "cv_pc": base_pc.groupby(base["variable"]).std()
            / base_pc.groupby(base["variable"]).mean(),
            "cv_level": base.groupby("variable")["value"].std()
            / base.groupby("variable")["value"].mean(),
            "integer": base.groupby("variable")["value"].apply(
                lambda v: bool(np.all(np.mod(v, 1) == 0))
            ),
        }
    )
    span = data.groupby(["variable", "organization"])["period"].agg(["min", "max"])
    ends = data.set_index(["variable", "organization", "period"])["value"]
    first_v = ends.reindex(
        pd.MultiIndex.from_arrays(
            [span.index.get_level_values(0), span.index.get_level_values(1), span["min"]]
        )
    ).to_numpy()
    last_v = ends.reindex(
        pd.MultiIndex.from_arrays(
            [span.index.get_level_values(0), span.index.get_level_values(1), span["max"]]
        )
    ).to_numpy()
    years = (span["max"] - span["min"]).to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        growth = np.where((years > 0) & (first_v > 0), (last_v / first_v) ** (1 / years) - 1, 0.0)
    trend = pd.Series(growth, index=span.index).groupby(level=0).median()
    out: dict[str, VariableProfile] = {}
    for var, row in stats.iterrows():  # one row per variable: a handful, not data rows
        scales = not (row["cv_pc"] > row["cv_level"])
        noise = float(np.clip(row["cv_level"] if not scales else row["cv_pc"], 0.02, 0.6))
        out[str(var)] = VariableProfile(
            per_capita=float(row["per_capita"]) if scales else None,
            base=None if scales else float(row["level"]),
            trend=float(np.clip(trend.get(var, 0.0), -0.1, 0.1)),
            noise=noise if np.isfinite(noise) else 0.1,
            integer=bool(row["integer"]),
        )
    return out


class _Run:
    """State shared by the demo steps."""

    def __init__(self, catalog: Catalog, result: DemoResult, progress: Progress, seed: int) -> None:
        self.catalog = catalog
        self.result = result
        self.progress = progress
        self.seed = seed
        self.raw = pd.DataFrame()
        self.values = pd.DataFrame()
        self.period: Any = None
        self.names: dict[str, str] = {}
        self.peer_group: str | None = None

    # -- indicators --------------------------------------------------------
    def indicators(
        self, raw: pd.DataFrame, peer_group: str | None, *, all_periods: bool = True
    ) -> None:
        from qualitapa import indicators as ind

        self.raw = raw
        self.peer_group = peer_group
        values = ind.compute(
            list(self.catalog.indicators.values()), raw, catalog=self.catalog, errors="report"
        )
        self.values = values
        self.period = int(pd.to_numeric(values["period"]).max())
        bench = ind.benchmark(values, catalog=self.catalog, peer_groups=peer_group)
        trends = ind.trends(values, catalog=self.catalog)
        if not all_periods:  # national scale: the files would run to gigabytes
            latest = pd.to_numeric(values["period"]) == self.period
            values_out = values[latest]
            # with thousands of municipalities tied at the best value (shares
            # capped at 100%), repeating their list on every row would take
            # hundreds of megabytes: is_best carries the same information
            bench_out = bench[pd.to_numeric(bench["period"]) == self.period].drop(
                columns=["best_performers"]
            )
            self.result.notes.append(
                f"national scale: indicator values and benchmark written for {self.period} "
                "only; trends cover every year"
            )
        else:
            values_out, bench_out = values, bench
        self.result.save("indicator_values", values_out)
        self.result.save("indicator_benchmark", bench_out)
        self.result.save("indicator_trends", trends)
        self.result.save("indicator_targets", ind.targets(values_out, catalog=self.catalog))
        self.trends = trends
        self.benchmark_table = bench
        bad = values["status"].astype(str).ne("ok")
        if bad.any():
            counts = values.loc[bad, "status"].astype(str).value_counts()
            self.result.notes.append(
                "indicator values without a number, by reason: "
                + ", ".join(f"{k} {v}" for k, v in counts.items())
            )

    def composites(self, runs: int) -> None:
        from qualitapa import composite as ind

        latest = self.values[pd.to_numeric(self.values["period"]) == self.period]
        scores, ranks = [], []
        self.uncertainty: dict[str, Any] = {}
        for comp in self.catalog.composites.values():
            scores.append(
                ind.composite(self.values, comp, catalog=self.catalog).assign(composite=comp.id)
            )
            unc = ind.composite_uncertainty(
                latest, comp, runs=runs, catalog=self.catalog, seed=self.seed
            )
            ranks.append(unc.ranks.assign(composite=comp.id))
            self.uncertainty[comp.service] = unc
        if scores:
            all_scores = pd.concat(scores, ignore_index=True)
            if self.values["organization"].nunique() > 1_000:  # national scale: latest year
                all_scores = all_scores[pd.to_numeric(all_scores["period"]) == self.period]
            self.result.save("composite_scores", all_scores)
            self.result.save("composite_ranks", pd.concat(ranks, ignore_index=True))

    def dea(self) -> None:
        from qualitapa import composite as ind

        latest = self.raw[pd.to_numeric(self.raw["period"]) == self.period]
        wide = latest.pivot_table(
            index="organization", columns="variable", values="value", aggfunc="first"
        ).reset_index()
        frames = []
        self.dea_results: dict[str, Any] = {}
        for service, (inputs, outputs) in DEA_MODELS.items():
            needed = [*inputs, *outputs]
            if service not in self.catalog.services or not set(needed) <= set(wide.columns):
                continue
            data = wide[["organization", *needed]].dropna()
            res = ind.dea(data, inputs=list(inputs), outputs=list(outputs), rts="vrs")
            self.dea_results[service] = res
            frames.append(res.scores.assign(service=service, period=self.period))
        if frames:
            self.result.save("dea_scores", pd.concat(frames, ignore_index=True))

    # -- surveys -----------------------------------------------------------
    def surveys(self) -> None:
        from qualitapa import surveys as sv

        margins_sets = {d.instrument: d for d in _datasets(self.catalog, "survey_margins")}
        dims, items, alphas, ipas, problems, nps_tables = [], [], [], [], [], []
        self.survey_by_service: dict[str, dict[str, pd.DataFrame]] = {}
        for ds in _datasets(self.catalog, "survey_responses"):
            inst = self.catalog.instruments[ds.instrument]
            raw = read_table(ds.path)
            checked = sv.validate(inst, raw, source=str(ds.path))
            clean = checked.clean
            problems.append(checked.problems.assign(instrument=inst.id))
            self.result.notes.append(
                f"survey {inst.id}: {len(raw)} responses, {len(clean)} valid, "
                f"{len(checked.problems)} problem(s) reported in survey_problems.csv"
            )
            weights = None
            if ds.instrument in margins_sets:
                clean = _rake_by_organization(clean, read_table(margins_sets[ds.instrument].path))
                weights = "weight"
            dim = sv.score_dimensions(inst, clean, by="organization", weights=weights)
            dims.append(dim.assign(instrument=inst.id))
            items.append(
                sv.score_items(inst, clean, by="organization", weights=weights).assign(
                    instrument=inst.id
                )
            )
            alphas.append(sv.reliability(inst, clean, by="organization").assign(instrument=inst.id))
            ipa_table = sv.ipa(inst, clean, weights=weights).assign(instrument=inst.id)
            ipas.append(ipa_table)
            if any(q.type is sv.QuestionType.RECOMMEND for q in inst.questions):
                nps_tables.append(
                    sv.nps(inst, clean, by="organization", weights=weights).assign(
                        instrument=inst.id
                    )
                )
            self.survey_by_service[inst.service] = {"survey": dim, "ipa": ipa_table}
        if dims:
            self.result.save("survey_dimensions", pd.concat(dims, ignore_index=True))
            self.result.save("survey_items", pd.concat(items, ignore_index=True))
            self.result.save("survey_reliability", pd.concat(alphas, ignore_index=True))
            self.result.save("survey_ipa", pd.concat(ipas, ignore_index=True))
            self.result.save("survey_problems", pd.concat(problems, ignore_index=True))
            if nps_tables:
                self.result.save("survey_nps", pd.concat(nps_tables, ignore_index=True))

    # -- complaints --------------------------------------------------------
    def complaints(self) -> None:
        from qualitapa import complaints as cp

        records = _datasets(self.catalog, "complaints")
        if not records:
            return
        db = self.result.out / "complaints.db"  # a fresh staging folder (DemoFolder)
        events = {d.service: d for d in _datasets(self.catalog, "complaint_events")}
        register = cp.ComplaintRegister(db)
        try:
            for ds in records:
                ev = events.get(ds.service)
                # with the events file the register keeps each complaint's real
                # history: reopenings, suspensions and forwards count in the KPIs
                report = register.import_csv(ds.path, events=ev.path if ev else None)
                self.result.notes.append(
                    f"complaints {ds.id}: {report.imported} imported"
                    + (" with their full event history" if ev else "")
                    + f", {len(report.problems)} problem(s)"
                )
                if len(report.problems):
                    self.result.save("complaint_import_problems", report.problems)
            self.result.files.append("complaints.db")
            calendars = {
                o.id: cp.WorkCalendar(o.province)
                for o in self.catalog.organizations.values()
                if o.province
            }
            policy = cp.DeadlinePolicy.from_catalog(self.catalog)
            as_of = pd.Timestamp(f"{self.period}-12-31 23:59", tz="Europe/Rome")
            cases = register.cases(policy=policy, calendar=calendars or None, as_of=as_of)
        finally:
            register.close()
        populations = {k: float(v) for k, v in self.catalog.populations().items() if v}
        kpis = cp.kpis(
            cases,
            by="organization",
            as_of=as_of,
            population=populations,
            policy=policy,
            calendar=calendars or None,
        )
        self.result.save("complaint_kpis", kpis)
        self.result.save(
            "complaint_kpis_by_service",
            cp.kpis(
                cases,
                by=["organization", "service"],
                as_of=as_of,
                policy=policy,
                calendar=calendars or None,
            ),
        )
        for name, by in (
            ("complaint_trend", ["organization"]),
            ("complaint_trend_by_service", ["organization", "service"]),
        ):
            self.result.save(
                name,
                cp.trend(
                    cases,
                    by=by,
                    period="month",
                    as_of=as_of,
                    policy=policy,
                    calendar=calendars or None,
                ),
            )
        self.result.save("complaint_pareto", cp.pareto(cases, column="category"))
        self.cases = cases

    # -- standards ---------------------------------------------------------
    def standards(self) -> None:
        from qualitapa import standards as st

        stds = list(self.catalog.standards.values())
        if not stds:
            return
        # formula standards read raw variables next to indicator values
        known = set(self.values["indicator"].astype(str).unique())
        raw_as_values = self.raw.rename(columns={"variable": "indicator"})
        raw_as_values = raw_as_values[~raw_as_values["indicator"].isin(known)]
        measured = pd.concat(
            [
                self.values[["organization", "period", "indicator", "value"]].astype(
                    {"organization": str, "indicator": str}
                ),
                raw_as_values[["organization", "period", "indicator", "value"]],
            ],
            ignore_index=True,
        )
        measured = measured[pd.to_numeric(measured["period"]) == self.period]
        deliveries = _load(_datasets(self.catalog, "deliveries"))
        table = st.compliance(
            stds, indicator_values=measured, deliveries=deliveries if len(deliveries) else None
        )
        self.result.save("charter_compliance", table)
        if len(deliveries):
            self.result.save("refunds_due", st.refunds_due(stds, deliveries))
        self.compliance_table = table

    # -- CAF and improvement plan -----------------------------------------
    def caf(self) -> None:
        from qualitapa import caf

        sheets = _datasets(self.catalog, "caf_scores")
        self.caf_consolidated = None
        if not sheets:
            return
        scores = _load(sheets)
        consolidated = caf.consolidate(scores, source=", ".join(str(d.path) for d in sheets))
        self.result.save("caf_consolidated", consolidated)
        self.result.save("caf_scores", caf.caf_scores(consolidated))
        self.caf_consolidated = consolidated

    def improvement_plan(self, organization: str | None) -> None:
        from qualitapa import improvement as imp

        tables = []
        if self.caf_consolidated is not None:
            tables.append(
                imp.actions_from_caf(self.caf_consolidated, organization=organization or "")
            )
        if "charter_compliance" in self.result.tables:
            comp = self.result.tables["charter_compliance"]
            if organization is not None:
                comp = comp[comp["organization"].astype(str) == organization]
            tables.append(imp.actions_from_compliance(comp))
        if "survey_dimensions" in self.result.tables:
            dims = self.result.tables["survey_dimensions"]
            if organization is not None and "organization" in dims:
                dims = dims[dims["organization"].astype(str) == organization]
            tables.append(imp.actions_from_survey(dims))
        bench = self.benchmark_table
        latest = bench[pd.to_numeric(bench["period"]) == self.period]
        if organization is not None:
            latest = latest[latest["organization"].astype(str) == organization]
        tables.append(imp.actions_from_benchmark(latest))
        tables = [t for t in tables if len(t)]
        if tables:
            self.result.save("improvement_plan", imp.combine_actions(*tables))

    # -- publication -------------------------------------------------------
    def publish(self, organization: str | None, lang: str) -> None:
        from qualitapa import reporting as rp

        tables = self.result.tables
        for service in self.catalog.services:
            if self.catalog.services[service].parent is not None:
                continue
            if not self.catalog.indicators.by_service(service):
                continue
            survey = getattr(self, "survey_by_service", {}).get(service, {})
            kwargs: dict[str, Any] = {
                "service": service,
                "period": self.period,
                "lang": lang,
                "catalog": self.catalog,
                "indicators": tables["indicator_values"],
                "trends": tables.get("indicator_trends"),
                "organization": organization,
                "note": "Dati sintetici a scopo dimostrativo / synthetic demonstration data",
            }
            if service in getattr(self, "uncertainty", {}):
                kwargs["composite"] = self.uncertainty[service]
            if service in getattr(self, "dea_results", {}):
                kwargs["dea"] = self.dea_results[service]
            if survey:
                kwargs.update(survey=survey["survey"], ipa=survey["ipa"])
            # every section keeps the rows of this service only (render_report)
            for key, name in (
                ("complaints", "complaint_kpis_by_service"),
                ("complaint_trend", "complaint_trend_by_service"),
                ("compliance", "charter_compliance"),
            ):
                if name in tables:
                    kwargs[key] = tables[name]
            if "caf_scores" in tables:
                kwargs["caf"] = tables["caf_scores"]
            name = f"report-{service}-{self.period}.html"
            rp.write_report(self.result.out / name, **kwargs)
            self.result.files.append(name)
        package = {
            "indicators": rp.indicator_table(self.catalog),
            **{k: v for k, v in tables.items() if k in _OPEN_TABLES},
        }
        rp.write_datapackage(
            package,
            self.result.out / "opendata",
            name=f"qclub-demo-{self.period}",
            title=f"Q-Club benchmarking {self.period} (synthetic demo data)",
            description="Indicator values, survey results and complaint KPIs of the eight "
            "Q-Club cities. SYNTHETIC data generated for demonstration.",
            primary_keys={"indicator_values": ["organization", "period", "indicator"]},
        )
        problems = rp.validate_datapackage(self.result.out / "opendata")
        if len(problems):
            raise DataError(
                "the open-data package does not validate",
                source=str(self.result.out / "opendata"),
                failure_cases=problems,
            )
        self.result.files.append("opendata/datapackage.json")
        try:
            rp.write_excel(
                {k: tables[k] for k in _OPEN_TABLES if k in tables},
                self.result.out / "results.xlsx",
            )
            self.result.files.append("results.xlsx")
        except ImportError:
            self.result.notes.append("results.xlsx not written: install the 'excel' extra")


#: Tables published in the open-data package and the Excel workbook.
_OPEN_TABLES = (
    "indicator_values",
    "indicator_benchmark",
    "indicator_trends",
    "composite_ranks",
    "dea_scores",
    "survey_dimensions",
    "survey_items",
    "complaint_kpis",
    "complaint_trend",
    "charter_compliance",
    "caf_scores",
)


def _rake_by_organization(responses: pd.DataFrame, margins: pd.DataFrame) -> pd.DataFrame:
    """Rake each city's respondents to its own sex and age-class margins, in one fit.

    Crossing every margin variable with the organization makes one raking
    over the pooled sample equal to separate rakings per city (the margins of
    different cities share no respondent), so no loop over cities is needed.
    Weights are scaled to the city's adult population.
    """
    from qualitapa import surveys as sv

    variables = [c for c in ("sex", "age_class") if c in margins and c in responses]
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


def _summary(run: _Run, scale: str) -> str:
    """A readable Markdown summary of the demo results."""
    names = {o.id: o.name for o in run.catalog.organizations.values()} | run.names
    title = "Q-Club" if scale == "qclub" else "synthetic national set of municipalities"
    lines = [
        f"# qualitapa demo — {title}, {run.period}",
        "",
        "**Synthetic data** generated for demonstration: no figure here describes a real city.",
        "",
        f"Scale: {scale}; organizations: {run.values['organization'].nunique()}; "
        f"indicators: {run.values['indicator'].nunique()}; "
        f"periods: {run.values['period'].nunique()}.",
        "",
    ]
    bench = run.benchmark_table
    latest = bench[(pd.to_numeric(bench["period"]) == run.period) & bench["is_best"].astype(bool)]
    if len(latest):
        best = latest.assign(
            city=latest["organization"]
            .astype(str)
            .map(names)
            .fillna(latest["organization"].astype(str))
        )
        counts = best.groupby("city").size().sort_values(ascending=False)
        within = ""
        if run.peer_group is not None:
            group = run.catalog.peer_groups[run.peer_group]
            within = f" of its peer group ({run.peer_group}: {', '.join(group.labels)})"
        lines += [
            "## Best performers",
            "",
            f"Indicators on which each city is the best performer{within} in {run.period} "
            f"(comparisons of at least {MIN_COMPARED} cities with a value; local indicators "
            "are never ranked):",
            "",
        ]
        lines += [f"- {city}: {n}" for city, n in counts.head(10).items()]
        if len(counts) > 10:
            lines.append(f"- ... and {len(counts) - 10} more (indicator_benchmark.csv)")
        lines.append("")
    if "composite_ranks" in run.result.tables:
        ranks = run.result.tables["composite_ranks"]
        lines += [
            "## Composite indices",
            "",
            f"First by index value in {run.period} (rank 1 in composite_scores.csv), with its "
            "median rank and 5th-95th percentile rank over the Monte Carlo runs of the "
            "uncertainty analysis (composite_ranks.csv); when another city has a lower median "
            "rank, it is named too.",
            "",
        ]
        for comp, part in ranks.groupby("composite", sort=True):
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
            lines.append(line)
        lines.append("")
    if "survey_dimensions" in run.result.tables:
        dims = run.result.tables["survey_dimensions"]
        overall = dims[dims["dimension"].astype(str) == "overall"]
        if len(overall):
            lines += ["## Citizen satisfaction (overall index 0-100, weighted)", ""]
            for _, row in overall.sort_values("index", ascending=False).iterrows():
                org = str(row["organization"])
                lines.append(
                    f"- {names.get(org, org)}: {row['index']:.1f} "
                    f"[{row['ci_low']:.1f}, {row['ci_high']:.1f}]"
                )
            lines.append("")
    if "complaint_kpis" in run.result.tables:
        k = run.result.tables["complaint_kpis"]
        share = k.get("share_within_deadline")
        lines += ["## Complaints", "", f"Complaints received: {int(k['received'].sum())}."]
        if share is not None:
            lines.append(
                "Share answered within the deadline, by city: "
                + ", ".join(
                    f"{names.get(str(o), str(o))} {v:.0%}"
                    for o, v in zip(k["organization"], share, strict=True)
                )
            )
        lines.append("")
    if "charter_compliance" in run.result.tables:
        c = run.result.tables["charter_compliance"]
        met = c["met"].astype("boolean")
        lines += [
            "## Service charters",
            "",
            f"Standards checked: {int(met.notna().sum())}; met: {int(met.sum())}.",
            "",
        ]
    if "caf_scores" in run.result.tables:
        lines += [
            "## CAF self-assessment",
            "",
            "Consolidated scores in caf_scores.csv; sub-criteria where assessors "
            "disagree are flagged in caf_consolidated.csv.",
            "",
        ]
    if "improvement_plan" in run.result.tables:
        plan = run.result.tables["improvement_plan"]
        lines += [
            "## Improvement plan",
            "",
            f"{len(plan)} candidate actions, "
            "prioritised by impact x urgency / effort (improvement_plan.csv).",
            "",
        ]
    if run.result.notes:
        lines += ["## Notes", ""] + [f"- {n}" for n in run.result.notes] + [""]
    lines += ["## Files", ""] + [f"- `{f}`" for f in run.result.files] + [""]
    return "\n".join(lines)


def run_demo(
    out: str | Path,
    *,
    catalog: Catalog | None = None,
    scale: str = "qclub",
    organization: str | None = "036023",
    lang: str = "it",
    uncertainty_runs: int = 200,
    seed: int = 0,
    progress: Progress | None = None,
    national_size: int = N_MUNICIPALITIES,
    force: bool = False,
) -> DemoResult:
    """Run the whole Q-Club quality cycle on the installed plugins' demo data.

    Parameters
    ----------
    out
        Output folder: new, empty or the output of a previous demo, whose
        files (listed in its manifest, :data:`~qualitapa.demo.MANIFEST`)
        are replaced; files the demo did not write are never touched (see
        :class:`~qualitapa.demo.DemoFolder`). The results appear only when
        every step has succeeded.
    catalog
        The catalog to use (default: :func:`qualitapa.default_catalog`).
    scale
        ``"qclub"`` (the eight cities, every step) or ``"national"``
        (indicators, benchmark and composites for a synthetic national set of
        municipalities with profiles fitted to the demo data).
    organization
        The city whose improvement plan is derived and which the reports
        highlight (default Modena, 036023).
    lang
        Language of the HTML reports (``"it"`` or ``"en"``).
    uncertainty_runs
        Monte Carlo runs of the composite uncertainty analysis.
    seed
        Seed for every random step.
    progress
        Called with a message before each step (the CLI shows them).
    national_size
        Number of synthetic municipalities at national scale (default: as
        many as Italy has, 7,896).
    force
        Also write into a non-empty folder that is not a demo output, and
        replace files of a previous demo changed since (never a register
        changed since, never a file the demo did not write).

    Returns
    -------
    DemoResult

    Raises
    ------
    DataError
        No installed plugin ships indicator demo data (install the plugins
        under ``plugins/``); the output folder holds files the demo did not
        write (see ``force``), or changed ones.
    """
    say = progress or (lambda message: None)
    catalog = catalog if catalog is not None else default_catalog()
    if scale not in ("qclub", "national"):
        raise DataError(f"unknown scale {scale!r}: use 'qclub' or 'national'", column="scale")
    sets = _datasets(catalog, "indicator_data")
    if not sets:
        raise DataError(
            "no installed plugin ships indicator demo data: install the plugins under plugins/ "
            "(see README.md)"
        )
    folder = DemoFolder(out, force=force)
    folder.prepare()
    with folder.staging() as stage:
        result = _run_steps(
            stage,
            catalog,
            sets,
            scale,
            organization,
            lang,
            uncertainty_runs,
            seed,
            say,
            national_size,
        )
        folder.commit(stage)
    result.out = folder.out
    return result


def _run_steps(
    out: Path,
    catalog: Catalog,
    sets: list[Any],
    scale: str,
    organization: str | None,
    lang: str,
    uncertainty_runs: int,
    seed: int,
    say: Progress,
    national_size: int,
) -> DemoResult:
    """Every step of :func:`run_demo`, writing into the staging folder ``out``."""
    result = DemoResult(out=out)
    run = _Run(catalog, result, say, seed)
    raw = _load(sets)
    peer = "qclub.size" if "qclub.size" in catalog.peer_groups else None
    if scale == "national":
        say("generating a synthetic national set of municipalities")
        municipalities = synthetic_municipalities(national_size, seed=seed)
        raw = _national_raw(raw, catalog, municipalities, seed)
        run.names = dict(zip(municipalities["organization"], municipalities["name"], strict=True))
        # organizations unknown to a catalog that has some are refused: the
        # synthetic municipalities join the catalog for this run
        new = municipalities[~municipalities["organization"].isin(list(catalog.organizations))]
        run.catalog = catalog = catalog.extended(("national", _Municipalities(new)))
        peer = None
    steps: list[tuple[str, Callable[[], None]]] = [
        (
            "indicators: compute, benchmark, trends, targets",
            lambda: run.indicators(raw, peer, all_periods=scale == "qclub"),
        ),
        ("composite indices with uncertainty analysis", lambda: run.composites(uncertainty_runs)),
    ]
    if scale == "qclub":
        steps += [
            ("efficiency frontiers (DEA)", run.dea),
            ("satisfaction surveys: validate, weight, score", run.surveys),
            ("complaints: register, deadlines, KPIs", run.complaints),
            ("service charters: compliance", run.standards),
            ("CAF self-assessment", run.caf),
            ("improvement plan", lambda: run.improvement_plan(organization)),
            ("reports, open data and Excel", lambda: run.publish(organization, lang)),
        ]
    for n, (label, step) in enumerate(steps, start=1):
        say(f"[{n}/{len(steps)}] {label}")
        step()
    (out / "summary.md").write_text(_summary(run, scale), encoding="utf-8")
    result.files.append("summary.md")
    return result


class _Municipalities:
    """A plugin with the synthetic municipalities the catalog does not have."""

    def __init__(self, municipalities: pd.DataFrame) -> None:
        self.municipalities = municipalities

    @hookimpl
    def qualitapa_organizations(self) -> list[Organization]:
        m = self.municipalities
        return [
            Organization(str(code), str(name), population=int(population))
            for code, name, population in zip(
                m["organization"], m["name"], m["population"], strict=True
            )
        ]


def _national_raw(
    raw: pd.DataFrame, catalog: Catalog, municipalities: pd.DataFrame, seed: int
) -> pd.DataFrame:
    """Raw data for a synthetic national set, with profiles fitted to the demo data."""
    pops = {k: float(v) for k, v in catalog.populations().items() if v}
    profiles = fitted_profiles(raw, pops)
    periods = sorted(pd.to_numeric(raw["period"]).unique().tolist())
    panel = synthetic_panel(municipalities, periods, profiles, seed=seed)
    population = pd.DataFrame(
        {
            "organization": np.repeat(municipalities["organization"].to_numpy(), len(periods)),
            "period": np.tile(periods, len(municipalities)),
            "variable": "population",
            "value": np.repeat(municipalities["population"].to_numpy(dtype=float), len(periods)),
        }
    )
    return pd.concat([panel, population], ignore_index=True)
