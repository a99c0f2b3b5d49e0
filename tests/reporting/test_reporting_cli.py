"""``qualitapa report`` and ``qualitapa export opendata|excel|validate``."""

from __future__ import annotations

import json

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from qualitapa.cli import cli
from qualitapa.reporting import RESULT_FILES


@pytest.fixture
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command line's messages in English (Italian is the default)."""
    monkeypatch.setenv("QUALITAPA_LANG", "en")


def _results_dir(tmp_path, results):
    folder = tmp_path / "results"
    folder.mkdir()
    for section in ("indicators", "dea", "caf", "complaint_trend"):
        results[section].to_csv(folder / RESULT_FILES[section], index=False)
    return folder


@pytest.mark.slow  # a full report with charts
def test_report_from_a_results_folder(tmp_path, results):
    folder = _results_dir(tmp_path, results)
    out = tmp_path / "report.html"
    res = CliRunner().invoke(
        cli, ["report", "--period", "2024", "--results", str(folder), "-o", str(out),
              "--lang", "en", "--organization", "036023", "--note", "Synthetic data"],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    page = out.read_text(encoding="utf-8")
    for sid in ("headline", "indicators", "dea", "complaints", "caf"):
        assert f'<section id="{sid}"' in page
    # ISTAT codes keep their leading zeros when read back (the DEA peers too)
    assert "<td>022205</td>" in page
    # 3 indicators x 2 charts + DEA + complaint trend + CAF radar, inline SVG
    assert page.count('<svg role="img"') == 9
    assert "Synthetic data" in page


def test_report_single_files_and_no_charts(tmp_path, results):
    caf = tmp_path / "caf.csv"
    results["caf"].to_csv(caf, index=False)
    out = tmp_path / "r.html"
    res = CliRunner().invoke(
        cli, ["report", "-p", "2024", "--caf", str(caf), "--no-charts", "-o", str(out)]
    )
    assert res.exit_code == 0, res.output
    page = out.read_text(encoding="utf-8")
    assert "<img" not in page
    assert "Autovalutazione CAF" in page


@pytest.mark.usefixtures("english")
def test_report_without_tables_is_a_clean_error(tmp_path):
    res = CliRunner().invoke(cli, ["report", "-p", "2024", "-o", str(tmp_path / "r.html")])
    assert res.exit_code == 1
    assert "no result tables given" in res.output


@pytest.mark.usefixtures("english")
def test_export_opendata_then_validate(tmp_path, results):
    folder = _results_dir(tmp_path, results)
    pkg = tmp_path / "opendata"
    res = CliRunner().invoke(
        cli, ["export", "opendata", "--results", str(folder), "-o", str(pkg),
              "--name", "qclub-2024", "--licence", "IODL-2.0"],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    package = json.loads((pkg / "datapackage.json").read_text(encoding="utf-8"))
    names = [r["name"] for r in package["resources"]]
    assert names == ["indicator_values", "dea_scores", "complaint_trend", "caf_scores"]
    values = package["resources"][0]["schema"]
    assert values["primaryKey"] == ["organization", "period", "indicator"]
    assert {f["name"]: f["type"] for f in values["fields"]}["organization"] == "string"
    assert package["resources"][3]["schema"]["primaryKey"] == ["level", "id"]
    ok = CliRunner().invoke(cli, ["export", "validate", str(pkg)])
    assert ok.exit_code == 0, ok.output
    # break one cell: the validator names it and exits with status 1
    csv = pkg / "dea_scores.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace(",1.0,", ",one,", 1), encoding="utf-8")
    bad = CliRunner().invoke(cli, ["export", "validate", str(pkg), "--format", "csv"])
    assert bad.exit_code == 1
    assert "dea_scores,1,efficiency,one,not a valid number value" in bad.output
    assert "problems in the data package" in bad.output


def test_export_excel(tmp_path, results):
    csv = tmp_path / "kpis.csv"
    pd.DataFrame({"service": ["=1+1", "registry"], "received": [3, 4]}).to_csv(csv, index=False)
    out = tmp_path / "out.xlsx"
    res = CliRunner().invoke(cli, ["export", "excel", str(csv), "-o", str(out)])
    assert res.exit_code == 0, res.output
    ws = openpyxl.load_workbook(out)["kpis"]
    assert [[c.value for c in row] for row in ws.iter_rows()] == [
        ["service", "received"], ["'=1+1", 3], ["registry", 4]
    ]  # fmt: skip


@pytest.fixture
def registry_plugins():
    from qualitapa.testing import isolated_plugins

    with isolated_plugins(["registry", "qclub"]):
        yield


def _values_csv(tmp_path):
    csv = tmp_path / "indicator_values.csv"
    pd.DataFrame(
        {"organization": ["021008"], "period": [2024], "indicator": ["registry.average_wait"],
         "value": [12.5]}
    ).to_csv(csv, index=False)  # fmt: skip
    return csv


def test_export_excel_and_opendata_label_in_lang(tmp_path, registry_plugins):
    from qualitapa.catalog import default_catalog

    label = default_catalog().indicators["registry.average_wait"].label
    csv = _values_csv(tmp_path)
    out = tmp_path / "out.xlsx"
    res = CliRunner().invoke(cli, ["export", "excel", str(csv), "-o", str(out), "--lang", "de"])
    assert res.exit_code == 0, res.output
    rows = [
        [c.value for c in row]
        for row in openpyxl.load_workbook(out)["indicator_values"].iter_rows()
    ]
    header = rows[0]
    assert header[:2] == ["organization", "organization_name"]
    assert rows[1][1] == "Bozen"
    assert rows[1][header.index("indicator_label")] == label.de
    pkg = tmp_path / "opendata"
    res = CliRunner().invoke(
        cli, ["export", "opendata", str(csv), "-o", str(pkg), "--with-definitions", "--lang", "de"]
    )
    assert res.exit_code == 0, res.output
    values = pd.read_csv(pkg / "indicator_values.csv", dtype=str)
    assert values["organization_name"].tolist() == ["Bozen"]
    definitions = pd.read_csv(pkg / "indicators.csv", dtype=str, keep_default_na=False)
    row = definitions.set_index("indicator").loc["registry.average_wait"]
    assert row["indicator_label"] == label.de
    assert "label_it" not in definitions.columns
    # Italian by default: the same columns, the Italian names
    res = CliRunner().invoke(cli, ["export", "excel", str(csv), "-o", str(out)])
    assert res.exit_code == 0, res.output
    ws = openpyxl.load_workbook(out)["indicator_values"]
    assert ws["B2"].value == "Bolzano"
