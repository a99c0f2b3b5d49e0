"""The sheets' typed rows: one reader (``SheetRow.from_mapping``) builds every model."""

from __future__ import annotations

import datetime as dt
from importlib.resources import files
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualitapa.errors import DefinitionError
from qualitapa.models import Text
from qualitapa.programme import (
    SHEETS,
    Activity,
    ActivityStatus,
    ActivityType,
    DepartmentKind,
    Meeting,
    Person,
    Plan,
    PlanStatus,
    ProgrammeStore,
    Sheet,
    StaffCount,
    TrainingNeed,
    read_sheet,
)
from qualitapa.programme._models import SheetRow

FOLDER = Path(str(files("qualitapa_modena") / "programme"))
AT = dt.datetime(2024, 3, 1, 9, 0, tzinfo=dt.UTC)


def test_every_sheet_model_reads_its_rows_by_its_field_types() -> None:
    # Modena's synthetic programme fills every sheet: each stored row makes its model,
    # and each model's fields are the sheet's columns (a Text field: its _it/_de/_en ones)
    sheets = {name: read_sheet(FOLDER / f"{name}.csv", name) for name in SHEETS}
    with ProgrammeStore(":memory:") as store:
        store.import_sheets(sheets, by="ufficio.qualita", at=AT)
        for name, spec in SHEETS.items():
            assert issubclass(spec.model, SheetRow), name
            rows = store._text_table(name).to_dict("records")
            assert rows, name
            built = [spec.model.from_mapping(row) for row in rows]
            assert all(isinstance(b, spec.model) for b in built)
            for field in attrs.fields(spec.model):
                assert {field.name, f"{field.name}_it"} & set(spec.columns), (name, field.name)


def test_the_values_read_by_field_type() -> None:
    a = Activity.from_mapping(
        {"organization": "036023", "year": "2024", "activity": "A01", "type": "Survey",
         "department": "S03", "title_it": "Indagine", "title_de": "Umfrage",
         "planned_end": "2024-05-31T00:00:00", "expected_value": "0.8", "owner": "  "}
    )  # fmt: skip
    assert (a.year, a.type, a.expected_value) == (2024, ActivityType.SURVEY, 0.8)
    assert a.title == Text("Indagine", de="Umfrage")
    assert a.planned_end == dt.date(2024, 5, 31)  # the first ten characters
    assert a.owner is None
    assert a.planned_start is None
    assert a.expected_kind is None
    assert (
        Plan.from_mapping(
            {"organization": "036023", "year": 2024.0, "version": "2", "status": "approved"}
        ).status
        is PlanStatus.APPROVED
    )


def test_the_fields_read_otherwise_by_the_class() -> None:
    assert Person.from_mapping({"person": "p01", "public": "YES"}).public is True
    assert Person.from_mapping({"person": "p01"}).public is False
    m = Meeting.from_mapping(
        {"organization": "036023", "meeting": "R1", "date": "2024-02-01",
         "participants": "p01; p02;", "title_it": "Rete"}
    )  # fmt: skip
    assert (m.participants, m.title) == (("p01", "p02"), Text("Rete"))
    assert (
        Meeting.from_mapping({"organization": "0", "meeting": "R", "date": "2024-02-01"}).title
        is None
    )


@pytest.mark.parametrize(
    ("row", "field", "words"),
    [
        ({"year": "2024", "department": "S03"}, "employees", "a value is required"),
        ({"year": "2024", "department": "S03", "employees": "4,5"}, "employees", "not a number"),
        ({"year": "2024", "department": "S03", "employees": "4.5"}, "employees", "not a whole"),
        ({"year": "MMXXIV", "department": "S03", "employees": "4"}, "year", "not a number"),
        ({"year": "2024", "department": " ", "employees": "4"}, "department", "required"),
    ],
)
def test_a_bad_cell_names_its_field(row: dict[str, object], field: str, words: str) -> None:
    with pytest.raises(DefinitionError, match=words) as caught:
        StaffCount.from_mapping({"organization": "036023", **row})
    assert caught.value.field == field


def test_a_field_of_a_type_without_reader_is_a_programming_slip() -> None:
    @attrs.frozen
    class Odd(SheetRow):
        when: dt.time

    with pytest.raises(TypeError, match="no reader for a field 'when'"):
        Odd.from_mapping({"when": "10:00"})


@settings(max_examples=30)
@given(
    people=st.integers(0, 10_000),
    hours=st.decimals(0, 1000, places=2, allow_nan=False),
    spaces=st.sampled_from(["", " ", "  "]),
)
def test_a_need_reads_back_what_was_written(people: int, hours: object, spaces: str) -> None:
    row = {"organization": "036023", "year": "2024", "department": "S03", "topic": "privacy",
           "audience": "staff", "people": f"{spaces}{people}{spaces}",
           "hours": str(hours)}  # fmt: skip
    need = TrainingNeed.from_mapping(row)
    assert need.people == people
    assert need.hours == float(str(hours))
    assert need.priority is None
    assert need.reported_by is None


def test_a_sheet_reads_its_cells_as_its_model_declares_them() -> None:
    status = SHEETS["activity_status"]
    assert status.required == {"organization", "year", "activity", "at", "status"}
    assert (status.dates, status.integers, status.numbers) == ({"at"}, {"year"}, {"progress"})
    assert status.choices == {"status": tuple(s.value for s in ActivityStatus)}
    activities = SHEETS["activities"]
    assert "title_it" in activities.required  # a label: its Italian column
    assert activities.choices["expected_operator"] == (">=", "<=")  # given: a str field
    assert set(activities.choices) == {"type", "expected_kind", "expected_operator"}
    assert SHEETS["people"].choices == {"public": ("yes", "no")}  # a flag the class reads


def test_a_new_sheet_takes_its_cells_from_its_model() -> None:
    @attrs.frozen
    class Visit(SheetRow):
        office: str
        day: dt.date
        kind: DepartmentKind | None = None
        minutes: float | None = None
        people: int = 1

    sheet = Sheet("visits", ("office", "day"), ("office", "day", "kind", "minutes", "people"),
                  Visit, Text("Visite"), {})  # fmt: skip
    assert sheet.required == {"office", "day", "people"}
    assert (sheet.dates, sheet.numbers, sheet.integers) == ({"day"}, {"minutes"}, {"people"})
    assert sheet.choices == {"kind": ("settore", "servizio", "ufficio")}
    assert sheet.text_columns == ["office", "kind"]


@pytest.mark.parametrize("blank", ["", "   ", None])
def test_a_text_field_is_not_blank_however_the_value_is_built(blank: object) -> None:
    with pytest.raises(DefinitionError, match="a value is required") as caught:
        StaffCount("036023", 2024, blank, 40)  # type: ignore[arg-type]
    assert caught.value.field == "department"
    with pytest.raises(DefinitionError) as caught:
        Person(blank)  # type: ignore[arg-type]
    assert caught.value.field == "person"
    assert Person("p01", name=None).name is None  # an optional text may be missing


def test_every_text_field_of_every_sheet_is_checked() -> None:
    sheets = {name: read_sheet(FOLDER / f"{name}.csv", name) for name in SHEETS}
    with ProgrammeStore(":memory:") as store:
        store.import_sheets(sheets, by="ufficio.qualita", at=AT)
        first = {n: s.model.from_mapping(store._text_table(n).iloc[0].to_dict())
                 for n, s in SHEETS.items()}  # fmt: skip
    checked = 0
    for name, value in first.items():
        for field in attrs.fields(type(value)):
            if field.type != "str":
                continue
            with pytest.raises(DefinitionError, match="a value is required") as caught:
                attrs.evolve(value, **{field.name: " "})
            assert caught.value.field == field.name, (name, field.name)
            checked += 1
    assert checked == 49
