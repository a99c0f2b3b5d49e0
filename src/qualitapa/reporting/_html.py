"""The self-contained HTML benchmark report, rendered from Jinja2 templates.

:func:`render_report` turns a :class:`~qualitapa.reporting.ReportInputs`
into one HTML page: styles inline, charts as inline accessible SVG (each
with a title, a text alternative and its data as a table), printable (A4
print styles). Each section is a :class:`~qualitapa.reporting.ReportSection`
whose builder turns data into a template context; plugins add sections with
the ``qualitapa_report_sections`` hook. Text is escaped by the template
engine (autoescape on).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from qualitapa.__about__ import __version__
from qualitapa._html_style import REPORT_STYLE
from qualitapa.errors import DataError, PluginError
from qualitapa.i18n import translator
from qualitapa.plugins import hook_items
from qualitapa.reporting import _charts as charts
from qualitapa.reporting._context import ReportContext, indicator_definitions, org_names
from qualitapa.reporting._i18n import gettext_noop as _
from qualitapa.reporting._i18n import plugin_environment, report_environment
from qualitapa.reporting._inputs import ReportInputs
from qualitapa.reporting._section import ReportSection
from qualitapa.reporting._sections import BUILTIN_SECTIONS
from qualitapa.reporting._service import own_rows


def report_sections(
    catalog: Any = None, extra: Iterable[ReportSection] = ()
) -> list[ReportSection]:
    """The sections of a report, in order: the built-in ones, the plugins' and ``extra``.

    The plugins are those of ``catalog``'s plugin manager (their
    ``qualitapa_report_sections`` hook).

    Raises
    ------
    PluginError
        A plugin's hook raised, returned something else than a list of
        :class:`ReportSection`, or reused a section id.

    Examples
    --------
    >>> [s.id for s in report_sections()][:3]
    ['headline', 'indicators', 'composite']
    """
    found: dict[str, tuple[ReportSection, str]] = {s.id: (s, "qualitapa") for s in BUILTIN_SECTIONS}
    plugins = hook_items(catalog, "qualitapa_report_sections", ReportSection, "ReportSection")
    for plugin, section in [*plugins, *(("(given)", s) for s in extra)]:
        if section.id in found:
            raise PluginError(
                f"report section {section.id!r} is already defined by {found[section.id][1]!r}",
                plugin=plugin,
            )
        found[section.id] = (section, plugin)
    return sorted((s for s, _p in found.values()), key=lambda s: s.order)


def _context(inputs: ReportInputs) -> ReportContext:
    definitions = indicator_definitions(inputs.catalog, inputs.definitions)
    tables = {
        key: own_rows(table, inputs.service, definitions, inputs.catalog)
        for key, table in inputs.tables().items()
    }
    if inputs.caf is not None:  # about the whole organization: never cut by service
        tables["caf"] = inputs.caf
    return ReportContext(
        inputs=inputs,
        t=translator(inputs.lang),
        tables={k: v for k, v in tables.items() if v is not None},
        names=org_names(inputs.catalog, inputs.names, inputs.lang),
        definitions=definitions,
        can_draw=inputs.charts and charts.charts_available(),
    )


def _template(section: ReportSection) -> jinja2.Template:
    builtin = section in BUILTIN_SECTIONS
    env = report_environment() if builtin else plugin_environment(
        (section.templates,) if section.templates is not None else ()
    )  # fmt: skip
    if section.source is not None:
        return env.from_string(section.source)
    return env.get_template(str(section.template))


def _render_section(ctx: ReportContext, section: ReportSection) -> dict[str, Any] | None:
    """``{id, title, html}`` of ``section``, or None when it has nothing to show."""
    data = section.build(ctx)
    if data is None:
        return None
    builtin = section in BUILTIN_SECTIONS
    title = ctx.t(section.title.it) if builtin else ctx.t.text(section.title)
    try:
        html = _template(section).render(**data, t=ctx.t, section=section)
    except jinja2.TemplateError as exc:
        if builtin:
            raise
        raise PluginError(f"report section {section.id!r}: template error: {exc}") from exc
    return {"id": section.id, "title": title, "html": Markup(html)}


def _section_title(ctx: ReportContext, section: ReportSection) -> str:
    """The title of ``section`` in the report's language."""
    if section in BUILTIN_SECTIONS:
        return str(ctx.t(section.title.it))
    return str(ctx.t.text(section.title))


def render_report(inputs: ReportInputs, *, progress: Callable[[str], object] | None = None) -> str:
    """Render the benchmark report of a service and period as one self-contained HTML page.

    Each section appears when its table is given (see
    :class:`~qualitapa.reporting.ReportInputs`; the reporting guide lists
    the columns each section needs and what it shows). Sections of the
    catalog's plugins (hook ``qualitapa_report_sections``) follow in their
    order.

    Parameters
    ----------
    inputs
        The tables and options of the report.
    progress
        Called with each section's title (in the report's language) before
        the section is built: a long report can show where it is.

    Returns
    -------
    str
        The HTML document.

    Raises
    ------
    DataError
        A table lacks the columns its section needs, or there is nothing to
        report (no table, or no row of the service).
    PluginError
        A plugin's section is broken (see :func:`report_sections`).

    Examples
    --------
    >>> import pandas as pd
    >>> values = pd.DataFrame({"organization": ["a", "b", "c"], "period": 2024,
    ...                        "indicator": "registry.waiting", "value": [12.0, 8.5, 20.0]})
    >>> page = render_report(ReportInputs(period=2024, indicators=values, charts=False,
    ...     names={"a": "Modena", "b": "Trento", "c": "<Genova>"}))
    >>> page.startswith("<!DOCTYPE html>"), "&lt;Genova&gt;" in page, "<Genova>" in page
    (True, True, False)
    """
    ctx = _context(inputs)
    sections = []
    for section in report_sections(inputs.catalog):
        if progress is not None:
            progress(_section_title(ctx, section))
        if (rendered := _render_section(ctx, section)) is not None:
            sections.append(rendered)
    if not sections:
        service = inputs.service
        raise DataError(
            "nothing to report: no result table was given"
            + (f", or none has rows of service {service!r}" if service else "")
        )
    return _page(ctx, sections)


def _page(ctx: ReportContext, sections: list[dict[str, Any]]) -> str:
    """The HTML document: header, table of contents and the sections."""
    t, inputs = ctx.t, ctx.inputs
    service = inputs.service
    label = ctx.label_of("services", service) if service else None
    heading = inputs.title or " – ".join(
        x for x in (str(t(_("Rapporto di benchmarking"))), label) if x
    )
    notes = [inputs.note] if inputs.note else []
    if inputs.charts and not ctx.can_draw:
        notes.append(str(t(_("I grafici non sono disponibili: installare l'extra 'plot' "
                             "(pip install 'qualitapa[plot]'). Il rapporto mostra solo le "
                             "tabelle."))))  # fmt: skip
    return report_environment().get_template("page.html.j2").render(
        lang=inputs.lang, t=t, heading=heading, period=inputs.period, notes=notes,
        sections=sections, version=__version__, style=REPORT_STYLE,
        generated=t.date(inputs.generated or dt.date.today()),
    )  # fmt: skip


def write_report(
    path: str | Path, inputs: ReportInputs, *, progress: Callable[[str], object] | None = None
) -> Path:
    """Render the report with :func:`render_report` and write it to ``path`` (UTF-8).

    ``progress`` is called with each section's title (see :func:`render_report`).

    Returns
    -------
    Path
        ``path``.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> caf = pd.DataFrame({"level": ["total"], "id": ["total"], "score": [55.0]})
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = write_report(Path(d) / "r.html", ReportInputs(period=2024, caf=caf))
    ...     "Autovalutazione CAF" in p.read_text(encoding="utf-8")
    True
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render_report(inputs, progress=progress), encoding="utf-8")
    return target
