"""qualitapa.surveys.calibrate: cases by hand, properties, rake/poststratify agree, errors.

The values against R's ``survey::calibrate`` are in
``test_surveys_calibration_golden.py``.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from qualitapa.errors import DataError, OptionError
from qualitapa.surveys import (
    CalibrationError,
    SurveyDesign,
    calibrate,
    design_mean,
    design_total,
    poststratify,
    rake,
)


def survey(n: int = 60, seed: int = 1) -> pd.DataFrame:
    """Respondents of 3 strata x 4 days (clusters): sex, age class, household size, an answer."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "stratum": np.repeat(["A", "B", "C"], n // 3),
            "day": np.tile(np.repeat([1, 2, 3, 4], n // 12), 3),
            "sex": rng.choice(["F", "M"], n),
            "age": rng.choice(["18-39", "40-64", "65+"], n, p=[0.3, 0.4, 0.3]),
            "members": rng.integers(1, 6, n).astype(float),
            "w": rng.uniform(5, 15, n),
        }
    )
    frame["q"] = 3 + (frame["age"] == "65+") - 0.5 * (frame["sex"] == "M") + rng.normal(0, 1, n)
    return frame


def design_of(frame: pd.DataFrame) -> SurveyDesign:
    return SurveyDesign.from_frame(frame, weights="w", strata="stratum", clusters="day", nest=True)


POPULATION = {
    "sex": {"F": 520.0, "M": 480.0},
    "age": {"18-39": 300.0, "40-64": 420.0, "65+": 280.0},
    "members": 2600.0,
}


def achieved(design: SurveyDesign) -> dict[str, float]:
    data, w = design.data, design.weights
    out = {f"sex={k}": float(w[data["sex"] == k].sum()) for k in ("F", "M")}
    out |= {f"age={k}": float(w[data["age"] == k].sum()) for k in ("18-39", "40-64", "65+")}
    out["members"] = float(w @ data["members"])
    return out


def expected_totals() -> dict[str, float]:
    out = {f"sex={k}": v for k, v in POPULATION["sex"].items()}  # type: ignore[union-attr]
    out |= {f"age={k}": v for k, v in POPULATION["age"].items()}  # type: ignore[union-attr]
    out["members"] = 2600.0
    return out


@pytest.mark.parametrize(
    ("method", "bounds"),
    [("linear", None), ("raking", None), ("logit", (0.3, 3.0)), ("linear", (0.3, 3.0))],
)
def test_calibrated_weights_meet_every_total(method, bounds) -> None:
    c = calibrate(design_of(survey()), POPULATION, method=method, bounds=bounds)
    assert achieved(c) == pytest.approx(expected_totals(), rel=1e-9)
    if bounds is not None:
        g = c.weights / design_of(survey()).weights
        assert g.min() >= bounds[0] - 1e-12
        assert g.max() <= bounds[1] + 1e-12


def test_the_design_is_kept() -> None:
    d = design_of(survey())
    c = calibrate(d, POPULATION)
    assert c.strata_labels == d.strata_labels
    assert (c.psu == d.psu).all()
    assert c.degrees_of_freedom == d.degrees_of_freedom
    assert c.data is d.data
    assert c.calibration is not None
    report = c.calibration.steps[0].report
    np.testing.assert_allclose(report["achieved"], report["target"], rtol=1e-9)


def test_linear_calibration_by_hand() -> None:
    """Post-stratification by sex is linear calibration to it: w = d N_h / sum_h d.

    Two women of weight 10 to 60, three men of weight 10 to 30: g = 3 and 1.
    The mean of q then is (3*10*(1+3) + 10*(2+4+6)) / 90 = 240/90.
    """
    df = pd.DataFrame({"sex": list("FFMMM"), "q": [1.0, 3.0, 2.0, 4.0, 6.0], "w": [10.0] * 5})
    c = calibrate(SurveyDesign.from_frame(df, weights="w"), {"sex": {"F": 60, "M": 30}})
    assert c.weights.tolist() == pytest.approx([30, 30, 10, 10, 10])
    assert design_mean(c, "q")["estimate"][0] == pytest.approx(240 / 90)


def test_post_stratification_se_by_hand() -> None:
    """With one categorical margin the residuals are the answers less their cell's mean.

    Simple random sampling with replacement (every row a PSU): the variance
    of the total is n/(n-1) sum (w_i e_i)^2, e_i = y_i - mean of its cell
    (the residuals' weighted sum is 0). F: 1, 3 (mean 2), M: 2, 4, 6 (mean 4);
    w e = 30 * (-1, 1), 10 * (-2, 0, 2): sum of squares 1800 + 800 = 2600.
    """
    df = pd.DataFrame({"sex": list("FFMMM"), "q": [1.0, 3.0, 2.0, 4.0, 6.0], "w": [10.0] * 5})
    c = calibrate(SurveyDesign.from_frame(df, weights="w"), {"sex": {"F": 60, "M": 30}})
    se = design_total(c, "q")["se"][0]
    assert se == pytest.approx(np.sqrt(5 / 4 * 2600))


def test_raking_agrees_with_rake() -> None:
    frame = survey(96, seed=3)
    margins = {"sex": POPULATION["sex"], "age": POPULATION["age"]}
    c = calibrate(design_of(frame), margins, method="raking", tol=1e-13)
    r = rake(frame, margins, base_weights="w", total=1000.0, tol=1e-13, max_iter=500)
    np.testing.assert_allclose(c.weights, r.weights.to_numpy(), rtol=1e-9)


def test_linear_on_one_margin_agrees_with_poststratify() -> None:
    frame = survey(96, seed=4)
    cells = pd.DataFrame({"age": ["18-39", "40-64", "65+"], "population": [300.0, 420.0, 280.0]})
    c = calibrate(design_of(frame), {"age": POPULATION["age"]})
    p = poststratify(frame, cells, cells=["age"], base_weights="w", total=1000.0)
    np.testing.assert_allclose(c.weights, p.weights.to_numpy(), rtol=1e-12)


def test_joint_margin_and_a_series() -> None:
    frame = survey(120, seed=5)
    cells = frame.groupby(["sex", "age"])["w"].sum() * 1.5
    c = calibrate(
        design_of(frame), {("sex", "age"): cells, "members": 1.5 * frame.w @ frame.members}
    )
    np.testing.assert_allclose(c.weights, 1.5 * frame["w"], rtol=1e-12)
    joint = {("sex", "age"): {k: 100.0 + 10 * i for i, k in enumerate(cells.index)}}
    c = calibrate(design_of(frame), {**joint, "sex": {"F": 330.0, "M": 420.0}}, method="raking")
    got = pd.Series(c.weights).groupby([frame["sex"], frame["age"]]).sum()
    np.testing.assert_allclose(got.to_numpy(), [100.0 + 10 * i for i in range(6)], rtol=1e-9)


def test_levels_match_as_text() -> None:
    frame = pd.DataFrame({"zone": [1, 1, 2, 2, 3], "w": [1.0] * 5})
    c = calibrate(SurveyDesign.from_frame(frame, weights="w"), {"zone": {"1": 4, 2.0: 4, 3: 2}})
    assert c.weights.tolist() == pytest.approx([2, 2, 2, 2, 2])


frames = st.builds(survey, st.sampled_from([36, 48, 60, 72]), st.integers(0, 10_000))


@settings(max_examples=25, deadline=None)
@given(frames, st.sampled_from(["linear", "raking", "logit"]))
def test_own_totals_change_nothing(frame: pd.DataFrame, method: str) -> None:
    """Calibrating to the sample's own weighted totals leaves the weights (g = 1)."""
    assume(frame["sex"].nunique() == 2 and frame["age"].nunique() == 3)
    w = frame["w"]
    own = {
        "sex": w.groupby(frame["sex"]).sum().to_dict(),
        "age": w.groupby(frame["age"]).sum().to_dict(),
        "members": float(w @ frame["members"]),
    }
    bounds = (0.5, 2.0) if method == "logit" else None
    d = design_of(frame)
    c = calibrate(d, own, method=method, bounds=bounds)  # type: ignore[arg-type]
    np.testing.assert_allclose(c.weights, d.weights, rtol=1e-9)


@settings(max_examples=20, deadline=None)
@given(frames, st.randoms(use_true_random=False), st.sampled_from(["linear", "raking"]))
def test_row_order_is_irrelevant(frame: pd.DataFrame, rnd, method: str) -> None:
    assume(frame["sex"].nunique() == 2 and frame["age"].nunique() == 3)
    order = list(range(len(frame)))
    rnd.shuffle(order)
    shuffled = frame.iloc[order].reset_index(drop=True)
    a = calibrate(design_of(frame), POPULATION, method=method)  # type: ignore[arg-type]
    b = calibrate(design_of(shuffled), POPULATION, method=method)  # type: ignore[arg-type]
    np.testing.assert_allclose(b.weights, a.weights[order], rtol=1e-9)
    ma, mb = design_mean(a, "q", by="sex"), design_mean(b, "q", by="sex")
    np.testing.assert_allclose(mb["estimate"], ma["estimate"], rtol=1e-9)
    np.testing.assert_allclose(mb["se"], ma["se"], rtol=1e-7)


def test_calibrating_twice_to_the_same_totals_keeps_the_weights() -> None:
    """The second calibration has g = 1 (its SE still changes: R residualises twice)."""
    d = design_of(survey())
    once = calibrate(d, POPULATION, method="raking")
    twice = calibrate(once, POPULATION, method="linear")
    np.testing.assert_allclose(twice.weights, once.weights, rtol=1e-9)
    assert twice.calibration is not None
    assert len(twice.calibration.steps) == 2


def test_trimming_keeps_the_bounds_and_the_sum() -> None:
    d = design_of(survey(60, seed=7))
    c = calibrate(d, POPULATION, method="raking")
    g = c.weights / d.weights
    lo, hi = np.quantile(g, [0.2, 0.8])
    t = calibrate(d, POPULATION, method="raking", trim=(lo, hi))
    gt = t.weights / d.weights
    assert gt.min() >= lo - 1e-12
    assert gt.max() <= hi + 1e-12
    assert t.weights.sum() == pytest.approx(c.weights.sum(), rel=1e-12)
    assert ((g > lo) & (g < hi) & (gt != g)).any()  # the others took up what was cut


# -- errors ------------------------------------------------------------------------------


def test_absent_level_is_named() -> None:
    with pytest.raises(CalibrationError, match="age = '80\\+'") as err:
        calibrate(design_of(survey()), {"age": {**POPULATION["age"], "80+": 40.0}})  # type: ignore[dict-item]
    assert err.value.reason == "absent_level"
    # with a zero total the level is left out, as R does
    calibrate(design_of(survey()), {"age": {**POPULATION["age"], "80+": 0.0}})  # type: ignore[dict-item]


def test_missing_level_names_the_row() -> None:
    with pytest.raises(CalibrationError, match="65\\+") as err:
        calibrate(design_of(survey()), {"age": {"18-39": 300.0, "40-64": 700.0}})
    assert err.value.reason == "missing_level"
    assert err.value.column == "age"
    assert err.value.row is not None


def test_inconsistent_margins() -> None:
    with pytest.raises(CalibrationError, match="disagree") as err:
        calibrate(
            design_of(survey()),
            {
                "sex": {"F": 520.0, "M": 480.0},
                "age": {"18-39": 300.0, "40-64": 420.0, "65+": 290.0},
            },
        )
    assert err.value.reason == "inconsistent"


def test_bounds_no_factor_can_meet() -> None:
    with pytest.raises(CalibrationError, match="sex = 'F'") as err:
        calibrate(
            design_of(survey()), {"sex": {"F": 5000.0, "M": 480.0}}, method="logit", bounds=(0.5, 2)
        )
    assert err.value.reason == "infeasible"


def test_bounds_infeasible_together() -> None:
    """Each margin reachable alone within the bounds, not both at once."""
    frame = pd.DataFrame({"a": ["x", "x", "y", "y"], "b": ["u", "v", "u", "v"], "w": [1.0] * 4})
    d = SurveyDesign.from_frame(frame, weights="w")
    with pytest.raises(CalibrationError, match="no weights within the bounds") as err:
        calibrate(
            d,
            {"a": {"x": 3.0, "y": 1.0}, "b": {"u": 1.0, "v": 3.0}},
            method="linear",
            bounds=(0.5, 1.5),
        )
    assert err.value.reason == "infeasible"


def test_not_converged_names_iterations_and_margin() -> None:
    with pytest.raises(CalibrationError, match="did not converge in 1 iterations") as err:
        calibrate(design_of(survey()), POPULATION, method="raking", max_iter=1)
    assert err.value.reason == "not_converged"
    assert err.value.iterations == 1
    assert err.value.margin


def test_bad_options_and_data() -> None:
    d = design_of(survey())
    with pytest.raises(OptionError):
        calibrate(d, POPULATION, method="ridge")  # type: ignore[arg-type]
    with pytest.raises(OptionError, match="finite bounds"):
        calibrate(d, POPULATION, method="logit")
    with pytest.raises(OptionError, match="lower <= 1 <= upper"):
        calibrate(d, POPULATION, bounds=(1.2, 2.0))
    with pytest.raises(OptionError, match="no population totals"):
        calibrate(d, {})
    with pytest.raises(DataError, match="no column 'sexx'"):
        calibrate(d, {"sexx": {"F": 1.0}})
    with pytest.raises(DataError, match="not a number"):
        calibrate(d, {"members": "many"})
    holes = survey().assign(members=lambda f: f["members"].where(f.index != 4))
    with pytest.raises(DataError, match="every row") as err:
        calibrate(design_of(holes), {"members": 2600.0})
    assert err.value.row == 5


def test_errors_say_themselves_in_italian() -> None:
    from qualitapa.i18n import translator

    with pytest.raises(CalibrationError) as err:
        calibrate(design_of(survey()), POPULATION, method="raking", max_iter=1)
    assert "la calibrazione non converge" in err.value.render(translator("it"))


def test_cross_products_by_blocks_equal_the_dense_product() -> None:
    from qualitapa.surveys._calibration import _design_matrix

    frame = survey(48, seed=9)
    totals = {**POPULATION, ("sex", "age"): {(s, a): 1.0 for s in "FM" for a in POPULATION["age"]}}
    d = design_of(frame)
    x, gram, _, _, _ = _design_matrix(d, totals, 1000.0)
    np.testing.assert_allclose(gram, x.T @ (x * d.weights[:, None]), rtol=1e-12)


@settings(max_examples=25, deadline=None)
@given(
    frames,
    st.sampled_from(["linear", "raking", "logit"]),
    st.lists(st.floats(0.8, 1.25), min_size=6, max_size=6),
)
def test_random_totals_are_met_within_the_bounds(
    frame: pd.DataFrame, method: str, factors: list[float]
) -> None:
    """Joint sex x age cells and a numeric total off the sample's own by up to 25%."""
    assume(frame.groupby(["sex", "age"]).size().size == 6)
    w = frame["w"]
    cells = w.groupby([frame["sex"], frame["age"]]).sum() * np.asarray(factors)
    totals = {("sex", "age"): cells.to_dict(), "members": float(w @ frame["members"]) * 1.1}
    bounds = (0.2, 5.0) if method == "logit" else None
    d = design_of(frame)
    c = calibrate(d, totals, method=method, bounds=bounds)  # type: ignore[arg-type]
    got = pd.Series(c.weights).groupby([frame["sex"], frame["age"]]).sum()
    np.testing.assert_allclose(got.to_numpy(), cells.to_numpy(), rtol=1e-9)
    assert c.weights @ frame["members"] == pytest.approx(totals["members"], rel=1e-9)
    if bounds is not None:
        g = c.weights / d.weights
        assert g.min() > bounds[0]
        assert g.max() < bounds[1]


def test_numeric_totals_alone_warn_as_r_does():
    # R survey 4.1.1 (run here): calibrate(des, ~b, population = c(b = 1700)) warns "Sampling
    # and population totals have different names"; ~b - 1 gives weights 1 (b = 0) and 566.67
    # (b = 1, 3 of 10 rows): the calibration without intercept, which calibrate does here.
    from qualitapa.errors import DataWarning

    df = pd.DataFrame({"b": [0.0] * 7 + [1.0] * 3, "w": [1.0] * 10})
    d = SurveyDesign.from_frame(df, weights="w")
    with pytest.warns(DataWarning, match="population_size"):
        c = calibrate(d, {"b": 1700.0})
    np.testing.assert_allclose(c.weights, [1.0] * 7 + [1700 / 3] * 3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        calibrate(d, {"b": 1700.0}, population_size=10_000)
