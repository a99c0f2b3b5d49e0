"""Complaints: lifecycle, durable register, deadlines on Italian calendars, KPIs, Open311."""

from qualitapa.complaints._backlog import backlog
from qualitapa.complaints._calendar import DEFAULT_TZ, WorkCalendar, to_local_dates
from qualitapa.complaints._cases import CASE_COLUMNS, add_deadlines, case_table
from qualitapa.complaints._chain import ChainHead
from qualitapa.complaints._deadlines import DeadlinePolicy, due_dates
from qualitapa.complaints._export import (
    EXPORT_FORMATS,
    ExportFormat,
    export_complaints,
    with_local_times,
)
from qualitapa.complaints._history import EVENT_COLUMNS
from qualitapa.complaints._importing import IMPORT_COLUMNS, OUTCOMES, ImportReport
from qualitapa.complaints._instants import FUTURE_TOLERANCE, instant
from qualitapa.complaints._kpis import AGE_BUCKETS, METRICS, PERIODS, kpis, pareto, trend
from qualitapa.complaints._lifecycle import (
    ACTIONS,
    TRANSITIONS,
    allowed_transitions,
    check_transition,
    current_status,
    path_to,
    replay,
    validate_history,
)
from qualitapa.complaints._migrate import MigrationReport, history_checksums, migrate_register
from qualitapa.complaints._models import (
    Channel,
    Complaint,
    ComplaintCategory,
    Contact,
    DayUnit,
    Deadline,
    Event,
    FeedbackKind,
    Kind,
    Status,
    check_complaint_id,
)
from qualitapa.complaints._open311 import (
    MAX_JSON_DEPTH,
    from_open311,
    open311_requests,
    open311_services,
    to_open311_json,
    to_open311_xml,
)
from qualitapa.complaints._postgres import (
    BackendError,
    PostgresRegister,
    is_postgres_url,
    shown_url,
)
from qualitapa.complaints._privacy import (
    PATTERNS,
    is_placeholder,
    pseudonym,
    pseudonymise,
    redact,
)
from qualitapa.complaints._register import ComplaintRegister
from qualitapa.complaints._schema import SCHEMA_VERSION
from qualitapa.complaints._scope import CategoryScopeError, categories_for

__all__ = [
    "ACTIONS",
    "AGE_BUCKETS",
    "CASE_COLUMNS",
    "DEFAULT_TZ",
    "EVENT_COLUMNS",
    "EXPORT_FORMATS",
    "FUTURE_TOLERANCE",
    "IMPORT_COLUMNS",
    "MAX_JSON_DEPTH",
    "METRICS",
    "OUTCOMES",
    "PATTERNS",
    "PERIODS",
    "SCHEMA_VERSION",
    "TRANSITIONS",
    "BackendError",
    "CategoryScopeError",
    "ChainHead",
    "Channel",
    "Complaint",
    "ComplaintCategory",
    "ComplaintRegister",
    "Contact",
    "DayUnit",
    "Deadline",
    "DeadlinePolicy",
    "Event",
    "ExportFormat",
    "FeedbackKind",
    "ImportReport",
    "Kind",
    "MigrationReport",
    "PostgresRegister",
    "Status",
    "WorkCalendar",
    "add_deadlines",
    "allowed_transitions",
    "backlog",
    "case_table",
    "categories_for",
    "check_complaint_id",
    "check_transition",
    "current_status",
    "due_dates",
    "export_complaints",
    "from_open311",
    "history_checksums",
    "instant",
    "is_placeholder",
    "is_postgres_url",
    "kpis",
    "migrate_register",
    "open311_requests",
    "open311_services",
    "pareto",
    "path_to",
    "pseudonym",
    "pseudonymise",
    "redact",
    "replay",
    "shown_url",
    "to_local_dates",
    "to_open311_json",
    "to_open311_xml",
    "trend",
    "validate_history",
    "with_local_times",
]
