"""Result tables with the names and labels of their ids, in one language.

A result table names things by their stable ids (``organization`` =
``021008``, ``indicator`` = ``registry.average_wait``). For people (an Excel
sheet, a CSV opened in a spreadsheet, the command line's tables) each id
column the catalog knows gets, right after it, the name or label in the
reader's language: ``organization_name`` (``Bozen`` in German),
``indicator_label``, ``service_label``, ``category_label``... The id column
stays as it is, so the table joins and reads back the same in every
language; only the label values change with the language.

A closed set of codes whose members carry their own labels is a
:class:`LabelledEnum` (the programme's sheets, an improvement action's
source and status).

Examples
--------
>>> import pandas as pd
>>> from qualitapa.models import Organization, Text
>>> orgs = {"021008": Organization("021008", "Bolzano", label=Text("Bolzano", de="Bozen"))}
>>> frame = pd.DataFrame({"organization": ["021008"], "value": [1.5]})
>>> label_columns(frame, orgs, "de", kinds=("organizations",))
  organization organization_name  value
0       021008             Bozen    1.5
"""

from __future__ import annotations

import enum
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Self

import pandas as pd

from qualitapa._languages import check_language
from qualitapa._organizations import items_of, organization_names
from qualitapa.i18n import N_
from qualitapa.models import Text


class LabelledEnum(enum.StrEnum):
    """A code of the programme's sheets whose members carry their own labels.

    Each member is declared with its value and its :class:`~qualitapa.models.Text`
    (Italian required, German and English): ``DONE = "done", Text("conclusa",
    en="done", de="abgeschlossen")``. The label belongs to the member, so two
    codes that share a value (``internal`` audit, ``internal`` course) keep
    their own labels, which a mapping keyed by members cannot do (a
    :class:`enum.StrEnum` member hashes and compares equal to its value).
    ``Kind("value")`` finds a member by its value as usual.

    Examples
    --------
    >>> class Status(LabelledEnum):
    ...     DONE = "done", Text("conclusa", en="done", de="abgeschlossen")
    >>> Status.DONE.label.get("it"), Status("done").label.get("de"), Status.DONE == "done"
    ('conclusa', 'abgeschlossen', True)
    """

    _value_: str
    _label: Text

    def __new__(cls, value: str, label: Text | None = None) -> Self:
        # Called once per member when the class is built (a lookup by value,
        # ``Kind("done")``, goes through Enum.__new__ instead).
        if not isinstance(label, Text):
            raise TypeError(f"{cls.__name__} {value!r}: a Text label is required")
        member = str.__new__(cls, value)
        member._value_ = value
        member._label = label
        return member

    @property
    def label(self) -> Text:
        """The code's label in Italian, German and English."""
        return self._label

    @classmethod
    def from_word(cls, word: str) -> Self | None:
        """The member a cell names by its code or by its label in any language.

        Case, surrounding blanks and accents do not matter (``SI``, ``sì``,
        ``ja`` and ``yes`` all name the same member); None when the word
        names no member, or names more than one (a label two members share).

        Examples
        --------
        >>> class Answer(LabelledEnum):
        ...     YES = "yes", Text("sì", en="yes", de="ja")
        ...     NO = "no", Text("no", en="no", de="nein")
        >>> Answer.from_word(" SI "), Answer.from_word("Nein"), Answer.from_word("forse")
        (<Answer.YES: 'yes'>, <Answer.NO: 'no'>, None)
        """
        found = {m for m in cls if plain_word(word) in m.words()}
        return found.pop() if len(found) == 1 else None

    def words(self) -> frozenset[str]:
        """The code and its labels in every language, as :func:`plain_word` gives them."""
        label = self._label
        texts = (self.value, label.it, label.en, label.de, *(v for _, v in label._others))
        return frozenset(plain_word(t) for t in texts if t)


def plain_word(word: str) -> str:
    """A word compared loosely: without surrounding blanks, case and accents.

    Examples
    --------
    >>> plain_word("  Sì "), plain_word("Ausgefüllt")
    ('si', 'ausgefullt')
    """
    decomposed = unicodedata.normalize("NFKD", str(word).strip().casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


#: How people reach an office (a complaint's channel, a charter's contact
#: points), by id -> the Italian word, a msgid (N_ marks it for the catalogs).
CHANNEL_WORDS: Mapping[str, str] = {
    "counter": N_("sportello"),
    "phone": N_("telefono"),
    "email": N_("posta elettronica"),
    "pec": N_("PEC"),
    "web": N_("sito web"),
    "online": N_("servizi online"),
    "app": N_("app"),
    "letter": N_("lettera"),
    "post": N_("lettera"),
    "appointment": N_("sportello su appuntamento"),
    "social": N_("social network"),
}

#: A complaint's kind, status and history verb (qualitapa.complaints) -> the Italian
#: word, a msgid: said in the CLI and in import problems.
KIND_WORDS: Mapping[str, str] = {
    "complaint": N_("reclamo"),
    "fault_report": N_("segnalazione"),
    "suggestion": N_("suggerimento"),
    "praise": N_("encomio"),
}
#: Statuses of a complaint -> their word (Italian msgids).
STATUS_WORDS: Mapping[str, str] = {
    "received": N_("ricevuto"),
    "registered": N_("protocollato"),
    "assigned": N_("assegnato"),
    "in_progress": N_("in lavorazione"),
    "suspended": N_("sospeso"),
    "answered": N_("risposto"),
    "closed": N_("chiuso"),
    "reopened": N_("riaperto"),
    "forwarded": N_("inoltrato"),
    "rejected": N_("respinto"),
}
#: The verbs of a history's events -> their word (Italian msgids).
ACTION_WORDS: Mapping[str, str] = {
    "receive": N_("ricezione"),
    "register": N_("protocollazione"),
    "assign": N_("assegnazione"),
    "start": N_("presa in carico"),
    "suspend": N_("sospensione"),
    "answer": N_("risposta"),
    "close": N_("chiusura"),
    "reopen": N_("riapertura"),
    "forward": N_("inoltro"),
    "reject": N_("rigetto"),
}
#: id column -> (the column added after it, the catalog collection naming its ids).
LABEL_COLUMNS: Mapping[str, tuple[str, str]] = {
    "organization": ("organization_name", "organizations"),
    "service": ("service_label", "services"),
    "indicator": ("indicator_label", "indicators"),
    "composite": ("composite_label", "composites"),
    "category": ("category_label", "complaint_categories"),
    "standard": ("standard_label", "standards"),
    "instrument": ("instrument_label", "instruments"),
}


def labels_of(items: object, lang: str = "it") -> dict[str, str]:
    """Item id -> its label (organizations: their name) in ``lang``.

    ``items`` is a mapping id -> item or an iterable of items, each with a
    ``label`` (:class:`~qualitapa.models.Text` or text) or, for
    organizations, a ``display_name``.

    Examples
    --------
    >>> from qualitapa.models import Service
    >>> labels_of([Service("registry", Text("Anagrafe", de="Meldeamt"))], "de")
    {'registry': 'Meldeamt'}
    """
    check_language(lang, "lang")
    out: dict[str, str] = {}
    for item in items_of(items):
        code = str(getattr(item, "id", ""))
        shown = getattr(item, "display_name", None)
        label = getattr(item, "label", None)
        if callable(shown):
            out[code] = str(shown(lang))
        elif isinstance(label, Text):
            out[code] = label.get(lang)
        elif label is not None:
            out[code] = str(label)
    return out


def _collection(source: object, kind: str) -> object:
    """The items of ``kind`` in a catalog, or ``source`` itself when it is not a catalog."""
    collection = getattr(source, "collection", None)
    if callable(collection):
        try:
            found: object = collection(kind)
        except KeyError:
            return {}
        return found
    return source


def label_columns(
    frame: pd.DataFrame,
    catalog: object,
    lang: str = "it",
    *,
    kinds: Sequence[str] | None = None,
    names: Mapping[str, str | Text] | None = None,
) -> pd.DataFrame:
    """A copy of ``frame`` with the label of each id column in ``lang`` right after it.

    Parameters
    ----------
    frame
        A result table (not changed).
    catalog
        A :class:`~qualitapa.Catalog`, or (with one ``kinds``) a mapping
        id -> item or a list of items; None adds nothing.
    lang
        The language of the labels (``it``, ``en``, ``de`` or any code, with
        fallback).
    kinds
        The collections to label (``"organizations"``, ``"indicators"``...,
        see :data:`LABEL_COLUMNS`); all by default.
    names
        Organization names that override the catalog's (id -> name, or a
        :class:`~qualitapa.models.Text`).

    Returns
    -------
    DataFrame
        ``frame`` with, after ``organization``, ``organization_name``; after
        ``indicator``, ``indicator_label``; and so on for the columns of
        :data:`LABEL_COLUMNS` whose ids the catalog knows. A label column the
        frame has already is left as it is; an id the catalog lacks gets an
        empty label; a column none of whose ids is known gets no label
        column.

    Raises
    ------
    OptionError
        ``lang`` is not a well-formed language code.
    """
    check_language(lang, "lang")
    out = frame.copy()
    for column, (target, kind) in LABEL_COLUMNS.items():
        if column not in out.columns or target in out.columns:
            continue
        if kinds is not None and kind not in kinds:
            continue
        if kind == "organizations":
            known = (
                organization_names(_collection(catalog, kind), lang) if catalog is not None else {}
            )
            for key, name in (names or {}).items():
                known[str(key)] = name.get(lang) if isinstance(name, Text) else str(name)
        else:
            known = labels_of(_collection(catalog, kind), lang) if catalog is not None else {}
        if not known:
            continue
        ids = out[column].astype("string")
        labels = ids.map(known)
        if not labels.notna().any():
            continue
        out.insert(list(out.columns).index(column) + 1, target, labels.fillna("").astype(object))
    return out
