"""Generate the SYNTHETIC demo data of qualitapa-finance (seeded, reproducible).

Writes into ``src/qualitapa_finance/demo/``:

* ``invoices.csv`` - invoices of the eight Q-Club cities
  (``organization, invoice_id, amount, due_date, payment_date``): those paid
  in 2024 and those still unpaid on 31 December 2024 (blank payment date).
* ``indicator_data.csv`` - tidy ``organization, period, variable,
  value``: every variable of the plugin for 2009-2024. Budget amounts scale
  with each city's population; the payment-timeliness variables start in
  2014 (the DPCM of 22 September 2014 introduced the indicator) and their
  2024 values are computed from the invoice file with
  :func:`qualitapa_finance.invoice_variables`, so the indicator of the
  panel and the one recomputed from invoices agree. The invoice file is a
  small sample (a few hundred invoices per city, not the tens of thousands a
  city pays), so the invoice amounts and counts of every year are at the
  scale of that sample.

Every figure is invented: none is a real figure of any city.

Run from the repository root::

    .venv/bin/python plugins/qualitapa-finance/scripts/make_demo_data.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from qualitapa_finance import invoice_variables

from qualitapa.demo import data as demo_data

SEED = 20240131
YEARS = list(range(2009, 2025))
TIMELINESS_FROM = 2014
OUT = Path(__file__).resolve().parents[1] / "src" / "qualitapa_finance" / "demo"


def make_invoices(orgs: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Invoices paid in 2024 (or unpaid at 31 December 2024), city by city."""
    pop = orgs["population"].to_numpy(dtype=float)
    n_due = np.round(280 + 800 * pop / pop.max()).astype(int)  # invoices falling due
    city_delay = rng.normal(-5.0, 8.0, size=len(orgs))  # mean days late, by city
    reps = np.repeat(np.arange(len(orgs)), n_due)
    total = int(n_due.sum())
    due = np.datetime64("2023-12-01") + rng.integers(0, 396, size=total).astype("timedelta64[D]")
    on_time = rng.random(total) < 0.8
    delay = np.where(
        on_time,
        np.round(rng.normal(-4.0, 6.0, size=total)),
        np.round(rng.exponential(30.0, size=total)),
    ) + np.round(city_delay[reps])
    paid = due + delay.astype("timedelta64[D]")
    in_2024 = (paid >= np.datetime64("2024-01-01")) & (paid <= np.datetime64("2024-12-31"))
    unpaid = paid > np.datetime64("2024-12-31")  # still open at the extraction date
    keep = in_2024 | unpaid
    amount = np.clip(rng.lognormal(np.log(2500.0), 1.3, size=total), 40.0, 900_000.0)
    frame = pd.DataFrame(
        {
            "organization": orgs["organization"].to_numpy()[reps],
            "amount": np.round(amount, 2),
            "due_date": pd.to_datetime(due).strftime("%Y-%m-%d"),
            "payment_date": np.where(unpaid, "", pd.to_datetime(paid).strftime("%Y-%m-%d")),
        }
    ).loc[keep]
    frame = frame.sort_values(["organization", "due_date"], kind="stable").reset_index(drop=True)
    number = frame.groupby("organization").cumcount() + 1
    frame.insert(1, "invoice_id", "FT2024-" + number.map("{:05d}".format))
    return frame


BASE_PROFILES = {
    # EUR per inhabitant in 2009 and yearly trend (invented, plausible orders)
    "finance.tax_revenue": {"per_capita": 520.0, "trend": 0.03, "noise": 0.15},
    "finance.transfers": {"per_capita": 330.0, "trend": -0.03, "noise": 0.25},
    "finance.nontax_revenue": {"per_capita": 250.0, "trend": 0.01, "noise": 0.2},
    "finance.personnel_expenditure": {"per_capita": 300.0, "trend": -0.01, "noise": 0.12},
    "finance.interest_expenditure": {"per_capita": 35.0, "trend": -0.06, "noise": 0.35},
    "finance.loan_repayments": {"per_capita": 50.0, "trend": -0.02, "noise": 0.35},
    "finance.debt_outstanding": {"per_capita": 1100.0, "trend": -0.03, "noise": 0.4},
}


def make_panel(
    orgs: pd.DataFrame, invoices: pd.DataFrame, rng: np.random.Generator
) -> pd.DataFrame:
    """The tidy panel of every variable, consistent with the invoices in 2024."""
    wide = demo_data.wide_panel(orgs, YEARS, BASE_PROFILES, seed=SEED)
    years = wide.index.get_level_values("period").to_numpy()
    n = len(wide)
    # COVID-19 emergency funds (2020-2021) raised current transfers
    wide["finance.transfers"] *= np.where(np.isin(years, [2020, 2021]), 1.45, 1.0)
    own = wide["finance.tax_revenue"] + wide["finance.nontax_revenue"]
    current = own + wide["finance.transfers"]
    wide["finance.own_revenue_collected"] = np.round(own * rng.uniform(0.68, 0.86, n))
    committed = current * rng.uniform(0.90, 0.98, n)
    wide["finance.current_expenditure_committed"] = np.round(committed)
    wide["finance.current_expenditure_paid"] = np.round(committed * rng.uniform(0.68, 0.84, n))

    # payment timeliness: 2024 from the invoices, earlier years improving towards it
    inv = invoice_variables(invoices).pivot_table(
        index="organization", columns="variable", values="value"
    )
    orgs_idx = wide.index.get_level_values("organization")
    days_2024 = (inv["finance.invoice_amount_days"] / inv["finance.invoice_amount_paid"]).reindex(
        orgs_idx
    )
    slope = pd.Series(rng.uniform(1.5, 4.0, len(inv)), index=inv.index).reindex(orgs_idx)
    days = days_2024.to_numpy() + (2024 - years) * slope.to_numpy() + rng.normal(0, 3.0, n)
    count = inv["finance.invoices_paid"].reindex(orgs_idx).to_numpy() * rng.lognormal(0, 0.1, n)
    count = np.round(count)
    amount_paid = np.round(
        inv["finance.invoice_amount_paid"].reindex(orgs_idx).to_numpy() * rng.lognormal(0, 0.2, n),
        2,
    )
    late_share = np.clip(0.2 + days / 60.0, 0.03, 0.95)
    wide["finance.invoices_paid"] = count
    wide["finance.invoices_paid_late"] = np.round(count * late_share)
    wide["finance.invoice_amount_paid"] = amount_paid
    wide["finance.invoice_amount_days"] = np.round(amount_paid * days, 2)
    is_2024 = years == 2024
    for var in inv.columns:
        wide.loc[is_2024, var] = inv[var].reindex(orgs_idx[is_2024]).to_numpy()
    timeliness = [c for c in wide.columns if c.startswith("finance.invoice")]
    wide.loc[years < TIMELINESS_FROM, timeliness] = np.nan

    values = demo_data.tidy(wide, sort=False)
    # a few missing values (about 1%), never in the 2024 invoice variables
    protected = (values["period"] == 2024) & values["variable"].str.startswith("finance.invoice")
    return demo_data.sort_tidy(demo_data.drop_some(values, rng, 0.01, keep=protected))


def make_files() -> dict[str, pd.DataFrame]:
    """Both demo tables, by dataset kind."""
    rng = np.random.default_rng(SEED)
    orgs = demo_data.cities("qclub")
    invoices = make_invoices(orgs, rng)
    return {"invoices": invoices, "indicator_data": make_panel(orgs, invoices, rng)}


if __name__ == "__main__":
    demo_data.run_script(__doc__, OUT, make_files)
