"""Perceived quality as indicator values: survey indices and complaint KPIs.

Indicators declared with a ``source`` (:class:`IndicatorSource`) are measured by a
citizen survey or by the complaints register rather than computed from raw
variables. The two functions here turn the tables of
:func:`qualitapa.surveys.score_dimensions` and :func:`qualitapa.complaints.kpis`
into indicator values (``organization, period, indicator, value, status``, as
:func:`compute` gives them) with the estimate's interval, its number of cases
and how the interval was obtained, so that benchmarks, trends, targets and
composite indices use them like any other indicator.

Examples
--------
>>> import pandas as pd
>>> from qualitapa.indicators import IndicatorDefinition
>>> sat = IndicatorDefinition.from_mapping({
...     "id": "registry.satisfaction", "label": "Soddisfazione", "service": "registry",
...     "dimension": "quality", "polarity": "higher_is_better",
...     "source": {"type": "survey", "instrument": "registry.counter"}})
>>> scores = pd.DataFrame({"organization": ["a", "b"], "dimension": "overall",
...                        "n": [120, 80], "index": [71.5, 64.0],
...                        "ci_low": [68.0, 59.5], "ci_high": [75.0, 68.5]})
>>> survey_indicators(scores, [sat], instrument="registry.counter", period=2024)[
...     ["organization", "indicator", "value", "low", "high", "n"]]
  organization              indicator  value   low  high    n
0            a  registry.satisfaction   71.5  68.0  75.0  120
1            b  registry.satisfaction   64.0  59.5  68.5   80
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import special, stats

from qualitapa.errors import DataError, DefinitionError, Message, OptionError
from qualitapa.i18n import N_
from qualitapa.indicators._definitions import COMPLAINT_KPIS, IndicatorDefinition
from qualitapa.indicators._resolve import DefinitionsLike, resolve_definitions
from qualitapa.io import require_columns

if TYPE_CHECKING:
    from qualitapa.catalog import Catalog

#: Columns of the tables :func:`survey_indicators` and :func:`complaint_indicators` return.
PERCEIVED_COLUMNS = (
    "organization",
    "period",
    "indicator",
    "value",
    "status",
    "low",
    "high",
    "n",
    "method",
)


def survey_indicators(
    scores: pd.DataFrame,
    definitions: DefinitionsLike | None = None,
    *,
    instrument: str | None = None,
    period: object = None,
    method: str | None = None,
    catalog: Catalog | None = None,
    source: str | None = None,
) -> pd.DataFrame:
    """Survey dimension indices as the values of indicators with a survey source.

    Each indicator whose :class:`IndicatorSource` is ``type = "survey"`` takes,
    for every organization (and period) of ``scores``, the row of its
    instrument and dimension (``"overall"``: the overall satisfaction index):
    ``value`` is the 0-100 ``index`` times the indicator's ``scale``, ``low``
    and ``high`` the interval ``ci_low``, ``ci_high`` (scaled likewise), ``n``
    the respondents.

    Parameters
    ----------
    scores
        The table of :func:`qualitapa.surveys.score_dimensions` scored
        ``by="organization"`` (or ``by=["organization", "period"]``):
        columns ``organization``, ``dimension``, ``n``, ``index``,
        ``ci_low``, ``ci_high``, and ``instrument`` when it holds several
        instruments. Rows of local questions (``local`` true, from
        ``include_local``) are refused: they do not compare across
        organizations.
    definitions
        The indicators (definitions or ids, or a Catalog); default: every
        indicator of ``catalog`` with a survey source whose instrument is in
        ``scores``. Each must have a survey source.
    instrument
        The instrument of every row, when ``scores`` has no ``instrument``
        column.
    period
        The period of every row, when ``scores`` has no ``period`` column
        (the survey's year).
    method
        How the intervals were obtained, for the ``method`` column (default:
        ``"design"`` when ``scores`` has a ``deff`` column, the design path,
        else ``"kish"``, the default of ``score_dimensions``).
    catalog
        Where ids are looked up (default: :func:`qualitapa.default_catalog`).
    source
        Name of ``scores`` (a file name) for error messages.

    Returns
    -------
    pandas.DataFrame
        :data:`PERCEIVED_COLUMNS`: ``organization``, ``period``,
        ``indicator``, ``value``, ``status`` (``ok``, or
        ``missing_variable`` where the index is missing: a suppressed small
        sample), ``low``, ``high``, ``n``, ``method``; one row per indicator
        and organization-period, ordered as :func:`compute` orders its values:
        indicators in the order of ``definitions``, then by organization and
        period (whatever the order of ``scores``).

    Raises
    ------
    DefinitionError
        A definition without a survey source.
    DataError
        Missing columns; an instrument or dimension a definition names is
        not in ``scores`` (with the ones that are); two rows for the same
        organization, period, instrument and dimension; local rows.
    OptionError
        ``period`` or ``instrument`` given while ``scores`` has the column,
        or missing while it has not.

    Examples
    --------
    See the module's example: the values are the score table's own.
    """
    table = _keyed(scores, period, source)
    table = _with_instrument(table, instrument, source)
    require_columns(table, ["dimension", "n", "index", "ci_low", "ci_high"], source=source)
    if "local" in table and table["local"].fillna(False).astype(bool).any():
        raise DataError(
            Message(
                "rows of local questions do not compare across organizations: score the "
                "survey without include_local",
                N_(
                    "le righe con domande locali non si confrontano tra enti: calcolare i "
                    "punteggi senza include_local"
                ),
            ),
            source=source,
            column="local",
        )
    defs = _sourced(definitions, catalog, "survey", list(table["instrument"].unique()))
    _refuse_duplicates(table, ["organization", "period", "instrument", "dimension"], source)
    frames = []
    how = method or ("design" if "deff" in table else "kish")
    for d in defs:
        src = d.source
        assert src is not None  # _sourced keeps survey sources only
        rows = _rows_of(table, "instrument", str(src.instrument), d, source)
        rows = _rows_of(rows, "dimension", str(src.dimension), d, source)
        frames.append(
            _values(
                d,
                rows,
                rows["index"],
                rows["ci_low"],
                rows["ci_high"],
                rows["n"],
                how,
            )
        )
    return _concat(frames)


def complaint_indicators(
    kpis: pd.DataFrame,
    definitions: DefinitionsLike | None = None,
    *,
    period: object = None,
    confidence: float = 0.95,
    catalog: Catalog | None = None,
    source: str | None = None,
) -> pd.DataFrame:
    """Complaint KPIs as the values of indicators with a complaints source.

    Each indicator whose :class:`IndicatorSource` is ``type = "complaints"``
    takes its KPI column of ``kpis``, times its ``scale`` (100 turns a share
    into a percentage). Its interval and ``n`` (the complaints the KPI
    counts, :data:`COMPLAINT_KPIS`):

    * shares (``share_within_deadline`` of the answered, ``reopening_rate``,
      ``share_forwarded``, ``share_rejected``, ``share_founded`` of the
      received): the Wilson score interval (Wilson 1927; Agresti and Coull
      1998) of :math:`x` successes in :math:`n`, with :math:`z` the normal
      quantile of ``confidence``:
      :math:`(\\hat p + z^2/2n \\pm z\\sqrt{\\hat p(1-\\hat p)/n + z^2/4n^2}) / (1 + z^2/n)`;
    * ``per_10000`` (received per 10,000 inhabitants): the exact Poisson
      interval of the count (Garwood 1936),
      :math:`[\\chi^2_{2x,\\alpha/2}/2,\\ \\chi^2_{2x+2,1-\\alpha/2}/2] \\cdot 10^4/P`;
    * days (mean, median, 90th percentile; calendar or working): no
      interval (``low`` and ``high`` missing), ``n`` the answered.

    A period kpis marks not ``complete`` (``as_of`` falls in it) is left
    out: a part of a year is no year's value (:func:`_ended`).

    Where ``n`` is 0 (a period of :func:`~qualitapa.complaints.kpis` in which
    the group received, or answered, no complaint: kpis lists every period
    from the first receipt to the last one ``as_of`` ended, empty ones with zero counts) the
    value, ``low`` and ``high`` are missing with status ``no_complaints``: a
    share or a time of no complaint is 0/0, and a rate of 0 per 10,000 cannot
    tell a year without complaints from a register not kept that year, so it
    is not shown as the best value of a benchmark.

    Parameters
    ----------
    kpis
        The table of :func:`qualitapa.complaints.kpis` by ``organization``
        (and ``service``, and ``period="year"`` or a ``period`` column): a
        ``service`` column selects each indicator's own service; without
        it every row counts for every indicator. ``per_10000`` needs the
        ``population`` column (``kpis(..., population=...)``).
    definitions
        The indicators (definitions or ids, or a Catalog); default: every
        indicator of ``catalog`` with a complaints source. Each must have a
        complaints source.
    period
        The period of every row, when ``kpis`` has no ``period`` column.
    confidence
        Confidence level of the intervals (default 0.95).
    catalog
        Where ids are looked up (default: :func:`qualitapa.default_catalog`).
    source
        Name of ``kpis`` (a file name) for error messages.

    Returns
    -------
    pandas.DataFrame
        :data:`PERCEIVED_COLUMNS`, as for :func:`survey_indicators` (ordered
        by indicator, organization and period); ``status`` is ``ok``,
        ``no_complaints`` (``n`` is 0) or ``missing_variable`` (the KPI is
        missing otherwise, e.g. no population); ``method`` is ``"wilson"``,
        ``"poisson_exact"`` or ``"none"``.

    Raises
    ------
    DefinitionError
        A definition without a complaints source.
    DataError
        A KPI column (or the counts its interval needs) missing; two rows for
        the same organization, period and service.
    OptionError
        ``confidence`` outside (0, 1); ``period`` given while ``kpis`` has the
        column, or missing while it has not.

    Examples
    --------
    >>> import pandas as pd
    >>> from qualitapa.indicators import IndicatorDefinition
    >>> on_time = IndicatorDefinition.from_mapping({
    ...     "id": "registry.complaints_on_time", "label": "Reclami nei termini",
    ...     "service": "registry", "dimension": "quality", "polarity": "higher_is_better",
    ...     "unit": "%", "scale": 100,
    ...     "source": {"type": "complaints", "kpi": "share_within_deadline"}})
    >>> k = pd.DataFrame({"organization": ["a"], "received": [12], "answered": [10],
    ...                   "answered_within_deadline": [8], "share_within_deadline": [0.8]})
    >>> out = complaint_indicators(k, [on_time], period=2024)
    >>> out[["value", "n", "method"]].to_dict("records")
    [{'value': 80.0, 'n': 10, 'method': 'wilson'}]
    >>> out[["low", "high"]].round(1).to_dict("records")  # Wilson, 8 of 10
    [{'low': 49.0, 'high': 94.3}]

    A year without complaints is no value (not 0, not 0/0):

    >>> k = pd.DataFrame({"organization": "a", "period": ["2024", "2025"],
    ...                   "received": [12, 0], "answered": [10, 0],
    ...                   "answered_within_deadline": [8, 0],
    ...                   "share_within_deadline": [0.8, float("nan")]})
    >>> complaint_indicators(k, [on_time])[["period", "value", "status", "n"]]
       period  value         status   n
    0    2024   80.0             ok  10
    1    2025    NaN  no_complaints   0
    """
    if not 0 < confidence < 1:
        raise OptionError(
            f"confidence must be between 0 and 1 (e.g. 0.95), not {confidence!r}",
            option="confidence",
        )
    table = _ended(_keyed(kpis, period, source))
    defs = _sourced(definitions, catalog, "complaints", None)
    keys = ["organization", "period", *(["service"] if "service" in table else [])]
    _refuse_duplicates(table, keys, source)
    z = float(special.ndtri(0.5 + confidence / 2))
    return _concat([_complaint_values(d, table, z, confidence, source) for d in defs])


def _ended(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` without the rows of a period kpis marks not ``complete``.

    The period ``as_of`` falls in holds the complaints of a part of it: 15
    days of a year published as the year's rate per 10,000 would be wrong.
    Compute the KPIs with ``as_of`` at the period's end to have it.
    """
    if "complete" not in table:
        return table
    return table[table["complete"].astype(bool).to_numpy()]


def _complaint_values(
    d: IndicatorDefinition, table: pd.DataFrame, z: float, confidence: float, source: str | None
) -> pd.DataFrame:
    """One complaint indicator's rows: its KPI column, the interval of its kind, its ``n``."""
    kpi = str(d.source.kpi) if d.source is not None else ""
    rows = table
    if "service" in table:
        rows = table[table["service"].astype(str) == d.service]
    n_column, interval, count_column = COMPLAINT_KPIS[kpi]
    needed = [kpi, n_column, *([count_column] if count_column else [])]
    if interval == "poisson":
        needed.append("population")
    _require_kpi(rows, needed, d, source)
    n = pd.to_numeric(rows[n_column]).to_numpy(dtype=np.float64)
    value = pd.to_numeric(rows[kpi]).to_numpy(dtype=np.float64)
    if interval == "wilson":
        x = pd.to_numeric(rows[count_column]).to_numpy(dtype=np.float64)
        low, high = wilson_interval(x, n, z)
    elif interval == "poisson":
        per = 10_000 / pd.to_numeric(rows["population"]).to_numpy(dtype=np.float64)
        low, high = poisson_interval(n, 1 - confidence)
        low, high = low * per, high * per
    else:
        low = high = np.full(len(rows), np.nan)
    method = {"wilson": "wilson", "poisson": "poisson_exact"}.get(str(interval), "none")
    # a KPI over no complaint (an empty period of kpis: zero counts) is no measure: a
    # share or a time of none is 0/0, and a rate of 0 cannot tell a quiet year from a
    # register not kept; missing, said so, and never anyone's best
    return _values(d, rows, value, low, high, rows[n_column], method, empty=~(n > 0))


def wilson_interval(
    x: NDArray[np.float64], n: NDArray[np.float64], z: float | NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Wilson score interval of ``x`` successes in ``n`` trials (NaN where ``n`` is 0).

    Examples
    --------
    >>> low, high = wilson_interval(np.array([8.0]), np.array([10.0]), 1.959963984540054)
    >>> round(float(low[0]), 4), round(float(high[0]), 4)
    (0.4902, 0.9433)
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        p = x / n
        z2 = z * z
        denom = 1 + z2 / n
        center = (p + z2 / (2 * n)) / denom
        half = z / denom * np.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    ok = n > 0
    # the bounds at x = 0 and x = n are exactly 0 and 1 (not a rounding error away)
    low = np.where(x <= 0, 0.0, np.clip(center - half, 0.0, 1.0))
    high = np.where(x >= n, 1.0, np.clip(center + half, 0.0, 1.0))
    return np.where(ok, low, np.nan), np.where(ok, high, np.nan)


def poisson_interval(
    count: NDArray[np.float64], alpha: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Exact (Garwood) interval of a Poisson mean from an observed ``count``.

    Examples
    --------
    >>> low, high = poisson_interval(np.array([0.0, 10.0]), 0.05)
    >>> np.round(low, 4).tolist(), np.round(high, 4).tolist()
    ([0.0, 4.7954], [3.6889, 18.3904])
    """
    c = np.asarray(count, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        low = np.where(c > 0, stats.chi2.ppf(alpha / 2, 2 * c) / 2, 0.0)
        high = stats.chi2.ppf(1 - alpha / 2, 2 * c + 2) / 2
    return low, high


# -- shared helpers -----------------------------------------------------------------


def _keyed(frame: pd.DataFrame, period: object, source: str | None) -> pd.DataFrame:
    """``frame`` with its ``period`` column (from ``period`` when it has none)."""
    if not isinstance(frame, pd.DataFrame):
        raise DataError(f"expected a pandas DataFrame, not {type(frame).__name__}")
    require_columns(frame, ["organization"], source=source)
    if "period" in frame:
        if period is not None:
            raise OptionError("the table has a period column: leave period out", option="period")
        return frame
    if period is None:
        raise OptionError(
            "the table has no period column: give period= (e.g. the survey's year)",
            option="period",
        )
    return frame.assign(period=pd.Series([period] * len(frame), index=frame.index, dtype=object))


def _with_instrument(
    frame: pd.DataFrame, instrument: str | None, source: str | None
) -> pd.DataFrame:
    if "instrument" in frame:
        if instrument is not None:
            raise OptionError(
                "the table has an instrument column: leave instrument out", option="instrument"
            )
        return frame
    if instrument is None:
        raise OptionError(
            "the table has no instrument column: give instrument= (the questionnaire's id)",
            option="instrument",
        )
    return frame.assign(instrument=instrument)


def _sourced(
    definitions: DefinitionsLike | None,
    catalog: Catalog | None,
    kind: str,
    instruments: Sequence[object] | None,
) -> list[IndicatorDefinition]:
    """The definitions asked for (all of the catalog's of this source type by default)."""
    if definitions is None:
        if catalog is None:
            from qualitapa.catalog import default_catalog

            catalog = default_catalog()
        wanted = {str(i) for i in instruments} if instruments is not None else None
        return [
            d
            for d in catalog.indicators.values()
            if d.source is not None
            and d.source.type == kind
            and (wanted is None or d.source.instrument in wanted)
        ]
    defs, _ = resolve_definitions(definitions, catalog)
    for d in defs:
        if d.source is None or d.source.type != kind:
            raise DefinitionError(
                Message(
                    "the indicator is not measured by {kind} (its source: {has}); use "
                    "compute() for a formula, the other function for the other source",
                    N_(
                        "l'indicatore non è misurato da {kind} (la sua fonte: {has}); usare "
                        "compute() per una formula, l'altra funzione per l'altra fonte"
                    ),
                    kind=kind,
                    has="formula" if d.source is None else d.source.type,
                ),
                item=d.id,
                field="source",
            )
    return defs


def _refuse_duplicates(frame: pd.DataFrame, keys: list[str], source: str | None) -> None:
    dup = frame.duplicated(keys, keep=False).to_numpy()
    if dup.any():
        idx = np.flatnonzero(dup)
        cases = frame.iloc[idx][keys].assign(row=idx + 1)
        raise DataError(
            Message(
                "two rows for the same {keys}: score by organization (and period) only",
                N_("due righe per lo stesso {keys}: calcolare per ente (e periodo) soltanto"),
                keys=", ".join(keys),
            ),
            source=source,
            row=int(idx[0]) + 1,
            failure_cases=cases.reset_index(drop=True),
        )


def _rows_of(
    frame: pd.DataFrame, column: str, wanted: str, d: IndicatorDefinition, source: str | None
) -> pd.DataFrame:
    """The rows whose ``column`` is ``wanted``; a DataError naming the ones there otherwise."""
    mask = frame[column].astype(str) == wanted
    if mask.any():
        return frame[mask]
    there = sorted(frame[column].astype(str).unique())
    close = difflib.get_close_matches(wanted, there, n=1)
    raise DataError(
        Message(
            "indicator {indicator!r} takes {column} {wanted!r}, which the table does not "
            "have; it has {there}{hint}",
            N_(
                "l'indicatore {indicator!r} usa {column} {wanted!r}, assente nella tabella; "
                "ci sono {there}{hint}"
            ),
            indicator=d.id,
            column=column,
            wanted=wanted,
            there=", ".join(there) or "-",
            hint=Message(" (did you mean {close!r}?)", N_(" (forse {close!r}?)"), close=close[0])
            if close
            else "",
        ),
        source=source,
        column=column,
    )


def _require_kpi(
    rows: pd.DataFrame, needed: list[str], d: IndicatorDefinition, source: str | None
) -> None:
    missing = [c for c in needed if c not in rows]
    if not missing:
        return
    hint = (
        Message(
            "compute the KPIs with population= (inhabitants per organization)",
            N_("calcolare gli indicatori dei reclami con population= (abitanti per ente)"),
        )
        if "population" in missing
        else Message(
            "compute the KPIs with the default metrics (kpis(..., metrics=None))",
            N_(
                "calcolare gli indicatori dei reclami con le metriche predefinite "
                "(kpis(..., metrics=None))"
            ),
        )
    )
    raise DataError(
        Message(
            "indicator {indicator!r} needs the KPI column(s) {missing}: {hint}",
            N_("l'indicatore {indicator!r} richiede le colonne {missing}: {hint}"),
            indicator=d.id,
            missing=", ".join(missing),
            hint=hint,
        ),
        source=source,
        column=missing[0],
    )


def _values(
    d: IndicatorDefinition,
    rows: pd.DataFrame,
    value: ArrayLike,
    low: ArrayLike,
    high: ArrayLike,
    n: ArrayLike,
    method: str,
    empty: NDArray[np.bool_] | None = None,
) -> pd.DataFrame:
    """The indicator's rows of :data:`PERCEIVED_COLUMNS` (value and interval times its scale).

    Rows by organization, then period (as :func:`compute` orders an indicator's
    values), whatever the order of ``rows``; ``empty`` rows (no case counted)
    are missing with status ``no_complaints``.
    """
    v = pd.to_numeric(pd.Series(np.asarray(value))).to_numpy(dtype=np.float64) * d.scale
    lo = np.asarray(low, dtype=np.float64) * d.scale
    hi = np.asarray(high, dtype=np.float64) * d.scale
    if d.scale < 0:  # a negative scale turns the interval round
        lo, hi = hi, lo
    status = np.where(np.isfinite(v), "ok", "missing_variable").astype(object)
    if empty is not None and empty.any():
        v, lo, hi = (np.where(empty, np.nan, a) for a in (v, lo, hi))
        status[empty] = "no_complaints"
    frame = pd.DataFrame(
        {
            "organization": rows["organization"].astype(str).to_numpy(),
            "period": _period_values(rows["period"].to_numpy()),
            "indicator": d.id,
            "value": v,
            "status": status,
            "low": lo,
            "high": hi,
            "n": pd.to_numeric(pd.Series(np.asarray(n))).to_numpy(),
            "method": method,
        }
    )
    return frame.sort_values(["organization", "period"], kind="stable", ignore_index=True)


def _period_values(periods: ArrayLike) -> ArrayLike:
    """Periods as numbers when every one is a whole number (``"2024"`` -> 2024), else as given.

    :func:`compute` keeps numeric periods numeric: the values of both then
    share one period per year.
    """
    period = pd.Series(np.asarray(periods))
    numeric = pd.to_numeric(period, errors="coerce")
    if numeric.notna().all() and (numeric % 1 == 0).all():
        return numeric.astype(np.int64).to_numpy()
    return period.to_numpy()


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in PERCEIVED_COLUMNS})
    return pd.concat(frames, ignore_index=True)[list(PERCEIVED_COLUMNS)]
