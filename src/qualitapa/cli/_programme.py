"""``qualitapa programme ...``: a city's quality programme from the command line.

The programme lives in a SQLite store (``--db``, or
``$QUALITAPA_PROGRAMME_DB``): ``programme init`` creates it; every other
command needs it to exist, so that a misspelt ``--db`` is an error rather
than a new, empty store. The offices keep the sheets in Excel or CSV and
``programme import`` records what changed, with who (``--by``) and when.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import click
import pandas as pd

from qualitapa.cli._complaints import SECRET_ENV  # the pseudonymisation secret is one
from qualitapa.cli._context import in_language as _  # _("..."): a msgid, extracted
from qualitapa.cli._context import language
from qualitapa.cli._main import cli as root
from qualitapa.cli._main import echo, emit, for_people, get_catalog, nothing, perhaps
from qualitapa.cli._options import (
    READ_OPTIONS,
    database_option,
    date_value,
    existing_database,
    file_argument,
    file_option,
    input_options,
    lang_option,
    output_options,
    target_option,
)
from qualitapa.errors import DataError
from qualitapa.i18n import N_, Translator, translator

if TYPE_CHECKING:
    from qualitapa.programme import ImportReport

#: Environment variable naming the programme store.
DB_ENV = "QUALITAPA_PROGRAMME_DB"

_db_option = database_option(default="programme.db", envvar=DB_ENV, what="programme store")
_by_option = click.option(
    "--by", required=True, help="Who makes the change (a person id or a name): kept in the history."
)
_organization_option = click.option(
    "--organization",
    default=None,
    help="The organization's code (needed when the store has several).",
)
_year_option = click.option(
    "--year", type=int, default=None, help="The plan's year (needed when the store has several)."
)


@attrs.frozen
class _OnADay:
    """The store, the day (``--as-of``, default today) and the scope a report looks at."""

    db: Path
    day: dt.date
    organization: str | None
    year: int | None

    def scoped(self, store: Any, table: str, *, by_year: bool = False) -> pd.DataFrame:
        """``table`` of the open store, within ``--organization`` (``--year`` if ``by_year``)."""
        return _scope(store.table(table), self.organization, self.year if by_year else None)


def _on_a_day_options(command: Callable[..., None]) -> Callable[..., None]:
    """``--db``, ``--as-of`` (default today), ``--organization``, ``--year`` as one
    :class:`_OnADay`, then ``--lang`` and the output options."""

    @functools.wraps(command)
    def run(
        *,
        db: Path,
        as_of: str | None,
        organization: str | None,
        year: int | None,
        **options: Any,
    ) -> None:
        day = date_value(as_of, "--as-of") or dt.date.today()
        command(on=_OnADay(db, day, organization, year), **options)

    as_of = click.option("--as-of", "as_of", default=None, help="The date (default today).")
    wrapped: Callable[..., None] = run
    for option in reversed(
        (_db_option, as_of, _organization_option, _year_option, lang_option, output_options)
    ):
        wrapped = option(wrapped)
    return wrapped


#: Headers of the programme's tables for people (Italian msgids).
_HEADERS = {
    "sheet": N_("Foglio"),
    "added": N_("Aggiunte"),
    "changed": N_("Modificate"),
    "unchanged": N_("Invariate"),
    "conflicts": N_("Conflitti"),
    "key": N_("Chiave"),
    "activity": N_("Attività"),
    "department": N_("Settore"),
    "type": N_("Tipo"),
    "owner": N_("Responsabile"),
    "title": N_("Titolo"),
    "planned_start": N_("Inizio previsto"),
    "planned_end": N_("Fine prevista"),
    "status_on": N_("Dal"),
    "progress": N_("Avanzamento"),
    "overdue": N_("In ritardo"),
    "days_late": N_("Giorni di ritardo"),
    "year": N_("Anno"),
}


def _headers(lang: str) -> dict[str, str]:
    t = translator(lang)
    return {column: str(t(msgid)) for column, msgid in _HEADERS.items()}


def _store(db: Path, *, readonly: bool = False) -> Any:
    from qualitapa.programme import ProgrammeStore

    existing_database(
        db, _("nessun programma in {db}: controllare --db (o ${env}), oppure crearlo con "
              "'qualitapa programme init --db {db}'", db=db, env=DB_ENV)
    )  # fmt: skip
    return ProgrammeStore(db, readonly=readonly)


def _words(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Statuses, activity types and yes/no as words in ``lang`` (for people only)."""
    from qualitapa.programme import LABELS, ActivityStatus, ActivityType

    t = translator(lang)
    out = frame.copy()
    words = {
        "status": {s.value: t.text(LABELS[s]) for s in ActivityStatus},
        "type": {s.value: t.text(LABELS[s]) for s in ActivityType},
    }
    for column, mapping in words.items():
        if column in out.columns:
            out[column] = out[column].map(lambda v, m=mapping: m.get(v, v))
    if "overdue" in out.columns:
        yes, no = str(t("sì")), str(t("no"))
        out["overdue"] = out["overdue"].map(lambda v: yes if bool(v) else no)
    if "progress" in out.columns:
        out["progress"] = out["progress"].map(
            lambda v: "" if pd.isna(v) else t.percent(float(v), digits=0)
        )
    for column in ("planned_start", "planned_end", "status_on"):
        if column in out.columns:
            out[column] = out[column].map(
                lambda v: "" if pd.isna(v) else t.date(pd.Timestamp(v).date(), format="short")
            )
    return out


def _conflict(kind: str, detail: str, t: Translator) -> str:
    """A conflict of an import in the translator's language."""
    from qualitapa.programme import LABELS, ActivityStatus

    if kind == "missing":
        return str(t("la riga è nell'archivio ma non più nel foglio: resta archiviata"))
    if kind == "key_changed":
        return str(
            t("è la riga archiviata {key} con un'altra chiave: resta quella archiviata e "
              "questa non è aggiunta (se sono due righe, tenerle entrambe nel foglio)", key=detail)
        )  # fmt: skip
    if kind == "history_edited":
        return str(
            t("la riga di stato è già nella storia con altri valori ({columns}): la storia non "
              "si cambia; aggiungere una riga nuova", columns=detail)
        )  # fmt: skip
    status, day, new = detail.split("|")
    return str(
        t("l'attività era {status} il {day}: per riportarla allo stato «{new}» serve una nota",
          status=t.text(LABELS[ActivityStatus(status)]),
          day=t.date(dt.date.fromisoformat(day)),
          new=t.text(LABELS[ActivityStatus(new)]))
    )  # fmt: skip


def _say_counts(t: Translator, report: ImportReport, file: str) -> None:
    """Say on stderr how many rows an import added, changed and left unchanged."""
    echo(
        t("{added}, {changed}, {unchanged} da {file}",
          added=t.plural("{n} riga aggiunta", "{n} righe aggiunte", report.added),
          changed=t.plural("{n} modificata", "{n} modificate", report.changed),
          unchanged=t.plural("{n} invariata", "{n} invariate", report.unchanged),
          file=file),
        err=True,
    )  # fmt: skip


def _refuse_conflict(report: ImportReport, source: str) -> None:
    """Raise the first conflict of a one-row change (a status, a meeting) as its error."""
    if len(report.conflicts):
        first = report.conflicts.iloc[0]
        raise DataError(_conflict(first["kind"], first["detail"], translator(language())),
                        source=source)  # fmt: skip


def _scope(frame: pd.DataFrame, organization: str | None, year: int | None) -> pd.DataFrame:
    if organization is not None:
        frame = frame[frame["organization"] == organization]
    if year is not None and "year" in frame.columns:
        frame = frame[frame["year"] == year]
    return frame


@root.group("programme")
def programme_group() -> None:
    """The city's quality programme: departments, referents, annual plan, meetings."""


@programme_group.command("init")
@_db_option
def init_command(db: Path) -> None:
    """Create an empty programme store at --db (an error if the file exists)."""
    from qualitapa.programme import ProgrammeStore

    if db.exists():
        raise DataError(
            _("esiste già: scegliere un altro --db, o usare il programma che c'è"), source=str(db)
        )
    ProgrammeStore(db).close()
    echo(_("creato un programma vuoto in {db}", db=db), err=True)


@programme_group.command("import")
@click.argument("table", metavar="SHEET")
@file_argument("file")
@_db_option
@_by_option
@click.option("--strict", is_flag=True, help="Exit with status 1 when the import has conflicts.")
@input_options
@output_options
def import_command(
    table: str,
    file: Path,
    db: Path,
    by: str,
    strict: bool,
    fmt: str | None,
    output: Path | None,
) -> None:
    """Import SHEET from FILE; SHEET 'all' takes every programme sheet of a workbook.

    SHEET is one of departments, people, roles, plans, activities,
    milestones, activity_status, meetings, meeting_actions. The differences
    with the store are recorded as new history with --by and the time;
    nothing is overwritten. Conflicts (rows deleted from the sheet, keys
    changed, status history edited, a done activity set back without a note)
    are listed and not applied. A bad row changes nothing: the error names
    sheet, row and column.
    """
    from qualitapa.programme import SHEETS

    ctx = click.get_current_context()
    options = dict(ctx.meta.get(READ_OPTIONS, {}))
    if table != "all" and table not in SHEETS:
        raise click.BadParameter(
            _("{value} non è un foglio del programma: all, {sheets}", value=repr(table),
              sheets=", ".join(SHEETS)),
            param_hint="SHEET",
        )  # fmt: skip
    with _store(db) as store:
        report = store.import_file(
            file, by=by, sheet_name=None if table == "all" else table, **options
        )
    lang = language()
    t = translator(lang)
    _say_counts(t, report, file.name)
    if for_people(fmt, output):
        emit(report.counts, headers=_headers(lang), lang=lang)
    else:
        emit(report.changes, fmt, output, lang=lang)
    conflicts = report.conflicts
    if len(conflicts):
        echo(t.plural("{n} conflitto, non applicato:", "{n} conflitti, non applicati:",
                      len(conflicts)), err=True)  # fmt: skip
        for row in conflicts.itertuples(index=False):
            where = "" if pd.isna(row.row) else " " + str(t("riga {row}", row=int(row.row)))
            echo(f"  {row.sheet}{where} {row.key}: {_conflict(row.kind, row.detail, t)}",
                 err=True)  # fmt: skip
        if strict:
            raise DataError(_("conflitti nell'importazione (--strict)"), source=str(file))


def _activity_key(store: Any, activity: str, organization: str | None, year: int | None) -> Any:
    acts = _scope(store.table("activities"), organization, year)
    found = acts[acts["activity"] == activity]
    if found.empty:
        hint = perhaps(activity, set(acts["activity"]), n=1)
        raise DataError(_("attività sconosciuta {value}", value=activity) + hint)
    if len(found) > 1:
        raise DataError(
            _("l'attività {activity} è in più piani: indicare --organization e --year",
              activity=activity)
        )  # fmt: skip
    return found.iloc[0]


@programme_group.command("offices")
@_db_option
@_by_option
@click.option(
    "--organization",
    "organizations",
    multiple=True,
    help="Only this organization's offices (a code; repeat). Default: every organization.",
)
@output_options
def offices_command(
    db: Path, by: str, organizations: tuple[str, ...], fmt: str | None, output: Path | None
) -> None:
    """Import as departments the offices the installed plugins declare (kind 'ufficio').

    A city's plugin declares its organizations' offices in TOML
    ([[organizations.offices]]: branch registry offices, URP...); they are
    recorded in the departments sheet with --by and the time, like an import.
    """
    from qualitapa.programme import departments_from_catalog

    rows = departments_from_catalog(get_catalog(), organizations=organizations or None)
    if rows.empty:
        raise nothing(
            _("nessun ufficio dichiarato dai plugin installati: importare il foglio departments")
        )
    with _store(db) as store:
        report = store.import_sheet("departments", rows, by=by, source="catalog", partial=True)
    lang = language()
    _say_counts(translator(lang), report, "catalog")
    emit(report.changes, fmt, output, lang=lang, headers=_headers(lang))


@programme_group.command("status")
@click.argument("activity")
@click.argument("status", type=click.Choice(["planned", "started", "suspended", "done",
                                              "cancelled"]))  # fmt: skip
@_db_option
@_by_option
@click.option("--progress", type=click.FloatRange(0, 1), default=None,
              help="Progress as a fraction 0-1.")  # fmt: skip
@click.option("--note", default=None, help="Why (needed to reopen a done or cancelled activity).")
@click.option("--on", "on", default=None, help="The date of the change (default today).")
@_organization_option
@_year_option
def status_command(  # noqa: PLR0913 - the command's options
    activity: str,
    status: str,
    db: Path,
    by: str,
    progress: float | None,
    note: str | None,
    on: str | None,
    organization: str | None,
    year: int | None,
) -> None:
    """Record that ACTIVITY is now STATUS (appended to its history)."""
    from qualitapa.programme import LABELS, ActivityStatus

    day = date_value(on, "--on") or dt.date.today()
    with _store(db) as store:
        row = _activity_key(store, activity, organization, year)
        report = store.record_status(
            row["organization"], int(row["year"]), activity, status,
            by=by, on=day, progress=progress, note=note,
        )  # fmt: skip
    _refuse_conflict(report, activity)
    t = translator(language())
    if not report.has_changes:
        echo(_("{activity}: già registrato", activity=activity), err=True)
        return
    echo(t("{activity}: {status} dal {day}", activity=activity,
           status=t.text(LABELS[ActivityStatus(status)]), day=t.date(day)))  # fmt: skip


@programme_group.command("overdue")
@_on_a_day_options
def overdue_command(on: _OnADay, lang: str, fmt: str | None, output: Path | None) -> None:
    """List the activities past their planned end and not done nor cancelled."""
    from qualitapa.programme import overdue

    day = on.day
    with _store(on.db, readonly=True) as store:
        acts = on.scoped(store, "activities", by_year=True)
        hist = store.table("activity_status")
    if acts.empty:
        raise nothing(_("nessuna attività nel programma: importare il foglio activities"))
    late = overdue(acts, hist, as_of=day)
    if for_people(fmt, output):
        if late.empty:
            t = translator(lang)
            echo(_("nessuna attività in ritardo al {day}", day=t.date(day)))
            return
        shown = _words(late, lang).drop(columns=["organization", "overdue"])
        emit(shown, lang=lang, headers=_headers(lang))
        return
    emit(late, fmt, output, lang=lang)


@programme_group.command("department")
@click.argument("code")
@_on_a_day_options
def department_command(
    code: str, on: _OnADay, lang: str, fmt: str | None, output: Path | None
) -> None:
    """The page of department CODE: its referents, its activities and where they stand."""
    from qualitapa.programme import LABELS, RoleKind, progress

    day = on.day
    with _store(on.db, readonly=True) as store:
        deps = on.scoped(store, "departments")
        roles = on.scoped(store, "roles")
        people = store.table("people")
        acts = on.scoped(store, "activities", by_year=True)
        hist = store.table("activity_status")
    found = deps[deps["department"] == code]
    if found.empty:
        raise DataError(
            _("settore sconosciuto {value}", value=code) + perhaps(code, deps["department"])
        )
    mine = acts[acts["department"] == code]
    table = progress(mine, hist, as_of=day) if len(mine) else pd.DataFrame()
    if len(table):
        titles = dict(zip(mine["activity"], mine["title_it"], strict=True))
        table.insert(3, "title", table["activity"].map(titles))
    if not for_people(fmt, output):
        if table.empty:
            raise nothing(_("il settore {code} non ha attività nel piano", code=code))
        emit(table, fmt, output, lang=lang)
        return
    t = translator(lang)
    dep = found.iloc[0]
    name = dep.get(f"name_{lang}") if f"name_{lang}" in dep.index else None
    echo(f"{dep['department']}  {name if isinstance(name, str) else dep['name_it']}")
    start, end = pd.Timestamp(day), pd.Timestamp(day)
    current = roles[
        (roles["department"] == code)
        & (roles["start"] <= start)
        & (roles["end"].isna() | (roles["end"] >= end))
    ]
    names = dict(zip(people["person"], people["name"], strict=True))
    if current.empty:
        echo(_("nessun referente in carica al {day}", day=t.date(day)))
    for role in current.itertuples(index=False):
        person = names.get(role.person)
        who = person if isinstance(person, str) else str(role.person)
        echo(f"  {t.text(LABELS[RoleKind(str(role.role))])}: {who}")
    if table.empty:
        echo(_("nessuna attività nel piano"))
        return
    shown = _words(table, lang).drop(columns=["organization", "department", "overdue"])
    emit(shown, lang=lang, headers=_headers(lang),
         title=str(t("Attività al {day}", day=t.date(day))))  # fmt: skip


@programme_group.group("meeting")
def meeting_group() -> None:
    """Meetings of the quality referents' network."""


@meeting_group.command("add")
@click.argument("meeting")
@_db_option
@_by_option
@click.option("--organization", required=True, help="The organization's code.")
@click.option("--date", "day", required=True, help="The date (31/01/2024 or 2024-01-31).")
@click.option("--title", default=None, help="The title, in Italian.")
@click.option("--participant", "participants", multiple=True, help="A participant's id (repeat).")
@click.option("--agenda", default=None, help="The agenda.")
@click.option("--decisions", default=None, help="The decisions taken.")
@click.option(
    "--action",
    "actions",
    multiple=True,
    help="An action decided: 'TEXT|OWNER|DUE|ACTIVITY' (the last three optional; repeat).",
)
def meeting_add_command(  # noqa: PLR0913 - the command's options
    meeting: str,
    db: Path,
    by: str,
    organization: str,
    day: str,
    title: str | None,
    participants: tuple[str, ...],
    agenda: str | None,
    decisions: str | None,
    actions: tuple[str, ...],
) -> None:
    """Record meeting MEETING with its participants, decisions and actions."""
    when = date_value(day, "--date") or dt.date.today()  # --date is required
    rows = []
    for number, text in enumerate(actions, start=1):
        parts = [*text.split("|"), "", "", ""][:4]
        rows.append({"organization": organization, "meeting": meeting, "action": str(number),
                     "text": parts[0], "owner": parts[1] or None, "due": parts[2] or None,
                     "activity": parts[3] or None})  # fmt: skip
    sheets = {
        "meetings": pd.DataFrame([{
            "organization": organization, "meeting": meeting, "date": when.isoformat(),
            "title_it": title, "participants": ";".join(participants) or None,
            "agenda": agenda, "decisions": decisions,
        }]),
    }  # fmt: skip
    if rows:
        sheets["meeting_actions"] = pd.DataFrame(rows)
    with _store(db) as store:
        report = store.import_sheets(sheets, by=by, partial=True)
    _refuse_conflict(report, meeting)
    t = translator(language())
    echo(t("incontro {meeting} registrato: {actions}", meeting=meeting,
           actions=t.plural("{n} azione", "{n} azioni", len(rows))), err=True)  # fmt: skip


@programme_group.command("export")
@_db_option
@target_option("The workbook (.xlsx), or a folder of CSV files.", required=True, writable=True)
@click.option(
    "--pseudonymise",
    is_flag=True,
    help=f"Replace people's names and e-mails with keyed pseudonyms (secret in ${SECRET_ENV}).",
)
def export_command(db: Path, output: Path, pseudonymise: bool) -> None:
    """Write every table of the programme (one sheet each) and its history."""
    secret = None
    if pseudonymise:
        secret = os.environ.get(SECRET_ENV)
        if not secret:
            raise click.UsageError(
                _("--pseudonymise richiede il segreto in ${env}", env=SECRET_ENV)
            )
    with _store(db, readonly=True) as store:
        path = store.export(output, secret=secret)
    echo(_("scritto {file}", file=path), err=True)


@programme_group.command("template")
@target_option("The workbook (.xlsx), or a folder of CSV files.", required=True)
def template_command(output: Path) -> None:
    """Write the empty sheets of the programme, with instructions in Italian."""
    from qualitapa.programme import write_template

    path = write_template(output)
    echo(_("scritto {file}", file=path), err=True)


#: Headers of the expected vs obtained table for people (Italian msgids).
_RESULT_HEADERS = {
    "activity": N_("Attività"),
    "department": N_("Settore"),
    "measure": N_("Misura"),
    "expected": N_("Atteso"),
    "obtained": N_("Ottenuto"),
    "outcome": N_("Esito"),
    "gap": N_("Scarto"),
}


def _sources_option(name: str, what: str) -> Any:
    from qualitapa.cli._main import SourceType

    return click.option(
        f"--{name}",
        name,
        type=SourceType(),
        multiple=True,
        help=f"{what} Repeatable: several files or dataset ids are merged.",
    )


_values_option = _sources_option(
    "values", "Indicator values (organization, period, indicator, value: qualitapa indicators "
    "compute)."
)  # fmt: skip
_compliance_option = _sources_option(
    "compliance", "Standards compliance (qualitapa standards check)."
)
_survey_option = _sources_option(
    "survey", "Survey indices with an instrument column (qualitapa survey score)."
)


def _read_results(
    values: tuple[Path | str, ...],
    compliance: tuple[Path | str, ...],
    survey: tuple[Path | str, ...],
) -> dict[str, pd.DataFrame | None]:
    """The obtained results given on the command line (None where not given)."""
    from qualitapa.cli._main import read_inputs

    text = {"organization": "string", "period": "string"}
    return {
        name: read_inputs(list(sources), dtype=text) if sources else None
        for name, sources in (("values", values), ("compliance", compliance),
                              ("survey", survey))
    }  # fmt: skip


def _plan(store: Any, organization: str | None, year: int | None) -> pd.DataFrame:
    """The activities of one plan (an error naming the plans when it is ambiguous)."""
    acts = _scope(store.table("activities"), organization, year)
    if acts.empty:
        raise nothing(_("nessuna attività nel programma: importare il foglio activities"))
    plans = sorted({f"{o} {y}" for o, y in zip(acts["organization"], acts["year"], strict=True)})
    if len(plans) > 1:
        raise DataError(
            _("il programma ha più piani ({plans}): indicare --organization e --year",
              plans=", ".join(plans))
        )  # fmt: skip
    return acts


def _results_for_people(
    table: pd.DataFrame,
    activities: pd.DataFrame,
    departments: pd.DataFrame,
    catalog: Any,
    lang: str,
) -> pd.DataFrame:
    """Expected vs obtained in words (the annual report's), each activity's id before its title."""
    from qualitapa.programme import results_in_words

    words = results_in_words(table, activities, departments, catalog=catalog, lang=lang,
                             missing="–")  # fmt: skip
    words["activity"] = (words["activity"] + " " + words["title"]).str.strip()
    return words[list(_RESULT_HEADERS)]


@programme_group.command("results")
@_db_option
@_organization_option
@_year_option
@_values_option
@_compliance_option
@_survey_option
@click.option(
    "--actions",
    "actions_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the improvement actions opened for the results not met (CSV or .xlsx).",
)
@lang_option
@input_options
@output_options
def results_command(  # noqa: PLR0913 - the command's options
    db: Path,
    organization: str | None,
    year: int | None,
    values: tuple[Path | str, ...],
    compliance: tuple[Path | str, ...],
    survey: tuple[Path | str, ...],
    actions_file: Path | None,
    lang: str,
    fmt: str | None,
    output: Path | None,
) -> None:
    """Compare the plan's expected results with those obtained: met, not met, no data.

    The obtained results are indicator values (--values), standards
    compliance (--compliance) and survey indices (--survey); the gap is in
    the unit of the measure, negative when short of the target whatever
    its polarity. With --actions, the improvement actions the results not
    met open (linked to department and activity) are written there.
    """
    from qualitapa.improvement import actions_from_expected
    from qualitapa.programme import expected_vs_obtained

    if not (values or compliance or survey):
        raise click.UsageError(
            _("indicare i risultati ottenuti: --values, --compliance o --survey")
        )
    with _store(db, readonly=True) as store:
        acts = _plan(store, organization, year)
        deps = _scope(store.table("departments"), str(acts["organization"].iloc[0]), None)
    catalog = get_catalog()
    inputs = _read_results(values, compliance, survey)
    table = expected_vs_obtained(
        acts,
        values=inputs["values"],
        compliance=inputs["compliance"],
        survey=inputs["survey"],
        catalog=catalog,
    )
    if table.empty:
        raise nothing(_("nessuna attività del piano ha un risultato atteso"))
    if table["outcome"].eq("no_data").all():
        raise nothing(
            _("nessun risultato ottenuto corrisponde ai risultati attesi: controllare "
              "organizzazione, periodo e codici dei dati")
        )  # fmt: skip
    t = translator(lang)
    counts = table["outcome"].value_counts()
    echo(
        t("Risultati attesi: {n}; raggiunti: {met}; non raggiunti: {not_met}; senza dati: "
          "{no_data}.", n=len(table), met=int(counts.get("met", 0)),
          not_met=int(counts.get("not_met", 0)), no_data=int(counts.get("no_data", 0))),
        err=True,
    )  # fmt: skip
    if actions_file is not None:
        actions = actions_from_expected(table, catalog=catalog)
        emit(actions, None, actions_file, lang=lang)
    if for_people(fmt, output):
        emit(_results_for_people(table, acts, deps, catalog, lang), lang=lang,
             headers={k: str(t(v)) for k, v in _RESULT_HEADERS.items()})  # fmt: skip
        return
    emit(table, fmt, output, lang=lang)


@programme_group.command("report")
@_db_option
@click.option("--organization", required=True, help="The organization's code.")
@click.option("--year", type=int, required=True, help="The plan's year.")
@_values_option
@_compliance_option
@_survey_option
@file_option("--complaints", help="Complaint KPIs (qualitapa complaints kpis).")
@file_option("--actions", "actions_file",
             help="The improvement actions (default: those the results not met open).")  # fmt: skip
@click.option("--as-of", "as_of", default=None, help="The date of the monitoring "
              "(default 31 December of --year).")  # fmt: skip
@file_option("--benchmark", help="A benchmark table (qualitapa benchmark -o FILE, or the demo's "
             "indicator_benchmark.csv): ranks the city on its practices' indicators and suggests "
             "the better cities' practices.")  # fmt: skip
@file_option("--practices", "practices_file", help="The club's register of good practices "
             "(a practices sheet; default: the store's).")  # fmt: skip
@click.option("--note", default=None, help="A note under the title (e.g. 'dati sintetici').")
@lang_option
@target_option(
    "The HTML file to write (.html).",
    default=Path("relazione-qualita.html"),
    show_default=True,
    formats={"html": [".html", ".htm"]},
)
@input_options
def report_command(  # noqa: PLR0913 - the command's options
    db: Path,
    organization: str,
    year: int,
    values: tuple[Path | str, ...],
    compliance: tuple[Path | str, ...],
    survey: tuple[Path | str, ...],
    complaints: Path | None,
    actions_file: Path | None,
    as_of: str | None,
    benchmark: Path | None,
    practices_file: Path | None,
    note: str | None,
    lang: str,
    output: Path,
) -> None:
    """Write the annual quality report (relazione annuale sul sistema qualità) as HTML.

    The plan and its approval acts, the referents, plan vs results per
    department, overdue activities, expected vs obtained results (from
    --values, --compliance, --survey), survey indices, complaints
    (--complaints), improvement actions and meetings, training, certified
    services and good practices (with --benchmark: the city's rank on its
    practices' indicators and the better cities' practices for its worst
    gaps): one page for the Giunta, in Italian (--lang de: German where the
    labels exist).
    """
    from qualitapa.cli._main import read_input
    from qualitapa.cli._practices import read_practices
    from qualitapa.programme import SHEETS, write_annual_report

    day = date_value(as_of, "--as-of")
    with _store(db, readonly=True) as store:
        tables = {name: store.table(name) for name in SHEETS}
    text = {"organization": "string", "period": "string"}
    inputs = _read_results(values, compliance, survey)
    kpis = read_input(complaints, dtype=text) if complaints is not None else None
    actions = read_input(actions_file, dtype=text) if actions_file is not None else None
    bench = read_input(benchmark, dtype=text) if benchmark is not None else None
    club = read_practices(practices_file) if practices_file is not None else None
    path = write_annual_report(
        output, tables, organization=organization, year=year, lang=lang, as_of=day,
        complaints=kpis, actions=actions, catalog=get_catalog(), note=note,
        benchmark=bench, club_practices=club, **inputs,
    )  # fmt: skip
    echo(_("scritto {file}", file=path), err=True)
