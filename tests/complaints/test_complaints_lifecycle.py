"""The lifecycle state machine: every valid and invalid transition."""

from __future__ import annotations

import datetime as dt
import itertools

import pandas as pd
import pytest

from qualitapa.complaints import (
    TRANSITIONS,
    Event,
    Status,
    allowed_transitions,
    check_transition,
    current_status,
    path_to,
    replay,
    validate_history,
)
from qualitapa.errors import DataError, TransitionError

S = Status
# The lifecycle written out by hand from the issue (received -> registered ->
# assigned -> in_progress -> answered -> closed, plus suspended, reopened,
# forwarded, rejected); the test compares it with the table in the code.
EXPECTED = {
    ("received", "registered"), ("received", "forwarded"), ("received", "rejected"),
    ("registered", "assigned"), ("registered", "forwarded"), ("registered", "rejected"),
    ("assigned", "assigned"), ("assigned", "in_progress"), ("assigned", "suspended"),
    ("assigned", "answered"), ("assigned", "forwarded"), ("assigned", "rejected"),
    ("in_progress", "assigned"), ("in_progress", "suspended"), ("in_progress", "answered"),
    ("in_progress", "forwarded"), ("in_progress", "rejected"),
    ("suspended", "in_progress"), ("suspended", "answered"), ("suspended", "rejected"),
    ("answered", "closed"), ("answered", "reopened"),
    ("closed", "reopened"),
    ("reopened", "assigned"), ("reopened", "in_progress"),
    ("forwarded", "closed"),
    ("rejected", "closed"), ("rejected", "reopened"),
}  # fmt: skip
ALL_PAIRS = list(itertools.product([s.value for s in Status], repeat=2))


def _extra(to: str) -> dict[str, str]:
    if to == "forwarded":
        return {"note": "competenza della Provincia", "target": "Provincia di Modena"}
    if to == "rejected":
        return {"note": "anonimo e generico"}
    return {}


def test_table_matches_the_documented_lifecycle() -> None:
    table = {(a.value, b.value) for a, targets in TRANSITIONS.items() for b in targets}
    assert table == EXPECTED


@pytest.mark.parametrize(("fr", "to"), sorted(EXPECTED))
def test_valid_transition(fr: str, to: str) -> None:
    assert check_transition(fr, to, **_extra(to)) is Status(to)


@pytest.mark.parametrize(("fr", "to"), sorted(set(ALL_PAIRS) - EXPECTED))
def test_invalid_transition_names_both_states(fr: str, to: str) -> None:
    with pytest.raises(TransitionError) as info:
        check_transition(fr, to, item="2024/7", **_extra(to))
    assert info.value.from_status is Status(fr)
    assert info.value.to_status is Status(to)
    assert str(info.value) == f"2024/7: cannot go from {fr!r} to {to!r}"


def test_first_state_must_be_received() -> None:
    assert check_transition(None, "received") is S.RECEIVED
    with pytest.raises(TransitionError, match="cannot go from None to 'registered'"):
        check_transition(None, "registered")


def test_forward_and_reject_need_reasons() -> None:
    with pytest.raises(DataError, match="forwarding needs"):
        check_transition("registered", "forwarded", note="why")
    with pytest.raises(DataError, match="forwarding needs"):
        check_transition("registered", "forwarded", target="ASL")
    with pytest.raises(DataError, match="rejecting needs the reason"):
        check_transition("registered", "rejected", note="  ")


def test_unknown_status_is_a_data_error() -> None:
    with pytest.raises(DataError, match="unknown status 'lost'"):
        check_transition("received", "lost")


def test_allowed_transitions_in_lifecycle_order() -> None:
    assert allowed_transitions("in_progress") == [
        S.ASSIGNED, S.SUSPENDED, S.ANSWERED, S.FORWARDED, S.REJECTED
    ]  # fmt: skip


@pytest.mark.parametrize("status", list(Status))
def test_path_to_every_state_is_valid(status: Status) -> None:
    path = path_to(status)
    assert path[0] is S.RECEIVED
    assert path[-1] is status
    for a, b in itertools.pairwise(path):
        assert b in TRANSITIONS[a]


def test_path_to_closed_goes_through_the_answer() -> None:
    assert [s.value for s in path_to("closed")] == [
        "received", "registered", "assigned", "answered", "closed"
    ]  # fmt: skip


T0 = dt.datetime(2024, 3, 1, 9, tzinfo=dt.UTC)


def _ev(cid: str, fr: str | None, to: str) -> Event:
    return Event(cid, T0, "urp", "x", fr, to)


def test_replay_derives_the_state_and_rejects_gaps() -> None:
    evs = [_ev("a", None, "received"), _ev("a", "received", "registered"),
           _ev("a", "registered", "assigned"), _ev("a", "assigned", "suspended"),
           _ev("a", "suspended", "in_progress"), _ev("a", "in_progress", "answered"),
           _ev("a", "answered", "reopened"), _ev("a", "reopened", "in_progress")]  # fmt: skip
    assert replay(evs) is S.IN_PROGRESS
    with pytest.raises(TransitionError, match="cannot go from 'registered' to 'answered'"):
        replay([*evs[:2], _ev("a", "assigned", "answered")])
    with pytest.raises(DataError):
        replay([])


def test_current_status_and_validate_history_vectorised() -> None:
    ev = pd.DataFrame(
        {
            "complaint_id": ["b", "a", "a", "b", "a", "c", "c"],
            "seq": [1, 2, 3, 4, 5, 6, 7],
            "from_status": [None, None, "received", "received", "registered", None, "received"],
            "to_status": ["received", "received", "registered", "rejected", "assigned",
                          "received", "answered"],
        }
    )  # fmt: skip
    assert current_status(ev).to_dict() == {"a": "assigned", "b": "rejected", "c": "answered"}
    bad = validate_history(ev)
    assert bad[["complaint_id", "seq", "problem"]].to_dict("records") == [
        {"complaint_id": "c", "seq": 7, "problem": "cannot go from 'received' to 'answered'"}
    ]
    broken = ev.copy()
    broken.loc[4, "from_status"] = "assigned"  # a: registered -> assigned recorded as assigned->
    problems = validate_history(broken)["problem"].tolist()
    assert "starts from 'assigned' but the previous state is 'registered'" in problems
