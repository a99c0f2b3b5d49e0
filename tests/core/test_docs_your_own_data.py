"""docs/your-own-data.md runs as printed: its commands on the office files it ships.

Each ``$ command`` of the page's ``console`` blocks is run by the shell in a copy of
``docs/examples/your-own-data/`` (in page order: later commands read what earlier
ones wrote). Its exit status must be 0, or the one the page writes after it as
``  # exit N``; every output line pasted under it (``…`` marks a cut) must appear in
what the command prints, spaces aside. The page's Python blocks run too.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
PAGE = ROOT / "docs" / "your-own-data.md"
EXAMPLES = ROOT / "docs" / "examples" / "your-own-data"
BIN = Path(sys.executable).parent

pytestmark = pytest.mark.slow


def _blocks(kind: str) -> list[str]:
    return re.findall(rf"^```{kind}\n(.*?)^```", PAGE.read_text(), flags=re.M | re.S)


def _commands() -> list[tuple[str, int, list[str]]]:
    """(command, expected exit status, pasted output lines) in page order."""
    steps: list[tuple[str, int, list[str]]] = []
    for block in _blocks("console"):
        for line in block.splitlines():
            if line.startswith("$ "):
                command, _, comment = line[2:].partition("  # ")
                status = re.fullmatch(r"exit (\d+)", comment.strip())
                steps.append((command.strip(), int(status[1]) if status else 0, []))
            elif line.strip() and line.strip() != "…":
                steps[-1][2].append(line)
    return steps


def _squash(text: str) -> str:
    return " ".join(text.split())


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUALITAPA_")}
    env.update(
        COLUMNS="100", NO_COLOR="1", TERM="dumb", PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    )
    return env


def test_the_page_has_commands_and_error_examples():
    steps = _commands()
    assert len(steps) >= 25
    assert {status for _, status, _ in steps} >= {0, 1, 2}
    for command, _, _ in steps:
        assert "qualitapa" in command


def test_every_example_file_is_used_by_the_page():
    page = PAGE.read_text()
    unused = [p.name for p in EXAMPLES.iterdir() if p.name not in page]
    assert not unused


def test_commands_of_the_page_run_as_printed(tmp_path):
    work = tmp_path / "your-own-data"
    shutil.copytree(EXAMPLES, work)
    env = _env()
    failures = []
    for command, status, pasted in _commands():
        run = subprocess.run(
            command,
            shell=True,  # the page's commands include pipes
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        output = _squash(run.stdout + "\n" + run.stderr)
        if run.returncode != status:
            failures.append(f"$ {command}\nexit {run.returncode}, page says {status}\n{run.stderr}")
            continue
        missing = [line for line in pasted if _squash(line) not in output]
        if missing:
            failures.append(
                f"$ {command}\npasted lines not printed any more:\n"
                + "\n".join(missing)
                + f"\n--- printed:\n{run.stdout}{run.stderr}"
            )
    assert not failures, "\n\n".join(failures)


def test_python_blocks_of_the_page_run(tmp_path):
    work = tmp_path / "your-own-data"
    shutil.copytree(EXAMPLES, work)
    for i, code in enumerate(_blocks("python")):
        script = work / f"block_{i}.py"
        script.write_text(code)
        run = subprocess.run(
            [sys.executable, "-W", "error::DeprecationWarning", str(script)],
            cwd=work,
            env=_env(),
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert run.returncode == 0, f"block {i}:\n{code}\n{run.stderr}"
