"""The demo's last steps: one HTML report per service, the open-data package, Excel; the portal."""

from __future__ import annotations

from typing import Any

from qualitapa.demo._state import DemoState
from qualitapa.errors import DataError
from qualitapa.i18n import translator

#: Tables published in the open-data package and the Excel workbook.
OPEN_TABLES = (
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

#: Sections of a service report fed from a results table: report keyword -> table.
_SERVICE_TABLES = (
    ("complaints", "complaint_kpis_by_service"),
    ("complaint_trend", "complaint_trend_by_service"),
    ("compliance", "charter_compliance"),
)


def publish(state: DemoState) -> None:
    """Write the reports, the open-data package and the Excel workbook.

    Each report, the package and the workbook is a sub-step of the progress
    (:meth:`DemoState.advance`); a report's sections say where it is.
    """
    t = translator(state.options.lang)
    services = report_services(state)
    total = len(services) + 2
    reports(state, services, total=total)
    state.advance(len(services), total, t("pacchetto di dati aperti"))
    open_data(state)
    state.advance(len(services) + 1, total, t("cartella di lavoro Excel"))
    excel(state)


def _report_options(state: DemoState, service: str) -> dict[str, Any]:
    """The fields of :class:`qualitapa.reporting.ReportInputs` for ``service``."""
    tables = state.result.tables
    t = translator(state.options.lang)
    kwargs: dict[str, Any] = {
        "service": service,
        "period": state.period,
        "lang": state.options.lang,
        "catalog": state.catalog,
        "indicators": tables["indicator_values"],
        "trends": tables.get("indicator_trends"),
        "organization": state.options.organization,
        "note": t("Dati sintetici a scopo dimostrativo"),
    }
    if service in state.uncertainty:
        kwargs["composite"] = state.uncertainty[service]
    if service in state.dea:
        kwargs["dea"] = state.dea[service]
    survey = state.surveys.get(service)
    if survey:
        kwargs.update(survey=survey["survey"], ipa=survey["ipa"])
    # every section keeps the rows of this service only (render_report)
    for key, name in _SERVICE_TABLES:
        if name in tables:
            kwargs[key] = tables[name]
    if "caf_scores" in tables:
        kwargs["caf"] = tables["caf_scores"]
    return kwargs


def report_services(state: DemoState) -> list[str]:
    """The services that get a report: the top-level ones with indicators."""
    catalog = state.catalog
    return [
        service
        for service, definition in catalog.services.items()
        if definition.parent is None and catalog.indicators.by_service(service)
    ]


def reports(state: DemoState, services: list[str] | None = None, *, total: int = 0) -> None:
    """One HTML report per service of ``services`` (default :func:`report_services`).

    Report ``k`` is sub-step ``k`` of ``total`` (default: as many as reports).
    """
    from qualitapa import reporting as rp

    services = report_services(state) if services is None else services
    total = total or len(services)
    t = translator(state.options.lang)
    for done, service in enumerate(services):
        name = f"report-{service}-{state.period}.html"
        label = state.catalog.services[service].label.get(state.options.lang)

        def section(title: str, done: int = done, label: str = label) -> None:
            state.advance(done, total, t("rapporto {service}: {section}", service=label,
                                         section=title))  # fmt: skip

        state.advance(done, total, t("rapporto {service}", service=label))
        inputs = rp.ReportInputs(**_report_options(state, service))
        rp.write_report(state.result.out / name, inputs, progress=section)
        state.result.files.append(name)


def open_data(state: DemoState) -> None:
    """The open-data package (validated) of the published tables and the indicator list."""
    from qualitapa import reporting as rp

    profile, out, lang = state.options.profile, state.result.out, state.options.lang
    t = translator(lang)
    package = {
        "indicators": rp.indicator_table(state.catalog, lang=lang),
        **{k: v for k, v in state.result.tables.items() if k in OPEN_TABLES},
    }
    title = (profile.title or profile.label).get(lang)
    description = profile.description.get(lang) if profile.description else None
    rp.write_datapackage(
        package,
        out / "opendata",
        name=f"{profile.package}-{state.period}",
        title=t("{title} {period} (dati sintetici dimostrativi)", title=title, period=state.period),
        description=description or t("Dati SINTETICI generati a scopo dimostrativo."),
        primary_keys={"indicator_values": ["organization", "period", "indicator"]},
        catalog=state.catalog,
        lang=lang,
        names=state.names,
    )
    problems = rp.validate_datapackage(out / "opendata")
    if len(problems):
        raise DataError(
            "the open-data package does not validate",
            source=str(out / "opendata"),
            failure_cases=problems,
        )
    state.result.files.append("opendata/datapackage.json")


def excel(state: DemoState) -> None:
    """The published tables in one Excel workbook (needs the 'excel' extra)."""
    from qualitapa import reporting as rp

    tables = state.result.tables
    try:
        rp.write_excel(
            {k: tables[k] for k in OPEN_TABLES if k in tables},
            state.result.out / "results.xlsx",
            catalog=state.catalog,
            lang=state.options.lang,
            names=state.names,
        )
        state.result.files.append("results.xlsx")
    except ImportError:
        t = translator(state.options.lang)
        state.result.notes.append(t("results.xlsx non scritto: installare l'extra 'excel'"))


#: The folder of the demo's quality portal, inside the demo's output.
SITE_FOLDER = "site"


def portal(state: DemoState) -> None:
    """The static quality portal of the demo's results (:func:`qualitapa.site.build_site`).

    Built from the files the earlier steps wrote, in Italian, English and
    German, into ``site/`` of the output (``site/index.html`` to start).
    """
    from qualitapa.site import build_site

    out = state.result.out
    build = build_site(out, out / SITE_FOLDER, catalog=state.catalog)
    state.site_pages = len(build.pages)
    state.result.files.append(f"{SITE_FOLDER}/index.html")
