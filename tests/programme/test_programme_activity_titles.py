"""The activities' titles in the reader's language: ``title_it``, ``title_de`` and, since
session 36, ``title_en`` (an English annual report listed every activity in Italian)."""

from __future__ import annotations

import html
import re
from importlib.resources import files
from pathlib import Path

import pandas as pd
import pytest

from qualitapa.models import Text
from qualitapa.programme import SHEETS, Activity, annual_report, read_sheet

FOLDER = Path(str(files("qualitapa_modena") / "programme"))
NEEDED = ("departments", "people", "roles", "plans", "activities", "activity_status")


def _text(page: str) -> str:
    body = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


@pytest.fixture(scope="module")
def sheets() -> dict[str, pd.DataFrame]:
    return {name: read_sheet(FOLDER / f"{name}.csv", name) for name in NEEDED}


def test_the_activities_sheet_takes_an_english_title() -> None:
    assert "title_en" in SHEETS["activities"].columns
    a = Activity.from_mapping({"organization": "036023", "year": "2024", "activity": "A01",
                               "type": "survey", "department": "S03", "title_it": "Indagine",
                               "title_de": "Umfrage", "title_en": "Survey"})  # fmt: skip
    assert a.title == Text("Indagine", en="Survey", de="Umfrage")


@pytest.mark.parametrize(
    ("lang", "shown", "hidden"),
    [
        ("en", "Satisfaction survey at the civil registry counters",
         "Indagine di soddisfazione agli sportelli dell'anagrafe"),
        ("de", "Zufriedenheitsumfrage an den Schaltern des Meldeamts",
         "Indagine di soddisfazione agli sportelli dell'anagrafe"),
        ("it", "Indagine di soddisfazione agli sportelli dell'anagrafe",
         "Satisfaction survey at the civil registry counters"),
    ],
)  # fmt: skip
def test_the_annual_report_names_the_activities_in_its_language(sheets, lang, shown, hidden):
    page = _text(annual_report(sheets, organization="036023", year=2024, lang=lang,
                               as_of="2024-12-31"))  # fmt: skip
    assert shown in page
    assert hidden not in page


def test_an_activity_without_english_title_reads_in_italian(sheets) -> None:
    tables = dict(sheets)
    activities = sheets["activities"].copy()
    activities.loc[activities["activity"] == "A01", "title_en"] = None
    tables["activities"] = activities
    page = _text(annual_report(tables, organization="036023", year=2024, lang="en",
                               as_of="2024-12-31"))  # fmt: skip
    assert "Indagine di soddisfazione agli sportelli dell'anagrafe" in page
    assert "Measuring waiting times at the counter" in page  # the others keep theirs
    # a table written before the column existed reads as it did
    tables["activities"] = activities.drop(columns="title_en")
    older = _text(annual_report(tables, organization="036023", year=2024, lang="en",
                                as_of="2024-12-31"))  # fmt: skip
    assert "Misurazione dei tempi di attesa allo sportello" in older
