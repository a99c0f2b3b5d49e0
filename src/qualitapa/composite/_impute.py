"""Imputation of missing indicator values before they enter a composite index.

The OECD/JRC Handbook (2008, section 4) lists the single-imputation methods
qualitapa offers; COINr's ``Impute`` (bluefoxr/COINr, R/impute.R) offers the
same ones (``i_mean``, ``i_median``, ``i_mean_grp``, ``i_median_grp``) plus
model-based ones:

* ``mean`` / ``median``: the indicator's mean or median over the
  organizations compared (unconditional);
* ``group_mean`` / ``group_median``: the same within the organization's peer
  group (e.g. cities of the same size class);
* ``regression``: an ordinary least-squares regression of the indicator on
  the other indicators of its dimension (the leaves of the same sub-index)
  that the organization has, fitted on the organizations that have all of
  them (one regression per pattern of available predictors, no EM
  iterations);
* ``none``: no imputation; the aggregation then renormalises the weights
  over the components an organization has (which amounts to imputing the
  weighted mean of its other components).

Every filled cell is recorded with the method that filled it. When a method
cannot fill a cell (a peer group without any value of the indicator; no
predictor available, or fewer organizations with complete data than
predictors + 2), the indicator's overall mean (median for
``group_median``) fills it and the record says so; an indicator without any
value stays missing.
"""

from __future__ import annotations

import enum
from collections.abc import Hashable, Mapping, Sequence

import attrs
import numpy as np
import pandas as pd

from qualitapa.composite._methods import _indicator_matrix, _quiet_empty_slices
from qualitapa.composite._options import choice
from qualitapa.errors import DefinitionError, Message
from qualitapa.i18n import N_


class Imputation(enum.StrEnum):
    """Imputation methods of missing indicator values (see :func:`impute`)."""

    NONE = "none"
    MEAN = "mean"
    MEDIAN = "median"
    GROUP_MEAN = "group_mean"
    GROUP_MEDIAN = "group_median"
    REGRESSION = "regression"


#: How a cell was filled: code -> method name (0 = not imputed).
HOW = ("", "mean", "median", "group_mean", "group_median", "regression")
_CODE = {name: code for code, name in enumerate(HOW)}
_GROUPED = frozenset({Imputation.GROUP_MEAN, Imputation.GROUP_MEDIAN})


def _column_stat(A: np.ndarray, median: bool) -> np.ndarray:
    with _quiet_empty_slices():
        return np.nanmedian(A, axis=0) if median else np.nanmean(A, axis=0)


def _fill(B: np.ndarray, how: np.ndarray, values: np.ndarray, code: int) -> None:
    """Fill the missing cells of ``B`` that ``values`` (same shape) has, recording ``code``."""
    todo = np.isnan(B) & ~np.isnan(values)
    B[todo] = values[todo]
    how[todo] = code


def _ols(X: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Intercept and slopes of the least-squares fit of ``y`` on ``X``.

    On centred data, by the normal equations (a p x p system: fast on many rows);
    a least-squares solve of that small system copes with collinear predictors.
    """
    mx, my = X.mean(axis=0), y.mean()
    Xc = X - mx
    beta = np.linalg.lstsq(Xc.T @ Xc, Xc.T @ (y - my), rcond=None)[0]
    return float(my - mx @ beta), beta


def _regression_fill(
    A: np.ndarray, B: np.ndarray, how: np.ndarray, dims: Sequence[Sequence[int]]
) -> None:
    """OLS predictions of the missing cells of ``A`` from the other columns of their dimension."""
    for dim in dims:
        dim = list(dim)
        for j in dim:
            missing = np.flatnonzero(np.isnan(A[:, j]))
            others = np.array([c for c in dim if c != j], dtype=int)
            if not len(missing) or not len(others):
                continue
            seen = ~np.isnan(A[np.ix_(missing, others)])  # predictors each row has
            patterns, which = np.unique(seen, axis=0, return_inverse=True)
            for p, pattern in enumerate(patterns):
                preds = others[pattern]
                rows = missing[which.ravel() == p]
                train = ~np.isnan(A[:, j]) & ~np.isnan(A[:, preds]).any(axis=1)
                if not len(preds) or train.sum() < len(preds) + 2:
                    continue  # the mean fills them afterwards
                beta0, beta = _ols(A[np.ix_(train, preds)], A[train, j])
                B[rows, j] = beta0 + A[np.ix_(rows, preds)] @ beta
                how[rows, j] = _CODE["regression"]


def _impute_array(
    A: np.ndarray,
    method: Imputation,
    groups: np.ndarray | None = None,
    dims: Sequence[Sequence[int]] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Imputed copy of ``A`` (organizations x indicators) and the code of how each cell was filled.

    ``groups``: integer peer-group code of each row (-1 = none); ``dims``:
    the column indices of each dimension (regression; default all columns).
    Codes index :data:`HOW`.
    """
    B = A.astype(float, copy=True)
    how = np.zeros(A.shape, dtype=np.int8)
    if method is Imputation.NONE or not np.isnan(A).any():
        return B, how
    median = method in (Imputation.MEDIAN, Imputation.GROUP_MEDIAN)
    if method in _GROUPED:
        if groups is None:
            raise DefinitionError(
                Message(
                    "imputation {method!r} needs the peer group of each organization; give "
                    "groups, or use 'mean', 'median' or 'regression'",
                    N_(
                        "l'imputazione {method!r} richiede il gruppo di confronto di ogni ente; "
                        "indicare i gruppi, o usare 'mean', 'median' o 'regression'"
                    ),
                    method=method.value,
                ),
                field="imputation",
            )
        frame = pd.DataFrame(A)
        keys = pd.Series(np.where(groups >= 0, groups, np.nan))
        stat = frame.groupby(keys, dropna=True).transform("median" if median else "mean")
        _fill(B, how, stat.to_numpy(dtype=float, na_value=np.nan), _CODE[method.value])
    elif method is Imputation.REGRESSION:
        _regression_fill(A, B, how, [list(range(A.shape[1]))] if dims is None else dims)
    overall = np.broadcast_to(_column_stat(A, median), A.shape)
    _fill(B, how, overall, _CODE["median" if median else "mean"])
    return B, how


@attrs.frozen
class ImputationResult:
    """Result of :func:`impute`.

    Attributes
    ----------
    data : pandas.DataFrame
        The data with the missing values filled (same index and columns).
    imputed : pandas.DataFrame
        One row per filled cell: ``row`` (the index label), ``column``,
        ``value`` and ``method`` (the method that filled it: the one asked
        for, or ``mean``/``median`` where it could not).
    """

    data: pd.DataFrame
    imputed: pd.DataFrame


def _group_codes(
    groups: Mapping[Hashable, object] | pd.Series | None, index: pd.Index
) -> np.ndarray | None:
    """Integer code of each row's peer group (-1 without one)."""
    if groups is None:
        return None
    series = groups if isinstance(groups, pd.Series) else pd.Series(dict(groups), dtype=object)
    labels = series.reindex(index)
    codes, _ = pd.factorize(labels, use_na_sentinel=True)
    return np.asarray(codes, dtype=int)


def _cells(
    index: pd.Index, columns: Sequence[object], B: np.ndarray, how: np.ndarray
) -> pd.DataFrame:
    rows, cols = np.nonzero(how)
    return pd.DataFrame(
        {
            "row": index[rows],
            "column": [columns[int(c)] for c in cols],
            "value": B[rows, cols],
            "method": np.array(HOW, dtype=object)[how[rows, cols]],
        }
    )


def impute(
    data: pd.DataFrame,
    *,
    method: Imputation | str = "mean",
    groups: Mapping[Hashable, object] | pd.Series | None = None,
    dimensions: Mapping[str, Sequence[str]] | None = None,
) -> ImputationResult:
    """Fill the missing values of indicator columns, recording every filled cell.

    Parameters
    ----------
    data
        Wide frame: one row per organization, one numeric column per
        indicator. Not modified.
    method
        An :class:`Imputation`: ``mean``, ``median``, ``group_mean``,
        ``group_median``, ``regression`` or ``none``.
    groups
        Peer group of each row, by index label (``group_*`` methods).
        Rows without a group get the overall statistic.
    dimensions
        Columns of each dimension (``regression``: an indicator is predicted
        from the other indicators of its dimension); default: all columns
        form one dimension.

    Returns
    -------
    ImputationResult
        ``data`` (filled) and ``imputed`` (the filled cells and how).

    Raises
    ------
    DefinitionError
        Unknown method; a ``group_*`` method without ``groups``; a
        dimension naming an unknown column.
    DataError
        Non-numeric columns.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> df = pd.DataFrame({"x": [1.0, 2.0, 3.0, np.nan], "y": [2.0, 4.0, 6.0, 8.0]},
    ...                   index=["a", "b", "c", "d"])
    >>> impute(df).data["x"].tolist()
    [1.0, 2.0, 3.0, 2.0]
    >>> res = impute(df, method="regression")
    >>> round(float(res.data.loc["d", "x"]), 9), res.imputed["method"].tolist()
    (4.0, ['regression'])
    """
    meth: Imputation = choice(Imputation, method, "imputation")
    A = _indicator_matrix(data)
    columns = list(data.columns)
    dims = None
    if dimensions is not None:
        position = {c: i for i, c in enumerate(columns)}
        unknown = [c for cols in dimensions.values() for c in cols if c not in position]
        if unknown:
            raise DefinitionError(
                Message(
                    "dimensions name unknown column(s) {unknown} (the columns are {columns})",
                    N_(
                        "le dimensioni nominano colonne che non ci sono: {unknown} (le colonne "
                        "sono {columns})"
                    ),
                    unknown=", ".join(map(repr, unknown)),
                    columns=", ".join(map(repr, map(str, columns))),
                ),
                field="dimensions",
            )
        dims = [[position[c] for c in cols] for cols in dimensions.values()]
    B, how = _impute_array(A, meth, _group_codes(groups, data.index), dims)
    filled = pd.DataFrame(B, index=data.index, columns=data.columns)
    return ImputationResult(filled, _cells(data.index, columns, B, how))
