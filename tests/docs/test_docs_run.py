"""The runnable commands of the docs run as printed (slow).

Each page's runnable blocks (see ``_runner``) run in page order in a folder prepared
as the page says: a copy of the example folder it ``cd``s into, the shipped files its
marks name. The exit status must be the page's (0, or ``  # exit N``) and every
output line pasted under a command must still be printed (spaces aside; ``…`` marks a
cut). docs/your-own-data.md also runs its Python blocks on its office files.

Plain ``qualitapa`` commands run in this process (``_runner.run_in_process``), shell
constructs in a shell, and every command of the pages of ``_runner.AS_PROCESSES`` as
a real process (a plain one forked from a process that has imported qualitapa,
``_runner.ForkServer``); there, each plain command also runs in this process and must
print the same. The pages of ``_runner.OWN_TEST`` run in their own test.
"""

from __future__ import annotations

import pytest

from ._runner import (
    AS_PROCESSES,
    OWN_TEST,
    ROOT,
    ForkServer,
    blocks,
    pages,
    plain_args,
    prepare,
    relative,
    run_steps,
    runnable_steps,
)

pytestmark = pytest.mark.slow

RUNNABLE = [page for page in pages() if runnable_steps(page) and relative(page) not in OWN_TEST]
YOUR_OWN_DATA = ROOT / "docs" / "your-own-data.md"
EXAMPLES = ROOT / "docs" / "examples" / "your-own-data"


@pytest.mark.parametrize("page", RUNNABLE, ids=relative)
def test_runnable_commands_of_the_page_run_as_printed(page, tmp_path):
    if relative(page) in AS_PROCESSES:  # and each plain command in this process too
        (tmp_path / "process").mkdir()
        (tmp_path / "in-process").mkdir()
        work = prepare(page, tmp_path / "process")
        twin = prepare(page, tmp_path / "in-process")
        failures = run_steps(runnable_steps(page), work, processes=True, twin=twin)
    else:
        failures = run_steps(runnable_steps(page), prepare(page, tmp_path))
    assert not failures, "\n\n".join(failures)


def test_pages_with_their_own_test_are_run_there_and_real_processes_run_somewhere():
    for page, test in OWN_TEST.items():
        assert (ROOT / page).is_file()
        assert page in (ROOT / test).read_text(encoding="utf-8")
    assert all(runnable_steps(ROOT / page) for page in AS_PROCESSES)


def test_your_own_data_has_commands_and_error_examples():
    steps = [step for _, step in runnable_steps(YOUR_OWN_DATA)]
    assert len(steps) >= 25
    assert {step.status for step in steps} >= {0, 1, 2}
    assert all("qualitapa" in step.command for step in steps)
    assert sum(plain_args(step.command) is not None for step in steps) >= 25  # compared
    assert all(b.runnable for b in blocks(YOUR_OWN_DATA) if b.lang == "console")


def test_every_example_file_is_used_by_your_own_data():
    page = YOUR_OWN_DATA.read_text(encoding="utf-8")
    unused = [p.name for p in EXAMPLES.iterdir() if p.name not in page]
    assert not unused


def test_python_blocks_of_your_own_data_run(tmp_path):
    import re

    work = prepare(YOUR_OWN_DATA, tmp_path)
    code_blocks = re.findall(
        r"^```python\n(.*?)^```", YOUR_OWN_DATA.read_text(encoding="utf-8"), flags=re.M | re.S
    )
    assert code_blocks
    # each block as `python -W error::DeprecationWarning block_N.py` runs it, in a child
    # forked from a Python started so that has imported qualitapa and built its catalog
    # (_runner.ForkServer): three interpreter starts were most of the test
    with ForkServer(("-W", "error::DeprecationWarning")) as python:
        for i, code in enumerate(code_blocks):
            script = work / f"block_{i}.py"
            script.write_text(code, encoding="utf-8")
            run = python.run_script(script, work)
            assert run.status == 0, f"block {i}:\n{code}\n{run.stderr}"
