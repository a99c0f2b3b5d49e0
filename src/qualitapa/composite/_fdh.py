"""Free Disposal Hull (FDH): a frontier without convexity, by enumeration.

Deprins, Simar & Tulkens (1984) compare each organization with the
observed organizations only, not with mixtures of them: the technology is
the set of points dominated by some observed unit. DEA with variable
returns to scale and binary intensity weights; no LP is needed, since the
optimum is attained at a single dominating unit j:

* input orientation: theta_i = min over j with y_j >= y_i of max_k x_jk / x_ik;
* output orientation: phi_i = max over j with x_j <= x_i of min_r y_jr / y_ir
  (outputs that are zero for unit i do not bind).

Every organization is evaluated against every other one in vectorised
blocks (numpy), O(n^2 (m + s)) operations.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from qualitapa.composite._dea import (
    EFFICIENCY_TOL,
    Orientation,
    _read,
)
from qualitapa.composite._options import choice

#: Cells (units x reference units) of one block of the enumeration.
_CELLS = 4_000_000


def _all_columns(A: np.ndarray, a0: np.ndarray, better: str) -> np.ndarray:
    """(c, n): unit j is at least as good as each unit of the block on every column.

    ``better`` is ``"le"`` (inputs: smaller is better) or ``"ge"`` (outputs);
    a loop over the few variables keeps every array two-dimensional.
    """
    out = np.ones((a0.shape[0], A.shape[0]), dtype=bool)
    for k in range(A.shape[1]):
        col, own = A[None, :, k], a0[:, None, k]
        out &= (col <= own) if better == "le" else (col >= own)
    return out


def _fdh_scores(
    X: np.ndarray, Y: np.ndarray, orientation: Orientation
) -> tuple[np.ndarray, np.ndarray]:
    """Radial FDH score (theta or phi) of each unit and the peer attaining it."""
    n = X.shape[0]
    score = np.empty(n)
    peer = np.empty(n, dtype=np.intp)
    chunk = max(1, _CELLS // n)
    with np.errstate(divide="ignore", invalid="ignore"):
        for start in range(0, n, chunk):
            rows = np.arange(start, min(n, start + chunk))
            at = np.arange(len(rows))
            if orientation is Orientation.INPUT:
                ratio = X[None, :, 0] / X[rows, None, 0]
                for k in range(1, X.shape[1]):
                    np.maximum(ratio, X[None, :, k] / X[rows, None, k], out=ratio)
                ratio[~_all_columns(Y, Y[rows], "ge")] = np.inf
                best = ratio.argmin(axis=1)
            else:
                ratio = np.full((len(rows), n), np.inf)
                for r in range(Y.shape[1]):
                    y0 = Y[rows, None, r]
                    # an output the unit does not produce does not bind
                    np.minimum(ratio, np.where(y0 > 0, Y[None, :, r] / y0, np.inf), out=ratio)
                ratio[~_all_columns(X, X[rows], "le")] = -np.inf
                best = ratio.argmax(axis=1)
            score[rows] = ratio[at, best]
            # a unit on the frontier is its own reference (the first optimum may be a twin)
            own = ratio[at, rows]
            peer[rows] = np.where(np.isclose(own, score[rows], rtol=0, atol=1e-12), rows, best)
    return score, peer


def _dominated(X: np.ndarray, Y: np.ndarray, units: np.ndarray) -> np.ndarray:
    """Whether each of ``units`` is dominated by another unit (better on one variable at least)."""
    weak = _all_columns(X, X[units], "le") & _all_columns(Y, Y[units], "ge")
    equal = _all_columns(X, X[units], "ge") & _all_columns(Y, Y[units], "le") & weak
    return np.asarray((weak & ~equal).any(axis=1))


def fdh(
    data: pd.DataFrame,
    *,
    inputs: Sequence[str],
    outputs: Sequence[str],
    orientation: Orientation | str = "input",
    organization: str = "organization",
    source: str | None = None,
) -> pd.DataFrame:
    """Free Disposal Hull efficiency of organizations' inputs and outputs.

    Parameters
    ----------
    data
        One row per organization, with the ``organization`` column and the
        input and output columns. Not modified.
    inputs, outputs
        Column names of the inputs and outputs.
    orientation
        ``"input"`` (how much could inputs shrink) or ``"output"`` (how
        much could outputs grow).
    organization
        Column with the organization ids; if absent, the frame's index is
        used.
    source
        Name of the data for error messages.

    Returns
    -------
    pandas.DataFrame
        One row per organization, as the ``scores`` of
        :func:`~qualitapa.composite.dea`: ``organization``, ``efficiency``
        (theta, or 1/phi, in (0, 1]), ``score`` (theta <= 1 or phi >= 1),
        ``status`` (``efficient``; ``weakly_efficient``: score 1 but
        dominated by another organization; ``inefficient``), ``peers`` (the
        one organization it is compared with) and ``n_peers`` (1).

    Raises
    ------
    DataError
        As :func:`~qualitapa.composite.dea`: missing or non-numeric values,
        non-positive inputs, negative outputs, an organization twice...

    Examples
    --------
    ``c`` needs 5 staff for 9 certificates where ``b`` issues more with 4:
    its FDH efficiency is 4/5; the convex DEA frontier would also credit
    mixtures of ``a`` and ``b``.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"organization": ["a", "b", "c"],
    ...                    "staff": [2.0, 4.0, 5.0], "certificates": [4.0, 10.0, 9.0]})
    >>> fdh(df, inputs=["staff"], outputs=["certificates"])[["organization", "efficiency", "peers"]]
      organization  efficiency peers
    0            a         1.0     a
    1            b         1.0     b
    2            c         0.8     b
    """
    orientation = choice(Orientation, orientation, "orientation")
    orgs, X, Y = _read(data, list(inputs), list(outputs), organization, source)
    score, peer = _fdh_scores(X, Y, orientation)
    efficiency = score if orientation is Orientation.INPUT else 1.0 / score
    on_frontier = efficiency >= 1 - EFFICIENCY_TOL
    dominated = np.zeros(len(orgs), dtype=bool)  # only the frontier's units can be "weakly" so
    dominated[on_frontier] = _dominated(X, Y, np.flatnonzero(on_frontier))
    return pd.DataFrame(
        {
            "organization": orgs,
            "efficiency": efficiency,
            "score": score,
            "status": np.where(
                on_frontier, np.where(dominated, "weakly_efficient", "efficient"), "inefficient"
            ),
            "peers": orgs[peer],
            "n_peers": np.ones(len(orgs), dtype=int),
        }
    )
