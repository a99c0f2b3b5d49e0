"""compute(), trends(), changes() and targets(): independent references and properties.

* compute is checked against the plain pandas an analyst would write (pivot the
  tidy data wide, divide the columns, scale);
* trends against pymannkendall (Hussain & Mahmud 2019, JOSS 4(39):1556), an
  independent implementation of the Mann-Kendall test and Sen's slope, and
  scipy.stats.theilslopes / kendalltau;
* changes against pandas' groupby().shift();
* targets against the comparison written out with numpy;
and each with metamorphic properties (row order, other organizations, shifts
and scales of the data, polarity flips).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pymannkendall as mk
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from qualitapa.indicators import IndicatorDefinition, changes, compute, targets, trends

# hypothesis properties against pandas, scipy, pymannkendall: seconds each
pytestmark = pytest.mark.slow

NAN = np.nan
SETTINGS = settings(deadline=None)  # example counts from the profile (tests/conftest.py)

RATIO = IndicatorDefinition(
    "x.ratio", "Rapporto", "x", "efficiency", "num / den", "higher_is_better", scale=100
)
SUM = IndicatorDefinition(
    "x.total_per_den", "Totale per unità", "x", "efficiency", "(num + other) / den",
    "lower_is_better",
)  # fmt: skip


# --- compute --------------------------------------------------------------------------


@st.composite
def raw_data(draw: st.DrawFn) -> pd.DataFrame:
    orgs = [f"o{i}" for i in range(draw(st.integers(1, 6)))]
    periods = draw(st.lists(st.integers(2018, 2024), min_size=1, max_size=3, unique=True))
    rows = []
    for org in orgs:
        for period in periods:
            for var in ("num", "den", "other"):
                if draw(st.integers(0, 9)) == 0:  # a missing record
                    continue
                # counts and amounts: whole numbers, or 0.001 ... 1e6
                value = draw(st.one_of(st.integers(0, 50), st.floats(1e-3, 1e6)))
                rows.append((org, period, var, float(value)))
    frame = pd.DataFrame(rows, columns=["organization", "period", "variable", "value"])
    perm = draw(st.permutations(range(len(frame))))
    return frame.iloc[list(perm)].reset_index(drop=True)


def _compute_reference(raw: pd.DataFrame) -> pd.DataFrame:
    """The two indicators written with pandas: pivot wide, divide, scale."""
    wide = raw.pivot_table(index=["organization", "period"], columns="variable",
                           values="value", aggfunc="first")  # fmt: skip
    wide = wide.reindex(columns=["num", "den", "other"])
    den = wide["den"].where(wide["den"] != 0)
    out = pd.DataFrame(
        {"x.ratio": wide["num"] / den * 100, "x.total_per_den": (wide["num"] + wide["other"]) / den}
    )
    status = pd.DataFrame(index=out.index)
    for col, needs in (("x.ratio", ["num", "den"]), ("x.total_per_den", ["num", "other", "den"])):
        missing = wide[needs].isna().any(axis=1)
        zero = wide["den"] == 0
        overflow = ~missing & ~zero & ~np.isfinite(out[col])  # documented: not_finite, no value
        status[col] = np.select(
            [missing, zero, overflow], ["missing_variable", "zero_denominator", "not_finite"], "ok"
        )
    out = out.where(np.isfinite(out))
    tidy = out.stack(future_stack=True).rename("value").reset_index()
    tidy.columns = ["organization", "period", "indicator", "value"]
    st_tidy = status.stack(future_stack=True).rename("status").reset_index()
    tidy["status"] = st_tidy.iloc[:, -1].to_numpy()
    return tidy


def _by_key(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.assign(
        organization=frame["organization"].astype(str),
        indicator=frame["indicator"].astype(str),
        status=frame["status"].astype(str),
        period=pd.to_numeric(frame["period"]),
    )
    return out.set_index(["organization", "period", "indicator"]).sort_index()


@SETTINGS
@given(raw_data())
def test_compute_matches_plain_pandas(raw) -> None:
    got = _by_key(compute([RATIO, SUM], raw))
    expected = _by_key(_compute_reference(raw))
    expected = expected.reindex(got.index)
    assert got.index.equals(expected.index)
    np.testing.assert_allclose(got["value"], expected["value"], rtol=1e-12)
    assert got["status"].tolist() == expected["status"].tolist()


@SETTINGS
@given(raw_data(), st.randoms(use_true_random=False))
def test_compute_is_per_organization_and_ignores_row_order(raw, random) -> None:
    whole = _by_key(compute([RATIO, SUM], raw))
    perm = list(range(len(raw)))
    random.shuffle(perm)
    pd.testing.assert_frame_equal(whole, _by_key(compute([RATIO, SUM], raw.iloc[perm])))
    for org, part in raw.groupby("organization"):
        alone = _by_key(compute([RATIO, SUM], part))
        periods = set(part["period"])
        mine = whole.loc[[k for k in whole.index if k[0] == org and k[1] in periods]]
        pd.testing.assert_frame_equal(mine, alone)


@SETTINGS
@given(raw_data(), st.sampled_from([0.001, 2.0, 1000.0]))
def test_a_ratio_scales_with_its_numerator(raw, factor) -> None:
    scaled = raw.assign(value=np.where(raw["variable"] == "num", raw["value"] * factor,
                                       raw["value"]))  # fmt: skip
    a = _by_key(compute([RATIO], raw))
    b = _by_key(compute([RATIO], scaled))
    np.testing.assert_allclose(b["value"], a["value"] * factor, rtol=1e-12)


# --- trends ---------------------------------------------------------------------------


def _series(values, org="a", indicator="x", start=2010) -> pd.DataFrame:
    return pd.DataFrame({"organization": org, "indicator": indicator,
                         "period": np.arange(start, start + len(values)),
                         "value": np.asarray(values, dtype=float)})  # fmt: skip


# municipal data are not subnormal floats: leave those out of the examples
FLOATS = st.floats(-100, 100, allow_nan=False, allow_subnormal=False)
series_values = st.lists(st.one_of(st.integers(-5, 5).map(float), FLOATS), min_size=3, max_size=16)


@SETTINGS
@given(series_values)
def test_trends_match_pymannkendall(values) -> None:
    res = trends(_series(values), definitions={"x": "higher_is_better"}).iloc[0]
    ref = mk.original_test(np.asarray(values), alpha=0.05)
    assert res["mk_s"] == ref.s
    if ref.var_s > 0:
        assert res["mk_z"] == pytest.approx(ref.z, abs=1e-9)
        assert res["p_value"] == pytest.approx(ref.p, abs=1e-9)
    # Sen's slope over consecutive years equals pymannkendall's per-step slope
    assert res["slope"] == pytest.approx(mk.sens_slope(np.asarray(values)).slope, abs=1e-9)
    theil = stats.theilslopes(values, np.arange(len(values)), alpha=0.95)
    assert res["slope_low"] == pytest.approx(theil.low_slope, abs=1e-9)
    assert res["slope_high"] == pytest.approx(theil.high_slope, abs=1e-9)


@SETTINGS
@given(series_values)
def test_mann_kendall_z_equals_kendall_tau_b_without_continuity_correction(values) -> None:
    # with untied years, Kendall's tau-b test (scipy, asymptotic) is the Mann-Kendall
    # test without the continuity correction: z_scipy = S / sqrt(var S), while
    # qualitapa (as Gilbert 1987, eq. 16.5) reports (S - sign S) / sqrt(var S)
    res = trends(_series(values), definitions={"x": "neutral"}).iloc[0]
    tau = stats.kendalltau(np.arange(len(values)), values, method="asymptotic")
    s = res["mk_s"]
    if s == 0 or np.isnan(tau.pvalue):
        assert res["mk_z"] == 0 or np.isnan(tau.pvalue)
        return
    z_scipy = stats.norm.isf(tau.pvalue / 2) * np.sign(s)
    sd = s / z_scipy
    assert res["mk_z"] == pytest.approx((s - np.sign(s)) / sd, rel=1e-6, abs=1e-9)


@SETTINGS
@given(series_values, st.floats(-50, 50), st.floats(0.01, 100))
def test_trends_under_shift_scale_and_polarity(values, shift, scale) -> None:
    base = trends(_series(values), definitions={"x": "higher_is_better"}).iloc[0]
    moved = np.asarray(values) * scale + shift
    other = trends(_series(moved), definitions={"x": "higher_is_better"}).iloc[0]
    assert other["mk_s"] == base["mk_s"] or not np.allclose(
        np.sign(np.subtract.outer(moved, moved)), np.sign(np.subtract.outer(values, values))
    )  # float rounding can break ties; the order statistic is otherwise invariant
    if other["mk_s"] == base["mk_s"]:
        assert other["slope"] == pytest.approx(base["slope"] * scale, rel=1e-9, abs=1e-9)
    flipped = trends(_series(values), definitions={"x": "lower_is_better"}).iloc[0]
    swap = {"improving": "worsening", "worsening": "improving"}
    assert flipped["trend"] == swap.get(base["trend"], base["trend"])


@SETTINGS
@given(st.lists(series_values, min_size=1, max_size=4), st.randoms(use_true_random=False))
def test_trends_are_per_series_and_ignore_row_order(all_values, random) -> None:
    data = pd.concat([_series(v, org=f"o{k}") for k, v in enumerate(all_values)],
                     ignore_index=True)  # fmt: skip
    perm = list(range(len(data)))
    random.shuffle(perm)
    whole = trends(data, definitions={"x": "higher_is_better"})
    shuffled = trends(data.iloc[perm], definitions={"x": "higher_is_better"})
    key = ["organization", "indicator"]
    pd.testing.assert_frame_equal(
        whole.set_index(key).sort_index(), shuffled.set_index(key).sort_index(), check_dtype=False
    )
    for k, v in enumerate(all_values):
        alone = trends(_series(v, org=f"o{k}"), definitions={"x": "higher_is_better"})
        mine = whole[whole["organization"].astype(str) == f"o{k}"].reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, alone.reset_index(drop=True), check_dtype=False,
                                      check_categorical=False)  # fmt: skip


# --- changes --------------------------------------------------------------------------


@SETTINGS
@given(st.lists(series_values, min_size=1, max_size=3), st.randoms(use_true_random=False))
def test_changes_match_groupby_shift(all_values, random) -> None:
    data = pd.concat([_series(v, org=f"o{k}") for k, v in enumerate(all_values)],
                     ignore_index=True)  # fmt: skip
    perm = list(range(len(data)))
    random.shuffle(perm)
    data = data.iloc[perm].reset_index(drop=True)
    got = changes(data)
    ordered = data.sort_values(["organization", "indicator", "period"])
    prev = ordered.groupby(["organization", "indicator"])["value"].shift()
    prev = prev.reindex(data.index)
    change = data["value"] - prev
    with np.errstate(over="ignore"):
        pct = (100 * change / prev.abs()).where(prev != 0)
    pct = pct.where(np.isfinite(pct))  # documented: an overflowing change is missing
    np.testing.assert_allclose(got["previous_value"], prev)
    np.testing.assert_allclose(got["change"], change, atol=1e-9)
    np.testing.assert_allclose(got["change_pct"], pct, rtol=1e-9, atol=1e-9)


# --- targets --------------------------------------------------------------------------

TARGET_OPS = {">=": np.greater_equal, ">": np.greater, "<=": np.less_equal, "<": np.less}


@SETTINGS
@given(
    st.lists(st.one_of(st.just(NAN), FLOATS), min_size=1, max_size=20),
    st.sampled_from(list(TARGET_OPS)),
    st.floats(-50, 50, allow_nan=False),
)  # fmt: skip
def test_targets_match_the_comparison_written_out(values, op, target) -> None:
    polarity = "higher_is_better" if op.startswith(">") else "lower_is_better"
    ind = IndicatorDefinition("x.y", "Y", "x", "quality", "a / b", polarity,
                              target=f"{op} {target!r}")  # fmt: skip
    frame = pd.DataFrame({"organization": [f"o{i}" for i in range(len(values))], "period": 2024,
                          "indicator": "x.y", "value": values})  # fmt: skip
    res = targets(frame, definitions=[ind])
    v = np.asarray(values, dtype=float)
    expected = TARGET_OPS[op](v, target)
    present = ~np.isnan(v)
    assert res["met"][present].astype(bool).tolist() == expected[present].tolist()
    assert res["met"][~present].isna().all()
    # the gap is the signed margin: >= 0 exactly when met (strict targets: > 0)
    gap = res["gap"].to_numpy(dtype=float)
    np.testing.assert_allclose(np.abs(gap[present]), np.abs(v[present] - target), atol=1e-9)
    sign = 1.0 if op.startswith(">") else -1.0
    np.testing.assert_allclose(gap[present], sign * (v[present] - target), atol=1e-9)
