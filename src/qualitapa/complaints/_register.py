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
  ``events`` and ``complaints``. The current state is not stored; it is the
  last event's ``to_status``.
* Personal data (the citizen's contact) lives in its own ``contacts`` table,
  the only one that can be changed (erasure on request, GDPR art. 17).
* The schema is versioned (``schema_version`` table); opening a register
  applies the missing migrations in one transaction.
* Instants are stored as integer microseconds since the epoch, UTC.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from qualitapa.complaints._calendar import DEFAULT_TZ, WorkCalendar
from qualitapa.complaints._cases import case_table
from qualitapa.complaints._deadlines import DeadlinePolicy
from qualitapa.complaints._history import prepare_history
from qualitapa.complaints._importing import (
    CONTACT_COLUMNS,
    PROBLEM_COLUMNS,
    ImportReport,
    _text,
    import_events,
    prepare_import,
)
from qualitapa.complaints._lifecycle import ACTIONS, check_transition
from qualitapa.complaints._models import Complaint, Contact, Event, Status
from qualitapa.complaints._open311 import from_open311
from qualitapa.complaints._privacy import pseudonymise
from qualitapa.errors import DataError, QualitapaError, UnknownItemError
from qualitapa.io import read_table, write_csv

__all__ = ["SCHEMA_VERSION", "ComplaintRegister"]

_STATUSES = ", ".join(f"'{s.value}'" for s in Status)

#: Migrations: version -> SQL script bringing the schema from version-1 to it.
MIGRATIONS: dict[int, str] = {
    1: f"""
    CREATE TABLE complaints (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        channel TEXT NOT NULL,
        service TEXT NOT NULL,
        category TEXT,
        organization TEXT,
        received_us INTEGER NOT NULL,
        description TEXT NOT NULL DEFAULT ''
    ) WITHOUT ROWID;
    CREATE TABLE contacts (
        complaint_id TEXT PRIMARY KEY REFERENCES complaints(id),
        name TEXT, email TEXT, phone TEXT, address TEXT
    ) WITHOUT ROWID;
    CREATE TABLE events (
        seq INTEGER PRIMARY KEY,
        complaint_id TEXT NOT NULL REFERENCES complaints(id),
        at_us INTEGER NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        from_status TEXT CHECK (from_status IS NULL OR from_status IN ({_STATUSES})),
        to_status TEXT NOT NULL CHECK (to_status IN ({_STATUSES})),
        note TEXT NOT NULL DEFAULT '',
        target TEXT
    );
    CREATE INDEX events_by_complaint ON events (complaint_id, seq);
    CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
    BEGIN SELECT RAISE(ABORT, 'events are append-only: the history cannot be changed'); END;
    CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
    BEGIN SELECT RAISE(ABORT, 'events are append-only: the history cannot be deleted'); END;
    CREATE TRIGGER complaints_no_update BEFORE UPDATE ON complaints
    BEGIN SELECT RAISE(ABORT, 'complaints cannot be changed: append an event instead'); END;
    CREATE TRIGGER complaints_no_delete BEFORE DELETE ON complaints
    BEGIN SELECT RAISE(ABORT, 'complaints cannot be deleted'); END;
    """,
    2: """
    CREATE VIEW current_status AS
        SELECT e.complaint_id AS complaint_id, e.to_status AS status, e.at_us AS since_us
        FROM events e
        WHERE e.seq = (SELECT MAX(seq) FROM events WHERE complaint_id = e.complaint_id);
    """,
}

#: The schema version this code writes.
SCHEMA_VERSION = max(MIGRATIONS)

_COMPLAINT_COLS = (
    "id", "kind", "channel", "service", "category", "organization", "received_us", "description"
)  # fmt: skip
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


class ComplaintRegister:
    """A durable, append-only register of complaints and their events.

    Parameters
    ----------
    path
        The SQLite file (created if missing), or ``":memory:"``.
    busy_timeout
        Seconds a writer waits for another process's transaction to end.
    tz
        Timezone of the office, used to turn naive times into instants.

    Examples
    --------
    >>> import datetime as dt, tempfile, pathlib
    >>> reg = ComplaintRegister(pathlib.Path(tempfile.mkdtemp()) / "urp.db")
    >>> t = dt.datetime(2024, 1, 8, 9, 0, tzinfo=dt.timezone.utc)
    >>> _ = reg.add(Complaint("2024/1", "complaint", "email", "registry", t))
    >>> reg.transition("2024/1", "registered", actor="urp").to_status.value
    'registered'
    >>> reg.status("2024/1").value
    'registered'
    >>> reg.close()
    """

    def __init__(
        self, path: str | os.PathLike[str], *, busy_timeout: float = 30.0, tz: str = DEFAULT_TZ
    ) -> None:
        self.path = str(path)
        self.tz = tz
        try:
            self._db = sqlite3.connect(
                self.path, timeout=busy_timeout, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise DataError(f"cannot open the register: {exc}", source=self.path) from exc
        self._db.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        if self.path != ":memory:":
            mode = self._db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":  # pragma: no cover - e.g. network file systems
                raise DataError(f"cannot use WAL mode (got {mode!r})", source=self.path)
        self._db.execute("PRAGMA synchronous = FULL")
        self._db.execute("PRAGMA foreign_keys = ON")
        self._db.execute("PRAGMA cache_size = -65536")  # 64 MiB: big imports spill less
        self._migrate()

    # -- connection and schema -------------------------------------------------
    @classmethod
    def open(cls, path: str | os.PathLike[str], **kwargs: Any) -> ComplaintRegister:
        """Open (or create) the register at ``path``; same as the constructor."""
        return cls(path, **kwargs)

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()

    def __enter__(self) -> ComplaintRegister:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"ComplaintRegister({self.path!r})"

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, with the write lock taken up front."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise DataError(f"the register is busy: {exc}", source=self.path) from exc
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        else:
            self._db.execute("COMMIT")

    @property
    def schema_version(self) -> int:
        """The schema version of the open database."""
        return self._version()

    def _version(self) -> int:
        has = self._db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
        ).fetchone()
        if not has:
            return 0
        row = self._db.execute("SELECT MAX(version) FROM schema_version").fetchone()
        return int(row[0] or 0)

    def _migrate(self, target: int = SCHEMA_VERSION) -> None:
        if self._version() >= target:
            if self._version() > SCHEMA_VERSION:
                raise DataError(
                    f"the register has schema version {self._version()}, newer than this "
                    f"qualitapa supports ({SCHEMA_VERSION}); upgrade qualitapa",
                    source=self.path,
                )
            return
        with self._write() as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS schema_version "
                "(version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"
            )
            current = self._version()  # again, under the lock
            for version in range(current + 1, target + 1):
                for statement in _split_sql(MIGRATIONS[version]):
                    db.execute(statement)
                db.execute(
                    "INSERT INTO schema_version VALUES (?, ?)",
                    (version, dt.datetime.now(dt.UTC).isoformat(timespec="seconds")),
                )
            db.execute(f"PRAGMA user_version = {target}")

    # -- single writes -----------------------------------------------------------
    def add(
        self, complaint: Complaint, *, actor: str = "system", at: dt.datetime | None = None
    ) -> Event:
        """Add a new complaint; record its ``received`` event (dated ``at`` or receipt).

        Raises
        ------
        DataError
            A complaint with the same id is already in the register.
        """
        when = complaint.received_at if at is None else at
        row = (
            complaint.id,
            complaint.kind.value,
            complaint.channel.value,
            complaint.service,
            complaint.category,
            complaint.organization,
            _to_us(complaint.received_at),
            complaint.description,
        )
        at_us = _to_us(when)
        with self._write() as db:
            try:
                db.execute(f"INSERT INTO complaints VALUES ({','.join('?' * 8)})", row)
            except sqlite3.IntegrityError:
                raise DataError(
                    "a complaint with this id is already in the register", source=complaint.id
                ) from None
            c = complaint.contact
            if c is not None and not c.is_empty():
                db.execute(
                    "INSERT INTO contacts VALUES (?, ?, ?, ?, ?)",
                    (complaint.id, c.name, c.email, c.phone, c.address),
                )
            cur = db.execute(
                "INSERT INTO events (complaint_id, at_us, actor, action, from_status, to_status)"
                " VALUES (?, ?, ?, ?, NULL, ?)",
                (complaint.id, at_us, actor, ACTIONS[Status.RECEIVED], Status.RECEIVED.value),
            )
            seq = cur.lastrowid
        return Event(complaint.id, _from_us(at_us), actor, "receive", None, "received", seq=seq)

    def transition(
        self,
        complaint_id: str,
        to_status: Status | str,
        *,
        actor: str,
        note: str = "",
        target: str | None = None,
        at: dt.datetime | None = None,
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
            When (timezone-aware); now by default. Not before the last event.

        Raises
        ------
        UnknownItemError
            No such complaint.
        TransitionError
            The lifecycle does not allow the change (both states are named).
        DataError
            Missing reason or target, or ``at`` before the last event.
        """
        when = dt.datetime.now(dt.UTC) if at is None else at
        at_us = _to_us(when)
        with self._write() as db:
            last = db.execute(
                "SELECT to_status, at_us FROM events WHERE complaint_id = ? "
                "ORDER BY seq DESC LIMIT 1",
                (complaint_id,),
            ).fetchone()
            if last is None:
                raise UnknownItemError("complaint", complaint_id)
            to = check_transition(last[0], to_status, note=note, target=target, item=complaint_id)
            if at_us < last[1]:
                raise DataError(
                    f"the change is dated {when.isoformat()}, before the last event "
                    f"({_from_us(last[1]).isoformat()})",
                    source=complaint_id,
                )
            cur = db.execute(
                f"INSERT INTO events ({','.join(_EVENT_COLS)}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (complaint_id, at_us, actor, ACTIONS[to], last[0], to.value, note, target),
            )
            seq = cur.lastrowid
        return Event(
            complaint_id, _from_us(at_us), actor, ACTIONS[to], last[0], to, note, target, seq
        )

    def erase_contact(self, complaint_id: str) -> bool:
        """Delete the citizen's personal data of one complaint (GDPR art. 17).

        Returns True if there was something to erase. The complaint and its
        history stay.
        """
        with self._write() as db:
            cur = db.execute("DELETE FROM contacts WHERE complaint_id = ?", (complaint_id,))
            return cur.rowcount > 0

    # -- bulk import -----------------------------------------------------------------
    def import_frame(
        self,
        frame: pd.DataFrame,
        *,
        events: pd.DataFrame | None = None,
        source: str | None = None,
        events_source: str | None = None,
        actor: str = "import",
        catalog: Any = None,
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
            When given, services and categories must exist in it.

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
        """
        with_history = events is not None
        good, problems = prepare_import(
            frame, source=source, catalog=catalog, tz=self.tz, history=with_history
        )
        history = None
        if events is not None:
            all_ids = _text(frame, "id", strip=False).to_numpy(dtype=object)
            history, ev_problems, keep = prepare_history(
                events, good, all_ids, source=events_source, tz=self.tz, actor=actor
            )
            good = good[keep].reset_index(drop=True)
            problems = pd.concat([problems, ev_problems], ignore_index=True)
        if len(good) == 0:
            return ImportReport(0, 0, _sorted(problems), source, events_source)
        with self._write() as db:
            clash = self._existing(db, good["id"])
            if len(clash):
                mask = good["id"].isin(clash).to_numpy()
                extra = [
                    pd.DataFrame(
                        {
                            "table": "complaints",
                            "row": good["row"].to_numpy()[mask],
                            "id": good["id"].to_numpy()[mask],
                            "column": "id",
                            "value": good["id"].to_numpy()[mask],
                            "problem": "already in the register",
                        }
                    )
                ]
                if history is not None:
                    hit = history["complaint_id"].isin(clash).to_numpy()
                    extra.append(
                        pd.DataFrame(
                            {
                                "table": "events",
                                "row": history["row"].to_numpy()[hit],
                                "id": history["complaint_id"].to_numpy()[hit],
                                "column": "complaint_id",
                                "value": history["complaint_id"].to_numpy()[hit],
                                "problem": "not imported: its complaint is already in the register",
                            }
                        )
                    )
                    history = history[~hit]
                problems = pd.concat([problems, *extra], ignore_index=True)
                good = good[~mask].reset_index(drop=True)
            comp = good[list(_COMPLAINT_COLS)]
            cols = [comp[c].to_numpy(dtype=object).tolist() for c in _COMPLAINT_COLS]
            cols[6] = good["received_us"].to_numpy().tolist()
            db.executemany(
                f"INSERT INTO complaints VALUES ({','.join('?' * 8)})", zip(*cols, strict=True)
            )
            has_contact = good[list(CONTACT_COLUMNS)].notna().any(axis=1).to_numpy()
            if has_contact.any():
                sub = good.loc[has_contact, ["id", *CONTACT_COLUMNS]]
                db.executemany(
                    "INSERT INTO contacts VALUES (?, ?, ?, ?, ?)",
                    zip(*(sub[c].to_numpy(dtype=object).tolist() for c in sub), strict=True),
                )
            if history is not None:
                rows: Any = zip(
                    *(history[c].to_numpy(dtype=object).tolist() for c in _EVENT_COLS),
                    strict=True,
                )
                n_events = len(history)
            else:
                rows = import_events(good, actor)
                n_events = len(rows)
            db.executemany(
                f"INSERT INTO events ({','.join(_EVENT_COLS)}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
        return ImportReport(len(good), n_events, _sorted(problems), source, events_source)

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

    def import_open311(
        self, data: Any, *, catalog: Any = None, source: str | None = None, **kwargs: Any
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
    def __len__(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM complaints").fetchone()[0])

    def __contains__(self, complaint_id: object) -> bool:
        row = self._db.execute(
            "SELECT 1 FROM complaints WHERE id = ?", (str(complaint_id),)
        ).fetchone()
        return row is not None

    def get(self, complaint_id: str, *, include_contact: bool = False) -> Complaint:
        """The complaint ``complaint_id`` (its contact only if ``include_contact``)."""
        row = self._db.execute(
            f"SELECT {','.join(_COMPLAINT_COLS)} FROM complaints WHERE id = ?", (complaint_id,)
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
        )

    def history(self, complaint_id: str) -> list[Event]:
        """The events of one complaint, oldest first."""
        rows = self._db.execute(
            f"SELECT seq, {','.join(_EVENT_COLS)} FROM events WHERE complaint_id = ? ORDER BY seq",
            (complaint_id,),
        ).fetchall()
        if not rows:
            raise UnknownItemError("complaint", complaint_id)
        return [
            Event(r[1], _from_us(r[2]), r[3], r[4], r[5], r[6], r[7], r[8], seq=r[0]) for r in rows
        ]

    def status(self, complaint_id: str) -> Status:
        """The current state of one complaint (its last event's ``to_status``)."""
        row = self._db.execute(
            "SELECT to_status FROM events WHERE complaint_id = ? ORDER BY seq DESC LIMIT 1",
            (complaint_id,),
        ).fetchone()
        if row is None:
            raise UnknownItemError("complaint", complaint_id)
        return Status(row[0])

    def complaints_frame(self, *, include_contact: bool = False) -> pd.DataFrame:
        """All complaints as a table (without status; see :meth:`to_frame`).

        Columns: ``id, kind, channel, service, category, organization,
        received_at`` (UTC), ``description`` and, with ``include_contact``,
        ``contact_name, contact_email, contact_phone, contact_address``.
        """
        cols = list(_COMPLAINT_COLS)
        sql = f"SELECT {','.join('c.' + c for c in cols)}"
        if include_contact:
            sql += ", k.name, k.email, k.phone, k.address FROM complaints c "
            sql += "LEFT JOIN contacts k ON k.complaint_id = c.id"
            cols += list(CONTACT_COLUMNS)
        else:
            sql += " FROM complaints c"
        rows = self._db.execute(sql + " ORDER BY c.id").fetchall()
        frame = pd.DataFrame.from_records(rows, columns=cols, coerce_float=False)
        received = _us_series(frame["received_us"].to_numpy(dtype=np.int64))
        frame.insert(6, "received_at", received)
        return frame.drop(columns="received_us")

    def events_frame(self) -> pd.DataFrame:
        """All events as a table: ``seq, complaint_id, at`` (UTC) and the other fields."""
        rows = self._db.execute(
            f"SELECT seq, {','.join(_EVENT_COLS)} FROM events ORDER BY seq"
        ).fetchall()
        frame = pd.DataFrame.from_records(rows, columns=["seq", *_EVENT_COLS], coerce_float=False)
        frame.insert(2, "at", _us_series(frame["at_us"].to_numpy(dtype=np.int64)))
        return frame.drop(columns="at_us")

    def to_frame(self, *, include_contact: bool = False) -> pd.DataFrame:
        """All complaints with ``status``, ``updated_at`` (last event), ``answered_at``
        (first answer) and ``closed_at`` (last closing), all UTC."""
        frame = self.complaints_frame(include_contact=include_contact)
        last = self._db.execute(
            "SELECT complaint_id, status, since_us FROM current_status"
        ).fetchall()
        cur = pd.DataFrame.from_records(last, columns=["id", "status", "since_us"])
        times = self._db.execute(
            "SELECT complaint_id, "
            "COALESCE(MIN(CASE WHEN to_status = 'answered' THEN at_us END), -1), "
            "COALESCE(MAX(CASE WHEN to_status = 'closed' THEN at_us END), -1) "
            "FROM events GROUP BY complaint_id"
        ).fetchall()
        cur = cur.merge(
            pd.DataFrame.from_records(times, columns=["id", "answered_us", "closed_us"]),
            on="id",
            how="left",
        )
        frame = frame.merge(cur, on="id", how="left", validate="one_to_one")
        for col in ("since", "answered", "closed"):
            us = frame[f"{col}_us"].to_numpy(dtype=np.int64)
            name = "updated_at" if col == "since" else f"{col}_at"
            frame[name] = _us_series(np.where(us < 0, 0, us)).where(us >= 0)
        return frame.drop(columns=["since_us", "answered_us", "closed_us"])

    def cases(
        self,
        *,
        policy: DeadlinePolicy | None = None,
        calendar: WorkCalendar | dict[str, WorkCalendar] | None = None,
        as_of: Any = None,
    ) -> pd.DataFrame:
        """One row per complaint with status, answer times and deadlines.

        See :func:`qualitapa.complaints.case_table` for the columns; this is
        the input of :func:`qualitapa.complaints.kpis`.
        """
        return case_table(
            self.complaints_frame(),
            self.events_frame(),
            policy=policy,
            calendar=calendar,
            as_of=as_of,
            tz=self.tz,
        )

    def export_csv(
        self,
        path: str | os.PathLike[str] | Any,
        *,
        include_contact: bool = False,
        secret: str | bytes | None = None,
    ) -> int:
        """Write the complaints (with status) as CSV, formulas neutralised.

        With ``secret`` the contact columns are replaced by keyed tokens
        (:func:`qualitapa.complaints.pseudonymise`); with
        ``include_contact`` and no secret they are written in clear.
        Returns the number of rows written.
        """
        frame = self.to_frame(include_contact=include_contact or secret is not None)
        if secret is not None:
            frame = pseudonymise(frame, secret)
        write_csv(frame, path)
        return len(frame)

    def check(self) -> list[str]:
        """Consistency problems: SQLite integrity, foreign keys, invalid histories.

        An empty list means the register is sound.
        """
        from qualitapa.complaints._lifecycle import validate_history

        problems = [
            f"integrity: {r[0]}" for r in self._db.execute("PRAGMA integrity_check") if r[0] != "ok"
        ]
        problems += [
            f"foreign key: {r[0]} row {r[1]} refers to missing {r[2]}"
            for r in self._db.execute("PRAGMA foreign_key_check")
        ]
        orphan = self._db.execute(
            "SELECT id FROM complaints c WHERE NOT EXISTS "
            "(SELECT 1 FROM events e WHERE e.complaint_id = c.id) LIMIT 10"
        ).fetchall()
        problems += [f"complaint {r[0]} has no events" for r in orphan]
        ev = self.events_frame()
        if len(ev):
            bad = validate_history(ev)
            problems += [f"complaint {r.complaint_id}: {r.problem}" for r in bad.itertuples()]
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


def _split_sql(script: str) -> Sequence[str]:
    """Split a migration script into statements, keeping trigger bodies whole."""
    out: list[str] = []
    buf: list[str] = []
    for line in script.strip().splitlines():
        buf.append(line)
        text = "\n".join(buf).strip()
        if sqlite3.complete_statement(text):
            out.append(text)
            buf = []
    if "\n".join(buf).strip():  # pragma: no cover - malformed migration
        raise QualitapaError("incomplete SQL statement in a migration")
    return out
