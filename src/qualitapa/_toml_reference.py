"""The TOML reference of plugin definitions, generated from the models.

Every kind of catalog item (:data:`qualitapa.catalog.KINDS`) is a TOML
array of tables (``[[indicators]]``...) read by its model's
``from_mapping``. This module reads the same models — attrs fields for
names, types, defaults and allowed values, the numpydoc ``Parameters``
sections for the descriptions — so that the reference page cannot drift
from the code. Regenerate the page after changing a model::

    python -m qualitapa._toml_reference > docs/toml-reference.md

``tests/core/test_core_toml_reference.py`` fails when the committed page
is stale, when a field has no description, or when an example does not
load.

The examples are real: the first entry of each kind in the TOML files of
the plugins shipped in the repository (``plugins/*/src/*/*.toml``), with
long arrays of tables cut to the fewest entries that still load.

Examples
--------
>>> from qualitapa.catalog import KINDS_BY_NAME
>>> ref = kind_reference(KINDS_BY_NAME["complaint_categories"])
>>> [(f.name, f.toml_type, f.required) for f in ref.tables[0].fields][:3]
[('id', 'string', True), ('label', 'text', True), ('service', 'string', True)]
>>> [f.name for f in ref.tables[1].fields]  # the `deadline` table
['days', 'unit']
"""

from __future__ import annotations

import datetime as dt
import enum
import html
import json
import re
import tomllib
import types
import typing
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import attrs
import pandas as pd

from qualitapa._languages import is_language
from qualitapa.catalog import KINDS, Kind
from qualitapa.declarative import parse_definitions
from qualitapa.errors import DefinitionError, QualitapaError
from qualitapa.models import Text

__all__ = [
    "FieldDoc",
    "KindDoc",
    "TableDoc",
    "kind_reference",
    "missing_descriptions",
    "plugin_toml_files",
    "reference_frame",
    "render_toml_reference",
]

#: The repository's plugins folder (examples come from its TOML files).
PLUGINS_DIR = Path(__file__).resolve().parents[2] / "plugins"


@attrs.frozen
class FieldDoc:
    """One TOML key of a table: what it holds and what it means."""

    name: str
    toml_type: str
    required: bool
    default: str
    allowed: tuple[str, ...]
    description: str


@attrs.frozen
class TableDoc:
    """The keys of one table: an item kind's entry or a table nested in it.

    ``path`` is where the table sits in the entry (``""`` for the entry
    itself, ``"target"``, ``"questions[].scale"``); ``forms`` says what else
    the field accepts instead of the table (e.g. a string ``">= 33"``).
    """

    path: str
    model: str
    fields: tuple[FieldDoc, ...]
    forms: str = ""


@attrs.frozen
class KindDoc:
    """The reference of one kind of item: its tables and an example."""

    kind: Kind
    summary: str
    tables: tuple[TableDoc, ...]
    example: str | None = None
    example_source: str | None = None


# -- what the types do not say ------------------------------------------------

#: Other forms a field holding a nested table accepts (the classes' ``coerce``
#: and the converters), by class: its TOML type and the forms in words. The
#: test loads an example of each form.
FORMS: Mapping[str, tuple[str, str]] = {
    "Target": (
        "table, string or number",
        'or a string such as `">= 33"`, or a bare number (its comparator comes from the '
        "polarity: `>=` when higher is better, `<=` when lower is better)",
    ),
    "StandardTarget": (
        "table or string",
        'or a string: `">= 90"`, `"<= 10"`, `"== 100"` or `"between 5 and 10"`; in the '
        "table a `between` value may be a list `[lower, upper]`",
    ),
    "Deadline": ("table or integer", "or an integer: a number of calendar days"),
    "Scale": (
        "table or string",
        "or a string: the `id` of one of the instrument's `scales`, `likertN` "
        "(`likert5`: points 1 to 5), `recommend` (0-10) or `yes_no` (0/1)",
    ),
    "Choice": (
        "array of tables, strings or numbers",
        "or plain codes (strings or numbers), each then its own label",
    ),
}

#: Keys that are required by the class but may be left out in TOML (its
#: ``coerce`` fills them in), by class.
OPTIONAL_IN_TOML: Mapping[str, frozenset[str]] = {"Choice": frozenset({"label"})}

#: Keys a ``from_mapping`` reads besides the class's fields, by class.
EXTRA_FIELDS: Mapping[str, tuple[FieldDoc, ...]] = {
    "Instrument": (
        FieldDoc(
            "scales",
            "array of tables",
            False,
            "",
            (),
            "Named response scales: tables with the keys of `questions[].scale` and an `id`, "
            'that questions name in `scale = "<id>"`.',
        ),
        FieldDoc(
            "xlsform",
            "string (path)",
            False,
            "",
            (),
            "An XLSForm workbook (`.xlsx`) or folder of CSV sheets, relative to the TOML "
            "file, holding the questionnaire; then only `id`, `label`, `version`, `service`, "
            "`previous_version`, `supersedes` and `respondent` may be given next to it, and "
            "they replace the form's.",
        ),
    ),
    "Scale": (
        FieldDoc(
            "min",
            "integer",
            False,
            "",
            (),
            "With `max`, instead of `points`: the points are the integers from `min` to `max`.",
        ),
        FieldDoc(
            "max",
            "integer",
            False,
            "",
            (),
            "The highest point, with `min`.",
        ),
    ),
}

# -- docstrings -----------------------------------------------------------------

_SECTION = re.compile(r"^\s*(\w[\w ]*)\n\s*-{3,}\s*$", re.MULTILINE)
_ROLE = re.compile(r":(?:\w+:)?\w+:`(~?)([\w.]+)(?:\(\))?`")


def parameter_descriptions(cls: type) -> dict[str, str]:
    """The ``Parameters`` section of a numpydoc docstring: name -> description.

    Entries naming several parameters (``dimension, sub_dimension``) give
    the description to each; Sphinx roles become Markdown code.

    Examples
    --------
    >>> from qualitapa.models import Organization
    >>> parameter_descriptions(Organization)["province"][:40]
    'Optional; `province` is the two-letter c'
    """
    doc = cls.__doc__ or ""
    lines = doc.expandtabs().splitlines()
    # dedent everything after the summary line, as inspect.cleandoc does
    body = "\n".join(lines[1:])
    text = lines[0].strip() + "\n" + _dedent(body) if lines else ""
    out: dict[str, str] = {}
    sections = list(_SECTION.finditer(text))
    for i, m in enumerate(sections):
        if m.group(1).strip() != "Parameters":
            continue
        end = sections[i + 1].start() if i + 1 < len(sections) else len(text)
        block = text[m.end() : end]
        names: list[str] = []
        desc: list[str] = []
        for line in block.splitlines():
            if line and not line[0].isspace():
                _store(out, names, desc)
                names = [n.strip().lstrip("*") for n in line.split(":")[0].split(",")]
                desc = []
            elif line.strip():
                desc.append(line.strip())
            elif desc:
                desc.append("")
        _store(out, names, desc)
    return out


def _dedent(text: str) -> str:
    indents = [len(x) - len(x.lstrip()) for x in text.splitlines() if x.strip()]
    cut = min(indents, default=0)
    return "\n".join(x[cut:] for x in text.splitlines())


def _store(out: dict[str, str], names: list[str], desc: list[str]) -> None:
    text = _ROLE.sub(_role, " ".join(desc).strip()).replace("``", "`")
    for name in names:
        if name:
            out[name] = text


def _role(m: re.Match[str]) -> str:
    """``:class:`~a.b.C``` -> `` `C` ``; ``:func:`a.b``` -> `` `a.b` ``."""
    name = m.group(2)
    return f"`{name.rsplit('.', 1)[-1] if m.group(1) else name}`"


def _summary(cls: type) -> str:
    doc = (cls.__doc__ or "").strip()
    first = doc.split("\n\n", 1)[0]
    return " ".join(line.strip() for line in first.splitlines()).replace("``", "`")


# -- types ---------------------------------------------------------------------


def _strip_none(tp: object) -> object:
    args = typing.get_args(tp)
    if isinstance(tp, types.UnionType) or typing.get_origin(tp) is typing.Union:
        rest = [a for a in args if a is not type(None)]
        if len(rest) == 1:
            return rest[0]
        return typing.Union[tuple(rest)]  # noqa: UP007 (built from a runtime tuple)
    return tp


_SCALARS: Mapping[object, str] = {
    str: "string",
    int: "integer",
    float: "number",
    bool: "boolean",
    dt.date: "date",
    dt.datetime: "date-time",
    Path: "string (path)",
    Text: "text",
}


def describe_type(tp: object) -> tuple[str, tuple[str, ...], type | None]:
    """The TOML type of a field annotation, its allowed values and its nested model.

    Examples
    --------
    >>> from qualitapa.models import Polarity
    >>> describe_type(Polarity | None)
    ('string', ('higher_is_better', 'lower_is_better', 'neutral'), None)
    >>> describe_type(tuple[str, ...])
    ('array of strings', (), None)
    """
    tp = _strip_none(tp)
    if tp in _SCALARS:
        return _SCALARS[tp], (), None
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return "string", tuple(str(m.value) for m in tp), None
    if isinstance(tp, type) and tp.__name__ == "Formula":
        return "string (formula)", (), None
    if isinstance(tp, type) and attrs.has(tp):
        return "table", (), tp
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is typing.Literal:
        return "string", tuple(str(a) for a in args), None
    if origin is typing.Union or isinstance(tp, types.UnionType):
        return " or ".join(describe_type(a)[0] for a in args), (), None
    return _describe_container(tp, origin, args)


def _describe_container(
    tp: object, origin: object, args: tuple[object, ...]
) -> tuple[str, tuple[str, ...], type | None]:
    if origin in (tuple, list, Sequence) and args:
        if len(args) == 1 or (len(args) == 2 and args[1] is Ellipsis):
            inner, allowed, nested = describe_type(args[0])
            if nested is not None:
                return "array of tables", allowed, nested
            return f"array of {_plural(inner)}", allowed, None
        inner = " and ".join(_plural(describe_type(a)[0]) for a in dict.fromkeys(args))
        return f"array of {len(args)} {inner}", (), None
    if origin in (dict, Mapping) and len(args) == 2:
        return f"table of {_plural(describe_type(args[1])[0])}", (), None
    raise TypeError(f"no TOML type for {tp!r}: teach qualitapa._toml_reference.describe_type")


def _plural(name: str) -> str:
    if " or " in name:
        return " or ".join(_plural(n) for n in name.split(" or "))
    head, _, tail = name.partition(" ")
    return f"{head}s" + (f" {tail}" if tail else "") if not head.endswith("s") else name


def _allowed_by_converter(
    field: attrs.Attribute[object], allowed: tuple[str, ...]
) -> tuple[str, ...]:
    """The enum values the field's converter accepts (a field may take a subset)."""
    conv = field.converter
    if not allowed or conv is None or isinstance(conv, attrs.Converter):
        return allowed
    kept = []
    for value in allowed:
        try:
            typing.cast(typing.Callable[[object], object], conv)(value)
        except (QualitapaError, ValueError, TypeError):
            continue
        kept.append(value)
    return tuple(kept)


def _allowed_by_validator(field: attrs.Attribute[object]) -> tuple[str, ...]:
    validators = [field.validator]
    while validators:
        v = validators.pop()
        options = getattr(v, "options", None)
        if options is not None and not isinstance(v, type):
            return tuple(str(o) for o in options)
        validators.extend(getattr(v, "_validators", ()) or ())
    return ()


def _toml_value(value: object) -> str:
    """``value`` written as TOML (strings quoted, booleans in lower case)."""
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        inner = ", ".join(f"{_key(k)} = {_toml_value(v)}" for k, v in value.items())
        return "{ " + inner + " }"
    raise TypeError(f"cannot write {value!r} as TOML")


def _key(name: object) -> str:
    text = str(name)
    return text if re.fullmatch(r"[A-Za-z0-9_-]+", text) else json.dumps(text, ensure_ascii=False)


def _default(field: attrs.Attribute[object]) -> str:
    default = field.default
    if default is attrs.NOTHING or default is None:
        return ""
    factory = getattr(default, "factory", None)  # an attrs.Factory
    if callable(factory):
        if getattr(default, "takes_self", False):
            return "computed"
        default = factory()
    return _toml_value(default)


# -- the reference of a kind ---------------------------------------------------


def _table(cls: type, path: str, seen: dict[type, str], out: list[TableDoc]) -> TableDoc:
    """Document ``cls`` at ``path`` and its nested models after it (``seen``: model -> path)."""
    hints = typing.get_type_hints(cls)
    described = parameter_descriptions(cls)
    rows: list[FieldDoc] = []
    nested: list[tuple[str, type]] = []
    for field in attrs.fields(cls):
        if not field.init:
            continue
        name = field.alias or field.name
        toml_type, allowed, model = describe_type(hints[field.name])
        allowed = _allowed_by_converter(field, allowed) or _allowed_by_validator(field)
        if model is not None:
            sub = f"{path}.{name}" if path else name
            if toml_type.startswith("array"):
                sub += "[]"
            toml_type = FORMS.get(model.__name__, (toml_type, ""))[0]
            if model in seen:
                toml_type += f" (like `{seen[model].removesuffix('[]') or 'the entry'}`)"
            else:
                nested.append((sub, model))
                seen[model] = sub
        rows.append(
            FieldDoc(
                name=name,
                toml_type=toml_type,
                required=field.default is attrs.NOTHING
                and name not in OPTIONAL_IN_TOML.get(cls.__name__, ()),
                default=_default(field),
                allowed=allowed,
                description=described.get(name, described.get(field.name, "")),
            )
        )
    rows += EXTRA_FIELDS.get(cls.__name__, ())
    table = TableDoc(path, cls.__name__, tuple(rows), FORMS.get(cls.__name__, ("", ""))[1])
    out.append(table)
    for sub, model in nested:
        _table(model, sub, seen, out)
    return table


def kind_reference(kind: Kind, *, examples: Iterable[Path] | None = None) -> KindDoc:
    """The reference of one kind of item: its tables and, from ``examples``, an example.

    Parameters
    ----------
    kind
        A :class:`~qualitapa.catalog.Kind`.
    examples
        TOML files to take the example from (the first entry of the kind);
        None: no example.
    """
    cls = kind.model_class()
    tables: list[TableDoc] = []
    _table(cls, "", {cls: ""}, tables)
    example = source = None
    if examples is not None:
        found = first_example(kind, examples)
        if found is not None:
            example, source = found
    return KindDoc(kind, _summary(cls), tuple(tables), example, source)


def missing_descriptions() -> list[str]:
    """Every TOML key, of every kind and nested table, without a description.

    Examples
    --------
    >>> missing_descriptions()
    []
    """
    missing = []
    for kind in KINDS:
        for table in kind_reference(kind).tables:
            prefix = f"[[{kind.name}]] " + (f"{table.path}." if table.path else "")
            missing += [prefix + f.name for f in table.fields if not f.description.strip()]
    return missing


# -- examples ------------------------------------------------------------------


def plugin_toml_files(plugins_dir: Path = PLUGINS_DIR) -> list[Path]:
    """The definition files of the plugins in ``plugins_dir``, in a stable order."""
    return sorted(p for p in plugins_dir.glob("*/src/*/*.toml") if p.name != "pyproject.toml")


def _table_arrays(value: object, path: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    """Paths (keys and indices) of the arrays of tables in ``value``, outermost first."""
    out: list[tuple[object, ...]] = []
    if isinstance(value, Mapping):
        for k, v in value.items():
            out += _table_arrays(v, (*path, k))
    elif isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
        out.append(path)
        for i, v in enumerate(value):
            out += _table_arrays(v, (*path, i))
    return out


def _get(value: object, path: tuple[object, ...]) -> list[object]:
    """The array of tables at ``path`` in ``value``."""
    for step in path:
        value = typing.cast(Mapping[object, object], value)[step]
    return typing.cast(list[object], value)


def _cut(value: object, path: tuple[object, ...], n: int) -> object:
    """A copy of ``value`` whose array at ``path`` keeps its first ``n`` tables."""
    if not path:
        return list(typing.cast(list[object], value)[:n])
    head, rest = path[0], path[1:]
    if isinstance(value, Mapping):
        return {k: _cut(v, rest, n) if k == head else v for k, v in value.items()}
    items = list(typing.cast(list[object], value))
    items[typing.cast(int, head)] = _cut(items[typing.cast(int, head)], rest, n)
    return items


def _loads(section: str, entry: object, path: Path) -> bool:
    try:
        parse_definitions({section: [entry]}, source=str(path), base_dir=path.parent)
    except DefinitionError:
        return False
    return True


def _shorten(section: str, entry: object, path: Path) -> object:
    """``entry`` with each array of tables cut to the fewest tables with which it loads.

    The longest arrays are cut first (questions before the dimensions they
    name), then the others, until nothing more can go.
    """
    changed = True
    while changed:
        changed = False
        arrays = sorted(_table_arrays(entry), key=lambda p: -len(_get(entry, p)))
        for where in arrays:
            size = len(_get(entry, where))
            for n in range(1, size):
                cut = _cut(entry, where, n)
                if _loads(section, cut, path):
                    entry, changed = cut, True
                    break
            if changed:
                break
    return entry


def first_example(kind: Kind, files: Iterable[Path]) -> tuple[str, str] | None:
    """The first ``[[kind]]`` entry of ``files``, shortened, as TOML text, and its file.

    Each array of tables keeps its first *n* tables, for the smallest *n*
    with which the entry still loads (a question may name a dimension...).
    """
    for path in files:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        entries = data.get(kind.name)
        if not isinstance(entries, list) or not entries:
            continue
        entry = entries[0]
        if not _loads(kind.name, entry, path):
            raise DefinitionError(
                f"the first [[{kind.name}]] entry does not load", source=str(path)
            )
        short = typing.cast(Mapping[str, object], _shorten(kind.name, entry, path))
        return to_toml(kind.name, short), str(path)
    return None


def to_toml(section: str, entry: Mapping[str, object]) -> str:
    """One entry of ``[[section]]`` as TOML: arrays of tables as ``[[section.key]]``.

    Examples
    --------
    >>> print(to_toml("services", {"id": "x", "label": {"it": "X"}, "parts": [{"a": 1}]}))
    [[services]]
    id = "x"
    label = { it = "X" }
    <BLANKLINE>
    [[services.parts]]
    a = 1
    """
    lines = [f"[[{section}]]"]
    blocks: list[tuple[str, Mapping[str, object]]] = []
    for key, value in entry.items():
        if _is_table_array(value):
            tables = typing.cast(list[Mapping[str, object]], value)
            blocks += [(str(key), t) for t in tables]
        else:
            lines.append(_assignment(key, value))
    for key, sub in blocks:
        lines += ["", f"[[{section}.{_key(key)}]]"]
        lines += [_assignment(k, v) for k, v in sub.items()]
    return "\n".join(lines)


def _is_table_array(value: object) -> bool:
    """An array of tables that are not texts (``notes = [{ it = ... }]`` stays inline)."""
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(v, Mapping) for v in value)
        and not all(_is_text(v) for v in value)
    )


def _is_text(value: object) -> bool:
    return (
        isinstance(value, Mapping)
        and "it" in value
        and all(is_language(str(k)) and isinstance(v, str) for k, v in value.items())
    )


def _assignment(key: object, value: object) -> str:
    """``key = value``; a long array one item a line."""
    line = f"{_key(key)} = {_toml_value(value)}"
    if len(line) <= 88 or not isinstance(value, list) or len(value) < 2:
        return line
    items = "".join(f"    {_toml_value(v)},\n" for v in value)
    return f"{_key(key)} = [\n{items}]"


# -- the page ------------------------------------------------------------------


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _nowrap(key: str, *, plain: bool = False) -> str:
    """A key as code that a web page does not break in the middle (``population``)."""
    if plain:
        return f"`{key}`"
    return f'<code style="white-space: nowrap">{html.escape(key, quote=False)}</code>'


def _render_table(table: TableDoc, *, plain: bool = False) -> list[str]:
    lines = ["| Key | Type | Default | Description |", "|-----|------|---------|-------------|"]
    for f in table.fields:
        if f.required:
            default = "**required**"
        elif f.default and f.default != "computed":
            default = _nowrap(f.default, plain=plain)
        else:
            default = f"*{f.default}*" if f.default else ""
        description = f.description
        if f.allowed:
            description += " Allowed values: " + ", ".join(f"`{a}`" for a in f.allowed) + "."
        lines.append(
            f"| {_nowrap(f.name, plain=plain)} | {_cell(f.toml_type)} | {_cell(default)} "
            f"| {_cell(description)} |"
        )
    return lines


def render_kind(doc: KindDoc, *, root: Path | None = None, plain: bool = False) -> list[str]:
    """The Markdown lines of one kind.

    ``root`` shortens the example's path; ``plain`` writes no HTML (for a
    terminal).
    """
    kind = doc.kind
    public = kind.model.replace(":", ".")
    lines = [
        f"## `[[{kind.name}]]`",
        "",
        f"{doc.summary} One {kind.singular} per `[[{kind.name}]]` table; model "
        f"`{public}`, hook `{kind.hook}`.",
        "",
    ]
    for table in doc.tables:
        if table.path:
            what = "an array of tables" if table.path.endswith("[]") else "a table"
            forms = f", {table.forms}" if table.forms else ""
            lines += [
                f"**`{table.path.removesuffix('[]')}`** is {what} (`{table.model}`){forms}:",
                "",
            ]
        lines += [*_render_table(table, plain=plain), ""]
    if doc.example is not None and doc.example_source is not None:
        source = Path(doc.example_source)
        if root is not None and source.is_relative_to(root):
            source = source.relative_to(root)
        lines += [
            f"Example (the first entry of `{source.as_posix()}`"
            + (", arrays of tables shortened" if _was_shortened(doc) else "")
            + "):",
            "",
            "```toml",
            doc.example,
            "```",
            "",
        ]
    return lines


def _was_shortened(doc: KindDoc) -> bool:
    if doc.example is None or doc.example_source is None:
        return False
    full = tomllib.loads(Path(doc.example_source).read_text(encoding="utf-8"))[doc.kind.name][0]
    return bool(tomllib.loads(doc.example)[doc.kind.name][0] != full)


_INTRO = """\
# TOML reference

Generated from the models by `python -m qualitapa._toml_reference`: every section a
TOML plugin may write, every key of each, and what it accepts. How to write and
install a plugin is in [Writing a plugin](plugins.md).

A definitions file holds arrays of tables, one section per kind of item
(`[[services]]`, `[[indicators]]`...). Besides them:

- `[plugin]`: free metadata (`name`, `description`, `homepage`); it is not read.
- `[[overrides.<section>]]` (e.g. `[[overrides.standards]]`): an entry with the same
  keys as in `[[<section>]]` that replaces, for everyone, the item with the same `id`
  from another plugin.
- `extends = "<id>"` in an entry of any section but `[[datasets]]`: a new item (its own
  `id`) that takes every key it does not give from the item `<id>`, whichever plugin
  defines it. A standard that gives `organizations` and no `replaces` replaces the
  standard it extends for those organizations.
- `[[extensions.<section>]]` (e.g. `[[extensions.organizations]]`): additions to the item
  `id` of another plugin, which keeps its other keys: the entries of an array (offices,
  contacts, questions...) are appended, the keys of a table (`attributes`) and the
  languages of a text are added, a key left empty gets a value. A value the item has
  already cannot be changed (that is an override). `organizations = [...]` limits the
  entries added (e.g. questions a city adds to the shared questionnaire) to those
  organizations. See [Writing a plugin](plugins.md#building-on-another-plugin).

In the tables, a **required** key must be given; any other takes its **Default**
when left out (an empty default: the key is simply absent; a *computed* one is
explained in the description). **Allowed values** are the only words accepted (in
upper or lower case). Unknown keys are errors naming the allowed ones.

Types, as TOML writes them:

- **string** `"..."`; **integer** `30`; **number** `0.5` or `30`; **boolean**
  `true`/`false`; **date** `2025-03-12` (or the string `"2025-03-12"`).
- **text**: a label in Italian and other languages, either a string (Italian only)
  or an inline table `{ it = "Anagrafe", en = "Civil registry", de = "Meldeamt" }`.
  `it` is required; any language code may follow (`fr`, `sl`, `lld`, `de_IT`...).
- **table**: an inline table `{ key = value, ... }` or a `[section.key]` table;
  **array of tables**: `[[section.key]]` tables or an inline array `[{ ... }, { ... }]`.
- **string (formula)**: the formula language of indicators, see
  [Indicators](indicators.md).

Sections:
"""


def render_toml_reference(
    files: Sequence[Path] | None = None,
    *,
    kinds: Sequence[Kind] | None = None,
    plain: bool = False,
) -> str:
    """The Markdown TOML reference page: one section per kind of item.

    Parameters
    ----------
    files
        TOML files the examples come from; default :func:`plugin_toml_files`
        (none outside a checkout of the repository).
    kinds
        Only these kinds, without the page's introduction; default: the
        whole page.
    plain
        Markdown without HTML, for a terminal (the page keeps its keys
        from breaking in the middle with a little HTML).

    Examples
    --------
    >>> from qualitapa.catalog import KINDS_BY_NAME
    >>> text = render_toml_reference([], kinds=[KINDS_BY_NAME["services"]])
    >>> print(text.splitlines()[0])
    ## `[[services]]`
    """
    files = plugin_toml_files() if files is None else files
    root = PLUGINS_DIR.parent
    docs = [kind_reference(k, examples=files) for k in (KINDS if kinds is None else kinds)]
    lines: list[str] = []
    if kinds is None:
        lines += [_INTRO.rstrip("\n"), ""]
        lines += [f"- [`[[{d.kind.name}]]`](#{d.kind.name}): {d.kind.singular}" for d in docs]
        lines.append("")
    for doc in docs:
        lines += render_kind(doc, root=root, plain=plain)
    return "\n".join(lines).rstrip("\n") + "\n"


#: The columns of :func:`reference_frame`.
FRAME_COLUMNS = ["section", "key", "type", "required", "default", "allowed", "description"]


def reference_frame(kinds: Sequence[Kind] | None = None) -> pd.DataFrame:
    """The reference as a table: one row per key of every table of ``kinds`` (default all).

    ``key`` is the key's path in the entry (``target.comparator``,
    ``questions[].scale.points``); ``allowed`` lists the allowed values
    separated by spaces.

    Examples
    --------
    >>> from qualitapa.catalog import KINDS_BY_NAME
    >>> frame = reference_frame([KINDS_BY_NAME["complaint_categories"]])
    >>> frame.loc[frame.key == "deadline.unit", ["type", "default", "allowed"]].values.tolist()
    [['string', '"calendar"', 'calendar working']]
    """
    rows = []
    for kind in KINDS if kinds is None else kinds:
        for table in kind_reference(kind).tables:
            prefix = f"{table.path}." if table.path else ""
            rows += [
                {
                    "section": kind.name,
                    "key": prefix + f.name,
                    "type": f.toml_type,
                    "required": f.required,
                    "default": f.default,
                    "allowed": " ".join(f.allowed),
                    "description": f.description,
                }
                for f in table.fields
            ]
    return pd.DataFrame(rows, columns=FRAME_COLUMNS)


if __name__ == "__main__":  # pragma: no cover
    print(render_toml_reference(), end="")
