"""write_csv: negative numbers round-trip as numbers, text formulas are neutralised."""

from __future__ import annotations

import pandas as pd

from qualitapa.io import read_table, write_csv


def test_negative_floats_are_data_not_formulas(tmp_path):
    # a float made unambiguous for reading (-4.125 -> "-4.1250") was then taken for
    # a formula and written "'-4.1250", which read back as text
    frame = pd.DataFrame({"value": [-4.125, -1.5, 2.0], "note": ["=1+2", "ok", "-x"]})
    path = tmp_path / "out.csv"
    write_csv(frame, path)
    back = read_table(path)
    assert back["value"].tolist() == [-4.125, -1.5, 2.0]
    assert back["note"].tolist() == ["'=1+2", "ok", "'-x"]
