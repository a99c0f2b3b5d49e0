"""One indicator's values as the indicator sections show them (:class:`IndicatorView`).

Ranks, best performers and "too few to compare" come from
:func:`qualitapa.indicators.benchmark`, so the report follows the library's
conventions (ties "min", no ranking below ``min_compared`` values, local
indicators never ranked).
"""

from __future__ import annotations

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from qualitapa.errors import DataError
from qualitapa.reporting._context import ReportContext
from qualitapa.reporting._frames import numbers, period_le, sort_periods

_REQUIRED = ["organization", "period", "indicator", "value"]

_Texts = npt.NDArray[np.object_]
_Floats = npt.NDArray[np.float64]
_Rows = npt.NDArray[np.intp]


@attrs.frozen
class _Tidy:
    """The columns the views read: text, and the values as floats."""

    indicator: _Texts
    organization: _Texts
    period: _Texts
    value: _Floats
    status: _Texts


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
        return int(np.count_nonzero(~np.isnan(self.current["value"].to_numpy(dtype=float))))

    @property
    def local(self) -> bool:
        """A local indicator: reported for the organizations measuring it, never compared."""
        return bool((self.current["comparison"].to_numpy() == "local_indicator").any())

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


def _ranked(
    ctx: ReportContext,
    current: dict[str, _Rows],
    tidy: _Tidy,
    signs: dict[str, int],
) -> dict[str, tuple[_Floats, npt.NDArray[np.bool_], _Texts]]:
    """Each indicator's ``rank``, ``best`` and ``comparison`` from :func:`benchmark`, for
    its rows of the period (``current``: indicator -> positions in ``tidy``).

    One call for the indicators with a definition and one for the others (their
    polarity from ``signs``): indicators are independent in :func:`benchmark` (it
    compares within an indicator and period), so each indicator's columns are those
    of a call on its rows alone, at the cost of one call instead of one per indicator.
    """
    from qualitapa.indicators import benchmark

    defined = {i: d for i in current if (d := ctx.definitions.get(i)) is not None}
    out = {}
    for ids, definitions in (
        (list(defined), list(defined.values())),
        ([i for i in current if i not in defined], None),
    ):
        if not ids:
            continue
        rows = np.concatenate([current[i] for i in ids])
        values = pd.DataFrame({"organization": tidy.organization[rows], "period": ctx.period,
                               "indicator": np.repeat(ids, [len(current[i]) for i in ids]),
                               "value": tidy.value[rows]})  # fmt: skip
        polarity = {i: polarity_key(signs[i]) for i in ids}
        bench = benchmark(
            values,
            definitions=definitions if definitions is not None else polarity,
            min_compared=ctx.inputs.min_compared,
        )
        rank = bench["rank"].to_numpy(dtype=float, na_value=np.nan)
        best = bench["is_best"].to_numpy(dtype=bool)
        comparison = bench["comparison"].astype(str).to_numpy()
        start = 0
        for i in ids:
            at = slice(start, start + len(current[i]))
            out[i] = (rank[at], best[at], comparison[at])
            start += len(current[i])
    return out


def _history(
    organization: _Texts, period: _Texts, value: _Floats, periods: list[str]
) -> pd.DataFrame:
    """Periods (in ``periods``' order) x organizations (sorted): each one's first value.

    What ``pivot_table(index="period", columns="organization", values="value",
    aggfunc="first", dropna=False).reindex(periods)`` gives on the rows of ``periods``
    (the first value that is a number; NaN where there is none), without its grouping
    machinery: it was most of a report's time. Organizations and periods are text.
    """
    keep = np.isin(period, periods)
    orgs, org_code = np.unique(organization[keep], return_inverse=True)
    code_of = {p: k for k, p in enumerate(periods)}
    period_code = np.array([code_of[p] for p in period[keep]], dtype=np.int64)
    values = value[keep]
    grid = np.full((len(periods), len(orgs)), np.nan)
    has = np.flatnonzero(~np.isnan(values))
    cell = period_code[has] * len(orgs) + org_code.reshape(-1)[has]
    cells, first = np.unique(cell, return_index=True)  # the first row of each cell
    grid.reshape(-1)[cells] = values[has[first]]
    return pd.DataFrame(
        grid,
        index=pd.Index(periods, name="period"),
        columns=pd.Index(orgs, name="organization"),
    )


def _tidy(frame: pd.DataFrame) -> _Tidy:
    """The columns the views read, as text (indicator, organization, period, status) and floats."""
    status = frame["status"] if "status" in frame.columns else pd.Series("", index=frame.index)
    status = status.astype(object).fillna("")  # a categorical refuses "" as a new category
    return _Tidy(
        indicator=frame["indicator"].astype(str).to_numpy(dtype=object),
        organization=frame["organization"].astype(str).to_numpy(dtype=object),
        period=frame["period"].astype(str).to_numpy(dtype=object),
        value=numbers(frame["value"]),
        status=status.astype(str).to_numpy(dtype=object),
    )


def _best_first(value: _Floats, sign: int) -> _Rows:
    """The order of ``value`` best first, missing last: ``sort_values(ascending=False,
    na_position="last")`` on ``value * sign`` (pandas' ``nargsort``, ties included)."""
    key = value * (sign if sign else 1)
    missing = np.isnan(key)
    idx = np.arange(len(key))
    present, present_idx = key[~missing][::-1], idx[~missing][::-1]
    order = present_idx[present.argsort(kind="quicksort")][::-1]
    return np.concatenate([order, idx[missing]])


def indicator_view(ctx: ReportContext, frame: pd.DataFrame, indicator: str) -> IndicatorView:
    """The :class:`IndicatorView` of ``indicator`` in ``frame`` (tidy indicator values)."""
    return _indicator_views(ctx, frame.loc[frame["indicator"].astype(str) == indicator])[0]


def _indicator_views(ctx: ReportContext, frame: pd.DataFrame) -> list[IndicatorView]:
    """The :class:`IndicatorView` of each indicator in ``frame`` (tidy indicator values),
    in the order of their first rows."""
    tidy = _tidy(frame)
    codes, ids = pd.factorize(tidy.indicator)  # in the order of their first rows
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(ids) + 1))
    rows_of = {str(i): order[bounds[k] : bounds[k + 1]] for k, i in enumerate(ids)}
    subs = {i: frame.take(rows) for i, rows in rows_of.items()}  # the rows as given
    signs = {i: _polarity(ctx, sub, i) for i, sub in subs.items()}
    current: dict[str, _Rows] = {}  # each indicator's rows of the period, an organization's first
    for i, rows in rows_of.items():
        now = rows[tidy.period[rows] == ctx.period]
        first = np.unique(tidy.organization[now], return_index=True)[1]
        current[i] = now[np.sort(first)]
    ranked = _ranked(ctx, current, tidy, signs)
    out = []
    for indicator, rows in rows_of.items():
        now = current[indicator]
        rank, best, comparison = ranked[indicator]
        order = _best_first(tidy.value[now], signs[indicator])
        cur = pd.DataFrame({"organization": tidy.organization[now][order],
                            "value": tidy.value[now][order],
                            "status": tidy.status[now][order], "rank": rank[order],
                            "best": best[order], "comparison": comparison[order]})  # fmt: skip
        periods = [p for p in sort_periods(tidy.period[rows]) if period_le(p, ctx.period)]
        hist = _history(tidy.organization[rows], tidy.period[rows], tidy.value[rows],
                        periods)  # fmt: skip
        out.append(_view(ctx, subs[indicator], indicator, signs[indicator], cur, hist))
    return out


def _view(
    ctx: ReportContext,
    sub: pd.DataFrame,
    indicator: str,
    sign: int,
    cur: pd.DataFrame,
    hist: pd.DataFrame,
) -> IndicatorView:
    """The view of one indicator: ``sub`` its rows as given, ``cur`` its rows of the period
    best first, ``hist`` its history up to the period."""
    periods = list(hist.index)
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
        found = [v for v in _indicator_views(ctx, frame) if len(v.current) or len(v.history)]
        if ctx.highlight is not None:  # another city's local indicators are not this one's
            found = [
                v for v in found if v.applies_to(ctx.highlight, ctx.definitions.get(v.indicator))
            ]
        return found

    result: list[IndicatorView] = ctx.memo("indicator_views", build)
    return result


def best(ctx: ReportContext, view: IndicatorView) -> tuple[list[str], float]:
    """The best organizations' names and their value (NaN when none is best)."""
    mask = view.current["best"].to_numpy(dtype=bool)
    values = view.current["value"].to_numpy(dtype=float)[mask]
    value = float(values[0]) if len(values) else np.nan
    return [ctx.name(o) for o in view.current["organization"].to_numpy()[mask]], value


def highlighted(ctx: ReportContext, view: IndicatorView) -> tuple[float, float]:
    """Value and rank of the highlighted organization (NaN when it has none)."""
    mine = np.flatnonzero(view.current["organization"].to_numpy() == ctx.highlight)
    if not len(mine):
        return np.nan, np.nan
    k = mine[0]
    return float(view.current["value"].to_numpy()[k]), float(view.current["rank"].to_numpy()[k])


def polarity_key(sign: int) -> str:
    return {1: "higher_is_better", -1: "lower_is_better"}.get(sign, "neutral")
