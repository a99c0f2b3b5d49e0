"""The quality programme's pages of the portal (issue 21, site/_programme.py).

The fixture writes a small results folder by hand: Modena (036023) has a
programme (its sheets in ``programme/``, its computed tables, its annual
report rendered by qualitapa.programme from those sheets); Trento (022205)
has indicator data only. The figures below are computed by hand in comments.
"""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualitapa import programme as pg
from qualitapa.errors import DataError
from qualitapa.models import Text
from qualitapa.site._build import build_site
from qualitapa.site._check import check_site
from qualitapa.site._context import Results, SiteContext
from qualitapa.site._model import Page, PageKind, SiteSection
from qualitapa.site._programme import (
    PROGRAMME_KIND,
    _Words,
    city_section,
    home_section,
    programme_context,
    programme_organizations,
    programme_pages,
    report_body,
    results_part,
)
from qualitapa.site._registry import site_registry
from qualitapa.testing import catalog_with

MODENA, TRENTO = "036023", "022205"
PUBLIC_NAME, PRIVATE_NAME = "Anna Pubblica", "Marco Riservato"
PRIVATE_MAIL = "marco.riservato@example.org"


@pytest.fixture(scope="module")
def catalog():  # the Q-Club's cities and the registry's indicators (1-2 s, once)
    return catalog_with(installed=["qclub", "registry"])


def _csv(path: Path, rows: list[dict[str, object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_csv(path, index=False)


def _sheets(folder: Path) -> None:
    """Modena's programme sheets: two departments, three people, one plan of two activities."""
    org = {"organization": MODENA}
    _csv(folder / "departments.csv", [
        {**org, "department": "UQ", "name_it": "Ufficio qualità", "name_de": "Qualitätsbüro",
         "kind": "ufficio"},
        {**org, "department": "S01", "name_it": "Servizi demografici",
         "name_de": "Meldeamt", "kind": "settore"},
    ])  # fmt: skip
    _csv(folder / "people.csv", [
        {"person": "P01", "name": PUBLIC_NAME, "email": "anna@example.org", "category": "D",
         "public": "sì"},
        {"person": "P02", "name": PRIVATE_NAME, "email": PRIVATE_MAIL, "category": "D",
         "public": ""},
        {"person": "P03", "name": "Luca Dirigente", "email": "luca@example.org",
         "category": "DIR", "public": "no"},
    ])  # fmt: skip
    _csv(folder / "roles.csv", [
        {**org, "department": "UQ", "person": "P01", "role": "coordinator", "start": "2022-01-10"},
        {**org, "department": "S01", "person": "P02", "role": "referent", "start": "2023-03-01"},
        {**org, "department": "S01", "person": "P03", "role": "head", "start": "2021-07-01"},
        # ended before 2024: not in the 2024 table
        {**org, "department": "S01", "person": "P01", "role": "referent", "start": "2020-01-01",
         "end": "2022-12-31"},
    ])  # fmt: skip
    _csv(folder / "plans.csv", [
        {**org, "year": 2024, "version": 1, "resolution": "87/2024",
         "approved_on": "2024-02-27", "status": "superseded"},
        {**org, "year": 2024, "version": 2, "resolution": "412/2024",
         "approved_on": "2024-07-16", "status": "approved"},
    ])  # fmt: skip
    act = {**org, "year": 2024, "owner": "P02", "objective": "PEG-1"}
    _csv(folder / "activities.csv", [
        {**act, "activity": "A01", "type": "indicators", "department": "S01",
         "title_it": "Misurazione dei tempi di attesa", "title_de": "Messung der Wartezeiten",
         "planned_start": "2024-01-15", "planned_end": "2024-12-31",
         "expected_kind": "indicator", "expected_id": "registry.average_wait",
         "expected_operator": "<=", "expected_value": 10},
        {**act, "activity": "A02", "type": "survey", "department": "UQ", "owner": "P01",
         "title_it": "Indagine agli sportelli", "title_de": "Umfrage an den Schaltern",
         "planned_start": "2024-02-01", "planned_end": "2024-06-30"},
    ])  # fmt: skip
    _csv(folder / "activity_status.csv", [
        {**org, "year": 2024, "activity": "A01", "at": "2024-12-20", "status": "done",
         "progress": 1, "by": "P02"},
    ])  # fmt: skip
    _csv(folder / "certifications.csv", [
        {**org, "certificate": "PL-9001", "department": "S01", "service": "Anagrafe",
         "standard": "ISO 9001:2015", "body": "Ente Esempio", "number": "X-1",
         "first_issued": "2004-03-16", "issued": "2022-03-16", "expires": "2025-03-15",
         "status": "valid"},
    ])  # fmt: skip


def _tables(out: Path) -> None:
    """The computed tables of Modena's 2024 programme, and Trento's complaints."""
    base = {"organization": MODENA, "year": 2024}
    _csv(out / "complaint_kpis.csv", [{"organization": MODENA, "received": 10},
                                      {"organization": TRENTO, "received": 7}])  # fmt: skip
    result = {**base, "period": 2024, "unit": "minutes", "polarity": "lower_is_better",
              "type": "indicators", "expected_kind": "indicator",
              "expected_id": "registry.average_wait", "operator": "<="}  # fmt: skip
    _csv(out / "programme_results.csv", [
        # <= 10 minutes, 8.5 obtained: met, gap = expected - obtained = 10 - 8.5 = +1.5
        {**result, "activity": "A01", "department": "S01", "expected": 10.0, "obtained": 8.5,
         "outcome": "met", "gap": 1.5},
        # <= 5 minutes, 8.5 obtained: not met, gap = 5 - 8.5 = -3.5
        {**result, "activity": "A01", "department": "S01", "expected": 5.0, "obtained": 8.5,
         "outcome": "not_met", "gap": -3.5},
        {**result, "activity": "A02", "department": "UQ", "expected": 5.0, "obtained": None,
         "outcome": "no_data", "gap": None},
    ])  # fmt: skip
    hours = {**base, "level": "department"}
    _csv(out / "training_hours.csv", [
        # S01: 120 h / 20 employees = 6.0 h each; 10 of 20 trained = 50.0%
        {**hours, "department": "S01", "hours": 120.0, "people_trained": 10, "employees": 20.0,
         "hours_per_employee": 6.0, "share_trained": 0.5},
        # UQ: 30 h / 8 employees = 3.75 -> "3,8"; 2 of 8 = 25.0%
        {**hours, "department": "UQ", "hours": 30.0, "people_trained": 2, "employees": 8.0,
         "hours_per_employee": 3.75, "share_trained": 0.25},
        # total: 150 h / 28 = 5.357 -> "5,4"; 12 of 28 = 42.857% -> "42,9%"
        {**base, "level": "organization", "department": None, "hours": 150.0,
         "people_trained": 12, "employees": 28.0, "hours_per_employee": 150 / 28,
         "share_trained": 12 / 28},
    ])  # fmt: skip
    need = {**base, "department": "S01", "audience": "staff", "priority": "high",
            "people_needed": 10, "hours_per_person": 4.0}  # fmt: skip
    _csv(out / "training_needs.csv", [
        # 40 h needed (10 people x 4 h), 40 delivered: 100%, met
        {**need, "topic": "reclami", "hours_needed": 40.0, "people_trained": 10,
         "hours_delivered": 40.0, "coverage": 1.0, "status": "met"},
        # 40 h needed, 10 delivered: 10/40 = 25%, partial
        {**need, "topic": "carta_servizi", "hours_needed": 40.0, "people_trained": 2,
         "hours_delivered": 10.0, "coverage": 0.25, "status": "partial"},
    ])  # fmt: skip
    _csv(out / "certification_alerts.csv", [
        # 15/03/2025 is 31 + 28 + 15 = 74 days after 31/12/2024
        {"organization": MODENA, "certificate": "PL-9001", "department": "S01",
         "service": "Anagrafe", "standard": "ISO 9001:2015", "kind": "expiring", "severity": 5,
         "date": "2025-03-15", "days_left": 74, "owner": "P02"},
    ])  # fmt: skip
    _csv(out / "practice_suggestions.csv", [
        {"organization": MODENA, "period": 2024, "indicator": "registry.average_wait",
         "value": 8.5, "rank": 5, "n": 5, "gap_to_best": -2.56, "spread": 2.56,
         "relative_gap": 1.0, "practice_organization": "022205", "practice": "BP-TN-01",
         "practice_rank": 1, "practice_value": 5.94, "service": "Anagrafe",
         "title_it": "Chiamata allo sportello con avviso via SMS",
         "title_de": "Aufruf am Schalter per SMS", "title_en": "Counter call by text message",
         "since": 2018, "contact": "QC-TN1", "documents": "https://example.org/bp.pdf"},
    ])  # fmt: skip


def _report(out: Path) -> None:
    """The annual report as ``qualitapa programme report`` writes it (names in it)."""
    sheets = {name: pg.read_sheet(path, name) for name in pg.sheet_names()
              if (path := out / "programme" / f"{name}.csv").is_file()}  # fmt: skip
    pg.write_annual_report(out / "relazione-qualita-2024.html", sheets, organization=MODENA,
                           year=2024)  # fmt: skip


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The results folder (read only: a test that changes it works on a copy)."""
    out = tmp_path_factory.mktemp("programme") / "results"
    _sheets(out / "programme")
    _tables(out)
    _report(out)
    return out


def _ctx(results: Path, catalog, *, lang: str = "it", members: bool = False) -> SiteContext:
    return SiteContext(results=Results(results), catalog=catalog, organizations=(MODENA, TRENTO),
                       lang=lang, period=2024, members=members)  # fmt: skip


def _text(page_html: str) -> str:
    """The visible text of a page, one space between words."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page_html)).split())


# -- which cities ---------------------------------------------------------------------------


def test_only_the_cities_with_a_programme_get_a_page(results, catalog):
    ctx = _ctx(results, catalog)
    assert programme_organizations(ctx) == [MODENA]
    paths = [p.path for p in programme_pages(ctx)]
    assert paths == ["programma/modena.html", "programma/modena/relazione-qualita-2024.html"]
    assert city_section(ctx, TRENTO) is None
    assert city_section(ctx, MODENA)["path"] == "programma/modena.html"
    assert home_section(ctx, "") == {"cities": [{"city": "Modena",
                                                  "path": "programma/modena.html"}]}  # fmt: skip


def test_no_programme_no_page_no_section(tmp_path, catalog):
    """Without programme sheets or tables (the Q-Club's practices alone are no programme)."""
    out = tmp_path / "results"
    _csv(out / "complaint_kpis.csv", [{"organization": MODENA, "received": 3}])
    ctx = _ctx(out, catalog)
    assert list(programme_pages(ctx)) == []
    assert city_section(ctx, MODENA) is None
    assert home_section(ctx, "") is None


@pytest.mark.slow
def test_sheets_from_the_catalog_without_a_programme_folder(tmp_path):
    """The demo's way: the plugins' datasets of kind "programme" (Modena's 2024 plan)."""
    out = tmp_path / "results"
    _csv(out / "complaint_kpis.csv", [{"organization": MODENA, "received": 3}])
    with_modena = catalog_with(installed=["qclub", "registry", "modena"])
    ctx = _ctx(out, with_modena)
    assert programme_organizations(ctx) == [MODENA]
    plan = programme_context(ctx, MODENA)["plan"]
    # the plugin's activities.csv has 25 activities of 2024 (docs/programme.md says so)
    assert len(plan["activities"]) == 25
    assert plan["approved"]["resolution"] == "412/2024"
    assert plan["results"] == []  # no programme_results.csv in these results


# -- the figures, as the tables say ---------------------------------------------------------


def test_plan_and_results_in_words(results, catalog):
    plan = programme_context(_ctx(results, catalog), MODENA)["plan"]
    # version 2 is the approved one (version 1 superseded)
    assert plan["approved"] == {"version": "2", "resolution": "412/2024", "day": "16/07/2024"}
    assert [a["title"] for a in plan["activities"]] == [
        "Misurazione dei tempi di attesa", "Indagine agli sportelli"]  # fmt: skip
    assert plan["activities"][0]["department"] == "Servizi demografici"
    assert plan["activities"][0]["end"] == "31/12/2024"
    # 3 expected results: 1 met, 1 not met, 1 without data
    assert plan["counts"] == {"n": "3", "met": "1", "not_met": "1", "no_data": "1"}
    first, second = plan["results"][:2]
    assert (first["expected"], first["obtained"], first["gap"]) == (
        "al massimo 10,0 minuti", "8,50 minuti", "+1,50")  # fmt: skip
    assert (second["outcome"], second["gap"]) == ("non raggiunto", "-3,50")


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    cases=st.lists(
        st.tuples(st.floats(1, 60, allow_nan=False), st.one_of(st.none(), st.floats(0, 60))),
        min_size=1,
        max_size=8,
    ),
    seed=st.integers(0, 2**16),
)
def test_counts_and_gaps_follow_the_table(tmp_path, catalog, cases, seed):
    """Met + not met + no data = the rows; a gap's sign says met; row order is irrelevant."""
    rows = []
    for i, (expected, obtained) in enumerate(cases):
        # a target "at most": met when obtained <= expected; gap = expected - obtained
        outcome = "no_data" if obtained is None else ("met" if obtained <= expected else "not_met")
        gap = None if obtained is None else expected - obtained
        rows.append({"organization": MODENA, "year": 2024, "activity": f"A{i}",
                     "department": "S01", "expected_kind": "indicator",
                     "expected_id": "registry.average_wait", "operator": "<=",
                     "expected": expected, "obtained": obtained, "unit": "minutes",
                     "outcome": outcome, "gap": gap})  # fmt: skip
    table = pd.DataFrame(rows).astype({"obtained": float, "gap": float})
    words = _Words(_ctx(tmp_path, catalog), {}, MODENA, 2024)
    part = results_part(words, table, pd.DataFrame())
    shuffled = results_part(words, table.sample(frac=1, random_state=seed), pd.DataFrame())
    assert shuffled["counts"] == part["counts"]
    outcomes = [r["outcome"] for r in rows]
    assert part["counts"] == {k: str(outcomes.count(k)) for k in ("met", "not_met", "no_data")} | {
        "n": str(len(rows))}  # fmt: skip
    for row, said in zip(rows, part["results"], strict=True):
        if row["gap"] is not None and row["gap"] != 0:
            assert said["gap"].startswith("+" if row["gap"] > 0 else "-")
            assert (said["outcome"] == "raggiunto") == (row["outcome"] == "met")


def test_training_figures(results, catalog):
    training = programme_context(_ctx(results, catalog), MODENA)["training"]
    s01, uq = training["hours"]
    assert (s01["department"], s01["per_employee"], s01["share"]) == (
        "Servizi demografici", "6,0", "50,0%")  # fmt: skip
    assert (uq["per_employee"], uq["share"]) == ("3,8", "25,0%")  # 30/8 = 3.75; 2/8
    total = training["total"]
    # 150 h, 28 employees: 150/28 = 5.357 -> 5,4; 12/28 = 42.86% -> 42,9%
    assert (total["hours"], total["employees"], total["per_employee"], total["share"]) == (
        "150", "28", "5,4", "42,9%")  # fmt: skip
    assert training["needs_met"] == {"met": "1", "n": "2"}
    assert [n["coverage"] for n in training["needs"]] == ["100%", "25%"]  # 40/40, 10/40


def test_certified_services_and_alerts(results, catalog):
    certified = programme_context(_ctx(results, catalog), MODENA)["certified"]
    (cert,) = certified["certificates"]
    assert (cert["service"], cert["standard"], cert["body"], cert["expires"], cert["status"]) == (
        "Anagrafe", "ISO 9001:2015", "Ente Esempio", "15/03/2025", "valido")  # fmt: skip
    (alert,) = certified["alerts"]
    assert (alert["date"], alert["when"]) == ("15/03/2025", "tra 74 giorni")


def test_practices_name_cities_and_units(results, catalog):
    (row,) = programme_context(_ctx(results, catalog), MODENA)["practices"]["rows"]
    assert (row["city"], row["rank"], row["value"], row["practice_value"]) == (
        "Trento", "5 su 5", "8,50 minuti", "5,94 minuti")  # fmt: skip


@pytest.mark.parametrize("version", ["due", "2.5", ""])
def test_an_approved_plan_s_version_that_is_not_a_whole_number_is_a_data_error(
    results, catalog, tmp_path, version
):
    # before: int(NaN) raised a ValueError with a traceback (or the first row was taken)
    copy = tmp_path / "results"
    shutil.copytree(results, copy)
    plans = pd.read_csv(copy / "programme" / "plans.csv", dtype=str, keep_default_na=False)
    plans.loc[1, "version"] = version
    plans.to_csv(copy / "programme" / "plans.csv", index=False)
    with pytest.raises(DataError, match="whole number") as info:
        programme_context(_ctx(copy, catalog), MODENA)
    assert (info.value.source, info.value.row, info.value.column) == ("plans.csv", 2, "version")


def test_a_practice_without_a_rank_says_so_and_a_bad_rank_is_a_data_error(
    results, catalog, tmp_path
):
    copy = tmp_path / "results"
    shutil.copytree(results, copy)
    table = pd.read_csv(copy / "practice_suggestions.csv", dtype=str, keep_default_na=False)
    table.loc[0, "rank"] = ""  # int(NaN) before
    table.to_csv(copy / "practice_suggestions.csv", index=False)
    (row,) = programme_context(_ctx(copy, catalog), MODENA)["practices"]["rows"]
    assert row["rank"] == "dato non disponibile"
    table.loc[0, "rank"] = "quinto"
    table.to_csv(copy / "practice_suggestions.csv", index=False)
    with pytest.raises(DataError, match="whole number") as info:
        programme_context(_ctx(copy, catalog), MODENA)
    assert (info.value.source, info.value.row, info.value.column) == (
        "practice_suggestions.csv", 1, "rank")  # fmt: skip


def test_german_words(results, catalog):
    context = programme_context(_ctx(results, catalog, lang="de"), MODENA)
    assert context["plan"]["activities"][0]["title"] == "Messung der Wartezeiten"
    assert context["plan"]["activities"][0]["department"] == "Meldeamt"
    assert context["plan"]["approved"]["day"] == "16.07.2024"
    assert context["certified"]["certificates"][0]["status"] == "gültig"


# -- personal data --------------------------------------------------------------------------


def test_names_only_when_public(results, catalog):
    referents = programme_context(_ctx(results, catalog), MODENA)["referents"]
    rows = [(r["department"], r["role"], r["name"]) for r in referents["rows"]]
    assert [(r["since"], r["until"]) for r in referents["rows"]][:2] == [
        ("10/01/2022", ""), ("01/03/2023", "")]  # fmt: skip
    assert rows == [  # departments in the sheet's order, coordinator/referent/head
        ("Ufficio qualità", "coordinamento", PUBLIC_NAME),
        ("Servizi demografici", "referente della qualità", ""),
        ("Servizi demografici", "dirigente", ""),
    ]
    assert referents["withheld"] == 2
    assert referents["names"]


def test_public_build_publishes_no_private_name(results, catalog, tmp_path):
    site = build_site(results, tmp_path / "site", catalog=catalog, languages=("it", "de"))
    texts = {f: (site.out / f).read_text(encoding="utf-8") for f in site.files
             if f.endswith((".html", ".json", ".js"))}  # fmt: skip
    for name, text in texts.items():
        assert PRIVATE_NAME not in text, name
        assert PRIVATE_MAIL not in text, name
        assert "Luca Dirigente" not in text, name
    page = _text(texts["programma/modena.html"])
    assert PUBLIC_NAME in page
    report = _text(texts["programma/modena/relazione-qualita-2024.html"])
    # the report names the referent by role and department instead
    assert "referente della qualità (Servizi demografici)" in report
    # in the report's language (Italian) on the German page too, marked as such
    german = texts["de/programma/modena/relazione-qualita-2024.html"]
    assert "referente della qualità (Servizi demografici)" in _text(german)
    assert '<div class="programme-report" lang="it">' in german
    # the German page says the report is in Italian, in German; the Italian page says nothing
    assert "in der die Körperschaft ihn verfasst hat: Italienisch." in _text(german)
    assert "nella lingua in cui" not in report
    assert PRIVATE_NAME in (results / "relazione-qualita-2024.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_programme_pages_pass_the_site_checks(results, catalog, tmp_path):
    site = build_site(results, tmp_path / "site", catalog=catalog, languages=("it", "de"))
    problems = check_site(site.out)  # links, HTML5, one <h1>, lang, text alternatives
    assert problems.empty, problems[["source", "value", "message"]].to_string()


def test_members_build_shows_the_report_as_written(results, catalog, tmp_path):
    site = build_site(results, tmp_path / "site", catalog=catalog, languages=("it",),
                      members=True)  # fmt: skip
    report = (site.out / "programma/modena/relazione-qualita-2024.html").read_text("utf-8")
    assert PRIVATE_NAME in report


def test_report_without_people_sheet_is_not_public(results, catalog, tmp_path):
    results = Path(shutil.copytree(results, tmp_path / "results"))
    (results / "programme" / "people.csv").unlink()
    ctx = _ctx(results, catalog)
    assert programme_context(ctx, MODENA)["report"] is None
    assert programme_context(_ctx(results, catalog, members=True), MODENA)["report"] is not None


def test_report_body_fits_the_layout():
    body, lang = report_body('<!DOCTYPE html><html lang="it"><head><title>x</title></head>'
                             '<body><header><h1>Relazione</h1></header><main><h2>Sintesi</h2>'
                             "</main></body></html>")  # fmt: skip
    assert lang == "it"
    assert "<h1" not in body
    assert "<main" not in body
    assert "<h2>Sintesi</h2>" in body


# -- the pages in the site ------------------------------------------------------------------


def test_page_menu_and_home_link(results, catalog, tmp_path):
    site = build_site(results, tmp_path / "site", catalog=catalog, languages=("it",))
    assert ("it", "programma/modena.html", "programme") in site.pages
    home = (site.out / "index.html").read_text(encoding="utf-8")
    assert 'href="programma/modena.html"' in home
    page = (site.out / "programma/modena.html").read_text(encoding="utf-8")
    text = _text(page)
    assert "Risultati attesi: 3; raggiunti: 1; non raggiunti: 1; senza dati: 1." in text
    assert "Formazione: 150 ore, 5,4 ore per dipendente; persone formate: 12 (42,9% dei " in text
    assert 'href="modena/relazione-qualita-2024.html"' in page
    assert page.count("<h1") == 1


def test_no_programme_no_menu_entry(tmp_path, catalog):
    out = tmp_path / "results"
    _csv(out / "complaint_kpis.csv", [{"organization": TRENTO, "received": 3}])
    site = build_site(out, tmp_path / "site", catalog=catalog, languages=("it",))
    assert not [p for p in site.pages if p[2] == "programme"]
    assert "Programma qualità" not in (site.out / "index.html").read_text(encoding="utf-8")


# -- the extension point --------------------------------------------------------------------


def test_programme_registered_like_a_plugin_kind(tmp_path, results):
    """The programme's kind comes from the registry; a plugin's kind sits beside it."""
    from qualitapa import hookimpl

    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "waste.html.j2").write_text("<h2>{{ t('Rifiuti') }}</h2><p>{{ n }}</p>")
    (folder / "waste_city.html.j2").write_text("<p>{{ tons }}</p>")

    class WastePlugin:
        @hookimpl
        def qualitapa_site_pages(self):
            return [
                PageKind(id="waste", title=Text("Rifiuti", en="Waste", de="Abfall"), order=50,
                         build=lambda ctx: [Page(path="rifiuti/index.html", title="Rifiuti",
                                                 template="waste.html.j2", context={"n": 42})],
                         templates=folder),
                SiteSection(id="waste-city", page="city", title=Text("Rifiuti"), order=50,
                            build=lambda ctx, org: {"tons": 7}, template="waste_city.html.j2",
                            templates=folder),
            ]  # fmt: skip

    plugged = catalog_with(WastePlugin(), installed=["qclub", "registry"])
    kinds, sections = site_registry(plugged)
    ids = [k.id for k in kinds]
    assert "programme" in ids
    assert "waste" in ids
    assert ids.index("programme") < ids.index("waste")  # order 40 < 50
    assert PROGRAMME_KIND in kinds
    assert {"programme-city", "programme-home", "waste-city"} <= {s.id for s in sections}
    site = build_site(results, tmp_path / "site", catalog=plugged, languages=("it",))
    assert ("it", "rifiuti/index.html", "waste") in site.pages
    assert ("it", "programma/modena.html", "programme") in site.pages
    assert "<p>42</p>" in (site.out / "rifiuti/index.html").read_text(encoding="utf-8")


def _copy_results(results: Path, tmp_path: Path) -> Path:
    out = tmp_path / "results"
    shutil.copytree(results, out)
    return out


def test_a_name_written_otherwise_stops_the_public_build(results, catalog, tmp_path):
    # masking replaces the name as the people sheet writes it; "RISERVATO Marco" or an
    # entity between the words would pass it: the public build refuses such a report
    out = _copy_results(results, tmp_path)
    report = out / "relazione-qualita-2024.html"
    text = report.read_text(encoding="utf-8")
    report.write_text(text.replace("</main>", "<p>Firmato: MARCO&nbsp;Riservato</p></main>", 1),
                      encoding="utf-8")  # fmt: skip
    with pytest.raises(DataError, match=r"nomina ancora|still names") as info:
        build_site(out, tmp_path / "site", catalog=catalog, languages=("it",))
    assert PRIVATE_NAME not in str(info.value)  # the error names the person's id only
    members = build_site(out, tmp_path / "soci", catalog=catalog, languages=("it",),
                         members=True)  # fmt: skip
    assert members.members


@pytest.mark.parametrize(
    "active",
    ['<script>alert(1)</script>', '<img src="https://tracker.example/x.png" alt="">',
     '<p onclick="steal()">x</p>', '<a href="javascript:alert(1)">x</a>'],
)  # fmt: skip
def test_a_report_with_active_content_is_not_published(results, catalog, tmp_path, active):
    out = _copy_results(results, tmp_path)
    report = out / "relazione-qualita-2024.html"
    text = report.read_text(encoding="utf-8")
    report.write_text(text.replace("</main>", active + "</main>", 1), encoding="utf-8")
    with pytest.raises(DataError, match=r"relazione annuale contiene|annual report holds"):
        build_site(out, tmp_path / "site", catalog=catalog, languages=("it",))
