"""Opening the register's SQLite file, and SQLite's errors as clear ones.

* Writing: the file is created when missing; a database that is not a
  complaint register is refused before anything is written to it; the WAL
  switch and the migrations wait for other processes (two processes creating
  the same new register at once both succeed).
* Reading (``readonly``): nothing is created, migrated or written. A
  register in a read-only folder is opened ``immutable`` when it has no
  pending ``-wal`` changes (SQLite cannot create its ``-shm`` file there).
* Every SQLite error becomes a :class:`~qualitapa.errors.DataError` naming
  the file: locked by another process (after waiting ``busy_timeout``
  seconds), read-only, damaged, not a database.
"""

from __future__ import annotations

import functools
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from qualitapa._sqlite import closing_on_error as _closing_on_error
from qualitapa._sqlite import error_code as _code
from qualitapa._sqlite import is_busy as _is_busy
from qualitapa._sqlite import retry
from qualitapa.complaints._schema import SCHEMA, SCHEMA_VERSION
from qualitapa.errors import DataError

F = TypeVar("F", bound=Callable[..., Any])

_READONLY = 8
_CANTOPEN = 14
_DAMAGED = (11, 26)  # SQLITE_CORRUPT, SQLITE_NOTADB


def translate(
    exc: sqlite3.Error | UnicodeDecodeError, source: str, *, waited: float | None = None
) -> DataError:
    """A clear error for a SQLite error on the register ``source``."""
    if isinstance(exc, UnicodeDecodeError):  # a TEXT value that is not UTF-8
        return DataError(
            f"the file is damaged: it holds text that is not UTF-8 ({exc.reason} at byte "
            f"{exc.start}); restore it from a backup",
            source=source,
        )
    code = _code(exc)
    if _is_busy(exc):
        wait = f" (waited {waited:g} s)" if waited else ""
        return DataError(
            f"the register is locked by another process{wait}: try again when it has "
            "finished, or find the program holding it",
            source=source,
        )
    if code == _READONLY or "readonly" in str(exc):
        return DataError(
            "cannot write to the register: the file or its folder is read-only "
            "(reading commands still work)",
            source=source,
        )
    if code in _DAMAGED or "malformed" in str(exc) or "not a database" in str(exc):
        return DataError(
            f"the file is damaged or not a complaint register ({exc}); restore it from a backup",
            source=source,
        )
    if code == _CANTOPEN:
        return DataError(f"cannot open the register ({exc})", source=source)
    return DataError(f"cannot use the register: {exc}", source=source)


def sqlite_errors(method: F) -> F:
    """Decorate a ComplaintRegister method: SQLite errors become DataError naming the file."""

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except (sqlite3.Error, UnicodeDecodeError) as exc:
            raise translate(exc, self.path, waited=self.busy_timeout) from exc

    return wrapper  # type: ignore[return-value]


def _retry(step: Callable[[], Any], deadline: float, source: str, timeout: float) -> Any:
    """Run ``step``; while another process holds the lock, try again until ``deadline``."""
    return retry(step, deadline, lambda exc: translate(exc, source, waited=timeout))


def connect(path: str, *, readonly: bool, busy_timeout: float) -> tuple[sqlite3.Connection, int]:
    """Open the register at ``path``: the connection and its schema version."""
    if readonly:
        return _connect_readonly(path, busy_timeout)
    deadline = time.monotonic() + busy_timeout
    try:
        db = sqlite3.connect(
            path, timeout=busy_timeout, isolation_level=None, check_same_thread=False
        )
    except sqlite3.Error as exc:
        raise translate(exc, path) from exc
    try:
        with _closing_on_error(db):
            return _prepare(db, path, deadline, busy_timeout)
    except (sqlite3.Error, UnicodeDecodeError) as exc:
        raise translate(exc, path, waited=busy_timeout) from exc


def _prepare(
    db: sqlite3.Connection, path: str, deadline: float, busy_timeout: float
) -> tuple[sqlite3.Connection, int]:
    """Check, switch to WAL and migrate a register opened for writing."""
    db.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
    version = _retry(lambda: SCHEMA.inspect(db, path), deadline, path, busy_timeout)
    SCHEMA.check_not_newer(version, path)
    if path != ":memory:":
        mode = _retry(
            lambda: db.execute("PRAGMA journal_mode = WAL").fetchone()[0],
            deadline, path, busy_timeout,
        )  # fmt: skip
        if str(mode).lower() != "wal":  # pragma: no cover - e.g. network file systems
            raise DataError(f"cannot use WAL mode (got {mode!r})", source=path)
    db.execute("PRAGMA synchronous = FULL")
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA cache_size = -65536")  # 64 MiB: big imports spill less
    if version < SCHEMA_VERSION:
        version = _retry(lambda: _migrate(db, path), deadline, path, busy_timeout)
    return db, version


def _migrate(db: sqlite3.Connection, path: str) -> int:
    db.execute("BEGIN IMMEDIATE")
    try:
        SCHEMA.migrate(db, path)  # looks again under the lock: another process may have done it
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
    return SCHEMA_VERSION


def _connect_readonly(path: str, busy_timeout: float) -> tuple[sqlite3.Connection, int]:
    if path == ":memory:" or path.startswith("file:"):
        raise DataError("a register opened read-only needs the path of its file", source=path)
    file = Path(path)
    if not file.is_file():
        raise DataError("no register at this path (reading never creates one)", source=path)
    uri = file.absolute().as_uri() + "?mode=ro"
    deadline = time.monotonic() + busy_timeout

    def open_(extra: str = "") -> tuple[sqlite3.Connection, int]:
        db = sqlite3.connect(
            uri + extra,
            uri=True,
            timeout=busy_timeout,
            isolation_level=None,
            check_same_thread=False,
        )
        with _closing_on_error(db):
            db.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            version = SCHEMA.inspect(db, path)
        return db, version

    try:
        db, version = _retry(open_, deadline, path, busy_timeout)
    except DataError as exc:
        cause = exc.__cause__
        if not isinstance(cause, sqlite3.Error) or _code(cause) not in (_READONLY, _CANTOPEN):
            raise
        # a read-only folder: SQLite cannot create the -shm file a WAL reader needs;
        # without pending -wal changes the file alone is the whole register
        wal = Path(path + "-wal")
        if wal.exists() and wal.stat().st_size > 0:
            raise DataError(
                "cannot read the register: its folder is read-only and it has changes in "
                f"{wal.name} not yet in the file; open it once where the folder is writable",
                source=path,
            ) from exc
        try:
            db, version = open_("&immutable=1")
        except (sqlite3.Error, UnicodeDecodeError) as again:
            raise translate(again, path) from again
    except (sqlite3.Error, UnicodeDecodeError) as exc:
        raise translate(exc, path) from exc
    with _closing_on_error(db):
        if version == 0:
            raise DataError(
                "not a qualitapa complaint register (an empty database): give the register's "
                "file, or create one with 'qualitapa complaints init'",
                source=path,
            )
        SCHEMA.check_not_newer(version, path)
        if version < 2:
            raise DataError(
                f"the register has schema version {version}, too old to read without "
                "upgrading it: run 'qualitapa complaints upgrade' once",
                source=path,
            )
        db.execute("PRAGMA query_only = ON")
    return db, version
