"""The checks of a built site (qualitapa.site._check.check_site), on hand-written sites.

A small clean site (Italian root, ``en/``, a style sheet with fonts, an SVG
sprite) passes; then each defect is seeded alone into its home page at a known
line, and the table must name that check, line and value, and nothing else.
"""

from __future__ import annotations

import os
import posixpath
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualitapa.errors import DataError, said
from qualitapa.i18n import translator
from qualitapa.problems import CORE_COLUMNS
from qualitapa.site._check import SiteCheck, check_site

#: The home page; ``{body}`` starts on line 12 (the seeded defects' line).
HOME = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<title>Sistema qualità</title>
<link rel="stylesheet" href="static/site.css">
</head>
<body>
<a class="skip" href="#main-content">Vai al contenuto principale</a>
<main id="main-content">
<h1>Sistema qualità</h1>
{body}
<h2 id="servizi">Servizi</h2>
<p><a href="citta/">Le città</a> <a href="citta/modena.html#carte">Carte di Modena</a>
<a href="en/index.html">English</a> <a href="cerca.html?q=anagrafe">Cerca</a>
<a href="citta/modena%20centro.html">Centro</a> <a href="mailto:qualita@comune.it">Scrivi</a>
<a href="#">Su</a> <a href="#top">Inizio</a> <a href="dati-aperti/valori.csv">Dati</a></p>
<form action="cerca.html" method="get"><label for="q">Cerca</label><input id="q" name="q"></form>
<img src="static/logo.png" srcset="static/logo.png 1x, static/logo@2x.png 2x" alt="">
<svg class="icon" aria-hidden="true"><use href="static/sprites.svg#it-search"></use></svg>
<svg role="img" aria-labelledby="g1" width="10" height="10"><title id="g1">Indice 72,5</title>
<rect width="5" height="5"/></svg>
<svg role="img" aria-label="Indice 70,1"><rect width="5" height="5"/></svg>
</main>
</body>
</html>
"""
BODY_LINE = 12

PAGE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title></head>
<body><main><h1>{title}</h1>
<h2 id="carte">Carte</h2><p><a href="{home}">Home</a></p></main></body></html>
"""

CSS = """body { font-family: "Titillium Web"; }
@font-face { font-family: "Titillium Web"; src: url("fonts/titillium.woff2") format("woff2"),
  url(fonts/titillium.woff) format("woff"); }
.icon { background: url("data:image/svg+xml;utf8,<svg/>"); filter: url(#shadow); }
"""

SPRITES = '<svg xmlns="http://www.w3.org/2000/svg"><symbol id="it-search"></symbol></svg>'


def write_site(root: Path, body: str = "", *, lang: str = "it", css: str = CSS) -> Path:
    """A small site: ``index.html`` with ``body`` seeded, cities, English, assets."""
    files = {
        "index.html": HOME.format(lang=lang, body=body),
        "citta/index.html": PAGE.format(lang="it", title="Le città", home="../index.html"),
        "citta/modena.html": PAGE.format(lang="it", title="Modena", home="../index.html"),
        "citta/modena centro.html": PAGE.format(lang="it", title="Centro", home="../"),
        "cerca.html": PAGE.format(lang="it", title="Cerca", home="index.html"),
        "en/index.html": PAGE.format(lang="en-GB", title="Quality", home="../index.html"),
        "dati-aperti/valori.csv": "organization,value\n036023,1\n",
        "static/site.css": css,
        "static/sprites.svg": SPRITES,
        "static/logo.png": "png",
        "static/logo@2x.png": "png",
        "static/fonts/titillium.woff2": "font",
        "static/fonts/titillium.woff": "font",
    }
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    return root


def test_the_clean_site_passes(tmp_path):
    problems = check_site(write_site(tmp_path))
    assert problems.empty, problems.to_string()
    # the problems table of qualitapa.problems, with the check's column
    assert list(problems.columns) == [*CORE_COLUMNS, "check"]


# (the defect seeded on line 12 of index.html, the check, the column, the value)
DEFECTS = [
    ('<a href="citta/roma.html">Roma</a>', "broken_link", "a[href]", "citta/roma.html"),
    ('<a href="../fuori.html">Fuori</a>', "broken_link", "a[href]", "../fuori.html"),
    ('<img src="static/nope.png" alt="">', "broken_link", "img[src]", "static/nope.png"),
    ('<img src="static/logo.png" srcset="static/x2.png 2x" alt="">', "broken_link",
     "img[srcset]", "static/x2.png"),
    ('<script src="static/app.js"></script>', "broken_link", "script[src]", "static/app.js"),
    ('<form action="trova.html"></form>', "broken_link", "form[action]", "trova.html"),
    ('<a href="#nowhere">Giù</a>', "missing_anchor", "a[href]", "#nowhere"),
    ('<a href="citta/modena.html#carta">Carta</a>', "missing_anchor", "a[href]",
     "citta/modena.html#carta"),
    ('<svg aria-hidden="true"><use href="static/sprites.svg#it-nope"></use></svg>',
     "missing_anchor", "use[href]", "static/sprites.svg#it-nope"),
    ('<a href="/citta/index.html">Città</a>', "absolute_url", "a[href]", "/citta/index.html"),
    ('<script src="https://cdn.example.org/bi.js"></script>', "external_url", "script[src]",
     "https://cdn.example.org/bi.js"),
    ('<link rel="stylesheet" href="//cdn.example.org/bi.css">', "external_url", "link[href]",
     "//cdn.example.org/bi.css"),
    ('<a href="https://www.comune.modena.it">Comune</a>', "external_link", "a[href]",
     "https://www.comune.modena.it"),
    ('<img src="static/logo.png">', "img_alt", "img[alt]", "static/logo.png"),
    ('<svg role="img"><rect width="5" height="5"/></svg>', "svg_label", "svg", None),
    ('<svg role="img"><title> </title></svg>', "svg_label", "svg", None),
    ('<svg role="img"><g><title>Annidato</title></g></svg>', "svg_label", "svg", None),
    ("<h1>Un altro titolo</h1>", "h1", "h1", None),
    ("<h3>Troppo in basso</h3>", "heading_order", "h3", None),
    ('<p id="servizi">Doppio</p>', "duplicate_id", "h2[id]", "servizi"),  # the h2 repeats it
    ('<div aria-labelledby="assente">x</div>', "aria_reference", "div[aria-labelledby]",
     "assente"),
    ('<label for="campo">Campo</label>', "aria_reference", "label[for]", "campo"),
    ("<div/></div>", "html_parse", None, "non-void-element-with-trailing-solidus"),
    ("</span>", "html_parse", None, "unexpected-end-tag"),
]  # fmt: skip


@pytest.mark.parametrize(("body", "check", "column", "value"), DEFECTS)
def test_a_seeded_defect_is_found_at_its_line(tmp_path, body, check, column, value):
    problems = check_site(write_site(tmp_path, body))
    assert problems["check"].tolist() == [check], problems.to_string()
    found = problems.iloc[0]
    # the line of the defect in the page, or of the later element the check points at
    line = BODY_LINE + 1 if check == "duplicate_id" else BODY_LINE
    assert (found["source"], found["row"], found["column"]) == ("index.html", line, column)
    assert found["value"] == value


def test_every_check_has_a_seeded_defect():
    # the defects above, with the page-level ones below, exercise every check
    seeded = {check for _, check, _, _ in DEFECTS} | {"lang", "title", "unreachable"}
    assert seeded == {c.value for c in SiteCheck}


def test_a_repeated_id_names_the_first_line(tmp_path):
    problems = check_site(write_site(tmp_path, '<p id="servizi">Doppio</p>'))
    # the first id="servizi" is on line 12, the <h2> that repeats it on 13
    assert problems.loc[0, "message"] == "id 'servizi' repeats the one at line 12"


@pytest.mark.parametrize(
    ("lang", "problem"),
    [("it", False), ("it-IT", False), ("IT", False), ("en", True), ("", True)],
)
def test_the_root_pages_are_italian(tmp_path, lang, problem):
    problems = check_site(write_site(tmp_path, lang=lang))
    assert problems["check"].tolist() == (["lang"] if problem else [])
    if problem:
        assert problems.loc[0, "source"] == "index.html"


def test_a_language_folder_gives_its_pages_language(tmp_path):
    write_site(tmp_path)
    page = tmp_path / "en" / "index.html"
    page.write_text(page.read_text().replace('lang="en-GB"', 'lang="de"'), encoding="utf-8")
    problems = check_site(tmp_path)
    assert problems[["source", "check", "value"]].values.tolist() == [
        ["en/index.html", "lang", "de"]
    ]
    # the root's language is an option: then every Italian root page is wrong
    # (the five Italian pages at the root, and en/index.html in German)
    assert (check_site(tmp_path, root_lang="en")["check"] == "lang").sum() == 5 + 1


def test_a_folder_named_as_a_language_without_a_home_is_no_language_folder(tmp_path):
    write_site(tmp_path, '<a href="de/guida.html">Guida</a>')
    (tmp_path / "de").mkdir()
    (tmp_path / "de" / "guida.html").write_text(PAGE.format(lang="it", title="Guida", home="#"))
    assert check_site(tmp_path).empty


def test_a_page_without_title_or_h1(tmp_path):
    write_site(tmp_path, '<a href="vuota.html">Vuota</a>')
    (tmp_path / "vuota.html").write_text(
        '<!DOCTYPE html><html lang="it"><head><title> </title></head><body></body></html>'
    )
    problems = check_site(tmp_path)
    assert problems[["source", "check"]].values.tolist() == [
        ["vuota.html", "h1"],
        ["vuota.html", "title"],
    ]
    assert problems.loc[0, "message"] == "0 <h1> on the page: a page has exactly one"


def test_a_page_no_link_leads_to_is_unreachable(tmp_path):
    write_site(tmp_path)
    page = PAGE.format(lang="it", title="Sola", home="index.html")
    (tmp_path / "sola.html").write_text(page)
    # linked only from another unreachable page, or from itself: still unreachable
    (tmp_path / "citta" / "sola.html").write_text(page.replace("index.html", "../sola.html"))
    problems = check_site(tmp_path)
    assert problems[["source", "check"]].values.tolist() == [
        ["citta/sola.html", "unreachable"],
        ["sola.html", "unreachable"],
    ]
    assert problems["row"].isna().all()  # a problem of the page, not of a line
    # a link from a reachable page to citta/sola.html reaches both (it links ../sola.html)
    page = tmp_path / "citta" / "modena.html"
    page.write_text(page.read_text().replace("</main>", '<a href="sola.html">x</a></main>'))
    assert check_site(tmp_path).empty
    # a site without a home page at its root has no reachability to check
    (tmp_path / "index.html").rename(tmp_path / "home.html")
    assert "unreachable" not in set(check_site(tmp_path)["check"])


def test_a_style_sheet_url_that_does_not_resolve(tmp_path):
    css = CSS + '\n.logo { background: url("../img/logo.svg"); }\n'
    problems = check_site(write_site(tmp_path, css=css))
    # the CSS has 4 lines, a blank one, then the rule: line 6
    assert problems[["source", "row", "column", "value", "check"]].values.tolist() == [
        ["static/site.css", 6, "url()", "../img/logo.svg", "broken_link"]
    ]
    assert problems.loc[0, "message"] == "img/logo.svg does not exist"


def test_a_font_from_a_cdn_is_external(tmp_path):
    css = CSS + "@import url(https://fonts.example.org/titillium.css);\n"
    problems = check_site(write_site(tmp_path, css=css))
    assert problems["check"].tolist() == ["external_url"]


def test_the_messages_are_said_in_italian(tmp_path):
    problems = check_site(write_site(tmp_path, '<a href="citta/roma.html">Roma</a><img src="x">'))
    it = translator("it")
    said_it = [said(m, it) for m in problems["message"]]
    assert said_it == [
        "citta/roma.html non esiste",
        "<img> senza alt (un'alternativa testuale; vuota se l'immagine è decorativa)",
        "x non esiste",
    ]


def test_not_a_site(tmp_path):
    with pytest.raises(DataError, match="no such folder") as error:
        check_site(tmp_path / "manca")
    assert error.value.source == str(tmp_path / "manca")
    (tmp_path / "dati.csv").write_text("a\n1\n")
    with pytest.raises(DataError, match="no HTML page"):
        check_site(tmp_path)


# Property: a link written relative to its page as os.path.relpath writes it (an
# independent computation) resolves wherever the two files are; the same link
# with one letter more names no file.
SEGMENT = st.sampled_from(["citta", "servizi", "modena", "a b", "è", "x"])
PATHS = st.lists(SEGMENT, min_size=0, max_size=3).map(lambda p: posixpath.join(*p, "p.html"))


@given(source=PATHS, target=PATHS, fragment=st.booleans())
def test_a_relative_link_resolves_from_anywhere(source, target, fragment):
    with tempfile.TemporaryDirectory() as d:
        root = Path(d)
        href = os.path.relpath(target, posixpath.dirname(source) or ".").replace(os.sep, "/")
        href = href.replace(" ", "%20") + ("#carte" if fragment else "")
        for path, link in ((source, href), (target, "#")):
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            page = PAGE.format(lang="it", title="Pagina", home="#")
            (root / path).write_text(page.replace("</main>", f'<a href="{link}">x</a></main>'))
        assert check_site(root).empty
        if source != target:
            broken = href.replace("p.html", "q.html")
            (root / source).write_text((root / source).read_text().replace(href, broken))
            assert check_site(root)["check"].tolist() == ["broken_link"]


@pytest.mark.slow
def test_the_built_site_passes_the_checks(results_dir, catalog, tmp_path):
    """The portal built from the tests' results folder: every check passes, in every language."""
    import pandas as pd

    from qualitapa.reporting import write_datapackage
    from qualitapa.site import build_site
    from qualitapa.testing import isolated_plugins
    from tests.site.conftest import PLUGINS

    # the open data page describes the results' data package (as the demo writes it)
    published = ("indicator_values", "complaint_kpis")
    tables = {n: pd.read_csv(results_dir / f"{n}.csv", dtype=str) for n in published}
    write_datapackage(tables, results_dir / "opendata", name="qclub-test", title="Q-Club")
    with isolated_plugins(PLUGINS):
        site = build_site(results_dir, tmp_path / "site", catalog=catalog).out
    problems = check_site(site)
    # a charter's contacts link the city's own website: a link out, not a resource the
    # site loads (it still works offline); everything else must pass
    assert set(problems.loc[problems["check"] == "external_link", "column"]) <= {"a[href]"}
    problems = problems[problems["check"] != "external_link"]
    assert problems.empty, problems.drop(columns="rule").to_string()
    # it checked the pages of all three languages, the open data page among them
    assert {"index.html", "en/index.html", "de/index.html", "dati-aperti/index.html"} <= {
        p.relative_to(site).as_posix() for p in site.rglob("*.html")
    }
