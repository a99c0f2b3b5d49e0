"""The complaint register on a real PostgreSQL server (see conftest.py for the server).

The same operations give the same register on both back ends; the server
itself refuses a rewritten history; two clerks on one complaint are served
one after the other; what PostgreSQL does not support raises BackendError.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualitapa.complaints import Complaint, ComplaintRegister, Contact
from qualitapa.complaints._postgres import (
    PG_SCHEMA_VERSION,
    BackendError,
    PostgresRegister,
    shown_url,
)
from qualitapa.errors import DataError, TransitionError

T = dt.datetime(2024, 3, 1, 8, 30, tzinfo=dt.UTC)


def _fill(reg: ComplaintRegister) -> None:
    """The same life of a few complaints, on any back end."""
    complaints = pd.DataFrame(
        {
            "id": ["imp/1", "imp/2"],
            "kind": ["complaint", "praise"],
            "channel": ["pec", "web"],
            "service": ["registry", "libraries"],
            "received_at": ["2024-02-01T09:00+01:00", "2024-02-02T10:00+01:00"],
            "status": ["forwarded", "answered"],
            "answered_at": [None, "2024-02-05T12:00+01:00"],
            "outcome_note": ["non di competenza", None],
            "outcome_target": ["INPS", None],
            "contact_email": ["a@example.org", None],
            "latitude": ["45,4642", None],
            "longitude": ["9,19", None],
        }
    )
    report = reg.import_frame(complaints)
    assert report.imported == 2, report.problems
    reg.add(
        Complaint("2024/9", "fault_report", "app", "roads", T, address="Via Po 2",
                  media_url="https://example.org/a.jpg", contact=Contact(name="Mario Rossi")),
        actor="urp",
    )  # fmt: skip
    reg.add({"kind": "complaint", "channel": "email", "service": "registry",
             "received_at": T, "organization": "015146"})  # fmt: skip
    for to, extra in (("registered", {}), ("assigned", {"target": "ufficio"}),
                      ("answered", {})):  # fmt: skip
        reg.transition("2024/9", to, actor="urp", at=T + dt.timedelta(days=1), **extra)
    reg.erase_contact("2024/9")


def test_the_same_operations_give_the_same_register(tmp_path: Path, pg_url: str) -> None:
    frames = []
    for where in (tmp_path / "r.db", pg_url):
        with ComplaintRegister(where) as reg:
            _fill(reg)
            assert reg.check() == []
            frames.append(
                (
                    reg.to_frame(include_contact=True),
                    reg.events_frame().drop(columns="seq"),
                    reg.cases(as_of="2024-06-30"),
                    [reg.get(cid, include_contact=True) for cid in sorted(reg.to_frame()["id"])],
                    len(reg),
                )
            )
    lite, pg = frames
    pd.testing.assert_frame_equal(lite[0], pg[0])
    pd.testing.assert_frame_equal(lite[1], pg[1])
    pd.testing.assert_frame_equal(lite[2], pg[2])
    assert lite[3] == pg[3]
    assert lite[4] == pg[4] == 4
    assert "015146/2024/000001" in [c.id for c in pg[3]]


def test_the_url_opens_the_postgresql_back_end(pg_url: str) -> None:
    with ComplaintRegister.open(pg_url) as reg:
        assert isinstance(reg, PostgresRegister)
        assert reg.schema_version == PG_SCHEMA_VERSION == 5
    # opened again: nothing to migrate, same version
    with ComplaintRegister(pg_url) as reg:
        assert reg.schema_version == 5


@pytest.mark.parametrize(
    "version", [1, 2, 3, 4], ids=["schema-1", "schema-2", "schema-3", "schema-4"]
)
def test_a_register_of_an_older_schema_is_migrated_and_keeps_its_guarantees(
    pg_url: str, monkeypatch: pytest.MonkeyPatch, version: int
) -> None:
    import psycopg

    from qualitapa.complaints import _postgres

    with monkeypatch.context() as m:  # the register as sessions 34 (1) to 37 (4) wrote it
        m.setattr(
            _postgres,
            "PG_MIGRATIONS",
            {v: _postgres.PG_MIGRATIONS[v] for v in range(1, version + 1)},
        )
        m.setattr(_postgres, "PG_SCHEMA_VERSION", version)
        # before schema 5 a complaint was added statement by statement (no qualitapa_add)
        m.setattr(PostgresRegister, "_write_new", ComplaintRegister._write_new)
        with ComplaintRegister(pg_url) as old:
            assert old.schema_version == version
            old.add(Complaint("2024/1", "complaint", "web", "registry", T))
    with ComplaintRegister(pg_url) as reg:
        assert reg.schema_version == 5
        reg.transition("2024/1", "registered", actor="urp", at=T)
        with pytest.raises(TransitionError, match="'registered' to 'answered'"):
            reg.transition("2024/1", "answered", actor="urp", at=T)
        assert [e.to_status.value for e in reg.history("2024/1")] == ["received", "registered"]
        # a numbered add (qualitapa_add since schema 5) on the migrated register
        new = {"kind": "praise", "channel": "web", "service": "registry", "received_at": T}
        assert reg.add(new, actor="urp", registered=True).complaint_id == "2024/000001"
        assert reg.check() == []
    cols = "complaint_id, n, at_us, actor, action, from_status, to_status"
    # the foreign key is gone; the statement trigger refuses an event of no complaint,
    # alone or in a bulk statement (planned for its size since schema 3)
    for sql in (
        f"INSERT INTO events ({cols}) VALUES ('2024/404', 1, 0, 'x', 'receive', NULL, 'received')",
        f"INSERT INTO events ({cols}) SELECT '2024/' || i, 1, 0, 'x', 'receive', NULL, "
        "'received' FROM generate_series(400, 2400) i",
    ):
        with psycopg.connect(pg_url, autocommit=True) as conn, pytest.raises(psycopg.Error) as info:
            conn.execute(sql)
        assert info.value.sqlstate == "23514"
    # since schema 4 complaint ids compare byte by byte (collation "C"), as in SQLite
    with psycopg.connect(pg_url, autocommit=True) as conn:
        collations = conn.execute(
            "SELECT attrelid::regclass::text, attcollation::regcollation::text "
            "FROM pg_attribute WHERE attname IN ('id', 'complaint_id') "
            "AND attrelid IN ('complaints'::regclass, 'contacts'::regclass, 'events'::regclass)"
        ).fetchall()
    assert sorted(collations) == [
        ("complaints", '"C"'),
        ("contacts", '"C"'),
        ("events", '"C"'),
    ]


def test_the_password_never_shows() -> None:
    assert shown_url("postgresql://urp:s3greta@db:5432/reclami") == (
        "postgresql://urp:***@db:5432/reclami"
    )


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE events SET actor = 'evil'",
        "DELETE FROM events",
        "TRUNCATE events CASCADE",
        "TRUNCATE complaints CASCADE",
        "UPDATE complaints SET description = 'riscritto'",
        "DELETE FROM complaints",
        "INSERT INTO complaints (id, kind, channel, service, received_us) VALUES "
        "('2024/1', 'praise', 'web', 'x', 0) ON CONFLICT (id) DO UPDATE SET kind = 'praise'",
        "INSERT INTO events (complaint_id, n, at_us, actor, action, from_status, to_status) "
        "VALUES ('2024/1', 3, 0, 'x', 'close', 'registered', 'closed')",
        "INSERT INTO events (complaint_id, n, at_us, actor, action, from_status, to_status) "
        "VALUES ('2024/1', 2, 0, 'x', 'close', 'answered', 'closed')",
        "UPDATE schema_version SET version = 9",
        "DELETE FROM protocol_counters",
        "UPDATE protocol_counters SET last = 1",
    ],
)
def test_the_server_refuses_every_rewrite_of_history(pg_url: str, sql: str) -> None:
    import psycopg

    with ComplaintRegister(pg_url) as reg:
        reg.add(Complaint("2024/1", "complaint", "web", "registry", T))
        reg.transition("2024/1", "registered", actor="urp", at=T)
        reg.add({"kind": "complaint", "channel": "web", "service": "x", "received_at": T})
        reg.add({"kind": "complaint", "channel": "web", "service": "x", "received_at": T})
    with psycopg.connect(pg_url, autocommit=True) as conn, pytest.raises(psycopg.Error) as info:
        conn.execute(sql)
    # check_violation (the register's triggers), or unique_violation (an event's place taken)
    assert info.value.sqlstate in ("23514", "23505")
    with ComplaintRegister(pg_url, readonly=True) as reg:
        assert [e.to_status.value for e in reg.history("2024/1")] == ["received", "registered"]
        assert reg.check() == []


def test_check_names_a_disabled_or_dropped_trigger_and_a_gap(pg_url: str) -> None:
    import psycopg

    with ComplaintRegister(pg_url) as reg:
        reg.add(Complaint("2024/1", "complaint", "web", "registry", T))
        reg.transition("2024/1", "registered", actor="urp", at=T)
        reg.transition("2024/1", "assigned", actor="urp", target="x", at=T)
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("ALTER TABLE events DISABLE TRIGGER events_append_only")
        conn.execute("DROP TRIGGER complaints_no_truncate ON complaints")
        conn.execute("DELETE FROM events WHERE complaint_id = '2024/1' AND n = 2")
    with ComplaintRegister(pg_url, readonly=True) as reg:
        problems = reg.check()
    assert "protection removed: the trigger events_append_only (table events) is disabled" in (
        problems
    )
    assert (
        "protection removed: the trigger complaints_no_truncate (table complaints) is missing"
        in (problems)
    )
    assert any("2024/1: its history has 2 events numbered up to 3" in p for p in problems)


def test_what_postgresql_does_not_support_raises_backend_error(pg_url: str) -> None:
    with ComplaintRegister(pg_url) as reg:
        reg.add(Complaint("2024/1", "complaint", "web", "registry", T))
        with pytest.raises(BackendError, match="no hash chain"):
            reg.chain_head()
        with pytest.raises(BackendError, match="no hash chain"):
            reg.check(anchor="00" * 32)


def test_two_clerks_on_one_complaint_never_both_win(pg_url: str) -> None:
    import psycopg

    with ComplaintRegister(pg_url) as reg:
        reg.add(Complaint("2024/1", "complaint", "web", "registry", T))
        reg.transition("2024/1", "registered", actor="urp", at=T)
    outcome: list[object] = []
    with psycopg.connect(pg_url) as first:
        # the first clerk holds the complaint (as transition() does) and rejects it...
        first.execute("SELECT 1 FROM complaints WHERE id = '2024/1' FOR UPDATE")

        def second_clerk() -> None:
            with ComplaintRegister(pg_url) as reg:
                try:
                    outcome.append(reg.transition("2024/1", "assigned", actor="b", target="b"))
                except TransitionError as exc:
                    outcome.append(exc)

        thread = threading.Thread(target=second_clerk)
        thread.start()
        time.sleep(0.5)
        assert outcome == []  # ...the second waits for it
        first.execute(
            "INSERT INTO events (complaint_id, n, at_us, actor, action, from_status, to_status,"
            " note) VALUES ('2024/1', 3, %s, 'a', 'reject', 'registered', 'rejected', 'no')",
            (int(T.timestamp() * 1e6),),
        )
        first.commit()
        thread.join(timeout=30)
    # then sees the rejection: a rejected complaint cannot be assigned
    assert len(outcome) == 1
    assert isinstance(outcome[0], TransitionError)
    with ComplaintRegister(pg_url, readonly=True) as reg:
        assert reg.status("2024/1").value == "rejected"


@contextlib.contextmanager
def _refusing_complaints(path: Path | str, message: str) -> Iterator[None]:
    """While inside, a PostgreSQL register's server refuses to write a complaint."""
    if not isinstance(path, str):
        yield
        return
    import psycopg

    with psycopg.connect(path, autocommit=True) as conn:
        conn.execute(
            "CREATE FUNCTION test_fail() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{message}'; END $$"
        )
        conn.execute(
            "CREATE TRIGGER test_fail BEFORE INSERT ON complaints "
            "FOR EACH ROW EXECUTE FUNCTION test_fail()"
        )
        yield
        conn.execute("DROP TRIGGER test_fail ON complaints")
        conn.execute("DROP FUNCTION test_fail()")


@pytest.mark.parametrize("where", ["sqlite", "postgresql"])
def test_a_failed_add_gives_its_protocol_number_back(
    where: str, tmp_path: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "r.db" if where == "sqlite" else request.getfixturevalue("pg_url")
    new = {"kind": "complaint", "channel": "web", "service": "x", "received_at": T}
    with ComplaintRegister(path) as reg:
        assert reg.add(new).complaint_id == "2024/000001"

        def broken(*args: object, **kwargs: object) -> int:
            raise DataError("disk full")

        # the write fails once the counter has moved: in Python (SQLite), on the server
        # (PostgreSQL: qualitapa_add writes the complaint after moving the counter)
        with monkeypatch.context() as m, _refusing_complaints(path, "disk full"):
            m.setattr(type(reg), "_append", broken)
            with pytest.raises(DataError, match="disk full"):
                reg.add(new)
        assert reg.add(new).complaint_id == "2024/000002"
        assert reg.add({**new, "received_at": "2025-01-01T00:30+01:00"}).complaint_id == (
            "2025/000001"
        )


def test_importing_twice_imports_once(pg_url: str) -> None:
    frame = pd.DataFrame(
        {
            "id": [f"b/{i}" for i in range(300)],
            "kind": "complaint",
            "channel": "web",
            "service": "registry",
            "received_at": "2024-01-08T09:00+01:00",
            "status": "answered",
            "answered_at": "2024-01-09T09:00+01:00",
        }
    )
    with ComplaintRegister(pg_url) as reg:
        first = reg.import_frame(frame)
        again = reg.import_frame(frame)
        # received, registered, assigned, answered: the shortest path to an answer
        assert (first.imported, first.events) == (300, 1200)
        assert (again.imported, again.rejected) == (0, 300)
        assert set(again.problems["problem"]) == {"already in the register"}
        assert len(reg) == 300
        assert len(reg.events_frame()) == 1200
        assert reg.check() == []


#: Texts COPY's text format must escape or keep as they are (NULL is \\N, a tab
#: separates columns, a newline rows, a backslash escapes).
_AWKWARD = ["", "\\N", "a\tb", "riga 1\nriga 2\r\n", "C:\\temp\\", "\\\\N", "perché €",
            "=1+1", "NULL", "\\.", " spazi ", "x" * 5000]  # fmt: skip


@settings(
    max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(extra=st.lists(st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"))))
def test_a_bulk_import_keeps_every_text_as_it_was(pg_url: str, extra: list[str]) -> None:
    """Many rows go through COPY (built by column): every text comes back unchanged."""
    import psycopg

    texts = [*_AWKWARD, *extra] * (64 // len(_AWKWARD) + 1)
    with psycopg.connect(pg_url, autocommit=True) as conn:  # a fresh register each example
        schema = conn.execute("SELECT current_schema()").fetchone()[0]
        conn.execute(f"DROP SCHEMA {schema} CASCADE")
        conn.execute(f"CREATE SCHEMA {schema}")
    frame = pd.DataFrame(
        {
            "id": [f"t/{i}" for i in range(len(texts))],
            "kind": "complaint",
            "channel": "web",
            "service": "registry",
            "received_at": "2024-01-08T09:00+01:00",
            "description": texts,
            "address": [t or None for t in texts],
            "latitude": [str(45 + i / 7) for i in range(len(texts))],
            "longitude": "9.19",
        }
    )
    with ComplaintRegister(pg_url) as reg:
        report = reg.import_frame(frame)
        got = reg.complaints_frame().set_index("id").loc[frame["id"]]
    with (
        tempfile.TemporaryDirectory() as folder,
        ComplaintRegister(Path(folder) / "r.db") as lite,
    ):  # the same import on SQLite: the reference
        assert lite.import_frame(frame).imported == report.imported
        want = lite.complaints_frame().set_index("id").loc[frame["id"]]
    assert report.imported == len(texts) >= 64
    pd.testing.assert_frame_equal(got, want)


def test_a_database_of_another_application_is_left_untouched(pg_url: str) -> None:
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE complaints (x int)")
    with pytest.raises(DataError, match="not a qualitapa complaint register"):
        ComplaintRegister(pg_url)
    with psycopg.connect(pg_url, autocommit=True) as conn:
        assert conn.execute("SELECT to_regclass('schema_version')").fetchone() == (None,)


def test_readonly_creates_nothing_and_writes_nothing(pg_url: str) -> None:
    with pytest.raises(DataError, match="no complaint register here yet"):
        ComplaintRegister(pg_url, readonly=True)
    ComplaintRegister(pg_url).close()
    with ComplaintRegister(pg_url, readonly=True) as reg:
        with pytest.raises(DataError, match="read-only"):
            reg.add(Complaint("2024/1", "complaint", "web", "registry", T))
        assert len(reg) == 0


def test_an_unreachable_server_is_a_clear_error(tmp_path: Path) -> None:
    url = f"postgresql://nobody@/reclami?host={tmp_path}&port=1"
    with pytest.raises(DataError, match="cannot reach the PostgreSQL server") as info:
        ComplaintRegister(url)
    assert info.value.source == url


def test_a_schema_newer_than_this_qualitapa_is_refused(pg_url: str) -> None:
    import psycopg

    ComplaintRegister(pg_url).close()
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("INSERT INTO schema_version VALUES (99, now())")
    with pytest.raises(DataError, match="schema version 99, newer"):
        ComplaintRegister(pg_url)


@pytest.mark.parametrize(("ci", "outcome"), [("true", "fail"), (None, "skip")])
def test_without_a_server_ci_fails_and_a_developer_is_told_why(
    monkeypatch: pytest.MonkeyPatch, ci: str | None, outcome: str
) -> None:
    from .conftest import no_server

    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    expected = pytest.fail.Exception if outcome == "fail" else pytest.skip.Exception
    with pytest.raises(expected) as info:
        no_server(RuntimeError("no PostgreSQL server binaries (initdb, pg_ctl) on this machine"))
    assert "no PostgreSQL server binaries" in str(info.value)
    assert "QUALITAPA_TEST_POSTGRES" in str(info.value)


_STATES = ["registered", "assigned", "in_progress", "suspended", "answered", "closed",
           "reopened", "forwarded", "rejected"]  # fmt: skip


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    ops=st.lists(
        st.tuples(st.integers(0, 3), st.sampled_from(_STATES), st.booleans()),
        min_size=1,
        max_size=25,
    )
)
def test_any_sequence_of_changes_ends_the_same_on_both_back_ends(
    postgres_server: str, tmp_path_factory: pytest.TempPathFactory, ops: list
) -> None:
    """Metamorphic: the same adds and changes (allowed or refused) give the same register."""
    import psycopg

    from .conftest import with_schema

    schema = f"h{abs(hash(tuple(ops))) % 10**12}"
    with psycopg.connect(postgres_server, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        conn.execute(f"CREATE SCHEMA {schema}")
    where = [tmp_path_factory.mktemp("h") / "r.db", with_schema(postgres_server, schema)]
    results = []
    try:
        for path in where:
            outcomes = []
            with ComplaintRegister(path) as reg:
                for k in range(4):
                    org = "015146" if k % 2 else None
                    reg.add({"kind": "complaint", "channel": "web", "service": "registry",
                             "received_at": T, "organization": org})  # fmt: skip
                ids = sorted(reg.to_frame()["id"])
                for i, (k, to, with_note) in enumerate(ops):
                    extra = {"note": "motivo", "target": "ufficio"} if with_note else {}
                    at = T + dt.timedelta(minutes=i + 1)
                    try:
                        reg.transition(ids[k], to, actor="urp", at=at, **extra)
                        outcomes.append("ok")
                    except (TransitionError, DataError) as exc:
                        outcomes.append(type(exc).__name__)
                assert reg.check() == []
                results.append(
                    (outcomes, reg.to_frame(), reg.events_frame().drop(columns="seq"), ids)
                )
    finally:
        with psycopg.connect(postgres_server, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    (lite_out, lite_frame, lite_events, lite_ids), (pg_out, pg_frame, pg_events, pg_ids) = results
    assert lite_out == pg_out
    assert lite_ids == pg_ids == ["015146/2024/000001", "015146/2024/000002",
                                  "2024/000001", "2024/000002"]  # fmt: skip
    pd.testing.assert_frame_equal(lite_frame, pg_frame)
    pd.testing.assert_frame_equal(lite_events, pg_events)
