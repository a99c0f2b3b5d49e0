"""Certified services: certificates, audits, findings; their alerts and corrective actions.

A service may be certified (e.g. ISO 9001:2015): the ``certifications``
sheet holds each certificate, ``audits`` the certification, surveillance,
recertification and internal audits, ``findings`` what the audits found
(major and minor non-conformities, observations, opportunities) with the
corrective action, its owner, due date and closure.

:func:`certification_alerts` says what needs attention on a date (a
certificate expiring or expired, a surveillance audit overdue, a corrective
action overdue, a major non-conformity open); :func:`actions_from_findings`
turns the open non-conformities into improvement actions
(:data:`qualitapa.improvement.ACTION_COLUMNS`).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping

import attrs
import numpy as np
import pandas as pd

from qualitapa.errors import DataError, DefinitionError
from qualitapa.i18n import Translator
from qualitapa.improvement import ACTION_COLUMNS, prioritise, texts_in_languages
from qualitapa.io import require_columns
from qualitapa.models import Text
from qualitapa.problems import Problems, Rule
from qualitapa.programme._join import left_join
from qualitapa.programme._models import LabelledEnum, LabelTable, SheetRow


class CertificateStatus(LabelledEnum):
    """Where a certificate stands (as the certification body's register says)."""

    VALID = "valid", Text("valido", en="valid", de="gültig")
    SUSPENDED = "suspended", Text("sospeso", en="suspended", de="ausgesetzt")
    WITHDRAWN = "withdrawn", Text("revocato", en="withdrawn", de="entzogen")
    EXPIRED = "expired", Text("scaduto", en="expired", de="abgelaufen")


class AuditKind(LabelledEnum):
    """What an audit is: the body's certification, surveillance, recertification; or internal."""

    CERTIFICATION = (
        "certification",
        Text("audit di certificazione", en="certification audit", de="Zertifizierungsaudit"),
    )
    SURVEILLANCE = (
        "surveillance",
        Text("audit di sorveglianza", en="surveillance audit", de="Überwachungsaudit"),
    )
    RECERTIFICATION = (
        "recertification",
        Text("audit di rinnovo", en="recertification audit", de="Rezertifizierungsaudit"),
    )
    INTERNAL = "internal", Text("audit interno", en="internal audit", de="internes Audit")


class FindingKind(LabelledEnum):
    """What an audit found."""

    MAJOR_NC = (
        "major_nc",
        Text("non conformità maggiore", en="major nonconformity", de="Hauptabweichung"),
    )
    MINOR_NC = (
        "minor_nc",
        Text("non conformità minore", en="minor nonconformity", de="Nebenabweichung"),
    )
    OBSERVATION = "observation", Text("osservazione", en="observation", de="Beobachtung")
    OPPORTUNITY = (
        "opportunity",
        Text(
            "opportunità di miglioramento",
            en="opportunity for improvement",
            de="Verbesserungspotenzial",
        ),
    )

    @property
    def is_nonconformity(self) -> bool:
        """A major or minor non-conformity (it needs a corrective action)."""
        return self in (FindingKind.MAJOR_NC, FindingKind.MINOR_NC)


class AlertKind(LabelledEnum):
    """What a certification alert is about, most severe first (the ``severity`` order)."""

    EXPIRED = (
        "expired",
        Text("certificato scaduto", en="certificate expired", de="Zertifikat abgelaufen"),
    )
    MAJOR_NC_OPEN = (
        "major_nc_open",
        Text(
            "non conformità maggiore aperta",
            en="major nonconformity open",
            de="Hauptabweichung offen",
        ),
    )
    SURVEILLANCE_OVERDUE = (
        "surveillance_overdue",
        Text(
            "audit di sorveglianza scaduto",
            en="surveillance audit overdue",
            de="Überwachungsaudit überfällig",
        ),
    )
    ACTION_OVERDUE = (
        "action_overdue",
        Text(
            "azione correttiva in ritardo",
            en="corrective action overdue",
            de="Korrekturmaßnahme überfällig",
        ),
    )
    EXPIRING = (
        "expiring",
        Text("certificato in scadenza", en="certificate expiring", de="Zertifikat läuft ab"),
    )

    @property
    def severity(self) -> int:
        """1 for the most severe kind, then 2, 3...: the order of :class:`AlertKind`."""
        return list(AlertKind).index(self) + 1


#: Italian (required), German and English labels of the certification codes
#: (each member carries its own: ``AuditKind.INTERNAL.label``).
CERTIFICATION_LABELS: Mapping[enum.StrEnum, Text] = LabelTable(
    CertificateStatus, AuditKind, FindingKind, AlertKind
)


def _expires_not_before_issued(
    instance: Certification, attribute: attrs.Attribute[dt.date], value: dt.date
) -> None:
    if value < instance.issued:
        raise DefinitionError(
            f"expires {value} is before issued {instance.issued}", field="expires"
        )


@attrs.frozen
class Certification(SheetRow):
    """A certificate of a service: standard, scope, body, number, issue and expiry.

    Examples
    --------
    >>> c = Certification.from_mapping({"organization": "036023", "certificate": "C1",
    ...     "department": "PM", "standard": "ISO 9001:2015", "issued": "2022-01-10",
    ...     "expires": "2025-01-09", "status": "valid"})
    >>> c.standard, c.expires, c.status.value
    ('ISO 9001:2015', datetime.date(2025, 1, 9), 'valid')
    """

    organization: str
    certificate: str
    standard: str
    issued: dt.date
    expires: dt.date = attrs.field(validator=_expires_not_before_issued)
    status: CertificateStatus
    department: str | None = None
    service: str | None = None
    scope: str | None = None
    body: str | None = None
    number: str | None = None
    first_issued: dt.date | None = None

    @property
    def label(self) -> Text:
        """The status's label in Italian, German and English."""
        return self.status.label


@attrs.frozen
class Audit(SheetRow):
    """An audit of a certificate: certification, surveillance, recertification or internal.

    Examples
    --------
    >>> a = Audit.from_mapping({"organization": "036023", "audit": "AU24",
    ...     "certificate": "C1", "kind": "surveillance", "date": "2024-03-05"})
    >>> a.kind.value, a.date
    ('surveillance', datetime.date(2024, 3, 5))
    """

    organization: str
    audit: str
    certificate: str
    kind: AuditKind
    date: dt.date
    body: str | None = None
    activity: str | None = None


@attrs.frozen
class Finding(SheetRow):
    """What an audit found, with its corrective action, owner, due date and closure.

    Examples
    --------
    >>> f = Finding.from_mapping({"organization": "036023", "audit": "AU24",
    ...     "finding": "1", "kind": "minor_nc", "clause": "7.5", "due": "2024-06-30"})
    >>> f.kind.is_nonconformity, f.closed is None
    (True, True)
    """

    organization: str
    audit: str
    finding: str
    kind: FindingKind
    clause: str | None = None
    text: str | None = None
    action: str | None = None
    owner: str | None = None
    due: dt.date | None = None
    closed: dt.date | None = None


#: Columns of :func:`certification_alerts`.
ALERT_COLUMNS = (
    "organization",
    "certificate",
    "department",
    "service",
    "standard",
    "kind",
    "severity",
    "date",
    "days_left",
    "days_late",
    "audit",
    "finding",
    "owner",
)

_CERTIFICATION_COLUMNS = ("organization", "certificate", "issued", "expires", "status")
_AUDIT_COLUMNS = ("organization", "audit", "certificate", "kind", "date")
_FINDING_COLUMNS = ("organization", "audit", "finding", "kind", "due", "closed")
_EXTERNAL = (AuditKind.CERTIFICATION, AuditKind.SURVEILLANCE, AuditKind.RECERTIFICATION)
_IN_FORCE = (CertificateStatus.VALID, CertificateStatus.SUSPENDED)


def _dates(frame: pd.DataFrame, column: str, sheet: str) -> pd.Series[pd.Timestamp]:
    """``column`` as ``datetime64`` (ISO text or dates); cells that are not dates raise."""
    values = frame[column]
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.dt.tz_localize(None) if values.dt.tz is not None else values
    text = values.astype(object).where(values.notna(), None)
    read = pd.to_datetime(text, format="ISO8601", errors="coerce")
    bad = (text.notna() & read.isna()).to_numpy(dtype=bool)
    if bad.any():
        problems = Problems(source=f"sheet {sheet!r}", what=sheet)
        problems.add(bad, column=column, value=text.to_numpy(dtype=object),
                     rule=Rule.NOT_A_DATE,
                     message="not a date: check the sheet first (check_sheet) or write "
                     "2024-01-31")  # fmt: skip
        raise problems.to_error()
    return read


def _codes(
    frame: pd.DataFrame, column: str, sheet: str, allowed: type[enum.StrEnum]
) -> pd.Series[str]:
    """``column`` as lower-case codes of ``allowed``; other values raise (naming the rows)."""
    codes = frame[column].astype(object).map(lambda v: str(v).strip().lower() if pd.notna(v) else v)
    valid = {e.value for e in allowed}
    bad = (codes.notna() & ~codes.isin(valid)).to_numpy(dtype=bool)
    if bad.any():
        problems = Problems(source=f"sheet {sheet!r}", what=sheet)
        problems.add(bad, column=column, value=frame[column].to_numpy(dtype=object),
                     rule=Rule.UNKNOWN_CODE,
                     message=f"not one of {', '.join(sorted(valid))}")  # fmt: skip
        raise problems.to_error()
    return codes


def _as_of(as_of: dt.date | str | pd.Timestamp) -> pd.Timestamp:
    try:
        day = pd.Timestamp(as_of)
    except (TypeError, ValueError):
        raise DataError(f"as_of {as_of!r} is not a date (write 2024-10-15)") from None
    if pd.isna(day):
        raise DataError("as_of is required: the day the alerts are computed for")
    return day.normalize().tz_localize(None) if day.tzinfo is not None else day.normalize()


def _text_of(frame: pd.DataFrame, column: str) -> pd.Series[str]:
    if column not in frame.columns:
        return pd.Series([None] * len(frame), index=frame.index, dtype=object)
    values = frame[column].astype(object)
    return values.where(values.notna(), None)


def _findings_joined(
    certs: pd.DataFrame, audits: pd.DataFrame, findings: pd.DataFrame
) -> pd.DataFrame:
    """The findings with their audit (date, certificate, activity) and certificate."""
    f = pd.DataFrame(
        {
            "organization": findings["organization"].astype(str).to_numpy(),
            "audit": findings["audit"].astype(str).to_numpy(),
            "finding": findings["finding"].astype(str).to_numpy(),
            "finding_kind": _codes(findings, "kind", "findings", FindingKind).to_numpy(),
            "due": _dates(findings, "due", "findings").to_numpy(),
            "closed": _dates(findings, "closed", "findings").to_numpy(),
            "owner": _text_of(findings, "owner").to_numpy(),
            "clause": _text_of(findings, "clause").to_numpy(),
            "text": _text_of(findings, "text").to_numpy(),
            "action": _text_of(findings, "action").to_numpy(),
        }
    )
    a = pd.DataFrame(
        {
            "organization": audits["organization"].astype(str).to_numpy(),
            "audit": audits["audit"].astype(str).to_numpy(),
            "certificate": audits["certificate"].astype(str).to_numpy(),
            "audit_date": _dates(audits, "date", "audits").to_numpy(),
            "activity": _text_of(audits, "activity").to_numpy(),
        }
    )
    c = certs[["organization", "certificate", "department", "service", "standard"]]
    out = left_join(f, a, ["organization", "audit"])
    return left_join(out, c, ["organization", "certificate"])


def _certificates(certifications: pd.DataFrame) -> pd.DataFrame:
    c = certifications
    return pd.DataFrame(
        {
            "organization": c["organization"].astype(str).to_numpy(),
            "certificate": c["certificate"].astype(str).to_numpy(),
            "department": _text_of(c, "department").to_numpy(),
            "service": _text_of(c, "service").to_numpy(),
            "standard": _text_of(c, "standard").to_numpy(),
            "issued": _dates(c, "issued", "certifications").to_numpy(),
            "expires": _dates(c, "expires", "certifications").to_numpy(),
            "status": _codes(c, "status", "certifications", CertificateStatus).to_numpy(),
        }
    )


def _days(
    later: pd.Series[pd.Timestamp] | pd.Timestamp, earlier: pd.Series[pd.Timestamp] | pd.Timestamp
) -> pd.Series[int]:
    return pd.Series((later - earlier) // pd.Timedelta(days=1)).astype("Int64")


def certification_alerts(
    certifications: pd.DataFrame,
    audits: pd.DataFrame,
    findings: pd.DataFrame,
    *,
    as_of: dt.date | str | pd.Timestamp,
    warn_days: int = 90,
) -> pd.DataFrame:
    """What needs attention on the certified services on ``as_of``, most severe first.

    Rules (one row per alert, :class:`AlertKind`):

    * ``expired``: a certificate the register still says ``valid`` or
      ``suspended`` whose expiry date is before ``as_of``; ``days_late``
      days since it expired (a certificate marked ``expired`` or
      ``withdrawn`` is no longer held and gives no alert);
    * ``major_nc_open``: a major non-conformity not closed on ``as_of``
      (no closing date, or a later one); ``days_late`` days since its
      audit;
    * ``surveillance_overdue``: a ``valid`` certificate with no external
      audit (certification, surveillance, recertification; internal audits
      do not count) in the 12 months up to ``as_of``: the later of its
      last external audit and its issue date, plus one year, is before
      ``as_of`` (ISO/IEC 17021-1 asks for surveillance at least once a
      calendar year); ``date`` is that deadline, ``days_late`` the days
      since;
    * ``action_overdue``: a finding's corrective action due before
      ``as_of`` and not closed on ``as_of``; ``days_late`` days since the
      due date;
    * ``expiring``: a ``valid`` or ``suspended`` certificate expiring on
      ``as_of`` or within ``warn_days`` days after it (the limit
      included); ``days_left`` days to the expiry date.

    Findings of audits dated after ``as_of`` are not looked at.

    Parameters
    ----------
    certifications, audits, findings
        The ``certifications``, ``audits`` and ``findings`` sheets
        (:meth:`ProgrammeStore.table`, or their canonical text); not changed.
    as_of
        The day the alerts are for.
    warn_days
        How many days before the expiry a certificate is ``expiring``.

    Returns
    -------
    DataFrame
        :data:`ALERT_COLUMNS`: ``organization, certificate, department,
        service, standard``; ``kind`` (:class:`AlertKind` code),
        ``severity`` (1 = most severe: the order of :class:`AlertKind`);
        ``date`` (expiry, deadline or due date; the audit's date for an
        open major non-conformity); ``days_left``, ``days_late`` (whole
        days, missing where they do not apply); ``audit``, ``finding``,
        ``owner`` for the alerts about a finding. Sorted by severity, then
        most days late, fewest days left, then organization, certificate,
        audit, finding.

    Raises
    ------
    DataError
        A column is missing, a date or a code is not one (naming the sheet,
        row and column), ``as_of`` is not a date or ``warn_days`` is negative.

    Examples
    --------
    >>> certs = pd.DataFrame({"organization": ["036023"], "certificate": ["C1"],
    ...     "standard": ["ISO 9001:2015"], "issued": ["2024-01-01"],
    ...     "expires": ["2024-12-31"], "status": ["valid"]})
    >>> audits = pd.DataFrame({"organization": ["036023"], "audit": ["AU1"],
    ...     "certificate": ["C1"], "kind": ["surveillance"], "date": ["2024-03-01"]})
    >>> findings = pd.DataFrame({"organization": ["036023"], "audit": ["AU1"],
    ...     "finding": ["1"], "kind": ["minor_nc"], "due": ["2024-06-30"], "closed": [None]})
    >>> a = certification_alerts(certs, audits, findings, as_of="2024-10-15")
    >>> a[["kind", "severity", "days_left", "days_late"]]
                 kind  severity  days_left  days_late
    0  action_overdue         4       <NA>        107
    1        expiring         5         77       <NA>
    """
    if isinstance(warn_days, bool) or not isinstance(warn_days, int | np.integer) or warn_days < 0:
        raise DataError(f"warn_days must be a whole number of days, at least 0, not {warn_days!r}")
    day = _as_of(as_of)
    require_columns(certifications, _CERTIFICATION_COLUMNS, source="certifications")
    require_columns(audits, _AUDIT_COLUMNS, source="audits")
    require_columns(findings, _FINDING_COLUMNS, source="findings")
    certs = _certificates(certifications)
    parts = [
        _certificate_alerts(certs, day, int(warn_days)),
        _surveillance_alerts(certs, audits, day),
        _finding_alerts(_findings_joined(certs, audits, findings), day),
    ]
    out = pd.concat([p for p in parts if len(p)] or [parts[0]], ignore_index=True)
    out["severity"] = out["kind"].map({k.value: k.severity for k in AlertKind}).astype(int)
    out = out.assign(_late=out["days_late"].fillna(-1), _left=out["days_left"].fillna(0))
    out = out.sort_values(
        ["severity", "_late", "_left", "organization", "certificate", "audit", "finding"],
        ascending=[True, False, True, True, True, True, True],
        kind="stable",
        na_position="last",
    )
    out = out[list(ALERT_COLUMNS)].reset_index(drop=True)
    out["days_left"] = out["days_left"].astype("Int64")
    out["days_late"] = out["days_late"].astype("Int64")
    out["date"] = pd.to_datetime(out["date"])
    return out


def _alert_frame(
    base: pd.DataFrame, kind: AlertKind, date: pd.Series[pd.Timestamp], *, left: object = None,
    late: object = None,
) -> pd.DataFrame:  # fmt: skip
    n = len(base)
    empty = pd.Series([pd.NA] * n, index=base.index, dtype="Int64")
    return pd.DataFrame(
        {
            "organization": base["organization"],
            "certificate": base.get("certificate", pd.Series([None] * n, index=base.index)),
            "department": base["department"],
            "service": base["service"],
            "standard": base["standard"],
            "kind": kind.value,
            "date": date,
            "days_left": empty if left is None else left,
            "days_late": empty if late is None else late,
            "audit": base.get("audit"),
            "finding": base.get("finding"),
            "owner": base.get("owner"),
        },
        index=base.index,
    )


def _certificate_alerts(certs: pd.DataFrame, day: pd.Timestamp, warn_days: int) -> pd.DataFrame:
    held = certs["status"].isin([s.value for s in _IN_FORCE]) & certs["expires"].notna()
    left = _days(certs["expires"], day)
    expired = certs[held & (left < 0)]
    expiring = certs[held & (left >= 0) & (left <= warn_days)]
    return pd.concat(
        [
            _alert_frame(expired, AlertKind.EXPIRED, expired["expires"], late=-left[expired.index]),
            _alert_frame(expiring, AlertKind.EXPIRING, expiring["expires"],
                         left=left[expiring.index]),
        ],
        ignore_index=True,
    )  # fmt: skip


def _surveillance_alerts(
    certs: pd.DataFrame, audits: pd.DataFrame, day: pd.Timestamp
) -> pd.DataFrame:
    kind = _codes(audits, "kind", "audits", AuditKind)
    date = _dates(audits, "date", "audits")
    external = (kind.isin([k.value for k in _EXTERNAL]) & (date <= day)).to_numpy(dtype=bool)
    last = (
        pd.DataFrame(
            {
                "organization": audits["organization"].astype(str).to_numpy()[external],
                "certificate": audits["certificate"].astype(str).to_numpy()[external],
                "last": date.to_numpy()[external],
            }
        )
        .groupby(["organization", "certificate"], as_index=False)["last"]
        .max()
    )
    valid = certs[certs["status"].eq(CertificateStatus.VALID.value) & (certs["expires"] >= day)]
    joined = valid.merge(last, on=["organization", "certificate"], how="left")
    since = joined[["last", "issued"]].max(axis=1)
    deadline = since + pd.DateOffset(years=1)
    late = _days(day, deadline)
    overdue = joined[(late > 0).fillna(False).to_numpy(dtype=bool)]
    return _alert_frame(overdue, AlertKind.SURVEILLANCE_OVERDUE, deadline[overdue.index],
                        late=late[overdue.index])  # fmt: skip


def _finding_alerts(joined: pd.DataFrame, day: pd.Timestamp) -> pd.DataFrame:
    seen = (joined["audit_date"].isna() | (joined["audit_date"] <= day)).to_numpy(dtype=bool)
    open_ = (joined["closed"].isna() | (joined["closed"] > day)).to_numpy(dtype=bool)
    f = joined[seen & open_]
    major = f[f["finding_kind"].eq(FindingKind.MAJOR_NC.value)]
    due = f[(f["due"] < day).to_numpy(dtype=bool)]
    return pd.concat(
        [
            _alert_frame(major, AlertKind.MAJOR_NC_OPEN, major["audit_date"],
                         late=_days(day, major["audit_date"])),
            _alert_frame(due, AlertKind.ACTION_OVERDUE, due["due"], late=_days(day, due["due"])),
        ],
        ignore_index=True,
    )  # fmt: skip


#: The texts of the actions from findings: a corrective action to write (when the office
#: wrote none), its expected effect and its evidence (the audit and the finding's words).
_CORRECT = Text("Correggere la {kind} {finding}{clause}", "Correct {kind} {finding}{clause}",
                "{kind} {finding}{clause} beheben")  # fmt: skip
_CLAUSE = Text(" (punto {clause})", " (clause {clause})", " (Abschnitt {clause})")
_CLOSE = Text("chiudere la {kind}", "close the {kind}", "die {kind} schließen")
_AUDIT = Text("audit {audit}: {text}", "audit {audit}: {text}", "Audit {audit}: {text}")


def _fixed(t: Translator, kind: FindingKind, finding: str, clause: str) -> str:
    """The title of a corrective action nobody wrote, in ``t``'s language."""
    where = t.text(_CLAUSE).format(clause=clause) if clause else ""
    return t.text(_CORRECT).format(kind=t.text(kind.label), finding=finding, clause=where)


def actions_from_findings(
    findings: pd.DataFrame,
    audits: pd.DataFrame,
    certifications: pd.DataFrame,
    *,
    as_of: dt.date | str | pd.Timestamp | None = None,
    effort: int = 3,
) -> pd.DataFrame:
    """Improvement actions for the open non-conformities of the audits.

    One action per major or minor non-conformity open on ``as_of`` (no
    closing date, or a later one) of an audit dated on or before it;
    observations and opportunities are not actions. The action carries
    the finding's corrective action, owner and due date, the
    certificate's ``department`` and the audit's ``activity`` of the
    annual plan (blank when the audit names none), so it joins the
    improvement plan (:func:`qualitapa.improvement.combine_actions`).

    Rules: ``impact`` 5 for a major non-conformity (the certificate is at
    risk: the body may suspend it), 3 for a minor one; ``urgency`` 5 when
    the due date is before ``as_of`` (or, without ``as_of``, today), 4
    otherwise (a date promised to the certification body); ``source`` is
    ``certification``; ``id`` is ``nc-{audit}-{finding}-{organization}``.

    Parameters
    ----------
    findings, audits, certifications
        The sheets (:meth:`ProgrammeStore.table` or canonical text).
    as_of
        The day the actions are open on (default: today).
    effort
        Filled into every action (1-5).

    Returns
    -------
    DataFrame
        :data:`qualitapa.improvement.ACTION_COLUMNS`, by priority.

    Examples
    --------
    >>> certs = pd.DataFrame({"organization": ["036023"], "certificate": ["C1"],
    ...     "department": ["PM"], "standard": ["ISO 9001:2015"], "issued": ["2024-01-01"],
    ...     "expires": ["2026-12-31"], "status": ["valid"]})
    >>> audits = pd.DataFrame({"organization": ["036023"], "audit": ["AU1"],
    ...     "certificate": ["C1"], "kind": ["surveillance"], "date": ["2024-03-01"],
    ...     "activity": ["A07"]})
    >>> findings = pd.DataFrame({"organization": "036023", "audit": "AU1",
    ...     "finding": ["1", "2"], "kind": ["major_nc", "observation"], "clause": "8.5",
    ...     "due": "2024-06-30", "closed": None})
    >>> actions_from_findings(findings, audits, certs, as_of="2024-10-15")[
    ...     ["id", "impact", "urgency", "department", "activity"]]
                    id  impact  urgency department activity
    0  nc-AU1-1-036023       5        5         PM      A07
    """
    require_columns(certifications, _CERTIFICATION_COLUMNS, source="certifications")
    require_columns(audits, _AUDIT_COLUMNS, source="audits")
    require_columns(findings, _FINDING_COLUMNS, source="findings")
    day = _as_of(dt.date.today() if as_of is None else as_of)
    joined = _findings_joined(_certificates(certifications), audits, findings)
    nc = joined["finding_kind"].isin([k.value for k in FindingKind if k.is_nonconformity])
    open_ = joined["closed"].isna() | (joined["closed"] > day)
    seen = joined["audit_date"].isna() | (joined["audit_date"] <= day)
    sel = joined[(nc & open_ & seen).to_numpy(dtype=bool)].reset_index(drop=True)
    n = len(sel)
    major = sel["finding_kind"].eq(FindingKind.MAJOR_NC.value).to_numpy(dtype=bool)
    late = (sel["due"] < day).to_numpy(dtype=bool)
    blank = pd.Series([""] * n, dtype=object)

    def text(column: str) -> pd.Series[str]:
        return sel[column].astype(object).where(sel[column].notna(), "") if n else blank

    clause, action, said = text("clause"), text("action"), text("text")
    kinds = [FindingKind(k) for k in sel["finding_kind"]]
    numbers = sel["finding"].astype(str).tolist()

    def titles(t: Translator) -> list[str]:
        # the action the office wrote is its own words, Italian: no English or German title
        return [
            _fixed(t, k, f, str(c)) if not a else a if t.lang == "it" else ""
            for a, k, f, c in zip(action, kinds, numbers, clause, strict=True)
        ]

    frame = pd.DataFrame(
        {
            "id": "nc-" + sel["audit"] + "-" + sel["finding"] + "-" + sel["organization"],
            **texts_in_languages("title", titles),
            "source": "certification",
            "reference": (text("standard") + " " + clause).str.strip(),
            "organization": sel["organization"],
            "owner": text("owner"),
            "due": sel["due"].dt.strftime("%Y-%m-%d").where(sel["due"].notna(), None),
            **texts_in_languages(
                "expected_effect",
                lambda t: [t.text(_CLOSE).format(kind=t.text(k.label)) for k in kinds],
            ),
            "impact": np.where(major, 5, 3),
            "urgency": np.where(late, 5, 4),
            "effort": effort,
            "priority": 0.0,
            "status": "proposed",
            **texts_in_languages(
                "evidence",
                lambda t: [
                    t.text(_AUDIT).format(audit=a, text=x).rstrip(": ")
                    for a, x in zip(sel["audit"].astype(str), said, strict=True)
                ],
            ),
            "department": text("department"),
            "activity": text("activity"),
        },
        columns=ACTION_COLUMNS,
    )
    return prioritise(frame)
