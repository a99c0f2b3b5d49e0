"""Catalog: merging plugin contributions, conflicts, references, lookups."""

from __future__ import annotations

import pytest

from qualitapa import (
    Catalog,
    DefinitionError,
    Organization,
    Override,
    PluginConflictError,
    PluginError,
    Service,
    Text,
    UnknownItemError,
    hookimpl,
)
from qualitapa.catalog import KINDS


class Registry:
    @hookimpl
    def qualitapa_services(self):
        return [
            Service("registry", Text("Anagrafe", "Civil registry")),
            Service("civil_status", Text("Stato civile", "Civil status"), parent="registry"),
        ]


class Cities:
    @hookimpl
    def qualitapa_organizations(self):
        return [
            Organization("036023", "Modena", population=184_739),
            Organization("022205", "Trento", population=118_902),
        ]


def test_catalog_merges_and_remembers_the_plugin():
    cat = Catalog.build([("registry", Registry()), ("cities", Cities())], entrypoints=False)
    assert list(cat.services) == ["registry", "civil_status"]
    assert cat.services.plugin_of("civil_status") == "registry"
    assert cat.organizations.plugin_of("036023") == "cities"
    assert cat.populations() == {"036023": 184_739, "022205": 118_902}
    assert cat.service("registry").label.en == "Civil registry"


def test_contributions_table_counts_items_per_plugin():
    cat = Catalog.build([("registry", Registry()), ("cities", Cities())], entrypoints=False)
    table = cat.contributions().set_index("plugin")
    assert table.loc["registry", "services"] == 2
    assert table.loc["cities", "organizations"] == 2
    assert table.loc["cities", "services"] == 0
    assert list(table.columns[2:]) == [*(k.name for k in KINDS), "extensions", "status", "problem"]
    assert set(table["status"]) == {"ok"}
    assert set(table["extensions"]) == {0}


def test_contributions_count_the_items_a_plugin_extends():
    from qualitapa.catalog import Extension

    class Adds:
        @hookimpl
        def qualitapa_organizations(self):
            return [Extension(o, {"attributes": {"area_km2": 1.0}}) for o in ("022205", "036023")]

        @hookimpl
        def qualitapa_services(self):
            return [Extension("registry", {"label": {"de": "Meldeamt"}})]

    cat = Catalog.build([("registry", Registry()), ("cities", Cities()), ("adds", Adds())],
                        entrypoints=False)  # fmt: skip
    table = cat.contributions().set_index("plugin")
    assert table.loc["adds", "extensions"] == 3
    assert table.loc["adds", "organizations"] == 0  # it defines none of its own


def test_duplicate_ids_from_two_plugins_raise_conflict_naming_both():
    class Other:
        @hookimpl
        def qualitapa_services(self):
            return [Service("registry", Text("Servizi demografici"))]

    with pytest.raises(PluginConflictError) as info:
        Catalog.build([("registry", Registry()), ("other", Other())], entrypoints=False)
    assert info.value.plugins == ["registry", "other"]
    assert "'registry' and 'other'" in str(info.value)


def test_same_plugin_defining_an_id_twice_is_a_definition_error():
    class Twice:
        @hookimpl
        def qualitapa_services(self):
            return [Service("a", "A"), Service("a", "A bis")]

    with pytest.raises(DefinitionError, match="defined twice"):
        Catalog.build([("twice", Twice())], entrypoints=False)


def test_override_replaces_another_plugins_item():
    class City:
        @hookimpl
        def qualitapa_services(self):
            return [Override(Service("registry", Text("Servizi demografici", "Registry office")))]

    cat = Catalog.build([("registry", Registry()), ("city", City())], entrypoints=False)
    assert cat.services["registry"].label.it == "Servizi demografici"
    assert cat.services.plugin_of("registry") == "city"


def test_override_of_unknown_item_and_double_override_fail():
    class City:
        @hookimpl
        def qualitapa_services(self):
            return [Override(Service("nurseries", "Nidi"))]

    with pytest.raises(DefinitionError, match="overrides a service that no plugin defines"):
        Catalog.build([("city", City())], entrypoints=False)

    class A:
        @hookimpl
        def qualitapa_services(self):
            return [Override(Service("registry", "X"))]

    class B:
        @hookimpl
        def qualitapa_services(self):
            return [Override(Service("registry", "Y"))]

    with pytest.raises(PluginConflictError, match="override of service"):
        Catalog.build([("registry", Registry()), ("a", A()), ("b", B())], entrypoints=False)


def test_unknown_parent_service_names_plugin_and_item():
    class Orphan:
        @hookimpl
        def qualitapa_services(self):
            return [Service("civil_status", "Stato civile", parent="registry")]

    with pytest.raises(DefinitionError) as info:
        Catalog.build([("orphan", Orphan())], entrypoints=False)
    assert (info.value.source, info.value.item, info.value.field) == (
        "orphan",
        "civil_status",
        "parent",
    )


def test_reference_to_unknown_service_names_plugin_and_item():
    # core models have no `service` field; any item with one is checked the same way
    class Thing:
        id = "registry.thing"
        service = "nowhere"

    cat = Catalog.build([("registry", Registry())], entrypoints=False)
    things = type(cat.services)(KINDS[4], {"registry.thing": Thing()}, {"registry.thing": "bad"})
    with pytest.raises(DefinitionError) as info:
        cat._check_service_refs(things)
    assert (info.value.source, info.value.item, info.value.field) == (
        "bad",
        "registry.thing",
        "service",
    )
    assert "refers to unknown service 'nowhere'" in str(info.value)


def test_plugin_raising_is_reported_with_its_name():
    class Broken:
        @hookimpl
        def qualitapa_services(self):
            raise RuntimeError("database down")

    with pytest.raises(
        PluginError, match=r"plugin 'broken': qualitapa_services\(\) raised RuntimeError"
    ):
        Catalog.build([("broken", Broken())], entrypoints=False)


@pytest.mark.parametrize(
    ("returned", "message"),
    [
        ({"id": "x"}, "must return a list"),
        ("registry", "must return a list"),
        ([{"id": "x"}], "returned a dict; expected Service"),
    ],
)
def test_wrong_return_types_are_plugin_errors(returned, message):
    class Wrong:
        @hookimpl
        def qualitapa_services(self):
            return returned

    with pytest.raises(PluginError, match=message):
        Catalog.build([("wrong", Wrong())], entrypoints=False)


def test_lookup_of_unknown_id_suggests_close_matches():
    cat = Catalog.build([("registry", Registry())], entrypoints=False)
    with pytest.raises(UnknownItemError, match="did you mean 'registry'"):
        cat.services["registri"]
    with pytest.raises(UnknownItemError, match="unknown kind of item 'widgets'"):
        cat.collection("widgets")


def test_membership_and_get_answer_as_a_dict_without_looking_for_suggestions(monkeypatch):
    import difflib

    cat = Catalog.build([("registry", Registry())], entrypoints=False)
    services = cat.services

    def no_suggestions(*args, **kwargs):
        raise AssertionError("in and get look for no suggestions")

    monkeypatch.setattr(difflib, "get_close_matches", no_suggestions)
    assert "registry" in services
    assert "registri" not in services
    assert 3 not in services
    assert services.get("registry") is services["registry"]
    assert services.get("registri") is None
    assert services.get("registri", "none") == "none"


def test_by_service_includes_sub_services():
    class Item:
        def __init__(self, id, service, dimension):
            self.id, self.service, self.dimension = id, service, dimension

    cat = Catalog.build([("registry", Registry())], entrypoints=False)
    coll = type(cat.services)(
        KINDS[4],
        {
            "a": Item("a", "registry", "quality"),
            "b": Item("b", "civil_status", "efficiency"),
            "c": Item("c", None, "quality"),
        },
        {"a": "p", "b": "p", "c": "p"},
    )
    coll._children = cat.services._children
    assert [i.id for i in coll.by_service("registry")] == ["a", "b"]
    assert [i.id for i in coll.by_service("registry", include_children=False)] == ["a"]
    assert [i.id for i in coll.by_dimension("quality")] == ["a", "c"]
    assert [i.id for i in coll.by_plugin("p")] == ["a", "b", "c"]


def test_check_warns_on_missing_english_label():
    class NoEnglish:
        @hookimpl
        def qualitapa_services(self):
            return [Service("libraries", Text("Biblioteche"))]

    cat = Catalog.build([("libs", NoEnglish())], entrypoints=False)
    problems = cat.check()
    assert [(p.plugin, p.item, p.severity, p.message) for p in problems] == [
        ("libs", "libraries", "warning", "no English label")
    ]


def test_check_reports_an_id_shared_by_a_variable_and_an_indicator():
    from qualitapa.indicators import IndicatorDefinition, Variable

    class Plugin:
        @hookimpl
        def qualitapa_services(self):
            return [Service("libraries", Text("Biblioteche", "Libraries"))]

        @hookimpl
        def qualitapa_variables(self):
            return [Variable("libraries.loans", Text("Prestiti", "Loans"), unit="count")]

        @hookimpl
        def qualitapa_indicators(self):
            return [
                IndicatorDefinition(
                    "libraries.loans", Text("Prestiti", "Loans"), "libraries", "effectiveness",
                    "libraries.loans / population", "higher_is_better",
                )
            ]  # fmt: skip

    problems = Catalog.build([("libs", Plugin())], entrypoints=False).check()
    errors = [p for p in problems if p.severity == "error"]
    assert [(p.plugin, p.kind, p.item) for p in errors] == [
        ("libs", "indicator", "libraries.loans")
    ]
    assert "also a variable" in errors[0].message
