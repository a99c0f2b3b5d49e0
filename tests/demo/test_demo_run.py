"""The end-to-end demo on the installed Q-Club plugins (README's main job)."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from click.testing import CliRunner

from qualitapa.catalog import Catalog
from qualitapa.cli import cli
from qualitapa.demo import fitted_profiles, run_demo
from qualitapa.errors import DataError
from qualitapa.io import read_table
from qualitapa.testing import isolated_plugins

from .conftest import PLUGINS

# the session demo run (tests/demo/conftest.py) and the national scale
pytestmark = pytest.mark.slow


def test_demo_writes_every_result(demo):
    out, _, output = demo
    expected = [
        "indicator_values.csv",
        "indicator_benchmark.csv",
        "indicator_trends.csv",
        "composite_ranks.csv",
        "dea_scores.csv",
        "survey_dimensions.csv",
        "survey_reliability.csv",
        "survey_ipa.csv",
        "complaint_kpis.csv",
        "complaint_trend.csv",
        "complaint_kpis_by_service.csv",
        "complaint_trend_by_service.csv",
        "charter_compliance.csv",
        "refunds_due.csv",
        "caf_scores.csv",
        "improvement_plan.csv",
        "summary.md",
        "report-registry-2024.html",
        "opendata/datapackage.json",
        "results.xlsx",
        "site/index.html",
        "site/citta/modena.html",
    ]
    for name in expected:
        assert (out / name).is_file(), name
    assert "[9/10] rapporti, dati aperti ed Excel" in output  # in the demo's language
    summary = (out / "summary.md").read_text()
    for heading in (
        "## Migliori risultati",
        "## Soddisfazione dei cittadini",
        "## Reclami",
        "## Carte dei servizi",
        "## Autovalutazione CAF",
        "## Piano di miglioramento",
    ):
        assert heading in summary  # in Italian, the demo's default language


def test_indicator_values_match_hand_computation_from_the_raw_demo_data(demo):
    out, catalog, _ = demo
    raw = read_table(catalog.datasets["registry.demo.indicators"].path)
    modena = raw[(raw["organization"] == "036023") & (raw["period"] == 2024)].set_index("variable")[
        "value"
    ]
    values = read_table(out / "indicator_values.csv")
    got = values[(values["organization"] == "036023") & (values["period"] == 2024)].set_index(
        "indicator"
    )["value"]
    definition = catalog.indicators["registry.certificates_per_fte"]
    # certificates per FTE = certificates / registry staff (FTE), straight from the raw file
    expected = modena["registry.certificates"] / modena["registry.fte"] * definition.scale
    assert got["registry.certificates_per_fte"] == pytest.approx(expected)


def test_survey_and_complaint_counts_match_the_demo_files(demo):
    out, catalog, _ = demo
    complaints = read_table(catalog.datasets["registry.demo.complaints"].path)
    kpis = read_table(out / "complaint_kpis.csv")
    assert kpis["received"].sum() == len(complaints)  # 1,721 synthetic complaints
    assert set(kpis["organization"]) == set(complaints["organization"])
    # the full event history is imported: reopenings counted in the KPIs are the
    # complaints with a "reopened" event in the events file
    events = read_table(catalog.datasets["registry.demo.complaint_events"].path)
    reopened = events.loc[events["to_status"] == "reopened", "complaint_id"].nunique()
    assert reopened > 0
    assert kpis["reopened"].sum() == reopened
    responses = read_table(catalog.datasets["registry.demo.survey"].path)
    problems = read_table(out / "survey_problems.csv")
    dims = read_table(out / "survey_dimensions.csv")
    overall = dims[dims["dimension"] == "overall"]
    assert len(overall) == 8  # one overall index per Q-Club city
    assert ((overall["index"] >= 0) & (overall["index"] <= 100)).all()
    assert (overall["ci_low"] < overall["index"]).all()
    assert problems["row"].nunique() + overall["n"].sum() >= len(responses) - 1


def test_open_data_package_validates(demo):
    from qualitapa.reporting import validate_datapackage

    out, _, _ = demo
    assert validate_datapackage(out / "opendata").empty
    descriptor = json.loads((out / "opendata" / "datapackage.json").read_text())
    names = {r["name"] for r in descriptor["resources"]}
    assert {"indicator_values", "indicators", "complaint_kpis", "survey_dimensions"} <= names


def test_report_has_the_demo_sections(demo):
    out, _, _ = demo
    html = (out / "report-registry-2024.html").read_text()
    assert html.count('<svg role="img"') >= 12  # inline accessible SVG charts
    assert "Modena" in html


@pytest.mark.parametrize("service", ["libraries", "registry"])
def test_report_from_the_results_folder_keeps_to_its_service(demo, tmp_path, service):
    # issue 12, defect 9: `report --results DIR -s libraries` showed the registry's
    # survey, complaints, charter standards and DEA
    import html

    out, catalog, _ = demo
    page_path = tmp_path / "report.html"
    with isolated_plugins(PLUGINS):
        res = CliRunner().invoke(
            cli,
            ["report", "--results", str(out), "-s", service, "-p", "2024", "--no-charts",
             "-o", str(page_path)],
        )  # fmt: skip
    assert res.exit_code == 0, res.output
    raw = page_path.read_text(encoding="utf-8")
    page = html.unescape(raw)
    # every heading and table cell, as text: no other service's indicator or standard
    cells = {
        html.unescape(re.sub(r"<[^>]+>", " ", c)).split("  ")[0].strip()
        for c in re.findall(r"<(?:td|h3)[^>]*>(.*?)</(?:td|h3)>", raw)
    }
    others = [s for s in catalog.services if catalog.services[s].parent is None and s != service]
    for kind in ("indicators", "standards"):
        own = {i.label.get("it") for i in getattr(catalog, kind).by_service(service)}
        for other in others:
            for item in getattr(catalog, kind).by_service(other):
                label = item.label.get("it")
                assert label in own or label not in cells, (kind, item.id)
                assert item.id not in page, (kind, item.id)
    dea = read_table(out / "dea_scores.csv")
    if service not in set(dea["service"]):
        assert '<section id="dea">' not in page
    surveys = read_table(out / "survey_dimensions.csv")
    own_instruments = {i.id for i in catalog.instruments.by_service(service)}
    assert ('<section id="survey">' in page) == bool(own_instruments & set(surveys["instrument"]))
    complaints = read_table(out / "complaint_kpis_by_service.csv")
    family = {s for s in complaints["service"] if s == service or s.startswith(service + ".")}
    assert ('<section id="complaints">' in page) == bool(family)


def test_demo_without_plugins_says_what_to_install(tmp_path):
    with isolated_plugins([]):
        result = CliRunner().invoke(cli, ["demo", "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "install the plugins under plugins/" in result.output


def test_fitted_profiles_reproduce_growth_and_level():
    raw = pd.DataFrame(
        {
            "organization": ["a", "b"] * 3,
            "period": [2022, 2022, 2023, 2023, 2024, 2024],
            "variable": "loans",
            "value": [100.0, 400.0, 110.0, 440.0, 121.0, 484.0],
        }
    )
    prof = fitted_profiles(raw, {"a": 100, "b": 400})["loans"]
    # both cities lend 1 loan per inhabitant in 2022 and grow 10% a year
    assert prof.per_capita == pytest.approx(1.0)
    assert prof.trend == pytest.approx(0.1)
    empty = Catalog.build([], entrypoints=False)
    with pytest.raises(DataError, match="unknown scale"):
        run_demo(".", scale="regional", catalog=empty)


def test_national_scale_runs_on_a_synthetic_set_of_municipalities(tmp_path):
    # the full national set (7,896 municipalities) is exercised by `qualitapa demo
    # --scale national` and the benchmarks; here a smaller set keeps the suite fast
    with isolated_plugins(PLUGINS):
        catalog = Catalog.build()
    run_demo(tmp_path, catalog=catalog, scale="national", uncertainty_runs=5, national_size=400)
    values = read_table(tmp_path / "indicator_values.csv")
    assert values["organization"].nunique() == 400
    assert set(values["period"]) == {2024}
    # the largest synthetic municipality is Roma, with its real population
    assert "058091" in set(values["organization"])
    assert "best_performers" not in read_table(tmp_path / "indicator_benchmark.csv", nrows=1)
    summary = (tmp_path / "summary.md").read_text()
    assert "insieme nazionale sintetico di comuni, 2024" in summary
    trends = read_table(tmp_path / "indicator_trends.csv")
    assert trends["organization"].nunique() == 400
