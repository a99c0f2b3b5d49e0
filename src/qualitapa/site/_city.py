"""The city pages of the portal: the cities, each city's page and its service charters.

* ``citta/index.html`` - the cities of the site (name, province, region);
* ``citta/<slug>.html`` - one page per organization, made of
  :class:`~qualitapa.site.SiteSection` blocks with ``page="city"`` (so plugins
  and the programme add theirs the same way): its service charters, the
  standards of the charters against their targets, the satisfaction indices
  with their intervals, the complaint KPIs, the CAF self-assessment and the
  improvement plan; a section whose table is not in the results is left out;
* ``citta/<slug>/carta-<charter>.html`` - each charter as the library renders
  it (:func:`qualitapa.standards.render_html`) inside the site's layout, with
  its previous versions. A draft charter is a members' page and is not
  listed on the public city page.

A city's charters are the catalog's charters the city gives its own content
for (:class:`~qualitapa.standards.CharterContent`: status, version, approval
act). The CAF scores name their city in an ``organization`` column (a table
without it is refused, never credited to a city by guess). The complaint
KPIs and the NPS are the city's latest period's, and the page says which.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pandas as pd
from markupsafe import Markup

from qualitapa.errors import DataError, Message
from qualitapa.i18n import N_
from qualitapa.improvement import ActionSource, ActionStatus, action_titles
from qualitapa.models import Text
from qualitapa.site import _cells as cells
from qualitapa.site._model import Page, PageKind, SectionBuilder, SiteSection

if TYPE_CHECKING:
    from qualitapa.i18n import Unit
    from qualitapa.site._context import SiteContext
    from qualitapa.standards import Charter


#: Rows of caf_scores that are not criteria: their names (as the report names them).
_CAF_LEVELS = {
    "enablers": N_("Fattori abilitanti"),
    "results": N_("Risultati"),
    "total": N_("Totale"),
}


# -- tables -----------------------------------------------------------------------------
def _by_organization(frame: pd.DataFrame | None) -> dict[str, pd.DataFrame]:
    """The rows of each organization (codes compared as text); {} without the column."""
    if frame is None or "organization" not in frame.columns:
        return {}
    key = frame["organization"].astype("string").fillna("").to_numpy()
    return {str(org): rows for org, rows in frame.groupby(key, sort=False)}


def _own(ctx: SiteContext, name: str, org: str) -> pd.DataFrame | None:
    """The rows of ``org`` in the table ``name``; None when there are none.

    Each table is split by organization once for the whole build (every
    city and language reads its part): treat the rows as read-only.
    """
    split = ctx.results.memo(f"city:{name}", lambda: _by_organization(ctx.results.table(name)))
    rows: pd.DataFrame | None = split.get(org)
    return rows


def interval_text(
    ctx: SiteContext, value: object, low: object, high: object, digits: int = 1
) -> str:
    """``67,6 [65,9–69,3]``: a value with its interval in the page's language.

    Examples
    --------
    >>> from qualitapa.catalog import default_catalog
    >>> from qualitapa.site._context import Results, SiteContext
    >>> ctx = SiteContext(results=Results("."), catalog=default_catalog(), organizations=())
    >>> interval_text(ctx, 67.5955, 65.8922, 69.2989), interval_text(ctx, 67.5955, None, 1)
    ('67,6 [65,9–69,3]', '67,6')
    """
    text = ctx.number(value, digits)
    lo, hi = cells.number(low), cells.number(high)
    if lo is None or hi is None:
        return text
    dash = " – " if lo < 0 or hi < 0 else "–"  # -32,3 – -13,9: the minus stays readable
    return f"{text} [{ctx.number(lo, digits)}{dash}{ctx.number(hi, digits)}]"


# -- charters ---------------------------------------------------------------------------
def charter_slug(charter_id: str) -> str:
    """The slug of a charter's page: its id without a final ``.charter``, dots as ``-``.

    Examples
    --------
    >>> charter_slug("registry.charter"), charter_slug("nurseries.charter.2023")
    ('registry', 'nurseries-charter-2023')
    """
    from qualitapa.site._context import slug

    return slug(re.sub(r"\.charter$", "", charter_id))


def charter_path(ctx: SiteContext, org: str, charter_id: str) -> str:
    """The path of a city's charter page: ``citta/<city>/carta-<charter>.html``.

    Examples
    --------
    >>> from qualitapa import hookimpl
    >>> from qualitapa.catalog import Catalog
    >>> from qualitapa.models import Organization
    >>> from qualitapa.site._context import Results, SiteContext
    >>> class Cities:
    ...     @hookimpl
    ...     def qualitapa_organizations(self):
    ...         return [Organization("036023", "Modena")]
    >>> catalog = Catalog.build([("cities", Cities())], entrypoints=False)
    >>> ctx = SiteContext(results=Results("."), catalog=catalog, organizations=("036023",))
    >>> charter_path(ctx, "036023", "registry.charter")
    'citta/modena/carta-registry.html'
    """
    return f"citta/{ctx.city_slug(org)}/carta-{charter_slug(charter_id)}.html"


def city_charters(ctx: SiteContext, org: str) -> list[Charter]:
    """The charters ``org`` publishes, as it publishes them (its content applied).

    The catalog's charters the organization gives its own content for
    (:class:`~qualitapa.standards.CharterContent`), newest first within a
    service; drafts only in the members' build (``ctx.members``).
    """
    contents = getattr(ctx.catalog, "charter_content", {})
    charters = getattr(ctx.catalog, "charters", {})
    found = []
    for content in contents.values():
        if content.organization != org or content.charter not in charters:
            continue
        charter = content.apply(charters[content.charter])
        if charter.status.value == "draft" and not ctx.members:
            continue
        found.append(charter)
    return sorted(found, key=lambda c: (c.service, -c.valid_from.toordinal(), c.id))


def _is_previous(charter: Charter, newer: list[Charter], today: dt.date) -> bool:
    """Expired, or followed by a newer charter of its service already in force."""
    if charter.valid_to is not None and charter.valid_to < today:
        return True
    return any(
        n.service == charter.service and charter.valid_from < n.valid_from <= today for n in newer
    )


def _charter_item(ctx: SiteContext, org: str, charter: Charter) -> dict[str, object]:
    t = ctx.t
    valid = t("dal {date}", date=ctx.date(charter.valid_from))
    if charter.valid_to is not None:
        valid = t(
            "dal {start} al {end}",
            start=ctx.date(charter.valid_from),
            end=ctx.date(charter.valid_to),
        )
    return {
        "title": t.text(charter.title),
        "path": charter_path(ctx, org, charter.id),
        "service": ctx.service_name(charter.service),
        "status": t.text(charter.status.label),
        "draft": charter.status.value == "draft",
        "version": charter.version or "–",
        "valid": valid,
    }


def _charter_lists(ctx: SiteContext, org: str) -> tuple[list[Charter], list[Charter]]:
    """(current, previous) charters of ``org`` on the build's reference date."""
    charters = city_charters(ctx, org)
    day = ctx.reference_date
    previous = [c for c in charters if _is_previous(c, charters, day)]
    current = [c for c in charters if c not in previous]
    return current, previous


def charters_in_force(ctx: SiteContext, org: str) -> list[Charter]:
    """The charters of ``org`` in force on the build's reference date (``ctx.reference_date``).

    Of the city page's current charters, those already in force (not one
    approved to start later); drafts only in the members' build. The home
    page counts their services.
    """
    current, _previous = _charter_lists(ctx, org)
    return [c for c in current if c.is_valid_on(ctx.reference_date)]


def charters_section(ctx: SiteContext, org: str) -> dict[str, object] | None:
    """The city's charters in force and their previous versions, each linking to its page."""
    current, previous = _charter_lists(ctx, org)
    if not current and not previous:
        return None
    return {
        "current": [_charter_item(ctx, org, c) for c in current],
        "previous": [_charter_item(ctx, org, c) for c in previous],
        "caption": ctx.t(
            "Carte dei servizi di {city} al {date}",
            city=ctx.org_name(org),
            date=ctx.date(ctx.reference_date),
        ),
    }


_MAIN = re.compile(r"<main>(.*)</main>", re.DOTALL)
_H1 = re.compile(r"<h1>.*?</h1>\s*", re.DOTALL)
#: A link out of the site (a contact's web page, an act's page): said, not linked.
_LINK_OUT = re.compile(r'<a href="(https?://[^"]*)">(.*?)</a>', re.DOTALL)


def _unlinked(found: re.Match[str]) -> str:
    """The link's text, with its address when the text is not the address itself."""
    href, text = found.group(1), found.group(2)
    return text if text == href else f"{text} ({href})"


#: The charter's own classes with Bootstrap Italia's (the site has no charter stylesheet).
_CHARTER_CLASSES = {
    "hours": "hours table table-sm w-auto",
    "label": "label d-block fw-bold",
    "description": "description d-block small",
    "kind": "kind d-block small text-muted",
    "notice": "notice alert alert-warning",
    "authority": "authority fw-bold text-uppercase mb-1",
    "validity": "validity fw-bold",
}


def charter_body(html: str) -> Markup:
    """The body of a charter page of :func:`~qualitapa.standards.render_html`, for the layout.

    The ``<main>``'s content without its ``<h1>`` (the layout writes the
    title), tables with Bootstrap Italia's ``table`` class, links out of the
    site written as text (the portal works offline and links nothing
    outside itself). The HTML is qualitapa's own, escaped by its template
    engine.

    Examples
    --------
    >>> charter_body('<main><h1>Carta</h1><p class="notice">x</p><table></table></main>')
    Markup('<p class="notice alert alert-warning">x</p><table class="table"></table>')
    >>> charter_body('<main><a href="https://x.it/a">Atto</a> <a href="tel:059">059</a></main>')
    Markup('Atto (https://x.it/a) <a href="tel:059">059</a>')
    """
    found = _MAIN.search(html)
    body = found.group(1) if found else ""
    body = _H1.sub("", body, count=1).replace("<table>", '<table class="table">')
    body = _LINK_OUT.sub(_unlinked, body)
    for old, new in _CHARTER_CLASSES.items():
        body = body.replace(f'class="{old}"', f'class="{new}"')
    return Markup(body.strip())


def _measured(ctx: SiteContext, org: str, charter: Charter) -> bool:
    """Whether the city page shows how ``org`` did on some of the charter's standards."""
    own = _own(ctx, "charter_compliance", org)
    if own is None or "standard" not in own.columns:
        return False
    named = own["standard"].astype(str).isin(charter.standards)
    if "replaces" in own.columns:  # a local standard in place of one of the charter's
        named |= own["replaces"].astype(str).isin(charter.standards)
    return bool(named.any())


def _charter_page(ctx: SiteContext, org: str, charter: Charter, others: list[Charter]) -> Page:
    from qualitapa.standards import render_html

    t = ctx.t
    model = ctx.catalog.charters[charter.id]
    html = render_html(
        model,
        ctx.catalog.standards,
        lang=ctx.lang,
        organization=org,
        content=ctx.catalog.charter_content,
    )
    city = ctx.org_name(org)
    title = t.text(charter.title)
    versions = [
        _charter_item(ctx, org, c)
        for c in others
        if c.service == charter.service and c.id != charter.id
    ]
    return Page(
        path=charter_path(ctx, org, charter.id),
        title=title,
        template="charter.html.j2",
        context={
            "body": charter_body(html),
            "city": city,
            "city_path": ctx.city_path(org),
            "versions": versions,
            "item": _charter_item(ctx, org, charter),
            "measured": _measured(ctx, org, charter),
        },
        summary=t(
            "{charter} di {city}: standard di qualità, contatti, reclami e indennizzi.",
            charter=title,
            city=city,
        ),
        keywords=(city, ctx.service_name(charter.service)),
        members_only=charter.status.value == "draft",
        breadcrumbs=(*_crumbs(ctx), (city, ctx.city_path(org))),
    )


# -- standards, surveys, complaints, CAF, plan ------------------------------------------
def _value_words(
    ctx: SiteContext, row: pd.Series, unit: Unit | Text | str | None
) -> tuple[str, str]:
    """(value, target) in words; a standard judged case by case says its share of cases."""
    from qualitapa.standards import StandardTarget

    t = ctx.t
    std = ctx.catalog.standards.get(str(row["standard"])) if "standard" in row else None
    target = getattr(std, "target", None)
    if target is None and cells.text(row.get("target")):
        target = StandardTarget.coerce(str(row["target"]))
    target_text = target.describe(ctx.lang, unit) if target is not None else "–"
    value = cells.number(row.get("value"))
    value_text = "–" if value is None else t.quantity(value, unit) if unit else ctx.number(value)
    within, required = (
        cells.number(row.get("share_within")),
        cells.number(row.get("required_share")),
    )
    if within is not None and required is not None and required < 1:
        target_text = t(
            "{target} (obiettivo: {share} dei casi)",
            target=target_text,
            share=t.percent(required, digits=0),
        )
        value_text = t(
            "{share} dei casi (media {mean})", share=t.percent(within, digits=1), mean=value_text
        )
    return value_text, target_text


def standards_met(ctx: SiteContext, org: str) -> tuple[int, int, int | None]:
    """(standards met, standards assessed, period) of ``org`` in its latest period.

    The one count of the portal: the city page's summary and the home
    page's column (:func:`~qualitapa.site._cells.met_count` on the rows of
    ``charter_compliance`` of the city's latest period); ``(0, 0, None)``
    without rows.
    """
    own = _own(ctx, "charter_compliance", org)
    if own is None:
        return 0, 0, None
    rows, year = cells.latest(own)
    met, assessed = cells.met_count(rows)
    return met, assessed, year


def compliance_section(ctx: SiteContext, org: str) -> dict[str, object] | None:
    """The standards of the city's charters: target, value, met in words, refunds due."""
    own = _own(ctx, "charter_compliance", org)
    if own is None or "standard" not in own.columns:
        return None
    own, year = cells.latest(own)
    t = ctx.t
    rows = []
    for _i, r in own.iterrows():
        std = ctx.catalog.standards.get(str(r["standard"]))
        unit = getattr(std, "unit", None) or cells.text(r.get("unit")) or None
        value, target = _value_words(ctx, r, unit)
        met = cells.flag(r.get("met"))
        rows.append(
            {
                "standard": ctx.label(r["standard"], "standards"),
                "service": ctx.service_name(r["service"]) if cells.text(r.get("service")) else "",
                "target": target,
                "value": value,
                "met": "–" if met is None else t("sì") if met else t("no"),
                "ok": met,
                "refunds": ctx.number(r.get("refunds_due"), 0) if "refunds_due" in r else "–",
                "amount": "–"
                if (amount := cells.number(r.get("refund_amount"))) is None
                else t.currency(amount),
            }
        )
    rows.sort(key=lambda r: (str(r["service"]), str(r["standard"])))  # by service, in words
    n_met, assessed, _year = standards_met(ctx, org)
    summary = t("Standard rispettati: {met} su {total} valutati.", met=n_met, total=assessed)
    caption = t("Standard di qualità nel {year}", year=year) if year else t("Standard di qualità")
    return {"rows": rows, "summary": summary, "caption": caption}


def _dimension_label(ctx: SiteContext, row: pd.Series) -> str:
    from qualitapa.surveys import OVERALL, OVERALL_LABEL

    dim = str(row["dimension"])
    if dim == OVERALL:
        return ctx.t.text(OVERALL_LABEL)
    inst = ctx.catalog.instruments.get(cells.text(row.get("instrument")))
    for d in getattr(inst, "dimensions", ()):
        if d.id == dim:
            return ctx.t.text(d.label)
    return cells.text(row.get(f"label_{ctx.lang}")) or cells.text(row.get("label")) or dim


def _survey_chart(
    ctx: SiteContext, title: str, frame: pd.DataFrame, labels: list[str]
) -> Markup | None:
    """The indices as bars with their intervals (S3's accessible SVG); None under 2 bars."""
    from qualitapa.site._charts import bar_chart

    if len(labels) < 2:
        return None
    low = frame["ci_low"] if "ci_low" in frame.columns else pd.Series([None] * len(frame))
    high = frame["ci_high"] if "ci_high" in frame.columns else pd.Series([None] * len(frame))
    return bar_chart(
        labels,
        [cells.number(v) for v in frame["index"]],
        title=title,
        intervals=[(cells.number(a), cells.number(b)) for a, b in zip(low, high, strict=True)],
        lang=ctx.lang,
        digits=1,
    )


def survey_section(ctx: SiteContext, org: str) -> dict[str, object] | None:
    """The satisfaction indices (0-100) by dimension with their 95% intervals; the NPS."""
    own = _own(ctx, "survey_dimensions", org)
    nps = _own(ctx, "survey_nps", org)
    if own is None and nps is None:
        return None
    t = ctx.t
    groups = []
    if own is not None and {"dimension", "index"} <= set(own.columns):
        own, _year = cells.latest(own)
        key = own["instrument"] if "instrument" in own.columns else pd.Series([""] * len(own))
        for inst, frame in own.groupby(key.fillna("").to_numpy(), sort=False):
            labels = [_dimension_label(ctx, r) for _i, r in frame.iterrows()]
            rows = [
                {
                    "label": label,
                    "n": ctx.number(r.get("n"), 0),
                    "text": interval_text(ctx, r["index"], r.get("ci_low"), r.get("ci_high")),
                    "small": cells.flag(r.get("small_sample")) is True,
                }
                for label, (_i, r) in zip(labels, frame.iterrows(), strict=True)
            ]
            name = ctx.label(inst, "instruments") if inst else ""
            caption = t(
                "Indici di soddisfazione (0-100) per dimensione con intervallo di confidenza al 95%"
            )
            caption = f"{caption} – {name}" if name else caption
            groups.append(
                {
                    "caption": caption,
                    "rows": rows,
                    "chart": _survey_chart(ctx, caption, frame, labels),
                }
            )
    scores, nps_year = [], None
    if nps is not None and "nps" in nps.columns:
        nps, nps_year = cells.latest(nps)
        for _i, r in nps.iterrows():
            survey = cells.text(r.get("instrument"))
            scores.append(
                {
                    "survey": ctx.label(survey, "instruments") if survey else "–",
                    "n": ctx.number(r.get("n"), 0),
                    "nps": interval_text(ctx, r["nps"], r.get("ci_low"), r.get("ci_high")),
                }
            )
    if not groups and not scores:
        return None
    nps_caption = (
        t("Propensione a raccomandare il servizio (NPS) nel {year} con intervallo di confidenza "
          "al 95%", year=nps_year)
        if nps_year
        else t("Propensione a raccomandare il servizio (NPS) con intervallo di confidenza al 95%")
    )  # fmt: skip
    return {"groups": groups, "nps": scores, "nps_caption": nps_caption}


#: The complaint KPIs the city page shows: column -> (header, kind of number).
_KPIS = {
    "received": (N_("Ricevuti"), "count"),
    "answered": (N_("Risposti"), "count"),
    "share_within_deadline": (N_("% risposti nei termini"), "share"),
    "median_answer_days": (N_("Giorni mediani di risposta"), "days"),
    "open": (N_("Aperti"), "count"),
    "overdue": (N_("Scaduti"), "count"),
}


def _kpi(ctx: SiteContext, value: object, kind: str) -> str:
    x = cells.number(value)
    if x is None:
        return "–"
    if kind == "share":
        return ctx.t.percent(x, digits=1)
    return ctx.number(x, 0 if kind == "count" else 1)


def _complaint_words(ctx: SiteContext, row: pd.Series) -> str:
    t = ctx.t
    parts = [
        t.plural(
            # every kind the register holds (reclami, segnalazioni, suggerimenti,
            # encomi) is counted: the words must not call them all complaints
            "{n} messaggio ricevuto tra reclami, segnalazioni, suggerimenti ed encomi",
            "{n} messaggi ricevuti tra reclami, segnalazioni, suggerimenti ed encomi",
            int(cells.number(row.get("received")) or 0),
            n=ctx.number(row.get("received"), 0),
        )
    ]
    # a share of 0 is said too: it is the worst result, not a missing one
    share = cells.number(row.get("share_within_deadline"))
    if cells.number(row.get("answered")) is not None and share is not None:
        parts.append(
            t(
                "{answered} con risposta ({share} entro il termine)",
                answered=ctx.number(row.get("answered"), 0),
                share=t.percent(share, digits=1),
            )
        )
    if cells.number(row.get("mean_answer_days")) is not None:
        parts.append(
            t("risposta in {days} giorni in media", days=ctx.number(row.get("mean_answer_days"), 1))
        )
    if cells.number(row.get("per_10000")) is not None:
        parts.append(
            t("{rate} messaggi ogni 10.000 abitanti", rate=ctx.number(row.get("per_10000"), 1))
        )
    return "; ".join(parts) + "."


#: The period columns of the complaint KPIs: a results' ``period``, or what
#: :func:`qualitapa.complaints.kpis` writes with ``by="year"``, ``"quarter"``, ``"month"``.
_COMPLAINT_PERIODS = ("period", "year", "quarter", "month")


def _latest_complaints(frame: pd.DataFrame) -> tuple[pd.DataFrame, str | None]:
    """The rows of the latest period of the KPIs and that period as its code (``2024``,
    ``2024Q3``, ``2024-11``: each sorts as time); all rows and None without a period."""
    column = next((c for c in _COMPLAINT_PERIODS if c in frame.columns), None)
    if column is None:
        return frame, None
    codes = frame[column].astype("string").str.strip().str.removesuffix(".0")
    if codes.isna().all():
        return frame, None
    last = str(codes.max())
    return frame.loc[codes.eq(last).fillna(False).to_numpy()], last


def _period_words(ctx: SiteContext, code: str) -> str:
    """A period code in words: ``2024``, ``3º trimestre 2024``, ``11/2024``."""
    if (quarter := re.fullmatch(r"(\d{4})Q([1-4])", code)) is not None:
        return ctx.t("{n}º trimestre {year}", n=quarter.group(2), year=quarter.group(1))
    if (month := re.fullmatch(r"(\d{4})-(\d{2})", code)) is not None:
        return f"{month.group(2)}/{month.group(1)}"
    return code


def _one_row(frame: pd.DataFrame, org: str) -> pd.Series:
    """The city's one row of ``complaint_kpis`` in its latest period; a DataError if more."""
    if len(frame) > 1:
        message = Message(
            "{organization} has {n} rows in the latest period: the city page says one total; "
            "compute the KPIs by organization (and period) only",
            N_("{organization} ha {n} righe nell'ultimo periodo: la pagina della città riporta "
               "un solo totale; calcolare gli indicatori solo per ente (e periodo)"),
            organization=org, n=len(frame),
        )  # fmt: skip
        raise DataError(message, source="complaint_kpis.csv", row=int(frame.index[1]) + 1,
                        column="organization")  # fmt: skip
    return frame.iloc[0]


def complaints_section(ctx: SiteContext, org: str) -> dict[str, object] | None:
    """The complaint KPIs of the city's latest period in words and numbers, in all and by
    the city's services; the period said."""
    own = _own(ctx, "complaint_kpis", org)
    by_service = _own(ctx, "complaint_kpis_by_service", org)
    if own is None and by_service is None:
        return None
    t = ctx.t
    period = None
    if own is not None:
        own, period = _latest_complaints(own)
    if by_service is not None:
        by_service, service_period = _latest_complaints(by_service)
        period = period or service_period
    cols = [c for c in _KPIS if by_service is not None and c in by_service.columns]
    rows = []
    if by_service is not None and "service" in by_service.columns:
        for _i, r in by_service.iterrows():
            rows.append(
                {
                    "service": ctx.service_name(r["service"]),
                    "cells": [_kpi(ctx, r[c], _KPIS[c][1]) for c in cols],
                }
            )
    words = _complaint_words(ctx, _one_row(own, org)) if own is not None else ""
    caption = t("Reclami per servizio")
    if period is not None:
        when = _period_words(ctx, period)
        words = t("{period}: {words}", period=when, words=words) if words else ""
        caption = t("Reclami per servizio nel {period}", period=when)
    return {
        "words": words,
        "headers": [t(_KPIS[c][0]) for c in cols],
        "rows": rows,
        "caption": caption,
    }


def _caf_rows(ctx: SiteContext, org: str) -> pd.DataFrame | None:
    """The city's CAF scores; a table that does not say whose they are is refused."""
    frame = ctx.results.memo("city:caf_scores:all", lambda: ctx.results.table("caf_scores"))
    if frame is None or not {"level", "id", "score"} <= set(frame.columns):
        return None
    if "organization" not in frame.columns:
        message = Message(
            "the CAF scores do not say whose self-assessment they are: add the column "
            "organization (the organization's code on every row)",
            N_("i punteggi CAF non dicono di quale ente è l'autovalutazione: aggiungere la "
               "colonna organization (il codice dell'ente su ogni riga)"),
        )  # fmt: skip
        raise DataError(message, source="caf_scores.csv", column="organization")
    return _own(ctx, "caf_scores", org)


def caf_section(ctx: SiteContext, org: str) -> dict[str, object] | None:
    """The CAF self-assessment: the criteria's scores (0-100) and the total."""
    frame = _caf_rows(ctx, org)
    if frame is None:
        return None
    t = ctx.t
    title = next(
        (c for c in (f"title_{ctx.lang}", "title_it", "title") if c in frame.columns), None
    )
    rows = []
    for _i, r in frame.iterrows():
        key, level = str(r["id"]), str(r["level"])
        name = cells.text(r[title]) if title else ""
        if level != "criterion":
            name = t(_CAF_LEVELS[key]) if key in _CAF_LEVELS else name or key
        rows.append(
            {
                "name": f"{key}. {name}" if level == "criterion" else name,
                "score": ctx.number(r["score"], 1),
                "total": level != "criterion",
            }
        )
    return {"rows": rows, "caption": t("Punteggi dei criteri CAF (0-100)")}


def _due(ctx: SiteContext, index: object, value: object) -> str:
    """An action's due date in words; ``–`` when it has none; a DataError when not a date."""
    given = cells.text(value).strip()
    if not given:
        return "–"
    day = pd.to_datetime(given, errors="coerce", format="ISO8601")
    if pd.isna(day):
        day = pd.to_datetime(given, errors="coerce", format="%d/%m/%Y")
    if pd.isna(day):
        message = Message(
            "the due date {value} is not a date: write it as 2024-12-31 or 31/12/2024",
            N_("la scadenza {value} non è una data: scriverla come 2024-12-31 o 31/12/2024"),
            value=repr(given),
        )
        row = int(index) + 1 if pd.api.types.is_integer(index) else None
        raise DataError(message, source="improvement_plan.csv", row=row, column="due")
    return ctx.date(day.date())


def improvement_section(ctx: SiteContext, org: str) -> dict[str, object] | None:
    """The city's improvement actions by priority: source, priority and status in words."""
    own = _own(ctx, "improvement_plan", org)
    if own is None or "title" not in own.columns:
        return None
    t = ctx.t
    if "priority" in own.columns:
        order = pd.to_numeric(own["priority"], errors="coerce").fillna(-1)
        own = own.iloc[(-order).to_numpy().argsort(kind="stable")]
    sources = {m.value: t.text(m.label) for m in ActionSource}
    statuses = {m.value: t.text(m.label) for m in ActionStatus}
    titles = action_titles(own, ctx.lang)  # the reader's language where the plan has it
    rows = []
    for (i, r), title in zip(own.iterrows(), titles, strict=True):
        source, status = cells.text(r.get("source")), cells.text(r.get("status"))
        rows.append(
            {
                "title": cells.text(title),
                "source": sources.get(source, sources[ActionSource.OTHER.value]),
                "priority": ctx.number(r.get("priority"), 1),
                "status": statuses.get(status, "–"),
                "due": _due(ctx, i, r.get("due")),
            }
        )
    open_ = sum(
        cells.text(r.get("status")) not in ("done", "cancelled") for _i, r in own.iterrows()
    )
    summary = t("Azioni di miglioramento: {n}; ancora aperte: {open}.", n=len(rows), open=open_)
    return {"rows": rows, "summary": summary, "caption": t("Piano di miglioramento")}


# -- pages ------------------------------------------------------------------------------
#: The kind's menu label, also the cities' page in the breadcrumbs.
_CITIES = Text("Città", "Cities", "Städte")


def _crumbs(ctx: SiteContext) -> tuple[tuple[str, str], ...]:
    """The breadcrumbs of a city's pages after the home page (the layout adds it)."""
    return ((ctx.t.text(_CITIES), "citta/index.html"),)


def _city_facts(ctx: SiteContext, org: str) -> dict[str, str]:
    item = ctx.catalog.organizations.get(org)
    return {
        "province": cells.text(getattr(item, "province", None)),
        "region": cells.text(getattr(item, "region", None)),
        "population": ctx.number(item.population, 0) if item and item.population else "",
    }


def build_city_pages(ctx: SiteContext) -> Iterator[Page]:
    """The pages of the city kind: the cities, one page per city, one per charter."""
    t = ctx.t
    cities = [
        {"name": ctx.org_name(o), "path": ctx.city_path(o), **_city_facts(ctx, o)}
        for o in ctx.organizations
    ]
    cities.sort(key=lambda c: c["name"])
    yield Page(
        path="citta/index.html",
        title=t("Le città"),
        template="cities.html.j2",
        context={"cities": cities},
        summary=t(
            "Le città del sistema qualità: carte dei servizi, standard, soddisfazione, "
            "reclami e miglioramento."
        ),
    )
    for org in ctx.organizations:
        name = ctx.org_name(org)
        current, previous = _charter_lists(ctx, org)
        yield Page(
            path=ctx.city_path(org),
            title=name,
            template="city.html.j2",
            context={
                "org": org,
                "facts": _city_facts(ctx, org),
                "sections": ctx.sections("city", org),
            },
            summary=t(
                "{city}: carte dei servizi, standard, soddisfazione, reclami, CAF e piano "
                "di miglioramento.",
                city=name,
            ),
            keywords=(name,),
            breadcrumbs=_crumbs(ctx),
        )
        for charter in current + previous:
            yield _charter_page(ctx, org, charter, current + previous)


def _section(
    id_: str, title: Text, order: int, build: SectionBuilder, template: str
) -> SiteSection:
    return SiteSection(
        id=id_, page="city", title=title, order=order, build=build, template=f"sections/{template}"
    )


#: The city kind (menu order 20).
CITY_KIND = PageKind(id="city", title=_CITIES, order=20, build=build_city_pages)

#: The built-in sections of a city page, in their order.
CITY_SECTIONS = (
    _section(
        "city-charters",
        Text("Carte dei servizi", "Service charters", "Dienstleistungschartas"),
        10,
        charters_section,
        "city_charters.html.j2",
    ),
    _section(
        "city-standards",
        Text("Standard di qualità", "Quality standards", "Qualitätsstandards"),
        20,
        compliance_section,
        "city_standards.html.j2",
    ),
    _section(
        "city-satisfaction",
        Text("Soddisfazione degli utenti", "User satisfaction", "Nutzerzufriedenheit"),
        30,
        survey_section,
        "city_survey.html.j2",
    ),
    _section(
        "city-complaints",
        Text("Reclami", "Complaints", "Beschwerden"),
        40,
        complaints_section,
        "city_complaints.html.j2",
    ),
    _section(
        "city-caf",
        Text("Autovalutazione CAF", "CAF self-assessment", "CAF-Selbstbewertung"),
        50,
        caf_section,
        "city_caf.html.j2",
    ),
    _section(
        "city-improvement",
        Text("Piano di miglioramento", "Improvement plan", "Verbesserungsplan"),
        60,
        improvement_section,
        "city_improvement.html.j2",
    ),
)
