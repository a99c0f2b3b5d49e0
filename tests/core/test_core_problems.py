"""The shared problems collector (qualitapa.problems)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualitapa.errors import DataError, OptionError, UnknownValueError
from qualitapa.problems import CORE_COLUMNS, Problems, Rule, check_option, empty_problems


def test_empty_table_has_the_core_columns_then_extras() -> None:
    table = empty_problems(["respondent", "action"])
    assert list(table.columns) == [*CORE_COLUMNS, "respondent", "action"]
    assert str(table["row"].dtype) == "Int64"
    assert len(table) == 0


def test_lazy_collects_everything_sorted_by_row_then_column() -> None:
    problems = Problems(source="raw.csv", extras=["respondent"])
    mask = np.array([False, True, False, True])
    problems.add(mask, column="q2", value=["a", "b", "c", "d"], rule=Rule.UNKNOWN_CODE,
                 message="unknown code", respondent=["r1", "r2", "r3", "r4"])  # fmt: skip
    problems.add([3, 1], column="q1", value=None, rule="required", message="empty")
    problems.add(None, column="q9", rule=Rule.MISSING_COLUMN, message="no column")
    table = problems.frame()
    assert list(table.columns) == [*CORE_COLUMNS, "respondent"]
    assert table["row"].tolist()[:4] == [2, 2, 4, 4]
    assert table["column"].tolist() == ["q1", "q2", "q1", "q2", "q9"]
    assert pd.isna(table["row"].iloc[-1])
    assert table["value"].tolist()[:4] == [None, "b", None, "d"]
    assert table["respondent"].tolist() == [None, "r2", None, "r4", None]
    assert table["rule"].tolist() == [
        "required", "unknown_code", "required", "unknown_code", "missing_column"
    ]  # fmt: skip
    assert set(table["source"]) == {"raw.csv"}
    assert len(problems) == 5
    assert problems.bad_rows().tolist() == [2, 4]


def test_sources_keep_the_order_they_were_met() -> None:
    problems = Problems()
    problems.add([0], column="a", rule=Rule.INVALID, message="x", source="events")
    problems.add([5], column="a", rule=Rule.INVALID, message="x", source="complaints")
    problems.add([1], column="a", rule=Rule.INVALID, message="x", source="events")
    assert problems.frame()["source"].tolist() == ["events", "events", "complaints"]
    assert problems.frame()["row"].tolist() == [1, 2, 6]


def test_order_can_be_the_order_of_discovery() -> None:
    problems = Problems(order=())
    problems.add([4], column="b", rule=Rule.INVALID, message="x")
    problems.add([0], column="a", rule=Rule.INVALID, message="x")
    assert problems.frame()["row"].tolist() == [5, 1]


@given(st.permutations(list(range(6))))
def test_row_order_of_the_input_does_not_change_the_table(order: list[int]) -> None:
    """Adding the same problems in any order gives the same table."""
    cells = [(r, f"c{r % 2}") for r in range(6)]
    problems = Problems()
    for i in order:
        row, column = cells[i]
        problems.add([row], column=column, value=str(row), rule=Rule.INVALID, message="bad")
    table = problems.frame()
    assert table["row"].tolist() == [1, 2, 3, 4, 5, 6]
    assert table["value"].tolist() == ["0", "1", "2", "3", "4", "5"]


def test_strict_raises_at_the_first_failing_check() -> None:
    problems = Problems(lazy=False, source="raw.csv", what="scores")
    problems.add(np.zeros(3, dtype=bool), column="score", rule=Rule.OUT_OF_RANGE, message="x")
    with pytest.raises(DataError) as info:
        problems.add(np.array([False, True, True]), column="score", value=[1, 120, 130],
                     rule=Rule.OUT_OF_RANGE, message="score outside 0-100")  # fmt: skip
    err = info.value
    assert (err.source, err.row, err.column) == ("raw.csv", 2, "score")
    assert str(err).startswith("raw.csv, row 2, column 'score': invalid scores: score outside")
    assert err.failure_cases is not None
    assert err.failure_cases["row"].tolist() == [2, 3]


def test_lazy_error_carries_every_problem_and_the_first_located() -> None:
    problems = Problems(source="raw.csv")
    problems.add([7], column="b", rule=Rule.NEGATIVE, message="negative", value=-1)
    problems.add([2], column="a", rule=Rule.NOT_A_NUMBER, message="not a number", value="x")
    with pytest.raises(DataError) as info:
        problems.raise_if_any()
    err = info.value
    assert (err.row, err.column) == (3, "a")
    assert err.message == "invalid data: not a number (value 'x')"
    assert err.failure_cases is not None
    assert err.failure_cases["row"].tolist() == [3, 8]
    assert "2 problem(s)" in str(err)


def test_to_error_takes_a_message_and_an_error_class() -> None:
    problems = Problems()
    problems.add([0], column="organization", rule=Rule.UNKNOWN_VALUE, message="unknown")
    err = problems.to_error("1 row(s) were not imported")
    assert err.message == "1 row(s) were not imported"

    class Mine(DataError):
        pass

    assert isinstance(problems.to_error(error=Mine), Mine)
    assert issubclass(UnknownValueError, DataError)


def test_no_problems_no_error() -> None:
    problems = Problems()
    problems.raise_if_any()
    assert not problems
    with pytest.raises(ValueError, match="no problems"):
        problems.to_error()


def test_layout_publishes_legacy_names() -> None:
    problems = Problems(
        extras=["id"],
        layout={"table": "source", "row": "row", "id": "id", "problem": "message"},
        source="complaints",
    )
    problems.add([0], column="id", rule=Rule.REQUIRED, message="the id is missing", id=None)
    assert list(problems.frame().columns) == ["table", "row", "id", "problem"]
    assert list(problems.table().columns) == [*CORE_COLUMNS, "id"]
    cases = problems.to_error().failure_cases
    assert cases is not None
    assert list(cases.columns) == ["table", "row", "id", "problem"]
    assert list(empty_problems(["id"], layout={"problem": "message"}).columns) == ["problem"]


def test_extend_and_mistakes_in_use() -> None:
    other = Problems(extras=["x"])
    other.add([1], column="a", rule=Rule.INVALID, message="m", x=1)
    problems = Problems(extras=["x"])
    problems.extend(other.table())
    assert problems.frame()["x"].tolist() == [1]
    with pytest.raises(TypeError, match="extras"):
        problems.add([0], column="a", rule=Rule.INVALID, message="m", y=2)
    with pytest.raises(ValueError, match="not a valid Rule"):
        problems.add([0], column="a", rule="no-such-rule", message="m")
    with pytest.raises(ValueError, match="values"):
        problems.add([0, 1], column="a", rule=Rule.INVALID, message=["one", "two", "three"])
    with pytest.raises(ValueError, match="layout"):
        Problems(layout={"problem": "nothing"})


def test_rule_values_are_stable_strings() -> None:
    assert Rule.NOT_A_NUMBER == "not_a_number"
    assert all(r.value == r.name.lower() for r in Rule)


def test_check_option_raises_an_option_error_that_is_a_value_error() -> None:
    check_option("drop", "row", ("row", "cell"))
    with pytest.raises(OptionError) as info:
        check_option("spread", "iqr", ("range", "sd"))
    assert isinstance(info.value, ValueError)
    assert str(info.value) == "spread must be 'range' or 'sd', not 'iqr'"
    assert (info.value.option, info.value.value) == ("spread", "iqr")
    with pytest.raises(OptionError, match="fallback must be 'mean', 'median' or None"):
        check_option("fallback", "max", ("mean", "median", None))


def test_testing_helper_checks_the_convention() -> None:
    from qualitapa.testing import assert_problems_table

    problems = Problems(extras=["invoice"])
    problems.add([0], column="amount", rule=Rule.NOT_A_NUMBER, message="bad", invoice="F-1")
    assert_problems_table(problems.frame(), extras=["invoice"])
    assert_problems_table(empty_problems())
    with pytest.raises(AssertionError, match="expected"):
        assert_problems_table(problems.frame())
    bad = problems.frame().assign(rule="mine")
    with pytest.raises(AssertionError, match="Rule values"):
        assert_problems_table(bad, extras=["invoice"])
    with pytest.raises(AssertionError, match="message"):
        assert_problems_table(problems.frame().assign(message=""), extras=["invoice"])
    with pytest.raises(AssertionError, match="from 1"):
        assert_problems_table(problems.frame().assign(row=0), extras=["invoice"])


def test_columns_mixing_numbers_and_text_still_sort() -> None:
    problems = Problems()
    problems.add([0], column=3, rule=Rule.INVALID, message="m")
    problems.add([0], column="a", rule=Rule.INVALID, message="m")
    assert problems.frame()["column"].tolist() == [3, "a"]


def test_rows_of_a_subset_keep_their_numbers_in_the_file() -> None:
    problems = Problems(rows=np.array([3, 7, 9]))
    problems.add(np.array([False, True, True]), column="a", rule=Rule.INVALID, message="m")
    assert problems.frame()["row"].tolist() == [7, 9]
    assert problems.bad_rows().tolist() == [7, 9]
