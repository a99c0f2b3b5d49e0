"""The complaint table as a document to hand over: CSV or Open311 GeoReport v2."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, get_args

import pandas as pd

from qualitapa.complaints._open311 import open311_requests, to_open311_json, to_open311_xml
from qualitapa.complaints._privacy import pseudonymise
from qualitapa.errors import OptionError

if TYPE_CHECKING:
    from qualitapa.catalog import Catalog

#: The documents :func:`export_complaints` writes.
ExportFormat = Literal["csv", "open311", "open311-xml"]
EXPORT_FORMATS: tuple[str, ...] = get_args(ExportFormat)


def export_complaints(
    complaints: pd.DataFrame,
    fmt: ExportFormat = "csv",
    *,
    secret: str | bytes | None = None,
    catalog: Catalog | None = None,
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
        Names of services and categories in the Open311 documents.

    Returns
    -------
    str
        The document.

    Raises
    ------
    OptionError
        ``fmt`` is not one of :data:`EXPORT_FORMATS`.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"id": ["2024/1"], "description": ["=HYPERLINK(1)"]})
    >>> print(export_complaints(table), end="")
    id,description
    2024/1,'=HYPERLINK(1)
    """
    from qualitapa.io import write_csv

    if fmt not in EXPORT_FORMATS:
        raise OptionError(
            f"fmt must be one of {', '.join(EXPORT_FORMATS)}, not {fmt!r}", option="fmt", value=fmt
        )
    frame = pseudonymise(complaints, secret) if secret is not None else complaints
    if fmt == "csv":
        return write_csv(frame)
    contact = [c for c in frame.columns if str(c).startswith("contact_")]
    requests = open311_requests(frame.drop(columns=contact), catalog=catalog)
    return to_open311_json(requests) if fmt == "open311" else to_open311_xml(requests)
