"""The hash chain over the register's history: tampering becomes detectable.

Every write transaction (an added complaint, a change of state, an import)
appends one *link* to the ``chain`` table: the events it wrote (a range of
``seq``), when, and ``hash = SHA-256(previous hash || block)``. The block
serialises, in a fixed binary layout, the events of the range and the
complaint rows whose first event is in the range, so changing, removing or
inserting any event or complaint row after it was written changes the
block and no longer matches its link (:func:`verify_chain`). The first
link follows 32 zero bytes.

Block layout (all integers little-endian signed 64-bit)::

    b"qualitapa complaint register, hash chain v1\\n"
    previous hash (32 bytes)
    first_seq, last_seq, written_us, number of events, number of complaints
    the events of the range by seq, column by column:
        seq, complaint_id, at_us, actor, action, from_status, to_status, note, target
    the complaints whose first event is in the range, by that event, column by column:
        id, kind, channel, service, category, organization, received_us, description

Since schema 4 a complaint may carry where the problem is (``latitude,
longitude, address, media_url``). A block whose complaints carry any of
them adds, after the complaints, ``b"location"`` and those four columns
(the numbers as their shortest decimal text), in the same order: blocks
without a location hash as before, so older links still verify, and a
location written into an older complaint later no longer matches its link.

An integer column is its values. A text column is ``J``, the NULL
bitmap (``numpy.packbits``), then the UTF-8 of the values (NULL as empty)
joined by U+001F; when a value holds U+001F, ``L``, the bitmap, each
value's length in characters, then the values joined without separator.

A link is as strong as SHA-256 against someone who changes the file
without recomputing the chain. Someone who can write the file can also
recompute every later link: keep the head (:func:`chain_head`) somewhere
else (a report, a letter, a second system) and check the register against
it (``ComplaintRegister.check(anchor=...)``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import sqlite3
import struct
import zoneinfo
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

import attrs
import numpy as np
import pandas as pd

from qualitapa.complaints._calendar import DEFAULT_TZ
from qualitapa.errors import N_, Message

if TYPE_CHECKING:
    from qualitapa.i18n import Translator

#: The "previous hash" of the first link.
GENESIS = bytes(32)
_DOMAIN = b"qualitapa complaint register, hash chain v1\n"
EVENT_FIELDS = (
    "seq", "complaint_id", "at_us", "actor", "action", "from_status", "to_status", "note", "target"
)  # fmt: skip
COMPLAINT_FIELDS = (
    "id", "kind", "channel", "service", "category", "organization", "received_us", "description"
)  # fmt: skip
#: The complaint's location (schema 4), hashed only in blocks that carry one.
LOCATION_FIELDS = ("latitude", "longitude", "address", "media_url")
_NUMBERS = frozenset({"latitude", "longitude"})
_INTEGERS = frozenset({"seq", "at_us", "received_us"})


@attrs.frozen
class ChainHead:
    """The last link of a register's hash chain.

    Attributes
    ----------
    seq
        The last event it covers.
    hash
        The link's SHA-256, as 64 hexadecimal digits: write it down
        elsewhere and pass it to ``ComplaintRegister.check(anchor=...)``
        later.
    written_at
        When that link was written (UTC).
    """

    seq: int
    hash: str
    written_at: dt.datetime


#: Up to this many values a column is hashed value by value in plain Python (a
#: clerk's write has one event; most links check() verifies are that small):
#: numpy and pandas cost more to set up than they save on so few. Longer
#: columns, and any value that is not what qualitapa writes, go vectorised.
_SMALL = 64


def _integers(values: Sequence[Any] | np.ndarray) -> bytes:
    if len(values) <= _SMALL and all(type(v) is int for v in values):
        with contextlib.suppress(struct.error):  # out of range: numpy says so
            return struct.pack(f"<{len(values)}q", *values)
    return np.asarray(values, dtype=np.int64).astype("<i8").tobytes()


_SEP = "\x1f"  # the ASCII unit separator


def _texts(values: Sequence[Any] | np.ndarray) -> bytes:
    """A text column's bytes in the block (see the module's docs)."""
    if len(values) <= _SMALL:
        few = _few_texts(values)
        if few is not None:
            return few
    return _column_texts(values)


def _few_texts(values: Sequence[Any] | np.ndarray) -> bytes | None:
    """:func:`_column_texts` of a short column of ``str`` and None, value by value.

    None when a value is anything else (NaN, a number, a subclass of str):
    the vectorised path says what it is.
    """
    n = len(values)
    bits = 0  # the NULL bitmap, first value first
    filled: list[str] = []
    for v in values:
        bits <<= 1
        if v is None:
            bits |= 1
            filled.append("")
        elif type(v) is str:
            filled.append(v)
        else:
            return None
    # as numpy.packbits: the first value is the high bit of the first byte, zeros pad the last
    bitmap = (bits << (-n % 8)).to_bytes((n + 7) // 8, "big")
    joined = _SEP.join(filled)
    if joined.count(_SEP) == max(n - 1, 0):
        return b"J" + bitmap + joined.encode("utf-8", "surrogatepass")
    lengths = struct.pack(f"<{n}q", *map(len, filled))
    return b"L" + bitmap + lengths + "".join(filled).encode("utf-8", "surrogatepass")


def _column_texts(values: Sequence[Any] | np.ndarray) -> bytes:
    """A text column's bytes, vectorised (any length, any values)."""
    column = np.asarray(values, dtype=object)
    missing = pd.isna(column)
    filled = np.where(missing, "", column) if missing.any() else column
    nulls = np.packbits(missing).tobytes()
    try:
        joined = _SEP.join(filled)
    except TypeError:  # a value that is not text: not written by qualitapa
        joined = None
    if joined is not None and joined.count(_SEP) == max(len(filled) - 1, 0):
        return b"J" + nulls + joined.encode("utf-8", "surrogatepass")
    # some value holds the separator (or is not text): each value's length first
    filled = np.array(
        [v if isinstance(v, str) else f"\x00{type(v).__name__}:{v}" for v in filled],
        dtype=object,
    )
    lengths = np.fromiter(map(len, filled), dtype="<i8", count=len(filled))
    return b"L" + nulls + lengths.tobytes() + "".join(filled).encode("utf-8", "surrogatepass")


def block_hash(
    previous: bytes,
    first_seq: int,
    last_seq: int,
    written_us: int,
    events: Mapping[str, Sequence[Any] | np.ndarray],
    complaints: Mapping[str, Sequence[Any] | np.ndarray],
) -> bytes:
    """The link of one block: SHA-256 of the previous hash and the block's layout.

    ``events`` and ``complaints`` map field names (:data:`EVENT_FIELDS`,
    :data:`COMPLAINT_FIELDS`) to equally long columns, in chain order.
    """
    n_events = len(events["seq"])
    n_complaints = len(complaints["id"])
    h = hashlib.sha256(_DOMAIN)
    h.update(previous)
    h.update(struct.pack("<5q", first_seq, last_seq, written_us, n_events, n_complaints))
    for fields, columns in ((EVENT_FIELDS, events), (COMPLAINT_FIELDS, complaints)):
        for name in fields:
            column = columns[name]
            h.update(_integers(column) if name in _INTEGERS else _texts(column))
    _hash_location(h, complaints)
    return h.digest()


def _hash_location(h: Any, complaints: Mapping[str, Sequence[Any] | np.ndarray]) -> None:
    """Add the complaints' locations to the block, when any of them has one."""
    if not all(f in complaints for f in LOCATION_FIELDS):
        return
    columns = {f: complaints[f] for f in LOCATION_FIELDS}
    if all(_all_missing(v) for v in columns.values()):
        return
    h.update(b"location")
    for name, column in columns.items():
        if name in _NUMBERS:
            column = [None if pd.isna(v) else repr(float(v)) for v in column]
        h.update(_texts(column))


def _all_missing(column: Sequence[Any] | np.ndarray) -> bool:
    """Whether every value is missing (None, NaN...): a short column of Nones at a glance."""
    if len(column) <= _SMALL and all(v is None for v in column):
        return True
    return bool(pd.isna(np.asarray(column, dtype=object)).all())


def chain_head(db: sqlite3.Connection) -> ChainHead | None:
    """The last link, or None when the register has no chain (yet)."""
    if not _has_chain(db):
        return None
    row = db.execute(
        "SELECT last_seq, hash, written_us FROM chain ORDER BY last_seq DESC LIMIT 1"
    ).fetchone()
    if row is None:
        return None
    return ChainHead(int(row[0]), bytes(row[1]).hex(), _from_us(int(row[2])))


def _has_chain(db: sqlite3.Connection) -> bool:
    found = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'chain'")
    return found.fetchone() is not None


def _from_us(us: int) -> dt.datetime:
    return dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=us)


class _Instant(Message):
    """A link's time: ISO in UTC as English text, the zone's local time in the reader's words."""

    instant: dt.datetime
    zone: str

    def __new__(cls, instant: dt.datetime, zone: str) -> _Instant:
        text = cast("_Instant", super().__new__(cls, instant.isoformat(timespec="seconds"), ""))
        text.instant, text.zone = instant, zone
        return text

    def render(self, t: Translator) -> str:
        """``2 dic 2026, 12:22:54``: the medium date and time of ``t``'s locale, in the zone."""
        from babel.dates import format_datetime

        local = self.instant.astimezone(zoneinfo.ZoneInfo(self.zone))
        return str(format_datetime(local, "medium", locale=t.locale))


def _written(us: Any, zone: str = DEFAULT_TZ) -> str:
    """When a link says it was written; a damaged value as it is (it cannot be a time)."""
    try:
        return _Instant(_from_us(int(us)), zone)
    except (TypeError, ValueError, OverflowError):
        return Message(
            "at {value}, not a time", N_("il {value}, che non è un istante"), value=repr(us)
        )


def _now_us() -> int:
    delta = dt.datetime.now(dt.UTC) - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def has_location(db: sqlite3.Connection) -> bool:
    """Whether the register's complaints have the location columns (schema 4)."""
    return any(r[1] == "latitude" for r in db.execute("PRAGMA table_info(complaints)"))


def _read(db: sqlite3.Connection) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Events by seq and complaints with the seq of their first event, as stored."""
    fields = (*COMPLAINT_FIELDS, *LOCATION_FIELDS) if has_location(db) else COMPLAINT_FIELDS
    events = pd.DataFrame.from_records(
        db.execute(f"SELECT {', '.join(EVENT_FIELDS)} FROM events ORDER BY seq").fetchall(),
        columns=list(EVENT_FIELDS),
        coerce_float=False,
    )
    complaints = pd.DataFrame.from_records(
        db.execute(
            f"SELECT {', '.join('c.' + f for f in fields)}, f.first_seq "
            "FROM complaints c JOIN (SELECT complaint_id, MIN(seq) AS first_seq FROM events "
            "GROUP BY complaint_id) f ON f.complaint_id = c.id ORDER BY f.first_seq"
        ).fetchall(),
        columns=[*fields, "first_seq"],
        coerce_float=False,
    )
    return events, complaints


def append_link(
    db: sqlite3.Connection,
    first_seq: int,
    events: Mapping[str, Sequence[Any]],
    complaints: Mapping[str, Sequence[Any]],
) -> None:
    """Append the link of the events just written (inside their transaction)."""
    row = db.execute("SELECT hash FROM chain ORDER BY last_seq DESC LIMIT 1").fetchone()
    previous = GENESIS if row is None else bytes(row[0])
    last_seq = first_seq + len(events["seq"]) - 1
    written = _now_us()
    digest = block_hash(previous, first_seq, last_seq, written, events, complaints)
    db.execute("INSERT INTO chain VALUES (?, ?, ?, ?)", (last_seq, first_seq, written, digest))


def rebuild_chain(db: sqlite3.Connection) -> None:
    """Link every event not yet in the chain, as one block (used by the migration).

    The chain vouches for the register from then on, not for what happened
    before: run :meth:`ComplaintRegister.check` first.
    """
    row = db.execute("SELECT MAX(last_seq) FROM chain").fetchone()
    done = int(row[0] or 0)
    if db.execute("SELECT 1 FROM events WHERE seq > ? LIMIT 1", (done,)).fetchone() is None:
        return  # nothing to link (a new register): no tables read
    events, complaints = _read(db)
    events = events[events["seq"] > done]
    if events.empty:
        return
    complaints = complaints[complaints["first_seq"] > done]
    append_link(
        db,
        done + 1,
        {f: events[f].tolist() for f in EVENT_FIELDS},
        {f: complaints[f].tolist() for f in complaints.columns if f != "first_seq"},
    )
    # the migration's block starts at done + 1 even when events were missing
    # there; the block's own seq values say which were present


def _stored_columns(
    events: pd.DataFrame, complaints: pd.DataFrame
) -> tuple[dict[str, list[Any]], dict[str, list[Any]]]:
    """The columns of :func:`_read`'s frames as lists for the links' blocks.

    A text NULL is None (pandas reads it as NaN: a block hashes both alike
    as missing, but the value-by-value path takes only None); lists, as a
    link's slice of a list is cheaper than of an array; the location left
    out when no complaint has one (then no block hashes it).
    """

    def stored(frame: pd.DataFrame, name: str) -> list[Any]:
        values = frame[name].to_numpy(dtype=object, copy=True)
        if name not in _INTEGERS:
            values[pd.isna(values)] = None
        return values.tolist()

    ev_cols = {f: stored(events, f) for f in EVENT_FIELDS}
    c_cols = {f: stored(complaints, f) for f in complaints.columns if f != "first_seq"}
    if all(_all_missing(c_cols[f]) for f in LOCATION_FIELDS if f in c_cols):
        for f in LOCATION_FIELDS:
            c_cols.pop(f, None)
    return ev_cols, c_cols


def _mismatch(first_seq: object, last_seq: object, cid: object, when: str) -> Message:
    """A link that does not match its events: one event, or several written together."""
    if first_seq == last_seq:
        return Message(
            "event {seq} (complaint {complaint}, written {when}) does not match its "
            "hash-chain link: the event or its complaint was changed after it was "
            "written",
            N_(
                "l'evento {seq} (reclamo {complaint}, scritto {when}) non corrisponde "
                "al suo anello della catena di hash: l'evento o il suo reclamo è "
                "stato modificato dopo essere stato scritto"
            ),
            seq=first_seq,
            complaint=cid,
            when=when,
        )
    return Message(
        "events {first}-{last} (written together {when}) do not match their "
        "hash-chain link: one of them or of their complaints was changed after "
        "they were written",
        N_(
            "gli eventi {first}-{last} (scritti insieme {when}) non corrispondono "
            "al loro anello della catena di hash: uno di essi o dei loro reclami "
            "è stato modificato dopo essere stato scritto"
        ),
        first=first_seq,
        last=last_seq,
        when=when,
    )


def verify_chain(
    db: sqlite3.Connection,
    *,
    with_chain: bool = True,
    anchor: str | None = None,
    tz: str = DEFAULT_TZ,
) -> list[str]:
    """Problems of the chain: links that do not match, events outside it, a missing anchor.

    ``with_chain``: the register's schema has the chain (version 3 or later).
    The problems are :class:`~qualitapa.errors.Message` (English text, said
    in the reader's language); a link's time is said in ``tz``.
    """
    if with_chain and not _has_chain(db):
        return [
            Message(
                "protection removed: the hash chain (table chain) was deleted",
                N_("protezione rimossa: la catena di hash (tabella chain) è stata cancellata"),
            )
        ]
    if not with_chain:
        return [
            Message(
                "the register has no hash chain (written by an older qualitapa): open it for "
                "writing once (e.g. 'qualitapa complaints upgrade') to add it",
                N_(
                    "il registro non ha la catena di hash (scritto da una versione precedente di "
                    "qualitapa): aprirlo una volta in scrittura (per esempio con 'qualitapa "
                    "complaints upgrade') per aggiungerla"
                ),
            )
        ]
    links = db.execute(
        "SELECT first_seq, last_seq, written_us, hash FROM chain ORDER BY last_seq"
    ).fetchall()
    events, complaints = _read(db)
    seqs = events["seq"].to_numpy(dtype=np.int64) if len(events) else np.empty(0, np.int64)
    first = complaints["first_seq"].to_numpy(dtype=np.int64) if len(complaints) else seqs[:0]
    ev_cols, c_cols = _stored_columns(events, complaints)
    problems: list[str] = []
    previous = GENESIS
    covered = 0
    hashes: set[str] = set()
    for first_seq, last_seq, written_us, stored in links:
        stored = bytes(stored)
        if first_seq != covered + 1:
            problems.append(
                Message(
                    "the hash chain is cut: after event {covered} its next link starts at {first}",
                    N_(
                        "la catena di hash è interrotta: dopo l'evento {covered} il suo anello "
                        "successivo comincia da {first}"
                    ),
                    covered=covered,
                    first=first_seq,
                )
            )
        lo, hi = np.searchsorted(seqs, [first_seq, last_seq + 1])
        clo, chi = np.searchsorted(first, [first_seq, last_seq + 1])
        try:
            digest = block_hash(
                previous,
                int(first_seq),
                int(last_seq),
                int(written_us),
                {f: v[lo:hi] for f, v in ev_cols.items()},
                {f: v[clo:chi] for f, v in c_cols.items()},
            )
        except (TypeError, ValueError, OverflowError):  # a value of the wrong type
            digest = b""
        if digest != stored:
            cid = ev_cols["complaint_id"][lo] if hi > lo else "?"
            problems.append(_mismatch(first_seq, last_seq, cid, _written(written_us, tz)))
        hashes.add(stored.hex())
        previous = stored
        covered = max(covered, int(last_seq))
    later = seqs[seqs > covered]
    if len(later):
        problems.append(
            Message(
                "events {first}-{last} are not covered by the hash chain: they were written "
                "without qualitapa (or the chain was cut)",
                N_(
                    "gli eventi {first}-{last} non sono coperti dalla catena di hash: sono stati "
                    "scritti senza qualitapa (o la catena è stata interrotta)"
                ),
                first=int(later[0]),
                last=int(later[-1]),
            )
        )
    if anchor is not None and anchor.strip().lower() not in hashes:
        problems.append(
            Message(
                "the anchor {anchor}... is not in the hash chain: the history up to it was "
                "rewritten and the chain recomputed (or the anchor is of another register)",
                N_(
                    "l'ancora {anchor}... non è nella catena di hash: la storia fino a essa è "
                    "stata riscritta e la catena ricalcolata (o l'ancora è di un altro registro)"
                ),
                anchor=anchor.strip()[:12],
            )
        )
    return problems
