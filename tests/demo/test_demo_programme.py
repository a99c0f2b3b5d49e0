"""The demo writes Modena's annual quality report from the programme sheets (issue 19)."""

from __future__ import annotations

import html
import re

import pandas as pd

from qualitapa.io import read_table

MODENA = "036023"


def test_demo_writes_the_annual_quality_report(demo):
    out, _, _ = demo
    page = (out / "relazione-qualita-2024.html").read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))
    assert "Relazione annuale sul sistema qualità 2024 – Modena" in text
    assert "Dati sintetici a scopo dimostrativo" in text
    assert "relazione-qualita-2024.html" in (out / "qualitapa-demo.json").read_text()
    results = read_table(out / "programme_results.csv", text_columns=["organization"])
    counts = results["outcome"].value_counts()
    assert (
        f"Risultati attesi: {len(results)}; raggiunti: {counts.get('met', 0)}; "
        f"non raggiunti: {counts.get('not_met', 0)}; senza dati: {counts.get('no_data', 0)}."
        in text
    )


def test_obtained_values_are_the_demo_results(demo):
    out, _, _ = demo
    results = read_table(out / "programme_results.csv", text_columns=["organization"])
    values = read_table(out / "indicator_values.csv", text_columns=["organization"])
    modena = values[(values["organization"] == MODENA) & (values["period"] == 2024)]
    wait = modena.set_index("indicator").loc["registry.average_wait", "value"]
    row = results.set_index("activity").loc["A02"]  # "<= 10 minutes" at the counter
    assert row["obtained"] == wait
    assert row["gap"] == 10 - wait
    assert row["outcome"] == ("met" if wait <= 10 else "not_met")
    assert not pd.isna(results.set_index("activity").loc["A07", "expected"])
