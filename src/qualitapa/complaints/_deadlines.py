"""Answer deadlines: which rule applies to a complaint, and when it falls due."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import pandas as pd

from qualitapa.complaints._calendar import WorkCalendar
from qualitapa.complaints._models import DayUnit, Deadline, Kind

if TYPE_CHECKING:
    from qualitapa.catalog import Catalog


def _deadline(value: Any) -> Deadline:
    return Deadline.coerce(value)


def _deadlines(value: Mapping[str, Any]) -> dict[str, Deadline]:
    return {str(k): Deadline.coerce(v) for k, v in dict(value).items()}


def _parents(value: Mapping[str, str]) -> dict[str, str]:
    return dict(value)


@attrs.frozen
class DeadlinePolicy:
    """Which answer deadline applies to each complaint.

    The most specific rule wins: category (a subcategory inherits its
    parent's), then service, then kind, then ``default`` (30 calendar days,
    the most common charter commitment).

    Parameters
    ----------
    default
        The deadline when no other rule applies.
    by_kind, by_service, by_category
        Deadlines by kind value, service id and category id (values are
        :class:`Deadline`, a number of calendar days, or ``{days, unit}``).
    roll_to_working_day
        Move a calendar-day deadline that falls on a closed day to the next
        working day (art. 2963 c.c.: a term ending on a holiday is extended
        to the next working day). Off by default.

    Examples
    --------
    >>> p = DeadlinePolicy(by_service={"registry": {"days": 10, "unit": "working"}},
    ...                    by_kind={"praise": 60})
    >>> str(p.rule_for(kind="complaint", service="registry"))
    '10 working days'
    >>> str(p.rule_for(kind="praise", service="libraries"))
    '60 calendar days'
    >>> str(p.rule_for(kind="complaint", service="libraries"))
    '30 calendar days'
    """

    default: Deadline = attrs.field(default=Deadline(30), converter=_deadline)
    by_kind: Mapping[str, Deadline] = attrs.field(factory=dict, converter=_deadlines)
    by_service: Mapping[str, Deadline] = attrs.field(factory=dict, converter=_deadlines)
    by_category: Mapping[str, Deadline] = attrs.field(factory=dict, converter=_deadlines)
    category_parent: Mapping[str, str] = attrs.field(factory=dict, converter=_parents)
    roll_to_working_day: bool = attrs.field(default=False)

    @by_kind.validator
    def _check_kinds(self, attribute: attrs.Attribute[Any], value: Mapping[str, Any]) -> None:
        for k in value:
            Kind(k)

    @classmethod
    def from_catalog(cls, catalog: Catalog, **kwargs: Any) -> DeadlinePolicy:
        """A policy with the category deadlines (and tree) the plugins contribute.

        ``kwargs`` are the other fields (``default``, ``by_service``...).
        """
        cats = catalog.complaint_categories
        by_category = {cid: c.deadline for cid, c in cats.items() if c.deadline is not None}
        by_category.update(_deadlines(kwargs.pop("by_category", {})))
        parents = {cid: c.parent for cid, c in cats.items() if c.parent is not None}
        return cls(by_category=by_category, category_parent=parents, **kwargs)

    def _category_rule(self, category: str | None) -> Deadline | None:
        seen: set[str] = set()
        while category is not None and category not in seen:
            if category in self.by_category:
                return self.by_category[category]
            seen.add(category)
            category = self.category_parent.get(category)
        return None

    def rule_for(
        self, *, kind: str | None = None, service: str | None = None, category: str | None = None
    ) -> Deadline:
        """The deadline of one complaint."""
        rule = self._category_rule(category)
        if rule is None and service is not None:
            rule = self.by_service.get(service)
        if rule is None and kind is not None:
            rule = self.by_kind.get(str(kind))
        return rule or self.default

    def rules(self, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """Deadline days and whether they are working days, for each row of ``frame``.

        Uses the columns ``kind``, ``service`` and ``category`` when present.
        Vectorised: the rule is resolved once per distinct combination.
        """
        n = len(frame)
        cols = [c for c in ("kind", "service", "category") if c in frame.columns]
        if not cols or not (self.by_kind or self.by_service or self.by_category):
            return (
                np.full(n, self.default.days, dtype=np.int64),
                np.full(n, self.default.unit is DayUnit.WORKING),
            )
        # each column factorized alone (missing: -1), then the combinations numbered: no
        # frame of the columns is built (on a clerk's few rows, that cost more than the rest)
        columns = [pd.factorize(frame[c]) for c in cols]
        combined = np.zeros(n, dtype=np.int64)
        for codes, uniques in columns:
            combined, _ = pd.factorize(combined * (len(uniques) + 1) + codes + 1)
        distinct, first = np.unique(combined, return_index=True)
        days = np.empty(len(distinct), dtype=np.int64)
        working = np.empty(len(distinct), dtype=bool)
        for i, row in enumerate(first):
            values = {
                c: None if codes[row] < 0 else uniques[codes[row]]
                for c, (codes, uniques) in zip(cols, columns, strict=True)
            }
            rule = self.rule_for(
                kind=_none(values.get("kind")),
                service=_none(values.get("service")),
                category=_none(values.get("category")),
            )
            days[i] = rule.days
            working[i] = rule.unit is DayUnit.WORKING
        return days[combined], working[combined]


def _none(value: Any) -> Any:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    return str(value)


def due_dates(
    received: np.ndarray,
    days: np.ndarray,
    working: np.ndarray,
    calendar: WorkCalendar,
    *,
    suspended_days: np.ndarray | None = None,
    suspended_working_days: np.ndarray | None = None,
    roll_to_working_day: bool = False,
) -> np.ndarray:
    """Due dates (``datetime64[D]``) of complaints received on ``received``.

    Calendar deadlines are ``received + days`` (plus the calendar days spent
    suspended); working-day deadlines are the ``days``-th working day after
    receipt (plus the working days spent suspended).

    Examples
    --------
    >>> rec = np.array(["2024-12-20", "2024-12-20"], dtype="datetime64[D]")
    >>> due_dates(rec, np.array([5, 5]), np.array([False, True]), WorkCalendar())
    array(['2024-12-25', '2024-12-31'], dtype='datetime64[D]')
    """
    received = np.asarray(received, dtype="datetime64[D]")
    total = np.asarray(days, dtype=np.int64)
    sus = np.zeros(len(received), np.int64) if suspended_days is None else suspended_days
    sus_w = (
        np.zeros(len(received), np.int64)
        if suspended_working_days is None
        else suspended_working_days
    )
    out = received + (total + sus).astype("timedelta64[D]")
    valid = ~np.isnat(received)
    if roll_to_working_day:
        cal_rows = valid & ~working
        out[cal_rows] = np.busday_offset(
            out[cal_rows], 0, roll="forward", busdaycal=calendar._busdaycal
        )
    w = valid & working
    if w.any():
        everyone = bool(w.all())  # no copies when every deadline counts working days
        out[w] = calendar.add_working_days(
            received if everyone else received[w],
            (total + sus_w) if everyone else (total + sus_w)[w],
        )
    return out
