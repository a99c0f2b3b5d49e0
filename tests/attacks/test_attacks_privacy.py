"""Attacks on pseudonymised exports (issue 13, item 6).

Citizens write their name, codice fiscale, e-mail, phone, address and IBAN
into the complaint text itself. A pseudonymised export (CSV or Open311,
JSON or XML) replaced the contact columns by tokens but kept all of it in
``description``. Now the free text is redacted too: the complaint's own
contact values wherever they occur, and every codice fiscale, e-mail,
Italian phone number and IBAN (best effort, by pattern). Placeholder
contacts ("n/d", "non fornito", "+39", empty) are not contacts: they never
share a token.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from qualitapa.cli import cli
from qualitapa.complaints import Complaint, ComplaintRegister, Contact, pseudonymise, redact

SECRET = "0123456789abcdef-a-long-secret"
T0 = dt.datetime(2024, 1, 8, 9, tzinfo=dt.UTC)

PERSONAL = {
    "name": "Mario Rossi",
    "codice fiscale": "RSSMRA80A01H501U",
    "email": "mario.rossi@example.org",
    "phone": "333 123 4567",
    "address": "Via Roma 10",
    "iban": "IT60X0542811101000000123456",
}
TEXT = (
    "Sono Mario Rossi (C.F. RSSMRA80A01H501U), abito in via Roma 10 a Modena. "
    "Scrivetemi a mario.rossi@example.org o chiamate il 333 123 4567. "
    "Rimborso sull'IBAN IT60 X054 2811 1010 0000 0123 456 per la pratica 2024/000123 "
    "del 03/12/2024, importo 1.234,56 euro, alle 10:30. ROSSI MARIO"
)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "urp.db"
    with ComplaintRegister(path) as reg:
        reg.add(
            Complaint("2024/1", "complaint", "email", "registry", T0, description=TEXT,
                      contact=Contact(name="Mario Rossi", email="mario.rossi@example.org",
                                      phone="+39 3331234567", address="Via Roma 10, Modena")),
        )  # fmt: skip
        for i, placeholder in enumerate(["n/d", "non fornito", "+39", "", "-", "N.D."], start=2):
            reg.add(
                Complaint(f"2024/{i}", "complaint", "web", "registry", T0,
                          description=f"Nessun contatto: {placeholder}",
                          contact=Contact(name=placeholder, email=placeholder,
                                          phone=placeholder, address=placeholder)),
            )  # fmt: skip
    return path


def _assert_redacted(text: str) -> None:
    for what, value in PERSONAL.items():
        for variant in (value, value.replace(" ", ""), value.upper(), value.lower()):
            assert variant not in text, f"{what} {variant!r} is still in the export"
    assert "IT60 X054" not in text
    assert "Rossi" not in text
    assert "ROSSI" not in text
    assert "3331234567" not in text


def test_pseudonymised_csv_redacts_the_text(db: Path) -> None:
    buf = io.StringIO()
    with ComplaintRegister(db, readonly=True) as reg:
        reg.export_csv(buf, secret=SECRET)
    text = buf.getvalue()
    _assert_redacted(text)
    out = pd.read_csv(io.StringIO(text), dtype=str)
    description = out.loc[out["id"] == "2024/1", "description"].iloc[0]
    # what is not personal stays readable
    for kept in ("pratica 2024/000123", "03/12/2024", "1.234,56 euro", "10:30", "Modena"):
        assert kept in description, description
    for label in ("[nome]", "[codice fiscale]", "[indirizzo]", "[e-mail]", "[telefono]", "[IBAN]"):
        assert label in description, description


@pytest.mark.parametrize("fmt", ["csv", "open311", "open311-xml"])
def test_pseudonymised_cli_exports_redact_the_text(db: Path, fmt: str) -> None:
    result = CliRunner().invoke(
        cli,
        ["complaints", "export", "--db", str(db), "--format", fmt, "--pseudonymise"],
        env={"QUALITAPA_PSEUDONYM_KEY": SECRET},
    )
    assert result.exit_code == 0, result.output
    _assert_redacted(result.stdout)
    if fmt == "open311":
        [first] = [r for r in json.loads(result.stdout) if r["service_request_id"] == "2024/1"]
        assert "[codice fiscale]" in first["description"]
    if fmt == "open311-xml":
        root = ET.fromstring(result.stdout)
        assert "[e-mail]" in (root.findtext("request/description") or "")


def test_placeholder_contacts_never_share_a_token(db: Path) -> None:
    with ComplaintRegister(db, readonly=True) as reg:
        frame = pseudonymise(reg.to_frame(include_contact=True), SECRET)
    placeholders = frame[frame["id"] != "2024/1"]
    for col in ("contact_email", "contact_phone", "contact_name", "contact_address",
                "contact_token"):  # fmt: skip
        assert placeholders[col].isna().all(), placeholders[col].tolist()
    real = frame[frame["id"] == "2024/1"]
    assert real["contact_token"].notna().all()
    # a placeholder in the text is not a contact value: left as it is
    assert "Nessun contatto: n/d" in placeholders["description"].tolist()


@pytest.mark.parametrize(
    "phone",
    ["+39 333 1234567", "0039 06 12345678", "06/1234567", "059-123456", "(06) 1234 5678",
     "3331234567", "333.123.4567", "+393331234567", "0521 123456"],
)  # fmt: skip
def test_italian_phone_numbers(phone: str) -> None:
    assert redact(f"chiamare il {phone} dopo le 15") == "chiamare il [telefono] dopo le 15"


@pytest.mark.parametrize(
    "text",
    ["pratica 2024/000123", "il 03/12/2024", "1.234,56 euro", "alle 10:30", "CAP 41121",
     "nel 2023-2024", "n. 12345", "300.000 euro", "protocollo 0012345/2024"],
)  # fmt: skip
def test_not_personal_data_stays(text: str) -> None:
    assert redact(text) == text


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("cf rssmra80a01h501u.", "[codice fiscale]"),
        ("CF: RSSMRA80A01H5LMU", "[codice fiscale]"),  # omocodia: digits as letters
        ("mail a anna_bianchi+urp@comune.modena.it!", "[e-mail]"),
        ("IBAN: IT60X0542811101000000123456", "[IBAN]"),
        ("IBAN DE89 3704 0044 0532 0130 00 grazie", "[IBAN]"),
    ],
)
def test_patterns(text: str, label: str) -> None:
    out = redact(text)
    assert label in out
    assert not re.search(r"\d{6}|@", out), out
    assert "grazie" in redact("IBAN DE89 3704 0044 0532 0130 00 grazie")


def test_contact_values_wherever_they_occur() -> None:
    text = "Mi chiamo ANNA  bianchi, la Bianchi abita in Corso Canal Grande 12 (Modena)."
    out = redact(text, name="Anna Bianchi", address="Corso Canal Grande 12, 41121 Modena")
    assert "anna" not in out.lower()
    assert "bianchi" not in out.lower()
    assert "Canal Grande 12" not in out
    assert "(Modena)" in out  # a town alone is not the address


_CF = st.from_regex(
    r"[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]",
    fullmatch=True,
)
_EMAIL = st.from_regex(r"[a-z][a-z0-9._]{0,10}@[a-z]{2,10}\.(it|org|com)", fullmatch=True)
_MOBILE = st.from_regex(r"(\+39 ?)?3[0-9]{2}[ .]?[0-9]{3}[ .]?[0-9]{3,4}", fullmatch=True)
_WORDS = st.lists(
    st.sampled_from(
        [
            "il",
            "sportello",
            "Anagrafe",
            "chiuso",
            "ore",
            "attesa",
            "12",
            "2024",
            "euro",
            "via",
            "pratica",
        ]
    ),
    max_size=6,
).map(" ".join)


@pytest.mark.slow  # hypothesis over generated personal data
@given(before=_WORDS, value=st.one_of(_CF, _EMAIL, _MOBILE), after=_WORDS)
def test_property_generated_personal_data_never_survives(
    before: str, value: str, after: str
) -> None:
    out = redact(f"{before} {value} {after}")
    assert value not in out
    assert value.replace(" ", "") not in out.replace(" ", "")
