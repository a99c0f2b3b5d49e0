"""The portal in a real browser: axe-core on one page of each kind, and the keyboard (issue 21).

Headless Debian Chromium (``/usr/bin/chromium``) driven by selenium through
Debian's ``chromedriver`` (package ``chromium-driver``): nothing downloads a
browser or a driver (the driver's path is given, so Selenium Manager never
runs, and it is told to stay offline). Pages are served over http by a
local ``http.server`` thread on 127.0.0.1. axe-core comes from npm:
``npm install --no-save --prefix .cache/axe axe-core@4.14.1`` (``.ci/run`` and
``nox -s site`` do it), or the file named by ``QUALITAPA_AXE``.

Skipped when the browser, the driver, selenium or axe-core is missing,
unless ``QUALITAPA_REQUIRE_BROWSER`` is set (CI sets it): then it fails.
``QUALITAPA_SITE_DIR`` runs the checks on a site already built (e.g.
``demo-output/site``) instead of the one the test builds.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from qualitapa.catalog import Catalog
from qualitapa.reporting import write_datapackage
from qualitapa.site import build_site
from qualitapa.testing import isolated_plugins
from tests.site.conftest import PLUGINS, TABLES

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1280,1024",
)
#: The tables of the test results folder published as its open data package.
OPEN_DATA = ("indicator_values", "complaint_kpis")
#: The impacts that fail the test (axe-core's four: minor, moderate, serious, critical).
FAILING = ("serious", "critical")

#: One page of each kind, by its path (SITE_SPEC: the paths are fixed).
KINDS = {
    "home": r"index\.html",
    "cities": r"citta/index\.html",
    "city": r"citta/(?!index\.html)[^/]+\.html",
    "charter": r"citta/[^/]+/carta-[^/]+\.html",
    "services": r"servizi/index\.html",
    "service": r"servizi/(?!index\.html)[^/]+\.html",
    "methodology": r"metodologia/index\.html",
    "indicators": r"metodologia/indicatori\.html",
    "questionnaires": r"metodologia/questionari\.html",
    "caf": r"metodologia/caf\.html",
    "opendata": r"dati-aperti/index\.html",
    "search": r"cerca\.html",
    "programme": r"programma/[^/]+\.html",
    "home-en": r"en/index\.html",
    "city-de": r"de/citta/(?!index\.html)[^/]+\.html",
}


def need(found: object, what: str) -> None:
    """Skip (or fail under QUALITAPA_REQUIRE_BROWSER) when ``found`` is missing."""
    if found:
        return
    if os.environ.get("QUALITAPA_REQUIRE_BROWSER"):
        pytest.fail(f"QUALITAPA_REQUIRE_BROWSER is set but {what}")
    pytest.skip(f"{what} (CI installs it and sets QUALITAPA_REQUIRE_BROWSER)")


def axe_script() -> str:
    path = Path(os.environ.get("QUALITAPA_AXE") or AXE)
    need(
        path.is_file(),
        f"axe-core is not at {path}: npm install --no-save --prefix .cache/axe axe-core@4.14.1",
    )
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, catalog: Catalog) -> Path:
    """The built site: QUALITAPA_SITE_DIR, or one built from the tests' small results folder."""
    given = os.environ.get("QUALITAPA_SITE_DIR")
    if given:
        return Path(given)
    results = tmp_path_factory.mktemp("axe-results")
    for name, text in TABLES.items():
        (results / f"{name}.csv").write_text(text, encoding="utf-8")
    # the open data page describes the results' data package (as the demo writes it)
    tables = {n: pd.read_csv(results / f"{n}.csv", dtype=str) for n in OPEN_DATA}
    write_datapackage(tables, results / "opendata", name="qclub-test", title="Q-Club")
    out = tmp_path_factory.mktemp("axe-site") / "site"
    with isolated_plugins(PLUGINS):
        build_site(results, out, catalog=catalog)
    return out


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    """The base URL of a local http.server serving ``site`` (a thread, stopped after)."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """Headless Debian Chromium driven by Debian's chromedriver (never downloaded)."""
    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    need(chromium, "no Chromium is installed (apt-get install chromium)")
    need(driver, "no chromedriver is installed (apt-get install chromium-driver)")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.options import Options
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        need(False, "selenium is not installed (pip install -e '.[dev]')")
    options = Options()
    options.binary_location = str(chromium)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})  # the console, read below
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SE_OFFLINE", "true")  # Selenium Manager (not run: the driver is given)
        env.setenv("SE_AVOID_STATS", "true")
        chrome = webdriver.Chrome(service=Service(executable_path=str(driver)), options=options)
    chrome.set_script_timeout(120)
    chrome.set_page_load_timeout(60)
    try:
        yield chrome
    finally:
        chrome.quit()


def site_pages(site: Path) -> list[str]:
    """Every HTML page of the site, POSIX paths relative to it, sorted."""
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


def kind_found(site: Path, kind: str) -> bool:
    pattern = re.compile(KINDS[kind])
    return any(pattern.fullmatch(p) for p in site_pages(site))


def page_of(site: Path, kind: str) -> str:
    """The first page (in path order) whose path is of ``kind``."""
    pattern = re.compile(KINDS[kind])
    found = [p for p in site_pages(site) if pattern.fullmatch(p)]
    assert found, f"the site has no page of kind {kind!r} ({KINDS[kind]})"
    return found[0]


#: The console errors each page logged while it loaded, by browser and URL: the axe
#: tests load every kind of page, and the console test reads what they saw instead of
#: loading them again (a page the axe tests did not load, it loads itself).
CONSOLE: dict[tuple[int, str], list[str]] = {}


def load(chrome: object, url: str) -> list[str]:
    """Load ``url``; the errors (SEVERE) the console logged meanwhile (also kept in CONSOLE).

    The browser's own request of ``/favicon.ico`` (no page asks for it: the site
    checks find any icon a page links that is missing) is left out: Chromium makes it
    after the first page of a server, whichever test loads that page.
    """
    chrome.get_log("browser")  # the console so far (other pages): drained
    chrome.get(url)
    entries = chrome.get_log("browser")
    CONSOLE[id(chrome), url] = [
        e["message"]
        for e in entries
        if e["level"] == "SEVERE" and not re.match(r"\S+/favicon\.ico - ", e["message"])
    ]
    return CONSOLE[id(chrome), url]


def run_axe(chrome: object, url: str, script: str) -> list[dict[str, object]]:
    """axe-core's violations on the page at ``url`` (its default rules: WCAG 2.x A/AA and more)."""
    load(chrome, url)
    chrome.execute_script(script)
    result = chrome.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']})"
        "  .then(r => done({violations: r.violations}))"
        "  .catch(e => done({error: String(e)}));"
    )
    assert "error" not in result, f"axe-core failed on {url}: {result['error']}"
    return list(result["violations"])


def described(violations: list[dict[str, object]]) -> str:
    """The violations, one line each: impact, rule, where (selectors) and axe's summary."""
    lines = []
    for v in violations:
        nodes = v["nodes"]
        targets = [str(n["target"]) for n in nodes[:3]]
        summary = " ".join(str(nodes[0].get("failureSummary", "")).split())[:300]
        lines.append(f"{v['impact']}: {v['id']} x{len(nodes)} at {targets}: {summary}")
    return "\n".join(lines)


@pytest.mark.parametrize("kind", list(KINDS))
def test_axe_finds_no_serious_violation(kind, site, server, browser):
    script = axe_script()
    page = page_of(site, kind)
    violations = run_axe(browser, server + page, script)
    serious = [v for v in violations if v["impact"] in FAILING]
    print(f"{page}:\n{described(violations)}")  # the minor and moderate ones, with -s
    assert not serious, f"{page}:\n{described(serious)}"


def test_axe_catches_a_serious_violation(tmp_path, browser):
    """The harness can fail: an image without alt and a field without label are critical."""
    script = axe_script()
    (tmp_path / "index.html").write_text(
        '<!DOCTYPE html><html lang="it"><head><title>Prova</title></head><body><main>'
        '<h1>Prova</h1><img src="x.png"><input type="text"></main></body></html>',
        encoding="utf-8",
    )
    violations = run_axe(browser, (tmp_path / "index.html").as_uri(), script)
    assert {"image-alt", "label"} <= {v["id"] for v in violations if v["impact"] in FAILING}


def test_the_skip_link_is_the_first_stop_and_leads_to_the_main_content(site, server, browser):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    browser.get(server + page_of(site, "home"))
    ActionChains(browser).send_keys(Keys.TAB).perform()
    first = browser.switch_to.active_element
    assert first.tag_name == "a", first.get_attribute("outerHTML")
    assert first.get_attribute("href").endswith("#main-content")
    assert first.is_displayed(), "the skip link shows when it has the focus"
    ActionChains(browser).send_keys(Keys.ENTER).perform()
    ActionChains(browser).send_keys(Keys.TAB).perform()
    # after the skip link, the next Tab lands in <main> (or on it, if it takes the focus)
    inside = browser.execute_script(
        "const m = document.getElementById('main-content');"
        "return m !== null && (m === document.activeElement || m.contains(document.activeElement));"
    )
    assert inside, browser.switch_to.active_element.get_attribute("outerHTML")


def test_the_pages_load_without_console_errors(site, server, browser):
    """A page of each kind, over http: no 404 for what it loads, no JavaScript error."""
    pages = [page_of(site, kind) for kind in KINDS if kind_found(site, kind)]
    failures = {}
    for page in pages:
        seen = CONSOLE.get((id(browser), server + page))
        errors = load(browser, server + page) if seen is None else seen
        if errors:
            failures[page] = errors
    assert not failures, json.dumps(failures, indent=1, ensure_ascii=False)[:4000]
