"""export_complaints: the register's table as CSV or Open311, pseudonymised on request."""

from __future__ import annotations

import datetime as dt
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
import pytest

from qualitapa.catalog import Catalog
from qualitapa.complaints import (
    EXPORT_FORMATS,
    Complaint,
    ComplaintRegister,
    Contact,
    export_complaints,
)
from qualitapa.errors import OptionError

T = dt.datetime(2024, 1, 8, 9, tzinfo=dt.UTC)
SECRET = "a secret of sixteen characters or more"


@pytest.fixture
def table(tmp_path: Path) -> pd.DataFrame:
    with ComplaintRegister(tmp_path / "a.db") as reg:
        mario = Contact(name="Mario Rossi", email="mario@example.it")
        reg.add(
            Complaint("2024/1", "complaint", "email", "registry", T,
                      description="=1+2 coda lunga", contact=mario)
        )  # fmt: skip
        reg.add(Complaint("2024/2", "fault_report", "app", "roads", T, description="Buca"))
        return reg.to_frame(include_contact=True)


def test_csv_is_the_table_with_formulas_neutralised(table: pd.DataFrame) -> None:
    before = table.copy()
    text = export_complaints(table)
    back = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    assert list(back.columns) == list(table.columns)
    assert back["id"].tolist() == ["2024/1", "2024/2"]
    assert back["description"].tolist() == ["'=1+2 coda lunga", "Buca"]
    assert back["contact_email"].tolist() == ["mario@example.it", ""]
    pd.testing.assert_frame_equal(table, before)  # not modified


def test_pseudonymised_exports_carry_no_contact(table: pd.DataFrame) -> None:
    text = export_complaints(table, secret=SECRET)
    assert "mario@example.it" not in text
    assert "Mario Rossi" not in text
    assert "contact_token" in text.splitlines()[0]
    # the same secret gives the same tokens: exports can be joined
    assert export_complaints(table, secret=SECRET) == text


def test_open311_json_and_xml_leave_contacts_out(table: pd.DataFrame) -> None:
    requests = json.loads(export_complaints(table, "open311"))
    assert [r["service_request_id"] for r in requests] == ["2024/1", "2024/2"]
    assert requests[0]["description"] == "=1+2 coda lunga"  # JSON is data, not a sheet
    xml = export_complaints(table, "open311-xml")
    root = ET.fromstring(xml.split("\n", 1)[1])
    assert [r.findtext("service_request_id") for r in root.findall("request")] == [
        "2024/1",
        "2024/2",
    ]
    for text in (json.dumps(requests), xml):
        assert "mario@example.it" not in text


def test_an_unknown_format_is_an_option_error(table: pd.DataFrame) -> None:
    assert EXPORT_FORMATS == ("csv", "open311", "open311-xml")
    with pytest.raises(OptionError, match="fmt must be one of csv, open311, open311-xml") as err:
        export_complaints(table, "xlsx")
    assert isinstance(err.value, ValueError)
    assert err.value.option == "fmt"


def _labelled_catalog() -> Catalog:
    from qualitapa import Service, Text, hookimpl
    from qualitapa.testing import catalog_with

    class Labels:
        @hookimpl
        def qualitapa_services(self) -> list[Service]:
            return [
                Service("registry", Text("Anagrafe", "Civil registry", "Meldeamt")),
                Service("roads", Text("Strade", "Roads", "Straßen")),
            ]

    return catalog_with(Labels())


def test_csv_in_a_language_has_the_labels_next_to_the_codes(table: pd.DataFrame) -> None:
    catalog = _labelled_catalog()
    text = export_complaints(table, catalog=catalog, lang="de", secret=SECRET)
    back = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    columns = list(back.columns)
    assert columns[columns.index("service") + 1] == "service_label"
    assert back["service"].tolist() == ["registry", "roads"]
    assert back["service_label"].tolist() == ["Meldeamt", "Straßen"]
    assert "Mario Rossi" not in text  # labelled and pseudonymised
    # without lang: the register's own layout, which 'complaints import' reads back
    plain = export_complaints(table, catalog=catalog)
    assert "service_label" not in plain.splitlines()[0]


@pytest.mark.parametrize("fmt", ["open311", "open311-xml"])
def test_open311_in_a_language_names_the_services_in_it(table: pd.DataFrame, fmt: str) -> None:
    catalog = _labelled_catalog()
    text = export_complaints(table, fmt, catalog=catalog, lang="de")
    assert "Meldeamt" in text
    assert "Straßen" in text
    assert "Anagrafe" not in text
    italian = export_complaints(table, fmt, catalog=catalog)
    assert "Anagrafe" in italian
    assert "Meldeamt" not in italian


def test_a_malformed_language_is_an_option_error(table: pd.DataFrame) -> None:
    with pytest.raises(OptionError, match="lang"):
        export_complaints(table, lang="deutsch!")
