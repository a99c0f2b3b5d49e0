"""Charts for the reports: hand-written, accessible SVG (no matplotlib).

Each chart function returns a :class:`~qualitapa._svg.Drawing` (its size and
SVG body), drawn with the toolkit the portal uses too (:mod:`qualitapa._svg`);
:func:`figure_svg` labels it with a ``<title>`` and a ``<desc>`` (the text
alternative the report section writes) as inline SVG, :func:`figure_img`
embeds it as an ``<img>``. All text from the data is escaped; numbers go
through the reader's :data:`NumberFormat` (decimal comma in Italian and
German). Colours are the Okabe-Ito palette; meaning never rests on colour
alone: the highlighted organization has a bold name and a diamond, the
best a triangle, series differ by marker shape and dash. A chart costs
about a millisecond (``benchmarks/bench_reports.py``).
"""

from __future__ import annotations

import base64
import math
from collections.abc import Callable, Sequence
from typing import Any, Literal

import attrs
import numpy as np
from markupsafe import Markup, escape

from qualitapa import _svg
from qualitapa._svg import CHAR, TEXT, Drawing, Key, Scale, nice_ticks, tick_labels

#: How charts are embedded in HTML: inline SVG, or an ``<img>`` of that SVG (:func:`figure_img`).
ImageFormat = Literal["svg", "img"]

#: Writes a number in the reader's locale: ``number(0.2, digits=1)`` gives ``"0,2"``
#: in Italian and German (:meth:`qualitapa.i18n.Translator.number`). The charts use
#: it for their tick labels and values.
NumberFormat = Callable[..., str]

#: The Okabe-Ito colour-blind-safe palette (Okabe & Ito 2008, "Color Universal
#: Design", https://jfly.uni-koeln.de/color/), by name.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
BEST = OKABE_ITO["bluish_green"]
HIGHLIGHT = OKABE_ITO["vermillion"]
MEDIAN = OKABE_ITO["black"]
TARGET = OKABE_ITO["reddish_purple"]
#: Neutral greys, not categories: the other organizations' thin lines and bars.
OTHER = "#B3B3B3"
OTHER_BAR = "#8C8C8C"
#: Series colours: Okabe-Ito without the best, highlight and median colours,
#: yellow last (little contrast on white); the markers tell series apart too.
PALETTE = [OKABE_ITO[c] for c in ("blue", "orange", "sky_blue", "reddish_purple", "yellow")]
MARKERS = ["circle", "square", "triangle", "diamond", "triangle-down", "plus", "cross", "bar"]
#: IPA quadrants (top-left, top-right, bottom-left, bottom-right): colour, marker.
_QUADRANT_STYLE = [
    (OKABE_ITO["blue"], "square"),
    (OKABE_ITO["bluish_green"], "circle"),
    (OKABE_ITO["reddish_purple"], "diamond"),
    (OKABE_ITO["vermillion"], "triangle"),
]
_WIDTH = 720.0
_ROW = 26.0
_BOLD = ' font-weight="bold"'
_SMALL = ' font-size="12"'
#: A white outline under a text: readable where it crosses a line (the median).
_HALO = ' paint-order="stroke" stroke="#FFFFFF" stroke-width="3" stroke-linejoin="round"'
_LABEL = ' class="ipa-label" font-size="12"'
_QUADRANT = ' class="ipa-quadrant" font-weight="bold"'


def charts_available() -> bool:
    """True: the charts are written by hand and need no optional library."""
    return True


def figure_svg(
    fig: Drawing, *, title: str, description: str, id_prefix: str | None = None
) -> Markup:
    """Inline, accessible SVG of a chart for an HTML page.

    The ``<svg>`` has ``role="img"`` and is labelled by its first children,
    ``<title>`` and ``<desc>`` (both escaped). Every id is prefixed with
    ``id_prefix``, by default a hash of the drawing, title and description,
    so several charts on one page share no id. The width is responsive.

    Parameters
    ----------
    fig : qualitapa._svg.Drawing
        The chart, e.g. from :func:`bar_chart`.
    title : str
        Short name of the chart (plain text).
    description : str
        Text alternative: what the chart shows (plain text).
    id_prefix : str, optional
        Prefix of the ids; give distinct ones to draw the same chart with
        the same title twice on one page.

    Returns
    -------
    markupsafe.Markup
        The ``<svg>`` element, safe to insert in a Jinja2 template.

    Examples
    --------
    >>> import numpy as np
    >>> fig = monthly_chart(["gen 24", "feb 24"], np.array([5, 3]), None,
    ...                     received_label="ricevuti", answered_label="con risposta")
    >>> svg = figure_svg(fig, title="Reclami <mese>", description="Da 5 a 3.")
    >>> svg.startswith('<svg role="img"'), "Reclami &lt;mese&gt;</title>" in svg
    (True, True)
    """
    return fig.svg(title=title, description=description, id_prefix=id_prefix)


def figure_img(fig: Drawing, alt: str) -> str:
    """An ``<img>`` element embedding the chart as an SVG ``data:`` URI (``alt`` is escaped).

    For pages whose editor or mail client drops inline SVG; the image is
    the same vector drawing (the library has no rasteriser).

    Examples
    --------
    >>> import numpy as np
    >>> fig = monthly_chart(["gen 24"], np.array([5]), None, received_label="r",
    ...                     answered_label="a")
    >>> figure_img(fig, "Reclami <1>").startswith('<img class="chart" alt="Reclami &lt;1&gt;"')
    True
    """
    doc = str(fig.svg(title=alt, description=alt)).replace(
        "<svg ", '<svg xmlns:xlink="http://www.w3.org/1999/xlink" ', 1
    )
    data = base64.b64encode(doc.encode("utf-8")).decode("ascii")
    return f'<img class="chart" alt="{escape(alt)}" src="data:image/svg+xml;base64,{data}">'


def tick_digits(locs: Sequence[float]) -> int:
    """The fewest decimals that write every tick location exactly.

    Examples
    --------
    >>> tick_digits([0.0, 0.2, 0.4]), tick_digits([0, 500, 1000]), tick_digits([0.25, 0.5])
    (1, 0, 2)
    """
    return _svg.tick_digits(list(locs))


def _plain(value: float, digits: int = 2) -> str:
    return f"{value:.{digits}f}"


def _value_digits(values: np.ndarray) -> int:
    """One number of decimals for a chart's values, after the largest (as the tables do)."""
    finite = np.abs(values[np.isfinite(values)])
    largest = float(finite.max()) if finite.size else 0.0
    return 0 if largest >= 100 else 1 if largest >= 10 else 2


def _finite(*arrays: Any) -> np.ndarray:
    """The finite values of ``arrays`` (None and NaN left out), as one float array."""
    parts = [np.atleast_1d(np.asarray(a, dtype=float)).ravel() for a in arrays if a is not None]
    values = np.concatenate(parts) if parts else np.empty(0)
    return values[np.isfinite(values)]


def _label_column(labels: Sequence[str], marks: Sequence[str | None], top: float,
                  rows: Sequence[float], width: float) -> str:  # fmt: skip
    """Row labels right-aligned at ``width``, each marked one with its markers just after it.

    A mark is ``"colour:kind"``, several joined by ``;`` (the highlighted
    organization that is also the best has both shapes); a diamond (the
    highlighted organization) makes the name bold.
    """
    parts = []
    for label, mark, y in zip(labels, marks, rows, strict=True):
        lines = _svg.wrap(label, width - 16)
        strong = _BOLD if mark and ":diamond" in mark else ""
        first = y - 8 * (len(lines) - 1) + 5
        parts += [_svg.text(width, first + 16 * k, line, anchor="end", extra=strong)
                  for k, line in enumerate(lines)]  # fmt: skip
        for j, one in enumerate(mark.split(";") if mark else []):
            colour, kind = one.split(":")
            parts.append(_svg.marker(kind, width + 11 + 11 * j, y, colour, r=4.0))
    return "".join(parts)


def _row_height(labels: Sequence[str], width: float, row: float = _ROW) -> float:
    """The height of a row: room for every line of the longest label (:func:`_label_column`)."""
    lines = max((len(_svg.wrap(s, width - 16)) for s in labels), default=1)
    return max(row, 16.0 * lines + 10) if lines > 1 else row


def _value_frame(low: float, high: float, left: float, right: float, top: float, bottom: float,
                 number: NumberFormat, *, invert: bool = False,
                 xlabel: str = "") -> tuple[Scale, str, float]:  # fmt: skip
    """A horizontal value axis: its scale, its grid and labels, and the y below them."""
    ticks = [v for v in nice_ticks(low, high) if low - 1e-9 <= v <= high + 1e-9] or [low, high]
    scale = Scale(low, high, right, left) if invert else Scale(low, high, left, right)
    body = _svg.x_axis(scale, ticks, tick_labels(ticks, number), top, bottom)
    below = bottom + 24
    if xlabel:
        body += _svg.text((left + right) / 2, below + 14, xlabel, anchor="middle")
        below += 22
    return scale, body, below


def _bounds(values: np.ndarray, pad: float = 0.0) -> tuple[float, float]:
    """Round bounds holding ``values`` (the outer nice ticks)."""
    low, high = (float(values.min()), float(values.max())) if values.size else (0.0, 1.0)
    ticks = nice_ticks(low - pad, high + pad)
    return ticks[0], ticks[-1]


def bar_chart(
    labels: Sequence[str],
    values: np.ndarray,
    *,
    best: np.ndarray,
    highlight: np.ndarray,
    median: float,
    target: float | None = None,
    xlabel: str = "",
    median_label: str = "median",
    target_label: str = "target",
    highlight_label: str | None = None,
    best_label: str | None = None,
    missing_label: str = "–",
    number: NumberFormat | None = None,
) -> Drawing:
    """Horizontal bars in the given order (first on top), best and highlighted marked.

    Each bar ends with its value written in the reader's locale (``number``,
    :data:`NumberFormat`); a missing value has no bar and ``missing_label``.
    The highlighted organization's bar is vermillion, its name bold next to
    a diamond; the best's bar bluish green, its name next to a triangle (a
    highlighted best: vermillion with a green edge); the others grey. The
    median is a dashed black line, the target a dotted purple one; a value
    that would cross either is written just after it, on its bar's row. The
    legend names all four (``highlight_label``, ``best_label``; default:
    their names).

    Examples
    --------
    >>> import numpy as np
    >>> fig = bar_chart(["Trento", "Bolzano"], np.array([4.0, 6.5]), best=np.array([True, False]),
    ...                 highlight=np.array([False, True]), median=5.0, median_label="mediana",
    ...                 number=lambda v, digits: f"{v:.{digits}f}".replace(".", ","))
    >>> "6,50" in fig.body, "mediana" in fig.body, fig.body.count("<rect") >= 2
    (True, True, True)
    """
    write = number or _plain
    vals = np.asarray(values, dtype=float)
    hi = np.asarray(highlight, dtype=bool)
    be = np.asarray(best, dtype=bool)
    lines = {"median": median, "target": target}
    shown = _finite(vals, *(v for v in lines.values() if v is not None), 0.0)
    low, high = _bounds(shown)
    digits = _value_digits(vals)
    texts = [missing_label if not np.isfinite(v) else write(float(v), digits=digits) for v in vals]
    label_width = min(max((_svg.width_of(s) for s in labels), default=40.0), _WIDTH * 0.3) + 16
    text_width = max((_svg.width_of(s) for s in texts), default=30.0) + 10
    left, right = label_width + 22 + 11 * bool((hi & be).any()), _WIDTH - text_width - 8
    top, row = 8.0, _row_height(labels, label_width)
    rows = [top + row * (i + 0.5) for i in range(len(labels))]
    bottom = top + row * len(labels)
    scale, body, below = _value_frame(low, high, left, right, top, bottom, write, xlabel=xlabel)
    parts = [body]
    marks = [";".join([f"{HIGHLIGHT}:diamond"] * h + [f"{BEST}:triangle"] * b) or None
             for h, b in zip(hi.tolist(), be.tolist(), strict=True)]  # fmt: skip
    parts.append(_label_column(list(map(str, labels)), marks, top, rows, label_width))
    zero = scale(0.0)
    # the x of the median and target lines: no value label may cross them
    crossing = [scale(float(v)) for v in lines.values() if v is not None and np.isfinite(v)]
    for i, (v, y) in enumerate(zip(vals, rows, strict=True)):
        if not np.isfinite(v):
            at = _label_start(zero + 6, texts[i], crossing)
            parts.append(_svg.text(at, y + 5, texts[i], extra=' font-style="italic"'))
            continue
        x0, x1 = sorted((zero, scale(float(v))))
        colour = HIGHLIGHT if hi[i] else BEST if be[i] else OTHER_BAR
        edge = f' stroke="{BEST}" stroke-width="3"' if hi[i] and be[i] else ""
        tip = escape(_svg.clean(f"{labels[i]}: {texts[i]}"))
        parts.append(f'<rect x="{x0:.2f}" y="{y - 8:.1f}" width="{x1 - x0:.2f}" height="16"'
                     f' fill="{colour}"{edge}><title>{tip}</title></rect>')  # fmt: skip
        strong = _BOLD if hi[i] else ""
        at = _label_start(x1 + 5, texts[i], crossing)
        parts.append(_svg.text(at, y + 5, texts[i], extra=strong + _HALO))
    parts.append(_svg.line(zero, top, zero, bottom, TEXT))
    keys = _mark_keys(labels, hi, be, highlight_label, best_label)
    for (_name, value), (colour, dash, text) in zip(
        lines.items(), ((MEDIAN, "6 3", median_label), (TARGET, "2 3", target_label)), strict=True
    ):
        if value is not None and np.isfinite(value):
            x = scale(float(value))
            parts.append(_svg.line(x, top - 4, x, bottom, colour,
                                   f' stroke-width="2" stroke-dasharray="{dash}"'))  # fmt: skip
            keys.append(Key(text, colour, None, dash, width=2.0))
    legend, height = _svg.legend(keys, below + 14, _WIDTH)
    parts.append(legend)
    return Drawing(_WIDTH, height + 6, "".join(parts))


#: The free pixels kept between a value label and a median or target line.
_CLEARANCE = 4.0


def _label_start(start: float, label: str, lines: Sequence[float]) -> float:
    """Where a left-aligned ``label`` wanted at ``start`` begins so that it crosses none
    of the vertical ``lines`` (their x): after each line its box would touch."""
    width = _svg.width_of(label)
    for x in sorted(lines):
        if start - _CLEARANCE <= x <= start + width + _CLEARANCE:
            start = x + _CLEARANCE + 1
    return start


def _mark_keys(labels: Sequence[str], hi: np.ndarray, be: np.ndarray,
               highlight_label: str | None, best_label: str | None) -> list[Key]:  # fmt: skip
    """Legend entries of the highlighted and the best organizations (a box and their marker)."""
    names = np.asarray([str(s) for s in labels], dtype=object)
    keys = []
    for mask, text, colour, kind in ((hi, highlight_label, HIGHLIGHT, "diamond"),
                                     (be, best_label, BEST, "triangle")):  # fmt: skip
        if mask.any():
            keys.append(Key(text or ", ".join(names[mask]), colour, kind, None))
    return keys


def _period_frame(
    periods: Sequence[Any],
    values: np.ndarray,
    number: NumberFormat,
    *,
    ylabel: str = "",
    integer: bool = False,
    height: float = 220.0,
) -> tuple[Callable[[int], float], Scale, str, float]:
    """A chart over periods: x of each period, the value scale, the axes, and the y below them.

    One label per period, thinned (every ``step``-th, the last always kept)
    so that no two labels touch. ``integer``: whole-number ticks (counts).
    """
    ticks = nice_ticks(*_bounds(_finite(values, 0.0 if integer else None)))
    if integer:
        ticks = [v for v in ticks if float(v).is_integer()]
    labels = tick_labels(ticks, number)
    top = 30.0 if ylabel else 10.0
    left, right, bottom = 14 + max(_svg.width_of(s) for s in labels), _WIDTH - 12, top + height
    scale = Scale(ticks[0], ticks[-1], bottom, top)
    n = max(len(periods), 1)
    spacing = (right - left) / n

    def px(i: int) -> float:
        return left + spacing * (i + 0.5)

    names = [str(p) for p in periods]
    widest = max((_svg.width_of(s) for s in names), default=0.0)
    step = max(1, math.ceil((widest + 10) / spacing))
    parts = [_svg.y_axis(scale, ticks, labels, left, right)]
    if ylabel:
        parts.append(_svg.text(8, 16, ylabel, extra=' font-style="italic"'))
    parts.append(_svg.line(left, bottom, right, bottom, TEXT))
    for i in range(len(names) - 1, -1, -step):
        parts.append(_svg.text(px(i), bottom + 20, names[i], anchor="middle"))
    return px, scale, "".join(parts), bottom + 30


def trend_chart(
    periods: Sequence[Any],
    series: dict[str, np.ndarray],
    *,
    median: np.ndarray,
    highlight: str | None = None,
    ylabel: str = "",
    median_label: str = "median",
    highlight_label: str | None = None,
    best: str | None = None,
    best_label: str | None = None,
    others_label: str | None = None,
    alone_label: str | None = None,
    number: NumberFormat | None = None,
) -> Drawing:
    """One line per organization across periods, with markers (single points show).

    The highlighted organization (``highlight``, a key of ``series``) is a
    thick vermillion line with round markers, the ``best`` a bluish-green
    dashed line with triangles, the median black with squares; the others
    thin light-grey lines. The legend names the highlighted one
    (``highlight_label``, default its name), the best (``best_label``,
    default its name), the median and, with ``others_label``, the others.
    With neither highlight nor best and at most five organizations, each has
    its own colour, marker and dash in the legend. A missing value breaks
    the line; every marker has its value as a tooltip. Period labels never
    run together (thinned).

    With one organization no median is drawn (the median of one is that
    organization) and the legend says so with ``alone_label``. ``number``
    writes the values in the reader's locale (:data:`NumberFormat`).

    Examples
    --------
    >>> import numpy as np
    >>> s = {"Trento": np.array([3.0, 4.0]), "Bolzano": np.array([5.0, np.nan])}
    >>> fig = trend_chart([2023, 2024], s, median=np.array([4.0, 4.0]), highlight="Bolzano",
    ...                   highlight_label="Bolzano (ente evidenziato)", median_label="mediana")
    >>> "Bolzano (ente evidenziato)" in fig.body, "mediana" in fig.body
    (True, True)
    """
    write = number or _plain
    px, scale, frame, below = _period_frame(
        periods, _finite(median if len(series) > 1 else None, *series.values()), write,
        ylabel=ylabel,
    )  # fmt: skip
    digits = _value_digits(_finite(*series.values()))
    names = [str(p) for p in periods]

    def draw(name: str, values: Any, colour: str, kind: str, dash: str = "", width: float = 2.0,
             r: float = 4.0) -> str:  # fmt: skip
        vals = np.asarray(values, dtype=float)
        pts = [(px(i), scale(v)) if np.isfinite(v) else None for i, v in enumerate(vals)]
        tips = [f"{name}, {p}: {write(float(v), digits=digits)}" if np.isfinite(v) else ""
                for p, v in zip(names, vals, strict=True)]  # fmt: skip
        return _svg.series(pts, tips, colour=colour, kind=kind, dash=dash, width=width, r=r)

    named = {n for n in (highlight, best) if n is not None and n in series}
    own = not named and len(series) <= len(PALETTE)
    parts, keys, front = [frame], [], []
    grey = False
    for i, (name, values) in enumerate(series.items()):
        if name in named:
            continue
        if own:
            style = (PALETTE[i], MARKERS[i], _svg.DASHES[i])
            parts.append(draw(name, values, *style))
            keys.append(Key(str(name), *style))
        else:
            parts.append(draw(name, values, OTHER, "circle", width=1.0, r=2.5))
            grey = True
    if grey and others_label:
        keys.append(Key(others_label, OTHER, "circle", "", width=1.0))
    if len(series) > 1:
        parts.append(draw(median_label, median, MEDIAN, "square", width=2.5))
        keys.append(Key(median_label, MEDIAN, "square", ""))
    elif alone_label:
        keys.append(Key(alone_label, "#FFFFFF", None, None))
    if best is not None and best in series and best != highlight:
        parts.append(draw(best, series[best], BEST, "triangle", "6 3", 2.2, 5.0))
        front.append(Key(best_label or str(best), BEST, "triangle", "6 3"))
    if highlight is not None and highlight in series:
        parts.append(draw(highlight, series[highlight], HIGHLIGHT, "circle", "", 3.2, 5.0))
        front.insert(0, Key(highlight_label or str(highlight), HIGHLIGHT, "circle", "", width=3.2))
    legend, height = _svg.legend(front + keys, below + 10, _WIDTH)
    return Drawing(_WIDTH, height + 6, "".join(parts) + legend)


def monthly_chart(
    periods: Sequence[str],
    received: np.ndarray,
    answered: np.ndarray | None,
    *,
    received_label: str,
    answered_label: str,
    number: NumberFormat | None = None,
) -> Drawing:
    """Bars of received complaints per period, with answered as a line with markers.

    Counts: whole-number ticks, every bar and marker with its count as a
    tooltip, thousands grouped by ``number`` (:data:`NumberFormat`).

    Examples
    --------
    >>> import numpy as np
    >>> fig = monthly_chart(["2024-01", "2024-02"], np.array([5, 3]), np.array([4, 3]),
    ...                     received_label="ricevuti", answered_label="con risposta")
    >>> fig.body.count("<rect"), "con risposta" in fig.body
    (3, True)
    """
    write = number or _plain
    rec = np.asarray(received, dtype=float)
    px, scale, frame, below = _period_frame(periods, _finite(rec, answered), write, integer=True)
    width = 0.7 * (px(1) - px(0)) if len(periods) > 1 else 40.0
    colour = OKABE_ITO["sky_blue"]
    parts = [frame]
    base = scale(0.0)
    for i, (p, v) in enumerate(zip(periods, rec, strict=True)):
        if np.isfinite(v):
            tip = escape(_svg.clean(f"{received_label}, {p}: {write(float(v), digits=0)}"))
            y = scale(float(v))
            parts.append(f'<rect x="{px(i) - width / 2:.2f}" y="{min(y, base):.1f}"'
                         f' width="{width:.2f}" height="{abs(base - y):.1f}" fill="{colour}">'
                         f"<title>{tip}</title></rect>")  # fmt: skip
    keys = [Key(received_label, colour, None, None, box=True)]
    if answered is not None:
        ans = np.asarray(answered, dtype=float)
        parts.append(_svg.series(
            [(px(i), scale(v)) if np.isfinite(v) else None for i, v in enumerate(ans)],
            [f"{answered_label}, {p}: {write(float(v), digits=0)}" if np.isfinite(v) else ""
             for p, v in zip(periods, ans, strict=True)],
            colour=OKABE_ITO["black"], kind="circle", width=1.8,
        ))  # fmt: skip
        keys.append(Key(answered_label, OKABE_ITO["black"], "circle", ""))
    legend, height = _svg.legend(keys, below + 10, _WIDTH)
    return Drawing(_WIDTH, height + 6, "".join(parts) + legend)


def interval_chart(
    labels: Sequence[str],
    centre: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    *,
    xlabel: str = "",
    groups: Sequence[str] | None = None,
    highlight: np.ndarray | None = None,
    invert: bool = False,
    xlim: tuple[float, float] | None = None,
    highlight_label: str | None = None,
    missing_label: str = "–",
    number: NumberFormat | None = None,
) -> Drawing:
    """Points with horizontal interval bars, one row per label (first on top).

    ``groups`` (one per point) draws several points per label, offset,
    coloured and shaped by group with a legend. Without groups, the
    ``highlight`` rows are vermillion diamonds with their label in bold
    behind a diamond, named in the legend (``highlight_label``, default
    their labels). Every point has its value and interval as a tooltip; a
    point with a missing centre is left out (its row says ``missing_label``), a
    missing bound leaves out the bar. ``invert`` runs the axis from right
    to left (ranks: 1 on the right); ``xlim`` fixes it.

    Examples
    --------
    >>> import numpy as np
    >>> fig = interval_chart(["Trento", "Bolzano"], np.array([60.0, 70.0]), np.array([55.0, 64.0]),
    ...                      np.array([65.0, 76.0]), highlight=np.array([False, True]))
    >>> fig.body.count("<polygon"), "Bolzano" in fig.body
    (3, True)
    """
    write = number or _plain
    c = np.asarray(centre, dtype=float)
    lo, hi = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
    uniq = list(dict.fromkeys(map(str, labels)))
    names = list(dict.fromkeys(groups)) if groups is not None else []
    mark = np.zeros(len(c), dtype=bool) if highlight is None or groups is not None else (
        np.asarray(highlight, dtype=bool))  # fmt: skip
    bold = {str(lab) for lab, m in zip(labels, mark, strict=True) if m}
    label_width = min(max(_svg.width_of(s) for s in uniq), _WIDTH * 0.35) + 16
    row = _row_height(uniq, label_width, _ROW * (1 + 0.25 * max(len(names) - 1, 0)))
    left, right, top = label_width + 22, _WIDTH - 20, 8.0
    rows = {lab: top + row * (i + 0.5) for i, lab in enumerate(uniq)}
    bottom = top + row * len(uniq)
    bounds = (float(xlim[0]), float(xlim[1])) if xlim is not None else _bounds(_finite(c, lo, hi))
    scale, frame, below = _value_frame(*bounds, left, right, top, bottom, write, invert=invert,
                                       xlabel=xlabel)  # fmt: skip
    marks = [f"{HIGHLIGHT}:diamond" if lab in bold else None for lab in uniq]
    parts = [frame, _label_column(uniq, marks, top, list(rows.values()), label_width)]
    digits = _value_digits(c)
    for lab, y in rows.items():
        if not np.isfinite(c[[str(s) == lab for s in labels]]).any():
            parts.append(_svg.text(left + 6, y + 5, missing_label, extra=' font-style="italic"'))
    keys = []
    for k, name in enumerate(names or [None]):
        if name is not None:
            keys.append(Key(str(name), _group_colour(k), MARKERS[k % len(MARKERS)], None))
        offset = ((len(names) - 1) / 2 - k) * row * 0.7 / len(names) if names else 0.0
        for i, lab in enumerate(labels):
            if (name is not None and groups is not None and groups[i] != name) or not np.isfinite(
                    c[i]):  # fmt: skip
                continue
            colour = HIGHLIGHT if mark[i] else _group_colour(k)
            kind = "diamond" if mark[i] else MARKERS[k % len(MARKERS)]
            parts.append(
                _point(
                    scale,
                    rows[str(lab)] - offset,
                    c[i],
                    lo[i],
                    hi[i],
                    colour,
                    kind,
                    f"{lab}{'' if name is None else f' ({name})'}",
                    write,
                    digits,
                )
            )
    if mark.any():
        text = highlight_label or ", ".join(dict.fromkeys(str(lab) for lab in np.asarray(
            labels, dtype=object)[mark]))  # fmt: skip
        keys.insert(0, Key(text, HIGHLIGHT, "diamond", None))
    legend, height = _svg.legend(keys, below + 12, _WIDTH)
    return Drawing(_WIDTH, (height if keys else below) + 6, "".join(parts) + legend)


def _group_colour(k: int) -> str:
    return [*PALETTE, BEST, HIGHLIGHT, MEDIAN][k % (len(PALETTE) + 3)]


def _point(scale: Scale, y: float, c: float, lo: float, hi: float, colour: str, kind: str,
           name: str, write: NumberFormat, digits: int) -> str:  # fmt: skip
    """A point with its interval bar (capped) and its tooltip."""
    value = write(float(c), digits=digits)
    parts = []
    if np.isfinite(lo) and np.isfinite(hi) and hi > lo:
        a, b = scale(float(lo)), scale(float(hi))
        parts.append(f'<path d="M{a:.1f} {y:.1f}H{b:.1f}M{a:.1f} {y - 4:.1f}V{y + 4:.1f}'
                     f'M{b:.1f} {y - 4:.1f}V{y + 4:.1f}" stroke="{colour}" stroke-width="1.6"'
                     ' fill="none"/>')  # fmt: skip
        value += f" ({write(float(lo), digits=digits)} – {write(float(hi), digits=digits)})"
    tip = escape(_svg.clean(f"{name}: {value}"))
    shape = _svg.marker(kind, scale(float(c)), y, colour, r=4.5)
    return f"<g><title>{tip}</title>{''.join(parts)}{shape}</g>"


def radar_chart(
    labels: Sequence[str],
    scores: np.ndarray,
    *,
    previous: np.ndarray | None = None,
    label: str | None = None,
    previous_label: str | None = None,
) -> Drawing:
    """Scores on 0-100, one row per label, optionally beside a previous assessment.

    Drawn as a dot chart rather than a radar: positions on one common axis
    are read more exactly than along the spokes of a radar, and the change
    from the previous assessment is the distance between two marks on a
    row. The scores are blue circles, the previous assessment orange
    squares; the legend names them (``label``, ``previous_label``; default
    "1" and "2" only when there are two series).

    Examples
    --------
    >>> import numpy as np
    >>> fig = radar_chart(["Leadership", "Strategia", "Persone"], np.array([40.0, 55.0, 70.0]),
    ...                   previous=np.array([30.0, 50.0, 60.0]), label="2024",
    ...                   previous_label="2022")
    >>> "2024" in fig.body and "2022" in fig.body, fig.body.count("<circle")
    (True, 4)
    """
    now = np.asarray(scores, dtype=float)
    if previous is None:
        fig = interval_chart(labels, now, now, now, xlim=(0.0, 100.0))
        return fig if not label else interval_chart(
            labels, now, now, now, xlim=(0.0, 100.0), groups=[label] * len(now))  # fmt: skip
    before = np.asarray(previous, dtype=float)
    names = [label or "1", previous_label or "2"]
    return interval_chart(
        [*labels, *labels], np.concatenate([now, before]), np.concatenate([now, before]),
        np.concatenate([now, before]), groups=[names[0]] * len(now) + [names[1]] * len(before),
        xlim=(0.0, 100.0),
    )  # fmt: skip


def _overlaps(boxes: np.ndarray, others: np.ndarray) -> np.ndarray:
    """(m, k) True where box i of ``boxes`` and box j of ``others`` overlap.

    Boxes are rows ``(x0, y0, x1, y1)``.
    """
    if not len(others):
        return np.zeros((len(boxes), 0), dtype=bool)
    a = boxes[:, None, :]
    b = others[None, :, :]
    return (
        (a[..., 0] < b[..., 2])
        & (b[..., 0] < a[..., 2])
        & (a[..., 1] < b[..., 3])
        & (b[..., 1] < a[..., 3])
    )


def _place_labels(
    anchors: np.ndarray,
    sizes: np.ndarray,
    *,
    area: tuple[float, float, float, float],
    obstacles: np.ndarray,
    clearance: float,
) -> np.ndarray:
    """Label centres (pixels) near their anchors, no label touching another or an obstacle.

    Greedy candidate placement (the classic cartographic approach): for each
    label in turn, rings of candidate positions around its point, nearest
    ring first; the first candidate inside ``area`` that overlaps neither an
    obstacle (points, quadrant names) nor a placed label wins. Each label's
    candidates are tested against every box at once (vectorised); the loop
    runs over the labels (at most a few dozen items). Non-overlap holds by
    construction whenever a free candidate exists in the area.
    """
    angles = np.deg2rad([45, 0, 90, 135, 180, -45, -90, -135, 22.5, 67.5, 112.5, 157.5,
                         -22.5, -67.5, -112.5, -157.5])  # fmt: skip
    unit = np.column_stack([np.cos(angles), np.sin(angles)])
    x0, y0, x1, y1 = area
    rings = np.arange(0, 1 + int(max(x1 - x0, y1 - y0) / max(sizes[:, 1].min(), 1.0)))
    placed = np.empty((0, 4))
    centres = np.empty((len(anchors), 2))
    for i, ((px, py), (w, h)) in enumerate(zip(anchors, sizes, strict=True)):
        # distance from the point to the box edge along each direction, then the rings
        reach = clearance + np.minimum(
            np.abs(w / 2 / np.where(unit[:, 0] == 0, np.inf, unit[:, 0])),
            np.abs(h / 2 / np.where(unit[:, 1] == 0, np.inf, unit[:, 1])),
        )
        dist = reach[None, :] + rings[:, None] * h * 0.9
        cx = (px + dist * unit[:, 0]).ravel()
        cy = (py + dist * unit[:, 1]).ravel()
        boxes = np.column_stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2])
        inside = (
            (boxes[:, 0] >= x0) & (boxes[:, 1] >= y0) & (boxes[:, 2] <= x1) & (boxes[:, 3] <= y1)
        )
        clash = _overlaps(boxes, np.vstack([obstacles, placed])).any(axis=1)
        free = np.flatnonzero(inside & ~clash)
        k = free[0] if len(free) else int(np.argmin(clash + 2 * ~inside))
        centres[i] = cx[k], cy[k]
        placed = np.vstack([placed, boxes[k]])
    return centres


def ipa_chart(
    importance: np.ndarray,
    performance: np.ndarray,
    labels: Sequence[str],
    *,
    x_axis: float,
    y_axis: float,
    quadrant_names: Sequence[str],
    xlabel: str,
    ylabel: str,
    key: bool = True,
    key_title: str = "",
    number: NumberFormat | None = None,
) -> Drawing:
    """Importance (x) against performance (y) with the quadrant lines and names.

    ``quadrant_names``: top-left, top-right, bottom-left, bottom-right. Each
    quadrant has its colour and marker shape; its name, in bold behind its
    marker, sits in its corner of the plot, in a band kept free of points.
    With ``key`` (default) each point carries its number (the item's
    position in ``labels``, from 1) and a key beside the plot (below it when
    long), titled ``key_title``, lists the numbers and labels. With
    ``key=False`` the labels themselves are placed. Either way no label
    touches another label, a point or a quadrant name (greedy placement,
    :func:`_place_labels`); a label set away from its point is linked to it
    by a thin line. Points with a missing coordinate are left out (and out
    of the key); every point has its item and values as a tooltip.

    Examples
    --------
    >>> import numpy as np
    >>> fig = ipa_chart(np.array([80.0, 60.0]), np.array([50.0, 90.0]), ["Orari", "Sito web"],
    ...                 x_axis=70.0, y_axis=70.0, xlabel="Importanza", ylabel="Prestazione",
    ...                 quadrant_names=["Eccesso", "Mantenere", "Bassa priorità", "Concentrarsi"])
    >>> "Concentrarsi" in fig.body, "2. Sito web" in fig.body
    (True, True)
    """
    if not (np.isfinite(x_axis) and np.isfinite(y_axis)):
        raise ValueError(f"the quadrant lines need finite axes, not x={x_axis}, y={y_axis}")
    write = number or _plain
    x, y = np.asarray(importance, dtype=float), np.asarray(performance, dtype=float)
    ok = np.isfinite(x) & np.isfinite(y)
    idx = np.flatnonzero(ok).tolist()
    key_lines = [_svg.wrap(f"{i + 1}. {labels[i]}", 300) for i in idx] if key else []
    beside = key and sum(map(len, key_lines)) <= _KEY_BESIDE
    width = _WIDTH + 300 if beside else _WIDTH
    frame = _IpaFrame.fit(np.append(x[ok], x_axis), np.append(y[ok], y_axis), quadrant_names,
                          write, left_room=36.0)  # fmt: skip
    quadrant = np.where(y >= y_axis, np.where(x >= x_axis, 1, 0), np.where(x >= x_axis, 3, 2))
    parts = [frame.axes(xlabel, ylabel, write)]
    sx, sy = frame.sx, frame.sy
    parts.append(_svg.line(sx(x_axis), frame.top, sx(x_axis), frame.bottom, "#555555"))
    parts.append(_svg.line(frame.left, sy(y_axis), frame.right, sy(y_axis), "#555555"))
    parts.append(frame.names_svg)
    digits = _value_digits(_finite(x, y))
    for i in idx:
        colour, kind = _QUADRANT_STYLE[quadrant[i]]
        tip = escape(_svg.clean(f"{i + 1}. {labels[i]}: {xlabel} {write(x[i], digits=digits)},"
                                f" {ylabel} {write(y[i], digits=digits)}"))  # fmt: skip
        parts.append(f"<g><title>{tip}</title>"
                     f"{_svg.marker(kind, sx(x[i]), sy(y[i]), colour, r=_IPA_R)}</g>")  # fmt: skip
    texts = [str(i + 1) if key else str(labels[i]) for i in idx]
    parts.append(frame.labels(np.column_stack([[sx(v) for v in x[ok]], [sy(v) for v in y[ok]]]),
                              texts))  # fmt: skip
    height = frame.bottom + 64
    if key:
        key_svg, key_bottom = _ipa_key(key_lines, key_title, beside, frame.bottom + 64)
        parts.append(key_svg)
        height = max(height, key_bottom)
    return Drawing(width, height + 8, "".join(parts))


_IPA_R = 5.0  # marker radius (pixels)
_KEY_BESIDE = 26  # key lines that fit beside the plot; more go below, in two columns
_PLOT_HEIGHT = 400.0


def _ipa_key(lines: list[list[str]], title: str, beside: bool, below: float) -> tuple[str, float]:
    """The key of numbered items: beside the plot, or below it in two columns; its bottom."""
    x0, y = (_WIDTH + 10, 20.0) if beside else (12.0, below + 10)
    parts = [_svg.text(x0, y, title, extra=_BOLD)] if title else []
    y += 22
    half = len(lines) if beside else (len(lines) + 1) // 2
    columns = [lines[:half], lines[half:]]
    bottom = y
    for k, col in enumerate(columns):
        yy = y
        for item in col:
            for j, text in enumerate(item):
                parts.append(_svg.text(x0 + k * 350 + (18 if j else 0), yy, text, extra=_SMALL))
                yy += 16
        bottom = max(bottom, yy)
    return "".join(parts), bottom


@attrs.frozen
class _IpaFrame:
    """The IPA plot's area and scales, with bands at the top and bottom for the quadrant names."""

    left: float
    right: float
    top: float
    bottom: float
    sx: Scale
    sy: Scale
    names_svg: str
    name_boxes: np.ndarray

    @classmethod
    def fit(cls, xs: np.ndarray, ys: np.ndarray, quadrant_names: Sequence[str],
            write: NumberFormat, left_room: float) -> _IpaFrame:  # fmt: skip
        """Scales holding the points and the crossing, names in corner bands free of points.

        With the plot ``H`` pixels high, a band ``b`` pixels high at the top
        and at the bottom and the points spanning ``r`` data units, the
        data span shown is ``S = r H / (H - 2 b)``.
        """
        left, right, top = 60.0 + left_room, _WIDTH - 12, 10.0
        bottom = top + _PLOT_HEIGHT
        wrapped = [_svg.wrap(n, 190) for n in quadrant_names]
        band = max(len(w) for w in wrapped) * 16 + 8 + 2 * _IPA_R

        def spread(v: np.ndarray) -> float:
            r = float(np.ptp(v))
            return r if r > 0 else max(abs(float(v.mean())) * 0.1, 1.0)

        xr, yr = spread(xs), spread(ys)
        sx = Scale(xs.min() - 0.08 * xr, xs.max() + 0.08 * xr, left + _IPA_R, right - _IPA_R)
        span = yr * _PLOT_HEIGHT / max(_PLOT_HEIGHT - 2 * band, 0.2 * _PLOT_HEIGHT)
        mid = (ys.min() + ys.max()) / 2
        sy = Scale(mid - span / 2, mid + span / 2, bottom, top)
        parts, boxes = [], []
        corners = [(left + 6, top, "start"), (right - 6, top, "end"),
                   (left + 6, bottom - len(wrapped[2]) * 16 - 6, "start"),
                   (right - 6, bottom - len(wrapped[3]) * 16 - 6, "end")]  # fmt: skip
        for (cx, cy, anchor), lines, (colour, kind) in zip(corners, wrapped, _QUADRANT_STYLE,
                                                           strict=True):  # fmt: skip
            w = max(_svg.width_of(s) for s in lines) + 14
            x0 = cx if anchor == "start" else cx - w
            parts.append(_svg.marker(kind, x0 + 5, cy + 10, colour, r=4.5))
            parts += [_svg.text(x0 + 14, cy + 15 + 16 * j, s, extra=_QUADRANT)
                      for j, s in enumerate(lines)]  # fmt: skip
            boxes.append((x0, cy, x0 + w, cy + 16 * len(lines) + 4))
        return cls(left, right, top, bottom, sx, sy, "".join(parts), np.array(boxes))

    def axes(self, xlabel: str, ylabel: str, write: NumberFormat) -> str:
        """The grid, the tick labels and the axis titles."""
        xt = [v for v in nice_ticks(self.sx.low, self.sx.high) if self.sx.low <= v <= self.sx.high]
        yt = [v for v in nice_ticks(self.sy.low, self.sy.high) if self.sy.low <= v <= self.sy.high]
        mid_y = (self.top + self.bottom) / 2
        return (
            _svg.x_axis(self.sx, xt, tick_labels(xt, write), self.top, self.bottom)
            + _svg.y_axis(self.sy, yt, tick_labels(yt, write), self.left, self.right)
            + f'<rect x="{self.left:.1f}" y="{self.top:.1f}" width="{self.right - self.left:.1f}"'
            f' height="{self.bottom - self.top:.1f}" fill="none" stroke="{TEXT}"/>'
            + _svg.text((self.left + self.right) / 2, self.bottom + 42, xlabel, anchor="middle")
            + _svg.text(
                0,
                0,
                ylabel,
                anchor="middle",
                extra=f' transform="translate(18 {mid_y:.1f}) rotate(-90)"',
            )
        )

    def labels(self, anchors: np.ndarray, texts: list[str]) -> str:
        """Each point's label, clear of the points, the names and each other; far ones linked."""
        if not texts:
            return ""
        sizes = np.array([[len(t) * CHAR * 12 / 14 + 4, 15.0] for t in texts])
        r = _IPA_R + 1.5
        centres = _place_labels(
            anchors, sizes, area=(self.left, self.top, self.right, self.bottom),
            obstacles=np.vstack([np.column_stack([anchors - r, anchors + r]), self.name_boxes]),
            clearance=r,
        )  # fmt: skip
        far = np.hypot(*(centres - anchors).T) > 2.5 * r + 0.5 * sizes.max(axis=1)
        parts = []
        for text, (ax, ay), (cx, cy), line in zip(texts, anchors, centres, far, strict=True):
            if line:
                parts.append(_svg.line(ax, ay, cx, cy, "#777777", ' stroke-width="0.7"'))
            parts.append(_svg.text(cx, cy + 4.5, text, anchor="middle", extra=_LABEL))
        return "".join(parts)
