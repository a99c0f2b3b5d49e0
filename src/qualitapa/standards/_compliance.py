"""Compliance of quality standards: what was measured against what was promised."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NoReturn

import numpy as np
import pandas as pd

from qualitapa.errors import DataError
from qualitapa.io import require_columns, to_numeric_column
from qualitapa.standards._model import (
    Aggregate,
    QualityStandard,
    Scope,
    evaluate_formula,
)
from qualitapa.standards._scope import as_standard_list, replaced_for, scope_mask

#: Columns of :func:`compliance`, in order.
COMPLIANCE_COLUMNS = [
    "standard", "replaces", "service", "dimension", "sub_dimension", "scope", "organization",
    "period", "value", "unit", "target", "met", "margin", "n_deliveries", "n_missing",
    "n_within", "share_within", "required_share", "refunds_due", "refund_amount", "reason",
]  # fmt: skip

_KEYS = ["organization", "period"]

Deliveries = pd.DataFrame | Mapping[str, pd.DataFrame]


def _keys(frame: pd.DataFrame) -> pd.DataFrame:
    """``organization`` and ``period`` as text ('' when the column is absent)."""
    out = pd.DataFrame(index=frame.index)
    for k in _KEYS:
        if k in frame.columns:
            col = frame[k]
            if pd.api.types.is_float_dtype(col) and bool((col.dropna() % 1 == 0).all()):
                col = col.astype("Int64")
            out[k] = col.astype("string").fillna("").to_numpy(dtype=object)
        else:
            out[k] = ""
    return out


def _refuse(
    faulty: np.ndarray,
    column: str,
    values: np.ndarray,
    problem: str,
    message: str,
    source: str | None,
) -> NoReturn:
    """Raise one error listing every ``faulty`` row: its value of ``column`` and ``problem``.

    ``values`` are the column's values at the faulty positions; ``message``
    may name the first of them as ``{value!r}``. Rows are 1-based.
    """
    rows = np.flatnonzero(faulty)
    cases = pd.DataFrame({"row": rows + 1, "column": column, "value": values, "problem": problem})
    raise DataError(
        message.format(value=cases["value"].iloc[0]),
        source=source,
        row=int(rows[0]) + 1,
        column=column,
        failure_cases=cases,
    )


def _numeric(frame: pd.DataFrame, column: str, source: str | None) -> np.ndarray:
    values, bad = to_numeric_column(frame[column], source=source, column=column)
    if bad.any():
        found = frame[column].to_numpy(dtype=object)[bad].astype(str)
        _refuse(bad, column, found, "not a number", "value is not a number: {value!r}", source)
    return values


def _prepare_values(frame: pd.DataFrame, source: str | None) -> pd.DataFrame:
    require_columns(frame, ["indicator", "value"], source=source)
    out = _keys(frame)
    out["indicator"] = frame["indicator"].astype("string").fillna("").to_numpy(dtype=object)
    out["value"] = _numeric(frame, "value", source)
    dup = out.duplicated(["organization", "period", "indicator"], keep="first").to_numpy()
    if dup.any():
        twice = "indicator given twice for the same organization and period"
        found = out["indicator"].to_numpy()[dup]
        _refuse(dup, "indicator", found, twice, twice, source)
    return out.reset_index(drop=True)


def _select_deliveries(std: QualityStandard, deliveries: Deliveries | None) -> pd.DataFrame | None:
    """The records of ``std``; a local standard also takes those of the standard it replaces."""
    if deliveries is None:
        return None
    ids = [std.id] if std.replaces is None else [std.id, std.replaces]
    if isinstance(deliveries, Mapping):
        frame = next((deliveries[i] for i in ids if i in deliveries), None)
    elif "standard" in deliveries.columns:
        mask = deliveries["standard"].astype("string").isin(ids)
        frame = deliveries.loc[mask.fillna(False).to_numpy()]
    elif "service" in deliveries.columns:
        svc = deliveries["service"].astype("string").fillna("")
        mask = (svc == std.service) | svc.str.startswith(std.service + ".")
        frame = deliveries.loc[mask.to_numpy()]
    else:
        frame = deliveries
    if frame is not None and std.organizations:
        frame = frame.loc[scope_mask(std, _keys(frame)["organization"].to_numpy(), {})]
    return frame


def delivery_checks(
    std: QualityStandard, deliveries: Deliveries | None, *, source: str | None = None
) -> pd.DataFrame | None:
    """Each delivery record of ``std`` checked against its threshold.

    Returns None when there are no records for the standard (or they lack
    the formula's columns). A local standard (with ``organizations``) takes
    the records of its organizations only, tagged with its own id or with
    the id of the standard it ``replaces``. Otherwise returns a frame with ``organization`` and
    ``period`` (as given, when present), ``delivery`` (the ``delivery`` or
    ``id`` column, else the 1-based row number of the records), ``value,
    within, excess, refund``.

    Examples
    --------
    >>> import pandas as pd
    >>> from qualitapa.standards import QualityStandard
    >>> s = QualityStandard("r.wait", "r", "timeliness", "Attesa", "<= 20",
    ...                     formula="minutes", scope="specific", refund={"amount": 5})
    >>> delivery_checks(s, pd.DataFrame({"minutes": [12, 25]}))
       delivery  value  within  excess  refund
    0         1   12.0    True     0.0     0.0
    1         2   25.0   False     5.0     5.0
    """
    frame = _select_deliveries(std, deliveries)
    if frame is None or not set(std.variables) <= set(frame.columns):
        return None
    columns = {v: _numeric(frame, v, source) for v in std.variables}
    values = evaluate_formula(std.formula or "", columns, item=std.id)
    # keys stay raw here (cheap); they become text on the grouped, small result
    out = pd.DataFrame(
        {k: frame[k].to_numpy() for k in _KEYS if k in frame.columns},
        index=pd.RangeIndex(len(frame)),
    )
    if "delivery" in frame.columns:
        out["delivery"] = frame["delivery"].to_numpy()
    elif "id" in frame.columns:
        out["delivery"] = frame["id"].to_numpy()
    else:
        positions = (
            frame.index.to_numpy() + 1
            if isinstance(frame.index, pd.RangeIndex) or pd.api.types.is_integer_dtype(frame.index)
            else np.arange(1, len(frame) + 1)
        )
        out["delivery"] = positions
    out["value"] = values
    out["within"] = std.target.met(values)
    out["excess"] = std.target.excess(values)
    out["refund"] = (
        std.refund.amounts(out["excess"].to_numpy())
        if std.refund is not None and std.scope is Scope.SPECIFIC
        else 0.0
    )
    return out


_AGG = {
    Aggregate.MEAN: "mean",
    Aggregate.MEDIAN: "median",
    Aggregate.MAX: "max",
    Aggregate.MIN: "min",
    Aggregate.SUM: "sum",
}


def _from_deliveries(std: QualityStandard, checks: pd.DataFrame) -> pd.DataFrame:
    ok = checks["value"].notna()
    work = checks.assign(
        _missing=~ok,
        _within=checks["within"] & ok,
        _owed=ok & ~checks["within"] & (checks["refund"] > 0),
    )
    keys = [k for k in _KEYS if k in work.columns]
    if not keys:
        work["_all"] = 0
    g = work.groupby(keys or ["_all"], sort=True, dropna=False)
    agg = std.aggregate
    value = g["value"].quantile(0.9) if agg is Aggregate.P90 else g["value"].agg(_AGG[agg])
    out = pd.DataFrame(
        {
            "value": value,
            "n_deliveries": g.size(),
            "n_missing": g["_missing"].sum().astype(int),
            "n_within": g["_within"].sum().astype(int),
            "refunds_due": g["_owed"].sum().astype(int),
            "refund_amount": g["refund"].sum(),
        }
    ).reset_index()
    out = pd.concat([_keys(out), out.drop(columns=keys or ["_all"])], axis=1)
    measured = out["n_deliveries"] - out["n_missing"]
    out["share_within"] = np.where(measured > 0, out["n_within"] / measured.clip(lower=1), np.nan)
    return out


def _result_rows(std: QualityStandard, part: pd.DataFrame) -> pd.DataFrame:
    part = part.copy()
    for col, default in (
        ("n_deliveries", 0), ("n_missing", 0), ("n_within", 0), ("share_within", np.nan),
        ("refunds_due", 0), ("refund_amount", 0.0), ("reason", ""),
    ):  # fmt: skip
        if col not in part.columns:
            part[col] = default
    value = part["value"].to_numpy(dtype=float)
    if std.scope is Scope.SPECIFIC:
        share = part["share_within"].to_numpy(dtype=float)
        margin = share - std.required_share
        known = ~np.isnan(share)
    else:
        margin = std.target.margin(value)
        known = ~np.isnan(value)
    met = pd.array(np.where(known, margin >= 0, False), dtype="boolean")
    met[~known] = pd.NA
    part["margin"] = margin
    part["met"] = met
    reason = part["reason"].to_numpy(dtype=object)
    part["reason"] = np.where(
        (reason == "") & ~known,
        "no delivery within the measurable records"
        if std.scope is Scope.SPECIFIC
        else "value missing",
        reason,
    )
    part["standard"] = std.id
    part["replaces"] = std.replaces or ""
    part["service"] = std.service
    part["dimension"] = std.dimension.value
    part["sub_dimension"] = std.sub_dimension.value if std.sub_dimension else ""
    part["scope"] = std.scope.value
    part["unit"] = std.unit or ""
    part["target"] = str(std.target)
    part["required_share"] = std.required_share if std.scope is Scope.SPECIFIC else np.nan
    return part[COMPLIANCE_COLUMNS]


def _no_data(std: QualityStandard, reason: str) -> pd.DataFrame:
    return _result_rows(
        std,
        pd.DataFrame({"organization": [""], "period": [""], "value": [np.nan], "reason": [reason]}),
    )


def _measure(
    std: QualityStandard,
    values: pd.DataFrame | None,
    deliveries: Deliveries | None,
    source: str | None,
) -> tuple[pd.DataFrame | None, str]:
    """The measured values of ``std`` per organization and period, or why there are none."""
    if std.scope is Scope.SPECIFIC:
        checks = delivery_checks(std, deliveries, source=source)
        if checks is None or checks.empty:
            return None, f"no delivery records with {sorted(std.variables)}"
        return _from_deliveries(std, checks), ""
    if std.indicator is not None:
        if values is None:
            return None, "no indicator values given"
        sub = values.loc[values["indicator"] == std.indicator, [*_KEYS, "value"]]
        if sub.empty:
            return None, f"no values of indicator {std.indicator!r}"
        return sub.sort_values(_KEYS), ""
    needed = set(std.variables)
    if values is not None and needed <= set(values["indicator"]):
        wide = values.loc[values["indicator"].isin(needed)].pivot(
            index=_KEYS, columns="indicator", values="value"
        )
        result = evaluate_formula(
            std.formula or "", {v: wide[v].to_numpy() for v in needed}, item=std.id
        )
        return wide.index.to_frame(index=False).assign(value=result), ""
    checks = delivery_checks(std, deliveries, source=source)
    if checks is None or checks.empty:
        return None, f"no values for {sorted(needed)}"
    return _from_deliveries(std, checks), ""


def _out_of_scope_reason(
    std: QualityStandard, replaced: Mapping[str, Mapping[str, QualityStandard]]
) -> str:
    """Why a standard with data has no row left once its organization scope is applied."""
    parts = []
    if std.organizations:
        parts.append(f"no data for its organization(s) {list(std.organizations)}")
    local = sorted({s.id for s in replaced.get(std.id, {}).values()})
    if local:
        parts.append(f"replaced by {local} for their organizations")
    return "; ".join(parts)


def _standard_rows(
    std: QualityStandard,
    values: pd.DataFrame | None,
    deliveries: Deliveries | None,
    source: str | None,
    replaced: Mapping[str, Mapping[str, QualityStandard]],
) -> pd.DataFrame:
    """The result rows of ``std`` for the organizations in its scope, or one saying why none."""
    measured, reason = _measure(std, values, deliveries, source)
    if measured is not None:
        in_scope = scope_mask(std, measured["organization"].to_numpy(), replaced)
        if not in_scope.all():
            measured = measured.loc[in_scope]
            reason = _out_of_scope_reason(std, replaced)
    if measured is None or measured.empty:
        return _no_data(std, reason)
    return _result_rows(std, measured)


def compliance(
    standards: QualityStandard | Iterable[QualityStandard] | Mapping[str, QualityStandard],
    *,
    indicator_values: pd.DataFrame | None = None,
    deliveries: Deliveries | None = None,
    source: str | None = None,
) -> pd.DataFrame:
    """Check standards against measured data, per organization and period.

    Parameters
    ----------
    standards
        One standard, a list, or a mapping id -> standard (e.g.
        ``catalog.standards``). A local standard (with ``organizations``)
        is evaluated for its organizations only; a general standard is not
        evaluated for the organizations of a local standard in
        ``standards`` that ``replaces`` it. Organizations are matched on
        the ``organization`` column as text.
    indicator_values
        Long table ``organization, period, indicator, value`` (as the
        indicators module computes it; ``organization`` and ``period`` may
        be absent for a single city and year). General standards measured
        by an ``indicator`` read its value; general standards with a
        ``formula`` evaluate it over the indicators (and raw variables)
        named in the ``indicator`` column.
    deliveries
        Per-delivery records (one row per certificate issued, request
        answered, complaint closed...): a table with ``organization``,
        ``period`` (optional), the columns the formulas use (e.g.
        ``waiting_minutes``) and, to say which standard each row belongs
        to, a ``standard`` column (else rows are matched by a ``service``
        column, else all rows are used); or a mapping standard id -> table.
        A local standard also takes the records tagged with the id of the
        standard it replaces. Specific standards are checked on each
        record; general standards
        with a formula not found in ``indicator_values`` are computed from
        the records with their ``aggregate`` (mean by default).

        Complaint answer times feed timeliness standards directly: a
        complaints table with ``organization``, ``period`` and an
        ``answer_days`` column is the delivery table of a specific standard
        with ``formula = "answer_days"`` and target ``<= 30``.
    source
        Name of the data, for error messages.

    Returns
    -------
    DataFrame
        One row per standard, organization and period (one row with a
        ``reason`` when a standard has no data), columns
        :data:`COMPLIANCE_COLUMNS`:

        * ``replaces``: for a local standard, the id of the general standard
          it replaces ('' otherwise): group on
          ``replaces.where(replaces != "", standard)`` to compare cities;
        * ``value``: the measured value (general); the ``aggregate`` of the
          delivery values (specific, for information);
        * ``met``: general: ``value`` meets the target; specific: the share
          of deliveries within the threshold is at least ``required_share``
          (NA when nothing could be measured);
        * ``margin``: general: signed distance to the target in the
          standard's unit (>= 0 means met); specific: ``share_within -
          required_share``;
        * ``n_deliveries, n_missing`` (records whose value could not be
          computed: reported, not dropped), ``n_within, share_within``
          (of the measurable records);
        * ``refunds_due, refund_amount``: deliveries owed an automatic
          refund and the total amount.

    Raises
    ------
    DataError
        A value that is not a number (naming row and column), or an
        indicator given twice for an organization and period.
    DefinitionError
        Two local standards replace the same standard for the same
        organization.

    Examples
    --------
    >>> import pandas as pd
    >>> from qualitapa.standards import QualityStandard
    >>> online = QualityStandard("r.online", "r", "accessibility", "Certificati online",
    ...                          ">= 60", indicator="r.online_share", unit="%",
    ...                          sub_dimension="multichannel")
    >>> values = pd.DataFrame({"organization": ["mo", "re"], "period": [2024, 2024],
    ...                        "indicator": "r.online_share", "value": [72.0, 55.0]})
    >>> compliance([online], indicator_values=values)[["organization", "value", "met", "margin"]]
      organization  value    met  margin
    0           mo   72.0   True    12.0
    1           re   55.0  False    -5.0
    """
    items = as_standard_list(standards)
    replaced = replaced_for(items)
    values = _prepare_values(indicator_values, source) if indicator_values is not None else None
    parts = [_standard_rows(std, values, deliveries, source, replaced) for std in items]
    return (
        pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=COMPLIANCE_COLUMNS)
    )


def refunds_due(
    standards: QualityStandard | Iterable[QualityStandard] | Mapping[str, QualityStandard],
    deliveries: Deliveries,
    *,
    source: str | None = None,
) -> pd.DataFrame:
    """The deliveries owed an automatic refund, one row each.

    Returns
    -------
    DataFrame
        ``standard, organization, period, delivery, value, target, excess,
        refund, currency`` for every delivery of a specific standard with a
        refund rule that missed its threshold. Local standards and
        replacements are resolved per organization as in :func:`compliance`.

    Examples
    --------
    >>> import pandas as pd
    >>> from qualitapa.standards import QualityStandard
    >>> s = QualityStandard("r.cie", "r", "timeliness", "CIE", "<= 10", formula="days",
    ...                     scope="specific", refund={"amount": 10, "per_unit": 2, "cap": 20})
    >>> refunds_due([s], pd.DataFrame({"id": ["a", "b", "c"], "days": [8, 12, 30]}))
      standard organization period delivery  value target  excess  refund currency
    0    r.cie                            b   12.0  <= 10     2.0    14.0      EUR
    1    r.cie                            c   30.0  <= 10    20.0    20.0      EUR
    """
    columns = ["standard", "organization", "period", "delivery", "value", "target", "excess",
               "refund", "currency"]  # fmt: skip
    items = as_standard_list(standards)
    replaced = replaced_for(items)
    parts = []
    for std in items:
        if std.scope is not Scope.SPECIFIC or std.refund is None:
            continue
        checks = delivery_checks(std, deliveries, source=source)
        if checks is None:
            continue
        owed = checks.loc[checks["refund"].to_numpy() > 0]
        owed = pd.concat([_keys(owed), owed.drop(columns=_KEYS, errors="ignore")], axis=1)
        if std.id in replaced:
            owed = owed.loc[scope_mask(std, owed["organization"].to_numpy(), replaced)]
        owed = owed.assign(standard=std.id, target=str(std.target), currency=std.refund.currency)
        parts.append(owed[columns])
    if not parts:
        return pd.DataFrame(columns=columns)
    return pd.concat(parts, ignore_index=True)
