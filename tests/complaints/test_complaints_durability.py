"""Concurrent writers and a writer killed mid-transaction, with real processes.

Every test runs on both back ends (the ``backend`` fixture: a SQLite file,
then a schema on a real PostgreSQL server, see ``conftest.py``).

The SQLite file is in memory-backed ``/dev/shm`` when the machine has it,
as the PostgreSQL tests commit without waiting for the disk: what these
tests prove (no write lost or doubled by racing processes, nothing left by
a killed one) rests on SQLite's locks and its WAL, the same on tmpfs,
never on ``fsync``, which only matters when the machine loses power. On
this machine's disk, 8 clerks wait 7 times longer for each other's
``fsync`` (1,000 operations each: 33 s against 4.5 s).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import shutil
import signal
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from qualitapa.complaints import ComplaintRegister

#: Memory-backed files, where the machine has them.
_TMPFS = Path("/dev/shm")


@pytest.fixture
def backend(backend: Path | str) -> Iterator[Path | str]:
    """The conftest's back end, the SQLite file in :data:`_TMPFS` when writable."""
    if isinstance(backend, str) or not os.access(_TMPFS, os.W_OK):
        yield backend
        return
    folder = Path(tempfile.mkdtemp(prefix="qualitapa-durability-", dir=_TMPFS))
    try:
        yield folder / "register.db"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


#: Operations of each of the 8 clerks: a few in the quick run, 5,000 in the slow one.
QUICK_OPS, FULL_OPS = 24, 5000


def _writer(path: str, prefix: str, n: int) -> None:
    """A writer (a forked process): ``n`` complaints added and registered, racing for "shared"."""
    import datetime as dt

    from qualitapa.complaints import Complaint
    from qualitapa.errors import TransitionError

    t = dt.datetime(2024, 1, 8, 9, tzinfo=dt.UTC)
    with ComplaintRegister(path) as reg:
        for i in range(n):
            cid = f"{prefix}-{i}"
            reg.add(Complaint(cid, "complaint", "web", "registry", t))
            reg.transition(cid, "registered", actor=prefix, at=t)
            # both writers race to reject then close the shared complaint: each
            # step can happen only once, the loser gets a TransitionError
            for to in ("rejected", "closed"):
                with contextlib.suppress(TransitionError):
                    reg.transition("shared", to, actor=prefix, note="race", at=t)


def _bulk(path: str, n: int, said: Path) -> None:
    """An import (a forked process) killed (SIGKILL, as the OOM killer or an operator
    would) in the middle of its write transaction, at a set point: once the uncommitted
    rows are in the database. What it reached is written to ``said``, a line each."""
    import pandas as pd

    def say(line: str) -> None:
        with said.open("a") as out:
            out.write(line + "\n")

    ids = [f"bulk-{i:07d}" for i in range(n)]
    frame = pd.DataFrame({"id": ids, "kind": "complaint", "channel": "web",
                          "service": "registry", "received_at": "2024-01-08T09:00:00+01:00",
                          "description": "x" * 200})  # fmt: skip

    def die(where: str) -> None:
        say(where)
        os.kill(os.getpid(), signal.SIGKILL)

    with ComplaintRegister(path) as reg:
        if path.startswith("postgresql"):
            # killed once the server stores the events (COPY events): the complaints
            # are written, nothing is committed
            import psycopg

            copy, write = psycopg.Cursor.copy, psycopg.Copy.write
            copying_events = []

            def copy_noting(self: Any, statement: Any, *args: Any, **kwargs: Any) -> Any:
                copying_events.append(str(statement).startswith("COPY events"))
                return copy(self, statement, *args, **kwargs)

            def write_then_die(self: Any, buffer: Any) -> None:
                write(self, buffer)
                if copying_events[-1]:
                    die("killed while the server copies the events")

            psycopg.Cursor.copy, psycopg.Copy.write = copy_noting, write_then_die  # type: ignore[method-assign]
        else:
            # killed once 4 MB of uncommitted pages are in the WAL file: a small page
            # cache spills them there early (a big import spills past the register's
            # 64 MiB cache)
            wal = path + "-wal"
            start = os.path.getsize(wal) if os.path.exists(wal) else 0
            reg._db.execute("PRAGMA cache_size = -1024")

            def spilled() -> int:
                if os.path.exists(wal) and os.path.getsize(wal) > start + 4_000_000:
                    die("killed with 4 MB uncommitted in the WAL")
                return 0

            reg._db.set_progress_handler(spilled, 10_000)
        say("importing")
        reg.import_frame(frame)
    say("done")


def _clerk(path: str, name: str, ops: int, shared: int, out: Path) -> None:
    """One clerk (a forked process): ``ops // 4`` complaints' lives, racing for shared ones."""
    import datetime as dt

    from qualitapa.errors import TransitionError

    t = dt.datetime(2024, 1, 8, 9, tzinfo=dt.UTC)
    mine = []
    with ComplaintRegister(path) as reg:
        # each complaint's life is 4 operations: register (a new protocol number),
        # assign, answer... between them every clerk races for the shared complaints
        for i in range(ops // 4):
            new = {"kind": "complaint", "channel": "web", "service": "registry",
                   "received_at": t, "organization": "015146"}  # fmt: skip
            cid = reg.add(new, actor=name).complaint_id
            mine.append(cid)
            reg.transition(cid, "registered", actor=name, at=t)
            reg.transition(cid, "assigned", actor=name, target=name, at=t)
            reg.transition(cid, "answered", actor=name, at=t)
            for to in ("registered", "rejected"):
                with contextlib.suppress(TransitionError):
                    reg.transition(f"shared-{i % shared}", to, actor=name, note="race", at=t)
    out.write_text(" ".join(mine))


def _clerks(path: str, ops: int, shared: int, clerks: int = 8) -> list[list[str]]:
    """Run ``clerks`` processes of ``ops`` operations each at once; the ids each added.

    The processes are forked from this one (qualitapa already imported: the
    quick run does not pay 8 interpreter starts).
    """
    ctx = multiprocessing.get_context("fork")
    folder = Path(tempfile.mkdtemp())
    procs = [
        ctx.Process(target=_clerk, args=(path, f"clerk{k}", ops, shared, folder / f"{k}.txt"))
        for k in range(clerks)
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=1800)
        assert p.exitcode == 0
    return [(folder / f"{k}.txt").read_text().split() for k in range(clerks)]


def _eight_clerks_lose_and_duplicate_nothing(path: str, ops: int) -> None:
    import datetime as dt

    from qualitapa.complaints import Complaint

    t = dt.datetime(2024, 1, 8, 9, tzinfo=dt.UTC)
    shared = 5
    with ComplaintRegister(path) as reg:
        for i in range(shared):
            reg.add(Complaint(f"shared-{i}", "complaint", "web", "registry", t))
    added = _clerks(path, ops, shared)
    per_clerk = ops // 4
    with ComplaintRegister(path, readonly=True) as reg:
        frame = reg.to_frame()
        events = reg.events_frame()
        ids = [cid for mine in added for cid in mine]
        # every add is there once; the protocol numbers are 1..N without gaps
        assert len(ids) == len(set(ids)) == 8 * per_clerk
        assert sorted(ids) == [f"015146/2024/{k:06d}" for k in range(1, 8 * per_clerk + 1)]
        assert len(frame) == 8 * per_clerk + shared
        mine = frame[~frame["id"].str.startswith("shared")]
        assert (mine["status"] == "answered").all()
        # 4 events per complaint, nothing lost or duplicated, each by its own clerk
        counted = events[events["complaint_id"].isin(ids)].groupby("complaint_id").size()
        assert (counted == 4).all()
        assert len(counted) == len(ids)
        # each shared complaint was registered then rejected exactly once
        for i in range(shared):
            assert [e.to_status.value for e in reg.history(f"shared-{i}")] == [
                "received", "registered", "rejected"
            ]  # fmt: skip
        assert reg.check() == []


def test_eight_clerks_at_once_lose_and_duplicate_nothing(backend: Path | str) -> None:
    _eight_clerks_lose_and_duplicate_nothing(str(backend), QUICK_OPS)


@pytest.mark.slow
def test_eight_clerks_times_5000_operations(backend: Path | str) -> None:
    _eight_clerks_lose_and_duplicate_nothing(str(backend), FULL_OPS)


@pytest.mark.slow
def test_two_processes_writing_at_once_lose_nothing(backend: Path | str) -> None:
    import datetime as dt

    from qualitapa.complaints import Complaint

    path = backend
    with ComplaintRegister(path) as reg:
        t = dt.datetime(2024, 1, 8, 9, tzinfo=dt.UTC)
        reg.add(Complaint("shared", "complaint", "web", "registry", t))
    n = 120
    # forked from this process (qualitapa already imported): two interpreter starts spared
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_writer, args=(str(path), name, n)) for name in ("a", "b")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
        assert p.exitcode == 0
    with ComplaintRegister(path) as reg:
        frame = reg.to_frame()
        assert len(frame) == 2 * n + 1  # every add of both processes is there
        mine = frame[frame["id"] != "shared"]
        assert (mine["status"] == "registered").all()
        events = reg.events_frame()
        # 1 receive + 1 register per complaint, nothing lost or duplicated
        assert (events["complaint_id"] != "shared").sum() == 4 * n
        # the shared complaint was rejected and closed exactly once
        # (BEGIN IMMEDIATE serialises read-check-write across processes)
        assert [e.to_status.value for e in reg.history("shared")] == [
            "received", "rejected", "closed"
        ]  # fmt: skip
        assert reg.check() == []


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_writer_killed_mid_transaction_leaves_a_consistent_database(
    backend: Path | str,
) -> None:
    import datetime as dt

    from qualitapa.complaints import Complaint

    path = backend
    t = dt.datetime(2024, 1, 8, 9, tzinfo=dt.UTC)
    with ComplaintRegister(path) as reg:
        for i in range(5):
            reg.add(Complaint(f"kept-{i}", "praise", "letter", "libraries", t))
    # 60,000 complaints: more than 4 MB to write, so the import is killed half-way; the
    # importer is forked from this process (qualitapa already imported)
    said = Path(tempfile.mkdtemp()) / "said.txt"
    proc = multiprocessing.get_context("fork").Process(target=_bulk, args=(str(path), 60_000, said))
    proc.start()
    proc.join(timeout=300)
    lines = said.read_text().splitlines() if said.exists() else []
    assert lines[:1] == ["importing"], lines
    assert [line.split()[0] for line in lines] == ["importing", "killed"], lines  # never "done"
    assert proc.exitcode == -signal.SIGKILL
    with ComplaintRegister(path) as reg:
        # the half-written import is gone entirely; what was committed is intact
        assert len(reg) == 5
        assert sorted(reg.to_frame()["id"]) == [f"kept-{i}" for i in range(5)]
        assert len(reg.events_frame()) == 5
        assert reg.check() == []
        # and the register still takes writes
        reg.add(Complaint("after", "praise", "letter", "libraries", t))
        assert len(reg) == 6


#: A new complaint of the counter, numbered by the register.
_NEW = {"kind": "complaint", "channel": "counter", "service": "registry",
        "received_at": "2024-01-08T09:00:00+01:00", "organization": "015146"}  # fmt: skip


@contextlib.contextmanager
def _registration_fails(path: Path | str) -> Any:
    """While inside, the database refuses to write a ``registered`` event (then not)."""
    if isinstance(path, str):
        import psycopg

        with psycopg.connect(path, autocommit=True) as conn:
            conn.execute(
                "CREATE FUNCTION test_fail() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'injected failure'; END $$"
            )
            conn.execute(
                "CREATE TRIGGER test_fail BEFORE INSERT ON events FOR EACH ROW "
                "WHEN (NEW.to_status = 'registered') EXECUTE FUNCTION test_fail()"
            )
            yield
            conn.execute("DROP TRIGGER test_fail ON events")
            conn.execute("DROP FUNCTION test_fail()")
        return
    import sqlite3

    db = sqlite3.connect(path, isolation_level=None)
    db.execute(
        "CREATE TRIGGER test_fail BEFORE INSERT ON events WHEN NEW.to_status = 'registered' "
        "BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
    )
    yield
    db.execute("DROP TRIGGER test_fail")
    db.close()


def _nothing_partial(path: Path | str) -> None:
    """The register holds only ``kept``, sound, and the next number is still 000001."""
    with ComplaintRegister(path) as reg:
        assert list(reg.to_frame()["id"]) == ["kept"]
        assert list(reg.events_frame()["complaint_id"]) == ["kept"]
        assert reg.check() == []
        # the failed add gave its protocol number back
        event = reg.add(_NEW, actor="urp", registered=True)
        assert event.complaint_id == "015146/2024/000001"
        assert [e.to_status.value for e in reg.history(event.complaint_id)] == [
            "received", "registered"
        ]  # fmt: skip


def _kept(path: Path | str) -> None:
    import datetime as dt

    from qualitapa.complaints import Complaint

    with ComplaintRegister(path) as reg:
        t = dt.datetime(2024, 1, 8, 9, tzinfo=dt.UTC)
        reg.add(Complaint("kept", "praise", "letter", "libraries", t))


def test_an_add_that_fails_between_received_and_registered_leaves_nothing(
    backend: Path | str,
) -> None:
    from qualitapa.errors import DataError

    _kept(backend)
    # the database refuses the second event, after the complaint and its first were written
    with (
        _registration_fails(backend),
        ComplaintRegister(backend) as reg,
        pytest.raises(DataError, match="injected failure"),
    ):
        reg.add(_NEW, actor="urp", registered=True)
    _nothing_partial(backend)


def _die_before_registering(path: str) -> None:
    """A clerk (forked) whose process is killed between writing received and registered.

    On PostgreSQL one call of ``qualitapa_add`` writes both events: the clerk is killed
    while the server holds that call in the registration (:func:`_registration_held`),
    the received event written; the server notices it lost its client
    (``client_connection_check_interval``) and rolls the call back.
    """
    if path.startswith("postgresql"):
        import threading
        import time

        import psycopg

        name = f"dying-clerk-{os.getpid()}"
        assert "options=" in path  # the conftest's URL: the options come last
        url = f"{path}%20-cclient_connection_check_interval%3D50&application_name={name}"

        def kill_once_held() -> None:
            with psycopg.connect(path, autocommit=True) as watch:
                while not watch.execute(
                    "SELECT 1 FROM pg_stat_activity WHERE application_name = %s "
                    "AND wait_event = 'PgSleep'",
                    (name,),
                ).fetchone():
                    time.sleep(0.01)
            os.kill(os.getpid(), signal.SIGKILL)

        threading.Thread(target=kill_once_held, daemon=True).start()
        with ComplaintRegister(url) as reg:
            reg.add(_NEW, actor="urp", registered=True)
        return
    with ComplaintRegister(path) as reg:
        db = reg._db
        db.create_function("die", 0, lambda: os.kill(os.getpid(), signal.SIGKILL))
        db.execute(
            "CREATE TEMP TRIGGER die BEFORE INSERT ON main.events "
            "WHEN NEW.to_status = 'registered' BEGIN SELECT die(); END"
        )
        reg.add(_NEW, actor="urp", registered=True)


@contextlib.contextmanager
def _registration_held(path: Path | str) -> Iterator[Callable[[], bool]]:
    """While inside, a PostgreSQL server holds a ``registered`` event's write (a minute).

    Yields whether the server held one whose ``received`` event its transaction had
    written (noted in a sequence: not undone by a rollback). On SQLite nothing is held.
    """
    if not isinstance(path, str):
        yield lambda: True
        return
    import psycopg

    with psycopg.connect(path, autocommit=True) as conn:
        conn.execute("CREATE SEQUENCE test_held")
        conn.execute(
            "CREATE FUNCTION test_hold() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "IF EXISTS (SELECT 1 FROM events e WHERE e.complaint_id = NEW.complaint_id "
            "AND e.to_status = 'received') THEN PERFORM setval('test_held', 2); END IF; "
            "PERFORM pg_sleep(60); RETURN NEW; END $$"
        )
        conn.execute(
            "CREATE TRIGGER test_hold BEFORE INSERT ON events FOR EACH ROW "
            "WHEN (NEW.to_status = 'registered') EXECUTE FUNCTION test_hold()"
        )
        yield lambda: conn.execute("SELECT last_value FROM test_held").fetchone()[0] == 2
        # waits for the killed clerk's transaction to end
        conn.execute("DROP TRIGGER test_hold ON events")
        conn.execute("DROP FUNCTION test_hold()")
        conn.execute("DROP SEQUENCE test_held")


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_clerk_killed_between_received_and_registered_leaves_nothing(
    backend: Path | str,
) -> None:
    _kept(backend)
    with _registration_held(backend) as held:
        proc = multiprocessing.get_context("fork").Process(
            target=_die_before_registering, args=(str(backend),)
        )
        proc.start()
        proc.join(timeout=60)
        assert proc.exitcode == -signal.SIGKILL
        assert held()  # killed with the received event written
    _nothing_partial(backend)
