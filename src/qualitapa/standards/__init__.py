"""Service charters (carte dei servizi), quality standards and their compliance.

* :class:`QualityStandard` - a standard of a service: dimension, what is
  measured, target, general or specific scope, automatic refund.
* :class:`Charter` - the published charter; :func:`render_markdown`,
  :func:`render_html`.
* :func:`compliance` - standards against indicator values and delivery
  records; :func:`refunds_due` - the refunds owed, delivery by delivery.
* Local standards: a standard with ``organizations`` applies to them only,
  and one that ``replaces`` a general standard takes its place there
  (:meth:`QualityStandard.local_variant`, :func:`standards_for`,
  :func:`charter_standards`).
* :func:`standards_table` - the standards as a table, one row each.

Examples
--------
>>> from qualitapa.standards import QualityStandard
>>> s = QualityStandard.from_mapping({"id": "registry.cert_online", "service": "registry",
...     "dimension": "accessibility", "sub_dimension": "multichannel",
...     "label": {"it": "Certificati online", "en": "Certificates online"},
...     "indicator": "registry.online_share", "target": ">= 60", "unit": "%"})
>>> s.target.describe("en")
'at least 60'
"""

from qualitapa.standards._charter import (
    Charter,
    ComplaintProcedure,
    Contact,
    ContactPoint,
    OpeningHours,
    charters_for,
)
from qualitapa.standards._compliance import (
    COMPLIANCE_COLUMNS,
    compliance,
    delivery_checks,
    refunds_due,
)
from qualitapa.standards._model import (
    SUB_DIMENSIONS,
    Aggregate,
    Comparator,
    QualityDimension,
    QualityStandard,
    RefundRule,
    Scope,
    StandardTarget,
    SubDimension,
)
from qualitapa.standards._render import (
    CharterFormat,
    md_escape,
    render_charter,
    render_html,
    render_markdown,
)
from qualitapa.standards._scope import charter_standards, replaced_for, standards_for
from qualitapa.standards._table import STANDARD_COLUMNS, standards_table

__all__ = [
    "COMPLIANCE_COLUMNS",
    "STANDARD_COLUMNS",
    "SUB_DIMENSIONS",
    "Aggregate",
    "Charter",
    "CharterFormat",
    "Comparator",
    "ComplaintProcedure",
    "Contact",
    "ContactPoint",
    "OpeningHours",
    "QualityDimension",
    "QualityStandard",
    "RefundRule",
    "Scope",
    "StandardTarget",
    "SubDimension",
    "charter_standards",
    "charters_for",
    "compliance",
    "delivery_checks",
    "md_escape",
    "refunds_due",
    "render_charter",
    "render_html",
    "render_markdown",
    "replaced_for",
    "standards_for",
    "standards_table",
]
