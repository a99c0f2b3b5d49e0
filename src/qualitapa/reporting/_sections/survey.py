"""The user satisfaction section: dimension indices (0-100) with confidence intervals."""

from __future__ import annotations

from typing import Any

import pandas as pd

from qualitapa.reporting import _charts as charts
from qualitapa.reporting._context import ReportContext
from qualitapa.reporting._frames import numbers, period_table, pick, required
from qualitapa.reporting._i18n import gettext_noop as _
from qualitapa.reporting._views import Cell, Table, table


def _labels(ctx: ReportContext, frame: pd.DataFrame, dim: str) -> pd.Series:
    label_col = pick(frame, f"label_{ctx.lang}", "label")
    if label_col is None:
        return frame[dim].astype(str)
    return frame[label_col].astype(str).where(frame[label_col].notna(), frame[dim].astype(str))


def _table(ctx: ReportContext, frame: pd.DataFrame, org: str | None, score: str,
           ci: tuple[str, str] | None) -> Table:  # fmt: skip
    t = ctx.t
    columns = ([(t(_("Ente")), False)] if org else []) + [(t(_("Dimensione")), False)]
    columns += [(t(_("N")), True)] if "n" in frame.columns else []
    columns += [(t(_("Indice (0-100)")), True)]
    columns += [(t(_("Intervallo di confidenza 95%")), True)] if ci else []
    rows = []
    for _i, r in frame.iterrows():
        row: list[str | Cell] = [ctx.name(r[org])] if org else []
        row.append(str(r["_label"]))
        if "n" in frame.columns:
            row.append(ctx.num(r["n"], 0))
        small = "small_sample" in frame.columns and r["small_sample"] is True
        note = str(t(_("campione ridotto"))) if small else None
        row.append(Cell(ctx.num(r[score], 1), note=note, cls="no" if small else None))
        if ci:
            row.append(f"{ctx.num(r[ci[0]], 1)} – {ctx.num(r[ci[1]], 1)}")
        rows.append(row)
    marks = ["highlight" if org and str(o) == ctx.highlight else ""
             for o in (frame[org] if org else [None] * len(frame))]  # fmt: skip
    return table(columns, rows, classes=marks)


def build(ctx: ReportContext) -> dict[str, Any] | None:
    """The chart of the indices by dimension and the table."""
    frame = period_table(ctx.tables, "survey", ctx.period)
    if frame is None:
        return None
    t = ctx.t
    dim, score = required(frame, "the survey table needs 'dimension' and 'index' columns",
                          ("dimension",), ("index", "score", "mean"))  # fmt: skip
    low, high = pick(frame, "ci_low", "ci_lower", "low"), pick(frame, "ci_high", "ci_upper", "high")
    org = pick(frame, "organization")
    frame = frame.assign(_label=_labels(ctx, frame, dim).to_numpy())
    orgs = list(dict.fromkeys(frame[org].astype(str))) if org else []
    if org and ctx.highlight in orgs and len(orgs) > 3:
        frame, orgs = frame.loc[frame[org].astype(str) == ctx.highlight], [ctx.highlight]
    ci = (low, high) if low and high else None
    data = _table(ctx, frame, org if len(orgs) > 1 else None, score, ci)
    chart = None
    if ci and frame["_label"].nunique() >= 2:
        groups = [ctx.name(o) for o in frame[org]] if org and len(orgs) > 1 else None
        title = str(t(_("Soddisfazione degli utenti")))
        if orgs == [ctx.highlight]:
            title += " – " + ctx.name(ctx.highlight)
        scores = numbers(frame[score])
        description = str(t(_("Indici da {low} a {high} su 100 in {n} dimensioni."),
                            low=ctx.num(scores.min(), 1), high=ctx.num(scores.max(), 1),
                            n=frame["_label"].nunique()))  # fmt: skip
        chart = ctx.chart(
            lambda: charts.interval_chart(
                list(frame["_label"]), scores, numbers(frame[ci[0]]), numbers(frame[ci[1]]),
                xlabel=str(t(_("Indice (0-100)"))), groups=groups, xlim=(0, 100),
                number=t.number,
            ),
            title=title, description=description, data=data,
            caption=str(t(_("Indici di soddisfazione (0-100) per dimensione con intervallo di "
                            "confidenza al 95%"))),
        )  # fmt: skip
    return {"chart": chart, "table": data}
