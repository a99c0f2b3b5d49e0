"""Open311 GeoReport v2: service list and service requests, JSON and XML.

GeoReport v2 (http://wiki.open311.org/GeoReport_v2/) is the open standard
for exchanging citizen service requests. Field names follow the spec:

* service list (``GET services``): ``service_code``, ``service_name``,
  ``description``, ``metadata``, ``type`` (realtime/batch/blackbox),
  ``keywords``, ``group``;
* service requests (``GET requests``): ``service_request_id``, ``status``
  (``open`` or ``closed``), ``status_notes``, ``service_name``,
  ``service_code``, ``description``, ``agency_responsible``,
  ``service_notice``, ``requested_datetime``, ``updated_datetime``,
  ``expected_datetime``, ``address``, ``address_id``, ``zipcode``,
  ``lat``, ``long``, ``media_url``.

Where the problem is travels in ``lat``, ``long`` (WGS84) and ``address``,
a photo in ``media_url``: the complaint's ``latitude``, ``longitude``,
``address`` and ``media_url``. XML is read without DTDs or entities
(:func:`xml_requests`).

Open311 knows only ``open`` and ``closed``; the fine-grained state is the
first word of ``status_notes`` and, with what else qualitapa needs to read
a request back (kind, channel, service, category, answer time), travels in
``extended_attributes`` (the extension mechanism used by Open311
implementations such as FixMyStreet). Date-times are ISO 8601 with offset.
"""

from __future__ import annotations

import json
import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from qualitapa._zones import localize, zones_of
from qualitapa.complaints._calendar import DEFAULT_TZ
from qualitapa.complaints._instants import local_text
from qualitapa.complaints._models import Status
from qualitapa.errors import DataError, Message
from qualitapa.i18n import N_

if TYPE_CHECKING:
    from qualitapa.catalog import Catalog

_EXTENDED = ("kind", "channel", "service", "category", "organization", "status")


def _iso(values: pd.Series, zones: str | pd.Series) -> list[str | None]:
    """ISO 8601 with offset in each row's office time (naive values are UTC)."""
    return list(local_text(values, zones))


def open311_services(
    catalog: Catalog, *, lang: str = "it", organization: str | None = None
) -> list[dict[str, Any]]:
    """The Open311 service list of a catalog.

    Each complaint category is a request type (``service_code`` = category
    id, ``group`` = its service); a service without categories is a
    request type itself. With ``organization`` (the city whose endpoint
    this is), local categories of other organizations are left out; without
    it, every category is listed.

    Examples
    --------
    >>> from qualitapa import hookimpl, Service, Text
    >>> from qualitapa.testing import catalog_with
    >>> from qualitapa.complaints import ComplaintCategory
    >>> class P:
    ...     @hookimpl
    ...     def qualitapa_services(self):
    ...         return [Service("registry", Text("Anagrafe", "Civil registry"))]
    ...     @hookimpl
    ...     def qualitapa_complaint_categories(self):
    ...         return [ComplaintCategory("registry.waiting", Text("Attese", "Waiting"),
    ...                                   service="registry")]
    >>> open311_services(catalog_with(P()), lang="en")[0]["service_name"]
    'Waiting'
    """
    out: list[dict[str, Any]] = []
    cats = {
        cid: c
        for cid, c in catalog.complaint_categories.items()
        if organization is None or c.applies_to(organization)
    }
    with_categories = {c.service for c in cats.values()}
    for cid, cat in cats.items():
        svc = catalog.services[cat.service]
        out.append(
            {
                "service_code": cid,
                "service_name": cat.label.get(lang),
                "description": cat.label.get("en" if lang == "it" else "it"),
                "metadata": False,
                "type": "realtime",
                "keywords": ", ".join(p for p in (cat.service, cat.parent) if p),
                "group": svc.label.get(lang),
            }
        )
    for sid, svc in catalog.services.items():
        if sid in with_categories:
            continue
        out.append(
            {
                "service_code": sid,
                "service_name": svc.label.get(lang),
                "description": svc.description.get(lang) if svc.description else "",
                "metadata": False,
                "type": "realtime",
                "keywords": sid,
                "group": svc.label.get(lang),
            }
        )
    return out


def open311_requests(
    frame: pd.DataFrame,
    *,
    catalog: Catalog | None = None,
    lang: str = "it",
    tz: str = DEFAULT_TZ,
    agency: str | None = None,
) -> list[dict[str, Any]]:
    """Service requests (GeoReport v2) from a complaint table.

    Parameters
    ----------
    frame
        :meth:`ComplaintRegister.to_frame` or a case table: ``id``,
        ``service``, ``received_at``, ``status`` and optionally
        ``category``, ``kind``, ``channel``, ``organization``,
        ``description``, ``updated_at``, ``answered_at``, ``closed_at``,
        ``due_date``.
    catalog
        Used for ``service_name`` (labels in ``lang``); codes otherwise.
    tz
        The time zone of rows whose organization the ``catalog`` does not
        know (or without a catalog); the others are written in their
        organization's (:attr:`~qualitapa.Organization.timezone`). Every
        date-time carries its offset.
    agency
        ``agency_responsible``; the organization column by default.

    Returns
    -------
    list of dict
        One request per row, in the spec's field order, with
        ``extended_attributes``.
    """
    need = ["id", "service", "received_at", "status"]
    missing = [c for c in need if c not in frame.columns]
    if missing:
        raise DataError("required column is missing", column=missing[0])
    n = len(frame)
    col = frame.get
    code = (
        frame["category"].where(frame["category"].notna(), frame["service"])
        if "category" in frame.columns
        else frame["service"]
    )
    names: dict[str, str] = {}
    if catalog is not None:
        names.update({k: v.label.get(lang) for k, v in catalog.services.items()})
        names.update({k: v.label.get(lang) for k, v in catalog.complaint_categories.items()})
    status = frame["status"].astype(str).to_numpy()
    zones = zones_of(frame.get("organization"), n, catalog, tz)
    requested = _iso(frame["received_at"], zones)
    updated = _iso(frame["updated_at"], zones) if "updated_at" in frame.columns else requested
    answered = _iso(frame["answered_at"], zones) if "answered_at" in frame.columns else [None] * n
    closed = _iso(frame["closed_at"], zones) if "closed_at" in frame.columns else [None] * n
    expected: list[str | None] = [None] * n
    if "due_date" in frame.columns:  # a calendar day: due by its end, in the office's time
        due = pd.to_datetime(frame["due_date"]) + pd.Timedelta(hours=23, minutes=59, seconds=59)
        expected = _iso(localize(due, zones)[0], zones)
    orgs = col("organization")
    descr = col("description")
    lat, lon = (_coordinates(frame, c) for c in ("latitude", "longitude"))
    address, media = col("address"), col("media_url")
    out: list[dict[str, Any]] = []
    for i in range(n):
        st = Status(status[i])
        ext = {k: _clean(frame[k].iat[i]) for k in _EXTENDED if k in frame.columns}
        ext["answered_datetime"] = answered[i]
        ext["closed_datetime"] = closed[i]
        c = str(code.iat[i])
        org = _clean(orgs.iat[i]) if orgs is not None else None
        out.append(
            {
                "service_request_id": str(frame["id"].iat[i]),
                "status": st.open311,
                "status_notes": st.value,
                "service_name": names.get(c, c),
                "service_code": c,
                "description": _clean(descr.iat[i]) if descr is not None else None,
                "agency_responsible": agency or org,
                "service_notice": None,
                "requested_datetime": requested[i],
                "updated_datetime": updated[i],
                "expected_datetime": expected[i],
                "address": _clean(address.iat[i]) if address is not None else None,
                "address_id": None,
                "zipcode": None,
                "lat": lat[i],
                "long": lon[i],
                "media_url": _clean(media.iat[i]) if media is not None else None,
                "extended_attributes": ext,
            }
        )
    return out


def _coordinates(frame: pd.DataFrame, column: str) -> list[float | None]:
    """A coordinate column as numbers (None where missing or without the column)."""
    if column not in frame.columns:
        return [None] * len(frame)
    values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
    return [None if np.isnan(v) else float(v) for v in values]


def _clean(value: Any) -> Any:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    return str(value)


#: A lone surrogate (half of a UTF-16 pair): text cannot be written as UTF-8 with one.
_SURROGATE = re.compile("[\ud800-\udfff]")


def to_open311_json(items: list[dict[str, Any]]) -> str:
    """JSON text of a service list or of service requests (a JSON array).

    Letters stay as they are (UTF-8); a lone surrogate (only in text that
    did not come from the register, which refuses them) is written as its
    JSON escape (``\\ud800``), so that the text can be saved as UTF-8 and
    reads back the same.

    Examples
    --------
    >>> print(to_open311_json([{"description": "città \\ud800"}]), end="")
    [
      {
        "description": "città \\ud800"
      }
    ]
    """
    text = json.dumps(items, ensure_ascii=False, indent=2) + "\n"
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


#: Characters XML 1.0 cannot carry, even escaped: C0 controls other than tab,
#: line feed and carriage return, lone surrogates, U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_text(value: str) -> str:
    """``value`` with the characters XML cannot carry as U+FFFD (the replacement character)."""
    return _NOT_XML.sub("\ufffd", value)


def to_open311_xml(items: list[dict[str, Any]], *, kind: str = "requests") -> str:
    """XML text per the spec: ``<service_requests><request>`` or ``<services><service>``.

    The XML is well-formed whatever the texts hold: characters XML 1.0 cannot
    carry (control characters such as ESC or BEL, lone surrogates) are
    written as U+FFFD, the Unicode replacement character (the JSON export
    keeps them, escaped).

    Examples
    --------
    >>> print(to_open311_xml([{"service_code": "registry", "metadata": False}], kind="services"))
    <?xml version="1.0" encoding="utf-8"?>
    <services><service><service_code>registry</service_code><metadata>false</metadata></service></services>
    """
    if kind not in ("requests", "services"):
        raise DataError(f"kind must be 'requests' or 'services', not {kind!r}")
    root = ET.Element("service_requests" if kind == "requests" else "services")
    for item in items:
        el = ET.SubElement(root, "request" if kind == "requests" else "service")
        _fill(el, item)
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + body


def _fill(parent: ET.Element, mapping: dict[str, Any]) -> None:
    for key, value in mapping.items():
        child = ET.SubElement(parent, key)
        if isinstance(value, dict):
            _fill(child, value)
        elif isinstance(value, bool):
            child.text = "true" if value else "false"
        elif value is not None:
            child.text = _xml_text(str(value))


#: Deepest JSON nesting accepted (a GeoReport v2 feed nests 3 levels:
#: array, request, ``extended_attributes``).
MAX_JSON_DEPTH = 32
#: Request fields read as text (a number is accepted: real feeds number their ids).
_TEXT_FIELDS = (
    "service_request_id", "status", "status_notes", "service_code", "description",
    "agency_responsible", "lat", "long", "address", "address_string", "media_url",
)  # fmt: skip
_DATE_FIELDS = ("requested_datetime", "updated_datetime")
_EXT_TEXT = ("kind", "channel", "service", "category", "organization", "status")
_EXT_DATES = ("answered_datetime", "closed_datetime")
_PROBLEM_COLUMNS = ["row", "id", "column", "value", "problem"]


def from_open311(
    data: str | Path | list[dict[str, Any]],
    *,
    catalog: Catalog | None = None,
    kind: str = "fault_report",
    channel: str = "app",
) -> pd.DataFrame:
    """An import table (for :meth:`ComplaintRegister.import_frame`) from service requests.

    Parameters
    ----------
    data
        A JSON or XML file path (:class:`~pathlib.Path`, or text not
        starting with ``[``, ``{`` or ``<``), JSON or XML text, or the
        parsed list of requests. The JSON is an array of requests or
        ``{"service_requests": [...]}``, UTF-8, nested at most
        :data:`MAX_JSON_DEPTH` levels; the XML is the spec's
        ``<service_requests>`` (a ``.xml`` file, or text starting with
        ``<``), read by :func:`xml_requests` (no DTD, no entities).
    catalog
        Resolves ``service_code`` to category and service when the request
        has no ``extended_attributes``.
    kind, channel
        Used when the request does not say (Open311 requests are usually
        fault reports from an app).

    Returns
    -------
    pandas.DataFrame
        Columns of :data:`IMPORT_COLUMNS`, with where the problem is:
        ``latitude`` and ``longitude`` from ``lat`` and ``long``,
        ``address`` from ``address`` (or ``address_string``, the name a
        posted request gives it), ``media_url`` (surrounding spaces
        dropped); the import checks them. The fine state is read from
        ``extended_attributes.status`` or the first word of
        ``status_notes``; otherwise ``open`` becomes ``registered`` and
        ``closed`` becomes ``closed``. Numbers in text fields (a numeric
        ``service_request_id``) are read as text; values are checked by
        the import.

    Raises
    ------
    DataError
        The file cannot be read, is not UTF-8 or not JSON, nests too
        deeply, or a request is not an object or has a field of the wrong
        type (an object or a list where text is expected, a number for a
        date-time, a non-object ``extended_attributes``): ``failure_cases``
        lists each, with ``row`` (the request's 1-based position) and
        ``column`` (the field, ``extended_attributes.kind`` inside it).

    Examples
    --------
    >>> req = [{"service_request_id": 638344, "status": "open", "service_code": "roads",
    ...         "requested_datetime": "2024-04-14T06:37:38+02:00", "description": "Buca"}]
    >>> from_open311(req)[["id", "service", "status"]].to_dict("records")
    [{'id': '638344', 'service': 'roads', 'status': 'registered'}]
    """
    items, source = _load(data)
    cats = catalog.complaint_categories if catalog is not None else {}
    problems: list[tuple[Any, ...]] = []
    rows = []
    for number, req in enumerate(items, start=1):
        if not isinstance(req, dict):
            raise DataError(
                f"a service request is a JSON object, not {_shown(req)}", source=source, row=number
            )
        rows.append(_request_row(req, number, problems, cats, kind, channel))
    if problems:
        cases = pd.DataFrame(problems, columns=_PROBLEM_COLUMNS)
        first = cases.iloc[0]
        raise DataError(
            f"{first['problem']} (got {first['value']}); "
            f"{len(cases)} field(s) of the wrong type in the service requests",
            source=source,
            row=int(first["row"]),
            column=str(first["column"]),
            failure_cases=cases,
        )
    columns = ["id", "kind", "channel", "service", "category", "organization", "received_at",
               "description", "status", "answered_at", "closed_at", "latitude", "longitude",
               "address", "media_url"]  # fmt: skip
    return pd.DataFrame(rows, columns=columns, dtype=object)


def _request_row(
    req: dict[str, Any],
    number: int,
    problems: list[tuple[Any, ...]],
    cats: Any,
    kind: str,
    channel: str,
) -> dict[str, Any]:
    """One import row from one request; fields of the wrong type go to ``problems``."""
    ident = req.get("service_request_id")
    shown_id = ident if isinstance(ident, (str, int)) and not isinstance(ident, bool) else None

    def text(value: Any, field: str, *, date: bool = False) -> str | None:
        got, problem = _as_text(value, date=date)
        if problem:
            problems.append((number, shown_id, field, _shown(value), problem))
        return got

    raw_ext = req.get("extended_attributes")
    if raw_ext is not None and not isinstance(raw_ext, dict):
        problems.append((number, shown_id, "extended_attributes", _shown(raw_ext),
                         "must be a JSON object of extended attributes"))  # fmt: skip
        raw_ext = None
    ext_in = raw_ext or {}
    fields = {f: text(req.get(f), f) for f in _TEXT_FIELDS}
    fields.update({f: text(req.get(f), f, date=True) for f in _DATE_FIELDS})
    ext = {f: text(ext_in.get(f), f"extended_attributes.{f}") for f in _EXT_TEXT}
    ext.update({f: text(ext_in.get(f), f"extended_attributes.{f}", date=True) for f in _EXT_DATES})
    code = fields["service_code"]
    service, category = ext["service"], ext["category"]
    if service is None:
        if code in cats:
            service, category = cats[code].service, code
        else:
            service = code
    status = ext["status"] or _status_from_notes(fields["status_notes"], fields["status"])
    updated = fields["updated_datetime"]
    answered = ext["answered_datetime"]
    closed = ext["closed_datetime"]
    if raw_ext is None and status == Status.CLOSED.value:
        answered = answered or updated
        closed = closed or updated
    return {
        "id": fields["service_request_id"],
        "kind": ext["kind"] or kind,
        "channel": ext["channel"] or channel,
        "service": service,
        "category": category,
        "organization": ext["organization"] or fields["agency_responsible"],
        "received_at": fields["requested_datetime"],
        "description": fields["description"],
        "status": status,
        "answered_at": answered,
        "closed_at": closed,
        "latitude": fields["lat"],
        "longitude": fields["long"],
        # ``address`` in the requests the spec returns, ``address_string`` in one posted
        "address": fields["address"] or fields["address_string"],
        # the spec's own example ends its media_url with a space
        "media_url": fields["media_url"].strip() if fields["media_url"] else None,
    }


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str) if value is not None else "null"
    return text if len(text) <= 60 else text[:57] + "..."


def _as_text(value: Any, *, date: bool = False) -> tuple[str | None, str | None]:
    """``(text, problem)``: a JSON value read as text, or why it cannot be."""
    if value is None or isinstance(value, str):
        return value, None
    what = "a date-time (ISO 8601 text, e.g. 2024-04-14T06:37:38+02:00)" if date else "text"
    if isinstance(value, bool) or date:
        return None, f"must be {what}"
    if isinstance(value, int):
        return str(value), None
    if isinstance(value, float):
        if not math.isfinite(value):
            return None, f"must be {what}, not an infinite or undefined number"
        return (str(int(value)) if value.is_integer() else repr(value)), None
    kind = "an object" if isinstance(value, dict) else "a list"
    return None, f"must be {what}, not {kind}"


def _status_from_notes(notes: str | None, status: str | None) -> str:
    words = (notes or "").split(":")[0].split()
    word = words[0].lower() if words else ""
    if word in {s.value for s in Status}:
        return word
    return Status.CLOSED.value if str(status).strip().lower() == "closed" else "registered"


def _load(data: str | Path | list[dict[str, Any]]) -> tuple[list[Any], str | None]:
    """The requests and the file name (None for text or a list); JSON or XML."""
    if isinstance(data, list):
        return data, None
    source = None
    if isinstance(data, Path) or (
        isinstance(data, str) and not data.lstrip().startswith(("[", "{", "<"))
    ):
        source = str(data)
        raw = _read(source)
        if Path(data).suffix.lower() == ".xml" or raw.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<":
            return xml_requests(raw, source=source), source
        text = _utf8(raw, source)
    else:
        text = str(data)
        if text.lstrip().startswith("<"):
            return xml_requests(text.encode("utf-8"), source=None), None
    _check_depth(text, source)
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(
            f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})", source=source
        ) from None
    except RecursionError:  # pragma: no cover - _check_depth stops it before
        raise DataError(
            f"JSON nested more than {MAX_JSON_DEPTH} levels deep", source=source
        ) from None
    if isinstance(parsed, dict) and "service_requests" in parsed:
        parsed = parsed["service_requests"]
    if not isinstance(parsed, list):
        raise DataError("expected a JSON array of service requests", source=source)
    return parsed, source


def _read(source: str) -> bytes:
    try:
        return Path(source).read_bytes()
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the name
        raise DataError(f"cannot read: {exc}", source=source) from exc


def _utf8(raw: bytes, source: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(
            f"not UTF-8 text (byte {exc.start}: {raw[exc.start : exc.start + 1]!r}); "
            "save the file as UTF-8",
            source=source,
        ) from None


_CHUNK = 1 << 22  # bytes scanned at a time by _json_depth


def json_depth(data: bytes, *, stop: int | None = None) -> int:
    """The deepest nesting of arrays and objects in JSON text (UTF-8 bytes).

    Brackets inside strings do not count (escaped quotes are followed). One
    pass of numpy over 4 MiB chunks, so any size is checked in linear time
    and constant memory, before the text is parsed; with ``stop`` it returns
    as soon as the depth exceeds it. Text that is not JSON gives some
    number: the parser says what is wrong with it.

    Examples
    --------
    >>> json_depth(rb'[{"a": "[[[", "b": [1, {"c": "\\"}]}, "\"]"]')
    4
    """
    depth = 0
    deepest = 0
    inside = 0  # 1 while in a string
    carried = 0  # backslashes ending the previous chunk
    for start in range(0, len(data), _CHUNK):
        b = np.frombuffer(data, np.uint8, count=min(_CHUNK, len(data) - start), offset=start)
        quotes = np.flatnonzero(b == 34)
        slashes = np.flatnonzero(b == 92)
        # runs of backslashes: where each run starts (index into slashes)
        new_run = np.ones(len(slashes), dtype=bool)
        new_run[1:] = np.diff(slashes) != 1
        run_start = slashes[np.maximum.accumulate(np.where(new_run, np.arange(len(slashes)), 0))]
        # a quote is escaped when an odd number of backslashes comes right before it
        run = np.zeros(len(quotes), dtype=np.int64)
        if len(slashes):
            k = np.minimum(np.searchsorted(slashes, quotes - 1), len(slashes) - 1)
            hit = slashes[k] == quotes - 1
            first = run_start[k]
            run = np.where(hit, quotes - first, 0)
            run = np.where(hit & (first == 0), run + carried, run)
        run = np.where(quotes == 0, carried, run)
        real = quotes[run % 2 == 0]
        brackets = np.flatnonzero((b == 91) | (b == 123) | (b == 93) | (b == 125))
        # the quotes before a bracket say whether it is inside a string
        outside = brackets[(np.searchsorted(real, brackets) + inside) % 2 == 0]
        steps = np.where((b[outside] == 91) | (b[outside] == 123), 1, -1)
        if len(steps):
            levels = depth + np.cumsum(steps)
            deepest = max(deepest, int(levels.max()))
            depth = int(levels[-1])
        inside = (inside + len(real)) % 2
        if len(slashes) and slashes[-1] == len(b) - 1:  # the chunk ends in backslashes
            first_of_tail = int(run_start[-1])
            carried = len(b) - first_of_tail + (carried if first_of_tail == 0 else 0)
        else:
            carried = 0
        if stop is not None and deepest > stop:
            break
    return deepest


def _check_depth(text: str, source: str | None) -> None:
    """Refuse JSON nested deeper than :data:`MAX_JSON_DEPTH`, before parsing it."""
    if text.count("[") + text.count("{") <= MAX_JSON_DEPTH:
        return
    if json_depth(text.encode("utf-8", "surrogatepass"), stop=MAX_JSON_DEPTH) > MAX_JSON_DEPTH:
        raise DataError(
            f"JSON nested more than {MAX_JSON_DEPTH} levels deep (an Open311 feed nests 3: "
            "the array, each request, its extended_attributes)",
            source=source,
        )


def xml_requests(raw: bytes, *, source: str | None = None) -> list[dict[str, Any]]:
    """The service requests of a GeoReport v2 XML document, as the JSON form's objects.

    ``<service_requests><request>...</request></service_requests>``: each
    ``<request>``'s elements become the fields (an empty element is
    missing), ``<extended_attributes>`` an object of its elements. The XML
    is parsed with defusedxml and may not declare a DTD: entities (the
    "billion laughs" expansion) and external references are refused
    before anything is expanded or fetched.

    Raises
    ------
    DataError
        The text declares a DTD or entities, is not well-formed XML, is not
        ``<service_requests>`` of ``<request>`` elements, or a request
        repeats a field (``row`` is the request's 1-based position,
        ``column`` the field).

    Examples
    --------
    >>> xml_requests(b"<service_requests><request><service_request_id>638344"
    ...              b"</service_request_id><lat>37.762221815</lat><address/></request>"
    ...              b"</service_requests>")
    [{'service_request_id': '638344', 'lat': '37.762221815', 'address': None}]
    """
    import defusedxml
    import defusedxml.ElementTree as SafeET

    try:
        root = SafeET.fromstring(raw, forbid_dtd=True)
    except defusedxml.DefusedXmlException:
        raise DataError(
            Message("the XML declares a DTD or entities, which Open311 XML never needs: "
                    "refused unread (entity expansion could exhaust the memory)",
                    N_("l'XML dichiara un DTD o delle entità, che l'XML Open311 non usa mai: "
                       "rifiutato senza leggerlo (l'espansione delle entità può esaurire "
                       "la memoria)")),
            source=source,
        ) from None  # fmt: skip
    except ET.ParseError as exc:
        line, column = exc.position
        raise DataError(
            Message("not well-formed XML (line {line}, column {column})",
                    N_("XML non ben formato (riga {line}, colonna {column})"),
                    line=line, column=column + 1),
            source=source,
        ) from None  # fmt: skip
    if root.tag != "service_requests":
        raise DataError(
            Message("expected <service_requests>, found <{tag}>",
                    N_("atteso <service_requests>, trovato <{tag}>"), tag=root.tag),
            source=source,
        )  # fmt: skip
    out = []
    for number, element in enumerate(root, start=1):
        if element.tag != "request":
            raise DataError(
                Message("expected <request>, found <{tag}>",
                        N_("atteso <request>, trovato <{tag}>"), tag=element.tag),
                source=source, row=number,
            )  # fmt: skip
        out.append(_xml_fields(element, source, number, nested=True))
    return out


def _xml_fields(element: Any, source: str | None, number: int, *, nested: bool) -> dict[str, Any]:
    """An element's children as fields: text (None when empty) or, if ``nested``, an object.

    Deeper elements become an object the field checks refuse (never text).
    """
    fields: dict[str, Any] = {}
    for child in element:
        if child.tag in fields:
            raise DataError(
                Message("the field appears twice in the request",
                        N_("il campo compare due volte nella richiesta")),
                source=source, row=number, column=str(child.tag),
            )  # fmt: skip
        if len(child):
            fields[child.tag] = (
                _xml_fields(child, source, number, nested=False)
                if nested
                else {c.tag: None for c in child}
            )
        else:
            fields[child.tag] = child.text if child.text else None
    return fields
