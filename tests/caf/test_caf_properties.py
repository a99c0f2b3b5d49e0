"""Properties of the CAF checks (hypothesis): the problems do not depend on row order."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualitapa.caf import check_consensus, check_scores

pytestmark = pytest.mark.slow

# a few of each: valid values and the faults the checks look for
ASSESSORS = ["Rossi", "Bianchi", "", "  "]
SUBCRITERIA = ["1.1", "1.2", "3.2", "6.1", "9.2", "1.9", "10.1", ""]
SCORES: list[object] = [0.0, 28.5, 55.0, 100.0, -5.0, 120.0, None, "tanto", "62,5"]
FLAGS = ["", "yes", "x", "no", "forse"]
PARTS: list[object] = [None, 10.0, 40.0, 130.0, "n.d."]


def _problem_multiset(problems: pd.DataFrame, origin: np.ndarray) -> Counter[tuple[object, ...]]:
    """Problems keyed by the original row (``origin[row - 1]``), column, value and rule."""
    keys = []
    for r in problems.itertuples():
        row = None if pd.isna(r.row) else int(origin[int(r.row) - 1])
        value = None if r.value is None or pd.isna(r.value) else str(r.value)
        keys.append((row, r.column, value, r.rule, r.message))
    return Counter(keys)


@st.composite
def score_tables(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(1, 14))
    rows = st.fixed_dictionaries(
        {
            "assessor": st.sampled_from(ASSESSORS),
            "subcriterion": st.sampled_from(SUBCRITERIA),
            "score": st.sampled_from(SCORES),
            "not_assessed": st.sampled_from(FLAGS),
        }
    )
    frame = pd.DataFrame(draw(st.lists(rows, min_size=n, max_size=n)))
    if draw(st.booleans()):  # fine-tuned: some partial scores
        for part in ("plan", "do", "check", "act", "trends", "targets"):
            frame[part] = draw(st.lists(st.sampled_from(PARTS), min_size=n, max_size=n))
    return frame


@given(score_tables(), st.randoms(use_true_random=False), st.booleans())
def test_row_order_does_not_change_the_problems(
    table: pd.DataFrame, rnd: object, complete: bool
) -> None:
    order = np.arange(len(table))
    rnd.shuffle(order)  # type: ignore[attr-defined]
    shuffled = table.iloc[order].reset_index(drop=True)
    before = check_scores(table, require_complete=complete)
    after = check_scores(shuffled, require_complete=complete)
    assert _problem_multiset(after, order) == _problem_multiset(before, np.arange(len(table)))
    # and the table is sorted by row whatever the order found
    rows = after["row"].dropna().astype(int)
    assert rows.is_monotonic_increasing


@given(
    st.lists(
        st.tuples(
            st.sampled_from(SUBCRITERIA),
            st.sampled_from(SCORES),
            st.sampled_from(["", "evidenze riesaminate", "indagine 2024"]),
        ),
        min_size=1,
        max_size=10,
    ),
    st.randoms(use_true_random=False),
)
def test_consensus_row_order_does_not_change_the_problems(
    rows: list[tuple[object, object, str]], rnd: object
) -> None:
    table = pd.DataFrame(rows, columns=["subcriterion", "consensus_score", "rationale"])
    order = np.arange(len(table))
    rnd.shuffle(order)  # type: ignore[attr-defined]
    before = check_consensus(table)
    after = check_consensus(table.iloc[order].reset_index(drop=True))
    assert _problem_multiset(after, order) == _problem_multiset(before, np.arange(len(table)))
