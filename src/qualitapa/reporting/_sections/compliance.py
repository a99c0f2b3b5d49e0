"""The service charter section: each standard's value against its target, met or not."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from qualitapa.errors import DataError
from qualitapa.reporting._context import ReportContext
from qualitapa.reporting._frames import is_missing, numbers, period_mask, pick
from qualitapa.reporting._i18n import gettext_noop as _
from qualitapa.reporting._views import Cell, table
from qualitapa.reporting._words import reason_text


def _met(ctx: ReportContext, value: Any) -> Cell:
    if is_missing(value):
        return Cell("–")
    ok = bool(value) if not isinstance(value, str) else value.lower() in ("true", "1", "yes")
    text = str(ctx.t(_("sì") if ok else _("no")))
    return Cell(("✓ " if ok else "✗ ") + text, cls="yes" if ok else "no")


def _shares(row: pd.Series) -> tuple[float, float] | None:
    """``(share within, required share)`` of a specific standard judged on its deliveries."""
    within, required = numbers([row.get("share_within"), row.get("required_share")])
    if not (np.isfinite(within) and np.isfinite(required)):
        return None
    return float(within), float(required)


def _target(ctx: ReportContext, standard: str, row: pd.Series) -> str:
    std = getattr(ctx.catalog, "standards", {}).get(standard) if ctx.catalog else None
    unit = row.get("unit") if not is_missing(row.get("unit")) else getattr(std, "unit", None)
    target = getattr(std, "target", None) or row.get("target")
    text = ctx.target_text(target, unit)
    shares = _shares(row)
    if shares is not None and shares[1] < 1:  # worded as the charters word it
        share = ctx.t.percent(shares[1], digits=0)
        text = str(ctx.t(_("{target} (obiettivo: {share} dei casi)"), target=text, share=share))
    return text


def _value(ctx: ReportContext, row: pd.Series, unit: Any, note: str) -> Cell:
    """The value; for a standard judged case by case, the share of cases within its target.

    A mean of 5 minutes against "at most 10 minutes" is not what decides: the
    share of deliveries within 10 minutes is (*89,98% dei casi*, with the
    decimals that tell it from the required 90%).
    """
    value = ctx.quantity(numbers([row.get("value")])[0], unit)
    shares = _shares(row)
    if shares is None:
        return Cell(value, note=note or None)
    within, required = shares
    digits = 1
    if within < required:  # 89,98%, not 90,0%, under a required 90%
        digits = next((d for d in (1, 2, 3) if round(within, d + 2) != round(required, d + 2)), 3)
    share = ctx.t.percent(within, digits=digits)
    text = ctx.t(_("{share} dei casi (media {mean})"), share=share, mean=value)
    return Cell(str(text), note=note or None)


def _summary(ctx: ReportContext, frame: pd.DataFrame) -> str:
    """How many standards are met, in all and by the highlighted organization."""
    assessed = frame.loc[frame["met"].notna()]
    met = assessed["met"].astype(bool)
    text = str(ctx.t(_("Standard rispettati: {met} su {total} valutati."), met=int(met.sum()),
                     total=len(assessed)))  # fmt: skip
    if "organization" in frame.columns and ctx.highlight is not None:
        mine = (assessed["organization"].astype(str) == ctx.highlight).to_numpy()
        if mine.any():
            text += " " + str(ctx.t(_("{name}: {met} su {total}."), name=ctx.name(ctx.highlight),
                                    met=int(met[mine].sum()), total=int(mine.sum())))  # fmt: skip
    return text


def build(ctx: ReportContext) -> dict[str, Any] | None:
    """The summary sentence and the table of standards."""
    frame = ctx.tables.get("compliance")
    if frame is None:
        return None
    t = ctx.t
    if "period" in frame.columns:
        frame = frame.loc[period_mask(frame, ctx.period) | frame["period"].isna()]
    std = pick(frame, "standard")
    if std is None or "met" not in frame.columns:
        raise DataError("the compliance table needs 'standard' and 'met' columns")
    summary = _summary(ctx, frame)
    with_org = "organization" in frame.columns
    if with_org and ctx.highlight is not None:  # the highlighted city first under each standard
        first = {k: i for i, k in enumerate(dict.fromkeys(frame[std].astype(str)))}
        order = frame[std].astype(str).map(first) * 2 + (
            frame["organization"].astype(str) != ctx.highlight
        )
        frame = frame.iloc[order.to_numpy().argsort(kind="stable")]
    with_refunds = "refunds_due" in frame.columns
    columns = [(t(_("Standard")), False)] + ([(t(_("Ente")), False)] if with_org else [])
    columns += [(t(_("Valore")), True), (t(_("Obiettivo")), False), (t(_("Rispettato")), False)]
    columns += [(t(_("Indennizzi dovuti")), True)] if with_refunds else []
    rows, marks = [], []
    for _i, r in frame.iterrows():
        unit = ctx.unit(r.get("unit") if not is_missing(r.get("unit")) else "")
        note = reason_text(t, r.get("reason"))
        row: list[str | Cell] = [ctx.label_of("standards", r[std])]
        if with_org:
            row.append(ctx.name(r["organization"]) if not is_missing(r["organization"]) else "")
        row.append(_value(ctx, r, unit, note))
        row += [_target(ctx, str(r[std]), r), _met(ctx, r["met"])]
        if with_refunds:
            row.append(ctx.num(r["refunds_due"], 0))
        rows.append(row)
        marks.append("highlight" if with_org and str(r["organization"]) == ctx.highlight else "")
    return {"summary": summary, "table": table(columns, rows, classes=marks)}
