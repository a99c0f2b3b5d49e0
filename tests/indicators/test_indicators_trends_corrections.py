"""trends(correction=...) and trends(seasonal=True): serial correlation and monthly seasons.

References:
* published values: pyMannKendall's own test file (github.com/mmhs013/pyMannKendall,
  tests/test_pymannkendall.py at commit 4b62f505fcb2, ``arbitrary_1d_data``), which is
  the Bogra column of its tests/data/Monthly Rainfall.csv (monthly rainfall, 1981-2010,
  7 months missing), copied to tests/indicators/data/pymannkendall_monthly_rainfall.csv;
* hand computations on y = 1, 2, 4, 3, 5 (worked below from the formulas in the
  docstring of qualitapa.indicators._trends);
* pymannkendall 1.4.3 (Hussain & Mahmud 2019, JOSS 4(39):1556) on hypothesis series,
  with ties and short series, for every correction and the seasonal test.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pymannkendall as mk
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from qualitapa.cli import cli
from qualitapa.cli._indicators import _TREND_CORRECTIONS
from qualitapa.errors import DataError
from qualitapa.indicators import TREND_CORRECTIONS, trends
from qualitapa.indicators._trends import _series_stats

DATA = Path(__file__).parent / "data" / "pymannkendall_monthly_rainfall.csv"
REFERENCE = {
    None: mk.original_test,
    "hamed-rao": mk.hamed_rao_modification_test,
    "yue-wang": mk.yue_wang_modification_test,
    "prewhiten": mk.pre_whitening_modification_test,
    "trend-free-prewhiten": mk.trend_free_pre_whitening_modification_test,
}
SETTINGS = settings(deadline=None)


def _series(values, start: int = 2010) -> pd.DataFrame:
    """One yearly series; ``None``/NaN values are periods without a value (no row)."""
    frame = pd.DataFrame(
        {"organization": "a", "indicator": "x",
         "period": range(start, start + len(values)), "value": values}
    )  # fmt: skip
    return frame.dropna(subset=["value"]).reset_index(drop=True)


def _monthly(values, first: str = "2015-01") -> pd.DataFrame:
    months = pd.period_range(first, periods=len(values), freq="M").strftime("%Y-%m")
    frame = pd.DataFrame({"organization": "a", "indicator": "x", "period": months,
                          "value": values})  # fmt: skip
    return frame.dropna(subset=["value"]).reset_index(drop=True)


def _one(values: pd.DataFrame, **kwargs) -> pd.Series:
    return trends(values, definitions={"x": "neutral"}, **kwargs).iloc[0]


def _var(values: list[float], correction: str | None) -> float:
    """var(S) as the module computes it (trends() shows S, Z and p; the variance is inside)."""
    v = np.asarray(values, dtype=float)
    x = np.arange(len(v), dtype=float)[~np.isnan(v)]
    res = _series_stats(v[~np.isnan(v)][None, :], x, 0.05, correction)
    return float(res["mk_var"][0])


# --- published values -------------------------------------------------------------------

# pyMannKendall tests/test_pymannkendall.py (commit 4b62f505): S, var(S), Z, p on the
# Bogra monthly rainfall; the Yue-Wang values there are compared with assert_allclose
PUBLISHED = {
    "hamed-rao": (-1959.0, 259723.81316716125, -3.8419950613710894, 0.00012203829241275166),
    "yue-wang": (-1959.0, 551950.4269211816, -2.6354977553857504, 0.008401398144858296),
    "prewhiten": (-219.0, 4865719.0, -0.09882867695903437, 0.9212742990272651),
    "trend-free-prewhiten": (-630.0, 4866576.0, -0.28512735834365455, 0.7755465706913385),
    None: (-1959.0, 4889800.333333333, -0.8854562842589916, 0.37591058740506833),
}


def _rainfall() -> pd.DataFrame:
    raw = pd.read_csv(DATA)
    return pd.DataFrame({
        "organization": "Bogra", "indicator": "x",
        "period": [f"{y}-{m:02d}" for y, m in zip(raw["Year"], raw["Month"], strict=True)],
        "value": raw["Bogra"],
    }).dropna(subset=["value"])  # fmt: skip


@pytest.mark.parametrize("correction", list(PUBLISHED))
def test_published_pymannkendall_values_on_monthly_rainfall(correction) -> None:
    s, var, z, p = PUBLISHED[correction]
    res = _one(_rainfall(), correction=correction)
    assert res["mk_s"] == s
    assert res["mk_z"] == pytest.approx(z, rel=1e-9)
    assert res["p_value"] == pytest.approx(p, rel=1e-9)
    assert ((res["mk_s"] - np.sign(res["mk_s"])) / res["mk_z"]) ** 2 == pytest.approx(var, rel=1e-9)
    # sens_slope: -0.006369426751592357 a month (test_sens_slope); the slope is per year
    assert res["slope"] == pytest.approx(12 * -0.006369426751592357, rel=1e-12)
    assert res["n_periods"] == 360 - 7  # 7 months missing


def test_published_seasonal_values_on_monthly_rainfall() -> None:
    # test_seasonal_test: S = -399, var(S) = 34702.333..., Z = -2.136504114534638,
    # p = 0.03263834596177739; test_seasonal_sens_slope: -0.08695652173913043 a year
    res = _one(_rainfall(), seasonal=True)
    assert res["mk_s"] == -399.0
    assert res["mk_z"] == pytest.approx(-2.136504114534638, rel=1e-9)
    assert res["p_value"] == pytest.approx(0.03263834596177739, rel=1e-9)
    assert (398 / res["mk_z"]) ** 2 == pytest.approx(34702.333333333336, rel=1e-9)
    assert res["slope"] == pytest.approx(-0.08695652173913043, rel=1e-12)
    assert res["trend"] == "decreasing"


# --- hand computations -------------------------------------------------------------------

HAND = [1.0, 2.0, 4.0, 3.0, 5.0]  # S = 8, var(S) = 50/3, Sen's slope 1


def test_yue_wang_by_hand() -> None:
    # detrended d = y - t (t = 1..5) = 0, 0, 1, -1, 0 (mean 0): sum d^2 = 2,
    # lag 1: 0*0 + 0*1 + 1*(-1) + (-1)*0 = -1 -> r1 = -0.5; lags 2-4: 0.
    # factor 1 + 2 (1 - 1/5)(-0.5) = 0.2 -> var* = 50/3 * 0.2 = 10/3; Z = 7 / sqrt(10/3)
    res = _one(_series(HAND), correction="yue-wang")
    assert res["mk_s"] == 8
    assert _var(HAND, "yue-wang") == pytest.approx(10 / 3, rel=1e-12)
    assert res["mk_z"] == pytest.approx(7 / math.sqrt(10 / 3), rel=1e-12)
    assert res["p_value"] == pytest.approx(2 * stats.norm.sf(7 / math.sqrt(10 / 3)), rel=1e-9)


def test_hamed_rao_keeps_only_significant_lags_by_hand() -> None:
    # ranks of d = 0, 0, 1, -1, 0 are 3, 3, 5, 1, 3 (mean 3): centred 0, 0, 2, -2, 0,
    # sum of squares 8, lag 1: -4 -> r1 = -0.5, other lags 0. The bound is
    # 1.95996 / sqrt(5) = 0.8765 > 0.5: no lag is significant, var(S) stays 50/3
    assert _var(HAND, "hamed-rao") == pytest.approx(50 / 3, rel=1e-12)
    # with alpha = 0.5 the bound is 0.67449 / sqrt(5) = 0.3016 < 0.5: lag 1 counts,
    # factor 1 + 2 / (5*4*3) * (4*3*2) * (-0.5) = 0.6 -> var* = 10, Z = 7 / sqrt(10)
    res = _one(_series(HAND), correction="hamed-rao", alpha=0.5)
    assert res["mk_z"] == pytest.approx(7 / math.sqrt(10), rel=1e-12)


def test_prewhitening_by_hand() -> None:
    # y centred: -2, -1, 1, 0, 2; sum of squares 10, lag 1: 2 - 1 + 0 + 0 = 1 -> r1 = 0.1;
    # y_t - 0.1 y_(t-1) = 1.9, 3.8, 2.6, 4.7: S = 5 - 1 = 4, var(S) = 4*3*13/18 = 26/3
    res = _one(_series(HAND), correction="prewhiten")
    assert res["mk_s"] == 4
    assert res["mk_z"] == pytest.approx(3 / math.sqrt(26 / 3), rel=1e-12)
    # trend-free: r1 of d = -0.5; d_t + 0.5 d_(t-1) = 0, 1, -0.5, -0.5; plus t*1 (t = 1..4):
    # 1, 3, 2.5, 3.5: S = 4 again, same variance
    res = _one(_series(HAND), correction="trend-free-prewhiten")
    assert res["mk_s"] == 4
    assert _var(HAND, "trend-free-prewhiten") == pytest.approx(26 / 3, rel=1e-12)


def test_seasonal_by_hand() -> None:
    # January 1, 3, 2 (S = 1); July 5, 6, 7 (S = 3); each var = 3*2*11/18 = 11/3.
    # S = 4, var = 22/3, Z = 3 / sqrt(22/3). Slopes a year: January 2, 0.5, -1;
    # July 1, 1, 1 -> median of -1, 0.5, 1, 1, 1, 2 is 1
    frame = pd.DataFrame({
        "organization": "a", "indicator": "x",
        "period": ["2020-01", "2021-01", "2022-01", "2020-07", "2021-07", "2022-07"],
        "value": [1.0, 3.0, 2.0, 5.0, 6.0, 7.0],
    })  # fmt: skip
    res = _one(frame, seasonal=True)
    assert res["mk_s"] == 4
    assert res["mk_z"] == pytest.approx(3 / math.sqrt(22 / 3), rel=1e-12)
    assert res["slope"] == 1.0
    # not seasonal: one series in time order 1, 5, 3, 6, 2, 7: S = 5 + 0 + 1 + 0 + 1
    assert _one(frame)["mk_s"] == 7


# --- pymannkendall on hypothesis series ----------------------------------------------------

# municipal data: whole numbers (many ties) or decimals to 6 places (squares of 1e-180
# underflow to 0, which is no data an office has)
VALUE = st.one_of(st.integers(-5, 5).map(float),
                  st.floats(-100, 100, allow_nan=False).map(lambda v: round(v, 6)))  # fmt: skip
SHORT = st.lists(VALUE, min_size=3, max_size=16)
GAPPY = st.lists(st.one_of(VALUE, VALUE, VALUE, st.none()), min_size=4, max_size=20).filter(
    lambda v: sum(x is not None for x in v) >= 3
)


def _check_against_pymannkendall(values: list[float | None], correction: str | None) -> None:
    arr = np.array([np.nan if v is None else v for v in values], dtype=float)
    with np.errstate(all="ignore"):  # its 0/0 for a constant series: NaN, as here
        ref = REFERENCE[correction](arr, alpha=0.05)
    res = _one(_series(arr), correction=correction)
    assert res["mk_s"] == ref.s
    if _constant_before_whitening(arr, correction):
        # r1 = 0/0: pymannkendall tests n-1 NaN values (S = 0, var(S) from the
        # count alone); here there is no test
        assert np.isnan(res["mk_z"])
        return
    var = _var(list(arr), correction)
    if np.isfinite(ref.var_s):
        assert var == pytest.approx(ref.var_s, rel=1e-9, abs=1e-9)
    else:
        assert np.isnan(var)
    if ref.var_s > 0:
        assert res["mk_z"] == pytest.approx(ref.z, rel=1e-9, abs=1e-9)
        assert res["p_value"] == pytest.approx(ref.p, rel=1e-9, abs=1e-9)
    else:  # no test (pymannkendall says Z = 0 when S = 0, else NaN)
        assert np.isnan(res["mk_z"])
        assert np.isnan(res["p_value"])
        assert res["trend"] in ("stable", "insufficient_data")


def _constant_before_whitening(arr: np.ndarray, correction: str | None) -> bool:
    """Whether the series pre-whitening starts from has no variance (its r1 is 0/0)."""
    x = arr[~np.isnan(arr)]
    if correction == "trend-free-prewhiten":
        x = x - np.arange(1, len(x) + 1) * mk.sens_slope(arr).slope
    return correction in ("prewhiten", "trend-free-prewhiten") and bool(np.all(x == x[0]))


@pytest.mark.slow
@pytest.mark.parametrize("correction", list(REFERENCE))
@SETTINGS
@given(values=st.one_of(SHORT, GAPPY))
def test_corrections_match_pymannkendall(correction, values) -> None:
    # with missing years (GAPPY) pymannkendall drops them before the lags; the slope
    # keeps the years
    _check_against_pymannkendall(values, correction)


@pytest.mark.slow
@SETTINGS
@given(st.lists(st.one_of(VALUE, st.none()), min_size=25, max_size=60), st.integers(1, 12))
def test_seasonal_matches_pymannkendall(values, first_month) -> None:
    arr = np.array([np.nan if v is None else v for v in values], dtype=float)
    # pymannkendall's seasons start at the first value: start the months in January
    # and pad, so its rows are calendar years whatever the first month
    padded = np.concatenate([np.full(first_month - 1, np.nan), arr])
    with np.errstate(all="ignore"):
        ref = mk.seasonal_test(padded, period=12)
    frame = _monthly(arr, first=f"2015-{first_month:02d}")
    if frame.empty:
        return
    res = _one(frame, seasonal=True)
    assert res["mk_s"] == ref.s
    if ref.var_s > 0:
        assert res["mk_z"] == pytest.approx(ref.z, rel=1e-9, abs=1e-9)
        assert res["p_value"] == pytest.approx(ref.p, rel=1e-9, abs=1e-9)
    slope = mk.seasonal_sens_slope(padded, period=12).slope
    if np.isnan(slope):
        assert np.isnan(res["slope"])
    else:
        assert res["slope"] == pytest.approx(slope, rel=1e-9, abs=1e-9)


# --- metamorphic properties ------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("correction", list(REFERENCE))
@SETTINGS
@given(values=SHORT, power=st.integers(-3, 3))
def test_scaling_by_a_power_of_two_changes_nothing(correction, values, power) -> None:
    # exact in floating point: every tie, rank and autocorrelation stays as it was
    base = _one(_series(values), correction=correction)
    scaled = _one(_series(np.asarray(values) * 2.0**power), correction=correction)
    for key in ("mk_s", "mk_z", "p_value"):
        assert scaled[key] == base[key] or (np.isnan(scaled[key]) and np.isnan(base[key]))


def _compared(values: np.ndarray, correction: str | None) -> np.ndarray:
    """The values whose order a test uses: detrended (Hamed-Rao) or pre-whitened series."""
    t = np.arange(1, len(values) + 1)
    slope = mk.sens_slope(values).slope
    base = values - t * slope if correction in ("hamed-rao", "trend-free-prewhiten") else values
    if correction not in ("prewhiten", "trend-free-prewhiten"):
        return base
    c = base - base.mean()
    r1 = (c[:-1] * c[1:]).sum() / (c * c).sum()
    white = base[1:] - r1 * base[:-1]
    return white + t[:-1] * slope if correction == "trend-free-prewhiten" else white


def _ties_may_differ(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether rounding can order ``a`` and ``b`` differently (a near tie, or a tie broken)."""
    da, db = np.subtract.outer(a, a), np.subtract.outer(b, b)
    scale = max(1.0, float(np.abs(a).max()), float(np.abs(b).max()))
    near = (np.abs(da) < 1e-9 * scale) & (da != 0) | (np.abs(db) < 1e-9 * scale) & (db != 0)
    return bool(near.any()) or not np.array_equal(np.sign(da), np.sign(db))


@pytest.mark.slow
@pytest.mark.parametrize("correction", list(REFERENCE))
@SETTINGS
@given(values=st.lists(st.integers(-50, 50).map(float), min_size=3, max_size=16),
       shift=st.integers(-1000, 1000))  # fmt: skip
def test_adding_a_constant_changes_nothing(correction, values, shift) -> None:
    y = np.asarray(values)
    base = _one(_series(y), correction=correction)
    moved = _one(_series(y + shift), correction=correction)
    with np.errstate(all="ignore"):
        if correction is not None and _ties_may_differ(
            _compared(y, correction), _compared(y + shift, correction)
        ):
            return  # y + c - t b (or its pre-whitened values) rounded: ties can change
    assert moved["mk_s"] == base["mk_s"]
    for key in ("mk_z", "p_value"):
        assert moved[key] == pytest.approx(base[key], rel=1e-7, abs=1e-9, nan_ok=True)


@pytest.mark.slow
@pytest.mark.parametrize("correction", [None, "hamed-rao", "yue-wang"])
@SETTINGS
@given(values=st.lists(st.integers(-50, 50).map(float), min_size=3, max_size=16))
def test_reversing_time_flips_the_sign(correction, values) -> None:
    # the reversed series detrended is the detrended series reversed plus a constant:
    # the same lag autocorrelations, so var(S) is the same and S, Z change sign (not so
    # for pre-whitening: y_t - r y_(t-1) reversed is not y_(t-1) - r y_t)
    base = _one(_series(values), correction=correction)
    back = _one(_series(values[::-1]), correction=correction)
    assert back["mk_s"] == -base["mk_s"]
    if correction == "hamed-rao":
        slope = mk.sens_slope(np.asarray(values)).slope
        t = np.arange(1, len(values) + 1)
        ranks = stats.rankdata(np.asarray(values) - t * slope)
        ranks_back = stats.rankdata(np.asarray(values[::-1]) + t * slope)
        if not np.array_equal(ranks[::-1], ranks_back):
            return  # rounding broke a tie of the detrended values
    assert back["mk_z"] == pytest.approx(-base["mk_z"], rel=1e-7, abs=1e-9, nan_ok=True)


@pytest.mark.slow
@SETTINGS
@given(st.lists(GAPPY, min_size=1, max_size=5), st.sampled_from(list(REFERENCE)))
def test_each_series_as_if_alone(all_values, correction) -> None:
    # the corrections are computed for all series at once: each as on its own
    frame = pd.concat(
        [_series(v).assign(organization=f"o{k}") for k, v in enumerate(all_values)],
        ignore_index=True,
    )
    together = trends(frame, definitions={"x": "neutral"}, correction=correction)
    for k, v in enumerate(all_values):
        alone = _one(_series(v), correction=correction)
        row = together[together["organization"] == f"o{k}"].iloc[0]
        for key in ("mk_s", "mk_z", "p_value", "slope"):
            assert row[key] == pytest.approx(alone[key], rel=1e-12, abs=1e-12, nan_ok=True)


# --- errors and the command line --------------------------------------------------------------


def test_wrong_arguments_and_periods() -> None:
    with pytest.raises(ValueError, match="correction must be one of"):
        _one(_series(HAND), correction="hamed_rao")
    with pytest.raises(ValueError, match="no correction"):
        _one(_monthly(HAND), seasonal=True, correction="yue-wang")
    with pytest.raises(DataError, match="monthly periods") as err:
        _one(_series(HAND), seasonal=True)
    assert err.value.column == "period"
    bad = _monthly(HAND).assign(period=["2024-01", "2024-02", "2024-13", "2024-04", "2024-05"])
    with pytest.raises(DataError, match="'2024-13' is not a month"):
        _one(bad)


def test_monthly_periods_without_seasons() -> None:
    # months as one series: slope per year (12 x the slope per month), the last change
    # from the same month a year before
    values = [float(v) for v in range(1, 15)]  # 2015-01 ... 2016-02, one more a month
    res = _one(_monthly(values))
    assert res["slope"] == pytest.approx(12.0)
    assert res["change_pct"] == pytest.approx(100 * (14 - 2) / 2)
    assert res["mk_s"] == 14 * 13 / 2


def test_command_line_choices_are_the_library_ones() -> None:
    assert (None, *_TREND_CORRECTIONS) == TREND_CORRECTIONS


def test_trends_command_with_correction_and_seasons(tmp_path: Path, registry_toml: Path) -> None:
    yearly = tmp_path / "values.csv"
    # an Italian office export: cp1252, ';', decimal comma
    pd.DataFrame(
        {"organization": "a", "indicator": "registry.online_share",
         "period": range(2011, 2023), "value": [10.0, 12.5, 11.0, 14.0, 13.5, 16.0, 15.0,
                                               18.5, 17.0, 20.0, 19.5, 22.0]}
    ).to_csv(yearly, index=False, sep=";", decimal=",", encoding="cp1252")  # fmt: skip
    out = {}
    for correction in _TREND_CORRECTIONS:
        result = CliRunner().invoke(cli, [
            "indicators", "trends", str(yearly), "-d", str(registry_toml),
            "--correction", correction, "--numbers", "it", "--format", "json",
        ])  # fmt: skip
        assert result.exit_code == 0, result.stderr
        (out[correction],) = json.loads(result.stdout)
    expected = trends(_series([10.0, 12.5, 11.0, 14.0, 13.5, 16.0, 15.0, 18.5, 17.0, 20.0, 19.5,
                               22.0]), definitions={"x": "higher_is_better"},
                      correction="hamed-rao").iloc[0]  # fmt: skip
    assert out["hamed-rao"]["p_value"] == pytest.approx(expected["p_value"], rel=1e-12)
    assert out["hamed-rao"]["trend"] == expected["trend"]

    monthly = tmp_path / "monthly.csv"
    _monthly([5.0, 9.0, 4.0, 7.0, 8.0, 3.0, 6.0, 10.0, 11.0, 12.0, 2.0, 1.0, 14.0, 8.5]).assign(
        indicator="registry.online_share"
    ).to_csv(monthly, index=False)
    result = CliRunner().invoke(cli, [
        "indicators", "trends", str(monthly), "-d", str(registry_toml), "--seasonal",
        "--lang", "it",
    ])  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "stabile" in result.stdout

    result = CliRunner().invoke(cli, [
        "indicators", "trends", str(monthly), "-d", str(registry_toml), "--seasonal",
        "--correction", "yue-wang",
    ])  # fmt: skip
    assert result.exit_code == 2
    assert "--seasonal esclude --correction" in result.stderr  # in Italian by default
