"""Run the examples in every public docstring of the package (numpydoc Examples sections)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import qualitapa

MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(qualitapa.__path__, prefix="qualitapa.")
    if "._templates" not in m.name
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # examples that write files write them here
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False
    )
    failures = []
    for test in finder.find(module, name):
        if test.lineno is None or not test.examples:
            continue
        out: list[str] = []
        result = runner.run(test, out=out.append)
        if result.failed:
            failures.append("".join(out))
    assert not failures, "\n".join(failures)
