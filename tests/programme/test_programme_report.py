"""The annual quality report: the figures it prints, recomputed from the tables (issue 19)."""

from __future__ import annotations

import html
import re
from importlib.resources import files
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from qualitapa.errors import DataError
from qualitapa.programme import SHEETS, annual_report, read_sheet, write_annual_report
from qualitapa.testing import catalog_with

MODENA = "036023"
AS_OF = pd.Timestamp("2024-12-31")
PLUGINS = ["qclub", "registry", "libraries", "nurseries", "personnel", "modena"]


@pytest.fixture(scope="module")
def catalog():
    return catalog_with(installed=PLUGINS)


@pytest.fixture(scope="module")
def sheets():
    folder = Path(str(files("qualitapa_modena") / "programme"))
    # Modena ships no training sheets yet: a programme without them still works (issue 20)
    return {
        name: read_sheet(folder / f"{name}.csv", name)
        for name in SHEETS
        if (folder / f"{name}.csv").exists()
    }


@pytest.fixture(scope="module")
def results():
    """Obtained results of Modena in 2024 (invented for the test, one per expected id)."""
    values = pd.DataFrame(
        {
            "organization": MODENA,
            "period": 2024,
            "indicator": [
                "registry.average_wait",
                "modena.appointments.online_share",
                "registry.online_certificates_share",
                "nurseries.coverage",
                "libraries.loans_per_inhabitant",
                "libraries.digital_loans_share",
                "personnel.share_trained",
            ],
            # the last two of the plan's indicators (training hours) are missing: no data
            "value": [8.9, 81.7, 38.9, 31.7, 0.91, 9.84, 80.5],
        }
    )
    compliance = pd.DataFrame(
        {
            "standard": [
                "modena.std.served_within_10min",
                "nurseries.std.children_per_educator",
                "libraries.std.opening_hours",
            ],
            "organization": MODENA,
            "period": "2024",
            "scope": "general",
            "value": [65.7, 6.44, 48.0],
            "target": [">= 90", "<= 7", ">= 50"],
        }
    )
    survey = pd.DataFrame(
        {
            "organization": MODENA,
            "instrument": "registry.counter",
            "dimension": ["overall", "courtesy"],
            "index": [69.8, 72.7],
            "n": [320, 320],
        }
    )
    complaints = pd.DataFrame(
        {"organization": [MODENA], "received": [58], "answered": [55],
         "share_within_deadline": [0.891], "mean_answer_days": [11.9], "open": [1]}
    )  # fmt: skip
    return {"values": values, "compliance": compliance, "survey": survey,
            "complaints": complaints}  # fmt: skip


@pytest.fixture(scope="module")
def page(sheets, results, catalog):
    return annual_report(
        sheets, organization=MODENA, year=2024, catalog=catalog, note="Dati sintetici", **results
    )


def _text(page: str) -> str:
    body = page[page.index("<body") :]
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


def _latest(sheets) -> pd.DataFrame:
    """The status of each activity at 31 December, with plain pandas."""
    hist = sheets["activity_status"].assign(at=lambda h: pd.to_datetime(h["at"]))
    hist = hist[hist["at"] <= AS_OF].sort_values("at", kind="stable")
    # "last" skips blanks: a suspension keeps the last progress given (A10 0.2, A24 0.2)
    last = hist.groupby("activity").agg(status=("status", "last"), progress=("progress", "last"))
    acts = sheets["activities"].set_index("activity")
    out = acts.join(last)
    out["status"] = out["status"].fillna("planned")
    out["progress"] = np.where(out["status"] == "done", 1.0,
                               pd.to_numeric(out["progress"]).fillna(0.0))  # fmt: skip
    return out


def test_summary_figures_are_recomputed(sheets, page):
    latest = _latest(sheets)
    n = len(latest)
    done = int((latest["status"] == "done").sum())
    live = int((latest["status"] != "cancelled").sum())
    late_mask = (pd.to_datetime(latest["planned_end"]) < AS_OF) & ~latest["status"].isin(
        ["done", "cancelled"]
    )
    text = _text(page)
    depts = latest["department"].nunique()
    assert f"Il piano prevede {n} attività in {depts} settori e uffici." in text
    share = round(100 * done / live)  # 16 / 24 = 66.7 -> 67%
    assert f"Concluse: {done} ({share}% delle attività non annullate)" in text
    assert f"in ritardo: {int(late_mask.sum())}." in text
    assert (n, done, live, int(late_mask.sum())) == (25, 16, 24, 6)


def test_department_rows_are_recomputed(sheets, page):
    latest = _latest(sheets)
    social = latest[latest["department"] == "S06"]  # A23 planned (0), A24 suspended (0.2)
    mean = social.loc[social["status"] != "cancelled", "progress"].mean()
    text = _text(page)
    assert f"Servizi sociali 2 0 1 1 0 2 {round(100 * mean)}%" in text  # 10%
    culture = latest[latest["department"] == "S03"]
    alive = culture[culture["status"] != "cancelled"]  # A14 cancelled: 0.7, 1, 1 -> 90%
    assert f"Cultura e biblioteche 4 2 1 0 1 1 {round(100 * alive['progress'].mean())}%" in text


def test_expected_vs_obtained_is_recomputed(sheets, results, page):
    acts = sheets["activities"]
    exp = acts[acts["expected_kind"].fillna("") != ""].copy()
    obtained = pd.concat(
        [
            results["values"].rename(columns={"indicator": "id"})[["id", "value"]],
            results["compliance"].rename(columns={"standard": "id"})[["id", "value"]],
            pd.DataFrame({"id": ["registry.counter"], "value": [69.8]}),
        ]
    ).set_index("id")["value"]
    value = exp["expected_id"].map(obtained)
    target = pd.to_numeric(exp["expected_value"])
    ge = exp["expected_operator"] == ">="
    met = np.where(ge, value >= target, value <= target)
    n_met = int((met & value.notna()).sum())
    n_no = int(value.isna().sum())
    n_not = len(exp) - n_met - n_no
    text = _text(page)
    assert (
        f"Risultati attesi: {len(exp)}; raggiunti: {n_met}; non raggiunti: {n_not}; "
        f"senza dati: {n_no}." in text
    )
    assert f"Azioni di miglioramento aperte sui risultati non raggiunti: {n_not}." in text
    # one row: the wait at the counter, <= 10 minutes, 8.9 obtained: +1.1 (met)
    assert "Attesa media allo sportello indicatore al massimo 10,0 minuti 8,90 minuti" in text
    assert "raggiunto +1,10" in text


def test_plan_meetings_and_complaints(page):
    text = _text(page)
    assert "approvato con la delibera di Giunta n. 412/2024." in text
    assert "1 87/2024 27 febbraio 2024 sostituito" in text
    assert "Partecipanti (10) Anna Esempio" in text
    assert "Reclami ricevuti 58" in text
    assert "Risposte entro il termine 89,1%" in text
    assert "Dati sintetici" in text


def test_no_code_or_english_word_in_the_italian_page(page):
    text = _text(page)
    assert not re.findall(r"\b[a-z]+\.[a-z_]+(?:\.[a-z_]+)*\b", text)  # catalog ids
    assert not re.findall(r"\b[a-z]+_[a-z_]+\b", text)  # status codes
    for word in ("started", "done", "planned", "suspended", "cancelled", "survey", "points",
                 "indicator", "proposed"):  # fmt: skip
        assert not re.search(rf"\b{word}\b", text), word


def test_text_is_escaped(sheets, tmp_path):
    tampered = dict(sheets)
    tampered["meetings"] = sheets["meetings"].assign(decisions="<script>alert(1)</script>")
    path = write_annual_report(tmp_path / "r.html", tampered, organization=MODENA, year=2024)
    page = path.read_text(encoding="utf-8")
    assert "<script>" not in page
    assert "&lt;script&gt;" in page


def test_an_empty_year_is_an_error(sheets):
    with pytest.raises(DataError, match="no activity of organization"):
        annual_report(sheets, organization=MODENA, year=2023)
    with pytest.raises(DataError, match="activity_status missing"):
        annual_report({k: v for k, v in sheets.items() if k != "activity_status"},
                      organization=MODENA, year=2024)  # fmt: skip
