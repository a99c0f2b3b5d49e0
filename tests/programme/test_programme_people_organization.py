"""The ``people`` sheet's optional ``organization`` column (issue 14).

Before it, a people sheet was one table: importing a club's contacts (people of other
cities) into a city's store listed every one of the city's people as ``missing``. A
sheet's missing people are now looked for among the stored people of the organizations
it names (blank: the people without one), as the other sheets scope by organization.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from qualitapa.errors import DataError
from qualitapa.programme import SHEETS, Person, ProgrammeStore, check_sheet, write_template

BY = "ufficio.qualita"


def own(organization: str | None = None) -> pd.DataFrame:
    """A city's people; without the column when ``organization`` is None (an older sheet)."""
    frame = pd.DataFrame({"person": ["p01", "p02", "p03"],
                          "name": ["Anna Bianchi", "Luca Verdi", "Marta Neri"],
                          "email": [None, None, None], "category": ["D", "D", "C"]})  # fmt: skip
    return frame if organization is None else frame.assign(organization=organization)


def contacts() -> pd.DataFrame:
    """A club's contacts: two in Trento, one in Bolzano."""
    return pd.DataFrame({"person": ["QC-TN1", "QC-TN2", "QC-BZ1"],
                         "name": ["Giovanna Fittizia", "Mario Prova", "Klaus Beispiel"],
                         "organization": ["022205", "022205", "021008"]})  # fmt: skip


def _kinds(report) -> dict[str, int]:
    return report.conflicts["kind"].value_counts().to_dict()


@pytest.mark.parametrize("organization", [None, "036023"])
def test_a_clubs_contacts_leave_the_citys_people_alone(organization: str | None) -> None:
    with ProgrammeStore(":memory:") as store:
        store.import_sheet("people", own(organization), by=BY)
        report = store.import_sheet("people", contacts(), by=BY)
        # 3 added; the city's 3 people are not in the sheet but of another organization
        assert report.counts.loc[0, "added"] == 3
        assert len(report.conflicts) == 0
        assert len(store.table("people")) == 3 + 3


def test_a_person_left_out_is_missing_within_the_sheets_organizations() -> None:
    with ProgrammeStore(":memory:") as store:
        store.import_sheet("people", own(), by=BY)
        store.import_sheet("people", contacts(), by=BY)
        # Trento's file without QC-TN2: missing in Trento; Bolzano's and the city's people
        # are not in Trento's file and not missing
        report = store.import_sheet("people", contacts().iloc[[0]], by=BY)
        assert _kinds(report) == {"missing": 1}
        assert report.conflicts["key"].tolist() == ["QC-TN2"]
        # the city's own sheet (no organization) without p03: missing among its own only
        report = store.import_sheet("people", own().iloc[:2], by=BY)
        assert _kinds(report) == {"missing": 1}
        assert report.conflicts["key"].tolist() == ["p03"]


def test_the_organization_alone_does_not_make_a_rename() -> None:
    # p03 left, p09 came, both of Trento with the same category and no name: two filled
    # values only because of the organization, which is the scope, not content: p09 added
    sheet = pd.DataFrame({"person": ["p03"], "category": ["C"], "organization": ["022205"]})
    with ProgrammeStore(":memory:") as store:
        store.import_sheet("people", sheet, by=BY)
        report = store.import_sheet("people", sheet.assign(person="p09"), by=BY)
        assert report.counts.loc[0, "added"] == 1
        assert _kinds(report) == {"missing": 1}


def test_the_column_is_optional_last_and_read() -> None:
    assert SHEETS["people"].columns[-2:] == ("organization", "public")
    assert "organization" not in SHEETS["people"].required
    assert "organization" not in SHEETS["people"].key
    clean = check_sheet(own(), "people")  # a sheet without the column still reads
    assert clean["organization"].isna().all()
    row = check_sheet(contacts(), "people").iloc[0].to_dict()
    assert Person.from_mapping(row).organization == "022205"  # the leading zero kept
    assert Person.from_mapping({"person": "p01"}).organization is None


def test_template_and_export_have_the_column(tmp_path: Path) -> None:
    book = write_template(tmp_path / "programma.xlsx")
    header = [c.value for c in next(openpyxl.load_workbook(book)["people"].iter_rows())]
    assert header == list(SHEETS["people"].columns)
    with ProgrammeStore(":memory:") as store:
        store.import_sheet("people", contacts(), by=BY)
        table = store.table("people")
    by_person = dict(zip(table["person"], table["organization"], strict=True))
    assert by_person == {"QC-TN1": "022205", "QC-TN2": "022205", "QC-BZ1": "021008"}


def test_public_says_whether_the_name_may_be_published() -> None:
    # the portal shows a name only when the sheet says yes; blank or no = role and department
    sheet = pd.DataFrame(
        {
            "person": ["p01", "p02", "p03"],
            "name": ["Anna Bianchi", "Luca Verdi", "Ada Neri"],
            "public": ["yes", "no", None],
        }
    )
    clean = check_sheet(sheet, "people")
    shown = [Person.from_mapping(r).public for r in clean.to_dict("records")]
    assert shown == [True, False, False]
    with pytest.raises(DataError) as info:
        check_sheet(sheet.assign(public=["forse", "no", None]), "people")
    assert "public" in info.value.failure_cases["column"].astype(str).tolist()


@pytest.mark.parametrize(
    ("cell", "public"),
    [
        ("yes", True),
        ("sì", True),
        ("SI", True),
        (" Si ", True),
        ("ja", True),
        ("no", False),
        ("NEIN", False),
        ("", False),
        (None, False),
    ],
)
def test_the_public_flag_is_read_in_the_office_s_words(cell: object, public: bool) -> None:
    # an Italian office writes sì (the column's help says "yes (sì) o no"); a German one ja
    from qualitapa.programme._models import Person
    from qualitapa.programme._sheets import check_sheet

    assert Person.from_mapping({"person": "p01", "public": cell}).public is public
    sheet = pd.DataFrame({"person": ["p01"], "name": ["Anna Bianchi"], "public": [cell]})
    assert check_sheet(sheet, "people")["public"].tolist() == [
        None if cell in ("", None) else ("yes" if public else "no")
    ]


@pytest.mark.parametrize("cell", ["forse", "x", "1", "vero"])
def test_a_public_flag_that_is_neither_yes_nor_no_is_refused(cell: str) -> None:
    # before: anything but "yes" was silently read as "not public"
    from qualitapa.errors import DataError, DefinitionError
    from qualitapa.programme._models import Person
    from qualitapa.programme._sheets import check_sheet

    with pytest.raises(DefinitionError, match="public"):
        Person.from_mapping({"person": "p01", "public": cell})
    sheet = pd.DataFrame({"person": ["p01"], "name": ["Anna Bianchi"], "public": [cell]})
    with pytest.raises(DataError, match="public"):
        check_sheet(sheet, "people")
