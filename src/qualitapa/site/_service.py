"""The service pages of the portal: the indicators of a service across the cities.

* ``servizi/index.html`` - the catalog's services that have results;
* ``servizi/<service>.html`` - per indicator of the service (and of its
  sub-services): label, unit and polarity in words; the latest period across
  the cities (a table and a bar chart, the best performers of each peer group
  said in words); the trend of each city (direction and significance in words,
  a line chart of the values over the years); then the composite indices and
  the DEA efficiency scores of the service when the results have them, and
  the sections other capabilities add with ``page="service"``.

Only comparable indicators enter the comparisons: an indicator whose rows of
the latest period all lack a comparison (the benchmark's ``comparison``
column: ``local_indicator``, ``too_few_compared``, ``no_peer_group``...) is
listed apart with the reason in words and its values, never ranked nor
called best. Ranks and best performers are those of the benchmark table
(:func:`qualitapa.indicators.benchmark`), shown as they are, never recomputed.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

import pandas as pd

from qualitapa.i18n import N_, unit
from qualitapa.models import Text
from qualitapa.reporting import CODE_WORDS
from qualitapa.site import _cells as cells
from qualitapa.site._charts import bar_chart, line_chart
from qualitapa.site._methodology import INDICATORS_PATH, indicator_anchor
from qualitapa.site._model import Page, PageKind

if TYPE_CHECKING:
    from qualitapa.i18n import Unit
    from qualitapa.site._context import SiteContext

#: The kind's menu label, also the services' page in the breadcrumbs.
SERVICES = Text("Servizi", "Services", "Dienste")

#: Why a benchmark row has no rank (its ``comparison`` code) -> words (Italian msgid).
COMPARISON_WORDS: Mapping[str, str] = {
    "no_value": N_("valore mancante"),
    "no_peer_group": N_("ente senza gruppo di confronto"),
    "local_indicator": N_("indicatore locale: misurato da un solo ente, senza confronto"),
    "too_few_compared": N_("troppo pochi enti con un valore per un confronto"),
    "all_equal": N_("tutti gli enti hanno lo stesso valore: nessun migliore"),
}

#: Of the reasons an indicator is not compared, the one said (the first found).
_REASON_ORDER = ("local_indicator", "too_few_compared", "no_peer_group", "no_value")
_COMPARABLE = ("compared", "all_equal")
_SIGNIFICANT = ("improving", "worsening", "increasing", "decreasing")


# -- small helpers ----------------------------------------------------------------------
def _unit(definition: object) -> Unit | None:
    code = getattr(definition, "unit", "") or ""
    return unit(code) if code else None


def _unit_word(ctx: SiteContext, u: Unit | None) -> str:
    """The unit after a number in a chart (``minuti``, ``%``); "" for a count."""
    if u is None or u.style == "bare":
        return ""
    return ctx.t.unit(u)


def _header_unit(ctx: SiteContext, u: Unit | None) -> str:
    """The unit a table's header names (the cells carry numbers); "" for a percentage or a count."""
    if u is None or u.style in ("bare", "percent"):
        return ""
    return ctx.t.unit(u)


def _value_text(ctx: SiteContext, value: object, u: Unit | None) -> str:
    """A value in a cell: ``41,1%`` for a percentage, else the number (its unit in the header)."""
    x = cells.number(value)
    if x is None:
        return "–"
    return ctx.t.quantity(x, u) if u is not None and u.style == "percent" else ctx.number(x)


def _period(value: object) -> str:
    x = cells.number(value)
    return "" if x is None else str(int(x))


def _family(ctx: SiteContext, service: str) -> list[str]:
    """``service`` and its sub-services (the catalog's tree), the service first."""
    services = ctx.catalog.services
    out = [service]
    for sid, obj in services.items():
        parent = getattr(obj, "parent", None)
        seen = {sid}
        while parent is not None and parent not in seen:
            if parent == service:
                out.append(sid)
                break
            seen.add(parent)
            parent = getattr(services.get(parent), "parent", None)
    return out


def _by(ctx: SiteContext, name: str, column: str) -> dict[str, pd.DataFrame]:
    """The site's organizations' rows of a results table, by ``column`` (read once per language)."""

    def split() -> dict[str, pd.DataFrame]:
        table = ctx.results.table(name)
        if table is None or column not in table.columns:
            return {}
        table = _selected(ctx, table)
        return {str(k): g for k, g in table.groupby(table[column].astype("string"), sort=False)}

    # language-free: split once for every language of the build
    key = f"service:{name}:{column}:{','.join(ctx.organizations)}"
    found: dict[str, pd.DataFrame] = ctx.results.memo(key, split)
    return found


def _rows_by(ctx: SiteContext, name: str, column: str, keys: Sequence[str]) -> pd.DataFrame:
    """The rows of a results table whose ``column`` is one of ``keys``; empty when none."""
    groups = _by(ctx, name, column)
    found = [groups[k] for k in keys if k in groups]
    return pd.concat(found) if found else pd.DataFrame()


def _rows_of(frame: pd.DataFrame | None, column: str, keys: Sequence[str]) -> pd.DataFrame:
    """The rows of ``frame`` whose ``column`` is one of ``keys`` (codes as text)."""
    if frame is None or column not in frame.columns:
        return pd.DataFrame()
    keep = frame[column].astype("string").isin(list(keys)).fillna(False).to_numpy()
    return frame.loc[keep]


def _selected(ctx: SiteContext, frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of the site's organizations (all rows when the site names none)."""
    if frame.empty or "organization" not in frame.columns or not ctx.organizations:
        return frame
    return _rows_of(frame, "organization", ctx.organizations)


def peer_group_name(ctx: SiteContext, group: object) -> str:
    """A peer group (a class of a catalog peer group, or a peer group id) in words.

    Examples
    --------
    >>> from qualitapa import hookimpl
    >>> from qualitapa.catalog import Catalog
    >>> from qualitapa.models import PeerGroup
    >>> from qualitapa.site._context import Results, SiteContext
    >>> class Groups:
    ...     @hookimpl
    ...     def qualitapa_peer_groups(self):
    ...         return [PeerGroup("size", "Classe demografica", breaks=(500000,),
    ...                 labels=("medium", "large"),
    ...                 class_labels={"medium": {"it": "città fino a 500.000 abitanti"}})]
    >>> catalog = Catalog.build([("groups", Groups())], entrypoints=False)
    >>> ctx = SiteContext(results=Results("."), catalog=catalog, organizations=())
    >>> peer_group_name(ctx, "medium"), peer_group_name(ctx, "size"), peer_group_name(ctx, None)
    ('città fino a 500.000 abitanti', 'Classe demografica', '')
    """
    if cells.missing(group):
        return ""
    name = str(group)
    groups = ctx.catalog.peer_groups
    if name in groups:
        return ctx.t.text(groups[name].label)
    for pg in groups.values():
        if name in pg.class_labels or name in pg.labels:
            return ctx.t.text(pg.class_label(name))
    return name


def _city_key(ctx: SiteContext, org: object) -> tuple[str, str]:
    return (ctx.org_name(org), str(org))


# -- an indicator across the cities -----------------------------------------------------
def _codes(frame: pd.DataFrame) -> pd.Series:
    """Each row's ``comparison`` code; without the column, "compared" where there is a rank."""
    if "comparison" in frame.columns:
        return frame["comparison"].astype("string").fillna("no_value")
    codes = pd.Series("no_value", index=frame.index, dtype="string")
    if "rank" in frame.columns:
        codes[pd.to_numeric(frame["rank"], errors="coerce").notna().to_numpy()] = "compared"
    return codes


def _sorted_rows(ctx: SiteContext, frame: pd.DataFrame) -> pd.DataFrame:
    """The rows by peer group, rank (unranked last) and city name: the input order is irrelevant."""
    n = len(frame)
    groups = frame["peer_group"].tolist() if "peer_group" in frame.columns else [None] * n
    ranks = frame["rank"].tolist() if "rank" in frame.columns else [None] * n
    orgs = frame["organization"].tolist()

    def key(k: int) -> tuple[str, bool, float, str, str]:
        rank = cells.number(ranks[k])
        org = orgs[k]
        return (
            peer_group_name(ctx, groups[k]),
            rank is None,
            rank or 0.0,
            ctx.org_name(org),
            str(org),
        )

    return frame.iloc[sorted(range(n), key=key)]


def comparison_view(ctx: SiteContext, definition: Any, rows: pd.DataFrame) -> dict[str, Any] | None:
    """An indicator's latest period across the cities, as the page shows it.

    ``rows`` are the benchmark rows of one indicator. Returns None when
    there are none; ``comparable`` is False when no row of the latest
    period was compared (then ``reason`` says why, and no row is ranked
    or best).
    """
    t = ctx.t
    current, period = cells.latest(rows)
    if current.empty:
        return None
    current = _sorted_rows(ctx, current)
    codes = _codes(current)
    comparable = bool(codes.isin(_COMPARABLE).any())
    u = _unit(definition)
    has_groups = "peer_group" in current.columns and current["peer_group"].notna().any()
    out_rows = []
    records: list[dict[str, Any]] = cells.records(current)
    for row, code in zip(records, codes, strict=True):
        ranked = comparable and code in _COMPARABLE and cells.number(row.get("rank")) is not None
        best = ranked and code == "compared" and cells.flag(row.get("is_best")) is True
        note = COMPARISON_WORDS.get(str(code), "") if code != "compared" else ""
        if best:
            note = N_("migliore del gruppo") if has_groups else N_("migliore")
        out_rows.append(
            {
                "city": ctx.org_name(row["organization"]),
                "path": ctx.city_path(row["organization"]),
                "group": peer_group_name(ctx, row.get("peer_group")),
                "value": cells.number(row.get("value")),
                "value_text": _value_text(ctx, row.get("value"), u),
                "rank": t(
                    "{rank} su {n}", rank=int(row["rank"]), n=int(cells.number(row.get("n")) or 0)
                )
                if ranked and cells.number(row.get("n"))
                else ("–" if comparable else ""),
                "best": best,
                "note": t(note) if note else "",
            }
        )
    reasons = [c for c in _REASON_ORDER if (codes == c).any()]
    best = [r for r in out_rows if r["best"]]
    names = [f"{r['city']} ({r['group']})" if r["group"] else r["city"] for r in best]
    best_text = ""
    if best:
        best_text = t.plural(
            "Migliore nel {period}: {names}.",
            "Migliori nel {period}: {names}.",
            len(names),
            period=period,
            names=t.join(names),
        )
    elif comparable and (codes == "all_equal").any():
        best_text = t(COMPARISON_WORDS["all_equal"]).capitalize() + "."
    return {
        "period": "" if period is None else str(period),
        "comparable": comparable,
        "has_groups": bool(has_groups),
        "rows": out_rows,
        "reason": t(COMPARISON_WORDS[reasons[0]]) if reasons and not comparable else "",
        "best": best,
        "best_text": best_text,
    }


def _bar(ctx: SiteContext, view: Mapping[str, Any], title: str, u: Unit | None) -> Any:
    rows = view["rows"]
    if header := _header_unit(ctx, u):
        title = f"{title} ({header})"
    return bar_chart(
        [r["city"] for r in rows],
        [r["value"] for r in rows],
        title=title,
        unit="%" if u is not None and u.style == "percent" else "",
        highlight=[r["city"] for r in rows if r["best"]],
        highlight_label=ctx.t("migliore"),
        lang=ctx.lang,
    )


def _significance(ctx: SiteContext, code: str, p_value: object) -> str:
    """The trend's significance in words, with its p-value."""
    p = cells.number(p_value)
    if p is None or code == "insufficient_data":
        return ""
    p_text = ("< " + ctx.number(0.001, 3)) if p < 0.001 else ("= " + ctx.number(p, 3))
    if code in _SIGNIFICANT:
        return ctx.t("statisticamente significativa (p {p})", p=p_text)
    return ctx.t("non significativa (p {p})", p=p_text)


def trend_view(
    ctx: SiteContext, definition: Any, trends: pd.DataFrame, values: pd.DataFrame
) -> dict[str, Any] | None:
    """Each city's trend of an indicator in words, and its values over the years as a chart."""
    t = ctx.t
    u = _unit(definition)
    rows = []
    if not trends.empty:
        records = cells.records(trends)
        for row in sorted(records, key=lambda r: _city_key(ctx, r["organization"])):
            code = str(row.get("trend", ""))
            first, last = _period(row.get("first_period")), _period(row.get("last_period"))
            slope = cells.number(row.get("slope"))
            rows.append(
                {
                    "city": ctx.org_name(row["organization"]),
                    "periods": f"{first}–{last}" if first and last and first != last else last,
                    "direction": t(CODE_WORDS[code]) if code in CODE_WORDS else "–",
                    "significance": _significance(ctx, code, row.get("p_value")),
                    "slope": t.signed(slope) if slope is not None else "–",
                }
            )
    chart = None
    if not values.empty and {"period", "value"} <= set(values.columns):
        by_org: dict[str, list[tuple[float, float | None]]] = {}
        for org, p, y in zip(
            values["organization"], values["period"], values["value"], strict=True
        ):
            if (x := cells.number(p)) is not None:
                by_org.setdefault(str(org), []).append((x, cells.number(y)))
        series = {
            ctx.org_name(org): sorted(by_org[org], key=lambda p: p[0])
            for org in sorted(by_org, key=lambda o: _city_key(ctx, o))
        }
        if any(len(s) > 1 for s in series.values()):
            title = t("{indicator}: andamento per città", indicator=ctx.t.text(definition.label))
            chart = line_chart(series, title=title, unit=_unit_word(ctx, u), lang=ctx.lang)
    if not rows and chart is None:
        return None
    # a percentage's yearly change is in percentage points
    change_unit = t("punti percentuali") if u is not None and u.style == "percent" else ""
    return {"rows": rows, "chart": chart, "unit": change_unit or _header_unit(ctx, u)}


# -- composite indices and DEA ----------------------------------------------------------
def _top_level(frame: pd.DataFrame) -> pd.DataFrame:
    """The index's own rows of a composite table (``level`` 0), all rows without the column."""
    if frame.empty or "level" not in frame.columns:
        return frame
    return frame.loc[(pd.to_numeric(frame["level"], errors="coerce") == 0).to_numpy()]


def composite_view(ctx: SiteContext, composite: Any) -> dict[str, Any] | None:
    """A composite index's latest values and ranks (with their interval when simulated)."""
    t = ctx.t
    ranks, source = pd.DataFrame(), ("composite_ranks", "composite")
    for source in (("composite_ranks", "composite"), ("composite_scores", "composite"),
                   ("composite_scores", "index")):  # fmt: skip
        ranks = _top_level(_rows_by(ctx, *source, [composite.id]))
        if not ranks.empty:
            break
    current, period = cells.latest(ranks)
    if current.empty or "value" not in current.columns:
        return None
    # "rank of n": n is every organization ranked, not only the site's (a one-city site
    # would say "4 su 1")
    every = _top_level(_rows_of(ctx.results.table(source[0]), source[1], [composite.id]))
    if period is not None and "period" in every.columns:
        every = every.loc[(pd.to_numeric(every["period"], errors="coerce") == period).to_numpy()]
    n = int(pd.to_numeric(every["value"], errors="coerce").notna().sum())
    current = _sorted_rows(ctx, current)
    rows: list[dict[str, Any]] = []
    for row in cells.records(current):
        rank, low, high = (cells.number(row.get(c)) for c in ("rank", "rank_p05", "rank_p95"))
        interval = ""
        if low is not None and high is not None:  # the simulated positions, outward
            low_, high_ = math.floor(low), math.ceil(high)
            interval = f"{low_}–{high_}" if low_ != high_ else str(low_)
        rows.append(
            {
                "city": ctx.org_name(row["organization"]),
                "path": ctx.city_path(row["organization"]),
                "value": cells.number(row.get("value")),
                "value_text": ctx.number(row.get("value"), 1),
                "rank": t("{rank} su {n}", rank=int(rank), n=n) if rank is not None else "–",
                "interval": interval,
            }
        )
    label = t.text(composite.label)
    chart = bar_chart(
        [r["city"] for r in rows], [r["value"] for r in rows], title=label, lang=ctx.lang, digits=1
    )
    return {
        "id": "indice-" + _anchor(composite.id),
        "label": label,
        "description": t.text(getattr(composite, "description", None)),
        "period": "" if period is None else str(period),
        "rows": rows,
        "chart": chart,
        "intervals": any(r["interval"] for r in rows),
    }


def dea_view(ctx: SiteContext, family: Sequence[str]) -> dict[str, Any] | None:
    """The DEA efficiency scores of the service's latest period, one table per (sub-)service.

    A DEA compares the cities on one service's inputs and outputs: the
    scores of two sub-services are two analyses and are never pooled in
    one ranking (a service and its sub-services each get their table).
    """
    found = [s for s in family if not _rows_by(ctx, "dea_scores", "service", [s]).empty]
    several = len(found) > 1  # then each table says its service
    groups = [g for s in found if (g := _dea_group(ctx, s, several=several)) is not None]
    return {"groups": groups} if groups else None


def _dea_group(ctx: SiteContext, service: str, *, several: bool) -> dict[str, Any] | None:
    """One service's DEA table and chart (its latest period); None without scores."""
    t = ctx.t
    current, period = cells.latest(_rows_by(ctx, "dea_scores", "service", [service]))
    score_col = "efficiency" if "efficiency" in current.columns else "score"
    if current.empty or score_col not in current.columns:
        return None
    current = _sorted_rows(
        ctx, current.assign(rank=-pd.to_numeric(current[score_col], errors="coerce").round(6))
    )
    rows: list[dict[str, Any]] = []
    for row in cells.records(current):
        org = str(row["organization"])
        peers = [
            p for p in str(row.get("peers") or "").split(";") if p and p != org and p != "<NA>"
        ]
        status = str(row.get("status", ""))
        score = cells.number(row.get(score_col))
        rows.append(
            {
                "city": ctx.org_name(org),
                "path": ctx.city_path(org),
                "value": None if score is None else score * 100,
                "value_text": t.percent(score, 1) if score is not None else "–",
                "status": t(CODE_WORDS[status]) if status in CODE_WORDS else "–",
                "peers": t.join(sorted(ctx.org_name(p) for p in peers)),
            }
        )
    title = t("Efficienza relativa (DEA)")
    caption = t("Efficienza relativa nel {period}", period="" if period is None else period)
    if several:
        name = ctx.service_name(service)
        title, caption = f"{title} – {name}", f"{caption} – {name}"
    chart = bar_chart(
        [r["city"] for r in rows],
        [r["value"] for r in rows],
        title=title,
        unit="%",
        lang=ctx.lang,
        digits=1,
    )
    return {"caption": caption, "rows": rows, "chart": chart}


# -- pages ------------------------------------------------------------------------------
def _anchor(item_id: str) -> str:
    """An HTML id from a catalog id (``registry.average_wait`` -> ``registry-average_wait``)."""
    return "".join(c if c.isalnum() or c in "_-" else "-" for c in item_id.lower())


def _indicator_rows(ctx: SiteContext, family: Sequence[str]) -> dict[str, pd.DataFrame]:
    """The benchmark rows of each indicator of ``family`` with results, in catalog order."""
    groups = _by(ctx, "indicator_benchmark", "indicator")
    order = {s: k for k, s in enumerate(family)}
    own = [
        (order[d.service], k, iid)
        for k, (iid, d) in enumerate(ctx.catalog.indicators.items())
        if d.service in order and iid in groups
    ]
    return {iid: groups[iid] for _, _, iid in sorted(own)}


def _indicator_item(ctx: SiteContext, iid: str, rows: pd.DataFrame) -> dict[str, Any] | None:
    """What the page shows of one indicator (the same on the service's and its parent's page)."""
    t = ctx.t
    definition = ctx.catalog.indicators[iid]
    view = comparison_view(ctx, definition, rows)
    if view is None:
        return None
    u = _unit(definition)
    label = t.text(definition.label)
    values = _by(ctx, "indicator_values", "indicator")
    chart = None
    if view["comparable"]:
        title = t("{indicator} nel {period}", indicator=label, period=view["period"])
        chart = _bar(ctx, view, title, u)
    return {
        "id": _anchor(iid),
        "label": label,
        "definition": f"{INDICATORS_PATH}#{indicator_anchor(iid)}",
        "unit": t.unit(u) if u is not None else "",
        "value_unit": _header_unit(ctx, u),
        "polarity": t(CODE_WORDS.get(definition.polarity.value, definition.polarity.value)),
        "description": t.text(definition.description),
        "view": view,
        "chart": chart,
        "trend": trend_view(
            ctx,
            definition,
            _rows_by(ctx, "indicator_trends", "indicator", [iid]),
            values.get(iid, rows) if values else rows,
        ),
    }


def service_view(ctx: SiteContext, service: str) -> dict[str, Any] | None:
    """Everything the page of ``service`` shows; None when the results say nothing of it."""
    t = ctx.t
    family = _family(ctx, service)
    compared: list[dict[str, Any]] = []
    apart: list[dict[str, Any]] = []
    for iid, rows in _indicator_rows(ctx, family).items():
        found = ctx.memo(f"service:indicator:{iid}", partial(_indicator_item, ctx, iid, rows))
        if found is None:
            continue
        definition = ctx.catalog.indicators[iid]
        sub = ctx.service_name(definition.service) if definition.service != service else ""
        item = {**found, "service": sub}
        (compared if item["view"]["comparable"] else apart).append(item)
    composites = [
        v
        for c in ctx.catalog.composites.values()
        if c.service in family and (v := composite_view(ctx, c)) is not None
    ]
    dea = dea_view(ctx, family)
    sections = ctx.sections("service", service)
    if not (compared or apart or composites or dea or sections):
        return None
    return {
        "service": service,
        "name": ctx.service_name(service),
        "description": t.text(getattr(ctx.catalog.services[service], "description", None)),
        "compared": compared,
        "apart": apart,
        "composites": composites,
        "dea": dea,
        "sections": sections,
    }


def _crumbs(ctx: SiteContext, service: str) -> tuple[tuple[str, str], ...]:
    crumbs = [(ctx.t.text(SERVICES), "servizi/index.html")]
    parent = getattr(ctx.catalog.services[service], "parent", None)
    chain = []
    while parent is not None and parent in ctx.catalog.services and parent not in chain:
        chain.append(parent)
        parent = getattr(ctx.catalog.services[parent], "parent", None)
    crumbs += [(ctx.service_name(p), ctx.service_path(p)) for p in reversed(chain)]
    return tuple(crumbs)


def _counts(ctx: SiteContext, view: Mapping[str, Any]) -> list[str]:
    """What a service's page has, in words (``12 indicatori a confronto``), nothing for none."""
    t = ctx.t
    words = (
        ("compared", N_("{n} indicatore a confronto"), N_("{n} indicatori a confronto")),
        (
            "apart",
            N_("{n} indicatore locale o non confrontabile"),
            N_("{n} indicatori locali o non confrontabili"),
        ),
        ("composites", N_("{n} indice sintetico"), N_("{n} indici sintetici")),
    )
    return [t.plural(one, many, len(view[k])) for k, one, many in words if view[k]]


def _index_key(ctx: SiteContext, service: str) -> tuple[str, int, str]:
    """Services by name, each sub-service right after its parent."""
    parent = getattr(ctx.catalog.services[service], "parent", None)
    if parent is not None and parent in ctx.catalog.services:
        return (ctx.service_name(parent).casefold(), 1, ctx.service_name(service).casefold())
    return (ctx.service_name(service).casefold(), 0, "")


def build_service_pages(ctx: SiteContext) -> Iterator[Page]:
    """The pages of the service kind: the services with results, one page per service."""
    t = ctx.t
    views = {s: v for s in ctx.catalog.services if (v := service_view(ctx, s)) is not None}
    listed = []
    for sid in sorted(views, key=lambda s: _index_key(ctx, s)):
        view = views[sid]
        parent = getattr(ctx.catalog.services[sid], "parent", None)
        listed.append(
            {
                "name": view["name"],
                "path": ctx.service_path(sid),
                "description": view["description"],
                "parent": ctx.service_name(parent) if parent in views else "",
                "counts": _counts(ctx, view),
            }
        )
    yield Page(
        path="servizi/index.html",
        title=t("I servizi"),
        template="services.html.j2",
        context={"services": listed},
        summary=t(
            "Gli indicatori dei servizi a confronto tra le città: valori, migliori, tendenze."
        ),
    )
    for sid, view in views.items():
        yield Page(
            path=ctx.service_path(sid),
            title=view["name"],
            template="service.html.j2",
            context=view,
            summary=t(
                "{service}: gli indicatori a confronto tra le città, le tendenze e gli indici "
                "sintetici.",
                service=view["name"],
            ),
            keywords=(view["name"], *(i["label"] for i in view["compared"] + view["apart"])),
            breadcrumbs=_crumbs(ctx, sid),
        )


#: The service kind (menu order 30).
SERVICE_KIND = PageKind(id="service", title=SERVICES, order=30, build=build_service_pages)
