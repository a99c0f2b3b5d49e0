"""Which standard applies to which organization: local standards and replacements.

A standard with ``organizations`` applies to those organizations only; one
that also ``replaces`` a general standard takes its place for them. These
helpers resolve a set of standards (e.g. ``catalog.standards``) for
compliance and charter rendering.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from qualitapa.errors import DefinitionError
from qualitapa.standards._charter import Charter
from qualitapa.standards._model import QualityStandard

Standards = QualityStandard | Iterable[QualityStandard] | Mapping[str, QualityStandard]


def as_standard_list(standards: Standards) -> list[QualityStandard]:
    """One standard, an iterable or a mapping id -> standard, as a list."""
    if isinstance(standards, QualityStandard):
        return [standards]
    if isinstance(standards, Mapping):
        return list(standards.values())
    return list(standards)


def replaced_for(standards: Standards) -> dict[str, dict[str, QualityStandard]]:
    """For each replaced standard id, the local standard in force per organization.

    Raises
    ------
    DefinitionError
        Two local standards replace the same standard for the same
        organization (which one applies would be arbitrary).

    Examples
    --------
    >>> g = QualityStandard("r.w", "r", "timeliness", "Attesa", ">= 80", indicator="r.w")
    >>> mo = g.local_variant(id="mo.w", organizations=["036023"], target=">= 90")
    >>> {k: {o: s.id for o, s in v.items()} for k, v in replaced_for([g, mo]).items()}
    {'r.w': {'036023': 'mo.w'}}
    """
    out: dict[str, dict[str, QualityStandard]] = {}
    for std in as_standard_list(standards):
        if std.replaces is None:
            continue
        by_org = out.setdefault(std.replaces, {})
        for org in std.organizations:
            other = by_org.get(org)
            if other is not None:
                raise DefinitionError(
                    f"both {other.id!r} and {std.id!r} replace {std.replaces!r} for "
                    f"organization {org!r}",
                    item=std.id,
                    field="replaces",
                )
            by_org[org] = std
    return out


def scope_mask(
    std: QualityStandard, organizations: Any, replaced: Mapping[str, Mapping[str, Any]]
) -> np.ndarray:
    """Which of ``organizations`` (text ids, one per row) ``std`` is evaluated for.

    True where the standard applies to the organization by itself and no
    local standard in ``replaced`` (see :func:`replaced_for`) takes its
    place there.
    """
    orgs = np.asarray(organizations, dtype=object)
    mask = np.ones(len(orgs), dtype=bool)
    if std.organizations:
        mask &= np.isin(orgs, np.asarray(std.organizations, dtype=object))
    elsewhere = replaced.get(std.id)
    if elsewhere:
        mask &= ~np.isin(orgs, np.asarray(list(elsewhere), dtype=object))
    return mask


def standards_for(standards: Standards, organization: str) -> dict[str, QualityStandard]:
    """The standards in force for ``organization``, keyed by the id they are listed under.

    A general standard replaced by a local one for ``organization`` is
    listed under its own id with the local standard as value (so a
    charter listing the general id shows the local target); standards that
    do not apply to ``organization`` are left out.

    Parameters
    ----------
    standards
        A mapping id -> standard (e.g. ``catalog.standards``) or an
        iterable of standards, general and local together.
    organization
        The organization id (e.g. ISTAT code ``"036023"``).

    Returns
    -------
    dict
        id -> the :class:`QualityStandard` that applies.

    Raises
    ------
    DefinitionError
        Two local standards replace the same standard for ``organization``.

    Examples
    --------
    >>> g = QualityStandard("r.w", "r", "timeliness", "Attesa", ">= 80", indicator="r.w")
    >>> mo = g.local_variant(id="mo.w", organizations=["036023"], target=">= 90")
    >>> {k: str(s.target) for k, s in standards_for([g, mo], "036023").items()}
    {'r.w': '>= 90'}
    >>> {k: str(s.target) for k, s in standards_for([g, mo], "022205").items()}
    {'r.w': '>= 80'}
    """
    items = as_standard_list(standards)
    replaced = replaced_for(items)
    out: dict[str, QualityStandard] = {}
    for std in items:  # in the given order; a local standard takes its general one's place
        if not std.applies_to(organization):
            continue
        key = std.replaces or std.id
        out.setdefault(key, replaced.get(key, {}).get(organization, std))
    return out


def charter_standards(
    charter: Charter,
    standards: Mapping[str, QualityStandard] | Iterable[QualityStandard],
    organization: str | None = None,
) -> list[QualityStandard]:
    """The standards a charter publishes, for one organization if given.

    Without ``organization`` the general standards the charter lists (the
    model charter every city starts from: a local standard a city lists in a
    shared charter is its own, not the model's). With it, each listed
    standard is replaced by the local standard that replaces it for
    ``organization`` (if any) and listed standards that do not apply to
    ``organization`` are left out.

    Raises
    ------
    KeyError
        The charter lists a standard not in ``standards``.

    Examples
    --------
    >>> from qualitapa.standards import Charter, QualityStandard
    >>> g = QualityStandard("r.w", "r", "timeliness", "Attesa", ">= 80", indicator="r.w")
    >>> mo = g.local_variant(id="mo.w", organizations=["036023"], target=">= 90")
    >>> ch = Charter("r.charter", "r", "Carta", "2025-01-01", standards=["r.w"])
    >>> [str(s.target) for s in charter_standards(ch, [g, mo], "036023")]
    ['>= 90']
    >>> [str(s.target) for s in charter_standards(ch, [g, mo])]
    ['>= 80']
    >>> bz = QualityStandard("bz.lang", "r", "effectiveness", "Lingua", ">= 98",
    ...                      indicator="bz.lang", organizations=["021008"])
    >>> both = Charter("r.charter", "r", "Carta", "2025-01-01", standards=["r.w", "bz.lang"])
    >>> [s.id for s in charter_standards(both, [g, bz])], [
    ...     s.id for s in charter_standards(both, [g, bz], "021008")]
    (['r.w'], ['r.w', 'bz.lang'])
    """
    table = dict(standards) if isinstance(standards, Mapping) else {s.id: s for s in standards}
    listed = [table[sid] for sid in charter.standards]  # KeyError on an unknown id
    if organization is None:
        return [std for std in listed if not std.is_local]
    in_force = standards_for(table, organization)
    out: dict[str, QualityStandard] = {}
    for std in listed:
        chosen = in_force.get(std.id, std if std.applies_to(organization) else None)
        if chosen is not None:
            out.setdefault(chosen.id, chosen)
    return list(out.values())
