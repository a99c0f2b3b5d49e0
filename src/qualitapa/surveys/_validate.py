"""Validation of raw survey responses against an :class:`Instrument`.

:func:`validate` checks a wide response frame (one row per respondent, one
column per question) and returns the clean responses together with a table
of *every* problem found. Nothing is dropped silently: each dropped row or
blanked cell is in the problems table with the action taken.
"""

from __future__ import annotations

import contextlib
import difflib
import functools
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import attrs
import numpy as np
import pandas as pd

from qualitapa._labelling import LABEL_COLUMNS
from qualitapa.errors import DataError, Message
from qualitapa.i18n import N_, Translator, translator
from qualitapa.io import to_numeric_column
from qualitapa.problems import Problems, Rule, check_option
from qualitapa.surveys._models import Instrument, Question, QuestionType, Scale, _format_code
from qualitapa.surveys._scope import ORGANIZATION, local_ids, organization_ids

#: Columns accepted besides the questions and the respondent id.
DEFAULT_EXTRA_COLUMNS: tuple[str, ...] = (
    "organization",
    "period",
    "service",
    "weight",
    "date",
    "channel",
)

#: How :attr:`ValidationResult.problems` is published: the :mod:`qualitapa.problems`
#: columns (the core ``column`` is the ``question``; ``source`` is left out) and the
#: survey's own ``respondent`` and ``action``.
PROBLEM_LAYOUT = {
    "row": "row",
    "respondent": "respondent",
    "organization": "organization",
    "question": "column",
    "value": "value",
    "rule": "rule",
    "message": "message",
    "action": "action",
}
#: Columns of :attr:`ValidationResult.problems`.
PROBLEM_COLUMNS = list(PROBLEM_LAYOUT)


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
        ``respondent``, ``organization`` (the respondent's, from the
        ``organization`` column when there is one), ``question`` (the
        column), ``value`` (as found),
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

    def __iter__(self) -> Iterator[pd.DataFrame]:
        """``clean, problems = validate(...)``, as every ``validate_*`` returns."""
        return iter((self.clean, self.problems))

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
    fixes = {u: numeric_codes.get(_format_float(u), u) for u in uniq_text}
    # most answers are written as their codes: then there is nothing to map
    changed = any(code != u for u, code in fixes.items())
    fixed = text.map(fixes).astype("string") if changed else text
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
    lang: str | None = None,
) -> ValidationResult:
    """Check raw responses against the questionnaire.

    Rules (see :class:`Rule`): unknown columns, missing question columns,
    missing or duplicated respondent ids (identical repeated rows are
    ``duplicate_row``: the first is kept; the same id with different answers
    is ``duplicate_respondent``: all its rows are dropped), answers that are
    not numbers, codes outside the scale or the choice list, missing
    required answers (where relevant), answers where ``relevant`` is false,
    and violated constraints (checked on non-"don't know" answers).

    A *local* question (:attr:`Question.organizations`) is asked only of the
    respondents of its organizations, named in the ``organization``
    column: another organization's answer to it is a ``not_relevant``
    problem (naming the row, the question, the organization and, when the
    organization looks misspelt, the id it is close to); its column may be
    missing when no respondent belongs to its organizations (it is added
    empty, no problem). Without an ``organization`` column respondents are
    asked the shared questions only: answers to local questions are one
    ``missing_column`` problem for the ``organization`` column.

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
        The name and label columns the tool writes next to an id column
        (``organization_name`` after ``organization``: what ``survey
        import-export`` writes) are expected too when the id column is
        there.
    source
        Name of the data (file path) used in error messages.
    lang
        Language of the problems' ``message`` texts (``"it"``, ``"de"``...);
        None writes them in English, as before: each is the English text of
        a :class:`~qualitapa.errors.Message`, which
        :func:`qualitapa.errors.said` (as the command line does) says in
        another language later. The ``rule`` and ``action`` codes stay the
        same in every language.

    Returns
    -------
    ValidationResult
        ``.clean`` and ``.problems`` (by row, then question; problems of a
        whole column last).

    Raises
    ------
    DataError
        In strict mode, when any problem is found; ``failure_cases`` holds
        the problems table.
    OptionError
        ``mode`` or ``drop`` is not one of the values above (a ``ValueError``).

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
    >>> clean, problems = validate(inst, raw)
    >>> len(clean), len(problems)
    (1, 2)
    """
    check_option("mode", mode, ("lenient", "strict"))
    check_option("drop", drop, ("row", "cell"))
    if not isinstance(responses, pd.DataFrame):
        raise DataError("responses must be a pandas DataFrame", source=source)
    run = _Run(instrument, responses.reset_index(drop=True), drop, source, lang)
    _check_columns(run, extra_columns)
    if run.rid_col in run.frame.columns:
        _check_respondents(run)
    for q in instrument.questions:
        _check_answers(run, q)
    _check_local(run)
    _check_logic(run)
    if mode == "strict":
        run.raise_if_any("the responses do not match the instrument")
    return ValidationResult(
        clean=_clean(run, responses.index), problems=run.said(run.problems.frame()), n_input=run.n
    )


@attrs.define(eq=False)
class _Run:
    """The state of one :func:`validate` run: the data, the problems, what is dropped."""

    instrument: Instrument
    frame: pd.DataFrame
    drop: str
    source: str | None
    lang: str | None = None
    #: The translator of ``lang`` (English without one).
    t: Translator = attrs.field(init=False)
    #: The messages of the problems, by their English text (what a table cell holds).
    messages: dict[str, Message] = attrs.field(init=False, factory=dict)
    problems: Problems = attrs.field(init=False)
    n: int = attrs.field(init=False)
    rid_col: str = attrs.field(init=False)
    respondents: Any = attrs.field(init=False)
    #: Each row's organization (ids of the instrument where they match), if known.
    organizations: np.ndarray | None = attrs.field(init=False)
    drop_rows: np.ndarray = attrs.field(init=False)
    #: Cells found invalid, by question (blanked or their row dropped).
    blank: dict[str, np.ndarray] = attrs.field(init=False, factory=dict)
    clean_cols: dict[str, pd.Series] = attrs.field(init=False, factory=dict)
    #: Numeric answers without don't-know codes and invalid cells, by question.
    scored: dict[str, np.ndarray] = attrs.field(init=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        self.t = translator(self.lang or "en")
        self.problems = Problems(
            source=self.source,
            extras=("respondent", "organization", "action"),
            layout=PROBLEM_LAYOUT,
        )
        self.n = len(self.frame)
        self.rid_col = self.instrument.respondent
        has_rid = self.rid_col in self.frame.columns
        self.respondents = self.frame[self.rid_col].to_numpy(dtype=object) if has_rid else None
        self.organizations = (
            organization_ids(self.frame[ORGANIZATION], local_ids(self.instrument))
            if ORGANIZATION in self.frame.columns
            else None
        )
        self.drop_rows = np.zeros(self.n, dtype=bool)

    @property
    def cell_action(self) -> str:
        return "row dropped" if self.drop == "row" else "cell blanked"

    def flag(
        self,
        mask: np.ndarray,
        question: str,
        values: Any,
        rule: Rule,
        message: str | np.ndarray,
        action: str | None = None,
    ) -> None:
        """One problem per row of ``mask`` (``action`` by default the cell action).

        ``message`` is one text (a :class:`Message` or the instrument's own
        text), or one per row (aligned with ``mask``: :meth:`per_value`).
        """
        self.keep(message)
        self.problems.add(
            mask,
            column=question,
            value=values,
            rule=rule,
            message=message,
            respondent=self.respondents,
            organization=self.organizations,
            action=action or self.cell_action,
        )

    def column_problem(self, column: str, rule: Rule, message: Message, action: str) -> None:
        self.keep(message)
        self.problems.add(None, column=column, rule=rule, message=message, action=action)

    def keep(self, message: object) -> None:
        """Remember ``message`` if it is a :class:`Message`, to say it in :attr:`lang`."""
        if isinstance(message, Message):
            self.messages[str(message)] = message

    def per_value(
        self, mask: np.ndarray, values: np.ndarray, build: Callable[[Any], Message]
    ) -> np.ndarray:
        """A message for each row of ``mask``, built once per distinct value (None: missing)."""
        codes, distinct = pd.factorize(values[mask], use_na_sentinel=True)
        built = [build(v) for v in distinct] + ([build(None)] if (codes < 0).any() else [])
        for message in built:
            self.keep(message)
        table = np.empty(len(built), dtype=object)
        table[:] = built
        full = np.empty(self.n, dtype=object)
        full[mask] = table[codes]  # code -1 (missing) takes the last one
        return full

    def said(self, problems: pd.DataFrame) -> pd.DataFrame:
        """``problems`` with its messages in :attr:`lang` (as they are without one).

        Each distinct message is said once; a text that is not a library
        message (an instrument's constraint message) stays as it is.
        """
        if self.lang is None or problems.empty:
            return problems
        codes, distinct = pd.factorize(problems["message"].astype(object), use_na_sentinel=False)
        words = np.empty(len(distinct), dtype=object)
        words[:] = [self.messages[m].render(self.t) if m in self.messages else m for m in distinct]
        return problems.assign(message=words[codes])

    def raise_if_any(self, message: str) -> None:
        """Raise the error of the problems found (``failure_cases`` said in :attr:`lang`)."""
        if self.problems:
            error = self.problems.to_error(message)
            if error.failure_cases is not None:
                error.failure_cases = self.said(error.failure_cases)
            raise error

    def blanked(self, qid: str) -> np.ndarray:
        return self.blank.get(qid, np.zeros(self.n, dtype=bool))

    def asked(self, q: Question) -> np.ndarray:
        """Rows whose respondent is asked ``q`` (all for a shared question)."""
        if not q.is_local:
            return np.ones(self.n, dtype=bool)
        if self.organizations is None:
            return np.zeros(self.n, dtype=bool)
        return np.isin(self.organizations, np.asarray(q.organizations, dtype=object))


def _check_columns(run: _Run, extra_columns: Iterable[str]) -> None:
    """Columns that are neither a question, the respondent id nor an expected column."""
    columns = run.frame.columns
    expected = {q.id for q in run.instrument.questions} | {run.rid_col, *extra_columns}
    if run.instrument.local_questions():
        expected.add(ORGANIZATION)
    # the names the tool writes next to an id column it writes (organization_name...)
    expected |= {label for col, (label, _) in LABEL_COLUMNS.items() if col in columns}
    unknown = Message(
        "column is not a question of the instrument",
        N_("la colonna non è una domanda del questionario"),
    )
    for name in columns:
        if name not in expected:
            run.column_problem(str(name), Rule.UNKNOWN_COLUMN, unknown, "column kept")


def _check_respondents(run: _Run) -> None:
    """Missing respondent ids, repeated rows and ids with different answers."""
    frame, rid_col = run.frame, run.rid_col
    missing_id = frame[rid_col].isna().to_numpy()
    run.flag(
        missing_id,
        rid_col,
        None,
        Rule.MISSING_RESPONDENT,
        Message("respondent id is missing", N_("manca il codice del rispondente")),
        "row dropped",
    )
    run.drop_rows |= missing_id
    ids = frame[rid_col]
    dup_any = ids.duplicated(keep=False).to_numpy() & ~missing_id
    if not dup_any.any():
        return
    exact_later = frame.duplicated(keep="first").to_numpy() & dup_any
    n_variants = frame.loc[dup_any].drop_duplicates().groupby(rid_col, sort=False).size()
    conflicting = (ids.map(n_variants).fillna(0).to_numpy() > 1) & dup_any
    run.flag(
        exact_later & ~conflicting,
        rid_col,
        ids,
        Rule.DUPLICATE_ROW,
        Message(
            "row repeats an earlier row exactly; the first copy is kept",
            N_("la riga ripete esattamente una riga precedente; si tiene la prima copia"),
        ),
        "row dropped",
    )
    run.flag(
        conflicting,
        rid_col,
        ids,
        Rule.DUPLICATE_RESPONDENT,
        Message(
            "respondent id appears in rows with different answers; all are dropped",
            N_(
                "il codice del rispondente compare in righe con risposte diverse; "
                "sono tutte escluse"
            ),
        ),
        "row dropped",
    )
    run.drop_rows |= (exact_later & ~conflicting) | conflicting


def _check_answers(run: _Run, q: Question) -> None:
    """Normalise the answers to ``q``; flag non-numbers and codes off the scale or list."""
    numeric = q.type.scaled or q.type is QuestionType.NUMERIC
    if q.id not in run.frame.columns:
        if not q.is_local or run.asked(q).any():
            message = (
                Message(
                    "question column is missing (asked in organizations {organizations})",
                    N_("manca la colonna della domanda (posta negli enti {organizations})"),
                    organizations=list(q.organizations),
                )
                if q.is_local
                else Message("question column is missing", N_("manca la colonna della domanda"))
            )
            run.column_problem(q.id, Rule.MISSING_COLUMN, message, "column added (empty)")
        dtype = "float64" if numeric else "string"
        run.clean_cols[q.id] = pd.Series(np.nan, index=run.frame.index, dtype=dtype)
        if numeric:
            run.scored[q.id] = np.full(run.n, np.nan)
        return
    raw = run.frame[q.id]
    bad_cells = np.zeros(run.n, dtype=bool)
    if q.type.scaled:
        col, not_num, out_of_scale = _normalise_scaled(q, raw)
        scale = q.scale
        if scale is None:  # pragma: no cover - a scaled question has a scale (models.py)
            raise DataError(f"question {q.id!r} has no scale")
        points = _points(scale)
        not_a_code = Message(
            "answer is not a number: use a point of the scale ({points})",
            N_("la risposta non è un numero: usare un punto della scala ({points})"),
            points=points,
        )
        off_scale = Message(
            "answer is not a point of the scale ({points})",
            N_("la risposta non è un punto della scala ({points})"),
            points=points,
        )
        run.flag(not_num, q.id, raw, Rule.NOT_A_NUMBER, not_a_code)
        run.flag(out_of_scale, q.id, raw, Rule.OUT_OF_SCALE, off_scale)
        bad_cells |= not_num | out_of_scale
        nums = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        dk_num = np.array([c for c in scale.dont_know if not isinstance(c, str)], dtype=float)
        run.scored[q.id] = np.where(np.isin(nums, dk_num) | bad_cells, np.nan, nums)
    elif q.type.has_choices:
        col, bad_cells = _normalise_choice(q, raw)
        message = Message(
            "code not in the choice list ({codes})",
            N_("codice non presente nell'elenco delle scelte ({codes})"),
            codes=", ".join(c.code for c in q.choices),
        )
        run.flag(bad_cells, q.id, raw, Rule.UNKNOWN_CODE, message)
    elif q.type is QuestionType.NUMERIC:
        nums, bad_cells = to_numeric_column(raw)
        run.flag(
            bad_cells,
            q.id,
            raw,
            Rule.NOT_A_NUMBER,
            Message("answer is not a number", N_("la risposta non è un numero")),
        )
        col = pd.Series(nums, index=run.frame.index, dtype="float64")
        run.scored[q.id] = nums
    else:
        stripped = raw.astype("string").str.strip()
        col = stripped.mask(stripped == "")
    run.clean_cols[q.id] = col
    if bad_cells.any():
        run.blank[q.id] = np.asarray(bad_cells, dtype=bool).copy()


def _points(scale: Scale) -> str | Message:
    """The points of ``scale`` in words (with its don't-know codes), for a message."""
    points = ", ".join(_format_code(p) for p in scale.points)
    dont_know = ", ".join(_format_code(c) for c in scale.dont_know)
    if not dont_know:
        return points
    return Message(
        "{points}; don't know: {dont_know}",
        N_("{points}; non so: {dont_know}"),
        points=points,
        dont_know=dont_know,
    )


def _check_local(run: _Run) -> None:
    """Answers to local questions from respondents of other organizations."""
    local = [q for q in run.instrument.local_questions() if q.id in run.frame.columns]
    if not local:
        return
    if run.organizations is None:
        with_answers = [q.id for q in local if run.clean_cols[q.id].notna().any()]
        if with_answers:
            message = Message(
                "the responses answer questions {questions}, which are asked only in some "
                "organizations, but have no 'organization' column to say whose respondents "
                "they are: add it (those answers are not scored without it)",
                N_(
                    "le risposte rispondono alle domande {questions}, poste solo in alcuni "
                    "enti, ma non hanno la colonna 'organization' che dica di quali enti sono "
                    "i rispondenti: aggiungerla (senza, quelle risposte non sono conteggiate)"
                ),
                questions=with_answers,
            )
            run.column_problem(ORGANIZATION, Rule.MISSING_COLUMN, message, "reported")
        return
    for q in local:  # loop over the few local questions; vectorised over respondents
        mask = run.clean_cols[q.id].notna().to_numpy() & ~run.asked(q)
        if not mask.any():
            continue
        # one message per distinct organization, not per respondent
        messages = run.per_value(mask, run.organizations, functools.partial(_not_asked_message, q))
        run.flag(mask, q.id, run.frame[q.id], Rule.NOT_RELEVANT, messages)
        run.blank[q.id] = run.blanked(q.id) | mask


def _not_asked_message(q: Question, organization: Any) -> Message:
    """Why an organization's answer to a local question is a problem, and a fix."""
    asked = list(q.organizations)
    if organization is None:
        return Message(
            "answered by a respondent without an organization; the question is asked only in "
            "organizations {asked}: fill in the respondent's organization",
            N_(
                "risposta di un rispondente senza ente; la domanda è posta solo negli enti "
                "{asked}: indicare l'ente del rispondente"
            ),
            asked=asked,
        )
    close = difflib.get_close_matches(str(organization), asked, n=1, cutoff=0.6)
    fix = (
        Message(
            "did you mean organization {organization}?",
            N_("forse l'ente {organization}?"),
            organization=repr(close[0]),
        )
        if close
        else Message(
            "check the respondent's organization, or leave the answer out",
            N_("controllare l'ente del rispondente, o lasciare fuori la risposta"),
        )
    )
    return Message(
        "answered by a respondent of organization {organization}; the question is asked only "
        "in organizations {asked}: {fix}",
        N_(
            "risposta di un rispondente dell'ente {organization}; la domanda è posta solo negli "
            "enti {asked}: {fix}"
        ),
        organization=repr(organization),
        asked=asked,
        fix=fix,
    )


def _check_logic(run: _Run) -> None:
    """Relevance, required answers and constraints, on the normalised answers."""
    n, index = run.n, run.frame.index
    norm = pd.DataFrame(
        {
            q.id: run.clean_cols[q.id].where(~pd.Series(run.blank[q.id], index=index))
            if q.id in run.blank
            else run.clean_cols[q.id]
            for q in run.instrument.questions
        },
        index=index,
    )
    for q in run.instrument.questions:
        col = run.clean_cols[q.id]
        answered = col.notna().to_numpy() & ~run.blanked(q.id)
        relevant = (
            q.relevant_expression.evaluate(norm)
            if q.relevant_expression is not None
            else np.ones(n, dtype=bool)
        )
        unknown = q.is_local and run.organizations is None  # reported by _check_local
        if not unknown:
            relevant &= run.asked(q)  # a local question: its organizations' respondents only
        mask = answered & ~relevant
        if mask.any():
            run.flag(
                mask,
                q.id,
                run.frame.get(q.id, None),
                Rule.NOT_RELEVANT,
                Message(
                    "answered although not relevant ({condition})",
                    N_("risposta data benché non pertinente ({condition})"),
                    condition=q.relevant,
                ),
            )
            run.blank[q.id] = run.blanked(q.id) | mask
        if q.required and not unknown:
            mask = ~answered & relevant & ~run.blanked(q.id)
            run.flag(
                mask,
                q.id,
                None,
                Rule.REQUIRED,
                Message("required answer is missing", N_("manca una risposta obbligatoria")),
                "row dropped" if run.drop == "row" else "reported",
            )
            if run.drop == "row":
                run.drop_rows |= mask
        if q.constraint_expression is not None:
            scored = run.scored.get(q.id)
            self_vals = pd.Series(scored) if scored is not None else col.reset_index(drop=True)
            ok = q.constraint_expression.evaluate(norm, self_values=self_vals)
            checked = answered & relevant & ~run.blanked(q.id)
            if scored is not None:
                checked &= ~np.isnan(scored)  # don't-know codes are not checked
            message = (
                q.constraint_message.get(run.lang or "it")  # the instrument's own words
                if q.constraint_message
                else Message(
                    "answer violates the constraint {constraint}",
                    N_("la risposta non rispetta il vincolo {constraint}"),
                    constraint=q.constraint,
                )
            )
            if (checked & ~ok).any():
                run.flag(checked & ~ok, q.id, run.frame[q.id], Rule.CONSTRAINT, message)
                run.blank[q.id] = run.blanked(q.id) | (checked & ~ok)


def _clean(run: _Run, original_index: pd.Index) -> pd.DataFrame:
    """The clean responses: invalid rows dropped or cells blanked, the input's index."""
    drop_rows = run.drop_rows.copy()
    clean_cols = dict(run.clean_cols)
    for qid, mask in run.blank.items():
        if run.drop == "row":
            drop_rows |= mask
        else:
            c = clean_cols[qid]
            clean_cols[qid] = c.where(~pd.Series(mask, index=c.index))
    frame = run.frame
    parts: dict[str, Any] = {}
    if run.rid_col in frame.columns:
        parts[run.rid_col] = frame[run.rid_col]
    parts.update(clean_cols)
    for other in frame.columns:
        if other not in clean_cols and other != run.rid_col:
            parts[str(other)] = frame[other]
    clean = pd.DataFrame(parts, index=frame.index)
    clean.index = original_index
    keep = ~drop_rows
    if not keep.all():
        clean = clean.loc[keep] if original_index.is_unique else clean.iloc[np.flatnonzero(keep)]
    return clean
