"""Building blocks of composite indices (OECD/JRC Handbook, 2008).

Normalisation (respecting each indicator's polarity, so that after
normalising *higher is always better*), outlier treatment, weights
(equal, explicit, PCA / factor-analysis based) and aggregation (arithmetic,
geometric, harmonic means with a data-availability threshold).

The functions work on *wide* frames: one row per organization, one column
per indicator. The array cores (``_normalise_array``, ``_aggregate_array``)
are vectorised over any leading dimensions, which the Monte Carlo
uncertainty analysis uses to evaluate many runs at once.
"""

from __future__ import annotations

import contextlib
import enum
import warnings
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from qualitapa.composite._options import choice, float_pair
from qualitapa.errors import DataError, DefinitionError, Message
from qualitapa.i18n import N_
from qualitapa.models import Polarity


class Normaliser(enum.StrEnum):
    """Normalisation methods (Handbook section 5).

    ``min_max`` (0 worst ... 1 best of the group), ``z_score`` (standard
    deviations from the mean), ``rank`` (percentile rank, 0 ... 1),
    ``distance_to_target`` (value / target, target / value when lower is
    better), ``distance_to_best`` (value / best, best / value when lower is
    better), ``goalposts`` (fixed minimum and maximum, clipped to 0 ... 1,
    optionally on a log scale as the UNDP HDI income index).

    Before a geometric or harmonic mean, which need strictly positive values,
    ``min_max`` and ``rank`` rescale onto :data:`POSITIVE_BOUNDS`
    (0.01 ... 1); ``z_score`` is refused; the distance methods and
    ``goalposts`` are positive for positive data (and data above the lower
    goalpost), and a value of 0 or below is an error.
    """

    MIN_MAX = "min_max"
    Z_SCORE = "z_score"
    RANK = "rank"
    DISTANCE_TO_TARGET = "distance_to_target"
    DISTANCE_TO_BEST = "distance_to_best"
    GOALPOSTS = "goalposts"


class Aggregator(enum.StrEnum):
    """Aggregation functions: weighted arithmetic, geometric or harmonic mean."""

    ARITHMETIC = "arithmetic"
    GEOMETRIC = "geometric"
    HARMONIC = "harmonic"


#: Range of ``min_max`` and ``rank`` normalisation before a geometric or harmonic
#: mean. Those means need strictly positive values: with the usual 0 ... 1 range
#: the worst organization on any single indicator scores 0 overall, whatever its
#: other values. COINr, the JRC's composite indicator package, documents the same
#: fix: its aggregation vignette (bluefoxr/COINr, vignettes/aggregate.Rmd, section
#: "COINr aggregation functions") warns that the geometric mean fails on values
#: <= 0 and re-normalises with ``n_minmax(l_u = c(1, 100))`` before ``a_gmean``
#: (whose ``x`` must be "a numeric vector of positive values"), and its
#: sensitivity vignette (vignettes/sensitivity.Rmd) samples min-max onto
#: c(1, 100) as the alternative normalisation. ``n_minmax`` (R/normalise.R) is
#: ``(x - min) / (max - min) * (u - l) + l``. qualitapa normalises onto a unit
#: scale, so it uses COINr's [1, 100] divided by 100: the arithmetic, geometric
#: and harmonic means are all homogeneous of degree 1, so ranks and ratios are
#: those of [1, 100], and a composite with ``scale = 100`` reads on 1 ... 100.
POSITIVE_BOUNDS: tuple[float, float] = (0.01, 1.0)

#: Normalisers rescaled onto POSITIVE_BOUNDS before a geometric or harmonic mean.
_RESCALED = frozenset({"min_max", "rank"})
#: Normalisers that always give values <= 0 for some organization (refused).
_NEVER_POSITIVE = frozenset({"z_score"})


def _check_positive_combination(
    normaliser: Normaliser | str, aggregator: Aggregator | str, *, item: str | None = None
) -> None:
    """Refuse a normaliser that always gives values <= 0 before a geometric/harmonic mean.

    ``min_max`` and ``rank`` are rescaled onto :data:`POSITIVE_BOUNDS`
    instead; the data-dependent normalisers (distances, goalposts) are
    checked on the data by the caller.

    Raises
    ------
    DefinitionError
        ``z_score`` (negative for every organization below the mean) with a
        geometric or harmonic mean.

    Examples
    --------
    >>> _check_positive_combination("min_max", "geometric")
    >>> _check_positive_combination("z_score", "geometric")
    Traceback (most recent call last):
    ...
    qualitapa.errors.DefinitionError: field 'normaliser': normaliser 'z_score' gives negative ...
    """
    agg = Aggregator(aggregator)
    if agg is not Aggregator.ARITHMETIC and str(Normaliser(normaliser)) in _NEVER_POSITIVE:
        raise DefinitionError(
            Message(
                "normaliser 'z_score' gives negative values (every organization below the "
                "mean), and a {aggregator} mean needs strictly positive ones; use min_max or "
                "rank (rescaled onto 0.01 ... 1), goalposts or a distance method, or an "
                "arithmetic mean",
                N_(
                    "la normalizzazione 'z_score' dà valori negativi (ogni ente sotto la media) e "
                    "la media {aggregator} richiede valori positivi; usare min_max o rank "
                    "(riportati su 0,01 ... 1), goalposts o una distanza, o la media aritmetica"
                ),
                aggregator=agg.value,
            ),
            item=item,
            field="normaliser",
        )


def _per_column(value: Any, columns: list[str], default: Any, name: str) -> list[Any]:
    """Broadcast a scalar or a mapping by column to a list in column order."""
    if isinstance(value, Mapping):
        unknown = set(value) - set(columns)
        if unknown:
            raise DefinitionError(
                Message(
                    "{name} given for unknown column(s) {columns}",
                    N_("{name} indicati per colonne che non ci sono: {columns}"),
                    name=repr(name),  # quoted: a field, never a known word
                    columns=", ".join(sorted(map(str, unknown))),
                ),
                field=name,
            )
        return [value.get(c, default) for c in columns]
    return [default if value is None else value] * len(columns)


def _signs(polarity: Any, columns: list[str]) -> np.ndarray:
    pols = _per_column(polarity, columns, Polarity.HIGHER_IS_BETTER, "polarity")
    signs = []
    for col, p in zip(columns, pols, strict=True):
        pol = choice(Polarity, p, "polarity")
        if pol is Polarity.NEUTRAL:
            raise DefinitionError(
                Message(
                    "a neutral indicator has no better direction and cannot enter a composite",
                    N_(
                        "un indicatore neutro non ha una direzione migliore e non può entrare in "
                        "un indice composito"
                    ),
                ),
                item=col,
                field="polarity",
            )
        signs.append(float(pol.sign))
    return np.array(signs)


@contextlib.contextmanager
def _quiet_empty_slices() -> Iterator[None]:
    """Silence numpy's warnings for statistics of all-NaN slices (the result is NaN)."""
    with warnings.catch_warnings():
        for message in (
            "All-NaN slice encountered",
            "Mean of empty slice",
            "Degrees of freedom <= 0",
        ):
            warnings.filterwarnings("ignore", message=message, category=RuntimeWarning)
        yield


def _normalise_array(
    A: np.ndarray,
    method: Normaliser,
    sign: np.ndarray,
    *,
    lo: np.ndarray | None = None,
    hi: np.ndarray | None = None,
    log: np.ndarray | None = None,
    target: np.ndarray | None = None,
    bounds: tuple[float, float] = (0.0, 1.0),
) -> np.ndarray:
    """Normalise ``A`` (..., n organizations, L indicators) along the organizations axis.

    An indicator with no value at all (all NaN) normalises to NaN; the
    availability threshold of the aggregation then decides. ``bounds`` is
    the range of ``min_max`` and ``rank`` (the worst and the best; a
    constant indicator gets its midpoint).
    """
    b_lo, b_hi = bounds
    with np.errstate(invalid="ignore", divide="ignore"), _quiet_empty_slices():
        if method is Normaliser.MIN_MAX:
            mn, mx = np.nanmin(A, axis=-2, keepdims=True), np.nanmax(A, axis=-2, keepdims=True)
            rng = mx - mn
            out = np.where(sign > 0, A - mn, mx - A) / rng
            unit = np.where(rng > 0, out, np.where(np.isnan(A), np.nan, 0.5))
            return b_lo + (b_hi - b_lo) * unit
        if method is Normaliser.Z_SCORE:
            mean = np.nanmean(A, axis=-2, keepdims=True)
            sd = np.nanstd(A, axis=-2, keepdims=True, ddof=1)
            z = sign * (A - mean) / sd
            return np.where(sd > 0, z, np.where(np.isnan(A), np.nan, 0.0))
        if method is Normaliser.RANK:
            # percentile rank with average ties: 0 for the worst, 1 for the best
            from scipy.stats import rankdata

            r = rankdata(sign * A, axis=-2, method="average", nan_policy="omit")
            n = np.sum(~np.isnan(A), axis=-2, keepdims=True)
            unit = np.where(n > 1, (r - 1) / (n - 1), np.where(np.isnan(A), np.nan, 0.5))
            return b_lo + (b_hi - b_lo) * unit
        if method is Normaliser.DISTANCE_TO_BEST:
            best = np.where(
                sign > 0, np.nanmax(A, axis=-2, keepdims=True), np.nanmin(A, axis=-2, keepdims=True)
            )
            out = np.where(sign > 0, A / best, best / A)
            return np.where(np.isfinite(out), out, np.where(best == A, 1.0, np.nan))
        if method is Normaliser.DISTANCE_TO_TARGET:
            if target is None or np.isnan(target).any():
                raise DefinitionError(
                    Message(
                        "distance_to_target needs a target value for every indicator",
                        N_("distance_to_target richiede un valore obiettivo per ogni indicatore"),
                    )
                )
            out = np.where(sign > 0, A / target, target / A)
            return np.where(np.isfinite(out), out, np.nan)
        if method is Normaliser.GOALPOSTS:
            if lo is None or hi is None or np.isnan(lo).any() or np.isnan(hi).any():
                raise DefinitionError(
                    Message(
                        "goalposts normalisation needs (min, max) for every indicator",
                        N_("la normalizzazione goalposts richiede (min, max) per ogni indicatore"),
                    )
                )
            use_log = np.zeros_like(lo, dtype=bool) if log is None else log
            a = np.where(use_log, np.log(np.where(use_log, A, 1.0)), A)
            lo_ = np.where(use_log, np.log(lo), lo)
            hi_ = np.where(use_log, np.log(hi), hi)
            g = np.clip((a - lo_) / (hi_ - lo_), 0.0, 1.0)
            return np.where(sign > 0, g, 1.0 - g)
    raise DefinitionError(  # pragma: no cover
        Message(
            "unknown normaliser {method}",
            N_("normalizzazione sconosciuta {method}"),
            method=repr(method),
        ),
        field="normaliser",
    )


def _indicator_matrix(data: pd.DataFrame, source: str | None = None) -> np.ndarray:
    """The values of ``data`` (organizations x indicators) as floats, NaN where missing.

    A cell that is not a number is a :class:`DataError` naming its
    organization (the row; with a period, ``2024, a``) and indicator (the
    column).
    """
    try:
        return data.to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError):
        pass
    for position, column in enumerate(data.columns):
        values = data.iloc[:, position]
        bad = (pd.to_numeric(values, errors="coerce").isna() & values.notna()).to_numpy(bool)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise DataError(
                Message(
                    "indicator values must be numbers; {organization} has {value}",
                    N_("i valori degli indicatori devono essere numeri; {organization} ha {value}"),
                    organization=_row_name(data.index[i]),
                    value=repr(values.iloc[i]),
                ),
                source=source,
                row=i + 1,
                column=str(column),
            )
    raise DataError(  # pragma: no cover - pandas refused what to_numeric reads
        Message(
            "indicator values must be numbers", N_("i valori degli indicatori devono essere numeri")
        )
    )


def _row_name(label: Any) -> str:
    """An organization as a row of indicator values names it (``2024, a``; no empty period)."""
    parts = label if isinstance(label, tuple) else (label,)
    return ", ".join(str(x) for x in parts if str(x) != "")


def normalise(
    data: pd.DataFrame,
    *,
    method: Normaliser | str = "min_max",
    polarity: Mapping[str, Polarity | str] | Polarity | str = "higher_is_better",
    goalposts: Mapping[str, tuple[float, float]] | tuple[float, float] | None = None,
    log: Mapping[str, bool] | bool = False,
    targets: Mapping[str, float] | float | None = None,
    bounds: tuple[float, float] | None = None,
) -> pd.DataFrame:
    """Normalise indicator columns so that higher is better and scales are comparable.

    Parameters
    ----------
    data
        Wide frame: one row per organization, one numeric column per
        indicator. Missing values stay missing. Not modified.
    method
        A :class:`Normaliser`: ``min_max``, ``z_score``, ``rank``,
        ``distance_to_target``, ``distance_to_best`` or ``goalposts``.
    polarity
        One polarity for all columns or a mapping column -> polarity
        (``higher_is_better`` / ``lower_is_better``); neutral indicators
        are refused.
    goalposts
        ``(min, max)`` for all columns or per column (``goalposts`` method).
    log
        Use the natural log of values and goalposts (``goalposts`` method),
        as the UNDP HDI income index.
    targets
        Target value per column (``distance_to_target`` method).
    bounds
        ``(worst, best)`` range of the ``min_max`` and ``rank`` methods
        (default ``(0, 1)``; COINr's ``l_u``). Before a geometric or
        harmonic mean use :data:`POSITIVE_BOUNDS` ``(0.01, 1)``, so that no
        value is 0 (what :func:`composite` does by itself).

    Returns
    -------
    pandas.DataFrame
        Same shape, index and columns as ``data``.

    Raises
    ------
    DefinitionError
        Unknown method, neutral polarity, missing goalposts or targets,
        ``bounds`` not increasing or given for another method.
    DataError
        Non-numeric columns.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"loans": [1.0, 3.0, 5.0], "wait": [10.0, 20.0, 30.0]},
    ...                   index=["a", "b", "c"])
    >>> normalise(df, polarity={"loans": "higher_is_better", "wait": "lower_is_better"})
       loans  wait
    a    0.0   1.0
    b    0.5   0.5
    c    1.0   0.0

    The UNDP HDI income index: log goalposts 100 and 75,000 PPP$.

    >>> gni = pd.DataFrame({"gni": [42_776.0]}, index=["Italy"])
    >>> income = normalise(gni, method="goalposts", goalposts=(100, 75_000), log=True)
    >>> round(float(income.iloc[0, 0]), 3)
    0.915

    Min-max onto the positive range used before a geometric mean:

    >>> normalise(df[["loans"]], bounds=POSITIVE_BOUNDS)["loans"].tolist()
    [0.01, 0.505, 1.0]
    """
    meth: Normaliser = choice(Normaliser, method, "normaliser")
    if bounds is None:
        bounds = (0.0, 1.0)
    elif str(meth) not in _RESCALED:
        raise DefinitionError(
            f"bounds apply to the min_max and rank normalisers, not to {meth.value}",
            field="bounds",
        )
    else:
        bounds = _check_bounds(bounds)
    cols = [str(c) for c in data.columns]
    A = _indicator_matrix(data)
    sign = _signs(polarity, cols)
    kwargs = _reference_values(meth, cols, goalposts, log, targets)
    out = _normalise_array(A, meth, sign, bounds=bounds, **kwargs)
    return pd.DataFrame(out, index=data.index, columns=data.columns)


def _reference_values(
    method: Normaliser,
    cols: list[str],
    goalposts: Mapping[str, tuple[float, float]] | tuple[float, float] | None,
    log: Mapping[str, bool] | bool,
    targets: Mapping[str, float] | float | None,
) -> dict[str, np.ndarray]:
    """Goalposts (``lo``, ``hi``, ``log``) or ``target`` per column, as the method needs."""
    kwargs: dict[str, np.ndarray] = {}
    if method is Normaliser.GOALPOSTS:
        gp = _per_column(goalposts, cols, None, "goalposts")
        if any(g is None for g in gp):
            missing = [c for c, g in zip(cols, gp, strict=True) if g is None]
            raise DefinitionError(
                Message(
                    "goalposts normalisation needs (min, max)",
                    N_("la normalizzazione goalposts richiede (min, max)"),
                ),
                item=missing[0],
            )
        kwargs["lo"] = np.array([float(g[0]) for g in gp])
        kwargs["hi"] = np.array([float(g[1]) for g in gp])
        kwargs["log"] = np.array(_per_column(log, cols, False, "log"), dtype=bool)
    if method is Normaliser.DISTANCE_TO_TARGET:
        tg = _per_column(targets, cols, None, "targets")
        kwargs["target"] = np.array([np.nan if t is None else float(t) for t in tg])
    return kwargs


def _check_bounds(bounds: Sequence[float]) -> tuple[float, float]:
    lo, hi = float_pair(bounds, "bounds", "(worst, best)")
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise DefinitionError(
            Message(
                "bounds need finite worst < best, not {bounds}",
                N_("bounds vuole due numeri finiti, il peggiore minore del migliore, non {bounds}"),
                bounds=f"({lo:g}, {hi:g})",
            ),
            field="bounds",
        )
    return lo, hi


def _winsorise_array(A: np.ndarray, share: float) -> np.ndarray:
    lo = np.nanquantile(A, share, axis=-2, keepdims=True)
    hi = np.nanquantile(A, 1 - share, axis=-2, keepdims=True)
    return np.clip(A, lo, hi)


def winsorise(data: pd.DataFrame, *, share: float = 0.025) -> pd.DataFrame:
    """Clip each column to its ``share`` and ``1 - share`` quantiles.

    Outliers would otherwise stretch min-max scales and dominate
    arithmetic means (Handbook section 5, "outliers").

    Examples
    --------
    >>> import pandas as pd
    >>> winsorise(pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0, 100.0]}), share=0.25)["x"].tolist()
    [2.0, 2.0, 3.0, 4.0, 4.0]
    """
    if not 0 <= share < 0.5:
        raise DefinitionError(
            Message(
                "winsorise share must be in [0, 0.5), not {share}",
                N_("la quota da winsorizzare va da 0 a meno di 0,5, non {share}"),
                share=repr(share),
            ),
            field="winsorise",
        )
    A = data.to_numpy(dtype=float, na_value=np.nan)
    if share == 0 or len(A) == 0:
        return data.copy()
    return pd.DataFrame(_winsorise_array(A, share), index=data.index, columns=data.columns)


def _varimax(L: np.ndarray, iterations: int = 100, tol: float = 1e-8) -> np.ndarray:
    """Varimax rotation of a loadings matrix (p variables x k factors)."""
    p, k = L.shape
    if k < 2:
        return L
    R = np.eye(k)
    d = 0.0
    for _ in range(iterations):
        LR = L @ R
        u, s, vt = np.linalg.svd(L.T @ (LR**3 - LR @ np.diag(np.sum(LR**2, axis=0)) / p))
        R = u @ vt
        d_new = float(np.sum(s))
        if d_new < d * (1 + tol):
            break
        d = d_new
    return L @ R


def pca_weights(data: pd.DataFrame, *, min_eigenvalue: float = 1.0) -> pd.Series:
    """Weights from principal components, as in the OECD/JRC Handbook (section 6.1).

    On the correlation matrix of complete rows: keep the components with
    eigenvalue >= ``min_eigenvalue`` (Kaiser criterion; at least one),
    rotate them (varimax), square the loadings and scale them to sum 1 per
    factor; each indicator is assigned to the factor on which it loads most
    and weighted by its scaled squared loading times the factor's share of
    explained variance. Weights sum to 1.

    Parameters
    ----------
    data
        Wide frame of indicator values (ideally normalised; polarity does
        not matter since loadings are squared).
    min_eigenvalue
        Kaiser threshold.

    Returns
    -------
    pandas.Series
        Weight per column, summing to 1.

    Raises
    ------
    DataError
        Fewer than 3 complete rows, fewer than 2 columns, or a constant
        column.

    Examples
    --------
    Two strongly correlated indicators share one factor and split its
    weight; the independent third one gets its own factor.

    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> a = rng.normal(size=200)
    >>> df = pd.DataFrame({"x": a, "y": a + 0.1 * rng.normal(size=200), "z": rng.normal(size=200)})
    >>> w = pca_weights(df)
    >>> round(float(w.sum()), 6), bool(abs(w["x"] - w["y"]) < 0.02)
    (1.0, True)
    """
    A = data.dropna().to_numpy(dtype=float)
    if A.shape[1] < 2 or A.shape[0] < 3:
        raise DataError(
            Message(
                "PCA weights need at least 2 indicators and 3 organizations with complete data",
                N_("i pesi PCA richiedono almeno 2 indicatori e 3 enti con dati completi"),
            )
        )
    sd = A.std(axis=0, ddof=1)
    if (sd == 0).any():
        col = str(data.columns[int(np.flatnonzero(sd == 0)[0])])
        raise DataError(
            Message(
                "a constant indicator cannot be weighted by PCA",
                N_("un indicatore costante non può essere pesato con la PCA"),
            ),
            column=col,
        )
    C = np.corrcoef(A, rowvar=False)
    vals, vecs = np.linalg.eigh(C)
    order = np.argsort(vals)[::-1]
    vals, vecs = vals[order], vecs[:, order]
    k = max(1, int(np.sum(vals >= min_eigenvalue)))
    loadings = _varimax(vecs[:, :k] * np.sqrt(vals[:k]))
    sq = loadings**2
    factor_var = sq.sum(axis=0)
    scaled = sq / factor_var
    best = np.argmax(scaled, axis=1)
    w = scaled[np.arange(len(best)), best] * (factor_var / factor_var.sum())[best]
    return pd.Series(w / w.sum(), index=data.columns, name="weight")


def _aggregate_array(
    C: np.ndarray, w: np.ndarray, method: Aggregator, min_coverage: float
) -> tuple[np.ndarray, np.ndarray]:
    """Aggregate children ``C`` (..., k) with weights ``w`` (..., k) (broadcast).

    Returns ``(value, coverage)``; value is NaN where the share of available
    components is below ``min_coverage``. Weights are renormalised over the
    available components.
    """
    avail = ~np.isnan(C)
    k = C.shape[-1]
    coverage = avail.sum(axis=-1) / k
    wa = np.where(avail, w, 0.0)
    wsum = wa.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        Cz = np.where(avail, C, 1.0)
        if method is Aggregator.ARITHMETIC:
            val = (wa * Cz).sum(axis=-1) / wsum
        elif method is Aggregator.GEOMETRIC:
            val = np.exp((wa * np.log(Cz)).sum(axis=-1) / wsum)
        else:
            val = wsum / (wa / Cz).sum(axis=-1)
            val = np.where(np.isinf((wa / Cz).sum(axis=-1)), 0.0, val)
    ok = (coverage >= min_coverage) & (wsum > 0)
    return np.where(ok, val, np.nan), coverage


def aggregate(
    data: pd.DataFrame,
    *,
    weights: Mapping[str, float] | pd.Series | None = None,
    method: Aggregator | str = "arithmetic",
    min_coverage: float = 0.5,
) -> pd.DataFrame:
    """Weighted mean of normalised indicator columns, one score per row.

    Parameters
    ----------
    data
        Wide frame of normalised values (higher is better). Geometric and
        harmonic means need strictly positive values: normalise with
        ``bounds=POSITIVE_BOUNDS`` (min-max or rank onto 0.01 ... 1, COINr's
        1 ... 100), goalposts or a distance method on positive data.
    weights
        Weight per column (default: equal weights).
    method
        ``arithmetic``, ``geometric`` or ``harmonic``.
    min_coverage
        Data-availability threshold: the share of components a row needs
        (0 ... 1). Below it the score is missing with status
        ``insufficient_data``; above it weights are renormalised over the
        available components.

    Returns
    -------
    pandas.DataFrame
        Index as ``data``; columns ``value``, ``coverage`` (share of
        components available) and ``status`` (``ok`` or
        ``insufficient_data``).

    Raises
    ------
    DataError
        Values of 0 or below with geometric or harmonic aggregation
        (``failure_cases`` lists them).
    DefinitionError
        Unknown method or columns, negative weights.

    Examples
    --------
    The compensability example of the OECD/JRC Handbook (2008, section 6.2):
    country A (21, 1, 1, 1) and country B (6, 6, 6, 6) tie with a linear
    aggregation but not with a geometric one.

    >>> import pandas as pd
    >>> df = pd.DataFrame([[21, 1, 1, 1], [6, 6, 6, 6]], index=["A", "B"])
    >>> aggregate(df)["value"].tolist()
    [6.0, 6.0]
    >>> aggregate(df, method="geometric")["value"].round(2).tolist()
    [2.14, 6.0]
    """
    agg: Aggregator = choice(Aggregator, method, "aggregator")
    if not 0 <= min_coverage <= 1:
        raise DefinitionError(
            Message(
                "min_coverage must be in [0, 1], not {value}",
                N_("min_coverage va da 0 a 1, non {value}"),
                value=repr(min_coverage),
            ),
            field="min_coverage",
        )
    cols = list(data.columns)
    w = _weight_vector(weights, cols)
    C = data.to_numpy(dtype=float, na_value=np.nan)
    if agg is not Aggregator.ARITHMETIC:
        _check_positive(C, data.index, cols, agg)
    val, cov = _aggregate_array(C, w, agg, min_coverage)
    status = np.where(np.isnan(val), "insufficient_data", "ok")
    return pd.DataFrame({"value": val, "coverage": cov, "status": status}, index=data.index)


def _weight_vector(weights: Mapping[str, float] | pd.Series | None, cols: list[Any]) -> np.ndarray:
    """The weight of each column (equal without ``weights``; 0 for a column not given)."""
    if weights is None:
        w = np.ones(len(cols))
    else:
        wmap = dict(weights.items()) if isinstance(weights, pd.Series) else dict(weights)
        unknown = set(wmap) - set(cols)
        if unknown:
            raise DefinitionError(
                Message(
                    "{name} given for unknown column(s) {columns}",
                    N_("{name} indicati per colonne che non ci sono: {columns}"),
                    name=repr("weights"),
                    columns=", ".join(sorted(map(str, unknown))),
                ),
                field="weights",
            )
        w = np.array([float(wmap.get(c, 0.0)) for c in cols])
    if (w < 0).any() or not np.isfinite(w).all():
        raise DefinitionError(
            Message(
                "weights must be finite and not negative",
                N_("i pesi devono essere numeri finiti e non negativi"),
            ),
            field="weights",
        )
    return w


def _check_positive(C: np.ndarray, index: pd.Index, cols: list[Any], agg: Aggregator) -> None:
    """Refuse values of 0 or below before a geometric or harmonic mean (all of them listed)."""
    rows, cols_bad = np.nonzero(C <= 0)
    if not len(rows):
        return
    cases = pd.DataFrame(
        {
            "row": index[rows],
            "column": [cols[j] for j in cols_bad],
            "value": C[rows, cols_bad],
        }
    )
    raise DataError(
        Message(
            "a {aggregator} mean needs strictly positive values; {n} value(s) are 0 or negative "
            "(first: row {first}). Normalise with bounds=POSITIVE_BOUNDS (min-max or rank onto "
            "0.01 ... 1) or use an arithmetic mean",
            N_(
                "la media {aggregator} richiede valori positivi; {n} valori sono 0 o negativi "
                "(il primo: riga {first}). Normalizzare con bounds=POSITIVE_BOUNDS (min-max o "
                "rank su 0,01 ... 1) o usare la media aritmetica"
            ),
            aggregator=agg.value,
            n=len(rows),
            first=repr(cases["row"].iloc[0]),
        ),
        column=str(cases["column"].iloc[0]),
        failure_cases=cases,
    )
