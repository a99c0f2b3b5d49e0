"""kpis(metrics=...) and the backlog series: hand-computed values and plain per-instant loops."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from qualitapa.complaints import DeadlinePolicy, WorkCalendar, backlog, case_table, kpis
from qualitapa.errors import DataError, OptionError
from qualitapa.i18n import translator

from .test_complaints_kpis import eight_complaints

AS_OF = "2024-04-01"


@pytest.fixture
def cases() -> pd.DataFrame:
    return eight_complaints()  # their KPIs are computed by hand in test_complaints_kpis.py


def test_a_subset_of_metrics_is_those_columns_of_the_full_call(cases: pd.DataFrame) -> None:
    full = kpis(cases, by="service", as_of=AS_OF)
    asked = ["p90_answer_working_days", "share_within_deadline", "overdue", "backlog"]
    some = kpis(cases, by="service", as_of=AS_OF, metrics=asked)
    names = ["backlog_0_15", "backlog_16_30", "backlog_31_60", "backlog_61_90", "backlog_over_90"]
    expected = ["service", "received", "share_within_deadline", "p90_answer_working_days",
                "open", *names, "overdue"]  # fmt: skip
    assert some.columns.tolist() == expected  # in the full call's order, received always
    pd.testing.assert_frame_equal(some, full[expected])
    # registry: working days 8, 28, 14 -> p90 = 14 + 0.8 * 14 (test_complaints_kpis)
    reg = some.set_index("service").loc["registry"]
    assert reg["p90_answer_working_days"] == pytest.approx(25.2)
    assert (reg["open"], reg["backlog_31_60"], reg["overdue"]) == (2, 1, 1)


def test_pure_timing_needs_no_status_and_leaves_the_frame_alone(cases: pd.DataFrame) -> None:
    timing = cases.drop(columns=["id", "category", "organization", "status", "reopen_count"])
    before = timing.copy()
    k = kpis(timing, by="service", metrics=["median_answer_days", "share_within_deadline"])
    assert k.columns.tolist() == ["service", "received", "share_within_deadline",
                                  "median_answer_days"]  # fmt: skip
    # registry answers after 10, 40, 20 days, two within 30 days; libraries one after 10
    assert k["median_answer_days"].tolist() == [10, 20]
    assert k["share_within_deadline"].tolist() == pytest.approx([1, 2 / 3])
    pd.testing.assert_frame_equal(timing, before)
    with pytest.raises(DataError, match="column 'status'"):
        kpis(timing, metrics=["open"])


def test_an_unknown_metric_is_refused_with_the_valid_names(cases: pd.DataFrame) -> None:
    with pytest.raises(OptionError, match=r"metrics must be .*'p90_answer_working_days'.*"
                                          r"'backlog'.*not 'p95'"):  # fmt: skip
        kpis(cases, metrics=["p95"])
    with pytest.raises(DataError, match="population"):
        kpis(cases, metrics=["per_10000"])
    with pytest.raises(DataError, match="column 'founded'"):
        kpis(cases, metrics=["share_founded"])


def test_working_day_quantiles_on_many_rows_equal_pandas() -> None:
    # whole days take the histogram path, fractions the sorted one: both equal pandas
    rng = np.random.default_rng(7)
    n = 20_000
    received = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 365, n), "D")
    answered = received + pd.to_timedelta(rng.gamma(2, 9, n).round(), "D")
    frame = pd.DataFrame(
        {
            "service": rng.choice(["a", "b", "c", None], n),
            "received_at": received,
            "answered_at": answered.where(rng.random(n) > 0.1),
        }
    )
    policy = DeadlinePolicy(default={"days": 30, "unit": "working"})
    got = kpis(frame, by="service", metrics=["median_answer_working_days",
               "p90_answer_working_days", "share_within_deadline"], policy=policy,
               calendar=WorkCalendar("MO"))  # fmt: skip
    # plain numpy: working days by busday_count with the holidays, due by busday_offset
    cal = WorkCalendar("MO")._busdaycal
    r = received.to_numpy().astype("datetime64[D]")
    a = frame["answered_at"].to_numpy().astype("datetime64[D]")
    done = ~np.isnat(a)
    one = np.timedelta64(1, "D")
    wd = np.full(n, np.nan)
    wd[done] = np.busday_count(r[done] + one, a[done] + one, busdaycal=cal)
    due = np.busday_offset(r, 30, roll="backward", busdaycal=cal)
    plain = pd.DataFrame({"service": frame["service"], "wd": wd})
    plain["within"] = np.where(done, a <= due, np.nan)
    g = plain.groupby("service", dropna=False, sort=True)
    np.testing.assert_allclose(got["median_answer_working_days"], g["wd"].median(), rtol=1e-12)
    np.testing.assert_allclose(got["p90_answer_working_days"], g["wd"].quantile(0.9), rtol=1e-12)
    np.testing.assert_allclose(got["share_within_deadline"], g["within"].mean(), rtol=1e-12)
    frame["answered_at"] += pd.Timedelta(hours=12)  # same days
    frame["suspended_days"] = rng.integers(0, 3, n)
    days = kpis(frame, by="service", metrics=["median_answer_days", "p90_answer_days"])
    d = (frame["answered_at"].dt.normalize() - received).dt.days - frame["suspended_days"]
    g = d.groupby(frame["service"], dropna=False, sort=True)
    np.testing.assert_allclose(days["p90_answer_days"], g.quantile(0.9), rtol=1e-12)


# -- the backlog at a series of instants ---------------------------------------


def plain_backlog(frame: pd.DataFrame, instants: list[pd.Timestamp]) -> list[int]:
    """One count per instant: received by then, not answered by then."""
    out = []
    for t in instants:
        rec = frame["received_at"] <= t
        gone = frame["answered_at"].notna() & (frame["answered_at"] <= t)
        out.append(int((rec & ~gone).sum()))
    return out


def test_month_end_backlog_by_hand(cases: pd.DataFrame) -> None:
    timing = cases[["service", "received_at", "answered_at"]]  # no status: no events needed
    b = backlog(timing, by="service")
    # the latest instant is 20 March (c5's receipt): January and February ended
    assert b["period"].tolist() == ["2024-01", "2024-02"] * 2
    assert b["as_of"].iloc[0] == pd.Timestamp("2024-01-31 23:59:59.999999", tz="Europe/Rome")
    # registry at 31 Jan: c2 (answered 14 Feb); c1, c3 answered in January -> 1;
    # at 29 Feb: c4 (received 1 Feb) -> 1. libraries: c6 (never answered) -> 1,
    # at 29 Feb c6, c7, c8 (answered 1 Mar) -> 3
    assert b.set_index(["service", "period"])["open"].to_dict() == {
        ("libraries", "2024-01"): 1, ("libraries", "2024-02"): 3,
        ("registry", "2024-01"): 1, ("registry", "2024-02"): 1,
    }  # fmt: skip


def test_backlog_series_equals_a_plain_loop_over_instants() -> None:
    rng = np.random.default_rng(3)
    n = 3_000
    received = pd.Timestamp("2024-01-01", tz="UTC") + pd.to_timedelta(
        rng.integers(0, 200 * 86_400, n), "s"
    )
    answered = received + pd.to_timedelta(rng.gamma(2, 9, n) * 86_400, "s").round("s")
    frame = pd.DataFrame(
        {
            "service": rng.choice(["x", "y", "z"], n),
            "received_at": received,
            "answered_at": answered.where(rng.random(n) > 0.2),
        }
    )
    texts = ["2024-03-31 23:59:59", "2024-01-15", "2024-05-05 12:00", "2024-01-01"]
    instants = [pd.Timestamp(t, tz="Europe/Rome") for t in texts]
    # a receipt and an answer at the very instant: received counts, answered does not
    instants += [frame["received_at"].iloc[0], frame["answered_at"].dropna().iloc[0]]
    instants = [t.tz_convert("Europe/Rome") for t in instants]
    b = backlog(frame, [t.tz_localize(None) for t in instants], by="service")
    assert b["as_of"].tolist()[:6] == instants  # in the order given
    for service, rows in b.groupby("service"):
        assert rows["open"].tolist() == plain_backlog(frame[frame["service"] == service], instants)
    ends = backlog(frame)
    month_ends = [
        pd.Timestamp(p + "-01", tz="Europe/Rome") + pd.offsets.MonthBegin(1) - pd.Timedelta("1us")
        for p in ends["period"]
    ]
    assert ends["as_of"].tolist() == month_ends
    assert ends["open"].tolist() == plain_backlog(frame, month_ends)


def _history() -> tuple[pd.DataFrame, pd.DataFrame]:
    complaints = pd.DataFrame(
        {
            "id": ["c1", "c2", "c3", "c0"],
            "service": ["registry", "registry", "libraries", "libraries"],
            "received_at": pd.to_datetime(
                ["2024-01-10 09:00", "2024-01-20 09:00", "2024-02-05 09:00", "2024-03-15 09:00"]
            ),
        }
    )
    at = ["2024-01-10 09:00", "2024-02-01 09:00", "2024-02-03 09:00", "2024-03-10 09:00",
          "2024-04-02 09:00", "2024-01-20 09:00", "2024-01-25 09:00",
          "2024-02-05 09:00", "2024-03-15 09:00"]  # fmt: skip
    events = pd.DataFrame(
        {
            "seq": range(1, 10),
            "complaint_id": ["c1"] * 5 + ["c2"] * 2 + ["c3", "c0"],
            "at": pd.to_datetime(at),
            "to_status": ["received", "answered", "closed", "reopened", "answered",
                          "received", "forwarded", "received", "received"],
        }
    )  # fmt: skip
    return complaints, events


def test_backlog_from_events_counts_reopened_and_forwarded_complaints() -> None:
    complaints, events = _history()
    b = backlog(complaints, "month-end", events=events, by="service")
    # c1 open 10 Jan - 1 Feb and 10 Mar - 2 Apr; c2 open 20-25 Jan (forwarded);
    # c3 open from 5 Feb, c0 from 15 Mar (its events come before c1's: still open
    # there, it must not hide c1's receipt). Month ends of January to March (latest: 2 April)
    assert b.set_index(["service", "period"])["open"].to_dict() == {
        ("libraries", "2024-01"): 0, ("libraries", "2024-02"): 1, ("libraries", "2024-03"): 2,
        ("registry", "2024-01"): 1, ("registry", "2024-02"): 0, ("registry", "2024-03"): 1,
    }  # fmt: skip
    # the same as kpis on the register as it stood at each month end
    for as_of, rows in b.groupby("as_of"):
        snapshot = case_table(complaints, events, as_of=as_of)
        k = kpis(snapshot, by="service", as_of=as_of, metrics=["open"]).set_index("service")
        got = rows.set_index("service")["open"]
        assert got.to_dict() == k["open"].reindex(got.index, fill_value=0).to_dict()


def test_a_table_that_cannot_say_when_complaints_left_is_refused(cases: pd.DataFrame) -> None:
    with pytest.raises(DataError, match=r"2 complaint\(s\) have a status.*events="):
        backlog(cases)  # c6 forwarded, c7 rejected: when did they leave?
    early = cases[["received_at", "answered_at"]].copy()
    early.loc[0, "answered_at"] = pd.Timestamp("2023-12-01", tz="Europe/Rome")
    with pytest.raises(DataError, match="before they were received") as err:
        backlog(early)
    assert "usciti dall'arretrato prima di essere ricevuti: 1" in err.value.render(translator("it"))
