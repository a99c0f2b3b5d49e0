"""Core models shared by every part of qualitapa.

Frozen attrs value objects: :class:`Text` (a label in Italian and other languages),
:class:`Service`, :class:`Organization` and :class:`PeerGroup`, plus the
closed sets :class:`Dimension` and :class:`Polarity`.

Parse external data (TOML tables, CSV rows) with the ``from_mapping`` named
constructors, which report the source and field at fault; the plain
``__init__`` validates invariants only.

Examples
--------
>>> from qualitapa.models import Service, Text
>>> s = Service(id="registry", label=Text("Anagrafe", "Civil registry"))
>>> s.label.get("en")
'Civil registry'
>>> Service.from_mapping({"id": "nurseries", "label": {"it": "Nidi d'infanzia"}}).label.get("en")
"Nidi d'infanzia"
"""

from __future__ import annotations

import datetime as dt
import difflib
import enum
import re
import zoneinfo
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import attrs

from qualitapa._languages import fallback_chain as _fallback_chain
from qualitapa._languages import is_language as _is_language
from qualitapa.errors import N_, DataError, DefinitionError, Message, UnknownItemError

if TYPE_CHECKING:
    import pandas as pd

    from qualitapa.catalog import Catalog, Problem

__all__ = [
    "COMPARATOR_ALIASES",
    "DEFAULT_TIMEZONE",
    "ID_PATTERN",
    "MAX_ID_LENGTH",
    "Comparator",
    "Contact",
    "Dataset",
    "Dimension",
    "LocalScope",
    "Office",
    "Organization",
    "PeerGroup",
    "Polarity",
    "Service",
    "Text",
    "check_id",
    "check_organizations",
    "check_pattern",
    "check_table",
    "coerce_comparator",
    "coerce_enum",
    "confined_path",
    "optional_enum",
    "time_zone",
    "to_date",
    "to_optional_text",
    "to_organizations",
    "to_text",
]

#: Ids are lower-case words separated by dots, underscores or hyphens,
#: e.g. ``registry``, ``registry.certificates_per_fte``, ``036023``. The
#: pattern must match the whole id (``fullmatch``: with ``match`` a ``$``
#: also matches before a final newline, and ``"registry\\n"`` would pass).
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9_\-]*(\.[a-z0-9][a-z0-9_\-]*)*")
#: Longest id accepted: ids become file names (reports), sheet names and
#: column values; a 300-character id is a mistake or an attack.
MAX_ID_LENGTH = 100

F = TypeVar("F")  # the type of the field an attrs validator checks
FT = TypeVar("FT", bound=tuple[object, ...])


def check_id(instance: object, attribute: attrs.Attribute[F], value: F) -> None:
    """attrs validator: ``value`` is a well-formed id (see :data:`ID_PATTERN`).

    Examples
    --------
    >>> Service("registry\\n", Text("Anagrafe"))
    Traceback (most recent call last):
    ...
    qualitapa.errors.DefinitionError: 'registry\\n', field 'id': ... is not a valid id: ...
    """
    if isinstance(value, str) and len(value) > MAX_ID_LENGTH:
        raise DefinitionError(
            f"an id has at most {MAX_ID_LENGTH} characters, not {len(value)} ({value[:40]!r}...)",
            item=value[:40] + "...",
            field=attribute.name,
        )
    check_pattern(
        value,
        ID_PATTERN,
        "id",
        "use lower-case letters, digits, '_', '-' and dots between parts "
        "(e.g. 'registry.certificates_per_fte')",
        field=attribute.name,
    )


def check_pattern(
    value: object, pattern: re.Pattern[str], what: str, rule: str, *, field: str
) -> str:
    """Return ``value`` if it is a string that ``pattern`` matches whole, else raise.

    The one check behind every kind of id: catalog ids (:func:`check_id`),
    complaint protocol numbers, question names.

    Parameters
    ----------
    value
        The id to check.
    pattern
        The pattern the whole id must match (``fullmatch``: a final newline fails).
    what
        The kind of id, for the message (``"id"``, ``"complaint id"``).
    rule
        What a valid id looks like, for the message.
    field
        The field the id was given in.

    Returns
    -------
    str
        ``value`` unchanged.

    Raises
    ------
    DefinitionError
        ``value`` is not a string, or ``pattern`` does not match all of it;
        the message names the value, the kind of id and the rule.

    Examples
    --------
    >>> code = re.compile("[a-z][0-9]")
    >>> check_pattern("q1", code, "code", "letter, digit", field="id")
    'q1'
    >>> check_pattern("q1\\n", code, "code", "letter, digit", field="id")
    Traceback (most recent call last):
    ...
    qualitapa.errors.DefinitionError: 'q1\\n', field 'id': ... not a valid code: letter, digit
    """
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise DefinitionError(
            f"{value!r} is not a valid {what}: {rule}", item=str(value), field=field
        )
    return value


class Dimension(enum.StrEnum):
    """The indicator dimensions used by the Q-Club."""

    EFFICIENCY = "efficiency"
    EFFECTIVENESS = "effectiveness"
    QUALITY = "quality"
    IMPACT = "impact"


class Polarity(enum.StrEnum):
    """Which direction of an indicator is better."""

    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"
    NEUTRAL = "neutral"

    @property
    def sign(self) -> int:
        """+1 when higher is better, -1 when lower is better, 0 when neutral."""
        return {"higher_is_better": 1, "lower_is_better": -1, "neutral": 0}[self.value]


class Comparator(enum.StrEnum):
    """How a value is compared with a target (indicator targets, charter standards).

    Each user picks the members it supports: indicator targets the first
    five, charter standards ``>=``, ``<=``, ``==`` and ``between``.
    """

    GE = ">="
    GT = ">"
    LE = "<="
    LT = "<"
    EQ = "=="
    BETWEEN = "between"


#: Words accepted for the comparators (lower case), e.g. ``at_least`` for ``>=``.
COMPARATOR_ALIASES: Mapping[str, str] = {
    "at_least": ">=", "ge": ">=", "min": ">=",
    "gt": ">", "more_than": ">",
    "at_most": "<=", "le": "<=", "max": "<=",
    "lt": "<", "less_than": "<",
    "eq": "==", "=": "==", "equal": "==",
}  # fmt: skip


def coerce_comparator(
    value: object, allowed: tuple[Comparator, ...], *, field: str = "comparator"
) -> Comparator:
    """The :class:`Comparator` ``value`` names (a member, a symbol or an alias), if allowed.

    Raises :class:`DefinitionError` naming ``field`` and the ``allowed`` ones.

    Examples
    --------
    >>> coerce_comparator("At_least", (Comparator.GE, Comparator.LE))
    <Comparator.GE: '>='>
    >>> coerce_comparator(">", (Comparator.GE, Comparator.LE))
    Traceback (most recent call last):
    ...
    qualitapa.errors.DefinitionError: field 'comparator': '>' is not a comparator; use '>=' or '<='
    """
    text = str(value.value if isinstance(value, Comparator) else value).strip().lower()
    text = COMPARATOR_ALIASES.get(text, text)
    if text in {c.value for c in allowed}:
        return Comparator(text)
    names = [repr(c.value) for c in allowed]
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
    raise DefinitionError(f"{value!r} is not a comparator; use {listed}", field=field)


def to_text(value: object) -> Text:
    """attrs converter: a :class:`Text` from a Text, a string or ``{it, en, de, ...}``."""
    return Text.coerce(value)


def to_optional_text(value: object) -> Text | None:
    """attrs converter: like :func:`to_text`, keeping None."""
    return None if value is None else Text.coerce(value)


def to_date(value: object, field: str | None = None) -> dt.date:
    """attrs converter: a date from a date, a datetime (its day) or ``YYYY-MM-DD``.

    Raises :class:`DefinitionError` (naming ``field``) for anything else.

    Examples
    --------
    >>> to_date("2025-01-31")
    datetime.date(2025, 1, 31)
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise DefinitionError(f"{value!r} is not a date (write YYYY-MM-DD)", field=field) from None


E = TypeVar("E", bound=enum.StrEnum)
M = TypeVar("M", bound=attrs.AttrsInstance)


def coerce_enum(cls: type[E], field: str, value: object) -> E:
    """A member of ``cls`` from itself or its (case-insensitive) value.

    A code whose members carry their own labels (a
    :class:`~qualitapa._labelling.LabelledEnum`) is also named by a label in
    any language (``sì`` for ``yes``). Raises :class:`DefinitionError`
    naming ``field`` and the allowed values.

    Examples
    --------
    >>> coerce_enum(Polarity, "polarity", "Higher_is_better")
    <Polarity.HIGHER_IS_BETTER: 'higher_is_better'>
    """
    if isinstance(value, cls):
        return value
    if value is None:
        raise DefinitionError(f"a {field} is required", field=field)
    try:
        return cls(str(value).strip().lower())
    except ValueError:
        # a code whose members carry labels is also named by them (``sì`` for ``yes``)
        from_word = getattr(cls, "from_word", None)
        member = from_word(str(value)) if from_word is not None else None
        if member is not None:
            return member
        allowed = ", ".join(repr(m.value) for m in cls)
        raise DefinitionError(
            Message(
                "{value} is not a valid {field}; use one of {allowed}",
                N_("{value} non è un valore ammesso per {field}; usare uno tra {allowed}"),
                value=repr(value),
                field=field,
                allowed=allowed,
            ),
            field=field,
        ) from None


def optional_enum(cls: type[E], field: str, value: object) -> E | None:
    """Like :func:`coerce_enum`, keeping None."""
    return None if value is None else coerce_enum(cls, field, value)


def to_organizations(values: object) -> tuple[str, ...]:
    """attrs converter for a local scope: a tuple of organization ids (None: all).

    Examples
    --------
    >>> to_organizations(["036023"])
    ('036023',)
    >>> to_organizations(None)
    ()
    """
    if values is None:
        return ()
    if isinstance(values, (str, Mapping)) or not isinstance(values, Iterable):
        raise DefinitionError(
            f"organizations is a list of organization ids (e.g. ['036023']), not {values!r}",
            field="organizations",
        )
    return tuple(values)


def check_organizations(instance: object, attribute: attrs.Attribute[FT], value: FT) -> None:
    """attrs validator: organization ids are non-empty text, each listed once."""
    for org in value:
        if not isinstance(org, str) or not org.strip():
            raise DefinitionError(
                f"organization ids are non-empty text (write '036023' in quotes), not {org!r}",
                field="organizations",
            )
    if len(set(value)) != len(value):
        raise DefinitionError("an organization is listed twice", field="organizations")


class LocalScope:
    """The local scope of a catalog item: the organizations it applies to.

    A base class of the items an ``organizations`` field (see
    :func:`to_organizations`) can make local: indicators, quality
    standards, complaint categories, survey questions and datasets. An
    empty ``organizations`` means every organization. A local indicator
    is computed for its organizations and never ranked; a local question is
    asked there and never compared; a local standard applies there (by
    itself: a local variant replaces the general one); a local complaint
    category may be given only to their complaints; a local dataset holds
    their data only.

    Examples
    --------
    >>> d = Dataset("bz", "Bolzano", "bz.csv", "indicators", organizations=["021008"])
    >>> d.is_local, Dataset("all", "Tutti", "all.csv", "indicators").is_local
    (True, False)
    """

    __slots__ = ()
    organizations: tuple[str, ...]

    @property
    def is_local(self) -> bool:
        """Whether the item applies to some organizations only."""
        return bool(self.organizations)

    def applies_to(self, organization: str) -> bool:
        """Whether the item applies to ``organization`` (by itself, before replacements).

        Examples
        --------
        >>> d = Dataset("bz", "Bolzano", "bz.csv", "indicators", organizations=["021008"])
        >>> d.applies_to("021008"), d.applies_to("022205")
        (True, False)
        """
        return not self.organizations or organization in self.organizations


@attrs.frozen(init=False, repr=False)
class Text:
    """A label in Italian (required) and any other languages (optional).

    ``Text(it, en=None, de=None, **others)``: English and German by name or
    position, other languages by their code (``fr="..."``, ``lad="..."``,
    ``de_CH="..."``). :meth:`get` returns the text in a language, else along
    its fallback chain (see :func:`qualitapa.i18n.set_fallbacks`; by default
    every language falls back to Italian). Blank translations count as absent.

    Examples
    --------
    >>> t = Text("Certificati per addetto", "Certificates per FTE", "Bescheinigungen je VZÄ")
    >>> t.get("it"), t.get("en"), t.get("de")
    ('Certificati per addetto', 'Certificates per FTE', 'Bescheinigungen je VZÄ')
    >>> Text("Solo italiano").get("en")
    'Solo italiano'
    >>> lad = Text("Anagrafe", lld="Anagrafe ladina")
    >>> lad.languages, lad.get("lld"), lad.get("fr")
    (('it', 'lld'), 'Anagrafe ladina', 'Anagrafe')
    >>> str(t)
    'Certificati per addetto'
    """

    it: str
    en: str | None = None
    de: str | None = None
    # the languages other than it/en/de, as sorted (code, text) pairs (hashable)
    _others: tuple[tuple[str, str], ...] = ()

    def __init__(
        self, it: str, en: str | None = None, de: str | None = None, **others: str
    ) -> None:
        # attrs.evolve passes the stored pairs back as ``others`` (not a language code)
        extra: object = others.pop("others", ())
        if not isinstance(extra, tuple):
            raise DefinitionError("'others' is not a language code", field="others")
        pairs = dict(extra)
        pairs.update(others)
        if not isinstance(it, str):
            raise DefinitionError(f"the Italian label must be text, not {it!r}", field="it")
        if not it.strip():
            raise DefinitionError("the Italian label must not be empty", field="it")
        for code in pairs:
            if not _is_language(code):
                raise DefinitionError(
                    "a label's languages are codes such as 'it', 'en', 'de' or 'de_IT', "
                    f"not {code!r}",
                    field=str(code),
                )
        kept = {code: _translation(text, code) for code, text in pairs.items()}
        self.__attrs_init__(
            it,
            _translation(en, "en"),
            _translation(de, "de"),
            tuple(sorted((c, v) for c, v in kept.items() if v is not None)),
        )

    @property
    def languages(self) -> tuple[str, ...]:
        """The codes of the languages given, Italian first.

        Examples
        --------
        >>> Text("Nidi", de="Kinderkrippen").languages
        ('it', 'de')
        """
        named = (("en", self.en), ("de", self.de))
        return ("it", *(c for c, v in named if v is not None), *(c for c, _ in self._others))

    def get(self, lang: str = "it") -> str:
        """The text in ``lang``, else in the first language of its fallback chain.

        Parameters
        ----------
        lang
            A language code (``it``, ``en``, ``de``, ``lad``, ``de_IT`` ...).

        Raises
        ------
        OptionError
            ``lang`` is not a well-formed language code.

        Examples
        --------
        >>> Text("Anagrafe", de="Meldeamt").get("de_IT")
        'Meldeamt'
        """
        if lang == "it":
            return self.it
        for code in _fallback_chain(lang):
            text = self._lookup(code)
            if text is not None:
                return text
        return self.it

    def _lookup(self, code: str) -> str | None:
        if code == "it":
            return self.it
        if code == "en":
            return self.en
        if code == "de":
            return self.de
        for other, text in self._others:
            if other == code:
                return text
        return None

    def __str__(self) -> str:
        return self.it

    def __repr__(self) -> str:
        given = ", ".join(f"{c}={v!r}" for c, v in self.to_dict().items())
        return f"Text({given})"

    @classmethod
    def coerce(cls, value: object) -> Text:
        """Build a Text from a Text, a string (Italian) or a mapping ``{it, en, de, ...}``.

        Examples
        --------
        >>> Text.coerce({"it": "Nidi", "de": "Kinderkrippen", "fr": "Crèches"}).get("fr")
        'Crèches'
        """
        if isinstance(value, Text):
            return value
        if isinstance(value, str):
            return cls(value)
        if isinstance(value, Mapping):
            if "it" not in value:
                raise DefinitionError("a label needs an Italian text ('it')", field="it")
            texts = {str(k): v for k, v in value.items()}
            return cls(texts.pop("it"), texts.pop("en", None), texts.pop("de", None), **texts)
        raise DefinitionError(
            f"a label must be a string or a table {{it, en, de, ...}}, not {value!r}"
        )

    def to_dict(self) -> dict[str, str]:
        """``{"it": ..., "en": ..., "de": ..., ...}``: every language given.

        Examples
        --------
        >>> Text("Nidi", "Nurseries").to_dict()
        {'it': 'Nidi', 'en': 'Nurseries'}
        """
        out = {"it": self.it}
        if self.en is not None:
            out["en"] = self.en
        if self.de is not None:
            out["de"] = self.de
        out.update(self._others)
        return out


def _translation(text: object, code: str) -> str | None:
    """A translation as given, None when absent or blank; raise when not text."""
    if text is None:
        return None
    if not isinstance(text, str):
        raise DefinitionError(f"the {code!r} label must be text, not {text!r}", field=code)
    return text if text.strip() else None


def _with_article(noun: str) -> str:
    """``noun`` after its indefinite article: ``"an office"``, ``"a contact"``."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def check_table(mapping: object, kind: str, source: str | None = None) -> None:
    """A definition is a table (a mapping): else a :class:`DefinitionError` naming its kind.

    Parameters
    ----------
    mapping
        What a TOML file or a plugin gave for one definition.
    kind
        The kind of definition, as the message names it (``"scale"``);
        its article is chosen to fit (``"an office"``).
    source
        Where the definition comes from (a file or plugin), for the message.

    Raises
    ------
    DefinitionError
        ``mapping`` is not a mapping.

    Examples
    --------
    >>> check_table({"id": "x"}, "office")
    >>> check_table(["x"], "instrument", "defs.toml")
    Traceback (most recent call last):
    ...
    qualitapa.errors.DefinitionError: defs.toml: an instrument must be a table, not ['x']
    """
    if not isinstance(mapping, Mapping):
        raise DefinitionError(
            f"{_with_article(kind)} must be a table, not {mapping!r}", source=source
        )


def from_mapping(
    cls: type[M],
    mapping: Mapping[str, object],
    *,
    source: str | None = None,
    kind: str | None = None,
    converters: Mapping[str, Callable[[object], object]] | None = None,
) -> M:
    """Build the attrs class ``cls`` from ``mapping``, reporting what is at fault.

    Unknown keys, missing required keys and failing validators become a
    :class:`DefinitionError` naming ``source``, the item id and the field.
    ``converters`` maps field names to callables applied before construction
    (for nested structures).
    """
    kind = kind or cls.__name__
    check_table(mapping, kind, source)
    item = mapping.get("id")
    fields = {f.name: f for f in attrs.fields(cls)}
    unknown = sorted(set(mapping) - set(fields))
    missing = sorted(
        n for n, f in fields.items() if f.default is attrs.NOTHING and f.init and n not in mapping
    )
    what = _with_article(kind)
    for names, problem in (
        (unknown, f"unknown field(s) {unknown} for {what}; allowed: {sorted(fields)}"),
        (missing, f"missing required field(s) {missing} for {what}"),
    ):
        if names:
            raise DefinitionError(
                problem, source=source, item=str(item) if item else None, field=names[0]
            )
    kwargs = dict(mapping)
    for name, conv in (converters or {}).items():
        if name in kwargs:
            try:
                kwargs[name] = conv(kwargs[name])
            except DefinitionError as exc:
                raise DefinitionError(
                    exc.message,
                    source=source or exc.source,
                    item=exc.item or (str(item) if item else None),
                    field=exc.field or name,
                ) from exc
    try:
        return cls(**kwargs)
    except DefinitionError as exc:
        raise DefinitionError(
            exc.message,
            source=source or exc.source,
            item=exc.item or (str(item) if item else None),
            field=exc.field,
        ) from exc
    except (TypeError, ValueError) as exc:
        raise DefinitionError(str(exc), source=source, item=str(item) if item else None) from exc


@attrs.frozen
class Service:
    """A municipal service (or a department delivering it).

    Parameters
    ----------
    id
        Stable id, e.g. ``"registry"`` or ``"registry.civil_status"``.
    label
        Name in Italian and other languages.
    parent
        The service type this one belongs to (e.g. ``"registry"`` for
        ``"civil_status"``), or None for a top-level service type.
    description
        Description in Italian and other languages, optional.

    Examples
    --------
    >>> Service("civil_status", Text("Stato civile", "Civil status"), parent="registry").parent
    'registry'
    """

    id: str = attrs.field(validator=check_id)
    label: Text = attrs.field(converter=to_text)
    parent: str | None = attrs.field(default=None)
    description: Text | None = attrs.field(
        default=None, converter=attrs.converters.optional(to_text)
    )

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, object], *, source: str | None = None) -> Service:
        """Build a Service from a TOML table or dict."""
        return from_mapping(cls, mapping, source=source, kind="service")


#: The time zone of an organization that names none: Italy's.
DEFAULT_TIMEZONE = "Europe/Rome"

#: Zone names that are no place's time zone (the machine's own, a placeholder).
_NOT_A_PLACE = frozenset({"localtime", "posixrules", "Factory"})

#: An e-mail address: a local part, ``@`` and a domain with at least one dot.
_EMAIL = re.compile(r"[^@\s]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)+")
#: A phone number as written: digits, spaces, ``+``, ``.``, ``/``, ``-``, brackets.
_PHONE = re.compile(r"\+?[0-9()][0-9 ./()\-]*[0-9]")
#: A web address: ``https://`` or ``http://`` and a host with at least one dot.
_URL = re.compile(r"https?://[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)+(:[0-9]+)?([/?#]\S*)?")


def time_zone(value: object, *, item: str | None = None) -> zoneinfo.ZoneInfo:
    """The :class:`zoneinfo.ZoneInfo` named ``value``, else a :class:`DefinitionError`.

    The error names the field ``timezone`` (and ``item``) and suggests the
    closest known zone (``"Europe/Roma"``: ``'Europe/Rome'``; ``"Berlin"``:
    ``'Europe/Berlin'``). ``localtime`` is refused: it is the machine's zone,
    not a place's.

    Examples
    --------
    >>> time_zone("Europe/Rome")
    zoneinfo.ZoneInfo(key='Europe/Rome')
    >>> time_zone("Europe/Roma")
    Traceback (most recent call last):
    ...
    qualitapa.errors.DefinitionError: field 'timezone': ... did you mean 'Europe/Rome'?
    """
    if not isinstance(value, str):
        raise DefinitionError(
            f"a time zone is a name such as 'Europe/Rome', not {value!r}",
            item=item,
            field="timezone",
        )
    if value not in _NOT_A_PLACE:
        try:
            return zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
            pass
    zones = zoneinfo.available_timezones() - _NOT_A_PLACE
    if not zones:
        hint = "no time zone database was found: install the 'tzdata' package"
    else:
        close = _closest_zones(value, zones)
        hint = (
            "did you mean " + " or ".join(repr(z) for z in close) + "?"
            if close
            else "write a time zone name such as 'Europe/Rome' (continent/city)"
        )
    raise DefinitionError(
        f"{value!r} is not a known time zone; {hint}", item=item, field="timezone"
    )


def _closest_zones(value: str, zones: Iterable[str]) -> list[str]:
    """The zones closest to ``value``: the same but for case, the same city, else similar."""
    by_lower = {z.lower(): z for z in zones}
    key = value.strip().lower().replace(" ", "_")
    if key in by_lower:
        return [by_lower[key]]
    same_city = sorted(z for low, z in by_lower.items() if low.rsplit("/", 1)[-1] == key)
    if same_city:
        return same_city[:3]
    return [by_lower[c] for c in difflib.get_close_matches(key, sorted(by_lower), n=1)]


def _check_numbers(
    instance: object, attribute: attrs.Attribute[Mapping[str, float]], value: Mapping[str, float]
) -> None:
    """attrs validator: every value of the mapping is a number (not a text, not a boolean)."""
    item = getattr(instance, "id", None)
    for key, number in value.items():
        if not isinstance(key, str) or not key.strip():
            raise DefinitionError(
                f"attribute names are non-empty text, not {key!r}", item=item, field=attribute.name
            )
        if isinstance(number, bool) or not isinstance(number, int | float):
            raise DefinitionError(
                f"attribute {key!r} must be a number, not {number!r}",
                item=item,
                field=f"{attribute.name}.{key}",
            )


def _check_italian_name(item: str, name: object, label: Text | None) -> None:
    """A name is non-empty text, and a label's Italian text is the name."""
    if not isinstance(name, str) or not name.strip():
        raise DefinitionError(
            f"the name must be non-empty text, not {name!r}", item=item, field="name"
        )
    _check_label_is_name(item, name, label)


def _check_label_is_name(item: str, name: object, label: Text | None) -> None:
    """A label's Italian text is the name (in TOML the label may leave ``it`` out)."""
    if label is not None and label.it != name:
        raise DefinitionError(
            f"the Italian name is {name!r} but the label's 'it' is {label.it!r}: "
            "give the same Italian name, or leave 'it' out of the label",
            item=item,
            field="label",
        )


def _name_in_label(mapping: Mapping[str, object]) -> dict[str, object]:
    """``mapping`` with the Italian ``name`` put in a ``label`` table that leaves ``it`` out."""
    data = dict(mapping)
    label = data.get("label")
    if isinstance(label, Mapping) and "it" not in label and isinstance(data.get("name"), str):
        data["label"] = {"it": data["name"], **label}
    return data


class _Named:
    """An item with an Italian ``name`` and an optional ``label`` in other languages.

    A base class of :class:`Office` and :class:`Organization`: both give
    their name in a reader's language the same way.
    """

    __slots__ = ()
    name: str
    label: Text | None

    @property
    def names(self) -> Text:
        """The name in every language given: :attr:`label`, else ``Text(name)``.

        Examples
        --------
        >>> Organization("036023", "Modena").names
        Text(it='Modena')
        >>> Office("036023.centro", "Anagrafe centrale").names
        Text(it='Anagrafe centrale')
        """
        return self.label if self.label is not None else Text(self.name)

    def display_name(self, lang: str = "it") -> str:
        """The name in ``lang``, along its fallback chain (``Bozen`` for Bolzano in German).

        Raises
        ------
        OptionError
            ``lang`` is not a well-formed language code.

        Examples
        --------
        >>> Organization("036023", "Modena").display_name("de")
        'Modena'
        >>> Office("036023.centro", "Anagrafe centrale").display_name("de")
        'Anagrafe centrale'
        """
        return self.names.get(lang)


@attrs.frozen
class Office(_Named):
    """An office of an organization: a branch registry office, a front desk, a URP.

    Parameters
    ----------
    id
        Stable id, unique within the organization; by convention
        ``"<organization id>.<name>"`` (``"021008.gries"``).
    name
        Name in Italian (``"Sportello Gries"``).
    label
        Optional: the name in other languages (``{ de = "Bürgerschalter Gries" }``);
        its Italian text is ``name`` (``it`` may be left out).
    service
        The id of the service the office delivers, if it delivers one:
        ``"registry"`` for a branch registry office (*sportello anagrafico
        decentrato*). Some plugin must define that service.
    address
        Postal address, in Italian and other languages (optional).
    attributes
        Numeric attributes of the office (e.g. ``counters = 3``).

    Examples
    --------
    >>> gries = Office(
    ...     "021008.gries",
    ...     "Sportello Gries",
    ...     label=Text("Sportello Gries", de="Bürgerschalter Gries"),
    ...     service="registry",
    ... )
    >>> gries.display_name("de"), gries.display_name("it"), gries.display_name("en")
    ('Bürgerschalter Gries', 'Sportello Gries', 'Sportello Gries')
    >>> table = {"id": "021008.gries", "name": "Sportello Gries"}
    >>> Office.from_mapping({**table, "label": {"de": "Bürgerschalter Gries"}}).label
    Text(it='Sportello Gries', de='Bürgerschalter Gries')
    """

    id: str = attrs.field(validator=check_id)
    name: str = attrs.field()
    label: Text | None = attrs.field(default=None, converter=to_optional_text)
    service: str | None = attrs.field(default=None, validator=attrs.validators.optional(check_id))
    address: Text | None = attrs.field(default=None, converter=to_optional_text)
    attributes: Mapping[str, float] = attrs.field(
        factory=dict, converter=dict, validator=_check_numbers
    )

    def __attrs_post_init__(self) -> None:
        _check_italian_name(self.id, self.name, self.label)

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, object], *, source: str | None = None) -> Office:
        """Build an Office from a TOML table or dict (``label`` may leave ``it`` out).

        Examples
        --------
        >>> Office.from_mapping({"id": "036023.centro", "name": "Anagrafe centrale"}).name
        'Anagrafe centrale'
        """
        check_table(mapping, "office", source)
        return from_mapping(cls, _name_in_label(mapping), source=source, kind="office")


@attrs.frozen
class Contact:
    """How to reach an organization for one purpose: its quality office, its URP...

    Parameters
    ----------
    role
        What the contact is for, as an id: ``"quality_office"``, ``"urp"``
        (*Ufficio relazioni con il pubblico*), ``"complaints"``...
    label
        Name of the contact in Italian and other languages (optional).
    email
        E-mail address (``"qualita@comune.bolzano.it"``).
    phone
        Phone number as written (``"0471 997111"``).
    url
        Web page, starting with ``https://`` (or ``http://``).

    A contact gives at least one of ``email``, ``phone`` and ``url``.

    Examples
    --------
    >>> Contact("urp", email="urp@comune.modena.it", phone="059 2032000").email
    'urp@comune.modena.it'
    >>> Contact("urp", email="urp.comune.modena.it")
    Traceback (most recent call last):
    ...
    qualitapa.errors.DefinitionError: 'urp', field 'email': 'urp.comune.modena.it' is not ...
    """

    role: str = attrs.field(validator=check_id)
    label: Text | None = attrs.field(default=None, converter=to_optional_text)
    email: str | None = attrs.field(default=None)
    phone: str | None = attrs.field(default=None)
    url: str | None = attrs.field(default=None)

    @email.validator
    def _check_email(self, attribute: attrs.Attribute[str | None], value: str | None) -> None:
        if value is not None and (not isinstance(value, str) or not _EMAIL.fullmatch(value)):
            raise DefinitionError(
                f"{value!r} is not an e-mail address (name@domain, e.g. urp@comune.modena.it)",
                item=self.role,
                field="email",
            )

    @phone.validator
    def _check_phone(self, attribute: attrs.Attribute[str | None], value: str | None) -> None:
        if value is not None and (
            not isinstance(value, str)
            or not _PHONE.fullmatch(value)
            or sum(c.isdigit() for c in value) < 3
        ):
            raise DefinitionError(
                f"{value!r} is not a phone number (digits, spaces and '+', e.g. "
                "'+39 0471 997111'; write it in quotes)",
                item=self.role,
                field="phone",
            )

    @url.validator
    def _check_url(self, attribute: attrs.Attribute[str | None], value: str | None) -> None:
        if value is not None and (not isinstance(value, str) or not _URL.fullmatch(value)):
            raise DefinitionError(
                f"{value!r} is not a web address: write it whole, starting with https:// "
                "(e.g. https://www.comune.modena.it/urp)",
                item=self.role,
                field="url",
            )

    def __attrs_post_init__(self) -> None:
        if self.email is None and self.phone is None and self.url is None:
            raise DefinitionError(
                "a contact gives at least one of email, phone and url", item=self.role
            )

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, object], *, source: str | None = None) -> Contact:
        """Build a Contact from a TOML table or dict.

        Examples
        --------
        >>> Contact.from_mapping({"role": "urp", "url": "https://www.comune.modena.it/urp"}).role
        'urp'
        """
        check_table(mapping, "contact", source)
        item = mapping.get("role")
        try:
            return from_mapping(cls, mapping, source=source, kind="contact")
        except DefinitionError as exc:  # a contact has no id: name it by its role
            if exc.item is not None or not isinstance(item, str):
                raise
            raise DefinitionError(
                exc.message, source=exc.source, item=item, field=exc.field
            ) from exc


def _tables_of(cls: type[Office] | type[Contact], field: str) -> Callable[[object], object]:
    """A converter: ``field``'s array of tables (or of ``cls`` objects) as a tuple of ``cls``.

    An entry's problem names the entry: ``offices[2].name`` (counted from 1).
    """

    def convert(value: object) -> tuple[object, ...]:
        if isinstance(value, str | Mapping) or not isinstance(value, Iterable):
            raise DefinitionError(
                f"{field} is an array of tables ([[organizations.{field}]] or "
                f"{field} = [{{ ... }}]), not {value!r}",
                field=field,
            )
        out: list[object] = []
        for n, entry in enumerate(value, start=1):
            if isinstance(entry, cls):
                out.append(entry)
                continue
            if not isinstance(entry, Mapping):
                raise DefinitionError(
                    f"each entry of {field} is a table, not {entry!r}", field=f"{field}[{n}]"
                )
            try:
                out.append(cls.from_mapping(entry))
            except DefinitionError as exc:
                where = f"{field}[{n}]" + (f".{exc.field}" if exc.field else "")
                what = f"{cls.__name__.lower()} {exc.item!r}: " if exc.item else ""
                raise DefinitionError(what + exc.message, field=where) from exc
        return tuple(out)

    return convert


def _check_instance(item: str, field: str, n: int, cls: type, value: object) -> None:
    """Raise DefinitionError naming ``field[n]`` unless ``value`` is a ``cls``."""
    if not isinstance(value, cls):
        name = cls.__name__
        raise DefinitionError(
            f"{field} are {name} objects ({name}.from_mapping reads a table), not {value!r}",
            item=item,
            field=f"{field}[{n}]",
        )


@attrs.frozen
class Organization(_Named):
    """A municipality (Comune) or other public body: one unit of a benchmark.

    Parameters
    ----------
    id
        Stable id; the ISTAT municipality code is a good choice
        (``"036023"`` is Modena).
    name
        Display name.
    population
        Resident population, used for per-inhabitant indicators as the
        variable ``population``.
    province, region
        Optional; ``province`` is the two-letter code (``"MO"``) used for
        local holidays.
    istat_code
        ISTAT code when ``id`` is something else.
    attributes
        Further numeric attributes (e.g. ``children_0_2``), usable as
        indicator variables.
    label
        Optional: the name in other languages, for a city with an official
        name in more than one (``Text("Bolzano", "Bolzano", "Bozen")``);
        its Italian text is ``name``. Without it the name is the same in
        every language (:attr:`names`, :meth:`display_name`). In TOML,
        ``label = { it = "Bolzano", en = "Bolzano", de = "Bozen" }`` (``it``
        may be left out).
    offices
        Its offices (:class:`Office`), e.g. the branch registry offices;
        ids unique within the organization. In TOML, an
        ``[[organizations.offices]]`` table each, or
        ``offices = [{ id = "...", name = "..." }]``.
    contacts
        How to reach it (:class:`Contact`): quality office, URP, complaints...
        In TOML, an ``[[organizations.contacts]]`` table each.
    timezone
        Its time zone, an IANA name (``"Europe/Rome"``, the default): the
        local time of its offices (:attr:`zone`).

    Examples
    --------
    >>> Organization("036023", "Modena", population=184_739, province="MO").population
    184739
    >>> bz = Organization("021008", "Bolzano", label=Text("Bolzano", de="Bozen"))
    >>> bz.display_name("de"), bz.display_name("it"), bz.display_name("en"), bz.name
    ('Bozen', 'Bolzano', 'Bolzano', 'Bolzano')
    >>> table = {"id": "021008", "name": "Bolzano", "label": {"de": "Bozen"}}
    >>> Organization.from_mapping(table).label
    Text(it='Bolzano', de='Bozen')

    Offices, contacts and time zone:

    >>> bz = Organization.from_mapping({
    ...     "id": "021008", "name": "Bolzano",
    ...     "offices": [{"id": "021008.gries", "name": "Sportello Gries",
    ...                  "label": {"de": "Bürgerschalter Gries"}, "service": "registry"}],
    ...     "contacts": [{"role": "urp", "email": "urp@comune.bolzano.it"}],
    ... })
    >>> bz.office("021008.gries").display_name("de"), bz.contacts[0].email
    ('Bürgerschalter Gries', 'urp@comune.bolzano.it')
    >>> bz.timezone, bz.zone
    ('Europe/Rome', zoneinfo.ZoneInfo(key='Europe/Rome'))
    """

    id: str = attrs.field(validator=check_id)
    name: str = attrs.field(validator=attrs.validators.instance_of(str))
    population: int | None = attrs.field(default=None)
    province: str | None = attrs.field(default=None)
    region: str | None = attrs.field(default=None)
    istat_code: str | None = attrs.field(default=None)
    attributes: Mapping[str, float] = attrs.field(
        factory=dict, converter=dict, validator=_check_numbers
    )
    label: Text | None = attrs.field(default=None, converter=to_optional_text)
    offices: tuple[Office, ...] = attrs.field(default=(), converter=tuple)
    contacts: tuple[Contact, ...] = attrs.field(default=(), converter=tuple)
    timezone: str = attrs.field(default=DEFAULT_TIMEZONE)

    @offices.validator
    def _check_offices(
        self, attribute: attrs.Attribute[tuple[Office, ...]], value: tuple[Office, ...]
    ) -> None:
        seen: set[str] = set()
        for n, office in enumerate(value, start=1):
            _check_instance(self.id, "offices", n, Office, office)
            if office.id in seen:
                raise DefinitionError(
                    f"office {office.id!r} is listed twice: give each office its own id",
                    item=self.id,
                    field=f"offices[{n}].id",
                )
            seen.add(office.id)

    @contacts.validator
    def _check_contacts(
        self, attribute: attrs.Attribute[tuple[Contact, ...]], value: tuple[Contact, ...]
    ) -> None:
        for n, contact in enumerate(value, start=1):
            _check_instance(self.id, "contacts", n, Contact, contact)

    @timezone.validator
    def _check_timezone(self, attribute: attrs.Attribute[str], value: str) -> None:
        time_zone(value, item=self.id)

    @name.validator
    def _check_name(self, attribute: attrs.Attribute[str], value: str) -> None:
        if not value.strip():
            raise DefinitionError("the name must not be empty", item=self.id, field="name")

    @label.validator
    def _check_label(self, attribute: attrs.Attribute[Text | None], value: Text | None) -> None:
        _check_label_is_name(self.id, self.name, value)

    @population.validator
    def _check_population(self, attribute: attrs.Attribute[int | None], value: int | None) -> None:
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or value < 0
        ):
            raise DefinitionError(
                f"population must be a non-negative integer, not {value!r}",
                item=self.id,
                field="population",
            )

    @classmethod
    def from_mapping(
        cls, mapping: Mapping[str, object], *, source: str | None = None
    ) -> Organization:
        """Build an Organization from a TOML table or dict (ids may be given as numbers).

        ``offices`` and ``contacts`` are arrays of tables; a problem in one
        names it (field ``offices[2].name``, counted from 1).
        """
        check_table(mapping, "organization", source)
        data = _name_in_label(mapping)  # the Italian name is ``name``
        for key in ("id", "istat_code"):
            if isinstance(data.get(key), int):
                data[key] = f"{data[key]:06d}"
        return from_mapping(
            cls,
            data,
            source=source,
            kind="organization",
            converters={
                "offices": _tables_of(Office, "offices"),
                "contacts": _tables_of(Contact, "contacts"),
            },
        )

    def office(self, office_id: str) -> Office:
        """The office with id ``office_id``.

        Raises
        ------
        UnknownItemError
            No office has that id; the message suggests the closest ids (and
            ``"<organization id>.<name>"`` for a bare name).

        Examples
        --------
        >>> bz = Organization("021008", "Bolzano", offices=[Office("021008.gries", "Gries")])
        >>> bz.office("021008.gries").name
        'Gries'
        >>> bz.office("gries")
        Traceback (most recent call last):
        ...
        qualitapa.errors.UnknownItemError: unknown office 'gries'; did you mean '021008.gries'?
        """
        for office in self.offices:
            if office.id == office_id:
                return office
        ids = [o.id for o in self.offices]
        close = [i for i in ids if i.endswith(f".{office_id}")]
        close += [i for i in difflib.get_close_matches(str(office_id), ids, n=3) if i not in close]
        raise UnknownItemError("office", str(office_id), suggestions=close[:3])

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The time zone (:attr:`timezone`) as a :class:`zoneinfo.ZoneInfo`.

        Examples
        --------
        >>> import datetime as dt
        >>> noon = dt.datetime(2025, 7, 1, 10, 0, tzinfo=dt.timezone.utc)
        >>> noon.astimezone(Organization("036023", "Modena").zone).hour
        12
        """
        return time_zone(self.timezone, item=self.id)

    def check(self, catalog: Catalog) -> list[Problem]:
        """Problems against ``catalog``: an office's service that no plugin defines.

        Each names the field (``offices[1].service``) and suggests the
        closest service the catalog defines.
        """
        from qualitapa.catalog import _unknown_reference

        services = getattr(catalog, "services", {})
        return [
            _unknown_reference(
                None,
                "organization",
                self.id,
                f"offices[{n}].service",
                office.service,
                services,
                detail=f" (office {office.id!r})",
            )
            for n, office in enumerate(self.offices, start=1)
            if office.service is not None and office.service not in services
        ]

    def variables(self) -> dict[str, float]:
        """Numeric variables this record offers to indicator formulas."""
        out = dict(self.attributes)
        if self.population is not None:
            out["population"] = float(self.population)
        return out


def _to_class_labels(value: object) -> dict[str, Text]:
    """``{class: label}`` with each label a :class:`Text` (a table of tables in TOML)."""
    if not isinstance(value, Mapping):
        raise DefinitionError(
            f"class_labels is a table of class name -> label, not {type(value).__name__}",
            field="class_labels",
        )
    return {str(k): to_text(v) for k, v in value.items()}


@attrs.frozen
class PeerGroup:
    """A grouping of organizations for benchmarking among peers.

    Either explicit ``members`` (organization id -> group label) or
    population ``breaks`` (upper bounds of population classes, with one
    more ``labels`` entry than ``breaks``).

    Parameters
    ----------
    id
        Stable id, e.g. ``"qclub.size"``.
    label
        Name in Italian and other languages.
    members
        Organization id -> the label of its group (``{ "036023" = "large" }``).
    breaks
        Increasing upper bounds of the population classes (right-closed:
        with ``breaks = [100000]`` a city of exactly 100,000 is in the first
        class); instead of ``members``.
    labels
        The names of the population classes, one more than ``breaks``.
    class_labels
        What a reader sees for each class (of ``labels`` or ``members``): the
        class name -> its label in Italian and other languages, as the other
        labels (``class_labels = { medium = { it = "città medie", de =
        "mittelgroße Städte" } }``). A class without one is shown by its name.

    Examples
    --------
    >>> pg = PeerGroup("size", Text("Classe demografica", "Population class"),
    ...                breaks=(100_000, 250_000), labels=("small", "medium", "large"),
    ...                class_labels={"small": {"it": "piccoli", "de": "kleine"}})
    >>> pg.assign({"a": 90_000, "b": 250_000, "c": 1_300_000})
    {'a': 'small', 'b': 'medium', 'c': 'large'}
    >>> pg.class_label("small").get("de"), pg.class_label("large").get("de")
    ('kleine', 'large')
    """

    id: str = attrs.field(validator=check_id)
    label: Text = attrs.field(converter=to_text)
    members: Mapping[str, str] = attrs.field(factory=dict, converter=dict)
    breaks: tuple[float, ...] = attrs.field(default=(), converter=tuple)
    labels: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    class_labels: Mapping[str, Text] = attrs.field(factory=dict, converter=_to_class_labels)

    def __attrs_post_init__(self) -> None:
        classes = set(self.labels) | set(self.members.values())
        if unknown := sorted(set(self.class_labels) - classes):
            raise DefinitionError(
                f"class_labels names classes the peer group does not have: {unknown}; "
                f"its classes are {sorted(classes)}",
                item=self.id,
                field="class_labels",
            )
        if bool(self.members) == bool(self.breaks):
            raise DefinitionError(
                "a peer group has either 'members' or population 'breaks'", item=self.id
            )
        if self.breaks:
            if list(self.breaks) != sorted(self.breaks):
                raise DefinitionError("breaks must be increasing", item=self.id, field="breaks")
            if len(self.labels) != len(self.breaks) + 1:
                raise DefinitionError(
                    f"{len(self.breaks)} breaks need {len(self.breaks) + 1} labels",
                    item=self.id,
                    field="labels",
                )

    def class_label(self, name: str) -> Text:
        """The label of class ``name`` (its name as an Italian text when it has none)."""
        return self.class_labels.get(name) or Text(name)

    def assign(self, populations: Mapping[str, float | None]) -> dict[str, str]:
        """Group label of each organization (population classes are right-closed)."""
        if self.members:
            return {org: self.members[org] for org in populations if org in self.members}
        import numpy as np

        orgs = [o for o, p in populations.items() if p is not None]
        pops = np.array([populations[o] for o in orgs], dtype=float)
        idx = np.searchsorted(np.asarray(self.breaks, dtype=float), pops, side="left")
        return {o: self.labels[i] for o, i in zip(orgs, idx, strict=True)}

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, object], *, source: str | None = None) -> PeerGroup:
        """Build a PeerGroup from a TOML table or dict."""
        return from_mapping(cls, mapping, source=source, kind="peer group")


def confined_path(raw: object, base_dir: str | Path) -> Path:
    """The file ``raw`` names relative to ``base_dir``, refused if it leaves that folder.

    Symbolic links are resolved (a link inside the folder pointing outside
    is refused too); absolute paths are refused.

    Examples
    --------
    >>> import tempfile
    >>> base = Path(tempfile.mkdtemp())
    >>> confined_path("demo/raw.csv", base) == (base / "demo" / "raw.csv").resolve()
    True
    >>> confined_path("../../etc/passwd", base)
    Traceback (most recent call last):
    ...
    qualitapa.errors.DefinitionError: ... is outside the folder of the definitions ...
    """
    if not isinstance(raw, (str, Path)) or not str(raw).strip() or "\x00" in str(raw):
        raise DefinitionError(f"a dataset path is a non-empty relative path, not {raw!r}")
    path = Path(raw)
    if path.is_absolute():
        raise DefinitionError(
            f"absolute path {str(raw)!r} refused: give the path relative to the folder of "
            "the definitions file (data files ship inside the plugin)"
        )
    root = Path(base_dir).resolve()
    try:
        real = (root / path).resolve()
    except (OSError, RuntimeError) as exc:  # a symbolic-link loop
        raise DefinitionError(f"cannot resolve path {str(raw)!r}: {exc}") from None
    if not real.is_relative_to(root):
        raise DefinitionError(
            f"path {str(raw)!r} is outside the folder of the definitions file ({root}), "
            "once '..' and symbolic links are resolved: data files ship inside the plugin"
        )
    return real


def _check_flag(instance: object, attribute: attrs.Attribute[bool], value: object) -> None:
    """A true/false field is a bool (TOML ``true``/``false``), not text or a number."""
    if not isinstance(value, bool):
        raise DefinitionError(
            f"{attribute.name} is true or false, not {value!r}",
            item=getattr(instance, "id", None),
            field=attribute.name,
        )


#: The fields of a survey's sampling design (a dataset's ``design`` table): the
#: arguments of ``qualitapa.surveys.SurveyDesign.from_frame``.
DESIGN_FIELDS = ("weights", "strata", "clusters", "fpc", "nest", "lonely_psu")


def _to_design(value: object) -> dict[str, str | bool] | None:
    """A dataset's ``design``: a table of :data:`DESIGN_FIELDS` (None when not given)."""
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise DefinitionError(
            f"design is a table (strata = ..., clusters = ...), not {value!r}", field="design"
        )
    unknown = sorted(set(value) - set(DESIGN_FIELDS))
    if unknown:
        raise DefinitionError(
            f"unknown field(s) {unknown} of the design; allowed: {list(DESIGN_FIELDS)}",
            field="design",
        )
    return {str(k): v for k, v in value.items()}  # the values are checked where used


@attrs.frozen
class Dataset(LocalScope):
    """A data file a plugin ships: demo data, reference data, templates.

    Parameters
    ----------
    id
        Stable id, e.g. ``"qclub.demo.indicators"``.
    label
        Description in Italian and other languages for listings.
    path
        Where the file (or folder) is; in TOML, relative to the folder of
        the TOML file, and inside it.
    kind
        What the data is, so tools can find it: ``indicator_data`` (tidy
        ``organization, period, variable, value``), ``survey_responses``,
        ``complaints``, ``complaint_events``, ``deliveries``, ``caf_scores``,
        ``invoices``... (free text; these are the conventions of the Q-Club
        plugins).
    service
        The service the data belongs to, if any.
    instrument
        For survey responses: the id of the questionnaire they answer.
    synthetic
        True for generated demonstration data, never to be mistaken for
        real figures.
    description
        Longer description in Italian and other languages (what the file
        holds, its source).
    organizations
        Ids of the organizations whose data the file holds; empty (the
        default): any. A city's plugin ships its own data as a *local*
        dataset: :meth:`read` refuses a row of another organization, so
        the data of two plugins read together cannot overlap by mistake.
    published
        False keeps the dataset out of the public quality portal
        (``qualitapa site build``); the members' build (``--members``) lists
        it. Default True (new in 0.3.0).
    design
        For survey responses: the sampling design of the round, a table of
        column names as ``SurveyDesign.from_frame`` takes them (``strata``,
        ``clusters``, ``fpc``, ``weights``; ``nest``, ``lonely_psu``), e.g.
        ``{strata = "sportello", clusters = "date", nest = true}``. The
        demo scores such responses with their design (new in 0.3.0).

    Examples
    --------
    >>> d = Dataset("x.demo", Text("Dati dimostrativi", "Demo data"), path="demo.csv",
    ...             kind="indicator_data", synthetic=True)
    >>> d.path.name, d.published
    ('demo.csv', True)
    >>> Dataset.from_mapping({"id": "x.draft", "label": "Bozza", "path": "d.csv",
    ...                       "kind": "indicator_data", "published": False}).published
    False
    """

    id: str = attrs.field(validator=check_id)
    label: Text = attrs.field(converter=to_text)
    path: Path = attrs.field(converter=Path)
    kind: str = attrs.field(validator=attrs.validators.instance_of(str))
    service: str | None = attrs.field(default=None)
    instrument: str | None = attrs.field(default=None)
    synthetic: bool = attrs.field(default=False)
    description: Text | None = attrs.field(
        default=None, converter=attrs.converters.optional(to_text)
    )
    organizations: tuple[str, ...] = attrs.field(
        default=(), converter=to_organizations, validator=check_organizations
    )
    published: bool = attrs.field(default=True, validator=_check_flag)
    design: dict[str, str | bool] | None = attrs.field(default=None, converter=_to_design)

    def read(self, **options: object) -> pd.DataFrame:
        """The table of the file, read by :func:`qualitapa.io.read_table` with ``options``.

        Raises
        ------
        DataError
            For a local dataset: rows of an ``organization`` not in
            :attr:`organizations` (the first row, and every one in
            ``failure_cases``).

        Examples
        --------
        >>> import tempfile, pathlib
        >>> f = pathlib.Path(tempfile.mkdtemp()) / "bz.csv"
        >>> _ = f.write_text("organization,period,variable,value\\n021008,2024,staff,10\\n")
        >>> Dataset("bz.demo", "Dati di Bolzano", f, "indicator_data",
        ...         organizations=["021008"]).read()["organization"].tolist()
        ['021008']
        """
        import numpy as np
        import pandas as pd

        from qualitapa.io import read_table

        table = read_table(self.path, **options)  # type: ignore[arg-type]
        if not self.organizations or "organization" not in table.columns:
            return table
        codes = table["organization"].astype("string")
        outside = ~codes.isin(self.organizations) & codes.notna()
        if outside.any():
            rows = np.flatnonzero(outside.to_numpy())
            first = codes.iloc[rows[0]]
            cases = pd.DataFrame(
                {"row": rows + 1, "column": "organization", "value": codes.iloc[rows].to_numpy()}
            )
            raise DataError(
                f"dataset {self.id!r} holds the data of {list(self.organizations)} only, "
                f"but row {rows[0] + 1} is of organization {first!r} ({len(rows)} such rows): "
                "move those rows to the dataset of their organization, or list it in the "
                "dataset's organizations",
                source=str(self.path),
                row=int(rows[0] + 1),
                column="organization",
                failure_cases=cases,
            )
        return table

    @classmethod
    def from_mapping(
        cls,
        mapping: Mapping[str, object],
        *,
        source: str | None = None,
        base_dir: Path | None = None,
    ) -> Dataset:
        """Build a Dataset from a TOML table; ``path`` is relative to ``base_dir``.

        With ``base_dir`` (the folder of the TOML file) the path must be
        relative and stay inside that folder once symbolic links are
        resolved: a TOML plugin is data and cannot make qualitapa read
        ``../../etc/passwd``. The stored path is the resolved one.

        Raises
        ------
        DefinitionError
            An absolute path, or one leading outside ``base_dir``.
        """
        data = dict(mapping)
        if base_dir is not None and "path" in data:
            item = data.get("id")
            try:
                data["path"] = confined_path(data["path"], base_dir)
            except DefinitionError as exc:
                raise DefinitionError(
                    exc.message, source=source, item=str(item) if item else None, field="path"
                ) from None
        return from_mapping(cls, data, source=source, kind="dataset")

    def check(self, catalog: Catalog) -> list[str]:
        """Problems: the file is missing; organizations no plugin registers."""
        problems = [] if self.path.exists() else [f"data file {self.path} does not exist"]
        known = getattr(catalog, "organizations", {})
        problems += [  # the catalog adds the closest id (Catalog.check)
            f"organization {org!r} is not registered by any plugin"
            for org in self.organizations
            if org not in known
        ]
        return problems
