"""An LP through the HiGHS binding (``_highs.solve``): what ``scipy.optimize.linprog`` gives."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.optimize import linprog

from qualitapa.composite import _highs

pytestmark = pytest.mark.skipif(_highs.core() is None, reason="no HiGHS binding")


def _linprog(c, A_ub, b_ub, A_eq, b_eq, upper, presolve):
    bounds = np.column_stack([np.zeros(len(c)), upper])
    return linprog(
        c, A_ub, b_ub, A_eq, b_eq, bounds=bounds, method="highs", options={"presolve": presolve}
    )


@pytest.mark.parametrize("presolve", [True, False])
def test_random_lps_are_solved_bit_for_bit_as_linprog_solves_them(presolve):
    # small integer LPs: ties, degenerate vertices, infeasible and unbounded ones among them
    rng = np.random.default_rng(7)
    statuses = set()
    for _ in range(150):
        n, n_ub, n_eq = rng.integers(2, 30), rng.integers(1, 8), rng.integers(0, 3)
        A_ub = sp.csc_array(rng.integers(-3, 5, (n_ub, n)).astype(float))
        b_ub = rng.integers(-2, 10, n_ub).astype(float)
        A_eq = sp.csc_array(rng.integers(0, 3, (n_eq, n)).astype(float)) if n_eq else None
        b_eq = np.ones(n_eq) if n_eq else None
        c = rng.normal(size=n)
        upper = np.where(rng.random(n) < 0.2, 0.0, np.where(rng.random(n) < 0.5, 5.0, np.inf))
        want = _linprog(c, A_ub, b_ub, A_eq, b_eq, upper, presolve)
        got = _highs.solve(c, A_ub, b_ub, A_eq, b_eq, upper, presolve=presolve)
        statuses.add(want.status)
        assert got.status == want.status, (want.message, got.message)
        if want.status == 0:
            assert np.array_equal(got.x, want.x)
            assert np.array_equal(got.y_ub, want.ineqlin.marginals)
            assert np.array_equal(got.y_eq, want.eqlin.marginals)
        else:
            assert got.x is None
    assert {0, 2} <= statuses  # both outcomes the DEA code reads were met


def test_infeasible_and_unbounded_have_linprog_statuses():
    one = sp.csc_array(np.ones((1, 1)))
    # x <= -1 with x >= 0: infeasible
    assert _highs.solve(np.ones(1), one, np.array([-1.0])).status == _highs.INFEASIBLE
    # min -x with only -x <= 0: unbounded
    assert _highs.solve(-np.ones(1), -one, np.zeros(1)).status == 3
    # equalities only, and a bound of zero on the first variable
    eq = sp.csc_array(np.ones((1, 2)))
    res = _highs.solve(np.array([-1.0, 1.0]), None, None, eq, np.ones(1), np.array([0.0, 9.0]))
    assert res.status == _highs.OPTIMAL
    np.testing.assert_array_equal(res.x, [0.0, 1.0])
    assert res.y_ub.shape == (0,)
    np.testing.assert_array_equal(res.y_eq, [1.0])
