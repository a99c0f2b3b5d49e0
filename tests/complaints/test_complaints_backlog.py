"""The backlog series up to ``until`` (--as-of): its last month, by hand and against kpis."""

from __future__ import annotations

import pandas as pd
import pytest

from qualitapa.complaints import backlog, case_table, kpis

ROME = "Europe/Rome"


def _events() -> tuple[pd.DataFrame, pd.DataFrame]:
    # c1 received 10 Jan, still open; c2 received 5 Jan, answered 20 Feb;
    # c3 received 31 March 09:00, open; c4 (no category) received 15 March, open.
    at = pd.to_datetime
    complaints = pd.DataFrame(
        {
            "id": ["c1", "c2", "c3", "c4"],
            "category": ["waiting", "staff", "waiting", None],
            "received_at": at(
                ["2024-01-10 09:00", "2024-01-05 09:00", "2024-03-31 09:00", "2024-03-15 09:00"]
            ),
        }
    )
    events = pd.DataFrame(
        {
            "seq": [1, 2, 3, 4, 5],
            "complaint_id": ["c1", "c2", "c2", "c3", "c4"],
            "at": at(
                [
                    "2024-01-10 09:00",
                    "2024-01-05 09:00",
                    "2024-02-20 09:00",
                    "2024-03-31 09:00",
                    "2024-03-15 09:00",
                ]
            ),
            "to_status": ["received", "received", "answered", "received", "received"],
        }
    )
    return complaints, events


@pytest.mark.parametrize(
    ("until", "months", "last_at", "last_open"),
    [
        # --as-of 2024-03-31 is midnight at the start of 31 March: March has not
        # ended, its row is the backlog then (c1, c4; c3 comes at 09:00)
        ("2024-03-31", ["2024-01", "2024-02", "2024-03"], "2024-03-31 00:00", 2),
        ("2024-03-31 12:00", ["2024-01", "2024-02", "2024-03"], "2024-03-31 12:00", 3),
        # the month end itself, and midnight of 1 April: March at its end, no April row
        ("2024-03-31 23:59:59.999999", ["2024-01", "2024-02", "2024-03"],
         "2024-03-31 23:59:59.999999", 3),
        ("2024-04-01", ["2024-01", "2024-02", "2024-03"], "2024-03-31 23:59:59.999999", 3),
        ("2024-04-10 08:00", ["2024-01", "2024-02", "2024-03", "2024-04"], "2024-04-10 08:00", 3),
    ],
)  # fmt: skip
def test_the_series_ends_at_until(until, months, last_at, last_open) -> None:
    complaints, events = _events()
    b = backlog(complaints, "month-end", events=events, until=until)
    assert b["period"].tolist() == months
    assert b["as_of"].iloc[-1] == pd.Timestamp(last_at, tz=ROME)
    assert b["as_of"].iloc[0] == pd.Timestamp("2024-01-31 23:59:59.999999", tz=ROME)
    # January: c1, c2; February (c2 answered on the 20th): c1
    assert b["open"].tolist()[:2] == [2, 1]
    assert b["open"].iloc[-1] == last_open
    # the last row is the open column of kpis on the register as it stood at until
    when = b["as_of"].iloc[-1]
    snapshot = case_table(complaints, events, as_of=when)
    assert kpis(snapshot, as_of=when, metrics=["open"])["open"].iloc[0] == last_open


def test_without_until_only_the_months_that_ended() -> None:
    complaints, events = _events()
    # the latest receipt is 31 March 09:00: March has not ended by then
    b = backlog(complaints, "month-end", events=events)
    assert b["period"].tolist() == ["2024-01", "2024-02"]


def test_a_group_without_category_adds_up_with_the_others() -> None:
    complaints, events = _events()
    by = backlog(complaints, "month-end", events=events, by="category", until="2024-03-31 12:00")
    total = backlog(complaints, "month-end", events=events, until="2024-03-31 12:00")
    none = by[by["category"].isna()]
    assert none["open"].tolist() == [0, 0, 1]  # c4, received 15 March
    summed = by.groupby("period")["open"].sum()
    assert summed.tolist() == total["open"].tolist() == [2, 1, 3]
