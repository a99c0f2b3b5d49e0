"""Open311 GeoReport v2 export (JSON, XML), import and round trip.

Field names from the GeoReport v2 spec (wiki.open311.org/GeoReport_v2):
service list: service_code, service_name, description, metadata, type,
keywords, group; requests: service_request_id, status (open|closed),
status_notes, service_name, service_code, description, agency_responsible,
service_notice, requested_datetime, updated_datetime, expected_datetime,
address, address_id, zipcode, lat, long, media_url.
"""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from qualitapa import Service, Text, hookimpl
from qualitapa.complaints import (
    Complaint,
    ComplaintCategory,
    ComplaintRegister,
    from_open311,
    open311_requests,
    open311_services,
    to_open311_json,
    to_open311_xml,
)
from qualitapa.errors import DataError
from qualitapa.testing import catalog_with

REQUEST_FIELDS = [
    "service_request_id", "status", "status_notes", "service_name", "service_code",
    "description", "agency_responsible", "service_notice", "requested_datetime",
    "updated_datetime", "expected_datetime", "address", "address_id", "zipcode", "lat",
    "long", "media_url",
]  # fmt: skip


class Plugin:
    @hookimpl
    def qualitapa_services(self) -> list[Service]:
        return [Service("registry", Text("Anagrafe", "Civil registry")),
                Service("roads", Text("Strade", "Roads"))]  # fmt: skip

    @hookimpl
    def qualitapa_complaint_categories(self) -> list[ComplaintCategory]:
        return [ComplaintCategory("registry.waiting", Text("Attese", "Waiting"), "registry")]


T = dt.datetime(2024, 1, 8, 9, tzinfo=dt.UTC)


@pytest.fixture
def reg(tmp_path: Path) -> ComplaintRegister:
    r = ComplaintRegister(tmp_path / "a.db")
    r.add(Complaint("2024/1", "complaint", "email", "registry", T, category="registry.waiting",
                    organization="036023", description="Coda lunga"))  # fmt: skip
    r.add(Complaint("2024/2", "fault_report", "app", "roads", T, description="Buca"))
    for to, h in (("registered", 10), ("assigned", 11), ("answered", 12), ("closed", 13)):
        r.transition("2024/1", to, actor="urp", at=T.replace(hour=h))
    yield r
    r.close()


def test_services_list() -> None:
    services = open311_services(catalog_with(Plugin()))
    assert [s["service_code"] for s in services] == ["registry.waiting", "roads"]
    assert services[0] == {
        "service_code": "registry.waiting", "service_name": "Attese", "description": "Waiting",
        "metadata": False, "type": "realtime", "keywords": "registry", "group": "Anagrafe",
    }  # fmt: skip


def test_requests_json_and_xml(reg: ComplaintRegister) -> None:
    reqs = open311_requests(reg.to_frame(), catalog=catalog_with(Plugin()))
    assert list(reqs[0])[:-1] == REQUEST_FIELDS
    first = reqs[0]
    assert (first["status"], first["status_notes"]) == ("closed", "closed")
    assert first["service_code"] == "registry.waiting"
    assert first["service_name"] == "Attese"
    # 09:00 UTC is 10:00 in Rome (UTC+1 in January)
    assert first["requested_datetime"] == "2024-01-08T10:00:00+01:00"
    assert first["updated_datetime"] == "2024-01-08T14:00:00+01:00"
    assert reqs[1]["status"] == "open"
    assert reqs[1]["status_notes"] == "received"
    assert json.loads(to_open311_json(reqs))[1]["description"] == "Buca"
    root = ET.fromstring(to_open311_xml(reqs).split("\n", 1)[1])
    assert root.tag == "service_requests"
    assert [r.findtext("service_request_id") for r in root.findall("request")] == [
        "2024/1", "2024/2"
    ]  # fmt: skip
    assert root.find("request/extended_attributes/kind").text == "complaint"  # type: ignore[union-attr]


def test_round_trip(reg: ComplaintRegister, tmp_path: Path) -> None:
    path = tmp_path / "requests.json"
    path.write_text(to_open311_json(open311_requests(reg.to_frame())), encoding="utf-8")
    with ComplaintRegister(tmp_path / "b.db") as other:
        report = other.import_open311(path)
        assert report.imported == 2
        assert len(report.problems) == 0
        cols = ["id", "kind", "channel", "service", "category", "organization", "received_at",
                "description", "status"]  # fmt: skip
        assert other.to_frame()[cols].equals(reg.to_frame()[cols])
        a, b = reg.cases(as_of="2024-02-01"), other.cases(as_of="2024-02-01")
        assert a["answered_at"].equals(b["answered_at"])
        assert a["closed_at"].equals(b["closed_at"])


def test_import_plain_requests_from_another_system(tmp_path: Path) -> None:
    data = [
        {"service_request_id": "638344", "status": "closed", "status_notes": "Duplicate request.",
         "service_code": "registry.waiting", "description": "Coda",
         "requested_datetime": "2024-04-14T06:37:38+02:00",
         "updated_datetime": "2024-04-15T06:37:38+02:00"},
        {"service_request_id": "638349", "status": "open", "service_code": "roads",
         "requested_datetime": "2024-04-19T06:37:38+02:00"},
    ]  # fmt: skip
    with ComplaintRegister(tmp_path / "c.db") as reg:
        report = reg.import_open311(data, catalog=catalog_with(Plugin()))
        assert report.imported == 2
        assert reg.get("638344").service == "registry"
        assert reg.get("638344").kind == "fault_report"
        assert reg.status("638344").value == "closed"
        assert reg.status("638349").value == "registered"
    with pytest.raises(DataError, match="not valid JSON"):
        from_open311("[not json")
