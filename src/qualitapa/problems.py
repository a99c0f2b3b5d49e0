"""One way to report problems in input data (pandera's lazy validation).

Every validator in qualitapa collects the faults of its input in a
:class:`Problems` collector and hands them back as one table, with the
core columns :data:`CORE_COLUMNS` (``source, row, column, value, rule,
message``) followed by the domain's extra columns (``respondent``,
``organization``, ``action`` ...). The collector is *lazy* by default:
it gathers every problem and reports them together, as pandera's
``validate(lazy=True)`` does; with ``lazy=False`` it raises at the first
check that fails.

Conventions
-----------
- ``check_*`` functions return the problems table (a DataFrame).
- ``validate_*`` functions return ``(clean, problems)`` and raise a
  :class:`~qualitapa.errors.DataError` (its ``failure_cases`` is the
  problems table) in strict mode.
- A bad option (a mode, a method name...) raises
  :class:`~qualitapa.errors.OptionError`, a ``ValueError``
  (:func:`check_option`).

A module whose problems table had its own column names before this
convention publishes the collector's table under those names with a
``layout`` (published name -> collector column).

Examples
--------
>>> import numpy as np
>>> from qualitapa.problems import Problems, Rule
>>> problems = Problems(source="raw.csv")
>>> problems.add(np.array([False, True, True]), column="value", value=["1", "x", "-2"],
...              rule=Rule.NOT_A_NUMBER, message="not a number")
>>> problems.add(None, column="weight", rule=Rule.MISSING_COLUMN, message="no column")
>>> problems.frame()[["row", "column", "value", "rule"]]
    row  column value            rule
0     2   value     x    not_a_number
1     3   value    -2    not_a_number
2  <NA>  weight  None  missing_column
>>> problems.to_error("invalid data")
DataError("raw.csv, row 2, column 'value': invalid data (3 problem(s); see .failure_cases)")
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from qualitapa.errors import DataError, OptionError

__all__ = [
    "CORE_COLUMNS",
    "Problems",
    "Rule",
    "check_option",
    "empty_problems",
]

#: The columns every problems table starts with.
CORE_COLUMNS: tuple[str, ...] = ("source", "row", "column", "value", "rule", "message")


class Rule(enum.StrEnum):
    """The kinds of check qualitapa's validators apply (the ``rule`` column).

    The values are stable identifiers, safe to filter on and to store.
    """

    #: A required column is absent.
    MISSING_COLUMN = "missing_column"
    #: A column nobody expects (possibly misspelt).
    UNKNOWN_COLUMN = "unknown_column"
    #: A required value is empty.
    REQUIRED = "required"
    #: A row without the id of its respondent.
    MISSING_RESPONDENT = "missing_respondent"
    #: A whole row repeats another one.
    DUPLICATE_ROW = "duplicate_row"
    #: A respondent answers twice.
    DUPLICATE_RESPONDENT = "duplicate_respondent"
    #: A key (id, organization-period-variable...) repeats.
    DUPLICATE = "duplicate"
    #: A value that should be a number is not.
    NOT_A_NUMBER = "not_a_number"
    #: A value that should be a date or a date-time is not.
    NOT_A_DATE = "not_a_date"
    #: A number below zero where counts and amounts cannot be negative.
    NEGATIVE = "negative"
    #: A fractional number where a whole number is needed.
    NOT_INTEGER = "not_integer"
    #: A number outside its range (0-100, a finite number...).
    OUT_OF_RANGE = "out_of_range"
    #: An answer outside the question's scale.
    OUT_OF_SCALE = "out_of_scale"
    #: A code that is not among the question's choices.
    UNKNOWN_CODE = "unknown_code"
    #: A value naming nothing known (a service, a sub-criterion, a variable).
    UNKNOWN_VALUE = "unknown_value"
    #: A value that is not well formed (an id, a name, a licence...).
    INVALID = "invalid"
    #: A value that contradicts another one (dates out of order, status and outcome).
    INCONSISTENT = "inconsistent"
    #: Something that must be there as a whole is incomplete.
    INCOMPLETE = "incomplete"
    #: A time later than now.
    IN_FUTURE = "in_future"
    #: Text that cannot be stored (not valid Unicode).
    NOT_UNICODE = "not_unicode"
    #: An answer to a question that does not apply (its relevance is false).
    NOT_RELEVANT = "not_relevant"
    #: An answer that breaks the question's constraint.
    CONSTRAINT = "constraint"
    #: A file that is missing, unreadable or not what its description says.
    FILE = "file"
    #: A description (a descriptor, a schema) that is wrong.
    SCHEMA = "schema"


def check_option(name: str, value: Any, allowed: Iterable[Any]) -> None:
    """Raise :class:`~qualitapa.errors.OptionError` unless ``value`` is ``allowed``.

    Examples
    --------
    >>> check_option("mode", "strict", ("lenient", "strict"))
    >>> check_option("mode", "lax", ("lenient", "strict"))
    Traceback (most recent call last):
    ...
    qualitapa.errors.OptionError: mode must be 'lenient' or 'strict', not 'lax'
    """
    choices = list(allowed)
    if value in choices:
        return
    names = [repr(c) for c in choices]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
    raise OptionError(f"{name} must be {listed}, not {value!r}", option=name, value=value)


def empty_problems(
    extras: Sequence[str] = (), *, layout: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """An empty problems table with the core columns and ``extras`` (or ``layout``)."""
    return Problems(extras=extras, layout=layout).frame()


def _cells(values: Any, idx: np.ndarray, n: int | None) -> np.ndarray:
    """``values`` at positions ``idx``: a scalar repeated, or an array of length ``n`` taken."""
    if isinstance(values, pd.Series | pd.Index):
        arr = values.to_numpy(dtype=object)
    elif isinstance(values, np.ndarray | list | tuple):
        arr = np.asarray(values, dtype=object)
    else:
        out = np.empty(len(idx), dtype=object)
        out.fill(values.value if isinstance(values, enum.Enum) else values)
        return out
    if arr.ndim == 1 and n is not None and len(arr) == n:
        return arr[idx]
    if arr.ndim == 1 and len(arr) == len(idx):
        return arr
    raise ValueError(f"{len(arr)} values for {len(idx)} problems")  # a bug, not bad input


def _sort_key(values: pd.Series, first_met: bool) -> np.ndarray:
    """Codes that sort ``values``: numbers as they are, text in order, missing last.

    With ``first_met`` the values keep the order they were first met in.
    """
    if first_met:
        return pd.factorize(values, use_na_sentinel=False)[0]
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values):
        return values.to_numpy(dtype=float, na_value=np.inf)
    try:
        codes, uniques = pd.factorize(values, sort=True)
    except TypeError:  # numbers and text mixed: compare as text
        codes, uniques = pd.factorize(values.map(lambda v: v if pd.isna(v) else str(v)), sort=True)
    return np.where(codes < 0, len(uniques), codes)


class Problems:
    """A collector of problems: one table, every fault, then one error.

    Parameters
    ----------
    source
        The file or frame name the data came from (the ``source`` column,
        unless a problem names its own).
    extras
        The domain's extra columns, after the core ones, in this order.
    lazy
        Collect every problem (the default); ``False`` raises the error at
        the first check that finds one (with that check's problems).
    what
        What is validated, for the default error message
        (``"invalid {what}: ..."``).
    order
        Columns the table is sorted by (stably, missing rows last); by
        default ``source`` (in the order sources were first met), ``row``
        and ``column``. An empty tuple keeps the order of discovery.
    layout
        Publish the table under other column names: a mapping of published
        name to collector column, in the published order. Columns not
        named are left out.
    rows
        The 1-based data row of each position, when the data checked are
        a subset of a file (default: position + 1).

    Examples
    --------
    >>> import numpy as np
    >>> strict = Problems(lazy=False, what="scores")
    >>> strict.add(np.array([True]), column="score", value=[120], rule=Rule.OUT_OF_RANGE,
    ...            message="score outside 0-100")
    Traceback (most recent call last):
    ...
    qualitapa.errors.DataError: row 1, column 'score': invalid scores: score outside 0-100 ...
    """

    def __init__(
        self,
        *,
        source: str | None = None,
        extras: Sequence[str] = (),
        lazy: bool = True,
        what: str = "data",
        order: Sequence[str] | None = None,
        layout: Mapping[str, str] | None = None,
        rows: np.ndarray | None = None,
    ) -> None:
        self.source = source
        self.row_numbers = rows
        self.extras = tuple(extras)
        self.lazy = lazy
        self.what = what
        self.order = ("source", "row", "column") if order is None else tuple(order)
        self.layout = dict(layout) if layout is not None else None
        self.columns = CORE_COLUMNS + self.extras
        unknown = set(self.layout.values()) - set(self.columns) if self.layout else set()
        if unknown:
            raise ValueError(f"layout names columns the collector lacks: {sorted(unknown)}")
        self._parts: list[pd.DataFrame] = []
        self._other_sources = False

    def __len__(self) -> int:
        return sum(len(p) for p in self._parts)

    def __bool__(self) -> bool:
        return bool(self._parts)

    def add(
        self,
        where: Any,
        *,
        column: Any,
        rule: Rule | str,
        message: Any,
        value: Any = None,
        source: Any = None,
        **extras: Any,
    ) -> None:
        """Add one problem per flagged row.

        Parameters
        ----------
        where
            A boolean mask over the data rows, the 0-based positions of
            the faulty rows (``row`` is position + 1), or None for one
            problem of a column or a file (no ``row``).
        column, rule, message, value, source, **extras
            A scalar for all the flagged rows, or an array: either aligned
            with the mask (length of the data) or one item per problem.
        """
        arr = np.asarray(where)
        n: int | None = None
        if where is None:  # one problem of a column or a file, no row
            idx = np.zeros(1, dtype=np.int64)
        elif arr.dtype == bool:
            n = len(arr)
            idx = np.flatnonzero(arr)
        else:
            idx = arr.astype(np.int64).reshape(-1)
        if idx.size == 0:
            return
        if where is None:
            rows = pd.array([None], dtype="Int64")
        else:
            numbers = idx + 1 if self.row_numbers is None else self.row_numbers[idx]
            rows = pd.array(numbers, dtype="Int64")
        self._other_sources |= source is not None
        cells = {
            "source": _cells(self.source if source is None else source, idx, n),
            "row": rows,
            "column": _cells(column, idx, n),
            "value": _cells(value, idx, n),
            "rule": _cells(Rule(rule).value, idx, n),
            "message": _cells(message, idx, n),
        }
        self._append(cells, extras, idx, n)

    def extend(self, table: pd.DataFrame) -> None:
        """Add the rows of another problems table with the collector's columns."""
        if len(table):
            missing = [c for c in self.columns if c not in table.columns]
            if missing:
                raise ValueError(f"problems table without columns {missing}")
            self._parts.append(table[list(self.columns)].reset_index(drop=True))
            self._other_sources = True
            if not self.lazy:
                raise self.to_error()

    def _append(
        self, cells: dict[str, Any], extras: Mapping[str, Any], idx: np.ndarray, n: int | None
    ) -> None:
        unknown = set(extras) - set(self.extras)
        if unknown:
            raise TypeError(f"columns not declared as extras: {sorted(unknown)}")
        for name in self.extras:
            cells[name] = _cells(extras.get(name), idx, n)
        part = pd.DataFrame(cells, columns=list(self.columns))
        self._parts.append(part)
        if not self.lazy:
            raise self._error(self._sorted(part), None)

    def _sorted(self, table: pd.DataFrame) -> pd.DataFrame:
        keys = [c for c in self.order if c in table.columns]
        if not self._other_sources:  # one source: nothing to sort by
            keys = [c for c in keys if c != "source"]
        if not keys or len(table) < 2:
            return table.reset_index(drop=True)
        # one integer or float code per key, missing last; np.lexsort is stable
        order = np.lexsort([_sort_key(table[key], key == "source") for key in reversed(keys)])
        return table.iloc[order].reset_index(drop=True)

    def table(self) -> pd.DataFrame:
        """The problems with the collector's own columns (core + extras), sorted."""
        if not self._parts:
            frame = pd.DataFrame({c: pd.Series(dtype=object) for c in self.columns})
            frame["row"] = frame["row"].astype("Int64")
            return frame
        return self._sorted(pd.concat(self._parts, ignore_index=True))

    def frame(self) -> pd.DataFrame:
        """The problems table as published (the ``layout``'s names, if any)."""
        return self._publish(self.table())

    def _publish(self, table: pd.DataFrame) -> pd.DataFrame:
        if self.layout is None:
            return table
        return pd.DataFrame({name: table[col] for name, col in self.layout.items()})

    def bad_rows(self) -> np.ndarray:
        """The distinct 1-based rows with a problem, ascending."""
        if not self._parts:
            return np.zeros(0, dtype=np.int64)
        rows = pd.concat([p["row"] for p in self._parts]).dropna()
        return np.unique(rows.to_numpy(dtype=np.int64))

    def to_error(
        self, message: str | None = None, *, error: type[DataError] = DataError
    ) -> DataError:
        """One error carrying every problem (``failure_cases``), the first one located.

        ``message`` replaces the default ``invalid {what}: {first message}
        (value ...)``.
        """
        return self._error(self.table(), message, error)

    def _error(
        self, table: pd.DataFrame, message: str | None, error: type[DataError] = DataError
    ) -> DataError:
        if not len(table):
            raise ValueError("no problems to report")  # a bug, not bad input
        first = table.iloc[0]
        if message is None:
            message = f"invalid {self.what}: {first['message']}"
            if first["value"] is not None and not pd.isna(first["value"]):
                message += f" (value {first['value']!r})"
        row = None if pd.isna(first["row"]) else int(first["row"])
        column = None if first["column"] is None or pd.isna(first["column"]) else first["column"]
        source = first["source"] if isinstance(first["source"], str) else self.source
        return error(
            message,
            source=source,
            row=row,
            column=None if column is None else str(column),
            failure_cases=self._publish(table),
        )

    def raise_if_any(
        self, message: str | None = None, *, error: type[DataError] = DataError
    ) -> None:
        """Raise :meth:`to_error` when any problem was collected."""
        if self._parts:
            raise self.to_error(message, error=error)

    def missing_columns(self, frame: pd.DataFrame, columns: Iterable[str]) -> list[str]:
        """Add a ``missing_column`` problem for each of ``columns`` ``frame`` lacks; return them.

        The message is :func:`qualitapa.io.require_columns`' (the columns
        found, and a workbook's sheets).

        Examples
        --------
        >>> problems = Problems(source="raw.csv")
        >>> problems.missing_columns(pd.DataFrame({"a": [1]}), ["a", "b"])
        ['b']
        >>> problems.frame()[["row", "column", "rule", "message"]].values.tolist()
        [[<NA>, 'b', 'missing_column', "required column is missing (found: ['a'])"]]
        """
        from qualitapa.io import require_columns

        missing = [c for c in columns if c not in frame.columns]
        for column in missing:
            try:
                require_columns(frame, [column], source=self.source)
            except DataError as exc:
                self.add(None, column=column, rule=Rule.MISSING_COLUMN, message=exc.message)
        return missing

    def split(self, frame: pd.DataFrame, mode: str) -> tuple[pd.DataFrame, pd.DataFrame]:
        """What a ``validate_*`` function returns: ``(clean, problems)``.

        ``clean`` is ``frame`` (the checked rows, one per data row) without the
        rows that have a problem, or no row at all when a column is missing;
        with ``mode="strict"`` any problem raises :meth:`to_error` instead.

        Raises
        ------
        DataError
            In strict mode, when any problem was collected.
        OptionError
            ``mode`` is not ``"lenient"`` or ``"strict"``.

        Examples
        --------
        >>> import numpy as np
        >>> frame = pd.DataFrame({"score": ["50", "x", "70"]})
        >>> problems = Problems(what="scores")
        >>> problems.add(np.array([False, True, False]), column="score", value=frame["score"],
        ...              rule=Rule.NOT_A_NUMBER, message="not a number")
        >>> clean, table = problems.split(frame, "lenient")
        >>> clean["score"].tolist(), table["row"].tolist()
        (['50', '70'], [2])
        """
        check_option("mode", mode, ("lenient", "strict"))
        if mode == "strict":
            self.raise_if_any()
        table = self.table()
        if (table["rule"] == Rule.MISSING_COLUMN.value).any():
            return frame.iloc[:0], self._publish(table)
        rows = np.arange(1, len(frame) + 1) if self.row_numbers is None else self.row_numbers
        keep = ~np.isin(rows, self.bad_rows())
        return frame.iloc[np.flatnonzero(keep)], self._publish(table)
