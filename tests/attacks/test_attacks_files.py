"""Attacks on the file readers and writers (issue 13, items 4, 5, 8 and 10).

* CSV formula injection: a cell ``ok\\r=cmd|...`` (a bare carriage return ends
  the record for spreadsheets) or ``x;=cmd`` (Italian Excel splits on ``;``)
  must not give a field or a line that starts with a formula, in any writer;
* xlsx writers store text as text (never a formula cell) and it round-trips;
* hostile workbooks (a cell at XFD1048576, zip bombs, not a zip, billion
  laughs) fail in seconds with a typed error naming the file and the limit;
* other hostile input (XLSForm CSV rows with extra fields, ``inf`` in DEA
  inputs, deep TOML) gives a typed error naming where.
"""

from __future__ import annotations

import csv
import time
from pathlib import Path

import attrs
import numpy as np
import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from qualitapa._workbooks import LIMIT_ENV, check_workbook
from qualitapa.cli import cli
from qualitapa.errors import DataError, DefinitionError, QualitapaError
from qualitapa.io import (
    WorkbookLimits,
    neutralise_formulas,
    neutralise_text,
    read_table,
    write_csv,
)
from qualitapa.models import Text
from qualitapa.reporting import validate_datapackage, write_datapackage, write_excel
from qualitapa.surveys import Instrument, Question, Scale, read_xlsform, write_xlsform

from ._hostile import (
    BILLION_LAUGHS,
    cells,
    csv_records,
    formula_starts,
    sheet,
    table_workbook,
    workbook,
    zip_bomb,
)
from .conftest import guarded

# -- CSV formula injection (item 4) ---------------------------------------------

HOSTILE_TEXT = [
    "ok\r=cmd|' /C calc'!A0",  # a bare CR: the next record would start with the formula
    "line\n+SUM(1;2)",
    "ok\r\n@SUM(1)",
    'x;=HYPERLINK("http://evil.example";"click")',  # Italian Excel splits on ';'
    "tab\t-2+3",
    "=1+2",
    "'=quoted already",
    "-3 days",
    "\r\r=cmd",
    "plain, text",
]


def hostile_frame() -> pd.DataFrame:
    n = len(HOSTILE_TEXT)
    return pd.DataFrame(
        {
            "note": HOSTILE_TEXT,
            "=col\r=x": ["a"] * n,
            "category": pd.Categorical(["=cat\r=y", "ok"] * (n // 2)),
            "value": np.linspace(-4.125, 3.0, n),
            "count": np.arange(n) - 3,
        }
    )


def assert_safe_csv(data: bytes, *, rows: int, columns: int) -> list[list[str]]:
    assert formula_starts(data) == []
    records = csv_records(data)
    assert len(records) == rows + 1  # no record split by a line break inside a cell
    assert {len(r) for r in records} == {columns}
    return records


def _write_csv(tmp_path: Path, frame: pd.DataFrame) -> bytes:
    write_csv(frame, tmp_path / "out.csv")
    return (tmp_path / "out.csv").read_bytes()


def _write_csv_text(tmp_path: Path, frame: pd.DataFrame) -> bytes:
    return write_csv(frame).encode("utf-8")


def _datapackage(tmp_path: Path, frame: pd.DataFrame) -> bytes:
    write_datapackage({"values": frame}, tmp_path / "pkg", name="attack")
    assert validate_datapackage(tmp_path / "pkg").empty  # the header is the schema's
    return (tmp_path / "pkg" / "values.csv").read_bytes()


@pytest.mark.parametrize("writer", [_write_csv, _write_csv_text, _datapackage])
def test_csv_writers_neutralise_every_line_and_field_start(tmp_path, writer):
    frame = hostile_frame()
    data = writer(tmp_path, frame)
    records = assert_safe_csv(data, rows=len(frame), columns=frame.shape[1])
    # the text is all there, one quote added where a formula could start
    notes = [r[0] for r in records[1:]]
    assert notes[0] == "ok\r'=cmd|' /C calc'!A0"
    assert notes[3] == 'x;\'=HYPERLINK("http://evil.example";"click")'
    assert notes[9] == "plain, text"
    assert records[0][1] == "'=col\r'=x"


def test_csv_round_trip_keeps_records_and_numbers(tmp_path):
    frame = hostile_frame()
    write_csv(frame, tmp_path / "out.csv")
    back = read_table(tmp_path / "out.csv")
    assert len(back) == len(frame)
    np.testing.assert_allclose(back["value"], frame["value"])
    assert back["count"].tolist() == frame["count"].tolist()
    expected = neutralise_formulas(frame)["note"].tolist()
    assert back["note"].tolist() == expected


@pytest.fixture
def text_form(tmp_path) -> Path:
    inst = Instrument(
        "attack",
        "Attacco",
        questions=[
            Question("wait", "likert", Text("Attesa", "Waiting"), scale=Scale.likert(4)),
            Question("note", "text", Text("Note", "Notes")),
        ],
    )
    form = tmp_path / "form"
    write_xlsform(inst, form)
    return form


def _answers(path: Path) -> pd.DataFrame:
    n = len(HOSTILE_TEXT)
    frame = pd.DataFrame(
        {"respondent": [f"r{i}" for i in range(n)], "wait": [1, 2] * (n // 2), "note": HOSTILE_TEXT}
    )
    # quoted, so that the hostile cells reach the reader whole
    frame.to_csv(path, index=False, quoting=csv.QUOTE_NONNUMERIC)
    return frame


def test_survey_validate_clean_csv_is_neutralised(tmp_path, text_form):
    raw = _answers(tmp_path / "raw.csv")
    clean = tmp_path / "clean.csv"
    result = CliRunner().invoke(
        cli,
        ["survey", "validate", str(text_form), str(tmp_path / "raw.csv"), "--clean", str(clean)],
    )
    assert result.exit_code == 0, result.output
    assert_safe_csv(clean.read_bytes(), rows=len(raw), columns=raw.shape[1])


@pytest.mark.parametrize("to_file", [True, False])
def test_survey_import_export_csv_is_neutralised(tmp_path, text_form, to_file):
    raw = _answers(tmp_path / "kobo.csv")
    args = ["survey", "import-export", str(text_form), str(tmp_path / "kobo.csv"), "--tool"]
    args += ["kobo", *(["-o", str(tmp_path / "out.csv")] if to_file else ["--format", "csv"])]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    data = (tmp_path / "out.csv").read_bytes() if to_file else result.stdout_bytes
    assert_safe_csv(data, rows=len(raw), columns=raw.shape[1])


def test_xlsform_csv_sheets_are_neutralised_and_read_back(tmp_path):
    label = Text("ok\r=cmd|' /C calc'!A0", '=HYPERLINK("http://e")')
    inst = Instrument(
        "attack",
        "=title",
        questions=[
            Question("note", "text", label, constraint="-1 < .", hint=Text("'=x", "@y")),
        ],
    )
    write_xlsform(inst, tmp_path / "form")
    for name in ("survey", "choices", "settings", "dimensions"):
        assert formula_starts((tmp_path / "form" / f"{name}.csv").read_bytes()) == [], name
    back = read_xlsform(tmp_path / "form")
    q = back.question("note")
    assert (q.label.it, q.label.en) == (label.it, label.en)
    assert q.constraint == "-1 < ."
    assert (q.hint.it, q.hint.en) == ("'=x", "@y")
    assert back.label.it == "=title"


# -- xlsx writers write text as text (item 5) -----------------------------------


def formula_cells(path: Path) -> list[str]:
    book = openpyxl.load_workbook(path)
    return [
        f"{ws.title}!{c.coordinate}={c.value!r}"
        for ws in book.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.data_type == "f"
    ]


def test_xlsform_xlsx_labels_are_text_and_round_trip(tmp_path):
    label = Text('=HYPERLINK("http://evil.example","click")', "+1")
    inst = Instrument(
        "attack",
        "=title",
        questions=[
            Question("wait", "likert", label, scale=Scale.likert(4), constraint="-1 < ."),
            Question("note", "text", Text("@SUM(1)", "-x"), hint=Text("=h", "=h")),
        ],
    )
    path = tmp_path / "form.xlsx"
    write_xlsform(inst, path)
    assert formula_cells(path) == []
    back = read_xlsform(path)
    q = back.question("wait")
    assert (q.label.it, q.label.en, q.constraint) == (label.it, label.en, "-1 < .")
    assert back.question("note").label.it == "@SUM(1)"
    assert back.label.it == "=title"
    # Excel keeps them text when a clerk edits the cell: quotePrefix is set
    book = openpyxl.load_workbook(path)
    survey = book["survey"]
    labels = {c.value: c for row in survey.iter_rows() for c in row}
    assert labels[label.it].quotePrefix


def test_cli_import_xlsform_to_xlsx_writes_no_formula(tmp_path):
    inst = Instrument(
        "attack",
        "Attacco",
        questions=[Question("note", "text", Text("=cmd|' /C calc'!A0", "=x"))],
    )
    write_xlsform(inst, tmp_path / "form")
    out = tmp_path / "form.xlsx"
    result = CliRunner().invoke(
        cli, ["survey", "import-xlsform", str(tmp_path / "form"), "--to", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert formula_cells(out) == []
    assert read_xlsform(out).question("note").label.it == "=cmd|' /C calc'!A0"


def test_write_excel_writes_no_formula_cell(tmp_path):
    frame = hostile_frame().assign(other=[Text("=it", "=en")] * len(HOSTILE_TEXT))
    frame.loc[0, "note"] = "\x1b]0;pwned\x07=x"  # control characters XML cannot hold
    path = write_excel({"=sheet": frame}, tmp_path / "out.xlsx", descriptions={"=sheet": "=d"})
    assert formula_cells(path) == []
    back = pd.read_excel(path, sheet_name=1)
    assert back["category"].iloc[0] == "'=cat\n'=y"  # XML reads a CR back as a LF
    assert back["note"].iloc[0] == "\ufffd]0;pwned\ufffd=x"
    assert back["other"].iloc[0] == neutralise_text(str(Text("=it", "=en")))


# -- hostile workbooks (items 8 and 10) --------------------------------------------

HEADER = [["organization", "value"], ["022205", 1.5]]


def _read_xlsform(path: Path) -> object:
    return read_xlsform(path)


READERS = {"read_table": read_table, "read_xlsform": _read_xlsform}


def assert_fails_fast(reader, path: Path, *words: str, seconds: float = 10.0) -> str:
    start = time.monotonic()
    outcome = guarded(READERS[reader], path, timeout=seconds)
    elapsed = time.monotonic() - start
    assert outcome.kind == "error", (outcome.kind, outcome.message, outcome.trace)
    assert issubclass(outcome.exc_type, QualitapaError), outcome.trace
    assert path.name in outcome.message
    for word in words:
        assert word in outcome.message, outcome.message
    assert elapsed < seconds
    return outcome.message


@pytest.fixture(params=sorted(READERS))
def reader(request):
    return request.param


def test_workbook_with_a_far_cell_fails_in_seconds(tmp_path, reader):
    # 2 KB: openpyxl pads every row to XFD (16384 columns) for 1,048,576 rows
    body = cells(HEADER) + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    path = workbook(tmp_path / "far.xlsx", sheet(body))
    message = assert_fails_fast(reader, path, "cells", "a cell far from the data")
    assert "row 1048576" in message
    assert "min_filled" in message  # how to read a sheet that is really this sparse


def test_a_far_cell_within_the_cell_limit_is_refused_when_the_sheet_is_sparse(tmp_path, reader):
    # 40 columns x 30,000 rows = 1.2 million cells to fill in for five written ones;
    # refused on reaching row 30000 (2 columns so far)
    body = cells(HEADER) + '<row r="30000"><c r="AN30000"><v>1</v></c></row>'
    path = workbook(tmp_path / "sparse.xlsx", sheet(body))
    message = assert_fails_fast(reader, path, "60,000 cells", "with only 4 of them written")
    assert "QUALITAPA_XLSX_MIN_FILLED" in message


def test_a_cell_in_the_last_column_is_refused(tmp_path, reader):
    # found by the fuzz test: two cells in A1 and XFD1 are 16,384 columns, 2-3 s of
    # pandas' read_excel per reader (and 12 s of number reading before issue 13)
    body = '<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c><c r="XFD1"><v>1</v></c></row>'
    path = workbook(tmp_path / "wide.xlsx", sheet(body))
    assert_fails_fast(reader, path, "16,384 cells", "with only 2 of them written")


@pytest.mark.slow  # deep and wide inputs, seconds each
def test_a_wide_sheet_with_its_header_written_is_read(tmp_path):
    # a survey export 2,000 questions wide: the header row is full, the answers blank
    header = "".join(f'<c t="inlineStr"><is><t>q{j}</t></is></c>' for j in range(2_000))
    body = f'<row r="1">{header}</row><row r="2"><c><v>1</v></c></row>'
    frame = read_table(workbook(tmp_path / "wide.xlsx", sheet(body)))
    assert frame.shape == (1, 2_000)
    assert frame["q0"].tolist() == [1]


@pytest.mark.slow  # deep and wide inputs, seconds each
def test_a_sparse_sheet_is_read_with_a_lower_share(tmp_path, monkeypatch):
    # A1 and PA1: 417 cells, 2 written (0.5 %): below the floors it is read
    body = '<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c><c r="PA1"><v>1</v></c></row>'
    path = workbook(tmp_path / "wide.xlsx", sheet(body))
    assert read_table(path).shape == (0, 417)
    with pytest.raises(QualitapaError, match="QUALITAPA_XLSX_MIN_FILLED"):
        read_table(path, limits=WorkbookLimits(sparse_from=100))
    monkeypatch.setenv("QUALITAPA_XLSX_MIN_FILLED", "0.001")
    limits = attrs.evolve(WorkbookLimits.from_env(), sparse_from=100)
    assert limits.min_filled == 0.001
    assert read_table(path, limits=limits).shape == (0, 417)


@pytest.mark.slow
def test_a_dense_sheet_over_a_million_cells_passes_the_default_limits(tmp_path, monkeypatch):
    # a real export: 60,000 rows x 20 columns, every cell written, must not be
    # refused by the default limits. read_table refuses a workbook only through
    # check_workbook (its one limits check, before openpyxl reads anything), so
    # checking proves it at a tenth of the cost of openpyxl reading 1.2 million
    # cells; reading dense sheets is covered by the smaller sheets of this file
    for name in LIMIT_ENV.values():
        monkeypatch.delenv(name, raising=False)
    row = "".join(f"<c><v>{j}</v></c>" for j in range(20))
    body = "".join(f'<row r="{i}">{row}</row>' for i in range(1, 60_001))
    path = workbook(tmp_path / "dense.xlsx", sheet(body))
    check_workbook(path)  # raises DataError if a default limit refuses the sheet


@pytest.mark.slow  # deep and wide inputs, seconds each
def test_the_cell_limit_still_holds_for_a_dense_sheet(tmp_path):
    row = "".join(f"<c><v>{j}</v></c>" for j in range(20))
    body = "".join(f'<row r="{i}">{row}</row>' for i in range(1, 3_001))
    path = workbook(tmp_path / "dense.xlsx", sheet(body))
    with pytest.raises(QualitapaError, match="QUALITAPA_XLSX_MAX_CELLS"):
        read_table(path, header=None, limits=WorkbookLimits(max_cells=50_000))


def test_workbook_with_cells_without_references_is_measured(tmp_path, reader):
    # cells without r="..." count from the left: 16384 of them make a row that wide
    wide = "<row>" + "<c><v>1</v></c>" * 16384 + "</row>"
    body = cells(HEADER) + wide + '<row r="900000"><c r="A900000"><v>1</v></c></row>'
    assert_fails_fast(reader, workbook(tmp_path / "wide.xlsx", sheet(body)), "cells")


def test_workbook_declaring_a_huge_dimension_but_small_reads(tmp_path):
    path = table_workbook(tmp_path / "dim.xlsx", HEADER, dimension="A1:XFD1048576")
    outcome = guarded(read_table, path)
    assert outcome.kind == "ok", outcome.trace
    assert outcome.value.shape == (1, 2)


@pytest.mark.slow  # 300 MiB zip bombs
def test_zip_bomb_fails_in_seconds(tmp_path, reader):
    path = zip_bomb(tmp_path / "bomb.xlsx", 300)
    assert path.stat().st_size < 1 << 20
    assert_fails_fast(reader, path, "uncompressed", seconds=5)


@pytest.mark.slow  # deep and wide inputs, seconds each
def test_compression_ratio_is_limited(tmp_path, reader):
    path = zip_bomb(tmp_path / "ratio.xlsx", 20)
    assert_fails_fast(reader, path, "compress", seconds=5)


def test_limits_can_be_raised_for_big_legitimate_files(tmp_path, monkeypatch):
    rows = [["organization", "value"]] + [["022205", i] for i in range(300)]
    path = table_workbook(tmp_path / "big.xlsx", rows)
    with pytest.raises(DataError, match="cells"):
        read_table(path, limits=WorkbookLimits(max_cells=100))
    assert len(read_table(path)) == 300
    monkeypatch.setenv("QUALITAPA_XLSX_MAX_CELLS", "100")
    with pytest.raises(DataError, match="more than 100 cells"):
        read_table(path)
    with pytest.raises(DefinitionError, match="cells"):
        read_xlsform(path)


def test_not_a_zip_xlsx_is_a_typed_error(tmp_path, reader):
    path = tmp_path / "renamed.xlsx"
    path.write_text("organization;value\n022205;1\n", encoding="utf-8")
    message = assert_fails_fast(reader, path, "not an Excel workbook")
    assert "CSV" in message  # it looks like text: say what to do
    old = tmp_path / "old.xlsx"
    old.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 504)
    assert_fails_fast(reader, old, "Excel 97-2003")


def test_billion_laughs_xlsx_is_refused(tmp_path, reader):
    body = sheet(cells([["&lol9;"]]).replace("&amp;lol9;", "&lol9;"), prolog=BILLION_LAUGHS)
    path = workbook(tmp_path / "lol.xlsx", body)
    assert_fails_fast(reader, path, "DOCTYPE")


def test_external_entity_in_shared_strings_is_refused(tmp_path, reader):
    xxe = (
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<si><t>&e;</t></si></sst>"
    )
    path = workbook(tmp_path / "xxe.xlsx", sheet(cells(HEADER)), **{"xl/sharedStrings.xml": xxe})
    assert_fails_fast(reader, path, "DOCTYPE")


def test_truncated_workbook_is_a_typed_error(tmp_path, reader):
    good = table_workbook(tmp_path / "good.xlsx", HEADER)
    data = good.read_bytes()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(data[: len(data) // 2])
    assert_fails_fast(reader, cut, "not an Excel workbook")


def test_broken_sheet_xml_is_a_typed_error(tmp_path, reader):
    path = workbook(tmp_path / "broken.xlsx", sheet(cells(HEADER))[:-30])
    assert_fails_fast(reader, path)


# -- other hostile input (item 10, files part) ------------------------------------


@pytest.mark.parametrize("row", [2, 3])
def test_xlsform_csv_row_with_extra_fields_names_file_and_row(tmp_path, row):
    # in the first data row (sheet row 2) the extra fields were a raw TypeError
    form = tmp_path / "form"
    form.mkdir()
    lines = ["type,name,label", "text,q1,Ciao", "text,q2,Hello"]
    lines[row - 1] += ",extra,more"
    (form / "survey.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(
        DefinitionError, match=rf"survey\.csv, row {row}: 5 fields, the header has 3"
    ):
        read_xlsform(form)


def test_csv_row_with_extra_fields_is_not_shifted_into_an_index(tmp_path):
    # pandas takes the extra leading fields of a longer first row for an index,
    # shifting every value one column to the right
    path = tmp_path / "data.csv"
    path.write_text("organization,value\n022205,1,5\n022206,2,6\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"data\.csv, row 1: 3 fields, the header has 2"):
        read_table(path)
    path.write_text("organization,value\n022205,1\n022206,2,6\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"data\.csv, row 2: 3 fields, the header has 2"):
        read_table(path)


@pytest.mark.parametrize("bad", [np.inf, -np.inf])
def test_dea_infinite_input_names_the_organization(bad):
    from qualitapa.composite import dea

    data = pd.DataFrame(
        {"organization": ["a", "b", "c", "d"], "x": [1.0, bad, 2.0, 3.0], "y": [1.0, 2, 3, 4]}
    )
    with pytest.raises(
        DataError, match=rf"row 2, column 'x': .*\(not a finite number: {bad}\)"
    ) as info:
        dea(data, inputs=["x"], outputs=["y"])
    cases = info.value.failure_cases
    assert cases[["row", "column"]].to_dict("records") == [{"row": 2, "column": "x"}]


@pytest.mark.slow  # deep and wide inputs, seconds each
@pytest.mark.parametrize(
    "text",
    [
        "x = " + "[" * 100_000 + "]" * 100_000,
        "x = " + "{a=" * 100_000 + "1" + "}" * 100_000,
        "x = " + "[" * 60 + "]" * 60,
        "[" + ".".join(["a"] * 5000) + "]\nb = 1",
        ".".join(["a"] * 5000) + " = 1",
    ],
    ids=["arrays", "inline-tables", "60-arrays", "dotted-table", "dotted-key"],
)
def test_deep_toml_is_a_typed_error(tmp_path, text):
    from qualitapa.declarative import load_definitions

    path = tmp_path / "deep.toml"
    path.write_text(text, encoding="utf-8")
    outcome = guarded(load_definitions, path)
    assert outcome.kind == "error", outcome
    assert outcome.exc_type is DefinitionError, outcome.trace
    assert "deep.toml" in outcome.message
    assert "nested" in outcome.message


def test_toml_that_is_not_utf8_is_a_typed_error(tmp_path):
    from qualitapa.declarative import load_definitions

    path = tmp_path / "latin.toml"
    path.write_bytes('[[services]]\nid = "città"\n'.encode("latin-1"))
    with pytest.raises(DefinitionError, match=r"latin\.toml.*UTF-8"):
        load_definitions(path)


def test_a_workbook_with_a_boolean_header_and_an_empty_column_is_read(tmp_path):
    # found by the xlsx fuzz test: header cells TRUE and FALSE are boolean column labels,
    # which pandas read as a mask when the empty column was put back in its place
    body = (
        '<row r="1"><c r="A1" t="b"><v>1</v></c><c r="B1" t="b"><v>0</v></c></row>'
        '<row r="2"><c r="A2"><v>5</v></c></row>'
    )
    frame = read_table(workbook(tmp_path / "bool.xlsx", sheet(body)))
    assert frame.columns.tolist() == [True, False]
    assert frame.iloc[:, 0].tolist() == [5]
    assert frame.iloc[:, 1].isna().all()
    assert frame.iloc[:, 1].dtype == float
