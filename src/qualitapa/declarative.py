"""Declarative plugins: definitions in TOML files instead of Python.

A Q-Club member who is not a Python developer contributes services,
organizations, indicators, questionnaires, complaint categories and
standards by editing a TOML file. Each kind of item is an array of tables
named after the catalog collection::

    [[services]]
    id = "libraries"
    label = { it = "Biblioteche", en = "Public libraries" }

    [[indicators]]
    id = "libraries.loans_per_inhabitant"
    label = { it = "Prestiti per abitante", en = "Loans per inhabitant" }
    service = "libraries"
    dimension = "effectiveness"
    formula = "loans / population"
    unit = "loans per inhabitant"
    polarity = "higher_is_better"

    [[overrides.standards]]      # replace an item of another plugin
    id = "registry.certificate_wait"
    ...

Each table is parsed by the model's ``from_mapping`` constructor; errors
name the file, the section, the entry number and the field.

The plugin module of a TOML-only package is two lines::

    from qualitapa.declarative import toml_plugin
    plugin = toml_plugin(__name__, "definitions.toml")

and its entry point names that object: ``qualitapa_mycity = "qualitapa_mycity:plugin"``.
"""

from __future__ import annotations

import contextlib
import importlib.resources
import inspect
import re
import tomllib
from collections.abc import Mapping
from importlib.resources.abc import Traversable
from pathlib import Path

from qualitapa.catalog import KINDS, KINDS_BY_NAME, Override
from qualitapa.errors import DefinitionError
from qualitapa.hookspecs import hookimpl

__all__ = ["MAX_TOML_DEPTH", "TomlPlugin", "load_definitions", "loads_toml", "toml_plugin"]


def _parse_section(
    section: str,
    entries: object,
    *,
    source: str,
    override: bool = False,
    base_dir: Path | None = None,
) -> list[object]:
    kind = KINDS_BY_NAME[section]
    from_mapping = getattr(kind.model_class(), "from_mapping", None)
    if not callable(from_mapping):
        raise DefinitionError(
            f"section [[{section}]]: {kind.model.replace(':', '.')} cannot be read from TOML "
            "(it has no from_mapping)",
            source=source,
        )
    if not isinstance(entries, list):
        raise DefinitionError(
            f"[{section}] must be an array of tables: write [[{section}]] for each entry",
            source=source,
        )
    out: list[object] = []
    for n, entry in enumerate(entries, start=1):
        where = f"{source}, [[{'overrides.' if override else ''}{section}]] entry {n}"
        try:
            if "base_dir" in inspect.signature(from_mapping).parameters:
                item = from_mapping(entry, source=where, base_dir=base_dir)
            else:
                item = from_mapping(entry, source=where)
        except DefinitionError as exc:
            if exc.source and str(exc.source).startswith(source):
                raise
            raise DefinitionError(
                exc.message, source=where, item=exc.item, field=exc.field
            ) from exc
        out.append(Override(item) if override else item)
    return out


def load_definitions(path: str | Path) -> dict[str, list[object]]:
    """Load the definitions of a TOML file, by kind.

    Parameters
    ----------
    path
        The TOML file.

    Returns
    -------
    dict
        Kind name (``"services"``, ``"indicators"``...) -> list of model
        objects; overrides are wrapped in :class:`~qualitapa.catalog.Override`.

    Raises
    ------
    DefinitionError
        Invalid TOML (or not UTF-8, or nested more than
        :data:`MAX_TOML_DEPTH` levels deep), an unknown section, or an
        invalid entry (the message names the file, the section, the entry
        number and the field).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "defs.toml"
    >>> _ = p.write_text('[[services]]\\nid = "libraries"\\nlabel = {it = "Biblioteche"}\\n')
    >>> [s.id for s in load_definitions(p)["services"]]
    ['libraries']
    """
    path = Path(path)
    source = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DefinitionError("file not found", source=source) from None
    except OSError as exc:  # a folder, no permission...
        raise DefinitionError(
            f"cannot read the file: {exc.strerror or exc}", source=source
        ) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise DefinitionError(
            f"not UTF-8 text (line {line}, byte 0x{raw[exc.start]:02x}); save the file as UTF-8",
            source=source,
        ) from None
    return parse_definitions(loads_toml(text, source=source), source=source, base_dir=path.parent)


#: Deepest nesting of arrays, tables and dotted keys accepted in a TOML file
#: (definitions need four or five levels; Python's TOML parser recurses once
#: per level and fails at a few hundred with a RecursionError).
MAX_TOML_DEPTH = 32

# Strings and comments, where brackets do not nest: linear-time alternatives
# (each starts with a different character, so nothing backtracks).
_TOML_INERT = re.compile(
    r'"""(?:[^\\]|\\.)*?"""|\'\'\'.*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|#[^\n]*',
    re.DOTALL,
)


def _bracket_depth(text: str) -> int:
    """The deepest nesting of ``[ ]`` and ``{ }`` outside strings and comments."""
    depth = deepest = 0
    for m in re.finditer(r"[\[\]{}]", _TOML_INERT.sub("", text)):
        depth = depth + 1 if m.group() in "[{" else max(depth - 1, 0)
        deepest = max(deepest, depth)
    return deepest


def _data_depth(data: object) -> int:
    """The deepest nesting of tables and arrays in parsed data (no recursion)."""
    deepest = 0
    stack: list[tuple[object, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > MAX_TOML_DEPTH:
            break
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
    return deepest


def loads_toml(text: str, *, source: str) -> dict[str, object]:
    """Parse TOML text, refusing nesting deeper than :data:`MAX_TOML_DEPTH`.

    Raises
    ------
    DefinitionError
        Invalid or too deeply nested TOML, naming ``source``.

    Examples
    --------
    >>> loads_toml("x = [[1, 2], [3]]", source="defs.toml")
    {'x': [[1, 2], [3]]}
    >>> loads_toml("x = " + "[" * 40 + "]" * 40, source="defs.toml")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    qualitapa.errors.DefinitionError: defs.toml: the TOML is nested more than 32 levels deep...
    """
    too_deep = DefinitionError(
        f"the TOML is nested more than {MAX_TOML_DEPTH} levels deep (arrays, inline tables "
        "or dotted keys); definitions need a few levels",
        source=source,
    )
    # brackets nest 2 levels per array of tables ([[a]]): count them generously
    if _bracket_depth(text) > MAX_TOML_DEPTH + 2:
        raise too_deep
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DefinitionError(f"invalid TOML: {exc}", source=source) from exc
    except RecursionError:  # pragma: no cover - the bracket count comes first
        raise too_deep from None
    if _data_depth(data) > MAX_TOML_DEPTH:
        raise too_deep
    return data


def parse_definitions(
    data: Mapping[str, object], *, source: str, base_dir: Path | None = None
) -> dict[str, list[object]]:
    """Parse already-loaded TOML data (see :func:`load_definitions`).

    Models whose ``from_mapping`` accepts ``base_dir`` (datasets, survey
    instruments read from XLSForm files) resolve relative paths from it.
    """
    out: dict[str, list[object]] = {k.name: [] for k in KINDS}
    allowed = [*sorted(KINDS_BY_NAME), "overrides", "plugin"]
    for section, entries in data.items():
        if section == "plugin":  # free metadata: name, description, homepage
            continue
        if section == "overrides":
            if not isinstance(entries, Mapping):
                raise DefinitionError("[overrides] must be a table of sections", source=source)
            for sub, sub_entries in entries.items():
                if sub not in KINDS_BY_NAME:
                    raise DefinitionError(
                        f"unknown section [[overrides.{sub}]]; allowed: {sorted(KINDS_BY_NAME)}",
                        source=source,
                    )
                out[sub].extend(
                    _parse_section(
                        sub, sub_entries, source=source, override=True, base_dir=base_dir
                    )
                )
            continue
        if section not in KINDS_BY_NAME:
            raise DefinitionError(
                f"unknown section [[{section}]]; allowed: {allowed}", source=source
            )
        out[section].extend(_parse_section(section, entries, source=source, base_dir=base_dir))
    return out


class TomlPlugin:
    """A plugin whose contributions come from TOML files.

    Files are read on first use, so importing the plugin is cheap.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "defs.toml"
    >>> _ = p.write_text('[[services]]\\nid = "libraries"\\nlabel = {it = "Biblioteche"}\\n')
    >>> from qualitapa import Catalog
    >>> Catalog.build([("libs", TomlPlugin(p))], entrypoints=False).services.plugin_of("libraries")
    'libs'
    """

    def __init__(self, *paths: str | Path | Traversable) -> None:
        self.paths = list(paths)
        self._loaded: dict[str, list[object]] | None = None

    def __repr__(self) -> str:
        return f"TomlPlugin({', '.join(repr(str(p)) for p in self.paths)})"

    @property
    def qualitapa_data_dirs(self) -> list[Path]:
        """The folders of the TOML files: the only ones its datasets may name."""
        return [Path(str(p)).parent for p in self.paths]

    def definitions(self) -> dict[str, list[object]]:
        """All definitions of all files, by kind (loaded once)."""
        if self._loaded is None:
            merged: dict[str, list[object]] = {k.name: [] for k in KINDS}
            for p in self.paths:
                ctx = (
                    contextlib.nullcontext(Path(p))
                    if isinstance(p, (str, Path))
                    else importlib.resources.as_file(p)
                )
                with ctx as real:
                    for kind, items in load_definitions(real).items():
                        merged[kind].extend(items)
            self._loaded = merged
        return self._loaded

    @hookimpl
    def qualitapa_services(self) -> list[object]:
        return self.definitions()["services"]

    @hookimpl
    def qualitapa_organizations(self) -> list[object]:
        return self.definitions()["organizations"]

    @hookimpl
    def qualitapa_peer_groups(self) -> list[object]:
        return self.definitions()["peer_groups"]

    @hookimpl
    def qualitapa_variables(self) -> list[object]:
        return self.definitions()["variables"]

    @hookimpl
    def qualitapa_indicators(self) -> list[object]:
        return self.definitions()["indicators"]

    @hookimpl
    def qualitapa_composites(self) -> list[object]:
        return self.definitions()["composites"]

    @hookimpl
    def qualitapa_instruments(self) -> list[object]:
        return self.definitions()["instruments"]

    @hookimpl
    def qualitapa_complaint_categories(self) -> list[object]:
        return self.definitions()["complaint_categories"]

    @hookimpl
    def qualitapa_standards(self) -> list[object]:
        return self.definitions()["standards"]

    @hookimpl
    def qualitapa_charters(self) -> list[object]:
        return self.definitions()["charters"]

    @hookimpl
    def qualitapa_charter_content(self) -> list[object]:
        return self.definitions()["charter_content"]

    @hookimpl
    def qualitapa_datasets(self) -> list[object]:
        return self.definitions()["datasets"]

    @hookimpl
    def qualitapa_demo_profiles(self) -> list[object]:
        return self.definitions()["demo_profiles"]


def toml_plugin(package: str, *resources: str) -> TomlPlugin:
    """A :class:`TomlPlugin` reading TOML files shipped inside ``package``.

    Parameters
    ----------
    package
        The plugin's package name (pass ``__name__`` from its module).
    resources
        File names inside the package.

    Examples
    --------
    In ``src/qualitapa_mycity/__init__.py``::

        from qualitapa.declarative import toml_plugin
        plugin = toml_plugin(__name__, "definitions.toml")
    """
    root = importlib.resources.files(package)
    return TomlPlugin(*(root / r for r in resources))
