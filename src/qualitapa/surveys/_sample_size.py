"""Sample-size planning: Cochran's formula with finite population correction.

For a proportion :math:`p` (0.5 is the conservative choice) or a mean with
standard deviation :math:`\\sigma`, a margin of error :math:`e` and the
normal quantile :math:`z` of the confidence level:

* :math:`n_0 = z^2 p(1-p) / e^2` (or :math:`z^2\\sigma^2/e^2`), times the
  design effect;
* finite population correction: :math:`n = n_0 / (1 + (n_0 - 1)/N)`, which
  is the Krejcie & Morgan (1970) formula
  :math:`\\chi^2 N p(1-p) / (e^2 (N-1) + \\chi^2 p(1-p))`;
* respondents needed are rounded up; contacts = respondents / expected
  response rate, rounded up.

The inverse, the margin achieved by :math:`n` respondents, is
:math:`e = z\\sqrt{deff \\cdot p(1-p)/n \\cdot (N-n)/(N-1)}`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from qualitapa.errors import Message
from qualitapa.i18n import N_
from qualitapa.problems import check_option


def _check(name: str, value: Any, low: float, high: float | None, *, closed: bool = False) -> None:
    arr = np.asarray(value, dtype=float)
    bad = (arr < low) if closed else (arr <= low)
    if high is not None:
        bad |= arr > high
    if np.any(bad) or np.any(np.isnan(arr)):
        bound = f"[{low}, {high}]" if closed else f"({low}, {high if high is not None else 'inf'}]"
        raise ValueError(
            Message("{name} must be in {bound}, not {value}",
                    N_("{name} deve essere in {bound}, non {value}"),
                    name=name, bound=bound, value=repr(value))
        )  # fmt: skip


def sample_size(
    *,
    margin: Any = 0.05,
    confidence: float = 0.95,
    population: Any = None,
    proportion: float = 0.5,
    sd: float | None = None,
    response_rate: float = 1.0,
    design_effect: float = 1.0,
    rounding: str = "up",
) -> pd.DataFrame:
    """Respondents (and contacts) needed for a given margin of error.

    Parameters
    ----------
    margin
        Margin of error (half-width of the interval): a share (0.05) for a
        proportion, in the unit of the answers for a mean (``sd`` given).
        May be an array.
    confidence
        Confidence level.
    population
        Population size :math:`N` (users of the service); None for an
        infinite population. May be an array.
    proportion
        Expected proportion (0.5 gives the largest sample).
    sd
        Expected standard deviation: plan for a mean instead of a proportion.
    response_rate
        Expected share of contacted people who answer.
    design_effect
        Expected design effect (e.g. of weighting or clustering).
    rounding
        ``"up"`` (default: never below the required size) or ``"nearest"``
        (as the printed Krejcie & Morgan table, e.g. 44.3 -> 44 for N = 50).

    Returns
    -------
    DataFrame
        ``population``, ``margin``, ``confidence``, ``n0`` (infinite
        population, times the design effect), ``n`` (respondents needed,
        rounded up), ``contacts`` (n / response rate, rounded up).

    Examples
    --------
    Krejcie & Morgan (1970), Table 1:

    >>> sample_size(population=[100, 1000, 10_000, 1_000_000])["n"].tolist()
    [80, 278, 370, 384]
    """
    check_option("rounding", rounding, ("up", "nearest"))
    _check("margin", margin, 0, None)
    _check("confidence", confidence, 0, 1 - 1e-12)
    _check("proportion", proportion, 0, 1)
    _check("response_rate", response_rate, 0, 1)
    _check("design_effect", design_effect, 0, None)
    if sd is not None:
        _check("sd", sd, 0, None)
    z = stats.norm.ppf(0.5 + confidence / 2)
    var = sd**2 if sd is not None else proportion * (1 - proportion)
    e = np.asarray(margin, dtype=float)
    pop = np.asarray(np.nan if population is None else population, dtype=float)
    if np.any(pop[~np.isnan(pop)] < 1):
        raise ValueError(
            Message("population must be at least 1", N_("population deve essere almeno 1"))
        )
    e, pop = (np.atleast_1d(a) for a in np.broadcast_arrays(e, pop))
    n0 = z**2 * var / e**2 * design_effect
    with np.errstate(invalid="ignore"):
        n = np.where(np.isnan(pop), n0, n0 / (1 + (n0 - 1) / pop))
    if rounding == "up":
        # 1e-9 keeps an exact 384.0000000001 (a floating-point artefact) at 384
        n_int = np.ceil(n - 1e-9).astype(np.int64)
    else:
        n_int = np.floor(n + 0.5).astype(np.int64)
    return pd.DataFrame(
        {
            "population": pd.array(np.where(np.isnan(pop), np.nan, pop), dtype="Float64").astype(
                "Int64"
            ),
            "margin": e.ravel(),
            "confidence": confidence,
            "n0": n0.ravel(),
            "n": n_int.ravel(),
            "contacts": np.ceil(n_int.ravel() / response_rate - 1e-9).astype(np.int64),
        }
    )


def margin_of_error(
    n: Any,
    *,
    confidence: float = 0.95,
    population: Any = None,
    proportion: float = 0.5,
    sd: float | None = None,
    design_effect: float = 1.0,
) -> pd.DataFrame:
    """Margin of error achieved by ``n`` respondents (the inverse of :func:`sample_size`).

    Returns
    -------
    DataFrame
        ``population``, ``n``, ``confidence``, ``margin``.

    Examples
    --------
    >>> round(float(margin_of_error(384)["margin"].iloc[0]), 4)
    0.05
    >>> round(float(margin_of_error(278, population=1000)["margin"].iloc[0]), 4)
    0.05
    """
    _check("n", n, 0, None)
    _check("confidence", confidence, 0, 1 - 1e-12)
    _check("design_effect", design_effect, 0, None)
    z = stats.norm.ppf(0.5 + confidence / 2)
    var = sd**2 if sd is not None else proportion * (1 - proportion)
    nn = np.asarray(n, dtype=float)
    pop = np.asarray(np.nan if population is None else population, dtype=float)
    nn, pop = (np.atleast_1d(a) for a in np.broadcast_arrays(nn, pop))
    if np.any(nn[~np.isnan(pop)] > pop[~np.isnan(pop)]):
        raise ValueError(
            Message("n cannot exceed the population", N_("n non può superare population"))
        )
    with np.errstate(invalid="ignore", divide="ignore"):
        fpc = np.where(np.isnan(pop), 1.0, (pop - nn) / np.maximum(pop - 1, 1))
        e = z * np.sqrt(design_effect * var / nn * fpc)
    return pd.DataFrame(
        {
            "population": pd.array(np.where(np.isnan(pop), np.nan, pop), dtype="Float64").astype(
                "Int64"
            ),
            "n": nn.ravel().astype(np.int64),
            "confidence": confidence,
            "margin": e.ravel(),
        }
    )
