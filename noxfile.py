"""Development sessions: ``nox`` runs tests, lint and typecheck; ``nox -s bench`` the benchmarks."""

from __future__ import annotations

import glob
import os
from pathlib import Path

import nox

nox.options.sessions = ["tests", "lint", "typecheck"]
nox.options.reuse_existing_virtualenvs = True

PLUGINS = sorted(glob.glob("plugins/*/pyproject.toml"))


def _plugin_args() -> list[str]:
    # one pip call for all plugins: some depend on others (modena on qclub, registry)
    return [arg for pyproject in PLUGINS for arg in ("-e", os.path.dirname(pyproject))]


def _extra(name: str) -> list[str]:
    """The requirements of one optional-dependencies extra of pyproject.toml."""
    import tomllib

    project = tomllib.loads(Path("pyproject.toml").read_text(encoding="utf-8"))["project"]
    return list(project["optional-dependencies"][name])


def _install_all(session: nox.Session, extras: str = "dev", *pip_args: str) -> None:
    session.install(*pip_args, "-e", f".[{extras}]", *_plugin_args())


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite (core, doctests and every plugin's tests) with coverage.

    On every core, as ``pytest`` alone (pyproject's addopts: pytest-xdist ``-n auto``);
    pytest-cov gathers the workers' coverage into one report. ``-- -n 0`` runs in one
    process.
    """
    _install_all(session)
    session.run(
        "python",
        "-m",
        "pytest",
        "--cov=qualitapa",
        "--cov-report=term-missing:skip-covered",
        *session.posargs,
    )


#: The oldest versions pyproject.toml allows, per Python: its floors, raised only
#: where that Python has no wheels for the floor (numpy 1.26 and pandas 2.2.0
#: predate Python 3.13, scipy 1.11.0 predates 3.12).
FLOORS = {
    "attrs": "24.1.0",
    "babel": "2.17.0",
    "click": "8.2.1",
    "holidays": "0.86",
    "numpy": "1.26.0",
    "pandas": "2.2.0",
    "pluggy": "1.5.0",
    "regex": "2024.4.16",
    "scipy": "1.11.0",
    "openpyxl": "3.1.0",
    "jinja2": "3.1.0",
    "matplotlib": "3.8.0",
    "pyarrow": "15.0.0",
}
RAISED = {
    "3.12": {"scipy": "1.11.2"},
    "3.13": {
        "numpy": "2.1.0",
        "pandas": "2.2.3",
        "scipy": "1.14.1",
        "matplotlib": "3.9.2",
        "pyarrow": "18.0.0",
    },
}
PYTHONS = ["3.11", "3.12", "3.13"]


@nox.session(python=PYTHONS)
@nox.parametrize("deps", ["oldest", "newest"])
def tests_deps(session: nox.Session, deps: str) -> None:
    """The suite on the oldest dependency versions pyproject.toml allows, and on the newest.

    ``nox -s tests_deps`` runs the whole matrix (Python 3.11-3.13 x oldest/newest);
    ``nox -s "tests_deps-3.12(deps='oldest')"`` one cell. nox finds each Python as
    ``python3.X`` on the PATH (with pyenv: ``pyenv global 3.11 3.12 3.13``).

    By default a cell runs the fast loop (``-m "not slow"``), so that the six cells
    take minutes, not an hour: the slow tests (the demo, fuzzing, durability,
    install) mostly repeat library calls the fast tests make on more data. Pytest
    options after ``--`` replace the default: ``-- -m ""`` runs everything (do it
    for a cell whose versions you change), ``-- tests/complaints`` one area.
    """
    if deps == "oldest":
        pins = FLOORS | RAISED.get(str(session.python), {})
        constraints = Path(session.create_tmp()) / "oldest.txt"
        constraints.write_text("".join(f"{k}=={v}\n" for k, v in sorted(pins.items())))
        # create_tmp points TMPDIR into .nox/, below the working directory, where the
        # tests' temporary files would be shown as relative paths: keep the system's
        session.env.pop("TMPDIR", None)
        # every pyxform release pins openpyxl==3.1.3, above our floor 3.1.0: the
        # oldest cells go without it (tests/surveys/test_surveys_pyxform.py skips)
        dev = [r for r in _extra("dev") if not r.startswith(("pyxform", "qualitapa["))]
        session.install("-c", str(constraints), *dev)
        _install_all(session, "excel,plot,parquet", "-c", str(constraints))
    else:
        _install_all(session, "dev", "--upgrade", "--upgrade-strategy", "eager")
    session.run("python", "-m", "pip", "freeze", "--exclude-editable", silent=False)
    args = session.posargs or ["-m", "not slow"]
    if deps == "oldest":
        # docs/cli.md is generated with the newest click; click 8.2.0 wraps help
        # texts differently, so the page cannot be identical there
        stale = "tests/core/test_core_docs.py::test_cli_reference_is_up_to_date"
        args = [*args, "--deselect", stale]
    session.run("python", "-m", "pytest", "-p", "no:cacheprovider", *args)


#: axe-core, the accessibility engine the portal's browser tests run (from npm into .cache/axe).
AXE_CORE = "axe-core@4.14.1"


@nox.session
def site(session: nox.Session) -> None:
    """The portal's checks: its HTML and links, and axe-core in headless Chromium.

    Runs every test of tests/site, the slow ones too, and the demo's portal
    test (tests/demo/test_demo_site.py, which runs the demo): the site is
    built, its pages are checked (links, HTML5, headings, languages, text
    alternatives), then served on 127.0.0.1 and read by axe-core in Debian's
    Chromium through Debian's chromedriver (``apt-get install chromium
    chromium-driver``; nothing downloads a browser). axe-core comes from npm
    into .cache/axe. ``QUALITAPA_REQUIRE_BROWSER=1`` makes a missing browser
    fail, not skip. Pytest options after ``--`` are added (``-- -k axe``);
    ``QUALITAPA_SITE_DIR=demo-output/site`` runs the browser tests on a site
    already built.
    """
    _install_all(session)
    npm = ["npm", "install", "--no-save", "--no-audit", "--no-fund", "--prefix", ".cache/axe"]
    session.run(*npm, AXE_CORE, external=True)
    session.run(
        "python",
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        "-m",
        "",
        "tests/site",
        "tests/demo/test_demo_site.py",
        *session.posargs,
        env={"QUALITAPA_REQUIRE_BROWSER": "1"},
    )


@nox.session
def lint(session: nox.Session) -> None:
    """ruff check, ruff format --check and the import contracts (lint-imports)."""
    session.install("ruff>=0.6", "import-linter>=2.1")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    # import-linter reads the sources; it finds the package on the path
    session.run("lint-imports", "--no-cache", env={"PYTHONPATH": "src"})


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
def i18n(session: nox.Session) -> None:
    """Re-extract the messages of src/ and update the catalogs (pybabel extract + update).

    Reads babel.cfg (Python files and Jinja2 templates; the marking functions
    are qualitapa.i18n._extract.KEYWORDS); new Italian msgids get an empty
    translation in src/qualitapa/locale/{en,de}/LC_MESSAGES/qualitapa.po, msgids
    no longer in the source are dropped. Then translate the empty msgstr:
    tests/i18n/test_i18n_catalogs.py fails until every message has en and de.
    """
    session.install("-e", ".")
    session.run("python", "-m", "qualitapa.i18n._extract", ".")


@nox.session
def bench(session: nox.Session) -> None:
    """Run the benchmarks in benchmarks/ (pass --quick for a small smoke run)."""
    _install_all(session)
    for script in sorted(glob.glob("benchmarks/bench_*.py")):
        session.run("python", script, *session.posargs)
