"""Confidence intervals of a proportion: Wilson, Clopper-Pearson (exact) and Jeffreys.

With :math:`x` successes in :math:`n` trials (either may be a weighted,
non-integer count: pass ``share * n_eff``) and :math:`\\alpha = 1 -` confidence:

* Wilson (1927) score interval: :func:`~qualitapa.surveys.wilson_interval`;
* Clopper & Pearson (1934, Biometrika 26:404-413), "exact": the
  :math:`\\alpha/2` quantile of :math:`\\mathrm{Beta}(x, n - x + 1)` and the
  :math:`1 - \\alpha/2` quantile of :math:`\\mathrm{Beta}(x + 1, n - x)`;
  0 when :math:`x = 0`, 1 when :math:`x = n`. It never covers less than the
  confidence level, and is wide for it;
* Jeffreys: the equal-tailed interval of the posterior
  :math:`\\mathrm{Beta}(x + 1/2, n - x + 1/2)` under Jeffreys' prior, with
  the lower end 0 when :math:`x = 0` and the upper 1 when :math:`x = n`
  (Brown, Cai & DasGupta 2001, Statistical Science 16:101-133, sec. 4.1.2,
  who recommend it, with Wilson's, for small :math:`n`).

The Clopper-Pearson and Jeffreys intervals agree with statsmodels'
``proportion_confint(method="beta" | "jeffreys")`` (checked in the tests;
statsmodels leaves Jeffreys' ends unmodified at 0 and :math:`n`).
"""

from __future__ import annotations

from typing import Literal, get_args

import numpy as np
import numpy.typing as npt
from scipy import stats

from qualitapa.problems import check_option
from qualitapa.surveys._stats import wilson_interval

ProportionInterval = Literal["wilson", "clopper_pearson", "jeffreys"]
"""A confidence interval of a proportion (:func:`proportion_interval`)."""


def proportion_interval(
    successes: npt.ArrayLike,
    n: npt.ArrayLike,
    *,
    method: ProportionInterval = "wilson",
    confidence: float = 0.95,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Confidence interval of a proportion, vectorised (Wilson, Clopper-Pearson, Jeffreys).

    Parameters
    ----------
    successes
        Number of successes (may be weighted and non-integer).
    n
        Number of trials (or effective sample size).
    method
        ``"wilson"`` (score interval, the default of the survey tables),
        ``"clopper_pearson"`` (exact, conservative) or ``"jeffreys"``
        (Bayesian with Jeffreys' prior, equal tails). See the module notes.
    confidence
        Confidence level, between 0 and 1.

    Returns
    -------
    (low, high)
        Arrays of the broadcast shape of the inputs; NaN where ``n`` is 0.

    Raises
    ------
    OptionError
        ``method`` is none of those.

    Examples
    --------
    81 successes in 263 trials: Clopper and Pearson's interval is R's
    ``binom.test(81, 263)$conf.int`` (0.2527367, 0.3676219); Jeffreys' upper end
    for 0 of 10 is R's ``qbeta(0.975, 0.5, 10.5)`` (0.2171963):

    >>> lo, hi = proportion_interval(81, 263, method="clopper_pearson")
    >>> round(float(lo), 4), round(float(hi), 4)
    (0.2527, 0.3676)
    >>> lo, hi = proportion_interval(0, 10, method="jeffreys")
    >>> float(lo), round(float(hi), 4)
    (0.0, 0.2172)
    """
    check_option("method", method, get_args(ProportionInterval))
    if method == "wilson":
        return wilson_interval(successes, n, confidence=confidence)
    x = np.asarray(successes, dtype=float)
    m = np.asarray(n, dtype=float)
    x, m = np.broadcast_arrays(x, m)
    a = (1 - confidence) / 2
    shift = 0.0 if method == "clopper_pearson" else 0.5
    with np.errstate(invalid="ignore", divide="ignore"):
        low = stats.beta.ppf(a, x + shift, m - x + 1 - shift)
        high = stats.beta.ppf(1 - a, x + 1 - shift, m - x + shift)
    low = np.where(x <= 0, 0.0, low)
    high = np.where(x >= m, 1.0, high)
    valid = m > 0
    return np.where(valid, low, np.nan), np.where(valid, high, np.nan)
