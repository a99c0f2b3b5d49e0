"""The open data page: the results' data package, its schemas and its files to download.

``dati-aperti/index.html`` describes the Frictionless data package that
the results folder holds in ``opendata/`` (``datapackage.json`` and its
CSV files, see :func:`qualitapa.reporting.write_datapackage`): the
package's title, licence and date, then each resource with its title,
description, licence, size and Table Schema fields (name, type,
description), and a link to download it. The files are copied unchanged
into ``dati-aperti/`` of each language's folder.

Field names are the CSV's column names, the same in every language; their
descriptions and types are said in the page's language. Only files the
descriptor lists, inside the ``opendata`` folder, are copied: a resource
whose path is a URL, leaves the folder or is missing is listed without a
link, and the page says why.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import zoneinfo
from collections.abc import Iterator, Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from qualitapa._vocabulary import COLUMN_WORDS
from qualitapa.errors import DataError
from qualitapa.i18n import N_
from qualitapa.models import DEFAULT_TIMEZONE, Text
from qualitapa.site._context import SiteContext
from qualitapa.site._model import Page, PageKind

#: Where the files go, under each language's root.
DOWNLOAD_FOLDER = "dati-aperti"
_PAGE = f"{DOWNLOAD_FOLDER}/index.html"
_PACKAGE = "datapackage.json"
_SAFE_PATH = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*(/[A-Za-z0-9][A-Za-z0-9_.-]*)*")

#: Table Schema types -> their word (Italian msgid).
_TYPES = {
    "string": N_("testo"),
    "number": N_("numero"),
    "integer": N_("numero intero"),
    "boolean": N_("sì/no"),
    "date": N_("data"),
    "datetime": N_("data e ora"),
    "time": N_("ora"),
    "year": N_("anno"),
    "yearmonth": N_("anno e mese"),
    "duration": N_("durata"),
    "any": N_("qualsiasi"),
}

#: The resources qualitapa writes -> (title, description), Italian msgids.
_RESOURCES: Mapping[str, tuple[str, str]] = {
    "indicators": (N_("Definizioni degli indicatori"),
                   N_("Un indicatore per riga: denominazione, servizio, formula, unità di "
                      "misura, polarità e obiettivo.")),
    "indicator_values": (N_("Valori degli indicatori"),
                         N_("Il valore di ogni indicatore per ente e periodo, con il motivo "
                            "quando manca.")),
    "indicator_benchmark": (N_("Confronto degli indicatori tra enti"),
                            N_("Posizione, percentile, quartile e distanza dal migliore di "
                               "ogni ente, per indicatore, periodo e gruppo di confronto.")),
    "indicator_trends": (N_("Tendenze degli indicatori"),
                         N_("Variazione, crescita media annua e tendenza (test di "
                            "Mann-Kendall) di ogni indicatore per ente.")),
    "composite_ranks": (N_("Posizioni negli indici compositi"),
                        N_("Valore e posizione di ogni ente negli indici compositi, con "
                           "l'intervallo delle posizioni nelle simulazioni.")),
    "dea_scores": (N_("Punteggi di efficienza (DEA)"),
                   N_("Efficienza relativa di ogni ente stimata con l'analisi per inviluppo "
                      "dei dati, con gli enti di riferimento.")),
    "survey_dimensions": (N_("Indici di soddisfazione per dimensione"),
                          N_("Indice 0-100 di ogni dimensione dei questionari per ente, con "
                             "l'intervallo di confidenza al 95%.")),
    "survey_items": (N_("Risultati per domanda delle indagini"),
                     N_("Media, indice e quote di giudizi positivi e negativi di ogni domanda "
                        "per ente, con gli intervalli di confidenza.")),
    "complaint_kpis": (N_("Indicatori dei reclami"),
                       N_("Reclami ricevuti, risposti, nei termini e aperti di ogni ente, "
                          "con i tempi di risposta.")),
    "complaint_trend": (N_("Andamento dei reclami"),
                        N_("Reclami ricevuti e risposti per ente e mese.")),
    "charter_compliance": (N_("Rispetto degli standard delle carte dei servizi"),
                           N_("Per ogni standard di qualità ed ente: valore, obiettivo, "
                              "rispetto e rimborsi dovuti.")),
    "caf_scores": (N_("Punteggi dell'autovalutazione CAF"),
                   N_("Punteggi dei criteri e dei sottocriteri del modello CAF.")),
}  # fmt: skip

#: Columns of qualitapa's result tables -> their description (Italian msgid).
FIELD_WORDS: Mapping[str, str] = {
    **COLUMN_WORDS,
    "n": N_("Numero di osservazioni"),
}

#: Licences known by their SPDX id -> their name in words (Italian msgids; the
#: others are proper names, shown as the package writes them).
_LICENCE_NAMES = {
    "CC-BY-4.0": N_("Creative Commons Attribuzione 4.0 Internazionale"),
    "CC-BY-SA-4.0": N_("Creative Commons Attribuzione - Condividi allo stesso modo 4.0 "
                       "Internazionale"),
    "CC0-1.0": N_("CC0 1.0 Universale (dedica al pubblico dominio)"),
}  # fmt: skip

_FALLBACK_NOTE = N_(
    "Il titolo e la descrizione del pacchetto sono scritti da chi lo pubblica e sono "
    "mostrati come sono."
)


def read_package(folder: Path) -> dict[str, Any] | None:
    """The descriptor ``datapackage.json`` of ``folder``; None when there is none.

    Raises
    ------
    DataError
        The file is not JSON, or not a package (an object with ``resources``).
    """
    path = folder / _PACKAGE
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(f"the data package descriptor {str(path)!r} is not valid JSON ({exc}): "
                        "write it again with 'qualitapa demo' or write_datapackage",
                        source=str(path)) from None  # fmt: skip
    if not isinstance(data, dict) or not isinstance(data.get("resources"), list):
        raise DataError(f"the data package descriptor {str(path)!r} has no list of "
                        "'resources'", source=str(path), column="resources")  # fmt: skip
    return data


def _file_of(folder: Path, path: object) -> Path | None:
    """The resource's file inside ``folder``, None for a URL, an unsafe path or a missing file."""
    if not isinstance(path, str) or not _SAFE_PATH.fullmatch(path) or ".." in path.split("/"):
        return None
    file = (folder / PurePosixPath(path)).resolve()
    root = folder.resolve()
    if not file.is_relative_to(root) or not file.is_file():
        return None
    return file


def _size(ctx: SiteContext, n: int) -> str:
    """A file size for people: ``24,8 kB``, ``1,5 MB`` (decimal units)."""
    if n < 1000:
        return ctx.t.plural("{n} byte", "{n} byte", n)
    if n < 1_000_000:
        return f"{ctx.number(n / 1000, 1)} kB"
    return f"{ctx.number(n / 1_000_000, 1)} MB"


def _licences(ctx: SiteContext, items: object) -> list[str]:
    """Licences by their title (a proper name), else their id; never a link out of the site."""
    out = []
    for lic in items if isinstance(items, list) else []:
        if isinstance(lic, Mapping):
            name, title = lic.get("name"), lic.get("title")
            if name in _LICENCE_NAMES:
                title = ctx.t(_LICENCE_NAMES[str(name)])
            text = str(title or name or "")
            if title and name and str(name) not in text:
                text = f"{title} ({name})"
            if text:
                out.append(text)
    return out


def _field(ctx: SiteContext, field: object) -> dict[str, str] | None:
    if not isinstance(field, Mapping) or not isinstance(field.get("name"), str):
        return None
    name, kind = field["name"], str(field.get("type", "string"))
    if name in FIELD_WORDS:
        description = ctx.t(FIELD_WORDS[name])
    elif ctx.lang == "en" and isinstance(field.get("description"), str):
        description = field["description"]  # qualitapa writes English descriptions
    else:
        description = ""
    return {"name": name, "type": ctx.t(_TYPES[kind]) if kind in _TYPES else kind,
            "description": description}  # fmt: skip


def _resource(ctx: SiteContext, folder: Path, res: Mapping[str, Any], n: int) -> dict[str, Any]:
    """One resource: its words, its fields and the link to its copied file."""
    t = ctx.t
    name = str(res.get("name", ""))
    known = _RESOURCES.get(name)
    title = t(known[0]) if known else str(res.get("title") or res.get("path") or name)
    description = t(known[1]) if known else str(res.get("description") or "")
    path = res.get("path")
    file = _file_of(folder, path)
    link = ""
    if file is not None:
        link = ctx.add_file(f"{DOWNLOAD_FOLDER}/{path}", file)
    given = res.get("schema")
    schema: Mapping[str, Any] = given if isinstance(given, Mapping) else {}
    fields = [f for f in (_field(ctx, x) for x in schema.get("fields") or []) if f]
    key = schema.get("primaryKey")
    keys = [key] if isinstance(key, str) else [str(k) for k in key or []]
    return {
        "id": f"risorsa-{n}",
        "name": name,
        "title": title,
        "description": description,
        "file": str(path) if isinstance(path, str) else "",
        "link": link,
        "size": _size(ctx, file.stat().st_size) if file is not None else "",
        "format": str(res.get("format", "")).upper(),
        "licences": _licences(ctx, res.get("licenses")),
        "fields": fields,
        "primary_key": keys,
        "missing": file is None,
    }


def _created(ctx: SiteContext, value: object) -> str:
    if not isinstance(value, str):
        return ""
    try:
        instant = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return ""
    if instant.tzinfo is not None:  # the day in Italy, not in UTC
        instant = instant.astimezone(zoneinfo.ZoneInfo(DEFAULT_TIMEZONE))
    return ctx.date(instant.date())


def opendata_context(ctx: SiteContext) -> dict[str, Any] | None:
    """The template variables of ``dati-aperti/index.html``; None without a data package.

    The resources' files (and the descriptor) are added to ``ctx`` with
    :meth:`~qualitapa.site.SiteContext.add_file`, so the build copies them.
    """
    folder = ctx.results.path / "opendata"
    package = read_package(folder)
    if package is None:
        return None
    resources = [
        _resource(ctx, folder, res, n)
        for n, res in enumerate(package["resources"], start=1)
        if isinstance(res, Mapping)
    ]
    descriptor = ctx.add_file(f"{DOWNLOAD_FOLDER}/{_PACKAGE}", folder / _PACKAGE)
    return {
        "title": str(package.get("title") or package.get("name") or ""),
        "description": str(package.get("description") or ""),
        "licences": _licences(ctx, package.get("licenses")),
        "created": _created(ctx, package.get("created")),
        "descriptor": descriptor,
        "resources": resources,
        "note": ctx.t(_FALLBACK_NOTE) if ctx.lang != "it" else "",
    }


def build_opendata(ctx: SiteContext) -> Iterator[Page]:
    """The open data page of ``ctx``'s language; none when the results have no data package."""
    context = opendata_context(ctx)
    if context is None:
        return
    t = ctx.t
    yield Page(
        path=_PAGE,
        title=t("Dati aperti"),
        template="opendata.html.j2",
        context=context,
        summary=t("I risultati in formato aperto: file CSV descritti da un pacchetto di dati, "
                  "con il significato di ogni colonna."),
        keywords=(t("dati aperti"), "CSV", *(r["title"] for r in context["resources"])),
    )  # fmt: skip


#: The open data page kind.
OPENDATA = PageKind(id="opendata", title=Text("Dati aperti", "Open data", "Offene Daten"),
                    order=80, build=build_opendata)  # fmt: skip
