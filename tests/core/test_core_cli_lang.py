"""--lang on the commands that show labels, and labelled Excel/CSV exports (issue 15).

The registry, libraries and nurseries plugins have a German text for every
label, and the qclub plugin names Bolzano "Bozen" in German: a German
output shows those and none of the Italian labels of the same items. CSV and
JSON keep the same English column names in every language; only the label
values change, the ids stay in their own columns.
"""

from __future__ import annotations

import io
import json
from importlib import import_module
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from qualitapa.catalog import default_catalog
from qualitapa.cli import cli
from qualitapa.reporting import check_datapackage, write_datapackage, write_excel
from qualitapa.testing import isolated_plugins

SERVICES = ("registry", "libraries", "nurseries")
BOLZANO = "021008"


@pytest.fixture
def plugins():
    with isolated_plugins([*SERVICES, "qclub"]):
        yield default_catalog()


def _demo(plugin: str, name: str) -> Path:
    module = import_module(f"qualitapa_{plugin}")
    return Path(module.__file__).parent / "demo" / name


def _run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output + result.stderr
    return result.stdout


def _only_german(out: str, labels) -> None:
    """Every label's German text is in ``out``, its Italian text (when different) is not."""
    for label in labels:
        assert label.de, label
        assert label.de in out, label.de
        if label.it != label.de and label.it not in label.de:
            assert label.it not in out, label.it


def _csv(out: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(out), dtype=str, keep_default_na=False)


@pytest.mark.parametrize("service", SERVICES)
def test_indicators_list_in_german(plugins, service):
    items = plugins.indicators.by_service(service)
    out = _run("indicators", "list", "-s", service, "--lang", "de")
    _only_german(out, [d.label for d in items])
    assert "Bezeichnung" in out  # headers for people in German
    assert "polarity" not in out
    assert "higher_is_better" not in out  # codes as words
    table = _csv(_run("indicators", "list", "-s", service, "--lang", "de", "--format", "csv"))
    assert list(table.columns[:3]) == ["id", "label", "service"]  # machine names unchanged
    assert table["label"].tolist() == [d.label.de for d in items]
    assert set(table["polarity"]) <= {"higher_is_better", "lower_is_better", "neutral"}


def test_indicators_list_json_keeps_the_names_and_italian_is_the_default(plugins):
    rows = json.loads(_run("indicators", "list", "-s", "nurseries", "--format", "json"))
    items = plugins.indicators.by_service("nurseries")
    assert [r["label"] for r in rows] == [d.label.it for d in items]
    rows = json.loads(
        _run("indicators", "list", "-s", "nurseries", "--format", "json", "--lang", "de")
    )
    assert [r["label"] for r in rows] == [d.label.de for d in items]
    assert "label_en" not in rows[0]


def test_indicators_show_in_german(plugins):
    d = plugins.indicators["registry.average_wait"]
    out = _run("indicators", "show", d.id, "--lang", "de")
    assert d.label.de in out
    assert d.label.it not in out
    assert d.description is not None
    assert d.description.de in out


def test_services_and_complaint_categories_in_german(plugins):
    out = _run("services", "--lang", "de")
    _only_german(out, [s.label for s in plugins.services.values()])
    for service in SERVICES:
        out = _run("complaints", "categories", "-s", service, "--lang", "de")
        categories = [c for c in plugins.complaint_categories.values() if c.service == service]
        assert categories
        _only_german(out, [c.label for c in categories])
        assert "Kategorie" in out or "Bezeichnung" in out


@pytest.mark.parametrize("service", SERVICES)
def test_computed_values_name_organizations_and_indicators_in_german(plugins, service):
    data = _demo(service, "indicator_data.csv")
    args = ("indicators", "compute", str(data), "-s", service, "--lang", "de")
    table = _csv(_run(*args, "--format", "csv"))
    assert list(table.columns) == [
        "organization", "organization_name", "period", "indicator", "indicator_label",
        "value", "status",
    ]  # fmt: skip
    labels = {d.id: d.label.de for d in plugins.indicators.by_service(service)}
    assert (table["indicator_label"] == table["indicator"].map(labels)).all()
    if BOLZANO in set(table["organization"]):
        assert set(table.loc[table["organization"] == BOLZANO, "organization_name"]) == {"Bozen"}
    # the same columns in Italian, with the Italian labels
    italian = _csv(_run(*args[:-2], "--format", "csv"))
    assert list(italian.columns) == list(table.columns)
    assert (italian["organization"] == table["organization"]).all()
    assert "Bozen" not in set(italian["organization_name"])


def test_benchmark_table_and_csv_in_german(plugins):
    data = _demo("registry", "indicator_data.csv")
    out = _run("benchmark", str(data), "-s", "registry", "-p", "2024", "--lang", "de")
    # the indicators raw data compute (not those measured by the survey or the complaints)
    computed = [d for d in plugins.indicators.by_service("registry") if d.source is None]
    _only_german(out, [d.label for d in computed])
    assert "Bozen" in out
    assert "Bolzano" not in out
    assert "Vergleich der Körperschaften" in out
    assert "organization" not in out.splitlines()[2]  # the header row
    table = _csv(
        _run("benchmark", str(data), "-s", "registry", "-p", "2024", "--lang", "de",
             "--format", "csv")
    )  # fmt: skip
    assert {"organization", "organization_name", "indicator", "indicator_label", "rank"} <= set(
        table.columns
    )
    assert set(table.loc[table["organization"] == BOLZANO, "organization_name"]) == {"Bozen"}


def test_composite_in_german(plugins):
    definition = plugins.composites["registry.index"]
    data = _demo("registry", "indicator_data.csv")
    args = ("composite", str(data), "--index", definition.id, "-p", "2024", "--show", "all")
    out = _run(*args, "--lang", "de")
    assert definition.label.de in out
    assert definition.label.it not in out
    _only_german(out, [c.label for c in definition.components if c.label is not None])
    assert "Bozen" in out
    table = _csv(_run(*args, "--lang", "de", "--format", "csv"))
    assert {"index", "label", "organization_name"} <= set(table.columns)


def test_survey_scores_and_ipa_in_german(plugins):
    inst = plugins.instruments["registry.counter"]
    responses = _demo("registry", "survey_responses.csv")
    base = ("survey", "score", inst.id, str(responses), "--by", "organization")
    out = _run(*base, "--lang", "de")
    _only_german(out, [d.label for d in inst.dimensions])
    assert "Bozen" in out
    table = _csv(_run(*base, "--lang", "de", "--format", "csv"))
    assert "label" in table.columns
    assert "label_en" not in table.columns
    labels = {d.id: d.label.de for d in inst.dimensions} | {"overall": "Gesamtzufriedenheitsindex"}
    assert (table["label"] == table["dimension"].map(labels)).all()
    assert "overall" in set(table["dimension"])
    scored = [q for q in inst.questions if q.id in set(table.columns) or q.dimension]
    out = _run(*base, "--level", "items", "--lang", "de")
    _only_german(out, [q.label for q in scored])
    out = _run("survey", "ipa", inst.id, str(responses), "--lang", "de")
    assert "Quadrant" in out
    assert "concentrate_here" not in out


def test_survey_benchmark_grid_names_the_cities_in_german(plugins):
    inst = plugins.instruments["registry.counter"]
    responses = _demo("registry", "survey_responses.csv")
    out = _run("survey", "benchmark", inst.id, str(responses), "--lang", "de")
    assert "Bozen" in out
    assert BOLZANO not in out
    table = _csv(_run("survey", "benchmark", inst.id, str(responses), "--lang", "de",
                      "--format", "csv"))  # fmt: skip
    assert BOLZANO in table.columns  # machines keep the codes


def _form(plugins, tmp_path):
    inst = next(i for i in plugins.instruments.values() if i.id.startswith("libraries"))
    form = tmp_path / "form.xlsx"
    inst.to_xlsform(form, languages=("it", "en", "de"))
    return inst, form


def test_import_xlsform_lists_questions_in_the_language(plugins, tmp_path):
    inst, form = _form(plugins, tmp_path)
    table = _csv(_run("survey", "import-xlsform", str(form), "--lang", "en", "--format", "csv"))
    assert table["label"].tolist() == [q.label.en for q in inst.questions]
    assert "Bezeichnung" in _run("survey", "import-xlsform", str(form), "--lang", "de")


def test_import_xlsform_lists_questions_in_german(plugins, tmp_path):
    inst, form = _form(plugins, tmp_path)
    out = _run("survey", "import-xlsform", str(form), "--lang", "de", "--format", "csv")
    _only_german(out, [q.label for q in inst.questions])


def test_complaints_in_german(plugins, tmp_path):
    db = tmp_path / "c.db"
    data = _demo("registry", "complaints.csv")
    CliRunner().invoke(cli, ["complaints", "import", str(data), "--db", str(db), "--create"])
    categories = [c for c in plugins.complaint_categories.values() if c.service == "registry"]
    out = _run("complaints", "pareto", "--db", str(db), "--lang", "de")
    used = set(_csv(_run("complaints", "pareto", "--db", str(db), "--format", "csv"))["category"])
    _only_german(out, [c.label for c in categories if c.id in used])
    exported = _csv(_run("complaints", "export", "--db", str(db), "--lang", "de"))
    assert {"service_label", "category_label", "organization_name"} <= set(exported.columns)
    assert set(exported.loc[exported["organization"] == BOLZANO, "organization_name"]) == {"Bozen"}
    first = exported.iloc[0]
    shown = _run("complaints", "show", first["id"], "--db", str(db), "--lang", "de")
    category = plugins.complaint_categories[first["category"]].label
    assert f"{category.de} ({first['category']})" in shown
    assert category.it not in shown
    # without --lang: the register's own layout, which import reads back
    plain = _csv(_run("complaints", "export", "--db", str(db)))
    assert "category_label" not in plain.columns


def _values(plugins) -> pd.DataFrame:
    ids = [d.id for d in plugins.indicators.by_service("registry")][:2]
    return pd.DataFrame(
        {"organization": [BOLZANO, "036023"], "period": 2024, "indicator": ids, "value": [1, 2]}
    )


def test_excel_read_back_has_german_labels_and_the_ids(plugins, tmp_path):
    values = _values(plugins)
    path = write_excel(
        {"values": values}, tmp_path / "out.xlsx", catalog=plugins, lang="de",
        descriptions={"values": "Werte"},
    )  # fmt: skip
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Inhalt", "values"]
    assert [c.value for c in wb["Inhalt"][1]] == ["Blatt", "Beschreibung"]
    rows = [[c.value for c in row] for row in wb["values"].iter_rows()]
    assert rows[0] == [
        "organization", "organization_name", "period", "indicator", "indicator_label", "value",
    ]  # fmt: skip
    labels = [plugins.indicators[i].label for i in values["indicator"]]
    assert [r[1] for r in rows[1:]] == ["Bozen", "Modena"]
    assert [r[4] for r in rows[1:]] == [label.de for label in labels]
    assert all(label.it not in str(rows) for label in labels if label.it != label.de)


def test_excel_without_catalog_is_unchanged(tmp_path):
    frame = pd.DataFrame({"organization": [BOLZANO], "value": [1.0]})
    wb = openpyxl.load_workbook(write_excel({"v": frame}, tmp_path / "x.xlsx"))
    assert [c.value for c in wb["v"][1]] == ["organization", "value"]


def test_open_data_csv_names_bolzano_bozen_in_german(plugins, tmp_path):
    path = write_datapackage(
        {"values": _values(plugins)}, tmp_path, name="demo", catalog=plugins, lang="de",
        primary_keys={"values": ["organization", "period", "indicator"]},
    )  # fmt: skip
    assert check_datapackage(tmp_path).empty
    table = pd.read_csv(tmp_path / "values.csv", dtype=str)
    assert table["organization_name"].tolist() == ["Bozen", "Modena"]
    assert table["organization"].tolist() == [BOLZANO, "036023"]  # ids stay
    fields = json.loads(path.read_text())["resources"][0]["schema"]["fields"]
    described = {f["name"]: f.get("description", "") for f in fields}
    assert "language: de" in described["indicator_label"]
    assert "language: de" in described["organization_name"]


def test_a_malformed_language_is_refused(plugins, tmp_path):
    result = CliRunner().invoke(cli, ["indicators", "list", "--lang", "Deutsch"])
    assert result.exit_code == 2
    with pytest.raises(ValueError, match="Deutsch"):
        write_excel({"v": pd.DataFrame({"a": [1]})}, tmp_path / "x.xlsx", lang="Deutsch")
