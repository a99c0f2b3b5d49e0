"""Concurrent writers and a writer killed mid-transaction, with real processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from qualitapa.complaints import ComplaintRegister

# real processes: concurrent writers and kill -9, seconds each
pytestmark = pytest.mark.slow

WRITER = textwrap.dedent(
    """
    import datetime as dt, sys
    from qualitapa.complaints import Complaint, ComplaintRegister
    from qualitapa.errors import TransitionError
    path, prefix, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    t = dt.datetime(2024, 1, 8, 9, tzinfo=dt.timezone.utc)
    with ComplaintRegister(path) as reg:
        for i in range(n):
            cid = f"{prefix}-{i}"
            reg.add(Complaint(cid, "complaint", "web", "registry", t))
            reg.transition(cid, "registered", actor=prefix, at=t)
            # both writers race to reject then close the shared complaint: each
            # step can happen only once, the loser gets a TransitionError
            for to in ("rejected", "closed"):
                try:
                    reg.transition("shared", to, actor=prefix, note="race", at=t)
                except TransitionError:
                    pass
    """
)

BULK = textwrap.dedent(
    """
    import sys
    import pandas as pd
    from qualitapa.complaints import ComplaintRegister
    path, n = sys.argv[1], int(sys.argv[2])
    ids = [f"bulk-{i:07d}" for i in range(n)]
    frame = pd.DataFrame({"id": ids, "kind": "complaint", "channel": "web",
                          "service": "registry", "received_at": "2024-01-08T09:00:00+01:00",
                          "description": "x" * 200})
    with ComplaintRegister(path) as reg:
        print("importing", flush=True)
        reg.import_frame(frame)
    print("done", flush=True)
    """
)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    src = str(Path(__file__).resolve().parents[2] / "src")
    env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    return env


def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    import datetime as dt

    from qualitapa.complaints import Complaint

    path = tmp_path / "shared.db"
    with ComplaintRegister(path) as reg:
        t = dt.datetime(2024, 1, 8, 9, tzinfo=dt.UTC)
        reg.add(Complaint("shared", "complaint", "web", "registry", t))
    n = 120
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(path), name, str(n)], env=_env())
        for name in ("a", "b")
    ]
    for p in procs:
        assert p.wait(timeout=120) == 0
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


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_writer_killed_mid_transaction_leaves_a_consistent_database(tmp_path: Path) -> None:
    import datetime as dt

    from qualitapa.complaints import Complaint

    path = tmp_path / "killed.db"
    t = dt.datetime(2024, 1, 8, 9, tzinfo=dt.UTC)
    with ComplaintRegister(path) as reg:
        for i in range(5):
            reg.add(Complaint(f"kept-{i}", "praise", "letter", "libraries", t))
    wal = Path(str(path) + "-wal")
    start_size = wal.stat().st_size if wal.exists() else 0
    proc = subprocess.Popen(
        [sys.executable, "-c", BULK, str(path), "400000"],
        env=_env(),
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "importing"
    # wait until the uncommitted transaction spills pages into the WAL file
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if wal.exists() and wal.stat().st_size > start_size + 4_000_000:
            break
        assert proc.poll() is None, "the import finished before it could be killed"
        time.sleep(0.005)
    else:  # pragma: no cover - machine far too slow
        proc.kill()
        proc.wait()
        proc.stdout.close()
        pytest.fail("the import never started writing")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL
    with ComplaintRegister(path) as reg:
        # the half-written import is gone entirely; what was committed is intact
        assert len(reg) == 5
        assert sorted(reg.to_frame()["id"]) == [f"kept-{i}" for i in range(5)]
        assert len(reg.events_frame()) == 5
        assert reg.check() == []
        # and the register still takes writes
        reg.add(Complaint("after", "praise", "letter", "libraries", t))
        assert len(reg) == 6
