"""The site's hand-written SVG charts: escaped, well-formed XML, bars proportional, accessible."""

from __future__ import annotations

import itertools
import math
import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualitapa.site._charts import (
    BAR,
    HIGHLIGHT,
    LINE_COLOURS,
    TEXT,
    bar_chart,
    line_chart,
    nice_ticks,
)

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    """The chart parsed as XML (fails on anything not well formed)."""
    return ET.fromstring(svg)


def bars(root: ET.Element) -> list[ET.Element]:
    return root.findall(f"{SVG}rect")


def texts(root: ET.Element) -> list[str]:
    return ["".join(el.itertext()) for el in root.iter(f"{SVG}text")]


def luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of #RRGGBB."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


labels_st = st.lists(st.text(min_size=1, max_size=30), min_size=1, max_size=8)
finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


@given(labels=labels_st, data=st.data())
def test_any_label_is_escaped_and_the_svg_is_xml(labels: list[str], data: st.DataObject) -> None:
    values = data.draw(st.lists(finite, min_size=len(labels), max_size=len(labels)))
    title, unit, note = (data.draw(st.text(max_size=20)) for _ in range(3))
    svg = bar_chart(
        labels, values, title=title, unit=unit, highlight=labels[:1], highlight_label=note
    )
    root = parse(svg)  # well-formed whatever the text
    assert "<script" not in svg
    shown = " ".join(texts(root))
    for label in labels:
        # the label is there as text (XML-invalid characters dropped, white space made one)
        cleaned = " ".join(
            re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]", "", label).split()
        )
        for word in cleaned.split():
            assert word in shown


def test_a_script_label_is_text_not_markup() -> None:
    svg = bar_chart(['<script>alert("x")</script>', "O'Brien & C."], [1, 2], title="<b>t</b>")
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert "&amp; C." in svg
    assert "&lt;b&gt;t&lt;/b&gt;" in svg
    root = parse(svg)
    assert root.find(f"{SVG}title").text == "<b>t</b>"
    assert '<script>alert("x")</script>' in texts(root)


@given(labels=labels_st, data=st.data())
def test_line_chart_series_names_are_escaped(labels: list[str], data: st.DataObject) -> None:
    series = {
        name: data.draw(
            st.lists(st.tuples(st.integers(2000, 2030), finite | st.none()), max_size=5)
        )
        for name in labels
    }
    parse(line_chart(series, title="x", unit=data.draw(st.text(max_size=10))))


@given(values=st.lists(finite, min_size=1, max_size=10))
def test_bar_lengths_are_proportional_to_values(values: list[float]) -> None:
    labels = [f"c{i}" for i in range(len(values))]
    root = parse(bar_chart(labels, values, title="t"))
    widths = [float(r.get("width")) for r in bars(root)]
    assert len(widths) == len(values)
    largest = max(abs(v) for v in values)
    if largest == 0:
        assert all(w == 0 for w in widths)
        return
    # width / |value| is one constant: each bar's share of the longest is its value's share
    longest = max(widths)
    for w, v in zip(widths, values, strict=True):
        assert w / longest == pytest.approx(abs(v) / largest, abs=1e-5)


def test_negative_bars_go_left_of_zero_and_positive_right() -> None:
    root = parse(bar_chart(["a", "b"], [-2.0, 6.0], title="t"))
    (neg, pos) = bars(root)
    zero = float(root.find(f"{SVG}line").get("x1"))
    # -2 spans [zero - w, zero], +6 spans [zero, zero + 3w]: 6 / 2 = 3
    assert float(neg.get("x")) + float(neg.get("width")) == pytest.approx(zero, abs=0.1)
    assert float(pos.get("x")) == pytest.approx(zero, abs=0.1)
    assert float(pos.get("width")) == pytest.approx(3 * float(neg.get("width")), abs=1e-2)


def test_missing_values_have_no_bar_and_are_said() -> None:
    svg = bar_chart(["Modena", "Trento", "Bolzano"], [10.0, float("nan"), None], title="t")
    root = parse(svg)
    assert len(bars(root)) == 1
    assert texts(root).count("dato mancante") == 2
    desc = root.find(f"{SVG}desc").text
    assert "Dato mancante: Trento e Bolzano." in desc
    assert "1 valore" in desc


def test_one_value_equal_values_and_all_missing() -> None:
    one = parse(bar_chart(["a"], [3.5], title="t"))
    assert float(bars(one)[0].get("width")) > 100
    assert "Valore: 3,50." in one.find(f"{SVG}desc").text
    same = parse(bar_chart(["a", "b"], [4, 4], title="t"))
    assert len({r.get("width") for r in bars(same)}) == 1
    none = parse(bar_chart(["a", "b"], [None, float("nan")], title="t"))
    assert bars(none) == []
    empty = parse(bar_chart([], [], title="t"))
    assert bars(empty) == []


def test_numbers_in_the_language_and_unit() -> None:
    it = bar_chart(["a", "b"], [1234.5, 12.25], title="t", unit="minuti", digits=1)
    assert "1.234,5 minuti" in it
    assert "12,3 minuti" in it
    en = bar_chart(["a"], [1234.5], title="t", unit="%", lang="en", digits=1)
    assert "1,234.5%" in en
    de = line_chart({"Bozen": [(2024, 0.5)]}, title="t", lang="de")
    assert "0,50" in de
    assert "2024" in de
    assert "2.024" not in de


def test_highlight_is_said_in_words_not_colour_alone() -> None:
    svg = bar_chart(["a", "b"], [5, 3], title="t", highlight=["a"], highlight_label="migliore")
    root = parse(svg)
    first, second = bars(root)
    assert first.get("fill") == HIGHLIGHT
    assert second.get("fill") == BAR
    assert any(s.endswith("– migliore") for s in texts(root))
    assert sum("migliore" in s for s in texts(root)) == 1
    assert "in evidenza" in bar_chart(["a"], [1], title="t", highlight=["a"])


def test_intervals_widen_the_scale_and_are_drawn() -> None:
    root = parse(bar_chart(["a", "b"], [5, 3], title="t", intervals=[(4, 9), None]))
    paths = root.findall(f"{SVG}path")
    assert len(paths) == 2  # halo + line of the one interval
    with pytest.raises(ValueError, match="one interval per label"):
        bar_chart(["a"], [1], title="t", intervals=[])
    with pytest.raises(ValueError, match="one value per label"):
        bar_chart(["a"], [1, 2], title="t")


def test_accessible_name_and_unique_ids() -> None:
    svg = bar_chart(["a"], [1], title="Attesa")
    root = parse(svg)
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"{SVG}title").get("id") == title_id
    assert root.find(f"{SVG}desc").get("id") == desc_id
    other = parse(bar_chart(["a"], [2], title="Attesa"))
    assert other.get("id") != root.get("id")
    assert parse(bar_chart(["a"], [1], title="Attesa")).get("id") == root.get("id")


def test_colours_pass_aa_contrast() -> None:
    assert contrast(TEXT, "#FFFFFF") >= 4.5
    assert contrast(BAR, "#FFFFFF") >= 3
    assert contrast(HIGHLIGHT, "#FFFFFF") >= 3
    for colour in LINE_COLOURS:
        assert contrast(colour, "#FFFFFF") >= 4.5, colour


def test_line_chart_gaps_missing_series_and_description() -> None:
    series = {
        "Modena": [(2024, 12.0), (2022, 10.0), (2023, float("nan"))],
        "Trento": [(2023, None)],
        "Parma": [(2022, 5.0)],
    }
    svg = line_chart(series, title="Attesa", unit="minuti")
    root = parse(svg)
    desc = root.find(f"{SVG}desc").text
    assert "Modena: da 10,0 minuti (2022) a 12,0 minuti (2024)." in desc
    assert "Senza dati: Trento." in desc
    assert "Dato mancante: Modena 2023." in desc
    # Modena's 2023 is missing: no line segment of two points (broken line), 2 markers
    tips = [el.text for el in root.iter(f"{SVG}title")][1:]
    assert "Modena, 2022: 10,0 minuti" in tips
    assert "Modena, 2024: 12,0 minuti" in tips
    assert not any("2023" in tip for tip in tips)
    assert all(name in texts(root) for name in series)  # the legend


@given(st.dictionaries(st.integers(1990, 2030), finite, min_size=1, max_size=12))
def test_line_points_lie_on_the_scale(points: dict[int, float]) -> None:
    root = parse(line_chart({"s": list(points.items())}, title="t"))
    heights = {}
    for group in root.iter(f"{SVG}g"):
        tip, circle = group.find(f"{SVG}title"), group.find(f"{SVG}circle")
        if tip is not None and circle is not None:
            heights[int(tip.text.split(",")[1].split(":")[0])] = float(circle.get("cy"))
    assert set(heights) == set(points)
    assert all(12 - 0.1 <= cy <= 262 + 0.1 for cy in heights.values())  # inside the plot
    span = max(points.values()) - min(points.values())
    for a in points:
        for b in points:
            if points[a] < points[b] - span * 0.01:
                assert heights[a] > heights[b]  # higher value, higher on the page (smaller y)


@given(low=finite, high=finite)
def test_nice_ticks_cover_the_range(low: float, high: float) -> None:
    ticks = nice_ticks(low, high)
    assert 2 <= len(ticks) <= 12
    step = ticks[1] - ticks[0]
    # covered up to a millionth of a step (float noise; far below a pixel)
    assert ticks[0] <= min(low, high) + 1e-6 * step
    assert ticks[-1] >= max(low, high) - 1e-6 * step
    # equal steps, relative to the step (an absolute rounding made 2.5e-06 two steps)
    steps = [b - a for a, b in itertools.pairwise(ticks)]
    assert math.isclose(min(steps), max(steps), rel_tol=1e-6)
