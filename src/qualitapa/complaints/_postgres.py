"""The complaint register on a PostgreSQL server, for many clerks at once.

``ComplaintRegister("postgresql://...")`` opens this back end: the same
API as the SQLite register, with these differences, all enforced by the
server:

* **Concurrency.** Connections come from a pool (psycopg 3 and
  psycopg_pool); every write is one transaction. A change of state is one
  call of the server function ``qualitapa_transition`` (one round trip, one
  transaction): it locks its complaint's row (``SELECT ... FOR UPDATE``)
  before reading the current state, so two clerks acting on one complaint
  are served one after the other and the second sees the first's change
  (the lifecycle then refuses it if it no longer applies): they never both
  win. Clerks working on different complaints do not wait for each other.
  A transaction the server aborts (serialization failure, deadlock) is run
  again, a few times.
* **Append-only history.** Triggers raise on any ``UPDATE``, ``DELETE`` or
  ``TRUNCATE`` of ``complaints``, ``events`` and ``schema_version``
  (``INSERT ... ON CONFLICT DO UPDATE`` goes through UPDATE). Each event has
  its position in its complaint's history (``n``: 1, 2, 3...), unique, and a
  statement trigger refuses an event whose previous one is missing, whose
  ``from_status`` is not the previous ``to_status`` or whose change the
  lifecycle does not allow, a first event other than ``received``, and an
  event of a complaint not in the register (one join per statement, not a
  foreign key's lock per row): no gap, no event slipped in, no impossible
  history. ``seq`` orders events
  across complaints; it is unique and increasing, but a rolled-back
  transaction leaves a gap in it (the SQLite register's ``seq`` has none).
* **Protocol numbers.** The ``protocol_counters`` row of the organization
  and year is locked and moved in the transaction that adds the complaint:
  gap-free and unique under any number of clerks. A new complaint is one
  call of the server function ``qualitapa_add`` (schema version 5): the
  number, the complaint, its events and its contact in one round trip, so
  the counter stays locked only while the server writes them.
* **Bulk imports** use ``COPY`` (its text format, built by pyarrow when installed), sent by a
  thread of the driver while the next piece is built; the history check of a
  statement adding many events is planned for its size (schema version 3) and
  joins by hashing (version 4).
* **Complaint ids** compare byte by byte (collation ``"C"``, schema version
  4), as in SQLite, whatever the database's collation.
* **Not on this back end:** the hash chain (``chain_head()``,
  ``check(anchor=...)``) raises :class:`BackendError`. On a server the
  history is protected by the triggers and by who may connect with which
  rights (give clerks a role without ``ALTER``/``DROP``/``TRIGGER``
  rights), not by a file's hash chain. ``check()`` reports removed or
  disabled triggers, gaps in a complaint's history, events out of time
  order and invalid lifecycles.

The schema is versioned in ``schema_version`` (its own numbering,
:data:`PG_SCHEMA_VERSION`); opening for writing applies the missing
migrations in one transaction under an advisory lock, so clerks opening the
register together do not migrate it twice.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import itertools
import os
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from qualitapa.complaints._calendar import DEFAULT_TZ
from qualitapa.complaints._chain import LOCATION_FIELDS, ChainHead
from qualitapa.complaints._lifecycle import ACTIONS, TRANSITIONS, check_transition
from qualitapa.complaints._models import Channel, Complaint, Event, Kind, Status
from qualitapa.complaints._register import (
    _COMPLAINT_COLS,
    _EVENT_COLS,
    ComplaintRegister,
    _checked_change,
    _last_event,
    _new_events,
    _taken,
    _time_problems,
)
from qualitapa.errors import DataError, Message, UnknownItemError
from qualitapa.i18n import N_

F = TypeVar("F", bound=Callable[..., Any])

#: URL schemes that open the PostgreSQL back end.
URL_SCHEMES = ("postgresql://", "postgres://")

_STATUSES = ", ".join(f"'{s.value}'" for s in Status)
_KINDS = ", ".join(f"'{k.value}'" for k in Kind)
_CHANNELS = ", ".join(f"'{c.value}'" for c in Channel)

#: The lifecycle's allowed changes, as the schema checks them (a change of the
#: lifecycle needs a migration that replaces qualitapa_events_in_order).
_ALLOWED = ", ".join(
    f"('{a.value}', '{b.value}')"
    for a, targets in sorted(TRANSITIONS.items())
    for b in sorted(targets)
)

_V1 = f"""
CREATE TABLE complaints (
    id text PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ({_KINDS})),
    channel text NOT NULL CHECK (channel IN ({_CHANNELS})),
    service text NOT NULL,
    category text,
    organization text,
    received_us bigint NOT NULL,
    description text NOT NULL DEFAULT '',
    latitude double precision CHECK (latitude BETWEEN -90 AND 90),
    longitude double precision CHECK (longitude BETWEEN -180 AND 180),
    address text,
    media_url text
);
CREATE TABLE contacts (
    complaint_id text PRIMARY KEY REFERENCES complaints(id),
    name text, email text, phone text, address text
);
CREATE TABLE events (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    complaint_id text NOT NULL REFERENCES complaints(id),
    n integer NOT NULL CHECK (n >= 1),
    at_us bigint NOT NULL,
    actor text NOT NULL,
    action text NOT NULL,
    from_status text CHECK (from_status IN ({_STATUSES})),
    to_status text NOT NULL CHECK (to_status IN ({_STATUSES})),
    note text NOT NULL DEFAULT '',
    target text,
    UNIQUE (complaint_id, n)
);
CREATE TABLE protocol_counters (
    organization text NOT NULL,
    year integer NOT NULL,
    last integer NOT NULL CHECK (last > 0),
    PRIMARY KEY (organization, year)
);
CREATE FUNCTION qualitapa_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'check_violation';
END $$;
CREATE FUNCTION qualitapa_events_in_order() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM added a
        LEFT JOIN events p ON p.complaint_id = a.complaint_id AND p.n = a.n - 1
        WHERE (a.n > 1 AND (p.seq IS NULL OR p.seq >= a.seq
                            OR a.from_status IS DISTINCT FROM p.to_status
                            OR (p.to_status, a.to_status) NOT IN ({_ALLOWED})))
           OR (a.n = 1 AND (a.from_status IS NOT NULL OR a.to_status <> 'received'))
    ) THEN
        RAISE EXCEPTION 'events are append-only: a new event follows the last one of its '
            'complaint, by a change the lifecycle allows' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events FOR EACH ROW
EXECUTE FUNCTION qualitapa_refuse('events are append-only: the history cannot be changed');
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events FOR EACH STATEMENT
EXECUTE FUNCTION qualitapa_refuse('events are append-only: the history cannot be deleted');
CREATE TRIGGER events_in_order AFTER INSERT ON events REFERENCING NEW TABLE AS added
FOR EACH STATEMENT EXECUTE FUNCTION qualitapa_events_in_order();
CREATE TRIGGER complaints_append_only BEFORE UPDATE OR DELETE ON complaints FOR EACH ROW
EXECUTE FUNCTION qualitapa_refuse('complaints cannot be changed: append an event instead');
CREATE TRIGGER complaints_no_truncate BEFORE TRUNCATE ON complaints FOR EACH STATEMENT
EXECUTE FUNCTION qualitapa_refuse('complaints cannot be deleted');
CREATE TRIGGER schema_version_append_only BEFORE UPDATE OR DELETE ON schema_version
FOR EACH ROW EXECUTE FUNCTION qualitapa_refuse('the schema version cannot be changed');
CREATE TRIGGER protocol_counters_no_delete BEFORE DELETE ON protocol_counters FOR EACH ROW
EXECUTE FUNCTION qualitapa_refuse('protocol numbers are never given back');
CREATE TRIGGER protocol_counters_forward BEFORE UPDATE ON protocol_counters FOR EACH ROW
WHEN (NEW.last <> OLD.last + 1 OR NEW.organization <> OLD.organization
      OR NEW.year <> OLD.year)
EXECUTE FUNCTION qualitapa_refuse('a protocol counter only moves to the next number');
"""

#: Version 2, for throughput (issue 22). The foreign key of events on complaints
#: locked the complaint's row once per event (a bulk import spent half its time
#: there): the statement trigger now refuses an event of an unknown complaint,
#: with one join over every row the statement adds (complaints are never deleted:
#: their triggers refuse it). A clerk's change is one call of
#: qualitapa_transition: one round trip, one transaction.
_V2 = f"""
ALTER TABLE events DROP CONSTRAINT events_complaint_id_fkey;
CREATE OR REPLACE FUNCTION qualitapa_events_in_order() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM added a
        LEFT JOIN complaints c ON c.id = a.complaint_id
        LEFT JOIN events p ON p.complaint_id = a.complaint_id AND p.n = a.n - 1
        WHERE c.id IS NULL
           OR (a.n > 1 AND (p.seq IS NULL OR p.seq >= a.seq
                            OR a.from_status IS DISTINCT FROM p.to_status
                            OR (p.to_status, a.to_status) NOT IN ({_ALLOWED})))
           OR (a.n = 1 AND (a.from_status IS NOT NULL OR a.to_status <> 'received'))
    ) THEN
        RAISE EXCEPTION 'events are append-only: a new event follows the last one of its '
            'complaint (in the register), by a change the lifecycle allows'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$;
CREATE FUNCTION qualitapa_transition(
    p_id text, p_to text, p_at bigint, p_actor text, p_action text, p_note text,
    p_target text, p_ready boolean
) RETURNS TABLE (seq bigint, last_status text, last_at bigint)
LANGUAGE plpgsql AS $$
DECLARE
    last_n integer;
BEGIN
    -- a second clerk waits here, then reads the first one's change
    PERFORM 1 FROM complaints c WHERE c.id = p_id FOR UPDATE;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    SELECT e.n, e.to_status, e.at_us INTO last_n, last_status, last_at
    FROM events e WHERE e.complaint_id = p_id ORDER BY e.n DESC LIMIT 1;
    IF p_ready AND p_at >= last_at AND (last_status, p_to) IN ({_ALLOWED}) THEN
        INSERT INTO events (complaint_id, n, at_us, actor, action, from_status, to_status,
                            note, target)
        VALUES (p_id, last_n + 1, p_at, p_actor, p_action, last_status, p_to, p_note, p_target)
        RETURNING events.seq INTO seq;
    END IF;
    RETURN NEXT;
END $$;
"""

#: The lifecycle's allowed changes as 'from>to' texts: a constant array PostgreSQL
#: 15 searches with a hash table (a row-constructor NOT IN list is a chain of
#: 28 ORs per row). No status holds '>' (the columns' CHECK).
_ALLOWED_PAIRS = ", ".join(
    f"'{a.value}>{b.value}'" for a, targets in sorted(TRANSITIONS.items()) for b in sorted(targets)
)
#: The rows a statement adds that break its complaint's history (see _V3).
_OUT_OF_ORDER = f"""
        FROM added a
        LEFT JOIN complaints c ON c.id = a.complaint_id
        LEFT JOIN events p ON p.complaint_id = a.complaint_id AND p.n = a.n - 1
        WHERE c.id IS NULL
           OR (a.n > 1 AND (p.seq IS NULL OR p.seq >= a.seq
                            OR a.from_status IS DISTINCT FROM p.to_status
                            OR (p.to_status || '>' || a.to_status)
                               <> ALL (ARRAY[{_ALLOWED_PAIRS}])))
           OR (a.n = 1 AND (a.from_status IS NOT NULL OR a.to_status <> 'received'))"""
#: From this many added events, the history check is planned for the statement at hand.
_BULK_EVENTS = 1000


def _in_order_function(bulk: str, declare: str = "") -> str:
    """The statement trigger's function checking the events a statement adds: a few
    with the kept plan of ``_OUT_OF_ORDER``, :data:`_BULK_EVENTS` or more by ``bulk``
    (PL/pgSQL statements setting ``bad``) planned for the statement at hand."""
    return f"""
CREATE OR REPLACE FUNCTION qualitapa_events_in_order() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bad boolean;{declare}
BEGIN
    IF (SELECT count(*) FROM (SELECT FROM added LIMIT {_BULK_EVENTS}) s) < {_BULK_EVENTS} THEN
        bad := EXISTS (SELECT 1 {_OUT_OF_ORDER});
    ELSE
{bulk}
    END IF;
    IF bad THEN
        RAISE EXCEPTION 'events are append-only: a new event follows the last one of its '
            'complaint (in the register), by a change the lifecycle allows'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$;
"""


#: Version 3, for throughput (issue 22). The history check refuses what version 2
#: refused, planned for the statement at hand: PL/pgSQL keeps one plan per session
#: for a query without parameters, and an EXISTS is planned for its first row, so
#: version 2 looked up the complaint and the previous event of each added event
#: through the indexes one by one (1.4 s of server CPU for 500,000 imported
#: events). A statement adding a few events (a clerk's change) keeps that plan; a
#: bulk one is planned anew (EXECUTE) with its real size and counted, so the server
#: may join by hashing; the allowed changes are one hashed array.
_V3 = _in_order_function(
    "        EXECUTE 'SELECT count(*) > 0 " + _OUT_OF_ORDER.replace("'", "''") + "' INTO bad;"
)

#: The rows a bulk statement adds that break their complaint's history (see _V4): one
#: pass over them for the complaint and the event alone, one anti-join for the previous event.
_BULK_OUT_OF_ORDER = f"""SELECT EXISTS (
    SELECT 1 FROM added a LEFT JOIN complaints c ON c.id = a.complaint_id
    WHERE c.id IS NULL
       OR (a.n = 1 AND (a.from_status IS NOT NULL OR a.to_status <> 'received'))
       OR (a.n > 1 AND (a.from_status || '>' || a.to_status) <> ALL (ARRAY[{_ALLOWED_PAIRS}]))
) OR EXISTS (
    SELECT 1 FROM added a WHERE a.n > 1 AND NOT EXISTS (
        SELECT 1 FROM events p
        WHERE p.complaint_id = a.complaint_id AND p.n = a.n - 1
          AND p.to_status = a.from_status AND p.seq < a.seq))"""

#: Version 4, for throughput (issue 22). Complaint ids compare byte by byte (collation
#: "C", as SQLite compares texts): the database's collation (a locale's, even C.UTF-8)
#: compared them through strcoll, and every event's insert into the index of
#: (complaint_id, n) compares ids; a register's ids are now listed in the same order
#: on both back ends whatever the database's collation. A bulk statement's history
#: check refuses what version 3 refused, asking less of the server: the complaint and
#: each event's own fields in one pass, then an anti-join finding, for each event after
#: the first, the previous one with the status it leaves from and an earlier seq (the
#: allowed change is checked on the event's own from_status, which must be the previous
#: to_status). 1,000,000 imported complaints (2,498,851 events): 4.0 -> 3.3 s of server
#: CPU for the check; 5.2 -> 4.4 s for the index (loaded machine, session 37).
_V4 = """
ALTER TABLE complaints ALTER COLUMN id TYPE text COLLATE "C";
ALTER TABLE contacts ALTER COLUMN complaint_id TYPE text COLLATE "C";
ALTER TABLE events ALTER COLUMN complaint_id TYPE text COLLATE "C";""" + _in_order_function(
    f"""        -- joined by hashing: one pass over the rows, not an index probe per row
        nestloop := set_config('enable_nestloop', 'off', true);
        EXECUTE '{_BULK_OUT_OF_ORDER.replace("'", "''")}' INTO bad;
        PERFORM set_config('enable_nestloop', nestloop, true);""",
    declare="\n    nestloop text;",
)

#: Version 5, for many clerks at once (issue 22). A clerk's new complaint is one call of
#: qualitapa_add: one round trip, one transaction (it took 7: BEGIN, the counter, the id
#: check, the complaint, each event, COMMIT). The protocol counter's row is locked from
#: its move to the commit, and every clerk adding a complaint of the organization and
#: year waits for it: it was held across 5 round trips through the clients' Python (a
#: clerk preempted there held up every other one), it is now held for the rest of the
#: call on the server. The events are one statement (one run of the history check).
#: The number is the one the SQLite register gives: ``prefix || year || '/'`` then the
#: counter with at least 6 digits; a number an imported complaint holds is skipped. A
#: taken id (given, not numbered) returns no row.
_V5 = """
CREATE FUNCTION qualitapa_add(
    p_id text, p_organization_key text, p_year integer, p_prefix text,
    p_kind text, p_channel text, p_service text, p_category text, p_organization text,
    p_received bigint, p_description text, p_latitude double precision,
    p_longitude double precision, p_address text, p_media_url text,
    p_at bigint, p_actor text, p_actions text[], p_contact text[]
) RETURNS TABLE (added_id text, last_seq bigint)
LANGUAGE plpgsql AS $$
DECLARE
    number integer;
BEGIN
    added_id := p_id;
    IF p_id IS NULL THEN
        LOOP
            INSERT INTO protocol_counters AS pc (organization, year, last)
            VALUES (p_organization_key, p_year, 1)
            ON CONFLICT (organization, year) DO UPDATE SET last = pc.last + 1
            RETURNING pc.last INTO number;
            added_id := p_prefix || p_year || '/' || lpad(number::text, greatest(6,
                length(number::text)), '0');
            EXIT WHEN NOT EXISTS (SELECT 1 FROM complaints c WHERE c.id = added_id);
        END LOOP;
    ELSIF EXISTS (SELECT 1 FROM complaints c WHERE c.id = p_id) THEN
        RETURN;
    END IF;
    INSERT INTO complaints (id, kind, channel, service, category, organization, received_us,
                            description, latitude, longitude, address, media_url)
    VALUES (added_id, p_kind, p_channel, p_service, p_category, p_organization, p_received,
            p_description, p_latitude, p_longitude, p_address, p_media_url);
    WITH added AS (
        INSERT INTO events (complaint_id, n, at_us, actor, action, from_status, to_status,
                            note, target)
        SELECT added_id, k, p_at, p_actor, p_actions[k],
               (ARRAY[NULL, 'received'])[k], (ARRAY['received', 'registered'])[k], '', NULL
        FROM generate_series(1, cardinality(p_actions)) k ORDER BY k
        RETURNING events.seq
    )
    SELECT max(added.seq) INTO last_seq FROM added;
    IF p_contact IS NOT NULL THEN
        INSERT INTO contacts (complaint_id, name, email, phone, address)
        VALUES (added_id, p_contact[1], p_contact[2], p_contact[3], p_contact[4]);
    END IF;
    RETURN NEXT;
END $$;
"""

#: PostgreSQL migrations: version -> SQL bringing the schema from version-1 to it.
PG_MIGRATIONS: dict[int, str] = {1: _V1, 2: _V2, 3: _V3, 4: _V4, 5: _V5}
#: The PostgreSQL schema version this code writes.
PG_SCHEMA_VERSION = max(PG_MIGRATIONS)
#: Every trigger the schema has, and the table it is on.
PG_TRIGGERS = {
    "events_append_only": "events",
    "events_no_truncate": "events",
    "events_in_order": "events",
    "complaints_append_only": "complaints",
    "complaints_no_truncate": "complaints",
    "schema_version_append_only": "schema_version",
    "protocol_counters_no_delete": "protocol_counters",
    "protocol_counters_forward": "protocol_counters",
}
#: What marks a schema_version table as a qualitapa register's.
_MARK = "qualitapa complaint register"
#: The advisory lock key that serialises migrations ("QPA1").
_LOCK_KEY = 0x51504131
#: From this many rows, a write goes through COPY instead of INSERT.
_COPY_ROWS = 64
#: Rows of each piece of a COPY (the text of at most so many rows is held at once).
_COPY_CHUNK = 100_000
#: The columns of numbers (the others are texts).
_NUMERIC_COLUMNS = frozenset({"n", "received_us", "at_us", "latitude", "longitude"})
#: What COPY's text format escapes in a value, and how.
_COPY_ESCAPED = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
_COPY_ESCAPES = str.maketrans(_COPY_ESCAPED)
_COPY_SPECIAL = "".join(_COPY_ESCAPED)
_READ_ONLY = Message(
    "the register was opened read-only: open it without readonly to change it",
    N_("il registro è stato aperto in sola lettura: aprirlo senza readonly per modificarlo"),
)
#: A clerk's event: its place is the next of its (locked) complaint's history.
_NEXT_EVENT = (
    "INSERT INTO events (complaint_id, n, at_us, actor, action, from_status, to_status, note, "
    "target) SELECT %s, COALESCE((SELECT max(n) FROM events WHERE complaint_id = %s), 0) + 1, "
    "%s, %s, %s, %s, %s, %s, %s RETURNING seq"
)
#: A new complaint: number, complaint, events and contact in one statement (see _V5).
_ADD = "SELECT * FROM qualitapa_add(" + ", ".join(["%s"] * 19) + ")"
#: A clerk's change: lock, check and append in one statement (see _V2).
_TRANSITION = "SELECT * FROM qualitapa_transition(%s, %s, %s, %s, %s, %s, %s, %s)"
_STATUS_VALUES = frozenset([*Status, *(s.value for s in Status)])
#: A state each state can be reached from (``received`` from none).
_SOME_FROM = {b: a for a, targets in TRANSITIONS.items() for b in targets}
#: How many times a transaction the server aborted (serialization, deadlock) is run.
_ATTEMPTS = 5


class BackendError(DataError):
    """The register's back end cannot do this (e.g. the hash chain on PostgreSQL).

    Examples
    --------
    >>> str(BackendError("no hash chain", source="postgresql://db/urp"))
    'postgresql://db/urp: no hash chain'
    """


def is_postgres_url(path: Any) -> bool:
    """Whether ``path`` is a PostgreSQL URL (``postgresql://...``).

    Examples
    --------
    >>> is_postgres_url("postgresql://urp@db.comune.it/reclami"), is_postgres_url("urp.db")
    (True, False)
    """
    return isinstance(path, str) and path.lower().startswith(URL_SCHEMES)


def shown_url(url: str) -> str:
    """``url`` without its password, for messages and repr.

    Examples
    --------
    >>> shown_url("postgresql://urp:segreta@db/reclami")
    'postgresql://urp:***@db/reclami'
    """
    scheme, sep, rest = url.partition("://")
    creds, at, host = rest.rpartition("@")
    if at and ":" in creds:
        creds = creds.split(":", 1)[0] + ":***"
    return f"{scheme}{sep}{creds}{at}{host}"


def _translated(exc: Exception, source: str) -> DataError:
    """A clear DataError for an error of the server or the driver."""
    import psycopg
    from psycopg import errors as pg

    if isinstance(exc, pg.UniqueViolation) and "complaints_pkey" in str(exc):
        return DataError(
            Message(
                "a complaint with this id is already in the register",
                N_("un reclamo con questo numero è già nel registro"),
            ),
            source=source,
        )
    if isinstance(exc, pg.LockNotAvailable):
        return DataError(
            Message(
                "another clerk keeps this complaint locked longer than the wait allowed "
                "(busy_timeout): try again",
                N_(
                    "un altro operatore tiene bloccato questo reclamo più a lungo dell'attesa "
                    "concessa (busy_timeout): riprovare"
                ),
            ),
            source=source,
        )
    if isinstance(exc, pg.ReadOnlySqlTransaction):
        return DataError(_READ_ONLY, source=source)
    if isinstance(exc, pg.CheckViolation | pg.RaiseException):
        detail = exc.diag.message_primary or str(exc)
        return DataError(f"the register refused the change: {detail}", source=source)
    if isinstance(exc, psycopg.OperationalError):
        return DataError(
            Message(
                "cannot reach the PostgreSQL server: {detail}",
                N_("il server PostgreSQL non risponde: {detail}"),
                detail=str(exc).strip(),
            ),
            source=source,
        )
    return DataError(f"PostgreSQL error: {str(exc).strip()}", source=source)


def _conninfo(url: str, busy_timeout: float, *, readonly: bool) -> tuple[str, str]:
    """The connection string and the server options: the URL's, then the register's."""
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    try:
        params = conninfo_to_dict(url)
    except Exception as exc:  # psycopg.ProgrammingError: a malformed URL
        raise DataError(f"not a valid PostgreSQL URL: {exc}", source=shown_url(url)) from None
    options = str(params.pop("options", "") or "")
    options += f" -c lock_timeout={int(busy_timeout * 1000)}"
    if readonly:
        options += " -c default_transaction_read_only=on"
    return make_conninfo(**params), options.strip()  # type: ignore[arg-type]


def _pg(sql: str) -> str:
    """A statement written for SQLite's ``?`` placeholders, for psycopg's ``%s``."""
    return sql.replace("?", "%s")


class _Rows(list[Any]):
    """Rows already fetched, with the cursor methods the register uses."""

    rowcount = -1

    def fetchone(self) -> Any:
        return self[0] if self else None

    def fetchall(self) -> list[Any]:
        return list(self)


class _Statements:
    """One pooled connection inside a transaction, spoken to as the SQLite register does."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.conn.execute(_pg(sql), params)

    def executemany(self, sql: str, rows: Any) -> None:
        with self.conn.cursor() as cur:
            cur.executemany(_pg(sql), list(rows))


class _Reader:
    """Reads through the pool: each statement on a pooled connection, its rows fetched."""

    def __init__(self, pool: Any, source: str) -> None:
        self.pool = pool
        self.source = source

    def execute(self, sql: str, params: Sequence[Any] = ()) -> _Rows:
        import psycopg

        try:
            with self.pool.connection() as conn:
                cur = conn.execute(_pg(sql), params)
                rows = _Rows(cur.fetchall() if cur.description else [])
                rows.rowcount = cur.rowcount
        except psycopg.Error as exc:
            raise _translated(exc, self.source) from exc
        return rows

    def close(self) -> None:
        self.pool.close()


def _retrying(method: F) -> F:
    """Run a write again when the server aborted its transaction (serialization, deadlock)."""

    @functools.wraps(method)
    def wrapper(self: PostgresRegister, *args: Any, **kwargs: Any) -> Any:
        from psycopg import errors as pg

        pause = 0.01
        for attempt in range(_ATTEMPTS):
            try:
                return method(self, *args, **kwargs)
            except DataError as exc:
                cause = exc.__cause__
                again = isinstance(cause, pg.SerializationFailure | pg.DeadlockDetected)
                if not again or attempt == _ATTEMPTS - 1:
                    raise
            time.sleep(pause)
            pause *= 2
        raise AssertionError("unreachable")  # pragma: no cover

    return wrapper  # type: ignore[return-value]


class PostgresRegister(ComplaintRegister):
    """The complaint register on a PostgreSQL server (see the module's docs).

    Open it as ``ComplaintRegister("postgresql://user@host/db")``: the
    constructor returns this class for a PostgreSQL URL. The connection
    string may carry any libpq parameter (``?sslmode=require``,
    ``options=-csearch_path%3Durp`` for a schema of its own...).

    Parameters
    ----------
    url
        ``postgresql://`` URL (libpq connection string).
    readonly
        Connections refuse every write; nothing is created or migrated.
    busy_timeout
        Seconds to wait for a connection, or for a complaint another clerk
        holds; then a :class:`~qualitapa.errors.DataError` says so.
    tz
        Timezone of the office.
    pool_size
        Most connections the register opens at once.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        readonly: bool = False,
        busy_timeout: float = 30.0,
        tz: str = DEFAULT_TZ,
        pool_size: int = 4,
    ) -> None:
        try:
            from psycopg_pool import ConnectionPool
        except ImportError:
            raise DataError(
                "a register on PostgreSQL needs psycopg 3 and psycopg_pool: "
                "pip install 'qualitapa[postgresql]'",
                source=shown_url(str(path)),
            ) from None
        self.tz = tz
        self.path = shown_url(str(path))
        self.readonly = readonly
        self.busy_timeout = busy_timeout
        conninfo, options = _conninfo(str(path), busy_timeout, readonly=readonly)
        self._version = self._open_schema(conninfo, options)
        pool = ConnectionPool(
            conninfo,
            min_size=1,
            max_size=max(1, pool_size),
            kwargs={"autocommit": True, "options": options},
            timeout=busy_timeout,
            open=True,
            name="qualitapa-register",
        )
        self._pool = pool
        self._db = _Reader(pool, self.path)  # type: ignore[assignment]

    # -- schema ------------------------------------------------------------------
    def _open_schema(self, conninfo: str, options: str) -> int:
        """Check (and, for writing, migrate) the schema; its version."""
        import psycopg

        try:
            with psycopg.connect(
                conninfo, autocommit=True, options=options, connect_timeout=10
            ) as conn:
                return self._migrate(conn)
        except psycopg.Error as exc:
            raise _translated(exc, self.path) from exc

    def _migrate(self, conn: Any) -> int:
        with conn.transaction():
            if not self.readonly:
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
            found = conn.execute(
                "SELECT to_regclass('schema_version'), to_regclass('complaints'), "
                "obj_description(to_regclass('schema_version'), 'pg_class')"
            ).fetchone()
            if found[0] is None:
                if found[1] is not None:
                    raise DataError(
                        Message(
                            "the database has a table 'complaints' but is not a qualitapa "
                            "complaint register: it is left untouched (give the register a "
                            "database or schema of its own)",
                            N_(
                                "il database ha una tabella 'complaints' ma non è un registro "
                                "dei reclami di qualitapa: non è stato toccato (dare al "
                                "registro un database o uno schema suo)"
                            ),
                        ),
                        source=self.path,
                    )
                current = 0
            elif found[2] != _MARK:
                raise DataError(
                    "the database has a table 'schema_version' that is not a qualitapa "
                    "register's: it is left untouched",
                    source=self.path,
                )
            else:
                current = conn.execute("SELECT max(version) FROM schema_version").fetchone()[0]
            if current > PG_SCHEMA_VERSION:
                raise DataError(
                    f"the register has schema version {current}, newer than this qualitapa "
                    f"supports ({PG_SCHEMA_VERSION}); upgrade qualitapa",
                    source=self.path,
                )
            if self.readonly or current == PG_SCHEMA_VERSION:
                if current == 0:
                    raise DataError(
                        Message(
                            "no complaint register here yet: run 'qualitapa complaints init' "
                            "(or open it without readonly) first",
                            N_(
                                "qui non c'è ancora un registro dei reclami: crearlo prima con "
                                "'qualitapa complaints init'"
                            ),
                        ),
                        source=self.path,
                    )
                return int(current)
            if current == 0:
                conn.execute(
                    "CREATE TABLE schema_version "
                    "(version integer PRIMARY KEY, applied_at timestamptz NOT NULL)"
                )
                conn.execute(f"COMMENT ON TABLE schema_version IS '{_MARK}'")
            for version in range(current + 1, PG_SCHEMA_VERSION + 1):
                conn.execute(PG_MIGRATIONS[version])
                conn.execute("INSERT INTO schema_version VALUES (%s, now())", (version,))
        return PG_SCHEMA_VERSION

    @property
    def _location_fields(self) -> tuple[str, ...]:
        return LOCATION_FIELDS

    # -- writing -----------------------------------------------------------------------
    @contextlib.contextmanager
    def _write(self) -> Iterator[Any]:
        """One write transaction on a pooled connection; server errors become DataError."""
        import psycopg

        if self.readonly:
            raise DataError(_READ_ONLY, source=self.path)
        try:
            with self._pool.connection() as conn, conn.transaction():
                yield _Statements(conn)
        except psycopg.Error as exc:
            raise _translated(exc, self.path) from exc

    def _call(self, sql: str, params: Sequence[Any]) -> Any:
        """The first row of one call of a server function: its own transaction (autocommit)."""
        import psycopg

        if self.readonly:
            raise DataError(_READ_ONLY, source=self.path)
        try:
            with self._pool.connection() as conn:
                return conn.execute(sql, params).fetchone()
        except psycopg.Error as exc:
            raise _translated(exc, self.path) from exc

    def _write_new(
        self,
        complaint: Complaint,
        received_us: int,
        at_us: int,
        actor: str,
        numbered: bool,
        registered: bool,
    ) -> Event:
        """Write a new complaint, its receipt (and registration) with one call of
        ``qualitapa_add``: one round trip, one transaction (see :data:`_V5`)."""
        organization, year, prefix = self._protocol(complaint)
        events = _new_events(complaint.id, at_us, actor, registered)
        c = complaint.contact
        contact = None if c is None or c.is_empty() else [c.name, c.email, c.phone, c.address]
        params = (None if numbered else complaint.id, organization, year, prefix,
                  complaint.kind.value, complaint.channel.value, complaint.service,
                  complaint.category, complaint.organization, received_us,
                  complaint.description, *(getattr(complaint, f) for f in LOCATION_FIELDS),
                  at_us, actor, [e[3] for e in events], contact)  # fmt: skip
        row = self._call(_ADD, params)
        if row is None:
            raise _taken(complaint.id)
        added_id, seq = row
        return _last_event(_new_events(added_id, at_us, actor, registered), int(seq))

    def _record(
        self,
        complaint_id: str,
        to_status: Status | str,
        at_us: int,
        actor: str,
        note: str,
        target: str | None,
    ) -> tuple[int, Status, Status]:
        """Append a change with one call of ``qualitapa_transition``: one round trip.

        The server locks the complaint's row (a second clerk waits, then sees
        the first's change), reads its last event and appends the change if
        the lifecycle allows it; otherwise it writes nothing and returns the
        last event, and the change is refused here with the reason.
        """
        to = Status(to_status) if to_status in _STATUS_VALUES else None
        ready = to is not None and _requirements_met(to, note, target)
        params = (complaint_id, to.value if to else str(to_status), at_us, actor,
                  ACTIONS[to] if to else "", note, target, ready)  # fmt: skip
        row = self._call(_TRANSITION, params)
        if row is None:
            raise UnknownItemError("complaint", complaint_id)
        seq, left, left_at = row
        checked = _checked_change(
            complaint_id, (left, left_at), to_status, at_us, note=note, target=target
        )
        if seq is None:  # pragma: no cover - the server and the lifecycle disagree
            raise DataError(
                f"the register refused the change to {checked.value}", source=complaint_id
            )
        return int(seq), checked, Status(left)

    def _append(
        self,
        db: Any,
        complaints: Mapping[str, Sequence[Any]],
        events: Mapping[str, Sequence[Any]],
    ) -> int:
        """Write complaints and events (columns); the seq of the last event (of a few).

        A few rows (a clerk's change): one statement each, the event's place
        in its history computed by the server (its complaint is locked). A
        bulk write: ``COPY``, the places computed here; the events (which
        may be built when first read) and their first piece of ``COPY``
        input are made while the server stores the complaints.
        """
        conn = db.conn
        cols = [c for c in (*_COMPLAINT_COLS, *LOCATION_FIELDS) if c in complaints]
        ahead: dict[str, Any] = {}

        def meanwhile() -> None:
            if len(events["complaint_id"]) >= _COPY_ROWS:
                ahead.update(_numbered(events, complaints))
                if not ahead["known"]:  # the places are final: the first piece can be built
                    ahead["pieces"] = _copy_pieces(ahead["columns"], ahead["values"])
                    ahead["first"] = list(itertools.islice(ahead["pieces"], 1))

        if len(complaints["id"]):
            _insert(conn, "complaints", cols, [complaints[c] for c in cols], meanwhile=meanwhile)
        if len(events["complaint_id"]) < _COPY_ROWS:
            seqs = [
                conn.execute(_NEXT_EVENT, (row[0], row[0], *row[1:])).fetchone()[0]
                for row in zip(*(events[c] for c in _EVENT_COLS), strict=True)
            ]
            return int(seqs[-1]) if seqs else 0
        if "pieces" in ahead:
            _copy(
                conn, "events", ahead["columns"], itertools.chain(ahead["first"], ahead["pieces"])
            )
            return 0
        numbered = ahead or _numbered(events, complaints)
        columns, values = numbered["columns"], numbered["values"]
        if numbered["known"]:  # complaints already in the register: their histories go on
            rows = conn.execute(
                "SELECT complaint_id, max(n) FROM events WHERE complaint_id = ANY(%s) "
                "GROUP BY complaint_id",
                (sorted(numbered["known"]),),
            ).fetchall()
            ids = pd.Series(events["complaint_id"], dtype=object)
            offset = ids.map(dict(rows)).fillna(0).to_numpy(dtype=np.int64)
            values[1] = (np.asarray(values[1], dtype=np.int64) + offset).tolist()
        _copy(conn, "events", columns, _copy_pieces(columns, values))
        return 0

    @staticmethod
    def _existing(db: Any, ids: pd.Series) -> list[str]:
        if db.conn.execute("SELECT 1 FROM complaints LIMIT 1").fetchone() is None:
            return []  # a first import: nothing to compare with
        rows = db.conn.execute(
            "SELECT id FROM complaints WHERE id = ANY(%s)", (ids.astype(str).tolist(),)
        ).fetchall()
        return [r[0] for r in rows]

    add = _retrying(ComplaintRegister.add)
    transition = _retrying(ComplaintRegister.transition)
    import_frame = _retrying(ComplaintRegister.import_frame)

    # -- what only the SQLite register has ----------------------------------------------
    def chain_head(self) -> ChainHead | None:
        """Not on PostgreSQL: the register has no hash chain there (raises BackendError)."""
        raise BackendError(
            Message(
                "a register on PostgreSQL has no hash chain (its history is protected by the "
                "server's triggers and roles): chain_head() and check(anchor=...) are for "
                "SQLite registers",
                N_(
                    "un registro su PostgreSQL non ha la catena di hash (la sua storia è "
                    "protetta dai trigger e dai ruoli del server): la testa della catena e "
                    "--anchor valgono per i registri SQLite"
                ),
            ),
            source=self.path,
        )

    def check(self, *, anchor: str | None = None) -> list[str]:
        """Problems of the register; an empty list means it is sound.

        Checks that every trigger keeping the history append-only is there
        and enabled, that every complaint has events, each complaint's
        history numbered without gaps and in time order, none before its
        receipt or in the future, each a valid lifecycle starting with
        ``received``. ``anchor`` raises :class:`BackendError` (no hash chain).
        """
        from qualitapa.complaints._lifecycle import validate_history

        if anchor is not None:
            self.chain_head()
        found = dict(
            self._db.execute(
                "SELECT t.tgname, t.tgenabled FROM pg_trigger t "
                "WHERE NOT t.tgisinternal AND t.tgname = ANY(?) "
                "AND t.tgrelid IN (to_regclass('events'), to_regclass('complaints'), "
                "to_regclass('schema_version'), to_regclass('protocol_counters'))",
                (list(PG_TRIGGERS),),
            ).fetchall()
        )
        problems = [
            f"protection removed: the trigger {name} (table {table}) is missing"
            if name not in found
            else f"protection removed: the trigger {name} (table {table}) is disabled"
            for name, table in PG_TRIGGERS.items()
            if found.get(name) in (None, "D")
        ]
        orphan = self._db.execute(
            "SELECT id FROM complaints c WHERE NOT EXISTS "
            "(SELECT 1 FROM events e WHERE e.complaint_id = c.id) ORDER BY id LIMIT 10"
        ).fetchall()
        problems += [f"complaint {r[0]} has no events" for r in orphan]
        strays = self._db.execute(
            "SELECT DISTINCT e.complaint_id FROM events e LEFT JOIN complaints c "
            "ON c.id = e.complaint_id WHERE c.id IS NULL ORDER BY 1 LIMIT 10"
        ).fetchall()
        problems += [f"events of complaint {r[0]}, which is not in the register" for r in strays]
        gaps = self._db.execute(
            "SELECT complaint_id, count(*), max(n) FROM events GROUP BY complaint_id "
            "HAVING count(*) <> max(n) OR min(n) <> 1 ORDER BY complaint_id LIMIT 10"
        ).fetchall()
        problems += [
            f"complaint {r[0]}: its history has {r[1]} events numbered up to {r[2]} "
            "(events are missing)"
            for r in gaps
        ]
        try:
            ev = self.events_frame()
            complaints = self.complaints_frame()
        except DataError as exc:
            return [*problems, exc.message]
        if len(ev):
            problems += _time_problems(ev, complaints)
            bad = validate_history(ev)
            problems += [f"complaint {r.complaint_id}: {r.problem}" for r in bad.itertuples()]
        return problems

    def close(self) -> None:
        """Close every connection of the pool."""
        self._pool.close()


def _numbered(
    events: Mapping[str, Sequence[Any]], complaints: Mapping[str, Sequence[Any]]
) -> dict[str, Any]:
    """The events' columns for ``COPY``, each numbered in its complaint's history from 1,
    and the complaints not among ``complaints`` (already in the register: their numbers
    go on from their last event's)."""
    # each id hashed once (factorize), then numbered by integer codes: a stable sort
    # puts each complaint's events together, in their order
    codes, uniques = pd.factorize(np.asarray(events["complaint_id"], dtype=object))
    order = np.argsort(codes, kind="stable")
    grouped = codes[order]
    starts = np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]])
    first = np.repeat(starts, np.diff(np.r_[starts, len(grouped)]))
    n = np.empty(len(codes), dtype=np.int64)
    n[order] = np.arange(1, len(codes) + 1) - first
    new = set(complaints["id"])
    known = {cid for cid in uniques.tolist() if cid not in new}
    columns = ["complaint_id", "n", *_EVENT_COLS[1:]]
    values = [events["complaint_id"], n.tolist(), *(events[c] for c in _EVENT_COLS[1:])]
    return {"columns": columns, "values": values, "known": known}


def _requirements_met(to: Status, note: str, target: str | None) -> bool:
    """Whether a change to ``to`` has what it needs (a reason, a target), as the lifecycle says."""
    if to not in _SOME_FROM:
        return False
    try:
        check_transition(_SOME_FROM[to], to, note=note, target=target)
    except DataError:
        return False
    return True


def _insert(
    conn: Any,
    table: str,
    columns: Sequence[str],
    values: Sequence[Sequence[Any]],
    meanwhile: Callable[[], Any] | None = None,
) -> None:
    """Insert rows given by column: a few one statement each, many through ``COPY``.

    ``meanwhile`` is called while the server stores a ``COPY``'s rows.
    """
    names = ", ".join(columns)
    if len(values[0]) >= _COPY_ROWS:
        _copy(conn, table, columns, _copy_pieces(columns, values), meanwhile)
        return
    sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"
    for row in zip(*values, strict=True):
        conn.execute(sql, row)
    if meanwhile is not None:
        meanwhile()


def _copy(
    conn: Any,
    table: str,
    columns: Sequence[str],
    pieces: Iterator[bytes],
    meanwhile: Callable[[], Any] | None = None,
) -> None:
    """``COPY`` the pieces (of :func:`_copy_pieces`) into ``table``.

    A thread of the driver (psycopg's ``QueuedLibpqWriter``) sends them:
    while the server parses and stores a piece, this thread builds the next
    one (or, after the last one, runs ``meanwhile``).
    """
    from psycopg.copy import QueuedLibpqWriter

    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with conn.cursor() as cur, cur.copy(sql, writer=QueuedLibpqWriter(cur)) as copy:
        for piece in pieces:
            copy.write(piece)
        if meanwhile is not None:
            meanwhile()


def _copy_pieces(columns: Sequence[str], values: Sequence[Sequence[Any]]) -> Iterator[bytes]:
    """The rows given by column as ``COPY`` input, :data:`_COPY_CHUNK` rows a piece.

    ``COPY``'s text format, built by pyarrow when it is installed
    (:func:`_copy_arrow`), else in Python (:func:`_copy_text`): the same
    bytes either way.
    """
    numeric = [c in _NUMERIC_COLUMNS for c in columns]
    for start in range(0, len(values[0]), _COPY_CHUNK):
        piece = [v[start : start + _COPY_CHUNK] for v in values]
        yield _copy_arrow(piece, numeric) if _has_pyarrow() else _copy_text(piece)


@functools.cache
def _has_pyarrow() -> bool:
    """Whether pyarrow is installed (the fast way to build ``COPY`` text)."""
    return importlib.util.find_spec("pyarrow") is not None


def _copy_arrow(values: Sequence[Sequence[Any]], numeric: Sequence[bool]) -> bytes:
    r"""Rows given by column in the text format of ``COPY ... FROM STDIN``, built by pyarrow.

    What :func:`_copy_text` writes, built in C++ a column at a time:
    ``None`` and NaN are ``\N`` (NULL); a backslash, tab, newline or
    carriage return in a text is escaped. Numbers of a ``numeric`` column
    are written in their shortest exact form; a text column holding anything
    but texts has its values written as ``str`` gives them. The server reads
    this format faster than CSV with every text quoted (1,000,000 imported
    complaints' events: 1.5 s of server CPU against 2.1 s).

    Examples
    --------
    >>> _copy_arrow([["2024/1", "", None, 'a"b\tc'], [1, 2, 3, 4]], [False, True])
    b'2024/1\t1\n\t2\n\\N\t3\na"b\\tc\t4\n'
    >>> _copy_arrow([[45.5, None, float("nan")], [2.0, 7, None]], [True, False])
    b'45.5\t2.0\n\\N\t7\n\\N\t\\N\n'
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if not values or not len(values[0]):
        return b""
    columns = []
    for column, number in zip(values, numeric, strict=True):
        try:
            array = pa.array(column, from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError):  # mixed values
            array = None
        if array is None or not (number or pa.types.is_string(array.type)):
            array = pa.array(_as_texts(column), type=pa.string())
        elif number:
            array = pc.cast(array, pa.string())
        if _has_special(array):
            for special, escaped in _COPY_ESCAPED.items():  # the backslash first
                array = pc.replace_substring(array, special, escaped)
        columns.append(pc.fill_null(array, "\\N"))
    columns[-1] = pc.binary_join_element_wise(columns[-1], "\n", "")
    lines = pc.binary_join_element_wise(*columns, "\t") if len(columns) > 1 else columns[0]
    return _text_bytes(lines)


def _text_bytes(array: Any) -> bytes:
    """The texts of a pyarrow string array, one after the other (its data buffer)."""
    data = array.buffers()[2]
    if data is None:
        return b""
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int32)[array.offset :]
    return data.to_pybytes()[offsets[0] : offsets[len(array)]]


def _has_special(array: Any) -> bool:
    """Whether a text of a pyarrow string array holds what ``COPY``'s text format escapes."""
    blob = _text_bytes(array)
    return any(ch.encode() in blob for ch in _COPY_SPECIAL)


def _as_texts(column: Sequence[Any]) -> list[str | None]:
    """A column's values as ``str`` gives them; None for None, NA and NaN (NULL)."""
    na = pd.NA
    return [None if v is None or v is na or v != v else str(v) for v in column]


def _copy_text(values: Sequence[Sequence[Any]]) -> bytes:
    r"""Rows given by column in the text format of ``COPY ... FROM STDIN``, built by column.

    Text, integers and floats (shortest exact form); ``None`` and NaN are
    ``\N`` (NULL); a backslash, tab, newline or carriage return in a value
    is escaped. Building whole columns at once is several times faster than
    formatting row by row.

    Examples
    --------
    >>> _copy_text([["2024/1", "a\tb"], [1, None], [45.5, float("nan")]])
    b'2024/1\t1\t45.5\na\\tb\t\\N\t\\N\n'
    """
    texts = []
    for column in values:
        text = _as_texts(column)
        blob = "".join([t for t in text if t is not None])
        if any(ch in blob for ch in _COPY_SPECIAL):
            text = [None if t is None else t.translate(_COPY_ESCAPES) for t in text]
        texts.append(["\\N" if t is None else t for t in text])
    if not texts or not texts[0]:
        return b""
    return ("\n".join(map("\t".join, zip(*texts, strict=True))) + "\n").encode("utf-8")
