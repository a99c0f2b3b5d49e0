"""``qualitapa complaints ...``: run a complaints office from the command line.

The register is a SQLite file (``--db``). ``complaints init`` creates it, or
``complaints import --create``; every other command needs it to exist, so
that a misspelt ``--db`` is an error rather than a new, empty register.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import getpass
import re
import zoneinfo
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import click
import pandas as pd

from qualitapa._labelling import ACTION_WORDS, CHANNEL_WORDS, KIND_WORDS, STATUS_WORDS
from qualitapa.cli._context import language
from qualitapa.cli._database_url import DatabaseUrl, server_database_option
from qualitapa.cli._main import cli, echo, emit, emit_text, get_catalog, nothing, read_input
from qualitapa.cli._options import (
    LanguageType,
    database_option,
    existing_database,
    file_argument,
    file_option,
    format_option,
    input_options,
    lang_option,
    names,
    output_options,
    target_option,
)
from qualitapa.errors import DataError, TransitionError, UnknownItemError, said
from qualitapa.i18n import N_, translator

if TYPE_CHECKING:
    from qualitapa.complaints import ExportFormat
    from qualitapa.i18n import Translator

#: Environment variable holding the pseudonymisation secret.
SECRET_ENV = "QUALITAPA_PSEUDONYM_KEY"
#: Environment variable naming the register file.
DB_ENV = "QUALITAPA_COMPLAINTS_DB"

_db_option = database_option(default="complaints.db", envvar=DB_ENV, what="register")
_db_option = server_database_option(_db_option)  # --db also takes a postgresql:// URL
#: ``--by`` of pareto and trend (kpis also groups by month, quarter or year).
_by_option = click.option("--by", default="", help="Comma-separated grouping, e.g. service.")


def _register(db: Path | DatabaseUrl, *, create: bool = False, readonly: bool = False) -> Any:
    """The register at ``db`` (a file, or a ``postgresql://`` URL); it must exist unless ``create``.

    Reading commands open it ``readonly``: they never create, migrate or
    change it (a read-only file can be read; another program's database is
    an error, left untouched). A register on PostgreSQL opened ``readonly``
    must exist too (the server says so).
    """
    from qualitapa.complaints import ComplaintRegister

    if isinstance(db, DatabaseUrl):
        return ComplaintRegister(str(db), readonly=readonly)
    if not create:
        existing_database(
            db, _("nessun registro in {db}: controllare --db (o ${env}), oppure crearne uno con "
                  "'qualitapa complaints init --db {db}'", db=db, env=DB_ENV)
        )  # fmt: skip
    return ComplaintRegister(db, readonly=readonly)


def _not_empty(frame: pd.DataFrame, db: Path) -> pd.DataFrame:
    if frame.empty:
        raise nothing(
            _("il registro {db} non ha reclami: importarli con 'qualitapa complaints import'",
                 db=db)
        )  # fmt: skip
    return frame


def _t() -> Any:
    """The translator of the command's language (messages, Italian msgids)."""
    return translator(language())


def _(message: str, /, **values: object) -> str:
    """``message`` (an Italian msgid) in the command's language, placeholders filled."""
    return str(translator(language())(message, **values))


def _catalog_or_none(use: bool) -> Any:
    return get_catalog() if use else None


#: A group a result names without a value (a complaint without category...), in words:
#: the grouping column -> an Italian msgid; any other column gets :data:`_NO_VALUE`.
_NO_GROUP = {
    "category": N_("senza categoria"),
    "service": N_("senza servizio"),
    "organization": N_("senza ente"),
    "channel": N_("senza canale"),
}
_NO_VALUE = N_("non indicato")


def _emit_labelled(
    frame: pd.DataFrame,
    lang: str,
    fmt: str | None,
    output: Path | None,
    *,
    groups: Sequence[str] = (),
) -> None:
    """Print a result with its organizations, services and categories named in ``lang``.

    A group without a value in the ``groups`` columns (complaints without a
    category) is named in words in its label column and, in a table for
    people, in that column too, never left blank. In csv, json and the
    other machine formats the code column stays empty (null): a word there
    would be a fake code, changing with --lang.
    """
    from qualitapa._labelling import LABEL_COLUMNS, label_columns
    from qualitapa.cli._output import for_machines
    from qualitapa.i18n import translator

    t = translator(lang)
    frame = label_columns(frame, get_catalog(), lang)
    machines = for_machines(fmt, output)
    for column in groups:
        missing = frame[column].isna().to_numpy() if column in frame.columns else None
        if missing is None or not missing.any():
            continue
        word = t(_NO_GROUP.get(column, _NO_VALUE))
        label = LABEL_COLUMNS[column][0] if column in LABEL_COLUMNS else None
        named = [*([] if machines else [column]), *([label] if label in frame.columns else [])]
        for name in named:
            frame[name] = frame[name].astype(object).where(~missing, word)
    headers: dict[str, str] = {}  # the backlog's age classes (kpis' age_buckets) in words
    for column in frame.columns:
        if m := re.fullmatch(r"backlog_(\d+)_(\d+)", str(column)):
            headers[column] = t("Aperti da {low}-{high} giorni", low=m[1], high=m[2])
        elif m := re.fullmatch(r"backlog_over_(\d+)", str(column)):
            headers[column] = t("Aperti da oltre {days} giorni", days=m[1])
    emit(frame, fmt, output, lang=lang, headers=headers)


def _deadline_options(func: Any, *, catalog_first: bool = False) -> Any:
    """The deadline options; with ``catalog_first`` the categories' own deadlines by default."""
    func = click.option(
        "--deadline",
        "deadline_days",
        type=int,
        default=30,
        show_default=True,
        help="Answer deadline in days.",
    )(func)
    func = click.option("--working-days", is_flag=True, help="The deadline counts working days.")(
        func
    )
    func = click.option(
        "--province", default=None, help="Province code for the local holiday (e.g. MO)."
    )(func)
    if catalog_first:
        func = click.option(
            "--use-catalog/--no-use-catalog",
            default=True,
            show_default=True,
            help="Use category deadlines from the installed plugins (--deadline for the others).",
        )(func)
    else:
        func = click.option(
            "--use-catalog", is_flag=True, help="Use category deadlines from the installed plugins."
        )(func)
    return click.option(
        "--as-of",
        default=None,
        callback=_check_as_of,
        help="Reference date for backlog and overdue (default: now). A date is its midnight: "
        "--as-of 2024-04-01 for the end of March (2024-03-31 leaves out that day).",
    )(func)


def _check_as_of(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from qualitapa.complaints import DEFAULT_TZ, instant

    if value is not None:
        try:
            instant(value, DEFAULT_TZ, what="--as-of")
        except DataError as exc:
            raise click.BadParameter(
                f"{exc} (e.g. 2024-12-31 or 2024-12-31T23:59)", param_hint="--as-of"
            ) from None
    return value


@cli.group("complaints")
def complaints_group() -> None:
    """Complaints register: import, lifecycle, KPIs, Open311 export."""


@complaints_group.command("categories")
@click.option("--service", "-s", default=None, help="Only the categories of this service.")
@click.option(
    "--organization",
    default=None,
    help="Only the categories a complaint of this organization may have (a code or a name): "
    "the general ones and its local ones.",
)
@output_options
@lang_option
def categories_command(
    service: str | None, organization: str | None, fmt: str | None, output: Path | None, lang: str
) -> None:
    """List the complaint categories of the installed plugins, labelled in --lang."""
    from qualitapa.complaints import categories_for

    catalog = get_catalog()
    if service:
        catalog.services[service]  # unknown service -> error with suggestions
    items = [
        c for c in catalog.complaint_categories.values() if not service or c.service == service
    ]
    if organization is not None:
        organization = catalog.resolve_organization(organization)  # a name, a code
        allowed = {c.id for c in categories_for(catalog, organization)}
        items = [c for c in items if c.id in allowed]
    if not items:
        of = f" of service {service!r}" if service else ""
        for_ = f" for organization {organization}" if organization else ""
        raise nothing(f"no complaint categories{of}{for_}: install a plugin that defines them")
    rows = [
        {
            "id": c.id,
            "label": c.label.get(lang),
            "service": c.service,
            "parent": c.parent or "",
            "deadline_days": c.deadline.days if c.deadline else None,
            "deadline_unit": c.deadline.unit.value if c.deadline else "",
            "plugin": catalog.complaint_categories.plugin_of(c.id),
        }
        for c in items
    ]
    frame = pd.DataFrame(rows).astype({"deadline_days": "Int64"})
    _emit_labelled(frame, lang, fmt, output)


@complaints_group.command("init")
@_db_option
def init_command(db: Path) -> None:
    """Create an empty register at --db (an error if the file exists)."""
    if db.exists():
        raise DataError(
            _("esiste già: scegliere un altro --db, o usare il registro che c'è"),
            source=str(db),
        )
    _register(db, create=True).close()
    echo(_("creato un registro vuoto in {db}", db=db), err=True)


@complaints_group.command("import")
@file_argument("file")
@_db_option
@click.option(
    "--from",
    "source_format",
    type=click.Choice(["table", "open311"]),
    default=None,
    help="File type: a CSV/Excel table, or Open311 GeoReport v2 service requests, JSON or "
    "XML (default: by extension: .json and .xml are Open311).",
)
@file_option(
    "--events",
    "events_file",
    help="The complaints' full history (CSV/Excel in the layout of the events export).",
)
@click.option("--check-catalog", is_flag=True, help="Services and categories must be known.")
@click.option("--strict", is_flag=True, help="Exit with an error if any row is rejected.")
@click.option("--create", is_flag=True, help="Create the register if --db does not exist.")
@click.option("--actor", default="import", show_default=True, help="Recorded on the events.")
@input_options
@output_options
def import_command(
    file: Path,
    db: Path,
    source_format: str | None,
    events_file: Path | None,
    check_catalog: bool,
    strict: bool,
    create: bool,
    actor: str,
    fmt: str | None,
    output: Path | None,
) -> None:
    """Import complaints from FILE; rejected rows are listed with their row number.

    With --events the complaints' real history is imported too (reopenings,
    suspensions, forwards, with their times and actors); each problem row
    names its file (table complaints or events). Organizations given by name
    or by a code that lost its leading zeros are stored with the catalog's
    code. Exits with status 1 when nothing could be imported.
    """
    kind = source_format or ("open311" if file.suffix.lower() in (".json", ".xml") else "table")
    if kind == "open311" and events_file is not None:
        raise click.UsageError("--events goes with a CSV/Excel table, not Open311 JSON or XML")
    if not create and not isinstance(db, DatabaseUrl):  # a server's register: the server says
        existing_database(
            db, _("nessun registro in {db}: controllare --db (o ${env}), oppure aggiungere "
                  "--create per crearlo (o 'qualitapa complaints init --db {db}')", db=db,
                  env=DB_ENV)
        )  # fmt: skip
    catalog = _catalog_or_none(check_catalog)
    as_text: dict[str, Any] = {"dtype": str, "keep_default_na": False, "na_values": [""]}
    if kind == "table":  # read before the register is touched: a bad file changes nothing
        frame = read_input(file, catalog=get_catalog(), **as_text)
        events = read_input(events_file, **as_text) if events_file is not None else None
    with _register(db, create=create) as reg:
        if kind == "open311":
            report = reg.import_open311(file, catalog=catalog)
        else:
            report = reg.import_frame(
                frame,
                events=events,
                source=str(file),
                events_source=str(events_file) if events_file is not None else None,
                catalog=catalog,
                actor=actor,
                time_zones=get_catalog(),  # times without offset: the organization's office
            )
    t = _t()
    rejected = t.plural("{n} riga scartata", "{n} righe scartate", report.rejected)
    if events_file is not None:
        rejected += ", " + t.plural("{n} riga di eventi scartata", "{n} righe di eventi scartate",
                                    report.rejected_events)  # fmt: skip
    echo(
        t("{complaints} ({events}) importati in {db}; {rejected}",
          complaints=t.plural("{n} reclamo", "{n} reclami", report.imported),
          events=t.plural("{n} evento", "{n} eventi", report.events), db=db,
          rejected=rejected),
        err=True,
    )  # fmt: skip
    if len(report.problems):
        emit(report.problems, fmt, output, lang=language())
    if report.imported == 0:
        raise nothing(
            t("nulla importato: ogni riga è stata scartata (vedere i problemi sopra)")
            if report.rejected
            else t("nulla importato: il file non ha reclami"),
            source=file,
        )
    if strict and len(report.problems):
        raise DataError(rejected, source=str(file))


@complaints_group.command("transition")
@click.argument("complaint_id")
@click.argument("status")
@_db_option
@click.option("--note", default="", help="Why: required to reject or forward.")
@click.option("--target", default=None, help="Assignee, or the body it is forwarded to.")
@click.option("--actor", default=None, help="Who (default: the current user).")
@click.option(
    "--at",
    "at",
    default=None,
    help="When (ISO 8601, e.g. 2024-03-31T09:30; without offset: office time of the "
    "complaint's organization; default: now). Not in the future.",
)
def transition_command(
    complaint_id: str,
    status: str,
    db: Path,
    note: str,
    target: str | None,
    actor: str | None,
    at: str | None,
) -> None:
    """Move complaint COMPLAINT_ID to STATUS (one appended event).

    --at without an offset is office time of the complaint's organization
    (its time zone in the catalog, else Europe/Rome).
    """
    move(db, complaint_id, status, note=note, target=target, actor=actor, at=at)


def move(
    db: Path,
    complaint_id: str,
    status: str,
    *,
    note: str = "",
    target: str | None = None,
    actor: str | None = None,
    at: str | None = None,
) -> None:
    """Append one transition to the register and say it in the command's language.

    ``at`` without an offset is office time of the complaint's organization.
    An unknown id is an error naming the closest ids of the register; a
    step the lifecycle refuses names the complaint's state and the states
    it may go to, in the command's language.
    """
    from qualitapa.complaints import instant

    with _register(db) as reg:
        if complaint_id not in reg:
            raise unknown_complaint(reg, complaint_id)
        when: Any = at
        if at is not None:
            zone = _office_zone(get_catalog(), reg.get(complaint_id).organization)
            when = instant(at, str(zone.key), what="--at")
        try:
            ev = reg.transition(complaint_id, status, actor=actor or _user(), note=note,
                                target=target, at=when)  # fmt: skip
        except TransitionError as exc:
            raise RefusedStep(exc.from_status, exc.to_status, item=complaint_id) from None
    t = _t()

    def word(status: Any) -> str:
        return _word(t, _STATUSES, getattr(status, "value", status))

    echo(t("{id}: {old} -> {new} (evento {seq})", id=complaint_id, old=word(ev.from_status),
           new=word(ev.to_status), seq=ev.seq))  # fmt: skip


def unknown_complaint(reg: Any, complaint_id: str) -> UnknownItemError:
    """The error for an id the register does not hold, with its closest ids."""
    ids = reg.complaints_frame()["id"].astype(str).tolist()
    close = difflib.get_close_matches(complaint_id, ids, n=3, cutoff=0.6)
    return UnknownItemError("complaint", complaint_id, suggestions=close)


class RefusedStep(TransitionError):
    """A lifecycle step refused, said with the complaint's state and where it may go.

    Examples
    --------
    >>> from qualitapa.i18n import translator
    >>> print(RefusedStep("registered", "closed", item="2024/2").render(translator("it")))
    2024/2: il reclamo è protocollato e non può passare a chiuso; da protocollato può \
passare a: assegnato, inoltrato, respinto
    """

    def render(self, t: Translator) -> str:
        """The refusal in ``t``'s language (the command line shows it so)."""
        from qualitapa.complaints import allowed_transitions

        current = getattr(self.from_status, "value", self.from_status)
        wanted = getattr(self.to_status, "value", self.to_status)
        allowed = ", ".join(_word(t, _STATUSES, s.value) for s in allowed_transitions(str(current)))
        return str(t("{id}: il reclamo è {current} e non può passare a {wanted}; da {current} "
                     "può passare a: {allowed}", id=self.item, current=_word(t, _STATUSES,
                     current), wanted=_word(t, _STATUSES, wanted), allowed=allowed))  # fmt: skip


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # pragma: no cover - no user database
        return "cli"


#: Kinds of feedback, statuses and history verbs -> their word (Italian msgids), for people.
_KINDS, _STATUSES, _ACTIONS = KIND_WORDS, STATUS_WORDS, ACTION_WORDS
#: The notes the register writes itself (an imported event) -> their word.
_NOTES = {"imported": N_("importato")}


def _word(t: Translator, words: Mapping[str, str], code: Any) -> str:
    """``code``'s word in ``t``'s language (``words``: code -> msgid); else the code as it is."""
    return str(t(words[code])) if code in words else str(code)


#: Columns of a complaint's history -> their header for people (Italian msgids).
_HISTORY_HEADERS = {
    "seq": N_("N."),
    "at": N_("Data e ora"),
    "date": N_("Data"),
    "time": N_("Ora"),
    "actor": N_("Operatore"),
    "action": N_("Azione"),
    "from": N_("Da stato"),
    "to": N_("A stato"),
    "target": N_("Destinatario"),
    "note": N_("Nota"),
}


@complaints_group.command("show")
@click.argument("complaint_id")
@_db_option
@click.option("--contact", is_flag=True, help="Also show the citizen's contact (personal data).")
@functools.partial(_deadline_options, catalog_first=True)
@output_options
@lang_option
def show_command(
    complaint_id: str,
    db: Path,
    contact: bool,
    fmt: str | None,
    output: Path | None,
    lang: str,
    **deadline: Any,
) -> None:
    """Show a complaint, its deadline and its history (labelled in --lang).

    The deadline is the day the answer is due (the category's deadline in
    the installed plugins, else --deadline), with the working days left (or
    past it, or used for the answer), counted in the office's days of the
    complaint's organization; times are its office time.
    """
    from qualitapa._labelling import labels_of
    from qualitapa.i18n import translator

    with _register(db, readonly=True) as reg:
        if complaint_id not in reg:
            raise unknown_complaint(reg, complaint_id)
        c = reg.get(complaint_id, include_contact=contact)
        history = reg.history(complaint_id)
    catalog = get_catalog()
    zone = _office_zone(catalog, c.organization)
    if fmt in (None, "table") and output is None:
        services = labels_of(catalog.services, lang)
        categories = labels_of(catalog.complaint_categories, lang)

        def named(labels: dict[str, str], code: str) -> str:
            return f"{labels[code]} ({code})" if code in labels else code

        t = translator(lang)
        word = functools.partial(_word, t)
        # complaint texts are data: echo shows their control characters visibly
        head = t("{id}  {kind} tramite {channel}  servizio {service}", id=c.id,
                 kind=word(_KINDS, c.kind.value), channel=word(CHANNEL_WORDS, c.channel.value),
                 service=named(services, c.service))  # fmt: skip
        if c.category:
            head += "  " + t("categoria {category}", category=named(categories, c.category))
        echo(head)
        echo(t("ricevuto il {when}  stato {status}", when=_local(c.received_at, zone),
               status=word(_STATUSES, history[-1].to_status.value)))  # fmt: skip
        echo(_deadline_of(t, c, history, zone, **deadline))
        if c.description:
            echo(t("testo: {text}", text=c.description))
        if contact and c.contact is not None:
            k = c.contact
            echo(t("contatto: {contact}", contact=", ".join(
                v for v in (k.name, k.email, k.phone, k.address) if v)))  # fmt: skip
        echo("")
    rows = [
        {
            "seq": e.seq,
            "at": _local(e.at, zone),
            "actor": e.actor,
            "action": e.action,
            "from": e.from_status.value if e.from_status else "",
            "to": e.to_status.value,
            "target": e.target or "",
            "note": e.note,
        }
        for e in history
    ]
    frame, headers = pd.DataFrame(rows), None
    if fmt in (None, "table") and output is None:  # for people: words, headers in --lang
        t = translator(lang)
        for column, words in (("from", _STATUSES), ("to", _STATUSES), ("action", _ACTIONS),
                              ("note", _NOTES)):  # fmt: skip
            frame[column] = frame[column].map(functools.partial(_word, t, words))
        # the day and the time with its offset in two short columns: never wrapped
        days, times = zip(*(_day_and_time(e.at, zone) for e in history), strict=True)
        frame = frame.drop(columns="at")
        frame.insert(1, "date", list(days))
        frame.insert(2, "time", list(times))
        headers = {c: t(m) for c, m in _HISTORY_HEADERS.items()}
    emit(frame, fmt, output, lang=lang, headers=headers)


def _deadline_of(
    t: Translator,
    complaint: Any,
    history: list[Any],
    zone: zoneinfo.ZoneInfo,
    *,
    deadline_days: int,
    working_days: bool,
    province: str | None,
    use_catalog: bool,
    as_of: str | None,
) -> str:
    """The deadline line of ``complaint`` (:func:`deadline_text`), from its own history."""
    from qualitapa.complaints import WorkCalendar, case_table, instant

    c = complaint
    one = pd.DataFrame({"id": [c.id], "kind": [c.kind.value], "service": [c.service],
                        "category": [c.category], "organization": [c.organization],
                        "received_at": [c.received_at]})  # fmt: skip
    events = pd.DataFrame(
        {"complaint_id": [e.complaint_id for e in history], "seq": [e.seq for e in history],
         "at": [e.at for e in history], "to_status": [e.to_status.value for e in history]}
    )  # fmt: skip
    policy = _policy(deadline_days, working_days=working_days, use_catalog=use_catalog)
    ref = instant(as_of, str(zone.key), what="--as-of") if as_of else dt.datetime.now(dt.UTC)
    cases = case_table(one, events, policy=policy, calendar=WorkCalendar(province),
                       as_of=ref, tz=str(zone.key))  # fmt: skip
    if cases.empty:  # received after --as-of
        return str(t("ricevuto dopo la data di riferimento (--as-of): nessuna scadenza"))
    today = ref.astimezone(zone).date()
    return deadline_text(t, cases.iloc[0], province=province, today=today)


def _office_zone(catalog: Any, organization: str | None) -> zoneinfo.ZoneInfo:
    """The time zone of ``organization``'s offices (the catalog's), else Europe/Rome."""
    from qualitapa.models import DEFAULT_TIMEZONE

    org = catalog.organizations.get(organization) if organization else None
    return org.zone if org is not None else zoneinfo.ZoneInfo(DEFAULT_TIMEZONE)


def _local(when: dt.datetime, zone: zoneinfo.ZoneInfo) -> str:
    """An instant as office time with its offset: ``2024-02-02T09:30:00+01:00``."""
    return when.astimezone(zone).isoformat(timespec="seconds" if not when.microsecond else "auto")


def _day_and_time(when: dt.datetime, zone: zoneinfo.ZoneInfo) -> tuple[str, str]:
    """An instant as its office day and time with offset: ``("2024-02-02", "09:30+01:00")``."""
    local = when.astimezone(zone)
    clock = local.isoformat(timespec="minutes" if not local.second else "seconds")
    return clock[:10], clock[11:]


def _with_cases(command: Callable[..., None], *, events: bool = False) -> Callable[..., None]:
    """Add the deadline options; the command gets the register's cases in place of them.

    ``cases`` (first argument) are the complaints of ``--db`` with their
    deadlines; ``as_of`` is passed on. With ``events``, the command also
    gets ``events``: the register's events up to ``--as-of`` when its
    ``backlog`` option is given (None otherwise).
    """

    @functools.wraps(command)
    def run(
        *,
        db: Path,
        deadline_days: int,
        working_days: bool,
        province: str | None,
        use_catalog: bool,
        as_of: str | None,
        **options: Any,
    ) -> None:
        with _register(db, readonly=True) as reg:
            cases = cases_of(reg, deadline_days, working_days=working_days, province=province,
                             use_catalog=use_catalog, as_of=as_of)  # fmt: skip
            if events:
                options["events"] = _events_until(reg, as_of) if options.get("backlog") else None
        command(_not_empty(cases, db), as_of=as_of, **options)

    return _deadline_options(run)


def _check_metrics(value: str) -> str:
    """``--metrics`` as given, if every name is one kpis computes."""
    from qualitapa.complaints import METRICS

    for name in names(value):
        if name not in METRICS:
            raise click.BadParameter(
                _("{name} non è un indicatore dei reclami; quelli possibili: {valid}",
                  name=name, valid=", ".join(METRICS)),
                param_hint="--metrics",
            )  # fmt: skip
    return value


def _events_until(reg: Any, as_of: str | None) -> pd.DataFrame:
    """The register's events up to ``as_of`` (all of them without it)."""
    from qualitapa.complaints import DEFAULT_TZ, instant

    events = reg.events_frame()
    if as_of is None:
        return events
    return events[events["at"] <= pd.Timestamp(instant(as_of, DEFAULT_TZ, what="--as-of"))]


def cases_of(
    reg: Any,
    deadline_days: int,
    *,
    working_days: bool,
    province: str | None,
    use_catalog: bool,
    as_of: str | None,
) -> pd.DataFrame:
    """The register's cases with the deadlines the options give (each office's days)."""
    from qualitapa.complaints import WorkCalendar

    policy = _policy(deadline_days, working_days=working_days, use_catalog=use_catalog)
    return reg.cases(
        policy=policy, calendar=WorkCalendar(province), as_of=as_of, time_zones=get_catalog()
    )


def _policy(deadline_days: int, *, working_days: bool, use_catalog: bool) -> Any:
    """The deadline rules of the options: one default, or the catalog's categories' too."""
    from qualitapa.complaints import Deadline, DeadlinePolicy

    default = Deadline(deadline_days, "working" if working_days else "calendar")
    if use_catalog:
        return DeadlinePolicy.from_catalog(get_catalog(), default=default)
    return DeadlinePolicy(default=default)


def deadline_text(
    t: Translator,
    case: pd.Series,
    *,
    province: str | None,
    today: dt.date,
) -> str:
    """One complaint's deadline for people: the day, the rule, the working days left or used.

    ``case`` is the complaint's row of the case table; ``today`` its
    office's day (of ``--as-of``).
    """
    from qualitapa.complaints import Status, WorkCalendar

    due = pd.Timestamp(case["due_date"]).date()
    days = int(case["deadline_days"])
    rule = (t.plural("{n} giorno lavorativo", "{n} giorni lavorativi", days)
            if case["deadline_working"] else
            t.plural("{n} giorno di calendario", "{n} giorni di calendario", days))  # fmt: skip
    head = t("scadenza {due} ({rule})", due=due.isoformat(), rule=rule)
    if not pd.isna(case["answer_working_days"]):
        used = t.plural("{n} giorno lavorativo", "{n} giorni lavorativi",
                        int(case["answer_working_days"]))  # fmt: skip
        if bool(case["within_deadline"]):
            return str(t("{head}: risposta in {used}, entro la scadenza", head=head, used=used))
        return str(t("{head}: risposta in {used}, oltre la scadenza", head=head, used=used))
    if not Status(case["status"]).is_open:
        return str(head)
    left = int(WorkCalendar(province).working_days_between(today, due))
    if left > 0:
        return str(t.plural("{head}: manca {n} giorno lavorativo",
                            "{head}: mancano {n} giorni lavorativi", left, head=head))  # fmt: skip
    if left == 0 and today <= due:
        return str(t("{head}: scade oggi", head=head))
    late = max(1, -left)  # past the day: late by one working day at least
    return str(t.plural("{head}: scaduto da {n} giorno lavorativo",
                        "{head}: scaduto da {n} giorni lavorativi", late, head=head))  # fmt: skip


@complaints_group.command("kpis")
@_db_option
@click.option(
    "--by", default="", help="Comma-separated grouping, e.g. service,month (month|quarter|year)."
)
@click.option(
    "--population",
    type=float,
    default=None,
    help="Inhabitants, for per-10,000 rates (default: each organization's population from the "
    "installed plugins, when they register it).",
)
@click.option(
    "--metrics",
    default="",
    callback=lambda ctx, param, value: _check_metrics(value),
    help="Comma-separated KPIs to compute (default: all), e.g. "
    "p90_answer_working_days,share_within_deadline,backlog.",
)
@click.option(
    "--backlog",
    type=click.Choice(["month-end"]),
    default=None,
    help="Instead of the KPIs: the open complaints at the end of every month (by --by), up "
    "to --as-of (the last month at --as-of when it has not ended by then).",
)
@functools.partial(_with_cases, events=True)
@output_options
@lang_option
def kpis_command(
    cases: pd.DataFrame,
    by: str,
    population: float | None,
    metrics: str,
    backlog: str | None,
    events: pd.DataFrame | None,
    as_of: str | None,
    fmt: str | None,
    output: Path | None,
    lang: str,
) -> None:
    """Complaint KPIs: volumes, timeliness, answer times, backlog, reopenings.

    Organizations, services and categories are named in --lang. With
    --backlog month-end, the backlog at each month end instead, from the
    register's events (a reopened complaint counts again).
    """
    from qualitapa.complaints import backlog as backlog_at
    from qualitapa.complaints import kpis

    groups = names(by)
    if backlog is not None:
        given = {"--metrics": bool(metrics), "--population": population is not None}
        ignored = [option for option, said in given.items() if said]
        if ignored:  # the backlog series has one column: say so rather than drop the option
            raise click.UsageError(_("--backlog non va con {options}", options=", ".join(ignored)))
        keys = [g for g in groups if g not in ("month", "quarter", "year")]
        until = as_of if as_of is not None else pd.Timestamp.now(tz="UTC")
        table = backlog_at(cases, backlog, by=keys, events=events, until=until, tz=get_catalog())
        # as_of says when each count was taken: the month end, or --as-of for its own month
        table["as_of"] = _when_counted(table["as_of"], lang, fmt, output)
        _emit_labelled(table, lang, fmt, output, groups=keys)
        return
    inhabitants: float | dict[str, float] | None = population
    if inhabitants is None and "organization" in cases.columns:
        known = {k: float(v) for k, v in get_catalog().populations().items() if v}
        orgs = set(cases["organization"].dropna().astype(str))
        if orgs and orgs <= set(known):
            inhabitants = {o: known[o] for o in orgs}
    result = kpis(cases, by=groups, as_of=as_of, population=inhabitants, tz=get_catalog(),
                  metrics=names(metrics) or None)  # fmt: skip
    _emit_labelled(result, lang, fmt, output, groups=groups)


def _when_counted(as_of: pd.Series, lang: str, fmt: str | None, output: Path | None) -> pd.Series:
    """The backlog's instants for ``fmt``: ISO for programs, the reader's dates for people.

    A month end (23:59:59.999999, office time) is its day for people
    (``31/01/2024``), another instant (``--as-of``) its day and time
    (``31/03/2024 00:00``). Excel keeps milliseconds, so it would round a
    month end up to the next month's first: it gets the instant to the second.
    """
    from qualitapa.cli._output import check_output, for_machines
    from qualitapa.cli._programme_quality import day_text

    if check_output(fmt, output) == "xlsx":
        return as_of.dt.floor("s")
    if for_machines(fmt, output):
        return as_of
    ends = as_of == as_of.dt.ceil("D") - pd.Timedelta(1, "us")
    days = as_of.map(lambda when: day_text(when.date(), lang))
    return days.where(ends, days + " " + as_of.dt.strftime("%H:%M"))


@complaints_group.command("pareto")
@_db_option
@_by_option
@click.option("--threshold", type=float, default=0.8, show_default=True)
@output_options
@lang_option
def pareto_command(
    db: Path, by: str, threshold: float, fmt: str | None, output: Path | None, lang: str
) -> None:
    """Pareto of categories: which make 80% of the volume (labelled in --lang)."""
    from qualitapa.complaints import pareto

    with _register(db, readonly=True) as reg:
        frame = _not_empty(reg.complaints_frame(), db)
    table = pareto(frame, by=names(by), threshold=threshold)
    _emit_labelled(table, lang, fmt, output, groups=["category", *names(by)])


@complaints_group.command("trend")
@_db_option
@_by_option
@click.option("--period", type=click.Choice(["month", "quarter", "year"]), default="month")
@_with_cases
@output_options
@lang_option
def trend_command(
    cases: pd.DataFrame, by: str, period: str, as_of: str | None,
    fmt: str | None, output: Path | None, lang: str,
) -> None:  # fmt: skip
    """Trend of volume and timeliness per month (quarter, year), labelled in --lang."""
    from qualitapa.complaints import trend

    table = trend(cases, by=names(by), period=period, as_of=as_of, tz=get_catalog())
    _emit_labelled(table, lang, fmt, output, groups=names(by))


#: complaints export --format -> the extensions of -o (the first format of one is its default).
_EXPORT_FORMATS = {
    "csv": [".csv"],
    "json": [".json"],
    "ndjson": [".ndjson", ".jsonl"],
    "xlsx": [".xlsx"],
    "open311": [".json"],
    "open311-xml": [".xml"],
    "open311-services": [".json"],
}


@complaints_group.command("export")
@_db_option
@format_option(
    _EXPORT_FORMATS,
    default="csv",
    help="csv: table (json, ndjson, xlsx: the same table); open311: service requests as "
    "JSON; open311-xml: as XML; open311-services: the service list (JSON). Default: the "
    "one -o's extension names (.csv, .json, .ndjson, .xlsx, .xml), else csv. Times are "
    "office time with the offset (2024-02-02T09:30:00+01:00), in each organization's "
    "time zone.",
)
@click.option("--pseudonymise", is_flag=True, help="Replace contact data with keyed tokens.")
@click.option(
    "--secret",
    default=None,
    envvar=SECRET_ENV,
    help=f"Pseudonymisation secret (at least 16 characters); also ${SECRET_ENV}.",
)
@click.option("--include-contact", is_flag=True, help="Export contact data in clear (CSV).")
@click.option(
    "--lang",
    type=LanguageType(),
    default=None,
    help="Name services, categories and organizations in this language: Open311 "
    "service names (default it); in CSV, columns service_label, category_label and "
    "organization_name after the codes (without --lang the CSV is the register's own "
    "layout, which 'complaints import' reads back).",
)
@target_option(
    "Write to this file instead of the screen: .csv, .json, .ndjson, .xlsx or .xml.",
    writable=False,
    formats=_EXPORT_FORMATS,
)
def export_command(
    db: Path,
    fmt: ExportFormat | Literal["open311-services"],
    pseudonymise: bool,
    secret: str | None,
    include_contact: bool,
    lang: str | None,
    output: Path | None,
) -> None:
    """Export the register as CSV (formulas neutralised) or Open311 GeoReport v2."""
    from qualitapa.complaints import (
        export_complaints,
        open311_services,
        to_open311_json,
        with_local_times,
    )
    from qualitapa.complaints import pseudonymise as pseudonymise_frame

    if pseudonymise and not secret:
        raise DataError(_("--pseudonymise richiede un segreto: --secret o ${env}",
                             env=SECRET_ENV))  # fmt: skip
    if fmt == "open311-services":
        text = to_open311_json(open311_services(get_catalog(), lang=lang or "it"))
    else:
        with _register(db, readonly=True) as reg:
            frame = _not_empty(reg.to_frame(include_contact=include_contact or pseudonymise), db)
        catalog = get_catalog()  # its organizations' time zones, and names with --lang
        if fmt in ("json", "ndjson", "xlsx"):
            if pseudonymise and secret:
                frame = pseudonymise_frame(frame, secret)
            table = with_local_times(frame, catalog)
            emit(table, fmt, output, lang=lang, catalog=catalog)
            return
        text = export_complaints(
            frame,
            fmt,
            secret=secret if pseudonymise else None,
            catalog=catalog,
            lang=lang,
        )
    emit_text(text, output)


@complaints_group.command("check")
@_db_option
@click.option(
    "--anchor",
    default=None,
    help="A chain hash noted earlier (printed by a previous check): the history up to it "
    "must be unchanged.",
)
def check_command(db: Path, anchor: str | None) -> None:
    """Check the register: integrity, append-only protection, dates, hash chain.

    Prints the head of the hash chain: keep its hash somewhere the
    register's users cannot change (a published report, a letter) and give
    it as --anchor later, to prove the history up to it was not rewritten.
    Exits with status 1 when a problem is found.
    """
    with _register(db, readonly=True) as reg:
        problems = reg.check(anchor=anchor)
        head = None if isinstance(db, DatabaseUrl) else reg.chain_head()  # no chain on a server
        n, zone = len(reg), zoneinfo.ZoneInfo(reg.tz)
    t = _t()
    for problem in problems:
        echo(said(problem, t))
    if head is not None:  # written: the register's local time, as the reader writes it
        from babel.dates import format_datetime

        written = format_datetime(head.written_at.astimezone(zone), "medium", locale=t.locale)
        echo(_("testa della catena: evento {seq}, hash {hash} (scritto {written})",
                  seq=head.seq, hash=head.hash, written=written))  # fmt: skip
    t = _t()
    if problems:
        raise DataError(t.plural("{n} problema trovato nel registro",
                                 "{n} problemi trovati nel registro", len(problems)),
                        source=str(db))  # fmt: skip
    echo(t("il registro è integro: {complaints}",
           complaints=t.plural("{n} reclamo", "{n} reclami", n)))  # fmt: skip


@complaints_group.command("upgrade")
@_db_option
def upgrade_command(db: Path) -> None:
    """Bring a register written by an older qualitapa to the current schema.

    Adds what the newer schema has (the hash chain and its protection);
    commands that write do it too, reading commands never do.
    """
    with _register(db) as reg:
        version = reg.schema_version
    echo(_("{db}: versione dello schema {version}, aggiornata", db=db, version=version))
