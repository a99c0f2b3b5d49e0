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

import datetime as dt
import re
import sqlite3
from collections.abc import Callable

from qualitapa._sqlite import split_sql
from qualitapa.errors import DataError

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
MIGRATIONS: dict[int, str | Callable[[sqlite3.Connection], None]] = {1: _V1}

#: The schema version this code writes.
SCHEMA_VERSION = max(MIGRATIONS)


def _normal(sql: str) -> str:
    return re.sub(r"\s+", " ", sql.strip().rstrip(";")).strip()


def expected_triggers() -> dict[str, str]:
    """Every trigger the migrations create: name -> SQL (whitespace normalised)."""
    out: dict[str, str] = {}
    for script in (s for s in MIGRATIONS.values() if isinstance(s, str)):
        for statement in split_sql(script):
            match = re.match(r"CREATE TRIGGER (\w+)", statement)
            if match:
                out[match.group(1)] = _normal(statement)
    return out


def check_triggers(db: sqlite3.Connection) -> list[str]:
    """The protections removed, changed or added since the migrations created them."""
    found = {
        name: _normal(sql or "")
        for name, sql in db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
    }
    expected = expected_triggers()
    problems = []
    for name, sql in expected.items():
        if name not in found:
            problems.append(f"protection removed: trigger {name} is missing")
        elif found[name] != sql:
            problems.append(f"protection removed: trigger {name} was changed")
    problems += [
        f"protection removed: trigger {name} was added by someone else"
        for name in sorted(set(found) - set(expected))
    ]
    return problems


def inspect(db: sqlite3.Connection, source: str) -> int:
    """The schema version of an open database: 0 for an empty one.

    Raises
    ------
    DataError
        Another application's database, or a damaged store (tables missing).
    """
    app_id = int(db.execute("PRAGMA application_id").fetchone()[0])
    rows = db.execute("SELECT type, name FROM sqlite_master").fetchall()
    names = sorted(name for _, name in rows if not name.startswith("sqlite_"))
    tables = {name for kind, name in rows if kind == "table"}
    if app_id not in (0, APPLICATION_ID) or (names and app_id != APPLICATION_ID):
        shown = ", ".join(names[:5]) or f"application_id {app_id:#x}"
        raise DataError(
            f"not a qualitapa programme store (it holds {shown}): give the store's file, "
            "or a new file name to create one",
            source=source,
        )
    if not names:
        return 0
    missing = [t for t in ("schema_version", *_TABLES) if t not in tables]
    if missing:
        raise DataError(
            f"a damaged programme store: table(s) {', '.join(missing)} are missing",
            source=source,
        )
    row = db.execute("SELECT MAX(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


def check_not_newer(version: int, source: str) -> None:
    """Refuse a store written by a newer qualitapa."""
    if version > SCHEMA_VERSION:
        raise DataError(
            f"the programme store has schema version {version}, newer than this qualitapa "
            f"supports ({SCHEMA_VERSION}); upgrade qualitapa",
            source=source,
        )


def migrate(db: sqlite3.Connection, source: str) -> int:
    """Bring the schema to :data:`SCHEMA_VERSION`, in the caller's write transaction.

    Returns the version found before (0 for a new store).
    """
    current = inspect(db, source)
    check_not_newer(current, source)
    if current == SCHEMA_VERSION:
        return current
    db.execute(
        "CREATE TABLE IF NOT EXISTS schema_version "
        "(version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"
    )
    for version in range(current + 1, SCHEMA_VERSION + 1):
        step = MIGRATIONS[version]
        if callable(step):  # pragma: no cover - no such migration yet
            step(db)
        else:
            for statement in split_sql(step):
                db.execute(statement)
        db.execute(
            "INSERT INTO schema_version VALUES (?, ?)",
            (version, dt.datetime.now(dt.UTC).isoformat(timespec="seconds")),
        )
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    return current
