"""What the catalog holds, for people and programs: one table per kind, one item in full.

:meth:`qualitapa.Catalog.describe` and :meth:`qualitapa.Catalog.item` (the
``qualitapa catalog`` command) are written here. A table has one row per
item (per question for instruments, per member for peer groups), stable
English column names, labels in one language and the contributing plugin;
an item is a plain, JSON-able dict with its fields in every language given,
where it is written and what extends it.

The module reads the models by their attributes only: the core knows no
capability (indicators, surveys, standards...) by import.
"""

from __future__ import annotations

import datetime as dt
import difflib
import enum
import math
import warnings
import weakref
from collections.abc import Callable, Iterable, Mapping
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

import attrs
import pandas as pd

from qualitapa.errors import DataWarning, OptionError, QualitapaError, UnknownItemError
from qualitapa.i18n import N_, translator
from qualitapa.models import Text

if TYPE_CHECKING:
    from qualitapa.catalog import Catalog, Collection, Kind

__all__ = ["KIND_LABELS", "describe", "item", "kinds_of"]

#: Kind name -> its name for people (an Italian msgid, plural).
KIND_LABELS: Mapping[str, str] = {
    "services": N_("Servizi"),
    "organizations": N_("Enti"),
    "peer_groups": N_("Gruppi di confronto"),
    "variables": N_("Variabili"),
    "indicators": N_("Indicatori"),
    "composites": N_("Indici compositi"),
    "instruments": N_("Questionari"),
    "complaint_categories": N_("Categorie di reclamo"),
    "standards": N_("Standard di qualità"),
    "charters": N_("Carte dei servizi"),
    "charter_content": N_("Contenuti delle carte"),
    "datasets": N_("Insiemi di dati"),
    "demo_profiles": N_("Profili dimostrativi"),
}


# -- plain values ---------------------------------------------------------------


def plain(value: object) -> object:
    """``value`` as JSON-able data: models as dicts of their fields, labels as dicts of languages.

    A model's ``to_dict()`` is used when it has one; a formula is its text.

    Examples
    --------
    >>> from qualitapa.models import Service
    >>> plain(Service("registry", Text("Anagrafe", de="Meldeamt")))
    {'id': 'registry', 'label': {'it': 'Anagrafe', 'de': 'Meldeamt'}}
    """
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, enum.Enum):
        return plain(value.value)
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, PurePath):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, frozenset | set):
        return sorted((plain(v) for v in value), key=str)
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    return _plain_object(value)


def _plain_object(value: object) -> object:
    """A model (its ``to_dict()``, else its fields), a formula (its text), else ``str``."""
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict) and not isinstance(value, Text):
        found = plain(to_dict())
        return (
            {k: v for k, v in found.items() if v is not None} if isinstance(found, dict) else found
        )
    if isinstance(value, Text):
        return value.to_dict()
    text = getattr(value, "text", None)
    if isinstance(text, str) and hasattr(value, "tree"):  # a formula
        return text
    cls: Any = type(value)
    if attrs.has(cls):
        fields = {
            field.name: plain(getattr(value, field.name))
            for field in attrs.fields(cls)
            if field.init and not field.name.startswith("_")  # not derived state
        }
        return {k: v for k, v in fields.items() if v is not None}  # TOML has no null
    return str(value)


# -- the tables -----------------------------------------------------------------


def _label(item: object, lang: str, name: str = "label") -> str:
    value = getattr(item, name, None)
    if isinstance(value, Text):
        return value.get(lang)
    return "" if value is None else str(value)


def _joined(values: Iterable[object], sep: str = ", ") -> str:
    return sep.join(str(v) for v in values)


def _enum(value: object) -> str:
    if value is None:
        return ""
    return str(value.value if isinstance(value, enum.Enum) else value)


def _items(
    catalog: Catalog, kind: str, service: str | None, organization: str | None
) -> list[object]:
    """The items of ``kind`` for ``service`` and ``organization`` (None: all).

    Kinds that belong to no service (organizations, peer groups, demo
    profiles) are not filtered by service; items that apply to some
    organizations only are left out for the others.
    """
    items = list(catalog.collection(kind).values())
    if service is not None:
        if kind == "services":
            wanted = {service, *catalog.services._children.get(service, set())}
            items = [s for s in items if s.id in wanted or s.id.startswith(service + ".")]  # type: ignore[attr-defined]
        elif kind == "charter_content":
            charters = {c.id for c in catalog.charters.by_service(service)}
            items = [c for c in items if getattr(c, "charter", None) in charters]
        elif kind not in ("organizations", "peer_groups", "demo_profiles"):
            items = list(catalog.collection(kind).by_service(service))
    if organization is not None:
        if kind == "organizations":
            items = [o for o in items if getattr(o, "id", None) == organization]
        elif kind == "peer_groups":
            populations = catalog.populations()
            items = [g for g in items if organization in g.assign(populations)]  # type: ignore[attr-defined]
        elif kind == "charter_content":
            items = [c for c in items if getattr(c, "organization", None) == organization]
        elif kind == "demo_profiles":
            pass
        else:
            items = [i for i in items if organization in (getattr(i, "organizations", ()) or
                                                          (organization,))]  # fmt: skip
    return items


def _rows_services(catalog: Catalog, items: list[Any], lang: str) -> list[dict[str, object]]:
    return [
        {
            "id": s.id,
            "label": _label(s, lang),
            "parent": s.parent or "",
            "description": _label(s, lang, "description"),
        }
        for s in items
    ]


def _rows_organizations(catalog: Catalog, items: list[Any], lang: str) -> list[dict[str, object]]:
    rows = []
    for o in items:
        names = list(dict.fromkeys(o.names.to_dict().values()))
        rows.append(
            {
                "id": o.id,
                "name": o.display_name(lang),
                "names": _joined(names, " / "),
                "province": o.province or "",
                "region": o.region or "",
                "population": o.population,
                "istat_code": o.istat_code or "",
                "attributes": _joined(f"{k}={v}" for k, v in o.attributes.items()),
                "offices": _joined((f"{f.id} ({f.display_name(lang)})" for f in o.offices), "; "),
            }
        )
    return rows


def _rows_peer_groups(catalog: Catalog, items: list[Any], lang: str) -> list[dict[str, object]]:
    populations = catalog.populations()
    rows: list[dict[str, object]] = []
    for g in items:
        members = g.assign(populations)
        base = {"id": g.id, "label": _label(g, lang), "rule": _group_rule(g, lang)}
        if not members:
            rows.append({**base, "class": "", "class_label": "", "organization": None,
                         "population": None})  # fmt: skip
        order = {c: n for n, c in enumerate(dict.fromkeys([*g.labels, *members.values()]))}
        for org, cls in sorted(members.items(), key=lambda m: order[m[1]]):
            rows.append(
                {
                    **base,
                    "class": cls,
                    "class_label": g.class_label(cls).get(lang),
                    "organization": org,
                    "population": populations.get(org),
                }
            )
    return rows


def _group_rule(group: Any, lang: str) -> str:
    """How a peer group is made: its population breaks, else its list of members."""
    t = translator(lang)
    if not group.breaks:
        return t("elenco di enti")
    return t("classi di popolazione fino a {breaks}",
             breaks=", ".join(t.number(b, 0) for b in group.breaks))  # fmt: skip


def _rows_variables(catalog: Catalog, items: list[Any], lang: str) -> list[dict[str, object]]:
    used: dict[str, list[str]] = {}
    for d in catalog.indicators.values():
        for name in sorted(getattr(d, "variables", ())):
            used.setdefault(name, []).append(d.id)
    return [
        {
            "id": v.id,
            "label": _label(v, lang),
            "service": v.service,
            "unit": unit_words(v.unit, lang),
            "type": "integer" if v.integer else "number",
            "nonnegative": bool(v.nonnegative),
            "indicators": _joined(used.get(v.id, ())),
            "description": _label(v, lang, "description"),
        }
        for v in items
    ]


def unit_words(unit: Any, lang: str) -> str:
    """A unit in words in ``lang`` (``"minuti"``); an unknown unit as written, none as ``""``."""
    if not unit:
        return ""
    try:
        return str(translator(lang).unit(unit))
    except QualitapaError:
        return str(unit)


def _rows_indicators(catalog: Catalog, items: list[Any], lang: str) -> list[dict[str, object]]:
    return [
        {
            "id": d.id,
            "label": _label(d, lang),
            "service": d.service,
            "dimension": _enum(d.dimension),
            "polarity": _enum(d.polarity),
            "unit": unit_words(d.unit, lang),
            "formula": d.formula.text,
            "target": "" if d.target is None else str(d.target),
            "organizations": _joined(d.organizations),
        }
        for d in items
    ]


def _components(components: Iterable[Any]) -> list[str]:
    found: list[str] = []
    for c in components:
        if getattr(c, "indicator", None):
            found.append(c.indicator)
        found += _components(getattr(c, "components", ()))
    return found


def _rows_composites(catalog: Catalog, items: list[Any], lang: str) -> list[dict[str, object]]:
    return [
        {
            "id": c.id,
            "label": _label(c, lang),
            "service": c.service or "",
            "components": _joined(_components(c.components)),
            "normaliser": _enum(c.normaliser),
            "aggregator": _enum(c.aggregator),
            "weighting": _enum(c.weighting),
        }
        for c in items
    ]


def _answers(question: Any, lang: str) -> str:
    """A question's answers: its scale's points with their labels, else its choices."""
    scale = getattr(question, "scale", None)
    if scale is not None:
        points = [f"{p:g}" for p in scale.points]
        labels = [lab.get(lang) for lab in scale.labels]
        if len(labels) == len(points) and labels:
            return f"{points[0]} = {labels[0]} … {points[-1]} = {labels[-1]}"
        return f"{points[0]}–{points[-1]}" if points else ""
    return _joined((f"{c.code} = {c.label.get(lang)}" for c in question.choices), "; ")


def _rows_instruments(catalog: Catalog, items: list[Any], lang: str) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for ins in items:
        dimensions = {d.id: d.label.get(lang) for d in ins.dimensions}
        for n, q in enumerate(ins.questions, start=1):
            rows.append(
                {
                    "instrument": ins.id,
                    "version": ins.version or "",
                    "number": n,
                    "question": q.id,
                    "question_label": q.label.get(lang),
                    "type": _enum(q.type),
                    "dimension": q.dimension or "",
                    "dimension_label": dimensions.get(q.dimension, "") if q.dimension else "",
                    "answers": _answers(q, lang),
                    "relevant": q.relevant or "",
                    "constraint": q.constraint or "",
                    "required": bool(q.required),
                    "organizations": _joined(q.organizations),
                    "_plugin_of": ins.id,
                }
            )
    return rows


def _deadline_of(categories: Mapping[str, Any], category: Any) -> tuple[Any, str]:
    """A category's deadline and the category giving it: its own, else its nearest parent's."""
    seen: set[str] = set()
    while category is not None and category.id not in seen:
        if category.deadline is not None:
            return category.deadline, category.id
        seen.add(category.id)
        category = categories.get(category.parent) if category.parent else None
    return None, ""


def _rows_complaint_categories(
    catalog: Catalog, items: list[Any], lang: str
) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for c in items:
        deadline, source = _deadline_of(catalog.complaint_categories, c)
        rows.append(
            {
                "id": c.id,
                "label": _label(c, lang),
                "service": c.service,
                "parent": c.parent or "",
                "deadline_days": None if deadline is None else deadline.days,
                "deadline_unit": "" if deadline is None else _enum(deadline.unit),
                "deadline_of": source,
                "organizations": _joined(c.organizations),
            }
        )
    return rows


def _rows_standards(catalog: Catalog, items: list[Any], lang: str) -> list[dict[str, object]]:
    return [
        {
            "id": s.id,
            "label": _label(s, lang),
            "service": s.service,
            "indicator": s.indicator or "",
            "formula": getattr(s.formula, "text", s.formula) or "",
            "dimension": _enum(s.dimension),
            "sub_dimension": _enum(s.sub_dimension),
            "target": s.target.describe(lang, s.unit),
            "scope": _enum(s.scope),
            "aggregate": _enum(s.aggregate),
            "required_share": s.required_share,
            "refund": "" if s.refund is None else s.refund.describe(s.unit, lang),
            "organizations": _joined(s.organizations),
            "replaces": s.replaces or "",
        }
        for s in items
    ]


def _in_force(document: Any) -> dict[str, object]:
    """A charter's (or its content's) status, version and period of validity."""
    return {
        "status": _enum(document.status),
        "version": document.version or "",
        "valid_from": "" if document.valid_from is None else document.valid_from.isoformat(),
        "valid_to": "" if document.valid_to is None else document.valid_to.isoformat(),
    }


def _rows_charters(catalog: Catalog, items: list[Any], lang: str) -> list[dict[str, object]]:
    return [
        {
            "id": c.id,
            "title": _label(c, lang, "title"),
            "service": c.service,
            **_in_force(c),
            "standards": _joined(c.standards),
        }
        for c in items
    ]


def _rows_charter_content(catalog: Catalog, items: list[Any], lang: str) -> list[dict[str, object]]:
    return [
        {
            "id": c.id,
            "charter": c.charter,
            "organization": c.organization,
            "authority": _label(c, lang, "authority"),
            **_in_force(c),
        }
        for c in items
    ]


def _rows_datasets(catalog: Catalog, items: list[Any], lang: str) -> list[dict[str, object]]:
    return [
        {
            "id": d.id,
            "label": _label(d, lang),
            "kind": d.kind,
            "service": d.service or "",
            "instrument": d.instrument or "",
            "synthetic": bool(d.synthetic),
            "path": str(d.path),
            "organizations": _joined(d.organizations),
        }
        for d in items
    ]


def _rows_demo_profiles(catalog: Catalog, items: list[Any], lang: str) -> list[dict[str, object]]:
    return [
        {
            "id": p.id,
            "label": _label(p, lang),
            "highlight": p.highlight or "",
            "peer_group": p.peer_group or "",
            "margins": _joined(p.margins),
            "package": p.package or "",
        }
        for p in items
    ]


_ROWS: Mapping[str, Callable[[Catalog, list[Any], str], list[dict[str, object]]]] = {
    "services": _rows_services,
    "organizations": _rows_organizations,
    "peer_groups": _rows_peer_groups,
    "variables": _rows_variables,
    "indicators": _rows_indicators,
    "composites": _rows_composites,
    "instruments": _rows_instruments,
    "complaint_categories": _rows_complaint_categories,
    "standards": _rows_standards,
    "charters": _rows_charters,
    "charter_content": _rows_charter_content,
    "datasets": _rows_datasets,
    "demo_profiles": _rows_demo_profiles,
}

#: The columns of each kind's table (before ``plugin``), also when it has no row.
COLUMNS: Mapping[str, tuple[str, ...]] = {
    "services": ("id", "label", "parent", "description"),
    "organizations": (
        "id",
        "name",
        "names",
        "province",
        "region",
        "population",
        "istat_code",
        "attributes",
        "offices",
    ),
    "peer_groups": ("id", "label", "rule", "class", "class_label", "organization", "population"),
    "variables": (
        "id",
        "label",
        "service",
        "unit",
        "type",
        "nonnegative",
        "indicators",
        "description",
    ),
    "indicators": (
        "id",
        "label",
        "service",
        "dimension",
        "polarity",
        "unit",
        "formula",
        "target",
        "organizations",
    ),
    "composites": (
        "id",
        "label",
        "service",
        "components",
        "normaliser",
        "aggregator",
        "weighting",
    ),
    "instruments": (
        "instrument",
        "version",
        "number",
        "question",
        "question_label",
        "type",
        "dimension",
        "dimension_label",
        "answers",
        "relevant",
        "constraint",
        "required",
        "organizations",
    ),
    "complaint_categories": (
        "id",
        "label",
        "service",
        "parent",
        "deadline_days",
        "deadline_unit",
        "deadline_of",
        "organizations",
    ),
    "standards": (
        "id",
        "label",
        "service",
        "indicator",
        "formula",
        "dimension",
        "sub_dimension",
        "target",
        "scope",
        "aggregate",
        "required_share",
        "refund",
        "organizations",
        "replaces",
    ),
    "charters": (
        "id",
        "title",
        "service",
        "status",
        "version",
        "valid_from",
        "valid_to",
        "standards",
    ),
    "charter_content": (
        "id",
        "charter",
        "organization",
        "authority",
        "status",
        "version",
        "valid_from",
        "valid_to",
    ),
    "datasets": (
        "id",
        "label",
        "kind",
        "service",
        "instrument",
        "synthetic",
        "path",
        "organizations",
    ),
    "demo_profiles": ("id", "label", "highlight", "peer_group", "margins", "package"),
}


def _check_kind(kind: str) -> Kind:
    from qualitapa.catalog import KINDS_BY_NAME

    if kind not in KINDS_BY_NAME:
        close = difflib.get_close_matches(kind, list(KINDS_BY_NAME), n=3)
        raise UnknownItemError("kind of item", kind, suggestions=close or list(KINDS_BY_NAME))
    return KINDS_BY_NAME[kind]


def describe(
    catalog: Catalog,
    kind: str | None = None,
    *,
    lang: str = "it",
    service: str | None = None,
    organization: str | None = None,
) -> pd.DataFrame:
    """The table of :meth:`qualitapa.Catalog.describe` (see there)."""
    from qualitapa._labelling import label_columns
    from qualitapa.catalog import KINDS

    t = translator(lang)
    if service is not None:
        catalog.services[service]  # an unknown service: the error names the closest
    if organization is not None:
        organization = catalog.resolve_organization(organization)
    if kind is None:
        rows = []
        for k in KINDS:
            items = _items(catalog, k.name, service, organization)
            coll = catalog.collection(k.name)
            plugins = sorted({coll.plugin_of(str(getattr(i, "id", ""))) for i in items})
            rows.append({"kind": k.name, "label": t(KIND_LABELS[k.name]), "count": len(items),
                         "plugins": _joined(plugins)})  # fmt: skip
        return pd.DataFrame(rows, columns=["kind", "label", "count", "plugins"])
    _check_kind(kind)
    coll = catalog.collection(kind)
    items = _items(catalog, kind, service, organization)
    rows = _ROWS[kind](catalog, items, lang)
    for row in rows:
        owner = row.pop("_plugin_of", row.get("id"))
        row["plugin"] = coll.plugin_of(str(owner))
    frame = pd.DataFrame(rows, columns=[*COLUMNS[kind], "plugin"])
    for column in ("population", "deadline_days", "number"):
        if column in frame.columns:
            frame[column] = frame[column].astype("Int64")
    if "required_share" in frame.columns:
        frame["required_share"] = frame["required_share"].astype("Float64")
    return label_columns(frame, catalog, lang)


# -- one item ---------------------------------------------------------------------


def kinds_of(catalog: Catalog, item_id: str) -> list[str]:
    """The kinds (collection names) that have an item ``item_id``, in catalog order."""
    from qualitapa.catalog import KINDS

    return [k.name for k in KINDS if item_id in catalog.collection(k.name)]


def _all_ids(catalog: Catalog) -> list[str]:
    from qualitapa.catalog import KINDS

    return list(dict.fromkeys(i for k in KINDS for i in catalog.collection(k.name)))


def _find(catalog: Catalog, item_id: str, kind: str | None) -> tuple[str, str]:
    """``(kind, id)`` of the item ``item_id`` names (an organization also by name)."""
    if kind is not None:
        _check_kind(kind)
        coll = catalog.collection(kind)
        if kind == "organizations" and item_id not in coll:
            return kind, catalog.resolve_organization(item_id)
        coll[item_id]  # unknown: the error names the closest ids of the kind
        return kind, item_id
    found = kinds_of(catalog, item_id)
    if len(found) > 1:
        raise OptionError(
            f"{item_id!r} is the id of several kinds of item ({', '.join(found)}): "
            f"say which with kind= (--kind on the command line)"
        )
    if found:
        return found[0], item_id
    if len(catalog.organizations):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DataWarning)
                return "organizations", catalog.resolve_organization(item_id)
        except UnknownItemError:
            pass
    close = difflib.get_close_matches(item_id, _all_ids(catalog), n=3)
    raise UnknownItemError("item", item_id, suggestions=close)


#: The entries of each TOML plugin's files, with where each is written (read once).
_ENTRIES: weakref.WeakKeyDictionary[object, list[tuple[str, object, Any]]] = (
    weakref.WeakKeyDictionary()
)


def _site(
    catalog: Catalog, plugin: str, kind: str, item_id: str, *, own: bool
) -> dict[str, object]:
    """Where ``plugin`` writes ``item_id`` of ``kind``: its file and line when known.

    ``own``: the item itself (a definition, override or derived item), else
    an extension of it.
    """
    from qualitapa._extending import Extension
    from qualitapa.catalog import Override, _module_file
    from qualitapa.declarative import TomlPlugin

    where: dict[str, object] = {"plugin": plugin, "file": None, "line": None}
    obj = catalog.plugin_manager.get_plugin(plugin)
    if obj is None:
        return where
    if not isinstance(obj, TomlPlugin):
        where["file"] = _module_file(obj)
        return where
    entries = _ENTRIES.get(obj)
    if entries is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            entries, _ = obj.inspect(plugin=plugin)
        _ENTRIES[obj] = entries
    for section, entry, site in entries:
        inner = entry.item if isinstance(entry, Override) else entry
        if section != kind or getattr(inner, "id", None) != item_id:
            continue
        if isinstance(entry, Extension) == own:
            continue
        where.update(file=str(site.file), line=site.line)
        if isinstance(entry, Override) or not own:
            break  # an override wins over the entry it replaces
    return where


def _related(catalog: Catalog, kind: str, item_obj: Any) -> dict[str, object]:
    """What the catalog knows about an item besides its fields: who uses it, who is in it."""
    item_id = item_obj.id
    if kind == "variables":
        return {"indicators": [d.id for d in catalog.indicators.values()
                               if item_id in getattr(d, "variables", ())]}  # fmt: skip
    if kind == "indicators":
        return {
            "variables": sorted(item_obj.variables),
            "standards": [s.id for s in catalog.standards.values() if s.indicator == item_id],
            "composites": [
                c.id for c in catalog.composites.values() if item_id in _components(c.components)
            ],
        }
    if kind == "peer_groups":
        return {"members": item_obj.assign(catalog.populations())}
    if kind == "organizations":
        populations = catalog.populations()
        groups = {g.id: g.assign(populations).get(item_id) for g in catalog.peer_groups.values()}
        return {"peer_groups": {g: cls for g, cls in groups.items() if cls is not None}}
    if kind == "services":
        return {"children": sorted(catalog.services._children.get(item_id, set()))}
    if kind == "standards":
        return {"charters": [c.id for c in catalog.charters.values() if item_id in c.standards]}
    if kind == "charters":
        return {"content": [c.id for c in catalog.charter_content.values()
                            if c.charter == item_id]}  # fmt: skip
    return {}


def item(catalog: Catalog, item_id: str, kind: str | None = None) -> dict[str, object]:
    """The dict of :meth:`qualitapa.Catalog.item` (see there)."""
    kind, item_id = _find(catalog, item_id, kind)
    coll: Collection[Any] = catalog.collection(kind)
    obj = coll[item_id]
    plugin = coll.plugin_of(item_id)
    return {
        "id": item_id,
        "kind": kind,
        "source": _site(catalog, plugin, kind, item_id, own=True),
        "extended_by": [
            _site(catalog, p, kind, item_id, own=False) for p in coll.extended_by(item_id)
        ],
        "definition": plain(obj),
        "related": _related(catalog, kind, obj),
    }
