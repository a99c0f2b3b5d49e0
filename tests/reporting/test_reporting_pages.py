"""The report as a reader gets it: valid HTML5, its language, accessible charts, no code words.

Pages are parsed with html5lib (the WHATWG parser, strict: a parse error fails).
"""

from __future__ import annotations

import re

import html5lib
import pytest

from qualitapa.reporting import ReportInputs, render_report

NS = "{http://www.w3.org/1999/xhtml}"
SVG = "{http://www.w3.org/2000/svg}"

CITIES = {
    "022205": "Trento", "015146": "Milano", "001272": "Torino", "010025": "Genova",
    "027042": "Venezia", "016024": "Bergamo", "021008": "Bolzano", "036023": "Modena",
}  # fmt: skip

#: English words that must not appear in an Italian or German report.
ENGLISH = {"median", "rank", "ranks", "target", "missing", "days", "hours", "minutes", "best",
           "improving", "worsening", "value", "values", "received", "answered", "efficiency",
           "score", "period", "organization", "organizations", "unit", "trend", "stable",
           "inefficient", "efficient", "concentrate", "overkill", "priority", "week", "year",
           "the", "and", "of", "with", "is", "not", "available", "per"}  # fmt: skip
#: Words of the list that are also words of the language.
ALSO = {"it": {"per"}, "de": {"median", "per"}}
#: A code of a result table (``missing_variable``) or a catalog id (``registry.std.x``).
CODE = re.compile(r"\b[a-z][a-z0-9]*(?:[_.][a-z0-9]+)+\b")


def parse(page: str):
    return html5lib.HTMLParser(strict=True, namespaceHTMLElements=True).parse(page)


def visible_text(doc) -> str:
    """The text a reader sees or hears: body text, and the SVG titles and descriptions."""
    parts = []
    for el in doc.iter():
        if el.tag in (f"{NS}style", f"{NS}script"):
            continue
        if el.tag in (f"{SVG}title", f"{SVG}desc") or not str(el.tag).startswith(SVG):
            parts.append(el.text or "")
        parts.append(el.tail or "")
    return " ".join(parts)


def check_page(page: str, lang: str) -> str:
    """Assert the structure every report has; returns its visible text."""
    doc = parse(page)  # raises on any parse error
    assert doc.tag == f"{NS}html"
    assert doc.get("lang") == lang
    assert doc.find(f"{NS}head/{NS}title").text.strip()
    for figure in doc.iter(f"{NS}figure"):
        svg = figure.find(f"{SVG}svg")
        img = figure.find(f"{NS}img")
        if svg is not None:
            assert svg.get("role") == "img"
            assert (svg.find(f"{SVG}title").text or "").strip()
            assert (svg.find(f"{SVG}desc").text or "").strip()
        else:
            assert img is not None
            assert img.get("alt", "").strip()
        assert (figure.find(f"{NS}figcaption").text or "").strip()
        details = figure.find(f"{NS}details")
        assert details is not None
        assert details.find(f".//{NS}table/{NS}tbody/{NS}tr") is not None
    ids = [el.get("id") for el in doc.iter() if el.get("id")]
    assert len(ids) == len(set(ids)), "duplicate ids"
    return visible_text(doc)


#: A quotation (a title cited in its language, e.g. an ISO standard's): not to translate.
QUOTED = re.compile(r"“[^”]*”|„[^“]*“|«[^»]*»|\"[^\"]*\"")


def untranslated(text: str, lang: str) -> set[str]:
    """English words (outside quotations) and codes in ``text``."""
    words = set(re.findall(r"[^\W\d_]+", QUOTED.sub(" ", text)))
    english = {w for w in words if w.lower() in ENGLISH - ALSO.get(lang, set())}
    return english | set(CODE.findall(text))


@pytest.mark.slow  # three full reports with every chart
@pytest.mark.parametrize("lang", ["it", "en", "de"])
def test_report_is_valid_html_with_accessible_charts(results, definitions, lang):
    page = render_report(ReportInputs(service="registry", period=2024, lang=lang,
                                      definitions=definitions, names=CITIES,
                                      organization="036023", **results))  # fmt: skip
    text = check_page(page, lang)
    assert page.count("<figure") == 12
    # the highlighted city is named in the charts' titles and in the text
    assert "Modena" in text
    if lang != "en":
        codes = {c for c in untranslated(text, lang) if not c.startswith("registry.")}
        assert not codes, codes  # standards are named by id only without a catalog


@pytest.mark.parametrize(
    "charts",
    [False, pytest.param(True, marks=pytest.mark.slow)],  # with them: every chart drawn
)
def test_a_city_called_script_stays_text(values, definitions, charts):
    names = {"036023": "<script>alert(1)</script>"}
    page = render_report(ReportInputs(period=2024, indicators=values, definitions=definitions,
                                      names=names, organization="036023",
                                      charts=charts))  # fmt: skip
    doc = parse(page)
    assert not list(doc.iter(f"{NS}script"))
    assert "<script>alert(1)</script>" in visible_text(doc)
    assert "<script" not in page


# --- the demo's reports, every service in each language ---------------------------------
DEMO_SERVICES = ["registry", "libraries", "nurseries", "finance", "personnel"]


@pytest.fixture(scope="session")
def demo_results(tmp_path_factory):
    """The results folder of one `qualitapa demo --runs 20` and the demo's catalog.

    The run of tests/demo/conftest.py, made once for both folders' tests.
    """
    from tests.demo.conftest import run_demo

    out, catalog, _ = run_demo(tmp_path_factory)
    return out, catalog


def _catalog_words(catalog) -> set[str]:
    """Every id of the catalog: none may show in a report."""
    kinds = ("services", "indicators", "standards", "variables", "composites", "instruments")
    return {i for kind in kinds for i in getattr(catalog, kind)}


@pytest.mark.slow  # the demo, then 15 reports with their charts
@pytest.mark.parametrize("service", DEMO_SERVICES)
def test_demo_reports_in_every_language_read_as_their_language(demo_results, service):
    from qualitapa.reporting import read_results

    out, catalog = demo_results
    tables = read_results(out, service=service)
    ids = _catalog_words(catalog)
    for lang in ("it", "en", "de"):
        inputs = ReportInputs(service=service, period=2024, lang=lang, catalog=catalog,
                              organization="036023", **tables)  # fmt: skip
        text = check_page(render_report(inputs), lang)
        assert "Modena" in text
        tokens = set(re.findall(r"[\w.]+", text))
        # a one-word id (a service: "finance") is an English word in an English text
        shown = {i for i in tokens & ids if lang != "en" or "." in i or "_" in i}
        assert not shown, (lang, sorted(shown))
        if lang != "en":
            assert not untranslated(text, lang), (lang, sorted(untranslated(text, lang)))
