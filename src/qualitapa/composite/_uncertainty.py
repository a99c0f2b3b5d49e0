"""Monte Carlo uncertainty and sensitivity analysis of a composite index.

Following the OECD/JRC Handbook (2008, section 7), each run draws an
imputation of the missing values (when asked), a normaliser, an aggregator
and perturbed weights, recomputes the index of every organization and ranks
them. The result gives, per organization, the
median rank and the 5th-95th percentile rank interval, and the first-order
sensitivity index of the rank to each choice (the share of the rank's
variance explained by that choice alone, estimated from the same runs).

Runs are evaluated in batches: all organizations and all runs of a batch
that share a normaliser and an aggregator are computed in one set of array
operations.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import attrs
import numpy as np
import pandas as pd

from qualitapa.composite._audit import AuditResult, _audit_run
from qualitapa.composite._definition import CompositeDefinition
from qualitapa.composite._impute import Imputation
from qualitapa.composite._index import (
    _evaluate_root,
    _impute_by_period,
    _nonpositive_cases,
    _normalise_by_period,
    _Options,
    _positivity_error,
    _prepare,
    _rank_by_period,
    _Run,
    _treat_by_period,
)
from qualitapa.composite._methods import (
    _NEVER_POSITIVE,
    _RESCALED,
    Aggregator,
    Normaliser,
    _check_positive_combination,
)
from qualitapa.composite._options import choice
from qualitapa.errors import DefinitionError, Message
from qualitapa.i18n import N_
from qualitapa.models import Polarity

if TYPE_CHECKING:
    from qualitapa.catalog import Catalog


class _Normalised:
    """The leaves of every (imputation, normaliser, positive range), computed once each."""

    def __init__(self, base: _Run, imputations: Sequence[Imputation] = ()) -> None:
        self.base = base
        self.imputations = list(imputations) or [base.definition.imputation]
        self.raws: dict[int, np.ndarray] = {}
        self.cache: dict[tuple[int, Normaliser, bool], np.ndarray] = {}

    def raw(self, imp: int) -> np.ndarray:
        """The imputed and treated values of imputation ``imp``."""
        if imp not in self.raws:
            b, d = self.base, self.base.definition
            if self.imputations[imp] is d.imputation:
                self.raws[imp] = b.raw
            else:
                raw, _ = _impute_by_period(
                    b.plan, b.raw_input, b.periods, self.imputations[imp], b.groups
                )
                self.raws[imp], _ = _treat_by_period(b.plan, raw, b.periods, d.treatment, d.winmax)
        return self.raws[imp]

    def get(self, method: Normaliser, positive: bool, imp: int = 0) -> np.ndarray:
        positive = positive and str(method) in _RESCALED  # only these have a positive range
        key = (imp, method, positive)
        if key not in self.cache:
            d, b = self.base.definition, self.base
            raw = self.raw(imp)
            if (
                raw is b.raw
                and method is d.normaliser
                and positive == (d.positive and str(method) in _RESCALED)
            ):
                self.cache[key] = b.Z
            else:
                self.cache[key] = _normalise_by_period(
                    b.plan, raw, b.periods, method, d.winsorise, positive
                )
        return self.cache[key]

    def nonpositive(self, method: Normaliser) -> pd.DataFrame:
        """Values <= 0 of ``method`` before a geometric or harmonic mean (any imputation)."""
        frames = [
            _nonpositive_cases(self.get(method, True, i), self.base.index, self.base.plan.leaves)
            for i in range(len(self.imputations))
        ]
        return pd.concat(frames, ignore_index=True).drop_duplicates()


def _choices(
    norm_arg: Sequence[Normaliser | str] | None,
    agg_arg: Sequence[Aggregator | str] | None,
    normalised: _Normalised,
    source: str | None,
) -> tuple[list[Normaliser], list[Aggregator]]:
    """Normalisers and aggregators to draw from: every pairing must be valid.

    Geometric and harmonic means only see strictly positive values: min-max and
    rank are rescaled onto POSITIVE_BOUNDS in those runs; z-score is never paired
    with them; goalposts and the distance methods only when they give positive
    values on these data. The defaults leave out what would be invalid; an invalid
    pairing the caller asked for is an error.
    """
    d = normalised.base.definition

    def invalid(n: Normaliser, a: Aggregator) -> bool:
        if a is Aggregator.ARITHMETIC or str(n) in _RESCALED:
            return False
        if str(n) in _NEVER_POSITIVE:
            return True
        return len(normalised.nonpositive(n)) > 0

    if agg_arg is not None:
        aggs = list(dict.fromkeys(choice(Aggregator, a, "aggregator") for a in agg_arg))
    else:  # the definition's and the geometric mean, unless the latter cannot be used
        ref = (
            [choice(Normaliser, n, "normaliser") for n in norm_arg]
            if norm_arg is not None
            else [d.normaliser]
        )
        aggs = [d.aggregator] + [
            a
            for a in (Aggregator.GEOMETRIC,)
            if a is not d.aggregator and not any(invalid(n, a) for n in ref)
        ]
    if norm_arg is not None:
        norms = list(dict.fromkeys(choice(Normaliser, n, "normaliser") for n in norm_arg))
    else:  # the definition's, min-max and rank (+ z-score when every mean is arithmetic)
        candidates = [d.normaliser, Normaliser.MIN_MAX, Normaliser.RANK, Normaliser.Z_SCORE]
        norms = [
            n
            for n in dict.fromkeys(candidates)
            if n is d.normaliser or not any(invalid(n, a) for a in aggs)
        ]
    if not aggs or not norms:
        raise DefinitionError(
            Message(
                "give at least one normaliser and one aggregator",
                N_("indicare almeno una normalizzazione e un'aggregazione"),
            )
        )
    for n in norms:
        for a in aggs:
            if not invalid(n, a):
                continue
            _check_positive_combination(n, a, item=d.id)  # z_score: a DefinitionError
            raise _positivity_error(normalised.nonpositive(n), n, a.value, d.id, source)
    return norms, aggs


@attrs.frozen
class UncertaintyResult:
    """Result of :func:`composite_uncertainty`.

    Attributes
    ----------
    ranks : pandas.DataFrame
        Per organization (and period): ``organization``, ``period``,
        ``value`` and ``rank`` (the nominal index and rank),
        ``median_rank``, ``rank_p05``, ``rank_p95``, ``mean_rank``,
        ``runs`` (runs with a value).
    sensitivity : pandas.DataFrame
        First-order sensitivity indices of each organization's rank to each
        choice: ``organization``, ``period``, ``factor`` (``normaliser``,
        ``aggregator`` or ``weight:<component>``), ``first_order`` (0 ... 1).
    summary : pandas.DataFrame
        Per period and factor: ``first_order`` of the mean absolute rank
        shift from the nominal ranking (the Handbook's overall measure),
        and ``mean_first_order`` (the average over organizations).
    runs : int
        Number of Monte Carlo runs.
    normalisers, aggregators : tuple of str
        The normalisers and aggregators drawn from (every pairing is used).
    imputations : tuple of str
        The imputations drawn from (empty: the definition's only).
    audit : AuditResult or None
        The statistical audit of the nominal index (see
        :func:`composite_audit`), computed from the same data.
    """

    ranks: pd.DataFrame
    sensitivity: pd.DataFrame
    summary: pd.DataFrame
    runs: int
    normalisers: tuple[str, ...] = ()
    aggregators: tuple[str, ...] = ()
    imputations: tuple[str, ...] = ()
    audit: AuditResult | None = None


class _Moments:
    """Per-column mean and variance of ``y`` (runs x units), ignoring NaN, computed once."""

    def __init__(self, y: np.ndarray) -> None:
        self.valid = (~np.isnan(y)).astype(float)
        self.y0 = np.where(self.valid > 0, y, 0.0)
        self.count = self.valid.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            self.mean = self.y0.sum(axis=0) / self.count
            dev = np.where(self.valid > 0, y - self.mean, 0.0)
            self.var = (dev**2).sum(axis=0) / self.count


def _first_order(levels: np.ndarray, mom: _Moments, n_levels: int) -> np.ndarray:
    """First-order index Var(E[y | level]) / Var(y) for each column of ``y`` (runs x units)."""
    onehot = np.zeros((len(levels), n_levels))
    onehot[np.arange(len(levels)), levels] = 1.0
    n_l = onehot.T @ mom.valid  # (levels, units)
    sums = onehot.T @ mom.y0
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(n_l > 0, sums / np.maximum(n_l, 1), mom.mean)
        between = (n_l * (means - mom.mean) ** 2).sum(axis=0) / mom.count
        s = between / mom.var
    return np.where(mom.var > 0, np.clip(s, 0.0, 1.0), 0.0)


def _nanquantiles(a: np.ndarray, qs: Sequence[float]) -> np.ndarray:
    """Quantiles (linear interpolation) of each column of ``a``, ignoring NaN; vectorised."""
    s = np.sort(a, axis=0)  # NaN sort last
    n = (~np.isnan(a)).sum(axis=0)
    cols = np.arange(a.shape[1])
    out = np.full((len(qs), a.shape[1]), np.nan)
    has = n > 0
    for i, q in enumerate(qs):
        pos = q * np.maximum(n - 1, 0)
        lo = np.floor(pos).astype(int)
        hi = np.minimum(lo + 1, np.maximum(n - 1, 0))
        frac = pos - lo
        v = s[lo, cols] + (s[hi, cols] - s[lo, cols]) * frac  # exact when they are equal
        out[i] = np.where(has, v, np.nan)
    return out


def _check_runs(runs: int, weight_range: float) -> None:
    """Refuse fewer than two runs and a weight range outside [0, 1)."""
    if runs < 2:
        raise DefinitionError(
            Message(
                "runs must be at least 2, not {runs}",
                N_("le simulazioni devono essere almeno 2, non {runs}"),
                runs=repr(runs),
            ),
            field="runs",
        )
    if not 0 <= weight_range < 1:
        raise DefinitionError(
            Message(
                "weight_range must be in [0, 1), not {value}",
                N_("weight_range deve essere almeno 0 e meno di 1, non {value}"),
                value=repr(weight_range),
            ),
            field="weight_range",
        )


def composite_uncertainty(
    values: pd.DataFrame,
    definition: CompositeDefinition | str,
    *,
    runs: int = 1000,
    normalisers: Sequence[Normaliser | str] | None = None,
    aggregators: Sequence[Aggregator | str] | None = None,
    imputations: Sequence[Imputation | str] | None = None,
    weight_range: float = 0.25,
    catalog: Catalog | None = None,
    polarity: Mapping[str, Polarity | str] | None = None,
    groups: Mapping[object, object] | pd.Series | None = None,
    seed: int | None = 0,
    bins: int = 10,
    batch: int = 16,
    source: str | None = None,
) -> UncertaintyResult:
    """Monte Carlo uncertainty and sensitivity analysis of a composite index.

    Parameters
    ----------
    values, definition, catalog, polarity, groups, source
        As for :func:`composite`.
    runs
        Number of Monte Carlo runs.
    normalisers
        Normalisers to draw from (uniformly); default: the definition's
        normaliser plus ``min_max`` and ``rank`` (and ``z_score`` when all
        aggregators are arithmetic).
    aggregators
        Aggregators to draw from (uniformly; applied to every node);
        default: the definition's aggregator and ``geometric`` (left out
        when the definition's normaliser - goalposts or a distance method -
        gives values of 0 or below on these data).

        Every normaliser is paired with every aggregator. Geometric and
        harmonic means only see strictly positive values: in their runs
        ``min_max`` and ``rank`` normalise onto ``[0.01, 1]`` (COINr's
        ``[1, 100]``; :data:`POSITIVE_BOUNDS`); ``z_score`` cannot be paired
        with them, nor a normaliser that gives values of 0 or below on
        these data.
    imputations
        Imputations of the missing values to draw from (uniformly; see
        :func:`impute`; ``none`` renormalises the weights instead); the
        nominal index keeps the definition's. Default: the definition's
        only, and no ``imputation`` factor.
    weight_range
        Each weight is multiplied by a uniform factor in
        ``[1 - weight_range, 1 + weight_range]``, independently per run.
    seed
        Random seed (reproducible by default).
    bins
        Quantile bins used to estimate first-order indices of the
        continuous weight factors.
    batch
        Runs evaluated together (memory: ``batch x rows x indicators``).

    Returns
    -------
    UncertaintyResult
        ``ranks``, ``sensitivity`` and ``summary`` tables, and the
        ``audit`` of the nominal index.

    Raises
    ------
    DefinitionError
        Invalid options, e.g. ``z_score`` asked for together with a
        geometric or harmonic mean.
    DataError
        A normaliser asked for gives values of 0 or below on these data and
        a geometric or harmonic mean is asked for too (``failure_cases``).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> df = pd.DataFrame(rng.uniform(1, 10, (30, 3)), columns=["a", "b", "c"])
    >>> df.insert(0, "organization", [f"m{i:02d}" for i in range(30)])
    >>> d = CompositeDefinition.from_mapping({"id": "idx", "label": "Indice", "components": [
    ...     {"indicator": k, "polarity": "higher_is_better"} for k in "abc"]})
    >>> res = composite_uncertainty(df, d, runs=200)
    >>> bool((res.ranks["rank_p05"] <= res.ranks["rank_p95"]).all())
    True
    >>> sorted(res.summary["factor"].unique())
    ['aggregator', 'normaliser', 'weight:a', 'weight:b', 'weight:c']
    """
    _check_runs(runs, weight_range)
    base = _prepare(values, definition, catalog, polarity, source, _Options(groups=groups))
    imps = [choice(Imputation, i, "imputation") for i in dict.fromkeys(imputations or ())]
    if imputations is not None and not imps:
        raise DefinitionError(
            Message("give at least one imputation", N_("indicare almeno un'imputazione")),
            field="imputations",
        )
    normalised = _Normalised(base, imps)
    norms, aggs = _choices(normalisers, aggregators, normalised, source)
    draws = _Draws.sample(base, (len(imps), len(norms), len(aggs)), runs, weight_range, seed)
    index_runs = _index_runs(normalised, norms, aggs, draws, batch)
    rank_table, sensitivity, summary = _result_tables(base, draws, index_runs, bins)
    return UncertaintyResult(
        rank_table,
        sensitivity,
        summary,
        runs,
        tuple(n.value for n in norms),
        tuple(a.value for a in aggs),
        tuple(i.value for i in imps),
        _audit_run(base),
    )


def _result_tables(
    base: _Run, draws: _Draws, index_runs: np.ndarray, bins: int
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The ``ranks``, ``sensitivity`` and ``summary`` tables of the runs' index values.

    Each run is ranked by period and compared with the nominal index (the
    definition's choices); ``period`` is dropped when the data have none.
    """
    ranks = _rank_by_period(index_runs, base.periods)
    nominal = base.vals[:, -1] * base.definition.scale  # the root is the last slot
    nominal_rank = _rank_by_period(nominal[None, :], base.periods)[0]
    mom = _Moments(ranks)
    rank_table = _rank_table(base, nominal, nominal_rank, ranks, mom)
    sensitivity, summary = _sensitivity(base, draws, ranks, nominal_rank, mom, bins)
    if (rank_table["period"] == "").all():
        rank_table = rank_table.drop(columns="period")
        sensitivity = sensitivity.drop(columns="period")
        summary = summary.drop(columns="period")
    return rank_table, sensitivity, summary


@attrs.frozen
class _Draws:
    """The random choices of every run: an (imputation, normaliser, aggregator) and weights."""

    n_imps: int  # 0: the definition's imputation only, not a factor
    n_norms: int
    n_aggs: int
    combos: list[tuple[int, int, int]]  # (imputation, normaliser, aggregator): every triple
    combo: np.ndarray  # (runs,) the triple of each run
    factors: np.ndarray  # (runs, n_w) a factor per component weight (every node's children)
    offsets: np.ndarray  # node k's children's factors are columns offsets[k]:offsets[k + 1]

    @classmethod
    def sample(
        cls,
        base: _Run,
        sizes: tuple[int, int, int],
        runs: int,
        weight_range: float,
        seed: int | None,
    ) -> _Draws:
        n_imps, n_norms, n_aggs = sizes
        combos = [
            (k, i, j) for k in range(max(n_imps, 1)) for i in range(n_norms) for j in range(n_aggs)
        ]
        rng = np.random.default_rng(seed)
        combo = rng.integers(len(combos), size=runs)
        offsets = np.cumsum([0] + [len(w) for w in base.weights])
        factors = rng.uniform(1 - weight_range, 1 + weight_range, size=(runs, int(offsets[-1])))
        return cls(n_imps, n_norms, n_aggs, combos, combo, factors, offsets)

    def level(self, which: int) -> np.ndarray:
        """The imputation (0), normaliser (1) or aggregator (2) index of each run."""
        return np.array([c[which] for c in self.combos])[self.combo]

    @property
    def normaliser(self) -> np.ndarray:
        """The normaliser (index) of each run."""
        return self.level(1)

    @property
    def aggregator(self) -> np.ndarray:
        """The aggregator (index) of each run."""
        return self.level(2)


def _index_runs(
    normalised: _Normalised,
    norms: Sequence[Normaliser],
    aggs: Sequence[Aggregator],
    draws: _Draws,
    batch: int,
) -> np.ndarray:
    """The index of every organization in every run (runs, rows), in batches of runs."""
    base = normalised.base
    plan = base.plan
    index_runs = np.full((len(draws.combo), base.raw.shape[0]), np.nan, dtype=np.float64)
    for c, (k, i, j) in enumerate(draws.combos):
        sel = np.flatnonzero(draws.combo == c)
        if not len(sel):  # a pairing no run drew is never normalised
            continue
        Z = normalised.get(norms[i], positive=aggs[j] is not Aggregator.ARITHMETIC, imp=k)
        for start in range(0, len(sel), batch):
            part = sel[start : start + batch]
            f = draws.factors[part]  # (b, n_w)
            weights = [
                (w[None, :] * f[:, draws.offsets[k] : draws.offsets[k + 1]])[:, None, :]
                for k, w in enumerate(base.weights)
            ]
            index_runs[part] = _evaluate_root(
                plan, Z, weights, [aggs[j]] * len(plan.nodes), base.definition.min_coverage
            )
    return index_runs


def _rank_table(
    base: _Run, nominal: np.ndarray, nominal_rank: np.ndarray, ranks: np.ndarray, mom: _Moments
) -> pd.DataFrame:
    """The nominal index and rank and the distribution of the ranks over the runs."""
    q = _nanquantiles(ranks, [0.05, 0.5, 0.95])
    return pd.DataFrame(
        {
            "organization": base.index.get_level_values("organization").to_numpy(),
            "period": base.periods,
            "value": nominal,
            "rank": pd.array(nominal_rank, dtype="Int64"),
            "median_rank": q[1],
            "rank_p05": q[0],
            "rank_p95": q[2],
            "mean_rank": mom.mean,
            "runs": (~np.isnan(ranks)).sum(axis=0),
        }
    )


def _factor_levels(base: _Run, draws: _Draws, bins: int) -> list[tuple[str, np.ndarray, int]]:
    """(factor name, level of each run, number of levels) of every choice a run makes.

    The continuous weight factors are cut into ``bins`` quantile bins.
    """
    out = [("imputation", draws.level(0), draws.n_imps)] if draws.n_imps else []
    out += [
        ("normaliser", draws.normaliser, draws.n_norms),
        ("aggregator", draws.aggregator, draws.n_aggs),
    ]
    plan = base.plan
    leaf_and_nodes = plan.leaves + [k for k, _, _ in plan.nodes]
    for k, (_, kids, _) in enumerate(plan.nodes):
        for pos, child in enumerate(kids):
            col = draws.factors[:, draws.offsets[k] + pos]
            edges = np.quantile(col, np.linspace(0, 1, bins + 1)[1:-1])
            out.append((f"weight:{leaf_and_nodes[child]}", np.searchsorted(edges, col), bins))
    return out


def _sensitivity(
    base: _Run,
    draws: _Draws,
    ranks: np.ndarray,
    nominal_rank: np.ndarray,
    mom: _Moments,
    bins: int,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """First-order sensitivity indices per organization, and per period of the rank shift."""
    orgs = base.index.get_level_values("organization").to_numpy()
    periods = pd.unique(base.periods)
    shift = np.abs(ranks - nominal_rank[None, :])
    shift_mom = {}
    for p in periods:
        cols = base.periods == p
        with warnings.catch_warnings():  # organizations without any value: all-NaN columns
            warnings.simplefilter("ignore", RuntimeWarning)
            shift_mom[p] = _Moments(np.nanmean(shift[:, cols], axis=1)[:, None])
    sens_rows = []
    summary_rows = []
    for name, lev, nl in _factor_levels(base, draws, bins):
        s = _first_order(lev, mom, nl)
        sens_rows.append(
            pd.DataFrame(
                {"organization": orgs, "period": base.periods, "factor": name, "first_order": s}
            )
        )
        for p in periods:
            summary_rows.append(
                {
                    "period": p,
                    "factor": name,
                    "first_order": float(_first_order(lev, shift_mom[p], nl)[0]),
                    "mean_first_order": float(np.mean(s[base.periods == p])),
                }
            )
    return pd.concat(sens_rows, ignore_index=True), pd.DataFrame(summary_rows)
