"""Complaint days in each organization's own time zone (issue 17).

case_table and kpis count calendar days, working days, periods and backlog ages in the
office days of each complaint's organization (Organization.timezone), not in one zone
for every office. The expected values are computed by hand below (calendar: weekends
closed; no Italian national holiday falls in these weeks).
"""

from __future__ import annotations

import pandas as pd
import pytest

from qualitapa import Organization, hookimpl
from qualitapa.complaints import case_table, kpis
from qualitapa.errors import DataError
from qualitapa.testing import catalog_with

NY, ROME = "newyork", "036023"
ZONES = {NY: "America/New_York", ROME: "Europe/Rome"}


class _Offices:
    @hookimpl
    def qualitapa_organizations(self):
        return [
            Organization(ROME, "Modena", province="MO"),
            Organization(NY, "Ufficio di New York", timezone="America/New_York"),
        ]


def _frames(received: dict[str, str], answered: dict[str, str], orgs: dict[str, str]):
    complaints = pd.DataFrame(
        {
            "id": list(received),
            "organization": [orgs[i] for i in received],
            "received_at": pd.to_datetime(list(received.values()), utc=True),
        }
    )
    rows = []
    for cid, at in received.items():
        rows.append({"complaint_id": cid, "at": at, "to_status": "received"})
        if cid in answered:
            rows.append({"complaint_id": cid, "at": answered[cid], "to_status": "answered"})
    events = pd.DataFrame(rows)
    events["at"] = pd.to_datetime(events["at"], utc=True)
    events["seq"] = range(1, len(events) + 1)
    return complaints, events


# A: received Wed 2024-01-31 23:30 in New York (2024-02-01 04:30Z, Thu 05:30 in Rome),
#    answered Mon 2024-02-05 17:00 in New York (22:00Z, Mon 23:00 in Rome).
#    New York days: 2024-01-31 -> 2024-02-05 = 5 days; working days in (Wed 31, Mon 5]:
#    Thu 1, Fri 2, Mon 5 = 3. In Rome's days it would be 2024-02-01 -> 02-05: 4 and 2.
# B: received Sat 2024-03-09 23:30 EST (03-10 04:30Z), answered Mon 2024-03-11 00:30 EDT
#    (03-11 04:30Z): clocks went forward on Sunday 03-10 at 02:00 in New York, so 24 hours
#    span two office days there: 2 days, 1 working day (Mon 11); in Rome's days 1 and 1.
RECEIVED = {"A": "2024-01-31T23:30:00-05:00", "B": "2024-03-09T23:30:00-05:00"}
ANSWERED = {"A": "2024-02-05T17:00:00-05:00", "B": "2024-03-11T00:30:00-04:00"}


@pytest.mark.parametrize(
    "tz", [ZONES, pytest.param("catalog", id="catalog")], ids=["mapping", "catalog"]
)
def test_days_and_working_days_are_the_offices_own(tz):
    if tz == "catalog":
        tz = catalog_with(("offices", _Offices()))
    complaints, events = _frames(RECEIVED, ANSWERED, {"A": NY, "B": NY})
    cases = case_table(complaints, events, as_of="2024-06-01", tz=tz).set_index("id")
    assert cases.loc["A", "received_date"] == pd.Timestamp("2024-01-31")
    assert cases.loc["A", "answer_days"] == 5
    assert cases.loc["A", "answer_working_days"] == 3
    assert cases.loc["B", "received_date"] == pd.Timestamp("2024-03-09")
    assert cases.loc["B", "answer_days"] == 2  # across the change to summer time
    assert cases.loc["B", "answer_working_days"] == 1
    # the same instants counted in Rome's days (what a single zone gave every office)
    rome = case_table(complaints, events, as_of="2024-06-01").set_index("id")
    assert rome.loc["A", ["answer_days", "answer_working_days"]].tolist() == [4, 2]
    assert rome.loc["B", ["answer_days", "answer_working_days"]].tolist() == [1, 1]


def test_each_complaint_in_its_own_organizations_zone():
    received = {"NY": RECEIVED["A"], "IT": RECEIVED["A"]}  # the same instant
    answered = {"NY": ANSWERED["A"], "IT": ANSWERED["A"]}
    complaints, events = _frames(received, answered, {"NY": NY, "IT": ROME})
    cases = case_table(complaints, events, as_of="2024-06-01", tz=ZONES).set_index("id")
    assert cases.loc["NY", ["answer_days", "answer_working_days"]].tolist() == [5, 3]
    assert cases.loc["IT", ["answer_days", "answer_working_days"]].tolist() == [4, 2]
    table = kpis(cases.reset_index(), by=["organization", "month"], as_of="2024-06-01", tz=ZONES)
    table = table[table["received"] > 0]  # (every month to as_of is listed, most empty)
    months = dict(zip(table["organization"], table["period"], strict=True))
    assert months == {NY: "2024-01", ROME: "2024-02"}  # 23:30 on 31 January in New York


def test_backlog_age_and_as_of_in_the_offices_days():
    # open since Wed 2024-01-31 12:00 in New York (17:00Z); as_of 2024-02-01T03:00Z is
    # still 31 January (22:00) in New York: age 0 there, 1 day in Rome's calendar
    complaints, events = _frames({"A": "2024-01-31T12:00:00-05:00"}, {}, {"A": NY})
    as_of = "2024-02-01T03:00:00+00:00"
    cases = case_table(complaints, events, as_of=as_of, tz=ZONES)
    ny = kpis(cases, as_of=as_of, tz=ZONES, age_buckets=(0, 30))
    rome = kpis(cases, as_of=as_of, age_buckets=(0, 30))
    assert ny[["open", "backlog_0_0", "backlog_1_30"]].iloc[0].tolist() == [1, 1, 0]
    assert rome[["open", "backlog_0_0", "backlog_1_30"]].iloc[0].tolist() == [1, 0, 1]


def test_a_naive_event_time_is_office_time_and_the_skipped_hour_is_refused():
    complaints = pd.DataFrame(
        {"id": ["NY", "IT"], "organization": [NY, ROME],
         "received_at": ["2024-01-31 23:30", "2024-01-31 23:30"]}
    )  # fmt: skip
    complaints["received_at"] = pd.to_datetime(complaints["received_at"])
    events = pd.DataFrame(
        {"complaint_id": ["NY", "NY", "IT", "IT"], "seq": [1, 2, 3, 4],
         "at": pd.to_datetime(["2024-01-31 23:30", "2024-02-05 17:00"] * 2),
         "to_status": ["received", "answered"] * 2}
    )  # fmt: skip
    cases = case_table(complaints, events, as_of="2024-06-01", tz=ZONES).set_index("id")
    # naive times are each office's wall clock: both offices count 5 days
    assert cases["answer_days"].tolist() == [5, 5]
    assert cases.loc["NY", "answered_at"] == pd.Timestamp("2024-02-05T22:00Z")
    assert cases.loc["IT", "answered_at"] == pd.Timestamp("2024-02-05T16:00Z")
    skipped = events.copy()  # 02:30 on 10 March does not exist in New York, only in Rome
    skipped.loc[1, "at"] = pd.Timestamp("2024-03-10 02:30")
    with pytest.raises(DataError, match="complaint 'NY' at 2024-03-10 02:30:00 is not one"):
        case_table(complaints, skipped, as_of="2024-06-01", tz=ZONES)
    skipped.loc[1, "complaint_id"] = "IT"  # the same wall-clock time in Rome is fine
    skipped.loc[1, "seq"] = 5
    case_table(complaints, skipped.sort_values("seq"), as_of="2024-06-01", tz=ZONES)


def test_the_command_line_counts_in_each_offices_days(tmp_path, monkeypatch):
    import io

    from click.testing import CliRunner

    from qualitapa.cli import _complaints, cli

    catalog = catalog_with(("offices", _Offices()))
    monkeypatch.setattr(_complaints, "get_catalog", lambda: catalog)
    src = tmp_path / "reclami.csv"
    src.write_text(
        "id;kind;channel;service;organization;received_at;status;answered_at\n"
        "N1;complaint;counter;registry;newyork;31/01/2024 23:30;answered;05/02/2024 17:00\n"
        "R1;complaint;counter;registry;036023;31/01/2024 23:30;answered;05/02/2024 17:00\n",
        encoding="utf-8",
    )
    db = str(tmp_path / "urp.db")
    runner = CliRunner()
    result = runner.invoke(cli, ["complaints", "import", str(src), "--db", db, "--create"])
    assert result.exit_code == 0, result.output + result.stderr
    args = ["complaints", "kpis", "--db", db, "--by", "organization,month", "--format", "csv"]
    result = runner.invoke(cli, [*args, "--as-of", "2024-06-01"])
    assert result.exit_code == 0, result.output + result.stderr
    table = pd.read_csv(io.StringIO(result.stdout), dtype={"organization": str, "period": str})
    rows = table[table["received"] > 0].set_index("organization")  # (empty months too)
    # each office's wall clock: 31 January, answered 5 days later (3 working days)
    assert rows.loc[NY, "period"] == "2024-01"
    assert rows.loc[ROME, "period"] == "2024-01"
    assert rows.loc[NY, "mean_answer_days"] == 5
    assert rows.loc[ROME, "mean_answer_days"] == 5
    assert rows.loc[NY, "mean_answer_working_days"] == 3
