"""Issue 13, item 12: data files a plugin names stay inside the plugin's package.

A TOML plugin's dataset ``path = "../../etc/passwd"`` was read by the demo; an
absolute path or a symbolic link went anywhere; a Python plugin could return
any path. ``export validate`` followed symbolic links out of the package
folder. Now:

* TOML plugins: relative paths only, resolved (symlinks included) inside the
  folder of the TOML file; anything else is a ``DefinitionError`` naming the
  file, the entry and the field;
* Python plugins: a dataset whose file resolves outside the plugin's package
  folder is refused (the plugin is skipped when installed), unless the plugin
  lists the folder in ``qualitapa_data_dirs`` (the documented opt-in);
* ``validate_datapackage`` refuses a resource whose resolved path leaves the
  package folder.
"""

from __future__ import annotations

import json
import sys

import pytest
from click.testing import CliRunner

from qualitapa import Catalog, Dataset, DefinitionError, PluginError, Text, hookimpl
from qualitapa.cli import cli
from qualitapa.declarative import TomlPlugin, load_definitions
from qualitapa.reporting import validate_datapackage, write_datapackage
from qualitapa.testing import isolated_plugins

from ._fake_plugins import (
    TINY_TOML,
    TOML_PACKAGE_INIT,
    install_distribution,
    tiny_package_files,
    write_tiny_plugin,
)

SECRET = "root:x:0:0:the secret the demo must never read\n"


def dataset_toml(path: str) -> str:
    return (
        '[[datasets]]\nid = "x.demo"\nlabel = "Dati"\nkind = "indicator_data"\n'
        f"path = {json.dumps(path)}\n"
    )


@pytest.fixture
def secret(tmp_path):
    target = tmp_path / "etc" / "passwd"
    target.parent.mkdir()
    target.write_text(SECRET)
    return target


@pytest.mark.parametrize("how", ["dot-dot", "absolute", "symlink", "symlinked-folder"])
def test_a_toml_dataset_cannot_name_a_file_outside_its_folder(tmp_path, secret, how):
    plugin = tmp_path / "plugin" / "pkg"
    plugin.mkdir(parents=True)
    if how == "dot-dot":
        path = "../../etc/passwd"
    elif how == "absolute":
        path = str(secret)
    elif how == "symlink":
        (plugin / "data.csv").symlink_to(secret)
        path = "data.csv"
    else:
        (plugin / "demo").symlink_to(secret.parent, target_is_directory=True)
        path = "demo/passwd"
    (plugin / "definitions.toml").write_text(dataset_toml(path))
    with pytest.raises(DefinitionError) as info:
        load_definitions(plugin / "definitions.toml")
    message = str(info.value)
    assert "definitions.toml" in message
    assert "[[datasets]] entry 1" in message
    assert "field 'path'" in message
    assert "absolute" in message if how == "absolute" else "outside" in message


def test_a_toml_dataset_inside_its_folder_is_fine(tmp_path):
    toml = write_tiny_plugin(tmp_path / "pkg")
    catalog = Catalog.build([("tiny", TomlPlugin(toml))], entrypoints=False)
    path = catalog.datasets["tiny.demo.indicators"].path
    assert path == (tmp_path / "pkg" / "demo" / "indicators.csv").resolve()


def test_the_demo_never_reads_a_file_outside_the_plugin(tmp_path, secret, monkeypatch):
    # the attack: an installed TOML plugin pointing its demo data at /etc/passwd
    site = tmp_path / "site"
    site.mkdir()
    evil = TINY_TOML.replace('path = "demo/indicators.csv"', 'path = "../../etc/passwd"')
    files = tiny_package_files(evil)
    install_distribution(
        site, "evil", "qp_attack_paths_evil", TOML_PACKAGE_INIT, package_files=files
    )
    monkeypatch.syspath_prepend(str(site))
    opened = []
    real_open = open

    def spy(file, *args, **kwargs):
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    try:
        with isolated_plugins(["evil"]):
            monkeypatch.setattr("builtins.open", spy)
            result = CliRunner().invoke(
                cli, ["demo", "--out", str(tmp_path / "out"), "--organization", "000001"]
            )
    finally:
        sys.modules.pop("qp_attack_paths_evil", None)
    assert not any("passwd" in name for name in opened)
    assert "the secret" not in result.output
    assert result.exit_code == 1
    assert "plugin 'evil' skipped" in result.stderr
    assert "outside" in result.stderr


class _OutsideData:
    """A Python plugin whose dataset lives outside its package (here: tests/attacks)."""

    def __init__(self, path, data_dirs=None):
        self.path = path
        if data_dirs is not None:
            self.qualitapa_data_dirs = data_dirs

    @hookimpl
    def qualitapa_datasets(self):
        return [Dataset("x.demo", Text("Dati"), path=self.path, kind="indicator_data")]


def test_a_python_plugin_dataset_outside_its_package_is_refused(secret):
    with pytest.raises(PluginError, match="outside the plugin's folders"):
        Catalog.build([("outside", _OutsideData(secret))], entrypoints=False)


def test_a_python_plugin_may_opt_in_to_another_folder(secret):
    plugin = _OutsideData(secret, data_dirs=[secret.parent])
    catalog = Catalog.build([("shared", plugin)], entrypoints=False)
    assert catalog.datasets["x.demo"].path == secret


def test_an_installed_python_plugin_outside_its_package_is_skipped(tmp_path, secret, monkeypatch):
    site = tmp_path / "site"
    site.mkdir()
    body = f"""
    from qualitapa import hookimpl, Dataset, Text

    @hookimpl
    def qualitapa_datasets():
        return [Dataset("x.demo", Text("Dati"), path={str(secret)!r}, kind="indicator_data")]
    """
    install_distribution(site, "reader", "qp_attack_paths_reader", body, package_files={})
    monkeypatch.syspath_prepend(str(site))
    try:
        with isolated_plugins(["reader"]), pytest.warns(match="plugin 'reader' skipped"):
            catalog = Catalog.build(skip_failing=True)
    finally:
        sys.modules.pop("qp_attack_paths_reader", None)
    assert "outside the plugin's folders" in catalog.broken["reader"]
    assert "x.demo" not in catalog.datasets


@pytest.fixture
def package(tmp_path):
    import pandas as pd

    out = tmp_path / "published"
    write_datapackage({"values": pd.DataFrame({"n": [1, 2]})}, out, name="demo")
    return out


def test_export_validate_refuses_a_resource_linked_outside_the_package(package, secret):
    (package / "values.csv").unlink()
    (package / "values.csv").symlink_to(secret)
    problems = validate_datapackage(package)
    assert "outside the package folder" in " ".join(problems["problem"])
    assert SECRET.strip() not in " ".join(problems["value"].astype(str))
    result = CliRunner().invoke(cli, ["export", "validate", str(package)])
    assert result.exit_code == 1
    assert "outside the package folder" in result.output
    assert "the secret" not in result.output


def test_export_validate_refuses_a_resource_in_a_linked_folder(package, secret):
    descriptor = json.loads((package / "datapackage.json").read_text())
    descriptor["resources"][0]["path"] = "data/passwd"
    (package / "datapackage.json").write_text(json.dumps(descriptor))
    (package / "data").symlink_to(secret.parent, target_is_directory=True)
    problems = validate_datapackage(package)
    assert "outside the package folder" in " ".join(problems["problem"])


def test_export_validate_still_accepts_a_package_reached_through_a_link(package, tmp_path):
    link = tmp_path / "link-to-package"
    link.symlink_to(package, target_is_directory=True)
    assert validate_datapackage(link).empty
