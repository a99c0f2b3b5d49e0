"""The open-data package writes office time with its offset, not UTC ``Z`` (issue 17).

A date-time is written in its row's organization's time zone
(``2024-01-31T09:30:00+01:00``) and declared as a Table Schema ``datetime`` with the
strptime ``format`` it is written in; a date-only value stays a date.
"""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd

from qualitapa import Organization, hookimpl
from qualitapa.reporting import check_datapackage, write_datapackage
from qualitapa.testing import catalog_with


class _Offices:
    @hookimpl
    def qualitapa_organizations(self):
        return [
            Organization("036023", "Modena", province="MO"),
            Organization("newyork", "Ufficio di New York", timezone="America/New_York"),
        ]


def _package(tmp_path, frame, **options):
    path = write_datapackage({"complaints": frame}, tmp_path, name="c", **options)
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    text = (tmp_path / "complaints.csv").read_text(encoding="utf-8")
    back = pd.read_csv(tmp_path / "complaints.csv", dtype=str)
    return descriptor["resources"][0]["schema"]["fields"], back, text


def test_instants_are_office_time_with_the_offset_dates_stay_dates(tmp_path):
    frame = pd.DataFrame(
        {
            "organization": ["036023", "036023", "newyork"],
            "received_at": pd.to_datetime(
                ["2024-01-31T08:30Z", "2024-07-01T07:30Z", "2024-02-01T04:30Z"], utc=True
            ),
            "due_date": pd.to_datetime(["2024-02-02", "2024-07-31", "2024-03-01"]),
        }
    )
    catalog = catalog_with(("offices", _Offices()))
    fields, back, text = _package(tmp_path, frame, catalog=catalog)
    assert back["received_at"].tolist() == [
        "2024-01-31T09:30:00+01:00",  # Rome, winter
        "2024-07-01T09:30:00+02:00",  # Rome, summer
        "2024-01-31T23:30:00-05:00",  # New York: still 31 January there
    ]
    assert "Z" not in text
    assert back["due_date"].tolist() == ["2024-02-02", "2024-07-31", "2024-03-01"]
    by_name = {f["name"]: f for f in fields}
    assert by_name["received_at"]["type"] == "datetime"
    assert by_name["received_at"]["format"] == "%Y-%m-%dT%H:%M:%S%z"
    assert by_name["due_date"]["type"] == "date"
    assert "format" not in by_name["due_date"]
    # the declared format reads every cell back to the same instant
    for cell, instant in zip(back["received_at"], frame["received_at"], strict=True):
        parsed = dt.datetime.strptime(cell, by_name["received_at"]["format"])
        assert parsed == instant.to_pydatetime()
    assert check_datapackage(tmp_path).empty


def test_without_a_catalog_rome_and_naive_times_are_office_time(tmp_path):
    frame = pd.DataFrame(
        {
            "at": pd.to_datetime(["2024-03-31T00:30Z", "2024-03-31T01:30Z"], utc=True),
            "local": pd.to_datetime(
                ["2024-01-31 09:30", "2024-07-01 09:30:00.25"], format="ISO8601"
            ),
        }
    )
    fields, back, _ = _package(tmp_path, frame)
    # the night clocks went forward in Rome: 01:30 +01:00, then 03:30 +02:00
    assert back["at"].tolist() == ["2024-03-31T01:30:00+01:00", "2024-03-31T03:30:00+02:00"]
    assert back["local"].tolist() == [
        "2024-01-31T09:30:00.000000+01:00",
        "2024-07-01T09:30:00.250000+02:00",
    ]
    assert {f["name"]: f.get("format") for f in fields} == {
        "at": "%Y-%m-%dT%H:%M:%S%z",
        "local": "%Y-%m-%dT%H:%M:%S.%f%z",
    }
    assert check_datapackage(tmp_path).empty
