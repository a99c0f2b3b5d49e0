"""Pseudonymisation and the complaint models, categories and TOML plugins."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from pathlib import Path

import pandas as pd
import pytest

from qualitapa import Service, Text, hookimpl
from qualitapa.complaints import (
    Complaint,
    Contact,
    Deadline,
    DeadlinePolicy,
    pseudonym,
    pseudonymise,
)
from qualitapa.declarative import TomlPlugin
from qualitapa.errors import DataError, DefinitionError
from qualitapa.testing import catalog_with

SECRET = "a-secret-of-sixteen-bytes"


def test_pseudonym_is_hmac_sha256_of_the_normalised_value() -> None:
    # reference: RFC 2104 HMAC with SHA-256 from the standard library
    expected = hmac.new(SECRET.encode(), b"email:anna@example.org", hashlib.sha256).hexdigest()
    assert pseudonym(" Anna@Example.org", SECRET) == "p_" + expected[:24]
    assert pseudonym("+39 059 123 456", SECRET, field="phone") == pseudonym(
        "059123456", SECRET, field="phone"
    )
    assert pseudonym("anna@example.org", SECRET) != pseudonym("anna@example.org", SECRET + "x")
    with pytest.raises(DataError, match="at least 16 bytes"):
        pseudonym("x", "short")


def test_pseudonymise_frame() -> None:
    df = pd.DataFrame(
        {
            "id": ["1", "2", "3"],
            "contact_name": ["Anna", "Anna B.", None],
            "contact_email": ["anna@example.org", "ANNA@example.org", None],
            "contact_phone": [None, None, "333 1234567"],
        }
    )
    out = pseudonymise(df, SECRET)
    assert out["contact_token"].iloc[0] == out["contact_token"].iloc[1]  # same citizen
    assert out["contact_token"].iloc[2] == pseudonym("3331234567", SECRET, field="phone")
    assert out["contact_name"].iloc[0] != out["contact_name"].iloc[1]
    assert pd.isna(out["contact_email"].iloc[2])
    assert "anna" not in out.to_csv().lower()
    assert df["contact_name"].iloc[0] == "Anna"  # the caller's frame is unchanged


def test_complaint_validation() -> None:
    t = dt.datetime(2024, 1, 8, 9, tzinfo=dt.UTC)
    with pytest.raises(DefinitionError, match="must carry a timezone"):
        Complaint("1", "complaint", "web", "registry", dt.datetime(2024, 1, 8))
    with pytest.raises(ValueError, match="'fax' is not a valid Channel"):
        Complaint("1", "complaint", "fax", "registry", t)
    with pytest.raises(DefinitionError, match="not a valid complaint id"):
        Complaint("bad id", "complaint", "web", "registry", t)
    c = Complaint.from_mapping(
        {"id": "2024/5", "kind": "praise", "channel": "counter", "service": "libraries",
         "received_at": "2024-01-08T09:00:00+01:00", "contact": {"name": "Mario Rossi"}}
    )  # fmt: skip
    assert c.contact == Contact(name="Mario Rossi")
    assert "Mario" not in repr(c)
    with pytest.raises(DefinitionError, match="unknown field"):
        Complaint.from_mapping({"id": "1", "colour": "red"})


def test_deadline_parsing() -> None:
    assert Deadline.coerce(15) == Deadline(15, "calendar")
    with pytest.raises(DefinitionError, match="positive whole number"):
        Deadline(0)
    with pytest.raises(DefinitionError, match="'calendar' or 'working'"):
        Deadline.coerce({"days": 5, "unit": "weekly"})


class Services:
    @hookimpl
    def qualitapa_services(self) -> list[Service]:
        return [Service("registry", Text("Anagrafe", "Civil registry"))]


def test_categories_from_toml_and_catalog_checks(tmp_path: Path) -> None:
    path = tmp_path / "defs.toml"
    path.write_text(
        """
[[complaint_categories]]
id = "registry.waiting"
label = { it = "Tempi di attesa", en = "Waiting times" }
service = "registry"
deadline = { days = 10, unit = "working" }

[[complaint_categories]]
id = "registry.waiting.counter"
label = { it = "Attesa allo sportello", en = "Waiting at the counter" }
service = "registry"
parent = "registry.waiting"

[[complaint_categories]]
id = "registry.orphan"
label = { it = "Orfana", en = "Orphan" }
service = "registry"
parent = "registry.missing"
""",
        encoding="utf-8",
    )
    plugin = TomlPlugin(path)
    catalog = catalog_with(Services(), ("cats", plugin))
    policy = DeadlinePolicy.from_catalog(catalog)
    # the subcategory inherits its parent's 10 working days
    rule = policy.rule_for(service="registry", category="registry.waiting.counter")
    assert str(rule) == "10 working days"
    problems = [str(p) for p in catalog.check()]
    assert any("parent category 'registry.missing' is not defined" in p for p in problems)
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[[complaint_categories]]\nid = "x"\nlabel = "X"\nservice = "registry"\n'
        "deadline = { days = -3 }\n",
        encoding="utf-8",
    )
    with pytest.raises(DefinitionError, match="entry 1"):
        TomlPlugin(bad).definitions()
