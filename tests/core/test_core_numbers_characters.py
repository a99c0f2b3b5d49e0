"""Cells with characters numbers never have are text, not numbers (nor a crash).

numpy's fixed-width strings end at a NUL character: ``"0\\x00"`` became ``"0"``
and ``"\\x000"`` passed the digits-only test, so ``read_table`` raised a bare
``ValueError`` from pandas on a CSV cell holding a NUL and a digit (found by
tests/attacks/test_fuzz_readers.py). The definition of a number is the
conventions' regular expressions on the cell without its surrounding blanks
(Python's ``str.strip``), in ASCII digits only.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualitapa._numbers import _EN, _IT, parse_numbers
from qualitapa.io import read_table


@pytest.mark.parametrize("cell", ["\x000", "0\x00", "1\x002", "1\x00.5", "1e5\x00", "\x00"])
def test_a_cell_with_a_nul_is_text(tmp_path, cell):
    p = tmp_path / "nul.csv"
    p.write_bytes(f"a;b\n{cell};1\n2;3\n".encode())
    frame = read_table(p)
    assert frame["a"].tolist() == [cell, 2]  # the number cell is still read
    assert frame["b"].tolist() == [1, 3]
    parsed = parse_numbers(pd.Series([cell, "12"]), None)
    assert parsed.number.tolist() == [False, True]


@pytest.mark.parametrize("cell", ["٣", "²", "１２", "12\u0663"])
def test_other_scripts_digits_are_text(tmp_path, cell):
    p = tmp_path / "digits.csv"
    p.write_text(f"a;b\n{cell};1\n", encoding="utf-8")
    assert read_table(p)["a"].tolist() == [cell]


# digits, separators and characters that numpy or Python treat specially: NUL,
# Unicode blanks (stripped as Python strips them), other scripts' digits
_ODD = "0123456789.,+-e \t\x00\x01\x1c\x85\xa0\u2028\u3000٣²１"


@pytest.mark.slow  # hypothesis: the classifier against the definition, odd characters
@given(st.lists(st.text(alphabet=_ODD, min_size=1, max_size=10), min_size=1, max_size=10))
def test_classification_of_odd_characters_agrees_with_the_definition(cells):
    series = pd.Series(cells, dtype=object)
    it = np.array([re.fullmatch(_IT, c.strip()) is not None for c in cells])
    en = np.array([re.fullmatch(_EN, c.strip()) is not None for c in cells])
    for numbers, expected in (("it", it), ("en", en), (None, it | en)):
        parsed = parse_numbers(series, numbers)
        found = parsed.number | parsed.ambiguous
        np.testing.assert_array_equal(found, expected, err_msg=repr(cells))
        for i in np.flatnonzero(parsed.number):  # every number read is one Python reads
            float(parsed.canonical.iloc[i])


# cells as a spreadsheet or JSON gives them: text as long as the 40-character
# limit (a longer cell is never a number, blanks included), numbers, missing
_CELLS = st.one_of(
    st.from_regex(r" {0,3}[0-9]{30,42}([.,][0-9]{1,3})? {0,3}", fullmatch=True),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.none(),
)


@pytest.mark.slow  # hypothesis: the classifier against the definition, long and non-text cells
@given(st.lists(_CELLS, min_size=1, max_size=10))
def test_long_cells_and_cells_that_are_not_text_agree_with_the_definition(cells):
    series = pd.Series(cells, dtype=object)
    texts = [None if pd.isna(c) else str(c) for c in cells]
    short = np.array([t is not None and len(t) <= 40 for t in texts])
    it = short & [t is not None and re.fullmatch(_IT, t.strip()) is not None for t in texts]
    en = short & [t is not None and re.fullmatch(_EN, t.strip()) is not None for t in texts]
    for numbers, expected in (("it", it), ("en", en), (None, it | en)):
        parsed = parse_numbers(series, numbers)
        np.testing.assert_array_equal(parsed.number | parsed.ambiguous, expected, repr(cells))
