"""compute() and check_data(): hand-computed values and statuses, long and wide input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from qualitapa import Text
from qualitapa.errors import DataError, DefinitionError, OptionError, UnknownItemError
from qualitapa.indicators import (
    COMPUTE_COLUMNS,
    IndicatorDefinition,
    check_data,
    compute,
)

NAN = np.nan


def _long(rows: list[tuple[str, int, str, object]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["organization", "period", "variable", "value"])


RAW = _long(
    [
        ("a", 2024, "certificates", 1200),
        ("a", 2024, "fte", 4),
        ("a", 2024, "online", 300),
        ("a", 2024, "cost", 5000),
        ("b", 2024, "certificates", 900),
        ("b", 2024, "fte", 0),
        ("b", 2024, "online", 450),
        ("c", 2024, "certificates", 800),
        ("c", 2024, "fte", 2),
        ("c", 2024, "cost", 1_500_000),
        ("z", 2024, "certificates", 10),  # in the catalog without a population
        ("z", 2024, "cost", 100),
        ("z", 2024, "unused_variable", "not a number but never needed"),
    ]
)


def _by_key(result: pd.DataFrame) -> dict[tuple[str, str], tuple[float, str]]:
    return {
        (str(r.indicator), str(r.organization)): (r.value, str(r.status))
        for r in result.itertuples()
    }


def test_hand_computed_values_and_statuses(registry) -> None:
    result = compute(registry, RAW)
    assert tuple(result.columns) == COMPUTE_COLUMNS
    got = _by_key(result)
    # a: 1200 certificates / 4 FTE = 300; 300 / 1200 online = 25 %; 5000 EUR / 1000 inh. = 5
    assert got["registry.certificates_per_fte", "a"] == (300.0, "ok")
    assert got["registry.online_share", "a"] == (25.0, "ok")
    assert got["registry.cost_per_inhabitant", "a"] == (5.0, "ok")
    # b: zero FTE; 450 / 900 = 50 %; no cost reported
    value, status = got["registry.certificates_per_fte", "b"]
    assert np.isnan(value)
    assert status == "zero_denominator"
    assert got["registry.online_share", "b"] == (50.0, "ok")
    assert got["registry.cost_per_inhabitant", "b"][1] == "missing_variable"
    # c: 800 / 2 = 400; online missing; 1,500,000 / 300,000 = 5
    assert got["registry.certificates_per_fte", "c"] == (400.0, "ok")
    assert got["registry.online_share", "c"][1] == "missing_variable"
    assert got["registry.cost_per_inhabitant", "c"] == (5.0, "ok")
    # z is not a registered organization: no population
    assert got["registry.cost_per_inhabitant", "z"][1] == "missing_variable"
    assert len(result) == 3 * 4
    # never a silent zero: every NaN has a reason and every reason a NaN
    assert (result["value"].isna() == (result["status"] != "ok")).all()


def test_output_order_and_dtypes(registry) -> None:
    result = compute(
        ["registry.online_share", "registry.certificates_per_fte"], RAW, catalog=registry
    )
    assert list(result["indicator"].cat.categories) == [
        "registry.online_share",
        "registry.certificates_per_fte",
    ]
    assert result["indicator"].astype(str).tolist()[:4] == ["registry.online_share"] * 4
    assert result["organization"].astype(str).tolist()[:4] == ["a", "b", "c", "z"]
    assert result["period"].dtype == np.int64
    assert result["value"].dtype == np.float64
    assert list(result["status"].cat.categories) == [
        "ok",
        "not_finite",
        "zero_denominator",
        "missing_variable",
        "invalid_input",
    ]


def test_wide_input_gives_the_same_result(registry) -> None:
    wide = RAW.pivot(index=["organization", "period"], columns="variable", values="value")
    wide = wide.reset_index().drop(columns="unused_variable")
    long_result = compute(registry, RAW)
    wide_result = compute(registry, wide)
    pd.testing.assert_frame_equal(long_result, wide_result)


def test_input_is_not_mutated(registry) -> None:
    before = RAW.copy(deep=True)
    compute(registry, RAW)
    pd.testing.assert_frame_equal(RAW, before)


def test_data_variable_wins_over_the_organization_record(registry) -> None:
    raw = pd.concat([RAW, _long([("a", 2024, "population", 2500)])], ignore_index=True)
    got = _by_key(compute(registry, raw))
    assert got["registry.cost_per_inhabitant", "a"] == (2.0, "ok")  # 5000 / 2500
    # other organizations have no population in the data: the column is the data's
    assert got["registry.cost_per_inhabitant", "c"][1] == "missing_variable"


def test_periods_are_kept_apart(registry) -> None:
    raw = _long(
        [
            ("a", 2023, "certificates", 100),
            ("a", 2023, "fte", 1),
            ("a", 2024, "certificates", 300),
            ("a", 2024, "fte", 2),
        ]
    )
    result = compute(["registry.certificates_per_fte"], raw, catalog=registry)
    assert result["period"].tolist() == [2023, 2024]
    assert result["value"].tolist() == [100.0, 150.0]


def test_text_periods_are_categorical(registry) -> None:
    raw = _long([("a", "2024-S1", "certificates", 10), ("a", "2024-S1", "fte", 2)])
    result = compute(["registry.certificates_per_fte"], raw, catalog=registry)
    assert isinstance(result["period"].dtype, pd.CategoricalDtype)
    assert result["period"].astype(str).tolist() == ["2024-S1"]


def test_invalid_input_raises_with_every_problem(registry) -> None:
    raw = pd.concat(
        [
            RAW,
            _long(
                [
                    ("d", 2024, "certificates", "12a"),  # data row 14
                    ("d", 2024, "fte", -3),  # 15: FTE cannot be negative
                    ("d", 2024, "online", 5),  # 16 and 17: duplicated
                    ("d", 2024, "online", 6),
                    ("d", 2024, "balance", -40),  # 18: allowed, nonnegative = false
                ]
            ),
        ],
        ignore_index=True,
    )
    with pytest.raises(DataError) as info:
        compute(registry, raw, source="raw.csv")
    err = info.value
    assert err.source == "raw.csv"
    assert "data row 14" in str(err)
    cases = err.failure_cases
    assert cases is not None
    assert cases["row"].tolist() == [14, 15, 16, 17]
    assert cases["variable"].tolist() == ["certificates", "fte", "online", "online"]
    assert cases["problem"].tolist() == [
        "not a number",
        "negative value for a variable that cannot be negative",
        "duplicate (organization, period, variable)",
        "duplicate (organization, period, variable)",
    ]
    assert cases["value"].tolist() == ["12a", -3, 5, 6]
    pd.testing.assert_frame_equal(check_data(raw, registry), cases)

    reported = _by_key(compute(registry, raw, errors="report"))
    assert reported["registry.certificates_per_fte", "d"][1] == "invalid_input"
    assert reported["registry.online_share", "d"][1] == "invalid_input"
    assert reported["registry.certificates_per_fte", "a"] == (300.0, "ok")


def test_negative_values_are_fine_without_a_declaration() -> None:
    # no catalog, no declared variables: nothing says the value is impossible
    ind = IndicatorDefinition("x.ratio", Text("Rapporto"), "x", "quality", "a / b", "neutral")
    raw = _long([("m", 2024, "a", -3), ("m", 2024, "b", 2)])
    assert compute([ind], raw)["value"].tolist() == [-1.5]


def test_wide_duplicates_and_non_numbers(registry) -> None:
    wide = pd.DataFrame(
        {
            "organization": ["a", "a", "b"],
            "period": [2024, 2024, 2024],
            "certificates": [10, 20, 30],
            "fte": ["1", "2", "tre"],
        }
    )
    with pytest.raises(DataError) as info:
        compute(["registry.certificates_per_fte"], wide, catalog=registry)
    cases = info.value.failure_cases
    assert cases is not None
    assert sorted(zip(cases["row"], cases["problem"], strict=True)) == [
        (1, "duplicate (organization, period) row"),
        (2, "duplicate (organization, period) row"),
        (3, "not a number"),
    ]
    result = compute(["registry.certificates_per_fte"], wide, catalog=registry, errors="report")
    assert result["status"].astype(str).tolist() == ["invalid_input", "invalid_input"]


def test_decimal_commas_are_numbers(registry) -> None:
    # certificates are a count (integer = true): the decimal comma is in the FTE
    raw = _long([("a", 2024, "certificates", "7"), ("a", 2024, "fte", "2,5")])
    assert compute(["registry.certificates_per_fte"], raw, catalog=registry)["value"].tolist() == [
        2.8
    ]


def test_rows_without_organization_or_period_always_raise(registry) -> None:
    raw = _long([("a", 2024, "certificates", 1), (None, 2024, "fte", 1)])
    for errors in ("raise", "report"):
        with pytest.raises(DataError, match="no organization or period") as info:
            compute(registry, raw, errors=errors)  # type: ignore[arg-type]
        assert info.value.row == 2


def test_missing_columns(registry) -> None:
    with pytest.raises(DataError, match="'period'"):
        compute(registry, pd.DataFrame({"organization": ["a"]}))
    with pytest.raises(DataError, match="DataFrame"):
        compute(registry, [1, 2, 3])  # type: ignore[arg-type]


def test_errors_argument_is_checked(registry) -> None:
    with pytest.raises(OptionError, match="errors must be 'raise' or 'report', not 'ignore'"):
        compute(registry, RAW, errors="ignore")  # type: ignore[arg-type]


def test_definitions_forms(registry) -> None:
    one = compute("registry.certificates_per_fte", RAW, catalog=registry)
    assert set(one["indicator"].astype(str)) == {"registry.certificates_per_fte"}
    obj = registry.indicators["registry.online_share"]
    mixed = compute([obj, "registry.certificates_per_fte"], RAW, catalog=registry)
    assert mixed["indicator"].cat.categories.tolist() == [
        "registry.online_share",
        "registry.certificates_per_fte",
    ]
    with pytest.raises(UnknownItemError, match="did you mean"):
        compute(["registry.certificates_per_ft"], RAW, catalog=registry)
    with pytest.raises(DefinitionError, match="twice"):
        compute([obj, obj], RAW)
    with pytest.raises(DefinitionError):
        compute([42], RAW)  # type: ignore[list-item]


def test_constant_formula_and_overflow() -> None:
    const = IndicatorDefinition("x.const", Text("Costante"), "x", "quality", "2 * 50", "neutral")
    huge = IndicatorDefinition(
        "x.huge", Text("Enorme"), "x", "quality", "a * 1e300", "neutral", scale=1e10
    )
    raw = _long([("m", 2024, "a", 1e10), ("n", 2024, "a", 1.0)])
    result = compute([const, huge], raw)
    assert result["value"].tolist()[:2] == [100.0, 100.0]
    # m: 1e10 * 1e300 overflows in the formula; n: 1e300 overflows when scaled by 1e10
    assert result["status"].astype(str).tolist()[2:] == ["not_finite", "not_finite"]
    assert result["value"].isna().tolist()[2:] == [True, True]


def test_empty_data(registry) -> None:
    empty = _long([])
    result = compute(registry, empty)
    assert len(result) == 0
    assert tuple(result.columns) == COMPUTE_COLUMNS
