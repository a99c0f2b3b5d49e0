"""Attacks on the Open311 GeoReport v2 reader and writers (issue 13, items 7 and 10).

Real feeds have numeric ``service_request_id`` values, notes that are not
text, ``extended_attributes`` that are not objects, deeply nested or broken
JSON, files that are not UTF-8. The reader gives a result or a
:class:`~qualitapa.errors.DataError` naming the file, the request (``row``,
1-based) and the field, never a raw exception or a hang (fuzzed with
hypothesis under the shared limits). The XML writer's output is
well-formed whatever the texts hold (parsed back with expat).
"""

from __future__ import annotations

import json
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualitapa.complaints import (
    ComplaintRegister,
    _open311,
    from_open311,
    open311_requests,
    to_open311_json,
    to_open311_xml,
)
from qualitapa.complaints._open311 import MAX_JSON_DEPTH, json_depth
from qualitapa.errors import DataError

from .conftest import FUZZ, assert_typed_or_ok, guarded

BASE = {
    "service_request_id": "638344",
    "status": "open",
    "service_code": "roads",
    "requested_datetime": "2024-04-14T06:37:38+02:00",
    "description": "Buca in via Emilia",
}


def _import(requests: Any) -> pd.DataFrame:
    with ComplaintRegister(":memory:") as reg:
        report = reg.import_open311(
            json.dumps(requests) if not isinstance(requests, str) else requests
        )
        assert report.imported + report.rejected == len(from_open311(requests))
        return reg.to_frame()


def test_numeric_ids_are_read_as_text() -> None:
    frame = _import([{**BASE, "service_request_id": 638344}, {**BASE, "service_request_id": 7.0}])
    assert frame["id"].tolist() == ["638344", "7"]


@pytest.mark.parametrize(
    ("notes", "status"),
    [(" ", "registered"), (":", "registered"), ("  : x", "registered"), ("", "registered"),
     ("in_progress: preso in carico", "in_progress"), (12, "registered"), (None, "registered")],
)  # fmt: skip
def test_odd_status_notes(notes: Any, status: str) -> None:
    frame = _import([{**BASE, "status_notes": notes}])
    assert frame["status"].tolist() == [status]


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"status_notes": ["in_progress"]}, "status_notes"),
        ({"status_notes": {"a": 1}}, "status_notes"),
        ({"extended_attributes": [1, 2]}, "extended_attributes"),
        ({"extended_attributes": "kind=complaint"}, "extended_attributes"),
        ({"extended_attributes": {"kind": {"x": 1}}}, "extended_attributes.kind"),
        ({"description": {"it": "Buca"}}, "description"),
        ({"description": ["Buca"]}, "description"),
        ({"service_request_id": True}, "service_request_id"),
        ({"service_request_id": 1e400}, "service_request_id"),
        ({"requested_datetime": 1713069458}, "requested_datetime"),
        ({"service_code": None, "description": {"b": []}}, "description"),
    ],
    ids=lambda v: str(v)[:40],
)
def test_fields_of_the_wrong_type_are_named(patch: dict[str, Any], field: str) -> None:
    with pytest.raises(DataError, match=rf"row 2, column '{field}'") as info:
        from_open311(json.dumps([BASE, {**BASE, **patch}]))
    cases = info.value.failure_cases
    assert cases is not None
    assert cases[["row", "column"]].to_records(index=False).tolist() == [(2, field)]


def test_a_file_names_itself_in_errors(tmp_path: Path) -> None:
    path = tmp_path / "feed.json"
    path.write_text(json.dumps([BASE, {**BASE, "description": {"x": 1}}]), encoding="utf-8")
    with pytest.raises(DataError, match=r"feed\.json, row 2, column 'description'"):
        from_open311(path)
    path.write_bytes(b'[{"description": "citt\xe0"}]')  # latin-1, not UTF-8
    with pytest.raises(DataError, match=r"feed\.json.*not UTF-8.*byte 22"):
        from_open311(path)
    path.write_text('[{"service_request_id": "1",', encoding="utf-8")
    with pytest.raises(DataError, match=r"feed\.json.*not valid JSON.*line 1"):
        from_open311(path)
    with pytest.raises(DataError, match="cannot read"):
        from_open311(str(tmp_path / "missing\x00.json"))


def test_object_wrapper_and_text_forms() -> None:
    text = json.dumps({"service_requests": [BASE]})
    assert from_open311(text)["id"].tolist() == ["638344"]
    assert from_open311("  \n" + json.dumps([BASE]))["id"].tolist() == ["638344"]
    with pytest.raises(DataError, match="expected a JSON array of service requests"):
        from_open311(json.dumps({"requests": [BASE]}))
    with pytest.raises(DataError, match=r"row 1: a service request is a JSON object"):
        from_open311("[1]")


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 5_000, 200_000])
def test_deep_nesting_is_refused_quickly(depth: int) -> None:
    nested = "[" * depth + "]" * depth
    outcome = assert_typed_or_ok(guarded(from_open311, nested), what="deep JSON")
    assert outcome.kind == "error"
    assert "nested" in outcome.message
    inside = json.dumps([{**BASE, "extended_attributes": {"x": "PLACEHOLDER"}}])
    outcome = guarded(from_open311, inside.replace('"PLACEHOLDER"', "[" * depth + "]" * depth))
    assert_typed_or_ok(outcome, what="deep extended attribute")
    assert outcome.kind == "error"


def _reference_depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((_reference_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_reference_depth(v) for v in value), default=0)
    return 0


_TRICKY_TEXT = st.text(st.sampled_from('ab"\\[]{}\n:,é€'), max_size=8)
_NESTED = st.recursive(
    st.none() | st.integers() | _TRICKY_TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TRICKY_TEXT, inner, max_size=3),
    max_leaves=15,
)


@pytest.mark.slow  # hypothesis over texts and chunkings
@given(value=_NESTED, chunk=st.sampled_from([1, 2, 3, 7, 1 << 22]), indent=st.booleans())
def test_json_depth_agrees_with_the_parser(value: Any, chunk: int, indent: bool) -> None:
    """The scan that runs before parsing measures what the parser builds (any chunking)."""
    text = json.dumps(value, ensure_ascii=False, indent=1 if indent else None)
    original = _open311._CHUNK
    _open311._CHUNK = chunk
    try:
        assert json_depth(text.encode("utf-8")) == _reference_depth(json.loads(text))
    finally:
        _open311._CHUNK = original


def test_lone_surrogates_are_reported_not_crashing() -> None:
    text = '[{"service_request_id": "1", "service_code": "roads", "description": "\\ud800x",' \
           ' "requested_datetime": "2024-04-14T06:37:38+02:00"}]'  # fmt: skip
    with ComplaintRegister(":memory:") as reg:
        report = reg.import_open311(text)
    assert report.imported == 0
    assert report.problems["column"].tolist() == ["description"]
    assert "not valid Unicode" in report.problems["problem"].iloc[0]


# -- the XML writer ---------------------------------------------------------------------

_ALL_CHARS = st.characters(codec=None, exclude_categories=())


@pytest.mark.slow  # hypothesis over texts and chunkings
@given(texts=st.lists(st.text(_ALL_CHARS, max_size=30), min_size=1, max_size=5))
@FUZZ
def test_xml_export_is_always_well_formed(texts: list[str]) -> None:
    # a text column stored by pyarrow (pandas 3 with the parquet extra) cannot hold a lone
    # surrogate: such texts come in a column of Python objects
    column = pd.Series(texts, dtype=object if any(map(_has_surrogate, texts)) else None)
    frame = pd.DataFrame(
        {
            "id": [f"2024/{i}" for i in range(len(texts))],
            "service": "roads",
            "received_at": pd.Timestamp("2024-04-14T06:37:38+02:00"),
            "status": "received",
            "description": column,
            "organization": column,
        }
    )
    requests = open311_requests(frame)
    root = ET.fromstring(to_open311_xml(requests).encode("utf-8"))
    got = [r.findtext("description") or "" for r in root.findall("request")]
    assert len(got) == len(texts)
    for text, back in zip(texts, got, strict=True):
        assert len(back.replace("\n", "")) <= len(text)  # one character for one
    # the JSON is UTF-8 (a lone surrogate escaped) and reads back the texts
    back_json = json.loads(to_open311_json(requests).encode("utf-8"))
    assert [r["description"] for r in back_json] == [_paired(t) for t in texts]


def _has_surrogate(text: str) -> bool:
    return any("\ud800" <= c <= "\udfff" for c in text)


def _paired(text: str) -> str:
    """``text`` as JSON reads it back: a high and a low surrogate side by side are one letter."""
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


@pytest.mark.parametrize(
    ("text", "escaped"),
    [("a\ud800b", "a\\ud800b"), ("\udfff", "\\udfff"), ("città €", "città €")],
)
def test_json_export_escapes_lone_surrogates(text: str, escaped: str) -> None:
    frame = pd.DataFrame(
        {"id": ["2024/1"], "service": "roads", "received_at": pd.Timestamp("2024-04-14T06:37Z"),
         "status": "received", "description": pd.Series([text], dtype=object)}
    )  # fmt: skip
    out = to_open311_json(open311_requests(frame))
    assert f'"description": "{escaped}"' in out
    assert json.loads(out.encode("utf-8"))[0]["description"] == text


# -- fuzzing the JSON reader ------------------------------------------------------------

_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
    | st.sampled_from(
        ["open", "closed", "2024-04-14T06:37:38+02:00", "2099-01-01T00:00:00Z", "roads",
         "in_progress: x", "answered", "complaint", "web", ":", " ", "2024-03-31T02:30"]
    )
)  # fmt: skip
_JSON = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)
_FIELDS = [*BASE, "status_notes", "updated_datetime", "agency_responsible", "service_name",
           "extended_attributes"]  # fmt: skip
_EXTENDED = st.dictionaries(
    st.sampled_from(
        [
            "kind",
            "channel",
            "service",
            "category",
            "organization",
            "status",
            "answered_datetime",
            "closed_datetime",
            "other",
        ]
    ),
    _JSON,
    max_size=4,
)
_REQUEST = st.fixed_dictionaries(
    {},
    optional={
        **{f: st.one_of(st.just(BASE.get(f, "x")), _JSON) for f in _FIELDS},
        "extended_attributes": st.one_of(_EXTENDED, _JSON),
    },
)


def _read_and_import(text: str | Path) -> tuple[int, int]:
    with ComplaintRegister(":memory:") as reg:
        report = reg.import_open311(text)
        reg.check()
        return report.imported, report.rejected


@pytest.mark.slow  # fuzz
@given(requests=st.one_of(st.lists(_REQUEST, max_size=4), _JSON))
@FUZZ
def test_fuzz_open311_json_structures(requests: Any) -> None:
    """Any JSON: a typed error or a result, never a raw exception, a hang or a blow-up."""
    text = json.dumps(requests, allow_nan=True)
    if not text.lstrip().startswith(("[", "{")):
        text = "[" + text + "]"
    assert_typed_or_ok(guarded(_read_and_import, text), what="Open311 JSON")


@pytest.mark.slow  # fuzz
@given(
    data=st.one_of(
        st.binary(max_size=200),
        st.lists(_REQUEST, max_size=3).map(
            lambda r: json.dumps(r).encode("utf-8", "surrogatepass")
        ),
    ),
    cut=st.integers(min_value=0, max_value=400),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1"]),
)
@FUZZ
def test_fuzz_open311_files(data: bytes, cut: int, encoding: str) -> None:
    """Truncated, re-encoded or random bytes in a file: typed error or result."""
    try:
        content = data.decode("utf-8", "surrogatepass").encode(encoding, "surrogatepass")
    except (UnicodeDecodeError, UnicodeEncodeError):
        content = data
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "feed.json"
        path.write_bytes(content[:cut] if cut < len(content) else content)
        outcome = assert_typed_or_ok(guarded(_read_and_import, path), what="Open311 file")
        if outcome.kind == "error":
            assert "feed.json" in outcome.message, outcome.message
