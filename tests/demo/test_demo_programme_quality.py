"""The demo shows Modena's training, certification alerts and practice suggestions (issue 20).

Every line ``summary.md`` prints about them is recomputed here from the files the demo
wrote, and the training variables from the plugin's own sheets with plain pandas.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd
import pytest

from qualitapa.demo._steps_programme import TRAINING_VARIABLE_COLUMNS
from qualitapa.io import read_table
from qualitapa.programme import (
    ALERT_COLUMNS,
    CERTIFICATION_LABELS,
    NEEDS_COLUMNS,
    SUGGESTION_COLUMNS,
    TRAINING_HOURS_COLUMNS,
    AlertKind,
)

pytestmark = pytest.mark.slow  # the demo run

MODENA = "036023"
YEAR = 2024
TEXT = ["organization", "department", "practice_organization", "certificate", "audit", "finding"]


def table(out: Path, name: str) -> pd.DataFrame:
    frame = read_table(out / name, text_columns=TEXT)
    return frame


def summary_lines(out: Path) -> list[str]:
    return (out / "summary.md").read_text(encoding="utf-8").splitlines()


def it(value: float, digits: int) -> str:
    """A number as Italian writes it: 1.234,5 (thousands with '.', decimals with ',')."""
    return f"{value:,.{digits}f}".replace(",", "_").replace(".", ",").replace("_", ".")


def sheet(catalog, name: str) -> pd.DataFrame:
    """The programme sheet ``name`` every plugin ships, as read from its files."""
    paths = [d.path for d in catalog.datasets.values()
             if d.kind == "programme" and Path(d.path).stem == name]  # fmt: skip
    assert paths, f"no plugin ships the programme sheet {name}"
    return pd.concat([pd.read_csv(p, dtype=str) for p in paths], ignore_index=True)


def test_the_new_files_exist_with_their_columns(demo):
    out, _, _ = demo
    manifest = (out / "qualitapa-demo.json").read_text(encoding="utf-8")
    for name, columns in {
        "training_variables.csv": TRAINING_VARIABLE_COLUMNS,
        "training_hours.csv": TRAINING_HOURS_COLUMNS,
        "training_needs.csv": NEEDS_COLUMNS,
        "certification_alerts.csv": ALERT_COLUMNS,
        "practice_suggestions.csv": SUGGESTION_COLUMNS,
    }.items():
        assert list(read_table(out / name, nrows=1).columns) == list(columns), name
        assert f'"{name}"' in manifest


def test_training_variables_are_the_records_of_modena_and_feed_the_indicators(demo):
    out, catalog, _ = demo
    # independently of qualitapa.programme: the sessions of 2024, an attendance's hours
    # (blank: the whole session), people with an hour counted once, the headcount's sum
    sessions = sheet(catalog, "course_sessions")
    sessions = sessions[(sessions["organization"] == MODENA)
                        & sessions["date"].str.startswith(str(YEAR))]  # fmt: skip
    attendance = sheet(catalog, "attendance").merge(
        sessions[["organization", "course", "session", "hours"]],
        on=["organization", "course", "session"],
    )
    hours = attendance["hours_attended"].astype(float).fillna(attendance["hours"].astype(float))
    trained = attendance.loc[hours > 0, "person"].nunique()
    staff = sheet(catalog, "staff")
    employees = staff.loc[(staff["organization"] == MODENA) & (staff["year"] == str(YEAR)),
                          "employees"].astype(float).sum()  # fmt: skip
    written = table(out, "training_variables.csv").set_index("variable")
    assert set(written["organization"]) == {MODENA}
    assert set(written["period"]) == {YEAR}
    assert written.loc["personnel.training_hours", "computed"] == pytest.approx(hours.sum())
    assert written.loc["personnel.staff_trained", "computed"] == trained
    assert written.loc["personnel.staff", "computed"] == employees
    assert (written["difference"] == written["computed"] - written["typed"]).all()
    values = table(out, "indicator_values.csv")
    modena = values[(values["organization"] == MODENA) & (values["period"] == YEAR)]
    modena = modena.set_index("indicator")["value"]
    assert modena["personnel.training_hours_per_employee"] == pytest.approx(hours.sum() / employees)
    assert modena["personnel.share_trained"] == pytest.approx(100 * trained / employees)
    notes = [line for line in summary_lines(out) if line.startswith("- formazione: ")]
    assert len(notes) == 1
    if (written["difference"] == 0).all():
        assert notes[0].endswith("uguali ai valori inseriti nei dati")
    else:
        for variable, row in written[written["difference"] != 0].iterrows():
            label = catalog.variables[variable].label.it
            assert f"{label}: inserito {it(row['typed'], 0)}, dai registri" in notes[0]


def test_the_training_line_is_recomputed(demo):
    out, _, _ = demo
    hours = table(out, "training_hours.csv")
    assert set(hours["organization"]) == {MODENA}
    assert set(hours["year"]) == {YEAR}
    total = hours[hours["level"] == "organization"]
    assert len(total) == 1
    row = total.iloc[0]
    departments = hours[hours["level"] == "department"]
    assert row["hours"] == pytest.approx(departments["hours"].sum())
    assert row["employees"] == departments["employees"].sum()
    needs = table(out, "training_needs.csv")
    assert set(needs["year"]) == {YEAR}
    line = (
        f"- Formazione: {it(row['hours'] / row['employees'], 1)} ore per dipendente, "
        f"{it(100 * row['people_trained'] / row['employees'], 0)}% del personale formato "
        f"(Modena, {YEAR}; training_hours.csv); fabbisogni formativi soddisfatti: "
        f"{(needs['status'] == 'met').sum()} su {len(needs)}, in parte: "
        f"{(needs['status'] == 'partial').sum()} (training_needs.csv)"
    )
    assert line in summary_lines(out)


def test_the_certification_line_is_recomputed(demo):
    out, catalog, _ = demo
    alerts = table(out, "certification_alerts.csv")
    assert set(alerts["organization"]) <= {MODENA}
    counts = alerts["kind"].value_counts()
    kinds = "; ".join(
        f"{CERTIFICATION_LABELS[k].it}: {counts[k.value]}" for k in AlertKind if k.value in counts
    )
    n = len(alerts)
    word = "avviso" if n == 1 else "avvisi"
    line = f"- Certificazioni: {n} {word} al 31/12/{YEAR} ({kinds}; certification_alerts.csv)"
    if n == 0:
        line = f"- Certificazioni: nessun avviso al 31/12/{YEAR} (certification_alerts.csv)"
    assert line in summary_lines(out)
    # the non-conformities open on 31 December (audited by then) are in the improvement plan
    findings = sheet(catalog, "findings").merge(
        sheet(catalog, "audits")[["organization", "audit", "date"]], on=["organization", "audit"]
    )
    end = f"{YEAR}-12-31"
    open_nc = findings[
        (findings["organization"] == MODENA)
        & findings["kind"].isin(["major_nc", "minor_nc"])
        & (findings["closed"].isna() | (findings["closed"] > end))
        & (findings["date"] <= end)
    ]
    plan = table(out, "improvement_plan.csv")
    ids = "nc-" + open_nc["audit"] + "-" + open_nc["finding"] + "-" + MODENA
    assert sorted(plan.loc[plan["source"] == "certification", "id"]) == sorted(ids)


def test_the_practices_line_is_recomputed(demo):
    out, _, _ = demo
    found = table(out, "practice_suggestions.csv")
    n = len(found)
    assert n > 0  # the Q-Club's register has practices on Modena's gaps
    line = (
        f"- Buone pratiche: {n} {'suggerimento' if n == 1 else 'suggerimenti'} per Modena "
        f"(indicatori con i divari maggiori: {found['indicator'].nunique()}; città che fanno "
        f"meglio: {found['practice_organization'].nunique()}; practice_suggestions.csv)"
    )
    assert line in summary_lines(out)
    # each suggestion comes from a city ranked better than Modena in the demo's benchmark
    bench = table(out, "indicator_benchmark.csv")
    bench = bench[bench["period"] == YEAR].set_index(["indicator", "organization"])["rank"]
    assert set(found["organization"]) == {MODENA}
    assert (found["practice_organization"] != MODENA).all()
    for row in found.itertuples():
        assert bench[(row.indicator, row.practice_organization)] == row.practice_rank
        assert bench[(row.indicator, MODENA)] == row.rank > row.practice_rank


def test_no_raw_code_in_the_new_summary_lines(demo):
    out, _, _ = demo
    lines = [
        line
        for line in summary_lines(out)
        if re.match(r"- (Formazione|Certificazioni|Buone pratiche|formazione): ", line)
    ]
    assert len(lines) == 4
    for line in lines:
        assert "personnel." not in line
        assert not re.search(r"\b(met|partial|expiring|action_overdue|major_nc)\b", line)


def test_the_annual_report_suggests_the_demo_practices(demo):
    out, _, _ = demo
    page = (out / f"relazione-qualita-{YEAR}.html").read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))
    found = table(out, "practice_suggestions.csv")
    missing = [title for title in found["title_it"] if title not in text]
    assert not missing  # the report got the demo's benchmark and every plugin's practices
