"""Free Disposal Hull: hand-computed values, an independent mixed-integer LP, properties."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from qualitapa.composite import dea, fdh
from qualitapa.errors import DataError


def _milp_fdh(X: np.ndarray, Y: np.ndarray, orientation: str) -> np.ndarray:
    """FDH as DEA with binary intensities (Deprins, Simar & Tulkens 1984), one MILP per unit.

    Variables (lambda_1..n binary, t continuous) with sum(lambda) = 1; input orientation
    minimises theta s.t. X'l <= theta x0, Y'l >= y0; output orientation maximises phi
    s.t. X'l <= x0, Y'l >= phi y0. Returns theta or phi.
    """
    n, m = X.shape
    s = Y.shape[1]
    out = np.empty(n)
    for o in range(n):
        if orientation == "input":
            c = np.r_[np.zeros(n), 1.0]
            rows = [
                LinearConstraint(np.hstack([X.T, -X[o][:, None]]), -np.inf, 0.0),
                LinearConstraint(np.hstack([Y.T, np.zeros((s, 1))]), Y[o], np.inf),
            ]
        else:
            c = np.r_[np.zeros(n), -1.0]
            rows = [
                LinearConstraint(np.hstack([X.T, np.zeros((m, 1))]), -np.inf, X[o]),
                LinearConstraint(np.hstack([Y.T, -Y[o][:, None]]), 0.0, np.inf),
            ]
        rows.append(LinearConstraint(np.r_[np.ones(n), 0.0][None, :], 1.0, 1.0))
        res = milp(
            c,
            constraints=rows,
            integrality=np.r_[np.ones(n), 0],
            bounds=Bounds(np.zeros(n + 1), np.r_[np.ones(n), np.inf]),
        )
        assert res.status == 0, res.message
        out[o] = res.fun if orientation == "input" else -res.fun
    return out


def _frame(X: np.ndarray, Y: np.ndarray) -> pd.DataFrame:
    cols = {f"x{j}": X[:, j] for j in range(X.shape[1])} | {
        f"y{j}": Y[:, j] for j in range(Y.shape[1])
    }
    return pd.DataFrame({"organization": [f"u{i}" for i in range(len(X))], **cols})


def _names(X: np.ndarray, Y: np.ndarray) -> tuple[list[str], list[str]]:
    return [f"x{j}" for j in range(X.shape[1])], [f"y{j}" for j in range(Y.shape[1])]


# Hand-computed: one input, one output. d (x=6, y=5) is dominated by b (x=4, y=6):
# theta = 4/6, phi = 6/5. e (x=4, y=6) equals b: both score 1 and are their own peers.
# f (x=5, y=6) has score 1 in neither orientation: b uses less for as much.
SMALL = pd.DataFrame(
    {
        "organization": list("abdef"),
        "x": [2.0, 4.0, 6.0, 4.0, 5.0],
        "y": [3.0, 6.0, 5.0, 6.0, 6.0],
    }
)


def test_hand_computed_input_and_output():
    res = fdh(SMALL, inputs=["x"], outputs=["y"])
    np.testing.assert_allclose(res["efficiency"], [1, 1, 4 / 6, 1, 4 / 5])
    assert res["peers"].tolist() == ["a", "b", "b", "e", "b"]
    assert res["status"].tolist() == ["efficient"] * 2 + ["inefficient", "efficient", "inefficient"]
    out = fdh(SMALL, inputs=["x"], outputs=["y"], orientation="output")
    np.testing.assert_allclose(out["score"], [1, 1, 6 / 5, 1, 1])
    # f: output-radially efficient (nobody with x <= 5 makes more than 6) but dominated by b
    assert out["status"].tolist()[-1] == "weakly_efficient"


@pytest.mark.parametrize("orientation", ["input", "output"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_against_the_mixed_integer_lp(orientation, seed):
    rng = np.random.default_rng(seed)
    X = rng.integers(1, 6, (25, 2)).astype(float)  # integers: ties and equal units happen
    Y = rng.integers(0, 6, (25, 2)).astype(float)
    Y[Y.sum(axis=1) == 0, 0] = 1.0
    inputs, outputs = _names(X, Y)
    res = fdh(_frame(X, Y), inputs=inputs, outputs=outputs, orientation=orientation)
    np.testing.assert_allclose(res["score"], _milp_fdh(X, Y, orientation), rtol=1e-9)


@settings(max_examples=20, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    orientation=st.sampled_from(["input", "output"]),
)
def test_fdh_is_at_least_vrs_and_row_order_is_irrelevant(seed, orientation):
    rng = np.random.default_rng(seed)
    X = rng.uniform(1, 10, (15, 2))
    Y = rng.uniform(1, 10, (15, 2))
    inputs, outputs = _names(X, Y)
    df = _frame(X, Y)
    res = fdh(df, inputs=inputs, outputs=outputs, orientation=orientation)
    # the FDH technology is inside the VRS one: nobody looks worse under FDH
    vrs = dea(df, inputs=inputs, outputs=outputs, rts="vrs", orientation=orientation, slacks=False)
    assert (res["efficiency"].to_numpy() >= vrs.scores["efficiency"].to_numpy() - 1e-9).all()
    order = rng.permutation(len(df))
    shuffled = fdh(df.iloc[order], inputs=inputs, outputs=outputs, orientation=orientation)
    np.testing.assert_allclose(shuffled["efficiency"], res["efficiency"].to_numpy()[order])
    # the peer of each unit is at least as good as it on every variable
    peer = df.set_index("organization").loc[res["peers"]]
    if orientation == "input":
        assert (peer[outputs].to_numpy() >= Y).all()
    else:
        assert (peer[inputs].to_numpy() <= X).all()


def test_blocks_give_the_same_scores(monkeypatch):
    import qualitapa.composite._fdh as fdh_module

    rng = np.random.default_rng(5)
    X, Y = rng.uniform(1, 10, (40, 2)), rng.uniform(1, 10, (40, 1))
    inputs, outputs = _names(X, Y)
    whole = fdh(_frame(X, Y), inputs=inputs, outputs=outputs)
    monkeypatch.setattr(fdh_module, "_CELLS", 100)  # blocks of one or two units
    np.testing.assert_array_equal(
        fdh(_frame(X, Y), inputs=inputs, outputs=outputs)["score"], whole["score"]
    )


def test_bad_data_as_dea():
    with pytest.raises(DataError, match="input must be positive"):
        fdh(SMALL.assign(x=[0.0, 1, 2, 3, 4]), inputs=["x"], outputs=["y"])
    with pytest.raises(DataError, match="once"):
        fdh(pd.concat([SMALL, SMALL.iloc[[0]]]), inputs=["x"], outputs=["y"])
