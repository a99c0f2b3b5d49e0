"""The efficiency (DEA) section: scores, status and reference organizations."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from qualitapa.reporting import _charts as charts
from qualitapa.reporting._context import ReportContext
from qualitapa.reporting._frames import is_missing, numbers, period_table, required
from qualitapa.reporting._i18n import gettext_noop as _
from qualitapa.reporting._views import table
from qualitapa.reporting._words import word


def build(ctx: ReportContext) -> dict[str, Any] | None:
    """The DEA chart (efficiency by organization) and table."""
    message = "dea must be a DEAResult or its scores DataFrame"
    frame = period_table(ctx.tables, "dea", ctx.period, attr="scores", message=message)
    if frame is None:
        return None
    t = ctx.t
    org, eff = required(frame, "the DEA table needs 'organization' and 'efficiency' columns",
                        ("organization",), ("efficiency", "score"))  # fmt: skip
    sub = frame.sort_values(eff, ascending=False)
    status = sub["status"].astype(str) if "status" in sub.columns else None
    columns = [(t(_("Ente")), False), (t(_("Efficienza")), True)]
    columns += [(t(_("Stato")), False)] if status is not None else []
    columns += [(t(_("Enti di riferimento")), False)] if "peers" in sub.columns else []
    rows = []
    for _i, r in sub.iterrows():
        row = [ctx.name(r[org]), ctx.num(r[eff], 3)]
        if status is not None:
            row.append(word(t, r["status"]))
        if "peers" in sub.columns:
            peers = "" if is_missing(r["peers"]) else str(r["peers"])
            row.append(", ".join(ctx.name(p) for p in peers.split(";") if p))
        rows.append(row)
    marks = ["highlight" if str(o) == ctx.highlight else "" for o in sub[org]]
    data = table(columns, rows, classes=marks)
    return {"chart": _chart(ctx, sub, org, eff, status, data) if len(sub) >= 2 else None,
            "table": data}  # fmt: skip


def _chart(ctx: ReportContext, sub: pd.DataFrame, org: str, eff: str,
           status: pd.Series | None, data: Any) -> Any:  # fmt: skip
    t = ctx.t
    values = numbers(sub[eff])
    efficient = np.isclose(values, 1.0)
    if status is not None:
        efficient &= (status == "efficient").to_numpy()
    median = float(np.nanmedian(values)) if np.isfinite(values).any() else np.nan
    title = str(t(_("Efficienza (DEA)")))
    description = str(t.plural("{n} ente su {total} è sulla frontiera efficiente.",
                               "{n} enti su {total} sono sulla frontiera efficiente.",
                               int(efficient.sum()), total=len(sub)))  # fmt: skip
    mine = sub.loc[sub[org].astype(str) == ctx.highlight]
    if len(mine):
        title += " – " + str(t(_("in evidenza {name}"), name=ctx.name(ctx.highlight)))
        description += " " + str(t(_("{name}: {value}"), name=ctx.name(ctx.highlight),
                                   value=ctx.num(mine[eff].iloc[0], 3))) + "."  # fmt: skip
    return ctx.chart(
        lambda: charts.bar_chart(
            [ctx.name(o) for o in sub[org]], values, best=efficient,
            highlight=(sub[org].astype(str) == ctx.highlight).to_numpy(), median=median,
            xlabel=str(t(_("Efficienza"))), median_label=str(t(_("Mediana"))), number=t.number,
        ),
        title=title, description=description, data=data,
        caption=str(t(_("Punteggi di efficienza (1 = sulla frontiera efficiente)"))),
    )  # fmt: skip
