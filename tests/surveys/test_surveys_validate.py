"""Validation of a broken response file: every problem reported, nothing lost silently."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from qualitapa import DataError
from qualitapa.surveys import validate

BROKEN = pd.DataFrame(
    {
        "respondent": [1, 2, 3, 4, 4, 5, 5, 6, None, 8],
        "organization": ["mo"] * 10,
        "visited": ["yes", "no", "yes", "yes", "yes", "yes", "no", "maybe", "yes", "yes"],
        "wait": [4, 3, 9, 7, 7, 2, 2, "x", 3, None],
        "speed": [4, 4, 4, 4, 4, 4, 4, 4, 4, 4],
        "courtesy": [5, 5, 5, 5, 5, 5, 5, 5, 5, 5],
        "rude": [1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
        "imp_wait": [5] * 10,
        "imp_courtesy": [4] * 10,
        "recommend": [10, 9, 8, 7, 7, 6, 6, 11, 5, 10],
        "channel": ["web", "tel app", "fax", None, None, "web", "web", "web", "web", "web"],
        "age": [30, 45, 50, 60, 60, 70, 70, "3,5", 44, 12],
        "notes": ["x"] * 10,
    }
)


def test_every_problem_is_reported(counter):
    r = validate(counter, BROKEN)
    got = sorted(
        zip(
            r.problems["row"].fillna(0).astype(int),
            r.problems["question"],
            r.problems["rule"],
            strict=False,
        )
    )
    assert got == [
        (0, "notes", "unknown_column"),
        (2, "wait", "not_relevant"),  # visited = no
        (3, "channel", "unknown_code"),  # fax
        (4, "wait", "out_of_scale"),  # 7 on a 1-5 scale
        (5, "respondent", "duplicate_row"),  # exact copy of row 4
        (5, "wait", "out_of_scale"),
        (6, "respondent", "duplicate_respondent"),  # id 5 with different answers
        (7, "respondent", "duplicate_respondent"),
        (7, "wait", "not_relevant"),
        (8, "age", "constraint"),  # 3.5 (decimal comma) < 16
        (8, "recommend", "out_of_scale"),  # 11 on 0-10
        (8, "visited", "unknown_code"),  # maybe
        (8, "wait", "not_a_number"),
        (9, "respondent", "missing_respondent"),
        (10, "age", "constraint"),  # 12 < 16
    ]
    assert r.clean["respondent"].tolist() == [1.0]
    assert r.clean["wait"].tolist() == [4.0]


def test_nothing_is_dropped_silently(counter):
    r = validate(counter, BROKEN)
    dropped_rows = set(r.problems.loc[r.problems["action"] == "row dropped", "row"].astype(int))
    kept_rows = {int(i) + 1 for i in r.clean.index}
    assert dropped_rows | kept_rows == set(range(1, len(BROKEN) + 1))
    assert not dropped_rows & kept_rows
    assert r.n_dropped == len(dropped_rows)


def test_drop_cell_keeps_respondents(counter):
    r = validate(counter, BROKEN, drop="cell")
    # duplicates and the missing id still remove rows; bad answers are blanked
    assert r.clean["respondent"].tolist() == [1, 2, 3, 4, 6, 8]
    assert r.clean.loc[2, "wait"] == 9.0  # a "don't know" code is valid
    row4 = r.clean.loc[3]
    assert np.isnan(row4["wait"])
    assert r.clean.loc[7, "visited"] is pd.NA
    assert set(r.problems["action"]) == {"column kept", "row dropped", "cell blanked"}


def test_strict_mode_raises_with_failure_cases(counter):
    with pytest.raises(DataError) as err:
        validate(counter, BROKEN, mode="strict", source="export.csv")
    assert err.value.source == "export.csv"
    assert len(err.value.failure_cases) == 15
    assert "15 problem(s)" in str(err.value)


def test_valid_file_passes_strict(counter, synthetic):
    r = validate(counter, synthetic, mode="strict", extra_columns=["organization", "sex"])
    assert r.ok
    assert len(r.clean) == len(synthetic)
    assert r.summary().empty


def test_missing_and_required_columns(counter):
    raw = pd.DataFrame({"respondent": [1, 2], "visited": ["yes", None], "speed": [3, 4]})
    r = validate(counter, raw)
    missing = r.problems[r.problems["rule"] == "missing_column"]["question"].tolist()
    assert sorted(missing) == [
        "age",
        "channel",
        "courtesy",
        "imp_courtesy",
        "imp_wait",
        "recommend",
        "rude",
        "wait",
    ]
    req = r.problems[r.problems["rule"] == "required"]
    assert req[["row", "question"]].to_dict("records") == [{"row": 2, "question": "visited"}]
    assert "wait" in r.clean.columns
    assert r.clean["wait"].isna().all()


def test_caller_frame_is_not_modified(counter):
    before = BROKEN.copy()
    validate(counter, BROKEN, drop="cell")
    pd.testing.assert_frame_equal(BROKEN, before)


def test_bad_arguments(counter):
    with pytest.raises(ValueError, match="mode"):
        validate(counter, BROKEN, mode="lazy")
    with pytest.raises(DataError):
        validate(counter, [1, 2])


def test_choice_codes_written_as_spreadsheet_numbers_are_the_codes():
    from qualitapa.surveys import Choice, Instrument, Question

    inst = Instrument(
        "c",
        "C",
        questions=[
            Question(
                "visits", "single", "Visits", choices=[Choice("1", "One"), Choice("2", "Two")]
            ),
            Question("channel", "single", "Channel", choices=[Choice("web", "Web")]),
        ],
    )
    frame = pd.DataFrame(
        {"visits": ["1.0", "2", " 1 ", None, "3.0"], "channel": ["web", "web", None, "fax", "web"]}
    )
    r = validate(inst, frame)
    assert r.clean["visits"].tolist()[:3] == ["1", "2", "1"]  # "1.0" is code 1
    assert r.clean["channel"].tolist()[:2] == ["web", "web"]  # codes as written: unchanged
    assert sorted(zip(r.problems["row"], r.problems["question"], strict=True)) == [
        (4, "channel"),
        (5, "visits"),
    ]
