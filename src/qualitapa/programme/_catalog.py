"""Departments a city's plugin declares: the offices of its organizations in the catalog.

A plugin declares the offices of an organization in TOML
(``[[organizations.offices]]``: a branch registry office, a URP...; see
:class:`qualitapa.models.Office`). :func:`departments_from_catalog` turns
them into rows of the ``departments`` sheet (kind ``ufficio``), which the
store imports like any sheet: with who and when, the differences as
history. Settori that no plugin declares come from the sheet itself.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

import pandas as pd

from qualitapa.programme._sheets import empty_sheet

if TYPE_CHECKING:
    from qualitapa.catalog import Catalog


def departments_from_catalog(
    catalog: Catalog, *, organizations: Collection[str] | None = None
) -> pd.DataFrame:
    """The offices of the catalog's organizations as rows of the ``departments`` sheet.

    Parameters
    ----------
    catalog
        The catalog (e.g. :func:`qualitapa.catalog.default_catalog`).
    organizations
        Only these organization codes (default: every organization with
        offices).

    Returns
    -------
    DataFrame
        The ``departments`` sheet's columns: ``department`` is the office's
        id, ``name_it``/``name_de``/``name_en`` its name, ``kind``
        ``ufficio``; one row per office, sorted by organization and id.

    Examples
    --------
    A city's plugin declares its offices in TOML:

    >>> import pathlib, tempfile
    >>> from qualitapa.catalog import Catalog
    >>> from qualitapa.declarative import TomlPlugin
    >>> toml = pathlib.Path(tempfile.mkdtemp()) / "bolzano.toml"
    >>> _ = toml.write_text(
    ...     '[[organizations]]\\nid = "021008"\\nname = "Bolzano"\\n'
    ...     '[[organizations.offices]]\\nid = "021008.gries"\\nname = "Sportello Gries"\\n'
    ...     'label = { de = "Bürgerschalter Gries" }\\n', encoding="utf-8")
    >>> catalog = Catalog.build([("bolzano", TomlPlugin(toml))], entrypoints=False)
    >>> rows = departments_from_catalog(catalog)
    >>> rows[["organization", "department", "name_de", "kind"]].values.tolist()
    [['021008', '021008.gries', 'Bürgerschalter Gries', 'ufficio']]
    """
    wanted = None if organizations is None else set(organizations)
    rows = [
        {
            "organization": org.id,
            "department": office.id,
            "name_it": office.name,
            "name_de": office.label.de if office.label is not None else None,
            "name_en": office.label.en if office.label is not None else None,
            "parent": None,
            "kind": "ufficio",
        }
        for org in catalog.organizations.values()
        if wanted is None or org.id in wanted
        for office in org.offices
    ]
    if not rows:
        return empty_sheet("departments")
    frame = pd.DataFrame(rows, columns=list(empty_sheet("departments").columns), dtype=object)
    return frame.sort_values(["organization", "department"], kind="stable").reset_index(drop=True)
