"""The report charts: inline accessible SVG, escaping, palette, markers, legends, IPA labels."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from qualitapa.reporting import _charts as charts

SVG = "{http://www.w3.org/2000/svg}"
CITIES = ["Trento", "Milano", "Torino", "Genova", "Venezia", "Bergamo", "Bolzano", "Modena"]


def _trend(names=CITIES, highlight="Bolzano", periods=(2021, 2022, 2023, 2024), **kwargs):
    rng = np.random.default_rng(7)
    series = {n: rng.normal(10, 2, len(periods)) for n in names}
    median = np.median(np.vstack(list(series.values())), axis=0)
    return charts.trend_chart(list(periods), series, median=median, highlight=highlight, **kwargs)


def _ids(root: ET.Element) -> list[str]:
    return [e.attrib["id"] for e in root.iter() if "id" in e.attrib]


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
    assert "viewBox" in root.attrib
    assert root.attrib["width"] == "100%"
    assert "height" not in root.attrib
    # no page-wide CSS rule (matplotlib's "*{...}" would restyle the whole report)
    assert root.find(f".//{SVG}style") is None
    # text stays text: the city names are <text> elements
    texts = {"".join(t.itertext()) for t in root.iter(f"{SVG}text")}
    assert "Bolzano" in texts


def test_two_charts_on_one_page_share_no_id():
    one = charts.figure_svg(_trend(), title="A", description="a")
    # the same drawing twice with different titles, and another chart
    two = charts.figure_svg(_trend(), title="B", description="b")
    bars = charts.figure_svg(
        charts.bar_chart(CITIES, np.arange(8.0), best=np.eye(8, dtype=bool)[0],
                         highlight=np.eye(8, dtype=bool)[6], median=3.5),
        title="C", description="c",
    )  # fmt: skip
    page = ET.fromstring(f"<body xmlns='http://www.w3.org/1999/xhtml'>{one}{two}{bars}</body>")
    ids = _ids(page)
    assert len(ids) > 30
    assert len(ids) == len(set(ids))
    # every reference points to an id of its own chart
    for svg in page.iter(f"{SVG}svg"):
        own = set(_ids(svg))
        body = ET.tostring(svg, encoding="unicode")

        refs = re.findall(r'url\(#([^)]+)\)|href="#([^"]+)"', body)
        assert refs
        assert {a or b for a, b in refs} <= own


def test_figure_svg_same_chart_twice_with_prefixes():
    fig = _trend()
    a = charts.figure_svg(fig, title="A", description="a", id_prefix="one")
    b = charts.figure_svg(fig, title="A", description="a", id_prefix="two")
    page = ET.fromstring(f"<body>{a}{b}</body>")
    ids = _ids(page)
    assert len(ids) == len(set(ids))
    with pytest.raises(ValueError, match="id_prefix"):
        charts.figure_svg(fig, title="A", description="a", id_prefix='x" onload="')


def test_figure_svg_is_deterministic():
    assert charts.figure_svg(_trend(), title="A", description="a") == charts.figure_svg(
        _trend(), title="A", description="a"
    )


def test_text_from_data_is_escaped():
    names = ["<script>alert(1)</script>", "Trento & Rovereto", 'Bol"zano']
    svg = charts.figure_svg(
        _trend(names=names, highlight=names[0]), title="<b>x</b>", description="</desc><script>"
    )
    assert "<script" not in svg
    assert "<b>" not in svg
    root = ET.fromstring(str(svg))
    assert root.find(f".//{SVG}script") is None
    texts = {"".join(t.itertext()) for t in root.iter(f"{SVG}text")}
    assert "<script>alert(1)</script>" in texts
    assert "Trento & Rovereto" in texts


def test_figure_img_still_works():
    img = charts.figure_img(_trend(), 'a "quoted" alt')
    assert img.startswith('<img class="chart" alt="a &quot;quoted&quot; alt" src="data:image/svg')
    assert charts.figure_img(_trend(), "x", fmt="png").count("image/png") == 1
