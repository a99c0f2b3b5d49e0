"""Service charters (carte dei servizi)."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from qualitapa.errors import DefinitionError
from qualitapa.models import (
    Text,
    check_id,
    coerce_enum,
    from_mapping,
    to_date,
    to_optional_text,
    to_text,
)

if TYPE_CHECKING:
    from qualitapa.catalog import Catalog


_M = TypeVar("_M", bound=attrs.AttrsInstance)


def _opt_date(value: Any) -> dt.date | None:
    return None if value is None else to_date(value)


def _model_or_table(
    cls: type[_M],
    value: Any,
    kind: str,
    converters: Mapping[str, Callable[[object], object]] | None = None,
) -> _M:
    """``value`` itself when it is a ``cls``, else a ``cls`` built from the table ``value``."""
    if isinstance(value, cls):
        return value
    return from_mapping(cls, value, kind=kind, converters=converters)


@attrs.frozen
class ContactPoint:
    """A contact point of the service (office, phone, e-mail, PEC, address, web).

    ``label`` and ``address`` are labels in one or more languages (Bolzano's
    streets have an Italian and a German name).

    Parameters
    ----------
    label
        Name of the contact point (``"Ufficio anagrafe"``).
    phone
        Phone number as written (``"059 203 2000"``).
    email
        E-mail address.
    pec
        Certified e-mail (PEC) address.
    address
        Postal address, in one or more languages.
    web
        Web page (``https://...``).
    """

    label: Text = attrs.field(converter=to_text)
    phone: str | None = None
    email: str | None = None
    pec: str | None = None
    address: Text | None = attrs.field(default=None, converter=to_optional_text)
    web: str | None = None

    @classmethod
    def coerce(cls, value: Any) -> ContactPoint:
        """Build from a ContactPoint or a table of its fields."""
        return _model_or_table(cls, value, "contact")


#: The name before 0.2.0 (:class:`qualitapa.complaints.Contact` is a citizen's
#: personal contact details, a different thing).
Contact = ContactPoint


@attrs.frozen
class OpeningHours:
    """Opening hours of a place: ``days`` (e.g. "lunedì-venerdì") and ``hours`` ("8:30-12:30").

    Parameters
    ----------
    days
        The days, in words (``{ it = "lunedì-venerdì", de = "Montag-Freitag" }``).
    hours
        The hours as written (``"8:30-12:30, 14:30-17:00"``).
    place
        The office or branch they apply to (optional).
    """

    days: Text = attrs.field(converter=to_text)
    hours: str = attrs.field(validator=attrs.validators.instance_of(str))
    place: Text | None = attrs.field(default=None, converter=to_optional_text)

    @classmethod
    def coerce(cls, value: Any) -> OpeningHours:
        """Build from an OpeningHours or a table of its fields."""
        return _model_or_table(cls, value, "opening hours")


class CharterStatus(enum.StrEnum):
    """Where a charter stands: ``draft``, ``approved``, ``published``, ``under_revision``.

    An approved or published charter names the act that approved it
    (:class:`ApprovalAct`); one under revision stays in force while the
    next version is prepared.

    Examples
    --------
    >>> CharterStatus("under_revision").label.get("de")
    'in Überarbeitung'
    """

    DRAFT = "draft"
    APPROVED = "approved"
    PUBLISHED = "published"
    UNDER_REVISION = "under_revision"

    @property
    def label(self) -> Text:
        """The status in words (it, en, de), as a charter shows it."""
        return _STATUS_LABELS[self]

    @property
    def needs_approval(self) -> bool:
        """Whether a charter with this status must name its approval act."""
        return self in (CharterStatus.APPROVED, CharterStatus.PUBLISHED)


_STATUS_LABELS = {
    CharterStatus.DRAFT: Text("bozza", "draft", "Entwurf"),
    CharterStatus.APPROVED: Text("approvata", "approved", "genehmigt"),
    CharterStatus.PUBLISHED: Text("pubblicata", "published", "veröffentlicht"),
    CharterStatus.UNDER_REVISION: Text("in revisione", "under revision", "in Überarbeitung"),
}


def _status(value: Any) -> CharterStatus:
    return coerce_enum(CharterStatus, "status", value)


def _version(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (bool, float)):
        raise DefinitionError(
            f'write the version as text, e.g. version = "{value}" (a number such as 2.10 '
            "would lose its digits)",
            field="version",
        )
    text = str(value).strip()
    if not text or len(text) > 40 or "\n" in text:
        raise DefinitionError('a version is a short text such as "2.1" or "2025"', field="version")
    return text


@attrs.frozen
class ApprovalAct:
    """The act that approved a charter: who, which number, when.

    Rendered as *Giunta comunale, deliberazione n. 123 del 12 marzo 2025*.

    Parameters
    ----------
    body
        The body that approved it (``"Giunta comunale"``; a label in any
        language: ``{ it = "Giunta comunale", de = "Stadtregierung" }``).
    number
        The act's number as written on it (``"123"``, ``"45/2025"``).
    date
        The day of the act.
    kind
        The kind of act, when not a resolution (*deliberazione*): e.g.
        ``{ it = "determinazione dirigenziale" }``.
    url
        Where the act is published (albo pretorio, Amministrazione
        trasparente).

    Examples
    --------
    >>> act = ApprovalAct.coerce({"body": "Giunta comunale", "number": 123,
    ...                           "date": "2025-03-12"})
    >>> act.number, act.date.isoformat()
    ('123', '2025-03-12')
    """

    body: Text = attrs.field(converter=to_text)
    number: str = attrs.field(converter=str)
    date: dt.date = attrs.field(converter=to_date)
    kind: Text | None = attrs.field(default=None, converter=to_optional_text)
    url: str | None = None

    def __attrs_post_init__(self) -> None:
        if not self.number.strip():
            raise DefinitionError("the act's number must not be empty", field="number")
        if self.url is not None and not self.url.startswith(("https://", "http://")):
            raise DefinitionError(
                f"the act's url must start with https:// (not {self.url!r})", field="url"
            )

    @classmethod
    def coerce(cls, value: Any) -> ApprovalAct:
        """Build from an ApprovalAct or a table ``{body, number, date[, kind, url]}``."""
        return _model_or_table(cls, value, "approval act", {"date": _act_date})


def _act_date(value: Any) -> dt.date:
    return to_date(value, field="date")


def _approval(value: Any) -> ApprovalAct | None:
    if value is None:
        return None
    try:
        return ApprovalAct.coerce(value)
    except DefinitionError as exc:  # name the field inside the act: approval.date
        field = f"approval.{exc.field}" if exc.field else "approval"
        raise DefinitionError(exc.message, field=field) from exc


def _check_approved(item: str, status: CharterStatus | None, approval: ApprovalAct | None) -> None:
    """A charter (or its content) approved, published or in revision names its act."""
    if status is not None and status.needs_approval and approval is None:
        raise DefinitionError(
            f"a charter with status {status.value!r} names the act that approved it: "
            'approval = { body = "Giunta comunale", number = "123", date = 2025-03-12 }',
            item=item,
            field="approval",
        )


def _check_period(item: str, valid_from: dt.date | None, valid_to: dt.date | None) -> None:
    """The period of validity does not end before it starts (an open end is fine)."""
    if valid_from is not None and valid_to is not None and valid_to < valid_from:
        raise DefinitionError("valid_to is before valid_from", item=item, field="valid_to")


def _str_tuple(values: Any) -> tuple[str, ...]:
    if isinstance(values, str):
        raise DefinitionError("expected a list of ids, not a single string")
    return tuple(str(v) for v in values)


@attrs.frozen
class ComplaintProcedure:
    """How to complain and within how long the service answers.

    ``answer_days`` is the answer deadline (commonly 30); ``working_days``
    says whether it counts working days (as the complaints deadline rules
    do) or calendar days. The complaints module's ``Deadline`` can be built
    from these two fields.

    Parameters
    ----------
    answer_days
        The answer deadline in days, a positive whole number.
    description
        How to complain, in Italian and other languages.
    channels
        Where complaints are accepted: channel ids (``counter``, ``phone``,
        ``email``, ``pec``, ``web``...).
    working_days
        True when ``answer_days`` counts working days (default: calendar days).
    """

    answer_days: int = attrs.field(validator=attrs.validators.instance_of(int))
    description: Text | None = attrs.field(default=None, converter=to_optional_text)
    channels: tuple[str, ...] = attrs.field(default=(), converter=_str_tuple)
    working_days: bool = False

    @answer_days.validator
    def _check_days(self, attribute: attrs.Attribute[Any], value: int) -> None:
        if isinstance(value, bool) or value <= 0:
            raise DefinitionError("answer_days must be a positive whole number of days")

    @classmethod
    def coerce(cls, value: Any) -> ComplaintProcedure:
        """Build from a ComplaintProcedure or a table of its fields."""
        return _model_or_table(cls, value, "complaint procedure")


def _tuple_of(conv: Any) -> Any:
    def inner(values: Any) -> tuple[Any, ...]:
        if isinstance(values, (str, Mapping)):
            raise DefinitionError("expected a list")
        return tuple(conv(v) for v in values)

    return inner


def _contacts(values: Any) -> tuple[ContactPoint, ...]:
    return _tuple_of(ContactPoint.coerce)(values)


def _hours(values: Any) -> tuple[OpeningHours, ...]:
    return _tuple_of(OpeningHours.coerce)(values)


def _procedure(value: Any) -> ComplaintProcedure | None:
    return None if value is None else ComplaintProcedure.coerce(value)


@attrs.frozen
class Charter:
    """A service charter: the public commitment of a service to its standards.

    Parameters
    ----------
    id
        Stable id, e.g. ``"registry.charter"``.
    service
        The service the charter is about.
    title
        Title in Italian and other languages.
    valid_from, valid_to
        Validity period (``valid_to`` optional: until replaced).
    standards
        Ids of the quality standards it publishes.
    introduction
        Optional text in Italian and other languages (who we are, what we offer).
    contacts, opening_hours
        Where and when citizens find the service.
    complaint_procedure
        How to complain, with the answer deadline.
    refund_policy
        General text on refunds; the amounts come from the standards'
        refund rules.
    status
        A :class:`CharterStatus` (default ``draft``: a service plugin's
        model charter); ``approved`` and ``published`` need ``approval``.
    approval
        The :class:`ApprovalAct` (body, number, date) that approved it.
    version
        The charter's version as text (``"2.1"``).

    A city's contacts, opening hours, channels, notes and its own approval
    come from :class:`CharterContent` items (``[[charter_content]]``), so
    that the charter of a service plugin stays the shared model.

    Examples
    --------
    >>> c = Charter.from_mapping({
    ...     "id": "registry.charter", "service": "registry",
    ...     "title": {"it": "Carta dei servizi demografici", "en": "Registry service charter"},
    ...     "valid_from": "2025-01-01", "standards": ["registry.wait"],
    ...     "complaint_procedure": {"answer_days": 30, "channels": ["email", "counter"]}})
    >>> c.is_valid_on(__import__("datetime").date(2025, 6, 1))
    True
    """

    id: str = attrs.field(validator=check_id)
    service: str = attrs.field(validator=attrs.validators.instance_of(str))
    title: Text = attrs.field(converter=to_text)
    valid_from: dt.date = attrs.field(converter=to_date)
    valid_to: dt.date | None = attrs.field(default=None, converter=_opt_date)
    standards: tuple[str, ...] = attrs.field(default=(), converter=_str_tuple)
    introduction: Text | None = attrs.field(default=None, converter=to_optional_text)
    contacts: tuple[ContactPoint, ...] = attrs.field(default=(), converter=_contacts)
    opening_hours: tuple[OpeningHours, ...] = attrs.field(default=(), converter=_hours)
    complaint_procedure: ComplaintProcedure | None = attrs.field(default=None, converter=_procedure)
    refund_policy: Text | None = attrs.field(default=None, converter=to_optional_text)
    status: CharterStatus = attrs.field(default=CharterStatus.DRAFT, converter=_status)
    approval: ApprovalAct | None = attrs.field(default=None, converter=_approval)
    version: str | None = attrs.field(default=None, converter=_version)

    def __attrs_post_init__(self) -> None:
        _check_period(self.id, self.valid_from, self.valid_to)
        _check_approved(self.id, self.status, self.approval)
        if len(set(self.standards)) != len(self.standards):
            raise DefinitionError("a standard is listed twice", item=self.id, field="standards")

    def is_valid_on(self, day: dt.date) -> bool:
        """Whether the charter is in force on ``day``."""
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any], *, source: str | None = None) -> Charter:
        """Build a charter from a TOML table or dict (errors name source, item, field)."""
        return from_mapping(
            cls,
            mapping,
            source=source,
            kind="service charter",
            converters={
                "valid_from": to_date,
                "valid_to": _opt_date,
                "contacts": _tuple_of(ContactPoint.coerce),
                "opening_hours": _tuple_of(OpeningHours.coerce),
                "complaint_procedure": ComplaintProcedure.coerce,
                "approval": _approval,
            },
        )

    def resolve_standards(self, standards: Mapping[str, Any]) -> list[Any]:
        """The charter's standards looked up in ``standards`` (e.g. ``catalog.standards``)."""
        return [standards[s] for s in self.standards]

    def check(self, catalog: Catalog) -> list[str]:
        """Problems against ``catalog``: unknown standards, standards of another service."""
        problems: list[str] = []
        known = getattr(catalog, "standards", {})
        for sid in self.standards:
            if sid not in known:
                problems.append(f"standard {sid!r} is not defined by any plugin")
                continue
            svc = known[sid].service
            if svc != self.service and not str(svc).startswith(self.service + "."):
                problems.append(
                    f"standard {sid!r} belongs to service {svc!r}, not {self.service!r}"
                )
        return problems


def charters_for(
    charters: Sequence[Charter], service: str, day: dt.date | None = None
) -> list[Charter]:
    """Charters of ``service`` in force on ``day`` (all of the service if ``day`` is None)."""
    return [c for c in charters if c.service == service and (day is None or c.is_valid_on(day))]
