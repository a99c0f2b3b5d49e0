"""The quality programme's pages (issue 21): ``programma/<city>.html`` for each city with one.

A city's programme page shows its annual quality plan (activities,
departments, expected results and what was obtained, in words), the
departments and their quality referents, the certified services with their
alerts, training, the good practices suggested by the benchmark and a link
to the annual report. Everything is registered through the same
:class:`~qualitapa.site.PageKind` / :class:`~qualitapa.site.SiteSection`
registry a plugin uses (:data:`PROGRAMME_KIND`, :data:`PROGRAMME_SECTIONS`).

Where the data come from
    The computed tables are those of the results folder
    (``programme_results.csv``, ``training_hours.csv``,
    ``training_needs.csv``, ``certification_alerts.csv``,
    ``practice_suggestions.csv``, as ``qualitapa demo`` writes them). The
    programme's sheets (departments, people, roles, plans, activities,
    certifications, courses...) are read from the folder ``programme/`` of
    the results (``<sheet>.csv``, as ``qualitapa programme export --db
    programma.db -o RESULTS/programme`` writes it) or, without that folder,
    from the catalog's datasets of kind ``programme`` (the sheets the
    plugins ship, as the demo reads them).

Personal data
    People's names are never published unless the ``people`` sheet has a
    ``public`` column saying yes (``sì``, ``si``, ``yes``, ``true``, ``1``)
    for that person: otherwise a referent is shown by role and department
    only, and the page says why.
"""

from __future__ import annotations

import datetime as dt
import enum
import html as htmlmod
import posixpath
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import babel
import markupsafe
import pandas as pd

from qualitapa.errors import DataError, Message
from qualitapa.i18n import N_, translator
from qualitapa.models import Text
from qualitapa.site._model import Page, PageKind, SectionBuilder, SiteSection

if TYPE_CHECKING:
    from qualitapa.site._context import SiteContext

#: The programme sheets the pages read (from ``programme/`` or the catalog).
PAGE_SHEETS: Final = ("departments", "people", "roles", "plans", "activities",
                      "certifications", "courses")  # fmt: skip
#: The results tables that make a city's programme.
RESULT_TABLES: Final = ("programme_results", "training_hours", "training_needs",
                        "certification_alerts", "practice_suggestions")  # fmt: skip
#: A ``public`` cell that publishes a person's name (case and accents ignored).
PUBLIC_WORDS: Final = frozenset({"si", "sì", "yes", "true", "1", "x", "ja", "vero"})
#: The roles the referents' table shows, in this order.
ROLE_ORDER: Final = ("coordinator", "referent", "head")


# -- where the data come from -------------------------------------------------------------


def _read_sheets(folder: str | None, files: tuple[tuple[str, str], ...]) -> dict[str, pd.DataFrame]:
    """Sheets from ``folder/<sheet>.csv`` or the ``(sheet, path)`` files, each concatenated."""
    from qualitapa import programme as pg

    known = set(PAGE_SHEETS)  # the sheets the pages show (not the training registers)
    parts: dict[str, list[pd.DataFrame]] = {}
    if folder is not None:
        for name in sorted(known):
            path = Path(folder) / f"{name}.csv"
            if path.is_file():
                parts.setdefault(name, []).append(pg.read_sheet(path, name))
    for name, file in files:
        if name in known:
            parts.setdefault(name, []).append(pg.read_sheet(file, name))
    return {name: pd.concat(frames, ignore_index=True) for name, frames in parts.items()}


def programme_sheets(ctx: SiteContext) -> dict[str, pd.DataFrame]:
    """The programme's sheets of the site, read once for every language (``Results.memo``)."""
    key = f"programme.sheets.{'members' if ctx.members else 'public'}"
    return dict(ctx.results.memo(key, lambda: find_sheets(ctx)))


def find_sheets(ctx: Any) -> dict[str, pd.DataFrame]:
    """The programme's sheets for the site: the results' ``programme/`` folder, else the catalog.

    The catalog's datasets of kind ``programme`` (one per sheet, named by
    its file, as the demo reads them); one marked ``published = false`` only
    in the members' build.

    Parameters
    ----------
    ctx
        The site context: ``ctx.results.path`` and ``ctx.catalog``.

    Returns
    -------
    dict
        Sheet name -> its rows (every organization's); empty when there are none.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> ctx = SimpleNamespace(results=SimpleNamespace(path=Path("no-such-folder")), catalog=None,
    ...                       members=False)
    >>> find_sheets(ctx)
    {}
    """
    folder = Path(ctx.results.path) / "programme"
    if folder.is_dir():
        return _read_sheets(str(folder), ())
    catalog = ctx.catalog
    if catalog is None:
        return {}
    files = tuple(
        (Path(str(d.path)).stem, str(d.path))
        for d in catalog.datasets.values()
        if d.kind == "programme" and (getattr(d, "published", True) or ctx.members)
    )
    return _read_sheets(None, files) if files else {}


def _own(frame: pd.DataFrame | None, organization: str, year: int | None = None) -> pd.DataFrame:
    """The rows of ``organization`` (and ``year`` when the frame has years); empty if none.

    The rows keep their index: a row's number in its file is its index + 1.
    """
    if frame is None or frame.empty:
        return pd.DataFrame()
    keep = pd.Series(True, index=frame.index)
    if "organization" in frame.columns:
        keep &= frame["organization"].astype("string").eq(organization).fillna(False)
    if year is not None and "year" in frame.columns:
        years = pd.to_numeric(frame["year"], errors="coerce")
        keep &= years.eq(year).fillna(False)
    return frame.loc[keep]


def _table(ctx: SiteContext, name: str) -> pd.DataFrame | None:
    frame = ctx.results.table(name)
    return frame if frame is not None and not frame.empty else None


def _years(ctx: SiteContext, sheets: Mapping[str, pd.DataFrame], organization: str) -> set[int]:
    frames = [
        sheets.get("activities"),
        sheets.get("plans"),
        *map(lambda n: _table(ctx, n), RESULT_TABLES[:2]),
    ]
    years: set[int] = set()
    for frame in frames:
        own = _own(frame, organization)
        if not own.empty and "year" in own.columns:
            years |= {int(y) for y in pd.to_numeric(own["year"], errors="coerce").dropna()}
    return years


def programme_year(ctx: SiteContext, organization: str) -> int | None:
    """The year of ``organization``'s programme the site shows: the site's period if the
    programme has it, else the programme's latest year (None without a programme)."""
    years = _years(ctx, programme_sheets(ctx), organization)
    if not years:
        return None
    return ctx.period if ctx.period in years else max(years)


def programme_organizations(ctx: SiteContext) -> list[str]:
    """The site's organizations that have a quality programme, in the site's order.

    A city has one when its annual plan (``activities`` or ``plans`` sheet),
    its expected vs obtained results, its training hours or its
    certifications are there; a good practice in the club's register alone
    does not make a programme.
    """
    found: list[str] = ctx.memo("programme.organizations", lambda: _organizations(ctx))
    return found


def _organizations(ctx: SiteContext) -> list[str]:
    sheets = programme_sheets(ctx)
    found: set[str] = set()
    frames = [sheets.get(n) for n in ("activities", "plans", "certifications")]
    frames += [
        _table(ctx, n) for n in ("programme_results", "training_hours", "certification_alerts")
    ]
    for frame in frames:
        if frame is not None and not frame.empty and "organization" in frame.columns:
            found |= set(frame["organization"].astype(str))
    return [o for o in ctx.organizations if o in found]


def programme_path(ctx: SiteContext, organization: str) -> str:
    """``programma/<slug>.html``: the city page's slug under ``programma/``."""
    return "programma/" + posixpath.basename(ctx.city_path(organization))


def report_path(ctx: SiteContext, organization: str, year: int) -> str:
    """``programma/<slug>/relazione-qualita-<year>.html``: the annual report in the site."""
    slug = posixpath.splitext(posixpath.basename(ctx.city_path(organization)))[0]
    return f"programma/{slug}/relazione-qualita-{year}.html"


# -- words --------------------------------------------------------------------------------


def _blank(value: object) -> bool:
    return (
        value is None
        or (isinstance(value, float) and pd.isna(value))
        or str(value).strip() in ("", "nan", "<NA>")
    )


def _pick(row: Mapping[Any, object], prefix: str, lang: str) -> str:
    """``<prefix>_<lang>``, else ``<prefix>_it``, else ``<prefix>``."""
    for key in (f"{prefix}_{lang}", f"{prefix}_it", prefix):
        value = row.get(key)
        if not _blank(value):
            return str(value)
    return ""


def _label(ctx: SiteContext, codes: type[enum.Enum], value: object) -> str:
    """The label of a programme code in the page's language (the code if unknown)."""
    from qualitapa import programme as pg

    try:
        member = codes(str(value))
    except ValueError:
        return str(value)
    return str(ctx.t.text(pg.label_of(member)))


def _day(value: object) -> dt.date | None:
    if _blank(value):
        return None
    stamp = pd.to_datetime(str(value), errors="coerce")
    return None if pd.isna(stamp) else stamp.date()


def _date(ctx: SiteContext, value: object) -> str:
    day = _day(value)
    return ctx.date(day) if day is not None else "–"


def _department_names(lang: str, departments: pd.DataFrame) -> dict[str, str]:
    if departments.empty:
        return {}
    return {str(r["department"]): _pick(r, "name", lang) for r in departments.to_dict("records")}


def _figure(value: object) -> float:
    """A cell as a number (NaN when blank or not a number)."""
    try:
        return float(str(value).replace(",", ".")) if not _blank(value) else float("nan")
    except ValueError:
        return float("nan")


def _is_public(value: object) -> bool:
    return not _blank(value) and str(value).strip().lower() in PUBLIC_WORDS


# -- the page's parts ---------------------------------------------------------------------


class _Words:
    """What the parts of one city's page share: the context, sheets and names."""

    def __init__(self, ctx: SiteContext, sheets: Mapping[str, pd.DataFrame], organization: str,
                 year: int) -> None:  # fmt: skip
        self.ctx, self.organization, self.year = ctx, organization, year
        self.sheets = {name: _own(sheets.get(name), organization) for name in PAGE_SHEETS}
        self.sheets["people"] = sheets.get("people", pd.DataFrame())
        self.departments = _department_names(ctx.lang, self.sheets["departments"])

    def department(self, code: object) -> str:
        return "" if _blank(code) else self.departments.get(str(code), str(code))

    def table(self, name: str, year: bool = True) -> pd.DataFrame:
        return _own(_table(self.ctx, name), self.organization, self.year if year else None)


def plan_part(words: _Words) -> dict[str, Any] | None:
    """The annual plan: its approval, its activities and the expected vs obtained results."""
    ctx, year = words.ctx, words.year
    acts = _own(words.sheets["activities"], words.organization, year)
    results = words.table("programme_results")
    if acts.empty and results.empty:
        return None
    plans = _own(words.sheets["plans"], words.organization, year)
    approved = None
    if not plans.empty:
        ok = plans[plans["status"].astype(str) == "approved"]
        if not ok.empty:
            versions = [_whole(i, v, "version", "plans.csv", required=True)
                        for i, v in ok["version"].items()]  # fmt: skip
            k = max(range(len(versions)), key=lambda j: versions[j] or 0)
            last = ok.iloc[k]
            approved = {"version": ctx.number(versions[k], 0),
                        "resolution": "" if _blank(last["resolution"]) else str(last["resolution"]),
                        "day": _date(ctx, last["approved_on"])}  # fmt: skip
    activities = [
        {
            "title": _pick(r, "title", ctx.lang) or str(r["activity"]),
            "department": words.department(r["department"]),
            "type": _label(ctx, _codes("ActivityType"), r["type"]),
            "start": _date(ctx, r.get("planned_start")),
            "end": _date(ctx, r.get("planned_end")),
        }
        for r in acts.to_dict("records")
    ]
    return {"year": year, "approved": approved, "activities": activities,
            **results_part(words, results, acts)}  # fmt: skip


def _codes(name: str) -> type[enum.Enum]:
    from qualitapa import programme as pg

    codes: type[enum.Enum] = getattr(pg, name)
    return codes


def results_part(words: _Words, results: pd.DataFrame, acts: pd.DataFrame) -> dict[str, Any]:
    """Expected vs obtained results in words, and how many are met, not met, without data."""
    if results.empty:
        return {"results": [], "counts": None}
    from qualitapa import programme as pg

    ctx = words.ctx
    said = pg.results_in_words(
        results,
        acts if not acts.empty else None,
        words.sheets["departments"] if not words.sheets["departments"].empty else None,
        catalog=ctx.catalog,
        lang=ctx.lang,
    )
    outcome = results["outcome"].astype(str)
    counts = {
        "n": ctx.number(len(results), 0),
        "met": ctx.number(int((outcome == "met").sum()), 0),
        "not_met": ctx.number(int((outcome == "not_met").sum()), 0),
        "no_data": ctx.number(int((outcome == "no_data").sum()), 0),
    }
    rows = said[["title", "department", "measure", "expected", "obtained", "outcome", "gap"]]
    return {"results": rows.to_dict("records"), "counts": counts}


def _in_office(roles: pd.DataFrame, year: int) -> pd.DataFrame:
    """Roles held on some day of ``year`` (started by 31 December, not ended before 1 January)."""
    start = pd.to_datetime(roles["start"].astype("string"), errors="coerce")
    end = pd.to_datetime(roles["end"].astype("string"), errors="coerce") if "end" in roles else None
    live = start.le(pd.Timestamp(year, 12, 31)).fillna(False)
    if end is not None:
        live &= end.isna() | end.ge(pd.Timestamp(year, 1, 1))
    return roles.loc[live & roles["role"].astype(str).isin(ROLE_ORDER)]


def referents_part(words: _Words) -> dict[str, Any] | None:
    """Departments and their quality referents: role and department; a name only if public."""
    ctx, roles = words.ctx, words.sheets["roles"]
    if roles.empty:
        return None
    held = _in_office(roles, words.year)
    if held.empty:
        return None
    people = words.sheets["people"]
    public: dict[str, str] = {}
    if not people.empty and "public" in people.columns and "name" in people.columns:
        shown = people[people["public"].map(_is_public)]
        public = dict(zip(shown["person"].astype(str), shown["name"].astype(str), strict=True))
    order = {code: i for i, code in enumerate(words.departments)}
    rank = {role: i for i, role in enumerate(ROLE_ORDER)}
    held = held.assign(
        _d=held["department"].astype(str).map(order).fillna(len(order)),
        _r=held["role"].astype(str).map(rank),
    ).sort_values(["_d", "_r"], kind="stable")
    rows = [
        {
            "department": words.department(r["department"]),
            "role": _label(ctx, _codes("RoleKind"), r["role"]),
            "name": public.get(str(r["person"]), ""),
            "since": _date(ctx, r.get("start")),
            "until": "" if _blank(r.get("end")) else _date(ctx, r.get("end")),
        }
        for r in held.to_dict("records")
    ]
    withheld = sum(1 for r in rows if not r["name"])
    return {"rows": rows, "names": withheld < len(rows), "withheld": withheld}


def certified_part(words: _Words) -> dict[str, Any] | None:
    """Certified services (standard, body, expiry, status) and their alerts."""
    ctx = words.ctx
    certs = words.sheets["certifications"]
    alerts = words.table("certification_alerts", year=False)
    if certs.empty and alerts.empty:
        return None
    status = _codes("CertificateStatus")
    certificates = [
        {
            "service": str(r["service"])
            if not _blank(r.get("service"))
            else words.department(r["department"]),
            "standard": str(r["standard"]),
            "scope": "" if _blank(r.get("scope")) else str(r["scope"]),
            "body": "" if _blank(r.get("body")) else str(r["body"]),
            "since": _date(ctx, r.get("first_issued")),
            "expires": _date(ctx, r.get("expires")),
            "status": _label(ctx, status, r["status"]) if not _blank(r.get("status")) else "–",
        }
        for r in certs.to_dict("records")
    ]
    return {"certificates": certificates, "alerts": list(_alert_rows(words, alerts))}


def _alert_rows(words: _Words, alerts: pd.DataFrame) -> Iterator[dict[str, str]]:
    from qualitapa import programme as pg

    ctx, kind = words.ctx, _codes("AlertKind")
    for r in alerts.to_dict("records"):
        yield {
            "kind": _label(ctx, kind, r["kind"]),
            "service": str(r["service"])
            if not _blank(r.get("service"))
            else words.department(r.get("department")),
            "standard": "" if _blank(r.get("standard")) else str(r["standard"]),
            "date": _date(ctx, r.get("date")),
            "when": pg.alert_timing(ctx.t, r.get("days_left"), r.get("days_late")),
        }


def training_part(words: _Words) -> dict[str, Any] | None:
    """Hours per employee per department (the city's total last) and the needs met."""
    ctx = words.ctx
    hours, needs = words.table("training_hours"), words.table("training_needs")
    if hours.empty and needs.empty:
        return None
    rows, total = [], None
    for r in hours.to_dict("records"):
        row = {
            "department": words.department(r.get("department")),
            "employees": ctx.number(r["employees"], 0),
            "hours": ctx.number(r["hours"], 0),
            "trained": ctx.number(r["people_trained"], 0),
            "per_employee": ctx.number(r["hours_per_employee"], 1),
            "share": ctx.t.percent(r["share_trained"], 1),
        }
        if str(r.get("level")) == "organization":
            total = row
        else:
            rows.append(row)
    return {"hours": rows, "total": total, **needs_part(words, needs)}


def _topics(courses: pd.DataFrame) -> dict[str, str]:
    """A topic code -> the titles of its courses."""
    if courses.empty or not {"topic", "title"} <= set(courses.columns):
        return {}
    return {
        str(topic): "; ".join(sorted(set(part["title"].astype(str))))
        for topic, part in courses.groupby(courses["topic"].astype(str), sort=False)
    }


def needs_part(words: _Words, needs: pd.DataFrame) -> dict[str, Any]:
    """The training needs of the year against the training delivered."""
    if needs.empty:
        return {"needs": [], "needs_met": None}
    ctx = words.ctx
    topics = _topics(words.sheets["courses"])
    rows = [
        {
            "department": words.department(r["department"]),
            "topic": topics.get(str(r["topic"]), str(r["topic"]).replace("_", " ")),
            "audience": _label(ctx, _codes("Audience"), r["audience"]),
            "priority": _label(ctx, _codes("Priority"), r["priority"])
            if not _blank(r.get("priority"))
            else "–",
            "hours_needed": ctx.number(r["hours_needed"], 0),
            "hours_delivered": ctx.number(r["hours_delivered"], 0),
            "coverage": ctx.t.percent(r["coverage"], 0),
            "status": _label(ctx, _codes("NeedStatus"), r["status"]),
        }
        for r in needs.to_dict("records")
    ]
    met = int((needs["status"].astype(str) == "met").sum())
    return {"needs": rows, "needs_met": {"met": ctx.number(met, 0), "n": ctx.number(len(needs), 0)}}


def _org_id(ctx: SiteContext, value: object) -> str:
    """An organization code as the catalog writes it (a CSV may have lost its leading zeros)."""
    code = str(value).strip()
    if code.endswith(".0"):
        code = code[:-2]
    known = ctx.catalog.organizations if ctx.catalog is not None else {}
    if code in known or not code.isdigit():
        return code
    return next((o for o in known if o.isdigit() and int(o) == int(code)), code)


def _quantity(ctx: SiteContext, indicator: str, value: object) -> str:
    """A value with its indicator's unit: 2 decimals below 10, 1 above (as the annual report)."""
    from qualitapa.i18n import unit

    x = _figure(value)
    if pd.isna(x):
        return "–"
    found = ctx.catalog.indicators.get(indicator) if ctx.catalog is not None else None
    name = getattr(found, "unit", None)
    try:
        measure = unit(str(name)) if name else None
    except (KeyError, ValueError):
        measure = None
    return ctx.t.quantity(float(x), measure, digits=2 if abs(float(x)) < 10 else 1)


def practices_part(words: _Words) -> dict[str, Any] | None:
    """The good practices of the cities that do better on the city's worst gaps."""
    ctx = words.ctx
    table = _own(_table(ctx, "practice_suggestions"), words.organization)
    if not table.empty and "period" in table.columns:
        table = table[pd.to_numeric(table["period"], errors="coerce").eq(words.year)]
    if table.empty:
        return None
    rows = []
    for i, r in zip(table.index, table.to_dict("records"), strict=True):
        rank, n, since = (_whole(i, r.get(c), c, "practice_suggestions.csv") for c in _WHOLE)
        rows.append({
            "indicator": ctx.label(str(r["indicator"])),
            "value": _quantity(ctx, str(r["indicator"]), r["value"]),
            "rank": ctx.t("{rank} su {n}", rank=ctx.number(rank, 0), n=ctx.number(n, 0))
            if rank is not None and n is not None
            else ctx.t("dato non disponibile"),
            "practice": _pick(r, "title", ctx.lang),
            "city": ctx.org_name(_org_id(ctx, r["practice_organization"])),
            "practice_value": _quantity(ctx, str(r["indicator"]), r["practice_value"]),
            "since": "" if since is None else str(since),
        })  # fmt: skip
    return {"rows": rows}


#: The whole numbers of a practice suggestion; when one is empty the page says so.
_WHOLE = ("rank", "n", "since")


def _whole(
    index: object, value: object, column: str, source: str, *, required: bool = False
) -> int | None:
    """A cell that is a whole number (a plan's version, a rank); None when empty and not
    ``required``; else a DataError naming the file, the row (index + 1) and the column."""
    if _blank(value) and not required:
        return None
    x = _figure(value)
    if pd.isna(x) or not float(x).is_integer():
        message = Message("{value} is not a whole number", N_("{value} non è un numero intero"),
                          value=repr(str(value)))  # fmt: skip
        row = int(index) + 1 if pd.api.types.is_integer(index) else None
        raise DataError(message, source=source, row=row, column=column)
    return int(x)


# -- the annual report --------------------------------------------------------------------


def report_file(ctx: SiteContext, organization: str, year: int) -> Path | None:
    """The city's annual report in the results folder, None when there is none.

    ``relazione-qualita-<slug>-<year>.html`` (the city's slug, as
    ``citta/<slug>.html``), or ``relazione-qualita-<year>.html`` (what
    ``qualitapa demo`` writes) when ``programme_results.csv`` is of this city
    only: the file does not name its city, the results table does.
    """
    own = ctx.results.file(f"relazione-qualita-{ctx.city_slug(organization)}-{year}.html")
    if own is not None:
        return own
    plain = ctx.results.file(f"relazione-qualita-{year}.html")
    results = _table(ctx, "programme_results")
    if plain is None or results is None or "organization" not in results.columns:
        return None
    return plain if set(results["organization"].astype(str)) == {organization} else None


def _designations(words: _Words, lang: str) -> dict[str, str]:
    """Person id -> how the public report names them: role and department, in ``lang``."""
    from qualitapa import programme as pg
    from qualitapa.i18n import translator

    t = translator(lang)
    departments = _department_names(lang, words.sheets["departments"])
    roles = words.sheets["roles"]
    if roles.empty:
        return {}
    held = _in_office(roles, words.year)
    rank = {role: i for i, role in enumerate(ROLE_ORDER)}
    held = held.assign(_r=held["role"].astype(str).map(rank)).sort_values("_r", kind="stable")
    out: dict[str, str] = {}
    for r in held.to_dict("records"):
        role = pg.RoleKind(str(r["role"]))  # _in_office keeps the known roles only
        department = str(r["department"])
        out.setdefault(str(r["person"]), t("{role} ({department})",
                       role=t.text(pg.label_of(role)),
                       department=departments.get(department, department)))  # fmt: skip
    return out


#: What the public report says instead of a name that has no role to stand for it.
_UNNAMED = N_("nome non pubblicato")


def masked_report(html: str, words: _Words) -> str | None:
    """The report's HTML with each name not marked public replaced by the person's role.

    None when the people sheet is not there (the names cannot be told apart
    from the rest of the text, so the report is not published).
    """
    people = words.sheets["people"]
    if people.empty or "name" not in people.columns:
        return None
    roles = _designations(words, _report_lang(html))
    hidden = people
    if "public" in people.columns:
        hidden = people[~people["public"].map(_is_public)]
    swaps: dict[str, str] = {}
    unnamed = translator(_report_lang(html))(_UNNAMED)  # in the report's language
    for r in hidden.to_dict("records"):
        instead = roles.get(str(r["person"]), unnamed)
        for column in ("name", "email"):
            if not _blank(r.get(column)):
                swaps[str(markupsafe.escape(str(r[column]).strip()))] = str(
                    markupsafe.escape(instead)
                )
    for name in sorted(swaps, key=len, reverse=True):
        html = html.replace(name, swaps[name])
    _refuse_left_names(html, hidden, words.organization)
    return html


def _plain(text: str) -> str:
    """The words of an HTML text, entities resolved, spaces single, case folded."""
    words = htmlmod.unescape(re.sub(r"<[^>]+>", " ", text))
    return " ".join(words.replace("\u2019", "'").split()).casefold()


def _refuse_left_names(html: str, hidden: pd.DataFrame, organization: str) -> None:
    """Fail closed: a name or e-mail not marked public still in the masked report
    (written otherwise: "ROSSI Mario", an entity, a line break) stops the public build."""
    text = _plain(html)
    left = [
        str(r["person"])
        for r in hidden.to_dict("records")
        for column in ("name", "email")
        if not _blank(r.get(column)) and _plain(str(r[column])) in text
    ]
    if left:
        raise DataError(
            Message(
                "the annual report of {organization} still names {people} where the names "
                "are not public: it is not published; write the names as the people sheet "
                "does, or mark them public",
                N_("la relazione annuale di {organization} nomina ancora {people}, i cui nomi "
                   "non sono pubblici: non viene pubblicata; scrivere i nomi come nel foglio "
                   "people o indicarli come pubblici"),
                organization=organization, people=", ".join(sorted(set(left))),
            ),
            column="name",
        )  # fmt: skip


#: What a report published inside the portal may not hold: scripts, frames, handlers,
#: resources or links from outside the site (the portal works offline and is the city's).
_ACTIVE = re.compile(
    r"<(script|iframe|object|embed|form)\b|\son[a-z]+\s*=|javascript:|(src|href)\s*=\s*[\"']?(https?:)?//",
    re.IGNORECASE,
)


def _refuse_active_content(html: str, source: str) -> None:
    """The report is HTML from the results folder: publish it only without active content."""
    found = _ACTIVE.search(html)
    if found is not None:
        raise DataError(
            Message(
                "the annual report holds {what}: the portal publishes only qualitapa's own "
                "report, without scripts or links out of the site",
                N_("la relazione annuale contiene {what}: il portale pubblica solo la relazione "
                   "di qualitapa, senza script né collegamenti fuori dal sito"),
                what=repr(found.group(0)[:40]),
            ),
            source=source,
        )  # fmt: skip


def report_body(html: str) -> tuple[str, str]:
    """The body of a standalone report for the site's layout, and the report's language.

    The layout writes the page's ``<h1>``: the report's is dropped, its
    ``<header>`` and ``<main>`` become ``<div>`` (the layout has its own),
    its ``num`` cells are right-aligned with Bootstrap Italia's class.

    Examples
    --------
    >>> report_body('<html lang="de"><body><header><h1>R</h1><p>x</p></header>'
    ...             '<main><td class="num">1</td></main></body></html>')
    ('<div><p>x</p></div><div><td class="num text-end">1</td></div>', 'de')
    """
    body = re.search(r"<body[^>]*>(.*)</body>", html, flags=re.S)
    text = body.group(1) if body else html
    text = re.sub(r"<h1\b[^>]*>.*?</h1>", "", text, count=1, flags=re.S)
    text = re.sub(r"<(/?)(?:header|main)\b[^>]*>", r"<\1div>", text)
    text = text.replace('class="num"', 'class="num text-end"')
    text = re.sub(r"<table(?=[\s>])", '<table class="table table-sm"', text)
    return text.strip(), _report_lang(html)


def _report_lang(html: str) -> str:
    """The language of a report (its ``<html lang>``; Italian when it says none)."""
    found = re.search(r"<html[^>]*\blang=\"([A-Za-z-]+)\"", html)
    return found.group(1) if found else "it"


def report_part(words: _Words) -> dict[str, Any] | None:
    """The annual report in the site: the public build hides the names not marked public."""
    ctx = words.ctx
    source = report_file(ctx, words.organization, words.year)
    if source is None:
        return None
    html = source.read_text(encoding="utf-8")
    _refuse_active_content(html, str(source))
    shown = html if ctx.members else masked_report(html, words)
    if shown is None:
        return None
    body, lang = report_body(shown)
    language = babel.Locale.parse(ctx.lang.replace("-", "_")).languages.get(
        lang.split("-")[0], lang
    )
    return {"path": report_path(ctx, words.organization, words.year), "year": words.year,
            "body": body, "lang": lang, "language": language,
            "masked": not ctx.members}  # fmt: skip


# -- pages and sections -------------------------------------------------------------------


def programme_context(ctx: SiteContext, organization: str) -> dict[str, Any] | None:
    """The programme page's template variables for ``organization`` (None without a programme).

    Computed once per language (the page and the sections share it).
    """
    found: dict[str, Any] | None = ctx.memo(
        f"programme.context.{organization}", lambda: _context(ctx, organization)
    )
    return found


def _context(ctx: SiteContext, organization: str) -> dict[str, Any] | None:
    year = programme_year(ctx, organization)
    if year is None:
        return None
    words = _Words(ctx, programme_sheets(ctx), organization, year)
    parts = {
        "plan": plan_part(words),
        "referents": referents_part(words),
        "certified": certified_part(words),
        "training": training_part(words),
        "practices": practices_part(words),
    }
    if not any(parts.values()):
        return None
    parts["report"] = report_part(words)
    return {"organization": organization, "city": ctx.org_name(organization), "year": year,
            "city_path": ctx.city_path(organization), **parts}  # fmt: skip


def programme_pages(ctx: SiteContext) -> Iterable[Page]:
    """``programma/<slug>.html`` for each of the site's cities with a quality programme,
    and its annual report (``programma/<slug>/relazione-qualita-<year>.html``) when there is one."""
    t = ctx.t
    for organization in programme_organizations(ctx):
        context = programme_context(ctx, organization)
        if context is None:
            continue
        city, year, here = context["city"], context["year"], programme_path(ctx, organization)
        crumbs = ((t("Città"), "citta/index.html"), (city, ctx.city_path(organization)))
        yield Page(
            path=here,
            title=t("Programma qualità di {city}", city=city),
            template="programme.html.j2",
            context=context,
            summary=t(
                "Il programma qualità di {city} nel {year}: piano annuale, referenti, servizi "
                "certificati, formazione e buone pratiche.",
                city=city,
                year=year,
            ),
            keywords=(city, t("piano della qualità"), t("referenti della qualità")),
            breadcrumbs=crumbs,
        )
        report = context["report"]
        if report is not None:
            title = t("Relazione annuale sul sistema qualità {year} – {city}", year=year, city=city)
            yield Page(
                path=report["path"],
                title=title,
                template="programme_report.html.j2",
                # the body is qualitapa's own report, rendered by its template with autoescape
                context={
                    "report": {**report, "body": markupsafe.Markup(report["body"])},
                    "programme_path": here,
                    "city": city,
                },
                summary=title,
                breadcrumbs=(*crumbs, (t("Programma qualità di {city}", city=city), here)),
            )


def city_section(ctx: SiteContext, organization: str) -> Mapping[str, Any] | None:
    """The city page's link to its programme page (None when the city has none)."""
    if organization not in programme_organizations(ctx):
        return None
    context = programme_context(ctx, organization)
    if context is None:
        return None
    plan = context["plan"] or {}
    return {"path": programme_path(ctx, organization), "city": context["city"],
            "year": context["year"], "counts": plan.get("counts")}  # fmt: skip


def home_section(ctx: SiteContext, subject: str) -> Mapping[str, Any] | None:
    """The home page's list of the cities with a quality programme (None when none has)."""
    cities = [
        {"city": ctx.org_name(o), "path": programme_path(ctx, o)}
        for o in programme_organizations(ctx)
        if programme_context(ctx, o) is not None
    ]
    return {"cities": cities} if cities else None


#: The programme's name: the menu's, and the heading of its sections on other pages.
_TITLE: Final = Text("Programma qualità", en="Quality programme", de="Qualitätsprogramm")

#: The programme's kind of page (menu "Programma qualità", order 40).
PROGRAMME_KIND: Final = PageKind(id="programme", title=_TITLE, order=40, build=programme_pages)


def _section(page: str, order: int, build: SectionBuilder) -> SiteSection:
    """The programme's section on the ``page`` kind: ``programme-<page>``, its template
    ``sections/programme_<page>.html.j2``."""
    return SiteSection(id=f"programme-{page}", page=page, title=_TITLE, order=order,
                       build=build, template=f"sections/programme_{page}.html.j2")  # fmt: skip


#: Its sections on the city pages and on the home page.
PROGRAMME_SECTIONS: Final = (_section("city", 85, city_section), _section("home", 60, home_section))
