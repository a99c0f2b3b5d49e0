"""Local complaint categories: which categories a complaint of an organization may have.

A complaint category with ``organizations`` is *local* (e.g. Bolzano's
complaints about bilingual service): a complaint of another organization
cannot have it. The register refuses such a complaint, naming where it is
(file, row and column of an import; the field of a single complaint) and
suggesting the categories that apply to that organization, its parent
categories first. A complaint without an organization is not checked: the
register cannot know whose it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import pandas as pd

from qualitapa.errors import DataError, Message, _where
from qualitapa.i18n import N_

if TYPE_CHECKING:
    from qualitapa.catalog import Catalog
    from qualitapa.complaints._models import ComplaintCategory

#: How many applicable categories a message lists before "and N more".
SHOWN = 5


class CategoryScopeError(DataError):
    """A complaint of an organization has a local category of other organizations.

    A :class:`~qualitapa.errors.DataError` naming the complaint (``source``)
    and the ``field`` at fault, with ``category``, ``organization`` (its
    code), ``scope`` (the organizations the category applies to) and
    ``suggestions`` (the ids of the categories of the same service that
    apply to the organization). An import does not raise it: it lists the
    refused rows in its problems table (file, row, column).

    Examples
    --------
    >>> err = CategoryScopeError("registry.bilingual", "036023", scope=("021008",),
    ...                          suggestions=["registry.waiting"], source="complaint '2024/7'",
    ...                          field="category")
    >>> print(err)
    complaint '2024/7', field 'category': the category 'registry.bilingual' applies to \
'021008' only, not to '036023'; categories that apply: 'registry.waiting'
    >>> isinstance(err, ValueError), err.suggestions
    (True, ['registry.waiting'])
    """

    def __init__(
        self,
        category: str,
        organization: str,
        *,
        scope: Sequence[str],
        suggestions: Sequence[str] = (),
        detail: str = "",
        source: str | None = None,
        field: str | None = None,
    ) -> None:
        self.category = category
        self.organization = organization
        self.scope = tuple(scope)
        self.suggestions = list(suggestions)
        self.field = field
        message = detail or _message(category, organization, self.scope, self.suggestions)
        super().__init__(message, source=source)
        if field is not None:
            self.summary = f"{_where(source, None, None, field)}: {message}"
            self.args = (self.summary,)


def _message(
    category: str,
    organization: str,
    scope: Sequence[str],
    suggestions: Sequence[str],
    *,
    service: str | None = None,
    names: Mapping[str, str] | None = None,
) -> Message:
    """The words of a refusal: where the category applies, and what to write instead."""

    def shown(org: str) -> str:
        name = names.get(org) if names is not None else None
        return f"{name} ({org})" if name and name != org else repr(org)

    scope_text = ", ".join(shown(o) for o in scope)
    params = {"category": repr(category), "scope": scope_text, "organization": shown(organization)}
    if suggestions:
        more = len(suggestions) - SHOWN
        params["listed"] = ", ".join(repr(s) for s in suggestions[:SHOWN])
        params["more"] = (
            Message(" and {n} more", N_(" e altre {n}"), n=more) if more > 0 else ""
        )  # fmt: skip
        if service:
            return Message(
                "the category {category} applies to {scope} only, not to {organization}; "
                "categories of service {service} that apply: {listed}{more}",
                N_("la categoria {category} vale solo per {scope}, non per {organization}; "
                   "categorie del servizio {service} che valgono: {listed}{more}"),
                service=repr(service), **params,
            )  # fmt: skip
        return Message(
            "the category {category} applies to {scope} only, not to {organization}; "
            "categories that apply: {listed}{more}",
            N_("la categoria {category} vale solo per {scope}, non per {organization}; "
               "categorie che valgono: {listed}{more}"),
            **params,
        )  # fmt: skip
    if service:
        return Message(
            "the category {category} applies to {scope} only, not to {organization}; "
            "no category of service {service} applies to it: leave the category empty",
            N_("la categoria {category} vale solo per {scope}, non per {organization}; "
               "nessuna categoria del servizio {service} vale per questo ente: lasciare vuota "
               "la categoria"),
            service=repr(service), **params,
        )  # fmt: skip
    return Message(
        "the category {category} applies to {scope} only, not to {organization}; "
        "no category applies to it: leave the category empty",
        N_("la categoria {category} vale solo per {scope}, non per {organization}; "
           "nessuna categoria vale per questo ente: lasciare vuota la categoria"),
        **params,
    )  # fmt: skip


def categories_for(
    catalog: Catalog, organization: str, *, service: str | None = None
) -> list[ComplaintCategory]:
    """The complaint categories a complaint of ``organization`` may have.

    The general categories and the local ones of ``organization``, in the
    catalog's order; only those of ``service`` when given.

    Parameters
    ----------
    catalog
        The catalog of complaint categories.
    organization
        An organization id (the catalog's code).
    service
        Only the categories of this service.

    Returns
    -------
    list of ComplaintCategory

    Examples
    --------
    >>> from qualitapa import Service, hookimpl
    >>> from qualitapa.testing import catalog_with
    >>> from qualitapa.complaints import ComplaintCategory
    >>> class P:
    ...     @hookimpl
    ...     def qualitapa_services(self):
    ...         return [Service("registry", "Anagrafe")]
    ...     @hookimpl
    ...     def qualitapa_complaint_categories(self):
    ...         return [ComplaintCategory("registry.waiting", "Attese", "registry"),
    ...                 ComplaintCategory("registry.bilingual", "Bilinguismo", "registry",
    ...                                   organizations=["021008"])]
    >>> [c.id for c in categories_for(catalog_with(P()), "021008")]
    ['registry.waiting', 'registry.bilingual']
    >>> [c.id for c in categories_for(catalog_with(P()), "036023")]
    ['registry.waiting']
    """
    return [
        c
        for c in catalog.complaint_categories.values()
        if c.applies_to(organization) and (service is None or c.service == service)
    ]


def _suggestions(catalog: Catalog, category: ComplaintCategory, organization: str) -> list[str]:
    """Categories of the same service for ``organization``: applicable ancestors first."""
    cats = catalog.complaint_categories
    ancestors: list[str] = []
    parent, seen = category.parent, {category.id}
    while parent is not None and parent in cats and parent not in seen:
        seen.add(parent)
        if cats[parent].applies_to(organization):
            ancestors.append(parent)
        parent = cats[parent].parent
    rest = [
        c.id
        for c in categories_for(catalog, organization, service=category.service)
        if c.id not in ancestors
    ]
    return ancestors + rest


def organization_codes(catalog: Catalog, values: Iterable[object]) -> dict[str, str]:
    """The catalog code of each distinct organization value that names exactly one.

    Values the catalog cannot resolve (or a catalog without organizations)
    are left out: they are compared as given.
    """
    index = getattr(catalog, "organization_index", None)
    if index is None or not len(index):
        return {}
    return dict(index.resolve(values).codes)


def refusal(
    catalog: Catalog, category_id: str, organization: str, *, code: str | None = None
) -> tuple[ComplaintCategory, str, list[str], str] | None:
    """Why a complaint of ``organization`` cannot have ``category_id``, or None if it can.

    Returns the category, the organization's code (``code`` when the
    caller resolved it already), the suggested categories and the message.
    An unknown category is not this check's business (None).
    """
    cats = catalog.complaint_categories
    if category_id not in cats:
        return None
    category = cats[category_id]
    if not category.is_local:
        return None
    if code is None:
        code = organization_codes(catalog, [organization]).get(organization, organization)
    if category.applies_to(code):
        return None
    suggestions = _suggestions(catalog, category, code)
    index = getattr(catalog, "organization_index", None)
    names = index.names if index is not None else None
    message = _message(
        category_id, code, category.organizations, suggestions, service=category.service,
        names=names,
    )  # fmt: skip
    return category, code, suggestions, message


def scope_refusals(
    catalog: Catalog, categories: npt.ArrayLike, organizations: npt.ArrayLike
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.object_]]:
    """Rows whose local category does not apply to their organization, and why.

    One check per distinct (category, organization code) pair, not per
    row. Rows without a category or an organization, and rows whose
    category the catalog does not know, are not refused here.

    Returns
    -------
    (mask, messages)
        A boolean mask of the refused rows and the message of each row
        (None where not refused).
    """
    cat = np.asarray(categories, dtype=object)
    org = np.asarray(organizations, dtype=object)
    n = len(cat)
    bad = np.zeros(n, dtype=bool)
    messages = np.full(n, None, dtype=object)
    local = [k for k, c in catalog.complaint_categories.items() if c.is_local]
    if not local or n == 0:
        return bad, messages
    candidates = np.flatnonzero(pd.Series(cat).isin(local).to_numpy() & pd.notna(org))
    if not len(candidates):
        return bad, messages
    # each distinct organization value resolved once, then each distinct pair checked once
    org_codes, org_values = pd.factorize(org[candidates].astype(str))
    resolved = organization_codes(catalog, org_values)
    as_code = np.array([resolved.get(v, v) for v in org_values], dtype=object)
    code_codes, code_values = pd.factorize(as_code[org_codes])
    cat_codes, cat_values = pd.factorize(cat[candidates])
    width = len(code_values)
    distinct, pair_of_row = np.unique(
        cat_codes.astype(np.int64) * width + code_codes, return_inverse=True
    )
    why = np.full(len(distinct), None, dtype=object)
    for i, key in enumerate(distinct.tolist()):  # distinct pairs: few
        code = str(code_values[key % width])
        found = refusal(catalog, str(cat_values[key // width]), code, code=code)
        if found is not None:
            why[i] = found[3]
    bad[candidates[pd.notna(why)[pair_of_row]]] = True
    messages[candidates] = why[pair_of_row]
    return bad, messages
