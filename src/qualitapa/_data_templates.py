"""The data-collection workbook of a benchmarking round ("scheda di rilevazione").

The coordinating city sends each city office a workbook to fill
(:func:`write_indicator_template`); the compute commands read the filled
workbook back as it is (:func:`read_indicator_template`, through
:func:`qualitapa.io.read_sources`).

Layout, for a clerk: an instructions sheet (``Istruzioni``), then one sheet
per service with the period and one row per raw variable (label, unit,
whether it is required, the value to fill, the type and the allowed
values, the description, the variable's code) and one value column per
organization, headed by its name and code. Only the value cells (and the
period, when the template leaves it open) can be edited; Excel's data
validation refuses text, fractions of counts and negative numbers there.

What a cell means is written in a hidden sheet (:data:`METADATA_SHEET`):
one row per value cell with its sheet, cell, organization, period cell and
variable, so that the workbook reads back whatever a clerk did to the
layout of what they see (column widths, colours, sorted labels are not
read). A workbook is a template when it has that sheet
(:func:`is_indicator_template`).

Examples
--------
>>> import pathlib, tempfile
>>> from qualitapa import Catalog, TomlPlugin
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "defs.toml").write_text(EXAMPLE_TOML, encoding="utf-8")
>>> catalog = Catalog.build([("example", TomlPlugin(folder / "defs.toml"))], entrypoints=False)
>>> path = folder / "scheda.xlsx"
>>> _ = write_indicator_template(path, catalog, ["registry"], organizations=["022205"],
...                              period="2024")
>>> is_indicator_template(path)
True
>>> read_indicator_template(path)[["organization", "period", "variable"]].values.tolist()
[['022205', 2024, 'registry.certificates'], ['022205', 2024, 'registry.fte']]
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from qualitapa._workbooks import WorkbookLimits, check_workbook
from qualitapa._xlsx import require_openpyxl
from qualitapa.errors import DataError, OptionError
from qualitapa.i18n import translator
from qualitapa.io import code_text

if TYPE_CHECKING:
    from qualitapa.catalog import Catalog
    from qualitapa.indicators import Variable

__all__ = [
    "METADATA_SHEET",
    "TEMPLATE_KIND",
    "is_indicator_template",
    "read_indicator_template",
    "required_variables",
    "service_variables",
    "write_indicator_template",
]

#: The hidden sheet saying what each value cell of a template means.
METADATA_SHEET = "_qualitapa"
#: What the metadata sheet's first cell says (and the version of the layout).
TEMPLATE_KIND = "qualitapa.indicator_template"
_VERSION = 1
#: Columns of the metadata sheet's table.
_META_COLUMNS = (
    "sheet",
    "cell",
    "service",
    "organization",
    "organization_cell",
    "period",
    "period_cell",
    "variable",
    "required",
)
_FIRST_ROW = 7  # the first variable row of a service sheet
_HEADER_ROW = _FIRST_ROW - 1
#: The largest number a value cell accepts (Excel's data validation needs a bound).
_MAX_VALUE = 1e15

#: A service with two variables and an indicator, for the examples.
EXAMPLE_TOML = """
[[services]]
id = "registry"
label = { it = "Anagrafe", en = "Civil registry" }

[[organizations]]
id = "022205"
name = "Trento"
population = 118000

[[variables]]
id = "registry.certificates"
service = "registry"
label = { it = "Certificati rilasciati", en = "Certificates issued" }
unit = "count"
integer = true

[[variables]]
id = "registry.fte"
service = "registry"
label = { it = "Personale (FTE)", en = "Staff (FTE)" }
unit = "FTE"

[[indicators]]
id = "registry.certificates_per_fte"
service = "registry"
dimension = "efficiency"
label = { it = "Certificati per addetto", en = "Certificates per FTE" }
formula = "registry.certificates / registry.fte"
polarity = "higher_is_better"
"""

_FILL_INPUT = "FFF2CC"  # the cells to fill: light yellow
_FILL_HEADER = "DDEBF7"
_FILL_NOT_NEEDED = "EDEDED"


def required_variables(catalog: Catalog, service: str, organization: str | None) -> list[str]:
    """The raw variables ``service``'s indicators need from ``organization``, in catalog order.

    The indicators of the service (and its sub-services) that apply to the
    organization (every indicator for ``None``: local indicators only for
    the organizations they list), and of their variables those the catalog
    declares (``population`` and the other values of organization records
    come from the catalog, not from the city).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from qualitapa import Catalog, TomlPlugin
    >>> toml = pathlib.Path(tempfile.mkdtemp()) / "defs.toml"
    >>> _ = toml.write_text(EXAMPLE_TOML, encoding="utf-8")
    >>> catalog = Catalog.build([("example", TomlPlugin(toml))], entrypoints=False)
    >>> required_variables(catalog, "registry", "022205")
    ['registry.certificates', 'registry.fte']
    """
    needed: set[str] = set()
    for definition in catalog.indicators.by_service(service):
        local = definition.organizations
        if local and (organization is None or organization not in local):
            continue
        needed |= set(definition.variables)
    return [v for v in catalog.variables if v in needed]


def service_variables(
    catalog: Catalog, service: str, organizations: Sequence[str] = ()
) -> list[str]:
    """The variables a template of ``service`` lists: the required ones first, then the others.

    Required: what the service's indicators need from one of
    ``organizations`` (:func:`required_variables`; from anyone when none is
    given). Then the other variables of the service and its sub-services,
    except those only the local indicators of other organizations use.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from qualitapa import Catalog, TomlPlugin
    >>> toml = pathlib.Path(tempfile.mkdtemp()) / "defs.toml"
    >>> _ = toml.write_text(EXAMPLE_TOML, encoding="utf-8")
    >>> catalog = Catalog.build([("example", TomlPlugin(toml))], entrypoints=False)
    >>> service_variables(catalog, "registry", ["022205"])
    ['registry.certificates', 'registry.fte']
    """
    targets: list[str | None] = list(organizations) or [None]
    needed: set[str] = set()
    for org in targets:
        needed |= set(required_variables(catalog, service, org))
    others: set[str] = set()  # used only by local indicators of other organizations
    used: set[str] = set()
    for definition in catalog.indicators.by_service(service):
        local = definition.organizations
        if local and organizations and not set(local) & set(organizations):
            others |= set(definition.variables)
        else:
            used |= set(definition.variables)
    skip = others - used
    own = [v.id for v in catalog.variables.by_service(service)]
    first = [v for v in catalog.variables if v in needed]
    return [*first, *(v for v in own if v not in needed and v not in skip)]


def _allowed(
    variable: Variable, t: Any
) -> tuple[str, str, Literal["whole", "decimal"], float | None]:
    """(type in words, allowed values in words, validation type, lower bound)."""
    kind: Literal["whole", "decimal"] = "whole" if variable.integer else "decimal"
    words = t("numero intero") if variable.integer else t("numero decimale")
    if variable.nonnegative:
        return words, t("da 0 in su"), kind, 0.0
    return words, t("qualsiasi numero"), kind, None


def _sheet_title(label: str, used: set[str]) -> str:
    """A sheet name Excel accepts (31 characters, none of ``[]:*?/\\``), unique."""
    base = re.sub(r"[\[\]:*?/\\]", " ", label).strip()[:31] or "Servizio"
    name, n = base, 2
    while name.lower() in used or name == METADATA_SHEET:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name.lower())
    return name


def write_indicator_template(
    path: str | Path,
    catalog: Catalog,
    services: Sequence[str],
    *,
    organizations: Sequence[str] = (),
    period: str | None = None,
    lang: str = "it",
) -> Path:
    """Write the data-collection workbook of ``services`` for ``organizations`` to ``path``.

    Parameters
    ----------
    path
        The ``.xlsx`` file to write.
    catalog
        Where the services, variables, indicators and organizations are defined.
    services
        The services: one sheet each.
    organizations
        The organizations (codes or names) that fill it: one value column
        each, headed by name and code. None: one column, and a cell for the
        organization's code that the office fills.
    period
        The period collected (e.g. ``"2024"``); None leaves a cell to fill.
    lang
        The language of the labels and instructions.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    OptionError
        ``path`` is not ``.xlsx``; no service given.
    UnknownItemError
        An unknown service or organization.
    DefinitionError
        A service whose indicators need no variable the catalog declares.
    """
    p = Path(path)
    if p.suffix.lower() != ".xlsx":
        raise OptionError(
            f"write the template as .xlsx, not {p.suffix or 'without extension'!r}",
            option="path",
            value=str(p),
        )
    if not services:
        raise OptionError("name at least one service", option="services", value=services)
    require_openpyxl(DataError, "writing Excel files", str(p))
    from openpyxl import Workbook

    from qualitapa.errors import DefinitionError

    t = translator(lang)
    orgs = [catalog.organizations[catalog.resolve_organization(o)] for o in organizations]
    for s in services:
        catalog.services[s]  # unknown service -> error with suggestions
    book = Workbook()
    intro = book.worksheets[0]
    intro.title = t("Istruzioni")
    used = {intro.title.lower()}
    meta_rows: list[list[Any]] = []
    sheets: list[str] = []
    for service_id in services:
        if not service_variables(catalog, service_id, [o.id for o in orgs]):
            raise DefinitionError(
                "no variable to collect: its indicators use no variable the plugins declare",
                item=service_id,
            )
        label = t.text(catalog.services[service_id].label)
        ws = book.create_sheet(_sheet_title(label, used))
        sheets.append(ws.title)
        org_cell = _sheet_head(ws, t, label, period, orgs)
        meta_rows += _variable_rows(ws, t, catalog, service_id, orgs, period, org_cell)
        ws.freeze_panes = ws.cell(row=_FIRST_ROW, column=2)
        ws.protection.sheet = True
        ws.protection.formatColumns = False
        ws.protection.formatRows = False
    _instructions(intro, t, sheets, period, orgs)
    meta = book.create_sheet(METADATA_SHEET)
    meta.append([TEMPLATE_KIND, _VERSION])
    meta.append([])
    meta.append(list(_META_COLUMNS))
    for entry in meta_rows:
        meta.append(entry)
    meta.sheet_state = "hidden"
    meta.protection.sheet = True
    book.active = 1 if len(book.sheetnames) > 2 else 0
    book.save(p)
    return p


def _styles() -> dict[str, Any]:
    from openpyxl.styles import Alignment, Font, PatternFill, Protection

    return {
        "bold": Font(bold=True),
        "title": Font(bold=True, size=14),
        "wrap": Alignment(wrap_text=True, vertical="top"),
        "unlocked": Protection(locked=False),
        "input": PatternFill("solid", fgColor=_FILL_INPUT),
        "header": PatternFill("solid", fgColor=_FILL_HEADER),
        "not_needed": PatternFill("solid", fgColor=_FILL_NOT_NEEDED),
    }


def _sheet_head(ws: Any, t: Any, label: str, period: str | None, orgs: list[Any]) -> str | None:
    """Title, period and organization of a service sheet; the organization cell to fill, if any."""
    style = _styles()
    ws["A1"] = t("Scheda di rilevazione: {service}", service=label)
    ws["A1"].font = style["title"]
    ws["A2"] = t("Periodo")
    ws["A3"] = t("Ente")
    ws["A2"].font = ws["A3"].font = style["bold"]
    if period is not None:
        ws["B2"] = int(period) if str(period).isdigit() else str(period)
    else:
        ws["B2"].protection = style["unlocked"]
        ws["B2"].fill = style["input"]
        ws["C2"] = t("← scrivere l'anno (es. 2024)")
    org_cell = None
    if len(orgs) == 1:
        ws["B3"] = f"{orgs[0].name} ({orgs[0].id})"
    elif not orgs:
        org_cell = "B3"
        ws["B3"].protection = style["unlocked"]
        ws["B3"].fill = style["input"]
        ws["C3"] = t("← scrivere il codice ISTAT o il nome del Comune")
    else:
        ws["B3"] = t("{n} enti: una colonna ciascuno", n=len(orgs))
    ws["A4"] = t(
        "Compilare solo le celle gialle; le voci obbligatorie servono a calcolare gli "
        "indicatori del servizio."
    )
    return org_cell


def _validation(t: Any, variable: Variable) -> Any:
    """Excel's data validation of a variable's value cells."""
    from openpyxl.worksheet.datavalidation import DataValidation

    kind_words, allowed_words, kind, low = _allowed(variable, t)
    return DataValidation(
        type=kind,
        operator="between",
        formula1=str(int(low)) if low is not None else str(-int(_MAX_VALUE)),
        formula2=str(int(_MAX_VALUE)),
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=t("Valore non valido"),
        error=t("Scrivere {kind}, {allowed}.", kind=kind_words, allowed=allowed_words),
        promptTitle=t("Valore"),
        prompt=t("{kind}, {allowed}", kind=kind_words, allowed=allowed_words),
        showInputMessage=True,
    )


def _variable_rows(
    ws: Any,
    t: Any,
    catalog: Catalog,
    service_id: str,
    orgs: list[Any],
    period: str | None,
    org_cell: str | None,
) -> list[list[Any]]:
    """The header and one row per variable of a service sheet; the metadata of its cells."""
    style = _styles()
    names = service_variables(catalog, service_id, [o.id for o in orgs])
    value_headers = [f"{o.name} ({o.id})" for o in orgs] if len(orgs) > 1 else [t("Valore")]
    headers = [t("Voce"), t("Unità di misura"), t("Obbligatoria"), *value_headers,
               t("Tipo"), t("Valori ammessi"), t("Descrizione"), t("Codice")]  # fmt: skip
    for j, header in enumerate(headers, start=1):
        cell = ws.cell(row=_HEADER_ROW, column=j, value=header)
        cell.font, cell.fill, cell.alignment = style["bold"], style["header"], style["wrap"]
    first_value = 4
    after = first_value + len(value_headers)
    targets = [o.id for o in orgs] if orgs else [None]
    needs = {o: set(required_variables(catalog, service_id, o)) for o in targets}
    any_needs = set().union(*needs.values())
    validations: dict[tuple[str, float | None], Any] = {}
    meta: list[list[Any]] = []
    for i, name in enumerate(names):
        row = _FIRST_ROW + i
        variable = catalog.variables[name]
        kind_words, allowed_words, kind, low = _allowed(variable, t)
        described = t.text(variable.description) if variable.description else ""
        cells = [t.text(variable.label), t.unit(variable.unit) if variable.unit else "",
                 t("sì") if name in any_needs else t("no")]  # fmt: skip
        for j, value in enumerate(cells, start=1):
            ws.cell(row=row, column=j, value=value).alignment = style["wrap"]
        for j, value in enumerate([kind_words, allowed_words, described, name], start=after):
            ws.cell(row=row, column=j, value=value).alignment = style["wrap"]
        if (kind, low) not in validations:
            validations[kind, low] = _validation(t, variable)
            ws.add_data_validation(validations[kind, low])
        for j, org in enumerate(targets):
            cell = ws.cell(row=row, column=first_value + j)
            cell.protection = style["unlocked"]
            wanted = name in needs[org] or name not in any_needs
            cell.fill = style["input"] if wanted else style["not_needed"]
            validations[kind, low].add(cell.coordinate)
            meta.append([
                ws.title, cell.coordinate, service_id, org or "", org_cell or "",
                "" if period is None else str(period), "B2" if period is None else "",
                name, "yes" if name in needs[org] else "no",
            ])  # fmt: skip
    widths = [46, 16, 12, *([18] * len(value_headers)), 16, 16, 60, 34]
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[_letter(j)].width = width
    return meta


def _letter(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(column))


def _instructions(ws: Any, t: Any, sheets: list[str], period: str | None, orgs: list[Any]) -> None:
    """The instructions sheet, in the template's language."""
    style = _styles()
    ws["A1"] = t("Scheda di rilevazione degli indicatori")
    ws["A1"].font = style["title"]
    period_line = (
        t("Periodo: {period}.", period=period)
        if period is not None
        else t("Scrivere il periodo (l'anno) nella cella gialla in alto di ogni foglio.")
    )
    org_line = (
        t("Ente: {names}.", names=", ".join(f"{o.name} ({o.id})" for o in orgs))
        if orgs
        else t("Scrivere il codice ISTAT o il nome del Comune nella cella gialla in alto.")
    )
    lines = [
        t("Questa cartella raccoglie i dati di base per il confronto tra Comuni (benchmarking)."),
        t("Fogli da compilare: {sheets}.", sheets=", ".join(sheets)),
        period_line,
        org_line,
        t(
            "Scrivere un numero in ogni cella gialla: le voci obbligatorie servono al calcolo "
            "degli indicatori, le altre sono facoltative."
        ),
        t(
            "Scrivere i numeri senza unità di misura e senza simboli (né €, né %): il tipo e i "
            "valori ammessi sono indicati su ogni riga."
        ),
        t(
            "Lasciare vuota la cella di un dato non disponibile: non scrivere 0 al posto di un "
            "dato mancante."
        ),
        t("Le celle grigie sono voci non richieste a quell'ente."),
        t(
            "Non rinominare i fogli, non spostare le righe e non cancellare il foglio nascosto: "
            "servono a rileggere la scheda."
        ),
        t("Rinviare il file compilato all'ufficio che coordina la rilevazione."),
    ]
    for i, line in enumerate(lines, start=3):
        ws.cell(row=i, column=1, value=f"{i - 2}. {line}").alignment = style["wrap"]
    ws.column_dimensions["A"].width = 110


def is_indicator_template(path: str | Path) -> bool:
    """Whether ``path`` is a workbook written by :func:`write_indicator_template`.

    Looks for the metadata sheet's name in the workbook's list of sheets,
    without reading the sheets; anything that is not a workbook is not one.
    """
    try:
        with zipfile.ZipFile(path) as book:
            listing = book.read("xl/workbook.xml")
    except (OSError, zipfile.BadZipFile, KeyError):
        return False
    return f'name="{METADATA_SHEET}"'.encode() in listing


def read_template_source(
    source: str | Path, limits: WorkbookLimits | None = None
) -> pd.DataFrame | None:
    """A filled template's raw data with its file in ``source``; None if ``source`` is not one.

    Standard input (``"-"``) and files that are not ``.xlsx`` are never read
    as templates. Blank values and the ``required``, ``service`` columns are
    kept.
    """
    name = str(source)
    if name == "-" or Path(name).suffix.lower() != ".xlsx" or not is_indicator_template(name):
        return None
    return read_indicator_template(name, source=name, limits=limits).assign(source=name)


def _period(value: object) -> object:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        return int(text) if text.isdigit() else text
    return value


def _cell_value(value: object) -> object:
    if isinstance(value, str):
        return value.strip() or None
    return value


def read_indicator_template(
    path: str | Path, *, source: str | None = None, limits: WorkbookLimits | None = None
) -> pd.DataFrame:
    """The raw data of a filled template, in the long layout the indicators read.

    Parameters
    ----------
    path
        A workbook written by :func:`write_indicator_template` and filled.
    source
        The name of the file in messages (default: ``path``).
    limits
        How big the workbook may be (see :func:`qualitapa.io.read_table`).

    Returns
    -------
    pandas.DataFrame
        Columns ``organization, period, variable, value`` (the cell as
        written: a number, or text the indicators' checks report),
        ``required`` (bool: the service's indicators need it from that
        organization), ``service``, ``source_sheet`` and ``source_row`` (the
        row Excel shows); one row per value cell, blank cells with a missing
        ``value``.

    Raises
    ------
    DataError
        Not a template, a damaged one (a sheet renamed or deleted), or a
        period or organization cell left blank: the message names the
        file, sheet and cell.
    """
    name = source or str(path)
    check_workbook(path, limits)
    require_openpyxl(DataError, "reading Excel files", name)
    from openpyxl import load_workbook
    from openpyxl.utils.cell import coordinate_from_string

    try:
        book = load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of errors on a damaged workbook
        raise DataError(
            f"cannot read the workbook: {exc or type(exc).__name__}", source=name
        ) from exc
    if METADATA_SHEET not in book.sheetnames:
        raise DataError("not a qualitapa data-collection template (no metadata sheet)", source=name)
    rows = list(book[METADATA_SHEET].iter_rows(values_only=True))
    if not rows or rows[0][0] != TEMPLATE_KIND or len(rows) < 3:
        raise DataError(f"the sheet {METADATA_SHEET!r} is not a template's", source=name)
    columns = [str(c) for c in rows[2]]
    entries = [
        {c: "" if v is None else str(v) for c, v in zip(columns, row, strict=False)}
        for row in rows[3:]
    ]
    meta = pd.DataFrame(entries, columns=list(_META_COLUMNS)).fillna("")
    values: list[object] = []
    organizations: list[object] = []
    periods: list[object] = []
    excel_rows: list[int] = []
    for entry in entries:
        if entry["sheet"] not in book.sheetnames:
            raise DataError(
                f"the sheet {entry['sheet']!r} of the template is missing (renamed or "
                "deleted?): fill a fresh copy of the template",
                source=name,
            )
        ws: Any = book[entry["sheet"]]
        values.append(_cell_value(ws[entry["cell"]].value))
        excel_rows.append(coordinate_from_string(entry["cell"])[1])
        organizations.append(
            entry["organization"]
            or _blank_check(ws, entry["organization_cell"], name, "organization")
        )
        periods.append(entry["period"] or _blank_check(ws, entry["period_cell"], name, "period"))
    frame = pd.DataFrame(
        {
            "organization": pd.Series([code_text(o) for o in organizations], dtype=object),
            "period": pd.Series([_period(p) for p in periods], dtype=object),
            "variable": meta["variable"].astype(str).to_numpy(dtype=object),
            "value": pd.Series(values, dtype=object),
            "required": (meta["required"] == "yes").to_numpy(dtype=bool),
            "service": meta["service"].astype(str).to_numpy(dtype=object),
            "source_sheet": meta["sheet"].astype(str).to_numpy(dtype=object),
            "source_row": np.asarray(excel_rows, dtype=np.int64),
        }
    )
    if frame["period"].map(lambda p: isinstance(p, int)).all():
        frame["period"] = frame["period"].astype(np.int64)
    return frame


def _blank_check(ws: Any, cell: str, source: str, what: str) -> object:
    """The value of the cell an office fills (organization, period); blank is an error."""
    value = _cell_value(ws[cell].value) if cell else None
    if value is None:
        words = {"organization": "the organization's code", "period": "the period (the year)"}
        raise DataError(
            f"sheet {ws.title!r}, cell {cell}: {words[what]} is not filled in",
            source=source,
        )
    return value
