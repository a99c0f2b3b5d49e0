"""Copying a SQLite register into PostgreSQL, and proving the copy is whole.

:func:`migrate_register` reads every complaint, event, contact and
protocol counter of a SQLite register, writes them into an empty register
on PostgreSQL in one transaction (``COPY``), then reads both back and
compares counts and, for every complaint, a SHA-256 checksum of its row and
its whole history (:func:`history_checksums`). Event numbers are not
compared (PostgreSQL numbers them anew, in the same order).
"""

from __future__ import annotations

import hashlib

import attrs
import numpy as np
import pandas as pd

from qualitapa.complaints._chain import LOCATION_FIELDS
from qualitapa.complaints._register import _COMPLAINT_COLS, _EVENT_COLS, ComplaintRegister
from qualitapa.errors import DataError, Message
from qualitapa.i18n import N_

#: What a history's checksum covers: the complaint's row, then its events in order.
_SEP = "\x1f"


@attrs.frozen
class MigrationReport:
    """What a migration copied, and what its check found.

    Attributes
    ----------
    complaints, events, contacts, counters
        Rows in the source register (and written to the target).
    target_complaints, target_events, target_contacts
        Rows read back from the target.
    histories_checked
        Complaints whose checksum was compared.
    mismatched
        Ids of the complaints whose history differs (or is missing) in the
        target, sorted; empty when the copy is whole.
    """

    complaints: int
    events: int
    contacts: int
    counters: int
    target_complaints: int
    target_events: int
    target_contacts: int
    histories_checked: int
    mismatched: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """True when counts and every history's checksum match."""
        return not self.mismatched and (
            self.complaints,
            self.events,
            self.contacts,
        ) == (self.target_complaints, self.target_events, self.target_contacts)


def history_checksums(register: ComplaintRegister) -> pd.Series:
    """SHA-256 (hex) of each complaint's row and whole history, by complaint id.

    The row's fields (times as UTC microseconds, locations as their
    shortest decimal text) and each event's fields but its ``seq``, in the
    history's order, joined by U+001F; a missing value is distinct from an
    empty text.

    Examples
    --------
    >>> import datetime as dt
    >>> from qualitapa.complaints import Complaint
    >>> with ComplaintRegister(":memory:") as reg:
    ...     _ = reg.add(Complaint("2024/1", "praise", "web", "libraries",
    ...                           dt.datetime(2024, 1, 8, 9, tzinfo=dt.timezone.utc)))
    ...     sums = history_checksums(reg)
    >>> sums.index.tolist(), len(sums["2024/1"])
    (['2024/1'], 64)
    """
    complaints = register.complaints_frame()
    events = register.events_frame().sort_values("seq", kind="stable")
    rows = _joined(complaints, ["id", *_COMPLAINT_COLS[1:6], "received_at", "description",
                                *LOCATION_FIELDS])  # fmt: skip
    lines = _joined(events, ["complaint_id", "at", *_EVENT_COLS[2:]])
    history = pd.Series(lines.to_numpy(), index=events["complaint_id"].to_numpy())
    joined = history.groupby(level=0, sort=False).agg("\n".join)
    text = pd.Series(rows.to_numpy(), index=complaints["id"].to_numpy()) + "\n"
    text = text + joined.reindex(text.index).fillna("")
    return text.map(lambda t: hashlib.sha256(t.encode("utf-8", "surrogatepass")).hexdigest())


def _joined(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    """Each row's values as one text (missing as U+0000, times as UTC microseconds)."""
    parts = []
    for col in columns:
        values = frame[col]
        if isinstance(values.dtype, pd.DatetimeTZDtype):
            us = values.to_numpy(dtype="datetime64[us]").astype(np.int64)
            parts.append(pd.Series(us.astype(str), index=frame.index))
            continue
        missing = values.isna()
        if pd.api.types.is_float_dtype(values.dtype):
            shown = values.map(lambda v: repr(float(v)), na_action="ignore")
        else:
            shown = values.astype(object)
        parts.append(shown.where(~missing, "\x00").astype(str))
    out = parts[0]
    for part in parts[1:]:
        out = out + _SEP + part
    return out


def migrate_register(source: ComplaintRegister, target: ComplaintRegister) -> MigrationReport:
    """Copy every complaint, event, contact and protocol counter of ``source`` into ``target``.

    ``target`` must be empty (a register on PostgreSQL, usually); the copy
    is one transaction (nothing is left half-copied). Then both are read
    back and compared: see :class:`MigrationReport` (``ok``).

    Raises
    ------
    DataError
        ``target`` already holds complaints, or ``source`` fails its own
        :meth:`~ComplaintRegister.check` (its problems are named: copying a
        damaged history would hide the damage).
    """
    if len(target):
        raise DataError(
            Message(
                "the target register already holds {n} complaints: migrate into an empty "
                "register",
                N_("il registro di destinazione contiene già {n} reclami: copiare in un "
                   "registro vuoto"),
                n=len(target),
            ),
            source=target.path,
        )  # fmt: skip
    problems = source.check()
    if problems:
        raise DataError(
            Message(
                "the register to copy has {n} problem(s), the first: {first} (see "
                "'qualitapa complaints check')",
                N_("il registro da copiare ha {n} problemi, il primo: {first} (vedere "
                   "'qualitapa complaints check')"),
                n=len(problems),
                first=problems[0],
            ),
            source=source.path,
        )  # fmt: skip
    db = source._db
    comp = _columns(
        db.execute(f"SELECT {source._complaint_columns('')} FROM complaints").fetchall(),
        [*_COMPLAINT_COLS, *LOCATION_FIELDS],
    )
    events = _columns(
        db.execute(f"SELECT {', '.join(_EVENT_COLS)} FROM events ORDER BY seq").fetchall(),
        list(_EVENT_COLS),
    )
    contacts = db.execute(
        "SELECT complaint_id, name, email, phone, address FROM contacts"
    ).fetchall()
    counters = []
    if source.schema_version >= 4:
        counters = db.execute("SELECT organization, year, last FROM protocol_counters").fetchall()
    with target._write() as out:
        target._append(out, comp, events)
        if contacts:
            out.executemany("INSERT INTO contacts VALUES (?, ?, ?, ?, ?)", contacts)
        if counters:
            out.executemany("INSERT INTO protocol_counters VALUES (?, ?, ?)", counters)
    before, after = history_checksums(source), history_checksums(target)
    differ = before.index[before.ne(after.reindex(before.index)).to_numpy()]
    extra = after.index.difference(before.index)
    n_contacts = int(target._db.execute("SELECT count(*) FROM contacts").fetchone()[0])
    return MigrationReport(
        complaints=len(comp["id"]),
        events=len(events["complaint_id"]),
        contacts=len(contacts),
        counters=len(counters),
        target_complaints=len(target),
        target_events=len(target.events_frame()),
        target_contacts=n_contacts,
        histories_checked=len(before),
        mismatched=tuple(sorted(map(str, [*differ, *extra]))),
    )


def _columns(rows: list[tuple[object, ...]], names: list[str]) -> dict[str, list[object]]:
    """Rows as columns (empty lists for no rows)."""
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in names]
    return {name: list(col) for name, col in zip(names, columns, strict=True)}
