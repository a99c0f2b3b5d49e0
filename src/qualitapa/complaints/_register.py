"""The durable complaint register on SQLite.

Design
------
* One file, WAL journal (readers never block the writer), ``busy_timeout``
  so concurrent writers wait instead of failing, and every write is one
  ``BEGIN IMMEDIATE`` transaction: the write lock is taken before the
  current state is read, so two processes cannot both move the same
  complaint from the same state, and a process killed in the middle of a
  write leaves nothing half-done (SQLite rolls the transaction back).
* History is append-only: triggers abort any ``UPDATE`` or ``DELETE`` of
  ``events`` and ``complaints`` and any ``INSERT`` that would replace one
  (:mod:`qualitapa.complaints._schema`). The current state is not stored;
  it is the last event's ``to_status``.
* Every write appends a link to a hash chain over the events and complaint
  rows (:mod:`qualitapa.complaints._chain`): :meth:`ComplaintRegister.check`
  detects a history changed behind the triggers' back.
* Personal data (the citizen's contact) lives in its own ``contacts`` table,
  the only one that can be changed (erasure on request, GDPR art. 17).
* The schema is versioned (``schema_version`` table); opening a register
  for writing applies the missing migrations in one transaction. Opening it
  ``readonly`` never creates, migrates or writes anything
  (:mod:`qualitapa.complaints._database`).
* Instants are stored as integer microseconds since the epoch, UTC; none
  may be later than now (plus :data:`FUTURE_TOLERANCE`).
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import zoneinfo
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import pandas as pd

from qualitapa._sqlite import SqliteStore, sqlite_errors
from qualitapa._zones import zones_of
from qualitapa.complaints._calendar import DEFAULT_TZ, WorkCalendar
from qualitapa.complaints._cases import case_table
from qualitapa.complaints._chain import (
    COMPLAINT_FIELDS,
    EVENT_FIELDS,
    LOCATION_FIELDS,
    ChainHead,
    append_link,
    chain_head,
    verify_chain,
)
from qualitapa.complaints._database import connect
from qualitapa.complaints._deadlines import DeadlinePolicy
from qualitapa.complaints._export import with_local_times
from qualitapa.complaints._history import prepare_history
from qualitapa.complaints._importing import (
    CONTACT_COLUMNS,
    PROBLEM_COLUMNS,
    ImportReport,
    _text,
    import_events,
    prepare_import,
    without_surrogates,
)
from qualitapa.complaints._instants import FUTURE_TOLERANCE, future_limit_us, instant
from qualitapa.complaints._lifecycle import ACTIONS, check_transition
from qualitapa.complaints._models import Channel, Complaint, Contact, Event, Kind, Status
from qualitapa.complaints._open311 import from_open311
from qualitapa.complaints._privacy import pseudonymise
from qualitapa.complaints._schema import SCHEMA, insert_guards_lifted, split_sql
from qualitapa.complaints._scope import CategoryScopeError, refusal
from qualitapa.errors import DataError, DefinitionError, Message, UnknownItemError
from qualitapa.i18n import N_
from qualitapa.io import read_table, write_csv

if TYPE_CHECKING:
    from qualitapa.catalog import Catalog

_split_sql = split_sql  # kept for callers of the old private name

#: The complaints table's columns, in the chain's order.
_COMPLAINT_COLS = COMPLAINT_FIELDS
_EVENT_COLS = (
    "complaint_id", "at_us", "actor", "action", "from_status", "to_status", "note", "target"
)  # fmt: skip


def _to_us(when: dt.datetime) -> int:
    if when.tzinfo is None or when.utcoffset() is None:
        raise DataError(f"a date-time needs a timezone, got {when!r}")
    delta = when - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _from_us(us: int) -> dt.datetime:
    return dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=us)


def _us_series(values: Any) -> pd.Series:
    arr = np.asarray(values, dtype=np.int64)
    return pd.Series(arr.astype("datetime64[us]")).dt.tz_localize("UTC")


#: The id a mapping without one is checked with before it gets its protocol number.
_UNNUMBERED = "0"
#: The schema version from which complaints carry a location.
_LOCATED = 4
#: From this many events, an import lifts the per-row REPLACE guards in its transaction.
_BULK_ROWS = 2000
#: Stored instants outside 0001-01-01 .. 9999-12-31 cannot have been written by qualitapa.
_MIN_US = _to_us(dt.datetime(1, 1, 1, tzinfo=dt.UTC))
_MAX_US = _to_us(dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=dt.UTC))


def _encodable(value: str | None, what: str, source: str | None) -> None:
    """Refuse text SQLite cannot store (lone surrogates, e.g. from a JSON ``\\ud800``)."""
    if value is None:
        return
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise DataError(
            "contains a character that is not valid Unicode text (a lone surrogate)",
            source=source,
            column=what,
        ) from None


class ComplaintRegister(SqliteStore):
    """A durable, append-only register of complaints and their events.

    Parameters
    ----------
    path
        The SQLite file (created if missing, unless ``readonly``), or
        ``":memory:"``.
    readonly
        Open for reading only: nothing is created, migrated or written, and
        the file may be read-only (or in a read-only folder). A missing file,
        or a database that is not a complaint register, is an error.
    busy_timeout
        Seconds to wait for another process that holds the register locked;
        then a :class:`~qualitapa.errors.DataError` says so.
    tz
        Timezone of the office, used to turn naive times into instants.

    Raises
    ------
    DataError
        The file is not a complaint register (another application's
        database: it is left untouched), is damaged, is newer than this
        qualitapa, is locked by another process beyond ``busy_timeout``, or
        cannot be written (without ``readonly``).

    Examples
    --------
    >>> import datetime as dt, tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "urp.db"
    >>> reg = ComplaintRegister(path)
    >>> t = dt.datetime(2024, 1, 8, 9, 0, tzinfo=dt.timezone.utc)
    >>> _ = reg.add(Complaint("2024/1", "complaint", "email", "registry", t))
    >>> reg.transition("2024/1", "registered", actor="urp", at="2024-01-08 10:30").at.hour
    9
    >>> reg.status("2024/1").value
    'registered'
    >>> reg.close()
    >>> with ComplaintRegister(path, readonly=True) as reader:
    ...     reader.check()
    []
    """

    store_schema = SCHEMA

    def __new__(cls, path: str | os.PathLike[str], *args: Any, **kwargs: Any) -> ComplaintRegister:
        if cls is ComplaintRegister and isinstance(path, str):
            from qualitapa.complaints._postgres import PostgresRegister, is_postgres_url

            if is_postgres_url(path):
                return super().__new__(PostgresRegister)
        return super().__new__(cls)

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        readonly: bool = False,
        busy_timeout: float = 30.0,
        tz: str = DEFAULT_TZ,
    ) -> None:
        self.tz = tz
        super().__init__(path, readonly=readonly, busy_timeout=busy_timeout)

    # -- connection and schema -------------------------------------------------
    @classmethod
    def open(cls, path: str | os.PathLike[str], **kwargs: Any) -> ComplaintRegister:
        """Open (or create) the register at ``path``; same as the constructor."""
        return cls(path, **kwargs)

    def _connect(self) -> tuple[sqlite3.Connection, int]:
        return connect(self.path, readonly=self.readonly, busy_timeout=self.busy_timeout)

    @property
    def schema_version(self) -> int:
        """The schema version of the open database."""
        return self._version

    def _instant(self, value: Any, what: str, source: str) -> int:
        """Microseconds of ``value`` (text or datetime, naive = office time), not in the future."""
        try:
            us = _to_us(instant(value, self.tz, what=what))
        except DataError as exc:
            raise DataError(exc.message, source=source) from None
        if us > future_limit_us():
            raise DataError(
                f"{what} {_from_us(us).isoformat()} is in the future (later than now plus "
                f"{int(FUTURE_TOLERANCE.total_seconds() // 60)} minutes): an append-only "
                "register would keep it for ever",
                source=source,
            )
        return us

    def _append(
        self,
        db: sqlite3.Connection,
        complaints: Mapping[str, Sequence[Any]],
        events: Mapping[str, Sequence[Any]],
    ) -> int:
        """Write complaints and events (columns) and their chain link; the last seq.

        Inside a write transaction. ``events`` are in write order; each
        complaint must have its first event among them.
        """
        n = len(events["complaint_id"])
        row = db.execute("SELECT COALESCE(MAX(seq), 0) FROM events").fetchone()
        first = int(row[0]) + 1
        seqs = list(range(first, first + n))
        # these plain INSERTs cannot replace anything (the primary keys refuse an
        # existing id; seqs continue the last one): a big import lifts the per-row
        # guards against REPLACE inside its own transaction, which other
        # connections never see without them
        with insert_guards_lifted(db, lifted=n >= _BULK_ROWS):
            cols = [c for c in (*_COMPLAINT_COLS, *LOCATION_FIELDS) if c in complaints]
            if len(complaints["id"]):
                db.executemany(
                    f"INSERT INTO complaints ({','.join(cols)}) "
                    f"VALUES ({','.join('?' * len(cols))})",
                    zip(*(complaints[c] for c in cols), strict=True),
                )
            db.executemany(
                f"INSERT INTO events (seq, {','.join(_EVENT_COLS)}) VALUES ({','.join('?' * 9)})",
                zip(seqs, *(events[c] for c in _EVENT_COLS), strict=True),
            )
        if n == 0:
            return first
        # the chain takes complaints in the order of their first event (dicts, not a
        # pandas Index: a clerk's write has one event, where pandas cost 0.3 ms a write;
        # as fast at a million); mostly the order they are written in, taken as it is
        position = {cid: i for i, cid in enumerate(complaints["id"])}
        order = [position[c] for c in dict.fromkeys(events["complaint_id"]) if c in position]
        ordered: dict[str, Any] = {f: complaints[f] for f in cols}
        if order != list(range(len(complaints["id"]))):  # object arrays, read as sequences
            idx = np.asarray(order, dtype=np.intp)
            ordered = {f: np.asarray(v, dtype=object)[idx] for f, v in ordered.items()}
        append_link(db, first, {"seq": seqs, **{c: events[c] for c in EVENT_FIELDS[1:]}}, ordered)
        return seqs[-1]

    # -- single writes -----------------------------------------------------------
    @sqlite_errors
    def add(
        self,
        complaint: Complaint | Mapping[str, Any],
        *,
        actor: str = "system",
        at: dt.datetime | str | None = None,
        catalog: Catalog | None = None,
        registered: bool = False,
    ) -> Event:
        """Add a new complaint; record its ``received`` event (dated ``at`` or receipt).

        ``complaint`` is a :class:`Complaint`, or a mapping of its fields
        (:meth:`Complaint.from_mapping`). A mapping without ``id`` gets the
        next protocol number of its organization and year (the year of
        receipt in the office's time zone): ``2024/000001``, ``2024/000002``...,
        prefixed by the organization's id when it has one
        (``015146/2024/000001``), so organizations sharing a register number
        apart. Numbers are unique and without gaps even with many clerks
        adding at once; a number an imported complaint already holds is
        skipped. The returned event's ``complaint_id`` is the number given.

        ``at`` (when it was entered, if later than its receipt) may be ISO
        8601 text; a time without offset is office time. With ``catalog``,
        the service and the category must exist in it, the category must
        belong to the service and, if it is local, apply to the
        complaint's organization (as for :meth:`import_frame`).

        With ``registered``, the complaint is also registered (``received``
        then ``registered``, the protocol step a counter clerk does at once,
        both dated ``at``) in the same transaction: a failure or a crash
        between the two leaves nothing, never a complaint received but not
        registered. The returned event is then the registration.

        Raises
        ------
        DataError
            A complaint with the same id is already in the register; a time
            in the future or ``at`` before the receipt; a category of
            another service.
        CategoryScopeError
            A local category of other organizations (``field`` is
            ``"category"``; ``suggestions`` lists the categories that
            apply to the complaint's organization).
        UnknownItemError
            An unknown service or category (with the closest ids).

        Examples
        --------
        >>> from qualitapa import Service, hookimpl
        >>> from qualitapa.testing import catalog_with
        >>> from qualitapa.complaints import ComplaintCategory
        >>> class P:
        ...     @hookimpl
        ...     def qualitapa_services(self):
        ...         return [Service("registry", "Anagrafe")]
        ...     @hookimpl
        ...     def qualitapa_complaint_categories(self):
        ...         return [ComplaintCategory("registry.waiting", "Attese", "registry"),
        ...                 ComplaintCategory("registry.bilingual", "Bilinguismo", "registry",
        ...                                   organizations=["021008"])]
        >>> t = dt.datetime(2024, 1, 8, 9, 0, tzinfo=dt.timezone.utc)
        >>> c = Complaint("2024/2", "complaint", "email", "registry", t,
        ...               category="registry.bilingual", organization="036023")
        >>> with ComplaintRegister(":memory:") as reg:
        ...     reg.add(c, catalog=catalog_with(P()))
        Traceback (most recent call last):
        ...
        qualitapa.complaints._scope.CategoryScopeError: complaint '2024/2', field 'category': \
the category 'registry.bilingual' applies to '021008' only, not to '036023'; categories of \
service 'registry' that apply: 'registry.waiting'

        Received and registered at once, in one transaction:

        >>> with ComplaintRegister(":memory:") as reg:
        ...     ev = reg.add(Complaint("2024/3", "complaint", "pec", "registry", t),
        ...                  actor="urp", registered=True)
        ...     ev.to_status.value, [e.to_status.value for e in reg.history("2024/3")]
        ('registered', ['received', 'registered'])
        """
        numbered = not isinstance(complaint, Complaint) and not complaint.get("id")
        if not isinstance(complaint, Complaint):
            complaint = (
                self._unnumbered(complaint)
                if numbered
                else Complaint.from_mapping(
                    {**complaint, "received_at": self._when(complaint.get("received_at"))}
                )
            )
        if catalog is not None:
            _check_catalog(complaint, catalog)
        received_us = self._instant(complaint.received_at, "received_at", complaint.id)
        at_us = received_us if at is None else self._instant(at, "at", complaint.id)
        if at_us < received_us:
            raise DataError(
                f"the complaint is entered at {_from_us(at_us).isoformat()}, before it was "
                f"received ({_from_us(received_us).isoformat()})",
                source=complaint.id,
            )
        _check_texts(complaint, actor)
        return self._write_new(complaint, received_us, at_us, actor, numbered, registered)

    def _write_new(
        self,
        complaint: Complaint,
        received_us: int,
        at_us: int,
        actor: str,
        numbered: bool,
        registered: bool,
    ) -> Event:
        """Write a new complaint, its receipt (and its registration) in one transaction."""
        c = complaint.contact
        with self._write() as db:
            if numbered:
                complaint = attrs.evolve(complaint, id=self._next_number(db, complaint))
            elif db.execute("SELECT 1 FROM complaints WHERE id = ?", (complaint.id,)).fetchone():
                raise _taken(complaint.id)
            values = (complaint.id, complaint.kind.value, complaint.channel.value,
                      complaint.service, complaint.category, complaint.organization,
                      received_us, complaint.description)  # fmt: skip
            events = _new_events(complaint.id, at_us, actor, registered)
            seq = self._append(
                db,
                {
                    **{col: [v] for col, v in zip(_COMPLAINT_COLS, values, strict=True)},
                    **{f: [getattr(complaint, f)] for f in self._location_fields},
                },
                dict(zip(_EVENT_COLS, map(list, zip(*events, strict=True)), strict=True)),
            )
            if c is not None and not c.is_empty():
                db.execute(
                    "INSERT INTO contacts VALUES (?, ?, ?, ?, ?)",
                    (complaint.id, c.name, c.email, c.phone, c.address),
                )
        return _last_event(events, seq)

    def _when(self, value: Any) -> Any:
        """A receipt time of a mapping: text or naive is office time (``tz``)."""
        if value is None or (isinstance(value, dt.datetime) and value.tzinfo is not None):
            return value
        return instant(value, self.tz, what="received_at")

    def _unnumbered(self, fields: Mapping[str, Any]) -> Complaint:
        """The complaint of ``fields`` (no id yet: it gets the next protocol number)."""
        try:
            # checked with a stand-in id; the number is given in the write transaction
            return Complaint.from_mapping(
                {**fields, "id": _UNNUMBERED, "received_at": self._when(fields.get("received_at"))}
            )
        except DefinitionError as exc:
            raise DefinitionError(exc.message, field=exc.field, source="new complaint") from None

    def _next_number(self, db: Any, complaint: Complaint) -> str:
        """The next free protocol number of the complaint's organization and year.

        In the caller's write transaction: the counter moves with the
        complaint, so a failed write gives its number back (no gaps) and a
        concurrent one waits for it (no duplicates). A number already taken
        (an imported complaint keeps its id) is skipped.
        """
        organization, year, prefix = self._protocol(complaint)
        while True:
            row = db.execute(
                "INSERT INTO protocol_counters (organization, year, last) VALUES (?, ?, 1) "
                "ON CONFLICT (organization, year) DO UPDATE SET last = protocol_counters.last + 1 "
                "RETURNING last",
                (organization, year),
            ).fetchone()
            number = f"{prefix}{year}/{int(row[0]):06d}"
            if not db.execute("SELECT 1 FROM complaints WHERE id = ?", (number,)).fetchone():
                return number

    def _protocol(self, complaint: Complaint) -> tuple[str, int, str]:
        """The counter (organization, year of receipt in office time) and the number's prefix."""
        year = complaint.received_at.astimezone(zoneinfo.ZoneInfo(self.tz)).year
        organization = complaint.organization or ""
        return organization, year, f"{organization}/" if organization else ""

    @sqlite_errors
    def transition(
        self,
        complaint_id: str,
        to_status: Status | str,
        *,
        actor: str,
        note: str = "",
        target: str | None = None,
        at: dt.datetime | str | None = None,
    ) -> Event:
        """Move a complaint to ``to_status``, appending one event.

        Parameters
        ----------
        complaint_id
            The complaint.
        to_status
            The new state.
        actor
            Who makes the change.
        note
            Why (required to reject or forward).
        target
            The assignee, or the body or department it is forwarded to
            (required to forward).
        at
            When: a datetime or ISO 8601 text; without offset it is office
            time (``tz``). Now by default. Not before the last event, not
            in the future (beyond :data:`FUTURE_TOLERANCE`).

        Raises
        ------
        UnknownItemError
            No such complaint.
        TransitionError
            The lifecycle does not allow the change (both states are named).
        DataError
            Missing reason or target; ``at`` before the last event, in the
            future, not a date-time, or an office time that a
            daylight-saving change skips or repeats.
        """
        when = dt.datetime.now(dt.UTC) if at is None else at
        at_us = self._instant(when, "at", complaint_id)
        for what, text in (("actor", actor), ("note", note), ("target", target)):
            _encodable(text, what, complaint_id)
        seq, to, left = self._record(complaint_id, to_status, at_us, actor, note, target)
        return Event(complaint_id, _from_us(at_us), actor, ACTIONS[to], left, to, note, target, seq)

    def _record(
        self,
        complaint_id: str,
        to_status: Status | str,
        at_us: int,
        actor: str,
        note: str,
        target: str | None,
    ) -> tuple[int, Status, Status]:
        """Append a change in one write transaction: its seq, its state, the state it left.

        SQLite's write lock (``BEGIN IMMEDIATE``) is taken before the last
        state is read, so no other writer can change it in between.
        """
        with self._write() as db:
            last = db.execute(
                "SELECT to_status, at_us FROM events WHERE complaint_id = ? "
                "ORDER BY seq DESC LIMIT 1",
                (complaint_id,),
            ).fetchone()
            to = _checked_change(complaint_id, last, to_status, at_us, note=note, target=target)
            row = (complaint_id, at_us, actor, ACTIONS[to], last[0], to.value, note, target)
            seq = self._append(
                db,
                {col: [] for col in _COMPLAINT_COLS},
                {col: [v] for col, v in zip(_EVENT_COLS, row, strict=True)},
            )
        return seq, to, Status(last[0])

    @sqlite_errors
    def erase_contact(self, complaint_id: str) -> bool:
        """Delete the citizen's personal data of one complaint (GDPR art. 17).

        Returns True if there was something to erase. The complaint and its
        history stay.
        """
        with self._write() as db:
            cur = db.execute("DELETE FROM contacts WHERE complaint_id = ?", (complaint_id,))
            return cur.rowcount > 0

    # -- bulk import -----------------------------------------------------------------
    @sqlite_errors
    def import_frame(
        self,
        frame: pd.DataFrame,
        *,
        events: pd.DataFrame | None = None,
        source: str | None = None,
        events_source: str | None = None,
        actor: str = "import",
        catalog: Catalog | None = None,
        time_zones: Catalog | None = None,
    ) -> ImportReport:
        """Import complaints from a table, with their history if you have it.

        Bad rows are reported, good rows kept; everything good is written in
        one transaction.

        Parameters
        ----------
        frame
            Columns ``id, kind, channel, service, received_at`` (required)
            and ``category, organization, description, status, answered_at,
            closed_at, outcome, outcome_at, outcome_note, outcome_target,
            contact_name, contact_email, contact_phone, contact_address``
            (optional). Times without offset are local (``tz`` of the
            register).
        events
            The full history, in the layout of :meth:`events_frame`:
            ``complaint_id, at, to_status`` (required) and ``seq, actor,
            action, from_status, note, target``. Each complaint's events are
            recorded as they are (real times, actors, notes, targets), so
            reopenings, suspensions and forwards count in deadlines and KPIs.
            ``seq`` (else ``at``) orders them; the register numbers them anew.
            Without ``events`` the current ``status`` is reached through the
            shortest lifecycle path passing through the ``outcome``
            (``answered`` when ``answered_at`` is given; ``forwarded`` or
            ``rejected`` for a complaint forwarded or rejected, then
            perhaps closed or reopened), one event per step.
        source
            Name used in reports (the complaints file name).
        events_source
            Name of the events file, for reports.
        actor
            Recorded as the actor of the generated events (and of imported
            events without one).
        catalog
            When given, services and categories must exist in it, each
            category must belong to the row's service, and a local
            category (see :attr:`ComplaintCategory.organizations`) must
            apply to the row's organization: a row of another organization
            is refused (column ``category``), its problem listing the
            categories that apply. Organizations are matched by the
            catalog's code, or a name or code that names exactly one.
        time_zones
            A catalog whose organizations' time zones
            (:attr:`~qualitapa.Organization.timezone`) read the times
            without offset of their rows, without checking services and
            categories (``catalog`` does both). Other rows are in ``tz``.

        Returns
        -------
        ImportReport
            Counts and the problems table: ``table`` (``complaints`` or
            ``events``) and ``row`` (1-based data row of that table) for
            every row not imported. A complaint is imported with all its
            events or not at all.

        Raises
        ------
        DataError
            A required column is missing or a column is unknown.

        Examples
        --------
        >>> events = pd.DataFrame({
        ...     "complaint_id": ["2024/7"] * 3,
        ...     "at": ["2024-03-01T09:00+01:00", "2024-03-01T10:00+01:00",
        ...            "2024-03-04T12:00+01:00"],
        ...     "actor": ["urp", "urp", "urp"],
        ...     "to_status": ["received", "registered", "forwarded"],
        ...     "note": [None, None, "non di competenza"],
        ...     "target": [None, None, "INPS"]})
        >>> complaints = pd.DataFrame({"id": ["2024/7"], "kind": ["complaint"],
        ...     "channel": ["pec"], "service": ["registry"],
        ...     "received_at": ["2024-03-01T09:00+01:00"], "status": ["forwarded"]})
        >>> reg = ComplaintRegister(":memory:")
        >>> report = reg.import_frame(complaints, events=events)
        >>> report.imported, report.events, report.rejected
        (1, 3, 0)
        >>> reg.history("2024/7")[-1].target
        'INPS'
        >>> reg.close()
        """
        good, problems = prepare_import(
            frame,
            source=source,
            catalog=catalog,
            tz=self.tz,
            history=events is not None,
            time_zones=time_zones,
        )
        history = None
        if events is not None:
            history, ev_problems, keep = self._history_of(
                frame, events, good, source=events_source, actor=actor, zones=time_zones or catalog
            )
            good = good[keep].reset_index(drop=True)
            problems = pd.concat([problems, ev_problems], ignore_index=True)
        imported = n_events = 0
        if len(good):
            with self._write() as db:
                imported, n_events, problems = self._write_import(
                    db, good, history, problems, actor
                )
        return ImportReport(imported, n_events, _sorted(problems), source, events_source)

    def _history_of(
        self,
        frame: pd.DataFrame,
        events: pd.DataFrame,
        good: pd.DataFrame,
        *,
        source: str | None,
        actor: str,
        zones: Catalog | None,
    ) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
        """The imported events of the good complaints: history, problems, complaints kept."""
        # as prepare_import reads them (a lone surrogate escaped), so events find their row
        ids = without_surrogates(frame[["id"]])[0]
        all_ids = _text(ids, "id", strip=False).to_numpy(dtype=object)
        return prepare_history(
            events,
            good,
            all_ids,
            source=source,
            tz=self._event_zones(events, good, zones),
            actor=actor,
        )

    def _write_import(
        self,
        db: sqlite3.Connection,
        good: pd.DataFrame,
        history: pd.DataFrame | None,
        problems: pd.DataFrame,
        actor: str,
    ) -> tuple[int, int, pd.DataFrame]:
        """Write the good complaints not already in the register, in the caller's transaction.

        Returns the complaints and events written, and the problems with the
        complaints left out because their id is taken.
        """
        clash = self._existing(db, good["id"])
        if len(clash):
            good, history, extra = _without_clashes(good, history, clash)
            problems = pd.concat([problems, *extra], ignore_index=True)
        if len(good) == 0:
            return 0, 0, problems
        comp = {c: good[c].to_numpy(dtype=object).tolist() for c in _COMPLAINT_COLS}
        comp["received_us"] = good["received_us"].to_numpy().tolist()
        for f in self._location_fields:
            if f in good.columns:
                comp[f] = good[f].astype(object).where(good[f].notna(), None).tolist()
        # built when the back end first reads them (PostgreSQL: while the server stores
        # the complaints)
        events_cols = _Deferred(lambda: _event_columns(good, history, actor))
        self._append(db, comp, events_cols)
        has_contact = good[list(CONTACT_COLUMNS)].notna().any(axis=1).to_numpy()
        if has_contact.any():
            sub = good.loc[has_contact, ["id", *CONTACT_COLUMNS]]
            db.executemany(
                "INSERT INTO contacts VALUES (?, ?, ?, ?, ?)",
                zip(*(sub[c].to_numpy(dtype=object).tolist() for c in sub), strict=True),
            )
        return len(good), len(events_cols["complaint_id"]), problems

    def _event_zones(
        self, events: pd.DataFrame, good: pd.DataFrame, catalog: Catalog | None
    ) -> str | pd.Series:
        """The office time zone of each event row: its complaint's organization's."""
        if catalog is None or "complaint_id" not in events.columns:
            return self.tz
        org_of = pd.Series(good["organization"].to_numpy(), index=good["id"].to_numpy())
        org_of = org_of[~org_of.index.duplicated()]
        orgs = _text(events, "complaint_id", strip=False).map(org_of)
        return zones_of(orgs, len(events), catalog, self.tz)

    @sqlite_errors
    def import_csv(
        self,
        path: str | os.PathLike[str],
        *,
        events: str | os.PathLike[str] | pd.DataFrame | None = None,
        **kwargs: Any,
    ) -> ImportReport:
        """Import complaints from a CSV (or Excel) file; see :meth:`import_frame`.

        ``events`` is the file (or table) of their history, in the layout
        of :meth:`events_frame`.
        """
        frame = read_table(Path(path), dtype=str, keep_default_na=False, na_values=[""])
        kwargs.setdefault("source", str(path))
        if events is not None and not isinstance(events, pd.DataFrame):
            kwargs.setdefault("events_source", str(events))
            events = read_table(Path(events), dtype=str, keep_default_na=False, na_values=[""])
        return self.import_frame(frame, events=events, **kwargs)

    @sqlite_errors
    def import_open311(
        self, data: Any, *, catalog: Catalog | None = None, source: str | None = None, **kwargs: Any
    ) -> ImportReport:
        """Import Open311 GeoReport v2 service requests (JSON file, text or list).

        See :func:`qualitapa.complaints.from_open311` for the mapping;
        ``kwargs`` (``kind``, ``channel``) are the defaults it uses.
        """
        frame = from_open311(data, catalog=catalog, **kwargs)
        if (
            source is None
            and isinstance(data, (str, Path))
            and not str(data).lstrip().startswith("[")
        ):
            source = str(data)
        return self.import_frame(frame, source=source, catalog=catalog)

    @staticmethod
    def _existing(db: sqlite3.Connection, ids: pd.Series) -> list[str]:
        if db.execute("SELECT 1 FROM complaints LIMIT 1").fetchone() is None:
            return []
        db.execute("CREATE TEMP TABLE IF NOT EXISTS _incoming (id TEXT PRIMARY KEY)")
        db.execute("DELETE FROM _incoming")
        db.executemany("INSERT OR IGNORE INTO _incoming VALUES (?)", ((i,) for i in ids))
        found = [
            r[0]
            for r in db.execute("SELECT i.id FROM _incoming i JOIN complaints c ON c.id = i.id")
        ]
        db.execute("DELETE FROM _incoming")
        return found

    # -- reading -------------------------------------------------------------------
    @sqlite_errors
    def __len__(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM complaints").fetchone()[0])

    @sqlite_errors
    def __contains__(self, complaint_id: object) -> bool:
        row = self._db.execute(
            "SELECT 1 FROM complaints WHERE id = ?", (str(complaint_id),)
        ).fetchone()
        return row is not None

    @sqlite_errors
    def get(self, complaint_id: str, *, include_contact: bool = False) -> Complaint:
        """The complaint ``complaint_id`` (its contact only if ``include_contact``)."""
        row = self._db.execute(
            f"SELECT {self._complaint_columns('')} FROM complaints WHERE id = ?", (complaint_id,)
        ).fetchone()
        if row is None:
            raise UnknownItemError("complaint", complaint_id)
        contact = None
        if include_contact:
            c = self._db.execute(
                "SELECT name, email, phone, address FROM contacts WHERE complaint_id = ?",
                (complaint_id,),
            ).fetchone()
            contact = Contact(*c) if c else None
        try:
            return Complaint(
                id=row[0],
                kind=row[1],
                channel=row[2],
                service=row[3],
                category=row[4],
                organization=row[5],
                received_at=_from_us(row[6]),
                description=row[7],
                contact=contact,
                latitude=row[8],
                longitude=row[9],
                address=row[10],
                media_url=row[11],
            )
        except (ValueError, TypeError, OverflowError) as exc:
            raise self._damaged("complaints", f"complaint {complaint_id}", exc) from None

    @sqlite_errors
    def history(self, complaint_id: str) -> list[Event]:
        """The events of one complaint, oldest first."""
        rows = self._db.execute(
            f"SELECT seq, {','.join(_EVENT_COLS)} FROM events WHERE complaint_id = ? ORDER BY seq",
            (complaint_id,),
        ).fetchall()
        if not rows:
            raise UnknownItemError("complaint", complaint_id)
        try:
            return [
                Event(r[1], _from_us(r[2]), r[3], r[4], r[5], r[6], r[7], r[8], seq=r[0])
                for r in rows
            ]
        except (ValueError, TypeError, OverflowError) as exc:
            raise self._damaged("events", f"complaint {complaint_id}", exc) from None

    @sqlite_errors
    def status(self, complaint_id: str) -> Status:
        """The current state of one complaint (its last event's ``to_status``)."""
        row = self._db.execute(
            "SELECT to_status FROM events WHERE complaint_id = ? ORDER BY seq DESC LIMIT 1",
            (complaint_id,),
        ).fetchone()
        if row is None:
            raise UnknownItemError("complaint", complaint_id)
        try:
            return Status(row[0])
        except ValueError as exc:
            raise self._damaged("events", f"complaint {complaint_id}", exc) from None

    @property
    def _location_fields(self) -> tuple[str, ...]:
        """The location columns the register has (none before schema 4)."""
        return LOCATION_FIELDS if self._version >= _LOCATED else ()

    def _complaint_columns(self, prefix: str) -> str:
        """The SELECT list of a complaint row, location last (NULL before schema 4)."""
        cols = [prefix + c for c in _COMPLAINT_COLS]
        cols += [prefix + f if f in self._location_fields else "NULL" for f in LOCATION_FIELDS]
        return ", ".join(cols)

    def _damaged(self, table: str, where: str, detail: Any) -> DataError:
        return DataError(
            f"the register holds a value qualitapa cannot have written (table {table}, "
            f"{where}: {detail}): the file was changed by another program or is damaged; "
            "see 'qualitapa complaints check'",
            source=self.path,
        )

    def _checked(self, frame: pd.DataFrame, table: str, key: str) -> pd.DataFrame:
        """``frame`` as read from ``table``, after checking each column's values (vectorised)."""
        for col, rule in _RULES[table].items():
            if col not in frame.columns:
                continue
            values = frame[col]
            missing = values.isna().to_numpy(dtype=bool)
            if rule == "int":
                ok = _is_int(values)
                if ok.all() and col.endswith("_us"):
                    ints = values.to_numpy(dtype=np.int64)
                    ok = (ints >= _MIN_US) & (ints <= _MAX_US)
            elif rule == "real?":
                ok = np.array([type(v) is float for v in values], dtype=bool) | missing
            elif rule in ("text", "text?"):
                if values.dtype == object:
                    ok = np.array([type(v) is str for v in values], dtype=bool)
                elif pd.api.types.is_string_dtype(values.dtype):
                    ok = ~missing
                else:
                    ok = np.zeros(len(values), dtype=bool)
                if rule == "text?":
                    ok = ok | missing
            else:
                allowed = [v for v in rule if v is not None]
                if _all_allowed(values, allowed, missing_ok=None in rule):
                    ok = np.ones(len(values), dtype=bool)  # the usual case, at a glance
                else:
                    ok = values.isin(allowed).to_numpy(dtype=bool)
                    if None in rule:
                        ok = ok | missing
            if col == key and len(pd.unique(values.to_numpy(dtype=object))) < len(values):
                ok = ok & ~values.duplicated().to_numpy(dtype=bool)
            if not ok.all():
                bad = frame.loc[~ok].iloc[0]
                raise self._damaged(table, f"{key} {bad[key]!r}, column {col}", repr(bad[col]))
        return frame

    @sqlite_errors
    def complaints_frame(self, *, include_contact: bool = False) -> pd.DataFrame:
        """All complaints as a table (without status; see :meth:`to_frame`).

        Columns: ``id, kind, channel, service, category, organization,
        received_at`` (UTC), ``description``, ``latitude, longitude, address,
        media_url`` (where the problem is; empty when not given) and, with ``include_contact``,
        ``contact_name, contact_email, contact_phone, contact_address``.
        """
        cols = [*_COMPLAINT_COLS, *LOCATION_FIELDS]
        sql = f"SELECT {self._complaint_columns('c.')}"
        if include_contact:
            sql += ", k.name, k.email, k.phone, k.address FROM complaints c "
            sql += "LEFT JOIN contacts k ON k.complaint_id = c.id"
            cols += list(CONTACT_COLUMNS)
        else:
            sql += " FROM complaints c"
        rows = self._db.execute(sql + " ORDER BY c.id").fetchall()
        frame = pd.DataFrame.from_records(rows, columns=cols, coerce_float=False)
        frame = self._checked(frame, "complaints", "id")
        received = _us_series(frame["received_us"].to_numpy(dtype=np.int64))
        frame.insert(6, "received_at", received)
        for f in ("latitude", "longitude"):
            frame[f] = frame[f].astype("float64")
        return frame.drop(columns="received_us")

    @sqlite_errors
    def events_frame(self) -> pd.DataFrame:
        """All events as a table: ``seq, complaint_id, at`` (UTC) and the other fields."""
        rows = self._db.execute(
            f"SELECT seq, {','.join(_EVENT_COLS)} FROM events ORDER BY seq"
        ).fetchall()
        frame = pd.DataFrame.from_records(rows, columns=["seq", *_EVENT_COLS], coerce_float=False)
        frame = self._checked(frame, "events", "seq")
        frame.insert(2, "at", _us_series(frame["at_us"].to_numpy(dtype=np.int64)))
        return frame.drop(columns="at_us")

    @sqlite_errors
    def to_frame(self, *, include_contact: bool = False) -> pd.DataFrame:
        """All complaints with ``status``, ``updated_at`` (last event), ``answered_at``
        (first answer) and ``closed_at`` (last closing), all UTC."""
        frame = self.complaints_frame(include_contact=include_contact)
        ev = self.events_frame()  # by seq, every value checked
        # each complaint's events by integer codes (no groupby, no merge: on a few rows
        # pandas' setup cost more than the work): its last event, first answer, last
        # closing; one more slot, last, for a complaint without events (check() reports it)
        codes, uniques = pd.factorize(ev["complaint_id"].to_numpy(dtype=object))
        at = ev["at"].to_numpy(dtype="datetime64[us]").astype(np.int64)
        to = ev["to_status"].to_numpy(dtype=object)
        last = np.full(len(uniques), -1, dtype=np.int64)
        np.maximum.at(last, codes, np.arange(len(codes)))
        never = np.iinfo(np.int64).max
        answered = np.full(len(uniques) + 1, never, dtype=np.int64)
        np.minimum.at(answered, codes[to == "answered"], at[to == "answered"])
        answered[answered == never] = -1
        closed = np.full(len(uniques) + 1, -1, dtype=np.int64)
        np.maximum.at(closed, codes[to == "closed"], at[to == "closed"])
        status = np.append(to[last], np.array([None], dtype=object))
        since = np.append(at[last], -1)
        pos = pd.Index(uniques, dtype=object).get_indexer(frame["id"].to_numpy(dtype=object))
        frame["status"] = status[pos]
        for name, us in (("updated_at", since[pos]), ("answered_at", answered[pos]),
                         ("closed_at", closed[pos])):  # fmt: skip
            frame[name] = _us_series(np.where(us < 0, 0, us)).where(us >= 0)
        return frame

    @sqlite_errors
    def cases(
        self,
        *,
        policy: DeadlinePolicy | None = None,
        calendar: WorkCalendar | dict[str, WorkCalendar] | None = None,
        as_of: Any = None,
        time_zones: Catalog | None = None,
    ) -> pd.DataFrame:
        """One row per complaint with status, answer times and deadlines.

        See :func:`qualitapa.complaints.case_table` for the columns; this is
        the input of :func:`qualitapa.complaints.kpis`. Days are office
        days in each complaint's organization's time zone in
        ``time_zones`` (a catalog), else in the register's ``tz``.
        """
        complaints = self.complaints_frame()
        tz: str | dict[str, str] = self.tz
        if time_zones is not None and "organization" in complaints.columns:
            orgs = pd.Series(complaints["organization"].dropna().astype(str).unique())
            zones = zones_of(orgs, len(orgs), time_zones, self.tz)
            tz = dict(zip(orgs, zones, strict=True))
        return case_table(
            complaints,
            self.events_frame(),
            policy=policy,
            calendar=calendar,
            as_of=as_of,
            tz=tz,
        )

    @sqlite_errors
    def export_csv(
        self,
        path: str | os.PathLike[str] | Any,
        *,
        include_contact: bool = False,
        secret: str | bytes | None = None,
        catalog: Catalog | None = None,
    ) -> int:
        """Write the complaints (with status) as CSV, formulas neutralised.

        Times are office time with the offset (``2024-02-02T09:30:00+01:00``):
        each complaint's organization's time zone in ``catalog``, else the
        register's ``tz``.

        With ``secret`` the contact columns are replaced by keyed tokens
        (:func:`qualitapa.complaints.pseudonymise`); with
        ``include_contact`` and no secret they are written in clear.
        Returns the number of rows written.
        """
        frame = self.to_frame(include_contact=include_contact or secret is not None)
        if secret is not None:
            frame = pseudonymise(frame, secret)
        write_csv(with_local_times(frame, catalog, tz=self.tz), path)
        return len(frame)

    @sqlite_errors
    def chain_head(self) -> ChainHead | None:
        """The last link of the register's hash chain (None before the first event).

        Keep its ``hash`` somewhere the register's users cannot change (a
        published report, a signed letter, another system): later,
        ``check(anchor=hash)`` proves the history up to it was not rewritten,
        even by someone able to recompute the chain.

        Examples
        --------
        >>> import datetime as dt
        >>> reg = ComplaintRegister(":memory:")
        >>> _ = reg.add(Complaint("2024/1", "praise", "web", "libraries",
        ...                       dt.datetime(2024, 1, 8, 9, tzinfo=dt.timezone.utc)))
        >>> head = reg.chain_head()
        >>> head.seq, len(head.hash), reg.check(anchor=head.hash)
        (1, 64, [])
        >>> reg.close()
        """
        return chain_head(self._db)

    @sqlite_errors
    def check(self, *, anchor: str | None = None) -> list[str]:
        """Problems of the register; an empty list means it is sound.

        Checks SQLite's integrity and foreign keys; that the triggers that
        keep the history append-only are all there, unchanged; that events
        are numbered without gaps, each complaint's events in time order,
        none before its receipt or in the future, each history a valid
        lifecycle starting with ``received``, every complaint with events;
        and that every event and complaint row still matches the hash chain
        written with it (and, with ``anchor``, that the chain still passes
        through that earlier head: see :meth:`chain_head`).

        Parameters
        ----------
        anchor
            The ``hash`` of an earlier :meth:`chain_head`, kept elsewhere.
        """
        from qualitapa.complaints._lifecycle import validate_history

        db = self._db
        integrity = db.execute("PRAGMA integrity_check").fetchall()
        problems: list[str] = [
            Message("integrity: {detail}", N_("integrità: {detail}"), detail=r[0])
            for r in integrity
            if r[0] != "ok"
        ]
        problems += [
            Message(
                "foreign key: {table} row {row} refers to missing {parent}",
                N_("chiave esterna: {table} riga {row} rimanda a una riga mancante di {parent}"),
                table=_TABLES.get(r[0], r[0]), row=r[1], parent=_TABLES.get(r[2], r[2]),
            )
            for r in db.execute("PRAGMA foreign_key_check")
        ]  # fmt: skip
        problems += SCHEMA.check_triggers(db, self._version)
        orphan = db.execute(
            "SELECT id FROM complaints c WHERE NOT EXISTS "
            "(SELECT 1 FROM events e WHERE e.complaint_id = c.id) LIMIT 10"
        ).fetchall()
        problems += [
            Message("complaint {id} has no events", N_("il reclamo {id} non ha eventi"), id=r[0])
            for r in orphan
        ]
        try:
            ev = self.events_frame()
            complaints = self.complaints_frame()
        except DataError as exc:
            return [*problems, exc.message]
        if len(ev):
            problems += _sequence_problems(ev["seq"].to_numpy(dtype=np.int64))
            problems += _time_problems(ev, complaints)
            bad = validate_history(ev)
            problems += [f"complaint {r.complaint_id}: {r.problem}" for r in bad.itertuples()]
        problems += verify_chain(db, with_chain=self._version >= 3, anchor=anchor, tz=self.tz)
        return problems


_RULES: dict[str, dict[str, Any]] = {
    "complaints": {
        "id": "text",
        "kind": [k.value for k in Kind],
        "channel": [c.value for c in Channel],
        "service": "text",
        "category": "text?",
        "organization": "text?",
        "received_us": "int",
        "description": "text",
        "latitude": "real?",
        "longitude": "real?",
        "address": "text?",
        "media_url": "text?",
    },
    "events": {
        "seq": "int",
        "complaint_id": "text",
        "at_us": "int",
        "actor": "text",
        "action": "text",
        "from_status": [None, *(s.value for s in Status)],
        "to_status": [s.value for s in Status],
        "note": "text",
        "target": "text?",
    },
}


def _new_events(
    complaint_id: str, at_us: int, actor: str, registered: bool
) -> list[tuple[Any, ...]]:
    """The rows (:data:`_EVENT_COLS`) of a new complaint: received (then registered)."""
    steps = [(None, Status.RECEIVED), (Status.RECEIVED, Status.REGISTERED)]
    return [
        (complaint_id, at_us, actor, ACTIONS[to], fr and fr.value, to.value, "", None)
        for fr, to in steps[: 2 if registered else 1]
    ]


def _last_event(events: Sequence[tuple[Any, ...]], seq: int) -> Event:
    """The last of a new complaint's event rows (of :func:`_new_events`), as an Event."""
    cid, at_us, actor, action, fr, to, _, _ = events[-1]
    return Event(cid, _from_us(at_us), actor, action, fr, to, seq=seq)


def _taken(complaint_id: str) -> DataError:
    """The error of an add whose id is already in the register."""
    return DataError("a complaint with this id is already in the register", source=complaint_id)


def _check_texts(complaint: Complaint, actor: str) -> None:
    """Refuse a text of ``complaint`` (or ``actor``) SQLite or PostgreSQL cannot store."""
    c = complaint.contact
    texts: dict[str, str | None] = {
        "description": complaint.description,
        "actor": actor,
        "address": complaint.address,
        "media_url": complaint.media_url,
    }
    if c is not None:
        texts.update(name=c.name, email=c.email, phone=c.phone)
        texts["contact address"] = c.address
    for what, text in texts.items():
        _encodable(text, what, complaint.id)


def _checked_change(
    complaint_id: str,
    last: Sequence[Any] | None,
    to_status: Status | str,
    at_us: int,
    *,
    note: str,
    target: str | None,
) -> Status:
    """The state a change goes to, after checking it against the complaint's last event.

    ``last`` is the last event's ``(to_status, at_us)``, None for an unknown
    complaint. Raises what :meth:`ComplaintRegister.transition` documents.
    """
    if last is None:
        raise UnknownItemError("complaint", complaint_id)
    to = check_transition(last[0], to_status, note=note, target=target, item=complaint_id)
    if at_us < last[1]:
        raise DataError(
            f"the change is dated {_from_us(at_us).isoformat()}, before the last event "
            f"({_from_us(last[1]).isoformat()})",
            source=complaint_id,
        )
    return to


def _check_catalog(complaint: Complaint, catalog: Catalog) -> None:
    """Refuse a complaint whose service or category the catalog does not allow."""
    where = f"complaint {complaint.id!r}"
    catalog.services[complaint.service]  # unknown -> UnknownItemError with suggestions
    if complaint.category is None:
        return
    category = catalog.complaint_categories[complaint.category]
    if category.service != complaint.service:
        raise DataError(
            f"the category {category.id!r} belongs to service {category.service!r}, "
            f"not {complaint.service!r}",
            source=where,
            column="category",
        )
    if complaint.organization is None:
        return
    found = refusal(catalog, category.id, complaint.organization)
    if found is not None:
        _, code, suggestions, message = found
        raise CategoryScopeError(
            category.id,
            code,
            scope=category.organizations,
            suggestions=suggestions,
            detail=message,
            source=where,
            field="category",
        )


def _all_allowed(values: pd.Series, allowed: Sequence[str], *, missing_ok: bool) -> bool:
    """Whether every value is one of ``allowed`` (or missing, when ``missing_ok``): checked
    on the distinct values, as ``isin`` would find them."""
    known = frozenset(allowed)
    return all(
        (type(u) is str and u in known)
        or (missing_ok and (u is None or u is pd.NA or (type(u) is float and u != u)))
        for u in pd.unique(values.to_numpy(dtype=object))
    )


def _is_int(values: pd.Series) -> np.ndarray:
    if pd.api.types.is_integer_dtype(values.dtype):
        return np.ones(len(values), dtype=bool)
    return np.array([type(v) is int for v in values], dtype=bool)


def _sequence_problems(seqs: np.ndarray) -> list[str]:
    """Gaps in the event numbers: events removed behind the triggers' back."""
    expected_start = np.concatenate([[0], seqs[:-1]])
    gap = np.flatnonzero(seqs - expected_start > 1)
    return [
        f"events {int(expected_start[i]) + 1}-{int(seqs[i]) - 1} are missing (seq jumps from "
        f"{int(expected_start[i])} to {int(seqs[i])})"
        for i in gap[:10]
    ]


def _time_problems(events: pd.DataFrame, complaints: pd.DataFrame) -> list[str]:
    """Events out of time order, before their complaint's receipt, or in the future."""
    ev = events.sort_values(["complaint_id", "seq"], kind="stable")
    cid = ev["complaint_id"].to_numpy(dtype=object)
    at = ev["at"].to_numpy(dtype="datetime64[us]").astype(np.int64)
    seq = ev["seq"].to_numpy(dtype=np.int64)
    same = np.zeros(len(ev), dtype=bool)
    same[1:] = cid[1:] == cid[:-1]
    earlier = np.zeros(len(ev), dtype=bool)
    earlier[1:] = same[1:] & (at[1:] < at[:-1])
    problems = [
        f"complaint {cid[i]}: event {seq[i]} is dated before the previous event of the "
        f"complaint (event {seq[i - 1]})"
        for i in np.flatnonzero(earlier)[:10]
    ]
    received = pd.Series(
        complaints["received_at"].to_numpy(dtype="datetime64[us]").astype(np.int64),
        index=complaints["id"].to_numpy(dtype=object),
    )
    rec = received.reindex(cid).to_numpy(dtype=float)
    before = at < rec  # NaN (no complaint) compares False
    problems += [
        f"complaint {cid[i]}: event {seq[i]} is dated before the complaint was received"
        for i in np.flatnonzero(before)[:10]
    ]
    limit = future_limit_us()
    problems += [
        f"complaint {cid[i]}: event {seq[i]} is dated in the future "
        f"({_from_us(int(at[i])).isoformat()})"
        for i in np.flatnonzero(at > limit)[:10]
    ]
    return problems


def _sorted(problems: pd.DataFrame) -> pd.DataFrame:
    """Problems of the complaints table first, then of the events, by row and column."""
    if not len(problems):
        return problems.reset_index(drop=True)
    key = pd.DataFrame(
        {
            "t": (problems["table"].to_numpy() != "complaints").astype(np.int8),
            "r": problems["row"].to_numpy(dtype=np.int64),
            "c": problems["column"].astype(str).to_numpy(),
        }
    )
    order = key.sort_values(["t", "r", "c"], kind="stable").index.to_numpy()
    return problems.iloc[order][PROBLEM_COLUMNS].reset_index(drop=True)


#: The register's tables, as check() names them.
_TABLES = {
    "complaints": Message("complaints", N_("reclami")),
    "events": Message("events", N_("eventi")),
}
#: The problems of a complaint already in the register, and of its events.
ALREADY_IN_REGISTER = Message("already in the register", N_("già nel registro"))
NOT_IMPORTED_CLASH = Message(
    "not imported: its complaint is already in the register",
    N_("non importato: il suo reclamo è già nel registro"),
)


def _problem_rows(
    table: str, rows: np.ndarray, ids: np.ndarray, column: str, problem: str
) -> pd.DataFrame:
    """Problems of an import, one per row, each with its id as the value."""
    return pd.DataFrame(
        {"table": table, "row": rows, "id": ids, "column": column, "value": ids, "problem": problem}
    )


def _without_clashes(
    good: pd.DataFrame, history: pd.DataFrame | None, clash: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame | None, list[pd.DataFrame]]:
    """Leave out the complaints already in the register (``clash``) and their events.

    Returns the complaints and events left and the problems listing what was left out.
    """
    mask = good["id"].isin(clash).to_numpy()
    ids = good["id"].to_numpy()[mask]
    extra = [
        _problem_rows("complaints", good["row"].to_numpy()[mask], ids, "id", ALREADY_IN_REGISTER)
    ]
    if history is not None:
        hit = history["complaint_id"].isin(clash).to_numpy()
        extra.append(
            _problem_rows(
                "events",
                history["row"].to_numpy()[hit],
                history["complaint_id"].to_numpy()[hit],
                "complaint_id",
                NOT_IMPORTED_CLASH,
            )
        )
        history = history[~hit]
    return good[~mask].reset_index(drop=True), history, extra


class _Deferred(Mapping[str, Any]):
    """A mapping built by ``build`` when first read."""

    def __init__(self, build: Callable[[], Mapping[str, Any]]) -> None:
        self._build: Callable[[], Mapping[str, Any]] | None = build
        self._built: Mapping[str, Any] = {}

    def _data(self) -> Mapping[str, Any]:
        if self._build is not None:
            self._built, self._build = self._build(), None
        return self._built

    def __getitem__(self, key: str) -> Any:
        return self._data()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data())

    def __len__(self) -> int:
        return len(self._data())


def _event_columns(
    good: pd.DataFrame, history: pd.DataFrame | None, actor: str
) -> dict[str, list[Any]]:
    """The events to write, by column: the imported history, or one event per complaint."""
    if history is not None:
        events_cols = {c: history[c].to_numpy(dtype=object).tolist() for c in _EVENT_COLS}
        events_cols["at_us"] = history["at_us"].to_numpy(dtype=np.int64).tolist()
        return events_cols
    return dict(zip(_EVENT_COLS, import_events(good, actor), strict=True))
