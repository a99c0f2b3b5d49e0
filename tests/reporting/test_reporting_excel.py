"""Excel export: round trip, formula injection, sheet names, limits."""

from __future__ import annotations

import datetime as dt
import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualitapa.errors import DataError
from qualitapa.reporting import _excel, sheet_names, write_excel


def test_round_trip_preserves_values_and_neutralises_formulas(tmp_path, values):
    kpis = pd.DataFrame({
        "service": ["registry", "=cmd|' /C calc'!A0", "@SUM(A1)", "+39 059 000"],
        "received": pd.array([41, 12, None, 7], dtype="Int64"),
        "share": [0.9, np.nan, -0.25, 1.0],
        "answered_on": pd.to_datetime(
            ["2024-01-31 17:30", None, "2024-02-01 08:00", "2024-03-01 09:15"]
        ).tz_localize("Europe/Rome"),
        "ok": [True, False, True, False],
    })  # fmt: skip
    path = write_excel({"values": values, "complaint KPIs": kpis}, tmp_path / "out.xlsx",
                       descriptions={"values": "Indicator values"})  # fmt: skip
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Indice", "values", "complaint KPIs"]
    back = pd.read_excel(path, sheet_name="values", dtype={"organization": str})
    pd.testing.assert_frame_equal(
        back.astype({"organization": str}),
        values.astype({"organization": str}).reset_index(drop=True),
        check_dtype=False,
    )
    # ids with leading zeros stay text cells
    assert wb["values"]["A2"].value == "022205"
    assert wb["values"]["A2"].data_type == "s"
    ws = wb["complaint KPIs"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[0] == ["service", "received", "share", "answered_on", "ok"]
    # formula-looking text is prefixed with ' and stored as text, never as a formula
    assert [r[0] for r in rows[1:]] == ["registry", "'=cmd|' /C calc'!A0", "'@SUM(A1)",
                                         "'+39 059 000"]  # fmt: skip
    assert all(ws.cell(row=i, column=1).data_type == "s" for i in range(2, 6))
    # numbers stay numbers (a negative number is data), missing values are empty cells
    assert [r[1] for r in rows[1:]] == [41, 12, None, 7]
    assert rows[3][2] == -0.25
    assert rows[2][2] is None
    # timezone-aware datetimes are written as local wall time
    assert rows[1][3] == pd.Timestamp("2024-01-31 17:30").to_pydatetime()
    assert [r[4] for r in rows[1:]] == [True, False, True, False]
    # header styling, frozen header, filter
    assert ws["A1"].font.bold
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:E5"


def test_sheet_names_follow_excel_rules():
    names = sheet_names(["a/b", "x" * 40, "A_B", "'quoted'", "history", "[x]:*?"])
    assert names == ["a_b", "x" * 31, "A_B~2", "quoted", "history_", "_x____"]
    assert all(len(n) <= 31 for n in names)
    assert len({n.lower() for n in names}) == len(names)


def test_too_many_rows_is_an_error_not_a_truncation(tmp_path, monkeypatch):
    monkeypatch.setattr(_excel, "EXCEL_MAX_ROWS", 3)
    with pytest.raises(DataError, match="do not fit in an Excel sheet"):
        write_excel({"big": pd.DataFrame({"a": range(5)})}, tmp_path / "x.xlsx")


# --- the rows written as XML are openpyxl's, byte for byte (issue 25) ------------------
_FLOATS = st.one_of(st.floats(-1e15, 1e15), st.just(np.nan), st.just(0.1 + 0.2))
_TEXTS = st.text(alphabet=st.sampled_from([*"aZ &<>'\"=+-@#è ", "\t", "\n", "\r", "\x1b"]))
_CELLS = st.one_of(
    st.none(),
    _TEXTS,
    st.booleans(),
    st.integers(min_value=-(2**62), max_value=2**62),
    _FLOATS,
)
_COLUMN_KINDS = st.sampled_from(["mixed", "float", "int", "bool", "text"])


@st.composite
def _tables(draw):
    n = draw(st.integers(0, 6))
    columns = {}
    names = ["value", "share", "n", "period", "organization", "note", "ok"]
    for name in draw(st.lists(st.sampled_from(names), unique=True, max_size=5)):
        kind = draw(_COLUMN_KINDS)
        if kind == "float":
            cells = draw(st.lists(_FLOATS, min_size=n, max_size=n))
        elif kind == "int":
            cells = draw(st.lists(st.integers(-(10**17), 10**17), min_size=n, max_size=n))
        elif kind == "bool":
            cells = draw(st.lists(st.booleans(), min_size=n, max_size=n))
        elif kind == "text":
            cells = draw(st.lists(st.one_of(st.none(), _TEXTS), min_size=n, max_size=n))
        else:
            cells = pd.array(draw(st.lists(_CELLS, min_size=n, max_size=n)), dtype=object)
        columns[name] = cells
    return pd.DataFrame(columns, index=range(n))


def _parts(path):
    """The workbook's parts but its creation time."""
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}


@given(_tables())
def test_rows_written_as_xml_are_openpyxl_s_own(tmp_path_factory, frame):
    folder = tmp_path_factory.mktemp("xml")
    fast = write_excel({"t": frame, "u": frame.head(2)}, folder / "fast.xlsx")
    with pytest.MonkeyPatch.context() as mp:  # every cell through openpyxl, as before
        mp.setattr(_excel, "_rows_xml", lambda *args: None)
        slow = write_excel({"t": frame, "u": frame.head(2)}, folder / "slow.xlsx")
    assert _parts(fast) == _parts(slow)


def test_a_sheet_with_a_date_or_an_infinity_is_written_by_openpyxl(tmp_path):
    frame = pd.DataFrame({"when": [pd.Timestamp("2024-05-01")], "x": [np.inf], "y": ["a"]})
    path = write_excel({"t": frame}, tmp_path / "out.xlsx")
    ws = openpyxl.load_workbook(path)["t"]
    assert [c.value for c in ws[2]] == [dt.datetime(2024, 5, 1), None, "a"]
    assert ws["A2"].number_format == "yyyy-mm-dd"
