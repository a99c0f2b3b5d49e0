"""The ``qualitapa`` command-line interface.

Each area keeps its commands in its own module; importing this package
registers them all on the :data:`cli` group.
"""

from qualitapa.cli import (  # noqa: F401  (importing registers the commands)
    _caf,
    _catalog,
    _complaints,
    _complaints_db,
    _complaints_desk,
    _composite,
    _demo,
    _indicators,
    _plugin_reference,
    _plugins,
    _practices,
    _programme,
    _programme_quality,
    _reporting,
    _round,
    _site,
    _standards,
    _surveys,
)
from qualitapa.cli._complete import install
from qualitapa.cli._main import cli, get_catalog, main
from qualitapa.cli._options import output_options
from qualitapa.cli._output import emit

install(cli)  # the catalog's ids complete in the shell

__all__ = ["cli", "emit", "get_catalog", "main", "output_options"]
