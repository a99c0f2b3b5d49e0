"""Attacks on the formula and expression languages (issue 13, item 9).

* a 10 MB indicator formula is refused before it is tokenised (it took 27 s
  and 1.3 GB);
* a deeply nested XLSForm expression is a :class:`FormulaError`, not a
  ``RecursionError``;
* a data package whose ``pattern`` constraint backtracks catastrophically
  (``(a+)+$``) is validated in bounded time, with a problem that says so.
"""

from __future__ import annotations

import json
import time

import pandas as pd
import pytest
from click.testing import CliRunner

from qualitapa.cli import cli
from qualitapa.errors import FormulaError
from qualitapa.indicators import Formula
from qualitapa.reporting import check_cells, validate_datapackage, write_datapackage
from qualitapa.surveys import Question, Scale
from qualitapa.surveys._expressions import MAX_DEPTH, MAX_LENGTH, Expression

from .conftest import guarded


def test_formula_length_is_checked_before_tokenising():
    text = "a+" * 5_000_000 + "a"  # 10 MB
    start = time.monotonic()
    outcome = guarded(Formula.parse, text, timeout=2.0, memory=256 << 20)
    assert outcome.kind == "error", outcome
    assert outcome.exc_type is FormulaError
    assert "longer than 4000 characters" in outcome.message
    assert time.monotonic() - start < 2.0
    assert len(outcome.message) < 1000  # the error does not carry the 10 MB text


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("(" * 1000 + "1" + ")" * 1000, f"nested more than {MAX_DEPTH} levels"),
        ("not(" * 1000 + "${a}" + ")" * 1000, f"nested more than {MAX_DEPTH} levels"),
        ("selected(" * 1000 + "${a}, 'x')" + ")" * 1000, f"nested more than {MAX_DEPTH} levels"),
        ("(" * MAX_LENGTH + "1" + ")" * MAX_LENGTH, f"longer than {MAX_LENGTH} characters"),
        ("- " * 5000 + "1 = ${a}", "expected number"),
    ],
    ids=["parentheses", "not", "selected", "long", "minus"],
)
def test_xlsform_expression_depth_is_limited(text, said):
    # 1000 levels was a RecursionError (the parser recurses 4 frames a level)
    outcome = guarded(Expression.parse, text, item="q1")
    assert outcome.kind == "error", outcome
    assert outcome.exc_type is FormulaError, outcome.trace
    assert said in outcome.message
    assert "q1" in outcome.message


def test_xlsform_expression_nesting_within_the_limit_evaluates():
    depth = MAX_DEPTH - 1
    e = Expression.parse("(" * depth + "${a} = 1" + ")" * depth)
    assert e.evaluate(pd.DataFrame({"a": [1, 2]})).tolist() == [True, False]
    nots = "not(" * depth + "${a} = 1" + ")" * depth
    expected = [depth % 2 == 0, depth % 2 == 1]
    assert Expression.parse(nots).evaluate(pd.DataFrame({"a": [1, 2]})).tolist() == expected


def test_xlsform_expression_length_is_checked_first():
    text = "${a} = 1 and " * 2_000_000 + "${a} = 1"  # 26 MB
    start = time.monotonic()
    outcome = guarded(Expression.parse, text, item="q1", timeout=2.0)
    assert outcome.kind == "error", outcome
    assert outcome.exc_type is FormulaError
    assert f"longer than {MAX_LENGTH}" in outcome.message
    assert time.monotonic() - start < 2.0
    assert len(outcome.message) < 1000


def test_question_with_deep_relevant_is_a_definition_error():
    with pytest.raises(FormulaError, match="nested"):
        Question("q", "likert", "Q", scale=Scale.likert(4), relevant="(" * 500 + "1" + ")" * 500)


# -- catastrophic backtracking in data-package patterns ---------------------------

EVIL = "(a+)+$"  # the pattern of the issue: Python's re takes minutes on "a" * 40 + "!"
EVIL_EVEN_FOR_REGEX = "(a|a)+$"  # backtracks in every backtracking engine


def test_backtracking_pattern_gives_the_right_answer_in_bounded_time():
    cells = pd.Series(["a" * 40 + "!", "aaa", "b"])
    start = time.monotonic()
    outcome = guarded(check_cells, cells, {"name": "code", "constraints": {"pattern": EVIL}})
    assert outcome.kind == "ok", outcome
    assert time.monotonic() - start < 2.0
    problems = outcome.value
    assert problems["index"].tolist() == [0, 2]
    assert set(problems["problem"]) == {"does not match the pattern"}


def test_pattern_that_backtracks_is_stopped_and_said():
    cells = pd.Series(["aaa", "a" * 40 + "!", "b", "a" * 50 + "!"])
    field = {"name": "code", "constraints": {"pattern": EVIL_EVEN_FOR_REGEX}}
    start = time.monotonic()
    outcome = guarded(check_cells, cells, field, timeout=3.0)  # 3 s of CPU at most
    assert outcome.kind == "ok", outcome
    # the wall-clock bound is loose: on a loaded shared machine 3 s of work took 3.15 s
    assert time.monotonic() - start < 15.0
    problems = outcome.value
    stopped = problems[problems["problem"].str.contains("backtrack")]
    assert stopped["index"].tolist() == [1]  # the first value that took too long
    assert "not checked further" in stopped["problem"].iloc[0]
    assert 0 not in problems["index"].tolist()  # "aaa" was checked and matches


def test_export_validate_with_a_backtracking_pattern_finishes(tmp_path):
    frame = pd.DataFrame({"code": ["a" * 30 + "!", "aaaa", "ab"]})
    write_datapackage(
        {"codes": frame},
        tmp_path,
        name="evil",
        fields={"codes": {"code": {"constraints": {"pattern": EVIL}}}},
    )
    start = time.monotonic()
    outcome = guarded(validate_datapackage, tmp_path, timeout=5.0)  # 5 s of CPU at most
    assert outcome.kind == "ok", outcome
    assert time.monotonic() - start < 25.0  # loose: wall time on a loaded machine
    problems = outcome.value
    assert set(problems["row"]) == {1, 3}
    assert set(problems["field"]) == {"code"}
    result = CliRunner().invoke(cli, ["export", "validate", str(tmp_path), "--format", "json"])
    assert result.exit_code != 0
    assert {p["row"] for p in json.loads(result.stdout)} == {1, 3}


def test_invalid_pattern_is_a_problem_not_a_crash():
    problems = check_cells(pd.Series(["a", "b"]), {"name": "x", "constraints": {"pattern": "(a"}})
    assert problems["problem"].str.contains("not a valid regular expression").all()
    assert problems["index"].tolist() == [0, 1]


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"constraints": {"minLength": "x"}}, "minLength must be a whole number"),
        ({"constraints": {"enum": 5}}, "enum must be a list"),
        ({"constraints": {"pattern": 5}}, "pattern must be text"),
        ({"constraints": []}, "'constraints' must be an object"),
        ({"type": "boolean", "trueValues": 5}, "trueValues must be a list"),
    ],
)
def test_ill_typed_schema_properties_are_problems(tmp_path, change, said):
    # each was a raw ValueError or TypeError out of export validate
    write_datapackage({"codes": pd.DataFrame({"code": ["a", "b"]})}, tmp_path, name="x")
    descriptor = tmp_path / "datapackage.json"
    package = json.loads(descriptor.read_text())
    package["resources"][0]["schema"]["fields"][0].update(change)
    descriptor.write_text(json.dumps(package))
    problems = validate_datapackage(tmp_path)
    assert problems["problem"].str.contains(said).any(), problems
