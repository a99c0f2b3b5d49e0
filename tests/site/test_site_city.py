"""The city pages of the portal: the cities, a city's sections, its charters (issue 21).

The pages are built from the small results folder of ``conftest.py`` (Modena 036023,
Trento 022205, Bolzano 021008) and the shipped plugins' catalog, rendered into the
site's layout, and read as a citizen would: the visible text, in Italian and German.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import attrs
import html5lib
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualitapa import hookimpl
from qualitapa.catalog import Catalog
from qualitapa.errors import DataError
from qualitapa.i18n import translator
from qualitapa.models import Organization, Service, Text
from qualitapa.site._build import build_site
from qualitapa.site._city import (
    CITY_KIND,
    CITY_SECTIONS,
    caf_section,
    charter_body,
    charters_in_force,
    charters_section,
    city_charters,
    compliance_section,
    interval_text,
)
from qualitapa.site._context import Results, SiteContext
from qualitapa.site._home import city_rows
from qualitapa.site._render import PageRenderer
from qualitapa.standards import Charter, CharterContent

MODENA, TRENTO, BOLZANO = "036023", "022205", "021008"

#: English words that must not reach an Italian or German reader of a city page.
ENGLISH = {
    "charter", "charters", "standard", "target", "value", "met", "refund", "refunds", "due",
    "yes", "survey", "satisfaction", "index", "interval", "complaints", "received",
    "answered", "open", "overdue", "days", "hours", "minutes", "week", "score", "criterion",
    "total", "enablers", "results", "improvement", "plan", "priority", "status", "proposed",
    "planned", "draft", "approved", "published", "revision", "version", "valid", "from",
    "city", "cities", "province", "region", "population", "service", "the", "and", "of",
    "with", "per", "within", "mean", "median",
}  # fmt: skip
#: Words of the list that are also words of the language.
ALSO = {
    "it": {"standard", "per", "due"},  # due: two
    "de": {"standard", "index", "status", "version", "plan", "region", "per"},
}
#: A code of a result table (``in_progress``) or a catalog id (``registry.std.x``).
CODE = re.compile(r"\b[a-z][a-z0-9]*(?:[_.][a-z0-9]+)+\b")
#: E-mail addresses and web addresses of a charter's contacts (not words of the language).
ADDRESS = re.compile(r"\S+@\S+|\b(?:www\.|https?://)?[\w-]+(?:\.[\w-]+)*\.(?:it|eu|org)\b")


def visible_text(page: str) -> str:
    """The text a reader sees: tags, scripts and styles removed, entities decoded."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.DOTALL)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def english_and_codes(text: str, lang: str) -> set[str]:
    text = ADDRESS.sub(" ", text)
    words = set(re.findall(r"[^\W\d_]+", text))
    english = {w for w in words if w.lower() in ENGLISH - ALSO.get(lang, set())}
    return english | set(CODE.findall(text))


def context(results: Path, catalog, lang: str = "it", *, members: bool = False) -> SiteContext:
    return SiteContext(
        results=Results(results),
        catalog=catalog,
        lang=lang,
        members=members,
        organizations=(MODENA, TRENTO, BOLZANO),
        site_sections=CITY_SECTIONS,
    )


def render(ctx: SiteContext) -> dict[str, str]:
    """Every page of the city kind: path -> the whole HTML document."""
    renderer = PageRenderer(ctx, (ctx.lang,), [("city", "Città", "citta/index.html")])
    return {p.path: renderer.render(attrs.evolve(p, kind="city")) for p in CITY_KIND.build(ctx)}


@pytest.fixture
def pages(results_dir, catalog) -> dict[str, str]:
    return render(context(results_dir, catalog))


def section_ids(page: str) -> list[str]:
    return re.findall(r'<section id="(city-[a-z-]+)"', page)


def test_the_cities_page_links_every_city_with_province_and_region(pages):
    page = pages["citta/index.html"]
    for name, path in (("Modena", "modena"), ("Trento", "trento"), ("Bolzano", "bolzano")):
        assert f'href="{path}.html">{name}</a>' in page
    text = visible_text(page)
    assert "Emilia-Romagna" in text
    assert "MO" in text
    assert "Popolazione: 185.000" in " ".join(text.split())  # 185000 inhabitants, Italian


def test_the_city_page_shows_the_numbers_of_the_tables(pages):
    text = " ".join(visible_text(pages["citta/modena.html"]).split())
    # survey_dimensions: waiting 68.5249 [66.3144, 70.7354]; courtesy 72.7095 [70.662, 74.7569]
    assert "68,5 [66,3–70,7]" in text
    assert "72,7 [70,7–74,8]" in text
    # charter_compliance: certificate wait, 235 of 287 deliveries within 10 minutes = 0.821678
    # -> 82,2%, mean 5.93252 minutes; 51 refunds due, 255 euro; opening hours 48 < 50: not met
    assert "82,2% dei casi (media 5,93 minuti)" in text
    assert "al massimo 10 minuti (obiettivo: 90% dei casi)" in text
    assert "51 255,00 €" in text.replace("\xa0", " ")
    assert "Standard rispettati: 0 su 2 valutati." in text
    # complaint_kpis: 58 received, 55 answered, 0.890909 -> 89,1% in time, 11.8909 days
    assert (
        "58 messaggi ricevuti tra reclami, segnalazioni, suggerimenti ed encomi; "
        "55 con risposta (89,1% entro il termine)"
    ) in text
    assert "risposta in 11,9 giorni in media; 3,1 messaggi ogni 10.000 abitanti" in text
    # caf_scores (Modena's: its organization column says 036023): Leadership 49.9
    assert "1. Leadership 49,9" in text
    # improvement_plan: priority 5*5/3 = 8.33 first, in words
    assert re.search(r"Certificato allo sportello entro 10 minuti di attesa standard di "
                     r"qualità 8,3 proposta", text)  # fmt: skip
    assert "Azioni di miglioramento: 3; ancora aperte: 3." in text


def test_the_sections_come_in_order_and_missing_tables_leave_them_out(results_dir, catalog):
    full = render(context(results_dir, catalog))["citta/modena.html"]
    assert section_ids(full) == ["city-charters", "city-standards", "city-satisfaction",
                                 "city-complaints", "city-caf", "city-improvement"]  # fmt: skip
    for name in ("charter_compliance", "survey_dimensions", "caf_scores", "improvement_plan"):
        (results_dir / f"{name}.csv").unlink()
    page = render(context(results_dir, catalog))["citta/modena.html"]
    assert section_ids(page) == ["city-charters", "city-complaints"]
    # Trento has no charter content, so no charters section; its complaints stay
    assert section_ids(render(context(results_dir, catalog))["citta/trento.html"]) == [
        "city-complaints"
    ]


def test_a_city_without_results_says_so(tmp_path, catalog):
    (tmp_path / "complaint_kpis.csv").write_text("organization,received\n036023,3\n")
    page = render(context(tmp_path, catalog))["citta/trento.html"]
    assert section_ids(page) == []
    assert "non ci sono ancora risultati pubblicati" in page


def test_the_caf_scores_belong_to_the_organization_they_name(results_dir, catalog):
    ctx = context(results_dir, catalog)
    assert caf_section(ctx, MODENA) is not None
    assert caf_section(ctx, TRENTO) is None
    scores = pd.read_csv(results_dir / "caf_scores.csv").assign(organization=TRENTO)
    scores.to_csv(results_dir / "caf_scores.csv", index=False)
    ctx = context(results_dir, catalog)  # a column says whose scores they are
    assert caf_section(ctx, MODENA) is None
    assert caf_section(ctx, TRENTO) is not None


def test_caf_scores_that_do_not_name_their_city_are_refused(results_dir, catalog):
    # before: credited to the one city the plan's CAF actions named (a guess)
    scores = pd.read_csv(results_dir / "caf_scores.csv", dtype=str).drop(columns="organization")
    scores.to_csv(results_dir / "caf_scores.csv", index=False)
    with pytest.raises(DataError, match="organization") as info:
        caf_section(context(results_dir, catalog), MODENA)
    assert (info.value.source, info.value.column) == ("caf_scores.csv", "organization")
    assert "colonna organization" in info.value.render(translator("it"))


def test_home_and_city_pages_count_standards_met_by_one_rule(results_dir, catalog):
    # Modena's latest period (2025) is listed but not measured yet, and its 2024 cells say
    # yes/no as '1.0' and 'sì': before, the home page counted 2024 ('1.0' met) while the
    # city page listed 2025 ('sì' not met by its rule)
    rows = pd.DataFrame({
        "standard": ["libraries.std.opening_hours", "registry.std.certificate_wait"] * 2,
        "organization": MODENA, "period": ["2024", "2024", "2025", "2025"],
        "value": ["52", "5", "", ""], "met": ["1.0", "sì", "", ""],
    })  # fmt: skip
    # 0 assessed in 2025: the same count on both pages
    assert both_counts(rows, results_dir, catalog) == ("Standard rispettati: 0 su 0 valutati.", "–")
    rows.loc[rows["period"] == "2025", "period"] = "2023"  # now 2024 is the latest
    assert both_counts(rows, results_dir, catalog) == (
        "Standard rispettati: 2 su 2 valutati.", "2 su 2 (100%)")  # fmt: skip


@pytest.mark.parametrize("word", ["forse", "n.d.", "2"])
def test_a_met_cell_that_is_not_yes_or_no_is_a_data_error(results_dir, catalog, word):
    # before: 'forse' was counted neither met nor assessed on both pages, silently (the
    # city page showed '–'); a number other than 0 or 1 was read as met
    rows = pd.DataFrame({
        "standard": ["libraries.std.opening_hours", "registry.std.certificate_wait"],
        "organization": MODENA, "period": "2024", "value": ["52", "5"], "met": ["sì", word],
    })  # fmt: skip
    with pytest.raises(DataError, match="yes or no") as info:
        both_counts(rows, results_dir, catalog)
    assert (info.value.source, info.value.row, info.value.column) == (
        "charter_compliance.csv", 2, "met")  # fmt: skip
    assert "sì o no" in info.value.render(translator("it"))


def both_counts(rows: pd.DataFrame, results_dir: Path, catalog) -> tuple[str, str]:
    """(the city page's summary, the home page's cell) of Modena's standards met."""
    rows.to_csv(results_dir / "charter_compliance.csv", index=False)
    ctx = context(results_dir, catalog)
    city = compliance_section(ctx, MODENA)
    assert city is not None
    (home,) = city_rows(attrs.evolve(ctx, organizations=(MODENA,)))
    return str(city["summary"]), str(home["met"])


def test_complaints_and_nps_are_the_latest_period_s_and_say_it(results_dir, catalog):
    # before: the first row of complaint_kpis (here 2023's) and every NPS row were shown
    kpis = pd.DataFrame({"organization": [MODENA, MODENA], "year": ["2024", "2023"],
                         "received": [58, 12], "answered": [55, 10],
                         "share_within_deadline": [0.890909, 0.5]})  # fmt: skip
    kpis.iloc[::-1].to_csv(results_dir / "complaint_kpis.csv", index=False)
    kpis.assign(service="registry").to_csv(
        results_dir / "complaint_kpis_by_service.csv", index=False
    )
    nps = pd.DataFrame({"organization": MODENA, "period": ["2023", "2024"],
                        "instrument": "registry.counter", "n": [100, 200],
                        "nps": [-40.0, 12.5]})  # fmt: skip
    nps.to_csv(results_dir / "survey_nps.csv", index=False)
    text = visible_text(render(context(results_dir, catalog))["citta/modena.html"])
    assert (
        "2024: 58 messaggi ricevuti tra reclami, segnalazioni, suggerimenti ed encomi; "
        "55 con risposta (89,1% entro il termine)."
    ) in text
    assert "12 reclami" not in text
    assert re.search(r"Servizi demografici - Anagrafe\s+58\s+55\s+89,1%", text)  # 2024's only
    assert "50,0%" not in text
    assert "Reclami per servizio nel 2024" in text
    assert "Propensione a raccomandare il servizio (NPS) nel 2024" in text
    assert "12,5" in text
    assert "-40,0" not in text


def test_complaint_kpis_by_quarter_say_the_quarter(results_dir, catalog):
    kpis = pd.DataFrame({"organization": MODENA, "quarter": ["2024Q3", "2024Q4", "2024Q2"],
                         "received": [7, 9, 4]})  # fmt: skip
    kpis.to_csv(results_dir / "complaint_kpis.csv", index=False)
    (results_dir / "complaint_kpis_by_service.csv").unlink(missing_ok=True)
    text = visible_text(render(context(results_dir, catalog))["citta/modena.html"])
    assert (
        "4º trimestre 2024: 9 messaggi ricevuti tra reclami, segnalazioni, suggerimenti ed encomi."
    ) in text
    de = visible_text(render(context(results_dir, catalog, "de"))["citta/modena.html"])
    assert (
        "4. Quartal 2024: 9 eingegangene Rückmeldungen (Beschwerden, Meldungen, Vorschläge "
        "und Lob)."
    ) in de


def test_two_kpi_rows_of_a_city_in_one_period_are_refused(results_dir, catalog):
    kpis = pd.DataFrame({"organization": [MODENA, MODENA], "received": [58, 12]})
    kpis.to_csv(results_dir / "complaint_kpis.csv", index=False)
    with pytest.raises(DataError, match="2 rows") as info:
        render(context(results_dir, catalog))
    assert (info.value.source, info.value.row) == ("complaint_kpis.csv", 2)


@pytest.mark.parametrize("due", ["domani", "2024-13-45", "31/02/2024"])
def test_a_due_date_that_is_not_a_date_is_a_data_error(results_dir, catalog, due):
    # before: pd.Timestamp(due) raised a bare ValueError with a traceback
    plan = pd.read_csv(results_dir / "improvement_plan.csv", dtype=str)
    plan.loc[1, "due"] = due
    plan.to_csv(results_dir / "improvement_plan.csv", index=False)
    with pytest.raises(DataError, match="not a date") as info:
        render(context(results_dir, catalog))
    assert (info.value.source, info.value.row, info.value.column) == (
        "improvement_plan.csv", 2, "due")  # fmt: skip


def test_a_due_date_is_said_in_the_language(results_dir, catalog):
    plan = pd.read_csv(results_dir / "improvement_plan.csv", dtype=str)
    plan.loc[0, "due"], plan.loc[1, "due"] = "2025-06-30", "31/12/2025"
    plan.to_csv(results_dir / "improvement_plan.csv", index=False)
    text = visible_text(render(context(results_dir, catalog))["citta/modena.html"])
    assert "30/06/2025" in text
    assert "31/12/2025" in text


def test_the_charters_in_force_are_those_of_the_build_s_reference_date(results_dir, catalog):
    # before: date.today() decided, so a build made again later changed the page
    import datetime as dt

    early = attrs.evolve(context(results_dir, catalog), reference_date=dt.date(2025, 3, 1))
    late = attrs.evolve(early, reference_date=dt.date(2025, 10, 1))
    assert len(charters_in_force(early, MODENA)) == 1
    assert len(charters_in_force(late, MODENA)) == 3
    section = charters_section(late, MODENA)
    assert section is not None
    assert str(section["caption"]).endswith("al 01/10/2025")


def test_a_small_sample_is_said(results_dir, catalog):
    frame = pd.read_csv(results_dir / "survey_dimensions.csv", dtype={"organization": str})
    frame.loc[frame["organization"].eq(TRENTO), "small_sample"] = True
    frame.to_csv(results_dir / "survey_dimensions.csv", index=False)
    pages = render(context(results_dir, catalog))
    trento = " ".join(visible_text(pages["citta/trento.html"]).split())
    assert "66,5 [64,0–69,0] (campione ridotto)" in trento  # 66.4733 [63.9919, 68.9548]
    assert "campione ridotto" not in pages["citta/modena.html"]


def test_the_standards_come_by_service_whatever_the_row_order(results_dir, catalog):
    before = compliance_section(context(results_dir, catalog), MODENA)
    frame = pd.read_csv(results_dir / "charter_compliance.csv", dtype={"organization": str})
    frame.iloc[::-1].to_csv(results_dir / "charter_compliance.csv", index=False)
    after = compliance_section(context(results_dir, catalog), MODENA)
    assert before == after
    assert [r["service"] for r in after["rows"]] == ["Biblioteche pubbliche",
                                                     "Servizi demografici - Anagrafe"]  # fmt: skip


def test_the_standards_of_the_latest_period_only(results_dir, catalog):
    frame = pd.read_csv(results_dir / "charter_compliance.csv", dtype={"organization": str})
    older = frame.assign(period=2023, met=True)
    pd.concat([older, frame]).to_csv(results_dir / "charter_compliance.csv", index=False)
    found = compliance_section(context(results_dir, catalog), MODENA)
    assert found is not None
    assert len(found["rows"]) == 2
    assert found["summary"] == "Standard rispettati: 0 su 2 valutati."


def test_the_city_page_links_its_charters_and_the_charter_page_renders_them(pages):
    city = pages["citta/modena.html"]
    for slug in ("registry", "libraries", "nurseries"):
        assert f'href="modena/carta-{slug}.html"' in city
    charter = pages["citta/modena/carta-registry.html"]
    assert charter.count("<h1") == 1  # the layout's: the charter's own h1 is dropped
    text = " ".join(visible_text(charter).split())
    assert "Carta dei servizi demografici" in text
    assert "Versione 3.0" in text
    assert "pubblicata" in text
    assert "Giunta comunale, deliberazione n. 87" in text  # Modena's approval act
    assert "Standard di qualità" in text
    assert 'href="../modena.html"' in charter  # back to the city, relative
    # the charter's standards measured for Modena: a link to its results on the city page
    assert 'href="../modena.html#city-standards"' in charter
    assert "city-standards" not in pages["citta/modena/carta-nurseries.html"]  # none measured
    # the office's web page is said, not linked: the portal links nothing outside itself
    assert "https://www.comune.modena.it/servizi/anagrafe" in text
    assert 'href="http' not in charter


def test_a_draft_charter_is_only_in_the_members_build(results_dir, catalog):
    # Bolzano's nurseries charter is a draft (its content in the Bolzano plugin)
    public = render(context(results_dir, catalog))
    members = render(context(results_dir, catalog, members=True))
    assert "citta/bolzano/carta-nurseries.html" not in public
    assert "carta-nurseries" not in public["citta/bolzano.html"]
    assert "citta/bolzano/carta-nurseries.html" in members
    assert 'href="bolzano/carta-nurseries.html"' in members["citta/bolzano.html"]
    page = members["citta/bolzano/carta-nurseries.html"]
    assert "Bozza: questa carta non è ancora stata approvata." in page
    ctx = context(results_dir, catalog, members=True)
    drafts = [p for p in CITY_KIND.build(ctx) if p.members_only]
    assert [p.path for p in drafts] == ["citta/bolzano/carta-nurseries.html"]
    assert all(c.status.value != "draft" for c in city_charters(context(results_dir, catalog),
                                                                  BOLZANO))  # fmt: skip


@pytest.mark.slow  # two whole builds (about 3 s each)
def test_the_public_build_has_no_file_of_the_draft_charter(results_dir, catalog, tmp_path):
    public = build_site(results_dir, tmp_path / "public", catalog=catalog, languages=("it",))
    members = build_site(results_dir, tmp_path / "members", catalog=catalog, languages=("it",),
                         members=True)  # fmt: skip
    draft = "citta/bolzano/carta-nurseries.html"
    assert ("it", draft, "city") not in public.pages
    assert ("it", draft, "city") in members.pages
    assert not (tmp_path / "public" / draft).exists()
    assert (tmp_path / "members" / draft).exists()
    # no page, search index or manifest of the public build names it
    files = [f for f in (tmp_path / "public").rglob("*") if f.suffix in (".html", ".js", ".json")]
    named = [f for f in files if "bolzano/carta-nurseries" in f.read_text()]
    assert named == []


@pytest.mark.parametrize("lang", ["it", "de"])
def test_no_english_word_or_code_on_the_city_pages(results_dir, catalog, lang):
    pages = render(context(results_dir, catalog, lang))
    for path in ("citta/index.html", "citta/modena.html", "citta/modena/carta-registry.html",
                 "citta/bolzano.html"):  # fmt: skip
        text = visible_text(pages[path])
        assert not english_and_codes(text, lang), (lang, path, english_and_codes(text, lang))


def test_the_german_page_says_the_numbers_the_german_way(results_dir, catalog):
    text = " ".join(visible_text(render(context(results_dir, catalog, "de"))["citta/modena.html"])
                    .split())  # fmt: skip
    assert "68,5 [66,3–70,7]" in text  # de_IT: decimal comma too
    assert "Wartezeiten" in text  # the instrument's dimension label, not the table's Italian
    assert "Tempi di attesa" not in text


def test_the_city_pages_parse_as_html5(pages):
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    for path in ("citta/index.html", "citta/modena.html", "citta/modena/carta-nurseries.html"):
        parser.parse(pages[path])


def test_a_charter_text_cannot_inject_markup():
    body = charter_body("<main><h1>x</h1><p>&lt;script&gt;alert(1)&lt;/script&gt;</p></main>")
    assert "<script>" not in body
    assert "&lt;script&gt;" in body


def test_a_missing_interval_leaves_the_value_alone(results_dir, catalog):
    ctx = context(results_dir, catalog)
    assert interval_text(ctx, 67.5955, float("nan"), 69.3) == "67,6"
    assert interval_text(ctx, -23.0886, -32.2549, -13.9224) == "-23,1 [-32,3 – -13,9]"


@given(
    st.floats(0, 100, allow_nan=False),
    st.floats(0, 50, allow_nan=False),
    st.floats(0, 50, allow_nan=False),
)
def test_the_interval_text_says_the_rounded_numbers(value, below, above):
    ctx = SiteContext(results=Results("."), catalog=None, organizations=())  # type: ignore[arg-type]
    low, high = value - below, value + above
    text = interval_text(ctx, value, low, high)
    found = re.fullmatch(r"(-?[\d.]+,\d) \[(-?[\d.]+,\d)( – |–)(-?[\d.]+,\d)\]", text)
    assert found, text
    numbers = [float(g.replace(".", "").replace(",", ".")) for g in found.group(1, 2, 4)]
    assert numbers == pytest.approx([value, low, high], abs=0.05 + 1e-9)


#: The columns each section cannot do without; the others may be missing.
MINIMAL = {
    "charter_compliance": ["standard", "organization", "value", "met"],
    "survey_dimensions": ["organization", "dimension", "index"],
    "complaint_kpis": ["organization", "received"],
    "improvement_plan": ["organization", "title"],
    "caf_scores": ["organization", "level", "id", "score"],
}


@pytest.mark.parametrize("name", list(MINIMAL))
def test_a_table_with_only_its_key_columns_still_makes_its_section(name, results_dir, catalog):
    path = results_dir / f"{name}.csv"
    frame = pd.read_csv(path, dtype=str)
    frame[MINIMAL[name]].to_csv(path, index=False)
    page = render(context(results_dir, catalog))["citta/modena.html"]
    section = {
        "charter_compliance": "city-standards",
        "survey_dimensions": "city-satisfaction",
        "complaint_kpis": "city-complaints",
        "improvement_plan": "city-improvement",
        "caf_scores": "city-caf",
    }[name]
    assert section in section_ids(page)


class _TwoVersions:
    """A city with two versions of its registry charter: 2021-2023 and 2024 on, and a draft."""

    @hookimpl
    def qualitapa_organizations(self):
        return [Organization("036023", "Modena", province="MO", region="Emilia-Romagna")]

    @hookimpl
    def qualitapa_services(self):
        return [Service("registry", Text("Servizi demografici", "Registry", "Meldeamt"))]

    @hookimpl
    def qualitapa_charters(self):
        def charter(id_, start, end=None):
            return Charter(id_, "registry", Text("Carta dei servizi demografici"), start,
                           valid_to=end)  # fmt: skip

        return [charter("registry.charter.2021", "2021-01-01", "2023-12-31"),
                charter("registry.charter", "2024-01-01"),
                charter("registry.charter.next", "2099-01-01")]  # fmt: skip

    @hookimpl
    def qualitapa_charter_content(self):
        act = {"body": "Giunta comunale", "number": "12", "date": "2020-12-10"}
        return [
            CharterContent("registry.charter.2021", "036023", status="published",
                           version="1.0", approval=act),
            CharterContent("registry.charter", "036023", status="published", version="2.0",
                           approval={**act, "number": "40", "date": "2023-12-01"}),
            CharterContent("registry.charter.next", "036023", status="draft", version="3.0"),
        ]  # fmt: skip


def test_a_charter_s_previous_versions_are_listed_apart_and_linked(tmp_path):
    catalog = Catalog.build([("two-versions", _TwoVersions())], entrypoints=False)
    (tmp_path / "complaint_kpis.csv").write_text("organization,received\n036023,3\n")
    ctx = SiteContext(results=Results(tmp_path), catalog=catalog, organizations=(MODENA,))
    found = charters_section(ctx, MODENA)
    assert found is not None
    # in force: version 2.0 (2024 on); previous: 1.0 (ended 31/12/2023); the draft is left out
    assert [c["version"] for c in found["current"]] == ["2.0"]
    assert [c["version"] for c in found["previous"]] == ["1.0"]
    assert found["previous"][0]["valid"] == "dal 01/01/2021 al 31/12/2023"
    pages = render(ctx)
    assert "citta/modena/carta-registry-charter-2021.html" in pages
    assert "carta-registry-charter-next" not in " ".join(pages)  # the draft: members only
    current = pages["citta/modena/carta-registry.html"]
    assert 'href="carta-registry-charter-2021.html"' in current  # the other version, linked
    members = render(attrs.evolve(ctx, members=True, cache={}))
    assert "citta/modena/carta-registry-charter-next.html" in members


def test_no_complaint_answered_in_time_is_said_not_left_out(results_dir, catalog, tmp_path):
    # share_within_deadline 0.0 is the worst result: "0,0% entro il termine" (it was dropped
    # because 0.0 is falsy); a blank refund amount is "–", not "0,00 €"
    from qualitapa.site._city import _complaint_words

    ctx = context(results_dir, catalog)
    row = pd.Series({"received": 4, "answered": 3, "share_within_deadline": 0.0})
    assert "3 con risposta (0,0% entro il termine)" in _complaint_words(ctx, row)
    (tmp_path / "charter_compliance.csv").write_text(
        "standard,service,organization,period,value,unit,target,met,refunds_due,refund_amount\n"
        "registry.std.certificate_wait,registry,036023,2024,82.2,%,>= 90,False,51,\n",
        encoding="utf-8",
    )
    section = compliance_section(context(tmp_path, catalog), "036023")
    assert section is not None
    assert section["rows"][0]["amount"] == "–"
    assert section["rows"][0]["refunds"] == "51"
