"""Independent references shared by the composite / DEA tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import pytest
from scipy.optimize import linprog

if TYPE_CHECKING:
    from qualitapa.composite import CompositeDefinition


def multiplier_scores(
    X: np.ndarray, Y: np.ndarray, rts: str = "crs", orientation: str = "input"
) -> np.ndarray:
    """DEA radial scores from the *multiplier* (weights) form, one ``linprog`` per unit.

    The library solves the envelopment form; by LP duality the optimum of the
    multiplier form is the same score, so this is an independent check.

    Input orientation (Charnes, Cooper & Rhodes; Banker, Charnes & Cooper with
    ``u0``): maximise ``u.y_o - u0`` subject to ``v.x_o = 1`` and
    ``u.y_j - v.x_j - u0 <= 0`` for every unit j, ``u, v >= 0``; ``u0 = 0``
    for CRS, free for VRS. Returns theta (<= 1).

    Output orientation: minimise ``v.x_o + v0`` subject to ``u.y_o = 1`` and
    ``v.x_j + v0 - u.y_j >= 0``; ``v0 = 0`` for CRS, free for VRS. Returns
    phi (>= 1).
    """
    n, m = X.shape
    s = Y.shape[1]
    free = rts == "vrs"
    out = np.empty(n)
    for o in range(n):
        # variables: u (s), v (m), and the free intercept (1)
        if orientation == "input":
            c = -np.r_[Y[o], np.zeros(m), -1.0]  # maximise u.y_o - u0
            A_ub = np.hstack([Y, -X, -np.ones((n, 1))])  # u.y_j - v.x_j - u0 <= 0
            A_eq = np.r_[np.zeros(s), X[o], 0.0][None, :]  # v.x_o = 1
        else:
            c = np.r_[np.zeros(s), X[o], 1.0]  # minimise v.x_o + v0
            A_ub = np.hstack([Y, -X, -np.ones((n, 1))])  # u.y_j - v.x_j - v0 <= 0
            A_eq = np.r_[Y[o], np.zeros(m), 0.0][None, :]  # u.y_o = 1
        bounds = [(0, None)] * (s + m) + [(None, None) if free else (0, 0)]
        res = linprog(
            c, A_ub=A_ub, b_ub=np.zeros(n), A_eq=A_eq, b_eq=[1.0], bounds=bounds, method="highs"
        )
        if res.status != 0:  # pragma: no cover - the multiplier LP is always feasible
            raise RuntimeError(res.message)
        out[o] = -res.fun if orientation == "input" else res.fun
    return out


@pytest.fixture
def dea_multiplier() -> Callable[..., np.ndarray]:
    """The multiplier-form reference (see :func:`multiplier_scores`)."""
    return multiplier_scores


def _tree_definition(**extra: object) -> CompositeDefinition:
    from qualitapa.composite import CompositeDefinition

    return CompositeDefinition.from_mapping(
        {
            "id": "idx",
            "label": "Indice",
            "components": [
                {"id": "d1", "components": [
                    {"indicator": "a", "polarity": "higher_is_better"},
                    {"indicator": "b", "polarity": "higher_is_better"}]},
                {"indicator": "c", "polarity": "lower_is_better"},
            ],
            **extra,
        }
    )  # fmt: skip


@pytest.fixture
def tree_definition() -> Callable[..., CompositeDefinition]:
    """A two-level composite ``idx``: sub-index ``d1`` (a, b) and ``c`` (lower is better).

    Call it with fields to add (``imputation="mean"``...).
    """
    return _tree_definition
