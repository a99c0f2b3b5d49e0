"""changes(), trends() and targets(): hand-computed results.

References for the hand computations:
* Mann-Kendall: S = sum over i<j of sign(y_j - y_i); var(S) = [n(n-1)(2n+5) -
  sum_t t(t-1)(2t+5)] / 18; Z = (S - 1)/sqrt(var) for S > 0 (Gilbert 1987,
  "Statistical Methods for Environmental Pollution Monitoring", eqs. 16.3-16.5).
* Theil-Sen: median of the pairwise slopes (Sen 1968, JASA 63:1379), as in
  scipy.stats.theilslopes.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from qualitapa.errors import DataError
from qualitapa.indicators import TRENDS_COLUMNS, changes, targets, trends

NAN = np.nan


def _series(values: list[float], org: str = "a", indicator: str = "x", start: int = 2020):
    return pd.DataFrame(
        {
            "organization": org,
            "indicator": indicator,
            "period": list(range(start, start + len(values))),
            "value": values,
        }
    )


def test_mann_kendall_and_theil_sen_by_hand() -> None:
    # y = 1, 2, 4, 3, 5: 9 concordant pairs, 1 discordant (4 > 3) -> S = 8
    # var(S) = 5*4*15/18 = 50/3; Z = 7 / sqrt(50/3) = 1.71464; p = 0.08641
    # slopes sorted: -1, .5, .5, .667, 1, 1, 1, 1.5, 2, 2 -> median 1
    t = trends(_series([1, 2, 4, 3, 5]), definitions={"x": "higher_is_better"})
    assert tuple(t.columns) == TRENDS_COLUMNS
    row = t.iloc[0]
    assert row["mk_s"] == 8
    assert row["mk_z"] == pytest.approx(7 / math.sqrt(50 / 3))
    assert row["mk_z"] == pytest.approx(1.71464, abs=1e-5)
    assert row["p_value"] == pytest.approx(0.08641, abs=1e-5)
    assert row["slope"] == 1.0
    # intercept = median(y) - slope * median(x) = 3 - 2022
    assert row["intercept"] == -2019.0
    # Sen's 95% interval: sigma = sqrt(50/3), indices round((10 -+ 1.96 sigma)/2) -> slopes[0], [9]
    assert (row["slope_low"], row["slope_high"]) == (-1.0, 2.0)
    assert row["trend"] == "stable"  # p = 0.086 > 0.05
    assert row["n_periods"] == 5
    assert (row["first_period"], row["last_period"]) == (2020, 2024)
    # change from 3 to 5 = +66.7 %; CAGR (5/1)^(1/4) - 1 = 49.53 %
    assert row["change_pct"] == pytest.approx(200 / 3)
    assert row["cagr_pct"] == pytest.approx(100 * (5**0.25 - 1))


def test_matches_scipy_theilslopes_on_gappy_series() -> None:
    rng = np.random.default_rng(11)
    frames = []
    for k in range(12):
        y = np.round(rng.normal(0, 3, 15) + 0.3 * k * np.arange(15))
        y[rng.random(15) < 0.2] = NAN
        frames.append(_series(list(y), org=f"o{k:02d}", start=2010))
    data = pd.concat(frames, ignore_index=True)
    t = trends(data, definitions={"x": "neutral"}).set_index("organization")
    for org, s in data.groupby("organization"):
        s = s.dropna()
        ref = stats.theilslopes(s["value"], s["period"])
        got = t.loc[org]
        np.testing.assert_allclose(
            [got.slope, got.intercept, got.slope_low, got.slope_high],
            [ref.slope, ref.intercept, ref.low_slope, ref.high_slope],
        )


def test_mann_kendall_with_ties_by_hand() -> None:
    # y = 1, 2, 2, 3: S = 5 (one tied pair); var = (4*3*13 - 2*1*9)/18 = 138/18
    t = trends(_series([1, 2, 2, 3]), definitions={"x": "higher_is_better"}).iloc[0]
    assert t["mk_s"] == 5
    assert t["mk_z"] == pytest.approx(4 / math.sqrt(138 / 18))
    assert t["p_value"] == pytest.approx(2 * stats.norm.sf(4 / math.sqrt(138 / 18)))
    assert t["p_value"] == pytest.approx(0.14856, abs=1e-5)


@pytest.mark.parametrize(
    ("polarity", "expected"),
    [
        ("higher_is_better", "improving"),
        ("lower_is_better", "worsening"),
        ("neutral", "increasing"),
    ],
)
def test_classification_follows_polarity(polarity: str, expected: str) -> None:
    up = _series([1, 2, 4, 3, 5])  # p = 0.086
    assert trends(up, definitions={"x": polarity}, alpha=0.10)["trend"].iloc[0] == expected
    down = _series([5, 3, 4, 2, 1])
    opposite = {"improving": "worsening", "worsening": "improving", "increasing": "decreasing"}
    got = trends(down, definitions={"x": polarity}, alpha=0.10)["trend"].iloc[0]
    assert got == opposite[expected]


def test_insufficient_data_and_cagr_rules() -> None:
    data = pd.concat(
        [
            _series([100.0, NAN, 121.0], org="a", start=2022),  # CAGR over 2 years: 10 %
            _series([NAN, 4.0, NAN], org="b", start=2022),
            _series([-1.0, 2.0, 3.0], org="c", start=2022),  # no CAGR from a negative value
        ],
        ignore_index=True,
    )
    t = trends(data, definitions={"x": "higher_is_better"}).set_index("organization")
    assert t.loc["a", "cagr_pct"] == pytest.approx(10.0)
    assert t.loc["a", "trend"] == "insufficient_data"  # 2 values < min_periods = 3
    assert t.loc["a", "n_periods"] == 2
    assert math.isnan(t.loc["a", "change_pct"])  # 2023 is missing
    assert t.loc["b", "trend"] == "insufficient_data"
    assert math.isnan(t.loc["b", "slope"])
    assert math.isnan(t.loc["c", "cagr_pct"])
    assert t.loc["c", "change_pct"] == pytest.approx(50.0)


def test_trends_need_numeric_periods() -> None:
    data = _series([1.0, 2.0, 3.0])
    data["period"] = ["2024-Q1", "2024-Q2", "2024-Q3"]
    with pytest.raises(DataError, match="numeric periods"):
        trends(data, definitions={"x": "neutral"})
    data["period"] = ["2022", "2023", "2024"]  # years as text are fine
    assert trends(data, definitions={"x": "neutral"})["slope"].iloc[0] == 1.0
    with pytest.raises(ValueError, match="alpha"):
        trends(data, definitions={"x": "neutral"}, alpha=1.5)


def test_year_on_year_changes() -> None:
    # 80 -> 100: +20 (+25 %); 100 -> 90: -10 (-10 %); b lacks 2023, so no change in 2024
    data = pd.concat(
        [
            _series([80.0, 100.0, 90.0], org="a", start=2022),
            pd.DataFrame(
                {"organization": "b", "indicator": "x", "period": [2022, 2024], "value": [1.0, 2.0]}
            ),
            _series([0.0, 5.0], org="c", start=2022),
        ],
        ignore_index=True,
    )
    ch = changes(data)
    assert math.isnan(ch["change"].iloc[0])
    assert ch["change"].tolist()[1:3] == [20.0, -10.0]
    assert ch["change_pct"].tolist()[1:3] == [25.0, -10.0]
    assert ch["previous_period"].tolist()[1:3] == [2022, 2023]
    b_2024 = ch[(ch["organization"] == "b") & (ch["period"] == 2024)].iloc[0]
    assert math.isnan(b_2024["change"])
    assert b_2024["previous_period"] == 2023
    c_2023 = ch[(ch["organization"] == "c") & (ch["period"] == 2023)].iloc[0]
    assert c_2023["change"] == 5.0
    assert math.isnan(c_2023["change_pct"])  # from zero: no percentage


def test_targets(registry) -> None:
    vals = pd.DataFrame(
        {
            "organization": ["a", "b", "c", "a", "c", "a"],
            "period": 2024,
            "indicator": [
                "registry.online_share",
                "registry.online_share",
                "registry.online_share",
                "registry.cost_per_inhabitant",
                "registry.cost_per_inhabitant",
                "registry.certificates_per_fte",  # no target: left out
            ],
            "value": [25.0, 50.0, NAN, 5.0, 3.5, 300.0],
        }
    )
    t = targets(vals, catalog=registry)
    assert t["target"].astype(str).tolist() == [">= 30", ">= 30", ">= 30", "<= 4", "<= 4"]
    assert t["met"].tolist() == [False, True, pd.NA, False, True]
    # gap >= 0 when met: 25 - 30, 50 - 30; 4 - 5, 4 - 3.5
    np.testing.assert_allclose(t["gap"], [-5.0, 20.0, NAN, -1.0, 0.5])
    assert t["target_value"].tolist() == [30.0, 30.0, 30.0, 4.0, 4.0]
