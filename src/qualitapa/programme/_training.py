"""Training of the quality programme: needs, courses, sessions, attendance, headcount.

The typed rows of the training sheets (:class:`TrainingNeed`,
:class:`Course`, :class:`CourseSession`, :class:`Attendance`,
:class:`StaffCount`) and pure, vectorised computations on the sheets as
the store gives them (:meth:`ProgrammeStore.table`) or as read from a file
(:func:`~qualitapa.programme.read_sheet`): nothing is read from or written
to a store.

Rules
-----
* The **year** of an attendance is the year of its session's date.
* The **hours** of an attendance are ``hours_attended``; blank, the
  session's ``hours`` (the person attended the whole session). More hours
  than the session lasted is an error.
* A person is **trained** in a year when they attended at least one hour
  in that year; they are counted once, however many sessions they attended
  (the personnel plugin's ``personnel.staff_trained``).
* **Hours per employee** of a department are its hours over its employees
  (the ``staff`` sheet: headcount per department and year). The
  organization's figure is the ratio of the sums, total hours over total
  employees, not a mean of the departments' ratios; it is NaN when a
  department that trained has no headcount that year (the base would be
  wrong).
* A **course's hours** are the sum of its sessions' hours when it has
  sessions, else the ``hours`` of the ``courses`` sheet.
* A training **need** (department, topic, audience, year) is met by the
  attendance of that department's people in courses of the same topic
  (the same code in both sheets) and audience in that year.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from typing import Final, Literal, TypeVar

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from qualitapa.errors import DefinitionError, Message, said
from qualitapa.i18n import N_, Translator
from qualitapa.models import Text
from qualitapa.problems import Problems, Rule, check_option
from qualitapa.programme._cells import code_texts, texts
from qualitapa.programme._join import left_join
from qualitapa.programme._models import Completion, LabelledEnum, LabelTable, SheetRow


class Audience(LabelledEnum):
    """Who a course or a training need is for."""

    MANAGERS = "managers", Text("dirigenti", en="managers", de="Führungskräfte")
    REFERENTS = (
        "referents",
        Text("referenti della qualità", en="quality referents", de="Qualitätsbeauftragte"),
    )
    STAFF = "staff", Text("personale", en="staff", de="Personal")


class Priority(LabelledEnum):
    """How urgent a training need is."""

    HIGH = "high", Text("alta", en="high", de="hoch")
    MEDIUM = "medium", Text("media", en="medium", de="mittel")
    LOW = "low", Text("bassa", en="low", de="niedrig")


class CourseKind(LabelledEnum):
    """How a course is given."""

    INTERNAL = "internal", Text("interno", en="internal", de="intern")
    EXTERNAL = "external", Text("esterno", en="external", de="extern")
    E_LEARNING = "e_learning", Text("e-learning", en="e-learning", de="E-Learning")


class NeedStatus(LabelledEnum):
    """How far a training need is met (:func:`needs_vs_delivered`)."""

    MET = "met", Text("soddisfatto", en="met", de="erfüllt")
    PARTIAL = "partial", Text("in parte", en="partly met", de="teilweise erfüllt")
    NONE = "none", Text("non soddisfatto", en="not met", de="nicht erfüllt")


#: Italian (required), German and English labels of the training codes
#: (each member carries its own: ``Audience.STAFF.label``).
TRAINING_LABELS: Mapping[enum.StrEnum, Text] = LabelTable(
    Audience, Priority, CourseKind, Completion, NeedStatus
)

N = TypeVar("N", int, float, int | None, float | None)


def _nonnegative(instance: object, attribute: attrs.Attribute[N], value: N) -> None:
    if value is not None and not (isinstance(value, int | float) and value >= 0):
        raise DefinitionError(f"{value!r} is not a number of zero or more", field=attribute.name)


@attrs.frozen
class TrainingNeed(SheetRow):
    """A training need a referent reports: ``people`` of a department, ``hours`` each.

    Examples
    --------
    >>> n = TrainingNeed.from_mapping({"organization": "036023", "year": "2024",
    ...     "department": "S03", "topic": "privacy", "audience": "staff", "people": "12",
    ...     "hours": "4", "priority": "high"})
    >>> n.audience.value, n.hours_needed
    ('staff', 48.0)
    """

    organization: str
    year: int
    department: str
    topic: str
    audience: Audience
    people: int = attrs.field(validator=_nonnegative)
    hours: float = attrs.field(validator=_nonnegative)
    priority: Priority | None = None
    reported_by: str | None = None
    note: str | None = None

    @property
    def hours_needed(self) -> float:
        """People times hours per person."""
        return self.people * self.hours


@attrs.frozen
class Course(SheetRow):
    """A course: its topic and audience, trainer, kind and (planned) hours.

    Examples
    --------
    >>> c = Course.from_mapping({"organization": "036023", "course": "C01",
    ...     "title": "Privacy negli uffici", "topic": "privacy", "audience": "staff",
    ...     "kind": "e_learning", "hours": "6"})
    >>> c.kind.value, c.hours
    ('e_learning', 6.0)
    """

    organization: str
    course: str
    title: str
    topic: str
    audience: Audience
    trainer: str | None = None
    kind: CourseKind | None = None
    hours: float | None = attrs.field(default=None, validator=_nonnegative)


@attrs.frozen
class CourseSession(SheetRow):
    """A session (edition, day) of a course: its date, hours and place.

    Examples
    --------
    >>> s = CourseSession.from_mapping({"organization": "036023", "course": "C01",
    ...     "session": "1", "date": "2024-03-05", "hours": "3"})
    >>> s.date.year, s.hours
    (2024, 3.0)
    """

    organization: str
    course: str
    session: str
    date: dt.date
    hours: float = attrs.field(validator=_nonnegative)
    place: str | None = None


@attrs.frozen
class Attendance(SheetRow):
    """A person's attendance of a session; ``hours_attended`` None: the whole session.

    ``person`` is an employee's code (not a name).

    Examples
    --------
    >>> a = Attendance.from_mapping({"organization": "036023", "course": "C01",
    ...     "session": "1", "person": "e017", "department": "S03", "completed": "yes"})
    >>> a.hours_attended is None, a.completed.value
    (True, 'yes')
    """

    organization: str
    course: str
    session: str
    person: str
    department: str
    hours_attended: float | None = attrs.field(default=None, validator=_nonnegative)
    completed: Completion | None = None


@attrs.frozen
class StaffCount(SheetRow):
    """The employees of a department in a year (headcount at 31 December).

    Examples
    --------
    >>> StaffCount.from_mapping({"organization": "036023", "year": "2024",
    ...     "department": "S03", "employees": "40"}).employees
    40
    """

    organization: str
    year: int
    department: str
    employees: int = attrs.field(validator=_nonnegative)


# -- computations ------------------------------------------------------------------------

#: Columns of :func:`training_hours`, in order.
TRAINING_HOURS_COLUMNS: Final = [
    "organization", "year", "level", "department", "hours", "people_trained", "employees",
    "hours_per_employee", "share_trained",
]  # fmt: skip

#: Columns of :func:`needs_vs_delivered`, in order.
NEEDS_COLUMNS: Final = [
    "organization", "year", "department", "topic", "audience", "priority", "people_needed",
    "hours_per_person", "hours_needed", "people_trained", "hours_delivered", "coverage",
    "status",
]  # fmt: skip

#: Columns of :func:`course_hours`, in order.
COURSE_HOURS_COLUMNS: Final = ["organization", "course", "sessions", "hours", "hours_from"]

By = Literal["department", "organization"]
_Mask = npt.NDArray[np.bool_]


class _Reader:
    """Reads the columns of one sheet, collecting the faults (sheet, row, column)."""

    def __init__(self, frame: pd.DataFrame, name: str) -> None:
        self.frame = frame
        self.name = name
        where = Message("sheet {sheet}", N_("foglio {sheet}"), sheet=repr(name))
        self.problems = Problems(source=where, extras=("sheet",), what=name)

    def add(
        self, bad: _Mask, column: str, rule: Rule, message: Message, value: object = None
    ) -> None:
        if not bad.any():
            return
        if value is None and column in self.frame.columns:
            value = self.frame[column].astype("string").fillna("").to_numpy(dtype=object)
        self.problems.add(bad, column=column, value=value, rule=rule, message=message,
                          sheet=self.name)  # fmt: skip

    def has(self, columns: list[str]) -> bool:
        missing = self.problems.missing_columns(self.frame, columns)
        return not missing

    def text(self, column: str, *, required: bool = True) -> pd.Series[str]:
        """``column`` as stripped text ('' when blank); blanks of a required column added."""
        values = code_texts(self.frame, column)
        if required and column in self.frame.columns:
            self.add((values == "").to_numpy(dtype=bool), column, Rule.REQUIRED, _REQUIRED)
        return values

    def number(
        self, column: str, *, required: bool = True, integer: bool = False
    ) -> pd.Series[float]:
        """``column`` as float (NaN when blank); not numbers, negatives, fractions added."""
        if column not in self.frame.columns:
            return pd.Series(np.nan, index=self.frame.index, dtype=float)
        cells = texts(self.frame, column)
        if not pd.api.types.is_numeric_dtype(self.frame[column]):
            cells = [cell.replace(",", ".") for cell in cells]
        blank = np.array([cell == "" for cell in cells], dtype=bool)
        given = pd.Series([None if cell == "" else cell for cell in cells],
                          index=self.frame.index, dtype=object, name=column)  # fmt: skip
        values = pd.to_numeric(given, errors="coerce").astype(float)
        self.add((values.isna().to_numpy() & ~blank), column, Rule.NOT_A_NUMBER, _NOT_A_NUMBER)
        self.add((values < 0).to_numpy(), column, Rule.NEGATIVE, _NEGATIVE)
        if integer:
            whole = values.isna() | (values == np.floor(values))
            self.add(~whole.to_numpy(), column, Rule.NOT_INTEGER, _NOT_WHOLE)
        if required:
            self.add(blank, column, Rule.REQUIRED, _REQUIRED)
        return values

    def dates(self, column: str) -> pd.Series[pd.Timestamp]:
        """``column`` as dates; blanks and cells that are not dates added."""
        raw = self.frame[column]
        if pd.api.types.is_datetime64_any_dtype(raw):
            parsed = pd.to_datetime(raw)
        else:
            text = raw.astype("string").fillna("").str.strip()
            parsed = pd.to_datetime(text.where(text != ""), format="ISO8601", errors="coerce")
            bad = (parsed.isna() & (text != "")).to_numpy()
            self.add(bad, column, Rule.NOT_A_DATE, _NOT_A_DATE)
        return parsed

    def choice(self, values: pd.Series[str], column: str, allowed: list[str]) -> None:
        """Add the cells of ``values`` (lower case; blank allowed) not among ``allowed``."""
        bad = ((values != "") & ~values.isin(allowed)).to_numpy()
        wrong = Message(
            "not one of {allowed}", N_("non è tra {allowed}"), allowed=", ".join(allowed)
        )
        self.add(bad, column, Rule.UNKNOWN_CODE, wrong)

    def duplicates(self, keys: pd.DataFrame, column: str) -> None:
        repeated = keys.duplicated(keep="first").to_numpy()
        repeats = Message("the key ({keys}) repeats an earlier row",
                          N_("la chiave ({keys}) ripete una riga precedente"),
                          keys=", ".join(keys.columns))  # fmt: skip
        self.add(repeated, column, Rule.DUPLICATE, repeats)

    def done(self) -> None:
        """Raise every fault found, the first one said in the command's language."""
        if not self.problems:
            return
        error = self.problems.to_error()
        first = self.problems.table().iloc[0]  # the error's first problem
        name = self.name

        def render(t: Translator) -> str:
            parts = [t("foglio {sheet}", sheet=repr(name))]
            if error.row is not None:
                parts.append(t("riga {row}", row=error.row))
            if error.column is not None:
                parts.append(t("colonna {column}", column=repr(error.column)))
            text = str(said(first["message"], t))
            if isinstance(first["value"], str) and first["value"]:
                shown = Message(
                    "(value {value})", N_("(valore {value})"), value=repr(first["value"])
                )
                text += f" {said(shown, t)}"
            return ", ".join(parts) + ": " + text

        error.render = render  # type: ignore[method-assign]
        raise error


#: What the training sheets' faults say (English text, Italian msgid).
_REQUIRED = Message("a value is required", N_("manca un valore obbligatorio"))
_NOT_A_NUMBER = Message("not a number", N_("non è un numero"))
_NEGATIVE = Message("a negative number", N_("un numero negativo"))
_NOT_WHOLE = Message("not a whole number", N_("non è un numero intero"))
_NO_SESSION = Message(
    "no such session of this course in the course_sessions sheet",
    N_("il corso non ha questa sessione nel foglio 'course_sessions'"),
)
_TOO_MANY_HOURS = Message(
    "more hours than the session lasted", N_("più ore di quante ne sia durata la sessione")
)
_NO_COURSE = Message(
    "no such course in the courses sheet", N_("corso assente dal foglio 'courses'")
)
_NOT_A_DATE = Message("not a date: write YYYY-MM-DD", N_("non è una data: scrivere AAAA-MM-GG"))


def _sessions(sessions: pd.DataFrame) -> pd.DataFrame:
    read = _Reader(sessions, "course_sessions")
    if not read.has(["organization", "course", "session", "date", "hours"]):
        read.done()
    out = pd.DataFrame(
        {c: read.text(c) for c in ("organization", "course", "session")}, index=sessions.index
    )
    dates = read.dates("date")
    read.add(dates.isna().to_numpy(), "date", Rule.REQUIRED, _REQUIRED)
    out["year"] = dates.dt.year.astype("Int64")
    out["session_hours"] = read.number("hours")
    read.duplicates(out[["organization", "course", "session"]], "session")
    read.done()
    return out.reset_index(drop=True)


def _attendance(attendance: pd.DataFrame, sessions: pd.DataFrame) -> pd.DataFrame:
    """Attendance with its year and hours (blank: the session's); unknown sessions raised."""
    read = _Reader(attendance, "attendance")
    if not read.has(["organization", "course", "session", "person", "department"]):
        read.done()
    keys = ("organization", "course", "session", "person", "department")
    out = pd.DataFrame({c: read.text(c) for c in keys}, index=attendance.index)
    attended = read.number("hours_attended", required=False)
    read.duplicates(out[["organization", "course", "session", "person"]], "person")
    out = out.reset_index(drop=True)
    attended = attended.reset_index(drop=True)
    merged = left_join(out, _sessions(sessions), ["organization", "course", "session"])
    unknown = merged["year"].isna().to_numpy() & (out["session"] != "").to_numpy()
    read.add(unknown, "session", Rule.UNKNOWN_VALUE, _NO_SESSION)
    over = (attended > merged["session_hours"]).to_numpy()
    read.add(over, "hours_attended", Rule.INCONSISTENT, _TOO_MANY_HOURS)
    read.done()
    merged["hours"] = attended.fillna(merged["session_hours"])
    return merged


def _staff(staff: pd.DataFrame) -> pd.DataFrame:
    read = _Reader(staff, "staff")
    if not read.has(["organization", "year", "department", "employees"]):
        read.done()
    out = pd.DataFrame({c: read.text(c) for c in ("organization", "department")})
    out["year"] = read.number("year", integer=True)
    out["employees"] = read.number("employees", integer=True)
    read.duplicates(out[["organization", "year", "department"]], "department")
    read.done()
    out["year"] = out["year"].astype("Int64")
    return out.reset_index(drop=True)[["organization", "year", "department", "employees"]]


def _year_filter(frame: pd.DataFrame, year: int | None) -> pd.DataFrame:
    return frame if year is None else frame[frame["year"] == int(year)]


def attended_hours(
    attendance: pd.DataFrame, sessions: pd.DataFrame, *, year: int | None = None
) -> pd.DataFrame:
    """Each attendance with the year of its session and the hours it counts for.

    The hours are ``hours_attended``, or the session's ``hours`` when blank
    (the rule of :func:`training_hours`, which sums these rows); what
    per-person or per-course views group.

    Parameters
    ----------
    attendance, sessions
        As :func:`training_hours`.
    year
        Only the sessions of this year; None: every year.

    Returns
    -------
    DataFrame
        ``organization, course, session, person, department, year, hours``
        (and the session's ``date`` and ``session_hours``), one row per
        attendance.

    Raises
    ------
    DataError
        A column is missing, a number is not one, an attendance names a
        session the sessions sheet does not have, or lasts longer than it
        (every problem, naming sheet, row and column).

    Examples
    --------
    >>> sessions = pd.DataFrame({"organization": "036023", "course": "C1",
    ...     "session": ["1", "2"], "date": ["2024-03-05", "2025-01-12"], "hours": [3, 4]})
    >>> attendance = pd.DataFrame({"organization": "036023", "course": "C1",
    ...     "session": ["1", "2", "1"], "person": ["e1", "e1", "e2"],
    ...     "department": "S03", "hours_attended": [None, 2, 1.5]})
    >>> attended_hours(attendance, sessions, year=2024)[["person", "year", "hours"]]
      person  year  hours
    0     e1  2024    3.0
    2     e2  2024    1.5
    """
    return _year_filter(_attendance(attendance, sessions), year)


def training_hours(
    attendance: pd.DataFrame,
    sessions: pd.DataFrame,
    staff: pd.DataFrame,
    *,
    year: int | None = None,
    by: By = "department",
) -> pd.DataFrame:
    """Hours of training delivered, people trained and hours per employee.

    Parameters
    ----------
    attendance, sessions, staff
        The sheets ``attendance``, ``course_sessions`` and ``staff`` (as
        :meth:`ProgrammeStore.table` gives them, or as read); not changed.
    year
        Only this year (the year of the sessions' dates); None: every year.
    by
        ``"department"``: a row per department and a total row per
        organization and year; ``"organization"``: the total rows only.

    Returns
    -------
    DataFrame
        Columns :data:`TRAINING_HOURS_COLUMNS`: ``organization``, ``year``,
        ``level`` (``department`` or ``organization``), ``department`` (None
        on a total row), ``hours`` (hours attended), ``people_trained``
        (distinct persons who attended at least one hour), ``employees``
        (the ``staff`` sheet; NaN when missing), ``hours_per_employee``
        (hours / employees) and ``share_trained`` (people trained /
        employees). A total row's figures are ratios of its sums; a person
        is counted once in the total even if listed under two departments.
        Departments with a headcount and no training have 0 hours. Sorted by
        organization, year, then the departments and the total last.

    Raises
    ------
    DataError
        A column missing, a required cell blank, a number or date that is
        not, a negative number, a repeated key, an attendance naming no
        session of its course, more hours attended than the session lasted:
        every such cell listed in ``failure_cases`` (``sheet``, ``row``,
        ``column``).

    Examples
    --------
    >>> sessions = pd.DataFrame({"organization": "036023", "course": "C1",
    ...     "session": ["1", "2"], "date": ["2024-03-05", "2024-03-12"], "hours": [3, 4]})
    >>> attendance = pd.DataFrame({"organization": "036023", "course": "C1",
    ...     "session": ["1", "2", "1"], "person": ["e1", "e1", "e2"],
    ...     "department": ["S03", "S03", "S04"], "hours_attended": [None, 2, None]})
    >>> staff = pd.DataFrame({"organization": "036023", "year": 2024,
    ...     "department": ["S03", "S04"], "employees": [4, 6]})
    >>> training_hours(attendance, sessions, staff)[
    ...     ["department", "hours", "people_trained", "hours_per_employee"]]
      department  hours  people_trained  hours_per_employee
    0        S03    5.0               1                1.25
    1        S04    3.0               1                0.50
    2       None    8.0               2                0.80
    """
    check_option("by", by, ("department", "organization"))
    done = _year_filter(_attendance(attendance, sessions), year)
    heads = _year_filter(_staff(staff), year)
    keys = ["organization", "year", "department"]
    trained = done[done["hours"] > 0]
    per_department = (
        done.groupby(keys, sort=False, observed=True)["hours"].sum().to_frame()
        .join(trained.groupby(keys, sort=False)["person"].nunique().rename("people_trained"))
    )  # fmt: skip
    rows = per_department.reset_index().merge(heads, on=keys, how="outer")
    rows["hours"] = rows["hours"].fillna(0.0)
    rows["people_trained"] = rows["people_trained"].fillna(0).astype("int64")
    rows["level"] = "department"
    org = ["organization", "year"]
    totals = rows.groupby(org, sort=False).agg(
        hours=("hours", "sum"),
        employees=("employees", lambda e: e.sum() if e.notna().all() else np.nan),
    )
    totals["people_trained"] = (
        trained.groupby(org, sort=False)["person"].nunique().reindex(totals.index).fillna(0)
    ).astype("int64")
    totals = totals.reset_index()
    totals["level"] = "organization"
    totals["department"] = None
    both = [rows, totals] if by == "department" else [totals]
    out = pd.concat([f for f in both if len(f)], ignore_index=True) if len(rows) else rows
    out["department"] = out["department"].astype(object)
    out = out.reindex(columns=TRAINING_HOURS_COLUMNS)
    employees = out["employees"].astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["hours_per_employee"] = (out["hours"] / employees).where(employees > 0)
        out["share_trained"] = (out["people_trained"] / employees).where(employees > 0)
    out["employees"] = employees
    out["year"] = out["year"].astype("Int64")
    total_last = (out["level"] == "organization").astype(int)
    order = pd.DataFrame({"o": out["organization"], "y": out["year"], "t": total_last,
                          "d": out["department"].fillna("")})  # fmt: skip
    out = out.loc[order.sort_values(["o", "y", "t", "d"], kind="stable").index]
    out = out.reset_index(drop=True)
    out["department"] = out["department"].where(out["level"] == "department", None)
    return out


def training_variables(
    attendance: pd.DataFrame,
    sessions: pd.DataFrame,
    staff: pd.DataFrame,
    *,
    year: int | None = None,
) -> pd.DataFrame:
    """The personnel plugin's raw variables, computed from the training records.

    ``personnel.training_hours`` (hours attended in the year),
    ``personnel.staff_trained`` (people trained, each once) and
    ``personnel.staff`` (employees: the sum of the ``staff`` sheet) per
    organization and year, as tidy indicator data, so that
    :func:`qualitapa.indicators.compute` gives
    ``personnel.training_hours_per_employee`` and ``personnel.share_trained``
    from the records rather than from numbers typed in twice.
    ``personnel.staff`` is left out of a year in which a department that
    trained has no headcount (the indicators then say ``missing_variable``).

    Parameters
    ----------
    attendance, sessions, staff
        As :func:`training_hours`.
    year
        Only this year; None: every year.

    Returns
    -------
    DataFrame
        ``organization, period, variable, value`` (period: the year).

    Examples
    --------
    >>> sessions = pd.DataFrame({"organization": "036023", "course": "C1",
    ...     "session": ["1"], "date": ["2024-03-05"], "hours": [3]})
    >>> attendance = pd.DataFrame({"organization": "036023", "course": "C1",
    ...     "session": "1", "person": ["e1", "e2"], "department": "S03"})
    >>> staff = pd.DataFrame({"organization": "036023", "year": [2024],
    ...     "department": ["S03"], "employees": [10]})
    >>> training_variables(attendance, sessions, staff)
      organization  period                  variable  value
    0       036023    2024  personnel.training_hours    6.0
    1       036023    2024   personnel.staff_trained    2.0
    2       036023    2024           personnel.staff   10.0
    """
    totals = training_hours(attendance, sessions, staff, year=year, by="organization")
    names = {
        "hours": "personnel.training_hours",
        "people_trained": "personnel.staff_trained",
        "employees": "personnel.staff",
    }
    tidy = totals.melt(id_vars=["organization", "year"], value_vars=list(names),
                       var_name="variable", value_name="value")  # fmt: skip
    tidy = tidy[tidy["value"].notna()]
    tidy["order"] = tidy["variable"].map({k: i for i, k in enumerate(names)})
    tidy = tidy.sort_values(["organization", "year", "order"], kind="stable")
    out = pd.DataFrame(
        {
            "organization": tidy["organization"].astype(object).to_numpy(),
            "period": tidy["year"].astype("int64").to_numpy(),
            "variable": tidy["variable"].map(names).to_numpy(),
            "value": tidy["value"].astype(float).to_numpy(),
        }
    )
    return out


def course_hours(courses: pd.DataFrame, sessions: pd.DataFrame) -> pd.DataFrame:
    """The hours of each course: the sum of its sessions', else the ``courses`` sheet's.

    Parameters
    ----------
    courses, sessions
        The sheets ``courses`` and ``course_sessions``; not changed.

    Returns
    -------
    DataFrame
        Columns :data:`COURSE_HOURS_COLUMNS`: ``organization``, ``course``,
        ``sessions`` (how many), ``hours`` (NaN when neither is given) and
        ``hours_from`` (``sessions``, ``course`` or None), in the order of
        ``courses``.

    Raises
    ------
    DataError
        Cells of either sheet that are not as they should (see
        :func:`training_hours`); a session of a course the ``courses``
        sheet lacks.

    Examples
    --------
    >>> courses = pd.DataFrame({"organization": "036023", "course": ["C1", "C2"],
    ...     "title": ["Privacy", "Qualità"], "topic": ["privacy", "quality"],
    ...     "audience": "staff", "hours": [8, 6]})
    >>> sessions = pd.DataFrame({"organization": "036023", "course": "C1",
    ...     "session": ["1", "2"], "date": ["2024-03-05", "2024-03-12"], "hours": [3, 4]})
    >>> course_hours(courses, sessions)
      organization course  sessions  hours hours_from
    0       036023     C1         2    7.0   sessions
    1       036023     C2         0    6.0     course
    """
    listed = _courses(courses)
    given = _sessions(sessions)
    keys = ["organization", "course"]
    known = pd.MultiIndex.from_frame(listed[keys])
    orphan = ~pd.MultiIndex.from_frame(given[keys]).isin(known)
    if orphan.any():
        read = _Reader(sessions.reset_index(drop=True), "course_sessions")
        read.add(orphan, "course", Rule.UNKNOWN_VALUE, _NO_COURSE)
        read.done()
    if listed.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in COURSE_HOURS_COLUMNS})
    summed = given.groupby(keys, sort=False)["session_hours"].agg(["size", "sum"])
    out = listed[keys].join(summed, on=keys)
    out["sessions"] = out["size"].fillna(0).astype("int64")
    from_sessions = out["sessions"] > 0
    out["hours"] = out["sum"].where(from_sessions, listed["hours"]).astype(float)
    hours_from = pd.Series(None, index=out.index, dtype=object)
    hours_from[out["hours"].notna()] = "course"
    hours_from[from_sessions] = "sessions"
    out["hours_from"] = hours_from
    return out[COURSE_HOURS_COLUMNS].reset_index(drop=True)


def _courses(courses: pd.DataFrame) -> pd.DataFrame:
    read = _Reader(courses, "courses")
    if not read.has(["organization", "course", "topic", "audience"]):
        read.done()
    out = pd.DataFrame({c: read.text(c) for c in ("organization", "course", "topic")})
    audience = read.text("audience").str.lower()
    allowed = [a.value for a in Audience]
    read.choice(audience, "audience", allowed)
    out["audience"] = audience
    out["hours"] = read.number("hours", required=False)
    read.duplicates(out[["organization", "course"]], "course")
    read.done()
    return out.reset_index(drop=True)


def _needs(needs: pd.DataFrame) -> pd.DataFrame:
    read = _Reader(needs, "training_needs")
    columns = ["organization", "year", "department", "topic", "audience", "people", "hours"]
    if not read.has(columns):
        read.done()
    out = pd.DataFrame({c: read.text(c) for c in ("organization", "department", "topic")})
    audience = read.text("audience").str.lower()
    allowed = [a.value for a in Audience]
    read.choice(audience, "audience", allowed)
    out["audience"] = audience
    out["priority"] = read.text("priority", required=False).str.lower().replace("", None)
    out["year"] = read.number("year", integer=True)
    out["people_needed"] = read.number("people", integer=True)
    out["hours_per_person"] = read.number("hours")
    keys = ["organization", "year", "department", "topic", "audience"]
    read.duplicates(out[keys], "audience")
    read.done()
    out["year"] = out["year"].astype("int64")
    out["people_needed"] = out["people_needed"].astype("int64")
    return out.reset_index(drop=True)


def needs_vs_delivered(
    needs: pd.DataFrame,
    courses: pd.DataFrame,
    sessions: pd.DataFrame,
    attendance: pd.DataFrame,
) -> pd.DataFrame:
    """Each training need beside the training its department received.

    A need (organization, year, department, topic, audience) is matched
    with the attendance, that year, of the department's people at courses
    of that topic and audience. ``coverage`` is hours delivered over hours
    needed (people × hours per person), at most 1. ``status`` is ``met``
    when both the hours and the people needed are reached, ``none`` when
    no hour was delivered, else ``partial``.

    Parameters
    ----------
    needs, courses, sessions, attendance
        The sheets ``training_needs``, ``courses``, ``course_sessions`` and
        ``attendance``; not changed.

    Returns
    -------
    DataFrame
        One row per need, columns :data:`NEEDS_COLUMNS`, sorted by
        organization, year, department, topic, audience. Training nobody
        asked for is not here (:func:`training_hours` counts it).

    Raises
    ------
    DataError
        Cells of the sheets that are not as they should (see
        :func:`training_hours`); an attendance at a course the ``courses``
        sheet lacks.

    Examples
    --------
    >>> needs = pd.DataFrame({"organization": "036023", "year": 2024, "department": "S03",
    ...     "topic": ["privacy", "quality"], "audience": "staff", "people": [2, 3],
    ...     "hours": [4, 2]})
    >>> courses = pd.DataFrame({"organization": "036023", "course": ["C1"],
    ...     "title": ["Privacy"], "topic": ["privacy"], "audience": ["staff"]})
    >>> sessions = pd.DataFrame({"organization": "036023", "course": "C1",
    ...     "session": ["1"], "date": ["2024-03-05"], "hours": [4]})
    >>> attendance = pd.DataFrame({"organization": "036023", "course": "C1",
    ...     "session": "1", "person": ["e1", "e2"], "department": "S03"})
    >>> needs_vs_delivered(needs, courses, sessions, attendance)[
    ...     ["topic", "hours_needed", "hours_delivered", "coverage", "status"]]
         topic  hours_needed  hours_delivered  coverage status
    0  privacy           8.0              8.0       1.0    met
    1  quality           6.0              0.0       0.0   none
    """
    wanted = _needs(needs)
    listed = _courses(courses)
    done = _attendance(attendance, sessions)
    keys = ["organization", "course"]
    orphan = ~pd.MultiIndex.from_frame(done[keys]).isin(pd.MultiIndex.from_frame(listed[keys]))
    if orphan.any():
        read = _Reader(attendance.reset_index(drop=True), "attendance")
        read.add(orphan, "course", Rule.UNKNOWN_VALUE, _NO_COURSE)
        read.done()
    done = done.merge(listed[[*keys, "topic", "audience"]], on=keys, how="left")
    done["year"] = done["year"].astype("int64")
    need_keys = ["organization", "year", "department", "topic", "audience"]
    delivered = done.groupby(need_keys, sort=False)["hours"].sum().rename("hours_delivered")
    trained = (
        done[done["hours"] > 0].groupby(need_keys, sort=False)["person"].nunique()
        .rename("people_trained")
    )  # fmt: skip
    out = wanted.join(delivered, on=need_keys).join(trained, on=need_keys)
    out["hours_delivered"] = out["hours_delivered"].fillna(0.0)
    out["people_trained"] = out["people_trained"].fillna(0).astype("int64")
    out["hours_needed"] = out["people_needed"] * out["hours_per_person"]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = out["hours_delivered"] / out["hours_needed"]
    out["coverage"] = ratio.where(out["hours_needed"] > 0).clip(upper=1.0)
    met = (out["hours_delivered"] >= out["hours_needed"]) & (
        out["people_trained"] >= out["people_needed"]
    )
    out["status"] = np.where(
        met, NeedStatus.MET.value,
        np.where(out["hours_delivered"] > 0, NeedStatus.PARTIAL.value, NeedStatus.NONE.value),
    )  # fmt: skip
    out = out.sort_values(need_keys, kind="stable").reset_index(drop=True)
    return out[NEEDS_COLUMNS]
