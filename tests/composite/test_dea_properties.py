"""DEA: metamorphic properties (hypothesis) and the multiplier LP as an independent reference."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualitapa.composite import dea

# hypothesis properties of DEA: an LP per unit per example
pytestmark = pytest.mark.slow

SETTINGS = settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
TOL = 1e-6


@st.composite
def units(draw, min_n=3, max_n=10):
    """Organizations with 1-2 positive inputs and 1-2 positive outputs (integers, as counted)."""
    m = draw(st.integers(1, 2))
    s = draw(st.integers(1, 2))
    n = draw(st.integers(max(min_n, m + s), max_n))
    values = st.integers(1, 60).map(float)
    X = np.array(draw(st.lists(st.lists(values, min_size=m, max_size=m), min_size=n, max_size=n)))
    Y = np.array(draw(st.lists(st.lists(values, min_size=s, max_size=s), min_size=n, max_size=n)))
    return X, Y


def _frame(X, Y, names=None):
    n = X.shape[0]
    df = pd.DataFrame(
        np.hstack([X, Y]),
        columns=[f"x{i}" for i in range(X.shape[1])] + [f"y{i}" for i in range(Y.shape[1])],
    )
    df.insert(0, "organization", names if names is not None else [f"u{i:02d}" for i in range(n)])
    return df


def _run(X, Y, **kwargs):
    df = _frame(X, Y)
    res = dea(
        df,
        inputs=[c for c in df.columns if c.startswith("x")],
        outputs=[c for c in df.columns if c.startswith("y")],
        **kwargs,
    )
    return res.scores.set_index("organization")


RTS = st.sampled_from(["crs", "vrs"])
ORIENT = st.sampled_from(["input", "output"])


@SETTINGS
@given(data=units(), rts=RTS, orientation=ORIENT)
def test_scores_equal_the_multiplier_lp(dea_multiplier, data, rts, orientation):
    X, Y = data
    got = _run(X, Y, rts=rts, orientation=orientation)["score"].to_numpy()
    np.testing.assert_allclose(got, dea_multiplier(X, Y, rts, orientation), rtol=1e-6, atol=1e-8)


@SETTINGS
@given(
    data=units(),
    rts=RTS,
    orientation=ORIENT,
    factors=st.lists(st.sampled_from([0.001, 0.5, 3.0, 1000.0]), min_size=4, max_size=4),
)
def test_scores_do_not_depend_on_the_units_of_measure(data, rts, orientation, factors):
    # staff in FTE or hours, cost in euro or thousands: each column rescaled on its own
    X, Y = data
    f = np.array(factors)
    base = _run(X, Y, rts=rts, orientation=orientation)["efficiency"]
    scaled = _run(X * f[: X.shape[1]], Y * f[2 : 2 + Y.shape[1]], rts=rts, orientation=orientation)
    np.testing.assert_allclose(scaled["efficiency"], base, rtol=1e-6)


@SETTINGS
@given(data=units(), rts=RTS, orientation=ORIENT)
def test_efficient_units_score_one_and_the_others_less(data, rts, orientation):
    X, Y = data
    sc = _run(X, Y, rts=rts, orientation=orientation)
    assert ((sc["efficiency"] > 0) & (sc["efficiency"] <= 1 + TOL)).all()
    eff = sc["status"] != "inefficient"
    assert eff.any()  # the frontier is never empty
    np.testing.assert_allclose(sc.loc[eff, "efficiency"], 1.0, atol=TOL)
    assert (sc.loc[~eff, "efficiency"] < 1 - 1e-7).all()
    # an efficient unit is its own only peer
    assert (sc.loc[sc["status"] == "efficient", "n_peers"] == 1).all()


@SETTINGS
@given(data=units(), rts=RTS, orientation=ORIENT, seed=st.integers(0, 2**16))
def test_row_order_is_irrelevant(data, rts, orientation, seed):
    X, Y = data
    order = np.random.default_rng(seed).permutation(len(X))
    names = np.array([f"u{i:02d}" for i in range(len(X))])
    base = _run(X, Y, rts=rts, orientation=orientation)["efficiency"]
    df = _frame(X[order], Y[order], names[order])
    shuffled = dea(
        df,
        inputs=[c for c in df.columns if c.startswith("x")],
        outputs=[c for c in df.columns if c.startswith("y")],
        rts=rts,
        orientation=orientation,
    ).scores.set_index("organization")["efficiency"]
    np.testing.assert_allclose(shuffled[base.index], base, rtol=1e-7)


@SETTINGS
@given(
    data=units(),
    rts=RTS,
    orientation=ORIENT,
    which=st.integers(0, 100),
    worse=st.floats(1.0, 3.0),
)
def test_adding_a_dominated_unit_changes_no_other_score(data, rts, orientation, which, worse):
    # a new unit using more of every input for less of every output than an existing one
    # lies inside the technology: it changes nobody's frontier
    X, Y = data
    j = which % len(X)
    X2 = np.vstack([X, X[j] * worse * 1.01])
    Y2 = np.vstack([Y, Y[j] / (worse * 1.01)])
    base = _run(X, Y, rts=rts, orientation=orientation)["efficiency"]
    more = _run(X2, Y2, rts=rts, orientation=orientation)
    np.testing.assert_allclose(more["efficiency"].iloc[:-1], base, rtol=1e-6)
    assert more["efficiency"].iloc[-1] < 1


@SETTINGS
@given(data=units(), orientation=ORIENT)
def test_vrs_is_at_least_crs_and_crs_orientations_are_reciprocal(data, orientation):
    X, Y = data
    crs = _run(X, Y, rts="crs", orientation=orientation)
    vrs = _run(X, Y, rts="vrs", orientation=orientation)
    assert (vrs["efficiency"] >= crs["efficiency"] - TOL).all()
    if orientation == "input":
        out = _run(X, Y, rts="crs", orientation="output")
        np.testing.assert_allclose(out["score"], 1 / crs["score"], rtol=1e-6)


@SETTINGS
@given(data=units(min_n=4), rts=RTS)
def test_super_efficiency_is_at_least_one_for_efficient_units(data, rts):
    X, Y = data
    sc = _run(X, Y, rts=rts, super_efficiency=True)
    radial = sc["efficiency"] >= 1 - TOL
    feasible = sc["super_status"] == "ok"
    assert (sc.loc[radial & feasible, "super_efficiency"] >= 1 - TOL).all()
    # inefficient units keep their score (they are not on the frontier to be removed from)
    np.testing.assert_allclose(
        sc.loc[~radial, "super_efficiency"], sc.loc[~radial, "score"], rtol=1e-9
    )
    if rts == "crs":  # with constant returns the LP without the unit is always feasible
        assert feasible.all()


@pytest.mark.parametrize("rts", ["crs", "vrs"])
def test_one_input_one_output_crs_is_the_ratio_to_the_best(rts):
    # hand-computed: with one input and one output the CRS efficiency is
    # (y/x) / max(y/x); VRS is never below it
    x = np.array([[2.0], [4.0], [5.0], [8.0]])
    y = np.array([[4.0], [6.0], [9.0], [10.0]])
    sc = _run(x, y, rts=rts)
    ratio = (y / x).ravel()
    if rts == "crs":
        np.testing.assert_allclose(sc["efficiency"], ratio / ratio.max(), rtol=1e-9)
    else:
        assert (sc["efficiency"].to_numpy() >= ratio / ratio.max() - 1e-9).all()
