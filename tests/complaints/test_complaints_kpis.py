"""KPIs on a hand-built set of eight complaints; every value computed by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from qualitapa.complaints import case_table, kpis, pareto, trend
from qualitapa.errors import DataError

AS_OF = "2024-04-01"


@pytest.fixture
def cases() -> pd.DataFrame:
    return eight_complaints()


def eight_complaints() -> pd.DataFrame:
    """The eight complaints whose KPIs are computed by hand below."""
    # Default deadline: 30 calendar days. 2024 is a leap year.
    return pd.DataFrame(
        {
            "id": [f"c{i}" for i in range(1, 9)],
            "service": ["registry"] * 5 + ["libraries"] * 3,
            "category": ["waiting", "waiting", "staff", "waiting", "online",
                         "hours", "hours", "books"],
            "organization": ["036023"] * 8,
            "received_at": pd.to_datetime(
                ["2024-01-02 10:00", "2024-01-05 10:00", "2024-01-10 10:00", "2024-02-01 10:00",
                 "2024-03-20 10:00", "2024-01-15 10:00", "2024-02-10 10:00", "2024-02-20 10:00"]
            ).tz_localize("Europe/Rome"),
            "answered_at": pd.to_datetime(
                ["2024-01-12 12:00", "2024-02-14 12:00", "2024-01-30 12:00", None, None, None,
                 None, "2024-03-01 12:00"]
            ).tz_localize("Europe/Rome"),
            "status": ["closed", "answered", "closed", "in_progress", "registered",
                       "forwarded", "rejected", "closed"],
            "reopen_count": [0, 0, 1, 0, 0, 0, 0, 0],
        }
    )  # fmt: skip


def test_kpis_by_service(cases: pd.DataFrame) -> None:
    k = kpis(cases, by="service", as_of=AS_OF, population={"036023": 184_739})
    k = k.set_index("service")
    reg, lib = k.loc["registry"], k.loc["libraries"]
    # registry: c1 2 Jan -> 12 Jan = 10 days (due 1 Feb, within); c2 5 Jan ->
    # 14 Feb = 26 + 14 = 40 days (due 4 Feb, late); c3 10 Jan -> 30 Jan = 20
    # days (within, reopened once). c4, c5 open.
    assert (reg["received"], reg["answered"], reg["answered_within_deadline"]) == (5, 3, 2)
    assert reg["share_within_deadline"] == pytest.approx(2 / 3)
    assert reg["mean_answer_days"] == pytest.approx((10 + 40 + 20) / 3)
    assert reg["median_answer_days"] == 20
    # p90 by linear interpolation on [10, 20, 40]: position 0.9 * 2 = 1.8
    # -> 20 + 0.8 * (40 - 20) = 36
    assert reg["p90_answer_days"] == pytest.approx(36)
    # working days (Mon-Fri, national holidays):
    # c1 (2 Jan, 12 Jan]: 3, 4, 5 [6 Epiphany, Sat], 8-12 = 8
    # c2 (5 Jan, 14 Feb]: 8-12, 15-19, 22-26 (15), 29-31 (18), 1-2 Feb (20),
    #    5-9 (25), 12-14 (28) = 28
    # c3 (10 Jan, 30 Jan]: 11, 12, 15-19, 22-26, 29, 30 = 14
    assert reg["mean_answer_working_days"] == pytest.approx((8 + 28 + 14) / 3)
    assert reg["median_answer_working_days"] == 14
    assert reg["p90_answer_working_days"] == pytest.approx(14 + 0.8 * 14)
    # backlog at 1 Apr: c4 received 1 Feb, age 29 + 31 = 60 days -> 31-60,
    # due 2 Mar -> overdue; c5 received 20 Mar, age 12 -> 0-15, due 19 Apr.
    assert reg["open"] == 2
    assert (reg["backlog_0_15"], reg["backlog_16_30"], reg["backlog_31_60"]) == (1, 0, 1)
    assert (reg["backlog_61_90"], reg["backlog_over_90"], reg["overdue"]) == (0, 0, 1)
    assert reg["reopened"] == 1
    assert reg["reopening_rate"] == pytest.approx(1 / 3)
    assert reg["share_forwarded"] == 0
    assert reg["share_rejected"] == 0
    # volume per 10,000 inhabitants of Modena (184,739)
    assert reg["per_10000"] == pytest.approx(5 / 184_739 * 10_000)
    # libraries: c8 20 Feb -> 1 Mar = 9 + 1 = 10 days (leap year), within;
    # working (20 Feb, 1 Mar]: 21-23 (3), 26-29 (7), 1 Mar (8) = 8.
    assert (lib["received"], lib["answered"], lib["share_within_deadline"]) == (3, 1, 1.0)
    assert (lib["mean_answer_days"], lib["p90_answer_working_days"]) == (10, 8)
    assert lib["open"] == 0
    assert lib["overdue"] == 0
    assert lib["share_forwarded"] == pytest.approx(1 / 3)
    assert lib["share_rejected"] == pytest.approx(1 / 3)
    assert lib["reopening_rate"] == 0


def test_kpis_overall_and_by_month(cases: pd.DataFrame) -> None:
    total = kpis(cases, as_of=AS_OF).iloc[0]
    assert (total["received"], total["answered"], total["open"]) == (8, 4, 2)
    assert total["share_within_deadline"] == pytest.approx(3 / 4)
    assert total["median_answer_days"] == 15  # median of 10, 10, 20, 40
    monthly = kpis(cases, by=["service", "month"], as_of=AS_OF)
    got = monthly[["service", "period", "received", "answered"]].to_records(index=False).tolist()
    assert got == [
        ("libraries", "2024-01", 1, 0), ("libraries", "2024-02", 2, 1),
        ("libraries", "2024-03", 0, 0),  # no library complaint in March: listed, zero
        ("registry", "2024-01", 3, 3), ("registry", "2024-02", 1, 0),
        ("registry", "2024-03", 1, 0),
    ]  # fmt: skip
    quarterly = kpis(cases, period="quarter", as_of=AS_OF)
    assert quarterly[["period", "received"]].to_records(index=False).tolist() == [("2024Q1", 8)]


def test_kpis_with_working_day_policy(cases: pd.DataFrame) -> None:
    from qualitapa.complaints import DeadlinePolicy

    # registry at 10 working days: c1 due 16 Jan (3,4,5,8,9,10,11,12,15,16),
    # answered 12 Jan: within; c2 due (5 Jan +10) 19 Jan: late; c3 due 24 Jan
    # (11,12,15-19,22,23,24), answered 30 Jan: late.
    policy = DeadlinePolicy(by_service={"registry": {"days": 10, "unit": "working"}})
    k = kpis(cases, by="service", as_of=AS_OF, policy=policy).set_index("service")
    assert k.loc["registry", "answered_within_deadline"] == 1
    # c4 (1 Feb + 10 working days = 15 Feb) and c5 (20 Mar + 10 = 4 Apr, after
    # the Easter Monday of 1 Apr) -> only c4 overdue
    assert k.loc["registry", "overdue"] == 1


def test_founded_share(cases: pd.DataFrame) -> None:
    data = cases.assign(founded=[True, False, True, None, None, None, None, False])
    k = kpis(data, by="service", as_of=AS_OF).set_index("service")
    assert k.loc["registry", "share_founded"] == pytest.approx(2 / 3)
    assert k.loc["libraries", "share_founded"] == 0


def test_kpis_input_errors(cases: pd.DataFrame) -> None:
    with pytest.raises(DataError, match="column 'status'"):
        kpis(cases.drop(columns="status"))
    with pytest.raises(DataError, match="period must be one of"):
        kpis(cases, period="week")
    with pytest.raises(DataError, match="column 'channel'"):
        kpis(cases, by="channel")
    assert cases.columns.tolist()[-1] == "reopen_count"  # caller's frame untouched


def test_pareto(cases: pd.DataFrame) -> None:
    p = pareto(cases)
    # waiting 3, hours 2, then 1 each for books, online, staff (ties by name):
    # cumulative 3/8, 5/8, 6/8, 7/8, 8/8; the vital few are those whose
    # cumulative share before them is below 80%: waiting, hours, books, online
    assert p["category"].tolist() == ["waiting", "hours", "books", "online", "staff"]
    assert p["cumulative_share"].tolist() == [3 / 8, 5 / 8, 6 / 8, 7 / 8, 1.0]
    assert p["vital_few"].tolist() == [True, True, True, True, False]
    by_service = pareto(cases, by="service")
    lib = by_service[by_service["service"] == "libraries"]
    assert lib[["category", "count", "rank"]].to_records(index=False).tolist() == [
        ("hours", 2, 1), ("books", 1, 2)
    ]  # fmt: skip


def test_kpis_list_every_period_from_the_first_receipt_to_the_last_as_of_ended(
    cases: pd.DataFrame,
) -> None:
    # nothing received in April and May; the registry's c4 (1 Feb) and c5 (20 Mar)
    # are still open, c6 forwarded, c7 rejected. At 20 May April has ended (an empty
    # month, listed), May has not and received nothing: no row, rather than a May of
    # 0 complaints that reads as a whole month (review #13)
    k = kpis(cases, by="month", as_of="2024-05-20 12:00")
    assert k["period"].tolist() == ["2024-01", "2024-02", "2024-03", "2024-04"]
    assert k["complete"].tolist() == [True] * 4
    assert k["received"].tolist() == [4, 3, 1, 0]
    assert k["answered"].tolist() == [3, 1, 0, 0]
    assert k["open"].tolist() == [0, 1, 1, 0]
    assert k["median_answer_days"].isna().tolist() == [False, False, True, True]
    assert k["open"].sum() == kpis(cases, as_of="2024-05-20 12:00")["open"].iloc[0]
    # as_of at midnight of 1 May: April is the last period, and complete
    may = kpis(cases, by="month", as_of="2024-05-01")
    assert (may["period"].iloc[-1], bool(may["complete"].iloc[-1])) == ("2024-04", True)
    quarters = kpis(cases, by=["service", "quarter"], as_of="2024-07-02")
    assert quarters[["service", "period", "received"]].to_records(index=False).tolist() == [
        ("libraries", "2024Q1", 3), ("libraries", "2024Q2", 0),
        ("registry", "2024Q1", 5), ("registry", "2024Q2", 0),
    ]  # fmt: skip
    # without as_of: to the latest receipt (long past: complete); the trend lists the same
    alone = kpis(cases, by="month", metrics=["received"])
    assert (alone["period"].iloc[-1], bool(alone["complete"].all())) == ("2024-03", True)
    t = trend(cases, as_of="2024-05-20 12:00")
    assert t["period"].tolist() == k["period"].tolist()
    assert t["received"].tolist() == k["received"].tolist()


def test_the_period_as_of_falls_in_is_listed_only_with_receipts_and_marked_partial(
    cases: pd.DataFrame,
) -> None:
    # at 25 March, March has c5 (20 Mar): listed, with its true counts so far, and
    # marked partial; every answer of the fixture is before 25 March
    k = kpis(cases, by="month", as_of="2024-03-25", population=10_000.0)
    assert k["period"].tolist() == ["2024-01", "2024-02", "2024-03"]
    assert k["complete"].tolist() == [True, True, False]
    assert k["received"].tolist() == [4, 3, 1]
    t = trend(cases, as_of="2024-03-25")
    assert t["complete"].tolist() == [True, True, False]
    # no change, year-over-year or rolling mean for a part of a month: it would read as a fall
    assert t[["received_change", "received_yoy", "received_rolling_3"]].iloc[2].isna().all()
    assert t["received_change"].iloc[1] == pytest.approx(3 / 4 - 1)
    assert t["received_rolling_3"].iloc[1] == pytest.approx(3.5)
    # a year 15 days old is no year's rate (was: a 2025 row per_10000 = 0.0)
    year = kpis(cases, by="year", as_of="2025-01-15", population=10_000.0)
    assert year[["period", "complete"]].to_records(index=False).tolist() == [("2024", True)]
    assert kpis(cases, by="year", as_of="2024-12-31")["complete"].tolist() == [False]


def test_monthly_trend_fills_empty_months(cases: pd.DataFrame) -> None:
    t = trend(cases, as_of=AS_OF)
    assert t["period"].tolist() == ["2024-01", "2024-02", "2024-03"]
    assert t["received"].tolist() == [4, 3, 1]
    # Jan -> Feb: 3/4 - 1 = -0.25; Feb -> Mar: 1/3 - 1
    assert t["received_change"].iloc[1:].tolist() == pytest.approx([-0.25, 1 / 3 - 1])
    assert t["received_rolling_3"].tolist() == pytest.approx([4, 3.5, 8 / 3])
    lib = trend(cases, by="service", as_of=AS_OF)
    lib = lib[lib["service"] == "libraries"]
    assert lib["received"].tolist() == [1, 2, 0]  # March has no library complaint
    assert np.isnan(lib["share_within_deadline"].iloc[2])


def _register_like() -> tuple[pd.DataFrame, pd.DataFrame]:
    # c1 received 10 Jan 2024, still open; c2 received 10 Feb, open;
    # c3 received 5 Jan, answered 20 Feb.
    at = pd.to_datetime
    complaints = pd.DataFrame(
        {
            "id": ["c1", "c2", "c3"],
            "received_at": at(["2024-01-10 09:00", "2024-02-10 09:00", "2024-01-05 09:00"]),
        }
    )
    events = pd.DataFrame(
        {
            "seq": [1, 2, 3, 4],
            "complaint_id": ["c1", "c2", "c3", "c3"],
            "at": at(
                ["2024-01-10 09:00", "2024-02-10 09:00", "2024-01-05 09:00", "2024-02-20 09:00"]
            ),
            "to_status": ["received", "received", "received", "answered"],
        }
    )
    return complaints, events


def test_backlog_at_a_past_date_is_the_register_as_it_stood() -> None:
    from qualitapa.complaints import case_table

    complaints, events = _register_like()
    # At 31 Jan 2024 c2 did not exist and c3 was not answered yet: backlog c1
    # (age 31 - 10 = 21 days) and c3 (age 26 days), both in 16-30.
    # (Before: c2 was counted in 0-15 with age -10, and c3 not at all.)
    snap = case_table(complaints, events, as_of="2024-01-31 23:59")
    assert snap["id"].tolist() == ["c1", "c3"]
    assert snap["answered_at"].isna().all()
    k = kpis(snap, as_of="2024-01-31 23:59").iloc[0]
    assert (k["received"], k["answered"], k["open"]) == (2, 0, 2)
    assert (k["backlog_0_15"], k["backlog_16_30"]) == (0, 2)
    # the table as it is now (c3 answered, c2 received) cannot give the
    # backlog of 31 January: an error says how to get it, nothing is guessed
    now = case_table(complaints, events, as_of="2024-03-01")
    with pytest.raises(DataError, match=r"after as_of.*as_of="):
        kpis(now, as_of="2024-01-31 23:59")
    with pytest.raises(DataError, match="after as_of"):
        trend(now, as_of="2024-01-31 23:59")
    assert kpis(now, as_of="2024-03-01").loc[0, "open"] == 2


def test_trend_of_a_group_without_a_value_is_computed_like_the_others() -> None:
    # complaints without a service form their own group (as in kpis); its
    # rolling mean and change were NaN because the groupby dropped it.
    frame = pd.DataFrame(
        {
            "service": ["a", None, "a", None],
            "received_at": pd.to_datetime(["2024-01-05", "2024-02-05", "2024-03-05", "2024-03-06"]),
            "status": ["received"] * 4,
        }
    )
    t = trend(frame, by="service", as_of=AS_OF)
    none = t[t["service"].isna()]
    # no service: 0, 1, 1 complaints in Jan, Feb, Mar -> rolling 0, 0.5, 2/3;
    # change Feb -> Mar: 1/1 - 1 = 0
    assert none["received"].tolist() == [0, 1, 1]
    assert none["received_rolling_3"].tolist() == pytest.approx([0, 0.5, 2 / 3])
    assert none["received_change"].iloc[2] == 0
    relabelled = trend(frame.fillna({"service": "z"}), by="service", as_of=AS_OF)
    cols = ["received", "received_rolling_3", "received_change", "received_yoy"]
    pd.testing.assert_frame_equal(
        none[cols].reset_index(drop=True),
        relabelled.loc[relabelled["service"] == "z", cols].reset_index(drop=True),
    )


def test_trend_year_over_year() -> None:
    # two complaints in January 2023, none until three in January 2024:
    # 2024-01 over 2023-01 = 3 / 2 - 1 = 0.5, by month (12 back) and quarter (4 back)
    frame = pd.DataFrame(
        {
            "received_at": pd.to_datetime(
                ["2023-01-10", "2023-01-20", "2024-01-05", "2024-01-06", "2024-01-07"]
            ),
            "status": ["received"] * 5,
        }
    )
    monthly = trend(frame, as_of=AS_OF).set_index("period")
    assert len(monthly) == 15  # January 2023 to March 2024 (as_of is 1 April)
    assert monthly.loc["2024-01", "received_yoy"] == pytest.approx(0.5)
    assert monthly["received_yoy"].drop("2024-01").isna().all()
    # Dec 2023 -> Jan 2024: previous period 0, change unknown
    assert np.isnan(monthly.loc["2024-01", "received_change"])
    quarterly = trend(frame, period="quarter", as_of=AS_OF).set_index("period")
    assert quarterly.index.tolist() == ["2023Q1", "2023Q2", "2023Q3", "2023Q4", "2024Q1"]
    assert quarterly.loc["2024Q1", "received_yoy"] == pytest.approx(0.5)
    # at AS_OF (1 April 2024) the year 2024 is running: no change for a quarter of it
    running = trend(frame, period="year", as_of=AS_OF).set_index("period")
    assert running["complete"].tolist() == [True, False]
    assert running.loc["2024", ["received_yoy", "received_change"]].isna().all()
    yearly = trend(frame, period="year", as_of="2025-01-01").set_index("period")
    assert yearly["received"].tolist() == [2, 3]
    assert yearly.loc["2024", "received_yoy"] == pytest.approx(0.5)
    assert yearly.loc["2024", "received_change"] == pytest.approx(0.5)


def test_a_local_time_skipped_by_the_clock_change_is_a_typed_error():
    # found by the backlog property test: 31 March 2024 02:30 does not exist in Europe/Rome
    complaints = pd.DataFrame(
        {"id": ["c0"], "organization": ["A"], "service": ["registry"],
         "received_at": [pd.Timestamp("2024-03-10")]}
    )  # fmt: skip
    events = pd.DataFrame(
        {"seq": [1, 2], "complaint_id": ["c0", "c0"],
         "at": [pd.Timestamp("2024-03-10 09:00"), pd.Timestamp("2024-03-31 02:30")],
         "to_status": ["received", "in_progress"]}
    )  # fmt: skip
    with pytest.raises(DataError, match=r"'c0' at 2024-03-31 02:30:00 is not one instant"):
        case_table(complaints, events, as_of="2024-04-30")


def test_complaint_indicators_leave_out_the_period_as_of_has_not_ended(cases) -> None:
    """A part of a period is not published as the period's value (review #13)."""
    from qualitapa.indicators import IndicatorDefinition, complaint_indicators

    on_time = IndicatorDefinition.from_mapping({
        "id": "registry.complaints_on_time", "label": "Reclami nei termini",
        "service": "registry", "dimension": "quality", "polarity": "higher_is_better",
        "unit": "%", "scale": 100,
        "source": {"type": "complaints", "kpi": "share_within_deadline"}})  # fmt: skip
    k = kpis(cases, by=["organization", "month"], as_of="2024-03-25")
    out = complaint_indicators(k, [on_time])
    assert out["period"].tolist() == ["2024-01", "2024-02"]  # not March, 25 days old
    whole = kpis(cases, by=["organization", "month"], as_of="2024-04-01")
    assert complaint_indicators(whole, [on_time])["period"].tolist()[-1] == "2024-03"
