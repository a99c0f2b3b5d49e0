"""Local office time: times without offset are the organization's wall clock, every
display and export shows it with the offset, a date alone stays its calendar day (issue 17).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from qualitapa import Organization, Service, hookimpl
from qualitapa._zones import localize, zones_of
from qualitapa.cli import cli
from qualitapa.complaints import (
    ComplaintRegister,
    export_complaints,
    from_open311,
    with_local_times,
)
from qualitapa.complaints._instants import local_days, local_text
from qualitapa.testing import catalog_with

MODENA, LONDON, CANARY = "036023", "london", "canarias"


class _Offices:
    @hookimpl
    def qualitapa_organizations(self):
        return [
            Organization(MODENA, "Modena", province="MO"),
            Organization(LONDON, "Ufficio di Londra", timezone="Europe/London"),
            Organization(CANARY, "Ufficio delle Canarie", timezone="Atlantic/Canary"),
        ]

    @hookimpl
    def qualitapa_services(self):
        return [Service("registry", "Anagrafe")]


@pytest.fixture
def catalog():
    return catalog_with(("offices", _Offices()))


@pytest.fixture
def cli_catalog(monkeypatch, catalog):
    from qualitapa.cli import _complaints

    monkeypatch.setattr(_complaints, "get_catalog", lambda: catalog)
    return catalog


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


# an Italian office's export: cp1252, semicolons, day-first dates, a date-only answer
OFFICE_CSV = (
    "id;kind;channel;service;organization;received_at;status;answered_at;description\n"
    "2024/000001;complaint;counter;registry;036023;02/02/2024 09:30;answered;2024-02-02;"
    "Attesa allo sportello\n"
    "2024/000002;complaint;counter;registry;036023;02/07/2024 09:30;answered;05/07/2024;"
    "Però la coda è lunga\n"
    "2024/000003;complaint;counter;registry;036023;01/02/2024 16:00;answered;2024-02-02;\n"
)


@pytest.fixture
def office_db(tmp_path: Path, cli_catalog) -> str:
    src = tmp_path / "reclami.csv"
    src.write_bytes(OFFICE_CSV.encode("cp1252"))
    db = str(tmp_path / "urp.db")
    code, out, err = _run("complaints", "import", str(src), "--db", db, "--create", "--strict")
    assert code == 0, err + out
    return db


def test_show_prints_the_counter_time_with_its_offset(office_db: str) -> None:
    # before the fix: "received 2024-02-02T08:30:00+00:00" (UTC)
    code, out, err = _run("complaints", "show", "2024/000001", "--db", office_db, "--lang", "en")
    assert code == 0, err
    assert "received 2024-02-02T09:30:00+01:00" in out
    assert "08:30" not in out
    assert "+00:00" not in out
    code, out, _ = _run("complaints", "show", "2024/000002", "--db", office_db, "--lang", "en")
    assert "received 2024-07-02T09:30:00+02:00" in out  # summer time
    code, out, _ = _run("complaints", "show", "2024/000001", "--db", office_db)
    assert "ricevuto il 2024-02-02T09:30:00+01:00" in out
    code, out, _ = _run("complaints", "show", "2024/000001", "--db", office_db, "--format", "json")
    assert next(e["at"][:25] for e in json.loads(out)) == "2024-02-02T09:30:00+01:00"


def _export(db: str, *args: str) -> str:
    code, out, err = _run("complaints", "export", "--db", db, *args)
    assert code == 0, err
    return out


def test_csv_json_excel_export_keep_office_time_and_the_day(office_db: str, tmp_path) -> None:
    csv = pd.read_csv(io.StringIO(_export(office_db)), dtype=str).set_index("id")
    assert csv.loc["2024/000001", "received_at"] == "2024-02-02T09:30:00+01:00"
    assert csv.loc["2024/000002", "received_at"] == "2024-07-02T09:30:00+02:00"
    # a date alone is that day: never 2024-02-01T23:00Z
    assert csv.loc["2024/000003", "answered_at"] == "2024-02-02T00:00:00+01:00"
    # answered "2024-02-02", received that very day at 09:30: answered that day, at receipt
    assert csv.loc["2024/000001", "answered_at"] == "2024-02-02T09:30:00+01:00"
    assert csv.loc["2024/000002", "answered_at"] == "2024-07-05T00:00:00+02:00"

    rows = {r["id"]: r for r in json.loads(_export(office_db, "--format", "json"))}
    assert rows["2024/000001"]["received_at"] == "2024-02-02T09:30:00+01:00"
    assert rows["2024/000003"]["answered_at"] == "2024-02-02T00:00:00+01:00"

    xlsx = tmp_path / "reclami.xlsx"
    _run("complaints", "export", "--db", office_db, "-o", str(xlsx))
    sheet = openpyxl.load_workbook(xlsx).worksheets[0]
    values = list(sheet.values)
    header, body = list(values[0]), {r[0]: r for r in values[1:]}
    assert body["2024/000001"][header.index("received_at")] == "2024-02-02T09:30:00+01:00"
    assert str(body["2024/000003"][header.index("answered_at")]).startswith("2024-02-02")


def test_open311_json_and_xml_keep_office_time(office_db: str) -> None:
    requests = {r["service_request_id"]: r for r in json.loads(_export(office_db, "--format",
                                                                        "open311"))}  # fmt: skip
    assert requests["2024/000001"]["requested_datetime"] == "2024-02-02T09:30:00+01:00"
    assert requests["2024/000002"]["requested_datetime"] == "2024-07-02T09:30:00+02:00"
    ext = requests["2024/000003"]["extended_attributes"]
    assert ext["answered_datetime"] == "2024-02-02T00:00:00+01:00"
    root = ET.fromstring(_export(office_db, "--format", "open311-xml"))
    times = {
        r.findtext("service_request_id"): r.findtext("requested_datetime")
        for r in root.iter("request")
    }
    assert times["2024/000001"] == "2024-02-02T09:30:00+01:00"


def test_register_export_csv_writes_office_time(office_db: str, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    with ComplaintRegister(office_db, readonly=True) as reg:
        reg.export_csv(out)
    table = pd.read_csv(out, dtype=str).set_index("id")
    assert table.loc["2024/000001", "received_at"] == "2024-02-02T09:30:00+01:00"


def test_a_date_alone_is_its_day_in_every_reading() -> None:
    table = pd.DataFrame({
        "id": ["A1"], "kind": ["complaint"], "channel": ["counter"], "service": ["registry"],
        "received_at": ["2024-02-01 10:00"], "status": ["answered"],
        "answered_at": ["2024-02-02"],
    })  # fmt: skip
    with ComplaintRegister(":memory:") as reg:
        assert reg.import_frame(table).imported == 1
        frame = reg.to_frame()
        cases = reg.cases(as_of="2024-03-01")
    assert frame["answered_at"].iat[0] == pd.Timestamp("2024-02-01T23:00Z")  # the instant
    assert with_local_times(frame)["answered_at"].iat[0] == "2024-02-02T00:00:00+01:00"
    assert cases["answer_days"].iat[0] == 1  # received the 1st, answered the 2nd


# -- the night the clocks change ----------------------------------------------


def _import_one(received: str, tz_catalog=None) -> tuple[ComplaintRegister, pd.DataFrame]:
    table = pd.DataFrame({
        "id": ["N1"], "kind": ["complaint"], "channel": ["counter"], "service": ["registry"],
        "organization": [MODENA], "received_at": [received],
    })  # fmt: skip
    reg = ComplaintRegister(":memory:")
    report = reg.import_frame(table, time_zones=tz_catalog)
    return reg, report.problems


def test_a_time_the_clocks_skip_is_an_error_naming_row_and_column() -> None:
    reg, problems = _import_one("2024-03-31 02:30")
    assert len(reg) == 0
    first = problems.iloc[0]
    assert (first["row"], first["column"]) == (1, "received_at")
    assert "does not exist in Europe/Rome" in first["problem"]
    reg.close()


def test_a_repeated_hour_needs_its_offset(tmp_path: Path, cli_catalog) -> None:
    # the documented choice: 02:30 on 27/10/2024 happens twice; never guessed
    reg, problems = _import_one("2024-10-27 02:30")
    assert len(reg) == 0
    assert "happens twice in Europe/Rome" in problems.iloc[0]["problem"]
    assert "+02:00" in problems.iloc[0]["problem"]
    reg.close()
    for offset, utc in (("+02:00", "00:30"), ("+01:00", "01:30")):
        reg, problems = _import_one(f"2024-10-27T02:30{offset}")
        assert problems.empty
        received = reg.to_frame()["received_at"]
        assert received.dt.strftime("%H:%M").iat[0] == utc
        assert with_local_times(received.to_frame())["received_at"].iat[0] == (
            f"2024-10-27T02:30:00{offset}"
        )
        reg.close()


def test_the_cli_names_the_dst_cell(tmp_path: Path, cli_catalog) -> None:
    src = tmp_path / "dst.csv"
    src.write_bytes(
        b"id;kind;channel;service;received_at\n"
        b"D1;complaint;counter;registry;31/03/2024 02:30\n"
        b"D2;complaint;counter;registry;27/10/2024 02:30\n"
    )
    code, out, _ = _run("complaints", "import", str(src), "--db", str(tmp_path / "d.db"),
                        "--create", "--format", "csv")  # fmt: skip
    assert code == 1
    problems = pd.read_csv(io.StringIO(out))
    assert problems[["row", "column"]].to_records(index=False).tolist() == [
        (1, "received_at"),
        (2, "received_at"),
    ]
    assert "2024-03-31T02:30 does not exist in Europe/Rome" in problems["problem"].iat[0]
    assert "happens twice" in problems["problem"].iat[1]


def test_localize_marks_gaps_and_folds_per_zone() -> None:
    naive = pd.Series(pd.to_datetime(["2024-03-31 02:30", "2024-03-31 02:30"]))
    # 02:30 is skipped in Rome; in London the clocks go forward at 01:00
    utc, gap, fold = localize(naive, pd.Series(["Europe/Rome", "Europe/London"]))
    assert gap.tolist() == [True, False]
    assert not fold.any()
    assert pd.isna(utc.iat[0])
    assert utc.iat[1] == pd.Timestamp("2024-03-31T01:30Z")


# -- organizations in other time zones ------------------------------------------


def test_each_organization_in_its_own_zone(catalog) -> None:
    table = pd.DataFrame({
        "id": ["R1", "L1", "C1", "X1"], "kind": ["complaint"] * 4, "channel": ["counter"] * 4,
        "service": ["registry"] * 4, "organization": [MODENA, LONDON, CANARY, "999999"],
        "received_at": ["02/02/2024 09:30".replace("02/02/2024", "2024-02-02")] * 4,
    })  # fmt: skip
    with ComplaintRegister(":memory:") as reg:
        assert reg.import_frame(table, time_zones=catalog).imported == 4
        frame = reg.to_frame()
    utc = frame.set_index("id")["received_at"].dt.strftime("%H:%M")
    # 09:30 at each counter: Rome is UTC+1 in winter, London and the Canaries UTC+0;
    # an organization the catalog does not know is in Europe/Rome
    assert utc.to_dict() == {"C1": "09:30", "L1": "09:30", "R1": "08:30", "X1": "08:30"}
    local = with_local_times(frame, catalog).set_index("id")["received_at"]
    assert local.to_dict() == {
        "C1": "2024-02-02T09:30:00+00:00",
        "L1": "2024-02-02T09:30:00+00:00",
        "R1": "2024-02-02T09:30:00+01:00",
        "X1": "2024-02-02T09:30:00+01:00",
    }
    requests = json.loads(export_complaints(frame, "open311", catalog=catalog))
    assert sorted(r["requested_datetime"] for r in requests) == sorted(local)


def test_zones_of_falls_back_to_rome(catalog) -> None:
    orgs = pd.Series([LONDON, None, "unknown"])
    assert zones_of(orgs, 3, catalog).tolist() == ["Europe/London", "Europe/Rome", "Europe/Rome"]
    assert zones_of(orgs, 3, None, "Europe/Berlin").tolist() == ["Europe/Berlin"] * 3


# -- round trips ---------------------------------------------------------------

ZONES = ("Europe/Rome", "Europe/London", "Atlantic/Canary", "America/New_York")
instants = st.datetimes(
    min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2030, 12, 31),
    timezones=st.just(dt.UTC),
)  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(instants, st.sampled_from(ZONES)), min_size=1, max_size=20))
def test_local_text_reads_back_to_the_same_instant(rows) -> None:
    utc = pd.Series(pd.DatetimeIndex([t for t, _ in rows]).as_unit("us"))
    zones = pd.Series([z for _, z in rows])
    text = local_text(utc, zones)
    back = pd.to_datetime(text, format="ISO8601", utc=True)
    assert (back.to_numpy() == utc.dt.tz_convert("UTC").to_numpy()).all()
    # the wall clock shown is the zone's, and so is its day
    for t, z, shown, day in zip(
        utc, zones, text, local_days(utc, zones), strict=True
    ):  # few rows: a per-row reference
        local = t.tz_convert(z)
        assert shown.startswith(local.strftime("%Y-%m-%dT%H:%M:%S"))
        assert day == local.date()


_counter_times = st.datetimes(
    min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2024, 12, 31)
).map(lambda t: t.replace(microsecond=0))


@pytest.mark.slow
@settings(max_examples=15, deadline=None)
@given(st.lists(st.tuples(_counter_times, st.sampled_from([MODENA, LONDON, CANARY])),
                min_size=1, max_size=8))  # fmt: skip
def test_export_then_import_gives_the_same_instants(rows) -> None:
    catalog = catalog_with(("offices", _Offices()))
    table = pd.DataFrame({
        "id": [f"R{i}" for i in range(len(rows))], "kind": "complaint", "channel": "counter",
        "service": "registry", "organization": [o for _, o in rows],
        "received_at": [t.isoformat(sep=" ") for t, _ in rows],
    })  # fmt: skip
    with ComplaintRegister(":memory:") as first:
        report = first.import_frame(table, time_zones=catalog)
        kept = first.to_frame()
        csv = export_complaints(kept, catalog=catalog)
        requests = export_complaints(kept, "open311", catalog=catalog)
    # the office times that exist once (not skipped or repeated by a clock change)
    assert report.imported == len(kept)
    if kept.empty:
        return
    for document in (pd.read_csv(io.StringIO(csv), dtype=str), from_open311(requests)):
        with ComplaintRegister(":memory:") as second:
            cols = ["id", "kind", "channel", "service", "organization", "received_at"]
            second.import_frame(document[cols], time_zones=catalog)
            again = second.to_frame()
        assert again["received_at"].tolist() == kept["received_at"].tolist()


def test_history_and_transitions_in_the_organizations_zone(tmp_path: Path, cli_catalog) -> None:
    complaints = pd.DataFrame({
        "id": ["L1"], "kind": ["complaint"], "channel": ["counter"], "service": ["registry"],
        "organization": [LONDON], "received_at": ["2024-02-02 09:30"],
    })  # fmt: skip
    events = pd.DataFrame({
        "complaint_id": ["L1", "L1"], "at": ["2024-02-02 09:30", "2024-02-02 10:00"],
        "to_status": ["received", "registered"],
    })  # fmt: skip
    db = tmp_path / "london.db"
    with ComplaintRegister(db) as reg:
        report = reg.import_frame(complaints, events=events, time_zones=cli_catalog)
        assert (report.imported, report.events) == (1, 2)
        at = reg.events_frame()["at"].dt.strftime("%H:%M").tolist()
    assert at == ["09:30", "10:00"]  # London is UTC+0 in winter
    code, out, err = _run("complaints", "transition", "L1", "assigned", "--db", str(db),
                          "--target", "anagrafe", "--at", "2024-02-02 11:00")  # fmt: skip
    assert code == 0, err
    with ComplaintRegister(db, readonly=True) as reg:
        assert reg.history("L1")[-1].at == dt.datetime(2024, 2, 2, 11, tzinfo=dt.UTC)
    code, out, _ = _run("complaints", "show", "L1", "--db", str(db), "--lang", "en")
    assert "received 2024-02-02T09:30:00+00:00" in out
    assert re.search(r"2024-02-02\s+11:00\+00:00", out)  # the day and the time with offset
