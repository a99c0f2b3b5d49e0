"""Every validator follows the problems convention of qualitapa.problems."""

from __future__ import annotations

import pandas as pd
import pytest

from qualitapa.caf import consolidate, validate_scores
from qualitapa.complaints._importing import PROBLEM_COLUMNS as IMPORT_COLUMNS
from qualitapa.complaints._importing import prepare_import
from qualitapa.errors import DataError, OptionError
from qualitapa.indicators._data import PROBLEM_COLUMNS as DATA_COLUMNS
from qualitapa.indicators._data import build_matrix
from qualitapa.problems import CORE_COLUMNS, Rule
from qualitapa.reporting import check_datapackage, validate_datapackage, write_datapackage
from qualitapa.surveys import Instrument, Question, Scale, validate
from qualitapa.testing import assert_problems_table


def _sorted_by_row(rows: pd.Series) -> bool:
    """Rows ascending, the problems without a row last."""
    missing = rows.isna().to_numpy()
    k = int((~missing).sum())
    return not missing[:k].any() and rows.iloc[:k].astype(int).is_monotonic_increasing


def test_caf_failure_cases_are_the_core_table() -> None:
    t = pd.DataFrame(
        {
            "assessor": ["a", "a", "a"],
            "subcriterion": ["1.1", "9.9", "1.2"],
            "score": [50, 40, "tanto"],
        }
    )
    with pytest.raises(DataError) as info:
        validate_scores(t, source="caf.csv", mode="strict")
    cases = info.value.failure_cases
    assert cases is not None
    assert_problems_table(cases)
    assert (info.value.row, info.value.column) == (2, "subcriterion")
    assert cases["rule"].iloc[:2].tolist() == [Rule.UNKNOWN_VALUE, Rule.NOT_A_NUMBER]
    assert _sorted_by_row(cases["row"])  # the 26 absent sub-criteria (no row) last
    assert cases["row"].isna().sum() == 26


def test_indicator_data_problems_keep_their_columns_and_row_order() -> None:
    data = pd.DataFrame(
        {
            "organization": ["a", "a", "b", "b"],
            "period": [2024] * 4,
            "variable": ["x", "x", "x", "y"],
            "value": ["1", "2", "-3", "z"],
        }
    )
    problems = build_matrix(data, ["x", "y"], nonnegative=["x"]).problems
    assert list(problems.columns) == list(DATA_COLUMNS)
    assert problems["row"].tolist() == [1, 2, 3, 4]
    assert problems["problem"].str.len().gt(0).all()


def test_complaint_import_problems_keep_their_columns_and_row_order() -> None:
    frame = pd.DataFrame(
        {
            "id": ["c1", "c1", None],
            "kind": ["complaint", "letter", "complaint"],
            "channel": ["email", "email", "email"],
            "service": ["registry", "registry", "registry"],
            "received_at": ["2024-01-02", "not a date", "2024-01-02"],
        }
    )
    good, problems = prepare_import(frame)
    assert list(problems.columns) == IMPORT_COLUMNS
    assert problems["row"].tolist() == [2, 2, 2, 3]
    assert problems["column"].tolist() == ["id", "kind", "received_at", "id"]
    assert set(problems["table"]) == {"complaints"}
    assert good["row"].tolist() == [1]


def test_survey_strict_error_locates_the_first_problem() -> None:
    inst = Instrument(
        "counter",
        "Sportello",
        questions=[Question("wait", "likert", "Attesa", scale=Scale.likert(4), required=True)],
    )
    raw = pd.DataFrame({"respondent": [1, 2, 3], "wait": [4, 7, None], "note": ["", "", ""]})
    result = validate(inst, raw)
    assert result.problems["row"].isna().tolist() == [False, False, True]  # column last
    with pytest.raises(DataError) as info:
        validate(inst, raw, mode="strict", source="s.csv")
    assert (info.value.source, info.value.row, info.value.column) == ("s.csv", 2, "wait")
    assert info.value.failure_cases is not None
    pd.testing.assert_frame_equal(info.value.failure_cases, result.problems)


def test_bad_options_raise_option_errors(tmp_path) -> None:
    inst = Instrument(
        "counter",
        "Sportello",
        questions=[Question("wait", "likert", "Attesa", scale=Scale.likert(4))],
    )
    raw = pd.DataFrame({"wait": [1]})
    with pytest.raises(OptionError, match="mode must be 'lenient' or 'strict'"):
        validate(inst, raw, mode="lax")
    with pytest.raises(OptionError, match="drop must be 'row' or 'cell'"):
        validate(inst, raw, drop="column")
    scores = pd.DataFrame({"assessor": ["a"], "subcriterion": ["1.1"], "score": [50]})
    with pytest.raises(OptionError, match="spread must be"):
        consolidate(scores, spread="iqr", require_complete=False)
    frame = pd.DataFrame({"n": [1]})
    with pytest.raises(OptionError, match="unknown licence"):
        write_datapackage({"t": frame}, tmp_path, name="x", licence="WTFPL")
    with pytest.raises(OptionError, match="package name"):
        write_datapackage({"t": frame}, tmp_path, name="X Y")
    with pytest.raises(DataError, match="not unique"):
        write_datapackage(
            {"t": pd.DataFrame({"n": [1, 1]})}, tmp_path, name="x", primary_keys={"t": ["n"]}
        )


def test_datapackage_check_has_one_name_for_problems(tmp_path) -> None:
    assert validate_datapackage is check_datapackage
    problems = check_datapackage(tmp_path / "nowhere")
    assert problems["problem"].iloc[0].startswith("descriptor not found")
    assert len(CORE_COLUMNS) == 6
