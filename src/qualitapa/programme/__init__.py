"""The quality programme of a city (issue 19): departments, referents, the annual plan.

The model (:class:`Department`, :class:`Person`, :class:`Role`,
:class:`Plan`, :class:`Activity`, :class:`StatusChange`, :class:`Meeting`,
:class:`MeetingAction`), the sheets an office keeps them in
(:data:`SHEETS`, :func:`check_sheet`, :func:`read_sheet`), the durable
store with its history (:class:`ProgrammeStore`), the monitoring of the plan
(:func:`progress`, :func:`expected_vs_obtained`, :func:`results_in_words`)
and the annual report (:func:`annual_report`).
"""

from qualitapa.programme._catalog import departments_from_catalog
from qualitapa.programme._files import write_template
from qualitapa.programme._models import (
    LABELS,
    Activity,
    ActivityStatus,
    ActivityType,
    Department,
    DepartmentKind,
    ExpectedKind,
    Meeting,
    MeetingAction,
    Milestone,
    Person,
    Plan,
    PlanStatus,
    Role,
    RoleKind,
    StatusChange,
)
from qualitapa.programme._monitoring import (
    ACTIVITY_STATUSES,
    DEPARTMENT_PROGRESS_COLUMNS,
    EXPECTED_COLUMNS,
    PROGRESS_COLUMNS,
    Outcome,
    expected_vs_obtained,
    overdue,
    progress,
    progress_by_department,
)
from qualitapa.programme._report import annual_report, write_annual_report
from qualitapa.programme._sheets import (
    SHEETS,
    Sheet,
    check_sheet,
    empty_sheet,
    read_sheet,
    sheet_names,
)
from qualitapa.programme._store import CONFLICT_KINDS, ImportReport, ProgrammeStore
from qualitapa.programme._words import INDEX_POINTS, results_in_words

__all__ = [
    "ACTIVITY_STATUSES",
    "CONFLICT_KINDS",
    "DEPARTMENT_PROGRESS_COLUMNS",
    "EXPECTED_COLUMNS",
    "INDEX_POINTS",
    "LABELS",
    "PROGRESS_COLUMNS",
    "SHEETS",
    "Activity",
    "ActivityStatus",
    "ActivityType",
    "Department",
    "DepartmentKind",
    "ExpectedKind",
    "ImportReport",
    "Meeting",
    "MeetingAction",
    "Milestone",
    "Outcome",
    "Person",
    "Plan",
    "PlanStatus",
    "ProgrammeStore",
    "Role",
    "RoleKind",
    "Sheet",
    "StatusChange",
    "annual_report",
    "check_sheet",
    "departments_from_catalog",
    "empty_sheet",
    "expected_vs_obtained",
    "overdue",
    "progress",
    "progress_by_department",
    "read_sheet",
    "results_in_words",
    "sheet_names",
    "write_annual_report",
    "write_template",
]
