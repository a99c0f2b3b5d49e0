"""Group ratios against statsmodels and scipy, and their metamorphic properties."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import brentq
from scipy.stats import poisson
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.rates import confint_poisson

from qualitapa.composite import group_ratio, ratio_parts
from qualitapa.errors import DefinitionError
from qualitapa.indicators import Formula

# hypothesis against statsmodels and scipy root-finding
pytestmark = pytest.mark.slow

SETTINGS = settings(max_examples=40, deadline=None)
CONF = st.sampled_from([0.8, 0.9, 0.95, 0.99])


@st.composite
def proportions(draw, min_orgs=1, max_orgs=6):
    """Organizations with numerator <= denominator (acts answered in time out of received)."""
    n = draw(st.integers(min_orgs, max_orgs))
    den = draw(st.lists(st.integers(1, 500), min_size=n, max_size=n))
    num = [draw(st.integers(0, d)) for d in den]
    return pd.DataFrame(
        {"organization": [f"o{i}" for i in range(n)], "num": num, "den": den}, dtype=object
    ).astype({"num": float, "den": float})


@SETTINGS
@given(data=proportions(), conf=CONF)
def test_wilson_interval_equals_statsmodels(data, conf):
    res = group_ratio(data, numerator="num", denominator="den", confidence=conf)
    x, n = int(data["num"].sum()), int(data["den"].sum())
    lo, hi = proportion_confint(x, n, alpha=1 - conf, method="wilson")
    assert res.loc[0, "method"] == "wilson"
    assert res.loc[0, "value"] == pytest.approx(x / n)
    assert res.loc[0, "ci_low"] == pytest.approx(lo, abs=1e-12)
    assert res.loc[0, "ci_high"] == pytest.approx(hi, abs=1e-12)


def _exact_poisson(x: int, conf: float) -> tuple[float, float]:
    """Garwood's exact interval by root-finding on the Poisson distribution (no chi-square)."""
    a = (1 - conf) / 2
    lo = 0.0 if x == 0 else brentq(lambda mu: poisson.sf(x - 1, mu) - a, 1e-12, 10 * x + 10)
    hi = brentq(lambda mu: poisson.cdf(x, mu) - a, 1e-12, 10 * x + 50)
    return lo, hi


@SETTINGS
@given(
    counts=st.lists(st.integers(0, 300), min_size=1, max_size=5),
    exposure=st.lists(st.integers(1, 100_000), min_size=5, max_size=5),
    conf=CONF,
)
def test_poisson_interval_equals_statsmodels_and_root_finding(counts, exposure, conf):
    n = len(counts)
    df = pd.DataFrame(
        {
            "organization": [f"o{i}" for i in range(n)],
            "errors": np.array(counts, dtype=float),
            "acts": np.array(exposure[:n], dtype=float),
        }
    )
    res = group_ratio(df, numerator="errors", denominator="acts", method="poisson", confidence=conf)
    x, t = int(sum(counts)), float(sum(exposure[:n]))
    lo, hi = confint_poisson(x, t, method="exact-c", alpha=1 - conf)
    assert res.loc[0, "ci_low"] == pytest.approx(lo, rel=1e-9, abs=1e-15)
    assert res.loc[0, "ci_high"] == pytest.approx(hi, rel=1e-9)
    rlo, rhi = _exact_poisson(x, conf)
    assert res.loc[0, "ci_low"] == pytest.approx(rlo / t, rel=1e-6, abs=1e-12)
    assert res.loc[0, "ci_high"] == pytest.approx(rhi / t, rel=1e-6)


def test_published_style_values_by_hand():
    # 14 of 17 answered in time over three offices: 14/17, not the mean of the ratios
    df = pd.DataFrame({"organization": list("abc"), "num": [1.0, 3, 10], "den": [4.0, 3, 10]})
    res = group_ratio(df, numerator="num", denominator="den", scale=100)
    assert res.loc[0, "value"] == pytest.approx(100 * 14 / 17)
    assert res.loc[0, "mean_of_ratios"] == pytest.approx(100 * (0.25 + 1 + 1) / 3)
    # Wilson by its closed form (Wilson 1927): centre (p + z^2/2n) / (1 + z^2/n), half width
    # z sqrt(p(1-p)/n + z^2/4n^2) / (1 + z^2/n), z = 1.959964 for 95%
    z, p, n = 1.959963984540054, 14 / 17, 17
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    assert res.loc[0, "ci_low"] == pytest.approx(100 * (centre - half))
    assert res.loc[0, "ci_high"] == pytest.approx(100 * (centre + half))


@st.composite
def grouped(draw):
    data = draw(proportions(min_orgs=2, max_orgs=8))
    groups = draw(
        st.lists(st.sampled_from(["g1", "g2", "g3"]), min_size=len(data), max_size=len(data))
    )
    periods = draw(st.lists(st.sampled_from([2023, 2024]), min_size=len(data), max_size=len(data)))
    return data.assign(group=groups, period=periods)


COLUMNS = ["numerator", "denominator", "value", "ci_low", "ci_high", "n_organizations"]


@settings(max_examples=12, deadline=None)
@given(data=grouped(), seed=st.integers(0, 2**16))
def test_groups_equal_separate_runs_and_row_order_is_irrelevant(data, seed):
    res = group_ratio(data, numerator="num", denominator="den", groups="group")
    res = res.set_index(["group", "period"])
    for (g, p), part in data.groupby(["group", "period"]):
        alone = group_ratio(part, numerator="num", denominator="den", groups="group")
        alone = alone.set_index(["group", "period"]).loc[(g, p)]
        pd.testing.assert_series_equal(
            res.loc[(g, p), COLUMNS], alone[COLUMNS], check_names=False, check_dtype=False
        )
    shuffled = data.sample(frac=1.0, random_state=seed)
    again = group_ratio(shuffled, numerator="num", denominator="den", groups="group")
    pd.testing.assert_frame_equal(again.set_index(["group", "period"]), res, check_like=True)


@settings(max_examples=20, deadline=None)
@given(data=grouped(), extra=proportions(min_orgs=1, max_orgs=3))
def test_adding_another_period_changes_nothing_for_the_others(data, extra):
    base = group_ratio(data, numerator="num", denominator="den", groups="group")
    more = pd.concat([data, extra.assign(group="g1", period=2030)], ignore_index=True)
    res = group_ratio(more, numerator="num", denominator="den", groups="group")
    kept = res[res["period"] != 2030].reset_index(drop=True)
    pd.testing.assert_frame_equal(kept, base)


@settings(max_examples=20, deadline=None)
@given(data=proportions(), conf=CONF, k=st.sampled_from([1.0, 100.0, 1000.0]))
def test_value_lies_in_its_interval_and_scale_multiplies_everything(data, conf, k):
    one = group_ratio(data, numerator="num", denominator="den", confidence=conf)
    res = group_ratio(data, numerator="num", denominator="den", confidence=conf, scale=k)
    assert res.loc[0, "ci_low"] <= res.loc[0, "value"] <= res.loc[0, "ci_high"]
    for col in ("value", "ci_low", "ci_high", "mean_of_ratios"):
        assert res.loc[0, col] == pytest.approx(k * one.loc[0, col])
    wider = group_ratio(data, numerator="num", denominator="den", confidence=0.999)
    assert wider.loc[0, "ci_low"] <= one.loc[0, "ci_low"] + 1e-12
    assert wider.loc[0, "ci_high"] >= one.loc[0, "ci_high"] - 1e-12


def test_auto_method_is_wilson_only_when_every_numerator_fits_its_denominator():
    ok = pd.DataFrame({"organization": ["a", "b"], "num": [3.0, 5.0], "den": [10.0, 5.0]})
    assert group_ratio(ok, numerator="num", denominator="den")["method"].tolist() == ["wilson"]
    rates = ok.assign(num=[30.0, 5.0])  # 30 events in 10 units of exposure: a rate
    assert group_ratio(rates, numerator="num", denominator="den")["method"].tolist() == ["poisson"]


@pytest.mark.parametrize(
    ("text", "numerator", "denominator", "factor"),
    [
        ("a / b", "a", "b", 1.0),
        ("a / b * 1000", "a", "b", 1000.0),
        ("1000 * a / b", "a", "b", 1000.0),
        ("(a + c) / b", "a + c", "b", 1.0),
        ("100 * (a + c) / (b + d)", "a + c", "b + d", 100.0),
    ],
)
def test_ratio_parts_by_hand(text, numerator, denominator, factor):
    num, den, k = ratio_parts(text)
    assert (str(num), str(den), k) == (numerator, denominator, factor)


@SETTINGS
@given(
    text=st.sampled_from(
        ["a / b", "a / b * 1000", "1000 * a / b", "(a + c) / b", "100 * (a + c) / (b + d)"]
    ),
    values=st.lists(st.floats(0.5, 1e4), min_size=4, max_size=4),
)
def test_ratio_parts_recompose_the_formula(text, values):
    cols = dict(zip("abcd", (np.array([v]) for v in values), strict=True))
    num, den, k = ratio_parts(text)
    whole = Formula.parse(text).evaluate(cols)
    np.testing.assert_allclose(k * num.evaluate(cols) / den.evaluate(cols), whole, rtol=1e-12)


@pytest.mark.parametrize("text", ["a + b", "a * b", "max(a, b) / 2 + 1", "a - b / c"])
def test_ratio_parts_refuses_what_is_not_a_ratio(text):
    with pytest.raises(DefinitionError, match="not a ratio"):
        ratio_parts(text)
