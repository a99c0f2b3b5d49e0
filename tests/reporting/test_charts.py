"""The report charts: inline accessible SVG, escaping, palette, markers, legends, IPA labels."""

from __future__ import annotations

import functools
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("matplotlib")

from matplotlib.colors import to_hex
from matplotlib.text import Text

from qualitapa.reporting import _charts as charts

SVG = "{http://www.w3.org/2000/svg}"
CITIES = ["Trento", "Milano", "Torino", "Genova", "Venezia", "Bergamo", "Bolzano", "Modena"]
QUADRANTS = ["Possibile eccesso", "Mantenere il buon lavoro", "Bassa priorità", "Concentrarsi qui"]
# Okabe & Ito (2008), https://jfly.uni-koeln.de/color/ (table "Color Universal Design"):
# the eight colours written out here, not read from the module under test
OKABE_ITO = {"#000000", "#e69f00", "#56b4e9", "#009e73", "#f0e442", "#0072b2", "#d55e00",
             "#cc79a7"}  # fmt: skip


def _trend(names=CITIES, highlight="Bolzano", periods=(2021, 2022, 2023, 2024), **kwargs):
    rng = np.random.default_rng(7)
    series = {n: rng.normal(10, 2, len(periods)) for n in names}
    median = np.median(np.vstack(list(series.values())), axis=0)
    return charts.trend_chart(list(periods), series, median=median, highlight=highlight, **kwargs)


def _bars(labels=CITIES, **kwargs):
    n = len(labels)
    return charts.bar_chart(labels, np.arange(1.0, n + 1), best=np.arange(n) == 0,
                            highlight=np.arange(n) == n - 2, median=n / 2, target=2.0,
                            **kwargs)  # fmt: skip


def _ipa(x, y, labels=None, **kwargs):
    labels = labels or [f"Domanda {i + 1}" for i in range(len(x))]
    return charts.ipa_chart(np.asarray(x, float), np.asarray(y, float), labels,
                            x_axis=float(np.nanmean(x)), y_axis=float(np.nanmean(y)),
                            quadrant_names=QUADRANTS, xlabel="Importanza",
                            ylabel="Prestazione", **kwargs)  # fmt: skip


@functools.cache
def _all_charts():
    """Every chart once (rendering is the slow part; the tests only read them)."""
    rng = np.random.default_rng(1)
    return {
        "trend": _trend(best="Trento", others_label="altri"),
        "trend_few": _trend(names=CITIES[:4], highlight=None),
        "bar": _bars(),
        "interval": charts.interval_chart(
            CITIES,
            np.arange(8.0),
            np.arange(8.0) - 1,
            np.arange(8.0) + 1,
            highlight=np.arange(8) == 6,
        ),
        "interval_groups": charts.interval_chart(
            CITIES[:2] * 3,
            np.arange(6.0),
            np.arange(6.0) - 1,
            np.arange(6.0) + 1,
            groups=["a", "a", "b", "b", "c", "c"],
        ),
        "ipa": _ipa(rng.uniform(0, 1, 12), rng.uniform(50, 90, 12)),
        "monthly": charts.monthly_chart(
            [f"2024-{m:02d}" for m in range(1, 13)],
            rng.integers(0, 9, 12),
            rng.integers(0, 9, 12),
            received_label="ricevuti",
            answered_label="risposte",
        ),
        "radar": charts.radar_chart(
            ["a", "b", "c", "d"],
            rng.uniform(0, 100, 4),
            previous=rng.uniform(0, 100, 4),
            label="2024",
            previous_label="2023",
        ),
    }


def _ids(root: ET.Element) -> list[str]:
    return [e.attrib["id"] for e in root.iter() if "id" in e.attrib]


def _legend_texts(fig) -> list[str]:
    return [t.get_text() for legend in fig.legends for t in legend.get_texts()]


def _boxes(texts, renderer) -> np.ndarray:
    """The texts' boxes in pixels: the text alone (an Annotation's extent adds its leader line)."""
    return np.array([Text.get_window_extent(t, renderer).extents for t in texts]).reshape(-1, 4)


def _overlapping(a: np.ndarray, b: np.ndarray | None = None) -> list[tuple[int, int]]:
    """Pairs of boxes (x0, y0, x1, y1) that overlap (within a box set when b is None)."""
    same = b is None
    b = a if same else b
    hit = (
        (a[:, None, 0] < b[None, :, 2]) & (b[None, :, 0] < a[:, None, 2])
        & (a[:, None, 1] < b[None, :, 3]) & (b[None, :, 1] < a[:, None, 3])
    )  # fmt: skip
    if same:
        hit = np.triu(hit, 1)
    return list(zip(*np.nonzero(hit), strict=True))


# --- figure_svg ---------------------------------------------------------------------------


def test_figure_svg_is_accessible_inline_svg():
    svg = charts.figure_svg(_trend(), title="Attesa <media>", description="Minuti & secondi")
    assert not svg.startswith("<?xml")
    assert "<!DOCTYPE" not in svg
    root = ET.fromstring(str(svg))
    assert root.tag == f"{SVG}svg"
    assert root.attrib["role"] == "img"
    first, second = list(root)[:2]
    assert first.tag == f"{SVG}title"
    assert first.text == "Attesa <media>"
    assert second.tag == f"{SVG}desc"
    assert second.text == "Minuti & secondi"
    assert root.attrib["aria-labelledby"].split() == [first.attrib["id"], second.attrib["id"]]
    # responsive: the viewBox is kept, the width follows the page
    assert len(root.attrib["viewBox"].split()) == 4
    assert root.attrib["width"] == "100%"
    assert "height" not in root.attrib
    # no page-wide CSS rule (matplotlib's "*{...}" would restyle the whole report)
    assert root.find(f".//{SVG}style") is None
    # text stays text: the highlighted city's name is a <text> element
    texts = {"".join(t.itertext()) for t in root.iter(f"{SVG}text")}
    assert "Bolzano" in texts


def _assert_ids_unique_and_own(svgs, at_least):
    page = ET.fromstring(f"<body xmlns='http://www.w3.org/1999/xhtml'>{''.join(svgs)}</body>")
    ids = _ids(page)
    assert len(ids) > at_least
    assert len(ids) == len(set(ids))
    # every reference points to an id of its own chart
    for svg in page.iter(f"{SVG}svg"):
        own = set(_ids(svg))
        refs = re.findall(r'url\(#([^)]+)\)|href="#([^"]+)"', ET.tostring(svg, encoding="unicode"))
        assert refs
        assert {a or b for a, b in refs} <= own


@pytest.mark.slow  # every chart serialised to SVG, one drawn again
def test_charts_on_one_page_share_no_id():
    svgs = [charts.figure_svg(fig, title=name, description=name)
            for name, fig in _all_charts().items()]  # fmt: skip
    # the same drawing again under another title
    svgs.append(charts.figure_svg(_trend(best="Trento", others_label="altri"), title="x",
                                  description="x"))  # fmt: skip
    _assert_ids_unique_and_own(svgs, at_least=100)


def test_two_charts_on_one_page_share_no_id():
    # the quick twin of the test above: two charts, and the first one again
    figs = [_all_charts()["trend"], _all_charts()["bar"], _all_charts()["trend"]]
    svgs = [charts.figure_svg(fig, title=str(i), description="") for i, fig in enumerate(figs)]
    _assert_ids_unique_and_own(svgs, at_least=20)


def test_figure_svg_same_chart_twice_with_prefixes():
    fig = _trend()
    a = charts.figure_svg(fig, title="A", description="a", id_prefix="one")
    b = charts.figure_svg(fig, title="A", description="a", id_prefix="two")
    ids = _ids(ET.fromstring(f"<body>{a}{b}</body>"))
    assert len(ids) == len(set(ids))
    with pytest.raises(ValueError, match="id_prefix"):
        charts.figure_svg(fig, title="A", description="a", id_prefix='x" onload="')


def test_figure_svg_is_deterministic():
    assert charts.figure_svg(_trend(), title="A", description="a") == charts.figure_svg(
        _trend(), title="A", description="a"
    )


def test_text_from_data_is_escaped():
    names = ["<script>alert(1)</script>", "Trento & Rovereto", 'Bol"zano', "Merano"]
    svg = charts.figure_svg(_bars(names), title="<b>x</b>", description="</desc><script>")
    assert "<script" not in svg
    assert "<b>" not in svg
    root = ET.fromstring(str(svg))
    assert root.find(f".//{SVG}script") is None
    texts = {"".join(t.itertext()) for t in root.iter(f"{SVG}text")}
    assert {"<script>alert(1)</script>", "Trento & Rovereto", 'Bol"zano'} <= texts
    assert root.find(f"{SVG}desc").text == "</desc><script>"


def test_figure_img_still_works():
    img = charts.figure_img(_trend(), 'a "quoted" alt')
    assert img.startswith('<img class="chart" alt="a &quot;quoted&quot; alt" src="data:image/svg')
    assert charts.figure_img(_trend(), "x", fmt="png").count("image/png") == 1


# --- palette, markers, legends ------------------------------------------------------------


def _colours(fig) -> set[str]:
    """Every stroke and fill colour drawn in the figure's axes (legends excluded)."""
    out: set[str] = set()
    for ax in fig.axes:
        for line in ax.lines:
            out |= {to_hex(line.get_color()), to_hex(line.get_markerfacecolor())}
        for patch in ax.patches:
            if patch.get_fill():
                out.add(to_hex(patch.get_facecolor()))
        for coll in ax.collections:
            out |= {to_hex(c) for c in coll.get_facecolor()}
            out |= {to_hex(c) for c in coll.get_edgecolor()}
        for text in ax.texts:
            out.add(to_hex(text.get_color()))
    return out


@pytest.mark.parametrize("name", list(_all_charts()))
def test_categorical_colours_are_okabe_ito(name):
    fig = _all_charts()[name]
    colours = _colours(fig)
    greys = {c for c in colours if c[1:3] == c[3:5] == c[5:7]}  # neutral: not a category
    assert colours - greys <= OKABE_ITO, colours - greys - OKABE_ITO
    assert colours - greys  # something is coloured


@pytest.mark.parametrize("name", ["trend", "trend_few", "monthly", "radar"])
def test_every_line_has_markers(name):
    fig = _all_charts()[name]
    lines = [line for ax in fig.axes for line in ax.lines if len(line.get_xdata()) > 0]
    assert lines
    for line in lines:
        assert line.get_marker() not in ("None", "", " ", None)
        assert line.get_markersize() >= 3


def test_a_single_point_is_drawn_with_a_marker_and_shows_in_the_svg():
    series = {"Trento": np.array([np.nan, 4.0, np.nan]), "Bolzano": np.array([1.0, 2.0, 3.0])}
    fig = charts.trend_chart([2022, 2023, 2024], series, median=np.array([1.0, 3.0, 3.0]),
                             highlight="Trento")  # fmt: skip
    line = next(ln for ln in fig.axes[0].lines if ln.get_label() == "Trento")
    assert line.get_marker() == "o"
    svg = ET.fromstring(str(charts.figure_svg(fig, title="t", description="d")))
    # the marker of the lone point: a <use> of a marker path (matplotlib draws one per point)
    assert len(svg.findall(f".//{SVG}use")) >= 3 + 3 + 1


def test_trend_names_highlight_best_median_and_others():
    fig = _trend(best="Trento", others_label="altri enti", median_label="mediana",
                 highlight_label="Bolzano (evidenziato)")  # fmt: skip
    assert _legend_texts(fig) == ["Bolzano (evidenziato)", "Trento", "altri enti", "mediana"]
    lines = {ln.get_label(): ln for ln in fig.axes[0].lines}
    assert to_hex(lines["Bolzano (evidenziato)"].get_color()) == "#d55e00"
    assert to_hex(lines["Trento"].get_color()) == "#009e73"
    assert to_hex(lines["mediana"].get_color()) == "#000000"
    others = [ln for ln in fig.axes[0].lines if ln.get_label().startswith("_")]
    assert len(others) == 6
    assert {to_hex(ln.get_color()) for ln in others} == {charts.OTHER.lower()}
    widths = {ln.get_linewidth() for ln in others}
    assert max(widths) < lines["Bolzano (evidenziato)"].get_linewidth()
    # the default label is the organization's name
    assert _legend_texts(_trend())[0] == "Bolzano"


def test_trend_of_a_few_organizations_names_each():
    fig = _trend(names=CITIES[:4], highlight=None, median_label="mediana")
    assert sorted(_legend_texts(fig)) == sorted([*CITIES[:4], "mediana"])
    markers = [ln.get_marker() for ln in fig.axes[0].lines if ln.get_label() in CITIES]
    assert len(set(markers)) == 4


def test_legend_reads_row_by_row():
    fig = _trend(names=list("abcde"), highlight=None, median_label="m")
    legend = fig.legends[0]
    # six entries in four columns: matplotlib fills columns first, so the handles are
    # reordered; rows then read a b c d / e m
    texts = [t.get_text() for t in legend.get_texts()]
    assert texts == ["a", "e", "b", "m", "c", "d"]


def test_bar_chart_names_highlight_and_best_in_legend():
    fig = _bars(best_label="Migliore: Trento", median_label="mediana", target_label="obiettivo")
    assert _legend_texts(fig) == ["Bolzano", "Migliore: Trento", "mediana", "obiettivo"]
    bold = [t.get_text() for t in fig.axes[0].get_yticklabels() if t.get_fontweight() == "bold"]
    assert bold == ["Bolzano"]
    fig = _bars(highlight_label="Bolzano (ente evidenziato)")
    assert _legend_texts(fig)[0] == "Bolzano (ente evidenziato)"


def test_interval_chart_names_highlight():
    fig = _all_charts()["interval"]
    assert _legend_texts(fig) == ["Bolzano"]
    groups = _all_charts()["interval_groups"]
    assert _legend_texts(groups) == ["a", "b", "c"]


def test_radar_legend_only_with_labels():
    assert _legend_texts(_all_charts()["radar"]) == ["2024", "2023"]
    assert charts.radar_chart(["a", "b", "c"], np.array([1.0, 2.0, 3.0])).legends == []


# --- period ticks -------------------------------------------------------------------------


def _assert_ticks_clear(fig, periods):
    ax = fig.axes[0]
    renderer = fig.canvas.get_renderer()
    ticks = [t for t in ax.get_xticklabels() if t.get_text()]
    shown = [t.get_text() for t in ticks]
    assert shown, "no period labelled"
    assert set(shown) <= {str(p) for p in periods}  # whole periods, no 2021.5
    assert shown[-1] == str(periods[-1])  # the latest period is always labelled
    rotation = ticks[0].get_rotation()
    if rotation == 0:
        assert _overlapping(_boxes(ticks, renderer)) == []
    else:  # turned labels are parallel strips: their baselines must be a line height apart
        probe = ax.text(0, 0, shown[0], fontsize=ticks[0].get_fontsize())
        height = probe.get_window_extent(renderer).height
        probe.remove()
        x = np.array([ax.transData.transform((t.get_position()[0], 0))[0] for t in ticks])
        assert np.diff(x).min() * np.sin(np.deg2rad(rotation)) >= height


# one, a dozen (flat) and forty (turned) periods in the quick loop; the rest when slow
@pytest.mark.parametrize("n", [1, *(pytest.param(n, marks=pytest.mark.slow) for n in (2, 5)),
                               12, pytest.param(25, marks=pytest.mark.slow), 40])  # fmt: skip
def test_year_ticks_never_run_together(n):
    periods = list(range(2025 - n, 2025))
    series = {c: np.arange(n, dtype=float) for c in CITIES[:3]}
    fig = charts.trend_chart(periods, series, median=np.arange(n, dtype=float))
    fig.draw_without_rendering()
    _assert_ticks_clear(fig, periods)


@pytest.mark.parametrize("n", [pytest.param(6, marks=pytest.mark.slow), 24, 36])
def test_month_ticks_never_run_together(n):
    periods = [f"{2022 + m // 12}-{m % 12 + 1:02d}" for m in range(n)]
    fig = charts.monthly_chart(periods, np.ones(n), None, received_label="r", answered_label="a")
    fig.draw_without_rendering()
    _assert_ticks_clear(fig, periods)


# --- IPA ----------------------------------------------------------------------------------


def _ipa_clear(fig) -> None:
    """Labels overlap no other label, no point, no quadrant name, and stay in the plot."""
    ax = fig.axes[0]
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    labels = [t for t in ax.texts if t.get_label() == "_ipa_label"]
    names = [t for t in ax.texts if t.get_text() and t.get_label() != "_ipa_label"]
    assert len(names) == 4
    lab = _boxes(labels, renderer)
    assert _overlapping(lab) == []
    assert _overlapping(lab, _boxes(names, renderer)) == []
    points = np.vstack([c.get_offsets() for c in ax.collections]).reshape(-1, 2)
    px = ax.transData.transform(points)
    r = np.sqrt(42) / 2 * fig.dpi / 72  # the marker's radius in pixels
    marks = np.column_stack([px - r, px + r])
    assert _overlapping(lab, marks) == []
    # quadrant names sit in bands free of points
    assert _overlapping(_boxes(names, renderer), marks) == []
    frame = ax.get_window_extent(renderer).extents
    assert (lab[:, :2] >= frame[:2] - 0.5).all()
    assert (lab[:, 2:] <= frame[2:] + 0.5).all()


def test_ipa_labels_numbered_with_a_key_and_clear_of_each_other():
    rng = np.random.default_rng(0)
    x, y = rng.normal(0.5, 0.05, 13), rng.normal(75, 3, 13)
    x[4], y[4] = x[3], y[3]  # two points on top of each other
    labels = [f"Domanda numero {i + 1} sul servizio" for i in range(13)]
    fig = _ipa(x, y, labels, key_title="Domande")
    _ipa_clear(fig)
    numbers = sorted(int(t.get_text()) for t in fig.axes[0].texts if t.get_label() == "_ipa_label")
    assert numbers == list(range(1, 14))
    key = "\n".join(t.get_text() for t in fig.axes[1].texts)
    assert "1. Domanda numero 1 sul servizio" in key
    assert "13. Domanda numero 13" in key.replace("\n     ", " ")


def test_ipa_labels_as_text_clear_of_each_other():
    x = np.array([0.3, 0.31, 0.32, 0.6, 0.45])
    y = np.array([70.0, 70.2, 69.9, 80.0, 75.0])
    fig = _ipa(x, y, ["Orari", "Sede", "Prenotazione", "Attesa", "Cortesia"], key=False)
    _ipa_clear(fig)
    assert {t.get_text() for t in fig.axes[0].texts if t.get_label() == "_ipa_label"} == {
        "Orari", "Sede", "Prenotazione", "Attesa", "Cortesia"
    }  # fmt: skip


def test_ipa_leaves_out_missing_points_and_keeps_numbers():
    fig = _ipa([0.2, np.nan, 0.5], [70.0, 80.0, 75.0], ["a", "b", "c"])
    numbers = [t.get_text() for t in fig.axes[0].texts if t.get_label() == "_ipa_label"]
    assert numbers == ["1", "3"]
    assert "b" not in fig.axes[1].texts[-1].get_text()


def test_ipa_forty_points_on_one_spot():
    fig = _ipa(np.full(40, 0.5), np.full(40, 70.0))
    _ipa_clear(fig)


@pytest.mark.slow  # renders up to 40 points per example
@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from([0.1, 0.5, 0.52, 0.9]) | st.floats(0, 1),
                  st.sampled_from([60.0, 60.5, 90.0]) | st.floats(50, 100)),
        min_size=1,
        max_size=40,
    )
)  # fmt: skip
def test_ipa_any_points_render_with_clear_labels(points):
    x, y = np.array(points).T
    _ipa_clear(_ipa(x, y))


def test_place_labels_never_overlaps_when_room_exists():
    anchors = np.zeros((10, 2)) + 50.0
    sizes = np.full((10, 2), 8.0)
    centres = charts._place_labels(anchors, sizes, area=(0.0, 0.0, 200.0, 200.0),
                                   obstacles=np.empty((0, 4)), clearance=2.0)  # fmt: skip
    boxes = np.column_stack([centres - 4.0, centres + 4.0])
    assert _overlapping(boxes) == []
    # nearest ring first: the first label sits next to its point
    assert np.hypot(*(centres[0] - 50.0)) < 12


def _tick_texts(fig, axis="x"):
    fig.canvas.draw()
    ax = fig.axes[0]
    ticks = ax.get_xticklabels() if axis == "x" else ax.get_yticklabels()
    return [t.get_text() for t in ticks if t.get_text()]


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("it", "0,2"), pytest.param("de", "0,2", marks=pytest.mark.slow), ("en", "0.2")],
)
def test_value_ticks_are_in_the_locale(lang, expected):
    from qualitapa.i18n import translator

    number = translator(lang).number
    values = np.array([0.05, 0.12, 0.31, 0.44])
    fig = charts.bar_chart(CITIES[:4], values, best=values == values.max(),
                           highlight=values == values.min(), median=0.2, number=number)  # fmt: skip
    ticks = _tick_texts(fig, "x")
    assert expected in ticks
    if lang != "en":
        assert not [t for t in ticks if "." in t], ticks  # 0.2 is English
    # thousands grouped, no decimals when the ticks need none
    big = charts.bar_chart(["a", "b"], np.array([1500.0, 4200.0]), best=np.array([True, False]),
                           highlight=np.array([False, True]), median=2850.0,
                           number=number)  # fmt: skip
    assert ("4.000" if lang != "en" else "4,000") in _tick_texts(big, "x")
    # without a formatter: matplotlib's own (the default, as before)
    plain = charts.bar_chart(CITIES[:4], values, best=values == values.max(),
                             highlight=values == values.min(), median=0.2)  # fmt: skip
    assert "0.2" in _tick_texts(plain, "x")


def _ticks(fig):
    """The tick labels with a number of the figure's first axes."""
    fig.canvas.draw()
    ax = fig.axes[0]
    texts = [t.get_text() for t in [*ax.get_xticklabels(), *ax.get_yticklabels()]]
    return [t for t in texts if any(c.isdigit() for c in t)]


_ENGLISH_DECIMAL = re.compile(r"\d+\.\d{1,2}")  # 0.2 or 1.25; 1.200 is an Italian thousand


@pytest.mark.parametrize(
    "build",
    [
        lambda n: charts.trend_chart([2023, 2024], {"a": np.array([0.31, 0.42]),
                                     "b": np.array([0.2, 0.35])}, median=np.array([0.25, 0.4]),
                                     number=n),
        lambda n: _ipa([3.15, 3.42, 3.81], [3.3, 3.9, 3.55], number=n),
        lambda n: charts.interval_chart(["a", "b"], np.array([0.3, 0.5]), np.array([0.1, 0.4]),
                                        np.array([0.45, 0.7]), number=n),
    ],
    ids=["trend", "ipa", "interval"],
)  # fmt: skip
def test_every_value_axis_is_in_the_locale(build):
    from qualitapa.i18n import translator

    ticks = _ticks(build(translator("it").number))
    assert [t for t in ticks if "," in t], ticks
    assert not [t for t in ticks if _ENGLISH_DECIMAL.fullmatch(t)], ticks
    # matplotlib's own ticks are English (else this test could not fail)
    assert [t for t in _ticks(build(None)) if _ENGLISH_DECIMAL.fullmatch(t)]


def test_monthly_counts_are_grouped_in_the_locale():
    from qualitapa.i18n import translator

    def build(number):
        counts = np.array([1200, 3400])
        return charts.monthly_chart(["2024-01", "2024-02"], counts, None, received_label="r",
                                    answered_label="a", number=number)  # fmt: skip

    assert "1.200" in _ticks(build(translator("de").number))
    assert "1200" in _ticks(build(None))


def test_trend_of_one_organization_draws_no_median_and_says_so():
    series = {"Bolzano": np.array([3.0, 4.0, 5.0])}
    fig = charts.trend_chart([2022, 2023, 2024], series, median=series["Bolzano"],
                             highlight="Bolzano", median_label="mediana",
                             alone_label="un solo ente: nessuna mediana")  # fmt: skip
    assert _legend_texts(fig) == ["Bolzano", "un solo ente: nessuna mediana"]
    labels = [ln.get_label() for ln in fig.axes[0].lines]
    assert labels == ["Bolzano"]  # one line: the city, no median over it
    assert to_hex(fig.axes[0].lines[0].get_color()) == "#d55e00"
    # two organizations: the median is drawn and named
    two = {**series, "Trento": np.array([1.0, 2.0, 2.5])}
    fig = charts.trend_chart([2022, 2023, 2024], two, median=np.array([2.0, 3.0, 3.75]),
                             highlight="Bolzano", median_label="mediana",
                             alone_label="un solo ente: nessuna mediana")  # fmt: skip
    assert "mediana" in _legend_texts(fig)
    assert "un solo ente: nessuna mediana" not in _legend_texts(fig)


def test_tick_digits():
    assert charts.tick_digits([0.0, 0.2, 0.4, 0.6]) == 1
    assert charts.tick_digits([0, 1000, 2000]) == 0
    assert charts.tick_digits([0.0, 0.025, 0.05]) == 3
    assert charts.tick_digits([0.0, 0.0001]) == 4
    assert charts.tick_digits([]) == 0
