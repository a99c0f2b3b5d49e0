"""``qualitapa site build|serve``: exit codes, messages, the preview server."""

from __future__ import annotations

import json
import threading
import urllib.request

import pytest
from click.testing import CliRunner

from qualitapa.cli import cli
from qualitapa.cli._site import make_server
from qualitapa.errors import DataError
from qualitapa.site import MANIFEST
from qualitapa.site._home import HOME
from qualitapa.testing import isolated_plugins

from .conftest import PLUGINS


@pytest.fixture(autouse=True)
def _core_kinds_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command's tests build the home page only (the other kinds have their own tests)."""
    monkeypatch.setattr("qualitapa.site._registry.BUILTIN", [HOME])


def run(*args: str):
    with isolated_plugins(PLUGINS):
        return CliRunner().invoke(cli, list(args))


def test_build_writes_the_site_and_says_where(results_dir, tmp_path):
    out = tmp_path / "sito"
    result = run("site", "build", "--results", str(results_dir), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert f"portale scritto in {out}" in result.output
    assert "(it 1, en 1, de 1)" in result.output  # the home page in three languages
    for page in ("index.html", "en/index.html", "de/index.html"):
        assert (out / page).is_file()
    assert json.loads((out / MANIFEST).read_text())["members"] is False


def test_build_languages_and_organizations(results_dir, tmp_path):
    out = tmp_path / "sito"
    result = run("site", "build", "-r", str(results_dir), "-o", str(out), "--lang", "de",
                 "--organization", "Trento", "--organization", "021008")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (out / "index.html").is_file()  # Italian is always built
    assert (out / "de/index.html").is_file()
    assert not (out / "en").exists()
    home = (out / "de/index.html").read_text(encoding="utf-8")
    assert "Bozen" in home
    assert "Trient" in home or "Trento" in home
    assert "Modena" not in home


def test_members_build_is_marked_and_warned(results_dir, tmp_path):
    out = tmp_path / "riservato"
    result = run("site", "build", "-r", str(results_dir), "-o", str(out), "--members")
    assert result.exit_code == 0, result.output
    assert "area riservata ai membri" in result.output
    assert json.loads((out / MANIFEST).read_text())["members"] is True


def test_empty_results_folder_exits_non_zero_with_the_reason(tmp_path):
    empty = tmp_path / "vuota"
    empty.mkdir()
    result = run("site", "build", "--results", str(empty), "--out", str(tmp_path / "s"))
    assert result.exit_code == 1
    assert "Errore:" in result.output
    assert str(empty) in result.output
    assert "nessuna delle tabelle di risultati" in result.output
    assert "indicator_values.csv" in result.output
    assert not (tmp_path / "s").exists()


def test_missing_results_folder_exits_non_zero(tmp_path):
    result = run("site", "build", "--results", str(tmp_path / "no"), "--out", str(tmp_path / "s"))
    assert result.exit_code == 1
    assert "la cartella dei risultati non esiste" in result.output


def test_unknown_organization_exits_non_zero(results_dir, tmp_path):
    result = run("site", "build", "-r", str(results_dir), "-o", str(tmp_path / "s"),
                 "--organization", "Atlantide")  # fmt: skip
    assert result.exit_code != 0
    assert "Atlantide" in result.output


def test_serve_refuses_a_folder_without_a_site(tmp_path):
    result = run("site", "serve", str(tmp_path))
    assert result.exit_code == 1
    assert "index.html" in result.output
    with pytest.raises(DataError, match=r"has no index\.html"):
        make_server(tmp_path)


def test_preview_server_serves_the_site_on_localhost(results_dir, tmp_path):
    out = tmp_path / "sito"
    assert run("site", "build", "-r", str(results_dir), "-o", str(out)).exit_code == 0
    server = make_server(out, port=0)
    host, port = server.server_address[:2]
    assert host == "127.0.0.1"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        for page in ("", "de/index.html", "static/bootstrap-italia/css/bootstrap-italia.min.css"):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/{page}", timeout=10) as response:
                assert response.status == 200
                body = response.read()
        assert body.startswith(b"@charset") or b"{" in body[:2000]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_check_says_nothing_wrong_of_a_built_site_and_exits_0(results_dir, tmp_path):
    out = tmp_path / "sito"
    assert run("site", "build", "--results", str(results_dir), "--out", str(out)).exit_code == 0
    result = run("site", "check", str(out))
    assert result.exit_code == 0, result.output
    assert "nessun problema in 3 pagine" in result.output  # the home page in it, en, de


def test_check_lists_the_problems_in_italian_and_exits_1(tmp_path):
    site = tmp_path / "sito"
    site.mkdir()
    (site / "index.html").write_text(
        '<!doctype html><html lang="it"><head><title>x</title></head>'
        '<body><h1>x</h1><a href="nope.html">n</a><img src="a.png"></body></html>',
        encoding="utf-8",
    )
    result = run("site", "check", str(site))
    assert result.exit_code == 1
    assert "nope.html non esiste" in result.output
    assert "<img> senza alt" in result.output
    assert "broken_link" not in result.output  # codes only in the machines' formats
    assert "3 problemi in 1 pagina di" in result.output
    csv = run("site", "check", str(site), "--format", "csv")
    assert csv.output.splitlines()[0] == "source,row,column,value,rule,message,check"
