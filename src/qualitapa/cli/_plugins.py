"""``qualitapa plugins``, ``qualitapa services`` and ``qualitapa plugin new|check``."""

from __future__ import annotations

import difflib
import importlib.metadata
import json
import re
import string
import sys
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
from qualitapa.plugins import ENTRY_POINT_GROUP, entry_point_names

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
    table = _catalog_listing_broken().contributions()
    if fmt in (None, "table"):  # for people: loaded or skipped, not the codes ok/broken
        table["status"] = table["status"].map({"ok": "loaded", "broken": "skipped"})
    emit(table, fmt, output, lang=lang)


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


#: What the scaffold writes for a city it knows nothing about: comments, never a guess.
_NO_POPULATION = "population = 100000  # replace with the resident population"
_NO_PROVINCE = (
    '# province = "XX"  # the province abbreviation: its patron saint\'s day is a holiday '
    "in working-day deadlines"
)
_UNKNOWN_CITY_FIELDS = f"{_NO_POPULATION}\n{_NO_PROVINCE}"


def _render_template(name: str, *, extra: dict[str, str] | None = None) -> dict[str, str]:
    module = "qualitapa_" + name.replace("-", "_")
    title = name.replace("-", " ").title()
    mapping: dict[str, str] = {
        "name": name,
        "module": module,
        "dist": f"qualitapa-{name}",
        "title": title,
        "dependencies": '"qualitapa"',
        "organization": f'name = "{title}"\n{_UNKNOWN_CITY_FIELDS}',
        "installed": "",
        "org_checks": "",
    }
    mapping.update(extra or {})
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


def _toml_string(text: str) -> str:
    """``text`` as a TOML basic string (JSON escapes are valid TOML escapes)."""
    return json.dumps(text, ensure_ascii=False)


def _municipalities() -> pd.DataFrame | None:
    """The reference table of Italian municipalities an installed plugin ships, if any."""
    catalog = _catalog_listing_broken()
    found = [d for d in catalog.datasets.values() if d.kind == "municipalities"]
    if not found:
        return None
    return pd.read_csv(found[0].path, dtype=str, keep_default_na=False)


def _find_municipality(code: str | None, city: str | None) -> dict[str, str] | None:
    """The row of the municipality with ISTAT ``code`` or name ``city`` (Italian or other).

    None when no list of municipalities is installed and only a name is given
    (the name is then used as it is).
    """
    table = _municipalities()
    if table is None:
        if code:
            raise DefinitionError(
                "no list of municipalities is installed to look the code up; install "
                "the qualitapa-italy plugin, or give --name and --province instead",
                item=code,
                field="istat-code",
            )
        return None
    if code:
        if not code.isdigit() or len(code) > 6:
            raise DefinitionError("an ISTAT code has up to 6 digits, e.g. 021008", item=code)
        rows = table[table["code"] == code.zfill(6)]
        if rows.empty:
            near = difflib.get_close_matches(code.zfill(6), table["code"].tolist(), n=3)
            hint = "; close codes: " + ", ".join(
                f"{c} ({table.loc[table['code'] == c, 'name'].iloc[0]})" for c in near
            )
            raise DefinitionError(
                "no Italian municipality has this ISTAT code" + (hint if near else ""),
                item=code,
            )
        return {str(k): str(v) for k, v in rows.iloc[0].items()}
    assert city is not None
    wanted = city.strip().casefold()
    same = (table["name"].str.casefold() == wanted) | (table["name_other"].str.casefold() == wanted)
    rows = table[same]
    if len(rows) > 1:
        choices = ", ".join(f"{r.code} ({r.name}, {r.province})" for r in rows.itertuples())
        raise DefinitionError(
            f"several municipalities have this name: {choices}; give --istat-code",
            item=city,
        )
    if rows.empty:
        names = sorted(set(table["name"]) | set(table["name_other"]) - {""})
        near = difflib.get_close_matches(city.strip(), names, n=3)
        raise DefinitionError(
            "no Italian municipality has this name"
            + ("; did you mean " + ", ".join(map(repr, near)) + "?" if near else ""),
            item=city,
        )
    return {str(k): str(v) for k, v in rows.iloc[0].items()}


def _distributions(builds_on: tuple[str, ...]) -> list[str]:
    """The distribution names of the installed plugins ``builds_on``."""
    dists: dict[str, str] = {}
    for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        if ep.dist is not None:
            dists.setdefault(ep.name, ep.dist.name)
    out = []
    for plugin in builds_on:
        if plugin not in dists:
            near = difflib.get_close_matches(plugin, list(dists), n=3)
            raise DefinitionError(
                "not an installed plugin"
                + ("; did you mean " + ", ".join(map(repr, near)) + "?" if near else "")
                + f"; installed plugins: {sorted(dists)}",
                item=plugin,
                field="builds-on",
            )
        out.append(dists[plugin])
    return out


def _city_fields(
    title: str,
    code: str | None,
    city: str | None,
    province: str | None,
    builds_on: tuple[str, ...],
) -> dict[str, str]:
    """The template values for the city and the plugins it builds on (none: the defaults)."""
    extra: dict[str, str] = {}
    row = _find_municipality(code, city) if code or city else None
    if row is not None:
        lines = [f"name = {_toml_string(row['name'])}"]
        if row["name_other"]:
            label = {"it": row["name"], "en": row["name"], row["lang_other"]: row["name_other"]}
            pairs = ", ".join(f"{k} = {_toml_string(v)}" for k, v in label.items())
            lines.append(f"label = {{ {pairs} }}")
        lines += [
            "population = 100000  # replace with the resident population",
            f"province = {_toml_string(province or row['province'])}",
            f"region = {_toml_string(row['region'])}",
            f"istat_code = {_toml_string(row['code'])}",
        ]
        extra["organization"] = "\n".join(lines)
        extra["org_checks"] = (
            f"\n    assert city.name == {row['name']!r}"
            f"\n    assert city.istat_code == {row['code']!r}"
        )
    elif city or province:
        where = f"province = {_toml_string(province)}" if province else _NO_PROVINCE
        extra["organization"] = f"name = {_toml_string(city or title)}\n{_NO_POPULATION}\n{where}"
        extra["org_checks"] = f"\n    assert city.name == {city or title!r}"
    if builds_on:
        extra["dependencies"] = ", ".join(
            _toml_string(d) for d in ["qualitapa", *_distributions(builds_on)]
        )
        extra["installed"] = f", installed={json.dumps(list(builds_on))}"
    return extra


def _interactive() -> bool:
    """Whether to ask for missing values: only when standard input is a terminal."""
    return sys.stdin.isatty()


@plugin_group.command("new")
@click.argument("name")
@folder_option("--directory", "-d", default=Path("."), help="Where to create the plugin folder.")
@click.option("--istat-code", help="ISTAT code of the city (e.g. 021008); fills name and province.")
@click.option("--name", "city", help="Name of the city, Italian or other language (e.g. Bozen).")
@click.option("--province", help="Province abbreviation (e.g. BZ); default from the ISTAT list.")
@click.option(
    "--builds-on",
    multiple=True,
    metavar="PLUGIN",
    help="An installed plugin this one builds on (repeatable); listed in its dependencies.",
)
def plugin_new(
    name: str,
    directory: Path,
    istat_code: str | None,
    city: str | None,
    province: str | None,
    builds_on: tuple[str, ...],
) -> None:
    """Scaffold a plugin package NAME (e.g. demo-city) ready to install.

    Creates qualitapa-NAME/ with a pyproject declaring the entry point, a
    TOML definitions file, a README and a test. Install it with
    ``pip install -e qualitapa-NAME`` and ``qualitapa plugins`` lists it.

    --istat-code or --name looks the city up in the list of Italian
    municipalities (the qualitapa-italy plugin) and fills its name, its
    label in the second language (e.g. Bozen), province, region and code.
    --builds-on PLUGIN adds that plugin's distribution to the
    dependencies and to the catalog the generated test checks against.
    Missing values are asked for only when standard input is a terminal;
    otherwise (scripts, CI) the defaults are used.
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
    if _interactive():
        if not (istat_code or city):
            answer = click.prompt(
                "ISTAT code or name of the city (empty: none)", default="", show_default=False
            ).strip()
            if answer.isdigit():
                istat_code = answer
            elif answer:
                city = answer
        if not builds_on:
            answer = click.prompt(
                "Installed plugins it builds on, comma-separated (empty: none)",
                default="",
                show_default=False,
            )
            builds_on = tuple(p.strip() for p in answer.split(",") if p.strip())
    title = name.replace("-", " ").title()
    extra = _city_fields(title, istat_code, city, province, builds_on)
    for rel, text in _render_template(name, extra=extra).items():
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
                shown = _for_people(rows)  # for plugin authors: the English column names
                emit(shown, title=f"{title} ({len(rows)})", headers={c: c for c in shown.columns})
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
    return pd.DataFrame(
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
