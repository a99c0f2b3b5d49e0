"""A charter in words: the context the charter templates render.

Everything a reader sees is worded here, in the reader's language, through
the :class:`~qualitapa.i18n.Translator`: standards by their label,
comparators in words with locale numbers and units in the singular or plural
the number needs (*al massimo 10 minuti*, *höchstens 10 Minuten*), channels
by name, dates in words (*in vigore dal 1° gennaio 2025*). The templates only
lay it out; the template engine escapes it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import attrs

from qualitapa._labelling import CHANNEL_WORDS
from qualitapa.models import Comparator
from qualitapa.standards._charter import ApprovalAct, Charter, ComplaintProcedure, ContactPoint
from qualitapa.standards._content import CharterContent, content_for
from qualitapa.standards._model import QualityStandard, RefundRule, Scope, StandardTarget
from qualitapa.standards._scope import charter_standards

if TYPE_CHECKING:
    from typing import TypeAlias

    from qualitapa.i18n import Translator, Unit
    from qualitapa.models import Text

    #: What a standard's unit may be: a built-in unit's id or alias, a label, a Unit.
    UnitLike: TypeAlias = Unit | Text | str


@attrs.frozen
class Field:
    """A labelled value (``Telefono``: ``059 203 2000``); ``href`` makes it a link."""

    label: str
    value: str
    href: str | None = None


@attrs.frozen
class ContactView:
    """A contact point: its name and its fields."""

    label: str
    fields: tuple[Field, ...]


@attrs.frozen
class StandardRow:
    """One standard as the charter's table shows it."""

    dimension: str
    label: str
    description: str
    target: str
    scope: str
    refund: str


@attrs.frozen
class CharterView:
    """Every text of a rendered charter, already in the reader's language."""

    lang: str
    title: str
    authority: str
    status: str
    status_label: str
    meta: tuple[Field, ...]
    validity: str
    introduction: str
    contacts: tuple[ContactView, ...]
    channels: str
    opening_hours: tuple[tuple[str, str, str], ...]
    standards: tuple[StandardRow, ...]
    complaint_text: str
    complaint_items: tuple[str, ...]
    refund_policy: str
    notes: tuple[str, ...]
    draft_notice: str


def _t_channel(t: Translator, channel: str) -> str:
    msgid = CHANNEL_WORDS.get(channel.strip().lower())
    return t(msgid) if msgid is not None else channel


def channel_names(t: Translator, channels: Iterable[str]) -> str:
    """Channels by name, in a list of words: ``sportello, posta elettronica, PEC``."""
    return ", ".join(_t_channel(t, c) for c in channels)


def _elides(t: Translator, day: dt.date) -> bool:
    """Whether Italian elides the preposition before the day (*dall'8*, *dell'11*)."""
    return t.lang == "it" and day.day in (8, 11)


def date_words(t: Translator, day: dt.date) -> str:
    """A date in words: *1° gennaio 2025*, *1. Januar 2025*, *1 January 2025*."""
    text = t.date(day)
    if t.lang == "it" and day.day == 1 and text.startswith("1 "):
        text = "1°" + text[1:]
    return text


def validity(t: Translator, start: dt.date, end: dt.date | None) -> str:
    """*In vigore dal 1° gennaio 2025* (*al 31 dicembre 2027*)."""
    s = date_words(t, start)
    if end is None:
        if _elides(t, start):
            return t("In vigore dall'{start}", start=s)
        return t("In vigore dal {start}", start=s)
    e = date_words(t, end)
    if _elides(t, start):
        if _elides(t, end):
            return t("In vigore dall'{start} all'{end}", start=s, end=e)
        return t("In vigore dall'{start} al {end}", start=s, end=e)
    if _elides(t, end):
        return t("In vigore dal {start} all'{end}", start=s, end=e)
    return t("In vigore dal {start} al {end}", start=s, end=e)


def approval_words(t: Translator, act: ApprovalAct) -> str:
    """*Giunta comunale, deliberazione n. 87 dell'11 marzo 2025*."""
    kind = t.text(act.kind) if act.kind is not None else t("deliberazione")
    values = {"body": t.text(act.body), "kind": kind, "number": act.number}
    day = date_words(t, act.date)
    if _elides(t, act.date):
        return t("{body}, {kind} n. {number} dell'{date}", date=day, **values)
    return t("{body}, {kind} n. {number} del {date}", date=day, **values)


def _digits(value: float) -> int:
    """The decimals a committed value was written with (30 -> 0, 0.5 -> 1, 1.25 -> 2)."""
    if float(value).is_integer():
        return 0
    return min(len(repr(float(value)).split(".")[1]), 3)


def quantity(t: Translator, value: float, unit: UnitLike | None) -> str:
    """``10 minuti``, ``0,5%`` (``unit`` None: the number alone), as many decimals as written."""
    digits = _digits(value)
    if unit is None:
        return t.number(value, digits=digits)
    return t.quantity(value, unit, digits=digits)


def target_words(t: Translator, target: StandardTarget, unit: UnitLike | None) -> str:
    """The target in words: *al massimo 10 minuti*, *almeno 30 ore settimanali*."""
    if target.comparator is Comparator.BETWEEN:
        return t(
            "tra {low} e {high}",
            low=t.number(target.value, digits=_digits(target.value)),
            high=quantity(t, target.upper or 0.0, unit),
        )
    value = quantity(t, target.value, unit)
    if target.comparator is Comparator.GE:
        return t("almeno {value}", value=value)
    if target.comparator is Comparator.LE:
        if target.value == 0:  # "al massimo 0 giorni" says less than "0 giorni"
            return value
        return t("al massimo {value}", value=value)
    text = t("pari a {value}", value=value)
    if target.tolerance:
        text += " " + t("(± {tolerance})", tolerance=quantity(t, target.tolerance, unit))
    return text


def refund_words(t: Translator, rule: RefundRule, unit: UnitLike | None) -> str:
    """The refund in words: its description, else *5 € + 1 € ogni 10 minuti (al massimo 20 €)*."""
    if rule.description is not None:
        return t.text(rule.description)

    def money(amount: float) -> str:
        return t.currency(amount, rule.currency, digits=0 if amount.is_integer() else 2)

    parts = []
    if rule.amount:
        parts.append(money(rule.amount))
    if rule.per_unit:
        parts.append(
            t(
                "{amount} ogni {quantity}",
                amount=money(rule.per_unit),
                quantity=quantity(t, rule.unit_size, unit),
            )
        )
    text = " + ".join(parts)
    if rule.cap is not None:
        text += " " + t("(al massimo {amount})", amount=money(rule.cap))
    return text


def _row(t: Translator, std: QualityStandard) -> StandardRow:
    dim = t.text(std.dimension.label)
    if std.sub_dimension is not None:
        dim += f" ({t.text(std.sub_dimension.label)})"
    target = target_words(t, std.target, std.unit)
    if std.scope is Scope.SPECIFIC and std.required_share < 1:
        share = t.percent(std.required_share, digits=0)
        target = t("{target} (obiettivo: {share} dei casi)", target=target, share=share)
    return StandardRow(
        dimension=dim,
        label=t.text(std.label),
        description=t.text(std.description) if std.description is not None else "",
        target=target,
        scope=t("specifico") if std.scope is Scope.SPECIFIC else t("generale"),
        refund=refund_words(t, std.refund, std.unit) if std.refund is not None else "—",
    )


def _contact(t: Translator, contact: ContactPoint) -> ContactView:
    fields = []
    if contact.address is not None:
        fields.append(Field(t("Indirizzo"), t.text(contact.address)))
    if contact.phone:
        tel = "".join(ch for ch in contact.phone if ch.isdigit() or ch == "+")
        fields.append(Field(t("Telefono"), contact.phone, f"tel:{tel}" if tel else None))
    if contact.email:
        fields.append(Field(t("Posta elettronica"), contact.email, f"mailto:{contact.email}"))
    if contact.pec:
        fields.append(Field(t("PEC"), contact.pec, f"mailto:{contact.pec}"))
    if contact.web:
        href = contact.web if contact.web.startswith(("https://", "http://")) else None
        fields.append(Field(t("Sito web"), contact.web, href))
    return ContactView(t.text(contact.label), tuple(fields))


def _complaint_items(t: Translator, cp: ComplaintProcedure) -> tuple[str, ...]:
    days = cp.answer_days
    if cp.working_days:
        deadline = t.plural(
            "Risposta entro {n} giorno lavorativo", "Risposta entro {n} giorni lavorativi", days
        )
    else:
        deadline = t.plural("Risposta entro {n} giorno", "Risposta entro {n} giorni", days)
    items = [deadline]
    if cp.channels:
        items.append(t("Canali: {channels}", channels=channel_names(t, cp.channels)))
    return tuple(items)


def charter_view(
    charter: Charter,
    standards: Mapping[str, QualityStandard] | Iterable[QualityStandard],
    t: Translator,
    *,
    organization: str | None = None,
    content: CharterContent | Iterable[CharterContent] | Mapping[str, CharterContent] | None = None,
) -> CharterView:
    """Word the charter (as ``organization`` publishes it) in ``t``'s language.

    Examples
    --------
    >>> from qualitapa.i18n import translator
    >>> ch = Charter("registry.charter", "registry", "Carta", "2025-01-08")
    >>> charter_view(ch, [], translator("it")).validity
    "In vigore dall'8 gennaio 2025"
    """
    found: CharterContent | None
    if isinstance(content, CharterContent):
        found = content if organization in (None, content.organization) else None
    else:
        found = content_for(content, charter, organization)
    if found is not None:
        charter = found.apply(charter)
    meta = [Field(t("Stato"), t.text(charter.status.label))]
    if charter.version is not None:
        meta.append(Field(t("Versione"), charter.version))
    if charter.approval is not None:
        meta.append(Field(t("Approvazione"), approval_words(t, charter.approval),
                          charter.approval.url))  # fmt: skip
    cp = charter.complaint_procedure
    notice = ""
    if not charter.status.needs_approval:
        notice = (
            t("Bozza: questa carta non è ancora stata approvata.")
            if charter.status.value == "draft"
            else t(
                "Questa carta è in revisione: resta in vigore fino all'approvazione della nuova."
            )
        )
    return CharterView(
        lang=t.lang,
        title=t.text(charter.title),
        authority=t.text(found.authority) if found is not None and found.authority else "",
        status=charter.status.value,
        status_label=t.text(charter.status.label),
        meta=tuple(meta),
        validity=validity(t, charter.valid_from, charter.valid_to),
        introduction=t.text(charter.introduction) if charter.introduction is not None else "",
        contacts=tuple(_contact(t, c) for c in charter.contacts),
        channels=channel_names(t, found.channels) if found is not None else "",
        opening_hours=tuple(
            (t.text(h.place) if h.place is not None else "", t.text(h.days), h.hours)
            for h in charter.opening_hours
        ),
        standards=tuple(_row(t, s) for s in charter_standards(charter, standards, organization)),
        complaint_text=t.text(cp.description) if cp is not None and cp.description else "",
        complaint_items=_complaint_items(t, cp) if cp is not None else (),
        refund_policy=t.text(charter.refund_policy) if charter.refund_policy is not None else "",
        notes=tuple(t.text(n) for n in found.notes) if found is not None else (),
        draft_notice=notice,
    )
