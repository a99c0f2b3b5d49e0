"""The demo's perceived-quality indicators, and the satisfaction in the registry index.

The satisfaction value entering ``registry.index`` is recomputed from the survey step's
own table (``survey_dimensions.csv``, the overall index of the counter survey), and the
index of 2024 from its four sub-indices (equal weights, arithmetic mean, 0-100: the
definition in composite.toml; OECD/JRC Handbook on Constructing Composite Indicators,
2008, min-max normalisation).
"""

from __future__ import annotations

import numpy as np

from qualitapa.io import read_table


def _read(out, name):
    return read_table(out / f"{name}.csv", dtype={"organization": str})


def test_satisfaction_values_are_the_survey_scores(demo):
    out, _, _ = demo
    values = _read(out, "indicator_values")
    sat = values[values["indicator"] == "registry.satisfaction"].set_index("organization")
    scores = _read(out, "survey_dimensions")
    overall = scores[
        (scores["instrument"] == "registry.counter") & (scores["dimension"] == "overall")
    ].set_index("organization")
    assert len(sat) == len(overall) == 8
    assert set(sat["period"]) == {2024}  # the survey's year
    np.testing.assert_allclose(sat["value"], overall.loc[sat.index, "index"], rtol=1e-12)
    np.testing.assert_allclose(sat["low"], overall.loc[sat.index, "ci_low"], rtol=1e-12)
    np.testing.assert_allclose(sat["high"], overall.loc[sat.index, "ci_high"], rtol=1e-12)
    np.testing.assert_array_equal(sat["n"], overall.loc[sat.index, "n"])
    assert set(sat["method"]) == {"design"}  # the survey declares its sampling design


def test_complaint_values_are_the_register_kpis(demo):
    out, _, _ = demo
    values = _read(out, "indicator_values")
    on_time = values[values["indicator"] == "registry.complaints_on_time"]
    on_time = on_time.set_index("organization")
    # every demo complaint is the registry's (or its sub-services') and of 2024: the
    # register's KPIs by organization are the indicator's
    kpis = _read(out, "complaint_kpis").set_index("organization").loc[on_time.index]
    np.testing.assert_allclose(on_time["value"], 100 * kpis["share_within_deadline"])
    np.testing.assert_array_equal(on_time["n"], kpis["answered"])
    assert ((on_time["low"] < on_time["value"]) & (on_time["value"] < on_time["high"])).all()
    rate = values[values["indicator"] == "registry.complaints_per_10000"]
    np.testing.assert_allclose(
        rate.set_index("organization")["value"], kpis["per_10000"], rtol=1e-12
    )


def test_the_registry_index_combines_efficiency_effectiveness_and_satisfaction(demo):
    out, _, _ = demo
    values = _read(out, "indicator_values")
    scores = _read(out, "composite_scores")
    index = scores[(scores["composite"] == "registry.index") & (scores["period"] == 2024)]
    sub = index.pivot(index="organization", columns="index", values="value")
    assert {"efficiency", "service_quality", "effectiveness", "satisfaction"} <= set(sub)
    # the satisfaction sub-index: the survey's overall index, min-max normalised
    sat = values[values["indicator"] == "registry.satisfaction"].set_index("organization")
    v = sat["value"]
    expected = (v - v.min()) / (v.max() - v.min())
    np.testing.assert_allclose(sub.loc[v.index, "satisfaction"], expected, atol=1e-12)
    parts = sub[["efficiency", "service_quality", "effectiveness", "satisfaction"]]
    np.testing.assert_allclose(sub["registry.index"], 100 * parts.mean(axis=1), atol=1e-9)
    # a year without a survey: three sub-indices of four (coverage 0.75)
    before = scores[
        (scores["composite"] == "registry.index")
        & (scores["period"] == 2023)
        & (scores["index"] == "registry.index")
    ]
    assert len(before) == 8
    assert before["value"].notna().all()
    assert (before["coverage"] == 0.75).all()


def test_perceived_indicators_are_benchmarked_like_the_others(demo):
    out, _, _ = demo
    bench = _read(out, "indicator_benchmark")
    sat = bench[(bench["indicator"] == "registry.satisfaction") & (bench["period"] == 2024)]
    sat = sat.set_index("organization")
    assert len(sat) == 8
    # ranks within the profile's peer groups, from the survey's indices
    expected = sat.groupby("peer_group")["value"].rank(ascending=False, method="min")
    np.testing.assert_array_equal(sat["rank"].astype(float), expected.loc[sat.index])
    best = sat.groupby("peer_group")["value"].transform("max") == sat["value"]
    np.testing.assert_array_equal(sat["is_best"].astype(bool), best)
