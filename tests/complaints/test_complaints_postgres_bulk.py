"""Bulk writes to the register on PostgreSQL (issue 22, schema versions 3 and 4).

The history check planned for the statement at hand (a bulk statement is
counted with hash joins, a clerk's change keeps its index plan) refuses, in
a statement of thousands of events, exactly what it refuses in a statement
of one; the ``COPY`` input (text format) built by pyarrow and the one built
in Python store the same values; a ``COPY`` the server refuses
writes nothing.
"""

from __future__ import annotations

import datetime as dt
import os

import pandas as pd
import pytest

from qualitapa.complaints import Complaint, ComplaintRegister
from qualitapa.complaints import _postgres as pg
from qualitapa.complaints._postgres import _BULK_EVENTS
from qualitapa.errors import DataError

T = dt.datetime(2024, 3, 1, 8, 30, tzinfo=dt.UTC)
#: More complaints than the statement size from which the check is planned anew.
MANY = _BULK_EVENTS + 200
_COLS = "complaint_id, n, at_us, actor, action, from_status, to_status"
#: A good second event of every complaint b/0 ... b/MANY-1 (received -> registered).
_GOOD = (
    "SELECT id, 2, received_us, 'urp', 'register', 'received', 'registered' FROM complaints "
    "WHERE id LIKE 'b/%'"
)
#: One bad event each, as a row of a SELECT (ordered before or after the good ones by seq).
_BAD = {
    "unknown complaint": "SELECT 'nope/1', 1, 0, 'x', 'receive', NULL, 'received'",
    "gap in the history": "SELECT 'b/1', 4, 0, 'x', 'assign', 'registered', 'assigned'",
    "from is not the last state": (
        "SELECT 'solo/1', 2, 0, 'x', 'register', 'registered', 'registered'"
    ),
    "change the lifecycle refuses": (
        "SELECT 'solo/1', 2, 0, 'x', 'answer', 'received', 'answered'"
    ),
    "an allowed change, from a state the complaint is not in": (
        "SELECT 'solo/1', 2, 0, 'x', 'assign', 'registered', 'assigned'"
    ),
    "a later event without a from": "SELECT 'solo/1', 2, 0, 'x', 'register', NULL, 'registered'",
    "first event not a receipt": (
        "SELECT 'bare/1', 1, 0, 'x', 'register', 'received', 'registered'"
    ),
    "first event with a from": "SELECT 'bare/1', 1, 0, 'x', 'receive', 'received', 'received'",
}


def _register(url: str) -> None:
    """MANY complaints b/... with their receipt (one bulk statement each), 'solo/1', and
    'bare/1' without events."""
    import psycopg

    with ComplaintRegister(url) as reg:
        reg.add(Complaint("solo/1", "complaint", "web", "registry", T))
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO complaints (id, kind, channel, service, received_us) "
            "SELECT 'b/' || i, 'complaint', 'web', 'registry', 0 "
            f"FROM generate_series(0, {MANY - 1}) i"
        )
        conn.execute(
            f"INSERT INTO events ({_COLS}) SELECT 'b/' || i, 1, 0, 'urp', 'receive', NULL, "
            f"'received' FROM generate_series(0, {MANY - 1}) i"
        )
        conn.execute(
            "INSERT INTO complaints (id, kind, channel, service, received_us) "
            "VALUES ('bare/1', 'complaint', 'web', 'registry', 0)"
        )


@pytest.mark.parametrize("bulk", [False, True], ids=["alone", "among-thousands"])
@pytest.mark.parametrize("case", list(_BAD))
def test_the_check_refuses_the_same_event_alone_or_in_a_bulk_statement(
    pg_url: str, case: str, bulk: bool
) -> None:
    import psycopg

    _register(pg_url)
    sql = f"INSERT INTO events ({_COLS}) {_BAD[case]}"
    if bulk:
        sql = f"INSERT INTO events ({_COLS}) {_GOOD} UNION ALL {_BAD[case]}"
    with psycopg.connect(pg_url, autocommit=True) as conn:
        with pytest.raises(psycopg.Error) as info:
            conn.execute(sql)
        assert info.value.sqlstate == "23514", info.value
        assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == MANY + 1


def test_an_event_before_its_predecessor_in_one_bulk_statement_is_refused(pg_url: str) -> None:
    """The third event of b/0 inserted before its second one (a later seq) is out of order."""
    import psycopg

    _register(pg_url)
    third = "SELECT 'b/0', 3, 0, 'x', 'assign', 'registered', 'assigned'"
    with psycopg.connect(pg_url, autocommit=True) as conn:
        with pytest.raises(psycopg.Error) as info:
            conn.execute(f"INSERT INTO events ({_COLS}) {third} UNION ALL {_GOOD}")
        assert info.value.sqlstate == "23514"
        # the same rows in their order are accepted
        conn.execute(f"INSERT INTO events ({_COLS}) {_GOOD}")
        conn.execute(
            f"INSERT INTO events ({_COLS}) SELECT complaint_id, 3, 0, 'x', 'assign', "
            "'registered', 'assigned' FROM events WHERE n = 2"
        )
        assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == 3 * MANY + 1
    with ComplaintRegister(pg_url, readonly=True) as reg:
        assert [e.to_status.value for e in reg.history("b/7")] == [
            "received",
            "registered",
            "assigned",
        ]


_TEXTS = ["", "\\N", "a\tb", 'virgolette "doppie", e virgole', "riga 1\nriga 2\r\n",
          "prima\n\\.\ndopo", "\\.", "C:\\temp\\", "perché €", " spazi ", "NULL"]  # fmt: skip


def _frame() -> pd.DataFrame:
    n = 3 * len(_TEXTS) * 4
    texts = (_TEXTS * (n // len(_TEXTS) + 1))[:n]
    status = ["answered", "forwarded", "received"] * (n // 3)
    forwarded = [s == "forwarded" for s in status]
    located = [i % 5 > 0 for i in range(n)]
    return pd.DataFrame(
        {
            "id": [f"t/{i}" for i in range(n)],
            "kind": "complaint",
            "channel": "web",
            "service": "registry",
            "received_at": "2024-01-08T09:00+01:00",
            "status": status,
            "answered_at": ["2024-01-10T09:00+01:00" if s == "answered" else None for s in status],
            "outcome_note": [t if f else None for t, f in zip(texts, forwarded, strict=True)],
            "outcome_target": [
                (t[::-1] or None) if f else None for t, f in zip(texts, forwarded, strict=True)
            ],
            "description": texts,
            "address": [t or None for t in texts],
            "latitude": [str(45 + i / 7) if k else None for i, k in enumerate(located)],
            "longitude": [str(-(i / 3)) if k else None for i, k in enumerate(located)],
        }
    )


def test_copy_input_built_by_pyarrow_or_python_stores_the_same_register(
    postgres_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With pyarrow and without it: the same complaints and events."""
    pytest.importorskip("pyarrow")
    import psycopg

    from .conftest import with_schema

    got = {}
    for name, arrow in (("arrow", True), ("python", False)):
        schema = f"copy_{name}_{os.getpid()}"  # runs sharing one server do not clash
        with psycopg.connect(postgres_server, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
            conn.execute(f"CREATE SCHEMA {schema}")
        monkeypatch.setattr(pg, "_has_pyarrow", lambda arrow=arrow: arrow)
        with ComplaintRegister(with_schema(postgres_server, schema)) as reg:
            report = reg.import_frame(_frame())
            assert report.rejected == 0, report.problems
            assert report.events > pg._COPY_ROWS
            got[name] = (reg.complaints_frame(), reg.events_frame().drop(columns="seq"))
            assert reg.check() == []
        with psycopg.connect(postgres_server, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")
    for arrow, python in zip(got["arrow"], got["python"], strict=True):
        pd.testing.assert_frame_equal(arrow, python)
    descriptions = got["arrow"][0].set_index("id")["description"]
    assert descriptions.loc["t/5"] == "prima\n\\.\ndopo"
    assert descriptions.loc["t/0"] == ""


def test_a_copy_the_server_refuses_is_a_clear_error_and_writes_nothing(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A clash found only by the server mid-``COPY`` (the driver's thread sending) rolls back."""
    frame = pd.DataFrame(
        {
            "id": [f"c/{i}" for i in range(3 * pg._COPY_ROWS)],
            "kind": "complaint",
            "channel": "web",
            "service": "registry",
            "received_at": "2024-01-08T09:00+01:00",
        }
    )
    with ComplaintRegister(pg_url) as reg:
        assert reg.import_frame(frame.iloc[::2]).imported == 3 * pg._COPY_ROWS // 2
        # as if another clerk had imported them between the check and the write
        monkeypatch.setattr(pg.PostgresRegister, "_existing", staticmethod(lambda db, ids: []))
        with pytest.raises(DataError, match="already in the register"):
            reg.import_frame(frame)
        assert len(reg) == 3 * pg._COPY_ROWS // 2
        assert len(reg.events_frame()) == 3 * pg._COPY_ROWS // 2
        assert reg.check() == []
