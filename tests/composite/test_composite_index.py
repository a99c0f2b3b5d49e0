"""Composite indices: published references (UNDP HDI, COINr) and hand-computed cases."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from qualitapa.composite import (
    CompositeDefinition,
    aggregate,
    composite,
    composite_contributions,
    composite_uncertainty,
    normalise,
    pca_weights,
    winsorise,
)
from qualitapa.errors import DataError, DefinitionError


def test_compensability_of_the_means_hand_computed():
    # COINr's aggregation vignette (bluefoxr/COINr, vignettes/aggregate.Rmd, "Means"): with
    # two indicators on 0-10 and equal weights, (0, 10) and (5, 5) get the same arithmetic
    # mean, 5 ("perfect compensability").
    coinr = pd.DataFrame([[0.0, 10.0], [5.0, 5.0]], index=["u", "v"])
    assert aggregate(coinr)["value"].tolist() == [5.0, 5.0]
    # Hand-computed (the same shape as the OECD/JRC Handbook's section 6.2 example, which
    # we could not open to check its printed figures): (21, 1, 1, 1) and (6, 6, 6, 6) tie
    # on the arithmetic mean (6), the geometric mean gives 21^(1/4) and 6, and raising the
    # weak 1 to 2 gains more (42^(1/4)) than raising the strong 21 to 22 (22^(1/4)).
    df = pd.DataFrame([[21, 1, 1, 1], [6, 6, 6, 6]], index=["A", "B"], dtype=float)
    assert aggregate(df)["value"].tolist() == [6.0, 6.0]
    geo = aggregate(df, method="geometric")["value"]
    assert geo["A"] == pytest.approx(21**0.25)
    assert geo["B"] == pytest.approx(6.0)
    weak = aggregate(pd.DataFrame([[21, 2, 1, 1]], dtype=float), method="geometric")["value"][0]
    strong = aggregate(pd.DataFrame([[22, 1, 1, 1]], dtype=float), method="geometric")["value"][0]
    assert weak == pytest.approx(42**0.25)
    assert strong == pytest.approx(22**0.25)
    assert weak > strong
    # the harmonic mean is even less compensatory: 4 / (1/21 + 3)
    assert aggregate(df, method="harmonic")["value"]["A"] == pytest.approx(4 / (1 / 21 + 3))


# The UNDP Human Development Index. Method (goalposts and means) as the UNDP page "Human
# Development Index (HDI)" (hdr.undp.org/en/content/human-development-index-hdi) states it:
# life expectancy 20-85 years; expected years of schooling 0-18 (capped at 18) and mean years
# of schooling 0-15, combined by arithmetic mean; GNI per capita on a log scale between
# $100 and $75,000 (PPP); the HDI is the geometric mean of the three dimension indices.
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
# Human Development Report 2015, "Table 1: Human Development Index and its components"
# (data 2014, GNI in 2011 PPP $), the first 24 rows as published on hdr.undp.org/en/composite/HDI
# (archived copy megalodon.jp/ref/2016-0515-0933-16/hdr.undp.org/en/composite/HDI): HDI,
# life expectancy, expected and mean years of schooling, GNI per capita. Australia, Denmark,
# Ireland, New Zealand and Iceland exceed the 18-year cap; Singapore and Liechtenstein the
# $75,000 goalpost.
HDR_2015 = pd.DataFrame(
    [
        ("norway", 0.944, 81.6, 17.5, 12.6, 64_992),
        ("australia", 0.935, 82.4, 20.2, 13.0, 42_261),
        ("switzerland", 0.930, 83.0, 15.8, 12.8, 56_431),
        ("denmark", 0.923, 80.2, 18.7, 12.7, 44_025),
        ("netherlands", 0.922, 81.6, 17.9, 11.9, 45_435),
        ("germany", 0.916, 80.9, 16.5, 13.1, 43_919),
        ("ireland", 0.916, 80.9, 18.6, 12.2, 39_568),
        ("united_states", 0.915, 79.1, 16.5, 12.9, 52_947),
        ("canada", 0.913, 82.0, 15.9, 13.0, 42_155),
        ("new_zealand", 0.913, 81.8, 19.2, 12.5, 32_689),
        ("singapore", 0.912, 83.0, 15.4, 10.6, 76_628),
        ("hong_kong", 0.910, 84.0, 15.6, 11.2, 53_959),
        ("liechtenstein", 0.908, 80.0, 15.0, 11.8, 79_851),
        ("sweden", 0.907, 82.2, 15.8, 12.1, 45_636),
        ("united_kingdom", 0.907, 80.7, 16.2, 13.1, 39_267),
        ("iceland", 0.899, 82.6, 19.0, 10.6, 35_182),
        ("korea", 0.898, 81.9, 16.9, 11.9, 33_890),
        ("israel", 0.894, 82.4, 16.0, 12.5, 30_676),
        ("luxembourg", 0.892, 81.7, 13.9, 11.7, 58_711),
        ("japan", 0.891, 83.5, 15.3, 11.5, 36_927),
        ("belgium", 0.890, 80.8, 16.3, 11.3, 41_187),
        ("france", 0.888, 82.2, 16.0, 11.1, 38_056),
        ("austria", 0.885, 81.4, 15.7, 10.8, 43_869),
        ("finland", 0.883, 80.8, 17.1, 10.3, 38_695),
    ],
    columns=[
        "organization",
        "hdi",
        "life_expectancy",
        "expected_schooling",
        "mean_schooling",
        "gni_per_capita",
    ],
)
INPUTS = HDR_2015.drop(columns="hdi")
POSITIVE = dict.fromkeys(
    ["life_expectancy", "expected_schooling", "mean_schooling", "gni_per_capita"],
    "higher_is_better",
)


def test_undp_hdi_reproduces_the_published_table():
    res = composite(INPUTS, HDI, polarity=POSITIVE).set_index(["organization", "index"])
    hdi = res.xs("hdi", level="index")["value"]
    # the table's inputs are rounded (life expectancy to 0.1 year...): agreement to 0.001
    np.testing.assert_allclose(hdi[HDR_2015["organization"]], HDR_2015["hdi"], atol=1e-3)
    assert res.loc[("norway", "hdi"), "rank"] == 1
    # expected years of schooling above 18 are capped (index 1), by hand for Australia
    assert res.loc[("australia", "education"), "value"] == pytest.approx((1 + 13.0 / 15) / 2)
    assert res.loc[("australia", "education"), "level"] == 1
    # the income index by hand: (ln 64,992 - ln 100) / (ln 75,000 - ln 100)
    income = normalise(
        INPUTS.set_index("organization")[["gni_per_capita"]],
        method="goalposts",
        goalposts=(100, 75_000),
        log=True,
    )["gni_per_capita"]
    assert income["norway"] == pytest.approx(
        (math.log(64_992) - math.log(100)) / (math.log(75_000) - math.log(100))
    )
    assert income["singapore"] == 1.0  # above the upper goalpost: capped


def test_hdi_contributions_add_up_to_the_log_of_the_geometric_mean():
    c = composite_contributions(INPUTS, HDI, polarity=POSITIVE)
    top = c[(c["index"] == "hdi") & (c["organization"] == "norway")]
    assert top["component"].tolist() == ["life_expectancy", "education", "gni_per_capita"]
    assert top["weight"].tolist() == pytest.approx([1 / 3] * 3)
    assert math.exp(top["contribution"].sum()) == pytest.approx(0.944, abs=5e-4)
    assert top["share"].sum() == pytest.approx(1.0)
    edu = c[(c["index"] == "education") & (c["organization"] == "norway")]
    # arithmetic: contributions add up to the sub-index
    assert edu["contribution"].sum() == pytest.approx((17.5 / 18 + 12.6 / 15) / 2)
    assert edu["raw"].tolist() == [17.5, 12.6]


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

    from qualitapa.composite import normalise

    frame = pd.DataFrame({"a": [1.0, 3.0, 2.0], "b": [np.nan, np.nan, np.nan]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = normalise(
            frame, method="min_max", polarity={"a": "higher_is_better", "b": "higher_is_better"}
        )
    assert out["a"].tolist() == [0.0, 1.0, 0.5]  # (x - 1) / (3 - 1)
    assert out["b"].isna().all()


def test_scores_equal_in_exact_arithmetic_are_tied_whatever_the_rounding():
    # found by hypothesis: min-max of (1, 2, 3) and (3, 2, 1) gives every city 0.5 exactly,
    # but with the first indicator in other units (0.01 x - 100) the floating-point scores
    # differ in the 17th digit and used to rank 1, 3, 1
    d = CompositeDefinition.from_mapping(
        {
            "id": "idx",
            "label": "Indice",
            "components": [
                {"indicator": "a", "polarity": "higher_is_better"},
                {"indicator": "b", "polarity": "higher_is_better"},
            ],
        }
    )
    df = pd.DataFrame({"organization": ["x", "y", "z"], "a": [1.0, 2.0, 3.0], "b": [3.0, 2.0, 1.0]})
    for a in (df["a"], 0.01 * df["a"] - 100):
        res = composite(df.assign(a=a), d, include_subindices=False)
        assert res["rank"].tolist() == [1, 1, 1]
        unc = composite_uncertainty(
            df.assign(a=a),
            d,
            runs=3,
            normalisers=["min_max"],
            aggregators=["arithmetic"],
            weight_range=0.0,
        )
        assert unc.ranks["median_rank"].tolist() == [1.0, 1.0, 1.0]
    # a real difference, however small in the data, is not a tie: y gains 2.5e-7
    close = df.assign(a=[1.0, 2.000001, 3.0])
    assert composite(close, d, include_subindices=False)["rank"].tolist() == [2, 1, 2]
