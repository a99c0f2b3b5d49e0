"""Bad measured data is refused with every faulty row listed (``failure_cases``).

A value that is not a number (indicator values and delivery records) and an
indicator given twice for one organization and period go through one helper of
``standards._compliance`` (issue 14); these tests pin the error each one gives.
"""

from __future__ import annotations

import pandas as pd
import pytest

from qualitapa.errors import DataError
from qualitapa.standards import QualityStandard, compliance

GENERAL = QualityStandard(
    "registry.x", "registry", "timeliness", "X", "<= 20", indicator="registry.wait"
)
SPECIFIC = QualityStandard(
    "registry.w", "registry", "timeliness", "W", "<= 20",
    formula="waiting_minutes", unit="minutes", scope="specific",
)  # fmt: skip


@pytest.fixture(autouse=True)
def _english_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUALITAPA_LANG", "en")


def _cases(error: DataError) -> list[tuple[object, ...]]:
    assert error.failure_cases is not None
    assert list(error.failure_cases.columns) == ["row", "column", "value", "problem"]
    return [tuple(r) for r in error.failure_cases.itertuples(index=False)]


def test_values_that_are_not_numbers_are_all_listed() -> None:
    values = pd.DataFrame({"organization": ["a", "b", "c"], "period": "2024",
                           "indicator": "registry.wait", "value": ["10", "abc", "x"]})  # fmt: skip
    with pytest.raises(DataError) as info:
        compliance(GENERAL, indicator_values=values, source="v.csv")
    err = info.value
    # data rows are 1-based: "abc" is on row 2, "x" on row 3
    assert (err.message, err.source, err.row, err.column) == (
        "value is not a number: 'abc'",
        "v.csv",
        2,
        "value",
    )
    assert _cases(err) == [(2, "value", "abc", "not a number"), (3, "value", "x", "not a number")]


def test_a_delivery_column_that_is_not_a_number_names_its_column() -> None:
    records = pd.DataFrame({"organization": "a", "period": "2024", "waiting_minutes": [1, "zz"]})
    with pytest.raises(DataError) as info:
        compliance(SPECIFIC, deliveries=records, source="d.csv")
    err = info.value
    assert (err.message, err.row, err.column) == (
        "value is not a number: 'zz'",
        2,
        "waiting_minutes",
    )
    assert _cases(err) == [(2, "waiting_minutes", "zz", "not a number")]


def test_an_indicator_given_twice_lists_the_repeats() -> None:
    values = pd.DataFrame({"organization": ["a", "a", "b", "b"], "period": "2024",
                           "indicator": "registry.wait", "value": [1, 2, 3, 4]})  # fmt: skip
    with pytest.raises(DataError) as info:
        compliance(GENERAL, indicator_values=values, source="v.csv")
    err = info.value
    twice = "indicator given twice for the same organization and period"
    # the first of each pair is kept: rows 2 and 4 are the repeats
    assert (err.message, err.row, err.column) == (twice, 2, "indicator")
    assert _cases(err) == [(2, "indicator", "registry.wait", twice),
                           (4, "indicator", "registry.wait", twice)]  # fmt: skip
