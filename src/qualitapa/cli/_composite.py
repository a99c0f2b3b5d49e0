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

if TYPE_CHECKING:
    from qualitapa.catalog import Catalog
    from qualitapa.composite import CompositeDefinition


def _component_labels(
    definition: CompositeDefinition, catalog: Catalog, lang: str
) -> dict[str, str]:
    """Composite, sub-index and indicator id -> label in ``lang``."""
    out = {definition.id: definition.label.get(lang)}
    todo = list(definition.components)
    while todo:
        node = todo.pop()
        todo.extend(node.components)
        if node.label is not None:
            out[node.key] = node.label.get(lang)
        elif node.is_leaf and node.key in catalog.indicators:
            out[node.key] = catalog.indicators[node.key].label.get(lang)
    return out


def _with_component_labels(frame: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """``label`` after ``index`` and ``component_label`` after ``component``."""
    out = frame.copy()
    for column, target in (("index", "label"), ("component", "component_label")):
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
    if show == "contributions":
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
    out = _with_component_labels(out, _component_labels(definition, catalog, lang))
    out = label_columns(out.reset_index(drop=True), catalog, lang)
    t = translator(lang)
    headers = {"index": t("Codice indice"), "label": t("Indice composito")}
    title = definition.label.get(lang)
    emit(out, fmt, output, title=title, lang=lang, headers=headers, catalog=catalog)


_RTS = ["crs", "vrs", "irs", "drs"]


@cli.command("dea")
@file_argument("data")
@click.option("--inputs", required=True, help="Comma-separated input columns (resources).")
@click.option("--outputs", required=True, help="Comma-separated output columns (services).")
@choice_option(
    "--rts", choices=["crs", "vrs", "irs", "drs"], default="crs", help="Returns to scale."
)
@choice_option("--orientation", choices=["input", "output"], default="input")
@click.option("--super", "super_eff", is_flag=True, help="Add super-efficiency scores.")
@click.option("--period", "-p", default=None, help="Only this period (needs a period column).")
@choice_option("--show", choices=["scores", "targets", "lambdas"], default="scores")
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
    show: str,
    fmt: str | None,
    output: Path | None,
    lang: str,
) -> None:
    """Data Envelopment Analysis of the organizations in DATA (one row each).

    The organizations are named in --lang (organization_name).
    """
    from qualitapa._labelling import label_columns
    from qualitapa.composite import dea
    from qualitapa.i18n import translator

    catalog = catalog_for()
    frame = select_period(read_input(data, catalog=catalog), period, data)
    res = dea(
        frame,
        inputs=names(inputs),
        outputs=names(outputs),
        rts=rts,
        orientation=orientation,
        super_efficiency=super_eff,
        source=str(data),
    )
    table: pd.DataFrame = {"scores": res.scores, "targets": res.targets, "lambdas": res.lambdas}[
        show
    ]
    table = label_columns(table, catalog, lang, kinds=("organizations",))
    t = translator(lang)
    title = (
        t("DEA {rts} orientata agli input", rts=rts.upper())
        if orientation == "input"
        else t("DEA {rts} orientata agli output", rts=rts.upper())
    )
    emit(table, fmt, output, title=title, lang=lang)
