"""Realistic synthetic result tables for the reporting tests (eight Q-Club-like cities)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from qualitapa.indicators import IndicatorDefinition

CITIES = {
    "022205": "Trento",
    "015146": "Milano",
    "001272": "Torino",
    "010025": "Genova",
    "027042": "Venezia",
    "016024": "Bergamo",
    "021008": "Bolzano",
    "036023": "Modena",
}


@pytest.fixture
def definitions() -> list[IndicatorDefinition]:
    return [
        IndicatorDefinition.from_mapping(
            {
                "id": "registry.certificates_per_fte",
                "label": {"it": "Certificati per addetto", "en": "Certificates per FTE"},
                "service": "registry",
                "dimension": "efficiency",
                "formula": "registry.certificates / registry.fte",
                "polarity": "higher_is_better",
                "unit": "certificati/FTE",
            }
        ),
        IndicatorDefinition.from_mapping(
            {
                "id": "registry.waiting_minutes",
                "label": {"it": "Attesa media allo sportello", "en": "Mean waiting time"},
                "service": "registry",
                "dimension": "quality",
                "formula": "registry.waiting_total / registry.visits",
                "polarity": "lower_is_better",
                "unit": "min",
                "target": "<= 15",
            }
        ),
        IndicatorDefinition.from_mapping(
            {
                "id": "registry.online_share",
                "label": {"it": "Quota certificati online", "en": "Share of online certificates"},
                "service": "registry",
                "dimension": "effectiveness",
                "formula": "registry.online / registry.certificates",
                "polarity": "higher_is_better",
                "unit": "%",
                "scale": 100,
            }
        ),
    ]


@pytest.fixture
def values() -> pd.DataFrame:
    """Indicator values 2015-2024 for the eight cities (tidy, as compute returns them)."""
    rng = np.random.default_rng(7)
    rows = []
    base = {"registry.certificates_per_fte": 2500.0, "registry.waiting_minutes": 18.0,
            "registry.online_share": 30.0}  # fmt: skip
    for k, (indicator, level) in enumerate(base.items()):
        for j, org in enumerate(CITIES):
            for year in range(2015, 2025):
                drift = 1 + 0.03 * (year - 2015) * (-1 if k == 1 else 1)
                rows.append((org, year, indicator, level * drift * (0.7 + 0.08 * j)
                             * rng.uniform(0.95, 1.05), "ok"))  # fmt: skip
    frame = pd.DataFrame(rows, columns=["organization", "period", "indicator", "value", "status"])
    # one missing value with its reason, as compute reports it
    miss = (
        (frame.organization == "010025")
        & (frame.period == 2024)
        & (frame.indicator == "registry.online_share")
    )
    frame.loc[miss, ["value", "status"]] = [np.nan, "missing_variable"]
    return frame


@pytest.fixture
def results(values: pd.DataFrame) -> dict[str, object]:
    """Every section's table with the documented columns of the other modules."""
    orgs = list(CITIES)
    rng = np.random.default_rng(11)
    med = np.arange(1, 9, dtype=float)
    composite = pd.DataFrame({"organization": orgs, "score": np.linspace(80, 40, 8),
                              "rank": med, "median_rank": med, "rank_p05": np.clip(med - 1, 1, 8),
                              "rank_p95": np.clip(med + 2, 1, 8)})  # fmt: skip
    dea = pd.DataFrame({"organization": orgs,
                        "efficiency": [1.0, 0.92, 1.0, 0.81, 0.77, 1.0, 0.66, 0.88],
                        "status": ["efficient", "inefficient", "efficient", "inefficient",
                                   "inefficient", "weakly_efficient", "inefficient", "inefficient"],
                        "peers": ["022205", "022205;001272", "001272", "001272", "022205",
                                  "016024", "022205;001272", "001272"]})  # fmt: skip
    dims = ["accessibility", "waiting", "courtesy", "competence", "overall"]
    survey = pd.DataFrame(
        {
            "organization": np.repeat(orgs[:3], len(dims)),
            "dimension": dims * 3,
            "label": ["Accessibilità", "Attesa", "Cortesia", "Competenza", "Complessiva"] * 3,
            "n": rng.integers(150, 400, 15),
            "index": rng.uniform(55, 85, 15),
        }
    )
    survey["ci_low"] = survey["index"] - 4.0
    survey["ci_high"] = survey["index"] + 4.0
    survey["small_sample"] = False
    ipa = pd.DataFrame(
        {
            "item": ["q1", "q2", "q3", "q4", "q5", "q6"],
            "label": ["Orari", "Attesa", "Cortesia", "Chiarezza", "Competenza", "Sito web"],
            "importance": [4.5, 4.7, 3.9, 4.2, 4.4, 3.2],
            "performance": [3.9, 2.9, 4.3, 3.1, 4.1, 3.8],
            "quadrant": ["keep_up_the_good_work", "concentrate_here", "possible_overkill",
                         "concentrate_here", "keep_up_the_good_work", "possible_overkill"],
        }
    )  # fmt: skip
    months = [f"2024-{m:02d}" for m in range(1, 13)]
    complaint_trend = pd.DataFrame(
        {
            "period": months,
            "received": rng.integers(20, 60, 12),
            "answered": rng.integers(15, 55, 12),
        }
    )
    complaints = pd.DataFrame(
        {"service": ["registry"], "period": ["2024"], "received": [412], "answered": [389],
         "share_within_deadline": [0.874], "mean_answer_days": [17.2],
         "median_answer_days": [14.0], "p90_answer_days": [33.0], "open": [23], "overdue": [4],
         "reopening_rate": [0.031], "per_10000": [22.3]}
    )  # fmt: skip
    compliance = pd.DataFrame(
        {"standard": ["registry.cert_immediate", "registry.wait_20", "registry.residence_2d"],
         "service": "registry", "organization": "036023", "period": 2024,
         "value": [96.5, 17.5, np.nan], "unit": ["%", "min", "%"],
         "target": [">= 95", "<= 20", ">= 90"],
         "met": pd.array([True, False, pd.NA], dtype="boolean"),
         "margin": [1.5, -2.5, np.nan], "share_within": [np.nan, 0.81, np.nan],
         "refunds_due": [0, 12, 0], "reason": [None, None, "no data"]}
    )  # fmt: skip
    from qualitapa.caf import caf_model, caf_scores

    sub = caf_model().to_frame()[["subcriterion"]]
    sub["final_score"] = np.linspace(35, 75, len(sub))
    caf = caf_scores(sub)
    trends = pd.DataFrame(
        {"organization": orgs, "indicator": "registry.waiting_minutes",
         "trend": ["improving", "stable", "worsening", "improving", "stable", "stable",
                   "insufficient_data", "improving"]}
    )  # fmt: skip
    return {
        "indicators": values,
        "trends": trends,
        "composite": composite,
        "dea": dea,
        "survey": survey,
        "ipa": ipa,
        "complaints": complaints,
        "complaint_trend": complaint_trend,
        "compliance": compliance,
        "caf": caf,
    }
