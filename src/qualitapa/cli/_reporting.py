"""``qualitapa report`` (the HTML report) and ``qualitapa export opendata|excel|validate``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import pandas as pd

from qualitapa.cli._main import (
    SourceType,
    cli,
    echo,
    emit,
    get_catalog,
    listed,
    messages,
    nothing,
    read_input,
    read_inputs,
)
from qualitapa.cli._options import (
    DIR,
    FILE,
    html_target_option,
    input_options,
    lang_option,
    output_options,
    target_option,
)
from qualitapa.errors import DataError

#: report option -> the field of qualitapa.reporting.ReportInputs.
_SECTION_OPTIONS = {
    "values": "indicators",
    "trends": "trends",
    "composite": "composite",
    "dea": "dea",
    "survey": "survey",
    "ipa": "ipa",
    "complaints": "complaints",
    "complaint_trend": "complaint_trend",
    "compliance": "compliance",
    "caf": "caf",
}


def _read(path: Path) -> pd.DataFrame:
    from qualitapa.reporting import ID_COLUMNS

    return read_input(path, dtype=dict.fromkeys(ID_COLUMNS, "string"))


def _read_all(sources: tuple[Path | str, ...]) -> pd.DataFrame:
    """Several result tables of one kind (files, dataset ids) as one (see read_inputs)."""
    from qualitapa.reporting import ID_COLUMNS

    return read_inputs(sources, dtype=dict.fromkeys(ID_COLUMNS, "string"))


def _section_tables(
    results: Path | None,
    service: str | None,
    sections: dict[str, Path | tuple[Path | str, ...] | None],
) -> dict[str, Any]:
    """The result tables of a report: the --results folder's, then the options' own."""
    from qualitapa.reporting import read_results

    tables: dict[str, Any] = read_results(results, service=service) if results is not None else {}
    for option, path in sections.items():
        if isinstance(path, tuple):  # --values: several files are merged
            if path:
                tables[_SECTION_OPTIONS[option]] = _read_all(path)
        elif path is not None:
            tables[_SECTION_OPTIONS[option]] = _read(path)
    return tables


#: The report section a table feeds, where it is not the table's own: the trends feed the
#: indicators' section, the monthly complaint trend the complaints'.
_FEEDS = {"trends": "indicators", "complaint_trend": "complaints"}


def _fed_sections(tables: dict[str, Any]) -> list[str]:
    """The titles, in the reader's language, of the report sections ``tables`` feed (each
    once, in report order); a table no built-in section reads is named as it is."""
    from qualitapa.reporting import report_sections

    t = messages()
    fed = {_FEEDS.get(name, name) for name in tables}
    known = {s.id: s for s in report_sections()}
    titles = [str(t(known[i].title.it)) for i in known if i in fed]
    return titles + sorted(name for name in fed if name not in known)


def _section_option(name: str, what: str) -> Any:
    flag = "--" + name.replace("_", "-")
    return click.option(flag, name, type=FILE, default=None, help=what)


@cli.command("report")
@click.option("--service", "-s", default=None, help="Service id (title, indicator selection).")
@click.option("--period", "-p", required=True, help="The period reported on, e.g. 2024.")
@lang_option
@html_target_option("report.html")
@click.option(
    "--results",
    type=DIR,
    default=None,
    help="A folder of result tables named as qualitapa.reporting.RESULT_FILES says "
    "(indicator_values.csv, composite_ranks.csv, ...); the options below override them.",
)
@click.option(
    "--values",
    "values",
    type=SourceType(),
    multiple=True,
    help="Indicator values (qualitapa indicators compute). Repeatable: several files or "
    "dataset ids are merged.",
)
@_section_option("trends", "Indicator trends (organization, indicator, trend).")
@_section_option("composite", "Composite ranks (median_rank, rank_p05, rank_p95).")
@_section_option("dea", "DEA scores (organization, efficiency, status, peers).")
@_section_option("survey", "Survey dimension indices (dimension, index, ci_low, ci_high).")
@_section_option("ipa", "Importance-performance table (importance, performance, quadrant).")
@_section_option("complaints", "Complaint KPIs (qualitapa complaints kpis).")
@_section_option("complaint_trend", "Monthly complaint trend (period, received, answered).")
@_section_option("compliance", "Charter compliance (qualitapa standards check).")
@_section_option("caf", "CAF scores (level, id, score).")
@click.option("--organization", default=None, help="Highlight this organization.")
@click.option("--title", default=None, help="Report title.")
@click.option("--note", default=None, help="A note under the title (e.g. 'synthetic data').")
@click.option("--no-charts", is_flag=True, help="Tables only.")
@click.option(
    "--img",
    "as_images",
    is_flag=True,
    help="Embed charts as <img> SVG images (with their text as alt) instead of inline SVG.",
)
@click.option("--png", "as_images", is_flag=True, hidden=True, help="Deprecated name of --img.")
@input_options
def report_command(
    service: str | None,
    period: str,
    lang: str,
    output: Path,
    results: Path | None,
    organization: str | None,
    title: str | None,
    note: str | None,
    no_charts: bool,
    as_images: bool,
    **sections: Path | tuple[Path | str, ...] | None,
) -> None:
    """Write the self-contained HTML benchmark report of a SERVICE and PERIOD.

    Give the result tables one by one, or a --results folder. Labels, units,
    polarity and city names come from the installed plugins.
    """
    from qualitapa.reporting import ReportInputs, write_report

    catalog = get_catalog()
    if service is not None:
        catalog.services[service]  # unknown service -> error with suggestions
    if organization is not None:
        organization = catalog.resolve_organization(organization)  # a name, a code
    tables = _section_tables(results, service, sections)
    if not tables:
        t = messages()
        raise DataError(
            t("nessuna tabella di risultati: dare --values, --caf, ... o --results DIR")
        )
    for name, table in tables.items():  # names and Excel-stripped codes -> the catalog's
        if isinstance(table, pd.DataFrame):
            tables[name] = catalog.resolve_organizations(table, source=name)
    periods = {
        str(p)
        for t in tables.values()
        if isinstance(t, pd.DataFrame) and "period" in t.columns
        for p in t["period"].dropna().unique()
    }
    if periods and str(period) not in periods:
        t = messages()
        raise nothing(t("nessun dato del periodo {period} (periodi nelle tabelle: {periods})",
                        period=period, periods=listed(sorted(periods))))  # fmt: skip
    inputs = ReportInputs(
        service=service, period=period, lang=lang, catalog=catalog,
        organization=organization, title=title, note=note, charts=not no_charts,
        image_format="img" if as_images else "svg", **tables,
    )  # fmt: skip
    path = write_report(output, inputs)
    t = messages()
    echo(t("scritto il rapporto in {file}, con i dati di: {sections}", file=path,
           sections=listed(_fed_sections(tables))), err=True)  # fmt: skip


@cli.group("export")
def export_group() -> None:
    """Publish result tables: open data (CSV + datapackage.json) or Excel."""


def _tables(files: tuple[Path, ...], results: Path | None) -> dict[str, pd.DataFrame]:
    from qualitapa.reporting import RESULT_FILES

    tables: dict[str, pd.DataFrame] = {}
    if results is not None:
        for name in RESULT_FILES.values():
            if (results / name).is_file():
                tables[Path(name).stem] = _read(results / name)
    for path in files:
        tables[path.stem] = _read(path)
    if not tables:
        t = messages()
        raise DataError(t("nessuna tabella: indicare file CSV o usare --results DIR"))
    return tables


_files_argument = click.argument("files", nargs=-1, type=FILE)
_results_option = click.option(
    "--results", type=DIR, default=None, help="Also export the result tables here."
)


@export_group.command("opendata")
@_files_argument
@target_option(
    "The folder of the data package (no extension: it is not a .zip).", required=True, folder=True
)
@_results_option
@click.option("--name", default="qualitapa-results", show_default=True, help="Package name.")
@click.option("--title", default=None, help="Package title.")
@click.option("--description", default=None, help="Package description.")
@click.option(
    "--licence",
    default="CC-BY-4.0",
    show_default=True,
    help="Licence id: CC-BY-4.0, CC0-1.0, CC-BY-SA-4.0, ODbL-1.0, IODL-2.0.",
)
@click.option(
    "--with-definitions",
    is_flag=True,
    help="Add the indicator definitions of the installed plugins (labels, units, formulas).",
)
@lang_option
@input_options
def export_opendata(
    files: tuple[Path, ...],
    output: Path,
    results: Path | None,
    name: str,
    title: str | None,
    description: str | None,
    licence: str,
    with_definitions: bool,
    lang: str,
) -> None:
    """Write FILES (CSV tables) as an open-data package: CSV + Frictionless datapackage.json.

    Each table becomes a resource named after its file; types are inferred,
    usual keys (organization, period, indicator...) become primary keys. Each
    id column the installed plugins know gets its label in --lang right after
    it (organization_name, indicator_label, ...).
    """
    from qualitapa.reporting import (
        guess_primary_key,
        indicator_table,
        validate_datapackage,
        write_datapackage,
    )

    catalog = get_catalog()
    tables = _tables(files, results)
    if with_definitions:
        tables["indicators"] = indicator_table(catalog, lang=lang)
    try:
        path = write_datapackage(
            tables,
            output,
            name=name,
            title=title,
            description=description,
            licence=licence,
            primary_keys={t: k for t, f in tables.items() if (k := guess_primary_key(f))},
            catalog=catalog,
            lang=lang,
        )
    except ValueError as exc:
        raise DataError(str(exc)) from exc
    problems = validate_datapackage(path)
    if not problems.empty:  # pragma: no cover - the writer writes valid packages
        emit(problems)
        t = messages()
        raise DataError(t("il pacchetto scritto non è valido"))
    t = messages()
    echo(t.plural("scritta {n} tabella e {file}", "scritte {n} tabelle e {file}", len(tables),
                  file=path), err=True)  # fmt: skip


@export_group.command("excel")
@_files_argument
@target_option("The .xlsx file to write.", required=True, formats={"xlsx": [".xlsx"]})
@_results_option
@lang_option
@input_options
def export_excel(files: tuple[Path, ...], output: Path, results: Path | None, lang: str) -> None:
    """Write FILES (CSV tables) to one Excel workbook, one sheet per table.

    Each id column the installed plugins know gets its label in --lang right
    after it (organization_name, indicator_label, ...).
    """
    from qualitapa.reporting import write_excel

    tables = _tables(files, results)
    write_excel(tables, output, catalog=get_catalog(), lang=lang)
    t = messages()
    echo(t.plural("scritto {n} foglio in {file}", "scritti {n} fogli in {file}", len(tables),
                  file=output), err=True)  # fmt: skip


@export_group.command("validate")
@click.argument("package", type=click.Path(exists=True, path_type=Path))
@output_options
def export_validate(package: Path, fmt: str | None, output: Path | None) -> None:
    """Check a data package (folder or datapackage.json) against its Table Schemas.

    Prints one line per problem and exits with status 1 if there is any.
    """
    from qualitapa.reporting import validate_datapackage

    problems = validate_datapackage(package)
    t = messages()
    if problems.empty:
        echo(t("il pacchetto di dati è valido"), err=True)
        return
    emit(problems, fmt, output)
    raise DataError(t.plural("{n} problema nel pacchetto di dati",
                             "{n} problemi nel pacchetto di dati", len(problems)),
                    source=str(package))  # fmt: skip
