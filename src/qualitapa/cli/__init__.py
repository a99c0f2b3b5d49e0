"""The ``qualitapa`` command-line interface.

Each area keeps its commands in its own module; importing this package
registers them all on the :data:`cli` group.
"""

from qualitapa.cli import _caf  # noqa: F401  (registers commands)
from qualitapa.cli import _complaints  # noqa: F401  (registers commands)
from qualitapa.cli import _composite  # noqa: F401  (registers commands)
from qualitapa.cli import _indicators  # noqa: F401  (registers commands)
from qualitapa.cli import _plugins  # noqa: F401  (registers commands)
from qualitapa.cli import _reporting  # noqa: F401  (registers commands)
from qualitapa.cli import _standards  # noqa: F401  (registers commands)
from qualitapa.cli import _surveys  # noqa: F401  (registers commands)
from qualitapa.cli._main import cli, emit, get_catalog, main, output_options

__all__ = ["cli", "emit", "get_catalog", "main", "output_options"]
