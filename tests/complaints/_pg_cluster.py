"""A throwaway PostgreSQL cluster for the register's tests and benchmarks.

``.ci/run`` starts one and exports ``QUALITAPA_TEST_POSTGRES``; without it,
:func:`start` does the same for a developer's ``pytest`` (and the
benchmarks): ``initdb`` in a temporary folder, the server on a Unix socket
in that folder only (no TCP), trust authentication, stopped by
:func:`stop`. ``initdb`` and ``postgres`` refuse to run as root: as root
they run as the ``postgres`` user (``runuser``).

Run as a script it starts a cluster and prints ``export
QUALITAPA_TEST_POSTGRES=...`` (and the folder to stop it with ``stop``).
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

#: The port of the throwaway cluster. With TCP off, the port only names the socket file in
#: the cluster's own folder: clusters of parallel test workers (and a real server) do not clash.
PORT = 54329


def binaries() -> Path | None:
    """The folder of ``initdb`` and ``pg_ctl`` (Debian's versioned folder, else PATH)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), reverse=True)
    if found:
        return Path(found[0]).parent
    pg_ctl = shutil.which("pg_ctl")
    return Path(pg_ctl).parent if pg_ctl else None


def _as_server_user(cmd: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return cmd
    return ["runuser", "-u", "postgres", "--", *cmd]


def start(base: str | None = None) -> tuple[str, Path]:
    """Start a cluster; return its URL and its folder. Raises RuntimeError saying why not."""
    bindir = binaries()
    if bindir is None:
        raise RuntimeError("no PostgreSQL server binaries (initdb, pg_ctl) on this machine")
    root = Path(tempfile.mkdtemp(prefix="qualitapa-pg-", dir=base))
    data, sock = root / "data", root / "sock"
    sock.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(sock, "postgres")
    run = {"check": True, "capture_output": True, "text": True, "timeout": 120}
    try:
        subprocess.run(
            _as_server_user([str(bindir / "initdb"), "-D", str(data), "-U", "postgres",
                             "-A", "trust", "-E", "UTF8", "--no-sync"]),
            **run,
        )  # fmt: skip
        options = f"-k {sock} -p {PORT} -c listen_addresses='' -c max_connections=200"
        subprocess.run(
            _as_server_user([str(bindir / "pg_ctl"), "-D", str(data), "-o", options,
                             "-l", str(root / "server.log"), "-w", "-t", "60", "start"]),
            **run,
        )  # fmt: skip
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        detail = getattr(exc, "stderr", "") or str(exc)
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"could not start a PostgreSQL cluster: {detail.strip()}") from exc
    return f"postgresql://postgres@/postgres?host={sock}&port={PORT}", root


def stop(root: Path) -> None:
    """Stop the cluster started in ``root`` and remove its folder."""
    bindir = binaries()
    if bindir is not None and (root / "data").exists():
        subprocess.run(
            _as_server_user([str(bindir / "pg_ctl"), "-D", str(root / "data"), "-m", "fast",
                             "-w", "stop"]),
            capture_output=True,
            timeout=60,
            check=False,
        )  # fmt: skip
    shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "stop":
        stop(Path(sys.argv[2]))
    else:
        url, folder = start()
        print(f"export QUALITAPA_TEST_POSTGRES='{url}'")
        print(f"# stop with: python {__file__} stop {folder}")
