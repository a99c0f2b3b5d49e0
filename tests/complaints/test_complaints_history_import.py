"""Import of complaints with their full event history, and the outcome of current-state imports."""

from __future__ import annotations

import importlib.util
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from qualitapa.cli import cli
from qualitapa.complaints import ComplaintRegister, Status, kpis, path_to
from qualitapa.errors import DataError


@pytest.fixture(autouse=True)
def _english_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests read the command line's English messages (Italian is the default)."""
    monkeypatch.setenv("QUALITAPA_LANG", "en")


AS_OF = "2024-06-01"

# Four complaints of March 2024 (office time, Europe/Rome: +01:00 until 31 March,
# +02:00 after) with a real history:
#  A answered after a suspension (6 -> 11 March), closed, reopened, answered again;
#  B forwarded to INPS and then closed without an answer;
#  C answered and closed;
#  D rejected.
COMPLAINTS = """id,kind,channel,service,received_at,status,answered_at,closed_at
A,complaint,pec,registry,2024-03-04T09:00:00+01:00,closed,2024-03-20T12:00:00+01:00,2024-04-03T10:00:00+02:00
B,complaint,email,registry,2024-03-05T10:00:00+01:00,closed,,2024-03-07T10:00:00+01:00
C,fault_report,web,registry,2024-03-07T11:00:00+01:00,closed,2024-03-15T09:00:00+01:00,2024-03-16T09:00:00+01:00
D,complaint,letter,registry,2024-03-08T12:00:00+01:00,rejected,,
"""
EVENTS = """seq,complaint_id,at,actor,action,from_status,to_status,note,target
1,A,2024-03-04T09:00:00+01:00,urp,receive,,received,,
2,A,2024-03-04T10:00:00+01:00,urp,register,received,registered,,
3,B,2024-03-05T10:00:00+01:00,urp,receive,,received,,
4,A,2024-03-05T09:00:00+01:00,urp,assign,registered,assigned,,ufficio anagrafe
5,B,2024-03-05T11:00:00+01:00,urp,register,received,registered,,
6,A,2024-03-06T10:00:00+01:00,anagrafe,suspend,assigned,suspended,documento mancante,
7,B,2024-03-06T09:00:00+01:00,urp,forward,registered,forwarded,non di competenza,INPS
8,C,2024-03-07T11:00:00+01:00,urp,receive,,received,,
9,B,2024-03-07T10:00:00+01:00,urp,close,forwarded,closed,,
10,C,2024-03-07T12:00:00+01:00,urp,register,received,registered,,
11,D,2024-03-08T12:00:00+01:00,urp,receive,,received,,
12,D,2024-03-08T13:00:00+01:00,urp,register,received,registered,,
13,D,2024-03-08T14:00:00+01:00,responsabile,reject,registered,rejected,anonimo,
14,C,2024-03-08T09:00:00+01:00,urp,assign,registered,assigned,,ufficio anagrafe
15,A,2024-03-11T10:00:00+01:00,anagrafe,start,suspended,in_progress,,
16,C,2024-03-15T09:00:00+01:00,anagrafe,answer,assigned,answered,,
17,C,2024-03-16T09:00:00+01:00,urp,close,answered,closed,,
18,A,2024-03-20T12:00:00+01:00,anagrafe,answer,in_progress,answered,,
19,A,2024-03-21T12:00:00+01:00,urp,close,answered,closed,,
20,A,2024-03-25T09:00:00+01:00,urp,reopen,closed,reopened,risposta incompleta,
21,A,2024-03-25T10:00:00+01:00,anagrafe,start,reopened,in_progress,,
22,A,2024-04-02T09:00:00+02:00,anagrafe,answer,in_progress,answered,,
23,A,2024-04-03T10:00:00+02:00,urp,close,answered,closed,,
"""


def _frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    read = dict(dtype=str, keep_default_na=False, na_values=[""])
    return (
        pd.read_csv(io.StringIO(COMPLAINTS), **read),  # type: ignore[arg-type]
        pd.read_csv(io.StringIO(EVENTS), **read),  # type: ignore[arg-type]
    )


@pytest.fixture
def reg(tmp_path: Path) -> ComplaintRegister:
    r = ComplaintRegister(tmp_path / "urp.db")
    yield r
    r.close()


def test_history_is_imported_as_it_happened(reg: ComplaintRegister) -> None:
    complaints, events = _frames()
    report = reg.import_frame(complaints, events=events, source="c.csv", events_source="e.csv")
    assert report.problems.empty
    assert (report.imported, report.events, report.rejected, report.rejected_events) == (
        4,
        23,
        0,
        0,
    )
    assert reg.check() == []
    hist = reg.history("A")
    assert [e.to_status.value for e in hist] == [
        "received", "registered", "assigned", "suspended", "in_progress", "answered",
        "closed", "reopened", "in_progress", "answered", "closed",
    ]  # fmt: skip
    assert [e.actor for e in hist][3:6] == ["anagrafe"] * 3
    assert hist[3].note == "documento mancante"
    assert hist[-2].at == pd.Timestamp("2024-04-02T07:00:00Z").to_pydatetime()
    b = reg.history("B")
    assert (b[2].to_status, b[2].target, b[2].note) == (
        Status.FORWARDED,
        "INPS",
        "non di competenza",
    )
    assert reg.status("B") is Status.CLOSED
    # the register numbers events anew, keeping the order of the file
    ev = reg.events_frame()
    assert ev["seq"].tolist() == list(range(1, 24))
    assert ev["complaint_id"].tolist() == events["complaint_id"].tolist()


def test_kpis_reflect_the_history(reg: ComplaintRegister) -> None:
    complaints, events = _frames()
    reg.import_frame(complaints, events=events)
    cases = reg.cases(as_of=AS_OF).set_index("id")
    # Hand computation (dates are office dates; the day of receipt is not counted):
    # A received Mon 4 March, suspended Wed 6 -> Mon 11 March = 5 calendar days, of which
    #   working days Thu 7, Fri 8, Mon 11 = 3; first answer Wed 20 March:
    #   16 calendar days - 5 = 11; working days 5..20 March = 4 + 5 + 3 = 12, - 3 = 9.
    # C received Thu 7 March, answered Fri 15 March: 8 calendar days; working days
    #   8, 11-15 March = 6.
    assert cases.loc["A", "suspended_days"] == 5
    assert cases.loc["A", "suspended_working_days"] == 3
    assert cases.loc["A", "answer_days"] == 11
    assert cases.loc["A", "answer_working_days"] == 9
    assert cases.loc["A", "reopen_count"] == 1
    # 30 calendar days + 5 suspended after 4 March: 8 April
    assert cases.loc["A", "due_date"] == pd.Timestamp("2024-04-08")
    assert cases.loc["C", "answer_days"] == 8
    assert cases.loc["C", "answer_working_days"] == 6
    assert bool(cases.loc["B", "forwarded"])
    assert pd.isna(cases.loc["B", "answer_days"])
    assert bool(cases.loc["D", "rejected"])
    k = kpis(cases.reset_index(), as_of=AS_OF).iloc[0]
    assert (k["received"], k["answered"], k["reopened"]) == (4, 2, 1)
    assert k["reopening_rate"] == pytest.approx(1 / 2)  # A of the 2 answered
    assert k["mean_answer_days"] == pytest.approx((11 + 8) / 2)
    assert k["mean_answer_working_days"] == pytest.approx((9 + 6) / 2)
    assert k["share_forwarded"] == pytest.approx(1 / 4)
    assert k["share_rejected"] == pytest.approx(1 / 4)

    # the current state alone loses the reopening and the suspension
    flat = ComplaintRegister(":memory:")
    only_state = complaints.assign(
        outcome=["answered", "forwarded", "answered", "rejected"],
        outcome_target=[None, "INPS", None, None],
        outcome_note=[None, "non di competenza", None, "anonimo"],
    )
    assert flat.import_frame(only_state).problems.empty
    lost = flat.cases(as_of=AS_OF).set_index("id")
    assert (lost.loc["A", "reopen_count"], lost.loc["A", "answer_days"]) == (0, 16)
    flat.close()


def test_round_trip_through_the_exports(reg: ComplaintRegister, tmp_path: Path) -> None:
    complaints, events = _frames()
    reg.import_frame(complaints, events=events)
    reg.export_csv(tmp_path / "c.csv")
    reg.events_frame().to_csv(tmp_path / "e.csv", index=False)
    # the export re-imports as it is: updated_at is derived from the events
    with ComplaintRegister(tmp_path / "copy.db") as copy:
        report = copy.import_csv(tmp_path / "c.csv", events=tmp_path / "e.csv")
        assert report.problems.empty, report.problems
        pd.testing.assert_frame_equal(copy.events_frame(), reg.events_frame())
        pd.testing.assert_frame_equal(copy.to_frame(), reg.to_frame())


def _problems(report: object) -> list[tuple[str, int, str]]:
    p = report.problems  # type: ignore[attr-defined]
    return list(zip(p["table"], p["row"].astype(int), p["column"], strict=True))


BAD_COMPLAINTS = """id,kind,channel,service,received_at,status
G,complaint,pec,registry,2024-03-04T09:00:00+01:00,registered
X,complaint,pec,registry,2024-03-04T09:00:00+01:00,
Y,complaint,pec,registry,2024-03-04T09:00:00+01:00,
Z,complaint,pec,registry,2024-03-04T09:00:00+01:00,
W,complaint,pec,registry,2024-03-04T09:00:00+01:00,answered
V,complaint,pec,registry,2024-03-04T09:00:00+01:00,
U,complaint,fax,registry,2024-03-04T09:00:00+01:00,
F,complaint,pec,registry,2024-03-04T09:00:00+01:00,
"""
BAD_EVENTS = """seq,complaint_id,at,actor,to_status,from_status,note,target
1,G,2024-03-04T09:00:00+01:00,urp,received,,,
2,G,2024-03-04T10:00:00+01:00,urp,registered,received,,
3,X,2024-03-04T09:00:00+01:00,urp,received,,,
4,X,2024-03-05T09:00:00+01:00,urp,closed,received,,
5,Y,2024-03-04T09:00:00+01:00,urp,received,,,
6,Y,2024-03-06T09:00:00+01:00,urp,registered,received,,
7,Y,2024-03-05T09:00:00+01:00,urp,assigned,registered,,
8,Z,2024-03-04T09:00:00+01:00,urp,registered,,,
9,W,2024-03-04T09:00:00+01:00,urp,received,,,
10,W,2024-03-04T10:00:00+01:00,urp,registered,received,,
11,Q,2024-03-04T10:00:00+01:00,urp,received,,,
12,U,2024-03-04T09:00:00+01:00,urp,received,,,
13,F,2024-03-04T09:00:00+01:00,urp,received,,,
14,F,2024-03-04T09:30:00+01:00,urp,forwarded,received,non di competenza,
15,Y,2024-03-03T09:00:00+01:00,urp,received,,,
"""


def test_bad_histories_are_reported_with_their_row_numbers(
    reg: ComplaintRegister, tmp_path: Path
) -> None:
    (tmp_path / "c.csv").write_text(BAD_COMPLAINTS, encoding="utf-8")
    (tmp_path / "e.csv").write_text(BAD_EVENTS, encoding="utf-8")
    report = reg.import_csv(tmp_path / "c.csv", events=tmp_path / "e.csv")
    assert report.events_source == str(tmp_path / "e.csv")
    assert _problems(report) == [
        ("complaints", 2, "events"),  # X: received -> closed (events row 4)
        ("complaints", 3, "events"),  # Y: out of order (row 7), duplicate first event (row 15)
        ("complaints", 4, "events"),  # Z: starts with 'registered' (row 8)
        ("complaints", 5, "status"),  # W: the file says answered, the events end registered
        ("complaints", 6, "id"),  # V: no events
        ("complaints", 7, "channel"),  # U: 'fax' is not a channel
        ("complaints", 8, "events"),  # F: forward without target (row 14)
        ("events", 3, "complaint_id"),  # X's other event: not imported
        ("events", 4, "to_status"),
        ("events", 5, "complaint_id"),
        ("events", 6, "complaint_id"),
        ("events", 7, "at"),
        ("events", 8, "to_status"),
        ("events", 9, "complaint_id"),
        ("events", 10, "complaint_id"),
        ("events", 11, "complaint_id"),  # Q: no such complaint
        ("events", 12, "complaint_id"),  # U's event: its complaint was rejected
        ("events", 13, "complaint_id"),
        ("events", 14, "target"),
        ("events", 15, "at"),  # after Y's row 7 in seq but dated before it,
        ("events", 15, "at"),  # before Y was received,
        ("events", 15, "from_status"),  # and a second start
    ]
    # one entry per cell (events row 15's 'at' has two problems): a lookup on the
    # non-unique, unsorted index is a PerformanceWarning on pandas 3.0 (an error here)
    # and gives a Series instead of the text once the index is sorted
    p = report.problems.groupby(["table", "row", "column"])["problem"].agg(" | ".join)
    assert p[("events", 15, "at")].count(" | ") == 1
    assert p[("complaints", 2, "events")] == "its history has problems (events rows 4)"
    assert p[("complaints", 3, "events")] == "its history has problems (events rows 7, 15)"
    assert p[("complaints", 5, "status")] == "the events end in 'registered'"
    assert p[("complaints", 6, "id")] == "no events for this complaint in the events table"
    assert p[("events", 4, "to_status")] == "cannot go from 'received' to 'closed'"
    assert p[("events", 7, "at")] == (
        "dated before the previous event of this complaint (events row 6)"
    )
    assert p[("events", 8, "to_status")] == "cannot go from nothing to 'registered'"
    assert p[("events", 11, "complaint_id")] == "no complaint with this id in the complaints table"
    assert p[("events", 12, "complaint_id")] == (
        "not imported: its complaint (complaints row 7) was rejected"
    )
    assert p[("events", 14, "target")].startswith("forwarding needs the body")
    # only G went in, with its two events
    assert (report.imported, report.events, report.rejected, report.rejected_events) == (
        1,
        2,
        7,
        13,
    )
    assert list(reg.to_frame()["id"]) == ["G"]
    assert reg.check() == []
    with pytest.raises(DataError, match="7 complaint row\\(s\\) and 13 event row\\(s\\)"):
        report.raise_for_problems()


def test_history_against_the_complaint_dates_and_the_register(reg: ComplaintRegister) -> None:
    complaints, events = _frames()
    wrong = complaints.copy()
    wrong.loc[0, "answered_at"] = "2024-04-02T09:00:00+02:00"  # the second answer, not the first
    wrong.loc[2, "closed_at"] = None  # not given: nothing to check
    report = reg.import_frame(wrong, events=events)
    assert _problems(report)[0] == ("complaints", 1, "answered_at")
    assert report.problems.loc[0, "problem"] == (
        "the first answer in the events is at 2024-03-20T11:00:00Z"
    )
    assert report.rejected_events == 11  # A's events, each listed
    assert report.imported == 3
    # importing again: all already in the register, their events not imported
    again = reg.import_frame(complaints.iloc[1:], events=events[events["complaint_id"] != "A"])
    assert again.imported == 0
    assert set(again.problems["problem"]) == {
        "already in the register",
        "not imported: its complaint is already in the register",
    }
    assert again.rejected_events == 12


def test_events_without_seq_or_from_status_are_ordered_by_time(reg: ComplaintRegister) -> None:
    complaints, events = _frames()
    shuffled = events.drop(columns=["seq", "from_status", "action"]).iloc[::-1]
    report = reg.import_frame(complaints, events=shuffled.reset_index(drop=True))
    assert report.problems.empty
    assert [e.to_status.value for e in reg.history("B")] == [
        "received", "registered", "forwarded", "closed"
    ]  # fmt: skip
    assert reg.check() == []


def test_events_table_needs_its_columns(reg: ComplaintRegister) -> None:
    complaints, events = _frames()
    with pytest.raises(DataError, match="to_status"):
        reg.import_frame(complaints, events=events.drop(columns="to_status"))
    with pytest.raises(DataError, match="unknown column"):
        reg.import_frame(complaints, events=events.assign(extra=1))
    bad = events.copy()
    bad.loc[0, "action"] = "open"
    bad.loc[1, "seq"] = "x"
    bad.loc[2, "at"] = "ieri"
    report = reg.import_frame(complaints, events=bad)
    ev = report.problems[report.problems["table"] == "events"]
    got = set(ev[["row", "column"]].itertuples(index=False, name=None))
    assert {(1, "action"), (2, "seq"), (3, "at")} <= got
    assert ev.iloc[0]["problem"] == "the action of a move to 'received' is 'receive'"


# -- current-state imports: the outcome ---------------------------------------------------


def test_path_through_an_outcome() -> None:
    # TRANSITIONS: forwarded -> closed and rejected -> closed are allowed
    assert [s.value for s in path_to("closed", via="forwarded")] == [
        "received", "forwarded", "closed"
    ]  # fmt: skip
    assert [s.value for s in path_to("in_progress", via="rejected")] == [
        "received", "rejected", "reopened", "in_progress"
    ]  # fmt: skip
    with pytest.raises(DataError, match="no lifecycle path reaches 'registered' through"):
        path_to("registered", via="answered")


STATE = "\n".join(
    [
        "id,kind,channel,service,received_at,status,answered_at,closed_at,"
        "outcome,outcome_at,outcome_note,outcome_target",
        "1,complaint,pec,registry,2024-03-04T09:00:00+01:00,closed,,2024-03-08T09:00:00+01:00,"
        "forwarded,2024-03-05T09:00:00+01:00,non di competenza,INPS",
        "2,complaint,pec,registry,2024-03-04T09:00:00+01:00,closed,,2024-03-08T09:00:00+01:00,"
        "rejected,,anonimo,",
        "3,complaint,pec,registry,2024-03-04T09:00:00+01:00,closed,,2024-03-08T09:00:00+01:00,,,,",
        "4,complaint,pec,registry,2024-03-04T09:00:00+01:00,registered,,,rejected,,,",
        "5,complaint,pec,registry,2024-03-04T09:00:00+01:00,closed,2024-03-06T09:00:00+01:00,,"
        ",2024-03-06T09:00:00+01:00,,",
        "6,complaint,pec,registry,2024-03-04T09:00:00+01:00,in_progress,2024-03-06T09:00:00+01:00,,"
        ",,,",
        "7,complaint,pec,registry,2024-03-04T09:00:00+01:00,answered,2024-03-06T09:00:00+01:00,,"
        "rejected,,,",
        "8,complaint,pec,registry,2024-03-04T09:00:00+01:00,closed,,2024-03-08T09:00:00+01:00,"
        "forwarded,2024-03-09T09:00:00+01:00,,",
    ]
)


def test_closed_after_a_forward_or_a_rejection(reg: ComplaintRegister, tmp_path: Path) -> None:
    (tmp_path / "s.csv").write_text(STATE, encoding="utf-8")
    report = reg.import_csv(tmp_path / "s.csv")
    assert _problems(report) == [
        ("complaints", 3, "answered_at"),  # closed, no answer date, no outcome
        ("complaints", 4, "outcome"),  # registered: no outcome yet
        ("complaints", 5, "outcome_at"),  # an answer's date is answered_at
        ("complaints", 7, "outcome"),  # answered, so the outcome is the answer
        ("complaints", 8, "closed_at"),  # closed before it was forwarded
    ]
    p = report.problems.set_index("row")["problem"]
    assert p[3] == (
        "the status says it was answered: give answered_at "
        "(or outcome 'forwarded' / 'rejected' if it was not answered)"
    )
    assert p[4] == "a 'registered' complaint cannot have been rejected yet"
    hist = reg.history("1")
    assert [(e.to_status.value, e.at.day, e.note, e.target) for e in hist] == [
        ("received", 4, "", None),
        ("forwarded", 5, "non di competenza", "INPS"),
        ("closed", 8, "imported", None),
    ]
    assert [e.to_status.value for e in reg.history("2")] == ["received", "rejected", "closed"]
    assert reg.history("2")[1].note == "anonimo"
    # in progress with an answer date: it was answered and reopened
    assert [e.to_status.value for e in reg.history("6")] == [
        "received", "registered", "assigned", "answered", "reopened", "in_progress"
    ]  # fmt: skip
    assert reg.check() == []
    cases = reg.cases(as_of=AS_OF).set_index("id")
    assert bool(cases.loc["1", "forwarded"])
    assert pd.isna(cases.loc["1", "answered_at"])
    assert cases.loc["6", "reopen_count"] == 1


# -- command line -------------------------------------------------------------------------


def test_cli_import_with_events(tmp_path: Path) -> None:
    (tmp_path / "c.csv").write_text(BAD_COMPLAINTS, encoding="utf-8")
    (tmp_path / "e.csv").write_text(BAD_EVENTS, encoding="utf-8")
    db = str(tmp_path / "urp.db")
    args = ["complaints", "import", str(tmp_path / "c.csv"), "--events", str(tmp_path / "e.csv"),
            "--db", db, "--create", "--format", "csv"]  # fmt: skip
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert (
        "imported 1 complaint (2 events) into " + db + "; 7 rows rejected, 13 event rows rejected"
    ) in result.stderr
    problems = pd.read_csv(io.StringIO(result.stdout))
    assert list(problems.columns) == ["table", "row", "id", "column", "value", "problem"]
    assert len(problems) == 22
    result = CliRunner().invoke(cli, [*args, "--strict"])
    assert result.exit_code == 1
    e_csv = str(tmp_path / "e.csv")
    args = ["complaints", "import", e_csv, "--from", "open311", "--events", e_csv, "--db", db]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert "--events goes with a CSV/Excel table" in result.stderr


# -- the registry plugin's demo data (1,721 complaints, 9,852 events) -----------------------

_HAS_REGISTRY = importlib.util.find_spec("qualitapa_registry") is not None


@pytest.mark.slow  # the registry plugin's whole demo history
@pytest.mark.skipif(not _HAS_REGISTRY, reason="the qualitapa-registry plugin is not installed")
def test_registry_demo_imports_with_its_history(tmp_path: Path) -> None:
    from importlib.resources import files

    demo = files("qualitapa_registry") / "demo"
    c_path, e_path = Path(str(demo / "complaints.csv")), Path(str(demo / "complaint_events.csv"))
    events = pd.read_csv(e_path, dtype=str)
    complaints = pd.read_csv(c_path, dtype=str)
    with ComplaintRegister(tmp_path / "demo.db") as reg:
        report = reg.import_csv(c_path, events=e_path)
        assert report.problems.empty
        # sizes from the plugin's README
        assert (report.imported, report.events) == (1_721, 9_852)
        assert reg.check() == []
        cases = reg.cases(as_of="2025-01-01")
        stored = reg.events_frame()
    assert stored["to_status"].tolist() == events["to_status"].tolist()
    assert stored["actor"].tolist() == events["actor"].tolist()
    # 69 reopenings (README), of the complaints with an answer date in complaints.csv
    answered = int(complaints["answered_at"].notna().sum())
    k = kpis(cases, as_of="2025-01-01").iloc[0]
    assert (k["reopened"], k["answered"]) == (69, answered)
    assert k["reopening_rate"] == pytest.approx(69 / answered)
    # suspended days are taken off the answer time:
    # answer = (answer date - receipt date) - suspended
    done = cases[cases["answer_days"].notna() & (cases["suspended_days"] > 0)]
    assert len(done) > 0

    def day(t: pd.Series) -> pd.Series:  # the office date, as a naive midnight
        return t.dt.tz_convert("Europe/Rome").dt.tz_localize(None).dt.normalize()

    gross = (day(done["answered_at"]) - day(done["received_at"])).dt.days
    np.testing.assert_array_equal(done["answer_days"], gross - done["suspended_days"])
    # and the suspension really comes from the events: from each 'suspended' to the next event
    ev = events.assign(at=pd.to_datetime(events["at"], utc=True, format="ISO8601"))
    ev = ev.assign(seq=ev["seq"].astype(int)).sort_values(["complaint_id", "seq"])
    ev["next_at"] = ev.groupby("complaint_id")["at"].shift(-1)
    sus = ev[(ev["to_status"] == "suspended") & ev["next_at"].notna()]
    days = (day(sus["next_at"]) - day(sus["at"])).dt.days.groupby(sus["complaint_id"]).sum()
    got = cases.set_index("id")["suspended_days"].reindex(days.index)
    answered_ids = set(done["id"])
    check = [i for i in days.index if i in answered_ids]
    assert check
    assert (got[check] == days[check]).all()
