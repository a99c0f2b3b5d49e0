"""The Q-Club plugin: eight cities with ISTAT codes and a population-class grouping."""

import importlib.util
from pathlib import Path

from qualitapa.testing import assert_plugin_ok, assert_plugin_translated, load_installed_plugin


def test_definitions_are_valid_and_complete():
    catalog = assert_plugin_ok(load_installed_plugin("qclub"))
    names = {o.name: o.id for o in catalog.organizations.values()}
    # ISTAT municipality codes (ISTAT, Elenco dei comuni italiani)
    assert names == {
        "Trento": "022205",
        "Milano": "015146",
        "Torino": "001272",
        "Genova": "010025",
        "Venezia": "027042",
        "Bergamo": "016024",
        "Bolzano": "021008",
        "Modena": "036023",
    }


def test_every_label_in_english_and_german():
    # Bolzano's charter content, the peer group and the demo profile: a German or
    # English report falls back to Italian nowhere (issue 15)
    catalog = assert_plugin_translated(
        load_installed_plugin("qclub"), ("en", "de"),
        installed=["registry", "libraries", "nurseries"],
    )  # fmt: skip
    assert catalog.organizations["021008"].display_name("de") == "Bozen"


def test_population_classes():
    catalog = assert_plugin_ok(load_installed_plugin("qclub"))
    classes = catalog.peer_groups["qclub.size"].assign(catalog.populations())
    # <=500,000 medium (all 100,000-250,000); >500,000 metropolitan
    assert {catalog.organizations[o].name: c for o, c in classes.items()} == {
        "Trento": "medium",
        "Bergamo": "medium",
        "Bolzano": "medium",
        "Modena": "medium",
        "Venezia": "medium",
        "Milano": "metropolitan",
        "Torino": "metropolitan",
        "Genova": "metropolitan",
    }


def test_every_population_class_can_be_compared():
    # issue 12: a class of two cities (Venezia, Modena) could never be ranked
    from qualitapa.indicators import MIN_COMPARED

    catalog = assert_plugin_ok(load_installed_plugin("qclub"))
    classes = catalog.peer_groups["qclub.size"].assign(catalog.populations())
    sizes = {c: list(classes.values()).count(c) for c in set(classes.values())}
    assert min(sizes.values()) >= MIN_COMPARED, sizes


# -- the club's shared register of good practices (issue 20) --------------------------------

CLUB = Path(__file__).resolve().parents[1]
FOLDER = CLUB / "src" / "qualitapa_qclub" / "programme"


def _club_sheets():
    from qualitapa.programme import read_sheet

    return {name: read_sheet(FOLDER / f"{name}.csv", name) for name in ("people", "practices")}


def test_the_script_writes_the_shipped_bytes(tmp_path):
    spec = importlib.util.spec_from_file_location(
        "make_practices", CLUB / "scripts" / "make_practices.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(tmp_path)
    for name in ("people.csv", "practices.csv"):
        assert (tmp_path / name).read_bytes() == (FOLDER / name).read_bytes(), name


def test_the_register_is_a_valid_programme_and_imports(tmp_path):
    from qualitapa.programme import ProgrammeStore, check_sheet

    catalog = assert_plugin_ok(load_installed_plugin("qclub"))
    declared = {d.path.name: d for d in catalog.datasets.values()}
    assert {n: d.kind for n, d in declared.items()} == {"practices.csv": "programme",
                                                         "people.csv": "programme"}  # fmt: skip
    assert all(d.synthetic and "sintetico" in d.label.it for d in declared.values())
    sheets = _club_sheets()
    for name, frame in sheets.items():
        check_sheet(frame, name, source=f"{name}.csv")
    with ProgrammeStore(tmp_path / "club.db") as store:
        report = store.import_sheets(sheets, by="QC-TN1", partial=True)
    assert report.counts.set_index("sheet").loc["practices", "added"] == 11
    assert sheets["people"]["email"].str.endswith("@example.org").all()


def test_every_practice_names_catalog_indicators_of_seven_cities():
    from qualitapa.testing import catalog_with

    services = ["registry", "libraries", "nurseries", "personnel"]
    catalog = catalog_with(("qclub", load_installed_plugin("qclub")), installed=services)
    practices = _club_sheets()["practices"]
    named = {i.strip() for cell in practices["indicators"] for i in cell.split(",")}
    assert named <= set(catalog.indicators)
    # every member city but Modena, whose practices are in qualitapa-modena
    assert set(practices["organization"]) == set(catalog.organizations) - {"036023"}
    assert practices["documents"].str.startswith("https://example.org/").all()


def test_suggestions_for_modena_on_a_benchmark_by_hand():
    # Modena last of five on average wait; Bergamo first, Trento second: Bergamo's practice
    # on the indicator is suggested, Milano's (another population class) is not
    import pandas as pd

    from qualitapa.indicators import benchmark
    from qualitapa.programme import suggest_practices

    values = pd.DataFrame({"organization": ["016024", "022205", "021008", "027042", "036023"],
                           "period": 2024, "indicator": "registry.average_wait",
                           "value": [5.9, 6.5, 7.0, 8.4, 8.9]})  # fmt: skip
    table = benchmark(values, definitions={"registry.average_wait": "lower_is_better"})
    found = suggest_practices(table, _club_sheets()["practices"], "036023")
    assert found["practice"].tolist() == ["BP-BG-01"]
    # relative gap (8.9 - 5.9) / (8.9 - 5.9) = 1: the worst of the comparison
    assert found["relative_gap"].item() == 1.0
