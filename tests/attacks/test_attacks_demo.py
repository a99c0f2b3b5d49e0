"""Issue 13, item 1: ``qualitapa demo --out DIR`` never deletes what it did not write.

The demo used to delete ``DIR/complaints.db`` (the name the complaint commands
use by default), its ``-wal``/``-shm`` files and ``DIR/opendata/`` without
asking. Now it writes a manifest of its files with their hashes, refuses a
non-empty folder that is not a previous demo output, replaces on a rerun only
the files its manifest lists (``--force`` also those changed since), and never
touches a register it did not write.

The demo runs on a tiny installed TOML plugin (about a second per run); one
pristine output is made per module and copied.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualitapa.cli import cli
from qualitapa.testing import isolated_plugins

from ._fake_plugins import TOML_PACKAGE_INIT, install_distribution, tiny_package_files

# demo runs (a three-city plugin), about a second each
pytestmark = pytest.mark.slow

MODULE = "qp_attack_demo_tiny"
#: The demo's manifest (qualitapa.demo.MANIFEST).
MANIFEST = "qualitapa-demo.json"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A site folder with the tiny plugin 'tiny' installed."""
    root = tmp_path_factory.mktemp("site")
    install_distribution(
        root, "tiny", MODULE, TOML_PACKAGE_INIT, package_files=tiny_package_files()
    )
    return root


@pytest.fixture
def tiny(site, monkeypatch):
    monkeypatch.syspath_prepend(str(site))
    with isolated_plugins(["tiny"]):
        yield
    sys.modules.pop(MODULE, None)


def demo(out: Path, *extra: str):
    return CliRunner().invoke(
        cli, ["demo", "--out", str(out), "--runs", "5", "--organization", "000001", *extra]
    )


@pytest.fixture(scope="module")
def pristine(site, tmp_path_factory):
    """A finished demo output of the tiny plugin (copy it before changing anything)."""
    out = tmp_path_factory.mktemp("pristine") / "demo-output"
    sys.path.insert(0, str(site))
    try:
        with isolated_plugins(["tiny"]):
            result = demo(out)
    finally:
        sys.path.remove(str(site))
        sys.modules.pop(MODULE, None)
    assert result.exit_code == 0, result.output
    return out


def snapshot(folder: Path) -> dict[str, str]:
    """Every file (and symlink) under ``folder`` with the sha256 of its bytes."""
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = str(path.relative_to(folder))
        if path.is_symlink():
            out[rel] = "-> " + str(path.readlink())
        elif path.is_file():
            out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def copy_of(pristine: Path, tmp_path: Path) -> Path:
    out = tmp_path / "demo-output"
    shutil.copytree(pristine, out)
    return out


def a_real_register(folder: Path) -> None:
    """A register the demo did not create: an SQLite file with WAL sidecars."""
    folder.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(folder / "complaints.db")
    con.execute("CREATE TABLE complaints (id TEXT PRIMARY KEY, description TEXT)")
    con.execute("INSERT INTO complaints VALUES ('2024-1', 'a citizen''s real complaint')")
    con.commit()
    con.close()
    (folder / "complaints.db-wal").write_bytes(b"\x37\x7f\x06\x82 wal frames of real work")
    (folder / "complaints.db-shm").write_bytes(b"\x00" * 64)
    (folder / "opendata").mkdir()
    (folder / "opendata" / "our-published-table.csv").write_text("a,b\n1,2\n")
    (folder / "notes.txt").write_text("minutes of the quality board\n")


def test_demo_refuses_a_non_empty_folder_it_did_not_write(tiny, tmp_path):
    out = tmp_path / "office"
    a_real_register(out)
    before = snapshot(out)
    result = demo(out)
    assert result.exit_code == 1, result.output
    assert "empty folder" in result.output
    assert "--force" in result.output
    assert "Traceback" not in result.output
    assert snapshot(out) == before  # register, its WAL, opendata/ and notes untouched


def test_demo_force_never_touches_a_register_it_did_not_write(tiny, tmp_path):
    out = tmp_path / "office"
    a_real_register(out)
    before = snapshot(out)
    result = demo(out, "--force")
    assert result.exit_code == 1, result.output
    assert "complaints.db" in result.output
    assert snapshot(out) == before
    assert not any(p.name.startswith(".qualitapa-demo") for p in out.iterdir())


def test_demo_writes_a_manifest_of_its_files(pristine):
    manifest = json.loads((pristine / MANIFEST).read_text())
    files = manifest["files"]
    on_disk = {k: v for k, v in snapshot(pristine).items() if k != MANIFEST}
    assert {name: entry["sha256"] for name, entry in files.items()} == on_disk
    assert "complaints.db" in files
    assert "opendata/datapackage.json" in files
    assert all(entry["bytes"] == (pristine / name).stat().st_size for name, entry in files.items())


def test_demo_runs_twice_in_a_row_and_leaves_other_files_alone(pristine, tiny, tmp_path):
    # README's command 1 is rerun by users: a previous demo output is replaced
    out = copy_of(pristine, tmp_path)
    (out / "my-notes.txt").write_text("mine")
    result = demo(out)
    assert result.exit_code == 0, result.output
    assert (out / "my-notes.txt").read_text() == "mine"
    manifest = json.loads((out / MANIFEST).read_text())
    assert set(manifest["files"]) == set(json.loads((pristine / MANIFEST).read_text())["files"])
    now = snapshot(out)
    assert all(now[name] == entry["sha256"] for name, entry in manifest["files"].items())
    assert not (out / "complaints.db-wal").exists()


def test_demo_rerun_refuses_changed_outputs_and_force_replaces_only_listed_files(
    pristine, tiny, tmp_path
):
    out = copy_of(pristine, tmp_path)
    (out / "summary.md").write_text("my edited summary")
    (out / "opendata" / "extra.csv").write_text("x\n1\n")
    before = snapshot(out)
    refused = demo(out)
    assert refused.exit_code == 1, refused.output
    assert "summary.md" in refused.output
    assert "--force" in refused.output
    assert snapshot(out) == before
    forced = demo(out, "--force")
    assert forced.exit_code == 0, forced.output
    assert (
        (out / "summary.md").read_text().startswith("# Demo di qualitapa")
    )  # rewritten, in Italian by default
    assert (out / "opendata" / "extra.csv").read_text() == "x\n1\n"


def test_demo_force_never_replaces_a_register_changed_since(pristine, tiny, tmp_path):
    out = copy_of(pristine, tmp_path)
    con = sqlite3.connect(out / "complaints.db")
    con.execute("PRAGMA user_version = 7")  # someone worked on the demo's register
    con.close()
    before = snapshot(out)
    result = demo(out, "--force")
    assert result.exit_code == 1, result.output
    assert "complaints.db" in result.output
    assert snapshot(out) == before


def test_demo_manifest_cannot_name_files_outside_the_folder(pristine, tiny, tmp_path):
    out = copy_of(pristine, tmp_path)
    victim = tmp_path / "victim.txt"
    victim.write_text("not the demo's")
    manifest = json.loads((out / MANIFEST).read_text())
    digest = hashlib.sha256(victim.read_bytes()).hexdigest()
    manifest["files"]["../victim.txt"] = {"sha256": digest, "bytes": victim.stat().st_size}
    (out / MANIFEST).write_text(json.dumps(manifest))
    result = demo(out, "--force")
    assert result.exit_code == 1, result.output
    assert "../victim.txt" in result.output
    assert victim.read_text() == "not the demo's"


def test_demo_does_not_write_through_a_symlinked_subfolder(pristine, tiny, tmp_path):
    out = copy_of(pristine, tmp_path)
    elsewhere = tmp_path / "elsewhere"
    shutil.move(out / "opendata", elsewhere)
    (out / "opendata").symlink_to(elsewhere, target_is_directory=True)
    before = snapshot(elsewhere)
    result = demo(out, "--force")
    assert result.exit_code == 1, result.output
    assert "opendata" in result.output
    assert snapshot(elsewhere) == before
