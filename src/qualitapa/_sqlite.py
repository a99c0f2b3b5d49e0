"""Pieces every SQLite store of qualitapa shares (the complaint register, the programme).

Splitting a migration script into statements, the error code and "busy"
test of a SQLite error, retrying a step while another process holds the
lock, closing a connection when its preparation fails; the schema
machinery (:class:`SqliteSchema`: recognising a store's file, its version,
migrating it, comparing its triggers with the migrations); opening a
store's file (:func:`connect`) and saying SQLite's errors clearly
(:func:`translate`, :func:`sqlite_errors`); and the boilerplate of a store
object (:class:`SqliteStore`: its write transaction, close, ``with``). A
store gives its data (application id, names, tables, migrations); the
wording and the checks are the same for every store.

* Writing: the file is created when missing; a database that is not one of
  the store's is refused before anything is written to it; the WAL switch
  and the migrations wait for other processes (two processes creating the
  same new store at once both succeed). Every write is one ``BEGIN
  IMMEDIATE`` transaction (:func:`transaction`).
* Reading (``readonly``): nothing is created, migrated or written. A store
  in a read-only folder is opened ``immutable`` when it has no pending
  ``-wal`` changes (SQLite cannot create its ``-shm`` file there).
* Every SQLite error becomes a :class:`~qualitapa.errors.DataError` naming
  the file: locked by another process (after waiting ``busy_timeout``
  seconds), read-only, damaged, not a database.

Examples
--------
>>> split_sql("CREATE TABLE a (x);\\nCREATE TRIGGER t BEFORE DELETE ON a\\n"
...           "BEGIN SELECT RAISE(ABORT, 'no'); END;")[1].splitlines()[0]
'CREATE TRIGGER t BEFORE DELETE ON a'
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar, Self, TypeVar

import attrs

from qualitapa.errors import N_, DataError, Message, QualitapaError

__all__ = [
    "Migration",
    "SqliteSchema",
    "SqliteStore",
    "closing_on_error",
    "connect",
    "error_code",
    "is_busy",
    "retry",
    "split_sql",
    "sqlite_errors",
    "transaction",
    "translate",
]

#: One migration step: an SQL script, or a function of the connection.
Migration = str | Callable[[sqlite3.Connection], None]

F = TypeVar("F", bound=Callable[..., Any])

_BUSY = (5, 6)  # SQLITE_BUSY, SQLITE_LOCKED
_READONLY = 8
_CANTOPEN = 14
_DAMAGED = (11, 26)  # SQLITE_CORRUPT, SQLITE_NOTADB


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


@contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction, with the write lock taken up front (``BEGIN IMMEDIATE``).

    Taking the lock before anything is read means two processes cannot
    both change the same state; a block that raises is rolled back, and a
    process killed in the middle leaves nothing half-done.

    Examples
    --------
    >>> db = sqlite3.connect(":memory:", isolation_level=None)
    >>> with transaction(db):
    ...     _ = db.execute("CREATE TABLE a (x)")
    >>> db.in_transaction
    False
    >>> db.close()
    """
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    else:
        db.execute("COMMIT")


def _normal(sql: str) -> str:
    """``sql`` with its whitespace normalised (to compare triggers)."""
    return re.sub(r"\s+", " ", sql.strip().rstrip(";")).strip()


#: The stores' names (:attr:`SqliteSchema.name` and ``called``) in Italian. The
#: messages put "il"/"un"/"del" before them (a masculine noun; "das"/"ein" in German):
#: a store whose name takes other articles needs messages of its own.
_STORE_WORDS = {
    "complaint register": N_("registro dei reclami"),
    "register": N_("registro"),
    "programme store": N_("programma della qualità"),
}


def _said(name: str) -> str:
    """A store's name that is said in the reader's language (when it is one of ours)."""
    word = _STORE_WORDS.get(name)
    return Message(name, word) if word is not None and not isinstance(name, Message) else name


def _shown(names: Sequence[str]) -> str:
    shown = ", ".join(names[:5])
    if len(names) <= 5:
        return shown
    return Message("{names} and {n} more", N_("{names} e altri {n}"), names=shown, n=len(names) - 5)


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
    called : str
        What messages call the store for short ("register"); ``name`` by
        default.
    init_command : str
        The command that creates an empty store, said when an empty
        database is opened for reading.

    Examples
    --------
    >>> schema = SqliteSchema(0x51505858, "test store", ("a",), {1: "CREATE TABLE a (x);"},
    ...                       scripts=("CREATE TABLE a (x);",))
    >>> db = sqlite3.connect(":memory:")
    >>> schema.migrate(db, "test.db"), schema.inspect(db, "test.db")
    (0, 1)
    >>> schema.check_triggers(db)
    []
    >>> db.close()
    """

    application_id: int
    name: str
    tables: tuple[str, ...]
    migrations: Mapping[int, Migration]
    scripts: tuple[str, ...]
    unmarked: bool = False
    called: str = attrs.field(
        default=attrs.Factory(lambda self: self.name, takes_self=True), kw_only=True
    )
    init_command: str = attrs.field(default="", kw_only=True)

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
        problems: list[str] = []
        for name, sql in expected.items():
            if name not in found:
                problems.append(
                    Message(
                        "protection removed: trigger {name} is missing",
                        N_("protezione rimossa: manca il trigger {name}"),
                        name=name,
                    )
                )
            elif found[name] != sql:
                problems.append(
                    Message(
                        "protection removed: trigger {name} was changed",
                        N_("protezione rimossa: il trigger {name} è stato modificato"),
                        name=name,
                    )
                )
        problems += [
            Message(
                "protection removed: trigger {name} was added by someone else",
                N_("protezione rimossa: il trigger {name} è stato aggiunto da altri"),
                name=name,
            )
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
        name = _said(self.name)
        advice = Message(
            "give the {name}'s file, or a new file name to create one",
            N_("indicare il file del {name}, o il nome di un file nuovo per crearne uno"),
            name=name,
        )
        if app_id not in (0, self.application_id):
            holds = (
                Message(", holding {names}", N_(", contiene {names}"), names=_shown(names))
                if names
                else ""
            )
            raise DataError(
                Message(
                    "not a qualitapa {name} (it belongs to another application, "
                    "application_id {app_id}{holds}): {advice}",
                    N_(
                        "non è un {name} di qualitapa (appartiene a un'altra applicazione, "
                        "identificativo {app_id}{holds}): {advice}"
                    ),
                    name=name,
                    app_id=f"{app_id:#x}",
                    holds=holds,
                    advice=advice,
                ),
                source=source,
            )
        if not names:
            return 0
        ours = app_id == self.application_id or (self.unmarked and "schema_version" in tables)
        if not ours:
            raise DataError(
                Message(
                    "not a qualitapa {name} (it holds {names}): {advice}",
                    N_("non è un {name} di qualitapa (contiene {names}): {advice}"),
                    name=name,
                    names=_shown(names),
                    advice=advice,
                ),
                source=source,
            )
        missing = [t for t in ("schema_version", *self.tables) if t not in tables]
        if missing:
            raise DataError(
                Message(
                    "a damaged {name}: table(s) {tables} are missing",
                    N_("un {name} danneggiato: mancano le tabelle {tables}"),
                    name=name,
                    tables=", ".join(missing),
                ),
                source=source,
            )
        row = db.execute("SELECT MAX(version) FROM schema_version").fetchone()
        try:
            return int(row[0] or 0)
        except (TypeError, ValueError):
            raise DataError(
                Message(
                    "a damaged {name}: schema version {version}",
                    N_("un {name} danneggiato: la versione dello schema {version} non è un numero"),
                    name=name,
                    version=repr(row[0]),
                ),
                source=source,
            ) from None

    def check_not_newer(self, version: int, source: str) -> None:
        """Refuse a file written by a newer qualitapa (a schema this code does not know)."""
        if version > self.version:
            raise DataError(
                Message(
                    "the {name} has schema version {version}, newer than this qualitapa "
                    "supports ({supported}); upgrade qualitapa",
                    N_(
                        "il {name} ha la versione dello schema {version}, più recente di quelle "
                        "che questo qualitapa sa leggere ({supported}): aggiornare qualitapa"
                    ),
                    name=_said(self.name),
                    version=version,
                    supported=self.version,
                ),
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


def translate(
    exc: sqlite3.Error | UnicodeDecodeError,
    schema: SqliteSchema,
    source: str,
    *,
    waited: float | None = None,
) -> DataError:
    """A clear error for a SQLite error on a store's file.

    Parameters
    ----------
    exc
        What SQLite (or the decoding of a text value) raised.
    schema
        The store's schema: its names are what the message calls the store.
    source
        The file, named by the error.
    waited
        Seconds waited for another process (said when the file is locked).

    Examples
    --------
    >>> schema = SqliteSchema(1, "complaint register", (), {1: ""}, (), called="register")
    >>> translate(sqlite3.OperationalError("database is locked"), schema, "urp.db",
    ...           waited=30).message
    'the register is locked by another process (waited 30 s): try again when it has \
finished, or find the program holding it'
    """
    called = _said(schema.called)
    if isinstance(exc, UnicodeDecodeError):  # a TEXT value that is not UTF-8
        return DataError(
            Message(
                "the file is damaged: it holds text that is not UTF-8 ({reason} at byte "
                "{start}); restore it from a backup",
                N_(
                    "il file è danneggiato: contiene testo che non è UTF-8 (al byte {start}): "
                    "ripristinarlo da una copia di sicurezza"
                ),
                reason=exc.reason,
                start=exc.start,
            ),
            source=source,
        )
    code = error_code(exc)
    if is_busy(exc):
        wait = (
            Message(
                " (waited {seconds} s)",
                N_(" (dopo un'attesa di {seconds} s)"),
                seconds=f"{waited:g}",
            )
            if waited
            else ""
        )
        return DataError(
            Message(
                "the {called} is locked by another process{wait}: try again when it has "
                "finished, or find the program holding it",
                N_(
                    "il {called} è bloccato da un altro processo{wait}: riprovare quando ha "
                    "finito, o cercare l'applicazione che lo tiene aperto"
                ),
                called=called,
                wait=wait,
            ),
            source=source,
        )
    if code == _READONLY or "readonly" in str(exc):
        return DataError(
            Message(
                "cannot write to the {called}: the file or its folder is read-only "
                "(reading commands still work)",
                N_(
                    "impossibile scrivere nel {called}: il file o la sua cartella è di sola "
                    "lettura (i comandi che leggono funzionano)"
                ),
                called=called,
            ),
            source=source,
        )
    if code in _DAMAGED or "malformed" in str(exc) or "not a database" in str(exc):
        return DataError(
            Message(
                "the file is damaged or not a {name} ({detail}); restore it from a backup",
                N_(
                    "il file è danneggiato o non è un {name}: ripristinarlo da una copia di "
                    "sicurezza"
                ),
                name=_said(schema.name),
                detail=exc,
            ),
            source=source,
        )
    if code == _CANTOPEN:
        return DataError(
            Message(
                "cannot open the {called} ({detail})",
                N_(
                    "impossibile aprire il {called}: controllare che la cartella esista e che "
                    "il file si possa leggere"
                ),
                called=called,
                detail=exc,
            ),
            source=source,
        )
    return DataError(
        Message(
            "cannot use the {called}: {detail}",
            N_("impossibile usare il {called}: {detail}"),
            called=called,
            detail=exc,
        ),
        source=source,
    )


def _open(target: str, *, uri: bool, busy_timeout: float) -> sqlite3.Connection:
    """A connection in autocommit mode (the stores begin their transactions), any thread."""
    return sqlite3.connect(
        target, uri=uri, timeout=busy_timeout, isolation_level=None, check_same_thread=False
    )


def connect(
    path: str,
    schema: SqliteSchema,
    *,
    readonly: bool,
    busy_timeout: float,
    cache_mib: int | None = None,
) -> tuple[sqlite3.Connection, int]:
    """Open the store of ``schema`` at ``path``: the connection and its schema version.

    Writing (``readonly`` false), the file is created when missing, checked,
    switched to WAL and migrated; ``cache_mib`` sets SQLite's page cache.
    Reading, nothing is created, migrated or written.

    Raises
    ------
    DataError
        The file is another application's database, a damaged store, newer
        than this qualitapa, locked beyond ``busy_timeout``, read-only (when
        writing), or missing or empty (when reading).

    Examples
    --------
    >>> schema = SqliteSchema(0x51505858, "test store", ("a",), {1: "CREATE TABLE a (x);"},
    ...                       scripts=("CREATE TABLE a (x);",))
    >>> db, version = connect(":memory:", schema, readonly=False, busy_timeout=1)
    >>> version, schema.inspect(db, ":memory:")
    (1, 1)
    >>> db.close()
    """
    if readonly:
        return _connect_readonly(path, schema, busy_timeout)
    deadline = time.monotonic() + busy_timeout
    try:
        db = _open(path, uri=False, busy_timeout=busy_timeout)
    except sqlite3.Error as exc:
        raise translate(exc, schema, path) from exc
    try:
        with closing_on_error(db):
            return _prepare(db, schema, path, deadline, busy_timeout, cache_mib)
    except (sqlite3.Error, UnicodeDecodeError) as exc:
        raise translate(exc, schema, path, waited=busy_timeout) from exc


def _retrying(
    step: Callable[[], Any], schema: SqliteSchema, path: str, deadline: float, timeout: float
) -> Any:
    """:func:`retry` with the store's clear error."""
    return retry(step, deadline, lambda exc: translate(exc, schema, path, waited=timeout))


def _prepare(
    db: sqlite3.Connection,
    schema: SqliteSchema,
    path: str,
    deadline: float,
    busy_timeout: float,
    cache_mib: int | None,
) -> tuple[sqlite3.Connection, int]:
    """Check, switch to WAL and migrate a store opened for writing."""
    db.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
    version = _retrying(lambda: schema.inspect(db, path), schema, path, deadline, busy_timeout)
    schema.check_not_newer(version, path)
    if path != ":memory:":
        mode = _retrying(
            lambda: db.execute("PRAGMA journal_mode = WAL").fetchone()[0],
            schema, path, deadline, busy_timeout,
        )  # fmt: skip
        if str(mode).lower() != "wal":  # pragma: no cover - e.g. network file systems
            raise DataError(
                Message(
                    "cannot use WAL mode (got {mode})",
                    N_("impossibile usare la modalità WAL (ottenuto {mode})"),
                    mode=repr(mode),
                ),
                source=path,
            )
    db.execute("PRAGMA synchronous = FULL")
    db.execute("PRAGMA foreign_keys = ON")
    if cache_mib is not None:
        db.execute(f"PRAGMA cache_size = {-1024 * cache_mib}")
    if version < schema.version:
        version = _retrying(lambda: _migrate(db, schema, path), schema, path, deadline,
                            busy_timeout)  # fmt: skip
    return db, version


def _migrate(db: sqlite3.Connection, schema: SqliteSchema, path: str) -> int:
    with transaction(db):
        schema.migrate(db, path)  # looks again under the lock: another process may have done it
    return schema.version


def _connect_readonly(
    path: str, schema: SqliteSchema, busy_timeout: float
) -> tuple[sqlite3.Connection, int]:
    """Open a store for reading: it must exist and hold a schema this code reads."""
    called = _said(schema.called)
    if path == ":memory:" or path.startswith("file:"):
        raise DataError(
            Message(
                "a {called} opened read-only needs the path of its file",
                N_("un {called} aperto in sola lettura richiede il percorso del suo file"),
                called=called,
            ),
            source=path,
        )
    if not Path(path).is_file():
        raise DataError(
            Message(
                "no {called} at this path (reading never creates one)",
                N_("nessun {called} in questo percorso (la lettura non ne crea mai uno)"),
                called=called,
            ),
            source=path,
        )
    db, version = _open_readonly(path, schema, busy_timeout)
    with closing_on_error(db):
        if version == 0:
            create = (
                Message(
                    ", or create one with '{command}'",
                    N_(", o crearne uno con '{command}'"),
                    command=schema.init_command,
                )
                if schema.init_command
                else ""
            )
            raise DataError(
                Message(
                    "not a qualitapa {name} (an empty database): give the {called}'s file{create}",
                    N_(
                        "non è un {name} di qualitapa (è un database vuoto): indicare il file "
                        "del {called}{create}"
                    ),
                    name=_said(schema.name),
                    called=called,
                    create=create,
                ),
                source=path,
            )
        schema.check_not_newer(version, path)
        db.execute("PRAGMA query_only = ON")
    return db, version


def _open_readonly(
    path: str, schema: SqliteSchema, busy_timeout: float
) -> tuple[sqlite3.Connection, int]:
    """A read-only connection and the schema version; ``immutable`` in a read-only folder."""
    uri = Path(path).absolute().as_uri() + "?mode=ro"
    deadline = time.monotonic() + busy_timeout

    def open_(extra: str = "") -> tuple[sqlite3.Connection, int]:
        db = _open(uri + extra, uri=True, busy_timeout=busy_timeout)
        with closing_on_error(db):
            db.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            version = schema.inspect(db, path)
        return db, version

    try:
        opened: tuple[sqlite3.Connection, int] = _retrying(
            open_, schema, path, deadline, busy_timeout
        )
    except DataError as exc:
        cause = exc.__cause__
        if not isinstance(cause, sqlite3.Error) or error_code(cause) not in (
            _READONLY,
            _CANTOPEN,
        ):
            raise
        # a read-only folder: SQLite cannot create the -shm file a WAL reader needs;
        # without pending -wal changes the file alone is the whole store
        wal = Path(path + "-wal")
        if wal.exists() and wal.stat().st_size > 0:
            raise DataError(
                Message(
                    "cannot read the {called}: its folder is read-only and it has changes "
                    "in {wal} not yet in the file; open it once where the folder is writable",
                    N_(
                        "impossibile leggere il {called}: la sua cartella è di sola lettura e "
                        "ha modifiche in {wal} non ancora nel file; aprirlo una volta dove la "
                        "cartella è scrivibile"
                    ),
                    called=_said(schema.called),
                    wal=wal.name,
                ),
                source=path,
            ) from exc
        try:
            return open_("&immutable=1")
        except (sqlite3.Error, UnicodeDecodeError) as again:
            raise translate(again, schema, path) from again
    except (sqlite3.Error, UnicodeDecodeError) as exc:
        raise translate(exc, schema, path) from exc
    return opened


class SqliteStore:
    """What every store object does with its connection: open, write, close, ``with``, repr.

    A store class names its :attr:`store_schema`; an instance has ``path``,
    ``readonly``, ``busy_timeout``, the connection ``_db`` and the schema
    version of its file ``_version``.
    """

    #: The schema of the store's files (its names are what messages say).
    store_schema: ClassVar[SqliteSchema]
    path: str
    readonly: bool
    busy_timeout: float
    _db: sqlite3.Connection
    _version: int

    def __init__(
        self, path: str | os.PathLike[str], *, readonly: bool = False, busy_timeout: float = 30.0
    ) -> None:
        self.path = str(path)
        self.readonly = readonly
        self.busy_timeout = busy_timeout
        self._db, self._version = self._connect()

    def _connect(self) -> tuple[sqlite3.Connection, int]:
        """Open the file (:func:`connect`): the connection and its schema version."""
        return connect(
            self.path, self.store_schema, readonly=self.readonly, busy_timeout=self.busy_timeout
        )

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (:func:`transaction`); refused when opened read-only."""
        if self.readonly:
            raise DataError(
                Message(
                    "the {called} was opened read-only: open it without readonly to change it",
                    N_(
                        "il {called} è stato aperto in sola lettura: aprirlo senza readonly "
                        "per modificarlo"
                    ),
                    called=_said(self.store_schema.called),
                ),
                source=self.path,
            )
        with transaction(self._db) as db:
            yield db

    def _translate(self, exc: sqlite3.Error | UnicodeDecodeError) -> DataError:
        """A clear error for a SQLite error on this store."""
        return translate(exc, self.store_schema, self.path, waited=self.busy_timeout)

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


def sqlite_errors(method: F) -> F:
    """Decorate a :class:`SqliteStore` method: SQLite errors become DataError naming the file."""

    @functools.wraps(method)
    def wrapper(self: SqliteStore, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except (sqlite3.Error, UnicodeDecodeError) as exc:
            raise self._translate(exc) from exc

    return wrapper  # type: ignore[return-value]
