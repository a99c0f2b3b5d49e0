"""The methodology pages of the portal: indicators, questionnaires, the CAF model (issue 21).

Built from the small results folder of ``conftest.py`` (three cities, three indicators:
libraries.loans_per_inhabitant, nurseries.coverage, registry.certificates_per_fte) and the
shipped plugins' catalog, rendered into the site's layout and read as a reader would.
"""

from __future__ import annotations

import html
import re
import runpy
from pathlib import Path

import html5lib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualitapa import Service, Text, hookimpl
from qualitapa.caf import caf_model
from qualitapa.catalog import Catalog
from qualitapa.i18n import translator
from qualitapa.indicators import Formula, IndicatorDefinition
from qualitapa.site._context import Results, SiteContext
from qualitapa.site._methodology import (
    INDICATORS_PATH,
    METHODOLOGY,
    formula_parts,
    indicator_anchor,
    indicators_with_results,
)
from qualitapa.site._render import PageRenderer
from qualitapa.testing import isolated_plugins

from .conftest import PLUGINS

WITH_RESULTS = ["libraries.loans_per_inhabitant", "nurseries.coverage",
                "registry.certificates_per_fte"]  # fmt: skip

#: English words that must not reach an Italian or German reader of these pages.
ENGLISH = {
    "formula", "unit", "polarity", "higher", "lower", "better", "target", "source", "data",
    "dataset", "local", "compared", "organizations", "variable", "variables", "description",
    "questionnaire", "question", "questions", "dimension", "scale", "answers", "score",
    "scoring", "panel", "criterion", "criteria", "enablers", "results", "classical",
    "fine", "tuned", "annual", "quality", "efficiency", "effectiveness", "impact", "the",
    "and", "of", "with", "per", "at", "least", "most", "none", "indicator", "indicators",
    "synthetic", "demo", "likert", "single", "multiple", "choice", "text",
}  # fmt: skip
#: Words of the list that are also words of the language (or proper names used in it).
ALSO = {"it": {"formula", "per", "likert", "scale"},
        "de": {"formula", "per", "likert", "dimension", "data", "impact", "text", "indicator",
               "scale", "variable"}}  # fmt: skip
#: A catalog id (``registry.certificates_per_fte``) or a code (``higher_is_better``).
CODE = re.compile(r"\b[a-z][a-z0-9]*(?:[_.][a-z0-9]+)+\b")


def visible_text(page: str) -> str:
    """The text a reader sees: tags, scripts and styles removed, entities decoded."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.DOTALL)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-zÀ-ÿ]+", text)}


def render(ctx: SiteContext) -> dict[str, str]:
    """The methodology pages of ``ctx``'s language, each in the layout: path -> HTML."""
    renderer = PageRenderer(ctx, ("it", "en", "de"), [])
    return {p.path: renderer.render(p) for p in METHODOLOGY.build(ctx)}


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory, catalog: Catalog) -> dict[str, dict[str, str]]:
    """The pages in it, de, en from conftest's results folder (built once for the module)."""
    folder = tmp_path_factory.mktemp("results")
    tables = runpy.run_path(str(Path(__file__).with_name("conftest.py")))["TABLES"]
    for name, text in tables.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    orgs = ("021008", "022205", "036023")
    out = {}
    for lang in ("it", "de", "en"):
        ctx = SiteContext(results=Results(folder), catalog=catalog, organizations=orgs,
                          lang=lang)  # fmt: skip
        out[lang] = render(ctx)
    return out


def block(page: str, indicator: str) -> str:
    """The HTML of one indicator's <article> on the indicators page."""
    start = page.index(">", page.index(f'id="{indicator_anchor(indicator)}"')) + 1
    return page[start : page.index("</article>", start)]


def test_the_four_pages_are_built_and_parse(pages: dict[str, dict[str, str]]) -> None:
    names = ["caf", "index", "indicatori", "questionari"]
    assert sorted(pages["it"]) == [f"metodologia/{n}.html" for n in names]
    for lang, built in pages.items():
        for path, page in built.items():
            parser = html5lib.HTMLParser(strict=True)
            parser.parse(page)
            assert f'<html lang="{lang}">' in page
            assert page.count("<h1") == 1, path


def test_every_indicator_with_results_has_its_anchor_once(
    pages: dict[str, dict[str, str]], results_dir: Path, catalog: Catalog
) -> None:
    ctx = SiteContext(results=Results(results_dir), catalog=catalog,
                      organizations=("021008", "022205", "036023"))  # fmt: skip
    assert indicators_with_results(ctx) == WITH_RESULTS
    for built in pages.values():
        page = built[INDICATORS_PATH]
        anchors = re.findall(r'id="(ind-[^"]+)"', page)
        assert sorted(anchors) == sorted(indicator_anchor(i) for i in WITH_RESULTS)
        ids = re.findall(r'\bid="([^"]+)"', page)
        assert len(ids) == len(set(ids)), "an HTML id twice"


def test_an_indicator_of_an_organization_outside_the_site_is_left_out(
    results_dir: Path, catalog: Catalog
) -> None:
    # Trento alone: its rows have values for the three indicators; a Modena-only row
    # of a fourth indicator (appended here) must not list that indicator.
    values = results_dir / "indicator_values.csv"
    values.write_text(values.read_text() + "036023,2024,nurseries.occupancy,80.5,ok\n")
    trento = SiteContext(results=Results(results_dir), catalog=catalog, organizations=("022205",))
    modena = SiteContext(results=Results(results_dir), catalog=catalog, organizations=("036023",))
    assert "nurseries.occupancy" not in indicators_with_results(trento)
    assert "nurseries.occupancy" in indicators_with_results(modena)


@pytest.mark.parametrize("lang", ["it", "de", "en"])
def test_formula_variables_are_shown_by_their_label(
    pages: dict[str, dict[str, str]], catalog: Catalog, lang: str
) -> None:
    page = pages[lang][INDICATORS_PATH]
    for ind_id in WITH_RESULTS:
        ind = catalog.indicators[ind_id]
        text = block(page, ind_id)
        formula = re.search(r'class="col-sm-9 qualitapa-formula">(.*?)</dd>', text, re.DOTALL)
        assert formula is not None
        shown = re.findall(r"<var>(.*?)</var>", formula.group(1))
        labels = []
        for name in ind.formula.variables:
            label = (catalog.variables[name].label.get(lang) if name in catalog.variables
                     else translator(lang)("Popolazione residente"))  # fmt: skip
            assert html.escape(label, quote=False) in shown, (ind_id, name)
            labels.append(label)
        # no raw name outside the labels ("population" is a word of "Resident population")
        rest = visible_text(text)
        for label in sorted(labels, key=len, reverse=True):
            rest = rest.replace(label, " ")
        for name in ind.formula.variables:
            assert name not in rest, name
    # (places_public + places_private) / children_0_2 * 100: the parentheses and the scale
    coverage = block(page, "nurseries.coverage")
    assert "÷" in coverage
    assert re.search(r"\)\s*÷\s*<var>", coverage), "the sum is kept in parentheses"
    assert "× 100" in coverage


def test_unit_polarity_target_in_words(pages: dict[str, dict[str, str]]) -> None:
    it = pages["it"][INDICATORS_PATH]
    coverage = visible_text(block(it, "nurseries.coverage"))
    assert "più alto è meglio" in coverage
    assert "almeno 33%" in coverage  # target ">= 33" with unit "%"
    assert "annuale" in coverage
    assert "efficacia" in coverage
    certificates = visible_text(block(it, "registry.certificates_per_fte"))
    assert "certificati per addetto (ETP)" in certificates  # unit "certificates per FTE"
    loans = visible_text(block(it, "libraries.loans_per_inhabitant"))
    assert "prestiti per abitante" in loans
    de = visible_text(block(pages["de"][INDICATORS_PATH], "registry.certificates_per_fte"))
    assert "Bescheinigungen je VZÄ" in de


def test_comparability_from_the_benchmark(pages: dict[str, dict[str, str]]) -> None:
    # conftest's indicator_benchmark: 2024, three rows "compared" for nurseries.coverage
    # (021008, 022205, 036023) -> 3 organizations compared.
    text = visible_text(block(pages["it"][INDICATORS_PATH], "nurseries.coverage"))
    assert "Nel 2024 è confrontato tra 3 enti." in text
    # registry.certificates_per_fte has no benchmark rows: no such sentence
    other = visible_text(block(pages["it"][INDICATORS_PATH], "registry.certificates_per_fte"))
    assert "confrontato tra" not in other


def test_a_local_indicator_says_it_is_not_compared(results_dir: Path, catalog: Catalog) -> None:
    values = results_dir / "indicator_values.csv"
    values.write_text(values.read_text() + "036023,2024,modena.appointments.online_share,40,ok\n")
    ctx = SiteContext(results=Results(results_dir), catalog=catalog, organizations=("036023",))
    page = render(ctx)[INDICATORS_PATH]
    text = visible_text(block(page, "modena.appointments.online_share"))
    assert "Indicatore locale di Modena: non è confrontato con le altre città." in text
    # its source is Modena's own dataset, whose label already says it is synthetic
    assert text.count("sintetic") == 1


def test_no_indicator_results_says_so(tmp_path: Path, catalog: Catalog) -> None:
    (tmp_path / "complaint_kpis.csv").write_text("organization,received\n036023,10\n")
    ctx = SiteContext(results=Results(tmp_path), catalog=catalog, organizations=("036023",))
    page = render(ctx)[INDICATORS_PATH]
    assert "Nessun indicatore ha risultati" in page
    assert "ind-" not in page


@pytest.mark.parametrize("lang", ["it", "de"])
def test_no_english_word_nor_code_on_italian_and_german_pages(
    pages: dict[str, dict[str, str]], lang: str
) -> None:
    for path, page in pages[lang].items():
        main = page[page.index('<main id="main-content">') : page.index("</main>")]
        text = visible_text(main)
        english = words(text) & (ENGLISH - ALSO[lang])
        assert not english, (path, sorted(english))
        assert not CODE.findall(text), (path, CODE.findall(text))


def test_the_german_caf_page_is_all_german(pages: dict[str, dict[str, str]]) -> None:
    # every panel text (row labels, descriptions, bands) has its German: no Italian left
    # (a one-row panel's table is captioned with the panel's title, not its row's label)
    de = html.unescape(pages["de"]["metodologia/caf.html"])
    assert 'class="alert alert-info"' not in de
    for panel in caf_model().panels:
        for row in panel.rows:
            texts = [row.label] if len(panel.rows) > 1 else []
            texts += [row.description] if row.description else []
            for text in [*texts, *(b.description for b in row.bands)]:
                assert text.de, text.it
                assert text.de in de
                assert text.it not in de


def test_the_italian_fallback_is_said_once(
    pages: dict[str, dict[str, str]],
    results_dir: Path,
    catalog: Catalog,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import attrs

    import qualitapa.caf

    note = "sono mostrati in italiano"
    # a CAF model whose two band descriptions have no German: said once on the German page
    model = caf_model()
    row = model.panels[1].rows[0]
    bands = list(row.bands)
    for i in (1, 2):
        bands[i] = attrs.evolve(bands[i], description=Text(bands[i].description.it))
    panel = attrs.evolve(model.panels[1], rows=(attrs.evolve(row, bands=tuple(bands)),))
    untranslated = attrs.evolve(model, panels=(model.panels[0], panel, *model.panels[2:]))
    monkeypatch.setattr(qualitapa.caf, "caf_model", lambda: untranslated)
    ctx = SiteContext(results=Results(results_dir), catalog=catalog,
                      organizations=("036023",), lang="de")  # fmt: skip
    de = render(ctx)["metodologia/caf.html"]
    assert de.count(translator("de")(
        "Alcuni testi del catalogo non sono tradotti in questa lingua e sono mostrati in "
        "italiano.")) == 1  # fmt: skip
    assert html.escape(bands[2].description.it) in de
    for page in pages["it"].values():
        assert note not in page
    assert 'class="alert alert-info"' not in pages["en"]["metodologia/caf.html"]


def test_every_questionnaire_with_its_dimensions_and_items(
    pages: dict[str, dict[str, str]], catalog: Catalog
) -> None:
    for lang in ("it", "de"):
        page = html.unescape(pages[lang]["metodologia/questionari.html"])
        for ins in catalog.instruments.values():
            assert ins.label.get(lang) in page
            for dim in ins.dimensions:
                assert dim.label.get(lang) in page, dim.id
            for q in ins.questions:
                assert q.label.get(lang) in page, q.id
    it = html.unescape(pages["it"]["metodologia/questionari.html"])
    assert "da 1 (Per niente soddisfatto) a 5 (Molto soddisfatto)" in it
    assert "9 (Non so / non applicabile): non entra nel punteggio" in it


def test_the_caf_model_criteria_subcriteria_and_panels(pages: dict[str, dict[str, str]]) -> None:
    model = caf_model()
    for lang in ("it", "de"):
        page = html.unescape(pages[lang]["metodologia/caf.html"])
        for sub in model.subcriteria:
            assert f"{sub.id} {sub.title.get(lang)}" in page
        for c in model.criteria:
            assert f"{c.id}. {c.title.get(lang)}" in page
        for panel in model.panels:
            for row in panel.rows:
                for band in row.bands:
                    assert band.description.get(lang) in page
        # 4 panels x (1 or more rows) tables of 6 bands: 1 + 1 + 4 + 2 tables
        assert page.count("<table") == 8
    # the counts said in words are the model's: 5 enablers + 4 results = 9 criteria
    enablers = sum(c.kind.value == "enablers" for c in model.criteria)
    text = html.unescape(pages["it"]["metodologia/caf.html"])
    assert (f"Il modello CAF 2020 ha {len(model.criteria)} criteri: {enablers} fattori abilitanti"
            in text)  # fmt: skip
    assert f"e {len(model.criteria) - enablers} criteri di risultato" in text


# -- the formula in words is the formula ------------------------------------------------

_NAMES = st.sampled_from(["a", "b", "c.d", "e_f"])
_NUMBERS = st.one_of(st.integers(0, 999), st.sampled_from([0.5, 0.125, 2.75, 12.5]))


def _formulas() -> st.SearchStrategy[str]:
    leaves = st.one_of(_NAMES, _NUMBERS.map(str))

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        binary = st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "<", ">=", "==", "and",
                                                   "or"]), inner)  # fmt: skip
        calls = st.tuples(st.sampled_from(["min", "max", "sum", "coalesce"]),
                          st.lists(inner, min_size=2, max_size=3))  # fmt: skip
        return st.one_of(
            binary.map(lambda x: f"({x[0]} {x[1]} {x[2]})"),
            calls.map(lambda x: f"{x[0]}({', '.join(x[1])})"),
            inner.map(lambda x: f"abs({x})"),
            inner.map(lambda x: f"(-({x}))"),
            inner.map(lambda x: f"(not ({x}))"),
        )

    return st.recursive(leaves, extend, max_leaves=8)


def _back(parts: list[dict[str, str]], t) -> str:
    """The formula language's text of the parts (labels are the names here)."""
    symbols = {"÷": "/", "×": "*", "−": "-", "≤": "<=", "≥": ">=", "≠": "!=", "=": "==",
               ";": ","}  # fmt: skip
    functions = {t(w): f for f, w in [("abs", "valore assoluto di"), ("min", "il minore tra"),
                                      ("max", "il maggiore tra"), ("sum", "somma di"),
                                      ("coalesce", "il primo valore disponibile tra")]}  # fmt: skip
    logic = {t("e"): "and", t("o"): "or", t("non"): "not"}
    out = []
    for p in parts:
        if p["kind"] == "word":
            out.append(functions.get(p["text"]) or logic[p["text"]])
        elif p["kind"] == "num":
            out.append(p["text"].replace(",", ""))  # English digits: "1,000" -> "1000"
        else:
            out.append(symbols.get(p["text"], p["text"]))
    return " ".join(out)


@settings(max_examples=80, deadline=None)
@given(text=_formulas())
def test_the_formula_in_words_reads_back_as_the_same_formula(text: str) -> None:
    formula = Formula.parse(text)
    t = translator("en")
    parts = formula_parts(formula, {}, t)
    assert Formula.parse(_back(parts, t)) == formula
    # no part is lost or added: every variable appears as many times as in the tree
    names = re.findall(r"[a-z_][a-z0-9_.]*", text)
    assert sorted(p["text"] for p in parts if p["kind"] == "var") == sorted(
        n for n in names if n in {"a", "b", "c.d", "e_f"}
    )


def test_constants_are_written_in_the_language_and_never_rounded() -> None:
    # 0.125 would be "0,13" with the reports' default two decimals
    parts = formula_parts(Formula.parse("x * 0.125 + 1234"), {"x": "Spesa"}, translator("it"),
                          scale=1000)  # fmt: skip
    assert "".join(p["space"] + p["text"] for p in parts) == "Spesa × 0,125 + 1.234 × 1.000"


def test_items_of_the_same_scale_share_its_letter(
    pages: dict[str, dict[str, str]], catalog: Catalog
) -> None:
    page = html.unescape(pages["it"]["metodologia/questionari.html"])
    ins = catalog.instruments["registry.counter"]
    section = page[page.index('id="questionario-registry.counter"') :]
    section = section[: section.index("</section>")]
    listed = dict(re.findall(r"<li>Scala ([A-Z]): (.*?)</li>", section))
    # the first scaled item of the first dimension gives scale A
    dimension = ins.dimensions[0].id
    first = next(q for q in ins.questions if q.scale is not None and q.dimension == dimension)
    assert listed["A"].startswith(f"da 1 ({first.scale.labels[0].it})")
    by_text = {}
    for row in section.split("<tr>")[1:]:
        cells = re.findall(r"<td>(.*?)</td>", row, re.DOTALL)
        if cells:
            by_text[cells[0].split("<br>")[0]] = cells[2]
    for q in ins.questions:
        if q.scale is not None:
            letter = by_text[q.label.it].removeprefix("Scala ")
            assert letter in listed, q.id
            same = [p for p in ins.questions if p.scale == q.scale]
            assert {by_text[p.label.it] for p in same} == {f"Scala {letter}"}


class _ArchiveOfLibraries:
    """A sub-service of the libraries (the first service by title) named to sort first."""

    @hookimpl
    def qualitapa_services(self) -> list[Service]:
        return [Service("libraries.archive", Text("Archivio storico"), parent="libraries")]

    @hookimpl
    def qualitapa_indicators(self) -> list[IndicatorDefinition]:
        return [IndicatorDefinition("libraries.archive.visits", Text("Visite all'archivio"),
                                    "libraries.archive", "effectiveness", "visits / 1",
                                    "higher_is_better")]  # fmt: skip


def test_a_sub_service_follows_its_parent(results_dir: Path) -> None:
    with isolated_plugins(PLUGINS):
        catalog = Catalog.build([_ArchiveOfLibraries()])
    values = results_dir / "indicator_values.csv"
    values.write_text(values.read_text() + "036023,2024,modena.appointments.online_share,40,ok\n"
                      "036023,2024,libraries.archive.visits,12,ok\n")  # fmt: skip
    ctx = SiteContext(results=Results(results_dir), catalog=catalog, organizations=("036023",))
    page = render(ctx)[INDICATORS_PATH]
    order = re.findall(r'<section id="servizio-([^"]+)"', page)
    # Each sub-service right after its parent, whatever the titles and ids say alone:
    # "Archivio storico" (parent Biblioteche, the first parent) and "Agenda appuntamenti
    # ... (Modena)" (parent "Servizi demografici - Anagrafe", the last) would each sort
    # first by their own title; by id the archive would come before Modena's agenda and
    # both before Nidi. Putting every sub-service after all the services (the order
    # before the review) moves the archive after the registry: the test fails then.
    assert order == ["libraries", "libraries.archive", "nurseries", "registry",
                     "modena.appointments"]  # fmt: skip


def test_an_unpublished_dataset_is_a_source_in_the_members_build_only(
    results_dir: Path, catalog: Catalog, tmp_path: Path
) -> None:
    from qualitapa import Dataset, Text, hookimpl

    data = tmp_path / "private.csv"
    data.write_text("organization,period,variable,value\n")

    class Private:
        qualitapa_data_dirs = (tmp_path,)  # the plugin's data lives outside its package

        @hookimpl
        def qualitapa_datasets(self):
            return [Dataset("x.private", Text("Registro riservato dei prestiti"), data,
                            "indicator_data", service="libraries", published=False)]  # fmt: skip

    extended = catalog.extended(("private", Private()))
    for members in (False, True):
        ctx = SiteContext(results=Results(results_dir), catalog=extended, members=members,
                          organizations=("036023",))  # fmt: skip
        text = visible_text(block(render(ctx)[INDICATORS_PATH], "libraries.loans_per_inhabitant"))
        assert ("Registro riservato dei prestiti" in text) is members


@pytest.mark.slow  # pandas' groupby per example: about 8 s
@settings(max_examples=25, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.sampled_from(["a", "b", "c"]), st.sampled_from([2022, 2023, 2024]),
                  st.sampled_from(["x", "y", "z", "w"]),
                  st.sampled_from(["compared", "too_few_compared", "all_equal", "no_value"])),
        min_size=1, max_size=30,
    ),
    seed=st.randoms(use_true_random=False),
)  # fmt: skip
def test_comparison_facts_count_as_by_hand_in_any_row_order(rows, seed) -> None:
    import pandas as pd

    from qualitapa.site._methodology import comparison_facts

    bench = pd.DataFrame(rows, columns=["indicator", "period", "organization", "comparison"])
    shuffled = bench.sample(frac=1, random_state=seed.randint(0, 10**6))
    facts = comparison_facts(bench)
    pd.testing.assert_frame_equal(facts, comparison_facts(shuffled))
    for ind, group in bench.groupby("indicator"):  # the same, row by row
        latest = group[group["period"] == group["period"].max()]
        assert facts.loc[ind, "period"] == latest["period"].max()
        compared = {o for o, c in zip(latest["organization"], latest["comparison"], strict=True)
                    if c == "compared"}  # fmt: skip
        assert facts.loc[ind, "compared"] == len(compared)
        assert facts.loc[ind, "too_few"] == ("too_few_compared" in set(latest["comparison"]))
        assert facts.loc[ind, "all_equal"] == ("all_equal" in set(latest["comparison"]))
