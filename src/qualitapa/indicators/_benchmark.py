"""Benchmarking: comparing organizations on the same indicator and period."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import pandas as pd

from qualitapa.errors import DefinitionError, Message
from qualitapa.i18n import N_
from qualitapa.indicators._resolve import DefinitionsLike
from qualitapa.indicators._values import read_values, resolve_polarities
from qualitapa.models import PeerGroup

if TYPE_CHECKING:
    from qualitapa.catalog import Catalog
    from qualitapa.indicators._values import IndicatorValues
    from qualitapa.models import Polarity

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
    "comparison",
)

#: Values of the ``comparison`` column: why a row has (or lacks) statistics.
COMPARISON_LABELS = (
    "compared",
    "no_value",
    "no_peer_group",
    "local_indicator",
    "too_few_compared",
    "all_equal",
)
_COMPARED, _NO_VALUE, _NO_PEER_GROUP, _LOCAL, _TOO_FEW, _ALL_EQUAL = range(len(COMPARISON_LABELS))

#: Default minimum number of organizations with a value for a comparison.
MIN_COMPARED = 3


def peer_group_of(
    peer_groups: str | PeerGroup | Mapping[str, Any], catalog: Catalog | None = None
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
            Message(
                "population classes need the organizations' populations: pass a catalog whose "
                "organizations have a population",
                N_(
                    "le classi di popolazione richiedono la popolazione degli enti: usare un "
                    "catalogo i cui enti hanno la popolazione"
                ),
            ),
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
    definitions: DefinitionsLike | Mapping[str, Polarity | str] | None = None,
    catalog: Catalog | None = None,
    peer_groups: str | PeerGroup | Mapping[str, Any] | None = None,
    min_compared: int = MIN_COMPARED,
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
        ``peer_group``, no statistics and ``comparison`` =
        ``"no_peer_group"``.
    min_compared
        Minimum number of organizations with a value in a comparison
        (indicator, period and peer group). Below it nobody is ranked:
        no rank, percentile, quartile, z-score, best performer or gap is
        given, and ``comparison`` is ``"too_few_compared"``. Default 3:
        with two organizations, "best" and "worst" say nothing a reader
        cannot see, and a single organization is not a comparison.
        (Not to be confused with the surveys' ``min_n``, the minimum
        number of respondents.)
    source
        Name of the data for error messages.

    Returns
    -------
    pandas.DataFrame
        The rows of ``values`` in the same order, columns:

        * ``organization``, ``period``, ``indicator``, [``peer_group``], ``value``;
        * ``rank``: 1 = best, respecting polarity; ties share the lowest
          rank ("min", as ``pandas.Series.rank(method="min")``); missing for
          missing values and neutral indicators;
        * ``percentile``: share (0-100) of the other compared
          organizations that this one does at least as well as:
          ``100 (n - rank) / (n - 1)`` (100 = best; ties share the higher
          percentile; for neutral indicators, the share with a smaller or
          equal value);
        * ``quartile``: 1 (percentile >= 75, the best quarter), 2
          (>= 50), 3 (>= 25), 4;
        * ``z_score``: (value - mean) / standard deviation (ddof=1) of the
          group, whatever the polarity; missing when there is no spread;
        * ``best_value``, ``best_performers`` (ids, comma-separated,
          sorted), ``is_best``: missing / False for neutral indicators, and
          no best performer when all the values compared are equal;
        * ``gap_to_best``, ``gap_to_median``: value minus best value /
          median, signed so that positive means better (so ``gap_to_best``
          is <= 0); missing for neutral indicators;
        * ``n``: number of organizations with a value in the comparison;
        * ``comparison``: why the row has statistics or not, one of
          :data:`COMPARISON_LABELS`: ``compared``; ``no_value`` (the value
          is missing); ``no_peer_group``; ``local_indicator`` (the
          indicator's definition lists ``organizations``: it is reported
          for them and never ranked across organizations);
          ``too_few_compared`` (fewer than ``min_compared`` values);
          ``all_equal`` (every compared organization has the same value:
          they share rank 1, and nobody is named best performer).

    Raises
    ------
    DataError
        Values are not numbers or (organization, period, indicator) rows
        are duplicated (``failure_cases`` lists them).
    DefinitionError
        An indicator has no known polarity.
    ValueError
        ``min_compared`` is not a positive integer.

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
    _check_min_compared(min_compared)
    iv = read_values(values, source=source)
    sign_of_ind, local_ind = _indicator_arrays(iv, definitions, catalog)
    org_peer, n_peer, peer_col = _peer_codes(iv, peer_groups, catalog)
    block = _Block(
        iv=iv,
        sign_of_ind=sign_of_ind,
        local_ind=local_ind,
        min_compared=int(min_compared),
        org_peer=org_peer,
        n_per=max(len(iv.period_labels), 1),
        n_peer=n_peer,
        org_names=iv.org_labels.astype(str).to_numpy(),
        out=_Outputs(len(iv.value)),
    )
    _run_blocks(block, iv)
    return pd.DataFrame(_result_columns(values, iv, block, peer_col), copy=False)


def _check_min_compared(min_compared: Any) -> None:
    """Raise unless ``min_compared`` is a whole number of at least 1."""
    if isinstance(min_compared, bool) or not isinstance(min_compared, (int, np.integer)):
        raise TypeError(f"min_compared must be an integer, not {min_compared!r}")
    if min_compared < 1:
        raise ValueError(f"min_compared must be at least 1, not {min_compared!r}")


def _indicator_arrays(
    iv: IndicatorValues,
    definitions: DefinitionsLike | Mapping[str, Polarity | str] | None,
    catalog: Catalog | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Per indicator code: the sign of its polarity, and whether it is local (not ranked)."""
    polarity, defs = resolve_polarities(iv.indicator_labels, definitions, catalog)
    sign_of_ind = np.array([polarity[str(i)].sign for i in iv.indicator_labels], dtype=np.float64)
    local_ind = np.array(
        [bool(getattr(defs.get(str(i)), "organizations", ())) for i in iv.indicator_labels],
        dtype=bool,
    )
    return sign_of_ind, local_ind


def _peer_codes(
    iv: IndicatorValues,
    peer_groups: str | PeerGroup | Mapping[str, Any] | None,
    catalog: Catalog | None,
) -> tuple[np.ndarray | None, int, Any]:
    """``(org_peer, n_peer, peer_col)``: each organization's peer group code, the number
    of groups and the ``peer_group`` column (None, 1, None without peer groups)."""
    if peer_groups is None:
        return None, 1, None
    mapping = peer_group_of(peer_groups, catalog)
    org_group = pd.Series(mapping, dtype=object).reindex(iv.org_labels.astype(str))
    peer_codes, peer_labels = pd.factorize(org_group.to_numpy(), sort=True)
    org_peer = np.asarray(peer_codes, dtype=np.int32)  # one code per organization
    peer_col = pd.Categorical.from_codes(org_peer[iv.org], categories=pd.Index(peer_labels))
    return org_peer, max(len(peer_labels), 1), peer_col


def _run_blocks(block: _Block, iv: Any) -> None:
    """Run ``block`` over the rows of each block of whole indicators.

    Indicators are independent: work in blocks of whole indicators to bound
    the memory of temporaries (a loop over indicator blocks, not over rows).
    """
    n_rows = len(iv.value)
    n_ind = len(iv.indicator_labels)
    ind = iv.indicator
    in_order = bool(n_rows == 0 or (ind[1:] >= ind[:-1]).all())
    perm = None if in_order else np.argsort(ind, kind="stable")
    bounds = np.zeros(n_ind + 1, dtype=np.int64)  # rows of indicator i: bounds[i]:bounds[i + 1]
    np.cumsum(np.bincount(ind, minlength=n_ind), out=bounds[1:])
    per_block = max(1, _BLOCK_ROWS // max(1, n_rows // max(n_ind, 1)))
    for lo in range(0, n_ind, per_block):
        hi = min(lo + per_block, n_ind)
        rows: Any = slice(bounds[lo], bounds[hi])
        if perm is not None:
            rows = perm[rows]
        block.run(rows, lo, hi)


def _result_columns(values: pd.DataFrame, iv: Any, block: _Block, peer_col: Any) -> dict[str, Any]:
    """The result columns (:data:`BENCHMARK_COLUMNS`)."""
    out = block.out
    frame: dict[str, Any] = {c: values[c].array for c in ("organization", "period", "indicator")}
    if peer_col is not None:
        frame["peer_group"] = peer_col
    return frame | {
        "value": iv.value,
        "rank": pd.arrays.IntegerArray(out.rank, out.rank_missing),
        "percentile": out.percentile,
        "quartile": pd.arrays.IntegerArray(out.quartile, out.quartile_missing),
        "z_score": out.z_score,
        "best_value": out.best_value,
        "best_performers": pd.Categorical.from_codes(
            out.best_code, categories=pd.Index(block.performer_texts, dtype=object)
        ),
        "is_best": out.is_best,
        "gap_to_best": out.gap_to_best,
        "gap_to_median": out.gap_to_median,
        "n": out.n,
        "comparison": pd.Categorical.from_codes(
            out.comparison, categories=pd.Index(COMPARISON_LABELS)
        ),
    }


#: Rows per block of indicators (bounds the memory of temporaries).
_BLOCK_ROWS = 1 << 18


class _Outputs:
    """Result columns, filled block by block.

    Allocated uninitialised: the blocks of :func:`_run_blocks` cover every
    row, and :meth:`_Block.run` writes every column of its rows.
    """

    def __init__(self, n: int) -> None:
        self.rank = np.empty(n, dtype=np.int32)
        self.rank_missing = np.empty(n, dtype=bool)
        self.percentile = np.empty(n)
        self.quartile = np.empty(n, dtype=np.int8)
        self.quartile_missing = np.empty(n, dtype=bool)
        self.z_score = np.empty(n)
        self.best_value = np.empty(n)
        self.best_code = np.empty(n, dtype=np.int32)
        self.is_best = np.empty(n, dtype=bool)
        self.gap_to_best = np.empty(n)
        self.gap_to_median = np.empty(n)
        self.n = np.empty(n, dtype=np.int32)
        self.comparison = np.empty(n, dtype=np.int8)


@attrs.define(kw_only=True, eq=False)
class _Block:
    """Statistics for the rows of a block of indicators.

    Groups are (indicator, period[, peer group]) with dense integer codes.
    One sort by (group, -score) gives ranks ("min"), best values and
    medians; sums by group (``np.bincount``) give counts, means and
    standard deviations. ``score`` is the value times the polarity sign
    (+1 for neutral), so "best" is always the largest score.
    """

    iv: Any
    sign_of_ind: np.ndarray
    local_ind: np.ndarray
    min_compared: int
    org_peer: np.ndarray | None
    n_per: int
    n_peer: int
    org_names: np.ndarray
    out: _Outputs
    performer_texts: list[str] = attrs.field(init=False, factory=list)
    _performer_code: dict[str, int] = attrs.field(init=False, factory=dict)
    _name_order: np.ndarray | None = attrs.field(init=False, default=None)

    def run(self, rows: Any, lo: int, hi: int) -> None:
        iv, out = self.iv, self.out
        ind = iv.indicator[rows]
        if len(ind) == 0:
            return
        n_groups = (hi - lo) * self.n_per * self.n_peer
        n_slots = n_groups + 1
        g, outside = self._group_codes(rows, ind, lo, n_groups)
        # what depends on the indicator is taken per group slot (a few), then per row;
        # the last slot, rows outside every peer group, is never compared
        ind_of_slot = np.minimum(lo + np.arange(n_slots) // (self.n_per * self.n_peer), hi - 1)
        sign_s = self.sign_of_ind[ind_of_slot]
        polar_s = sign_s != 0
        order_s = np.where(polar_s, sign_s, 1.0)
        v = iv.value[rows]
        order_sign = order_s[g]
        valid = ~np.isnan(v)
        if self.org_peer is not None:
            valid &= ~outside
        score = v * order_sign
        rank, counts, best, spread, median = _group_order(g, valid, score, n_groups)
        mean, std = _group_moments(g, valid, score, counts, n_slots)
        # a group is compared when it has enough values and the indicator is not local;
        # rows are ranked when, in addition, they have a value
        local_s = self.local_ind[ind_of_slot]
        group_ok_s = (counts >= self.min_compared) & ~local_s
        group_ok_s[n_groups] = False

        with np.errstate(invalid="ignore", divide="ignore"):
            n_row = counts[g]
            ranked = valid & group_ok_s[g]
            n_f = n_row.astype(np.float64)
            pct = np.where(n_f > 1, 100.0 * (n_f - rank) / (n_f - 1), 100.0)
            pct[~ranked] = np.nan
            out.percentile[rows] = pct
            out.quartile[rows] = np.clip(4 - np.floor(np.nan_to_num(pct) / 25.0), 1, 4)
            out.quartile_missing[rows] = ~ranked
            del pct, n_f
            z = (score - mean[g]) * order_sign / std[g] + 0.0  # + 0.0: no negative zero
            z[~(np.isfinite(z) & ranked)] = np.nan
            out.z_score[rows] = z
            del z
            best_row = best[g]
            polar_ranked = ranked & polar_s[g]
            is_best = polar_ranked & (score == best_row) & spread[g]
            out.best_value[rows] = np.where(polar_s & group_ok_s, best * order_s, np.nan)[g]
            out.gap_to_best[rows] = np.where(polar_ranked, score - best_row, np.nan)
            out.gap_to_median[rows] = np.where(polar_ranked, score - median[g], np.nan)
        del best_row
        out.rank[rows] = np.where(polar_ranked, rank, 0)
        out.rank_missing[rows] = ~polar_ranked
        out.is_best[rows] = is_best
        out.n[rows] = n_row
        out.best_code[rows] = self._performers(g, is_best, iv.org[rows], n_slots)
        too_few = counts < self.min_compared
        out.comparison[rows] = _comparison(v, g, polar_s & ~spread, too_few, local_s)

    def _group_codes(
        self, rows: Any, ind: np.ndarray, lo: int, n_groups: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """``(g, outside)``: each row's (indicator, period[, peer group]) code in the block,
        and whether it is outside every peer group (code ``n_groups``, an extra group)."""
        iv = self.iv
        g = (ind - lo).astype(np.int64) * self.n_per + iv.period[rows]
        outside = np.zeros(len(ind), dtype=bool)
        if self.org_peer is not None:
            peer = self.org_peer[iv.org[rows]]
            outside = peer < 0
            g = g * self.n_peer + peer
            g[outside] = n_groups  # an extra group for rows outside every peer group
        return g, outside

    def _performers(
        self, g: np.ndarray, is_best: np.ndarray, org: np.ndarray, n_slots: int
    ) -> np.ndarray:
        """Code (into ``performer_texts``) of each row's comma-separated best performers.

        One text per group (names sorted), built from the best rows only.
        """
        best_rows = np.flatnonzero(is_best)
        code_of_group = np.full(n_slots, -1, dtype=np.int32)
        if len(best_rows):
            if self._name_order is None:  # each organization's place in name order
                self._name_order = np.empty(len(self.org_names), dtype=np.int64)
                self._name_order[np.argsort(self.org_names, kind="stable")] = np.arange(
                    len(self.org_names)
                )
            best_g, best_org = g[best_rows], org[best_rows]
            order = np.lexsort((self._name_order[best_org], best_g))
            best_g, best_org = best_g[order], best_org[order]
            starts = np.flatnonzero(np.r_[True, best_g[1:] != best_g[:-1]])
            names = self.org_names[best_org].tolist()
            for start, end in zip(starts.tolist(), [*starts[1:].tolist(), len(names)], strict=True):
                text = ", ".join(names[start:end])  # one text per group, not per row
                code = self._performer_code.get(text)
                if code is None:
                    code = self._performer_code[text] = len(self.performer_texts)
                    self.performer_texts.append(text)
                code_of_group[best_g[start]] = code
        return code_of_group[g]


def _group_order(
    g: np.ndarray, valid: np.ndarray, score: np.ndarray, n_groups: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """What one sort by (group, -score) gives: ``(rank, counts, best, spread, median)``.

    ``rank`` per row ("min", 1 = largest score; rows without a value last);
    per group code (``n_groups`` + 1 slots, the last one for rows outside
    every peer group, never counted): the number of values, the best score,
    whether the scores differ, and the median score.
    """
    m = len(g)
    # sort by group, best score first, missing last
    sort_key = np.where(valid, -score, np.inf)
    order = np.argsort(sort_key)
    g_small = g.astype(np.int16) if n_groups < 32767 else g
    order = order[np.argsort(g_small[order], kind="stable")]
    del g_small
    gs = g[order]
    ks = sort_key[order]
    del sort_key
    idx = np.arange(m)
    new_group = np.empty(m, dtype=bool)
    new_group[0] = True
    np.not_equal(gs[1:], gs[:-1], out=new_group[1:])
    new_value = new_group.copy()
    new_value[1:] |= ks[1:] != ks[:-1]
    first_equal = np.where(new_value, idx, 0)
    np.maximum.accumulate(first_equal, out=first_equal)
    group_start = np.where(new_group, idx, 0)
    np.maximum.accumulate(group_start, out=group_start)
    first_equal -= group_start
    first_equal += 1
    rank = np.empty(m, dtype=np.int64)
    rank[order] = first_equal
    del first_equal, group_start, new_value, idx

    n_slots = n_groups + 1
    counts = np.bincount(g, weights=valid, minlength=n_slots).astype(np.int64)
    counts[n_groups:] = 0
    starts = np.flatnonzero(new_group)
    start_of = np.zeros(n_slots, dtype=np.int64)
    start_of[gs[starts]] = starts
    del new_group, gs, starts, order
    has = counts > 0
    last = m - 1
    best = np.where(has, -ks[np.minimum(start_of, last)], np.nan)
    worst = np.where(has, -ks[np.minimum(start_of + np.maximum(counts - 1, 0), last)], np.nan)
    spread = has & (best > worst)  # all equal: nobody is "the best"
    lo_i = np.minimum(start_of + np.maximum(counts - 1, 0) // 2, last)
    hi_i = np.minimum(start_of + counts // 2, last)
    median = np.where(has, -(ks[lo_i] + ks[hi_i]) / 2.0, np.nan)
    return rank, counts, best, spread, median


def _group_moments(
    g: np.ndarray, valid: np.ndarray, score: np.ndarray, counts: np.ndarray, n_slots: int
) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation (ddof=1; NaN without spread) of the scores of each group."""
    sums = np.bincount(g, weights=np.where(valid, score, 0.0), minlength=n_slots)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = sums / counts
        dev = np.where(valid, score - mean[g], 0.0)
        std = np.sqrt(np.bincount(g, weights=dev * dev, minlength=n_slots) / (counts - 1))
        del dev
        std[(counts < 2) | ~(std > 0)] = np.nan
    return mean, std


def _comparison(
    v: np.ndarray, g: np.ndarray, all_equal: np.ndarray, too_few: np.ndarray, local: np.ndarray
) -> np.ndarray:
    """Each row's ``comparison`` code (:data:`COMPARISON_LABELS`); a later reason wins.

    ``all_equal``, ``too_few`` and ``local`` are per group slot; the last slot
    holds the rows outside every peer group.
    """
    code = np.full(len(all_equal), _COMPARED, dtype=np.int8)
    code[all_equal] = _ALL_EQUAL
    code[too_few] = _TOO_FEW
    code[local] = _LOCAL
    code[-1] = _NO_PEER_GROUP
    comparison = code[g]
    comparison[np.isnan(v)] = _NO_VALUE
    return comparison
