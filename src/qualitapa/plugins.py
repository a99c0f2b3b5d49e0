"""Plugin manager: discovery through entry points, explicit registration, blocking.

Plugins are Python objects (modules or instances) with functions marked by
:data:`qualitapa.hookimpl`. Installed packages advertise theirs in the
entry-point group ``qualitapa``::

    [project.entry-points.qualitapa]
    modena = "qualitapa_modena"

Two environment variables restrict what is loaded from entry points (as
``LLM_LOAD_PLUGINS`` and ``TOX_DISABLED_EXTERNAL_PLUGINS`` do):

``QUALITAPA_LOAD_PLUGINS``
    Comma-separated entry-point names to load; every other installed
    plugin is ignored. Set it to the empty string to load none.
``QUALITAPA_DISABLE_PLUGINS``
    Comma-separated entry-point names never to load.

A broken installed plugin does not take the others down: with
``skip_failing=True`` (what :func:`qualitapa.default_catalog` and the command
line use) a plugin that fails to import (or calls ``sys.exit``) is skipped
with one :class:`~qualitapa.errors.PluginWarning` and recorded in
:attr:`PluginManager.broken`; the catalog does the same for hooks that raise,
invalid items and conflicts (see :class:`qualitapa.catalog.Catalog`).

Examples
--------
>>> from qualitapa.plugins import make_plugin_manager
>>> pm = make_plugin_manager(entrypoints=False)
>>> sorted(pm.list_name_plugin())
[]
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import sys
import types
import warnings
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TypeVar

import pluggy

from qualitapa import hookspecs
from qualitapa.errors import PluginError, PluginWarning

__all__ = [
    "DATA_DIRS_ATTRIBUTE",
    "ENTRY_POINT_GROUP",
    "PluginInfo",
    "PluginManager",
    "entry_point_names",
    "load_entrypoint_plugins",
    "make_plugin_manager",
    "one_line",
    "plugin_folders",
    "plugin_infos",
]

ENTRY_POINT_GROUP = "qualitapa"
#: The type of what an output hook returns (:func:`hook_items`).
_Item = TypeVar("_Item")
LOAD_ENV = "QUALITAPA_LOAD_PLUGINS"
DISABLE_ENV = "QUALITAPA_DISABLE_PLUGINS"
#: Attribute a Python plugin sets to let its datasets name files outside its
#: own package folder (an iterable of folders): the documented opt-in.
DATA_DIRS_ATTRIBUTE = "qualitapa_data_dirs"
#: Longest problem text kept for a broken plugin (one line in a warning).
MAX_PROBLEM_LENGTH = 500

_SPACES = re.compile(r"\s*\n\s*|\s{2,}")


def one_line(text: str, limit: int = MAX_PROBLEM_LENGTH) -> str:
    """``text`` on one line (line breaks become spaces), cut at ``limit`` characters.

    Examples
    --------
    >>> one_line("invalid TOML:\\n  line 3")
    'invalid TOML: line 3'
    """
    flat = _SPACES.sub(" ", str(text)).strip()
    return flat if len(flat) <= limit else flat[: limit - 1] + "\u2026"


class PluginManager(pluggy.PluginManager):
    """pluggy's plugin manager with qualitapa's hook specifications.

    It also keeps what the catalog needs to know about installed plugins:

    Attributes
    ----------
    installed : set of str
        Names of the plugins loaded from entry points (installed packages).
    distributions : dict
        Installed plugin name -> ``(distribution, version)``.
    broken : dict
        Plugins skipped because they are broken: name -> the problem, on one
        line. Filled when loading with ``skip_failing=True`` and by the
        catalog.
    """

    def __init__(self) -> None:
        super().__init__(hookspecs.PROJECT_NAME)
        self.add_hookspecs(hookspecs)
        self.installed: set[str] = set()
        self.distributions: dict[str, tuple[str, str]] = {}
        self.broken: dict[str, str] = {}


def _env_list(name: str) -> list[str] | None:
    value = os.environ.get(name)
    if value is None:
        return None
    return [v.strip() for v in value.split(",") if v.strip()]


#: An installed plugin's entry point and its distribution's (name, version).
_Found = tuple[importlib.metadata.EntryPoint, tuple[str, str] | None]
#: The last search for installed plugins: the stamp of ``sys.path`` it was made
#: on (:func:`_path_stamp`) and what it found.
_FOUND: dict[str, tuple[tuple[tuple[str, int | None], ...], list[_Found]]] = {}


def _path_stamp() -> tuple[tuple[str, int | None], ...]:
    """The folders of ``sys.path`` and the time each was last changed.

    Installing or removing a package adds or removes a ``.dist-info`` folder
    and so changes its folder's time: importlib.metadata keeps the listing of
    a folder on the same condition.
    """
    stamp = []
    for entry in sys.path:
        folder = entry or os.getcwd()
        try:
            changed: int | None = os.stat(folder).st_mtime_ns
        except OSError:
            changed = None
        stamp.append((folder, changed))
    return tuple(stamp)


def _installed_entry_points() -> list[_Found]:
    """The entry points of group ``qualitapa``, searched again only when ``sys.path`` changed.

    Reading every installed distribution's ``entry_points.txt`` costs tens of
    milliseconds; the catalog is built on each command and in each test.
    """
    stamp = _path_stamp()
    last = _FOUND.get(ENTRY_POINT_GROUP)
    if last is not None and last[0] == stamp:
        return last[1]
    found: list[_Found] = []
    for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        dist = getattr(ep, "dist", None)
        # .get: a distribution without a Version field is "" (Python 3.13's
        # dist.version warns that it will raise KeyError there)
        about = None if dist is None else (dist.name, str(dist.metadata.get("Version") or ""))
        found.append((ep, about))
    _FOUND[ENTRY_POINT_GROUP] = (stamp, found)
    return found


def _selected_entry_points() -> list[_Found]:
    eps = _installed_entry_points()
    allowed = _env_list(LOAD_ENV)
    blocked = set(_env_list(DISABLE_ENV) or [])
    return [
        (ep, about)
        for ep, about in eps
        if (allowed is None or ep.name in allowed) and ep.name not in blocked
    ]


def entry_point_names() -> list[str]:
    """Names of the installed plugins that the environment allows to load."""
    return sorted(ep.name for ep, _ in _selected_entry_points())


def load_entrypoint_plugins(pm: pluggy.PluginManager, *, skip_failing: bool = False) -> None:
    """Register the plugins installed under the ``qualitapa`` entry-point group.

    A plugin that raises (or calls ``sys.exit``) while importing, or whose
    hook implementations pluggy refuses, is reported as a
    :class:`~qualitapa.errors.PluginError` naming it; with
    ``skip_failing=True`` it is skipped with one
    :class:`~qualitapa.errors.PluginWarning` instead, and recorded in
    ``pm.broken`` when ``pm`` is a :class:`PluginManager`.
    """
    for ep, about in sorted(_selected_entry_points(), key=lambda e: e[0].name):
        if pm.get_plugin(ep.name) is not None or pm.is_blocked(ep.name):
            continue
        if isinstance(pm, PluginManager):
            pm.installed.add(ep.name)
            if about is not None:
                pm.distributions[ep.name] = about
        try:
            try:
                plugin = ep.load()
            except (Exception, SystemExit) as exc:
                what = "exited" if isinstance(exc, SystemExit) else type(exc).__name__
                raise PluginError(
                    f"failed to load from entry point {ep.value!r}: {what}: {exc}", plugin=ep.name
                ) from exc
            _register(pm, plugin, ep.name)
        except PluginError as exc:
            if not skip_failing:
                raise
            problem = _problem_text(exc, ep.name)
            if isinstance(pm, PluginManager):
                pm.broken[ep.name] = problem
            warnings.warn(skipped_message(ep.name, problem), PluginWarning, stacklevel=2)


def _problem_text(exc: BaseException, plugin: str | None) -> str:
    """The message of ``exc`` on one line, without the leading ``plugin 'x': ``."""
    text = str(exc)
    prefix = f"plugin {plugin!r}: "
    if text.startswith(prefix):
        text = text[len(prefix) :]
    return one_line(text)


def skipped_message(name: str, problem: str) -> str:
    """The one-line warning of a skipped plugin."""
    return (
        f"plugin {name!r} skipped: {problem} (fix or uninstall it; "
        f"{DISABLE_ENV}={name} stops loading it)"
    )


def hook_items(
    catalog: object, hook: str, model: type[_Item] | tuple[type[_Item], ...], what: str
) -> list[tuple[str, _Item]]:
    """What the plugins of ``catalog`` return from ``hook``, as ``(plugin, item)``.

    For the hooks that add to an output rather than to the catalog (report
    sections, site pages). Each item must be an instance of ``model``
    (``what`` names it in the error). A broken installed plugin is skipped
    with a :class:`~qualitapa.errors.PluginWarning` when the catalog skips
    broken plugins (the command line's); otherwise, and for plugins passed
    explicitly, its error raises.

    Raises
    ------
    PluginError
        A plugin's hook raised, or returned something else than a list of ``model``.

    Examples
    --------
    >>> from qualitapa.catalog import Catalog
    >>> hook_items(Catalog.build([], entrypoints=False), "qualitapa_site_pages", object, "items")
    []
    """
    pm = getattr(catalog, "plugin_manager", None)
    caller = getattr(getattr(pm, "hook", None), hook, None)
    if caller is None:
        return []
    isolated = (
        set(getattr(pm, "installed", ())) if getattr(catalog, "skip_failing", False) else set()
    )
    out: list[tuple[str, _Item]] = []
    for impl in caller.get_hookimpls():
        name = impl.plugin_name
        try:
            out.extend(
                (name, item) for item in _hook_result(impl.function, name, hook, model, what)
            )
        except PluginError as exc:
            if name not in isolated:
                raise
            warnings.warn(skipped_message(name, one_line(str(exc))), PluginWarning, stacklevel=3)
    return out


def _hook_result(
    function: Callable[[], object],
    plugin: str,
    hook: str,
    model: type[_Item] | tuple[type[_Item], ...],
    what: str,
) -> list[_Item]:
    try:
        items = function()
    except Exception as exc:
        raise PluginError(f"{hook} raised {exc!r}", plugin=plugin) from exc
    if not isinstance(items, list | tuple) or not all(isinstance(i, model) for i in items):
        raise PluginError(f"{hook} must return a list of {what}", plugin=plugin)
    return list(items)


def _register(pm: pluggy.PluginManager, plugin: object, name: str | None) -> str:
    try:
        registered = pm.register(plugin, name=name)
    except pluggy.PluginValidationError as exc:
        raise PluginError(
            one_line(str(exc)), plugin=name or getattr(plugin, "__name__", None)
        ) from exc
    except ValueError as exc:  # duplicate name or object
        raise PluginError(str(exc), plugin=name) from exc
    if registered is None:
        raise PluginError("plugin is blocked", plugin=name)
    return registered


def make_plugin_manager(
    plugins: Iterable[object] = (),
    *,
    entrypoints: bool = True,
    skip_failing: bool = False,
) -> PluginManager:
    """Make a fresh plugin manager with the qualitapa hook specifications.

    Parameters
    ----------
    plugins
        Plugin objects (modules, classes' instances) to register
        explicitly, or ``(name, plugin)`` pairs to give them names. Their
        errors always raise: they are the caller's.
    entrypoints
        Also load the installed plugins (entry-point group ``qualitapa``),
        subject to ``QUALITAPA_LOAD_PLUGINS`` and ``QUALITAPA_DISABLE_PLUGINS``.
    skip_failing
        Skip installed plugins that fail to import, with one
        :class:`~qualitapa.errors.PluginWarning` each (recorded in
        :attr:`PluginManager.broken`), instead of raising
        :class:`~qualitapa.errors.PluginError`.

    Returns
    -------
    PluginManager

    Examples
    --------
    >>> from qualitapa import hookimpl
    >>> class Mine:
    ...     @hookimpl
    ...     def qualitapa_services(self):
    ...         return []
    >>> pm = make_plugin_manager([("mine", Mine())], entrypoints=False)
    >>> pm.has_plugin("mine")
    True
    """
    pm = PluginManager()
    for item in plugins:
        if isinstance(item, tuple):
            name, plugin = item
        else:
            name, plugin = None, item
        _register(pm, plugin, name)
    if entrypoints:
        load_entrypoint_plugins(pm, skip_failing=skip_failing)
    return pm


def _package_folder(module: types.ModuleType | None) -> Path | None:
    """The outermost package folder holding ``module`` (its own folder outside a package)."""
    file = getattr(module, "__file__", None)
    if not file:
        return None
    folder = Path(file).resolve().parent
    while (folder / "__init__.py").is_file() and (folder.parent / "__init__.py").is_file():
        folder = folder.parent
    return folder


def plugin_folders(plugin: object) -> list[Path]:
    """The folders whose files the datasets of ``plugin`` may name (symlinks resolved).

    A plugin ships its data files inside its package: the allowed folder is
    the outermost package folder of the module defining the plugin (the
    module itself, or the class of a plugin object), or the module's own
    folder when it is not in a package. A Python plugin that must point
    elsewhere (a shared network folder, say) lists those folders in a
    ``qualitapa_data_dirs`` attribute: the documented opt-in. TOML plugins
    (:class:`~qualitapa.declarative.TomlPlugin`) allow the folders of their
    TOML files only, and refuse absolute paths.

    Examples
    --------
    >>> import qualitapa.models
    >>> plugin_folders(qualitapa.models)[0].name
    'qualitapa'
    """
    folders: list[Path] = []
    module = (
        plugin
        if isinstance(plugin, types.ModuleType)
        else sys.modules.get(getattr(type(plugin), "__module__", ""))
    )
    own = _package_folder(module)
    if own is not None:
        folders.append(own)
    extra = getattr(plugin, DATA_DIRS_ATTRIBUTE, None)
    if extra is not None:
        if isinstance(extra, (str, os.PathLike)):
            extra = [extra]
        folders.extend(Path(f).resolve() for f in extra)
    return folders


class PluginInfo:
    """What is known of a registered plugin: name, distribution, hooks implemented."""

    def __init__(self, name: str, hooks: Sequence[str], dist: tuple[str, str] | None) -> None:
        self.name = name
        self.hooks = list(hooks)
        self.distribution = dist[0] if dist else None
        self.version = dist[1] if dist else None

    def __repr__(self) -> str:
        return f"PluginInfo(name={self.name!r}, distribution={self.distribution!r})"


def plugin_infos(pm: pluggy.PluginManager) -> list[PluginInfo]:
    """Registered plugins with the hooks each implements, sorted by name."""
    dists: dict[str, tuple[str, str]] = getattr(pm, "distributions", {})
    out = []
    for name, plugin in pm.list_name_plugin():
        if plugin is None:
            continue
        hooks = sorted(h.name for h in pm.get_hookcallers(plugin) or [])
        out.append(PluginInfo(name, hooks, dists.get(name)))
    return sorted(out, key=lambda p: p.name)
