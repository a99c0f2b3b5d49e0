"""The home page: the quality system at a glance.

The cities with their standards met, charters in force and open improvement
actions; the latest composite indices; the news of the improvement plans;
links to every part of the portal; and the sections other kinds put on the
home page (``SiteSection(page="home")``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any

import pandas as pd

from qualitapa.models import Text
from qualitapa.site._context import SiteContext
from qualitapa.site._model import Page, PageKind

#: How many improvement actions the home page shows (highest priority first).
NEWS_ACTIONS = 6

#: An action's status in words (:class:`qualitapa.improvement.ActionStatus`).
_STATUS = {"proposed": Text("proposta", "proposed", "vorgeschlagen"),
           "planned": Text("pianificata", "planned", "geplant"),
           "in_progress": Text("in corso", "in progress", "laufend"),
           "on_hold": Text("sospesa", "on hold", "ausgesetzt"),
           "done": Text("conclusa", "done", "abgeschlossen"),
           "cancelled": Text("annullata", "cancelled", "abgebrochen")}  # fmt: skip

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


def _flag(value: object) -> bool | None:
    """A ``met`` cell as a truth value (CSV text or bool); None when missing."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return None
    text = str(value).strip().lower()
    if text in ("true", "1", "1.0", "yes"):
        return True
    if text in ("false", "0", "0.0", "no"):
        return False
    return None


def standards_met(ctx: SiteContext) -> dict[str, tuple[int, int]]:
    """Organization -> (standards met, standards measured) in its latest period.

    From ``charter_compliance``: rows whose ``met`` is missing (not measured)
    are not counted.
    """
    table = ctx.results.table("charter_compliance")
    if table is None or not {"organization", "met"} <= set(table.columns):
        return {}
    table["met"] = table["met"].map(_flag)
    table = table[table["met"].notna()]
    if "period" in table.columns:
        period = pd.to_numeric(table["period"], errors="coerce")
        latest = period.groupby(table["organization"]).transform("max")
        table = table[period == latest]
    counts = table.groupby("organization")["met"].agg(["sum", "count"])
    return {str(o): (int(r["sum"]), int(r["count"])) for o, r in counts.iterrows()}


def charters_in_force(ctx: SiteContext, org: str, day: dt.date | None = None) -> int:
    """How many services of ``org`` have a charter in force on ``day`` (default today).

    A charter counts when the organization publishes it (its
    :class:`~qualitapa.standards.CharterContent`), it is in force on the day
    and it is not a draft (drafts count in the members' build only).
    """
    day = dt.date.today() if day is None else day
    contents = getattr(ctx.catalog, "charter_content", {})
    charters = getattr(ctx.catalog, "charters", {})
    services = set()
    for content in contents.values():
        if content.organization != org or content.charter not in charters:
            continue
        charter = content.apply(charters[content.charter])
        draft = str(charter.status) == "draft"
        if charter.is_valid_on(day) and (ctx.members or not draft):
            services.add(charter.service)
    return len(services)


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
    """One row per city: name, page, standards met, charters in force, open actions."""
    met = standards_met(ctx)
    actions = _open_actions(ctx)
    n_actions = actions["organization"].value_counts() if actions is not None else pd.Series()
    rows = []
    for org in ctx.organizations:
        done, measured = met.get(org, (0, 0))
        rows.append({
            "name": ctx.org_name(org),
            "path": ctx.city_path(org),
            "met": ctx.t("{met} su {n}", met=done, n=measured) if measured else "–",
            "share": done / measured * 100 if measured else None,
            "charters": charters_in_force(ctx, org),
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
    out = []
    for row in actions.head(NEWS_ACTIONS).itertuples(index=False):
        status = _STATUS.get(str(getattr(row, "status", "")))
        out.append({"title": str(row.title), "city": ctx.org_name(row.organization),
                    "path": ctx.city_path(row.organization),
                    "status": ctx.t.text(status) if status is not None else "–"})  # fmt: skip
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
