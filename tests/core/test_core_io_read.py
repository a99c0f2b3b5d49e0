"""qualitapa.io.read_table's reading options (issue 17): delimiter, encoding, decimal and
thousands separators, dates, formats, standard input.

Files are written in the shapes of ``shared/samples/office-files`` (Italian
Excel's "CSV": Windows-1252, ``;``, CRLF, ``31/01/2024``, ``1.234,5``).
"""

from __future__ import annotations

import csv
import io
import json
import sys
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualitapa.errors import DataError, DataWarning, OptionError
from qualitapa.io import read_table, write_csv

# -- delimiter ----------------------------------------------------------------


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"])
def test_each_delimiter_is_sniffed(tmp_path, sep):
    path = tmp_path / "x.csv"
    path.write_text(
        sep.join(["organization", "value", "nota"]) + "\n022205" + sep + "3" + sep + "a\n"
    )
    frame = read_table(path)
    assert frame.columns.tolist() == ["organization", "value", "nota"]
    assert frame.iloc[0].tolist() == ["022205", 3, "a"]


def test_sniffing_ignores_decimal_commas_in_a_semicolon_file(tmp_path):
    path = tmp_path / "x.csv"  # each row has one comma, the header none
    path.write_text("organization;value\n022205;1,5\n016024;2,5\n")
    assert read_table(path)["value"].tolist() == [1.5, 2.5]


def test_an_explicit_delimiter_wins(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a;b|c\n1;2|3\n")
    assert read_table(path, delimiter="|").columns.tolist() == ["a;b", "c"]
    assert read_table(path, delimiter=";").columns.tolist() == ["a", "b|c"]
    assert read_table(path, delimiter="tab").columns.tolist() == ["a;b|c"]


def test_a_delimiter_that_cannot_be_told_is_an_error_asking_for_it(tmp_path):
    path = tmp_path / "x.csv"  # ; and , both give 2 fields in every row
    path.write_text("a;b,c\n1;2,3\n")
    with pytest.raises(DataError, match=r"x\.csv: cannot tell the delimiter.*--delimiter"):
        read_table(path)
    ragged = tmp_path / "ragged.csv"  # neither gives most rows the header's fields
    ragged.write_text("a;b,c\n1;2;3\n4,5,6\n7\n")
    with pytest.raises(DataError, match=r"ragged\.csv: cannot tell the delimiter.*--delimiter"):
        read_table(ragged)


def test_a_row_too_long_for_the_only_delimiter_of_the_header_is_named(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a;b\n1;2;3;4\n5;6\n")
    with pytest.raises(DataError, match=r"x\.csv, row 1: 4 fields, the header has 2"):
        read_table(path)


def test_a_file_of_one_column(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("organization\n022205\n")
    assert read_table(path)["organization"].tolist() == ["022205"]


def test_a_bad_delimiter_option_is_an_option_error(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a\n1\n")
    with pytest.raises(OptionError, match="one character"):
        read_table(path, delimiter=";;")


# -- encoding -----------------------------------------------------------------

CP1252_TEXT = "organization;nota\r\n022205;città à\r\n016024;€ 12,50\r\n037006;però ò\r\n"


def test_windows_1252_is_read_with_a_warning_naming_the_file(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes(CP1252_TEXT.encode("cp1252"))
    assert b"\x80" in path.read_bytes()  # € is 0x80 in Windows-1252, not a UTF-8 start
    with pytest.warns(DataWarning, match=r"excel\.csv: .*UTF-8.* Windows-1252"):
        frame = read_table(path)
    assert frame["nota"].tolist() == ["città à", "€ 12,50", "però ò"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # told: no warning
        told = read_table(path, encoding="cp1252")
    pd.testing.assert_frame_equal(told, frame)


def test_utf8_with_and_without_bom(tmp_path):
    for name, encoding in (("bom.csv", "utf-8-sig"), ("plain.csv", "utf-8")):
        path = tmp_path / name
        path.write_bytes(CP1252_TEXT.encode(encoding))
        frame = read_table(path, encoding="utf-8") if name == "bom.csv" else read_table(path)
        assert frame.columns.tolist() == ["organization", "nota"]  # no BOM in the name
        assert frame["nota"].tolist() == ["città à", "€ 12,50", "però ò"]


def test_windows_1252_after_the_sample_is_read_too(tmp_path):
    path = tmp_path / "late.csv"  # the first non-UTF-8 byte after 64 KiB of ASCII
    rows = "".join(f"{i:06d};ok\r\n" for i in range(10_000))
    path.write_bytes(("organization;nota\r\n" + rows + "000001;è\r\n").encode("cp1252"))
    with pytest.warns(DataWarning, match=r"late\.csv: .*UTF-8.* Windows-1252"):
        frame = read_table(path)
    assert frame["nota"].iloc[-1] == "è"


def test_a_declared_encoding_that_does_not_fit_names_the_row(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes("a;b\n1;ok\n2;è\n".encode("cp1252"))
    with pytest.raises(DataError, match=r"x\.csv, row 2: not utf-8 text \(byte 0xe8\)"):
        read_table(path, encoding="utf-8")
    with pytest.raises(OptionError, match="unknown encoding 'klingon'"):
        read_table(path, encoding="klingon")
    assert read_table(path, encoding="latin-1")["b"].tolist() == ["ok", "è"]


# -- numbers ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "thousands"),
    [("1'234,5", "'"), ("1 234,5", " "), ("1\u00a0234,5", " "), ("1\u202f234,5", " ")],
)
def test_other_thousands_separators(tmp_path, text, thousands):
    path = tmp_path / "x.csv"
    path.write_text(f"organization;value\n022205;{text}\n016024;12,25\n", encoding="utf-8")
    frame = read_table(path, decimal=",", thousands=thousands)
    assert frame["value"].tolist() == [1234.5, 12.25]


def test_decimal_and_thousands_reject_what_their_convention_does_not_write(tmp_path):
    path = tmp_path / "x.csv"  # 1.5 is not a number with a decimal comma: it stays text
    path.write_text("organization;value\n022205;1'234,5\n016024;1.5\n")
    frame = read_table(path, decimal=",", thousands="'")
    assert frame["value"].tolist() == [1234.5, "1.5"]
    # groups of three digits, as for --numbers
    path.write_text("organization;value\n022205;12'34,5\n")
    assert read_table(path, decimal=",", thousands="'")["value"].tolist() == ["12'34,5"]


def test_decimal_comma_and_thousands_dot_is_the_italian_convention(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("organization;value\n022205;112.500\n016024;47,5\n")
    assert read_table(path, decimal=",", thousands=".")["value"].tolist() == [112500.0, 47.5]
    assert read_table(path, decimal=",")["value"].tolist() == ["112.500", 47.5]


def test_numbers_with_decimal_or_thousands_is_an_option_error_naming_both(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a\n1\n")
    with pytest.raises(OptionError, match=r"--numbers it and --decimal ','"):
        read_table(path, numbers="it", decimal=",")
    with pytest.raises(OptionError, match=r"--numbers en and --thousands"):
        read_table(path, numbers="en", thousands="'")
    with pytest.raises(OptionError, match="must differ"):
        read_table(path, decimal=",", thousands=",")
    with pytest.raises(OptionError, match="other than a digit"):
        read_table(path, decimal="5")


# -- dates --------------------------------------------------------------------


def test_slashed_dates_are_read_day_first_and_stay_naive(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text(
        "id;received_at;answered_at;due_date;note\n"
        "1;31/01/2024;02/02/2024 09:30;2024-02-02;01/02/2024\n"
        "2;01/02/2024 9:05;;2024-03-01;x\n"
    )
    frame = read_table(path)
    assert frame["received_at"].tolist() == [
        pd.Timestamp("2024-01-31"),
        pd.Timestamp("2024-02-01 09:05"),
    ]
    assert frame["answered_at"].iloc[0] == pd.Timestamp("2024-02-02 09:30")
    assert pd.isna(frame["answered_at"].iloc[1])
    # a date alone stays that day: never moved to UTC (2024-02-01T23:00Z)
    assert frame["due_date"].iloc[0] == pd.Timestamp("2024-02-02")
    assert frame["due_date"].dt.tz is None
    assert frame["note"].tolist() == ["01/02/2024", "x"]  # not a date column: left alone


def test_read_as_text_dates_become_iso_text(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("received_at;closed_at\n15/01/2024 09:30;2024-01-16T10:00:00+01:00\n")
    frame = read_table(path, dtype=str)
    assert frame["received_at"].tolist() == ["2024-01-15T09:30"]
    assert frame["closed_at"].tolist() == ["2024-01-16T10:00:00+01:00"]  # as written


def test_a_column_with_offsets_stays_text(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("received_at\n31/01/2024\n2024-01-16T10:00:00+01:00\n")
    assert read_table(path)["received_at"].tolist() == ["2024-01-31", "2024-01-16T10:00:00+01:00"]


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("01/31/2024", "reads only month first"),
        ("31/01/24", "two-digit year"),
        ("31/02/2024", "no such day"),
        ("2024-02-30", "no such day"),
        ("29.02.2023 10:00", "no such day"),
    ],
)
def test_dates_that_cannot_be_read_day_first_name_row_and_column(tmp_path, cell, reason):
    path = tmp_path / "register.csv"
    path.write_text(f"id;received_at\n1;31/01/2024\n2;{cell}\n")
    with pytest.raises(DataError, match=rf"register\.csv, row 2, column 'received_at': .*{reason}"):
        read_table(path)


def test_all_bad_dates_are_listed(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("received_at;answered_at\n01/31/2024;31/02/2024\n31/01/2024;12/13/2024\n")
    with pytest.raises(DataError) as info:
        read_table(path)
    cases = info.value.failure_cases
    assert cases[["row", "column"]].values.tolist() == [
        [1, "answered_at"],
        [1, "received_at"],
        [2, "answered_at"],
    ]


def test_a_date_format(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("received_at\n01/31/2024 09:30\n2024-02-01\n")
    frame = read_table(path, date_format="%m/%d/%Y %H:%M")
    assert frame["received_at"].tolist() == [
        pd.Timestamp("2024-01-31 09:30"),
        pd.Timestamp("2024-02-01"),  # ISO 8601 is read whatever the format
    ]
    with pytest.raises(DataError, match=r"row 1, column 'received_at': .*format %d/%m/%Y"):
        read_table(path, date_format="%d/%m/%Y")


# -- formats and standard input -------------------------------------------------


def test_json_and_ndjson_records(tmp_path):
    records = [{"organization": "022205", "value": 1.5}, {"organization": "016024", "value": 2}]
    as_json = tmp_path / "x.json"
    as_json.write_text(json.dumps(records))
    as_lines = tmp_path / "x.jsonl"
    as_lines.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    for path in (as_json, as_lines, tmp_path / "x.ndjson"):
        if not path.exists():
            path.write_text(as_lines.read_text())
        frame = read_table(path)
        assert frame.to_dict("records") == records


def test_json_that_is_not_records_is_an_error(tmp_path):
    path = tmp_path / "x.json"
    path.write_text('{"a": ')
    with pytest.raises(DataError, match=r"x\.json: not a JSON list of records"):
        read_table(path)


def test_json_codes_as_numbers_become_text(tmp_path):
    path = tmp_path / "x.json"
    path.write_text('[{"organization": 16024, "value": 1}]')
    assert read_table(path)["organization"].tolist() == ["16024"]


def test_parquet_round_trip(tmp_path):
    pytest.importorskip("pyarrow")
    frame = pd.DataFrame(
        {"organization": ["022205"], "value": [1.5], "received_at": ["31/01/2024"]}
    )
    path = tmp_path / "x.parquet"
    frame.to_parquet(path)
    read = read_table(path)
    assert read["organization"].tolist() == ["022205"]
    assert read["value"].tolist() == [1.5]
    assert read["received_at"].tolist() == [pd.Timestamp("2024-01-31")]


def test_parquet_without_pyarrow_says_what_to_install(tmp_path, monkeypatch):
    path = tmp_path / "x.parquet"
    path.write_bytes(b"PAR1")
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # import pyarrow fails
    with pytest.raises(DataError, match=r'x\.parquet: .*pip install "qualitapa\[parquet\]"'):
        read_table(path)


def test_tsv_and_a_format_for_extensions_that_say_nothing(tmp_path):
    tsv = tmp_path / "x.tsv"
    tsv.write_text("a;b\tc\n1;2\t3\n")  # a tab file: ; is data
    assert read_table(tsv).columns.tolist() == ["a;b", "c"]
    odd = tmp_path / "export.dat"
    odd.write_text('[{"a": 1}]')
    assert read_table(odd).to_dict("records") == [{"a": 1}]  # the first bytes say JSON
    assert read_table(odd, format="csv").columns.tolist() == ['[{"a": 1}]']
    with pytest.raises(OptionError, match="format must be one of"):
        read_table(odd, format="xml")


def _stdin(monkeypatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))


def test_standard_input_is_sniffed_once(monkeypatch):
    _stdin(monkeypatch, CP1252_TEXT.encode("cp1252"))
    with pytest.warns(DataWarning, match="<stdin>: .*UTF-8.* Windows-1252"):
        frame = read_table("-")
    assert frame["nota"].tolist() == ["città à", "€ 12,50", "però ò"]
    _stdin(monkeypatch, b'{"organization": "022205"}\n')
    assert read_table("-").to_dict("records") == [{"organization": "022205"}]
    _stdin(monkeypatch, b"")
    with pytest.raises(DataError, match="<stdin>: nothing on standard input"):
        read_table("-")


def test_standard_input_errors_name_it(monkeypatch):
    _stdin(monkeypatch, b"organization;value\n022205;112.500\n")
    with pytest.raises(DataError, match=r"<stdin>, row 1, column 'value': '112.500' is ambiguous"):
        read_table("-")


def test_a_workbook_on_standard_input(monkeypatch, tmp_path):
    pytest.importorskip("openpyxl")
    path = tmp_path / "x.xlsx"
    with pd.ExcelWriter(path) as book:
        pd.DataFrame({"note": ["notes"]}).to_excel(book, sheet_name="Note", index=False)
        pd.DataFrame({"organization": ["022205"], "value": [3]}).to_excel(
            book, sheet_name="Dati", index=False
        )
    _stdin(monkeypatch, path.read_bytes())
    assert read_table("-", sheet="Dati").to_dict("records") == [
        {"organization": "022205", "value": 3}
    ]
    assert read_table(path, sheet="1")["value"].tolist() == [3]  # a number: the second sheet
    with pytest.raises(DataError, match=r"x\.xlsx: no sheet 'Data'; the workbook has 0: 'Note'"):
        read_table(path, sheet="Data")


# -- round trips (property) -----------------------------------------------------

CONVENTIONS = {
    "it": {"numbers": "it"},
    "en": {"numbers": "en"},
    "swiss": {"decimal": ",", "thousands": "'"},
    "space": {"decimal": ",", "thousands": "\u202f"},
    "plain": {"decimal": "."},
}
SEPARATORS = {"it": (",", "."), "en": (".", ","), "swiss": (",", "'"), "space": (",", "\u202f")}


def _written(value: int, decimals: int, convention: str) -> str:
    """``value / 10**decimals`` as the convention writes it (thousands grouped)."""
    sign = "-" if value < 0 else ""
    whole, frac = divmod(abs(value), 10**decimals)
    if convention == "plain":
        return f"{sign}{whole}" + (f".{frac:0{decimals}d}" if decimals else "")
    dec, group = SEPARATORS[convention]
    grouped = f"{whole:,}".replace(",", group)
    return sign + grouped + (f"{dec}{frac:0{decimals}d}" if decimals else "")


TEXT = st.text(alphabet="abcèéòàù €;,|\t\"'xyz", min_size=1, max_size=8).map(lambda t: "t" + t)


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.integers(-(10**10), 10**10), st.integers(0, 4), TEXT), min_size=1, max_size=12
    ),
    sep=st.sampled_from([",", ";", "\t", "|"]),
    convention=st.sampled_from(sorted(CONVENTIONS)),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
)
def test_written_in_a_convention_reads_back_with_its_options(
    tmp_path_factory, rows, sep, convention, encoding
):
    path = tmp_path_factory.mktemp("prop") / "x.csv"
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\r\n")
    writer.writerow(["organization", "value", "note"])
    for i, (value, decimals, text) in enumerate(rows):
        writer.writerow([f"{i:06d}", _written(value, decimals, convention), text])
    if convention == "space" and encoding == "cp1252":
        return  # cp1252 has no narrow no-break space
    path.write_bytes(buffer.getvalue().encode(encoding))
    options = {**CONVENTIONS[convention], "delimiter": sep, "encoding": encoding}
    frame = read_table(path, **options)
    expected = np.array([v / 10**d for v, d, _ in rows])
    np.testing.assert_allclose(frame["value"].to_numpy(dtype=float), expected, rtol=1e-15)
    assert frame["note"].tolist() == [t for _, _, t in rows]  # text unchanged
    assert frame["organization"].tolist() == [f"{i:06d}" for i in range(len(rows))]


def test_write_csv_reads_back_with_the_sniffer(tmp_path):
    frame = pd.DataFrame({"organization": ["022205"], "value": [2.125], "nota": ["a; b, c"]})
    path = tmp_path / "x.csv"
    path.write_text(write_csv(frame), encoding="utf-8")
    pd.testing.assert_frame_equal(read_table(path), frame)
