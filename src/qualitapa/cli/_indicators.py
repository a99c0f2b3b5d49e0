"""``qualitapa indicators list|show|check|compute|trends|targets`` and ``qualitapa benchmark``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
import pandas as pd

from qualitapa.cli._main import (
    catalog_for,
    cli,
    definitions_option,
    emit,
    input_options,
    listed,
    nothing,
    output_options,
    read_input,
    select_period,
)
from qualitapa.errors import DefinitionError
from qualitapa.models import Dimension

_service_option = click.option("--service", "-s", default=None, help="Only this service.")
_indicator_option = click.option(
    "--indicator", "-i", "indicators", multiple=True, help="Only this indicator. Repeatable."
)
_errors_option = click.option(
    "--errors",
    type=click.Choice(["raise", "report"]),
    default="raise",
    show_default=True,
    help="On invalid raw values: stop with the list of problems, or compute the rest and "
    "give status 'invalid_input'.",
)
_data_argument = click.argument(
    "data", type=click.Path(exists=True, dir_okay=False, path_type=Path)
)


def _select(catalog: Any, service: str | None, ids: tuple[str, ...]) -> list[Any]:
    if ids:
        chosen = [catalog.indicators[i] for i in ids]
    elif service:
        catalog.services[service]  # unknown service -> error with suggestions
        chosen = list(catalog.indicators.by_service(service))
    else:
        chosen = list(catalog.indicators.values())
    if not chosen:
        raise DefinitionError(
            "no indicators to compute: install a plugin that defines them, or pass "
            "--definitions FILE.toml"
        )
    return chosen


def _compute(
    defs: list[Any], frame: pd.DataFrame, catalog: Any, path: Path, errors: str
) -> pd.DataFrame:
    """compute(), failing when not one value could be computed (and saying why)."""
    from qualitapa.indicators import compute
    from qualitapa.indicators._definitions import organization_variables

    result = compute(defs, frame, catalog=catalog, source=str(path), errors=errors)  # type: ignore[arg-type]
    status = result["status"].astype(str)
    if len(result) and (status == "ok").any():
        return result
    counts = ", ".join(f"{k} {v}" for k, v in status.value_counts().items())
    needed = set().union(*(d.variables for d in defs))
    given = set(frame["variable"].astype(str)) if "variable" in frame.columns else set(frame)
    offered = organization_variables(list(catalog.organizations.values()))
    absent = sorted(needed - given - offered)
    lacking = f"; the data lack {listed(absent)}" if absent else ""
    raise nothing(
        f"no indicator could be computed{f' ({counts})' if counts else ''}{lacking}; run "
        "'qualitapa indicators check' on the file to see why",
        source=path,
    )


def _values(
    path: Path, catalog: Any, service: str | None, ids: tuple[str, ...], errors: str
) -> pd.DataFrame:
    """Indicator values from a file: computed from raw data, or read as they are."""
    frame = read_input(path, catalog=catalog)
    if "indicator" in frame.columns:
        values = frame
        if ids or service:
            wanted = sorted({d.id for d in _select(catalog, service, ids)})  # unknown -> error
            values = values[values["indicator"].astype(str).isin(wanted)]
            if values.empty:
                have = sorted(set(frame["indicator"].dropna().astype(str)))
                raise nothing(
                    f"no values of {listed(wanted)} in the file (it has {listed(have)})",
                    source=path,
                )
        return values.reset_index(drop=True)
    return _compute(_select(catalog, service, ids), frame, catalog, path, errors)


@cli.group("indicators")
def indicators_group() -> None:
    """Indicator definitions, computation from raw data, trends and targets."""


@indicators_group.command("list")
@_service_option
@click.option(
    "--dimension", type=click.Choice([d.value for d in Dimension]), help="Only this dimension."
)
@definitions_option
@output_options
def indicators_list(
    service: str | None,
    dimension: str | None,
    definitions: tuple[Path, ...],
    fmt: str | None,
    output: Path | None,
) -> None:
    """List the indicators defined by the plugins."""
    catalog = catalog_for(definitions)
    if service:
        catalog.services[service]  # unknown service -> error with suggestions
    items = catalog.indicators.by_service(service) if service else list(catalog.indicators.values())
    if dimension:
        items = [d for d in items if d.dimension.value == dimension]
    if not items and (service or dimension):
        of = f" of service {service!r}" if service else ""
        with_ = f" with dimension {dimension!r}" if dimension else ""
        raise nothing(f"no indicators{of}{with_}")
    rows = [
        {
            "id": d.id,
            "label": d.label.it,
            "label_en": d.label.get("en"),
            "service": d.service,
            "dimension": d.dimension.value,
            "polarity": d.polarity.value,
            "unit": d.unit,
            "formula": d.formula.text,
            "scale": d.scale,
            "target": str(d.target) if d.target else "",
            "plugin": catalog.indicators.plugin_of(d.id),
        }
        for d in items
    ]
    columns = ["id", "label", "label_en", "service", "dimension", "polarity", "unit",
               "formula", "scale", "target", "plugin"]  # fmt: skip
    emit(pd.DataFrame(rows, columns=columns), fmt, output)


@indicators_group.command("show")
@click.argument("indicator_id")
@definitions_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
def indicators_show(indicator_id: str, definitions: tuple[Path, ...], fmt: str) -> None:
    """Show the definition of one indicator."""
    catalog = catalog_for(definitions)
    d = catalog.indicators[indicator_id]
    data = d.to_dict()
    data["variables"] = sorted(d.variables)
    data["plugin"] = catalog.indicators.plugin_of(d.id)
    if fmt == "json":
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    flat = {
        **data,
        "label": d.label.it,
        "label_en": d.label.get("en"),
        "description": d.description.it if d.description else "",
        "target": str(d.target) if d.target else "",
        "variables": ", ".join(data["variables"]),
        "tags": ", ".join(d.tags),
    }
    emit(pd.DataFrame({"field": list(flat), "value": [str(v) for v in flat.values()]}), "table")


@indicators_group.command("check")
@_data_argument
@_service_option
@_indicator_option
@definitions_option
@input_options
@output_options
def indicators_check(
    data: Path,
    service: str | None,
    indicators: tuple[str, ...],
    definitions: tuple[Path, ...],
    fmt: str | None,
    output: Path | None,
) -> None:
    """List the problems in raw DATA (non-numeric, duplicate, impossible values)."""
    from qualitapa.indicators import check_data

    catalog = catalog_for(definitions)
    defs = _select(catalog, service, indicators)
    frame = read_input(data, catalog=catalog)
    problems = check_data(frame, defs, catalog=catalog, source=str(data))
    if problems.empty and fmt in (None, "table") and output is None:
        click.echo(f"no problems in {len(frame)} row(s) of {data}", err=True)
        return
    emit(problems, fmt, output)
    if len(problems):
        raise SystemExit(1)


@indicators_group.command("compute")
@_data_argument
@_service_option
@_indicator_option
@_errors_option
@definitions_option
@input_options
@output_options
def indicators_compute(
    data: Path,
    service: str | None,
    indicators: tuple[str, ...],
    errors: str,
    definitions: tuple[Path, ...],
    fmt: str | None,
    output: Path | None,
) -> None:
    """Compute indicators from raw DATA (CSV or Excel; long or wide).

    Long data has columns organization, period, variable, value; wide data
    has organization, period and one column per variable.
    """
    catalog = catalog_for(definitions)
    defs = _select(catalog, service, indicators)
    frame = read_input(data, catalog=catalog)
    emit(_compute(defs, frame, catalog, data, errors), fmt, output)


@indicators_group.command("trends")
@_data_argument
@_service_option
@_indicator_option
@click.option("--alpha", type=float, default=0.05, show_default=True, help="Significance level.")
@_errors_option
@definitions_option
@input_options
@output_options
def indicators_trends(
    data: Path,
    service: str | None,
    indicators: tuple[str, ...],
    alpha: float,
    errors: str,
    definitions: tuple[Path, ...],
    fmt: str | None,
    output: Path | None,
) -> None:
    """Trends per organization and indicator (Theil-Sen slope, Mann-Kendall test).

    DATA is raw data (computed first) or indicator values (with an
    'indicator' column).
    """
    from qualitapa.indicators import trends

    catalog = catalog_for(definitions)
    values = _values(data, catalog, service, indicators, errors)
    emit(trends(values, catalog=catalog, alpha=alpha, source=str(data)), fmt, output)


@indicators_group.command("targets")
@_data_argument
@_service_option
@_indicator_option
@_errors_option
@definitions_option
@input_options
@output_options
def indicators_targets(
    data: Path,
    service: str | None,
    indicators: tuple[str, ...],
    errors: str,
    definitions: tuple[Path, ...],
    fmt: str | None,
    output: Path | None,
) -> None:
    """Compare values with the indicators' targets (met / not met, gap)."""
    from qualitapa.indicators import targets

    catalog = catalog_for(definitions)
    values = _values(data, catalog, service, indicators, errors)
    emit(targets(values, catalog=catalog, source=str(data)), fmt, output)


@cli.command("benchmark")
@_data_argument
@_service_option
@_indicator_option
@click.option("--period", "-p", default=None, help="Only this period (e.g. 2024).")
@click.option(
    "--peer-group", "-g", default=None, help="Compare within the groups of this peer group id."
)
@click.option(
    "--min-compared",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="Rank nobody when fewer organizations have a value in a comparison.",
)
@_errors_option
@definitions_option
@input_options
@output_options
def benchmark_command(
    data: Path,
    service: str | None,
    indicators: tuple[str, ...],
    period: str | None,
    peer_group: str | None,
    min_compared: int,
    errors: str,
    definitions: tuple[Path, ...],
    fmt: str | None,
    output: Path | None,
) -> None:
    """Rank organizations on each indicator and period; the best performers are marked.

    DATA is raw data (the indicators are computed first) or indicator values
    (columns organization, period, indicator, value).
    """
    from qualitapa.indicators import benchmark

    catalog = catalog_for(definitions)
    if peer_group is not None:
        catalog.peer_groups[peer_group]  # unknown peer group -> error with suggestions
    values = select_period(_values(data, catalog, service, indicators, errors), period, data)
    result = benchmark(
        values,
        catalog=catalog,
        peer_groups=peer_group,
        min_compared=min_compared,
        source=str(data),
    )
    keys = ["indicator", "period", *(["peer_group"] if peer_group else [])]
    result = result.sort_values([*keys, "rank", "organization"], na_position="last")
    result = result.reset_index(drop=True)
    if fmt in ("csv", "json") or (fmt is None and output is not None):
        emit(result, fmt, output)
        return
    table = result[[*keys, "rank", "organization", "value", "percentile", "quartile",
                    "gap_to_best", "gap_to_median", "n", "comparison"]].copy()  # fmt: skip
    table.insert(0, "best", result["is_best"].map({True: "*", False: ""}))
    names = {o.id: o.name for o in catalog.organizations.values()}
    if names:
        org = result["organization"].astype(str)
        position = list(table.columns).index("organization") + 1
        table.insert(position, "name", org.map(names).fillna(""))
    emit(table.round(3), "table", output, title="Benchmark (* = best performer)")
