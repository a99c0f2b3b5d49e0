"""The charter printed to PDF with a headless Chromium (``--print-to-pdf``).

Skipped where no Chromium is installed, except when ``QUALITAPA_REQUIRE_BROWSER``
is set (CI installs Chromium and sets it): then a missing browser fails.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualitapa.catalog import Catalog
from qualitapa.cli import cli
from qualitapa.standards import BrowserError, find_browser, print_to_pdf, render_html
from qualitapa.testing import catalog_with, isolated_plugins

BOLZANO = "021008"


@pytest.fixture(scope="module")
def browser() -> str:
    found = find_browser()
    if found is None:
        if os.environ.get("QUALITAPA_REQUIRE_BROWSER"):
            pytest.fail("QUALITAPA_REQUIRE_BROWSER is set but no Chromium is installed")
        pytest.skip("no Chromium installed (CI installs it and sets QUALITAPA_REQUIRE_BROWSER)")
    return found


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return catalog_with(installed=["qclub", "registry"])


def pdf_text(path: Path) -> str:
    """The PDF's text: pdftotext if installed, else the document title in its metadata.

    Chromium writes the page's ``<title>`` into the PDF's ``/Title`` (UTF-16 hex)
    and its text as glyph ids (not searchable without a PDF library).
    """
    if shutil.which("pdftotext"):
        done = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
        )
        return done.stdout.decode("utf-8")
    data = path.read_bytes()
    titles = [m for m in re.findall(rb"/Title\s*<([0-9A-Fa-f]+)>", data)]
    titles += [  # the info dictionary may sit in a compressed object stream
        m
        for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, flags=re.DOTALL)
        for m in re.findall(rb"/Title\s*<([0-9A-Fa-f]+)>", _inflate(stream))
    ]
    return " ".join(bytes.fromhex(t.decode()).decode("utf-16") for t in titles)


def _inflate(stream: bytes) -> bytes:
    try:
        return zlib.decompress(stream)
    except zlib.error:
        return b""


def pages(data: bytes) -> int:
    """The pages of a PDF: ``/Type /Page`` objects (not ``/Pages``), in any stream."""
    chunks = [data] + [
        _inflate(s) for s in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, flags=re.DOTALL)
    ]
    return sum(len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", c)) for c in chunks)


@pytest.mark.slow  # a browser start takes a few seconds
@pytest.mark.parametrize("lang", ["it", "de"])
def test_bolzano_registry_charter_prints_to_pdf(
    browser: str, catalog: Catalog, tmp_path: Path, lang: str
) -> None:
    charter = catalog.charters["registry.charter"]
    page = render_html(
        charter, catalog.standards, lang=lang, organization=BOLZANO, content=catalog.charter_content
    )
    out = print_to_pdf(page, tmp_path / "carta.pdf", browser=browser)
    data = out.read_bytes()
    assert data.startswith(b"%PDF-")
    assert pages(data) >= 2  # the standards start on a page of their own
    text = " ".join(pdf_text(out).split())
    assert charter.title.get(lang) in text
    if shutil.which("pdftotext"):
        authority = catalog.charter_content[f"registry.charter.{BOLZANO}"].authority
        assert authority is not None
        assert authority.get(lang) in text
        assert "0471 997 111" in text


@pytest.mark.slow
def test_cli_writes_the_pdf(browser: str, tmp_path: Path) -> None:
    out = tmp_path / "carta.pdf"
    with isolated_plugins(["qclub", "registry"]):
        result = CliRunner().invoke(
            cli,
            ["charter", "render", "registry", "--organization", "Bolzano", "--lang", "de",
             "--format", "pdf", "-o", str(out)],
        )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF-")


def test_a_missing_browser_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(BrowserError, match=r"wrote no PDF|cannot run"):
        print_to_pdf("<p>x</p>", tmp_path / "x.pdf", browser=str(tmp_path / "no-such-browser"))


def test_pdf_needs_an_output_file() -> None:
    result = CliRunner().invoke(cli, ["charter", "render", "registry", "--format", "pdf"])
    assert result.exit_code == 2
    assert "un PDF si scrive in un file: indicare -o/--output" in result.output
