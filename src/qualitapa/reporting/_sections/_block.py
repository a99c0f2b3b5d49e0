"""One indicator's block in the report: what it is, bars, trend and ranked table."""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np
import pandas as pd

from qualitapa.reporting import _charts as charts
from qualitapa.reporting._context import ReportContext
from qualitapa.reporting._i18n import gettext_noop as _
from qualitapa.reporting._sections._view import IndicatorView, best, highlighted, polarity_key
from qualitapa.reporting._views import Cell, Chart, Table, table
from qualitapa.reporting._words import status_text, word


def bar_chart(ctx: ReportContext, v: IndicatorView, shown: pd.DataFrame) -> Chart | None:
    """Bars of this period's values (None with fewer than two values)."""
    t = ctx.t
    shown = shown.loc[shown["value"].notna()]
    if len(shown) < 2:
        return None
    unit = ctx.unit(v.unit)
    labels = [ctx.name(o) for o in shown["organization"]]
    target = getattr(getattr(ctx.definitions.get(v.indicator), "target", None), "value", None)
    data = table(
        [(t(_("Ente")), False), (t(_("Valore")), True)],
        [[n, ctx.quantity(x, unit)] for n, x in zip(labels, shown["value"], strict=True)],
    )
    names, best_value = best(ctx, v)
    description = str(t(_("Valori di {n} enti nel {period}; mediana {median}."), n=len(shown),
                        period=ctx.period, median=ctx.quantity(v.median, unit)))  # fmt: skip
    if names:
        description += " " + str(t(_("Valore migliore: {name}, {value}."), name=names[0],
                                   value=ctx.quantity(best_value, unit)))  # fmt: skip
    title = f"{v.label} – {ctx.period}"
    if ctx.highlight is not None and ctx.highlight in set(shown["organization"]):
        title += " – " + str(t(_("in evidenza {name}"), name=ctx.name(ctx.highlight)))
    return ctx.chart(
        lambda: charts.bar_chart(
            labels, shown["value"].to_numpy(dtype=float),
            best=shown["best"].to_numpy(dtype=bool),
            highlight=(shown["organization"] == ctx.highlight).to_numpy(),
            median=v.median, target=float(target) if target is not None else None,
            xlabel=ctx.unit_label(unit), median_label=str(t(_("Mediana"))),
            target_label=str(t(_("Obiettivo"))), number=t.number,
        ),
        title=title, description=description, data=data,
        caption=str(t(_("Valori {period}: in verde il migliore, la linea tratteggiata è la "
                        "mediana"), period=ctx.period)),
    )  # fmt: skip


def missing_note(ctx: ReportContext, v: IndicatorView, status: str) -> str:
    """Why an organization has no value, as a sentence."""
    definition = ctx.definitions.get(v.indicator)
    names = sorted(getattr(definition, "variables", ()) or ())
    labels = [ctx.label_of("variables", n) for n in names]
    return status_text(ctx.t, status, labels)


def _history(v: IndicatorView) -> pd.DataFrame:
    """The periods from the first to the last with a value (no empty years at the edges)."""
    hist = v.history
    finite = np.flatnonzero(np.isfinite(hist.to_numpy(dtype=float)).any(axis=1))
    return hist.iloc[finite[0] : finite[-1] + 1] if len(finite) else hist.iloc[:0]


def trend_lines(ctx: ReportContext, v: IndicatorView) -> dict[str, str | None]:
    """Who the trend chart names: the highlighted organization and this period's best."""
    hist = v.history
    names, _value = best(ctx, v)
    best_id = v.current.loc[v.current["best"].astype(bool), "organization"]
    return {
        "highlight": ctx.name(ctx.highlight) if ctx.highlight in hist.columns else None,
        "best": names[0] if len(best_id) == 1 and best_id.iloc[0] in hist.columns else None,
    }


def trend_data(
    ctx: ReportContext, v: IndicatorView, hist: pd.DataFrame, named: dict[str, str | None]
) -> Table:
    """The trend chart's data: the named organizations (or all, when few) and the median.

    With one organization there is no median column (the median of one is
    that organization).
    """
    t = ctx.t
    shown = [n for n in (named["highlight"], named["best"]) if n is not None]
    series = {ctx.name(o): hist[o].to_numpy(dtype=float) for o in hist.columns}
    if not shown and len(series) <= 6:
        shown = list(series)
    medians = hist.median(axis=1, skipna=True).to_numpy(dtype=float)
    with_median = len(series) > 1
    columns = [(t(_("Anno")), False), *((name, True) for name in shown)]
    if with_median:
        columns.append((t(_("Mediana")), True))
    rows = [[str(p), *(ctx.num(series[n][i]) for n in shown),
             *([ctx.num(medians[i])] if with_median else [])]
            for i, p in enumerate(hist.index)]  # fmt: skip
    return table(columns, rows)


def trend_chart(ctx: ReportContext, v: IndicatorView) -> Chart | None:
    """Lines across the periods (None with fewer than two periods with a value).

    Every organization is drawn; the highlighted one, this period's best
    performer and the median are named in the legend, the others grey.
    """
    t, hist = ctx.t, _history(v)
    if len(hist) < 2:
        return None
    if hist.shape[1] == 1:
        return _single_trend_chart(ctx, v, hist)
    named = trend_lines(ctx, v)
    medians = hist.median(axis=1, skipna=True).to_numpy(dtype=float)
    unit = ctx.unit(v.unit)
    span = f"{hist.index[0]}–{hist.index[-1]}"
    if named["highlight"] is not None:
        title = str(t(_("{label}: {name} e la mediana degli enti, {span}"),
                      label=v.label, name=named["highlight"], span=span))  # fmt: skip
    else:
        title = str(t(_("{label}: andamento {span}"), label=v.label, span=span))
    description = str(t(_("Mediana degli enti da {first} nel {start} a {last} nel {end}."),
                        first=ctx.quantity(medians[0], unit), start=hist.index[0],
                        last=ctx.quantity(medians[-1], unit), end=hist.index[-1]))  # fmt: skip
    series = {ctx.name(o): hist[o].to_numpy(dtype=float) for o in hist.columns}
    best_label = (str(t(_("{name} (migliore nel {period})"), name=named["best"],
                        period=ctx.period)) if named["best"] else None)  # fmt: skip
    return ctx.chart(
        lambda: charts.trend_chart(
            list(hist.index), series, median=medians, highlight=named["highlight"],
            best=named["best"], best_label=best_label, others_label=str(t(_("altri enti"))),
            ylabel=ctx.unit_label(unit), median_label=str(t(_("Mediana"))), number=t.number,
        ),
        title=title, description=description, data=trend_data(ctx, v, hist, named),
        caption=str(t(_("Andamento negli anni; la linea nera spessa è la mediana"))),
    )  # fmt: skip


def _single_trend_chart(ctx: ReportContext, v: IndicatorView, hist: pd.DataFrame) -> Chart | None:
    """The trend of the only organization with values: its line, no median."""
    t, unit = ctx.t, ctx.unit(v.unit)
    org = hist.columns[0]
    name = ctx.name(org)
    values = hist[org].to_numpy(dtype=float)
    span = f"{hist.index[0]}–{hist.index[-1]}"
    title = str(t(_("{label}: {name}, {span}"), label=v.label, name=name, span=span))
    finite = np.flatnonzero(np.isfinite(values))
    description = str(t(_("{name} da {first} nel {start} a {last} nel {end}."), name=name,
                        first=ctx.quantity(values[finite[0]], unit), start=hist.index[finite[0]],
                        last=ctx.quantity(values[finite[-1]], unit),
                        end=hist.index[finite[-1]]))  # fmt: skip
    highlight = name if org == ctx.highlight else None
    return ctx.chart(
        lambda: charts.trend_chart(
            list(hist.index), {name: values}, median=values, highlight=highlight,
            ylabel=ctx.unit_label(unit), alone_label=str(t(_("un solo ente: nessuna mediana"))),
            number=t.number,
        ),
        title=title, description=description,
        data=trend_data(ctx, v, hist, {"highlight": highlight, "best": None}),
        caption=str(t(_("Andamento negli anni di un solo ente (nessuna mediana)"))),
    )  # fmt: skip


@attrs.frozen
class Block:
    """What the template shows of one indicator."""

    slug: str
    label: str
    meta: list[str]
    description: str | None
    summary: str
    bars: Chart | None
    notes: list[str]
    trend: Chart | None
    ranking: Table | None


def _meta(ctx: ReportContext, v: IndicatorView) -> list[str]:
    definition = ctx.definitions.get(v.indicator)
    unit = ctx.unit_label(ctx.unit(v.unit))
    meta = [str(ctx.t(_("Unità"))) + ": " + unit] if unit else []
    meta.append(word(ctx.t, polarity_key(v.sign)))
    target = ctx.target_text(getattr(definition, "target", None), v.unit)
    if target:
        meta.append(str(ctx.t(_("Obiettivo"))) + ": " + target)
    return meta


def _summary(ctx: ReportContext, v: IndicatorView) -> str:
    """The numbers of the period in words, naming the best and the highlighted organization."""
    t, unit = ctx.t, ctx.unit(v.unit)
    if not v.n:
        return ""
    if v.n == 1:
        only = v.current.loc[v.current["value"].notna()].iloc[0]
        return str(t(_("Nel {period} solo {name} ha un valore: {value}."), period=ctx.period,
                     name=ctx.name(only["organization"]),
                     value=ctx.quantity(only["value"], unit)))  # fmt: skip
    text = str(t.plural("Nel {period} {n} ente ha un valore; mediana {median}.",
                        "Nel {period} {n} enti hanno un valore; mediana {median}.", v.n,
                        period=ctx.period, median=ctx.quantity(v.median, unit)))  # fmt: skip
    names, best_value = best(ctx, v)
    if names:
        text += " " + str(t(_("Valore migliore: {name}, {value}."), name=", ".join(names[:3]),
                            value=ctx.quantity(best_value, unit)))  # fmt: skip
    value, rank = highlighted(ctx, v)
    if ctx.highlight is not None and np.isfinite(value):
        text += " " + str(t(_("{name}: {value}"), name=ctx.name(ctx.highlight),
                            value=ctx.quantity(value, unit)))  # fmt: skip
        if np.isfinite(rank):
            text += ", " + str(t(_("posizione {rank} su {n}"), rank=int(rank), n=v.n))
        text += "."
    return text


def _notes(ctx: ReportContext, v: IndicatorView, cut: int) -> list[str]:
    t, cur = ctx.t, v.current
    notes = []
    if cut:
        notes.append(str(t(_("Sono mostrati i {k} migliori e i {k} peggiori su {n} enti."),
                           k=cut, n=v.n)))  # fmt: skip
    compared = set(cur.loc[cur["value"].notna(), "comparison"])
    if "local_indicator" in compared:
        notes.append(str(t(_("Indicatore locale: riportato per l'ente che lo misura, senza "
                             "confronto né graduatoria."))))  # fmt: skip
    elif "too_few_compared" in compared:
        notes.append(str(t(_("Nessuna graduatoria: gli enti con un valore sono meno di {k}."),
                           k=ctx.inputs.min_compared)))  # fmt: skip
    elif "all_equal" in compared:
        notes.append(str(t(_("Tutti gli enti hanno lo stesso valore: nessun miglior ente."))))
    if not v.n:
        text = str(t(_("Nessun valore per il {period}."), period=ctx.period))
        reasons = sorted({r for r in cur["status"] if r and r != "ok"})
        notes.append(" ".join([text, *(missing_note(ctx, v, r) + "." for r in reasons)]))
    return notes


def _shown(ctx: ReportContext, v: IndicatorView) -> tuple[pd.DataFrame, int]:
    """The rows drawn as bars (the extremes and the highlighted one when there are many)."""
    cur = v.current
    if len(cur) <= ctx.inputs.max_bars:
        return cur, 0
    k = ctx.inputs.max_bars // 2
    keep = np.zeros(len(cur), dtype=bool)
    idx = np.flatnonzero(cur["value"].notna().to_numpy())
    keep[idx[:k]] = True
    keep[idx[-k:]] = True
    if ctx.highlight is not None:
        keep |= (cur["organization"] == ctx.highlight).to_numpy()
    return cur.loc[keep], k


def _ranking(ctx: ReportContext, v: IndicatorView, words: dict[tuple[str, str], str]) -> Table:
    t, cur = ctx.t, v.current
    unit = ctx.unit_label(ctx.unit(v.unit))
    value_head = str(t(_("Valore"))) + (f" ({unit})" if unit else "")
    columns = [(t(_("Posizione")), True), (t(_("Ente")), False), (value_head, True)]
    with_trend = any(key[1] == v.indicator for key in words)
    if with_trend:
        columns.append((t(_("Tendenza")), False))
    rows, classes = [], []
    for org, value, rank, is_best, status in cur[
        ["organization", "value", "rank", "best", "status"]
    ].itertuples(index=False, name=None):
        shown: Any = ctx.num(value)
        if np.isnan(value) and status and status != "ok":
            shown = Cell("–", note=missing_note(ctx, v, status))
        row = [str(int(rank)) if pd.notna(rank) else "–", ctx.name(org), shown]
        if with_trend:
            row.append(words.get((org, v.indicator), "–"))
        rows.append(row)
        marks = (("best", bool(is_best)), ("highlight", org == ctx.highlight))
        classes.append(" ".join(c for c, on in marks if on))
    return table(columns, rows, classes=classes)


def block(ctx: ReportContext, v: IndicatorView, words: dict[tuple[str, str], str]) -> Block:
    """The :class:`Block` of one indicator."""
    description = getattr(ctx.definitions.get(v.indicator), "description", None)
    shown, cut = _shown(ctx, v)
    small = len(v.current) <= ctx.inputs.max_bars and len(v.current)
    return Block(
        slug=v.slug,
        label=v.label,
        meta=_meta(ctx, v),
        description=str(ctx.t.text(description)) if hasattr(description, "get") else None,
        summary=_summary(ctx, v),
        bars=bar_chart(ctx, v, shown),
        notes=_notes(ctx, v, cut),
        trend=trend_chart(ctx, v),
        ranking=_ranking(ctx, v, words) if small else None,
    )
