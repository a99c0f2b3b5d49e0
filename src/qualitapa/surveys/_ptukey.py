"""The studentized range distribution, vectorised (for Games-Howell's p-values).

:math:`Q = R / S`: the range :math:`R` of :math:`k` independent standard normal
variables over an independent :math:`S = \\sqrt{\\chi^2_\\nu / \\nu}`. Its
distribution function is the double integral (Lund & Lund 1983, Applied
Statistics 32:204-210; Copenhaver & Holland 1988, J. Statistical Computation
and Simulation 30:1-15)

.. math::

    P(Q \\le q) = \\int_0^\\infty f_S(s)\\, W(qs)\\, ds, \\qquad
    W(w) = k \\int_{-\\infty}^{\\infty} \\phi(z)\\,[\\Phi(z) - \\Phi(z - w)]^{k-1}\\, dz,

computed here with fixed Gauss-Legendre rules, as arrays: the outer integral
over :math:`x = \\log s`, whose density
:math:`2 (\\nu/2)^{\\nu/2} e^{\\nu x - \\nu e^{2x}/2} / \\Gamma(\\nu/2)` has its
mode at 0 and falls below :math:`e^{-36}` of it outside
:math:`[-\\max(7/\\sqrt\\nu, 36/\\nu + 1/2), 7/\\sqrt\\nu]` (96 nodes each
side of 0); the inner one over :math:`z \\in [-9, 9]` (32 nodes on each of
four panels: for many groups the integrand is a narrow peak near
:math:`z = 2.5`). ``scipy.stats.studentized_range`` integrates each value
adaptively: about 18 ms a value on the development machine, against 2 ms
here, as arrays; the two agree to 1e-11 (checked in the tests over
k = 2..100 and :math:`\\nu` = 2..10,000).
"""

from __future__ import annotations

import itertools

import numpy as np
import numpy.typing as npt
from scipy import special

Floats = npt.NDArray[np.float64]

_X_NODES, _X_WEIGHTS = np.polynomial.legendre.leggauss(96)
_CHUNK = 128


def _z_rule() -> tuple[Floats, Floats]:
    """32 Gauss-Legendre nodes on each of [-9, -3], [-3, 0], [0, 3], [3, 9], weights with phi(z)."""
    nodes, weights = np.polynomial.legendre.leggauss(32)
    edges = [-9.0, -3.0, 0.0, 3.0, 9.0]
    z = np.concatenate([(a + b) / 2 + (b - a) / 2 * nodes for a, b in itertools.pairwise(edges)])
    w = np.concatenate([(b - a) / 2 * weights for a, b in itertools.pairwise(edges)])
    return z, w * np.exp(-0.5 * z * z) / np.sqrt(2 * np.pi)


_Z, _Z_WEIGHTS = _z_rule()


def _range_cdf(w: Floats, k: Floats) -> Floats:
    """:math:`W(w)`, the distribution function of the range of k standard normals (any shape)."""
    inside = special.ndtr(_Z) - special.ndtr(_Z - w[..., None])  # (..., m)
    inside = np.maximum(inside, 0.0)
    with np.errstate(divide="ignore"):
        power = np.exp((k[..., None] - 1) * np.log(inside))
    return np.asarray(k * (power * _Z_WEIGHTS).sum(axis=-1), dtype=np.float64)


def _cdf_chunk(q: Floats, k: Floats, df: Floats) -> Floats:
    """:math:`P(Q \\le q)` of a chunk of values, two panels of the log-scale rule each side of 0."""
    root = np.sqrt(df)
    lower = -np.maximum(7 / root, 36 / df + 0.5)
    upper = 7 / root
    total = np.zeros(len(q))
    for a, b in ((lower, np.zeros_like(lower)), (np.zeros_like(upper), upper)):
        half = (b - a) / 2
        x = (a + b)[:, None] / 2 + half[:, None] * _X_NODES  # (n, m)
        nu = df[:, None]
        log_density = (
            np.log(2.0)
            + nu / 2 * np.log(nu / 2)
            + nu * x
            - nu / 2 * np.exp(2 * x)
            - special.gammaln(nu / 2)
        )
        w = q[:, None] * np.exp(x)
        inner = _range_cdf(w, np.broadcast_to(k[:, None], w.shape))
        total += (half[:, None] * _X_WEIGHTS * np.exp(log_density) * inner).sum(axis=1)
    return total


def studentized_range_sf(q: npt.ArrayLike, k: npt.ArrayLike, df: npt.ArrayLike) -> Floats:
    """:math:`P(Q_{k,\\nu} > q)`, the studentized range's upper tail, vectorised.

    Parameters
    ----------
    q
        Values of the statistic (0 or more).
    k
        Number of groups (2 or more).
    df
        Degrees of freedom :math:`\\nu` of the variance (positive, may be
        fractional, as Welch-Satterthwaite's).

    Returns
    -------
    numpy.ndarray
        Upper-tail probabilities, of the broadcast shape; NaN where an input
        is missing or out of range.

    Examples
    --------
    Tukey's 5% critical value for 3 groups and 10 degrees of freedom is
    3.877 (``scipy.stats.studentized_range.ppf(0.95, 3, 10)`` = 3.8767):

    >>> round(float(studentized_range_sf(3.8767, 3, 10)), 4)
    0.05
    """
    qs, ks, dfs = np.broadcast_arrays(
        np.asarray(q, dtype=float), np.asarray(k, dtype=float), np.asarray(df, dtype=float)
    )
    shape = qs.shape
    qs, ks, dfs = qs.ravel(), ks.ravel(), dfs.ravel()
    ok = np.isfinite(qs) & (qs >= 0) & np.isfinite(ks) & (ks >= 2) & (dfs > 0) & np.isfinite(dfs)
    out = np.full(len(qs), np.nan)
    idx = np.flatnonzero(ok)
    for start in range(0, len(idx), _CHUNK):
        part = idx[start : start + _CHUNK]
        out[part] = np.clip(1.0 - _cdf_chunk(qs[part], ks[part], dfs[part]), 0.0, 1.0)
    return out.reshape(shape)
