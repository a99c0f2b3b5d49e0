"""Excel export: round trip, formula injection, sheet names, limits."""

from __future__ import annotations

import numpy as np
import openpyxl
import pandas as pd
import pytest

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
