"""docs/programme.md: its commands, then its Python blocks, run as printed (slow).

The Python blocks need the store the commands fill, so this test runs both, in page
order, in one folder, and checks the figures the page states. It is the only run of
the page: ``tests/docs/test_docs_run.py`` leaves docs/programme.md to it
(``OWN_TEST`` of ``tests/docs/_runner.py``). The plain ``qualitapa`` commands run in
this process, as there.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pandas as pd
import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).parents[2]
PAGE = ROOT / "docs" / "programme.md"


def _runner():
    spec = importlib.util.spec_from_file_location("docs_runner", ROOT / "tests/docs/_runner.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["docs_runner"] = module
    spec.loader.exec_module(module)
    return module


def test_commands_and_python_blocks_run_and_say_what_the_page_says(tmp_path):
    runner = _runner()
    work = runner.prepare(PAGE, tmp_path)
    text = PAGE.read_text(encoding="utf-8")
    # in page order: the commands before each Python block, the block, then the rest
    blocks = [
        (text.count("\n", 0, found.start()) + 1, found[1])
        for found in re.finditer(r"^```python\n(.*?)^```", text, flags=re.M | re.S)
    ]
    assert len(blocks) == 5  # sections 5 and 7; training, certified services, practices
    steps = runner.runnable_steps(PAGE)
    # each block as `python -W error::DeprecationWarning block_N.py` runs it, in a child
    # forked from a Python started so that has imported qualitapa and built its catalog
    # (the docs' ForkServer): five interpreter starts were half of the test
    with runner.ForkServer(("-W", "error::DeprecationWarning")) as python:
        for i, (line, code) in enumerate(blocks):
            before = [(block, step) for block, step in steps if block.line < line]
            steps = steps[len(before) :]
            failures = runner.run_steps(before, work)
            assert not failures, "\n\n".join(failures)
            script = work / f"block_{i}.py"
            script.write_text(code, encoding="utf-8")
            run = python.run_script(script, work)
            assert run.status == 0, f"block {i}:\n{code}\n{run.stderr}"
    failures = runner.run_steps(steps, work)
    assert not failures, "\n\n".join(failures)
    report = (work / "relazione-qualita-2024.html").read_text(encoding="utf-8")
    assert "Relazione annuale sul sistema qualità 2024" in report
    actions = pd.read_csv(work / "azioni-2024.csv")
    # "14 activities have an expected result: 5 are met, 7 are not and 2 have no data ...
    # so 7 improvement actions are proposed"
    stated = re.search(
        r"(\d+) activities have an expected result: (\d+) are met, (\d+) are not and "
        r"(\d+) have\s+no data",
        text,
    )
    assert stated is not None
    n, met, not_met, no_data = (int(g) for g in stated.groups())
    assert len(actions) == not_met
    assert f"Risultati attesi: {n}; raggiunti: {met}; non raggiunti: {not_met}; " in report
    assert f"senza dati: {no_data}." in report
