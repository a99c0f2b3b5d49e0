"""``qualitapa composite`` (composite indices with uncertainty) and ``qualitapa dea``."""

from __future__ import annotations

from pathlib import Path

import click
import pandas as pd

from qualitapa.cli._main import (
    catalog_for,
    cli,
    definitions_option,
    emit,
    get_catalog,
    input_options,
    nothing,
    output_options,
    read_input,
    select_period,
)


def _names(text: str) -> list[str]:
    return [t.strip() for t in text.split(",") if t.strip()]


@cli.command("composite")
@click.argument("data", type=click.Path(exists=True, dir_okay=False, path_type=Path))
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
    "--show",
    type=click.Choice(["index", "all", "contributions", "sensitivity"]),
    default="index",
    show_default=True,
    help="The composite only, with its sub-indices, the contributions of each component, "
    "or (with --uncertainty) the sensitivity summary.",
)
@input_options
@output_options
def composite_command(
    data: Path,
    index_id: str,
    definitions: tuple[Path, ...],
    period: str | None,
    runs: int | None,
    seed: int,
    show: str,
    fmt: str | None,
    output: Path | None,
) -> None:
    """Compute composite index ID from DATA (indicator values or raw variables).

    DATA is the output of `qualitapa indicators compute` (organization,
    period, indicator, value), a wide table with one column per indicator,
    or raw variables from which the composite's indicators are computed.
    """
    from qualitapa.composite import composite, composite_contributions, composite_uncertainty
    from qualitapa.indicators import compute

    catalog = catalog_for(definitions)
    definition = catalog.composites[index_id]
    frame = read_input(data, catalog=catalog)
    needed = definition.indicators()
    if "indicator" not in frame.columns and not set(needed) <= set(frame.columns):
        frame = compute(
            [catalog.indicators[i] for i in needed], frame, catalog=catalog, source=str(data)
        )
    frame = select_period(frame, period, data)
    if show == "contributions":
        out = composite_contributions(frame, definition, catalog=catalog, source=str(data))
    elif runs:
        res = composite_uncertainty(
            frame, definition, runs=runs, catalog=catalog, seed=seed, source=str(data)
        )
        out = res.summary if show == "sensitivity" else res.ranks
    else:
        out = composite(
            frame, definition, catalog=catalog, include_subindices=show == "all", source=str(data)
        )
    if out.empty:
        raise nothing(
            f"no composite {index_id!r} could be computed: the data have no values of its "
            f"indicators ({', '.join(needed)})",
            source=data,
        )
    sort = [c for c in ("period", "index", "rank") if c in out.columns]
    if show != "contributions" and sort:
        out = out.sort_values(sort, na_position="last", kind="stable")
    emit(out.reset_index(drop=True), fmt, output, title=f"{definition.label}")


@cli.command("dea")
@click.argument("data", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--inputs", required=True, help="Comma-separated input columns (resources).")
@click.option("--outputs", required=True, help="Comma-separated output columns (services).")
@click.option(
    "--rts",
    type=click.Choice(["crs", "vrs", "irs", "drs"]),
    default="crs",
    show_default=True,
    help="Returns to scale.",
)
@click.option(
    "--orientation",
    type=click.Choice(["input", "output"]),
    default="input",
    show_default=True,
)
@click.option("--super", "super_eff", is_flag=True, help="Add super-efficiency scores.")
@click.option("--period", "-p", default=None, help="Only this period (needs a period column).")
@click.option(
    "--show",
    type=click.Choice(["scores", "targets", "lambdas"]),
    default="scores",
    show_default=True,
)
@input_options
@output_options
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
) -> None:
    """Data Envelopment Analysis of the organizations in DATA (one row each)."""
    from qualitapa.composite import dea

    frame = select_period(read_input(data, catalog=get_catalog()), period, data)
    res = dea(
        frame,
        inputs=_names(inputs),
        outputs=_names(outputs),
        rts=rts,
        orientation=orientation,
        super_efficiency=super_eff,
        source=str(data),
    )
    table: pd.DataFrame = {"scores": res.scores, "targets": res.targets, "lambdas": res.lambdas}[
        show
    ]
    emit(table, fmt, output, title=f"DEA {rts.upper()} {orientation}-oriented")
