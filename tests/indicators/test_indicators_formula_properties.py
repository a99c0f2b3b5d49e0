"""Property-based tests of the formula language (hypothesis).

* Random expression trees render to text that parses back to the same tree,
  and the vectorised evaluation equals a plain-Python reference evaluation
  of the tree, row by row.
* Random junk text either parses or raises FormulaError; it never runs code
  (eval, exec, compile and __import__ are trapped while parsing).
"""

from __future__ import annotations

import builtins
import contextlib
import math
import re
from unittest import mock

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualitapa.errors import FormulaError
from qualitapa.indicators import Formula
from qualitapa.indicators._formula import Binary, Call, Name, Number, Unary

# hypothesis: random formula trees and token soups
pytestmark = pytest.mark.slow

NAMES = ["a", "b", "c", "x.y"]
ROWS = 6

numbers = st.one_of(
    st.integers(min_value=0, max_value=1000).map(float),
    st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False),
    st.sampled_from([0.0, 0.5, 1e-300, 1e300]),
).map(Number)
leaves = st.one_of(numbers, st.sampled_from(NAMES).map(Name))


def _extend(children: st.SearchStrategy) -> st.SearchStrategy:
    binary_ops = ["+", "-", "*", "/", "<", "<=", ">", ">=", "==", "!=", "and", "or"]
    return st.one_of(
        st.builds(Unary, st.sampled_from(["-", "+", "not"]), children),
        st.builds(Binary, st.sampled_from(binary_ops), children, children),
        st.builds(lambda a: Call("abs", (a,)), children),
        st.builds(
            Call,
            st.sampled_from(["min", "max"]),
            st.lists(children, min_size=2, max_size=3).map(tuple),
        ),
        st.builds(
            Call,
            st.sampled_from(["sum", "coalesce"]),
            st.lists(children, min_size=1, max_size=3).map(tuple),
        ),
    )


trees = st.recursive(leaves, _extend, max_leaves=12)

column_values = st.lists(
    st.one_of(
        st.sampled_from([0.0, 1.0, -1.0, math.nan, 2.5, 1e300]),
        st.floats(min_value=-1e3, max_value=1e3, allow_nan=False),
    ),
    min_size=ROWS,
    max_size=ROWS,
)


def _fin(v: float) -> float:
    return math.nan if math.isinf(v) else v


def reference(node, env: dict[str, float]) -> float:
    """Scalar evaluation with the documented semantics, written independently."""
    if isinstance(node, Number):
        return node.value
    if isinstance(node, Name):
        v = env[node.name]
        return math.nan if math.isinf(v) else v
    if isinstance(node, Unary):
        v = reference(node.operand, env)
        if math.isnan(v):
            return math.nan
        if node.op == "-":
            return -v
        if node.op == "+":
            return v
        return 1.0 if v == 0 else 0.0
    if isinstance(node, Binary):
        left = reference(node.left, env)
        right = reference(node.right, env)
        if math.isnan(left) or math.isnan(right):
            return math.nan
        op = node.op
        if op == "+":
            return _fin(left + right)
        if op == "-":
            return _fin(left - right)
        if op == "*":
            return _fin(left * right)
        if op == "/":
            return math.nan if right == 0 else _fin(left / right)
        if op == "and":
            return float(left != 0 and right != 0)
        if op == "or":
            return float(left != 0 or right != 0)
        return float(
            {
                "<": left < right,
                "<=": left <= right,
                ">": left > right,
                ">=": left >= right,
                "==": left == right,
                "!=": left != right,
            }[op]
        )
    assert isinstance(node, Call)
    args = [reference(a, env) for a in node.args]
    if node.func == "coalesce":
        return next((a for a in args if not math.isnan(a)), math.nan)
    if any(math.isnan(a) for a in args):
        return math.nan
    if node.func == "abs":
        return abs(args[0])
    if node.func == "min":
        return min(args)
    if node.func == "max":
        return max(args)
    total = args[0]
    for a in args[1:]:
        total = _fin(total + a)
        if math.isnan(total):
            return math.nan
    return total


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tree=trees, a=column_values, b=column_values, c=column_values, xy=column_values)
def test_random_trees_round_trip_and_match_the_reference(tree, a, b, c, xy) -> None:
    text = str(tree)
    formula = Formula.parse(text)
    assert formula.tree == tree
    assert Formula.parse(formula.canonical) == formula
    cols = {"a": np.array(a), "b": np.array(b), "c": np.array(c), "x.y": np.array(xy)}
    got = formula.evaluate_with_status(cols)
    values = np.broadcast_to(got.values, (ROWS,))
    expected = [reference(tree, {k: float(v[i]) for k, v in cols.items()}) for i in range(ROWS)]
    np.testing.assert_array_equal(values, expected)
    # a status is given exactly where the value is missing
    status = np.broadcast_to(got.status, (ROWS,))
    np.testing.assert_array_equal(status > 0, np.isnan(values))


def _trap(*args, **kwargs):
    raise AssertionError("the formula parser tried to run code")


JUNK_ALPHABET = st.sampled_from(
    [
        *"abcxyz_.0123456789+-*/%()[]{},:;'\"=<>!&|^~@#$\\ \t\n",
        *["__import__", "lambda", "os", "system", "eval", "exec", "min", "sum", "and", "not"],
    ]
)
NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$")


@settings(max_examples=500, deadline=None)
@given(parts=st.lists(JUNK_ALPHABET, max_size=30))
def test_junk_never_runs_code(parts: list[str]) -> None:
    text = "".join(parts)
    with (
        mock.patch.object(builtins, "eval", _trap),
        mock.patch.object(builtins, "exec", _trap),
        mock.patch.object(builtins, "compile", _trap),
    ):
        try:
            formula = Formula.parse(text, item="junk.test")
        except FormulaError as exc:
            error: FormulaError | None = exc
        else:
            error = None
    if error is not None:
        assert error.item == "junk.test"
        return
    # what parses is made of plain names only
    assert all(NAME_RE.match(name) for name in formula.variables)
    assert formula.functions <= {"abs", "min", "max", "sum", "coalesce"}


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=40))
def test_any_text_parses_or_raises_formula_error(text: str) -> None:
    with contextlib.suppress(FormulaError):
        Formula.parse(text)
