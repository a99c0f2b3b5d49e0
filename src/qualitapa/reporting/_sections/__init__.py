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

#: The built-in sections, in report order (their titles are msgids of the catalogs).
BUILTIN_SECTIONS: tuple[ReportSection, ...] = (
    ReportSection(id="headline", title=Text(_("Sintesi degli indicatori")),
                  build=indicators.build_headline, template="headline.html.j2", order=10),
    ReportSection(id="indicators", title=Text(_("Indicatori")),
                  build=indicators.build_indicators, template="indicators.html.j2", order=20),
    ReportSection(id="composite", title=Text(_("Indici compositi")),
                  build=composite.build, template="composite.html.j2", order=30),
    ReportSection(id="dea", title=Text(_("Efficienza (DEA)")),
                  build=dea.build, template="dea.html.j2", order=40),
    ReportSection(id="survey", title=Text(_("Soddisfazione degli utenti")),
                  build=survey.build, template="survey.html.j2", order=50),
    ReportSection(id="ipa", title=Text(_("Analisi importanza-performance")),
                  build=ipa.build, template="ipa.html.j2", order=60),
    ReportSection(id="complaints", title=Text(_("Reclami e segnalazioni")),
                  build=complaints.build, template="complaints.html.j2", order=70),
    ReportSection(id="compliance", title=Text(_("Rispetto degli standard della carta")),
                  build=compliance.build, template="compliance.html.j2", order=80),
    ReportSection(id="caf", title=Text(_("Autovalutazione CAF")),
                  build=caf.build, template="caf.html.j2", order=90),
)  # fmt: skip
