"""qualitapa-bolzano: the worked example of a second, bilingual city, in TOML only."""

import ast
from importlib.resources import files

import pandas as pd
import pytest

from qualitapa.catalog import check_plugins
from qualitapa.indicators import benchmark, compute
from qualitapa.standards import charter_standards, compliance, render_html, render_markdown
from qualitapa.testing import (
    assert_plugin_ok,
    assert_plugin_translated,
    catalog_with,
    load_installed_plugin,
)

#: Bolzano extends and derives from items these plugins define.
BASE = ["qclub", "registry"]
BOLZANO, TRENTO, MODENA = "021008", "022205", "036023"
PACKAGE = files("qualitapa_bolzano")
LOCAL_INDICATORS = {
    "bolzano.registry.certificates_german_share",
    "bolzano.registry.chosen_language_share",
    "bolzano.registry.certified_staff_share",
}
GENERAL = "registry.std.served_within_10min"
DERIVED = "bolzano.std.served_within_10min"
BILINGUAL = "bolzano.std.chosen_language"


@pytest.fixture(scope="module")
def catalog():
    return catalog_with(("bolzano", load_installed_plugin("bolzano")), installed=BASE)


def test_the_package_is_toml_only():
    # the only Python is the two-line module that reads definitions.toml
    pythons = sorted(p.name for p in PACKAGE.iterdir() if p.name.endswith(".py"))
    assert pythons == ["__init__.py"]
    demo = PACKAGE / "demo"
    assert not [p.name for p in demo.iterdir() if p.name.endswith(".py")]
    tree = ast.parse(PACKAGE.joinpath("__init__.py").read_text(encoding="utf-8"))
    assert ast.unparse(tree).splitlines() == [
        "from qualitapa.declarative import toml_plugin",
        "plugin = toml_plugin(__name__, 'definitions.toml')",
    ]


def test_definitions_are_valid():
    assert_plugin_ok(load_installed_plugin("bolzano"), installed=BASE)


def test_plugin_check_of_every_installed_plugin_finds_no_error():
    problems = check_plugins()
    errors = problems[problems["severity"] == "error"]
    assert errors.empty, errors[["plugin", "source", "column", "message"]].to_string()


def test_every_label_in_german_and_english():
    # a German report of Bolzano's items falls back to Italian nowhere
    catalog = assert_plugin_translated(
        load_installed_plugin("bolzano"), ("de", "en"), installed=BASE
    )
    for ind in LOCAL_INDICATORS:
        label = catalog.indicators[ind].label
        assert label.de
        assert label.de != label.it


def test_organization_is_extended_not_replaced(catalog):
    org = catalog.organizations[BOLZANO]
    # what qualitapa-qclub wrote is kept
    assert catalog.organizations.plugin_of(BOLZANO) == "qclub"
    assert (org.name, org.province, org.population) == ("Bolzano", "BZ", 107000)
    assert org.display_name("de") == "Bozen"
    assert catalog.organizations.extended_by(BOLZANO) == ["bolzano"]
    # one branch registry office per district, with its official German name
    assert [o.display_name("de") for o in org.offices] == [
        "Dezentrales Meldeamt Zentrum-Bozner Boden-Rentsch",
        "Dezentrales Meldeamt Oberau-Haslach",
        "Dezentrales Meldeamt Europa-Neustift",
        "Dezentrales Meldeamt Don Bosco",
        "Dezentrales Meldeamt Gries-Quirein",
    ]
    assert {o.service for o in org.offices} == {"registry"}
    assert org.office("021008.gries").display_name("it").endswith("Gries-San Quirino")
    assert sum(o.attributes["counters"] for o in org.offices) == 16
    assert [c.role for c in org.contacts] == ["quality_office", "urp"]
    assert all(c.email.endswith("@comune.bolzano.it") for c in org.contacts)
    assert str(org.zone) == "Europe/Rome"
    # the other cities are untouched
    assert catalog.organizations[TRENTO].offices == ()


def test_local_items_are_scoped_to_bolzano(catalog):
    local = {i for i, d in catalog.indicators.items() if d.organizations == (BOLZANO,)}
    assert local == LOCAL_INDICATORS
    for ind in LOCAL_INDICATORS:
        assert catalog.indicators[ind].service == "registry"
    assert catalog.standards[DERIVED].organizations == (BOLZANO,)
    assert catalog.standards[BILINGUAL].organizations == (BOLZANO,)
    assert catalog.standards[BILINGUAL].replaces is None
    categories = {
        c.id: c for c in catalog.complaint_categories.values() if c.id.startswith("bolzano.")
    }
    assert set(categories) == {
        "bolzano.registry.language",
        "bolzano.registry.language.obligation",
        "bolzano.registry.language.documents",
    }
    assert all(c.organizations == (BOLZANO,) for c in categories.values())
    assert categories["bolzano.registry.language.obligation"].label.de == (
        "Verletzung der Zweisprachigkeitspflicht"
    )
    for dataset in ("bolzano.demo.bilingualism", "bolzano.demo.complaints"):
        assert catalog.datasets[dataset].organizations == (BOLZANO,)
        assert catalog.datasets[dataset].synthetic


def test_complaint_deadlines(catalog):
    cats = catalog.complaint_categories
    obligation = cats["bolzano.registry.language.obligation"].deadline
    assert (obligation.days, str(obligation.unit.value)) == (10, "working")
    assert cats["bolzano.registry.language"].deadline.days == 30
    # the documents subcategory has none of its own: it inherits its parent's 30 days
    assert cats["bolzano.registry.language.documents"].deadline is None


def test_demo_complaints_in_the_local_categories(catalog, tmp_path):
    from qualitapa.complaints import ComplaintRegister, DeadlinePolicy, WorkCalendar, kpis

    dataset = catalog.datasets["bolzano.demo.complaints"]
    assert (dataset.kind, dataset.organizations, dataset.synthetic) == (
        "complaints",
        (BOLZANO,),
        True,
    )
    register = ComplaintRegister(tmp_path / "complaints.db")
    try:
        # with catalog=, a category that does not apply to the complaint's city is refused
        report = register.import_csv(dataset.path, catalog=catalog)
        assert (report.imported, len(report.problems)) == (14, 0)
        policy = DeadlinePolicy.from_catalog(catalog)
        calendar = {BOLZANO: WorkCalendar(catalog.organizations[BOLZANO].province)}
        as_of = "2024-12-31 23:59"
        cases = register.cases(policy=policy, calendar=calendar, as_of=as_of).set_index("id")
    finally:
        register.close()
    due = cases["due_date"].dt.strftime("%Y-%m-%d")
    # 10 working days (obligation): received Fri 26 Jan 2024 -> 29, 30, 31 Jan, 1, 2, 5,
    # 6, 7, 8, 9 Feb; received Tue 9 Apr -> 10, 11, 12, 15, ..., 19, 22, 23 Apr
    assert due["021008-2024-BZ001"] == "2024-02-09"
    assert due["021008-2024-BZ003"] == "2024-04-23"
    # documents: no deadline of its own, its parent's 30 calendar days (16 May + 30)
    assert due["021008-2024-BZ005"] == "2024-06-15"
    table = kpis(cases.reset_index(), by="category", policy=policy, calendar=calendar, as_of=as_of)
    row = table.set_index("category").loc["bolzano.registry.language.obligation"]
    # 8 received, 7 answered; BZ003 answered on 1 May, after its 23 April deadline
    assert (row["received"], row["answered"], row["answered_within_deadline"]) == (8, 7, 6)


def test_questionnaire_is_extended_for_bolzano_only(catalog):
    inst = catalog.instruments["registry.counter"]
    added = [q for q in inst.questions if q.id.startswith("bz_")]
    assert [q.id for q in added] == ["bz_language", "bz_bilingual_service", "bz_imp_bilingual"]
    assert all(q.organizations == (BOLZANO,) for q in added)
    by_id = {q.id: q for q in added}
    assert by_id["bz_bilingual_service"].scale.id == "sat5"
    assert by_id["bz_imp_bilingual"].scale.id == "imp5"
    assert by_id["bz_imp_bilingual"].importance_of == "bz_bilingual_service"
    # in no dimension: the shared dimension scores stay comparable
    assert all(q.dimension is None for q in added)
    # the shared questions are untouched and still apply to every city
    shared = [q for q in inst.questions if not q.id.startswith("bz_")]
    assert shared
    assert all(q.organizations == () for q in shared)


def test_derived_standard_is_the_registry_standards_local_variant(catalog):
    general = catalog.standards[GENERAL]
    derived = catalog.standards[DERIVED]
    expected = general.local_variant(
        id=DERIVED, organizations=[BOLZANO], target=">= 90", label=derived.label
    )
    assert derived == expected
    assert derived.replaces == GENERAL  # extends + organizations, no replaces
    assert (
        derived.label.de == "90 % der Wartenden innerhalb von 10 Minuten an den Schalter aufgerufen"
    )
    # only the target and the label changed
    assert derived.description == general.description
    assert str(general.target) == ">= 80"
    assert catalog.standards.plugin_of(GENERAL) == "registry"


def test_compliance_judges_bolzano_against_its_standards(catalog):
    values = pd.DataFrame(
        {
            "organization": [BOLZANO, TRENTO, BOLZANO],
            "period": 2024,
            "indicator": [
                "registry.served_within_10min",
                "registry.served_within_10min",
                "bolzano.registry.chosen_language_share",
            ],
            "value": [85.0, 85.0, 97.5],
        }
    )
    result = compliance(catalog.standards, indicator_values=values)
    rows = result[result["organization"] != ""].set_index(["organization", "standard"])
    # Bolzano: 85 - 90 = -5 missed; Trento: 85 - 80 = +5 met; bilingual: 97.5 - 98 = -0.5
    assert rows.loc[(BOLZANO, DERIVED), ["margin", "met"]].tolist() == [-5.0, False]
    assert rows.loc[(TRENTO, GENERAL), ["margin", "met"]].tolist() == [5.0, True]
    assert rows.loc[(BOLZANO, BILINGUAL), ["margin", "met"]].tolist() == [-0.5, False]
    assert (BOLZANO, GENERAL) not in rows.index
    assert (TRENTO, BILINGUAL) not in rows.index


def test_local_indicators_by_hand(catalog):
    data = pd.DataFrame(
        {
            "organization": [BOLZANO],
            "period": [2024],
            "bolzano.registry.certificates_it": [30_000],
            "bolzano.registry.certificates_de": [10_000],
            "bolzano.registry.counter_contacts": [8_000],
            "bolzano.registry.contacts_chosen_language": [7_920],
            "bolzano.registry.counter_staff": [40],
            "bolzano.registry.counter_staff_certified": [38],
        }
    )
    out = compute(sorted(LOCAL_INDICATORS), data, catalog=catalog).set_index("indicator")
    value = out["value"]
    assert value["bolzano.registry.certificates_german_share"] == pytest.approx(25.0)  # 10/40
    assert value["bolzano.registry.chosen_language_share"] == pytest.approx(99.0)  # 7,920/8,000
    assert value["bolzano.registry.certified_staff_share"] == pytest.approx(95.0)  # 38/40


def _demo_data():
    with PACKAGE.joinpath("demo", "indicator_data.csv").open(encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype={"organization": str})


def test_demo_data_holds_only_bolzanos_local_variables(catalog):
    data = _demo_data()
    assert set(data["organization"]) == {BOLZANO}
    local_variables = {v for v in catalog.variables if v.startswith("bolzano.")}
    assert set(data["variable"]) == local_variables
    assert sorted(data["period"].unique()) == list(range(2009, 2025))
    # the dataset's own reader accepts it (a local dataset refuses other cities' rows)
    assert len(catalog.datasets["bolzano.demo.bilingualism"].read()) == len(data)


def test_local_indicator_computed_for_bolzano_and_never_ranked(catalog):
    demo = _demo_data()
    # a shared variable for two cities, as the Q-Club data has it, next to the local ones
    shared = pd.DataFrame(
        {
            "organization": [BOLZANO, TRENTO, MODENA],
            "period": 2024,
            "variable": "registry.counter_tickets",
            "value": [1.0, 1.0, 1.0],
        }
    )
    other = pd.DataFrame(  # Trento's figures for Bolzano's variables: not computed for Trento
        {
            "organization": TRENTO,
            "period": 2024,
            "variable": [
                "bolzano.registry.counter_contacts",
                "bolzano.registry.contacts_chosen_language",
            ],
            "value": [100.0, 99.0],
        }
    )
    data = pd.concat([demo, shared, other], ignore_index=True)
    wide = data.pivot_table(
        index=["organization", "period"], columns="variable", values="value"
    ).reset_index()
    values = compute(sorted(LOCAL_INDICATORS), wide, catalog=catalog)
    assert set(values["organization"]) == {BOLZANO}
    row = values[(values["period"] == 2024)].set_index("indicator")
    by_hand = demo[demo["period"] == 2024].set_index("variable")["value"]
    expected = (
        100 * by_hand["bolzano.registry.contacts_chosen_language"]
        / by_hand["bolzano.registry.counter_contacts"]
    )  # fmt: skip
    assert row.loc["bolzano.registry.chosen_language_share", "value"] == pytest.approx(expected)
    # 2020: the language sample was not taken, so no value (not a guess)
    v2020 = values[(values["period"] == 2020)].set_index("indicator")
    assert pd.isna(v2020.loc["bolzano.registry.chosen_language_share", "value"])
    ranked = benchmark(values, catalog=catalog)
    assert not ranked.empty
    assert ranked["rank"].isna().all()
    assert not ranked["is_best"].any()
    assert set(ranked.loc[ranked["period"] == 2024, "comparison"]) == {"local_indicator"}


def test_charter_in_german_for_bolzano(catalog):
    charter = catalog.charters["registry.charter"]
    ids = [s.id for s in charter_standards(charter, catalog.standards, BOLZANO)]
    assert DERIVED in ids
    assert BILINGUAL in ids
    assert GENERAL not in ids
    page = render_html(
        charter, catalog.standards, lang="de", organization=BOLZANO, content=catalog.charter_content
    )
    assert "Stadtgemeinde Bozen" in page
    assert "Dienstleistungscharta der demografischen Dienste" in page
    assert "90 % der Wartenden innerhalb von 10 Minuten an den Schalter aufgerufen" in page
    assert "in der gewählten Sprache, Deutsch oder Italienisch, bedient" in page
    assert "mindestens 98\u00a0%" in page  # a no-break space before %
    for italian in ("Carta dei servizi", "utenti", "sportello", "almeno"):
        assert italian not in page, italian
    # another city's charter has neither of Bolzano's standards
    tn = render_markdown(charter, catalog.standards, lang="de", organization=TRENTO)
    assert "mindestens 80\u00a0%" in tn
    assert "gewählten Sprache" not in tn


def test_registry_report_in_german_shows_local_indicators_without_rank(catalog):
    from qualitapa.reporting import ReportInputs, render_report

    wide = (
        _demo_data()
        .pivot_table(index=["organization", "period"], columns="variable", values="value")
        .reset_index()
    )
    values = compute(sorted(LOCAL_INDICATORS), wide, catalog=catalog)
    page = render_report(
        ReportInputs(
            period=2024,
            service="registry",
            lang="de",
            catalog=catalog,
            indicators=values,
            organization=BOLZANO,
            charts=False,
        )
    )
    assert "Anteil der in der gewählten Sprache bedienten Kontakte" in page
    assert "Anteil der in deutscher Sprache ausgestellten Bescheinigungen" in page
    assert "Bozen" in page
    assert "Lokaler Indikator" in page
    for italian in ("Quota di contatti", "Bolzano</", "lingua scelta"):
        assert italian not in page, italian
