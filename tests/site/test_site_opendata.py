"""The open data page of the portal: the data package, its schemas and its files (issue 21).

The package is written by :func:`qualitapa.reporting.write_datapackage` (as the demo
does) into ``opendata/`` of a small results folder; the site copies its files and
describes each resource's fields from its Table Schema.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from qualitapa.catalog import Catalog
from qualitapa.errors import DataError
from qualitapa.reporting import write_datapackage
from qualitapa.site._build import build_site
from qualitapa.site._context import Results, SiteContext
from qualitapa.site._home import HOME
from qualitapa.site._methodology import METHODOLOGY
from qualitapa.site._opendata import FIELD_WORDS, OPENDATA, build_opendata, opendata_context
from qualitapa.site._render import PageRenderer
from qualitapa.site._search import SEARCH

PAGE = "dati-aperti/index.html"
#: Table Schema types -> the words the Italian page says (hand-written, not the module's table).
TYPE_WORDS = {"string": "testo", "number": "numero", "integer": "numero intero",
              "boolean": "sì/no", "date": "data"}  # fmt: skip


def visible_text(page: str) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.DOTALL)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


@pytest.fixture
def package(results_dir: Path) -> Path:
    """``opendata/`` of the results folder: two of its tables and a table of another kind."""
    values = pd.read_csv(results_dir / "indicator_values.csv", dtype={"organization": str})
    caf = pd.read_csv(results_dir / "caf_scores.csv", dtype={"id": str})
    other = pd.DataFrame({"organization": ["036023"], "day": pd.to_datetime(["2024-01-31"]),
                          "misura_locale": [1.5], "ok": [True]})  # fmt: skip
    folder = results_dir / "opendata"
    write_datapackage({"indicator_values": values, "caf_scores": caf, "extra_table": other},
                      folder, name="qclub-test", title="Benchmarking di prova",
                      description="Dati di prova del portale.",
                      fields={"extra_table": {"misura_locale": {"description": "A local measure"}}},
                      primary_keys={"indicator_values": ["organization", "period",
                                                         "indicator"]})  # fmt: skip
    return folder


def render(ctx: SiteContext) -> str:
    page = next(iter(build_opendata(ctx)))
    return PageRenderer(ctx, ("it", "de", "en"), []).render(page)


def context(results_dir: Path, catalog: Catalog, lang: str = "it") -> SiteContext:
    return SiteContext(results=Results(results_dir), catalog=catalog,
                       organizations=("036023", "022205", "021008"), lang=lang)  # fmt: skip


def resource_section(page: str, n: int) -> str:
    start = page.index(f'id="risorsa-{n}"')
    end = page.find("<section", start + 1)
    return page[start : end if end > 0 else len(page)]


def test_each_resource_lists_its_fields_from_its_schema(
    results_dir: Path, package: Path, catalog: Catalog
) -> None:
    page = render(context(results_dir, catalog))
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    assert len(descriptor["resources"]) == 3
    for n, res in enumerate(descriptor["resources"], start=1):
        section = resource_section(page, n)
        rows = re.findall(r"<tr><th scope=\"row\"><code>(.*?)</code></th><td>(.*?)</td>"
                          r"<td>(.*?)</td></tr>", section)  # fmt: skip
        fields = res["schema"]["fields"]
        # every field, in the schema's order, with its type in words
        assert [r[0] for r in rows] == [f["name"] for f in fields]
        assert [html.unescape(r[1]) for r in rows] == [TYPE_WORDS[f["type"]] for f in fields]
        assert f"Scarica {res['path']}" in section
    # the Italian descriptions of known columns; an unknown column's English one is not shown
    values = resource_section(page, 1)
    assert "<td>Codice ente</td>" in values
    assert "<td>Codice indicatore</td>" in values
    assert "Chiave primaria" in values
    extra = resource_section(page, 3)
    assert "A local measure" not in extra
    assert "<code>misura_locale</code></th><td>numero</td><td>–</td>" in extra


def test_the_english_page_shows_the_package_english_descriptions(
    results_dir: Path, package: Path, catalog: Catalog
) -> None:
    page = render(context(results_dir, catalog, "en"))
    assert "A local measure" in resource_section(page, 3)


def test_the_package_words_and_licence_in_italian(
    results_dir: Path, package: Path, catalog: Catalog
) -> None:
    text = visible_text(render(context(results_dir, catalog)))
    assert "Benchmarking di prova" in text
    assert "Dati di prova del portale." in text
    # write_datapackage's default licence CC-BY-4.0, by its Italian name
    assert "Creative Commons Attribuzione 4.0 Internazionale (CC-BY-4.0)" in text
    assert "Attribution" not in text
    assert "Valori degli indicatori" in text
    assert "Punteggi dell'autovalutazione CAF" in text
    # a table qualitapa does not know keeps its file name as title
    assert "extra_table.csv" in text
    assert not re.search(r"https?://", render(context(results_dir, catalog)))


def test_the_downloaded_files_are_byte_identical_and_linked(
    results_dir: Path, package: Path, catalog: Catalog, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    # only the kinds of this test (and the home page): the other kinds are others' tests
    monkeypatch.setattr("qualitapa.site._registry.BUILTIN", [HOME, METHODOLOGY, OPENDATA, SEARCH])
    site = build_site(results_dir, tmp_path / "site", catalog=catalog, languages=("it", "de"))
    names = ["datapackage.json", "indicator_values.csv", "caf_scores.csv", "extra_table.csv"]
    for root in (site.out, site.out / "de"):
        page = (root / PAGE).read_text(encoding="utf-8")
        for name in names:
            copy = root / "dati-aperti" / name
            assert copy.read_bytes() == (package / name).read_bytes(), copy
            assert f'href="{name}" download' in page  # relative to dati-aperti/index.html
    manifest = json.loads((site.out / "qualitapa-site.json").read_text(encoding="utf-8"))
    assert "de/dati-aperti/caf_scores.csv" in manifest["files"]


@pytest.mark.parametrize(
    "path", ["../secret.csv", "/etc/passwd", "https://example.org/x.csv", "missing.csv",
             "sub/../../secret.csv", ["a.csv", "b.csv"], "link.csv"],
)  # fmt: skip
def test_a_resource_outside_the_package_is_neither_copied_nor_linked(
    results_dir: Path, package: Path, catalog: Catalog, path: object
) -> None:
    (results_dir / "secret.csv").write_text("password\nx\n")
    (package / "link.csv").symlink_to(results_dir / "secret.csv")  # a link out of the package
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"][1]["path"] = path
    (package / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    ctx = context(results_dir, catalog)
    page = render(ctx)
    assert all(Path(src).resolve().is_relative_to(package.resolve()) for src in ctx.files.values())
    assert sorted(ctx.files) == ["dati-aperti/datapackage.json", "dati-aperti/extra_table.csv",
                                 "dati-aperti/indicator_values.csv"]  # fmt: skip
    section = resource_section(page, 2)
    assert "Scarica" not in section
    assert "non si può scaricare" in section


def test_no_package_no_page_and_a_broken_one_is_an_error(
    results_dir: Path, catalog: Catalog
) -> None:
    ctx = context(results_dir, catalog)
    assert list(build_opendata(ctx)) == []
    assert opendata_context(ctx) is None
    (results_dir / "opendata").mkdir()
    (results_dir / "opendata" / "datapackage.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(DataError, match=r"datapackage\.json.*not valid JSON"):
        list(build_opendata(ctx))
    (results_dir / "opendata" / "datapackage.json").write_text('{"name": "x"}', encoding="utf-8")
    with pytest.raises(DataError, match="resources"):
        list(build_opendata(ctx))


def test_every_column_of_the_demo_package_has_an_italian_description() -> None:
    # the columns qualitapa demo's data package has (its datapackage.json of 2026-12-02)
    demo = (  # noqa: SIM905 - the names as the descriptor lists them, one string
        "indicator indicator_label service service_label dimension unit scale polarity "
        "formula target description organization organization_name period value status "
        "peer_group rank percentile quartile z_score best_value best_performers is_best "
        "gap_to_best gap_to_median n comparison first_period last_period n_periods "
        "first_value last_value change_pct cagr_pct slope slope_low slope_high intercept mk_s "
        "mk_z p_value trend median_rank rank_p05 rank_p95 mean_rank runs composite "
        "composite_label efficiency score peers n_peers lambda_sum label n_eff index se "
        "ci_low ci_high weight weighting small_sample local instrument instrument_label "
        "question n_dont_know mean sd index_low index_high top_box top_box_low top_box_high "
        "bottom_box bottom_box_low bottom_box_high received answered answered_within_deadline "
        "share_within_deadline mean_answer_days median_answer_days p90_answer_days "
        "mean_answer_working_days median_answer_working_days p90_answer_working_days open "
        "backlog_0_15 backlog_16_30 backlog_31_60 backlog_61_90 backlog_over_90 overdue "
        "reopened reopening_rate forwarded share_forwarded rejected share_rejected population "
        "per_10000 received_rolling_3 received_change received_yoy standard standard_label "
        "replaces sub_dimension scope met margin n_deliveries n_missing n_within share_within "
        "required_share refunds_due refund_amount reason level id title_it title_en title_de "
        "points max_points n_subcriteria n_scored "
    ).split()
    assert sorted(set(demo) - set(FIELD_WORDS)) == []


def test_the_creation_day_is_the_day_in_italy(
    results_dir: Path, package: Path, catalog: Catalog
) -> None:
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    # 23:30 UTC on 31 December is 00:30 of 1 January in Rome (CET = UTC+1 in winter)
    descriptor["created"] = "2024-12-31T23:30:00Z"
    (package / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    assert "Data di creazione 01/01/2025" in re.sub(
        r"\s+", " ", visible_text(render(context(results_dir, catalog)))
    )
    assert "01.01.2025" in visible_text(render(context(results_dir, catalog, "de")))


#: English words that must not reach an Italian or German reader of the open data page.
ENGLISH = {"download", "file", "files", "field", "fields", "type", "string", "number",
           "integer", "boolean", "description", "licence", "license", "attribution",
           "resource", "resources", "package", "created", "primary", "key", "organization",
           "indicator", "value", "period", "the", "and", "of", "id"}  # fmt: skip
#: ... that are also words of the language ("file" in Italian, "Package" in German...).
ALSO = {"it": {"file"}, "de": {"file", "package", "indicator"}}


@pytest.mark.parametrize("lang", ["it", "de"])
def test_no_english_word_outside_the_column_names(
    results_dir: Path, package: Path, catalog: Catalog, lang: str
) -> None:
    page = render(context(results_dir, catalog, lang))
    main = page[page.index('<main id="main-content">') : page.index("</main>")]
    main = re.sub(r"<code>.*?</code>", " ", main)  # the CSV's column names are shown as code
    main = re.sub(r"\b[\w-]+\.(csv|json)\b", " ", main)  # and its file names
    words = {w.lower() for w in re.findall(r"[A-Za-zÀ-ÿ]+", visible_text(main))}
    assert not words & (ENGLISH - ALSO[lang])
