"""``qualitapa plugin reference``: the TOML reference of plugin definitions."""

from __future__ import annotations

from pathlib import Path

import click

from qualitapa._toml_reference import reference_frame, render_toml_reference
from qualitapa.catalog import KINDS, KINDS_BY_NAME
from qualitapa.cli._main import emit, emit_text
from qualitapa.cli._options import format_option, target_option
from qualitapa.cli._plugins import plugin_group

#: --format -> the extensions of -o.
_FORMATS = {"md": [".md"], "csv": [".csv"], "json": [".json"]}


@plugin_group.command("reference")
@click.argument(
    "section", required=False, metavar="[SECTION]", type=click.Choice([k.name for k in KINDS])
)
@format_option(
    _FORMATS,
    default="md",
    help="md: the reference as Markdown (as in the docs); csv, json: one row per key "
    "(default: the one -o's extension names, else md).",
)
@target_option("Write to this file instead of the screen: .md, .csv or .json.", formats=_FORMATS)
def plugin_reference(section: str | None, fmt: str, output: Path | None) -> None:
    """Every key a TOML plugin may write in SECTION (default: every section).

    SECTION is one of: services, organizations, peer_groups, variables,
    indicators, composites, instruments, complaint_categories, standards,
    charters, charter_content, datasets, demo_profiles.

    For each key: its type, whether it is required, its default, the
    allowed values and what it means; nested tables (a standard's target,
    a category's deadline...) follow their section. Run from a checkout of
    qualitapa, the Markdown includes an example from the shipped plugins.
    """
    kinds = None if section is None else [KINDS_BY_NAME[section]]
    if fmt == "md":
        emit_text(render_toml_reference(kinds=kinds, plain=True), output, data=False)
    else:
        emit(reference_frame(kinds), fmt, output)
