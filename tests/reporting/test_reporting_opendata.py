"""Frictionless data packages: writing, Table Schema inference, validation of broken packages."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import numpy as np
import pandas as pd
import pytest

from qualitapa.reporting import (
    check_cells,
    field_type,
    infer_schema,
    validate_datapackage,
    write_datapackage,
)

CREATED = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def tables(values):
    kpis = pd.DataFrame(
        {
            "service": ["registry", "libraries"],
            "month": ["2024-01", "2024-01"],
            "received": [41, 12],
            "share_within_deadline": [0.9, np.nan],
            "first_received": pd.to_datetime(["2024-01-02", "2024-01-05"]),
            "last_event": pd.to_datetime(["2024-01-31 17:30", "2024-01-30 09:00"]).tz_localize(
                "Europe/Rome"
            ),
            "published": [True, False],
            "note": ['=HYPERLINK("http://x")', "ok"],
        }
    )
    return {"indicator values": values, "complaint KPIs": kpis}


def _write(tables, directory, **kwargs):
    return write_datapackage(
        tables,
        directory,
        name="qclub-registry-2024",
        title="Q-Club: anagrafe 2024",
        primary_keys={
            "indicator values": ["organization", "period", "indicator"],
            "complaint KPIs": ["service", "month"],
        },
        fields={
            "complaint KPIs": {
                "share_within_deadline": {
                    "unit": "1",
                    "description": "Share answered within the deadline",
                }
            }
        },
        descriptions={"indicator values": "Indicator values per city and year"},
        created=CREATED,
        **kwargs,
    )


def test_written_package_describes_and_validates(tmp_path, tables):
    path = _write(tables, tmp_path)
    package = json.loads(path.read_text(encoding="utf-8"))
    assert package["profile"] == "tabular-data-package"
    assert package["name"] == "qclub-registry-2024"
    assert package["created"] == "2025-03-01T12:00:00Z"
    assert package["licenses"][0] == {
        "name": "CC-BY-4.0",
        "title": "Creative Commons Attribution 4.0",
        "path": "https://creativecommons.org/licenses/by/4.0/",
    }
    values_res, kpi_res = package["resources"]
    assert values_res["name"] == "indicator_values"
    assert values_res["path"] == "indicator_values.csv"
    assert values_res["mediatype"] == "text/csv"
    assert values_res["encoding"] == "utf-8"
    assert values_res["description"] == "Indicator values per city and year"
    types = {f["name"]: f["type"] for f in values_res["schema"]["fields"]}
    assert types == {"organization": "string", "period": "integer", "indicator": "string",
                     "value": "number", "status": "string"}  # fmt: skip
    assert values_res["schema"]["primaryKey"] == ["organization", "period", "indicator"]
    kpi_fields = {f["name"]: f for f in kpi_res["schema"]["fields"]}
    assert kpi_fields["first_received"]["type"] == "date"
    assert kpi_fields["last_event"]["type"] == "datetime"
    assert kpi_fields["published"]["type"] == "boolean"
    assert kpi_fields["share_within_deadline"]["unit"] == "1"
    assert kpi_fields["service"]["constraints"] == {"required": True}
    # size and hash are those of the file
    data = (tmp_path / "complaint_kpis.csv").read_bytes()
    assert kpi_res["bytes"] == len(data)
    assert kpi_res["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
    # the package validates
    assert validate_datapackage(tmp_path).empty
    assert validate_datapackage(path).empty


def test_csv_cells_are_open_data_shaped(tmp_path, tables):
    _write(tables, tmp_path)
    text = (tmp_path / "complaint_kpis.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == ("service,month,received,share_within_deadline,first_received,"
                        "last_event,published,note")  # fmt: skip
    # 17:30 in Rome in January stays office time with its offset, not 16:30 UTC "Z"
    # (issue 17); dates ISO; booleans true/false; NaN empty;
    # the formula is neutralised with a leading quote
    assert lines[1] == ("registry,2024-01,41,0.9,2024-01-02,2024-01-31T17:30:00+01:00,true,"
                        "\"'=HYPERLINK(\"\"http://x\"\")\"")  # fmt: skip
    assert lines[2] == "libraries,2024-01,12,,2024-01-05,2024-01-30T09:00:00+01:00,false,ok"


def test_broken_package_is_reported(tmp_path, tables):
    _write(tables, tmp_path)
    csv = tmp_path / "complaint_kpis.csv"
    lines = csv.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(",41,", ",forty-one,").replace(",true,", ",maybe,")
    lines[2] = lines[2].replace("libraries,", "registry,")  # duplicate primary key
    lines.append(",2024-02,3,0.5,2024-02-30,,true,x")  # missing key, impossible date
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = validate_datapackage(tmp_path)
    assert list(problems.columns) == ["resource", "row", "field", "value", "problem"]
    found = {(r.row if pd.notna(r.row) else None, r.field, r.value, r.problem)
             for r in problems.itertuples()}  # fmt: skip
    assert (1, "received", "forty-one", "not a valid integer value") in found
    assert (1, "published", "maybe", "not a valid boolean value") in found
    assert (3, "first_received", "2024-02-30", "not a valid date value") in found
    assert (3, "service", "", "a value is required (missing)") in found
    assert (2, "service,month", "registry|2024-01", "duplicate primary key") in found
    assert (None, "", "", "the file's sha256 hash does not match") in found
    assert set(problems["resource"]) == {"complaint_kpis"}


def test_descriptor_problems(tmp_path, tables):
    path = _write(tables, tmp_path)
    package = json.loads(path.read_text(encoding="utf-8"))
    package["licenses"] = []
    package["resources"][0]["path"] = "../../etc/passwd"
    package["resources"][1]["schema"]["fields"][-1]["name"] = "nota"
    path.write_text(json.dumps(package), encoding="utf-8")
    problems = validate_datapackage(tmp_path)["problem"].tolist()
    assert "no licence given (property 'licenses')" in problems
    assert "the resource path must be a relative path inside the package" in problems
    assert any(p.startswith("the header ['service'") and "'nota']" in p for p in problems)
    (tmp_path / "datapackage.json").write_text("{not json", encoding="utf-8")
    assert validate_datapackage(tmp_path)["problem"].iloc[0].startswith("the descriptor is not")
    assert "descriptor not found" in validate_datapackage(tmp_path / "nowhere")["problem"].iloc[0]


def test_writer_refuses_bad_input(tmp_path, tables):
    with pytest.raises(ValueError, match="package name"):
        write_datapackage(tables, tmp_path, name="Q Club")
    with pytest.raises(ValueError, match="unknown licence"):
        write_datapackage(tables, tmp_path, name="x", licence="WTFPL")
    dup = pd.DataFrame({"k": [1, 1]})
    with pytest.raises(ValueError, match="not unique"):
        write_datapackage({"t": dup}, tmp_path, name="x", primary_keys={"t": ["k"]})
    with pytest.raises(ValueError, match="unknown tables"):
        write_datapackage({"t": dup}, tmp_path, name="x", descriptions={"u": "?"})
    with pytest.raises(ValueError, match="same resource name"):
        write_datapackage({"a b": dup, "a_b": dup}, tmp_path, name="x")


def test_italian_licence_and_custom_licence(tmp_path):
    t = {"t": pd.DataFrame({"n": [1]})}
    p = write_datapackage(t, tmp_path / "a", name="x", licence="IODL-2.0", created=CREATED)
    assert json.loads(p.read_text())["licenses"][0]["name"] == "IODL-2.0"
    custom = {"name": "other", "path": "https://example.org/licence"}
    p = write_datapackage(t, tmp_path / "b", name="x", licence=custom, created=CREATED)
    assert json.loads(p.read_text())["licenses"] == [custom]


@pytest.mark.parametrize(
    ("series", "expected"),
    [
        (pd.Series([1, 2], dtype="Int64"), "integer"),
        (pd.Series([True, None], dtype="boolean"), "boolean"),
        (pd.Series([1.0, np.nan]), "number"),
        (pd.Series(["a", None]), "string"),
        (pd.Series([dt.date(2024, 1, 1)]), "string"),
        (pd.Series(pd.to_datetime(["2024-01-01"])).dt.tz_localize("UTC"), "datetime"),
    ],
)
def test_field_types(series, expected):
    assert field_type(series) == expected


def test_constraints_checked():
    field = {"name": "q", "type": "number",
             "constraints": {"minimum": 0, "maximum": 100, "enum": ["1", "50", "150"],
                             "unique": True}}  # fmt: skip
    problems = check_cells(pd.Series(["1", "50", "150", "50", "-1", "1e2"]), field)
    by_index = problems.groupby("index")["problem"].apply(list).to_dict()
    assert "above the maximum 100" in by_index[2]
    assert "below the minimum 0" in by_index[4]
    assert by_index[1] == by_index[3] == ["duplicate value in a unique field"]
    assert "not one of the allowed values ['1', '50', '150']" in by_index[5]


def test_infer_schema_rejects_unknown_columns():
    with pytest.raises(ValueError, match="not in the table"):
        infer_schema(pd.DataFrame({"a": [1]}), fields={"b": {"unit": "%"}})
    with pytest.raises(ValueError, match="primary key"):
        infer_schema(pd.DataFrame({"a": [1]}), primary_key=["b"])
