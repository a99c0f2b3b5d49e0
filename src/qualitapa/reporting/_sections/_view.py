"""One indicator's values as the indicator sections show them (:class:`IndicatorView`).

Ranks, best performers and "too few to compare" come from
:func:`qualitapa.indicators.benchmark`, so the report follows the library's
conventions (ties "min", no ranking below ``min_compared`` values, local
indicators never ranked).
"""

from __future__ import annotations

import attrs
import numpy as np
import pandas as pd

from qualitapa.errors import DataError
from qualitapa.reporting._context import ReportContext
from qualitapa.reporting._frames import numbers, period_le, sort_periods

_REQUIRED = ["organization", "period", "indicator", "value"]


@attrs.frozen
class IndicatorView:
    """One indicator's values: this period's (best first) and the history up to it."""

    indicator: str
    label: str
    unit: str
    sign: int
    current: pd.DataFrame  # organization, value, status, rank, best, comparison; best first
    median: float
    history: pd.DataFrame  # periods x organizations
    previous_median: float

    @property
    def slug(self) -> str:
        """The indicator id as an HTML anchor."""
        return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in self.indicator)

    @property
    def n(self) -> int:
        """Number of organizations with a value this period."""
        return int(self.current["value"].notna().sum())

    @property
    def local(self) -> bool:
        """A local indicator: reported for the organizations measuring it, never compared."""
        return bool((self.current["comparison"] == "local_indicator").any())

    def applies_to(self, organization: str, definition: object) -> bool:
        """Whether the indicator belongs in ``organization``'s report (a local one: its own)."""
        scope = tuple(getattr(definition, "organizations", ()) or ())
        if scope:
            return organization in scope
        if not self.local:
            return True
        return bool((self.current["organization"] == organization).any())


def _polarity(ctx: ReportContext, frame: pd.DataFrame, indicator: str) -> int:
    definition = ctx.definitions.get(indicator)
    if definition is not None:
        return int(getattr(definition.polarity, "sign", 0))
    if "polarity" in frame.columns:
        values = frame["polarity"].dropna().astype(str).unique()
        if len(values):
            return {"higher_is_better": 1, "lower_is_better": -1}.get(values[0], 0)
    return 0


def _unit_name(ctx: ReportContext, frame: pd.DataFrame, indicator: str) -> str:
    definition = ctx.definitions.get(indicator)
    if definition is not None:
        return str(getattr(definition, "unit", "") or "")
    if "unit" in frame.columns:
        units = frame["unit"].dropna().astype(str).unique()
        return str(units[0]) if len(units) else ""
    return ""


def _ranked(ctx: ReportContext, cur: pd.DataFrame, indicator: str, sign: int) -> pd.DataFrame:
    """``cur`` with ``rank``, ``best`` and ``comparison`` from :func:`benchmark`."""
    from qualitapa.indicators import benchmark

    definition = ctx.definitions.get(indicator)
    polarity = {1: "higher_is_better", -1: "lower_is_better"}.get(sign, "neutral")
    values = pd.DataFrame({"organization": cur["organization"], "period": ctx.period,
                           "indicator": indicator, "value": cur["value"]})  # fmt: skip
    bench = benchmark(
        values,
        definitions=[definition] if definition is not None else {indicator: polarity},
        min_compared=ctx.inputs.min_compared,
    )
    return cur.assign(
        rank=bench["rank"].to_numpy(dtype=float, na_value=np.nan),
        best=bench["is_best"].to_numpy(dtype=bool),
        comparison=bench["comparison"].astype(str).to_numpy(),
    )


def indicator_view(ctx: ReportContext, frame: pd.DataFrame, indicator: str) -> IndicatorView:
    """The :class:`IndicatorView` of ``indicator`` in ``frame`` (tidy indicator values)."""
    sub = frame.loc[frame["indicator"].astype(str) == indicator]
    sign = _polarity(ctx, sub, indicator)
    status = sub["status"] if "status" in sub.columns else pd.Series("", index=sub.index)
    status = status.astype(object).fillna("")  # a categorical refuses "" as a new category
    data = pd.DataFrame({"organization": sub["organization"].astype(str).to_numpy(),
                         "period": sub["period"].astype(str).to_numpy(),
                         "value": numbers(sub["value"]),
                         "status": status.astype(str).to_numpy()})  # fmt: skip
    cur = data.loc[data["period"] == ctx.period, ["organization", "value", "status"]]
    cur = _ranked(ctx, cur.drop_duplicates("organization").reset_index(drop=True), indicator, sign)
    key = cur["value"] * (sign if sign else 1)
    cur = cur.assign(_key=key).sort_values("_key", ascending=False, na_position="last")
    cur = cur.drop(columns="_key").reset_index(drop=True)
    periods = [p for p in sort_periods(data["period"]) if period_le(p, ctx.period)]
    hist = data.loc[data["period"].isin(periods)].pivot_table(
        index="period", columns="organization", values="value", aggfunc="first", dropna=False
    )
    hist = hist.reindex(periods)
    medians = hist.median(axis=1, skipna=True) if len(hist) else pd.Series(dtype=float)
    prev = periods[periods.index(ctx.period) - 1] if ctx.period in periods[1:] else None
    label_col = f"label_{ctx.lang}"
    fallback = sub[label_col].dropna().astype(str) if label_col in sub.columns else None
    return IndicatorView(
        indicator=indicator,
        label=ctx.label_of("indicators", indicator,
                           fallback.iloc[0] if fallback is not None and len(fallback) else None),
        unit=_unit_name(ctx, sub, indicator),
        sign=sign,
        current=cur,
        median=float(np.nanmedian(cur["value"])) if cur["value"].notna().any() else np.nan,
        history=hist,
        previous_median=float(medians.get(prev, np.nan)) if prev is not None else np.nan,
    )  # fmt: skip


def views(ctx: ReportContext) -> list[IndicatorView]:
    """The views of the indicators in the report's table, in its order (computed once)."""

    def build() -> list[IndicatorView]:
        frame = ctx.tables.get("indicators")
        if frame is None:
            return []
        missing = [c for c in _REQUIRED if c not in frame.columns]
        if missing:
            raise DataError(f"the indicator values need the columns {_REQUIRED}", column=missing[0])
        ids = list(dict.fromkeys(frame["indicator"].astype(str)))
        found = [indicator_view(ctx, frame, i) for i in ids]
        found = [v for v in found if len(v.current) or len(v.history)]
        if ctx.highlight is not None:  # another city's local indicators are not this one's
            found = [
                v for v in found if v.applies_to(ctx.highlight, ctx.definitions.get(v.indicator))
            ]
        return found

    result: list[IndicatorView] = ctx.memo("indicator_views", build)
    return result


def best(ctx: ReportContext, view: IndicatorView) -> tuple[list[str], float]:
    best = view.current.loc[view.current["best"].astype(bool)]
    value = float(best["value"].iloc[0]) if len(best) else np.nan
    return [ctx.name(o) for o in best["organization"]], value


def highlighted(ctx: ReportContext, view: IndicatorView) -> tuple[float, float]:
    """Value and rank of the highlighted organization (NaN when it has none)."""
    mine = view.current.loc[view.current["organization"] == ctx.highlight]
    if not len(mine):
        return np.nan, np.nan
    return float(mine["value"].iloc[0]), float(mine["rank"].iloc[0])


def polarity_key(sign: int) -> str:
    return {1: "higher_is_better", -1: "lower_is_better"}.get(sign, "neutral")
