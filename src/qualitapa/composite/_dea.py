"""Data Envelopment Analysis (DEA): efficiency frontiers for benchmarking.

DEA credits a municipality for what it achieves (outputs: certificates
issued, loans, enrolled children) with what it spends (inputs: staff, cost,
opening hours), against the best practice frontier spanned by the other
municipalities. This module solves the classic radial envelopment models
of Charnes, Cooper & Rhodes (CCR, constant returns to scale) and Banker,
Charnes & Cooper (BCC, variable returns to scale), with increasing and
decreasing returns to scale, input or output orientation, two-phase slacks,
peers, targets and Andersen & Petersen super-efficiency. Every LP is solved
by HiGHS, through its binding (:mod:`qualitapa.composite._highs`: the model
and options :func:`scipy.optimize.linprog` would pass, without its per-column
work afterwards) or ``linprog`` itself.

Speed
-----
One LP per unit against all units costs O(n^2). :func:`dea` solves the
radial LPs *frame first* (:mod:`qualitapa.composite._dea_frame`, after
Dulá's frame algorithms): every unit against the extreme
efficient units only, with one warm-started HiGHS model, each unit's dual
prices checked against all units and the violators added to the frame, so
the scores are those of the full model. Without a HiGHS binding (``highspy``
or SciPy's copy of it) it falls back to the stacked LPs below, which also
serve the slacks, super-efficiency and :func:`radial_scores`:

1. remove units dominated by another single unit (vectorised),
2. screen the rest hierarchically (Barr & Durchholz, 1997): units
   inefficient within a block of candidates are inefficient overall and can
   never be part of the frontier, so they are dropped from the reference
   set;
3. solve every unit against the remaining frontier candidates only,
   stacking many units into one block-diagonal LP per HiGHS call,
4. and *verify* optimality against all units with the LP duals (reduced
   costs of the omitted columns); a unit whose check fails is re-solved
   with the violating units added (column generation), so the scores are
   those of the full model, not an approximation.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import Any

import attrs
import numpy as np
import pandas as pd
import scipy.sparse as sp

from qualitapa.composite import _dea_frame, _highs
from qualitapa.composite._options import choice
from qualitapa.errors import DataError, Message, QualitapaError
from qualitapa.i18n import N_
from qualitapa.io import require_columns, to_numeric_column

#: Scores within this distance of 1 count as "on the frontier".
EFFICIENCY_TOL = 1e-6
#: Slacks (in units of the variable's mean) above this are "positive".
SLACK_TOL = 1e-6
#: Radial scores this close to 1 are 1 (rounding in the LP solve, far below EFFICIENCY_TOL).
_ROUNDING = 1e-12
#: Lambdas above this make a unit a peer.
LAMBDA_TOL = 1e-9
#: Reduced costs below -REDUCED_COST_TOL mean an omitted unit improves the LP.
REDUCED_COST_TOL = 1e-9
#: Size of the blocks of the hierarchical screening.
_BLOCK = 100
#: Target number of LP variables in one stacked (block-diagonal) HiGHS call.
_BATCH_VARS = 8_000
#: Solve the radial LPs frame first with warm-started HiGHS when a binding is importable
#: (tests switch it off to compare with the stacked path).
_FRAME_FIRST = True


class ReturnsToScale(enum.StrEnum):
    """Returns to scale of the DEA technology.

    ``crs`` constant (CCR model), ``vrs`` variable (BCC model), ``irs``
    increasing (non-decreasing: sum of lambdas >= 1), ``drs`` decreasing
    (non-increasing: sum of lambdas <= 1).
    """

    CRS = "crs"
    VRS = "vrs"
    IRS = "irs"
    DRS = "drs"


class Orientation(enum.StrEnum):
    """Radial orientation: shrink inputs (``input``) or expand outputs (``output``)."""

    INPUT = "input"
    OUTPUT = "output"


class DEASolverError(QualitapaError, RuntimeError):
    """The LP solver failed for a reason other than infeasibility."""


# ---------------------------------------------------------------------------
# LP building blocks
# ---------------------------------------------------------------------------


@attrs.frozen
class _Model:
    """Scaled data and options of one DEA run (internal)."""

    X: np.ndarray  # (n, m) inputs, each column divided by its mean
    Y: np.ndarray  # (n, s) outputs, likewise
    rts: ReturnsToScale
    orientation: Orientation

    @property
    def n(self) -> int:
        return int(self.X.shape[0])

    @property
    def m(self) -> int:
        return int(self.X.shape[1])

    @property
    def s(self) -> int:
        return int(self.Y.shape[1])

    def rts_rows(self) -> tuple[int, int]:
        """(extra inequality rows, extra equality rows) of the RTS constraint."""
        if self.rts is ReturnsToScale.VRS:
            return 0, 1
        if self.rts in (ReturnsToScale.IRS, ReturnsToScale.DRS):
            return 1, 0
        return 0, 0

    def rts_ub(self) -> tuple[float, float]:
        """(coefficient of each lambda, right-hand side) of the RTS inequality row."""
        return (-1.0, -1.0) if self.rts is ReturnsToScale.IRS else (1.0, 1.0)

    def lambda_columns(self, idx: np.ndarray, phase: int) -> tuple[np.ndarray, np.ndarray]:
        """Coefficients of the lambda columns of units ``idx`` in (ub rows, eq rows)."""
        X, Y = self.X[idx].T, self.Y[idx].T
        k = len(idx)
        r_ub, r_eq = self.rts_rows()
        ones = np.ones((1, k))
        rts_ub = [self.rts_ub()[0] * ones] if r_ub else []
        rts_eq = [ones] if r_eq else []
        if phase == 1:
            ub = np.vstack([X, -Y, *rts_ub])
            eq = np.vstack(rts_eq) if rts_eq else np.zeros((0, k))
        else:
            ub = np.vstack(rts_ub) if rts_ub else np.zeros((0, k))
            eq = np.vstack([X, Y, *rts_eq])
        return ub, eq


@attrs.frozen
class _Batch:
    """Per-unit parts of a stacked LP: extra columns, costs, right-hand sides."""

    e_ub: np.ndarray  # (K, n_ub, e)
    e_eq: np.ndarray  # (K, n_eq, e)
    c_extra: np.ndarray  # (K, e)
    b_ub: np.ndarray  # (K, n_ub)
    b_eq: np.ndarray  # (K, n_eq)

    def take(self, rows: np.ndarray) -> _Batch:
        return _Batch(
            self.e_ub[rows], self.e_eq[rows], self.c_extra[rows], self.b_ub[rows], self.b_eq[rows]
        )


def _phase1_batch(model: _Model, units: np.ndarray) -> _Batch:
    """Radial LP of ``units``: min theta (input) or max phi (output)."""
    m, s, K = model.m, model.s, len(units)
    r_ub, r_eq = model.rts_rows()
    n_ub = m + s + r_ub
    e_ub = np.zeros((K, n_ub, 1))
    b_ub = np.zeros((K, n_ub))
    x0, y0 = model.X[units], model.Y[units]
    if model.orientation is Orientation.INPUT:
        e_ub[:, :m, 0] = -x0  # X lambda - theta x0 <= 0
        b_ub[:, m : m + s] = -y0  # -Y lambda <= -y0
        c = np.ones((K, 1))
    else:
        e_ub[:, m : m + s, 0] = y0  # -Y lambda + phi y0 <= 0
        b_ub[:, :m] = x0  # X lambda <= x0
        c = -np.ones((K, 1))
    if r_ub:
        b_ub[:, -1] = model.rts_ub()[1]
    b_eq = np.ones((K, r_eq))
    return _Batch(e_ub, np.zeros((K, r_eq, 1)), c, b_ub, b_eq)


def _phase2_batch(
    model: _Model, units: np.ndarray, score: np.ndarray, weights: np.ndarray
) -> _Batch:
    """Max-slack LP of ``units`` with the radial score fixed at ``score``."""
    m, s, K = model.m, model.s, len(units)
    r_ub, r_eq = model.rts_rows()
    n_eq = m + s + r_eq
    e = m + s
    e_eq = np.zeros((K, n_eq, e))
    e_eq[:, np.arange(m), np.arange(m)] = 1.0  # + s_minus
    e_eq[:, m + np.arange(s), m + np.arange(s)] = -1.0  # - s_plus
    x0, y0 = model.X[units], model.Y[units]
    b_eq = np.ones((K, n_eq))
    if model.orientation is Orientation.INPUT:
        # relax the fixed score by a hair so that rounding never makes phase 2 infeasible
        b_eq[:, :m] = (score * (1 + 1e-10))[:, None] * x0
        b_eq[:, m : m + s] = y0
    else:
        b_eq[:, :m] = x0
        b_eq[:, m : m + s] = (score * (1 - 1e-10))[:, None] * y0
    b_ub = np.full((K, r_ub), model.rts_ub()[1])
    c = np.broadcast_to(-weights, (K, e)).copy()
    return _Batch(np.zeros((K, r_ub, e)), e_eq, c, b_ub, b_eq)


def _stack(lam: np.ndarray, extra: np.ndarray) -> sp.coo_array:
    """Block-diagonal matrix: each unit's rows = [common lambda block | own extras]."""
    K, n_rows, e = extra.shape
    r = lam.shape[1]
    width = r + e
    li, lj = np.nonzero(lam)
    lv = lam[li, lj]
    ek, ei, ej = np.nonzero(extra)
    ev = extra[ek, ei, ej]
    off_r = (np.arange(K) * n_rows)[:, None]
    off_c = (np.arange(K) * width)[:, None]
    rows = np.concatenate([(off_r + li).ravel(), ek * n_rows + ei])
    cols = np.concatenate([(off_c + lj).ravel(), ek * width + r + ej])
    vals = np.concatenate([np.tile(lv, K), ev])
    return sp.coo_array((vals, (rows, cols)), shape=(K * n_rows, K * width))


@attrs.define
class _Solution:
    ok: np.ndarray  # (K,) solved
    x: np.ndarray  # (K, r + e)
    y_ub: np.ndarray  # (K, n_ub)
    y_eq: np.ndarray  # (K, n_eq)
    obj: np.ndarray  # (K,)


def _solve_stacked(
    model: _Model,
    ref: np.ndarray,
    units: np.ndarray,
    batch: _Batch,
    phase: int,
    exclude_self: bool,
) -> _Solution:
    """Solve the LPs of ``units`` against reference set ``ref`` in one HiGHS call.

    An infeasible stack is split in halves until the infeasible units are
    isolated (they are reported with ``ok`` False).
    """
    K = len(units)
    lam_ub, lam_eq = model.lambda_columns(ref, phase)
    r, e = len(ref), batch.c_extra.shape[1]
    n_ub, n_eq = lam_ub.shape[0], lam_eq.shape[0]
    c = np.hstack([np.zeros((K, r)), batch.c_extra]).ravel()
    upper = np.full((K, r + e), np.inf)
    if exclude_self:
        pos = {int(u): i for i, u in enumerate(ref)}
        for k, u in enumerate(units):
            if int(u) in pos:
                upper[k, pos[int(u)]] = 0.0
    # presolve finds little to remove in the blocks and costs more than it saves: 2,000
    # units' slacks and super-efficiency 4.2 -> 2.75 s, the stacked radial LPs 6.2 -> 3.1 s
    res = _highs.solve(
        c,
        _stack(lam_ub, batch.e_ub).tocsc() if n_ub else None,
        batch.b_ub.ravel() if n_ub else None,
        _stack(lam_eq, batch.e_eq).tocsc() if n_eq else None,
        batch.b_eq.ravel() if n_eq else None,
        upper.ravel(),
        presolve=False,
    )
    if res.status == _highs.OPTIMAL:
        assert res.x is not None
        assert res.y_ub is not None
        assert res.y_eq is not None
        return _Solution(
            ok=np.ones(K, dtype=bool),
            x=res.x.reshape(K, r + e),
            y_ub=res.y_ub.reshape(K, n_ub),
            y_eq=res.y_eq.reshape(K, n_eq),
            obj=(c.reshape(K, r + e) * res.x.reshape(K, r + e)).sum(axis=1),
        )
    if res.status == _highs.INFEASIBLE:  # infeasible: isolate the culprits
        if K == 1:
            return _Solution(
                ok=np.zeros(1, dtype=bool),
                x=np.full((1, r + e), np.nan),
                y_ub=np.full((1, n_ub), np.nan),
                y_eq=np.full((1, n_eq), np.nan),
                obj=np.full(1, np.nan),
            )
        half = K // 2
        parts = [np.arange(half), np.arange(half, K)]
        sols = [
            _solve_stacked(model, ref, units[p], batch.take(p), phase, exclude_self) for p in parts
        ]
        return _Solution(
            ok=np.concatenate([s.ok for s in sols]),
            x=np.vstack([s.x for s in sols]),
            y_ub=np.vstack([s.y_ub for s in sols]),
            y_eq=np.vstack([s.y_eq for s in sols]),
            obj=np.concatenate([s.obj for s in sols]),
        )
    raise DEASolverError(f"the LP solver failed (HiGHS status {res.status}: {res.message})")


def _reduced_costs(model: _Model, sol: _Solution, candidates: np.ndarray, phase: int) -> np.ndarray:
    """Reduced costs (K, len(candidates)) of the lambda columns of ``candidates``."""
    ub, eq = model.lambda_columns(candidates, phase)
    return -(np.nan_to_num(sol.y_ub) @ ub + np.nan_to_num(sol.y_eq) @ eq)


@attrs.define
class _Verified:
    """Per-unit results of :func:`_solve_verified`."""

    ok: np.ndarray  # (K,)
    obj: np.ndarray  # (K,)
    x: list[np.ndarray]  # the LP variables of each unit: lambdas over refs[k], then extras
    refs: list[np.ndarray]  # the reference set each unit's lambdas refer to


def _solve_verified(
    model: _Model,
    ref: np.ndarray,
    units: np.ndarray,
    batch: _Batch,
    phase: int,
    exclude_self: bool = False,
) -> _Verified:
    """Solve ``units`` against ``ref``, adding omitted units until the duals prove optimality."""
    K = len(units)
    everyone = np.arange(model.n)
    out = _Verified(
        ok=np.zeros(K, dtype=bool),
        obj=np.full(K, np.nan),
        x=[np.zeros(0)] * K,
        refs=[ref] * K,
    )
    pending: list[tuple[np.ndarray, np.ndarray]] = [(np.arange(K), ref)]
    while pending:
        rows, r = pending.pop()
        per = max(1, _BATCH_VARS // (len(r) + batch.c_extra.shape[1]))
        outside = np.setdiff1d(everyone, r, assume_unique=True)
        if not exclude_self:  # a unit dominated by a column of the LP never prices below it
            outside = _dea_frame.undominated(model.X, model.Y, outside, r)
        for start in range(0, len(rows), per):
            chunk = rows[start : start + per]
            sol = _solve_stacked(model, r, units[chunk], batch.take(chunk), phase, exclude_self)
            if len(outside):
                red = _reduced_costs(model, sol, outside, phase)
                if exclude_self:  # a unit's own column is not allowed
                    red[units[chunk][:, None] == outside[None, :]] = 0.0
                red[~sol.ok] = 0.0
                bad = red < -REDUCED_COST_TOL
            else:
                bad = np.zeros((len(chunk), 0), dtype=bool)
            for i, k in enumerate(chunk):
                if bad[i].any():  # column generation: add the improving units
                    pending.append((np.array([k]), np.union1d(r, outside[bad[i]])))
                    continue
                if not sol.ok[i] and len(outside):  # infeasible here: try all units
                    pending.append((np.array([k]), everyone))
                    continue
                out.ok[k] = sol.ok[i]
                out.obj[k] = sol.obj[i]
                out.x[k] = sol.x[i]
                out.refs[k] = r
    return out


def _dominated(X: np.ndarray, Y: np.ndarray, chunk: int = 256) -> np.ndarray:
    """Units weakly dominated by another single unit (and not equal to it)."""
    n = X.shape[0]
    out = np.zeros(n, dtype=bool)
    for start in range(0, n, chunk):
        xj, yj = X[start : start + chunk, None, :], Y[start : start + chunk, None, :]
        le = (X[None, :, :] <= xj).all(axis=2) & (Y[None, :, :] >= yj).all(axis=2)
        lt = (X[None, :, :] < xj).any(axis=2) | (Y[None, :, :] > yj).any(axis=2)
        out[start : start + chunk] = np.any(le & lt, axis=1)
    return out


def _screen(model: _Model) -> np.ndarray:
    """Indices of a superset of the frontier's frame (hierarchical screening)."""
    cand = np.flatnonzero(~_dominated(model.X, model.Y))
    screen = _Model(model.X, model.Y, model.rts, Orientation.INPUT)
    block = _BLOCK
    while True:
        keep: list[np.ndarray] = []
        for start in range(0, len(cand), block):
            blk = cand[start : start + block]
            sol = _solve_stacked(screen, blk, blk, _phase1_batch(screen, blk), 1, False)
            keep.append(blk[~(sol.obj < 1 - EFFICIENCY_TOL)])
        new = np.concatenate(keep)
        if len(cand) <= block:  # the last pass compared all candidates with each other
            return new
        if len(new) > 0.8 * len(cand):
            block *= 2  # little progress: compare in larger blocks
        cand = new


# ---------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------


@attrs.frozen
class DEAResult:
    """Result of :func:`dea`.

    Attributes
    ----------
    scores : pandas.DataFrame
        One row per organization: ``organization``, ``efficiency`` (in
        (0, 1]: theta for input orientation, 1/phi for output orientation),
        ``score`` (the radial LP optimum: theta <= 1 or phi >= 1),
        ``status`` (``efficient``, ``weakly_efficient`` - radially efficient
        but with positive slacks -, ``inefficient``), ``peers`` (the
        reference set, ``;``-separated), ``n_peers``, ``lambda_sum`` and,
        with super-efficiency, ``super_efficiency`` (the Andersen-Petersen
        score, NaN when infeasible) and ``super_status`` (``ok`` or
        ``infeasible``).
    lambdas : pandas.DataFrame
        Long table of the positive intensity weights: ``organization``,
        ``peer``, ``lambda``.
    targets : pandas.DataFrame
        Long table per organization and variable: ``organization``,
        ``variable``, ``role`` (``input``/``output``), ``observed``,
        ``radial`` (the radial movement), ``slack``, ``target`` (the
        projection on the efficient frontier).
    rts, orientation
        The model solved.
    """

    scores: pd.DataFrame
    lambdas: pd.DataFrame
    targets: pd.DataFrame
    rts: ReturnsToScale
    orientation: Orientation

    def peers(self) -> pd.DataFrame:
        """Long table ``organization, peer, lambda`` (alias of :attr:`lambdas`)."""
        return self.lambdas.copy()


#: What is wrong with a cell of a DEA input or output (the ``problem`` of its table).
_CELL_PROBLEMS = {
    "not a number": Message("not a number", N_("non è un numero")),
    "infinite": Message("not a finite number", N_("non è un numero finito")),
    "missing": Message("missing", N_("mancante")),
    "input": Message("input must be positive", N_("l'input deve essere positivo")),
    "output": Message("output must not be negative", N_("l'output non può essere negativo")),
    "zero": Message("all outputs are zero", N_("tutti gli output sono zero")),
}


def _read_matrix(
    data: pd.DataFrame, columns: Sequence[str], role: str, source: str | None
) -> np.ndarray:
    cols = []
    problems = []
    for col in columns:
        values, bad = to_numeric_column(data[col], source=source, column=col)
        missing = np.isnan(values) & ~bad
        infinite = np.isinf(values)
        for i in np.flatnonzero(bad | missing | infinite):
            problems.append(
                {
                    "row": int(i) + 1,
                    "column": col,
                    "value": data[col].iloc[i],
                    "problem": _CELL_PROBLEMS[
                        "not a number" if bad[i] else ("infinite" if infinite[i] else "missing")
                    ],
                }
            )
        cols.append(values)
    if problems:
        first = problems[0]
        english, italian = (
            ("inputs must be finite numbers for every organization ({problem}: {value})",
             N_("gli input devono essere numeri finiti per ogni ente ({problem}: {value})"))
            if role == "input"
            else ("outputs must be finite numbers for every organization ({problem}: {value})",
                  N_("gli output devono essere numeri finiti per ogni ente ({problem}: {value})"))
        )  # fmt: skip
        raise DataError(
            Message(english, italian, problem=first["problem"], value=_shown(first["value"])),
            source=source,
            row=first["row"],
            column=first["column"],
            failure_cases=pd.DataFrame(problems),
        )
    return np.column_stack(cols) if cols else np.zeros((len(data), 0))


def _shown(value: Any) -> str:
    """A cell as a clerk reads it: text in quotes, numbers as numbers (inf, not np.float64)."""
    return repr(value) if isinstance(value, str) else str(value)


def _bad_cells(
    mask: np.ndarray, orgs: np.ndarray, names: Sequence[str], values: np.ndarray, problem: Message
) -> list[dict[str, Any]]:
    """One problem row per True cell of ``mask`` (organizations x variables), row by row."""
    rows, cols = np.nonzero(mask)
    return [
        {
            "organization": orgs[i],
            "variable": names[int(j)],
            "value": values[i, j],
            "problem": problem,
        }
        for i, j in zip(rows, cols, strict=True)
    ]


def _validate(
    X: np.ndarray,
    Y: np.ndarray,
    orgs: np.ndarray,
    inputs: Sequence[str],
    outputs: Sequence[str],
    source: str | None,
) -> None:
    n, m, s = X.shape[0], X.shape[1], Y.shape[1]
    if m == 0 or s == 0:
        raise DataError(
            Message(
                "DEA needs at least one input and one output",
                N_("la DEA richiede almeno un input e un output"),
            ),
            source=source,
        )
    if len(set(inputs) & set(outputs)):
        raise DataError(
            Message(
                "a variable cannot be both input and output: {variables}",
                N_("una variabile non può essere sia input sia output: {variables}"),
                variables=", ".join(sorted(set(inputs) & set(outputs))),
            ),
            source=source,
        )
    if n < 2 or n < m + s:
        raise DataError(
            Message(
                "DEA with {m} input(s) and {s} output(s) needs at least {least} organizations "
                "(ideally 3 x (inputs + outputs) = {ideal}); got {n}",
                N_(
                    "la DEA con {m} input e {s} output richiede almeno {least} enti "
                    "(idealmente 3 x (input + output) = {ideal}); i dati ne hanno {n}"
                ),
                m=m,
                s=s,
                least=max(2, m + s),
                ideal=3 * (m + s),
                n=n,
            ),
            source=source,
        )
    found = [
        _bad_cells(X <= 0, orgs, inputs, X, _CELL_PROBLEMS["input"]),
        _bad_cells(Y < 0, orgs, outputs, Y, _CELL_PROBLEMS["output"]),
        _bad_cells(
            (Y == 0).all(axis=1, keepdims=True),
            orgs,
            [",".join(outputs)],
            np.zeros((len(orgs), 1)),
            _CELL_PROBLEMS["zero"],
        ),
    ]
    problems = [row for cases in found for row in cases]
    if problems:
        first = problems[0]
        raise DataError(
            Message(
                "{problem} ({organization}, {variable}); DEA needs positive inputs and "
                "non-negative outputs with at least one positive output per organization",
                N_(
                    "{problem} ({organization}, {variable}); la DEA richiede input positivi e "
                    "output non negativi, con almeno un output positivo per ente"
                ),
                problem=first["problem"],
                organization=first["organization"],
                variable=first["variable"],
            ),
            source=source,
            failure_cases=pd.DataFrame(problems),
        )
    for j in np.flatnonzero((Y == 0).all(axis=0)):
        raise DataError(
            Message("output is zero for every organization", N_("l'output è zero per ogni ente")),
            source=source,
            column=outputs[int(j)],
        )
    dup = pd.Series(orgs).duplicated(keep=False).to_numpy()
    if dup.any():
        raise DataError(
            Message("each organization must appear once", N_("ogni ente deve comparire una volta")),
            source=source,
            column="organization",
            failure_cases=pd.DataFrame({"organization": orgs[dup]}),
        )


def dea(
    data: pd.DataFrame,
    *,
    inputs: Sequence[str],
    outputs: Sequence[str],
    rts: ReturnsToScale | str = "crs",
    orientation: Orientation | str = "input",
    organization: str = "organization",
    slacks: bool = True,
    super_efficiency: bool = False,
    source: str | None = None,
) -> DEAResult:
    """Data Envelopment Analysis of organizations' inputs and outputs.

    Solves the radial envelopment model of each organization, then (with
    ``slacks``) the second phase that maximises the sum of input and output
    slacks (in the variables' own units) at the optimal radial score, so
    that radially efficient units with slacks are flagged as weakly
    efficient.

    Parameters
    ----------
    data
        One row per organization (e.g. one period of the indicator
        variables), with the ``organization`` column and the input and
        output columns. Not modified.
    inputs, outputs
        Column names of the inputs (resources: staff, cost...) and outputs
        (services delivered).
    rts
        Returns to scale: ``"crs"`` (CCR), ``"vrs"`` (BCC), ``"irs"``,
        ``"drs"``.
    orientation
        ``"input"`` (how much could inputs shrink) or ``"output"`` (how
        much could outputs grow).
    organization
        Column with the organization ids; if absent, the frame's index is
        used.
    slacks
        Compute the two-phase slacks, targets and weak-efficiency flags.
    super_efficiency
        Also compute the Andersen-Petersen super-efficiency score (each
        unit excluded from its own reference set). Units for which the LP
        is infeasible (common with ``vrs``) get NaN and ``super_status``
        ``"infeasible"``.
    source
        Name of the data for error messages.

    Returns
    -------
    DEAResult
        ``scores`` (one row per organization), ``lambdas`` and ``targets``
        (long tables); see :class:`DEAResult`.

    Raises
    ------
    DataError
        Missing or non-numeric values, inputs that are zero or negative,
        negative outputs, an organization whose outputs are all zero, an
        output that is zero everywhere, duplicate organizations, or fewer
        organizations than inputs + outputs. ``failure_cases`` lists them.

    Examples
    --------
    One input, one output: the best ratio output/input sets the CRS
    frontier.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"organization": ["a", "b", "c"],
    ...                    "staff": [2.0, 4.0, 5.0], "certificates": [4.0, 6.0, 9.0]})
    >>> res = dea(df, inputs=["staff"], outputs=["certificates"])
    >>> res.scores[["organization", "efficiency", "status", "peers"]]
      organization  efficiency       status peers
    0            a        1.00    efficient     a
    1            b        0.75  inefficient     a
    2            c        0.90  inefficient     a
    """
    rts = choice(ReturnsToScale, rts, "rts")
    orientation = choice(Orientation, orientation, "orientation")
    inputs, outputs = list(inputs), list(outputs)
    orgs, X_raw, Y_raw = _read(data, inputs, outputs, organization, source)
    sx, sy = X_raw.mean(axis=0), Y_raw.mean(axis=0)
    model = _Model(X_raw / sx, Y_raw / sy, rts, orientation)
    sol1, ref = _phase1(model)
    fit = _fit(model, sol1, ref, np.concatenate([sx, sy]) if slacks else None)
    lambdas, lam_sum = _lambdas(fit, orgs)
    scores = _scores(fit, orgs, lambdas, lam_sum)
    if super_efficiency:
        sup, sup_ok = _super_efficiency(model, ref, fit)
        scores["super_efficiency"] = sup
        scores["super_status"] = np.where(sup_ok, "ok", "infeasible")
    targets = _targets(fit, orgs, inputs, outputs, X_raw, Y_raw, sx, sy)
    return DEAResult(
        scores=scores, lambdas=lambdas, targets=targets, rts=rts, orientation=orientation
    )


def radial_scores(
    X: np.ndarray,
    Y: np.ndarray,
    X_ref: np.ndarray,
    Y_ref: np.ndarray,
    *,
    rts: ReturnsToScale | str = "crs",
    orientation: Orientation | str = "input",
) -> tuple[np.ndarray, np.ndarray]:
    """Radial efficiency of units against the technology spanned by *other* units.

    The building block of the Malmquist index (this year's units against
    last year's frontier) and of the bootstrap (the observed units against
    a resampled frontier). The evaluated units are not part of the
    reference technology, so a score may exceed 1 (the unit lies beyond
    that frontier), and a VRS, IRS or DRS model may be infeasible.

    Parameters
    ----------
    X, Y
        Inputs (k, m) and outputs (k, s) of the units to evaluate.
    X_ref, Y_ref
        Inputs (r, m) and outputs (r, s) of the units spanning the
        technology: positive inputs, non-negative outputs (as :func:`dea`
        checks them).
    rts, orientation
        As in :func:`dea`.

    Returns
    -------
    tuple of numpy.ndarray
        ``efficiency`` (k,): theta for input orientation, 1/phi for output
        orientation, as the ``efficiency`` column of :func:`dea` (NaN where
        the LP is infeasible); ``feasible`` (k,) booleans.

    Examples
    --------
    >>> import numpy as np
    >>> eff, ok = radial_scores(np.array([[2.0]]), np.array([[3.0]]),
    ...                         np.array([[2.0], [4.0]]), np.array([[2.0], [3.0]]))
    >>> float(eff[0]), bool(ok[0])
    (1.5, True)
    """
    rts = choice(ReturnsToScale, rts, "rts")
    orientation = choice(Orientation, orientation, "orientation")
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    X_ref, Y_ref = np.asarray(X_ref, dtype=float), np.asarray(Y_ref, dtype=float)
    sx, sy = X_ref.mean(axis=0), Y_ref.mean(axis=0)
    sy = np.where(sy > 0, sy, 1.0)
    model = _Model(X_ref / sx, Y_ref / sy, rts, orientation)
    k = X.shape[0]
    # the evaluated units only give the right-hand sides: a model of their own makes the batch
    batch = _phase1_batch(_Model(X / sx, Y / sy, rts, orientation), np.arange(k))
    sol = _solve_verified(model, _screen(model), -1 - np.arange(k), batch, 1)
    score = np.where(sol.ok, sol.obj, np.nan)
    if orientation is Orientation.OUTPUT:
        score = 1.0 / -score
    return score, sol.ok.copy()


def _read(
    data: pd.DataFrame,
    inputs: list[str],
    outputs: list[str],
    organization: str,
    source: str | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Organization ids, inputs and outputs of ``data``, checked."""
    require_columns(data, [*inputs, *outputs], source=source)
    if organization in data.columns:
        orgs = data[organization].astype(str).to_numpy()
    else:
        orgs = data.index.astype(str).to_numpy()
    X_raw = _read_matrix(data, inputs, "input", source)
    Y_raw = _read_matrix(data, outputs, "output", source)
    _validate(X_raw, Y_raw, orgs, inputs, outputs, source)
    return orgs, X_raw, Y_raw


@attrs.frozen
class _Fit:
    """Radial scores and slacks of every unit (internal)."""

    model: _Model
    score: np.ndarray  # (n,) theta (input orientation) or phi (output orientation)
    solution: _Verified  # phase 2 when slacks were computed, else phase 1
    slack_x: np.ndarray  # (n, m) in units of each input's mean
    slack_y: np.ndarray  # (n, s)

    @property
    def sign(self) -> float:
        """+1 when the LP minimises the score (input orientation), -1 when it maximises."""
        return 1.0 if self.model.orientation is Orientation.INPUT else -1.0

    @property
    def radially_efficient(self) -> np.ndarray:
        """Units on the frontier by their radial score (they may still have slacks)."""
        if self.model.orientation is Orientation.INPUT:
            return np.asarray(self.score >= 1 - EFFICIENCY_TOL)
        return np.asarray(self.score <= 1 + EFFICIENCY_TOL)

    @property
    def has_slack(self) -> np.ndarray:
        """Units with a positive input or output slack."""
        return np.asarray((self.slack_x > 0).any(axis=1) | (self.slack_y > 0).any(axis=1))

    @property
    def efficient(self) -> np.ndarray:
        """Radially efficient units without slacks."""
        return self.radially_efficient & ~self.has_slack


def _phase1(model: _Model) -> tuple[_Verified, np.ndarray]:
    """Radial LP of every unit, and a reference set holding the frame for later LPs.

    Frame first with warm-started HiGHS solves (:mod:`._dea_frame`) when a
    HiGHS binding is importable, else the screened candidates and stacked
    LPs (:func:`_solve_stacked`).
    """
    if _FRAME_FIRST and _dea_frame.available():
        sol = _dea_frame.radial_against_frame(
            model.X, model.Y, model.rts.value, model.orientation.value
        )
        return _Verified(ok=sol.ok, obj=sol.obj, x=sol.x, refs=sol.refs), sol.frame
    ref = _screen(model)
    everyone = np.arange(model.n)
    return _solve_verified(model, ref, everyone, _phase1_batch(model, everyone), 1), ref


def _fit(model: _Model, sol1: _Verified, ref: np.ndarray, slack_weights: np.ndarray | None) -> _Fit:
    """Phase 1 (radial scores) and, given ``slack_weights``, phase 2 (maximal slacks)."""
    n, m, s = model.n, model.m, model.s
    everyone = np.arange(n)
    if not sol1.ok.all():  # cannot happen for the ordinary model (the unit itself is feasible)
        raise DEASolverError("the radial DEA model is infeasible; please report this data set")
    sign = 1.0 if model.orientation is Orientation.INPUT else -1.0
    score = sign * sol1.obj
    # a frontier unit reached through its neighbours' columns may come out 1 - 1e-15
    score[np.abs(score - 1.0) <= _ROUNDING] = 1.0
    slack_x = np.zeros((n, m))
    slack_y = np.zeros((n, s))
    if slack_weights is None:
        return _Fit(model, score, sol1, slack_x, slack_y)
    # slacks summed in the variables' own units
    sol2 = _solve_verified(
        model, ref, everyone, _phase2_batch(model, everyone, score, slack_weights), 2
    )
    for u in np.flatnonzero(sol2.ok):
        ext = sol2.x[u][len(sol2.refs[u]) :]
        slack_x[u], slack_y[u] = ext[:m], ext[m:]
    slack_x[slack_x <= SLACK_TOL] = 0.0  # solver noise, in units of the mean
    slack_y[slack_y <= SLACK_TOL] = 0.0
    return _Fit(model, score, sol2, slack_x, slack_y)


def _lambdas(fit: _Fit, orgs: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
    """Long table of the positive lambdas, and each unit's sum of lambdas.

    An efficient unit is its own (unique sensible) reference.
    """
    n = len(orgs)
    efficient = fit.efficient
    lam_rows_o: list[np.ndarray] = []
    lam_rows_p: list[np.ndarray] = []
    lam_vals: list[np.ndarray] = []
    lam_sum = np.zeros(n)
    for k in range(n):
        if efficient[k]:
            r, lam = np.array([k]), np.ones(1)
        else:
            r = fit.solution.refs[k]
            lam = fit.solution.x[k][: len(r)]
        pos = lam > LAMBDA_TOL
        lam_rows_o.append(np.full(pos.sum(), k))
        lam_rows_p.append(r[pos])
        lam_vals.append(lam[pos])
        lam_sum[k] = lam.sum()
    lo, lp, lv = np.concatenate(lam_rows_o), np.concatenate(lam_rows_p), np.concatenate(lam_vals)
    order = np.lexsort((lp, lo))
    lambdas = pd.DataFrame(
        {"organization": orgs[lo[order]], "peer": orgs[lp[order]], "lambda": lv[order]}
    )
    return lambdas, lam_sum


def _scores(
    fit: _Fit, orgs: np.ndarray, lambdas: pd.DataFrame, lam_sum: np.ndarray
) -> pd.DataFrame:
    """One row per organization: efficiency, score, status and peers."""
    peers = lambdas.groupby("organization", sort=False)["peer"].agg(";".join)
    n_peers = lambdas.groupby("organization", sort=False)["peer"].size()
    status = np.where(
        fit.radially_efficient,
        np.where(fit.has_slack, "weakly_efficient", "efficient"),
        "inefficient",
    )
    input_oriented = fit.model.orientation is Orientation.INPUT
    return pd.DataFrame(
        {
            "organization": orgs,
            "efficiency": fit.score if input_oriented else 1.0 / fit.score,
            "score": fit.score,
            "status": status,
            "peers": pd.Series(orgs).map(peers).fillna("").to_numpy(),
            "n_peers": pd.Series(orgs).map(n_peers).fillna(0).astype(int).to_numpy(),
            "lambda_sum": lam_sum,
        }
    )


def _super_efficiency(model: _Model, ref: np.ndarray, fit: _Fit) -> tuple[np.ndarray, np.ndarray]:
    """Andersen-Petersen scores (each frontier unit out of its own reference set), feasible."""
    sup = fit.score.copy()
    sup_ok = np.ones(model.n, dtype=bool)
    front = np.flatnonzero(fit.radially_efficient)
    if len(front):
        solS = _solve_verified(model, ref, front, _phase1_batch(model, front), 1, exclude_self=True)
        sup[front] = np.where(solS.ok, fit.sign * solS.obj, np.nan)
        sup_ok[front] = solS.ok
    return sup, sup_ok


def _targets(
    fit: _Fit,
    orgs: np.ndarray,
    inputs: list[str],
    outputs: list[str],
    X_raw: np.ndarray,
    Y_raw: np.ndarray,
    sx: np.ndarray,
    sy: np.ndarray,
) -> pd.DataFrame:
    """Long table per organization and variable: observed, radial move, slack, target."""
    n, m, s = X_raw.shape[0], X_raw.shape[1], Y_raw.shape[1]
    radial_x = np.zeros((n, m))
    radial_y = np.zeros((n, s))
    if fit.model.orientation is Orientation.INPUT:
        radial_x = (fit.score[:, None] - 1.0) * X_raw
    else:
        radial_y = (fit.score[:, None] - 1.0) * Y_raw
    sx_raw, sy_raw = fit.slack_x * sx, fit.slack_y * sy
    observed = np.hstack([X_raw, Y_raw])
    radial = np.hstack([radial_x, radial_y])
    slack_all = np.hstack([-sx_raw, sy_raw])
    return pd.DataFrame(
        {
            "organization": np.repeat(orgs, m + s),
            "variable": np.tile(np.array(inputs + outputs, dtype=object), n),
            "role": np.tile(np.array(["input"] * m + ["output"] * s, dtype=object), n),
            "observed": observed.ravel(),
            "radial": radial.ravel(),
            "slack": np.hstack([sx_raw, sy_raw]).ravel(),
            "target": (observed + radial + slack_all).ravel(),
        }
    )
