"""The annual report's sections on training, certified services and good practices.

Each builder takes the report's words (:class:`~qualitapa.programme._report._Words`:
the translator, the catalog, the departments' and people's names) and the
sheets of the report's organization, and returns the section's context for
``templates/annual_report_*.html.j2``, or None when the sheets it reads are
absent or empty (a programme without them renders as before). Figures come
from the programme's functions (:func:`training_hours`,
:func:`needs_vs_delivered`, :func:`certification_alerts`,
:func:`suggest_practices`); every code is shown by its label in the
report's language.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from collections.abc import Hashable, Mapping, Sequence
from typing import TYPE_CHECKING, Protocol

import pandas as pd
from babel import dates as babel_dates

from qualitapa.errors import DataError, Message
from qualitapa.i18n import N_, Translator
from qualitapa.models import Text
from qualitapa.programme._certification import (
    AlertKind,
    AuditKind,
    CertificateStatus,
    FindingKind,
    certification_alerts,
)
from qualitapa.programme._models import LABELS
from qualitapa.programme._practices import split_list, suggest_practices
from qualitapa.programme._sheets import SHEETS
from qualitapa.programme._training import (
    Audience,
    NeedStatus,
    Priority,
    needs_vs_delivered,
    training_hours,
)
from qualitapa.programme._words import blank, digits, measure_name, pick, unit_of

if TYPE_CHECKING:
    from qualitapa.catalog import Catalog

Row = Mapping[str, object]


class Words(Protocol):
    """What a section needs of the report's words."""

    t: Translator
    catalog: Catalog | None

    def department(self, code: str) -> str: ...

    def person(self, code: object) -> str: ...


def label(t: Translator, member: enum.Enum) -> str:
    """The label of a code in ``t``'s language (the member's own, else :data:`LABELS`)."""
    own = getattr(member, "label", None)
    text = own if isinstance(own, Text) else LABELS[member]  # type: ignore[index]
    return t.text(text)


def _sheet(own: Mapping[str, pd.DataFrame], name: str) -> pd.DataFrame:
    """The sheet ``name`` with every column of its spec (empty when absent)."""
    frame = own.get(name)
    columns = list(SHEETS[name].columns)
    if frame is None or frame.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    return frame.reindex(columns=[*frame.columns, *(c for c in columns if c not in frame)])


def _present(own: Mapping[str, pd.DataFrame], *names: str) -> bool:
    return all(name in own and not own[name].empty for name in names)


def _days(values: pd.Series[str] | pd.Series[pd.Timestamp]) -> pd.Series[pd.Timestamp]:
    return pd.to_datetime(values.astype("string"), errors="coerce", format="ISO8601")


def _date(t: Translator, value: object) -> str:
    """A date in numbers with the year in full (``31/12/2024``, ``31.12.2024``); ``–`` blank."""
    if blank(value) or pd.isna(value):  # type: ignore[call-overload]
        return "–"
    return babel_dates.format_skeleton("yMMdd", pd.Timestamp(str(value)).date(), locale=t.locale)


def _hours(t: Translator, value: float) -> str:
    return t.number(value, digits=0 if float(value).is_integer() else 1)


# -- training -----------------------------------------------------------------------------


def _hours_rows(words: Words, own: Mapping[str, pd.DataFrame], year: int) -> Sequence[Row]:
    """Hours, people trained and hours per employee per department, the city's total last."""
    t = words.t
    table = training_hours(
        _sheet(own, "attendance"),
        _sheet(own, "course_sessions"),
        _sheet(own, "staff"),
        year=year,
    )
    rows = []
    for r in table.to_dict("records"):
        total = r["level"] == "organization"
        per = float(r["hours_per_employee"])
        rows.append(
            {
                "total": total,
                "name": "" if total else words.department(str(r["department"])),
                "employees": t.number(r["employees"], digits=0),
                "hours": _hours(t, float(r["hours"])),
                "trained": t.number(int(r["people_trained"])),
                "per_employee": t.number(per, digits=digits(per)) if per == per else "–",
                "share": t.percent(r["share_trained"]),
            }
        )
    return rows


def _courses_by_department(own: Mapping[str, pd.DataFrame], year: int) -> pd.Series[int]:
    """How many distinct courses each department's people attended in ``year``."""
    att, sessions = _sheet(own, "attendance"), _sheet(own, "course_sessions")
    keys = ["organization", "course", "session"]
    dated = sessions.assign(_year=_days(sessions["date"]).dt.year)[[*keys, "_year"]]
    joined = (
        att[[*keys, "department"]].astype(str).merge(dated.astype({k: str for k in keys}), on=keys)
    )
    joined = joined[joined["_year"] == year]
    return joined.groupby("department")["course"].nunique()


def _needs_rows(
    words: Words, own: Mapping[str, pd.DataFrame], year: int
) -> tuple[Sequence[Row], Sequence[Row]]:
    """Per department: needs, hours needed and delivered, courses, open needs; the open ones."""
    t = words.t
    table = needs_vs_delivered(
        _sheet(own, "training_needs"),
        _sheet(own, "courses"),
        _sheet(own, "course_sessions"),
        _sheet(own, "attendance"),
    )
    for value in table["priority"]:  # every priority checked, also those of needs met
        _priority(t, value)
    table = table[table["year"] == year]
    courses = _courses_by_department(own, year)
    titles = _topic_titles(own)
    by_dept = []
    for dept, part in table.groupby("department", sort=False):
        by_dept.append(
            {
                "name": words.department(str(dept)),
                "needs": t.number(len(part)),
                "hours_needed": _hours(t, float(part["hours_needed"].sum())),
                "hours_delivered": _hours(t, float(part["hours_delivered"].sum())),
                "courses": t.number(int(courses.get(dept, 0))),
                "open": t.number(int((part["status"] != NeedStatus.MET.value).sum())),
            }
        )
    open_rows = [
        {
            "department": words.department(str(r["department"])),
            "topic": titles.get(str(r["topic"]), str(r["topic"])),
            "audience": label(t, Audience(r["audience"])),
            "priority": _priority(t, r["priority"]),
            "hours_needed": _hours(t, float(r["hours_needed"])),
            "hours_delivered": _hours(t, float(r["hours_delivered"])),
            "status": label(t, NeedStatus(r["status"])),
        }
        for r in table[table["status"] != NeedStatus.MET.value].to_dict("records")
    ]
    return by_dept, open_rows


def _priority(t: Translator, value: object) -> str:
    """A need's priority in words (``–`` when blank); another value is an error."""
    if blank(value):
        return "–"
    try:
        return label(t, Priority(str(value)))
    except ValueError:
        allowed = ", ".join(p.value for p in Priority)
        raise DataError(
            Message(
                "{value} is not one of {allowed}",
                N_("{value} non è tra i valori ammessi: {allowed}"),
                value=repr(value),
                allowed=allowed,
            ),
            source="training_needs",
            column="priority",
        ) from None


def _topic_titles(own: Mapping[str, pd.DataFrame]) -> dict[str, str]:
    """A topic code -> the titles of its courses (the code shows what the need is about)."""
    courses = _sheet(own, "courses")
    out: dict[str, str] = {}
    for topic, part in courses.groupby(courses["topic"].astype(str), sort=False):
        out[str(topic)] = "; ".join(sorted(set(part["title"].astype(str))))
    return out


def training_section(
    words: Words, own: Mapping[str, pd.DataFrame], year: int
) -> dict[str, object] | None:
    """Hours per employee per department and the city's total; needs vs delivered.

    None without attendance (and sessions) nor training needs in the sheets.
    """
    hours = _present(own, "attendance", "course_sessions")
    needs = _present(own, "training_needs", "courses")
    if not (hours or needs):
        return None
    rows = _hours_rows(words, own, year) if hours else []
    by_dept, open_needs = _needs_rows(words, own, year) if needs else ([], [])
    if not (rows or by_dept):
        return None
    return {"hours": rows, "needs": by_dept, "open_needs": open_needs}


# -- certified services -------------------------------------------------------------------


def _service(words: Words, row: Mapping[Hashable, object]) -> str:
    """A certificate's service (its department's name when no service is written)."""
    if not blank(row.get("service")):
        return str(row["service"])
    if not blank(row.get("department")):
        return words.department(str(row["department"]))
    return str(row["certificate"])


def _certificate_rows(words: Words, certs: pd.DataFrame) -> Sequence[Row]:
    t = words.t
    return [
        {
            "service": _service(words, r),
            "standard": str(r["standard"]),
            "scope": "" if blank(r["scope"]) else str(r["scope"]),
            "body": "" if blank(r["body"]) else str(r["body"]),
            "number": "" if blank(r["number"]) else str(r["number"]),
            "first": _date(t, r["first_issued"]) if not blank(r["first_issued"]) else "",
            "issued": _date(t, r["issued"]),
            "expires": _date(t, r["expires"]),
            "status": label(t, CertificateStatus(str(r["status"]).strip().lower())),
        }
        for r in certs.to_dict("records")
    ]


def _audit_rows(
    words: Words,
    certs: pd.DataFrame,
    audits: pd.DataFrame,
    findings: pd.DataFrame,
    year: int,
    when: dt.date,
) -> Sequence[Row]:
    """The audits of ``year`` up to ``when``: findings by kind, corrective actions' state."""
    t, day = words.t, pd.Timestamp(when)
    dates = _days(audits["date"])
    services = {str(r["certificate"]): _service(words, r) for r in certs.to_dict("records")}
    kind = findings["kind"].astype("string").str.strip().str.lower()
    closed = _days(findings["closed"])
    is_closed = closed.notna() & (closed <= day)
    due = _days(findings["due"])
    has_action = kind.isin([k.value for k in FindingKind if k.is_nonconformity]) | ~findings[
        "action"
    ].map(blank)
    late = has_action & ~is_closed & due.notna() & (due < day)
    rows = []
    of_year = ((dates.dt.year == year) & (dates <= day)).to_numpy()
    for i in dates[of_year].sort_values(kind="stable").index:
        a = audits.loc[i]
        mine = (findings["audit"].astype(str) == str(a["audit"])).to_numpy()
        counts = kind[mine].value_counts()
        acted = (has_action & mine).to_numpy()
        rows.append(
            {
                "date": _date(t, dates[i]),
                "service": services.get(str(a["certificate"]), str(a["certificate"])),
                "kind": label(t, AuditKind(str(a["kind"]).strip().lower())),
                "body": "" if blank(a["body"]) else str(a["body"]),
                **{k.value: t.number(int(counts.get(k.value, 0))) for k in FindingKind},
                "closed": t.number(int((is_closed & acted).sum())),
                "open": t.number(int((~is_closed & acted & ~late).sum())),
                "late": t.number(int((late & acted).sum())),
            }
        )
    return rows


def alert_timing(t: Translator, days_left: object, days_late: object) -> str:
    """When a certification alert falls due, in words: in how many days, or since how many.

    The columns ``days_left`` and ``days_late`` of :func:`certification_alerts`;
    an empty cell (None, NaN) is not said. The annual report and the
    portal's programme page say it this way.

    Parameters
    ----------
    t
        The translator of the words' language.
    days_left, days_late
        Days until the alert's date, or since it (a number or an empty cell).

    Returns
    -------
    str
        ``"tra 74 giorni"``, ``"da 1 giorno"``; ``""`` when both are empty.

    Examples
    --------
    >>> from qualitapa.i18n import translator
    >>> t = translator("it")
    >>> alert_timing(t, 74, None), alert_timing(t, float("nan"), 1), alert_timing(t, None, None)
    ('tra 74 giorni', 'da 1 giorno', '')
    >>> alert_timing(translator("de"), 74.0, None)
    'in 74 Tagen'
    """
    left, late = _day_count(days_left), _day_count(days_late)
    if left is not None:
        return t.plural("tra {n} giorno", "tra {n} giorni", left)
    if late is not None:
        return t.plural("da {n} giorno", "da {n} giorni", late)
    return ""


def _day_count(value: object) -> int | None:
    """A count of days from a cell (a whole number or its text); None when empty or NaN.

    A count that is not a whole number of days, or is negative, is refused
    (:class:`~qualitapa.errors.DataError`): ``3,5`` or ``-2`` days cannot be said
    and would hide an error upstream.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        x = float(value) if isinstance(value, int | float) else float(str(value).strip())
    except ValueError:
        x = math.inf
    if math.isnan(x):
        return None
    if not (math.isfinite(x) and x >= 0 and x == int(x)):
        raise DataError(
            Message(
                "{value} is not a number of days (a whole number, 0 or more)",
                N_("{value} non è un numero di giorni (un numero intero, 0 o più)"),
                value=repr(value),
            ),
            column="days_left/days_late",
        )
    return int(x)


def _alert_rows(words: Words, alerts: pd.DataFrame, certs: pd.DataFrame) -> Sequence[Row]:
    t = words.t
    services = {str(r["certificate"]): _service(words, r) for r in certs.to_dict("records")}
    rows = []
    for r in alerts.to_dict("records"):
        rows.append(
            {
                "kind": label(t, AlertKind(str(r["kind"]))),
                "severe": int(r["severity"]) <= 2,
                "service": services.get(str(r["certificate"]), str(r["certificate"])),
                "date": _date(t, r["date"]),
                "when": alert_timing(t, r["days_left"], r["days_late"]),
                "owner": words.person(r["owner"]) if not blank(r["owner"]) else "",
            }
        )
    return rows


def certification_section(
    words: Words, own: Mapping[str, pd.DataFrame], year: int, when: dt.date
) -> dict[str, object] | None:
    """Certified services, the audits of ``year`` and the alerts on ``when``; None without
    certificates."""
    if not _present(own, "certifications"):
        return None
    certs = _sheet(own, "certifications")
    audits, findings = _sheet(own, "audits"), _sheet(own, "findings")
    alerts = certification_alerts(certs, audits, findings, as_of=when)
    return {
        "certificates": _certificate_rows(words, certs),
        "audits": _audit_rows(words, certs, audits, findings, year, when),
        "alerts": _alert_rows(words, alerts, certs),
        "as_of": _date(words.t, when),
    }


# -- good practices -----------------------------------------------------------------------


def _quantity(words: Words, indicator: str, value: float) -> str:
    catalog = words.catalog
    name = (
        catalog.indicators[indicator].unit if catalog and indicator in catalog.indicators else None
    )
    return words.t.quantity(
        value, unit_of(catalog, "indicator", indicator, name), digits=digits(value)
    )


def _rank(t: Translator, rank: object, n: object) -> str:
    if blank(rank) or pd.isna(rank) or blank(n) or pd.isna(n):  # type: ignore[call-overload]
        return ""
    return t("{rank}° su {n}", rank=t.number(int(float(rank))), n=t.number(int(float(n))))  # type: ignore[arg-type]


def _evidence(
    words: Words,
    indicators: Sequence[str],
    organization: str,
    year: int,
    values: pd.DataFrame | None,
    benchmark: pd.DataFrame | None,
) -> Sequence[Row]:
    """The city's value (and rank, from the benchmark) on each indicator, in ``year``."""
    t = words.t
    out = []
    for ident in indicators:
        row: dict[str, object] = {
            "name": measure_name(words.catalog, "indicator", ident, t),
            "value": "",
            "rank": "",
        }
        for table in (values, benchmark):
            if table is None or table.empty:
                continue
            hit = table[
                (table["organization"].astype(str) == organization)
                & (table["indicator"].astype(str) == ident)
                & (table["period"].astype(str) == str(year))
            ]
            if len(hit) and not pd.isna(hit["value"].iloc[0]):
                row["value"] = _quantity(words, ident, float(hit["value"].iloc[0]))
                if "rank" in hit.columns:
                    row["rank"] = _rank(t, hit["rank"].iloc[0], hit["n"].iloc[0])
        out.append(row)
    return out


def _organization_name(catalog: Catalog | None, code: str) -> str:
    if catalog is not None and code in catalog.organizations:
        return catalog.organizations[code].name
    return code


def _suggestion_rows(
    words: Words, benchmark: pd.DataFrame, pool: pd.DataFrame, organization: str
) -> Sequence[Row]:
    """For the city's worst gaps, the practices of the cities ranked better (by indicator)."""
    t = words.t
    table = suggest_practices(benchmark, pool, organization)
    groups = []
    for ident, part in table.groupby("indicator", sort=False):
        first = part.iloc[0]
        groups.append(
            {
                "indicator": measure_name(words.catalog, "indicator", str(ident), t),
                "period": str(first["period"]),
                "value": _quantity(words, str(ident), float(first["value"])),
                "rank": _rank(t, first["rank"], first["n"]),
                "practices": [
                    {
                        "city": _organization_name(words.catalog, str(p["practice_organization"])),
                        "title": pick(p, "title", t.lang),
                        "service": "" if blank(p["service"]) else str(p["service"]),
                        "since": "" if blank(p["since"]) else str(p["since"]),
                        "value": _quantity(words, str(ident), float(p["practice_value"])),
                        "rank": _rank(t, p["practice_rank"], p["n"]),
                    }
                    for p in part.to_dict("records")
                ],
            }
        )
    return groups


def practices_section(
    words: Words,
    own: Mapping[str, pd.DataFrame],
    organization: str,
    year: int,
    *,
    values: pd.DataFrame | None = None,
    benchmark: pd.DataFrame | None = None,
    club_practices: pd.DataFrame | None = None,
) -> dict[str, object] | None:
    """The city's practices with their indicators' values; the practices suggested for its
    worst gaps (with a benchmark, from ``club_practices``); None when there is neither."""
    t = words.t
    mine = _sheet(own, "practices")
    rows = [
        {
            "title": pick(p, "title", t.lang),
            "service": "" if blank(p["service"]) else str(p["service"]),
            "since": "" if blank(p["since"]) else str(int(float(str(p["since"])))),
            "description": "" if blank(p["description"]) else str(p["description"]),
            "evidence": _evidence(
                words, split_list(p["indicators"]), organization, year, values, benchmark
            ),
        }
        for p in mine.to_dict("records")
    ]
    suggestions: Sequence[Row] = []
    if benchmark is not None and club_practices is not None and not club_practices.empty:
        suggestions = _suggestion_rows(words, benchmark, club_practices, organization)
    if not (rows or suggestions):
        return None
    return {"own": rows, "suggestions": suggestions}
