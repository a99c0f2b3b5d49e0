"""Units of measurement as translatable labels, with a singular and a plural.

A unit is a label, not a bare English string: ``10 minuti``, ``10 minutes``,
``10 Minuten``; ``1 giorno lavorativo``, ``2 giorni lavorativi``. The built-in
units cover those the plugins' definitions and charters use; a unit given as a
plain string (``unit = "minutes"`` in TOML) is looked up by id or by one of
its aliases (the English strings the definitions use), else taken as an
Italian label.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Literal

import attrs

from qualitapa.models import Text, to_optional_text, to_text

#: How a quantity is written: ``label`` after the number (``10 minuti``),
#: ``percent`` with the locale's percent sign (``82,3%``, ``82,3 %`` in German),
#: ``bare`` as the number alone (a count).
UnitStyle = Literal["label", "percent", "bare"]


def _strings(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(str(v) for v in values)


@attrs.frozen
class Unit:
    """A unit of measurement: its label after 1 (``one``) and after other numbers.

    Parameters
    ----------
    id
        The unit's id (``"minutes"``), empty for an ad-hoc label.
    one, other
        The label after a number that takes the singular (``1 minuto``) and
        after the others (``0,5 minuti``, ``10 minuti``), per language;
        the locale's plural rules choose (CLDR).
    name
        How a table header calls the unit; ``other`` when not given.
    style
        ``"label"`` (default), ``"percent"`` or ``"bare"``: see :data:`UnitStyle`.
    aliases
        Other strings that name this unit in definitions (``"min"``, ``"working days"``).

    Examples
    --------
    >>> u = Unit("minutes", Text("minuto", "minute", "Minute"),
    ...          Text("minuti", "minutes", "Minuten"))
    >>> u.label(1, "de"), u.label(2, "it"), u.title("en")
    ('Minute', 'minuti', 'minutes')
    """

    id: str
    one: Text = attrs.field(converter=to_text)
    other: Text = attrs.field(converter=to_text)
    name: Text | None = attrs.field(default=None, converter=to_optional_text)
    style: UnitStyle = "label"
    aliases: tuple[str, ...] = attrs.field(default=(), converter=_strings)

    @classmethod
    def from_label(cls, label: Text) -> Unit:
        """An ad-hoc unit whose label is the same after any number.

        Examples
        --------
        >>> Unit.from_label(Text("ore di apertura")).label(1, "de")
        'ore di apertura'
        """
        return cls("", label, label)

    def label(self, category: int | str, lang: str = "it") -> str:
        """The label after a number: ``category`` 1 or ``"one"`` takes the singular.

        ``category`` is a CLDR plural category (``"one"``, ``"other"``,
        ``"many"`` ...) or a whole number (1 is singular).
        """
        single = category == 1 or category == "one"
        return (self.one if single else self.other).get(lang)

    def title(self, lang: str = "it") -> str:
        """How a table header calls the unit (``name``, else the plural label)."""
        return (self.name or self.other).get(lang)


def _u(
    id: str,
    one: tuple[str, str, str],
    other: tuple[str, str, str] | None = None,
    *,
    aliases: tuple[str, ...] = (),
    style: UnitStyle = "label",
    name: tuple[str, str, str] | None = None,
) -> Unit:
    return Unit(
        id,
        Text(*one),
        Text(*(other or one)),
        name=Text(*name) if name else None,
        style=style,
        aliases=aliases,
    )


_FTE = ("addetto (ETP)", "FTE", "VZÄ")
_BUILT_IN = (
    # bare numbers and percentages
    _u(
        "count",
        ("numero", "number", "Anzahl"),
        style="bare",
        aliases=("n", "number", "numero"),
    ),
    _u(
        "percent",
        ("%", "%", "%"),
        style="percent",
        aliases=("%", "percentage", "per cent", "percentuale"),
        name=("%", "%", "%"),
    ),
    # a 0-100 index (survey satisfaction indices)
    _u(
        "points",
        ("punto", "point", "Punkt"),
        ("punti", "points", "Punkte"),
        aliases=("0-100", "points", "punti"),
        name=("punti (0-100)", "points (0-100)", "Punkte (0-100)"),
    ),
    # time
    _u(
        "minutes",
        ("minuto", "minute", "Minute"),
        ("minuti", "minutes", "Minuten"),
        aliases=("min", "minute", "minuti"),
    ),
    _u(
        "hours",
        ("ora", "hour", "Stunde"),
        ("ore", "hours", "Stunden"),
        aliases=("hour", "h", "ore"),
    ),
    _u("days", ("giorno", "day", "Tag"), ("giorni", "days", "Tage"), aliases=("day", "giorni")),
    _u(
        "working_days",
        ("giorno lavorativo", "working day", "Arbeitstag"),
        ("giorni lavorativi", "working days", "Arbeitstage"),
        aliases=("working days", "working day", "giorni lavorativi"),
    ),
    _u("years", ("anno", "year", "Jahr"), ("anni", "years", "Jahre"), aliases=("year", "anni")),
    _u(
        "hours_per_week",
        ("ora settimanale", "hour per week", "Wochenstunde"),
        ("ore settimanali", "hours per week", "Wochenstunden"),
        aliases=("hours per week", "ore settimanali"),
    ),
    _u(
        "hours_per_employee",
        ("ora per dipendente", "hour per employee", "Stunde je Bediensteten"),
        ("ore per dipendente", "hours per employee", "Stunden je Bediensteten"),
        aliases=("hours per employee",),
    ),
    _u(
        "meetings_per_year",
        ("incontro all'anno", "meeting per year", "Treffen im Jahr"),
        ("incontri all'anno", "meetings per year", "Treffen im Jahr"),
        aliases=("meetings per year",),
    ),
    # money
    _u("euro", ("euro", "euro", "Euro"), ("euro", "euros", "Euro"), aliases=("EUR", "€", "eur")),
    _u(
        "euro_per_inhabitant",
        ("euro per abitante", "euro per inhabitant", "Euro je Einwohner"),
        ("euro per abitante", "euros per inhabitant", "Euro je Einwohner"),
        aliases=("EUR per inhabitant",),
    ),
    _u(
        "euro_per_child",
        ("euro per bambino", "euro per child", "Euro je Kind"),
        ("euro per bambino", "euros per child", "Euro je Kind"),
        aliases=("EUR per child",),
    ),
    _u(
        "euro_per_loan",
        ("euro per prestito", "euro per loan", "Euro je Entlehnung"),
        ("euro per prestito", "euros per loan", "Euro je Entlehnung"),
        aliases=("EUR per loan",),
    ),
    _u(
        "euro_per_employee",
        ("euro per dipendente", "euro per employee", "Euro je Bediensteten"),
        ("euro per dipendente", "euros per employee", "Euro je Bediensteten"),
        aliases=("EUR per employee",),
    ),
    _u("euro_days", ("euro × giorni", "EUR × days", "Euro × Tage"), aliases=("EUR x days",)),
    # rates
    _u(
        "per_1000",
        ("per 1.000 abitanti", "per 1,000 inhabitants", "je 1.000 Einwohner"),
        aliases=("per 1,000 inhabitants", "per 1000 inhabitants", "per 1.000 abitanti"),
    ),
    _u(
        "per_10000",
        ("per 10.000 abitanti", "per 10,000 inhabitants", "je 10.000 Einwohner"),
        aliases=("per 10,000 inhabitants", "per 10000 inhabitants", "per 10.000 abitanti"),
    ),
    # staff
    _u("fte", _FTE, ("addetti (ETP)", "FTE", "VZÄ"), aliases=("FTE", "ETP")),
    _u(
        "fte_per_10000",
        (
            "addetti (ETP) per 10.000 abitanti",
            "FTE per 10,000 inhabitants",
            "VZÄ je 10.000 Einwohner",
        ),
        aliases=("FTE per 10,000 inhabitants",),
    ),
    _u(
        "residents_per_fte",
        ("residente per addetto (ETP)", "resident per FTE", "Einwohner je VZÄ"),
        ("residenti per addetto (ETP)", "residents per FTE", "Einwohner je VZÄ"),
        aliases=("residents per FTE",),
    ),
    _u(
        "certificates_per_fte",
        ("certificato per addetto (ETP)", "certificate per FTE", "Bescheinigung je VZÄ"),
        ("certificati per addetto (ETP)", "certificates per FTE", "Bescheinigungen je VZÄ"),
        aliases=("certificates per FTE",),
    ),
    _u(
        "acts_per_fte",
        ("atto per addetto (ETP)", "act per FTE", "Akt je VZÄ"),
        ("atti per addetto (ETP)", "acts per FTE", "Akte je VZÄ"),
        aliases=("acts per FTE",),
    ),
    _u(
        "children_per_fte",
        ("bambino per addetto (ETP)", "child per FTE", "Kind je VZÄ"),
        ("bambini per addetto (ETP)", "children per FTE", "Kinder je VZÄ"),
        aliases=("children per FTE",),
    ),
    # people and things counted
    _u(
        "persons",
        ("persona", "person", "Person"),
        ("persone", "persons", "Personen"),
        aliases=("person",),
    ),
    _u(
        "children",
        ("bambino", "child", "Kind"),
        ("bambini", "children", "Kinder"),
        aliases=("child",),
    ),
    _u("places", ("posto", "place", "Platz"), ("posti", "places", "Plätze"), aliases=("place",)),
    _u(
        "applications",
        ("domanda", "application", "Antrag"),
        ("domande", "applications", "Anträge"),
        aliases=("application",),
    ),
    _u(
        "visits", ("visita", "visit", "Besuch"), ("visite", "visits", "Besuche"), aliases=("visit",)
    ),
    _u(
        "visits_per_inhabitant",
        ("visita per abitante", "visit per inhabitant", "Besuch je Einwohner"),
        ("visite per abitante", "visits per inhabitant", "Besuche je Einwohner"),
        aliases=("visits per inhabitant",),
    ),
    _u(
        "loans",
        ("prestito", "loan", "Entlehnung"),
        ("prestiti", "loans", "Entlehnungen"),
        aliases=("loan",),
    ),
    _u(
        "loans_per_inhabitant",
        ("prestito per abitante", "loan per inhabitant", "Entlehnung je Einwohner"),
        ("prestiti per abitante", "loans per inhabitant", "Entlehnungen je Einwohner"),
        aliases=("loans per inhabitant",),
    ),
    _u(
        "loans_per_user",
        ("prestito per utente", "loan per user", "Entlehnung je Benutzer"),
        ("prestiti per utente", "loans per user", "Entlehnungen je Benutzer"),
        aliases=("loans per user",),
    ),
    _u(
        "loans_per_document",
        ("prestito per documento", "loan per document", "Entlehnung je Medium"),
        ("prestiti per documento", "loans per document", "Entlehnungen je Medium"),
        aliases=("loans per document",),
    ),
    _u(
        "documents",
        ("documento", "document", "Medium"),
        ("documenti", "documents", "Medien"),
        aliases=("document",),
    ),
    _u(
        "documents_per_inhabitant",
        ("documento per abitante", "document per inhabitant", "Medium je Einwohner"),
        ("documenti per abitante", "documents per inhabitant", "Medien je Einwohner"),
        aliases=("documents per inhabitant",),
    ),
)

#: The built-in units by id.
UNITS: Mapping[str, Unit] = {u.id: u for u in _BUILT_IN}

_BY_NAME: dict[str, Unit] = {}
for _unit in _BUILT_IN:
    for _name in (_unit.id, *_unit.aliases):
        _BY_NAME.setdefault(_name, _unit)
        _BY_NAME.setdefault(_name.lower(), _unit)


def unit(value: Unit | Text | Mapping[str, str] | str) -> Unit:
    """The unit ``value`` names.

    Parameters
    ----------
    value
        A :class:`Unit` (returned as is); a built-in unit's id or alias
        (``"minutes"``, ``"min"``, ``"working days"``, ``"%"``, ``"EUR"``); a
        :class:`~qualitapa.models.Text` or a table ``{it, en, de}`` (an
        ad-hoc label, the same after any number); any other string is an
        Italian label.

    Returns
    -------
    Unit

    Raises
    ------
    DefinitionError
        ``value`` is an empty string, or a table without Italian.

    Examples
    --------
    >>> unit("working days").other.get("de")
    'Arbeitstage'
    >>> unit("minutes") is unit("min")
    True
    >>> unit("sportelli aperti").label(2, "en")
    'sportelli aperti'
    """
    if isinstance(value, Unit):
        return value
    if isinstance(value, str):
        found = _BY_NAME.get(value) or _BY_NAME.get(value.strip().lower())
        if found is not None:
            return found
    return Unit.from_label(Text.coerce(value))
