# mypy: disable-error-code="empty-body"
"""Hook specifications: what a qualitapa plugin can contribute.

Every hook takes no argument and returns a list of model objects; the
:class:`~qualitapa.catalog.Catalog` merges the lists of all plugins and
remembers which plugin gave what. A plugin implements the hooks it needs
with the :data:`qualitapa.hookimpl` marker::

    from qualitapa import hookimpl
    from qualitapa.models import Service, Text

    @hookimpl
    def qualitapa_services():
        return [Service("registry", Text("Anagrafe", "Civil registry"))]

A list may also hold :class:`~qualitapa.catalog.Override` wrappers, which
replace the item of the same id that another plugin contributes.

Plugins that only carry data can skip Python altogether and ship a TOML file
loaded by :func:`qualitapa.declarative.toml_plugin`.

New arguments may be added to these hooks in later versions; pluggy lets an
implementation accept fewer arguments than the specification, so existing
plugins keep working.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:  # as pytest's hookspec: the models import this package
    from qualitapa.catalog import Override
    from qualitapa.complaints import ComplaintCategory
    from qualitapa.composite import CompositeDefinition
    from qualitapa.demo import DemoProfile
    from qualitapa.indicators import IndicatorDefinition, Variable
    from qualitapa.models import Dataset, Organization, PeerGroup, Service
    from qualitapa.reporting import ReportSection
    from qualitapa.site import PageKind, SiteSection
    from qualitapa.standards import Charter, CharterContent, QualityStandard
    from qualitapa.surveys import Instrument

__all__ = ["PROJECT_NAME", "hookimpl", "hookspec"]

PROJECT_NAME = "qualitapa"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec
def qualitapa_services() -> list[Service | Override]:
    """Return the services this plugin defines.

    Returns a list of :class:`qualitapa.models.Service`. A service type
    plugin defines its service and sub-services, e.g. ``registry`` with
    ``civil_status`` and ``foreigners`` as children.

    Example::

        @hookimpl
        def qualitapa_services():
            return [Service("libraries", Text("Biblioteche", "Public libraries"))]
    """


@hookspec
def qualitapa_organizations() -> list[Organization | Override]:
    """Return the organizations (municipalities) this plugin registers.

    Returns a list of :class:`qualitapa.models.Organization`. Their
    ``population`` and ``attributes`` are available to indicator formulas.

    Example::

        @hookimpl
        def qualitapa_organizations():
            return [Organization("036023", "Modena", population=184_739, province="MO")]
    """


@hookspec
def qualitapa_peer_groups() -> list[PeerGroup | Override]:
    """Return peer groupings of organizations for benchmarking.

    Returns a list of :class:`qualitapa.models.PeerGroup`, e.g. population
    classes.

    Example::

        @hookimpl
        def qualitapa_peer_groups():
            return [PeerGroup("size", Text("Classe demografica", "Population class"),
                              breaks=(250_000,), labels=("medium", "large"))]
    """


@hookspec
def qualitapa_variables() -> list[Variable | Override]:
    """Return the raw variables that indicator formulas use.

    Returns a list of :class:`qualitapa.indicators.Variable` (id, label,
    unit, whether negative values are allowed). Declaring variables lets
    the engine reject impossible raw values (a negative count) and lets
    ``qualitapa plugin check`` find formulas that use undeclared names.

    Example::

        @hookimpl
        def qualitapa_variables():
            return [Variable("registry.certificates", Text("Certificati", "Certificates"),
                             unit="count", service="registry")]
    """


@hookspec
def qualitapa_indicators() -> list[IndicatorDefinition | Override]:
    """Return indicator definitions.

    Returns a list of :class:`qualitapa.indicators.IndicatorDefinition`.

    Example::

        @hookimpl
        def qualitapa_indicators():
            return [IndicatorDefinition.from_mapping({
                "id": "libraries.loans_per_inhabitant",
                "label": {"it": "Prestiti per abitante", "en": "Loans per inhabitant"},
                "service": "libraries", "dimension": "effectiveness",
                "formula": "loans / population", "unit": "loans per inhabitant",
                "polarity": "higher_is_better",
            })]
    """


@hookspec
def qualitapa_composites() -> list[CompositeDefinition | Override]:
    """Return composite index definitions (trees of indicators with weights).

    Returns a list of :class:`qualitapa.composite.CompositeDefinition`.

    Example::

        @hookimpl
        def qualitapa_composites():
            return [CompositeDefinition.from_mapping({...})]
    """


@hookspec
def qualitapa_instruments() -> list[Instrument | Override]:
    """Return survey instruments (questionnaires).

    Returns a list of :class:`qualitapa.surveys.Instrument`, built in
    Python, from TOML or from an XLSForm.

    Example::

        @hookimpl
        def qualitapa_instruments():
            return [Instrument.from_xlsform(files(__package__) / "counter.xlsx")]
    """


@hookspec
def qualitapa_complaint_categories() -> list[ComplaintCategory | Override]:
    """Return complaint categories (a category -> subcategory tree per service).

    Returns a list of :class:`qualitapa.complaints.ComplaintCategory`, each
    with an optional answer deadline overriding the service default.

    Example::

        @hookimpl
        def qualitapa_complaint_categories():
            return [ComplaintCategory("registry.waiting", Text("Attese", "Waiting"),
                                      service="registry")]
    """


@hookspec
def qualitapa_standards() -> list[QualityStandard | Override]:
    """Return quality standards (standard di qualità) of service charters.

    Returns a list of :class:`qualitapa.standards.QualityStandard`.

    Example::

        @hookimpl
        def qualitapa_standards():
            return [QualityStandard.from_mapping({...})]
    """


@hookspec
def qualitapa_charters() -> list[Charter | Override]:
    """Return service charters (carte dei servizi).

    Returns a list of :class:`qualitapa.standards.Charter`.

    Example::

        @hookimpl
        def qualitapa_charters():
            return [Charter.from_mapping({...})]
    """


@hookspec
def qualitapa_charter_content() -> list[CharterContent | Override]:
    """Return a city's content of service charters: contacts, hours, channels, notes, approval.

    Returns a list of :class:`qualitapa.standards.CharterContent`, one per
    charter and organization. The charter of a service plugin is the shared
    model; the city that adopts it says how to reach its offices, when they
    are open, which act approved its charter and what else its citizens
    should know.

    .. versionadded:: 0.2.0

    Example::

        @hookimpl
        def qualitapa_charter_content():
            return [CharterContent.from_mapping({
                "charter": "registry.charter", "organization": "036023",
                "contacts": [{"label": "Ufficio anagrafe", "phone": "059 203 2000"}],
                "channels": ["counter", "email", "pec"],
            })]
    """


@hookspec
def qualitapa_datasets() -> list[Dataset | Override]:
    """Return data files the plugin ships (demo data, reference tables).

    Returns a list of :class:`qualitapa.models.Dataset`. ``qualitapa demo``
    finds its input this way; ``kind`` says what each file holds.

    Example::

        @hookimpl
        def qualitapa_datasets():
            return [Dataset("qclub.demo.indicators", Text("Dati demo", "Demo data"),
                            path=files(__package__) / "demo" / "indicator_data.csv",
                            kind="indicator_data", synthetic=True)]
    """


@hookspec
def qualitapa_demo_profiles() -> list[DemoProfile | Override]:
    """Return demo profiles: what ``qualitapa demo`` runs on the plugins' demo data.

    Returns a list of :class:`qualitapa.demo.DemoProfile`: the DEA models,
    the survey raking variables, the peer group and the highlighted city of
    a group of cities. The core names no service or city; a club plugin
    says what its demo shows.

    .. versionadded:: 0.2.0

    Example::

        @hookimpl
        def qualitapa_demo_profiles():
            return [DemoProfile.from_mapping({
                "id": "qclub", "label": "Q-Club", "highlight": "036023",
                "peer_group": "qclub.size", "margins": ["sex", "age_class"],
                "dea": [{"service": "libraries", "inputs": ["libraries.cost"],
                         "outputs": ["libraries.loans", "libraries.visits"]}],
            })]
    """


@hookspec
def qualitapa_report_sections() -> list[ReportSection]:
    """Return the sections this plugin adds to the HTML report.

    Returns a list of :class:`qualitapa.reporting.ReportSection`: an ``id``,
    a ``title`` (:class:`~qualitapa.models.Text`), an ``order`` among the
    built-in sections (10-90), a ``build(ctx)`` function that turns the
    report's inputs (``ctx.inputs``, e.g. a table the caller passed in
    ``ReportInputs(extra={...})``) into the template's variables or returns
    None to leave the section out, and a template: a ``template`` name
    found in the plugin's ``templates`` folder, or its ``source`` text.
    The report collects these from the plugins of its catalog; unlike the
    other hooks, sections are not catalog items.

    .. versionadded:: 0.2.0

    Example::

        from pathlib import Path

        @hookimpl
        def qualitapa_report_sections():
            return [ReportSection(
                id="waste", title=Text("Raccolta differenziata", "Separate collection"),
                order=65, build=waste_context, template="waste.html.j2",
                templates=Path(__file__).parent / "templates",
            )]
    """


@hookspec
def qualitapa_site_pages() -> list[PageKind | SiteSection]:
    """Return the page kinds and sections this plugin adds to the quality portal.

    Returns a list of :class:`qualitapa.site.PageKind` (a kind of page with
    its menu entry: an ``id``, a ``title`` (:class:`~qualitapa.models.Text`),
    an ``order`` in the menu, 0-100, and a ``build(ctx)`` function that
    returns the :class:`~qualitapa.site.Page` objects of ``ctx.lang``) and
    :class:`qualitapa.site.SiteSection` (a block on the pages of another
    kind: ``page="city"``, ``"service"`` or ``"home"``, with a
    ``build(ctx, subject)`` function that returns the template's variables
    or None). Templates are looked up in the plugin's ``templates`` folder,
    then among the portal's (layout and ``_macros.html.j2``). Like the
    report's sections, these are not catalog items: ``qualitapa site build``
    collects them from the plugins of its catalog; two with the same id are
    an error.

    .. versionadded:: 0.3.0

    Example::

        from pathlib import Path

        @hookimpl
        def qualitapa_site_pages():
            return [SiteSection(
                id="waste", page="city", title=Text("Raccolta differenziata"),
                order=65, build=waste_context, template="waste.html.j2",
                templates=Path(__file__).parent / "templates",
            )]
    """
