"""Development sessions: ``nox`` runs tests, lint and typecheck; ``nox -s bench`` the benchmarks."""

from __future__ import annotations

import glob
import os

import nox

nox.options.sessions = ["tests", "lint", "typecheck"]
nox.options.reuse_existing_virtualenvs = True

PLUGINS = sorted(glob.glob("plugins/*/pyproject.toml"))


def _plugin_args() -> list[str]:
    # one pip call for all plugins: some depend on others (modena on qclub, registry)
    return [arg for pyproject in PLUGINS for arg in ("-e", os.path.dirname(pyproject))]


def _install_all(session: nox.Session, extras: str = "dev") -> None:
    session.install("-e", f".[{extras}]", *_plugin_args())


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite (core, doctests and every plugin's tests) with coverage."""
    _install_all(session)
    session.run(
        "python",
        "-m",
        "pytest",
        "--cov=qualitapa",
        "--cov-report=term-missing:skip-covered",
        *session.posargs,
    )


@nox.session
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check."""
    session.install("ruff>=0.6")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy on src/."""
    _install_all(session)
    session.run("mypy")


@nox.session
def docs(session: nox.Session) -> None:
    """Build the documentation site with warnings as errors."""
    _install_all(session, "docs,plot,excel")
    session.run("mkdocs", "build", "--strict", "--site-dir", "site")


@nox.session
def bench(session: nox.Session) -> None:
    """Run the benchmarks in benchmarks/ (pass --quick for a small smoke run)."""
    _install_all(session)
    for script in sorted(glob.glob("benchmarks/bench_*.py")):
        session.run("python", script, *session.posargs)
