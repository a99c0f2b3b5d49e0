"""The improvement actions on the portal in the reader's language (``title_de``, ``title_en``
of the plan; the Italian ``title`` where an action has no translation)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from qualitapa.catalog import Catalog
from qualitapa.site._home import news

from .test_site_city import context, render, visible_text

#: conftest's plan: the standard's action, then the CAF 1.2 and 5.3 actions.
GERMAN = "Den Standard einhalten: Bescheinigung am Schalter nach höchstens 10 Minuten Wartezeit"
ENGLISH = "Meet the standard: Certificate at the counter within 10 minutes of waiting"


def _translate_the_first_action(results_dir: Path) -> pd.DataFrame:
    path = results_dir / "improvement_plan.csv"
    plan = pd.read_csv(path, dtype=str)
    plan["title_en"] = [ENGLISH, "", ""]
    plan["title_de"] = [GERMAN, "", ""]
    plan.to_csv(path, index=False)
    return plan


def test_a_german_city_page_shows_the_german_title(results_dir: Path, catalog: Catalog) -> None:
    plan = _translate_the_first_action(results_dir)
    for lang, first in (("de", GERMAN), ("en", ENGLISH), ("it", plan.loc[0, "title"])):
        text = visible_text(render(context(results_dir, catalog, lang))["citta/modena.html"])
        assert first in text, lang
        # the actions without a translation keep their Italian title (nothing dropped)
        assert plan.loc[1, "title"] in text, lang
        if lang != "it":
            assert plan.loc[0, "title"] not in text, lang


def test_the_home_page_news_in_the_readers_language(results_dir: Path, catalog: Catalog) -> None:
    plan = _translate_the_first_action(results_dir)
    titles = {lang: [n["title"] for n in news(context(results_dir, catalog, lang))]
              for lang in ("it", "de")}  # fmt: skip
    assert titles["de"][0] == GERMAN  # priority 8.33, first
    assert titles["it"][0] == plan.loc[0, "title"]
    assert titles["de"][1:] == titles["it"][1:]  # untranslated: Italian in both
