"""Certified services: the sheets in the store, alerts on a date, corrective actions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualitapa.errors import DataError, DefinitionError
from qualitapa.improvement import ACTION_COLUMNS, ImprovementPlan, combine_actions
from qualitapa.programme import (
    ALERT_COLUMNS,
    CERTIFICATION_LABELS,
    SHEETS,
    AlertKind,
    Audit,
    AuditKind,
    CertificateStatus,
    Certification,
    Finding,
    FindingKind,
    ProgrammeStore,
    actions_from_findings,
    certification_alerts,
    check_sheet,
)
from tests.programme.conftest import AT, BY, filled_store, opened_copy

ORG = "036023"
AS_OF = "2024-10-15"


def departments() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "organization": [ORG, ORG],
            "department": ["S03", "PM"],
            "name_it": ["Servizi demografici", "Polizia locale"],
            "kind": ["settore", "settore"],
        }
    )


def people() -> pd.DataFrame:
    return pd.DataFrame({"person": ["p01", "p02"], "name": ["Anna Bianchi", "Luca Verdi"]})


def activities() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "organization": [ORG],
            "year": [2024],
            "activity": ["A07"],
            "type": ["certification"],
            "department": ["PM"],
            "title_it": ["Audit di sorveglianza ISO 9001"],
        }
    )


def certifications() -> pd.DataFrame:
    # as an Italian office writes them: day-first dates, a code in capitals
    return pd.DataFrame(
        {
            "organization": [ORG] * 4,
            "certificate": ["C1", "C2", "C3", "C4"],
            "department": ["PM", "S03", "S03", "PM"],
            "service": ["polizia locale", "anagrafe", "stato civile", "verbali"],
            "standard": ["ISO 9001:2015"] * 4,
            "scope": ["Controllo del territorio", None, None, None],
            "body": ["Ente X"] * 4,
            "number": ["IT-1234", "IT-2", "IT-3", "IT-4"],
            "first_issued": ["12/05/2004", None, None, None],
            "issued": ["10/01/2022", "01/10/2021", "01/01/2020", "01/02/2024"],
            "expires": ["31/12/2024", "30/09/2024", "31/12/2022", "31/01/2027"],
            "status": ["valid", "Valid", "expired", "valid"],
        }
    )


def audits() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "organization": [ORG] * 5,
            "audit": ["AU1", "AU2", "AU3", "AU4", "AU5"],
            "certificate": ["C1", "C1", "C2", "C4", "C4"],
            "kind": ["surveillance", "internal", "surveillance", "certification", "surveillance"],
            "date": ["20/09/2023", "01/09/2024", "15/03/2024", "20/01/2024", "20/11/2024"],
            "body": ["Ente X", "Ufficio qualità", "Ente X", "Ente X", "Ente X"],
            "activity": ["A07", None, None, None, None],
        }
    )


def findings() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "organization": [ORG] * 6,
            "audit": ["AU1", "AU1", "AU1", "AU3", "AU4", "AU5"],
            "finding": ["1", "2", "3", "1", "1", "1"],
            "kind": ["major_nc", "minor_nc", "observation", "minor_nc", "minor_nc", "major_nc"],
            "clause": ["8.5.1", "7.5", "9.1", "10.2", "7.1", "8.1"],
            "text": ["Verbali non archiviati", "Registro non aggiornato", "Nota", "x", "y", "z"],
            "action": [None, "Aggiornare il registro", None, None, None, None],
            "owner": ["p02", "p02", None, "p01", "p01", "p02"],
            "due": ["31/12/2024", "31/07/2024", None, "30/06/2024", "31/08/2024", "31/12/2024"],
            "closed": [None, None, None, "10/07/2024", "01/11/2024", None],
        }
    )


def sheets() -> dict[str, pd.DataFrame]:
    return {
        "departments": departments(),
        "people": people(),
        "activities": activities(),
        "certifications": certifications(),
        "audits": audits(),
        "findings": findings(),
    }


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return filled_store(tmp_path_factory.mktemp("filled"), sheets(), "certificazioni.xlsx")


@pytest.fixture
def store(filled: Path, tmp_path: Path) -> Iterator[ProgrammeStore]:
    """A store that imported the sheets (a copy of one filled per module)."""
    with opened_copy(filled, tmp_path) as s:
        yield s


# -- the sheets in the store ------------------------------------------------------------


def test_new_sheets_come_last_and_refer_only_to_earlier_ones() -> None:
    from qualitapa.programme._sheets import REFERENCES

    names = list(SHEETS)
    for name in ("certifications", "audits", "findings"):
        for target, _ in REFERENCES[name].values():
            assert names.index(target) < names.index(name)
    assert names.index("certifications") > names.index("meeting_actions")


def test_sheets_are_stored_canonical_and_typed(store: ProgrammeStore) -> None:
    certs = store.table("certifications")
    assert certs["certificate"].tolist() == ["C1", "C2", "C3", "C4"]
    assert certs["status"].tolist() == ["valid", "valid", "expired", "valid"]
    assert certs["expires"].iloc[0] == pd.Timestamp("2024-12-31")
    assert store.table("findings")["closed"].notna().sum() == 2
    # the models read the stored rows
    rows = store._text_table("certifications").to_dict("records")  # canonical text
    first = Certification.from_mapping(rows[0])
    assert first.first_issued == dt.date(2004, 5, 12)
    assert first.status is CertificateStatus.VALID
    audit = Audit.from_mapping(store._text_table("audits").to_dict("records")[0])
    assert (audit.kind, audit.activity) == (AuditKind.SURVEILLANCE, "A07")
    finding = Finding.from_mapping(store._text_table("findings").to_dict("records")[0])
    assert finding.kind is FindingKind.MAJOR_NC
    assert finding.owner == "p02"


@pytest.mark.parametrize("target", ["programma.xlsx", "programma"])
def test_export_then_import_changes_nothing(
    store: ProgrammeStore, tmp_path: Path, target: str
) -> None:
    before = store.history()
    report = store.import_file(store.export(tmp_path / target), by=BY)
    assert not report.has_changes
    assert report.conflicts.empty
    counts = report.counts.set_index("sheet")["unchanged"]
    assert counts["certifications"] == 4
    assert counts["audits"] == 5
    assert counts["findings"] == 6
    assert len(store.history()) == len(before)


def test_a_text_cell_starting_with_a_dash_survives_a_csv_round_trip(tmp_path: Path) -> None:
    with ProgrammeStore(":memory:") as s:
        s.import_sheets({**sheets(), "findings": findings().assign(text="-")}, by=BY, at=AT)
        assert not s.import_file(s.export(tmp_path / "csv"), by=BY).has_changes


def test_a_workbook_without_the_new_sheets_still_imports(tmp_path: Path) -> None:
    path = tmp_path / "vecchio.xlsx"
    with pd.ExcelWriter(path) as book:
        departments().to_excel(book, sheet_name="departments", index=False)
        activities().to_excel(book, sheet_name="activities", index=False)
    with ProgrammeStore(":memory:") as s:
        report = s.import_file(path, by=BY, at=AT)
        assert report.added == 3
        assert s.table("certifications").empty
        assert s.table("practices").empty
        again = s.import_file(s.export(tmp_path / "export.xlsx"), by=BY)
        assert not again.has_changes
        assert again.conflicts.empty


def test_bad_rows_name_sheet_row_and_column_with_suggestions() -> None:
    bad = findings()
    bad.loc[1, "audit"] = "AU33"
    bad.loc[2, "kind"] = "major"
    with pytest.raises(DataError) as err:
        check_sheet(
            bad, "findings", source="audit.xlsx", known={"audits": {"AU1", "AU3", "AU4", "AU5"}}
        )
    cases = err.value.failure_cases
    assert set(cases["sheet"]) == {"findings"}
    by_column = cases.set_index("column")
    assert by_column.loc["audit", "row"] == 2
    assert by_column.loc["audit", "close"].startswith("AU3")
    assert by_column.loc["kind", "row"] == 3
    assert by_column.loc["kind", "close"] == "major_nc"


def test_expiry_before_issue_and_unknown_certificate_are_problems() -> None:
    certs = certifications()
    certs.loc[0, "expires"] = "01/01/2021"  # before its issue, 10/01/2022
    with pytest.raises(DataError) as err:
        check_sheet(certs, "certifications")
    case = err.value.failure_cases.iloc[0]
    assert (case["row"], case["column"], case["rule"]) == (1, "expires", "inconsistent")
    with pytest.raises(DataError, match=r"row 1, column 'certificate'.*did you mean C1"):
        check_sheet(audits().iloc[:1].assign(certificate="C11"), "audits",
                    known={"certifications": {"C1", "C2"}})  # fmt: skip


def test_a_finding_of_an_unknown_audit_is_refused_by_the_store(store: ProgrammeStore) -> None:
    bad = findings().iloc[:1].assign(audit="AU6")
    with pytest.raises(DataError, match="unknown audit 'AU6'"):
        store.import_sheet("findings", bad, by=BY)


def test_models_refuse_what_the_sheet_refuses() -> None:
    row = {"organization": ORG, "certificate": "C1", "standard": "ISO 9001:2015",
           "issued": "2022-01-10", "expires": "2021-01-01", "status": "valid"}  # fmt: skip
    with pytest.raises(DefinitionError, match="before issued"):
        Certification.from_mapping(row)
    with pytest.raises(DefinitionError):
        Certification.from_mapping({**row, "expires": None})
    with pytest.raises(DefinitionError):
        Finding.from_mapping({"organization": ORG, "audit": "A", "finding": "1", "kind": "nc"})


def test_every_code_has_italian_german_and_english_labels() -> None:
    for enum_ in (CertificateStatus, AuditKind, FindingKind, AlertKind):
        for member in enum_:
            label = CERTIFICATION_LABELS[member]
            assert label.it
            assert label.de
            assert label.en
    assert [k.severity for k in AlertKind] == [1, 2, 3, 4, 5]


# -- alerts -----------------------------------------------------------------------------

CERTS = check_sheet(certifications(), "certifications")
AUDITS = check_sheet(audits(), "audits")
FINDINGS = check_sheet(findings(), "findings")


def alerts(as_of: str = AS_OF, warn_days: int = 90) -> pd.DataFrame:
    return certification_alerts(CERTS, AUDITS, FINDINGS, as_of=as_of, warn_days=warn_days)


def test_alerts_hand_computed() -> None:
    got = alerts()
    assert list(got.columns) == list(ALERT_COLUMNS)
    rows = got[["kind", "certificate", "audit", "finding", "days_left", "days_late"]]
    expected = [
        # C2 expired 2024-09-30, register still says valid: Sep 30 -> Oct 15 = 15 days
        ["expired", "C2", None, None, pd.NA, 15],
        # AU1 (2023-09-20) major NC 1 open: 2023-09-20 -> 2024-09-20 = 366 days (2024
        # is a leap year), + Sep 20 -> Oct 15 = 25: 391
        ["major_nc_open", "C1", "AU1", "1", pd.NA, 391],
        # C1: last external audit AU1 2023-09-20 (AU2 is internal, it does not count),
        # issued 2022-01-10; deadline 2024-09-20, 25 days ago
        ["surveillance_overdue", "C1", None, None, pd.NA, 25],
        # AU1 finding 2 due 2024-07-31, open: Jul 31 -> Aug 31 = 31, -> Sep 30 = 61,
        # -> Oct 15 = 76
        ["action_overdue", "C1", "AU1", "2", pd.NA, 76],
        # AU4 finding 1 due 2024-08-31, closed 2024-11-01 (after as_of: open on as_of):
        # Aug 31 -> Sep 30 = 30, -> Oct 15 = 45
        ["action_overdue", "C4", "AU4", "1", pd.NA, 45],
        # C1 expires 2024-12-31: Oct 15 -> Oct 31 = 16, + 30 (Nov) + 31 (Dec) = 77
        ["expiring", "C1", None, None, 77, pd.NA],
    ]
    assert rows.astype(object).where(rows.notna(), None).values.tolist() == [
        [None if v is pd.NA else v for v in row] for row in expected
    ]
    # not alerted: C3 (marked expired), AU3 finding 1 (closed 2024-07-10 before as_of),
    # the observation, AU5 (dated after as_of), C4's surveillance (certified 2024-01-20)
    assert got["severity"].is_monotonic_increasing
    assert got.loc[got["kind"].eq("expiring"), "date"].item() == pd.Timestamp("2024-12-31")
    assert got.loc[got["kind"].eq("surveillance_overdue"), "date"].item() == pd.Timestamp(
        "2024-09-20"
    )
    assert got.loc[0, "department"] == "S03"
    assert got.loc[3, "owner"] == "p02"


def test_expiry_boundary_is_included() -> None:
    # C1 expires in exactly 77 days
    assert "C1" in alerts(warn_days=77).query("kind == 'expiring'")["certificate"].tolist()
    assert alerts(warn_days=76).query("kind == 'expiring'").empty
    # on its last day a certificate is expiring (0 days left), the next day expired
    on_day = alerts(as_of="2024-12-31").query("certificate == 'C1'")
    assert on_day.query("kind == 'expiring'")["days_left"].item() == 0
    after = alerts(as_of="2025-01-01").query("certificate == 'C1' and kind == 'expired'")
    assert after["days_late"].item() == 1


def test_closing_the_action_removes_its_alerts() -> None:
    closed = FINDINGS.assign(closed="2024-10-01")
    got = certification_alerts(CERTS, AUDITS, closed, as_of=AS_OF)
    assert not got["kind"].isin(["action_overdue", "major_nc_open"]).any()
    assert got["kind"].tolist() == ["expired", "surveillance_overdue", "expiring"]


def test_store_tables_give_the_same_alerts(store: ProgrammeStore) -> None:
    got = certification_alerts(
        store.table("certifications"), store.table("audits"), store.table("findings"),
        as_of=dt.date(2024, 10, 15),
    )  # fmt: skip
    pd.testing.assert_frame_equal(got, alerts())


def test_bad_input_is_a_typed_error_naming_the_cell() -> None:
    bad = FINDINGS.copy()
    bad.loc[3, "due"] = "2024-06-31"
    with pytest.raises(DataError, match=r"sheet 'findings', row 4, column 'due'"):
        certification_alerts(CERTS, AUDITS, bad, as_of=AS_OF)
    with pytest.raises(DataError, match=r"row 2, column 'status'.*not one of"):
        certification_alerts(CERTS.assign(status=["valid", "valido", None, None]), AUDITS,
                             FINDINGS, as_of=AS_OF)  # fmt: skip
    with pytest.raises(DataError, match="column 'status'"):
        certification_alerts(CERTS.drop(columns="status"), AUDITS, FINDINGS, as_of=AS_OF)
    with pytest.raises(DataError, match="warn_days"):
        alerts(warn_days=-1)
    with pytest.raises(DataError, match="as_of"):
        alerts(as_of="domani")


def test_no_rows_give_an_empty_table_with_the_columns() -> None:
    empty = {n: pd.DataFrame(columns=list(SHEETS[n].columns)) for n in SHEETS}
    got = certification_alerts(empty["certifications"], empty["audits"], empty["findings"],
                               as_of=AS_OF)  # fmt: skip
    assert got.empty
    assert list(got.columns) == list(ALERT_COLUMNS)


def _key(frame: pd.DataFrame) -> list[tuple[object, ...]]:
    return sorted(
        tuple(None if pd.isna(v) else v for v in row)
        for row in frame.astype(object).itertuples(index=False)
    )


@pytest.mark.slow
@settings(max_examples=15)
@given(data=st.data(), warn=st.integers(0, 400), day=st.dates(dt.date(2023, 1, 1),
                                                              dt.date(2026, 12, 31)))  # fmt: skip
def test_row_order_is_irrelevant(data: st.DataObject, warn: int, day: dt.date) -> None:
    def shuffled(frame: pd.DataFrame) -> pd.DataFrame:
        order = data.draw(st.permutations(list(range(len(frame)))))
        return frame.iloc[order].reset_index(drop=True)

    first = certification_alerts(CERTS, AUDITS, FINDINGS, as_of=day, warn_days=warn)
    second = certification_alerts(shuffled(CERTS), shuffled(AUDITS), shuffled(FINDINGS),
                                  as_of=day, warn_days=warn)  # fmt: skip
    pd.testing.assert_frame_equal(first, second)


@pytest.mark.slow
@settings(max_examples=15)
@given(warn=st.integers(0, 400), more=st.integers(0, 400),
       day=st.dates(dt.date(2023, 1, 1), dt.date(2026, 12, 31)))  # fmt: skip
def test_organizations_separately_equal_together_and_warn_days_monotone(
    warn: int, more: int, day: dt.date
) -> None:
    other = "037006"

    def moved(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.assign(organization=other)

    together = certification_alerts(
        pd.concat([CERTS, moved(CERTS)]),
        pd.concat([AUDITS, moved(AUDITS)]),
        pd.concat([FINDINGS, moved(FINDINGS)]),
        as_of=day, warn_days=warn,
    )  # fmt: skip
    one = certification_alerts(CERTS, AUDITS, FINDINGS, as_of=day, warn_days=warn)
    two = certification_alerts(moved(CERTS), moved(AUDITS), moved(FINDINGS), as_of=day,
                               warn_days=warn)  # fmt: skip
    assert _key(together) == _key(pd.concat([one, two]))
    wider = certification_alerts(CERTS, AUDITS, FINDINGS, as_of=day, warn_days=warn + more)
    assert set(_key(one)) <= set(_key(wider))
    assert (wider.query("kind == 'expiring'")["days_left"] <= warn + more).all()


# -- corrective actions -----------------------------------------------------------------


def test_open_nonconformities_become_improvement_actions() -> None:
    got = actions_from_findings(FINDINGS, AUDITS, CERTS, as_of=AS_OF)
    assert list(got.columns) == ACTION_COLUMNS
    table = got.set_index("id")
    # open on 2024-10-15: AU1/1 (major, due 2024-12-31), AU1/2 (minor, due 2024-07-31,
    # late), AU4/1 (minor, closed after as_of); AU1/3 is an observation, AU3/1 closed
    # 2024-07-10, AU5 is dated after as_of
    assert sorted(table.index) == ["nc-AU1-1-036023", "nc-AU1-2-036023", "nc-AU4-1-036023"]
    # impact 5 major / 3 minor; urgency 5 late / 4 not yet; priority impact * urgency / 3
    assert table.loc["nc-AU1-1-036023", ["impact", "urgency"]].tolist() == [5, 4]
    assert table.loc["nc-AU1-2-036023", ["impact", "urgency"]].tolist() == [3, 5]
    assert table.loc["nc-AU1-1-036023", "priority"] == pytest.approx(20 / 3)
    # by priority: AU1/1 5*4/3 = 6.67, AU1/2 3*5/3 = 5, AU4/1 (due 2024-08-31, late) 5
    # after AU1/2 (due earlier)
    assert got["id"].tolist() == ["nc-AU1-1-036023", "nc-AU1-2-036023", "nc-AU4-1-036023"]
    first = table.loc["nc-AU1-2-036023"]
    assert first["title"] == "Aggiornare il registro"
    assert (first["department"], first["activity"], first["owner"]) == ("PM", "A07", "p02")
    assert first["due"] == "2024-07-31"
    assert first["source"] == "certification"
    assert table.loc["nc-AU1-1-036023", "title"] == (
        "Correggere la non conformità maggiore 1 (punto 8.5.1)"
    )
    # they join an improvement plan
    plan = ImprovementPlan.from_frame(combine_actions(got))
    assert len(plan.to_frame()) == 3


def test_no_open_nonconformity_no_action() -> None:
    closed = FINDINGS.assign(closed="2024-10-01")
    got = actions_from_findings(closed, AUDITS, CERTS, as_of=AS_OF)
    assert got.empty
    assert list(got.columns) == ACTION_COLUMNS


def test_many_findings_one_action_each() -> None:
    many = pd.concat([FINDINGS.assign(finding=lambda f, i=i: f["finding"] + f"-{i}")
                      for i in range(50)], ignore_index=True)  # fmt: skip
    got = actions_from_findings(many, AUDITS, CERTS, as_of=AS_OF)
    assert len(got) == 3 * 50
    assert np.unique(got["id"]).size == len(got)
