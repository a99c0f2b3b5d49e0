"""The register's schema: versioned migrations and what the database enforces.

What the schema enforces, for every SQLite client (not only qualitapa):

* ``complaints`` and ``events`` cannot be updated or deleted (``BEFORE
  UPDATE`` / ``BEFORE DELETE`` triggers abort). This also covers ``UPDATE OR
  REPLACE`` and ``INSERT ... ON CONFLICT DO UPDATE``, which go through
  UPDATE.
* ``REPLACE`` / ``INSERT OR REPLACE`` would delete the clashing row without
  firing DELETE triggers: ``BEFORE INSERT`` triggers refuse an existing
  complaint id, and an event whose ``seq`` is not the next one (so no event
  can be replaced, slipped in before the last one, or leave a gap).
* ``chain`` (the hash chain, :mod:`qualitapa.complaints._chain`) is
  append-only the same way; a link must start right after the previous one
  and end at the last event.
* ``contacts`` (personal data) stays changeable: erasure on request.

What it cannot enforce: a client with write access to the file can drop
the triggers (``DROP TRIGGER``, ``PRAGMA writable_schema``), write into a
stored value with incremental blob I/O (which fires no trigger), or edit
the file's bytes. ``ComplaintRegister.check`` detects those changes: the
triggers are compared with these migrations, and the hash chain no longer
matches the events.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from qualitapa._sqlite import Migration, SqliteSchema, split_sql
from qualitapa.complaints._chain import rebuild_chain
from qualitapa.complaints._models import Status
from qualitapa.errors import QualitapaError

#: ``PRAGMA application_id`` of a qualitapa complaint register ("QPA1").
APPLICATION_ID = 0x51504131

_STATUSES = ", ".join(f"'{s.value}'" for s in Status)
_TABLES = ("complaints", "contacts", "events")

_V1 = f"""
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
    """
_V2 = """
    CREATE VIEW current_status AS
        SELECT e.complaint_id AS complaint_id, e.to_status AS status, e.at_us AS since_us
        FROM events e
        WHERE e.seq = (SELECT MAX(seq) FROM events WHERE complaint_id = e.complaint_id);
    """

_V3 = """
CREATE TRIGGER events_append_only_insert BEFORE INSERT ON events
WHEN NEW.seq IS NOT (SELECT COALESCE(MAX(seq), 0) + 1 FROM events)
BEGIN SELECT RAISE(ABORT, 'events are append-only: a new event takes the next seq'); END;
CREATE TRIGGER complaints_no_replace BEFORE INSERT ON complaints
WHEN EXISTS (SELECT 1 FROM complaints WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'complaints cannot be replaced: this id is already in the register'); END;
CREATE TABLE chain (
    last_seq INTEGER PRIMARY KEY,
    first_seq INTEGER NOT NULL,
    written_us INTEGER NOT NULL,
    hash BLOB NOT NULL CHECK (typeof(hash) = 'blob' AND length(hash) = 32)
);
CREATE TRIGGER chain_append_only_insert BEFORE INSERT ON chain
WHEN NEW.first_seq IS NOT (SELECT COALESCE(MAX(last_seq), 0) + 1 FROM chain)
  OR NEW.last_seq IS NOT (SELECT MAX(seq) FROM events)
  OR NEW.last_seq < NEW.first_seq
BEGIN SELECT RAISE(ABORT, 'the hash chain is append-only: a link follows the last one'); END;
CREATE TRIGGER chain_append_only_update BEFORE UPDATE ON chain
BEGIN SELECT RAISE(ABORT, 'the hash chain is append-only: it cannot be changed'); END;
CREATE TRIGGER chain_append_only_delete BEFORE DELETE ON chain
BEGIN SELECT RAISE(ABORT, 'the hash chain is append-only: it cannot be deleted'); END;
CREATE TRIGGER schema_version_no_update BEFORE UPDATE ON schema_version
BEGIN SELECT RAISE(ABORT, 'the schema version cannot be changed'); END;
CREATE TRIGGER schema_version_no_delete BEFORE DELETE ON schema_version
BEGIN SELECT RAISE(ABORT, 'the schema version cannot be deleted'); END;
"""

#: Where the problem is (Open311 GeoReport v2 lat, long, address_string,
#: media_url) and the protocol-number counters of ``add()`` without an id.
_V4 = """
ALTER TABLE complaints ADD COLUMN latitude REAL
    CHECK (latitude IS NULL OR (typeof(latitude) = 'real' AND latitude BETWEEN -90 AND 90));
ALTER TABLE complaints ADD COLUMN longitude REAL
    CHECK (longitude IS NULL OR (typeof(longitude) = 'real' AND longitude BETWEEN -180 AND 180));
ALTER TABLE complaints ADD COLUMN address TEXT;
ALTER TABLE complaints ADD COLUMN media_url TEXT;
CREATE TABLE protocol_counters (
    organization TEXT NOT NULL,
    year INTEGER NOT NULL,
    last INTEGER NOT NULL CHECK (last > 0),
    PRIMARY KEY (organization, year)
) WITHOUT ROWID;
CREATE TRIGGER protocol_counters_no_delete BEFORE DELETE ON protocol_counters
BEGIN SELECT RAISE(ABORT, 'protocol numbers are never given back'); END;
CREATE TRIGGER protocol_counters_forward BEFORE UPDATE ON protocol_counters
WHEN NEW.last IS NOT OLD.last + 1 OR NEW.organization IS NOT OLD.organization
  OR NEW.year IS NOT OLD.year
BEGIN SELECT RAISE(ABORT, 'a protocol counter only moves to the next number'); END;
"""

#: The BEFORE INSERT triggers that refuse REPLACE (they cost a check per row).
_INSERT_GUARDS = ("events_append_only_insert", "complaints_no_replace")


@contextmanager
def insert_guards_lifted(db: sqlite3.Connection, *, lifted: bool = True) -> Iterator[None]:
    """Drop the per-row REPLACE guards for a bulk insert, and put them back.

    Only inside a write transaction, for plain INSERTs that cannot replace
    anything: DDL is transactional, so other connections see the schema
    with the triggers before and after, never without them; if the
    transaction fails, the rollback restores them too.
    """
    if not lifted:
        yield
        return
    sql = {
        name: text
        for name, text in db.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN "
            f"({', '.join('?' * len(_INSERT_GUARDS))})",
            _INSERT_GUARDS,
        )
    }
    if not db.in_transaction:  # pragma: no cover - a programming error
        raise QualitapaError("the REPLACE guards can only be lifted inside a transaction")
    for name in sql:
        db.execute(f"DROP TRIGGER {name}")
    yield
    for text in sql.values():
        db.execute(text)


def _version_3(db: sqlite3.Connection) -> None:
    """The hash chain and the triggers against REPLACE; link what is already there."""
    for statement in split_sql(_V3):
        db.execute(statement)
    rebuild_chain(db)


#: Migrations: version -> SQL script (or function of the connection)
#: bringing the schema from version-1 to it. Never edit a released one.
MIGRATIONS: dict[int, Migration] = {
    1: _V1,
    2: _V2,
    3: _version_3,
    4: _V4,
}

#: The register's schema (registers of schema 1 and 2 were written
#: without an application id: a ``schema_version`` table marks them).
SCHEMA = SqliteSchema(
    APPLICATION_ID,
    "complaint register",
    _TABLES,
    MIGRATIONS,
    scripts=(_V1, _V2, _V3, _V4),
    unmarked=True,
    called="register",
    init_command="qualitapa complaints init",
)

#: The schema version this code writes.
SCHEMA_VERSION = SCHEMA.version
