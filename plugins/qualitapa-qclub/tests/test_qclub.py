"""The Q-Club plugin: eight cities with ISTAT codes and a population-class grouping."""

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
