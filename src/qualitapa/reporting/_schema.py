"""Table Schema (Frictionless Data v1) for pandas frames: type inference and cell checks.

:func:`infer_schema` describes a frame as a Table Schema; :func:`check_cells`
checks the text cells of a CSV column against a field descriptor, vectorised
with pandas. Both are used by the open-data writer and validator.

A ``pattern`` constraint comes from the package being validated, which may
be hostile: a pattern such as ``(a|a)+$`` backtracks for minutes in a
backtracking engine (Python's ``re`` takes minutes on ``(a+)+$`` too). Patterns
run in the `regex <https://pypi.org/project/regex/>`_ engine, which handles
many such patterns in linear time and takes a timeout: a value that takes
longer than :data:`PATTERN_TIMEOUT` (or a field that takes longer than
:data:`PATTERN_BUDGET` in all) stops the check of that field with a problem
saying so, instead of a hang.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import regex

#: Seconds a ``pattern`` constraint may take on one value.
PATTERN_TIMEOUT = 0.25
#: Seconds a ``pattern`` constraint may take on all the values of a field.
PATTERN_BUDGET = 5.0

#: The Table Schema types this module writes and validates.
TABLE_SCHEMA_TYPES = (
    "string",
    "number",
    "integer",
    "boolean",
    "date",
    "datetime",
    "year",
    "any",
)

#: Descriptions (and units) of the columns the qualitapa result tables share;
#: used when the caller gives none. Keys are column names.
KNOWN_FIELDS: dict[str, dict[str, str]] = {
    "organization": {"description": "Organization id (ISTAT code of the municipality)"},
    "organization_name": {"description": "Name of the organization"},
    "period": {"description": "Reference period (year)"},
    "indicator": {"description": "Indicator id (see the indicators resource)"},
    "variable": {"description": "Raw variable id"},
    "value": {"description": "Value, in the unit of the indicator or variable"},
    "status": {"description": "Why a value is missing ('ok' when it is computed)"},
    "unit": {"description": "Unit of measurement"},
    "service": {"description": "Service id"},
    "dimension": {"description": "Dimension (efficiency, effectiveness, quality, impact)"},
    "polarity": {"description": "Which direction is better (higher_is_better, ...)"},
    "label_it": {"description": "Label in Italian"},
    "label_en": {"description": "Label in English"},
    "rank": {"description": "Rank among the organizations compared (1 = best)"},
    "percentile": {"description": "Percentile rank (100 = best)", "unit": "%"},
    "quartile": {"description": "Quartile (1 = best)"},
    "z_score": {"description": "Standardised score (respecting polarity)"},
    "n": {"description": "Number of observations"},
    "ci_low": {"description": "Lower bound of the 95% confidence interval"},
    "ci_high": {"description": "Upper bound of the 95% confidence interval"},
    "month": {"description": "Month (YYYY-MM)"},
}

_INTEGER_RE = r"^[+-]?\d+$"
_NUMBER_RE = r"^[+-]?((\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|NaN|INF|inf|Infinity|nan)$"
_YEAR_RE = r"^\d{4}$"
_DATE_RE = r"^\d{4}-\d{2}-\d{2}$"
_DATETIME_RE = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$"
_TRUE = ("true", "True", "TRUE", "1")
_FALSE = ("false", "False", "FALSE", "0")


def field_type(series: pd.Series) -> str:
    """The Table Schema type of a pandas column.

    Examples
    --------
    >>> field_type(pd.Series([1, 2])), field_type(pd.Series([1.5])), field_type(pd.Series(["a"]))
    ('integer', 'number', 'string')
    >>> field_type(pd.Series(pd.to_datetime(["2024-01-31"])))
    'date'
    >>> field_type(pd.Series(pd.to_datetime(["2024-01-31 10:30"])))
    'datetime'
    """
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "boolean"
    if pd.api.types.is_integer_dtype(dtype):
        return "integer"
    if pd.api.types.is_float_dtype(dtype):
        return "number"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        values = series.dropna()
        if getattr(dtype, "tz", None) is None and bool((values == values.dt.normalize()).all()):
            return "date"
        return "datetime"
    if isinstance(dtype, pd.PeriodDtype):
        return "string"
    if pd.api.types.is_object_dtype(dtype):
        values = series.dropna()
        if len(values) and bool(values.map(lambda v: isinstance(v, bool | np.bool_)).all()):
            return "boolean"
    return "string"


def _describe(column: str, meta: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    known = KNOWN_FIELDS.get(column, {})
    for key in ("title", "description", "unit"):
        value = meta.get(key, known.get(key))
        if value:
            out[key] = str(value)
    for key, value in meta.items():
        if key not in ("title", "description", "unit", "type", "name") and value is not None:
            out[key] = value
    return out


def infer_schema(
    frame: pd.DataFrame,
    *,
    fields: Mapping[str, Mapping[str, Any]] | None = None,
    primary_key: Sequence[str] | None = None,
) -> dict[str, Any]:
    """A Table Schema descriptor for ``frame``.

    Parameters
    ----------
    frame
        The table.
    fields
        Per column extra properties: ``title``, ``description``, ``unit``
        (a custom property: Table Schema v1 has no unit), ``constraints``,
        ``type`` (to override the inferred type)... Columns listed in
        :data:`KNOWN_FIELDS` get a default description.
    primary_key
        Columns that identify a row; they are marked required.

    Returns
    -------
    dict
        ``{"fields": [...], "missingValues": [""], "primaryKey": [...]}``.

    Raises
    ------
    ValueError
        A primary-key column or a described field is not in the frame.

    Examples
    --------
    >>> s = infer_schema(pd.DataFrame({"organization": ["036023"], "value": [1.5]}),
    ...                  fields={"value": {"unit": "%"}}, primary_key=["organization"])
    >>> s["fields"][1]
    {'name': 'value', 'type': 'number', 'description': 'Value, in the unit of the indicator or variable', 'unit': '%'}
    >>> s["primaryKey"], s["fields"][0]["constraints"]
    (['organization'], {'required': True})
    """  # noqa: E501
    fields = fields or {}
    columns = [str(c) for c in frame.columns]
    if len(set(columns)) != len(columns):
        raise ValueError(f"duplicate column names: {columns}")
    unknown = sorted(set(fields) - set(columns))
    if unknown:
        raise ValueError(f"field properties given for columns not in the table: {unknown}")
    key = list(primary_key or [])
    missing = [c for c in key if c not in columns]
    if missing:
        raise ValueError(f"primary key column(s) not in the table: {missing}")
    out_fields = []
    for name, column in zip(columns, frame.columns, strict=True):
        meta = dict(fields.get(name, {}))
        descriptor: dict[str, Any] = {
            "name": name,
            "type": str(meta.pop("type", None) or field_type(frame[column])),
        }
        descriptor.update(_describe(name, meta))
        if name in key:
            constraints = dict(descriptor.get("constraints", {}))
            constraints["required"] = True
            descriptor["constraints"] = constraints
        out_fields.append(descriptor)
    schema: dict[str, Any] = {"fields": out_fields, "missingValues": [""]}
    if key:
        schema["primaryKey"] = key
    return schema


def _matches(text: pd.Series, pattern: str) -> pd.Series:
    return text.str.fullmatch(pattern).fillna(False).astype(bool)


def _check_pattern(
    text: pd.Series, valid: pd.Series, pattern: str, add: Callable[[pd.Series, str], None]
) -> None:
    """Problems of the ``valid`` cells of ``text`` that do not match ``pattern`` (whole value).

    Each distinct value is matched once, under :data:`PATTERN_TIMEOUT` and
    :data:`PATTERN_BUDGET`; the first value over a limit is reported as such
    and the rest of the field is not checked.
    """
    try:
        compiled = regex.compile(pattern)
    except (regex.error, RecursionError, OverflowError) as exc:
        add(valid, f"the pattern {pattern!r} is not a valid regular expression ({exc})")
        return
    values = text[valid]
    matched: dict[str, bool] = {}
    deadline = time.monotonic() + PATTERN_BUDGET
    for value in pd.unique(values):  # distinct values, not rows
        left = deadline - time.monotonic()
        try:
            if left <= 0:
                raise TimeoutError
            matched[value] = (
                compiled.fullmatch(value, timeout=min(PATTERN_TIMEOUT, left)) is not None
            )
        except TimeoutError:
            first = values.index[(values == value).to_numpy()][0]
            too_slow = pd.Series(False, index=text.index)
            too_slow[first] = True
            limit = (
                f"{PATTERN_TIMEOUT:g} s on this value"
                if left > PATTERN_TIMEOUT
                else f"{PATTERN_BUDGET:g} s on the field"
            )
            add(
                too_slow,
                f"the pattern {pattern!r} backtracks catastrophically (more than {limit}): "
                "the field is not checked further; simplify the pattern",
            )
            break
    # values not reached (after a timeout) are not reported as mismatches
    ok = values.map(lambda v: matched.get(v, True)).astype(bool)
    add(valid & ~ok.reindex(text.index, fill_value=True), "does not match the pattern")


def _parse_ok(text: pd.Series, field: Mapping[str, Any]) -> pd.Series:
    """True where the (non-missing) text is a valid value of the field's type."""
    kind = field.get("type", "string")
    if kind in ("string", "any"):
        return pd.Series(True, index=text.index)
    if kind == "integer":
        return _matches(text, _INTEGER_RE)
    if kind == "number":
        return _matches(text, _NUMBER_RE)
    if kind == "year":
        return _matches(text, _YEAR_RE)
    if kind == "boolean":
        values = tuple(field.get("trueValues", _TRUE)) + tuple(field.get("falseValues", _FALSE))
        return text.isin(values)
    if kind == "date":
        shaped = _matches(text, _DATE_RE)
        parsed = pd.to_datetime(text.where(shaped), format="%Y-%m-%d", errors="coerce")
        return shaped & parsed.notna()
    if kind == "datetime":
        shaped = _matches(text, _DATETIME_RE)
        parsed = pd.to_datetime(text.where(shaped), format="ISO8601", errors="coerce", utc=True)
        return shaped & parsed.notna()
    return pd.Series(False, index=text.index)


def _as_number(text: pd.Series, kind: str) -> pd.Series:
    if kind in ("integer", "number", "year"):
        return pd.to_numeric(text, errors="coerce")
    if kind == "date":
        return pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    if kind == "datetime":
        return pd.to_datetime(text, format="ISO8601", errors="coerce", utc=True)
    return text


def check_cells(
    text: pd.Series, field: Mapping[str, Any], missing_values: Sequence[str] = ("",)
) -> pd.DataFrame:
    """Problems of the text cells ``text`` (a CSV column read as strings) for ``field``.

    Checks the type, and the constraints ``required``, ``unique``, ``enum``,
    ``minimum``, ``maximum``, ``minLength``, ``maxLength`` and ``pattern``.

    Returns
    -------
    DataFrame
        Columns ``index`` (position of the cell, 0-based), ``value``,
        ``problem``; empty when every cell is valid.

    Examples
    --------
    >>> problems = check_cells(pd.Series(["1", "x", "", "2.5"]),
    ...                        {"name": "n", "type": "integer", "constraints": {"required": True}})
    >>> problems["index"].tolist()
    [1, 3, 2]
    >>> problems["problem"].tolist()[1:]
    ['not a valid integer value', 'a value is required (missing)']
    """
    kind = str(field.get("type", "string"))
    constraints = field.get("constraints", {}) or {}
    text = text.fillna("").astype(str).reset_index(drop=True)
    missing = text.isin(list(missing_values))
    present = ~missing
    problems: list[pd.DataFrame] = []

    def add(mask: pd.Series, problem: str) -> None:
        if bool(mask.any()):
            idx = np.flatnonzero(mask.to_numpy())
            problems.append(
                pd.DataFrame({"index": idx, "value": text.to_numpy()[idx], "problem": problem})
            )

    if kind not in TABLE_SCHEMA_TYPES:
        add(pd.Series(True, index=text.index), f"unknown field type {kind!r}")
        return pd.concat(problems, ignore_index=True)
    ok = _parse_ok(text, field)
    add(present & ~ok, f"not a valid {kind} value")
    valid = present & ok
    if constraints.get("required"):
        add(missing, "a value is required (missing)")
    if constraints.get("unique"):
        add(valid & text.where(valid).duplicated(keep=False), "duplicate value in a unique field")
    if "enum" in constraints:
        allowed = [str(v) for v in constraints["enum"]]
        add(valid & ~text.isin(allowed), f"not one of the allowed values {allowed}")
    if "pattern" in constraints:
        _check_pattern(text, valid, str(constraints["pattern"]), add)
    lengths = text.str.len()
    if "minLength" in constraints:
        add(valid & (lengths < int(constraints["minLength"])), "shorter than minLength")
    if "maxLength" in constraints:
        add(valid & (lengths > int(constraints["maxLength"])), "longer than maxLength")
    if "minimum" in constraints or "maximum" in constraints:
        values = _as_number(text.where(valid), kind)
        if "minimum" in constraints:
            bound = _as_number(pd.Series([str(constraints["minimum"])]), kind).iloc[0]
            add(valid & (values < bound).fillna(False), f"below the minimum {bound}")
        if "maximum" in constraints:
            bound = _as_number(pd.Series([str(constraints["maximum"])]), kind).iloc[0]
            add(valid & (values > bound).fillna(False), f"above the maximum {bound}")
    if not problems:
        return pd.DataFrame({"index": pd.Series(dtype=int), "value": [], "problem": []})
    return pd.concat(problems, ignore_index=True)
