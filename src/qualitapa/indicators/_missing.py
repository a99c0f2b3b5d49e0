"""Which variables of a set of indicators neither the data nor the catalog offer."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import pandas as pd

from qualitapa.indicators._definitions import IndicatorDefinition, organization_variables

if TYPE_CHECKING:
    from qualitapa.catalog import Catalog


def missing_variables(
    data: pd.DataFrame,
    definitions: Iterable[IndicatorDefinition],
    *,
    catalog: Catalog | None = None,
) -> list[str]:
    """The variables the formulas of ``definitions`` need and nobody offers, sorted.

    A variable is offered by the data (long data: a value of its
    ``variable`` column; wide data: a column) or by the organization
    records of ``catalog`` (``population`` and their attributes), as
    :func:`compute` looks them up. An indicator whose variable is missing
    cannot be computed for anyone: this says what to add to the data.

    Parameters
    ----------
    data
        Raw data, long (``organization, period, variable, value``) or wide
        (one column per variable).
    definitions
        The indicators to compute.
    catalog
        Its organizations' variables count as offered.

    Returns
    -------
    list of str

    Examples
    --------
    >>> import pandas as pd
    >>> from qualitapa.indicators import IndicatorDefinition
    >>> loans = IndicatorDefinition("libraries.loans_per_user", "Prestiti per utente",
    ...     "libraries", "effectiveness", "loans / users", "higher_is_better")
    >>> per_capita = IndicatorDefinition("libraries.loans_per_capita", "Prestiti per abitante",
    ...     "libraries", "effectiveness", "loans / population", "higher_is_better")
    >>> long = pd.DataFrame({"organization": "036023", "period": 2024,
    ...                      "variable": ["loans"], "value": [52_000]})
    >>> missing_variables(long, [loans, per_capita])
    ['users']

    ``population`` is not missing: organization records can offer it. Wide
    data offer their columns:

    >>> missing_variables(pd.DataFrame({"loans": [1], "users": [2]}), [loans])
    []
    """
    needed: set[str] = set().union(*(d.variables for d in definitions))
    if "variable" in data.columns:
        given = set(data["variable"].dropna().astype(str))
    else:
        given = {str(c) for c in data.columns}
    orgs = list(catalog.organizations.values()) if catalog is not None else []
    return sorted(needed - given - organization_variables(orgs))
