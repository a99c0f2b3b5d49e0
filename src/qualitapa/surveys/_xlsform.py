"""XLSForm import and export.

An XLSForm (https://xlsform.org) has three sheets: ``survey`` (one row per
question: ``type``, ``name``, ``label``...), ``choices`` (``list_name``,
``name``, ``label``) and ``settings`` (``form_id``, ``form_title``,
``version``, ``default_language``). Labels per language are columns
``label::Name (code)``: ``label::Italiano (it)``, ``label::Deutsch (de)``
(``label::de``, ``label::German`` or ``label::Deutsch`` work too), the same
for ``hint::`` and ``constraint_message::``, on the ``survey``, ``choices``
and ``dimensions`` sheets. Every language is read into the multilingual
:class:`~qualitapa.models.Text`; Italian is required (a bare ``label``
column is in the ``default_language``, Italian when not set), the other
languages are optional.

XLSForm has no translated form title: ``settings`` has one ``form_title``,
in the ``default_language`` (pyxform, the compiler behind ODK and
KoboToolbox, fails on a ``form_title::...`` column). The title in the other
languages goes to columns ``form_title_de``, ``form_title_en``... that
XLSForm tools ignore; ``form_title::Deutsch (de)`` columns, as qualitapa
wrote them before, are still read.

qualitapa reads a few extra, optional columns that XLSForm tools ignore:

* survey: ``dimension``, ``reverse``, ``importance_of``, ``expectation_of``,
  ``weight``, ``question_type`` (one of :class:`QuestionType`, to tell a
  Likert item from a single choice when the form alone cannot) and
  ``organizations`` (ids separated by spaces or commas: a local question,
  see :attr:`Question.organizations`; written only when a question is local);
* choices: ``dont_know`` (``yes`` marks a "don't know / not applicable"
  option; non-numeric codes in a numeric list are such codes too);
* settings: ``service``, ``respondent``, ``supersedes``, ``form_title_<code>``;
* an optional ``dimensions`` sheet: ``name``, ``label::...``, ``weight``.

A ``select_one`` list whose codes are numbers becomes a :class:`Scale`; the
question is Likert when it has a dimension, an ``importance_of`` or an
``expectation_of`` (otherwise a single choice), unless ``question_type``
says otherwise. ``begin group`` relevance is folded into each question;
repeats, ``select_one_from_file`` and other unsupported types raise
:class:`~qualitapa.errors.DefinitionError` naming the row.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from qualitapa._languages import is_language
from qualitapa._workbooks import WorkbookLimits, check_workbook
from qualitapa._xlsx import require_openpyxl
from qualitapa.errors import DataError, DefinitionError
from qualitapa.io import read_table, restore_formulas, write_csv
from qualitapa.models import Text
from qualitapa.surveys._models import (
    Choice,
    Instrument,
    Question,
    QuestionType,
    Scale,
    SurveyDimension,
    _code,
    _format_code,
)

#: The column titles qualitapa writes for the languages it names itself.
_LANG_TITLES = {"it": "Italiano (it)", "en": "English (en)"}
#: The columns whose text is a label in several languages (``label::Deutsch (de)``).
_TEXT_COLUMNS = ("label", "hint", "constraint_message", "form_title")
#: The settings columns of the title in another language: ``form_title_de``, ``form_title_de_ch``.
_TITLE_COLUMN = re.compile(r"form_title_([a-z]{2,3}(?:_[a-z]{2})?)", re.IGNORECASE)
_SKIPPED_TYPES = {
    "note",
    "calculate",
    "start",
    "end",
    "today",
    "deviceid",
    "username",
    "phonenumber",
    "simserial",
    "subscriberid",
    "audit",
    "hidden",
    "acknowledge",
    "start-geopoint",
    "background-audio",
    "email",
    "imei",
    "uri:email",
}
_TRUE = {"yes", "true", "1", "y", "si", "sì", "true()"}


def _lang_of(suffix: str) -> str | None:
    """The language code of a column suffix: ``Deutsch (de)``, ``de``, ``German``, ``de-CH``.

    XLSForm writes ``label::Name (code)``; a bare code or a language name
    (in English, Italian, German or the language itself) is read too.
    None when the suffix names no language.
    """
    text = suffix.strip()
    m = re.search(r"\(([^()]*)\)\s*$", text)
    code = _code_of(m.group(1)) if m else _code_of(text)
    if code is not None:
        return code
    return _language_names().get(text.casefold()) or _native_names().get(text.casefold())


def _code_of(text: str) -> str | None:
    """``de``, ``DE``, ``de-CH`` or ``de_ch`` as a language code (``de_CH``), else None."""
    m = re.fullmatch(r"([A-Za-z]{2,3})(?:[-_]([A-Za-z]{2}))?", text.strip())
    if m is None:
        return None
    lang, region = m.group(1).lower(), m.group(2)
    return f"{lang}_{region.upper()}" if region else lang


@functools.cache
def _language_names() -> dict[str, str]:
    """Language names in English, Italian and German (lower case) -> code."""
    from babel import Locale

    out: dict[str, str] = {}
    for where in ("de", "it", "en"):  # English last: it wins a clash
        for code, name in Locale(where).languages.items():
            if is_language(code):
                out[name.casefold()] = code
    return out


@functools.cache
def _native_names() -> dict[str, str]:
    """Language names in the language itself (``français``) -> code."""
    from babel import Locale, UnknownLocaleError
    from babel.localedata import locale_identifiers

    out: dict[str, str] = {}
    for code in locale_identifiers():
        if not is_language(code) or "_" in code:
            continue
        try:
            name = Locale(code).get_display_name(code)
        except (UnknownLocaleError, ValueError):  # pragma: no cover - Babel's own list
            continue
        if name:
            out.setdefault(name.casefold(), code)
    return out


def _title(lang: str) -> str:
    """The column suffix of ``lang``: ``Italiano (it)``, ``Deutsch (de)``, ``lld``."""
    if lang in _LANG_TITLES:
        return _LANG_TITLES[lang]
    from babel import Locale, UnknownLocaleError

    try:
        name = Locale.parse(lang).get_display_name(lang)
    except (UnknownLocaleError, ValueError):
        return lang
    return f"{name[:1].upper()}{name[1:]} ({lang})" if name else lang


def _cell(row: Mapping[str, Any], key: str) -> str | None:
    v = row.get(key)
    if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NA:
        return None
    text = str(v).strip()
    return text or None


def _truthy(value: str | None) -> bool:
    return value is not None and value.strip().lower() in _TRUE


def _texts(row: Mapping[str, Any], base: str, default_lang: str) -> Text | None:
    """The text of columns ``base`` / ``base::lang`` in every language given.

    The bare column is in ``default_lang``; a ``base::lang`` column of the
    same language wins over it. The columns and the Italian text were checked
    by :func:`_check_texts`.
    """
    bare = _cell(row, base)
    found: dict[str, str] = {} if bare is None else {default_lang: bare}
    prefix = base + "::"
    found.update(
        _language_cells(
            row, lambda key: _lang_of(key[len(prefix) :]) if key.startswith(prefix) else None
        )
    )
    return Text.coerce(found) if found else None


def _language_cells(
    row: Mapping[str, Any], language_of: Callable[[str], str | None]
) -> dict[str, str]:
    """Language -> text of the non-empty cells of ``row`` whose column names a language.

    ``language_of`` says the language of a column (None: not a text column);
    of two columns in one language the later wins.
    """
    found: dict[str, str] = {}
    for key in row:
        lang = language_of(key)
        value = None if lang is None else _cell(row, key)
        if lang is not None and value is not None:
            found[lang] = value
    return found


def _text_columns(
    columns: Sequence[str], base: str, default_lang: str, where: str
) -> dict[str, str]:
    """Language -> column of the texts ``base`` (``label``, ``label::Deutsch (de)``...).

    Raises DefinitionError for a column that names no language and for two
    columns of one language.
    """
    out: dict[str, str] = {}
    for key in columns:
        if key == base:
            out.setdefault(default_lang, key)
            continue
        title = _title_language(key) if base == "form_title" else None
        if not key.startswith(base + "::") and title is None:
            continue
        lang = title or _lang_of(key.split("::", 1)[1])
        if lang is None:
            raise DefinitionError(
                f"column {key!r} names no language: write {base}::Name (code), "
                f"e.g. {base}::Deutsch (de)",
                source=where,
                field=key,
            )
        if lang in out and out[lang] != base:
            raise DefinitionError(
                f"columns {out[lang]!r} and {key!r} both give the {base} in {lang!r}",
                source=where,
                field=key,
            )
        out[lang] = key
    return out


def _check_texts(
    rows: Sequence[Mapping[str, Any]], sheet: str, source: str, default_lang: str
) -> None:
    """Every text column of ``sheet`` names its language; every text has Italian.

    Italian is the language every label has (the others are optional): a row
    with a label, hint or message in another language only is an error naming
    the sheet, the row and the Italian column to fill.
    """
    if not rows:
        return
    columns = [k for k in rows[0] if k != "__row__"]
    where = f"{source}, sheet {sheet!r}"
    for base in _TEXT_COLUMNS:
        langs = _text_columns(columns, base, default_lang, where)
        if not langs:
            continue
        italian = langs.get("it", f"{base}::{_LANG_TITLES['it']}")
        for row in rows:
            if sheet == "survey" and _unread(row):
                continue
            given = [c for c in langs.values() if _cell(row, c) is not None]
            if given and _cell(row, italian) is None:
                raise DefinitionError(
                    f"the {base} has no Italian text ({', '.join(map(repr, given))} given): "
                    f"fill the column {italian!r} (Italian is required, the other "
                    "languages are optional)",
                    source=f"{where}, row {row['__row__']}",
                    field=italian,
                )


def _unread(row: Mapping[str, Any]) -> bool:
    """Whether a ``survey`` row is no question (a note, a group...): its texts are not read."""
    parts = (_cell(row, "type") or "").split()
    return not parts or parts[0].lower() in (*_SKIPPED_TYPES, "begin", "end")


def _normalise(frame: pd.DataFrame) -> list[dict[str, Any]]:
    frame = frame.copy()
    frame.columns = [
        str(c).strip().lower()
        if "::" not in str(c)
        else str(c).split("::", 1)[0].strip().lower() + "::" + str(c).split("::", 1)[1]
        for c in frame.columns
    ]
    frame = frame.dropna(how="all")
    return [
        {str(k): v for k, v in rec.items()} | {"__row__": int(i) + 2}
        for i, rec in zip(frame.index, frame.to_dict(orient="records"), strict=True)
    ]


def _read_csv_sheet(path: Path) -> pd.DataFrame:
    """A CSV sheet as text, the quotes :func:`write_xlsform` put before formulas removed."""
    if not path.read_bytes().strip():
        return pd.DataFrame()
    try:
        frame = read_table(path, dtype=str, keep_default_na=False, text_columns=())
    except DataError as exc:
        where = f"{path}, row {exc.row + 1}" if exc.row is not None else str(path)
        raise DefinitionError(exc.message, source=where) from exc
    return restore_formulas(frame)


def _read_workbook_sheets(path: Path, limits: WorkbookLimits | None) -> dict[str, pd.DataFrame]:
    """The sheets of an ``.xlsx`` form by lower-case name, checked before reading."""
    require_openpyxl(DefinitionError, "reading .xlsx forms", str(path))
    try:
        check_workbook(path, limits)
    except DataError as exc:
        raise DefinitionError(exc.message, source=str(path)) from exc
    try:
        sheets = pd.read_excel(path, sheet_name=None, dtype=str, engine="openpyxl")
    except MemoryError:
        raise
    except Exception as exc:  # openpyxl raises many kinds of errors
        raise DefinitionError(f"cannot read the workbook: {exc}", source=str(path)) from exc
    return {str(k).strip().lower(): v for k, v in sheets.items()}


def _read_sheets(path: Path, limits: WorkbookLimits | None = None) -> dict[str, pd.DataFrame]:
    if not path.exists():
        raise DefinitionError("XLSForm not found", source=str(path))
    if path.is_dir():
        folder, names = path, None
    elif path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        return _read_workbook_sheets(path, limits)
    elif path.suffix.lower() == ".csv":
        folder, names = path.parent, {"survey": path}
    else:
        raise DefinitionError(
            "an XLSForm is an .xlsx file, a folder of CSV sheets or a survey.csv",
            source=str(path),
        )
    out: dict[str, pd.DataFrame] = {}
    for sheet in ("survey", "choices", "settings", "dimensions"):
        p = (names or {}).get(sheet, folder / f"{sheet}.csv")
        if p.exists():
            out[sheet] = _read_csv_sheet(p)
    return out


def read_xlsform(path: str | Path, *, limits: WorkbookLimits | None = None) -> Instrument:
    """Read an XLSForm questionnaire into an :class:`Instrument`.

    Parameters
    ----------
    path
        An ``.xlsx`` workbook (needs the ``excel`` extra), a folder with
        ``survey.csv``, ``choices.csv`` and ``settings.csv``, or the path
        of such a ``survey.csv``. In CSV sheets, a ``'`` before text that
        would start a formula (as :func:`write_xlsform` writes it, see
        :func:`qualitapa.io.neutralise_text`) is removed.
    limits
        How big a workbook may be (see :class:`qualitapa.io.WorkbookLimits`).

    Returns
    -------
    Instrument

    Raises
    ------
    DefinitionError
        The file is missing or is not a readable workbook (or goes beyond
        ``limits``), a sheet or column is missing, or a row is invalid
        (more fields than the header, for a CSV sheet); the message names
        the file, the sheet and the row.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "survey.csv").write_text(
    ...     "type,name,label::Italiano (it),label::English (en),dimension\\n"
    ...     "select_one agree,wait,Attesa,Waiting time,time\\n")
    >>> _ = (d / "choices.csv").write_text(
    ...     "list_name,name,label::Italiano (it)\\nagree,1,Per nulla\\nagree,2,Poco\\n"
    ...     "agree,3,Abbastanza\\nagree,4,Molto\\nagree,9,Non so\\n")
    >>> _ = (d / "settings.csv").write_text(
    ...     "form_id,form_title,version\\ncounter,Sportello,2024\\n")
    >>> _ = (d / "choices.csv").write_text(
    ...     "list_name,name,label::Italiano (it),dont_know\\nagree,1,Per nulla,\\n"
    ...     "agree,2,Poco,\\nagree,3,Abbastanza,\\nagree,4,Molto,\\nagree,9,Non so,yes\\n")
    >>> inst = read_xlsform(d)
    >>> q = inst.question("wait")
    >>> q.type.value, q.scale.points, q.scale.dont_know, q.label.en
    ('likert', (1.0, 2.0, 3.0, 4.0), (9.0,), 'Waiting time')
    """
    path = Path(path)
    source = str(path)
    sheets = _read_sheets(path, limits)
    if "survey" not in sheets:
        raise DefinitionError("the XLSForm has no 'survey' sheet", source=source)
    settings_rows = _normalise(sheets["settings"]) if "settings" in sheets else []
    settings = settings_rows[0] if settings_rows else {}
    default_lang = "it"
    dl = _cell(settings, "default_language")
    if dl:
        found = _lang_of(dl)
        if found is None:
            raise DefinitionError(
                f"default_language {dl!r} names no language: write Name (code), e.g. Italiano (it)",
                source=f"{source}, sheet 'settings'",
                field="default_language",
            )
        default_lang = found
    for name, frame in sheets.items():
        if name in ("survey", "choices", "settings", "dimensions") and len(frame.columns):
            _check_texts(_normalise(frame), name, source, default_lang)
    lists = _read_choices(sheets, source)
    dim_labels = _read_dimensions(sheets, source, default_lang)
    questions, dims = _read_questions(sheets["survey"], lists, source, default_lang)
    form_id = _cell(settings, "form_id") or path.stem
    title = _form_title(settings, default_lang) or Text(form_id)
    ordered = [d for d in dim_labels if d in dims] + [d for d in dims if d not in dim_labels]
    dimensions = [dim_labels.get(d) or SurveyDimension(d, Text(d)) for d in ordered]
    try:
        return Instrument(
            form_id,
            title,
            version=_cell(settings, "version") or "1",
            service=_cell(settings, "service"),
            dimensions=dimensions,
            questions=questions,
            supersedes=_cell(settings, "supersedes"),
            respondent=_cell(settings, "respondent") or "respondent",
        )
    except DefinitionError as exc:
        raise DefinitionError(exc.message, source=source, item=exc.item, field=exc.field) from exc


def _title_language(column: str) -> str | None:
    """The language of a ``form_title_de`` column (None for any other column)."""
    m = _TITLE_COLUMN.fullmatch(column)
    code = _code_of(m.group(1)) if m else None
    return code if code is not None and is_language(code) else None


def _form_title(settings: Mapping[str, Any], default_lang: str) -> Text | None:
    """The form title: ``form_title`` (default language), ``form_title_de``... in every language.

    ``form_title::Deutsch (de)`` columns (qualitapa's older sheets) are read too.
    """
    old = _texts(settings, "form_title", default_lang)
    found: dict[str, str] = {} if old is None else old.to_dict()
    found.update(_language_cells(settings, _title_language))
    return Text.coerce(found) if found else None


# choices -----------------------------------------------------------------


def _read_choices(
    sheets: Mapping[str, pd.DataFrame], source: str
) -> dict[str, list[dict[str, Any]]]:
    """The rows of the ``choices`` sheet by list name."""
    lists: dict[str, list[dict[str, Any]]] = {}
    if "choices" in sheets and len(sheets["choices"].columns):
        for row in _normalise(sheets["choices"]):
            ln = _cell(row, "list_name") or _cell(row, "list name")
            name = _cell(row, "name") or _cell(row, "value")
            if ln is None or name is None:
                raise DefinitionError(
                    "a choice needs 'list_name' and 'name'",
                    source=f"{source}, sheet 'choices', row {row['__row__']}",
                )
            lists.setdefault(ln, []).append(row)
    return lists


# dimensions sheet ----------------------------------------------------------


def _read_dimensions(
    sheets: Mapping[str, pd.DataFrame], source: str, default_lang: str
) -> dict[str, SurveyDimension]:
    """The dimensions the ``dimensions`` sheet labels, in its order."""
    dim_labels: dict[str, SurveyDimension] = {}
    if "dimensions" in sheets and len(sheets["dimensions"].columns):
        for row in _normalise(sheets["dimensions"]):
            did = _cell(row, "name")
            if did is None:
                continue
            w = _cell(row, "weight")
            try:
                dim_labels[did] = SurveyDimension(
                    did, _texts(row, "label", default_lang) or Text(did), float(w) if w else None
                )
            except (DefinitionError, ValueError) as exc:
                raise DefinitionError(
                    str(exc), source=f"{source}, sheet 'dimensions', row {row['__row__']}"
                ) from exc
    return dim_labels


# survey sheet --------------------------------------------------------------


def _read_questions(
    survey: pd.DataFrame,
    lists: Mapping[str, list[dict[str, Any]]],
    source: str,
    default_lang: str,
) -> tuple[list[Question], list[str]]:
    """The questions of the ``survey`` sheet and their dimensions, in order."""
    questions: list[Question] = []
    dims: list[str] = []
    groups: list[str | None] = []
    for row in _normalise(survey):
        where = f"{source}, sheet 'survey', row {row['__row__']}"
        qtype_text = _cell(row, "type")
        if qtype_text is None:
            continue
        parts = qtype_text.split()
        head = parts[0].lower()
        if head in ("begin", "end") and len(parts) > 1:
            head = f"{head}_{parts[1].lower()}"
        if _is_structure(head, row, groups, where):
            continue
        name = _cell(row, "name")
        if name is None:
            raise DefinitionError("a question needs a 'name'", source=where, field="name")
        label = _texts(row, "label", default_lang) or Text(name)
        try:
            q = _question(row, name, label, qtype_text, head, lists, groups, default_lang)
        except DefinitionError as exc:
            raise DefinitionError(
                exc.message,
                source=where,
                item=name,
                field=exc.field,
            ) from exc
        except ValueError as exc:
            raise DefinitionError(str(exc), source=where, item=name) from exc
        questions.append(q)
        dimension = _cell(row, "dimension")
        if dimension and dimension not in dims:
            dims.append(dimension)
    if groups:
        raise DefinitionError("a 'begin group' has no 'end group'", source=source)
    return questions, dims


def _is_structure(head: str, row: Mapping[str, Any], groups: list[str | None], where: str) -> bool:
    """Whether the row opens or closes a group (kept in ``groups``) or is no question."""
    if head == "begin_group":
        groups.append(_cell(row, "relevant"))
        return True
    if head == "end_group":
        if not groups:
            raise DefinitionError("'end group' without 'begin group'", source=where)
        groups.pop()
        return True
    if head in ("begin_repeat", "end_repeat"):
        raise DefinitionError("repeats are not supported in satisfaction forms", source=where)
    return head in _SKIPPED_TYPES


def _question(
    row: Mapping[str, Any],
    name: str,
    label: Text,
    qtype_text: str,
    head: str,
    lists: Mapping[str, list[dict[str, Any]]],
    groups: list[str | None],
    default_lang: str,
) -> Question:
    """One question of the ``survey`` sheet (``head``: its normalised type)."""
    parts = qtype_text.split()
    explicit = _cell(row, "question_type")
    dimension = _cell(row, "dimension")
    importance_of = _cell(row, "importance_of")
    expectation_of = _cell(row, "expectation_of")
    kwargs: dict[str, Any] = {}
    if head in ("select_one", "select_multiple"):
        linked = bool(dimension or importance_of or expectation_of)
        qtype, kwargs = _select_question(parts, head, explicit, linked, lists, default_lang)
    elif head in ("integer", "decimal"):
        qtype = QuestionType(explicit) if explicit else QuestionType.NUMERIC
    elif head == "range":
        params = _range_params(_cell(row, "parameters"))
        if explicit or dimension:
            qtype = QuestionType(explicit or "rating")
            start, end, step = params
            n = round((end - start) / step)
            kwargs["scale"] = Scale(tuple(start + i * step for i in range(n + 1)))
        else:
            qtype = QuestionType.NUMERIC
    elif head == "text":
        qtype = QuestionType.TEXT
    else:
        raise DefinitionError(f"unsupported question type {qtype_text!r}", field="type")
    relevant = _combine([*groups, _cell(row, "relevant")])
    weight = _cell(row, "weight")
    orgs = _cell(row, "organizations")
    return Question(
        name,
        qtype,
        label,
        dimension=dimension,
        reverse=_truthy(_cell(row, "reverse")),
        importance_of=importance_of,
        expectation_of=expectation_of,
        relevant=relevant,
        constraint=_cell(row, "constraint"),
        constraint_message=_texts(row, "constraint_message", default_lang),
        required=_truthy(_cell(row, "required")),
        weight=float(weight) if weight else None,
        hint=_texts(row, "hint", default_lang),
        organizations=re.split(r"[\s,;]+", orgs) if orgs else (),
        **kwargs,
    )


def _select_question(
    parts: list[str],
    head: str,
    explicit: str | None,
    linked: bool,
    lists: Mapping[str, list[dict[str, Any]]],
    default_lang: str,
) -> tuple[QuestionType, dict[str, Any]]:
    """The type of a ``select_one``/``select_multiple`` question and its scale or choices.

    A numeric single choice is a Likert item when the question is ``linked``
    (it has a dimension, or is the importance or expectation of another).
    """
    if len(parts) < 2 or parts[1] not in lists:
        raise DefinitionError(
            f"choice list {parts[1] if len(parts) > 1 else ''!r} is not in the 'choices' sheet",
            field="type",
        )
    options = lists[parts[1]]
    codes = [str(_cell(o, "name") or _cell(o, "value")) for o in options]
    dk = [
        _truthy(_cell(o, "dont_know")) or not _is_number(c)
        for o, c in zip(options, codes, strict=True)
    ]
    numeric = (
        head == "select_one"
        and all(_is_number(c) for c, k in zip(codes, dk, strict=True) if not k)
        and sum(not k for k in dk) >= 2
    )
    if explicit:
        qtype = QuestionType(explicit)
    elif numeric and linked:
        qtype = QuestionType.LIKERT
    else:
        qtype = QuestionType.SINGLE if head == "select_one" else QuestionType.MULTIPLE
    if not qtype.scaled:
        choices = tuple(
            Choice(c, _texts(o, "label", default_lang) or Text(c), _truthy(_cell(o, "dont_know")))
            for c, o in zip(codes, options, strict=True)
        )
        return qtype, {"choices": choices}
    pts = [(float(c), o) for c, o, k in zip(codes, options, dk, strict=True) if not k]
    pts.sort(key=lambda t: t[0])
    dks = [(c, o) for c, o, k in zip(codes, options, dk, strict=True) if k]
    labels = [_texts(o, "label", default_lang) or Text(_format_code(p)) for p, o in pts]
    dk_labels = [_texts(o, "label", default_lang) or Text(c) for c, o in dks]
    scale = Scale(
        tuple(p for p, _ in pts),
        labels=_unless_codes(labels, [_format_code(p) for p, _ in pts]),
        dont_know=tuple(_code(c) for c, _ in dks),
        dont_know_labels=_unless_codes(dk_labels, [c for c, _ in dks]),
        id=parts[1],
    )
    return qtype, {"scale": scale}


def _unless_codes(labels: Sequence[Text], codes: Sequence[str]) -> tuple[Text, ...]:
    """``labels``, or none when each is just its code (an unlabelled scale, as written)."""
    if all(t == Text(c) for t, c in zip(labels, codes, strict=True)):
        return ()
    return tuple(labels)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _combine(conditions: Sequence[str | None]) -> str | None:
    parts = [c for c in conditions if c]
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    return " and ".join(f"({p})" for p in parts)


def _range_params(text: str | None) -> tuple[float, float, float]:
    params = {"start": 1.0, "end": 10.0, "step": 1.0}
    for part in (text or "").split():
        key, _, value = part.partition("=")
        if key.strip() in params:
            try:
                params[key.strip()] = float(value)
            except ValueError:
                raise DefinitionError(f"bad range parameter {part!r}", field="parameters") from None
    if params["step"] <= 0 or params["end"] <= params["start"]:
        raise DefinitionError("range parameters need start < end and step > 0", field="parameters")
    return params["start"], params["end"], params["step"]


def _label_columns(prefix: str, text: Text | None, languages: Sequence[str]) -> dict[str, str]:
    """The columns ``prefix::Name (code)`` of ``text``, blank where it lacks a language."""
    given = {} if text is None else text.to_dict()
    return {f"{prefix}::{_title(lang)}": given.get(lang, "") for lang in languages}


def _title_columns(title: Text, languages: Sequence[str]) -> dict[str, str]:
    """``form_title`` in the first language, ``form_title_de``... in the others.

    XLSForm's ``settings`` has no ``form_title::Deutsch (de)`` (pyxform fails
    on it); the other languages go to columns XLSForm tools ignore.
    """
    given = title.to_dict()
    first, *others = languages
    return {"form_title": given.get(first, "")} | {
        f"form_title_{lang}": given.get(lang, "") for lang in others
    }


def _languages(instrument: Instrument) -> tuple[str, ...]:
    """Every language of the instrument's texts: Italian, English, German, then the others."""
    texts: list[Text | None] = [instrument.label]
    texts += [d.label for d in instrument.dimensions]
    for q in instrument.questions:
        texts += [q.label, q.hint, q.constraint_message]
        texts += [c.label for c in q.choices]
        if q.scale is not None:
            texts += [*q.scale.labels, *q.scale.dont_know_labels]
    found = {lang for t in texts if t is not None for lang in t.languages}
    first = [lang for lang in ("it", "en", "de") if lang in found or lang == "it"]
    return (*first, *sorted(found - set(first)))


def write_xlsform(
    instrument: Instrument,
    path: str | Path | None = None,
    *,
    languages: Sequence[str] | None = None,
) -> dict[str, pd.DataFrame]:
    """The XLSForm sheets of ``instrument``, optionally written to ``path``.

    Parameters
    ----------
    instrument
        The questionnaire.
    path
        ``.xlsx`` (needs the ``excel`` extra) or a folder that receives
        ``survey.csv``, ``choices.csv``, ``settings.csv`` and
        ``dimensions.csv``. None: only return the sheets.
    languages
        Label languages to write, each as columns ``label::Name (code)``
        (``label::Italiano (it)``, ``label::Deutsch (de)``...): by default
        every language of the instrument's texts. Italian, which every
        label has, is always written, first. A text without a language
        leaves its cell blank.

    Returns
    -------
    dict
        Sheet name -> DataFrame.

    Examples
    --------
    >>> inst = Instrument("counter", "Sportello", questions=[
    ...     Question("wait", "likert", Text("Attesa", "Waiting"), scale=Scale.likert(4))])
    >>> sheets = write_xlsform(inst)
    >>> sheets["survey"][["type", "name", "label::English (en)"]].to_dict("records")
    [{'type': 'select_one likert4', 'name': 'wait', 'label::English (en)': 'Waiting'}]
    >>> inst = Instrument("counter", "Sportello", questions=[
    ...     Question("wait", "likert", Text("Attesa", de="Wartezeit"), scale=Scale.likert(4))])
    >>> [c for c in write_xlsform(inst)["survey"].columns if c.startswith("label")]
    ['label::Italiano (it)', 'label::Deutsch (de)']
    """
    if languages is None:
        languages = _languages(instrument)
    elif "it" not in languages:
        languages = ("it", *languages)
    lists = _ChoiceLists()
    survey = [_survey_row(q, lists, languages) for q in instrument.questions]
    choice_cols = ["list_name", "name", *_label_columns("label", None, languages), "dont_know"]
    settings = {
        "form_id": instrument.id,
        **_title_columns(instrument.label, languages),
        "version": instrument.version,
        "default_language": _title(languages[0]),
        "service": instrument.service or "",
        "respondent": instrument.respondent,
        "supersedes": instrument.supersedes or "",
    }
    dims = [
        {
            "name": d.id,
            **_label_columns("label", d.label, languages),
            "weight": "" if d.weight is None else repr(d.weight),
        }
        for d in instrument.dimensions
    ]
    sheets = {
        "survey": pd.DataFrame(
            survey,
            columns=[
                *_survey_columns(languages),
                *(["organizations"] if instrument.local_questions() else []),
            ],
        ),
        "choices": pd.DataFrame(lists.rows, columns=choice_cols),
        "settings": pd.DataFrame([settings]),
        "dimensions": pd.DataFrame(
            dims, columns=["name", *_label_columns("label", None, languages), "weight"]
        ),
    }
    if path is not None:
        p = Path(path)
        if p.suffix.lower() == ".xlsx":
            _write_workbook(sheets, p)
        else:
            p.mkdir(parents=True, exist_ok=True)
            # Neutralised like every CSV qualitapa writes, so that a label such as
            # "=HYPERLINK(...)" does not run when the sheet is opened; read_xlsform
            # removes the quotes again: "-1 < ." survives a round trip.
            for name, frame in sheets.items():
                write_csv(frame, p / f"{name}.csv")
    return sheets


class _ChoiceLists:
    """The rows of the ``choices`` sheet, one list per distinct scale or choice set."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []
        self._seen: dict[str, Any] = {}

    def add(self, name: str, key: Any, rows: list[dict[str, Any]]) -> str:
        """The name of the list of ``key`` (added under ``name``, or ``name_2``... if taken)."""
        base, n = name, 1
        while name in self._seen and self._seen[name] != key:
            n += 1
            name = f"{base}_{n}"
        if name not in self._seen:
            self._seen[name] = key
            self.rows.extend({"list_name": name, **r} for r in rows)
        return name


def _survey_columns(languages: Sequence[str]) -> list[str]:
    """The columns of the ``survey`` sheet."""
    return [
        "type",
        "name",
        *_label_columns("label", None, languages),
        *_label_columns("hint", None, languages),
        "relevant",
        "constraint",
        *_label_columns("constraint_message", None, languages),
        "required",
        "dimension",
        "reverse",
        "importance_of",
        "expectation_of",
        "weight",
        "question_type",
    ]


def _survey_row(q: Question, lists: _ChoiceLists, languages: Sequence[str]) -> dict[str, Any]:
    """The ``survey`` row of ``q`` (its scale or choices go to ``lists``)."""
    row: dict[str, Any] = {"name": q.id, **_label_columns("label", q.label, languages)}
    if q.type.scaled and q.scale is not None:
        s = q.scale
        ln = lists.add(s.id or f"{q.id}_scale", s, _scale_rows(s, languages))
        row["type"] = f"select_one {ln}"
        row["question_type"] = q.type.value
    elif q.type.has_choices:
        rows = [
            {
                "name": c.code,
                **_label_columns("label", c.label, languages),
                "dont_know": "yes" if c.dont_know else "",
            }
            for c in q.choices
        ]
        ln = lists.add(q.id, q.choices, rows)
        kind = "select_one" if q.type is QuestionType.SINGLE else "select_multiple"
        row["type"] = f"{kind} {ln}"
        row["question_type"] = ""
    elif q.type is QuestionType.NUMERIC:
        row["type"] = "decimal"
        row["question_type"] = ""
    else:
        row["type"] = "text"
        row["question_type"] = ""
    row.update(
        {
            **_label_columns("hint", q.hint, languages),
            "relevant": q.relevant or "",
            "constraint": q.constraint or "",
            **_label_columns("constraint_message", q.constraint_message, languages),
            "required": "yes" if q.required else "",
            "dimension": q.dimension or "",
            "reverse": "yes" if q.reverse else "",
            "importance_of": q.importance_of or "",
            "expectation_of": q.expectation_of or "",
            "weight": "" if q.weight is None else repr(q.weight),
            "organizations": " ".join(q.organizations),
        }
    )
    return row


def _scale_rows(s: Scale, languages: Sequence[str]) -> list[dict[str, Any]]:
    """The ``choices`` rows of a scale: its points, then its "don't know" codes."""
    return [
        {
            "name": _format_code(p),
            **_label_columns(
                "label", s.labels[i] if s.labels else Text(_format_code(p)), languages
            ),
            "dont_know": "",
        }
        for i, p in enumerate(s.points)
    ] + [
        {
            "name": _format_code(c),
            **_label_columns(
                "label",
                s.dont_know_labels[i] if s.dont_know_labels else Text(_format_code(c)),
                languages,
            ),
            "dont_know": "yes",
        }
        for i, c in enumerate(s.dont_know)
    ]


def _write_workbook(sheets: Mapping[str, pd.DataFrame], path: Path) -> None:
    """Write the sheets to ``path``, every text as a text cell (never a formula)."""
    from openpyxl import Workbook

    from qualitapa._xlsx import text_cell

    book = Workbook(write_only=True)
    for name, frame in sheets.items():
        ws = book.create_sheet(name)
        ws.append([text_cell(ws, str(c)) for c in frame.columns])
        for row in frame.itertuples(index=False, name=None):
            ws.append([text_cell(ws, str(v)) if _cell({"v": v}, "v") else None for v in row])
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
