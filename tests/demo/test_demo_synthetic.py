"""Seeded synthetic data generators."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from qualitapa.demo import VariableProfile, synthetic_municipalities, synthetic_panel
from qualitapa.errors import DefinitionError


def test_municipalities_are_italian_shaped_and_reproducible():
    m = synthetic_municipalities(seed=3)
    assert len(m) == 7_896  # Italian municipalities in 2024 (ISTAT)
    assert m["organization"].is_unique
    assert m["population"].iloc[:3].tolist() == [
        2_755_000,
        1_366_000,
        909_000,
    ]  # Roma, Milano, Napoli
    # ISTAT: about 70% of municipalities have fewer than 5,000 inhabitants,
    # the median is about 2,400 and the total about 59 million
    assert 0.65 < (m["population"] < 5_000).mean() < 0.75
    assert 2_000 < m["population"].median() < 3_000
    assert 52e6 < m["population"].sum() < 66e6
    pd.testing.assert_frame_equal(m, synthetic_municipalities(seed=3))
    assert not m.equals(synthetic_municipalities(seed=4))


def test_municipalities_need_room_for_the_largest_cities():
    with pytest.raises(DefinitionError, match="at least 12"):
        synthetic_municipalities(5)


def test_panel_without_noise_is_exact():
    orgs = pd.DataFrame({"organization": ["a", "b"], "population": [1_000, 3_000]})
    panel = synthetic_panel(
        orgs,
        [2020, 2021, 2022],
        {
            "loans": VariableProfile(per_capita=2.0, trend=0.1, noise=0.0, integer=False),
            "hours": {"base": 36.0, "noise": 0.0},
        },
    )
    wide = panel.pivot_table(index=["organization", "period"], columns="variable", values="value")
    # loans = population x 2 x 1.1^(year - 2020): a 2022 -> 1000 x 2 x 1.21 = 2420
    assert wide.loc[("a", 2022), "loans"] == pytest.approx(2_420.0)
    assert wide.loc[("b", 2021), "loans"] == pytest.approx(6_600.0)
    assert (wide["hours"] == 36.0).all()
    assert list(panel.columns) == ["organization", "period", "variable", "value"]
    assert len(panel) == 2 * 3 * 2


def test_panel_shares_stay_below_their_base_and_missing_is_applied():
    orgs = pd.DataFrame({"organization": list("abcdefgh"), "population": np.full(8, 50_000)})
    profiles = {
        "certificates": {"per_capita": 0.6},
        "online": {"share_of": "certificates", "low": 0.2, "high": 0.6},
    }
    panel = synthetic_panel(orgs, range(2009, 2025), profiles, seed=1)
    wide = panel.pivot_table(index=["organization", "period"], columns="variable", values="value")
    assert (wide["online"] <= wide["certificates"]).all()
    holes = synthetic_panel(orgs, range(2009, 2025), profiles, seed=1, missing=0.1)
    assert 0.8 * len(panel) < len(holes) < len(panel)


def test_profile_errors():
    with pytest.raises(DefinitionError, match="exactly one"):
        VariableProfile(per_capita=1.0, base=2.0)
    orgs = pd.DataFrame({"organization": ["a"], "population": [1]})
    with pytest.raises(DefinitionError, match="unknown variable 'nope'"):
        synthetic_panel(orgs, [2024], {"x": {"share_of": "nope"}})
    with pytest.raises(DefinitionError, match="circular"):
        synthetic_panel(orgs, [2024], {"x": {"share_of": "y"}, "y": {"share_of": "x"}})
