"""Results people can read (issue 17): formats by extension, labels, tables, Excel.

The registry demo data of 2024 for three cities (Bolzano, Modena, Torino),
one variable of Torino removed so that one value is missing with a reason.
Tables for people are checked at terminal widths 80 and 200 (``COLUMNS``);
machine formats are read back (``read_table``, openpyxl).
"""

from __future__ import annotations

import importlib.util
import io
import json
import sys
from importlib import import_module
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from qualitapa.catalog import default_catalog
from qualitapa.cli import cli
from qualitapa.cli._output import for_people, table_text
from qualitapa.i18n import translator
from qualitapa.io import read_table
from qualitapa.testing import isolated_plugins

BOLZANO, MODENA, TORINO = "021008", "036023", "001272"
SHARE = "registry.online_certificates_share"  # unit %
PER_FTE = "registry.certificates_per_fte"  # certificates per FTE
HAS_PYARROW = importlib.util.find_spec("pyarrow") is not None


@pytest.fixture
def catalog():
    with isolated_plugins(["registry", "qclub"]):
        yield default_catalog()


@pytest.fixture
def data(catalog, tmp_path) -> Path:
    module = import_module("qualitapa_registry")
    demo = Path(module.__file__).parent / "demo" / "indicator_data.csv"
    raw = pd.read_csv(demo, dtype={"organization": str})
    raw = raw[(raw["period"] == 2024) & raw["organization"].isin([BOLZANO, MODENA, TORINO])]
    missing = (raw["organization"] == TORINO) & (raw["variable"] == "registry.certificates_online")
    path = tmp_path / "values.csv"
    raw[~missing].to_csv(path, index=False)
    return path


def _run(*args: str, width: int | None = None, code: int = 0):
    env = {"COLUMNS": str(width)} if width else {}
    result = CliRunner().invoke(cli, list(args), env=env)
    assert result.exit_code == code, result.output + result.stderr
    return result


def _compute(data: Path, *args: str, width: int | None = None, code: int = 0):
    return _run("indicators", "compute", str(data), "-s", "registry", *args, width=width, code=code)


# -- formats by extension -------------------------------------------------------


@pytest.mark.parametrize("suffix", [".csv", ".json", ".ndjson"])
def test_machine_files_read_back_with_read_table(data, tmp_path, suffix):
    target = tmp_path / f"out{suffix}"
    result = _compute(data, "--lang", "de", "-o", str(target))
    assert "Zeilen in" in result.stderr
    assert "geschrieben" in result.stderr
    back = read_table(target, dtype={"organization": str, "period": str})
    assert {"organization", "organization_name", "indicator", "indicator_label", "value"} <= set(
        back.columns
    )
    assert set(back.loc[back["organization"] == BOLZANO, "organization_name"]) == {"Bozen"}
    # full precision: the value of the share reads back as computed
    csv = read_table(_to(tmp_path, data, ".csv"), dtype={"organization": str, "period": str})
    key = ["organization", "indicator"]
    merged = back.merge(csv, on=key, suffixes=("", "_csv"))
    assert len(merged) == len(csv)
    pd.testing.assert_series_equal(
        merged["value"].astype(float), merged["value_csv"].astype(float), check_names=False
    )


def _to(tmp_path: Path, data: Path, suffix: str) -> Path:
    target = tmp_path / f"reference{suffix}"
    _compute(data, "--lang", "de", "-o", str(target))
    return target


def test_json_keeps_full_precision_and_the_english_names(data):
    rows = json.loads(_compute(data, "--format", "json", "--lang", "de").stdout)
    share = [r for r in rows if r["indicator"] == SHARE and r["organization"] == BOLZANO]
    assert share
    assert share[0]["organization_name"] == "Bozen"
    assert share[0]["value"] != round(share[0]["value"], 1)  # not rounded for people
    lines = _compute(data, "--format", "ndjson").stdout.splitlines()
    assert [json.loads(line) for line in lines] == json.loads(
        _compute(data, "--format", "json").stdout
    )


def test_xlsx_has_number_formats_labels_a_frozen_header_and_one_sheet(data, tmp_path):
    target = tmp_path / "out.xlsx"
    _compute(data, "--lang", "de", "-o", str(target))
    book = openpyxl.load_workbook(target)
    assert len(book.sheetnames) == 1
    sheet = book[book.sheetnames[0]]
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    assert header[:2] == ["organization", "organization_name"]
    assert "indicator_label" in header
    rows = [dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2)]
    bozen = [r for r in rows if r["organization"].value == BOLZANO]
    assert {r["organization_name"].value for r in bozen} == {"Bozen"}
    [share] = [r for r in bozen if r["indicator"].value == SHARE]
    assert share["value"].number_format == '0.0"%"'  # 41.678 shown as 41.7%
    assert 30 < share["value"].value < 60
    assert share["value"].value != round(share["value"].value, 1)
    [per_fte] = [r for r in bozen if r["indicator"].value == PER_FTE]
    assert per_fte["value"].number_format == "#,##0"
    assert share["period"].number_format == "0"  # 2024, not 2,024


def test_xlsx_sheet_is_named_in_the_language(data, tmp_path):
    target = tmp_path / "bench.xlsx"
    _run("benchmark", str(data), "-s", "registry", "--lang", "de", "-o", str(target))
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["Ergebnisse"]
    header = [c.value for c in book["Ergebnisse"][1]]
    assert "organization_name" in header
    assert "indicator_label" in header


def test_parquet_without_pyarrow_says_which_extra(data, tmp_path, monkeypatch):
    output = import_module("qualitapa.cli._output")
    write_parquet = output.write_parquet

    def without_pyarrow(*args, **kwargs):  # pandas itself may use pyarrow until then
        with monkeypatch.context() as patch:
            patch.setitem(sys.modules, "pyarrow", None)  # import pyarrow fails
            return write_parquet(*args, **kwargs)

    monkeypatch.setattr(output, "write_parquet", without_pyarrow)
    result = _compute(data, "-o", str(tmp_path / "out.parquet"), code=1)
    assert 'pip install "qualitapa[parquet]"' in result.stderr
    assert not (tmp_path / "out.parquet").exists()


@pytest.mark.skipif(not HAS_PYARROW, reason="the parquet extra is not installed")
def test_parquet_reads_back(data, tmp_path):  # runs in CI: dev installs the parquet extra
    target = tmp_path / "out.parquet"
    _compute(data, "-o", str(target))
    back = pd.read_parquet(target)
    assert {"organization_name", "indicator_label"} <= set(back.columns)


def test_markdown_and_html_are_for_people(data, tmp_path):
    md, html = tmp_path / "out.md", tmp_path / "out.html"
    _compute(data, "--lang", "de", "-o", str(md))
    _compute(data, "--lang", "de", "-o", str(html))
    text = md.read_text(encoding="utf-8")
    assert text.splitlines()[0].startswith("| Kodex Körperschaft | Körperschaft |")
    assert "| Bozen |" in text
    assert "%" in text
    page = html.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert '<th scope="col">Körperschaft</th>' in page
    assert "<td>Bozen</td>" in page


def test_txt_is_the_table(data, tmp_path):
    target = tmp_path / "out.txt"
    _compute(data, "-o", str(target))
    assert target.read_text(encoding="utf-8").startswith("Codice ente")


@pytest.mark.parametrize("name", ["out.xls", "out.tsv.gz", "out"])
def test_an_unknown_extension_is_a_usage_error(data, tmp_path, name):
    result = _compute(data, "-o", str(tmp_path / name), code=2)
    assert ".csv, .json, .ndjson, .xlsx, .parquet, .md, .html o .txt" in result.stderr
    assert not (tmp_path / name).exists()


def test_a_format_contradicting_the_extension_is_a_usage_error(data, tmp_path):
    result = _compute(data, "--format", "csv", "-o", str(tmp_path / "out.xlsx"), code=2)
    assert "--format csv non corrisponde a out.xlsx" in result.stderr
    assert "out.csv" in result.stderr
    assert not (tmp_path / "out.xlsx").exists()
    result = _compute(data, "--format", "xlsx", code=2)
    assert "-o risultati.xlsx" in result.stderr


# -- tables for people ------------------------------------------------------------


@pytest.mark.parametrize("width", [80, 200])
@pytest.mark.parametrize("command", ["compute", "benchmark"])
def test_tables_fit_the_terminal(data, width, command):
    args = ("indicators", "compute") if command == "compute" else ("benchmark",)
    out = _run(*args, str(data), "-s", "registry", width=width).stdout
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= width
    words = set(out.split())
    assert {"Quota", "certificati", "rilasciati", "online"} <= words  # wrapped, not cut
    for code in (BOLZANO, MODENA, TORINO):
        assert code in out


def test_a_wide_table_in_a_narrow_terminal_repeats_the_row_names(data):
    out = _run("benchmark", str(data), "-s", "registry", width=80).stdout
    parts = [p for p in out.split("\n\n") if p.strip()]
    assert len(parts) > 1
    for part in parts:
        lines = part.splitlines()
        heads = lines[: next(i for i, x in enumerate(lines) if x.startswith("──"))]
        assert "Ente" in " ".join(heads).split()


def test_on_a_wide_terminal_a_row_is_one_line(data):
    out = _run("indicators", "compute", str(data), "-s", "registry", width=200).stdout
    [line] = [x for x in out.splitlines() if BOLZANO in x and SHARE in x]
    assert "Bolzano" in line
    assert "%" in line


def test_numbers_are_rounded_per_unit_in_italian(data, catalog):
    out = _run("indicators", "compute", str(data), "-s", "registry", width=200).stdout
    values = read_table(_csv_of(data), dtype={"organization": str})
    share = values.query("organization == @BOLZANO and indicator == @SHARE")["value"].item()
    t = translator("it")
    assert t.quantity(share, "%", 1) in out  # 41,7%
    assert f"{share}" not in out  # full precision only in machine formats
    per_fte = values.query("organization == @BOLZANO and indicator == @PER_FTE")["value"].item()
    assert t.number(per_fte, 0) in out  # 936: certificates, no decimals


def _csv_of(data: Path) -> Path:
    target = data.with_name("values_out.csv")
    _compute(data, "-o", str(target))
    return target


def test_a_share_is_a_percentage_in_the_language():
    frame = pd.DataFrame({"service": ["registry"], "share_within_deadline": [0.913]})
    assert for_people(frame, "it").iloc[0, -1] == "91,3%"
    assert for_people(frame, "de").iloc[0, -1] == "91,3\xa0%"
    assert for_people(frame, "en").iloc[0, -1] == "91.3%"


def test_a_missing_value_is_a_dash_next_to_its_reason(data):
    out = _run("indicators", "compute", str(data), "-s", "registry", width=200).stdout
    [line] = [x for x in out.splitlines() if TORINO in x and SHARE in x]
    assert " – " in line
    assert "manca una variabile" in line
    assert "NaN" not in out
    assert "<NA>" not in out
    assert "nan" not in out.split()
    out = _run(
        "indicators", "compute", str(data), "-s", "registry", "--lang", "de", width=200
    ).stdout
    [line] = [x for x in out.splitlines() if TORINO in x and SHARE in x]
    assert " – " in line
    assert "eine Variable fehlt" in line


@pytest.mark.parametrize("lang", ["it", "de"])
def test_no_english_word_in_the_tables_for_people(data, lang):
    english = {"organization", "organization_name", "indicator", "indicator_label", "value",
               "status", "period", "rank", "compared", "missing_variable", "no_value", "best",
               "percentile", "comparison", "ok"}  # fmt: skip
    for args in (("indicators", "compute"), ("benchmark",)):
        out = _run(*args, str(data), "-s", "registry", "--lang", lang, width=200).stdout
        assert not english & set(out.split()), english & set(out.split())


def test_labels_follow_the_language_in_every_format(data):
    assert "Bozen" in _compute(data, "--lang", "de", width=200).stdout
    assert "Bozen" not in _compute(data, width=200).stdout
    frame = pd.read_csv(io.StringIO(_compute(data, "--lang", "de", "--format", "csv").stdout),
                        dtype=str)  # fmt: skip
    assert set(frame.loc[frame["organization"] == BOLZANO, "organization_name"]) == {"Bozen"}
    assert list(frame.columns[:2]) == ["organization", "organization_name"]


def test_table_text_shows_control_characters_and_fits():
    frame = pd.DataFrame({"Ente": ["\x1b]8;;http://x\x07Bozen"], "Valore": ["1,5"]})
    text = table_text(frame, width=40, numeric={"Valore": True})
    assert "\x1b" not in text
    assert "␛" in text
    assert max(len(line) for line in text.splitlines()) <= 40
