"""The CAF 2020 structure.

Reference: CAF 2020 guideline (EIPA European CAF Resource Centre), and the
CAF Network wiki (caf-network.eu, "Category:CAF Criteria" and the
"Subcriterion_x.y" pages): 9 criteria, 5 enablers and 4 results, 28
sub-criteria.
"""

from __future__ import annotations

import pytest

from qualitapa.caf import CriterionKind, ScoringMethod, caf_model, subcriterion_ids
from qualitapa.errors import UnknownItemError
from qualitapa.models import Text


def test_nine_criteria_five_enablers_four_results() -> None:
    model = caf_model()
    assert [c.id for c in model.criteria] == [str(i) for i in range(1, 10)]
    kinds = [c.kind for c in model.criteria]
    assert kinds.count(CriterionKind.ENABLERS) == 5
    assert kinds.count(CriterionKind.RESULTS) == 4
    assert all(k is CriterionKind.ENABLERS for k in kinds[:5])


def test_twenty_eight_subcriteria_with_their_numbers() -> None:
    model = caf_model()
    per_criterion = [len(c.subcriteria) for c in model.criteria]
    assert per_criterion == [4, 4, 3, 6, 3, 2, 2, 2, 2]
    assert len(model.subcriteria) == 28
    ids = subcriterion_ids()
    assert ids[:5] == ["1.1", "1.2", "1.3", "1.4", "2.1"]
    assert ids[-2:] == ["9.1", "9.2"]
    assert len(subcriterion_ids("enablers")) == 20
    assert len(subcriterion_ids("results")) == 8


@pytest.mark.parametrize(
    ("sub", "title"),
    [
        # caf-network.eu/Subcriterion_1.4
        ("1.4", "Manage effective relations with political authorities and other stakeholders"),
        # caf-network.eu/Subcriterion_2.4
        (
            "2.4",
            "Manage change and innovation to ensure the agility and resilience of the organisation",
        ),
        # caf-network.eu/Subcriterion_4.2
        ("4.2", "Collaborate with citizens and civil society organisations"),
        # caf-network.eu/Subcriterion_5.3
        (
            "5.3",
            "Coordinate processes across the organisation and with other relevant organisations",
        ),
        ("6.1", "Perception measurements"),
        ("9.2", "Internal results: level of efficiency"),
    ],
)
def test_english_titles(sub: str, title: str) -> None:
    assert caf_model().subcriterion(sub).title.en == title


def test_every_title_is_bilingual() -> None:
    model = caf_model()
    for item in (*model.criteria, *model.subcriteria):
        assert item.title.it
        assert item.title.en
    assert model.criterion("2").title.it == "Strategia e pianificazione"


def test_unknown_ids_suggest() -> None:
    with pytest.raises(UnknownItemError, match=r"1\.4"):
        caf_model().subcriterion("1.5")
    with pytest.raises(UnknownItemError):
        caf_model().criterion("10")


def test_panels_cover_0_100_in_six_bands() -> None:
    model = caf_model()
    assert len(model.panels) == 4
    for panel in model.panels:
        for row in panel.rows:
            assert [(b.low, b.high) for b in row.bands] == [
                (0, 10), (11, 30), (31, 50), (51, 70), (71, 90), (91, 100)
            ]  # fmt: skip
    assert model.panel("enablers", "fine_tuned").parts == ("plan", "do", "check", "act")
    assert model.panel("results", ScoringMethod.FINE_TUNED).parts == ("trends", "targets")
    assert model.panel("enablers", "classical").parts == ()


def test_band_lookup_edges() -> None:
    row = caf_model().panel("enablers", "classical").rows[0]
    assert row.band(10).low == 0
    assert row.band(10.5).low == 11  # between bands -> upper band
    assert row.band(30).high == 30
    assert row.band(91).low == 91
    assert row.band(-1) is None
    assert row.band(float("nan")) is None
    # classical enablers: the 11-30 band is the PLAN phase
    assert row.band(20).description.en.startswith("PLAN")


def test_model_table() -> None:
    table = caf_model().to_frame("en")
    assert table.shape[0] == 28
    assert table.loc[table.subcriterion == "4.3", "title"].item() == "Manage finances"
    assert table.loc[table.subcriterion == "4.3", "criterion_title"].item() == (
        "Partnerships and resources"
    )


def test_every_criterion_and_subcriterion_has_a_german_title():
    model = caf_model()
    items = [*model.criteria, *model.subcriteria]
    assert len(items) == 9 + 28
    for item in items:
        assert "de" in item.title.languages, item.id
        assert item.title.de, item.id
        assert item.title.de != item.title.it, item.id


def test_a_german_caf_section_shows_no_italian_title():
    import html
    import re

    import numpy as np

    from qualitapa.caf import caf_scores
    from qualitapa.reporting import ReportInputs, render_report

    model = caf_model()
    sub = model.to_frame()[["subcriterion"]]
    sub["final_score"] = np.linspace(35, 75, len(sub))
    page = render_report(ReportInputs(period=2024, caf=caf_scores(sub), charts=False, lang="de"))
    section = re.search(r'<section id="caf".*?</section>', page, flags=re.S)
    assert section is not None
    text = html.unescape(re.sub(r"<[^>]+>", " ", section[0]))
    text = re.sub(r"\s+", " ", text)
    items = [*model.criteria, *model.subcriteria]
    italian = [
        i.title.it for i in items if re.search(rf"(?<!\w){re.escape(i.title.it)}(?!\w)", text)
    ]
    assert not italian, italian
    # and the German titles are there instead (each criterion at least)
    assert all(c.title.de in text for c in model.criteria), text[:500]


def _panel_texts() -> list[tuple[str, Text]]:
    """Every text of the scoring panels: row labels, row descriptions, band descriptions."""
    out: list[tuple[str, Text]] = []
    for p in caf_model().panels:
        for r in p.rows:
            where = f"{p.kind}/{p.method}/{r.id}"
            out.append((f"{where} label", r.label))
            if r.description is not None:
                out.append((f"{where} description", r.description))
            out.extend((f"{where} {b.low}-{b.high}", b.description) for b in r.bands)
    return out


def test_every_scoring_panel_text_is_in_italian_english_and_german() -> None:
    texts = _panel_texts()
    assert len(texts) == 1 + 6 + 1 + 6 + 4 * (2 + 6) + 2 * (2 + 6)
    for where, text in texts:
        assert text.it, where
        assert text.en, where
        assert text.de, where
        assert text.de not in (text.it, text.en), where
    # the official German terms of the scoring system (KDZ, "CAF 2020 - deutsch",
    # "III Wie soll bewertet werden?"): the top results band
    top = caf_model().panel("results", "classical").rows[0].band(95)
    assert top is not None
    assert top.description.de.startswith("Herausragende und nachhaltige Ergebnisse")


def test_a_german_panel_table_has_no_italian_nor_english_text() -> None:
    for p in caf_model().panels:
        table = p.to_frame("de")
        shown = set(table["row_label"]) | set(table["description"])
        for _, text in _panel_texts():
            assert text.it not in shown or text.it == text.de
            assert text.en not in shown or text.en == text.de
        assert table["description"].tolist() == [b.description.de for r in p.rows for b in r.bands]
