"""Building on another plugin's items: ``extends`` (derived items) and extensions (issue 16)."""

from __future__ import annotations

import textwrap
from pathlib import Path
from types import SimpleNamespace

import attrs
import pytest

from qualitapa import hookimpl
from qualitapa.catalog import KINDS, Catalog, Derived, Extension, check_plugins, default_catalog
from qualitapa.declarative import TomlPlugin
from qualitapa.errors import DefinitionError, PluginConflictError, PluginError
from qualitapa.models import Organization, Text
from qualitapa.plugins import LOAD_ENV
from qualitapa.testing import isolated_plugins

SHIPPED = ["registry", "qclub", "libraries", "nurseries", "modena", "finance", "personnel"]


@pytest.fixture(autouse=True)
def _shipped_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests build on the shipped plugins (the Q-Club cities, the registry's standards)."""
    monkeypatch.setenv(LOAD_ENV, ",".join(SHIPPED))
    default_catalog.cache_clear()


def _toml(tmp_path: Path, text: str, name: str = "city.toml") -> TomlPlugin:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return TomlPlugin(path)


def _build(tmp_path: Path, text: str) -> Catalog:
    return Catalog.build([("city", _toml(tmp_path, text))])


def _problems(tmp_path: Path, text: str):
    table = check_plugins([("city", _toml(tmp_path, text))])
    return table[table["plugin"] == "city"].reset_index(drop=True)


# -- every model rebuilds from its own fields ------------------------------------


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    with isolated_plugins(SHIPPED):
        return Catalog.build()


@pytest.mark.parametrize("kind", [k for k in KINDS if k.name != "datasets"], ids=lambda k: k.name)
def test_an_item_derived_without_changes_is_the_item_under_a_new_id(catalog, kind):
    # metamorphic: extends with only a new id = attrs.evolve(item, id=new id), for every
    # item of every kind the shipped plugins define (a field the copy lost would show)
    items = list(catalog.collection(kind.name).values())
    if not items:
        pytest.skip(f"no plugin defines {kind.name}")
    plugins = [
        (
            "copies",
            SimpleNamespace(
                **{
                    kind.hook: hookimpl(
                        lambda: [Derived(i.id, {"id": i.id + "_copy"}) for i in items]
                    )
                }
            ),
        )
    ]
    more = catalog.extended(*plugins)
    computed = [  # defaults computed from the id (a demo profile's package) are computed anew
        f.name
        for f in attrs.fields(type(items[0]))
        if isinstance(f.default, attrs.Factory) and f.default.takes_self  # type: ignore[arg-type]
    ]
    for item in items:
        copy = more.collection(kind.name)[item.id + "_copy"]
        same = {f: getattr(copy, f) for f in computed if f != "id"}
        assert copy == attrs.evolve(item, id=item.id + "_copy", **same)
        assert more.collection(kind.name).plugin_of(item.id + "_copy") == "copies"


@pytest.mark.parametrize("kind", [k for k in KINDS if k.name != "datasets"], ids=lambda k: k.name)
def test_an_empty_extension_leaves_every_item_as_it_is(catalog, kind):
    items = list(catalog.collection(kind.name).values())
    if not items:
        pytest.skip(f"no plugin defines {kind.name}")
    ext = SimpleNamespace(**{kind.hook: hookimpl(lambda: [Extension(i.id, {}) for i in items])})
    more = catalog.extended(("nothing", ext))
    for item in items:
        assert more.collection(kind.name)[item.id] == item
        assert more.collection(kind.name).extended_by(item.id) == ["nothing"]
        assert more.collection(kind.name).plugin_of(item.id) == catalog.collection(
            kind.name
        ).plugin_of(item.id)


# -- extends ------------------------------------------------------------------------


def test_a_local_standard_extends_the_shared_one_and_changes_only_its_target(tmp_path):
    cat = _build(
        tmp_path,
        """
        [[standards]]
        id = "bolzano.std.served_within_10min"
        extends = "registry.std.served_within_10min"
        organizations = ["021008"]
        target = ">= 90"
        """,
    )
    base = cat.standards["registry.std.served_within_10min"]
    local = cat.standards["bolzano.std.served_within_10min"]
    # replaces defaults to the standard it extends, as local_variant does
    assert local == base.local_variant(
        id="bolzano.std.served_within_10min", organizations=["021008"], target=">= 90"
    )
    assert local.replaces == base.id
    assert str(local.target) == ">= 90"
    assert str(base.target) != ">= 90"  # the shared one is untouched
    assert cat.standards.plugin_of(local.id) == "city"
    assert cat.check() == [] or all(p.item != local.id for p in cat.check())


def test_an_explicit_replaces_wins_and_a_derived_item_may_extend_a_derived_one(tmp_path):
    cat = _build(
        tmp_path,
        """
        [[standards]]
        id = "city.std.b"
        extends = "city.std.a"
        target = ">= 95"

        [[standards]]
        id = "city.std.a"
        extends = "registry.std.served_within_10min"
        organizations = ["021008"]
        replaces = "registry.std.served_within_10min"
        target = ">= 90"
        """,
    )
    assert str(cat.standards["city.std.b"].target) == ">= 95"
    assert cat.standards["city.std.b"].organizations == ("021008",)
    assert cat.standards["city.std.b"].replaces == "registry.std.served_within_10min"


def test_extends_of_an_unknown_item_raises_naming_the_entry_and_the_closest_id(tmp_path):
    with pytest.raises(DefinitionError) as info:
        _build(
            tmp_path,
            """
            [[standards]]
            id = "city.std.a"
            extends = "registry.std.served_within_10mins"
            """,
        )
    text = str(info.value)
    assert "[[standards]] entry 1" in text
    assert "field 'extends'" in text
    assert "did you mean 'registry.std.served_within_10min'?" in text


@pytest.mark.parametrize(
    ("entry", "field", "message"),
    [
        ('extends = "registry.std.served_within_10min"', "id", "needs its own 'id'"),
        (
            'id = "registry.std.served_within_10min"\nextends = "registry.std.served_within_10min"',
            "extends",
            "cannot extend itself",
        ),
        (
            'id = "c.x"\nextends = "registry.std.served_within_10min"\ntargt = ">= 1"',
            "targt",
            "'target'",
        ),
        ('id = "c.x"\nextends = 3', "extends", "by its id (text)"),
    ],
)
def test_a_wrong_derived_entry_is_a_definition_error_naming_the_field(
    tmp_path, entry, field, message
):
    with pytest.raises((DefinitionError, PluginError)) as info:
        _build(tmp_path, "[[standards]]\n" + entry + "\n")
    assert f"field {field!r}" in str(info.value)
    assert "[[standards]] entry 1" in str(info.value)
    assert message in str(info.value)


def test_a_derived_id_already_taken_is_a_duplicate(tmp_path):
    with pytest.raises(PluginConflictError, match=r"registry\.std\.certificate_wait"):
        _build(
            tmp_path,
            """
            [[standards]]
            id = "registry.std.certificate_wait"
            extends = "registry.std.served_within_10min"
            """,
        )


def test_overrides_and_datasets_cannot_extend(tmp_path):
    # a TOML file's own error is raised as itself (file, entry, field), not as a PluginError
    with pytest.raises(DefinitionError, match="an override replaces an item whole"):
        _build(tmp_path, '[[overrides.standards]]\nid = "a"\nextends = "b"\n')
    with pytest.raises(DefinitionError, match="datasets cannot extend"):
        _build(tmp_path, '[[datasets]]\nid = "a"\nextends = "b"\n')
    python = SimpleNamespace(
        qualitapa_datasets=hookimpl(
            lambda: [Derived("registry.raw", {"id": "x", "path": "/etc/passwd"})]
        )
    )
    with pytest.raises(PluginError, match="datasets cannot be derived or extended"):
        Catalog.build([("evil", python)])


# -- extensions ----------------------------------------------------------------------


def test_an_extension_adds_attributes_and_a_language_to_an_organization(tmp_path):
    cat = _build(
        tmp_path,
        """
        [[extensions.organizations]]
        id = "021008"
        attributes = { area_km2 = 52.3 }
        label = { de = "Bozen" }
        """,
    )
    bz = cat.organizations["021008"]
    before = default_catalog().organizations["021008"]
    assert bz.display_name("de") == "Bozen"
    assert bz.display_name("it") == before.name
    assert dict(bz.attributes) == {**before.attributes, "area_km2": 52.3}
    assert bz.population == before.population
    assert cat.organizations.plugin_of("021008") == "qclub"  # still the owner's
    assert cat.organizations.extended_by("021008") == ["city"]


def test_two_plugins_extend_one_item_in_turn_and_a_conflict_is_refused(tmp_path):
    first = SimpleNamespace(
        qualitapa_organizations=hookimpl(lambda: [Extension("021008", {"attributes": {"a": 1.0}})])
    )
    second = SimpleNamespace(
        qualitapa_organizations=hookimpl(lambda: [Extension("021008", {"attributes": {"b": 2.0}})])
    )
    cat = Catalog.build([("first", first), ("second", second)])
    assert {"a", "b"} <= set(cat.organizations["021008"].attributes)
    assert cat.organizations.extended_by("021008") == ["first", "second"]
    clash = SimpleNamespace(
        qualitapa_organizations=hookimpl(lambda: [Extension("021008", {"attributes": {"a": 3.0}})])
    )
    with pytest.raises(DefinitionError, match=r"attributes\.a is already 1\.0.*override"):
        Catalog.build([("first", first), ("clash", clash)])


def test_an_extension_cannot_change_a_value_the_item_has(tmp_path):
    with pytest.raises(DefinitionError, match="name is already 'Bolzano'"):
        _build(tmp_path, '[[extensions.organizations]]\nid = "021008"\nname = "Bozen"\n')


def test_an_extension_of_an_unknown_item_suggests_the_closest_id(tmp_path):
    with pytest.raises(DefinitionError, match="did you mean '021008'"):
        _build(tmp_path, '[[extensions.organizations]]\nid = "021009"\nattributes = {a = 1}\n')


def test_organizations_on_an_extension_that_adds_nothing_scoped_is_refused(tmp_path):
    with pytest.raises(DefinitionError, match="'organizations' limits the entries"):
        _build(
            tmp_path,
            '[[extensions.organizations]]\nid = "021008"\norganizations = ["021008"]\n'
            "attributes = {a = 1}\n",
        )


def test_extension_objects_from_python_rebuild_the_model():
    ext = Extension("021008", {"label": {"de": "Bozen"}})
    from qualitapa._extending import extend

    out = extend(Organization("021008", "Bolzano", population=106_000), ext)
    assert out == Organization(
        "021008", "Bolzano", population=106_000, label=Text("Bolzano", de="Bozen")
    )


# -- plugin check: every problem in one run, with line, field and suggestion -------------


def test_plugin_check_reports_each_mistake_of_extends_and_extensions_once(tmp_path):
    found = _problems(
        tmp_path,
        """
        [[standards]]
        id = "city.std.wait"
        extends = "registry.std.served_within_10mins"
        organizations = ["021008"]

        [[standards]]
        id = "city.std.wait2"
        extends = "registry.std.served_within_10min"
        targt = ">= 90"

        [[extensions.organizations]]
        id = "021008"
        attributes = { density = "1000" }

        [[extensions.organizations]]
        id = "021008"
        name = "Bozen"

        [[extensions.organisations]]
        id = "021008"
        """,
    )
    rows = found[["line", "section", "id", "column", "suggestion"]].astype(object)
    rows = rows.where(rows.notna(), None).values.tolist()
    assert rows == [
        [
            4,
            "standards",
            "city.std.wait",
            "extends",
            "did you mean 'registry.std.served_within_10min'?",
        ],
        [10, "standards", "city.std.wait2", "targt", "did you mean 'target'?"],
        [
            14,
            "extensions.organizations",
            "021008",
            "attributes.density",
            "write 1000 (a number, without quotes)",
        ],
        [18, "extensions.organizations", "021008", "name", None],
        [20, "extensions.organisations", None, None, "did you mean [[extensions.organizations]]?"],
    ]
    assert "already 'Bolzano'" in found.loc[3, "message"]


# -- a city's questions added to the shared questionnaire ------------------------------


def test_questions_added_to_the_shared_questionnaire_apply_to_the_city_only(tmp_path):
    cat = _build(
        tmp_path,
        """
        [[extensions.instruments]]
        id = "registry.counter"
        organizations = ["021008"]

        [[extensions.instruments.questions]]
        id = "bz_language"
        type = "likert"
        scale = "sat5"
        dimension = "courtesy"
        label = { it = "Servizio nella lingua scelta", de = "Bedienung in der gewählten Sprache" }

        [[extensions.instruments.questions]]
        id = "bz_language_importance"
        type = "likert"
        scale = "imp5"
        importance_of = "bz_language"
        label = { it = "Importanza della lingua", de = "Wichtigkeit der Sprache" }
        """,
    )
    with isolated_plugins(SHIPPED):
        shared = Catalog.build().instruments["registry.counter"]
    extended = cat.instruments["registry.counter"]
    assert extended.questions[: len(shared.questions)] == shared.questions  # unchanged, in order
    added = extended.questions[len(shared.questions) :]
    assert [q.id for q in added] == ["bz_language", "bz_language_importance"]
    assert all(q.organizations == ("021008",) for q in added)
    sat5 = next(q.scale for q in shared.questions if q.scale is not None and q.scale.id == "sat5")
    assert added[0].scale == sat5  # the questionnaire's own named scale
    assert cat.instruments.extended_by("registry.counter") == ["city"]


def test_a_question_id_already_in_the_questionnaire_is_refused(tmp_path):
    with isolated_plugins(SHIPPED):
        first = Catalog.build().instruments["registry.counter"].questions[0].id
    with pytest.raises(DefinitionError, match=first):
        _build(
            tmp_path,
            f"""
            [[extensions.instruments]]
            id = "registry.counter"
            organizations = ["021008"]
            questions = [{{ id = "{first}", type = "likert", scale = "sat5", label = "Doppia" }}]
            """,
        )
