"""The complexity baseline in pyproject.toml only shrinks.

pyproject's ``[tool.ruff.lint.per-file-ignores]`` lists, for the files that
already broke them when the rules came in (issue 14), which complexity rules
(C901, PLR0912, PLR0913, PLR0915) each file may still break. A line no longer
needed would let the file grow worse again unnoticed: this test fails on it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RULES = ("C901", "PLR0912", "PLR0913", "PLR0915")


def _baseline() -> dict[str, set[str]]:
    """The per-file entries naming a single file and a complexity rule."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    ignores = config["tool"]["ruff"]["lint"]["per-file-ignores"]
    return {
        path: {code for code in codes if code in RULES}
        for path, codes in ignores.items()
        if "*" not in path and any(code in RULES for code in codes)
    }


def _violations(paths: list[str]) -> dict[str, set[str]]:
    """The complexity violations of ``paths`` with no per-file ignore."""
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent))
    if ruff is None:
        pytest.skip("ruff is not installed next to this Python")
    out = subprocess.run(
        [ruff, "check", *paths, "--select", ",".join(RULES), "--output-format", "json",
         "--config", "lint.per-file-ignores={}", "--exit-zero"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    found: dict[str, set[str]] = {}
    for item in json.loads(out):
        name = Path(item["filename"]).resolve().relative_to(ROOT).as_posix()
        found.setdefault(name, set()).add(item["code"])
    return found


def test_every_baseline_entry_is_still_needed() -> None:
    baseline = _baseline()
    assert baseline, "the complexity baseline is gone from pyproject.toml"
    present = [path for path in baseline if (ROOT / path).exists()]
    found = _violations(present)
    stale = {
        path: sorted(codes - found.get(path, set()))
        for path, codes in baseline.items()
        if codes - found.get(path, set())
    }
    assert not stale, (
        "these files now comply with complexity rules the baseline still excuses them "
        f"from; delete the codes (or the line) in pyproject.toml: {stale}"
    )
