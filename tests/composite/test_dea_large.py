"""DEA frame first (``_dea_frame``): the same results as the stacked LPs and one LP per unit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from qualitapa.composite import _dea, _dea_frame, dea

pytestmark = pytest.mark.skipif(not _dea_frame.available(), reason="no HiGHS binding")

SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _frame(X: np.ndarray, Y: np.ndarray) -> pd.DataFrame:
    df = pd.DataFrame(
        np.hstack([X, Y]),
        columns=[f"x{i}" for i in range(X.shape[1])] + [f"y{i}" for i in range(Y.shape[1])],
    )
    df.insert(0, "organization", [f"u{i:05d}" for i in range(len(X))])
    return df


def _both(df: pd.DataFrame, monkeypatch: pytest.MonkeyPatch, **kwargs) -> tuple:
    """dea() frame first, and with the stacked linprog path (the implementation before)."""
    cols = {
        "inputs": [c for c in df.columns if c.startswith("x")],
        "outputs": [c for c in df.columns if c.startswith("y")],
    }
    frame_first = dea(df, **cols, **kwargs)
    with monkeypatch.context() as mp:
        mp.setattr(_dea, "_FRAME_FIRST", False)
        stacked = dea(df, **cols, **kwargs)
    return frame_first, stacked


def _slack_total(res) -> np.ndarray:
    return res.targets.groupby("organization", sort=False)["slack"].sum().to_numpy()


@st.composite
def units(draw):
    """Small integer data (ties, duplicates, units on each other's facets are common)."""
    m, s = draw(st.integers(1, 3)), draw(st.integers(1, 2))
    n = draw(st.integers(m + s, 25))
    values = st.integers(1, 12).map(float)
    X = np.array(draw(st.lists(st.lists(values, min_size=m, max_size=m), min_size=n, max_size=n)))
    Y = np.array(draw(st.lists(st.lists(values, min_size=s, max_size=s), min_size=n, max_size=n)))
    return X, Y


@SETTINGS
@given(
    data=units(),
    rts=st.sampled_from(["crs", "vrs", "irs", "drs"]),
    orientation=st.sampled_from(["input", "output"]),
)
def test_frame_first_equals_the_stacked_lps(monkeypatch, data, rts, orientation):
    X, Y = data
    kw = {"rts": rts, "orientation": orientation, "super_efficiency": True}
    got, want = _both(_frame(X, Y), monkeypatch, **kw)
    np.testing.assert_allclose(got.scores["score"], want.scores["score"], rtol=1e-9, atol=1e-10)
    assert got.scores["status"].tolist() == want.scores["status"].tolist()
    np.testing.assert_allclose(
        got.scores["super_efficiency"], want.scores["super_efficiency"], rtol=1e-8, equal_nan=True
    )
    # the largest total slack is unique even where the slacks themselves are not
    np.testing.assert_allclose(_slack_total(got), _slack_total(want), rtol=1e-7, atol=1e-7)
    # the peers' lambdas rebuild each unit's radial target (or better)
    lam = got.lambdas.pivot_table(index="organization", columns="peer", values="lambda")
    lam = lam.reindex(columns=got.scores["organization"], fill_value=0).fillna(0.0).to_numpy()
    assert (lam >= 0).all()


def _dea_data(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Counted inputs and outputs rounded as published: many ties and units on shared facets."""
    rng = np.random.default_rng(seed)
    X = rng.integers(5, 60, (n, 3)).astype(float)
    scale = np.sqrt(X[:, 0] * X[:, 1]) + 0.5 * X[:, 2]
    Y = np.round(scale[:, None] * rng.uniform(0.3, 1.0, (n, 2)), 1)
    return X, Y


def _one_lp_per_unit(
    X: np.ndarray, Y: np.ndarray, rts: str, orientation: str, units: np.ndarray
) -> np.ndarray:
    """The envelopment LP of each of ``units`` against all units, one linprog call each."""
    n, m = X.shape
    s = Y.shape[1]
    A_eq = np.r_[0.0, np.ones(n)][None, :] if rts == "vrs" else None
    b_eq = [1.0] if rts == "vrs" else None
    out = np.empty(len(units))
    for i, o in enumerate(units):
        if orientation == "input":  # min theta: X lam <= theta x_o, Y lam >= y_o
            c = np.r_[1.0, np.zeros(n)]
            A = np.vstack([np.c_[-X[o], X.T], np.c_[np.zeros(s), -Y.T]])
            b = np.r_[np.zeros(m), -Y[o]]
        else:  # max phi: X lam <= x_o, Y lam >= phi y_o
            c = np.r_[-1.0, np.zeros(n)]
            A = np.vstack([np.c_[np.zeros(m), X.T], np.c_[Y[o], -Y.T]])
            b = np.r_[X[o], np.zeros(s)]
        # without presolve: the same optimum, each LP 1.6x faster (its few rows leave presolve
        # nothing to remove)
        r = linprog(c, A_ub=A, b_ub=b, A_eq=A_eq, b_eq=b_eq, bounds=(0, None), method="highs",
                    options={"presolve": False})  # fmt: skip
        out[i] = r.x[0]
    return out


@pytest.mark.slow
@pytest.mark.parametrize(
    ("rts", "orientation"), [("crs", "input"), ("vrs", "input"), ("vrs", "output")]
)
def test_2000_units_equal_the_stacked_lps_and_one_linprog_per_unit(monkeypatch, rts, orientation):
    # every unit against the stacked path (the frame's own errors); 200 fixed units against
    # their LP over all 2,000 units, one linprog each (errors of the model both paths build)
    X, Y = _dea_data(2_000)
    got, want = _both(_frame(X, Y), monkeypatch, rts=rts, orientation=orientation, slacks=False)
    np.testing.assert_allclose(got.scores["score"], want.scores["score"], rtol=0, atol=1e-8)
    units = np.sort(np.random.default_rng(1).choice(len(X), 200, replace=False))
    ref = _one_lp_per_unit(X, Y, rts, orientation, units)
    np.testing.assert_allclose(got.scores["score"].to_numpy()[units], ref, rtol=0, atol=1e-8)
    assert got.scores["status"].tolist() == want.scores["status"].tolist()


@pytest.mark.parametrize("rts", ["crs", "vrs"])
def test_the_frame_is_found_and_each_unit_solved_about_once(rts):
    X, Y = _dea_data(1_500, seed=3)
    sol = _dea_frame.radial_against_frame(X / X.mean(0), Y / Y.mean(0), rts, "input")
    assert sol.ok.all()
    # every unit with a score of 1 and no peer but itself is in the frame
    alone = [u for u in range(len(X)) if sol.refs[u].tolist() == [u]]
    assert set(alone) <= set(sol.frame.tolist())
    assert len(sol.frame) < 300  # a few hundred, not n
    assert sol.solves < 1.5 * len(X)  # re-solves only where a check failed
    # the lambdas over the peers reproduce the radial LP's constraints
    for u in range(0, len(X), 97):
        lam, theta = sol.x[u][:-1], sol.x[u][-1]
        xs, ys = X / X.mean(0), Y / Y.mean(0)
        assert (lam @ xs[sol.refs[u]] <= theta * xs[u] + 1e-9).all()
        assert (lam @ ys[sol.refs[u]] >= ys[u] - 1e-9).all()


def test_the_facet_check_equals_the_check_of_every_unit():
    # units on one facet share a (scaled) dual direction: checked once, then bounded
    rng = np.random.default_rng(5)
    facets = rng.normal(size=(7, 6))
    duals = facets[rng.integers(0, 7, 400)] * rng.uniform(0.1, 10, (400, 1))
    duals[::13] += rng.normal(scale=1e-7, size=duals[::13].shape)  # near, not on, a facet
    Z = rng.uniform(0, 3, (6, 900))
    low, where = _dea_frame._check(duals, Z)
    low_all, where_all = _dea_frame._worst_columns(duals, Z)
    bad = low_all < -_dea_frame.REDUCED_COST_TOL
    assert ((low < -_dea_frame.REDUCED_COST_TOL) == bad).all()
    np.testing.assert_allclose(low[bad], low_all[bad], rtol=1e-12)
    assert (where[bad] == where_all[bad]).all()


def test_a_unit_dominated_by_the_frame_is_not_checked():
    X = np.array([[1.0, 1.0], [2.0, 1.0], [1.0, 1.0], [0.5, 3.0]])
    Y = np.array([[2.0], [2.0], [2.0], [2.0]])
    # unit 1 uses more input for the same output, unit 2 equals unit 0: neither can improve
    # an LP that unit 0 already prices; unit 3 is not dominated
    kept = _dea_frame.undominated(X, Y, np.array([1, 2, 3]), np.array([0]))
    assert kept.tolist() == [3]


def _max_slack_total(X, Y, score, rts, orientation) -> np.ndarray:
    """Phase 2 by hand: the largest sum of slacks at the unit's radial score, one linprog each."""
    n, m = X.shape
    s = Y.shape[1]
    out = np.empty(n)
    for o in range(n):
        # variables: lambda (n), input slacks (m), output slacks (s); maximise their sum
        c = np.r_[np.zeros(n), -np.ones(m + s)]
        x_rhs = X[o] * (score[o] if orientation == "input" else 1.0)
        y_rhs = Y[o] * (score[o] if orientation == "output" else 1.0)
        A_eq = np.block([[X.T, np.eye(m), np.zeros((m, s))], [Y.T, np.zeros((s, m)), -np.eye(s)]])
        b_eq = np.r_[x_rhs, y_rhs]
        A_ub = b_ub = None
        if rts == "vrs":
            A_eq = np.vstack([A_eq, np.r_[np.ones(n), np.zeros(m + s)]])
            b_eq = np.r_[b_eq, 1.0]
        elif rts in ("irs", "drs"):
            sign = -1.0 if rts == "irs" else 1.0
            A_ub, b_ub = sign * np.r_[np.ones(n), np.zeros(m + s)][None, :], [sign]
        # the score is relaxed by the same hair as the library's phase 2
        b_eq[:m] *= 1 + 1e-10 if orientation == "input" else 1.0
        b_eq[m : m + s] *= 1 - 1e-10 if orientation == "output" else 1.0
        r = linprog(c, A_ub=A_ub, b_ub=b_ub, A_eq=A_eq, b_eq=b_eq, bounds=(0, None))
        out[o] = -r.fun
    return out


@SETTINGS
@given(
    data=units(),
    rts=st.sampled_from(["crs", "vrs", "irs", "drs"]),
    orientation=st.sampled_from(["input", "output"]),
)
def test_slack_totals_equal_one_linprog_per_unit_against_all_units(data, rts, orientation):
    # phase 2 is solved against the frame and checked only against the units no column
    # of its LP dominates: the total equals the LP over every unit
    X, Y = data
    df = _frame(X, Y)
    res = dea(
        df,
        inputs=[c for c in df.columns if c.startswith("x")],
        outputs=[c for c in df.columns if c.startswith("y")],
        rts=rts,
        orientation=orientation,
    )
    want = _max_slack_total(X, Y, res.scores["score"].to_numpy(), rts, orientation)
    np.testing.assert_allclose(_slack_total(res), want, rtol=1e-6, atol=1e-6)
