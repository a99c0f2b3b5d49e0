"""``qualitapa indicators list|show|check|compute|trends|targets`` and ``qualitapa benchmark``."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
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
    read_inputs,
    select_period,
    sources_argument,
    sources_name,
)
from qualitapa.cli._options import (
    choice_option,
    definitions_option,
    format_option,
    input_options,
    lang_option,
    output_options,
    target_option,
)
from qualitapa.errors import DefinitionError, Message
from qualitapa.i18n import N_
from qualitapa.models import Dimension

if TYPE_CHECKING:
    from qualitapa.catalog import Catalog
    from qualitapa.indicators import Errors

_service_option = click.option("--service", "-s", default=None, help="Only this service.")
_indicator_option = click.option(
    "--indicator", "-i", "indicators", multiple=True, help="Only this indicator. Repeatable."
)
_errors_option = choice_option(
    "--errors",
    choices=["raise", "report"],
    default="raise",
    help="On invalid raw values: stop with the list of problems, or compute the rest and "
    "give status 'invalid_input'.",
)


def _data_options(command: Callable[..., None]) -> Callable[..., None]:
    """DATA, ``--service`` and ``--indicator``: what to compute from which file."""
    return sources_argument("data")(_service_option(_indicator_option(command)))


def _select(catalog: Catalog, service: str | None, ids: tuple[str, ...]) -> list[Any]:
    if ids:
        chosen = [catalog.indicators[i] for i in ids]
    elif service:
        catalog.services[service]  # unknown service -> error with suggestions
        chosen = list(catalog.indicators.by_service(service))
    else:
        chosen = list(catalog.indicators.values())
    if not chosen:
        t = messages()
        raise DefinitionError(
            t("nessun indicatore da calcolare: installare un plugin che ne definisca, o dare "
              "--definitions FILE.toml")
        )  # fmt: skip
    return chosen


@attrs.frozen
class _Data:
    """DATA of a command with the indicators chosen by ``--service``/``--indicator``."""

    sources: tuple[Path | str, ...]
    catalog: Catalog
    service: str | None
    ids: tuple[str, ...]

    @property
    def path(self) -> str:
        """The DATA in messages: the file, or the files and datasets joined by ``+``."""
        return sources_name(self.sources)

    def definitions(self) -> list[Any]:
        return _select(self.catalog, self.service, self.ids)

    def read(self) -> pd.DataFrame:
        """DATA as one table (several files and datasets merged, see read_inputs)."""
        return read_inputs(self.sources, catalog=self.catalog)

    def compute(self, errors: Errors, frame: pd.DataFrame | None = None) -> pd.DataFrame:
        """compute(), failing when not one value could be computed (and saying why)."""
        from qualitapa.indicators import compute, missing_variables

        defs = self.definitions()
        frame = self.read() if frame is None else frame
        result = compute(defs, frame, catalog=self.catalog, source=str(self.path), errors=errors)
        status = result["status"].astype(str)
        if len(result) and (status == "ok").any():
            return result
        from qualitapa.cli._headers import CODES

        t = messages()
        counts = ", ".join(
            f"{t(CODES[str(k)]) if str(k) in CODES else k} {v}"
            for k, v in status.value_counts().items()
        )
        absent = missing_variables(frame, defs, catalog=self.catalog)
        lacking = t("; ai dati mancano {variables}", variables=listed(absent)) if absent else ""
        raise nothing(
            t("nessun indicatore calcolabile{counts}{lacking}; 'qualitapa indicators check' sul "
              "file dice perché", counts=f" ({counts})" if counts else "", lacking=lacking),
            source=self.path,
        )  # fmt: skip

    def values(self, errors: Errors) -> pd.DataFrame:
        """Indicator values: computed from raw data, or read as they are."""
        frame = self.read()
        if "indicator" not in frame.columns:
            return self.compute(errors, frame)
        values = frame
        if self.ids or self.service:
            wanted = sorted({d.id for d in self.definitions()})  # unknown -> error
            values = values[values["indicator"].astype(str).isin(wanted)]
            if values.empty:
                have = sorted(set(frame["indicator"].dropna().astype(str)))
                t = messages()
                raise nothing(
                    t("nessun valore di {wanted} nel file (ha {have})", wanted=listed(wanted),
                      have=listed(have)),
                    source=self.path,
                )  # fmt: skip
        return values.reset_index(drop=True)


def _with_data(command: Callable[..., None]) -> Callable[..., None]:
    """DATA, ``--service``, ``--indicator`` and ``-d`` become one :class:`_Data`."""

    @functools.wraps(command)
    def run(
        *,
        data: tuple[Path | str, ...],
        service: str | None,
        indicators: tuple[str, ...],
        definitions: tuple[Path, ...],
        **options: Any,
    ) -> None:
        command(_Data(data, catalog_for(definitions), service, indicators), **options)

    return run


def _computing(command: Callable[..., None]) -> Callable[..., None]:
    """``--errors``, ``-d``, the input and output options, ``--lang``; DATA as one :class:`_Data`.

    The options of a command that computes from DATA, after its own options.
    """
    return _errors_option(
        definitions_option(input_options(output_options(lang_option(_with_data(command)))))
    )


def _emit_results(
    frame: pd.DataFrame,
    data: _Data,
    lang: str,
    fmt: str | None,
    output: Path | None,
    *,
    title: str | None = None,
) -> None:
    """Print a result table with the names and labels of its ids in ``lang``.

    Every format gets ``organization_name``, ``indicator_label``... after the
    id columns; the table for people has its headers in ``lang`` too.
    """
    from qualitapa._labelling import label_columns

    labelled = label_columns(frame, data.catalog, lang)
    emit(labelled, fmt, output, title=title, lang=lang, catalog=data.catalog)


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
@lang_option
def indicators_list(
    service: str | None, dimension: str | None, definitions: tuple[Path, ...],
    fmt: str | None, output: Path | None, lang: str,
) -> None:  # fmt: skip
    """List the indicators defined by the plugins.

    The labels are in --lang; on screen the units, dimensions and polarities
    too (CSV and JSON keep their codes).
    """
    from qualitapa.cli._headers import DIMENSIONS
    from qualitapa.i18n import translator

    catalog = catalog_for(definitions)
    t = translator(lang)
    people = for_people(fmt, output)
    if service:
        catalog.services[service]  # unknown service -> error with suggestions
    items = catalog.indicators.by_service(service) if service else list(catalog.indicators.values())
    if dimension:
        items = [d for d in items if d.dimension.value == dimension]
    if not items and (service or dimension):
        of = t(" del servizio {service}", service=repr(service)) if service else ""
        with_ = t(" con dimensione {dimension}", dimension=repr(dimension)) if dimension else ""
        raise nothing(t("nessun indicatore{of}{with_}", of=of, with_=with_))
    rows = [
        {
            "id": d.id,
            "label": d.label.get(lang),
            "service": d.service,
            "dimension": t(DIMENSIONS[d.dimension.value]) if people else d.dimension.value,
            "polarity": d.polarity.value,
            "unit": (t.unit(d.unit) if people else d.unit) if d.unit else "",
            "formula": d.formula.text,
            "scale": d.scale,
            "target": str(d.target) if d.target else "",
            "plugin": catalog.indicators.plugin_of(d.id),
        }
        for d in items
    ]
    columns = ["id", "label", "service", "dimension", "polarity", "unit", "formula", "scale",
               "target", "plugin"]  # fmt: skip
    emit(pd.DataFrame(rows, columns=columns), fmt, output, lang=lang)


#: indicators show --format -> the extensions of -o.
_SHOW_FORMATS = {"table": [".txt"], "json": [".json"]}


@indicators_group.command("show")
@click.argument("indicator_id")
@definitions_option
@format_option(
    _SHOW_FORMATS,
    default="table",
    help="table, or json (every language). Default: the one -o's extension names, else table.",
)
@target_option("Write to this file instead of the screen: .txt or .json.", formats=_SHOW_FORMATS)
@lang_option
def indicators_show(
    indicator_id: str, definitions: tuple[Path, ...], fmt: str, output: Path | None, lang: str
) -> None:
    """Show the definition of one indicator (labels in --lang; JSON: every language)."""
    catalog = catalog_for(definitions)
    d = catalog.indicators[indicator_id]
    data = d.to_dict()
    data["variables"] = sorted(d.variables)
    data["plugin"] = catalog.indicators.plugin_of(d.id)
    if fmt == "json":
        emit_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", output)
        return
    from qualitapa.cli._headers import DIMENSIONS, HEADERS, worded
    from qualitapa.i18n import translator

    t = translator(lang)
    flat = {
        **data,
        "label": d.label.get(lang),
        "dimension": t(DIMENSIONS[d.dimension.value]),
        "unit": t.unit(d.unit) if d.unit else "",
        "description": d.description.get(lang) if d.description else "",
        "target": str(d.target) if d.target else "",
        "scale": t.number(d.scale, 0 if float(d.scale).is_integer() else None),
        **(
            {
                "periodicity": worded(
                    pd.DataFrame({"periodicity": [str(data["periodicity"])]}), lang
                )["periodicity"].iloc[0]
            }
            if "periodicity" in data
            else {}
        ),
        "variables": ", ".join(data["variables"]),
        "tags": ", ".join(d.tags),
    }
    fields = [t(HEADERS[k]) if k in HEADERS else k for k in flat]
    table = pd.DataFrame({"field": fields, "value": [str(v) for v in flat.values()]})
    if "polarity" in flat:
        table.loc[fields.index(t(HEADERS["polarity"])), "value"] = worded(
            pd.DataFrame({"polarity": [d.polarity.value]}), lang
        )["polarity"].iloc[0]
    emit(table, "table", output, lang=lang)


@indicators_group.command("check")
@_data_options
@definitions_option
@input_options
@output_options
@_with_data
def indicators_check(data: _Data, fmt: str | None, output: Path | None) -> None:
    """List the problems in raw DATA (non-numeric, duplicate, impossible values)."""
    from qualitapa.indicators import check_data

    defs, frame = data.definitions(), data.read()
    problems = check_data(frame, defs, catalog=data.catalog, source=str(data.path))
    if problems.empty and for_people(fmt, output):
        t = messages()
        echo(t.plural("nessun problema in {n} riga di {file}",
                      "nessun problema in {n} righe di {file}", len(frame), file=data.path),
             err=True)  # fmt: skip
        return
    emit(problems, fmt, output)
    if len(problems):
        raise SystemExit(1)


@indicators_group.command("compute")
@_data_options
@_computing
def indicators_compute(
    data: _Data, errors: Errors, fmt: str | None, output: Path | None, lang: str
) -> None:
    """Compute indicators from raw DATA (CSV or Excel; long or wide).

    DATA is one or more files, filled data-collection templates (qualitapa
    template indicators) or dataset ids: several are merged into one table
    (a record two files give with different values is an error naming both).

    Long data has columns organization, period, variable, value; wide data
    has organization, period and one column per variable. The result names
    organizations and indicators in --lang (organization_name,
    indicator_label) next to their ids.
    """
    _emit_results(data.compute(errors), data, lang, fmt, output)


#: qualitapa.indicators.TREND_CORRECTIONS without None (not imported here: the command line
#: loads the indicators only when a command runs; a test checks the two agree).
_TREND_CORRECTIONS = ("hamed-rao", "yue-wang", "prewhiten", "trend-free-prewhiten")


@indicators_group.command("trends")
@_data_options
@click.option("--alpha", type=float, default=0.05, show_default=True, help="Significance level.")
@click.option(
    "--correction",
    type=click.Choice(_TREND_CORRECTIONS),
    default=None,
    help="Correct the Mann-Kendall test for serial correlation between periods: "
    "hamed-rao, yue-wang (variance corrections) or prewhiten, trend-free-prewhiten "
    "(the test on the pre-whitened series). Default: periods taken as independent.",
)
@click.option(
    "--seasonal",
    is_flag=True,
    help="Seasonal Mann-Kendall test of monthly data (periods YYYY-MM): each month "
    "compared with the same month of other years; the slope is per year.",
)
@_computing
def indicators_trends(
    data: _Data,
    alpha: float,
    correction: str | None,
    seasonal: bool,
    errors: Errors,
    fmt: str | None,
    output: Path | None,
    lang: str,
) -> None:
    """Trends per organization and indicator (Theil-Sen slope, Mann-Kendall test).

    DATA is raw data (computed first) or indicator values (with an
    'indicator' column). Periods are years, or months (YYYY-MM: slopes per
    year).
    """
    from qualitapa.indicators import trends

    if seasonal and correction is not None:
        said = Message("--seasonal takes no --correction", N_("--seasonal esclude --correction"))
        raise click.UsageError(said.render(messages()))
    values = data.values(errors)
    result = trends(
        values,
        catalog=data.catalog,
        alpha=alpha,
        correction=correction,
        seasonal=seasonal,
        source=str(data.path),
    )
    _emit_results(result, data, lang, fmt, output)


@indicators_group.command("targets")
@_data_options
@_computing
def indicators_targets(
    data: _Data, errors: Errors, fmt: str | None, output: Path | None, lang: str
) -> None:
    """Compare values with the indicators' targets (met / not met, gap)."""
    from qualitapa.indicators import targets

    result = targets(data.values(errors), catalog=data.catalog, source=str(data.path))
    _emit_results(result, data, lang, fmt, output)


@cli.command("benchmark")
@_data_options
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
@_computing
def benchmark_command(
    data: _Data,
    period: str | None,
    peer_group: str | None,
    min_compared: int,
    errors: Errors,
    fmt: str | None,
    output: Path | None,
    lang: str,
) -> None:
    """Rank organizations on each indicator and period; the best performers are marked.

    DATA is raw data (the indicators are computed first) or indicator values
    (columns organization, period, indicator, value): one or more files,
    filled templates or dataset ids, merged into one table.
    """
    from qualitapa.cli._output import for_machines
    from qualitapa.indicators import benchmark

    catalog = data.catalog
    if peer_group is not None:
        catalog.peer_groups[peer_group]  # unknown peer group -> error with suggestions
    values = select_period(data.values(errors), period, data.path)
    result = benchmark(
        values,
        catalog=catalog,
        peer_groups=peer_group,
        min_compared=min_compared,
        source=str(data.path),
    )
    keys = ["indicator", "period", *(["peer_group"] if peer_group else [])]
    result = result.sort_values([*keys, "rank", "organization"], na_position="last")
    result = result.reset_index(drop=True)
    if for_machines(fmt, output):
        _emit_results(result, data, lang, fmt, output)
        return
    from qualitapa._labelling import label_columns
    from qualitapa.i18n import translator

    table = result[[*keys, "rank", "organization", "value", "percentile", "quartile",
                    "gap_to_best", "gap_to_median", "n", "comparison"]].copy()  # fmt: skip
    table.insert(0, "best", result["is_best"].map({True: "*", False: ""}))
    t = translator(lang)
    if peer_group is not None:  # each class by its label, not its name
        group = catalog.peer_groups[peer_group]
        table["peer_group"] = table["peer_group"].map(lambda c: t.text(group.class_label(str(c))))
    table = label_columns(table, catalog, lang)
    title = t("Confronto tra enti (* = migliore)")
    emit(table, fmt, output, title=title, lang=lang, catalog=catalog)
