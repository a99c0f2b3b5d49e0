"""Raw variables of the payment-timeliness indicator, from invoice-level data.

The *indicatore di tempestività dei pagamenti* (DPCM 22 September 2014,
art. 9) is the sum, over the commercial invoices paid in the period, of the
days between the due date and the payment date times the amount due,
divided by the sum of the amounts paid in the period. It is an
amount-weighted mean delay: lower is better, negative means the
municipality paid early on average. Days during which payment was
suspended because the invoice was disputed are not counted (art. 9,
comma 4).

:func:`invoice_variables` turns a table of invoices into the raw variables
of that ratio, in the tidy ``organization, period, variable, value`` layout
that :func:`qualitapa.indicators.compute` reads; the indicator
``finance.payment_timeliness`` of this plugin is their ratio.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from qualitapa.io import require_columns
from qualitapa.problems import Problems, Rule

__all__ = ["INVOICE_VARIABLES", "invoice_variables"]

#: The variables :func:`invoice_variables` produces, in output order.
INVOICE_VARIABLES = (
    "finance.invoice_amount_days",
    "finance.invoice_amount_paid",
    "finance.invoices_paid",
    "finance.invoices_paid_late",
)


def _dates(
    frame: pd.DataFrame, column: str
) -> tuple[npt.NDArray[np.datetime64], npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Parsed dates (datetime64[D]), which cells are blank, which failed to parse."""
    raw = frame[column]
    if pd.api.types.is_datetime64_any_dtype(raw):
        index = pd.DatetimeIndex(raw)
        if index.tz is not None:
            index = index.tz_localize(None)
        blank = np.asarray(index.isna(), dtype=bool)
        return index.to_numpy().astype("datetime64[D]"), blank, np.zeros_like(blank)
    text = raw.astype("string").str.strip()
    blank = (text.isna() | (text == "")).to_numpy(dtype=bool)
    parsed = pd.to_datetime(text.where(~blank, None), errors="coerce", format="mixed")
    bad = parsed.isna().to_numpy(dtype=bool) & ~blank
    return parsed.to_numpy().astype("datetime64[D]"), blank, bad


def invoice_variables(
    invoices: pd.DataFrame,
    *,
    organization: str = "organization",
    amount: str = "amount",
    due_date: str = "due_date",
    payment_date: str = "payment_date",
    invoice_id: str | None = "invoice_id",
    suspended_days: str | None = None,
    source: str | None = None,
) -> pd.DataFrame:
    """Raw variables of the payment-timeliness indicator, per organization and year.

    For each organization and each calendar year of payment (the period of
    the DPCM indicator is the year in which the invoices are paid):

    ``finance.invoice_amount_days``
        sum of ``amount * days``, where ``days = payment_date - due_date
        - suspended_days`` (negative when paid early);
    ``finance.invoice_amount_paid``
        sum of ``amount``;
    ``finance.invoices_paid``
        number of invoices paid;
    ``finance.invoices_paid_late``
        number paid with ``days > 0``.

    The indicator ``finance.payment_timeliness`` is the ratio of the first
    two. Invoices without a payment date (not yet paid) are not part of the
    indicator of any period and are left out; every other invalid row is an
    error.

    Parameters
    ----------
    invoices
        One row per invoice (credit notes already netted). Not modified.
    organization, amount, due_date, payment_date
        Column names. Dates are ISO text (``2024-03-31``) or datetimes;
        ``payment_date`` may be blank for unpaid invoices.
    invoice_id
        Column with the invoice number, checked for duplicates within an
        organization when present (None to skip).
    suspended_days
        Optional column with the days during which payment was suspended
        because the invoice was disputed (DPCM 22/9/2014, art. 9 c. 4);
        blank means 0.
    source
        File name, for error messages.

    Returns
    -------
    pandas.DataFrame
        Tidy columns ``organization`` (string), ``period`` (int64, year of
        payment), ``variable`` (string, see above), ``value`` (float64);
        sorted by organization, period and variable order.

    Raises
    ------
    DataError
        A required column is missing, or rows are invalid: missing
        organization, amount missing, not a number or not positive, due
        date missing or not a date, payment date not a date, negative or
        non-numeric suspended days, duplicated invoice id. The error names
        the first bad row (1-based, header excluded) and column;
        ``failure_cases`` lists every problem, by row and column, with the
        columns of :mod:`qualitapa.problems` (``source, row, column, value,
        rule, message``).

    Examples
    --------
    >>> import pandas as pd
    >>> inv = pd.DataFrame({
    ...     "organization": ["036023", "036023", "036023"],
    ...     "invoice_id": ["F1", "F2", "F3"],
    ...     "amount": [1000.0, 3000.0, 500.0],
    ...     "due_date": ["2024-03-01", "2024-03-01", "2024-05-01"],
    ...     "payment_date": ["2024-03-11", "2024-02-25", ""],
    ... })
    >>> v = invoice_variables(inv)
    >>> v
      organization  period                     variable   value
    0       036023    2024  finance.invoice_amount_days -5000.0
    1       036023    2024  finance.invoice_amount_paid  4000.0
    2       036023    2024        finance.invoices_paid     2.0
    3       036023    2024   finance.invoices_paid_late     1.0
    >>> float(v["value"].iloc[0] / v["value"].iloc[1])   # (1000*10 + 3000*-5) / 4000
    -1.25
    """
    problems = Problems(source=source, what="invoice")
    org, amounts, due, paid, paid_blank, sus = _read_invoices(
        invoices,
        problems,
        (organization, amount, due_date, payment_date),
        invoice_id=invoice_id,
        suspended_days=suspended_days,
        source=source,
    )
    problems.raise_if_any()

    keep = ~paid_blank
    days = (paid[keep] - due[keep]).astype("timedelta64[D]").astype(float) - sus[keep]
    amt = amounts[keep]
    grouped = pd.DataFrame(
        {
            "organization": org.to_numpy()[keep],
            "period": paid[keep].astype("datetime64[Y]").astype(np.int64) + 1970,
            "finance.invoice_amount_days": amt * days,
            "finance.invoice_amount_paid": amt,
            "finance.invoices_paid": np.ones(int(keep.sum())),
            "finance.invoices_paid_late": (days > 0).astype(float),
        }
    )
    return _tidy(grouped.groupby(["organization", "period"], sort=True).sum())


def _tidy(sums: pd.DataFrame) -> pd.DataFrame:
    """Wide sums by (organization, period) as tidy rows, in :data:`INVOICE_VARIABLES` order."""
    out = (
        sums.reset_index()
        .melt(id_vars=["organization", "period"], var_name="variable", value_name="value")
        .astype({"organization": "string", "period": "int64", "variable": "string"})
    )
    order = {v: i for i, v in enumerate(INVOICE_VARIABLES)}
    out = out.assign(_o=out["variable"].map(order)).sort_values(
        ["organization", "period", "_o"], kind="stable"
    )
    return out.drop(columns="_o").reset_index(drop=True)


def _read_invoices(
    invoices: pd.DataFrame,
    problems: Problems,
    columns: tuple[str, str, str, str],
    *,
    invoice_id: str | None,
    suspended_days: str | None,
    source: str | None,
) -> tuple[
    pd.Series[str],
    npt.NDArray[np.float64],
    npt.NDArray[np.datetime64],
    npt.NDArray[np.datetime64],
    npt.NDArray[np.bool_],
    npt.NDArray[np.float64],
]:
    """Parse the invoices, collecting their problems.

    Returns ``(organization, amount, due date, payment date, payment date
    blank, suspended days)``.
    """
    organization, amount, due_date, payment_date = columns
    cols = [*columns] if suspended_days is None else [*columns, suspended_days]
    require_columns(invoices, cols, source=source)

    org = invoices[organization].astype("string").str.strip()
    amounts = pd.to_numeric(invoices[amount], errors="coerce").to_numpy(dtype=float)
    due, due_blank, due_bad = _dates(invoices, due_date)
    paid, paid_blank, paid_bad = _dates(invoices, payment_date)
    checks: list[tuple[npt.NDArray[np.bool_], str, Rule, str]] = [
        ((org.isna() | (org == "")).to_numpy(dtype=bool), organization, Rule.REQUIRED,
         "missing organization"),
        (np.isnan(amounts), amount, Rule.NOT_A_NUMBER, "amount missing or not a number"),
        (~np.isnan(amounts) & ~(amounts > 0), amount, Rule.OUT_OF_RANGE,
         "amount must be positive (net credit notes against their invoice)"),
        (np.isinf(amounts), amount, Rule.OUT_OF_RANGE, "amount must be a finite number"),
        (due_blank, due_date, Rule.REQUIRED, "missing due date"),
        (due_bad, due_date, Rule.NOT_A_DATE, "due date is not a date (use YYYY-MM-DD)"),
        (paid_bad, payment_date, Rule.NOT_A_DATE, "payment date is not a date (use YYYY-MM-DD)"),
    ]  # fmt: skip
    sus = np.zeros(len(invoices))
    if suspended_days is not None:
        text = invoices[suspended_days].astype("string").str.strip()
        blank = (text.isna() | (text == "")).to_numpy(dtype=bool)
        # na_value: pandas 2.2 gives a nullable dtype for string input
        sus = pd.to_numeric(text.where(~blank, None), errors="coerce").to_numpy(
            dtype=float, na_value=np.nan
        )
        checks += [
            (np.isnan(sus) & ~blank, suspended_days, Rule.NOT_A_NUMBER,
             "suspended days must be a number"),
            (~np.isnan(sus) & (sus < 0), suspended_days, Rule.NEGATIVE,
             "suspended days cannot be negative"),
        ]  # fmt: skip
        sus = np.where(np.isnan(sus), 0.0, sus)
    if invoice_id is not None and invoice_id in invoices.columns:
        ids = invoices[invoice_id].astype("string").str.strip()
        dup = pd.DataFrame({"o": org, "i": ids}).duplicated(keep="first").to_numpy(dtype=bool)
        checks.append((dup & ~ids.isna().to_numpy(dtype=bool), invoice_id, Rule.DUPLICATE,
                       "invoice listed twice for this organization"))  # fmt: skip
    for mask, column, rule, message in checks:
        problems.add(mask, column=column, value=invoices[column], rule=rule, message=message)
    return org, amounts, due, paid, paid_blank, sus
