"""The composite indices section: median rank and its uncertainty interval per organization.

With the statistical audit of the index (the ``audit`` of
:func:`qualitapa.composite.composite_uncertainty`, an
:class:`~qualitapa.composite.AuditResult` given as ``extra["composite_audit"]``,
or else the audit of the catalog's definition on the period's indicator values),
two tables follow: each dimension's Cronbach's alpha and first principal
component, and each component's correlations and flags in words.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pandas as pd

from qualitapa.errors import DataError
from qualitapa.reporting import _charts as charts
from qualitapa.reporting._context import ReportContext
from qualitapa.reporting._frames import numbers, period_table, pick
from qualitapa.reporting._i18n import gettext_noop as _
from qualitapa.reporting._views import Chart, Table, table


def _rank(ctx: ReportContext, value: Any) -> str:
    """A rank as an integer (a median of ranks may be a half: one decimal then)."""
    x = float(value) if value is not None and not pd.isna(value) else np.nan
    if not np.isfinite(x):
        return "–"
    return str(int(x)) if x.is_integer() else ctx.num(x, 1)


def _table(ctx: ReportContext, sub: pd.DataFrame, cols: dict[str, str | None]) -> Table:
    t = ctx.t
    keys = [("score", _("Punteggio")), ("rank", _("Posizione")),
            ("median", _("Posizione mediana"))]  # fmt: skip
    present = [(str(cols[k]), label) for k, label in keys if cols[k] is not None]
    org, low, high = str(cols["org"]), cols["low"], cols["high"]
    columns = [(t(_("Ente")), False), *((t(label), True) for _c, label in present)]
    if low is not None and high is not None:
        columns.append((t(_("Intervallo posizioni (5°-95°)")), True))
    rows = []
    for _i, r in sub.iterrows():
        row = [ctx.name(r[org])]
        row += [ctx.num(r[c]) if c == cols["score"] else _rank(ctx, r[c]) for c, _l in present]
        if low is not None and high is not None:
            row.append(f"{_rank(ctx, r[low])}–{_rank(ctx, r[high])}")
        rows.append(row)
    marks = ["highlight" if str(o) == ctx.highlight else "" for o in sub[org]]
    return table(columns, rows, classes=marks)


def _chart(ctx: ReportContext, sub: pd.DataFrame, cols: dict[str, str | None], label: str,
           data: Table) -> Chart | None:  # fmt: skip
    centre_col = cols["median"] or cols["rank"]
    low, high = cols["low"], cols["high"]
    if not (centre_col and low and high) or len(sub) < 2:
        return None
    t = ctx.t
    org = str(cols["org"])
    names = [ctx.name(o) for o in sub[org]]
    title = label
    mine = sub.loc[sub[org].astype(str) == ctx.highlight]
    description = str(t(_("Posizioni di {n} enti: 1 è la migliore."), n=len(sub)))
    if len(mine):
        title += " – " + str(t(_("in evidenza {name}"), name=ctx.name(ctx.highlight)))
        description += " " + str(t(_("{name}: posizione mediana {rank}, tra {low} e {high}."),
                                   name=ctx.name(ctx.highlight),
                                   rank=_rank(ctx, mine[centre_col].iloc[0]),
                                   low=_rank(ctx, mine[low].iloc[0]),
                                   high=_rank(ctx, mine[high].iloc[0])))  # fmt: skip
    build = functools.partial(
        charts.interval_chart, names, numbers(sub[centre_col]), numbers(sub[low]),
        numbers(sub[high]), xlabel=str(t(_("Posizione"))),
        highlight=(sub[org].astype(str) == ctx.highlight).to_numpy(), number=t.number,
    )  # fmt: skip
    caption = str(t(_("Posizione mediana e intervallo 5°-95° percentile delle posizioni "
                      "nell'analisi di incertezza")))  # fmt: skip
    return ctx.chart(build, title=title, description=description, caption=caption, data=data)


def _audit_of(ctx: ReportContext) -> Any:
    """The audit given with the uncertainty analysis, or on its own in ``extra``."""
    audit = getattr(ctx.tables.get("composite"), "audit", None)
    return audit if audit is not None else ctx.inputs.extra.get("composite_audit")


def _audit_from_values(ctx: ReportContext, gid: str | None) -> Any:
    """The audit of composite ``gid`` on the period's indicator values (None without them).

    A report made from result tables (``qualitapa report --results``) has the
    ranks but not the audit: the catalog's definition and the indicator
    values give it, as :func:`qualitapa.composite.composite_audit` would.
    """
    from qualitapa.composite import composite_audit

    values = ctx.tables.get("indicators")
    definition = getattr(ctx.catalog, "composites", {}).get(gid) if gid is not None else None
    if definition is None or not isinstance(values, pd.DataFrame) or "period" not in values:
        return None
    latest = values.loc[values["period"].astype(str) == str(ctx.period)]
    if latest.empty:
        return None
    return composite_audit(latest, definition, catalog=ctx.catalog)


def _this_period(ctx: ReportContext, frame: pd.DataFrame) -> pd.DataFrame:
    if "period" not in frame.columns:
        return frame
    return frame.loc[frame["period"].astype(str) == str(ctx.period)]


def _audit_tables(ctx: ReportContext, audit: Any, gid: str | None) -> list[Table]:
    """The dimensions' and the components' tables of the audit of composite ``gid``."""
    t = ctx.t
    dims = _this_period(ctx, audit.dimensions)
    roots = dims.loc[dims["level"] == 0, "dimension"].astype(str).tolist()
    root = gid or (roots[0] if roots else None)
    if root is None or (gid is not None and gid not in roots):
        return []
    definition = getattr(ctx.catalog, "composites", {}).get(root)
    labels = definition.labels(ctx.inputs.lang, ctx.catalog) if definition is not None else {}

    def name(key: Any) -> str:
        return labels.get(str(key)) or ctx.label_of("indicators", key)

    dim_table = table(
        [(t(_("Dimensione")), False), (t(_("Componenti")), True), (t(_("Enti")), True),
         (t(_("Alfa di Cronbach")), True),
         (t(_("Quota di varianza della prima componente principale")), True)],
        [[name(r["dimension"]), str(int(r["k"])), str(int(r["n"])), ctx.num(r["alpha"], 2),
          ctx.num(r["pc1_share"], 2)] for r in dims.to_dict("records")],
        caption=str(t(_("Coerenza interna delle dimensioni dell'indice: alfa di Cronbach e "
                        "quota di varianza spiegata dalla prima componente principale"))),
    )  # fmt: skip
    comps = _this_period(ctx, audit.table(t, labels))
    comp_table = table(
        [(t(_("Componente")), False), (t(_("Dimensione")), False),
         (t(_("Correlazione con la dimensione")), True),
         (t(_("Correlazione con l'indice")), True), (t(_("Segnalazioni")), False)],
        [[name(r["component"]), name(r["dimension"]), ctx.num(r["r_dimension"], 2),
          ctx.num(r["r_index"], 2), r["flags"] or "–"] for r in comps.to_dict("records")],
        caption=str(t(_("Correlazioni di ogni componente con la propria dimensione e con "
                        "l'indice, e segnalazioni"))),
    )  # fmt: skip
    return [dim_table, comp_table]


def build(ctx: ReportContext) -> dict[str, Any] | None:
    """One group per composite index: the chart of ranks and the table."""
    message = "composite must be an UncertaintyResult or a DataFrame"
    frame = period_table(ctx.tables, "composite", ctx.period, attr="ranks", message=message)
    if frame is None:
        return None
    cols = {
        "org": pick(frame, "organization"),
        "score": pick(frame, "score", "index", "value", "composite_score"),
        "rank": pick(frame, "rank"),
        "median": pick(frame, "median_rank", "rank_median", "rank_p50"),
        "low": pick(frame, "rank_p05", "rank_low", "rank_q05", "rank_lo", "p05"),
        "high": pick(frame, "rank_p95", "rank_high", "rank_q95", "rank_hi", "p95"),
    }
    if cols["org"] is None:
        raise DataError("the composite table needs an 'organization' column", column="organization")
    audit = _audit_of(ctx)
    group = pick(frame, "composite", "index_id")
    ids = list(dict.fromkeys(frame[group].astype(str))) if group else [None]
    groups = []
    for gid in ids:
        sub = frame if gid is None else frame.loc[frame[group].astype(str) == gid]
        order = cols["median"] or cols["rank"] or cols["score"]
        if order is not None:
            sub = sub.sort_values(order, ascending=order != cols["score"], na_position="last")
        label = ctx.label_of("composites", gid) if gid is not None else str(ctx.t(_("Indice")))
        data = _table(ctx, sub, cols)
        found = audit if audit is not None else _audit_from_values(ctx, gid)
        checks = _audit_tables(ctx, found, gid) if found is not None else []
        groups.append({"label": label if gid is not None else None, "audit": checks,
                       "chart": _chart(ctx, sub, cols, label, data), "table": data})  # fmt: skip
    return {"groups": groups}
