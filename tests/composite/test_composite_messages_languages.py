"""The composite and DEA errors a clerk meets are said in Italian, English and German.

Each error's message is an :class:`~qualitapa.errors.Message`: ``str()`` is
English (logs, code), ``render(translator(lang))`` is the language of
``--lang``; nothing English is left in the Italian or German text.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from qualitapa.composite import (
    CompositeDefinition,
    dea,
    dea_bootstrap,
    impute,
    normalise,
    treat,
)
from qualitapa.errors import DataError, DefinitionError, Message, OptionError, said
from qualitapa.i18n import translator


def _said(exc: Exception, lang: str) -> str:
    render = getattr(exc, "render", None)
    if render is not None:
        return str(render(translator(lang)))
    message = exc.args[0]
    assert isinstance(message, Message)
    return message.render(translator(lang))


def _raised(call) -> Exception:
    with pytest.raises((DataError, DefinitionError, OptionError)) as info:
        call()
    return info.value


FRAME = pd.DataFrame(
    {"x": [1.0, "nd", 3.0], "y": [1.0, 2.0, 3.0]}, index=["001272", "015146", "022205"]
)
DEA = pd.DataFrame(
    {"organization": ["a", "b", "c"], "staff": [2.0, 0.0, 3.0], "acts": [1.0, 2.0, 3.0]}
)

CASES = {
    "impute, not a number": (
        lambda: impute(FRAME),
        ["015146", "'nd'"],
        {"it": "devono essere numeri", "de": "müssen Zahlen sein"},
    ),
    "normalise, not a number": (
        lambda: normalise(FRAME),
        ["015146", "'nd'"],
        {"it": "devono essere numeri", "de": "müssen Zahlen sein"},
    ),
    "treat, not a number": (
        lambda: treat(FRAME),
        ["015146"],
        {"it": "devono essere numeri", "de": "müssen Zahlen sein"},
    ),
    "impute, unknown dimension column": (
        lambda: impute(FRAME.assign(x=[1.0, np.nan, 3.0]), dimensions={"d": ["z"]}),
        ["'z'"],
        {"it": "colonne che non ci sono", "de": "Spalten, die es nicht gibt"},
    ),
    "dea, input not positive": (
        lambda: dea(DEA, inputs=["staff"], outputs=["acts"]),
        ["b", "staff"],
        {"it": "l'input deve essere positivo", "de": "der Input muss positiv sein"},
    ),
    "dea, too few organizations": (
        lambda: dea(DEA.head(1), inputs=["staff"], outputs=["acts"]),
        [],
        {"it": "richiede almeno 2 enti", "de": "mindestens 2 Körperschaften"},
    ),
    "bootstrap, replicates": (
        lambda: dea_bootstrap(DEA, inputs=["staff"], outputs=["acts"], replicates=1),
        ["1"],
        {"it": "almeno 2", "de": "mindestens 2 Replikationen"},
    ),
    "definition, unknown aggregator": (
        lambda: CompositeDefinition.from_mapping(
            {"id": "x", "label": "X", "aggregator": "median", "components": [{"indicator": "a"}]}
        ),
        ["'median'"],
        {"it": "sconosciuto", "de": "unbekannt"},
    ),
    "definition, no components": (
        lambda: CompositeDefinition.from_mapping({"id": "x", "label": "X", "components": []}),
        [],
        {"it": "almeno una componente", "de": "mindestens eine Komponente"},
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_errors_are_said_in_each_language(case):
    call, named, words = CASES[case]
    exc = _raised(call)
    english = str(exc)
    for lang, word in words.items():
        text = _said(exc, lang)
        assert word in text, text
        assert text != english
        for name in named:  # what the error names is named in every language
            assert name in text
            assert name in english


def test_dea_problem_tables_are_said_in_each_language():
    # a problem table's cells are the messages' English texts (pandas keeps str),
    # which the command line says in --lang (cli/_headers.said_problems)
    exc = _raised(lambda: dea(DEA, inputs=["staff"], outputs=["acts"]))
    cases = exc.failure_cases
    assert cases is not None
    problem = cases["problem"].iloc[0]
    assert said(problem, translator("de")) == "der Input muss positiv sein"
    assert said(problem, translator("it")) == "l'input deve essere positivo"
