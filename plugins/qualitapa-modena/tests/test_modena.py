"""qualitapa-modena: the worked example of a city plugin."""

from importlib.resources import files

import pandas as pd
import pytest

from qualitapa.caf import consolidate, validate_scores
from qualitapa.complaints import DeadlinePolicy, WorkCalendar, add_deadlines
from qualitapa.errors import DefinitionError
from qualitapa.indicators import compute
from qualitapa.standards import compliance, render_markdown
from qualitapa.testing import (
    assert_plugin_ok,
    assert_plugin_translated,
    catalog_with,
    load_installed_plugin,
)

#: Modena overrides and replaces items these plugins define, so it is checked with them.
BASE = ["qclub", "registry"]
MODENA = "036023"
DEMO = files("qualitapa_modena") / "demo"


@pytest.fixture(scope="module")
def catalog():
    return catalog_with(("modena", load_installed_plugin("modena")), installed=BASE)


def test_definitions_are_valid():
    assert_plugin_ok(load_installed_plugin("modena"), installed=BASE)


def test_every_label_in_english_and_german():
    # A German (Bolzano-style) or English report of Modena's local service, indicators,
    # datasets and charter content falls back to Italian nowhere (issue 15); the charter
    # contents of the libraries and nurseries charters need those plugins installed.
    catalog = assert_plugin_translated(
        load_installed_plugin("modena"), ("en", "de"), installed=[*BASE, "libraries", "nurseries"]
    )
    local = [d for i, d in catalog.indicators.items() if i.startswith("modena.")]
    assert len(local) == 3
    assert all(d.label.de != d.label.it and d.description.de for d in local)


def test_organization_record_is_enriched_by_override(catalog):
    org = catalog.organizations[MODENA]
    assert catalog.organizations.plugin_of(MODENA) == "modena"
    assert (org.name, org.istat_code, org.province) == ("Modena", "036023", "MO")
    assert org.attributes["area_km2"] == 183.19
    # the other seven Q-Club cities are untouched
    assert len(catalog.organizations) == 8
    assert catalog.organizations.plugin_of("022205") == "qclub"


def test_without_qclub_the_override_has_nothing_to_replace():
    # why pyproject.toml depends on qualitapa-qclub: overriding an item that no plugin
    # defines is an error
    with pytest.raises(DefinitionError, match="no plugin defines"):
        catalog_with(("modena", load_installed_plugin("modena")), installed=["registry"])


def test_patron_saint_holiday_moves_working_day_deadlines(catalog):
    # holidays.Italy(subdiv="MO") includes 31 January, San Geminiano
    calendar = WorkCalendar(catalog.organizations[MODENA].province)
    assert calendar.is_working_day(["2024-01-30", "2024-01-31"]).tolist() == [True, False]
    assert WorkCalendar().is_working_day(["2024-01-31"]).tolist() == [True]
    complaints = pd.DataFrame(
        {
            "organization": [MODENA, "022205"],  # Modena, Trento
            "received_at": pd.to_datetime(["2024-01-30 10:00", "2024-01-30 10:00"]),
        }
    )
    calendars = {o.id: WorkCalendar(o.province) for o in catalog.organizations.values()}
    out = add_deadlines(
        complaints,
        policy=DeadlinePolicy(default={"days": 10, "unit": "working"}),
        calendar=calendars,
    )
    # received Tue 30 Jan 2024, 10 working days.
    # Trento: 31/1, 1/2, 2/2, 5/2, 6/2, 7/2, 8/2, 9/2, 12/2, 13/2 -> due Tue 13 Feb
    # Modena: 31/1 is San Geminiano, so the 10th working day is Wed 14 Feb
    assert out["due_date"].dt.strftime("%Y-%m-%d").tolist() == ["2024-02-14", "2024-02-13"]


GENERAL = "registry.std.served_within_10min"
LOCAL = "modena.std.served_within_10min"
TRENTO, MILANO = "022205", "015146"


def test_stricter_charter_target_is_a_local_standard(catalog):
    # the registry plugin's standard is untouched: it still applies to every other city
    assert catalog.standards.plugin_of(GENERAL) == "registry"
    assert str(catalog.standards[GENERAL].target) == ">= 80"
    assert catalog.standards[GENERAL].organizations == ()
    std = catalog.standards[LOCAL]
    assert catalog.standards.plugin_of(LOCAL) == "modena"
    assert (std.organizations, std.replaces, str(std.target)) == ((MODENA,), GENERAL, ">= 90")
    # it measures what the registry standard measures
    base = catalog.standards[GENERAL]
    for field in ("service", "dimension", "scope", "indicator", "unit", "aggregate"):
        assert getattr(std, field) == getattr(base, field), field
    assert MILANO in catalog.organizations
    assert TRENTO in catalog.organizations


def test_compliance_judges_modena_against_90_and_the_others_against_80(catalog):
    values = pd.DataFrame(
        {
            "organization": [MODENA, TRENTO, MILANO],
            "period": 2024,
            "indicator": "registry.served_within_10min",
            "value": [85.0, 85.0, 79.0],
        }
    )
    result = compliance(catalog.standards, indicator_values=values)
    # the other registry standards have no data here: one row each, without organization
    rows = result[result["organization"] != ""]
    got = rows.set_index("organization")[["standard", "target", "margin", "met"]]
    # Modena: 85 - 90 = -5, missed; Trento: 85 - 80 = +5, met; Milano: 79 - 80 = -1, missed
    assert got.loc[MODENA].tolist() == [LOCAL, ">= 90", -5.0, False]
    assert got.loc[TRENTO].tolist() == [GENERAL, ">= 80", 5.0, True]
    assert got.loc[MILANO].tolist() == [GENERAL, ">= 80", -1.0, False]
    assert len(got) == 3  # the general standard is not evaluated for Modena


def test_charter_rendered_for_modena_shows_its_target(catalog):
    charter = catalog.charters["registry.charter"]
    assert GENERAL in charter.standards
    mo = render_markdown(charter, catalog.standards, organization=MODENA)
    tn = render_markdown(charter, catalog.standards, organization=TRENTO)
    assert "Il 90% degli utenti chiamato allo sportello entro 10 minuti" in mo
    assert "almeno 90%" in mo
    assert "L'80% degli utenti" not in mo
    assert "almeno 80%" in tn
    assert "Il 90% degli utenti" not in tn


def test_local_service_hangs_under_the_registry(catalog):
    assert catalog.services["modena.appointments"].parent == "registry"
    ids = {i.id for i in catalog.indicators.by_service("registry")}
    assert "modena.appointments.no_show_rate" in ids


def test_local_indicators_by_hand(catalog):
    data = pd.DataFrame(
        {
            "organization": [MODENA],
            "period": [2024],
            "modena.appointments.booked": [50_000],
            "modena.appointments.booked_online": [36_000],
            "modena.appointments.no_shows": [2_500],
            "modena.appointments.lead_days": [6.5],
        }
    )
    ids = ["modena.appointments.no_show_rate", "modena.appointments.online_share",
           "modena.appointments.lead_time"]  # fmt: skip
    out = compute(ids, data, catalog=catalog).set_index("indicator")["value"]
    assert out["modena.appointments.no_show_rate"] == pytest.approx(5.0)  # 2,500 / 50,000 * 100
    assert out["modena.appointments.online_share"] == pytest.approx(72.0)  # 36,000 / 50,000 * 100
    assert out["modena.appointments.lead_time"] == pytest.approx(6.5)
    assert catalog.indicators["modena.appointments.no_show_rate"].target.met([5.0]).tolist() == [
        True
    ]


def test_demo_indicator_data(catalog):
    with DEMO.joinpath("indicator_data.csv").open(encoding="utf-8") as fh:
        data = pd.read_csv(fh, dtype={"organization": str})
    assert set(data["organization"]) == {MODENA}
    variables = {v.id for v in catalog.variables.by_service("modena.appointments")}
    assert set(data["variable"]) == variables
    assert sorted(data["period"].unique()) == list(range(2016, 2025))
    values = compute(catalog.indicators.by_service("modena.appointments"), data, catalog=catalog)
    no_show = values[values["indicator"] == "modena.appointments.no_show_rate"].set_index("period")
    assert no_show.loc[2016, "status"] == "missing_variable"  # one value left out on purpose
    assert no_show.loc[2017:, "value"].between(0, 30).all()


def test_demo_caf_scores_are_in_the_layout_qualitapa_caf_reads(catalog):
    dataset = catalog.datasets["modena.demo.caf_scores"]
    assert dataset.kind == "caf_scores"
    assert dataset.synthetic
    with dataset.path.open(encoding="utf-8") as fh:
        scores = pd.read_csv(fh, dtype=str, keep_default_na=False)
    clean, problems = validate_scores(scores, source=str(dataset.path), mode="strict")
    assert problems.empty  # complete: all 28 sub-criteria
    assert clean.attrs["caf_method"] == "classical"
    assert len(clean) == 5 * 28
    assert clean["assessor"].nunique() == 5
    scored = clean[~clean["not_assessed"]]
    assert (scored[["evidence", "strengths", "improvements"]] != "").all().all()
    result = consolidate(scores)
    assert len(result) == 28
    # some assessors disagree by more than a CAF band (20 points) somewhere
    assert 3 <= int(result["disagreement"].sum()) <= 10
    assert result.set_index("subcriterion").loc["8.2", "n_not_assessed"] == 1
