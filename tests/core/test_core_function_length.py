"""No function in src/ is longer than 120 lines, docstring included (issue 14).

A longer function is split along its sections into private helpers; most of our
long functions are long for their numpydoc docstring, which is why the limit counts
lines and not statements (ruff's PLR0915 counts those).
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "qualitapa"
LIMIT = 120


def long_functions(source: str, name: str = "<text>") -> list[str]:
    """``name:line function (n lines)`` for every function of ``source`` over the limit."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            lines = (node.end_lineno or node.lineno) - node.lineno + 1
            if lines > LIMIT:
                found.append(f"{name}:{node.lineno} {node.name} ({lines} lines)")
    return found


def test_long_functions_counts_from_def_to_last_line():
    body = "\n".join(f"    x{i} = {i}" for i in range(LIMIT - 1))
    assert long_functions(f"def fits():\n{body}\n") == []
    assert long_functions(f"def over():\n{body}\n    x = 0\n") == [
        f"<text>:1 over ({LIMIT + 1} lines)"
    ]
    nested = f"class C:\n    def method(self):\n{body.replace('    ', '        ')}\n        y = 1\n"
    assert long_functions(nested) == [f"<text>:2 method ({LIMIT + 1} lines)"]


def test_no_function_in_src_is_longer_than_the_limit():
    found = []
    for path in sorted(SRC.rglob("*.py")):
        found += long_functions(path.read_text(encoding="utf-8"), str(path.relative_to(SRC)))
    assert found == [], "split these along their sections: " + "; ".join(found)
