"""``qualitapa template indicators|survey|caf`` and ``qualitapa collect``: a benchmarking round.

The coordinator writes the collection templates (``template``), the cities
fill them, the coordinator checks and merges what comes back (``collect``)
and benchmarks the merged table (``benchmark``, ``report``).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import click
import pandas as pd

from qualitapa.cli._caf import template_options, write_scoring_sheet
from qualitapa.cli._context import language
from qualitapa.cli._main import (
    catalog_for,
    cli,
    echo,
    emit,
    get_catalog,
    sources_argument,
)
from qualitapa.cli._options import (
    choice_option,
    definitions_option,
    file_option,
    input_options,
    lang_option,
    target_option,
)
from qualitapa.errors import said
from qualitapa.i18n import N_, translator

if TYPE_CHECKING:
    from qualitapa._collecting import RoundData
    from qualitapa.i18n import Translator

#: completeness status -> its word (msgids).
_STATUS_WORDS = {"sent": N_("inviato"), "missing": N_("mancante"), "invalid": N_("non valido")}
#: Headers of collect's tables for people (msgids); the other columns are the usual ones.
_HEADERS = {
    "source_sheet": N_("Foglio"),
    "source_row": N_("Riga"),
    "previous": N_("Valore precedente"),
    "required": N_("Obbligatoria"),
    "status": N_("Stato"),
    "service": N_("Codice servizio"),
}


@cli.group("template")
def template_group() -> None:
    """Collection templates for a round: indicator data, a questionnaire, CAF scores."""


@template_group.command("indicators")
@click.option(
    "--service", "-s", "services", multiple=True, required=True,
    help="The service collected: one sheet each. Repeatable.",
)  # fmt: skip
@click.option(
    "--organization", "organizations", multiple=True,
    help="An organization that fills it (code or name): one value column each, its name and "
    "code filled in. Repeatable. Default: a cell for the office to write its code.",
)  # fmt: skip
@click.option("--period", "-p", default=None, help="The period collected, e.g. 2024.")
@definitions_option
@lang_option
@target_option("The workbook to write (.xlsx).", required=True, formats={"xlsx": [".xlsx"]})
def template_indicators(
    services: tuple[str, ...],
    organizations: tuple[str, ...],
    period: str | None,
    definitions: tuple[Path, ...],
    lang: str,
    output: Path,
) -> None:
    """Write the data-collection workbook (scheda di rilevazione) a city office fills.

    An instructions sheet, then one sheet per service: one row per raw
    variable (label, unit, required or not, type and allowed values,
    description), one value column per organization, Excel data validation
    on the cells to fill. The compute commands, benchmark and collect read
    the filled workbook as it is.
    """
    from qualitapa._data_templates import write_indicator_template

    catalog = catalog_for(definitions)
    write_indicator_template(
        output, catalog, services, organizations=organizations, period=period, lang=lang
    )
    t = translator(language())
    echo(t("scritta la scheda di rilevazione {file}", file=output), err=True)


@template_group.command("survey")
@click.option("--instrument", "-i", required=True, help="The questionnaire's id.")
@target_option(
    "The XLSForm to write: an .xlsx, or a folder of CSV sheets.", required=True, writable=True
)
def template_survey(instrument: str, output: Path) -> None:
    """Write the questionnaire INSTRUMENT as an XLSForm (survey, choices, settings sheets).

    KoboToolbox, ODK and LimeSurvey (through their XLSForm import) read it;
    'qualitapa survey import-xlsform' reads it back.
    """
    inst = get_catalog().instruments[instrument]
    inst.to_xlsform(output)
    t = translator(language())
    echo(t("scritto il questionario {id} in {file}", id=inst.id, file=output), err=True)


@template_group.command("caf")
@template_options("File to write (.csv, or .xlsx with the excel extra).", required=True)
def template_caf(method: str, assessors: tuple[str, ...], lang: str, output: Path) -> None:
    """Write an empty CAF scoring sheet for the 28 sub-criteria (as 'qualitapa caf template')."""
    write_scoring_sheet(method, assessors, lang, output)


def _matrix(completeness: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Organizations by service and period, each cell saying what is sent, missing, invalid."""
    from qualitapa._collecting import completeness_matrix
    from qualitapa._labelling import label_columns

    t = translator(lang)
    counts = completeness_matrix(completeness)
    words = []
    for row in counts.to_dict("records"):
        sent, required = int(row["sent"]), int(row["required"])
        missing, invalid = int(row["missing"]), int(row["invalid"])
        if sent == required:
            words.append(t("completo ({n})", n=required))
            continue
        parts = [t("{sent} su {n}", sent=sent, n=required)]
        if missing:
            parts.append(t.plural("{n} mancante", "{n} mancanti", missing))
        if invalid:
            parts.append(t.plural("{n} non valido", "{n} non validi", invalid))
        words.append(", ".join(parts))
    counts["cell"] = words
    catalog = get_catalog()
    labels = {s: t.text(catalog.services[s].label) for s in set(counts["service"])}
    counts["column"] = [
        f"{labels[s]} {p}" for s, p in zip(counts["service"], counts["period"], strict=True)
    ]
    table = counts.pivot(index="organization", columns="column", values="cell").fillna("")
    table = table.reset_index()
    table.columns.name = None
    return label_columns(table, catalog, lang, kinds=("organizations",))


@cli.command("collect")
@sources_argument("files", metavar="FILES...")
@click.option(
    "--service", "-s", "services", multiple=True,
    help="The round's service. Repeatable. Default: the templates', else the data's.",
)  # fmt: skip
@click.option(
    "--organization", "organizations", multiple=True,
    help="An organization expected to send data (code or name). Repeatable. Default: those "
    "the templates are for and those in the files.",
)  # fmt: skip
@click.option("--period", "-p", "periods", multiple=True, help="A period collected. Repeatable.")
@file_option(
    "--previous",
    help="The previous round's merged file: list the values that changed since.",
)
@target_option(
    "Write the merged valid values here (CSV), with the file, sheet and row of each.",
    formats={"csv": [".csv"]},
)
@choice_option(
    "--show",
    choices=["matrix", "status", "problems", "changes"],
    default="matrix",
    help="What to print: the completeness matrix, the status of every value, the problems, "
    "or the changed values.",
)
@choice_option(
    "--format", "fmt", choices=["table", "csv", "json"], default="table",
    help="How to print it: a table for people, or CSV or JSON for machines.",
)  # fmt: skip
@definitions_option
@input_options
@lang_option
def collect_command(  # noqa: PLR0913 - the round's options
    files: tuple[Path | str, ...],
    services: tuple[str, ...],
    organizations: tuple[str, ...],
    periods: tuple[str, ...],
    previous: Path | None,
    output: Path | None,
    show: str,
    fmt: str,
    definitions: tuple[Path, ...],
    lang: str,
) -> None:
    """Check and merge the FILES the cities sent back; say what is sent, missing or invalid.

    FILES are filled templates (qualitapa template indicators), CSV or Excel
    files of raw data, or dataset ids. Each is checked as 'indicators check'
    does; problems name the file, sheet, row and variable. The valid values
    are merged (-o FILE.csv: with the file each comes from). Prints
    the completeness matrix: for each organization, service and period, how
    many of the values the service's indicators need were sent. Exit status
    1 when a required value is missing or invalid, or a file cannot be read.
    """
    from qualitapa._collecting import collect
    from qualitapa.cli._main import read_input
    from qualitapa.io import write_csv

    catalog = catalog_for(definitions)
    old = read_input(previous, catalog=catalog) if previous is not None else None
    parsed = [int(p) if p.isdigit() else p for p in periods]
    result = collect(
        list(files), catalog=catalog, services=services, organizations=organizations,
        periods=parsed, previous=old,
    )  # fmt: skip
    t = translator(lang)
    if output is not None:
        write_csv(result.data, output)
        echo(
            t.plural("scritto {n} valore in {file}", "scritti {n} valori in {file}",
                     len(result.data), file=output),
            err=True,
        )  # fmt: skip
    if show == "matrix":
        table = _matrix(result.completeness, lang) if fmt == "table" else result.completeness
        emit(table, fmt, title=t("Completezza della rilevazione"), lang=lang)
    else:
        tables = {"status": result.completeness, "problems": result.problems,
                  "changes": result.changes}  # fmt: skip
        table = tables[show]
        headers = None
        if fmt == "table":  # for people: statuses and headers in words
            headers = {k: t(v) for k, v in _HEADERS.items()}
            if "status" in table.columns:
                table = table.assign(status=table["status"].map(lambda s: t(_STATUS_WORDS[s])))
            if "required" in table.columns:
                words = {True: t("sì"), False: t("no")}
                table = table.assign(required=table["required"].map(words))
        emit(table, fmt, lang=lang, headers=headers)
    _summary(result, t)
    if not result.complete:
        raise SystemExit(1)


def _summary(result: RoundData, t: Translator) -> None:
    """What is missing, invalid or changed, on stderr (the details with --show)."""
    status = result.completeness[result.completeness["required"]]["status"]
    missing, invalid = int((status == "missing").sum()), int((status == "invalid").sum())
    if len(result.problems):
        echo(
            t.plural("{n} problema nei file (qualitapa collect ... --show problems):",
                     "{n} problemi nei file (qualitapa collect ... --show problems):",
                     len(result.problems)),
            err=True,
        )  # fmt: skip
        for row in result.problems.head(10).to_dict("records"):
            echo(f"  {_where(row, t)}: {said(row['problem'], t)}", err=True)
        if len(result.problems) > 10:
            echo(t("  ... e altri {n}", n=len(result.problems) - 10), err=True)
    if missing or invalid:
        echo(
            t("valori richiesti: {missing} mancanti, {invalid} non validi "
              "(qualitapa collect ... --show status)", missing=missing, invalid=invalid),
            err=True,
        )  # fmt: skip
    if len(result.changes):
        echo(
            t.plural("{n} valore cambiato rispetto alla rilevazione precedente",
                     "{n} valori cambiati rispetto alla rilevazione precedente",
                     len(result.changes)),
            err=True,
        )  # fmt: skip


def _where(problem: Mapping[Hashable, object], t: Translator) -> str:
    """Where a problem is, in words: file, sheet, row, variable (the parts known)."""
    parts = [str(problem["source"])]
    sheet, row, variable = problem["source_sheet"], problem["source_row"], problem["variable"]
    if isinstance(sheet, str) and sheet:
        parts.append(t("foglio {sheet}", sheet=repr(sheet)))
    if row is not None and not pd.isna(row):  # type: ignore[call-overload]
        parts.append(t("riga {row}", row=int(row)))  # type: ignore[call-overload]
    if isinstance(variable, str) and variable:
        parts.append(variable)
    return ", ".join(parts)
