"""The margins tables' readers: the totals' column by any of its names, numeric totals, errors.

``population_from_frame`` (``--calibrate``) and ``margins_from_frame``
(``--rake``) take the totals' column as ``target``, ``population`` or
``popolazione``; the demo's own ``survey_margins.csv`` (a joint margin with
``population`` and a ``share`` beside it) reads as its ``target`` twin; a
long row with no category is a numeric column's total; what cannot be read
is a typed error naming the row and column.
"""

from __future__ import annotations

from pathlib import Path

import hypothesis.strategies as st
import pandas as pd
import pytest
from hypothesis import given, settings

from qualitapa.errors import DataError
from qualitapa.i18n import translator
from qualitapa.surveys import margins_from_frame, population_from_frame

DEMO = (
    Path(__file__).parents[2]
    / "plugins/qualitapa-registry/src/qualitapa_registry/demo/survey_margins.csv"
)
LONG = pd.DataFrame(
    {
        "variable": ["sex", "sex", "households", "district", "district"],
        "category": ["F", "M", None, "Nord", "Sud"],
        "target": [5200, 4800, 4100.5, 6000, 4000],
    }
)


def test_the_demos_margins_file_reads_as_its_target_twin():
    demo = pd.read_csv(DEMO, dtype={"organization": str})
    assert {"population", "share"} <= set(demo.columns)  # the file as shipped
    twin = demo.drop(columns="share").rename(columns={"population": "target"})
    got = population_from_frame(demo, source="survey_margins.csv")
    assert got == population_from_frame(twin)
    (margin, cells), = got.items()  # fmt: skip
    assert margin == ("organization", "sex", "age_class")
    # every cell, its count (not its share)
    assert len(cells) == len(demo) == 64
    first = demo.iloc[0]
    assert cells[(first["organization"], first["sex"], first["age_class"])] == first["population"]


@pytest.mark.parametrize("name", ["target", "population", "popolazione"])
def test_the_totals_column_by_any_of_its_names(name):
    long = LONG.rename(columns={"target": name})
    assert population_from_frame(long) == population_from_frame(LONG)
    categorical = LONG[LONG["category"].notna()].rename(columns={"target": name})
    assert margins_from_frame(categorical) == {
        "sex": {"F": 5200.0, "M": 4800.0},
        "district": {"Nord": 6000.0, "Sud": 4000.0},
    }


def test_a_row_with_no_category_is_a_numeric_total():
    got = population_from_frame(LONG)
    assert got == {
        "sex": {"F": 5200.0, "M": 4800.0},
        "households": 4100.5,
        "district": {"Nord": 6000.0, "Sud": 4000.0},
    }
    blank = LONG.assign(category=LONG["category"].fillna("  "))  # spaces are no category
    assert population_from_frame(blank) == got


@settings(max_examples=30, deadline=None)
@given(st.permutations(range(len(LONG))))
def test_row_order_is_irrelevant(order):
    assert population_from_frame(LONG.iloc[list(order)]) == population_from_frame(LONG)


def _error(frame: pd.DataFrame, reader=population_from_frame) -> DataError:
    with pytest.raises(DataError) as caught:
        reader(frame, source="margini.csv")
    assert caught.value.source == "margini.csv"
    return caught.value


def test_no_totals_column_names_the_columns_found_and_the_names_accepted():
    err = _error(pd.DataFrame({"sex": ["F"], "count": [3]}))
    assert err.column == "target"
    said = err.render(translator("it"))
    assert "target, population, popolazione" in said
    assert "trovate sex, count" in said


def test_two_totals_columns_are_refused():
    err = _error(LONG.assign(population=LONG["target"]))
    assert err.column == "population"
    assert "target, population" in err.render(translator("de"))


def test_a_variable_with_categories_and_a_row_without_is_refused():
    bad = pd.concat(
        [LONG, pd.DataFrame({"variable": ["sex"], "category": [None], "target": [1.0]})],
        ignore_index=True,
    )
    err = _error(bad)
    assert (err.row, err.column) == (6, "category")
    assert "'sex'" in str(err)


def test_a_numeric_total_given_twice_is_refused():
    twice = pd.concat([LONG, LONG.iloc[[2]]], ignore_index=True)
    err = _error(twice)
    assert (err.row, err.column) == (6, "category")


def test_an_empty_variable_and_a_total_that_is_no_number_name_their_row():
    err = _error(LONG.assign(variable=["sex", "sex", " ", "district", "district"]))
    assert (err.row, err.column) == (3, "variable")
    err = _error(LONG.rename(columns={"target": "popolazione"}).assign(
        popolazione=[5200, 4800, "n.d.", 6000, 4000]))  # fmt: skip
    assert (err.row, err.column) == (3, "popolazione")


def test_raking_takes_no_numeric_total():
    err = _error(LONG, reader=margins_from_frame)
    assert (err.row, err.column) == (3, "category")
    assert "calibrazione" in err.render(translator("it"))


ROOT = Path(__file__).parents[2]
EXAMPLES = ROOT / "docs" / "examples" / "surveys"


@pytest.mark.parametrize("name", ["disegno.toml", "prenotazioni.csv"])
def test_the_page_shows_the_example_files_as_shipped(name):
    """docs/surveys.md runs its commands on these files and shows them: the same text."""
    page = (ROOT / "docs" / "surveys.md").read_text(encoding="utf-8")
    assert (EXAMPLES / name).read_text(encoding="utf-8") in page
    assert f"docs/examples/surveys/{name}" in page


def test_the_pages_booking_figures_are_the_librarys():
    """The sample's own estimate of the booked residents the page quotes, and the calibration."""
    from qualitapa.catalog import default_catalog
    from qualitapa.surveys import (
        DEFAULT_EXTRA_COLUMNS,
        calibrate,
        design_from_mapping,
        design_total,
        validate,
    )
    from qualitapa.testing import isolated_plugins

    with isolated_plugins(["registry"]):
        inst = default_catalog().instruments["registry.counter"]
    raw = pd.read_csv(DEMO.with_name("survey_responses.csv"), dtype={"organization": str})
    design_keys = {"strata": "sportello", "clusters": "date", "fpc": "giorni_apertura"}
    clean = validate(inst, raw, extra_columns=(*DEFAULT_EXTRA_COLUMNS, *design_keys.values())).clean
    design = design_from_mapping(clean, {**design_keys, "nest": True})
    residents = population_from_frame(pd.read_csv(DEMO, dtype={"organization": str}))
    alone = design_total(calibrate(design, residents), "booked").iloc[0]
    assert (round(alone["estimate"]), round(alone["se"])) == (1_860_969, 27_034)
    page = (ROOT / "docs" / "surveys.md").read_text(encoding="utf-8")
    assert "estimates 1,860,969 (SE\n27,034" in page
    booked = calibrate(design, {**residents, "booked": 1_700_000.0})
    assert float(booked.weights @ clean["booked"].to_numpy()) == pytest.approx(1_700_000.0)
    assert float(booked.weights.sum()) == pytest.approx(3_024_295.0)
