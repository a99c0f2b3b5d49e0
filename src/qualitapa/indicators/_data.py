"""Raw data in, one validated organization-period x variable matrix out.

Raw data comes tidy (``organization, period, variable, value``) or wide
(``organization, period`` and one column per variable). Both are turned,
in one vectorised pass, into a float matrix with one row per
(organization, period) and one column per variable, plus a table of the
problems found (non-numeric values, duplicates, impossible negatives,
fractions of whole-number variables).
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import pandas as pd

from qualitapa.errors import DataError, Message
from qualitapa.i18n import N_
from qualitapa.indicators._formula import ValueStatus
from qualitapa.io import require_columns, to_numeric_column
from qualitapa.problems import Problems, Rule

if TYPE_CHECKING:
    from qualitapa.catalog import Catalog

KEY_COLUMNS = ("organization", "period")
LONG_COLUMNS = ("organization", "period", "variable", "value")
#: How the problems of indicator data are published (``DataError.failure_cases``):
#: the :mod:`qualitapa.problems` collector's columns under the names this table
#: had before it (``variable`` is the core ``column``, ``problem`` the ``message``).
PROBLEM_LAYOUT = {
    "row": "row",
    "organization": "organization",
    "period": "period",
    "variable": "column",
    "value": "value",
    "problem": "message",
}
#: Columns of the problems table (``DataError.failure_cases``).
PROBLEM_COLUMNS = tuple(PROBLEM_LAYOUT)

NOT_A_NUMBER = Message("not a number", N_("non è un numero"))
NEGATIVE = Message(
    "negative value for a variable that cannot be negative",
    N_("valore negativo per una variabile che non può essere negativa"),
)
FRACTIONAL = Message(
    "not a whole number, for a variable that counts (a thousands separator read as a decimal?)",
    N_(
        "non è un numero intero, per una variabile che conta (un separatore delle migliaia "
        "letto come decimale?)"
    ),
)
DUPLICATE = Message(
    "duplicate (organization, period, variable)", N_("ripetuto (ente, periodo, variabile)")
)
DUPLICATE_ROW = Message("duplicate (organization, period) row", N_("riga ripetuta (ente, periodo)"))
NO_KEY = Message("organization or period is missing", N_("manca l'ente o il periodo"))
_RULES: dict[str, Rule] = {
    NOT_A_NUMBER: Rule.NOT_A_NUMBER,
    NEGATIVE: Rule.NEGATIVE,
    FRACTIONAL: Rule.NOT_INTEGER,
    DUPLICATE: Rule.DUPLICATE,
    DUPLICATE_ROW: Rule.DUPLICATE_ROW,
    NO_KEY: Rule.REQUIRED,
}

_INVALID = np.int8(ValueStatus.INVALID)


@attrs.define
class VariableMatrix:
    """Variables by organization-period (internal).

    ``values[i, j]`` is variable ``names[j]`` for organization
    ``org_labels[row_org[i]]`` in period ``period_labels[row_period[i]]``;
    ``status`` (same shape, or None when every cell is valid) holds
    :attr:`ValueStatus.INVALID` for cells that failed validation.
    """

    row_org: np.ndarray
    row_period: np.ndarray
    org_labels: pd.Index
    period_labels: pd.Index
    names: list[str]
    values: np.ndarray
    status: np.ndarray | None
    problems: pd.DataFrame

    @property
    def n_rows(self) -> int:
        return len(self.row_org)

    def column(self, name: str) -> np.ndarray:
        return self.values[:, self.names.index(name)]


def is_long(data: pd.DataFrame) -> bool:
    """True for tidy data (has ``variable`` and ``value`` columns)."""
    return "variable" in data.columns and "value" in data.columns


def _factorize(values: Any) -> tuple[np.ndarray, pd.Index]:
    codes, uniques = pd.factorize(values, sort=True)
    return np.asarray(codes, dtype=np.int64), pd.Index(uniques)


def _rows(org: np.ndarray, per: np.ndarray, n_per: int) -> tuple[np.ndarray, np.ndarray]:
    """Row number of each record and the (org * n_per + period) key of each row."""
    key = org * n_per + per
    grid = (int(org.max()) + 1) * n_per if len(org) else 0
    if grid <= max(4 * len(key), 1 << 20):
        present = np.bincount(key, minlength=grid) > 0
        row_of_key = np.cumsum(present) - 1
        return row_of_key[key], np.flatnonzero(present)
    keys, inverse = np.unique(key, return_inverse=True)
    return inverse.reshape(-1), keys


def _collector() -> Problems:
    return Problems(extras=("organization", "period"), layout=PROBLEM_LAYOUT)


def _problems(
    data: pd.DataFrame,
    pieces: list[tuple[np.ndarray, Any, Any, str]],
) -> pd.DataFrame:
    """Assemble the problems table from (positions, variable, value column, problem)."""
    problems = _collector()
    for pos, variable, value_col, problem in pieces:
        if len(pos) == 0:
            continue
        values = value_col.iloc[pos] if isinstance(value_col, pd.Series) else value_col
        problems.add(
            pos,
            column=variable,
            value=np.asarray(values, dtype=object),
            rule=_RULES.get(problem, Rule.UNKNOWN_VALUE),
            message=problem,
            organization=data["organization"].iloc[pos].to_numpy(),
            period=data["period"].iloc[pos].to_numpy(),
        )
    return problems.frame()


@attrs.frozen
class _Spec:
    """Which variables to read and how to check them."""

    needed: Collection[str]
    nonnegative: Collection[str]
    integer: Collection[str]
    source: str | None


def build_matrix(
    data: pd.DataFrame,
    needed: Collection[str],
    *,
    nonnegative: Collection[str] = (),
    integer: Collection[str] = (),
    source: str | None = None,
) -> VariableMatrix:
    """Validate ``data`` and arrange the ``needed`` variables as a matrix.

    Only variables in ``needed`` are read and validated; other variables in
    the data are ignored. Values of ``nonnegative`` variables below zero and
    fractional values of ``integer`` variables are invalid. Rows without
    organization or period cannot be placed and always raise
    :class:`DataError`.
    """
    if not isinstance(data, pd.DataFrame):
        raise DataError(f"data must be a pandas DataFrame, not {type(data).__name__}")
    require_columns(data, KEY_COLUMNS, source=source)
    spec = _Spec(needed, nonnegative, integer, source)
    return _from_long(data, spec) if is_long(data) else _from_wide(data, spec)


def _check_keys(
    data: pd.DataFrame,
    org: np.ndarray,
    per: np.ndarray,
    source: str | None,
    where: np.ndarray | None = None,
) -> None:
    bad = np.flatnonzero((org < 0) | (per < 0))
    if len(bad):
        if where is not None:
            bad = where[bad]
        cases = _problems(data, [(bad, "", np.full(len(bad), "", dtype=object), NO_KEY)])
        message = Message(
            "{n} row(s) have no organization or period (first: data row {first})",
            N_("{n} righe senza ente o periodo (la prima: riga {first})"),
            n=len(bad),
            first=int(bad[0]) + 1,
        )
        raise DataError(
            message,
            source=source,
            row=int(bad[0]) + 1,
            failure_cases=cases,
        )


def _fractional(values: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return np.isfinite(values) & (values != np.round(values))


def _from_long(data: pd.DataFrame, spec: _Spec) -> VariableMatrix:
    require_columns(data, LONG_COLUMNS, source=spec.source)
    var_codes_all, var_uniques = pd.factorize(data["variable"])
    wanted = [i for i, name in enumerate(var_uniques) if name in spec.needed]
    names = [str(var_uniques[i]) for i in wanted]
    remap = np.full(len(var_uniques) + 1, -1, dtype=np.int64)
    remap[wanted] = np.arange(len(wanted))
    var_all = remap[var_codes_all]  # -1 (the last slot) for unwanted and missing names
    if len(wanted) == len(var_uniques) and not (var_codes_all < 0).any():
        pos: np.ndarray | None = None
        sub = data
        var = var_all
    else:
        pos = np.flatnonzero(var_all >= 0)
        sub = data.iloc[pos]
        var = var_all[pos]
    org, org_labels = _factorize(sub["organization"])
    per, period_labels = _factorize(sub["period"])
    _check_keys(data, org, per, spec.source, pos)
    # the whole column, so that an ambiguous number is reported at its row in the data
    values, bad_number = to_numeric_column(data["value"], source=spec.source, column="value")
    if pos is not None:
        values, bad_number = values[pos], bad_number[pos]
    row, row_keys = _rows(org, per, max(len(period_labels), 1))
    n_rows, n_vars = len(row_keys), len(names)
    flat = var * n_rows + row
    counts = np.bincount(flat, minlength=n_rows * n_vars)
    duplicate = counts[flat] > 1
    negative = np.zeros(len(values), dtype=bool)
    nonneg_cols = [j for j, n in enumerate(names) if n in spec.nonnegative]
    if nonneg_cols:
        with np.errstate(invalid="ignore"):
            negative = (values < 0) & np.isin(var, nonneg_cols)
    fractional = np.zeros(len(values), dtype=bool)
    integer_cols = [j for j, n in enumerate(names) if n in spec.integer]
    if integer_cols:
        fractional = _fractional(values) & np.isin(var, integer_cols)
    invalid = bad_number | duplicate | negative | fractional
    matrix = np.full(n_rows * n_vars, np.nan)
    matrix[flat] = values
    status: np.ndarray | None = None
    problems_pieces: list[tuple[np.ndarray, Any, Any, str]] = []
    if invalid.any():
        flat_status = np.zeros(n_rows * n_vars, dtype=np.int8)
        flat_status[flat[invalid]] = _INVALID
        matrix[flat_status > 0] = np.nan
        status = flat_status.reshape((n_rows, n_vars), order="F")
        where = np.arange(len(values)) if pos is None else pos
        names_arr = np.asarray(names, dtype=object)
        raw = data["value"]
        for mask, problem in (
            (bad_number, NOT_A_NUMBER),
            (duplicate, DUPLICATE),
            (negative & ~bad_number, NEGATIVE),
            (fractional & ~bad_number, FRACTIONAL),
        ):
            idx = np.flatnonzero(mask)
            problems_pieces.append((where[idx], names_arr[var[idx]], raw, problem))
    return VariableMatrix(
        row_org=row_keys // max(len(period_labels), 1),
        row_period=row_keys % max(len(period_labels), 1),
        org_labels=org_labels,
        period_labels=period_labels,
        names=names,
        values=matrix.reshape((n_rows, n_vars), order="F"),
        status=status,
        problems=_problems(data, problems_pieces),
    )


def _from_wide(data: pd.DataFrame, spec: _Spec) -> VariableMatrix:
    names = [str(c) for c in data.columns if c not in KEY_COLUMNS and str(c) in spec.needed]
    org, org_labels = _factorize(data["organization"])
    per, period_labels = _factorize(data["period"])
    _check_keys(data, org, per, spec.source)
    n_per = max(len(period_labels), 1)
    row, row_keys = _rows(org, per, n_per)
    n_rows, n_vars = len(row_keys), len(names)
    duplicate = np.bincount(row, minlength=n_rows)[row] > 1
    matrix = np.full((n_rows, n_vars), np.nan, order="F")
    status = None
    pieces: list[tuple[np.ndarray, Any, Any, str]] = []
    dup_rows = row[duplicate]
    for j, name in enumerate(names):  # loop over the variables (columns), not the rows
        values, bad = to_numeric_column(data[name], source=spec.source, column=name)
        negative = np.zeros(len(values), dtype=bool)
        if name in spec.nonnegative:
            with np.errstate(invalid="ignore"):
                negative = (values < 0) & ~bad
        fractional = _fractional(values) if name in spec.integer else np.zeros(len(values), bool)
        matrix[row, j] = values
        invalid = bad | negative | fractional
        if invalid.any() or len(dup_rows):
            if status is None:
                status = np.zeros((n_rows, n_vars), dtype=np.int8, order="F")
            status[row[invalid], j] = _INVALID
            status[dup_rows, j] = _INVALID
            pieces.append((np.flatnonzero(bad), name, data[name], NOT_A_NUMBER))
            pieces.append((np.flatnonzero(negative), name, data[name], NEGATIVE))
            pieces.append((np.flatnonzero(fractional), name, data[name], FRACTIONAL))
    if len(dup_rows):
        dpos = np.flatnonzero(duplicate)
        pieces.append((dpos, "", np.full(len(dpos), "", dtype=object), DUPLICATE_ROW))
    if status is not None:
        matrix[status > 0] = np.nan
    return VariableMatrix(
        row_org=row_keys // n_per,
        row_period=row_keys % n_per,
        org_labels=org_labels,
        period_labels=period_labels,
        names=names,
        values=matrix,
        status=status,
        problems=_problems(data, pieces),
    )


def add_columns(matrix: VariableMatrix, columns: Mapping[str, Mapping[str, float]]) -> None:
    """Append variables given per organization (e.g. ``population``) to ``matrix``."""
    if not columns:
        return
    extra = np.full((matrix.n_rows, len(columns)), np.nan, order="F")
    for j, by_org in enumerate(columns.values()):
        per_label = pd.Series(by_org, dtype=float).reindex(matrix.org_labels.astype(str))
        extra[:, j] = per_label.to_numpy(dtype=float, na_value=np.nan)[matrix.row_org]
    matrix.values = np.asfortranarray(np.hstack([matrix.values, extra]))
    if matrix.status is not None:
        pad = np.zeros((matrix.n_rows, len(columns)), dtype=np.int8)
        matrix.status = np.asfortranarray(np.hstack([matrix.status, pad]))
    matrix.names = [*matrix.names, *columns]


UNKNOWN_VARIABLE = Message("unknown variable", N_("variabile sconosciuta"))


def known_variables(catalog: Catalog | None, definitions: Iterable[Any] = ()) -> set[str]:
    """Names a variable may have: declared, used by an indicator, or offered by organizations."""
    from qualitapa.indicators._definitions import organization_variables

    known = needed_variables(definitions)
    if catalog is not None:
        known |= set(catalog.variables)
        known |= needed_variables(catalog.indicators.values())
        known |= set(organization_variables(list(catalog.organizations.values())))
    return known


def unknown_variables(data: pd.DataFrame, known: Collection[str]) -> pd.DataFrame:
    """Problems for variables of ``data`` whose name is close to a known one (misspelt).

    Names far from every known variable are left alone: data may carry
    variables of services no plugin here describes, and wide data columns
    such as a city name or a note. Long data: one problem per row holding
    a misspelt name; wide data: one per misspelt column, ``row`` 0 (the
    header). Columns of :data:`PROBLEM_COLUMNS`.
    """
    names = sorted(known)
    closest: dict[str, str] = {}

    def misspelt(name: str) -> bool:
        if name in known:
            return False
        close = difflib.get_close_matches(name, names, n=1, cutoff=0.8)
        if close:
            closest[name] = close[0]
        return bool(close)

    def problem(name: str) -> str:
        return Message(
            "{unknown}; did you mean {name}?",
            N_("{unknown}; forse {name}?"),
            unknown=UNKNOWN_VARIABLE,
            name=repr(closest[name]),
        )

    problems = _collector()
    if is_long(data):
        codes, uniques = pd.factorize(data["variable"])
        bad = [i for i, name in enumerate(uniques) if misspelt(str(name))]
        text = np.array([problem(str(uniques[i])) for i in bad], dtype=object)
        lookup = np.full(len(uniques), -1, dtype=np.int64)
        lookup[bad] = np.arange(len(bad))
        slot = np.where(codes >= 0, lookup[np.maximum(codes, 0)], -1)
        pos = np.flatnonzero(slot >= 0)
        problems.add(pos, column=np.asarray(uniques, dtype=object)[codes[pos]],
                     value=data["value"].iloc[pos], rule=Rule.UNKNOWN_VALUE,
                     message=text[slot[pos]], organization=data["organization"].iloc[pos],
                     period=data["period"].iloc[pos])  # fmt: skip
        return problems.frame()
    for c in (str(c) for c in data.columns if c not in KEY_COLUMNS and misspelt(str(c))):
        problems.add([-1], column=c, value="", rule=Rule.UNKNOWN_VALUE, message=problem(c),
                     organization="", period="")  # fmt: skip
    return problems.frame()


def needed_variables(definitions: Iterable[Any]) -> set[str]:
    """Union of the variables of ``definitions``."""
    out: set[str] = set()
    for d in definitions:
        out |= set(d.variables)
    return out
