"""One check that a definition is a table, with one message, for every kind that has it.

``qualitapa.models.check_table`` serves the core's models and the surveys' scale and
instrument (issue 14: the surveys wrote the check, and its article, again by hand).
"""

from __future__ import annotations

import pytest

from qualitapa.errors import DefinitionError
from qualitapa.models import Contact, Office, Organization, check_table
from qualitapa.surveys import Instrument, Scale

BUILDERS = {
    "office": Office.from_mapping,
    "contact": Contact.from_mapping,
    "organization": Organization.from_mapping,
    "scale": Scale.from_mapping,
    "instrument": Instrument.from_mapping,
}
# the article fits the noun: a vowel takes "an"
ARTICLES = {"office": "an", "contact": "a", "organization": "an", "scale": "a",
            "instrument": "an"}  # fmt: skip


@pytest.mark.parametrize("kind", sorted(BUILDERS))
@pytest.mark.parametrize("given", [["x"], "x", 3, None])
def test_a_definition_that_is_no_table_is_refused_naming_its_kind(kind: str, given: object) -> None:
    with pytest.raises(DefinitionError) as info:
        BUILDERS[kind](given, source="defs.toml")  # type: ignore[operator]
    assert info.value.message == f"{ARTICLES[kind]} {kind} must be a table, not {given!r}"
    assert info.value.source == "defs.toml"


def test_a_table_passes() -> None:
    check_table({}, "scale")  # no error
    with pytest.raises(DefinitionError, match=r"^an item must be a table"):
        check_table(("id", "x"), "item")
