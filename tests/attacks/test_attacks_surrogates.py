"""Half characters (lone surrogates) in JSON input.

JSON can write half of a UTF-16 pair (``"\\ud800"``); Python's :mod:`json`
reads it as a lone surrogate, text that cannot be written as UTF-8. SQLite
refuses it, and so does a pandas text column stored by pyarrow (pandas 3 with
the ``parquet`` extra), with a raw ``UnicodeEncodeError``; pandas' own JSON
reader drops a high one silently. These tests hold with and without pyarrow:
the complaint import reports the cell (request, column) and imports the
rest, :func:`qualitapa.io.read_table` refuses the file naming record and
field, and a pair (one letter written in two halves) reads as its letter.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from qualitapa.cli import cli
from qualitapa.complaints import ComplaintRegister
from qualitapa.errors import DataError
from qualitapa.io import read_table

from .conftest import FUZZ

LONE = "\ud800"
NOT_UNICODE = "not valid Unicode text (a lone surrogate)"

COMPLAINT = {
    "id": "2024/1",
    "kind": "complaint",
    "channel": "web",
    "service": "roads",
    "received_at": "2024-03-01T09:00+01:00",
    "description": "buca",
    "organization": "022205",
}


def _complaints(**patch: Any) -> pd.DataFrame:
    """Two complaints; the second with ``patch``, in columns of Python objects."""
    return pd.DataFrame([COMPLAINT, {**COMPLAINT, "id": "2024/2", **patch}], dtype=object)


@pytest.mark.parametrize(
    "column",
    ["id", "kind", "channel", "service", "category", "organization", "received_at",
     "description", "status", "outcome_note", "contact_name", "contact_email"],
)  # fmt: skip
def test_import_reports_the_cell_and_imports_the_rest(column: str) -> None:
    value = f"2024/{LONE}" if column == "id" else f"a{LONE}b"
    with ComplaintRegister(":memory:") as reg:
        report = reg.import_frame(_complaints(**{column: value}))
        assert reg.to_frame()["id"].tolist() == ["2024/1"]
    assert report.imported == 1
    mine = report.problems[report.problems["problem"].str.contains("Unicode")]
    assert mine[["row", "column"]].to_records(index=False).tolist() == [(2, column)]
    shown = value.replace(LONE, "\\ud800")  # the escape, so the table can be printed and saved
    assert mine["value"].tolist() == [shown]
    assert NOT_UNICODE in mine["problem"].iloc[0]
    report.problems.to_csv(index=False).encode("utf-8")


def _events(**patch: Any) -> pd.DataFrame:
    rows = [
        {"complaint_id": "2024/1", "at": "2024-03-01T09:00+01:00", "actor": "urp",
         "to_status": "received", "note": None},
        {"complaint_id": "2024/1", "at": "2024-03-01T10:00+01:00", "actor": "urp",
         "to_status": "registered", "note": None, **patch},
    ]  # fmt: skip
    return pd.DataFrame(rows, dtype=object)


@pytest.mark.parametrize(
    ("column", "imported"),
    [("actor", 0), ("note", 0),  # a complaint goes with all its events or not at all
     ("complaint_id", 1)],  # the event is of no complaint: 2024/1 has its first event
)  # fmt: skip
def test_import_with_events_reports_the_event_cell(column: str, imported: int) -> None:
    complaints = _complaints().iloc[:1].assign(status=pd.Series([None], dtype=object))
    with ComplaintRegister(":memory:") as reg:
        report = reg.import_frame(complaints, events=_events(**{column: f"2024/{LONE}"}))
        assert len(reg.to_frame()) == imported
    assert report.imported == imported
    mine = report.problems[report.problems["problem"].str.contains("Unicode")]
    assert mine[["table", "row", "column"]].to_records(index=False).tolist() == [
        ("events", 2, column)
    ]
    assert mine["value"].tolist() == ["2024/\\ud800"]


def test_a_complaint_and_its_events_with_the_same_half_character_id() -> None:
    """The events of a refused complaint are named as such, the id written the same way."""
    complaints = _complaints(id=f"2024/{LONE}").assign(status=pd.Series([None] * 2, dtype=object))
    events = pd.concat(
        [_events(), _events(complaint_id=f"2024/{LONE}").iloc[[1]]], ignore_index=True
    ).astype(object)
    events.loc[2, "complaint_id"] = f"2024/{LONE}"
    with ComplaintRegister(":memory:") as reg:
        report = reg.import_frame(complaints, events=events)
    ids = report.problems["id"].dropna().unique().tolist()
    assert "2024/\\ud800" in ids
    assert not report.problems["problem"].str.contains("no complaint with this id").any()


def test_open311_feed_with_half_a_character_on_the_command_line(tmp_path: Path) -> None:
    feed = tmp_path / "feed.json"
    feed.write_text(
        '[{"service_request_id": "1", "service_code": "roads", "description": "buca\\ud800",'
        ' "requested_datetime": "2024-04-14T06:37:38+02:00"},'
        ' {"service_request_id": "2", "service_code": "roads", "description": "buca",'
        ' "requested_datetime": "2024-04-14T06:37:38+02:00"}]',
        encoding="utf-8",
    )
    db = tmp_path / "reg.sqlite"
    result = CliRunner().invoke(
        cli, ["complaints", "import", str(feed), "--db", str(db), "--create"]
    )
    assert "Traceback" not in result.output + result.stderr
    assert "UnicodeEncodeError" not in result.output + result.stderr
    assert "\\ud800" in result.output + result.stderr
    with ComplaintRegister(db, readonly=True) as reg:
        assert reg.to_frame()["id"].tolist() == ["2"]


# -- read_table -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("records", "row", "column"),
    [
        ('[{"a": "x\\ud800y"}]', 1, "a"),  # pandas' reader would drop it silently
        ('[{"a": "1"}, {"a": "x\\udc00"}]', 2, "a"),  # ... or keep it, and pyarrow refuses it
        ('[{"a": "1", "b": "\\udc00\\ud800"}]', 1, "b"),  # the halves in the wrong order
        ('[{"a\\udfff": "1"}]', 1, "a\\udfff"),  # in a field name
        ('[{"a": ["x", {"y": "\\ud800"}]}]', 1, "a"),  # nested
    ],
)
@pytest.mark.parametrize("suffix", [".json", ".ndjson"])
def test_read_table_names_record_and_field(
    tmp_path: Path, records: str, row: int, column: str, suffix: str
) -> None:
    path = tmp_path / f"table{suffix}"
    lines = json.loads(records)
    text = records if suffix == ".json" else "\n".join(json.dumps(r) for r in lines) + "\n"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=r"half of a character.*lone surrogate") as info:
        read_table(path)
    assert (info.value.source, info.value.row, info.value.column) == (str(path), row, column)
    str(info.value).encode("utf-8")  # printable


@pytest.mark.parametrize(
    ("records", "text"),
    [
        ('[{"a": "x\\ud83d\\ude00y"}]', "x\U0001f600y"),  # a pair is one letter
        ('[{"a": "x\\\\ud800y"}]', "x\\ud800y"),  # an escaped backslash, then 'ud800'
        ('[{"a": "citt\\u00e0 \\u20ac"}]', "città €"),
    ],
)
def test_read_table_keeps_whole_letters(tmp_path: Path, records: str, text: str) -> None:
    path = tmp_path / "table.json"
    path.write_text(records, encoding="utf-8")
    assert read_table(path)["a"].tolist() == [text]


def _whole(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@pytest.mark.slow  # hypothesis over texts
@given(
    texts=st.lists(
        st.text(st.characters(codec=None, exclude_categories=("Cc",)), max_size=6),
        min_size=1,
        max_size=4,
    )
)
@FUZZ
def test_read_table_reads_json_text_back_or_names_the_half_character(texts: list[str]) -> None:
    """Whatever :func:`json.dumps` writes (surrogates escaped): the texts back, or the cell."""
    records = json.dumps([{"code": "x", "text": t} for t in texts])
    # json.dumps writes each letter outside the BMP as a pair: reading joins it back
    joined = [t.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")
              for t in texts]  # fmt: skip
    bad = [i for i, t in enumerate(joined) if not _whole(t)]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.json"
        path.write_text(records, encoding="ascii")
        if bad:
            with pytest.raises(DataError) as info:
                read_table(path)
            assert (info.value.row, info.value.column) == (bad[0] + 1, "text")
        else:
            back = read_table(path, text_columns=["text"])["text"]
            assert back.fillna("").tolist() == joined
