"""Adjusting p-values for multiple comparisons (R's ``p.adjust``, statsmodels' ``multipletests``).

With :math:`m` p-values :math:`p_{(1)} \\le \\dots \\le p_{(m)}`:

* ``"bonferroni"``: :math:`\\min(1, m p)`;
* ``"sidak"`` (Šidák 1967): :math:`1 - (1 - p)^m`, exact for independent tests;
* ``"holm"`` (Holm 1979, step-down):
  :math:`\\max_{j \\le i} \\min(1, (m - j + 1) p_{(j)})`;
* ``"hommel"`` (Hommel 1988, Biometrika 75:383-386): the closed test of
  Simes' tests, as R's ``p.adjust(method = "hommel")`` computes it (its
  code, R 4.2, read with ``print(p.adjust)``); uniformly more powerful than
  Holm's;
* ``"fdr_bh"`` (Benjamini & Hochberg 1995): false discovery rate,
  :math:`\\min_{j \\ge i} \\min(1, m p_{(j)} / j)`, for independent or
  positively dependent tests;
* ``"fdr_by"`` (Benjamini & Yekutieli 2001, Annals of Statistics
  29:1165-1188): BH times :math:`\\sum_{j=1}^m 1/j`, under any dependence.

Missing p-values are left out of :math:`m` and stay missing.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt

from qualitapa.problems import check_option

Correction = Literal["holm", "bonferroni", "sidak", "hommel", "fdr_bh", "fdr_by"]
"""A multiple-comparison adjustment of :func:`adjust_pvalues`."""

Floats = npt.NDArray[np.float64]

CORRECTIONS: tuple[str, ...] = ("holm", "bonferroni", "sidak", "hommel", "fdr_bh", "fdr_by")


def adjust_pvalues(p: npt.ArrayLike, method: str | None = "holm") -> Floats:
    """Adjust p-values for multiple comparisons (NaN entries are left out).

    Parameters
    ----------
    p
        p-values.
    method
        ``"holm"`` (Holm 1979, step-down), ``"bonferroni"``, ``"sidak"``
        (Šidák), ``"hommel"`` (Hommel 1988), ``"fdr_bh"`` (Benjamini &
        Hochberg 1995; ``"bh"`` is the same), ``"fdr_by"`` (Benjamini &
        Yekutieli 2001, any dependence) or None (no adjustment). The
        family-wise methods (the first four) bound the chance of any false
        positive; the ``fdr_`` ones the expected share of false positives
        among the significant tests.

    Returns
    -------
    numpy.ndarray
        Adjusted p-values, in the order given, each at least its raw
        p-value and at most 1.

    Raises
    ------
    OptionError
        ``method`` is none of those.

    Examples
    --------
    >>> adjust_pvalues([0.01, 0.04, 0.03], "holm").round(3).tolist()
    [0.03, 0.06, 0.06]
    >>> adjust_pvalues([0.01, 0.04, 0.03], "fdr_bh").round(3).tolist()
    [0.03, 0.04, 0.04]
    >>> adjust_pvalues([0.01, 0.04, 0.03], "hommel").round(3).tolist()
    [0.03, 0.04, 0.04]
    """
    check_option("method", method, (*CORRECTIONS, "bh", None))
    arr = np.asarray(p, dtype=float)
    out = np.full(arr.shape, np.nan)
    ok = ~np.isnan(arr)
    q = arr[ok]
    if len(q) == 0 or method is None:
        out[ok] = q
        return out
    adjust = {
        "bonferroni": _bonferroni,
        "sidak": _sidak,
        "holm": _holm,
        "hommel": _hommel,
        "fdr_bh": _bh,
        "bh": _bh,
        "fdr_by": _by,
    }[method]
    out[ok] = np.clip(np.maximum(adjust(q), q), 0.0, 1.0)
    return out


def _bonferroni(q: Floats) -> Floats:
    return np.minimum(q * len(q), 1.0)


def _sidak(q: Floats) -> Floats:
    # -expm1(m log1p(-p)) = 1 - (1 - p)^m without cancellation for small p
    with np.errstate(divide="ignore"):
        return -np.expm1(len(q) * np.log1p(-q))


def _holm(q: Floats) -> Floats:
    m = len(q)
    order = np.argsort(q, kind="stable")
    res = np.empty(m)
    res[order] = np.minimum(np.maximum.accumulate((m - np.arange(m)) * q[order]), 1.0)
    return res


def _step_up(q: Floats, factor: float) -> Floats:
    """Benjamini-Hochberg step-up with each :math:`m p_{(i)} / i` times ``factor``."""
    m = len(q)
    order = np.argsort(q, kind="stable")[::-1]  # largest first
    rank = np.arange(m, 0, -1)
    res = np.empty(m)
    res[order] = np.minimum(np.minimum.accumulate(factor * m / rank * q[order]), 1.0)
    return res


def _bh(q: Floats) -> Floats:
    return _step_up(q, 1.0)


def _by(q: Floats) -> Floats:
    return _step_up(q, float(np.sum(1.0 / np.arange(1, len(q) + 1))))


def _hommel(q: Floats) -> Floats:
    """R's ``p.adjust(method = "hommel")``, one vector operation per subset size."""
    m = len(q)
    if m == 1:
        return q.copy()
    order = np.argsort(q, kind="stable")
    p = q[order]
    i = np.arange(1, m + 1)
    if m == 2:  # R: Hochberg's step-up, which Hommel's is for two tests
        res = np.minimum(np.minimum.accumulate(((m + 1 - i) * p)[::-1])[::-1], 1.0)
    else:
        pa = np.full(m, np.min(m * p / i))
        qq = pa.copy()
        for j in range(m - 1, 1, -1):
            head = m - j + 1  # the first m - j + 1 ordered p-values
            q1 = np.min(j * p[head:] / np.arange(2, j + 1))
            qq[:head] = np.minimum(j * p[:head], q1)
            qq[head:] = qq[head - 1]
            pa = np.maximum(pa, qq)
        res = np.maximum(pa, p)
    out = np.empty(m)
    out[order] = res
    return out
