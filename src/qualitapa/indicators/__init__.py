"""Indicators: definitions, the formula language, computation, benchmarking, trends.

The public API of :mod:`qualitapa.indicators` in one place; the code lives in
the private modules of this package.

Examples
--------
>>> from qualitapa.indicators import Formula
>>> sorted(Formula.parse("registry.certificates / registry.fte").variables)
['registry.certificates', 'registry.fte']
"""

from qualitapa.indicators._definitions import (
    Comparator,
    IndicatorDefinition,
    Periodicity,
    Target,
    Variable,
)
from qualitapa.indicators._formula import FUNCTIONS, Evaluation, Formula, ValueStatus

__all__ = [
    "FUNCTIONS",
    "Comparator",
    "Evaluation",
    "Formula",
    "IndicatorDefinition",
    "Periodicity",
    "Target",
    "ValueStatus",
    "Variable",
]
