"""Attacks on the complaint register (issue 13, items 2, 3, 10 and 13).

* rewriting the append-only history with SQLite's conflict clauses (REPLACE
  deletes the old row without firing DELETE triggers) and, when a client
  removes the protection, detecting it with ``check()`` and the hash chain;
* future-dated events, which would freeze a complaint for ever;
* foreign, corrupt, truncated, read-only and locked SQLite files, and a new
  register created by two processes at once;
* DST-gap and unparseable times.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import multiprocessing
import os
import pwd
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualitapa.complaints import (
    FUTURE_TOLERANCE,
    SCHEMA_VERSION,
    Complaint,
    ComplaintRegister,
    Contact,
    kpis,
)
from qualitapa.complaints._schema import MIGRATIONS
from qualitapa.errors import DataError

from .conftest import FUZZ, assert_typed_or_ok, guarded

T0 = dt.datetime(2024, 1, 8, 9, tzinfo=dt.UTC)


def _hour(h: int) -> dt.datetime:
    return T0 + dt.timedelta(hours=h)


def _filled(path: Path) -> Path:
    """A register with three complaints and a few events each."""
    with ComplaintRegister(path) as reg:
        for i in range(3):
            cid = f"2024/{i + 1}"
            reg.add(
                Complaint(cid, "complaint", "email", "registry", T0, description=f"testo {i}"),
                actor="urp",
            )
            reg.transition(cid, "registered", actor="urp", at=_hour(1))
            reg.transition(cid, "assigned", actor="urp", target="anagrafe", at=_hour(2))
    return path


@pytest.fixture
def register(tmp_path: Path) -> Path:
    return _filled(tmp_path / "urp.db")


def _raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def _snapshot(path: Path) -> tuple[list[Any], list[Any]]:
    db = _raw(path)
    try:
        return (
            db.execute("SELECT * FROM events ORDER BY seq").fetchall(),
            db.execute("SELECT * FROM complaints ORDER BY id").fetchall(),
        )
    finally:
        db.close()


_EV = "events (seq, complaint_id, at_us, actor, action, from_status, to_status, note, target)"

# every SQL path that could overwrite or remove history in place
REWRITES = {
    "replace an event": f"REPLACE INTO {_EV} VALUES (1, '2024/1', 0, 'evil', 'receive', "
    "NULL, 'received', '', NULL)",
    "insert or replace an event": f"INSERT OR REPLACE INTO {_EV} VALUES (2, '2024/1', 0, "
    "'evil', 'register', 'received', 'registered', '', NULL)",
    "upsert an event": f"INSERT INTO {_EV} VALUES (3, '2024/1', 0, 'evil', 'receive', NULL, "
    "'received', '', NULL) ON CONFLICT (seq) DO UPDATE SET actor = 'evil'",
    "update or replace an event": "UPDATE OR REPLACE events SET seq = 1 WHERE seq = 2",
    "update an event": "UPDATE events SET to_status = 'closed'",
    "delete events": "DELETE FROM events",
    "replace a complaint": "REPLACE INTO complaints VALUES ('2024/1', 'praise', 'web', "
    "'registry', NULL, NULL, 0, 'riscritto', NULL, NULL, NULL, NULL)",
    "insert or replace a complaint": "INSERT OR REPLACE INTO complaints VALUES ('2024/2', "
    "'praise', 'web', 'registry', NULL, NULL, 0, '', NULL, NULL, NULL, NULL)",
    "upsert a complaint": "INSERT INTO complaints VALUES ('2024/3', 'praise', 'web', "
    "'registry', NULL, NULL, 0, '', NULL, NULL, NULL, NULL) "
    "ON CONFLICT (id) DO UPDATE SET kind = 'praise'",
    "update or replace a complaint": "UPDATE OR REPLACE complaints SET id = '2024/1' "
    "WHERE id = '2024/2'",
    "delete a complaint": "DELETE FROM complaints WHERE id = '2024/1'",
    "insert an event before the last one": f"INSERT INTO {_EV} VALUES (0, '2024/1', 0, "
    "'evil', 'receive', NULL, 'received', '', NULL)",
    "insert an event leaving a gap": f"INSERT INTO {_EV} VALUES (1000, '2024/1', 0, 'evil', "
    "'assign', 'assigned', 'assigned', '', 'x')",
    "rewrite the hash chain": "REPLACE INTO chain SELECT * FROM chain",
    "delete the hash chain": "DELETE FROM chain",
}


@pytest.mark.parametrize("sql", list(REWRITES.values()), ids=list(REWRITES))
def test_the_schema_refuses_every_rewrite_of_history(register: Path, sql: str) -> None:
    before = _snapshot(register)
    db = _raw(register)
    try:
        with pytest.raises(sqlite3.DatabaseError, match=r"append-only|cannot be|cannot"):
            db.execute(sql)
    finally:
        db.close()
    assert _snapshot(register) == before
    with ComplaintRegister(register) as reg:
        assert reg.check() == []


def test_a_bulk_import_keeps_the_guards(register: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Big imports lift the per-row REPLACE guards inside their transaction only."""
    import qualitapa.complaints._register as register_module

    n = 3000
    frame = pd.DataFrame(
        {
            "id": [f"bulk/{i}" for i in range(n)],
            "kind": "complaint",
            "channel": "web",
            "service": "registry",
            "received_at": "2024-01-08T09:00:00+01:00",
        }
    )
    with ComplaintRegister(register) as reg:
        assert reg.import_frame(frame).imported == n

        def crash(*args: Any) -> None:
            raise KeyboardInterrupt  # stopped after the rows went in, before the commit

        monkeypatch.setattr(register_module, "append_link", crash)
        with pytest.raises(KeyboardInterrupt):
            reg.import_frame(frame.assign(id=[f"more/{i}" for i in range(n)]))
        monkeypatch.undo()
        assert len(reg) == n + 3
        assert reg.check() == []
    test_the_schema_refuses_every_rewrite_of_history(register, REWRITES["replace an event"])
    test_the_schema_refuses_every_rewrite_of_history(register, REWRITES["replace a complaint"])


def _unprotected(path: Path) -> sqlite3.Connection:
    """A client that drops every trigger: what nobody can stop with write access."""
    db = _raw(path)
    names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")]
    for name in names:
        db.execute(f"DROP TRIGGER {name}")
    return db


TAMPERING: dict[str, tuple[list[str], str]] = {
    "an event's actor rewritten": (
        ["UPDATE events SET actor = 'someone else' WHERE seq = 2"],
        r"event 2 \(complaint 2024/1, written .*\) does not match its hash-chain link",
    ),
    "a complaint's text rewritten": (
        ["UPDATE complaints SET description = 'riscritto' WHERE id = '2024/2'"],
        r"event 4 \(complaint 2024/2, .*\) does not match its hash-chain link",
    ),
    "an event deleted": (
        ["DELETE FROM events WHERE seq = 5"],
        r"seq jumps from 4 to 6",
    ),
    "an event moved back in time": (
        ["UPDATE events SET at_us = 0 WHERE seq = 8"],
        r"complaint 2024/3: event 8 is dated before",
    ),
    "an event appended without qualitapa": (
        [
            f"INSERT INTO {_EV} VALUES ((SELECT MAX(seq) + 1 FROM events), '2024/1', "
            "1704704400000000 + 36000000000, 'x', 'answer', 'assigned', 'answered', '', NULL)"
        ],
        r"not covered by the hash chain",
    ),
    "a complaint without history": (
        [
            "INSERT INTO complaints VALUES ('2024/9', 'praise', 'web', 'registry', NULL, "
            "NULL, 0, '', NULL, NULL, NULL, NULL)"
        ],
        r"complaint 2024/9 has no events",
    ),
}


@pytest.mark.parametrize("case", list(TAMPERING), ids=list(TAMPERING))
def test_check_detects_what_bypasses_the_schema(register: Path, case: str) -> None:
    statements, expected = TAMPERING[case]
    db = _unprotected(register)
    try:
        for sql in statements:
            db.execute(sql)
    finally:
        db.close()
    with ComplaintRegister(register, readonly=True) as reg:
        problems = reg.check()
    text = "\n".join(problems)
    assert "protection removed: trigger" in text  # the dropped triggers are noticed
    assert pytest.importorskip("re").search(expected, text), text


def test_check_detects_incremental_blob_io(register: Path) -> None:
    """Writing into a stored value with blob I/O fires no UPDATE trigger."""
    db = _raw(register)
    try:
        with db.blobopen("events", "actor", 3) as blob:
            blob.write(b"xxx")
        assert db.execute("SELECT actor FROM events WHERE seq = 3").fetchone()[0] == "xxx"
    finally:
        db.close()
    with ComplaintRegister(register) as reg:
        assert any("event 3 (complaint 2024/1" in p and "does not match" in p for p in reg.check())


def test_an_anchor_exposes_a_recomputed_chain(register: Path) -> None:
    """Someone who rewrites history and recomputes the chain passes check(), not the anchor."""
    from qualitapa.complaints._chain import rebuild_chain

    with ComplaintRegister(register) as reg:
        head = reg.chain_head()
        assert head is not None
        assert head.seq == 9
        assert len(head.hash) == 64
        assert reg.check(anchor=head.hash) == []
    db = _unprotected(register)
    try:
        db.execute("UPDATE events SET actor = 'someone else' WHERE seq = 2")
        db.execute("DELETE FROM chain")
        rebuild_chain(db)
    finally:
        db.close()
    with ComplaintRegister(register, readonly=True) as reg:
        problems = reg.check(anchor=head.hash)
        assert any(f"anchor {head.hash[:12]}" in p for p in problems), problems


def test_an_anchor_exposes_an_older_copy_put_back(register: Path, tmp_path: Path) -> None:
    """Restoring yesterday's file drops today's events without a trace, except for the anchor."""
    backup = tmp_path / "backup.db"
    shutil.copy(register, backup)
    with ComplaintRegister(register) as reg:
        reg.transition("2024/1", "answered", actor="urp", at=_hour(3))
        head = reg.chain_head()
        assert head is not None
    for suffix in ("", "-wal", "-shm"):
        Path(str(register) + suffix).unlink(missing_ok=True)
    shutil.copy(backup, register)
    with ComplaintRegister(register, readonly=True) as reg:
        assert reg.check() == []  # consistent on its own
        assert any("anchor" in p for p in reg.check(anchor=head.hash))


def _version_2(path: Path) -> Path:
    """A register as qualitapa wrote it before the hash chain (schema version 2)."""
    db = _raw(path)
    db.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT)")
    for version in (1, 2):
        db.executescript(MIGRATIONS[version])
        db.execute("INSERT INTO schema_version VALUES (?, '2024-01-01T00:00:00')", (version,))
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA user_version = 2")
    db.execute(
        "INSERT INTO complaints VALUES ('old/1', 'praise', 'letter', 'libraries', NULL, NULL, "
        "1704704400000000, 'grazie')"
    )
    db.execute(
        "INSERT INTO events (complaint_id, at_us, actor, action, from_status, to_status) "
        "VALUES ('old/1', 1704704400000000, 'x', 'receive', NULL, 'received')"
    )
    db.close()
    return path


def test_migration_adds_the_chain_and_the_triggers(tmp_path: Path) -> None:
    path = _version_2(tmp_path / "old.db")
    with ComplaintRegister(path) as reg:
        assert reg.schema_version == SCHEMA_VERSION
        assert reg.check() == []
        head = reg.chain_head()
        assert head is not None
        assert head.seq == 1
    before = _snapshot(path)
    db = _raw(path)
    try:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            db.execute(REWRITES["replace an event"].replace("'2024/1'", "'old/1'"))
    finally:
        db.close()
    assert _snapshot(path) == before


# -- future-dated events (item 3) ---------------------------------------------------


def test_future_dated_events_are_refused(tmp_path: Path) -> None:
    reg = ComplaintRegister(tmp_path / "urp.db")
    now = dt.datetime.now(dt.UTC)
    with pytest.raises(DataError, match="in the future"):
        reg.add(
            Complaint("f/1", "complaint", "web", "registry", dt.datetime(2099, 1, 1, tzinfo=dt.UTC))
        )
    reg.add(Complaint("f/2", "complaint", "web", "registry", T0))
    for at in (dt.datetime(9999, 12, 31, tzinfo=dt.UTC), "9999-12-31", now + 2 * FUTURE_TOLERANCE):
        with pytest.raises(DataError, match="in the future"):
            reg.transition("f/2", "registered", actor="urp", at=at)
    assert len(reg.history("f/2")) == 1
    # a clock a little ahead of the server's is tolerated
    reg.transition("f/2", "registered", actor="urp", at=now + FUTURE_TOLERANCE / 2)
    # imports: the row is reported, not imported
    frame = pd.DataFrame(
        {
            "id": ["f/3", "f/4"],
            "kind": "complaint",
            "channel": "web",
            "service": "registry",
            "received_at": ["2024-01-08T09:00:00+01:00", "2099-01-08T09:00:00+01:00"],
            "status": ["answered", "received"],
            "answered_at": ["2099-01-09T09:00:00+01:00", None],
        }
    )
    report = reg.import_frame(frame)
    assert report.imported == 0
    assert report.problems[["row", "column"]].to_records(index=False).tolist() == [
        (1, "answered_at"), (2, "received_at")
    ]  # fmt: skip
    assert report.problems["problem"].str.contains("in the future").all()
    events = pd.DataFrame(
        {
            "complaint_id": ["f/5", "f/5"],
            "at": ["2024-01-08T09:00:00+01:00", "2099-01-08T09:00:00+01:00"],
            "to_status": ["received", "registered"],
        }
    )
    history = reg.import_frame(frame.iloc[:1].assign(id="f/5", status="registered",
                                                     answered_at=None), events=events)  # fmt: skip
    assert history.imported == 0
    bad = history.problems[history.problems["column"] == "at"]
    assert bad[["table", "row"]].to_records(index=False).tolist() == [("events", 2)]
    assert "in the future" in bad["problem"].iloc[0]
    assert reg.check() == []
    reg.close()


# -- times and dates given as text (item 10) ---------------------------------------------


def test_dst_gap_and_ambiguous_times_are_clear_errors(tmp_path: Path) -> None:
    with ComplaintRegister(tmp_path / "urp.db") as reg:
        reg.add(Complaint("d/1", "complaint", "web", "registry", T0))
        with pytest.raises(DataError, match=r"2024-03-31 02:30.*does not exist in Europe/Rome"):
            reg.transition("d/1", "registered", actor="urp", at="2024-03-31 02:30")
        with pytest.raises(DataError, match=r"2024-10-27 02:30.*happens twice in Europe/Rome"):
            reg.transition("d/1", "registered", actor="urp", at="2024-10-27 02:30")
        with pytest.raises(DataError, match=r"'banana' is not a date-time"):
            reg.transition("d/1", "registered", actor="urp", at="banana")
        ev = reg.transition("d/1", "registered", actor="urp", at="2024-03-31 03:30")
        assert ev.at == dt.datetime(2024, 3, 31, 1, 30, tzinfo=dt.UTC)
        ev = reg.transition("d/1", "assigned", actor="urp", at="2024-10-27 02:30+01:00")
        assert ev.at == dt.datetime(2024, 10, 27, 1, 30, tzinfo=dt.UTC)


def test_as_of_that_is_not_a_date_is_a_clear_error(register: Path) -> None:
    with ComplaintRegister(register, readonly=True) as reg:
        for bad in ("banana", "2024-03-31 02:30", "2024-13-45"):
            with pytest.raises(DataError, match="as_of"):
                reg.cases(as_of=bad)
        cases = reg.cases(as_of="2024-06-30")
    with pytest.raises(DataError, match="as_of"):
        kpis(cases, as_of="banana")


# -- foreign, corrupt, truncated, read-only and locked files (items 10 and 13) ---------


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _foreign(path: Path) -> Path:
    db = _raw(path)
    db.execute("CREATE TABLE anagrafe (codice_fiscale TEXT, nome TEXT)")
    db.execute("INSERT INTO anagrafe VALUES ('RSSMRA80A01F257X', 'Mario Rossi')")
    db.close()
    return path


@pytest.mark.parametrize("readonly", [True, False], ids=["reading", "writing"])
def test_a_foreign_sqlite_file_is_refused_and_left_untouched(
    tmp_path: Path, readonly: bool
) -> None:
    path = _foreign(tmp_path / "anagrafe.db")
    digest = _file_digest(path)
    with pytest.raises(DataError, match=r"anagrafe\.db.*not a qualitapa complaint register"):
        ComplaintRegister(path, readonly=readonly)
    assert _file_digest(path) == digest
    db = _raw(path)
    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master")]
    db.close()
    assert tables == ["anagrafe"]


def test_reading_never_creates_or_migrates(tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"
    with pytest.raises(DataError, match="no register"):
        ComplaintRegister(missing, readonly=True)
    assert not missing.exists()
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    with pytest.raises(DataError, match="not a qualitapa complaint register"):
        ComplaintRegister(empty, readonly=True)
    assert empty.read_bytes() == b""
    old = _version_2(tmp_path / "old.db")
    digest = _file_digest(old)
    with ComplaintRegister(old, readonly=True) as reg:
        assert reg.schema_version == 2
        assert reg.to_frame()["id"].tolist() == ["old/1"]
        assert reg.chain_head() is None
        assert any("no hash chain" in p for p in reg.check())
        with pytest.raises(DataError, match="read-only"):
            reg.transition("old/1", "registered", actor="urp", at=T0)
    assert _file_digest(old) == digest


def _damaged_files(tmp: Path) -> Iterator[tuple[str, Path]]:
    good = _filled(tmp / "good.db")
    data = good.read_bytes()
    cases = {
        "random bytes": os.urandom(8192),
        "text file": b"id,kind\n2024/1,complaint\n" * 100,
        "truncated header": data[:50],
        "truncated to half": data[: len(data) // 2],
        "truncated to one page": data[:4096],
        "zeroed pages": data[:4096] + bytes(len(data) - 4096),
        "garbage after the header": data[:100] + os.urandom(len(data) - 100),
    }
    for name, content in cases.items():
        path = tmp / f"{name.replace(' ', '_')}.db"
        path.write_bytes(content)
        yield name, path


def _read_everything(path: str, readonly: bool) -> int:
    options = {"readonly": True} if readonly else {}
    with ComplaintRegister(path, **options) as reg:
        frame = reg.to_frame(include_contact=True)
        reg.events_frame()
        reg.cases(as_of="2024-06-30")
        reg.check()
        return len(frame)


@pytest.mark.parametrize("readonly", [True, False], ids=["reading", "writing"])
def test_damaged_files_give_typed_errors(tmp_path: Path, readonly: bool) -> None:
    for name, path in _damaged_files(tmp_path):
        outcome = assert_typed_or_ok(
            guarded(_read_everything, str(path), readonly), what=f"{name} ({path.name})"
        )
        if outcome.kind == "error":
            assert path.name in outcome.message, outcome.message


@pytest.mark.slow  # fuzz / real processes
@given(data=st.data())
@FUZZ
def test_fuzz_flipped_bytes_in_a_register(data: st.DataObject) -> None:
    """Any damage to the file: a typed error or a result, never a raw sqlite3 error."""
    content = bytearray(_good_register())
    for _ in range(data.draw(st.integers(1, 8), label="flips")):
        pos = data.draw(st.integers(0, len(content) - 1), label="position")
        content[pos] = data.draw(st.integers(0, 255), label="byte")
    cut = data.draw(st.one_of(st.none(), st.integers(0, len(content))), label="truncate")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzzed.db"
        path.write_bytes(bytes(content[:cut]))
        readonly = data.draw(st.booleans(), label="readonly")
        assert_typed_or_ok(guarded(_read_everything, str(path), readonly), what="fuzzed register")


@pytest.mark.parametrize("written", [2**62, -(2**62), "yesterday"])
def test_a_link_written_at_no_possible_time_is_a_problem_of_the_check(tmp_path, written):
    # found by the fuzz test above: a flipped byte in a link's written_us made check()
    # raise OverflowError instead of saying that the link no longer matches
    path = tmp_path / "good.db"
    path.write_bytes(_good_register())
    with sqlite3.connect(path) as db:
        db.execute("DROP TRIGGER chain_append_only_update")
        db.execute("UPDATE chain SET written_us = ? WHERE last_seq = 1", (written,))
    with ComplaintRegister(path, readonly=True) as reg:
        problems = reg.check()
    assert any(f"at {written!r}, not a time" in str(p) for p in problems), problems
    assert any("does not match" in str(p) for p in problems), problems


_GOOD_CACHE: dict[str, bytes] = {}


def _good_register() -> bytes:
    if "db" not in _GOOD_CACHE:
        with tempfile.TemporaryDirectory() as tmp:
            path = _filled(Path(tmp) / "good.db")
            with ComplaintRegister(path) as reg:
                reg.add(
                    Complaint("2024/9", "praise", "web", "libraries", T0),
                    actor="urp",
                )
                reg._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            _GOOD_CACHE["db"] = path.read_bytes()
    return _GOOD_CACHE["db"]


def _unprivileged(func: Callable[[], Any]) -> Any:
    """In a forked child, as user ``nobody`` when we are root (root ignores file modes)."""
    if os.geteuid() == 0:
        os.setgid(pwd.getpwnam("nobody").pw_gid)
        os.setuid(pwd.getpwnam("nobody").pw_uid)
    return func()


def test_a_read_only_register_can_be_read(tmp_path: Path) -> None:
    base = Path(tempfile.mkdtemp(prefix="qualitapa-ro-"))
    try:
        base.chmod(0o755)
        folder = base / "registers"
        folder.mkdir()
        path = _filled(folder / "urp.db")
        path.chmod(0o444)
        folder.chmod(0o555)  # not even the -shm file can be created next to it

        def read() -> tuple[int, int]:
            with ComplaintRegister(path, readonly=True) as reg:
                return len(reg.to_frame()), len(reg.check())

        def write() -> None:
            ComplaintRegister(path).close()

        result = guarded(_unprivileged, read, timeout=30)
        assert result.kind == "ok", result
        assert result.value == (3, 0)
        attempt = guarded(_unprivileged, write, timeout=30)
        assert attempt.kind == "error", attempt
        assert attempt.exc_type is not None
        assert issubclass(attempt.exc_type, DataError), attempt
        assert "cannot write" in attempt.message, attempt.message
    finally:
        for p in base.rglob("*"):
            p.chmod(0o755 if p.is_dir() else 0o644)
        base.chmod(0o755)
        shutil.rmtree(base)


HOLDER = textwrap.dedent(
    """
    import sqlite3, sys, time
    db = sqlite3.connect(sys.argv[1], isolation_level=None)
    db.execute("PRAGMA locking_mode = EXCLUSIVE")
    db.execute("BEGIN EXCLUSIVE")
    db.execute("INSERT INTO contacts VALUES ('2024/1', NULL, NULL, NULL, NULL)")
    print("held", flush=True)
    time.sleep(60)
    """
)


@pytest.mark.slow  # fuzz / real processes
def test_a_register_locked_by_another_process_waits_then_says_so(register: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(register)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        for readonly in (True, False):
            start = time.monotonic()
            with (
                pytest.raises(DataError, match=r"urp\.db.*locked by another process"),
                ComplaintRegister(register, readonly=readonly, busy_timeout=0.5) as reg,
            ):
                reg.to_frame()
            took = time.monotonic() - start
            assert 0.4 < took < 10, took  # it waited, for a bounded time
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()
    with ComplaintRegister(register) as reg:  # nothing was changed
        assert len(reg) == 3
        assert reg.check() == []


def _open_each(paths: list[str], barrier: Any, results: Any) -> None:
    errors = []
    for path in paths:
        barrier.wait(timeout=60)
        try:
            with ComplaintRegister(path) as reg:
                reg.add(Complaint(f"p{os.getpid()}", "praise", "web", "libraries", T0))
        except Exception as exc:  # every failure is reported
            errors.append(f"{type(exc).__name__}: {exc}")
    results.put(errors)


@pytest.mark.slow  # fuzz / real processes
def test_two_processes_creating_the_same_register_at_once(tmp_path: Path) -> None:
    """20 trials: two real processes open the same brand-new file at the same instant."""
    ctx = multiprocessing.get_context("fork")
    paths = [str(tmp_path / f"new-{i}.db") for i in range(20)]
    barrier = ctx.Barrier(2)
    results = ctx.Queue()
    procs = [ctx.Process(target=_open_each, args=(paths, barrier, results)) for _ in range(2)]
    for p in procs:
        p.start()
    errors = [results.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    assert errors == [[], []]
    for path in paths:
        with ComplaintRegister(path, readonly=True) as reg:
            assert len(reg) == 2
            assert reg.check() == []


def test_contact_placeholder_roundtrip_keeps_the_register_sound(register: Path) -> None:
    """Contacts stay changeable (erasure): outside the chain, never a check() problem."""
    with ComplaintRegister(register) as reg:
        reg.add(
            Complaint(
                "2024/7", "complaint", "web", "registry", T0, contact=Contact(name="Anna Bianchi")
            ),
        )
        assert reg.erase_contact("2024/7")
        assert reg.check() == []
