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
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

if TYPE_CHECKING:
    from markupsafe import Markup
    from matplotlib.figure import Figure

__all__ = [
    "ImageFormat",
    "bar_chart",
    "charts_available",
    "figure_img",
    "figure_svg",
    "interval_chart",
    "ipa_chart",
    "monthly_chart",
    "radar_chart",
    "trend_chart",
]

#: How charts are embedded in HTML: SVG (sharp when printed) or PNG.
ImageFormat = Literal["svg", "png"]

BEST = "#009E73"  # Okabe-Ito bluish green
HIGHLIGHT = "#D55E00"  # vermillion
OTHER = "#8FA9BC"
MEDIAN = "#000000"
TARGET = "#CC79A7"
#: Series colours (Okabe-Ito and Tol), without the best and highlight colours.
PALETTE = ["#0072B2", "#E69F00", "#56B4E9", "#CC79A7", "#882255", "#117733", "#332288",
           "#44AA99", "#999999", "#AA4499"]  # fmt: skip

_RC: Any = {
    "svg.hashsalt": "qualitapa",
    "svg.fonttype": "path",
    "text.usetex": False,
    "text.parse_math": False,
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 10,
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
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained", **kwargs)


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
) -> Figure:
    """Horizontal bars in the given order (first on top), best and highlighted coloured."""

    def build() -> Figure:
        n = len(labels)
        fig = _figure(7.0, 0.28 * n + 1.0)
        ax = fig.add_subplot()
        y = np.arange(n)[::-1]
        colours = np.where(best, BEST, np.where(highlight, HIGHLIGHT, OTHER))
        ax.barh(y, np.nan_to_num(values), color=list(colours), height=0.7)
        ax.set_yticks(y, labels=list(labels))
        if np.isfinite(median):
            ax.axvline(median, color=MEDIAN, linestyle="--", linewidth=1.2, label=median_label)
        if target is not None and np.isfinite(target):
            ax.axvline(target, color=TARGET, linestyle=":", linewidth=1.6, label=target_label)
        ax.set_xlabel(xlabel)
        fig.legend(loc="outside upper right", ncols=2, fontsize=8, frameon=False)
        ax.margins(y=0.01)
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
) -> Figure:
    """One line per organization across periods, the median in bold."""

    def build() -> Figure:
        fig = _figure(7.0, 3.0)
        ax = fig.add_subplot()
        x = np.arange(len(periods))
        coloured = len(series) <= len(PALETTE)
        for i, (name, values) in enumerate(series.items()):
            if name == highlight:
                continue
            colour = PALETTE[i % len(PALETTE)] if coloured else OTHER
            ax.plot(x, values, color=colour, linewidth=1.0, alpha=0.8,
                    label=name if coloured else None)  # fmt: skip
        if highlight is not None and highlight in series:
            ax.plot(x, series[highlight], color=HIGHLIGHT, linewidth=2.2, label=highlight)
        ax.plot(x, median, color=MEDIAN, linewidth=2.6, label=median_label)
        step = max(1, len(periods) // 12)
        ax.set_xticks(x[::step], labels=[str(p) for p in periods][::step])
        ax.set_ylabel(ylabel)
        ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=7, frameon=False)
        return fig

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
) -> Figure:
    """Points with horizontal interval bars, one row per label (first on top).

    ``groups`` (one per point) draws several points per label, offset and
    coloured by group with a legend.
    """

    def build() -> Figure:
        uniq = list(dict.fromkeys(labels))
        fig = _figure(7.0, 0.32 * len(uniq) * (1 + 0.15 * len(set(groups or []))) + 1.0)
        ax = fig.add_subplot()
        pos = {lab: len(uniq) - 1 - i for i, lab in enumerate(uniq)}
        base = np.array([pos[lab] for lab in labels], dtype=float)
        c = np.asarray(centre, dtype=float)
        lo, hi = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
        err = np.vstack([np.clip(c - lo, 0, None), np.clip(hi - c, 0, None)])
        err = np.nan_to_num(err)
        if groups is None:
            colours = (
                np.where(highlight, HIGHLIGHT, PALETTE[0]) if highlight is not None
                else np.full(len(c), PALETTE[0])
            )  # fmt: skip
            for colour in dict.fromkeys(colours):
                m = colours == colour
                ax.errorbar(c[m], base[m], xerr=err[:, m], fmt="o", color=colour,
                            ecolor=colour, capsize=3, markersize=5)  # fmt: skip
        else:
            names = list(dict.fromkeys(groups))
            g = np.asarray(groups)
            width = 0.7
            for i, name in enumerate(names):
                m = g == name
                offset = ((len(names) - 1) / 2 - i) * width / max(len(names), 1)
                ax.errorbar(c[m], base[m] + offset, xerr=err[:, m], fmt="o",
                            color=PALETTE[i % len(PALETTE)], capsize=2, markersize=4,
                            label=name)  # fmt: skip
            ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=7, frameon=False)
        ax.set_yticks(list(pos.values()), labels=list(pos.keys()))
        ax.set_xlabel(xlabel)
        if xlim is not None:
            ax.set_xlim(*xlim)
        if invert:
            ax.invert_xaxis()
        ax.grid(axis="x", alpha=0.3)
        return fig

    return _draw(build)


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
) -> Figure:
    """Importance (x) against performance (y) with the quadrant lines and names.

    ``quadrant_names``: top-left, top-right, bottom-left, bottom-right.
    """

    def build() -> Figure:
        fig = _figure(6.5, 5.0)
        ax = fig.add_subplot()
        x = np.asarray(importance, dtype=float)
        y = np.asarray(performance, dtype=float)
        low_perf_high_imp = (y < y_axis) & (x >= x_axis)
        colours = np.where(low_perf_high_imp, HIGHLIGHT, PALETTE[0])
        ax.scatter(x, y, c=list(colours), s=30, zorder=3)
        for xi, yi, lab in zip(x, y, labels, strict=True):
            if np.isfinite(xi) and np.isfinite(yi):
                ax.annotate(lab, (xi, yi), xytext=(4, 3), textcoords="offset points", fontsize=7)
        ax.axvline(x_axis, color="#555555", linewidth=0.8)
        ax.axhline(y_axis, color="#555555", linewidth=0.8)
        corners = [(0.02, 0.98, "left", "top"), (0.98, 0.98, "right", "top"),
                   (0.02, 0.02, "left", "bottom"), (0.98, 0.02, "right", "bottom")]  # fmt: skip
        for (cx, cy, ha, va), name in zip(corners, quadrant_names, strict=True):
            ax.text(cx, cy, name, transform=ax.transAxes, ha=ha, va=va, fontsize=8,
                    color="#555555", style="italic")  # fmt: skip
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.margins(0.15)
        return fig

    return _draw(build)


def monthly_chart(
    periods: Sequence[str],
    received: np.ndarray,
    answered: np.ndarray | None,
    *,
    received_label: str,
    answered_label: str,
) -> Figure:
    """Bars of received complaints per period, with answered as a line."""

    def build() -> Figure:
        fig = _figure(7.0, 2.8)
        ax = fig.add_subplot()
        x = np.arange(len(periods))
        ax.bar(x, received, color=OTHER, label=received_label)
        if answered is not None:
            ax.plot(x, answered, color=PALETTE[0], marker="o", markersize=3, label=answered_label)
        step = max(1, len(periods) // 12)
        ax.set_xticks(x[::step], labels=list(periods)[::step], rotation=45, ha="right")
        ax.legend(loc="upper left", fontsize=8, frameon=False)
        return fig

    return _draw(build)


def radar_chart(
    labels: Sequence[str], scores: np.ndarray, *, previous: np.ndarray | None = None
) -> Figure:
    """A radar (spider) chart of scores on 0-100, optionally over a previous assessment."""

    def build() -> Figure:
        fig = _figure(6.0, 5.2)
        ax: Any = fig.add_subplot(projection="polar")
        ax.set_theta_offset(np.pi / 2)
        ax.set_theta_direction(-1)
        n = len(labels)
        angles = np.linspace(0, 2 * np.pi, n, endpoint=False)
        closed = np.append(angles, angles[0])
        values = np.nan_to_num(np.asarray(scores, dtype=float))
        if previous is not None:
            prev = np.nan_to_num(np.asarray(previous, dtype=float))
            ax.plot(closed, np.append(prev, prev[0]), color=OTHER, linewidth=1.2)
        ax.plot(closed, np.append(values, values[0]), color=PALETTE[0], linewidth=1.8)
        ax.fill(closed, np.append(values, values[0]), color=PALETTE[0], alpha=0.2)
        wrapped = [textwrap.fill(str(label), 22) for label in labels]
        ax.set_xticks(angles, labels=wrapped, fontsize=7)
        ax.tick_params(axis="x", pad=10)
        ax.set_ylim(0, 100)
        ax.set_yticks([20, 40, 60, 80, 100], labels=["20", "40", "60", "80", "100"], fontsize=6)
        return fig

    return _draw(build)
