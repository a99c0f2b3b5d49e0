"""The home page: the quality system at a glance.

The cities with their standards met, charters in force and open improvement
actions; the latest composite indices; the news of the improvement plans;
links to every part of the portal; and the sections other kinds put on the
home page (``SiteSection(page="home")``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pandas as pd

from qualitapa.improvement import ActionStatus, action_titles
from qualitapa.models import Text
from qualitapa.site._city import charters_in_force, standards_met
from qualitapa.site._context import SiteContext
from qualitapa.site._model import Page, PageKind

#: How many improvement actions the home page shows (highest priority first).
NEWS_ACTIONS = 6

#: The portal's other parts the home page links to, when they were built.
_EXPLORE = (
    ("citta/index.html", Text("Le città", "The cities", "Die Städte"),
     Text("Carte dei servizi, standard, indagini, reclami, CAF e piano di ogni città.",
          "Each city's charters, standards, surveys, complaints, CAF and plan.",
          "Dienstleistungschartas, Standards, Umfragen, Beschwerden, CAF und Plan jeder Stadt.")),
    ("servizi/index.html", Text("I servizi", "The services", "Die Dienste"),
     Text("Gli indicatori di ogni servizio a confronto tra le città.",
          "Each service's indicators compared across the cities.",
          "Die Kennzahlen jedes Dienstes im Städtevergleich.")),
    ("metodologia/index.html", Text("Metodologia", "Methodology", "Methodik"),
     Text("Come si calcolano indicatori, indici, questionari e autovalutazioni.",
          "How indicators, indices, questionnaires and self-assessments are computed.",
          "Wie Kennzahlen, Indizes, Fragebögen und Selbstbewertungen berechnet werden.")),
    ("dati-aperti/index.html", Text("Dati aperti", "Open data", "Offene Daten"),
     Text("Le tabelle dei risultati da scaricare, con il loro schema.",
          "The result tables to download, with their schema.",
          "Die Ergebnistabellen zum Herunterladen, mit ihrem Schema.")),
)  # fmt: skip


def _open_actions(ctx: SiteContext) -> pd.DataFrame | None:
    plan = ctx.results.table("improvement_plan")
    if plan is None or not {"organization", "title"} <= set(plan.columns):
        return None
    if "status" in plan.columns:
        plan = plan[~plan["status"].astype("string").isin(["done", "cancelled"])]
    if "priority" in plan.columns:
        plan = plan.assign(priority=pd.to_numeric(plan["priority"], errors="coerce"))
        plan = plan.sort_values("priority", ascending=False, kind="stable", na_position="last")
    return plan[plan["organization"].isin(ctx.organizations)]


def city_rows(ctx: SiteContext) -> list[dict[str, Any]]:
    """One row per city: name, page, standards met, charters in force, open actions.

    Standards met are counted as the city page counts them
    (:func:`~qualitapa.site._city.standards_met`); the charters in force are
    the city page's on the build's reference date, by service.
    """
    actions = _open_actions(ctx)
    n_actions = actions["organization"].value_counts() if actions is not None else pd.Series()
    rows = []
    for org in ctx.organizations:
        done, measured, _year = standards_met(ctx, org)
        share = done / measured if measured else None
        met = ctx.t("{met} su {n}", met=done, n=measured) if measured else "–"
        rows.append({
            "name": ctx.org_name(org),
            "path": ctx.city_path(org),
            "met": met if share is None else f"{met} ({ctx.t.percent(share, 0)})",
            "share": None if share is None else share * 100,
            "charters": len({c.service for c in charters_in_force(ctx, org)}),
            "actions": int(n_actions.get(org, 0)),
        })  # fmt: skip
    return sorted(rows, key=lambda r: r["name"])


def composite_table(ctx: SiteContext) -> Mapping[str, Any] | None:
    """The latest composite indices: a row per city, a column per index ("value (rank)")."""
    ranks = ctx.results.table("composite_ranks")
    if ranks is None or not {"organization", "composite", "value"} <= set(ranks.columns):
        return None
    ranks = ranks[ranks["organization"].isin(ctx.organizations)]
    if "period" in ranks.columns:
        period = pd.to_numeric(ranks["period"], errors="coerce")
        ranks = ranks[period == period.max()]
    if ranks.empty:
        return None
    composites = sorted(ranks["composite"].dropna().unique())
    cells = {
        (str(r.organization), str(r.composite)): _index_cell(ctx, r.value, getattr(r, "rank", None))
        for r in ranks.itertuples(index=False)
    }
    orgs = sorted(ranks["organization"].unique(), key=ctx.org_name)
    rows = [[ctx.org_name(o), *(cells.get((o, c), "–") for c in composites)] for o in orgs]
    columns = [ctx.t("Città"), *(ctx.label(c, "composites") for c in composites)]
    return {"rows": rows, "columns": columns, "numeric": tuple(range(1, len(columns)))}


def _index_cell(ctx: SiteContext, value: object, rank: object) -> str:
    rank_number = pd.to_numeric(pd.Series([rank]), errors="coerce").iloc[0]
    if pd.isna(rank_number):
        return ctx.number(value, 1)
    return ctx.t("{valore} ({posizione}º)", valore=ctx.number(value, 1), posizione=int(rank_number))


def news(ctx: SiteContext) -> list[dict[str, str]]:
    """The open improvement actions of highest priority, with their city and status."""
    actions = _open_actions(ctx)
    if actions is None:
        return []
    statuses = {m.value: ctx.t.text(m.label) for m in ActionStatus}
    top = actions.head(NEWS_ACTIONS)
    top = top.assign(title=action_titles(top, ctx.lang))  # the reader's language where given
    out = []
    for row in top.itertuples(index=False):
        out.append({"title": str(row.title), "city": ctx.org_name(row.organization),
                    "path": ctx.city_path(row.organization),
                    "status": statuses.get(str(getattr(row, "status", "")), "–")})  # fmt: skip
    return out


def build_home(ctx: SiteContext) -> Iterator[Page]:
    """The home page (``index.html``) of ``ctx``'s language."""
    t = ctx.t
    rows = city_rows(ctx)
    bars = [(r["name"], r["share"]) for r in rows if r["share"] is not None]
    yield Page(
        path="index.html",
        title=t("Sistema Qualità"),
        template="home.html.j2",
        context={
            "cities": rows,
            "met_bars": bars,
            "composites": composite_table(ctx),
            "news": news(ctx),
            "reference_date": ctx.date(ctx.reference_date),
            "explore": [(path, t.text(title), t.text(text)) for path, title, text in _EXPLORE],
            "sections": ctx.sections("home", ""),
        },
        summary=t(
            "Il sistema qualità dei servizi comunali: indicatori, carte dei servizi, "
            "indagini, autovalutazioni e piani di miglioramento."
        ),
        keywords=tuple(r["name"] for r in rows),
    )


#: The home page kind.
HOME = PageKind(id="home", title=Text("Pagina iniziale", en="Home", de="Startseite"), order=0,
                build=build_home)  # fmt: skip
