"""Data Envelopment Analysis: published results, a brute-force reference, errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

import qualitapa.composite._dea as dea_module
from qualitapa.composite._dea import dea
from qualitapa.errors import DataError

# The hospital example of Cooper, Seiford & Tone, "Data Envelopment Analysis" (Springer,
# 2nd ed. 2007; Table 1.5): 12 hospitals, inputs doctors and nurses, outputs outpatients and
# inpatients. The data as the CRAN package qDEA ships it (dataset CST22, "Cooper, Seiford,
# Tone 2006 Two Input Two Output Example Data Table 1.5", printed in its vignette "Practical
# Applications of qDEA"); the same numbers are in a GAMS CCR model found by the search tool.
# We could not open the book's table of CCR scores, so the scores are checked against the
# CCR multiplier LP solved unit by unit with scipy (tests/composite/test_dea_properties.py).
HOSPITALS = pd.DataFrame(
    {
        "organization": list("ABCDEFGHIJKL"),
        "doctors": [20, 19, 25, 27, 22, 55, 33, 31, 30, 50, 53, 38],
        "nurses": [151, 131, 160, 168, 158, 255, 235, 206, 244, 268, 306, 284],
        "outpatients": [100, 150, 160, 180, 94, 230, 220, 152, 190, 250, 260, 250],
        "inpatients": [90, 50, 55, 72, 66, 90, 88, 80, 100, 100, 147, 120],
    }
)

# The test suite of the pyDEA package, opened with the search tool (araith/pyDEA at commit
# 15bbed45, tests/test_CRS_env_input_oriented_model.py and
# tests/test_VRS_env_output_oriented_model.py): five units, inputs x1, x2, output q.
PYDEA_SMALL = pd.DataFrame(
    {
        "organization": list("ABCDE"),
        "x1": [2, 2, 6, 3, 6],
        "x2": [5, 4, 6, 2, 2],
        "q": [1, 2, 3, 1, 2],
    }
)
# ... and its eleven units with three inputs and two outputs (tests/DEA_example2_data.csv, same
# commit); CRS input-oriented efficiencies from test_CRS_env_input_oriented_model.py.
PYDEA_LARGE = pd.DataFrame(
    {
        "organization": list("ABCDEFGHIJK"),
        "I1": [5, 16, 16, 17, 18, 23, 25, 27, 37, 42, 5],
        "I2": [13, 12, 26, 15, 14, 6, 10, 22, 14, 25, 17],
        "I3": [1, 2, 2, 3, 1, 2, 2, 3, 1, 2, 3],
        "O1": [12, 14, 25, 26, 8, 9, 27, 30, 31, 26.5, 12],
        "O2": [34, 13, 56, 23, 18, 39, 21, 10, 25, 17, 37],
    }
)


def test_ccr_hospital_example_against_the_multiplier_lp(dea_multiplier):
    res = dea(HOSPITALS, inputs=["doctors", "nurses"], outputs=["outpatients", "inpatients"])
    X = HOSPITALS[["doctors", "nurses"]].to_numpy(float)
    Y = HOSPITALS[["outpatients", "inpatients"]].to_numpy(float)
    np.testing.assert_allclose(res.scores["efficiency"], dea_multiplier(X, Y), atol=1e-7)
    assert res.scores.loc[res.scores.efficiency == 1, "organization"].tolist() == ["A", "B", "D"]
    assert (res.scores.status == "inefficient").sum() == 9
    # output orientation under CRS: phi = 1 / theta; VRS (BCC) in both orientations
    out = dea(
        HOSPITALS,
        inputs=["doctors", "nurses"],
        outputs=["outpatients", "inpatients"],
        orientation="output",
    )
    np.testing.assert_allclose(out.scores["score"], 1 / res.scores["score"], rtol=1e-7)
    for orientation in ("input", "output"):
        vrs = dea(
            HOSPITALS,
            inputs=["doctors", "nurses"],
            outputs=["outpatients", "inpatients"],
            rts="vrs",
            orientation=orientation,
        )
        np.testing.assert_allclose(
            vrs.scores["score"], dea_multiplier(X, Y, "vrs", orientation), rtol=1e-7
        )


def test_pydea_small_example_crs_input_with_lambdas():
    res = dea(PYDEA_SMALL, inputs=["x1", "x2"], outputs=["q"])
    np.testing.assert_allclose(
        res.scores["efficiency"], [0.5, 1, 0.83333333, 0.71428571, 1], atol=1e-7
    )
    lam = res.lambdas.set_index(["organization", "peer"])["lambda"]
    # pyDEA reports lambda_{A,B} = 0.5, lambda_{C,B} = 1, lambda_{C,E} = 0.5,
    # lambda_{D,B} = 0.21428571, lambda_{D,E} = 0.28571429
    assert lam[("A", "B")] == pytest.approx(0.5)
    assert lam[("C", "B")] == pytest.approx(1.0)
    assert lam[("C", "E")] == pytest.approx(0.5)
    assert lam[("D", "B")] == pytest.approx(0.21428571)
    assert lam[("D", "E")] == pytest.approx(0.28571429)
    assert res.scores.set_index("organization").loc["D", "peers"] == "B;E"


def test_pydea_small_example_vrs_output():
    res = dea(PYDEA_SMALL, inputs=["x1", "x2"], outputs=["q"], rts="vrs", orientation="output")
    np.testing.assert_allclose(res.scores["efficiency"], [0.5, 1, 1, 1, 1], atol=1e-7)
    np.testing.assert_allclose(res.scores["score"], [2, 1, 1, 1, 1], atol=1e-7)
    # A: phi = 2 reaches q = 2 = B's output; B has x2 = 4 < 5, so A keeps an input slack of 1
    tgt = res.targets.set_index(["organization", "variable"])
    assert tgt.loc[("A", "x2"), "slack"] == pytest.approx(1.0)
    assert tgt.loc[("A", "x2"), "target"] == pytest.approx(4.0)
    assert tgt.loc[("A", "q"), "target"] == pytest.approx(2.0)
    assert res.scores.loc[0, "peers"] == "B"


def test_pydea_large_example_crs_input():
    res = dea(PYDEA_LARGE, inputs=["I1", "I2", "I3"], outputs=["O1", "O2"])
    expected = [1, 0.64858757, 0.90924776, 1, 0.54907162, 1, 1, 0.8241206, 1, 0.62673338, 1]
    np.testing.assert_allclose(res.scores["efficiency"], expected, atol=1e-7)


def test_weakly_efficient_unit_is_flagged_by_the_slack_phase():
    # c uses as much of x1 as b but more x2 for the same output: radially efficient
    # (theta = 1, it lies on the vertical part of the isoquant) but with an input slack.
    df = pd.DataFrame(
        {"organization": ["a", "b", "c"], "x1": [4, 1, 1], "x2": [1, 4, 6], "y": [1, 1, 1]}
    )
    res = dea(df, inputs=["x1", "x2"], outputs=["y"])
    sc = res.scores.set_index("organization")
    assert sc.loc["c", "efficiency"] == pytest.approx(1.0)
    assert sc.loc["c", "status"] == "weakly_efficient"
    assert sc.loc["c", "peers"] == "b"
    tgt = res.targets.set_index(["organization", "variable"])
    assert tgt.loc[("c", "x2"), "slack"] == pytest.approx(2.0)
    assert tgt.loc[("c", "x2"), "target"] == pytest.approx(4.0)
    assert sc.loc["a", "status"] == sc.loc["b", "status"] == "efficient"
    no_slack = dea(df, inputs=["x1", "x2"], outputs=["y"], slacks=False)
    assert no_slack.scores.set_index("organization").loc["c", "status"] == "efficient"


def test_super_efficiency_and_infeasible_units():
    # 1 input, 1 output, VRS, input orientation: no convex combination of the others
    # produces as much as the largest unit c -> infeasible.
    df = pd.DataFrame({"organization": ["a", "b", "c"], "x": [1.0, 2.0, 4.0], "y": [1, 3, 4]})
    res = dea(df, inputs=["x"], outputs=["y"], rts="vrs", super_efficiency=True)
    sc = res.scores.set_index("organization")
    assert sc.loc["c", "super_status"] == "infeasible"
    assert np.isnan(sc.loc["c", "super_efficiency"])
    assert sc.loc["c", "efficiency"] == 1.0
    # a (x 1, y 1) against b and c: the cheapest way to make y >= 1 is b's x = 2
    assert sc.loc["a", "super_efficiency"] == pytest.approx(2.0)
    # b against the segment a-c: at y = 3, the VRS frontier a-c needs x = 1 + 3 * 2/3 = 3
    assert sc.loc["b", "super_efficiency"] == pytest.approx(1.5)
    # CRS: super-efficiency of b = (3/2) / max(others' y/x = 1) = 1.5
    crs = dea(df, inputs=["x"], outputs=["y"], super_efficiency=True)
    csc = crs.scores.set_index("organization")
    assert csc.loc["b", "super_efficiency"] == pytest.approx(1.5)
    assert csc.loc["a", "super_efficiency"] == pytest.approx(1 / 1.5)
    assert (crs.scores.super_status == "ok").all()


# -- brute force reference: one linprog per unit, all units in the reference set ------------


def _reference(X, Y, rts, orientation, exclude_self=False):
    n, m = X.shape
    s = Y.shape[1]
    out = np.full(n, np.nan)
    for o in range(n):
        if orientation == "input":
            c = np.r_[1.0, np.zeros(n)]
            a_in = np.hstack([-X[o][:, None], X.T])
            a_out = np.hstack([np.zeros((s, 1)), -Y.T])
            b = np.r_[np.zeros(m), -Y[o]]
        else:
            c = np.r_[-1.0, np.zeros(n)]
            a_in = np.hstack([np.zeros((m, 1)), X.T])
            a_out = np.hstack([Y[o][:, None], -Y.T])
            b = np.r_[X[o], np.zeros(s)]
        A_ub, b_ub = np.vstack([a_in, a_out]), b
        A_eq = b_eq = None
        row = np.r_[0.0, np.ones(n)][None, :]
        if rts == "vrs":
            A_eq, b_eq = row, [1.0]
        elif rts == "irs":
            A_ub, b_ub = np.vstack([A_ub, -row]), np.r_[b_ub, -1.0]
        elif rts == "drs":
            A_ub, b_ub = np.vstack([A_ub, row]), np.r_[b_ub, 1.0]
        bounds = [(0, None)] * (n + 1)
        if exclude_self:
            bounds[o + 1] = (0, 0)
        r = linprog(c, A_ub=A_ub, b_ub=b_ub, A_eq=A_eq, b_eq=b_eq, bounds=bounds, method="highs")
        if r.status == 0:
            out[o] = r.x[0]
    return out


def _random_units(n, seed):
    rng = np.random.default_rng(seed)
    X = rng.uniform(1, 10, (n, 3))
    base = X.prod(axis=1) ** (1 / 3)
    Y = base[:, None] * rng.uniform(0.3, 1.0, (n, 2))
    frame = pd.DataFrame(np.hstack([X, Y]), columns=["x1", "x2", "x3", "y1", "y2"])
    frame.insert(0, "organization", [f"u{i:03d}" for i in range(n)])
    return frame, X, Y


@pytest.mark.parametrize(
    ("rts", "orientation"),
    [
        # 2-4 s each: every model in the slow run
        *(
            pytest.param(r, o, marks=pytest.mark.slow)
            for r, o in [
                ("crs", "input"),
                ("vrs", "output"),
                ("vrs", "input"),
                ("irs", "input"),
                ("drs", "input"),
                ("crs", "output"),
                ("irs", "output"),
                ("drs", "output"),
            ]
        ),
    ],
)
def test_screened_solver_equals_one_lp_per_unit(rts, orientation, monkeypatch):
    # small screening blocks and LP stacks, so that 120 units go through every code path:
    # dominance filter, hierarchical screening, several stacked LPs, column generation
    monkeypatch.setattr(dea_module, "_BLOCK", 25)
    monkeypatch.setattr(dea_module, "_BATCH_VARS", 600)
    frame, X, Y = _random_units(120, seed=len(rts) + len(orientation))
    res = dea(
        frame,
        inputs=["x1", "x2", "x3"],
        outputs=["y1", "y2"],
        rts=rts,
        orientation=orientation,
        super_efficiency=True,
    )
    ref = _reference(X, Y, rts, orientation)
    np.testing.assert_allclose(res.scores["score"], ref, rtol=1e-7, atol=1e-9)
    sup = _reference(X, Y, rts, orientation, exclude_self=True)
    np.testing.assert_allclose(res.scores["super_efficiency"], sup, rtol=1e-6, atol=1e-9)
    assert (res.scores["super_status"] == "infeasible").sum() == np.isnan(sup).sum()
    # targets are on the frontier: re-evaluating them gives efficient units
    tgt = res.targets.pivot(index="organization", columns="variable", values="target")
    assert (tgt[["x1", "x2", "x3"]].to_numpy() <= X + 1e-6).all()
    assert (tgt[["y1", "y2"]].to_numpy() >= Y - 1e-6).all()


def test_targets_are_efficient():
    frame, _X, _Y = _random_units(60, seed=7)
    res = dea(frame, inputs=["x1", "x2", "x3"], outputs=["y1", "y2"], rts="vrs")
    tgt = res.targets.pivot(index="organization", columns="variable", values="target")
    projected = pd.concat(
        [frame, tgt.reset_index().assign(organization=lambda d: "t" + d.organization)]
    )
    again = dea(projected, inputs=["x1", "x2", "x3"], outputs=["y1", "y2"], rts="vrs")
    projected_scores = again.scores[again.scores.organization.str.startswith("t")]
    np.testing.assert_allclose(projected_scores["efficiency"], 1.0, atol=1e-6)
    # lambdas reproduce the targets: sum_j lambda_j x_j = target
    lam = res.lambdas.merge(frame, left_on="peer", right_on="organization", suffixes=("", "_p"))
    rebuilt = (
        (lam[["x1", "x2", "x3"]].mul(lam["lambda"], axis=0)).groupby(lam["organization"]).sum()
    )
    np.testing.assert_allclose(
        rebuilt.to_numpy(), tgt.loc[rebuilt.index, ["x1", "x2", "x3"]], rtol=1e-6
    )


def test_input_frame_is_not_modified():
    before = HOSPITALS.copy()
    dea(HOSPITALS, inputs=["doctors", "nurses"], outputs=["outpatients", "inpatients"])
    pd.testing.assert_frame_equal(HOSPITALS, before)


# -- degenerate data ---------------------------------------------------------------------


def _small(changes):
    df = PYDEA_SMALL.copy()
    for (col, row), value in changes.items():
        df.loc[row, col] = value
    return df


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({("x1", 1): 0}, "input must be positive"),
        ({("x2", 3): -1}, "input must be positive"),
        ({("q", 2): -3}, "output must not be negative"),
    ],
)
def test_invalid_values(changes, message):
    df = _small(changes)
    with pytest.raises(DataError, match=message) as info:
        dea(df, inputs=["x1", "x2"], outputs=["q"], source="data.csv")
    assert info.value.failure_cases is not None
    assert len(info.value.failure_cases) == 1
    assert "data.csv" in str(info.value)


def test_all_zero_outputs_of_a_unit():
    df = PYDEA_SMALL.assign(q2=[1, 1, 1, 1, 1])
    df.loc[2, ["q", "q2"]] = 0
    with pytest.raises(DataError, match="all outputs are zero") as info:
        dea(df, inputs=["x1", "x2"], outputs=["q", "q2"])
    assert info.value.failure_cases["organization"].tolist() == ["C"]


def test_output_zero_everywhere_and_too_few_units_and_text():
    with pytest.raises(DataError, match="zero for every organization"):
        dea(PYDEA_SMALL.assign(z=0.0), inputs=["x1", "x2"], outputs=["q", "z"])
    with pytest.raises(DataError, match="needs at least 4 organizations"):
        dea(PYDEA_SMALL.head(3).assign(y2=1.0, y3=1.0), inputs=["x1"], outputs=["q", "y2", "y3"])
    bad = PYDEA_SMALL.astype({"x1": object})
    bad.loc[1, "x1"] = "n/a"
    with pytest.raises(DataError, match="must be finite numbers") as info:
        dea(bad, inputs=["x1", "x2"], outputs=["q"])
    assert info.value.failure_cases.to_dict("records")[0]["row"] == 2
    with pytest.raises(DataError, match="column 'nurses'"):
        dea(PYDEA_SMALL, inputs=["nurses"], outputs=["q"])
    with pytest.raises(DataError, match="once"):
        dea(pd.concat([PYDEA_SMALL, PYDEA_SMALL.head(1)]), inputs=["x1", "x2"], outputs=["q"])
    with pytest.raises(ValueError, match="rts"):
        dea(PYDEA_SMALL, inputs=["x1"], outputs=["q"], rts="xyz")


@pytest.mark.slow  # large DEA problems
def test_column_generation_repairs_a_too_small_reference_set():
    # start from a reference set of 5 arbitrary units: the reduced costs of the omitted
    # units must pull in the real frontier and give the full-model scores
    _frame, X, Y = _random_units(80, seed=3)
    model = dea_module._Model(
        X / X.mean(axis=0),
        Y / Y.mean(axis=0),
        dea_module.ReturnsToScale.VRS,
        dea_module.Orientation.INPUT,
    )
    units = np.arange(80)
    sol = dea_module._solve_verified(
        model, np.arange(5), units, dea_module._phase1_batch(model, units), 1
    )
    np.testing.assert_allclose(sol.obj, _reference(X, Y, "vrs", "input"), rtol=1e-7)
    assert max(len(r) for r in sol.refs) > 5
