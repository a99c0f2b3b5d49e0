"""Benchmark of the complaint register on PostgreSQL (issue 22).

Targets, on this machine:

* bulk import of complaints into a register on PostgreSQL (validation,
  ``COPY`` of complaints and events, the append-only triggers) at 50,000
  complaints/s or better; the reference is the plain ``COPY`` an analyst
  would write of the same rows into a bare table (no validation, no
  triggers), reported for comparison;
* 8 clerks (processes) changing the state of their complaints at once
  (each change one transaction: row lock, lifecycle check, event) at 2,000
  transitions/s or better in total;
* the KPI query (``kpis(reg.cases())`` by service and month) on the
  imported complaints within 1.5x the time of the same query on the SQLite
  register holding the same complaints, with the same result.

The server is ``$QUALITAPA_TEST_POSTGRES``, else a throwaway cluster
started for the run (tests/complaints/_pg_cluster.py, default durability
settings: fsync on, synchronous commit).

Usage::

    .venv/bin/python benchmarks/bench_complaints_register_pg.py [--quick]

Exits non-zero if a target is missed or the register's content differs from
what was written.
"""

from __future__ import annotations

import argparse
import importlib.util
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from qualitapa.complaints import ComplaintRegister, kpis

SEED = 20240131
AS_OF = "2024-12-31"
IMPORT_TARGET = 50_000  # complaints/s
CLERK_TARGET = 2_000  # transitions/s, 8 clerks together
KPI_RATIO = 1.5  # PostgreSQL's KPI query against SQLite's
CLERKS = 8
#: The states each clerk's complaints go through (one transaction each).
STEPS = (("registered", {}), ("assigned", {"target": "ufficio"}), ("in_progress", {}),
         ("suspended", {"note": "attesa"}), ("in_progress", {}), ("answered", {}))  # fmt: skip


def _cluster() -> Any:
    path = Path(__file__).resolve().parents[1] / "tests" / "complaints" / "_pg_cluster.py"
    spec = importlib.util.spec_from_file_location("_pg_cluster", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _fresh(server: str, schema: str) -> str:
    import psycopg

    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        conn.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in server else "?"
    return f"{server}{sep}options=-csearch_path%3D{schema}"


def make_complaints(n: int, rng: np.random.Generator) -> pd.DataFrame:
    """``n`` complaints of 2024 as an office exports them (text, offsets), half answered."""
    start = np.datetime64("2024-01-01T00:00:00", "s")
    received = start + rng.integers(0, 300 * 86_400, n).astype("timedelta64[s]")
    answered = received + rng.integers(3_600, 20 * 86_400, n).astype("timedelta64[s]")
    done = rng.random(n) < 0.5
    rec = pd.Series(received).dt.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    ans = pd.Series(answered).dt.strftime("%Y-%m-%dT%H:%M:%S+00:00").where(done, None)
    return pd.DataFrame(
        {
            "id": [f"2024/{i:07d}" for i in range(n)],
            "kind": rng.choice(["complaint", "fault_report", "suggestion", "praise"], n),
            "channel": rng.choice(["email", "pec", "web", "counter"], n),
            "service": rng.choice([f"service_{i:02d}" for i in range(50)], n),
            "received_at": rec.to_numpy(),
            "status": np.where(done, "answered", "received"),
            "answered_at": ans.to_numpy(),
            "description": "segnalazione",
        }
    )


#: Seconds of the KPI query on each back end (filled by bench_import).
KPI_TIMES: dict[str, float] = {}


def _kpis(reg: ComplaintRegister) -> pd.DataFrame:
    return kpis(reg.cases(as_of=AS_OF), by="service", period="month", as_of=AS_OF)


def bench_import(server: str, n: int) -> tuple[float, float, float, bool]:
    """Complaints/s of the import on PostgreSQL, of a bare COPY and of the SQLite register's
    import (the same machine, the same moment); whether the content matches."""
    import psycopg

    frame = make_complaints(n, np.random.default_rng(SEED))
    with tempfile.TemporaryDirectory() as folder, ComplaintRegister(Path(folder) / "r.db") as lite:
        t0 = time.perf_counter()
        lite.import_frame(frame)
        sqlite_rate = n / (time.perf_counter() - t0)
        t0 = time.perf_counter()
        lite_kpis = _kpis(lite)
        KPI_TIMES["sqlite"] = time.perf_counter() - t0
    url = _fresh(server, "bench_import")
    with ComplaintRegister(url) as reg:
        t0 = time.perf_counter()
        report = reg.import_frame(frame)
        took = time.perf_counter() - t0
        ok = report.imported == n and len(reg) == n
        expected_events = int((frame["status"] == "answered").sum()) * 3 + n
        ok = ok and report.events == expected_events
        t0 = time.perf_counter()
        pg_kpis = _kpis(reg)
        KPI_TIMES["postgresql"] = time.perf_counter() - t0
        pd.testing.assert_frame_equal(lite_kpis, pg_kpis)
    # the reference: the same rows COPYed into a bare table
    bare = _fresh(server, "bench_bare")
    with psycopg.connect(bare, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE c (id text PRIMARY KEY, kind text, channel text, service text, "
            "received_at timestamptz, status text, answered_at timestamptz, description text)"
        )
        rows = frame.astype(object).where(frame.notna(), None).itertuples(index=False, name=None)
        t0 = time.perf_counter()
        with conn.transaction(), conn.cursor() as cur, cur.copy("COPY c FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        ref = time.perf_counter() - t0
    return n / took, n / ref, sqlite_rate, ok


def _clerk(url: str, ids: list[str], out: Any) -> None:
    with ComplaintRegister(url, pool_size=1) as reg:
        out.wait()  # all clerks start together
        for status, extra in STEPS:
            for cid in ids:
                reg.transition(cid, status, actor="clerk", **extra)


def bench_clerks(server: str, per_clerk: int) -> tuple[float, bool]:
    """Transitions/s of 8 clerks at once; whether every history is complete."""
    url = _fresh(server, "bench_clerks")
    n = CLERKS * per_clerk
    frame = make_complaints(n, np.random.default_rng(SEED + 1)).assign(
        status="received", answered_at=None
    )
    with ComplaintRegister(url) as reg:
        reg.import_frame(frame)
    ids = frame["id"].tolist()
    ctx = multiprocessing.get_context("fork")
    start = ctx.Barrier(CLERKS + 1)
    procs = [ctx.Process(target=_clerk, args=(url, ids[k::CLERKS], start)) for k in range(CLERKS)]
    for p in procs:
        p.start()
    start.wait()
    t0 = time.perf_counter()
    for p in procs:
        p.join()
    took = time.perf_counter() - t0
    ok = all(p.exitcode == 0 for p in procs)
    with ComplaintRegister(url, readonly=True) as reg:
        cur = reg.to_frame()
        ok = ok and (cur["status"] == "answered").all() and len(cur) == n
        ok = ok and len(reg.events_frame()) == n * (1 + len(STEPS)) and reg.check() == []
    return n * len(STEPS) / took, ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (smoke run)")
    parser.add_argument("--complaints", type=int, help="complaints to import (1,000,000)")
    parser.add_argument("--per-clerk", type=int, help="complaints of each clerk (1,000)")
    args = parser.parse_args()
    n_import, per_clerk = (20_000, 100) if args.quick else (1_000_000, 1_000)
    n_import, per_clerk = args.complaints or n_import, args.per_clerk or per_clerk
    server = os.environ.get("QUALITAPA_TEST_POSTGRES")
    cluster = root = None
    if not server:
        cluster = _cluster()
        server, root = cluster.start()
    try:
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        rate, ref, lite, ok_import = bench_import(server, n_import)
        print(f"PostgreSQL bulk import of {n_import:,} complaints: {rate:,.0f} complaints/s "
              f"(target {IMPORT_TARGET:,}); bare COPY of the same rows: {ref:,.0f} rows/s; "
              f"the SQLite register: {lite:,.0f} complaints/s; "
              f"content {'ok' if ok_import else 'WRONG'}")  # fmt: skip
        ratio = KPI_TIMES["postgresql"] / KPI_TIMES["sqlite"]
        print(f"KPIs by service and month on {n_import:,} complaints: PostgreSQL "
              f"{KPI_TIMES['postgresql']:.2f} s, SQLite {KPI_TIMES['sqlite']:.2f} s "
              f"({ratio:.2f}x, target 1.5x); same figures")  # fmt: skip
        tps, ok_clerks = bench_clerks(server, per_clerk)
        print(f"{CLERKS} clerks at once, {CLERKS * per_clerk * len(STEPS):,} transitions: "
              f"{tps:,.0f} transitions/s (target {CLERK_TARGET:,}); histories "
              f"{'complete' if ok_clerks else 'WRONG'}")  # fmt: skip
    finally:
        if cluster is not None:
            cluster.stop(root)
    fast = rate >= IMPORT_TARGET and tps >= CLERK_TARGET and ratio <= KPI_RATIO
    met = ok_import and ok_clerks and (args.quick or fast)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
