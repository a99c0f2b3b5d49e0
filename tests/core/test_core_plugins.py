"""Plugin discovery through entry points, explicit registration, blocking."""

from __future__ import annotations

import sys
import textwrap
import warnings

import pytest

from qualitapa import Catalog, PluginError, PluginWarning, hookimpl
from qualitapa.plugins import entry_point_names, make_plugin_manager, plugin_infos
from qualitapa.testing import isolated_plugins, load_installed_plugin


def _install_fake_distribution(root, dist, module, entry, body):
    """Make `dist` look installed: a module plus a .dist-info with an entry point.

    importlib.metadata finds distributions on sys.path exactly as pip leaves
    them, so this exercises the real entry-point discovery.
    """
    (root / f"{module}.py").write_text(textwrap.dedent(body))
    info = root / f"{dist}-1.2.3.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.2.3\n")
    (info / "entry_points.txt").write_text(f"[qualitapa]\n{entry} = {module}\n")


GOOD_PLUGIN = """
from qualitapa import hookimpl, Service, Text

@hookimpl
def qualitapa_services():
    return [Service("libraries", Text("Biblioteche", "Public libraries"))]
"""


@pytest.fixture
def site(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    for name in ("qp_fake_libraries", "qp_fake_broken", "qp_fake_other"):
        sys.modules.pop(name, None)


def test_installed_plugin_is_discovered_through_its_entry_point(site):
    _install_fake_distribution(
        site, "qualitapa-fake-libraries", "qp_fake_libraries", "fake-libraries", GOOD_PLUGIN
    )
    with isolated_plugins(["fake-libraries"]):
        assert entry_point_names() == ["fake-libraries"]
        cat = Catalog.build()
    assert cat.services.plugin_of("libraries") == "fake-libraries"
    info = {p.name: p for p in cat.plugins}["fake-libraries"]
    assert (info.distribution, info.version) == ("qualitapa-fake-libraries", "1.2.3")
    assert info.hooks == ["qualitapa_services"]
    table = cat.contributions()
    assert table.loc[0, ["plugin", "distribution", "version", "services"]].tolist() == [
        "fake-libraries",
        "qualitapa-fake-libraries",
        "1.2.3",
        1,
    ]


def test_a_plugin_installed_or_removed_after_a_search_is_noticed(site):
    # the installed entry points are kept until a folder of sys.path changes:
    # installing or removing a distribution adds or removes its .dist-info
    import shutil

    with isolated_plugins(["fake-libraries"]):
        assert entry_point_names() == []  # searched: not installed yet
        _install_fake_distribution(
            site, "qualitapa-fake-libraries", "qp_fake_libraries", "fake-libraries", GOOD_PLUGIN
        )
        assert entry_point_names() == ["fake-libraries"]
        assert Catalog.build().services.plugin_of("libraries") == "fake-libraries"
        shutil.rmtree(site / "qualitapa-fake-libraries-1.2.3.dist-info")
        assert entry_point_names() == []
        assert "libraries" not in Catalog.build().services


def test_environment_restricts_and_blocks_plugins(site, monkeypatch):
    _install_fake_distribution(
        site, "qualitapa-fake-libraries", "qp_fake_libraries", "fake-libraries", GOOD_PLUGIN
    )
    monkeypatch.setenv("QUALITAPA_LOAD_PLUGINS", "")
    assert entry_point_names() == []
    monkeypatch.delenv("QUALITAPA_LOAD_PLUGINS")
    monkeypatch.setenv("QUALITAPA_DISABLE_PLUGINS", "fake-libraries")
    assert "fake-libraries" not in entry_point_names()
    monkeypatch.delenv("QUALITAPA_DISABLE_PLUGINS")
    assert "fake-libraries" in entry_point_names()


def test_plugin_failing_to_import_is_named_or_skipped(site):
    _install_fake_distribution(
        site, "qualitapa-broken", "qp_fake_broken", "broken", "raise ImportError('no numpy here')\n"
    )
    with isolated_plugins(["broken"]):
        with pytest.raises(PluginError, match=r"plugin 'broken': failed to load .*no numpy here"):
            make_plugin_manager()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            pm = make_plugin_manager(skip_failing=True)
        assert pm.get_plugin("broken") is None
        assert "plugin 'broken' skipped: failed to load" in str(caught[0].message)
        assert issubclass(caught[0].category, PluginWarning)
        assert "no numpy here" in pm.broken["broken"]


def test_load_installed_plugin(site):
    _install_fake_distribution(
        site, "qualitapa-fake-libraries", "qp_fake_libraries", "fake-libraries", GOOD_PLUGIN
    )
    module = load_installed_plugin("fake-libraries")
    assert module.__name__ == "qp_fake_libraries"
    with pytest.raises(PluginError, match="plugin 'nope': not installed"):
        load_installed_plugin("nope")


def test_explicit_registration_and_infos():
    class Mine:
        @hookimpl
        def qualitapa_services(self):
            return []

        @hookimpl
        def qualitapa_indicators(self):
            return []

    pm = make_plugin_manager([("mine", Mine())], entrypoints=False)
    [info] = plugin_infos(pm)
    assert info.name == "mine"
    assert info.hooks == ["qualitapa_indicators", "qualitapa_services"]
    assert info.distribution is None


def test_registering_same_name_twice_is_a_plugin_error():
    class Mine:
        pass

    with pytest.raises(PluginError, match="mine"):
        make_plugin_manager([("mine", Mine()), ("mine", Mine())], entrypoints=False)


def test_unknown_hook_name_is_rejected():
    class Typo:
        @hookimpl
        def qualitapa_indicator(self):  # missing final "s"
            return []

    pm = make_plugin_manager([("typo", Typo())], entrypoints=False)
    import pluggy

    with pytest.raises(pluggy.PluginValidationError, match="unknown hook 'qualitapa_indicator'"):
        pm.check_pending()


def test_default_catalog_is_cached_and_isolated():
    from qualitapa import default_catalog

    first = default_catalog()
    assert default_catalog() is first
    assert len(first.plugins) == 0  # conftest: no installed plugins in tests
