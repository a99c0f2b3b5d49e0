"""Import of KoboToolbox and LimeSurvey CSV exports into the response layout.

Both return a wide frame with one column per question id (as
:func:`qualitapa.surveys.validate` expects), the respondent id in
``instrument.respondent``, and the export's other non-system columns left
as they are (``validate`` reports them as unknown columns, so nothing is
lost silently). System columns of the tools (listed in
:data:`KOBO_SYSTEM_COLUMNS` and :data:`LIMESURVEY_SYSTEM_COLUMNS`) are left
out.

KoboToolbox
    Headers are XML names with group prefixes (``group/q``) or labels;
    values are codes or labels (any language of the form); a
    ``select_multiple`` is one column of space-separated codes and/or one
    0/1 column per option (``q/code``), which are combined.
LimeSurvey
    Headers are question codes; array sub-questions are ``code[sub]`` and
    map to the question ``code_sub`` (or ``sub``); multiple-choice options
    are ``code[option]`` with ``Y`` when chosen. Answer codes ``A1``,
    ``A2``... map to scale points 1, 2... when the scale has them; labels
    map to codes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, NamedTuple, TypeAlias

import pandas as pd

from qualitapa.errors import DataError
from qualitapa.io import read_table
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

_TRUE_TEXT = {"1", "1.0", "true", "y", "yes", "si", "sì"}


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
                out.setdefault(label.it.strip().lower(), text)
                if label.en:
                    out.setdefault(label.en.strip().lower(), text)
    for c in q.choices:
        out[c.code.lower()] = c.code
        out.setdefault(c.label.it.strip().lower(), c.code)
        if c.label.en:
            out.setdefault(c.label.en.strip().lower(), c.code)
    return out


def _recode(q: Question, values: pd.Series, *, answer_codes: bool = False) -> pd.Series:
    """Map labels to codes (vectorised over the distinct values); unknown stay as found."""
    text = values.astype("string").str.strip()
    text = text.mask(text == "")
    if q.type in (QuestionType.TEXT, QuestionType.NUMERIC) or q.type is QuestionType.MULTIPLE:
        return text
    mapping = _label_map(q)
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
    return text.map(table).astype("string")


def _combine_split(columns: dict[str, pd.Series], index: pd.Index) -> pd.Series:
    """Space-separated codes from one 0/1 (or Y/blank) column per option."""
    out = pd.Series("", index=index, dtype="string")
    for code, col in columns.items():  # over options, not respondents
        chosen = col.astype("string").str.strip().str.lower().isin(_TRUE_TEXT).fillna(False)
        out = out.where(~chosen.to_numpy(), out + " " + code)
    out = out.str.strip()
    return out.mask(out == "")


def _assemble(
    frame: pd.DataFrame,
    instrument: Instrument,
    direct: dict[str, str],
    split: dict[str, dict[str, str]],
    respondent: str | None,
    system: Iterable[str],
    answer_codes: bool,
) -> pd.DataFrame:
    out: dict[str, Any] = {}
    if respondent is not None and respondent in frame.columns:
        out[instrument.respondent] = frame[respondent]
    for q in instrument.questions:
        if q.id in direct:
            col = _recode(q, frame[direct[q.id]], answer_codes=answer_codes)
            if q.type is QuestionType.MULTIPLE:
                col = col.str.replace(r"\s+", " ", regex=True)
            out[q.id] = col
        elif q.id in split:
            out[q.id] = _combine_split({c: frame[h] for c, h in split[q.id].items()}, frame.index)
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
        parts = [p for p in re.split(r"[/.:]", header) if p] if "/" in header else [header]
        hit = None
        for i in range(len(parts) - 1, -1, -1):
            if parts[i] in by_id:
                hit = i
                break
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
    return _assemble(
        frame, instrument, direct, split, respondent, export.system, export.answer_codes
    )


def import_kobo(
    data: pd.DataFrame | str | Path,
    instrument: Instrument,
    *,
    respondent: str = "_uuid",
    source: str | None = None,
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

    Returns
    -------
    DataFrame
        One column per question found, the respondent id, other columns.

    Raises
    ------
    DataError
        No column of the export matches a question of the instrument.

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
    return _import(data, instrument, _KOBO, respondent=respondent, source=source)


def import_limesurvey(
    data: pd.DataFrame | str | Path,
    instrument: Instrument,
    *,
    respondent: str = "id",
    source: str | None = None,
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

    Returns
    -------
    DataFrame

    Raises
    ------
    DataError
        No column of the export matches a question of the instrument.

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
    return _import(data, instrument, _LIMESURVEY, respondent=respondent, source=source)
