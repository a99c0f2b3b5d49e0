"""The page kinds and sections of a build: the built-in ones, the plugins', the caller's."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable
from typing import Any

from qualitapa.errors import PluginConflictError, PluginError, PluginWarning
from qualitapa.plugins import one_line, skipped_message
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
    given += [*_plugin_items(catalog), *(("(given)", item) for item in extra)]
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


def _plugin_items(catalog: Any) -> list[tuple[str, PageKind | SiteSection]]:
    """The kinds and sections of ``catalog``'s plugins, as ``(plugin, item)``.

    A broken installed plugin is skipped with a :class:`PluginWarning` when
    the catalog skips broken plugins (the command line's); otherwise its error raises.
    """
    pm = getattr(catalog, "plugin_manager", None)
    hook = getattr(getattr(pm, "hook", None), _HOOK, None)
    if hook is None:
        return []
    isolated = (
        set(getattr(pm, "installed", ())) if getattr(catalog, "skip_failing", False) else set()
    )
    out: list[tuple[str, PageKind | SiteSection]] = []
    for impl in hook.get_hookimpls():
        name = impl.plugin_name
        try:
            out.extend((name, item) for item in _call(impl.function, name))
        except PluginError as exc:
            if name not in isolated:
                raise
            warnings.warn(skipped_message(name, one_line(str(exc))), PluginWarning, stacklevel=3)
    return out


def _call(hook: Callable[[], object], plugin: str) -> list[PageKind | SiteSection]:
    try:
        items = hook()
    except Exception as exc:
        raise PluginError(f"{_HOOK} raised {exc!r}", plugin=plugin) from exc
    if not isinstance(items, list | tuple) or not all(
        isinstance(i, PageKind | SiteSection) for i in items
    ):
        raise PluginError(f"{_HOOK} must return a list of PageKind or SiteSection", plugin=plugin)
    return list(items)
