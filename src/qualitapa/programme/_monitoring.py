"""Monitoring of the annual quality plan: progress, overdue work, expected vs obtained results.

Pure functions on the tidy tables of the programme (the sheets ``activities``
and ``activity_status``, see ``docs/programme.md``); nothing is read from or
written to a store.

Status at a date
----------------
The status of an activity at ``as_of`` is the last row of its status history
dated on or before ``as_of`` (an activity with no such row is ``planned``).
Rows of the same day are ordered by the life of an activity (``planned``,
``started``, ``suspended``, ``done``, ``cancelled``) and then by progress, so
the result never depends on the order of the rows. The progress is the last
progress written on or before ``as_of``; ``done`` means 1.

An activity is **overdue** when its planned end is before ``as_of`` and it is
neither ``done`` nor ``cancelled`` (a suspended activity past its end is
overdue: it was planned for this year).

Expected vs obtained
--------------------
An activity with an expected result (``expected_kind`` ``indicator``,
``standard`` or ``survey_index``) is compared with what was measured::

    gap = obtained - expected   (operator ">=")
    gap = expected - obtained   (operator "<=")

in the unit of the indicator, standard or index, so ``gap >= 0`` is *met*
and a negative gap is the shortfall. Without a measurement the outcome is
``no_data``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import TYPE_CHECKING, Final, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from qualitapa.errors import DataError, Message
from qualitapa.i18n import N_
from qualitapa.io import require_columns
from qualitapa.problems import Problems, Rule
from qualitapa.programme._cells import code_texts
from qualitapa.programme._join import left_join

if TYPE_CHECKING:
    from qualitapa.catalog import Catalog

#: Statuses of an activity, in the order of its life (ties of the same day follow it).
ACTIVITY_STATUSES: Final = ("planned", "started", "suspended", "done", "cancelled")
_RANK: Final = {s: i for i, s in enumerate(ACTIVITY_STATUSES)}
_CLOSED: Final = ("done", "cancelled")
_KEYS: Final = ["organization", "year", "activity"]

#: Columns of :func:`progress` and :func:`overdue`, in order.
PROGRESS_COLUMNS: Final = [
    "organization", "year", "activity", "department", "type", "owner", "planned_start",
    "planned_end", "status", "status_on", "progress", "overdue", "days_late",
]  # fmt: skip

#: Columns of :func:`progress_by_department`, in order.
DEPARTMENT_PROGRESS_COLUMNS: Final = [
    "organization", "year", "department", "activities", *ACTIVITY_STATUSES, "overdue",
    "share_done", "mean_progress",
]  # fmt: skip

#: Columns of :func:`expected_vs_obtained`, in order.
EXPECTED_COLUMNS: Final = [
    "organization", "year", "activity", "department", "type", "expected_kind", "expected_id",
    "period", "operator", "expected", "obtained", "unit", "polarity", "outcome", "gap",
]  # fmt: skip

#: Outcome of an expected result.
Outcome = Literal["met", "not_met", "no_data"]

_ACTIVITY_COLUMNS: Final = [
    "organization", "year", "activity", "type", "department", "planned_start", "planned_end",
]  # fmt: skip
_STATUS_COLUMNS: Final = ["organization", "year", "activity", "at", "status"]
_Objects = npt.NDArray[np.object_]


def _text(frame: pd.DataFrame, column: str) -> pd.Series[str]:
    """``column`` as stripped text ('' where blank or absent)."""
    return code_texts(frame, column)  # 2024.0 read from a sheet with blanks is the year 2024


#: The problems table of an error of the monitoring (published name -> collector column).
_PROBLEM_LAYOUT: Final = {"row": "row", "column": "column", "value": "value", "problem": "message"}


def _fail(
    bad: npt.NDArray[np.bool_],
    frame: pd.DataFrame,
    column: str,
    problem: str,
    source: str | None,
    rule: Rule,
) -> None:
    """Raise one :class:`DataError` for the rows ``bad`` of ``column`` (1-based rows).

    Its ``failure_cases`` lists every such row (``row, column, value, problem``).
    """
    if not bad.any():
        return
    problems = Problems(source=source, layout=_PROBLEM_LAYOUT)
    values = frame[column].astype("string").fillna("").to_numpy(dtype=object)
    problems.add(bad, column=column, value=values, rule=rule, message=problem)
    first = problems.table()["value"].iloc[0]
    problems.raise_if_any(f"{problem} (value {first!r}; {len(problems)} such rows)")


def _dates(frame: pd.DataFrame, column: str, source: str | None) -> pd.Series[pd.Timestamp]:
    """``column`` as dates (NaT where blank); a cell that is not a date is an error."""
    text = _text(frame, column)
    parsed = pd.to_datetime(text.where(text != ""), format="ISO8601", errors="coerce")
    _fail(
        (parsed.isna() & (text != "")).to_numpy(),
        frame,
        column,
        "not a date: write YYYY-MM-DD",
        source,
        Rule.NOT_A_DATE,
    )
    return parsed.dt.normalize()


def _as_of(value: dt.date | str) -> pd.Timestamp:
    return pd.Timestamp(value).normalize()


def _activities(activities: pd.DataFrame, source: str | None) -> pd.DataFrame:
    require_columns(activities, _ACTIVITY_COLUMNS, source=source)
    out = pd.DataFrame(
        {c: _text(activities, c) for c in _ACTIVITY_COLUMNS if not c.startswith("planned")}
    )
    out["owner"] = _text(activities, "owner")
    out["planned_start"] = _dates(activities, "planned_start", source)
    out["planned_end"] = _dates(activities, "planned_end", source)
    _fail(
        out["activity"].eq("").to_numpy(),
        activities,
        "activity",
        "missing activity id",
        source,
        Rule.REQUIRED,
    )
    _fail(
        out.duplicated(_KEYS).to_numpy(),
        activities,
        "activity",
        "activity listed twice for the same organization and year",
        source,
        Rule.DUPLICATE,
    )
    return out


def _latest(activity_status: pd.DataFrame, as_of: pd.Timestamp, source: str | None) -> pd.DataFrame:
    """Per activity: status and its date, and progress, at ``as_of``."""
    require_columns(activity_status, _STATUS_COLUMNS, source=source)
    s = pd.DataFrame({c: _text(activity_status, c) for c in _KEYS})
    s["status"] = _text(activity_status, "status")
    _fail(
        ~s["status"].isin(ACTIVITY_STATUSES).to_numpy(),
        activity_status,
        "status",
        f"unknown status: use one of {', '.join(ACTIVITY_STATUSES)}",
        source,
        Rule.UNKNOWN_CODE,
    )
    s["at"] = _dates(activity_status, "at", source)
    _fail(s["at"].isna().to_numpy(), activity_status, "at", "missing date", source, Rule.REQUIRED)
    if "progress" in activity_status.columns:
        raw = _text(activity_status, "progress").str.replace(",", ".", regex=False)
        prog = pd.to_numeric(raw.where(raw != ""), errors="coerce")
        wrong = (prog.isna() & (raw != "")) | (prog < 0) | (prog > 1)
        _fail(
            wrong.to_numpy(),
            activity_status,
            "progress",
            "progress is a fraction from 0 to 1",
            source,
            Rule.OUT_OF_RANGE,
        )
    else:
        prog = pd.Series(np.nan, index=s.index)
    s["progress"] = prog.astype(float)
    s = s.loc[s["at"] <= as_of]
    s = s.assign(_rank=s["status"].map(_RANK)).sort_values(
        [*_KEYS, "at", "_rank", "progress"], kind="stable", na_position="first"
    )
    grouped = s.groupby(_KEYS, sort=False)
    latest = grouped[["status", "at"]].last()  # every row has both
    latest["progress"] = grouped["progress"].last()  # last non-missing progress
    return latest.rename(columns={"at": "status_on"}).reset_index()


def progress(
    activities: pd.DataFrame,
    activity_status: pd.DataFrame,
    *,
    as_of: dt.date | str,
    source: str | None = None,
) -> pd.DataFrame:
    """Status, progress and lateness of each activity of the plan at a date.

    Parameters
    ----------
    activities
        The ``activities`` sheet: ``organization, year, activity, type,
        department, planned_start, planned_end`` (``owner`` and the other
        columns optional).
    activity_status
        The ``activity_status`` history: ``organization, year, activity, at,
        status`` and optionally ``progress`` (0-1). Rows after ``as_of``
        are ignored.
    as_of
        The date of the monitoring (e.g. ``"2024-09-30"``).
    source
        Name of the data, for error messages.

    Returns
    -------
    DataFrame
        One row per activity, columns :data:`PROGRESS_COLUMNS`, sorted by
        organization, year, department and activity:

        * ``status`` at ``as_of`` (``planned`` without history) and
          ``status_on``, the date of that status (NaT without history);
        * ``progress``: the last progress given, 1 when ``done``, 0 when
          never given;
        * ``overdue``: planned end before ``as_of``, not done nor cancelled;
        * ``days_late``: for an open activity, days from the planned end to
          ``as_of``; for a done one, from the planned end to the day it was
          done; 0 when on time or cancelled.

    Raises
    ------
    DataError
        A missing column, an unknown status, a cell that is not a date, a
        progress outside 0-1, an activity listed twice (naming row and
        column).

    Examples
    --------
    >>> import pandas as pd
    >>> acts = pd.DataFrame({"organization": "mo", "year": 2024, "activity": ["a1", "a2"],
    ...     "type": "survey", "department": "istr",
    ...     "planned_start": "2024-02-01", "planned_end": ["2024-05-31", "2024-12-31"]})
    >>> hist = pd.DataFrame({"organization": "mo", "year": 2024, "activity": ["a1", "a2"],
    ...     "at": ["2024-03-01", "2024-04-02"], "status": "started", "progress": [0.4, 0.1]})
    >>> progress(acts, hist, as_of="2024-06-30")[["activity", "status", "progress",
    ...                                           "overdue", "days_late"]]
      activity   status  progress  overdue  days_late
    0       a1  started       0.4     True         30
    1       a2  started       0.1    False          0
    """
    when = _as_of(as_of)
    acts = _activities(activities, source)
    latest = _latest(activity_status, when, source)
    out = left_join(acts, latest, _KEYS, validate="one_to_one")
    out["status"] = out["status"].fillna("planned")
    done = out["status"].eq("done").to_numpy()
    out["progress"] = np.where(done, 1.0, out["progress"].fillna(0.0).to_numpy(dtype=float))
    open_ = ~out["status"].isin(_CLOSED).to_numpy()
    end = out["planned_end"]
    late_open = (when - end).dt.days.to_numpy(dtype=float)
    late_done = (out["status_on"] - end).dt.days.to_numpy(dtype=float)
    days = np.where(open_, late_open, np.where(done, late_done, 0.0))
    days = np.nan_to_num(days, nan=0.0).clip(min=0)
    out["overdue"] = open_ & (days > 0)
    out["days_late"] = days.astype(int)
    out = out.sort_values(["organization", "year", "department", "activity"], kind="stable")
    return out[PROGRESS_COLUMNS].reset_index(drop=True)


def overdue(
    activities: pd.DataFrame,
    activity_status: pd.DataFrame,
    *,
    as_of: dt.date | str,
    source: str | None = None,
) -> pd.DataFrame:
    """The overdue activities at ``as_of``, the latest first.

    The rows of :func:`progress` with ``overdue`` true, sorted by
    ``days_late`` (descending), then department and activity.

    Examples
    --------
    >>> import pandas as pd
    >>> acts = pd.DataFrame({"organization": "mo", "year": 2024, "activity": ["a1", "a2"],
    ...     "type": "charter", "department": "cult", "planned_start": "2024-01-15",
    ...     "planned_end": ["2024-03-31", "2024-04-30"]})
    >>> hist = pd.DataFrame({"organization": "mo", "year": 2024, "activity": ["a1"],
    ...     "at": ["2024-03-20"], "status": ["done"]})
    >>> overdue(acts, hist, as_of="2024-05-10")[["activity", "status", "days_late"]]
      activity   status  days_late
    0       a2  planned         10
    """
    return _overdue_of(progress(activities, activity_status, as_of=as_of, source=source))


def _overdue_of(table: pd.DataFrame) -> pd.DataFrame:
    """:func:`overdue` from the table :func:`progress` gave (computed once for both)."""
    late = table.loc[table["overdue"]]
    late = late.sort_values(
        ["days_late", "organization", "year", "department", "activity"],
        ascending=[False, True, True, True, True],
        kind="stable",
    )
    return late.reset_index(drop=True)


def progress_by_department(
    activities: pd.DataFrame,
    activity_status: pd.DataFrame,
    *,
    as_of: dt.date | str,
    source: str | None = None,
) -> pd.DataFrame:
    """Counts by status, overdue activities and mean progress per department.

    Returns
    -------
    DataFrame
        One row per organization, year and department, columns
        :data:`DEPARTMENT_PROGRESS_COLUMNS`: ``activities``, one count per
        status, ``overdue``, ``share_done`` (done over the activities not
        cancelled; NaN when all are cancelled) and ``mean_progress`` (mean
        progress of the activities not cancelled).

    Examples
    --------
    >>> import pandas as pd
    >>> acts = pd.DataFrame({"organization": "mo", "year": 2024,
    ...     "activity": ["a1", "a2", "a3"], "type": "training",
    ...     "department": ["pers", "pers", "amb"], "planned_start": "2024-01-10",
    ...     "planned_end": "2024-06-30"})
    >>> hist = pd.DataFrame({"organization": "mo", "year": 2024, "activity": ["a1", "a2"],
    ...     "at": "2024-05-02", "status": ["done", "started"], "progress": [None, 0.5]})
    >>> cols = ["department", "activities", "done", "overdue", "share_done", "mean_progress"]
    >>> progress_by_department(acts, hist, as_of="2024-07-01")[cols]
      department  activities  done  overdue  share_done  mean_progress
    0        amb           1     0        1         0.0           0.00
    1       pers           2     1        1         0.5           0.75
    """
    return _by_department_of(progress(activities, activity_status, as_of=as_of, source=source))


def _by_department_of(table: pd.DataFrame) -> pd.DataFrame:
    """:func:`progress_by_department` from the table :func:`progress` gave (computed once)."""
    keys = ["organization", "year", "department"]
    counts = pd.crosstab(
        [table[k] for k in keys], pd.Categorical(table["status"], categories=ACTIVITY_STATUSES)
    ).reindex(columns=list(ACTIVITY_STATUSES), fill_value=0)
    counts.columns = list(ACTIVITY_STATUSES)
    live = table.loc[table["status"] != "cancelled"]
    stats = table.groupby(keys).agg(activities=("activity", "size"), overdue=("overdue", "sum"))
    mean = live.groupby(keys)["progress"].mean().rename("mean_progress")
    out = stats.join(counts).join(mean).reset_index()
    alive = out["activities"] - out["cancelled"]
    out["share_done"] = (out["done"] / alive.where(alive > 0)).astype(float)
    for col in ("activities", *ACTIVITY_STATUSES, "overdue"):
        out[col] = out[col].astype(int)
    out["mean_progress"] = out["mean_progress"].astype(float)
    return out[DEPARTMENT_PROGRESS_COLUMNS].sort_values(keys, kind="stable").reset_index(drop=True)


# -- expected vs obtained -------------------------------------------------------------------

_OPERATORS: Final = (">=", "<=")
_DEFAULT_OPERATOR: Final = {"higher_is_better": ">=", "lower_is_better": "<="}


#: The kinds of expected result, as an error message names them.
_KIND_WORDS: Final = {
    "indicator": Message("indicator", N_("l'indicatore")),
    "standard": Message("standard", N_("lo standard")),
    "survey_index": Message("survey index", N_("l'indice d'indagine")),
}


def _unique_lookup(
    table: pd.DataFrame, keys: list[str], value: str, what: str, source: str | None
) -> pd.DataFrame:
    """``table`` reduced to ``keys + [value]``; a key given twice is an error."""
    dup = table.duplicated(keys, keep=False).to_numpy()
    if dup.any():
        first = int(np.flatnonzero(dup)[0])
        raise DataError(
            Message(
                "the {what} holds two rows for {key}: keep one per {keys}",
                N_("la tabella {what} ha due righe per {key}: tenerne una per {keys}"),
                what=what,
                key=dict(table[keys].iloc[first]),
                keys=", ".join(keys),
            ),
            source=source,
            row=first + 1,
            column=keys[-1],
        )
    return table[[*keys, value]]


def _indicator_obtained(values: pd.DataFrame, source: str | None) -> pd.DataFrame:
    require_columns(values, ["organization", "period", "indicator", "value"], source=source)
    t = pd.DataFrame(
        {
            "organization": _text(values, "organization"),
            "period": _text(values, "period"),
            "expected_id": _text(values, "indicator"),
            "obtained": pd.to_numeric(values["value"], errors="coerce").astype(float),
        }
    )
    t["expected_kind"] = "indicator"
    keys = ["expected_kind", "organization", "period", "expected_id"]
    return _unique_lookup(t, keys, "obtained", "indicator values", source)


def _standard_obtained(compliance: pd.DataFrame, source: str | None) -> pd.DataFrame:
    """Obtained value, target and operator of each standard (see :func:`expected_vs_obtained`)."""
    require_columns(compliance, ["standard", "organization", "period", "value", "target"],
                    source=source)  # fmt: skip
    specific = _text(compliance, "scope").eq("specific").to_numpy()
    value = pd.to_numeric(compliance["value"], errors="coerce").to_numpy(dtype=float)
    share = (
        pd.to_numeric(compliance["share_within"], errors="coerce").to_numpy(dtype=float)
        if "share_within" in compliance.columns
        else np.full(len(compliance), np.nan)
    )
    required = (
        pd.to_numeric(compliance["required_share"], errors="coerce").to_numpy(dtype=float)
        if "required_share" in compliance.columns
        else np.full(len(compliance), np.nan)
    )
    target = _text(compliance, "target").str.extract(r"^\s*(>=|<=)\s*(\S+)\s*$")
    target_value = pd.to_numeric(target[1], errors="coerce").to_numpy(dtype=float)
    unit = _text(compliance, "unit").to_numpy(dtype=object)
    t = pd.DataFrame(
        {
            "expected_kind": "standard",
            "organization": _text(compliance, "organization"),
            "period": _text(compliance, "period"),
            "expected_id": _text(compliance, "standard"),
            "obtained": np.where(specific, share * 100, value),
            "_target": np.where(specific, required * 100, target_value),
            "_operator": np.where(specific, ">=", target[0].fillna("").to_numpy(dtype=object)),
            "_unit": np.where(specific, "%", unit),
        }
    )
    keys = ["expected_kind", "organization", "period", "expected_id"]
    _unique_lookup(t, keys, "obtained", "standards compliance", source)
    return t


def _survey_obtained(survey: pd.DataFrame, source: str | None) -> pd.DataFrame:
    require_columns(survey, ["organization", "instrument", "dimension", "index"], source=source)
    instrument = _text(survey, "instrument")
    dimension = _text(survey, "dimension")
    t = pd.DataFrame(
        {
            "expected_kind": "survey_index",
            "organization": _text(survey, "organization"),
            # the survey table may have no period: then it matches any
            "period": _text(survey, "period"),
            "expected_id": instrument.where(dimension.eq("overall"), instrument + ":" + dimension),
            "obtained": pd.to_numeric(survey["index"], errors="coerce").astype(float),
        }
    )
    keys = ["expected_kind", "organization", "period", "expected_id"]
    return _unique_lookup(t, keys, "obtained", "survey indices", source)


def _catalog_facts(
    frame: pd.DataFrame, catalog: Catalog | None, source: str | None
) -> tuple[_Objects, _Objects, _Objects, npt.NDArray[np.float64]]:
    """Unit, polarity, and a standard's own operator and target, of each expected result.

    Blank (NaN for the target) where the catalog says nothing.
    """
    n = len(frame)
    unit = np.full(n, "", dtype=object)
    polarity = np.full(n, "", dtype=object)
    operator = np.full(n, "", dtype=object)
    target = np.full(n, np.nan)
    kind = frame["expected_kind"].to_numpy(dtype=object)
    ids = frame["expected_id"].to_numpy(dtype=object)
    polarity[kind == "survey_index"] = "higher_is_better"
    unit[kind == "survey_index"] = "points"
    if catalog is None:
        return unit, polarity, operator, target
    known: dict[str, Collection[str]] = {
        "indicator": catalog.indicators,
        "standard": catalog.standards,
        "survey_index": catalog.instruments,
    }
    base = np.array([str(i).split(":", 1)[0] for i in ids], dtype=object)
    for kind_name, items in known.items():
        unknown = np.flatnonzero((kind == kind_name) & ~np.isin(base, list(items)))
        if len(unknown):
            first = int(unknown[0])
            raise DataError(
                Message(
                    "{kind} {id} is not in the catalog: check the id, or install the plugin "
                    "that defines it",
                    N_(
                        "{kind} {id} non è nel catalogo: controllare il codice, o installare il "
                        "plugin che lo definisce"
                    ),
                    kind=_KIND_WORDS[kind_name],
                    id=repr(ids[first]),
                ),
                source=source,
                row=int(frame["_row"].iloc[first]),
                column="expected_id",
            )
    for r in np.flatnonzero(kind == "indicator"):
        indicator = catalog.indicators[base[r]]
        unit[r] = str(indicator.unit or "")
        polarity[r] = str(indicator.polarity.value)
    for r in np.flatnonzero(kind == "standard"):
        std = catalog.standards[base[r]]
        if std.scope.value == "specific":
            # the share of deliveries within the threshold, in percent
            unit[r], operator[r], target[r] = "%", ">=", 100 * std.required_share
        elif str(std.target.comparator) in _OPERATORS:
            unit[r] = str(std.unit or "")
            operator[r] = str(std.target.comparator)
            target[r] = std.target.value
    return unit, polarity, operator, target


def expected_vs_obtained(
    activities: pd.DataFrame,
    *,
    values: pd.DataFrame | None = None,
    compliance: pd.DataFrame | None = None,
    survey: pd.DataFrame | None = None,
    catalog: Catalog | None = None,
    source: str | None = None,
) -> pd.DataFrame:
    """Compare the expected result of each activity with the obtained one.

    Parameters
    ----------
    activities
        The ``activities`` sheet; the activities with an ``expected_kind``
        are compared: ``expected_id``, ``expected_operator`` (``>=`` or
        ``<=``), ``expected_value`` and ``expected_period`` (blank: the
        plan's ``year``).
    values
        Indicator values ``organization, period, indicator, value`` (as
        ``qualitapa indicators compute`` writes them), for
        ``expected_kind = "indicator"``.
    compliance
        Standards compliance (:func:`qualitapa.standards.compliance`), for
        ``expected_kind = "standard"``: the obtained value is the
        standard's ``value`` (general standards) or the percentage of
        deliveries within the threshold, ``100 * share_within`` (specific
        standards). A blank ``expected_value`` means "the standard met":
        its own target (``required_share`` in percent for a specific one).
    survey
        Survey indices (:func:`qualitapa.surveys.score_dimensions` with
        ``organization`` and ``instrument`` columns, 0-100), for
        ``expected_kind = "survey_index"``: ``expected_id`` is the
        instrument (overall index) or ``instrument:dimension``. Without a
        ``period`` column, the indices match any period.
    catalog
        Gives each indicator's unit and polarity (the operator of an
        indicator target left blank follows its polarity) and checks that
        every expected id exists.
    source
        Name of the data, for error messages.

    Returns
    -------
    DataFrame
        One row per activity with an expected result, columns
        :data:`EXPECTED_COLUMNS`: ``expected`` and ``obtained`` in the unit
        of the indicator, standard or index (``unit``); ``outcome`` is
        ``met`` (``gap >= 0``), ``not_met`` or ``no_data`` (nothing
        measured, or no such table given); ``gap`` is ``obtained -
        expected`` for ``>=`` and ``expected - obtained`` for ``<=``, so a
        negative gap is the shortfall whatever the polarity.

    Raises
    ------
    DataError
        An unknown ``expected_kind`` or operator, a target that is not a
        number, an operator missing where the polarity cannot give it, an
        id not in ``catalog``, a value given twice.

    Examples
    --------
    >>> import pandas as pd
    >>> acts = pd.DataFrame({"organization": "mo", "year": 2024, "activity": ["a1", "a2"],
    ...     "type": "indicators", "department": "demo", "planned_start": "2024-01-01",
    ...     "planned_end": "2024-12-31", "expected_kind": "indicator",
    ...     "expected_id": ["registry.average_wait", "registry.online_share"],
    ...     "expected_operator": ["<=", ">="], "expected_value": [10, 50]})
    >>> vals = pd.DataFrame({"organization": "mo", "period": 2024,
    ...     "indicator": ["registry.average_wait", "registry.online_share"],
    ...     "value": [12.5, 55.0]})
    >>> expected_vs_obtained(acts, values=vals)[["activity", "operator", "expected",
    ...                                           "obtained", "outcome", "gap"]]
      activity operator  expected  obtained  outcome  gap
    0       a1       <=      10.0      12.5  not_met -2.5
    1       a2       >=      50.0      55.0      met  5.0
    """
    a = _expectations(activities, catalog, source)
    a = _join_obtained(a, values=values, compliance=compliance, survey=survey, source=source)
    return _outcomes(a, source)


def _expectations(
    activities: pd.DataFrame, catalog: Catalog | None, source: str | None
) -> pd.DataFrame:
    """The activities with an expected result: kind, id, period, operator, value, unit."""
    require_columns(activities, ["organization", "year", "activity", "expected_kind"],
                    source=source)  # fmt: skip
    columns = [*_KEYS, "department", "type", "expected_kind", "expected_id"]
    a = pd.DataFrame({c: _text(activities, c) for c in columns})
    a["_row"] = np.arange(1, len(a) + 1)
    kinds = ("indicator", "standard", "survey_index")
    _fail(
        ~a["expected_kind"].isin(("", *kinds)).to_numpy(),
        activities,
        "expected_kind",
        f"unknown kind of expected result: use one of {', '.join(kinds)} or leave it blank",
        source,
        Rule.UNKNOWN_CODE,
    )
    a["operator"] = _text(activities, "expected_operator")
    _fail(
        ~a["operator"].isin(("", *_OPERATORS)).to_numpy(),
        activities,
        "expected_operator",
        "unknown operator: use >= or <=",
        source,
        Rule.UNKNOWN_CODE,
    )
    raw = _text(activities, "expected_value").str.replace(",", ".", regex=False)
    a["expected"] = pd.to_numeric(raw.where(raw != ""), errors="coerce").astype(float)
    _fail(
        (a["expected"].isna() & (raw != "")).to_numpy(),
        activities,
        "expected_value",
        "the expected value is not a number",
        source,
        Rule.NOT_A_NUMBER,
    )
    period = _text(activities, "expected_period")
    a["period"] = period.where(period != "", a["year"])
    a = a.loc[a["expected_kind"] != ""].reset_index(drop=True)
    if a["expected_id"].eq("").any():
        r = int(np.flatnonzero(a["expected_id"].eq("").to_numpy())[0])
        raise DataError(
            Message(
                "an expected result needs the id of its indicator, standard or survey",
                N_(
                    "un risultato atteso richiede il codice del suo indicatore, standard o indagine"
                ),
            ),
            source=source,
            row=int(a["_row"].iloc[r]),
            column="expected_id",
        )
    unit, polarity, std_operator, std_target = _catalog_facts(a, catalog, source)
    a["unit"], a["polarity"] = unit, polarity
    is_std = a["expected_kind"].eq("standard").to_numpy()
    fill = is_std & a["expected"].isna().to_numpy()  # blank: the standard's own target
    a.loc[fill, "expected"] = std_target[fill]
    a.loc[is_std & a["operator"].eq("").to_numpy(), "operator"] = std_operator[
        is_std & a["operator"].eq("").to_numpy()
    ]
    return a


def _join_obtained(
    a: pd.DataFrame,
    *,
    values: pd.DataFrame | None,
    compliance: pd.DataFrame | None,
    survey: pd.DataFrame | None,
    source: str | None,
) -> pd.DataFrame:
    """``a`` with the ``obtained`` value (and a standard's own target where blank)."""
    a = a.copy()
    lookups = []
    if values is not None:
        lookups.append(_indicator_obtained(values, source))
    if compliance is not None:
        lookups.append(_standard_obtained(compliance, source))
    keys = ["expected_kind", "organization", "period", "expected_id"]
    a["obtained"] = np.nan
    for table in lookups:
        merged = left_join(a[keys], table, keys)
        found = merged["obtained"].notna().to_numpy()
        a.loc[found, "obtained"] = merged["obtained"].to_numpy()[found]
        if "_target" in merged.columns:  # a standard's own target fills a blank expectation
            fill = a["expected"].isna().to_numpy() & merged["_target"].notna().to_numpy()
            a.loc[fill, "expected"] = merged["_target"].to_numpy()[fill]
            blank_op = a["operator"].eq("").to_numpy() & merged["_operator"].notna().to_numpy()
            a.loc[blank_op, "operator"] = merged["_operator"].to_numpy()[blank_op]
            has_unit = merged["_unit"].fillna("").ne("").to_numpy() & a["unit"].eq("").to_numpy()
            a.loc[has_unit, "unit"] = merged["_unit"].to_numpy()[has_unit]
    if survey is not None:
        s = _survey_obtained(survey, source)
        any_period = bool(s["period"].eq("").all())
        on = ["expected_kind", "organization", "expected_id"] if any_period else keys
        merged = left_join(a[on], s.drop(columns="period") if any_period else s, on)
        found = merged["obtained"].notna().to_numpy()
        a.loc[found, "obtained"] = merged["obtained"].to_numpy()[found]
    return a


def _outcomes(a: pd.DataFrame, source: str | None) -> pd.DataFrame:
    """Operator from the polarity where blank; gap and outcome."""
    a = a.copy()
    a.loc[a["polarity"].eq("") & a["operator"].eq(">="), "polarity"] = "higher_is_better"
    a.loc[a["polarity"].eq("") & a["operator"].eq("<="), "polarity"] = "lower_is_better"
    no_op = a["operator"].eq("")
    a.loc[no_op, "operator"] = a.loc[no_op, "polarity"].map(_DEFAULT_OPERATOR).fillna("")
    a.loc[a["expected_kind"].eq("survey_index") & a["operator"].eq(""), "operator"] = ">="
    missing_op = a["operator"].eq("").to_numpy()
    missing_value = a["expected"].isna().to_numpy() & ~a["expected_kind"].eq("standard").to_numpy()
    for bad, column, problem in (
        (
            missing_op,
            "expected_operator",
            Message(
                "write >= or <= (the polarity does not say which)",
                N_("scrivere >= o <= (la polarità non dice quale)"),
            ),
        ),
        (
            missing_value,
            "expected_value",
            Message(
                "an expected result needs a value", N_("un risultato atteso richiede un valore")
            ),
        ),
    ):
        if bad.any():
            r = int(np.flatnonzero(bad)[0])
            raise DataError(
                Message(
                    "activity {activity}: {problem}",
                    N_("attività {activity}: {problem}"),
                    activity=repr(a["activity"].iloc[r]),
                    problem=problem,
                ),
                source=source,
                row=int(a["_row"].iloc[r]),
                column=column,
            )
    sign = np.where(a["operator"].eq(">=").to_numpy(), 1.0, -1.0)
    obtained = a["obtained"].to_numpy(dtype=float)
    expected = a["expected"].to_numpy(dtype=float)
    gap = sign * (obtained - expected)
    # a value equal to the target up to rounding meets it
    gap = np.where(np.isclose(obtained, expected, rtol=1e-9, atol=1e-12), 0.0, gap)
    a["gap"] = gap
    a["outcome"] = np.select(
        [np.isnan(gap), gap >= 0], ["no_data", "met"], default="not_met"
    ).astype(object)
    out = a.sort_values(["organization", "year", "department", "activity"], kind="stable")
    return out[EXPECTED_COLUMNS].reset_index(drop=True)
