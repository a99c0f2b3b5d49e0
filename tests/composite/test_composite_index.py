"""Composite indices: published references (OECD/JRC Handbook, UNDP HDI) and hand-computed cases."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from qualitapa.errors import DataError, DefinitionError
from qualitapa.indicators import (
    CompositeDefinition,
    aggregate,
    composite,
    composite_contributions,
    composite_uncertainty,
    normalise,
    pca_weights,
    winsorise,
)


def test_handbook_geometric_vs_arithmetic_example():
    # OECD/JRC Handbook on Constructing Composite Indicators (2008), section 6.2 (pp. 103-104):
    # country A scores (21, 1, 1, 1) and country B (6, 6, 6, 6). Linear aggregation makes them
    # equal (sum 24, mean 6); the geometric mean gives A 21^(1/4) = 2.14 and B 6, and A gains
    # more by raising a weak indicator (1 -> 2: 42^(1/4) = 2.55) than a strong one
    # (21 -> 22: 22^(1/4) = 2.17).
    df = pd.DataFrame([[21, 1, 1, 1], [6, 6, 6, 6]], index=["A", "B"], dtype=float)
    lin = aggregate(df)["value"]
    assert lin.tolist() == [6.0, 6.0]
    geo = aggregate(df, method="geometric")["value"]
    assert geo["A"] == pytest.approx(21**0.25) == pytest.approx(2.14, abs=0.005)
    assert geo["B"] == pytest.approx(6.0)
    weak = aggregate(pd.DataFrame([[21, 2, 1, 1]], dtype=float), method="geometric")["value"][0]
    strong = aggregate(pd.DataFrame([[22, 1, 1, 1]], dtype=float), method="geometric")["value"][0]
    assert weak == pytest.approx(2.55, abs=0.005)
    assert strong == pytest.approx(2.17, abs=0.005)
    # the harmonic mean is even less compensatory: 4 / (1/21 + 3) = 1.31
    assert aggregate(df, method="harmonic")["value"]["A"] == pytest.approx(4 / (1 / 21 + 3))


# UNDP Human Development Report 2020, Table 1 (HDI 2019) and technical notes: health index
# (life expectancy, goalposts 20-85), education index = mean of expected years of schooling
# (0-18) and mean years of schooling (0-15) indices, income index with log goalposts
# 100 and 75,000 (2017 PPP$); HDI = geometric mean of the three.
HDI = CompositeDefinition.from_mapping(
    {
        "id": "hdi",
        "label": {"it": "Indice di sviluppo umano", "en": "Human Development Index"},
        "normaliser": "goalposts",
        "aggregator": "geometric",
        "components": [
            {"indicator": "life_expectancy", "goalposts": [20, 85]},
            {
                "id": "education",
                "aggregator": "arithmetic",
                "components": [
                    {"indicator": "expected_schooling", "goalposts": [0, 18]},
                    {"indicator": "mean_schooling", "goalposts": [0, 15]},
                ],
            },
            {"indicator": "gni_per_capita", "goalposts": [100, 75_000], "log": True},
        ],
    }
)
HDR_2020 = pd.DataFrame(
    {
        "organization": ["norway", "italy"],
        "life_expectancy": [82.4, 83.5],
        "expected_schooling": [18.1, 16.1],
        "mean_schooling": [12.9, 10.4],
        "gni_per_capita": [66_494.0, 42_776.0],
    }
)
POSITIVE = dict.fromkeys(
    ["life_expectancy", "expected_schooling", "mean_schooling", "gni_per_capita"],
    "higher_is_better",
)


def test_undp_hdi_income_index_and_hdi():
    income = normalise(
        HDR_2020.set_index("organization")[["gni_per_capita"]],
        method="goalposts",
        goalposts=(100, 75_000),
        log=True,
    )["gni_per_capita"]
    # (ln 42,776 - ln 100) / (ln 75,000 - ln 100)
    assert income["italy"] == pytest.approx(
        (math.log(42_776) - math.log(100)) / (math.log(75_000) - math.log(100))
    )
    assert income["italy"] == pytest.approx(0.915, abs=5e-4)
    res = composite(HDR_2020, HDI, polarity=POSITIVE).set_index(["organization", "index"])
    # published HDI 2019: Norway 0.957, Italy 0.892
    assert res.loc[("norway", "hdi"), "value"] == pytest.approx(0.957, abs=5e-4)
    assert res.loc[("italy", "hdi"), "value"] == pytest.approx(0.892, abs=5e-4)
    # expected years of schooling above 18 are capped (index 1)
    assert res.loc[("norway", "education"), "value"] == pytest.approx((1 + 12.9 / 15) / 2)
    assert res.loc[("norway", "hdi"), "rank"] == 1
    assert res.loc[("norway", "education"), "level"] == 1


def test_hdi_contributions_add_up_to_the_log_of_the_geometric_mean():
    c = composite_contributions(HDR_2020, HDI, polarity=POSITIVE)
    top = c[(c["index"] == "hdi") & (c["organization"] == "italy")]
    assert top["component"].tolist() == ["life_expectancy", "education", "gni_per_capita"]
    assert top["weight"].tolist() == pytest.approx([1 / 3] * 3)
    assert math.exp(top["contribution"].sum()) == pytest.approx(0.892, abs=5e-4)
    assert top["share"].sum() == pytest.approx(1.0)
    edu = c[(c["index"] == "education") & (c["organization"] == "italy")]
    # arithmetic: contributions add up to the sub-index
    assert edu["contribution"].sum() == pytest.approx((16.1 / 18 + 10.4 / 15) / 2)
    assert edu["raw"].tolist() == [16.1, 10.4]


def _municipalities():
    # three cities, two periods, tidy values as compute() returns them
    rows = []
    data = {
        2022: {"a": (10.0, 5.0, 0.5), "b": (20.0, 10.0, 0.7), "c": (30.0, 20.0, np.nan)},
        2023: {"a": (12.0, 4.0, 0.6), "b": (18.0, 12.0, 0.8), "c": (40.0, 14.0, 0.9)},
    }
    for period, cities in data.items():
        for org, (loans, wait, online) in cities.items():
            for ind, v in (("loans", loans), ("wait", wait), ("online", online)):
                rows.append(
                    {
                        "organization": org,
                        "period": period,
                        "indicator": ind,
                        "value": v,
                        "status": "ok" if v == v else "missing_variable",
                    }
                )
    return pd.DataFrame(rows)


class _Ind:
    def __init__(self, polarity):
        self.polarity = polarity
        self.target = None


CATALOG = {
    "loans": _Ind("higher_is_better"),
    "wait": _Ind("lower_is_better"),
    "online": _Ind("higher_is_better"),
}
FLAT = CompositeDefinition.from_mapping(
    {
        "id": "libraries.index",
        "label": {"it": "Indice", "en": "Index"},
        "min_coverage": 0.75,
        "scale": 100,
        "components": [
            {"indicator": "loans", "weight": 2},
            {"indicator": "wait"},
            {"indicator": "online"},
        ],
    }
)


def test_min_max_arithmetic_by_period_with_missing_and_threshold():
    res = composite(_municipalities(), FLAT, catalog=CATALOG)
    res = res.set_index(["period", "organization"])
    # 2022: loans min-max (0, .5, 1); wait lower-better (1, .667, 0); online (0, 1, NaN)
    # a: (2*0 + 1 + 0) / 4 = .25; b: (2*.5 + 2/3 + 1) / 4 = .6667; c: 2 of 3 < 75% -> missing
    assert res.loc[(2022, "a"), "value"] == pytest.approx(25.0)
    assert res.loc[(2022, "b"), "value"] == pytest.approx(100 * (1 + 2 / 3 + 1) / 4)
    assert np.isnan(res.loc[(2022, "c"), "value"])
    assert res.loc[(2022, "c"), "status"] == "insufficient_data"
    assert res.loc[(2022, "c"), "coverage"] == pytest.approx(2 / 3)
    assert pd.isna(res.loc[(2022, "c"), "rank"])
    assert res.loc[(2022, "b"), "rank"] == 1
    # 2023: loans (0, .214, 1); wait 4, 12, 14 -> (1, .2, 0); online (0, .667, 1)
    assert res.loc[(2023, "c"), "value"] == pytest.approx(100 * (2 + 0 + 1) / 4)
    assert res.loc[(2023, "c"), "rank"] == 1
    # with a lower threshold c gets a score from its two indicators (weights renormalised)
    low = composite(
        _municipalities(),
        CompositeDefinition.from_mapping({**_flat_mapping(), "min_coverage": 0.5}),
        catalog=CATALOG,
    ).set_index(["period", "organization"])
    assert low.loc[(2022, "c"), "value"] == pytest.approx(100 * (2 * 1 + 0) / 3)


def _flat_mapping():
    return {
        "id": "libraries.index",
        "label": "Indice",
        "scale": 100,
        "components": [
            {"indicator": "loans", "weight": 2},
            {"indicator": "wait"},
            {"indicator": "online"},
        ],
    }


def test_normalisers_respect_polarity():
    df = pd.DataFrame({"up": [2.0, 4.0, 8.0], "down": [2.0, 4.0, 8.0]}, index=list("abc"))
    pol = {"up": "higher_is_better", "down": "lower_is_better"}
    z = normalise(df, method="z_score", polarity=pol)
    sd = np.std([2, 4, 8], ddof=1)
    assert z.loc["c", "up"] == pytest.approx((8 - 14 / 3) / sd)
    assert z.loc["c", "down"] == pytest.approx(-(8 - 14 / 3) / sd)
    r = normalise(df, method="rank", polarity=pol)
    assert r["up"].tolist() == [0.0, 0.5, 1.0]
    assert r["down"].tolist() == [1.0, 0.5, 0.0]
    best = normalise(df, method="distance_to_best", polarity=pol)
    assert best["up"].tolist() == [0.25, 0.5, 1.0]
    assert best["down"].tolist() == [1.0, 0.5, 0.25]
    tgt = normalise(df, method="distance_to_target", polarity=pol, targets={"up": 4, "down": 4})
    assert tgt["up"].tolist() == [0.5, 1.0, 2.0]
    assert tgt["down"].tolist() == [2.0, 1.0, 0.5]
    gp = normalise(df, method="goalposts", polarity=pol, goalposts=(0, 4))
    assert gp["up"].tolist() == [0.5, 1.0, 1.0]
    assert gp["down"].tolist() == [0.5, 0.0, 0.0]
    with pytest.raises(DefinitionError, match="neutral"):
        normalise(df, polarity="neutral")
    with pytest.raises(DefinitionError, match="goalposts"):
        normalise(df, method="goalposts")
    with pytest.raises(DefinitionError, match="unknown normaliser"):
        normalise(df, method="sigmoid")


def test_winsorise_before_normalising():
    d = CompositeDefinition.from_mapping(
        {**_flat_mapping(), "winsorise": 0.25, "components": [{"indicator": "loans"}]}
    )
    df = pd.DataFrame({"organization": list("abcde"), "loans": [1.0, 2.0, 3.0, 4.0, 100.0]})
    res = composite(df, d, catalog=CATALOG)
    # clipped to [2, 4] then min-max: a and b 0, c .5, d and e 1
    assert res["value"].tolist() == [0.0, 0.0, 50.0, 100.0, 100.0]
    assert winsorise(df[["loans"]], share=0.0)["loans"].tolist() == df["loans"].tolist()


def test_pca_weights_follow_the_handbook_recipe():
    rng = np.random.default_rng(5)
    f1, f2 = rng.normal(size=500), rng.normal(size=500)
    df = pd.DataFrame(
        {
            "a": f1 + 0.3 * rng.normal(size=500),
            "b": f1 + 0.3 * rng.normal(size=500),
            "c": f2 + 0.3 * rng.normal(size=500),
            "d": f2 + 0.3 * rng.normal(size=500),
        }
    )
    w = pca_weights(df)
    assert w.sum() == pytest.approx(1.0)
    # two factors of equal strength, two indicators each: all weights close to 1/4
    np.testing.assert_allclose(w, 0.25, atol=0.02)
    with pytest.raises(DataError, match="constant"):
        pca_weights(df.assign(a=1.0))


def test_definition_from_toml_mapping_and_errors():
    with pytest.raises(DefinitionError, match="either an indicator"):
        CompositeDefinition.from_mapping(
            {
                "id": "x",
                "label": "X",
                "components": [{"indicator": "a", "components": [{"indicator": "b"}]}],
            }
        )
    with pytest.raises(DefinitionError, match="twice"):
        CompositeDefinition.from_mapping(
            {"id": "x", "label": "X", "components": [{"indicator": "a"}, {"indicator": "a"}]}
        )
    with pytest.raises(DefinitionError, match="unknown aggregator"):
        CompositeDefinition.from_mapping(
            {"id": "x", "label": "X", "aggregator": "median", "components": [{"indicator": "a"}]}
        )
    with pytest.raises(DefinitionError, match="unknown field"):
        CompositeDefinition.from_mapping({"id": "x", "label": "X", "components": [], "foo": 1})
    with pytest.raises(DefinitionError, match="polarity of indicator 'a' is unknown"):
        composite(
            pd.DataFrame({"organization": ["o"], "a": [1.0]}),
            CompositeDefinition.from_mapping(
                {"id": "x", "label": "X", "components": [{"indicator": "a"}]}
            ),
        )
    # z-scores are negative below the mean: a geometric mean cannot take them
    with pytest.raises(DefinitionError, match="normaliser 'z_score'"):
        CompositeDefinition.from_mapping(
            {**_flat_mapping(), "normaliser": "z_score", "aggregator": "geometric"}
        )


def test_catalog_plugin_and_check():
    from qualitapa import hookimpl
    from qualitapa.indicators import IndicatorDefinition
    from qualitapa.models import Service, Text
    from qualitapa.testing import catalog_with

    class Plugin:
        @hookimpl
        def qualitapa_services(self):
            return [Service("libraries", Text("Biblioteche", "Libraries"))]

        @hookimpl
        def qualitapa_indicators(self):
            return [
                IndicatorDefinition.from_mapping(
                    {
                        "id": "libraries.loans",
                        "label": {"it": "Prestiti", "en": "Loans"},
                        "service": "libraries",
                        "dimension": "effectiveness",
                        "formula": "loans / population",
                        "polarity": "higher_is_better",
                    }
                )
            ]

        @hookimpl
        def qualitapa_composites(self):
            return [
                CompositeDefinition.from_mapping(
                    {
                        "id": "libraries.index",
                        "label": {"it": "Indice", "en": "Index"},
                        "service": "libraries",
                        "components": [{"indicator": "libraries.loans"}],
                    }
                )
            ]

    cat = catalog_with(("libs", Plugin()))
    assert cat.composites["libraries.index"].indicators() == ["libraries.loans"]
    df = pd.DataFrame(
        {"organization": ["a", "b"], "indicator": "libraries.loans", "value": [1.0, 3.0]}
    )
    res = composite(df, "libraries.index", catalog=cat)
    assert res["value"].tolist() == [0.0, 1.0]
    bad = CompositeDefinition.from_mapping(
        {"id": "x", "label": "X", "components": [{"indicator": "libraries.nothing"}]}
    )
    assert bad.check(cat) == ["composite 'x': unknown indicator 'libraries.nothing'"]


def test_uncertainty_ranks_and_sensitivity():
    rng = np.random.default_rng(2)
    n = 40
    df = pd.DataFrame(
        {
            "organization": [f"m{i:02d}" for i in range(n)],
            "loans": rng.uniform(0, 10, n),
            "wait": rng.uniform(0, 10, n),
            "online": rng.uniform(0, 1, n),
        }
    )
    # a clear leader and a clear laggard keep their ranks whatever the choices
    df.loc[0, ["loans", "wait", "online"]] = [20.0, 0.0, 1.0]
    df.loc[1, ["loans", "wait", "online"]] = [-5.0, 20.0, 0.0]
    res = composite_uncertainty(df, FLAT, runs=300, catalog=CATALOG, seed=1)
    r = res.ranks.set_index("organization")
    assert r.loc["m00", "rank"] == 1
    assert r.loc["m00", "rank_p05"] == r.loc["m00", "rank_p95"] == 1
    assert r.loc["m01", "median_rank"] == n
    assert ((r["rank_p05"] <= r["median_rank"]) & (r["median_rank"] <= r["rank_p95"])).all()
    assert (r["runs"] == 300).all()
    s = res.sensitivity
    assert set(s["factor"]) == {
        "normaliser",
        "aggregator",
        "weight:loans",
        "weight:wait",
        "weight:online",
    }
    assert s["first_order"].between(0, 1).all()
    # the leader's rank never varies: no variance to explain
    assert (s.loc[s.organization == "m00", "first_order"] == 0).all()
    # reproducible with a seed
    again = composite_uncertainty(df, FLAT, runs=300, catalog=CATALOG, seed=1)
    pd.testing.assert_frame_equal(res.ranks, again.ranks)


def test_uncertainty_detects_the_factor_that_matters():
    # two indicators in perfect conflict: the ranking depends only on their relative weights,
    # not on the normaliser (min-max and rank preserve the order on each indicator here)
    n = 30
    x = np.linspace(1, 10, n)
    df = pd.DataFrame({"organization": [f"m{i:02d}" for i in range(n)], "a": x, "b": x[::-1]})
    d = CompositeDefinition.from_mapping(
        {
            "id": "x",
            "label": "X",
            "components": [
                {"indicator": "a", "polarity": "higher_is_better"},
                {"indicator": "b", "polarity": "higher_is_better"},
            ],
        }
    )
    res = composite_uncertainty(
        df, d, runs=400, normalisers=["min_max"], aggregators=["arithmetic"], weight_range=0.5
    )
    summ = res.summary.set_index("factor")["mean_first_order"]
    assert summ["normaliser"] == 0
    assert summ["aggregator"] == 0
    assert summ["weight:a"] > 0.2
    assert summ["weight:b"] > 0.2


def test_indicator_without_any_value_normalises_to_nan_without_warning():
    # min-max of a column with no value at all (an indicator not yet measured
    # in that period) is NaN, not a RuntimeWarning that breaks strict runs
    import warnings

    import numpy as np

    from qualitapa.indicators import normalise

    frame = pd.DataFrame({"a": [1.0, 3.0, 2.0], "b": [np.nan, np.nan, np.nan]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = normalise(
            frame, method="min_max", polarity={"a": "higher_is_better", "b": "higher_is_better"}
        )
    assert out["a"].tolist() == [0.0, 1.0, 0.5]  # (x - 1) / (3 - 1)
    assert out["b"].isna().all()
