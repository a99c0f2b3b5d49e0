"""Service charters (carte dei servizi)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from qualitapa.errors import DefinitionError
from qualitapa.models import Text, check_id, from_mapping, to_date, to_optional_text, to_text

if TYPE_CHECKING:
    from qualitapa.catalog import Catalog

__all__ = ["Charter", "ComplaintProcedure", "Contact", "ContactPoint", "OpeningHours"]


def _opt_date(value: Any) -> dt.date | None:
    return None if value is None else to_date(value)


@attrs.frozen
class ContactPoint:
    """A contact point of the service (office, phone, e-mail, PEC, address, web)."""

    label: Text = attrs.field(converter=to_text)
    phone: str | None = None
    email: str | None = None
    pec: str | None = None
    address: str | None = None
    web: str | None = None

    @classmethod
    def coerce(cls, value: Any) -> ContactPoint:
        """Build from a ContactPoint or a table of its fields."""
        if isinstance(value, ContactPoint):
            return value
        return from_mapping(cls, value, kind="contact")


#: The name before 0.2.0 (:class:`qualitapa.complaints.Contact` is a citizen's
#: personal contact details, a different thing).
Contact = ContactPoint


@attrs.frozen
class OpeningHours:
    """Opening hours of a place: ``days`` (e.g. "lunedì-venerdì") and ``hours`` ("8:30-12:30")."""

    days: Text = attrs.field(converter=to_text)
    hours: str = attrs.field(validator=attrs.validators.instance_of(str))
    place: Text | None = attrs.field(default=None, converter=to_optional_text)

    @classmethod
    def coerce(cls, value: Any) -> OpeningHours:
        """Build from an OpeningHours or a table of its fields."""
        if isinstance(value, OpeningHours):
            return value
        return from_mapping(cls, value, kind="opening hours")


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
        if isinstance(value, ComplaintProcedure):
            return value
        return from_mapping(cls, value, kind="complaint procedure")


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
        Bilingual title.
    valid_from, valid_to
        Validity period (``valid_to`` optional: until replaced).
    standards
        Ids of the quality standards it publishes.
    introduction
        Optional bilingual text (who we are, what we offer).
    contacts, opening_hours
        Where and when citizens find the service.
    complaint_procedure
        How to complain, with the answer deadline.
    refund_policy
        General text on refunds; the amounts come from the standards'
        refund rules.

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

    def __attrs_post_init__(self) -> None:
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise DefinitionError("valid_to is before valid_from", item=self.id, field="valid_to")
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
