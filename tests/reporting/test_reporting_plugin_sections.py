"""Sections added by plugins through the ``qualitapa_report_sections`` hook."""

from __future__ import annotations

import pandas as pd
import pytest

from qualitapa import Service, Text, hookimpl
from qualitapa.errors import DefinitionError, PluginError
from qualitapa.reporting import ReportInputs, ReportSection, render_report, report_sections
from qualitapa.reporting._views import table
from qualitapa.testing import catalog_with

CAF = pd.DataFrame({"level": ["total"], "id": ["total"], "score": [55.0]})
WASTE = pd.DataFrame({"organization": ["036023", "021008"], "share": [0.71, 0.64]})


def waste_context(ctx):
    """The plugin's builder: its table from ``extra``, names and numbers from the context."""
    frame = ctx.inputs.extra.get("waste")
    if frame is None:
        return None
    rows = [[ctx.name(o), ctx.t.percent(s, digits=1)] for o, s in frame.itertuples(index=False)]
    return {"rows": rows, "data": table([(ctx.t("Ente"), False), ("%", True)], rows)}


class WastePlugin:
    """A service plugin with one report section from a template folder, one from a string."""

    def __init__(self, folder):
        self.folder = folder

    @hookimpl
    def qualitapa_services(self):
        return [Service("waste", Text("Rifiuti", "Waste"))]

    @hookimpl
    def qualitapa_report_sections(self):
        return [
            ReportSection(id="waste", title=Text("Raccolta differenziata", "Separate collection"),
                          order=85, build=waste_context, template="waste.html.j2",
                          templates=self.folder),
            ReportSection(id="waste-note", title=Text("Nota sui rifiuti"), order=5,
                          build=lambda ctx: {"n": len(ctx.inputs.extra.get("waste", []))},
                          source="<p class='waste-note'>{{ n }} {{ t('enti') }}</p>"),
        ]  # fmt: skip


@pytest.fixture
def plugin(tmp_path):
    (tmp_path / "waste.html.j2").write_text(
        '{% import "_macros.html.j2" as m with context %}\n'
        "<ul>{% for name, share in rows %}<li>{{ name }}: {{ share }}</li>{% endfor %}</ul>\n"
        "{{ m.table(data) }}\n",
        encoding="utf-8",
    )
    return WastePlugin(tmp_path)


def test_plugin_section_is_rendered_in_its_order_with_its_template(plugin):
    catalog = catalog_with(("waste", plugin))
    names = {"036023": "Modena", "021008": "<b>Bolzano</b>"}
    page = render_report(ReportInputs(period=2024, catalog=catalog, caf=CAF, names=names,
                                      extra={"waste": WASTE}, lang="en"))  # fmt: skip
    assert '<section id="waste">' in page
    assert "Separate collection" in page  # the title in the report language
    assert "<li>Modena: 71.0%</li>" in page
    assert "&lt;b&gt;Bolzano&lt;/b&gt;: 64.0%" in page  # escaped by the sandboxed template
    assert "<b>Bolzano" not in page
    assert "<p class='waste-note'>2 " in page
    # order: the note (5) first, the waste section (85) between compliance (80) and CAF (90)
    order = [s.id for s in report_sections(catalog)]
    assert order[0] == "waste-note"
    assert order.index("waste") == order.index("caf") - 1
    assert page.index('id="waste-note"') < page.index('id="waste"') < page.index('id="caf"')


def test_plugin_section_without_its_table_is_left_out(plugin):
    catalog = catalog_with(("waste", plugin))
    page = render_report(ReportInputs(period=2024, catalog=catalog, caf=CAF))
    assert '<section id="waste">' not in page
    assert '<section id="waste-note">' in page  # its builder always returns a context


def test_a_section_id_twice_is_a_plugin_error(plugin):
    class Copycat:
        @hookimpl
        def qualitapa_report_sections(self):
            return [ReportSection(id="caf", title=Text("CAF"), build=dict, source="x")]

    catalog = catalog_with(("copycat", Copycat()))
    with pytest.raises(PluginError, match="'caf' is already defined by 'qualitapa'"):
        render_report(ReportInputs(period=2024, catalog=catalog, caf=CAF))


def test_a_hook_returning_something_else_is_a_plugin_error():
    class Broken:
        @hookimpl
        def qualitapa_report_sections(self):
            return ["waste"]

    with pytest.raises(PluginError, match="must return a list of ReportSection"):
        report_sections(catalog_with(("broken", Broken())))


def test_a_plugin_template_cannot_reach_python_internals():
    class Sneaky:
        @hookimpl
        def qualitapa_report_sections(self):
            return [ReportSection(id="sneaky", title=Text("X"), build=lambda ctx: {"x": ctx},
                                  source="{{ x.__class__.__init__.__globals__ }}")]  # fmt: skip

    catalog = catalog_with(("sneaky", Sneaky()))
    with pytest.raises(PluginError, match="template error"):
        render_report(ReportInputs(period=2024, catalog=catalog, caf=CAF))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"id": "Waste!", "source": "x"}, "lowercase letters"),
        ({"id": "waste"}, "give a template name or a template source"),
        ({"id": "waste", "source": "x", "template": "y.html.j2"}, "one of them"),
    ],
)
def test_section_definitions_are_checked(options, message):
    with pytest.raises(DefinitionError, match=message):
        ReportSection(title=Text("Rifiuti"), build=dict, **options)


def test_a_broken_installed_plugin_is_skipped_with_a_warning_where_the_catalog_skips():
    # as the command line's catalog does for the other hooks: the report is still written
    from qualitapa.catalog import Catalog
    from qualitapa.errors import PluginWarning
    from qualitapa.plugins import make_plugin_manager

    class Broken:
        @hookimpl
        def qualitapa_report_sections(self):
            raise RuntimeError("boom")

    pm = make_plugin_manager([("broken", Broken())], entrypoints=False)
    pm.installed.add("broken")  # as if loaded from an entry point
    catalog = Catalog.from_plugin_manager(pm, skip_failing=True)
    with pytest.warns(PluginWarning, match="plugin 'broken' skipped: .*boom"):
        page = render_report(ReportInputs(period=2024, catalog=catalog, caf=CAF))
    assert '<section id="caf">' in page
    strict = Catalog.from_plugin_manager(make_plugin_manager([("broken", Broken())],
                                                             entrypoints=False))  # fmt: skip
    with pytest.raises(PluginError, match="boom"):
        render_report(ReportInputs(period=2024, catalog=strict, caf=CAF))
