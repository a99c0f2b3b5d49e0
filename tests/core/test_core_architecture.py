"""The architecture page names the code as it is: every path it cites exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "architecture.md"
# `src/qualitapa/...` in code spans and tables; a `_module.py` written after a package
# path in the same table cell is that package's module.
PATH = re.compile(r"src/qualitapa(?:/[\w.]+)*/?")
MODULE = re.compile(r"`(_\w+\.py)`")


def cited_paths(text: str) -> list[str]:
    """Every ``src/qualitapa`` path the text cites, and the ``_modules`` of package rows."""
    paths: list[str] = []
    for line in text.splitlines():
        found = PATH.findall(line)
        paths += found
        packages = [p for p in found if p.endswith("/")]
        if len(packages) == 1:
            paths += [packages[0] + m for m in MODULE.findall(line)]
    return paths


def test_cited_paths_reads_files_packages_and_their_modules():
    assert cited_paths("| `src/qualitapa/io.py` | reading |") == ["src/qualitapa/io.py"]
    row = "| `src/qualitapa/demo/` | steps (`_run.py`), state (`_state.py`) |"
    assert cited_paths(row) == [
        "src/qualitapa/demo/",
        "src/qualitapa/demo/_run.py",
        "src/qualitapa/demo/_state.py",
    ]
    # two packages in one cell: a bare module name is not attributed to either
    assert cited_paths("`src/qualitapa/cli/`, `src/qualitapa/demo/` (`_run.py`)") == [
        "src/qualitapa/cli/",
        "src/qualitapa/demo/",
    ]


def test_the_page_cites_the_code():
    paths = cited_paths(PAGE.read_text(encoding="utf-8"))
    # the page describes every package, so it cites far more than a handful
    assert len(paths) > 60
    for package in ("indicators", "composite", "surveys", "complaints", "cli", "demo"):
        assert f"src/qualitapa/{package}/" in paths


@pytest.mark.parametrize("path", sorted(set(cited_paths(PAGE.read_text(encoding="utf-8")))))
def test_cited_path_exists(path):
    assert (ROOT / path).exists(), f"docs/architecture.md cites {path}, which does not exist"


def test_a_missing_path_is_caught():
    assert not (ROOT / cited_paths("`src/qualitapa/indicators/_composite_gone.py`")[0]).exists()
