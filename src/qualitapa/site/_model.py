"""The portal's model: :class:`Page`, :class:`PageKind` and :class:`SiteSection`."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from qualitapa.errors import DefinitionError
from qualitapa.models import Text

if TYPE_CHECKING:
    from qualitapa.site._context import SiteContext

_ID = re.compile(r"[a-z][a-z0-9_-]*")
_PATH = re.compile(r"[a-z0-9][a-z0-9_.-]*(/[a-z0-9][a-z0-9_.-]*)*\.html")


def _check_id(instance: Any, attribute: Any, value: str) -> None:
    if not isinstance(value, str) or not _ID.fullmatch(value):
        raise DefinitionError(
            f"a site {type(instance).__name__} id is lowercase letters, digits, '_' or '-', "
            f"not {value!r}",
            field="id",
        )


def _check_path(instance: Any, attribute: Any, value: str) -> None:
    ok = isinstance(value, str) and _PATH.fullmatch(value) is not None
    if not ok or ".." in value.split("/") or posixpath.normpath(value) != value:
        raise DefinitionError(
            "a page path is a relative POSIX path of lowercase ASCII words ending in "
            f"'.html' (e.g. 'citta/modena.html'), not {value!r}",
            field="path",
        )


def _check_order(instance: Any, attribute: Any, value: int) -> None:
    if not isinstance(value, int) or not 0 <= value <= 1000:
        raise DefinitionError(
            f"order is a whole number from 0 to 1000, not {value!r}", field="order"
        )


def _folder(value: Any) -> Path | None:
    return None if value is None else Path(value)


def _text(value: object) -> Text:
    return Text.coerce(value)


def _pairs(value: Iterable[Iterable[str]]) -> tuple[tuple[str, str], ...]:
    return tuple((str(a), str(b)) for a, b in value)


def _words(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(str(v) for v in value)


@attrs.frozen(kw_only=True)
class Page:
    """One HTML page of the portal, in one language.

    A :class:`PageKind`'s ``build`` returns pages; the builder renders
    ``template`` with ``context`` into the layout (``base.html.j2``), which
    writes the ``<h1>`` from ``title``: the page template is the body of
    ``<main>`` and starts at ``<h2>``.

    Attributes
    ----------
    path
        POSIX path under the language root, e.g. ``"citta/modena.html"``
        (lowercase ASCII, ends in ``.html``).
    title
        The page title, already in the page's language.
    template
        Name of the page body's template (site templates or the kind's folder).
    context
        The template's variables.
    kind
        The :class:`PageKind` id (set by the builder).
    summary
        One line: the meta description and the search index's summary.
    keywords
        Extra words for the search index.
    members_only
        Left out of the public build.
    breadcrumbs
        ``(title, path)`` pairs from the home page to the parent, the page excluded.

    Examples
    --------
    >>> page = Page(path="citta/modena.html", title="Modena", template="city.html.j2")
    >>> page.path, page.members_only
    ('citta/modena.html', False)
    """

    path: str = attrs.field(validator=_check_path)
    title: str = attrs.field(validator=attrs.validators.instance_of(str))
    template: str = attrs.field(validator=attrs.validators.instance_of(str))
    context: Mapping[str, Any] = attrs.field(factory=dict)
    kind: str = ""
    summary: str = ""
    keywords: tuple[str, ...] = attrs.field(default=(), converter=_words)
    members_only: bool = False
    breadcrumbs: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_pairs)


#: A page kind's builder: the site context -> its pages.
PageBuilder = Callable[["SiteContext"], Iterable[Page]]

#: A section's builder: (site context, subject) -> template variables, or None.
SectionBuilder = Callable[["SiteContext", str], Mapping[str, Any] | None]


@attrs.frozen(kw_only=True)
class PageKind:
    """A kind of page of the portal (home, city, service...): a menu entry and its pages.

    Built-in kinds are listed in the site package; a plugin adds kinds with
    the :func:`~qualitapa.hookspecs.qualitapa_site_pages` hook.

    Attributes
    ----------
    id
        Unique id (``[a-z][a-z0-9_-]*``).
    title
        Menu label (:class:`~qualitapa.models.Text`, Italian required).
    order
        Menu order, 0-100 (home 0, city 20, service 30, programme 40,
        methodology 70, open data 80).
    build
        ``build(ctx)`` -> the pages (:class:`Page`) in ``ctx.lang``.
    templates
        Folder of the kind's templates (plugins); looked up before the site's.
    in_menu
        The menu links to the first page the kind builds.

    Examples
    --------
    >>> kind = PageKind(id="waste", title=Text("Rifiuti", "Waste"), order=50,
    ...     build=lambda ctx: [])
    >>> kind.title.get("it"), kind.in_menu
    ('Rifiuti', True)
    """

    id: str = attrs.field(validator=_check_id)
    title: Text = attrs.field(converter=_text)
    order: int = attrs.field(validator=_check_order)
    build: PageBuilder = attrs.field(validator=attrs.validators.is_callable())
    templates: Path | None = attrs.field(default=None, converter=_folder)
    in_menu: bool = True


@attrs.frozen(kw_only=True)
class SiteSection:
    """A block that a plugin or another capability adds to the pages of a kind.

    The page shows its sections in ``order`` under an ``<h2>`` with
    ``title``; ``build(ctx, subject)`` returns the template's variables,
    or None to leave the section out. ``subject`` is the page's
    organization id (city pages), service id (service pages) or ``""``
    (home).

    Attributes
    ----------
    id
        Unique id, also the HTML ``id`` of the section.
    page
        The :class:`PageKind` id of the pages it goes on (``"city"``, ``"home"``...).
    title
        The heading (:class:`~qualitapa.models.Text`).
    order
        Position within the page, 10-90.
    build
        ``build(ctx, subject)`` -> template variables, or None.
    template
        Name of the section body's template.
    templates
        Folder of the section's templates (plugins).
    members_only
        Left out of the public build.

    Examples
    --------
    >>> section = SiteSection(id="waste-news", page="home", title=Text("Rifiuti"),
    ...     order=50, build=lambda ctx, subject: {"n": 3}, template="waste.html.j2")
    >>> section.page, section.members_only
    ('home', False)
    """

    id: str = attrs.field(validator=_check_id)
    page: str = attrs.field(validator=_check_id)
    title: Text = attrs.field(converter=_text)
    order: int = attrs.field(validator=_check_order)
    build: SectionBuilder = attrs.field(validator=attrs.validators.is_callable())
    template: str = attrs.field(validator=attrs.validators.instance_of(str))
    templates: Path | None = attrs.field(default=None, converter=_folder)
    members_only: bool = False
