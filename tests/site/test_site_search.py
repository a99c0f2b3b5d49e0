"""The portal's search: the index the pages give, the search page, the matching (issue 21).

The matching runs in the browser (``static/qualitapa-search.js``); its functions are
tested with Node when it is installed (a plain ``node`` process, no package), and one
slow test runs the search page in headless Chromium from ``file://``.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualitapa.catalog import Catalog
from qualitapa.site._build import build_site
from qualitapa.site._home import HOME
from qualitapa.site._methodology import INDICATORS_PATH, METHODOLOGY, indicator_anchor
from qualitapa.site._opendata import OPENDATA
from qualitapa.site._search import SEARCH

SCRIPT = Path(__file__).parents[2] / "src/qualitapa/site/static/qualitapa-search.js"
NODE = shutil.which("node")
CHROMIUM = shutil.which("chromium")


def node_search(entries: list[dict[str, object]], queries: list[str]) -> list[list[str]]:
    """The titles each query finds, by the page's own script run in Node."""
    program = (
        f"const s = require({json.dumps(str(SCRIPT))});"
        f"const entries = {json.dumps(entries)};"
        f"const queries = {json.dumps(queries)};"
        "process.stdout.write(JSON.stringify(queries.map(q => s.search(entries, q)"
        ".map(e => e.title))));"
    )
    out = subprocess.run([NODE, "-e", program], capture_output=True, text=True, check=True,
                         timeout=30)  # fmt: skip
    return json.loads(out.stdout)


def entry(title: str, summary: str = "", keywords: tuple[str, ...] = ()) -> dict[str, object]:
    return {"title": title, "url": "x.html", "summary": summary, "kind": "k",
            "keywords": list(keywords)}  # fmt: skip


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_the_match_ignores_case_accents_and_plural_endings() -> None:
    entries = [entry("Biblioteche pubbliche"), entry("Città di Forlì"),
               entry("Nido d'infanzia", "Posti nei nidi"), entry("Anagrafe"),
               entry("Öffentliche Bibliotheken"),
               entry("Prestiti", keywords=("biblioteca",))]  # fmt: skip
    found = node_search(entries, ["biblioteca", "BIBLIOTECHE", "citta", "CITTÀ forli", "nidi",
                                  "nido", "bibliothek", "oeffentliche", "anagrafe biblioteca",
                                  "", "   ", "zzz"])  # fmt: skip
    assert found[0] == ["Biblioteche pubbliche", "Prestiti"]  # title match ranks first
    assert found[1] == ["Biblioteche pubbliche", "Prestiti"]
    assert found[2] == ["Città di Forlì"]
    assert found[3] == ["Città di Forlì"]
    assert found[4] == ["Nido d'infanzia"]
    assert found[5] == ["Nido d'infanzia"]
    assert found[6] == ["Öffentliche Bibliotheken"]
    assert found[7] == []  # "oe" is not "ö": no transliteration, and no false match
    assert found[8] == []  # every word must match
    assert found[9] == found[10] == found[11] == []


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_the_script_needs_no_library_and_writes_no_html() -> None:
    source = SCRIPT.read_text(encoding="utf-8")
    assert "innerHTML" not in source
    assert "insertAdjacentHTML" not in source
    assert not re.search(r"\bimport\b|require\(|https?://", source.split("module.exports")[0])


@pytest.fixture
def site(results_dir: Path, catalog: Catalog, tmp_path: Path,
         monkeypatch: pytest.MonkeyPatch) -> Path:  # fmt: skip
    monkeypatch.setattr("qualitapa.site._registry.BUILTIN", [HOME, METHODOLOGY, OPENDATA, SEARCH])
    return build_site(results_dir, tmp_path / "site", catalog=catalog,
                      languages=("it", "de")).out  # fmt: skip


def extra_entries(page: str) -> list[dict[str, object]]:
    found = re.search(r'<script type="application/json" id="qualitapa-search-extra">(.*?)'
                      r"</script>", page, re.DOTALL)  # fmt: skip
    assert found is not None
    return json.loads(found.group(1))


def test_the_search_page_and_its_index(site: Path) -> None:
    for root, lang in ((site, "it"), (site / "de", "de")):
        page = (root / "cerca.html").read_text(encoding="utf-8")
        assert '<script src="search-index.js"></script>' in page
        assert '<script src="../static/qualitapa-search.js"></script>' in page or (
            lang == "it" and '<script src="static/qualitapa-search.js"></script>' in page
        )
        assert re.search(r'id="qualitapa-search-status" role="status" aria-live="polite"', page)
        index = (root / "search-index.js").read_text(encoding="utf-8")
        entries = json.loads(index.removeprefix("window.QUALITAPA_SEARCH = ").rstrip(";\n"))
        paths = {e["url"] for e in entries}
        assert {"metodologia/index.html", INDICATORS_PATH, "cerca.html"} <= paths
        # one entry per indicator with results, each to an anchor that exists
        extra = extra_entries(page)
        indicators = (root / INDICATORS_PATH).read_text(encoding="utf-8")
        assert len(extra) == 3
        for e in extra:
            path, _, anchor = str(e["url"]).partition("#")
            assert path == INDICATORS_PATH
            assert f'id="{anchor}"' in indicators
        titles = {e["title"] for e in extra}
        assert ("Indice di prestito" if lang == "it" else "Entlehnungsindex") in titles
    assert (site / "static" / "qualitapa-search.js").read_bytes() == SCRIPT.read_bytes()


def test_the_page_words_are_in_the_language_with_their_placeholders(site: Path) -> None:
    page = html.unescape((site / "cerca.html").read_text(encoding="utf-8"))
    assert 'data-one="{n} risultato per «{q}»."' in page
    assert 'data-many="{n} risultati per «{q}»."' in page
    assert 'data-none="Nessun risultato per «{q}»."' in page


def test_an_indicator_label_cannot_break_out_of_the_json_block(
    results_dir: Path, catalog: Catalog
) -> None:
    from qualitapa.site._context import Results, SiteContext
    from qualitapa.site._render import PageRenderer
    from qualitapa.site._search import build_search

    ctx = SiteContext(results=Results(results_dir), catalog=catalog, organizations=("036023",))
    page = next(iter(build_search(ctx)))
    hostile = {"title": "</script><script>alert(1)</script>", "url": "x.html",
               "summary": "", "kind": "indicator", "keywords": []}  # fmt: skip
    page = type(page)(path=page.path, title=page.title, template=page.template,
                      context={"entries": [hostile]}, summary=page.summary)  # fmt: skip
    out = PageRenderer(ctx, ("it",), []).render(page)
    assert "<script>alert(1)" not in out
    assert extra_entries(out)[0]["title"] == hostile["title"]


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_the_search_page_finds_in_a_real_browser(site: Path, tmp_path: Path) -> None:
    url = (site / "cerca.html").as_uri() + "?q=Indice%20prestito"
    dom = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=3000", "--dump-dom",
         url],
        capture_output=True, text=True, timeout=120, check=True,
    ).stdout  # fmt: skip
    results = dom[dom.index('id="qualitapa-search-results"') :]
    results = results[: results.index("</ol>")]
    link = f'href="{INDICATORS_PATH}#{indicator_anchor("libraries.loans_per_inhabitant")}"'
    assert link in results
    assert "Indice di prestito" in results
    assert re.search(r"\d+ risultat[oi] per «Indice prestito»", dom)


_LETTERS = "abcdefghilmnoprstuvzàèéìòù"


@pytest.mark.slow  # a Node process per example: about 6 s
@pytest.mark.skipif(NODE is None, reason="node is not installed")
@settings(max_examples=8, deadline=None)
@given(st.lists(st.text(_LETTERS, min_size=5, max_size=12), min_size=5, max_size=20, unique=True))
def test_any_title_word_is_found_whatever_its_case_and_accents(titles: list[str]) -> None:
    import unicodedata

    def bare(word: str) -> str:  # the word without accents, in capitals
        decomposed = unicodedata.normalize("NFD", word)
        return "".join(c for c in decomposed if not unicodedata.combining(c)).upper()

    entries = [entry(f"Servizio {w}") for w in titles]
    queries = [bare(w) for w in titles] + [w for w in titles]
    found = node_search(entries, queries)
    for i, w in enumerate(titles):
        for hits in (found[i], found[len(titles) + i]):
            assert f"Servizio {w}" in hits, (w, hits)
