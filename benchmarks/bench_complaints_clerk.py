"""Benchmark of a clerk's writes to the SQLite complaint register, and of check() (issue 25).

A clerk's operations as the durability test does them (issue 22): each of
``--ops / 4`` complaints is added with a new protocol number, registered,
assigned and answered, and between them the clerk tries to register then
reject one of 5 shared complaints (the second try is refused by the
lifecycle): 7,500 transactions for 5,000 operations, each its own
``BEGIN IMMEDIATE`` transaction with a link of the hash chain.

The reference is the plain ``sqlite3`` code an analyst would write for the
same writes: a file in WAL mode with ``synchronous = FULL`` and tables
without triggers; each change reads the complaint's last state, checks it
in a dict of allowed moves, inserts the event and a chain row hashing it
(``hashlib.sha256`` of the previous hash and the row's text) and commits.
Both must leave every complaint in the same state. Times are CPU seconds
of this process (the disk's ``fsync`` waits are not CPU and vary with the
machine's load), median of interleaved runs, each on a new file.

Target: the clerk's writes within 5x the reference's CPU (the register
also checks every text and time, numbers without gaps, keeps its triggers
and builds each returned ``Event``): 7.7x before the chain hashed a
one-event block value by value, 4.4x after (4,000 operations on tmpfs,
load 6).

``check()`` of the library's register is timed too, and the reference's
recomputation of its chain printed beside it, without a target:
``check()`` does much more (SQLite's integrity check, the triggers, every
history's lifecycle and times, the chain's links from pandas frames).

Usage::

    .venv/bin/python benchmarks/bench_complaints_clerk.py [--ops 5000] [--repeat 3] [--dir /dev/shm]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from qualitapa.complaints import Complaint, ComplaintRegister
from qualitapa.errors import TransitionError

TARGET_RATIO = 5.0
SHARED = 5
T = dt.datetime(2024, 1, 8, 9, tzinfo=dt.UTC)
T_US = int(T.timestamp() * 1_000_000)
#: The moves the reference allows (those of the clerk's workload).
MOVES = {
    ("received", "registered"), ("registered", "assigned"), ("assigned", "answered"),
    ("registered", "rejected"),
}  # fmt: skip


def library(path: Path, ops: int) -> dict[str, str]:
    """The clerk's operations on the register; every complaint's state."""
    with ComplaintRegister(path) as reg:
        for i in range(SHARED):
            reg.add(Complaint(f"shared-{i}", "complaint", "web", "registry", T))
        for i in range(ops // 4):
            new = {"kind": "complaint", "channel": "web", "service": "registry",
                   "received_at": T, "organization": "015146"}  # fmt: skip
            cid = reg.add(new, actor="c").complaint_id
            for to in ("registered", "assigned", "answered"):
                reg.transition(cid, to, actor="c", target="c" if to == "assigned" else None, at=T)
            for to in ("registered", "rejected"):
                with contextlib.suppress(TransitionError):
                    reg.transition(f"shared-{i % SHARED}", to, actor="c", note="race", at=T)
        frame = reg.to_frame()
    return dict(zip(frame["id"], frame["status"], strict=True))


_REFERENCE_SCHEMA = """
CREATE TABLE complaints (id TEXT PRIMARY KEY, kind TEXT, channel TEXT, service TEXT,
    organization TEXT, received_us INTEGER) WITHOUT ROWID;
CREATE TABLE counters (organization TEXT, year INTEGER, last INTEGER,
    PRIMARY KEY (organization, year)) WITHOUT ROWID;
CREATE TABLE events (seq INTEGER PRIMARY KEY, complaint_id TEXT, at_us INTEGER, actor TEXT,
    from_status TEXT, to_status TEXT, note TEXT, target TEXT);
CREATE INDEX events_by_complaint ON events (complaint_id, seq);
CREATE TABLE chain (seq INTEGER PRIMARY KEY, hash BLOB);
"""


def _link(db: sqlite3.Connection, row: tuple[Any, ...]) -> None:
    """The reference's chain row: SHA-256 of the previous hash and the event's text."""
    last = db.execute("SELECT hash FROM chain ORDER BY seq DESC LIMIT 1").fetchone()
    previous = last[0] if last else bytes(32)
    text = "\x1f".join("" if v is None else str(v) for v in row)
    digest = hashlib.sha256(previous + text.encode("utf-8", "surrogatepass")).digest()
    db.execute("INSERT INTO chain VALUES (?, ?)", (row[0], digest))


def _event(
    db: sqlite3.Connection, cid: str, fr: str | None, to: str, note: str, target: str | None
) -> None:
    seq = db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM events").fetchone()[0]
    row = (seq, cid, T_US, "c", fr, to, note, target)
    db.execute("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?)", row)
    _link(db, row)


def _add(db: sqlite3.Connection, cid: str | None) -> str:
    db.execute("BEGIN IMMEDIATE")
    if cid is None:
        last = db.execute(
            "INSERT INTO counters VALUES ('015146', 2024, 1) ON CONFLICT DO UPDATE "
            "SET last = last + 1 RETURNING last"
        ).fetchone()[0]
        cid = f"015146/2024/{last:06d}"
    db.execute("INSERT INTO complaints VALUES (?, 'complaint', 'web', 'registry', ?, ?)",
               (cid, "015146", T_US))  # fmt: skip
    _event(db, cid, None, "received", "", None)
    db.execute("COMMIT")
    return cid


def _change(
    db: sqlite3.Connection, cid: str, to: str, note: str = "", target: str | None = None
) -> bool:
    db.execute("BEGIN IMMEDIATE")
    last = db.execute(
        "SELECT to_status FROM events WHERE complaint_id = ? ORDER BY seq DESC LIMIT 1", (cid,)
    ).fetchone()[0]
    allowed = (last, to) in MOVES
    if allowed:
        _event(db, cid, last, to, note, target)
    db.execute("COMMIT")
    return allowed


def reference(path: Path, ops: int) -> dict[str, str]:
    """The same writes in plain sqlite3; every complaint's state."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")
    db.executescript(_REFERENCE_SCHEMA)
    for i in range(SHARED):
        _add(db, f"shared-{i}")
    for i in range(ops // 4):
        cid = _add(db, None)
        _change(db, cid, "registered")
        _change(db, cid, "assigned", target="c")
        _change(db, cid, "answered")
        for to in ("registered", "rejected"):
            _change(db, f"shared-{i % SHARED}", to, note="race")
    rows = db.execute(
        "SELECT complaint_id, to_status FROM events e WHERE seq = "
        "(SELECT MAX(seq) FROM events WHERE complaint_id = e.complaint_id)"
    ).fetchall()
    db.close()
    return dict(rows)


def reference_check(path: Path) -> bool:
    """Recompute the reference's chain from its events; whether every link matches."""
    db = sqlite3.connect(path)
    previous, ok = bytes(32), True
    events = db.execute("SELECT * FROM events ORDER BY seq")
    for row, (stored,) in zip(
        events, db.execute("SELECT hash FROM chain ORDER BY seq"), strict=True
    ):
        text = "\x1f".join("" if v is None else str(v) for v in row)
        previous = hashlib.sha256(previous + text.encode("utf-8", "surrogatepass")).digest()
        ok = ok and previous == stored
    db.close()
    return ok


def cpu(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.process_time()
    out = fn()
    return time.process_time() - start, out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=5000, help="operations of the clerk")
    parser.add_argument("--repeat", type=int, default=3, help="interleaved runs")
    parser.add_argument("--dir", help="where the files are written (default: a temp folder)")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="bench-clerk-", dir=args.dir))
    times: dict[str, list[float]] = {"library": [], "reference": [], "check": [], "ref_check": []}
    same = True
    for k in range(args.repeat):
        lib_path, ref_path = folder / f"lib{k}.db", folder / f"ref{k}.db"
        t_lib, states = cpu(lambda p=lib_path: library(p, args.ops))
        t_ref, ref_states = cpu(lambda p=ref_path: reference(p, args.ops))
        same = same and states == ref_states
        with ComplaintRegister(lib_path, readonly=True) as reg:
            t_check, problems = cpu(reg.check)
        t_ref_check, ok = cpu(lambda p=ref_path: reference_check(p))
        same = same and problems == [] and ok
        for name, t in zip(times, (t_lib, t_ref, t_check, t_ref_check), strict=True):
            times[name].append(t)
        for p in folder.iterdir():
            p.unlink()
    folder.rmdir()
    med = {name: statistics.median(t) for name, t in times.items()}
    n_tx = SHARED + args.ops // 4 * 6
    writes, checks = med["library"] / med["reference"], med["check"] / med["ref_check"]
    print(
        f"clerk, {n_tx:,} transactions: library {med['library']:.2f} s CPU "
        f"({n_tx / med['library']:,.0f}/s), reference {med['reference']:.2f} s: {writes:.2f}x"
    )
    print(
        f"check() of that register: library {med['check']:.2f} s CPU, reference "
        f"{med['ref_check']:.2f} s: {checks:.2f}x"
    )
    print(f"same states and sound chains: {same}; load {os.getloadavg()[0]:.1f}")
    met = same and writes <= TARGET_RATIO
    print("target met" if met else f"TARGET MISSED (writes <= {TARGET_RATIO}x, same states)")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
