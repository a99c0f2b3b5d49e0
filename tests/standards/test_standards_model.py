"""QualityStandard, targets and refund rules."""

from __future__ import annotations

import numpy as np
import pytest

from qualitapa.errors import DefinitionError, FormulaError
from qualitapa.standards import (
    SUB_DIMENSIONS,
    QualityDimension,
    QualityStandard,
    RefundRule,
    Scope,
    StandardTarget,
    SubDimension,
)

BASE = {
    "id": "registry.wait",
    "service": "registry",
    "dimension": "timeliness",
    "label": {"it": "Attesa allo sportello", "en": "Waiting time"},
    "formula": "waiting_minutes",
    "target": "<= 20",
    "unit": "minutes",
    "scope": "specific",
}


def test_taxonomy_of_dimensions() -> None:
    # CiVIT delibera 88/2010: four dimensions; timeliness has no sub-dimensions
    assert [d.value for d in QualityDimension] == [
        "accessibility", "timeliness", "transparency", "effectiveness"
    ]  # fmt: skip
    assert SUB_DIMENSIONS[QualityDimension.TIMELINESS] == ()
    assert len(SUB_DIMENSIONS[QualityDimension.TRANSPARENCY]) == 4
    assert SubDimension.RELIABILITY.dimension is QualityDimension.EFFECTIVENESS
    assert SubDimension.CHARGES.label.en == "Charges to the user"
    assert sum(len(v) for v in SUB_DIMENSIONS.values()) == len(SubDimension)


def test_from_mapping_builds_a_specific_standard_with_refund() -> None:
    s = QualityStandard.from_mapping(
        {**BASE, "refund": {"amount": 5, "per_unit": 1, "unit_size": 10, "cap": 20}}
    )
    assert s.scope is Scope.SPECIFIC
    assert s.refund == RefundRule(5, 1, 10, 20)
    assert s.variables == frozenset({"waiting_minutes"})
    assert s.label.get("en") == "Waiting time"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"scope": "general", "refund": {"amount": 5}}, "refund"),
        ({"dimension": "accessibility", "sub_dimension": "reliability"}, "sub_dimension"),
        ({"indicator": "registry.wait_mean"}, "indicator"),
        ({"target": {"comparator": "between", "value": 5}}, "target"),
        ({"target": "about 20"}, "target"),
        ({"dimension": "speed"}, "dimension"),
        ({"required_share": 1.5}, "required_share"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_invalid_definitions_name_the_field(change: dict[str, object], field: str) -> None:
    with pytest.raises(DefinitionError) as info:
        QualityStandard.from_mapping({**BASE, **change}, source="charter.toml")
    assert info.value.field == field
    assert info.value.source == "charter.toml"
    assert info.value.item == "registry.wait"


def test_specific_standard_needs_a_formula() -> None:
    mapping = {k: v for k, v in BASE.items() if k != "formula"}
    with pytest.raises(DefinitionError, match="each delivery"):
        QualityStandard.from_mapping({**mapping, "indicator": "registry.wait_mean"})


def test_formula_outside_the_language_is_refused() -> None:
    with pytest.raises(DefinitionError, match="cannot start with '_'") as info:
        QualityStandard.from_mapping({**BASE, "formula": "__import__('os').system('x')"})
    assert info.value.item == "registry.wait"
    assert info.value.field == "formula"
    with pytest.raises(FormulaError):
        QualityStandard("x.y", "x", "timeliness", "X", "<= 1", formula="a +* b")


def test_targets() -> None:
    ge = StandardTarget.coerce({"comparator": "at_least", "value": 90})
    assert ge.margin([95.0, 80.0]).tolist() == [5.0, -10.0]
    le = StandardTarget.coerce("<= 10")
    assert le.met([10.0, 10.5]).tolist() == [True, False]
    assert le.excess([7.0, 12.5]).tolist() == [0.0, 2.5]
    eq = StandardTarget("==", 100, tolerance=1)
    assert eq.margin([100.5, 102.0]).tolist() == [0.5, -1.0]
    between = StandardTarget.coerce({"comparator": "between", "value": [5, 10]})
    # distance to the nearer bound: 7 -> min(2, 3) = 2; 12 -> min(7, -2) = -2
    assert between.margin([7.0, 12.0, 4.0]).tolist() == [2.0, -2.0, -1.0]
    assert StandardTarget.coerce("between 5 and 10") == between
    assert between.describe("it") == "tra 5 e 10"
    assert np.isnan(ge.margin([np.nan])[0])


def test_refund_amounts() -> None:
    # 5 EUR + 1 EUR per started 10 minutes past the threshold, at most 20 EUR
    r = RefundRule(amount=5, per_unit=1, unit_size=10, cap=20)
    assert r.amounts([0.0, 5.0, 10.0, 21.0, 500.0, np.nan]).tolist() == [
        0.0, 6.0, 6.0, 8.0, 20.0, 0.0
    ]  # fmt: skip
    assert r.describe("minuti") == "5\u00a0€ + 1\u00a0€ ogni 10 minuti (al massimo 20\u00a0€)"
    with pytest.raises(DefinitionError):
        RefundRule()
