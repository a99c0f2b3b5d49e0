"""CAF self-assessment input: individual scores and consensus scores, checked.

The input is a tidy table with one row per assessor and sub-criterion:

==================  ==========================================================
column              meaning
==================  ==========================================================
``assessor``        who scored (required)
``subcriterion``    ``"1.1"`` ... ``"9.2"`` (required)
``score``           0-100, classical scoring
``plan`` ``do``     fine-tuned scoring of enablers (criteria 1-5), 0-100 each
``check`` ``act``
``trends``          fine-tuned scoring of results (criteria 6-9), 0-100 each
``targets``
``not_assessed``    yes/true/1/x: the assessor explicitly did not score it
``evidence``        free text: the evidence the score rests on
``strengths``       free text
``improvements``    free text: areas for improvement
==================  ==========================================================

Other columns (e.g. ``title`` from the template) are ignored.

The checks follow :mod:`qualitapa.problems`: ``check_*`` returns the
problems table (``source, row, column, value, rule, message``);
``validate_*`` returns ``(clean, problems)`` and raises a
:class:`~qualitapa.errors.DataError` in strict mode.
"""

from __future__ import annotations

import warnings
from typing import Literal, overload

import numpy as np
import numpy.typing as npt
import pandas as pd

from qualitapa.caf._model import CriterionKind, ScoringMethod, caf_model
from qualitapa.io import to_numeric_column
from qualitapa.problems import Problems, Rule, check_option

#: Partial scores of the fine-tuned enablers panel (PDCA phases).
ENABLER_PARTS = ("plan", "do", "check", "act")
#: Partial scores of the fine-tuned results panel.
RESULT_PARTS = ("trends", "targets")
#: Free-text columns carried through validation.
COMMENT_COLUMNS = ("evidence", "strengths", "improvements")
#: The name before 0.2.0 (:data:`qualitapa.io.TEXT_COLUMNS` are the columns read as text).
TEXT_COLUMNS = COMMENT_COLUMNS

#: The problem of a sub-criterion id the CAF 2020 model does not have.
UNKNOWN_SUBCRITERION = "unknown CAF sub-criterion (use 1.1 ... 9.2)"

#: ``"lenient"``: return the clean rows and the problems; ``"strict"``: raise on any problem.
Mode = Literal["lenient", "strict"]

_Bools = npt.NDArray[np.bool_]
_Floats = npt.NDArray[np.float64]
_Cells = npt.NDArray[np.object_]

_TRUE = {"true", "yes", "y", "1", "x", "si", "sì", "s"}
_FALSE = {"", "false", "no", "n", "0", "nan", "<na>"}


def _text(frame: pd.DataFrame, column: str) -> pd.Series[str]:
    if column not in frame.columns:
        return pd.Series([""] * len(frame), index=frame.index, dtype="string")
    return frame[column].astype("string").fillna("").str.strip()


def _normalise_subcriterion(values: pd.Series[str]) -> pd.Series[str]:
    if pd.api.types.is_float_dtype(values):  # 1.1 read as a number from a CSV
        text = values.map(lambda v: "" if pd.isna(v) else f"{v:g}").astype("string")
    else:
        text = values.astype("string").fillna("").str.strip()
    return text.str.replace(r"^(\d)\.(\d)\.?0*$", r"\1.\2", regex=True)


def _scores_0_100(
    problems: Problems, frame: pd.DataFrame, column: str, source: str | None
) -> tuple[_Floats, _Bools]:
    """The ``column`` of scores as floats and which cells are not numbers (both flagged).

    Scores outside 0-100 are flagged too.
    """
    arr, bad = to_numeric_column(frame[column], source=source, column=column)
    raw = frame[column].to_numpy(dtype=object)
    problems.add(bad, column=column, value=raw, rule=Rule.NOT_A_NUMBER,
                 message="score is not a number")  # fmt: skip
    problems.add(~np.isnan(arr) & ((arr < 0) | (arr > 100)), column=column, value=raw,
                 rule=Rule.OUT_OF_RANGE, message="score outside 0-100")  # fmt: skip
    return arr, bad


def _subcriteria(problems: Problems, values: pd.Series[str]) -> tuple[_Cells, _Bools]:
    """Normalised sub-criterion ids and which are known; the unknown ones flagged."""
    sub = _normalise_subcriterion(values).to_numpy(dtype=object)
    known = np.isin(sub, [s.id for s in caf_model().subcriteria])
    problems.add(~known, column="subcriterion", value=sub, rule=Rule.UNKNOWN_VALUE,
                 message=UNKNOWN_SUBCRITERION)  # fmt: skip
    return sub, known


def _mode(mode: Mode | None, function: str) -> Mode:
    """The mode asked for; None (the pre-0.3.0 call) warns and means strict."""
    if mode is None:
        warnings.warn(
            f"{function}() without mode= returns the clean table and raises on any problem; "
            f"from 0.3.0 it returns (clean, problems) as every validate_* function does and "
            f"raises only with mode='strict': pass mode='strict' (or mode='lenient' to get "
            f"the problems back)",
            DeprecationWarning,
            stacklevel=3,
        )
        return "strict"
    check_option("mode", mode, ("lenient", "strict"))  # before the work, not after
    return mode


# -- individual scores ------------------------------------------------------------------


def check_scores(
    scores: pd.DataFrame,
    *,
    method: ScoringMethod | str | None = None,
    require_complete: bool = True,
    source: str | None = None,
) -> pd.DataFrame:
    """Every problem in a table of individual CAF scores, one row per problem.

    The checks of :func:`validate_scores`; see there for the parameters.

    Returns
    -------
    DataFrame
        The problems table of :mod:`qualitapa.problems` (``source, row,
        column, value, rule, message``), sorted by row; empty when the
        scores are clean.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"assessor": ["anna", "anna", "bruno"],
    ...                   "subcriterion": ["1.1", "1.9", "1.2"], "score": [50, "tanto", 120]})
    >>> check_scores(t, require_complete=False)[["row", "column", "value", "rule"]]
       row        column  value           rule
    0    2         score  tanto   not_a_number
    1    2  subcriterion    1.9  unknown_value
    2    3         score    120   out_of_range
    """
    _, problems = _checked_scores(scores, method, require_complete, source, lazy=True)
    return problems.frame()


@overload
def validate_scores(
    scores: pd.DataFrame,
    *,
    method: ScoringMethod | str | None = ...,
    require_complete: bool = ...,
    source: str | None = ...,
    mode: None = ...,
    lazy: bool = ...,
) -> pd.DataFrame: ...
@overload
def validate_scores(
    scores: pd.DataFrame,
    *,
    method: ScoringMethod | str | None = ...,
    require_complete: bool = ...,
    source: str | None = ...,
    mode: Mode,
    lazy: bool = ...,
) -> tuple[pd.DataFrame, pd.DataFrame]: ...
def validate_scores(
    scores: pd.DataFrame,
    *,
    method: ScoringMethod | str | None = None,
    require_complete: bool = True,
    source: str | None = None,
    mode: Mode | None = None,
    lazy: bool = True,
) -> pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame]:
    """Check a table of individual CAF scores: ``(clean, problems)``.

    Parameters
    ----------
    scores
        One row per assessor and sub-criterion (see the module docstring for
        the columns). Not modified.
    method
        ``"classical"`` (one ``score``) or ``"fine_tuned"`` (``plan``,
        ``do``, ``check``, ``act`` for enablers; ``trends``, ``targets`` for
        results). By default fine-tuned when any of those columns is
        present.
    require_complete
        Every one of the 28 sub-criteria must appear at least once, scored
        or marked ``not_assessed``.
    source
        File name, for the problems and error messages.
    mode
        ``"lenient"``: return the rows without a problem and every problem;
        ``"strict"``: raise :class:`DataError` if there is any problem.
        Not given: the clean table alone, raising on any problem, as before
        0.2.0 (deprecated: a ``DeprecationWarning``; from 0.3.0 the default
        is ``"lenient"``).
    lazy
        Collect every problem before reporting (the default); ``False``
        raises at the first check that finds one (pandera's ``lazy=False``),
        whatever the mode.

    Returns
    -------
    clean : DataFrame
        Columns ``assessor, subcriterion, criterion, kind, score,
        not_assessed, evidence, strengths, improvements`` (and the partial
        score columns when fine-tuned), in the input order; its index is
        the input position (row - 1), so the rows with a problem leave gaps.
        For fine-tuned rows ``score`` is the mean of the partial scores, as
        in the CAF 2020 fine-tuned panels (sum of the phases / 4, or of
        trends and targets / 2).
    problems : DataFrame
        As :func:`check_scores`: ``source, row, column, value, rule,
        message``. Problems of the whole table (a sub-criterion nobody
        scored, a missing column) have no row and drop no row.

    Raises
    ------
    DataError
        In strict mode (or with ``lazy=False``), naming the ``row`` (1-based
        data row) and ``column`` of the first problem, with every problem in
        ``failure_cases``: a missing column (``missing_column``), an unknown
        sub-criterion (``unknown_value``), a missing assessor or score not
        marked ``not_assessed`` (``required``), a score not a number or
        outside 0-100 (``not_a_number``, ``out_of_range``), incomplete PDCA
        phases or a sub-criterion absent from the table (``incomplete``),
        partial scores of the other kind, a score besides its parts that
        differs from their mean, a score on a row marked ``not_assessed``
        (``inconsistent``), a bad ``not_assessed`` flag (``invalid``), the
        same assessor twice on a sub-criterion (``duplicate``, every copy).
    OptionError
        ``mode`` or ``method`` is not one of the values above.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"assessor": ["anna", "anna"], "subcriterion": ["1.1", "6.1"],
    ...                   "plan": [40, None], "do": [30, None], "check": [20, None],
    ...                   "act": [10, None], "trends": [None, 60], "targets": [None, 50]})
    >>> clean, problems = validate_scores(t, require_complete=False, mode="strict")
    >>> clean[["subcriterion", "kind", "score"]]
      subcriterion      kind  score
    0          1.1  enablers   25.0
    1          6.1   results   55.0
    >>> clean, problems = validate_scores(t.assign(act=[120, None]), require_complete=False,
    ...                                   mode="lenient")
    >>> clean["subcriterion"].tolist(), problems[["row", "column", "rule"]].values.tolist()
    (['6.1'], [[1, 'act', 'out_of_range']])
    >>> validate_scores(t.assign(act=[120, None]), require_complete=False, mode="strict")
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    qualitapa.errors.DataError: row 1, column 'act': invalid CAF scores: score outside 0-100 ...
    """
    chosen = _mode(mode, "validate_scores")
    checked, problems = _checked_scores(scores, method, require_complete, source, lazy=lazy)
    clean, table = problems.split(checked, chosen)
    return clean if mode is None else (clean, table)


def _scoring_method(scores: pd.DataFrame, method: ScoringMethod | str | None) -> ScoringMethod:
    """The method asked for, or fine-tuned when a partial score column is present."""
    if method is None:
        fine = any(c in scores.columns for c in ENABLER_PARTS + RESULT_PARTS)
        return ScoringMethod.FINE_TUNED if fine else ScoringMethod.CLASSICAL
    check_option("method", method, [m.value for m in ScoringMethod])
    return ScoringMethod(method)


def _checked_scores(
    scores: pd.DataFrame,
    method: ScoringMethod | str | None,
    require_complete: bool,
    source: str | None,
    *,
    lazy: bool,
) -> tuple[pd.DataFrame, Problems]:
    """Every row normalised (:func:`validate_scores`' columns) and the problems found."""
    chosen = _scoring_method(scores, method)
    problems = Problems(source=source, what="CAF scores", lazy=lazy)
    required = ["assessor", "subcriterion"]
    if chosen is ScoringMethod.CLASSICAL:
        required.append("score")
    missing = problems.missing_columns(scores, required)
    if missing:  # nothing else can be checked: no row is usable
        empty = scores.iloc[:0].assign(**{c: pd.Series(dtype=object) for c in missing})
        return _score_rows(Problems(), empty, chosen, False, source), problems
    return _score_rows(problems, scores, chosen, require_complete, source), problems


def _score_rows(
    problems: Problems,
    scores: pd.DataFrame,
    method: ScoringMethod,
    require_complete: bool,
    source: str | None,
) -> pd.DataFrame:
    """The normalised rows of ``scores`` (which has the required columns), problems added."""
    model = caf_model()
    n = len(scores)
    sub_arr, is_known = _subcriteria(problems, scores["subcriterion"])
    known = {s.id: s.criterion for s in model.subcriteria}
    criterion = np.array([known.get(s, "") for s in sub_arr], dtype=object)
    kinds = {c.id: c.kind.value for c in model.criteria}
    kind = np.array([kinds.get(c, "") for c in criterion], dtype=object)
    assessor, not_assessed = _assessors(problems, scores)

    # the scores: classical, or the mean of the fine-tuned partial scores
    given, unreadable = (
        _scores_0_100(problems, scores, "score", source)
        if "score" in scores.columns
        else (np.full(n, np.nan), np.zeros(n, dtype=bool))
    )
    score, any_part = given.copy(), np.zeros(n, dtype=bool)
    parts: dict[str, _Floats] = {}
    if method is ScoringMethod.FINE_TUNED:
        score, any_part, parts = _fine_tuned(problems, scores, kind, is_known, given, source)

    result = pd.DataFrame(
        {
            "assessor": assessor.to_numpy(dtype=object),
            "subcriterion": sub_arr,
            "criterion": criterion,
            "kind": kind,
            "score": score,
            **parts,
            "not_assessed": not_assessed,
        }
    )
    if method is ScoringMethod.CLASSICAL:
        missing_col, missing_value = "score", scores["score"].to_numpy(dtype=object)
    else:
        missing_col, missing_value = "subcriterion", sub_arr
    may_miss = is_known & ~any_part & ~unreadable  # a score that is not a number is flagged
    _check_coverage(problems, result, may_miss, missing_col, missing_value)
    flags = _text(scores, "not_assessed").to_numpy(dtype=object)
    _check_rows(problems, result, is_known, flags)
    if require_complete:
        absent = [s.id for s in model.subcriteria if s.id not in set(sub_arr[is_known])]
        for s_id in absent:  # problems of the table, without a row
            problems.add(None, column="subcriterion", value=s_id, rule=Rule.INCOMPLETE,
                         message="sub-criterion missing from the table: score it or add "
                         "a row marked not_assessed")  # fmt: skip
    for col in COMMENT_COLUMNS:
        alias = "areas_for_improvement" if col == "improvements" else col
        result[col] = _text(scores, col if col in scores.columns else alias).to_numpy(dtype=object)
    result.attrs["caf_method"] = method.value
    return result


def _assessors(problems: Problems, scores: pd.DataFrame) -> tuple[pd.Series[str], _Bools]:
    """The assessor of each row and whether the row is marked not assessed."""
    assessor = _text(scores, "assessor")
    problems.add((assessor == "").to_numpy(), column="assessor",
                 value=assessor.to_numpy(dtype=object), rule=Rule.REQUIRED,
                 message="missing assessor")  # fmt: skip
    flag_text = _text(scores, "not_assessed").str.lower()
    not_assessed = flag_text.isin(list(_TRUE)).to_numpy()
    bad_flag = ~(not_assessed | flag_text.isin(list(_FALSE)).to_numpy())
    problems.add(bad_flag, column="not_assessed", value=flag_text.to_numpy(dtype=object),
                 rule=Rule.INVALID,
                 message="not_assessed must be yes/no (or true/false, 1/0, x/blank)")  # fmt: skip
    return assessor, not_assessed


def _check_coverage(
    problems: Problems,
    rows: pd.DataFrame,
    may_miss: _Bools,
    missing_col: str,
    missing_value: _Cells,
) -> None:
    """A score missing on a row not marked ``not_assessed``."""
    has_score = rows["score"].notna().to_numpy()
    not_assessed = rows["not_assessed"].to_numpy(dtype=bool)
    problems.add(~has_score & ~not_assessed & may_miss, column=missing_col, value=missing_value,
                 rule=Rule.REQUIRED,
                 message="missing score: enter a score or mark the row not_assessed")  # fmt: skip


def _check_rows(problems: Problems, rows: pd.DataFrame, is_known: _Bools, flags: _Cells) -> None:
    """A score on a row marked not assessed; an assessor twice on one sub-criterion."""
    has_score = rows["score"].notna().to_numpy()
    not_assessed = rows["not_assessed"].to_numpy(dtype=bool)
    problems.add(has_score & not_assessed, column="not_assessed", value=flags,
                 rule=Rule.INCONSISTENT,
                 message="row is marked not_assessed but has a score")  # fmt: skip
    named = (rows["assessor"] != "").to_numpy()
    dup = rows.duplicated(["assessor", "subcriterion"], keep=False).to_numpy() & is_known & named
    problems.add(dup, column="subcriterion", value=rows["subcriterion"].to_numpy(dtype=object),
                 rule=Rule.DUPLICATE,
                 message="this assessor scored the sub-criterion more than once: keep one "
                 "row")  # fmt: skip


def _fine_tuned(
    problems: Problems,
    scores: pd.DataFrame,
    kind: _Cells,
    is_known: _Bools,
    given: _Floats,
    source: str | None,
) -> tuple[_Floats, _Bools, dict[str, _Floats]]:
    """Fine-tuned scoring: ``(score, any partial score given, the partial scores)``.

    A complete panel's score is the mean of its partial scores (CAF 2020:
    the sum of the PDCA phases / 4, of trends and targets / 2).
    """
    n = len(scores)
    score = given.copy()
    any_part = np.zeros(n, dtype=bool)
    out: dict[str, _Floats] = {}
    for parts, rows_mask, other in (
        (ENABLER_PARTS, kind == CriterionKind.ENABLERS.value, "results"),
        (RESULT_PARTS, kind == CriterionKind.RESULTS.value, "enablers"),
    ):
        values = np.column_stack(
            [
                _scores_0_100(problems, scores, p, source)[0] if p in scores.columns
                else np.full(n, np.nan)
                for p in parts
            ]
        )  # fmt: skip
        present = ~np.isnan(values)
        mine = "enablers" if other == "results" else "results"
        for j, p in enumerate(parts):
            out[p] = values[:, j]
            problems.add(present[:, j] & ~rows_mask & is_known, column=p, value=values[:, j],
                         rule=Rule.INCONSISTENT,
                         message=f"{p!r} is a partial score of {mine}, not of {other} "
                         "sub-criteria")  # fmt: skip
        some, every = present.any(axis=1), present.all(axis=1)
        any_part |= some
        partial = rows_mask & some & ~every
        if partial.any():
            missing_col = np.array(parts, dtype=object)[np.argmin(present, axis=1)]
            for p in parts:
                problems.add(partial & (missing_col == p), column=p, rule=Rule.INCOMPLETE,
                             message=f"fine-tuned scoring needs all of {list(parts)}")  # fmt: skip
        full = rows_mask & every
        mean = np.where(full, values.sum(axis=1) / len(parts), np.nan)
        clash = full & ~np.isnan(given) & (np.abs(given - mean) > 0.5)
        problems.add(clash, column="score", value=given, rule=Rule.INCONSISTENT,
                     message="score differs from the mean of the partial scores; "
                     "leave it blank")  # fmt: skip
        score = np.where(full, mean, score)
    return score, any_part, {p: out[p] for p in ENABLER_PARTS + RESULT_PARTS}


# -- consensus scores -------------------------------------------------------------------


def check_consensus(consensus: pd.DataFrame, *, source: str | None = None) -> pd.DataFrame:
    """Every problem in a table of consensus scores, one row per problem.

    The checks of :func:`validate_consensus`; the problems table of
    :mod:`qualitapa.problems`, empty when the table is clean.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"subcriterion": ["2.1", "2.1"], "consensus_score": [55, 60],
    ...                   "rationale": ["budget reviewed", ""]})
    >>> check_consensus(t)[["row", "column", "rule"]]
       row        column       rule
    0    1  subcriterion  duplicate
    1    2     rationale   required
    2    2  subcriterion  duplicate
    """
    _, problems = _checked_consensus(consensus, source, lazy=True)
    return problems.frame()


@overload
def validate_consensus(
    consensus: pd.DataFrame, *, source: str | None = ..., mode: None = ..., lazy: bool = ...
) -> pd.DataFrame: ...
@overload
def validate_consensus(
    consensus: pd.DataFrame, *, source: str | None = ..., mode: Mode, lazy: bool = ...
) -> tuple[pd.DataFrame, pd.DataFrame]: ...
def validate_consensus(
    consensus: pd.DataFrame,
    *,
    source: str | None = None,
    mode: Mode | None = None,
    lazy: bool = True,
) -> pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame]:
    """Check a table of consensus scores ``subcriterion, consensus_score, rationale``.

    ``score`` is accepted for ``consensus_score``. A consensus score needs
    its rationale (why the group settled on it).

    Parameters
    ----------
    consensus
        One row per sub-criterion the group agreed on. Not modified.
    source
        File name, for the problems and error messages.
    mode, lazy
        As for :func:`validate_scores` (``mode`` not given: the clean table
        alone, raising on any problem; deprecated).

    Returns
    -------
    clean : DataFrame
        Columns ``subcriterion, consensus_score, rationale``, the rows
        without a problem (index: input position).
    problems : DataFrame
        As :func:`check_consensus`.

    Raises
    ------
    DataError
        In strict mode: a missing column, an unknown sub-criterion, one
        entered twice (every copy), a score not a number or not in 0-100, a
        score without rationale; ``failure_cases`` lists them all.

    Examples
    --------
    >>> import pandas as pd
    >>> clean, problems = validate_consensus(
    ...     pd.DataFrame({"subcriterion": ["2.1"], "score": [55],
    ...                   "rationale": ["budget documents reviewed"]}), mode="strict")
    >>> clean
      subcriterion  consensus_score                  rationale
    0          2.1             55.0  budget documents reviewed
    """
    chosen = _mode(mode, "validate_consensus")
    checked, problems = _checked_consensus(consensus, source, lazy=lazy)
    clean, table = problems.split(checked, chosen)
    return clean if mode is None else (clean, table)


def _checked_consensus(
    consensus: pd.DataFrame, source: str | None, *, lazy: bool
) -> tuple[pd.DataFrame, Problems]:
    """Every consensus row normalised and the problems found."""
    frame = consensus.rename(columns={"score": "consensus_score"})
    problems = Problems(source=source, what="CAF consensus", lazy=lazy)
    columns = ["subcriterion", "consensus_score", "rationale"]
    missing = problems.missing_columns(frame, columns)
    if missing:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns}), problems
    sub, known = _subcriteria(problems, frame["subcriterion"])
    problems.add(pd.Series(sub).duplicated(keep=False).to_numpy() & known,
                 column="subcriterion", value=sub, rule=Rule.DUPLICATE,
                 message="consensus entered more than once for this sub-criterion: keep "
                 "one row")  # fmt: skip
    arr = _scores_0_100(problems, frame, "consensus_score", source)[0]
    rationale = _text(frame, "rationale")
    problems.add(~np.isnan(arr) & (rationale == "").to_numpy(), column="rationale",
                 value=rationale.to_numpy(dtype=object), rule=Rule.REQUIRED,
                 message="a consensus score needs its rationale")  # fmt: skip
    checked = pd.DataFrame(
        {"subcriterion": sub, "consensus_score": arr, "rationale": rationale.to_numpy(dtype=object)}
    )
    return checked, problems
