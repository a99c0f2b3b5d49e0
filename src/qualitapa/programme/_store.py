"""The durable store of a city's quality programme, on SQLite, with its history.

Design
------
* One file, WAL journal, ``busy_timeout``; every write is one ``BEGIN
  IMMEDIATE`` transaction (a killed process leaves nothing half-done). The
  connection, its errors and the write transaction are the complaint
  register's (:mod:`qualitapa._sqlite`); the schema is versioned and
  migrated on opening (:mod:`qualitapa.programme._schema`).
* Offices keep working in spreadsheets: :meth:`ProgrammeStore.import_sheet`
  compares an edited sheet with the store and appends what differs as new
  records (a new row ``added``, a row whose fields differ ``changed``), with
  who and when. Nothing is overwritten: the history keeps every version,
  and triggers refuse any UPDATE or DELETE of it.
* Conflicts are reported, never resolved by guessing: a row that left the
  sheet is kept (``missing``); a new row identical to a missing one but
  for its key is not added (``key_changed``, only for a unique match of at
  least two filled values: :func:`_renames`); a status history row edited
  in the sheet is not changed (``history_edited``); a done or cancelled
  activity set back without a note is not recorded
  (``reopened_without_note``).
* The people's names and e-mails (personal data) live apart, in the only
  changeable table (erasure, :meth:`ProgrammeStore.erase_person`), and can
  be pseudonymised on reading and export.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pandas as pd

from qualitapa._sqlite import SqliteStore, sqlite_errors
from qualitapa._workbooks import check_workbook
from qualitapa.errors import DataError
from qualitapa.programme._models import ActivityStatus
from qualitapa.programme._schema import SCHEMA
from qualitapa.programme._sheets import (
    REFERENCES,
    SHEETS,
    Sheet,
    check_sheet,
    empty_sheet,
    read_sheet,
    sheet,
)

#: The kinds of conflict an import reports (the ``kind`` column).
CONFLICT_KINDS = ("missing", "key_changed", "history_edited", "reopened_without_note")
#: The filled compared values a new row needs to be taken for a missing one renamed.
_RENAME_MIN_FILLED = 2
_CHANGE_COLUMNS = ["sheet", "row", "key", "action", "column", "old", "new"]
_CONFLICT_COLUMNS = ["sheet", "row", "key", "kind", "message", "detail"]
_COUNT_COLUMNS = ["sheet", "added", "changed", "unchanged", "conflicts"]
_STATUS_ORDER = {s.value: i for i, s in enumerate(ActivityStatus)}
_CLOSED = [s.value for s in ActivityStatus if s.is_closed]
#: The columns that name an activity in its status history.
_ACTIVITY = ("organization", "year", "activity")


@attrs.frozen
class ImportReport:
    """What an import did, sheet by sheet.

    Attributes
    ----------
    counts
        One row per sheet: ``sheet, added, changed, unchanged, conflicts``.
    changes
        One row per field written: ``sheet, row`` (1-based, in the sheet),
        ``key`` (the key values joined by ``/``), ``action`` (``added`` or
        ``changed``), ``column``, ``old``, ``new``; an added row has one row
        with no column.
    conflicts
        ``sheet, row, key, kind, message, detail``: what was not applied and
        why (:data:`CONFLICT_KINDS`); ``missing`` rows have no ``row``;
        ``detail`` holds the message's values (the stored key of a
        ``key_changed`` row, the columns of a ``history_edited`` one,
        ``status|date|new status`` of a ``reopened_without_note`` one).
    import_seq
        The number of the import in the store's history (None when nothing
        was written).
    """

    counts: pd.DataFrame
    changes: pd.DataFrame
    conflicts: pd.DataFrame
    import_seq: int | None = None

    @property
    def added(self) -> int:
        """Rows added, over all sheets."""
        return int(self.counts["added"].sum())

    @property
    def changed(self) -> int:
        """Rows changed, over all sheets."""
        return int(self.counts["changed"].sum())

    @property
    def unchanged(self) -> int:
        """Rows already in the store as they are."""
        return int(self.counts["unchanged"].sum())

    @property
    def has_changes(self) -> bool:
        """Whether the import wrote anything."""
        return self.added + self.changed > 0


def _key_text(key: Iterable[Any]) -> str:
    return json.dumps([None if k is None else str(k) for k in key], ensure_ascii=False)


def _key_label(key_json: str) -> str:
    return "/".join("" if k is None else str(k) for k in json.loads(key_json))


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _instant(at: dt.datetime | str | None) -> str:
    when = _now() if at is None else at
    if isinstance(when, str):
        when = dt.datetime.fromisoformat(when)
    if when.tzinfo is None:
        raise DataError(f"the time of an import needs a timezone, got {when.isoformat()}")
    return when.astimezone(dt.UTC).isoformat(timespec="seconds")


def _typed(frame: pd.DataFrame, spec: Sheet) -> pd.DataFrame:
    """The canonical text of a sheet as typed columns (dates, whole numbers, numbers)."""
    out = frame.copy()
    for column in spec.dates:
        out[column] = pd.to_datetime(out[column], format="ISO8601")
    for column in spec.integers:
        out[column] = pd.to_numeric(out[column]).astype("Int64")
    for column in spec.numbers:
        out[column] = pd.to_numeric(out[column]).astype(float)
    return out


class ProgrammeStore(SqliteStore):
    """A city's quality programme, durable, every change kept.

    Parameters
    ----------
    path
        The SQLite file (created if missing, unless ``readonly``), or
        ``":memory:"``.
    readonly
        Open for reading only: nothing is created, migrated or written.
    busy_timeout
        Seconds to wait for another process that holds the store.

    Raises
    ------
    DataError
        The file is another application's database (left untouched), a
        damaged store, newer than this qualitapa, locked beyond
        ``busy_timeout``, or missing when ``readonly``.

    Examples
    --------
    >>> store = ProgrammeStore(":memory:")
    >>> departments = pd.DataFrame({"organization": ["036023"], "department": ["S03"],
    ...     "name_it": ["Servizi demografici"], "kind": ["settore"]})
    >>> store.import_sheet("departments", departments, by="ufficio qualità").added
    1
    >>> store.import_sheet("departments", departments, by="ufficio qualità").has_changes
    False
    >>> store.table("departments")[["department", "name_it"]].values.tolist()
    [['S03', 'Servizi demografici']]
    >>> store.close()
    """

    store_schema = SCHEMA

    # -- connection ---------------------------------------------------------------------
    @property
    def schema_version(self) -> int:
        """The schema version of the file."""
        return int(self._db.execute("SELECT MAX(version) FROM schema_version").fetchone()[0])

    @sqlite_errors
    def check(self) -> list[str]:
        """What threatens the history: the append-only triggers dropped, changed or added.

        An empty list when the store is as the migrations made it. A client
        with write access to the file can drop the triggers and then change
        the history; this says so (it cannot say what was changed).

        Examples
        --------
        >>> with ProgrammeStore(":memory:") as store:
        ...     store.check()
        []
        """
        return SCHEMA.check_triggers(self._db)

    # -- reading ------------------------------------------------------------------------
    def _current(self, name: str) -> dict[str, dict[str, Any]]:
        rows = self._db.execute(
            "SELECT key, data FROM current_records WHERE sheet = ?", (name,)
        ).fetchall()
        return {key: json.loads(data) for key, data in rows}

    def _contacts(self) -> dict[str, tuple[str | None, str | None]]:
        rows = self._db.execute("SELECT person, name, email FROM contacts").fetchall()
        return {person: (name, email) for person, name, email in rows}

    def _text_table(self, name: str) -> pd.DataFrame:
        spec = sheet(name)
        current = self._current(name)
        if not current:
            return empty_sheet(name)
        keys = sorted(current)
        frame = pd.DataFrame(
            [[current[k].get(c) for c in spec.columns] for k in keys],
            columns=list(spec.columns),
            dtype=object,
        )
        if spec.personal:
            contacts = self._contacts()
            for i, column in enumerate(("name", "email")):
                frame[column] = [contacts.get(p, (None, None))[i] for p in frame["person"]]
        return frame

    @sqlite_errors
    def table(self, name: str, *, secret: str | bytes | None = None) -> pd.DataFrame:
        """The sheet ``name`` as it stands now, in the sheet's columns.

        Dates are ``datetime64``, ``year`` and ``version`` whole numbers,
        ``expected_value`` and ``progress`` floats, the rest text (None
        when blank). Rows are sorted by key. With ``secret``, the people's
        names and e-mails are keyed pseudonyms
        (:func:`qualitapa.complaints.pseudonym`).

        Raises
        ------
        DataError
            ``name`` is not a programme sheet (with the closest), or the
            secret is shorter than 16 bytes.
        """
        spec = sheet(name)
        frame = self._text_table(name)
        if secret is not None and spec.personal:
            frame = _pseudonymised(frame, spec, secret)
        return _typed(frame, spec)

    def tables(self, *, secret: str | bytes | None = None) -> dict[str, pd.DataFrame]:
        """Every sheet (:meth:`table`), in the order of :data:`SHEETS`."""
        return {name: self.table(name, secret=secret) for name in SHEETS}

    @sqlite_errors
    def history(self, name: str | None = None) -> pd.DataFrame:
        """Every record written, oldest first: who, when, from which file, what.

        Columns ``seq, import_seq, at, by, source, sheet, key, action, data``
        (``data``: the row as JSON, without personal data).
        """
        where, args = ("WHERE r.sheet = ?", (sheet(name).name,)) if name else ("", ())
        rows = self._db.execute(
            "SELECT r.seq, r.import_seq, i.at, i.by, i.source, r.sheet, r.key, r.action, r.data "
            f"FROM records r JOIN imports i ON i.seq = r.import_seq {where} ORDER BY r.seq",
            args,
        ).fetchall()
        columns = ["seq", "import_seq", "at", "by", "source", "sheet", "key", "action", "data"]
        frame = pd.DataFrame(rows, columns=columns, dtype=object)
        frame["key"] = frame["key"].map(_key_label)
        return frame

    # -- writing ------------------------------------------------------------------------
    def import_sheet(
        self,
        name: str,
        frame: pd.DataFrame,
        *,
        by: str,
        at: dt.datetime | str | None = None,
        source: str | None = None,
        date_format: str | None = None,
        partial: bool = False,
    ) -> ImportReport:
        """Record what an edited sheet changes; return what was done and the conflicts.

        Parameters
        ----------
        name
            The sheet (:func:`~qualitapa.programme.sheet_names`).
        frame
            The sheet as read (:func:`~qualitapa.programme.read_sheet`);
            not changed.
        by
            Who imports (a person id or a name): kept in the history.
        at
            When (timezone-aware; default now).
        source
            The file, for messages and the history.
        date_format
            strftime format of dates neither ISO nor day first.
        partial
            The sheet holds only some rows (new ones): the stored rows it
            lacks are not reported as ``missing``.

        Raises
        ------
        DataError
            A bad row (sheet, row and column named, with suggestions); nothing
            is written then. Codes are checked against the store and the
            sheets imported with them.
        """
        return self.import_sheets({name: frame}, by=by, at=at, source=source,
                                  date_format=date_format, partial=partial)  # fmt: skip

    @sqlite_errors
    def import_sheets(
        self,
        sheets: Mapping[str, pd.DataFrame],
        *,
        by: str,
        at: dt.datetime | str | None = None,
        source: str | None = None,
        date_format: str | None = None,
        partial: bool = False,
    ) -> ImportReport:
        """:meth:`import_sheet` for several sheets at once, in one transaction.

        The sheets are applied in the order of :data:`SHEETS`, so a workbook's
        activities may name the departments of its own ``departments`` sheet.
        """
        if not str(by).strip():
            raise DataError("say who imports (by): the history keeps it")
        for name in sheets:
            sheet(name)
        if all(len(frame) == 0 for frame in sheets.values()):
            raise DataError(
                "nothing to import: the sheet has no rows"
                if len(sheets) == 1
                else "nothing to import: the sheets have no rows",
                source=source,
            )
        when = _instant(at)
        with self._write():
            return self._import(sheets, by=str(by).strip(), at=when, source=source,
                                date_format=date_format, partial=partial)  # fmt: skip

    def _known(self, extra: Mapping[str, pd.DataFrame]) -> dict[str, set[str]]:
        """The codes each referred sheet holds (store and this import).

        Departments are always checked (an activity or a role needs one); the
        other sheets once they have rows, so that a plan can be imported
        before the people who run it.
        """
        known: dict[str, set[str]] = {}
        for target, column in {
            (t, c) for refs in REFERENCES.values() for t, c in refs.values()
        }:  # fmt: skip
            codes = {str(d[column]) for d in self._current(target).values() if d.get(column)}
            if target in extra:
                codes |= {str(v) for v in extra[target][column].dropna()}
            if codes or target in extra or target == "departments":
                known[target] = codes
        return known

    def _import(
        self,
        sheets: Mapping[str, pd.DataFrame],
        *,
        by: str,
        at: str,
        source: str | None,
        date_format: str | None,
        partial: bool,
    ) -> ImportReport:
        counts, changes, conflicts = [], [], []
        writes: list[tuple[str, str, str, str]] = []
        contact_writes: list[tuple[str, str | None, str | None]] = []
        checked: dict[str, pd.DataFrame] = {}
        for name in (n for n in SHEETS if n in sheets):
            spec = SHEETS[name]
            clean = check_sheet(sheets[name], name, source=source, date_format=date_format,
                                known=self._known(checked))  # fmt: skip
            checked[name] = clean
            result = _compare(spec, clean, self._current(name), self._contacts(), partial=partial)
            counts.append([name, result.added, result.changed, result.unchanged,
                           len(result.conflicts)])  # fmt: skip
            changes += result.changes
            conflicts += result.conflicts
            writes += [(name, key, action, data) for key, action, data in result.writes]
            contact_writes += result.contacts
        seq = None
        if writes or contact_writes:
            seq = int(
                self._db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM imports").fetchone()[0]
            )
            names = ",".join(n for n in SHEETS if n in sheets)
            self._db.execute("INSERT INTO imports VALUES (?, ?, ?, ?, ?)",
                             (seq, at, by, names, source))  # fmt: skip
            first = int(
                self._db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM records").fetchone()[0]
            )
            self._db.executemany(
                "INSERT INTO records VALUES (?, ?, ?, ?, ?, ?)",
                [(first + i, seq, *w) for i, w in enumerate(writes)],
            )
            self._db.executemany(
                "INSERT INTO contacts VALUES (?, ?, ?) ON CONFLICT(person) DO UPDATE "
                "SET name = excluded.name, email = excluded.email",
                contact_writes,
            )
        return ImportReport(
            pd.DataFrame(counts, columns=_COUNT_COLUMNS),
            pd.DataFrame(changes, columns=_CHANGE_COLUMNS),
            pd.DataFrame(conflicts, columns=_CONFLICT_COLUMNS),
            seq,
        )

    def import_file(
        self,
        path: str | Path,
        *,
        by: str,
        sheet_name: str | None = None,
        at: dt.datetime | str | None = None,
        **read_options: Any,
    ) -> ImportReport:
        """Import a sheet from a file, or every programme sheet of a workbook or folder.

        ``sheet_name`` says which sheet a CSV file is; a workbook without it
        gives every sheet named like a programme sheet (other sheets, such
        as the export's ``history``, are left), a folder every
        ``<sheet>.csv`` in it. ``read_options`` are
        :func:`qualitapa.io.read_table`'s (``delimiter``, ``encoding``,
        ``numbers``, ``date_format``...).

        Raises
        ------
        DataError
            No programme sheet in the file, or any problem of
            :meth:`import_sheets`.
        """
        file = Path(path)
        date_format = read_options.get("date_format")
        frames: dict[str, pd.DataFrame] = {}
        if sheet_name is not None:
            frames[sheet(sheet_name).name] = read_sheet(file, sheet_name, **read_options)
        elif file.is_dir():
            for name in SHEETS:
                if (file / f"{name}.csv").is_file():
                    frames[name] = read_sheet(file / f"{name}.csv", name, **read_options)
        elif file.suffix.lower() in (".xlsx", ".xlsm"):
            from openpyxl import load_workbook

            check_workbook(file)  # a damaged or oversized file: a clear error, before openpyxl
            book = load_workbook(file, read_only=True)
            present = list(book.sheetnames)
            book.close()
            for name in SHEETS:
                if name in present:
                    frames[name] = read_sheet(file, name, **read_options)
        else:
            raise DataError(
                "say which programme sheet this file is (sheets: " + ", ".join(SHEETS) + ")",
                source=str(file),
            )
        if not frames:
            raise DataError(
                "no programme sheet here: name the sheets (or the CSV files) " + ", ".join(SHEETS),
                source=str(file),
            )
        return self.import_sheets(frames, by=by, at=at, source=str(file),
                                  date_format=date_format)  # fmt: skip

    def record_status(
        self,
        organization: str,
        year: int,
        activity: str,
        status: str,
        *,
        by: str,
        on: dt.date | str | None = None,
        progress: float | None = None,
        note: str | None = None,
    ) -> ImportReport:
        """Append a status change of an activity (``on`` defaults to today).

        The same rules as an imported ``activity_status`` row: the activity
        must exist; a done or cancelled activity set back without a note is a
        conflict and is not recorded.
        """
        day = dt.date.today() if on is None else on
        row = {
            "organization": organization, "year": year, "activity": activity,
            "at": day.isoformat() if isinstance(day, dt.date) else day, "status": status,
            "progress": progress, "note": note, "by": by,
        }  # fmt: skip
        return self.import_sheet("activity_status", pd.DataFrame([row]), by=by, partial=True)

    @sqlite_errors
    def erase_person(self, person: str) -> bool:
        """Erase a person's name and e-mail (GDPR art. 17); the id and history stay.

        Returns whether the person had any.
        """
        with self._write() as db:
            cursor = db.execute(
                "UPDATE contacts SET name = NULL, email = NULL WHERE person = ? "
                "AND (name IS NOT NULL OR email IS NOT NULL)",
                (person,),
            )
        return cursor.rowcount > 0

    # -- files --------------------------------------------------------------------------
    def export(self, path: str | Path, *, secret: str | bytes | None = None) -> Path:
        """Write every sheet: an ``.xlsx`` workbook (one sheet per table) or a folder of CSVs.

        The workbook has a frozen, bold header, dates as dates (dd/mm/yyyy),
        numbers as numbers, text as text (never a formula), and a last
        ``history`` sheet (who changed what, when); re-importing it changes
        nothing. A path without ``.xlsx`` is a folder with ``<sheet>.csv``
        files (UTF-8, ISO dates, formulas neutralised). With ``secret`` the
        people's names and e-mails are pseudonyms.
        """
        from qualitapa.programme._files import write_sheets

        tables = {name: self.table(name, secret=secret) for name in SHEETS}
        history = self.history()
        return write_sheets(tables, Path(path), history=history)


def _pseudonymised(frame: pd.DataFrame, spec: Sheet, secret: str | bytes) -> pd.DataFrame:
    from qualitapa.complaints import is_placeholder, pseudonym

    out = frame.copy()
    for column in spec.personal:
        out[column] = [
            None if v is None or is_placeholder(v, column) else pseudonym(v, secret, field=column)
            for v in out[column]
        ]
    return out


@attrs.define
class _Comparison:
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    changes: list[list[Any]] = attrs.field(factory=list)
    conflicts: list[list[Any]] = attrs.field(factory=list)
    writes: list[tuple[str, str, str]] = attrs.field(factory=list)
    contacts: list[tuple[str, str | None, str | None]] = attrs.field(factory=list)


def _scope_columns(spec: Sheet) -> list[str]:
    """The columns of a sheet that say which organization and year a row belongs to."""
    return [c for c in ("organization", "year") if c in spec.columns]


def _scope(spec: Sheet, rows: Iterable[Mapping[str, Any]]) -> set[tuple[Any, ...]]:
    """The (organization, year) pairs a sheet covers: its missing rows are looked for there.

    A person's organization is not part of the key (a person has one id) but
    scopes as well: a club's contacts (other cities) leave a city's own
    people (blank organization) out of their import.
    """
    columns = _scope_columns(spec)
    return {tuple(_blank_none(r.get(c)) for c in columns) for r in rows}


def _blank_none(value: Any) -> Any:
    """None for a blank cell (None, NaN, ''), so that a sheet without the column scopes alike."""
    return value if _filled(value) else None


def _compare(  # noqa: C901, PLR0912 - one decision per kind of row, in order
    spec: Sheet,
    clean: pd.DataFrame,
    stored: Mapping[str, Mapping[str, Any]],
    contacts: Mapping[str, tuple[str | None, str | None]],
    *,
    partial: bool = False,
) -> _Comparison:
    """What a checked sheet adds and changes, and its conflicts, against the stored rows."""
    out = _Comparison()
    kept = [c for c in spec.columns if c not in spec.personal]
    records: list[dict[str, Any]] = [
        {str(k): v for k, v in r.items()} for r in clean.to_dict("records")
    ]
    seen: set[str] = set()
    new: list[tuple[int, str, dict[str, Any]]] = []
    for position, row in enumerate(records, start=1):
        key = _key_text(row[k] for k in spec.key)
        seen.add(key)
        data = {c: row[c] for c in kept}
        if spec.personal:
            contact = (row.get("name"), row.get("email"))
            before = contacts.get(row["person"], (None, None))
            if contact != before:
                out.contacts.append((row["person"], *contact))
                for column, old, value in zip(("name", "email"), before, contact, strict=True):
                    if old != value and key in stored:  # a new person is just added
                        out.changes.append([spec.name, position, _key_label(key), "changed",
                                            column, old, value])  # fmt: skip
        if key not in stored:
            new.append((position, key, data))
            continue
        old_data = stored[key]
        differ = [c for c in kept if old_data.get(c) != data[c]]
        if not differ:
            if not (spec.personal and any(c[0] == row["person"] for c in out.contacts)):
                out.unchanged += 1
            else:
                out.changed += 1
            continue
        if spec.history:
            out.conflicts.append([
                spec.name, position, _key_label(key), "history_edited",
                f"this status row is in the history already with other values "
                f"({', '.join(differ)}): the history is never changed; add a new row instead",
                ", ".join(differ),
            ])  # fmt: skip
            continue
        out.changed += 1
        out.writes.append((key, "changed", json.dumps(data, ensure_ascii=False)))
        for column in differ:
            out.changes.append([spec.name, position, _key_label(key), "changed", column,
                                old_data.get(column), data[column]])  # fmt: skip
    scope = _scope(spec, records)
    missing = {
        key: data
        for key, data in stored.items()
        if not partial and key not in seen and _scope(spec, [data]) <= scope
    }
    renames = _renames(spec, missing, new, records, contacts)
    reopened = _reopenings(stored, new) if spec.name == "activity_status" else {}
    for i, (position, key, data) in enumerate(new):
        old_key = renames.get(i)
        if old_key is not None:
            out.conflicts.append([
                spec.name, position, _key_label(key), "key_changed",
                f"this row is the stored row {_key_label(old_key)} with another key: the "
                "stored row is kept and this one not added (keep both rows in the sheet if "
                "both are meant)",
                _key_label(old_key),
            ])  # fmt: skip
            continue
        if i in reopened:
            out.conflicts.append([spec.name, position, _key_label(key),
                                  "reopened_without_note", *reopened[i]])  # fmt: skip
            continue
        out.added += 1
        out.writes.append((key, "added", json.dumps(data, ensure_ascii=False)))
        out.changes.append([spec.name, position, _key_label(key), "added", None, None, None])
    for key in sorted(set(missing) - set(renames.values())):
        out.conflicts.append([
            spec.name, None, _key_label(key), "missing",
            "this row is in the store but no longer in the sheet: it is kept",
            "",
        ])  # fmt: skip
    return out


def _filled(value: Any) -> bool:
    """Whether a cell holds something (not None, NaN, NaT, NA or blank text)."""
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return False
    return str(value).strip() != ""


def _renames(
    spec: Sheet,
    missing: Mapping[str, Mapping[str, Any]],
    new: Sequence[tuple[int, str, Mapping[str, Any]]],
    records: Sequence[Mapping[str, Any]],
    contacts: Mapping[str, tuple[str | None, str | None]],
) -> dict[int, str]:
    """The new rows (index in ``new``) that are a missing stored row (its key) renamed.

    The content compared is every column but the key's; on a sheet with personal data
    (``people``) the name and e-mail too, the stored ones read from the contacts; a row
    is never taken for one of another organization or year. A new row is a missing row
    under another key only when the match is unambiguous and meaningful: the content
    has at least two filled values, and exactly one missing row and exactly one new row
    have it. Otherwise the new row is added and the missing row reported ``missing``: a
    same category alone does not make two people one, and of several identical missing
    rows none is picked at random.

    Examples
    --------
    >>> from qualitapa.programme._sheets import sheet
    >>> spec = sheet("people")
    >>> gone = {'["p02"]': {"person": "p02", "category": "D"}}
    >>> contacts = {"p02": ("Luca Verdi", None)}
    >>> retyped = {"person": "p2", "name": "Luca Verdi", "email": None, "category": "D"}
    >>> other = {"person": "p04", "name": "Sara Gialli", "email": None, "category": "D"}
    >>> _renames(spec, gone, [(1, '["p2"]', retyped)], [retyped], contacts)
    {0: '["p02"]'}
    >>> _renames(spec, gone, [(1, '["p04"]', other)], [other], contacts)
    {}
    """
    within = _scope_columns(spec)  # never renamed across; not a value that makes two rows one
    rest = [c for c in spec.columns if c not in {*spec.key, *spec.personal, *within}]
    personal = [c for c in ("name", "email") if c in spec.personal]

    def content(data: Mapping[str, Any], contact: Iterable[Any]) -> str | None:
        values = [v if _filled(v) else None for v in [*(data.get(c) for c in rest), *contact]]
        filled = sum(v is not None for v in values)
        scope = [_blank_none(data.get(c)) for c in within]
        return _key_text([*scope, *values]) if filled >= _RENAME_MIN_FILLED else None

    old: dict[str, list[str]] = {}
    for key, data in missing.items():
        stored_contact = contacts.get(str(data.get("person")), (None, None)) if personal else ()
        text = content(data, stored_contact)
        if text is not None:
            old.setdefault(text, []).append(key)
    found: dict[str, list[int]] = {}
    for i, (position, _, data) in enumerate(new):
        text = content(data, [records[position - 1].get(c) for c in personal])
        if text is not None and text in old:
            found.setdefault(text, []).append(i)
    return {
        rows[0]: old[text][0]
        for text, rows in found.items()
        if len(rows) == 1 and len(old[text]) == 1
    }


def _codes(rows: Sequence[Mapping[str, Any]], columns: Iterable[str]) -> np.ndarray:
    """One integer per distinct combination of ``columns`` (values compared as Python does)."""
    codes = np.zeros(len(rows), dtype=np.int64)
    for column in columns:
        values = np.empty(len(rows), dtype=object)
        values[:] = [row[column] for row in rows]
        part, uniques = pd.factorize(values)
        codes = pd.factorize(codes * len(uniques) + part)[0]
    return codes


def _reopenings(
    stored: Mapping[str, Mapping[str, Any]],
    new: Sequence[tuple[int, str, Mapping[str, Any]]],
) -> dict[int, tuple[str, str]]:
    """Why new status rows set a closed activity back without a note, by their place in ``new``.

    A row without a note whose status is not closed sets its activity back
    when the activity's last earlier status (by date, then by the order of
    :class:`ActivityStatus`), among the stored and the new rows, is done or
    cancelled. The message, and ``status|date|new status`` for a translated
    one. Vectorised: the history sorted by activity, date and status, each
    distinct step's predecessor found by a shift.
    """
    if not new:
        return {}
    rows = [*stored.values(), *(data for _, _, data in new)]
    activity = _codes(rows, _ACTIVITY)
    when, dates = pd.factorize(np.array([row["at"] for row in rows], dtype=object), sort=True)
    status = np.array([row["status"] for row in rows], dtype=object)
    order = np.array([_STATUS_ORDER[s] for s in status], dtype=np.int64)
    sort = np.lexsort((order, when, activity))
    a, w, o = activity[sort], when[sort], order[sort]
    starts = np.ones(len(rows), dtype=bool)  # the first row of each (activity, date, status)
    starts[1:] = (a[1:] != a[:-1]) | (w[1:] != w[:-1]) | (o[1:] != o[:-1])
    first = sort[starts]  # a row of each step, steps in order
    before = np.full(len(first), -1, dtype=np.int64)  # the step before, in the same activity
    same = a[starts][1:] == a[starts][:-1]
    before[1:] = np.where(same, first[:-1], -1)
    step = np.empty(len(rows), dtype=np.int64)
    step[sort] = np.cumsum(starts) - 1
    last = before[step[len(stored) :]]  # the row before each new row (-1: none)
    closed = np.isin(status, _CLOSED)
    noted = np.array([bool(data.get("note")) for _, _, data in new], dtype=bool)
    hit = ~closed[len(stored) :] & ~noted & (last >= 0) & closed[np.maximum(last, 0)]
    return {
        int(i): (
            f"the activity was {status[j]} on {dates[when[j]]}: setting it back to "
            f"{status[len(stored) + i]} needs a note saying why",
            f"{status[j]}|{dates[when[j]]}|{status[len(stored) + i]}",
        )
        for i, j in zip(np.flatnonzero(hit), last[hit], strict=True)
    }
