"""The SQLite register: appends, append-only schema, migrations, import/export."""

from __future__ import annotations

import datetime as dt
import io
import sqlite3
import zoneinfo
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualitapa.complaints import SCHEMA_VERSION, Complaint, ComplaintRegister, Contact, Status
from qualitapa.complaints._schema import MIGRATIONS
from qualitapa.errors import DataError, TransitionError, UnknownItemError

ROME = zoneinfo.ZoneInfo("Europe/Rome")


def _t(day: int, hour: int = 9, month: int = 1) -> dt.datetime:
    return dt.datetime(2024, month, day, hour, tzinfo=ROME)


@pytest.fixture
def reg(tmp_path: Path) -> ComplaintRegister:
    r = ComplaintRegister(tmp_path / "urp.db")
    yield r
    r.close()


def _complaint(cid: str = "2024/1", **kw: object) -> Complaint:
    base: dict[str, object] = dict(
        id=cid, kind="complaint", channel="pec", service="registry",
        received_at=_t(8), category="registry.waiting", organization="036023",
        description="Attesa di due ore allo sportello",
    )  # fmt: skip
    base.update(kw)
    return Complaint(**base)  # type: ignore[arg-type]


def test_wal_mode_and_schema_version(reg: ComplaintRegister) -> None:
    assert reg._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert reg.schema_version == SCHEMA_VERSION == 4


def test_add_transition_history(reg: ComplaintRegister) -> None:
    reg.add(_complaint(contact=Contact(name="Anna Bianchi", email="anna@example.org")))
    reg.transition("2024/1", "registered", actor="urp", at=_t(8, 10))
    reg.transition("2024/1", "assigned", actor="urp", target="ufficio anagrafe", at=_t(9))
    reg.transition("2024/1", "answered", actor="anagrafe", note="scuse e nuovo orario", at=_t(12))
    assert reg.status("2024/1") is Status.ANSWERED
    hist = reg.history("2024/1")
    assert [(e.from_status, e.to_status.value) for e in hist] == [
        (None, "received"), ("received", "registered"),
        ("registered", "assigned"), ("assigned", "answered"),
    ]  # fmt: skip
    assert hist[2].target == "ufficio anagrafe"
    assert hist[3].note == "scuse e nuovo orario"
    assert hist[0].at == _t(8)
    assert [e.seq for e in hist] == sorted(e.seq for e in hist)
    got = reg.get("2024/1")
    assert got.contact is None
    assert got.description.startswith("Attesa")
    assert reg.get("2024/1", include_contact=True).contact == Contact(
        name="Anna Bianchi", email="anna@example.org"
    )
    assert "2024/1" in reg
    assert len(reg) == 1
    assert reg.check() == []


def test_invalid_transition_is_not_recorded(reg: ComplaintRegister) -> None:
    reg.add(_complaint())
    with pytest.raises(TransitionError, match="2024/1: cannot go from 'received' to 'closed'"):
        reg.transition("2024/1", "closed", actor="urp")
    assert len(reg.history("2024/1")) == 1
    with pytest.raises(UnknownItemError, match="unknown complaint '2024/9'"):
        reg.transition("2024/9", "registered", actor="urp")
    with pytest.raises(DataError, match="before the last event"):
        reg.transition("2024/1", "registered", actor="urp", at=_t(7))
    with pytest.raises(DataError, match="already in the register"):
        reg.add(_complaint())


def test_history_is_append_only_in_the_schema(reg: ComplaintRegister, tmp_path: Path) -> None:
    reg.add(_complaint())
    raw = sqlite3.connect(tmp_path / "urp.db")
    try:
        for sql in (
            "UPDATE events SET to_status = 'closed'",
            "DELETE FROM events",
            "UPDATE complaints SET service = 'libraries'",
            "DELETE FROM complaints",
        ):
            with pytest.raises(sqlite3.DatabaseError, match=r"append|cannot be"):
                raw.execute(sql)
            raw.rollback()
    finally:
        raw.close()
    assert reg.status("2024/1") is Status.RECEIVED


def test_erase_contact_keeps_the_record(reg: ComplaintRegister) -> None:
    reg.add(_complaint(contact=Contact(phone="+39 059 123456")))
    assert reg.erase_contact("2024/1") is True
    assert reg.erase_contact("2024/1") is False
    assert reg.get("2024/1", include_contact=True).contact is None
    assert len(reg.history("2024/1")) == 1


def test_migration_from_version_1(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT)")
    db.executescript(MIGRATIONS[1])
    db.execute("INSERT INTO schema_version VALUES (1, '2023-01-01T00:00:00')")
    db.execute(
        "INSERT INTO complaints VALUES ('old/1','praise','letter','libraries',NULL,NULL,0,'')"
    )
    db.execute(
        "INSERT INTO events (complaint_id, at_us, actor, action, from_status, to_status) "
        "VALUES ('old/1', 0, 'x', 'receive', NULL, 'received')"
    )
    db.close()
    with ComplaintRegister(path) as reg:
        assert reg.schema_version == 4
        # the view added by migration 2 works on the old data
        assert reg.to_frame()["status"].tolist() == ["received"]
        versions = [r[0] for r in reg._db.execute("SELECT version FROM schema_version")]
        assert versions == [1, 2, 3, 4]


@pytest.mark.parametrize("readonly", [False, True])
def test_newer_schema_is_refused(tmp_path: Path, readonly: bool) -> None:
    path = tmp_path / "new.db"
    ComplaintRegister(path).close()
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("INSERT INTO schema_version VALUES (99, 'future')")
    db.close()
    with pytest.raises(DataError, match=r"schema version 99, newer .* upgrade qualitapa") as err:
        ComplaintRegister(path, readonly=readonly)
    assert err.value.source == str(path)


CSV = """id,kind,channel,service,category,received_at,status,answered_at,description,contact_email
2024/1,complaint,email,registry,registry.waiting,2024-01-08T09:00:00+01:00,answered,2024-01-15T10:00:00+01:00,=HYPERLINK("x"),anna@example.org
2024/2,reclamo,email,registry,,2024-01-09 10:00,received,,wrong kind,
2024/3,suggestion,web,libraries,,2024-01-10 11:00,in_progress,,more hours,
2024/3,praise,web,libraries,,2024-01-11 11:00,received,,duplicate id,
2024/5,complaint,fax,registry,,2024-01-12,received,,bad channel,
2024/6,complaint,email,registry,,yesterday,received,,bad date,
2024/7,complaint,email,registry,,2024-01-12,closed,,closed without answer,
2024/8,fault_report,app,roads,,2024-01-20 08:00,answered,2024-01-19 08:00,answered before receipt,
2024/9,praise,counter,Registry Office,,2024-01-21,received,,bad service id,
"""


def test_import_csv_reports_bad_rows_and_keeps_good_ones(
    reg: ComplaintRegister, tmp_path: Path
) -> None:
    path = tmp_path / "in.csv"
    path.write_text(CSV, encoding="utf-8")
    report = reg.import_csv(path)
    assert report.imported == 2
    assert report.rejected == 7
    # row numbers are 1-based data rows (header not counted)
    got = report.problems[["row", "column"]].to_records(index=False).tolist()
    assert got == [
        (2, "kind"), (4, "id"), (5, "channel"), (6, "received_at"), (7, "answered_at"),
        (8, "answered_at"), (9, "service"),
    ]  # fmt: skip
    assert report.problems.loc[1, "problem"] == "duplicate id (first in row 3)"
    assert sorted(reg.to_frame()["id"]) == ["2024/1", "2024/3"]
    # 2024/1 walked received -> registered -> assigned -> answered
    assert [e.to_status.value for e in reg.history("2024/1")] == [
        "received", "registered", "assigned", "answered"
    ]  # fmt: skip
    assert reg.history("2024/1")[-1].at == dt.datetime(2024, 1, 15, 9, tzinfo=dt.UTC)
    # naive times are office time (Europe/Rome, UTC+1 in January)
    assert reg.get("2024/3").received_at == dt.datetime(2024, 1, 10, 10, tzinfo=dt.UTC)
    assert reg.status("2024/3") is Status.IN_PROGRESS
    assert reg.check() == []
    with pytest.raises(DataError, match="7 row\\(s\\) were not imported"):
        report.raise_for_problems()
    # importing the same file again: the good rows are now duplicates of the register
    again = reg.import_csv(path)
    assert again.imported == 0
    assert "already in the register" in set(again.problems["problem"])


def test_import_needs_the_required_columns(reg: ComplaintRegister) -> None:
    with pytest.raises(DataError, match="column 'received_at'"):
        reg.import_frame(pd.DataFrame({"id": ["1"], "kind": ["praise"], "channel": ["web"],
                                       "service": ["x"]}))  # fmt: skip
    with pytest.raises(DataError, match="unknown column"):
        reg.import_frame(pd.DataFrame({"id": ["1"], "kind": ["praise"], "channel": ["web"],
                                       "service": ["x"], "received_at": ["2024-01-01"],
                                       "colour": ["red"]}))  # fmt: skip


def test_export_csv_neutralises_formulas_and_pseudonymises(
    reg: ComplaintRegister, tmp_path: Path
) -> None:
    path = tmp_path / "in.csv"
    path.write_text(CSV, encoding="utf-8")
    reg.import_csv(path)
    buf = io.StringIO()
    assert reg.export_csv(buf) == 2
    text = buf.getvalue()
    assert "'=HYPERLINK" in text
    assert ",=HYPERLINK" not in text
    assert "anna@example.org" not in text
    buf = io.StringIO()
    reg.export_csv(buf, secret="0123456789abcdef-secret")
    out = pd.read_csv(io.StringIO(buf.getvalue()))
    assert "anna@example.org" not in buf.getvalue()
    assert out["contact_email"].dropna().str.fullmatch(r"p_[0-9a-f]{24}").all()
    buf = io.StringIO()
    reg.export_csv(buf, include_contact=True)
    assert "anna@example.org" in buf.getvalue()


def test_cases_from_the_register(reg: ComplaintRegister) -> None:
    reg.add(_complaint())
    for to, day in (("registered", 8), ("assigned", 9), ("suspended", 10),
                    ("in_progress", 17), ("answered", 24)):  # fmt: skip
        reg.transition("2024/1", to, actor="urp", at=_t(day, 12))
    reg.transition("2024/1", "closed", actor="urp", at=_t(25))
    reg.transition("2024/1", "reopened", actor="urp", at=_t(26))
    cases = reg.cases(as_of="2024-02-01")
    row = cases.iloc[0]
    # received Mon 8 Jan, suspended Wed 10 -> Wed 17 (7 calendar days; working
    # days in (10, 17]: 11, 12, 15, 16, 17 = 5), first answer Wed 24 Jan:
    # 16 calendar days - 7 = 9; working days in (8, 24]: 9-12 (4), 15-19 (5),
    # 22-24 (3) = 12, minus 5 = 7. Due: 8 Jan + 30 + 7 = 14 Feb.
    assert row["status"] == "reopened"
    assert (row["suspended_days"], row["suspended_working_days"]) == (7, 5)
    assert (row["answer_days"], row["answer_working_days"]) == (9.0, 7.0)
    assert row["due_date"] == pd.Timestamp("2024-02-14")
    assert bool(row["within_deadline"])
    assert row["reopen_count"] == 1


def _to_frame_by_groupby(reg: ComplaintRegister) -> pd.DataFrame:
    """to_frame as plain pandas computes it: last event, first answer, last closing, merged."""
    import numpy as np

    frame = reg.complaints_frame()
    ev = reg.events_frame()
    last = ev.groupby("complaint_id").tail(1).set_index("complaint_id")
    answered = ev[ev["to_status"] == "answered"].groupby("complaint_id")["at"].min()
    closed = ev[ev["to_status"] == "closed"].groupby("complaint_id")["at"].max()
    cur = pd.DataFrame(
        {
            "id": last.index.to_numpy(dtype=object),
            "status": last["to_status"].to_numpy(dtype=object),
            "updated_at": last["at"].to_numpy(),
        }
    )
    cur["answered_at"] = answered.reindex(cur["id"]).to_numpy()
    cur["closed_at"] = closed.reindex(cur["id"]).to_numpy()
    out = frame.merge(cur, on="id", how="left", validate="one_to_one")
    for col in ("updated_at", "answered_at", "closed_at"):
        out[col] = pd.Series(out[col].to_numpy(), dtype="datetime64[us, UTC]")
    assert np.all(out.index == frame.index)
    return out


@settings(max_examples=10, deadline=None)
@given(st.lists(st.lists(st.integers(0, 5), max_size=8), min_size=1, max_size=8))
def test_to_frame_equals_the_plain_pandas_computation(walks):
    # each complaint walks the lifecycle (choice i: the i-th allowed change, sorted), an
    # hour a step: answered, closed and reopened again and again
    from qualitapa.complaints._lifecycle import TRANSITIONS

    with ComplaintRegister(":memory:") as reg:
        for k, walk in enumerate(walks):
            cid = f"2024/{k}"
            t = dt.datetime(2024, 1, 8, 9, tzinfo=dt.UTC) + dt.timedelta(days=k)
            reg.add(Complaint(cid, "complaint", "email", "registry", t))
            state = Status.RECEIVED
            for i, choice in enumerate(walk):
                allowed = sorted(TRANSITIONS[state])
                if not allowed:
                    break
                state = allowed[choice % len(allowed)]
                at = t + dt.timedelta(hours=i + 1)
                reg.transition(cid, state, actor="urp", note="motivo", target="ufficio", at=at)
        pd.testing.assert_frame_equal(reg.to_frame(), _to_frame_by_groupby(reg))


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(["received", "answered", "Answered", "", None, float("nan"), pd.NA, 1]),
        max_size=8,
    ),
    st.booleans(),
    st.sampled_from([object, "str"]),
)
def test_the_quick_check_of_stored_codes_agrees_with_isin(values, missing_ok, dtype):
    # a column read back is checked on its distinct values first; isin the reference
    from qualitapa.complaints._register import _all_allowed

    if dtype == "str" and any(v == 1 for v in values if isinstance(v, int)):
        values = [v for v in values if not isinstance(v, int)]
    column = pd.Series(values, dtype=dtype)
    allowed = ["received", "answered"]
    expected = column.isin(allowed) | (column.isna() if missing_ok else False)
    assert _all_allowed(column, allowed, missing_ok=missing_ok) == bool(expected.all())
