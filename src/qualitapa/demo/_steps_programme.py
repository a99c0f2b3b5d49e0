"""Demo steps on the quality programme's sheets (issues 19 and 20).

The plugins ship the programme's sheets as datasets of kind ``programme``
(one per sheet, named by its file: ``activities.csv``, ``attendance.csv``...).
For the highlighted city and the demo's year the demo

* computes the personnel plugin's training variables from the training
  records (:func:`join_training`, before the indicators: they replace the
  values typed in the indicator data, and the comparison is written to
  ``training_variables.csv`` and said in a note);
* writes the training hours per department, the training needs against
  the training delivered, the certification alerts on 31 December and
  the good practices of the cities that do better on its worst gaps
  (:func:`training`, :func:`certification_actions`, :func:`practices`);
* writes the annual quality report (:func:`programme`).

Every step does nothing when the sheets it needs are not shipped.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from qualitapa.catalog import Catalog
from qualitapa.demo._state import DemoState, datasets
from qualitapa.i18n import translator

#: The personnel plugin's raw variables the training records give.
TRAINING_VARIABLES = ("personnel.training_hours", "personnel.staff_trained", "personnel.staff")
#: Columns of ``training_variables.csv``: typed and computed values side by side.
TRAINING_VARIABLE_COLUMNS = [
    "organization",
    "period",
    "variable",
    "typed",
    "computed",
    "difference",
]


def programme_sheets(catalog: Catalog) -> dict[str, pd.DataFrame]:
    """Every programme sheet the plugins ship, the datasets of one sheet one under the other."""
    from qualitapa import programme as pg

    parts: dict[str, list[pd.DataFrame]] = {}
    for dataset in datasets(catalog, "programme"):
        name = Path(dataset.path).stem
        parts.setdefault(name, []).append(pg.read_sheet(dataset.path, name))
    return {name: pd.concat(frames, ignore_index=True) for name, frames in parts.items()}


def _own(
    sheets: dict[str, pd.DataFrame], names: tuple[str, ...], organization: str
) -> list[pd.DataFrame] | None:
    """The sheets ``names`` restricted to ``organization``'s rows (None if one is missing)."""
    if any(name not in sheets for name in names):
        return None
    return [
        sheets[n][sheets[n]["organization"].astype(str) == organization].reset_index(drop=True)
        for n in names
    ]


def demo_year(raw: pd.DataFrame) -> int:
    """The demo's year: the latest period of the raw variables (that of the indicators)."""
    return int(pd.to_numeric(raw["period"]).max())


def join_training(state: DemoState) -> None:
    """The highlighted city's training variables of the demo year from its training records.

    :func:`qualitapa.programme.training_variables` computes
    ``personnel.training_hours``, ``personnel.staff_trained`` and
    ``personnel.staff`` from the ``attendance``, ``course_sessions`` and
    ``staff`` sheets of :attr:`DemoState.programme`; they replace the values
    of the indicator data for that city and year (the other cities, years and
    variables are untouched).
    ``training_variables.csv`` lists the typed and the computed values, and a
    note says the replacement and every difference.
    """
    organization = state.options.organization
    own = _own(state.programme, ("attendance", "course_sessions", "staff"), organization or "")
    if organization is None or own is None or state.raw.empty:
        return
    from qualitapa import programme as pg

    year = demo_year(state.raw)
    computed = pg.training_variables(*own, year=year)
    if computed.empty:
        return
    raw = state.raw
    replaced = (
        (raw["organization"].astype(str) == organization)
        & (pd.to_numeric(raw["period"]) == year)
        & raw["variable"].isin(list(computed["variable"]))
    )
    typed = raw.loc[replaced].groupby("variable")["value"].first()
    table = computed.assign(typed=computed["variable"].map(typed).astype(float))
    table = table.rename(columns={"value": "computed"})
    table["difference"] = table["computed"] - table["typed"]
    state.result.save("training_variables", table[TRAINING_VARIABLE_COLUMNS])
    # in place (the rows keep their order); a variable not typed is added
    raw = raw.copy()
    raw.loc[replaced, "value"] = raw.loc[replaced, "variable"].map(
        computed.set_index("variable")["value"]
    )
    added = computed[~computed["variable"].isin(typed.index)]
    if len(added):
        rows = added.astype({"organization": raw["organization"].dtype})
        raw = pd.concat([raw, rows.reindex(columns=raw.columns)], ignore_index=True)
    state.raw = raw
    state.result.notes.append(_training_note(state, table, organization, year))


def _training_note(state: DemoState, table: pd.DataFrame, organization: str, year: int) -> str:
    """The note saying which values the training records replaced, and how they differ."""
    t = translator(state.options.lang)
    variables = state.catalog.variables

    def figure(value: float) -> str:  # 65.940 hours, 1.393 people; 12,5 hours
        return t.number(value, digits=0 if float(value).is_integer() else 1)

    def label(variable: str) -> str:
        return t.text(variables[variable].label) if variable in variables else variable

    names = t.join(label(v) for v in table["variable"])
    changed = table[~np.isclose(table["computed"], table["typed"]) | table["typed"].isna()]
    what = dict(variables=names, city=state.organization_names.get(organization, organization),
                year=year)  # fmt: skip
    if changed.empty:
        return t(
            "formazione: {variables} di {city} nel {year} calcolati dai registri della "
            "formazione (training_variables.csv), uguali ai valori inseriti nei dati",
            **what,
        )
    differences = "; ".join(
        t("{variable}: inserito {typed}, dai registri {computed}", variable=label(variable),
          typed=t("nessun valore") if np.isnan(typed) else figure(typed),
          computed=figure(computed))
        for variable, typed, computed in zip(
            changed["variable"].astype(str), changed["typed"].astype(float),
            changed["computed"].astype(float), strict=True)
    )  # fmt: skip
    return t(
        "formazione: {variables} di {city} nel {year} calcolati dai registri della "
        "formazione (training_variables.csv) al posto dei valori inseriti nei dati, che "
        "differiscono: {differences}",
        differences=differences,
        **what,
    )


def training(state: DemoState) -> None:
    """``training_hours.csv`` (per department) and ``training_needs.csv`` of the city's year."""
    from qualitapa import programme as pg

    organization = state.options.organization or ""
    sheets = state.programme
    own = _own(sheets, ("attendance", "course_sessions", "staff"), organization)
    if own is None:
        return
    hours = pg.training_hours(*own, year=state.period)
    if hours.empty:
        return
    state.result.save("training_hours", hours)
    wanted = _own(sheets, ("training_needs", "courses", "course_sessions", "attendance"),
                  organization)  # fmt: skip
    if wanted is not None:
        needs = pg.needs_vs_delivered(*wanted)
        state.result.save("training_needs", needs[needs["year"] == state.period])


def year_end(period: int) -> pd.Timestamp:
    """31 December of the demo's year: the day the certification alerts are for."""
    return pd.Timestamp(year=period, month=12, day=31)


def certification_actions(state: DemoState) -> pd.DataFrame | None:
    """``certification_alerts.csv`` on 31 December; the open non-conformities as actions.

    Returns the corrective actions of the city's audits
    (:func:`qualitapa.programme.actions_from_findings`) for its improvement
    plan; None without certification sheets.
    """
    from qualitapa import programme as pg

    own = _own(state.programme, ("certifications", "audits", "findings"),
               state.options.organization or "")  # fmt: skip
    if own is None or own[0].empty:
        return None
    day = year_end(state.period)
    alerts = pg.certification_alerts(*own, as_of=day)
    state.result.save("certification_alerts", alerts)
    certs, audits, findings = own
    return pg.actions_from_findings(findings, audits, certs, as_of=day)


def practices(state: DemoState) -> None:
    """``practice_suggestions.csv``: for the city's worst gaps of the demo's year, the practices
    (of every plugin) of the cities that do better."""
    from qualitapa import programme as pg

    organization, sheet = state.options.organization, state.programme.get("practices")
    bench = state.benchmark
    if organization is None or sheet is None or bench.empty:
        return
    if organization not in set(bench["organization"].astype(str)):
        return
    state.result.save(
        "practice_suggestions",
        pg.suggest_practices(bench, sheet, organization, period=state.period),
    )


def programme(state: DemoState) -> None:
    """Training, certifications, good practices and the annual quality report of the city.

    Writes the training, alerts and suggestions files (above), then
    ``programme_results.csv`` (expected vs obtained results) and
    ``relazione-qualita-<year>.html`` (with the demo's benchmark, so the
    report's good practices section ranks the city and suggests the
    practices of every plugin); no report when the city has no plan for the
    demo's year.
    """
    from qualitapa import programme as pg

    organization = state.options.organization
    sheets = state.programme
    if organization is None or not sheets:
        return
    training(state)
    practices(state)
    acts = sheets.get("activities")
    if acts is None:
        return
    own = (acts["organization"].astype(str) == organization) & (
        acts["year"].astype(str) == str(state.period)
    )
    if not own.any():
        return
    tables = state.result.tables
    values, survey = tables["indicator_values"], tables.get("survey_dimensions")
    compliance = tables.get("charter_compliance")
    expected = pg.expected_vs_obtained(
        acts.loc[own], values=values, compliance=compliance, survey=survey, catalog=state.catalog
    )
    state.result.save("programme_results", expected)
    name = f"relazione-qualita-{state.period}.html"
    pg.write_annual_report(
        state.result.out / name,
        sheets,
        organization=organization,
        year=state.period,
        lang=state.options.lang,
        complaints=tables.get("complaint_kpis"),
        catalog=state.catalog,
        note=translator(state.options.lang)("Dati sintetici a scopo dimostrativo"),
        values=values,
        compliance=compliance,
        survey=survey,
        benchmark=state.benchmark,  # ranks the city; with the practices' sheet, suggestions
    )
    state.result.files.append(name)
