"""The quality programme of a city as typed values: departments, people, plans, activities.

One class per row of a programme sheet (see :mod:`qualitapa.programme._sheets`
for the columns); each is frozen and built from a sheet's row by its
``from_mapping`` named constructor, which reads the canonical text the
store keeps (ISO dates, ``0.5``). The closed sets are enums, each value
with an Italian label (and German, English) that the member carries
(:class:`LabelledEnum`, :func:`label_of`; :data:`LABELS` looks them up).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Iterator, Mapping
from typing import TypeVar

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


def _label(row: Mapping[str, object], prefix: str) -> Text:
    return Text(
        _required(row, f"{prefix}_it"),
        en=_text(row.get(f"{prefix}_en")),
        de=_text(row.get(f"{prefix}_de")),
    )


def _not_blank(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise DefinitionError("a value is required", field=attribute.name)


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
class Department:
    """A settore, servizio or ufficio of an organization.

    Examples
    --------
    >>> d = Department.from_mapping({"organization": "036023", "department": "S03",
    ...                              "name_it": "Servizi demografici", "kind": "settore"})
    >>> d.kind, d.name.it
    (<DepartmentKind.SETTORE: 'settore'>, 'Servizi demografici')
    """

    organization: str = attrs.field(validator=_not_blank)
    department: str = attrs.field(validator=_not_blank)
    name: Text
    kind: DepartmentKind = attrs.field(converter=_department_kind)
    parent: str | None = None

    @classmethod
    def from_mapping(cls, row: Mapping[str, object]) -> Department:
        """A department from a row of the ``departments`` sheet."""
        return cls(
            _required(row, "organization"),
            _required(row, "department"),
            _label(row, "name"),
            _enum(DepartmentKind, row, "kind"),
            _text(row.get("parent")),
        )


@attrs.frozen
class Person:
    """Someone of the programme: a referent, a head, the quality office, a club contact.

    ``name`` and ``email`` are personal data (pseudonymisable on export).
    ``organization`` is the code of the organization the person works for
    (optional: a contact of another city names it). ``public`` says the
    name may be published (the quality portal shows it; otherwise only the
    role and the department): ``yes`` in the sheet, blank or ``no`` = not.

    Examples
    --------
    >>> Person.from_mapping({"person": "p01", "name": "Anna Bianchi", "category": "D"}).category
    'D'
    """

    person: str = attrs.field(validator=_not_blank)
    name: str | None = None
    email: str | None = None
    category: str | None = None
    organization: str | None = None
    public: bool = False

    @classmethod
    def from_mapping(cls, row: Mapping[str, object]) -> Person:
        """A person from a row of the ``people`` sheet."""
        return cls(
            _required(row, "person"),
            _text(row.get("name")),
            _text(row.get("email")),
            _text(row.get("category")),
            _text(row.get("organization")),
            (_text(row.get("public")) or "").lower() == "yes",
        )


@attrs.frozen
class Role:
    """A person's role in a department, from ``start`` to ``end`` (None: in office).

    Examples
    --------
    >>> r = Role.from_mapping({"organization": "036023", "department": "S03",
    ...                        "person": "p01", "role": "referent", "start": "2024-01-15"})
    >>> r.role.value, r.end is None
    ('referent', True)
    """

    organization: str = attrs.field(validator=_not_blank)
    department: str = attrs.field(validator=_not_blank)
    person: str = attrs.field(validator=_not_blank)
    role: RoleKind = attrs.field(converter=_role_kind)
    start: dt.date = attrs.field(converter=_start)
    appointed_by: str | None = None
    end: dt.date | None = attrs.field(default=None, validator=_end_not_before("start", "end"))

    @classmethod
    def from_mapping(cls, row: Mapping[str, object]) -> Role:
        """A role from a row of the ``roles`` sheet."""
        start = _required_date(row, "start")
        return cls(
            _required(row, "organization"),
            _required(row, "department"),
            _required(row, "person"),
            _enum(RoleKind, row, "role"),
            start,
            _text(row.get("appointed_by")),
            _date(row, "end"),
        )


@attrs.frozen
class Plan:
    """A version of the annual quality plan and its approval act (Giunta resolution).

    Examples
    --------
    >>> p = Plan.from_mapping({"organization": "036023", "year": "2024", "version": "1",
    ...                        "resolution": "123/2024", "approved_on": "2024-03-12",
    ...                        "status": "approved"})
    >>> p.year, p.resolution, p.approved_on
    (2024, '123/2024', datetime.date(2024, 3, 12))
    """

    organization: str = attrs.field(validator=_not_blank)
    year: int
    version: int
    status: PlanStatus = attrs.field(converter=_plan_status)
    resolution: str | None = None
    approved_on: dt.date | None = None

    @classmethod
    def from_mapping(cls, row: Mapping[str, object]) -> Plan:
        """A plan version from a row of the ``plans`` sheet."""
        return cls(
            _required(row, "organization"),
            int(_required(row, "year")),
            int(_required(row, "version")),
            _enum(PlanStatus, row, "status"),
            _text(row.get("resolution")),
            _date(row, "approved_on"),
        )


@attrs.frozen
class Activity:
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

    organization: str = attrs.field(validator=_not_blank)
    year: int
    activity: str = attrs.field(validator=_not_blank)
    type: ActivityType = attrs.field(converter=_activity_type)
    department: str = attrs.field(validator=_not_blank)
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

    @classmethod
    def from_mapping(cls, row: Mapping[str, object]) -> Activity:
        """An activity from a row of the ``activities`` sheet."""
        return cls(
            organization=_required(row, "organization"),
            year=int(_required(row, "year")),
            activity=_required(row, "activity"),
            type=_enum(ActivityType, row, "type"),
            department=_required(row, "department"),
            title=_label(row, "title"),
            owner=_text(row.get("owner")),
            objective=_text(row.get("objective")),
            planned_start=_date(row, "planned_start"),
            planned_end=_date(row, "planned_end"),
            expected_kind=_optional_enum(ExpectedKind, row, "expected_kind"),
            expected_id=_text(row.get("expected_id")),
            expected_operator=_text(row.get("expected_operator")),
            expected_value=_number(row, "expected_value"),
            expected_period=_text(row.get("expected_period")),
        )


@attrs.frozen
class Milestone:
    """A milestone of an activity, due on a date."""

    organization: str = attrs.field(validator=_not_blank)
    year: int
    activity: str = attrs.field(validator=_not_blank)
    milestone: str = attrs.field(validator=_not_blank)
    title: Text
    due: dt.date | None = None

    @classmethod
    def from_mapping(cls, row: Mapping[str, object]) -> Milestone:
        """A milestone from a row of the ``milestones`` sheet."""
        return cls(
            _required(row, "organization"),
            int(_required(row, "year")),
            _required(row, "activity"),
            _required(row, "milestone"),
            _label(row, "title"),
            _date(row, "due"),
        )


def _fraction(
    instance: object, attribute: attrs.Attribute[float | None], value: float | None
) -> None:
    if value is not None and not 0 <= value <= 1:
        raise DefinitionError(f"{value!r} is not a fraction between 0 and 1", field=attribute.name)


@attrs.frozen
class StatusChange:
    """An entry of an activity's status history (append-only): ``status`` from ``at``.

    Examples
    --------
    >>> s = StatusChange.from_mapping({"organization": "036023", "year": "2024",
    ...     "activity": "A01", "at": "2024-03-01", "status": "started", "progress": "0.25",
    ...     "by": "p01"})
    >>> s.status.value, s.progress
    ('started', 0.25)
    """

    organization: str = attrs.field(validator=_not_blank)
    year: int
    activity: str = attrs.field(validator=_not_blank)
    at: dt.date = attrs.field(converter=_at)
    status: ActivityStatus = attrs.field(converter=_activity_status)
    progress: float | None = attrs.field(default=None, validator=_fraction)
    note: str | None = None
    by: str | None = None

    @classmethod
    def from_mapping(cls, row: Mapping[str, object]) -> StatusChange:
        """A status change from a row of the ``activity_status`` sheet."""
        at = _required_date(row, "at")
        return cls(
            _required(row, "organization"),
            int(_required(row, "year")),
            _required(row, "activity"),
            at,
            _enum(ActivityStatus, row, "status"),
            _number(row, "progress"),
            _text(row.get("note")),
            _text(row.get("by")),
        )


@attrs.frozen
class Meeting:
    """A meeting of the quality referents' network.

    ``participants`` are person ids (written ``;``-separated in the sheet).
    """

    organization: str = attrs.field(validator=_not_blank)
    meeting: str = attrs.field(validator=_not_blank)
    date: dt.date = attrs.field(converter=_day)
    title: Text | None = None
    participants: tuple[str, ...] = ()
    agenda: str | None = None
    decisions: str | None = None

    @classmethod
    def from_mapping(cls, row: Mapping[str, object]) -> Meeting:
        """A meeting from a row of the ``meetings`` sheet."""
        day = _required_date(row, "date")
        title = _text(row.get("title_it"))
        people = _text(row.get("participants")) or ""
        return cls(
            _required(row, "organization"),
            _required(row, "meeting"),
            day,
            Text(title) if title else None,
            tuple(p.strip() for p in people.split(";") if p.strip()),
            _text(row.get("agenda")),
            _text(row.get("decisions")),
        )


@attrs.frozen
class MeetingAction:
    """An action decided at a meeting: who does what by when (optionally for an activity)."""

    organization: str = attrs.field(validator=_not_blank)
    meeting: str = attrs.field(validator=_not_blank)
    action: str = attrs.field(validator=_not_blank)
    text: str = attrs.field(validator=_not_blank)
    owner: str | None = None
    due: dt.date | None = None
    activity: str | None = None

    @classmethod
    def from_mapping(cls, row: Mapping[str, object]) -> MeetingAction:
        """An action from a row of the ``meeting_actions`` sheet."""
        return cls(
            _required(row, "organization"),
            _required(row, "meeting"),
            _required(row, "action"),
            _required(row, "text"),
            _text(row.get("owner")),
            _date(row, "due"),
            _text(row.get("activity")),
        )
