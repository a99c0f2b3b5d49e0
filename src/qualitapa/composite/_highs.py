"""The HiGHS solver binding, and one LP solved through it as ``linprog`` would.

:func:`scipy.optimize.linprog` with ``method="highs"`` spends Python time on
every column of an LP after HiGHS has solved it (the bounds' multipliers,
one column at a time, which DEA never reads): a stacked LP of 8,000 columns
spends about as long there as in the solver. :func:`solve` passes the same
model with the same options to the binding directly and reads back only the
columns' values and the rows' duals, so the solutions are those ``linprog``
gives. Without a binding (SciPy before 1.15 and no ``highspy``) it calls
``linprog``.
"""

from __future__ import annotations

import functools
import importlib
from types import ModuleType

import attrs
import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog

#: ``scipy.optimize.linprog``'s statuses used here: solved, infeasible.
OPTIMAL, INFEASIBLE = 0, 2
#: HiGHS's ``simplex_strategy`` option for the dual simplex (kSimplexStrategyDual), linprog's.
_DUAL_SIMPLEX = 1


@functools.cache
def core() -> ModuleType | None:
    """The pybind11 HiGHS module: ``highspy``'s, else the copy inside SciPy, else None."""
    for name in ("highspy._core", "scipy.optimize._highspy._core"):
        try:
            found = importlib.import_module(name)
        except ImportError:
            continue
        if hasattr(found, "_Highs"):
            return found
    return None  # pragma: no cover - SciPy < 1.15 without highspy


@attrs.frozen
class LPSolution:
    """What the DEA code reads of a solved LP (internal).

    ``status`` is ``linprog``'s (0 solved, 2 infeasible, other values a failure
    described by ``message``); ``x``, ``y_ub`` and ``y_eq`` (the duals of the
    inequality and equality rows, ``linprog``'s ``marginals``) are None unless
    solved.
    """

    status: int
    message: str
    x: np.ndarray | None
    y_ub: np.ndarray | None
    y_eq: np.ndarray | None


def solve(
    c: np.ndarray,
    A_ub: sp.csc_array | None,
    b_ub: np.ndarray | None,
    A_eq: sp.csc_array | None = None,
    b_eq: np.ndarray | None = None,
    upper: np.ndarray | None = None,
    *,
    presolve: bool = True,
) -> LPSolution:
    """Minimise ``c @ x`` with ``A_ub @ x <= b_ub``, ``A_eq @ x == b_eq``, ``0 <= x <= upper``.

    The result of ``linprog(c, A_ub, b_ub, A_eq, b_eq, bounds=(0, upper),
    method="highs", options={"presolve": presolve})``: the same model and the
    same HiGHS options (dual simplex), without ``linprog``'s work on each
    column afterwards.
    """
    n = len(c)
    upper = np.full(n, np.inf) if upper is None else np.asarray(upper, dtype=float)
    h = core()
    if h is None:  # pragma: no cover - SciPy < 1.15 without highspy
        return _with_linprog(c, A_ub, b_ub, A_eq, b_eq, upper, presolve)
    blocks = [A for A in (A_ub, A_eq) if A is not None]
    A = sp.csc_array(sp.vstack(blocks, format="csc") if len(blocks) > 1 else blocks[0])
    n_ub = 0 if b_ub is None else len(b_ub)
    b_ub = np.zeros(0) if b_ub is None else np.asarray(b_ub, dtype=float)
    b_eq = np.zeros(0) if b_eq is None else np.asarray(b_eq, dtype=float)
    inf = h.kHighsInf
    lp = h.HighsLp()
    lp.num_col_, lp.num_row_ = n, A.shape[0]
    lp.col_cost_ = np.asarray(c, dtype=float)
    lp.col_lower_, lp.col_upper_ = np.zeros(n), np.where(np.isinf(upper), inf, upper)
    lp.row_lower_ = np.r_[np.full(n_ub, -inf), b_eq]
    lp.row_upper_ = np.r_[b_ub, b_eq]
    lp.a_matrix_.format_ = h.MatrixFormat.kColwise
    lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = A.indptr, A.indices, A.data
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = n, A.shape[0]
    highs = h._Highs()
    # linprog's options for method="highs" (scipy.optimize._linprog_highs)
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("log_to_console", False)
    highs.setOptionValue("presolve", "on" if presolve else "off")
    highs.setOptionValue("simplex_strategy", _DUAL_SIMPLEX)
    highs.passModel(lp)
    highs.run()
    status = highs.getModelStatus()
    message = highs.modelStatusToString(status)
    if status == h.HighsModelStatus.kOptimal:
        solution = highs.getSolution()
        dual = np.asarray(solution.row_dual)
        return LPSolution(
            OPTIMAL, message, np.asarray(solution.col_value), dual[:n_ub], dual[n_ub:]
        )
    return LPSolution(_linprog_status(h, status), message, None, None, None)


def _linprog_status(h: ModuleType, status: object) -> int:
    """``linprog``'s status for a HiGHS model status that is not optimal (as SciPy maps it)."""
    statuses = h.HighsModelStatus
    if status in (statuses.kInfeasible, statuses.kModelError):
        return INFEASIBLE
    if status == statuses.kUnbounded:
        return 3
    if status in (statuses.kTimeLimit, statuses.kIterationLimit):
        return 1
    return 4


def _with_linprog(
    c: np.ndarray,
    A_ub: sp.csc_array | None,
    b_ub: np.ndarray | None,
    A_eq: sp.csc_array | None,
    b_eq: np.ndarray | None,
    upper: np.ndarray,
    presolve: bool,
) -> LPSolution:  # pragma: no cover - SciPy < 1.15 without highspy
    bounds = np.column_stack([np.zeros(len(c)), upper])
    res = linprog(
        c, A_ub, b_ub, A_eq, b_eq, bounds=bounds, method="highs", options={"presolve": presolve}
    )
    if res.status != OPTIMAL:
        return LPSolution(int(res.status), str(res.message), None, None, None)
    return LPSolution(OPTIMAL, str(res.message), res.x, res.ineqlin.marginals, res.eqlin.marginals)
