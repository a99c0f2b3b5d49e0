"""Organizations in data, resolved to the catalog's codes.

Offices write a city as the catalog does (``022205``), by name (``Trento``,
``TRENTO``, ``Forli`` for Forlì) or as a number that lost its leading zeros
in Excel (``22205``). :class:`OrganizationIndex` maps each distinct value of
a column to one catalog code, and says how (a note) when it was not the
code itself; values it cannot map to exactly one code are errors with the
closest names and codes as suggestions. Nothing is guessed: a name shared by
two organizations, or a code that matches none, stays unresolved.

The policy (:meth:`qualitapa.Catalog.resolve_organizations`): when the
catalog defines organizations, every organization in the data must resolve
to one of them; a catalog without organizations takes the data's codes as
they are (a user benchmarking cities no plugin describes).

Examples
--------
>>> from qualitapa.models import Organization
>>> index = OrganizationIndex([Organization("022205", "Trento"), Organization("037006", "Forlì")])
>>> index.resolve(["022205", "trento", "FORLI", "22205", "Trentoo"])
Resolution(codes={'022205': '022205', 'trento': '022205', 'FORLI': '037006', '22205': '022205'},
           notes={'trento': 'name', 'FORLI': 'name', '22205': 'code without its leading zeros'},
           unknown={'Trentoo': ''})
>>> index.suggest("Trentoo")
['Trento (022205)']
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping

import attrs

from qualitapa._languages import check_language
from qualitapa.errors import Message
from qualitapa.i18n import N_
from qualitapa.io import code_text
from qualitapa.models import Organization, Text

_NOT_WORD = re.compile(r"[\W_]+")
_PREFIX = re.compile(r"^(comune|citta|city|stadt|gemeinde|municipality)( di| of| von)? ")


def normalise_name(name: str) -> str:
    """A name as compared: no accents, case or punctuation, no "Comune di".

    Examples
    --------
    >>> normalise_name("  Comune di FORLÌ ")
    'forli'
    >>> normalise_name("Reggio nell'Emilia")
    'reggio nell emilia'
    """
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    words = _NOT_WORD.sub(" ", plain).strip()
    return _PREFIX.sub("", words)


def value_key(value: object) -> str:
    """How :class:`Resolution` names a data value: text as it is, numbers as codes."""
    return value if isinstance(value, str) else code_text(value)


def _names(org: object) -> list[str]:
    """Every name of an organization: its name, its label in every language, aliases."""
    out: list[str] = []
    for value in (
        getattr(org, "name", None),
        getattr(org, "label", None),
        getattr(org, "names", None),
    ):
        if value is None:
            continue
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, Text):
            out.extend(v for v in value.to_dict().values() if v not in out)
        elif isinstance(value, Mapping):
            out.extend(str(v) for v in value.values() if v)
        elif attrs.has(type(value)):  # a Text: one name per language
            out.extend(str(v) for v in attrs.asdict(value).values() if isinstance(v, str) and v)
        elif isinstance(value, Iterable):
            out.extend(str(v) for v in value if v)
        else:
            out.append(str(value))
    return out


def organization_names(organizations: object, lang: str = "it") -> dict[str, str]:
    """Organization id -> its name in ``lang`` (``Bozen`` for Bolzano in German).

    What every report, export and table that names organizations uses: an
    organization's :meth:`~qualitapa.models.Organization.display_name`,
    along the language's fallback chain (by default to the Italian name).

    Parameters
    ----------
    organizations
        A catalog (its ``organizations``), a mapping id -> organization or
        organizations; None gives an empty mapping.
    lang
        A language code (``it``, ``en``, ``de``, ``de_IT``...).

    Raises
    ------
    OptionError
        ``lang`` is not a well-formed language code.

    Examples
    --------
    >>> orgs = [Organization("021008", "Bolzano", label=Text("Bolzano", de="Bozen")),
    ...         Organization("036023", "Modena")]
    >>> organization_names(orgs, "de")
    {'021008': 'Bozen', '036023': 'Modena'}
    """
    check_language(lang, "lang")
    out: dict[str, str] = {}
    for org in items_of(getattr(organizations, "organizations", organizations)):
        shown = getattr(org, "display_name", None)
        name = shown(lang) if callable(shown) else getattr(org, "name", None)
        code = str(getattr(org, "id", ""))
        out[code] = str(name if name else code)
    return out


def items_of(found: object) -> list[object]:
    """The items of a mapping (its values), of an iterable, or none (None, a string).

    Examples
    --------
    >>> items_of({"a": 1}), items_of([2]), items_of(None)
    ([1], [2], [])
    """
    if isinstance(found, Mapping):
        return list(found.values())
    if isinstance(found, Iterable) and not isinstance(found, str | bytes):
        return list(found)
    return []


#: What several organizations share (``how`` a value was matched), in words.
_SHARED_BY = {
    "name": Message("name", N_("il nome")),
    "code without its leading zeros": Message(
        "code without its leading zeros", N_("il codice senza gli zeri iniziali")
    ),
}


@attrs.frozen
class Resolution:
    """How the distinct values of a column resolve.

    ``codes`` maps each resolved value to its catalog code; ``notes`` says
    how the values that were not a catalog code were resolved (``"name"``,
    ``"code without its leading zeros"``, ``"ISTAT code"``); ``unknown``
    maps each unresolved value to why (``""``: no organization has it;
    otherwise, e.g., the name is shared by several).
    """

    codes: dict[str, str]
    notes: dict[str, str]
    unknown: dict[str, str]


class OrganizationIndex:
    """Look up catalog organizations by code, ISTAT code, stripped code and name.

    Parameters
    ----------
    organizations
        The catalog's organizations (objects with ``id`` and ``name``,
        optionally ``istat_code`` and ``names``).
    """

    def __init__(self, organizations: Iterable[Organization]) -> None:
        self.names: dict[str, str] = {}
        self.ids: set[str] = set()
        self._istat: dict[str, str] = {}
        self._stripped: dict[str, set[str]] = {}
        self._by_name: dict[str, set[str]] = {}
        for org in organizations:
            self.ids.add(org.id)
            names = _names(org)
            self.names[org.id] = names[0] if names else org.id
            codes = [org.id]
            istat = getattr(org, "istat_code", None)
            if istat and istat != org.id:
                self._istat[istat] = org.id
                codes.append(istat)
            for code in codes:
                if code.isdigit():
                    self._stripped.setdefault(code.lstrip("0") or "0", set()).add(org.id)
            for name in names:
                key = normalise_name(name)
                if key:
                    self._by_name.setdefault(key, set()).add(org.id)

    def __len__(self) -> int:
        return len(self.ids)

    def label(self, code: str) -> str:
        """``"Name (code)"``, as suggestions and notes show an organization."""
        return f"{self.names.get(code, code)} ({code})"

    def resolve(self, values: Iterable[object]) -> Resolution:
        """Resolve distinct ``values`` (one loop over the distinct values, not the rows)."""
        codes: dict[str, str] = {}
        notes: dict[str, str] = {}
        unknown: dict[str, str] = {}
        for value in values:
            text = code_text(value)
            key = value_key(value)
            if text in self.ids:
                codes[key] = text
                continue
            if text in self._istat:
                codes[key], notes[key] = self._istat[text], "ISTAT code"
                continue
            found: set[str] = set()
            how = ""
            if text.isdigit():
                found, how = (
                    self._stripped.get(text.lstrip("0") or "0", set()),
                    ("code without its leading zeros"),
                )
            if not found:
                found, how = self._by_name.get(normalise_name(text), set()), "name"
            if len(found) == 1:
                codes[key], notes[key] = next(iter(found)), how
            elif len(found) > 1:
                shared = ", ".join(self.label(c) for c in sorted(found))
                unknown[key] = Message(
                    "the {how} of {n} organizations: {shared}",
                    N_("{how} di {n} enti: {shared}"),
                    how=_SHARED_BY[how],
                    n=len(found),
                    shared=shared,
                )
            else:
                unknown[key] = ""
        return Resolution(codes, notes, unknown)

    def suggest(self, value: object, n: int = 3) -> list[str]:
        """The closest organizations to ``value`` by name or code, as ``"Name (code)"``."""
        text = code_text(value)
        candidates = self.resolve([text]).unknown.get(text, "")
        if candidates.startswith("the "):  # a shared name: all of them
            key = normalise_name(text)
            hits = self._by_name.get(key) or self._stripped.get(text.lstrip("0") or "0", set())
            return [self.label(c) for c in sorted(hits)]
        by_name = {normalise_name(self.names[c]): c for c in sorted(self.ids)}
        close = difflib.get_close_matches(normalise_name(text), list(by_name), n=n, cutoff=0.6)
        out = [by_name[k] for k in close]
        for code in difflib.get_close_matches(text, sorted(self.ids), n=n, cutoff=0.6):
            if code not in out:
                out.append(code)
        return [self.label(c) for c in out[:n]]
