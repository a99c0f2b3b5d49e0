"""Composite indices, their uncertainty, DEA and group ratios.

The public API of :mod:`qualitapa.composite` in one place; the code lives in
the private modules of this package. Every function takes the indicator
values of :func:`qualitapa.indicators.compute` (or raw variables) and
combines organizations or indicators into one picture.

* Composite indices (OECD/JRC Handbook, 2008): :class:`CompositeDefinition`
  and :class:`CompositeComponent` (plugins contribute them, in Python or
  TOML), :func:`composite` and :func:`composite_contributions`.
* Their building blocks: :func:`normalise` (:class:`Normaliser`),
  :func:`winsorise`, :func:`pca_weights`, :func:`aggregate`
  (:class:`Aggregator`), :data:`POSITIVE_BOUNDS`.
* Before normalising: :func:`impute` (:class:`Imputation`,
  :class:`ImputationResult`) fills missing values, :func:`treat`
  (:class:`Treatment`, :class:`TreatmentResult`, :func:`skew_kurtosis`)
  treats outlying indicators (COINr's skewness and kurtosis rule).
* The statistical audit of an index: :func:`composite_audit`
  (:class:`AuditResult`, :data:`AUDIT_FLAGS`): correlations within and
  between dimensions, Cronbach's alpha, first principal component, flags.
* Monte Carlo uncertainty and sensitivity: :func:`composite_uncertainty`
  (:class:`UncertaintyResult`).
* Data Envelopment Analysis: :func:`dea` (:class:`DEAResult`,
  :class:`ReturnsToScale`, :class:`Orientation`, :class:`DEASolverError`);
  :func:`radial_scores` evaluates units against a frontier spanned by others.
* Bias-corrected DEA scores and confidence intervals (Simar-Wilson
  bootstrap): :func:`dea_bootstrap` (:class:`BootstrapResult`).
* Free Disposal Hull, the frontier without convexity: :func:`fdh`.
* Productivity change between periods: :func:`malmquist`
  (:class:`MalmquistResult`).
* Group values of ratio indicators with confidence intervals:
  :func:`group_ratio`, :func:`ratio_parts`.

.. versionadded:: 0.2.0
   Before, these names lived in :mod:`qualitapa.indicators`, which still
   re-exports them with a :class:`DeprecationWarning` until 0.3.0.

Examples
--------
>>> import pandas as pd
>>> from qualitapa.composite import aggregate
>>> aggregate(pd.DataFrame({"a": [1.0, 0.0], "b": [0.5, 1.0]}))["value"].tolist()
[0.75, 0.5]
"""

from qualitapa.composite._audit import AUDIT_FLAGS, AuditResult, composite_audit
from qualitapa.composite._dea import (
    DEAResult,
    DEASolverError,
    Orientation,
    ReturnsToScale,
    dea,
    radial_scores,
)
from qualitapa.composite._dea_bootstrap import BootstrapResult, dea_bootstrap
from qualitapa.composite._definition import CompositeComponent, CompositeDefinition
from qualitapa.composite._fdh import fdh
from qualitapa.composite._group_ratios import group_ratio, ratio_parts
from qualitapa.composite._impute import Imputation, ImputationResult, impute
from qualitapa.composite._index import composite, composite_contributions
from qualitapa.composite._malmquist import MalmquistResult, malmquist
from qualitapa.composite._methods import (
    POSITIVE_BOUNDS,
    Aggregator,
    Normaliser,
    aggregate,
    normalise,
    pca_weights,
    winsorise,
)
from qualitapa.composite._treat import Treatment, TreatmentResult, skew_kurtosis, treat
from qualitapa.composite._uncertainty import UncertaintyResult, composite_uncertainty

__all__ = [
    "AUDIT_FLAGS",
    "POSITIVE_BOUNDS",
    "Aggregator",
    "AuditResult",
    "BootstrapResult",
    "CompositeComponent",
    "CompositeDefinition",
    "DEAResult",
    "DEASolverError",
    "Imputation",
    "ImputationResult",
    "MalmquistResult",
    "Normaliser",
    "Orientation",
    "ReturnsToScale",
    "Treatment",
    "TreatmentResult",
    "UncertaintyResult",
    "aggregate",
    "composite",
    "composite_audit",
    "composite_contributions",
    "composite_uncertainty",
    "dea",
    "dea_bootstrap",
    "fdh",
    "group_ratio",
    "impute",
    "malmquist",
    "normalise",
    "pca_weights",
    "radial_scores",
    "ratio_parts",
    "skew_kurtosis",
    "treat",
    "winsorise",
]
