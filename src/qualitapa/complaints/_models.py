"""Complaint records, their events and the categories plugins contribute."""

from __future__ import annotations

import datetime as dt
import difflib
import enum
import math
import re
import urllib.parse
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from qualitapa.errors import DefinitionError, Message
from qualitapa.i18n import N_
from qualitapa.models import (
    LocalScope,
    Text,
    check_id,
    check_organizations,
    check_pattern,
    from_mapping,
    to_organizations,
    to_text,
)

if TYPE_CHECKING:
    from qualitapa.catalog import Catalog

#: Complaint ids are protocol numbers: letters, digits and ``_ . - /``,
#: starting with a letter or digit, at most 64 characters (``2024/000123``).
COMPLAINT_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-/]{0,63}$")


class FeedbackKind(enum.StrEnum):
    """The four kinds of citizen feedback (reclamo, segnalazione, suggerimento, encomio)."""

    COMPLAINT = "complaint"
    FAULT_REPORT = "fault_report"
    SUGGESTION = "suggestion"
    PRAISE = "praise"


#: The name before 0.2.0 (:class:`qualitapa.catalog.Kind` is a kind of catalog item).
Kind = FeedbackKind


class Channel(enum.StrEnum):
    """How the feedback reached the office (PEC is Italian certified e-mail)."""

    COUNTER = "counter"
    PHONE = "phone"
    EMAIL = "email"
    PEC = "pec"
    WEB = "web"
    APP = "app"
    LETTER = "letter"
    SOCIAL = "social"


class Status(enum.StrEnum):
    """Lifecycle states of a complaint (see :mod:`qualitapa.complaints` for the machine)."""

    RECEIVED = "received"
    REGISTERED = "registered"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    SUSPENDED = "suspended"
    ANSWERED = "answered"
    CLOSED = "closed"
    REOPENED = "reopened"
    FORWARDED = "forwarded"
    REJECTED = "rejected"

    @property
    def is_open(self) -> bool:
        """True while the office still owes the citizen an answer (the backlog)."""
        return self not in _DONE

    @property
    def open311(self) -> str:
        """The Open311 GeoReport v2 status: ``"open"`` or ``"closed"``."""
        return "open" if self.is_open else "closed"


_DONE = frozenset({Status.ANSWERED, Status.CLOSED, Status.FORWARDED, Status.REJECTED})


class DayUnit(enum.StrEnum):
    """How a deadline counts days."""

    CALENDAR = "calendar"
    WORKING = "working"


def check_complaint_id(value: Any) -> str:
    """Return ``value`` if it is a valid complaint id, else raise DefinitionError.

    Examples
    --------
    >>> check_complaint_id("2024/000123")
    '2024/000123'
    """
    return check_pattern(
        value,
        COMPLAINT_ID_PATTERN,
        "complaint id",
        "use letters, digits and '_ . - /' (at most 64 characters, e.g. '2024/000123')",
        field="id",
    )


def _check_cid(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    check_complaint_id(value)


def _check_aware(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, dt.datetime):
        raise DefinitionError(
            f"{attribute.name} must be a datetime, not {type(value).__name__}",
            field=attribute.name,
        )
    if value.tzinfo is None or value.utcoffset() is None:
        raise DefinitionError(
            f"{attribute.name} must carry a timezone (e.g. Europe/Rome), got {value!r}",
            field=attribute.name,
        )


@attrs.frozen
class Deadline:
    """An answer deadline: a number of calendar or working days.

    Days are counted from the day after receipt (the day of receipt does
    not count, as for Italian administrative deadlines, L. 241/1990).

    Parameters
    ----------
    days
        The number of days, a positive whole number.
    unit
        ``calendar`` (default) or ``working`` days (working days skip
        weekends and holidays: see :class:`WorkCalendar`).

    Examples
    --------
    >>> Deadline(30)
    Deadline(days=30, unit=<DayUnit.CALENDAR: 'calendar'>)
    >>> str(Deadline(10, "working"))
    '10 working days'
    >>> Deadline.coerce({"days": 15, "unit": "working"}).unit
    <DayUnit.WORKING: 'working'>
    """

    days: int = attrs.field()
    unit: DayUnit = attrs.field(default=DayUnit.CALENDAR, converter=DayUnit)

    @days.validator
    def _check_days(self, attribute: attrs.Attribute[Any], value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise DefinitionError(
                f"a deadline is a positive whole number of days, not {value!r}", field="days"
            )

    def __str__(self) -> str:
        return f"{self.days} {self.unit.value} days"

    @classmethod
    def coerce(cls, value: Any) -> Deadline:
        """A Deadline from a Deadline, a number of calendar days or ``{days, unit}``."""
        if isinstance(value, Deadline):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return cls(value)
        if isinstance(value, Mapping):
            unknown = set(value) - {"days", "unit"}
            if unknown or "days" not in value:
                raise DefinitionError(
                    f"a deadline is a table {{days, unit}} (unit: calendar or working), "
                    f"not {dict(value)!r}",
                    field="deadline",
                )
            try:
                return cls(value["days"], value.get("unit", "calendar"))
            except ValueError as exc:
                if isinstance(exc, DefinitionError):
                    raise
                raise DefinitionError(
                    f"unit must be 'calendar' or 'working', not {value.get('unit')!r}",
                    field="deadline",
                ) from exc
        raise DefinitionError(
            f"a deadline is a number of days or a table {{days, unit}}, not {value!r}",
            field="deadline",
        )


@attrs.frozen
class Contact:
    """The citizen's contact details: personal data, kept apart from the complaint.

    The register stores contacts in their own table so they can be erased
    (GDPR art. 17) or pseudonymised without touching the record. The repr
    hides the values so they do not end up in logs.

    Examples
    --------
    >>> Contact(name="Mario Rossi", email="mario@example.org")
    Contact(<personal data>)
    """

    name: str | None = None
    email: str | None = None
    phone: str | None = None
    address: str | None = None

    def __repr__(self) -> str:
        return "Contact(<personal data>)"

    def is_empty(self) -> bool:
        """True when no field is given."""
        return not any((self.name, self.email, self.phone, self.address))


def _coordinate(limit: float) -> Any:
    """A converter to float and validator of a coordinate within ``±limit`` degrees."""

    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise DefinitionError(
                Message(
                    "{name} must be a number of degrees, not {value}",
                    N_("{name} dev'essere un numero di gradi, non {value}"),
                    name=attribute.name,
                    value=repr(value),
                ),
                field=attribute.name,
            )
        if not math.isfinite(value) or not -limit <= value <= limit:
            raise DefinitionError(
                Message(
                    "{name} must be between {low} and {high} degrees (WGS84), not {value}",
                    N_("{name} dev'essere tra {low} e {high} gradi (WGS84), non {value}"),
                    name=attribute.name,
                    low=f"{-limit:g}",
                    high=f"{limit:g}",
                    value=repr(value),
                ),
                field=attribute.name,
            )

    return check


def _optional_float(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def _check_optional_text(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and not isinstance(value, str):
        raise DefinitionError(f"{attribute.name} must be text, not {value!r}", field=attribute.name)


def _check_media_url(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is None:
        return
    if not isinstance(value, str):
        raise DefinitionError(
            Message(
                "media_url must be text, not {value}",
                N_("media_url dev'essere un testo, non {value}"),
                value=repr(value),
            ),
            field="media_url",
        )
    parts = urllib.parse.urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or value != value.strip():
        raise DefinitionError(
            Message(
                "media_url must be an http:// or https:// address, not {value}",
                N_("media_url dev'essere un indirizzo http:// o https://, non {value}"),
                value=repr(value),
            ),
            field="media_url",
        )


def _kind(value: Any) -> FeedbackKind:
    return FeedbackKind(value)


def _channel(value: Any) -> Channel:
    return Channel(value)


@attrs.frozen
class Complaint:
    """One citizen feedback record (reclamo, segnalazione, suggerimento, encomio).

    Parameters
    ----------
    id
        Protocol number, unique in the register (see :func:`check_complaint_id`).
    kind
        :class:`FeedbackKind` (or its value).
    channel
        :class:`Channel` (or its value).
    service
        Id of the service concerned.
    received_at
        When it was received; must carry a timezone.
    category
        Complaint category id (see :class:`ComplaintCategory`), optional.
    organization
        Id of the municipality, optional.
    description
        The citizen's text.
    contact
        Personal data, optional; hidden from repr and stored apart.
    latitude, longitude
        Where the problem is (WGS84 degrees, as Open311 GeoReport v2
        ``lat``/``long``), optional: latitude between -90 and 90, longitude
        between -180 and 180.
    address
        Where the problem is, as text (Open311 ``address_string``, e.g.
        ``"Via Roma 1, Milano"``), optional. Not the citizen's address
        (that is :attr:`Contact.address`).
    media_url
        A photo or document of the problem (Open311 ``media_url``), an
        ``http://`` or ``https://`` address, optional.

    Examples
    --------
    >>> import datetime as dt, zoneinfo
    >>> c = Complaint("2024/1", "complaint", "email", "registry",
    ...               dt.datetime(2024, 1, 8, 9, 30, tzinfo=zoneinfo.ZoneInfo("Europe/Rome")))
    >>> c.kind, c.channel
    (<FeedbackKind.COMPLAINT: 'complaint'>, <Channel.EMAIL: 'email'>)
    >>> Complaint("2024/2", "fault_report", "app", "roads", c.received_at,
    ...           latitude=45.4642, longitude=9, address="Piazza del Duomo, Milano",
    ...           media_url="https://example.org/buca.jpg").longitude
    9.0
    """

    id: str = attrs.field(validator=_check_cid)
    kind: FeedbackKind = attrs.field(converter=_kind)
    channel: Channel = attrs.field(converter=_channel)
    service: str = attrs.field(validator=check_id)
    received_at: dt.datetime = attrs.field(validator=_check_aware)
    category: str | None = attrs.field(default=None, validator=attrs.validators.optional(check_id))
    organization: str | None = attrs.field(default=None)
    description: str = attrs.field(default="", validator=attrs.validators.instance_of(str))
    contact: Contact | None = attrs.field(default=None, eq=False)
    latitude: float | None = attrs.field(
        default=None, converter=_optional_float, validator=_coordinate(90.0)
    )
    longitude: float | None = attrs.field(
        default=None, converter=_optional_float, validator=_coordinate(180.0)
    )
    address: str | None = attrs.field(default=None, validator=_check_optional_text)
    media_url: str | None = attrs.field(default=None, validator=_check_media_url)

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any], *, source: str | None = None) -> Complaint:
        """Build a Complaint from a dict; ``received_at`` may be an ISO 8601 string.

        ``contact`` may be a mapping ``{name, email, phone, address}``.
        """

        def when(value: Any) -> dt.datetime:
            if isinstance(value, str):
                try:
                    return dt.datetime.fromisoformat(value)
                except ValueError as exc:
                    raise DefinitionError(
                        f"not an ISO 8601 date-time: {value!r}", field="received_at"
                    ) from exc
            return value  # type: ignore[no-any-return, unused-ignore]

        def contact(value: Any) -> Contact | None:
            if value is None or isinstance(value, Contact):
                return value
            if isinstance(value, Mapping):
                unknown = set(value) - {"name", "email", "phone", "address"}
                if unknown:
                    raise DefinitionError(
                        f"unknown contact field(s) {sorted(unknown)}", field="contact"
                    )
                return Contact(**value)
            raise DefinitionError("contact must be a table", field="contact")

        return from_mapping(  # type: ignore[no-any-return, unused-ignore]
            cls,
            mapping,
            source=source,
            kind="complaint",
            converters={"received_at": when, "contact": contact},
        )


def _optional_status(value: Any) -> Status | None:
    return None if value is None else Status(value)


@attrs.frozen
class Event:
    """One appended entry of a complaint's history: who did what, when.

    Parameters
    ----------
    complaint_id
        The complaint.
    at
        When (timezone-aware).
    actor
        Who (user name, office, or ``"system"``).
    action
        What, as a verb (``"assign"``, ``"forward"``...).
    from_status, to_status
        The transition; ``from_status`` is None for the first event.
    note
        Free text: the reason of a rejection, why it was forwarded...
    target
        To whom: the assignee, or the body it was forwarded to.
    seq
        Position in the register (assigned by the register).
    """

    complaint_id: str = attrs.field(validator=_check_cid)
    at: dt.datetime = attrs.field(validator=_check_aware)
    actor: str = attrs.field(validator=attrs.validators.instance_of(str))
    action: str = attrs.field(validator=attrs.validators.instance_of(str))
    from_status: Status | None = attrs.field(converter=_optional_status)
    to_status: Status = attrs.field(converter=Status)
    note: str = attrs.field(default="")
    target: str | None = attrs.field(default=None)
    seq: int | None = attrs.field(default=None)


def _optional_deadline(value: Any) -> Deadline | None:
    return None if value is None else Deadline.coerce(value)


@attrs.frozen
class ComplaintCategory(LocalScope):
    """A complaint category of a service, optionally under a parent category.

    Plugins contribute categories through the
    ``qualitapa_complaint_categories`` hook or a ``[[complaint_categories]]``
    TOML section. A category's ``deadline`` overrides the service's; a
    subcategory without one inherits its parent's.

    Parameters
    ----------
    id
        Category id, e.g. ``"registry.waiting"``.
    label
        Label in Italian and other languages.
    service
        The service the category belongs to.
    parent
        Id of the parent category (same service), or None.
    deadline
        Answer deadline (:class:`Deadline`, a number of calendar days, or
        ``{days, unit}``), or None to use the service's.
    organizations
        Ids of the organizations the category applies to; empty (the
        default): all of them. A category with organizations is *local*:
        a complaint of another organization cannot have it (the register
        refuses it, suggesting the categories that apply), and its KPIs
        exist for those organizations only. A subcategory of a local
        category lists the same organizations or fewer.

    Examples
    --------
    >>> c = ComplaintCategory.from_mapping({"id": "registry.waiting",
    ...     "label": {"it": "Tempi di attesa", "en": "Waiting times"},
    ...     "service": "registry", "deadline": {"days": 10, "unit": "working"}})
    >>> str(c.deadline)
    '10 working days'
    >>> local = ComplaintCategory.from_mapping({"id": "registry.bilingual",
    ...     "label": {"it": "Bilinguismo", "de": "Zweisprachigkeit"},
    ...     "service": "registry", "organizations": ["021008"]})
    >>> local.is_local, local.applies_to("021008"), local.applies_to("036023")
    (True, True, False)
    >>> c.is_local, c.applies_to("036023")
    (False, True)
    """

    id: str = attrs.field(validator=check_id)
    label: Text = attrs.field(converter=to_text)
    service: str = attrs.field(validator=check_id)
    parent: str | None = attrs.field(default=None)
    deadline: Deadline | None = attrs.field(default=None, converter=_optional_deadline)
    organizations: tuple[str, ...] = attrs.field(
        default=(), converter=to_organizations, validator=check_organizations
    )

    @classmethod
    def from_mapping(
        cls, mapping: Mapping[str, Any], *, source: str | None = None
    ) -> ComplaintCategory:
        """Build a category from a TOML table or dict."""
        return from_mapping(  # type: ignore[no-any-return, unused-ignore]
            cls,
            mapping,
            source=source,
            kind="complaint category",
            converters={"deadline": Deadline.coerce, "label": Text.coerce},
        )

    def check(self, catalog: Catalog) -> list[Any]:
        """Problems with the category in ``catalog`` (for ``qualitapa plugin check``).

        * The category tree: unknown parent, parent of another service, cycle.
        * A local category's organizations that no plugin registers, each
          with the closest registered id as a suggestion.
        * A subcategory that applies where its local parent does not.
        """
        problems: list[Any] = []
        cats = catalog.complaint_categories
        seen = {self.id}
        parent = self.parent
        while parent is not None:
            if parent not in cats:
                problems.append(f"parent category {parent!r} is not defined")
                break
            if cats[parent].service != self.service:
                problems.append(
                    f"parent category {parent!r} belongs to service "
                    f"{cats[parent].service!r}, not {self.service!r}"
                )
                break
            if parent in seen:
                problems.append("the category tree has a cycle")
                break
            seen.add(parent)
            parent = cats[parent].parent
        problems += self._check_scope(catalog)
        return problems

    def _check_scope(self, catalog: Catalog) -> list[Any]:
        from qualitapa.catalog import Problem
        from qualitapa.problems import Rule

        problems: list[Any] = []
        known = sorted(getattr(catalog, "organizations", {}))
        for org in self.organizations:
            if org in known:
                continue
            problems.append(
                Problem(
                    None,
                    "complaint category",
                    self.id,
                    f"organization {org!r} is not registered by any plugin; a local category "
                    "lists the ids of the organizations it applies to",
                    field="organizations",
                    value=org,
                    rule=Rule.UNKNOWN_VALUE,
                    suggestion=_organization_hint(catalog, org, known),
                )
            )
        parent = catalog.complaint_categories.get(self.parent) if self.parent else None
        if parent is not None and parent.is_local:
            outside = (
                sorted(set(self.organizations) - set(parent.organizations))
                if self.is_local
                else None
            )
            if outside is None or outside:
                where = f"to {outside}" if outside else "to every organization"
                problems.append(
                    Problem(
                        None,
                        "complaint category",
                        self.id,
                        f"applies {where}, but its parent category {parent.id!r} only to "
                        f"{list(parent.organizations)}",
                        field="organizations",
                        value=list(self.organizations),
                        rule=Rule.INCONSISTENT,
                        suggestion=f"organizations = {list(parent.organizations)!r}".replace(
                            "'", '"'
                        ),
                    )
                )
        return problems


def _organization_hint(catalog: Catalog, org: str, known: list[str]) -> str:
    """How to fix an unknown organization id: its id when ``org`` is a name, else the closest."""
    index = getattr(catalog, "organization_index", None)
    if index is not None and len(index):
        found = index.resolve([org]).codes.get(org)
        if found is not None:
            return f"write its id {found!r} ({index.names.get(found, found)})"
        close = index.suggest(org, n=1)
        if close:
            return f"did you mean {close[0]}?"
    close = difflib.get_close_matches(org, known, n=1, cutoff=0.6)
    if close:
        return f"did you mean {close[0]!r}?"
    return "register the organization in [[organizations]], or remove it from the list"
