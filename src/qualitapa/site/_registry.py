"""The page kinds and sections of a build: the built-in ones, the plugins', the caller's."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from qualitapa.errors import PluginConflictError, PluginError
from qualitapa.plugins import hook_items
from qualitapa.site._builtin import BUILTIN
from qualitapa.site._model import PageKind, SiteSection

_HOOK = "qualitapa_site_pages"


def site_registry(
    catalog: Any = None, extra: Iterable[PageKind | SiteSection] = ()
) -> tuple[list[PageKind], list[SiteSection]]:
    """The page kinds and the sections of a site, each sorted by ``order``.

    The built-in ones, then those of ``catalog``'s plugins (their
    ``qualitapa_site_pages`` hook), then ``extra``.

    Raises
    ------
    PluginConflictError
        Two page kinds, or two sections, have the same id (the error names both sources).
    PluginError
        A plugin's hook raised or returned something else than page kinds and sections.

    Examples
    --------
    >>> kinds, sections = site_registry()
    >>> kinds[0].id
    'home'
    """
    found: dict[tuple[str, str], tuple[PageKind | SiteSection, str]] = {}
    given = [("qualitapa", item) for item in BUILTIN]
    given += hook_items(catalog, _HOOK, (PageKind, SiteSection), "PageKind or SiteSection")
    given += [("(given)", item) for item in extra]
    for source, item in given:
        if not isinstance(item, PageKind | SiteSection):
            raise PluginError(f"{_HOOK} must return PageKind or SiteSection objects, "
                              f"not {type(item).__name__}", plugin=source)  # fmt: skip
        what = "site page kind" if isinstance(item, PageKind) else "site section"
        key = (what, item.id)
        if key in found:
            raise PluginConflictError(what, item.id, [found[key][1], source])
        found[key] = (item, source)
    items = [item for item, _source in found.values()]
    kinds = sorted((i for i in items if isinstance(i, PageKind)), key=lambda k: k.order)
    sections = sorted((i for i in items if isinstance(i, SiteSection)), key=lambda s: s.order)
    return kinds, sections
