"""qualitapa plugin: financial indicators of Italian municipal budgets.

The plugin object (entry point ``finance``) contributes the TOML
definitions: service ``finance``, its raw variables, indicators and demo
datasets (``definitions.toml``) and the composite index (``composite.toml``).
The package also offers :func:`invoice_variables`, which computes the raw variables of the
payment-timeliness indicator (DPCM 22 September 2014) from invoice-level
data, and :func:`check_invoices` / :func:`validate_invoices`, which report every
problem in the invoices (the :mod:`qualitapa.problems` convention).

Examples
--------
>>> from qualitapa_finance import INVOICE_VARIABLES
>>> INVOICE_VARIABLES[:2]
('finance.invoice_amount_days', 'finance.invoice_amount_paid')
"""

from qualitapa.declarative import toml_plugin
from qualitapa_finance._invoices import (
    INVOICE_PROBLEM_EXTRAS,
    INVOICE_VARIABLES,
    check_invoices,
    invoice_variables,
    validate_invoices,
)

__all__ = [
    "INVOICE_PROBLEM_EXTRAS",
    "INVOICE_VARIABLES",
    "check_invoices",
    "invoice_variables",
    "plugin",
    "validate_invoices",
]

plugin = toml_plugin(__name__, "definitions.toml", "composite.toml")
