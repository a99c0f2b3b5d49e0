"""The complaint lifecycle as an explicit state machine.

::

    received -> registered -> assigned -> in_progress -> answered -> closed
                    |             |   \\        |  ^          |         |
                    |             |    suspended  |          +-> reopened <-+
                    +-------------+--> forwarded / rejected

The full table is :data:`TRANSITIONS`. The current state is never stored on
its own: it is the ``to_status`` of the last event, so it can always be
derived from the history (:func:`replay`, and :func:`current_status` for
many complaints at once).
"""

from __future__ import annotations

import collections
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from qualitapa.complaints._models import Event, Status
from qualitapa.complaints._words import NOTHING, code_said
from qualitapa.errors import DataError, Message, TransitionError
from qualitapa.i18n import N_

S = Status

#: Allowed transitions: state -> the states it may go to.
TRANSITIONS: Mapping[Status, frozenset[Status]] = {
    S.RECEIVED: frozenset({S.REGISTERED, S.FORWARDED, S.REJECTED}),
    S.REGISTERED: frozenset({S.ASSIGNED, S.FORWARDED, S.REJECTED}),
    # assigned -> assigned is a re-assignment to another officer
    S.ASSIGNED: frozenset(
        {S.ASSIGNED, S.IN_PROGRESS, S.SUSPENDED, S.ANSWERED, S.FORWARDED, S.REJECTED}
    ),
    S.IN_PROGRESS: frozenset({S.ASSIGNED, S.SUSPENDED, S.ANSWERED, S.FORWARDED, S.REJECTED}),
    # the clock stops while suspended (waiting for the citizen)
    S.SUSPENDED: frozenset({S.IN_PROGRESS, S.ANSWERED, S.REJECTED}),
    S.ANSWERED: frozenset({S.CLOSED, S.REOPENED}),
    S.CLOSED: frozenset({S.REOPENED}),
    S.REOPENED: frozenset({S.ASSIGNED, S.IN_PROGRESS}),
    S.FORWARDED: frozenset({S.CLOSED}),
    S.REJECTED: frozenset({S.CLOSED, S.REOPENED}),
}

#: The verb recorded as an event's ``action`` for each target state.
ACTIONS: Mapping[Status, str] = {
    S.RECEIVED: "receive",
    S.REGISTERED: "register",
    S.ASSIGNED: "assign",
    S.IN_PROGRESS: "start",
    S.SUSPENDED: "suspend",
    S.ANSWERED: "answer",
    S.CLOSED: "close",
    S.REOPENED: "reopen",
    S.FORWARDED: "forward",
    S.REJECTED: "reject",
}


def allowed_transitions(status: Status | str) -> list[Status]:
    """The states reachable in one step from ``status``, in lifecycle order.

    Examples
    --------
    >>> [s.value for s in allowed_transitions("answered")]
    ['closed', 'reopened']
    """
    status = Status(status)
    return [s for s in Status if s in TRANSITIONS[status]]


def check_transition(
    from_status: Status | str | None,
    to_status: Status | str,
    *,
    note: str = "",
    target: str | None = None,
    item: str | None = None,
) -> Status:
    """Check one transition; return the target state.

    ``from_status`` None means a new complaint, whose first state must be
    ``received``. Forwarding needs ``target`` (to whom) and ``note`` (why);
    rejecting needs ``note`` (the reason).

    Raises
    ------
    TransitionError
        The state machine does not allow the transition; the message names
        both states.
    DataError
        A forward without target or reason, or a rejection without reason.

    Examples
    --------
    >>> check_transition("received", "registered").value
    'registered'
    >>> check_transition("received", "closed", item="2024/1")
    Traceback (most recent call last):
    ...
    qualitapa.errors.TransitionError: 2024/1: cannot go from 'received' to 'closed'
    """
    try:
        to = Status(to_status)
    except ValueError:
        raise DataError(
            f"unknown status {to_status!r}; use one of {[s.value for s in Status]}",
            source=item,
        ) from None
    if from_status is None:
        if to is not S.RECEIVED:
            raise TransitionError(None, to, item=item)
        return to
    fr = Status(from_status)
    if to not in TRANSITIONS[fr]:
        raise TransitionError(fr, to, item=item)
    if to is S.FORWARDED and (not target or not note.strip()):
        raise DataError(
            "forwarding needs the body or department it goes to (target) and why (note)",
            source=item,
        )
    if to is S.REJECTED and not note.strip():
        raise DataError("rejecting needs the reason (note)", source=item)
    return to


def replay(events: Iterable[Event]) -> Status:
    """Check a complaint's history step by step and return its current state.

    Raises
    ------
    TransitionError
        An event does not follow from the previous one.
    DataError
        The history is empty.

    Examples
    --------
    >>> import datetime as dt
    >>> t = dt.datetime(2024, 1, 8, tzinfo=dt.timezone.utc)
    >>> evs = [Event("a1", t, "urp", "receive", None, "received"),
    ...        Event("a1", t, "urp", "register", "received", "registered")]
    >>> replay(evs).value
    'registered'
    """
    current: Status | None = None
    seen = False
    for ev in events:
        seen = True
        if ev.from_status != current:
            raise TransitionError(current, ev.to_status, item=ev.complaint_id)
        current = check_transition(current, ev.to_status, item=ev.complaint_id)
    if not seen or current is None:
        raise DataError("a complaint's history has at least one event")
    return current


def path_to(status: Status | str, *, via: Status | str | None = None) -> list[Status]:
    """The shortest lifecycle path from ``received`` to ``status`` (both included).

    Used to import records that arrive with only their current state: the
    register records each step so the history stays a valid path. The path
    follows the main line: it goes through ``forwarded`` or ``rejected``
    only when that is the goal or ``via``.

    Parameters
    ----------
    status
        The goal.
    via
        A state the path must pass through (the complaint's outcome, e.g.
        ``forwarded`` for a complaint forwarded and then closed).

    Raises
    ------
    DataError
        No lifecycle path reaches ``status`` through ``via``.

    Examples
    --------
    >>> [s.value for s in path_to("answered")]
    ['received', 'registered', 'assigned', 'answered']
    >>> [s.value for s in path_to("closed", via="rejected")]
    ['received', 'rejected', 'closed']
    """
    goal = Status(status)
    if via is None:
        found = _shortest(S.RECEIVED, goal, goal)
    else:
        mid = Status(via)
        head = _shortest(S.RECEIVED, mid, mid)
        tail = _shortest(mid, goal, goal) if head is not None else None
        found = head + tail[1:] if head is not None and tail is not None else None
    if found is None:
        raise DataError(
            f"no lifecycle path reaches {goal.value!r}"
            + (f" through {Status(via).value!r}" if via is not None else "")
        )
    return found


def _shortest(start: Status, goal: Status, allowed_exit: Status) -> list[Status] | None:
    """Breadth-first search; a side exit (forward, reject) is a step only if allowed."""
    prev: dict[Status, Status | None] = {start: None}
    queue = collections.deque([start])
    while queue:
        node = queue.popleft()
        if node is goal:
            out: list[Status] = []
            cur: Status | None = goal
            while cur is not None:
                out.append(cur)
                cur = prev[cur]
            return out[::-1]
        for nxt in allowed_transitions(node):
            # a side exit (forward, reject) is never a step on the way elsewhere
            if nxt in (S.FORWARDED, S.REJECTED) and nxt is not allowed_exit:
                continue
            if nxt not in prev:
                prev[nxt] = node
                queue.append(nxt)
    return None


def _ordered(events: pd.DataFrame) -> pd.DataFrame:
    keys = ["complaint_id", "seq"] if "seq" in events.columns else ["complaint_id", "at"]
    return events.sort_values(keys, kind="stable")


def current_status(events: pd.DataFrame) -> pd.Series:
    """Current state of every complaint in an events table, vectorised.

    Parameters
    ----------
    events
        Columns ``complaint_id``, ``to_status`` and ``seq`` (or ``at``)
        giving the order, as returned by
        :meth:`ComplaintRegister.events_frame`.

    Returns
    -------
    pandas.Series
        Status values indexed by complaint id (sorted), named ``status``.

    Examples
    --------
    >>> ev = pd.DataFrame({"complaint_id": ["a", "b", "a"], "seq": [1, 2, 3],
    ...                    "to_status": ["received", "received", "registered"]})
    >>> current_status(ev).to_dict()
    {'a': 'registered', 'b': 'received'}
    """
    missing = [c for c in ("complaint_id", "to_status") if c not in events.columns]
    if missing:
        raise DataError("required column is missing", column=missing[0])
    last = _ordered(events).drop_duplicates("complaint_id", keep="last")
    out = pd.Series(
        last["to_status"].astype(str).to_numpy(),
        index=pd.Index(last["complaint_id"].to_numpy(), name="complaint_id"),
        name="status",
    )
    return out.sort_index()


_ALLOWED_PAIRS = frozenset(
    [("", S.RECEIVED.value)]
    + [(a.value, b.value) for a, targets in TRANSITIONS.items() for b in targets]
)


def validate_history(events: pd.DataFrame) -> pd.DataFrame:
    """Check the histories of many complaints at once.

    Every event must start from the state the previous event of the same
    complaint ended in (the first from none) and be an allowed transition.

    Returns
    -------
    pandas.DataFrame
        One row per faulty event: ``complaint_id``, ``seq`` (or ``at``),
        ``from_status``, ``to_status``, ``problem``. Empty when all is well.

    Examples
    --------
    >>> ev = pd.DataFrame({"complaint_id": ["a", "a"], "seq": [1, 2],
    ...                    "from_status": [None, "received"],
    ...                    "to_status": ["received", "closed"]})
    >>> validate_history(ev)[["complaint_id", "problem"]].to_dict("records")
    [{'complaint_id': 'a', 'problem': "cannot go from 'received' to 'closed'"}]
    """
    order_col = "seq" if "seq" in events.columns else "at"
    ev = _ordered(events)
    cid = ev["complaint_id"].to_numpy()
    to = ev["to_status"].astype(str).to_numpy()
    fr = ev["from_status"].astype(object).where(ev["from_status"].notna(), "").astype(str)
    fr_arr = fr.to_numpy()
    first = np.ones(len(ev), dtype=bool)
    first[1:] = cid[1:] != cid[:-1]
    expected = np.empty(len(ev), dtype=object)
    expected[0:1] = ""
    expected[1:] = to[:-1]
    expected[first] = ""
    broken_chain = fr_arr != expected.astype(str)
    pairs = pd.Series(list(zip(fr_arr, to, strict=True)), dtype=object)
    allowed = pairs.isin(_ALLOWED_PAIRS).to_numpy()
    bad = broken_chain | ~allowed
    out = pd.DataFrame(
        {
            "complaint_id": cid[bad],
            order_col: ev[order_col].to_numpy()[bad],
            "from_status": fr_arr[bad],
            "to_status": to[bad],
        }
    )
    out["problem"] = pd.Series(
        [
            Message("starts from {given} but the previous state is {previous}",
                    N_("parte da {given} ma lo stato precedente è {previous}"),
                    given=_state_said(f), previous=_state_said(e))
            if broken
            else Message("cannot go from {given} to {to}", N_("non può passare da {given} a {to}"),
                         given=_state_said(f), to=_state_said(t))
            for broken, f, e, t in zip(
                broken_chain[bad], fr_arr[bad], expected[bad], to[bad], strict=True
            )
        ],
        dtype=object,
    )  # fmt: skip
    return out


def _state_said(status: object) -> object:
    """A status in a history's problem: quoted with its word, or 'nothing' (none)."""
    return NOTHING if status in ("", None) else code_said(status, quoted=True)
