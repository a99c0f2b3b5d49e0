"""Items built from the items of other plugins: derived items and extensions.

Two ways for a plugin to build on another plugin's item without copying it:

* :class:`Derived` (TOML: ``extends = "ID"`` in an entry) is a *new* item
  (its own id) that starts from every field of the item it extends and
  changes those it gives: a city's local standard that only changes the
  target of the shared one.
* :class:`Extension` (TOML: ``[[extensions.KIND]]``) *adds* to an item of
  another plugin, keeping its id: attributes, offices and contacts of an
  organization, questions of a questionnaire for some organizations only,
  a label in another language. It never changes what the other plugin
  wrote; changing it is what ``[[overrides.KIND]]`` is for.

The catalog resolves both while it merges the plugins (see
:class:`qualitapa.catalog.Catalog`), so every reader of a collection sees
complete items only. This module knows the models through attrs only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs

from qualitapa.errors import DefinitionError, _did_you_mean
from qualitapa.models import Text, to_optional_text, to_organizations, to_text


def _frozen_changes(value: Mapping[str, object]) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        raise DefinitionError(f"the changes must be a table of fields, not {value!r}")
    return dict(value)


@attrs.frozen
class Derived:
    """A new item that starts from the fields of another item and changes some.

    Return it from a hook (or write ``extends = "ID"`` in a TOML entry): the
    catalog copies every field of the item ``extends`` names, from whichever
    plugin defines it (its overrides applied, its extensions not), then sets
    ``changes``, which must give a new ``id``. For a quality standard given
    ``organizations`` and no ``replaces``, ``replaces`` is the extended
    standard (as :meth:`~qualitapa.standards.QualityStandard.local_variant`
    does): the derived standard takes its place for those organizations.

    Parameters
    ----------
    extends
        The id of the item to start from.
    changes
        The fields to set, ``id`` included, as a TOML table gives them.
    site
        Where the entry is written (set by the TOML reader).

    Examples
    --------
    >>> d = Derived("registry.std.wait", {"id": "bz.std.wait", "target": ">= 90"})
    >>> d.id, d.extends
    ('bz.std.wait', 'registry.std.wait')
    """

    extends: str = attrs.field(validator=attrs.validators.instance_of(str))
    changes: Mapping[str, object] = attrs.field(converter=_frozen_changes)
    site: object = attrs.field(default=None, eq=False, repr=False)

    @property
    def id(self) -> str:
        """The id of the new item (empty when ``changes`` gives none)."""
        value = self.changes.get("id")
        return value if isinstance(value, str) else ""


@attrs.frozen
class Extension:
    """Additions to an item of another plugin, which keeps its id and its fields.

    Return it from a hook (or write a ``[[extensions.KIND]]`` entry). Each
    field of ``changes`` adds to the item: a list (offices, contacts,
    questions...) gets the new entries at its end, a table (attributes) and
    a label get new keys and languages, a field left empty or at its default
    (a time zone) gets a value. A value the item already has cannot be
    changed (that is an override) and is reported as a conflict.

    Parameters
    ----------
    id
        The id of the item to extend.
    changes
        The fields to add to, as a TOML table gives them.
    organizations
        The organizations the added entries apply to (e.g. questions a city
        adds to the shared questionnaire): each added entry that can be
        scoped and gives no ``organizations`` of its own gets these.
    site
        Where the entry is written (set by the TOML reader).

    Examples
    --------
    >>> e = Extension("021008", {"attributes": {"area_km2": 52.3}})
    >>> e.id, dict(e.changes)
    ('021008', {'attributes': {'area_km2': 52.3}})
    """

    id: str = attrs.field(validator=attrs.validators.instance_of(str))
    changes: Mapping[str, object] = attrs.field(converter=_frozen_changes)
    organizations: tuple[str, ...] = attrs.field(default=(), converter=to_organizations)
    site: object = attrs.field(default=None, eq=False, repr=False)


def _init_fields(cls: type[object]) -> dict[str, attrs.Attribute[object]]:
    fields: tuple[attrs.Attribute[object], ...] = attrs.fields(cls)  # type: ignore[arg-type]
    return {a.alias or a.name: a for a in fields if a.init}


def item_fields(item: object) -> dict[str, object]:
    """The constructor arguments that rebuild ``item`` (an attrs model).

    Fields at their default are left out, as a TOML entry leaves them out.

    Examples
    --------
    >>> from qualitapa.models import Service
    >>> sorted(item_fields(Service("registry", "Anagrafe")))
    ['id', 'label']
    """
    out = {}
    for alias, attribute in _init_fields(type(item)).items():
        value = getattr(item, attribute.name)
        if attribute.default is attrs.NOTHING or value != _default(attribute, item):
            out[alias] = list(value) if isinstance(value, tuple) else value  # as TOML has it
    return out


def _unknown_field(key: str, allowed: Sequence[str], item: str) -> DefinitionError:
    hint = _did_you_mean(key, allowed, f"the fields are: {', '.join(allowed)}")
    return DefinitionError(f"unknown field {key!r}; {hint}", item=item, field=key)


#: Keys a model's ``from_mapping`` reads besides its fields: an instrument's named scales,
#: which its questions name (``scale = "sat5"``).
_MAPPING_ONLY = ("scales",)


def _named_scales(base: object, changes: Mapping[str, object]) -> dict[str, object]:
    """The named scales of ``base``'s questions and those ``changes`` declare, as ``scales``.

    An item added to a questionnaire may then name a scale of the questionnaire
    it extends, as its own questions do.
    """
    questions = getattr(base, "questions", None)
    if not isinstance(questions, tuple) or "questions" not in changes:
        if "scales" in changes:
            raise DefinitionError(
                "scales are declared for the questions added with them", field="scales"
            )
        return {}
    found: dict[str, object] = {}
    for question in questions:
        scale = getattr(question, "scale", None)
        name = getattr(scale, "id", None)
        if scale is not None and isinstance(name, str) and name:
            found.setdefault(name, item_fields(scale))
    declared = changes.get("scales", [])
    if not isinstance(declared, list):
        raise DefinitionError("scales must be an array of tables", field="scales")
    return {"scales": [*found.values(), *declared]}


def _build(cls: type[object], data: Mapping[str, object], source: str | None) -> object:
    from_mapping = getattr(cls, "from_mapping")  # noqa: B009 - every model of a kind has one
    return from_mapping(data, source=source)


def derive(base: object, derived: Derived, *, source: str | None = None) -> object:
    """The item ``derived`` describes, built from ``base`` (the item it extends).

    Raises
    ------
    DefinitionError
        No new ``id``, a field the model does not have (with the closest
        one), or a value the model refuses (naming the field).

    Examples
    --------
    >>> from qualitapa.standards import QualityStandard
    >>> g = QualityStandard("r.wait", "registry", "timeliness", "Attesa", ">= 80",
    ...                     indicator="r.wait")
    >>> d = derive(g, Derived("r.wait", {"id": "bz.wait", "organizations": ["021008"],
    ...                                   "target": ">= 90"}))
    >>> d.id, str(d.target), d.replaces, d.indicator
    ('bz.wait', '>= 90', 'r.wait', 'r.wait')
    """
    cls = type(base)
    fields = _init_fields(cls)
    if not derived.id:
        raise DefinitionError(
            f"an item that extends {derived.extends!r} needs its own 'id'", field="id"
        )
    if derived.id == derived.extends:
        raise DefinitionError(
            f"an item cannot extend itself ({derived.id!r}): to change it for everyone, "
            "override it; to add to it, extend it in an [[extensions...]] entry",
            item=derived.id,
            field="extends",
        )
    for key in derived.changes:
        if key not in fields and key not in _MAPPING_ONLY:
            raise _unknown_field(key, sorted(fields), derived.id)
    data = item_fields(base) | _named_scales(base, derived.changes)
    if (
        "replaces" in fields
        and "organizations" in derived.changes
        and ("replaces" not in derived.changes)
    ):
        data["replaces"] = getattr(base, "replaces", None) or getattr(base, "id", None)
    data.update(derived.changes)
    return _build(cls, data, source)


def _default(attribute: attrs.Attribute[object], item: object) -> object:
    """The value ``attribute`` takes when left out (a factory may compute it from ``item``)."""
    default: object = attribute.default
    factory = getattr(default, "factory", None)  # an attrs.Factory
    if callable(factory):
        return factory(item) if getattr(default, "takes_self", False) else factory()
    return default


def _text_items(value: object) -> dict[str, str]:
    if isinstance(value, Text):
        return {lang: value.get(lang) for lang in value.languages}
    if isinstance(value, Mapping):
        return {str(k): v for k, v in value.items()}  # checked by Text.coerce later
    raise DefinitionError(f"give the added languages as a table {{de = '...'}}, not {value!r}")


def _add_keys(old: Mapping[str, object], new: object, key: str, item: str) -> dict[str, object]:
    if not isinstance(new, Mapping):
        raise DefinitionError(
            f"{key} adds keys to a table: write {key} = {{ name = value }}, not {new!r}",
            item=item,
            field=key,
        )
    out = dict(old)
    for name, value in new.items():
        if name in out and out[name] != value:
            raise DefinitionError(
                f"{key}.{name} is already {out[name]!r}; an extension adds, it does not change "
                "(to change it, override the item)",
                item=item,
                field=key,
            )
        out[name] = value
    return out


def _scoped(entry: object, organizations: tuple[str, ...]) -> tuple[object, bool]:
    """``entry`` given ``organizations`` unless it gives its own; and whether it can be scoped."""
    if not organizations:
        return entry, False
    if isinstance(entry, Mapping):
        return ({"organizations": list(organizations), **entry}, True)
    if attrs.has(type(entry)) and "organizations" in _init_fields(type(entry)):
        if getattr(entry, "organizations", ()):
            return entry, True
        changed: object = attrs.evolve(entry, organizations=organizations)  # type: ignore[misc]
        return changed, True
    return entry, False


def _added(
    old: object, new: object, key: str, item: str, kind: tuple[bool, bool], scope: tuple[str, ...]
) -> tuple[object, bool]:
    """The value of field ``key`` once ``new`` is added to ``old``; and whether it was scoped.

    ``kind`` says whether the field is a text and whether ``old`` is its default.
    """
    text, at_default = kind
    if isinstance(old, Text) or text:
        have = _text_items(old) if old is not None else {}
        return _add_keys(have, _text_items(new), key, item), False
    if isinstance(old, Mapping):
        return _add_keys(old, new, key, item), False
    if isinstance(old, tuple | list):
        if isinstance(new, (str, bytes, Mapping)) or not isinstance(new, Sequence):
            raise DefinitionError(
                f"{key} adds entries to a list: write {key} = [ ... ], not {new!r}",
                item=item,
                field=key,
            )
        added = [_scoped(entry, scope) for entry in new]
        return [*old, *(entry for entry, _ in added)], any(could for _, could in added)
    if old is None or at_default or old == new:
        return new, False
    raise DefinitionError(
        f"{key} is already {old!r}; an extension adds, it does not change "
        "(to change it, override the item)",
        item=item,
        field=key,
    )


def extend(base: object, extension: Extension, *, source: str | None = None) -> object:
    """``base`` with the additions of ``extension``.

    Raises
    ------
    DefinitionError
        A field the model does not have (with the closest one), a value that
        would change what ``base`` has (a conflict: use an override), or
        ``organizations`` given where no added entry can be limited to them.

    Examples
    --------
    >>> from qualitapa.models import Organization
    >>> bz = Organization("021008", "Bolzano", attributes={"area_km2": 52.3})
    >>> more = extend(bz, Extension("021008", {"label": {"de": "Bozen"},
    ...                                        "attributes": {"branches": 4}}))
    >>> more.display_name("de"), dict(more.attributes)
    ('Bozen', {'area_km2': 52.3, 'branches': 4})
    >>> extend(bz, Extension("021008", {"attributes": {"area_km2": 50}}))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    qualitapa.errors.DefinitionError: ... attributes.area_km2 is already 52.3; ...
    """
    cls = type(base)
    fields = _init_fields(cls)
    item = extension.id
    data = item_fields(base) | _named_scales(base, extension.changes)
    scoped = False
    for key, new in extension.changes.items():
        if key in ("id", *_MAPPING_ONLY):
            continue
        if key not in fields:
            raise _unknown_field(key, sorted(fields), item)
        old = data.get(key, _default(fields[key], base))
        converter: object = fields[key].converter
        text = converter in (to_text, to_optional_text)
        kind = (text, key not in data)
        data[key], could = _added(old, new, key, item, kind, extension.organizations)
        scoped = scoped or could
    if extension.organizations and not scoped:
        raise DefinitionError(
            "'organizations' limits the entries an extension adds (e.g. questions) to some "
            "organizations, and this extension adds none that can be limited",
            item=item,
            field="organizations",
        )
    return _build(cls, data, source)
