"""A charter and a city's content of it refuse the same things with the same errors.

Both check that an approved (published, in revision) document names its act and
that its period of validity does not end before it starts, through one helper
each (issue 14: one piece of code where the logic is the same). The order of the
checks is each class's own and is kept: a charter names a reversed period first,
a content names a missing act first.
"""

from __future__ import annotations

import pytest

from qualitapa.errors import DefinitionError
from qualitapa.standards import Charter, CharterContent, CharterStatus

ACT = {"body": "Giunta comunale", "number": "12/2025", "date": "2025-02-03"}


def _charter(**fields: object) -> Charter:
    base = {"id": "x.c", "service": "x", "title": "T", "valid_from": "2025-01-01"}
    return Charter.from_mapping({**base, **fields})


def _content(**fields: object) -> CharterContent:
    base = {"charter": "x.c", "organization": "036023", "valid_from": "2025-01-01"}
    return CharterContent.from_mapping({**base, **fields})


@pytest.mark.parametrize("build", [_charter, _content])
@pytest.mark.parametrize("status", list(CharterStatus))
def test_an_act_is_needed_exactly_when_the_status_says(build, status: CharterStatus) -> None:
    if status.needs_approval:
        with pytest.raises(DefinitionError) as info:
            build(status=status.value)
        assert info.value.field == "approval"
        assert f"a charter with status {status.value!r} names the act" in info.value.message
        assert info.value.item is not None
    else:
        assert build(status=status.value).approval is None
    assert build(status=status.value, approval=ACT).status is status


@pytest.mark.parametrize("build", [_charter, _content])
def test_a_period_may_not_end_before_it_starts(build) -> None:
    with pytest.raises(DefinitionError, match="valid_to is before valid_from") as info:
        build(valid_to="2024-12-31")
    assert info.value.field == "valid_to"
    # a one-day period (start = end) is a period
    assert build(valid_to="2025-01-01").valid_to is not None


def test_a_content_without_a_start_has_no_period_to_check() -> None:
    content = CharterContent.from_mapping(
        {"charter": "x.c", "organization": "036023", "valid_to": "2024-12-31"}
    )
    assert content.valid_from is None


@pytest.mark.parametrize(("build", "field"), [(_charter, "valid_to"), (_content, "approval")])
def test_each_class_keeps_its_order_of_checks(build, field: str) -> None:
    with pytest.raises(DefinitionError) as info:
        build(status="approved", valid_to="2024-12-31")
    assert info.value.field == field
