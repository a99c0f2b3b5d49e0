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
import warnings
from collections.abc import Iterable, Sequence
from typing import Any

import pluggy

from qualitapa import hookspecs
from qualitapa.errors import PluginError

__all__ = [
    "ENTRY_POINT_GROUP",
    "PluginInfo",
    "entry_point_names",
    "load_entrypoint_plugins",
    "make_plugin_manager",
    "plugin_infos",
]

ENTRY_POINT_GROUP = "qualitapa"
LOAD_ENV = "QUALITAPA_LOAD_PLUGINS"
DISABLE_ENV = "QUALITAPA_DISABLE_PLUGINS"


def _env_list(name: str) -> list[str] | None:
    value = os.environ.get(name)
    if value is None:
        return None
    return [v.strip() for v in value.split(",") if v.strip()]


def _selected_entry_points() -> list[importlib.metadata.EntryPoint]:
    eps = list(importlib.metadata.entry_points(group=ENTRY_POINT_GROUP))
    allowed = _env_list(LOAD_ENV)
    blocked = set(_env_list(DISABLE_ENV) or [])
    return [ep for ep in eps if (allowed is None or ep.name in allowed) and ep.name not in blocked]


def entry_point_names() -> list[str]:
    """Names of the installed plugins that the environment allows to load."""
    return sorted(ep.name for ep in _selected_entry_points())


def load_entrypoint_plugins(pm: pluggy.PluginManager, *, skip_failing: bool = False) -> None:
    """Register the plugins installed under the ``qualitapa`` entry-point group.

    A plugin that raises while importing is reported as a
    :class:`~qualitapa.errors.PluginError` naming it; with
    ``skip_failing=True`` it is skipped with a :class:`UserWarning` instead.
    """
    for ep in _selected_entry_points():
        if pm.get_plugin(ep.name) is not None or pm.is_blocked(ep.name):
            continue
        try:
            plugin = ep.load()
        except Exception as exc:
            msg = f"failed to load from entry point {ep.value!r}: {type(exc).__name__}: {exc}"
            if skip_failing:
                warnings.warn(f"skipping plugin {ep.name!r}: {msg}", UserWarning, stacklevel=2)
                continue
            raise PluginError(msg, plugin=ep.name) from exc
        _register(pm, plugin, ep.name)
        dist = getattr(ep, "dist", None)
        if dist is not None:
            _DISTS[id(plugin)] = (dist.name, dist.version)


_DISTS: dict[int, tuple[str, str]] = {}


def _register(pm: pluggy.PluginManager, plugin: Any, name: str | None) -> str:
    try:
        registered = pm.register(plugin, name=name)
    except pluggy.PluginValidationError as exc:
        raise PluginError(str(exc), plugin=name or getattr(plugin, "__name__", None)) from exc
    except ValueError as exc:  # duplicate name or object
        raise PluginError(str(exc), plugin=name) from exc
    if registered is None:
        raise PluginError("plugin is blocked", plugin=name)
    return registered


def make_plugin_manager(
    plugins: Iterable[Any] | Iterable[tuple[str, Any]] = (),
    *,
    entrypoints: bool = True,
    skip_failing: bool = False,
) -> pluggy.PluginManager:
    """Make a fresh plugin manager with the qualitapa hook specifications.

    Parameters
    ----------
    plugins
        Plugin objects (modules, classes' instances) to register
        explicitly, or ``(name, plugin)`` pairs to give them names.
    entrypoints
        Also load the installed plugins (entry-point group ``qualitapa``),
        subject to ``QUALITAPA_LOAD_PLUGINS`` and ``QUALITAPA_DISABLE_PLUGINS``.
    skip_failing
        Skip (with a warning) installed plugins that fail to import instead
        of raising :class:`~qualitapa.errors.PluginError`.

    Returns
    -------
    pluggy.PluginManager

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
    pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    pm.add_hookspecs(hookspecs)
    for item in plugins:
        if isinstance(item, tuple):
            name, plugin = item
        else:
            name, plugin = None, item
        _register(pm, plugin, name)
    if entrypoints:
        load_entrypoint_plugins(pm, skip_failing=skip_failing)
    return pm


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
    out = []
    for name, plugin in pm.list_name_plugin():
        if plugin is None:
            continue
        hooks = sorted(h.name for h in pm.get_hookcallers(plugin) or [])
        out.append(PluginInfo(name, hooks, _DISTS.get(id(plugin))))
    return sorted(out, key=lambda p: p.name)
