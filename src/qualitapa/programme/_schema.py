"""The programme store's schema: versioned migrations and what the database enforces.

Tables
------
* ``imports``: one row per write (a sheet imported, a status recorded):
  when (UTC), by whom, which sheet, from which file.
* ``records``: the history of every sheet's rows. A row of a sheet is
  identified by its key (JSON array of the key columns); each version of
  it is a record (``added`` the first time, ``changed`` when a field
  differs) holding the whole row as JSON. The current sheet is the last
  record of each key.
* ``contacts``: the people's names and e-mails (personal data), the only
  table that can be changed (erasure on request, GDPR art. 17).

What the schema enforces, for every SQLite client: ``imports`` and
``records`` cannot be updated or deleted (``BEFORE UPDATE`` / ``BEFORE
DELETE`` triggers abort, which also covers ``UPDATE OR REPLACE`` and
``ON CONFLICT DO UPDATE``); ``REPLACE`` is refused by ``BEFORE INSERT``
triggers: a new import or record takes the next ``seq``, and a record
belongs to the last import (no record can be slipped into an old one).
"""

from __future__ import annotations

from qualitapa._sqlite import Migration, SqliteSchema

#: ``PRAGMA application_id`` of a qualitapa programme store ("QPP1").
APPLICATION_ID = 0x51505031
_TABLES = ("imports", "records", "contacts")

_V1 = """
CREATE TABLE imports (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    by TEXT NOT NULL CHECK (length(trim(by)) > 0),
    sheet TEXT,
    source TEXT
);
CREATE TABLE records (
    seq INTEGER PRIMARY KEY,
    import_seq INTEGER NOT NULL REFERENCES imports(seq),
    sheet TEXT NOT NULL,
    key TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('added', 'changed')),
    data TEXT NOT NULL
);
CREATE INDEX records_by_key ON records (sheet, key, seq);
CREATE TABLE contacts (
    person TEXT PRIMARY KEY,
    name TEXT,
    email TEXT
) WITHOUT ROWID;
CREATE VIEW current_records AS
    SELECT r.* FROM records r
    WHERE r.seq = (SELECT MAX(seq) FROM records WHERE sheet = r.sheet AND key = r.key);
CREATE TRIGGER imports_no_update BEFORE UPDATE ON imports
BEGIN SELECT RAISE(ABORT, 'imports are append-only: the history cannot be changed'); END;
CREATE TRIGGER imports_no_delete BEFORE DELETE ON imports
BEGIN SELECT RAISE(ABORT, 'imports are append-only: the history cannot be deleted'); END;
CREATE TRIGGER imports_next_seq BEFORE INSERT ON imports
WHEN NEW.seq IS NOT (SELECT COALESCE(MAX(seq), 0) + 1 FROM imports)
BEGIN SELECT RAISE(ABORT, 'imports are append-only: a new import takes the next seq'); END;
CREATE TRIGGER records_no_update BEFORE UPDATE ON records
BEGIN SELECT RAISE(ABORT, 'records are append-only: the history cannot be changed'); END;
CREATE TRIGGER records_no_delete BEFORE DELETE ON records
BEGIN SELECT RAISE(ABORT, 'records are append-only: the history cannot be deleted'); END;
CREATE TRIGGER records_next_seq BEFORE INSERT ON records
WHEN NEW.seq IS NOT (SELECT COALESCE(MAX(seq), 0) + 1 FROM records)
  OR NEW.import_seq IS NOT (SELECT MAX(seq) FROM imports)
BEGIN SELECT RAISE(ABORT, 'records are append-only: next seq, last import'); END;
CREATE TRIGGER schema_version_no_update BEFORE UPDATE ON schema_version
BEGIN SELECT RAISE(ABORT, 'the schema version cannot be changed'); END;
CREATE TRIGGER schema_version_no_delete BEFORE DELETE ON schema_version
BEGIN SELECT RAISE(ABORT, 'the schema version cannot be deleted'); END;
"""

#: Migrations: version -> SQL script (or function of the connection) bringing
#: the schema from version-1 to it. Never edit a released one.
MIGRATIONS: dict[int, Migration] = {1: _V1}

#: The programme store's schema.
SCHEMA = SqliteSchema(
    APPLICATION_ID,
    "programme store",
    _TABLES,
    MIGRATIONS,
    scripts=(_V1,),
    init_command="qualitapa programme init",
)

#: The schema version this code writes.
SCHEMA_VERSION = SCHEMA.version
