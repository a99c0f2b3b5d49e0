"""qualitapa-finance: definitions, hand-checked indicator values, invoice variables, demo data."""

from importlib.resources import files

import numpy as np
import pandas as pd
import pytest
from qualitapa_finance import (
    INVOICE_PROBLEM_EXTRAS,
    INVOICE_VARIABLES,
    check_invoices,
    invoice_variables,
)

from qualitapa.errors import DataError
from qualitapa.indicators import compute
from qualitapa.testing import (
    CORE_COLUMNS,
    Rule,
    assert_plugin_ok,
    assert_problems_table,
    catalog_with,
    load_installed_plugin,
)

DEMO = files("qualitapa_finance") / "demo"
QCLUB = ["qclub"]


@pytest.fixture(scope="module")
def catalog():
    return catalog_with(("finance", load_installed_plugin("finance")), installed=QCLUB)


def test_definitions_are_valid():
    catalog = assert_plugin_ok(load_installed_plugin("finance"), installed=QCLUB)
    indicators = catalog.indicators.by_service("finance")
    assert len(indicators) >= 8
    for ind in indicators:
        assert ind.label.en
        assert ind.description is not None
        assert ind.description.en
        # every definition cites its source
        assert any(s in ind.description.it for s in ("DPR", "DM", "DPCM", "Q-Club")), ind.id
    assert catalog.indicators["finance.payment_timeliness"].target.met([0.0, 3.0]).tolist() == [
        True,
        False,
    ]
    # the amount x days numerator is negative when invoices are paid early
    assert catalog.variables["finance.invoice_amount_days"].nonnegative is False


def test_indicator_values_by_hand(catalog):
    # One city with round figures (EUR): Title 1 = 600, Title 2 = 250, Title 3 = 150,
    # so current revenue = 1,000 and own revenue = 750.
    row = {
        "finance.tax_revenue": 600.0,
        "finance.transfers": 250.0,
        "finance.nontax_revenue": 150.0,
        "finance.own_revenue_collected": 600.0,
        "finance.personnel_expenditure": 250.0,
        "finance.interest_expenditure": 20.0,
        "finance.loan_repayments": 30.0,
        "finance.current_expenditure_committed": 900.0,
        "finance.current_expenditure_paid": 720.0,
        "finance.debt_outstanding": 2_000_000.0,
        "finance.invoice_amount_days": -5000.0,
        "finance.invoice_amount_paid": 4000.0,
        "finance.invoices_paid": 2.0,
        "finance.invoices_paid_late": 1.0,
        "population": 1000.0,
    }
    data = pd.DataFrame([{"organization": "036023", "period": 2024, **row}])
    out = compute(catalog, data).set_index("indicator")["value"]
    expected = {
        "finance.financial_autonomy": 75.0,  # (600 + 150) / 1000 * 100
        "finance.tax_autonomy": 60.0,  # 600 / 1000 * 100
        "finance.transfer_dependence": 25.0,  # 250 / 1000 * 100
        "finance.tax_burden_per_inhabitant": 0.6,  # 600 / 1000 inhabitants
        "finance.rigidity": 30.0,  # (250 + 20 + 30) / 1000 * 100
        "finance.collection_speed": 80.0,  # 600 / (600 + 150) * 100
        "finance.payment_speed": 80.0,  # 720 / 900 * 100
        "finance.payment_timeliness": -1.25,  # -5000 / 4000 days
        "finance.late_invoice_share": 50.0,  # 1 / 2 * 100
        "finance.debt_per_inhabitant": 2000.0,  # 2,000,000 / 1000
        "finance.interest_burden": 2.0,  # 20 / 1000 * 100
        "finance.personnel_expenditure_per_inhabitant": 0.25,  # 250 / 1000
    }
    for ind, value in expected.items():
        assert out[ind] == pytest.approx(value), ind


def test_no_invoices_paid_is_a_zero_denominator_not_zero(catalog):
    data = pd.DataFrame(
        {
            "organization": ["036023", "036023"],
            "period": [2024, 2024],
            "variable": ["finance.invoice_amount_days", "finance.invoice_amount_paid"],
            "value": [0.0, 0.0],
        }
    )
    out = compute("finance.payment_timeliness", data, catalog=catalog)
    assert np.isnan(out["value"].iloc[0])
    assert out["status"].iloc[0] == "zero_denominator"


def _invoices():
    return pd.DataFrame(
        {
            "organization": ["a", "a", "a", "a", "b", "b"],
            "invoice_id": ["1", "2", "3", "4", "1", "2"],
            "amount": [1000.0, 2000.0, 500.0, 700.0, 100.0, 300.0],
            "due_date": [
                "2024-01-31",
                "2024-02-29",
                "2023-12-20",
                "2024-12-20",
                "2024-06-30",
                "2024-06-30",
            ],
            "payment_date": ["2024-02-20", "2024-02-19", "2024-01-09", "", "2024-06-30", ""],
        }
    )


def test_invoice_variables_by_hand():
    inv = _invoices()
    before = inv.copy()
    out = invoice_variables(inv)
    pd.testing.assert_frame_equal(inv, before)  # the caller's frame is not modified
    got = out.set_index(["organization", "period", "variable"])["value"]
    # city a, paid in 2024:
    #   invoice 1: 2024-02-20 - 2024-01-31 = +20 days x 1000 = +20,000
    #   invoice 2: 2024-02-19 - 2024-02-29 = -10 days x 2000 = -20,000
    #   invoice 3: 2024-01-09 - 2023-12-20 = +20 days x  500 = +10,000 (due in 2023, paid in 2024)
    #   invoice 4: unpaid, not in the indicator
    # sum amount x days = 10,000; amount paid = 3,500; indicator = 2.857 days
    assert got[("a", 2024, "finance.invoice_amount_days")] == 10_000.0
    assert got[("a", 2024, "finance.invoice_amount_paid")] == 3_500.0
    assert got[("a", 2024, "finance.invoices_paid")] == 3.0
    assert got[("a", 2024, "finance.invoices_paid_late")] == 2.0
    # city b: one invoice paid on its due date (0 days, not late), one unpaid
    assert got[("b", 2024, "finance.invoice_amount_days")] == 0.0
    assert got[("b", 2024, "finance.invoice_amount_paid")] == 100.0
    assert got[("b", 2024, "finance.invoices_paid_late")] == 0.0
    assert list(out.columns) == ["organization", "period", "variable", "value"]
    assert len(out) == 2 * len(INVOICE_VARIABLES)


def test_invoice_period_is_the_year_of_payment_and_suspensions_are_deducted():
    inv = pd.DataFrame(
        {
            "organization": ["a", "a"],
            "amount": [100.0, 100.0],
            "due_date": pd.to_datetime(["2023-12-01", "2023-11-01"]),
            "payment_date": pd.to_datetime(["2023-12-31", "2024-01-10"]),
            "disputed": [None, 60],
        }
    )
    out = invoice_variables(inv, invoice_id=None, suspended_days="disputed")
    got = out.set_index(["period", "variable"])["value"]
    # 2023: paid 30 days late -> 100 x 30 = 3,000
    assert got[(2023, "finance.invoice_amount_days")] == 3000.0
    # 2024: 2024-01-10 - 2023-11-01 = 70 days, 60 of them disputed (DPCM art. 9 c. 4):
    # 100 x (70 - 60) = 1,000
    assert got[(2024, "finance.invoice_amount_days")] == 1000.0


def test_invalid_invoices_are_reported_with_row_and_column():
    inv = _invoices()
    inv.loc[1, "amount"] = -5.0  # data row 2
    inv.loc[3, "due_date"] = "31/13/2024"  # data row 4
    inv.loc[5, "invoice_id"] = "1"  # data row 6: same number as row 5 in city b
    with pytest.raises(DataError) as err:
        invoice_variables(inv, source="fatture.csv")
    assert err.value.row == 2
    assert err.value.column == "amount"
    assert "fatture.csv, row 2, column 'amount'" in str(err.value)
    cases = err.value.failure_cases
    assert cases[["row", "column", "invoice"]].values.tolist() == [
        [2, "amount", "2"],
        [4, "due_date", "4"],
        [5, "invoice_id", "1"],  # both copies of the number are named
        [6, "invoice_id", "1"],
    ]


def test_missing_column_is_a_data_error():
    with pytest.raises(DataError, match="payment_date"):
        invoice_variables(_invoices().drop(columns="payment_date"))


def _demo(name, **kwargs):
    with DEMO.joinpath(name).open(encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype={"organization": str}, **kwargs)


def test_demo_data_covers_every_variable_city_and_year(catalog):
    data = _demo("indicator_data.csv")
    assert catalog.datasets["finance.demo.indicators"].synthetic
    variables = {v.id for v in catalog.variables.by_service("finance")}
    assert set(data["variable"]) == variables
    assert set(data["organization"]) == set(catalog.organizations)
    assert sorted(data["period"].unique()) == list(range(2009, 2025))
    per_var = data.groupby("variable")["period"].min()
    # the timeliness indicator exists since DPCM 22/9/2014: its variables start in 2014
    assert per_var["finance.invoice_amount_days"] == 2014
    assert per_var["finance.tax_revenue"] == 2009
    expected = 8 * (16 * 10 + 11 * 4)  # 10 budget variables 2009-2024, 4 invoice ones 2014-2024
    assert 0.97 * expected <= len(data) < expected  # a few missing values
    values = compute(catalog, data)
    ok = values[values["status"] == "ok"]
    autonomy = ok.loc[ok["indicator"] == "finance.financial_autonomy", "value"]
    assert autonomy.between(0, 100).all()
    speed = ok.loc[ok["indicator"].isin(["finance.collection_speed", "finance.payment_speed"])]
    assert speed["value"].between(0, 100).all()


def test_demo_invoices_agree_with_the_panel(catalog):
    invoices = _demo("invoices.csv", keep_default_na=False)
    assert catalog.datasets["finance.demo.invoices"].kind == "invoices"
    assert 2000 <= len(invoices) <= 6000
    recomputed = invoice_variables(invoices)
    assert set(recomputed["period"]) == {2024}
    panel = _demo("indicator_data.csv")
    panel = panel[(panel["period"] == 2024) & panel["variable"].isin(INVOICE_VARIABLES)]
    merged = recomputed.merge(panel, on=["organization", "period", "variable"])
    assert len(merged) == len(recomputed) == 8 * 4
    np.testing.assert_allclose(merged["value_x"], merged["value_y"], rtol=1e-9)


def test_composite_index_by_hand(catalog):
    from qualitapa.composite import composite

    values = pd.DataFrame(
        {
            "organization": ["a", "b", "c"],
            "period": [2024, 2024, 2024],
            "finance.financial_autonomy": [70.0, 80.0, 90.0],  # min-max: 0, .5, 1
            "finance.rigidity": [30.0, 20.0, 40.0],  # lower is better: .5, 1, 0
            "finance.debt_per_inhabitant": [1000.0, 2000.0, 3000.0],  # 1, .5, 0
            "finance.interest_burden": [1.0, 2.0, 3.0],  # 1, .5, 0
            "finance.collection_speed": [70.0, 80.0, 90.0],  # 0, .5, 1
            "finance.payment_speed": [60.0, 70.0, 80.0],  # 0, .5, 1
            "finance.payment_timeliness": [-10.0, 0.0, 10.0],  # 1, .5, 0
            "finance.late_invoice_share": [10.0, 20.0, 30.0],  # 1, .5, 0
        }
    )
    out = composite(values, "finance.financial_health", catalog=catalog)
    got = out.set_index(["index", "organization"])["value"]
    # sub-indices: autonomy 0, .5, 1; sustainability (.5+1+1)/3, (1+.5+.5)/3, 0;
    # cash management (0+0+1+1)/4 = .5 for all three
    assert got[("sustainability", "a")] == pytest.approx(2.5 / 3)
    assert got[("cash_management", "c")] == pytest.approx(0.5)
    # index x 100: a (0 + .8333 + .5)/3 = 44.44; b (.5 + .6667 + .5)/3 = 55.56; c (1 + 0 + .5)/3
    index = got["finance.financial_health"]
    assert index["a"] == pytest.approx(100 * (0 + 2.5 / 3 + 0.5) / 3)
    assert index["b"] == pytest.approx(100 * (0.5 + 2 / 3 + 0.5) / 3)
    assert index["c"] == pytest.approx(50.0)


def test_invoice_problems_follow_the_shared_layout():
    inv = _invoices()
    inv.loc[1, "amount"] = -5.0
    inv.loc[3, "due_date"] = "31/13/2024"
    with pytest.raises(DataError) as err:
        invoice_variables(inv, source="fatture.csv")
    problems = err.value.failure_cases
    assert_problems_table(problems, extras=INVOICE_PROBLEM_EXTRAS)
    assert list(problems.columns) == [*CORE_COLUMNS, "invoice"]
    assert problems[["row", "column", "rule"]].values.tolist() == [
        [2, "amount", Rule.OUT_OF_RANGE],
        [4, "due_date", Rule.NOT_A_DATE],
    ]
    assert set(problems["source"]) == {"fatture.csv"}
    pd.testing.assert_frame_equal(problems, check_invoices(inv, source="fatture.csv"))
