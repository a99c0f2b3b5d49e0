"""``qualitapa standards ...`` and ``qualitapa charter ...``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import click
import pandas as pd

from qualitapa.cli._main import (
    catalog_for,
    cli,
    echo,
    emit,
    emit_text,
    for_people,
    listed,
    messages,
    nothing,
    read_input,
)
from qualitapa.cli._options import (
    date_value,
    definitions_option,
    file_option,
    format_option,
    input_options,
    lang_option,
    output_options,
    target_option,
)
from qualitapa.cli._output import for_machines
from qualitapa.errors import DataError, UnknownItemError

if TYPE_CHECKING:
    from qualitapa.catalog import Catalog
    from qualitapa.standards import CharterFormat


def _select(catalog: Catalog, service: str | None, ids: tuple[str, ...]) -> list[Any]:
    if ids:
        return [catalog.standards[i] for i in ids]
    if service:
        catalog.services[service]  # unknown service -> error with suggestions
        return list(catalog.standards.by_service(service))
    return list(catalog.standards.values())


@cli.group("standards")
def standards_group() -> None:
    """Quality standards of the service charters and their compliance."""


_organization_option = click.option(
    "--organization",
    default=None,
    help="Only the standards in force for this organization (its local standards in place "
    "of the general ones they replace).",
)
_service_option = click.option(
    "--service", default=None, help="Only the standards of this service."
)


@standards_group.command("list")
@_service_option
@_organization_option
@definitions_option
@output_options
def standards_list(
    service: str | None, organization: str | None, definitions: tuple[Path, ...],
    fmt: str | None, output: Path | None,
) -> None:  # fmt: skip
    """List the quality standards defined by the plugins."""
    from qualitapa.standards import standards_for, standards_table

    catalog = catalog_for(definitions)
    selected = _select(catalog, service, ())
    if organization is not None:
        organization = catalog.resolve_organization(organization)  # a name, a code
        selected = list(standards_for(selected, organization).values())
    t = messages()
    if not selected and (service or organization):
        of = t(" del servizio {service}", service=repr(service)) if service else ""
        for_ = t(" per l'ente {organization}", organization=organization) if organization else ""
        raise nothing(t("nessuno standard{of}{for_}", of=of, for_=for_))
    table = standards_table(selected)
    if not for_machines(fmt, output):  # dimensions by their Italian names
        from qualitapa.standards import QualityDimension, SubDimension

        table = _enum_words(table, t.lang, dimension=QualityDimension, sub_dimension=SubDimension)
    emit(table, fmt, output, catalog=catalog)


def _enum_words(table: pd.DataFrame, lang: str, **enums: type[Any]) -> pd.DataFrame:
    """``table`` with each column of ``enums`` showing its codes as the enum's labels in ``lang``.

    For people: CSV and JSON keep the codes. A code the enum does not know stays.
    """
    out = table.copy()
    for column, kind in enums.items():
        known = {m.value: m.label.get(lang) for m in kind}
        out[column] = table[column].map(lambda c, k=known: k.get(c, c))
    return out


@standards_group.command("check")
@file_option(
    "--values",
    "values_path",
    help="Indicator values: organization, period, indicator, value (CSV or xlsx).",
)
@file_option(
    "--deliveries",
    "deliveries_path",
    help="Per-delivery records: standard (or service), organization, period and the "
    "columns the formulas use (e.g. waiting_minutes, answer_days).",
)
@_service_option
@click.option("--standard", "standard_ids", multiple=True, help="Only this standard (repeatable).")
@definitions_option
@input_options
@output_options
def standards_check(
    values_path: Path | None,
    deliveries_path: Path | None,
    service: str | None,
    standard_ids: tuple[str, ...],
    definitions: tuple[Path, ...],
    fmt: str | None,
    output: Path | None,
) -> None:
    """Check the standards against a period of data: met or not, margin, refunds."""
    from qualitapa.standards import compliance

    if values_path is None and deliveries_path is None:
        t = messages()
        raise click.UsageError(t("indicare --values, --deliveries o entrambi"))
    catalog = catalog_for(definitions)
    values = read_input(values_path, catalog=catalog) if values_path else None
    deliveries = read_input(deliveries_path, catalog=catalog) if deliveries_path else None
    source = ", ".join(str(p) for p in (values_path, deliveries_path) if p)
    selected = _select(catalog, service, standard_ids)
    t = messages()
    if not selected:
        raise nothing(
            t("nessuno standard del servizio {service}", service=repr(service))
            if service
            else t("nessuno standard")
        )
    result = compliance(
        selected,
        indicator_values=values,
        deliveries=deliveries,
        source=source,
    )
    if (result["organization"].astype(str) == "").all():  # one "no data" row per standard
        reasons = sorted(set(result["reason"].astype(str)))
        raise nothing(t("nessuno standard verificabile sui dati: {reasons}",
                        reasons=listed(reasons, 3)), source=source)  # fmt: skip
    emit(result, fmt, output)


@standards_group.command("refunds")
@file_option(
    "--deliveries",
    "deliveries_path",
    required=True,
    help="Per-delivery records (see 'standards check').",
)
@_service_option
@definitions_option
@input_options
@output_options
def standards_refunds(
    deliveries_path: Path,
    service: str | None,
    definitions: tuple[Path, ...],
    fmt: str | None,
    output: Path | None,
) -> None:
    """List the deliveries owed an automatic refund (indennizzo), one row each."""
    from qualitapa.standards import refunds_due

    catalog = catalog_for(definitions)
    selected = _select(catalog, service, ())
    deliveries = read_input(deliveries_path, catalog=catalog)
    due = refunds_due(selected, deliveries, source=str(deliveries_path))
    if due.empty:
        ids = {s.id for s in selected} | {s.service for s in selected}
        matched = any(
            deliveries[c].astype(str).isin(ids).any()
            for c in ("standard", "service")
            if c in deliveries.columns
        )
        if not matched:
            t = messages()
            raise nothing(
                t("nessuna prestazione appartiene a uno standard con rimborso (colonna "
                  "'standard' o 'service'; standard: {standards})",
                  standards=listed(sorted(s.id for s in selected), 5)),
                source=deliveries_path,
            )  # fmt: skip
        if for_people(fmt, output):
            t = messages()
            echo(t.plural("nessun rimborso dovuto per l'unica prestazione",
                          "nessun rimborso dovuto per le {n} prestazioni", len(deliveries)),
                 err=True)  # fmt: skip
            return
    emit(due, fmt, output)


@cli.group("charter")
def charter_group() -> None:
    """Service charters (carte dei servizi)."""


#: charter render --format -> the extensions of -o.
_CHARTER_FORMATS = {"md": [".md"], "html": [".html", ".htm"], "pdf": [".pdf"]}


@charter_group.command("list")
@lang_option
@definitions_option
@output_options
def charter_list(
    lang: str, definitions: tuple[Path, ...], fmt: str | None, output: Path | None
) -> None:
    """List the charters defined by the plugins, with the organizations that adopt them.

    The column organizations lists the codes of the organizations that give their content of
    the charter ([[charter_content]]: contacts, hours, approval).
    """
    catalog = catalog_for(definitions)
    adopted: dict[str, list[str]] = {}
    for content in catalog.charter_content.values():
        adopted.setdefault(content.charter, []).append(content.organization)
    rows = [
        {
            "id": c.id,
            "service": c.service,
            "title": c.title.get(lang),
            "status": c.status.value,
            "version": c.version or "",
            "valid_from": c.valid_from.isoformat(),
            "valid_to": c.valid_to.isoformat() if c.valid_to else "",
            "standards": len(c.standards),
            "organizations": " ".join(sorted(adopted.get(c.id, []))),
        }
        for c in catalog.charters.values()
    ]
    columns = ["id", "service", "title", "status", "version", "valid_from", "valid_to",
               "standards", "organizations"]  # fmt: skip
    table = pd.DataFrame(rows, columns=columns)
    if not for_machines(fmt, output):  # the status in words (bozza, Entwurf)
        from qualitapa.standards import CharterStatus

        table = _enum_words(table, lang, status=CharterStatus)
    emit(table, fmt, output, lang=lang)


@charter_group.command("render")
@click.argument("service")
@format_option(
    _CHARTER_FORMATS,
    default="md",
    help="Markdown, HTML (styled for screen and A4 print) or PDF (printed with a headless "
    "Chromium; needs --output). Default: the one -o's extension names, else md.",
)
@lang_option
@click.option("--charter", "charter_id", default=None, help="The charter id, if several.")
@click.option(
    "--on",
    "on_date",
    default=None,
    help="Pick the charter in force on this date (31/01/2024 or 2024-01-31; default: today).",
)
@target_option(
    "Write to this file instead of the screen: .md, .html or .pdf.", formats=_CHARTER_FORMATS
)
@click.option(
    "--organization",
    default=None,
    help="Render this organization's charter (a code or a name): its contacts, hours, "
    "channels, notes and approval, and its local standards in place of the general ones "
    "they replace.",
)
@definitions_option
def charter_render(
    service: str,
    fmt: CharterFormat | Literal["pdf"],
    lang: str,
    charter_id: str | None,
    on_date: str | None,
    output: Path | None,
    organization: str | None,
    definitions: tuple[Path, ...],
) -> None:
    """Render the charter of SERVICE for publication (all text escaped).

    Without --organization it is the service plugin's model charter; with it, the
    charter as that city publishes it (its [[charter_content]]).
    """
    from qualitapa.standards import charters_for, content_for, print_to_pdf, render_charter

    if fmt == "pdf" and output is None:
        t = messages()
        raise click.UsageError(
            t("un PDF si scrive in un file: indicare -o/--output (ad es. carta.pdf)")
        )
    catalog = catalog_for(definitions)
    if organization is not None:
        organization = catalog.resolve_organization(organization)  # a name, a code
    if charter_id is not None:
        charter = catalog.charters[charter_id]
    else:
        day = date_value(on_date, "--on") or dt.date.today()
        charters = list(catalog.charters.values())
        of_service = charters_for(charters, service)
        if not of_service:
            suggestions = sorted({c.service for c in charters})
            raise UnknownItemError("charter of service", service, suggestions=suggestions)
        in_force = charters_for(of_service, service, day)
        if len(in_force) != 1:
            ids = ", ".join(c.id for c in (in_force or of_service))
            t = messages()
            raise DataError(
                t("{n} carte di {service} in vigore il {day} ({ids}); sceglierne una con "
                  "--charter o --on", n=len(in_force), service=repr(service),
                  day=day.isoformat(), ids=ids)
            )  # fmt: skip
        charter = in_force[0]
    if (
        organization is not None
        and content_for(catalog.charter_content, charter, organization) is None
    ):
        t = messages()
        echo(
            t("Nota: l'ente {organization} non dà contenuti di {charter} ([[charter_content]]): "
              "la carta modello, senza i recapiti, gli orari e l'approvazione del comune",
              organization=organization, charter=charter.id),
            err=True,
        )  # fmt: skip
    text = render_charter(
        charter,
        catalog.standards,
        fmt="html" if fmt == "pdf" else fmt,
        lang=lang,
        organization=organization,
        content=catalog.charter_content,
    )
    if fmt == "pdf" and output is not None:
        print_to_pdf(text, output)
        t = messages()
        echo(t("scritto {file}", file=output), err=True)
        return
    emit_text(text, output, data=False)
