"""The self-contained HTML benchmark report.

:func:`render_report` turns the result tables of the other modules into one
HTML file: styles inline, charts embedded as ``data:`` images, readable
offline and printable (A4 print styles). Every section is optional and is
rendered when its table is given. All text that comes from data or
definitions is escaped.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import pandas as pd

from qualitapa.__about__ import __version__
from qualitapa.errors import DataError
from qualitapa.reporting import _charts as charts
from qualitapa.reporting._charts import ImageFormat
from qualitapa.reporting._labels import check_lang, format_number, has_label, tr

if TYPE_CHECKING:
    from qualitapa.catalog import Catalog

__all__ = ["SECTIONS", "render_report", "write_report"]

#: The sections of the report, in order, named by the keyword that feeds each.
SECTIONS = (
    "indicators",
    "composite",
    "dea",
    "survey",
    "ipa",
    "complaints",
    "complaint_trend",
    "compliance",
    "caf",
)

_CSS = """
:root { --ink: #1b1b1b; --muted: #5a5a5a; --rule: #d0d7de; --band: #1f4e79;
        --best: #009E73; --bad: #D55E00; }
* { box-sizing: border-box; }
body { font-family: "Titillium Web", "Segoe UI", Helvetica, Arial, sans-serif; color: var(--ink);
       max-width: 60rem; margin: 0 auto; padding: 1.5rem; line-height: 1.45; }
header { border-bottom: 4px solid var(--band); margin-bottom: 1rem; }
h1 { font-size: 1.7rem; margin: 0 0 .3rem; color: var(--band); }
h2 { font-size: 1.35rem; margin-top: 2.2rem; border-bottom: 1px solid var(--rule);
     color: var(--band); }
h3 { font-size: 1.1rem; margin-top: 1.6rem; }
.meta, .note, figcaption, .muted { color: var(--muted); font-size: .9rem; }
.note { border-left: 4px solid var(--bad); padding: .4rem .8rem; background: #fff4ec; }
nav ol { columns: 2; font-size: .95rem; }
table { border-collapse: collapse; width: 100%; margin: .6rem 0 1rem; font-size: .88rem; }
th, td { border-bottom: 1px solid var(--rule); padding: .25rem .45rem; text-align: left;
         vertical-align: top; }
th { background: #eef3f8; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.best td { background: #e6f5ef; }
tr.highlight td { font-weight: 600; }
.yes { color: var(--best); font-weight: 600; }
.no { color: var(--bad); font-weight: 600; }
figure { margin: .6rem 0 1rem; }
img.chart { max-width: 100%; height: auto; display: block; }
footer { margin-top: 3rem; border-top: 1px solid var(--rule); }
@page { size: A4; margin: 14mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  nav { display: none; }
  h2 { break-before: page; }
  h2.first { break-before: avoid; }
  figure, table, tr { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  a { color: inherit; text-decoration: none; }
}
"""


def _esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _is_missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _pick(frame: pd.DataFrame, *candidates: str) -> str | None:
    """The first of ``candidates`` that is a column of ``frame``."""
    for name in candidates:
        if name in frame.columns:
            return name
    return None


def _required(frame: pd.DataFrame, message: str, *choices: tuple[str, ...]) -> list[str]:
    """The column :func:`_pick` finds for each of ``choices``; a DataError if one is missing."""
    picked = [_pick(frame, *names) for names in choices]
    found = [name for name in picked if name is not None]
    if len(found) < len(picked):
        raise DataError(message)
    return found


def _numbers(values: Any) -> np.ndarray:
    return pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float)


@attrs.define
class _Context:
    lang: str
    period: str
    names: dict[str, str]
    highlight: str | None
    charts: bool
    image_format: ImageFormat
    catalog: Catalog | None
    definitions: dict[str, Any]
    max_bars: int
    service: str | None = None
    min_compared: int = 3

    def name(self, org: Any) -> str:
        return self.names.get(str(org), str(org))

    def label_of(self, kind: str, item: Any, fallback: str | None = None) -> str:
        """The label of a catalog item (indicator, standard, service...) in the report language."""
        item = str(item)
        obj = self.definitions.get(item) if kind == "indicators" else None
        if obj is None and self.catalog is not None:
            coll = getattr(self.catalog, kind, None)
            if coll is not None and item in coll:
                obj = coll[item]
        label = getattr(obj, "label", None)
        if label is not None and hasattr(label, "get"):
            return str(label.get(self.lang))
        return fallback if fallback is not None else item

    def question_label(self, question: str, instrument: str | None = None) -> str:
        """The label of a survey question, else its id.

        Questionnaires of different services reuse question ids (``acc_hours``),
        so the search goes to the named ``instrument`` when given, else to the
        instruments of the report's service first.
        """
        instruments = list(getattr(self.catalog, "instruments", {}).values())
        if instrument is not None:
            instruments = [i for i in instruments if getattr(i, "id", None) == instrument]
        elif self.service is not None:
            svc = self.service

            def own(i: Any) -> bool:
                s = str(getattr(i, "service", "") or "")
                return s == svc or s.startswith(svc + ".")

            instruments = sorted(instruments, key=lambda i: not own(i))
        for inst in instruments:
            for q in getattr(inst, "questions", ()):
                if getattr(q, "id", None) == question and hasattr(q.label, "get"):
                    return str(q.label.get(self.lang))
        return question

    def word(self, value: Any) -> str:
        """A known category word (status, quadrant, trend) translated, else as given."""
        key = str(value)
        alias = {"keep_up_the_good_work": "keep_up"}.get(key, key)
        return tr(alias, self.lang) if has_label(alias) else key

    def num(self, value: Any, digits: int | None = None) -> str:
        return format_number(value, self.lang, digits)

    def img(self, fig: Any, alt: str) -> str:
        return charts.figure_img(fig, alt, fmt=self.image_format)


def _figure(ctx: _Context, build: Callable[[], Any], alt: str, caption: str) -> str:
    if not ctx.charts:
        return ""
    fig = build()
    return f"<figure>{ctx.img(fig, alt)}<figcaption>{_esc(caption)}</figcaption></figure>"


def _table(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    numeric: Sequence[bool] | None = None,
    row_classes: Sequence[str] | None = None,
) -> str:
    """A table; ``headers`` are plain text (escaped here), cells are HTML already escaped."""
    numeric = list(numeric or [False] * len(headers))
    head = "".join(
        f'<th{" class=num" if is_num else ""} scope="col">{_esc(h)}</th>'
        for h, is_num in zip(headers, numeric, strict=True)
    )
    body = []
    for i, row in enumerate(rows):
        cls = row_classes[i] if row_classes else ""
        cells = "".join(
            f"<td{' class=num' if is_num else ''}>{cell}</td>"
            for cell, is_num in zip(row, numeric, strict=True)
        )
        body.append(f'<tr class="{cls}">{cells}</tr>' if cls else f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _period_mask(frame: pd.DataFrame, period: str) -> pd.Series:
    if "period" not in frame.columns:
        return pd.Series(True, index=frame.index)
    return frame["period"].astype(str) == period


def _prefix_mask(frame: pd.DataFrame, column: str | None, period: str) -> pd.Series:
    """Rows whose period starts with ``period`` (``2024-03`` for 2024), or all if none does."""
    if column is None or column not in frame.columns:
        return pd.Series(True, index=frame.index)
    mask = frame[column].astype(str).str.startswith(period)
    return mask if bool(mask.any()) else pd.Series(True, index=frame.index)


def _sort_periods(periods: Iterable[Any]) -> list[str]:
    labels = sorted({str(p) for p in periods})
    if all(p.lstrip("-").isdigit() for p in labels):
        labels.sort(key=int)
    return labels


# -- indicators ---------------------------------------------------------------------------
def _polarity(ctx: _Context, frame: pd.DataFrame, indicator: str) -> int:
    definition = ctx.definitions.get(indicator)
    if definition is not None:
        return int(getattr(definition.polarity, "sign", 0))
    if "polarity" in frame.columns:
        values = frame["polarity"].dropna().astype(str).unique()
        if len(values):
            return {"higher_is_better": 1, "lower_is_better": -1}.get(values[0], 0)
    return 0


def _indicator_unit(ctx: _Context, frame: pd.DataFrame, indicator: str) -> str:
    definition = ctx.definitions.get(indicator)
    if definition is not None:
        return str(getattr(definition, "unit", "") or "")
    if "unit" in frame.columns:
        units = frame["unit"].dropna().astype(str).unique()
        return units[0] if len(units) else ""
    return ""


def _target(ctx: _Context, indicator: str) -> float | None:
    definition = ctx.definitions.get(indicator)
    target = getattr(definition, "target", None)
    value = getattr(target, "value", None)
    return float(value) if value is not None else None


@attrs.frozen
class _IndicatorView:
    indicator: str
    label: str
    unit: str
    sign: int
    current: pd.DataFrame  # organization, value, status, rank, best; best first
    median: float
    history: pd.DataFrame  # periods x organizations
    previous_median: float


def _indicator_view(ctx: _Context, frame: pd.DataFrame, indicator: str) -> _IndicatorView:
    sub = frame.loc[frame["indicator"].astype(str) == indicator]
    sign = _polarity(ctx, sub, indicator)
    values = _numbers(sub["value"])
    status = sub["status"] if "status" in sub.columns else pd.Series("", index=sub.index)
    data = pd.DataFrame(
        {
            "organization": sub["organization"].astype(str).to_numpy(),
            "period": sub["period"].astype(str).to_numpy(),
            "value": values,
            "status": status.fillna("").astype(str).to_numpy(),
        }
    )
    cur = data.loc[data["period"] == ctx.period, ["organization", "value", "status"]]
    cur = cur.drop_duplicates("organization").reset_index(drop=True)
    cur = _ranked(ctx, cur, indicator, sign)
    key = cur["value"] * (sign if sign else 1)
    cur = cur.assign(_key=key).sort_values("_key", ascending=False, na_position="last")
    cur = cur.drop(columns="_key").reset_index(drop=True)
    periods = [p for p in _sort_periods(data["period"]) if _le(p, ctx.period)]
    hist = data.loc[data["period"].isin(periods)].pivot_table(
        index="period", columns="organization", values="value", aggfunc="first", dropna=False
    )
    hist = hist.reindex(periods)
    medians = hist.median(axis=1, skipna=True) if len(hist) else pd.Series(dtype=float)
    prev = periods[periods.index(ctx.period) - 1] if ctx.period in periods[1:] else None
    return _IndicatorView(
        indicator=indicator,
        label=ctx.label_of("indicators", indicator, _first_text(sub, f"label_{ctx.lang}")),
        unit=_indicator_unit(ctx, sub, indicator),
        sign=sign,
        current=cur,
        median=float(np.nanmedian(cur["value"])) if cur["value"].notna().any() else np.nan,
        history=hist,
        previous_median=float(medians.get(prev, np.nan)) if prev is not None else np.nan,
    )


def _ranked(ctx: _Context, cur: pd.DataFrame, indicator: str, sign: int) -> pd.DataFrame:
    """``cur`` with ``rank``, ``best`` and ``comparison`` from :func:`benchmark`.

    The report ranks with the library's benchmark, so its conventions hold here
    too: ties "min", no ranking below ``min_compared`` values, local indicators
    never ranked.
    """
    from qualitapa.indicators import benchmark

    definition = ctx.definitions.get(indicator)
    polarity = {1: "higher_is_better", -1: "lower_is_better"}.get(sign, "neutral")
    values = pd.DataFrame(
        {
            "organization": cur["organization"],
            "period": ctx.period,
            "indicator": indicator,
            "value": cur["value"],
        }
    )
    bench = benchmark(
        values,
        definitions=[definition] if definition is not None else {indicator: polarity},
        min_compared=ctx.min_compared,
    )
    return cur.assign(
        rank=bench["rank"].to_numpy(dtype=float, na_value=np.nan),
        best=bench["is_best"].to_numpy(dtype=bool),
        comparison=bench["comparison"].astype(str).to_numpy(),
    )


def _le(a: str, b: str) -> bool:
    if a.lstrip("-").isdigit() and b.lstrip("-").isdigit():
        return int(a) <= int(b)
    return a <= b


def _first_text(frame: pd.DataFrame, column: str) -> str | None:
    if column not in frame.columns:
        return None
    values = frame[column].dropna().astype(str)
    return values.iloc[0] if len(values) else None


def _best_names(ctx: _Context, view: _IndicatorView) -> str:
    best = view.current.loc[view.current["best"].astype(bool), "organization"]
    names = [ctx.name(o) for o in best]
    return ", ".join(names[:3]) + (" …" if len(names) > 3 else "")


def _indicators_section(
    ctx: _Context, frame: pd.DataFrame, trends: pd.DataFrame | None
) -> list[tuple[str, str, str]]:
    required = ["organization", "period", "indicator", "value"]
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise DataError(f"the indicator values need the columns {required}", column=missing[0])
    ids = list(dict.fromkeys(frame["indicator"].astype(str)))
    views = [_indicator_view(ctx, frame, i) for i in ids]
    views = [v for v in views if len(v.current) or len(v.history)]
    lang = ctx.lang
    # headline
    headers = [tr("indicator", lang), tr("unit", lang), tr("n", lang), tr("median", lang),
               tr("best_value", lang), tr("best_performer", lang)]  # fmt: skip
    numeric = [False, False, True, True, True, False]
    if ctx.highlight is not None:
        headers += [ctx.name(ctx.highlight), tr("rank", lang)]
        numeric += [True, True]
    headers.append(tr("change", lang))
    numeric.append(True)
    rows = []
    for v in views:
        cur = v.current
        n = int(cur["value"].notna().sum())
        best_value = cur.loc[cur["best"].astype(bool), "value"]
        row = [
            f'<a href="#ind-{_esc(_slug(v.indicator))}">{_esc(v.label)}</a>'
            f'<br><span class="muted">{_esc(tr(_polarity_key(v.sign), lang))}</span>',
            _esc(v.unit),
            _esc(n),
            _esc(ctx.num(v.median)),
            _esc(ctx.num(best_value.iloc[0]) if len(best_value) else "–"),
            _esc(_best_names(ctx, v)),
        ]
        if ctx.highlight is not None:
            mine = cur.loc[cur["organization"] == ctx.highlight]
            row += [
                _esc(ctx.num(mine["value"].iloc[0]) if len(mine) else "–"),
                _esc(
                    f"{int(mine['rank'].iloc[0])}/{n}"
                    if len(mine) and pd.notna(mine["rank"].iloc[0])
                    else "–"
                ),
            ]
        row.append(_esc(_change(ctx, v)))
        rows.append(row)
    out = [("headline", tr("headline", lang), _table(headers, rows, numeric=numeric))]

    trend_words: dict[tuple[str, str], str] = {}
    if trends is not None and {"organization", "indicator", "trend"} <= set(trends.columns):
        trend_words = {
            (str(o), str(i)): ctx.word(t)
            for o, i, t in trends[["organization", "indicator", "trend"]].itertuples(
                index=False, name=None
            )
        }
    parts = []
    for v in views:
        parts.append(_indicator_block(ctx, v, trend_words))
    out.append(("indicators", tr("indicators", lang), "".join(parts)))
    return out


def _polarity_key(sign: int) -> str:
    return {1: "higher_is_better", -1: "lower_is_better"}.get(sign, "neutral")


def _change(ctx: _Context, view: _IndicatorView) -> str:
    prev, now = view.previous_median, view.median
    if not (np.isfinite(prev) and np.isfinite(now)) or prev == 0:
        return "–"
    pct = (now - prev) / abs(prev) * 100
    arrow = "▲" if pct > 0 else "▼" if pct < 0 else "="
    return f"{arrow} {'+' if pct > 0 else ''}{ctx.num(pct, 1)}%"


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in text)


def _indicator_block(
    ctx: _Context, v: _IndicatorView, trend_words: Mapping[tuple[str, str], str]
) -> str:
    lang = ctx.lang
    cur = v.current
    definition = ctx.definitions.get(v.indicator)
    description = getattr(definition, "description", None)
    head = f'<h3 id="ind-{_esc(_slug(v.indicator))}">{_esc(v.label)}</h3>'
    meta = [
        f"<code>{_esc(v.indicator)}</code>",
        _esc(v.unit) if v.unit else "",
        _esc(tr(_polarity_key(v.sign), lang)),
    ]
    target = _target(ctx, v.indicator)
    if target is not None:
        meta.append(f"{_esc(tr('target', lang))}: {_esc(getattr(definition, 'target', ''))}")
    html_parts = [head, f'<p class="meta">{" · ".join(m for m in meta if m)}</p>']
    if description is not None and hasattr(description, "get"):
        html_parts.append(f"<p>{_esc(description.get(lang))}</p>")

    shown = cur
    note = ""
    if len(cur) > ctx.max_bars:
        k = ctx.max_bars // 2
        keep = np.zeros(len(cur), dtype=bool)
        valid = cur["value"].notna().to_numpy()
        idx = np.flatnonzero(valid)
        keep[idx[:k]] = True
        keep[idx[-k:]] = True
        if ctx.highlight is not None:
            keep |= (cur["organization"] == ctx.highlight).to_numpy()
        shown = cur.loc[keep]
        note = f'<p class="muted">{_esc(tr("only_extremes", lang, k=k, n=int(valid.sum())))}</p>'
    shown = shown.loc[shown["value"].notna()]
    if len(shown):
        labels = [ctx.name(o) for o in shown["organization"]]
        html_parts.append(
            _figure(
                ctx,
                lambda: charts.bar_chart(
                    labels,
                    shown["value"].to_numpy(dtype=float),
                    best=shown["best"].to_numpy(dtype=bool),
                    highlight=(shown["organization"] == ctx.highlight).to_numpy(),
                    median=v.median,
                    target=target,
                    xlabel=v.unit,
                    median_label=tr("median", lang),
                    target_label=tr("target", lang),
                ),
                f"{v.label} – {ctx.period}",
                tr("bar_caption", lang, period=ctx.period),
            )
        )
        html_parts.append(note)
    compared = set(cur.loc[cur["value"].notna(), "comparison"])
    if "local_indicator" in compared:
        html_parts.append(f'<p class="muted">{_esc(tr("not_compared_local", lang))}</p>')
    elif "too_few_compared" in compared:
        html_parts.append(
            f'<p class="muted">{_esc(tr("not_compared_too_few", lang, k=ctx.min_compared))}</p>'
        )
    elif "all_equal" in compared:
        html_parts.append(f'<p class="muted">{_esc(tr("not_compared_all_equal", lang))}</p>')
    if not cur["value"].notna().any():
        reasons = sorted({r for r in cur["status"] if r and r != "ok"})
        text = tr("no_values", lang, period=ctx.period)
        if reasons:
            text += f" ({', '.join(reasons)})"
        html_parts.append(f'<p class="muted">{_esc(text)}</p>')
    hist = v.history
    if len(hist) > 1 and bool(np.isfinite(hist.to_numpy(dtype=float)).any()):
        series = {ctx.name(o): hist[o].to_numpy(dtype=float) for o in hist.columns}
        if len(series) > 12:
            keep_orgs = [ctx.highlight] if ctx.highlight in hist.columns else []
            series = {ctx.name(o): hist[o].to_numpy(dtype=float) for o in keep_orgs}
        medians = hist.median(axis=1, skipna=True).to_numpy(dtype=float)
        html_parts.append(
            _figure(
                ctx,
                lambda: charts.trend_chart(
                    list(hist.index),
                    series,
                    median=medians,
                    highlight=ctx.name(ctx.highlight) if ctx.highlight else None,
                    ylabel=v.unit,
                    median_label=tr("median", lang),
                ),
                f"{v.label} – {tr('trend', lang)}",
                tr("trend_caption", lang),
            )
        )
    if len(cur) <= ctx.max_bars and len(cur):
        headers = [tr("rank", lang), tr("organization", lang), tr("value", lang)]
        numeric = [True, False, True]
        with_trend = any(key[1] == v.indicator for key in trend_words)
        if with_trend:
            headers.append(tr("trend", lang))
            numeric.append(False)
        rows, classes = [], []
        for org, value, rank, best, reason in cur[
            ["organization", "value", "rank", "best", "status"]
        ].itertuples(index=False, name=None):
            shown_value = _esc(ctx.num(value))
            if _is_missing(value) and reason and reason != "ok":
                shown_value += f' <span class="muted">({_esc(reason)})</span>'
            row = [_esc(int(rank) if pd.notna(rank) else "–"), _esc(ctx.name(org)), shown_value]
            if with_trend:
                row.append(_esc(trend_words.get((org, v.indicator), "–")))
            rows.append(row)
            classes.append(
                " ".join(
                    c for c, on in (("best", bool(best)), ("highlight", org == ctx.highlight)) if on
                )
            )
        html_parts.append(_table(headers, rows, numeric=numeric, row_classes=classes))
    return "".join(html_parts)


# -- composite and DEA ---------------------------------------------------------------------
def _numeric_headers(headers: list[str], numeric: list[bool], lang: str, keys: list[str]) -> None:
    """Append the headers of numeric columns (their words' keys) to ``headers`` and ``numeric``."""
    headers.extend(tr(key, lang) for key in keys)
    numeric.extend([True] * len(keys))


def _result_frame(ctx: _Context, result: Any, attr: str, message: str) -> pd.DataFrame:
    """The rows of the report's period in ``result``'s table (its ``attr``) or in ``result``."""
    frame = getattr(result, attr) if hasattr(result, attr) else result
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(message)
    return frame.loc[_period_mask(frame, ctx.period)]


def _composite_section(ctx: _Context, frame: Any) -> str:
    lang = ctx.lang
    frame = _result_frame(
        ctx, frame, "ranks", "composite must be an UncertaintyResult or a DataFrame"
    )
    org = _pick(frame, "organization")
    if org is None:
        raise DataError("the composite table needs an 'organization' column", column="organization")
    score = _pick(frame, "score", "index", "value", "composite_score")
    rank = _pick(frame, "rank")
    med = _pick(frame, "median_rank", "rank_median", "rank_p50")
    low = _pick(frame, "rank_p05", "rank_low", "rank_q05", "rank_lo", "p05")
    high = _pick(frame, "rank_p95", "rank_high", "rank_q95", "rank_hi", "p95")
    group = _pick(frame, "composite", "index_id")
    parts = []
    groups = list(dict.fromkeys(frame[group].astype(str))) if group else [None]
    for gid in groups:
        sub = frame if gid is None else frame.loc[frame[group].astype(str) == gid]
        order = med or rank or score
        if order is not None:
            sub = sub.sort_values(order, ascending=order != score, na_position="last")
        if gid is not None:
            parts.append(f"<h3>{_esc(ctx.label_of('composites', gid))}</h3>")
        names = [ctx.name(o) for o in sub[org]]
        centre_col = med or rank
        if centre_col and low and high and len(sub):
            centre = _numbers(sub[centre_col])
            lo, hi = _numbers(sub[low]), _numbers(sub[high])
            highlight = (sub[org].astype(str) == ctx.highlight).to_numpy()
            parts.append(
                _figure(
                    ctx,
                    functools.partial(
                        charts.interval_chart,
                        names,
                        centre,
                        lo,
                        hi,
                        xlabel=tr("rank", lang),
                        highlight=highlight,
                    ),
                    f"{tr('composite', lang)} {gid or ''}".strip(),
                    tr("composite_caption", lang),
                )
            )
        headers = [tr("organization", lang)]
        numeric = [False]
        present = [
            (col, key)
            for col, key in ((score, "score"), (rank, "rank"), (med, "median_rank"))
            if col is not None
        ]
        cols = [col for col, _ in present]
        keys = [key for _, key in present] + (["rank_interval"] if low and high else [])
        _numeric_headers(headers, numeric, lang, keys)
        rows = []
        for _, r in sub.iterrows():
            row = [_esc(ctx.name(r[org]))] + [_esc(ctx.num(r[c])) for c in cols]
            if low and high:
                row.append(_esc(f"{ctx.num(r[low], 0)}–{ctx.num(r[high], 0)}"))
            rows.append(row)
        parts.append(_table(headers, rows, numeric=numeric))
    return "".join(parts)


def _dea_section(ctx: _Context, result: Any) -> str:
    lang = ctx.lang
    frame = _result_frame(ctx, result, "scores", "dea must be a DEAResult or its scores DataFrame")
    org, eff = _required(
        frame,
        "the DEA table needs 'organization' and 'efficiency' columns",
        ("organization",),
        ("efficiency", "score"),
    )
    sub = frame.sort_values(eff, ascending=False)
    values = _numbers(sub[eff])
    names = [ctx.name(o) for o in sub[org]]
    status = sub["status"].astype(str) if "status" in sub.columns else None
    parts = [
        _figure(
            ctx,
            lambda: charts.bar_chart(
                names,
                values,
                best=np.isclose(values, 1.0)
                & ((status == "efficient").to_numpy() if status is not None else True),
                highlight=(sub[org].astype(str) == ctx.highlight).to_numpy(),
                median=float(np.nanmedian(values)) if np.isfinite(values).any() else np.nan,
                xlabel=tr("efficiency", lang),
                median_label=tr("median", lang),
            ),
            tr("dea", lang),
            tr("dea_caption", lang),
        )
    ]
    headers = [tr("organization", lang), tr("efficiency", lang)]
    numeric = [False, True]
    if status is not None:
        headers.append(tr("status", lang))
        numeric.append(False)
    if "peers" in sub.columns:
        headers.append(tr("peers", lang))
        numeric.append(False)
    rows = []
    for _, r in sub.iterrows():
        row = [_esc(ctx.name(r[org])), _esc(ctx.num(r[eff], 3))]
        if status is not None:
            row.append(_esc(ctx.word(r["status"])))
        if "peers" in sub.columns:
            peers = "" if _is_missing(r["peers"]) else str(r["peers"])
            row.append(_esc(", ".join(ctx.name(p) for p in peers.split(";") if p)))
        rows.append(row)
    parts.append(_table(headers, rows, numeric=numeric))
    return "".join(parts)


# -- surveys -------------------------------------------------------------------------------
# the columns a section needs (the names each may have) and the error if one is missing
_SECTION_COLUMNS: dict[str, tuple[str, tuple[tuple[str, ...], ...]]] = {
    "survey": (
        "the survey table needs 'dimension' and 'index' columns",
        (("dimension",), ("index", "score", "mean")),
    ),
    "ipa": (
        "the IPA table needs 'importance' and 'performance' columns",
        (("importance",), ("performance",)),
    ),
}


def _period_columns(
    ctx: _Context, frame: pd.DataFrame, section: str
) -> tuple[pd.DataFrame, list[str]]:
    """The rows of the report's period and the columns ``section`` needs in them."""
    frame = frame.loc[_period_mask(frame, ctx.period)]
    message, choices = _SECTION_COLUMNS[section]
    return frame, _required(frame, message, *choices)


def _survey_section(ctx: _Context, frame: pd.DataFrame) -> str:
    lang = ctx.lang
    frame, (dim, score) = _period_columns(ctx, frame, "survey")
    low = _pick(frame, "ci_low", "ci_lower", "low")
    high = _pick(frame, "ci_high", "ci_upper", "high")
    org = _pick(frame, "organization")
    label_col = _pick(frame, f"label_{lang}", "label")
    labels = (
        frame[label_col].astype(str).where(frame[label_col].notna(), frame[dim].astype(str))
        if label_col
        else frame[dim].astype(str)
    )
    frame = frame.assign(_label=labels.to_numpy())
    parts = []
    orgs = list(dict.fromkeys(frame[org].astype(str))) if org else []
    if org and ctx.highlight in orgs and len(orgs) > 10:
        frame = frame.loc[frame[org].astype(str) == ctx.highlight]
        orgs = [ctx.highlight]
    if low and high and len(frame):
        centre, lo, hi = _numbers(frame[score]), _numbers(frame[low]), _numbers(frame[high])
        groups = [ctx.name(o) for o in frame[org]] if org and len(orgs) > 1 else None
        dims = list(frame["_label"])
        parts.append(
            _figure(
                ctx,
                lambda: charts.interval_chart(
                    dims, centre, lo, hi, xlabel=tr("index", lang), groups=groups, xlim=(0, 100)
                ),
                tr("survey", lang),
                tr("survey_caption", lang),
            )
        )
    headers = ([tr("organization", lang)] if org else []) + [tr("dimension", lang)]
    numeric = [False] * len(headers)
    keys = [key for col, key in ((_pick(frame, "n"), "n"), (score, "index")) if col]
    _numeric_headers(headers, numeric, lang, keys + (["ci"] if low and high else []))
    rows = []
    for _, r in frame.iterrows():
        row = ([_esc(ctx.name(r[org]))] if org else []) + [_esc(r["_label"])]
        if "n" in frame.columns:
            row.append(_esc(ctx.num(r["n"], 0)))
        row.append(_esc(ctx.num(r[score], 1)))
        if low and high:
            row.append(_esc(f"{ctx.num(r[low], 1)} – {ctx.num(r[high], 1)}"))
        if "small_sample" in frame.columns and r["small_sample"] is True:
            row[-1] += f' <span class="no">({_esc(tr("small_sample", lang))})</span>'
        rows.append(row)
    parts.append(_table(headers, rows, numeric=numeric))
    return "".join(parts)


def _ipa_section(ctx: _Context, frame: pd.DataFrame) -> str:
    lang = ctx.lang
    frame, (imp, perf) = _period_columns(ctx, frame, "ipa")
    org = _pick(frame, "organization")
    if org is not None and ctx.highlight in set(frame[org].astype(str)):
        frame = frame.loc[frame[org].astype(str) == ctx.highlight]
    item = _pick(frame, f"label_{lang}", "label", "item", "question", "dimension")
    labels = frame[item].astype(str).tolist() if item else [str(i) for i in frame.index]
    if item in ("item", "question"):
        instruments = (
            frame["instrument"].astype(str).tolist()
            if "instrument" in frame.columns
            else [None] * len(labels)
        )
        labels = [ctx.question_label(q, i) for q, i in zip(labels, instruments, strict=True)]
    x, y = _numbers(frame[imp]), _numbers(frame[perf])
    # the chart puts importance on x and performance on y; the crossing comes
    # from the table (qualitapa.surveys.ipa) or defaults to the means
    x_axis = float(np.nanmean(x)) if len(x) else np.nan
    y_axis = float(np.nanmean(y)) if len(y) else np.nan
    for col in ("importance_axis", "performance_axis"):
        if col in frame.columns and frame[col].notna().any():
            value = float(_numbers(frame[col])[0])
            if col == "importance_axis":
                x_axis = value
            else:
                y_axis = value
    names = [tr(k, lang) for k in ("keep_up", "possible_overkill", "low_priority")]
    # top-left: low importance, high performance; top-right: high both
    quadrant_names = [names[1], names[0], names[2], tr("concentrate_here", lang)]
    parts = []
    if len(frame) and np.isfinite(x_axis) and np.isfinite(y_axis):
        parts.append(
            _figure(
                ctx,
                lambda: charts.ipa_chart(
                    x,
                    y,
                    labels,
                    x_axis=x_axis,
                    y_axis=y_axis,
                    quadrant_names=quadrant_names,
                    xlabel=tr("importance", lang),
                    ylabel=tr("performance", lang),
                ),
                tr("ipa", lang),
                tr("ipa_caption", lang),
            )
        )
    quadrant = _pick(frame, "quadrant")
    headers = [tr("item", lang), tr("importance", lang), tr("performance", lang)]
    numeric = [False, True, True]
    if quadrant:
        headers.append(tr("quadrant", lang))
        numeric.append(False)
    rows = []
    for i, (lab, xi, yi) in enumerate(zip(labels, x, y, strict=True)):
        row = [_esc(lab), _esc(ctx.num(xi)), _esc(ctx.num(yi))]
        if quadrant:
            row.append(_esc(ctx.word(frame[quadrant].iloc[i])))
        rows.append(row)
    parts.append(_table(headers, rows, numeric=numeric))
    return "".join(parts)


# -- complaints, compliance, CAF -----------------------------------------------------------
_KPI_COLUMNS = (
    "received", "answered", "share_within_deadline", "mean_answer_days", "median_answer_days",
    "p90_answer_days", "mean_answer_working_days", "open", "overdue", "reopening_rate",
    "share_forwarded", "share_rejected", "share_founded", "per_10000",
)  # fmt: skip
_GROUP_COLUMNS = ("organization", "service", "category", "kind", "channel", "period")


def _share_digits(column: str) -> tuple[float, int | None]:
    if column.startswith("share_") or column.endswith("_rate"):
        return 100.0, 1
    if column in ("received", "answered", "open", "overdue", "refunds_due"):
        return 1.0, 0
    return 1.0, None


def _complaints_section(
    ctx: _Context, kpis: pd.DataFrame | None, trend: pd.DataFrame | None
) -> str:
    lang = ctx.lang
    parts = []
    if kpis is not None:
        kpis = kpis.loc[_prefix_mask(kpis, _pick(kpis, "period"), ctx.period)]
        groups = [c for c in _GROUP_COLUMNS if c in kpis.columns]
        values = [c for c in _KPI_COLUMNS if c in kpis.columns]
        headers = [tr(c, lang) for c in groups] + [tr(c, lang) for c in values]
        numeric = [False] * len(groups) + [True] * len(values)
        rows = []
        for _, r in kpis.iterrows():
            row = []
            for c in groups:
                text = ctx.name(r[c]) if c == "organization" else str(r[c])
                if c == "service":
                    text = ctx.label_of("services", r[c])
                row.append(_esc(text))
            for c in values:
                factor, digits = _share_digits(c)
                value = _numbers([r[c]])[0] * factor
                row.append(_esc(ctx.num(value, digits)))
            rows.append(row)
        parts.append(_table(headers, rows, numeric=numeric))
    if trend is not None and len(trend):
        period = _pick(trend, "period", "month")
        if period is None or "received" not in trend.columns:
            raise DataError("the complaint trend needs 'period' and 'received' columns")
        trend = trend.loc[_prefix_mask(trend, period, ctx.period)]
        agg_cols = ["received"] + (["answered"] if "answered" in trend.columns else [])
        monthly = (
            trend.assign(**{c: _numbers(trend[c]) for c in agg_cols}, _p=trend[period].astype(str))
            .groupby("_p", sort=True)[agg_cols]
            .sum(min_count=1)
        )
        periods = list(monthly.index)
        answered = monthly["answered"].to_numpy(dtype=float) if "answered" in monthly else None
        parts.append(
            _figure(
                ctx,
                lambda: charts.monthly_chart(
                    periods,
                    monthly["received"].to_numpy(dtype=float),
                    answered,
                    received_label=tr("received", lang),
                    answered_label=tr("answered", lang),
                ),
                tr("complaints_caption", lang),
                tr("complaints_caption", lang),
            )
        )
        headers = [tr("month", lang)] + [tr(c, lang) for c in agg_cols]
        rows = [[_esc(p)] + [_esc(ctx.num(monthly.at[p, c], 0)) for c in agg_cols] for p in periods]
        parts.append(_table(headers, rows, numeric=[False] + [True] * len(agg_cols)))
    return "".join(parts)


def _met_cell(ctx: _Context, value: Any) -> str:
    if _is_missing(value):
        return "–"
    ok = bool(value) if not isinstance(value, str) else value.lower() in ("true", "1", "yes")
    return f'<span class="{"yes" if ok else "no"}">{"✓" if ok else "✗"} {_esc(tr("yes" if ok else "no", ctx.lang))}</span>'  # noqa: E501


def _compliance_section(ctx: _Context, frame: pd.DataFrame) -> str:
    lang = ctx.lang
    if "period" in frame.columns:
        frame = frame.loc[_period_mask(frame, ctx.period) | frame["period"].isna()]
    std = _pick(frame, "standard")
    if std is None or "met" not in frame.columns:
        raise DataError("the compliance table needs 'standard' and 'met' columns")
    met = frame["met"]
    assessed = met.notna()
    n_met = int(met[assessed].astype(bool).sum())
    parts = [f"<p>{_esc(tr('compliance_summary', lang, met=n_met, total=int(assessed.sum())))}</p>"]
    cols = [c for c in ("organization", "value", "unit", "target", "margin", "share_within",
                        "refunds_due", "reason") if c in frame.columns]  # fmt: skip
    cols = [c for c in cols if c != "reason" or frame[c].notna().any()]
    headers = [tr("standard", lang)] + [tr(c, lang) for c in cols] + [tr("met", lang)]
    numeric = [False] + [c in ("value", "margin", "share_within", "refunds_due") for c in cols]
    numeric.append(False)
    rows = []
    for _, r in frame.iterrows():
        row = [_esc(ctx.label_of("standards", r[std]))]
        for c in cols:
            if c == "organization":
                row.append(_esc(ctx.name(r[c])))
            elif c in ("value", "margin"):
                row.append(_esc(ctx.num(r[c])))
            elif c == "share_within":
                row.append(_esc(ctx.num(_numbers([r[c]])[0] * 100, 1)))
            elif c == "refunds_due":
                row.append(_esc(ctx.num(r[c], 0)))
            else:
                row.append(_esc("" if _is_missing(r[c]) else r[c]))
        row.append(_met_cell(ctx, r["met"]))
        rows.append(row)
    parts.append(_table(headers, rows, numeric=numeric))
    return "".join(parts)


def _caf_section(ctx: _Context, frame: pd.DataFrame) -> str:
    lang = ctx.lang
    if not {"level", "id", "score"} <= set(frame.columns):
        raise DataError("the CAF table needs the columns level, id, score (see caf_scores)")
    title = _pick(frame, f"title_{lang}", "title_it", "title")
    crit = frame.loc[frame["level"].astype(str) == "criterion"]
    titles = crit[title].astype(str).tolist() if title else crit["id"].astype(str).tolist()
    labels = [f"{i}. {t}" for i, t in zip(crit["id"], titles, strict=True)]
    parts = []
    if len(crit) >= 3:
        previous = _numbers(crit["previous"]) if "previous" in crit.columns else None
        scores = _numbers(crit["score"])
        parts.append(
            _figure(
                ctx,
                lambda: charts.radar_chart(labels, scores, previous=previous),
                tr("caf", lang),
                tr("caf_caption", lang),
            )
        )
    headers = [tr("criterion", lang), tr("score", lang)]
    numeric = [False, True]
    if "points" in frame.columns:
        headers.append(tr("points", lang))
        numeric.append(True)
    rows, classes = [], []
    for _, r in frame.iterrows():
        is_crit = str(r["level"]) == "criterion"
        name = str(r[title]) if title and not _is_missing(r[title]) else tr(str(r["id"]), lang)
        row = [_esc(f"{r['id']}. {name}" if is_crit else name), _esc(ctx.num(r["score"], 1))]
        if "points" in frame.columns:
            row.append(_esc(ctx.num(r["points"], 0)))
        rows.append(row)
        classes.append("" if is_crit else "highlight")
    parts.append(_table(headers, rows, numeric=numeric, row_classes=classes))
    return "".join(parts)


# -- the report ----------------------------------------------------------------------------
def _org_names(catalog: Catalog | None, names: Mapping[str, str] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    orgs = getattr(catalog, "organizations", None)
    if orgs is not None:
        out.update({str(k): str(getattr(v, "name", k)) for k, v in orgs.items()})
    out.update({str(k): str(v) for k, v in (names or {}).items()})
    return out


def _definitions(catalog: Catalog | None, definitions: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    coll = getattr(catalog, "indicators", None)
    if coll is not None:
        out.update(dict(coll.items()))
    if definitions is not None:
        items = definitions.values() if isinstance(definitions, Mapping) else definitions
        out.update({d.id: d for d in items})
    return out


#: Columns that tell which service a result row belongs to, and where the
#: catalog keeps the item they name (None: the column is the service itself).
_SERVICE_KEYS = (
    ("service", None),
    ("indicator", "indicators"),
    ("composite", "composites"),
    ("instrument", "instruments"),
    ("standard", "standards"),
)


def _service_family(service: str, catalog: Catalog | None) -> set[str]:
    """``service`` and its sub-services (by the catalog's tree and by id prefix)."""
    family = {service}
    services = getattr(catalog, "services", None)
    if services is not None:
        family |= {s for s, obj in services.items() if _has_ancestor(services, obj, service)}
    return family


def _service_filter(
    frame: pd.DataFrame,
    service: str | None,
    definitions: Mapping[str, Any],
    catalog: Catalog | None,
) -> pd.DataFrame:
    """The rows of ``frame`` that belong to ``service`` or one of its sub-services.

    The service of a row comes from the first column of :data:`_SERVICE_KEYS`
    the frame has: a ``service`` column, or the service of the indicator,
    composite, questionnaire or standard it names (rows naming an unknown
    item are left out). A frame with none of these columns is kept whole:
    nothing in it says which service it is about, so whoever passed it
    chose it (see :func:`qualitapa.reporting.read_results`, which only
    picks tables it can attribute).
    """
    if service is None:
        return frame
    family = _service_family(service, catalog)
    for column, kind in _SERVICE_KEYS:
        if column not in frame.columns:
            continue
        keys = frame[column].astype("string")
        if kind is None:
            owner = keys
        else:
            items: Mapping[str, Any] = (
                definitions if kind == "indicators" else getattr(catalog, kind, None) or {}
            )
            lookup = {k: getattr(items[k], "service", None) for k in keys.dropna().unique()
                      if k in items}  # fmt: skip
            owner = keys.map(lookup)
        owner = owner.astype("string")
        mask = owner.isin(family) | owner.str.startswith(service + ".")
        return frame.loc[mask.fillna(False).to_numpy(dtype=bool)]
    return frame


def _has_ancestor(services: Any, obj: Any, target: str) -> bool:
    parent = getattr(obj, "parent", None)
    seen = set()
    while parent is not None and parent not in seen:
        if parent == target:
            return True
        seen.add(parent)
        parent = getattr(services.get(parent), "parent", None)
    return False


def render_report(
    *,
    service: str | None = None,
    period: int | str,
    lang: str = "it",
    catalog: Catalog | None = None,
    definitions: Any = None,
    indicators: pd.DataFrame | None = None,
    trends: pd.DataFrame | None = None,
    composite: Any = None,
    dea: Any = None,
    survey: pd.DataFrame | None = None,
    ipa: pd.DataFrame | None = None,
    complaints: pd.DataFrame | None = None,
    complaint_trend: pd.DataFrame | None = None,
    compliance: pd.DataFrame | None = None,
    caf: pd.DataFrame | None = None,
    organization: str | None = None,
    names: Mapping[str, str] | None = None,
    title: str | None = None,
    note: str | None = None,
    charts: bool = True,
    image_format: ImageFormat = "svg",
    max_bars: int = 30,
    min_compared: int = 3,
    generated: dt.date | None = None,
) -> str:
    """Render the benchmark report of a service and period as one self-contained HTML page.

    Each section appears when its table is given: the tidy results of the
    other modules, extra columns ignored, rows of other periods dropped where
    a table has a ``period`` column. The reporting guide lists the columns
    each section needs and what it shows ("Sections of the report").

    Parameters
    ----------
    service
        Service id: the title uses its label; every section keeps the rows
        of this service and its sub-services (by a ``service`` column, or
        by the service of the indicator, composite, ``instrument`` or
        standard a row names; CAF scores are shown as given).
    period
        The period reported on (e.g. ``2024``).
    indicators, trends, composite, dea, survey, ipa, complaints, complaint_trend, compliance, caf
        The sections' tables: output of :func:`qualitapa.indicators.compute`
        (all periods up to ``period``, ranked as
        :func:`~qualitapa.indicators.benchmark` does), ``trends``,
        :func:`qualitapa.composite.composite_uncertainty`,
        :func:`~qualitapa.composite.dea`,
        :func:`qualitapa.surveys.score_dimensions`, ``ipa``,
        :func:`qualitapa.complaints.kpis` and its ``trend``,
        :func:`qualitapa.standards.compliance`, :func:`qualitapa.caf.caf_scores`.
    lang
        ``"it"`` (default) or ``"en"``: fixed texts, and labels taken from
        the definitions' :class:`~qualitapa.models.Text` fields.
    catalog, definitions
        A :class:`~qualitapa.catalog.Catalog` (labels, units, polarity,
        targets, names) and/or indicator definitions (a list or a mapping).
    organization, names
        An organization to highlight (its value and rank in the headline);
        organization id -> display name (overrides the catalog's names).
    title, note
        The title (default "Benchmarking report" and the service); a note
        under it (e.g. synthetic data).
    charts
        Draw charts (matplotlib, the ``plot`` extra; without it the report
        says so and has the tables only).
    image_format
        ``"svg"`` (default, sharp when printed) or ``"png"``.
    max_bars
        With more organizations, bars for the best and worst ``max_bars // 2``
        and the highlighted one, no ranked table.
    min_compared
        As for :func:`~qualitapa.indicators.benchmark` (a note says when an
        indicator has too few values to be ranked).
    generated
        Date printed in the report (default: today).

    Returns
    -------
    str
        The HTML document.

    Raises
    ------
    DataError
        A table lacks the columns its section needs, or there is nothing to
        report (no table, or no row of ``service``).
    ValueError
        ``lang`` or ``image_format`` is not one of the values above.

    Examples
    --------
    >>> import pandas as pd
    >>> values = pd.DataFrame({"organization": ["a", "b", "c"], "period": 2024,
    ...                        "indicator": "registry.waiting", "value": [12.0, 8.5, 20.0]})
    >>> page = render_report(period=2024, indicators=values, charts=False, lang="en",
    ...                      names={"a": "Modena", "b": "Trento", "c": "<Genova>"})
    >>> page.startswith("<!DOCTYPE html>"), "&lt;Genova&gt;" in page, "<Genova>" in page
    (True, True, False)
    """
    lang = check_lang(lang)
    if image_format not in ("svg", "png"):
        raise ValueError(f"image_format must be 'svg' or 'png', not {image_format!r}")
    can_draw = charts and _charts_available()
    ctx = _Context(
        lang=lang, period=str(period), names=_org_names(catalog, names),
        highlight=str(organization) if organization is not None else None, charts=can_draw,
        image_format=image_format, catalog=catalog, definitions=_definitions(catalog, definitions),
        max_bars=max(2, max_bars), service=service, min_compared=min_compared,
    )  # fmt: skip
    given = {
        "indicators": indicators, "trends": trends, "composite": composite, "dea": dea,
        "survey": survey, "ipa": ipa, "complaints": complaints,
        "complaint_trend": complaint_trend, "compliance": compliance,
    }  # fmt: skip
    notes = ([note] if note else []) + ([tr("no_charts", lang)] if charts and not can_draw else [])
    return _render(ctx, title, given, caf, notes, generated or dt.date.today())


def _render(
    ctx: _Context,
    title: str | None,
    given: dict[str, Any],
    caf: pd.DataFrame | None,
    notes: list[str],
    generated: dt.date,
) -> str:
    """The page of :func:`render_report`: each table's own rows, its sections, the notes."""
    service, defs = ctx.service, ctx.definitions
    service_label = ctx.label_of("services", service) if service else None
    heading = title or " – ".join(x for x in (tr("report", ctx.lang), service_label) if x)
    tables = {key: _own_rows(t, service, defs, ctx.catalog) for key, t in given.items()}
    tables["caf"] = caf  # about the whole organization: never filtered by service
    sections = _sections(ctx, tables)
    if not sections:
        raise DataError(
            "nothing to report: no result table was given"
            + (f", or none has rows of service {service!r}" if service else "")
        )
    html_notes = [f'<p class="note">{_esc(n)}</p>' for n in notes]
    return _page(ctx, heading, ctx.period, sections, html_notes, generated)


def _own_rows(table: Any, service: str | None, defs: Any, catalog: Catalog | None) -> Any:
    """The rows of a section's table that belong to the report's service (None if none)."""
    if table is None or service is None:
        return table
    frame = table
    for attr in ("ranks", "scores"):  # UncertaintyResult, DEAResult
        if not isinstance(frame, pd.DataFrame) and hasattr(frame, attr):
            frame = getattr(frame, attr)
    if not isinstance(frame, pd.DataFrame):
        return table
    kept = _service_filter(frame, service, defs, catalog)
    if kept is frame:
        return table
    return kept if len(kept) else None


def _sections(ctx: _Context, tables: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """``(id, heading, html)`` of each section whose table is given, in report order."""
    lang = ctx.lang
    sections: list[tuple[str, str, str]] = []
    if tables["indicators"] is not None:
        sections += _indicators_section(ctx, tables["indicators"], tables["trends"])
    simple = (
        ("composite", _composite_section), ("dea", _dea_section), ("survey", _survey_section),
        ("ipa", _ipa_section),
    )  # fmt: skip
    for key, section in simple:
        if tables[key] is not None:
            sections.append((key, tr(key, lang), section(ctx, tables[key])))
    if tables["complaints"] is not None or tables["complaint_trend"] is not None:
        body = _complaints_section(ctx, tables["complaints"], tables["complaint_trend"])
        sections.append(("complaints", tr("complaints", lang), body))
    for key, section in (("compliance", _compliance_section), ("caf", _caf_section)):
        if tables[key] is not None:
            sections.append((key, tr(key, lang), section(ctx, tables[key])))
    return sections


def _page(
    ctx: _Context,
    heading: str,
    period: int | str,
    sections: list[tuple[str, str, str]],
    notes: list[str],
    day: dt.date,
) -> str:
    """The HTML document: header, table of contents and the sections."""
    lang = ctx.lang
    meta = (
        f"{_esc(tr('period', lang))}: <strong>{_esc(period)}</strong> · "
        f"{_esc(tr('generated', lang))} {_esc(day.isoformat())} "
        f"{_esc(tr('with', lang))} qualitapa {_esc(__version__)}"
    )
    toc = "".join(f'<li><a href="#{_esc(sid)}">{_esc(name)}</a></li>' for sid, name, _ in sections)
    body = "".join(
        f'<section id="{_esc(sid)}"><h2{" class=first" if i == 0 else ""}>{_esc(name)}</h2>'
        f"{content}</section>"
        for i, (sid, name, content) in enumerate(sections)
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="qualitapa {_esc(__version__)}">\n'
        f"<title>{_esc(heading)} – {_esc(period)}</title>\n<style>{_CSS}</style>\n</head>\n"
        f'<body>\n<header><h1>{_esc(heading)}</h1><p class="meta">{meta}</p>{"".join(notes)}'
        f'</header>\n<nav><h2 class="first">{_esc(tr("contents", lang))}</h2><ol>{toc}</ol>'
        f'</nav>\n<main>{body}</main>\n<footer><p class="muted">qualitapa {_esc(__version__)}'
        "</p></footer>\n</body>\n</html>\n"
    )


def _charts_available() -> bool:
    return charts.charts_available()


def write_report(path: str | Path, **kwargs: Any) -> Path:
    """Render the report with :func:`render_report` (same keywords) and write it to ``path``.

    Returns
    -------
    Path
        ``path``, written as UTF-8.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> caf = pd.DataFrame({"level": ["total"], "id": ["total"], "score": [55.0]})
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = write_report(Path(d) / "r.html", period=2024, caf=caf, charts=False)
    ...     "Autovalutazione CAF" in p.read_text(encoding="utf-8")
    True
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render_report(**kwargs), encoding="utf-8")
    return target
