"""Helpers for plugin authors to test a plugin in isolation.

Tests should see only the plugins they ask for, not whatever happens to be
installed. These helpers build catalogs from explicit plugins, load an
installed plugin by its entry-point name, and check a plugin's definitions.

Examples
--------
In a plugin's ``tests/test_plugin.py``::

    from qualitapa.testing import assert_plugin_ok, load_installed_plugin

    def test_definitions_are_valid():
        assert_plugin_ok(load_installed_plugin("mycity"))

>>> from qualitapa import hookimpl, Service, Text
>>> class Mine:
...     @hookimpl
...     def qualitapa_services(self):
...         return [Service("libraries", Text("Biblioteche", "Libraries"))]
>>> check_plugin(Mine())
[]
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import os
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import attrs

from qualitapa.catalog import KINDS, Catalog, Problem
from qualitapa.errors import PluginError, QualitapaError
from qualitapa.models import Text
from qualitapa.plugins import DISABLE_ENV, ENTRY_POINT_GROUP, LOAD_ENV
from qualitapa.problems import CORE_COLUMNS, Problems, Rule

__all__ = [
    "CORE_COLUMNS",
    "Problems",
    "Rule",
    "assert_plugin_ok",
    "assert_plugin_translated",
    "assert_problems_table",
    "catalog_with",
    "check_plugin",
    "isolated_plugins",
    "load_installed_plugin",
    "missing_translations",
]


def catalog_with(*plugins: Any, installed: list[str] | None = None) -> Catalog:
    """A catalog of exactly these plugins (plus the named installed ones).

    Parameters
    ----------
    *plugins
        Plugin objects or ``(name, plugin)`` pairs.
    installed
        Entry-point names of installed plugins to add (e.g. the service
        plugin a city plugin builds on).
    """
    if installed:
        with isolated_plugins(installed):
            return Catalog.build(plugins, entrypoints=True)
    return Catalog.build(plugins, entrypoints=False)


def load_installed_plugin(name: str) -> Any:
    """The plugin object an installed package advertises under entry-point ``name``.

    Raises :class:`~qualitapa.errors.PluginError` if no such plugin is
    installed, naming those that are.
    """
    eps = importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)
    for ep in eps:
        if ep.name == name:
            return ep.load()
    names = sorted(ep.name for ep in eps)
    raise PluginError(f"not installed (installed plugins: {names})", plugin=name)


@contextlib.contextmanager
def isolated_plugins(names: list[str] | None = None) -> Iterator[None]:
    """Within the block, load only the installed plugins in ``names`` (none if None).

    Sets ``QUALITAPA_LOAD_PLUGINS`` and clears ``QUALITAPA_DISABLE_PLUGINS``,
    restoring both afterwards; the cached default catalog is cleared on
    entry and exit.
    """
    from qualitapa.catalog import default_catalog

    saved = {k: os.environ.get(k) for k in (LOAD_ENV, DISABLE_ENV)}
    os.environ[LOAD_ENV] = ",".join(names or [])
    os.environ.pop(DISABLE_ENV, None)
    default_catalog.cache_clear()
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        default_catalog.cache_clear()


def check_plugin(
    plugin: Any, *, name: str = "plugin-under-test", installed: list[str] | None = None
) -> list[Problem]:
    """Problems in a plugin's definitions, errors and warnings.

    The catalog is built with ``plugin`` (and the named installed plugins it
    depends on); an error that stops the build is returned as one problem.
    Only problems of ``plugin`` itself are returned.
    """
    try:
        catalog = catalog_with((name, plugin), installed=installed)
    except QualitapaError as exc:
        return [Problem(name, "plugin", None, str(exc))]
    return [p for p in catalog.check() if p.plugin in (name, None)]


def assert_plugin_ok(
    plugin: Any,
    *,
    installed: list[str] | None = None,
    warnings_are_errors: bool = True,
) -> Catalog:
    """Fail (AssertionError) with every problem found in ``plugin``; return its catalog.

    With ``warnings_are_errors`` (the default) a missing English label also
    fails, as the Q-Club publishes in both languages.
    """
    problems = check_plugin(plugin, installed=installed)
    bad = [p for p in problems if warnings_are_errors or p.severity == "error"]
    if bad:
        raise AssertionError("plugin has problems:\n" + "\n".join(f"  - {p}" for p in bad))
    return catalog_with(("plugin-under-test", plugin), installed=installed)


def _texts(value: object, path: str, seen: set[int]) -> Iterator[tuple[str, Text]]:
    """Every :class:`~qualitapa.models.Text` inside ``value``, with its field path."""
    if isinstance(value, Text):
        yield path, value
        return
    if isinstance(value, str | bytes | int | float) or value is None or id(value) in seen:
        return
    seen.add(id(value))
    cls = type(value)
    if attrs.has(cls):
        for field in attrs.fields(cls):
            sub = f"{path}.{field.name}" if path else field.name
            yield from _texts(getattr(value, field.name), sub, seen)
    elif isinstance(value, Mapping):
        for key, sub_value in value.items():
            yield from _texts(sub_value, f"{path}[{key}]", seen)
    elif isinstance(value, list | tuple | set | frozenset):
        for i, sub_value in enumerate(value):
            # name a list entry by its id or code (choices, questions) where it has one
            key = getattr(sub_value, "id", None) or getattr(sub_value, "code", None) or i
            yield from _texts(sub_value, f"{path}[{key}]", seen)


def missing_translations(
    catalog: Catalog,
    plugin: str,
    languages: Sequence[str] = ("en", "de"),
    *,
    kinds: Sequence[str] | None = None,
) -> list[str]:
    """The labels of ``plugin``'s items that lack one of ``languages``.

    Walks every item the plugin contributes (services, indicators, questions
    and their answer scales, standards, charters...) down through nested
    attrs objects, lists and tables, and reports each
    :class:`~qualitapa.models.Text` without a text of its own in one of
    ``languages`` (a fallback to Italian does not count).

    Parameters
    ----------
    catalog
        A catalog holding the plugin (e.g. from :func:`catalog_with`).
    plugin
        The plugin's name in that catalog.
    languages
        Language codes every label must have besides Italian.
    kinds
        Collection names to look at (``"indicators"``, ``"standards"``...);
        every kind by default.

    Returns
    -------
    list of str
        One line per label and language missing, e.g.
        ``"indicator 'x.y': description lacks de"``; empty when complete.

    Examples
    --------
    >>> from qualitapa import hookimpl, Service, Text
    >>> class Mine:
    ...     @hookimpl
    ...     def qualitapa_services(self):
    ...         return [Service("libraries", Text("Biblioteche", "Libraries"))]
    >>> missing_translations(catalog_with(("mine", Mine())), "mine")
    ["service 'libraries': label lacks de"]
    """
    found = []
    for kind in KINDS:
        if kinds is not None and kind.name not in kinds:
            continue
        coll = catalog.collection(kind.name)
        for item_id, item in coll.items():
            if coll.plugin_of(item_id) != plugin:
                continue
            for path, text in _texts(item, "", set()):
                for lang in languages:
                    if lang not in text.languages:
                        found.append(f"{kind.singular} {item_id!r}: {path} lacks {lang}")
    return found


def assert_plugin_translated(
    plugin: Any,
    languages: Sequence[str] = ("en", "de"),
    *,
    installed: list[str] | None = None,
    kinds: Sequence[str] | None = None,
) -> Catalog:
    """Fail (AssertionError) listing every label of ``plugin`` missing a language.

    A report in one of ``languages`` then falls back to Italian nowhere in
    the plugin's items (see :func:`missing_translations`, which also
    explains ``kinds``). Returns the catalog.

    Examples
    --------
    In a plugin's tests::

        def test_every_label_in_english_and_german():
            assert_plugin_translated(load_installed_plugin("mycity"), ("en", "de"))
    """
    catalog = catalog_with(("plugin-under-test", plugin), installed=installed)
    missing = missing_translations(catalog, "plugin-under-test", languages, kinds=kinds)
    if missing:
        raise AssertionError(
            f"labels without a translation ({len(missing)}):\n"
            + "\n".join(f"  - {m}" for m in missing)
        )
    return catalog


def assert_problems_table(table: Any, *, extras: Sequence[str] = ()) -> None:
    """Fail (AssertionError) unless ``table`` follows the problems convention.

    A plugin's validator collects with :class:`~qualitapa.problems.Problems`
    (re-exported here with :class:`~qualitapa.problems.Rule`) and returns
    its table: the core columns :data:`~qualitapa.problems.CORE_COLUMNS`,
    then ``extras``; ``row`` 1-based (missing for a column problem);
    ``rule`` a :class:`~qualitapa.problems.Rule` value; a ``message`` on
    every row.

    Examples
    --------
    >>> problems = Problems(extras=["invoice"])
    >>> problems.add([0], column="amount", rule=Rule.NOT_A_NUMBER, message="not a number",
    ...              invoice="F-1")
    >>> assert_problems_table(problems.frame(), extras=["invoice"])
    """
    import pandas as pd

    if not isinstance(table, pd.DataFrame):
        raise AssertionError(f"a problems table is a DataFrame, not {type(table).__name__}")
    expected = [*CORE_COLUMNS, *extras]
    if list(table.columns) != expected:
        raise AssertionError(f"problems columns {list(table.columns)}, expected {expected}")
    rows = table["row"].dropna()
    if len(rows) and not (pd.api.types.is_integer_dtype(rows) and (rows >= 1).all()):
        raise AssertionError("problem rows must be whole numbers from 1 (the first data row)")
    rules = set(table["rule"]) - {r.value for r in Rule}
    if rules:
        raise AssertionError(f"rules that are not qualitapa.problems.Rule values: {rules}")
    if table["message"].isna().any() or (table["message"].astype(str) == "").any():
        raise AssertionError("every problem needs a message")
