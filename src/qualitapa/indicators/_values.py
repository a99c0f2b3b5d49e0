"""Reading indicator values (the output of ``compute``) for benchmark, trends, targets."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import pandas as pd

from qualitapa.errors import DataError, DefinitionError, Message
from qualitapa.i18n import N_
from qualitapa.indicators._resolve import DefinitionsLike, resolve_definitions
from qualitapa.io import require_columns, to_numeric_column
from qualitapa.models import Polarity

if TYPE_CHECKING:
    from qualitapa.catalog import Catalog

#: Columns indicator values need.
VALUE_COLUMNS = ("organization", "period", "indicator", "value")


@attrs.define
class IndicatorValues:
    """Indicator values as integer codes and floats (internal)."""

    org: np.ndarray
    org_labels: pd.Index
    period: np.ndarray
    period_labels: pd.Index
    indicator: np.ndarray
    indicator_labels: pd.Index
    value: np.ndarray


def _codes(column: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Codes and sorted uniques, as ``pd.factorize(column, sort=True)`` gives them.

    Categorical columns (as :func:`compute` returns) take their codes from
    the column, and integer columns with a small range from an offset, rather
    than hashing every row; the result is the same.
    """
    fast = _category_codes(column) if isinstance(column.dtype, pd.CategoricalDtype) else None
    if fast is None:
        fast = _small_int_codes(column)
    if fast is not None:
        return fast
    codes, uniques = pd.factorize(column, sort=True)
    return np.asarray(codes, dtype=_code_dtype(len(uniques))), pd.Index(uniques)


def _code_dtype(n_uniques: int) -> type:
    return np.int32 if n_uniques < 2**31 - 1 else np.int64


def _category_codes(column: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Factorize a categorical column: its codes, renumbered over the categories used."""
    cat = column.array
    codes = np.asarray(cat.codes)
    n_cat = len(cat.categories)
    used = _counts(codes[codes >= 0] if (codes < 0).any() else codes, n_cat) > 0
    kept = np.flatnonzero(used)
    dtype = _code_dtype(len(kept))
    if len(kept) == n_cat:
        out: np.ndarray = codes.astype(dtype)
    else:  # unused categories: number the used ones 0, 1, ...
        table: np.ndarray = np.full(n_cat + 1, -1, dtype=dtype)
        table[kept] = np.arange(len(kept), dtype=dtype)
        out = table[codes]  # code -1 (missing) takes the last entry, -1
    uniques = pd.Categorical.from_codes(kept, dtype=cat.dtype)
    return out, pd.Index(uniques)


#: Codes counted per slice by :func:`_counts`.
_SLICE = 1 << 20


def _counts(codes: np.ndarray, size: int) -> np.ndarray:
    """``np.bincount(codes, minlength=size)`` of codes >= 0, a slice at a time.

    bincount copies its input to the platform integer; slices keep that copy small.
    """
    counts = np.zeros(size, dtype=np.int64)
    for start in range(0, len(codes), _SLICE):  # a loop over slices of a million rows
        counts += np.bincount(codes[start : start + _SLICE], minlength=size)
    return counts


#: Largest range of an integer key column coded by offset rather than hashing.
_MAX_OFFSET_RANGE = 1 << 22


def _small_int_codes(column: pd.Series) -> tuple[np.ndarray, pd.Index] | None:
    """Factorize a numpy integer column whose values span a small range (years), or None."""
    x = column.to_numpy() if column.dtype.kind in "iu" else None
    if x is None or len(x) == 0:
        return None
    lo, hi = x.min(), x.max()
    if int(hi) - int(lo) > min(_MAX_OFFSET_RANGE, 4 * len(x)):
        return None
    offset = np.empty(len(x), dtype=np.int32)
    np.subtract(x, lo, out=offset, casting="unsafe")  # < _MAX_OFFSET_RANGE: exact
    present = _counts(offset, int(hi) - int(lo) + 1) > 0
    kept = np.flatnonzero(present)
    if len(kept) == len(present):
        codes = offset
    else:
        codes = (np.cumsum(present) - 1).astype(np.int32)[offset]
    uniques = (kept + lo).astype(x.dtype) if x.dtype.kind == "i" else (kept.astype(x.dtype) + lo)
    return codes, pd.Index(uniques)


def read_values(values: pd.DataFrame, *, source: str | None = None) -> IndicatorValues:
    """Check and encode a frame of indicator values.

    Raises :class:`DataError` (with ``failure_cases``) for values that are
    not numbers, missing keys and duplicate (organization, period,
    indicator) rows. Infinite values count as missing.
    """
    if not isinstance(values, pd.DataFrame):
        raise DataError(f"values must be a pandas DataFrame, not {type(values).__name__}")
    require_columns(values, VALUE_COLUMNS, source=source)
    org, org_labels = _codes(values["organization"])
    per, per_labels = _codes(values["period"])
    ind, ind_labels = _codes(values["indicator"])
    v, bad = to_numeric_column(values["value"], source=source, column="value")
    no_key = (org < 0) | (per < 0) | (ind < 0)
    n_per, n_ind = max(len(per_labels), 1), max(len(ind_labels), 1)
    dup = _duplicates(org, per, ind, no_key, n_per, n_ind)
    problems = []
    for mask, text in (
        (bad, "not a number"),
        (no_key, "organization, period or indicator is missing"),
        (dup, "duplicate (organization, period, indicator)"),
    ):
        idx = np.flatnonzero(mask)
        if len(idx):
            problems.append(
                pd.DataFrame(
                    {
                        "row": idx + 1,
                        "organization": values["organization"].iloc[idx].to_numpy(),
                        "period": values["period"].iloc[idx].to_numpy(),
                        "indicator": values["indicator"].iloc[idx].to_numpy(),
                        "value": values["value"].iloc[idx].to_numpy(),
                        "problem": text,
                    }
                )
            )
    if problems:
        cases = pd.concat(problems, ignore_index=True).sort_values("row", ignore_index=True)
        first = cases.iloc[0]
        raise DataError(
            Message(
                "invalid indicator values; first: {problem}",
                N_("valori degli indicatori non validi; il primo: {problem}"),
                problem=first["problem"],  # a Message's text: said in the language
            ),
            source=source,
            row=int(first["row"]),
            failure_cases=cases,
        )
    if np.isinf(v).any():
        v = np.where(np.isfinite(v), v, np.nan)
    return IndicatorValues(org, org_labels, per, per_labels, ind, ind_labels, v)


def _duplicates(
    org: np.ndarray,
    per: np.ndarray,
    ind: np.ndarray,
    no_key: np.ndarray,
    n_per: int,
    n_ind: int,
) -> np.ndarray:
    """Rows whose (organization, period, indicator) key is on another row too.

    Keys that increase strictly from row to row (indicator, then organization,
    then period, as :func:`compute` orders its rows) are all different: one
    comparison of neighbours proves it, without counting every key.
    """
    n_org = int(org.max()) + 1 if len(org) else 1
    if not no_key.any():
        ordered = (ind.astype(np.int64) * n_org + org) * n_per + per
        if bool((ordered[1:] > ordered[:-1]).all()):
            return np.zeros(len(ordered), dtype=bool)
        del ordered
    key = (org.astype(np.int64) * n_per + per) * n_ind + ind
    key[no_key] = -1
    size = int(key.max()) + 1 if len(key) else 0
    if size <= max(4 * len(key), 1 << 20):
        counts = np.bincount(key[key >= 0], minlength=size)
        dup = np.zeros(len(key), dtype=bool)
        dup[key >= 0] = counts[key[key >= 0]] > 1
    else:
        _, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
        dup = (counts[inverse] > 1) & (key >= 0)
    return dup


def resolve_polarities(
    indicator_ids: pd.Index,
    definitions: DefinitionsLike | Mapping[str, Polarity | str] | None,
    catalog: Catalog | None,
) -> tuple[dict[str, Polarity], dict[str, Any]]:
    """Polarity (and definition, when known) of each indicator id.

    ``definitions`` may be anything :func:`compute` accepts, a mapping
    ``{indicator id: polarity}``, or None (ids are looked up in ``catalog``
    or the default catalog).
    """
    ids = [str(i) for i in indicator_ids]
    if isinstance(definitions, Mapping):
        pol: dict[str, Polarity] = {}
        for k, p in definitions.items():
            try:
                pol[str(k)] = p if isinstance(p, Polarity) else Polarity(str(p))
            except ValueError:
                raise DefinitionError(
                    f"{p!r} is not a polarity; use one of {[x.value for x in Polarity]}",
                    item=str(k),
                    field="polarity",
                ) from None
        missing = [i for i in ids if i not in pol]
        if missing:
            raise DefinitionError(f"no polarity given for indicator(s) {missing}")
        return pol, {}
    if definitions is None:
        defs, _ = resolve_definitions(ids, catalog)
    else:
        defs, _ = resolve_definitions(definitions, catalog)
    by_id = {d.id: d for d in defs}
    missing = [i for i in ids if i not in by_id]
    if missing:
        raise DefinitionError(
            Message(
                "the values contain indicator(s) {indicators} that are not among the definitions",
                N_("i valori contengono indicatori che non sono tra le definizioni: {indicators}"),
                indicators=", ".join(map(repr, missing)),
            )
        )
    return {i: by_id[i].polarity for i in ids}, {i: by_id[i] for i in ids}
