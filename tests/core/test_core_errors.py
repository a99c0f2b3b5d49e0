"""Errors say where the fault is and subclass the right built-ins."""

from __future__ import annotations

import pandas as pd

from qualitapa import errors


def test_data_error_message_names_file_row_and_column():
    err = errors.DataError("not a number", source="raw.csv", row=3, column="value")
    assert str(err) == "raw.csv, row 3, column 'value': not a number"
    assert (err.source, err.row, err.column) == ("raw.csv", 3, "value")
    assert isinstance(err, ValueError)
    assert isinstance(err, errors.QualitapaError)


def test_data_error_counts_failure_cases():
    cases = pd.DataFrame({"row": [1, 2], "problem": ["a", "b"]})
    err = errors.DataError("bad rows", source="x.csv", failure_cases=cases)
    assert str(err) == "x.csv: bad rows (2 problem(s); see .failure_cases)"


def test_definition_error_names_source_item_field():
    err = errors.DefinitionError("bad", source="p.toml", item="registry.x", field="unit")
    assert str(err) == "p.toml, 'registry.x', field 'unit': bad"


def test_formula_error_names_token_and_position():
    err = errors.FormulaError(
        "unexpected", formula="a + __import__", token="__import__", position=4
    )
    assert "token '__import__' at position 4" in str(err)
    assert isinstance(err, errors.DefinitionError)


def test_conflict_error_names_both_plugins():
    err = errors.PluginConflictError("indicator", "x.y", ["one", "two"])
    assert str(err) == "indicator 'x.y' is contributed by both 'one' and 'two'"
    assert err.plugins == ["one", "two"]


def test_unknown_item_error_is_a_key_error_with_readable_text():
    err = errors.UnknownItemError("indicator", "regstry.x", suggestions=["registry.x"])
    assert isinstance(err, KeyError)
    assert str(err) == "unknown indicator 'regstry.x'; did you mean 'registry.x'?"


def test_transition_error_names_both_states():
    err = errors.TransitionError("closed", "assigned", item="C-1")
    assert str(err) == "C-1: cannot go from 'closed' to 'assigned'"
