"""Formula errors are said in the language of --lang, token, position and formula included.

The English text (``str(error)``) is unchanged; ``render`` says the whole
sentence in Italian or German (a TOML definition's author reads it there).
"""

from __future__ import annotations

import pytest

from qualitapa.errors import FormulaError
from qualitapa.i18n import translator
from qualitapa.indicators import Formula

CASES = [
    (
        "a ** 2",
        "powers are not part of the formula language (token '**' at position 2) in formula "
        "'a ** 2'",
        "le potenze non fanno parte del linguaggio delle formule (simbolo '**' alla posizione 2) "
        "nella formula 'a ** 2'",
        "Potenzen gehören nicht zur Formelsprache (Symbol '**' an Position 2) in der Formel "
        "'a ** 2'",
    ),
    (
        "a +",
        "the formula ends too early in formula 'a +'",
        "la formula finisce troppo presto nella formula 'a +'",
        "die Formel endet zu früh in der Formel 'a +'",
    ),
    (
        "min(a)",
        "min() takes at least 2 argument(s), got 1 (token 'min' at position 0) in formula 'min(a)'",
        "min() vuole almeno 2 argomenti, non 1 (simbolo 'min' alla posizione 0) nella formula "
        "'min(a)'",
        "min() braucht mindestens 2 Argument(e), nicht 1 (Symbol 'min' an Position 0) in der "
        "Formel 'min(a)'",
    ),
]


@pytest.mark.parametrize(("text", "english", "italian", "german"), CASES)
def test_formula_errors_in_each_language(text, english, italian, german):
    with pytest.raises(FormulaError) as info:
        Formula.parse(text, item="x.y")
    err = info.value
    assert str(err) == f"'x.y', field 'formula': {english}"
    assert err.render(translator("it")) == f"'x.y', campo 'formula': {italian}"
    assert err.render(translator("de")) == f"'x.y', Feld 'formula': {german}"
    assert err.render(translator("en")) == str(err)


def test_an_english_message_keeps_the_english_layout():
    # FormulaError given plain text (evaluation errors) says it as before
    err = FormulaError("odd", formula="a", token="a", position=0)
    assert str(err) == "odd (token 'a' at position 0) in formula 'a'"
