"""Pieces every SQLite store of qualitapa shares (the complaint register, the programme).

Only what does not depend on a store's tables or wording: splitting a
migration script into statements, the error code and "busy" test of a
SQLite error, retrying a step while another process holds the lock, and
closing a connection when its preparation fails.

Examples
--------
>>> split_sql("CREATE TABLE a (x);\\nCREATE TRIGGER t BEFORE DELETE ON a\\n"
...           "BEGIN SELECT RAISE(ABORT, 'no'); END;")[1].splitlines()[0]
'CREATE TRIGGER t BEFORE DELETE ON a'
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from qualitapa.errors import QualitapaError

__all__ = ["closing_on_error", "error_code", "is_busy", "retry", "split_sql"]

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
