"""``qualitapa caf`` commands."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from qualitapa.cli import cli


@pytest.fixture(autouse=True)
def _english_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests read the command line's English messages (Italian is the default)."""
    monkeypatch.setenv("QUALITAPA_LANG", "en")


def _fill(template: pd.DataFrame) -> pd.DataFrame:
    t = template.copy()
    t["score"] = t["assessor"].map({"anna": 40.0, "bruno": 70.0})
    return t


def test_template_then_score(tmp_path: Path) -> None:
    runner = CliRunner()
    sheet = tmp_path / "sheet.csv"
    made = runner.invoke(
        cli, ["caf", "template", "--assessor", "anna", "--assessor", "bruno", "-o", str(sheet)]
    )
    assert made.exit_code == 0, made.output
    template = pd.read_csv(sheet, dtype={"subcriterion": str})
    assert len(template) == 56
    assert template["subcriterion"].iloc[27] == "9.2"
    _fill(template).to_csv(sheet, index=False)
    scored = runner.invoke(cli, ["caf", "score", str(sheet), "--format", "csv"])
    assert scored.exit_code == 0, scored.output
    table = pd.read_csv(io.StringIO(scored.output), dtype={"subcriterion": str})
    assert len(table) == 28
    assert (table["mean"] == 55.0).all()
    assert table["disagreement"].all()  # range 30 > 20
    summary = runner.invoke(cli, ["caf", "score", str(sheet), "--summary", "--threshold", "40",
                                  "--format", "csv"])  # fmt: skip
    assert summary.exit_code == 0, summary.output
    agg = pd.read_csv(io.StringIO(summary.output)).set_index("id")
    assert agg.loc["total", "points"] == 9 * 55.0


def test_score_with_consensus_and_previous(tmp_path: Path) -> None:
    runner = CliRunner()
    sheet = tmp_path / "now.csv"
    runner.invoke(cli, ["caf", "template", "--assessor", "anna", "--assessor", "bruno",
                        "-o", str(sheet)])  # fmt: skip
    template = pd.read_csv(sheet, dtype={"subcriterion": str})
    _fill(template).to_csv(sheet, index=False)
    before = tmp_path / "before.csv"
    template.assign(score=50.0).to_csv(before, index=False)
    consensus = tmp_path / "consensus.csv"
    consensus.write_text("subcriterion,consensus_score,rationale\n1.1,65,evidence reviewed\n")
    result = runner.invoke(
        cli,
        ["caf", "score", str(sheet), "--consensus", str(consensus), "--previous", str(before),
         "--format", "csv"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    cmp = pd.read_csv(io.StringIO(result.output), dtype={"id": str}).set_index("id")
    assert cmp.loc["1.1", "change"] == 15.0
    assert cmp.loc["1.2", "change"] == 5.0
    assert cmp.loc["1", "current"] == pytest.approx((65 + 3 * 55) / 4)


def test_invalid_scores_give_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("assessor,subcriterion,score\nanna,1.1,50\nanna,1.9,40\n")
    result = CliRunner().invoke(cli, ["caf", "score", str(bad), "--allow-incomplete"])
    assert result.exit_code == 1
    assert "row 2, column 'subcriterion'" in result.output
    assert "unknown CAF sub-criterion" in result.output


def test_template_xlsx_and_model(tmp_path: Path) -> None:
    pytest.importorskip("openpyxl")
    out = tmp_path / "sheet.xlsx"
    made = CliRunner().invoke(cli, ["caf", "template", "--method", "fine_tuned", "-o", str(out)])
    assert made.exit_code == 0, made.output
    sheets = pd.read_excel(out, sheet_name=None)
    assert list(sheets) == ["scores", "panel_enablers", "panel_results"]
    assert {"plan", "do", "check", "act", "trends", "targets"} <= set(sheets["scores"].columns)
    assert len(sheets["panel_enablers"]) == 24  # 4 phases x 6 bands
    listed = CliRunner().invoke(cli, ["caf", "model", "--lang", "en", "--format", "csv"])
    assert listed.exit_code == 0
    assert "Manage finances" in listed.output
    panel = CliRunner().invoke(cli, ["caf", "panels", "--kind", "results", "--format", "csv"])
    assert panel.exit_code == 0
    assert panel.output.count("\n") == 7


def test_plan_derive_from_caf(tmp_path: Path) -> None:
    sheet = tmp_path / "scores.csv"
    sheet.write_text(
        "assessor,subcriterion,score,improvements\n"
        "anna,3.2,20,no training plan\nbruno,3.2,30,\nanna,1.1,80,\n"
    )
    result = CliRunner().invoke(cli, ["plan", "derive", "--caf", str(sheet), "--format", "csv"])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(io.StringIO(result.output))
    assert table["id"].tolist() == ["caf-3.2"]
    assert table["impact"].tolist() == [4]


def _office_sheet(path: Path, rows: list[str]) -> Path:
    """A scores file as the office sample is saved: ``;``, decimal commas, CRLF."""
    text = "assessor;subcriterion;score;not_assessed\r\n" + "\r\n".join(rows) + "\r\n"
    path.write_bytes(text.encode("utf-8"))
    return path


def test_check_lists_every_problem_and_exits_1(tmp_path: Path) -> None:
    bad = _office_sheet(
        tmp_path / "autovalutazione.csv",
        ["Rossi;1.1;28,5;", "Rossi;1.9;40;", ";1.2;tanto;", "Rossi;1.3;50;sì", "Rossi;1.1;62,5;"],
    )
    result = CliRunner().invoke(cli, ["caf", "check", str(bad), "--allow-incomplete",
                                      "--format", "csv"])  # fmt: skip
    assert result.exit_code == 1
    assert "6 problems in 5 rows of" in result.stderr
    assert "cannot be consolidated" in result.stderr
    problems = pd.read_csv(io.StringIO(result.stdout), dtype={"value": str})
    assert list(problems.columns) == ["source", "row", "column", "value", "rule", "message"]
    assert problems[["row", "column", "value", "rule"]].fillna("").values.tolist() == [
        [1, "subcriterion", "1.1", "duplicate"],
        [2, "subcriterion", "1.9", "unknown_value"],
        [3, "assessor", "", "required"],
        [3, "score", "tanto", "not_a_number"],
        [4, "not_assessed", "sì", "inconsistent"],
        [5, "subcriterion", "1.1", "duplicate"],
    ]
    table = CliRunner().invoke(cli, ["caf", "check", str(bad), "--allow-incomplete"])
    assert table.exit_code == 1
    assert "not a number" in table.stdout  # the table for people: rules as words
    assert "score is not a number" in table.stdout


def test_check_of_clean_scores_exits_0(tmp_path: Path) -> None:
    good = _office_sheet(tmp_path / "ok.csv", ["Rossi;1.1;28,5;", "Bianchi;1.1;;x"])
    result = CliRunner().invoke(cli, ["caf", "check", str(good), "--allow-incomplete"])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "no problems in 2 rows" in result.stderr
    incomplete = CliRunner().invoke(cli, ["caf", "check", str(good)])
    assert incomplete.exit_code == 1
    assert "27 problems" in incomplete.stderr  # the 27 sub-criteria nobody scored


def test_check_with_consensus_and_missing_column(tmp_path: Path) -> None:
    good = _office_sheet(tmp_path / "ok.csv", ["Rossi;1.1;28,5;"])
    consensus = tmp_path / "consenso.csv"
    consensus.write_text("subcriterion;consensus_score;rationale\n1.1;65;\n3.9;40;piano\n")
    args = ["--allow-incomplete", "--consensus", str(consensus), "--format", "csv"]
    result = CliRunner().invoke(cli, ["caf", "check", str(good), *args])
    assert result.exit_code == 1
    problems = pd.read_csv(io.StringIO(result.stdout))
    assert problems["source"].str.endswith("consenso.csv").all()
    assert problems[["row", "column"]].values.tolist() == [[1, "rationale"], [2, "subcriterion"]]
    no_score = tmp_path / "no_score.csv"
    no_score.write_text("assessor;subcriterion\nRossi;1.1\n")
    missing = CliRunner().invoke(cli, ["caf", "check", str(no_score), "--format", "csv"])
    assert missing.exit_code == 1
    first = pd.read_csv(io.StringIO(missing.stdout)).iloc[0]
    assert (first["column"], first["rule"]) == ("score", "missing_column")


def test_score_of_unusable_scores_exits_1_with_the_problems(tmp_path: Path) -> None:
    bad = _office_sheet(tmp_path / "bad.csv", ["Rossi;1.1;28,5;", "Rossi;1.1;120;"])
    result = CliRunner().invoke(cli, ["caf", "score", str(bad), "--allow-incomplete"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "row 1, column 'subcriterion'" in result.stderr
    assert "(3 problems:)" in result.stderr
    assert "out of range" in result.stderr  # the rule in words (out_of_range)
