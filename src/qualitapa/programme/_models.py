"""The quality programme of a city as typed values: departments, people, plans, activities.

One class per row of a programme sheet (see :mod:`qualitapa.programme._sheets`
for the columns); each is frozen and built from a sheet's row by its
``from_mapping`` named constructor, which reads the canonical text the
store keeps (ISO dates, ``0.5``) as the fields' types say
(:class:`SheetRow`). The closed sets are enums, each value with an
Italian label (and German, English) that the member carries
(:class:`LabelledEnum`, :func:`label_of`; :data:`LABELS` looks them up).
"""

from __future__ import annotations

import datetime as dt
import enum
import typing
from collections.abc import Callable, Iterator, Mapping
from typing import ClassVar, Self, TypeVar, cast

import attrs

from qualitapa._labelling import LabelledEnum
from qualitapa.errors import DefinitionError
from qualitapa.models import Text, coerce_enum, to_date


def label_of(member: enum.Enum) -> Text:
    """The Italian (German, English) label of a code of the programme.

    Raises :class:`KeyError` for a value that is not a member of a
    :class:`LabelledEnum` (a bare ``"done"`` is ambiguous: say which code).

    Examples
    --------
    >>> label_of(RoleKind.HEAD).get("it")
    'dirigente'
    """
    if not isinstance(member, LabelledEnum):
        raise KeyError(member)
    return member.label


def programme_codes() -> tuple[type[LabelledEnum], ...]:
    """Every code (enum) of the programme's modules, in the order they were defined.

    Examples
    --------
    >>> [c.__name__ for c in programme_codes()][:2]
    ['DepartmentKind', 'RoleKind']
    """
    found: list[type[LabelledEnum]] = []
    stack = list(LabelledEnum.__subclasses__())
    while stack:
        cls = stack.pop(0)
        if cls.__module__.startswith("qualitapa.programme."):
            found.append(cls)
        stack.extend(cls.__subclasses__())
    return tuple(found)


class LabelTable(Mapping[enum.StrEnum, Text]):
    """A read-only view of the labels of some codes, looked up by member.

    ``table[member]`` is ``member.label`` when ``member`` belongs to one of
    the table's codes (every programme code when none is given, including
    those of modules imported later); a plain string or a member of another
    code raises :class:`KeyError`. Iteration gives the members, code by code.

    Examples
    --------
    >>> table = LabelTable(PlanStatus)
    >>> table[PlanStatus.DRAFT].get("en"), len(table), ActivityStatus.DONE in table
    ('draft', 3, False)
    """

    def __init__(self, *codes: type[LabelledEnum]) -> None:
        self._codes = codes

    def codes(self) -> tuple[type[LabelledEnum], ...]:
        """The codes (enums) whose labels the table holds."""
        return self._codes or programme_codes()

    def __getitem__(self, member: enum.StrEnum) -> Text:
        if isinstance(member, LabelledEnum) and type(member) in self.codes():
            return member.label
        raise KeyError(member)

    def __contains__(self, member: object) -> bool:
        return isinstance(member, LabelledEnum) and type(member) in self.codes()

    def __iter__(self) -> Iterator[enum.StrEnum]:
        for code in self.codes():
            yield from code

    def __len__(self) -> int:
        return sum(len(code) for code in self.codes())

    def __repr__(self) -> str:
        return f"LabelTable({', '.join(c.__name__ for c in self.codes())})"


class DepartmentKind(LabelledEnum):
    """What a unit of the organization is: a settore, a servizio or an ufficio."""

    SETTORE = "settore", Text("settore", en="department", de="Bereich")
    SERVIZIO = "servizio", Text("servizio", en="service", de="Dienst")
    UFFICIO = "ufficio", Text("ufficio", en="office", de="Amt")


class RoleKind(LabelledEnum):
    """A person's role in the quality programme."""

    REFERENT = (
        "referent",
        Text("referente della qualità", en="quality referent", de="Qualitätsbeauftragte/r"),
    )
    HEAD = "head", Text("dirigente", en="head of department", de="Bereichsleitung")
    COORDINATOR = "coordinator", Text("coordinamento", en="coordinator", de="Koordinierung")


class PlanStatus(LabelledEnum):
    """Where a version of the annual plan stands."""

    DRAFT = "draft", Text("bozza", en="draft", de="Entwurf")
    APPROVED = "approved", Text("approvato", en="approved", de="genehmigt")
    SUPERSEDED = "superseded", Text("sostituito", en="superseded", de="ersetzt")


class ActivityType(LabelledEnum):
    """The kinds of activity of a piano annuale delle attività in tema di qualità."""

    SURVEY = (
        "survey",
        Text("indagine di soddisfazione", en="satisfaction survey", de="Zufriedenheitsumfrage"),
    )
    INDICATORS = (
        "indicators",
        Text(
            "misurazione degli indicatori", en="indicator measurement", de="Messung der Indikatoren"
        ),
    )
    CHARTER = "charter", Text("carta dei servizi", en="service charter", de="Dienstleistungscharta")
    CAF = "caf", Text("autovalutazione CAF", en="CAF self-assessment", de="CAF-Selbstbewertung")
    COMPLAINTS = (
        "complaints",
        Text("analisi dei reclami", en="complaint analysis", de="Analyse der Beschwerden"),
    )
    CERTIFICATION = (
        "certification",
        Text("audit di certificazione", en="certification audit", de="Zertifizierungsaudit"),
    )
    TRAINING = "training", Text("formazione", en="training", de="Weiterbildung")
    BENCHMARKING = "benchmarking", Text("benchmarking", en="benchmarking round", de="Benchmarking")


class ActivityStatus(LabelledEnum):
    """Where an activity stands; ``done`` and ``cancelled`` close it."""

    PLANNED = "planned", Text("programmata", en="planned", de="geplant")
    STARTED = "started", Text("avviata", en="started", de="begonnen")
    SUSPENDED = "suspended", Text("sospesa", en="suspended", de="ausgesetzt")
    DONE = "done", Text("conclusa", en="done", de="abgeschlossen")
    CANCELLED = "cancelled", Text("annullata", en="cancelled", de="abgesagt")

    @property
    def is_closed(self) -> bool:
        """Done or cancelled."""
        return self in (ActivityStatus.DONE, ActivityStatus.CANCELLED)


class ExpectedKind(LabelledEnum):
    """What an activity's expected result is measured on."""

    INDICATOR = "indicator", Text("indicatore", en="indicator", de="Indikator")
    STANDARD = (
        "standard",
        Text("standard di qualità", en="quality standard", de="Qualitätsstandard"),
    )
    SURVEY_INDEX = (
        "survey_index",
        Text("indice di soddisfazione", en="satisfaction index", de="Zufriedenheitsindex"),
    )


#: The labels of every code of the programme (training and certification
#: codes included), looked up by member: ``LABELS[ActivityStatus.DONE]`` is
#: ``ActivityStatus.DONE.label`` (see :func:`label_of`).
LABELS: Mapping[enum.StrEnum, Text] = LabelTable()

E = TypeVar("E", bound=enum.StrEnum)


def _text(value: object) -> str | None:
    """A cell as stripped text, None when empty."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value).strip()
    return text or None


def _required(row: Mapping[str, object], field: str) -> str:
    value = _text(row.get(field))
    if value is None:
        raise DefinitionError("a value is required", field=field)
    return value


def _enum(cls: type[E], row: Mapping[str, object], field: str) -> E:
    return coerce_enum(cls, field, _required(row, field))


def _optional_enum(cls: type[E], row: Mapping[str, object], field: str) -> E | None:
    value = _text(row.get(field))
    return None if value is None else coerce_enum(cls, field, value)


def _date(row: Mapping[str, object], field: str) -> dt.date | None:
    value = _text(row.get(field))
    return None if value is None else to_date(value[:10], field)


def _required_date(row: Mapping[str, object], field: str) -> dt.date:
    value = _date(row, field)
    if value is None:
        raise DefinitionError("a value is required", field=field)
    return value


def _number(row: Mapping[str, object], field: str) -> float | None:
    value = _text(row.get(field))
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        raise DefinitionError(f"{value!r} is not a number", field=field) from None


def _whole(row: Mapping[str, object], field: str) -> int:
    value = _number(row, field)
    if value is None:
        raise DefinitionError("a value is required", field=field)
    if not value.is_integer():
        raise DefinitionError(f"{value!r} is not a whole number", field=field)
    return int(value)


def _float(row: Mapping[str, object], field: str) -> float:
    value = _number(row, field)
    if value is None:
        raise DefinitionError("a value is required", field=field)
    return value


def _optional_text(row: Mapping[str, object], field: str) -> str | None:
    return _text(row.get(field))


def _label(row: Mapping[str, object], prefix: str) -> Text:
    return Text(
        _required(row, f"{prefix}_it"),
        en=_text(row.get(f"{prefix}_en")),
        de=_text(row.get(f"{prefix}_de")),
    )


def split_list(value: object, sep: str = ",") -> tuple[str, ...]:
    """The items of a ``sep``-separated cell, stripped, blanks left out.

    Examples
    --------
    >>> split_list("registry.wait, registry.online_share,")
    ('registry.wait', 'registry.online_share')
    """
    text = _text(value)
    if text is None:
        return ()
    return tuple(item.strip() for item in text.split(sep) if item.strip())


#: How a :class:`SheetRow` reads the fields whose cells its field types do not say
#: (field -> function of the row).
RowReaders = Mapping[str, Callable[[Mapping[str, object]], object]]

#: How a cell is read, by the field's declared type (:class:`SheetRow`); ``| None``: blank
#: allowed (None), otherwise a blank cell is "a value is required".
_REQUIRED_READERS: Mapping[object, Callable[[Mapping[str, object], str], object]] = {
    str: _required,
    int: _whole,
    float: _float,
    dt.date: _required_date,
    Text: _label,
}
_OPTIONAL_READERS: Mapping[object, Callable[[Mapping[str, object], str], object]] = {
    str: _optional_text,
    float: _number,
    dt.date: _date,
}


def _declared(kind: object) -> tuple[object, bool]:
    """A field's declared type without its ``| None``, and whether it had one."""
    args = typing.get_args(kind)
    optional = type(None) in args
    return (next(a for a in args if a is not type(None)) if optional else kind), optional


def _is_code(base: object) -> typing.TypeGuard[type[enum.StrEnum]]:
    return isinstance(base, type) and issubclass(base, enum.StrEnum)


def _cell(row: Mapping[str, object], field: str, kind: object) -> object:
    """The value of ``field`` read from ``row`` as its declared type ``kind`` says."""
    base, optional = _declared(kind)
    if _is_code(base):
        return _optional_enum(base, row, field) if optional else _enum(base, row, field)
    readers = _OPTIONAL_READERS if optional else _REQUIRED_READERS
    if base not in readers:  # a programming slip: the class says how in _readers
        raise TypeError(f"no reader for a field {field!r} of type {kind}: add it to _readers")
    return readers[base](row, field)


_FIELD_TYPES: dict[type, tuple[tuple[str, object], ...]] = {}


def _field_types(cls: type) -> tuple[tuple[str, object], ...]:
    """The attrs class ``cls``'s fields and their declared types, in order."""
    if cls not in _FIELD_TYPES:
        hints = typing.get_type_hints(cls)
        fields = attrs.fields(cast("type[attrs.AttrsInstance]", cls))
        _FIELD_TYPES[cls] = tuple((f.name, hints[f.name]) for f in fields)
    return _FIELD_TYPES[cls]


@attrs.frozen
class CellKinds:
    """How the cells of a :class:`SheetRow`'s sheet are read, as its fields' types say.

    ``required``: the columns that cannot be blank (a label's ``_it``
    one); ``dates``, ``integers`` (``int``), ``numbers`` (``float``): the
    columns of those types; ``choices``: a code's column and its values.

    Examples
    --------
    >>> kinds = CellKinds.of(Milestone)
    >>> sorted(kinds.required), sorted(kinds.dates), sorted(kinds.integers)
    (['activity', 'milestone', 'organization', 'title_it', 'year'], ['due'], ['year'])
    """

    required: frozenset[str]
    dates: frozenset[str]
    integers: frozenset[str]
    numbers: frozenset[str]
    choices: Mapping[str, tuple[str, ...]]

    @classmethod
    def of(cls, model: type[SheetRow]) -> CellKinds:
        """The kinds of the cells of ``model``'s sheet."""
        declared = [(name, *_declared(kind)) for name, kind in _field_types(model)]

        def columns(kind: type) -> frozenset[str]:
            return frozenset(name for name, base, _ in declared if base is kind)

        return cls(
            frozenset(
                f"{name}_it" if base is Text else name
                for name, base, optional in declared
                if not optional and (base in _REQUIRED_READERS or _is_code(base))
            ),
            columns(dt.date),
            columns(int),
            columns(float),
            {name: tuple(m.value for m in base) for name, base, _ in declared if _is_code(base)},
        )


class SheetRow:
    """A row of a programme sheet as a typed value: the base of the sheets' attrs classes.

    :meth:`from_mapping` reads each field from the row's cell of the same
    name, as the field's declared type says: ``str`` text, ``int`` a whole
    number, ``float`` a number, ``dt.date`` an ISO date (its first ten
    characters), a :class:`LabelledEnum` one of its codes (any case), and
    :class:`~qualitapa.models.Text` the cells ``{field}_it`` (required),
    ``{field}_en`` and ``{field}_de``. A type with ``| None`` may be blank
    (None); a blank cell of any other is "a value is required". A field
    whose cell is written otherwise is read by the class's ``_readers``
    (field -> function of the row). However built, a value's ``str`` fields
    hold some text: blanks are "a value is required".

    Examples
    --------
    >>> Milestone.from_mapping({"organization": "036023", "year": "2024", "activity": "A01",
    ...     "milestone": "M1", "title_it": "Questionari raccolti", "due": "2024-04-30"}).due
    datetime.date(2024, 4, 30)
    """

    __slots__ = ()
    _readers: ClassVar[RowReaders] = {}

    @classmethod
    def from_mapping(cls, row: Mapping[str, object]) -> Self:
        """A value from a row of its sheet (the canonical text the store keeps).

        Raises :class:`~qualitapa.errors.DefinitionError` naming the field
        that is blank but required, or not of its type.
        """
        values = {
            name: cls._readers[name](row) if name in cls._readers else _cell(row, name, kind)
            for name, kind in _field_types(cls)
        }
        return cls(**values)

    def __attrs_post_init__(self) -> None:
        """Each ``str`` field (not ``str | None``) holds some text, not blanks.

        A class that needs its own ``__attrs_post_init__`` calls this one.
        """
        for name, kind in _field_types(type(self)):
            value = getattr(self, name)
            if kind is str and (not isinstance(value, str) or not value.strip()):
                raise DefinitionError("a value is required", field=name)


def _end_not_before(
    start: str, end: str
) -> Callable[[object, attrs.Attribute[dt.date | None], dt.date | None], None]:
    def check(instance: object, attribute: attrs.Attribute[dt.date | None], value: object) -> None:
        first, last = getattr(instance, start), getattr(instance, end)
        if first is not None and last is not None and last < first:
            raise DefinitionError(f"{end} {last} is before {start} {first}", field=end)

    return check


def _department_kind(value: object) -> DepartmentKind:
    return coerce_enum(DepartmentKind, "kind", value)


def _role_kind(value: object) -> RoleKind:
    return coerce_enum(RoleKind, "role", value)


def _plan_status(value: object) -> PlanStatus:
    return coerce_enum(PlanStatus, "status", value)


def _activity_type(value: object) -> ActivityType:
    return coerce_enum(ActivityType, "type", value)


def _activity_status(value: object) -> ActivityStatus:
    return coerce_enum(ActivityStatus, "status", value)


def _start(value: object) -> dt.date:
    return to_date(value, "start")


def _at(value: object) -> dt.date:
    return to_date(value, "at")


def _day(value: object) -> dt.date:
    return to_date(value, "date")


@attrs.frozen
class Department(SheetRow):
    """A settore, servizio or ufficio of an organization.

    Examples
    --------
    >>> d = Department.from_mapping({"organization": "036023", "department": "S03",
    ...                              "name_it": "Servizi demografici", "kind": "settore"})
    >>> d.kind, d.name.it
    (<DepartmentKind.SETTORE: 'settore'>, 'Servizi demografici')
    """

    organization: str
    department: str
    name: Text
    kind: DepartmentKind = attrs.field(converter=_department_kind)
    parent: str | None = None


class Completion(LabelledEnum):
    """Yes or no: whether a person completed a course (``completed``), may be named (``public``)."""

    YES = "yes", Text("sì", en="yes", de="ja")
    NO = "no", Text("no", en="no", de="nein")


def _yes(row: Mapping[str, object], field: str) -> bool:
    """A yes/no cell as a flag: blank is no; ``sì``, ``ja``, ``SI`` are yes; others refused."""
    value = _optional_enum(Completion, row, field)
    return value is Completion.YES


@attrs.frozen
class Person(SheetRow):
    """Someone of the programme: a referent, a head, the quality office, a club contact.

    ``name`` and ``email`` are personal data (pseudonymisable on export).
    ``organization`` is the code of the organization the person works for
    (optional: a contact of another city names it). ``public`` says the
    name may be published (the quality portal shows it; otherwise only the
    role and the department): ``yes`` (or ``sì``, ``ja``) in the sheet;
    blank or ``no`` = not; any other word is refused.

    Examples
    --------
    >>> Person.from_mapping({"person": "p01", "name": "Anna Bianchi", "category": "D"}).category
    'D'
    """

    person: str
    name: str | None = None
    email: str | None = None
    category: str | None = None
    organization: str | None = None
    public: bool = False

    _readers: ClassVar[RowReaders] = {"public": lambda row: _yes(row, "public")}


@attrs.frozen
class Role(SheetRow):
    """A person's role in a department, from ``start`` to ``end`` (None: in office).

    Examples
    --------
    >>> r = Role.from_mapping({"organization": "036023", "department": "S03",
    ...                        "person": "p01", "role": "referent", "start": "2024-01-15"})
    >>> r.role.value, r.end is None
    ('referent', True)
    """

    organization: str
    department: str
    person: str
    role: RoleKind = attrs.field(converter=_role_kind)
    start: dt.date = attrs.field(converter=_start)
    appointed_by: str | None = None
    end: dt.date | None = attrs.field(default=None, validator=_end_not_before("start", "end"))


@attrs.frozen
class Plan(SheetRow):
    """A version of the annual quality plan and its approval act (Giunta resolution).

    Examples
    --------
    >>> p = Plan.from_mapping({"organization": "036023", "year": "2024", "version": "1",
    ...                        "resolution": "123/2024", "approved_on": "2024-03-12",
    ...                        "status": "approved"})
    >>> p.year, p.resolution, p.approved_on
    (2024, '123/2024', datetime.date(2024, 3, 12))
    """

    organization: str
    year: int
    version: int
    status: PlanStatus = attrs.field(converter=_plan_status)
    resolution: str | None = None
    approved_on: dt.date | None = None


@attrs.frozen
class Activity(SheetRow):
    """An activity of the annual plan, with its expected result when there is one.

    The expected result is ``expected_kind`` (indicator, standard, survey
    index) ``expected_id`` ``expected_operator`` ``expected_value`` in
    ``expected_period``: e.g. indicator ``waiting_time`` ``<=`` 15 in 2024.

    Examples
    --------
    >>> a = Activity.from_mapping({"organization": "036023", "year": "2024",
    ...     "activity": "A01", "type": "survey", "department": "S03",
    ...     "title_it": "Indagine anagrafe", "planned_start": "2024-02-01",
    ...     "planned_end": "2024-05-31"})
    >>> a.type.value, a.title.it, a.planned_end
    ('survey', 'Indagine anagrafe', datetime.date(2024, 5, 31))
    """

    organization: str
    year: int
    activity: str
    type: ActivityType = attrs.field(converter=_activity_type)
    department: str
    title: Text
    owner: str | None = None
    objective: str | None = None
    planned_start: dt.date | None = None
    planned_end: dt.date | None = attrs.field(
        default=None, validator=_end_not_before("planned_start", "planned_end")
    )
    expected_kind: ExpectedKind | None = None
    expected_id: str | None = None
    expected_operator: str | None = attrs.field(
        default=None, validator=attrs.validators.in_((None, ">=", "<="))
    )
    expected_value: float | None = None
    expected_period: str | None = None


@attrs.frozen
class Milestone(SheetRow):
    """A milestone of an activity, due on a date."""

    organization: str
    year: int
    activity: str
    milestone: str
    title: Text
    due: dt.date | None = None


def _fraction(
    instance: object, attribute: attrs.Attribute[float | None], value: float | None
) -> None:
    if value is not None and not 0 <= value <= 1:
        raise DefinitionError(f"{value!r} is not a fraction between 0 and 1", field=attribute.name)


@attrs.frozen
class StatusChange(SheetRow):
    """An entry of an activity's status history (append-only): ``status`` from ``at``.

    Examples
    --------
    >>> s = StatusChange.from_mapping({"organization": "036023", "year": "2024",
    ...     "activity": "A01", "at": "2024-03-01", "status": "started", "progress": "0.25",
    ...     "by": "p01"})
    >>> s.status.value, s.progress
    ('started', 0.25)
    """

    organization: str
    year: int
    activity: str
    at: dt.date = attrs.field(converter=_at)
    status: ActivityStatus = attrs.field(converter=_activity_status)
    progress: float | None = attrs.field(default=None, validator=_fraction)
    note: str | None = None
    by: str | None = None


@attrs.frozen
class Meeting(SheetRow):
    """A meeting of the quality referents' network.

    ``participants`` are person ids (written ``;``-separated in the sheet).
    """

    organization: str
    meeting: str
    date: dt.date = attrs.field(converter=_day)
    title: Text | None = None
    participants: tuple[str, ...] = ()
    agenda: str | None = None
    decisions: str | None = None

    _readers: ClassVar[RowReaders] = {
        "title": lambda row: Text(title) if (title := _text(row.get("title_it"))) else None,
        "participants": lambda row: split_list(row.get("participants"), ";"),
    }


@attrs.frozen
class MeetingAction(SheetRow):
    """An action decided at a meeting: who does what by when (optionally for an activity)."""

    organization: str
    meeting: str
    action: str
    text: str
    owner: str | None = None
    due: dt.date | None = None
    activity: str | None = None
