"""The CAF self-assessment section: the nine criteria as a dot chart and the score table."""

from __future__ import annotations

from typing import Any

from qualitapa.errors import DataError
from qualitapa.reporting import _charts as charts
from qualitapa.reporting._context import ReportContext
from qualitapa.reporting._frames import is_missing, numbers, pick
from qualitapa.reporting._i18n import gettext_noop as _
from qualitapa.reporting._views import table

#: Rows of caf_scores that are not criteria: their names (Italian msgids).
_LEVELS = {"enablers": _("Fattori abilitanti"), "results": _("Risultati"), "total": _("Totale")}


def build(ctx: ReportContext) -> dict[str, Any] | None:
    """The dot chart of the criteria (from three on) and the table of every level."""
    frame = ctx.tables.get("caf")
    if frame is None:
        return None
    t = ctx.t
    if not {"level", "id", "score"} <= set(frame.columns):
        raise DataError("the CAF table needs the columns level, id, score (see caf_scores)")
    title = pick(frame, f"title_{ctx.lang}", "title_it", "title")
    columns = [(t(_("Criterio")), False), (t(_("Punteggio")), True)]
    columns += [(t(_("Punti")), True)] if "points" in frame.columns else []
    rows, marks = [], []
    for _i, r in frame.iterrows():
        is_crit = str(r["level"]) == "criterion"
        key = str(r["id"])
        name = (str(r[title]) if title and not is_missing(r[title])
                else str(t(_LEVELS[key])) if key in _LEVELS else key)  # fmt: skip
        row = [f"{key}. {name}" if is_crit else name, ctx.num(r["score"], 1)]
        if "points" in frame.columns:
            row.append(ctx.num(r["points"], 0))
        rows.append(row)
        marks.append("" if is_crit else "highlight")
    data = table(columns, rows, classes=marks)
    crit = frame.loc[frame["level"].astype(str) == "criterion"]
    chart = None
    if len(crit) >= 3:
        labels = [rows[i][0] for i, lvl in enumerate(frame["level"].astype(str))
                  if lvl == "criterion"]  # fmt: skip
        scores = numbers(crit["score"])
        previous = numbers(crit["previous"]) if "previous" in crit.columns else None
        description = str(
            t(
                _("Punteggi dei criteri da {low} a {high} su 100."),
                low=ctx.num(scores.min(), 1),
                high=ctx.num(scores.max(), 1),
            )
        )
        chart = ctx.chart(
            lambda: charts.radar_chart(
                labels, scores, previous=previous, label=str(t(_("Punteggio"))),
                previous_label=str(t(_("Valore precedente"))),
            ),
            title=str(t(_("Autovalutazione CAF"))), description=description, data=data,
            caption=str(t(_("Punteggi dei 9 criteri CAF (0-100)"))),
        )  # fmt: skip
    return {"chart": chart, "table": data}
