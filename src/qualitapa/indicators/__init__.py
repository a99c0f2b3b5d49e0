"""Indicators: definitions, the formula language, computation, benchmarking, trends.

The public API of :mod:`qualitapa.indicators` in one place; the code lives in
the private modules of this package.

* Definitions: :class:`IndicatorDefinition`, :class:`Variable`,
  :class:`Target` (plugins contribute them, in Python or TOML).
* The formula language: :class:`Formula` (parsed once, never ``eval``-ed).
* Data functions: :func:`compute` (raw data -> indicator values with a
  status), :func:`check_data`, :func:`missing_variables`, :func:`benchmark`
  (ranks, percentiles, best performers, gaps, peer groups), :func:`changes`
  and :func:`trends`
  (year-on-year, CAGR, Theil-Sen, Mann-Kendall with corrections for serial
  correlation, seasonal Mann-Kendall), :func:`targets`.
* Perceived quality: :func:`survey_indicators` and :func:`complaint_indicators`
  (survey indices and complaint KPIs as the values of indicators declared with a
  :class:`IndicatorSource`, with their intervals and number of cases).

Composite indices, their uncertainty, DEA and group ratios live in
:mod:`qualitapa.composite` (their names here are deprecated, until 0.3.0).

Examples
--------
>>> from qualitapa.indicators import Formula
>>> sorted(Formula.parse("registry.certificates / registry.fte").variables)
['registry.certificates', 'registry.fte']
"""

import functools
import warnings
from typing import Any

from qualitapa.indicators._benchmark import (
    BENCHMARK_COLUMNS,
    COMPARISON_LABELS,
    MIN_COMPARED,
    benchmark,
    peer_group_of,
)
from qualitapa.indicators._compute import (
    COMPUTE_COLUMNS,
    STATUS_LABELS,
    Errors,
    check_data,
    compute,
)
from qualitapa.indicators._definitions import (
    COMPLAINT_KPIS,
    SOURCE_TYPES,
    IndicatorDefinition,
    IndicatorSource,
    Periodicity,
    Target,
    Variable,
)
from qualitapa.indicators._formula import FUNCTIONS, Evaluation, Formula, ValueStatus
from qualitapa.indicators._missing import missing_variables
from qualitapa.indicators._perceived import (
    PERCEIVED_COLUMNS,
    complaint_indicators,
    poisson_interval,
    survey_indicators,
    wilson_interval,
)
from qualitapa.indicators._targets import TARGETS_COLUMNS, targets
from qualitapa.indicators._trends import (
    CHANGES_COLUMNS,
    TREND_CORRECTIONS,
    TRENDS_COLUMNS,
    changes,
    trends,
)
from qualitapa.models import Comparator

__all__ = [
    "BENCHMARK_COLUMNS",
    "CHANGES_COLUMNS",
    "COMPARISON_LABELS",
    "COMPLAINT_KPIS",
    "COMPUTE_COLUMNS",
    "FUNCTIONS",
    "MIN_COMPARED",
    "PERCEIVED_COLUMNS",
    "SOURCE_TYPES",
    "STATUS_LABELS",
    "TARGETS_COLUMNS",
    "TRENDS_COLUMNS",
    "TREND_CORRECTIONS",
    "Comparator",
    "Errors",
    "Evaluation",
    "Formula",
    "IndicatorDefinition",
    "IndicatorSource",
    "Periodicity",
    "Target",
    "ValueStatus",
    "Variable",
    "benchmark",
    "changes",
    "check_data",
    "complaint_indicators",
    "compute",
    "missing_variables",
    "peer_group_of",
    "poisson_interval",
    "survey_indicators",
    "targets",
    "trends",
    "wilson_interval",
]

# -- moved to qualitapa.composite (issue 14) -----------------------------------------
#: Public names of :mod:`qualitapa.composite` that came with it and never lived here.
_NEW_IN_COMPOSITE = frozenset(
    {
        "POSITIVE_BOUNDS",
        # issue 24: Malmquist and frontier scores
        "BootstrapResult",
        "MalmquistResult",
        "dea_bootstrap",
        "fdh",
        "malmquist",
        "radial_scores",
        # issue 24: imputation, outlier treatment and the statistical audit
        "AUDIT_FLAGS",
        "AuditResult",
        "composite_audit",
        "Imputation",
        "ImputationResult",
        "Treatment",
        "TreatmentResult",
        "impute",
        "skew_kurtosis",
        "treat",
    }
)


@functools.cache
def _moved_to_composite() -> frozenset[str]:
    """The names that lived here before :mod:`qualitapa.composite` existed.

    Every public name of :mod:`qualitapa.composite` but those new with it: reading
    them from this module still works, with a DeprecationWarning, until 0.3.0. They
    are not in ``__all__``: ``from qualitapa.indicators import *`` does not warn.
    """
    import qualitapa.composite  # here: composite imports this package

    return frozenset(qualitapa.composite.__all__) - _NEW_IN_COMPOSITE


def __getattr__(name: str) -> Any:
    """Deprecated access to the names moved to :mod:`qualitapa.composite` (PEP 562)."""
    if not name.startswith("_") and name in _moved_to_composite():
        warnings.warn(
            f"qualitapa.indicators.{name} has moved to qualitapa.composite and will be "
            f"removed from qualitapa.indicators in 0.3.0; use "
            f"'from qualitapa.composite import {name}'",
            DeprecationWarning,
            stacklevel=2,
        )
        import qualitapa.composite

        return getattr(qualitapa.composite, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_moved_to_composite()})
