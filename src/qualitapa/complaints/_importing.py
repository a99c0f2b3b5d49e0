"""Validation of complaint tables before they enter the register.

Every check is vectorised over the whole table; each failing cell becomes a
row of the problems table (``row``, ``id``, ``column``, ``value``,
``problem``) and the rows without problems go on.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import pandas as pd

from qualitapa._zones import localize, zones_of
from qualitapa.complaints._calendar import DEFAULT_TZ
from qualitapa.complaints._instants import (
    FUTURE_TOLERANCE,
    future_limit_us,
    local_days,
)
from qualitapa.complaints._lifecycle import ACTIONS, path_to
from qualitapa.complaints._models import COMPLAINT_ID_PATTERN, Channel, Kind, Status
from qualitapa.complaints._scope import scope_refusals
from qualitapa.complaints._words import choices, code_said
from qualitapa.errors import DataError, Message
from qualitapa.i18n import N_
from qualitapa.io import require_columns
from qualitapa.models import ID_PATTERN
from qualitapa.problems import Problems, Rule

if TYPE_CHECKING:
    from qualitapa.catalog import Catalog

REQUIRED = ("id", "kind", "channel", "service", "received_at")
OPTIONAL = (
    "category",
    "organization",
    "description",
    "status",
    "answered_at",
    "closed_at",
    "outcome",
    "outcome_at",
    "outcome_note",
    "outcome_target",
    "contact_name",
    "contact_email",
    "contact_phone",
    "contact_address",
    "latitude",
    "longitude",
    "address",
    "media_url",
)
#: Columns an import table may have (the first five are required).
IMPORT_COLUMNS = REQUIRED + OPTIONAL
#: Columns that :meth:`ComplaintRegister.to_frame` writes but the register
#: derives from the events: accepted on import (so an export re-imports) and
#: recomputed, not stored.
DERIVED_COLUMNS = ("updated_at",)
CONTACT_COLUMNS = ("contact_name", "contact_email", "contact_phone", "contact_address")
#: How import problems are published: the :mod:`qualitapa.problems` columns under
#: the names this table had before (``table`` is the core ``source``, ``problem``
#: the ``message``; the ``rule`` is left out).
PROBLEM_LAYOUT = {
    "table": "source",
    "row": "row",
    "id": "id",
    "column": "column",
    "value": "value",
    "problem": "message",
}
#: Columns of the problems table of an import.
PROBLEM_COLUMNS = list(PROBLEM_LAYOUT)
#: The problem of a time later than now (plus the tolerance for clocks running fast).
FUTURE_MESSAGE = Message(
    "in the future (later than now plus {minutes} minutes): an append-only register would "
    "keep it for ever",
    N_("nel futuro (oltre l'ora attuale più {minutes} minuti): un registro che non cancella "
       "nulla lo terrebbe per sempre"),
    minutes=int(FUTURE_TOLERANCE.total_seconds() // 60),
)  # fmt: skip
#: The problem of a cell that is not a date-time.
NOT_A_TIME = Message(
    "not a date-time (use ISO 8601, e.g. 2024-01-31T09:30:00+01:00)",
    N_("non è una data e ora (usare ISO 8601, p. es. 2024-01-31T09:30:00+01:00)"),
)
#: The outcomes that end the office's work on a complaint.
OUTCOMES = (Status.ANSWERED.value, Status.FORWARDED.value, Status.REJECTED.value)


@attrs.frozen
class ImportReport:
    """What an import did.

    Attributes
    ----------
    imported
        Number of complaints added to the register.
    events
        Number of events recorded for them.
    problems
        One row per rejected cell: ``table`` (``complaints`` or
        ``events``: the file the row is in), ``row`` (1-based data row of
        that file, header not counted), ``id`` (the complaint id),
        ``column``, ``value``, ``problem``. Rows listed here were not
        imported; all others were.
    source
        The complaints file or frame name.
    events_source
        The events file or frame name, when the history was imported too.
    """

    imported: int
    events: int
    problems: pd.DataFrame = attrs.field(eq=False, repr=False)
    source: str | None = None
    events_source: str | None = None

    @property
    def rejected(self) -> int:
        """Number of complaint rows not imported."""
        return self._rejected("complaints")

    @property
    def rejected_events(self) -> int:
        """Number of event rows not imported (0 without an events table)."""
        return self._rejected("events")

    def _rejected(self, table: str) -> int:
        mine = self.problems["table"].to_numpy() == table
        return int(self.problems.loc[mine, "row"].nunique())

    def raise_for_problems(self) -> None:
        """Raise :class:`DataError` (with ``failure_cases``) if any row was rejected.

        The error names the file, row and column of the first problem and
        says it; ``failure_cases`` lists them all.
        """
        if len(self.problems):
            parts = [f"{self.rejected} row(s)"]
            if self.rejected_events:
                parts = [
                    f"{self.rejected} complaint row(s)",
                    f"{self.rejected_events} event row(s)",
                ]
            first = self.problems.iloc[0]
            events = first["table"] == "events"
            raise DataError(
                f"{first['problem']} ({' and '.join(parts)} were not imported)",
                source=self.events_source if events else self.source,
                row=int(first["row"]),
                column=str(first["column"]),
                failure_cases=self.problems,
            )


class TableProblems(Problems):
    """The problems of one table (``complaints`` or ``events``), flagged as row masks.

    A :class:`qualitapa.problems.Problems` published under
    :data:`PROBLEM_COLUMNS`, with the complaint id of each row.
    """

    def __init__(
        self,
        table: str,
        ids: np.ndarray,
        *,
        rows: np.ndarray | None = None,
        order: tuple[str, ...] | None = None,
    ) -> None:
        super().__init__(
            source=table, extras=("id",), layout=PROBLEM_LAYOUT, order=order, rows=rows
        )
        self.ids = ids
        #: The 1-based data row of each position of the table checked.
        self.rows = np.arange(1, len(ids) + 1) if rows is None else np.asarray(rows)

    def flag(
        self, mask: Any, column: str, values: Any, message: Any, rule: Rule = Rule.INVALID
    ) -> None:
        """List the rows of ``mask`` (``values`` and ``message``: one, or one per row)."""
        self.add(np.asarray(mask, dtype=bool), column=column, value=values, rule=rule,
                 message=message, id=self.ids)  # fmt: skip


def empty_problems() -> pd.DataFrame:
    """An empty problems table with the documented columns."""
    return TableProblems("complaints", np.zeros(0, dtype=object)).frame()


#: The problem of text SQLite cannot store (e.g. from a JSON ``"\\ud800"`` escape).
NOT_UNICODE = Message(
    "contains a character that is not valid Unicode text (a lone surrogate)",
    N_("contiene un carattere che non è testo Unicode valido (un surrogato isolato)"),
)


#: The problems of an id cell.
NO_ID = Message("the id is missing", N_("manca il codice"))
BAD_ID = Message(
    "not a valid complaint id (letters, digits and '_ . - /', at most 64 characters)",
    N_("non è un codice di reclamo valido (lettere, cifre e '_ . - /', al massimo 64 caratteri)"),
)
#: A missing receipt date.
NO_RECEIPT = Message("the date of receipt is missing", N_("manca la data di ricezione"))
#: Per code column: (missing, not a valid id, not in the catalog).
_CODE_MESSAGES = {
    "service": (
        Message("the service is missing", N_("manca il servizio")),
        Message("not a valid service id", N_("non è un codice di servizio valido")),
        Message("unknown service (not in the catalog)",
                N_("servizio sconosciuto (non è nel catalogo)")),
    ),
    "category": (
        Message("the category is missing", N_("manca la categoria")),
        Message("not a valid category id", N_("non è un codice di categoria valido")),
        Message("unknown category (not in the catalog)",
                N_("categoria sconosciuta (non è nel catalogo)")),
    ),
}  # fmt: skip
OTHER_SERVICE = Message(
    "the category belongs to another service", N_("la categoria è di un altro servizio")
)
NOT_DEGREES = Message(
    "not a number of degrees (e.g. 45.4642)", N_("non è un numero di gradi (p. es. 45,4642)")
)


def one_of(codes: Any, *, empty: bool = False) -> Message:
    """The problem of a cell holding none of ``codes`` (each said with its word).

    Examples
    --------
    >>> from qualitapa.i18n import translator
    >>> m = one_of(["web", "pec"], empty=True)
    >>> m, m.render(translator("it"))
    ('must be one of web or pec (or empty)', 'deve essere web (sito web) o pec (PEC) (o vuoto)')
    """
    if empty:
        return Message("must be one of {codes} (or empty)", N_("deve essere {codes} (o vuoto)"),
                       codes=choices(codes))  # fmt: skip
    return Message("must be one of {codes}", N_("deve essere {codes}"), codes=choices(codes))


def unencodable(values: pd.Series) -> np.ndarray:
    """Mask of text cells that cannot be written as UTF-8 (lone surrogates)."""
    if _arrow_backed(values):  # pyarrow holds valid UTF-8 only: nothing to look at
        return np.zeros(len(values), dtype=bool)
    cells = values.to_numpy(dtype=object)
    present = pd.notna(cells)
    try:  # one pass in C over the whole column: almost always clean
        "".join(cells[present]).encode("utf-8")
        return np.zeros(len(cells), dtype=bool)
    except (UnicodeEncodeError, TypeError):
        pass
    bad = np.zeros(len(cells), dtype=bool)
    for i in np.flatnonzero(present):
        try:
            str(cells[i]).encode("utf-8")
        except UnicodeEncodeError:
            bad[i] = True
    return bad


def _arrow_backed(values: pd.Series) -> bool:
    """Whether ``values`` is a pandas text column stored by pyarrow (valid UTF-8, no objects)."""
    dtype = values.dtype
    return isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"


def shown_text(value: Any) -> Any:
    """``value`` with each lone surrogate written as its escape (``\\ud800``): storable text."""
    return value.encode("utf-8", "backslashreplace").decode("utf-8")


def without_surrogates(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """``frame`` with no lone surrogate in its text, and the mask of each column that had one.

    A lone surrogate (from a JSON ``"\\ud800"`` escape) cannot be written as
    UTF-8: SQLite refuses it, and so does a pandas text column stored by
    pyarrow. The cells that hold one are written with the escape instead
    (:func:`shown_text`), so that the checks can go on and the problems
    table can show them; the masks say which rows to refuse (a copy is
    made only when a column has one).
    """
    masks: dict[str, np.ndarray] = {}
    for col in frame.columns:
        values = frame[col]
        if values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
            bad = unencodable(values)
            if bad.any():
                masks[col] = bad
    if not masks:
        return frame, masks
    out = frame.copy()
    for col, bad in masks.items():
        cells = out[col].to_numpy(dtype=object).copy()
        cells[bad] = [shown_text(str(v)) for v in cells[bad]]
        out[col] = pd.Series(cells, index=out.index, dtype=object)
    return out, masks


def _per_unique(values: pd.Series, func: Any) -> pd.Series:
    """Apply ``func`` to each distinct non-missing value once (fast on repetitive columns)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    mapped = np.array([func(u) for u in uniques] + [None], dtype=object)
    return pd.Series(mapped[codes], index=values.index, dtype=object)


def _strip(value: Any) -> str | None:
    text = str(value).strip()
    return text or None


def _text(frame: pd.DataFrame, col: str, *, strip: bool = True) -> pd.Series:
    """Column ``col`` as object strings, blanks and missing as None."""
    if col not in frame.columns:
        return pd.Series([None] * len(frame), index=frame.index, dtype=object)
    values = frame[col]
    if strip:
        return _per_unique(values, _strip)
    if _arrow_backed(values):  # the blanks found by pyarrow, not on Python objects
        cells = values.to_numpy(dtype=object)
        cells[~(values.notna() & (values != "")).to_numpy()] = None
        return pd.Series(cells, index=values.index, dtype=object)
    out = values.astype(object)
    return out.where(values.notna() & (out != ""), None)


def _code(value: Any) -> str:
    return str(value).strip().lower().replace(" ", "_")


def _codes(frame: pd.DataFrame, col: str) -> pd.Series:
    """:func:`_code` of each cell of ``col`` (object; None where blank or missing).

    The same as ``_per_unique(_text(frame, col, strip=False), _code)``; a
    pyarrow column is numbered as it is, without Python strings per row.
    """
    if col in frame.columns and _arrow_backed(frame[col]):
        return _per_unique(frame[col], lambda v: _code(v) if v != "" else None)
    return _per_unique(_text(frame, col, strip=False), _code)


def _matches(values: pd.Series, pattern: str) -> np.ndarray:
    # na_value, not fillna: fillna on object values warns on pandas 2.2 (downcasting)
    matched = _per_unique(values, lambda v: bool(re.fullmatch(pattern, str(v))))
    return matched.to_numpy(dtype=bool, na_value=False)


# an offset after a time of day (a date alone, 2024-01-02, has none)
_OFFSET = r"\d:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[Zz]|[+-]\d{2}(?::?\d{2})?)$"
_OFFSET_RE = re.compile(_OFFSET)
# the same on printable ASCII, unstripped (pyarrow's RE2: "\\s" would differ, " " does not)
_OFFSET_ASCII = r"\d:\d{2}(?::\d{2}(?:\.\d+)?)? *(?:[Zz]|[+-]\d{2}(?::?\d{2})?) *$"


def _parse_times(values: pd.Series, tz: str | pd.Series) -> tuple[pd.Series, np.ndarray]:
    """UTC instants and a mask of non-empty cells that are not one instant.

    See :func:`parse_office_times`; the mask includes office times that a
    daylight-saving change skips or repeats.
    """
    utc, bad, gap, fold = parse_office_times(values, tz)
    return utc, bad | gap | fold


def parse_office_times(
    values: pd.Series, tz: str | pd.Series
) -> tuple[pd.Series, np.ndarray, np.ndarray, np.ndarray]:
    """UTC instants; masks of unparseable cells and of office times skipped or repeated.

    Text with an offset (``+01:00``, ``Z``) is an instant; text without is
    office time (``tz``: one zone, or each row's). Mixed offsets (winter and
    summer time in one file) are parsed in one vectorised pass. A date
    alone is the start of that day in the office. An office time the
    clocks skip (``gap``) or repeat (``fold``) is NaT, never guessed.
    """
    values = values.reset_index(drop=True)
    present = values.notna().to_numpy()
    gap = np.zeros(len(values), dtype=bool)
    fold = np.zeros(len(values), dtype=bool)
    if pd.api.types.is_datetime64_any_dtype(values):
        parsed = pd.Series(values.to_numpy(), index=values.index)
        if isinstance(parsed.dtype, pd.DatetimeTZDtype):
            utc = parsed.dt.tz_convert("UTC")
        else:
            utc, gap, fold = localize(parsed, tz)
    elif not present.any():  # e.g. a column the table lacks: nothing to parse
        utc = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us, UTC]")
    else:
        text = values.astype(object).where(values.notna(), None)
        # the same cells: a pyarrow column is searched as it is, not converted back
        has_offset = _has_offset(values if _arrow_backed(values) else text)
        utc = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us, UTC]")
        if has_offset.any():
            # by position (.array): the index is the positions, no alignment to do
            utc[has_offset] = _to_datetime(text[has_offset], utc=True, tz="UTC").array
        naive = present & ~has_offset
        if naive.any():
            wall = _wall_clock(text[naive])
            if wall is None:  # pragma: no cover - rare: odd layouts, one by one
                utc[naive] = _to_datetime(text[naive], utc=False, tz=_one_zone(tz))
            else:
                zones = tz if isinstance(tz, str) else tz.reset_index(drop=True)[naive]
                local, g, f = localize(wall, zones)
                utc[naive] = local.dt.as_unit("us").array
                gap[naive], fold[naive] = g, f
    utc = utc.astype("datetime64[us, UTC]")
    bad = present & utc.isna().to_numpy() & ~gap & ~fold
    return utc, bad, gap, fold


def _has_offset(text: pd.Series) -> np.ndarray:
    """Mask of the cells whose text (stripped) ends with a time of day and an offset."""
    return _regex_mask(text, _OFFSET_ASCII, lambda v: _OFFSET_RE.search(str(v).strip()))


def _regex_mask(values: pd.Series, ascii_pattern: str, python: Any) -> np.ndarray:
    """Mask of the non-missing cells a regular expression finds (missing: False).

    Printable-ASCII text is searched in one pass by pyarrow with
    ``ascii_pattern`` (written so that pyarrow's RE2 reads it as Python
    reads the original: on printable ASCII the only space is ``" "`` and
    ``$`` is the end of the text); any other cell, or every cell without
    pyarrow, by ``python`` (a callable of the cell, truthy when found), once
    per distinct value.
    """
    out = np.zeros(len(values), dtype=bool)
    arrow = _arrow_backed(values)
    rest = values.notna().to_numpy(copy=True) if arrow else pd.notna(values.to_numpy(dtype=object))
    arr = _arrow_text(values)
    if arr is not None:
        import pyarrow.compute as pc

        def search(pattern: str) -> np.ndarray:
            found = pc.fill_null(pc.match_substring_regex(arr, pattern), False)
            return np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool)

        printable = search(r"^[ -~]*$")
        out[printable] = search(ascii_pattern)[printable]
        rest &= ~printable
    if rest.any():
        slow = _per_unique(values[rest], lambda v: python(v) is not None)
        out[rest] = slow.to_numpy(dtype=bool, na_value=False)
    return out


def _arrow_text(text: pd.Series) -> Any:
    """``text`` as a pyarrow string array (None: no pyarrow, or cells that are not text)."""
    try:
        import pyarrow as pa
    except ImportError:  # pragma: no cover - pyarrow is the parquet extra
        return None
    if _arrow_backed(text):
        return pa.array(text.array)
    try:
        return pa.array(text.to_numpy(dtype=object), type=pa.string(), from_pandas=True)
    except (TypeError, ValueError, pa.ArrowException):
        return None


def _wall_clock(text: pd.Series) -> pd.Series | None:
    """Naive date-times of text without offset (None: not one layout pandas reads at once)."""
    try:
        parsed = pd.to_datetime(text, errors="coerce", format="ISO8601")
    except (ValueError, TypeError):
        parsed = pd.Series([_one_time(v) for v in text], index=text.index, dtype=object)
        try:
            parsed = pd.to_datetime(parsed)
        except (ValueError, TypeError):
            return None
    if not pd.api.types.is_datetime64_dtype(parsed) or isinstance(parsed.dtype, pd.DatetimeTZDtype):
        return None
    return parsed


def _one_zone(tz: str | pd.Series) -> str:
    return tz if isinstance(tz, str) else str(pd.Series(tz).iloc[0])


def dst_problems(gap: np.ndarray, fold: np.ndarray, raw: pd.Series, tz: str | pd.Series) -> Any:
    """The message of each office time a daylight-saving change skips or repeats (else None)."""
    out = np.full(len(raw), None, dtype=object)
    for i in np.flatnonzero(gap | fold):  # the few problem rows only
        cell = str(raw.iat[int(i)]).strip()
        zone = tz if isinstance(tz, str) else pd.Series(tz).iat[int(i)]
        out[i] = (
            Message(
                "{cell} does not exist in {zone} (the clocks go forward at that hour): give a "
                "time that exists, or the offset (e.g. +01:00 in winter, +02:00 in summer)",
                N_("{cell} non esiste a {zone} (a quell'ora gli orologi vanno avanti): indicare "
                   "un'ora che esiste, o lo scarto (p. es. +01:00 d'inverno, +02:00 d'estate)"),
                cell=cell, zone=zone,
            )
            if gap[i]
            else Message(
                "{cell} happens twice in {zone} (the clocks go back at that hour): give the "
                "offset, e.g. +02:00 for the first time, +01:00 for the second",
                N_("{cell} capita due volte a {zone} (a quell'ora gli orologi tornano indietro): "
                   "indicare lo scarto, p. es. +02:00 la prima volta, +01:00 la seconda"),
                cell=cell, zone=zone,
            )
        )  # fmt: skip
    return out


def _to_datetime(text: pd.Series, *, utc: bool, tz: str) -> pd.Series:
    try:
        parsed = pd.to_datetime(text, errors="coerce", format="ISO8601", utc=utc)
    except (ValueError, TypeError):  # e.g. a column mixing ISO and other layouts
        parsed = pd.Series([_one_time(v) for v in text], index=text.index, dtype=object)
    if isinstance(parsed.dtype, pd.DatetimeTZDtype):
        out = parsed.dt.tz_convert("UTC")
    elif pd.api.types.is_datetime64_dtype(parsed):
        out = parsed.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT").dt.tz_convert("UTC")
    else:  # pragma: no cover - rare: one by one
        out = pd.Series([_to_utc(v, tz) for v in parsed], index=text.index, dtype=object)
    return pd.Series(out, index=text.index).astype("datetime64[us, UTC]")


def _one_time(value: Any) -> Any:
    if value is None:
        return pd.NaT
    try:
        return pd.Timestamp(value)
    except (ValueError, TypeError):
        return pd.NaT


def _to_utc(value: Any, tz: str) -> Any:
    if value is None or pd.isna(value):
        return pd.NaT
    ts = pd.Timestamp(value)
    if ts.tzinfo is None:
        try:
            ts = ts.tz_localize(tz)
        except (ValueError, TypeError):  # pragma: no cover - DST gap
            return pd.NaT
    return ts.tz_convert("UTC")


class _Columns(dict[str, Any]):
    """The good rows' columns, by name, while the import checks them; a table at the end.

    A column set on a pandas DataFrame took about 0.1 ms, and an import sets
    some 25: on a clerk's few rows that was a fifth of the validation. A column
    read back is the Series the DataFrame would have given (the same inferred
    dtype, a RangeIndex).
    """

    def __getitem__(self, name: str) -> pd.Series:
        value = super().__getitem__(name)
        return value if isinstance(value, pd.Series) else pd.Series(value)

    def table(self) -> pd.DataFrame:
        """The columns as a DataFrame, in the order they were first set."""
        return pd.DataFrame(dict(self.items()))


def prepare_import(
    frame: pd.DataFrame,
    *,
    source: str | None = None,
    catalog: Catalog | None = None,
    tz: str = DEFAULT_TZ,
    history: bool = False,
    time_zones: Catalog | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Validate an import table; return ``(good_rows, problems)``.

    ``good_rows`` has normalised columns: text columns as object, times as
    ``int64`` microseconds since the epoch (UTC) in ``received_us``,
    ``answered_us``, ``closed_us``, ``outcome_us`` (-1 when missing) and
    ``row`` (1-based).

    With ``history`` the events table is the authority: ``status``,
    ``outcome`` and the dates are only checked against it later (see
    :func:`qualitapa.complaints._history.prepare_history`), so a blank
    ``status`` stays blank instead of meaning ``received``.

    A time without offset is office time of the row's organization
    (its ``timezone`` in ``time_zones``, else in ``catalog``), else ``tz``.
    """
    if not isinstance(frame, pd.DataFrame):
        raise DataError("expected a pandas DataFrame", source=source)
    require_columns(frame, REQUIRED, source=source)
    unknown = [c for c in frame.columns if c not in IMPORT_COLUMNS + DERIVED_COLUMNS]
    if unknown:
        raise DataError(
            f"unknown column; allowed: {list(IMPORT_COLUMNS)}",
            source=source,
            column=str(unknown[0]),
        )
    n = len(frame)
    # lone surrogates go before any text reaches a pandas text column (pyarrow refuses them)
    frame, not_unicode = without_surrogates(frame)
    out = _Columns(row=np.arange(1, n + 1))
    ids = _text(frame, "id", strip=False)
    out["id"] = ids.to_numpy()
    problems = TableProblems("complaints", ids.to_numpy())
    for col, bad in not_unicode.items():
        problems.flag(bad, str(col), frame[col], NOT_UNICODE, Rule.NOT_UNICODE)
    _check_ids(ids, problems, frame["id"])
    _check_codes(frame, out, catalog, problems)

    # free texts and the status
    for col in ("organization", *CONTACT_COLUMNS):
        out[col] = _text(frame, col).to_numpy()
    if catalog is not None:  # a local category only for its organizations
        local, why = scope_refusals(catalog, out["category"], out["organization"])
        problems.flag(local, "category", out["category"], why, Rule.INCONSISTENT)
    out["description"] = _description(frame)
    _check_location(frame, out, problems)
    norm_status = _codes(frame, "status")
    if not history:
        norm_status = norm_status.fillna(Status.RECEIVED.value)
    good_status = (norm_status.isna() | norm_status.isin([s.value for s in Status])).to_numpy()
    if not good_status.all():  # the cells as given, for the problems table
        status = _text(frame, "status", strip=False)
        problems.flag(~good_status, "status", status, one_of(s.value for s in Status))
    out["status"] = norm_status.to_numpy()

    # a time without offset is office time: the organization's zone when the catalog knows it
    zones = zones_of(pd.Series(out["organization"]), n, time_zones or catalog, tz)
    times, raw_cols = _check_times(frame, zones, problems)

    # the outcome
    outcome_raw = _text(frame, "outcome", strip=False)
    outcome = _per_unique(outcome_raw, _code)
    problems.flag((outcome.notna() & ~outcome.isin(OUTCOMES)).to_numpy(), "outcome",
                  outcome_raw, one_of(OUTCOMES, empty=True))  # fmt: skip
    out["outcome_note"] = _text(frame, "outcome_note").to_numpy()
    out["outcome_target"] = _text(frame, "outcome_target").to_numpy()
    if not history:
        outcome = _default_outcome(outcome, norm_status, times["answered_at"])
        _check_outcome(problems, out, outcome, outcome_raw, norm_status, times, raw_cols)
    out["outcome"] = outcome.to_numpy()
    for col, us in times.items():
        out[col.replace("_at", "_us")] = us

    problem_table = problems.frame()
    return drop_rows(out.table(), problems.bad_rows()), problem_table


def _description(frame: pd.DataFrame) -> Any:
    """The description of each row ("" when blank or missing), as it is stored in ``out``.

    Python strings become a pyarrow text column when one is not blank (as
    pandas stores them); a pyarrow column given is kept as it is.
    """
    raw = frame["description"] if "description" in frame.columns else None
    if raw is not None and _arrow_backed(raw) and (raw.notna() & (raw != "")).any():
        return raw.fillna("").array
    return pd.Series(_text(frame, "description", strip=False).to_numpy()).fillna("")


def drop_rows(frame: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
    """``frame`` without its 1-based data ``rows``, index reset."""
    keep = np.ones(len(frame), dtype=bool)
    keep[np.asarray(rows, dtype=np.int64) - 1] = False
    return frame[keep].reset_index(drop=True)


def _check_ids(ids: pd.Series, problems: TableProblems, raw: pd.Series | None = None) -> None:
    """Missing, malformed and repeated complaint ids (``raw``: the column as the table has it)."""
    rows = np.arange(1, len(ids) + 1)
    # the pattern is anchored ASCII: RE2 reads it as Python's fullmatch on printable text;
    # a cell that is not text passes here, as with pandas' .str (NaN there). A pyarrow
    # column is searched as it is: its blanks ("", None in ids) match no id either.
    text = raw if raw is not None and _arrow_backed(raw) else ids
    ok_id = _regex_mask(text, COMPLAINT_ID_PATTERN.pattern, _id_match)
    given = ids.notna().to_numpy()
    problems.flag(~ok_id & ~given, "id", ids, NO_ID, Rule.REQUIRED)
    problems.flag(~ok_id & given, "id", ids, BAD_ID)
    # a pyarrow column holds the same non-missing ids: numbered without Python strings
    dup = text.duplicated(keep="first").to_numpy() & given
    if dup.any():
        first_row = pd.Series(rows, index=ids.to_numpy()).groupby(level=0).min()
        message = np.empty(len(ids), dtype=object)
        message[dup] = [
            Message("duplicate id (first in row {row})",
                    N_("codice ripetuto (la prima volta alla riga {row})"), row=r)
            for r in ids[dup].map(first_row)
        ]  # fmt: skip
        problems.flag(dup, "id", ids, message, Rule.DUPLICATE)


def _id_match(value: Any) -> Any:
    return COMPLAINT_ID_PATTERN.fullmatch(value) if isinstance(value, str) else value


def _check_codes(
    frame: pd.DataFrame, out: _Columns, catalog: Catalog | None, problems: TableProblems
) -> None:
    """Kind and channel among their values; service and category ids known to the catalog."""
    for col, enum_cls in (("kind", Kind), ("channel", Channel)):
        norm = _codes(frame, col)
        allowed = [e.value for e in enum_cls]
        bad = ~norm.isin(allowed).to_numpy()
        if bad.any():  # the cells as given, for the problems table
            problems.flag(bad, col, _text(frame, col, strip=False), one_of(allowed))
        out[col] = norm.to_numpy()
    for col, required in (("service", True), ("category", False)):
        values = _text(frame, col)
        present = values.notna().to_numpy()
        good = _matches(values, ID_PATTERN.pattern)
        missing, invalid, unknown = _CODE_MESSAGES[col]
        problems.flag(required & ~present, col, values, missing, Rule.REQUIRED)
        problems.flag(present & ~good, col, values, invalid)
        if catalog is not None:
            known = list(catalog.services if col == "service" else catalog.complaint_categories)
            problems.flag(present & good & ~values.isin(known).to_numpy(), col, values,
                          unknown, Rule.UNKNOWN_VALUE)  # fmt: skip
        out[col] = values.to_numpy()
    if catalog is not None and "category" in frame.columns:
        cats = catalog.complaint_categories
        cat_service = out["category"].map(
            {k: c.service for k, c in cats.items()}, na_action="ignore"
        )
        wrong = (cat_service.notna() & (cat_service != out["service"])).to_numpy(dtype=bool)
        problems.flag(wrong, "category", out["category"],
                      OTHER_SERVICE, Rule.INCONSISTENT)  # fmt: skip


def _check_location(frame: pd.DataFrame, out: _Columns, problems: TableProblems) -> None:
    """Where the problem is: degrees in range (``45.46`` or ``45,46``), both or neither;
    an http(s) ``media_url``."""
    raws: dict[str, pd.Series] = {}
    givens: dict[str, np.ndarray] = {}
    for col, limit in (("latitude", 90.0), ("longitude", 180.0)):
        raws[col] = raw = _text(frame, col)
        givens[col] = given = raw.notna().to_numpy()
        if not given.any():  # no cell to read (e.g. no such column)
            out[col] = np.full(len(raw), np.nan)
            continue
        text = raw.str.replace(",", ".", regex=False).where(~raw.str.contains(r"\.", na=False), raw)
        value = pd.to_numeric(text, errors="coerce").astype("float64")
        number = value.notna().to_numpy()
        problems.flag(given & ~number, col, raw, NOT_DEGREES)
        outside = number & ~(value.abs() <= limit).to_numpy()
        problems.flag(outside, col, raw, Message(
            "must be between -{limit} and {limit} degrees",
            N_("deve essere tra -{limit} e {limit} gradi"), limit=f"{limit:g}"))  # fmt: skip
        out[col] = value.to_numpy()
    lat, lon = givens["latitude"], givens["longitude"]
    only_lat = Message(
        "latitude without longitude: give both or neither",
        N_("latitudine senza longitudine: indicarle entrambe o nessuna"),
    )
    only_lon = Message(
        "longitude without latitude: give both or neither",
        N_("longitudine senza latitudine: indicarle entrambe o nessuna"),
    )
    problems.flag(lat & ~lon, "longitude", raws["longitude"], only_lat)
    problems.flag(lon & ~lat, "latitude", raws["latitude"], only_lon)  # fmt: skip
    out["address"] = _text(frame, "address").to_numpy()
    media = _text(frame, "media_url")
    linked = media.notna().to_numpy()
    web = np.zeros(len(media), dtype=bool)
    if linked.any():
        web = media.str.fullmatch(r"(?i)https?://[^\s/?#]+[^\s]*", na=False).to_numpy(dtype=bool)
    problems.flag(linked & ~web, "media_url", media,
                  Message("not an http:// or https:// address",
                          N_("non è un indirizzo http:// o https://")))  # fmt: skip
    out["media_url"] = media.to_numpy()


_DATE_ONLY = r"\s*\d{4}-\d{2}-\d{2}\s*"
_DATE_ONLY_RE = re.compile(_DATE_ONLY)


def _date_only_steps(
    times: dict[str, np.ndarray], raw: dict[str, pd.Series], tz: str | pd.Series
) -> None:
    """A date alone in a later step is that calendar day (changes ``times`` in place).

    ``answered_at = 2024-02-02`` for a complaint received on 2024-02-02 at
    09:30 was answered that day, not before it was received: the step is
    recorded at the earlier step's instant (the first of that day the
    history allows); on a later day, at the start of the day in the office.
    """
    for col in ("answered_at", "outcome_at", "closed_at"):
        earlier = [times["received_at"]]
        if col == "closed_at":
            earlier += [times["answered_at"], times["outcome_at"]]
        floor = np.maximum.reduce(earlier)
        us = times[col]
        late = (us >= 0) & (floor > us)  # the text is read only on these (few) rows
        if not late.any():
            continue
        cells = raw[col].to_numpy(dtype=object)
        late[late] = [_DATE_ONLY_RE.fullmatch(str(v)) is not None for v in cells[late]]
        if not late.any():
            continue
        same = local_days(_us_utc(us), tz) == local_days(_us_utc(floor), tz)
        times[col] = np.where(late & same, floor, us)


def _us_utc(us: np.ndarray) -> pd.Series:
    return pd.Series(np.where(us < 0, 0, us).astype("datetime64[us]")).dt.tz_localize("UTC")


def _check_times(
    frame: pd.DataFrame, tz: str | pd.Series, problems: TableProblems
) -> tuple[dict[str, np.ndarray], dict[str, pd.Series]]:
    """Each time column in microseconds (-1 when missing), and the raw cells.

    Flags cells that are not date-times, times in the future, a missing
    receipt and times out of order.
    """
    times: dict[str, np.ndarray] = {}
    raw_cols: dict[str, pd.Series] = {}
    limit = future_limit_us()
    for col in ("received_at", "answered_at", "closed_at", "outcome_at"):
        raw = frame[col] if col in frame.columns else pd.Series([None] * len(frame), dtype=object)
        raw = raw.reset_index(drop=True)
        raw_cols[col] = raw
        utc, bad, gap, fold = parse_office_times(raw, tz)
        problems.flag(bad, col, raw, NOT_A_TIME, Rule.NOT_A_DATE)
        problems.flag(gap | fold, col, raw, dst_problems(gap, fold, raw, tz), Rule.NOT_A_DATE)
        us = utc.dt.tz_localize(None).to_numpy(dtype="datetime64[us]").astype(np.int64)
        us[utc.isna().to_numpy()] = -1
        times[col] = us
        problems.flag(us > limit, col, raw, FUTURE_MESSAGE, Rule.IN_FUTURE)
        if col == "received_at":
            problems.flag(raw.isna().to_numpy(), col, raw, NO_RECEIPT, Rule.REQUIRED)
    _date_only_steps(times, raw_cols, tz)
    rec, ans, clo = times["received_at"], times["answered_at"], times["closed_at"]
    out_at = times["outcome_at"]
    for col, when, earlier, what in (
        ("answered_at", ans, rec, Message("answered before it was received",
                                          N_("risposto prima di essere ricevuto"))),
        ("closed_at", clo, rec, Message("closed before it was received",
                                        N_("chiuso prima di essere ricevuto"))),
        ("outcome_at", out_at, rec, Message("forwarded or rejected before it was received",
                                            N_("inoltrato o respinto prima di essere ricevuto"))),
        ("closed_at", clo, ans, Message("closed before it was answered",
                                        N_("chiuso prima della risposta"))),
        ("closed_at", clo, out_at, Message("closed before it was forwarded or rejected",
                                           N_("chiuso prima di essere inoltrato o respinto"))),
    ):  # fmt: skip
        problems.flag((when >= 0) & (earlier >= 0) & (when < earlier), col, raw_cols[col], what,
                      Rule.INCONSISTENT)  # fmt: skip
    return times, raw_cols


def _default_outcome(outcome: pd.Series, status: pd.Series, answered_us: np.ndarray) -> pd.Series:
    """The outcome when the ``outcome`` cell is blank: from the status or ``answered_at``."""
    st = status.to_numpy(dtype=object)
    derived = np.full(len(st), None, dtype=object)
    done_by_answer = _among(st, [Status.ANSWERED.value, Status.CLOSED.value, Status.REOPENED.value])
    derived[done_by_answer | (answered_us >= 0)] = Status.ANSWERED.value
    for side in (Status.FORWARDED.value, Status.REJECTED.value):
        derived[st == side] = side
    return outcome.where(outcome.notna(), pd.Series(derived, index=outcome.index))


def _check_outcome(
    problems: TableProblems,
    out: _Columns,
    outcome: pd.Series,
    outcome_raw: pd.Series,
    status: pd.Series,
    times: dict[str, np.ndarray],
    raw_cols: dict[str, pd.Series],
) -> None:
    """Current-state checks: the outcome must fit the status and the dates."""
    flag = functools.partial(problems.flag, rule=Rule.INCONSISTENT)
    ans, out_at = times["answered_at"], times["outcome_at"]
    oc = outcome.to_numpy(dtype=object)
    st = status.to_numpy(dtype=object)
    known = outcome.isin(OUTCOMES).to_numpy()
    given = outcome_raw.notna().to_numpy()
    col = np.where(given, "outcome", "answered_at")
    # answered, forwarded and rejected are outcomes themselves
    final = _among(st, OUTCOMES)
    wrong = final & known & (oc != st)
    flag(wrong, "outcome", outcome_raw, Message(
        "a complaint whose status is an outcome has that outcome",
        N_("un reclamo il cui stato è un esito ha quell'esito")))  # fmt: skip
    reachable = {(s.value, o): _has_path(s, o) for s in Status for o in (*OUTCOMES, None)}
    # one look-up per distinct (status, outcome) pair, never per row
    s_code, _ = pd.factorize(st)
    o_code, o_uniques = pd.factorize(oc)
    pair = s_code.astype(np.int64) * (len(o_uniques) + 1) + o_code + 1
    # pairs numbered in order of appearance: the first row of each is the first not repeated
    inverse, _ = pd.factorize(pair)
    first = np.flatnonzero(~pd.Series(pair).duplicated().to_numpy())
    path = np.array([reachable.get((st[i], oc[i]), True) for i in first], dtype=bool)
    no_path = ~path[inverse] & ~wrong
    if no_path.any():  # the cells are read only when a row has no path
        value = np.where(given, outcome_raw.to_numpy(dtype=object),
                         raw_cols["answered_at"].to_numpy())  # fmt: skip
        message = np.full(len(st), "", dtype=object)
        message[no_path] = [
            Message("a {status} complaint cannot have been {outcome} yet",
                    N_("un reclamo nello stato {status} non può avere già l'esito {outcome}"),
                    status=code_said(s, quoted=True), outcome=code_said(o))
            for s, o in zip(st[no_path], oc[no_path], strict=True)
        ]  # fmt: skip
        for c in ("outcome", "answered_at"):
            m = no_path & (col == c)
            flag(m, c, pd.Series(value), message)
    flag(
        (oc == Status.ANSWERED.value) & (ans < 0) & ~no_path,
        "answered_at",
        raw_cols["answered_at"],
        Message(
            "the status says it was answered: give answered_at "
            "(or outcome 'forwarded' / 'rejected' if it was not answered)",
            N_(
                "lo stato dice che ha avuto risposta: indicare answered_at "
                "(o l'esito 'forwarded' / 'rejected' se non ha avuto risposta)"
            ),
        ),
    )
    side = _among(oc, [Status.FORWARDED.value, Status.REJECTED.value])
    flag(
        side & (ans >= 0) & ~wrong,
        "answered_at",
        raw_cols["answered_at"],
        Message(
            "answered and then forwarded or rejected: import the full history with events",
            N_(
                "con risposta e poi inoltrato o respinto: importare la storia completa "
                "con gli eventi"
            ),
        ),
    )
    flag(
        (out_at >= 0) & ~side,
        "outcome_at",
        raw_cols["outcome_at"],
        Message(
            "outcome_at dates a forward or rejection (an answer goes in answered_at)",
            N_(
                "outcome_at è la data di un inoltro o di un rigetto (una risposta va in "
                "answered_at)"
            ),
        ),
    )
    note = out["outcome_note"].notna().to_numpy()
    flag(note & ~side, "outcome_note", out["outcome_note"],
         Message("outcome_note is the reason of a forward or rejection",
                 N_("outcome_note è il motivo di un inoltro o di un rigetto")))  # fmt: skip
    target = out["outcome_target"].notna().to_numpy()
    flag(target & (oc != Status.FORWARDED.value), "outcome_target", out["outcome_target"],
         Message("outcome_target is the body a complaint was forwarded to",
                 N_("outcome_target è l'ente a cui il reclamo è stato inoltrato")))  # fmt: skip


def _among(values: np.ndarray, codes: Any) -> np.ndarray:
    """Mask of the cells of an object array equal to one of ``codes`` (hashed, not sorted)."""
    return pd.Series(values, dtype=object).isin(list(codes)).to_numpy()


def _has_path(status: Status, outcome: str | None) -> bool:
    try:
        path_to(status, via=outcome)
    except DataError:
        return False
    return True


def import_events(good: pd.DataFrame, actor: str) -> list[list[Any]]:
    """Event columns ``complaint_id, at_us, actor, action, from, to, note, target``.

    Each record walks the shortest lifecycle path to its status through
    its outcome (:func:`path_to` with ``via``). Steps before the outcome are
    dated at receipt; the outcome at ``answered_at`` (an answer) or
    ``outcome_at`` (a forward or rejection; ``closed_at``, else the receipt,
    when missing); later steps at ``closed_at`` (or the outcome). Forwards
    and rejections carry ``outcome_note`` and ``outcome_target``.
    """
    status = good["status"].to_numpy(dtype=object)
    outcome = good["outcome"].to_numpy(dtype=object)
    ids = good["id"].to_numpy(dtype=object)
    rec = good["received_us"].to_numpy()
    ans = good["answered_us"].to_numpy()
    clo = good["closed_us"].to_numpy()
    oat = good["outcome_us"].to_numpy()
    onote = good["outcome_note"].to_numpy(dtype=object)
    otarget = good["outcome_target"].to_numpy(dtype=object)
    combos = pd.DataFrame({"s": status, "o": outcome}).drop_duplicates()
    parts: list[tuple[np.ndarray, ...]] = []
    # one pass per (status, outcome) pair: a few dozen at most, never per row
    for sval, oval in combos.itertuples(index=False):
        o = None if oval is None or pd.isna(oval) else str(oval)
        mask = (status == sval) & (outcome == o if o is not None else pd.isna(outcome))
        path = path_to(sval, via=o)
        k = path.index(Status(o)) if o is not None else None
        if k is None:
            outcome_time = rec[mask]
        elif o == Status.ANSWERED.value:
            outcome_time = ans[mask]
        else:
            outcome_time = np.where(
                oat[mask] >= 0, oat[mask], np.where(clo[mask] >= 0, clo[mask], rec[mask])
            )
        later = np.where(clo[mask] >= 0, np.maximum(clo[mask], outcome_time), outcome_time)
        m = int(mask.sum())
        for step, to in enumerate(path):
            if k is None or step < k:
                at = rec[mask]
            elif step == k:
                at = outcome_time
            else:
                at = later
            note = np.full(m, "imported" if step else "", dtype=object)
            target = np.full(m, None, dtype=object)
            if to in (Status.FORWARDED, Status.REJECTED) and step == k:
                note = np.where(pd.isna(onote[mask]), "imported", onote[mask])
            if to is Status.FORWARDED:
                target = np.full(m, "(imported)", dtype=object)
                if step == k:
                    target = np.where(pd.isna(otarget[mask]), "(imported)", otarget[mask])
            parts.append(
                (
                    ids[mask],
                    at,
                    np.full(m, ACTIONS[to], dtype=object),
                    np.full(m, path[step - 1].value if step else None, dtype=object),
                    np.full(m, to.value, dtype=object),
                    note,
                    target,
                )
            )
    if not parts:
        return [[] for _ in range(8)]
    cols = [np.concatenate([p[i] for p in parts]).tolist() for i in range(7)]
    return [cols[0], cols[1], [actor] * len(cols[0]), *cols[2:]]
