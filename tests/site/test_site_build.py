"""The portal's core: build_site, its layout, links, languages, members' build, manifest."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import posixpath
import re
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualitapa import hookimpl
from qualitapa.errors import DataError, DefinitionError, PluginConflictError, PluginError
from qualitapa.models import Text
from qualitapa.site import (
    MANIFEST,
    Page,
    PageKind,
    Results,
    SiteContext,
    SiteSection,
    build_site,
    relative_url,
    site_registry,
    slug,
)
from qualitapa.site._city import charters_in_force, standards_met
from qualitapa.site._home import HOME
from qualitapa.testing import catalog_with

_EMPTY = catalog_with()

URL_ATTRIBUTES = ("href", "src", "action", "srcset", "poster", "data")


@pytest.fixture(autouse=True)
def _core_kinds_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """The core's tests build the home page and their own kinds, not the other kinds."""
    monkeypatch.setattr("qualitapa.site._registry.BUILTIN", [HOME])


class _Links(HTMLParser):
    """The URL attributes, the ``<html lang>`` and the ``<h1>`` count of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.lang: str | None = None
        self.h1 = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "html":
            self.lang = found.get("lang")
        if tag == "h1":
            self.h1 += 1
        self.urls += [v for k, v in attrs if k in URL_ATTRIBUTES and v is not None]


def parse(path: Path) -> _Links:
    links = _Links()
    links.feed(path.read_text(encoding="utf-8"))
    return links


def html_pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def _nested_kind(templates: Path) -> PageKind:
    """A kind with pages two folders down that link to the others and to an anchor."""

    def build(ctx: SiteContext) -> list[Page]:
        return [
            Page(path="prova/a/b.html", title=ctx.t("Prova"), template="nested.html.j2",
                 breadcrumbs=(("Prova", "prova/index.html"),)),
            Page(path="prova/index.html", title="Indice", template="nested.html.j2"),
            Page(path="prova/riservata.html", title="Riservata", template="nested.html.j2",
                 members_only=True),
        ]  # fmt: skip

    return PageKind(id="prova", title=Text("Prova", "Test", "Test"), order=50, build=build,
                    templates=templates)  # fmt: skip


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A template folder with ``nested.html.j2``: links up, down and to an anchor, a table."""
    folder = tmp_path_factory.mktemp("templates")
    (folder / "nested.html.j2").write_text(
        '{% import "_macros.html.j2" as m with context %}\n'
        '<h2 id="su">{{ page.title }}</h2>\n'
        '<p><a href="{{ url("index.html") }}">home</a>'
        ' <a href="{{ url("prova/a/b.html#su") }}">b</a>'
        ' <a href="{{ url("prova/index.html") }}">i</a></p>\n'
        '{{ m.table([["a", 1.5]], ["x", "y"], "c", numeric_cols=(1,), digits=1) }}\n',
        encoding="utf-8",
    )
    return folder


@pytest.fixture
def site(results_dir, catalog, tmp_path, templates):
    return build_site(
        results_dir, tmp_path / "site", catalog=catalog, extra=[_nested_kind(templates)]
    )


def test_every_link_of_every_page_resolves_from_nested_pages_too(site):
    pages = html_pages(site.out)
    assert site.out / "prova/a/b.html" in pages
    assert site.out / "de/prova/a/b.html" in pages
    for page in pages:
        for url in parse(page).urls:
            target = url.partition("#")[0]
            if not target:
                continue
            resolved = posixpath.normpath(posixpath.join(page.parent.as_posix(), target))
            assert Path(resolved).exists(), f"{page.relative_to(site.out)}: {url} does not exist"


def test_nested_page_links_go_up_two_folders(site):
    urls = parse(site.out / "en/prova/a/b.html").urls
    assert "../../index.html" in urls  # en/prova/a/ -> en/
    assert "../../../static/bootstrap-italia/css/bootstrap-italia.min.css" in urls  # -> root
    assert "../../../prova/a/b.html" in urls  # the Italian version, at the root
    assert "../../../de/prova/a/b.html" in urls


def test_search_form_only_when_the_search_page_is_built(
    site, results_dir, catalog, tmp_path, templates
):
    assert "cerca.html" not in (site.out / "index.html").read_text(encoding="utf-8")
    page = Page(path="cerca.html", title="C", template="nested.html.j2")
    search = PageKind(id="cerca", title=Text("Cerca"), order=90, in_menu=False,
                      build=lambda ctx: [page], templates=templates)  # fmt: skip
    other = build_site(results_dir, tmp_path / "s", catalog=catalog, extra=[search])
    assert 'action="cerca.html"' in (other.out / "de/index.html").read_text(encoding="utf-8")
    assert 'class="nav-link" href="cerca.html"' not in (other.out / "index.html").read_text("utf-8")


def test_no_absolute_or_external_url_in_any_page(site):
    for page in html_pages(site.out):
        for url in parse(page).urls:
            assert not url.startswith(("/", "http:", "https:", "//")), (page, url)
        assert "http://" not in re.sub(r'xmlns="http://www\.w3\.org/2000/svg"', "",
                                       page.read_text(encoding="utf-8")), page  # fmt: skip


def test_html_lang_is_the_page_language_and_one_h1(site):
    roots = {"it": site.out, "en": site.out / "en", "de": site.out / "de"}
    for lang, root in roots.items():
        for page in ("index.html", "prova/a/b.html"):
            parsed = parse(root / page)
            assert parsed.lang == lang
            assert parsed.h1 == 1
    assert {lang for lang, _path, _kind in site.pages} == {"it", "en", "de"}


def test_breadcrumbs_start_at_home_and_end_at_the_page(site):
    text = (site.out / "prova/a/b.html").read_text(encoding="utf-8")
    crumbs = text[text.index('class="breadcrumb"') : text.index("</ol>")]
    assert crumbs.index("Pagina iniziale") < crumbs.index(">Prova</a>")
    assert 'aria-current="page">Prova</li>' in crumbs


def test_members_only_pages_only_in_the_members_build(results_dir, catalog, tmp_path, templates):
    public = build_site(
        results_dir, tmp_path / "public", catalog=catalog, extra=[_nested_kind(templates)]
    )
    members = build_site(results_dir, tmp_path / "members", catalog=catalog, members=True,
                         extra=[_nested_kind(templates)])  # fmt: skip
    assert not (public.out / "prova/riservata.html").exists()
    assert not any("riservata" in f for f in public.files)
    assert "Riservata" not in (public.out / "search-index.js").read_text(encoding="utf-8")
    assert (members.out / "prova/riservata.html").is_file()
    assert json.loads((members.out / MANIFEST).read_text())["members"] is True


def test_a_public_build_over_a_members_build_leaves_nothing_of_it(
    results_dir, catalog, tmp_path, templates
):
    out = tmp_path / "site"
    build_site(results_dir, out, catalog=catalog, members=True, extra=[_nested_kind(templates)])
    assert (out / "prova/riservata.html").is_file()
    build_site(results_dir, out, catalog=catalog, extra=[_nested_kind(templates)])
    assert not (out / "prova/riservata.html").exists()


def test_a_rebuild_keeps_the_files_added_to_the_folder(results_dir, catalog, tmp_path, templates):
    out = tmp_path / "riservato"
    build_site(results_dir, out, catalog=catalog, members=True, extra=[_nested_kind(templates)])
    (out / ".htaccess").write_text("Require valid-user\n")  # the city's protection
    (out / "prova" / "nota.txt").write_text("mine")
    site = build_site(results_dir, out, catalog=catalog, extra=[_nested_kind(templates)])
    assert (out / ".htaccess").read_text() == "Require valid-user\n"
    assert (out / "prova" / "nota.txt").read_text() == "mine"
    assert not (out / "prova/riservata.html").exists()
    assert ".htaccess" not in site.files  # not the build's: the next build leaves it too
    assert ".htaccess" not in json.loads((out / MANIFEST).read_text())["files"]


def test_an_unreadable_manifest_is_an_error(results_dir, catalog, tmp_path):
    out = tmp_path / "s"
    out.mkdir()
    (out / MANIFEST).write_text("{not json")
    with pytest.raises(DataError, match="cannot be read"):
        build_site(results_dir, out, catalog=catalog)


def test_add_file_refuses_a_path_leaving_the_site(results_dir, catalog):
    ctx = SiteContext(results=Results(results_dir), catalog=catalog, organizations=())
    assert ctx.add_file("dati-aperti/a.csv", results_dir / "caf_scores.csv") == "dati-aperti/a.csv"
    for bad in ("../a.csv", "/etc/a.csv", "a/../../b.csv", "a//b.csv"):
        with pytest.raises(DefinitionError, match="relative POSIX path"):
            ctx.add_file(bad, results_dir / "caf_scores.csv")


def test_a_folder_with_other_files_is_not_overwritten(results_dir, catalog, tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    with pytest.raises(DataError, match="not a portal built by qualitapa"):
        build_site(results_dir, out, catalog=catalog)
    assert (out / "notes.txt").read_text() == "keep me"


def test_members_only_section_left_out_of_the_public_build(
    results_dir, catalog, tmp_path, templates
):
    section = SiteSection(id="riservato", page="home", title=Text("Area riservata"), order=50,
                          build=lambda ctx, subject: {}, template="nested.html.j2",
                          templates=templates, members_only=True)  # fmt: skip
    public = build_site(results_dir, tmp_path / "p", catalog=catalog, extra=[section],
                        languages=("it",))  # fmt: skip
    members = build_site(results_dir, tmp_path / "m", catalog=catalog, extra=[section],
                         languages=("it",), members=True)  # fmt: skip
    assert 'id="riservato"' not in (public.out / "index.html").read_text(encoding="utf-8")
    assert 'id="riservato"' in (members.out / "index.html").read_text(encoding="utf-8")


def test_section_returning_none_is_left_out(results_dir, catalog, tmp_path):
    section = SiteSection(id="vuota", page="home", title=Text("Vuota"), order=50,
                          build=lambda ctx, subject: None, template="nested.html.j2")  # fmt: skip
    site = build_site(results_dir, tmp_path / "s", catalog=catalog, extra=[section],
                      languages=("it",))  # fmt: skip
    assert 'id="vuota"' not in (site.out / "index.html").read_text(encoding="utf-8")


def test_assets_are_copied(site):
    static = site.out / "static" / "bootstrap-italia"
    for name in ("css/bootstrap-italia.min.css", "js/bootstrap-italia.bundle.min.js",
                 "svg/sprites.svg", "LICENSE", "VERSION"):  # fmt: skip
        assert (static / name).is_file(), name
    assert list((static / "fonts").rglob("*.woff2"))
    assert "bootstrap-italia 2.18." in (static / "VERSION").read_text()


def test_vendored_css_references_no_file_that_was_not_copied():
    css = Path(__file__).parents[2] / "src/qualitapa/site/static/bootstrap-italia/css"
    text = (css / "bootstrap-italia.min.css").read_text(encoding="utf-8")
    urls = re.findall(r"url\(\s*['\"]?([^'\")]+)", text)
    assert urls  # the sprites and form icons are inlined
    assert [u for u in urls if not u.startswith("data:")] == []


def test_manifest_hashes_match_the_files(site):
    manifest = json.loads((site.out / MANIFEST).read_text(encoding="utf-8"))
    on_disk = sorted(p.relative_to(site.out).as_posix() for p in site.out.rglob("*")
                     if p.is_file() and p.name != MANIFEST)  # fmt: skip
    assert sorted(manifest["files"]) == on_disk == list(site.files)
    for name, entry in manifest["files"].items():
        data = (site.out / name).read_bytes()
        assert entry == {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    assert manifest["generator"] == "qualitapa site build"
    assert {(p["lang"], p["path"], p["kind"]) for p in manifest["pages"]} == set(site.pages)
    assert manifest["members"] is False
    assert manifest["roots"] == {"it": "", "en": "en/", "de": "de/"}


def test_search_index_per_language(site):
    for root in (site.out, site.out / "de"):
        text = (root / "search-index.js").read_text(encoding="utf-8")
        assert text.startswith("window.QUALITAPA_SEARCH = ")
        entries = json.loads(text.removeprefix("window.QUALITAPA_SEARCH = ").rstrip(";\n"))
        assert entries == json.loads((root / "search-index.json").read_text(encoding="utf-8"))
        assert {e["url"] for e in entries} >= {"index.html", "prova/a/b.html"}
        for entry in entries:
            assert set(entry) == {"title", "url", "summary", "kind", "keywords"}
            assert (root / entry["url"]).is_file()


def test_empty_results_folder_is_an_error_naming_the_folder(catalog, tmp_path):
    empty = tmp_path / "vuota"
    empty.mkdir()
    (empty / "note.csv").write_text("a\n1\n")
    with pytest.raises(DataError, match=r"vuota.*none of the result tables.*indicator_values\.csv"):
        build_site(empty, tmp_path / "site", catalog=catalog)
    with pytest.raises(DataError, match="does not exist"):
        build_site(tmp_path / "nowhere", tmp_path / "site", catalog=catalog)
    assert not (tmp_path / "site").exists()


def test_duplicate_kind_ids_are_an_error_naming_both(catalog):
    twin = PageKind(id="home", title=Text("Altra"), order=5, build=lambda ctx: [])
    with pytest.raises(
        PluginConflictError, match=r"site page kind 'home'.*'qualitapa' and '\(given\)'"
    ):
        site_registry(catalog, [twin])


def test_duplicate_section_ids_are_an_error(catalog):
    section = SiteSection(id="s", page="home", title=Text("S"), order=10,
                          build=lambda ctx, subject: {}, template="x.html.j2")  # fmt: skip
    with pytest.raises(PluginConflictError, match="site section 's'"):
        site_registry(catalog, [section, section])


def test_two_pages_on_one_path_are_an_error(results_dir, catalog, tmp_path):
    page = Page(path="index.html", title="x", template="x.j2")
    kind = PageKind(id="doppio", title=Text("Doppio"), order=50, build=lambda ctx: [page])
    with pytest.raises(
        DefinitionError, match=r"'index\.html' is built by both the 'home' and the 'doppio'"
    ):
        build_site(results_dir, tmp_path / "s", catalog=catalog, extra=[kind], languages=("it",))


class _SitePlugin:
    def __init__(self, items: list[object]) -> None:
        self.items = items

    @hookimpl
    def qualitapa_site_pages(self):
        return self.items


def test_plugin_kinds_come_from_the_hook_with_their_templates(results_dir, tmp_path):
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "rifiuti.html.j2").write_text('<p><a href="{{ url("index.html") }}">{{ n }}</a></p>')

    def build(ctx: SiteContext) -> list[Page]:
        return [Page(path="rifiuti/index.html", title="Rifiuti", template="rifiuti.html.j2",
                     context={"n": ctx.number(1234.5, 1)})]  # fmt: skip

    kind = PageKind(id="rifiuti", title=Text("Rifiuti"), order=60, build=build, templates=folder)
    catalog = catalog_with(("rifiuti-plugin", _SitePlugin([kind])))
    site = build_site(results_dir, tmp_path / "s", catalog=catalog, languages=("it",))
    assert ("it", "rifiuti/index.html", "rifiuti") in site.pages
    text = (site.out / "rifiuti/index.html").read_text(encoding="utf-8")
    assert '<a href="../index.html">1.234,5</a>' in text
    assert 'href="rifiuti/index.html"' in (site.out / "index.html").read_text(encoding="utf-8")


def test_plugin_reusing_a_builtin_id_names_both(results_dir, tmp_path):
    kind = PageKind(id="home", title=Text("Casa"), order=60, build=lambda ctx: [])
    catalog = catalog_with(("casa-plugin", _SitePlugin([kind])))
    with pytest.raises(PluginConflictError, match=r"'qualitapa' and 'casa-plugin'"):
        build_site(results_dir, tmp_path / "s", catalog=catalog)


def test_plugin_returning_something_else_is_an_error(catalog):
    bad = catalog_with(("rotto", _SitePlugin(["not a page"])))
    with pytest.raises(PluginError, match="rotto"):
        site_registry(bad)


# -- context helpers ---------------------------------------------------------------------


@given(
    st.lists(st.sampled_from(["a", "b", "citta", "x1"]), min_size=0, max_size=3),
    st.lists(st.sampled_from(["a", "b", "servizi", "y"]), min_size=0, max_size=3),
)
def test_relative_url_leads_from_the_page_to_the_target(page_dirs, target_dirs):
    page = "/".join([*page_dirs, "p.html"])
    target = "/".join([*target_dirs, "t.html"])
    link = relative_url(target, page)
    assert not link.startswith("/")
    assert posixpath.normpath(posixpath.join(posixpath.dirname(page), link)) == target


@given(st.text(max_size=40))
def test_slug_is_lowercase_ascii_for_a_path(text):
    out = slug(text)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*|x", out)


def test_slug_of_italian_and_german_names():
    assert [slug(n) for n in ("Forlì", "Bolzano - Bozen", "Reggio nell'Emilia", "Überetsch")] == [
        "forli", "bolzano-bozen", "reggio-nell-emilia", "uberetsch"]  # fmt: skip


def test_results_reads_ids_as_text_and_returns_copies(results_dir):
    results = Results(results_dir)
    values = results.table("indicator_values")
    assert values["organization"].tolist()[0] == "021008"  # leading zero kept
    values["value"] = 0
    assert results.table("indicator_values")["value"].iloc[0] != 0
    assert results.latest_period() == 2024
    assert results.organizations() == ("021008", "022205", "036023")
    assert results.table("nope") is None


def test_results_memo_is_shared_by_the_languages(results_dir, catalog):
    results = Results(results_dir)
    calls = []
    contexts = [SiteContext(results=results, catalog=catalog, organizations=(), lang=lang)
                for lang in ("it", "de")]  # fmt: skip
    views = [ctx.results.memo("v", lambda: calls.append(1) or len(calls)) for ctx in contexts]
    assert views == [1, 1]  # built once, for both languages
    it, de = contexts
    assert (it.memo("w", lambda: "it"), de.memo("w", lambda: "de")) == ("it", "de")  # per language


def test_context_paths_and_words(results_dir, catalog):
    ctx = SiteContext(results=Results(results_dir), catalog=catalog,
                      organizations=("036023", "021008"), lang="de")  # fmt: skip
    assert ctx.city_path("021008") == "citta/bolzano.html"  # the Italian name, in every language
    assert ctx.org_name("021008") == "Bozen"
    assert ctx.service_path("registry.civil_status") == "servizi/registry-civil-status.html"
    assert ctx.date(dt.date(2024, 12, 31)) == "31.12.2024"
    assert ctx.number(1234.5, 1) == "1.234,5"
    assert ctx.label("libraries.loans_per_inhabitant") != "libraries.loans_per_inhabitant"


# -- home page ---------------------------------------------------------------------------


def test_standards_met_per_city_in_the_latest_period(results_dir, catalog):
    ctx = SiteContext(results=Results(results_dir), catalog=catalog,
                      organizations=("021008", "022205", "036023"))  # fmt: skip
    # the fixture's 2024 rows: libraries.std.opening_hours met by Bolzano and Trento, not
    # Modena; registry.std.certificate_wait met by Bolzano only
    found = {org: standards_met(ctx, org) for org in ctx.organizations}
    assert found == {"021008": (2, 2, 2024), "022205": (1, 2, 2024), "036023": (0, 2, 2024)}


def test_charters_in_force_count_drafts_only_for_members(catalog, results_dir):
    def count(org: str, day: dt.date, members: bool = False) -> int:
        ctx = SiteContext(results=Results(results_dir), catalog=catalog, organizations=(),
                          members=members, reference_date=day)  # fmt: skip
        return len({c.service for c in charters_in_force(ctx, org)})

    autumn = dt.date(2025, 10, 1)
    # Bolzano: registry and libraries published from 2025-01-01, nurseries a draft
    assert count("021008", autumn) == 2
    assert count("021008", autumn, members=True) == 3
    # Modena before 2025-04-01: only libraries (from 2025-01-01) is in force
    assert count("036023", dt.date(2025, 3, 1)) == 1
    assert count("036023", autumn) == 3


def test_home_page_shows_each_city_with_its_figures(site):
    text = (site.out / "index.html").read_text(encoding="utf-8")
    assert '<th scope="row">Trento</th>' in text  # no city pages in this build: no link
    assert "1 su 2 (50%)" in text  # Trento: 1 of 2 standards met = 50%
    assert "2 su 2 (100%)" in text  # Bolzano
    assert "Rispettare lo standard: Certificato allo sportello" in text  # news of the plan
    de = (site.out / "de/index.html").read_text(encoding="utf-8")
    assert '<th scope="row">Bozen</th>' in de


# -- datasets kept for the members ---------------------------------------------------------


def test_dataset_published_false_from_toml(tmp_path):
    from qualitapa.declarative import TomlPlugin

    (tmp_path / "d.csv").write_text("organization,period,variable,value\n")
    (tmp_path / "plugin.toml").write_text(
        '[[datasets]]\nid = "x.bozza"\nlabel = "Bozza"\npath = "d.csv"\nkind = "indicator_data"\n'
        "published = false\n\n"
        '[[datasets]]\nid = "x.pubblico"\nlabel = "Pubblico"\npath = "d.csv"\n'
        'kind = "indicator_data"\n',
        encoding="utf-8",
    )
    catalog = catalog_with(("x", TomlPlugin(tmp_path / "plugin.toml")))
    assert catalog.datasets["x.bozza"].published is False
    assert catalog.datasets["x.pubblico"].published is True


def test_dataset_published_must_be_true_or_false():
    from qualitapa.models import Dataset

    with pytest.raises(DefinitionError, match="published is true or false, not 'no'"):
        Dataset.from_mapping({"id": "x.y", "label": "a", "path": "d.csv", "kind": "k",
                              "published": "no"})  # fmt: skip


#: A code of a result table (``in_progress``) or a catalog id (``registry.std.x``).
CODE = re.compile(r"\b[a-z][a-z0-9]*(?:[_.][a-z0-9]+)+\b")


@pytest.mark.parametrize("root", ["", "de/"])
def test_home_page_names_items_by_their_labels_not_their_ids(site, root):
    page = (site.out / root / "index.html").read_text(encoding="utf-8")
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.DOTALL)
    text = re.sub(r"<[^>]+>", " ", page)
    assert CODE.findall(text) == []
    assert "proposed" not in text  # the plan's status, in words
    # the fixture's composite indices by their catalog labels
    assert ("Indice sintetico dei servizi demografici" if not root else "demograf") in text


_ROWS = st.lists(
    st.tuples(st.sampled_from(["021008", "022205", "036023"]), st.integers(2022, 2024),
              st.sampled_from(["s1", "s2", "s3"]), st.sampled_from(["True", "False", ""])),
    max_size=25,
)  # fmt: skip


@given(_ROWS, st.randoms(use_true_random=False))
def test_standards_met_is_a_count_in_each_city_s_latest_period(rows, rnd):
    import pandas as pd

    def computed(order: list[tuple[str, int, str, str]]) -> dict[str, tuple[int, int]]:
        with tempfile.TemporaryDirectory() as d:
            frame = pd.DataFrame(order, columns=["organization", "period", "standard", "met"])
            frame.to_csv(Path(d, "charter_compliance.csv"), index=False)
            ctx = SiteContext(results=Results(d), catalog=_EMPTY, organizations=())
            return {org: standards_met(ctx, org)[:2] for org in {r[0] for r in order}}

    expected = {}  # the plain count, row by row: the city's latest period, measured rows
    for org in {r[0] for r in rows}:
        latest = max(r[1] for r in rows if r[0] == org)
        at = [r for r in rows if r[0] == org and r[1] == latest and r[3]]
        expected[org] = (sum(r[3] == "True" for r in at), len(at))
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    assert computed(rows) == expected == computed(shuffled)


def test_a_download_is_a_data_file_never_a_page_or_script(results_dir, catalog, tmp_path):
    # a data package listing 'index.html' or 'x.js' must not publish active content, nor
    # replace a page: add_file takes data files only, and no path the site already has
    source = tmp_path / "data.csv"
    source.write_text("a,b\n1,2\n", encoding="utf-8")
    ctx = SiteContext(results=Results(results_dir), catalog=catalog, lang="it", organizations=())
    for path in ("dati-aperti/index.html", "x.js", "x.svg", "x.HTML"):
        with pytest.raises(DefinitionError, match="not a data file"):
            ctx.add_file(path, source)
    assert ctx.add_file("dati-aperti/data.csv", source) == "dati-aperti/data.csv"

    def build(ctx: SiteContext) -> list[Page]:
        ctx.add_file("search-index.json", source)  # the site's own file
        return []

    taker = PageKind(id="prende", title=Text("Prende"), order=60, build=build)
    with pytest.raises(DefinitionError, match="would replace a page of the site"):
        build_site(results_dir, tmp_path / "site", catalog=catalog, extra=[taker],
                   languages=("it",))  # fmt: skip
