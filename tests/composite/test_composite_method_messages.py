"""The composite methods' option errors are said in it/en/de (review R1 #17, session 36).

They were bare English strings, some with Python list syntax (``['c']``); a
composite's weights, bounds and coverage come from a TOML definition through
the CLI, so the reader meets them in --lang.
"""

from __future__ import annotations

import pandas as pd
import pytest

from qualitapa.composite import aggregate, winsorise
from qualitapa.errors import DefinitionError
from qualitapa.i18n import translator

DATA = pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 4.0]})

CASES = {
    "unknown weight": (
        lambda: aggregate(DATA, weights={"c": 1.0}),
        "weights",
        {
            "en": "'weights' given for unknown column(s) c",
            "it": "'weights' indicati per colonne che non ci sono: c",
            "de": "'weights' für Spalten angegeben, die es nicht gibt: c",
        },
    ),
    "negative weight": (
        lambda: aggregate(DATA, weights={"a": -1.0}),
        "weights",
        {
            "en": "weights must be finite and not negative",
            "it": "i pesi devono essere numeri finiti e non negativi",
            "de": "die Gewichte müssen endliche, nicht negative Zahlen sein",
        },
    ),
    "coverage": (
        lambda: aggregate(DATA, min_coverage=2),
        "min_coverage",
        {
            "en": "min_coverage must be in [0, 1], not 2",
            "it": "min_coverage va da 0 a 1, non 2",
            "de": "min_coverage liegt zwischen 0 und 1, nicht 2",
        },
    ),
    "winsorise": (
        lambda: winsorise(DATA, share=0.7),
        "winsorise",
        {
            "en": "winsorise share must be in [0, 0.5), not 0.7",
            "it": "la quota da winsorizzare va da 0 a meno di 0,5, non 0.7",
            "de": "der zu winsorisierende Anteil liegt zwischen 0 und unter 0,5, nicht 0.7",
        },
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_method_errors_in_each_language(case) -> None:
    call, field, said = CASES[case]
    with pytest.raises(DefinitionError) as info:
        call()
    assert info.value.field == field
    assert str(info.value.message) == said["en"]  # the English text
    for lang in ("it", "de"):
        assert info.value.message.render(translator(lang)) == said[lang]
