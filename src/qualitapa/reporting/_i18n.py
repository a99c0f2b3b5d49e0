"""The report's seam with :mod:`qualitapa.i18n`: message marks, units, template environments."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2

from qualitapa.i18n import N_, sandboxed_environment, template_environment, unit

#: The package whose ``templates`` folder holds the report's templates.
PACKAGE = "qualitapa.reporting"

#: Mark a message for the catalogs without translating it (translated when shown).
gettext_noop = N_


def report_environment() -> jinja2.Environment:
    """The cached Jinja2 environment of the report's own templates."""
    return template_environment(PACKAGE)


def plugin_environment(folders: tuple[Path, ...]) -> jinja2.Environment:
    """A sandboxed environment for the sections of plugins.

    Templates are looked up in the plugins' own ``folders`` first, then in
    the report's templates (so a plugin template can import the report's
    macros, ``{% import "_macros.html.j2" as m with context %}``); see
    :func:`qualitapa.i18n.sandboxed_environment`.
    """
    return sandboxed_environment(PACKAGE, folders)


def unit_of(name: str) -> Any:
    """The unit called ``name`` (:func:`qualitapa.i18n.unit`); None for an empty name."""
    return unit(name) if name else None
