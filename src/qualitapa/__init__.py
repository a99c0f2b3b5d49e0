"""qualitapa: quality management and benchmarking of municipal services.

The public API of the core in one place. Subpackages carry the rest:
:mod:`qualitapa.indicators`, :mod:`qualitapa.surveys`,
:mod:`qualitapa.complaints`, :mod:`qualitapa.standards`, :mod:`qualitapa.caf`.

Examples
--------
>>> import qualitapa
>>> from qualitapa import hookimpl, Catalog, Service, Text
>>> class Libraries:
...     @hookimpl
...     def qualitapa_services(self):
...         return [Service("libraries", Text("Biblioteche", "Public libraries"))]
>>> catalog = Catalog.build([Libraries()], entrypoints=False)
>>> list(catalog.services)
['libraries']
"""

from qualitapa.__about__ import __version__
from qualitapa.catalog import Catalog, Collection, Override, Problem, default_catalog
from qualitapa.declarative import TomlPlugin, load_definitions, toml_plugin
from qualitapa.errors import (
    DataError,
    DefinitionError,
    FormulaError,
    PluginConflictError,
    PluginError,
    PluginWarning,
    QualitapaError,
    TransitionError,
    UnknownItemError,
)
from qualitapa.hookspecs import hookimpl
from qualitapa.models import Dataset, Dimension, Organization, PeerGroup, Polarity, Service, Text
from qualitapa.plugins import make_plugin_manager

__all__ = [
    "Catalog",
    "Collection",
    "DataError",
    "Dataset",
    "DefinitionError",
    "Dimension",
    "FormulaError",
    "Organization",
    "Override",
    "PeerGroup",
    "PluginConflictError",
    "PluginError",
    "PluginWarning",
    "Polarity",
    "Problem",
    "QualitapaError",
    "Service",
    "Text",
    "TomlPlugin",
    "TransitionError",
    "UnknownItemError",
    "__version__",
    "default_catalog",
    "hookimpl",
    "load_definitions",
    "make_plugin_manager",
    "toml_plugin",
]
