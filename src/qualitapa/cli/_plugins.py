"""``qualitapa plugins``, ``qualitapa services`` and ``qualitapa plugin new|check``."""

from __future__ import annotations

import re
import string
import warnings
from importlib.resources import files
from pathlib import Path
from typing import Any

import click
import pandas as pd

from qualitapa.catalog import check_plugins
from qualitapa.cli._main import cli, echo, emit, for_people, get_catalog
from qualitapa.cli._options import (
    definitions_option,
    folder_option,
    lang_option,
    output_options,
)
from qualitapa.declarative import TomlPlugin
from qualitapa.errors import DefinitionError, PluginWarning
from qualitapa.plugins import entry_point_names

#: The plugin name of the files ``plugin check -d`` checks.
_FILES = "definitions"
_NAME = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")
#: Longest plugin name ``plugin new`` accepts (it names folders and a module).
MAX_PLUGIN_NAME_LENGTH = 40


def _catalog_listing_broken() -> Any:
    """The catalog, without warning of broken plugins (these commands list them)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PluginWarning)
        return get_catalog()


@cli.command("plugins")
@output_options
@lang_option
def plugins_command(fmt: str | None, output: Path | None, lang: str) -> None:
    """List installed plugins and what each contributes.

    A broken plugin (it fails to import, a hook raises, it conflicts with
    another plugin) is listed with status 'broken' and the problem; the other
    commands skip it with a warning.
    """
    emit(_catalog_listing_broken().contributions(), fmt, output, lang=lang)


@cli.command("services")
@output_options
@lang_option
def services_command(fmt: str | None, output: Path | None, lang: str) -> None:
    """List the services defined by the installed plugins, labelled in --lang."""
    catalog = get_catalog()
    rows = [
        {
            "id": s.id,
            "label": s.label.get(lang),
            "parent": s.parent or "",
            "plugin": catalog.services.plugin_of(s.id),
        }
        for s in catalog.services.values()
    ]
    frame = pd.DataFrame(rows, columns=["id", "label", "parent", "plugin"])
    emit(frame, fmt, output, lang=lang)


@cli.group("plugin")
def plugin_group() -> None:
    """Write and check plugins."""


def _render_template(name: str) -> dict[str, str]:
    module = "qualitapa_" + name.replace("-", "_")
    mapping = {
        "name": name,
        "module": module,
        "dist": f"qualitapa-{name}",
        "title": name.replace("-", " ").title(),
    }
    root = files("qualitapa.cli") / "_templates" / "plugin"
    out: dict[str, str] = {}

    def walk(node: Any, rel: str) -> None:
        for child in node.iterdir():
            child_rel = f"{rel}/{child.name}" if rel else child.name
            if child.is_dir():
                walk(child, child_rel)
            elif child.name.endswith(".tmpl"):
                target = child_rel[: -len(".tmpl")].replace("__module__", module)
                out[target] = string.Template(child.read_text(encoding="utf-8")).substitute(mapping)

    walk(root, "")
    return out


@plugin_group.command("new")
@click.argument("name")
@folder_option("--directory", "-d", default=Path("."), help="Where to create the plugin folder.")
def plugin_new(name: str, directory: Path) -> None:
    """Scaffold a plugin package NAME (e.g. demo-city) ready to install.

    Creates qualitapa-NAME/ with a pyproject declaring the entry point, a
    TOML definitions file, a README and a test. Install it with
    ``pip install -e qualitapa-NAME`` and ``qualitapa plugins`` lists it.
    """
    if len(name) > MAX_PLUGIN_NAME_LENGTH:
        raise DefinitionError(
            f"a plugin name has at most {MAX_PLUGIN_NAME_LENGTH} characters, not {len(name)}",
            item=name[:40] + "...",
        )
    if not _NAME.fullmatch(name):
        raise DefinitionError(
            "plugin names are lower-case words separated by hyphens, e.g. 'demo-city'",
            item=name,
        )
    target = directory / f"qualitapa-{name}"
    if target.exists():
        raise DefinitionError(f"{target} already exists; choose another name or folder", item=name)
    for rel, text in _render_template(name).items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    echo(f"created {target}")
    echo(f"next: pip install -e {target} && qualitapa plugins")


@plugin_group.command("check")
@click.argument("names", nargs=-1)
@definitions_option
@output_options
def plugin_check(
    names: tuple[str, ...], definitions: tuple[Path, ...], fmt: str | None, output: Path | None
) -> None:
    """Check installed plugins (all, or those NAMES) and list every problem at once.

    With -d FILE.toml, check those files (a plugin being written) against
    the installed plugins instead.

    Each problem names the file, the section and entry number, the id, the
    field, what is wrong and a suggestion (the closest known field or id,
    the override to use for an id defined twice...). Errors come first,
    then warnings (such as missing English labels). Exits with status 1
    when any error is found, a broken plugin included; warnings alone do
    not fail. --format csv|json gives every column of
    qualitapa.catalog.check_plugins.
    """
    known = set(entry_point_names())
    unknown = [n for n in names if n not in known]
    if unknown:
        raise DefinitionError(f"not installed; installed plugins: {sorted(known)}", item=unknown[0])
    files = [(_FILES, TomlPlugin(*definitions))] if definitions else []
    wanted = names or ((_FILES,) if definitions else None)
    table = check_plugins(files, names=wanted)
    errors = table["severity"] == "error"
    if not for_people(fmt, output):
        emit(table, fmt, output)
    elif table.empty:
        checked = ", ".join([*names, *map(str, definitions)]) or f"{len(known)} plugin(s)"
        echo(f"ok: no problems in {checked}")
    else:
        for title, rows in (("Errors", table[errors]), ("Warnings", table[~errors])):
            if len(rows):
                emit(_for_people(rows), title=f"{title} ({len(rows)})")
                echo()
        echo(f"{int(errors.sum())} error(s), {int((~errors).sum())} warning(s)")
    if errors.any():
        raise SystemExit(1)


def _for_people(rows: pd.DataFrame) -> pd.DataFrame:
    """The columns of the check's table a person reads: where, what, how to fix it."""
    entry = [
        (f"[[{s}]]" + (f" {int(r)}" if pd.notna(r) else "")) if isinstance(s, str) and s else ""
        for s, r in zip(rows["section"], rows["row"], strict=True)
    ]
    shown = pd.DataFrame(
        {
            "plugin": rows["plugin"].fillna(""),
            "file": [
                f"{f}:{int(n)}" if pd.notna(n) else f
                for f, n in zip(rows["source"].fillna(""), rows["line"], strict=True)
            ],
            "entry": entry,
            "id": rows["id"].fillna(""),
            "field": rows["column"].fillna(""),
            "problem": rows["message"],
            "suggestion": rows["suggestion"].fillna(""),
        }
    ).astype(str)
    # text reads left-aligned: pad each column to its widest cell (header included)
    return pd.DataFrame(
        {
            str(name).ljust(width): column.str.ljust(width)
            for name, column in shown.items()
            for width in [max(len(str(name)), int(column.str.len().max()))]
        }
    )
