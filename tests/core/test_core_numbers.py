"""Number conventions when reading tables: never guess what ``112.500`` means.

Italian offices write ``1.234,5`` (dot for thousands, comma for decimals);
English-style tools write ``1,234.5``. A value whose only separator is
followed by exactly three digits (``112.500``, ``335,211``) reads either way,
so it is an error unless the convention is declared (issue 12, defect 7).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from qualitapa.errors import DataError
from qualitapa.io import read_table, to_numeric_column, write_csv

# the shape of indicators_italian_thousands.csv (Italian Excel "CSV": ; and CRLF)
ITALIAN = (
    "organization;period;variable;value\r\n"
    "022205;2024;libraries.loans;112.500\r\n"
    "022205;2024;libraries.opening_hours_week;47,5\r\n"
    "016024;2024;libraries.loans;88.000\r\n"
    "016024;2024;libraries.opening_hours_week;52\r\n"
    "021008;2024;libraries.opening_hours_week;60,0\r\n"
)


@pytest.fixture
def italian(tmp_path):
    p = tmp_path / "italian.csv"
    p.write_bytes(ITALIAN.encode("cp1252"))
    return p


def test_italian_thousands_without_a_convention_is_an_error_naming_file_row_column(italian):
    with pytest.raises(DataError) as info:
        read_table(italian)
    err = info.value
    assert (err.source, err.row, err.column) == (str(italian), 1, "value")
    message = str(err)
    assert "'112.500'" in message
    assert "--numbers" in message
    # every ambiguous cell is listed, not only the first
    assert err.failure_cases is not None
    assert err.failure_cases["row"].tolist() == [1, 3]
    assert err.failure_cases["value"].tolist() == ["112.500", "88.000"]


def test_italian_convention_reads_thousands_and_decimal_commas(italian):
    frame = read_table(italian, numbers="it")
    assert frame["value"].tolist() == [112500.0, 47.5, 88000.0, 52.0, 60.0]
    assert frame["organization"].tolist()[0] == "022205"
    assert frame["period"].tolist() == [2024] * 5


def test_values_contradicting_the_declared_convention_are_errors(italian, tmp_path):
    with pytest.raises(DataError) as info:
        read_table(italian, numbers="en")  # "47,5" is not an English number
    assert (info.value.row, info.value.column) == (2, "value")
    assert "'47,5'" in str(info.value)
    english = tmp_path / "en.csv"
    english.write_text('organization,value\n001272,"1,234.5"\n001272,0.82\n')
    with pytest.raises(DataError) as info:
        read_table(english, numbers="it")
    assert (info.value.row, info.value.column) == (1, "value")
    assert "'1,234.5'" in str(info.value)
    assert read_table(english, numbers="en")["value"].tolist() == [1234.5, 0.82]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0.82", 0.82),
        ("1.5", 1.5),
        ("47,5", 47.5),
        ("0.500", 0.5),  # a leading 0 is never a thousands group
        ("1234.500", 1234.5),  # four digits before the separator: not a thousands group
        ("-3,25", -3.25),
        ("1.234,5", 1234.5),  # two separators: only Italian reads it
        ("1,234.5", 1234.5),  # only English reads it
        ("1.234.567", 1234567.0),
        ("1,234,567", 1234567.0),
        ("2.5e-05", 2.5e-05),
    ],
)
def test_unambiguous_values_are_read_without_a_convention(tmp_path, text, expected):
    p = tmp_path / "x.csv"
    p.write_text(f"organization;value\n001272;{text}\n")
    assert read_table(p)["value"].tolist() == [pytest.approx(expected)]


@pytest.mark.parametrize("text", ["112.500", "335,211", "-1.000", "9,999"])
def test_one_separator_and_three_digits_is_ambiguous(tmp_path, text):
    p = tmp_path / "x.csv"
    p.write_text(f"organization;value\n001272;{text}\n")
    with pytest.raises(DataError, match="ambiguous"):
        read_table(p)


def test_text_columns_are_left_alone(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text(
        "organization;received_at;description;code\n"
        "001272;31/01/2024;costo 22,21 €;A1\n"
        "001272;15/01/2024 09:30;ok;A2\n",
        encoding="utf-8",
    )
    frame = read_table(p)
    # received_at is a date column (issue 17): read day first, never as numbers
    assert frame["received_at"].tolist() == [
        pd.Timestamp("2024-01-31"),
        pd.Timestamp("2024-01-15 09:30"),
    ]
    assert frame["description"].tolist() == ["costo 22,21 €", "ok"]


def test_number_cells_of_a_column_with_text_follow_the_convention(tmp_path):
    # 'nd' (non disponibile) keeps the column from being all numbers; its
    # number cells are still read with the declared convention, the text
    # stays text so that compute reports it as "not a number"
    p = tmp_path / "x.csv"
    p.write_text("organization;value\n001272;112.500\n001272;nd\n001272;47,5\n")
    frame = read_table(p, numbers="it")
    assert frame["value"].tolist() == [112500, "nd", 47.5]
    with pytest.raises(DataError, match="ambiguous"):
        read_table(p)


def test_excel_text_cells_follow_the_convention(tmp_path):
    p = tmp_path / "x.xlsx"
    pd.DataFrame({"organization": ["001272", "001272"], "value": ["112.500", 3.25]}).to_excel(
        p, index=False
    )
    with pytest.raises(DataError, match="ambiguous"):
        read_table(p)
    assert read_table(p, numbers="it")["value"].tolist() == [112500, 3.25]


def test_unknown_convention_is_refused(italian):
    with pytest.raises(ValueError, match="numbers"):
        read_table(italian, numbers="fr")  # type: ignore[arg-type]


def test_to_numeric_column_never_guesses():
    with pytest.raises(DataError) as info:
        to_numeric_column(pd.Series(["1", "112.500"]), source="raw", column="value")
    assert (info.value.row, info.value.column) == (2, "value")
    values, bad = to_numeric_column(pd.Series(["1", "112.500", "x"]), numbers="it")
    np.testing.assert_array_equal(values[:2], [1.0, 112500.0])
    assert bad.tolist() == [False, False, True]
    # numbers already read stay as they are, whatever their digits
    values, bad = to_numeric_column(pd.Series([1.125, 112.5], dtype=float))
    np.testing.assert_array_equal(values, [1.125, 112.5])
    values, bad = to_numeric_column(pd.Series([1.125, "nd", "2,5"], dtype=object))
    np.testing.assert_array_equal(values[[0, 2]], [1.125, 2.5])
    assert bad.tolist() == [False, True, False]


def test_written_tables_read_back_identically(tmp_path):
    # 2.125 written as text looks like an Italian 2125: the writer keeps it unambiguous
    frame = pd.DataFrame(
        {"organization": ["001272"] * 5, "value": [2.125, 112.5, 0.125, np.nan, -4.125]}
    )
    p = tmp_path / "out.csv"
    write_csv(frame, p)
    back = read_table(p)
    np.testing.assert_array_equal(back["value"].to_numpy(), frame["value"].to_numpy())
    # a negative number is a number, not a formula to neutralise
    assert p.read_text().splitlines()[-1] == "001272,-4.1250"


def test_csv_output_of_the_cli_reads_back_identically():
    from click.testing import CliRunner

    from qualitapa.cli._main import emit

    frame = pd.DataFrame({"v": [2.125, -4.125, 0.5]})
    with CliRunner().isolation() as streams:
        emit(frame, "csv")
        text = streams[0].getvalue().decode()
    assert text.splitlines() == ["v", "2.1250", "-4.1250", "0.5"]


# -- whole-number variables -------------------------------------------------


def _counts_catalog():
    from qualitapa.indicators import IndicatorDefinition, Variable
    from qualitapa.testing import catalog_with

    class Counts:
        from qualitapa import hookimpl

        @hookimpl
        def qualitapa_services(self):
            from qualitapa.models import Service, Text

            return [Service("libraries", Text("Biblioteche"))]

        @hookimpl
        def qualitapa_variables(self):
            return [
                Variable("loans", "Prestiti", unit="count", integer=True),
                Variable("hours", "Ore di apertura", unit="hours"),
            ]

        @hookimpl
        def qualitapa_indicators(self):
            return [
                IndicatorDefinition(
                    "libraries.loans_per_hour",
                    "Prestiti per ora",
                    "libraries",
                    "efficiency",
                    "loans / hours",
                    "higher_is_better",
                )
            ]

    return catalog_with(("counts", Counts()))


@pytest.mark.parametrize("layout", ["long", "wide"])
def test_whole_number_variables_reject_fractional_values(layout):
    from qualitapa.indicators import check_data, compute

    catalog = _counts_catalog()
    long = pd.DataFrame(
        {
            "organization": ["a", "a", "b", "b"],
            "period": 2024,
            "variable": ["loans", "hours", "loans", "hours"],
            "value": [112.5, 47.5, 88000, 52],  # 112.5 loans: "112.500" misread
        }
    )
    data = (
        long
        if layout == "long"
        else long.pivot(
            index=["organization", "period"], columns="variable", values="value"
        ).reset_index()
    )
    problems = check_data(data, catalog, catalog=catalog, source="raw.csv")
    assert problems["row"].tolist() == [1]
    assert problems["variable"].tolist() == ["loans"]
    assert "whole number" in problems["problem"].iloc[0]
    with pytest.raises(DataError, match="whole number"):
        compute(catalog, data, catalog=catalog, source="raw.csv")
    values = compute(catalog, data, catalog=catalog, errors="report")
    assert values["status"].astype(str).tolist() == ["invalid_input", "ok"]


# -- the vectorised classifier against the regular expressions it implements ---

_CELLS = st.lists(
    st.text(alphabet="0123456789.,+-", min_size=1, max_size=14)
    | st.from_regex(r"[+-]?[1-9][0-9]{0,2}([.,][0-9]{3}){1,3}([.,][0-9]{1,3})?", fullmatch=True),
    min_size=1,
    max_size=40,
)


@pytest.mark.slow  # hypothesis against the conventions' regular expressions
@given(_CELLS)
def test_vectorised_classification_agrees_with_the_regular_expressions(cells):
    # the definition of each convention, one cell at a time, in plain Python
    from qualitapa._numbers import _EN, _IT, parse_numbers

    series = pd.Series(cells, dtype=object)
    it = np.array([re.fullmatch(_IT, c.strip()) is not None for c in cells])
    en = np.array([re.fullmatch(_EN, c.strip()) is not None for c in cells])
    sep = np.array(["." in c or "," in c for c in cells])
    expected = {
        None: (it & ~en | en & ~(it & sep), it & en & sep, np.zeros(len(cells), bool)),
        "it": (it, np.zeros(len(cells), bool), en & ~it),
        "en": (en, np.zeros(len(cells), bool), it & ~en),
    }
    for numbers, (number, ambiguous, contradicts) in expected.items():
        parsed = parse_numbers(series, numbers)
        np.testing.assert_array_equal(parsed.number, number)
        np.testing.assert_array_equal(parsed.ambiguous, ambiguous)
        np.testing.assert_array_equal(parsed.contradicts, contradicts)
        read = np.flatnonzero(number)
        for i in read:  # the value: Python's float of the de-grouped text
            c = cells[i].strip()
            as_it = numbers == "it" or (numbers is None and it[i] and not en[i])
            plain = c.replace(".", "").replace(",", ".") if as_it else c.replace(",", "")
            assert float(parsed.canonical.iloc[i]) == float(plain)


# -- a long column's numbers are read once per distinct value, as pandas reads each cell --

_REPEATED = st.one_of(
    st.sampled_from(
        ["7", "-4", "5,5", "1e5", "2.5e-05", "9007199254740993", "18446744073709551615"]
    ),
    st.integers(-(2**64), 2**64).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.none(),
)


@pytest.mark.slow  # hypothesis on columns of a thousand cells
@given(st.lists(_REPEATED, min_size=1, max_size=6), st.integers(0, 2**32 - 1))
# pandas leaves integers beyond int64 with a missing cell as text: read cell by cell
@example([None, "9223372036854775808", "0.0"], 0)
@example([None, "9007199254740993"], 0)
def test_numbers_read_once_per_distinct_value_are_pandas_reading_of_each_cell(pool, seed):
    from qualitapa.io import _parse_column

    picks = np.random.default_rng(seed).integers(0, len(pool), 1_200)
    column = _parse_column(pd.Series([pool[i] for i in picks], dtype="str"), "en")
    assert column.codes is not None  # the values repeat: parsed once per distinct value
    if not column.cells.number[column.codes >= 0].all():
        return  # a cell is not a number: the column is not converted as a whole
    expected = pd.to_numeric(column.cells.canonical)  # the definition: cell by cell
    pd.testing.assert_series_equal(column.numbers(), expected, check_index_type=True)
