"""The HTML report: every section and chart, escaping, languages, tables-only fallback."""

from __future__ import annotations

import base64
import html
import re
import sys

import numpy as np
import pandas as pd
import pytest

from qualitapa.composite import dea
from qualitapa.errors import DataError, OptionError
from qualitapa.reporting import ReportInputs, render_report, write_report
from qualitapa.reporting._html import _context
from qualitapa.reporting._sections._view import indicator_view

CITIES = {
    "022205": "Trento", "015146": "Milano", "001272": "Torino", "010025": "Genova",
    "027042": "Venezia", "016024": "Bergamo", "021008": "Bolzano", "036023": "Modena",
}  # fmt: skip

SECTION_IDS = ["headline", "indicators", "composite", "dea", "survey", "ipa", "complaints",
               "compliance", "caf"]  # fmt: skip


def _render(**options):
    return render_report(ReportInputs(**options))


def _images(page: str) -> list[bytes]:
    return [
        base64.b64decode(b) for b in re.findall(r'src="data:image/[a-z+]+;base64,([^"]+)"', page)
    ]


def _svgs(page: str) -> list[str]:
    return re.findall(r'<svg role="img".*?</svg>', page, flags=re.S)


def test_full_report_has_every_section_and_chart(results, definitions):
    page = _render(service="registry", period=2024, definitions=definitions,
                         names=CITIES, organization="036023", note="Dati sintetici",
                         generated=pd.Timestamp("2025-03-01").date(), **results)  # fmt: skip
    for sid in SECTION_IDS:
        assert f'<section id="{sid}"' in page
    # charts: 3 indicators x (bar + trend), composite, DEA, survey, IPA, complaints trend, CAF radar
    # as inline SVG, each with its data table
    assert len(_svgs(page)) == 3 * 2 + 6
    assert "<img" not in page
    assert page.count("<details>") == 3 * 2 + 6
    # Italian by default, labels from the Text fields
    assert '<html lang="it">' in page
    assert "Attesa media allo sportello" in page
    assert "Mediana" in page
    assert "Sintesi degli indicatori" in page
    assert "Dati sintetici" in page
    assert "1 marzo 2025" in page
    # the missing value is shown with its reason as a sentence, not dropped nor as a code
    assert "dato non disponibile: manca una delle variabili" in page
    assert "missing_variable" not in page
    # complaint KPIs: 0.874 shown as 87,4 (Italian decimal comma)
    assert "87,4" in page
    # compliance: 1 of the 2 assessed standards met (the third has no data)
    assert "Standard rispettati: 1 su 2 valutati." in page
    # CAF total from caf_scores
    assert "Totale" in page
    # trend classes translated
    assert "in miglioramento" in page


def test_english_report_uses_english_labels_and_images(results, definitions):
    subset = {k: results[k] for k in ("indicators", "caf", "ipa")}
    page = _render(service="registry", period=2024, lang="en", definitions=definitions,
                         image_format="img", **subset)  # fmt: skip
    assert '<html lang="en">' in page
    assert "Mean waiting time" in page
    assert "Attesa media" not in page
    assert "Indicators at a glance" in page
    assert "Median" in page
    assert "concentrate here" in page  # IPA quadrant translated
    assert "Citizen/customer-oriented results" in page  # CAF title_en
    images = _images(page)
    assert len(images) == 3 * 2 + 2
    # an <img> of the vector drawing (no rasteriser: issue 25), its text in English
    assert all(img.startswith(b"<svg ") for img in images)
    assert any(b"Median" in img for img in images)


def test_user_text_is_escaped(values, definitions):
    names = {"036023": "<script>alert(1)</script>", "022205": 'Tren"to & co'}
    defs = [d for d in definitions if d.id == "registry.waiting_minutes"]
    page = _render(period=2024, indicators=values, definitions=defs, names=names,
                         organization="036023", title="<b>Title</b>", note="<i>x</i>",
                         charts=False)  # fmt: skip
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Tren&#34;to &amp; co" in page
    assert "&lt;b&gt;Title&lt;/b&gt;" in page
    assert "<b>Title</b>" not in page
    assert "&lt;i&gt;x&lt;/i&gt;" in page


@pytest.mark.slow  # a report with charts (matplotlib)
def test_script_city_name_inside_charts_is_harmless(values, definitions):
    # the charts are inline SVG: the city name is escaped there too (title, legend, labels)
    names = {"036023": "<script>alert(1)</script>"}
    one = values[values.indicator == "registry.waiting_minutes"]
    page = _render(period=2024, indicators=one, definitions=definitions, names=names)
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert len(_svgs(page)) == 2


def test_best_and_median_follow_polarity(values, definitions):
    # hand check on the 2024 waiting times (lower is better): the best is the minimum
    ctx = _context(ReportInputs(period=2024, definitions=definitions, charts=False))
    view = indicator_view(ctx, values, "registry.waiting_minutes")
    year = values[(values.period == 2024) & (values.indicator == "registry.waiting_minutes")]
    assert view.current["organization"].iloc[0] == year.loc[year.value.idxmin(), "organization"]
    assert view.current["best"].sum() == 1
    assert view.median == pytest.approx(float(np.median(year.value)))
    assert view.current["rank"].tolist() == list(range(1, 9))
    assert view.current["value"].is_monotonic_increasing
    # higher is better: sorted the other way round; the missing value is last and unranked
    share = indicator_view(ctx, values, "registry.online_share")
    assert share.current["value"].iloc[:7].is_monotonic_decreasing
    assert pd.isna(share.current["value"].iloc[-1])
    assert pd.isna(share.current["rank"].iloc[-1])
    # change of the median: 2023 -> 2024
    prev = values[(values.period == 2023) & (values.indicator == "registry.waiting_minutes")]
    assert view.previous_median == pytest.approx(float(np.median(prev.value)))


def test_neutral_or_unknown_polarity_marks_no_best(values):
    page = _render(period=2024, indicators=values, charts=False)
    assert 'class="best' not in page


def test_charts_without_matplotlib(monkeypatch, results, definitions):
    # the charts are hand-written SVG (issue 25): no optional library needed
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib -> ImportError
    page = _render(period=2024, definitions=definitions, **results)
    assert "<img" not in page
    assert len(_svgs(page)) >= 5
    assert "qualitapa[plot]" not in page
    assert '<section id="caf"' in page
    assert "<table>" in page


def test_sections_are_optional(results):
    page = _render(period=2024, caf=results["caf"], charts=False)
    assert '<section id="caf"' in page
    assert '<section id="indicators"' not in page
    assert '<section id="dea"' not in page


def test_report_accepts_a_real_dea_result():
    # one input, one output, CRS: efficiency = (output/input) / best ratio, by hand
    data = pd.DataFrame({"organization": ["a", "b", "c"], "staff": [2.0, 4.0, 5.0],
                         "certificates": [4.0, 6.0, 9.0]})  # fmt: skip
    res = dea(data, inputs=["staff"], outputs=["certificates"])
    page = _render(period=2024, dea=res, charts=False, lang="en")
    # scores 1, 0.75, 0.9 (output/input ratios 2, 1.5, 1.8 over the best 2)
    assert ">1.000<" in page
    assert ">0.750<" in page
    assert ">0.900<" in page
    assert "inefficient" in page


def test_period_filter_and_many_organizations():
    rng = np.random.default_rng(0)
    orgs = [f"{i:06d}" for i in range(100)]
    frame = pd.DataFrame({"organization": np.repeat(orgs, 2), "period": [2023, 2024] * 100,
                          "indicator": "x.y", "value": rng.uniform(0, 10, 200)})  # fmt: skip
    page = _render(period=2024, indicators=frame, max_bars=20, charts=False, lang="en")
    assert "The 10 best and 10 worst of 100 organizations are shown." in page
    assert '<td class="num">100</td>' in page  # n in the headline


def test_missing_columns_are_a_data_error():
    with pytest.raises(DataError, match="indicator values need the columns"):
        _render(period=2024, indicators=pd.DataFrame({"organization": ["a"]}))
    with pytest.raises(OptionError, match="lang must be a language code"):
        _render(period=2024, lang="German")


def test_write_report_writes_utf8(tmp_path, results):
    path = write_report(tmp_path / "out" / "report.html",
                        ReportInputs(period=2024, caf=results["caf"], charts=False))  # fmt: skip
    text = path.read_text(encoding="utf-8")
    assert "Autovalutazione CAF" in text
    assert "Leadership" in text


def test_indicator_without_values_says_why(values, definitions):
    gone = values.assign(
        value=np.where(values.indicator == "registry.online_share", np.nan, values.value),
        status=np.where(values.indicator == "registry.online_share", "zero_denominator", "ok"),
    )
    page = _render(period=2024, indicators=gone, definitions=definitions, lang="en")
    assert "zero_denominator" not in page
    assert len(_svgs(page)) == 4


def test_ipa_labels_come_from_the_report_services_questionnaire():
    # two services' questionnaires reuse the question id "acc_hours": the
    # registry report must show the registry question's text
    from qualitapa import Service, Text, hookimpl
    from qualitapa.surveys import Instrument, Question, Scale
    from qualitapa.testing import catalog_with

    def questionnaire(service, label):
        q = Question("acc_hours", "likert", label, scale=Scale.likert(5))
        return Instrument(f"{service}.survey", service, service=service, questions=[q])

    class Plugin:
        @hookimpl
        def qualitapa_services(self):
            return [
                Service("libraries", Text("Biblioteche")),
                Service("registry", Text("Anagrafe")),
            ]

        @hookimpl
        def qualitapa_instruments(self):
            return [
                questionnaire("libraries", Text("Orari della biblioteca")),
                questionnaire("registry", Text("Orari dello sportello")),
            ]

    catalog = catalog_with(("p", Plugin()))
    table = pd.DataFrame(
        {"question": ["acc_hours"], "importance": [0.7], "performance": [64.0],
         "quadrant": ["low_priority"], "performance_axis": [67.0], "importance_axis": [0.72]}
    )  # fmt: skip
    page = _render(service="registry", period=2024, ipa=table, catalog=catalog, charts=False)
    assert "Orari dello sportello" in page
    assert "Orari della biblioteca" not in page
    by_instrument = _render(
        period=2024, ipa=table.assign(instrument="libraries.survey"), catalog=catalog,
        charts=False,
    )  # fmt: skip
    assert "Orari della biblioteca" in by_instrument
    # the libraries questionnaire does not belong in the registry report (issue 12, defect 9)
    with pytest.raises(DataError, match="none has rows of service 'registry'"):
        _render(
            service="registry", period=2024, ipa=table.assign(instrument="libraries.survey"),
            catalog=catalog, charts=False,
        )  # fmt: skip


def _two_indicator_values() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "organization": ["036023", "022205", "001272", "036023"],
            "period": 2024,
            "indicator": ["registry.waiting_minutes"] * 3 + ["modena.no_show_rate"],
            "value": [12.0, 9.0, 20.0, 4.0],
        }
    )


def _local_definition():
    from qualitapa.indicators import IndicatorDefinition

    return IndicatorDefinition.from_mapping(
        {"id": "modena.no_show_rate", "label": "Tasso di appuntamenti non rispettati",
         "service": "registry", "dimension": "efficiency", "formula": "a / b",
         "polarity": "lower_is_better", "unit": "%", "organizations": ["036023"]}
    )  # fmt: skip


def test_report_ranks_with_benchmark_conventions(definitions):
    # issue 12, defect 2: the report ranked by itself and starred a local
    # indicator's only city as "best"; it now ranks with benchmark()
    from qualitapa.indicators import benchmark

    defs = {d.id: d for d in [*definitions, _local_definition()]}
    values = _two_indicator_values()
    ctx = _context(ReportInputs(period=2024, names=CITIES, definitions=defs, charts=False))
    wait = indicator_view(ctx, values, "registry.waiting_minutes").current
    expected = benchmark(values.iloc[:3], definitions=[defs["registry.waiting_minutes"]])
    by_org = dict(zip(expected["organization"], expected["rank"], strict=True))
    assert dict(zip(wait["organization"], wait["rank"], strict=True)) == by_org
    assert wait.loc[wait["best"], "organization"].tolist() == ["022205"]
    local = indicator_view(ctx, values, "modena.no_show_rate").current
    assert not local["best"].any()
    assert local["rank"].isna().all()
    page = _render(service="registry", period=2024, definitions=list(defs.values()),
                         names=CITIES, indicators=values, charts=False)  # fmt: skip
    assert "Indicatore locale: riportato per l'ente che lo misura" in html.unescape(page)
    # two cities only: no ranking and no best performer
    two = values[values["organization"] != "001272"]
    page = _render(service="registry", period=2024, definitions=list(defs.values()),
                         names=CITIES, indicators=two, charts=False)  # fmt: skip
    assert "Nessuna graduatoria: gli enti con un valore sono meno di 3." in page
    assert 'class="best"' not in page


def test_a_citys_report_leaves_out_another_citys_local_indicator(definitions):
    # a Bolzano report listed Modena's local indicators with "–" for Bolzano (issue 16)
    defs = {d.id: d for d in [*definitions, _local_definition()]}
    values = _two_indicator_values()
    options = {"service": "registry", "period": 2024, "definitions": list(defs.values()),
               "names": CITIES, "indicators": values, "charts": False}  # fmt: skip
    label = "Tasso di appuntamenti non rispettati"
    assert label not in html.unescape(_render(organization="022205", **options))
    modena = html.unescape(_render(organization="036023", **options))
    assert label in modena
    row = re.search(rf"{label}.*?</tr>", modena, flags=re.S)
    assert row is not None
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(
        r"<td[^>]*>(.*?)</td>", row.group(0), flags=re.S)]  # fmt: skip
    table = modena[: row.start()]
    header = [re.sub(r"<[^>]+>", "", h).strip()
              for h in re.findall(r"<th[^>]*>(.*?)</th>", table, flags=re.S)]  # fmt: skip
    header = header[-len(cells) - 1 :]  # the headline table's header row (label cell is a th)
    median = header.index("Mediana") - 1
    # N = 1 and no median of cities for a local indicator (its own value, 4, is not a median)
    assert cells[median - 1] == "1"
    assert cells[median] == "–"


def test_report_names_no_best_performer_when_all_are_equal(definitions):
    values = pd.DataFrame(
        {"organization": ["036023", "022205", "001272"], "period": 2024,
         "indicator": "registry.waiting_minutes", "value": [10.0, 10.0, 10.0]}
    )  # fmt: skip
    page = _render(service="registry", period=2024, definitions=definitions,
                         names=CITIES, indicators=values, charts=False)  # fmt: skip
    assert "Tutti gli enti hanno lo stesso valore: nessun miglior ente." in page
    assert 'class="best"' not in page


@pytest.mark.parametrize(
    ("lang", "alone"),
    [
        ("it", "un solo ente: nessuna mediana"),
        pytest.param("de", "nur eine Körperschaft: kein Median", marks=pytest.mark.slow),
    ],
)
def test_trend_of_one_organization_has_no_median(values, definitions, lang, alone):
    one = values[(values.organization == "021008")
                 & (values.indicator == "registry.waiting_minutes")]  # fmt: skip
    page = _render(period=2024, indicators=one, definitions=definitions, lang=lang,
                   organization="021008")  # fmt: skip
    (trend,) = [s for s in _svgs(page) if alone in s]
    assert "edian" not in trend.replace(alone, "")  # neither Mediana nor Median drawn
    # its data table has no median column either, and no sentence speaks of one
    block = page[page.index('<section id="indicators"') :]
    assert "<th" in block
    assert not re.search(r"<th[^>]*>\s*Median", block)
    assert "mediana degli enti" not in block
    assert "Median der" not in block


@pytest.mark.parametrize(
    ("lang", "indicator"),
    [
        ("it", "registry.online_share"),  # the quick check: one indicator's two charts
        pytest.param("it", None, marks=pytest.mark.slow),  # every chart of the report
        pytest.param("de", None, marks=pytest.mark.slow),
    ],
)
def test_chart_ticks_have_a_decimal_comma(values, definitions, lang, indicator):
    if indicator is not None:
        values = values[values.indicator == indicator]
    small = values.assign(value=values.value / 1000)  # ticks such as 0.02, 0.03
    page = _render(period=2024, indicators=small, definitions=definitions, lang=lang)
    ticks = re.findall(r"<text[^>]*>([^<]*)</text>", "\n".join(_svgs(page)))
    numbers = [t for t in ticks if re.fullmatch(r"[−-]?[\d.,]+", t)]
    assert [t for t in numbers if "," in t]
    assert not [t for t in numbers if re.fullmatch(r"[−-]?\d+\.\d{1,2}", t)], numbers


def test_png_is_a_deprecated_name_of_img() -> None:
    # "png" never gave a raster image once the charts were SVG (issue 25): it means "img"
    with pytest.warns(DeprecationWarning, match="image_format='img'"):
        inputs = ReportInputs(period=2024, image_format="png")
    assert inputs.image_format == "img"
    with pytest.raises(OptionError, match="'svg' or 'img'"):
        ReportInputs(period=2024, image_format="gif")
