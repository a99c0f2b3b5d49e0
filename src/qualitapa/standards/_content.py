"""A city's own content of a service charter: contacts, hours, channels, notes, approval.

A service plugin's charter is the shared model (standards, complaint
procedure, refunds); each city that adopts it supplies what only the city
knows in a ``[[charter_content]]`` item of its own plugin::

    [[charter_content]]
    charter = "registry.charter"
    organization = "036023"
    authority = { it = "Comune di Modena" }
    status = "published"
    version = "3.0"
    approval = { body = "Giunta comunale", number = "87", date = 2025-03-11 }
    channels = ["counter", "phone", "email", "pec", "web"]
    contacts = [{ label = "Ufficio anagrafe", phone = "059 203 2000" }]
    opening_hours = [{ days = "lunedì-venerdì", hours = "8:30-13:00" }]
    notes = [{ it = "Si accede su appuntamento." }]

:func:`qualitapa.standards.render_charter` merges it into the charter
rendered for that organization (:meth:`CharterContent.apply`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from qualitapa.errors import DefinitionError
from qualitapa.models import Text, check_id, from_mapping, to_optional_text, to_text
from qualitapa.standards._charter import (
    ApprovalAct,
    Charter,
    CharterStatus,
    ContactPoint,
    OpeningHours,
    _approval,
    _check_approved,
    _check_period,
    _contacts,
    _hours,
    _opt_date,
    _status,
    _str_tuple,
    _tuple_of,
    _version,
)

if TYPE_CHECKING:
    from qualitapa.catalog import Catalog


def _opt_status(value: Any) -> CharterStatus | None:
    return None if value is None else _status(value)


def _texts(values: Any) -> tuple[Text, ...]:
    return _tuple_of(to_text)(values)


def _check_organization(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, str) or not value.strip():
        raise DefinitionError(
            f"the organization is its code as text (write '036023' in quotes), not {value!r}",
            field="organization",
        )


def _default_id(self: Any) -> str:
    return f"{self.charter}.{self.organization}"


@attrs.frozen
class CharterContent:
    """What one organization adds to a charter: the city's part of it.

    Parameters
    ----------
    charter
        Id of the charter (``"registry.charter"``).
    organization
        Code of the organization (``"036023"``).
    id
        Defaults to ``"<charter>.<organization>"``.
    authority
        Who issues the charter (``{ it = "Comune di Bolzano", de = "Stadtgemeinde Bozen" }``).
    introduction
        The city's own introduction (replaces the model charter's).
    status, approval, version
        The city's own status, approval act and version (they replace the
        model charter's); ``approved`` and ``published`` need ``approval``.
    valid_from, valid_to
        When the city's charter is in force, if not the model's dates.
    contacts, opening_hours
        The city's contact points and opening hours (they replace the
        model charter's, if it has any).
    channels
        How citizens reach the service: channel ids (``counter``,
        ``phone``, ``email``, ``pec``, ``web``, ``app``, ``letter``,
        ``appointment``) or labels in words.
    notes
        Local notes, each a label in one or more languages.

    Examples
    --------
    >>> c = CharterContent.from_mapping({"charter": "registry.charter",
    ...     "organization": "036023", "channels": ["counter", "pec"],
    ...     "notes": [{"it": "Su appuntamento", "de": "Nach Vereinbarung"}]})
    >>> c.id, c.channels, c.notes[0].get("de")
    ('registry.charter.036023', ('counter', 'pec'), 'Nach Vereinbarung')
    """

    charter: str = attrs.field(validator=check_id)
    organization: str = attrs.field(validator=_check_organization)
    id: str = attrs.field(default=attrs.Factory(_default_id, takes_self=True), validator=check_id)
    authority: Text | None = attrs.field(default=None, converter=to_optional_text)
    introduction: Text | None = attrs.field(default=None, converter=to_optional_text)
    status: CharterStatus | None = attrs.field(default=None, converter=_opt_status)
    approval: ApprovalAct | None = attrs.field(default=None, converter=_approval)
    version: str | None = attrs.field(default=None, converter=_version)
    valid_from: dt.date | None = attrs.field(default=None, converter=_opt_date)
    valid_to: dt.date | None = attrs.field(default=None, converter=_opt_date)
    contacts: tuple[ContactPoint, ...] = attrs.field(default=(), converter=_contacts)
    opening_hours: tuple[OpeningHours, ...] = attrs.field(default=(), converter=_hours)
    channels: tuple[str, ...] = attrs.field(default=(), converter=_str_tuple)
    notes: tuple[Text, ...] = attrs.field(default=(), converter=_texts)

    def __attrs_post_init__(self) -> None:
        _check_approved(self.id, self.status, self.approval)
        _check_period(self.id, self.valid_from, self.valid_to)
        if len(set(self.channels)) != len(self.channels):
            raise DefinitionError("a channel is listed twice", item=self.id, field="channels")

    @classmethod
    def from_mapping(
        cls, mapping: Mapping[str, Any], *, source: str | None = None
    ) -> CharterContent:
        """Build from a TOML table or dict (errors name source, item and field).

        Examples
        --------
        >>> CharterContent.from_mapping({"charter": "registry.charter",
        ...     "organization": "036023", "status": "approved"})
        Traceback (most recent call last):
        ...
        qualitapa.errors.DefinitionError: ...field 'approval': a charter with status 'approved'...
        """
        item = mapping.get("id") if isinstance(mapping, Mapping) else None
        if item is None and isinstance(mapping, Mapping):
            item = f"{mapping.get('charter')}.{mapping.get('organization')}"
        try:
            return from_mapping(
                cls,
                mapping,
                source=source,
                kind="charter content",
                converters={
                    "valid_from": _opt_date,
                    "valid_to": _opt_date,
                    "approval": _approval,
                    "contacts": _tuple_of(ContactPoint.coerce),
                    "opening_hours": _tuple_of(OpeningHours.coerce),
                    "notes": _texts,
                },
            )
        except DefinitionError as exc:
            if exc.item is not None:
                raise
            raise DefinitionError(
                exc.message, source=exc.source, item=str(item), field=exc.field
            ) from exc

    def apply(self, charter: Charter) -> Charter:
        """The charter as this organization publishes it.

        Introduction, status, approval, version and dates replace the
        charter's when given; contacts and opening hours replace the charter's when the
        content has any.

        Raises
        ------
        DefinitionError
            The content belongs to another charter.

        Examples
        --------
        >>> ch = Charter("registry.charter", "registry", "Carta", "2025-01-01")
        >>> mo = CharterContent("registry.charter", "036023", version="3.0")
        >>> mo.apply(ch).version, ch.version
        ('3.0', None)
        """
        if self.charter != charter.id:
            raise DefinitionError(
                f"this content belongs to charter {self.charter!r}, not {charter.id!r}",
                item=self.id,
                field="charter",
            )
        changes: dict[str, Any] = {}
        for name in ("introduction", "status", "approval", "version", "valid_from", "valid_to"):
            value = getattr(self, name)
            if value is not None:
                changes[name] = value
        if self.status is not None and self.approval is None and not self.status.needs_approval:
            changes["approval"] = None  # e.g. a city's draft: the model's act is not the city's
        if self.contacts:
            changes["contacts"] = self.contacts
        if self.opening_hours:
            changes["opening_hours"] = self.opening_hours
        return attrs.evolve(charter, **changes)

    def check(self, catalog: Catalog) -> list[Any]:
        """Problems against ``catalog``: an unknown organization or charter.

        An unknown charter of an installed service is a warning (a typo:
        the content is never used); a charter of a service that is not
        installed is no problem (a club plugin may give content for the
        charters of services a city does not install). Two contents for the
        same charter and organization are an error.
        """
        from qualitapa.catalog import Problem

        problems: list[Any] = []
        service = self.charter.split(".")[0]
        installed = service in getattr(catalog, "services", {})
        if self.charter not in getattr(catalog, "charters", {}) and installed:
            problems.append(
                Problem(
                    None,
                    "charter content",
                    self.id,
                    f"charter {self.charter!r} is not defined by any plugin (service "
                    f"{service!r} is installed): this content is not used",
                    "warning",
                )
            )
        orgs = getattr(catalog, "organizations", {})
        if orgs and self.organization not in orgs:
            problems.append(f"organization {self.organization!r} is not registered by any plugin")
        for other in getattr(catalog, "charter_content", {}).values():
            if other.id != self.id and (other.charter, other.organization) == (
                self.charter,
                self.organization,
            ):
                problems.append(
                    f"{other.id!r} also gives the content of {self.charter!r} for "
                    f"{self.organization!r}"
                )
        return problems


def content_for(
    contents: Iterable[CharterContent] | Mapping[str, CharterContent] | None,
    charter: Charter,
    organization: str | None,
) -> CharterContent | None:
    """The content ``organization`` gives for ``charter`` (None if none or no organization).

    Raises
    ------
    DefinitionError
        Two contents for the same charter and organization.

    Examples
    --------
    >>> ch = Charter("registry.charter", "registry", "Carta", "2025-01-01")
    >>> mo = CharterContent("registry.charter", "036023")
    >>> content_for([mo], ch, "036023") is mo, content_for([mo], ch, "022205")
    (True, None)
    """
    if contents is None or organization is None:
        return None
    items = contents.values() if isinstance(contents, Mapping) else contents
    found = [c for c in items if c.charter == charter.id and c.organization == organization]
    if len(found) > 1:
        raise DefinitionError(
            f"{len(found)} contents of charter {charter.id!r} for organization "
            f"{organization!r}: {', '.join(c.id for c in found)}",
            item=found[1].id,
        )
    return found[0] if found else None
