"""The stores' errors (qualitapa._sqlite) are said in Italian, and stay English in str()."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest

from qualitapa._sqlite import SqliteSchema, translate
from qualitapa.complaints._schema import SCHEMA as REGISTER
from qualitapa.errors import DataError, Message
from qualitapa.i18n import translator
from qualitapa.programme._schema import SCHEMA as PROGRAMME

SCHEMAS = pytest.mark.parametrize("schema", [REGISTER, PROGRAMME], ids=lambda s: s.name)
ENGLISH = ("register", "store", "locked", "damaged", "newer", "holding", "missing", "backup")


def _italian(err: DataError) -> str:
    text = err.render(translator("it"))
    assert not [w for w in ENGLISH if w in text], text
    return text


@SCHEMAS
@pytest.mark.parametrize(
    ("exc", "italian"),
    [
        (sqlite3.OperationalError("database is locked"), "bloccato da un altro processo"),
        (sqlite3.OperationalError("attempt to write a readonly database"), "sola lettura"),
        (sqlite3.DatabaseError("file is not a database"), "danneggiato o non è un"),
    ],
)
def test_sqlite_errors_are_said_in_italian(
    schema: SqliteSchema, exc: sqlite3.Error, italian: str
) -> None:
    err = translate(exc, schema, "x.db", waited=30)
    assert schema.called in str(err) or schema.name in str(err)  # str() stays English
    assert italian in _italian(err)


@SCHEMAS
def test_a_foreign_newer_or_damaged_file_is_said_in_italian(schema: SqliteSchema) -> None:
    with closing(sqlite3.connect(":memory:")) as db:
        db.execute("PRAGMA application_id = 1234")
        for n in range(7):
            db.execute(f"CREATE TABLE t{n} (x)")
        with pytest.raises(DataError) as foreign:
            schema.inspect(db, "other.db")
    # 7 tables, 5 named: "t0, t1, t2, t3, t4 e altri 2"
    assert "0x4d2, contiene t0, t1, t2, t3, t4 e altri 2" in _italian(foreign.value)
    assert "holding t0, t1, t2, t3, t4 and 2 more" in str(foreign.value)
    with pytest.raises(DataError) as newer:
        schema.check_not_newer(99, "x.db")
    assert "versione dello schema 99" in _italian(newer.value)


def test_a_message_not_yet_in_the_english_catalog_is_said_in_english() -> None:
    message = Message("a text", "un testo nuovo che nessun catalogo traduce")
    assert message.render(translator("en")) == "a text"
    assert message.render(translator("it")) == "un testo nuovo che nessun catalogo traduce"
