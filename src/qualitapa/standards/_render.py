"""Render a service charter to Markdown or HTML for publication.

Every piece of text coming from definitions is escaped: HTML with
:func:`html.escape`, Markdown by backslash-escaping its special characters
(and HTML-escaping ``<``, ``>`` and ``&``, which Markdown passes through as
raw HTML). A charter that says ``<script>`` shows it, never runs it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal

from qualitapa.standards._charter import Charter, ComplaintProcedure
from qualitapa.standards._model import QualityStandard, Scope
from qualitapa.standards._scope import charter_standards

__all__ = ["CharterFormat", "md_escape", "render_charter", "render_html", "render_markdown"]

#: The formats :func:`render_charter` writes (``"markdown"`` is ``"md"``).
CharterFormat = Literal["md", "markdown", "html"]

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~])")

_WORDS = {
    "it": {
        "valid": "In vigore dal {start}",
        "until": " al {end}",
        "standards": "Standard di qualità",
        "dimension": "Dimensione",
        "standard": "Standard",
        "indicator": "Indicatore",
        "target": "Valore garantito",
        "scope": "Tipo",
        "refund": "Indennizzo",
        "general": "generale",
        "specific": "specifico",
        "contacts": "Contatti",
        "hours": "Orari di apertura",
        "complaints": "Reclami",
        "deadline": "Risposta entro {days} giorni {kind}",
        "working": "lavorativi",
        "calendar": "di calendario",
        "channels": "Canali",
        "refunds": "Indennizzi",
        "phone": "Telefono",
        "email": "E-mail",
        "pec": "PEC",
        "address": "Indirizzo",
        "web": "Sito web",
        "none": "-",
    },
    "en": {
        "valid": "In force from {start}",
        "until": " to {end}",
        "standards": "Quality standards",
        "dimension": "Dimension",
        "standard": "Standard",
        "indicator": "Indicator",
        "target": "Guaranteed value",
        "scope": "Type",
        "refund": "Refund",
        "general": "general",
        "specific": "specific",
        "contacts": "Contacts",
        "hours": "Opening hours",
        "complaints": "Complaints",
        "deadline": "Answer within {days} {kind} days",
        "working": "working",
        "calendar": "calendar",
        "channels": "Channels",
        "refunds": "Refunds",
        "phone": "Phone",
        "email": "E-mail",
        "pec": "Certified e-mail (PEC)",
        "address": "Address",
        "web": "Website",
        "none": "-",
    },
}


def md_escape(text: str) -> str:
    """Escape ``text`` for Markdown (also neutralising raw HTML).

    Examples
    --------
    >>> md_escape("a|b <script>*x*</script>")
    'a\\\\|b &lt;script&gt;\\\\*x\\\\*&lt;/script&gt;'
    """
    text = html.escape(str(text), quote=False)
    return _MD_SPECIAL.sub(r"\\\1", text).replace("\n", " ")


def _rows(
    charter: Charter,
    standards: Mapping[str, QualityStandard] | Iterable[QualityStandard],
    lang: str,
    organization: str | None,
) -> list[dict[str, str]]:
    w = _WORDS[lang]
    rows = []
    for std in charter_standards(charter, standards, organization):
        dim = std.dimension.label.get(lang)
        if std.sub_dimension is not None:
            dim += f" ({std.sub_dimension.label.get(lang)})"
        target = std.target.describe(lang) + (f" {std.unit}" if std.unit else "")
        if std.scope is Scope.SPECIFIC and std.required_share < 1:
            share = f"{std.required_share * 100:g}%"
            target += f" ({share} " + ("dei casi" if lang == "it" else "of cases") + ")"
        rows.append(
            {
                "dimension": dim,
                "standard": std.label.get(lang),
                "description": std.description.get(lang) if std.description else "",
                "target": target,
                "scope": w[std.scope.value],
                "refund": std.refund.describe(std.unit, lang) if std.refund else w["none"],
            }
        )
    return rows


def _contact_lines(charter: Charter, lang: str) -> list[tuple[str, list[tuple[str, str]]]]:
    w = _WORDS[lang]
    out = []
    for c in charter.contacts:
        fields = [
            (w[k], v)
            for k, v in (
                ("phone", c.phone),
                ("email", c.email),
                ("pec", c.pec),
                ("address", c.address),
                ("web", c.web),
            )
            if v
        ]
        out.append((c.label.get(lang), fields))
    return out


def _hours_items(charter: Charter, lang: str, e: Callable[[Any], str]) -> list[str]:
    """The opening hours as escaped list items (``place: days hours``)."""
    items = []
    for h in charter.opening_hours:
        place = f"{e(h.place.get(lang))}: " if h.place else ""
        items.append(f"{place}{e(h.days.get(lang))} {e(h.hours)}")
    return items


def _complaint_items(cp: ComplaintProcedure, lang: str, e: Callable[[Any], str]) -> list[str]:
    """The complaint procedure's deadline and channels as escaped list items."""
    w = _WORDS[lang]
    kind = w["working"] if cp.working_days else w["calendar"]
    items = [e(w["deadline"].format(days=cp.answer_days, kind=kind))]
    if cp.channels:
        items.append(f"{e(w['channels'])}: " + ", ".join(e(c) for c in cp.channels))
    return items


def _validity(charter: Charter, lang: str) -> str:
    w = _WORDS[lang]
    text = w["valid"].format(start=charter.valid_from.isoformat())
    if charter.valid_to is not None:
        text += w["until"].format(end=charter.valid_to.isoformat())
    return text


def render_markdown(
    charter: Charter,
    standards: Mapping[str, QualityStandard] | Iterable[QualityStandard],
    *,
    lang: str = "it",
    organization: str | None = None,
) -> str:
    """The charter as a Markdown document.

    Parameters
    ----------
    charter
        The charter.
    standards
        Its standards: a mapping id -> standard (e.g. ``catalog.standards``)
        or an iterable of standards.
    lang
        ``"it"`` or ``"en"``.
    organization
        Render the charter of this organization: its local standards
        replace the general ones they replace, and standards that do not
        apply to it are left out (see :func:`charter_standards`).

    Examples
    --------
    >>> from qualitapa.standards import Charter, QualityStandard
    >>> std = QualityStandard("registry.wait", "registry", "timeliness",
    ...                       {"it": "Attesa", "en": "Waiting"}, "<= 20",
    ...                       formula="waiting_minutes", unit="min", scope="specific")
    >>> ch = Charter("registry.charter", "registry", "Carta *servizi*", "2025-01-01",
    ...              standards=["registry.wait"])
    >>> print(render_markdown(ch, [std]))  # doctest: +NORMALIZE_WHITESPACE
    # Carta \\*servizi\\*
    <BLANKLINE>
    In vigore dal 2025\\-01\\-01
    <BLANKLINE>
    ## Standard di qualità
    <BLANKLINE>
    | Dimensione | Standard | Valore garantito | Tipo | Indennizzo |
    | --- | --- | --- | --- | --- |
    | Tempestività | Attesa | al massimo 20 min | specifico | \\- |
    <BLANKLINE>
    """
    w = _WORDS["en" if lang == "en" else "it"]
    lang = "en" if lang == "en" else "it"
    e = md_escape
    out = [f"# {e(charter.title.get(lang))}", "", e(_validity(charter, lang)), ""]
    if charter.introduction is not None:
        out += [e(charter.introduction.get(lang)), ""]
    rows = _rows(charter, standards, lang, organization)
    if rows:
        out += [
            f"## {w['standards']}",
            "",
            "| "
            + " | ".join(w[k] for k in ("dimension", "standard", "target", "scope", "refund"))
            + " |",
            "| --- | --- | --- | --- | --- |",
        ]
        for r in rows:
            name = e(r["standard"]) + (f": {e(r['description'])}" if r["description"] else "")
            out.append(
                f"| {e(r['dimension'])} | {name} | {e(r['target'])} | {e(r['scope'])} | "
                f"{e(r['refund'])} |"
            )
        out.append("")
    if charter.contacts:
        out += [f"## {w['contacts']}", ""]
        for label, fields in _contact_lines(charter, lang):
            out.append(f"- **{e(label)}**" + "".join(f"; {e(k)}: {e(v)}" for k, v in fields))
        out.append("")
    if charter.opening_hours:
        out += [f"## {w['hours']}", ""]
        out += [f"- {item}" for item in _hours_items(charter, lang, e)]
        out.append("")
    cp = charter.complaint_procedure
    if cp is not None:
        out += [f"## {w['complaints']}", ""]
        if cp.description is not None:
            out += [e(cp.description.get(lang)), ""]
        out += [f"- {item}" for item in _complaint_items(cp, lang, e)]
        out.append("")
    if charter.refund_policy is not None:
        out += [f"## {w['refunds']}", "", e(charter.refund_policy.get(lang)), ""]
    return "\n".join(out)


def render_html(
    charter: Charter,
    standards: Mapping[str, QualityStandard] | Iterable[QualityStandard],
    *,
    lang: str = "it",
    organization: str | None = None,
) -> str:
    """The charter as a standalone HTML page (all text escaped).

    ``organization`` renders that organization's charter, as in
    :func:`render_markdown`.

    Examples
    --------
    >>> from qualitapa.standards import Charter
    >>> page = render_html(Charter("x.c", "x", "<b>Carta</b>", "2025-01-01"), [])
    >>> "&lt;b&gt;Carta&lt;/b&gt;" in page and "<b>" not in page
    True
    """
    lang = "en" if lang == "en" else "it"
    w = _WORDS[lang]

    def e(text: Any) -> str:
        return html.escape(str(text), quote=True)

    title = e(charter.title.get(lang))
    body = [f"<h1>{title}</h1>", f'<p class="validity">{e(_validity(charter, lang))}</p>']
    if charter.introduction is not None:
        body.append(f"<p>{e(charter.introduction.get(lang))}</p>")
    rows = _rows(charter, standards, lang, organization)
    if rows:
        head = "".join(
            f"<th>{e(w[k])}</th>" for k in ("dimension", "standard", "target", "scope", "refund")
        )
        body += [f"<h2>{e(w['standards'])}</h2>", "<table>", f"<thead><tr>{head}</tr></thead>",
                 "<tbody>"]  # fmt: skip
        for r in rows:
            desc = (
                f'<br><span class="description">{e(r["description"])}</span>'
                if r["description"]
                else ""
            )
            body.append(
                f"<tr><td>{e(r['dimension'])}</td><td>{e(r['standard'])}{desc}</td>"
                f"<td>{e(r['target'])}</td><td>{e(r['scope'])}</td><td>{e(r['refund'])}</td></tr>"
            )
        body += ["</tbody>", "</table>"]
    if charter.contacts:
        body += [f"<h2>{e(w['contacts'])}</h2>", "<ul>"]
        for label, fields in _contact_lines(charter, lang):
            extra = "".join(f"; {e(k)}: {e(v)}" for k, v in fields)
            body.append(f"<li><strong>{e(label)}</strong>{extra}</li>")
        body.append("</ul>")
    if charter.opening_hours:
        body += [f"<h2>{e(w['hours'])}</h2>", "<ul>"]
        body += [f"<li>{item}</li>" for item in _hours_items(charter, lang, e)]
        body.append("</ul>")
    cp = charter.complaint_procedure
    if cp is not None:
        body.append(f"<h2>{e(w['complaints'])}</h2>")
        if cp.description is not None:
            body.append(f"<p>{e(cp.description.get(lang))}</p>")
        items = _complaint_items(cp, lang, e)
        body += ["<ul>", *(f"<li>{i}</li>" for i in items), "</ul>"]
    if charter.refund_policy is not None:
        body += [f"<h2>{e(w['refunds'])}</h2>", f"<p>{e(charter.refund_policy.get(lang))}</p>"]
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n<title>{title}</title>\n'
        "</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n"
    )


def render_charter(
    charter: Charter,
    standards: Mapping[str, QualityStandard] | Iterable[QualityStandard],
    *,
    fmt: CharterFormat = "md",
    lang: str = "it",
    organization: str | None = None,
) -> str:
    """Render to ``fmt`` ``"md"`` (Markdown) or ``"html"`` (for ``organization`` if given)."""
    if fmt in ("md", "markdown"):
        return render_markdown(charter, standards, lang=lang, organization=organization)
    if fmt == "html":
        return render_html(charter, standards, lang=lang, organization=organization)
    raise ValueError(f"format must be 'md' or 'html', not {fmt!r}")
