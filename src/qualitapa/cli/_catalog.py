"""``qualitapa catalog [KIND]`` and ``qualitapa catalog show ID``: what the plugins define.

Thin: :meth:`qualitapa.Catalog.describe` makes the tables and
:meth:`qualitapa.Catalog.item` the item; this module picks the options,
names the columns in ``--lang`` and draws.
"""

from __future__ import annotations

import contextlib
import difflib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click
import pandas as pd
from click.shell_completion import CompletionItem

from qualitapa._describe import KIND_LABELS
from qualitapa._vocabulary import PERIODICITY_WORDS, QUESTION_TYPE_WORDS
from qualitapa.catalog import KINDS, Catalog
from qualitapa.cli._complete import ids_of
from qualitapa.cli._main import catalog_for, cli, echo, emit, emit_text, for_people, messages
from qualitapa.cli._options import (
    definitions_option,
    format_option,
    lang_option,
    output_options,
    target_option,
)
from qualitapa.errors import Message
from qualitapa.i18n import N_, Translator, translator

#: Kind name -> one item of the kind, for people (an Italian msgid).
KIND_SINGULAR: Mapping[str, str] = {
    "services": N_("Servizio"),
    "organizations": N_("Ente"),
    "peer_groups": N_("Gruppo di confronto"),
    "variables": N_("Variabile"),
    "indicators": N_("Indicatore"),
    "composites": N_("Indice composito"),
    "instruments": N_("Questionario"),
    "complaint_categories": N_("Categoria di reclamo"),
    "standards": N_("Standard"),
    "charters": N_("Carta dei servizi"),
    "charter_content": N_("Contenuto della carta"),
    "datasets": N_("Insieme di dati"),
    "demo_profiles": N_("Profilo dimostrativo"),
}

#: Columns and fields of the catalog's tables that the common headers
#: (:mod:`qualitapa.cli._headers`) do not name -> their header (Italian msgids).
FIELDS: Mapping[str, str] = {
    "name": N_("Nome"),
    "names": N_("Nomi"),
    "province": N_("Provincia"),
    "region": N_("Regione"),
    "population": N_("Popolazione"),
    "istat_code": N_("Codice ISTAT"),
    "attributes": N_("Attributi"),
    "offices": N_("Uffici"),
    "contacts": N_("Contatti"),
    "timezone": N_("Fuso orario"),
    "rule": N_("Regola"),
    "class": N_("Classe"),
    "class_label": N_("Denominazione della classe"),
    "type": N_("Tipo"),
    "nonnegative": N_("Non negativa"),
    "integer": N_("Intera"),
    "components": N_("Componenti"),
    "normaliser": N_("Normalizzazione"),
    "aggregator": N_("Aggregazione"),
    "aggregate": N_("Aggregazione"),
    "weighting": N_("Ponderazione"),
    "number": N_("N."),
    "answers": N_("Risposte"),
    "dimension_label": N_("Dimensione"),
    "relevant": N_("Condizione (salto)"),
    "constraint": N_("Vincolo"),
    "required": N_("Obbligatoria"),
    "questions": N_("Domande"),
    "respondent": N_("Rispondente"),
    "required_share": N_("Quota richiesta"),
    "valid_from": N_("In vigore dal"),
    "valid_to": N_("In vigore fino al"),
    "synthetic": N_("Sintetico"),
    "path": N_("Percorso"),
    "highlight": N_("Ente in evidenza"),
    "peer_group": N_("Gruppo di confronto"),
    "margins": N_("Margini"),
    "charter": N_("Carta dei servizi"),
    "package": N_("Pacchetto di dati aperti"),
    "authority": N_("Ente titolare"),
    "deadline": N_("Termine di risposta"),
    "deadline_of": N_("Termine della categoria"),
    "address": N_("Indirizzo"),
    "dimensions": N_("Dimensioni"),
    "breaks": N_("Soglie di popolazione"),
    "labels": N_("Classi"),
    "class_labels": N_("Denominazioni delle classi"),
    "email": N_("Posta elettronica"),
    "phone": N_("Telefono"),
    "url": N_("Sito web"),
    "label": N_("Denominazione"),
    "plugins": N_("Plugin"),
    "count": N_("Numero"),
}

#: A related list of :meth:`~qualitapa.Catalog.item` -> the header's column name.
_RELATED = {"members": "organizations", "children": "services", "content": "charter_content"}


def _headers(t: Translator, columns: list[str]) -> dict[str, str]:
    """Headers for the columns the common headers leave out (and a few said better here)."""
    from qualitapa.cli._headers import HEADERS

    return {c: t(FIELDS[c]) for c in columns if c in FIELDS and (c not in HEADERS or c == "type")}


def _complete_ids(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """Every kind's ids (the --kind given first narrows them)."""
    chosen = ctx.params.get("kind")
    found: list[CompletionItem] = []
    for kind in KINDS:
        if chosen in (None, kind.name):
            found += ids_of(kind.name)(ctx, param, incomplete)
    return found


class _CatalogGroup(click.Group):
    """The ``catalog`` group: a kind may be written with ``-`` (``peer-groups``)."""

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return super().get_command(ctx, cmd_name.replace("-", "_"))

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            close = difflib.get_close_matches(name.replace("-", "_"), list(self.commands), n=3)
            hint = f"; did you mean {' or '.join(close)}?" if close else ""
            raise click.UsageError(
                f"no kind of item {name!r}{hint} (kinds: {', '.join(k.name for k in KINDS)}; "
                "or 'show ID')",
                ctx,
            )
        return super().resolve_command(ctx, args)


def _filters(func: Any) -> Any:
    for option in reversed(
        [
            click.option(
                "--service",
                "-s",
                "service",
                help="Only the items of this service and its sub-services.",
            ),
            click.option(
                "--organization",
                "organization",
                help="Only the items that apply to this organization (code or name).",
            ),
            definitions_option,
        ]
    ):
        func = option(func)
    return output_options(lang_option(func))


def _from_group(name: str, value: Any) -> Any:
    """A filter given before the kind (``qualitapa catalog -s registry variables``)."""
    if value not in (None, ()):
        return value
    ctx = click.get_current_context()
    return ctx.parent.params.get(name) if ctx.parent is not None else value


@cli.group(
    "catalog", cls=_CatalogGroup, invoke_without_command=True, subcommand_metavar="[KIND | show ID]"
)
@_filters
@click.pass_context
def catalog_group(
    ctx: click.Context,
    service: str | None,
    organization: str | None,
    definitions: tuple[Path, ...],
    fmt: str | None,
    output: Path | None,
    lang: str,
) -> None:
    """What the installed plugins (and -d files) define; without KIND, how many of each.

    \b
    qualitapa catalog                       # kind, count, plugins
    qualitapa catalog variables -s registry # unit, type, the indicators using each
    qualitapa catalog show registry.average_wait

    KIND is one of: services, organizations, peer_groups, variables,
    indicators, composites, instruments (one row per question: answers,
    skip logic), complaint_categories, standards, charters, charter_content,
    datasets, demo_profiles (peer-groups... also). Labels are in --lang;
    CSV and JSON keep the stable column names.
    """
    if ctx.invoked_subcommand is not None:
        return
    catalog = catalog_for(definitions)
    frame = catalog.describe(lang=lang, service=service, organization=organization)
    _emit(frame, fmt, output, lang, catalog)


def _emit(
    frame: pd.DataFrame, fmt: str | None, output: Path | None, lang: str, catalog: Catalog
) -> None:
    t = translator(lang)
    headers = _headers(t, list(frame.columns))
    if "kind" in frame.columns and "count" in frame.columns:  # the summary: the kind's code
        headers.update(kind=t("Codice"), label=t("Tipo"))  # is what `catalog KIND` takes
    emit(frame, fmt, output, lang=lang, headers=headers, catalog=catalog)


#: Columns left out of the table on screen: long texts (see ``catalog show``), codes
#: whose label is shown.
_SCREEN_DROP = {"description", "path", "names", "constraint", "rule", "class"}
#: Per kind: the columns said once for the rows of one item (a questionnaire's questions).
_GROUPED = {
    "instruments": ("instrument", "instrument_label", "version"),
    "peer_groups": ("id", "label"),
}


def _kind_command(kind: str) -> click.Command:
    @_filters
    def command(
        service: str | None,
        organization: str | None,
        definitions: tuple[Path, ...],
        fmt: str | None,
        output: Path | None,
        lang: str,
    ) -> None:
        catalog = catalog_for(_from_group("definitions", definitions))
        frame = catalog.describe(
            kind,
            lang=lang,
            service=_from_group("service", service),
            organization=_from_group("organization", organization),
        )
        if for_people(fmt, output):
            drop = _SCREEN_DROP | ({"service"} if "service_label" in frame.columns else set())
            if kind == "instruments":
                drop |= {"dimension"}
            frame = frame.drop(columns=[c for c in frame.columns if c in drop])
            frame = _worded(frame, kind, lang)
            frame = _said_once(frame, _GROUPED.get(kind, ()))
        _emit(frame, fmt, output, lang, catalog)

    what = KIND_LABELS[kind]
    command.__doc__ = (
        f"List the {kind.replace('_', ' ')} ({what}) the plugins define.\n\n"
        "CSV, JSON and Excel have every column (descriptions, paths...); the table "
        "on screen leaves the long texts to 'qualitapa catalog show ID'."
    )
    return click.command(kind)(command)


for _kind in KINDS:
    catalog_group.add_command(_kind_command(_kind.name))


#: catalog show --format -> the extensions of -o.
_SHOW_FORMATS = {"table": [".txt"], "json": [".json"]}


@catalog_group.command("show")
@click.argument("item_id", metavar="ID", shell_complete=_complete_ids)
@click.option(
    "--kind",
    "kind",
    type=click.Choice([k.name for k in KINDS]),
    help="The kind of item, when ID names items of several kinds.",
)
@definitions_option
@format_option(
    _SHOW_FORMATS,
    default="table",
    help="table, or json (every language, every field). Default: the one -o's "
    "extension names, else table.",
)
@target_option("Write to this file instead of the screen: .txt or .json.", formats=_SHOW_FORMATS)
@lang_option
def catalog_show(
    item_id: str,
    kind: str | None,
    definitions: tuple[Path, ...],
    fmt: str,
    output: Path | None,
    lang: str,
) -> None:
    """Show one item of any kind in full: every field, the labels in every language
    given, the plugin and file defining it, what extends it, what uses it.

    An organization may be named by its name (Bozen) or code; an ID shared by
    several kinds needs --kind.
    """
    catalog = catalog_for(_from_group("definitions", definitions))
    if kind is None:
        kinds = catalog.kinds_of(item_id)
        if len(kinds) > 1:
            said = Message(
                "{item} names items of several kinds: give --kind {kinds}",
                N_("{item} indica elementi di più tipi: indicare --kind {kinds}"),
                item=repr(item_id),
                kinds=" / --kind ".join(kinds),
            )
            raise click.UsageError(said.render(messages()))
    found = catalog.item(item_id, kind)
    if fmt == "json":
        emit_text(json.dumps(found, indent=2, ensure_ascii=False) + "\n", output)
        return
    table = catalog.describe(str(found["kind"]), lang=lang)
    first = table.columns[0]
    rows: list[dict[str, Any]] = [
        {str(k): v for k, v in r.items()}
        for r in table[table[first] == found["id"]].to_dict("records")
    ]
    text = _show_text(found, lang, rows[0] if rows else {})
    if output is None:
        echo(text, nl=False)
    else:
        emit_text(text, output, data=False)


#: Codes of the catalog's tables -> their word for people (Italian msgids).
CODES: Mapping[str, Mapping[str, str]] = {
    "type": {  # of a question; of a variable
        **QUESTION_TYPE_WORDS,
        "integer": N_("intero"),
        "number": N_("numero"),
    },
    "periodicity": PERIODICITY_WORDS,
    "aggregate": {
        "mean": N_("media"),
        "median": N_("mediana"),
        "max": N_("massimo"),
        "min": N_("minimo"),
        "p90": N_("90° percentile"),
        "sum": N_("somma"),
    },
    "kind": {  # of a dataset
        "caf_scores": N_("punteggi CAF"),
        "complaint_events": N_("eventi dei reclami"),
        "complaints": N_("reclami"),
        "deliveries": N_("prestazioni erogate"),
        "indicator_data": N_("dati degli indicatori"),
        "invoices": N_("fatture"),
        "municipalities": N_("comuni"),
        "survey_margins": N_("totali di popolazione dell'indagine"),
        "survey_responses": N_("risposte all'indagine"),
    },
}


def _words(kind: str, lang: str) -> dict[str, dict[str, str]]:
    """Column or field -> code -> its word in ``lang``, for ``kind``'s items."""
    from qualitapa.cli._headers import CODES as COMMON
    from qualitapa.cli._headers import DIMENSIONS
    from qualitapa.reporting import CODE_WORDS
    from qualitapa.standards import CharterStatus, QualityDimension, SubDimension

    t = translator(lang)
    words: dict[str, dict[str, str]] = {
        column: {code: t(msgid) for code, msgid in codes.items()} for column, codes in CODES.items()
    }
    common = {code: t(msgid) for code, msgid in {**CODE_WORDS, **COMMON}.items()}
    for column in ("polarity", "scope", "unit"):
        words[column] = common
    words["status"] = {m.value: m.label.get(lang) for m in CharterStatus}
    words["sub_dimension"] = {m.value: m.label.get(lang) for m in SubDimension}
    words["dimension"] = (
        {m.value: m.label.get(lang) for m in QualityDimension}
        if kind == "standards"
        else {code: t(msgid) for code, msgid in DIMENSIONS.items()}
    )
    return words


def _worded(frame: pd.DataFrame, kind: str, lang: str) -> pd.DataFrame:
    """The codes of ``kind``'s table as words in ``lang`` (for people); others stay."""
    out = frame.copy()
    for column, known in _words(kind, lang).items():
        if column in out.columns and column != "unit":  # the table's units are words already
            out[column] = frame[column].map(lambda c, k=known: k.get(c, c))
    return out


def _said_once(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """``columns`` blank where they repeat the row above (the rows of one item)."""
    if not columns or frame.empty:
        return frame
    out = frame.copy()
    key = frame[columns[0]].astype(str)
    repeated = key.eq(key.shift())
    for column in columns:
        if column in out.columns:
            out[column] = out[column].astype(object).where(~repeated, "")
    return out


# -- the item for people ------------------------------------------------------------


def _is_text(value: object) -> bool:
    """A label as :meth:`~qualitapa.Catalog.item` gives it: ``{"it": ..., "de": ...}``."""
    from qualitapa.i18n import is_language

    return (
        isinstance(value, dict)
        and "it" in value
        and all(is_language(k) and isinstance(v, str) for k, v in value.items())
    )


def _compact(value: object, lang: str) -> str:
    """A value on one line: a label in ``lang``, lists joined, tables as ``key: value``."""
    t = translator(lang)
    if value is None:
        return ""
    if isinstance(value, bool):
        return t("sì") if value else t("no")
    if isinstance(value, int | float):
        return t.number(value, 0 if float(value).is_integer() else None)
    if _is_text(value):
        assert isinstance(value, dict)
        return str(value.get(lang) or value["it"])
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_compact(v, lang)}" for k, v in value.items() if v not in
                         (None, [], {}, ""))  # fmt: skip
    if isinstance(value, list):
        return ", ".join(_compact(v, lang) for v in value)
    return str(value)


def _header(t: Translator, key: str) -> str:
    from qualitapa.cli._headers import HEADERS

    key = _RELATED.get(key, key)
    if key in FIELDS:
        return t(FIELDS[key])
    return t(HEADERS[key]) if key in HEADERS else key


def _where(site: Mapping[str, Any]) -> str:
    """``plugin (file:line)``, the file relative to the working folder when inside it."""
    where = str(site.get("plugin") or "")
    if site.get("file"):
        path = Path(str(site["file"]))
        with contextlib.suppress(ValueError, OSError):
            path = path.resolve().relative_to(Path.cwd().resolve())
        line = f":{site['line']}" if site.get("line") else ""
        where += f" ({path}{line})"
    return where


def _show_text(found: Mapping[str, Any], lang: str, row: Mapping[str, Any]) -> str:
    """The item as a field/value table, then a table per list of entries (questions...).

    ``row`` is the item's row of its kind's table (:meth:`~qualitapa.Catalog.describe`):
    a target, a refund or a deadline is said in its words.
    """
    from qualitapa.cli._output import table_text, terminal_width

    t = translator(lang)
    kind = str(found["kind"])
    rows: list[tuple[str, str]] = [
        (t("Codice"), str(found["id"])),
        (t("Tipo"), t(KIND_SINGULAR[found["kind"]])),
        (t("Definito in"), _where(found["source"])),
    ]
    if found["extended_by"]:
        rows.append((t("Esteso da"), "; ".join(_where(s) for s in found["extended_by"])))
    tables: list[tuple[str, list[dict[str, Any]]]] = []
    for key, value in found["definition"].items():
        if key == "id" or value in (None, [], {}, ""):
            continue
        if (
            isinstance(value, list)
            and value
            and not any(map(_is_text, value))
            and all(isinstance(v, dict) for v in value)
        ):
            tables.append((_header(t, key), value))
        elif _is_text(value):
            rows += [(f"{_header(t, key)} ({code})", text) for code, text in value.items()]
        else:
            rows.append((_header(t, key), _field_text(found["kind"], key, value, lang, row)))
    for key, value in found["related"].items():
        if value in ([], {}) or found["definition"].get(key):  # said with the fields
            continue
        if isinstance(value, dict):
            value = [f"{k} ({v})" for k, v in value.items()]
        rows.append((_header(t, key), _compact(value, lang)))
    width = terminal_width()
    field = pd.DataFrame(rows, columns=[t("Campo"), t("Valore")])
    parts = [table_text(field, width=width)]
    for title, entries in tables:
        frame = pd.DataFrame(
            [{k: _field_text(kind, k, v, lang, {}) for k, v in e.items()} for e in entries]
        )
        frame = frame.loc[:, [c for c in frame.columns if (frame[c] != "").any()]]
        frame.columns = [_header(t, str(c)) for c in frame.columns]
        parts.append(table_text(frame, title=title, width=width, keys=list(frame.columns[:2])))
    return "\n".join(parts)


#: Fields holding a share (0.9 is 90%).
_SHARES = frozenset({"required_share", "min_coverage"})


def _field_text(kind: str, key: str, value: object, lang: str, row: Mapping[str, Any]) -> str:
    """One field of an item for people: codes as words, shares in %, targets in words."""
    t = translator(lang)
    if key == "unit" and isinstance(value, str):
        from qualitapa._describe import unit_words

        return unit_words(value, lang)
    if key == "deadline" and isinstance(value, dict) and isinstance(value.get("days"), int):
        n = value["days"]
        if value.get("unit") == "working":
            return str(t.plural("Risposta entro {n} giorno lavorativo",
                                "Risposta entro {n} giorni lavorativi", n))  # fmt: skip
        return str(t.plural("Risposta entro {n} giorno", "Risposta entro {n} giorni", n))
    if isinstance(value, dict) and isinstance(row.get(key), str) and row[key]:
        return str(row[key])  # a target, a refund: in words
    if key in _SHARES and isinstance(value, int | float):
        return str(t.percent(float(value), 0))
    words = _words(kind, lang).get(key, {})
    if isinstance(value, str) and value in words:
        return words[value]
    return _compact(value, lang)
