"""CAF scores and consensus follow the problems convention of qualitapa.problems.

``check_*`` returns the problems table, ``validate_*`` returns ``(clean, problems)``
and raises in strict mode; every problem of the input is reported at once.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pytest

from qualitapa.caf import (
    check_consensus,
    check_scores,
    consolidate,
    subcriterion_ids,
    validate_consensus,
    validate_scores,
)
from qualitapa.errors import DataError, OptionError
from qualitapa.problems import Rule
from qualitapa.testing import assert_problems_table

IDS = list(subcriterion_ids())
ENABLER_IDS = list(subcriterion_ids("enablers"))


def _sheet() -> pd.DataFrame:
    """Two assessors' classical scores for the 28 sub-criteria, as ``read_table`` gives them.

    The shape of an office's filled-in template (``caf template``): Rossi on rows
    1-28, Bianchi on rows 29-56, half points (``28,5`` in the file), blank texts.
    """
    scores = [round(20 + (i * 7.5) % 70, 1) for i in range(28)]
    return pd.DataFrame(
        {
            "assessor": ["Rossi"] * 28 + ["Bianchi"] * 28,
            "subcriterion": IDS * 2,
            "title": ["Orientare l'organizzazione"] * 56,
            "score": scores + [s + 10 for s in scores],
            "not_assessed": [""] * 56,
            "evidence": [""] * 56,
            "strengths": [""] * 56,
            "improvements": [""] * 56,
        }
    )


def _fine_sheet() -> pd.DataFrame:
    """One assessor's fine-tuned scores: PDCA phases on enablers, trends/targets on results."""
    enabler = [sub in ENABLER_IDS for sub in IDS]
    return pd.DataFrame(
        {
            "assessor": ["Verdi"] * 28,
            "subcriterion": IDS,
            "plan": [40.0 if e else None for e in enabler],
            "do": [30.0 if e else None for e in enabler],
            "check": [20.0 if e else None for e in enabler],
            "act": [10.0 if e else None for e in enabler],
            "trends": [None if e else 60.0 for e in enabler],
            "targets": [None if e else 50.0 for e in enabler],
        }
    )


def _row_of(sub: str, frame: pd.DataFrame) -> int:
    """The 1-based data row of the first row of ``sub``."""
    return int((frame["subcriterion"] == sub).to_numpy().argmax()) + 1


def _cell(value: object) -> object:
    return None if value is None or pd.isna(value) else str(value)


def _found(problems: pd.DataFrame) -> set[tuple[object, ...]]:
    """``(row, column, value, rule)`` of each problem (value as text, None when blank)."""
    return {
        (None if pd.isna(r.row) else int(r.row), r.column, _cell(r.value), r.rule)
        for r in problems.itertuples()
    }


def _set(frame: pd.DataFrame, row: int, column: str, value: object) -> pd.DataFrame:
    """``frame`` with data row ``row`` (1-based) of ``column`` set to ``value``."""
    out = frame.copy()
    if isinstance(value, str) and out[column].dtype != object:
        out[column] = out[column].astype(object)
    out.loc[row - 1, column] = value
    return out


R6_1 = _row_of("6.1", _fine_sheet())

# each: the bad input and the problems it must give (row, column, value as text, rule)
SCORE_CASES: dict[str, tuple[Callable[[], pd.DataFrame], set[tuple[object, ...]]]] = {
    "unknown sub-criterion": (
        lambda: _set(_sheet(), 3, "subcriterion", "1.9"),
        {(3, "subcriterion", "1.9", Rule.UNKNOWN_VALUE)},
    ),
    "missing assessor": (
        lambda: _set(_sheet(), 5, "assessor", ""),
        {(5, "assessor", "", Rule.REQUIRED)},
    ),
    "score not a number": (
        lambda: _set(_sheet(), 7, "score", "tanto"),
        {(7, "score", "tanto", Rule.NOT_A_NUMBER)},
    ),
    "score above 100 (Italian thousands)": (
        lambda: _set(_sheet(), 9, "score", "1.234,5"),
        {(9, "score", "1.234,5", Rule.OUT_OF_RANGE)},
    ),
    "negative score": (
        lambda: _set(_sheet(), 10, "score", -5.0),
        {(10, "score", "-5.0", Rule.OUT_OF_RANGE)},
    ),
    "bad not_assessed flag": (
        lambda: _set(_sheet(), 11, "not_assessed", "forse"),
        {(11, "not_assessed", "forse", Rule.INVALID)},
    ),
    "not assessed yet scored": (
        lambda: _set(_sheet(), 12, "not_assessed", "sì"),
        {(12, "not_assessed", "sì", Rule.INCONSISTENT)},
    ),
    "score missing, not marked": (
        lambda: _set(_sheet(), 13, "score", None),
        {(13, "score", None, Rule.REQUIRED)},
    ),
    "assessor twice on a sub-criterion": (
        lambda: _set(_sheet(), 15, "subcriterion", "1.1"),
        {(1, "subcriterion", "1.1", Rule.DUPLICATE), (15, "subcriterion", "1.1", Rule.DUPLICATE)},
    ),
    "score column missing": (
        lambda: _sheet().drop(columns="score"),
        {(None, "score", None, Rule.MISSING_COLUMN)},
    ),
    "sub-criterion nobody scored": (
        lambda: _sheet().query("subcriterion != '9.2'").reset_index(drop=True),
        {(None, "subcriterion", "9.2", Rule.INCOMPLETE)},
    ),
    "PDCA phase missing": (
        lambda: _set(_fine_sheet(), 2, "check", None),
        {(2, "check", None, Rule.INCOMPLETE)},
    ),
    "PDCA phase on a result": (
        lambda: _set(_fine_sheet(), R6_1, "plan", 35.0),
        {(R6_1, "plan", "35.0", Rule.INCONSISTENT)},
    ),
    "score besides its phases, different": (
        lambda: _fine_sheet().assign(score=[70.0] + [None] * 27),
        {(1, "score", "70.0", Rule.INCONSISTENT)},
    ),
}


@pytest.mark.parametrize("case", list(SCORE_CASES))
def test_each_score_rule_names_row_column_and_value(case: str) -> None:
    make, expected = SCORE_CASES[case]
    problems = check_scores(make(), source="autovalutazione.csv")
    assert_problems_table(problems)
    assert _found(problems) == expected
    assert set(problems["source"]) == {"autovalutazione.csv"}
    assert problems["message"].str.len().gt(10).all()


def _consensus() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "subcriterion": ["1.1", "3.2", "6.1"],
            "consensus_score": [65.0, 40.0, 55.0],
            "rationale": ["evidenze riesaminate", "piano formazione assente", "indagine 2024"],
        }
    )


CONSENSUS_CASES: dict[str, tuple[Callable[[], pd.DataFrame], set[tuple[object, ...]]]] = {
    "unknown sub-criterion": (
        lambda: _set(_consensus(), 2, "subcriterion", "3.9"),
        {(2, "subcriterion", "3.9", Rule.UNKNOWN_VALUE)},
    ),
    "entered twice": (
        lambda: _set(_consensus(), 3, "subcriterion", "1.1"),
        {(1, "subcriterion", "1.1", Rule.DUPLICATE), (3, "subcriterion", "1.1", Rule.DUPLICATE)},
    ),
    "score not a number": (
        lambda: _set(_consensus(), 1, "consensus_score", "alto"),
        {(1, "consensus_score", "alto", Rule.NOT_A_NUMBER)},
    ),
    "score above 100": (
        lambda: _set(_consensus(), 2, "consensus_score", 140.0),
        {(2, "consensus_score", "140.0", Rule.OUT_OF_RANGE)},
    ),
    "no rationale": (
        lambda: _set(_consensus(), 3, "rationale", " "),
        {(3, "rationale", "", Rule.REQUIRED)},
    ),
    "rationale column missing": (
        lambda: _consensus().drop(columns="rationale"),
        {(None, "rationale", None, Rule.MISSING_COLUMN)},
    ),
}


@pytest.mark.parametrize("case", list(CONSENSUS_CASES))
def test_each_consensus_rule_names_row_column_and_value(case: str) -> None:
    make, expected = CONSENSUS_CASES[case]
    problems = check_consensus(make(), source="consenso.csv")
    assert_problems_table(problems)
    assert _found(problems) == expected


def _many_faults() -> pd.DataFrame:
    bad = _sheet()
    for row, column, value in (
        (3, "subcriterion", "1.9"),
        (5, "assessor", ""),
        (7, "score", "tanto"),
        (40, "score", 120.0),
        (50, "not_assessed", "forse"),
    ):
        bad = _set(bad, row, column, value)
    return bad


def test_lazy_collects_every_problem_in_row_order() -> None:
    clean, problems = validate_scores(_many_faults(), source="a.csv", mode="lenient")
    assert problems[["row", "column"]].values.tolist() == [
        [3, "subcriterion"],
        [5, "assessor"],
        [7, "score"],
        [40, "score"],
        [50, "not_assessed"],
    ]
    # the faulty rows are left out of the clean table, the others kept as validated
    assert len(clean) == 56 - 5
    assert (clean.index + 1).isin([3, 5, 7, 40, 50]).sum() == 0
    expected, _ = validate_scores(_sheet(), mode="strict")
    pd.testing.assert_frame_equal(clean, expected.loc[clean.index])


def test_strict_raises_a_data_error_with_every_problem() -> None:
    bad = _many_faults()
    with pytest.raises(DataError) as info:
        validate_scores(bad, source="a.csv", mode="strict")
    err = info.value
    assert (err.source, err.row, err.column) == ("a.csv", 3, "subcriterion")
    assert "unknown CAF sub-criterion" in str(err)
    assert err.failure_cases is not None
    pd.testing.assert_frame_equal(err.failure_cases, check_scores(bad, source="a.csv"))


def test_lazy_false_stops_at_the_first_check() -> None:
    with pytest.raises(DataError) as info:
        validate_scores(_many_faults(), mode="lenient", lazy=False)
    cases = info.value.failure_cases
    assert cases is not None
    assert cases[["row", "rule"]].values.tolist() == [[3, Rule.UNKNOWN_VALUE]]


def test_clean_scores_give_no_problems_and_the_validated_table() -> None:
    sheet = _sheet()
    before = sheet.copy()
    clean, problems = validate_scores(sheet, source="a.csv", mode="lenient")
    assert problems.empty
    assert_problems_table(problems)
    assert check_scores(sheet).empty
    pd.testing.assert_frame_equal(sheet, before)  # the caller's frame is not modified
    assert clean["subcriterion"].tolist() == sheet["subcriterion"].tolist()
    assert clean["score"].tolist() == sheet["score"].tolist()
    assert list(clean.index) == list(range(56))
    strict, _ = validate_scores(sheet, mode="strict")
    pd.testing.assert_frame_equal(clean, strict)
    cons, cons_problems = validate_consensus(_consensus(), mode="lenient")
    assert cons_problems.empty
    assert cons["consensus_score"].tolist() == [65.0, 40.0, 55.0]


def test_table_problems_drop_no_row() -> None:
    sheet = _sheet().query("subcriterion != '9.2'").reset_index(drop=True)
    clean, problems = validate_scores(sheet, mode="lenient")
    assert problems["row"].isna().all()
    assert len(clean) == len(sheet)


def test_a_missing_column_leaves_nothing_clean() -> None:
    clean, problems = validate_scores(_sheet().drop(columns="assessor"), mode="lenient")
    assert clean.empty
    assert list(clean.columns[:5]) == ["assessor", "subcriterion", "criterion", "kind", "score"]
    assert problems[["column", "rule"]].values.tolist() == [["assessor", Rule.MISSING_COLUMN]]
    assert "required column is missing" in problems["message"].iloc[0]
    cons, cons_problems = validate_consensus(_consensus().drop(columns="subcriterion"),
                                             mode="lenient")  # fmt: skip
    assert cons.empty
    assert cons_problems["column"].tolist() == ["subcriterion"]


def test_consensus_strict_and_lenient() -> None:
    bad = _set(_consensus(), 3, "rationale", "")
    clean, problems = validate_consensus(bad, mode="lenient")
    assert clean["subcriterion"].tolist() == ["1.1", "3.2"]
    assert problems["row"].tolist() == [3]
    with pytest.raises(DataError, match=r"row 3, column 'rationale'.*needs its rationale"):
        validate_consensus(bad, source="consenso.csv", mode="strict")


def test_without_mode_the_old_contract_holds_with_a_warning() -> None:
    with pytest.warns(DeprecationWarning, match="from 0.3.0 it returns"):
        old = validate_scores(_sheet())
    assert isinstance(old, pd.DataFrame)
    pd.testing.assert_frame_equal(old, validate_scores(_sheet(), mode="strict")[0])
    with pytest.warns(DeprecationWarning, match="mode="), pytest.raises(DataError):
        validate_scores(_many_faults())
    with pytest.warns(DeprecationWarning, match="validate_consensus"):
        assert isinstance(validate_consensus(_consensus()), pd.DataFrame)


def test_consolidate_does_not_warn_and_still_raises() -> None:
    assert len(consolidate(_sheet())) == 28  # filterwarnings=error: no DeprecationWarning
    with pytest.raises(DataError) as info:
        consolidate(_many_faults())
    assert info.value.failure_cases is not None
    assert len(info.value.failure_cases) == 5
    with pytest.raises(DataError, match="rationale"):
        consolidate(_sheet(), consensus=_set(_consensus(), 1, "rationale", ""))


def test_bad_options_are_option_errors() -> None:
    with pytest.raises(OptionError, match="mode must be 'lenient' or 'strict', not 'lax'"):
        validate_scores(_sheet(), mode="lax")  # type: ignore[call-overload]
    with pytest.raises(OptionError, match="method must be 'classical' or 'fine_tuned'"):
        check_scores(_sheet(), method="quick")
    with pytest.raises(OptionError, match="mode must be"):
        validate_consensus(_consensus(), mode="soft")  # type: ignore[call-overload]
