"""The indicator sections: the headline table and one block per indicator."""

from __future__ import annotations

from typing import Any

import numpy as np

from qualitapa.reporting._context import ReportContext
from qualitapa.reporting._i18n import gettext_noop as _
from qualitapa.reporting._sections._block import block
from qualitapa.reporting._sections._view import best, highlighted, polarity_key, views
from qualitapa.reporting._views import Cell, table
from qualitapa.reporting._words import word


def build_headline(ctx: ReportContext) -> dict[str, Any] | None:
    """The headline table: one row per indicator."""
    found = views(ctx)
    if ctx.tables.get("indicators") is None:
        return None
    t = ctx.t
    columns = [(t(_("Indicatore")), False), (t(_("Unità")), False), (t(_("N")), True),
               (t(_("Mediana")), True), (t(_("Valore migliore")), True),
               (t(_("Miglior ente")), False)]  # fmt: skip
    if ctx.highlight is not None:
        columns += [(ctx.name(ctx.highlight), True), (t(_("Posizione")), True)]
    columns.append((t(_("Variazione mediana")), True))
    rows = []
    for v in found:
        names, best_value = best(ctx, v)
        row: list[str | Cell] = [
            Cell(v.label, href=f"#ind-{v.slug}", note=word(t, polarity_key(v.sign))),
            ctx.unit_label(ctx.unit(v.unit)), str(v.n),
            "–" if v.local else ctx.num(v.median),  # a local indicator has no median of cities
            ctx.num(best_value), ", ".join(names[:3]) + (" …" if len(names) > 3 else ""),
        ]  # fmt: skip
        if ctx.highlight is not None:
            value, rank = highlighted(ctx, v)
            row += [ctx.num(value), f"{int(rank)}/{v.n}" if np.isfinite(rank) else "–"]
        row.append("–" if v.local else ctx.change(v.previous_median, v.median, v.unit))
        rows.append(row)
    return {"table": table(columns, rows)}


def build_indicators(ctx: ReportContext) -> dict[str, Any] | None:
    """One block per indicator: what it is, the bars, the trend and the ranked table."""
    if ctx.tables.get("indicators") is None:
        return None
    trends = ctx.tables.get("trends")
    words: dict[tuple[str, str], str] = {}
    if trends is not None and {"organization", "indicator", "trend"} <= set(trends.columns):
        cols = trends[["organization", "indicator", "trend"]].astype(str)
        words = {(o, i): word(ctx.t, tr) for o, i, tr in cols.itertuples(index=False)}
    return {"blocks": [block(ctx, v, words) for v in views(ctx)]}
