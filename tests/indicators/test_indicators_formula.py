"""The formula language: parsing, errors, vectorised evaluation and statuses."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from qualitapa.errors import DataError, FormulaError
from qualitapa.indicators import Formula, ValueStatus

NAN = np.nan


# -- parsing ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("a/b", "a / b"),
        ("a - (b - c)", "a - (b - c)"),
        ("(a - b) - c", "a - b - c"),
        ("a / (b * c)", "a / (b * c)"),
        ("-a * -b", "-a * -b"),
        ("--a", "--a"),
        ("not a < b and c or d", "not a < b and c or d"),
        ("(a < b) == (c > d)", "(a < b) == (c > d)"),
        ("min(a, b, 3) + coalesce(x.y, 0)", "min(a, b, 3) + coalesce(x.y, 0)"),
        ("1e3 * .5", "1000 * 0.5"),
        ("registry.certificates / registry.fte", "registry.certificates / registry.fte"),
    ],
)
def test_parse_and_render_round_trip(text: str, canonical: str) -> None:
    f = Formula.parse(text)
    assert f.canonical == canonical
    assert Formula.parse(f.canonical) == f
    assert f.text == text


def test_variables_and_functions_are_known_before_evaluation() -> None:
    f = Formula.parse("coalesce(online, 0) / (online + counter) * 100 + abs(x.y)")
    assert f.variables == frozenset({"online", "counter", "x.y"})
    assert f.functions == frozenset({"coalesce", "abs"})


@pytest.mark.parametrize(
    ("text", "token", "position", "words"),
    [
        ("a[0]", "[", 1, "subscripts"),
        ("x.__class__", "__class__", 2, "'_'"),
        ("__import__('os')", "__import__", 0, "'_'"),
        ("open('f')", "'", 5, "text"),
        ('a + "b"', '"', 4, "text"),
        ("lambda x: x", "lambda", 0, "reserved"),
        ("[x for x in y]", "[", 0, "subscripts"),
        ("foo(a)", "foo", 0, "unknown function"),
        ("a.b(c)", "a.b", 0, "unknown function"),
        ("a ** 2", "**", 2, "powers"),
        ("a = b", "=", 2, "=="),
        ("a b", "b", 2, "missing operator"),
        ("2x", "2x", 0, "malformed number"),
        ("a < b < c", "<", 6, "chain"),
        ("abs(a, b)", "abs", 0, "exactly 1"),
        ("min(a)", "min", 0, "at least 2"),
        ("min + 1", "min", 0, "is a function"),
        ("a; b", ";", 1, "single expression"),
        ("a & b", "&", 2, "and"),
        ("1e999", "1e999", 0, "too large"),
        ("None", "None", 0, "reserved"),
    ],
)
def test_outside_the_grammar_is_a_formula_error(
    text: str, token: str, position: int, words: str
) -> None:
    with pytest.raises(FormulaError) as info:
        Formula.parse(text, item="registry.example", source="defs.toml")
    err = info.value
    assert err.token == token
    assert err.position == position
    assert err.item == "registry.example"
    assert err.source == "defs.toml"
    assert words in str(err)
    assert "registry.example" in str(err)


@pytest.mark.parametrize("text", ["", "   ", "(a", "a +", "min(a,", "min(a, b,)"])
def test_incomplete_formulas(text: str) -> None:
    with pytest.raises(FormulaError):
        Formula.parse(text)


def test_pathological_nesting_is_refused_not_a_recursion_error() -> None:
    with pytest.raises(FormulaError, match="nested"):
        Formula.parse("(" * 200 + "a" + ")" * 200)
    with pytest.raises(FormulaError, match="nested"):
        Formula.parse("-" * 200 + "a")
    with pytest.raises(FormulaError, match="nested"):
        Formula.parse("not " * 200 + "a")
    with pytest.raises(FormulaError, match="complex"):
        Formula.parse("+".join(["a"] * 150))
    with pytest.raises(FormulaError, match="longer"):
        Formula.parse("a" * 5000)


def test_non_text_formula() -> None:
    with pytest.raises(FormulaError, match="text"):
        Formula.parse(3)  # type: ignore[arg-type]


# -- evaluation ------------------------------------------------------------


def test_vectorised_arithmetic_matches_numpy() -> None:
    rng = np.random.default_rng(1)
    a, b, c = rng.normal(size=(3, 50))
    f = Formula.parse("(a + b) * c - a / 2 + -b")
    np.testing.assert_allclose(f.evaluate({"a": a, "b": b, "c": c}), (a + b) * c - a / 2 - b)


def test_series_scalars_and_broadcasting() -> None:
    f = Formula.parse("loans / population * 1000")
    out = f.evaluate({"loans": pd.Series([500, 80]), "population": 1000})
    assert out.dtype == np.float64
    assert out.tolist() == [500.0, 80.0]
    assert Formula.parse("2 + 3 * 4").evaluate({}).item() == 14.0


def test_division_by_zero_gives_nan_and_status() -> None:
    f = Formula.parse("a / b")
    res = f.evaluate_with_status({"a": np.array([1.0, NAN, 2.0, 0.0]), "b": [0.0, 4, 4, 0]})
    np.testing.assert_array_equal(res.values, [NAN, NAN, 0.5, NAN])
    assert res.labels().tolist() == [
        "zero_denominator",
        "missing_variable",
        "ok",
        "zero_denominator",
    ]


def test_missing_beats_zero_denominator_and_invalid_beats_both() -> None:
    # row 0: a missing and b == 0 -> missing; row 1: a flagged invalid
    f = Formula.parse("a / b")
    res = f.evaluate_with_status(
        {"a": np.array([NAN, 5.0]), "b": np.array([0.0, 0.0])},
        input_status={"a": np.array([0, ValueStatus.INVALID], dtype=np.int8)},
    )
    assert res.status.tolist() == [ValueStatus.MISSING, ValueStatus.INVALID]
    assert np.isnan(res.values).all()


def test_overflow_is_not_finite() -> None:
    res = Formula.parse("a * 1e308 * 10").evaluate_with_status({"a": np.array([1.0, 0.0])})
    assert np.isnan(res.values[0])
    assert res.values[1] == 0.0
    assert res.labels().tolist() == ["not_finite", "ok"]


def test_functions() -> None:
    cols = {
        "a": np.array([1.0, -4.0, NAN]),
        "b": np.array([3.0, 2.0, 1.0]),
        "c": np.array([NAN, NAN, 7.0]),
    }
    np.testing.assert_array_equal(Formula.parse("min(a, b)").evaluate(cols), [1, -4, NAN])
    np.testing.assert_array_equal(Formula.parse("max(a, b, 0)").evaluate(cols), [3, 2, NAN])
    np.testing.assert_array_equal(Formula.parse("sum(a, b)").evaluate(cols), [4, -2, NAN])
    np.testing.assert_array_equal(Formula.parse("abs(a)").evaluate(cols), [1, 4, NAN])
    np.testing.assert_array_equal(Formula.parse("coalesce(c, a, 0)").evaluate(cols), [1, -4, 7])
    res = Formula.parse("coalesce(c, a)").evaluate_with_status(
        {"a": np.array([NAN, 2.0]), "c": np.array([NAN, NAN])}
    )
    assert res.labels().tolist() == ["missing_variable", "ok"]


def test_coalesce_clears_a_zero_denominator() -> None:
    res = Formula.parse("coalesce(a / b, 0)").evaluate_with_status(
        {"a": np.array([1.0, 1.0]), "b": np.array([0.0, 2.0])}
    )
    assert res.values.tolist() == [0.0, 0.5]
    assert res.status.tolist() == [0, 0]


def test_comparisons_and_logic_give_zero_one_and_propagate_nan() -> None:
    cols = {"a": np.array([1.0, 5.0, NAN]), "b": np.array([2.0, 2.0, 2.0])}
    np.testing.assert_array_equal(Formula.parse("a < b").evaluate(cols), [1, 0, NAN])
    np.testing.assert_array_equal(Formula.parse("a >= b").evaluate(cols), [0, 1, NAN])
    np.testing.assert_array_equal(Formula.parse("a == 1").evaluate(cols), [1, 0, NAN])
    np.testing.assert_array_equal(Formula.parse("a != 1").evaluate(cols), [0, 1, NAN])
    np.testing.assert_array_equal(Formula.parse("a > 0 and b > 3").evaluate(cols), [0, 0, NAN])
    np.testing.assert_array_equal(Formula.parse("a > 2 or b > 1").evaluate(cols), [1, 1, NAN])
    np.testing.assert_array_equal(Formula.parse("not a > 2").evaluate(cols), [1, 0, NAN])


def test_missing_column_and_non_numeric_column_are_data_errors() -> None:
    f = Formula.parse("a / b", item="x.y")
    with pytest.raises(DataError, match=r"'b'.*x\.y"):
        f.evaluate({"a": [1.0]})
    with pytest.raises(DataError, match="not numeric"):
        f.evaluate({"a": ["x"], "b": [1.0]})
    with pytest.raises(DataError, match="lengths"):
        f.evaluate({"a": [1.0, 2.0], "b": [1.0, 2.0, 3.0]})


def test_equality_ignores_layout() -> None:
    assert Formula.parse("a/b") == Formula.parse(" ( a ) / b ")
    assert Formula.parse("a/b") != Formula.parse("b/a")
    assert hash(Formula.parse("a/b")) == hash(Formula.parse("(a)/(b)"))
