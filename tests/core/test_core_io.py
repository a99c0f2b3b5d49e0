"""Safe table reading and writing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from qualitapa.errors import DataError
from qualitapa.io import (
    code_text,
    neutralise_formulas,
    read_table,
    require_columns,
    to_numeric_column,
    write_csv,
)


@pytest.mark.parametrize(
    ("cell", "text"),
    [
        (16024, "16024"),
        (16024.0, "16024"),  # a number column with a blank cell, as pandas reads it
        (np.float64(22205.0), "22205"),
        (np.int64(22205), "22205"),
        ("16024.00", "16024"),
        (" 022205 ", "022205"),  # text keeps its leading zeros
        ("022205.0", "022205"),
        (7.5, "7.5"),
        ("16024.5", "16024.5"),
        ("A794", "A794"),
        (True, "True"),
    ],
)
def test_code_text(cell, text):
    assert code_text(cell) == text


def test_neutralise_formulas_prefixes_risky_text_only():
    frame = pd.DataFrame(
        {"t": ['=HYPERLINK("x")', "+1", "@SUM(A1)", "-cmd", "\tx", "ok", None], "n": range(7)}
    )
    out = neutralise_formulas(frame)
    assert out["t"].tolist()[:6] == ['\'=HYPERLINK("x")', "'+1", "'@SUM(A1)", "'-cmd", "'\tx", "ok"]
    assert out["t"].isna().iloc[6]
    assert out["n"].tolist() == list(range(7))  # numbers untouched, even negative ones
    assert frame["t"].iloc[0] == '=HYPERLINK("x")'  # caller's frame not mutated


def test_write_csv_neutralises(tmp_path):
    p = tmp_path / "out.csv"
    write_csv(pd.DataFrame({"=col": ["=2+2"], "v": [-1.5]}), p)
    assert p.read_text().splitlines() == ["'=col,v", "'=2+2,-1.5"]


def test_read_table_errors_name_the_file(tmp_path):
    with pytest.raises(DataError, match=r"missing\.csv: file not found"):
        read_table(tmp_path / "missing.csv")
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(DataError, match=r"empty\.csv: the file is empty"):
        read_table(empty)
    undecodable = tmp_path / "latin.csv"  # 0x81: neither UTF-8 nor Windows-1252
    undecodable.write_bytes("città\nForlì\n".encode("latin-1") + b"\x81\n")
    expected = r"latin\.csv, row 2: not UTF-8 text, nor Windows-1252 \(byte 0x81\)"
    with pytest.raises(DataError, match=expected):
        read_table(undecodable)


def test_read_table_sniffs_semicolons(tmp_path):
    p = tmp_path / "it.csv"
    p.write_text("organization;value\n036023;3\n")
    frame = read_table(p, dtype={"organization": str})
    assert frame["organization"].tolist() == ["036023"]


def test_require_columns():
    with pytest.raises(DataError, match="column 'b'"):
        require_columns(pd.DataFrame({"a": [1]}), ["a", "b"])


def test_to_numeric_column_flags_text_and_accepts_decimal_comma():
    values, bad = to_numeric_column(pd.Series(["1", "3,5", "abc", None, ""]))
    np.testing.assert_array_equal(values[:2], [1.0, 3.5])
    assert bad.tolist() == [False, False, True, False, False]


def test_read_table_keeps_leading_zeros_of_codes(tmp_path):
    # ISTAT code of Torino is 001272: read as a number it would become 1272
    p = tmp_path / "raw.csv"
    p.write_text("organization,period,variable,value\n001272,2024,x,1.5\n")
    frame = read_table(p)
    assert frame["organization"].tolist() == ["001272"]
    assert frame["value"].tolist() == [1.5]
    assert read_table(p, text_columns=())["organization"].tolist() == [1272]
    assert read_table(p, dtype={"period": str})["period"].tolist() == ["2024"]
