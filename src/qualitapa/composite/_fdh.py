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

#: Cells (units x reference units) held in memory at a time.
_CELLS = 2_000_000


def _fdh_scores(
    X: np.ndarray, Y: np.ndarray, orientation: Orientation
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Radial FDH score (theta or phi), the peer attaining it, and "dominated by another unit"."""
    n = X.shape[0]
    score = np.empty(n)
    peer = np.empty(n, dtype=np.intp)
    dominated = np.zeros(n, dtype=bool)
    chunk = max(1, _CELLS // (n * max(X.shape[1], Y.shape[1])))
    with np.errstate(divide="ignore", invalid="ignore"):
        for start in range(0, n, chunk):
            rows = np.arange(start, min(n, start + chunk))
            x0, y0 = X[rows, None, :], Y[rows, None, :]
            more_y = (Y[None, :, :] >= y0).all(axis=2)  # (c, n)
            less_x = (X[None, :, :] <= x0).all(axis=2)
            strict = (X[None, :, :] < x0).any(axis=2) | (Y[None, :, :] > y0).any(axis=2)
            dominated[rows] = (more_y & less_x & strict).any(axis=1)
            if orientation is Orientation.INPUT:
                ratio = np.where(more_y, (X[None, :, :] / x0).max(axis=2), np.inf)
                best = ratio.argmin(axis=1)
            else:
                ratio_y = np.where(y0 > 0, Y[None, :, :] / y0, np.inf).min(axis=2)
                ratio = np.where(less_x, ratio_y, -np.inf)
                best = ratio.argmax(axis=1)
            score[rows] = ratio[np.arange(len(rows)), best]
            # a unit on the frontier is its own reference (the first optimum may be a twin)
            own = ratio[np.arange(len(rows)), rows]
            peer[rows] = np.where(np.isclose(own, score[rows], rtol=0, atol=1e-12), rows, best)
    return score, peer, dominated


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
    score, peer, dominated = _fdh_scores(X, Y, orientation)
    efficiency = score if orientation is Orientation.INPUT else 1.0 / score
    on_frontier = efficiency >= 1 - EFFICIENCY_TOL
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
