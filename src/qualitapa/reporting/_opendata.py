"""Open data: CSV files described by a Frictionless Data ``datapackage.json``.

:func:`write_datapackage` writes each table as a UTF-8 CSV (spreadsheet
formulas neutralised, see :func:`qualitapa.io.write_csv`) and a Tabular Data
Package descriptor (Data Package v1 with Table Schema: field names and types,
descriptions, units, primary keys, licence, byte size and SHA-256 hash), so
that open-data portals (CKAN, the Italian dati.gov.it) and the Frictionless
tools can validate and load it. With a ``catalog`` each id column the
catalog knows is followed by its label in the package's language ``lang``
(``organization_name``, ``indicator_label``...: see
:func:`qualitapa._labelling.label_columns`); ids and column names are the
same in every language.

:func:`validate_datapackage` checks a package the way ``frictionless
validate`` does for the rules used here, with pandas: descriptor, files,
header, cell types, required and unique fields, enums, primary keys.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np
import pandas as pd

from qualitapa.__about__ import __version__
from qualitapa._labelling import LABEL_COLUMNS, label_columns
from qualitapa._languages import check_language
from qualitapa._zones import instant_text, localize, zones_of
from qualitapa.errors import DataError, OptionError
from qualitapa.io import neutralise_text, write_csv
from qualitapa.models import DEFAULT_TIMEZONE, Text
from qualitapa.problems import Problems, Rule
from qualitapa.reporting._schema import check_cells, infer_schema

#: Licences known by id (SPDX), with their title and URL.
LICENCES: dict[str, dict[str, str]] = {
    "CC-BY-4.0": {
        "title": "Creative Commons Attribution 4.0",
        "path": "https://creativecommons.org/licenses/by/4.0/",
    },
    "CC0-1.0": {
        "title": "CC0 1.0 Universal (public domain dedication)",
        "path": "https://creativecommons.org/publicdomain/zero/1.0/",
    },
    "CC-BY-SA-4.0": {
        "title": "Creative Commons Attribution Share-Alike 4.0",
        "path": "https://creativecommons.org/licenses/by-sa/4.0/",
    },
    "ODbL-1.0": {
        "title": "Open Data Commons Open Database License 1.0",
        "path": "https://opendatacommons.org/licenses/odbl/1-0/",
    },
    "IODL-2.0": {
        "title": "Italian Open Data License 2.0",
        "path": "https://www.dati.gov.it/content/italian-open-data-license-v20",
    },
}

#: How the problems of a package are published: the :mod:`qualitapa.problems`
#: columns under the names this table had before (``resource`` is the core
#: ``source``, ``field`` the ``column``, ``problem`` the ``message``).
PROBLEM_LAYOUT = {
    "resource": "source",
    "row": "row",
    "field": "column",
    "value": "value",
    "problem": "message",
}
#: Columns of the problems table returned by :func:`check_datapackage`.
PROBLEM_COLUMNS = list(PROBLEM_LAYOUT)

_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")

#: The description of each label column :func:`write_datapackage` adds.
_LABEL_DESCRIPTIONS = {
    "organization_name": "Name of the organization",
    "service_label": "Label of the service",
    "indicator_label": "Label of the indicator",
    "composite_label": "Label of the composite index",
    "category_label": "Label of the complaint category",
    "standard_label": "Label of the quality standard",
    "instrument_label": "Label of the survey instrument",
}


def _label_fields(
    frame: pd.DataFrame, given: Mapping[str, Mapping[str, Any]] | None, lang: str
) -> dict[str, Mapping[str, Any]] | None:
    """The fields given, plus a description naming the language of each label column added."""
    added = {target for target, _ in LABEL_COLUMNS.values()} & set(frame.columns)
    if not added:
        return dict(given) if given is not None else None
    out: dict[str, Mapping[str, Any]] = {
        c: {"description": f"{_LABEL_DESCRIPTIONS[c]} (language: {lang})"} for c in sorted(added)
    }
    out.update(given or {})
    return out


def resource_name(name: str) -> str:
    """A valid Data Package name (lower-case ``a-z0-9._-``) made from ``name``.

    Examples
    --------
    >>> resource_name("Indicator values 2024")
    'indicator_values_2024'
    >>> resource_name("Qualità/servizi")
    'qualit_servizi'
    """
    out = re.sub(r"[^a-z0-9._-]+", "_", str(name).lower()).strip("_.-")
    if not out:
        raise OptionError(f"cannot make a resource name from {name!r}", option="name", value=name)
    return out


def _instant_pattern(s: pd.Series) -> str | None:
    """The strptime pattern a date-time column is written in (None: a column of dates).

    Local office time with its UTC offset (Table Schema ``datetime`` with
    this ``format``): ``%Y-%m-%dT%H:%M:%S%z``, ``.%f`` before the offset
    when a time has microseconds.
    """
    if not pd.api.types.is_datetime64_any_dtype(s.dtype):
        return None
    if getattr(s.dtype, "tz", None) is None and bool(
        (s.dropna() == s.dropna().dt.normalize()).all()
    ):
        return None  # a date stays a date
    micro = bool((s.dropna().dt.microsecond != 0).any())
    return "%Y-%m-%dT%H:%M:%S" + (".%f" if micro else "") + "%z"


def _office_time(s: pd.Series, pattern: str, zones: str | pd.Series, column: str) -> pd.Series:
    """Date-times as office time with the offset (``2024-01-31T09:30:00+01:00``), never UTC ``Z``.

    UTC instants (the register's) are written in each row's office zone;
    a column already in another zone keeps it; naive times are office
    time in each row's zone (an hour a clock change skips or repeats is an
    error: which instant is meant?). Every time has a fraction of a second
    when the column's ``pattern`` has one.
    """
    tz = getattr(s.dtype, "tz", None)
    times: pd.Series = s
    if tz is None:
        utc, gap, fold = localize(s, zones)
        if (gap | fold).any():
            row = int(np.flatnonzero(gap | fold)[0])
            raise DataError(
                f"{s.iloc[row]} is not one instant in the office's time zone (a daylight-saving "
                "change skips or repeats that hour): give the time with its UTC offset",
                row=row + 1,
                column=column,
            )
        times = utc.set_axis(s.index)
    elif str(tz) != "UTC":
        zones = str(tz)
    return instant_text(times, zones, fraction=".%f" in pattern)


def _prepare(frame: pd.DataFrame, zones: str | pd.Series = DEFAULT_TIMEZONE) -> pd.DataFrame:
    """The frame as it is written: dates ISO 8601, date-times office time with the offset.

    ``zones``: the office time zone of each row (its organization's).
    """
    out = frame.copy()
    out.columns = [str(c) for c in out.columns]
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_datetime64_any_dtype(s.dtype):
            pattern = _instant_pattern(s)
            if pattern is None:
                out[col] = s.dt.strftime("%Y-%m-%d")
            else:
                out[col] = _office_time(s, pattern, zones, col)
        elif pd.api.types.is_bool_dtype(s.dtype) or (
            pd.api.types.is_object_dtype(s.dtype)
            and len(s.dropna())
            and bool(s.dropna().map(lambda v: isinstance(v, bool | np.bool_)).all())
        ):
            out[col] = s.map(lambda v: "" if pd.isna(v) else ("true" if v else "false"))
    return out


def _file_facts(path: Path) -> tuple[int, str]:
    data = path.read_bytes()
    return len(data), "sha256:" + hashlib.sha256(data).hexdigest()


def _resource_names(
    name: str, tables: Mapping[str, Any], per_table: Mapping[str, Mapping[str, Any]]
) -> dict[str, str]:
    """The resource name of each table, once the package name and per-table options are checked."""
    if not _NAME_RE.fullmatch(name):
        raise OptionError(
            f"package name {name!r} must be lower-case a-z, 0-9, '.', '_' or '-'",
            option="name",
            value=name,
        )
    for what, mapping in per_table.items():
        unknown = sorted(set(mapping) - set(tables))
        if unknown:
            raise OptionError(f"{what} given for unknown tables: {unknown}", option=what)
    names = {table: resource_name(table) for table in tables}
    if len(set(names.values())) != len(names):
        raise OptionError(f"two tables map to the same resource name: {names}", option="tables")
    return names


def _licence(licence: str | Mapping[str, str]) -> dict[str, str]:
    """The descriptor's licence entry for a licence id of :data:`LICENCES` or a mapping."""
    if isinstance(licence, str):
        if licence not in LICENCES:
            raise OptionError(
                f"unknown licence {licence!r}; use one of {sorted(LICENCES)}",
                option="licence",
                value=licence,
            )
        return {"name": licence, **LICENCES[licence]}
    lic = {str(k): str(v) for k, v in licence.items()}
    if not ({"name", "path"} & set(lic)):
        raise OptionError("a licence mapping needs 'name' or 'path'", option="licence")
    return lic


def _write_resource(
    frame: pd.DataFrame,
    path: Path,
    table: str,
    fields: Mapping[str, Mapping[str, Any]] | None,
    key: list[str],
    labels: Mapping[str, str | None],
    zones: str | pd.Series = DEFAULT_TIMEZONE,
) -> dict[str, Any]:
    """Write ``frame`` to ``path`` (CSV) and return its resource descriptor."""
    if key:
        missing = [c for c in key if c not in frame.columns]
        if missing:
            raise DataError(f"table {table!r}: primary key column(s) missing: {missing}")
        if bool(frame[key].isna().any(axis=None)):
            raise DataError(f"table {table!r}: the primary key {key} has missing values")
        if bool(frame.duplicated(subset=key).any()):
            raise DataError(f"table {table!r}: the primary key {key} is not unique")
    schema = infer_schema(frame, fields=fields, primary_key=key)
    # the header as written: a name that could start a formula has a quote
    for field, column in zip(schema["fields"], frame.columns, strict=True):
        pattern = _instant_pattern(frame[column])
        if field["type"] == "datetime" and pattern is not None:
            field.setdefault("format", pattern)  # with the offset: not the default UTC 'Z'
        field["name"] = neutralise_text(field["name"])
    if "primaryKey" in schema:
        schema["primaryKey"] = [neutralise_text(str(k)) for k in schema["primaryKey"]]
    # formulas neutralised, cells with line breaks quoted, 34.375 written
    # "34.3750": read back one way only (qualitapa.io.read_table)
    write_csv(_prepare(frame, zones), path)
    size, digest = _file_facts(path)
    return {
        "name": path.stem,
        "path": path.name,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        **{k: v for k, v in labels.items() if v is not None},
        "bytes": size,
        "hash": digest,
        "schema": schema,
    }


def _write_resources(
    tables: Mapping[str, pd.DataFrame],
    out_dir: Path,
    names: Mapping[str, str],
    per_table: Mapping[str, Mapping[str, Any]],
    catalog: object,
    lang: str,
    labelled: bool,
) -> list[dict[str, Any]]:
    """Write each table to ``<its resource name>.csv``; return the resource descriptors.

    ``per_table``: the per-table ``fields``, ``primary_keys``,
    ``descriptions`` and ``titles`` of :func:`write_datapackage`; date-times
    are written in each row's organization's zone (``catalog``).
    """
    fields, keys = per_table["fields"], per_table["primary_keys"]
    known = catalog if hasattr(catalog, "organizations") else None
    resources = []
    for table, frame in tables.items():
        labels = {
            "title": per_table["titles"].get(table),
            "description": per_table["descriptions"].get(table),
        }
        path = out_dir / f"{names[table]}.csv"
        key = list(keys.get(table, []))
        described = _label_fields(frame, fields.get(table), lang) if labelled else fields.get(table)
        orgs = frame["organization"] if "organization" in frame.columns else None
        zones = zones_of(orgs, len(frame), known)  # type: ignore[arg-type]  # a Catalog
        resources.append(_write_resource(frame, path, table, described, key, labels, zones))
    return resources


def _write_descriptor(
    out_dir: Path,
    name: str,
    about: Mapping[str, Any],
    licence: dict[str, str],
    created: dt.datetime | None,
    resources: list[dict[str, Any]],
) -> Path:
    """Write the package descriptor ``datapackage.json`` in ``out_dir``; return its path.

    ``about``: the package's ``title``, ``description``, ``version``,
    ``sources`` and ``keywords``; each is left out when empty.
    """
    given = {k: v for k, v in about.items() if v}
    stamp = (created or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    package: dict[str, Any] = {
        "profile": "tabular-data-package",
        "name": name,
        **{k: given[k] for k in ("title", "description", "version") if k in given},
        "created": stamp.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "licenses": [licence],
        **{k: given[k] for k in ("sources", "keywords") if k in given},
        "contributors": [{"title": f"qualitapa {__version__}", "role": "author"}],
        "resources": resources,
    }
    target = out_dir / "datapackage.json"
    target.write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return target


def write_datapackage(
    tables: Mapping[str, pd.DataFrame],
    directory: str | Path,
    *,
    name: str,
    title: str | None = None,
    description: str | None = None,
    licence: str | Mapping[str, str] = "CC-BY-4.0",
    fields: Mapping[str, Mapping[str, Mapping[str, Any]]] | None = None,
    primary_keys: Mapping[str, Sequence[str]] | None = None,
    descriptions: Mapping[str, str] | None = None,
    titles: Mapping[str, str] | None = None,
    sources: Sequence[Mapping[str, str]] = (),
    keywords: Sequence[str] = (),
    version: str | None = None,
    created: dt.datetime | None = None,
    catalog: object = None,
    lang: str = "it",
    names: Mapping[str, str | Text] | None = None,
) -> Path:
    """Write ``tables`` as CSV files with a Frictionless ``datapackage.json``.

    Parameters
    ----------
    tables
        Resource name -> frame. Names are made valid with
        :func:`resource_name` (``"Indicator values"`` ->
        ``indicator_values``); each table goes to ``<name>.csv``.
    directory
        Where to write (created if needed). Existing files with the same
        names are replaced.
    name
        Package name (lower-case ``a-z0-9._-``), e.g. ``"qclub-registry-2024"``.
    title, description
        Human-readable title and description of the package.
    licence
        A licence id from :data:`LICENCES` (default ``"CC-BY-4.0"``; the
        Italian public sector often uses ``"IODL-2.0"`` or ``"CC-BY-4.0"``),
        or a mapping ``{"name", "path", "title"}``.
    fields
        Per table, per column extra Table Schema properties: ``title``,
        ``description``, ``unit`` (custom property), ``constraints``...
        Common columns (``organization``, ``period``, ``value``...) get a
        default description.
    primary_keys
        Per table, the columns identifying a row (checked unique here).
    descriptions, titles
        Per table description and title of the resource.
    sources
        Data sources, each ``{"title", "path"}``.
    keywords
        Keywords for catalogues.
    version
        Package version (e.g. ``"1.0.0"``).
    created
        Creation time (default: now, UTC).
    catalog
        A :class:`~qualitapa.Catalog` (or None): date-times are written in
        each row's organization's time zone (its
        :attr:`~qualitapa.Organization.timezone`; Europe/Rome without
        one) with the offset, ``2024-01-31T09:30:00+01:00``, declared as
        ``datetime`` with that ``format``; a date stays a date. Each id column it knows gets
        its label in ``lang`` right after it (``organization_name``,
        ``indicator_label``, ``service_label``, ``category_label``...),
        described in the schema with its language; the ids stay in their
        own columns and primary keys.
    lang
        The language of those labels (``it``, ``en``, ``de`` or any code,
        with fallback).
    names
        Organization names overriding the catalog's (id -> name or Text).

    Returns
    -------
    Path
        The path of ``datapackage.json``.

    Raises
    ------
    OptionError
        An invalid package name or licence, properties for unknown tables,
        two tables with the same resource name, a malformed ``lang`` (a
        ``ValueError``).
    DataError
        A primary key that is not unique or has missing values (a
        ``ValueError``).

    Examples
    --------
    >>> import tempfile, json
    >>> values = pd.DataFrame({"organization": ["036023", "022205"], "period": [2024, 2024],
    ...                        "value": [12.5, 9.75]})
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = write_datapackage({"values": values}, d, name="demo",
    ...                           primary_keys={"values": ["organization", "period"]})
    ...     res = json.loads(p.read_text())["resources"][0]
    ...     problems = validate_datapackage(d)
    >>> res["path"], [f["type"] for f in res["schema"]["fields"]], len(problems)
    ('values.csv', ['string', 'integer', 'number'], 0)
    """
    lic = _licence(licence)
    check_language(lang, "lang")
    labelled = catalog is not None or bool(names)
    if labelled:
        tables = {t: label_columns(f, catalog, lang, names=names) for t, f in tables.items()}
    per_table = {"fields": fields or {}, "primary_keys": primary_keys or {}}
    per_table |= {"descriptions": descriptions or {}, "titles": titles or {}}
    files = _resource_names(name, tables, per_table)
    out_dir = Path(directory)
    out_dir.mkdir(parents=True, exist_ok=True)
    resources = _write_resources(tables, out_dir, files, per_table, catalog, lang, labelled)
    about: dict[str, object] = {"title": title, "description": description, "version": version}
    about |= {"sources": [dict(s) for s in sources], "keywords": list(keywords)}
    return _write_descriptor(out_dir, name, about, lic, created, resources)


class _PackageProblems(Problems):
    """The problems of a data package, in the order they are found."""

    def __init__(self) -> None:
        super().__init__(layout=PROBLEM_LAYOUT, order=())

    def note(
        self,
        resource: str,
        message: str,
        rule: Rule,
        *,
        row: int | None = None,
        field: str = "",
        value: str = "",
    ) -> None:
        """One problem of ``resource`` (``row`` 1-based, 0 for the header, None for none)."""
        where = None if row is None else [row - 1]
        self.add(where, column=field, value=value, rule=rule, message=message, source=resource)


def _safe_path(base: Path, raw: Any) -> Path | None:
    """The file a resource path names, or None if it leaves the package folder."""
    if not isinstance(raw, str) or not raw:
        return None
    if "://" in raw:
        return None
    pure = PurePosixPath(raw)
    if pure.is_absolute() or ".." in pure.parts or "\\" in raw:
        return None
    return base / Path(*pure.parts)


def _resolves_inside(base: Path, path: Path) -> bool:
    """``path``, symbolic links resolved, is inside ``base`` (itself resolved)."""
    try:
        return path.resolve().is_relative_to(base.resolve())
    except (OSError, RuntimeError):  # a link loop
        return False


def _check_descriptor(package: Any, where: str, problems: _PackageProblems) -> None:
    if not isinstance(package, dict):
        problems.note(where, "the descriptor is not a JSON object", Rule.SCHEMA)
        return
    name = package.get("name")
    if name is not None and not (isinstance(name, str) and _NAME_RE.fullmatch(name)):
        problems.note(where, f"invalid package name {name!r}", Rule.INVALID, field="name")
    if not package.get("licenses"):
        problems.note(
            where, "no licence given (property 'licenses')", Rule.REQUIRED, field="licenses"
        )
    resources = package.get("resources")
    if not isinstance(resources, list) or not resources:
        problems.note(where, "the package has no resources", Rule.REQUIRED, field="resources")


def _field_problems(field: Mapping[str, Any]) -> list[str]:
    """What is wrong with the properties of a field descriptor that the cell checks use."""
    out = []
    constraints = field.get("constraints", {})
    if not isinstance(constraints, dict):
        return ["'constraints' must be an object"]
    for name in ("minLength", "maxLength"):
        value = constraints.get(name)
        if value is not None and (
            not isinstance(value, int) or isinstance(value, bool) or value < 0
        ):
            out.append(f"constraint {name} must be a whole number >= 0, not {value!r}")
    for name in ("minimum", "maximum"):
        value = constraints.get(name)
        if value is not None and (
            not isinstance(value, str | int | float) or isinstance(value, bool)
        ):
            out.append(f"constraint {name} must be a number or a date, not {value!r}")
    if "enum" in constraints and not isinstance(constraints["enum"], list):
        out.append(f"constraint enum must be a list, not {constraints['enum']!r}")
    if "pattern" in constraints and not isinstance(constraints["pattern"], str):
        out.append(f"constraint pattern must be text, not {constraints['pattern']!r}")
    for name in ("trueValues", "falseValues"):
        values = field.get(name)
        if values is not None and not (
            isinstance(values, list) and all(isinstance(v, str) for v in values)
        ):
            out.append(f"{name} must be a list of texts, not {values!r}")
    return out


def _check_schema(rname: str, schema: Any, problems: _PackageProblems) -> bool:
    """Check a resource's Table Schema; True when it can be used to read the file."""
    if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list):
        problems.note(
            rname, "the resource has no Table Schema with 'fields'", Rule.SCHEMA, field="schema"
        )
        return False
    found = len(problems)
    names = []
    for i, field in enumerate(schema["fields"]):
        if not isinstance(field, dict) or not isinstance(field.get("name"), str):
            problems.note(rname, f"field {i + 1} has no name", Rule.SCHEMA, field="schema")
            continue
        names.append(field["name"])
        for message in _field_problems(field):
            problems.note(rname, message, Rule.SCHEMA, field=field["name"])
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        problems.note(rname, f"duplicate field names {dupes}", Rule.SCHEMA, field="schema")
    key = schema.get("primaryKey", [])
    key = [key] if isinstance(key, str) else key
    if not isinstance(key, list) or not all(isinstance(k, str) for k in key):
        problems.note(
            rname, "primaryKey must be a field name or a list of them", Rule.SCHEMA, field="schema"
        )
        return False
    for col in key:
        if col not in names:
            problems.note(
                rname, f"primary key field {col!r} is not in the schema", Rule.SCHEMA, field=col
            )
    return len(problems) == found


def _check_file(
    base: Path, resource: dict[str, Any], rname: str, problems: _PackageProblems
) -> Path | None:
    """The resource's file, if it is inside the package and exists; its size and hash."""
    path = _safe_path(base, resource.get("path"))
    raw_path = str(resource.get("path", ""))
    if path is None:
        problems.note(
            rname,
            "the resource path must be a relative path inside the package",
            Rule.FILE,
            field="path",
            value=raw_path,
        )
        return None
    if not _resolves_inside(base, path):
        problems.note(
            rname,
            "the resource's file is outside the package folder (through a symbolic link): not read",
            Rule.FILE,
            field="path",
            value=raw_path,
        )
        return None
    if not path.is_file():
        problems.note(rname, f"file not found: {resource['path']}", Rule.FILE, field="path")
        return None
    size = path.stat().st_size
    if "bytes" in resource and resource["bytes"] != size:
        problems.note(
            rname, f"size is {size} bytes, the descriptor says {resource['bytes']}", Rule.FILE
        )
    declared = resource.get("hash")
    if isinstance(declared, str):
        algo, _, value = declared.rpartition(":")
        algo = algo or "md5"
        if algo in ("md5", "sha1", "sha256", "sha512"):
            actual = hashlib.new(algo, path.read_bytes()).hexdigest()
            if actual != value.lower():
                problems.note(rname, f"the file's {algo} hash does not match", Rule.FILE)
    return path


def _check_resource(base: Path, resource: Any, index: int, problems: _PackageProblems) -> None:
    if not isinstance(resource, dict):
        problems.note(f"resource {index + 1}", "a resource must be a JSON object", Rule.SCHEMA)
        return
    rname = str(resource.get("name") or f"resource {index + 1}")
    if not isinstance(resource.get("name"), str) or not _NAME_RE.fullmatch(resource["name"]):
        problems.note(rname, "missing or invalid resource name", Rule.INVALID, field="name")
    path = _check_file(base, resource, rname, problems)
    if path is None:
        return
    schema = resource.get("schema")
    if not _check_schema(rname, schema, problems) or not isinstance(schema, dict):
        return
    encoding = str(resource.get("encoding", "utf-8"))
    try:
        table = pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            encoding="utf-8-sig" if encoding.lower() in ("utf-8", "utf8") else encoding,
        )
    except (UnicodeDecodeError, LookupError) as exc:
        problems.note(rname, f"cannot decode the file as {encoding}: {exc}", Rule.FILE)
        return
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        problems.note(rname, f"not a well-formed CSV file: {exc}", Rule.FILE)
        return
    names = [f["name"] for f in schema["fields"]]
    header = [str(c) for c in table.columns]
    if header != names:
        problems.note(
            rname,
            f"the header {header} does not match the schema fields {names}",
            Rule.SCHEMA,
            row=0,
            value=",".join(header),
        )
        return
    _check_table(rname, table, schema, problems)


def _check_table(
    rname: str, table: pd.DataFrame, schema: dict[str, Any], problems: _PackageProblems
) -> None:
    """Every cell against its field; the primary key present and unique."""
    missing_values = [str(v) for v in schema.get("missingValues", [""])]
    for field, col in zip(schema["fields"], table.columns, strict=True):
        cells = check_cells(table[col], field, missing_values)
        problems.add(
            cells["index"].to_numpy(dtype=np.int64),
            column=field["name"],
            value=cells["value"],
            rule=Rule.INVALID,
            message=cells["problem"],
            source=rname,
        )
    key = schema.get("primaryKey", [])
    key = [key] if isinstance(key, str) else list(key)
    if key:
        key_cols = table[key]
        empty = key_cols.isin(missing_values).any(axis=1)
        for row in np.flatnonzero(empty.to_numpy())[:1000]:
            problems.note(
                rname,
                "the primary key has a missing value",
                Rule.REQUIRED,
                row=int(row) + 1,
                field=",".join(key),
            )
        dup = np.flatnonzero((key_cols.duplicated(keep="first") & ~empty).to_numpy())
        values = key_cols.iloc[dup].agg("|".join, axis=1) if len(dup) else None
        problems.add(
            dup,
            column=",".join(key),
            value=values,
            rule=Rule.DUPLICATE,
            message="duplicate primary key",
            source=rname,
        )


def check_datapackage(path: str | Path) -> pd.DataFrame:
    """Check a tabular data package: descriptor, files and every cell against its schema.

    Checked: the descriptor is valid JSON with a licence and resources;
    resource names and paths (relative, inside the package, also once
    symbolic links are resolved: a linked file is not read); declared byte
    size and hash; the CSV header equals the schema's field names; every
    cell parses as its field's type (``integer``, ``number``, ``boolean``,
    ``date``, ``datetime``, ``year``, ``string``); constraints
    ``required``, ``unique``, ``enum``, ``pattern``, ``minimum``,
    ``maximum``, ``minLength``, ``maxLength``; primary keys present and
    unique.

    Parameters
    ----------
    path
        The package directory or its ``datapackage.json``.

    Returns
    -------
    DataFrame
        One row per problem, in the order found, with columns
        :data:`PROBLEM_COLUMNS` (``resource, row, field, value, problem``);
        ``row`` is the 1-based data row (header excluded; 0 for the
        header), missing for problems of the whole file. Empty when the
        package is valid.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     _ = write_datapackage({"t": pd.DataFrame({"n": [1, 2]})}, d, name="x")
    ...     _ = (Path(d) / "t.csv").write_text("n\\n1\\ntwo\\n")
    ...     problems = check_datapackage(d)
    >>> int(problems["row"].iloc[-1]), problems[["field", "value", "problem"]].iloc[-1].tolist()
    (2, ['n', 'two', 'not a valid integer value'])
    >>> problems["problem"].iloc[0]
    'size is 8 bytes, the descriptor says 6'
    """
    p = Path(path)
    descriptor = p / "datapackage.json" if p.is_dir() else p
    where = descriptor.name
    problems = _PackageProblems()
    if not descriptor.is_file():
        problems.note(where, f"descriptor not found: {descriptor}", Rule.FILE)
        return problems.frame()
    try:
        package = json.loads(descriptor.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        problems.note(where, f"the descriptor is not valid JSON: {exc}", Rule.FILE)
        return problems.frame()
    _check_descriptor(package, where, problems)
    if isinstance(package, dict) and isinstance(package.get("resources"), list):
        names = [r.get("name") for r in package["resources"] if isinstance(r, dict)]
        dupes = sorted({str(n) for n in names if n is not None and names.count(n) > 1})
        if dupes:
            problems.note(where, f"duplicate resource names {dupes}", Rule.DUPLICATE, field="name")
        for i, resource in enumerate(package["resources"]):
            _check_resource(descriptor.parent, resource, i, problems)
    return problems.frame()


#: The name :func:`check_datapackage` had before the problems convention
#: (``check_*`` returns problems); kept as an alias.
validate_datapackage = check_datapackage
