"""Invoice checks follow qualitapa's problems convention (checked with qualitapa.testing)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from qualitapa_finance import (
    INVOICE_PROBLEM_EXTRAS,
    check_invoices,
    invoice_variables,
    validate_invoices,
)

from qualitapa.errors import DataError, OptionError
from qualitapa.testing import Rule, assert_problems_table


def _invoices() -> pd.DataFrame:
    """Invoices as the demo file (and an accounting export) has them, read as text."""
    return pd.DataFrame(
        {
            "organization": ["001272", "001272", "001272", "036023", "036023"],
            "invoice_id": ["FT2024-00001", "FT2024-00002", "FT2024-00003", "FT2024-00001",
                           "FT2024-00002"],
            "amount": ["2088.44", "21584.55", "786.25", "1200", "310.5"],
            "due_date": ["2023-12-02", "2023-12-08", "2024-03-14", "2024-01-31", "2024-06-30"],
            "payment_date": ["2024-02-23", "2024-01-01", "", "2024-01-30", "2024-07-15"],
            "suspended_days": ["", "", "", "", "10"],
        }
    )  # fmt: skip


def _set(row: int, column: str, value: object) -> pd.DataFrame:
    out = _invoices()
    if isinstance(value, float):  # a number cell among text cells, as Excel gives them
        out[column] = out[column].astype(object)
    out.loc[row - 1, column] = value
    return out


def _found(problems: pd.DataFrame) -> set[tuple[object, ...]]:
    """``(row, column, value, rule, invoice)`` of each problem (None when blank)."""
    return {
        (
            None if pd.isna(r.row) else int(r.row),
            r.column,
            None if r.value is None or pd.isna(r.value) else str(r.value),
            r.rule,
            r.invoice,
        )
        for r in problems.itertuples()
    }


CASES: dict[str, tuple[Callable[[], pd.DataFrame], set[tuple[object, ...]]]] = {
    "missing organization": (
        lambda: _set(2, "organization", " "),
        {(2, "organization", " ", Rule.REQUIRED, "FT2024-00002")},
    ),
    "amount not a number": (
        lambda: _set(1, "amount", "duemila"),
        {(1, "amount", "duemila", Rule.NOT_A_NUMBER, "FT2024-00001")},
    ),
    "amount reading two ways (no convention declared)": (
        lambda: _set(1, "amount", "1.234"),
        {(1, "amount", "1.234", Rule.NOT_A_NUMBER, "FT2024-00001")},
    ),
    "amount missing": (
        lambda: _set(3, "amount", None),
        {(3, "amount", None, Rule.NOT_A_NUMBER, "FT2024-00003")},
    ),
    "credit note not netted": (
        lambda: _set(4, "amount", "-1200"),
        {(4, "amount", "-1200", Rule.OUT_OF_RANGE, "FT2024-00001")},
    ),
    "amount not finite": (
        lambda: _set(5, "amount", float("inf")),
        {(5, "amount", "inf", Rule.OUT_OF_RANGE, "FT2024-00002")},
    ),
    "due date missing": (
        lambda: _set(2, "due_date", ""),
        {(2, "due_date", "", Rule.REQUIRED, "FT2024-00002")},
    ),
    "due date month first": (
        lambda: _set(1, "due_date", "12/31/2023"),
        {(1, "due_date", "12/31/2023", Rule.NOT_A_DATE, "FT2024-00001")},
    ),
    "due date with a two-digit year": (
        lambda: _set(1, "due_date", "02/12/23"),
        {(1, "due_date", "02/12/23", Rule.NOT_A_DATE, "FT2024-00001")},
    ),
    "payment date impossible": (
        lambda: _set(4, "payment_date", "2024-02-30"),
        {(4, "payment_date", "2024-02-30", Rule.NOT_A_DATE, "FT2024-00001")},
    ),
    "suspended days not a number": (
        lambda: _set(5, "suspended_days", "dieci"),
        {(5, "suspended_days", "dieci", Rule.NOT_A_NUMBER, "FT2024-00002")},
    ),
    "negative suspended days": (
        lambda: _set(5, "suspended_days", "-3"),
        {(5, "suspended_days", "-3", Rule.NEGATIVE, "FT2024-00002")},
    ),
    "invoice number twice in a city": (
        lambda: _set(3, "invoice_id", "FT2024-00001"),
        {
            (1, "invoice_id", "FT2024-00001", Rule.DUPLICATE, "FT2024-00001"),
            (3, "invoice_id", "FT2024-00001", Rule.DUPLICATE, "FT2024-00001"),
        },
    ),
    "payment date column missing": (
        lambda: _invoices().drop(columns="payment_date"),
        {(None, "payment_date", None, Rule.MISSING_COLUMN, None)},
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_rule_names_row_column_value_and_invoice(case: str) -> None:
    make, expected = CASES[case]
    problems = check_invoices(make(), suspended_days="suspended_days", source="fatture.csv")
    assert_problems_table(problems, extras=INVOICE_PROBLEM_EXTRAS)
    assert _found(problems) == expected
    assert set(problems["source"]) == {"fatture.csv"}


def _many_faults() -> pd.DataFrame:
    bad = _invoices()
    bad.loc[0, "amount"] = "duemila"
    bad.loc[2, "due_date"] = "03/14/2024"  # month first
    bad.loc[4, "suspended_days"] = "-3"
    return bad


def test_lazy_collects_every_problem_and_keeps_the_good_invoices() -> None:
    bad = _many_faults()
    clean, problems = validate_invoices(bad, suspended_days="suspended_days")
    assert problems[["row", "column"]].values.tolist() == [
        [1, "amount"],
        [3, "due_date"],
        [5, "suspended_days"],
    ]
    pd.testing.assert_frame_equal(clean, bad.iloc[[1, 3]])  # as given, original index
    # the variables of the clean invoices are those of the good rows alone
    pd.testing.assert_frame_equal(
        invoice_variables(clean, suspended_days="suspended_days"),
        invoice_variables(_invoices().iloc[[1, 3]], suspended_days="suspended_days"),
    )


def test_strict_raises_a_data_error_with_every_problem() -> None:
    bad = _many_faults()
    with pytest.raises(DataError) as info:
        validate_invoices(bad, suspended_days="suspended_days", source="f.csv", mode="strict")
    err = info.value
    assert (err.source, err.row, err.column) == ("f.csv", 1, "amount")
    assert err.failure_cases is not None
    pd.testing.assert_frame_equal(
        err.failure_cases, check_invoices(bad, suspended_days="suspended_days", source="f.csv")
    )


def test_lazy_false_stops_at_the_first_check() -> None:
    with pytest.raises(DataError) as info:
        validate_invoices(_many_faults(), suspended_days="suspended_days", lazy=False)
    cases = info.value.failure_cases
    assert cases is not None
    assert cases[["row", "column"]].values.tolist() == [[1, "amount"]]


def test_clean_invoices_give_no_problems_and_the_same_frame() -> None:
    invoices = _invoices()
    before = invoices.copy()
    clean, problems = validate_invoices(invoices, suspended_days="suspended_days")
    assert problems.empty
    assert_problems_table(problems, extras=INVOICE_PROBLEM_EXTRAS)
    pd.testing.assert_frame_equal(clean, before)
    pd.testing.assert_frame_equal(invoices, before)  # the caller's frame is not modified
    strict, _ = validate_invoices(invoices, suspended_days="suspended_days", mode="strict")
    pd.testing.assert_frame_equal(strict, before)


def test_a_missing_column_leaves_nothing_clean() -> None:
    clean, problems = validate_invoices(_invoices().drop(columns="amount"))
    assert clean.empty
    assert problems["rule"].tolist() == [Rule.MISSING_COLUMN]
    assert "required column is missing" in problems["message"].iloc[0]


def test_bad_mode_is_an_option_error() -> None:
    with pytest.raises(OptionError, match="mode must be 'lenient' or 'strict', not 'raise'"):
        validate_invoices(_invoices(), mode="raise")  # type: ignore[arg-type]


def _multiset(problems: pd.DataFrame, origin: np.ndarray) -> Counter[tuple[object, ...]]:
    return Counter(
        (
            None if pd.isna(r.row) else int(origin[int(r.row) - 1]),
            r.column,
            None if r.value is None or pd.isna(r.value) else str(r.value),
            r.rule,
            r.invoice,
        )
        for r in problems.itertuples()
    )


@pytest.mark.slow
@settings(deadline=None)  # the machines are shared (as tests/conftest.py's profiles)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["001272", "036023", "", None]),
            st.sampled_from(["F1", "F2", "F3", None]),
            st.sampled_from(["100", "2088.44", "-5", "0", "x", None]),
            st.sampled_from(["2024-01-31", "31/01/2024", "", "2024-02-30"]),
            st.sampled_from(["2024-02-15", "", "15/02/2024"]),
            st.sampled_from(["", "10", "-1", "dieci"]),
        ),
        min_size=1,
        max_size=12,
    ),
    st.randoms(use_true_random=False),
)
def test_row_order_does_not_change_the_problems(
    rows: list[tuple[object, ...]], rnd: object
) -> None:
    columns = ["organization", "invoice_id", "amount", "due_date", "payment_date", "suspended"]
    table = pd.DataFrame(rows, columns=columns)
    order = np.arange(len(table))
    rnd.shuffle(order)  # type: ignore[attr-defined]
    shuffled = table.iloc[order].reset_index(drop=True)
    before = check_invoices(table, suspended_days="suspended")
    after = check_invoices(shuffled, suspended_days="suspended")
    assert _multiset(after, order) == _multiset(before, np.arange(len(table)))


def test_two_exports_stacked_drop_only_the_faulty_invoice() -> None:
    # two monthly exports concatenated without ignore_index: index labels repeat
    january, february = _invoices().iloc[:3], _invoices().iloc[3:].reset_index(drop=True)
    february.loc[0, "amount"] = "x"
    stacked = pd.concat([january, february])
    assert stacked.index.has_duplicates
    clean, problems = validate_invoices(stacked)
    assert problems["row"].tolist() == [4]
    assert clean["invoice_id"].tolist() == ["FT2024-00001", "FT2024-00002", "FT2024-00003",
                                            "FT2024-00002"]  # fmt: skip
