"""Validation of raw survey responses against an :class:`Instrument`.

:func:`validate` checks a wide response frame (one row per respondent, one
column per question) and returns the clean responses together with a table
of *every* problem found. Nothing is dropped silently: each dropped row or
blanked cell is in the problems table with the action taken.
"""

from __future__ import annotations

import contextlib
import enum
from collections.abc import Iterable
from typing import Any

import attrs
import numpy as np
import pandas as pd

from qualitapa.errors import DataError
from qualitapa.io import to_numeric_column
from qualitapa.surveys._models import Instrument, Question, QuestionType, _format_code

__all__ = ["DEFAULT_EXTRA_COLUMNS", "PROBLEM_COLUMNS", "Rule", "ValidationResult", "validate"]

#: Columns accepted besides the questions and the respondent id.
DEFAULT_EXTRA_COLUMNS: tuple[str, ...] = (
    "organization",
    "period",
    "service",
    "weight",
    "date",
    "channel",
)

#: Columns of :attr:`ValidationResult.problems`.
PROBLEM_COLUMNS = ["row", "respondent", "question", "value", "rule", "message", "action"]


class Rule(enum.StrEnum):
    """The checks :func:`validate` applies (the ``rule`` column of the problems)."""

    UNKNOWN_COLUMN = "unknown_column"
    MISSING_COLUMN = "missing_column"
    MISSING_RESPONDENT = "missing_respondent"
    DUPLICATE_ROW = "duplicate_row"
    DUPLICATE_RESPONDENT = "duplicate_respondent"
    NOT_A_NUMBER = "not_a_number"
    OUT_OF_SCALE = "out_of_scale"
    UNKNOWN_CODE = "unknown_code"
    REQUIRED = "required"
    NOT_RELEVANT = "not_relevant"
    CONSTRAINT = "constraint"


_CELL_RULES = {
    Rule.NOT_A_NUMBER,
    Rule.OUT_OF_SCALE,
    Rule.UNKNOWN_CODE,
    Rule.NOT_RELEVANT,
    Rule.CONSTRAINT,
}


@attrs.frozen
class ValidationResult:
    """What :func:`validate` returns.

    Attributes
    ----------
    clean
        The responses that passed, normalised: scaled and numeric answers
        as numbers, choice codes as text (multiple choice: space-separated
        codes). The original index is kept.
    problems
        One row per problem, columns :data:`PROBLEM_COLUMNS`: ``row`` (1-based
        data row of the input, header excluded; empty for column problems),
        ``respondent``, ``question`` (the column), ``value`` (as found),
        ``rule`` (a :class:`Rule`), ``message`` and ``action`` (``row
        dropped``, ``cell blanked``, ``reported``, ``column kept``,
        ``column added (empty)``).
    n_input
        Rows in the input.
    """

    clean: pd.DataFrame
    problems: pd.DataFrame
    n_input: int

    @property
    def ok(self) -> bool:
        """No problem found."""
        return len(self.problems) == 0

    @property
    def n_dropped(self) -> int:
        """Input rows not in :attr:`clean`."""
        return self.n_input - len(self.clean)

    def summary(self) -> pd.DataFrame:
        """Problems counted by ``rule``, ``question`` and ``action``."""
        if self.problems.empty:
            return pd.DataFrame(columns=["rule", "question", "action", "count"])
        return (
            self.problems.fillna({"question": ""})
            .groupby(["rule", "question", "action"], sort=True)
            .size()
            .rename("count")
            .reset_index()
        )


def _problem_chunk(
    idx: np.ndarray,
    respondents: np.ndarray,
    question: str | None,
    values: Any,
    rule: Rule,
    message: str,
    action: str,
) -> pd.DataFrame:
    n = len(idx)
    if isinstance(values, pd.Series):
        vals = values.iloc[idx].astype(object).to_numpy()
    else:
        vals = np.full(n, values, dtype=object)
    return pd.DataFrame(
        {
            "row": idx + 1,
            "respondent": respondents[idx] if len(respondents) else np.full(n, None),
            "question": np.full(n, question, dtype=object),
            "value": vals,
            "rule": np.full(n, rule.value, dtype=object),
            "message": np.full(n, message, dtype=object),
            "action": np.full(n, action, dtype=object),
        }
    )


def _normalise_scaled(q: Question, raw: pd.Series) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """Numbers (plus text don't-know codes); masks of non-numbers and out-of-scale."""
    assert q.scale is not None
    text_dk = [c for c in q.scale.dont_know if isinstance(c, str)]
    nums, bad = to_numeric_column(raw)
    is_text_dk = np.zeros(len(raw), dtype=bool)
    if text_dk and bad.any():
        stripped = raw.astype("string").str.strip()
        is_text_dk = stripped.isin(text_dk).to_numpy(dtype=bool, na_value=False)
        bad = bad & ~is_text_dk
    valid_num = np.array(
        [*q.scale.points, *(c for c in q.scale.dont_know if not isinstance(c, str))], dtype=float
    )
    present = ~np.isnan(nums)
    out_of_scale = present & ~np.isin(nums, valid_num)
    if text_dk:
        col = pd.Series(nums, index=raw.index, dtype=object)
        col[is_text_dk] = raw.astype("string").str.strip()[is_text_dk].astype(object)
        col[np.isnan(nums) & ~is_text_dk] = np.nan
    else:
        col = pd.Series(nums, index=raw.index, dtype="float64")
    return col, bad, out_of_scale


def _normalise_choice(q: Question, raw: pd.Series) -> tuple[pd.Series, np.ndarray]:
    codes = {c.code for c in q.choices}
    text = raw.astype("string").str.strip()
    if pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw):
        uniq = pd.unique(raw.dropna().to_numpy(dtype=float))
        text = raw.map({u: _format_code(float(u)) for u in uniq.tolist()}).astype("string")
    text = text.mask(text == "")
    if q.type is QuestionType.MULTIPLE:
        text = text.str.replace(r"\s+", " ", regex=True)
        tokens = text.str.split(" ")
        exploded = tokens.explode()
        bad_tok = ~exploded.isin(codes) & exploded.notna()
        bad = bad_tok.groupby(level=0, sort=False).any() if len(exploded) else bad_tok
        bad_arr = bad.reindex(raw.index.unique(), fill_value=False)
        if raw.index.has_duplicates:  # pragma: no cover - validate resets the index
            raise DataError("responses with a duplicated index cannot be validated")
        return text, bad_arr.reindex(raw.index).to_numpy(dtype=bool)
    numeric_codes = {}
    for c in codes:
        with contextlib.suppress(ValueError):
            numeric_codes[_format_code(float(c))] = c
    # "1.0" in a spreadsheet export means code "1"
    uniq_text = text.dropna().unique().tolist()
    fixed = text.map({u: numeric_codes.get(_format_float(u), u) for u in uniq_text})
    fixed = fixed.astype("string")
    bad_cells = (~fixed.isin(codes) & fixed.notna()).to_numpy(dtype=bool, na_value=False)
    return fixed, bad_cells


def _format_float(v: str) -> str:
    try:
        return _format_code(float(v))
    except ValueError:
        return v


def validate(
    instrument: Instrument,
    responses: pd.DataFrame,
    *,
    mode: str = "lenient",
    drop: str = "row",
    extra_columns: Iterable[str] = DEFAULT_EXTRA_COLUMNS,
    source: str | None = None,
) -> ValidationResult:
    """Check raw responses against the questionnaire.

    Rules (see :class:`Rule`): unknown columns, missing question columns,
    missing or duplicated respondent ids (identical repeated rows are
    ``duplicate_row``: the first is kept; the same id with different answers
    is ``duplicate_respondent``: all its rows are dropped), answers that are
    not numbers, codes outside the scale or the choice list, missing
    required answers (where relevant), answers where ``relevant`` is false,
    and violated constraints (checked on non-"don't know" answers).

    Parameters
    ----------
    instrument
        The questionnaire.
    responses
        Wide frame: one row per respondent, a column per question id, the
        respondent id in ``instrument.respondent`` (optional) and other
        columns listed in ``extra_columns``. Not modified.
    mode
        ``"lenient"`` (default): return the good rows and the problems;
        ``"strict"``: raise :class:`DataError` if there is any problem.
    drop
        For an invalid answer in lenient mode: ``"row"`` drops the
        respondent (default), ``"cell"`` blanks only that answer.
    extra_columns
        Columns that are neither questions nor the respondent id but are
        expected (organization, period, weights, profile variables...).
    source
        Name of the data (file path) used in error messages.

    Returns
    -------
    ValidationResult
        ``.clean`` and ``.problems``.

    Raises
    ------
    DataError
        In strict mode, when any problem is found; ``failure_cases`` holds
        the problems table.

    Examples
    --------
    >>> from qualitapa.surveys import Instrument, Question, Scale
    >>> inst = Instrument("counter", "Sportello", questions=[
    ...     Question("wait", "likert", "Attesa", scale=Scale.likert(4), required=True)])
    >>> raw = pd.DataFrame({"respondent": [1, 2, 3], "wait": [4, 7, None]})
    >>> result = validate(inst, raw)
    >>> result.clean["wait"].tolist()
    [4.0]
    >>> print(result.problems[["row", "rule", "action"]])
       row          rule       action
    0    2  out_of_scale  row dropped
    1    3      required  row dropped
    """
    if mode not in ("lenient", "strict"):
        raise ValueError(f"mode must be 'lenient' or 'strict', not {mode!r}")
    if drop not in ("row", "cell"):
        raise ValueError(f"drop must be 'row' or 'cell', not {drop!r}")
    if not isinstance(responses, pd.DataFrame):
        raise DataError("responses must be a pandas DataFrame", source=source)
    n = len(responses)
    original_index = responses.index
    frame = responses.reset_index(drop=True)
    chunks: list[pd.DataFrame] = []
    no_rows = np.array([], dtype=np.int64)
    rid_col = instrument.respondent
    has_rid = rid_col in frame.columns
    respondents = frame[rid_col].to_numpy(dtype=object) if has_rid else np.array([], dtype=object)
    question_ids = [q.id for q in instrument.questions]
    extra = set(extra_columns)

    def column_problem(col: str, rule: Rule, message: str, action: str) -> None:
        chunk = _problem_chunk(no_rows, respondents, col, None, rule, message, action)
        chunk = (
            pd.DataFrame(
                {
                    "row": [pd.NA],
                    "respondent": [None],
                    "question": [col],
                    "value": [None],
                    "rule": [rule.value],
                    "message": [message],
                    "action": [action],
                }
            )
            if chunk.empty
            else chunk
        )
        chunks.append(chunk)

    for name in frame.columns:
        if name != rid_col and name not in question_ids and name not in extra:
            column_problem(
                str(name),
                Rule.UNKNOWN_COLUMN,
                "column is not a question of the instrument",
                "column kept",
            )
    drop_rows = np.zeros(n, dtype=bool)
    blank: dict[str, np.ndarray] = {}
    cell_action = "row dropped" if drop == "row" else "cell blanked"

    # respondent ids ---------------------------------------------------------
    if has_rid:
        missing_id = frame[rid_col].isna().to_numpy()
        if missing_id.any():
            idx = np.flatnonzero(missing_id)
            chunks.append(
                _problem_chunk(
                    idx,
                    respondents,
                    rid_col,
                    None,
                    Rule.MISSING_RESPONDENT,
                    "respondent id is missing",
                    "row dropped",
                )
            )
            drop_rows |= missing_id
        ids = frame[rid_col]
        dup_any = ids.duplicated(keep=False).to_numpy() & ~missing_id
        if dup_any.any():
            exact_later = frame.duplicated(keep="first").to_numpy() & dup_any
            sub = frame.loc[dup_any]
            n_variants = sub.drop_duplicates().groupby(rid_col, sort=False).size()
            conflicting = ids.map(n_variants).fillna(0).to_numpy() > 1
            idx = np.flatnonzero(exact_later & ~conflicting)
            if len(idx):
                chunks.append(
                    _problem_chunk(
                        idx,
                        respondents,
                        rid_col,
                        frame[rid_col],
                        Rule.DUPLICATE_ROW,
                        "row repeats an earlier row exactly; the first copy is kept",
                        "row dropped",
                    )
                )
            idx = np.flatnonzero(conflicting & dup_any)
            if len(idx):
                chunks.append(
                    _problem_chunk(
                        idx,
                        respondents,
                        rid_col,
                        frame[rid_col],
                        Rule.DUPLICATE_RESPONDENT,
                        "respondent id appears in rows with different answers; all are dropped",
                        "row dropped",
                    )
                )
            drop_rows |= (exact_later & ~conflicting) | (conflicting & dup_any)

    # values ------------------------------------------------------------------
    clean_cols: dict[str, pd.Series] = {}
    scored_values: dict[str, np.ndarray] = {}
    for q in instrument.questions:
        if q.id not in frame.columns:
            column_problem(
                q.id, Rule.MISSING_COLUMN, "question column is missing", "column added (empty)"
            )
            dtype = "float64" if q.type.scaled or q.type is QuestionType.NUMERIC else "string"
            clean_cols[q.id] = pd.Series(np.nan, index=frame.index, dtype=dtype)
            if q.type.scaled or q.type is QuestionType.NUMERIC:
                scored_values[q.id] = np.full(n, np.nan)
            continue
        raw = frame[q.id]
        bad_cells = np.zeros(n, dtype=bool)
        if q.type.scaled:
            col, not_num, out_of_scale = _normalise_scaled(q, raw)
            assert q.scale is not None
            pts = ", ".join(_format_code(p) for p in q.scale.points)
            dk = ", ".join(_format_code(c) for c in q.scale.dont_know)
            for mask, rule, msg in (
                (not_num, Rule.NOT_A_NUMBER, "answer is not a number"),
                (
                    out_of_scale,
                    Rule.OUT_OF_SCALE,
                    f"answer is not a point of the scale ({pts}"
                    + (f"; don't know: {dk})" if dk else ")"),
                ),
            ):
                if mask.any():
                    idx = np.flatnonzero(mask)
                    chunks.append(
                        _problem_chunk(idx, respondents, q.id, raw, rule, msg, cell_action)
                    )
                    bad_cells |= mask
            nums = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
            dk_num = np.array([c for c in q.scale.dont_know if not isinstance(c, str)], dtype=float)
            scored = np.where(np.isin(nums, dk_num) | bad_cells, np.nan, nums)
            scored_values[q.id] = scored
            answered = col.notna().to_numpy() & ~bad_cells
        elif q.type.has_choices:
            col, bad = _normalise_choice(q, raw)
            if bad.any():
                idx = np.flatnonzero(bad)
                codes = ", ".join(c.code for c in q.choices)
                chunks.append(
                    _problem_chunk(
                        idx,
                        respondents,
                        q.id,
                        raw,
                        Rule.UNKNOWN_CODE,
                        f"code not in the choice list ({codes})",
                        cell_action,
                    )
                )
                bad_cells |= bad
            answered = col.notna().to_numpy() & ~bad_cells
            scored = np.full(n, np.nan)
        elif q.type is QuestionType.NUMERIC:
            nums, not_num = to_numeric_column(raw)
            if not_num.any():
                idx = np.flatnonzero(not_num)
                chunks.append(
                    _problem_chunk(
                        idx,
                        respondents,
                        q.id,
                        raw,
                        Rule.NOT_A_NUMBER,
                        "answer is not a number",
                        cell_action,
                    )
                )
                bad_cells |= not_num
            col = pd.Series(nums, index=frame.index, dtype="float64")
            scored = nums
            scored_values[q.id] = nums
            answered = ~np.isnan(nums)
        else:
            stripped = raw.astype("string").str.strip()
            col = stripped.mask(stripped == "")
            answered = col.notna().to_numpy()
            scored = np.full(n, np.nan)
        clean_cols[q.id] = col
        if bad_cells.any():
            blank[q.id] = bad_cells.copy()

    # relevance, required, constraints (on the normalised answers) ---------------
    norm = pd.DataFrame(
        {
            qid: clean_cols[qid].where(~pd.Series(blank[qid], index=frame.index))
            if qid in blank
            else clean_cols[qid]
            for qid in question_ids
        },
        index=frame.index,
    )
    for q in instrument.questions:
        col = clean_cols[q.id]
        answered = col.notna().to_numpy() & ~blank.get(q.id, np.zeros(n, dtype=bool))
        relevant = (
            q.relevant_expression.evaluate(norm)
            if q.relevant_expression is not None
            else np.ones(n, dtype=bool)
        )
        mask = answered & ~relevant
        if mask.any():
            idx = np.flatnonzero(mask)
            chunks.append(
                _problem_chunk(
                    idx,
                    respondents,
                    q.id,
                    frame.get(q.id, None),
                    Rule.NOT_RELEVANT,
                    f"answered although not relevant ({q.relevant})",
                    cell_action,
                )
            )
            blank[q.id] = blank.get(q.id, np.zeros(n, dtype=bool)) | mask
        if q.required:
            mask = ~answered & relevant & ~blank.get(q.id, np.zeros(n, dtype=bool))
            if mask.any():
                idx = np.flatnonzero(mask)
                chunks.append(
                    _problem_chunk(
                        idx,
                        respondents,
                        q.id,
                        None,
                        Rule.REQUIRED,
                        "required answer is missing",
                        "row dropped" if drop == "row" else "reported",
                    )
                )
                if drop == "row":
                    drop_rows |= mask
        if q.constraint_expression is not None:
            self_vals = (
                pd.Series(scored_values[q.id])
                if q.id in scored_values
                else col.reset_index(drop=True)
            )
            ok = q.constraint_expression.evaluate(norm, self_values=self_vals)
            checked = answered & relevant & ~blank.get(q.id, np.zeros(n, dtype=bool))
            if q.id in scored_values:
                checked &= ~np.isnan(scored_values[q.id])  # don't-know codes are not checked
            mask = checked & ~ok
            if mask.any():
                idx = np.flatnonzero(mask)
                msg = (
                    q.constraint_message.it
                    if q.constraint_message
                    else f"answer violates the constraint {q.constraint}"
                )
                chunks.append(
                    _problem_chunk(
                        idx, respondents, q.id, frame[q.id], Rule.CONSTRAINT, msg, cell_action
                    )
                )
                blank[q.id] = blank.get(q.id, np.zeros(n, dtype=bool)) | mask

    # assemble -------------------------------------------------------------------
    problems = (
        pd.concat(chunks, ignore_index=True)
        if chunks
        else pd.DataFrame({c: pd.Series(dtype=object) for c in PROBLEM_COLUMNS})
    )
    problems = problems[PROBLEM_COLUMNS]
    if len(problems):
        problems["row"] = problems["row"].astype("Int64")
        order = np.lexsort(
            (
                problems["question"].astype(str).to_numpy(),
                problems["row"].fillna(0).to_numpy(dtype=np.int64),
            )
        )
        problems = problems.iloc[order].reset_index(drop=True)
    if mode == "strict" and len(problems):
        raise DataError(
            "the responses do not match the instrument",
            source=source,
            failure_cases=problems,
        )
    for qid, mask in blank.items():
        if drop == "row":
            drop_rows |= mask
        else:
            c = clean_cols[qid]
            clean_cols[qid] = c.where(~pd.Series(mask, index=c.index))
    others = [c for c in frame.columns if c not in clean_cols and c != rid_col]
    parts: dict[str, Any] = {}
    if has_rid:
        parts[rid_col] = frame[rid_col]
    parts.update(clean_cols)
    for other in others:
        parts[str(other)] = frame[other]
    clean = pd.DataFrame(parts, index=frame.index)
    clean.index = original_index
    keep = ~drop_rows
    if not keep.all():
        clean = clean.loc[keep] if original_index.is_unique else clean.iloc[np.flatnonzero(keep)]
    return ValidationResult(clean=clean, problems=problems, n_input=n)
