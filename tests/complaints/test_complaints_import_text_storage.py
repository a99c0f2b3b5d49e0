"""The import reads a pyarrow text column as it is: the same results as on Python strings.

Issue 22: ``prepare_import`` searches, numbers and tests a pandas text
column stored by pyarrow (pandas' default ``str``) without converting it to
Python strings, and converts an ``object`` column as before. The two paths
must agree cell for cell: the good rows (dtypes included) and the problems
table (order and texts) of a table are the same whichever way its text is
stored. The independent side is the ``object`` path, which the other import
tests check against hand-written expectations.
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualitapa.complaints._importing import (
    TableProblems,
    _check_ids,
    _has_offset,
    prepare_import,
)

# messy cells of each column: blanks, spaces, cases, codes unknown, offsets or not,
# days alone, office times the clocks skip or repeat, degrees with a comma
_POOL = {
    "id": ["a1", "a1", "", None, " x", "2024/1", "bad id", "é1", "b2", "c3", "x" * 70],
    "kind": ["complaint", "Complaint ", "praise", "", None, "nope", "fault report"],
    "channel": ["email", "PEC", "web", "", None, "fax", " "],
    "service": ["waste", "Waste", " waste ", "", None, "bad id!", "roads"],
    "category": ["waste.bins", "", None, "Bad", "roads.holes"],
    "received_at": [
        "2024-01-02T09:30:00+01:00",
        "2024-03-31 02:30",
        "2024-10-27 02:30",
        "2024-01-02",
        " 2024-01-05 ",
        "",
        None,
        "yesterday",
        "2099-01-01T00:00Z",
        "2024-02-02T10:00:00Z",
        "2024-02-30",
        "2024-01-02T09:30\t+01:00",
    ],
    "answered_at": ["2024-01-02", "2024-01-03T10:00+01:00", None, "", "2023-12-31", "zz"],
    "closed_at": [None, "2024-01-04", "2024-01-01T00:00Z", ""],
    "outcome_at": [None, "2024-01-03", ""],
    "status": ["received", "answered", "Closed", "forwarded", "rejected", "", None, "weird"],
    "outcome": [None, "", "answered", "forwarded", "rejected", "Rejected", "lost"],
    "outcome_note": [None, "", "reason", "  "],
    "outcome_target": [None, "ente", ""],
    "organization": [None, "036023", " org ", ""],
    "description": [None, "", "testo", "  spazi  "],
    "latitude": [None, "", "45.46", "45,46", "91", "abc", "-45.1"],
    "longitude": [None, "", "9.19", "9,19", "181", "x"],
    "media_url": [None, "", "http://a.b/c", "ftp://x", "https://x y"],
    "contact_email": [None, "a@b.it", "", " x "],
}
_REQUIRED = ["id", "kind", "channel", "service", "received_at"]
_OPTIONAL = [c for c in _POOL if c not in _REQUIRED]


@st.composite
def _tables(draw: st.DrawFn) -> dict[str, list[str | None]]:
    columns = _REQUIRED + draw(st.lists(st.sampled_from(_OPTIONAL), unique=True))
    n = draw(st.integers(1, 25))
    return {c: draw(st.lists(st.sampled_from(_POOL[c]), min_size=n, max_size=n)) for c in columns}


def _shown(problems: pd.DataFrame) -> pd.DataFrame:
    """The problems with a missing cell's value as None: each storage keeps its own
    missing marker (NaN for pyarrow text, None for objects), as the table had it."""
    value = problems["value"].astype(object)
    return problems.assign(value=value.where(value.notna(), None))


def _stored(cells: dict[str, list[str | None]], dtype: str) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(v, dtype=dtype) for c, v in cells.items()})


@settings(max_examples=30, deadline=None)
@given(_tables(), st.booleans())
def test_pyarrow_text_is_read_as_python_strings(
    cells: dict[str, list[str | None]], history: bool
) -> None:
    arrow = _stored(cells, "str")
    assert all(isinstance(t, pd.StringDtype) for t in arrow.dtypes)
    good, problems = prepare_import(arrow, history=history)
    good_obj, problems_obj = prepare_import(_stored(cells, "object"), history=history)
    pd.testing.assert_frame_equal(good, good_obj, check_exact=True)
    pd.testing.assert_frame_equal(_shown(problems), _shown(problems_obj), check_exact=True)
    assert problems["problem"].astype(str).tolist() == problems_obj["problem"].astype(str).tolist()


def test_the_two_storages_meet_problems() -> None:
    # not a test that cannot fail: the tables above do have problems, in both storages
    cells = {c: [_POOL[c][k % len(_POOL[c])] for k in range(12)] for c in _POOL}
    arrow = prepare_import(_stored(cells, "str"))[1]
    assert len(arrow) > 20
    assert set(arrow["column"]) >= {"id", "kind", "status", "received_at", "latitude"}
    objects = prepare_import(_stored(cells, "object"))[1]
    pd.testing.assert_frame_equal(_shown(arrow), _shown(objects))


_CHARS = "0123456789:+-.Zz T/_aé\t\v\n\x1c\u00a0\u0663"
_text_cells = st.lists(st.one_of(st.none(), st.text(alphabet=_CHARS, max_size=30)), max_size=30)


@settings(max_examples=200, deadline=None)
@given(_text_cells)
def test_offset_search_on_pyarrow_text(cells: list[str | None]) -> None:
    expected = _has_offset(pd.Series(cells, dtype=object))
    assert _has_offset(pd.Series(cells, dtype="str")).tolist() == expected.tolist()


@pytest.mark.parametrize("cells", [["a1", "", None, " a", "a b", "é", "a" * 65, "a/1"]])
def test_id_check_on_the_pyarrow_column(cells: list[str | None]) -> None:
    ids = pd.Series([c or None for c in cells], dtype=object)  # blanks are missing ids
    seen = []
    for raw in (None, pd.Series(cells, dtype="str")):
        problems = TableProblems("complaints", ids.to_numpy())
        _check_ids(ids, problems, raw)
        seen.append(problems.frame())
    pd.testing.assert_frame_equal(seen[0], seen[1])
    assert seen[0]["row"].tolist() == [2, 3, 4, 5, 6, 7]
