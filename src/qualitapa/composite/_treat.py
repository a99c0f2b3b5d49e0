"""Outlier treatment of indicators triggered by skewness and kurtosis (COINr's rule).

The JRC's COINr (bluefoxr/COINr, R/treat.R: ``Treat``, ``winsorise``,
``check_SkewKurt``, ``log_CT``) treats an indicator when its absolute skewness
and its kurtosis are *both* at or above their thresholds (default 2 and 3.5:
``check_SkewKurt`` passes when ``abs(skew) < 2 | kurt < 3.5``):

1. it winsorises one point at a time - the highest value (all the values tied
   at it) takes the next highest value when the skew is positive, the lowest
   the next lowest when it is negative - until the indicator passes or
   ``winmax`` points (default 5) are winsorised;
2. if it still fails, it transforms the *original* values instead (COINr's
   ``combine_treat = FALSE``): ``log_CT``,
   :math:`\\log(x - \\min x + 0.01 (\\max x - \\min x))`, or a Box-Cox
   transformation.

Skewness and kurtosis are COINr's ``skew`` and ``kurt``, which are
e1071's ``type = 2`` (the sample-size adjusted estimators of SAS, SPSS and
Excel): :math:`G_1 = g_1 \\sqrt{n(n-1)}/(n-2)` and
:math:`G_2 = ((n+1) g_2 + 6)(n-1)/((n-2)(n-3))` with :math:`g_2` the *excess*
moment kurtosis, so the kurtosis threshold 3.5 is on the excess scale
(a normal distribution has 0). scipy's ``skew(bias=False)`` and
``kurtosis(fisher=True, bias=False)`` are the same estimators.

qualitapa differs from COINr in one respect, on purpose: a negatively skewed
indicator is log- or Box-Cox-transformed on its mirror image,
:math:`-\\log(\\max x - x + 0.01 (\\max x - \\min x))`, so that the
transformation reduces its skew (COINr's ``log_CT`` would increase it) and
keeps the order of the values. Box-Cox shifts the values to start at 1 (as
COINr's ``boxcox(makepos = TRUE)``) and estimates :math:`\\lambda` by maximum
likelihood (scipy.stats.boxcox); COINr leaves :math:`\\lambda` to the user.
"""

from __future__ import annotations

import enum

import attrs
import numpy as np
import pandas as pd

from qualitapa.composite._methods import _indicator_matrix
from qualitapa.composite._options import choice
from qualitapa.errors import DefinitionError, Message
from qualitapa.i18n import N_


class Treatment(enum.StrEnum):
    """Outlier treatments: none, or winsorisation then a log or Box-Cox transformation."""

    NONE = "none"
    WINSORISE_LOG = "winsorise_log"
    WINSORISE_BOXCOX = "winsorise_boxcox"


def _skew_kurtosis(A: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Skewness G1 and excess kurtosis G2 of each column of ``A`` (NaN ignored), and n.

    NaN where n < 3 (skew), n < 4 (kurtosis) or the column is constant.
    """
    ok = ~np.isnan(A)
    n = ok.sum(axis=0).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(ok, A, 0.0).sum(axis=0) / n
        d = np.where(ok, A - mean, 0.0)
        m2 = (d**2).sum(axis=0) / n
        m3 = (d**3).sum(axis=0) / n
        m4 = (d**4).sum(axis=0) / n
        g1 = m3 / m2**1.5
        g2 = m4 / m2**2 - 3.0
        skew = g1 * np.sqrt(n * (n - 1)) / (n - 2)
        kurt = ((n + 1) * g2 + 6) * (n - 1) / ((n - 2) * (n - 3))
    constant = ~(m2 > 0)
    skew = np.where((n >= 3) & ~constant, skew, np.nan)
    kurt = np.where((n >= 4) & ~constant, kurt, np.nan)
    return skew, kurt, n


def _fails(skew: float, kurt: float, skew_limit: float, kurtosis_limit: float) -> bool:
    """COINr's ``check_SkewKurt`` negated: both thresholds reached (NaN never fails)."""
    return bool(abs(skew) >= skew_limit and kurt >= kurtosis_limit)


def _winsorise_points(
    v: np.ndarray, winmax: int, skew_limit: float, kurtosis_limit: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """COINr's ``winsorise`` on the values ``v`` (no NaN): (values, changed, high side)."""
    v = v.copy()
    changed = np.zeros(len(v), dtype=bool)
    high = np.zeros(len(v), dtype=bool)
    while changed.sum() < winmax:
        sk, kt, _ = _skew_kurtosis(v[:, None])
        if not _fails(sk[0], kt[0], skew_limit, kurtosis_limit):
            break
        up = sk[0] >= 0
        extreme = v.max() if up else v.min()
        at = v == extreme
        rest = v[~at]
        if not len(rest):
            break
        v[at] = rest.max() if up else rest.min()
        changed |= at
        high[at] = up
    return v, changed, high


def _transform(v: np.ndarray, method: Treatment, up: bool) -> tuple[np.ndarray, float]:
    """Log (COINr's log_CT) or Box-Cox of ``v``, mirrored for a negative skew; (values, lambda)."""
    lo, hi = float(v.min()), float(v.max())
    shifted = v - lo if up else hi - v  # >= 0, the long tail to the right
    sign = 1.0 if up else -1.0
    if method is Treatment.WINSORISE_LOG:
        return sign * np.log(shifted + 0.01 * (hi - lo)), np.nan
    from scipy import stats

    y, lam = stats.boxcox(shifted + 1.0)
    return sign * y, float(lam)


def _treat_column(
    x: np.ndarray, method: Treatment, winmax: int, skew_limit: float, kurtosis_limit: float
) -> tuple[np.ndarray, dict[str, object], np.ndarray, np.ndarray]:
    """Treat one column (NaN kept): (values, summary row, winsorised mask, high-side mask)."""
    ok = ~np.isnan(x)
    v = x[ok]
    sk, kt, n = _skew_kurtosis(v[:, None])
    row: dict[str, object] = {"n": int(n[0]), "skew": sk[0], "kurtosis": kt[0],
                              "action": "none", "winsorised": 0, "lambda": np.nan}  # fmt: skip
    out = x.copy()
    changed = np.zeros(len(x), dtype=bool)
    high = np.zeros(len(x), dtype=bool)
    if method is not Treatment.NONE and _fails(sk[0], kt[0], skew_limit, kurtosis_limit):
        w, ch, hi = _winsorise_points(v, winmax, skew_limit, kurtosis_limit)
        s2, k2, _ = _skew_kurtosis(w[:, None])
        if not _fails(s2[0], k2[0], skew_limit, kurtosis_limit):
            out[ok] = w
            changed[ok], high[ok] = ch, hi
            row.update(action="winsorised", winsorised=int(ch.sum()))
        else:  # the transformation replaces the winsorisation, on the original values
            out[ok], lam = _transform(v, method, up=sk[0] >= 0)
            row["action"] = "log" if method is Treatment.WINSORISE_LOG else "boxcox"
            row["lambda"] = lam
    s3, k3, _ = _skew_kurtosis(out[ok][:, None])
    row.update(skew_after=s3[0], kurtosis_after=k3[0],
               passes=not _fails(s3[0], k3[0], skew_limit, kurtosis_limit))  # fmt: skip
    return out, row, changed, high


@attrs.frozen
class TreatmentResult:
    """Result of :func:`treat`.

    Attributes
    ----------
    data : pandas.DataFrame
        The treated data (same index and columns).
    summary : pandas.DataFrame
        One row per column: ``column``, ``n``, ``skew`` and ``kurtosis``
        (before), ``action`` (``none``, ``winsorised``, ``log``,
        ``boxcox``), ``winsorised`` (points), ``lambda`` (Box-Cox),
        ``skew_after``, ``kurtosis_after`` and ``passes`` (within the
        limits after the treatment).
    points : pandas.DataFrame
        One row per winsorised value: ``row`` (index label), ``column``,
        ``original``, ``treated`` and ``side`` (``high`` or ``low``).
    """

    data: pd.DataFrame
    summary: pd.DataFrame
    points: pd.DataFrame


def _check_limits(winmax: int, skew_limit: float, kurtosis_limit: float) -> None:
    if winmax < 0 or not skew_limit > 0 or not np.isfinite(kurtosis_limit):
        raise DefinitionError(
            Message(
                "treatment needs winmax >= 0, skew_limit > 0 and a finite kurtosis_limit, not "
                "{winmax}, {skew}, {kurtosis}",
                N_(
                    "il trattamento richiede winmax >= 0, skew_limit > 0 e un kurtosis_limit "
                    "finito, non {winmax}, {skew}, {kurtosis}"
                ),
                winmax=repr(winmax),
                skew=repr(skew_limit),
                kurtosis=repr(kurtosis_limit),
            ),
            field="treatment",
        )


def _treat_array(
    A: np.ndarray,
    method: Treatment,
    winmax: int = 5,
    skew_limit: float = 2.0,
    kurtosis_limit: float = 3.5,
) -> tuple[np.ndarray, list[dict[str, object]], np.ndarray, np.ndarray]:
    """Treat every column of ``A``: (values, summary rows, winsorised mask, high-side mask)."""
    out = A.astype(float, copy=True)
    changed = np.zeros(A.shape, dtype=bool)
    high = np.zeros(A.shape, dtype=bool)
    rows = []
    for j in range(A.shape[1]):  # a few indicators; each column's loop is short
        out[:, j], row, changed[:, j], high[:, j] = _treat_column(
            A[:, j], method, winmax, skew_limit, kurtosis_limit
        )
        rows.append(row)
    return out, rows, changed, high


def skew_kurtosis(data: pd.DataFrame) -> pd.DataFrame:
    """Skewness and excess kurtosis of each column, as COINr (e1071 ``type = 2``) and Excel.

    Returns
    -------
    pandas.DataFrame
        Index: the columns of ``data``; columns ``n``, ``skew``,
        ``kurtosis`` (NaN with fewer than 3 or 4 values, or a constant column).

    Examples
    --------
    COINr's treatment example, ``c(1:10, 30, 100)``:

    >>> import pandas as pd
    >>> sk = skew_kurtosis(pd.DataFrame({"x": [*range(1, 11), 30, 100]}))
    >>> sk.round(3).to_dict("records")
    [{'n': 12.0, 'skew': 3.063, 'kurtosis': 9.741}]
    """
    A = data.to_numpy(dtype=float, na_value=np.nan)
    skew, kurt, n = _skew_kurtosis(A)
    return pd.DataFrame({"n": n, "skew": skew, "kurtosis": kurt}, index=data.columns)


def treat(
    data: pd.DataFrame,
    *,
    method: Treatment | str = "winsorise_log",
    winmax: int = 5,
    skew_limit: float = 2.0,
    kurtosis_limit: float = 3.5,
) -> TreatmentResult:
    """Treat outlying indicators: winsorise, then log or Box-Cox if still outlying.

    An indicator is treated when ``|skew| >= skew_limit`` and
    ``kurtosis >= kurtosis_limit`` (COINr's ``check_SkewKurt``; excess
    kurtosis, e1071 ``type = 2``): up to ``winmax`` of its most extreme
    values take the next value inward, one at a time, on the side of the
    skew; if it is still outlying, its original values are log-transformed
    (COINr's ``log_CT``) or Box-Cox-transformed instead. The order of the
    values never changes (monotone transformations; ties may appear).

    Parameters
    ----------
    data
        Wide frame: one row per organization, one numeric column per
        indicator (missing values stay missing). Not modified.
    method
        A :class:`Treatment`: ``winsorise_log`` (COINr's default),
        ``winsorise_boxcox`` or ``none``.
    winmax
        Most values winsorised per indicator.
    skew_limit, kurtosis_limit
        COINr's ``skew_thresh`` and ``kurt_thresh``.

    Returns
    -------
    TreatmentResult
        ``data``, ``summary`` (per column: before, action, after) and
        ``points`` (the winsorised values).

    Raises
    ------
    DefinitionError
        Unknown method, invalid limits.
    DataError
        Non-numeric columns.

    Examples
    --------
    COINr's ``winsorise`` example (its reference page): ``c(1:10, 30, 100)``
    fails (skew 3.06, kurtosis 9.74); winsorising the 100 to 30 is enough.

    >>> import pandas as pd
    >>> res = treat(pd.DataFrame({"x": [*range(1, 11), 30, 100]}))
    >>> res.data["x"].tolist()[-3:]
    [10.0, 30.0, 30.0]
    >>> res.summary[["column", "action", "winsorised", "passes"]].to_dict("records")
    [{'column': 'x', 'action': 'winsorised', 'winsorised': 1, 'passes': True}]
    """
    meth: Treatment = choice(Treatment, method, "treatment")
    _check_limits(winmax, skew_limit, kurtosis_limit)
    A = _indicator_matrix(data)
    out, rows, changed, high = _treat_array(A, meth, winmax, skew_limit, kurtosis_limit)
    summary = pd.DataFrame(rows)
    summary.insert(0, "column", list(data.columns))
    r, c = np.nonzero(changed)
    points = pd.DataFrame(
        {
            "row": data.index[r],
            "column": [data.columns[int(j)] for j in c],
            "original": A[r, c],
            "treated": out[r, c],
            "side": np.where(high[r, c], "high", "low"),
        }
    )
    return TreatmentResult(
        pd.DataFrame(out, index=data.index, columns=data.columns), summary, points
    )
