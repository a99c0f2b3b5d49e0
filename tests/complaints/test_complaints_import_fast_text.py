"""The import's one-pass text checks (pyarrow) say what Python's ``re`` says, cell by cell.

Issue 22: the offset search of each time cell and the complaint-id check run
in one pyarrow (RE2) pass over printable-ASCII text, Python's ``re`` on the
rest. The independent implementation here is the plain Python loop over the
cells with the original patterns.
"""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from qualitapa.complaints._importing import _OFFSET_RE, TableProblems, _check_ids, _has_offset
from qualitapa.complaints._models import COMPLAINT_ID_PATTERN

# the characters where RE2 and Python could read the patterns differently
_CHARS = "0123456789:+-.Zz T/_aé\t\v\n\x1c\u00a0\u0663"
_cells = st.lists(st.one_of(st.none(), st.text(alphabet=_CHARS, max_size=30)), max_size=30)
_times = st.lists(
    st.one_of(
        st.none(),
        st.builds(
            lambda a, b, c: a + b + c,
            st.sampled_from(["", " ", "\t", "\u00a0", "\v"]),
            st.sampled_from(
                ["2024-03-31T09:30", "2024-03-31 09:30:15.5", "2024-03-31", "2024-03-31T9:30"]
            ),
            st.sampled_from(
                [
                    "",
                    "Z",
                    "z",
                    "+01:00",
                    " +0100",
                    "-02",
                    "\v+01:00",
                    "\u00a0Z",
                    "+01:00 ",
                    "+01:00\n",
                    "+01:00\t",
                    "+٠١:00",
                    "+01:00é",
                ]
            ),
        ),
    ),
    max_size=30,
)


def _python_offset(cells: list[str | None]) -> list[bool]:
    return [c is not None and bool(_OFFSET_RE.search(c.strip())) for c in cells]


@settings(max_examples=300, deadline=None)
@given(st.one_of(_cells, _times))
def test_offset_search_is_pythons(cells: list[str | None]) -> None:
    text = pd.Series(cells, dtype=object)
    assert _has_offset(text).tolist() == _python_offset(cells)


def test_offset_search_tells_offsets_from_office_times() -> None:
    cells = ["2024-01-31T09:30:00+01:00", "2024-01-31 09:30", "2024-01-31", None, " 9:30Z "]
    assert _has_offset(pd.Series(cells, dtype=object)).tolist() == [True, False, False, False, True]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(alphabet=_CHARS, max_size=70)), max_size=30))
def test_id_check_is_pythons(cells: list[str | None]) -> None:
    ids = pd.Series(cells, dtype=object)
    problems = TableProblems("complaints", ids.to_numpy())
    _check_ids(ids, problems)
    flagged = set(problems.frame().query("problem.str.startswith('not a valid')")["row"])
    expected = {
        i + 1
        for i, c in enumerate(cells)
        if c is not None and not COMPLAINT_ID_PATTERN.fullmatch(c)
    }
    assert flagged == expected
