"""Fixtures of the complaint tests: a real PostgreSQL server for the register's back end.

``QUALITAPA_TEST_POSTGRES`` (set by ``.ci/run``) names a server the tests may
create schemas in. Without it the session starts a throwaway cluster
(:mod:`tests.complaints._pg_cluster`, a couple of seconds) and stops it at the
end. When no server can be started, the PostgreSQL tests are skipped saying
why, except in CI (``CI`` set), where they fail.

In a parallel run (pytest-xdist) each worker is a session of its own: without
``QUALITAPA_TEST_POSTGRES`` each starts its own cluster, on a socket folder of
its own; with it the workers share the server, and each test works in a schema
named by the worker's process id (:func:`pg_url`), so none sees another's tables.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest

from . import _pg_cluster as pg_cluster

ENV = "QUALITAPA_TEST_POSTGRES"
_schemas = itertools.count()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The URL of a PostgreSQL server (given, or a throwaway cluster started for the session)."""
    try:
        import psycopg  # noqa: F401
        import psycopg_pool  # noqa: F401
    except ImportError as exc:
        missing = f"{exc.name} is not installed (pip install 'qualitapa[postgresql]')"
        no_server(RuntimeError(missing))
    url = os.environ.get(ENV)
    if url:
        yield url
        return
    try:
        url, root = pg_cluster.start()
    except RuntimeError as exc:
        no_server(exc)
    try:
        yield url
    finally:
        pg_cluster.stop(root)


def no_server(exc: Exception) -> NoReturn:
    """Skip the PostgreSQL tests saying why; in CI (``CI`` set) fail them instead."""
    if os.environ.get("CI"):
        pytest.fail(f"CI must test the PostgreSQL register, but {exc} (set {ENV})")
    pytest.skip(f"PostgreSQL register tests skipped: {exc} (set {ENV} to a server)")


def with_schema(url: str, schema: str) -> str:
    """``url`` whose connections work in ``schema`` (libpq ``options``, URL-encoded).

    They also commit without waiting for the server to flush its WAL to disk
    (``synchronous_commit=off``: 3.4 ms a commit on this machine's disk,
    0.06 ms without). A commit is seen by every other connection at once
    either way, and no test crashes the server (the only case where the
    last commits could be lost): what the tests prove does not depend on it.
    """
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{schema}%20-csynchronous_commit%3Doff"


@pytest.fixture
def pg_url(postgres_server: str) -> Iterator[str]:
    """A register URL of its own: a fresh schema on the server, dropped after the test."""
    import psycopg

    schema = f"t{os.getpid()}_{next(_schemas)}"
    with psycopg.connect(postgres_server, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        conn.execute(f"CREATE SCHEMA {schema}")
    yield with_schema(postgres_server, schema)
    with psycopg.connect(postgres_server, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    """Where a register lives, once per back end: a SQLite file, then a PostgreSQL URL."""
    if request.param == "sqlite":
        return tmp_path / "register.db"
    return request.getfixturevalue("pg_url")
