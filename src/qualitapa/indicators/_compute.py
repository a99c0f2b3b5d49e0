"""Computing indicators from raw data."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, get_args

import numpy as np
import pandas as pd

from qualitapa.errors import DataError, Message
from qualitapa.i18n import N_
from qualitapa.indicators._data import (
    VariableMatrix,
    add_columns,
    build_matrix,
    known_variables,
    needed_variables,
    unknown_variables,
)
from qualitapa.indicators._formula import ValueStatus
from qualitapa.indicators._resolve import (
    DefinitionsLike,
    organization_columns,
    resolve_definitions,
)
from qualitapa.problems import check_option

if TYPE_CHECKING:
    from qualitapa.catalog import Catalog

#: Columns of the frame :func:`compute` returns.
COMPUTE_COLUMNS = ("organization", "period", "indicator", "value", "status")
#: The values of the ``status`` column, in the order of :class:`ValueStatus` codes.
STATUS_LABELS = tuple(s.label for s in ValueStatus)

Errors = Literal["raise", "report"]


def _prepare(
    definitions: DefinitionsLike, data: pd.DataFrame, catalog: Catalog | None, source: str | None
) -> tuple[list[Any], VariableMatrix]:
    defs, catalog = resolve_definitions(definitions, catalog)
    # measured by a survey or the complaints (survey_indicators, complaint_indicators)
    defs = [d for d in defs if getattr(d, "source", None) is None]
    if catalog is not None:  # names and Excel-stripped codes -> the catalog's codes
        data = catalog.resolve_organizations(data, source=source)
    needed = needed_variables(defs)
    nonnegative = (
        {v.id for v in catalog.variables.values() if v.nonnegative}
        if catalog is not None
        else set()
    )
    integer = (
        {v.id for v in catalog.variables.values() if v.integer} if catalog is not None else set()
    )
    matrix = build_matrix(data, needed, nonnegative=nonnegative, integer=integer, source=source)
    missing = [n for n in sorted(needed) if n not in matrix.names]
    add_columns(matrix, organization_columns(catalog, missing))
    return defs, matrix


def check_data(
    data: pd.DataFrame,
    definitions: DefinitionsLike,
    *,
    catalog: Catalog | None = None,
    source: str | None = None,
) -> pd.DataFrame:
    """Problems in raw data for computing ``definitions``, one row per problem.

    The same checks :func:`compute` makes: values that are not numbers,
    duplicate (organization, period, variable) records (or duplicate
    organization-period rows in wide data), negative values of
    variables declared ``nonnegative`` in the catalog and fractional values
    of variables declared ``integer`` (counts). Only the variables
    the definitions need are checked; with a catalog, variables whose name
    is close to a known one but not one are reported too (misspelt, with
    the known name).

    Parameters
    ----------
    data
        Raw data, long or wide (see :func:`compute`).
    definitions
        As for :func:`compute`.
    catalog
        Catalog for ids, declared variables and organization records.
    source
        Name of the data (a file name) for error messages.

    Returns
    -------
    pandas.DataFrame
        Columns ``row`` (1-based data row, header excluded),
        ``organization``, ``period``, ``variable``, ``value`` (as given) and
        ``problem``. Empty when the data are clean.

    Examples
    --------
    >>> import pandas as pd
    >>> from qualitapa.indicators import IndicatorDefinition
    >>> ind = IndicatorDefinition("x.ratio", "Rapporto", "x", "quality", "a / b",
    ...                           "higher_is_better")
    >>> raw = pd.DataFrame({"organization": ["m1", "m1", "m1"], "period": 2024,
    ...                     "variable": ["a", "b", "b"], "value": ["3", "n/a", "4"]})
    >>> problems = check_data(raw, [ind])
    >>> problems["row"].tolist()
    [2, 2, 3]
    >>> problems["problem"].tolist()  # doctest: +NORMALIZE_WHITESPACE
    ['not a number', 'duplicate (organization, period, variable)',
     'duplicate (organization, period, variable)']
    """
    defs, matrix = _prepare(definitions, data, catalog, source)
    catalog = resolve_definitions(definitions, catalog)[1]
    if catalog is None:
        return matrix.problems
    unknown = unknown_variables(data, known_variables(catalog, defs))
    if unknown.empty:
        return matrix.problems
    both = pd.concat([matrix.problems, unknown], ignore_index=True)
    return both.sort_values(["row", "variable"], kind="stable", ignore_index=True)


def compute(
    definitions: DefinitionsLike,
    data: pd.DataFrame,
    *,
    catalog: Catalog | None = None,
    source: str | None = None,
    errors: Errors = "raise",
) -> pd.DataFrame:
    """Compute indicators for every organization and period in ``data``.

    Parameters
    ----------
    definitions
        A :class:`~qualitapa.Catalog` (all its indicators), an
        :class:`~qualitapa.indicators.IndicatorDefinition`, an indicator
        id, or a list of definitions and ids (ids are looked up in
        ``catalog``, or in :func:`qualitapa.default_catalog`). Indicators
        with a ``source`` (measured by a survey or the complaints register)
        are not computed from raw data: :func:`survey_indicators` and
        :func:`complaint_indicators` give their values.
    data
        Raw data, either tidy (columns ``organization, period, variable,
        value``) or wide (columns ``organization, period`` and one column
        per variable). Variables no definition needs are ignored.
    catalog
        Where ids are looked up, variables are declared (``nonnegative``)
        and organization records offer variables: ``population`` and each
        organization's ``attributes`` are available to formulas when the
        data lack that variable. Defaults to ``definitions`` when it is a
        Catalog.
    source
        Name of the data (a file name) for error messages.
    errors
        ``"raise"`` (default): invalid input (values that are not numbers,
        duplicate records, negative values of nonnegative variables,
        fractional values of integer variables) raises
        one :class:`~qualitapa.errors.DataError` whose ``failure_cases``
        lists every problem. ``"report"``: invalid cells are not used and
        the indicators that need them get status ``invalid_input`` (see
        :func:`check_data` for the problems table).

    Returns
    -------
    pandas.DataFrame
        One row per indicator, organization and period (in that order;
        a local indicator, whose definition lists ``organizations``, only
        for those organizations), columns:

        ``organization`` (categorical), ``period`` (as in the data;
        categorical when not numeric), ``indicator`` (categorical, in the
        order of ``definitions``), ``value`` (float, the formula times the
        indicator's ``scale``; NaN when it cannot be computed) and
        ``status`` (categorical): ``ok``; ``missing_variable`` (a variable
        is absent for that row); ``zero_denominator``; ``invalid_input``
        (a variable failed validation, with ``errors="report"``);
        ``not_finite`` (the result overflowed).

    Raises
    ------
    DataError
        Invalid input with ``errors="raise"``; rows without organization or
        period (always).
    UnknownItemError
        An id is not in the catalog.

    Examples
    --------
    >>> import pandas as pd
    >>> from qualitapa.indicators import IndicatorDefinition
    >>> per_fte = IndicatorDefinition(
    ...     "registry.certificates_per_fte", "Certificati per addetto", "registry",
    ...     "efficiency", "certificates / fte", "higher_is_better")
    >>> raw = pd.DataFrame({
    ...     "organization": ["modena", "modena", "parma", "parma", "reggio"],
    ...     "period": 2024,
    ...     "variable": ["certificates", "fte", "certificates", "fte", "certificates"],
    ...     "value": [12000, 8, 9000, 0, 7000]})
    >>> compute([per_fte], raw)[["organization", "value", "status"]]
      organization   value            status
    0       modena  1500.0                ok
    1        parma     NaN  zero_denominator
    2       reggio     NaN  missing_variable
    """
    check_option("errors", errors, get_args(Errors))
    defs, matrix = _prepare(definitions, data, catalog, source)
    if errors == "raise" and len(matrix.problems):
        first = matrix.problems.iloc[0]
        raise DataError(
            Message(
                "{n} invalid value(s) in the data; first: data row {row}, variable {variable}, "
                "value {value}: {problem} (errors='report', or --errors report on the command "
                "line, computes the rest)",
                N_(
                    "valori non validi nei dati: {n}; il primo: riga {row}, variabile {variable}, "
                    "valore {value}: {problem} (errors='report', o --errors report sulla riga di "
                    "comando, calcola il resto)"
                ),
                n=len(matrix.problems),
                row=first["row"],
                variable=repr(first["variable"]),
                value=repr(first["value"]),
                problem=first["problem"],  # a Message's text: said in the language
            ),
            source=source,
            failure_cases=matrix.problems,
        )
    return _evaluate(defs, matrix)


def _evaluate(defs: list[Any], matrix: VariableMatrix) -> pd.DataFrame:
    n, k = matrix.n_rows, len(defs)
    col = {name: j for j, name in enumerate(matrix.names)}
    values = np.empty((k, n), dtype=np.float64)
    status = np.empty((k, n), dtype=np.int8)
    for i, d in enumerate(defs):  # loop over indicators; each formula runs over all rows
        columns: dict[str, Any] = {}
        given: dict[str, np.ndarray] = {}
        for name in d.variables:
            if name in col:
                columns[name] = matrix.values[:, col[name]]
                if matrix.status is not None:
                    given[name] = matrix.status[:, col[name]]
            else:
                columns[name] = np.nan
        res = d.formula.evaluate_with_status(columns, input_status=given or None)
        values[i] = res.values  # broadcasts a formula without variables
        status[i] = res.status
        if d.scale != 1.0:
            with np.errstate(over="ignore"):
                values[i] *= d.scale
            overflow = np.isinf(values[i])
            if overflow.any():
                values[i][overflow] = np.nan
                status[i][overflow] = ValueStatus.NOT_FINITE
    # codes built here are valid and in the categories' own code width: no checks, no copies
    org_labels = pd.Index(matrix.org_labels.astype(str))
    org = pd.Categorical.from_codes(
        np.tile(matrix.row_org.astype(_code_dtype(len(org_labels))), k),
        categories=org_labels,
        validate=False,
    )
    labels = matrix.period_labels
    period_codes: np.ndarray = np.tile(matrix.row_period.astype(_code_dtype(len(labels))), k)
    if pd.api.types.is_numeric_dtype(labels.dtype) and not pd.api.types.is_bool_dtype(labels.dtype):
        period: Any = labels.to_numpy()[period_codes]
    else:
        period = pd.Categorical.from_codes(
            period_codes, categories=labels.astype(str), ordered=True, validate=False
        )
    indicator = pd.Categorical.from_codes(
        np.repeat(np.arange(k, dtype=_code_dtype(k)), n),
        categories=pd.Index([d.id for d in defs]),
        validate=False,
    )
    status_col = pd.Categorical.from_codes(
        status.ravel(), categories=pd.Index(STATUS_LABELS), validate=False
    )
    frame = pd.DataFrame(
        {
            "organization": org,
            "period": period,
            "indicator": indicator,
            "value": values.ravel(),
            "status": status_col,
        },
        copy=False,
    )
    return _local_scope(frame, defs, matrix)


def _code_dtype(n_categories: int) -> type:
    """The integer type pandas keeps the codes of ``n_categories`` categories in."""
    for dtype in (np.int8, np.int16, np.int32):
        if n_categories < np.iinfo(dtype).max:
            return dtype
    return np.int64


def _local_scope(frame: pd.DataFrame, defs: list[Any], matrix: VariableMatrix) -> pd.DataFrame:
    """Keep a local indicator's rows for its own organizations only."""
    local = [i for i, d in enumerate(defs) if getattr(d, "organizations", ())]
    if not local:
        return frame
    n = matrix.n_rows
    keep = np.ones((len(defs), n), dtype=bool)
    row_org = matrix.org_labels.astype(str).to_numpy()[matrix.row_org]
    for i in local:  # a loop over the few local indicators, not over rows
        keep[i] = np.isin(row_org, defs[i].organizations)
    return frame.loc[keep.ravel()].reset_index(drop=True)
