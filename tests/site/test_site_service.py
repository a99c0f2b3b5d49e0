# ruff: noqa: E501 - the tables are CSV rows as the demo writes them
"""The service pages of the portal: indicators across cities, trends, composites, DEA (issue 21).

The pages are built from hand-made result tables (below) and the shipped plugins'
catalog (``conftest.py``), and read as a citizen would: the visible text of the page.
Ranks and best performers must be those of the benchmark table, an indicator
measured by one city is never compared nor called best, and the order of the
input rows does not matter.
"""

from __future__ import annotations

import html
import random
import re
import tempfile
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualitapa.site._context import Results, SiteContext
from qualitapa.site._render import PageRenderer
from qualitapa.site._service import (
    SERVICE_KIND,
    comparison_view,
    peer_group_name,
    service_view,
)

MODENA, TRENTO, BOLZANO, MILANO = "036023", "022205", "021008", "015146"

#: Hand-made tables. registry.average_wait (minutes, lower is better): in 2024 Trento
#: is best of the medium group (rank 1 of 3), Milano alone in its group (too few to
#: compare); 2023 rows are older and must not be shown as the latest period.
#: bolzano.registry.chosen_language_share is Bolzano's own (local) indicator: its row
#: says is_best=True and rank 1, and still must never be called best.
#: registry.online_certificates_share: every city has 40%: all equal, nobody best.
TABLES = {
    "indicator_benchmark": """\
organization,period,indicator,peer_group,value,rank,percentile,quartile,z_score,best_value,best_performers,is_best,gap_to_best,gap_to_median,n,comparison
036023,2023,registry.average_wait,medium,9.5,3,0,4,1,6.1,022205,False,-3.4,-1,3,compared
022205,2023,registry.average_wait,medium,6.1,1,100,1,-1,6.1,022205,True,0,1,3,compared
021008,2023,registry.average_wait,medium,7.1,2,50,2,0,6.1,022205,False,-1,0,3,compared
036023,2024,registry.average_wait,medium,8.9,3,0,4,1.1,6.5,022205,False,-2.4,-1.9,3,compared
022205,2024,registry.average_wait,medium,6.5,1,100,1,-0.9,6.5,022205,True,0,0.5,3,compared
021008,2024,registry.average_wait,medium,7.0,2,50,2,-0.2,6.5,022205,False,-0.5,0,3,compared
015146,2024,registry.average_wait,metropolitan,8.356701,,,,,,,False,,,1,too_few_compared
021008,2024,bolzano.registry.chosen_language_share,medium,95.33,1,100,1,,95.33,021008,True,0,0,1,local_indicator
036023,2024,registry.online_certificates_share,medium,40.0,1,100,1,,,,False,0,0,3,all_equal
022205,2024,registry.online_certificates_share,medium,40.0,1,100,1,,,,False,0,0,3,all_equal
021008,2024,registry.online_certificates_share,medium,40.0,1,100,1,,,,False,0,0,3,all_equal
""",
    "indicator_values": """\
organization,period,indicator,value,status
036023,2022,registry.average_wait,10.2,ok
036023,2023,registry.average_wait,9.5,ok
036023,2024,registry.average_wait,8.9,ok
022205,2022,registry.average_wait,,zero_denominator
022205,2023,registry.average_wait,6.1,ok
022205,2024,registry.average_wait,6.5,ok
021008,2023,registry.average_wait,7.1,ok
021008,2024,registry.average_wait,7.0,ok
015146,2024,registry.average_wait,8.356701,ok
021008,2023,bolzano.registry.chosen_language_share,94.57,ok
021008,2024,bolzano.registry.chosen_language_share,95.33,ok
""",
    "indicator_trends": """\
organization,indicator,first_period,last_period,n_periods,first_value,last_value,change_pct,cagr_pct,slope,slope_low,slope_high,intercept,mk_s,mk_z,p_value,trend
036023,registry.average_wait,2009,2024,16,12.1,8.9,-26.4,-2.0,-0.2125,-0.3,-0.1,440,-60,-2.9,0.0104,improving
022205,registry.average_wait,2009,2024,16,6.4,6.5,1.5,0.1,0.0149,-0.05,0.08,-24,8,0.4,0.4,stable
""",
    "composite_ranks": """\
organization,period,value,rank,median_rank,rank_p05,rank_p95,mean_rank,runs,composite
021008,2024,62.04,2,2,1,3,2.1,200,registry.index
022205,2024,65.0154,1,1,1,2,1.2,200,registry.index
036023,2024,35.225,3,3,3,3,3.0,200,registry.index
""",
    "dea_scores": """\
organization,efficiency,score,status,peers,n_peers,lambda_sum,service,period
021008,1.0,1.0,efficient,021008,1,1.0,registry,2024
022205,0.763792,0.763792,inefficient,021008;036023,2,1.0,registry,2024
036023,1.0,1.0,efficient,036023,1,1.0,registry,2024
021008,0.8,0.8,inefficient,036023,1,1.0,libraries,2024
""",
}

#: English words and codes that must not reach an Italian or German reader.
ENGLISH = {"registry", "rank", "best", "value", "compared", "local", "indicator", "trend",
           "improving", "stable", "efficient", "inefficient", "medium", "metropolitan",
           "too", "few", "the", "and", "of", "per", "minutes", "city"}  # fmt: skip
CODE = re.compile(r"\b[a-z][a-z0-9]*(?:[_.][a-z0-9]+)+\b")


def write(folder: Path, tables: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in tables.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder


def context(results: Path, catalog, lang: str = "it") -> SiteContext:
    return SiteContext(
        results=Results(results),
        catalog=catalog,
        lang=lang,
        organizations=(MODENA, TRENTO, BOLZANO, MILANO),
    )


def render(ctx: SiteContext) -> dict[str, str]:
    """Every page of the service kind: path -> the page's HTML document."""
    renderer = PageRenderer(ctx, (ctx.lang,), [("service", "Servizi", "servizi/index.html")])
    return {
        p.path: renderer.render(attrs.evolve(p, kind="service")) for p in SERVICE_KIND.build(ctx)
    }


def visible(page: str) -> str:
    """The text a reader sees, white space made single."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.DOTALL)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def article(page: str, anchor: str) -> str:
    """The visible text of one indicator's article."""
    found = re.search(rf'<article id="{re.escape(anchor)}".*?</article>', page, re.DOTALL)
    assert found, anchor
    return visible(found.group(0))


def table_rows(page: str, anchor: str) -> list[str]:
    """The visible text of each body row of an article's first table."""
    found = re.search(rf'<article id="{re.escape(anchor)}".*?</article>', page, re.DOTALL)
    assert found, anchor
    body = re.search(r"<tbody>(.*?)</tbody>", found.group(0), re.DOTALL).group(1)
    return [visible(r) for r in re.findall(r"<tr>(.*?)</tr>", body, re.DOTALL)]


@pytest.fixture
def results(tmp_path: Path) -> Path:
    return write(tmp_path / "results", TABLES)


@pytest.fixture
def pages(results, catalog) -> dict[str, str]:
    return render(context(results, catalog))


def test_ranks_and_best_are_those_of_the_table(pages):
    page = pages["servizi/registry.html"]
    rows = table_rows(page, "registry-average_wait")
    # 2024 rows, by group (città con più di... < città fino a...) then rank: the table's ranks
    assert rows == [
        "Milano città con più di 500.000 abitanti 8,36 – troppo pochi enti con un valore per un confronto",
        "Trento città fino a 500.000 abitanti 6,50 1 su 3 migliore del gruppo",
        "Bolzano città fino a 500.000 abitanti 7,00 2 su 3",
        "Modena città fino a 500.000 abitanti 8,90 3 su 3",
    ]
    text = article(page, "registry-average_wait")
    assert "Migliore nel 2024: Trento (città fino a 500.000 abitanti)." in text
    assert "Polarità: più basso è meglio" in text
    assert "Valore (minuti)" in text  # the unit in the header, numbers in the cells
    assert "9,50" not in text.split("Andamento")[0]  # the 2023 value is not the latest


def test_the_chart_marks_the_best_in_words_and_has_a_text_alternative(pages):
    page = pages["servizi/registry.html"]
    found = re.search(r'<article id="registry-average_wait".*?</article>', page, re.DOTALL)
    svgs = re.findall(r"<svg\b.*?</svg>", found.group(0), re.DOTALL)
    assert len(svgs) == 2  # the bar chart of 2024 and the line chart of the years
    bar, line = svgs
    assert 'role="img"' in bar
    assert "6,50 – migliore" in bar
    assert re.findall(r"<text[^>]*>([^<]*migliore)</text>", bar) == ["6,50 – migliore"]
    assert "<title" in bar
    assert "<desc" in bar
    # the line chart: Trento's 2022 value is missing, said in the description
    assert "Dato mancante: Trento 2022." in line


def test_a_one_city_indicator_is_listed_apart_and_never_best(pages, results, catalog):
    page = pages["servizi/registry.html"]
    text = article(page, "bolzano-registry-chosen_language_share")
    assert "Motivo: indicatore locale: misurato da un solo ente, senza confronto" in text
    assert "migliore" not in text.lower()
    assert "1 su 1" not in text
    apart = page.split('id="non-confrontabili"')[1].split("</section>")[0]
    assert "bolzano-registry-chosen_language_share" in apart
    compared = page.split('id="indicatori"')[1].split("</section>")[0]
    assert "bolzano-registry-chosen_language_share" not in compared
    # the view itself: is_best=True in the table, yet no best and no rank
    ctx = context(results, catalog)
    bench = ctx.results.table("indicator_benchmark")
    local = bench.loc[bench["indicator"] == "bolzano.registry.chosen_language_share"]
    view = comparison_view(ctx, catalog.indicators["bolzano.registry.chosen_language_share"], local)
    assert view["comparable"] is False
    assert view["best"] == []
    assert [r["rank"] for r in view["rows"]] == [""]


def test_all_equal_values_name_nobody_best(pages):
    text = article(pages["servizi/registry.html"], "registry-online_certificates_share")
    assert "Tutti gli enti hanno lo stesso valore: nessun migliore." in text
    assert "migliore del gruppo" not in text
    assert "40,0%" in text  # 40.0 %, Italian decimal comma


def test_trends_in_words_with_significance(pages):
    text = article(pages["servizi/registry.html"], "registry-average_wait")
    # Modena: p 0.0104 < 0.05, improving; slope -0.2125 minutes a year -> -0,21
    assert (
        "Modena 2009–2024 in miglioramento statisticamente significativa (p = 0,010) -0,21" in text
    )
    # Trento: p 0.4, stable; slope 0.0149 -> +0,01
    assert "Trento 2009–2024 stabile non significativa (p = 0,400) +0,01" in text


def test_composite_and_dea(pages):
    page = pages["servizi/registry.html"]
    text = visible(page.split('id="indici"')[1].split("</section>")[0])
    # composite_ranks: Trento 65.0154 rank 1 (runs: 1-2), Bolzano 62.04 rank 2 (1-3)
    assert "Trento 65,0 1 su 3 1–2" in text
    assert "Bolzano 62,0 2 su 3 1–3" in text
    assert "Modena 35,2 3 su 3 3" in text
    dea = visible(page.split('id="dea"')[1].split("</section>")[0])
    # registry only (the libraries row is another service's): 0.763792 -> 76,4%
    assert "Trento 76,4% non efficiente Bolzano e Modena" in dea
    assert "Bolzano 100,0% efficiente" in dea
    assert "80,0%" not in dea


def test_dea_scores_of_sub_services_are_never_pooled(results, catalog):
    # before: registry and registry.civil_status rows made one ranking on the registry's page
    extra = (
        "021008,0.5,0.5,inefficient,022205,1,1.0,registry.civil_status,2024\n"
        "022205,1.0,1.0,efficient,022205,1,1.0,registry.civil_status,2024\n"
    )
    with (results / "dea_scores.csv").open("a", encoding="utf-8") as handle:
        handle.write(extra)
    page = render(context(results, catalog))["servizi/registry.html"]
    section = page.split('id="dea"')[1].split("</section>")[0]
    captions = [visible(c) for c in re.findall(r"<caption>(.*?)</caption>", section)]
    registry = "Servizi demografici - Anagrafe"
    assert captions == [
        f"Efficienza relativa nel 2024 – {registry}",
        "Efficienza relativa nel 2024 – Stato civile",
    ]
    tables = [visible(t) for t in re.findall(r"<tbody>(.*?)</tbody>", section, re.DOTALL)]
    assert "Bolzano 100,0% efficiente" in tables[0]  # registry: Bolzano efficient
    assert "Bolzano 50,0% non efficiente Trento" in tables[1]  # civil status: its own DEA
    assert "Modena" not in tables[1]


def test_the_index_lists_services_with_results(pages):
    assert "servizi/registry.html" in pages
    assert "servizi/libraries.html" in pages  # its DEA row is a result
    assert "servizi/nurseries.html" not in pages
    text = visible(pages["servizi/index.html"])
    assert "2 indicatori a confronto" in text
    assert "1 indicatore locale o non confrontabile" in text
    assert 'href="registry.html"' in pages["servizi/index.html"]


def shuffled_tables(rnd: random.Random) -> dict[str, str]:
    """The tables with their rows (not the header) in another order."""
    out = {}
    for name, text in TABLES.items():
        header, *rows = text.splitlines()
        rnd.shuffle(rows)
        out[name] = "\n".join([header, *rows]) + "\n"
    return out


def test_reversed_rows_give_the_same_page(tmp_path, catalog):
    reference = render(context(write(tmp_path / "a", TABLES), catalog))
    reverse = {}
    for name, text in TABLES.items():
        header, *rows = text.splitlines()
        reverse[name] = "\n".join([header, *reversed(rows)]) + "\n"
    assert render(context(write(tmp_path / "b", reverse), catalog)) == reference


@pytest.mark.slow
def test_row_order_of_the_input_is_irrelevant(catalog):
    with tempfile.TemporaryDirectory() as d:
        reference = render(context(write(Path(d, "a"), TABLES), catalog))

    @settings(max_examples=10)
    @given(st.randoms(use_true_random=False))
    def check(rnd: random.Random) -> None:
        with tempfile.TemporaryDirectory() as d:
            pages = render(context(write(Path(d, "b"), shuffled_tables(rnd)), catalog))
        assert pages == reference

    check()


@pytest.mark.parametrize("missing", [*TABLES, "all"])
def test_missing_tables_are_tolerated(tmp_path, catalog, missing):
    tables = {} if missing == "all" else {k: v for k, v in TABLES.items() if k != missing}
    pages = render(context(write(tmp_path / "r", tables), catalog))
    assert "servizi/index.html" in pages
    if missing == "all":
        assert list(pages) == ["servizi/index.html"]
        assert "Nei risultati non ci sono indicatori dei servizi." in visible(
            pages["servizi/index.html"]
        )
    elif missing == "indicator_benchmark":
        page = visible(pages["servizi/registry.html"])
        assert "Indicatori a confronto" not in page
        assert "Indici sintetici" in page


def test_benchmark_without_comparison_column_ranks_by_the_rank_column(tmp_path, catalog):
    text = TABLES["indicator_benchmark"]
    header, *rows = text.splitlines()
    cut = [",".join(r.split(",")[:-1]) for r in [header, *rows]]
    tables = {"indicator_benchmark": "\n".join(cut) + "\n"}
    ctx = context(write(tmp_path / "r", tables), catalog)
    view = service_view(ctx, "registry")
    ids = [i["id"] for i in view["compared"]]
    assert "registry-average_wait" in ids
    # no comparison column: the local row has a rank and is_best, but no column says local;
    # the catalog still knows it is Bolzano's own indicator only through the table: ranked
    wait = next(i for i in view["compared"] if i["id"] == "registry-average_wait")
    assert [r["rank"] for r in wait["view"]["rows"]][:2] == ["–", "1 su 3"]


@pytest.mark.parametrize("lang", ["it", "de"])
def test_no_english_word_or_code_on_the_page(results, catalog, lang):
    pages = render(context(results, catalog, lang))
    for path, page in pages.items():
        body = page.split('<main id="main-content"')[1]
        text = visible(body)
        # "per" is Italian too (and German pages show Italian until the catalogs have it)
        words = {w for w in re.findall(r"[^\W\d_]+", text) if w.lower() in ENGLISH - {"per"}}
        assert not words, (path, words)
        assert not CODE.findall(text), (path, CODE.findall(text))


def test_german_numbers_and_words(results, catalog):
    page = render(context(results, catalog, "de"))["servizi/registry.html"]
    text = article(page, "registry-average_wait")
    assert "8,90" in text
    assert "Bozen" in text  # the city's German name


def test_peer_group_names(catalog, results):
    ctx = context(results, catalog)
    assert peer_group_name(ctx, "medium") == "città fino a 500.000 abitanti"
    assert peer_group_name(ctx, float("nan")) == ""


@pytest.mark.slow
def test_the_built_site_s_service_pages_pass_the_site_checks(results, catalog, tmp_path):
    from qualitapa.site import build_site
    from qualitapa.site._check import check_site

    site = build_site(results, tmp_path / "site", catalog=catalog, languages=("it", "de"))
    built = {(lang, path) for lang, path, kind in site.pages if kind == "service"}
    assert ("it", "servizi/registry.html") in built
    assert ("de", "servizi/index.html") in built
    problems = check_site(tmp_path / "site")
    own = problems.loc[problems["source"].astype(str).str.contains("servizi/")]
    assert own.empty, own.to_string()


def test_each_indicator_links_its_definition_when_the_methodology_is_built(
    results, catalog, tmp_path
):
    # the link goes to the indicator's anchor on metodologia/indicatori.html, and the
    # anchor is there (an unresolved fragment is a check_site problem)
    from qualitapa.site import build_site
    from qualitapa.site._check import check_site

    site = build_site(results, tmp_path / "site", catalog=catalog, languages=("it",))
    page = (tmp_path / "site" / "servizi" / "registry.html").read_text(encoding="utf-8")
    links = re.findall(r'<a href="\.\./metodologia/indicatori\.html#(ind-[^"]+)">', page)
    assert links, "no link to the indicators' definitions"
    target = (tmp_path / "site" / "metodologia" / "indicatori.html").read_text(encoding="utf-8")
    for anchor in links:
        assert f'id="{anchor}"' in target, anchor
    assert ("it", "metodologia/indicatori.html") in {(lang, p) for lang, p, _ in site.pages}
    problems = check_site(tmp_path / "site")
    assert problems.loc[problems["source"].astype(str).str.contains("servizi/")].empty


def test_a_one_city_site_ranks_the_composite_among_every_city(results, catalog):
    # composite_ranks has Trento, Bolzano and Modena: a site about Modena alone still says
    # "3 su 3" (it said "3 su 1": n counted the site's cities only)
    ctx = SiteContext(results=Results(results), catalog=catalog, lang="it",
                      organizations=(MODENA,))  # fmt: skip
    page = render(ctx)["servizi/registry.html"]
    text = visible(page.split('id="indici"')[1].split("</section>")[0])
    assert "Modena 35,2 3 su 3" in text
    assert "su 1" not in text


def test_the_simulated_positions_are_rounded_outward(tmp_path, catalog):
    # rank_p05 5.0 and rank_p95 6.8 are positions 5 to 7 (int() said 5-6, hiding the 7th)
    write(tmp_path, {"composite_ranks": (
        "organization,period,value,rank,median_rank,rank_p05,rank_p95,mean_rank,runs,composite\n"
        f"{MODENA},2024,35.2,6,6,5.0,6.8,6.1,200,registry.index\n"
        f"{TRENTO},2024,65.0,1,1,1.2,1.9,1.4,200,registry.index\n")})  # fmt: skip
    page = render(context(tmp_path, catalog))["servizi/registry.html"]
    text = visible(page.split('id="indici"')[1].split("</section>")[0])
    assert "6 su 2 5–7" in text
    assert "1 su 2 1–2" in text
