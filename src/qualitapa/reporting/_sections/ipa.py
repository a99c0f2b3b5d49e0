"""The importance-performance section: the aspects of the service in four quadrants."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from qualitapa.reporting import _charts as charts
from qualitapa.reporting._context import ReportContext
from qualitapa.reporting._frames import numbers, period_table, pick, required
from qualitapa.reporting._i18n import gettext_noop as _
from qualitapa.reporting._views import Chart, table
from qualitapa.reporting._words import word

#: Question ids and dimensions of overall satisfaction: the reference of
#: derived importance, not an aspect of the service.
_OVERALL = frozenset({"overall", "overall_satisfaction"})


def _rows(ctx: ReportContext, frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The aspects of the report's organization (overall satisfaction left out) and labels."""
    org = pick(frame, "organization")
    if org is not None and ctx.highlight in set(frame[org].astype(str)):
        frame = frame.loc[frame[org].astype(str) == ctx.highlight]
    for col in ("question", "item", "dimension"):
        if col in frame.columns:
            frame = frame.loc[~frame[col].astype(str).isin(_OVERALL)]
    item = pick(frame, f"label_{ctx.lang}", "label", "item", "question", "dimension")
    labels = frame[item].astype(str).tolist() if item else [str(i) for i in frame.index]
    if item in ("item", "question"):
        instruments = (frame["instrument"].astype(str).tolist() if "instrument" in frame.columns
                       else [None] * len(labels))  # fmt: skip
        labels = [ctx.question_label(q, i) for q, i in zip(labels, instruments, strict=True)]
    return frame, labels


def _axes(frame: pd.DataFrame, x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Where the quadrant lines cross: from the table (qualitapa.surveys.ipa), else the means."""
    x_axis = float(np.nanmean(x)) if np.isfinite(x).any() else np.nan
    y_axis = float(np.nanmean(y)) if np.isfinite(y).any() else np.nan
    if "importance_axis" in frame.columns and frame["importance_axis"].notna().any():
        x_axis = float(numbers(frame["importance_axis"].dropna())[0])
    if "performance_axis" in frame.columns and frame["performance_axis"].notna().any():
        y_axis = float(numbers(frame["performance_axis"].dropna())[0])
    return x_axis, y_axis


def build(ctx: ReportContext) -> dict[str, Any] | None:
    """The IPA chart and the table of aspects with their quadrant."""
    frame = period_table(ctx.tables, "ipa", ctx.period)
    if frame is None:
        return None
    t = ctx.t
    imp, perf = required(frame, "the IPA table needs 'importance' and 'performance' columns",
                         ("importance",), ("performance",))  # fmt: skip
    frame, labels = _rows(ctx, frame)
    x, y = numbers(frame[imp]), numbers(frame[perf])
    quadrant = pick(frame, "quadrant")
    columns = [(t(_("Aspetto")), False), (t(_("Importanza")), True), (t(_("Performance")), True)]
    columns += [(t(_("Quadrante")), False)] if quadrant else []
    rows = []
    for i, (lab, xi, yi) in enumerate(zip(labels, x, y, strict=True)):
        row = [lab, ctx.num(xi), ctx.num(yi)]
        if quadrant:
            row.append(word(t, frame[quadrant].iloc[i]))
        rows.append(row)
    data = table(columns, rows)
    return {"chart": _chart(ctx, frame, x, y, labels, data), "table": data}


def _chart(ctx: ReportContext, frame: pd.DataFrame, x: np.ndarray, y: np.ndarray,
           labels: list[str], data: Any) -> Chart | None:  # fmt: skip
    t = ctx.t
    x_axis, y_axis = _axes(frame, x, y)
    if len(frame) < 2 or not (np.isfinite(x_axis) and np.isfinite(y_axis)):
        return None
    names = {k: str(t(m)) for k, m in (("keep_up", _("continuare così")),
             ("overkill", _("possibile eccesso")), ("low", _("bassa priorità")),
             ("focus", _("concentrarsi qui")))}  # fmt: skip
    focus = [lab for lab, xi, yi in zip(labels, x, y, strict=True) if xi >= x_axis and yi < y_axis]
    title = str(t(_("Analisi importanza-performance")))
    if ctx.highlight is not None and "organization" in frame.columns:
        title += " – " + ctx.name(ctx.highlight)
    description = str(t(_("{n} aspetti del servizio per importanza e performance."), n=len(x)))
    if focus:
        description += " " + str(t(_("Su cui concentrarsi: {items}."), items=", ".join(focus)))
    return ctx.chart(
        lambda: charts.ipa_chart(
            x, y, labels, x_axis=x_axis, y_axis=y_axis,
            quadrant_names=[names["overkill"], names["keep_up"], names["low"], names["focus"]],
            xlabel=str(t(_("Importanza"))), ylabel=str(t(_("Performance"))), number=t.number,
        ),
        title=title, description=description, data=data,
        caption=str(t(_("Importanza e performance degli aspetti del servizio; le linee sono i "
                        "valori medi"))),
    )  # fmt: skip
