"""Charts for the reports, drawn with matplotlib (extra ``plot``).

Figures are built with :class:`matplotlib.figure.Figure` directly (no
pyplot: no global state, no GUI backend). :func:`figure_svg` embeds a
figure as inline, accessible SVG (``role="img"`` with a ``<title>`` and a
``<desc>``; text stays text; ids prefixed per chart so several charts share
a page); :func:`figure_img` as an ``<img>`` with a ``data:`` URI (SVG or
PNG). Matplotlib escapes the text it writes into SVG, so text from the data
(city names) stays text.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import re
import textwrap
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

if TYPE_CHECKING:
    from markupsafe import Markup
    from matplotlib.figure import Figure

#: How charts are embedded in HTML: SVG (sharp when printed) or PNG.
ImageFormat = Literal["svg", "png"]

#: Writes a number in the reader's locale: ``number(0.2, digits=1)`` gives ``"0,2"``
#: in Italian and German (:meth:`qualitapa.i18n.Translator.number`). The charts use
#: it for their tick labels; without it matplotlib writes ``0.2``.
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
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]
#: IPA quadrants (top-left, top-right, bottom-left, bottom-right): colour, marker.
_QUADRANT_STYLE = [
    (OKABE_ITO["blue"], "s"),
    (OKABE_ITO["bluish_green"], "o"),
    (OKABE_ITO["reddish_purple"], "D"),
    (OKABE_ITO["vermillion"], "^"),
]

_RC: Any = {
    "svg.hashsalt": "qualitapa",
    "svg.fonttype": "path",
    "text.usetex": False,
    "text.parse_math": False,
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.fontsize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def charts_available() -> bool:
    """True when matplotlib can be imported."""
    try:
        import matplotlib  # noqa: F401
        from matplotlib.figure import Figure  # noqa: F401
    except ImportError:
        return False
    return True


def _figure(width: float, height: float, **kwargs: Any) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained", **kwargs)
    FigureCanvasAgg(fig)  # a renderer to measure text (fig.canvas.get_renderer())
    return fig


def figure_img(fig: Figure, alt: str, *, fmt: ImageFormat = "svg") -> str:
    """An ``<img>`` element embedding ``fig`` as base64 SVG or PNG (``alt`` is escaped)."""
    import matplotlib

    buf = io.BytesIO()
    with matplotlib.rc_context(_RC):
        if fmt == "svg":
            fig.savefig(buf, format="svg", metadata={"Date": None}, bbox_inches="tight")
            mime = "image/svg+xml"
        elif fmt == "png":
            fig.savefig(
                buf, format="png", dpi=110, metadata={"Software": None}, bbox_inches="tight"
            )
            mime = "image/png"
        else:
            raise ValueError(f"image format must be 'svg' or 'png', not {fmt!r}")
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return f'<img class="chart" alt="{html.escape(alt)}" src="data:{mime};base64,{data}">'


#: Settings for inline SVG: text as <text> (searchable, read by screen readers,
#: escaped by matplotlib) and a fixed salt (same figure, same bytes).
_SVG_RC: Any = {"svg.fonttype": "none", "svg.hashsalt": "qualitapa"}
_SVG_META = {"Date": None, "Creator": None, "Format": None, "Type": None}
_SVG_ROOT = re.compile(r"<svg\b[^>]*>")
_GLOBAL_STYLE = re.compile(r"\s*<defs>\s*<style[^>]*>\*\{([^}]*)\}</style>\s*</defs>")
_ID_REF = re.compile(r'(\bid="|\bhref="#|url\(#)([^"\)]+)')


def figure_svg(
    fig: Figure, *, title: str, description: str, id_prefix: str | None = None
) -> Markup:
    """Inline, accessible SVG of ``fig`` for an HTML page.

    The ``<svg>`` has ``role="img"`` and is labelled by its first children,
    ``<title>`` and ``<desc>`` (both escaped). Text is kept as SVG text
    (escaped by matplotlib). Every id of the drawing (clip paths, markers,
    groups) is prefixed with ``id_prefix``, by default a hash of the
    drawing, title and description, so several charts on one page share no
    id. The width is responsive: the ``viewBox`` is kept, ``width="100%"``
    and the natural width is the maximum. No XML declaration, no doctype,
    no page-wide ``<style>`` (matplotlib's rule moves to the root element).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure, e.g. from :func:`bar_chart`.
    title : str
        Short name of the chart (plain text).
    description : str
        Text alternative: what the chart shows (plain text).
    id_prefix : str, optional
        Prefix of the ids; give distinct ones to draw the same figure with
        the same title twice on one page.

    Returns
    -------
    markupsafe.Markup
        The ``<svg>`` element, safe to insert in a Jinja2 template.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> fig = Figure(figsize=(3, 2))
    >>> _ = fig.add_subplot().plot([2023, 2024], [1.0, 2.0], marker="o")
    >>> svg = figure_svg(fig, title="Attesa <min>", description="Da 1 a 2 minuti.")
    >>> svg.startswith('<svg role="img"')
    True
    >>> "<title id=" in svg and "Attesa &lt;min&gt;</title>" in svg
    True
    """
    import matplotlib
    from markupsafe import Markup, escape

    buf = io.BytesIO()
    with matplotlib.rc_context(_SVG_RC):
        fig.savefig(buf, format="svg", metadata=_SVG_META, bbox_inches="tight")
    text = buf.getvalue().decode("utf-8")
    root = _SVG_ROOT.search(text)
    if root is None:  # pragma: no cover - matplotlib always writes one
        raise RuntimeError("matplotlib wrote no <svg> element")
    body = text[root.end() :]
    if id_prefix is None:
        digest = hashlib.sha256()
        for part in (title, description, body):
            digest.update(part.encode("utf-8"))
            digest.update(b"\0")
        id_prefix = "qc" + digest.hexdigest()[:10]
    elif not re.fullmatch(r"[A-Za-z][\w-]*", id_prefix):
        raise ValueError(f"id_prefix must be letters, digits, '_' or '-', not {id_prefix!r}")
    style = ""
    if (rule := _GLOBAL_STYLE.match(body)) is not None:
        body = body[rule.end() :]
        style = rule.group(1).strip().rstrip(";") + "; "
    body = _ID_REF.sub(lambda m: f"{m.group(1)}{id_prefix}-{m.group(2)}", body)
    attrs = dict(re.findall(r'([\w:]+)="([^"]*)"', root.group(0)))
    width = attrs.get("width", "").removesuffix("pt")
    max_width = f"max-width: {width}pt; " if width else ""
    head = (
        f'<svg role="img" aria-labelledby="{id_prefix}-title {id_prefix}-desc"'
        f' id="{id_prefix}" class="chart" width="100%" viewBox="{attrs.get("viewBox", "")}"'
        f' style="{max_width}height: auto; {style}"'
        ' xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
        ' version="1.1">'
        f'<title id="{id_prefix}-title">{escape(title)}</title>'
        f'<desc id="{id_prefix}-desc">{escape(description)}</desc>'
    )
    return Markup(head + body.strip())


def _draw(build: Any, *args: Any, **kwargs: Any) -> Figure:
    import matplotlib

    with matplotlib.rc_context(_RC):
        fig: Figure = build(*args, **kwargs)
    return fig


def _layout(fig: Figure) -> Any:
    """Run the layout now and return the renderer (to measure text in pixels)."""
    engine = fig.get_layout_engine()
    if engine is not None:
        engine.execute(fig)
    return fig.canvas.get_renderer()  # type: ignore[attr-defined]


def _period_axes(height: float, periods: Sequence[Any]) -> tuple[Figure, Any, np.ndarray]:
    """A chart over periods: a figure 7 inches wide, its axes, and the x of each period."""
    fig = _figure(7.0, height)
    return fig, fig.add_subplot(), np.arange(len(periods))


def _finish_periods(
    fig: Figure, ax: Any, handles: list[Any], periods: Sequence[Any], number: NumberFormat | None
) -> Figure:
    """Finish a chart over periods: values in the reader's locale, grid, legend, period ticks."""
    _locale_ticks(number, ax.yaxis)
    ax.grid(axis="y", alpha=0.3)
    _legend(fig, handles)
    _period_ticks(fig, ax, periods)
    return fig


def _period_ticks(fig: Figure, ax: Any, periods: Sequence[Any]) -> None:
    """One tick per period, thinned or turned 45° so no two labels touch.

    Horizontal when every label fits; else turned, and every ``step``-th
    label kept (the last period always), the smallest step whose labels
    clear each other.
    """
    n = len(periods)
    x = np.arange(n)
    labels = [str(p) for p in periods]
    if n == 0:
        return
    ax.set_xticks(x, labels=labels)
    ax.set_xlim(-0.5, n - 0.5)
    renderer = _layout(fig)
    boxes = [t.get_window_extent(renderer) for t in ax.get_xticklabels()]
    width = max(b.width for b in boxes)
    height = max(b.height for b in boxes)
    spacing = ax.get_window_extent(renderer).width / n  # pixels between ticks
    gap = 0.6 * height
    flat = int(np.ceil((width + gap) / spacing))
    turned = int(np.ceil((height + gap) / (spacing * np.sin(np.pi / 4))))
    step = max(1, min(flat, turned))
    keep = x[::-1][::step][::-1]  # from the last period backwards
    ax.set_xticks(keep, labels=[labels[i] for i in keep])
    if flat > 1 and turned < flat:
        ax.tick_params(axis="x", labelrotation=45)
        for t in ax.get_xticklabels():
            t.set_horizontalalignment("right")
            t.set_rotation_mode("anchor")


def _legend(fig: Figure, handles: Sequence[Any]) -> None:
    """The figure's legend below the plot, read row by row (long names need the width).

    Matplotlib fills a legend column by column, the first columns taking
    the extra rows; the handles are reordered so that the rows read in the
    given order.
    """
    n = len(handles)
    if not n:
        return
    ncols = min(n, 4)
    rows, extra = divmod(n, ncols)
    per_col = [rows + 1] * extra + [rows] * (ncols - extra)
    order = [r * ncols + c for c in range(ncols) for r in range(per_col[c])]
    fig.legend(
        handles=[handles[i] for i in order],
        loc="outside lower center",
        ncols=ncols,
        frameon=False,
        handlelength=2.4,
    )


def _emphasise(ticks: Sequence[Any], mask: Any) -> None:
    """The highlighted organizations' tick labels in bold and in the highlight colour."""
    for tick, on in zip(ticks, mask, strict=True):
        if on:
            tick.set_fontweight("bold")
            tick.set_color(HIGHLIGHT)


def tick_digits(locs: Sequence[float]) -> int:
    """The fewest decimals (at most 6) that write every tick location exactly.

    Examples
    --------
    >>> tick_digits([0.0, 0.2, 0.4]), tick_digits([0, 500, 1000]), tick_digits([0.25, 0.5])
    (1, 0, 2)
    """
    values = np.asarray([v for v in locs if np.isfinite(v)], dtype=float)
    for digits in range(6):
        if np.allclose(np.round(values, digits), values, rtol=0, atol=1e-9 * max(
                1.0, float(np.abs(values).max(initial=0.0)))):  # fmt: skip
            return digits
    return 6


def _locale_ticks(number: NumberFormat | None, *axes: Any) -> None:
    """Tick labels of ``axes`` (x or y axis objects) written by ``number``.

    The decimals are those the axis's ticks need (:func:`tick_digits`): ticks
    at 0, 0.2, 0.4 read ``0,0``, ``0,2``, ``0,4`` in Italian (matplotlib
    would write ``0.2``); thousands are grouped as the locale groups them.
    """
    if number is None:
        return
    from matplotlib.ticker import Formatter

    write: NumberFormat = number

    class LocaleFormatter(Formatter):
        digits: int | None = None  # of the ticks being formatted (format_ticks)

        def format_ticks(self, values: Any) -> list[str]:
            self.digits = tick_digits(values)
            return [self(value, i) for i, value in enumerate(values)]

        def __call__(self, x: float, pos: int | None = None) -> str:
            digits = tick_digits([x]) if self.digits is None else self.digits
            return str(write(0.0 if x == 0 else float(x), digits=digits))

    for axis in axes:
        axis.set_major_formatter(LocaleFormatter())


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
    number: NumberFormat | None = None,
) -> Figure:
    """Horizontal bars in the given order (first on top), best and highlighted coloured.

    The highlighted organization's bar is vermillion with its name in bold,
    the best's bluish green (a highlighted best bar: vermillion with a green
    edge), the others grey; the legend names both (``highlight_label``,
    ``best_label``; default: their names) and the median and target lines.
    ``number`` writes the value axis's ticks in the reader's locale
    (:data:`NumberFormat`).

    Examples
    --------
    >>> import numpy as np
    >>> fig = bar_chart(["Trento", "Bolzano"], np.array([4.0, 6.0]), best=np.array([True, False]),
    ...                 highlight=np.array([False, True]), median=5.0, median_label="mediana")
    >>> [t.get_text() for t in fig.legends[0].get_texts()]
    ['Bolzano', 'Trento', 'mediana']
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    def build() -> Figure:
        n = len(labels)
        fig = _figure(7.0, 0.3 * n + 1.4)
        ax = fig.add_subplot()
        y = np.arange(n)[::-1]
        hi = np.asarray(highlight, dtype=bool)
        be = np.asarray(best, dtype=bool)
        colours = np.where(hi, HIGHLIGHT, np.where(be, BEST, OTHER_BAR))
        edges = np.where(hi & be, BEST, colours)
        bars = ax.barh(y, np.nan_to_num(values), color=list(colours), height=0.7)
        for bar, edge, both in zip(bars, edges, hi & be, strict=True):
            bar.set_edgecolor(edge)
            bar.set_linewidth(2.5 if both else 0.0)
        ax.set_yticks(y, labels=list(labels))
        _emphasise(ax.get_yticklabels(), hi)
        names = np.asarray(labels, dtype=object)
        handles: list[Any] = []
        if hi.any():
            text = highlight_label or ", ".join(map(str, names[hi]))
            handles.append(Patch(color=HIGHLIGHT, label=text))
        if be.any():
            text = best_label or ", ".join(map(str, names[be]))
            handles.append(Patch(color=BEST, label=text))
        if np.isfinite(median):
            ax.axvline(median, color=MEDIAN, linestyle="--", linewidth=1.4)
            handles.append(Line2D([], [], color=MEDIAN, linestyle="--", label=median_label))
        if target is not None and np.isfinite(target):
            ax.axvline(target, color=TARGET, linestyle=":", linewidth=2.0)
            handles.append(Line2D([], [], color=TARGET, linestyle=":", lw=2, label=target_label))
        ax.set_xlabel(xlabel)
        _locale_ticks(number, ax.xaxis)
        ax.grid(axis="x", alpha=0.3)
        ax.margins(y=0.01)
        _legend(fig, handles)
        return fig

    return _draw(build)


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
) -> Figure:
    """One line per organization across periods, with markers (single points show).

    The highlighted organization (``highlight``, a key of ``series``) is a
    thick vermillion line, the ``best`` a bluish-green dashed line, the
    median black; the others thin light-grey lines. The legend names the
    highlighted one (``highlight_label``, default its name), the best
    (``best_label``, default its name), the median and, with
    ``others_label``, the others. With neither highlight nor best and at
    most five organizations, each has its own colour and marker in the
    legend. Period labels never run together (thinned or turned).

    With one organization no median is drawn (the median of one is that
    organization) and the legend says so with ``alone_label``. ``number``
    writes the value axis's ticks in the reader's locale (:data:`NumberFormat`).

    Examples
    --------
    >>> import numpy as np
    >>> s = {"Trento": np.array([3.0, 4.0]), "Bolzano": np.array([5.0, np.nan])}
    >>> fig = trend_chart([2023, 2024], s, median=np.array([4.0, 4.0]), highlight="Bolzano",
    ...                   highlight_label="Bolzano (ente evidenziato)", median_label="mediana")
    >>> [t.get_text() for t in fig.legends[0].get_texts()]
    ['Bolzano (ente evidenziato)', 'mediana']
    >>> fig = trend_chart([2023, 2024], {"Bolzano": np.array([5.0, 6.0])}, median=np.array([5.0, 6.0]),
    ...                   alone_label="un solo ente: nessuna mediana")
    >>> [t.get_text() for t in fig.legends[0].get_texts()]
    ['Bolzano', 'un solo ente: nessuna mediana']
    """  # noqa: E501

    def build() -> Figure:
        from matplotlib.lines import Line2D

        fig, ax, x = _period_axes(3.6, periods)
        named = {n for n in (highlight, best) if n is not None and n in series}
        own_colours = not named and len(series) <= len(PALETTE)
        handles: list[Any] = []
        grey = False
        for i, (name, values) in enumerate(series.items()):
            if name in named:
                continue
            if own_colours:
                (line,) = ax.plot(x, values, color=PALETTE[i], marker=MARKERS[i], markersize=5,
                                  linewidth=1.6, label=str(name))  # fmt: skip
                handles.append(line)
            else:
                ax.plot(x, values, color=OTHER, marker="o", markersize=3, linewidth=0.9)
                grey = True
        if grey and others_label:
            handles.append(Line2D([], [], color=OTHER, marker="o", markersize=3, linewidth=0.9,
                                  label=others_label))  # fmt: skip
        if len(series) > 1:
            (line,) = ax.plot(x, median, color=MEDIAN, marker="s", markersize=5, linewidth=2.0,
                              label=median_label, zorder=4)  # fmt: skip
            handles.append(line)
        elif alone_label:
            handles.append(Line2D([], [], linestyle="none", label=alone_label))
        if best is not None and best in series and best != highlight:
            (line,) = ax.plot(x, series[best], color=BEST, marker="^", markersize=6,
                              linewidth=1.8, linestyle="--", label=best_label or str(best),
                              zorder=5)  # fmt: skip
            handles.insert(0, line)
        if highlight is not None and highlight in series:
            (line,) = ax.plot(x, series[highlight], color=HIGHLIGHT, marker="o", markersize=7,
                              linewidth=2.8, label=highlight_label or str(highlight),
                              zorder=6)  # fmt: skip
            handles.insert(0, line)
        ax.set_ylabel(ylabel)
        return _finish_periods(fig, ax, handles, periods, number)

    return _draw(build)


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
    number: NumberFormat | None = None,
) -> Figure:
    """Points with horizontal interval bars, one row per label (first on top).

    ``groups`` (one per point) draws several points per label, offset,
    coloured and shaped by group with a legend. Without groups, the
    ``highlight`` rows are vermillion with their label in bold and named
    in the legend (``highlight_label``, default their labels).

    Examples
    --------
    >>> import numpy as np
    >>> fig = interval_chart(["Trento", "Bolzano"], np.array([60.0, 70.0]), np.array([55.0, 64.0]),
    ...                      np.array([65.0, 76.0]), highlight=np.array([False, True]))
    >>> [t.get_text() for t in fig.legends[0].get_texts()]
    ['Bolzano']
    """

    def build() -> Figure:
        from matplotlib.lines import Line2D

        uniq = list(dict.fromkeys(labels))
        n_groups = len(set(groups or []))
        fig = _figure(7.0, 0.34 * len(uniq) * (1 + 0.15 * n_groups) + 1.5)
        ax = fig.add_subplot()
        pos = {lab: len(uniq) - 1 - i for i, lab in enumerate(uniq)}
        base = np.array([pos[lab] for lab in labels], dtype=float)
        c = np.asarray(centre, dtype=float)
        lo, hi = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
        err = np.vstack([np.clip(c - lo, 0, None), np.clip(hi - c, 0, None)])
        err = np.nan_to_num(err)
        handles: list[Any] = []
        ax.set_yticks(list(pos.values()), labels=list(pos.keys()))
        if groups is None:
            mark = (
                np.zeros(len(c), dtype=bool) if highlight is None
                else np.asarray(highlight, dtype=bool)
            )  # fmt: skip
            for m, colour, marker in ((~mark, PALETTE[0], "o"), (mark, HIGHLIGHT, "D")):
                if m.any():
                    ax.errorbar(c[m], base[m], xerr=err[:, m], fmt=marker, color=colour,
                                ecolor=colour, capsize=3, markersize=6)  # fmt: skip
            if mark.any():
                named = np.asarray(labels, dtype=object)[mark]
                text = highlight_label or ", ".join(dict.fromkeys(map(str, named)))
                handles.append(Line2D([], [], color=HIGHLIGHT, marker="D", label=text))
                ticks = ax.get_yticklabels()
                _emphasise(ticks, [t.get_text() in set(map(str, named)) for t in ticks])
        else:
            names = list(dict.fromkeys(groups))
            g = np.asarray(groups)
            width = 0.7
            for i, name in enumerate(names):
                m = g == name
                offset = ((len(names) - 1) / 2 - i) * width / max(len(names), 1)
                colour = [*PALETTE, BEST, HIGHLIGHT, MEDIAN][i % (len(PALETTE) + 3)]
                container = ax.errorbar(c[m], base[m] + offset, xerr=err[:, m],
                                        fmt=MARKERS[i % len(MARKERS)], color=colour,
                                        capsize=2, markersize=5, label=name)  # fmt: skip
                handles.append(container)
        ax.set_xlabel(xlabel)
        _locale_ticks(number, ax.xaxis)
        if xlim is not None:
            ax.set_xlim(*xlim)
        if invert:
            ax.invert_xaxis()
        ax.grid(axis="x", alpha=0.3)
        _legend(fig, handles)
        return fig

    return _draw(build)


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
) -> Figure:
    """Importance (x) against performance (y) with the quadrant lines and names.

    ``quadrant_names``: top-left, top-right, bottom-left, bottom-right. Each
    quadrant has its colour and marker; its name, in the same colour, sits
    in its corner of the plot, in a band kept free of points. With ``key``
    (default) each point carries its number (the item's position in
    ``labels``, from 1) and a key beside the plot, titled ``key_title``,
    lists the numbers and labels: long questions stay readable however many
    there are, and the numbers are short enough to fit between close
    points. With ``key=False`` the labels themselves are placed. Either way
    no label touches another label, a point or a quadrant name (greedy
    placement, :func:`_place_labels`); a label set away from its point is
    linked to it by a thin line. Points with a missing coordinate are left
    out (and out of the key).

    Examples
    --------
    >>> import numpy as np
    >>> fig = ipa_chart(np.array([80.0, 60.0]), np.array([50.0, 90.0]), ["Orari", "Sito web"],
    ...                 x_axis=70.0, y_axis=70.0, xlabel="Importanza", ylabel="Prestazione",
    ...                 quadrant_names=["Eccesso", "Mantenere", "Bassa priorità", "Concentrarsi"])
    >>> sorted(t.get_text() for t in fig.axes[0].texts if t.get_label() == "_ipa_label")
    ['1', '2']
    """

    if not (np.isfinite(x_axis) and np.isfinite(y_axis)):
        raise ValueError(f"the quadrant lines need finite axes, not x={x_axis}, y={y_axis}")

    def build() -> Figure:
        x = np.asarray(importance, dtype=float)
        y = np.asarray(performance, dtype=float)
        ok = np.isfinite(x) & np.isfinite(y)
        idx = np.flatnonzero(ok).tolist()
        lines = [textwrap.fill(f"{i + 1}. {labels[i]}", 44, subsequent_indent="     ")
                 for i in idx] if key else []  # fmt: skip
        if key:
            fig, ax = _ipa_with_key(lines, key_title)
        else:
            fig = _figure(7.0, 5.2)
            ax = fig.add_subplot()
        quadrant = np.where(y >= y_axis, np.where(x >= x_axis, 1, 0), np.where(x >= x_axis, 3, 2))
        for q, (colour, marker) in enumerate(_QUADRANT_STYLE):
            m = ok & (quadrant == q)
            if m.any():
                ax.scatter(x[m], y[m], c=colour, marker=marker, s=_IPA_MARKER, zorder=3,
                           edgecolors="white", linewidths=0.6)  # fmt: skip
        ax.axvline(x_axis, color="#555555", linewidth=0.9)
        ax.axhline(y_axis, color="#555555", linewidth=0.9)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        _locale_ticks(number, ax.xaxis, ax.yaxis)
        names = _quadrant_names(ax, quadrant_names)
        _ipa_limits(fig, ax, np.append(x[ok], x_axis), np.append(y[ok], y_axis), names)
        texts = [str(i + 1) if key else textwrap.fill(str(labels[i]), 22) for i in idx]
        _ipa_labels(fig, ax, x[ok], y[ok], texts, names, fontsize=8.5 if key else 8.0)
        return fig

    return _draw(build)


_IPA_MARKER = 42.0  # marker area (points squared)
_KEY_BESIDE = 26  # key lines that fit beside the plot; more go below, in two columns


def _ipa_with_key(lines: list[str], title: str) -> tuple[Figure, Any]:
    """A figure with the plot and the key of numbered items (beside it, or below if long)."""
    n_lines = sum(line.count("\n") + 1 for line in lines)
    style = {"va": "top", "ha": "left", "fontsize": 8.5, "linespacing": 1.45}
    if n_lines <= _KEY_BESIDE:
        fig = _figure(9.5, 5.2)
        ax, ax_key = fig.subplots(1, 2, width_ratios=[1.55, 1])
        columns = [lines]
    else:
        half = (len(lines) + 1) // 2
        columns = [lines[:half], lines[half:]]
        rows = max(sum(line.count("\n") + 1 for line in col) for col in columns)
        key_height = 0.18 * rows + 0.5
        fig = _figure(9.5, 5.2 + key_height)
        ax, ax_key = fig.subplots(2, 1, height_ratios=[5.2, key_height])
    ax_key.set_axis_off()
    ax_key.set_title(title, loc="left", fontsize=10)
    for i, col in enumerate(columns):
        ax_key.text(0.5 * i, 1, "\n".join(col), transform=ax_key.transAxes, **style)
    return fig, ax


def _quadrant_names(ax: Any, quadrant_names: Sequence[str]) -> list[Any]:
    """The quadrant names in the plot's corners, each in its quadrant's colour."""
    corners = [(0.01, 0.99, "left", "top"), (0.99, 0.99, "right", "top"),
               (0.01, 0.01, "left", "bottom"), (0.99, 0.01, "right", "bottom")]  # fmt: skip
    return [
        ax.text(cx, cy, textwrap.fill(str(name), 24), transform=ax.transAxes, ha=ha, va=va,
                fontsize=9, color=colour, fontweight="bold", in_layout=False)
        for (cx, cy, ha, va), name, (colour, _m) in zip(
            corners, quadrant_names, _QUADRANT_STYLE, strict=True
        )
    ]  # fmt: skip


def _ipa_limits(fig: Figure, ax: Any, xs: np.ndarray, ys: np.ndarray, names: list[Any]) -> None:
    """Limits around the points and the crossing, with bands free of points for the names.

    The bands at the top and bottom are as high as the tallest name plus a
    marker and a margin: with the axes ``height`` pixels high and the
    points spanning ``r`` data units, the span ``S`` solves
    ``r / S = (height - 2 band) / height``.
    """

    def spread(v: np.ndarray) -> float:
        r = float(np.ptp(v))
        return r if r > 0 else max(abs(float(v.mean())) * 0.1, 1.0)

    xr = spread(xs)
    ax.set_xlim(xs.min() - 0.08 * xr, xs.max() + 0.08 * xr)
    renderer = _layout(fig)
    height = ax.get_window_extent(renderer).height
    marker = np.sqrt(_IPA_MARKER) * fig.dpi / 72
    band = max(t.get_window_extent(renderer).height for t in names) + 0.01 * height + marker + 6
    yr = spread(ys)
    span = yr * height / max(height - 2 * band, 0.2 * height)
    mid = (ys.min() + ys.max()) / 2
    ax.set_ylim(mid - span / 2, mid + span / 2)


def _ipa_labels(
    fig: Figure,
    ax: Any,
    x: np.ndarray,
    y: np.ndarray,
    texts: list[str],
    names: list[Any],
    *,
    fontsize: float,
) -> None:
    """Annotate each point, labels placed clear of the points, the names and each other."""
    if not texts:
        return
    renderer = _layout(fig)
    trans = ax.transData
    anchors = trans.transform(np.column_stack([x, y]))
    style = {"ha": "center", "va": "center", "fontsize": fontsize}
    probes = [ax.text(0, 0, t, **style) for t in texts]
    sizes = np.array([[b.width + 2.0, b.height + 1.0] for b in
                      (p.get_window_extent(renderer) for p in probes)])  # fmt: skip
    for p in probes:
        p.remove()
    r = np.sqrt(_IPA_MARKER) / 2 * fig.dpi / 72 + 1.5  # marker radius in pixels
    centres = _place_labels(
        anchors,
        sizes,
        area=tuple(ax.get_window_extent(renderer).extents),
        obstacles=np.vstack(
            [
                np.column_stack([anchors - r, anchors + r]),
                np.array([t.get_window_extent(renderer).extents for t in names]),
            ]
        ),
        clearance=r,
    )
    far = np.hypot(*(centres - anchors).T) > 2.5 * r + 0.5 * sizes.max(axis=1)
    leader = {"arrowstyle": "-", "color": "#777777", "lw": 0.6, "shrinkA": 0, "shrinkB": 4}
    for text, xy, anchor, centre, line in zip(
        texts, zip(x, y, strict=True), anchors, centres, far, strict=True
    ):
        ax.annotate(text, xy, xytext=tuple((centre - anchor) * 72 / fig.dpi),
                    textcoords="offset points", arrowprops=leader if line else None,
                    annotation_clip=False, in_layout=False, zorder=5, label="_ipa_label",
                    **style)  # fmt: skip


def monthly_chart(
    periods: Sequence[str],
    received: np.ndarray,
    answered: np.ndarray | None,
    *,
    received_label: str,
    answered_label: str,
    number: NumberFormat | None = None,
) -> Figure:
    """Bars of received complaints per period, with answered as a line with markers.

    Examples
    --------
    >>> import numpy as np
    >>> fig = monthly_chart(["2024-01", "2024-02"], np.array([5, 3]), np.array([4, 3]),
    ...                     received_label="ricevuti", answered_label="con risposta")
    >>> [t.get_text() for t in fig.legends[0].get_texts()]
    ['ricevuti', 'con risposta']
    """

    from matplotlib.ticker import MaxNLocator

    def build() -> Figure:
        fig, ax, x = _period_axes(3.2, periods)
        handles: list[Any] = [
            ax.bar(x, received, color=OKABE_ITO["sky_blue"], label=received_label)
        ]
        if answered is not None:
            (line,) = ax.plot(x, answered, color=OKABE_ITO["black"], marker="o", markersize=5,
                              linewidth=1.6, label=answered_label)  # fmt: skip
            handles.append(line)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts
        return _finish_periods(fig, ax, handles, periods, number)

    return _draw(build)


def radar_chart(
    labels: Sequence[str],
    scores: np.ndarray,
    *,
    previous: np.ndarray | None = None,
    label: str | None = None,
    previous_label: str | None = None,
) -> Figure:
    """A radar (spider) chart of scores on 0-100, optionally over a previous assessment.

    The scores are a blue line with round markers, the previous assessment
    an orange dashed line with square markers; with ``label`` and
    ``previous_label`` a legend names them.

    Examples
    --------
    >>> import numpy as np
    >>> fig = radar_chart(["Leadership", "Strategia", "Persone"], np.array([40.0, 55.0, 70.0]),
    ...                   previous=np.array([30.0, 50.0, 60.0]), label="2024",
    ...                   previous_label="2022")
    >>> [t.get_text() for t in fig.legends[0].get_texts()]
    ['2024', '2022']
    """

    def build() -> Figure:
        fig = _figure(6.5, 5.8)
        ax: Any = fig.add_subplot(projection="polar")
        ax.set_theta_offset(np.pi / 2)
        ax.set_theta_direction(-1)
        n = len(labels)
        angles = np.linspace(0, 2 * np.pi, n, endpoint=False)
        closed = np.append(angles, angles[0])
        values = np.nan_to_num(np.asarray(scores, dtype=float))
        handles = []
        (line,) = ax.plot(closed, np.append(values, values[0]), color=PALETTE[0], linewidth=2.0,
                          marker="o", markersize=6, label=label or "", zorder=4)  # fmt: skip
        handles.append(line)
        ax.fill(closed, np.append(values, values[0]), color=PALETTE[0], alpha=0.15)
        if previous is not None:
            prev = np.nan_to_num(np.asarray(previous, dtype=float))
            (line,) = ax.plot(closed, np.append(prev, prev[0]), color=PALETTE[1], linewidth=1.5,
                              linestyle="--", marker="s", markersize=5,
                              label=previous_label or "", zorder=3)  # fmt: skip
            handles.append(line)
        wrapped = [textwrap.fill(str(lab), 22) for lab in labels]
        ax.set_xticks(angles, labels=wrapped, fontsize=8.5)
        ax.tick_params(axis="x", pad=12)
        ax.set_ylim(0, 100)
        ax.set_yticks([20, 40, 60, 80, 100], labels=["20", "40", "60", "80", "100"], fontsize=7)
        if label or previous_label:
            _legend(fig, [h for h in handles if h.get_label()])
        return fig

    return _draw(build)
