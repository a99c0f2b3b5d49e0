"""The catalog: everything the plugins contribute, merged and validated.

A :class:`Catalog` is built from a plugin manager. It asks every plugin for
each kind of item (services, organizations, indicators, questionnaires...),
checks ids are unique across plugins and that references to services
resolve, and offers lookups by id, by service and by dimension. It remembers
which plugin contributed each item.

Examples
--------
>>> from qualitapa import Catalog, hookimpl
>>> from qualitapa.models import Service, Text
>>> class Registry:
...     @hookimpl
...     def qualitapa_services(self):
...         return [Service("registry", Text("Anagrafe", "Civil registry"))]
>>> cat = Catalog.build([("registry", Registry())], entrypoints=False)
>>> cat.services["registry"].label.en
'Civil registry'
>>> cat.services.plugin_of("registry")
'registry'
"""

from __future__ import annotations

import difflib
import functools
import importlib
import re
import sys
import types
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Generic, NamedTuple, TypeVar, overload

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd
import pluggy

from qualitapa._extending import Derived, Extension, derive, extend
from qualitapa._organizations import OrganizationIndex, value_key
from qualitapa.errors import (
    DataWarning,
    DefinitionError,
    Message,
    PluginConflictError,
    PluginError,
    PluginWarning,
    QualitapaError,
    UnknownItemError,
    UnknownValueError,
    _did_you_mean,
)
from qualitapa.i18n import N_, Translator, translatable
from qualitapa.models import Dataset, Organization, PeerGroup, Service
from qualitapa.plugins import (
    DATA_DIRS_ATTRIBUTE,
    DISABLE_ENV,
    PluginInfo,
    PluginManager,
    make_plugin_manager,
    one_line,
    plugin_folders,
    plugin_infos,
    skipped_message,
)
from qualitapa.problems import Problems, Rule

if TYPE_CHECKING:  # the models of the capabilities, which import the catalog
    from pluggy import HookImpl

    from qualitapa.complaints import ComplaintCategory
    from qualitapa.composite import CompositeDefinition
    from qualitapa.demo import DemoProfile
    from qualitapa.indicators import IndicatorDefinition, Variable
    from qualitapa.standards import Charter, CharterContent, QualityStandard
    from qualitapa.surveys import Instrument

__all__ = [
    "CHECK_EXTRAS",
    "KINDS",
    "Catalog",
    "Collection",
    "Derived",
    "Extension",
    "Kind",
    "Override",
    "Problem",
    "Site",
    "check_plugins",
    "default_catalog",
]

T_co = TypeVar("T_co", covariant=True)
_D = TypeVar("_D")


@attrs.frozen
class Kind:
    """A kind of item plugins contribute: its collection name, hook and model."""

    name: str
    singular: str
    hook: str
    model: str

    def model_class(self) -> type[object]:
        """The model class, imported on demand.

        Every model ships with qualitapa, so a failing import is a bug that
        raises (:class:`ImportError`) rather than switching type checks off.

        Examples
        --------
        >>> KINDS_BY_NAME["services"].model_class().__name__
        'Service'
        """
        module, _, name = self.model.partition(":")
        cls = getattr(importlib.import_module(module), name, None)
        if not isinstance(cls, type):
            raise ImportError(f"{self.name}: {self.model!r} does not name a class")
        return cls


#: How an organization was recognised (the index's words) -> how a note says it.
_UNKNOWN_ORGANIZATION = Message("unknown organization", N_("ente sconosciuto"))

_FOUND_BY = {
    "name": N_("dal nome"),
    "ISTAT code": N_("dal codice ISTAT"),
    "code without its leading zeros": N_("dal codice senza gli zeri iniziali"),
}

#: The kinds of item, in the order the catalog builds them (services first:
#: the others refer to them).
KINDS: tuple[Kind, ...] = tuple(
    Kind(name, singular, f"qualitapa_{name}", model)
    for name, singular, model in [
        ("services", "service", "qualitapa.models:Service"),
        ("organizations", "organization", "qualitapa.models:Organization"),
        ("peer_groups", "peer group", "qualitapa.models:PeerGroup"),
        ("variables", "variable", "qualitapa.indicators:Variable"),
        ("indicators", "indicator", "qualitapa.indicators:IndicatorDefinition"),
        ("composites", "composite index", "qualitapa.composite:CompositeDefinition"),
        ("instruments", "survey instrument", "qualitapa.surveys:Instrument"),
        ("complaint_categories", "complaint category", "qualitapa.complaints:ComplaintCategory"),
        ("standards", "quality standard", "qualitapa.standards:QualityStandard"),
        ("charters", "service charter", "qualitapa.standards:Charter"),
        ("charter_content", "charter content", "qualitapa.standards:CharterContent"),
        ("datasets", "dataset", "qualitapa.models:Dataset"),
        ("demo_profiles", "demo profile", "qualitapa.demo:DemoProfile"),
    ]
)

KINDS_BY_NAME = {k.name: k for k in KINDS}


@attrs.frozen
class Override:
    """Wrap an item to replace the item with the same id from another plugin.

    A city plugin uses it to change, e.g., a charter target set by a
    service plugin. Two overrides of the same id are a conflict.

    Examples
    --------
    >>> from qualitapa.models import Service, Text
    >>> Override(Service("registry", Text("Servizi demografici"))).item.id
    'registry'
    """

    item: object


class Site(NamedTuple):
    """Where an item is defined: a file, its section, the entry's number and line.

    ``section`` is the TOML array of tables (``"indicators"``,
    ``"overrides.standards"``); ``entry`` counts its entries from 1 in the file
    and ``line`` is the line of the entry's ``[[section]]`` header (both None
    for an item a Python plugin returns, whose ``file`` is the plugin's
    module).
    """

    file: str
    section: str
    entry: int | None = None
    line: int | None = None
    #: The line of each key written in the entry (``("population", 4)``...).
    keys: tuple[tuple[str, int], ...] = ()

    def line_of(self, field: str | None) -> int | None:
        """The line of ``field`` (``attributes.area_km2``: of ``attributes``), else the entry's."""
        key = re.split(r"[.\[]", field or "")[0]
        return dict(self.keys).get(key, self.line)


@attrs.frozen
class Problem:
    """One problem found by :meth:`Catalog.check` or :func:`check_plugins`.

    ``plugin``, ``kind`` (singular, e.g. ``"indicator"``) and ``item`` (the
    id) say what is at fault; ``field``, ``value``, ``rule`` and
    ``suggestion`` (a fix, e.g. the closest known id) say more when known.
    ``first`` names the plugin that defined an id first (a duplicate),
    ``override`` marks an item given under ``[[overrides.*]]`` and ``site``
    says where the item is written, when known.

    .. versionadded:: 0.2.0 ``field``, ``suggestion``, ``rule``, ``value``,
       ``first``, ``override`` and ``site``.
    """

    plugin: str | None
    kind: str
    item: str | None
    message: str
    severity: str = "error"
    field: str | None = None
    suggestion: str | None = None
    rule: Rule = attrs.field(default=Rule.INVALID, converter=Rule)
    value: object = None
    first: str | None = None
    override: bool = False
    site: Site | None = None

    def __str__(self) -> str:
        where = ", ".join(p for p in (self.plugin, self.kind, self.item) if p)
        return f"{self.severity}: {where}: {self.message}"


class Collection(Mapping[str, T_co], Generic[T_co]):
    """Items of one kind by id, with the plugin that contributed each.

    A read-only mapping; unknown ids raise
    :class:`~qualitapa.errors.UnknownItemError` with suggestions.
    """

    def __init__(self, kind: Kind, items: Mapping[str, T_co], sources: Mapping[str, str]) -> None:
        self.kind = kind
        self._items = dict(items)
        self._sources = dict(sources)

    def __getitem__(self, key: str) -> T_co:
        try:
            return self._items[key]
        except KeyError:
            close = difflib.get_close_matches(str(key), list(self._items), n=3)
            raise UnknownItemError(self.kind.singular, str(key), suggestions=close) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    # Mapping's own ``in`` and ``get`` go through __getitem__, whose error looks
    # for the closest ids (difflib over every id) only to be caught
    def __contains__(self, key: object) -> bool:
        return key in self._items

    @overload
    def get(self, key: str, /) -> T_co | None: ...
    @overload
    def get(self, key: str, /, default: T_co | _D) -> T_co | _D: ...
    def get(self, key: str, /, default: object = None) -> object:
        """The item ``key``, or ``default`` if there is none (no suggestions looked for)."""
        return self._items.get(key, default)

    def __repr__(self) -> str:
        return f"<Collection {self.kind.name}: {len(self)} item(s)>"

    def plugin_of(self, item_id: str) -> str:
        """Name of the plugin that contributed ``item_id``."""
        self[item_id]
        return self._sources[item_id]

    def extended_by(self, item_id: str) -> list[str]:
        """The plugins that extend ``item_id`` (``[[extensions.*]]``), in the order applied."""
        self[item_id]
        return list(self._extended_by.get(item_id, ()))

    def by_plugin(self, plugin: str) -> list[T_co]:
        """Items contributed by ``plugin``."""
        return [v for k, v in self._items.items() if self._sources[k] == plugin]

    def by_service(self, service: str, *, include_children: bool = True) -> list[T_co]:
        """Items whose ``service`` is ``service`` (or, by default, one of its sub-services).

        Sub-services are matched by id prefix (``registry.civil_status``)
        and by the catalog's service tree when known.
        """
        services = {service}
        if include_children:
            services |= self._children.get(service, set())

        def match(item: object) -> bool:
            s = getattr(item, "service", None)
            if s is None:
                return False
            return s in services or (include_children and str(s).startswith(service + "."))

        return [v for v in self._items.values() if match(v)]

    def by_dimension(self, dimension: str) -> list[T_co]:
        """Items whose ``dimension`` equals ``dimension``."""
        return [v for v in self._items.values() if getattr(v, "dimension", None) == dimension]

    _children: dict[str, set[str]] = {}  # noqa: RUF012 - replaced per instance by Catalog
    _extended_by: dict[str, list[str]] = {}  # noqa: RUF012 - replaced per instance by Catalog


def _as_list(value: object, plugin: str, kind: Kind) -> list[object]:
    if value is None:
        return []
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        raise PluginError(
            f"{kind.hook}() must return a list of {kind.singular} objects, not "
            f"{type(value).__name__}",
            plugin=plugin,
        )
    return list(value)


def _call_hook(impl: HookImpl, kind: Kind, model: type[object]) -> list[object]:
    """The items one hook implementation returns, checked: a list of ``model`` with ids.

    Datasets must also lie in the plugin's folders (:func:`_confine_datasets`).
    A TOML plugin's own error (a formula typo, a bad polarity in a ``-d``
    file) is raised as itself: it names the file, entry and field, and says
    its message in the reader's language; any other exception is wrapped
    with the hook's name, for the plugin's author.
    """
    from qualitapa.declarative import TomlPlugin

    plugin = impl.plugin_name
    try:
        result = impl.function()
    except QualitapaError as exc:
        if isinstance(impl.plugin, TomlPlugin):
            raise
        raise PluginError(
            f"{kind.hook}() raised {type(exc).__name__}: {exc}", plugin=plugin
        ) from exc
    except (Exception, SystemExit) as exc:
        raise PluginError(
            f"{kind.hook}() raised {type(exc).__name__}: {exc}", plugin=plugin
        ) from exc
    objs = _as_list(result, plugin, kind)
    for obj in objs:
        if isinstance(obj, Derived | Extension):
            if kind.name == "datasets":  # a path changed here would escape _confine_datasets
                raise PluginError(
                    f"{kind.hook}() returned a {type(obj).__name__} of dataset {obj.id!r}: "
                    "datasets cannot be derived or extended; define a dataset of your own",
                    plugin=plugin,
                )
            continue
        item = obj.item if isinstance(obj, Override) else obj
        if not isinstance(item, model):
            raise PluginError(
                f"{kind.hook}() returned a {type(item).__name__}; expected {model.__name__}",
                plugin=plugin,
            )
        item_id = getattr(item, "id", None)
        if not isinstance(item_id, str):
            raise PluginError(
                f"{kind.hook}() returned an item without a string 'id': {item!r}",
                plugin=plugin,
            )
    if kind.name == "datasets":
        _confine_datasets(impl.plugin, plugin, objs)
    return objs


def _confine_datasets(plugin_object: object, plugin: str, objs: list[object]) -> None:
    """Refuse datasets whose file (symlinks resolved) is outside the plugin's folders."""
    folders = plugin_folders(plugin_object)
    for obj in objs:
        item = obj.item if isinstance(obj, Override) else obj
        if not isinstance(item, Dataset):  # _call_hook checked the model
            continue
        try:
            real = Path(item.path).resolve()
        except (OSError, RuntimeError, ValueError) as exc:
            raise PluginError(
                f"dataset {item.id!r}: cannot resolve its path {str(item.path)!r}: {exc}",
                plugin=plugin,
            ) from exc
        if not any(real.is_relative_to(folder) for folder in folders):
            where = f"its package folder {folders[0]}" if folders else "no package folder"
            raise PluginError(
                f"dataset {item.id!r}: {str(item.path)!r} is outside the plugin's folders "
                f"({where}): ship data files inside the plugin package, or list their folder "
                f"in {DATA_DIRS_ATTRIBUTE} (Python plugins only)",
                plugin=plugin,
            )


def _culprits(exc: BaseException) -> set[str]:
    """The plugins at fault in a catalog error."""
    if isinstance(exc, PluginConflictError):
        return set(exc.plugins)
    if isinstance(exc, PluginError) and exc.plugin:
        return {exc.plugin}
    if isinstance(exc, DefinitionError) and exc.source:
        return {str(exc.source)}
    return set()


def _problem_text(exc: BaseException, plugin: str | None) -> str:
    """The message of a catalog error on one line, without ``plugin 'x': `` in front."""
    text = str(exc)
    if plugin is not None and text.startswith(f"plugin {plugin!r}: "):
        text = text[len(f"plugin {plugin!r}: ") :]
    elif plugin is not None and text.startswith(f"{plugin}, "):
        text = text[len(f"{plugin}, ") :]
    return one_line(text)


#: What the catalog calls with each problem when it collects them (:func:`check_plugins`).
_Report = Callable[[Problem], None]


def _unknown_reference(
    plugin: str | None,
    kind: str,
    item: str | None,
    field: str,
    value: str,
    known: Iterable[str],
    *,
    target: str = "service",
    detail: str = "",
) -> Problem:
    """The problem of ``item`` whose ``field`` names an unknown ``target`` (closest ids).

    ``detail`` follows the message (`` (office '021008.gries')``).
    """
    return Problem(
        plugin,
        kind,
        item,
        f"unknown {target} {value!r}{detail}",
        field=field,
        value=value,
        rule=Rule.UNKNOWN_VALUE,
        suggestion=_did_you_mean(
            value,
            known,
            f"no plugin defines a {target} with this id: check the id, or install "
            "the plugin that defines it",
        ),
    )


def _raise_or_report(problem: Problem, report: _Report | None) -> None:
    """Report ``problem``, or raise it (a duplicate or a wrong override) without ``report``."""
    if report is not None:
        report(problem)
        return
    plugin, item_id = str(problem.plugin), str(problem.item)
    if problem.first is not None and problem.first != plugin:
        what = f"override of {problem.kind}" if problem.override else problem.kind
        raise PluginConflictError(what, item_id, [problem.first, plugin])
    if problem.first is not None:
        raise DefinitionError(f"{problem.kind} defined twice", source=plugin, item=item_id)
    source = _site_source(problem.site, plugin)
    message = problem.message
    if problem.suggestion and problem.suggestion not in message:
        message = f"{message}; {problem.suggestion}"
    raise DefinitionError(message, source=source, item=item_id, field=problem.field)


def _duplicate_fix(kind: Kind, plugin: str | None, first: str | None) -> str:
    """How to fix an id ``plugin`` defines again after ``first`` (maybe itself)."""
    if first == plugin:
        return "remove one of the two entries, or give this one another id"
    return (
        f"to replace plugin {first!r}'s {kind.singular}, move this entry to "
        f"[[overrides.{kind.name}]]; to add a new one, give it another id"
    )


def _duplicate_found(
    kind: Kind, plugin: str, item_id: str, first: str, report: _Report | None
) -> None:
    """An id ``plugin`` defines when ``first`` (maybe itself) did already: raise or report."""
    _raise_or_report(
        Problem(
            plugin,
            kind.singular,
            item_id,
            f"{kind.singular} {item_id!r} is defined twice",
            field="id",
            value=item_id,
            rule=Rule.DUPLICATE,
            suggestion=_duplicate_fix(kind, plugin, first),
            first=first,
        ),
        report,
    )


def _override_problem(
    kind: Kind,
    plugin: str,
    item_id: str,
    items: Mapping[str, object],
    overridden: Mapping[str, str],
) -> Problem | None:
    """What is wrong with an override: a second one of the id, or no item to replace."""
    if item_id in overridden:
        return Problem(
            plugin,
            kind.singular,
            item_id,
            f"{kind.singular} {item_id!r} is overridden twice",
            field="id",
            value=item_id,
            rule=Rule.DUPLICATE,
            suggestion="keep one of the two overrides",
            first=overridden[item_id],
            override=True,
        )
    if item_id in items:
        return None
    close = difflib.get_close_matches(item_id, list(items), n=1)
    add = f"to add a new {kind.singular}, move the entry to [[{kind.name}]]"
    return Problem(
        plugin,
        kind.singular,
        item_id,
        f"overrides a {kind.singular} that no plugin defines",
        field="id",
        value=item_id,
        rule=Rule.UNKNOWN_VALUE,
        suggestion=f"did you mean {close[0]!r}? Or, {add}" if close else add,
        override=True,
    )


def _site_source(site: object, plugin: str) -> str:
    """The source an error names: the file and entry of ``site``, else the plugin."""
    if isinstance(site, Site) and site.section:
        entry = f" entry {site.entry}" if site.entry is not None else ""
        return f"{site.file}, [[{site.section}]]{entry}"
    return plugin


def _unknown_base(
    kind: Kind,
    plugin: str,
    item_id: str,
    field: str,
    obj: Derived | Extension,
    items: Mapping[str, object],
) -> Problem:
    """The problem of a derived item or an extension naming an item no plugin defines."""
    base = obj.extends if isinstance(obj, Derived) else obj.id
    verb = "extends" if isinstance(obj, Derived) else "extends (adds to)"
    return Problem(
        plugin,
        kind.singular,
        item_id,
        f"{verb} {kind.singular} {base!r}, which no plugin defines",
        field=field,
        value=base,
        rule=Rule.UNKNOWN_VALUE,
        suggestion=_did_you_mean(
            base,
            items,
            "check the id, or install (and list in dependencies) the plugin that defines it",
        ),
        site=obj.site if isinstance(obj.site, Site) else None,
    )


def _built_problem(
    kind: Kind, plugin: str, item_id: str, exc: DefinitionError, obj: Derived | Extension
) -> Problem:
    """A derived item or extension the model refuses, as a problem naming the field."""
    rule = Rule.UNKNOWN_COLUMN if exc.message.startswith("unknown field") else Rule.INVALID
    if "is already" in exc.message:
        rule = Rule.INCONSISTENT
    message, _, hint = exc.message.partition("; did you mean")
    field = exc.field
    return Problem(
        plugin,
        kind.singular,
        exc.item or item_id or None,
        message,
        field=field,
        value=obj.changes.get(field) if field else None,
        rule=rule,
        suggestion=f"did you mean{hint}" if hint else None,
        site=obj.site if isinstance(obj.site, Site) else None,
    )


def _apply_extensions(
    kind: Kind,
    extensions: list[tuple[str, Extension]],
    items: dict[str, object],
    report: _Report | None,
) -> dict[str, list[str]]:
    """Apply ``extensions`` to ``items`` in turn; return the plugins extending each item."""
    extended_by: dict[str, list[str]] = {}
    for plugin, ext in extensions:
        if ext.id not in items:
            _raise_or_report(_unknown_base(kind, plugin, ext.id, "id", ext, items), report)
            continue
        try:
            items[ext.id] = extend(items[ext.id], ext, source=_site_source(ext.site, plugin))
        except DefinitionError as exc:
            _raise_or_report(_built_problem(kind, plugin, ext.id, exc, ext), report)
            continue
        extended_by.setdefault(ext.id, []).append(plugin)
    return extended_by


def _resolve_derived(
    kind: Kind,
    derived: list[tuple[str, Derived]],
    items: dict[str, object],
    sources: dict[str, str],
    report: _Report | None,
) -> None:
    """Add the items ``derived`` describes to ``items``; one may extend another."""
    waiting = list(derived)
    while waiting:
        ready = [(p, d) for p, d in waiting if d.extends in items]
        if not ready:
            break
        waiting = [(p, d) for p, d in waiting if d.extends not in items]
        for plugin, d in ready:
            if d.id in items and d.id != d.extends:  # extending itself: derive says so
                _duplicate_found(kind, plugin, d.id, sources[d.id], report)
                continue
            try:
                items[d.id] = derive(items[d.extends], d, source=_site_source(d.site, plugin))
            except DefinitionError as exc:
                _raise_or_report(_built_problem(kind, plugin, d.id, exc, d), report)
                continue
            sources[d.id] = plugin
    for plugin, d in waiting:
        _raise_or_report(_unknown_base(kind, plugin, d.id, "extends", d, items), report)


class Catalog:
    """Merged, validated contributions of a set of plugins.

    Build it with :meth:`build` (from plugins and/or installed entry points)
    or :meth:`from_plugin_manager`; use :func:`default_catalog` for the
    cached catalog of the installed plugins.

    **Broken plugins.** Plugins passed explicitly are the caller's: their
    errors raise. With ``skip_failing=True`` (what :func:`default_catalog`
    and the command line use) an *installed* plugin that is broken is
    skipped as a whole, with one :class:`~qualitapa.errors.PluginWarning`,
    and listed in :attr:`broken`: it failed to import, a hook raised or
    returned something invalid (a wrong type, an invalid id, a dataset
    outside its package), it defines an id twice, or it refers to something
    only a skipped plugin defined. When two installed plugins contribute the
    same id (without :class:`Override`) **both** are skipped: neither is
    taken for the real one. A conflict with an explicit plugin raises.

    Attributes
    ----------
    services, organizations, peer_groups, variables, indicators, composites,
    instruments, complaint_categories, standards, charters, charter_content,
    datasets, demo_profiles : Collection
        The items of each kind by id.
    plugins : list[PluginInfo]
        The registered plugins, without the skipped ones.
    broken : dict
        Skipped plugins: name -> the problem, on one line.

    Raises
    ------
    PluginConflictError
        Two plugins contribute the same id (without :class:`Override`).
    DefinitionError
        An item refers to an unknown service, or a plugin contributes the
        same id twice.
    PluginError
        A hook implementation raised or returned something else than a list
        of the expected model.
    """

    services: Collection[Service]
    organizations: Collection[Organization]
    peer_groups: Collection[PeerGroup]
    variables: Collection[Variable]
    indicators: Collection[IndicatorDefinition]
    composites: Collection[CompositeDefinition]
    instruments: Collection[Instrument]
    complaint_categories: Collection[ComplaintCategory]
    standards: Collection[QualityStandard]
    charters: Collection[Charter]
    charter_content: Collection[CharterContent]
    datasets: Collection[Dataset]
    demo_profiles: Collection[DemoProfile]

    def __init__(self, pm: pluggy.PluginManager, *, skip_failing: bool = False) -> None:
        self.plugin_manager = pm
        self.skip_failing = skip_failing
        #: Installed plugins that are skipped rather than raised when broken.
        isolated: set[str] = set(getattr(pm, "installed", ())) if skip_failing else set()
        known_broken: dict[str, str] = dict(getattr(pm, "broken", {}))
        self.broken: dict[str, str] = dict(known_broken)
        gathered = self._gather(pm, isolated)
        while True:
            try:
                self._merge(gathered)
                break
            except QualitapaError as exc:
                culprits = _culprits(exc)
                if not culprits or not culprits <= isolated:
                    raise
                problem = _problem_text(exc, next(iter(culprits)) if len(culprits) == 1 else None)
                if isinstance(exc, DefinitionError) and self.broken:
                    skipped = ", ".join(repr(n) for n in sorted(self.broken))
                    problem += f" (after skipping plugin(s) {skipped})"
                for name in culprits:
                    self.broken[name] = problem
                    gathered.pop(name, None)
        for name, problem in self.broken.items():
            if pm.get_plugin(name) is not None:
                pm.unregister(name=name)
            if isinstance(getattr(pm, "broken", None), dict):
                pm.broken[name] = problem  # type: ignore[attr-defined]
            if name not in known_broken:  # the plugin manager warned of those
                warnings.warn(skipped_message(name, problem), PluginWarning, stacklevel=3)
        self.plugins: list[PluginInfo] = plugin_infos(pm)

    def _skip_or_raise(self, plugin: str, exc: QualitapaError, isolated: set[str]) -> None:
        if plugin not in isolated:
            raise exc
        self.broken[plugin] = _problem_text(exc, plugin)

    def _gather(
        self, pm: pluggy.PluginManager, isolated: set[str]
    ) -> dict[str, dict[str, list[object]]]:
        """Call every hook of every plugin: plugin -> kind -> items, in registration order.

        A plugin whose hook raises or returns something invalid is raised
        (explicit plugins) or marked broken (isolated installed plugins).
        """
        gathered: dict[str, dict[str, list[object]]] = {}
        for kind in KINDS:
            caller = getattr(pm.hook, kind.hook)
            model = kind.model_class()
            for impl in caller.get_hookimpls():  # registration order
                plugin = impl.plugin_name
                if plugin in self.broken:
                    continue
                try:
                    objs = _call_hook(impl, kind, model)
                except QualitapaError as exc:
                    self._skip_or_raise(plugin, exc, isolated)
                    gathered.pop(plugin, None)
                    continue
                gathered.setdefault(plugin, {}).setdefault(kind.name, []).extend(objs)
        return {p: kinds for p, kinds in gathered.items() if p not in self.broken}

    def _merge(
        self, gathered: dict[str, dict[str, list[object]]], report: _Report | None = None
    ) -> None:
        """Merge the plugins' items kind by kind.

        Without ``report``, raise on the first conflict or bad reference;
        with it, report each one (a conflicting item is left out) and go on.
        """
        children: dict[str, set[str]] = {}
        for kind in KINDS:
            items, sources, extended_by = self._collect(gathered, kind, report)
            coll: Collection[object] = Collection(kind, items, sources)
            coll._children = children
            coll._extended_by = extended_by
            setattr(self, kind.name, coll)
            if kind.name == "services":
                self._check_service_tree(self.services, report)
                for sid, svc in self.services.items():
                    parent, seen = svc.parent, {sid}
                    while parent is not None and parent in self.services and parent not in seen:
                        children.setdefault(parent, set()).add(sid)
                        seen.add(parent)
                        parent = self.services[parent].parent
            else:
                self._check_service_refs(coll, report)

    @classmethod
    def _checked(
        cls,
        pm: pluggy.PluginManager,
        gathered: dict[str, dict[str, list[object]]],
        report: _Report,
    ) -> Catalog:
        """A catalog of ``gathered`` items, its conflicts and bad references reported."""
        self = cls.__new__(cls)
        self.plugin_manager = pm
        self.skip_failing = False
        self.broken = dict(getattr(pm, "broken", {}))
        self._merge(gathered, report)
        self.plugins = plugin_infos(pm)
        return self

    # -- construction ---------------------------------------------------
    @classmethod
    def from_plugin_manager(
        cls, pm: pluggy.PluginManager, *, skip_failing: bool = False
    ) -> Catalog:
        """Build the catalog of the plugins registered in ``pm``."""
        return cls(pm, skip_failing=skip_failing)

    @classmethod
    def build(
        cls,
        plugins: Iterable[object] = (),
        *,
        entrypoints: bool = True,
        skip_failing: bool = False,
    ) -> Catalog:
        """Build a catalog from explicit plugins and (by default) the installed ones.

        Parameters
        ----------
        plugins
            Plugin objects, or ``(name, plugin)`` pairs. Their errors always
            raise.
        entrypoints
            Also load installed plugins (see :mod:`qualitapa.plugins`).
        skip_failing
            Skip broken installed plugins (they fail to import, a hook raises
            or returns something invalid, they conflict with another installed
            plugin, or build on a skipped one) with one
            :class:`~qualitapa.errors.PluginWarning` each, and list them in
            :attr:`broken`, instead of raising.
        """
        pm = make_plugin_manager(plugins, entrypoints=entrypoints, skip_failing=skip_failing)
        return cls(pm, skip_failing=skip_failing)

    def extended(self, *plugins: object) -> Catalog:
        """A new catalog of this catalog's plugins and ``plugins`` (objects or ``(name, plugin)``).

        Used, e.g., by the national-scale demo to add its synthetic
        municipalities as organizations. Skipped plugins stay skipped.

        Examples
        --------
        >>> from types import SimpleNamespace
        >>> from qualitapa import hookimpl
        >>> from qualitapa.models import Organization
        >>> synthetic = [Organization("099001", "Sintetica")]
        >>> more = SimpleNamespace(qualitapa_organizations=hookimpl(lambda: synthetic))
        >>> base = Catalog.build([], entrypoints=False)
        >>> list(base.extended(("more", more)).organizations)
        ['099001']
        """
        registered = [(n, p) for n, p in self.plugin_manager.list_name_plugin() if p is not None]
        pm = make_plugin_manager([*registered, *plugins], entrypoints=False)
        old = self.plugin_manager
        pm.installed = set(getattr(old, "installed", ()))
        pm.distributions = dict(getattr(old, "distributions", {}))
        pm.broken = dict(self.broken)
        return Catalog(pm, skip_failing=self.skip_failing)

    @staticmethod
    def _collect(
        gathered: Mapping[str, Mapping[str, list[object]]],
        kind: Kind,
        report: _Report | None = None,
    ) -> tuple[dict[str, object], dict[str, str], dict[str, list[str]]]:
        """The items of ``kind`` by id, their plugins, and the plugins extending each.

        Plain items first, then overrides, then derived items (``extends``,
        in rounds: one may extend another), then extensions in plugin order.
        """
        items: dict[str, object] = {}
        sources: dict[str, str] = {}
        overridden: dict[str, str] = {}
        pending: list[tuple[str, str, object]] = []
        derived: list[tuple[str, Derived]] = []
        extensions: list[tuple[str, Extension]] = []
        for plugin, kinds in gathered.items():
            for obj in kinds.get(kind.name, ()):
                if isinstance(obj, Derived):
                    derived.append((plugin, obj))
                    continue
                if isinstance(obj, Extension):
                    extensions.append((plugin, obj))
                    continue
                item = obj.item if isinstance(obj, Override) else obj
                item_id = str(getattr(item, "id", ""))  # _call_hook checked it is a str
                if isinstance(obj, Override):
                    pending.append((plugin, item_id, item))
                    continue
                if item_id in items:  # raises without report
                    _duplicate_found(kind, plugin, item_id, sources[item_id], report)
                    continue
                items[item_id] = item
                sources[item_id] = plugin
        for plugin, item_id, item in pending:
            problem = _override_problem(kind, plugin, item_id, items, overridden)
            if problem is not None:
                _raise_or_report(problem, report)
                continue
            items[item_id] = item
            sources[item_id] = plugin
            overridden[item_id] = plugin
        _resolve_derived(kind, derived, items, sources, report)
        return items, sources, _apply_extensions(kind, extensions, items, report)

    def _check_service_tree(
        self, services: Collection[Service], report: _Report | None = None
    ) -> None:
        for sid, svc in services.items():
            if svc.parent is not None and svc.parent not in services:
                problem = f"parent service {svc.parent!r} is not defined by any plugin"
                if report is None:
                    raise DefinitionError(
                        problem, source=services.plugin_of(sid), item=sid, field="parent"
                    )
                report(
                    _unknown_reference(
                        services.plugin_of(sid), "service", sid, "parent", svc.parent, services
                    )
                )
                continue
            seen = {sid}
            parent = svc.parent
            while parent is not None and parent in services:
                if parent in seen:
                    if report is None:
                        raise DefinitionError(
                            "the service tree has a cycle",
                            source=services.plugin_of(sid),
                            item=sid,
                        )
                    report(
                        Problem(
                            services.plugin_of(sid),
                            "service",
                            sid,
                            "the service tree has a cycle (a service is its own parent)",
                            field="parent",
                            value=svc.parent,
                            rule=Rule.INCONSISTENT,
                        )
                    )
                    break
                seen.add(parent)
                parent = services[parent].parent

    def _check_service_refs(self, coll: Collection[object], report: _Report | None = None) -> None:
        for item_id, item in coll.items():
            service = getattr(item, "service", None)
            if service is not None and service not in self.services:
                if report is None:
                    raise DefinitionError(
                        f"refers to unknown service {service!r}",
                        source=coll.plugin_of(item_id),
                        item=item_id,
                        field="service",
                    )
                report(
                    _unknown_reference(
                        coll.plugin_of(item_id),
                        coll.kind.singular,
                        item_id,
                        "service",
                        str(service),
                        self.services,
                    )
                )

    # -- lookups ----------------------------------------------------------
    def collection(self, kind: str) -> Collection[object]:
        """The collection of ``kind`` (e.g. ``"indicators"``)."""
        if kind not in KINDS_BY_NAME:
            raise UnknownItemError("kind of item", kind, suggestions=list(KINDS_BY_NAME))
        coll: Collection[object] = getattr(self, kind)
        return coll

    def describe(
        self,
        kind: str | None = None,
        *,
        lang: str = "it",
        service: str | None = None,
        organization: str | None = None,
    ) -> pd.DataFrame:
        """What the catalog defines, as a table (``qualitapa catalog [KIND]``).

        .. versionadded:: 0.2.0

        Parameters
        ----------
        kind
            A collection name (``"indicators"``, ``"peer_groups"``...: see
            :data:`KINDS`); None for the summary of every kind.
        lang
            The language of the labels (with fallback to Italian).
        service
            Only the items of this service and its sub-services (kinds that
            belong to no service, such as organizations, are not filtered).
        organization
            Only the items that apply to this organization (a code or a
            name): items defined for other organizations only are left out;
            organizations, peer groups and charter contents are those of
            this organization.

        Returns
        -------
        pandas.DataFrame
            Without ``kind``: one row per kind with ``kind``, ``label`` (its
            name in ``lang``), ``count`` (items) and ``plugins`` (those that
            contribute some). With ``kind``: one row per item (per question
            for ``instruments``, per member for ``peer_groups``) whose first
            columns are ``id`` and ``label`` (``instrument``, ``question``...
            for instruments), the kind's fields as text (targets and refunds
            in words, lists joined with commas), the labels of the ids it
            names (``service_label``...) and ``plugin``. A complaint
            category's deadline is its own or its nearest parent's
            (``deadline_of`` names the category giving it; none: the
            register's policy applies, 30 calendar days by default).

        Raises
        ------
        UnknownItemError
            An unknown kind, service or organization (the closest are
            suggested).

        Examples
        --------
        >>> from qualitapa.declarative import TomlPlugin
        >>> import pathlib, tempfile
        >>> toml = pathlib.Path(tempfile.mkdtemp()) / "libs.toml"
        >>> _ = toml.write_text('[[services]]\\nid = "libraries"\\n'
        ...     'label = {it = "Biblioteche", de = "Bibliotheken"}\\n'
        ...     '[[variables]]\\nid = "loans"\\nlabel = "Prestiti"\\nservice = "libraries"\\n')
        >>> cat = Catalog.build([("libs", TomlPlugin(toml))], entrypoints=False)
        >>> cat.describe().query("count > 0")[["kind", "count", "plugins"]].values.tolist()
        [['services', 1, 'libs'], ['variables', 1, 'libs']]
        >>> cat.describe("variables", lang="de")[["id", "service_label", "type"]].values.tolist()
        [['loans', 'Bibliotheken', 'number']]
        """
        from qualitapa._describe import describe

        return describe(self, kind, lang=lang, service=service, organization=organization)

    def kinds_of(self, item_id: str) -> list[str]:
        """The kinds (collection names) having an item ``item_id``: more than one is ambiguous.

        .. versionadded:: 0.2.0

        Examples
        --------
        >>> Catalog.build([], entrypoints=False).kinds_of("registry")
        []
        """
        from qualitapa._describe import kinds_of

        return kinds_of(self, item_id)

    def item(self, item_id: str, kind: str | None = None) -> dict[str, object]:
        """One item in full, as plain JSON-able data (``qualitapa catalog show ID``).

        .. versionadded:: 0.2.0

        Parameters
        ----------
        item_id
            The item's id (an organization also by name or ISTAT code).
        kind
            Its collection (``"indicators"``...); needed only when the id
            names items of several kinds.

        Returns
        -------
        dict
            ``id``; ``kind``; ``source`` (``plugin``, ``file`` and ``line``
            where it is written, None when not known); ``extended_by`` (the
            same for each plugin that adds to it, in the order applied);
            ``definition`` (every field: labels as ``{"it": ..., "de": ...}``,
            enums as their values, dates in ISO 8601, paths as text); and
            ``related`` (what the catalog knows besides: a variable's
            indicators, an indicator's variables, standards and composites,
            a peer group's members, an organization's peer groups, a
            service's sub-services, a standard's charters...).

        Raises
        ------
        UnknownItemError
            No item has this id (the closest ids of every kind are
            suggested), or ``kind`` is unknown.
        OptionError
            The id names items of several kinds and ``kind`` is not given
            (:meth:`kinds_of` lists them).

        Examples
        --------
        >>> from qualitapa.declarative import TomlPlugin
        >>> import pathlib, tempfile
        >>> toml = pathlib.Path(tempfile.mkdtemp()) / "libs.toml"
        >>> _ = toml.write_text('[[services]]\\nid = "libraries"\\n'
        ...     'label = {it = "Biblioteche", de = "Bibliotheken"}\\n')
        >>> cat = Catalog.build([("libs", TomlPlugin(toml))], entrypoints=False)
        >>> found = cat.item("libraries")
        >>> found["kind"], found["definition"]["label"], found["source"]["line"]
        ('services', {'it': 'Biblioteche', 'de': 'Bibliotheken'}, 1)
        >>> cat.item("librarys")
        Traceback (most recent call last):
        ...
        qualitapa.errors.UnknownItemError: unknown item 'librarys'; did you mean 'libraries'?
        """
        from qualitapa._describe import item

        return item(self, item_id, kind)

    def indicator(self, indicator_id: str) -> IndicatorDefinition:
        """The indicator definition ``indicator_id``."""
        return self.indicators[indicator_id]

    def service(self, service_id: str) -> Service:
        """The service ``service_id``."""
        return self.services[service_id]

    @functools.cached_property
    def organization_index(self) -> OrganizationIndex:
        """Lookups of this catalog's organizations by code, ISTAT code and name."""
        return OrganizationIndex(self.organizations.values())

    def resolve_organization(self, value: object) -> str:
        """The code of the organization ``value`` names (a code, a name, a stripped code).

        A catalog without organizations returns ``value`` as it is. A value
        resolved from a name or a code without its leading zeros gives a
        :class:`~qualitapa.errors.DataWarning`.

        Raises
        ------
        UnknownItemError
            No organization, or several, go by ``value``; the closest are
            suggested.

        Examples
        --------
        >>> from qualitapa.declarative import TomlPlugin
        >>> import pathlib, tempfile
        >>> toml = pathlib.Path(tempfile.mkdtemp()) / "cities.toml"
        >>> _ = toml.write_text('[[organizations]]\\nid = "022205"\\nname = "Trento"\\n')
        >>> Catalog.build([TomlPlugin(toml)], entrypoints=False).resolve_organization("022205")
        '022205'
        """
        index = self.organization_index
        if not len(index):
            return str(value)
        found = index.resolve([value])
        key = next(iter({**found.codes, **found.unknown}), str(value))
        if key in found.codes:
            code = found.codes[key]
            if key in found.notes:
                how = found.notes[key]
                warnings.warn(
                    translatable(
                        DataWarning,
                        lambda t: t(
                            "ente {value} letto come {label} ({how})",
                            value=repr(key),
                            label=f"{self._organization_name(code, t.lang)} ({code})",
                            how=t(_FOUND_BY.get(how, how)),
                        ),
                    ),
                    stacklevel=2,
                )
            return code
        raise UnknownItemError("organization", str(value), suggestions=index.suggest(value))

    def resolve_organizations(
        self, data: pd.DataFrame, *, column: str = "organization", source: str | None = None
    ) -> pd.DataFrame:
        """Return ``data`` with the organizations of ``column`` as the catalog's codes.

        Names (any case, with or without accents, in any language the
        catalog gives), ISTAT codes and codes that lost their leading zeros
        (``16024`` for ``016024``, as Excel writes them) are replaced by the
        catalog's code when exactly one organization goes by them; each
        such replacement is listed in one
        :class:`~qualitapa.errors.DataWarning`. Missing values stay missing.

        When the catalog defines no organization at all, ``data`` is
        returned as it is: any consistent coding is accepted.

        Parameters
        ----------
        data
            A table with a ``column`` of organizations (without it, it is
            returned as it is).
        column
            The column holding organizations.
        source
            The file name, for messages.

        Returns
        -------
        pandas.DataFrame
            A copy when something changed; the caller's frame is never
            modified.

        Raises
        ------
        UnknownValueError
            A value that no organization (or more than one) goes by; the
            error names the first row holding it, the column, the value and
            the closest organizations; ``failure_cases`` lists every unknown
            value with its first row and suggestions.

        Examples
        --------
        >>> from qualitapa import hookimpl
        >>> from qualitapa.models import Organization
        >>> class Cities:
        ...     @hookimpl
        ...     def qualitapa_organizations(self):
        ...         return [Organization("022205", "Trento"), Organization("016024", "Bergamo")]
        >>> cat = Catalog.build([Cities()], entrypoints=False)
        >>> data = pd.DataFrame({"organization": ["022205", "Bergamo"], "value": [1, 2]})
        >>> import warnings
        >>> with warnings.catch_warnings(record=True) as notes:
        ...     warnings.simplefilter("always")
        ...     cat.resolve_organizations(data, source="raw.csv")["organization"].tolist()
        ['022205', '016024']
        >>> print(notes[0].message)  # doctest: +ELLIPSIS
        raw.csv, column 'organization': ...codes: 'Bergamo' -> 016024 (Bergamo, by name)
        """
        index = self.organization_index
        if not len(index) or not isinstance(data, pd.DataFrame) or column not in data.columns:
            return data
        values = data[column]
        codes, uniques = pd.factorize(values)
        keys = [value_key(u) for u in uniques]
        found = index.resolve(uniques)
        if found.unknown:
            raise self._unknown_organizations(found.unknown, keys, codes, column, source)
        mapped = np.array([found.codes[k] for k in keys] + [None], dtype=object)
        if not found.notes and all(
            isinstance(u, str) and found.codes[k] == u for u, k in zip(uniques, keys, strict=True)
        ):
            return data
        if found.notes:
            shown = list(found.notes.items())[:10]
            more = len(found.notes) - len(shown)

            def note(t: Translator) -> str:
                where = ", ".join(p for p in (source, t("colonna {column}",
                                                        column=repr(column))) if p)  # fmt: skip
                read = ", ".join(
                    f"{k!r} -> {found.codes[k]} ({self._organization_name(found.codes[k], t.lang)}"
                    f", {t(_FOUND_BY.get(how, how))})"
                    for k, how in shown
                )
                text = t("{where}: enti letti come codici del catalogo: {read}",
                         where=where, read=read)  # fmt: skip
                return text + (t(" e altri {n}", n=more) if more > 0 else "")

            warnings.warn(translatable(DataWarning, note), stacklevel=2)
        out = data.copy()
        resolved = pd.Series(mapped[codes], index=data.index, dtype=object)
        resolved = resolved.where(codes >= 0, np.nan)
        if isinstance(values.dtype, pd.StringDtype):
            resolved = resolved.astype(values.dtype)  # as read_table reads codes
        out[column] = resolved
        return out

    def _organization_name(self, code: str, lang: str) -> str:
        """The name of organization ``code`` in ``lang`` (Bozen for Bolzano in German)."""
        org = self.organizations.get(code)
        return (
            org.display_name(lang)
            if org is not None
            else self.organization_index.names.get(code, code)
        )

    def _unknown_organizations(
        self,
        unknown: dict[str, str],
        keys: list[str],
        codes: npt.NDArray[np.intp],
        column: str,
        source: str | None,
    ) -> UnknownValueError:
        index = self.organization_index
        first_row = {k: int(np.flatnonzero(codes == i)[0]) + 1 for i, k in enumerate(keys)}
        cases = pd.DataFrame(
            [
                {
                    "row": first_row[k],
                    "column": column,
                    "value": k,
                    "problem": (
                        Message(
                            "unknown organization ({why})", N_("ente sconosciuto ({why})"), why=why
                        )
                        if why
                        else _UNKNOWN_ORGANIZATION
                    ),
                    "suggestions": ", ".join(index.suggest(k)),
                }
                for k, why in unknown.items()
            ]
        ).sort_values("row", kind="stable", ignore_index=True)
        first = str(cases["value"].iloc[0])
        why = unknown[first]
        detail = (
            Message(
                "{value} is {why}; use the code",
                N_("{value} è {why}; usare il codice"),
                value=repr(first),
                why=why,
            )
            if why
            else Message(
                "unknown organization {value} (the catalog has {n} organizations: use one's code "
                "or name, or add it to a plugin or a --definitions file)",
                N_(
                    "ente sconosciuto {value} (il catalogo ha {n} enti: usare il codice o il "
                    "nome di uno di essi, o aggiungerlo a un plugin o a un file --definitions)"
                ),
                value=repr(first),
                n=len(index),
            )
        )
        if len(cases) > 1:
            detail = Message(
                "{detail}; {n} unknown organizations in all",
                N_("{detail}; {n} enti sconosciuti in tutto"),
                detail=detail,
                n=len(cases),
            )
        return UnknownValueError(
            "organization",
            first,
            suggestions=index.suggest(first),
            detail=detail,
            source=source,
            row=int(cases["row"].iloc[0]),
            column=column,
            failure_cases=cases if len(cases) > 1 else None,
        )

    def populations(self) -> dict[str, int | None]:
        """Population of each registered organization (None when unknown)."""
        return {o.id: o.population for o in self.organizations.values()}

    def contributions(self) -> pd.DataFrame:
        """Table of plugins and what each contributes.

        Columns: ``plugin``, ``distribution``, ``version``, one count
        column per kind of item, ``extensions`` (the items of other plugins
        it adds to, ``[[extensions.*]]``), ``status`` (``ok`` or ``broken``:
        skipped, see :attr:`broken`) and ``problem`` (why it is broken).
        """
        rows = []
        for info in self.plugins:
            row: dict[str, str | int] = {
                "plugin": info.name,
                "distribution": info.distribution or "",
                "version": info.version or "",
            }
            extended = 0
            for kind in KINDS:
                coll = self.collection(kind.name)
                row[kind.name] = len(coll.by_plugin(info.name))
                extended += sum(info.name in by for by in coll._extended_by.values())
            row["extensions"] = extended
            rows.append({**row, "status": "ok", "problem": ""})
        dists: dict[str, tuple[str, str]] = getattr(self.plugin_manager, "distributions", {})
        for name, problem in self.broken.items():
            dist = dists.get(name, ("", ""))
            rows.append(
                {
                    "plugin": name,
                    "distribution": dist[0],
                    "version": dist[1],
                    **{kind.name: 0 for kind in KINDS},
                    "extensions": 0,
                    "status": "broken",
                    "problem": problem,
                }
            )
        columns = ["plugin", "distribution", "version", *(k.name for k in KINDS), "extensions"]
        columns += ["status", "problem"]
        return pd.DataFrame(rows, columns=columns).sort_values("plugin", ignore_index=True)

    def check(self) -> list[Problem]:
        """Look for problems that do not stop the catalog from building.

        Skipped (broken) plugins, hook implementations with unknown names
        (typos) and an id used both by a variable and by an indicator are
        errors; missing
        English labels are warnings; each item that defines a
        ``check(catalog)`` method (indicators check their variables are
        declared, standards that their indicator exists...) adds its own
        problems.
        """
        problems: list[Problem] = [
            Problem(
                name,
                "plugin",
                None,
                f"skipped: {problem}",
                suggestion=f"fix or uninstall it; {DISABLE_ENV}={name} stops loading it",
            )
            for name, problem in sorted(self.broken.items())
        ]
        try:
            self.plugin_manager.check_pending()
        except pluggy.PluginValidationError as exc:
            name = getattr(exc, "plugin", None)
            problems.append(
                Problem(
                    self.plugin_manager.get_name(name) if name is not None else None,
                    "plugin",
                    None,
                    str(exc),
                )
            )
        for shared in sorted(set(self.variables) & set(self.indicators)):
            problems.append(
                Problem(
                    self.indicators.plugin_of(shared),
                    "indicator",
                    shared,
                    f"the id is also a variable (of plugin {self.variables.plugin_of(shared)!r}); "
                    "tables that hold variables and indicator values together (charter "
                    "compliance) could not tell them apart",
                )
            )
        for kind in KINDS:
            coll = self.collection(kind.name)
            for item_id, item in coll.items():
                plugin = coll.plugin_of(item_id)
                label = getattr(item, "label", None)
                if label is not None and getattr(label, "en", "x") is None:
                    problems.append(
                        Problem(
                            plugin,
                            kind.singular,
                            item_id,
                            "no English label",
                            "warning",
                            field="label",
                            rule=Rule.INCOMPLETE,
                            suggestion="add en = ... to the label",
                        )
                    )
                checker = getattr(item, "check", None)
                if callable(checker):
                    try:
                        found_all = list(checker(self))
                    except Exception as exc:  # a check must not stop the others
                        found_all = [
                            f"its check failed: {type(exc).__name__}: {one_line(str(exc))}"
                        ]
                    for found in found_all:
                        if not isinstance(found, Problem):
                            found = Problem(plugin, kind.singular, item_id, str(found))
                        found = attrs.evolve(found, plugin=found.plugin or plugin)
                        problems.append(self._completed(found, item))
        return problems

    def _completed(self, problem: Problem, item: object) -> Problem:
        """``problem`` of ``item``'s own check, given the field and suggestion it lacks.

        The field is the one holding the id the message quotes (``standard
        'x' is not defined`` of a charter: ``standards``) or the one it names;
        for an unknown id, the suggestion is the closest id of the kind the
        message names (``standard``, ``indicator``, ``organization``...).
        """
        message, suggestion = problem.message, problem.suggestion
        close = _DID_YOU_MEAN.search(message)
        if close and suggestion is None:
            message, suggestion = message[: close.start()].rstrip(" ;,("), close.group(1)
        quoted = _QUOTED.findall(message)
        value = problem.value if problem.value is not None else (quoted[0] if quoted else None)
        field = problem.field or _field_of(item, message, value)
        if suggestion is None and isinstance(value, str) and _UNKNOWN.search(message):
            suggestion = self._closest_id(message, value)
        return attrs.evolve(
            problem, message=message, field=field, value=value, suggestion=suggestion
        )

    def _closest_id(self, message: str, value: str) -> str | None:
        """For an unknown ``value``: the closest id of the kind ``message`` names before it."""
        before = message[: message.find(repr(value))].lower() if repr(value) in message else ""
        words = re.findall(r"[a-z_]+", before)
        for word in reversed(words):
            kind = _KIND_OF_WORD.get(word) or _KIND_OF_WORD.get(word.removesuffix("s"))
            if kind is None:
                continue
            return _did_you_mean(value, self.collection(kind))
        return None


#: "; did you mean 'x'?" or " (did you mean 'x'?)" at the end of a message.
_DID_YOU_MEAN = re.compile(r"[\s;,(]*(did you mean [^?]*\?)\)?\s*$")
_QUOTED = re.compile(r"'([^']+)'")
#: Messages about an id that no plugin defines.
_UNKNOWN = re.compile(r"\bunknown\b|not (?:defined|registered|declared)|no plugin defines")


def _field_of(item: object, message: str, value: object) -> str | None:
    """The field of ``item`` a check's ``message`` is about: the one holding ``value``,
    else the first one the message names (singular or plural)."""
    if not attrs.has(type(item)):
        return None
    names = [f.name.lstrip("_") for f in attrs.fields(type(item))]  # type: ignore[arg-type]
    if isinstance(value, str):
        for f in attrs.fields(type(item)):  # type: ignore[arg-type]
            held = getattr(item, f.name, None)
            if f.name != "id" and (
                held == value
                or (isinstance(held, tuple | list | set | frozenset | Mapping) and value in held)
            ):
                return f.name.lstrip("_")
    for word in re.findall(r"[a-z_]+", message.lower()):
        for name in (word, word + "s"):
            if name in names and name != "id":
                return name
    return None


@functools.cache
def default_catalog() -> Catalog:
    """The catalog of the installed plugins, built once and cached.

    A broken installed plugin is skipped with one
    :class:`~qualitapa.errors.PluginWarning` (see :class:`Catalog`) and
    listed in :attr:`Catalog.broken`: the other plugins keep working.

    Call ``default_catalog.cache_clear()`` after installing plugins in a
    running process. Applications that need isolation build their own with
    :meth:`Catalog.build`.
    """
    return Catalog.build(skip_failing=True)


#: The extra columns of :func:`check_plugins`' table, after the problems' core columns.
CHECK_EXTRAS: tuple[str, ...] = ("severity", "plugin", "section", "id", "suggestion", "line")

#: Fields that name items of another kind, and that kind.
_REFERENCES: dict[str, str] = {
    "indicator": "indicators",
    "instrument": "instruments",
    "charter": "charters",
    "standards": "standards",
    "organization": "organizations",
    "organizations": "organizations",
    "peer_group": "peer_groups",
}

_KIND_OF_SINGULAR = {k.singular: k.name for k in KINDS}
#: The kind a word of a message names: "standard" -> standards, "category" -> complaint_categories.
_KIND_OF_WORD = {k.singular.split()[-1]: k.name for k in KINDS}


def _target_of(problem: Problem) -> str:
    """The kind (singular) an unknown reference names: ``unknown service 'x'`` -> service."""
    for kind in KINDS:
        if problem.message == f"unknown {kind.singular} {problem.value!r}":
            return kind.singular
    return ""


def _module_file(plugin: object) -> str:
    """The file of the module defining ``plugin`` (a module, or an object's class)."""
    module = plugin if isinstance(plugin, types.ModuleType) else None
    if module is None:
        module = sys.modules.get(getattr(type(plugin), "__module__", ""))
    return str(getattr(module, "__file__", None) or type(plugin).__name__)


def _shown_path(path: str) -> str:
    """``path`` relative to the working folder when inside it (shorter to read)."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return path


def _reference_problems(catalog: Catalog) -> list[Problem]:
    """Items naming an indicator, standard, organization... that no plugin defines."""
    found: list[Problem] = []
    for kind in KINDS:
        coll = catalog.collection(kind.name)
        for item_id, item in coll.items():
            for field, target in _REFERENCES.items():
                value = getattr(item, field, None)
                values = [value] if isinstance(value, str) else value
                if not isinstance(values, tuple | list):
                    continue
                known = catalog.collection(target)
                for v in values:
                    if isinstance(v, str) and v not in known:
                        found.append(
                            _unknown_reference(
                                coll.plugin_of(item_id),
                                kind.singular,
                                item_id,
                                field,
                                v,
                                known,
                                target=KINDS_BY_NAME[target].singular,
                            )
                        )
    return found


def check_plugins(
    plugins: Iterable[object] = (),
    *,
    names: Iterable[str] | None = None,
    entrypoints: bool = True,
) -> pd.DataFrame:
    """Every problem of every plugin, in one table (``qualitapa plugin check``).

    Unlike :meth:`Catalog.build`, which raises at the first invalid
    definition, this collects them all: TOML that does not parse (with its
    line), unknown sections and fields (with the closest known field), values
    of the wrong type (the field and the type it needs; ``"90%"`` for a share
    and ``"1000"`` for a number are errors, not converted), ids defined twice
    (both files, and the override to use), references to services,
    indicators, standards, organizations... that no plugin defines (with the
    closest known ids), and what each item's own ``check`` finds (a formula's
    undeclared variable, with the closest declared one). An entry with a
    problem is left out of the cross-plugin checks only when it cannot be
    read at all.

    Parameters
    ----------
    plugins
        Plugin objects, or ``(name, plugin)`` pairs, checked with the others.
        An installed TOML plugin reading one of the files of a
        :class:`~qualitapa.declarative.TomlPlugin` given here is left out
        (the file is checked once, as given).
    names
        Report only the problems of these plugins (every plugin is loaded:
        references cross plugins).
    entrypoints
        Also check the installed plugins (see :mod:`qualitapa.plugins`). A
        plugin that fails to import is one problem.

    Returns
    -------
    pandas.DataFrame
        The problems table (:mod:`qualitapa.problems`): ``source`` (the
        file), ``row`` (the entry's number in its section), ``column`` (the
        field), ``value``, ``rule`` and ``message``, then ``severity``
        (``error`` or ``warning``), ``plugin``, ``section`` (e.g.
        ``indicators``, ``overrides.standards``), ``id``, ``suggestion`` and
        ``line`` (in the file: of the field when found, else of the entry's
        ``[[section]]`` header).
        No row: nothing to fix.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from qualitapa.declarative import TomlPlugin
    >>> toml = pathlib.Path(tempfile.mkdtemp()) / "mine.toml"
    >>> _ = toml.write_text('[[services]]\\nid = "libraries"\\nlabel = "Biblioteche"\\n'
    ...                     '[[variables]]\\nid = "loans"\\nlabl = "Prestiti"\\n'
    ...                     'servce = "libraries"\\n')
    >>> table = check_plugins([("mine", TomlPlugin(toml))], entrypoints=False)
    >>> table[["severity", "section", "row", "column", "suggestion"]].values.tolist()
    ... # doctest: +NORMALIZE_WHITESPACE
    [['error', 'variables', 1, 'labl', "did you mean 'label'?"],
     ['error', 'variables', 1, 'servce', "did you mean 'service'?"],
     ['warning', 'services', 1, 'label', 'add en = ... to the label']]
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PluginWarning)
        pm = make_plugin_manager(plugins, entrypoints=entrypoints, skip_failing=True)
    check = _PluginCheck(pm)
    return check.table(None if names is None else set(names))


class _PluginCheck:
    """The work of :func:`check_plugins`: read every plugin, merge, check, tabulate."""

    def __init__(self, pm: PluginManager) -> None:
        from qualitapa.declarative import TomlPlugin

        self.found: list[Problem] = []
        #: (plugin, kind name, id, override) -> where each such item is written
        self.sites: dict[tuple[str | None, str, str, bool], list[Site]] = {}
        self.home: dict[str, str] = {}  # plugin -> its first file
        self.gathered: dict[str, dict[str, list[object]]] = {}
        installed: set[str] = getattr(pm, "installed", set())
        self.installed = installed
        given = {  # the files of the plugins passed explicitly
            path.resolve()
            for name, plugin in pm.list_name_plugin()
            if name not in installed and isinstance(plugin, TomlPlugin)
            for path in plugin.files()
        }
        for name, plugin in pm.list_name_plugin():
            if plugin is None or name in pm.broken:
                continue
            if (
                name in installed
                and isinstance(plugin, TomlPlugin)
                and given & {path.resolve() for path in plugin.files()}
            ):
                continue  # its files are checked as given (a new version of them, say)
            if isinstance(plugin, TomlPlugin):
                self.home[name] = str(plugin.paths[0]) if plugin.paths else name
                entries, problems = plugin.inspect(plugin=name)
                self.found.extend(problems)
                for kind_name, obj, site in entries:
                    self._keep_toml(plugin, name, KINDS_BY_NAME[kind_name], obj, site)
            else:
                self.home[name] = _module_file(plugin)
                self._call_hooks(pm, name)
        #: (kind, id) of the entries with a problem: an item that could not be read is
        #: not "unknown" where others name it (its own problem says what to fix)
        self.unread = {(p.kind, p.item) for p in self.found if p.item is not None}
        catalog = Catalog._checked(pm, self.gathered, self._report)
        references = _reference_problems(catalog)
        self.found.extend(r for r in references if (_target_of(r), r.value) not in self.unread)
        for problem in catalog.check():  # what was said as an unknown reference is said once
            said = any(
                (r.plugin, r.kind, r.item) == (problem.plugin, problem.kind, problem.item)
                and repr(r.value) in problem.message
                for r in references
            )
            if not said:
                self.found.append(problem)

    def _report(self, problem: Problem) -> None:
        if problem.rule == Rule.UNKNOWN_VALUE and (_target_of(problem), problem.value) in (
            self.unread
        ):
            return  # the entry it names could not be read: its own problem says why
        first, plugin = problem.first, problem.plugin
        if first not in (None, plugin) and first not in self.installed and plugin in self.installed:
            # an id of an installed plugin given again in files being checked: the fault
            # (and the override to write) is in the files, whichever was registered first
            kind = KINDS_BY_NAME[_KIND_OF_SINGULAR[problem.kind]]
            problem = attrs.evolve(
                problem, plugin=first, first=plugin, suggestion=_duplicate_fix(kind, first, plugin)
            )
        self.found.append(problem)

    def _keep(self, plugin: str, kind: Kind, obj: object, site: Site) -> None:
        item = obj.item if isinstance(obj, Override) else obj
        key = (plugin, kind.name, str(getattr(item, "id", "")), isinstance(obj, Override))
        self.sites.setdefault(key, []).append(site)
        self.gathered.setdefault(plugin, {}).setdefault(kind.name, []).append(obj)

    def _keep_toml(self, plugin: object, name: str, kind: Kind, obj: object, site: Site) -> None:
        """Keep an item a TOML file defines; a dataset outside the plugin's folders is a problem."""
        try:
            if kind.name == "datasets":
                _confine_datasets(plugin, name, [obj])
        except QualitapaError as exc:
            item = obj.item if isinstance(obj, Override) else obj
            self.found.append(
                Problem(
                    name,
                    kind.singular,
                    str(getattr(item, "id", "")),
                    _problem_text(exc, name),
                    field="path",
                    rule=Rule.FILE,
                    site=site,
                )
            )
            return
        self._keep(name, kind, obj, site)

    def _call_hooks(self, pm: PluginManager, name: str) -> None:
        """Keep what the hooks of a Python plugin return; a hook that fails is a problem."""
        for kind in KINDS:
            model = kind.model_class()
            for impl in getattr(pm.hook, kind.hook).get_hookimpls():
                if impl.plugin_name != name:
                    continue
                try:
                    objs = _call_hook(impl, kind, model)
                except QualitapaError as exc:
                    self.found.append(Problem(name, "plugin", None, _problem_text(exc, name)))
                    continue
                for obj in objs:
                    self._keep(name, kind, obj, Site(self.home[name], kind.name))

    def _site(self, p: Problem) -> Site:
        """Where the item of ``p`` is written (its plugin's first file when unknown)."""
        if p.site is not None:
            return p.site
        kind_name = _KIND_OF_SINGULAR.get(p.kind, "")
        for override in (p.override, not p.override):
            listed = self.sites.get((p.plugin, kind_name, p.item or "", override))
            if listed:  # a second definition in one plugin is at fault, not the first
                return listed[1] if p.first == p.plugin and len(listed) > 1 else listed[0]
        return Site(self.home.get(p.plugin or "", f"plugin {p.plugin}" if p.plugin else ""), "")

    def _message(self, p: Problem) -> str:
        """The message of ``p``; a duplicate's names where the id was defined first."""
        if p.first is None:
            return p.message
        kind_name = _KIND_OF_SINGULAR.get(p.kind, "")
        first = self.sites.get((p.first, kind_name, p.item or "", p.override))
        if not first:
            return p.message
        site = first[0]
        where = f"{_shown_path(site.file)}, [[{site.section}]]"
        where += f" entry {site.entry}" if site.entry is not None else ""
        where += f" (line {site.line})" if site.line is not None else ""
        where += "" if p.first == p.plugin else f" (plugin {p.first!r})"
        return f"{p.message}; {'first' if p.first == p.plugin else 'also'} in {where}"

    def table(self, wanted: set[str] | None) -> pd.DataFrame:
        """The problems of the ``wanted`` plugins (all if None), as a problems table."""
        table = Problems(
            extras=CHECK_EXTRAS, order=("severity", "source", "line", "section", "row", "column")
        )
        for p in self.found:
            if wanted is not None and p.plugin not in wanted and p.first not in wanted:
                continue
            site = self._site(p)
            value = p.value
            if not (value is None or isinstance(value, str | int | float)):
                value = str(value)
            table.add(
                None if site.entry is None else [site.entry - 1],  # row: the entry's number
                source=_shown_path(site.file),
                column=p.field,
                value=value,
                rule=p.rule,
                message=self._message(p),
                severity=p.severity,
                plugin=p.plugin,
                section=site.section or None,
                id=p.item,
                suggestion=p.suggestion,
                line=site.line_of(p.field),
            )
        return table.frame()
