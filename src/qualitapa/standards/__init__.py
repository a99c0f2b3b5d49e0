"""Service charters (carte dei servizi), quality standards and their compliance.

* :class:`QualityStandard` - a standard of a service: dimension, what is
  measured, target, general or specific scope, automatic refund.
* :class:`Charter` - the published charter (status, approval act, version);
  :class:`CharterContent` - a city's part of it (contacts, hours, channels,
  notes); :func:`render_charter` (HTML, Markdown) in Italian, English, German;
  :func:`print_to_pdf` with a headless Chromium.
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

from qualitapa.models import Comparator
from qualitapa.standards._charter import (
    ApprovalAct,
    Charter,
    CharterStatus,
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
from qualitapa.standards._content import CharterContent, content_for
from qualitapa.standards._model import (
    SUB_DIMENSIONS,
    Aggregate,
    QualityDimension,
    QualityStandard,
    RefundRule,
    Scope,
    StandardTarget,
    SubDimension,
)
from qualitapa.standards._pdf import BrowserError, find_browser, print_to_pdf
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
    "ApprovalAct",
    "BrowserError",
    "Charter",
    "CharterContent",
    "CharterFormat",
    "CharterStatus",
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
    "content_for",
    "delivery_checks",
    "find_browser",
    "md_escape",
    "print_to_pdf",
    "refunds_due",
    "render_charter",
    "render_html",
    "render_markdown",
    "replaced_for",
    "standards_for",
    "standards_table",
]
