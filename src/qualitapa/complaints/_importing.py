"""Validation of complaint tables before they enter the register.

Every check is vectorised over the whole table; each failing cell becomes a
row of the problems table (``row``, ``id``, ``column``, ``value``,
``problem``) and the rows without problems go on.
"""

from __future__ import annotations

import re
from typing import Any

import attrs
import numpy as np
import pandas as pd

from qualitapa.complaints._calendar import DEFAULT_TZ
from qualitapa.complaints._lifecycle import path_to
from qualitapa.complaints._models import COMPLAINT_ID_PATTERN, Channel, Kind, Status
from qualitapa.errors import DataError
from qualitapa.io import require_columns
from qualitapa.models import ID_PATTERN

__all__ = ["IMPORT_COLUMNS", "ImportReport", "prepare_import"]

REQUIRED = ("id", "kind", "channel", "service", "received_at")
OPTIONAL = (
    "category",
    "organization",
    "description",
    "status",
    "answered_at",
    "closed_at",
    "contact_name",
    "contact_email",
    "contact_phone",
    "contact_address",
)
#: Columns an import table may have (the first five are required).
IMPORT_COLUMNS = REQUIRED + OPTIONAL
CONTACT_COLUMNS = ("contact_name", "contact_email", "contact_phone", "contact_address")
PROBLEM_COLUMNS = ["row", "id", "column", "value", "problem"]


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
        One row per rejected cell: ``row`` (1-based data row, header not
        counted), ``id``, ``column``, ``value``, ``problem``. Rows listed
        here were not imported; all others were.
    source
        The file or frame name.
    """

    imported: int
    events: int
    problems: pd.DataFrame = attrs.field(eq=False, repr=False)
    source: str | None = None

    @property
    def rejected(self) -> int:
        """Number of rows not imported."""
        return int(self.problems["row"].nunique()) if len(self.problems) else 0

    def raise_for_problems(self) -> None:
        """Raise :class:`DataError` (with ``failure_cases``) if any row was rejected."""
        if len(self.problems):
            raise DataError(
                f"{self.rejected} row(s) were not imported",
                source=self.source,
                failure_cases=self.problems,
            )


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
    out = values.astype(object)
    return out.where(values.notna() & (out != ""), None)


def _code(value: Any) -> str:
    return str(value).strip().lower().replace(" ", "_")


def _matches(values: pd.Series, pattern: str) -> np.ndarray:
    return (
        _per_unique(values, lambda v: bool(re.fullmatch(pattern, str(v))))
        .fillna(False)
        .to_numpy(dtype=bool)
    )


def _parse_times(values: pd.Series, tz: str) -> tuple[pd.Series, np.ndarray]:
    """UTC instants and a mask of unparseable non-empty cells."""
    present = values.notna().to_numpy()
    if pd.api.types.is_datetime64_any_dtype(values):
        parsed = pd.Series(values.to_numpy(), index=values.index)
    else:
        text = values.astype(object).where(values.notna(), None)
        try:
            parsed = pd.to_datetime(text, errors="coerce", format="ISO8601", utc=False)
        except (ValueError, TypeError):
            parsed = pd.Series([_one_time(v) for v in text], index=values.index, dtype=object)
    if isinstance(parsed.dtype, pd.DatetimeTZDtype):
        utc = parsed.dt.tz_convert("UTC")
    elif pd.api.types.is_datetime64_dtype(parsed):
        utc = parsed.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT").dt.tz_convert("UTC")
    else:  # mixed offsets / naive and aware: one by one (rare)
        utc = pd.Series(
            [_to_utc(v, tz) for v in parsed], index=values.index, dtype="datetime64[us, UTC]"
        )
    utc = utc.astype("datetime64[us, UTC]")
    bad = present & utc.isna().to_numpy()
    return utc, bad


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


def prepare_import(
    frame: pd.DataFrame,
    *,
    source: str | None = None,
    catalog: Any = None,
    tz: str = DEFAULT_TZ,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Validate an import table; return ``(good_rows, problems)``.

    ``good_rows`` has normalised columns: text columns as object, times as
    ``int64`` microseconds since the epoch (UTC) in ``received_us``,
    ``answered_us``, ``closed_us`` (-1 when missing) and ``row`` (1-based).
    """
    if not isinstance(frame, pd.DataFrame):
        raise DataError("expected a pandas DataFrame", source=source)
    require_columns(frame, REQUIRED, source=source)
    unknown = [c for c in frame.columns if c not in IMPORT_COLUMNS]
    if unknown:
        raise DataError(
            f"unknown column; allowed: {list(IMPORT_COLUMNS)}",
            source=source,
            column=str(unknown[0]),
        )
    n = len(frame)
    rows = np.arange(1, n + 1)
    out = pd.DataFrame({"row": rows})
    problems: list[pd.DataFrame] = []

    def flag(mask: np.ndarray, column: str, values: pd.Series, message: Any) -> None:
        mask = np.asarray(mask, dtype=bool)
        if mask.any():
            msg = message if isinstance(message, str) else np.asarray(message, dtype=object)[mask]
            problems.append(
                pd.DataFrame(
                    {
                        "row": rows[mask],
                        "id": ids.to_numpy()[mask],
                        "column": column,
                        "value": values.to_numpy()[mask],
                        "problem": msg,
                    }
                )
            )

    ids = _text(frame, "id", strip=False)
    out["id"] = ids.to_numpy()
    ok_id = ids.fillna("").str.fullmatch(COMPLAINT_ID_PATTERN.pattern).to_numpy(dtype=bool)
    flag(~ok_id & ids.isna().to_numpy(), "id", ids, "the id is missing")
    flag(
        ~ok_id & ids.notna().to_numpy(),
        "id",
        ids,
        "not a valid complaint id (letters, digits and '_ . - /', at most 64 characters)",
    )
    dup = ids.duplicated(keep="first").to_numpy() & ids.notna().to_numpy()
    if dup.any():
        first_row = pd.Series(rows, index=ids.to_numpy()).groupby(level=0).min()
        where = ids[dup].map(first_row).to_numpy()
        message = np.empty(n, dtype=object)
        message[dup] = [f"duplicate id (first in row {r})" for r in where]
        flag(dup, "id", ids, message)

    for col, enum_cls in (("kind", Kind), ("channel", Channel)):
        values = _text(frame, col, strip=False)
        norm = _per_unique(values, _code)
        allowed = [e.value for e in enum_cls]
        good = norm.isin(allowed).to_numpy()
        flag(~good, col, values, f"must be one of {allowed}")
        out[col] = norm.to_numpy()

    for col, required in (("service", True), ("category", False)):
        values = _text(frame, col)
        present = values.notna().to_numpy()
        good = _matches(values, ID_PATTERN.pattern)
        flag(required & ~present, col, values, f"the {col} is missing")
        flag(present & ~good, col, values, f"not a valid {col} id")
        if catalog is not None:
            known = list(catalog.services if col == "service" else catalog.complaint_categories)
            flag(
                present & good & ~values.isin(known).to_numpy(),
                col,
                values,
                f"unknown {col} (not in the catalog)",
            )
        out[col] = values.to_numpy()

    if catalog is not None and "category" in frame.columns:
        cats = catalog.complaint_categories
        cat_service = out["category"].map(
            {k: c.service for k, c in cats.items()}, na_action="ignore"
        )
        wrong = (cat_service.notna() & (cat_service != out["service"])).to_numpy(dtype=bool)
        flag(wrong, "category", out["category"], "the category belongs to another service")

    for col in ("organization", *CONTACT_COLUMNS):
        out[col] = _text(frame, col).to_numpy()
    out["description"] = _text(frame, "description", strip=False).to_numpy()
    out["description"] = out["description"].fillna("")

    status = _text(frame, "status", strip=False)
    norm_status = _per_unique(status, _code).fillna("received")
    good_status = norm_status.isin([s.value for s in Status]).to_numpy()
    flag(~good_status, "status", status, f"must be one of {[s.value for s in Status]}")
    out["status"] = norm_status.to_numpy()

    times: dict[str, np.ndarray] = {}
    for col in ("received_at", "answered_at", "closed_at"):
        raw = frame[col] if col in frame.columns else pd.Series([None] * n, dtype=object)
        utc, bad = _parse_times(raw.reset_index(drop=True), tz)
        flag(bad, col, raw, "not a date-time (use ISO 8601, e.g. 2024-01-31T09:30:00+01:00)")
        us = utc.dt.tz_localize(None).to_numpy(dtype="datetime64[us]").astype(np.int64)
        us[utc.isna().to_numpy()] = -1
        times[col] = us
        raw_missing = raw.isna().to_numpy()
        if col == "received_at":
            flag(raw_missing, col, raw, "the date of receipt is missing")
    rec, ans, clo = times["received_at"], times["answered_at"], times["closed_at"]
    answered_col = frame["answered_at"] if "answered_at" in frame.columns else status
    closed_col = frame["closed_at"] if "closed_at" in frame.columns else status
    flag(
        (ans >= 0) & (rec >= 0) & (ans < rec),
        "answered_at",
        answered_col,
        "answered before it was received",
    )
    flag(
        (clo >= 0) & (rec >= 0) & (clo < rec),
        "closed_at",
        closed_col,
        "closed before it was received",
    )
    flag(
        (clo >= 0) & (ans >= 0) & (clo < ans),
        "closed_at",
        closed_col,
        "closed before it was answered",
    )
    needs_answer = np.zeros(n, dtype=bool)
    for s in Status:
        if Status.ANSWERED in path_to(s):
            needs_answer |= (norm_status == s.value).to_numpy()
    flag(
        needs_answer & (ans < 0),
        "answered_at",
        answered_col,
        "the status says it was answered: give answered_at",
    )
    out["received_us"] = rec
    out["answered_us"] = ans
    out["closed_us"] = clo

    problem_table = (
        pd.concat(problems, ignore_index=True).sort_values(["row", "column"], kind="stable")
        if problems
        else pd.DataFrame({c: pd.Series(dtype=object) for c in PROBLEM_COLUMNS})
    )
    problem_table = problem_table.reset_index(drop=True)
    bad_rows = np.zeros(n, dtype=bool)
    if len(problem_table):
        bad_rows[problem_table["row"].to_numpy(dtype=np.int64) - 1] = True
    return out[~bad_rows].reset_index(drop=True), problem_table


def import_events(good: pd.DataFrame, actor: str) -> list[tuple[Any, ...]]:
    """Event rows ``(complaint_id, at_us, actor, action, from, to, note, target)``.

    Each record walks the shortest lifecycle path to its status. Steps up to
    the answer are dated at receipt, the answer at ``answered_at``, later
    steps at ``closed_at`` (or the answer); a forward or rejection without
    answer is dated at ``closed_at`` (or receipt).
    """
    from qualitapa.complaints._lifecycle import ACTIONS

    rows: list[tuple[Any, ...]] = []
    status = good["status"].to_numpy()
    ids = good["id"].to_numpy()
    rec = good["received_us"].to_numpy()
    ans = good["answered_us"].to_numpy()
    clo = good["closed_us"].to_numpy()
    paths = {s.value: path_to(s) for s in Status}
    longest = max(len(p) for p in paths.values())
    for step in range(longest):
        for sval, path in paths.items():
            if step >= len(path):
                continue
            mask = status == sval
            if not mask.any():
                continue
            to = path[step]
            fr = path[step - 1].value if step else None
            answer_step = path.index(Status.ANSWERED) if Status.ANSWERED in path else None
            if step == 0:
                at = rec[mask]
            elif answer_step is not None and step == answer_step:
                at = ans[mask]
            elif answer_step is not None and step > answer_step:
                at = np.where(clo[mask] >= 0, clo[mask], ans[mask])
            elif to in (Status.FORWARDED, Status.REJECTED) or (
                to is Status.CLOSED and answer_step is None
            ):
                at = np.where(clo[mask] >= 0, clo[mask], rec[mask])
            else:
                at = rec[mask]
            note = "imported" if step else ""
            target = "(imported)" if to is Status.FORWARDED else None
            action = ACTIONS[to]
            rows.extend(
                zip(
                    ids[mask].tolist(),
                    at.tolist(),
                    [actor] * int(mask.sum()),
                    [action] * int(mask.sum()),
                    [fr] * int(mask.sum()),
                    [to.value] * int(mask.sum()),
                    [note] * int(mask.sum()),
                    [target] * int(mask.sum()),
                    strict=True,
                )
            )
    return rows
