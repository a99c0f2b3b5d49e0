"""Expected results in words: one builder for the annual report and ``programme results``.

A general standard is measured on its indicator: when the standard declares no unit
of its own, its expected and obtained values read in the indicator's unit, in the
report and on the command line alike (issue 14: the command line left the step out).
"""

from __future__ import annotations

import html
import re
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner

from qualitapa import hookimpl
from qualitapa.cli import cli
from qualitapa.programme import annual_report, expected_vs_obtained, results_in_words
from qualitapa.standards import QualityStandard
from qualitapa.testing import catalog_with

ORG = "036023"


class _Standards:
    @hookimpl
    def qualitapa_standards(self) -> list[Any]:
        # no unit of its own: the counter's mean wait is in its indicator's minutes
        return [
            QualityStandard.from_mapping({
                "id": "registry.std.wait_15", "service": "registry",
                "dimension": "timeliness", "label": {"it": "Attesa media entro 15 minuti"},
                "indicator": "registry.average_wait", "target": "<= 15",
            })
        ]  # fmt: skip


@pytest.fixture(scope="module")
def catalog():
    return catalog_with(("wait", _Standards()), installed=["registry"])


def _sheets() -> dict[str, pd.DataFrame]:
    departments = pd.DataFrame({
        "organization": [ORG], "department": ["S01"], "name_it": ["Servizi demografici"],
        "name_de": ["Meldeamt"], "name_en": [None], "parent": [None], "kind": ["settore"],
    })  # fmt: skip
    activities = pd.DataFrame({
        "organization": [ORG], "year": ["2024"], "activity": ["A01"], "type": ["charter"],
        "department": ["S01"], "owner": [None], "objective": [None],
        "title_it": ["Revisione della carta"], "title_de": [None],
        "planned_start": ["2024-01-01"], "planned_end": ["2024-12-31"],
        "expected_kind": ["standard"], "expected_id": ["registry.std.wait_15"],
        "expected_operator": ["<="], "expected_value": ["15"], "expected_period": [None],
    })  # fmt: skip
    return {"departments": departments, "activities": activities}


def _compliance() -> pd.DataFrame:
    return pd.DataFrame({"standard": ["registry.std.wait_15"], "organization": [ORG],
                         "period": ["2024"], "scope": ["general"], "value": [12.5],
                         "target": ["<= 15"]})  # fmt: skip


def test_a_general_standard_reads_in_its_indicators_unit(catalog):
    sheets = _sheets()
    table = expected_vs_obtained(sheets["activities"], compliance=_compliance(), catalog=catalog)
    assert list(table["unit"]) == [""]  # the standard says none: the words take the indicator's
    words = results_in_words(table, sheets["activities"], sheets["departments"],
                             catalog=catalog)  # fmt: skip
    row = words.iloc[0]
    assert (row["title"], row["department"], row["measure"]) == (
        "Revisione della carta",
        "Servizi demografici",
        "Attesa media entro 15 minuti",
    )
    assert (row["expected"], row["obtained"], row["gap"]) == (
        "al massimo 15,0 minuti",
        "12,5 minuti",
        "+2,50",
    )
    german = results_in_words(table, sheets["activities"], sheets["departments"],
                              catalog=catalog, lang="de").iloc[0]  # fmt: skip
    assert german["department"] == "Meldeamt"  # its own German name
    assert german["title"] == "Revisione della carta"  # no German title: the Italian one
    assert german["obtained"] == "12,5 Minuten"


def test_a_value_not_measured_reads_as_missing(catalog):
    sheets = _sheets()
    table = expected_vs_obtained(sheets["activities"], catalog=catalog)  # nothing obtained
    row = results_in_words(table, sheets["activities"], catalog=catalog).iloc[0]
    assert (row["obtained"], row["outcome"], row["gap"]) == (
        "dato non disponibile",
        "dato non disponibile",
        "–",
    )
    assert row["department"] == "S01"  # no departments sheet: the code
    dash = results_in_words(table, catalog=catalog, missing="–").iloc[0]
    assert (dash["obtained"], dash["title"]) == ("–", "")


def _text(page: str) -> str:
    body = page[page.index("<body") :]
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


def test_the_command_line_and_the_report_say_the_same_unit(catalog, tmp_path, monkeypatch):
    import qualitapa.cli._programme as programme_cli

    monkeypatch.setattr(programme_cli, "get_catalog", lambda: catalog)
    sheets = _sheets()
    db = str(tmp_path / "programma.db")
    runner = CliRunner()
    assert runner.invoke(cli, ["programme", "init", "--db", db]).exit_code == 0
    for name, frame in sheets.items():
        path = tmp_path / f"{name}.csv"
        frame.to_csv(path, index=False)
        result = runner.invoke(cli, ["programme", "import", name, str(path), "--db", db,
                                     "--by", "P01"])  # fmt: skip
        assert result.exit_code == 0, result.stderr
    compliance = tmp_path / "standard.csv"
    _compliance().to_csv(compliance, index=False)
    result = runner.invoke(cli, ["programme", "results", "--db", db,
                                 "--compliance", str(compliance)])  # fmt: skip
    assert result.exit_code == 0, result.stderr
    shown = " ".join(result.stdout.split())
    assert "A01 Revisione della carta" in shown
    assert "al massimo 15,0 minuti" in shown  # was "al massimo 15,0": no unit
    assert "12,5 minuti" in shown

    people = pd.DataFrame({"person": ["P01"], "name": ["Anna Esempio"], "email": [None],
                           "category": [None]})  # fmt: skip
    empty = {"roles": ["organization", "department", "person", "role", "start", "end"],
             "plans": ["organization", "year", "version", "resolution", "approved_on",
                       "status"],
             "activity_status": ["organization", "year", "activity", "at", "status",
                                 "progress"]}  # fmt: skip
    tables = {**sheets, "people": people, **{k: pd.DataFrame(columns=v) for k, v in empty.items()}}
    page = _text(annual_report(tables, organization=ORG, year=2024, catalog=catalog,
                               compliance=pd.read_csv(compliance, dtype=str)))  # fmt: skip
    assert "al massimo 15,0 minuti" in page
    assert "12,5 minuti" in page
