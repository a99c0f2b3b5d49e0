"""``qualitapa catalog``: every kind listed and shown, on the installed plugins' catalog.

Counts and ids are checked against the catalog's collections, never written
down: a plugin that grows keeps the tests true.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from qualitapa.catalog import KINDS, Catalog
from qualitapa.cli import cli
from qualitapa.errors import OptionError, UnknownItemError
from qualitapa.plugins import entry_point_names
from qualitapa.testing import isolated_plugins

KIND_NAMES = [k.name for k in KINDS]


@pytest.fixture(scope="module")
def plugins():
    """Every installed plugin (the repository's: registry, qclub, bolzano...)."""
    names = sorted(entry_point_names())
    assert {"registry", "qclub", "bolzano"} <= set(names)
    return names


@pytest.fixture
def catalog(plugins):
    """The catalog the command sees, with every installed plugin loaded."""
    with isolated_plugins(plugins):
        yield Catalog.build(skip_failing=True)


def run(args, *, width=80, ok=True):
    result = CliRunner().invoke(cli, args, env={"COLUMNS": str(width)})
    if ok:
        assert result.exit_code == 0, result.output
    return result


def lines_fit(text: str, width: int) -> None:
    too_long = [line for line in text.splitlines() if len(line) > width]
    assert not too_long, "\n".join(too_long)


def test_every_kind_has_items(catalog):
    # the catalog tests below say nothing of a kind no installed plugin defines
    assert all(len(catalog.collection(kind)) for kind in KIND_NAMES)


def test_the_summary_counts_each_kind_and_names_its_plugins(catalog):
    rows = json.loads(run(["catalog", "--format", "json"]).stdout)
    assert [r["kind"] for r in rows] == KIND_NAMES
    for row in rows:
        coll = catalog.collection(row["kind"])
        assert row["count"] == len(coll)
        assert row["plugins"].split(", ") == sorted({coll.plugin_of(i) for i in coll})
    lines_fit(run(["catalog"]).output, 80)
    table = run(["catalog"], width=200).output
    assert "Categorie di reclamo" in table
    assert "complaint_categories" in table


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_each_kind_lists_every_item(kind, catalog):
    rows = json.loads(run(["catalog", kind, "--format", "json"]).stdout)
    coll = catalog.collection(kind)
    if kind == "instruments":  # one row per question
        assert len(rows) == sum(len(i.questions) for i in coll.values())
        assert {r["instrument"] for r in rows} == set(coll)
    elif kind == "peer_groups":  # one row per member
        populations = catalog.populations()
        members = {(g.id, o) for g in coll.values() for o in g.assign(populations)}
        assert {(r["id"], r["organization"]) for r in rows} == members
    else:
        assert [r["id"] for r in rows] == list(coll)
    for row in rows:
        owner = row.get("id") if kind != "instruments" else row["instrument"]
        assert row["plugin"] == coll.plugin_of(owner)
    for width in (80, 200):
        lines_fit(run(["catalog", kind.replace("_", "-")], width=width).output, width)


def test_the_columns_say_what_the_issue_asks(catalog):
    def rows(kind, *extra):
        return json.loads(run(["catalog", kind, "--format", "json", *extra]).stdout)

    bolzano = next(r for r in rows("organizations") if r["id"] == "021008")
    assert "Bozen" in bolzano["names"]
    assert bolzano["province"] == "BZ"
    assert bolzano["population"] == catalog.organizations["021008"].population
    assert "021008.centro" in bolzano["offices"]
    tickets = next(r for r in rows("variables") if r["id"] == "registry.counter_tickets")
    using = sorted(d.id for d in catalog.indicators.values() if tickets["id"] in d.variables)
    assert tickets["indicators"].split(", ") == using
    assert tickets["type"] == "integer"
    skip = [r for r in rows("instruments") if r["relevant"]]
    assert skip
    assert all(r["question"] for r in skip)
    assert all(r["answers"] for r in rows("instruments") if r["type"] == "likert")
    loan = next(r for r in rows("standards") if r["id"] == "libraries.std.interlibrary_loan")
    assert loan["target"] == "al massimo 15 giorni lavorativi"
    assert loan["required_share"] == catalog.standards[loan["id"]].required_share
    assert "3" in loan["refund"]
    assert loan["scope"] == "specific"
    categories = rows("complaint_categories")
    cats = catalog.complaint_categories
    for row in categories:  # its own deadline, else its nearest parent's, said which
        if cats[row["id"]].deadline is not None:
            assert row["deadline_of"] == row["id"]
        if row["deadline_of"]:
            assert row["deadline_days"] == cats[row["deadline_of"]].deadline.days
        else:
            assert row["deadline_days"] is None
    inherited = [r for r in categories if r["deadline_of"] not in ("", r["id"])]
    assert inherited
    assert all(cats[r["id"]].deadline is None for r in inherited)
    datasets = rows("datasets")
    assert all(str(catalog.datasets[r["id"]].path) == r["path"] for r in datasets)


def test_filters_by_service_and_organization(catalog):
    rows = json.loads(run(["catalog", "indicators", "-s", "registry", "--format", "json"]).stdout)
    expected = [d.id for d in catalog.indicators.by_service("registry")]
    assert [r["id"] for r in rows] == expected
    # the filter given before the kind applies too
    before = json.loads(run(["catalog", "-s", "registry", "indicators", "--format", "json"]).stdout)
    assert before == rows
    mine = json.loads(run(["catalog", "standards", "--organization", "Bolzano",
                           "--format", "json"]).stdout)  # fmt: skip
    assert {r["organizations"] for r in mine} <= {"", "021008"}
    assert any(r["organizations"] == "021008" for r in mine)
    others = {s.id for s in catalog.standards.values() if s.organizations
              and "021008" not in s.organizations}  # fmt: skip
    assert others
    assert not others & {r["id"] for r in mine}


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_show_gives_an_item_of_each_kind_in_full(kind, catalog):
    coll = catalog.collection(kind)
    item_id = next(i for i in coll if len(catalog.kinds_of(i)) == 1)
    found = json.loads(run(["catalog", "show", item_id, "--format", "json"]).stdout)
    assert (found["id"], found["kind"]) == (item_id, kind)
    assert found["source"]["plugin"] == coll.plugin_of(item_id)
    assert found["source"]["file"].endswith(".toml")
    assert found["source"]["line"] >= 1
    for width in (80, 200):
        shown = run(["catalog", "show", item_id], width=width).output
        lines_fit(shown, width)
        assert item_id in shown


def test_every_item_round_trips_through_json(catalog):
    # what `catalog show --format json` prints is the definition itself: read back by the
    # model's own reader, it gives the catalog's item again (every field, every language)
    for kind in KINDS:
        model = kind.model_class()
        for item_id, item in catalog.collection(kind.name).items():
            found = json.loads(json.dumps(catalog.item(item_id, kind.name)))
            assert model.from_mapping(found["definition"]) == item, (kind.name, item_id)


def test_show_json_is_the_library_item(catalog):
    printed = json.loads(
        run(["catalog", "show", "registry.average_wait", "--format", "json"]).stdout
    )
    assert printed == json.loads(json.dumps(catalog.item("registry.average_wait")))
    assert printed["related"]["variables"] == sorted(
        catalog.indicators["registry.average_wait"].variables
    )


def test_show_names_what_extends_an_item(catalog):
    extended = [(k, i) for k in KIND_NAMES for i in catalog.collection(k)
                if catalog.collection(k).extended_by(i)]  # fmt: skip
    assert extended
    kind, item_id = extended[0]
    found = catalog.item(item_id, kind)
    plugins = [s["plugin"] for s in found["extended_by"]]
    assert plugins == catalog.collection(kind).extended_by(item_id)
    assert all(s["file"] and s["line"] for s in found["extended_by"])


def test_an_unknown_id_is_an_error_with_the_closest_ids(catalog):
    result = run(["catalog", "show", "registry.averag_wait"], ok=False)
    assert result.exit_code == 1
    assert "registry.average_wait" in result.output
    with pytest.raises(UnknownItemError) as err:
        catalog.item("registry.averag_wait")
    assert err.value.suggestions[0] == "registry.average_wait"


def test_an_unknown_kind_is_a_usage_error_with_the_closest(catalog):
    result = run(["catalog", "peer_group"], ok=False)
    assert result.exit_code == 2
    assert "peer_groups" in result.output


def test_an_id_of_several_kinds_asks_for_the_kind(catalog):
    shared = [i for k in KIND_NAMES for i in catalog.collection(k) if len(catalog.kinds_of(i)) > 1]
    assert shared
    kinds = catalog.kinds_of(shared[0])
    result = run(["catalog", "show", shared[0]], ok=False)
    assert result.exit_code == 2
    assert all(f"--kind {k}" in result.output for k in kinds)
    with pytest.raises(OptionError):
        catalog.item(shared[0])
    for kind in kinds:
        found = json.loads(run(["catalog", "show", shared[0], "--kind", kind,
                                "--format", "json"]).stdout)  # fmt: skip
        assert found["kind"] == kind


def test_an_organization_is_shown_by_its_name_in_any_language(catalog):
    found = json.loads(run(["catalog", "show", "Bozen", "--format", "json"]).stdout)
    assert (found["kind"], found["id"]) == ("organizations", "021008")


def test_german_labels(catalog):
    listed = run(["catalog", "organizations", "--lang", "de"], width=200).output
    assert "Bozen" in listed
    assert "Bolzano" not in listed.split("Bozen")[0].splitlines()[-1]
    services = run(["catalog", "services", "--lang", "de"], width=200).output
    assert "Bezeichnung" in services.splitlines()[0]
    assert catalog.services["registry"].label.get("de") in services
    shown = run(["catalog", "show", "registry.average_wait", "--lang", "de"], width=200).output
    assert "Durchschnittliche Wartezeit am Schalter" in shown
    assert "niedriger ist besser" in shown  # the polarity in words, not lower_is_better
    assert "lower_is_better" not in shown


def test_definitions_files_are_listed_with_their_file(catalog, tmp_path):
    toml = tmp_path / "groups.toml"
    toml.write_text(
        '[[peer_groups]]\nid = "alpine"\nlabel = { it = "Città alpine", de = "Alpenstädte" }\n'
        'members = { "021008" = "alpine", "022205" = "alpine" }\n',
        encoding="utf-8",
    )
    rows = json.loads(run(["catalog", "peer_groups", "-d", str(toml), "--format", "json"]).stdout)
    assert {r["organization"] for r in rows if r["id"] == "alpine"} == {"021008", "022205"}
    found = json.loads(run(["catalog", "show", "alpine", "-d", str(toml),
                            "--format", "json"]).stdout)  # fmt: skip
    assert found["source"] == {"plugin": "definitions", "file": str(toml), "line": 1}
    before = run(["catalog", "-d", str(toml), "show", "alpine", "--format", "json"]).stdout
    assert json.loads(before) == found


def test_the_table_goes_to_a_file(catalog, tmp_path):
    out = tmp_path / "variables.csv"
    run(["catalog", "variables", "-o", str(out)])
    assert out.read_text(encoding="utf-8").splitlines()[0].startswith("id,label,service,")
    shown = tmp_path / "wait.json"
    run(["catalog", "show", "registry.average_wait", "-o", str(shown)])
    assert json.loads(shown.read_text(encoding="utf-8"))["id"] == "registry.average_wait"


def test_the_shell_completes_the_ids_of_every_kind(catalog):
    def complete(words):
        env = {"_QUALITAPA_COMPLETE": "bash_complete", "COMP_WORDS": words,
               "COMP_CWORD": str(len(words.split()) - 1)}  # fmt: skip
        result = CliRunner().invoke(cli, [], env=env, prog_name="qualitapa")
        return [line.split(",", 1)[1] for line in result.output.splitlines()]

    assert complete("qualitapa catalog show registry.av") == ["registry.average_wait"]
    assert "libraries.collection" in complete("qualitapa catalog show --kind variables libraries.")
    assert complete("qualitapa catalog peer") == ["peer_groups"]
