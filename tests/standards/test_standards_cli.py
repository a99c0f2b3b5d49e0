"""``qualitapa standards``, ``charter`` and ``plan`` commands."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from qualitapa.cli import cli
from qualitapa.i18n import translator
from qualitapa.testing import isolated_plugins


@pytest.fixture
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command line's messages in English (Italian is the default)."""
    monkeypatch.setenv("QUALITAPA_LANG", "en")


TOML = """
[[services]]
id = "registry"
label = { it = "Anagrafe", en = "Civil registry" }

[[standards]]
id = "registry.wait"
service = "registry"
dimension = "timeliness"
label = { it = "Attesa allo sportello", en = "Waiting at the counter" }
formula = "waiting_minutes"
unit = "min"
target = "<= 20"
scope = "specific"
refund = { amount = 5 }

[[standards]]
id = "registry.satisfaction"
service = "registry"
dimension = "effectiveness"
sub_dimension = "reliability"
label = { it = "Soddisfazione", en = "Satisfaction" }
indicator = "registry.satisfaction_index"
target = ">= 70"

[[charters]]
id = "registry.charter"
service = "registry"
title = { it = "Carta dei servizi <Anagrafe>", en = "Registry charter" }
valid_from = 2025-01-01
standards = ["registry.wait", "registry.satisfaction"]
complaint_procedure = { answer_days = 30 }
"""


def _files(tmp_path: Path) -> dict[str, Path]:
    defs = tmp_path / "defs.toml"
    defs.write_text(TOML, encoding="utf-8")
    values = tmp_path / "values.csv"
    pd.DataFrame(
        {"organization": ["mo"], "period": [2024], "indicator": ["registry.satisfaction_index"],
         "value": [74.5]}
    ).to_csv(values, index=False)  # fmt: skip
    deliveries = tmp_path / "deliveries.csv"
    pd.DataFrame(
        {"standard": "registry.wait", "organization": "mo", "period": 2024,
         "waiting_minutes": [5, 25, 18, 40]}
    ).to_csv(deliveries, index=False)  # fmt: skip
    return {"defs": defs, "values": values, "deliveries": deliveries}


def test_standards_check(tmp_path: Path) -> None:
    f = _files(tmp_path)
    result = CliRunner().invoke(
        cli,
        ["standards", "check", "--values", str(f["values"]), "--deliveries", str(f["deliveries"]),
         "-d", str(f["defs"]), "--format", "csv"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    table = pd.read_csv(io.StringIO(result.output)).set_index("standard")
    assert table.loc["registry.wait", "share_within"] == 0.5  # 5 and 18 of 4
    assert table.loc["registry.wait", "refund_amount"] == 10.0
    assert not table.loc["registry.wait", "met"]
    assert table.loc["registry.satisfaction", "margin"] == 4.5
    assert table.loc["registry.satisfaction", "met"]


def test_standards_list_and_refunds(tmp_path: Path) -> None:
    f = _files(tmp_path)
    runner = CliRunner()
    listed = runner.invoke(cli, ["standards", "list", "-d", str(f["defs"]), "--format", "json"])
    assert listed.exit_code == 0, listed.output
    assert '"registry.wait"' in listed.output
    owed = runner.invoke(
        cli,
        ["standards", "refunds", "--deliveries", str(f["deliveries"]), "-d", str(f["defs"]),
         "--format", "csv"],
    )  # fmt: skip
    assert owed.exit_code == 0, owed.output
    table = pd.read_csv(io.StringIO(owed.output))
    assert table["delivery"].tolist() == [2, 4]
    assert table["refund"].tolist() == [5.0, 5.0]


def test_check_needs_data() -> None:
    result = CliRunner().invoke(cli, ["standards", "check"])
    assert result.exit_code == 2
    assert "--values" in result.output


@pytest.mark.usefixtures("english")
def test_bad_value_is_one_line_error(tmp_path: Path) -> None:
    f = _files(tmp_path)
    bad = tmp_path / "bad.csv"
    bad.write_text("standard,waiting_minutes\nregistry.wait,12\nregistry.wait,tanti\n")
    result = CliRunner().invoke(
        cli, ["standards", "check", "--deliveries", str(bad), "-d", str(f["defs"])]
    )
    assert result.exit_code == 1
    assert "row 2, column 'waiting_minutes'" in result.output
    assert "Traceback" not in result.output


def test_charter_render(tmp_path: Path) -> None:
    f = _files(tmp_path)
    runner = CliRunner()
    md = runner.invoke(cli, ["charter", "render", "registry", "-d", str(f["defs"]),
                             "--on", "2025-06-01"])  # fmt: skip
    assert md.exit_code == 0, md.output
    assert md.output.startswith("# Carta dei servizi &lt;Anagrafe&gt;")
    out = tmp_path / "charter.html"
    page = runner.invoke(
        cli,
        ["charter", "render", "registry", "--format", "html", "--lang", "en", "-d",
         str(f["defs"]), "--on", "2025-06-01", "-o", str(out)],
    )  # fmt: skip
    assert page.exit_code == 0, page.output
    html = out.read_text(encoding="utf-8")
    assert "<h1>Registry charter</h1>" in html
    at_least = translator("en")("almeno {value}", value="70")  # "at least 70" with the catalog
    assert f'<td class="target">{at_least}</td>' in html
    early = runner.invoke(cli, ["charter", "render", "registry", "-d", str(f["defs"]),
                                "--on", "2024-06-01"])  # fmt: skip
    assert early.exit_code == 1
    assert "0 carte di 'registry' in vigore il 2024-06-01" in early.output  # Italian default
    unknown = runner.invoke(cli, ["charter", "render", "libraries", "-d", str(f["defs"])])
    assert unknown.exit_code == 1
    assert "carta del servizio 'libraries': non esiste" in unknown.output  # Italian default


def test_plan_derive_from_compliance(tmp_path: Path) -> None:
    f = _files(tmp_path)
    runner = CliRunner()
    comp = tmp_path / "compliance.csv"
    check = runner.invoke(
        cli,
        ["standards", "check", "--values", str(f["values"]), "--deliveries", str(f["deliveries"]),
         "-d", str(f["defs"]), "-o", str(comp)],
    )  # fmt: skip
    assert check.exit_code == 0, check.output
    plan = tmp_path / "plan.csv"
    derived = runner.invoke(cli, ["plan", "derive", "--compliance", str(comp), "-o", str(plan)])
    assert derived.exit_code == 0, derived.output
    table = pd.read_csv(plan)
    assert table["id"].tolist() == ["std-registry.wait-mo"]
    shown = runner.invoke(cli, ["plan", "show", str(plan), "--progress", "--format", "csv"])
    assert shown.exit_code == 0, shown.output
    assert "proposed,1,0" in shown.output


def test_plan_derive_from_a_benchmark_reads_the_gap_in_the_indicators_unit(
    tmp_path: Path,
) -> None:
    # as 'indicators benchmark' writes it (Italian Excel export): registry.average_wait is
    # lower-is-better minutes; 8,9 against a median of 7,0 -> gap -1,9 minutes, 27% of the
    # median -> impact 1 + floor(27 / 20) = 2 (read as percent it was 1: 1.9 < 20)
    bench = tmp_path / "benchmark.csv"
    bench.write_text(
        "organization;period;indicator;value;gap_to_median\n"
        "036023;2024;registry.average_wait;8,9;-1,9\n"
        "022205;2024;registry.average_wait;6,5;0,5\n",
        encoding="cp1252",
    )
    plan = tmp_path / "plan.csv"
    args = ["plan", "derive", "--benchmark", str(bench), "--numbers", "it", "-o", str(plan)]
    with isolated_plugins(["registry"]):  # the indicator's polarity and unit
        derived = CliRunner().invoke(cli, args)
    assert derived.exit_code == 0, derived.output
    table = pd.read_csv(plan, dtype={"organization": str})
    assert table["reference"].tolist() == ["registry.average_wait"]
    assert table.loc[0, "organization"] == "036023"
    assert table.loc[0, "impact"] == 2
    assert table.loc[0, "evidence"] == (
        "valore 8,9 minuti, mediana 7 minuti (divario dalla mediana: 27%)"
    )


def test_plan_derive_from_a_benchmark_of_unknown_indicators_says_why(tmp_path: Path) -> None:
    # without the plugin that defines the indicator its polarity is unknown: an error, not
    # a gap read the wrong way round
    bench = tmp_path / "benchmark.csv"
    bench.write_text("indicator,value,gap_to_median\nx.unknown,8.9,-1.9\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["plan", "derive", "--benchmark", str(bench)])
    assert result.exit_code == 1
    assert "la polarità di x.unknown non è nota" in result.output
