"""Bounded calibration (logit, truncated raking) where whole Newton steps overshoot (issue 23).

R's ``grake`` takes every Newton step whole; a bounded distance is flat far from 0, so on the
registry demo's joint margin R fails for every bounds tried
(``tests/surveys/golden/check_demo_bounded_calibration.R``), while qualitapa's line search
reaches the only weights that meet the totals.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from qualitapa.surveys import SurveyDesign, calibrate

DEMO = Path(__file__).parents[2] / "plugins/qualitapa-registry/src/qualitapa_registry/demo"
CELL = ("organization", "sex", "age_class")


@pytest.fixture(scope="module")
def demo() -> tuple[pd.DataFrame, dict[tuple[str, ...], dict[tuple[str, ...], float]]]:
    """The demo's respondents with a sex and an age class (2,962), and the residents by cell."""
    responses = pd.read_csv(DEMO / "survey_responses.csv", dtype={"organization": str})
    responses = responses[responses["sex"].isin(["f", "m"]) & responses["age_class"].notna()]
    margins = pd.read_csv(DEMO / "survey_margins.csv", dtype={"organization": str})
    cells = {tuple(row[:3]): float(row[3]) for row in margins[[*CELL, "population"]].to_numpy()}
    return responses.assign(w=1.0).reset_index(drop=True), {CELL: cells}


@pytest.mark.parametrize(
    ("method", "bounds"),
    [
        ("logit", (0.2, 8.0)),
        ("raking", (0.25, 6.0)),
        pytest.param("logit", (0.25, 6.0), marks=pytest.mark.slow),
        pytest.param("logit", (0.1, 10.0), marks=pytest.mark.slow),
        pytest.param("raking", (0.2, 8.0), marks=pytest.mark.slow),
        pytest.param("raking", (0.1, 10.0), marks=pytest.mark.slow),
    ],
)
def test_demo_joint_margin_gives_the_post_stratified_weights(demo, method, bounds) -> None:
    # One joint margin is post-stratification: the only weights meeting it are, by hand,
    # each cell's residents over its respondents; the rescaled factors span 0.28..5.16, inside
    # every bounds here. R (survey 4.1.1): "Calibration failed" for all six (the R script above).
    frame, population = demo
    d = SurveyDesign.from_frame(frame, weights="w")
    c = calibrate(d, population, method=method, bounds=bounds)
    key = pd.Series(list(zip(*(frame[col] for col in CELL), strict=True)))
    by_hand = key.map(population[CELL]) / key.map(key.value_counts())
    np.testing.assert_allclose(c.weights, by_hand.to_numpy(), rtol=1e-8)
    step = c.calibration.steps[0]
    factors = step.g / step.scale
    assert bounds[0] < factors.min() < 0.3
    assert 5.1 < factors.max() < bounds[1]


def survey(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "sex": rng.choice(["F", "M"], n),
            "age": rng.choice(["18-39", "40-64", "65+"], n, p=[0.3, 0.4, 0.3]),
            "members": rng.integers(1, 6, n).astype(float),
            "w": rng.uniform(5, 15, n),
        }
    )


@settings(max_examples=15, deadline=None)
@given(
    st.sampled_from([30, 60, 120]),
    st.integers(0, 10_000),
    st.lists(st.floats(0.3, 3.0), min_size=6, max_size=6),
    st.floats(1.01, 3.0),
    st.floats(0.001, 0.7),
)
def test_bounds_around_the_linear_factors_are_met(n, seed, cell_factors, wider, narrower) -> None:
    """Linear factors strictly inside (L, U): logit and raking with (L, U) meet every total.

    The totals of sex, of age and of the household members are the sample's cells times
    random factors (so the margins agree); L and U lie beyond the unbounded linear factors
    by a random margin, down to a hair's breadth.
    """
    frame = survey(n, seed)
    w = frame["w"]
    assume(frame.groupby(["sex", "age"]).size().size == 6)
    cells = w.groupby([frame["sex"], frame["age"]]).sum() * np.asarray(cell_factors)
    population = {
        "sex": cells.groupby(level=0).sum().to_dict(),
        "age": cells.groupby(level=1).sum().to_dict(),
        "members": float(w @ frame["members"]) * float(np.mean(cell_factors)),
    }
    d = SurveyDesign.from_frame(frame, weights="w")
    linear = calibrate(d, population).weights / w.to_numpy()
    assume(linear.min() > 0.05)
    lower = min(linear.min(), 1.0) * (1 - narrower)
    upper = max(linear.max(), 1.0) * wider
    for method in ("logit", "raking"):
        c = calibrate(d, population, method=method, bounds=(lower, upper))  # type: ignore[arg-type]
        g = c.weights / w.to_numpy()
        assert lower * (1 - 1e-12) <= g.min()  # a truncated raking's factor may sit on a bound
        assert g.max() <= upper * (1 + 1e-12)
        report = c.calibration.steps[0].report
        np.testing.assert_allclose(report["achieved"], report["target"], rtol=1e-8)
