"""The schema machinery the SQLite stores share (qualitapa._sqlite.SqliteSchema)."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest

from qualitapa._sqlite import SqliteSchema
from qualitapa.complaints._schema import SCHEMA as REGISTER
from qualitapa.errors import DataError
from qualitapa.programme._schema import SCHEMA as PROGRAMME

SCHEMAS = pytest.mark.parametrize("schema", [REGISTER, PROGRAMME], ids=lambda s: s.name)


@SCHEMAS
def test_another_applications_file_is_named_with_its_tables(schema: SqliteSchema) -> None:
    with closing(sqlite3.connect(":memory:")) as db:
        db.execute("PRAGMA application_id = 1234")
        db.execute("CREATE TABLE invoices (id INTEGER)")
        with pytest.raises(
            DataError, match=rf"not a qualitapa {schema.name} .*0x4d2, holding invoices"
        ):
            schema.inspect(db, "other.db")


@SCHEMAS
def test_a_version_that_is_not_a_number_is_a_damaged_store(schema: SqliteSchema) -> None:
    with closing(sqlite3.connect(":memory:")) as db:  # schema_version rewritten by another program
        db.execute(f"PRAGMA application_id = {schema.application_id}")
        for table in schema.tables:
            db.execute(f"CREATE TABLE {table} (x)")
        db.execute("CREATE TABLE schema_version (version TEXT)")
        db.execute("INSERT INTO schema_version VALUES ('uno')")
        with pytest.raises(DataError, match=rf"a damaged {schema.name}: schema version 'uno'"):
            schema.inspect(db, "x.db")


@SCHEMAS
def test_a_new_file_is_migrated_and_its_triggers_match(schema: SqliteSchema) -> None:
    with closing(sqlite3.connect(":memory:")) as db:
        assert schema.migrate(db, "x.db") == 0
        assert schema.inspect(db, "x.db") == schema.version
        assert schema.check_triggers(db) == []
        db.execute("DROP TRIGGER schema_version_no_delete")
        assert schema.check_triggers(db) == [
            "protection removed: trigger schema_version_no_delete is missing"
        ]
        with pytest.raises(DataError, match=rf"the {schema.name} has schema version 99"):
            schema.check_not_newer(99, "x.db")


def test_only_the_register_accepts_files_without_its_application_id() -> None:
    with closing(sqlite3.connect(":memory:")) as db:
        db.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT)")
        with pytest.raises(DataError, match="a damaged complaint register: table"):
            REGISTER.inspect(db, "old.db")
        with pytest.raises(
            DataError, match=r"not a qualitapa programme store \(it holds schema_version"
        ):
            PROGRAMME.inspect(db, "old.db")
