"""Turning "which indicators" arguments into definitions (shared by compute, benchmark...)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, TypeAlias

from qualitapa.errors import DefinitionError, Message
from qualitapa.i18n import N_
from qualitapa.indicators._definitions import IndicatorDefinition, organization_variables

if TYPE_CHECKING:
    from qualitapa.catalog import Catalog

#: What functions accept as ``definitions``: a Catalog, one definition or id,
#: or an iterable of definitions and ids.
DefinitionsLike: TypeAlias = (
    "Catalog | IndicatorDefinition | str | Iterable[IndicatorDefinition | str]"
)


def resolve_definitions(
    definitions: DefinitionsLike, catalog: Catalog | None = None
) -> tuple[list[IndicatorDefinition], Catalog | None]:
    """Definitions as a list, and the catalog to use for variables and organizations.

    ``definitions`` may be a Catalog (all its indicators), an
    :class:`IndicatorDefinition`, an id, or an iterable of definitions and
    ids. Ids are looked up in ``catalog``, or in
    :func:`qualitapa.default_catalog` when no catalog is given. The catalog
    returned is ``catalog``, else the Catalog passed as ``definitions``, else
    the default catalog if ids were looked up there, else None.
    """
    from qualitapa.catalog import Catalog  # the catalog imports the capabilities

    if isinstance(definitions, Catalog):
        return list(definitions.indicators.values()), catalog or definitions
    if isinstance(definitions, (str, IndicatorDefinition)):
        definitions = [definitions]
    if not isinstance(definitions, Iterable) or isinstance(definitions, Mapping):
        raise DefinitionError(
            "definitions must be a Catalog, an IndicatorDefinition, an indicator id or a "
            f"list of them, not {type(definitions).__name__}"
        )
    out: list[IndicatorDefinition] = []
    for d in definitions:
        if isinstance(d, IndicatorDefinition):
            out.append(d)
        elif isinstance(d, str):
            if catalog is None:
                from qualitapa.catalog import default_catalog

                catalog = default_catalog()
            out.append(catalog.indicators[d])
        else:
            raise DefinitionError(f"not an indicator definition or id: {d!r} ({type(d).__name__})")
    seen: set[str] = set()
    for d in out:
        if d.id in seen:
            raise DefinitionError(
                Message("indicator given twice", N_("indicatore indicato due volte")), item=d.id
            )
        seen.add(d.id)
    return out, catalog


def organization_columns(
    catalog: Catalog | None, names: Iterable[str]
) -> dict[str, dict[str, float]]:
    """Variables offered by the catalog's organization records: name -> {org id: value}.

    Only ``names`` that some organization offers are returned (``population``
    is offered when any organization has a population).
    """
    if catalog is None:
        return {}
    orgs = list(catalog.organizations.values())
    offered = organization_variables(orgs)
    wanted = [n for n in names if n in offered]
    out: dict[str, dict[str, float]] = {n: {} for n in wanted}
    if not wanted:
        return {}
    for org in orgs:  # one pass over the (few thousand) organization records
        values = org.variables()
        for n in wanted:
            if n in values and values[n] is not None:
                out[n][org.id] = float(values[n])
    return {n: v for n, v in out.items() if v}
