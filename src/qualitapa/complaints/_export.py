"""The complaint table as a document to hand over: CSV or Open311 GeoReport v2.

Instants are written in the office time of each complaint's organization,
with the offset (``2024-02-02T09:30:00+01:00``): never moved to UTC.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, get_args

import pandas as pd

from qualitapa._labelling import label_columns
from qualitapa._zones import zones_of
from qualitapa.complaints._instants import localise
from qualitapa.complaints._open311 import open311_requests, to_open311_json, to_open311_xml
from qualitapa.complaints._privacy import pseudonymise
from qualitapa.errors import OptionError
from qualitapa.i18n import check_language
from qualitapa.models import DEFAULT_TIMEZONE

if TYPE_CHECKING:
    from qualitapa.catalog import Catalog

#: The documents :func:`export_complaints` writes.
ExportFormat = Literal["csv", "open311", "open311-xml"]
EXPORT_FORMATS: tuple[str, ...] = get_args(ExportFormat)


def with_local_times(
    complaints: pd.DataFrame, catalog: Catalog | None = None, *, tz: str = DEFAULT_TIMEZONE
) -> pd.DataFrame:
    """A copy of the complaint table with its instants in office time, with the offset.

    Each row is in its organization's time zone (``catalog``), else in
    ``tz``; instant columns (``received_at``, ``answered_at``...: the
    register's UTC) become ISO 8601 text such as
    ``2024-02-02T09:30:00+01:00``, which reads back to the same instant.
    Dates (``due_date``) stay dates.

    Examples
    --------
    >>> table = pd.DataFrame({"id": ["2024/1", "2024/2"],
    ...     "received_at": pd.to_datetime(["2024-02-02T08:30Z", "2024-07-02T07:30Z"])})
    >>> with_local_times(table)["received_at"].tolist()
    ['2024-02-02T09:30:00+01:00', '2024-07-02T09:30:00+02:00']
    """
    return localise(
        complaints, zones_of(complaints.get("organization"), len(complaints), catalog, tz)
    )


def export_complaints(
    complaints: pd.DataFrame,
    fmt: ExportFormat = "csv",
    *,
    secret: str | bytes | None = None,
    catalog: Catalog | None = None,
    lang: str | None = None,
    tz: str = DEFAULT_TIMEZONE,
) -> str:
    """The complaints as CSV (formulas neutralised) or Open311 service requests.

    Parameters
    ----------
    complaints
        The complaint table (:meth:`ComplaintRegister.to_frame`), with the
        ``contact_*`` columns when they are to be exported or pseudonymised.
        Not modified.
    fmt
        ``"csv"``: the table (cells that a spreadsheet would run as formulas
        are neutralised, line breaks quoted); ``"open311"``: GeoReport v2
        service requests as JSON; ``"open311-xml"``: the same as XML. The
        Open311 documents never carry contact data.
    secret
        Pseudonymise first (:func:`pseudonymise`): contact data become
        keyed tokens and personal data in texts are redacted.
    catalog
        Names of services and categories in the Open311 documents and, with
        ``lang``, the label columns of the CSV.
    lang
        The language of those names (``it``, ``en``, ``de`` or any code, with
        fallback). With a ``catalog``, the CSV gets after each code the
        label in ``lang`` (``service_label``, ``category_label``,
        ``organization_name``: :func:`qualitapa._labelling.label_columns`);
        without ``lang`` the CSV keeps the register's own layout (which
        ``qualitapa complaints import`` reads back) and Open311 names are
        Italian. Its organizations' time zones
        (:attr:`~qualitapa.Organization.timezone`) are those the times are
        written in.
    tz
        The time zone of complaints whose organization the ``catalog`` does
        not know (or without a catalog): Europe/Rome by default.

    Returns
    -------
    str
        The document.

    Raises
    ------
    OptionError
        ``fmt`` is not one of :data:`EXPORT_FORMATS`, or ``lang`` is not a
        well-formed language code.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"id": ["2024/1"], "description": ["=HYPERLINK(1)"],
    ...                       "received_at": pd.to_datetime(["2024-02-02T08:30Z"])})
    >>> print(export_complaints(table), end="")
    id,description,received_at
    2024/1,'=HYPERLINK(1),2024-02-02T09:30:00+01:00
    >>> from qualitapa import hookimpl, Service, Text
    >>> from qualitapa.testing import catalog_with
    >>> class P:
    ...     @hookimpl
    ...     def qualitapa_services(self):
    ...         return [Service("registry", Text("Anagrafe", de="Meldeamt"))]
    >>> table = pd.DataFrame({"id": ["2024/1"], "service": ["registry"]})
    >>> print(export_complaints(table, catalog=catalog_with(P()), lang="de"), end="")
    id,service,service_label
    2024/1,registry,Meldeamt
    """
    from qualitapa.io import write_csv

    if fmt not in EXPORT_FORMATS:
        raise OptionError(
            f"fmt must be one of {', '.join(EXPORT_FORMATS)}, not {fmt!r}", option="fmt", value=fmt
        )
    if lang is not None:
        check_language(lang, "lang")
    frame = pseudonymise(complaints, secret) if secret is not None else complaints
    if fmt == "csv":
        frame = with_local_times(frame, catalog, tz=tz)
        if catalog is not None and lang is not None:
            frame = label_columns(frame, catalog, lang)
        return write_csv(frame)
    contact = [c for c in frame.columns if str(c).startswith("contact_")]
    requests = open311_requests(
        frame.drop(columns=contact), catalog=catalog, lang=lang or "it", tz=tz
    )
    return to_open311_json(requests) if fmt == "open311" else to_open311_xml(requests)
