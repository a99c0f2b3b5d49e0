"""Opening the register's SQLite file.

Opening, waiting for other processes, and saying SQLite's errors clearly
are every store's (:func:`qualitapa._sqlite.connect`,
:func:`qualitapa._sqlite.translate`). The register adds a bigger page cache
for big imports, and does not read a register older than schema 2 without
upgrading it.
"""

from __future__ import annotations

import sqlite3

from qualitapa._sqlite import connect as _connect
from qualitapa.complaints._schema import SCHEMA
from qualitapa.errors import DataError

#: SQLite's page cache of a register opened for writing: big imports spill less.
_CACHE_MIB = 64
#: The oldest schema a register opened read-only can be read in.
_READABLE_FROM = 2


def connect(path: str, *, readonly: bool, busy_timeout: float) -> tuple[sqlite3.Connection, int]:
    """Open the register at ``path``: the connection and its schema version."""
    db, version = _connect(
        path,
        SCHEMA,
        readonly=readonly,
        busy_timeout=busy_timeout,
        cache_mib=None if readonly else _CACHE_MIB,
    )
    if readonly and version < _READABLE_FROM:
        db.close()
        raise DataError(
            f"the register has schema version {version}, too old to read without "
            "upgrading it: run 'qualitapa complaints upgrade' once",
            source=path,
        )
    return db, version
