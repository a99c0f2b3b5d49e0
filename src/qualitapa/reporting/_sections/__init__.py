"""The report's built-in sections: one module each turns its table into a template context.

The built-in sections are :class:`~qualitapa.reporting.ReportSection` objects
like those a plugin adds (``qualitapa_report_sections``); their templates are
``templates/<id>.html.j2``.
"""

from __future__ import annotations

from qualitapa.models import Text
from qualitapa.reporting._i18n import gettext_noop as _
from qualitapa.reporting._section import ReportSection
from qualitapa.reporting._sections import (
    caf,
    complaints,
    compliance,
    composite,
    dea,
    indicators,
    ipa,
    survey,
)

#: Id, title (a msgid of the catalogs) and build function of the built-in sections, in order.
_BUILTIN = (
    ("headline", _("Sintesi degli indicatori"), indicators.build_headline),
    ("indicators", _("Indicatori"), indicators.build_indicators),
    ("composite", _("Indici compositi"), composite.build),
    ("dea", _("Efficienza (DEA)"), dea.build),
    ("survey", _("Soddisfazione degli utenti"), survey.build),
    ("ipa", _("Analisi importanza-performance"), ipa.build),
    ("complaints", _("Reclami e segnalazioni"), complaints.build),
    ("compliance", _("Rispetto degli standard della carta"), compliance.build),
    ("caf", _("Autovalutazione CAF"), caf.build),
)

#: The built-in sections, in report order (their titles are msgids of the catalogs).
BUILTIN_SECTIONS: tuple[ReportSection, ...] = tuple(
    ReportSection(id=id_, title=Text(title), build=build, template=f"{id_}.html.j2", order=10 * n)
    for n, (id_, title, build) in enumerate(_BUILTIN, start=1)
)
