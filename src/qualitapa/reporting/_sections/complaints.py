"""The complaints section: the KPIs of the period and the monthly trend."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from qualitapa.errors import DataError
from qualitapa.reporting import _charts as charts
from qualitapa.reporting._context import ReportContext
from qualitapa.reporting._frames import numbers, pick, prefix_mask
from qualitapa.reporting._i18n import gettext_noop as _
from qualitapa.reporting._views import Chart, Table, table

#: KPI columns shown, with their heading (Italian msgid); the others are in the
#: open-data tables (a report table must fit the page).
_KPIS: dict[str, str] = {
    "received": _("Ricevuti"),
    "answered": _("Risposti"),
    "share_within_deadline": _("% risposti nei termini"),
    "median_answer_days": _("Giorni mediani di risposta"),
    "p90_answer_days": _("90° percentile giorni"),
    "open": _("Aperti"),
    "overdue": _("Scaduti"),
    "reopening_rate": _("% riaperti"),
    "per_10000": _("Per 10.000 abitanti"),
}
_GROUPS: dict[str, str] = {
    "organization": _("Ente"),
    "service": _("Servizio"),
    "category": _("Categoria"),
    "kind": _("Tipo"),
    "channel": _("Canale"),
    "period": _("Periodo"),
}
_COUNTS = frozenset({"received", "answered", "open", "overdue"})


def _cell(ctx: ReportContext, column: str, value: Any) -> str:
    if column.startswith("share_") or column.endswith("_rate"):
        return ctx.num(numbers([value])[0] * 100, 1)
    return ctx.num(value, 0 if column in _COUNTS else 1)


def _group_cell(ctx: ReportContext, column: str, value: Any) -> str:
    if column == "organization":
        return ctx.name(value)
    if column == "service":
        return ctx.label_of("services", value)
    if column == "category":
        return ctx.label_of("complaint_categories", value)
    return str(value)


def _kpis(ctx: ReportContext, kpis: pd.DataFrame) -> Table:
    t = ctx.t
    kpis = kpis.loc[prefix_mask(kpis, pick(kpis, "period"), ctx.period)]
    groups = [c for c in _GROUPS if c in kpis.columns]
    values = [c for c in _KPIS if c in kpis.columns]
    columns = [(t(_GROUPS[c]), False) for c in groups] + [(t(_KPIS[c]), True) for c in values]
    rows = [[_group_cell(ctx, c, r[c]) for c in groups] + [_cell(ctx, c, r[c]) for c in values]
            for _i, r in kpis.iterrows()]  # fmt: skip
    marks = ["highlight" if "organization" in kpis.columns and str(o) == ctx.highlight else ""
             for o in kpis.get("organization", pd.Series([None] * len(kpis)))]  # fmt: skip
    return table(columns, rows, classes=marks)


def _month(ctx: ReportContext, period: str, pattern: str) -> str:
    """``2024-01`` as ``gennaio 2024`` (``pattern`` "LLLL y") in the report language."""
    from babel.dates import format_date

    try:
        day = dt.date.fromisoformat(f"{period}-01")
    except ValueError:
        return period
    return str(format_date(day, pattern, locale=ctx.t.locale))


def _trend(ctx: ReportContext, trend: pd.DataFrame) -> tuple[Chart | None, Table]:
    t = ctx.t
    period = pick(trend, "period", "month")
    if period is None or "received" not in trend.columns:
        raise DataError("the complaint trend needs 'period' and 'received' columns")
    trend = trend.loc[prefix_mask(trend, period, ctx.period)]
    mine = None
    if "organization" in trend.columns and ctx.highlight in set(trend["organization"].astype(str)):
        trend = trend.loc[trend["organization"].astype(str) == ctx.highlight]
        mine = ctx.name(ctx.highlight)
    cols = ["received"] + (["answered"] if "answered" in trend.columns else [])
    monthly = (
        trend.assign(**{c: numbers(trend[c]) for c in cols}, _p=trend[period].astype(str))
        .groupby("_p", sort=True)[cols]
        .sum(min_count=1)
    )
    months = [str(p) for p in monthly.index]
    data = table([(t(_("Mese")), False), *((t(_KPIS[c]), True) for c in cols)],
                 [[_month(ctx, p, "LLLL y"), *(ctx.num(monthly.at[p, c], 0) for c in cols)]
                  for p in months])  # fmt: skip
    if len(months) < 2:
        return None, data
    received = monthly["received"].to_numpy(dtype=float)
    answered = monthly["answered"].to_numpy(dtype=float) if "answered" in monthly else None
    description = str(t(_("Reclami ricevuti per mese da {first} a {last}: in totale {total}."),
                        first=_month(ctx, months[0], "LLLL y"),
                        last=_month(ctx, months[-1], "LLLL y"),
                        total=ctx.num(received.sum(), 0)))  # fmt: skip
    chart = ctx.chart(
        lambda: charts.monthly_chart(
            [_month(ctx, m, "LLL yy") for m in months], received, answered,
            received_label=str(t(_KPIS["received"])),
            answered_label=str(t(_KPIS["answered"])), number=t.number,
        ),
        title=str(t(_("Reclami ricevuti e risposti per mese"))) + (f" – {mine}" if mine else ""),
        description=description,
        caption=str(t(_("Reclami ricevuti e risposti per mese"))), data=data,
    )  # fmt: skip
    return chart, data


def build(ctx: ReportContext) -> dict[str, Any] | None:
    """The KPI table and the monthly chart, each when its table is given."""
    kpis, trend = ctx.tables.get("complaints"), ctx.tables.get("complaint_trend")
    if kpis is None and trend is None:
        return None
    chart, monthly = _trend(ctx, trend) if trend is not None and len(trend) else (None, None)
    return {
        "kpis": _kpis(ctx, kpis) if kpis is not None else None,
        "chart": chart,
        "monthly": monthly,
    }
