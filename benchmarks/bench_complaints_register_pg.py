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
* the KPI query (``kpis(reg.cases())`` by service and month) on 5,000,000
  complaints within 1.5x the time of the same query on the SQLite register
  holding the same complaints, with the same result.

The server is ``$QUALITAPA_TEST_POSTGRES``, else a throwaway cluster
started for the run (tests/complaints/_pg_cluster.py, default durability
settings: fsync on, synchronous commit), niced as this process is: run it
as ``nice -n 10 .venv/bin/python benchmarks/...`` on a shared machine. Each
figure is printed with the load average of the moment, and the import's
CPU seconds of this process (with the driver's threads) and of the server
(every process of the cluster, when it was started here): the durable
figures on a shared machine.

Usage::

    .venv/bin/python benchmarks/bench_complaints_register_pg.py [--quick]
    .venv/bin/python benchmarks/bench_complaints_register_pg.py --complaints 200000 --import-only

Exits non-zero if a target is missed or the register's content differs from
what was written.
"""

from __future__ import annotations

import argparse
import importlib.util
import multiprocessing
import os
import resource
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


def _client_cpu() -> float:
    """CPU seconds of this process so far (every thread)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _server_cpu(root: Path | None) -> float:
    """CPU seconds of the cluster started in ``root`` so far: the postmaster and every
    process it started (those that ended included); NaN for a server not started here."""
    if root is None:
        return float("nan")
    tick = os.sysconf("SC_CLK_TCK")
    main = int((root / "data" / "postmaster.pid").read_text().split()[0])

    def times(pid: int | str) -> tuple[int, int]:  # parent, utime + stime + cutime + cstime
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[1]), sum(int(x) for x in fields[11:15])

    total = times(main)[1]
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            parent, ticks = times(pid)
        except (OSError, IndexError, ValueError):  # ended meanwhile
            continue
        total += ticks if parent == main else 0
    return total / tick


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


def _kpis(reg: ComplaintRegister) -> pd.DataFrame:
    return kpis(reg.cases(as_of=AS_OF), by="service", period="month", as_of=AS_OF)


def bench_import(
    server: str, n: int, lite_path: Path, root: Path | None
) -> tuple[float, float, float, bool, str, tuple[float, float]]:
    """Complaints/s of the import on PostgreSQL, of a bare COPY and of the SQLite register's
    import (at ``lite_path``; the same machine, the same moment); whether the content
    matches; the register's URL (kept for the KPI query); CPU seconds of the import in
    this process and in the server (of the cluster in ``root``)."""
    import psycopg

    frame = make_complaints(n, np.random.default_rng(SEED))
    with ComplaintRegister(lite_path) as lite:
        t0 = time.perf_counter()
        lite.import_frame(frame)
        sqlite_rate = n / (time.perf_counter() - t0)
    url = _fresh(server, "bench_import")
    with ComplaintRegister(url) as reg:
        server0, client0, t0 = _server_cpu(root), _client_cpu(), time.perf_counter()
        report = reg.import_frame(frame)
        took = time.perf_counter() - t0
        cpu = (_client_cpu() - client0, _server_cpu(root) - server0)
        ok = report.imported == n and len(reg) == n
        expected_events = int((frame["status"] == "answered").sum()) * 3 + n
        ok = ok and report.events == expected_events
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
        conn.execute("DROP TABLE c")
    return n / took, n / ref, sqlite_rate, ok, url, cpu


def bench_kpis(lite_path: Path, url: str, total: int) -> tuple[float, float, bool]:
    """Seconds of the KPI query on SQLite and on PostgreSQL holding ``total`` complaints
    (both registers topped up by imports of 500,000); whether the figures are equal."""
    with ComplaintRegister(lite_path, readonly=True) as lite:
        have = len(lite)
    rng = np.random.default_rng(SEED + 2)
    with ComplaintRegister(lite_path) as lite, ComplaintRegister(url) as reg:
        while have < total:
            chunk = make_complaints(min(500_000, total - have), rng)
            chunk["id"] = [f"2024/{have + i:07d}" for i in range(len(chunk))]
            assert lite.import_frame(chunk).imported == len(chunk)
            assert reg.import_frame(chunk).imported == len(chunk)
            have += len(chunk)
        assert len(lite) == len(reg) == total
        t0 = time.perf_counter()
        lite_kpis = _kpis(lite)
        sqlite_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        pg_kpis = _kpis(reg)
        pg_s = time.perf_counter() - t0
    same = lite_kpis.equals(pg_kpis)
    if not same:
        pd.testing.assert_frame_equal(lite_kpis, pg_kpis)  # says where
    return sqlite_s, pg_s, same


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


def _load() -> str:
    return "load average " + ", ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (smoke run)")
    parser.add_argument("--complaints", type=int, help="complaints to import (1,000,000)")
    parser.add_argument(
        "--kpi-complaints", type=int, help="complaints of the KPI query (5,000,000)"
    )
    parser.add_argument("--per-clerk", type=int, help="complaints of each clerk (1,000)")
    parser.add_argument("--import-only", action="store_true", help="only the bulk import")
    args = parser.parse_args()
    n_import, n_kpi, per_clerk = (
        (20_000, 40_000, 100) if args.quick else (1_000_000, 5_000_000, 1_000)
    )
    n_import, per_clerk = args.complaints or n_import, args.per_clerk or per_clerk
    n_kpi = max(args.kpi_complaints or n_kpi, n_import)
    server = os.environ.get("QUALITAPA_TEST_POSTGRES")
    cluster = root = None
    if not server:  # started from this process: niced as this process is
        cluster = _cluster()
        server, root = cluster.start()
    print(f"{os.cpu_count()} cores; this process and the server niced {os.nice(0)}")
    try:
        with tempfile.TemporaryDirectory() as folder:
            print(_load())
            lite = Path(folder) / "r.db"
            rate, ref, lite_rate, ok_import, url, cpu = bench_import(server, n_import, lite, root)
            print(f"PostgreSQL bulk import of {n_import:,} complaints: {rate:,.0f} complaints/s "
                  f"(target {IMPORT_TARGET:,}); CPU s: client {cpu[0]:.2f}, server {cpu[1]:.2f}; "
                  f"bare COPY of the same rows: {ref:,.0f} rows/s; "
                  f"the SQLite register: {lite_rate:,.0f} complaints/s; "
                  f"content {'ok' if ok_import else 'WRONG'}; {_load()}")  # fmt: skip
            if args.import_only:
                return 0 if ok_import and (args.quick or rate >= IMPORT_TARGET) else 1
            tps, ok_clerks = bench_clerks(server, per_clerk)
            print(f"{CLERKS} clerks at once, {CLERKS * per_clerk * len(STEPS):,} transitions: "
                  f"{tps:,.0f} transitions/s (target {CLERK_TARGET:,}); histories "
                  f"{'complete' if ok_clerks else 'WRONG'}; {_load()}")  # fmt: skip
            lite_s, pg_s, same = bench_kpis(lite, url, n_kpi)
            ratio = pg_s / lite_s
            print(f"KPIs by service and month on {n_kpi:,} complaints: PostgreSQL {pg_s:.2f} s, "
                  f"SQLite {lite_s:.2f} s ({ratio:.2f}x, target {KPI_RATIO}x); "
                  f"{'same figures' if same else 'DIFFERENT figures'}; {_load()}")  # fmt: skip
    finally:
        if cluster is not None:
            cluster.stop(root)
    fast = rate >= IMPORT_TARGET and tps >= CLERK_TARGET and ratio <= KPI_RATIO
    met = ok_import and ok_clerks and same and (args.quick or fast)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
