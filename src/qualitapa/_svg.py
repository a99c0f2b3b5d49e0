"""Drawing primitives for hand-written, accessible SVG charts (site and reports).

One toolkit, no matplotlib: the escaped text (:func:`text`, :func:`clean`),
the root element with its ``<title>`` and ``<desc>`` (:func:`root`),
round axis ticks (:func:`nice_ticks`, :func:`tick_digits`), value axes with
their grid (:func:`x_axis`, :func:`y_axis`), marker shapes (:func:`marker`),
a legend that wraps (:func:`legend`) and a finished :class:`Drawing`. Text
widths are estimated from the number of characters (:data:`CHAR` pixels
each at :data:`FONT` pixels), with a margin; the browser draws the text.
"""

from __future__ import annotations

import hashlib
import math
import re
import textwrap
from collections.abc import Callable, Sequence
from typing import Protocol

import attrs
from markupsafe import Markup, escape

#: Font size (pixels) of the charts' text, and the mean width of one of its characters.
FONT = 14
CHAR = 7.6
#: Text colour (12.6:1 on white).
TEXT = "#17324D"
#: Light grid lines (decoration only: the values are written as text).
GRID = "#C5D0DB"
MARKERS = ("circle", "square", "diamond", "triangle", "triangle-down", "cross", "plus", "bar")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "", "6 3", "2 3", "8 3 2 3")
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def clean(value: object) -> str:
    """Text for SVG: characters XML forbids removed, runs of white space made one space.

    Examples
    --------
    >>> clean("a\\x00b\\n  c")
    'ab c'
    """
    return " ".join(_INVALID_XML.sub("", str(value)).split())


def text(x: float, y: float, value: object, *, anchor: str = "start", extra: str = "") -> str:
    """A ``<text>`` element at ``x``, ``y`` (baseline), its content cleaned and escaped.

    Examples
    --------
    >>> text(1, 2, "<b>")
    '<text x="1.0" y="2.0" text-anchor="start">&lt;b&gt;</text>'
    """
    body = escape(clean(value))
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{extra}>{body}</text>'


def width_of(value: object) -> float:
    """The estimated width in pixels of ``value`` written at :data:`FONT` pixels.

    Examples
    --------
    >>> width_of("abcd")
    30.4
    """
    return len(clean(value)) * CHAR


def wrap(label: object, width: float) -> list[str]:
    """A label on as few lines as fit ``width`` pixels (long words are kept whole).

    Examples
    --------
    >>> wrap("Tempo medio di attesa allo sportello", 120)
    ['Tempo medio di', 'attesa allo', 'sportello']
    """
    chars = max(8, int(width / CHAR))
    return textwrap.wrap(clean(label), chars, break_long_words=False, break_on_hyphens=False) or [
        ""
    ]


def chart_id(*parts: object) -> str:
    """An id for a chart's elements, the same for the same chart.

    Examples
    --------
    >>> chart_id("bar", [1, 2]) == chart_id("bar", [1, 2]), chart_id("bar").startswith("ch")
    (True, True)
    """
    digest = hashlib.sha256("\0".join(map(str, parts)).encode("utf-8"))
    return "ch" + digest.hexdigest()[:10]


def root(
    ident: str,
    width: float,
    height: float,
    title: str,
    desc: str,
    body: str,
    *,
    css_class: str = "qp-chart",
) -> Markup:
    """The ``<svg>`` element: ``role="img"`` labelled by its ``<title>`` and ``<desc>``.

    The width is responsive (``width="100%"``, the natural width as the
    maximum); ``title`` and ``desc`` are cleaned and escaped.

    Examples
    --------
    >>> svg = root("ch1", 100, 50, "A <b>", "Desc", "")
    >>> svg.startswith('<svg role="img" aria-labelledby="ch1-title ch1-desc"'), "A &lt;b&gt;" in svg
    (True, True)
    """
    head = (
        f'<svg role="img" aria-labelledby="{ident}-title {ident}-desc" id="{ident}"'
        f' class="{css_class}" width="100%" viewBox="0 0 {width:.0f} {height:.0f}"'
        f' style="max-width: {width:.0f}px; height: auto"'
        f' font-family="inherit" font-size="{FONT}" fill="{TEXT}"'
        ' xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{ident}-title">{escape(clean(title))}</title>'
        f'<desc id="{ident}-desc">{escape(clean(desc))}</desc>'
    )
    return Markup(head + body + "</svg>")


@attrs.frozen
class Drawing:
    """A chart drawn but not yet labelled: its size and its SVG body.

    :meth:`svg` adds the title and the text alternative, which the caller
    writes (a report section knows what the chart means).

    Examples
    --------
    >>> Drawing(100, 50, "<g/>").svg(title="T", description="D").count("<g/>")
    1
    """

    width: float
    height: float
    body: str

    def svg(self, *, title: str, description: str, id_prefix: str | None = None) -> Markup:
        """The accessible ``<svg>`` element (ids from ``id_prefix``, else a hash of it all)."""
        if id_prefix is None:
            id_prefix = chart_id(title, description, self.body)
        elif not re.fullmatch(r"[A-Za-z][\w-]*", id_prefix):
            raise ValueError(f"id_prefix must be letters, digits, '_' or '-', not {id_prefix!r}")
        return root(id_prefix, self.width, self.height, title, description, self.body,
                    css_class="chart")  # fmt: skip


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering ``low``..``high`` (steps of 1, 2, 2.5 or 5 times a power of ten).

    Equal bounds are widened so that a flat series still gets an axis.

    Examples
    --------
    >>> nice_ticks(0.3, 9.2)
    [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]
    >>> nice_ticks(-12, 30)
    [-20.0, -10.0, 0.0, 10.0, 20.0, 30.0]
    >>> nice_ticks(5, 5)
    [4.0, 4.5, 5.0, 5.5, 6.0]
    """
    if high < low:
        low, high = high, low
    if high - low <= max(abs(low), abs(high)) * 1e-12 or high - low < 1e-300:  # flat
        pad = abs(low) * 0.2 or 1.0
        low, high = low - pad, high + pad
    raw = (high - low) / max(count, 1)
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    start = math.floor(low / step + 1e-9) * step
    ticks = []
    k = 0
    while True:
        tick = start + k * step
        ticks.append(float(f"{tick:.12g}") + 0.0)  # 0.30000000000000004 -> 0.3
        if tick >= high - 1e-9 * step:
            break
        k += 1
    return ticks


def tick_digits(ticks: Sequence[float]) -> int:
    """The fewest decimals that write every tick exactly (``2,5`` needs one, ``20`` none).

    Examples
    --------
    >>> tick_digits([0.0, 0.2, 0.4]), tick_digits([0, 500, 1000]), tick_digits([0.25, 0.5])
    (1, 0, 2)
    """
    step = abs(ticks[1] - ticks[0]) if len(ticks) > 1 else 1.0
    step = step or 1.0
    return next(
        (d for d in range(30) if all(abs(round(v, d) - v) <= step * 1e-6 for v in ticks)), 2
    )


@attrs.frozen
class Scale:
    """A linear map from data values (``low``..``high``) to pixels (``start``..``end``).

    Examples
    --------
    >>> Scale(0, 10, 100, 200)(5), Scale(0, 10, 200, 100)(10)
    (150.0, 100.0)
    """

    low: float
    high: float
    start: float
    end: float

    def __call__(self, value: float) -> float:
        """The pixel of ``value``."""
        span = (self.high - self.low) or 1.0
        return self.start + (float(value) - self.low) / span * (self.end - self.start)


def line(x1: float, y1: float, x2: float, y2: float, colour: str, extra: str = "") -> str:
    """A ``<line>`` (``extra``: more attributes, e.g. a dash).

    Examples
    --------
    >>> line(0, 0, 1, 1, "#000")
    '<line x1="0.0" y1="0.0" x2="1.0" y2="1.0" stroke="#000"/>'
    """
    return (
        f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}"{extra}/>'
    )


def x_axis(
    scale: Callable[[float], float],
    ticks: Sequence[float],
    labels: Sequence[str],
    top: float,
    bottom: float,
) -> str:
    """Vertical grid lines at ``ticks`` from ``top`` to ``bottom``, their labels below.

    Examples
    --------
    >>> x_axis(Scale(0, 1, 0, 100), [0, 1], ["0", "1"], 0, 50).count("<text")
    2
    """
    parts = [line(scale(v), top, scale(v), bottom, GRID) for v in ticks]
    for v, s in zip(ticks, labels, strict=True):
        parts.append(text(scale(v), bottom + 18, s, anchor="middle"))
    return "".join(parts)


def y_axis(
    scale: Callable[[float], float],
    ticks: Sequence[float],
    labels: Sequence[str],
    left: float,
    right: float,
) -> str:
    """Horizontal grid lines at ``ticks`` from ``left`` to ``right``, their labels on the left.

    The line at zero, if any, is dark (the baseline).

    Examples
    --------
    >>> y_axis(Scale(0, 1, 100, 0), [0, 1], ["0", "1"], 40, 200).count(TEXT)
    1
    """
    parts = []
    for v, s in zip(ticks, labels, strict=True):
        parts.append(line(left, scale(v), right, scale(v), TEXT if v == 0 else GRID))
        parts.append(text(left - 6, scale(v) + 5, s, anchor="end"))
    return "".join(parts)


class NumberWriter(Protocol):
    """Writes a number with ``digits`` decimals (e.g. :meth:`qualitapa.i18n.Translator.number`)."""

    def __call__(self, value: float, digits: int) -> str:
        """``value`` as text."""
        ...


def tick_labels(ticks: Sequence[float], number: NumberWriter) -> list[str]:
    """The ticks written by ``number`` (e.g. in the reader's locale) with the decimals they need.

    Examples
    --------
    >>> tick_labels([0.0, 0.5, 1.0], lambda v, digits: f"{v:.{digits}f}".replace(".", ","))
    ['0,0', '0,5', '1,0']
    """
    digits = tick_digits(ticks)
    return [str(number(0.0 if v == 0 else float(v), digits=digits)) for v in ticks]


def marker(kind: str, x: float, y: float, colour: str, r: float = 4.5, extra: str = "") -> str:
    """A marker shape centred on ``x``, ``y``: circle, square, diamond, triangle...

    Shapes tell series apart without colour.

    Examples
    --------
    >>> marker("circle", 1, 2, "#000")
    '<circle cx="1.0" cy="2.0" r="4.5" fill="#000"/>'
    """
    if kind == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="{colour}"{extra}/>'
    if kind == "square":
        side = 2 * r
        corner = f'x="{x - r:.1f}" y="{y - r:.1f}"'
        return f'<rect {corner} width="{side}" height="{side}" fill="{colour}"{extra}/>'
    shapes = {
        "diamond": [(0, -1.3), (1.3, 0), (0, 1.3), (-1.3, 0)],
        "triangle": [(0, -1.3), (1.2, 1), (-1.2, 1)],
        "triangle-down": [(0, 1.3), (1.2, -1), (-1.2, -1)],
    }
    if kind in shapes:
        pts = " ".join(f"{x + dx * r:.1f},{y + dy * r:.1f}" for dx, dy in shapes[kind])
        return f'<polygon points="{pts}" fill="{colour}"{extra}/>'
    if kind == "cross":
        a, b, c, e = x - r, x + r, y - r, y + r
        d = f"M{a:.1f} {c:.1f}L{b:.1f} {e:.1f}M{a:.1f} {e:.1f}L{b:.1f} {c:.1f}"
    elif kind == "plus":
        d = f"M{x - r:.1f} {y:.1f}H{x + r:.1f}M{x:.1f} {y - r:.1f}V{y + r:.1f}"
    else:  # a vertical bar
        d = f"M{x:.1f} {y - r - 1:.1f}V{y + r + 1:.1f}"
    return f'<path d="{d}" stroke="{colour}" stroke-width="2.5" fill="none"/>'


@attrs.frozen
class Key:
    """One legend entry: a name, its colour, and how it is drawn.

    ``marker`` (a :func:`marker` kind) and ``dash`` (``None``: no line; ``""``:
    a solid line; else an SVG dash array) draw a series; ``box`` a filled
    square (a bar).
    """

    name: str
    colour: str
    marker: str | None = None
    dash: str | None = ""
    box: bool = False
    width: float = 2.5


def legend(keys: Sequence[Key], top: float, width: float, left: float = 12.0) -> tuple[str, float]:
    """The legend from ``top`` down, entries wrapping at ``width``: its SVG and its bottom.

    Examples
    --------
    >>> svg, bottom = legend([Key("Trento", "#0072B2", "circle")], 100, 600)
    >>> "Trento" in svg, bottom
    (True, 118)
    """
    parts = []
    x, y = left, top
    for key in keys:
        size = 44 + width_of(key.name) + 20
        if x + size > width and x > left:
            x, y = left, y + 24
        if key.box:
            parts.append(f'<rect x="{x + 8:.1f}" y="{y - 7:.1f}" width="16" height="14"'
                         f' fill="{key.colour}"/>')  # fmt: skip
        if key.dash is not None:
            dash = f' stroke-dasharray="{key.dash}"' if key.dash else ""
            parts.append(f'<path d="M{x:.1f} {y:.1f}H{x + 32:.1f}" stroke="{key.colour}"'
                         f' stroke-width="{key.width}"{dash}/>')  # fmt: skip
        if key.marker is not None:
            parts.append(marker(key.marker, x + 16, y, key.colour))
        parts.append(text(x + 40, y + 5, key.name))
        x += size
    return "".join(parts), y + 18


def series(
    points: Sequence[tuple[float, float] | None],
    tips: Sequence[str],
    *,
    colour: str,
    kind: str,
    dash: str = "",
    width: float = 2.5,
    r: float = 4.5,
) -> str:
    """One series: its line through ``points`` (pixels; None breaks it) and a marker on each.

    Each marker carries its tooltip (``tips``, one per point; a ``<title>``).

    Examples
    --------
    >>> svg = series([(0, 0), None, (10, 5), (20, 5)], ["a", "", "b", "c"], colour="#000",
    ...              kind="square")
    >>> svg.count("<rect"), svg.count("M"), "<title>b</title>" in svg
    (3, 1, True)
    """
    segments: list[list[tuple[float, float]]] = [[]]
    for p in points:
        if p is None:
            segments.append([])
        else:
            segments[-1].append(p)
    d = "".join(
        "M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in seg) for seg in segments if len(seg) > 1
    )
    parts = ["<g>"]
    if d:
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<path d="{d}" stroke="{colour}" stroke-width="{width}" fill="none"{dash_attr}/>'
        )
    for p, tip in zip(points, tips, strict=True):
        if p is not None:
            shape = marker(kind, p[0], p[1], colour, r)
            parts.append(f"<g><title>{escape(clean(tip))}</title>{shape}</g>")
    parts.append("</g>")
    return "".join(parts)
