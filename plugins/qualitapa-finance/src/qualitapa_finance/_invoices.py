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

The invoices are checked as every qualitapa input is (:mod:`qualitapa.problems`):
:func:`check_invoices` returns the problems table (``source, row, column,
value, rule, message`` and the ``invoice`` number), :func:`validate_invoices`
returns ``(clean, problems)`` and raises in strict mode, and
:func:`invoice_variables` computes only from invoices without a problem,
raising otherwise.

Invoices come as an office exports them: amounts written the Italian way
(``2.088,44``) or the English way (``2,088.44``) are read as
:func:`qualitapa.io.to_numeric_column` reads numbers (declare the
convention with ``numbers="it"`` or ``"en"``; without one, ``1.234`` reads
two ways and is a problem), and dates are ISO (``2024-01-31``) or written
day first as in Italy (``31/01/2024``, ``31.01.2024``, ``31-01-2024``;
never month first).
"""

from __future__ import annotations

import re
from typing import Literal, NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd

from qualitapa.errors import DataError
from qualitapa.io import NUMBER_CONVENTIONS, Numbers, to_numeric_column
from qualitapa.problems import Problems, Rule, check_option

__all__ = [
    "INVOICE_PROBLEM_EXTRAS",
    "INVOICE_VARIABLES",
    "check_invoices",
    "invoice_variables",
    "validate_invoices",
]

#: The variables :func:`invoice_variables` produces, in output order.
INVOICE_VARIABLES = (
    "finance.invoice_amount_days",
    "finance.invoice_amount_paid",
    "finance.invoices_paid",
    "finance.invoices_paid_late",
)

#: The column the invoice problems add to :data:`qualitapa.problems.CORE_COLUMNS`:
#: the invoice number (``invoice_id``) of the faulty row.
INVOICE_PROBLEM_EXTRAS = ("invoice",)

#: ``"lenient"``: return the clean invoices and the problems; ``"strict"``: raise on any.
Mode = Literal["lenient", "strict"]


# A time of day after a date (an Excel date cell read as text ends in 00:00:00); ASCII
# digits only ("\d" would take other scripts' digits).
_TIME = r"(?:[T ][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?"
# 2024-01-31, or 31/01/2024 (31.01.2024, 31-01-2024) day first as in Italy: never month
# first (format="mixed" read 01/02/2024, 1 February in Italy, as 2 January), and the
# year in four digits (31/01/24 is refused, not given a century). Anchored: the whole cell.
_ISO_DATE = re.compile(rf"^(?P<y>[0-9]{{4}})-(?P<m>[0-9]{{2}})-(?P<d>[0-9]{{2}}){_TIME}$")
_DAY_FIRST = re.compile(
    rf"^(?P<d>[0-9]{{1,2}})(?P<sep>[/.-])(?P<m>[0-9]{{1,2}})(?P=sep)(?P<y>[0-9]{{4}}){_TIME}$"
)
# What a date cell may look like, for messages.
_DATE_FORMATS = "write 31/01/2024 or 2024-01-31"


def _dates(
    frame: pd.DataFrame, column: str
) -> tuple[npt.NDArray[np.datetime64], npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Parsed dates (datetime64[D]), which cells are blank, which are not a date."""
    raw = frame[column]
    if pd.api.types.is_datetime64_any_dtype(raw):
        index = pd.DatetimeIndex(raw)
        if index.tz is not None:
            index = index.tz_localize(None)
        blank = np.asarray(index.isna(), dtype=bool)
        return index.to_numpy().astype("datetime64[D]"), blank, np.zeros_like(blank)
    text = raw.astype("string").str.strip()
    blank = (text.isna() | (text == "")).to_numpy(dtype=bool)
    # either layout rewritten as year-month-day (a cell cannot have both); other text
    # stays as it is and fails the exact format below, as 2024-02-30 does
    ymd = text.str.replace(_ISO_DATE, r"\g<y>-\g<m>-\g<d>", regex=True)
    ymd = ymd.str.replace(_DAY_FIRST, r"\g<y>-\g<m>-\g<d>", regex=True)
    parsed = pd.to_datetime(ymd, errors="coerce", format="%Y-%m-%d")
    bad = parsed.isna().to_numpy(dtype=bool) & ~blank
    return parsed.to_numpy().astype("datetime64[D]"), blank, bad


#: How each number convention is called in messages.
_CONVENTIONS = {"it": "Italian (2.088,44)", "en": "English (2,088.44)"}
_AMBIGUOUS = (
    "reads two ways (1.234 is 1234 in the Italian convention, 1.234 in the English one): "
    "declare numbers='it' or numbers='en'"
)


def _numbers(
    frame: pd.DataFrame, column: str, numbers: Numbers | None, source: str | None
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Numbers of a column, which cells are not numbers, which read two ways.

    :func:`qualitapa.io.to_numeric_column` raises at the first cell that reads
    two ways; here every such cell is a problem of its own row, and the other
    cells are read.
    """
    raw = frame[column]
    try:
        values, bad = to_numeric_column(raw, source=source, column=column, numbers=numbers)
        return values, bad, np.zeros(len(raw), dtype=bool)
    except DataError:
        if numbers is not None:  # pragma: no cover - a declared convention is never ambiguous
            raise
        it, it_bad = to_numeric_column(raw, column=column, numbers="it")
        en, en_bad = to_numeric_column(raw, column=column, numbers="en")
        with np.errstate(invalid="ignore"):
            ambiguous = ~it_bad & ~en_bad & ~np.isnan(it) & (it != en)
        if not ambiguous.any():  # pragma: no cover - the error was not ambiguity
            raise
        kept = raw.astype(object).where(~ambiguous, None)
        values, bad = to_numeric_column(kept, source=source, column=column)
        return values, bad, ambiguous


def invoice_variables(  # noqa: PLR0913 - six column names, then options
    invoices: pd.DataFrame,
    *,
    organization: str = "organization",
    amount: str = "amount",
    due_date: str = "due_date",
    payment_date: str = "payment_date",
    invoice_id: str | None = "invoice_id",
    suspended_days: str | None = None,
    source: str | None = None,
    numbers: Numbers | None = None,
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
        Column names. Amounts are numbers, or text in the ``numbers``
        convention (``2.088,44``). Dates are datetimes, ISO text
        (``2024-03-31``) or text day first as in Italy (``31/03/2024``,
        ``31.03.2024``, ``31-03-2024``; never read month first; the year
        in four digits); ``payment_date`` may be blank for unpaid invoices.
    invoice_id
        Column with the invoice number, checked for duplicates within an
        organization when present (None to skip).
    suspended_days
        Optional column with the days during which payment was suspended
        because the invoice was disputed (DPCM 22/9/2014, art. 9 c. 4);
        blank means 0.
    source
        File name, for error messages.
    numbers
        How amounts and suspended days written as text are written:
        ``"it"`` (``2.088,44``) or ``"en"`` (``2,088.44``), as for
        :func:`qualitapa.io.read_table`. With None (the default) each value
        is read the only way it can be (``2.088,44``, ``310,5``,
        ``2088.44``); one that reads two ways (``1.234``: 1234 or 1.234) is
        a problem of its row.

    Returns
    -------
    pandas.DataFrame
        Tidy columns ``organization`` (string), ``period`` (int64, year of
        payment), ``variable`` (string, see above), ``value`` (float64);
        sorted by organization, period and variable order.

    Raises
    ------
    DataError
        Any problem :func:`check_invoices` finds (a missing column, a
        missing organization, an amount missing, not a number, reading two
        ways or not positive, a due date missing or not a date, a payment
        date not a date, negative or non-numeric suspended days, an invoice
        number listed twice): the error names the file, the first bad row
        (1-based, header excluded) and column; ``failure_cases`` is the whole problems table.
        To compute from the good invoices only, take the ``clean`` table of
        :func:`validate_invoices` (``mode="lenient"``) after reading its
        problems.

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
    cols = _Columns(organization, amount, due_date, payment_date, invoice_id, suspended_days)
    parsed, problems = _checked_invoices(invoices, cols, source, numbers, lazy=True)
    problems.raise_if_any()
    keep = ~parsed.paid_blank
    paid = parsed.paid[keep]
    days = (paid - parsed.due[keep]).astype("timedelta64[D]").astype(float) - parsed.sus[keep]
    amt = parsed.amounts[keep]
    grouped = pd.DataFrame(
        {
            "organization": parsed.org.to_numpy()[keep],
            "period": paid.astype("datetime64[Y]").astype(np.int64) + 1970,
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


def check_invoices(  # noqa: PLR0913 - invoice_variables' six column names, then options
    invoices: pd.DataFrame,
    *,
    organization: str = "organization",
    amount: str = "amount",
    due_date: str = "due_date",
    payment_date: str = "payment_date",
    invoice_id: str | None = "invoice_id",
    suspended_days: str | None = None,
    source: str | None = None,
    numbers: Numbers | None = None,
) -> pd.DataFrame:
    """Every problem in a table of invoices, one row per problem.

    The checks :func:`invoice_variables` makes before it computes; the
    parameters are its own.

    Returns
    -------
    pandas.DataFrame
        The problems table of :mod:`qualitapa.problems` (``source, row,
        column, value, rule, message``) and ``invoice`` (the invoice number
        of the row, when ``invoice_id`` is a column), by row; empty when the
        invoices are clean. Rules: ``missing_column``, ``required``
        (organization, due date), ``not_a_number`` (amount, suspended
        days: not a number, or reading two ways without ``numbers``),
        ``out_of_range`` (amount not positive or not finite),
        ``negative`` (suspended days), ``not_a_date`` (due or payment
        date), ``duplicate`` (an invoice number twice in an organization:
        every copy).

    Examples
    --------
    >>> import pandas as pd
    >>> inv = pd.DataFrame({
    ...     "organization": ["036023", "036023"], "invoice_id": ["F1", "F2"],
    ...     "amount": ["2.088,44", "-3"], "due_date": ["01/03/2024", "31/02/2024"],
    ...     "payment_date": ["2024-03-11", ""]})
    >>> check_invoices(inv, source="fatture.csv")[["row", "column", "value", "rule", "invoice"]]
       row    column       value          rule invoice
    0    2    amount          -3  out_of_range      F2
    1    2  due_date  31/02/2024    not_a_date      F2
    """
    cols = _Columns(organization, amount, due_date, payment_date, invoice_id, suspended_days)
    return _checked_invoices(invoices, cols, source, numbers, lazy=True)[1].frame()


def validate_invoices(  # noqa: PLR0913 - invoice_variables' six column names, then options
    invoices: pd.DataFrame,
    *,
    organization: str = "organization",
    amount: str = "amount",
    due_date: str = "due_date",
    payment_date: str = "payment_date",
    invoice_id: str | None = "invoice_id",
    suspended_days: str | None = None,
    source: str | None = None,
    numbers: Numbers | None = None,
    mode: Mode = "lenient",
    lazy: bool = True,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Check a table of invoices: ``(clean, problems)``.

    Parameters
    ----------
    invoices
        One row per invoice. Not modified.
    organization, amount, due_date, payment_date, invoice_id, suspended_days, source, numbers
        As for :func:`invoice_variables`.
    mode
        ``"lenient"`` (default): return the invoices without a problem and
        every problem; ``"strict"``: raise :class:`~qualitapa.errors.DataError`
        if there is any problem.
    lazy
        Collect every problem before reporting (the default); ``False``
        raises at the first check that finds one, whatever the mode.

    Returns
    -------
    clean : pandas.DataFrame
        The rows of ``invoices`` without a problem, as they are (same
        columns, values and index): unpaid invoices (blank payment date)
        included. ``invoice_variables(clean)`` computes from them.
    problems : pandas.DataFrame
        As :func:`check_invoices`.

    Raises
    ------
    DataError
        In strict mode (or with ``lazy=False``) on any problem, naming the
        first; ``failure_cases`` is the problems table.
    OptionError
        ``mode`` is not ``"lenient"`` or ``"strict"``, or ``numbers`` not
        ``"it"``, ``"en"`` or None.

    Examples
    --------
    >>> import pandas as pd
    >>> inv = pd.DataFrame({
    ...     "organization": ["036023", "036023"], "invoice_id": ["F1", "F2"],
    ...     "amount": [1000.0, -3.0], "due_date": ["2024-03-01", "2024-03-01"],
    ...     "payment_date": ["2024-03-11", ""]})
    >>> clean, problems = validate_invoices(inv)
    >>> clean["invoice_id"].tolist(), problems["message"].tolist()
    (['F1'], ['amount must be positive (net credit notes against their invoice)'])
    """
    check_option("mode", mode, ("lenient", "strict"))  # before the work, not after
    cols = _Columns(organization, amount, due_date, payment_date, invoice_id, suspended_days)
    return _checked_invoices(invoices, cols, source, numbers, lazy=lazy)[1].split(invoices, mode)


class _Columns(NamedTuple):
    """The column names of an invoice table."""

    organization: str
    amount: str
    due_date: str
    payment_date: str
    invoice_id: str | None
    suspended_days: str | None


class _Parsed(NamedTuple):
    """The invoices parsed, one array item per row."""

    org: pd.Series[str]
    amounts: npt.NDArray[np.float64]
    due: npt.NDArray[np.datetime64]
    paid: npt.NDArray[np.datetime64]
    #: No payment date: the invoice is unpaid.
    paid_blank: npt.NDArray[np.bool_]
    #: Suspended days (0 where blank).
    sus: npt.NDArray[np.float64]


def _checked_invoices(
    invoices: pd.DataFrame,
    cols: _Columns,
    source: str | None,
    numbers: Numbers | None,
    *,
    lazy: bool,
) -> tuple[_Parsed, Problems]:
    """The invoices parsed and every problem found in them."""
    check_option("numbers", numbers, (*NUMBER_CONVENTIONS, None))
    problems = Problems(source=source, what="invoice", extras=INVOICE_PROBLEM_EXTRAS, lazy=lazy)
    names = [cols.organization, cols.amount, cols.due_date, cols.payment_date]
    if cols.suspended_days is not None:
        names.append(cols.suspended_days)
    if problems.missing_columns(invoices, names):  # nothing else can be checked
        frame = pd.DataFrame({c: pd.Series(dtype=object) for c in names})
        empty = Problems(extras=INVOICE_PROBLEM_EXTRAS)
        return _parse(frame, cols, empty, source, numbers), problems
    return _parse(invoices, cols, problems, source, numbers), problems


def _parse(
    invoices: pd.DataFrame,
    cols: _Columns,
    problems: Problems,
    source: str | None,
    numbers: Numbers | None,
) -> _Parsed:
    """Parse the invoices (which have the columns), adding their problems."""
    org = invoices[cols.organization].astype("string").str.strip()
    amounts, _, amount_twice = _numbers(invoices, cols.amount, numbers, source)
    not_a_number = "amount missing or not a number" + (
        f" in the {_CONVENTIONS[numbers]} convention declared" if numbers else ""
    )
    due, due_blank, due_bad = _dates(invoices, cols.due_date)
    paid, paid_blank, paid_bad = _dates(invoices, cols.payment_date)
    checks: list[tuple[npt.NDArray[np.bool_], str, Rule, str]] = [
        ((org.isna() | (org == "")).to_numpy(dtype=bool), cols.organization, Rule.REQUIRED,
         "missing organization"),
        (np.isnan(amounts) & ~amount_twice, cols.amount, Rule.NOT_A_NUMBER, not_a_number),
        (amount_twice, cols.amount, Rule.NOT_A_NUMBER, f"amount {_AMBIGUOUS}"),
        (~np.isnan(amounts) & ~(amounts > 0), cols.amount, Rule.OUT_OF_RANGE,
         "amount must be positive (net credit notes against their invoice)"),
        (np.isinf(amounts), cols.amount, Rule.OUT_OF_RANGE, "amount must be a finite number"),
        (due_blank, cols.due_date, Rule.REQUIRED, "missing due date"),
        (due_bad, cols.due_date, Rule.NOT_A_DATE, f"due date is not a date ({_DATE_FORMATS})"),
        (paid_bad, cols.payment_date, Rule.NOT_A_DATE,
         f"payment date is not a date ({_DATE_FORMATS})"),
    ]  # fmt: skip
    sus = np.zeros(len(invoices))
    if cols.suspended_days is not None:
        sus, sus_bad, sus_twice = _numbers(invoices, cols.suspended_days, numbers, source)
        checks += [
            (sus_bad, cols.suspended_days, Rule.NOT_A_NUMBER, "suspended days must be a number"),
            (sus_twice, cols.suspended_days, Rule.NOT_A_NUMBER, f"suspended days {_AMBIGUOUS}"),
            (~np.isnan(sus) & (sus < 0), cols.suspended_days, Rule.NEGATIVE,
             "suspended days cannot be negative"),
        ]  # fmt: skip
        sus = np.where(np.isnan(sus), 0.0, sus)
    number = None
    if cols.invoice_id is not None and cols.invoice_id in invoices.columns:
        ids = invoices[cols.invoice_id].astype("string").str.strip()
        number = ids.astype(object).where(ids.notna(), None).to_numpy(dtype=object)
        dup = pd.DataFrame({"o": org, "i": ids}).duplicated(keep=False).to_numpy(dtype=bool)
        checks.append((dup & ~ids.isna().to_numpy(dtype=bool), cols.invoice_id, Rule.DUPLICATE,
                       "invoice number listed more than once for this organization"))  # fmt: skip
    for mask, column, rule, message in checks:
        problems.add(mask, column=column, value=invoices[column], rule=rule, message=message,
                     invoice=number)  # fmt: skip
    return _Parsed(org, amounts, due, paid, paid_blank, sus)
