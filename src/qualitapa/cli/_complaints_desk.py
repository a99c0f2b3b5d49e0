"""``qualitapa complaints add|assign|forward|answer|reopen|list``: a clerk's desk.

A complaint's whole life from the command line: ``add`` registers it
(options, a JSON object with ``--json``, or questions at a terminal),
``assign``, ``forward``, ``answer`` and ``reopen`` are the lifecycle's steps
(``transition`` takes any), ``list`` finds the complaints of a state, a
service, an assignee or past their deadline. Every message is in the
command's language; times without offset are office time.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import json
import sys
from pathlib import Path
from typing import IO, Any

import attrs
import click
import pandas as pd

from qualitapa.cli._complaints import (
    _STATUSES,
    _,
    _db_option,
    _deadline_options,
    _not_empty,
    _office_zone,
    _register,
    _t,
    _user,
    _word,
    cases_of,
    complaints_group,
    move,
)
from qualitapa.cli._context import language
from qualitapa.cli._database_url import DatabaseUrlType
from qualitapa.cli._main import echo, emit, get_catalog, nothing
from qualitapa.cli._options import lang_option, output_options
from qualitapa.errors import DataError, DefinitionError, Message
from qualitapa.i18n import N_

#: The fields of ``complaints add`` (options and the keys of ``--json``).
ADD_FIELDS = (
    "id",
    "kind",
    "channel",
    "service",
    "category",
    "organization",
    "received_at",
    "description",
    "latitude",
    "longitude",
    "address",
    "media_url",
    "name",
    "email",
    "phone",
    "contact_address",
)
#: What ``add`` asks for at a terminal when it is missing (Italian msgids).
_QUESTIONS = {
    "service": N_("Servizio (codice, es. registry)"),
    "channel": N_("Canale (counter, phone, email, pec, web, app, letter, social)"),
    "description": N_("Testo del reclamo"),
}
#: An unknown kind or channel of ``add`` (English, Italian msgid).
_UNKNOWN_KIND = ("unknown kind {value}; the kinds are {known}",
                 N_("tipo sconosciuto {value}; i tipi sono {known}"))  # fmt: skip
_UNKNOWN_CHANNEL = ("unknown channel {value}; the channels are {known}",
                    N_("canale sconosciuto {value}; i canali sono {known}"))  # fmt: skip
#: The id a new complaint is checked with when the register gives it its number.
_UNNUMBERED = "0"
_CONTACT = {"name": "name", "email": "email", "phone": "phone", "contact_address": "address"}


def degrees(value: object) -> object:
    """A coordinate as an office writes it: ``45.4642`` or ``45,4642`` (one comma, no point).

    Anything else is returned as it is, for the model to refuse with its own words.

    Examples
    --------
    >>> degrees("45,4642"), degrees(" 9.19 "), degrees(7), degrees("1.234,5")
    (45.4642, 9.19, 7, '1.234,5')
    """
    if not isinstance(value, str):
        return value
    text = value.strip()
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return value


class _Degrees(click.ParamType):
    """``--latitude``/``--longitude``: degrees with a decimal point or an Italian comma."""

    name = "degrees"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> object:
        number = degrees(value)
        if isinstance(number, (int, float)):
            return float(number)
        self.fail(_("{value} non è un numero di gradi (es. 45,4642 o 45.4642)", value=repr(value)))


def _at_option(func: Any) -> Any:
    return click.option(
        "--at",
        default=None,
        help="When (ISO 8601, e.g. 2024-03-31T09:30 or 2024-03-31; without offset: office "
        "time of the complaint's organization; default: now).",
    )(func)


def _actor_option(func: Any) -> Any:
    return click.option("--actor", default=None, help="Who (default: the current user).")(func)


@complaints_group.command("add")
@_db_option
@click.option(
    "--id",
    "id_",
    default=None,
    help="Its protocol number (e.g. 2024/000123); without it the register gives the next of "
    "the organization and year (036023/2024/000001).",
)
@click.option(
    "--kind", default=None, help="complaint (default), fault_report, suggestion or praise."
)
@click.option("--channel", default=None, help="counter, phone, email, pec, web, app, letter...")
@click.option("--service", default=None, help="The service concerned (its code).")
@click.option("--category", default=None, help="The complaint category (its code).")
@click.option("--organization", default=None, help="The organization (its code).")
@click.option(
    "--received-at",
    default=None,
    help="When it was received (ISO 8601; without offset: office time; default: now).",
)
@click.option("--description", default=None, help="The citizen's text.")
@click.option("--latitude", type=_Degrees(), default=None, help="Where: latitude (WGS84 degrees).")
@click.option(
    "--longitude", type=_Degrees(), default=None, help="Where: longitude (WGS84 degrees)."
)
@click.option("--address", default=None, help="Where the problem is (e.g. 'Via Roma 1').")
@click.option("--media-url", default=None, help="A photo or document (http:// or https://).")
@click.option("--name", default=None, help="The citizen's name (personal data).")
@click.option("--email", default=None, help="The citizen's e-mail (personal data).")
@click.option("--phone", default=None, help="The citizen's phone (personal data).")
@click.option("--contact-address", default=None, help="The citizen's address (personal data).")
@click.option(
    "--json",
    "json_file",
    type=click.File("r", encoding="utf-8"),
    default=None,
    help="A JSON object with these fields ('-': standard input); options given win.",
)
@click.option(
    "--check-catalog/--no-check-catalog",
    default=True,
    show_default=True,
    help="The service and category must be known to the installed plugins.",
)
@_actor_option
def add_command(
    db: Path, json_file: IO[str] | None, check_catalog: bool, actor: str | None, **given: Any
) -> None:
    """Register a new complaint: received, then given its protocol number.

    The values come from the options, or from a JSON object (--json FILE,
    or --json - for standard input) whose keys are the options' names
    (id, kind, channel, service, category, organization, received_at,
    description, latitude, longitude, address, media_url, name, email,
    phone, contact_address). At a terminal, what is missing is asked for.
    Without an id the register gives the next protocol number of the
    organization and year. Times without offset are office time of the
    organization.
    """
    values = _add_values(json_file, {k.rstrip("_"): v for k, v in given.items()})
    complaint = _complaint(values)  # checked before the register is opened
    who = actor or _user()
    catalog = get_catalog() if check_catalog else None
    with _register(db) as reg:  # received and registered in one transaction
        if values.get("id"):
            ev = reg.add(complaint, actor=who, catalog=catalog, registered=True)
        else:  # the register gives the next protocol number of the organization and year
            fields = {k: v for k, v in attrs.asdict(complaint, recurse=False).items() if k != "id"}
            ev = reg.add(fields, actor=who, catalog=catalog, registered=True)
    t = _t()
    zone = _office_zone(get_catalog(), complaint.organization)
    echo(
        t(
            "{id}: protocollato, ricevuto il {when} (evento {seq})",
            id=ev.complaint_id,
            when=complaint.received_at.astimezone(zone).isoformat(timespec="minutes"),
            seq=ev.seq,
        )
    )


def _add_values(json_file: IO[str] | None, options: dict[str, Any]) -> dict[str, Any]:
    """The fields of a new complaint: the JSON object's, then the options', then asked for."""
    values: dict[str, Any] = {}
    if json_file is not None:
        source = getattr(json_file, "name", "-")
        try:
            loaded = json.load(json_file)
        except json.JSONDecodeError as exc:
            raise DataError(
                Message(
                    "not valid JSON: {error}",
                    N_("JSON non valido: {error}"),
                    error=f"{exc.msg} ({exc.lineno}:{exc.colno})",
                ),
                source=source,
            ) from None
        if not isinstance(loaded, dict):
            raise DataError(
                Message(
                    "expected a JSON object of a complaint's fields",
                    N_("atteso un oggetto JSON con i campi del reclamo"),
                ),
                source=source,
            )
        unknown = sorted(set(loaded) - set(ADD_FIELDS))
        if unknown:
            raise DataError(
                Message(
                    "unknown field(s) {fields}; the fields are {known}",
                    N_("campi sconosciuti {fields}; i campi sono {known}"),
                    fields=", ".join(unknown),
                    known=", ".join(ADD_FIELDS),
                ),
                source=source,
            )
        values.update(loaded)
    values.update({k: v for k, v in options.items() if v is not None})
    if _interactive():
        t = _t()
        for field, question in _QUESTIONS.items():
            if values.get(field) in (None, ""):
                values[field] = click.prompt(t(question), default="", show_default=False)
    missing = [f for f in ("service", "channel") if not values.get(f)]
    if missing:
        raise click.UsageError(
            _(
                "mancano {fields}: indicarli come opzioni (--{first}) o in --json",
                fields=", ".join(missing),
                first=missing[0],
            )
        )
    return values


def _interactive() -> bool:
    """True when standard input is a terminal (``add`` may ask)."""
    return sys.stdin.isatty()


def _complaint(values: dict[str, Any]) -> Any:
    """The new :class:`~qualitapa.complaints.Complaint` (received now by default)."""
    from qualitapa.complaints import Channel, Complaint, Contact, FeedbackKind, instant

    zone = _office_zone(get_catalog(), values.get("organization"))
    received = values.get("received_at")
    at = (
        instant(received, str(zone.key), what="received_at")
        if received
        else dt.datetime.now(dt.UTC).replace(microsecond=0)
    )
    contact = Contact(**{f: values[k] for k, f in _CONTACT.items() if values.get(k)})
    fields: dict[str, Any] = {
        k: degrees(values[k]) if k in ("latitude", "longitude") else values[k]
        for k in ("category", "organization", "latitude", "longitude", "address", "media_url")
        if values.get(k) not in (None, "")
    }
    kind = values.get("kind") or "complaint"
    checks = (("kind", kind, FeedbackKind, _UNKNOWN_KIND),
              ("channel", values["channel"], Channel, _UNKNOWN_CHANNEL))  # fmt: skip
    for field, value, enum, said in checks:
        known = [m.value for m in enum]
        if value not in known:
            raise DefinitionError(
                Message(said[0], said[1], value=repr(value), known=", ".join(known)), field=field
            )
    return Complaint(
        id=str(values.get("id") or _UNNUMBERED),
        kind=kind,
        channel=values["channel"],
        service=values["service"],
        received_at=at,
        description=str(values.get("description") or ""),
        contact=None if contact.is_empty() else contact,
        **fields,
    )


@complaints_group.command("assign")
@click.argument("complaint_id")
@click.argument("assignee")
@_db_option
@click.option("--note", default="", help="A note for the history.")
@_actor_option
@_at_option
def assign_command(
    complaint_id: str, assignee: str, db: Path, note: str, actor: str | None, at: str | None
) -> None:
    """Assign complaint COMPLAINT_ID to ASSIGNEE (an officer or an office)."""
    move(db, complaint_id, "assigned", note=note, target=assignee, actor=actor, at=at)


@complaints_group.command("forward")
@click.argument("complaint_id")
@click.argument("body")
@_db_option
@click.option("--note", required=True, help="Why it is forwarded (required).")
@_actor_option
@_at_option
def forward_command(
    complaint_id: str, body: str, db: Path, note: str, actor: str | None, at: str | None
) -> None:
    """Forward complaint COMPLAINT_ID to BODY, the body or department competent for it."""
    move(db, complaint_id, "forwarded", note=note, target=body, actor=actor, at=at)


@complaints_group.command("answer")
@click.argument("complaint_id")
@_db_option
@click.option("--note", default="", help="The answer, or where it is filed.")
@_actor_option
@_at_option
def answer_command(
    complaint_id: str, db: Path, note: str, actor: str | None, at: str | None
) -> None:
    """Record that complaint COMPLAINT_ID was answered (a date alone: that day, 00:00)."""
    move(db, complaint_id, "answered", note=note, actor=actor, at=at)


@complaints_group.command("reopen")
@click.argument("complaint_id")
@_db_option
@click.option("--note", default="", help="Why it is reopened.")
@_actor_option
@_at_option
def reopen_command(
    complaint_id: str, db: Path, note: str, actor: str | None, at: str | None
) -> None:
    """Reopen complaint COMPLAINT_ID (answered, closed or rejected)."""
    move(db, complaint_id, "reopened", note=note, actor=actor, at=at)


#: Columns of ``complaints list`` -> their header for people (Italian msgids); the
#: service and the category are shown by their names (their codes in CSV, JSON...).
_LIST_HEADERS = {
    "id": N_("Protocollo"),
    "received": N_("Ricevuto"),
    "service_name": N_("Servizio"),
    "category_name": N_("Categoria"),
    "status": N_("Stato"),
    "assignee": N_("Assegnato a"),
    "due_date": N_("Scadenza"),
    "working_days_left": N_("Giorni lavorativi rimasti"),
    "overdue": N_("Scaduto"),
}


@complaints_group.command("list")
@_db_option
@click.option(
    "--status",
    "statuses",
    multiple=True,
    help="Only complaints in this state (received, assigned, answered...); repeatable.",
)
@click.option("--service", "services", multiple=True, help="Only this service; repeatable.")
@click.option("--assignee", default=None, help="Only the complaints assigned to this person.")
@click.option("--overdue", is_flag=True, help="Only open complaints past their deadline.")
@functools.partial(_deadline_options, catalog_first=True)
@output_options
@lang_option
def list_command(
    db: Path,
    statuses: tuple[str, ...],
    services: tuple[str, ...],
    assignee: str | None,
    overdue: bool,
    fmt: str | None,
    output: Path | None,
    lang: str,
    **deadline: Any,
) -> None:
    """List complaints: state, assignee, deadline and working days left, filtered.

    The deadline is the category's in the installed plugins, else
    --deadline (--working-days); working days left are negative past it. Exits with
    status 1 when no complaint matches.
    """
    from qualitapa.complaints import WorkCalendar
    from qualitapa.i18n import translator

    for s in statuses:
        _check_status(s)
    with _register(db, readonly=True) as reg:
        cases = _not_empty(cases_of(reg, **deadline), db)
        assignees = _assignees(reg.events_frame())
    table = _list_table(cases, assignees, WorkCalendar(deadline["province"]), deadline["as_of"])
    keep = pd.Series(True, index=table.index)
    if statuses:
        keep &= table["status"].isin(statuses)
    if services:
        keep &= table["service"].isin(services)
    if assignee is not None:
        keep &= table["assignee"] == assignee
    if overdue:
        keep &= table["overdue"]
    table = table.loc[keep].reset_index(drop=True)
    if table.empty:
        raise nothing(_("nessun reclamo risponde ai filtri"))
    headers = None
    if fmt in (None, "table") and output is None:  # for people: names and words, no codes
        from qualitapa._labelling import labels_of

        catalog, t = get_catalog(), translator(lang)
        for column, items in (("service", catalog.services),
                              ("category", catalog.complaint_categories)):  # fmt: skip
            names = labels_of(items, lang)
            table[column] = table[column].map(lambda c, names=names: names.get(c, c))
        table["received"] = table["received"].str.slice(0, 16).str.replace("T", " ")
        table["status"] = table["status"].map(lambda s: _word(t, _STATUSES, s))
        table["overdue"] = table["overdue"].map({True: t("sì"), False: t("no")})
        table = table.rename(columns={"service": "service_name", "category": "category_name"})
        headers = {c: str(t(m)) for c, m in _LIST_HEADERS.items()}
    emit(table, fmt, output, lang=lang, headers=headers)


def _check_status(status: str) -> None:
    """Refuse a --status that is no state, naming the closest and every state."""
    from qualitapa.complaints import Status

    known = [s.value for s in Status]
    if status in known:
        return
    close = difflib.get_close_matches(status, known, n=1)
    text = _(
        "stato sconosciuto {status}; gli stati sono {known}",
        status=repr(status),
        known=", ".join(known),
    )
    if close:
        text += _("; forse {suggestions}?", suggestions=repr(close[0]))
    raise click.BadParameter(text, param_hint="--status")


def _assignees(events: pd.DataFrame) -> pd.Series:
    """Each complaint's assignee: the target of its last assignment (vectorised)."""
    assigned = events.loc[events["to_status"] == "assigned", ["complaint_id", "seq", "target"]]
    last = assigned.sort_values("seq").drop_duplicates("complaint_id", keep="last")
    return pd.Series(last["target"].to_numpy(dtype=object), index=last["complaint_id"].to_numpy())


def _list_table(
    cases: pd.DataFrame, assignees: pd.Series, calendar: Any, as_of: str | None
) -> pd.DataFrame:
    """One row per complaint: when, what, state, assignee, deadline, working days left."""
    from qualitapa.complaints import Status

    zones = [str(_office_zone(get_catalog(), o).key) for o in cases["organization"]]
    ref = pd.Timestamp(as_of) if as_of else pd.Timestamp.now(tz="UTC")
    today = [
        (ref.tz_localize(z) if ref.tzinfo is None else ref.tz_convert(z)).date() for z in zones
    ]
    received = [  # office time with its offset: 2024-02-02T09:30:00+01:00
        pd.Timestamp(r).tz_convert(z).isoformat()
        for r, z in zip(cases["received_at"], zones, strict=True)
    ]
    due = cases["due_date"].to_numpy().astype("datetime64[D]")
    left = calendar.working_days_between(pd.to_datetime(today).to_numpy(), due)
    is_open = cases["status"].map(lambda s: Status(s).is_open).to_numpy(dtype=bool)
    overdue = is_open & (due < pd.to_datetime(today).to_numpy().astype("datetime64[D]"))
    return pd.DataFrame(
        {
            "id": cases["id"].to_numpy(),
            "received": received,
            "service": cases["service"].to_numpy(),
            "category": cases["category"].fillna("").to_numpy(),
            "status": cases["status"].astype(str).to_numpy(),
            "assignee": cases["id"].map(assignees).fillna("").to_numpy(),
            "due_date": [str(d) for d in due],
            "working_days_left": pd.Series(left, dtype="Int64").where(is_open, pd.NA),
            "overdue": overdue,
        }
    )


#: Where ``plan derive``'s complaint options leave their values (``click.Context.meta``).
_DERIVE_KEY = "qualitapa.complaints.derive"


def _keep(ctx: click.Context, param: click.Parameter, value: object) -> object:
    """Keep an option of :func:`complaint_options` for :func:`complaint_actions`."""
    ctx.meta.setdefault(_DERIVE_KEY, {})[param.name] = value
    return value


def complaint_options(func: Any) -> Any:
    """``plan derive``'s options for the complaints register, read by :func:`complaint_actions`.

    The command does not get them as arguments: it asks
    :func:`complaint_actions`, which reads them from the click context.
    """
    keep: dict[str, Any] = {"expose_value": False, "callback": _keep}
    func = click.option(
        "--period",
        type=click.Choice(["year", "quarter"]),
        default="year",
        show_default=True,
        help="The period complaints are counted in (by their receipt).",
        **keep,
    )(func)
    func = click.option(
        "--min-answered",
        type=int,
        default=5,
        show_default=True,
        help="The fewest answers of a service in a period to judge its share of late ones.",
        **keep,
    )(func)
    func = click.option(
        "--late-share",
        type=float,
        default=0.2,
        show_default=True,
        help="A service answering late more often than this share gets an action.",
        **keep,
    )(func)
    func = click.option(
        "--recurring",
        type=int,
        default=10,
        show_default=True,
        help="Complaints of one category in a period that make it recurring.",
        **keep,
    )(func)
    return click.option(
        "--complaints",
        type=DatabaseUrlType(),
        default=None,
        help="A complaints register (SQLite file or postgresql:// URL): recurring categories "
        "and late answers (deadlines: the categories' own in the installed plugins, else 30 "
        "days).",
        **keep,
    )(func)


def complaint_actions() -> pd.DataFrame | None:
    """The actions the register of ``--complaints`` calls for; None without ``--complaints``."""
    from qualitapa.improvement import actions_from_complaints

    given = click.get_current_context().meta.get(_DERIVE_KEY, {})
    db = given.get("complaints")
    if db is None:
        return None
    with _register(db, readonly=True) as reg:
        cases = cases_of(reg, 30, working_days=False, province=None, use_catalog=True, as_of=None)
    return actions_from_complaints(
        _not_empty(cases, db),
        recurring=given["recurring"],
        late_share=given["late_share"],
        min_answered=given["min_answered"],
        period=given["period"],
        catalog=get_catalog(),
        lang=language(),  # the titles and evidence in the command's language (Italian by default)
    )
