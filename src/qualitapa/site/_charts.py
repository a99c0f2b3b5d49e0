"""Charts of the site: inline, accessible SVG written by hand (no matplotlib, no JS).

:func:`bar_chart` draws one horizontal bar per label (a city, a dimension),
with optional intervals and highlighted bars; :func:`line_chart` draws one
line per series over numeric x values (years). Both return a
:class:`markupsafe.Markup` ``<svg>`` with ``role="img"``, a ``<title>`` and a
``<desc>`` (the text alternative) that label it through ``aria-labelledby``.
Every text is escaped (and stripped of characters XML forbids); numbers are
written in the language's locale (decimal comma in Italian and German).
Missing values (NaN, None) are left out of the drawing and said, in the
drawing and in the description. Colours pass WCAG 2.1 AA contrast on white:
3:1 for marks, 4.5:1 for text. A chart never relies on colour alone:
highlighted bars carry a word, lines differ by marker shape and dash too.
"""

from __future__ import annotations

import decimal
import math
import numbers
from collections.abc import Callable, Collection, Mapping, Sequence

import attrs
from markupsafe import Markup, escape

from qualitapa import _svg
from qualitapa._svg import TEXT, nice_ticks
from qualitapa._svg import chart_id as _chart_id
from qualitapa._svg import clean as _clean
from qualitapa._svg import text as _text
from qualitapa._svg import tick_digits as _tick_digits
from qualitapa._svg import wrap as _wrap
from qualitapa.i18n import Translator, translator
from qualitapa.reporting import format_number

__all__ = ["BAR", "HIGHLIGHT", "LINE_COLOURS", "TEXT", "bar_chart", "line_chart", "nice_ticks"]

#: Bar colour (Bootstrap Italia's primary, 5.6:1 on white).
BAR = "#0066CC"
#: Highlighted bar (9.3:1 on white, 1.9:1 against the plain bar: the word says it too).
HIGHLIGHT = "#003D7A"
#: Lines of a line chart, each at least 4.5:1 on white, told apart by marker and dash too.
LINE_COLOURS = (
    "#0066CC",
    "#A63D00",
    "#00784E",
    "#8A3FB0",
    "#B0005E",
    "#4D5B69",
    "#6B5B00",
    "#004D99",
)
_WIDTH = 720
_CHAR = _svg.CHAR
_ROW = 30
_MARKERS = _svg.MARKERS
_DASHES = _svg.DASHES


def _finite(value: object) -> float | None:
    """``value`` as a float, or None when missing, not a number or infinite."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real | decimal.Decimal):
        return None
    x = float(value)
    return x if math.isfinite(x) else None


def _common_digits(values: Sequence[float | None]) -> int:
    """One number of decimals for all the values of a chart, after the largest."""
    largest = max((abs(v) for v in values if v is not None), default=0.0)
    return 0 if largest >= 100 else 1 if largest >= 10 else 2


def _with_unit(number: str, unit: str) -> str:
    """A number with its unit: ``12,5%`` and ``12,5 minuti``."""
    if not unit or number == "–":
        return number
    return f"{number}{unit}" if unit == "%" else f"{number} {unit}"


def _bar_values(
    values: Sequence[object], intervals: Sequence[tuple[object, object] | None] | None, n: int
) -> tuple[list[float | None], list[tuple[float, float] | None]]:
    vals = [_finite(v) for v in values]
    if len(vals) != n:
        raise ValueError(f"bar_chart needs one value per label: {n} labels, {len(vals)} values")
    ints: list[tuple[float, float] | None] = [None] * n
    if intervals is not None:
        if len(intervals) != n:
            raise ValueError(
                f"bar_chart needs one interval per label: {n} labels, {len(intervals)} intervals"
            )
        for i, pair in enumerate(intervals):
            lo, hi = (None, None) if pair is None else (_finite(pair[0]), _finite(pair[1]))
            if lo is not None and hi is not None and vals[i] is not None:
                ints[i] = (min(lo, hi), max(lo, hi))
    return vals, ints


def bar_chart(  # noqa: PLR0913 - the chart's keyword-only options
    labels: Sequence[str],
    values: Sequence[object],
    *,
    title: str,
    unit: str = "",
    intervals: Sequence[tuple[object, object] | None] | None = None,
    highlight: Collection[str] | None = None,
    highlight_label: str | None = None,
    lang: str = "it",
    digits: int | None = None,
) -> Markup:
    """A horizontal bar chart as inline, accessible SVG.

    One bar per label, in the order given, drawn from zero: its length is
    proportional to the value, negative values go left of the zero line.
    The value is written at the end of each bar in the language's locale.
    A missing value (None, NaN, infinite) has no bar: the row says
    "dato mancante" and so does the description. Highlighted labels get a
    darker bar, a bold label and a word after the value (not colour alone).

    Parameters
    ----------
    labels : sequence of str
        The bars' names (plain text: escaped here).
    values : sequence of numbers
        One per label; None or NaN when missing.
    title : str
        Short name of the chart (plain text), the SVG's ``<title>``.
    unit : str, optional
        Unit written after each value, already in the language (``"%"``, ``"minuti"``).
    intervals : sequence of (low, high) or None, optional
        One interval per label (e.g. a 95% confidence interval), drawn as a
        whisker; None or a missing bound leaves it out.
    highlight : collection of str, optional
        Labels to mark (e.g. the best performers).
    highlight_label : str, optional
        The word written after a highlighted value; default "in evidenza"
        in ``lang``.
    lang : str, optional
        Language of the numbers and words (``it``, ``en``, ``de``...).
    digits : int, optional
        Decimals of the values; default after the magnitude.

    Returns
    -------
    markupsafe.Markup
        The ``<svg>`` element.

    Raises
    ------
    ValueError
        ``values`` or ``intervals`` do not have one item per label.

    Examples
    --------
    >>> svg = bar_chart(["Modena", "Bolzano <BZ>"], [12.5, float("nan")], title="Attesa",
    ...                 unit="minuti")
    >>> svg.startswith('<svg role="img"'), "12,5 minuti" in svg, "Bolzano &lt;BZ&gt;" in svg
    (True, True, True)
    >>> "dato mancante" in svg
    True
    """
    t = translator(lang)
    labels = [_clean(label) for label in labels]
    vals, ints = _bar_values(values, intervals, len(labels))
    digits = _common_digits(vals) if digits is None else digits
    marked = {_clean(h) for h in highlight or ()}
    note = t("in evidenza") if highlight_label is None else highlight_label
    texts = []
    for label, v in zip(labels, vals, strict=True):
        text = t("dato mancante") if v is None else _with_unit(format_number(v, lang, digits), unit)
        texts.append(f"{text} – {note}" if v is not None and label in marked else text)
    scale = _BarScale.fit(labels, vals, ints, texts)
    rows: list[str] = []
    y = 10.0
    for i, label in enumerate(labels):
        row, height = _bar_row(scale, y, label, vals[i], ints[i], texts[i], label in marked)
        rows.append(row)
        y += height
    zero = scale.x(0.0)
    rows.append(
        f'<line x1="{zero:.1f}" y1="6" x2="{zero:.1f}" y2="{y + 4:.1f}" stroke="{TEXT}"'
        ' stroke-width="1"/>'
    )
    desc = _bar_description(t, labels, vals, unit, lang, digits)
    chart_id = _chart_id("bar", title, labels, vals, ints, sorted(marked), unit, lang)
    return _svg.root(chart_id, scale.width, y + 10, title, desc, "".join(rows))


@attrs.frozen
class _BarScale:
    """Where things go in a bar chart: the label column and the value axis."""

    label_width: float
    low: float
    span: float
    left: float
    pixels: float
    width: float

    @classmethod
    def fit(
        cls,
        labels: list[str],
        vals: list[float | None],
        ints: list[tuple[float, float] | None],
        texts: list[str],
    ) -> _BarScale:
        """The scale that holds zero, every value and interval, the labels and the texts."""
        points = [0.0, *(v for v in vals if v is not None)]
        points += [bound for iv in ints if iv is not None for bound in iv]
        low, high = min(points), max(points)
        label_width = min(max((len(s) for s in labels), default=4) * _CHAR, _WIDTH * 0.3)
        text_width = max((len(s) for s in texts), default=4) * _CHAR
        left = 8 + label_width + 12 + (text_width + 6 if low < 0 else 0)
        # long texts: at least 120 px of bars, the drawing wider, scaled down by the browser
        right = max(_WIDTH - 8 - text_width - 6, left + 120)
        span = high - low or 1.0
        return cls(label_width, low, span, left, right - left, right + text_width + 14)

    def x(self, value: float) -> float:
        """The x coordinate of ``value``."""
        return self.left + (value - self.low) / self.span * self.pixels


def _bar_row(
    scale: _BarScale,
    y: float,
    label: str,
    v: float | None,
    iv: tuple[float, float] | None,
    text: str,
    marked: bool,
) -> tuple[str, float]:
    """One row of a bar chart from ``y`` down: its SVG and its height."""
    lines = _wrap(label, scale.label_width)
    height = max(_ROW, 18 * len(lines) + 10)
    mid = y + height / 2
    strong = ' font-weight="bold"' if marked and v is not None else ""
    first = mid - 9 * (len(lines) - 1) + 5
    parts = [
        _text(8 + scale.label_width, first + 18 * k, line, anchor="end", extra=strong)
        for k, line in enumerate(lines)
    ]
    zero = scale.x(0.0)
    if v is None:
        parts.append(_text(zero + 6, mid + 5, text, extra=' font-style="italic"'))
        return "".join(parts), height
    x0, x1 = sorted((zero, scale.x(v)))
    parts.append(
        f'<rect x="{x0:.3f}" y="{mid - 9:.1f}" width="{x1 - x0:.3f}" height="18"'
        f' fill="{HIGHLIGHT if marked else BAR}">'
        f"<title>{escape(_clean(f'{label}: {text}'))}</title></rect>"
    )
    if iv is not None:
        a, b = scale.x(iv[0]), scale.x(iv[1])
        x0, x1 = min(x0, a), max(x1, b)
        parts.append(_whisker(a, b, mid))
    if v < 0:
        parts.append(_text(x0 - 6, mid + 5, text, anchor="end", extra=strong))
    else:
        parts.append(_text(x1 + 6, mid + 5, text, extra=strong))
    return "".join(parts), height


def _whisker(a: float, b: float, mid: float) -> str:
    """An interval from x ``a`` to ``b``: a dark line over a white halo (seen on any bar)."""
    top, foot = mid - 6, mid + 6
    path = f"M{a:.1f} {mid:.1f}H{b:.1f}M{a:.1f} {top:.1f}V{foot:.1f}M{b:.1f} {top:.1f}V{foot:.1f}"
    return (
        f'<path d="{path}" stroke="#FFFFFF" stroke-width="4" fill="none"/>'
        f'<path d="{path}" stroke="#1A1A1A" stroke-width="1.5" fill="none"/>'
    )


def _bar_description(
    t: Translator,
    labels: list[str],
    vals: list[float | None],
    unit: str,
    lang: str,
    digits: int | None,
) -> str:
    """The text alternative: how many bars, the lowest and highest, what is missing."""
    present = [(v, label) for v, label in zip(vals, labels, strict=True) if v is not None]
    parts = [
        t.plural("Grafico a barre con {n} valore.", "Grafico a barre con {n} valori.", len(present))
    ]
    if present:
        lo_v, lo_label = min(present, key=lambda p: p[0])
        hi_v, hi_label = max(present, key=lambda p: p[0])
        if lo_v == hi_v:
            parts.append(
                t("Valore: {value}.", value=_with_unit(format_number(lo_v, lang, digits), unit))
            )
        else:
            parts.append(
                t(
                    "Minimo {low} ({low_label}), massimo {high} ({high_label}).",
                    low=_with_unit(format_number(lo_v, lang, digits), unit),
                    low_label=lo_label,
                    high=_with_unit(format_number(hi_v, lang, digits), unit),
                    high_label=hi_label,
                )
            )
    missing = [label for v, label in zip(vals, labels, strict=True) if v is None]
    if missing:
        parts.append(t("Dato mancante: {names}.", names=t.join(missing)))
    return " ".join(parts)


def _x_text(x: float, lang: str) -> str:
    """An x value: a whole number (a year) without grouping, else in the locale."""
    return str(int(x)) if float(x).is_integer() else format_number(x, lang)


def _series_points(
    series: Mapping[str, Sequence[tuple[object, object]]],
) -> tuple[dict[str, list[tuple[float, float | None]]], list[str]]:
    """Each series' points sorted by x (x missing: dropped and said), y None when missing."""
    out: dict[str, list[tuple[float, float | None]]] = {}
    problems: list[str] = []
    for name, pairs in series.items():
        points = []
        for pair in pairs:
            x = _finite(pair[0])
            if x is None:
                problems.append(_clean(name))
                continue
            points.append((x, _finite(pair[1])))
        out[_clean(name)] = sorted(points, key=lambda p: p[0])
    return out, problems


def line_chart(
    series: Mapping[str, Sequence[tuple[object, object]]],
    *,
    title: str,
    unit: str = "",
    lang: str = "it",
    digits: int | None = None,
) -> Markup:
    """A line chart of one or more series over numeric x values (years) as inline SVG.

    Each series has its colour, marker shape and dash, and a legend entry;
    every point carries its value in a tooltip (``<title>``). A missing
    value breaks the line and is said in the description, as is a series
    with no value at all. Whole x values (years) are written without
    grouping (``2024``), numbers in the language's locale.

    Parameters
    ----------
    series : mapping of str to sequence of (x, y)
        The lines, by name (plain text: escaped here); y None or NaN when missing.
    title : str
        Short name of the chart (plain text).
    unit : str, optional
        Unit of y, already in the language.
    lang : str, optional
        Language of the numbers and words.
    digits : int, optional
        Decimals of the values; default after the magnitude.

    Returns
    -------
    markupsafe.Markup
        The ``<svg>`` element.

    Examples
    --------
    >>> svg = line_chart({"Modena": [(2023, 1.5), (2024, 2.25)], "Trento": [(2024, None)]},
    ...                  title="Quota", unit="%")
    >>> "2,25%" in svg, "2024" in svg, "Trento" in svg
    (True, True, True)
    """
    t = translator(lang)
    points, bad_x = _series_points(series)
    ys = [y for pts in points.values() for _, y in pts if y is not None]
    digits = _common_digits(ys) if digits is None else digits
    xs = [x for pts in points.values() for x, y in pts if y is not None]
    y_ticks = nice_ticks(min(ys, default=0.0), max(ys, default=1.0))
    x_low, x_high = min(xs, default=0.0), max(xs, default=1.0)
    if x_high == x_low:
        x_low, x_high = x_low - 1, x_high + 1
    # the ticks carry "%" only; another unit is written once, above the axis
    tick_unit = unit if unit == "%" else ""
    digits_ = _tick_digits(y_ticks)
    tick_texts = [_with_unit(format_number(v, lang, digits_), tick_unit) for v in y_ticks]
    left = 12 + max(len(s) for s in tick_texts) * _CHAR
    right, top, bottom = _WIDTH - 24, (34.0 if unit and not tick_unit else 12.0), 262.0
    y_lo, y_hi = y_ticks[0], y_ticks[-1]

    def px(x: float) -> float:  # 20 px inside the plot at each end: room for the year
        return left + 20 + (x - x_low) / (x_high - x_low) * (right - left - 40)

    def py(y: float) -> float:
        return bottom - (y - y_lo) / (y_hi - y_lo) * (bottom - top)

    body = [_axes(y_ticks, tick_texts, _x_ticks(x_low, x_high, xs), px, py, left, right, lang)]
    if unit and not tick_unit:
        body.append(_text(8, 16, unit, extra=' font-style="italic"'))

    def value_text(y: float) -> str:
        return _with_unit(format_number(y, lang, digits), unit)

    for k, (name, pts) in enumerate(points.items()):
        body.append(_series_path(name, pts, k, px, py, value_text, lang))
    legend, height = _legend(list(points), bottom + 44)
    body.append(legend)
    desc = _line_description(t, points, bad_x, unit, lang, digits)
    chart_id = _chart_id("line", title, sorted(points.items()), unit, lang)
    return _svg.root(chart_id, _WIDTH, height, title, desc, "".join(body))


def _x_ticks(low: float, high: float, xs: list[float]) -> list[float]:
    """The x ticks: every whole x (year) up to 12 of them, else round values."""
    if xs and all(float(x).is_integer() for x in xs):
        years = range(int(low), int(high) + 1)
        step = max(1, math.ceil(len(years) / 12))
        return [float(y) for y in years[::step]]
    return [v for v in nice_ticks(low, high, 6) if low <= v <= high]


def _axes(
    y_ticks: list[float],
    tick_texts: list[str],
    x_ticks: list[float],
    px: Callable[[float], float],
    py: Callable[[float], float],
    left: float,
    right: float,
    lang: str,
) -> str:
    base = py(y_ticks[0])
    parts = [
        _svg.y_axis(py, y_ticks, tick_texts, left, right),
        _svg.line(left, base, right, base, TEXT),
    ]
    for x in x_ticks:
        parts.append(_text(px(x), base + 22, _x_text(x, lang), anchor="middle"))
    return "".join(parts)


def _series_path(
    name: str,
    pts: list[tuple[float, float | None]],
    k: int,
    px: Callable[[float], float],
    py: Callable[[float], float],
    value_text: Callable[[float], str],
    lang: str,
) -> str:
    """One series: its line (broken where a value is missing) and its markers."""
    return _svg.series(
        [None if y is None else (px(x), py(y)) for x, y in pts],
        ["" if y is None else f"{name}, {_x_text(x, lang)}: {value_text(y)}" for x, y in pts],
        colour=LINE_COLOURS[k % len(LINE_COLOURS)],
        kind=_MARKERS[k % len(_MARKERS)],
        dash=_DASHES[k % len(_DASHES)],
    )


def _legend(names: list[str], top: float) -> tuple[str, float]:
    """The legend under the plot: marker, dash and name of each series; the chart's height."""
    keys = [
        _svg.Key(name, LINE_COLOURS[k % len(LINE_COLOURS)], _MARKERS[k % len(_MARKERS)],
                 _DASHES[k % len(_DASHES)])
        for k, name in enumerate(names)
    ]  # fmt: skip
    return _svg.legend(keys, top, _WIDTH)


def _line_description(
    t: Translator,
    points: dict[str, list[tuple[float, float | None]]],
    bad_x: list[str],
    unit: str,
    lang: str,
    digits: int | None,
) -> str:
    """The text alternative: each series' first and last value, what is missing."""
    parts = [
        t.plural("Grafico a linee con {n} serie.", "Grafico a linee con {n} serie.", len(points))
    ]
    empty: list[str] = []
    gaps: list[str] = []
    for name, pts in points.items():
        known = [(x, y) for x, y in pts if y is not None]
        if not known:
            empty.append(name)
            continue
        gaps.extend(f"{name} {_x_text(x, lang)}" for x, y in pts if y is None)
        (x0, y0), (x1, y1) = known[0], known[-1]
        parts.append(
            t(
                "{name}: da {first} ({first_x}) a {last} ({last_x}).",
                name=name,
                first=_with_unit(format_number(y0, lang, digits), unit),
                first_x=_x_text(x0, lang),
                last=_with_unit(format_number(y1, lang, digits), unit),
                last_x=_x_text(x1, lang),
            )
        )
    if empty:
        parts.append(t("Senza dati: {names}.", names=t.join(empty)))
    if gaps or bad_x:
        parts.append(t("Dato mancante: {names}.", names=t.join(gaps + sorted(set(bad_x)))))
    return " ".join(parts)
