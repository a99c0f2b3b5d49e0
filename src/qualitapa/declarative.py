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
import difflib
import enum
import importlib.resources
import inspect
import re
import tomllib
import types
import typing
from collections.abc import Callable, Iterator, Mapping
from importlib.resources.abc import Traversable
from pathlib import Path

import attrs

from qualitapa._extending import _MAPPING_ONLY
from qualitapa.catalog import (
    KINDS,
    KINDS_BY_NAME,
    Derived,
    Extension,
    Kind,
    Override,
    Problem,
    Site,
)
from qualitapa.errors import DefinitionError, Message, _did_you_mean
from qualitapa.hookspecs import hookimpl
from qualitapa.i18n import N_
from qualitapa.models import _with_article
from qualitapa.problems import Rule

__all__ = [
    "MAX_TOML_DEPTH",
    "TomlPlugin",
    "inspect_definitions",
    "load_definitions",
    "loads_toml",
    "toml_plugin",
]


#: The tables of sections a file may have besides the kinds: ``[[overrides.KIND]]``
#: replaces an item of another plugin, ``[[extensions.KIND]]`` adds to one.
_GROUPS = ("overrides", "extensions")


def _derived_or_extension(
    section: str, entry: object, *, group: str | None, where: str, site: Site | None = None
) -> Derived | Extension | None:
    """The :class:`Derived` an ``extends`` entry, or the :class:`Extension` an extension, gives.

    None for a plain entry (and an override, which cannot extend).
    """
    if not isinstance(entry, Mapping):
        return None
    if group == "extensions":
        item = entry.get("id")
        if not isinstance(item, str):
            raise DefinitionError(
                f"an extension names the {KINDS_BY_NAME[section].singular} it adds to in "
                "'id' (text)",
                source=where,
                field="id",
            )
        changes = {k: v for k, v in entry.items() if k not in ("id", "organizations")}
        return Extension(item, changes, entry.get("organizations", ()), site=site)
    if "extends" not in entry:
        return None
    base = entry["extends"]
    if group == "overrides":
        raise DefinitionError(
            "an override replaces an item whole and cannot extend another: move the entry "
            f"to [[{section}]] (a new item) or to [[extensions.{section}]] (additions)",
            source=where,
            field="extends",
        )
    if not isinstance(base, str):
        raise DefinitionError(
            f"extends names an item by its id (text), not {base!r}", source=where, field="extends"
        )
    if section == "datasets":
        raise DefinitionError(
            "datasets cannot extend one another: define the dataset whole",
            source=where,
            field="extends",
        )
    return Derived(base, {k: v for k, v in entry.items() if k != "extends"}, site=site)


def _parse_section(
    section: str,
    entries: object,
    *,
    source: str,
    override: bool = False,
    base_dir: Path | None = None,
    group: str | None = None,
) -> list[object]:
    group = group or ("overrides" if override else None)
    override = group == "overrides"
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
        where = _entry_where(source, f"{group + '.' if group else ''}{section}", n)
        site = Site(source, f"{group + '.' if group else ''}{section}", n)
        built = _derived_or_extension(section, entry, group=group, where=where, site=site)
        if built is not None:
            out.append(built)
            continue
        _refuse_mistyped(kind, entry, where)
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


def _entry_where(source: object, table: str, n: int) -> Message:
    """Where an entry is: ``file, [[table]] entry n``, said in the language of the message."""
    return Message(
        "{source}, [[{table}]] entry {n}", N_("{source}, [[{table}]] voce {n}"),
        source=source, table=table, n=n,
    )  # fmt: skip


def _refuse_mistyped(kind: Kind, entry: object, where: str) -> None:
    """Raise the first value of the wrong type, as ``qualitapa plugin check`` reports it.

    ``population = "118000"``, ``required_share = "90%"`` or
    ``attributes = {area_km2 = "157,9"}`` are errors with the fix, never read
    as numbers behind the writer's back (nor kept as text).
    """
    if not isinstance(entry, Mapping):
        return  # the model says what an entry must be
    found: list[tuple[str | None, str, str | None]] = []

    def report(
        item: str | None,
        field: str | None,
        value: object,
        message: str,
        fix: str | None,
        rule: Rule,
    ) -> None:
        found.append((field, message, fix))

    item_id = entry.get("id") if isinstance(entry.get("id"), str) else None
    _mistyped(entry, _field_types(kind.model_class()), item_id, report)
    if found:
        field, message, fix = found[0]
        raise DefinitionError(
            f"{message}; {fix}" if fix else message,
            source=where,
            item=str(item_id) if item_id else None,
            field=field,
        )


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
    return parse_definitions(_read_toml(path), source=str(path), base_dir=path.parent)


def _read_toml(path: Path) -> dict[str, object]:
    """The data of the TOML file ``path``; a :class:`DefinitionError` if unreadable."""
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
    return loads_toml(text, source=source)


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
    allowed = [*sorted(KINDS_BY_NAME), *_GROUPS, "plugin"]
    for section, entries in data.items():
        if section == "plugin":  # free metadata: name, description, homepage
            continue
        if section in _GROUPS:
            if not isinstance(entries, Mapping):
                raise DefinitionError(f"[{section}] must be a table of sections", source=source)
            for sub, sub_entries in entries.items():
                if sub not in KINDS_BY_NAME:
                    raise DefinitionError(
                        f"unknown section [[{section}.{sub}]]; allowed: {sorted(KINDS_BY_NAME)}",
                        source=source,
                    )
                out[sub].extend(
                    _parse_section(
                        sub, sub_entries, source=source, base_dir=base_dir, group=section
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

    def files(self) -> Iterator[Path]:
        """The TOML files, as paths on disk (resources of a package extracted if need be)."""
        for p in self.paths:
            ctx = (
                contextlib.nullcontext(Path(p))
                if isinstance(p, (str, Path))
                else importlib.resources.as_file(p)
            )
            with ctx as real:
                yield real

    def definitions(self) -> dict[str, list[object]]:
        """All definitions of all files, by kind (loaded once)."""
        if self._loaded is None:
            merged: dict[str, list[object]] = {k.name: [] for k in KINDS}
            for real in self.files():
                for kind, items in load_definitions(real).items():
                    merged[kind].extend(items)
            self._loaded = merged
        return self._loaded

    def inspect(
        self, *, plugin: str | None = None
    ) -> tuple[list[tuple[str, object, Site]], list[Problem]]:
        """Every file read with :func:`inspect_definitions`: the entries read, every problem.

        .. versionadded:: 0.2.0
        """
        entries: list[tuple[str, object, Site]] = []
        problems: list[Problem] = []
        for real in self.files():
            found, wrong = inspect_definitions(real, plugin=plugin)
            entries.extend(found)
            problems.extend(wrong)
        return entries, problems

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


# -- checking: every problem of a file, not only the first (``qualitapa plugin check``) --

#: A value written as a percentage: ``90%``, ``12,5 %``.
_PERCENT = re.compile(r"\s*([+-]?\d+(?:[.,]\d+)?)\s*%\s*")
#: Numeric fields holding a share (a fraction between 0 and 1), by the end of their name.
_SHARE_FIELDS = ("share", "coverage")
#: A TOML syntax error's position, as tomllib words it.
_TOML_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")

#: ``report(item_id, field, value, message, suggestion, rule)``: one problem of an entry.
_EntryReport = Callable[[str | None, str | None, object, str, str | None, Rule], None]
#: Words people write for true and false (TOML takes only ``true`` and ``false``).
_TRUE_WORDS = frozenset({"true", "yes", "si", "sì", "ja", "1", "vero"})
_FALSE_WORDS = frozenset({"false", "no", "nein", "0", "falso"})


#: Fields holding an organization's (ISTAT) code, six digits with leading zeros.
_CODE_FIELDS = frozenset({"id", "istat_code"})

_FIELD_TYPES: dict[str, dict[str, object]] = {}


def _field_types(cls: type[object]) -> dict[str, object]:
    """The fields a TOML entry of ``cls`` may give, with their types (None if unknown)."""
    key = f"{cls.__module__}.{cls.__qualname__}"
    if key not in _FIELD_TYPES:
        try:
            hints = typing.get_type_hints(cls)
        except Exception:  # types out of reach: the model's own errors still apply
            hints = {}
        fields = attrs.fields(cls)  # type: ignore[arg-type]
        _FIELD_TYPES[key] = {
            # a text the model converts with str (a deliberation number) may be written 112
            f.name: hints.get(f.name) if f.converter is not str else str | int
            for f in fields
            if f.init
        }
    return _FIELD_TYPES[key]


def _plain(hint: object) -> tuple[set[object], object]:
    """``hint`` without ``None``: its plain types and, for ``tuple[X, ...]``, ``X``."""
    args = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
    if typing.get_origin(hint) is typing.Union:
        args = typing.get_args(hint)
    plain = {a for a in args if a is not type(None)}
    inner = None
    for a in plain:
        if typing.get_origin(a) is tuple:
            inner = typing.get_args(a)[0]
    return plain, inner


def _number_fix(field: str, text: str) -> str | None:
    """How to write ``text`` (a number in quotes, a percentage) as a TOML number."""
    percent = _PERCENT.fullmatch(text)
    if percent:
        number = float(percent.group(1).replace(",", "."))
        if field.endswith(_SHARE_FIELDS):
            return f"write {number / 100:g} (a share is a fraction between 0 and 1, no quotes)"
        return f"write {number:g} (a number without '%' and without quotes)"
    try:
        number = float(text.strip().replace(",", "."))
    except ValueError:
        return None
    return f"write {number:g} (a number, without quotes)"


def _number_problem(
    field: str, value: object, *, whole: bool
) -> tuple[str, str | None, Rule] | None:
    """What is wrong with ``value`` for a numeric ``field`` (a whole number if ``whole``)."""
    need = "a whole number" if whole else "a number"
    if isinstance(value, str):  # "1000", "90%": an error, never converted
        fix = _number_fix(field, value)
        return f"{field!r} must be {need}, not the text {value!r}", fix, Rule.NOT_A_NUMBER
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"{field!r} must be {need}, not {value!r}", None, Rule.NOT_A_NUMBER
    if whole and isinstance(value, float):
        fix = f"write {value:.0f}" if value.is_integer() else None
        return f"{field!r} must be a whole number, not {value!r}", fix, Rule.NOT_INTEGER
    return None


def _type_problem(field: str, value: object, hint: object) -> tuple[str, str | None, Rule] | None:
    """What is wrong with the type of ``value`` for ``field`` (declared ``hint``), if anything.

    Only plain types are checked (text, numbers, true/false, labels, lists of
    text or numbers, tables of numbers); the model checks the rest.
    """
    from qualitapa.models import Text

    plain, inner = _plain(hint)
    if plain and plain <= {int, float}:
        return _number_problem(field, value, whole=plain == {int})
    if plain == {bool} and not isinstance(value, bool):
        word = str(value).strip().lower()
        fix: str | None = "write true or false (without quotes)"
        if word in _TRUE_WORDS | _FALSE_WORDS:
            fix = f"write {'true' if word in _TRUE_WORDS else 'false'} (without quotes)"
        return f"{field!r} must be true or false, not {value!r}", fix, Rule.INVALID
    if plain == {str} and not isinstance(value, str):
        fix = f'write "{value}"' if isinstance(value, int | float) else None
        if field in _CODE_FIELDS and isinstance(value, int) and 0 < value < 1_000_000:
            fix = f'write "{value:06d}" (a code in quotes: a number loses its leading zeros)'
        return f"{field!r} must be text in quotes, not {value!r}", fix, Rule.INVALID
    if plain == {Text} and not isinstance(value, str | Mapping):
        return (
            f"{field!r} must be text or a table {{it = ..., en = ...}}, not {value!r}",
            None,
            Rule.INVALID,
        )
    if inner in (str, float) and len(plain) == 1:
        what = "texts" if inner is str else "numbers"
        if not isinstance(value, list):
            fix = f'write ["{value}"]' if isinstance(value, str) else None
            return f"{field!r} must be a list of {what}, not {value!r}", fix, Rule.INVALID
        wrong = [
            v
            for v in value
            if not isinstance(v, str if inner is str else int | float) or isinstance(v, bool)
        ]
        if wrong:
            rule = Rule.NOT_A_NUMBER if inner is float else Rule.INVALID
            return f"{field!r} must be a list of {what}; {wrong[0]!r} is not", None, rule
    return None


def _map_problems(
    field: str, value: object, hint: object
) -> list[tuple[str, object, str, str | None]]:
    """Values of a table of numbers (``attributes = {area_km2 = "183"}``) that are not numbers."""
    if typing.get_origin(hint) not in (Mapping, dict) or not isinstance(value, Mapping):
        return []
    args = typing.get_args(hint)
    if len(args) != 2 or args[1] not in (float, int):
        return []
    out: list[tuple[str, object, str, str | None]] = []
    for key, cell in value.items():
        name = f"{field}.{key}"
        found = _number_problem(name, cell, whole=args[1] is int)
        if found is not None:
            out.append((name, cell, found[0], found[1]))
    return out


#: A nested table's unknown field, as :func:`qualitapa.models.from_mapping` words it.
_NESTED_UNKNOWN = re.compile(
    r"unknown field\(s\) \['([^']+)'[^\]]*\] for an? [^;]+; allowed: \[([^\]]*)\]"
)


def _closest(word: str, choices: list[str]) -> str | None:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return close[0] if close else None


def _entry_problem(
    exc: DefinitionError, cls: type[object], entry: Mapping[str, object], singular: str
) -> tuple[str, str | None, Rule]:
    """The model's complaint about an entry, with a suggestion where one exists."""
    fields = _field_types(cls)
    field = exc.field
    message = exc.message
    if (
        field is not None
        and field in entry
        and field not in fields
        and message.startswith("unknown field")
    ):
        fix = _did_you_mean(field, fields, f"the fields are: {', '.join(fields)}")
        return f"unknown field {field!r} for {_with_article(singular)}", fix, Rule.UNKNOWN_COLUMN
    nested = _NESTED_UNKNOWN.search(message)
    if nested:  # offices[2].nome: the model lists the allowed fields of the nested table
        allowed = re.findall(r"'([^']+)'", nested.group(2))
        fix = _did_you_mean(nested.group(1), allowed, "allowed: " + ", ".join(allowed))
        return message[: nested.start(2) - len("; allowed: [")].rstrip(), fix, Rule.UNKNOWN_COLUMN
    if message.startswith("missing required field"):
        return message, None, Rule.REQUIRED
    plain, _ = _plain(fields.get(field or ""))
    enums = [t for t in plain if isinstance(t, type) and issubclass(t, enum.Enum)]
    if enums and field is not None and field in entry:
        allowed = [str(m.value) for m in enums[0]]
        fix = _did_you_mean(str(entry[field]), allowed, "allowed: " + ", ".join(allowed))
        return message, fix, Rule.INVALID
    return message, None, Rule.INVALID


def _mistyped(
    entry: Mapping[str, object],
    fields: Mapping[str, object],
    item_id: str | None,
    report: _EntryReport,
) -> set[str]:
    """Report the fields of ``entry`` whose value has the wrong type; return their names."""
    dropped: set[str] = set()
    for field, value in entry.items():
        if field not in fields:
            continue
        found = _type_problem(field, value, fields[field])
        if found is not None:
            report(item_id, field, value, *found)
            dropped.add(field)
        for name, cell, message, fix in _map_problems(field, value, fields[field]):
            report(item_id, name, cell, message, fix, Rule.NOT_A_NUMBER)
            dropped.add(field)
        for name, cell, message, fix, rule in _nested_problems(field, value, fields[field]):
            report(item_id, name, cell, message, fix, rule)
            dropped.add(field)
    return dropped


#: Deepest nesting of tables whose values :func:`_nested_problems` checks.
_NESTED_DEPTH = 4


def _nested_problems(
    field: str, value: object, hint: object, depth: int = 0
) -> list[tuple[str, object, str, str | None, Rule]]:
    """Values of the wrong type inside a nested table (``target = {value = "90"}``) or a
    list of tables (``questions``); named ``target.value``, ``questions[2].scale``."""
    plain, inner = _plain(hint)
    tables = [t for t in plain if isinstance(t, type) and attrs.has(t)]
    if tables and isinstance(value, Mapping):
        return _table_problems(field, value, tables[0], depth)
    if isinstance(inner, type) and attrs.has(inner) and isinstance(value, list):
        return [
            found
            for n, table in enumerate(value, start=1)
            if isinstance(table, Mapping)
            for found in _table_problems(f"{field}[{n}]", table, inner, depth)
        ]
    return []


def _table_problems(
    prefix: str, table: Mapping[str, object], cls: type[object], depth: int
) -> list[tuple[str, object, str, str | None, Rule]]:
    if depth >= _NESTED_DEPTH:
        return []
    fields = _field_types(cls)
    out: list[tuple[str, object, str, str | None, Rule]] = []
    for key, value in table.items():
        if key not in fields:
            continue  # the nested model says what it accepts
        name = f"{prefix}.{key}"
        found = _type_problem(name, value, fields[key])
        if found is not None:
            out.append((name, value, *found))
        out += [
            (n, c, m, f, Rule.NOT_A_NUMBER)
            for n, c, m, f in _map_problems(name, value, fields[key])
        ]
        out += _nested_problems(name, value, fields[key], depth + 1)
    return out


def _inspect_entry(
    kind: Kind,
    entry: object,
    *,
    where: str,
    base_dir: Path | None,
    report: _EntryReport,
) -> object | None:
    """The item an entry defines (None if unreadable); every problem found goes to ``report``.

    ``report(item_id, field, value, message, suggestion, rule)``. Fields of the
    wrong type are reported and left out, then the model reads the rest; each
    field it refuses is reported and left out in turn, so one run finds
    them all. An item read without a field that is not required is kept
    for the cross-plugin checks.
    """
    cls = kind.model_class()
    if not isinstance(entry, Mapping):
        report(None, None, None, f"an entry must be a table, not {entry!r}", None, Rule.INVALID)
        return None
    item_id = entry.get("id") if isinstance(entry.get("id"), str) else None
    dropped = _mistyped(entry, _field_types(cls), item_id, report)
    from_mapping = getattr(cls, "from_mapping")  # noqa: B009 - every model of a kind has one
    takes_base_dir = "base_dir" in inspect.signature(from_mapping).parameters
    meant: set[str | None] = set()  # the fields misspelt ones stand for
    for _ in range(len(entry) + 1):
        mapping = {k: v for k, v in entry.items() if k not in dropped}
        try:
            if takes_base_dir:
                return from_mapping(mapping, source=where, base_dir=base_dir)
            return from_mapping(mapping, source=where)
        except DefinitionError as exc:
            missing = exc.message.startswith("missing required field")
            only = "', '" not in exc.message  # one field missing
            if missing and (exc.field in dropped or (only and exc.field in meant)):
                return None  # said already: a wrong value, or a misspelt name of the field
            message, fix, rule = _entry_problem(exc, cls, entry, kind.singular)
            if rule == Rule.UNKNOWN_COLUMN and exc.field is not None:
                meant.add(_closest(exc.field, sorted(_field_types(cls))))
            value = entry.get(exc.field) if exc.field else None
            report(exc.item or item_id, exc.field, value, message, fix, rule)
            top = re.split(r"[.\[]", exc.field)[0] if exc.field else None
            if top is None or top not in mapping or missing:
                return None
            dropped.add(top)  # offices[2].nome: read the rest of the entry without offices
    return None


def _inspect_additions(kind: Kind, built: Derived | Extension, report: _EntryReport) -> bool:
    """Report the unknown and mistyped fields of a derived item or an extension.

    The rest (the values the model refuses, conflicts) is found when the
    catalog builds the item from the one it extends. True if it can be built.
    """
    cls = kind.model_class()
    types_ = _field_types(cls)
    item_id = built.id or None
    ok = True
    for key in built.changes:
        if key not in types_ and key not in _MAPPING_ONLY:
            fix = _did_you_mean(key, types_, f"the fields are: {', '.join(types_)}")
            report(
                item_id,
                key,
                built.changes[key],
                f"unknown field {key!r} for {'an' if kind.singular[:1] in 'aeiou' else 'a'} "
                f"{kind.singular}",
                fix,
                Rule.UNKNOWN_COLUMN,
            )
            ok = False
    known = {k: v for k, v in built.changes.items() if k in types_}
    return not _mistyped(known, types_, item_id, report) and ok


def _file_problem(
    plugin: str | None,
    message: str,
    *,
    rule: Rule,
    suggestion: str | None,
    site: Site,
    value: object = None,
) -> Problem:
    """A problem of the file itself (its TOML, a section), not of one of its items."""
    return Problem(
        plugin, "file", None, message, rule=rule, suggestion=suggestion, value=value, site=site
    )


def _written_wrong(plugin: str | None, source: str, name: str, what: str, header: str) -> Problem:
    """``[name]`` is not ``what`` (a table written where an array of tables belongs...)."""
    return _file_problem(
        plugin,
        f"[{name}] must be {what}",
        rule=Rule.INVALID,
        suggestion=f"write [[{header}]] before each entry",
        site=Site(source, name),
    )


def _unknown_section(plugin: str | None, name: str, site: Site) -> Problem:
    group, dot, word = name.partition(".")
    group = group if dot and group in _GROUPS else ""
    word = word if group else name
    allowed = sorted(KINDS_BY_NAME) if group else [*sorted(KINDS_BY_NAME), *_GROUPS, "plugin"]
    close = _closest(word, allowed)
    return _file_problem(
        plugin,
        f"unknown section [[{name}]]",
        value=name,
        rule=Rule.UNKNOWN_VALUE,
        suggestion=(
            f"did you mean [[{group + '.' if group else ''}{close}]]?"
            if close
            else "the sections are: " + ", ".join(allowed)
        ),
        site=site,
    )


#: The header of an entry of an array of tables, ``[[indicators]]`` or ``[[ overrides.x ]]``.
_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*([A-Za-z0-9_.-]+)[ \t]*\]\][ \t]*(?:#.*)?$", re.MULTILINE)


#: A key at the start of a line: ``key =``, ``"key" =``, ``key.sub =``.
_KEY = re.compile(r"""^[ \t]*("[^"]+"|'[^']+'|[A-Za-z0-9_-]+)[ \t]*[.=]""")


def _header_lines(text: str) -> dict[str, list[tuple[int, tuple[tuple[str, int], ...]]]]:
    """The line of each ``[[section]]`` header, by section (1-based, in order), and its keys'.

    Headers inside multi-line strings are left out (they are text, not TOML).
    The keys are those written ``key = ...`` on a line of their own after the
    header, before the next table header, with their line.

    Examples
    --------
    >>> _header_lines('[[services]]\\nid = "a"\\n\\n[[services]]  # again\\nid = "b"\\n')
    {'services': [(1, (('id', 2),)), (4, (('id', 5),))]}
    """
    strings = [
        (m.start(), m.end())
        for m in _TOML_INERT.finditer(text)
        if m.group().startswith(('"""', "'''"))
    ]
    lines = text.split("\n")
    out: dict[str, list[tuple[int, tuple[tuple[str, int], ...]]]] = {}
    for m in _HEADER.finditer(text):
        if any(a <= m.start() < b for a, b in strings):
            continue
        line = text.count("\n", 0, m.start()) + 1
        keys: dict[str, int] = {}
        for n in range(line, len(lines)):  # lines[n] is line n + 1
            if lines[n].lstrip().startswith("["):
                break
            key = _KEY.match(lines[n])
            if key:
                keys.setdefault(key.group(1).strip("\"'"), n + 1)
        out.setdefault(m.group(1), []).append((line, tuple(keys.items())))
    return out


def _inspect_section(
    section: str,
    items: object,
    group: str | None,
    path: Path,
    plugin: str | None,
    entries: list[tuple[str, object, Site]],
    problems: list[Problem],
    headers: Mapping[str, list[tuple[int, tuple[tuple[str, int], ...]]]],
) -> None:
    """Read the entries of one section of a file into ``entries``, problems into ``problems``.

    ``headers`` gives the lines of the ``[[section]]`` headers (see :func:`_header_lines`).
    """
    source = str(path)
    kind = KINDS_BY_NAME[section]
    override = group == "overrides"
    name = f"{group}.{section}" if group else section
    lines = headers.get(name, [])
    if not isinstance(items, list) or len(lines) != len(items):
        lines = []  # written otherwise (an inline array): entry numbers only
    if not isinstance(items, list):
        problems.append(_written_wrong(plugin, source, name, "an array of tables", name))
        return
    for n, entry in enumerate(items, start=1):
        site = Site(source, name, n, *(lines[n - 1] if lines else (None, ())))

        def report(
            item_id: str | None,
            field: str | None,
            value: object,
            message: str,
            fix: str | None,
            rule: Rule,
            site: Site = site,
        ) -> None:
            problems.append(
                Problem(
                    plugin,
                    kind.singular,
                    item_id,
                    message,
                    field=field,
                    value=value,
                    suggestion=fix,
                    rule=rule,
                    override=override,
                    site=site,
                )
            )

        where = _entry_where(source, name, n)
        try:
            built = _derived_or_extension(section, entry, group=group, where=where, site=site)
        except DefinitionError as exc:
            report(None, exc.field, None, exc.message, None, Rule.INVALID)
            continue
        if built is not None:
            if _inspect_additions(kind, built, report):
                entries.append((section, built, site))
            continue
        item = _inspect_entry(kind, entry, where=where, base_dir=path.parent, report=report)
        if item is not None:
            entries.append((section, Override(item) if override else item, site))


def inspect_definitions(
    path: str | Path, *, plugin: str | None = None
) -> tuple[list[tuple[str, object, Site]], list[Problem]]:
    """Read a TOML file as :func:`load_definitions` does, collecting every problem.

    :func:`qualitapa.catalog.check_plugins` (``qualitapa plugin check``) calls
    it for each file of a :class:`TomlPlugin`.

    Parameters
    ----------
    path
        The TOML file.
    plugin
        The plugin's name, for the problems.

    Returns
    -------
    entries : list
        ``(kind name, item, site)`` for each entry that could be read
        (overrides wrapped in :class:`~qualitapa.catalog.Override`).
    problems : list of Problem
        Each with its site (file, section, entry number), the item's kind
        and id, the field, the value, a rule and a suggestion where one
        exists.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "defs.toml"
    >>> _ = p.write_text('[[organizations]]\\nid = "022205"\\nname = "Trento"\\n'
    ...                  'population = "118000"\\n')
    >>> entries, problems = inspect_definitions(p)
    >>> problems[0].field, problems[0].site.entry, problems[0].suggestion
    ('population', 1, 'write 118000 (a number, without quotes)')
    """
    path = Path(path)
    source = str(path)
    entries: list[tuple[str, object, Site]] = []
    problems: list[Problem] = []
    try:
        data = _read_toml(path)
        headers = _header_lines(path.read_text(encoding="utf-8"))
    except DefinitionError as exc:
        message = exc.message
        at = _TOML_AT.search(message)
        if at:
            message = f"{message[: at.start()]} at line {at.group(1)}, column {at.group(2)}"
        fix = "check the quotes, brackets and '=' on that line" if at else None
        line = int(at.group(1)) if at else None
        problems.append(
            _file_problem(
                plugin, message, rule=Rule.FILE, suggestion=fix, site=Site(source, "", None, line)
            )
        )
        return entries, problems

    for section, value in data.items():
        if section == "plugin":
            continue
        if section in _GROUPS:
            if not isinstance(value, Mapping):
                what, header = "a table of sections", f"{section}.SECTION"
                problems.append(_written_wrong(plugin, source, section, what, header))
                continue
            for sub, sub_items in value.items():
                if sub in KINDS_BY_NAME:
                    _inspect_section(
                        sub, sub_items, section, path, plugin, entries, problems, headers
                    )
                else:
                    name = f"{section}.{sub}"
                    problems.append(
                        _unknown_section(plugin, name, _section_site(source, name, headers))
                    )
        elif section in KINDS_BY_NAME:
            _inspect_section(section, value, None, path, plugin, entries, problems, headers)
        else:
            site = _section_site(source, section, headers)
            problems.append(_unknown_section(plugin, section, site))
    return entries, problems


def _section_site(
    source: str, section: str, headers: Mapping[str, list[tuple[int, tuple[tuple[str, int], ...]]]]
) -> Site:
    """Where a section is written: its first ``[[section]]`` header, if written so."""
    written = headers.get(section)
    return Site(source, section, None, written[0][0] if written else None)
