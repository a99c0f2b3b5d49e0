"""Import of KoboToolbox and LimeSurvey CSV exports into the response layout.

Both return a wide frame with one column per question id (as
:func:`qualitapa.surveys.validate` expects), the respondent id in
``instrument.respondent``, and the export's other non-system columns left
as they are (``validate`` reports them as unknown columns, so nothing is
lost silently). System columns of the tools (listed in
:data:`KOBO_SYSTEM_COLUMNS` and :data:`LIMESURVEY_SYSTEM_COLUMNS`) are left
out.

KoboToolbox
    Headers are XML names with group prefixes (``group/q``, or
    ``group-q``, ``group.q``, ``group:q`` with another group separator) or labels;
    values are codes or labels (any language of the form); a
    ``select_multiple`` is one column of space-separated codes and/or one
    0/1 column per option (``q/code``), which are combined.
LimeSurvey
    Headers are question codes; array sub-questions are ``code[sub]`` and
    map to the question ``code_sub`` (or ``sub``); multiple-choice options
    are ``code[option]`` with ``Y`` when chosen. Both of LimeSurvey's
    response formats are read: "answer codes" (``A1``, ``A2``... map to
    scale points 1, 2..., ``Y``/``N`` to 1/0 of a yes/no question) and
    "full answers" (the answer texts, in any language of the labels).

Nothing is dropped silently: an answer that matches no code of its
question is kept as found (``validate`` reports and refuses it);
``strict=True`` raises instead, with every such answer, its row, the
export's column and the allowed codes in the error's ``failure_cases``.

What ``qualitapa survey import-export`` writes reads back cleanly: like
every table the command line writes, it carries the name of each
organization next to its code (``organization_name``, in the language),
and :func:`qualitapa.surveys.validate` expects the name and label columns
the tool writes (``qualitapa._labelling.LABEL_COLUMNS``) whenever their id
column is there, so ``survey validate`` and ``survey score`` read the file
without an "unknown column". A label column without its id column is
still reported: it is not the tool's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, NamedTuple, TypeAlias

import numpy as np
import pandas as pd

from qualitapa.errors import DataError
from qualitapa.io import read_table
from qualitapa.problems import Problems, Rule
from qualitapa.surveys._models import Instrument, Question, QuestionType, _format_code

#: KoboToolbox columns that are not answers (left out of the import).
KOBO_SYSTEM_COLUMNS = frozenset(
    {
        "_id",
        "_uuid",
        "_submission_time",
        "_validation_status",
        "_notes",
        "_status",
        "_submitted_by",
        "__version__",
        "_tags",
        "_index",
        "_attachments",
        "_geolocation",
        "start",
        "end",
        "today",
        "deviceid",
        "username",
        "audit",
        "meta/instanceID",
        "meta/instanceid",
        "meta/rootUuid",
        "formhub/uuid",
        "_xform_id_string",
        "meta/deprecatedID",
    }
)

#: LimeSurvey columns that are not answers (left out of the import).
LIMESURVEY_SYSTEM_COLUMNS = frozenset(
    {
        "id",
        "submitdate",
        "lastpage",
        "startlanguage",
        "seed",
        "startdate",
        "datestamp",
        "ipaddr",
        "refurl",
        "token",
        "interviewtime",
        "optout",
    }
)

#: An option column's cell that says the option was chosen (LimeSurvey ``Y``, Kobo ``1``).
_TRUE_TEXT = {"1", "1.0", "true", "y", "yes", "si", "sì", "ja"}
#: ... and one that says it was not (blank, LimeSurvey's ``N`` when "convert N" is set).
_FALSE_TEXT = {"", "0", "0.0", "false", "n", "no", "nein"}


def _load(data: pd.DataFrame | str | Path, source: str | None) -> tuple[pd.DataFrame, str | None]:
    if isinstance(data, pd.DataFrame):
        return data, source
    return read_table(data, dtype=str, keep_default_na=False), source or str(data)


def _label_map(q: Question) -> dict[str, str]:
    """Lower-cased labels (both languages) and codes -> code, for one question."""
    out: dict[str, str] = {}
    if q.type.scaled and q.scale is not None:
        pairs: list[tuple[float | str, Any]] = [
            (p, q.scale.labels[i] if q.scale.labels else None) for i, p in enumerate(q.scale.points)
        ]
        pairs += [
            (c, q.scale.dont_know_labels[i] if q.scale.dont_know_labels else None)
            for i, c in enumerate(q.scale.dont_know)
        ]
        for code, label in pairs:
            text = _format_code(code)
            out[text.lower()] = text
            if label is not None:
                for words in label.to_dict().values():
                    out.setdefault(words.strip().lower(), text)
    for c in q.choices:
        out[c.code.lower()] = c.code
        for words in c.label.to_dict().values():
            out.setdefault(words.strip().lower(), c.code)
    return out


def _allowed(q: Question) -> list[str]:
    """The codes an answer to ``q`` may have (scale points, "don't know" codes, choices)."""
    if q.type.scaled and q.scale is not None:
        return [_format_code(c) for c in (*q.scale.points, *q.scale.dont_know)]
    return [c.code for c in q.choices]


def _recode(
    q: Question, values: pd.Series, *, answer_codes: bool = False
) -> tuple[pd.Series, np.ndarray]:
    """Labels and tool codes mapped to codes (over the distinct values), and the cells that
    match no code of ``q`` (kept as found, so that validation reports them).

    With ``answer_codes`` (LimeSurvey), ``A1``, ``A2``... are scale points 1, 2... and
    ``Y``/``N`` are 1/0 of a yes/no question.
    """
    text = values.astype("string").str.strip()
    text = text.mask(text == "")
    none = np.zeros(len(text), dtype=bool)
    if q.type in (QuestionType.TEXT, QuestionType.NUMERIC):
        return text, none
    allowed = set(_allowed(q))
    if q.type is QuestionType.MULTIPLE:
        # by position: a caller's index may repeat labels
        text = text.str.replace(r"\s+", " ", regex=True).reset_index(drop=True)
        lower = {c.lower(): c for c in allowed}
        tokens = text.str.split(" ").explode()
        uniq = tokens.dropna().unique().tolist()  # the distinct codes given (a handful)
        fixed = tokens.map({t: lower.get(str(t).lower(), t) for t in uniq})
        bad_tok = ~fixed.isin(allowed) & fixed.notna()
        bad = bad_tok.groupby(level=0, sort=False).any().reindex(text.index, fill_value=False)
        joined = fixed.dropna().astype(str).groupby(level=0, sort=False).agg(" ".join)
        out = joined.reindex(text.index).astype("string").set_axis(values.index)
        return out, bad.to_numpy(dtype=bool)
    mapping = _label_map(q)
    if answer_codes and q.type is QuestionType.YES_NO:
        mapping |= {"y": "1", "n": "0"}
    uniq = text.dropna().unique().tolist()
    table: dict[str, str] = {}
    for u in uniq:  # over distinct answers (a handful), not respondents
        key = u.lower()
        if key in mapping:
            table[u] = mapping[key]
            continue
        try:
            table[u] = _format_code(float(u.replace(",", ".")))
            continue
        except ValueError:
            pass
        m = re.fullmatch(r"a0*(\d+)", key) if answer_codes else None
        table[u] = mapping.get(m.group(1), u) if m else u
    out = text.map(table).astype("string")
    return out, (~out.isin(allowed) & out.notna()).to_numpy(dtype=bool, na_value=False)


def _combine_split(
    columns: dict[str, pd.Series], index: pd.Index
) -> tuple[pd.Series, dict[str, np.ndarray]]:
    """Space-separated codes from one 0/1 (or Y/blank) column per option.

    Also, per option, the cells that say neither chosen nor not chosen (``X``, ``2``).
    """
    out = pd.Series("", index=index, dtype="string")
    bad: dict[str, np.ndarray] = {}
    for code, col in columns.items():  # over options, not respondents
        text = col.astype("string").str.strip().str.lower().fillna("")
        chosen = text.isin(_TRUE_TEXT).to_numpy(dtype=bool)
        bad[code] = ~chosen & ~text.isin(_FALSE_TEXT).to_numpy(dtype=bool)
        out = out.where(~chosen, out + " " + code)
    out = out.str.strip()
    return out.mask(out == ""), bad


def _assemble(
    frame: pd.DataFrame,
    instrument: Instrument,
    direct: dict[str, str],
    split: dict[str, dict[str, str]],
    respondent: str | None,
    system: Iterable[str],
    answer_codes: bool,
    problems: Problems,
) -> pd.DataFrame:
    out: dict[str, Any] = {}
    if respondent is not None and respondent in frame.columns:
        out[instrument.respondent] = frame[respondent]
    for q in instrument.questions:
        if q.id in direct:
            header = direct[q.id]
            col, bad = _recode(q, frame[header], answer_codes=answer_codes)
            out[q.id] = col
            codes = ", ".join(_allowed(q))
            more = " (or A1, A2..., the answer texts)" if answer_codes and q.type.scaled else ""
            more = more or (" (or the answer texts)" if answer_codes else " (or the labels)")
            problems.add(bad, column=str(header), value=frame[header].to_numpy(),
                         rule=Rule.UNKNOWN_CODE, question=q.id,
                         message=f"answer matches no code of question {q.id!r}: "
                         f"allowed {codes}{more}")  # fmt: skip
        elif q.id in split:
            out[q.id], bad_cells = _combine_split(
                {c: frame[h] for c, h in split[q.id].items()}, frame.index
            )
            for code, bad in bad_cells.items():
                header = split[q.id][code]
                problems.add(bad, column=str(header), value=frame[header].to_numpy(),
                             rule=Rule.UNKNOWN_CODE, question=q.id,
                             message=f"option {code!r} of question {q.id!r} is neither chosen "
                             "nor not chosen: allowed Y, 1, Sì (chosen) or blank, N, 0 (not "
                             "chosen)")  # fmt: skip
    used = set(direct.values()) | {h for m in split.values() for h in m.values()}
    system = {s.lower() for s in system}
    for name in frame.columns:
        if name in used or name == respondent or str(name).lower() in system:
            continue
        if str(name).startswith("_"):
            continue
        out.setdefault(str(name), frame[name])
    return pd.DataFrame(out, index=frame.index)


#: Export column -> question id, and question id -> {choice code: export column}
#: for a select_multiple split into one column per option.
Matches: TypeAlias = tuple[dict[str, str], dict[str, dict[str, str]]]


def _match_kobo(frame: pd.DataFrame, instrument: Instrument) -> Matches:
    """KoboToolbox headers: XML names with group prefixes, or labels; ``q/code`` options."""
    by_id = {q.id: q for q in instrument.questions}
    by_label: dict[str, str] = {}
    for q in instrument.questions:
        by_label.setdefault(q.label.it.strip().lower(), q.id)
        if q.label.en:
            by_label.setdefault(q.label.en.strip().lower(), q.id)
    direct: dict[str, str] = {}
    split: dict[str, dict[str, str]] = {}
    for col in frame.columns:
        header = str(col).strip()
        parts, hit = _kobo_parts(header, by_id)
        if hit is not None:
            q = by_id[parts[hit]]
            rest = parts[hit + 1 :]
            if not rest:
                direct.setdefault(q.id, col)
                continue
            if len(rest) == 1 and q.type is QuestionType.MULTIPLE:
                codes = {c.code.lower(): c.code for c in q.choices}
                labels = {c.label.it.lower(): c.code for c in q.choices}
                code = codes.get(rest[0].lower()) or labels.get(rest[0].lower())
                if code:
                    split.setdefault(q.id, {})[code] = col
                    continue
        low = header.lower()
        if low in by_label:
            direct.setdefault(by_label[low], col)
            continue
        if "/" in header:
            head, _, tail = header.rpartition("/")
            qid = by_label.get(head.strip().lower())
            if qid and by_id[qid].type is QuestionType.MULTIPLE:
                labels = {c.label.it.lower(): c.code for c in by_id[qid].choices}
                labels |= {(c.label.en or "").lower(): c.code for c in by_id[qid].choices}
                code = labels.get(tail.strip().lower())
                if code:
                    split.setdefault(qid, {})[code] = col
    # a select_multiple exported both ways: the codes column wins (see _assemble)
    return direct, split


def _kobo_parts(header: str, by_id: Mapping[str, Question]) -> tuple[list[str], int | None]:
    """The parts of a Kobo header and the index of the one that is a question id.

    The whole header first (an id may hold ``-`` or ``.``), then its parts split
    at Kobo's group separators (``/``, or ``-``, ``.``, ``:`` when the export
    was made with another): the last part that is a question id, so that
    ``g_acc/acc_hours`` and ``g_acc-acc_hours`` are ``acc_hours`` and
    ``grp/channel/web`` is option ``web`` of ``channel``.
    """
    if header in by_id:
        return [header], 0
    for sep in ("/", "-", ".", ":"):
        if sep not in header:
            continue
        pieces = [p for p in header.split(sep) if p]
        # longest run of pieces that is an id (ids may contain the separator)
        for i in range(len(pieces)):
            for j in range(len(pieces), i, -1):
                name = sep.join(pieces[i:j])
                if name in by_id:
                    return [*pieces[:i], name, *pieces[j:]], i
    return [header], None


def _match_limesurvey(frame: pd.DataFrame, instrument: Instrument) -> Matches:
    """LimeSurvey headers: question codes, ``code[sub]`` sub-questions and options."""
    ids = {q.id.lower(): q.id for q in instrument.questions}
    by_id = {q.id: q for q in instrument.questions}
    direct: dict[str, str] = {}
    split: dict[str, dict[str, str]] = {}
    for col in frame.columns:
        header = str(col).strip()
        m = re.fullmatch(r"([^\[\]]+)\[([^\[\]]+)\]", header)
        if m is None:
            if header.lower() in ids:
                direct.setdefault(ids[header.lower()], col)
            continue
        code, sub = m.group(1), m.group(2)
        if code.lower() in ids and by_id[ids[code.lower()]].type is QuestionType.MULTIPLE:
            q = by_id[ids[code.lower()]]
            choice = {c.code.lower(): c.code for c in q.choices}.get(sub.lower())
            if choice:
                split.setdefault(q.id, {})[choice] = col
                continue
        for cand in (f"{code}_{sub}", f"{code}{sub}", f"{code}.{sub}", sub):
            if cand.lower() in ids:
                direct.setdefault(ids[cand.lower()], col)
                break
    return direct, split


class _Export(NamedTuple):
    """How one tool's export is read."""

    match: Callable[[pd.DataFrame, Instrument], Matches]
    system: frozenset[str]  # its columns that are not answers
    answer_codes: bool  # A1, A2 ... stand for scale points 1, 2 ...
    matched_by: str  # how headers are matched, for the error


_KOBO = _Export(_match_kobo, KOBO_SYSTEM_COLUMNS, False, "by name or label")
_LIMESURVEY = _Export(_match_limesurvey, LIMESURVEY_SYSTEM_COLUMNS, True, "by question code")


def _import(
    data: pd.DataFrame | str | Path,
    instrument: Instrument,
    export: _Export,
    *,
    respondent: str,
    source: str | None,
    strict: bool,
) -> pd.DataFrame:
    """Read an export, match its headers to questions, refuse it if none match, assemble."""
    frame, source = _load(data, source)
    direct, split = export.match(frame, instrument)
    if not direct and not split:
        raise DataError(
            "no column of the export matches a question of the instrument "
            f"{instrument.id!r} ({export.matched_by})",
            source=source,
        )
    problems = Problems(source=source, extras=("question",), what="answers")
    out = _assemble(
        frame, instrument, direct, split, respondent, export.system, export.answer_codes,
        problems,
    )  # fmt: skip
    if strict and problems:
        raise problems.to_error(f"{len(problems)} answer(s) match no code of the questionnaire")
    return out


def import_kobo(
    data: pd.DataFrame | str | Path,
    instrument: Instrument,
    *,
    respondent: str = "_uuid",
    source: str | None = None,
    strict: bool = False,
) -> pd.DataFrame:
    """Turn a KoboToolbox CSV export into the response layout of ``instrument``.

    Parameters
    ----------
    data
        The export (a frame, or the path of the CSV/XLSX file; Kobo's
        default ``;`` separator is detected).
    instrument
        The questionnaire the form was built from.
    respondent
        The export column with the submission id.
    source
        Name of the data for error messages.
    strict
        Raise on an answer that matches no code (instead of keeping it).

    Returns
    -------
    DataFrame
        One column per question found, the respondent id, other columns.
        An answer that matches no code of its question is kept as found:
        :func:`~qualitapa.surveys.validate` reports and refuses it.

    Raises
    ------
    DataError
        No column of the export matches a question of the instrument;
        with ``strict``, an answer matches no code: ``failure_cases``
        lists every one with its row, the export's column, the value and
        the allowed codes.

    Examples
    --------
    >>> from qualitapa.surveys import Instrument, Question, Scale
    >>> inst = Instrument("c", "C", questions=[
    ...     Question("wait", "likert", "Attesa", scale=Scale((1, 2, 3, 4), labels=[
    ...         "Per nulla", "Poco", "Abbastanza", "Molto"])),
    ...     Question("channel", "multiple", "Canale", choices=["web", "tel"])])
    >>> raw = pd.DataFrame({"_uuid": ["u1", "u2"], "grp/wait": ["Molto", "2"],
    ...                     "grp/channel/web": [1, 0], "grp/channel/tel": [1, 1]})
    >>> print(import_kobo(raw, inst).to_string(index=False))
    respondent wait channel
            u1    4 web tel
            u2    2     tel
    """
    return _import(data, instrument, _KOBO, respondent=respondent, source=source, strict=strict)


def import_limesurvey(
    data: pd.DataFrame | str | Path,
    instrument: Instrument,
    *,
    respondent: str = "id",
    source: str | None = None,
    strict: bool = False,
) -> pd.DataFrame:
    """Turn a LimeSurvey CSV export ("question code" headers) into the response layout.

    Parameters
    ----------
    data
        The export (a frame or the path of the CSV file).
    instrument
        The questionnaire.
    respondent
        The export column with the response id.
    source
        Name of the data for error messages.
    strict
        Raise on an answer that matches no code (instead of keeping it).

    Returns
    -------
    DataFrame
        As :func:`import_kobo` returns it (an answer that matches no code
        is kept as found, for ``validate`` to refuse).

    Raises
    ------
    DataError
        No column of the export matches a question of the instrument;
        with ``strict``, an answer matches no code.

    Examples
    --------
    >>> from qualitapa.surveys import Instrument, Question, Scale
    >>> inst = Instrument("c", "C", questions=[
    ...     Question("sat_wait", "likert", "Attesa", scale=Scale.likert(5)),
    ...     Question("channel", "multiple", "Canale", choices=["web", "tel"])])
    >>> raw = pd.DataFrame({"id": [1, 2], "submitdate": ["2024-05-01", "2024-05-02"],
    ...                     "SAT[WAIT]": ["A5", "A2"], "channel[web]": ["Y", ""],
    ...                     "channel[tel]": ["", "Y"]})
    >>> print(import_limesurvey(raw, inst).to_string(index=False))
     respondent sat_wait channel
              1        5     web
              2        2     tel
    """
    return _import(
        data, instrument, _LIMESURVEY, respondent=respondent, source=source, strict=strict
    )
