"""qualitapa plugin: every Italian municipality of the ISTAT list, as a reference table.

The table is not a set of catalog organizations: the plugin declares one
dataset (``italy.municipalities``, kind ``municipalities``) and reads its
file on first use. :func:`municipalities` gives the whole table,
:func:`resolve` one municipality by code or name, :func:`resolve_codes`
a whole column of them, and
:meth:`Municipality.to_organization` the organization a city plugin
registers, with the population from the user's data.

Examples
--------
>>> from qualitapa_italy import resolve
>>> resolve(36023).name, resolve("Bozen").name
('Modena', 'Bolzano')
"""

from qualitapa.declarative import toml_plugin
from qualitapa_italy._municipality import Municipality, resolve, resolve_codes
from qualitapa_italy._table import (
    COLUMNS,
    AmbiguousMunicipalityError,
    municipalities,
    read_istat,
)

#: The id and kind of the dataset through which the core finds the table.
DATASET_ID = "italy.municipalities"
DATASET_KIND = "municipalities"

plugin = toml_plugin(__name__, "definitions.toml")

__all__ = [
    "COLUMNS",
    "DATASET_ID",
    "DATASET_KIND",
    "AmbiguousMunicipalityError",
    "Municipality",
    "municipalities",
    "plugin",
    "read_istat",
    "resolve",
    "resolve_codes",
]
