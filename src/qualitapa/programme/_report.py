"""The annual quality report (relazione annuale sul sistema qualità) for the Giunta.

One self-contained HTML page (styles inline, printable on A4) rendered from
``templates/annual_report.html.j2`` with autoescape: the plan and its
approval acts, the network of quality referents, plan vs results per
department, overdue activities, expected vs obtained results (indicators,
standards, survey indices), survey indices, complaints, the improvement
actions the gaps open, and the referents' meetings. Every label comes from
the catalog, the sheets or the message catalogs, in the report's language
(Italian; German where the labels exist, Italian otherwise).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Hashable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Final

import pandas as pd

from qualitapa.__about__ import __version__
from qualitapa._html_style import REPORT_STYLE
from qualitapa.errors import DataError, Message
from qualitapa.i18n import N_, Translator, template_environment, translator, unit
from qualitapa.improvement import ActionStatus, actions_from_expected
from qualitapa.programme._models import (
    ActivityStatus,
    ActivityType,
    PlanStatus,
    RoleKind,
)
from qualitapa.programme._monitoring import (
    _by_department_of,
    _overdue_of,
    expected_vs_obtained,
    progress,
)
from qualitapa.programme._report_sections import (
    certification_section,
    practices_section,
    training_section,
)
from qualitapa.programme._report_sections import label as code_label
from qualitapa.programme._words import blank, measure_name, names, pick, results_in_words

if TYPE_CHECKING:
    from qualitapa.catalog import Catalog

#: An improvement action's status -> its label (:class:`qualitapa.improvement.ActionStatus`).
_ACTION_STATUSES: Final = {status.value: status.label for status in ActionStatus}

_NEEDED: Final = ("departments", "people", "roles", "plans", "activities", "activity_status")


def _day(value: object) -> dt.date | None:
    if blank(value) or pd.isna(value):  # type: ignore[call-overload]
        return None
    return pd.Timestamp(str(value)).date()


def _own(frame: pd.DataFrame | None, organization: str) -> pd.DataFrame:
    """The rows of ``organization`` (the codes compared as text)."""
    if frame is None:
        return pd.DataFrame()
    if "organization" not in frame.columns:
        return frame
    return frame.loc[frame["organization"].astype("string").eq(organization).fillna(False)]


class _Words:
    """Labels of the report's things in its language."""

    def __init__(
        self, t: Translator, tables: Mapping[str, pd.DataFrame], catalog: Catalog | None
    ) -> None:
        self.t = t
        self.catalog = catalog
        self._departments = names(tables["departments"], "department", "name", t.lang)
        self._people = {
            str(p): str(n) for p, n in zip(tables["people"]["person"], tables["people"]["name"],
                                           strict=True)
        }  # fmt: skip

    def department(self, code: str) -> str:
        return self._departments.get(code, code)

    def person(self, code: object) -> str:
        return self._people.get(str(code), "" if blank(code) else str(code))

    def title(self, row: Mapping[Hashable, object]) -> str:
        return pick(row, "title", self.t.lang)

    def titles(self, activities: pd.DataFrame) -> dict[str, str]:
        """Activity id -> its title."""
        return names(activities, "activity", "title", self.t.lang)

    def label(self, member: enum.Enum) -> str:
        return code_label(self.t, member)

    def measure(self, kind: str, ident: str) -> str:
        """The name of an indicator, standard or survey index (its id without a catalog)."""
        return measure_name(self.catalog, kind, ident, self.t)


def _plan_rows(words: _Words, plans: pd.DataFrame) -> Sequence[Mapping[str, object]]:
    t = words.t
    rows = []
    for _, p in plans.sort_values("version").iterrows():
        rows.append(
            {
                "version": t.number(int(p["version"])),
                "resolution": str(p["resolution"]) if not blank(p["resolution"]) else "–",
                "approved_on": t.date(_day(p["approved_on"])),
                "status": words.label(PlanStatus(str(p["status"]))),
            }
        )
    return rows


def _referents(
    words: _Words, roles: pd.DataFrame, as_of: dt.date, year: int
) -> Sequence[Mapping[str, object]]:
    """Referents and coordinators in office at some time of the year."""
    t = words.t
    start = pd.to_datetime(roles["start"].astype("string"), errors="coerce")
    end = pd.to_datetime(roles["end"].astype("string"), errors="coerce")
    first = pd.Timestamp(dt.date(year, 1, 1))
    live = (
        roles["role"].isin(["referent", "coordinator"])
        & (start <= pd.Timestamp(as_of))
        & (end.isna() | (end >= first))
    )
    sel = roles.loc[live].assign(_start=start[live]).sort_values(["department", "_start"])
    rows = []
    for _, r in sel.iterrows():
        ended = _day(r["end"])
        rows.append(
            {
                "department": words.department(str(r["department"])),
                "person": words.person(r["person"]),
                "role": words.label(RoleKind(str(r["role"]))),
                "since": t.date(_day(r["start"]), "medium"),
                "until": t.date(ended, "medium") if ended else "",
            }
        )
    return rows


def _activity_rows(
    words: _Words, activities: pd.DataFrame, table: pd.DataFrame
) -> Sequence[Mapping[str, object]]:
    """Per department (in the order of the departments sheet), its activities."""
    t = words.t
    titles = [c for c in ("title_it", "title_de", "title_en") if c in activities.columns]
    merged = table.merge(activities[["activity", *titles, "objective"]], on="activity", how="left")
    groups = []
    for dept, part in merged.groupby("department", sort=False):
        groups.append(
            {
                "name": words.department(str(dept)),
                "rows": [
                    {
                        "title": words.title(r.to_dict()),
                        "type": words.label(ActivityType(str(r["type"]))),
                        "objective": "" if blank(r["objective"]) else str(r["objective"]),
                        "end": t.date(_day(r["planned_end"]), "medium"),
                        "status": words.label(ActivityStatus(str(r["status"]))),
                        "progress": t.percent(float(r["progress"])),
                        "late": bool(r["overdue"]),
                    }
                    for _, r in part.iterrows()
                ],
            }
        )
    return groups


def _department_rows(words: _Words, by_dept: pd.DataFrame) -> Sequence[Mapping[str, object]]:
    t = words.t
    return [
        {
            "name": words.department(str(r["department"])),
            "activities": t.number(int(r["activities"])),
            "done": t.number(int(r["done"])),
            "open": t.number(int(r["planned"] + r["started"])),
            "suspended": t.number(int(r["suspended"])),
            "cancelled": t.number(int(r["cancelled"])),
            "overdue": t.number(int(r["overdue"])),
            "progress": t.percent(float(r["mean_progress"])),
        }
        for _, r in by_dept.iterrows()
    ]


def _expected_rows(
    t: Translator,
    catalog: Catalog | None,
    sheets: Mapping[str, pd.DataFrame],
    eo: pd.DataFrame,
) -> Sequence[Mapping[Hashable, object]]:
    """Expected vs obtained results in words (:func:`results_in_words`), titles for activities."""
    table = results_in_words(
        eo, sheets["activities"], sheets["departments"], catalog=catalog, lang=t.lang
    )
    table["activity"] = table["title"].where(table["title"] != "", table["activity"])
    table["cls"] = eo["outcome"].map({"met": "yes", "not_met": "no"}).fillna("").to_numpy()
    columns = ["activity", "department", "kind", "measure", "expected", "obtained", "outcome"]
    return table[[*columns, "cls", "gap"]].to_dict("records")


def _survey_rows(words: _Words, survey: pd.DataFrame) -> Sequence[Mapping[str, object]]:
    t = words.t
    if survey.empty:
        return []
    rows = []
    for _, r in survey.iterrows():
        instrument, dimension = str(r["instrument"]), str(r["dimension"])
        ident = instrument if dimension == "overall" else f"{instrument}:{dimension}"
        n = r.get("n")
        rows.append(
            {
                "measure": words.measure("survey_index", ident),
                "index": t.number(float(r["index"]), digits=1),
                "n": "–" if blank(n) else t.number(int(n)),  # type: ignore[arg-type]
                "overall": dimension == "overall",
            }
        )
    return rows


def _complaint_rows(t: Translator, kpis: pd.DataFrame) -> list[tuple[str, str]]:
    if kpis.empty:
        return []
    k = kpis.iloc[0]
    rows = []
    for column, label, show in (
        ("received", N_("Reclami ricevuti"), lambda v: t.number(int(v))),
        ("answered", N_("Reclami con risposta"), lambda v: t.number(int(v))),
        ("share_within_deadline", N_("Risposte entro il termine"), lambda v: t.percent(v, 1)),
        ("mean_answer_days", N_("Tempo medio di risposta"),
         lambda v: t.quantity(v, unit("days"), digits=1)),
        ("open", N_("Reclami aperti a fine periodo"), lambda v: t.number(int(v))),
    ):  # fmt: skip
        if column in k.index and not blank(k[column]) and not pd.isna(k[column]):
            rows.append((t(label), show(float(k[column]))))
    return rows


def _status_word(t: Translator, status: str) -> str:
    """An action's status in words (a code the plan does not know: as it is)."""
    label = _ACTION_STATUSES.get(status)
    return t(status) if label is None else t.text(label)


def _action_rows(
    words: _Words, activities: pd.DataFrame, actions: pd.DataFrame, eo: pd.DataFrame
) -> Sequence[Mapping[str, object]]:
    t = words.t
    linked = actions.loc[actions["activity"].fillna("").astype(str) != ""]
    titles = words.titles(activities)
    kinds = dict(zip(eo["activity"], eo["expected_kind"], strict=True))
    return [
        {
            "department": words.department(str(a["department"])),
            "activity": titles.get(str(a["activity"]), str(a["activity"])),
            "measure": words.measure(kinds.get(a["activity"], ""), str(a["reference"])),
            "priority": t.number(float(a["priority"]), digits=1),
            "status": _status_word(t, str(a["status"])),
        }
        for _, a in linked.iterrows()
    ]


def _meetings(
    words: _Words, sheets: Mapping[str, pd.DataFrame], activities: pd.DataFrame
) -> Sequence[Mapping[str, object]]:
    """The referents' meetings (sheets ``meetings``, ``meeting_actions``), by date."""
    t = words.t
    meetings = sheets.get("meetings", pd.DataFrame(columns=["date", "meeting"]))
    actions = sheets.get("meeting_actions", pd.DataFrame(columns=["meeting"]))
    titles = words.titles(activities)
    out = []
    for _, m in meetings.sort_values("date").iterrows():
        people = [words.person(p.strip()) for p in str(m["participants"]).split(";") if p.strip()]
        own = actions.loc[actions["meeting"].astype(str) == str(m["meeting"])]
        out.append(
            {
                "date": t.date(_day(m["date"])),
                "title": str(m["title_it"]),
                "participants": t.join(people),
                "n": t.number(len(people)),
                "agenda": "" if blank(m["agenda"]) else str(m["agenda"]),
                "decisions": "" if blank(m["decisions"]) else str(m["decisions"]),
                "actions": [
                    {
                        "text": str(a["text"]),
                        "owner": words.person(a["owner"]),
                        "due": t.date(_day(a["due"]), "medium"),
                        "activity": titles.get(str(a["activity"]), "")
                        if not blank(a["activity"])
                        else "",
                    }
                    for _, a in own.iterrows()
                ],
            }
        )
    return out


def _check_needed(tables: Mapping[str, pd.DataFrame]) -> None:
    missing = [name for name in _NEEDED if name not in tables]
    if missing:
        raise DataError(
            Message(
                "the annual report needs the sheets {needed}: {missing} missing",
                N_("la relazione annuale richiede i fogli {needed}: mancano {missing}"),
                needed=", ".join(_NEEDED),
                missing=", ".join(missing),
            )
        )


def _plan_sheets(
    tables: Mapping[str, pd.DataFrame], organization: str, year: int
) -> dict[str, pd.DataFrame]:
    """The sheets' rows of ``organization`` (its plan's of ``year``; every person)."""
    own = {name: _own(frame, organization) for name, frame in tables.items()}
    own["people"] = tables["people"]
    for name in ("activities", "activity_status", "plans"):
        own[name] = own[name].loc[own[name]["year"].astype("string") == str(year)]
    if own["activities"].empty:
        raise DataError(
            Message(
                "the plan has no activity of organization {organization} in {year}: "
                "check the activities sheet (columns organization and year)",
                N_(
                    "il piano non ha attività dell'ente {organization} nel {year}: controllare il "
                    "foglio activities (colonne organization e year)"
                ),
                organization=repr(organization),
                year=year,
            )
        )
    return own


def _heading(
    t: Translator,
    catalog: Catalog | None,
    organization: str,
    year: int,
    when: dt.date,
    generated: dt.date | None,
    note: str | None,
) -> dict[str, object]:
    """The page's language, title, organization, dates, note and style sheet."""
    org_name = (
        catalog.organizations[organization].name
        if catalog is not None and organization in catalog.organizations
        else organization
    )
    return {
        "lang": t.lang,
        "t": t,
        "version": __version__,
        "generated": t.date(generated or dt.date.today()),
        "heading": t(N_("Relazione annuale sul sistema qualità {year}"), year=year),
        "organization": org_name,
        "as_of": t.date(when),
        "note": note or "",
        "style": REPORT_STYLE,
    }


def _results(
    activities: pd.DataFrame,
    catalog: Catalog | None,
    actions: pd.DataFrame | None,
    *,
    values: pd.DataFrame | None,
    compliance: pd.DataFrame | None,
    survey: pd.DataFrame | None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Expected vs obtained, and the improvement actions (``actions``, or those the gaps open)."""
    eo = expected_vs_obtained(
        activities, values=values, compliance=compliance, survey=survey, catalog=catalog
    )
    return eo, actions_from_expected(eo, catalog=catalog) if actions is None else actions


def _summary(
    t: Translator,
    table: pd.DataFrame,
    late: pd.DataFrame,
    eo: pd.DataFrame,
    actions: pd.DataFrame,
) -> dict[str, object]:
    """The figures of the summary: activities, done, overdue, results, actions."""
    n_done = int((table["status"] == "done").sum())
    n_live = int((table["status"] != "cancelled").sum())
    outcomes = eo["outcome"].value_counts()
    return {
        "activities": t.number(len(table)),
        "n_activities": len(table),  # the count for the plural form
        "departments": t.number(int(table["department"].nunique())),
        "done": t.number(n_done),
        "done_share": t.percent(n_done / n_live if n_live else float("nan")),
        "overdue": t.number(len(late)),
        "cancelled": t.number(int((table["status"] == "cancelled").sum())),
        "expected": t.number(len(eo)),
        "met": t.number(int(outcomes.get("met", 0))),
        "not_met": t.number(int(outcomes.get("not_met", 0))),
        "no_data": t.number(int(outcomes.get("no_data", 0))),
        "actions": t.number(int((actions["activity"].fillna("") != "").sum())),
    }


def _resolution(plans: pd.DataFrame) -> str:
    """The resolution of the last approved version of the plan ('' when none)."""
    approved = plans.loc[plans["status"].astype(str) == "approved"]
    return str(approved["resolution"].iloc[-1]) if len(approved) else ""


def _late_rows(
    words: _Words, activities: pd.DataFrame, late: pd.DataFrame
) -> Sequence[Mapping[str, object]]:
    t = words.t
    by_id = activities.set_index("activity")
    return [
        {
            "title": words.title(by_id.loc[r["activity"]].to_dict()),
            "department": words.department(str(r["department"])),
            "end": t.date(_day(r["planned_end"]), "medium"),
            "status": words.label(ActivityStatus(str(r["status"]))),
            "days": t.number(int(r["days_late"])),
        }
        for _, r in late.iterrows()
    ]


def _plan_context(
    words: _Words,
    own: Mapping[str, pd.DataFrame],
    organization: str,
    when: dt.date,
    year: int,
    inputs: Mapping[str, pd.DataFrame | None],
) -> dict[str, object]:
    """The plan's sections: summary, plan, referents, departments, activities, results,
    surveys, complaints, improvement actions, meetings (``inputs``: the results' tables)."""
    t, catalog = words.t, words.catalog
    acts, status = own["activities"], own["activity_status"]
    table = progress(acts, status, as_of=when)
    late = _overdue_of(table)
    eo, derived = _results(acts, catalog, inputs["actions"], values=inputs["values"],
                           compliance=inputs["compliance"], survey=inputs["survey"])  # fmt: skip
    return {
        "summary": _summary(t, table, late, eo, derived),
        "resolution": _resolution(own["plans"]),
        "plans": _plan_rows(words, own["plans"]),
        "referents": _referents(words, own["roles"], when, year),
        "departments": _department_rows(words, _by_department_of(table)),
        "activities": _activity_rows(words, acts, table),
        "late": _late_rows(words, acts, late),
        "expected": _expected_rows(t, catalog, own, eo),
        "surveys": _survey_rows(words, _own(inputs["survey"], organization)),
        "complaints": _complaint_rows(t, _own(inputs["complaints"], organization)),
        "actions": _action_rows(words, acts, derived, eo),
        "meetings": _meetings(words, own, acts),
    }


def annual_report(  # noqa: PLR0913 - one keyword per table the report joins
    tables: Mapping[str, pd.DataFrame],
    *,
    organization: str,
    year: int,
    lang: str = "it",
    as_of: dt.date | str | None = None,
    values: pd.DataFrame | None = None,
    compliance: pd.DataFrame | None = None,
    survey: pd.DataFrame | None = None,
    complaints: pd.DataFrame | None = None,
    actions: pd.DataFrame | None = None,
    catalog: Catalog | None = None,
    generated: dt.date | None = None,
    note: str | None = None,
    benchmark: pd.DataFrame | None = None,
    club_practices: pd.DataFrame | None = None,
) -> str:
    """The annual quality report of ``organization`` for ``year``, as one HTML page.

    Parameters
    ----------
    tables
        The programme's sheets (``store.table(name)`` for each, or the
        sheets read from files): ``departments, people, roles, plans,
        activities, activity_status`` are needed; ``meetings`` and
        ``meeting_actions`` add the meetings' section; ``attendance,
        course_sessions, staff, training_needs, courses`` the training's;
        ``certifications, audits, findings`` the certified services' (alerts
        as of ``as_of``); ``practices`` the good practices'.
    organization, year
        Whose plan, and which year (the rows of other organizations and
        years are left out).
    lang
        Language of the page (``it``; ``de`` where the labels exist).
    as_of
        Date of the monitoring (default: 31 December of ``year``).
    values, compliance, survey
        Indicator values, standards compliance and survey indices, as
        :func:`~qualitapa.programme.expected_vs_obtained` reads them.
    complaints
        Complaint KPIs (:func:`qualitapa.complaints.kpis`).
    actions
        An improvement-action table (:data:`qualitapa.improvement.ACTION_COLUMNS`);
        default: the actions :func:`~qualitapa.improvement.actions_from_expected`
        derives from the results not obtained. Actions linked to an
        activity are shown.
    catalog
        Names the indicators, standards, questionnaires, cities; their units.
    generated
        Date printed as the report's date (default: today).
    note
        A note printed under the title (e.g. that the data are synthetic).
    benchmark, club_practices
        A benchmark (:func:`qualitapa.indicators.benchmark`) ranks the
        city on its practices' indicators and, with the practices of the
        club's cities (default: the ``practices`` sheet), suggests those of
        the better ranked cities for its worst gaps (:func:`suggest_practices`).

    Returns
    -------
    str
        The HTML document.

    Raises
    ------
    DataError
        A needed sheet is missing, the plan has no activity of
        ``organization`` and ``year``, a training or certification sheet
        is not as it should be, or ``organization`` is not in ``benchmark``.

    Examples
    --------
    >>> import pandas as pd
    >>> sheets = {
    ...     "departments": pd.DataFrame({"organization": ["mo"], "department": ["S01"],
    ...         "name_it": ["Servizi <demografici>"], "name_de": [""], "name_en": [""],
    ...         "parent": [""], "kind": ["settore"]}),
    ...     "people": pd.DataFrame({"person": ["P1"], "name": ["Anna Esempio"],
    ...         "email": [""], "category": ["D"]}),
    ...     "roles": pd.DataFrame({"organization": ["mo"], "department": ["S01"],
    ...         "person": ["P1"], "role": ["referent"], "start": ["2024-01-01"],
    ...         "appointed_by": [""], "end": [""]}),
    ...     "plans": pd.DataFrame({"organization": ["mo"], "year": [2024], "version": [1],
    ...         "resolution": ["12/2024"], "approved_on": ["2024-02-01"],
    ...         "status": ["approved"]}),
    ...     "activities": pd.DataFrame({"organization": ["mo"], "year": [2024],
    ...         "activity": ["A1"], "type": ["survey"], "department": ["S01"],
    ...         "owner": ["P1"], "objective": ["PEG-1"], "title_it": ["Indagine"],
    ...         "title_de": [""], "planned_start": ["2024-02-01"],
    ...         "planned_end": ["2024-06-30"], "expected_kind": [""], "expected_id": [""],
    ...         "expected_operator": [""], "expected_value": [""], "expected_period": [""]}),
    ...     "activity_status": pd.DataFrame({"organization": ["mo"], "year": [2024],
    ...         "activity": ["A1"], "at": ["2024-06-20"], "status": ["done"],
    ...         "progress": [1.0], "note": [""], "by": ["P1"]}),
    ... }
    >>> page = annual_report(sheets, organization="mo", year=2024)
    >>> "Servizi &lt;demografici&gt;" in page, "Delibera di Giunta" in page
    (True, True)
    """
    _check_needed(tables)
    t = translator(lang)
    when = pd.Timestamp(as_of).date() if as_of is not None else dt.date(year, 12, 31)
    own = _plan_sheets(tables, organization, year)
    words = _Words(t, own, catalog)
    inputs = {"values": values, "compliance": compliance, "survey": survey,
              "complaints": complaints, "actions": actions}  # fmt: skip
    club = tables.get("practices") if club_practices is None else club_practices
    shared = practices_section(words, own, organization, year, values=values,
                               benchmark=benchmark, club_practices=club)  # fmt: skip
    context = {
        **_heading(t, catalog, organization, year, when, generated, note),
        **_plan_context(words, own, organization, when, year, inputs),
        "training": training_section(words, own, year),
        "certified": certification_section(words, own, year, when),
        "practices": shared,
    }
    template = template_environment("qualitapa.programme").get_template("annual_report.html.j2")
    return template.render(**context)


def write_annual_report(
    path: str | Path, tables: Mapping[str, pd.DataFrame], **options: object
) -> Path:
    """Render :func:`annual_report` and write it to ``path`` (UTF-8); return the path."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(annual_report(tables, **options), encoding="utf-8")  # type: ignore[arg-type]
    return target
