"""A benchmarking round: check the files the cities send back, merge them, say what is missing.

The coordinating city sends each city a data-collection template
(:func:`qualitapa._data_templates.write_indicator_template`); the cities
send back filled workbooks, or their own CSV and Excel exports.
:func:`collect` reads every file, checks each as the indicators' checks do
(:func:`qualitapa.indicators.check_data`: numbers, duplicates, negatives,
fractions of counts, misspelt variables), merges the valid values into one
tidy table with the file each row comes from, and tells for each
organization, period and required variable whether it was sent, is
missing or is invalid (:data:`STATUSES`); with the previous round's merged
table, which values changed.

"Required" is what the indicators of the round's services need from each
organization (local indicators only from the organizations they list),
apart from what the catalog's organization records give (population):
:func:`qualitapa._data_templates.required_variables`.

The public names are :mod:`qualitapa.rounds`'s; its description has an
example of a round.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import attrs
import numpy as np
import pandas as pd

from qualitapa._data_templates import read_template_source, required_variables
from qualitapa.errors import DataError
from qualitapa.indicators import check_data
from qualitapa.io import PROVENANCE_COLUMNS, merge_sources, read_sources

if TYPE_CHECKING:
    from qualitapa.catalog import Catalog

__all__ = [
    "CHANGES_COLUMNS",
    "COMPLETENESS_COLUMNS",
    "PROBLEM_COLUMNS",
    "STATUSES",
    "RoundData",
    "Status",
    "collect",
    "completeness_matrix",
]

#: What became of a required value: sent (and valid), missing (not given, or
#: a blank cell), invalid (given, but refused by the checks).
Status = Literal["sent", "missing", "invalid"]
STATUSES: tuple[Status, ...] = ("sent", "missing", "invalid")
#: Columns of :attr:`RoundData.completeness`.
COMPLETENESS_COLUMNS = (
    "organization",
    "period",
    "service",
    "variable",
    "required",
    "status",
    "source",
)
#: Columns of :attr:`RoundData.problems`.
PROBLEM_COLUMNS = (
    "source",
    "source_sheet",
    "source_row",
    "organization",
    "period",
    "variable",
    "value",
    "problem",
)
#: Columns of :attr:`RoundData.changes`.
CHANGES_COLUMNS = ("organization", "period", "variable", "previous", "value", "source")
_KEYS = ["organization", "period", "variable"]
_CONFLICT = "a different value for the same record in another file"


@attrs.frozen
class RoundData:
    """What :func:`collect` found in the files of a round.

    Attributes
    ----------
    data
        The merged valid values: ``organization, period, variable, value``
        and :data:`~qualitapa.io.PROVENANCE_COLUMNS` (the file, sheet and
        row of each value).
    problems
        One row per problem (:data:`PROBLEM_COLUMNS`): a file that cannot be
        read, a value the checks refuse, a record two files give with
        different values.
    completeness
        One row per organization, period and variable expected or sent
        (:data:`COMPLETENESS_COLUMNS`); ``status`` is one of
        :data:`STATUSES`.
    changes
        The values that differ from the previous round's
        (:data:`CHANGES_COLUMNS`); empty without a previous round.
    """

    data: pd.DataFrame
    problems: pd.DataFrame
    completeness: pd.DataFrame
    changes: pd.DataFrame

    @property
    def complete(self) -> bool:
        """Every file read, and every required value sent and valid."""
        required = self.completeness[self.completeness["required"]]
        return bool(self.problems.empty and (required["status"] == "sent").all())


def _file_problem(name: str, exc: DataError) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source": [name],
            "source_sheet": [None],
            "source_row": [exc.row],
            "organization": [None],
            "period": [None],
            "variable": [exc.column],
            "value": [None],
            "problem": [exc.summary if exc.source is None else exc.message],
        }
    )


def _read(
    source: str | Path, catalog: Catalog, options: dict[str, Any]
) -> tuple[pd.DataFrame, str]:
    """One file as long raw data with its provenance, ``required`` and ``service`` columns."""
    name = str(source)
    template = read_template_source(name, options.get("limits"))
    if template is not None:
        return catalog.resolve_organizations(template, source=name), name
    frame = read_sources([source], catalog=catalog, provenance=True, **options)
    frame = merge_sources([frame])[0]  # a wide table as long data
    if "variable" not in frame.columns or "value" not in frame.columns:
        raise DataError(
            "not raw data: give organization, period, variable, value (or one column per "
            "variable), or a filled template",
            source=name,
        )
    return frame.assign(required=False, service=None), name


def _check(
    frame: pd.DataFrame, catalog: Catalog, services: Sequence[str], name: str
) -> tuple[pd.DataFrame, np.ndarray]:
    """The problems of one file's non-blank values, and which rows they concern."""
    defs = [
        d
        for s in services
        for d in catalog.indicators.by_service(s)
        if not d.organizations or set(d.organizations) & set(frame["organization"].astype(str))
    ] or list(catalog.indicators.values())
    data = frame[[*_KEYS, "value"]].reset_index(drop=True)
    problems = check_data(data, defs, catalog=catalog, source=name)
    bad = np.zeros(len(frame), dtype=bool)
    if problems.empty:
        return problems, bad
    rows = problems["row"].astype("Int64")
    known = rows.notna().to_numpy()
    positions = rows[known].to_numpy(dtype=np.int64) - 1
    bad[positions] = True
    at = frame.iloc[positions]
    out = pd.DataFrame(
        {
            "source": name,
            "source_sheet": np.asarray(at["source_sheet"], dtype=object),
            "source_row": np.asarray(at["source_row"]),
            "organization": problems.loc[known, "organization"].to_numpy(dtype=object),
            "period": problems.loc[known, "period"].to_numpy(dtype=object),
            "variable": problems.loc[known, "variable"].to_numpy(dtype=object),
            "value": problems.loc[known, "value"].to_numpy(dtype=object),
            "problem": problems.loc[known, "problem"].to_numpy(dtype=object),
        }
    )
    return out, bad


def _root_services(catalog: Catalog, variables: Iterable[str]) -> list[str]:
    """The top services of the variables' services (``registry`` for ``registry.civil_status``)."""
    out: set[str] = set()
    for name in variables:
        variable = catalog.variables.get(name)
        service = variable.service if variable is not None else None
        while service is not None and service in catalog.services:
            parent = catalog.services[service].parent
            if parent is None:
                out.add(service)
                break
            service = parent
    return sorted(out)


def _round_services(
    catalog: Catalog, services: Sequence[str], read: pd.DataFrame, variables: Iterable[object]
) -> list[str]:
    """The services given, else the templates' (``read``'s ``service``), else the variables'."""
    templates = sorted(set(read["service"].dropna())) if "service" in read.columns else []
    return list(services) or templates or _root_services(catalog, map(str, variables))


def _variables(seen: pd.DataFrame, merged: pd.DataFrame) -> list[str]:
    """Every variable of the files read, valid or not."""
    frame = seen if "variable" in seen.columns else merged
    return [str(v) for v in frame["variable"].dropna().unique()]


def _expected(
    catalog: Catalog,
    services: Sequence[str],
    organizations: Sequence[str],
    periods: Sequence[object],
) -> pd.DataFrame:
    rows = [
        (org, period, service, variable)
        for service in services
        for org in organizations
        for variable in required_variables(catalog, service, org)
        for period in periods
    ]
    return pd.DataFrame(rows, columns=["organization", "period", "service", "variable"])


def _key(frame: pd.DataFrame) -> pd.Series:
    return (
        frame["organization"].astype(str)
        + "\x1f"
        + frame["period"].astype(str)
        + "\x1f"
        + frame["variable"].astype(str)
    )


def _changes(data: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    old = merge_sources([previous.assign(source="", source_sheet=None, source_row=0)])[0]
    if not set(_KEYS) <= set(old.columns) or "value" not in old.columns:
        raise DataError("the previous round's file has no organization, period, variable, value")
    old = old.drop_duplicates(_KEYS, keep="last")
    both = data.assign(_k=_key(data)).merge(
        old.assign(_k=_key(old))[["_k", "value"]].rename(columns={"value": "previous"}),
        on="_k",
        how="inner",
    )
    new = pd.to_numeric(both["value"], errors="coerce")
    was = pd.to_numeric(both["previous"], errors="coerce")
    same = (new == was) | (new.isna() & was.isna())
    changed = both[~same.to_numpy(dtype=bool)]
    return changed[list(CHANGES_COLUMNS)].reset_index(drop=True)


def collect(
    sources: Sequence[str | Path],
    *,
    catalog: Catalog,
    services: Sequence[str] = (),
    organizations: Sequence[str] = (),
    periods: Sequence[object] = (),
    previous: pd.DataFrame | None = None,
    **options: Any,
) -> RoundData:
    """Read, check and merge the files of a round; tell what is sent, missing or invalid.

    Parameters
    ----------
    sources
        The files the cities sent back (filled templates, CSV, Excel...) and
        dataset ids.
    catalog
        Where services, variables, indicators and organizations are defined.
    services
        The round's services; default: those of the templates, else those
        of the variables sent.
    organizations
        The organizations expected to send data (codes or names); default:
        those the templates are for, and those in the files.
    periods
        The periods collected; default: those in the files.
    previous
        The previous round's merged table (``organization, period,
        variable, value``): :attr:`RoundData.changes` lists the values that
        differ from it.
    **options
        Reading options of :func:`qualitapa.io.read_table`.

    Returns
    -------
    RoundData

    Raises
    ------
    UnknownItemError
        An unknown service or organization.
    """
    for s in services:
        catalog.services[s]  # unknown service -> error with suggestions
    wanted = [catalog.resolve_organization(o) for o in organizations]
    frames: list[pd.DataFrame] = []
    problems: list[pd.DataFrame] = []
    seen: list[pd.DataFrame] = []
    for source in sources:
        name = str(source)
        try:
            frame, name = _read(source, catalog, dict(options))
            seen.append(frame)
            filled = frame[frame["value"].notna()].reset_index(drop=True)
            file_services = _round_services(catalog, services, frame, filled["variable"])
            found, bad = _check(filled, catalog, file_services, name)
        except DataError as exc:
            problems.append(_file_problem(name, exc))
            continue
        problems.append(found)
        frames.append(filled[~bad][[*_KEYS, "value", *PROVENANCE_COLUMNS]])
    empty = pd.DataFrame(columns=[*_KEYS, "value", *PROVENANCE_COLUMNS])
    merged, conflicts = merge_sources(frames) if frames else (empty, empty)
    if len(conflicts):
        problems.append(conflicts.assign(problem=_CONFLICT)[list(PROBLEM_COLUMNS)])
    problem_table = (
        pd.concat([p for p in problems if len(p)], ignore_index=True)
        if any(len(p) for p in problems)
        else pd.DataFrame(columns=list(PROBLEM_COLUMNS))
    )
    everything = pd.concat(seen, ignore_index=True) if seen else pd.DataFrame(columns=_KEYS)
    round_services = _round_services(catalog, services, everything, _variables(everything, merged))
    orgs = wanted or sorted(set(everything["organization"].dropna().astype(str)))
    round_periods = list(periods) or sorted(set(everything["period"].dropna().tolist()), key=str)
    expected = _expected(catalog, round_services, orgs, round_periods)
    completeness = _status(expected, merged, problem_table)
    changes = (
        _changes(merged, previous)
        if previous is not None
        else pd.DataFrame(columns=list(CHANGES_COLUMNS))
    )
    return RoundData(merged, problem_table, completeness, changes)


def _status(expected: pd.DataFrame, merged: pd.DataFrame, problems: pd.DataFrame) -> pd.DataFrame:
    """Each expected value (and each optional value sent) with its status and file."""
    exp = expected.assign(required=True)
    sent = merged[[*_KEYS, "source"]].drop_duplicates(_KEYS)
    extra = sent[~_key(sent).isin(set(_key(exp)))]
    table = pd.concat([exp, extra[_KEYS].assign(service=None, required=False)], ignore_index=True)
    keys, sent_keys = _key(table), _key(sent)
    with_key = problems.dropna(subset=["organization", "variable"])
    bad_keys = _key(with_key)
    is_sent, is_bad = keys.isin(sent_keys).to_numpy(), keys.isin(bad_keys).to_numpy()
    table["status"] = np.where(is_bad, "invalid", np.where(is_sent, "sent", "missing"))
    table["source"] = np.where(
        is_sent,
        _last_of(keys, sent_keys, sent["source"]),
        _last_of(keys, bad_keys, with_key["source"]),
    )
    table["period"] = table["period"].astype(object)
    order = table.sort_values(
        ["period", "organization"], key=lambda s: s.astype(str), kind="stable"
    )
    return order[list(COMPLETENESS_COLUMNS)].reset_index(drop=True)


def _last_of(keys: pd.Series, known: pd.Series, values: pd.Series) -> np.ndarray:
    """The value of each of ``keys`` in ``known``/``values`` (the last if repeated), else None."""
    lookup = pd.Series(values.to_numpy(dtype=object), index=known.to_numpy(dtype=object))
    lookup = lookup[~lookup.index.duplicated(keep="last")]
    at = lookup.index.get_indexer(pd.Index(keys.to_numpy(dtype=object)))
    out = np.full(len(keys), None, dtype=object)
    out[at >= 0] = lookup.to_numpy()[at[at >= 0]]
    return out


def completeness_matrix(completeness: pd.DataFrame) -> pd.DataFrame:
    """Counts of required values by organization, period and service, and their status.

    Returns
    -------
    pandas.DataFrame
        Columns ``organization, period, service, required`` (how many values
        are required) and one column per status of :data:`STATUSES`.

    Examples
    --------
    >>> table = pd.DataFrame({"organization": "022205", "period": 2024, "service": "registry",
    ...     "variable": ["a", "b", "c"], "required": True,
    ...     "status": ["sent", "missing", "sent"], "source": None})
    >>> completeness_matrix(table).values.tolist()
    [['022205', 2024, 'registry', 3, 2, 1, 0]]
    """
    required = completeness[completeness["required"].astype(bool)]
    keys = ["organization", "period", "service"]
    counts = pd.crosstab(
        [required[k] for k in keys],
        pd.Categorical(required["status"], categories=list(STATUSES)),
        dropna=False,
    )
    counts = counts.reindex(columns=list(STATUSES), fill_value=0)
    counts = counts[counts.sum(axis=1) > 0]
    out = counts.reset_index()
    out.columns = [*keys, *STATUSES]
    out.insert(3, "required", out[list(STATUSES)].sum(axis=1))
    return out
