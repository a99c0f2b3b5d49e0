"""Indicators: definitions, the formula language, computation, benchmarking, trends.

The public API of :mod:`qualitapa.indicators` in one place; the code lives in
the private modules of this package.

* Definitions: :class:`IndicatorDefinition`, :class:`Variable`,
  :class:`Target` (plugins contribute them, in Python or TOML).
* The formula language: :class:`Formula` (parsed once, never ``eval``-ed).
* Data functions: :func:`compute` (raw data -> indicator values with a
  status), :func:`check_data`, :func:`benchmark` (ranks, percentiles, best
  performers, gaps, peer groups), :func:`changes` and :func:`trends`
  (year-on-year, CAGR, Theil-Sen, Mann-Kendall), :func:`targets`.

Examples
--------
>>> from qualitapa.indicators import Formula
>>> sorted(Formula.parse("registry.certificates / registry.fte").variables)
['registry.certificates', 'registry.fte']
"""

from qualitapa.indicators._benchmark import (
    BENCHMARK_COLUMNS,
    COMPARISON_LABELS,
    MIN_COMPARED,
    benchmark,
    peer_group_of,
)
from qualitapa.indicators._compute import COMPUTE_COLUMNS, STATUS_LABELS, check_data, compute
from qualitapa.indicators._definitions import (
    Comparator,
    IndicatorDefinition,
    Periodicity,
    Target,
    Variable,
)
from qualitapa.indicators._formula import FUNCTIONS, Evaluation, Formula, ValueStatus
from qualitapa.indicators._targets import TARGETS_COLUMNS, targets
from qualitapa.indicators._trends import CHANGES_COLUMNS, TRENDS_COLUMNS, changes, trends

__all__ = [
    "BENCHMARK_COLUMNS",
    "CHANGES_COLUMNS",
    "COMPARISON_LABELS",
    "COMPUTE_COLUMNS",
    "FUNCTIONS",
    "MIN_COMPARED",
    "STATUS_LABELS",
    "TARGETS_COLUMNS",
    "TRENDS_COLUMNS",
    "Comparator",
    "Evaluation",
    "Formula",
    "IndicatorDefinition",
    "Periodicity",
    "Target",
    "ValueStatus",
    "Variable",
    "benchmark",
    "changes",
    "check_data",
    "compute",
    "peer_group_of",
    "targets",
    "trends",
]

# -- composite indices, uncertainty, DEA, group ratios (issue 6) --------------------
from qualitapa.indicators._composite import (
    CompositeComponent,
    CompositeDefinition,
    composite,
    composite_contributions,
)
from qualitapa.indicators._composite_methods import (
    Aggregator,
    Normaliser,
    aggregate,
    normalise,
    pca_weights,
    winsorise,
)
from qualitapa.indicators._composite_uncertainty import (
    UncertaintyResult,
    composite_uncertainty,
)
from qualitapa.indicators._dea import (
    DEAResult,
    DEASolverError,
    Orientation,
    ReturnsToScale,
    dea,
)
from qualitapa.indicators._group_ratios import group_ratio, ratio_parts

__all__ += [
    "Aggregator",
    "CompositeComponent",
    "CompositeDefinition",
    "DEAResult",
    "DEASolverError",
    "Normaliser",
    "Orientation",
    "ReturnsToScale",
    "UncertaintyResult",
    "aggregate",
    "composite",
    "composite_contributions",
    "composite_uncertainty",
    "dea",
    "group_ratio",
    "normalise",
    "pca_weights",
    "ratio_parts",
    "winsorise",
]
