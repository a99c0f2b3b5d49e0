"""``qualitapa programme training`` and ``certifications``: training and certified services.

The two commands of issue 20 that read the programme store (``--db``, as
the other ``programme`` commands): hours of training per employee and
training needs against training delivered
(:func:`~qualitapa.programme.training_hours`,
:func:`~qualitapa.programme.needs_vs_delivered`), the personnel plugin's
variables (:func:`~qualitapa.programme.training_variables`), and the
alerts of the certified services
(:func:`~qualitapa.programme.certification_alerts`) with their corrective
actions for the improvement plan
(:func:`~qualitapa.programme.actions_from_findings`).

Tables for people have their headers, codes and dates in the language
(``31/12/2024`` in Italian); CSV, JSON and Excel keep the columns and codes
of the library's functions.
"""

from __future__ import annotations

import datetime as dt
import enum
from pathlib import Path
from typing import TYPE_CHECKING

import click
import pandas as pd

from qualitapa.cli._main import echo, emit, for_people, get_catalog, nothing
from qualitapa.cli._options import date_value, lang_option, output_options
from qualitapa.cli._programme import (
    _,
    _db_option,
    _organization_option,
    _scope,
    _store,
    programme_group,
)
from qualitapa.i18n import N_, Translator, translator

if TYPE_CHECKING:
    from qualitapa.programme import ProgrammeStore

#: Headers of the training and certification tables for people (Italian msgids).
HEADERS = {
    "year": N_("Anno"),
    "department": N_("Settore"),
    "person": N_("Dipendente"),
    "course": N_("Corso"),
    "audience": N_("Destinatari"),
    "sessions": N_("Edizioni"),
    "course_hours": N_("Ore del corso"),
    "participants": N_("Partecipanti"),
    "hours": N_("Ore di formazione"),
    "people_trained": N_("Persone formate"),
    "employees": N_("Dipendenti"),
    "hours_per_employee": N_("Ore per dipendente"),
    "share_trained": N_("Quota di personale formato"),
    "topic": N_("Argomento"),
    "priority": N_("Priorità"),
    "people_needed": N_("Persone da formare"),
    "hours_per_person": N_("Ore per persona"),
    "hours_needed": N_("Ore necessarie"),
    "hours_delivered": N_("Ore erogate"),
    "coverage": N_("Copertura"),
    "status": N_("Stato"),
    "variable_label": N_("Variabile"),
    "value": N_("Valore"),
    "certificate": N_("Certificato"),
    "service": N_("Servizio"),
    "standard": N_("Norma"),
    "kind": N_("Avviso"),
    "date": N_("Data"),
    "days_left": N_("Giorni alla scadenza"),
    "days_late": N_("Giorni di ritardo"),
    "audit": N_("Audit"),
    "finding": N_("Rilievo"),
    "owner": N_("Responsabile"),
}

_TRAINING = ("courses", "course_sessions", "attendance", "staff", "training_needs")


def headers(lang: str) -> dict[str, str]:
    """The headers of :data:`HEADERS` in ``lang``."""
    t = translator(lang)
    return {column: str(t(msgid)) for column, msgid in HEADERS.items()}


def day_text(day: object, lang: str) -> str:
    """A date as people of ``lang`` write it: ``31/12/2024`` in Italian, blank when missing.

    Examples
    --------
    >>> day_text(dt.date(2024, 12, 31), "it"), day_text("2024-12-31", "de"), day_text(None, "it")
    ('31/12/2024', '31.12.2024', '')
    """
    if not isinstance(day, dt.date | str) or pd.isna(day):
        return ""
    when = pd.Timestamp(day).date()
    if lang.split("_")[0] == "it":
        return f"{when:%d/%m/%Y}"
    return translator(lang).date(when, format="medium")


def _code_words(values: pd.Series[str], codes: type[enum.StrEnum], t: Translator) -> pd.Series[str]:
    """The ``codes`` (audience, priority, alert kind...) of ``values`` as words.

    One enum at a time: a code may mean two things (``expired``, a
    certificate's status or an alert's kind).
    """
    from qualitapa.programme import LABELS

    words = {str(code.value): t.text(LABELS[code]) for code in codes}
    return values.map(lambda v: "" if v is None or pd.isna(v) else words.get(str(v), v))


def department_names(store: ProgrammeStore, organization: str | None, lang: str) -> dict[str, str]:
    """Department code -> ``"S03 Servizi demografici"`` (the name in ``lang``, else Italian)."""
    deps = _scope(store.table("departments"), organization, None)
    column = f"name_{lang}" if f"name_{lang}" in deps.columns else "name_it"
    names = deps[column].where(deps[column].notna(), deps["name_it"])
    return {
        str(code): f"{code} {name}" if isinstance(name, str) else str(code)
        for code, name in zip(deps["department"], names, strict=True)
    }


def _only_one_organization(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` without its ``organization`` column when it names one organization only."""
    if "organization" in frame.columns and frame["organization"].nunique() <= 1:
        return frame.drop(columns=["organization"])
    return frame


def _sheets(store: ProgrammeStore, organization: str | None) -> dict[str, pd.DataFrame]:
    return {name: _scope(store.table(name), organization, None) for name in _TRAINING}


def _per_person(sheets: dict[str, pd.DataFrame], year: int | None) -> pd.DataFrame:
    """Hours each person attended per year (the library's hours: blank = the whole session)."""
    from qualitapa.programme import attended_hours

    done = attended_hours(sheets["attendance"], sheets["course_sessions"], year=year)
    keys = ["organization", "year", "person", "department"]
    out = done.groupby(keys, sort=True)["hours"].sum().reset_index()
    out["year"] = out["year"].astype("int64")
    return out


def _per_course(sheets: dict[str, pd.DataFrame], year: int | None) -> pd.DataFrame:
    """Each course's hours (:func:`course_hours`) with its participants and hours attended."""
    from qualitapa.programme import attended_hours, course_hours

    courses = sheets["courses"]
    hours = course_hours(courses, sheets["course_sessions"]).rename(
        columns={"hours": "course_hours"}
    )
    done = attended_hours(sheets["attendance"], sheets["course_sessions"], year=year)
    keys = ["organization", "course"]
    attended = done.groupby(keys).agg(participants=("person", "nunique"), hours=("hours", "sum"))
    out = hours.join(attended, on=keys)
    out["participants"] = out["participants"].fillna(0).astype("int64")
    out["hours"] = out["hours"].fillna(0.0)
    info = courses[["organization", "course", "title", "topic", "audience"]]
    out = out.merge(info, on=keys, how="left")
    return out[["organization", "course", "title", "topic", "audience", "sessions",
                "course_hours", "hours_from", "participants", "hours"]]  # fmt: skip


def _topic_titles(courses: pd.DataFrame) -> dict[str, str]:
    """A topic code -> its code and the titles of its courses (what the need is about)."""
    titles = courses.groupby(courses["topic"].astype(str))["title"].agg(
        lambda s: "; ".join(sorted(set(s.astype(str))))
    )
    return {str(topic): f"{topic} ({title})" for topic, title in titles.items()}


def _training_for_people(
    table: pd.DataFrame, names: dict[str, str], lang: str, topics: dict[str, str] | None = None
) -> pd.DataFrame:
    """A training table in words: departments by name, codes as words, shares as percent."""
    t = translator(lang)
    out = _only_one_organization(table)
    if topics and "topic" in out.columns:
        out["topic"] = out["topic"].map(lambda c: topics.get(str(c), c))
    if "level" in out.columns:
        total = str(t("Totale ente"))
        out["department"] = [
            total if level == "organization" else names.get(str(d), d)
            for level, d in zip(out["level"], out["department"], strict=True)
        ]
        out = out.drop(columns=["level"])
    elif "department" in out.columns:
        out["department"] = out["department"].map(lambda d: names.get(str(d), d))
    from qualitapa.programme import Audience, NeedStatus, Priority

    for column, codes in (("audience", Audience), ("priority", Priority), ("status", NeedStatus)):
        if column in out.columns:
            out[column] = _code_words(out[column], codes, t)
    if "employees" in out.columns:
        out["employees"] = out["employees"].astype("Float64").round().astype("Int64")
    for column in ("share_trained", "coverage"):
        if column in out.columns:
            out[column] = out[column].map(
                lambda v: "–" if pd.isna(v) else t.percent(float(v), digits=0)
            )
    if "course" in out.columns and "title" in out.columns:
        out["course"] = (out["course"] + " " + out["title"].fillna("")).str.strip()
        out = out.drop(columns=["title", "hours_from"])
    return out


def _variables_for_people(variables: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The personnel variables with their labels (the catalog's) instead of their ids."""
    from qualitapa._labelling import labels_of

    try:
        known = labels_of(get_catalog().collection("variables"), lang)
    except KeyError:
        known = {}
    out = variables.rename(columns={"period": "year"})
    out.insert(2, "variable_label", out["variable"].map(lambda v: known.get(v, v)))
    return _only_one_organization(out.drop(columns=["variable"]))


@programme_group.command("training")
@_db_option
@_organization_option
@click.option("--year", type=int, default=None, help="Only this year (default: every year).")
@click.option(
    "--by",
    "by",
    type=click.Choice(["department", "person", "course"]),
    default="department",
    show_default=True,
    help="Hours per department (with the organization's total), per person or per course.",
)
@click.option("--needs", is_flag=True, help="Training needs against training delivered.")
@click.option(
    "--variables",
    is_flag=True,
    help="The personnel plugin's variables (training hours, staff trained, staff) as tidy "
    "data for 'qualitapa indicators compute'.",
)
@lang_option
@output_options
def training_command(  # noqa: PLR0913 - the command's options
    db: Path,
    organization: str | None,
    year: int | None,
    by: str,
    needs: bool,
    variables: bool,
    lang: str,
    fmt: str | None,
    output: Path | None,
) -> None:
    """Training delivered: hours, people trained and hours per employee, per year.

    The hours of an attendance are its hours attended, or the session's
    when blank; hours per employee are hours over the headcount of the
    staff sheet (the organization's: total hours over total employees).
    With --needs, each training need reported by the departments beside
    the training their people received (topic and audience), met, partly
    met or not met. With --variables, the personnel plugin's raw variables
    computed from these records.
    """
    from qualitapa.programme import needs_vs_delivered, training_hours, training_variables

    if needs and variables:
        raise click.UsageError(_("--needs e --variables sono due tabelle diverse: indicarne una"))
    with _store(db, readonly=True) as store:
        sheets = _sheets(store, organization)
        names = department_names(store, organization, lang)
    if needs:
        wanted = _scope(sheets["training_needs"], None, year)
        if wanted.empty:
            raise nothing(_("nessun fabbisogno formativo nel programma: importare il foglio "
                            "training_needs"))  # fmt: skip
        table = needs_vs_delivered(wanted, sheets["courses"], sheets["course_sessions"],
                                   sheets["attendance"])  # fmt: skip
    else:
        if sheets["attendance"].empty and sheets["staff"].empty:
            raise nothing(_("nessuna presenza ai corsi nel programma: importare i fogli "
                            "courses, course_sessions, attendance e staff"))  # fmt: skip
        if variables:
            table = training_variables(sheets["attendance"], sheets["course_sessions"],
                                       sheets["staff"], year=year)  # fmt: skip
        elif by == "person":
            table = _per_person(sheets, year)
        elif by == "course":
            table = _per_course(sheets, year)
        else:
            table = training_hours(sheets["attendance"], sheets["course_sessions"],
                                   sheets["staff"], year=year)  # fmt: skip
    if table.empty:
        raise nothing(
            _("nessuna formazione nel programma")
            if year is None
            else _("nessuna formazione nel programma per l'anno {year}", year=year)
        )
    if not for_people(fmt, output):
        emit(table, fmt, output, lang=lang)
        return
    shown = (
        _variables_for_people(table, lang)
        if variables
        else _training_for_people(
            table, names, lang, _topic_titles(sheets["courses"]) if needs else None
        )
    )
    emit(shown, lang=lang, headers=headers(lang), catalog=None)


def _alerts_for_people(alerts: pd.DataFrame, store: ProgrammeStore, organization: str | None,
                       lang: str) -> pd.DataFrame:  # fmt: skip
    """The alerts in words: kinds as words, dates as 31/12/2024, departments and owners named."""
    t = translator(lang)
    names = department_names(store, organization, lang)
    people = store.table("people")
    who = dict(zip(people["person"], people["name"], strict=True))
    out = _only_one_organization(alerts).drop(columns=["severity"])
    from qualitapa.programme import AlertKind

    out["kind"] = _code_words(out["kind"], AlertKind, t)
    out["date"] = out["date"].map(lambda d: day_text(d, lang))
    out["department"] = out["department"].map(lambda d: "" if d is None else names.get(d, d))
    out["owner"] = out["owner"].map(lambda p: "" if p is None or pd.isna(p) else who.get(p) or p)
    return out


@programme_group.command("certifications")
@_db_option
@_organization_option
@click.option("--on", "on", default=None, help="The date of the alerts (default today).")
@click.option(
    "--warn-days",
    type=click.IntRange(min=0),
    default=90,
    show_default=True,
    help="Days before the expiry a certificate is said to be expiring.",
)
@click.option(
    "--actions",
    "actions_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the corrective actions of the open non-conformities as improvement "
    "actions (CSV or .xlsx, as 'qualitapa plan show' reads them).",
)
@lang_option
@output_options
def certifications_command(
    db: Path,
    organization: str | None,
    on: str | None,
    warn_days: int,
    actions_file: Path | None,
    lang: str,
    fmt: str | None,
    output: Path | None,
) -> None:
    """What needs attention on the certified services on a date, most severe first.

    Certificates expired or expiring within --warn-days, open major
    non-conformities, surveillance audits overdue (none in the last 12
    months) and corrective actions past their due date. The exit status is
    0 whatever the alerts; 1 when the store has no certification.
    """
    from qualitapa.programme import actions_from_findings, certification_alerts

    day = date_value(on, "--on") or dt.date.today()
    with _store(db, readonly=True) as store:
        certs = _scope(store.table("certifications"), organization, None)
        audits = _scope(store.table("audits"), organization, None)
        findings = _scope(store.table("findings"), organization, None)
        if certs.empty:
            raise nothing(_("nessuna certificazione nel programma: importare il foglio "
                            "certifications"))  # fmt: skip
        alerts = certification_alerts(certs, audits, findings, as_of=day, warn_days=warn_days)
        shown = _alerts_for_people(alerts, store, organization, lang)
    if actions_file is not None:
        actions = actions_from_findings(findings, audits, certs, as_of=day)
        if actions.empty:
            echo(_("nessuna non conformità aperta al {day}: nessuna azione correttiva",
                   day=day_text(day, lang)), err=True)  # fmt: skip
        emit(actions, None, actions_file, lang=lang)
    if not for_people(fmt, output):
        emit(alerts, fmt, output, lang=lang)
        return
    if alerts.empty:
        echo(_("nessun avviso sulle certificazioni al {day}", day=day_text(day, lang)))
        return
    t = translator(lang)
    emit(shown, lang=lang, headers=headers(lang), catalog=None,
         title=str(t("Certificazioni: avvisi al {day}", day=day_text(day, lang))))  # fmt: skip
