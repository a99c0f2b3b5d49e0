"""Bootstrap DEA: bias-corrected efficiency scores and confidence intervals.

A DEA frontier is estimated from the observed organizations, so it lies
inside the true one and every score is biased upwards (most of all with
few organizations or many variables). Simar & Wilson (1998) estimate the
bias and the sampling spread with a smoothed bootstrap of the efficiency
distribution, in the distance-function form ``delta >= 1`` (Shephard's
input distance 1/theta, or Farrell's output phi) as FEAR's ``boot.sw98``
and R ``Benchmarking::dea.boot`` do:

1. delta_i from the DEA of the data; the bandwidth h by Silverman's rule
   on the inefficient deltas reflected around 1, adjusted for the sample
   size and the spread of all deltas (Daraio & Simar 2007, eq. 3.26);
2. for each replicate, draw beta_i from the reflected set
   {delta_i, 2 - delta_i}, smooth: delta*_i = mean(beta) + (beta_i + h e_i
   - mean(beta)) / sqrt(1 + h^2 / var), e ~ N(0, 1), var the variance of
   the reflected set, and reflect again (delta* < 1 becomes 2 - delta*);
3. pseudo-data: each organization projected on the estimated frontier and
   pushed inside by delta*_i (inputs x_i delta*_i / delta_i, or outputs
   y_i delta_i / delta*_i); the observed organizations are evaluated
   against the frontier of the pseudo-data;
4. bias = mean(delta*_b) - delta, the corrected delta - bias, and the
   basic bootstrap interval delta + quantiles of (delta - delta*_b)
   (Simar & Wilson 2000; quantile type 9, as Benchmarking).

Scores are reported as ``efficiency`` in (0, 1] (theta or 1/phi), as
:func:`~qualitapa.composite.dea` does.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs
import numpy as np
import pandas as pd
import scipy.sparse as sp

from qualitapa.composite import _highs
from qualitapa.composite._dea import Orientation, ReturnsToScale, _read, radial_scores
from qualitapa.composite._options import choice
from qualitapa.errors import DataError, Message, OptionError
from qualitapa.i18n import N_

#: Deltas within this distance of 1 are "efficient" and left out of the bandwidth.
_ON_FRONTIER = 1e-6


def bandwidth(delta: np.ndarray) -> float:
    """Silverman bandwidth for the reflected bootstrap of DEA distances ``delta >= 1``.

    The rule of thumb ``0.9 min(sd, IQR / 1.349) (2m)^(-1/5)`` on the 2m
    values {delta, 2 - delta} of the m inefficient units (those on the
    frontier would pile up at 1), rescaled to the n units and to the spread
    of all deltas: ``h = h_2m (2m / n)^(1/5) sd(delta) / sd(reflected)``
    (Daraio & Simar 2007, eq. 3.26). The IQR is used only when it is
    positive and smaller than the standard deviation, as R Benchmarking
    does.

    Parameters
    ----------
    delta
        Shephard input distances (1/theta) or Farrell output efficiencies
        (phi) of all units, each >= 1.

    Returns
    -------
    float
        The bandwidth h.

    Raises
    ------
    DataError
        Fewer than two units lie off the frontier: there is no spread to
        smooth.

    Examples
    --------
    Output-oriented VRS Farrell efficiencies 1, 11/6, 1, 13/12, 1 (the
    bootstrap test of the Julia package DataEnvelopmentAnalysis.jl gives
    bandwidth 0.1398634):

    >>> round(bandwidth(np.array([1.0, 11 / 6, 1.0, 13 / 12, 1.0])), 7)
    0.1398634
    """
    delta = np.asarray(delta, dtype=float)
    off = delta[delta > 1 + _ON_FRONTIER]
    if len(off) < 2:
        raise DataError(
            Message(
                "the bootstrap needs at least two organizations off the frontier; {n} found",
                N_("il bootstrap richiede almeno due enti fuori dalla frontiera; trovati {n}"),
                n=len(off),
            )
        )
    reflected = np.concatenate([off, 2.0 - off])
    sd = float(np.std(reflected, ddof=1))
    q75, q25 = np.quantile(reflected, [0.75, 0.25])
    iqr = float(q75 - q25) / 1.349
    spread = iqr if 1e-6 < iqr < sd else sd
    h_2m = 0.9 * spread * len(reflected) ** (-1 / 5)
    adjust = float(np.std(delta, ddof=1)) / sd * (len(reflected) / len(delta)) ** (1 / 5)
    return h_2m * adjust


def smoothed_draws(
    delta: np.ndarray, h: float, replicates: int, rng: np.random.Generator
) -> np.ndarray:
    """Simar-Wilson smoothed, reflected draws ``delta*`` (replicates, n), all >= 1.

    The generator is used twice, in this order: ``rng.integers(0, 2n,
    (replicates, n))`` picks each beta from the reflected set {delta,
    2 - delta}, then ``rng.standard_normal((replicates, n))`` the noise.

    Parameters
    ----------
    delta
        The units' distances (>= 1).
    h
        Bandwidth (:func:`bandwidth`).
    replicates
        Number of bootstrap replicates.
    rng
        The random generator.

    Returns
    -------
    numpy.ndarray
        One row of delta* per replicate.

    Examples
    --------
    >>> d = smoothed_draws(np.array([1.0, 1.5, 1.2]), 0.1, 4, np.random.default_rng(0))
    >>> d.shape, bool((d >= 1).all())
    ((4, 3), True)
    """
    delta = np.asarray(delta, dtype=float)
    n = len(delta)
    reflected = np.concatenate([delta, 2.0 - delta])
    beta = reflected[rng.integers(0, 2 * n, (replicates, n))]
    noise = rng.standard_normal((replicates, n))
    centre = beta.mean(axis=1, keepdims=True)
    star = centre + (beta + h * noise - centre) / np.sqrt(1 + h**2 / np.var(reflected, ddof=1))
    return np.where(star < 1, 2.0 - star, star)


@attrs.frozen
class BootstrapResult:
    """Result of :func:`dea_bootstrap`.

    Attributes
    ----------
    scores : pandas.DataFrame
        One row per organization: ``organization``, ``efficiency`` (the DEA
        score, theta or 1/phi), ``efficiency_bc`` (bias-corrected), ``bias``
        (``efficiency - efficiency_bc``), ``sd`` (standard deviation of the
        bootstrap scores), ``ci_low`` and ``ci_high`` (the confidence
        interval of the efficiency, which contains the bias correction).
    replicates : numpy.ndarray
        (n, B) bootstrap efficiencies of the organizations (theta or 1/phi).
    draws : numpy.ndarray
        (B, n) the smoothed distances delta* that made each replicate's
        pseudo-data (see :func:`smoothed_draws`).
    bandwidth : float
        The smoothing bandwidth h.
    rts, orientation, alpha
        The model and the interval's level (1 - alpha).
    """

    scores: pd.DataFrame
    replicates: np.ndarray
    draws: np.ndarray
    bandwidth: float
    rts: ReturnsToScale
    orientation: Orientation
    alpha: float


def pseudo_reference(
    X: np.ndarray,
    Y: np.ndarray,
    delta: np.ndarray,
    star: np.ndarray,
    orientation: Orientation | str,
) -> tuple[np.ndarray, np.ndarray]:
    """The pseudo-data of one replicate: units projected on the frontier, pushed in by ``star``.

    Parameters
    ----------
    X, Y
        Inputs (n, m) and outputs (n, s).
    delta
        The units' estimated distances (>= 1).
    star
        The replicate's smoothed distances delta* (n,).
    orientation
        ``"input"``: inputs become ``x delta* / delta``; ``"output"``:
        outputs become ``y delta / delta*``.

    Returns
    -------
    tuple of numpy.ndarray
        The pseudo inputs and outputs.

    Examples
    --------
    >>> X, Y = np.array([[2.0], [4.0]]), np.array([[1.0], [1.0]])
    >>> pseudo_reference(X, Y, np.array([1.0, 2.0]), np.array([1.5, 1.0]), "input")[0].ravel()
    array([3., 2.])
    """
    orientation = choice(Orientation, orientation, "orientation")
    if orientation is Orientation.INPUT:
        return X * (star / delta)[:, None], Y
    return X, Y * (delta / star)[:, None]


def dea_bootstrap(  # noqa: PLR0913 - the model, the bootstrap and the data
    data: pd.DataFrame,
    *,
    inputs: Sequence[str],
    outputs: Sequence[str],
    rts: ReturnsToScale | str = "vrs",
    orientation: Orientation | str = "input",
    replicates: int = 2000,
    alpha: float = 0.05,
    seed: int | np.random.Generator | None = None,
    organization: str = "organization",
    source: str | None = None,
) -> BootstrapResult:
    """Simar-Wilson smoothed bootstrap of DEA efficiency scores.

    Parameters
    ----------
    data
        One row per organization (as :func:`~qualitapa.composite.dea`).
    inputs, outputs
        Column names of the inputs and outputs.
    rts
        ``"vrs"`` (default, as Benchmarking's ``dea.boot``), ``"crs"``,
        ``"irs"`` or ``"drs"``.
    orientation
        ``"input"`` or ``"output"``.
    replicates
        Bootstrap replicates B. 2000 by default: the manual of R
        Benchmarking asks for at least 2000 "to bootstrap for real", and the
        2.5% and 97.5% quantiles of an interval then rest on 50 replicates
        each.
    alpha
        The intervals have level 1 - alpha.
    seed
        Seed or generator: the same seed gives the same result.
    organization, source
        As in :func:`~qualitapa.composite.dea`.

    Returns
    -------
    BootstrapResult
        ``scores`` (one row per organization), the replicates, the draws
        and the bandwidth.

    Raises
    ------
    DataError
        The data :func:`~qualitapa.composite.dea` refuses, or fewer than two
        organizations off the frontier.
    OptionError
        ``replicates`` below 2 or ``alpha`` outside (0, 1).

    Notes
    -----
    Simar & Wilson (2000) advise reporting the bias-corrected score only
    when the bias is large against the spread (bias^2 > sd^2 / 3): else the
    correction adds more noise than it removes.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"organization": list("abcde"), "staff": [2.0, 4.0, 3.0, 5.0, 6.0],
    ...                    "certificates": [1.0, 2.0, 3.0, 4.0, 5.0]})
    >>> res = dea_bootstrap(df, inputs=["staff"], outputs=["certificates"],
    ...                     replicates=200, seed=1)
    >>> s = res.scores
    >>> bool(((s["efficiency_bc"] <= s["efficiency"]) & (s["ci_low"] <= s["ci_high"])).all())
    True
    """
    rts = choice(ReturnsToScale, rts, "rts")
    orientation = choice(Orientation, orientation, "orientation")
    if int(replicates) < 2:
        raise OptionError(
            Message(
                "replicates must be at least 2 (2000 advised), not {replicates}",
                N_(
                    "le replicazioni devono essere almeno 2 (se ne consigliano 2000), "
                    "non {replicates}"
                ),
                replicates=replicates,
            ),
            option="replicates",
            value=replicates,
        )
    if not 0 < alpha < 1:
        raise OptionError(
            Message(
                "alpha must be between 0 and 1 (0.05 for 95% intervals), not {alpha}",
                N_("alpha deve essere tra 0 e 1 (0,05 per intervalli al 95%), non {alpha}"),
                alpha=alpha,
            ),
            option="alpha",
            value=alpha,
        )
    orgs, X, Y = _read(data, list(inputs), list(outputs), organization, source)
    eff, _ = radial_scores(X, Y, X, Y, rts=rts, orientation=orientation)
    delta = 1.0 / eff
    h = bandwidth(delta)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    draws = smoothed_draws(delta, h, int(replicates), rng)
    boot = _replicate_scores(X, Y, delta, draws, rts, orientation)
    return BootstrapResult(
        scores=_summarise(orgs, delta, boot, alpha),
        replicates=boot,
        draws=draws,
        bandwidth=h,
        rts=rts,
        orientation=orientation,
        alpha=float(alpha),
    )


#: Target number of LP variables in one stacked HiGHS call.
_BATCH_VARS = 4_000


def _undominated(X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Indices of the units no other single unit dominates (the rest never sets a frontier)."""
    n = X.shape[0]
    keep = np.ones(n, dtype=bool)
    chunk = max(1, 2_000_000 // (n * (X.shape[1] + Y.shape[1])))
    for start in range(0, n, chunk):
        x0, y0 = X[start : start + chunk, None, :], Y[start : start + chunk, None, :]
        weak = (X[None, :, :] <= x0).all(axis=2) & (Y[None, :, :] >= y0).all(axis=2)
        strict = (X[None, :, :] < x0).any(axis=2) | (Y[None, :, :] > y0).any(axis=2)
        keep[start : start + chunk] = ~np.any(weak & strict, axis=1)
    return np.flatnonzero(keep)


def _block_rows(
    Xr: np.ndarray, Yr: np.ndarray, X: np.ndarray, Y: np.ndarray, rts: ReturnsToScale, inward: bool
) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """One replicate's LPs (every unit against reference ``Xr, Yr``), as inequality blocks.

    Each unit's LP has the reference's lambdas and one radial variable t;
    ``inward`` (input orientation): X_r l - t x_i <= 0, -Y_r l <= -y_i;
    else X_r l <= x_i, -Y_r l + t y_i <= 0. Returns the common lambda block,
    the unit's t column (n, rows) and right-hand sides (n, rows); returns to
    scale other than CRS add a row on the lambdas (VRS as two inequalities).
    """
    r, n = Xr.shape[0], X.shape[0]
    m, s = X.shape[1], Y.shape[1]
    lam = [Xr.T, -Yr.T]
    t_col = np.hstack([-X, np.zeros((n, s))]) if inward else np.hstack([np.zeros((n, m)), Y])
    rhs = np.hstack([np.zeros((n, m)), -Y]) if inward else np.hstack([X, np.zeros((n, s))])
    extra: list[tuple[np.ndarray, float]] = []
    if rts in (ReturnsToScale.VRS, ReturnsToScale.DRS):
        extra.append((np.ones((1, r)), 1.0))  # sum(l) <= 1
    if rts in (ReturnsToScale.VRS, ReturnsToScale.IRS):
        extra.append((-np.ones((1, r)), -1.0))  # sum(l) >= 1
    for row, bound in extra:
        lam.append(row)
        t_col = np.hstack([t_col, np.zeros((n, 1))])
        rhs = np.hstack([rhs, np.full((n, 1), bound)])
    return lam, t_col, rhs


def _solve_group(
    blocks: list[tuple[np.ndarray, np.ndarray, np.ndarray]], inward: bool
) -> np.ndarray:
    """Solve every unit's LP of several replicates in one HiGHS call; t per (replicate, unit)."""
    rows_i, cols_i, vals, rhs_all, costs, t_index = [], [], [], [], [], []
    row0 = col0 = 0
    for lam, t_col, rhs in blocks:
        n, nr = t_col.shape
        r = lam.shape[1]
        width = r + 1
        li, lj = np.nonzero(lam)
        unit = np.arange(n)[:, None]
        rows_i.append((row0 + unit * nr + li).ravel())
        cols_i.append((col0 + unit * width + lj).ravel())
        vals.append(np.tile(lam[li, lj], n))
        ti, tj = np.nonzero(t_col)
        rows_i.append(row0 + ti * nr + tj)
        cols_i.append(col0 + ti * width + r)
        vals.append(t_col[ti, tj])
        rhs_all.append(rhs.ravel())
        cost = np.zeros((n, width))
        cost[:, r] = 1.0 if inward else -1.0
        costs.append(cost.ravel())
        t_index.append(col0 + np.arange(n) * width + r)
        row0 += n * nr
        col0 += n * width
    A = sp.coo_array(
        (np.concatenate(vals), (np.concatenate(rows_i), np.concatenate(cols_i))),
        shape=(row0, col0),
    ).tocsc()
    # presolve finds nothing to remove in these small dense blocks: 1.6x faster without
    res = _highs.solve(np.concatenate(costs), A, np.concatenate(rhs_all), presolve=False)
    if res.status != _highs.OPTIMAL or res.x is None:
        return np.full(len(np.concatenate(t_index)), np.nan)
    return np.asarray(res.x[np.concatenate(t_index)])


def _replicate_scores(
    X: np.ndarray,
    Y: np.ndarray,
    delta: np.ndarray,
    draws: np.ndarray,
    rts: ReturnsToScale,
    orientation: Orientation,
) -> np.ndarray:
    """(n, B) efficiencies of the observed units against each replicate's pseudo-data.

    The LPs of many replicates go to HiGHS together (block-diagonal), each
    against the pseudo-units no other pseudo-unit dominates; a stack HiGHS
    cannot solve is solved again replicate by replicate with
    :func:`~qualitapa.composite.radial_scores`.
    """
    inward = orientation is Orientation.INPUT
    sx, sy = X.mean(axis=0), Y.mean(axis=0)
    Xs, Ys = X / sx, Y / np.where(sy > 0, sy, 1.0)
    n, B = X.shape[0], draws.shape[0]
    out = np.empty((n, B))
    group: list[int] = []
    blocks: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    size = 0

    def flush() -> None:
        t = _solve_group(blocks, inward).reshape(len(group), n)
        for k, b in enumerate(group):
            if np.isnan(t[k]).any():  # pragma: no cover - a fallback for numerical trouble
                Xb, Yb = pseudo_reference(X, Y, delta, draws[b], orientation)
                out[:, b] = radial_scores(X, Y, Xb, Yb, rts=rts, orientation=orientation)[0]
            else:
                out[:, b] = t[k] if inward else 1.0 / t[k]
        group.clear()
        blocks.clear()

    for b in range(B):
        Xb, Yb = pseudo_reference(Xs, Ys, delta, draws[b], orientation)
        ref = _undominated(Xb, Yb)
        lam, t_col, rhs = _block_rows(Xb[ref], Yb[ref], Xs, Ys, rts, inward)
        blocks.append((np.vstack(lam), t_col, rhs))
        group.append(b)
        size += n * (len(ref) + 1)
        if size >= _BATCH_VARS:
            flush()
            size = 0
    if group:
        flush()
    return out


def _summarise(orgs: np.ndarray, delta: np.ndarray, boot: np.ndarray, alpha: float) -> pd.DataFrame:
    """Bias, corrected scores and basic bootstrap intervals, computed on the distances."""
    delta_b = 1.0 / boot
    bias = delta_b.mean(axis=1) - delta
    corrected = delta - bias
    q = np.quantile(
        delta[:, None] - delta_b, [alpha / 2, 1 - alpha / 2], axis=1, method="normal_unbiased"
    )
    low, high = delta + q[0], delta + q[1]  # on the distance; efficiency = 1 / distance
    eff = 1.0 / delta
    return pd.DataFrame(
        {
            "organization": orgs,
            "efficiency": eff,
            "efficiency_bc": 1.0 / corrected,
            "bias": eff - 1.0 / corrected,
            "sd": boot.std(axis=1, ddof=1),
            "ci_low": 1.0 / high,
            "ci_high": 1.0 / low,
        }
    )
