"""Invoices as Italian offices export them: 2.088,44 and 31/01/2024, cp1252 and ";"."""

from __future__ import annotations

import pandas as pd
import pytest
from qualitapa_finance import check_invoices, invoice_variables, validate_invoices

from qualitapa.errors import DataError, OptionError
from qualitapa.io import read_table
from qualitapa.testing import Rule

# An accounting export as Excel writes "CSV" on Italian Windows: cp1252, ";", CRLF,
# amounts with a thousands dot and a decimal comma, dates day first.
EXPORT = (
    "organization;invoice_id;supplier;amount;due_date;payment_date\r\n"
    "022205;FT2024/001;Società Cooperativa Città;2.088,44;31/01/2024;10/02/2024\r\n"
    "022205;FT2024/002;Caffè Dolomiti;1.234;15/02/2024;05/02/2024\r\n"
    "022205;FT2024/003;Libreria Àncora;310,5;01/03/2024;\r\n"
)


def _export(tmp_path, text: str = EXPORT):
    path = tmp_path / "fatture.csv"
    path.write_bytes(text.encode("cp1252"))
    return path


def _values(out: pd.DataFrame) -> dict[str, float]:
    return dict(zip(out["variable"], out["value"], strict=True))


def _one(amount: str) -> pd.DataFrame:
    return pd.DataFrame(
        {"organization": ["036023"], "invoice_id": ["F1"], "amount": [amount],
         "due_date": ["2024-03-01"], "payment_date": ["2024-03-11"]}
    )  # fmt: skip


def test_an_italian_amount_is_read():
    out = invoice_variables(_one("2.088,44"))
    assert _values(out)["finance.invoice_amount_paid"] == 2088.44
    # 10 days late: 2088.44 x 10
    assert _values(out)["finance.invoice_amount_days"] == pytest.approx(20884.4)


@pytest.mark.parametrize(("numbers", "paid"), [("it", 1234.0), ("en", 1.234)])
def test_a_thousands_dot_reads_as_the_declared_convention_says(numbers, paid):
    out = invoice_variables(_one("1.234"), numbers=numbers)
    assert _values(out)["finance.invoice_amount_paid"] == paid


def test_an_amount_that_reads_two_ways_is_a_problem_of_its_row():
    invoices = pd.concat([_one("100"), _one("1.234").assign(invoice_id="F2")], ignore_index=True)
    problems = check_invoices(invoices, source="fatture.csv")
    assert problems[["row", "column", "value", "rule"]].values.tolist() == [
        [2, "amount", "1.234", Rule.NOT_A_NUMBER]
    ]
    assert "numbers='it'" in problems["message"].iloc[0]
    with pytest.raises(DataError) as info:
        invoice_variables(invoices, source="fatture.csv")
    assert (info.value.source, info.value.row, info.value.column) == ("fatture.csv", 2, "amount")
    assert "fatture.csv, row 2, column 'amount'" in str(info.value)
    # the first invoice alone is clean
    clean, _ = validate_invoices(invoices)
    assert clean["invoice_id"].tolist() == ["F1"]


def test_an_amount_against_the_declared_convention_is_named_with_row_and_column():
    invoices = pd.concat([_one("100"), _one("2.088,44").assign(invoice_id="F2")])
    with pytest.raises(DataError) as info:
        invoice_variables(invoices, source="fatture.csv", numbers="en")
    assert (info.value.row, info.value.column) == (2, "amount")
    message = info.value.failure_cases["message"].iloc[0]
    assert message == "amount missing or not a number in the English (2,088.44) convention declared"


def test_suspended_days_follow_the_convention_too():
    invoices = _one("100").assign(sospensione=["1.000"])
    problems = check_invoices(invoices, suspended_days="sospensione")
    assert problems[["row", "column", "rule"]].values.tolist() == [
        [1, "sospensione", Rule.NOT_A_NUMBER]
    ]
    # declared English: 1.0 day suspended of the 10 late
    out = invoice_variables(invoices, suspended_days="sospensione", numbers="en")
    assert _values(out)["finance.invoice_amount_days"] == 900.0


def test_day_first_dates_give_what_iso_dates_give():
    iso = pd.DataFrame(
        {"organization": ["a", "a", "a", "b"], "invoice_id": ["1", "2", "3", "1"],
         "amount": [1000.0, 2000.0, 500.0, 100.0],
         "due_date": ["2024-01-31", "2024-02-29", "2023-12-20", "2024-06-01"],
         "payment_date": ["2024-02-20", "2024-02-19", "2024-01-09", ""]}
    )  # fmt: skip
    day_first = iso.assign(
        due_date=["31/01/2024", "29.02.2024", "20-12-2023", "1/6/2024"],
        payment_date=["20/02/2024", "19/02/2024 00:00:00", "09/01/2024", ""],
    )
    pd.testing.assert_frame_equal(invoice_variables(day_first), invoice_variables(iso))


@pytest.mark.parametrize(
    "date",
    ["02/13/2024", "31/02/2024", "31/01/24", "2024-03", "31/01-2024", "١٢/٠١/٢٠٢٤", "gennaio"],
)
def test_a_date_that_is_not_one_is_named_with_row_and_column(date):
    invoices = pd.concat([_one("100"), _one("100").assign(invoice_id="F2", due_date=[date])])
    with pytest.raises(DataError) as info:
        invoice_variables(invoices, source="fatture.csv")
    assert (info.value.source, info.value.row, info.value.column) == (
        "fatture.csv", 2, "due_date"
    )  # fmt: skip
    assert "write 31/01/2024 or 2024-01-31" in info.value.failure_cases["message"].iloc[0]


def test_an_unknown_convention_is_an_option_error():
    with pytest.raises(OptionError, match="numbers must be 'it', 'en' or None, not 'fr'"):
        check_invoices(_one("100"), numbers="fr")  # type: ignore[arg-type]


# 2024 invoices of 022205 (by hand):
#   FT2024/001  2088.44, due 31/01, paid 10/02: +10 days x 2088.44 = +20,884.4
#   FT2024/002  1234 ("1.234" in the Italian convention), due 15/02, paid 05/02: -10 x 1234
#   FT2024/003  unpaid: not in the indicator
HAND = {
    "finance.invoice_amount_days": 20884.4 - 12340.0,
    "finance.invoice_amount_paid": 2088.44 + 1234.0,
    "finance.invoices_paid": 2.0,
    "finance.invoices_paid_late": 1.0,
}


def test_an_office_export_read_as_text(tmp_path):
    path = _export(tmp_path)
    invoices = read_table(path, encoding="cp1252", dtype=str, keep_default_na=False)
    assert invoices["supplier"].iloc[0] == "Società Cooperativa Città"
    out = invoice_variables(invoices, source=path.name, numbers="it")
    assert out["period"].unique().tolist() == [2024]
    assert _values(out) == pytest.approx(HAND)
    # without the convention, "1.234" (row 2) is named and nothing is computed
    with pytest.raises(DataError, match=r"fatture.csv, row 2, column 'amount'"):
        invoice_variables(invoices, source=path.name)


def test_an_office_export_read_with_its_convention(tmp_path):
    # read_table reads the amounts in the declared convention (and the *_date columns)
    path = _export(tmp_path)
    invoices = read_table(path, encoding="cp1252", numbers="it")
    assert invoices["amount"].tolist() == [2088.44, 1234.0, 310.5]
    assert _values(invoice_variables(invoices, source=path.name)) == pytest.approx(HAND)
