"""CSV export and re-import of every programme sheet give back the text as it was.

The CSV export neutralises formula injection (a ``'`` before a cell's
``= + - @``, also after ``; , tab`` and line breaks: qualitapa.io.write_csv);
:func:`read_sheet` takes those quotes away again, so the text of every
column of every sheet survives the round trip, quotes the author wrote
included.
"""

from __future__ import annotations

from pathlib import Path
from tempfile import TemporaryDirectory

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualitapa.io import write_csv
from qualitapa.programme import SHEETS, read_sheet
from qualitapa.programme._files import write_sheets

# Cells pandas' CSV reader reads as missing whatever the column (read_csv's default
# ``na_values``, listed in the pandas documentation of read_csv): not text that can
# round-trip through any CSV read with pandas' defaults; left out here.
_READ_AS_MISSING = {
    "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND",
    "1.#QNAN", "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
}  # fmt: skip

_CHARS = st.sampled_from(list("=+-@'\"\t;,\r\n .1aZèß€")) | st.characters(
    blacklist_categories=("Cs",), blacklist_characters="\x00"
)
#: Text cells that a spreadsheet would run as formulas, and their neighbours.
TEXTS = st.builds(
    lambda start, rest: start + rest,
    st.sampled_from(["=", "+", "-", "@", "\t", "'", "''=", "'-", "a;", ""]),
    st.text(_CHARS, max_size=12),
).filter(lambda s: s not in _READ_AS_MISSING)


@pytest.mark.parametrize("name", list(SHEETS))
@settings(max_examples=8, deadline=None)
@given(data=st.data())
def test_every_text_column_of_the_sheet_survives_the_csv_round_trip(
    name: str, data: st.DataObject
) -> None:
    spec = SHEETS[name]
    rows = data.draw(st.integers(1, 3))
    frame = pd.DataFrame(
        {
            c: (data.draw(st.lists(TEXTS, min_size=rows, max_size=rows)) if c in spec.text_columns
                else [None] * rows)
            for c in spec.columns
        }
    )  # fmt: skip
    with TemporaryDirectory() as folder:
        write_sheets({name: frame}, Path(folder))
        back = read_sheet(Path(folder) / f"{name}.csv", name)
    for column in spec.text_columns:
        assert back[column].tolist() == frame[column].tolist(), column


def test_the_export_does_neutralise_what_the_import_restores(tmp_path: Path) -> None:
    # the round trip above could pass with no neutralising at all: the file holds quotes
    spec = SHEETS["findings"]
    frame = pd.DataFrame({c: ["x" if c in spec.text_columns else None] for c in spec.columns})
    frame["text"] = ["=1+2;-3"]
    write_sheets({"findings": frame}, tmp_path)
    raw = (tmp_path / "findings.csv").read_text(encoding="utf-8")
    assert "'=1+2;'-3" in raw
    assert read_sheet(tmp_path / "findings.csv", "findings").loc[0, "text"] == "=1+2;-3"


def test_quotes_an_office_typed_before_other_text_stay(tmp_path: Path) -> None:
    # only a quote before = + - @ is the export's; "'ok" is the author's text
    frame = pd.DataFrame({"finding": ["F1", "F2"], "text": ["'ok", "''=x"]})
    (tmp_path / "findings.csv").write_text(write_csv(frame), encoding="utf-8")
    back = read_sheet(tmp_path / "findings.csv", "findings")
    assert back["text"].tolist() == ["'ok", "''=x"]
