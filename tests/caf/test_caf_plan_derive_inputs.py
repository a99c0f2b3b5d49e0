"""``plan derive --caf`` with the files a user has at hand (review s36 #23).

Before: the demo's own caf_scores.csv (the criteria and total scores) gave "invalid CAF
scores: required column is missing (found: ['organization', 'level', ...])", a Python list
in an English head line, and the consolidation ``caf score`` writes was refused the same way.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from qualitapa.cli import cli

#: Two assessors on three sub-criteria: 3.2 low (25), 6.1 low (45), 5.1 disputed (40 vs 90).
_SHEET = (
    "assessor,subcriterion,score,improvements\n"
    "anna,3.2,20,piano formazione\nbruno,3.2,30,\n"
    "anna,6.1,40,\nbruno,6.1,50,\n"
    "anna,5.1,40,\nbruno,5.1,90,\n"
)


def _run(*args: str, lang: str = "it") -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--lang", lang, *args])
    return result.exit_code, result.output


@pytest.mark.parametrize("lang", ["it", "en", "de"])
def test_the_criteria_scores_are_refused_saying_which_file_to_give(
    tmp_path: Path, lang: str
) -> None:
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(_SHEET)
    summary = tmp_path / "caf_scores.csv"
    code, out = _run("caf", "score", str(sheet), "--summary", "--allow-incomplete",
                     "--format", "csv")  # fmt: skip
    assert code == 0, out
    summary.write_text(out)
    code, out = _run("plan", "derive", "--caf", str(summary), lang=lang)
    assert code != 0
    said = " ".join(out.split())
    assert "caf score --summary" in said
    assert "caf_consolidated.csv" in said  # the demo's file derive can read
    assert "assessor, subcriterion, score" in said
    assert "['" not in said  # no Python list
    assert "required column" not in said
    assert "invalid CAF" not in said
    word = {"it": "sottocriteri", "en": "sub-criteria", "de": "Teilkriterien"}[lang]
    assert word in said


def test_a_consolidation_gives_the_actions_of_its_sheet(tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(_SHEET)
    code, consolidated = _run("caf", "score", str(sheet), "--allow-incomplete",
                              "--format", "csv")  # fmt: skip
    assert code == 0, consolidated
    (tmp_path / "caf_consolidated.csv").write_text(consolidated)
    plans = {}
    for name in ("sheet.csv", "caf_consolidated.csv"):
        code, out = _run("plan", "derive", "--caf", str(tmp_path / name), "--format", "csv")
        assert code == 0, out
        plans[name] = pd.read_csv(io.StringIO(out), dtype=str)
    pd.testing.assert_frame_equal(plans["sheet.csv"], plans["caf_consolidated.csv"])
    assert sorted(plans["sheet.csv"]["id"]) == ["caf-3.2", "caf-5.1", "caf-6.1"]
