"""Benchmarking: comparing organizations on the same indicator and period."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from qualitapa.errors import DefinitionError
from qualitapa.indicators._resolve import DefinitionsLike
from qualitapa.indicators._values import read_values, resolve_polarities
from qualitapa.models import PeerGroup

__all__ = ["BENCHMARK_COLUMNS", "benchmark", "peer_group_of"]

#: Columns of the frame :func:`benchmark` returns (``peer_group`` only with
#: ``peer_groups``).
BENCHMARK_COLUMNS = (
    "organization",
    "period",
    "indicator",
    "peer_group",
    "value",
    "rank",
    "percentile",
    "quartile",
    "z_score",
    "best_value",
    "best_performers",
    "is_best",
    "gap_to_best",
    "gap_to_median",
    "n",
)


def peer_group_of(
    peer_groups: str | PeerGroup | Mapping[str, Any], catalog: Any = None
) -> dict[str, str]:
    """Organization id -> peer group label.

    Parameters
    ----------
    peer_groups
        The id of a peer group in the catalog, a
        :class:`~qualitapa.models.PeerGroup` or a mapping organization id ->
        group label.
    catalog
        Where peer group ids and, for population classes, the
        organizations' populations are found (default: the default catalog).

    Examples
    --------
    >>> from qualitapa.models import PeerGroup
    >>> peer_group_of(PeerGroup("pair", "Coppie", members={"a": "x", "b": "y"}))
    {'a': 'x', 'b': 'y'}
    """
    if isinstance(peer_groups, Mapping):
        return {str(k): str(v) for k, v in peer_groups.items() if v is not None}
    if isinstance(peer_groups, str):
        if catalog is None:
            from qualitapa.catalog import default_catalog

            catalog = default_catalog()
        peer_groups = catalog.peer_groups[peer_groups]
    if not isinstance(peer_groups, PeerGroup):
        raise DefinitionError(
            "peer_groups must be a peer group id, a PeerGroup or a mapping organization -> "
            f"group, not {type(peer_groups).__name__}"
        )
    if peer_groups.members:
        return dict(peer_groups.members)
    if catalog is None:
        from qualitapa.catalog import default_catalog

        catalog = default_catalog()
    populations = catalog.populations()
    if not any(p is not None for p in populations.values()):
        raise DefinitionError(
            "population classes need the organizations' populations: pass a catalog whose "
            "organizations have a population",
            item=peer_groups.id,
        )
    return peer_groups.assign(populations)


def _nullable_int(
    values: np.ndarray, mask: np.ndarray, dtype: type
) -> pd.api.extensions.ExtensionArray:
    data: np.ndarray = np.where(mask, 0, values).astype(dtype)
    return pd.arrays.IntegerArray(data, mask)


def benchmark(
    values: pd.DataFrame,
    *,
    definitions: DefinitionsLike | Mapping[str, Any] = None,
    catalog: Any = None,
    peer_groups: str | PeerGroup | Mapping[str, Any] | None = None,
    source: str | None = None,
) -> pd.DataFrame:
    """Compare organizations on each indicator and period (optionally within peer groups).

    Parameters
    ----------
    values
        Indicator values with columns ``organization, period, indicator,
        value`` (the output of :func:`compute`; other columns are ignored).
    definitions
        Where each indicator's polarity comes from: anything
        :func:`compute` accepts, or a mapping ``{indicator id: polarity}``.
        By default the indicator ids are looked up in ``catalog`` (or the
        default catalog).
    catalog
        Catalog for indicator ids, peer group ids and populations.
    peer_groups
        Compare within groups: a peer group id from the catalog, a
        :class:`~qualitapa.models.PeerGroup` (population classes use the
        catalog's populations) or a mapping organization id -> group.
        Organizations outside every group keep their rows, with a missing
        ``peer_group`` and no statistics (``n`` = 0).
    source
        Name of the data for error messages.

    Returns
    -------
    pandas.DataFrame
        The rows of ``values`` in the same order, columns:

        * ``organization``, ``period``, ``indicator``, [``peer_group``], ``value``;
        * ``rank``: 1 = best, respecting polarity; ties share the lowest
          rank ("min"); missing for missing values and neutral indicators;
        * ``percentile``: share (0-100) of the other compared
          organizations that this one does at least as well as (100 = best;
          for neutral indicators, the share with a smaller or equal value);
        * ``quartile``: 1 (percentile >= 75, the best quarter) to 4;
        * ``z_score``: (value - mean) / standard deviation (ddof=1) of the
          group; missing when fewer than 2 values or no spread;
        * ``best_value``, ``best_performers`` (ids, comma-separated,
          sorted), ``is_best``: missing / False for neutral indicators;
        * ``gap_to_best``, ``gap_to_median``: value minus best value /
          median, signed so that positive means better (so ``gap_to_best``
          is <= 0); missing for neutral indicators;
        * ``n``: number of organizations with a value in the comparison.

    Raises
    ------
    DataError
        Values are not numbers or (organization, period, indicator) rows
        are duplicated (``failure_cases`` lists them).
    DefinitionError
        An indicator has no known polarity.

    Examples
    --------
    >>> import pandas as pd
    >>> vals = pd.DataFrame({"organization": ["a", "b", "c", "d"], "period": 2024,
    ...                      "indicator": "registry.wait_minutes",
    ...                      "value": [12.0, 8.0, 8.0, 20.0]})
    >>> res = benchmark(vals, definitions={"registry.wait_minutes": "lower_is_better"})
    >>> res[["organization", "rank", "percentile", "best_performers", "gap_to_best"]]
      organization  rank  percentile best_performers  gap_to_best
    0            a     3   33.333333            b, c         -4.0
    1            b     1  100.000000            b, c          0.0
    2            c     1  100.000000            b, c          0.0
    3            d     4    0.000000            b, c        -12.0
    """
    iv = read_values(values, source=source)
    polarity, _ = resolve_polarities(iv.indicator_labels, definitions, catalog)
    sign_of_ind = np.array([polarity[str(i)].sign for i in iv.indicator_labels], dtype=np.int8)
    n_rows = len(iv.value)
    sign = sign_of_ind[iv.indicator] if n_rows else np.zeros(0, dtype=np.int8)
    polar = sign != 0
    order_sign = np.where(polar, sign, 1).astype(np.float64)

    # group of each row: (indicator, period[, peer group]); -1 = not compared
    n_per = max(len(iv.period_labels), 1)
    key = iv.indicator * n_per + iv.period
    peer_col: Any = None
    if peer_groups is not None:
        mapping = peer_group_of(peer_groups, catalog)
        org_group = pd.Series(mapping, dtype=object).reindex(iv.org_labels.astype(str))
        peer_codes, peer_labels = pd.factorize(org_group.to_numpy(), sort=True)
        row_peer = np.asarray(peer_codes, dtype=np.int64)[iv.org]
        key = key * max(len(peer_labels), 1) + row_peer
        key[row_peer < 0] = -1
        peer_col = pd.Categorical.from_codes(row_peer, categories=pd.Index(peer_labels))
    _, g = np.unique(key, return_inverse=True)
    g = g.reshape(-1).astype(np.int64)
    outside = key < 0
    if outside.any():  # the "not compared" key is the smallest, code 0
        g = g - 1
        g[outside] = -1
    n_groups = int(g.max()) + 1 if n_rows else 0

    v = iv.value
    valid = ~np.isnan(v) & ~outside
    score = v * order_sign
    stats = _group_stats(g, score, valid, n_groups)
    rank, n_row, best_score, median_score, mean, std = stats

    with np.errstate(invalid="ignore", divide="ignore"):
        n_f = n_row.astype(np.float64)
        percentile = np.where(n_f > 1, 100.0 * (n_f - rank) / (n_f - 1), 100.0)
        percentile[~valid] = np.nan
        quartile = np.clip(4 - np.floor(percentile / 25.0), 1, 4)
        z = (score - mean) * order_sign / std + 0.0  # + 0.0: no negative zero
        z[~np.isfinite(z)] = np.nan
        best_value = best_score * order_sign
        is_best = valid & polar & (score == best_score)
        gap_best = score - best_score
        gap_median = score - median_score
    best_value[~polar] = np.nan
    gap_best[~polar] = np.nan
    gap_median[~polar] = np.nan
    rank_missing = np.isnan(rank) | ~polar

    org_str = iv.org_labels.astype(str)
    best_col = _best_performers(g, is_best, iv.org, org_str, n_groups)

    out: dict[str, Any] = {
        "organization": values["organization"].array,
        "period": values["period"].array,
        "indicator": values["indicator"].array,
    }
    if peer_col is not None:
        out["peer_group"] = peer_col
    out.update(
        {
            "value": v,
            "rank": _nullable_int(np.nan_to_num(rank), rank_missing, np.int32),
            "percentile": percentile,
            "quartile": _nullable_int(np.nan_to_num(quartile), np.isnan(quartile), np.int8),
            "z_score": z,
            "best_value": best_value,
            "best_performers": best_col,
            "is_best": is_best,
            "gap_to_best": gap_best,
            "gap_to_median": gap_median,
            "n": n_row.astype(np.int32),
        }
    )
    return pd.DataFrame(out, copy=False)


def _group_stats(
    g: np.ndarray, score: np.ndarray, valid: np.ndarray, n_groups: int
) -> tuple[np.ndarray, ...]:
    """Per-row rank (min, descending score) and group n, best, median, mean, std.

    One sort by (group, -score) gives ranks, best values and medians; sums
    by group (``np.bincount``) give means and standard deviations. Rows with
    ``g == -1`` or ``valid`` False get NaN (and n = 0).
    """
    n = len(g)
    nan = np.full(n, np.nan)
    if n == 0 or n_groups == 0:
        return nan, np.zeros(n, dtype=np.int64), nan, nan, nan, nan
    gg = np.where(g < 0, n_groups, g)  # park the not-compared rows in an extra group
    sort_key = np.where(valid, -score, np.inf)  # best first, missing last
    order = np.lexsort((sort_key, gg))
    gs = gg[order]
    ks = sort_key[order]
    idx = np.arange(n)
    new_group = np.empty(n, dtype=bool)
    new_group[0] = True
    np.not_equal(gs[1:], gs[:-1], out=new_group[1:])
    new_value = new_group.copy()
    new_value[1:] |= ks[1:] != ks[:-1]
    first_equal = np.maximum.accumulate(np.where(new_value, idx, 0))
    group_start = np.maximum.accumulate(np.where(new_group, idx, 0))
    rank_sorted = (first_equal - group_start + 1).astype(np.float64)
    rank = np.empty(n)
    rank[order] = rank_sorted
    rank[~valid] = np.nan

    counts = np.bincount(gg, weights=valid, minlength=n_groups + 1).astype(np.int64)
    starts = np.flatnonzero(new_group)  # one per group present, in group order
    present = gs[starts]
    start_of = np.zeros(n_groups + 1, dtype=np.int64)
    start_of[present] = starts
    has = counts > 0
    best_key = np.where(has, ks[np.minimum(start_of, n - 1)], np.nan)
    lo = start_of + np.maximum(counts - 1, 0) // 2
    hi = start_of + counts // 2
    lo = np.minimum(lo, n - 1)
    hi = np.minimum(hi, n - 1)
    median_key = np.where(has, (ks[lo] + ks[hi]) / 2.0, np.nan)
    sums = np.bincount(gg, weights=np.where(valid, score, 0.0), minlength=n_groups + 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_score = sums / counts
        dev = np.where(valid, score - mean_score[gg], 0.0)
        ss = np.bincount(gg, weights=dev * dev, minlength=n_groups + 1)
        std = np.sqrt(ss / (counts - 1))
    std[(counts < 2) | (std == 0)] = np.nan
    counts[n_groups] = 0
    for arr in (best_key, median_key, mean_score, std):
        arr[n_groups] = np.nan
    return (
        rank,
        counts[gg],
        -best_key[gg],
        -median_key[gg],
        mean_score[gg],
        std[gg],
    )


def _best_performers(
    g: np.ndarray, is_best: np.ndarray, org: np.ndarray, org_str: pd.Index, n_groups: int
) -> pd.Categorical:
    """Comma-separated best performers of each row's group, as a categorical."""
    rows = np.flatnonzero(is_best)
    codes = np.full(len(g), -1, dtype=np.int64)
    if len(rows) == 0:
        return pd.Categorical.from_codes(codes, categories=pd.Index([], dtype=object))
    names = pd.DataFrame({"g": g[rows], "org": org_str.to_numpy()[org[rows]]})
    names = names.sort_values(["g", "org"], kind="stable")
    joined = names.groupby("g", sort=True)["org"].agg(", ".join)
    cat_codes, categories = pd.factorize(joined.to_numpy())
    code_of_group = np.full(n_groups, -1, dtype=np.int64)
    code_of_group[joined.index.to_numpy()] = cat_codes
    inside = g >= 0
    codes[inside] = code_of_group[g[inside]]
    return pd.Categorical.from_codes(codes, categories=pd.Index(categories))
