"""The quality programme of a city (issue 19): departments, referents, the annual plan.

The model (:class:`Department`, :class:`Person`, :class:`Role`,
:class:`Plan`, :class:`Activity`, :class:`StatusChange`, :class:`Meeting`,
:class:`MeetingAction`), the sheets an office keeps them in
(:data:`SHEETS`, :func:`check_sheet`, :func:`read_sheet`), the durable
store with its history (:class:`ProgrammeStore`), the monitoring of the plan
(:func:`progress`, :func:`expected_vs_obtained`, :func:`results_in_words`)
and the annual report (:func:`annual_report`). Training (issue 20): needs,
courses, sessions, attendance and headcount sheets, hours per employee
(:func:`training_hours`), needs against training delivered
(:func:`needs_vs_delivered`) and the personnel plugin's variables
(:func:`training_variables`). Certified services (issue 20): certificates,
audits and findings, their alerts on a date (:func:`certification_alerts`)
and corrective actions for the improvement plan
(:func:`actions_from_findings`). Good practices (issue 20): the register
and the practices of the cities that do better on a city's worst benchmark
gaps (:func:`suggest_practices`). Every code of the programme carries its
labels (:class:`LabelledEnum`, :func:`label_of`).
"""

from qualitapa._labelling import LabelledEnum
from qualitapa.programme._catalog import departments_from_catalog
from qualitapa.programme._certification import (
    ALERT_COLUMNS,
    CERTIFICATION_LABELS,
    AlertKind,
    Audit,
    AuditKind,
    CertificateStatus,
    Certification,
    Finding,
    FindingKind,
    actions_from_findings,
    certification_alerts,
)
from qualitapa.programme._files import write_template
from qualitapa.programme._models import (
    LABELS,
    Activity,
    ActivityStatus,
    ActivityType,
    Completion,
    Department,
    DepartmentKind,
    ExpectedKind,
    LabelTable,
    Meeting,
    MeetingAction,
    Milestone,
    Person,
    Plan,
    PlanStatus,
    Role,
    RoleKind,
    StatusChange,
    label_of,
    programme_codes,
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
from qualitapa.programme._practices import (
    SUGGESTION_COLUMNS,
    Practice,
    suggest_practices,
)
from qualitapa.programme._report import annual_report, write_annual_report
from qualitapa.programme._report_sections import alert_timing
from qualitapa.programme._sheets import (
    SHEETS,
    Sheet,
    check_sheet,
    empty_sheet,
    read_sheet,
    sheet_names,
)
from qualitapa.programme._store import CONFLICT_KINDS, ImportReport, ProgrammeStore
from qualitapa.programme._training import (
    COURSE_HOURS_COLUMNS,
    NEEDS_COLUMNS,
    TRAINING_HOURS_COLUMNS,
    TRAINING_LABELS,
    Attendance,
    Audience,
    Course,
    CourseKind,
    CourseSession,
    NeedStatus,
    Priority,
    StaffCount,
    TrainingNeed,
    attended_hours,
    course_hours,
    needs_vs_delivered,
    training_hours,
    training_variables,
)
from qualitapa.programme._words import INDEX_POINTS, results_in_words

__all__ = [
    "ACTIVITY_STATUSES",
    "ALERT_COLUMNS",
    "CERTIFICATION_LABELS",
    "CONFLICT_KINDS",
    "COURSE_HOURS_COLUMNS",
    "DEPARTMENT_PROGRESS_COLUMNS",
    "EXPECTED_COLUMNS",
    "INDEX_POINTS",
    "LABELS",
    "NEEDS_COLUMNS",
    "PROGRESS_COLUMNS",
    "SHEETS",
    "SUGGESTION_COLUMNS",
    "TRAINING_HOURS_COLUMNS",
    "TRAINING_LABELS",
    "Activity",
    "ActivityStatus",
    "ActivityType",
    "AlertKind",
    "Attendance",
    "Audience",
    "Audit",
    "AuditKind",
    "CertificateStatus",
    "Certification",
    "Completion",
    "Course",
    "CourseKind",
    "CourseSession",
    "Department",
    "DepartmentKind",
    "ExpectedKind",
    "Finding",
    "FindingKind",
    "ImportReport",
    "LabelTable",
    "LabelledEnum",
    "Meeting",
    "MeetingAction",
    "Milestone",
    "NeedStatus",
    "Outcome",
    "Person",
    "Plan",
    "PlanStatus",
    "Practice",
    "Priority",
    "ProgrammeStore",
    "Role",
    "RoleKind",
    "Sheet",
    "StaffCount",
    "StatusChange",
    "TrainingNeed",
    "actions_from_findings",
    "alert_timing",
    "annual_report",
    "attended_hours",
    "certification_alerts",
    "check_sheet",
    "course_hours",
    "departments_from_catalog",
    "empty_sheet",
    "expected_vs_obtained",
    "label_of",
    "needs_vs_delivered",
    "overdue",
    "programme_codes",
    "progress",
    "progress_by_department",
    "read_sheet",
    "results_in_words",
    "sheet_names",
    "suggest_practices",
    "training_hours",
    "training_variables",
    "write_annual_report",
    "write_template",
]
