"""Open311 GeoReport v2 both ways: XML import, location and media, round trips, XML attacks.

Element names from the GeoReport v2 specification (wiki.open311.org/GeoReport_v2,
source open311/open311.github.io, GeoReport_v2/index.md): "GET Service Requests"
answers ``<service_requests><request>`` with ``service_request_id, status,
status_notes, service_name, service_code, description, agency_responsible,
service_notice, requested_datetime, updated_datetime, expected_datetime, address,
address_id, zipcode, lat, long, media_url``; "POST Service Request" takes the
location as ``lat`` & ``long`` (WGS84) or ``address_string``.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from qualitapa.cli import cli
from qualitapa.complaints import (
    Complaint,
    ComplaintRegister,
    from_open311,
    open311_requests,
    to_open311_json,
    to_open311_xml,
)
from qualitapa.errors import DataError

#: The example response of "GET Service Requests" in the spec, as printed there
#: (the first media_url ends with a space; the dates moved to 2024, within the
#: register's range, and the service code is a qualitapa id).
SPEC_XML = """<?xml version="1.0" encoding="utf-8"?>
<service_requests>
    <request>
        <service_request_id>638344</service_request_id>
        <status>closed</status>
        <status_notes>Duplicate request.</status_notes>
        <service_name>Sidewalk and Curb Issues</service_name>
        <service_code>sidewalks</service_code>
        <description></description>
        <agency_responsible></agency_responsible>
        <service_notice></service_notice>
        <requested_datetime>2024-04-14T06:37:38-08:00</requested_datetime>
        <updated_datetime>2024-04-14T06:37:38-08:00</updated_datetime>
        <expected_datetime>2024-04-15T06:37:38-08:00</expected_datetime>
        <address>8TH AVE and JUDAH ST</address>
        <address_id>545483</address_id>
        <zipcode>94122</zipcode>
        <lat>37.762221815</lat>
        <long>-122.4651145</long>
        <media_url>http://city.gov.s3.amazonaws.com/requests/media/638344.jpg </media_url>
    </request>
    <request>
        <service_request_id>638349</service_request_id>
        <status>open</status>
        <status_notes></status_notes>
        <service_name>Sidewalk and Curb Issues</service_name>
        <service_code>sidewalks</service_code>
        <description></description>
        <requested_datetime>2024-04-19T06:37:38-08:00</requested_datetime>
        <updated_datetime>2024-04-19T06:37:38-08:00</updated_datetime>
        <address>8TH AVE and JUDAH ST</address>
        <lat>37.762221815</lat>
        <long>-122.4651145</long>
    </request>
</service_requests>
"""

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<service_requests><request><service_request_id>1</service_request_id>
<description>&lol9;</description></request></service_requests>
"""


def test_the_specs_example_reads_with_its_location(tmp_path: Path) -> None:
    path = tmp_path / "requests.xml"
    path.write_text(SPEC_XML, encoding="utf-8")
    frame = from_open311(path)
    assert frame["id"].tolist() == ["638344", "638349"]
    assert frame["status"].tolist() == ["closed", "registered"]
    first = frame.iloc[0]
    assert (first["latitude"], first["longitude"]) == ("37.762221815", "-122.4651145")
    assert first["address"] == "8TH AVE and JUDAH ST"
    assert first["media_url"] == "http://city.gov.s3.amazonaws.com/requests/media/638344.jpg"
    assert first["description"] is None  # an empty element is a missing value
    assert frame.iloc[1]["media_url"] is None
    with ComplaintRegister(tmp_path / "r.db") as reg:
        report = reg.import_open311(path)
        assert (report.imported, len(report.problems)) == (2, 0)
        c = reg.get("638344")
        assert (c.latitude, c.longitude) == (37.762221815, -122.4651145)
        assert c.address == "8TH AVE and JUDAH ST"
        # 06:37:38 at -08:00 is 14:37:38 UTC
        assert c.received_at == dt.datetime(2024, 4, 14, 14, 37, 38, tzinfo=dt.UTC)
        assert reg.status("638344").value == "closed"


def test_json_location_as_numbers_and_address_string() -> None:
    """A posted request (POST Service Request) names the place ``address_string``."""
    frame = from_open311(
        [
            {
                "service_request_id": "a1",
                "service_code": "roads",
                "lat": 45.4642,
                "long": 9,
                "address_string": "Piazza del Duomo, Milano",
                "status": "open",
                "requested_datetime": "2024-04-14T06:37:38+02:00",
            }
        ]
    )
    row = frame.iloc[0]
    assert (row["latitude"], row["longitude"], row["address"]) == (
        "45.4642",
        "9",
        "Piazza del Duomo, Milano",
    )


T = dt.datetime(2024, 3, 4, 8, 15, tzinfo=dt.UTC)


def _first(path: Path) -> ComplaintRegister:
    reg = ComplaintRegister(path)
    reg.add(
        Complaint(
            "2024/000001",
            "fault_report",
            "app",
            "roads",
            T,
            description="Buca <a&b>",
            organization="015146",
            latitude=45.4642035,
            longitude=9.189982,
            address="Piazza del Duomo, 20122 Milano",
            media_url="https://example.org/foto/1.jpg?x=1&y=2",
        )
    )
    reg.add(
        Complaint(
            "2024/000002",
            "complaint",
            "email",
            "registry",
            T.replace(hour=9),
            category="registry.waiting",
            description="Due ore in coda",
        )
    )
    reg.add(Complaint("2024/000003", "suggestion", "web", "libraries", T.replace(hour=10)))
    for to, h in (("registered", 11), ("assigned", 12), ("answered", 13), ("closed", 14)):
        reg.transition("2024/000002", to, actor="urp", at=T.replace(hour=h))
    reg.transition("2024/000001", "registered", actor="urp", at=T.replace(hour=11))
    return reg


def test_round_trip_json_register_xml_register(tmp_path: Path) -> None:
    """JSON -> register -> XML -> register: the same complaints, states, answers and places."""
    with _first(tmp_path / "a.db") as a:
        json_text = to_open311_json(open311_requests(a.to_frame()))
        expected = a.to_frame()
        cases_a = a.cases(as_of="2024-04-01")
    (tmp_path / "a.json").write_text(json_text, encoding="utf-8")
    with ComplaintRegister(tmp_path / "b.db") as b:
        assert b.import_open311(tmp_path / "a.json").imported == 3
        xml_text = to_open311_xml(open311_requests(b.to_frame()))
        via_json = b.to_frame()
    (tmp_path / "b.xml").write_text(xml_text, encoding="utf-8")
    with ComplaintRegister(tmp_path / "c.db") as c:
        report = c.import_open311(tmp_path / "b.xml")
        assert (report.imported, len(report.problems)) == (3, 0)
        via_xml = c.to_frame()
        cases_c = c.cases(as_of="2024-04-01")
    pd.testing.assert_frame_equal(via_xml, via_json)
    kept = [
        "id",
        "kind",
        "channel",
        "service",
        "category",
        "organization",
        "received_at",
        "description",
        "latitude",
        "longitude",
        "address",
        "media_url",
        "status",
        "answered_at",
        "closed_at",
    ]
    pd.testing.assert_frame_equal(via_xml[kept], expected[kept])
    for col in ("answered_at", "closed_at", "status"):
        assert cases_c[col].equals(cases_a[col])
    # the XML export is the spec's own layout, place and media included
    assert "<lat>45.4642035</lat><long>9.189982</long>" in xml_text
    assert "<media_url>https://example.org/foto/1.jpg?x=1&amp;y=2</media_url>" in xml_text


def test_round_trip_through_the_cli(tmp_path: Path) -> None:
    with _first(tmp_path / "a.db"):
        pass
    runner = CliRunner()
    out = tmp_path / "a.xml"
    result = runner.invoke(
        cli, ["complaints", "export", "--db", str(tmp_path / "a.db"), "-o", str(out)]
    )
    assert result.exit_code == 0, result.stderr
    assert out.read_text(encoding="utf-8").startswith('<?xml version="1.0" encoding="utf-8"?>')
    result = runner.invoke(
        cli, ["complaints", "import", str(out), "--db", str(tmp_path / "b.db"), "--create"]
    )
    assert result.exit_code == 0, result.stderr
    csv = [
        pd.read_csv(
            io.StringIO(runner.invoke(cli, ["complaints", "export", "--db", str(db)]).stdout),
            dtype=str,
        )
        for db in (tmp_path / "a.db", tmp_path / "b.db")
    ]
    pd.testing.assert_frame_equal(
        csv[0].drop(columns="updated_at"), csv[1].drop(columns="updated_at")
    )


@pytest.mark.parametrize(
    "payload",
    [
        BILLION_LAUGHS,
        # an external entity would read a file of the machine into the register (XXE)
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        "<service_requests><request><description>&x;</description></request>"
        "</service_requests>",
        # a DTD alone is refused too: Open311 XML never declares one
        '<?xml version="1.0"?><!DOCTYPE service_requests SYSTEM "http://example.org/a.dtd">'
        "<service_requests/>",
    ],
    ids=["billion-laughs", "external-entity", "external-dtd"],
)
def test_xml_attacks_are_refused_unread(tmp_path: Path, payload: str) -> None:
    path = tmp_path / "attack.xml"
    path.write_text(payload, encoding="utf-8")
    with pytest.raises(DataError, match="declares a DTD or entities") as info:
        from_open311(path)
    assert info.value.source == str(path)
    with ComplaintRegister(tmp_path / "r.db") as reg:
        with pytest.raises(DataError):
            reg.import_open311(path)
        assert len(reg) == 0
    args = ["complaints", "import", str(path), "--db", str(tmp_path / "r.db")]
    result = CliRunner().invoke(cli, args, env={"QUALITAPA_LANG": "it"})
    assert result.exit_code == 1
    assert "l'XML dichiara un DTD o delle entità" in result.stderr
    assert "lol" not in result.stderr


@pytest.mark.parametrize(
    ("xml", "message", "row", "column"),
    [
        ("<service_requests><request><lat>1</lat>", "not well-formed XML (line 1", None, None),
        (
            "<requests><request/></requests>",
            "expected <service_requests>, found <requests>",
            None,
            None,
        ),
        (
            "<service_requests><request/><service/></service_requests>",
            "expected <request>, found <service>",
            2,
            None,
        ),
        (
            "<service_requests><request><lat>1</lat><lat>2</lat></request></service_requests>",
            "the field appears twice",
            1,
            "lat",
        ),
        (
            "<service_requests><request><lat><deg>45</deg></lat></request></service_requests>",
            "must be text, not an object",
            1,
            "lat",
        ),
        (
            "<service_requests><request><extended_attributes><kind><a/></kind>"
            "</extended_attributes></request></service_requests>",
            "must be text, not an object",
            1,
            "extended_attributes.kind",
        ),
    ],
)
def test_bad_xml_gives_a_typed_error_saying_where(
    xml: str, message: str, row: int | None, column: str | None
) -> None:
    with pytest.raises(DataError, match=message.replace("(", r"\(")) as info:
        from_open311(xml)
    assert (info.value.row, info.value.column) == (row, column)


def test_bad_coordinates_are_rejected_rows_not_guesses(tmp_path: Path) -> None:
    xml = SPEC_XML.replace("<lat>37.762221815</lat>", "<lat>137.7</lat>", 1)
    with ComplaintRegister(tmp_path / "r.db") as reg:
        report = reg.import_open311(xml)
        assert report.imported == 1
        problem = report.problems.iloc[0]
        assert (problem["row"], problem["column"]) == (1, "latitude")


TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff"),
    max_size=30,
)


@st.composite
def _complaints(draw: st.DrawFn) -> list[Complaint]:
    n = draw(st.integers(1, 6))
    out = []
    for i in range(n):
        located = draw(st.booleans())
        out.append(
            Complaint(
                f"2024/{i + 1:06d}",
                draw(st.sampled_from(["complaint", "fault_report", "suggestion", "praise"])),
                draw(st.sampled_from(["counter", "email", "app", "web"])),
                draw(st.sampled_from(["roads", "registry"])),
                T + dt.timedelta(minutes=draw(st.integers(0, 60 * 24 * 300))),
                description=draw(TEXT).strip(),
                organization=draw(st.sampled_from([None, "015146", "036023"])),
                latitude=draw(st.floats(-90, 90)) if located else None,
                longitude=draw(st.floats(-180, 180)) if located else None,
                address=(draw(TEXT).strip() or None) if located else None,
                media_url=draw(st.sampled_from([None, "https://example.org/a.jpg?x=1&y=<2>"])),
            )
        )
    return out


@settings(max_examples=15, deadline=None)
@given(complaints=_complaints(), registered=st.booleans())
def test_round_trip_property(complaints: list[Complaint], registered: bool) -> None:
    """Any register: JSON -> register -> XML -> register keeps every field the model has."""
    with ComplaintRegister(":memory:") as a:
        for c in complaints:
            a.add(c, actor="urp")
        if registered:  # one open complaint further along
            a.transition(complaints[0].id, "registered", actor="urp", at=T + dt.timedelta(days=301))
        expected = a.to_frame()
        json_text = to_open311_json(open311_requests(expected))
    with ComplaintRegister(":memory:") as b:
        assert b.import_open311(json_text).imported == len(complaints)
        xml_text = to_open311_xml(open311_requests(b.to_frame()))
    with ComplaintRegister(":memory:") as c:
        report = c.import_open311(xml_text)
        assert (report.imported, len(report.problems)) == (len(complaints), 0)
        got = c.to_frame()
    kept = [
        "id",
        "kind",
        "channel",
        "service",
        "organization",
        "received_at",
        "description",
        "latitude",
        "longitude",
        "address",
        "media_url",
        "status",
    ]
    pd.testing.assert_frame_equal(got[kept], expected[kept])
