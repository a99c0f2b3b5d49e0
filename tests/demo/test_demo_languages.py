"""``qualitapa demo --lang de``: reports, workbook and open data for a Bolzano reader."""

from __future__ import annotations

import contextlib
import html
import json
import re

import openpyxl
import pytest
from click.testing import CliRunner

from qualitapa.cli import cli
from qualitapa.testing import isolated_plugins

from .conftest import PLUGINS, run_demo

pytestmark = pytest.mark.slow  # a second demo run

#: Italian words that a German report must not show (the report's own words, the
#: demo's note and the city's Italian name). Proper names (Trento, Milano...) stay.
ITALIAN = ("Bolzano", "Dati sintetici", "mediana", "Mediana", "Indicatori", "Periodo",
           "Valore", "Obiettivo", "enti", "giorni", "minuti", "migliore", "Reclami",
           "dato non disponibile", "Sintesi", "almeno", "al massimo")  # fmt: skip


@pytest.fixture(scope="module")
def german(tmp_path_factory):
    """The folder of `qualitapa demo --runs 20 --lang de` (one run per session)."""
    return run_demo(tmp_path_factory, "de")[0]


def _text(page: str) -> str:
    """The words a reader sees: no tags, styles or scripts; entities decoded."""
    body = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def _words(text: str, word: str) -> list[str]:
    return re.findall(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text)


@pytest.mark.parametrize("service", ["registry", "libraries", "nurseries", "finance", "personnel"])
def test_german_reports_read_as_german_and_name_bozen(german, service):
    page = (german / f"report-{service}-2024.html").read_text(encoding="utf-8")
    assert '<html lang="de"' in page
    text = _text(page)
    found = {w: n for w in ITALIAN if (n := len(_words(text, w)))}
    assert not found, found
    assert "Bozen" in text
    assert "Synthetische Daten" in text or "synthetische Daten" in text


def test_german_workbook_and_open_data_name_bozen(german):
    # read-only: the rows streamed from the sheet, not every cell of the workbook as an
    # object (the workbook holds 200,000 cells: 6 CPU s on a slow day, for one column)
    with contextlib.closing(openpyxl.load_workbook(german / "results.xlsx", read_only=True)) as wb:
        rows = wb["indicator_values"].iter_rows(values_only=True)
        header = next(rows)
        names = {row[1] for row in rows}
    assert header[:2] == ("organization", "organization_name")
    assert "Bozen" in names
    assert "Bolzano" not in names
    package = json.loads((german / "opendata" / "datapackage.json").read_text(encoding="utf-8"))
    assert "synthetisch" in package["title"].lower()
    indicators = (german / "opendata" / "indicators.csv").read_text(encoding="utf-8")
    assert indicators.splitlines()[0].startswith("indicator,indicator_label,")


def test_a_malformed_language_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(cli, ["demo", "--out", str(tmp_path), "--lang", "deutsch!"])
    assert result.exit_code == 2
    assert "--lang" in result.output


def test_german_summary_names_things_by_label_and_words_statuses(german):
    from qualitapa.catalog import Catalog

    summary = (german / "summary.md").read_text(encoding="utf-8")
    with isolated_plugins(PLUGINS):
        catalog = Catalog.build()
    ids = {*catalog.composites, *catalog.peer_groups, *catalog.instruments, *catalog.datasets,
           *catalog.indicators, *catalog.services, "qclub"}  # fmt: skip
    codes = {"missing_variable", "zero_denominator", "invalid_input", "not_finite", "ok"}
    classes = {c for g in catalog.peer_groups.values() for c in (*g.labels, *g.members.values())}
    found = sorted(w for w in ids | codes | classes if _words(summary, w))
    assert not found, found
    italian = {w: n for w in ITALIAN if (n := len(_words(summary, w)))}
    assert not italian, italian
    assert "Bozen" in summary
    assert "Wert nicht verfügbar: Eine Variable der Formel fehlt" in summary  # worded
