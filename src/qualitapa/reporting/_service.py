"""Which rows of a result table belong to the report's service."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from qualitapa.catalog import Catalog


#: Columns that tell which service a result row belongs to, and where the
#: catalog keeps the item they name (None: the column is the service itself).
_SERVICE_KEYS = (
    ("service", None),
    ("indicator", "indicators"),
    ("composite", "composites"),
    ("instrument", "instruments"),
    ("standard", "standards"),
)


def _service_family(service: str, catalog: Catalog | None) -> set[str]:
    """``service`` and its sub-services (by the catalog's tree and by id prefix)."""
    family = {service}
    services = getattr(catalog, "services", None)
    if services is not None:
        family |= {s for s, obj in services.items() if _has_ancestor(services, obj, service)}
    return family


def service_filter(
    frame: pd.DataFrame,
    service: str | None,
    definitions: Mapping[str, Any],
    catalog: Catalog | None,
) -> pd.DataFrame:
    """The rows of ``frame`` that belong to ``service`` or one of its sub-services.

    The service of a row comes from the first column of :data:`_SERVICE_KEYS`
    the frame has: a ``service`` column, or the service of the indicator,
    composite, questionnaire or standard it names (rows naming an unknown
    item are left out). A frame with none of these columns is kept whole:
    nothing in it says which service it is about, so whoever passed it
    chose it (see :func:`qualitapa.reporting.read_results`, which only
    picks tables it can attribute).
    """
    if service is None:
        return frame
    family = _service_family(service, catalog)
    for column, kind in _SERVICE_KEYS:
        if column not in frame.columns:
            continue
        keys = frame[column].astype("string")
        if kind is None:
            owner = keys
        else:
            items: Mapping[str, Any] = (
                definitions if kind == "indicators" else getattr(catalog, kind, None) or {}
            )
            lookup = {k: getattr(items[k], "service", None) for k in keys.dropna().unique()
                      if k in items}  # fmt: skip
            owner = keys.map(lookup)
        owner = owner.astype("string")
        mask = owner.isin(family) | owner.str.startswith(service + ".")
        return frame.loc[mask.fillna(False).to_numpy(dtype=bool)]
    return frame


def _has_ancestor(services: Any, obj: Any, target: str) -> bool:
    parent = getattr(obj, "parent", None)
    seen = set()
    while parent is not None and parent not in seen:
        if parent == target:
            return True
        seen.add(parent)
        parent = getattr(services.get(parent), "parent", None)
    return False


def own_rows(table: Any, service: str | None, defs: Any, catalog: Catalog | None) -> Any:
    """The rows of a section's table that belong to the report's service (None if none)."""
    if table is None or service is None:
        return table
    frame = table
    for attr in ("ranks", "scores"):  # UncertaintyResult, DEAResult
        if not isinstance(frame, pd.DataFrame) and hasattr(frame, attr):
            frame = getattr(frame, attr)
    if not isinstance(frame, pd.DataFrame):
        return table
    kept = service_filter(frame, service, defs, catalog)
    if kept is frame:
        return table
    return kept if len(kept) else None
