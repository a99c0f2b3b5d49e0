"""Shared fixtures of the survey tests: a small counter-satisfaction questionnaire."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from qualitapa.models import Text
from qualitapa.surveys import Instrument, Question, Scale, SurveyDimension


@pytest.fixture
def counter() -> Instrument:
    """Registry counter questionnaire: two dimensions, importance items, NPS, profile."""
    agree = Scale((1, 2, 3, 4, 5), dont_know=(9,), id="agree5")
    qs = [
        Question(
            "visited",
            "single",
            Text("Si è recato allo sportello?", "Did you visit?"),
            choices=["yes", "no"],
            required=True,
        ),
        Question(
            "wait",
            "likert",
            Text("Tempo di attesa", "Waiting time"),
            dimension="time",
            scale=agree,
            relevant="${visited} = 'yes'",
        ),
        Question("speed", "likert", Text("Rapidità", "Speed"), dimension="time", scale=agree),
        Question(
            "courtesy", "likert", Text("Cortesia", "Courtesy"), dimension="staff", scale=agree
        ),
        Question(
            "rude",
            "likert",
            Text("Personale scortese", "Staff rude"),
            dimension="staff",
            scale=agree,
            reverse=True,
        ),
        Question(
            "imp_wait",
            "likert",
            Text("Importanza attesa", "Importance of waiting"),
            scale=agree,
            importance_of="wait",
        ),
        Question(
            "imp_courtesy",
            "likert",
            Text("Importanza cortesia", "Importance of courtesy"),
            scale=agree,
            importance_of="courtesy",
        ),
        Question("recommend", "recommend", Text("Consiglierebbe?", "Would you recommend?")),
        Question("channel", "multiple", Text("Canali", "Channels"), choices=["web", "tel", "app"]),
        Question("age", "numeric", Text("Età", "Age"), constraint=". >= 16 and . <= 110"),
    ]
    return Instrument(
        "registry.counter",
        Text("Sportello anagrafe", "Registry counter"),
        version="2024",
        dimensions=[
            SurveyDimension("time", Text("Tempi", "Time")),
            SurveyDimension("staff", Text("Personale", "Staff")),
        ],
        questions=qs,
    )


@pytest.fixture
def synthetic(counter: Instrument) -> pd.DataFrame:
    """400 valid respondents in two organizations (fixed seed)."""
    rng = np.random.default_rng(7)
    n = 400
    org = np.repeat(["modena", "reggio"], n // 2)
    base = rng.normal(3.6, 0.8, n) + np.where(org == "modena", 0.4, -0.2)

    def item(shift: float = 0.0) -> np.ndarray:
        return np.clip(np.round(base + shift + rng.normal(0, 0.7, n)), 1, 5)

    return pd.DataFrame(
        {
            "respondent": np.arange(1, n + 1),
            "organization": org,
            "visited": "yes",
            "wait": item(-0.5),
            "speed": item(),
            "courtesy": item(0.3),
            "rude": 6 - item(0.3),
            "imp_wait": np.clip(np.round(rng.normal(4.5, 0.5, n)), 1, 5),
            "imp_courtesy": np.clip(np.round(rng.normal(3.5, 0.7, n)), 1, 5),
            "recommend": np.clip(np.round(base * 2 + rng.normal(0, 1.5, n)), 0, 10),
            "channel": rng.choice(["web", "tel", "web app"], n),
            "age": rng.integers(18, 90, n).astype(float),
            "sex": rng.choice(["F", "M"], n, p=[0.65, 0.35]),
        }
    )
