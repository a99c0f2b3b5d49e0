"""``qualitapa composite`` (composite indices with uncertainty) and ``qualitapa dea``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click
import pandas as pd

from qualitapa.cli._main import (
    catalog_for,
    cli,
    emit,
    for_people,
    messages,
    nothing,
    read_input,
    read_inputs,
    select_period,
    sources_argument,
    sources_name,
)
from qualitapa.cli._options import (
    choice_option,
    definitions_option,
    file_argument,
    input_options,
    lang_option,
    names,
    output_options,
)
from qualitapa.io import TEXT_COLUMNS

if TYPE_CHECKING:
    from qualitapa.catalog import Catalog


def _with_component_labels(frame: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """``label`` after ``index`` and ``component_label`` after ``component``."""
    out = frame.copy()
    pairs = (("index", "label"), ("dimension", "dimension_label"), ("component", "component_label"))
    for column, target in pairs:
        if column in out.columns and target not in out.columns:
            shown = out[column].astype("string").map(labels).fillna("").astype(object)
            out.insert(list(out.columns).index(column) + 1, target, shown)
    return out


@cli.command("composite")
@sources_argument("data")
@click.option("--index", "index_id", required=True, help="Id of the composite index.")
@definitions_option
@click.option("--period", "-p", default=None, help="Only this period.")
@click.option(
    "--uncertainty",
    "runs",
    type=click.IntRange(min=2),
    default=None,
    help="Monte Carlo runs: add median rank and 5th-95th percentile rank interval.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed.")
@click.option(
    "--audit",
    is_flag=True,
    help="The statistical audit instead of the index: each component's correlation with its "
    "dimension and with the index, the dimension's Cronbach's alpha and first principal "
    "component, and the flags (collinear, negative or weak links).",
)
@choice_option(
    "--show",
    choices=["index", "all", "contributions", "sensitivity"],
    default="index",
    help="The composite only, with its sub-indices, the contributions of each component, "
    "or (with --uncertainty) the sensitivity summary.",
)
@input_options
@output_options
@lang_option
def composite_command(
    data: tuple[Path | str, ...],
    index_id: str,
    definitions: tuple[Path, ...],
    period: str | None,
    runs: int | None,
    seed: int,
    audit: bool,
    show: str,
    fmt: str | None,
    output: Path | None,
    lang: str,
) -> None:
    """Compute composite index ID from DATA (indicator values or raw variables).

    DATA is one or more files or dataset ids; several are merged into one table.

    DATA is the output of `qualitapa indicators compute` (organization,
    period, indicator, value), a wide table with one column per indicator,
    or raw variables from which the composite's indicators are computed.
    The index, its sub-indices and the organizations are named in --lang.
    """
    from qualitapa._labelling import label_columns
    from qualitapa.composite import composite, composite_contributions, composite_uncertainty
    from qualitapa.i18n import translator
    from qualitapa.indicators import compute

    catalog = catalog_for(definitions)
    definition = catalog.composites[index_id]
    source = sources_name(data)
    frame = read_inputs(data, catalog=catalog)
    needed = definition.indicators()
    if "indicator" not in frame.columns and not set(needed) <= set(frame.columns):
        frame = compute(
            [catalog.indicators[i] for i in needed], frame, catalog=catalog, source=source
        )
    frame = select_period(frame, period, source)
    labels = definition.labels(lang, catalog)
    if audit:
        from qualitapa.composite import composite_audit

        checked = composite_audit(frame, definition, catalog=catalog, source=source)
        out = checked.table(translator(lang), labels)
    elif show == "contributions":
        out = composite_contributions(frame, definition, catalog=catalog, source=source)
    elif runs:
        res = composite_uncertainty(
            frame, definition, runs=runs, catalog=catalog, seed=seed, source=source
        )
        out = res.summary if show == "sensitivity" else res.ranks
    else:
        out = composite(
            frame, definition, catalog=catalog, include_subindices=show == "all", source=source
        )
    if out.empty:
        t = messages()
        raise nothing(
            t("indice composito {id} non calcolabile: i dati non hanno valori dei suoi "
              "indicatori ({indicators})", id=repr(index_id), indicators=", ".join(needed)),
            source=source,
        )  # fmt: skip
    sort = [c for c in ("period", "index", "rank") if c in out.columns]
    if show != "contributions" and sort:
        out = out.sort_values(sort, na_position="last", kind="stable")
    out = _with_component_labels(out, labels)
    out = label_columns(out.reset_index(drop=True), catalog, lang)
    t = translator(lang)
    headers = {"index": t("Codice indice"), "label": t("Indice composito")}
    if audit:
        headers.update(
            dimension=t("Codice dimensione"),
            dimension_label=t("Dimensione"),
            level=t("Livello"),
            r_dimension=t("Correlazione con la dimensione"),
            r_index=t("Correlazione con l'indice"),
            dimension_alpha=t("Alfa di Cronbach della dimensione"),
            dimension_pc1_share=t("Quota di varianza della prima componente principale"),
            flags=t("Segnalazioni"),
        )
    title = definition.label.get(lang)
    emit(out, fmt, output, title=title, lang=lang, headers=headers, catalog=catalog)


_RTS = ["crs", "vrs", "irs", "drs", "fdh"]
#: What --show may name, by kind of analysis.
_SHOWS = {
    "dea": ("scores", "targets", "lambdas"),
    "fdh": ("scores",),
    "bootstrap": ("scores",),
    "malmquist": ("scores", "distances", "summary"),
}


def _dea_kind(
    rts: str, malmquist: bool, bootstrap: int | None, show: str, super_eff: bool = False
) -> str:
    """Which analysis the options ask for; options that do not go together are a usage error."""
    t = messages()
    if malmquist and bootstrap:
        raise click.UsageError(t("--malmquist e --bootstrap non vanno insieme"))
    kind = "malmquist" if malmquist else "bootstrap" if bootstrap else "dea"
    if rts == "fdh":
        if kind != "dea":
            raise click.UsageError(t("--rts fdh non va con --malmquist né con --bootstrap"))
        kind = "fdh"
    if super_eff and kind != "dea":  # it would be ignored: say so
        raise click.UsageError(
            t("--super va solo con la DEA, non con --malmquist, --bootstrap o --rts fdh")
        )
    if show not in _SHOWS[kind]:
        raise click.UsageError(
            t("--show {show} non si applica qui; scegliere tra {choices}",
              show=show, choices=", ".join(_SHOWS[kind]))
        )  # fmt: skip
    return kind


@cli.command("dea")
@file_argument("data")
@click.option("--inputs", required=True, help="Comma-separated input columns (resources).")
@click.option("--outputs", required=True, help="Comma-separated output columns (services).")
@choice_option(
    "--rts",
    choices=_RTS,
    default="crs",
    help="Returns to scale; fdh: Free Disposal Hull (no convexity).",
)
@choice_option("--orientation", choices=["input", "output"], default="input")
@click.option("--super", "super_eff", is_flag=True, help="Add super-efficiency scores.")
@click.option("--period", "-p", default=None, help="Only this period (needs a period column).")
@click.option(
    "--malmquist",
    is_flag=True,
    help="Malmquist productivity index between consecutive periods (needs a period column).",
)
@click.option(
    "--period-column",
    default="period",
    show_default=True,
    help="With --malmquist: the column of the periods.",
)
@click.option(
    "--organization-column",
    default="organization",
    show_default=True,
    help="The column of the organizations (their codes).",
)
@click.option(
    "--bootstrap",
    "replicates",
    type=click.IntRange(min=2),
    default=None,
    metavar="N",
    help="Simar-Wilson bootstrap with N replicates (2000 advised): bias-corrected scores "
    "and 95% intervals.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed (--bootstrap).")
@choice_option(
    "--show",
    choices=["scores", "targets", "lambdas", "distances", "summary"],
    default="scores",
    help="targets, lambdas: DEA only; distances, summary: with --malmquist.",
)
@definitions_option
@input_options
@output_options
@lang_option
def dea_command(
    data: Path,
    inputs: str,
    outputs: str,
    rts: str,
    orientation: str,
    super_eff: bool,
    period: str | None,
    malmquist: bool,
    period_column: str,
    organization_column: str,
    replicates: int | None,
    seed: int,
    show: str,
    definitions: tuple[Path, ...],
    fmt: str | None,
    output: Path | None,
    lang: str,
) -> None:
    """Data Envelopment Analysis of the organizations in DATA (one row each).

    With --malmquist, DATA has one row per organization and period, and the
    result one row per organization and pair of consecutive periods. The
    organizations are named in --lang (organization_name); their codes are
    in the column named by --organization-column. Organizations outside the
    catalog (other municipalities) are kept as the data write them, with a
    note; -d adds them to the catalog, with their names.
    """
    from qualitapa._labelling import label_columns
    from qualitapa.composite import dea, dea_bootstrap, fdh
    from qualitapa.composite import malmquist as malmquist_index
    from qualitapa.i18n import translator

    kind = _dea_kind(rts, malmquist, replicates, show, super_eff)
    catalog = catalog_for(definitions)
    ins, outs, source = names(inputs), names(outputs), str(data)
    org = organization_column
    # the codes stay text (022205, not 22205) whatever the column's name
    frame = read_input(data, text_columns=(*TEXT_COLUMNS, org))
    used = [*ins, *outs, period_column] if kind == "malmquist" else [*ins, *outs]
    _require_organizations(frame, org, used, source, catalog)
    if kind == "malmquist":
        _require_period(frame, period_column, [*ins, *outs, org], source)
    frame = _resolve_or_keep(catalog, frame, org, source)
    frame = select_period(frame, period, data)
    t = translator(lang)
    headers: dict[str, str] = {}
    if kind == "malmquist":
        res = malmquist_index(
            frame,
            period=period_column,
            rts=rts,
            orientation=orientation,
            inputs=ins,
            outputs=outs,
            organization=org,
            source=source,
        )
        table = {"scores": res.indices, "distances": res.distances, "summary": res.summary}[show]
        table = _with_period_labels(table)
        # the summary's n counts the organizations with an index for the pair
        headers = {"n": t("Enti confrontati")}
        title = t("Indice di Malmquist della produttività (DEA {rts})", rts=rts.upper())
    elif kind == "bootstrap":
        boot = dea_bootstrap(
            frame,
            rts=rts,
            orientation=orientation,
            replicates=int(replicates or 0),
            seed=seed,
            inputs=ins,
            outputs=outs,
            organization=org,
            source=source,
        )
        table = boot.scores
        title = t("DEA {rts} con bootstrap ({n} replicazioni)", rts=rts.upper(), n=replicates)
    elif kind == "fdh":
        table = fdh(
            frame,
            orientation=orientation,
            inputs=ins,
            outputs=outs,
            organization=org,
            source=source,
        )
        title = (
            t("Free Disposal Hull (FDH) orientata agli input")
            if orientation == "input"
            else t("Free Disposal Hull (FDH) orientata agli output")
        )
    else:
        res_dea = dea(
            frame,
            rts=rts,
            orientation=orientation,
            super_efficiency=super_eff,
            inputs=ins,
            outputs=outs,
            organization=org,
            source=source,
        )
        table = {"scores": res_dea.scores, "targets": res_dea.targets, "lambdas": res_dea.lambdas}[
            show
        ]
        title = (
            t("DEA {rts} orientata agli input", rts=rts.upper())
            if orientation == "input"
            else t("DEA {rts} orientata agli output", rts=rts.upper())
        )
    table = label_columns(table, catalog, lang, kinds=("organizations",))
    if for_people(fmt, output):
        table = _peers_by_name(table)
    emit(table, fmt, output, title=title, lang=lang, headers=headers)


def _with_period_labels(table: pd.DataFrame) -> pd.DataFrame:
    """The periods as the data name them, as text: 2024, not 2.024 or 2024.0; a date, no time.

    Dates at midnight (Excel date cells) lose the time of day they never had.
    """
    out = table.copy()
    for column in ("period_from", "period_to"):
        periods = out[column]
        if pd.api.types.is_datetime64_any_dtype(periods):
            times = periods - periods.dt.normalize()
            layout = "%Y-%m-%d" if not times.any() else "%Y-%m-%d %H:%M"
            out[column] = periods.dt.strftime(layout).astype(object)
        elif pd.api.types.is_float_dtype(periods) and (periods == periods.round()).all():
            out[column] = periods.astype("Int64").astype(str).astype(object)
        else:
            out[column] = periods.astype(str).astype(object)
    return out


def _require_organizations(
    frame: pd.DataFrame, column: str, used: list[str], source: str, catalog: Catalog
) -> None:
    """The organizations' column is there; else an error naming the columns found.

    The column suggested is the one whose values the catalog knows as
    organizations (names or codes), else the first text column that is
    neither an input, an output nor the period (``ente``, ``comune``):
    without the column the organizations would be numbered, which no one
    could read.
    """
    if column in frame.columns:
        return
    from qualitapa.errors import DataError

    t = messages()
    found = [str(c) for c in frame.columns]
    others = [c for c in found if c not in used]
    example = _organization_column_of(frame, others, catalog)
    suggestion = (
        t("indicare la colonna degli enti con --organization-column (per esempio "
          "--organization-column {example})", example=example)
        if example is not None
        else t("aggiungere ai dati una colonna con i codici degli enti")
    )  # fmt: skip
    raise DataError(
        t("manca la colonna degli enti {column} (colonne trovate: {found}); {suggestion}",
          column=repr(column), found=", ".join(found), suggestion=suggestion),
        source=source,
        column=column,
    )  # fmt: skip


def _require_period(frame: pd.DataFrame, column: str, used: list[str], source: str) -> None:
    """The periods' column of --malmquist is there; else an error suggesting the likeliest one.

    The column suggested is the first, other than the inputs, outputs and
    organizations, whose values look like years (``anno``: 2023, 2024) or
    year-months; else the command asks for a column of periods.
    """
    if column in frame.columns:
        return
    from qualitapa.errors import DataError

    t = messages()
    found = [str(c) for c in frame.columns]
    example = next((c for c in found if c not in used and _looks_like_periods(frame, c)), None)
    suggestion = (
        t("indicare la colonna dei periodi con --period-column (per esempio "
          "--period-column {example})", example=example)
        if example is not None
        else t("aggiungere ai dati una colonna con i periodi (per esempio l'anno)")
    )  # fmt: skip
    raise DataError(
        t("manca la colonna dei periodi {column} (colonne trovate: {found}); {suggestion}",
          column=repr(column), found=", ".join(found), suggestion=suggestion),
        source=source,
        column=column,
    )  # fmt: skip


def _looks_like_periods(frame: pd.DataFrame, column: str) -> bool:
    """Whether every value of ``column`` is a year (1900-2199), year-month, quarter or date."""
    values = frame[column]
    if pd.api.types.is_datetime64_any_dtype(values):
        return True
    text = values.dropna().astype(str).str.strip().str.replace(r"\.0$", "", regex=True)
    years = text.str.fullmatch(r"(19|2[01])\d\d([-/]\d\d|-?Q[1-4])?")
    return bool(len(text)) and bool(years.all())


def _organization_column_of(
    frame: pd.DataFrame, columns: list[str], catalog: Catalog
) -> str | None:
    """The column of ``columns`` most likely to hold organizations.

    The one with the most values the catalog knows as organizations; else
    the first whose values are not numbers; else the first.
    """
    if not columns:
        return None
    index = catalog.organization_index
    known = {
        c: len(index.resolve(pd.unique(frame[c].dropna())).codes) if len(index) else 0
        for c in columns
    }
    best = max(columns, key=lambda c: known[c])
    if known[best]:
        return best
    words = [c for c in columns if not _all_numbers(frame, c)]
    return words[0] if words else columns[0]


def _all_numbers(frame: pd.DataFrame, column: str) -> bool:
    """Whether every value of ``column`` is a number (a year ``2024``, a decimal ``3,5``)."""
    text = frame[column].dropna().astype(str).str.replace(",", ".", regex=False)
    return bool(pd.to_numeric(text, errors="coerce").notna().all())


def _resolve_or_keep(
    catalog: Catalog, frame: pd.DataFrame, column: str, source: str
) -> pd.DataFrame:
    """The catalog's codes for the organizations it knows; the others as the data write them.

    DEA of municipalities outside the installed plugins is a legitimate
    use: they are kept (as text) with one note naming them, instead of
    failing the command. A name close to one the catalog knows (``Trentoo``)
    or naming two of its organizations is still refused, with suggestions:
    a typo must not become an organization of its own.
    """
    import warnings

    from qualitapa._organizations import value_key
    from qualitapa.errors import DataWarning, UnknownValueError
    from qualitapa.i18n import translatable

    try:
        return catalog.resolve_organizations(frame, column=column, source=source)
    except UnknownValueError as exc:
        cases = exc.failure_cases
        if cases is None or not {"value", "problem", "suggestions"} <= set(cases.columns):
            raise
        # a name close to a catalog organization (a typo) or naming two of them stays an
        # error: only names the catalog has nothing near are other municipalities
        plain = cases["problem"].map(str).eq("unknown organization")
        if not (plain & cases["suggestions"].fillna("").eq("")).all():
            raise
        unknown = set(cases["value"].astype(str))
    outside = frame[column].map(lambda v: not pd.isna(v) and value_key(v) in unknown)
    inside = catalog.resolve_organizations(frame[~outside], column=column, source=source)
    out = frame.copy()
    out[column] = out[column].astype(object)
    out.loc[~outside, column] = inside[column]
    kept = list(dict.fromkeys(str(v) for v in frame.loc[outside, column]))
    shown = ", ".join(repr(v) for v in kept[:10]) + (" ..." if len(kept) > 10 else "")
    warnings.warn(
        translatable(
            DataWarning,
            lambda t: t(
                "{where}: enti non nel catalogo, tenuti come scritti nei dati: {kept} (per "
                "usarne nomi e codici aggiungerli con -d/--definitions)",
                where=", ".join((source, t("colonna {column}", column=repr(column)))),
                kept=shown,
            ),
        ),
        stacklevel=2,
    )
    return out


def _peers_by_name(table: pd.DataFrame) -> pd.DataFrame:
    """The screen's peers named as the organizations are (``Genova; Modena``, not codes)."""
    if "peers" not in table.columns or "organization_name" not in table.columns:
        return table
    names = {
        str(code): str(name)
        for code, name in zip(table["organization"], table["organization_name"], strict=True)
        if isinstance(name, str) and name
    }
    peers = [
        "; ".join(names.get(p, p) for p in v.split(";")) if isinstance(v, str) and v else v
        for v in table["peers"]
    ]
    return table.assign(peers=peers)
