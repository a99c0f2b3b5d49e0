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
import math
from collections.abc import Hashable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Final

import pandas as pd

from qualitapa.__about__ import __version__
from qualitapa.errors import DataError
from qualitapa.i18n import N_, Translator, Unit, template_environment, translator, unit
from qualitapa.improvement import actions_from_expected
from qualitapa.models import Text
from qualitapa.programme._models import (
    LABELS,
    ActivityStatus,
    ActivityType,
    ExpectedKind,
    PlanStatus,
)
from qualitapa.programme._monitoring import (
    expected_vs_obtained,
    overdue,
    progress,
    progress_by_department,
)

if TYPE_CHECKING:
    from qualitapa.catalog import Catalog

__all__ = ["INDEX_POINTS", "annual_report", "write_annual_report"]

#: The unit of a satisfaction index (0-100).
INDEX_POINTS: Final = Unit(
    "points",
    Text("punto su 100", en="point out of 100", de="Punkt von 100"),
    Text("punti su 100", en="points out of 100", de="Punkte von 100"),
)

_OUTCOMES: Final = {
    "met": N_("raggiunto"),
    "not_met": N_("non raggiunto"),
    "no_data": N_("dato non disponibile"),
}
_ACTION_STATUSES: Final = {
    "proposed": N_("proposta"),
    "planned": N_("pianificata"),
    "in_progress": N_("in corso"),
    "on_hold": N_("sospesa"),
    "done": N_("conclusa"),
    "cancelled": N_("annullata"),
}

_NEEDED: Final = ("departments", "people", "roles", "plans", "activities", "activity_status")


def _digits(value: float) -> int:
    """Two decimals below 10 (0,91 prestiti per abitante), one above (69,8 punti)."""
    return 2 if abs(value) < 10 else 1


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value == ""


def _day(value: object) -> dt.date | None:
    if _blank(value) or pd.isna(value):  # type: ignore[call-overload]
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
        deps = tables["departments"]
        self._departments = {
            str(r["department"]): self._pick(r.to_dict(), "name") for _, r in deps.iterrows()
        }
        self._people = {
            str(p): str(n) for p, n in zip(tables["people"]["person"], tables["people"]["name"],
                                           strict=True)
        }  # fmt: skip

    def _pick(self, row: Mapping[Hashable, object], prefix: str) -> str:
        own = row.get(f"{prefix}_{self.t.lang}")
        return str(own) if not _blank(own) else str(row[f"{prefix}_it"])

    def department(self, code: str) -> str:
        return self._departments.get(code, code)

    def person(self, code: object) -> str:
        return self._people.get(str(code), "" if _blank(code) else str(code))

    def title(self, row: Mapping[Hashable, object]) -> str:
        return self._pick(row, "title")

    def label(self, member: object) -> str:
        return self.t.text(LABELS[member])  # type: ignore[index]

    def measure(self, kind: str, ident: str) -> str:
        """The name of an indicator, standard or survey index (its id without a catalog)."""
        catalog = self.catalog
        base, _, dimension = ident.partition(":")
        if catalog is None:
            return ident
        if kind == "indicator" and base in catalog.indicators:
            return self.t.text(catalog.indicators[base].label)
        if kind == "standard" and base in catalog.standards:
            return self.t.text(catalog.standards[base].label)
        if kind == "survey_index" and base in catalog.instruments:
            instrument = catalog.instruments[base]
            name = self.t.text(instrument.label)
            dims = {d.id: d.label for d in instrument.dimensions}
            if dimension and dimension in dims:
                return f"{name}: {self.t.text(dims[dimension])}"
            return f"{name}: {self.t(N_('indice complessivo'))}"
        return ident

    def unit(self, kind: str, ident: str, name: str) -> Unit | None:
        """The unit of a measure: the indicator's (also behind a standard), points, %."""
        if kind == "survey_index":
            return INDEX_POINTS
        catalog = self.catalog
        if catalog is not None and kind == "standard" and ident in catalog.standards:
            std = catalog.standards[ident]
            indicator = std.indicator or ""
            if std.scope.value == "general" and indicator in catalog.indicators:
                name = str(catalog.indicators[indicator].unit or name)
        return unit(name) if name else None

    def quantity(self, value: float, unit_: Unit | None) -> str:
        if math.isnan(value):
            return self.t(N_("dato non disponibile"))
        return self.t.quantity(value, unit_, digits=_digits(value))


def _plan_rows(words: _Words, plans: pd.DataFrame) -> Sequence[Mapping[str, object]]:
    t = words.t
    rows = []
    for _, p in plans.sort_values("version").iterrows():
        rows.append(
            {
                "version": t.number(int(p["version"])),
                "resolution": str(p["resolution"]) if not _blank(p["resolution"]) else "–",
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
                "role": words.label(_role(str(r["role"]))),
                "since": t.date(_day(r["start"]), "medium"),
                "until": t.date(ended, "medium") if ended else "",
            }
        )
    return rows


def _role(value: str) -> object:
    from qualitapa.programme._models import RoleKind

    return RoleKind(value)


def _activity_rows(
    words: _Words, activities: pd.DataFrame, table: pd.DataFrame
) -> Sequence[Mapping[str, object]]:
    """Per department (in the order of the departments sheet), its activities."""
    t = words.t
    merged = table.merge(
        activities[["activity", "title_it", "title_de", "objective"]], on="activity", how="left"
    )
    groups = []
    for dept, part in merged.groupby("department", sort=False):
        groups.append(
            {
                "name": words.department(str(dept)),
                "rows": [
                    {
                        "title": words.title(r.to_dict()),
                        "type": words.label(ActivityType(str(r["type"]))),
                        "objective": "" if _blank(r["objective"]) else str(r["objective"]),
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
    words: _Words, activities: pd.DataFrame, eo: pd.DataFrame
) -> Sequence[Mapping[str, object]]:
    t = words.t
    titles = {str(r["activity"]): words.title(r.to_dict()) for _, r in activities.iterrows()}
    rows = []
    for _, r in eo.iterrows():
        kind, ident = str(r["expected_kind"]), str(r["expected_id"])
        unit_ = words.unit(kind, ident.partition(":")[0], str(r["unit"]))
        expected = words.quantity(float(r["expected"]), unit_)
        gap = float(r["gap"])
        rows.append(
            {
                "activity": titles.get(str(r["activity"]), str(r["activity"])),
                "department": words.department(str(r["department"])),
                "kind": words.label(ExpectedKind(kind)),
                "measure": words.measure(kind, ident),
                "expected": t(
                    N_("almeno {value}") if r["operator"] == ">=" else N_("al massimo {value}"),
                    value=expected,
                ),
                "obtained": words.quantity(float(r["obtained"]), unit_),
                "outcome": t(_OUTCOMES[str(r["outcome"])]),
                "cls": {"met": "yes", "not_met": "no"}.get(str(r["outcome"]), ""),
                "gap": "–" if math.isnan(gap) else t.signed(gap, digits=_digits(gap)),
            }
        )
    return rows


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
                "n": "–" if _blank(n) else t.number(int(n)),  # type: ignore[arg-type]
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
        if column in k.index and not _blank(k[column]) and not pd.isna(k[column]):
            rows.append((t(label), show(float(k[column]))))
    return rows


def _action_rows(
    words: _Words, activities: pd.DataFrame, actions: pd.DataFrame, eo: pd.DataFrame
) -> Sequence[Mapping[str, object]]:
    t = words.t
    linked = actions.loc[actions["activity"].fillna("").astype(str) != ""]
    titles = {str(r["activity"]): words.title(r.to_dict()) for _, r in activities.iterrows()}
    kinds = dict(zip(eo["activity"], eo["expected_kind"], strict=True))
    return [
        {
            "department": words.department(str(a["department"])),
            "activity": titles.get(str(a["activity"]), str(a["activity"])),
            "measure": words.measure(kinds.get(a["activity"], ""), str(a["reference"])),
            "priority": t.number(float(a["priority"]), digits=1),
            "status": t(_ACTION_STATUSES.get(str(a["status"]), str(a["status"]))),
        }
        for _, a in linked.iterrows()
    ]


def _meetings(
    words: _Words, meetings: pd.DataFrame, actions: pd.DataFrame, activities: pd.DataFrame
) -> Sequence[Mapping[str, object]]:
    t = words.t
    titles = {str(r["activity"]): words.title(r.to_dict()) for _, r in activities.iterrows()}
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
                "agenda": "" if _blank(m["agenda"]) else str(m["agenda"]),
                "decisions": "" if _blank(m["decisions"]) else str(m["decisions"]),
                "actions": [
                    {
                        "text": str(a["text"]),
                        "owner": words.person(a["owner"]),
                        "due": t.date(_day(a["due"]), "medium"),
                        "activity": titles.get(str(a["activity"]), "")
                        if not _blank(a["activity"])
                        else "",
                    }
                    for _, a in own.iterrows()
                ],
            }
        )
    return out


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
) -> str:
    """The annual quality report of ``organization`` for ``year``, as one HTML page.

    Parameters
    ----------
    tables
        The programme's sheets (``store.table(name)`` for each, or the
        sheets read from files): ``departments, people, roles, plans,
        activities, activity_status`` are needed; ``meetings`` and
        ``meeting_actions`` add the meetings' section.
    organization, year
        Whose plan, and which year (the rows of other organizations and
        years are left out).
    lang
        Language of the page (``it``; ``de`` where the labels exist, else
        Italian).
    as_of
        Date of the monitoring (default: 31 December of ``year``).
    values, compliance, survey
        Indicator values, standards compliance and survey indices, as
        :func:`~qualitapa.programme.expected_vs_obtained` reads them.
    complaints
        Complaint KPIs (:func:`qualitapa.complaints.kpis`: ``organization,
        received, answered, share_within_deadline, mean_answer_days,
        open``).
    actions
        An improvement-action table (:data:`qualitapa.improvement.ACTION_COLUMNS`);
        default: the actions :func:`~qualitapa.improvement.actions_from_expected`
        derives from the results not obtained. Actions linked to an
        activity are shown.
    catalog
        Names the indicators, standards and questionnaires, and gives their
        units and polarity.
    generated
        Date printed as the report's date (default: today).
    note
        A note printed under the title (e.g. that the data are synthetic).

    Returns
    -------
    str
        The HTML document.

    Raises
    ------
    DataError
        A needed sheet is missing, or the plan has no activity of
        ``organization`` and ``year``.

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
    missing = [name for name in _NEEDED if name not in tables]
    if missing:
        raise DataError(
            f"the annual report needs the sheets {', '.join(_NEEDED)}: {', '.join(missing)} missing"
        )
    t = translator(lang)
    when = pd.Timestamp(as_of).date() if as_of is not None else dt.date(year, 12, 31)
    own = {name: _own(frame, organization) for name, frame in tables.items()}
    own["people"] = tables["people"]

    def this_year(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.loc[frame["year"].astype("string") == str(year)]

    acts = this_year(own["activities"])
    if acts.empty:
        raise DataError(
            f"the plan has no activity of organization {organization!r} in {year}: "
            "check the activities sheet (columns organization and year)"
        )
    status = this_year(own["activity_status"])
    plans = this_year(own["plans"])
    words = _Words(t, own, catalog)
    table = progress(acts, status, as_of=when)
    by_dept = progress_by_department(acts, status, as_of=when)
    late = overdue(acts, status, as_of=when)
    eo = expected_vs_obtained(
        acts,
        values=values,
        compliance=compliance,
        survey=survey,
        catalog=catalog,
    )
    derived = actions_from_expected(eo) if actions is None else actions
    survey_own = _own(survey, organization)
    n_done = int((table["status"] == "done").sum())
    n_live = int((table["status"] != "cancelled").sum())
    outcomes = eo["outcome"].value_counts()
    org_name = (
        catalog.organizations[organization].name
        if catalog is not None and organization in catalog.organizations
        else organization
    )
    approved = plans.loc[plans["status"].astype(str) == "approved"]
    context = {
        "lang": t.lang,
        "t": t,
        "version": __version__,
        "generated": t.date(generated or dt.date.today()),
        "heading": t(N_("Relazione annuale sul sistema qualità {year}"), year=year),
        "organization": org_name,
        "as_of": t.date(when),
        "note": note or "",
        "summary": {
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
            "actions": t.number(int((derived["activity"].fillna("") != "").sum())),
        },
        "resolution": str(approved["resolution"].iloc[-1]) if len(approved) else "",
        "plans": _plan_rows(words, plans),
        "referents": _referents(words, own["roles"], when, year),
        "departments": _department_rows(words, by_dept),
        "activities": _activity_rows(words, acts, table),
        "late": [
            {
                "title": words.title(acts.set_index("activity").loc[r["activity"]].to_dict()),
                "department": words.department(str(r["department"])),
                "end": t.date(_day(r["planned_end"]), "medium"),
                "status": words.label(ActivityStatus(str(r["status"]))),
                "days": t.number(int(r["days_late"])),
            }
            for _, r in late.iterrows()
        ],
        "expected": _expected_rows(words, acts, eo),
        "surveys": _survey_rows(words, survey_own),
        "complaints": _complaint_rows(t, _own(complaints, organization)),
        "actions": _action_rows(words, acts, derived, eo),
        "meetings": _meetings(
            words,
            own.get("meetings", pd.DataFrame(columns=["date", "meeting"])),
            own.get("meeting_actions", pd.DataFrame(columns=["meeting"])),
            acts,
        ),
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
