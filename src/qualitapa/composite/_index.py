"""Computation of composite indices, vectorised over organizations, periods and runs.

The tree of a :class:`CompositeDefinition` is flattened once (:class:`_Plan`:
leaves in columns, internal nodes bottom-up); :func:`composite` normalises
the indicator values of each period, weights and aggregates them up the tree
and ranks the organizations; :func:`composite_contributions` explains each
score by its components. The uncertainty analysis reuses the same plan.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import pandas as pd

from qualitapa.composite._definition import CompositeComponent, CompositeDefinition
from qualitapa.composite._impute import Imputation, _group_codes, _impute_array
from qualitapa.composite._methods import (
    _RESCALED,
    POSITIVE_BOUNDS,
    Aggregator,
    Normaliser,
    _aggregate_array,
    _indicator_matrix,
    _normalise_array,
    _winsorise_array,
    pca_weights,
)
from qualitapa.composite._options import choice
from qualitapa.composite._treat import Treatment, _treat_array
from qualitapa.errors import DataError, DataWarning, DefinitionError, Message
from qualitapa.i18n import N_, translatable
from qualitapa.io import require_columns
from qualitapa.models import Polarity

if TYPE_CHECKING:
    from qualitapa.catalog import Catalog
    from qualitapa.indicators import IndicatorDefinition


@attrs.frozen
class _Plan:
    """The tree flattened for vectorised evaluation (internal)."""

    leaves: list[str]  # indicator ids, column order of the leaf matrix
    sign: np.ndarray  # (L,)
    lo: np.ndarray  # (L,)
    hi: np.ndarray
    log: np.ndarray
    target: np.ndarray
    # internal nodes bottom-up: (key, child slots, aggregator); slots index leaves 0..L-1
    # then internal nodes L.. in this order
    nodes: list[tuple[str, list[int], Aggregator]]
    weights: list[np.ndarray]  # weights of each node's children
    parents: dict[str, str]  # child key -> parent key


def _plan(
    definition: CompositeDefinition, polarities: Mapping[str, Any], targets: Mapping[str, float]
) -> _Plan:
    root = definition.root
    leaves = root.leaves()
    keys = [leaf.key for leaf in leaves]
    slot = {k: i for i, k in enumerate(keys)}
    sign, lo, hi, log, target = [], [], [], [], []
    for leaf in leaves:
        pol = leaf.polarity or polarities.get(leaf.key)
        if pol is None:
            raise DefinitionError(
                Message(
                    "the polarity of indicator {indicator} is unknown: give a catalog with its "
                    "definition, or a polarity in the composite component",
                    N_(
                        "la polarità dell'indicatore {indicator} non è nota: indicare un catalogo "
                        "con la sua definizione, o una polarità nella componente"
                    ),
                    indicator=repr(leaf.key),
                ),
                item=definition.id,
            )
        pol = choice(Polarity, pol, "polarity")
        if pol is Polarity.NEUTRAL:
            raise DefinitionError(
                Message(
                    "indicator {indicator} is neutral: give the component a polarity",
                    N_("l'indicatore {indicator} è neutro: indicare una polarità nella componente"),
                    indicator=repr(leaf.key),
                ),
                item=definition.id,
            )
        sign.append(float(pol.sign))
        g = leaf.goalposts or (np.nan, np.nan)
        lo.append(g[0])
        hi.append(g[1])
        log.append(leaf.log)
        t = leaf.target if leaf.target is not None else targets.get(leaf.key)
        target.append(np.nan if t is None else float(t))
    nodes: list[tuple[str, list[int], Aggregator]] = []
    weights: list[np.ndarray] = []
    parents: dict[str, str] = {}
    equal = definition.weighting == "equal"

    def walk(node: CompositeComponent) -> int:
        if node.is_leaf:
            return slot[node.key]
        kids = [walk(c) for c in node.components]
        for c in node.components:
            parents[c.key] = node.key
        nodes.append((node.key, kids, node.aggregator or definition.aggregator))
        weights.append(np.array([1.0 if equal else c.weight for c in node.components]))
        return len(keys) + len(nodes) - 1

    walk(root)
    return _Plan(
        keys,
        np.array(sign),
        np.array(lo),
        np.array(hi),
        np.array(log, dtype=bool),
        np.array(target),
        nodes,
        weights,
        parents,
    )


def _evaluate(
    plan: _Plan,
    Z: np.ndarray,
    weights: Sequence[np.ndarray],
    aggregators: Sequence[Aggregator],
    min_coverage: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Values and coverage of every slot (..., n, L + nodes) from normalised leaves Z (..., n, L).

    ``weights[j]`` may carry leading run dimensions (..., 1, k) to vary by run.
    """
    L = Z.shape[-1]
    vals = np.concatenate([Z, np.full((*Z.shape[:-1], len(plan.nodes)), np.nan)], axis=-1)
    cov = np.concatenate(
        [np.isfinite(Z).astype(float), np.zeros((*Z.shape[:-1], len(plan.nodes)))], axis=-1
    )
    for j, (_, kids, _agg) in enumerate(plan.nodes):
        v, c = _aggregate_array(vals[..., kids], weights[j], aggregators[j], min_coverage)
        vals[..., L + j] = v
        cov[..., L + j] = c
    return vals, cov


def _evaluate_root(
    plan: _Plan,
    Z: np.ndarray,
    weights: Sequence[np.ndarray],
    aggregators: Sequence[Aggregator],
    min_coverage: float,
) -> np.ndarray:
    """Value of the root (runs, n) for runs that share the normalised leaves Z (n, L).

    ``weights[j]`` has shape (runs, 1, k). Leaf columns are never copied per
    run: they broadcast against the run-specific weights.
    """
    L = Z.shape[-1]
    runs = weights[0].shape[0]
    done: dict[int, np.ndarray] = {}
    for j, (_, kids, _agg) in enumerate(plan.nodes):
        cols = [np.broadcast_to(Z[:, c], (runs, Z.shape[0])) if c < L else done[c] for c in kids]
        v, _ = _aggregate_array(np.stack(cols, axis=-1), weights[j], aggregators[j], min_coverage)
        done[L + j] = v
    return done[L + len(plan.nodes) - 1]


def _wide(
    values: pd.DataFrame,
    indicators: list[str],
    source: str | None,
    elsewhere: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """(period, organization) x indicator frame from tidy or wide values.

    An indicator of ``elsewhere`` (measured by a survey or the complaints,
    not computed from raw data) without any value is missing for every city,
    with a warning: its sub-index is missing where the survey was not run.
    """
    if {"indicator", "value"} <= set(values.columns):
        cols = ["organization", "indicator", "value"]
        require_columns(values, ["organization"], source=source)
        frame = values[[c for c in ["period", *cols] if c in values.columns]].copy()
        if "period" not in frame.columns:
            frame["period"] = ""
        frame = frame[frame["indicator"].isin(indicators)]
        dup = frame.duplicated(["period", "organization", "indicator"], keep=False)
        if dup.any():
            raise DataError(
                Message(
                    "each (organization, period, indicator) must appear once",
                    N_("ogni combinazione di ente, periodo e indicatore deve comparire una volta"),
                ),
                source=source,
                failure_cases=frame[dup],
            )
        wide = frame.pivot(index=["period", "organization"], columns="indicator", values="value")
    else:
        require_columns(values, ["organization"], source=source)
        frame = values.copy()
        if "period" not in frame.columns:
            frame["period"] = ""
        wide = frame.set_index(["period", "organization"])
    elsewhere = elsewhere or {}
    absent = [i for i in indicators if i not in wide.columns and i in elsewhere]
    if absent:
        labels = [elsewhere[i] for i in absent]
        warnings.warn(
            translatable(
                DataWarning,
                lambda t: t(
                    "nessun valore per {indicators}, misurato da un'indagine o dai reclami: "
                    "manca per ogni ente e il suo sotto-indice pure (i valori vengono da "
                    "survey_indicators o complaint_indicators)",
                    indicators=", ".join(t.text(label) for label in labels),
                ),
            ),
            stacklevel=4,
        )
        wide = wide.reindex(columns=[*wide.columns, *absent])
    missing = [i for i in indicators if i not in wide.columns]
    if missing:
        raise DataError(
            Message(
                "no values for indicator(s) {indicators} of the composite",
                N_("nessun valore per gli indicatori {indicators} dell'indice composito"),
                indicators=", ".join(map(repr, missing)),
            ),
            source=source,
            column=missing[0],
        )
    wide = wide[indicators]
    return pd.DataFrame(_indicator_matrix(wide, source), index=wide.index, columns=wide.columns)


def _catalog_info(
    catalog: Catalog | Mapping[str, IndicatorDefinition] | None, indicators: Iterable[str]
) -> tuple[dict[str, Any], dict[str, float]]:
    polarities: dict[str, Any] = {}
    targets: dict[str, float] = {}
    if catalog is None:
        return polarities, targets
    coll = catalog if isinstance(catalog, Mapping) else catalog.indicators
    for ind in indicators:
        if ind in coll:
            d = coll[ind]
            polarities[ind] = getattr(d, "polarity", None)
            t = getattr(d, "target", None)
            if t is not None and getattr(t, "value", None) is not None:
                targets[ind] = float(t.value)
    return polarities, targets


def _measured_elsewhere(
    catalog: Catalog | Mapping[str, IndicatorDefinition] | None, indicators: Iterable[str]
) -> dict[str, Any]:
    """The indicators whose definition has a ``source`` (a survey, the complaints): labels."""
    if catalog is None:
        return {}
    coll = catalog if isinstance(catalog, Mapping) else catalog.indicators
    return {
        i: coll[i].label
        for i in indicators
        if i in coll and getattr(coll[i], "source", None) is not None
    }


def _resolve(definition: CompositeDefinition | str, catalog: Catalog | None) -> CompositeDefinition:
    if isinstance(definition, CompositeDefinition):
        return definition
    if catalog is None:
        raise DefinitionError(
            Message(
                "composite {composite} given by id needs a catalog",
                N_("l'indice composito {composite}, indicato con il codice, richiede un catalogo"),
                composite=repr(definition),
            )
        )
    return catalog.composites[definition]


@attrs.frozen
class _Run:
    """Everything computed for one composite (internal; reused by the uncertainty analysis)."""

    definition: CompositeDefinition
    plan: _Plan
    index: pd.MultiIndex  # (period, organization)
    periods: np.ndarray  # period of each row
    raw: np.ndarray  # (rows, L)
    Z: np.ndarray  # (rows, L) normalised with the definition's normaliser
    weights: list[np.ndarray]
    vals: np.ndarray  # (rows, slots)
    cov: np.ndarray
    raw_input: np.ndarray  # (rows, L) the values as given, before imputation and treatment
    how: np.ndarray  # (rows, L) int8: how each value was imputed (0 = it was not; _impute.HOW)
    treatment: pd.DataFrame  # per period and indicator: the outlier treatment's summary
    groups: np.ndarray | None  # peer-group code of each row (-1 = none), for imputation


def _dimensions(plan: _Plan) -> list[list[int]]:
    """The leaf columns of each internal node that has leaves (imputation by regression)."""
    L = len(plan.leaves)
    dims = [[c for c in kids if c < L] for _, kids, _ in plan.nodes]
    return [d for d in dims if d]


def _impute_by_period(
    plan: _Plan,
    raw: np.ndarray,
    periods: np.ndarray,
    method: Imputation,
    groups: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Impute each period's rows (a cross-section, as normalisation): (values, how)."""
    if method is Imputation.NONE or not np.isnan(raw).any():
        return raw, np.zeros(raw.shape, dtype=np.int8)
    out, how = np.empty_like(raw), np.zeros(raw.shape, dtype=np.int8)
    dims = _dimensions(plan)
    for p in pd.unique(periods):
        rows = periods == p
        g = None if groups is None else groups[rows]
        out[rows], how[rows] = _impute_array(raw[rows], method, g, dims)
    return out, how


def _treat_by_period(
    plan: _Plan, raw: np.ndarray, periods: np.ndarray, method: Treatment, winmax: int
) -> tuple[np.ndarray, pd.DataFrame]:
    """Treat each period's outlying indicators: (values, summary per period and indicator)."""
    if method is Treatment.NONE:
        return raw, pd.DataFrame()
    out = np.empty_like(raw)
    frames = []
    for p in pd.unique(periods):
        rows = periods == p
        out[rows], summary, _, _ = _treat_array(raw[rows], method, winmax)
        frames.append(pd.DataFrame(summary).assign(period=p, indicator=plan.leaves))
    table = pd.concat(frames, ignore_index=True)
    return out, table[["period", "indicator", *(c for c in table.columns[:-2])]]


def _normalise_by_period(
    plan: _Plan,
    raw: np.ndarray,
    periods: np.ndarray,
    method: Normaliser,
    winsor: float | None,
    positive: bool = False,
) -> np.ndarray:
    """Normalise each period's rows; ``positive``: min-max and rank onto POSITIVE_BOUNDS."""
    bounds = POSITIVE_BOUNDS if positive and str(method) in _RESCALED else (0.0, 1.0)
    out = np.empty_like(raw)
    for p in pd.unique(periods):  # a handful of periods: the data inside is vectorised
        rows = periods == p
        A = raw[rows]
        if winsor:
            A = _winsorise_array(A, winsor)
        out[rows] = _normalise_array(
            A,
            method,
            plan.sign,
            lo=plan.lo,
            hi=plan.hi,
            log=plan.log,
            target=plan.target,
            bounds=bounds,
        )
    return out


def _leaves_under(plan: _Plan, slots: Iterable[int]) -> list[int]:
    """The leaf columns under the given slots (leaves 0..L-1, internal nodes L..)."""
    L = len(plan.leaves)
    out: list[int] = []
    for slot in slots:
        out.extend([slot] if slot < L else _leaves_under(plan, plan.nodes[slot - L][1]))
    return sorted(set(out))


def _nonpositive_cases(
    Z: np.ndarray, index: pd.Index, leaves: list[str], columns: Iterable[int] | None = None
) -> pd.DataFrame:
    """Normalised values <= 0 (rows: organization, period, indicator, normalised)."""
    cols = np.arange(Z.shape[1]) if columns is None else np.fromiter(columns, dtype=int)
    rows, j = np.nonzero(Z[:, cols] <= 0)
    return pd.DataFrame(
        {
            "organization": index.get_level_values("organization").to_numpy()[rows],
            "period": index.get_level_values("period").to_numpy()[rows],
            "indicator": np.array(leaves, dtype=object)[cols[j]],
            "normalised": Z[rows, cols[j]],
        }
    )


def _positivity_error(
    cases: pd.DataFrame, normaliser: Normaliser, aggregator: str, item: str, source: str | None
) -> DataError:
    first = cases.iloc[0]
    return DataError(
        f"composite {item!r}: a {aggregator} mean needs strictly positive values, but "
        f"normaliser {normaliser.value!r} gives {first['normalised']:g} to organization "
        f"{first['organization']!r} on indicator {first['indicator']!r}"
        + (f" in {first['period']}" if str(first["period"]) != "" else "")
        + "; use min_max or rank (rescaled onto 0.01 ... 1), move the lower goalpost below "
        "the data, or use an arithmetic mean",
        source=source,
        column=str(first["indicator"]),
        failure_cases=cases,
    )


@attrs.frozen
class _Options:
    """The choices of :func:`composite` that override or complete the definition (internal)."""

    imputation: Imputation | str | None = None
    treatment: Treatment | str | None = None
    groups: Mapping[Any, Any] | pd.Series | None = None

    def apply(self, definition: CompositeDefinition) -> CompositeDefinition:
        changes = {
            k: v
            for k, v in (("imputation", self.imputation), ("treatment", self.treatment))
            if v is not None
        }
        return attrs.evolve(definition, **changes) if changes else definition


def _prepare(
    values: pd.DataFrame,
    definition: CompositeDefinition | str,
    catalog: Catalog | None,
    polarity: Mapping[str, Any] | None,
    source: str | None,
    options: _Options | None = None,
) -> _Run:
    options = options or _Options()
    d = options.apply(_resolve(definition, catalog))
    pols, targets = _catalog_info(catalog, d.indicators())
    pols.update(polarity or {})
    plan = _plan(d, pols, targets)
    wide = _wide(values, plan.leaves, source, _measured_elsewhere(catalog, plan.leaves))
    raw_input = wide.to_numpy(dtype=float, na_value=np.nan)
    periods = wide.index.get_level_values("period").to_numpy()
    groups = _group_codes(options.groups, wide.index.get_level_values("organization"))
    raw, how = _impute_by_period(plan, raw_input, periods, d.imputation, groups)
    raw, treatment = _treat_by_period(plan, raw, periods, d.treatment, d.winmax)
    Z = _normalise_by_period(plan, raw, periods, d.normaliser, d.winsorise, d.positive)
    # geometric and harmonic means only ever see strictly positive values: the leaves
    # they take (directly or through arithmetic sub-indices, which are positive when
    # their children are) must be > 0
    for _, kids, agg in plan.nodes:
        if agg is not Aggregator.ARITHMETIC:
            under = _leaves_under(plan, kids)
            cases = _nonpositive_cases(Z, wide.index, plan.leaves, under)
            if len(cases):
                raise _positivity_error(cases, d.normaliser, agg.value, d.id, source)
    weights = list(plan.weights)
    if d.weighting == "pca":
        w = pca_weights(pd.DataFrame(Z, columns=plan.leaves))
        weights[-1] = w.to_numpy()
    vals, cov = _evaluate(plan, Z, weights, [a for _, _, a in plan.nodes], d.min_coverage)
    return _Run(
        d, plan, wide.index, periods, raw, Z, weights, vals, cov,  # type: ignore[arg-type]
        raw_input, how, treatment, groups,
    )  # fmt: skip


def composite(
    values: pd.DataFrame,
    definition: CompositeDefinition | str,
    *,
    catalog: Catalog | None = None,
    polarity: Mapping[str, Polarity | str] | None = None,
    include_subindices: bool = True,
    source: str | None = None,
    imputation: Imputation | str | None = None,
    groups: Mapping[Any, Any] | pd.Series | None = None,
) -> pd.DataFrame:
    """Compute a composite index (and its sub-indices) per organization and period.

    Parameters
    ----------
    values
        Indicator values: the tidy output of :func:`compute`
        (``organization, period, indicator, value[, status]``) or a wide
        frame with ``organization`` (and optionally ``period``) and one
        column per indicator. Not modified.
    definition
        A :class:`CompositeDefinition`, or its id in ``catalog``.
    catalog
        Catalog (or mapping of indicator definitions) giving the indicators'
        polarity and target.
    polarity
        Polarity per indicator, overriding the catalog (needed when no
        catalog is given and the components do not state it).
    include_subindices
        Also return the rows of the sub-indices.
    source
        Name of the data for error messages.
    imputation
        Override the definition's imputation of missing values (see
        :func:`impute`). Imputation, then the definition's outlier
        treatment (see :func:`treat`), work on each period's cross-section
        before normalising.
    groups
        Peer group of each organization (mapping or Series by organization
        id), for the ``group_mean`` and ``group_median`` imputations.

    Returns
    -------
    pandas.DataFrame
        Columns ``organization``, ``period``, ``index`` (the composite or
        sub-index id), ``level`` (0 for the composite, 1 for its
        components...), ``value`` (times the definition's ``scale`` for the
        composite), ``rank`` (1 = best within the period, ties "min"; scores
        within a relative 1e-9 of each other are ties),
        ``coverage`` (share of components available), ``status``
        (``ok`` or ``insufficient_data``) and, with an imputation,
        ``imputed`` (how many of the indicator values under the node were
        imputed).

    Raises
    ------
    DefinitionError
        Unknown composite, unknown or neutral polarity, missing goalposts
        or targets.
    DataError
        Missing indicator columns, duplicate values; a normalised value of 0
        or below entering a geometric or harmonic mean (possible with
        ``goalposts`` and the distance methods on data at or below the lower
        goalpost, zero or negative; ``failure_cases`` lists them).

    Notes
    -----
    Geometric and harmonic means only ever see strictly positive values:
    with such a node in the tree, ``min_max`` and ``rank`` normalise onto
    ``[0.01, 1]`` instead of ``[0, 1]`` (COINr's ``[1, 100]`` on a unit
    scale; see :data:`POSITIVE_BOUNDS`), so the worst organization on one
    indicator is not scored 0 overall; ``z_score`` is refused when the
    definition is built.

    Examples
    --------
    >>> import pandas as pd
    >>> d = CompositeDefinition.from_mapping({
    ...     "id": "libraries.index", "label": "Indice biblioteche", "scale": 100,
    ...     "components": [{"indicator": "loans", "polarity": "higher_is_better"},
    ...                    {"indicator": "cost", "polarity": "lower_is_better"}]})
    >>> df = pd.DataFrame({"organization": ["a", "b", "c"],
    ...                    "loans": [1.0, 2.0, 3.0], "cost": [5.0, 4.0, 9.0]})
    >>> composite(df, d, include_subindices=False)[["organization", "value", "rank"]]
      organization  value  rank
    0            a   40.0     3
    1            b   75.0     1
    2            c   50.0     2
    """
    options = _Options(imputation, groups=groups)
    run = _prepare(values, definition, catalog, polarity, source, options)
    return _result_frame(run, include_subindices)


def _depths(plan: _Plan, root: str) -> dict[str, int]:
    depth = {root: 0}
    for key, _, _ in reversed(plan.nodes):
        if key != root:
            depth[key] = depth[plan.parents[key]] + 1
    return depth


#: Scores closer than this, relative to the largest magnitude ranked (at least 1), are ties:
#: scores that are equal in exact arithmetic can differ by rounding once computed (an
#: indicator in other units, weights in another order), and a public ranking must not
#: separate them.
RANK_TOLERANCE = 1e-9


def _rank_rows(x: np.ndarray) -> np.ndarray:
    """Rank each row of ``x`` descending (1 = highest), ties "min", NaN stays NaN.

    Values within ``RANK_TOLERANCE`` x max(1, largest |value| of the row) of the
    next higher one share its rank (ties chain).
    """
    nan = np.isnan(x)
    key = np.where(nan, np.inf, -x)
    order = np.argsort(key, axis=1, kind="stable")
    xs = np.take_along_axis(key, order, axis=1)
    n = x.shape[1]
    scale = np.maximum(1.0, np.max(np.where(nan, 0.0, np.abs(x)), axis=1, keepdims=True))
    pos = np.broadcast_to(np.arange(n), x.shape)
    new = np.ones(x.shape, dtype=bool)
    with np.errstate(invalid="ignore"):  # inf - inf where organizations have no value
        new[:, 1:] = ~(xs[:, 1:] - xs[:, :-1] <= RANK_TOLERANCE * scale)
    start = np.maximum.accumulate(np.where(new, pos, 0), axis=1)
    ranks = np.empty(x.shape)
    np.put_along_axis(ranks, order, start + 1.0, axis=1)
    return np.where(nan, np.nan, ranks)


def _rank_by_period(x: np.ndarray, periods: np.ndarray) -> np.ndarray:
    """Rank each row of ``x`` (runs, rows) within each period of the rows.

    1 = best, ties "min" within ``RANK_TOLERANCE``; NaN stays NaN.
    """
    ranks = np.full(x.shape, np.nan)
    for p in pd.unique(periods):
        cols = periods == p
        sub = x[:, cols]
        for r in range(x.shape[0]):  # one row at a time: cache-friendly sorting
            ranks[r, cols] = _rank_rows(sub[r : r + 1])[0]
    return np.where(np.isnan(x), np.nan, ranks)


def _result_frame(run: _Run, include_subindices: bool) -> pd.DataFrame:
    plan, d = run.plan, run.definition
    L = len(plan.leaves)
    depth = _depths(plan, d.id)
    which = [j for j, (k, _, _) in enumerate(plan.nodes) if include_subindices or k == d.id]
    orgs = run.index.get_level_values("organization").to_numpy()
    frames = []
    for j in sorted(which, key=lambda j: depth[plan.nodes[j][0]]):
        key = plan.nodes[j][0]
        v = run.vals[:, L + j] * (d.scale if key == d.id else 1.0)
        rank = _rank_by_period(v[None, :], run.periods)[0]
        frames.append(
            pd.DataFrame(
                {
                    "organization": orgs,
                    "period": run.periods,
                    "index": key,
                    "level": depth[key],
                    "value": v,
                    "rank": pd.array(rank, dtype="Int64"),
                    "coverage": run.cov[:, L + j],
                    "status": np.where(np.isnan(v), "insufficient_data", "ok"),
                }
            )
        )
        if d.imputation is not Imputation.NONE:
            under = _leaves_under(plan, [L + j])
            frames[-1]["imputed"] = (run.how[:, under] > 0).sum(axis=1)
    out = pd.concat(frames, ignore_index=True)
    if (out["period"] == "").all():
        out = out.drop(columns="period")
    return out


def composite_contributions(
    values: pd.DataFrame,
    definition: CompositeDefinition | str,
    *,
    catalog: Catalog | None = None,
    polarity: Mapping[str, Polarity | str] | None = None,
    source: str | None = None,
    imputation: Imputation | str | None = None,
    groups: Mapping[Any, Any] | pd.Series | None = None,
) -> pd.DataFrame:
    """Explain each score: what every component contributes to its parent.

    Parameters
    ----------
    values, definition, catalog, polarity, source, imputation, groups
        As for :func:`composite`.

    Returns
    -------
    pandas.DataFrame
        One row per organization, period, node and child component:
        ``organization``, ``period``, ``index`` (the parent node),
        ``component``, ``raw`` (the indicator value as given, leaves only:
        missing where it was imputed),
        ``normalised`` (the component's value), ``weight`` (its weight
        renormalised over the available components, summing to 1),
        ``contribution`` and ``share``. Contributions add up to the parent's
        value for an arithmetic mean, to its natural log for a geometric
        mean and to its reciprocal for a harmonic mean; ``share`` is the
        contribution divided by that total.

    Examples
    --------
    >>> import pandas as pd
    >>> d = CompositeDefinition.from_mapping({
    ...     "id": "idx", "label": "Indice", "normaliser": "goalposts",
    ...     "components": [
    ...         {"indicator": "x", "polarity": "higher_is_better", "goalposts": [0, 10]},
    ...         {"indicator": "y", "polarity": "higher_is_better", "goalposts": [0, 10],
    ...          "weight": 3}]})
    >>> df = pd.DataFrame({"organization": ["a"], "x": [8.0], "y": [4.0]})
    >>> c = composite_contributions(df, d)
    >>> c[["component", "normalised", "weight", "contribution"]]
      component  normalised  weight  contribution
    0         x         0.8    0.25           0.2
    1         y         0.4    0.75           0.3
    """
    run = _prepare(
        values, definition, catalog, polarity, source, _Options(imputation, groups=groups)
    )
    plan, L = run.plan, len(run.plan.leaves)
    keys = plan.leaves + [k for k, _, _ in plan.nodes]
    orgs = run.index.get_level_values("organization").to_numpy()
    frames = []
    for j, (key, kids, agg) in enumerate(plan.nodes):
        C = run.vals[:, kids]
        w, contrib, share = _node_contributions(C, run.weights[j], agg, run.vals[:, L + j])
        raw = np.column_stack(
            [run.raw_input[:, k] if k < L else np.full(len(orgs), np.nan) for k in kids]
        )
        n, k = C.shape
        frames.append(
            pd.DataFrame(
                {
                    "organization": np.repeat(orgs, k),
                    "period": np.repeat(run.periods, k),
                    "index": key,
                    "component": np.tile(np.array([keys[c] for c in kids], dtype=object), n),
                    "raw": raw.ravel(),
                    "normalised": C.ravel(),
                    "weight": w.ravel(),
                    "contribution": contrib.ravel(),
                    "share": share.ravel(),
                }
            )
        )
    out = pd.concat(frames[::-1], ignore_index=True)
    if (out["period"] == "").all():
        out = out.drop(columns="period")
    return out


def _node_contributions(
    C: np.ndarray, weights: np.ndarray, agg: Aggregator, parent: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(weight, contribution, share)`` of a node's components ``C`` (rows x components).

    Weights are renormalised over the components with a value; contributions
    are on the aggregator's scale (the weighted value, log value or inverse
    value); where the component or its ``parent`` value is missing, both are NaN.
    """
    avail = ~np.isnan(C)
    w = np.where(avail, weights, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        w = w / w.sum(axis=1, keepdims=True)
        if agg is Aggregator.ARITHMETIC:
            contrib = w * C
        elif agg is Aggregator.GEOMETRIC:
            contrib = w * np.log(C)
        else:
            contrib = w / C
        total = np.nansum(contrib, axis=1, keepdims=True)
        share = contrib / total
    parent_missing = np.isnan(parent)[:, None]
    contrib = np.where(parent_missing | ~avail, np.nan, contrib)
    share = np.where(parent_missing | ~avail, np.nan, share)
    return w, contrib, share
