"""Pieces every SQLite store of qualitapa shares (the complaint register, the programme).

Splitting a migration script into statements, the error code and "busy"
test of a SQLite error, retrying a step while another process holds the
lock, closing a connection when its preparation fails; the schema
machinery (:class:`SqliteSchema`: recognising a store's file, its version,
migrating it, comparing its triggers with the migrations) and the
boilerplate of a store object (:class:`SqliteStore`). A store gives its
data (application id, name, tables, migrations); the wording and the
checks are the same for every store.

Examples
--------
>>> split_sql("CREATE TABLE a (x);\\nCREATE TRIGGER t BEFORE DELETE ON a\\n"
...           "BEGIN SELECT RAISE(ABORT, 'no'); END;")[1].splitlines()[0]
'CREATE TRIGGER t BEFORE DELETE ON a'
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, Self

import attrs

from qualitapa.errors import DataError, QualitapaError

__all__ = [
    "Migration",
    "SqliteSchema",
    "SqliteStore",
    "closing_on_error",
    "error_code",
    "is_busy",
    "retry",
    "split_sql",
]

#: One migration step: an SQL script, or a function of the connection.
Migration = str | Callable[[sqlite3.Connection], None]

_BUSY = (5, 6)  # SQLITE_BUSY, SQLITE_LOCKED


def split_sql(script: str) -> Sequence[str]:
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


def error_code(exc: sqlite3.Error) -> int:
    """The primary SQLite result code of ``exc`` (0 when unknown)."""
    return int(getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF


def is_busy(exc: sqlite3.Error) -> bool:
    """Whether ``exc`` says another connection holds the database locked."""
    return error_code(exc) in _BUSY or "locked" in str(exc)


def retry(
    step: Callable[[], Any],
    deadline: float,
    fail: Callable[[sqlite3.OperationalError], Exception],
) -> Any:
    """Run ``step``; while another process holds the lock, try again until ``deadline``.

    SQLite does not call its busy handler for every lock (the switch to WAL
    of a new database, the first read of a schema being created), so the
    stores wait here too. Any other error, or the deadline passed, raises
    ``fail(exc)``.
    """
    pause = 0.005
    while True:
        try:
            return step()
        except sqlite3.OperationalError as exc:
            if not is_busy(exc) or time.monotonic() >= deadline:
                raise fail(exc) from exc
        time.sleep(pause)
        pause = min(pause * 2, 0.1)


@contextmanager
def closing_on_error(db: sqlite3.Connection) -> Iterator[None]:
    """Close ``db`` when the block raises, and re-raise."""
    try:
        yield
    except BaseException:
        db.close()
        raise


def _normal(sql: str) -> str:
    """``sql`` with its whitespace normalised (to compare triggers)."""
    return re.sub(r"\s+", " ", sql.strip().rstrip(";")).strip()


def _shown(names: Sequence[str]) -> str:
    return ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")


@attrs.frozen
class SqliteSchema:
    """The versioned schema of one kind of store, and how its files are recognised.

    Parameters
    ----------
    application_id : int
        ``PRAGMA application_id`` that marks the store's files.
    name : str
        What the store is called in messages ("complaint register").
    tables : tuple of str
        The tables every version has (besides ``schema_version``).
    migrations : mapping of int to str or callable
        Version -> SQL script (or function of the connection) bringing the
        schema from version-1 to it. Never edit a released one.
    scripts : tuple of str
        Every SQL script the migrations run, where the triggers they create
        are looked for (a function migration runs a script of its own).
    unmarked : bool
        Whether a file without an application id but with a
        ``schema_version`` table is one (written before the store set its
        application id).

    Examples
    --------
    >>> schema = SqliteSchema(0x51505858, "test store", ("a",), {1: "CREATE TABLE a (x);"},
    ...                       scripts=("CREATE TABLE a (x);",))
    >>> db = sqlite3.connect(":memory:")
    >>> schema.migrate(db, "test.db"), schema.inspect(db, "test.db")
    (0, 1)
    >>> schema.check_triggers(db)
    []
    """

    application_id: int
    name: str
    tables: tuple[str, ...]
    migrations: Mapping[int, Migration]
    scripts: tuple[str, ...]
    unmarked: bool = False

    @property
    def version(self) -> int:
        """The schema version this code writes."""
        return max(self.migrations)

    def expected_triggers(self) -> dict[str, str]:
        """Every trigger the migrations create: name -> SQL (whitespace normalised)."""
        out: dict[str, str] = {}
        for script in self.scripts:
            for statement in split_sql(script):
                match = re.match(r"CREATE TRIGGER (\w+)", statement)
                if match:
                    out[match.group(1)] = _normal(statement)
        return out

    def check_triggers(self, db: sqlite3.Connection, version: int | None = None) -> list[str]:
        """Triggers removed, changed or added since the migrations created them.

        A database older than :attr:`version` (given as ``version``) is not
        compared: its store reports what it lacks, and migrating brings the
        triggers.
        """
        if version is not None and version < self.version:
            return []
        found = {
            name: _normal(sql or "")
            for name, sql in db.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
            )
        }
        expected = self.expected_triggers()
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

    def inspect(self, db: sqlite3.Connection, source: str) -> int:
        """The schema version of an open database: 0 for an empty one.

        Raises
        ------
        DataError
            The database is not one of this store (another application's:
            its application id and tables are named), or a damaged one
            (tables missing, a version that is not a number).
        """
        app_id = int(db.execute("PRAGMA application_id").fetchone()[0])
        rows = db.execute("SELECT type, name FROM sqlite_master").fetchall()
        names = sorted(name for _, name in rows if not name.startswith("sqlite_"))
        tables = {name for kind, name in rows if kind == "table"}
        advice = f"give the {self.name}'s file, or a new file name to create one"
        if app_id not in (0, self.application_id):
            holds = f", holding {_shown(names)}" if names else ""
            raise DataError(
                f"not a qualitapa {self.name} (it belongs to another application, "
                f"application_id {app_id:#x}{holds}): {advice}",
                source=source,
            )
        if not names:
            return 0
        ours = app_id == self.application_id or (self.unmarked and "schema_version" in tables)
        if not ours:
            raise DataError(
                f"not a qualitapa {self.name} (it holds {_shown(names)}): {advice}",
                source=source,
            )
        missing = [t for t in ("schema_version", *self.tables) if t not in tables]
        if missing:
            raise DataError(
                f"a damaged {self.name}: table(s) {', '.join(missing)} are missing",
                source=source,
            )
        row = db.execute("SELECT MAX(version) FROM schema_version").fetchone()
        try:
            return int(row[0] or 0)
        except (TypeError, ValueError):
            raise DataError(
                f"a damaged {self.name}: schema version {row[0]!r}", source=source
            ) from None

    def check_not_newer(self, version: int, source: str) -> None:
        """Refuse a file written by a newer qualitapa (a schema this code does not know)."""
        if version > self.version:
            raise DataError(
                f"the {self.name} has schema version {version}, newer than this qualitapa "
                f"supports ({self.version}); upgrade qualitapa",
                source=source,
            )

    def migrate(self, db: sqlite3.Connection, source: str) -> int:
        """Bring the schema to :attr:`version`, in the caller's write transaction.

        Returns the version found before (0 for a new file).
        """
        current = self.inspect(db, source)
        self.check_not_newer(current, source)
        if current == self.version:
            return current
        db.execute(
            "CREATE TABLE IF NOT EXISTS schema_version "
            "(version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"
        )
        for version in range(current + 1, self.version + 1):
            step = self.migrations[version]
            if callable(step):
                step(db)
            else:
                for statement in split_sql(step):
                    db.execute(statement)
            db.execute(
                "INSERT INTO schema_version VALUES (?, ?)",
                (version, dt.datetime.now(dt.UTC).isoformat(timespec="seconds")),
            )
        db.execute(f"PRAGMA user_version = {self.version}")
        db.execute(f"PRAGMA application_id = {self.application_id}")
        return current


class SqliteStore:
    """What every store object does with its connection: close, ``with``, repr."""

    path: str
    readonly: bool
    _db: sqlite3.Connection

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        mode = ", readonly=True" if self.readonly else ""
        return f"{type(self).__name__}({self.path!r}{mode})"
