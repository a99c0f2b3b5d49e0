"""Validation of imported event histories (a migration from another system).

The events table has the layout of :meth:`ComplaintRegister.events_frame`.
Every check is vectorised over the whole table. A complaint is imported
with all its events or not at all: a faulty event rejects its complaint, and
every row not imported, in either file, is listed in the problems table with
its row number in that file.
"""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np
import pandas as pd

from qualitapa.complaints._importing import (
    FUTURE_MESSAGE,
    NOT_A_TIME,
    NOT_UNICODE,
    OUTCOMES,
    PROBLEM_COLUMNS,
    TableProblems,
    _code,
    _per_unique,
    _text,
    dst_problems,
    one_of,
    parse_office_times,
    without_surrogates,
)
from qualitapa.complaints._instants import future_limit_us
from qualitapa.complaints._lifecycle import ACTIONS, validate_history
from qualitapa.complaints._models import Status
from qualitapa.complaints._words import NOTHING, code_said
from qualitapa.errors import DataError, Message
from qualitapa.i18n import N_
from qualitapa.io import require_columns

#: Columns an events table may have (``complaint_id, at, to_status`` required).
EVENT_COLUMNS = (
    "seq", "complaint_id", "at", "actor", "action", "from_status", "to_status", "note", "target"
)  # fmt: skip
_REQUIRED = ("complaint_id", "at", "to_status")
_STATUS_VALUES = [s.value for s in Status]


def _iso(us: np.ndarray) -> np.ndarray:
    """ISO 8601 UTC text for int64 microseconds (empty when negative)."""
    text = np.datetime_as_string(
        np.asarray(us, dtype=np.int64).astype("datetime64[us]").astype("datetime64[s]"), unit="s"
    )
    return np.where(np.asarray(us) < 0, "", np.char.add(text.astype(str), "Z")).astype(object)


class _Problems(TableProblems):
    """The problems of one table, flagged as boolean masks over its rows, in flag order."""

    def __init__(self, table: str, rows: np.ndarray, ids: np.ndarray) -> None:
        super().__init__(table, ids, rows=rows, order=())

    def collected(self) -> pd.DataFrame:
        """Every problem flagged so far, in flag order."""
        return self.frame()


@attrs.frozen(eq=False)
class _Events:
    """The parsed columns of an events table, in file order."""

    rows: np.ndarray
    cid: pd.Series
    cid_arr: np.ndarray
    orphan: np.ndarray
    raw_at: pd.Series
    at_us: np.ndarray
    to_raw: pd.Series
    to: pd.Series
    fr_raw: pd.Series | None
    fr: pd.Series | None
    expected_action: pd.Series
    note: pd.Series
    target: pd.Series
    actors: pd.Series
    key: np.ndarray
    has_seq: bool


@attrs.frozen(eq=False)
class _Order:
    """The events in history order: each complaint's events together, in order."""

    order: np.ndarray
    first: np.ndarray
    prev_to: np.ndarray


def prepare_history(
    events: pd.DataFrame,
    complaints: pd.DataFrame,
    all_ids: np.ndarray,
    *,
    source: str | None = None,
    tz: str | pd.Series,
    actor: str,
) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """Validate an events table against the prepared complaints.

    Parameters
    ----------
    events
        The raw events table (:data:`EVENT_COLUMNS`).
    complaints
        The complaint rows that passed their own checks
        (:func:`qualitapa.complaints._importing.prepare_import` with
        ``history=True``).
    all_ids
        The id of every row of the complaints table (row ``i + 1``), good or
        bad, to tell an event of a rejected complaint from one of no
        complaint at all.
    source
        The events file name, for errors.
    tz
        Office time zone for times without an offset: one, or one per
        event row (its complaint's organization's).
    actor
        The actor recorded when an event has none.

    Returns
    -------
    tuple
        ``(events, problems, keep)``: the events to write (``row`` in the
        file, then ``complaint_id, at_us, actor, action, from_status,
        to_status, note, target``, in write order), the problems of both
        tables, and a boolean mask over ``complaints`` of the complaints to
        import.
    """
    _check_layout(events, source)
    # lone surrogates go before any text reaches a pandas text column (pyarrow refuses them)
    events, not_unicode = without_surrogates(events)
    rows = np.arange(1, len(events) + 1)
    cid = _text(events, "complaint_id").reset_index(drop=True)
    ev_flags = _Problems("events", rows, cid.to_numpy(dtype=object))
    for col, bad in not_unicode.items():
        ev_flags.flag(bad, str(col), events[col].reset_index(drop=True), NOT_UNICODE)
    ev = _read_events(events, cid, all_ids, ev_flags, tz=tz, actor=actor)
    hist = _check_histories(ev, ev_flags)
    c_flags = _Problems(
        "complaints", complaints["row"].to_numpy(), complaints["id"].to_numpy(dtype=object)
    )
    pos_of = _check_complaints(ev, hist, complaints, ev_flags, c_flags)
    keep, ok_event = _reject(ev, pos_of, all_ids, ev_flags, c_flags)
    problems = pd.concat([c_flags.collected(), ev_flags.collected()], ignore_index=True)
    return _events_to_write(ev, hist, ok_event), problems[PROBLEM_COLUMNS], keep


def _check_layout(events: pd.DataFrame, source: str | None) -> None:
    """Raise when ``events`` is not a frame with the allowed columns."""
    if not isinstance(events, pd.DataFrame):
        raise DataError("expected a pandas DataFrame of events", source=source)
    require_columns(events, _REQUIRED, source=source)
    unknown = [c for c in events.columns if c not in EVENT_COLUMNS]
    if unknown:
        raise DataError(
            f"unknown column; allowed: {list(EVENT_COLUMNS)}", source=source, column=str(unknown[0])
        )


# -- one event at a time ------------------------------------------------------


def _read_events(
    events: pd.DataFrame,
    cid: pd.Series,
    all_ids: np.ndarray,
    flags: _Problems,
    *,
    tz: str | pd.Series,
    actor: str,
) -> _Events:
    """Parse and check each event on its own."""
    known_ids = pd.Series(all_ids, dtype=object).dropna()
    flags.flag(
        cid.isna().to_numpy(),
        "complaint_id",
        cid,
        Message("the complaint id is missing", N_("manca il codice del reclamo")),
    )
    orphan = cid.notna().to_numpy() & ~cid.isin(known_ids).to_numpy()
    flags.flag(
        orphan,
        "complaint_id",
        cid,
        Message(
            "no complaint with this id in the complaints table",
            N_("nessun reclamo con questo codice nella tabella dei reclami"),
        ),
    )
    raw_at, at_us = _check_times(events, tz, flags)
    to_raw, to, fr_raw, fr = _check_statuses(events, flags)
    expected_action, note, target, actors = _check_actions(events, to, actor, flags)
    key, has_seq = _order_key(events, cid, at_us, flags)
    return _Events(
        rows=flags.rows, cid=cid, cid_arr=flags.ids, orphan=orphan, raw_at=raw_at, at_us=at_us,
        to_raw=to_raw, to=to, fr_raw=fr_raw, fr=fr, expected_action=expected_action, note=note,
        target=target, actors=actors, key=key, has_seq=has_seq,
    )  # fmt: skip


def _check_times(
    events: pd.DataFrame, tz: str | pd.Series, flags: _Problems
) -> tuple[pd.Series, np.ndarray]:
    """The raw ``at`` column and its UTC microseconds (-1 where unreadable)."""
    raw_at = events["at"].reset_index(drop=True)
    utc, bad_at, gap, fold = parse_office_times(raw_at, tz)
    at_us = utc.dt.tz_localize(None).to_numpy(dtype="datetime64[us]").astype(np.int64)
    at_us[utc.isna().to_numpy()] = -1
    flags.flag(bad_at, "at", raw_at, NOT_A_TIME)
    flags.flag(gap | fold, "at", raw_at, dst_problems(gap, fold, raw_at, tz))
    flags.flag(at_us > future_limit_us(), "at", raw_at, FUTURE_MESSAGE)
    flags.flag(
        raw_at.isna().to_numpy(),
        "at",
        raw_at,
        Message("the date-time is missing", N_("mancano data e ora")),
    )
    return raw_at, at_us


def _check_statuses(
    events: pd.DataFrame, flags: _Problems
) -> tuple[pd.Series, pd.Series, pd.Series | None, pd.Series | None]:
    """``(to_raw, to, from_raw, from)``: the status columns as given and as codes."""
    to_raw = _text(events, "to_status").reset_index(drop=True)
    to = _per_unique(to_raw, _code)
    flags.flag(
        to.isna().to_numpy(),
        "to_status",
        to_raw,
        Message("the new status is missing", N_("manca il nuovo stato")),
    )
    flags.flag(
        (to.notna() & ~to.isin(_STATUS_VALUES)).to_numpy(),
        "to_status",
        to_raw,
        one_of(_STATUS_VALUES),
    )
    if "from_status" not in events.columns:
        return to_raw, to, None, None
    fr_raw = _text(events, "from_status").reset_index(drop=True)
    fr = _per_unique(fr_raw, _code)
    flags.flag(
        (fr.notna() & ~fr.isin(_STATUS_VALUES)).to_numpy(),
        "from_status",
        fr_raw,
        Message(
            "{choices} (or empty for the first event)",
            N_("{choices} (o vuoto per il primo evento)"),
            choices=one_of(_STATUS_VALUES),
        ),
    )
    return to_raw, to, fr_raw, fr


def _check_actions(
    events: pd.DataFrame, to: pd.Series, actor: str, flags: _Problems
) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    """``(expected_action, note, target, actors)``, checked against the new status."""
    action_raw = _text(events, "action").reset_index(drop=True)
    action = _per_unique(action_raw, _code)
    expected_action = to.map({s.value: a for s, a in ACTIONS.items()})
    wrong_action = (
        action.notna() & expected_action.notna() & (action != expected_action)
    ).to_numpy(dtype=bool)
    message = np.full(len(wrong_action), None, dtype=object)
    message[wrong_action] = [
        Message("the action of a move to {status} is {action}",
                N_("l'azione di un passaggio a {status} è {action}"),
                status=code_said(s, quoted=True), action=code_said(a, quoted=True))
        for s, a in zip(to[wrong_action], expected_action[wrong_action], strict=True)
    ]  # fmt: skip
    flags.flag(wrong_action, "action", action_raw, message)
    note = _text(events, "note").reset_index(drop=True)
    target = _text(events, "target").reset_index(drop=True)
    is_fwd = (to == Status.FORWARDED.value).to_numpy()
    is_rej = (to == Status.REJECTED.value).to_numpy()
    flags.flag(is_fwd & target.isna().to_numpy(), "target", target,
               Message("forwarding needs the body or department it goes to (target)",
                       N_("l'inoltro richiede l'ente o l'ufficio a cui va (target)")))  # fmt: skip
    flags.flag((is_fwd | is_rej) & note.isna().to_numpy(), "note", note,
               Message("forwarding and rejecting need the reason (note)",
                       N_("l'inoltro e il rigetto richiedono il motivo (note)")))  # fmt: skip
    actors = _text(events, "actor").reset_index(drop=True).fillna(actor)
    return expected_action, note, target, actors


def _order_key(
    events: pd.DataFrame, cid: pd.Series, at_us: np.ndarray, flags: _Problems
) -> tuple[np.ndarray, bool]:
    """The key ordering each complaint's events (``seq`` when given, else ``at``)."""
    if "seq" not in events.columns:
        return np.where(at_us < 0, np.iinfo(np.int64).max, at_us).astype(float), False
    seq_raw = events["seq"].reset_index(drop=True)
    seq = pd.to_numeric(seq_raw, errors="coerce").to_numpy(dtype=float)
    bad_seq = np.isnan(seq) | (np.floor(seq) != seq)
    flags.flag(
        bad_seq,
        "seq",
        seq_raw,
        Message(
            "not a whole number (it orders the events)",
            N_("non è un numero intero (ordina gli eventi)"),
        ),
    )
    dup = (
        pd.DataFrame({"c": flags.ids, "s": seq}).duplicated(keep=False).to_numpy()
        & ~bad_seq
        & cid.notna().to_numpy()
    )
    flags.flag(
        dup,
        "seq",
        seq_raw,
        Message(
            "two events of this complaint have the same seq",
            N_("due eventi di questo reclamo hanno lo stesso seq"),
        ),
    )
    return np.where(bad_seq, np.inf, seq), True


# -- each complaint's history, in order ---------------------------------------------


def _check_histories(ev: _Events, flags: _Problems) -> _Order:
    """Check each complaint's sequence of statuses (and of dates, given ``seq``)."""
    n = len(ev.rows)
    order = np.lexsort((ev.rows, ev.key, ev.cid.fillna("").to_numpy(dtype=object).astype(str)))
    o_cid = ev.cid_arr[order]
    o_to = ev.to.to_numpy(dtype=object)[order]
    first = np.ones(n, dtype=bool)
    if n:
        first[1:] = o_cid[1:] != o_cid[:-1]
    prev_to = np.empty(n, dtype=object)
    if n:
        prev_to[1:] = o_to[:-1]
    prev_to[first] = None
    o_fr = ev.fr.to_numpy(dtype=object)[order] if ev.fr is not None else prev_to
    check = pd.DataFrame(
        {
            "complaint_id": o_cid,
            "seq": np.arange(n),
            "from_status": pd.Series(o_fr, dtype=object).where(pd.notna(o_fr), None),
            "to_status": pd.Series(o_to, dtype=object).fillna("?"),
        }
    )
    in_scope = ~ev.orphan[order] & pd.notna(o_cid)
    bad_hist = validate_history(check[in_scope])
    if len(bad_hist):
        pos = bad_hist["seq"].to_numpy(dtype=np.int64)
        mask = np.zeros(n, dtype=bool)
        mask[order[pos]] = True
        message = np.empty(n, dtype=object)
        message[order[pos]] = bad_hist["problem"].to_numpy(dtype=object)
        column = np.empty(n, dtype=object)
        column[order[pos]] = np.where(
            bad_hist["problem"].str.startswith("starts from").to_numpy(dtype=bool),
            "from_status",
            "to_status",
        )
        fr_src = ev.fr_raw if ev.fr_raw is not None else ev.to_raw
        for col, src in (("from_status", fr_src), ("to_status", ev.to_raw)):
            flags.flag(mask & (column == col), col, src, message)
    hist = _Order(order=order, first=first, prev_to=prev_to)
    if ev.has_seq and n:
        _check_dates_in_order(ev, hist, flags)
    return hist


def _check_dates_in_order(ev: _Events, hist: _Order, flags: _Problems) -> None:
    """Flag an event dated before the one that precedes it in ``seq`` order."""
    n = len(ev.rows)
    order = hist.order
    o_at = ev.at_us[order]
    earlier = np.zeros(n, dtype=bool)
    o_ok = (o_at >= 0) & np.isfinite(ev.key[order])
    earlier[1:] = ~hist.first[1:] & o_ok[1:] & o_ok[:-1] & (o_at[1:] < o_at[:-1])
    mask = np.zeros(n, dtype=bool)
    mask[order[earlier]] = True
    msg = np.empty(n, dtype=object)
    prev_row = np.empty(n, dtype=np.int64)
    prev_row[1:] = ev.rows[order][:-1]
    msg[order[earlier]] = [
        Message("dated before the previous event of this complaint (events row {row})",
                N_("con data anteriore all'evento precedente di questo reclamo "
                   "(riga {row} degli eventi)"), row=int(r))
        for r in prev_row[earlier]
    ]  # fmt: skip
    flags.flag(mask, "at", ev.raw_at, msg)


# -- the complaints against their histories --------------------------------------


def _check_complaints(
    ev: _Events,
    hist: _Order,
    complaints: pd.DataFrame,
    ev_flags: _Problems,
    c_flags: _Problems,
) -> np.ndarray:
    """Check each complaint against its events; return each event's complaint index.

    The index is -1 for an event of no good complaint.
    """
    pos_of = pd.Index(c_flags.ids).get_indexer(ev.cid_arr)
    at_us = ev.at_us
    received = complaints["received_us"].to_numpy(dtype=np.int64)
    before = (pos_of >= 0) & (at_us >= 0)
    before[before] = at_us[before] < received[pos_of[before]]
    ev_flags.flag(
        before,
        "at",
        ev.raw_at,
        Message(
            "dated before the complaint was received (received_at)",
            N_("con data anteriore alla ricezione del reclamo (received_at)"),
        ),
    )

    order = hist.order
    m = len(complaints)
    o_pos = pos_of[order]
    valid = o_pos >= 0
    counts = np.bincount(o_pos[valid], minlength=m)
    c_flags.flag(
        counts == 0,
        "id",
        c_flags.ids,
        Message(
            "no events for this complaint in the events table",
            N_("nessun evento per questo reclamo nella tabella degli eventi"),
        ),
    )
    o_valid = order[valid]
    derived = _derived(
        o_pos[valid],
        ev.to.to_numpy(dtype=object)[o_valid],
        at_us[o_valid],
        ev.note.to_numpy(dtype=object)[o_valid],
        ev.target.to_numpy(dtype=object)[o_valid],
        m,
    )
    _compare(c_flags.flag, complaints, derived, counts > 0)
    return pos_of


# -- reject whole complaints; list every event row not imported ---------------------


def _reject(
    ev: _Events, pos_of: np.ndarray, all_ids: np.ndarray, ev_flags: _Problems, c_flags: _Problems
) -> tuple[np.ndarray, np.ndarray]:
    """``(keep, ok_event)``: the complaints to import and the events to write.

    A complaint with a faulty event is rejected; every event not imported is
    listed.
    """
    m = len(c_flags.ids)
    bad_ev_rows = ev_flags.collected()["row"].to_numpy(dtype=np.int64) - 1
    bad_in_good = pos_of[bad_ev_rows]
    bad_in_good = bad_in_good[bad_in_good >= 0]
    if len(bad_in_good):
        hit = np.zeros(m, dtype=bool)
        hit[bad_in_good] = True
        listed = (
            pd.DataFrame({"p": pos_of[bad_ev_rows], "r": bad_ev_rows + 1})
            .query("p >= 0")
            .drop_duplicates()
            .sort_values(["p", "r"])
            .groupby("p")["r"]
            .agg(lambda r: ", ".join(map(str, r)))
        )
        msg = np.empty(m, dtype=object)
        msg[listed.index.to_numpy()] = [
            Message("its history has problems (events rows {rows})",
                    N_("la sua storia ha problemi (righe {rows} degli eventi)"), rows=rows)
            for rows in listed
        ]  # fmt: skip
        c_flags.flag(hit, "events", np.full(m, None, dtype=object), msg)
    c_table = c_flags.collected()
    keep = np.ones(m, dtype=bool)
    if len(c_table):
        keep &= ~pd.Index(c_flags.ids).isin(c_table["id"].dropna())

    # events of complaints not imported, not listed yet
    n = len(ev.rows)
    row_of_id = pd.Series(
        np.arange(1, len(all_ids) + 1), index=pd.Index(all_ids, dtype=object)
    ).loc[lambda s: ~s.index.duplicated()]
    ok_event = (pos_of >= 0) & keep[np.where(pos_of >= 0, pos_of, 0)]
    listed_ev = np.zeros(n, dtype=bool)
    listed_ev[bad_ev_rows] = True
    dropped = ~ok_event & ~listed_ev
    if dropped.any():
        crow = row_of_id.reindex(ev.cid_arr[dropped]).to_numpy()
        msg = np.empty(n, dtype=object)
        msg[dropped] = [
            Message("not imported: its complaint (complaints row {row}) was rejected",
                    N_("non importato: il suo reclamo (riga {row} dei reclami) è stato scartato"),
                    row=int(r))
            for r in crow
        ]  # fmt: skip
        ev_flags.flag(dropped, "complaint_id", ev.cid, msg)
    return keep, ok_event


# -- the events to write, in write order ----------------------------------------------


def _events_to_write(ev: _Events, hist: _Order, ok_event: np.ndarray) -> pd.DataFrame:
    """The events of the imported complaints, in write order."""
    order, rows = hist.order, ev.rows
    write = order[ok_event[order]]
    if ev.has_seq:
        write = write[np.lexsort((rows[write], ev.key[write]))]
    else:
        write = write[np.lexsort((rows[write], ev.at_us[write]))]
    out_fr = np.empty(len(rows), dtype=object)
    out_fr[order] = hist.prev_to
    return pd.DataFrame(
        {
            "row": rows[write],
            "complaint_id": ev.cid_arr[write],
            "at_us": ev.at_us[write],
            "actor": ev.actors.to_numpy(dtype=object)[write],
            "action": ev.expected_action.to_numpy(dtype=object)[write],
            "from_status": out_fr[write],
            "to_status": ev.to.to_numpy(dtype=object)[write],
            "note": ev.note.fillna("").to_numpy(dtype=object)[write],
            "target": ev.target.to_numpy(dtype=object)[write],
        }
    )


def _derived(
    pos: np.ndarray, to: np.ndarray, at: np.ndarray, note: np.ndarray, target: np.ndarray, m: int
) -> dict[str, np.ndarray]:
    """Per complaint (``pos``: its index), from events already in history order."""

    # events arrive grouped by complaint, in history order
    def edge(p: np.ndarray, last: bool) -> np.ndarray:
        mask = np.ones(len(p), dtype=bool)
        if last:
            mask[:-1] = p[:-1] != p[1:]
        else:
            mask[1:] = p[1:] != p[:-1]
        return mask

    out: dict[str, np.ndarray] = {}
    status = np.full(m, None, dtype=object)
    e = edge(pos, last=True)
    status[pos[e]] = to[e]
    out["status"] = status

    def at_of(sel: np.ndarray, last: bool) -> tuple[np.ndarray, np.ndarray]:
        p = pos[sel]
        e = edge(p, last)
        when = np.full(m, -1, dtype=np.int64)
        when[p[e]] = at[sel][e]
        return when, np.flatnonzero(sel)[e]

    out["answered_us"] = at_of(to == Status.ANSWERED.value, last=False)[0]
    out["closed_us"] = at_of(to == Status.CLOSED.value, last=True)[0]
    outcome_at, idx = at_of(np.isin(to, OUTCOMES), last=True)
    outcome = np.full(m, None, dtype=object)
    onote = np.full(m, None, dtype=object)
    otarget = np.full(m, None, dtype=object)
    outcome[pos[idx]] = to[idx]
    onote[pos[idx]] = note[idx]
    otarget[pos[idx]] = target[idx]
    out.update(outcome=outcome, outcome_us=outcome_at, outcome_note=onote, outcome_target=otarget)
    return out


def _compare(
    cflag: Any, complaints: pd.DataFrame, derived: dict[str, np.ndarray], has: np.ndarray
) -> None:
    """Flag complaint cells that contradict their history."""
    for col, what in _SAID_BY_EVENTS:
        given = complaints[col].to_numpy(dtype=object)
        mine = derived[col]
        present = pd.notna(given) & has
        differ = present & (given != mine)
        if differ.any():
            message = np.full(len(differ), None, dtype=object)
            message[differ] = [what(_value_said(v, col)) for v in mine[differ]]
            cflag(differ, col, given, message)
    for col, us_col, what in _DATED_BY_EVENTS:
        given_us = complaints[us_col].to_numpy(dtype=np.int64)
        mine_us = derived[us_col]
        differ = (given_us >= 0) & has & (given_us != mine_us)
        if not differ.any():
            continue
        message = np.full(len(differ), None, dtype=object)
        given_text = np.full(len(differ), "", dtype=object)
        message[differ] = [what(w or _NEVER) for w in _iso(mine_us[differ])]
        given_text[differ] = _iso(given_us[differ])
        cflag(differ, col, given_text, message)


#: Said when the events have no such step.
_NEVER = Message("never (no such event)", N_("mai (nessun evento di questo tipo)"))


def _value_said(value: object, col: str) -> object:
    """A value the events give: a status or outcome with its word, a text quoted."""
    if value is None:
        return NOTHING
    return code_said(value, quoted=True) if col in ("status", "outcome") else repr(value)


def _said_as(english: str, msgid: str) -> Any:
    """``english`` + ``{value}`` as a message maker (``msgid``: its Italian)."""
    return lambda value: Message(english + " {value}", msgid, value=value)


#: The complaint columns the events say, and the message of a difference.
_SAID_BY_EVENTS = (
    ("status", _said_as("the events end in", N_("gli eventi finiscono in {value}"))),
    ("outcome", _said_as("the last answer, forward or rejection in the events is",
                         N_("l'ultima risposta, inoltro o rigetto negli eventi è {value}"))),
    ("outcome_note", _said_as(
        "the reason of the last forward or rejection in the events is",
        N_("il motivo dell'ultimo inoltro o rigetto negli eventi è {value}"))),
    ("outcome_target", _said_as("the last forward in the events went to",
                                N_("l'ultimo inoltro negli eventi è andato a {value}"))),
)  # fmt: skip
#: The complaint date columns the events say, their microseconds, and the message.
_DATED_BY_EVENTS = (
    ("answered_at", "answered_us", _said_as("the first answer in the events is at",
                                            N_("la prima risposta negli eventi è del {value}"))),
    ("closed_at", "closed_us", _said_as("the last closing in the events is at",
                                        N_("l'ultima chiusura negli eventi è del {value}"))),
    ("outcome_at", "outcome_us",
     _said_as("the last answer, forward or rejection in the events is at",
              N_("l'ultima risposta, inoltro o rigetto negli eventi è del {value}"))),
)  # fmt: skip
