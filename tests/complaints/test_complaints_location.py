"""Where the problem is (Open311 GeoReport v2 lat, long, address_string, media_url).

The four optional fields of :class:`Complaint`, their checks, and how the
SQLite register keeps them (schema 4): stored, read back, in the hash chain,
migrated from a schema-3 register without breaking its chain.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualitapa.complaints import Complaint, ComplaintRegister
from qualitapa.errors import DefinitionError

T = dt.datetime(2024, 3, 1, 8, 30, tzinfo=dt.UTC)


def _located(cid: str = "2024/1", **kw: object) -> Complaint:
    fields: dict[str, object] = {
        "latitude": 45.4642,
        "longitude": 9.19,
        "address": "Piazza del Duomo, Milano",
        "media_url": "https://example.org/buca.jpg",
    }
    fields.update(kw)
    return Complaint(cid, "fault_report", "app", "roads", T, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("latitude", 90.0001, "between -90 and 90"),
        ("latitude", -91, "between -90 and 90"),
        ("longitude", 180.5, "between -180 and 180"),
        ("longitude", float("nan"), "between -180 and 180"),
        ("latitude", "45.1", "number of degrees"),
        ("latitude", True, "number of degrees"),
        ("media_url", "javascript:alert(1)", "http:// or https://"),
        ("media_url", "ftp://example.org/a.jpg", "http:// or https://"),
        ("media_url", "https://", "http:// or https://"),
        ("address", 12, "must be"),
    ],
)
def test_bad_location_is_refused_naming_the_field(field: str, value: object, says: str) -> None:
    with pytest.raises(DefinitionError, match=says) as info:
        _located(**{field: value})
    assert field in str(info.value)


def test_the_edges_of_the_ranges_are_allowed() -> None:
    c = _located(latitude=-90, longitude=180)
    assert (c.latitude, c.longitude) == (-90.0, 180.0)
    assert isinstance(c.latitude, float)


def test_the_register_keeps_the_location(tmp_path: Path) -> None:
    with ComplaintRegister(tmp_path / "r.db") as reg:
        reg.add(_located())
        reg.add(Complaint("2024/2", "complaint", "email", "registry", T))
        got = reg.get("2024/1")
        assert (got.latitude, got.longitude, got.address, got.media_url) == (
            45.4642, 9.19, "Piazza del Duomo, Milano", "https://example.org/buca.jpg"
        )  # fmt: skip
        assert reg.get("2024/2").latitude is None
        frame = reg.complaints_frame().set_index("id")
        assert frame.loc["2024/1", "latitude"] == 45.4642
        assert pd.isna(frame.loc["2024/2", "longitude"])
        assert frame["latitude"].dtype == "float64"
        assert reg.check() == []


def test_a_location_changed_behind_the_triggers_back_breaks_the_chain(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    with ComplaintRegister(path) as reg:
        reg.add(_located())
        reg.add(Complaint("2024/2", "complaint", "email", "registry", T))
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("DROP TRIGGER complaints_no_update")
    db.execute("UPDATE complaints SET latitude = 45.5 WHERE id = '2024/1'")
    db.execute("UPDATE complaints SET media_url = 'https://evil.example/x' WHERE id = '2024/2'")
    db.close()
    with ComplaintRegister(path, readonly=True) as reg:
        problems = reg.check()
    assert any("event 1 (complaint 2024/1" in p for p in problems)
    assert any("event 2 (complaint 2024/2" in p for p in problems)


def test_a_schema_3_register_is_upgraded_and_its_chain_still_verifies(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with ComplaintRegister(path) as reg:
        reg.add(Complaint("2024/1", "complaint", "email", "registry", T))
        reg.transition("2024/1", "registered", actor="urp", at=T + dt.timedelta(hours=1))
    # make it a schema-3 register: what version 4 added, removed
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("DROP TRIGGER schema_version_no_delete")
    db.execute("DELETE FROM schema_version WHERE version = 4")
    db.execute("DROP TABLE protocol_counters")
    for col in ("latitude", "longitude", "address", "media_url"):
        db.execute(f"ALTER TABLE complaints DROP COLUMN {col}")
    db.close()
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript(
        "CREATE TRIGGER schema_version_no_delete BEFORE DELETE ON schema_version\n"
        "BEGIN SELECT RAISE(ABORT, 'the schema version cannot be deleted'); END;"
    )
    db.execute("PRAGMA user_version = 3")
    db.close()
    with ComplaintRegister(path, readonly=True) as old:
        assert old.schema_version == 3
        assert old.get("2024/1").latitude is None
        assert old.check() == []
    with ComplaintRegister(path) as reg:
        assert reg.schema_version == 4
        assert reg.check() == []
        reg.add(_located("2024/2"))
        assert reg.check() == []
        assert reg.get("2024/2").address == "Piazza del Duomo, Milano"


def test_import_reads_locations_as_offices_write_them() -> None:
    frame = pd.DataFrame(
        {
            "id": ["a/1", "a/2", "a/3", "a/4", "a/5", "a/6"],
            "kind": "fault_report",
            "channel": "app",
            "service": "roads",
            "received_at": "2024-03-01T09:00+01:00",
            "latitude": ["45,4642", "45.4642", "95", "45.1", None, "nord"],
            "longitude": ["9,19", "9.19", "9", None, None, "9"],
            "address": ["Via Roma 1", None, None, None, "Via Po 2", None],
            "media_url": [None, "http://example.org/a.jpg", None, None, "file:///etc/passwd", None],
        }
    )
    with ComplaintRegister(":memory:") as reg:
        report = reg.import_frame(frame)
        assert report.imported == 2
        problems = report.problems
        assert problems[["row", "column"]].to_records(index=False).tolist() == [
            (3, "latitude"), (4, "longitude"), (5, "media_url"), (6, "latitude")
        ]  # fmt: skip
        assert "give both or neither" in problems["problem"].iloc[1]
        assert reg.get("a/1").latitude == reg.get("a/2").latitude == 45.4642
        assert reg.get("a/1").address == "Via Roma 1"
        assert reg.check() == []


@settings(max_examples=30, deadline=None)
@given(
    lat=st.floats(-90, 90, allow_nan=False),
    lon=st.floats(-180, 180, allow_nan=False),
)
def test_any_valid_location_round_trips_exactly_through_an_export(lat: float, lon: float) -> None:
    with ComplaintRegister(":memory:") as reg:
        reg.add(_located(latitude=lat, longitude=lon))
        again = ComplaintRegister(":memory:")
        report = again.import_frame(
            reg.complaints_frame().astype({"latitude": object, "longitude": object})
        )
        assert report.imported == 1, report.problems
        got = again.get("2024/1")
        assert (got.latitude, got.longitude) == (lat, lon)
        assert again.check() == []
        again.close()
