"""Frame-first radial DEA for many units: score every unit against the frame only.

The radial score of a unit depends only on the *frame*, the extreme
efficient units that span the frontier: every other unit can be left out
of the reference set (Dulá, 2002, "Computations in DEA", Pesquisa
Operacional 22(2), doi:10.1590/S0101-74382002000200005, on frames and on
reduced-size LPs; Dulá's later "build hull" algorithm, INFORMS Journal on
Computing, 2011, grows the frame with small LPs; Khezrimotlagh, Zhu, Cook
& Toloo, 2019, find the best practices of a subsample first and then the
units exterior to their hull, as DataEnvelopmentAnalysis.jl's
``deabigdata`` does). With 3 inputs and 2 outputs, 30,000
municipalities have a frame of some hundred units, so each unit's LP has a
few hundred columns, not 30,000.

:func:`radial_against_frame`

1. seeds the frame with units that maximise a random positive weighting of
   outputs against inputs (the ratio for constant returns to scale, the
   difference otherwise): such a unit is on the frontier;
2. solves every unit's envelopment LP against the frame with one HiGHS
   model whose unit-specific coefficients and bounds are changed between
   solves, so each solve starts from the previous optimal basis (a warm
   start);
3. checks each unit's optimal dual prices against every unit that may
   violate them, by one matrix product: the LP against the frame is the LP
   against all units iff no omitted unit has a negative reduced cost. A
   unit dominated by a frame unit cannot have a lower reduced cost than its
   dominator (the duals weigh inputs and outputs with opposite signs), so
   only the units not dominated by the frame are checked;
4. adds the most violating unit of each failed check to the frame (the
   column that enters, as in column generation) and
   re-solves the failed units only, until every check passes.

The scores are those of the full model, not an approximation. The solver
is the HiGHS binding of the ``highspy`` package when it is installed, else
the same binding shipped inside SciPy; without either, :func:`available`
is False and :mod:`qualitapa.composite._dea` stacks the LPs for
:func:`scipy.optimize.linprog` instead.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import attrs
import numpy as np
import scipy.sparse as sp

from qualitapa.composite import _highs

#: Reduced costs below minus this mean an omitted unit improves the LP.
REDUCED_COST_TOL = 1e-9
#: Random weightings of outputs against inputs that seed the frame.
_SEED_DIRECTIONS = 64
#: Units solved between two updates of the frame: first, and at most (doubling on success).
_FIRST_CHUNK = 128
_LAST_CHUNK = 4_096
#: Units checked against the candidate columns at once (memory: this x candidates).
_CHECK_BLOCK = 512


def available() -> bool:
    """True when a HiGHS binding for warm-started solves can be imported."""
    return _highs.core() is not None


@attrs.frozen
class FrameSolution:
    """Radial LPs of every unit against the frame (internal).

    ``obj`` is the LP objective (theta for input orientation, minus phi for
    output orientation), ``ok`` False where the LP is infeasible.
    """

    frame: np.ndarray  # (f,) unit indices: the final frame
    obj: np.ndarray  # (n,)
    ok: np.ndarray  # (n,)
    refs: list[np.ndarray]  # each unit's peers (units with a positive lambda)
    x: list[np.ndarray]  # each unit's lambdas over its peers, then the radial variable
    solves: int  # LPs solved (a unit whose check failed is solved again)


def _rts_row(rts: str) -> tuple[float, float] | None:
    """Bounds of the sum of lambdas, or None for constant returns to scale."""
    return {"vrs": (1.0, 1.0), "irs": (1.0, np.inf), "drs": (-np.inf, 1.0)}.get(rts)


def _seeds(X: np.ndarray, Y: np.ndarray, rts: str, rng: np.random.Generator) -> np.ndarray:
    """Units maximising random positive weightings (ratio and/or difference): frontier units."""
    m, s = X.shape[1], Y.shape[1]
    U = rng.gamma(0.5, size=(s, _SEED_DIRECTIONS)) + 1e-3
    V = rng.gamma(0.5, size=(m, _SEED_DIRECTIONS)) + 1e-3
    out, inp = Y @ U, X @ V
    found = []
    if rts != "vrs":
        found.append(np.argmax(out / inp, axis=0))
    if rts != "crs":
        found.append(np.argmax(out - inp, axis=0))
        found.append(np.argmax(Y, axis=0))
        found.append(np.argmin(X, axis=0))
    return np.unique(np.concatenate(found))


class _FrameLP:
    """One HiGHS model of the radial LP against a frame, re-targeted unit by unit."""

    def __init__(self, core: ModuleType, XF: np.ndarray, YF: np.ndarray, rts: str, out: bool):
        self.core, self.out = core, out
        self.m, self.s, self.f = XF.shape[1], YF.shape[1], XF.shape[0]
        m, s, f = self.m, self.s, self.f
        inf = core.kHighsInf
        bounds = _rts_row(rts)
        n_row = m + s + (bounds is not None)
        A = np.zeros((n_row, f + 1))
        A[:m, :f], A[m : m + s, :f] = XF.T, YF.T
        if bounds is not None:
            A[-1, :f] = 1.0
        lower = np.r_[np.full(m, -inf), np.zeros(s)]
        upper = np.r_[np.zeros(m), np.full(s, inf)]
        if bounds is not None:
            lower = np.r_[lower, max(bounds[0], -inf)]
            upper = np.r_[upper, min(bounds[1], inf)]
        cost = np.zeros(f + 1)
        cost[f] = -1.0 if out else 1.0
        lp = core.HighsLp()
        lp.num_col_, lp.num_row_ = f + 1, n_row
        lp.col_cost_, lp.col_lower_, lp.col_upper_ = cost, np.zeros(f + 1), np.full(f + 1, inf)
        lp.row_lower_, lp.row_upper_ = lower, upper
        Ac = sp.csc_array(A)
        lp.a_matrix_.format_ = core.MatrixFormat.kColwise
        lp.a_matrix_.start_, lp.a_matrix_.index_ = Ac.indptr, Ac.indices
        lp.a_matrix_.value_ = Ac.data
        lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = f + 1, n_row
        h = core._Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("presolve", "off")  # presolve would discard the warm start
        h.passModel(lp)
        self.h, self.n_row = h, n_row

    def solve(self, x0: np.ndarray, y0: np.ndarray) -> tuple[bool, float, Any, Any]:
        """(feasible, objective, column values, row duals) of the LP of unit (x0, y0)."""
        h, m, s, f, inf = self.h, self.m, self.s, self.f, self.core.kHighsInf
        if self.out:  # sum lambda x <= x0, sum lambda y - phi y0 >= 0
            for i in range(m):
                h.changeRowBounds(i, -inf, float(x0[i]))
            for k in range(s):
                h.changeCoeff(m + k, f, -float(y0[k]))
        else:  # sum lambda x - theta x0 <= 0, sum lambda y >= y0
            for i in range(m):
                h.changeCoeff(i, f, -float(x0[i]))
            for k in range(s):
                h.changeRowBounds(m + k, float(y0[k]), inf)
        h.run()
        status = h.getModelStatus()
        if status == self.core.HighsModelStatus.kOptimal:
            sol = h.getSolution()
            col = sol.col_value
            return True, -col[f] if self.out else col[f], col, sol.row_dual
        if status in (
            self.core.HighsModelStatus.kInfeasible,
            self.core.HighsModelStatus.kUnboundedOrInfeasible,
        ):
            return False, np.nan, None, None
        raise RuntimeError(f"HiGHS status {h.modelStatusToString(status)}")


def _solve_units(
    lp: _FrameLP, X: np.ndarray, Y: np.ndarray, units: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(ok, objective, column values, row duals) of ``units`` against the model's frame."""
    k = len(units)
    ok = np.zeros(k, dtype=bool)
    obj = np.full(k, np.nan)
    cols = np.full((k, lp.f + 1), np.nan)
    duals = np.zeros((k, lp.n_row))
    for i, u in enumerate(units):
        good, value, col, dual = lp.solve(X[u], Y[u])
        if good:
            ok[i], obj[i], cols[i], duals[i] = True, value, col, dual
    return ok, obj, cols, duals


def undominated(X: np.ndarray, Y: np.ndarray, cand: np.ndarray, by: np.ndarray) -> np.ndarray:
    """The units of ``cand`` that no unit of ``by`` weakly dominates."""
    keep = np.ones(len(cand), dtype=bool)
    xc, yc = X[cand], Y[cand]
    for start in range(0, len(by), 64):
        b = by[start : start + 64]
        le = (X[b][:, None, :] <= xc[None]).all(axis=2) & (Y[b][:, None, :] >= yc[None]).all(axis=2)
        keep &= ~le.any(axis=0)
    return cand[keep]


def _worst_columns(duals: np.ndarray, Z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lowest reduced cost of each unit's duals over the columns ``Z`` (rows x c), and where."""
    k = duals.shape[0]
    low = np.zeros(k)
    where = np.zeros(k, dtype=int)
    if Z.shape[1] == 0:
        return low, where
    for start in range(0, k, _CHECK_BLOCK):
        red = -(duals[start : start + _CHECK_BLOCK] @ Z)
        at = np.argmin(red, axis=1)
        where[start : start + _CHECK_BLOCK] = at
        low[start : start + _CHECK_BLOCK] = red[np.arange(red.shape[0]), at]
    return low, where


def _check(duals: np.ndarray, Z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_worst_columns` of every unit, computed once per facet.

    Units on one facet of the frontier have proportional duals. Each
    distinct direction (rounded) is checked once, with one of its units'
    own duals; another unit's lowest reduced cost is at least its scale
    times (the representative's minus its distance to it times the largest
    column norm). Units for which that bound does not prove the check are
    checked with their own duals.
    """
    k = duals.shape[0]
    if Z.shape[1] == 0 or k == 0:
        return np.zeros(k), np.zeros(k, dtype=int)
    scale = np.abs(duals).sum(axis=1)
    scale[scale == 0] = 1.0
    W = duals / scale[:, None]
    _, first, inverse = np.unique(np.round(W, 9), axis=0, return_index=True, return_inverse=True)
    inverse = inverse.ravel()
    rep_low, rep_where = _worst_columns(W[first], Z)
    gap = np.abs(W - W[first][inverse]).max(axis=1) * np.abs(Z).sum(axis=0).max()
    low = scale * (rep_low[inverse] - gap)
    where = rep_where[inverse]
    unsure = np.flatnonzero(low < -REDUCED_COST_TOL)
    low[unsure], where[unsure] = _worst_columns(duals[unsure], Z)
    return low, where


def _by_facet(
    X: np.ndarray, Y: np.ndarray, units: np.ndarray, duals: np.ndarray, out: bool
) -> np.ndarray:
    """``units`` grouped by the facet (among ``duals``) likely optimal for each: warm starts.

    A unit's radial score against facet ``w`` (the duals of a solved unit:
    ``w . z <= 0`` for every unit ``z = (x, y, 1)``) is ``1 + w . z / (v . x)``
    for input orientation (``v`` the input part of ``-w``) and ``1 - w . z / (u . y)``
    for output orientation; the optimal facet is the one with the largest
    (smallest) score. Only the order of the solves depends on it.
    """
    m, s = X.shape[1], Y.shape[1]
    scale = np.abs(duals).sum(axis=1, keepdims=True)
    W = np.unique(np.round(duals / np.where(scale > 0, scale, 1.0), 6), axis=0)
    Z = np.hstack([X[units], Y[units], np.ones((len(units), W.shape[1] - m - s))])
    best = np.empty(len(units), dtype=int)
    for start in range(0, len(units), _CHECK_BLOCK):
        z = Z[start : start + _CHECK_BLOCK]
        part = slice(m, m + s) if out else slice(0, m)  # u . y, or v . x (v = -w)
        denom = (z[:, part] @ W[:, part].T) * (1.0 if out else -1.0)
        best[start : start + _CHECK_BLOCK] = np.argmax(
            (z @ W.T) / np.maximum(denom, 1e-300), axis=1
        )
    return units[np.argsort(best, kind="stable")]


def radial_against_frame(
    X: np.ndarray, Y: np.ndarray, rts: str, orientation: str, seed: int = 0
) -> FrameSolution:
    """Radial LP of every unit of (X, Y) against the technology of all units, frame first.

    ``X`` (n, m) and ``Y`` (n, s) are scaled inputs and outputs; ``rts`` one
    of ``crs``, ``vrs``, ``irs``, ``drs``; ``orientation`` ``input`` or
    ``output``. The random seed only changes the order in which the frame
    is found, not the scores.
    """
    core = _highs.core()
    if core is None:  # pragma: no cover - guarded by available()
        raise RuntimeError("no HiGHS binding: check available() first")
    n = X.shape[0]
    out = orientation == "output"
    rng = np.random.default_rng(seed)
    frame = _seeds(X, Y, rts, rng)
    cand = undominated(X, Y, np.setdiff1d(np.arange(n), frame), frame)
    rts_col = np.ones((1, n)) if _rts_row(rts) is not None else np.zeros((0, n))
    Z_all = np.vstack([X.T, Y.T, rts_col])
    obj, ok = np.full(n, np.nan), np.zeros(n, dtype=bool)
    refs: list[np.ndarray] = [np.zeros(0, dtype=int)] * n
    x: list[np.ndarray] = [np.full(1, np.nan)] * n
    # units in random order, so the first chunks find most of the frame
    queue, head, size, solves = rng.permutation(n), 0, _FIRST_CHUNK, 0
    lp = None
    while head < len(queue):
        chunk = queue[head : head + size]
        head += len(chunk)
        solves += len(chunk)
        if lp is None:
            lp = _FrameLP(core, X[frame], Y[frame], rts, out)
        good, value, cols, duals = _solve_units(lp, X, Y, chunk)
        low, where = np.zeros(len(chunk)), np.zeros(len(chunk), dtype=int)
        low[good], where[good] = _check(duals[good], Z_all[:, cand])
        bad = good & (low < -REDUCED_COST_TOL)
        done = good & ~bad
        obj[chunk[done]], ok[chunk[done]] = value[done], True
        for i in np.flatnonzero(done):
            lam = cols[i, :-1]
            peer = lam > 0
            refs[chunk[i]] = frame[peer]
            x[chunk[i]] = np.append(lam[peer], cols[i, -1])
        if done.all():
            if size < _LAST_CHUNK <= 2 * size:  # the frame looks complete: sort the rest
                queue[head:] = _by_facet(X, Y, queue[head:], duals[done], out)
            size = min(2 * size, _LAST_CHUNK)
            continue
        added = np.setdiff1d(np.concatenate([cand[where[bad]], chunk[~good]]), frame)
        if not len(added):  # pragma: no cover - infeasible although in the frame
            break
        queue = np.concatenate([queue, chunk[~done]])  # solved again with the new columns
        frame = np.union1d(frame, added)
        cand = undominated(X, Y, np.setdiff1d(cand, added), added)
        lp = None
    return FrameSolution(frame=frame, obj=obj, ok=ok, refs=refs, x=x, solves=solves)
