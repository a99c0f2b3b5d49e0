"""Render a service charter to HTML or Markdown for publication, in any language.

The texts are worded by :func:`qualitapa.standards._view.charter_view` (through
the :class:`~qualitapa.i18n.Translator`) and laid out by Jinja2 templates in
``qualitapa/standards/templates``: ``charter.html.j2`` (autoescaped, with a
print stylesheet for A4) and ``charter.md.j2`` (every value passed through
:func:`md_escape`). A charter that says ``<script>`` shows it, never runs it.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterable, Mapping
from typing import Literal

import jinja2

from qualitapa.errors import OptionError
from qualitapa.i18n import template_environment, translator
from qualitapa.standards._charter import Charter
from qualitapa.standards._content import CharterContent
from qualitapa.standards._model import QualityStandard
from qualitapa.standards._view import charter_view

#: The formats :func:`render_charter` writes (``"markdown"`` is ``"md"``).
CharterFormat = Literal["md", "markdown", "html"]

#: What ``content`` may be: one organization's content, or many to pick from.
Contents = CharterContent | Iterable[CharterContent] | Mapping[str, CharterContent] | None

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~])")


def md_escape(text: object) -> str:
    """Escape ``text`` for Markdown (also neutralising raw HTML).

    Examples
    --------
    >>> md_escape("a|b <script>*x*</script>")
    'a\\\\|b &lt;script&gt;\\\\*x\\\\*&lt;/script&gt;'
    """
    text = html.escape(str(text), quote=False)
    return _MD_SPECIAL.sub(r"\\\1", text).replace("\n", " ")


@functools.cache
def _markdown_environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("qualitapa.standards", "templates"),
        autoescape=False,
        finalize=md_escape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_markdown(
    charter: Charter,
    standards: Mapping[str, QualityStandard] | Iterable[QualityStandard],
    *,
    lang: str = "it",
    organization: str | None = None,
    content: Contents = None,
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
        The reader's language (``"it"``, ``"en"``, ``"de"`` ...); texts
        missing in it fall back along the configured chain (to Italian).
    organization
        Render the charter of this organization: its local standards
        replace the general ones they replace, standards that do not apply
        to it are left out (see :func:`charter_standards`), and its
        :class:`CharterContent` (contacts, hours, channels, notes,
        approval) is merged in.
    content
        The organizations' contents to pick from (e.g.
        ``catalog.charter_content``), or the one content to use.

    Examples
    --------
    >>> from qualitapa.standards import Charter, QualityStandard
    >>> std = QualityStandard("registry.wait", "registry", "timeliness",
    ...                       {"it": "Attesa", "en": "Waiting"}, "<= 20",
    ...                       formula="waiting_minutes", unit="minutes", scope="specific")
    >>> ch = Charter("registry.charter", "registry", "Carta *servizi*", "2025-01-01",
    ...              standards=["registry.wait"])
    >>> print(render_markdown(ch, [std]))  # doctest: +NORMALIZE_WHITESPACE
    # Carta \\*servizi\\*
    <BLANKLINE>
    In vigore dal 1° gennaio 2025
    <BLANKLINE>
    **Bozza: questa carta non è ancora stata approvata\\.**
    <BLANKLINE>
    - **Stato:** bozza
    <BLANKLINE>
    ## Standard di qualità
    <BLANKLINE>
    | Impegno | Valore garantito | Dimensione | Tipo | Indennizzo |
    | --- | --- | --- | --- | --- |
    | Attesa | al massimo 20 minuti | Tempestività | specifico | — |
    <BLANKLINE>
    """
    return _render("charter.md.j2", charter, standards, lang, organization, content)


def render_html(
    charter: Charter,
    standards: Mapping[str, QualityStandard] | Iterable[QualityStandard],
    *,
    lang: str = "it",
    organization: str | None = None,
    content: Contents = None,
) -> str:
    """The charter as a standalone HTML page, styled for screen and A4 print.

    Parameters are those of :func:`render_markdown`. All text is escaped by
    the template engine. Print it to PDF with :func:`print_to_pdf` or any
    browser (``Ctrl+P``): the stylesheet sets A4 margins, page numbers and a
    page break before the standards.

    Examples
    --------
    >>> from qualitapa.standards import Charter
    >>> page = render_html(Charter("x.c", "x", "<b>Carta</b>", "2025-01-01"), [])
    >>> "&lt;b&gt;Carta&lt;/b&gt;" in page and "<b>" not in page
    True
    """
    return _render("charter.html.j2", charter, standards, lang, organization, content)


def _render(
    template: str,
    charter: Charter,
    standards: Mapping[str, QualityStandard] | Iterable[QualityStandard],
    lang: str,
    organization: str | None,
    content: Contents,
) -> str:
    t = translator(lang)
    view = charter_view(charter, standards, t, organization=organization, content=content)
    if template.endswith(".html.j2"):
        env = template_environment("qualitapa.standards")
    else:
        env = _markdown_environment()
    return env.get_template(template).render(c=view, t=t)


def render_charter(
    charter: Charter,
    standards: Mapping[str, QualityStandard] | Iterable[QualityStandard],
    *,
    fmt: CharterFormat = "md",
    lang: str = "it",
    organization: str | None = None,
    content: Contents = None,
) -> str:
    """Render to ``fmt`` ``"md"`` (Markdown) or ``"html"``; see :func:`render_markdown`.

    Raises
    ------
    OptionError
        ``fmt`` is neither; a PDF is printed from the HTML
        (:func:`print_to_pdf`).

    Examples
    --------
    >>> from qualitapa.standards import Charter
    >>> ch = Charter("x.c", "x", {"it": "Carta", "de": "Charta"}, "2025-01-01")
    >>> page = render_charter(ch, [], fmt="html", lang="de")
    >>> "<h1>Charta</h1>" in page, "1. Jänner 2025" in page  # de_IT: South Tyrol's German
    (True, True)
    """
    if fmt in ("md", "markdown"):
        return render_markdown(
            charter, standards, lang=lang, organization=organization, content=content
        )
    if fmt == "html":
        return render_html(
            charter, standards, lang=lang, organization=organization, content=content
        )
    raise OptionError(f"a charter's format is 'md' or 'html', not {fmt!r}")
