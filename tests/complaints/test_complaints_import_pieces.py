"""A large import validated in pieces (while the piece before is written) equals one piece.

The PostgreSQL register validates an import of more than
``_import_piece`` complaints piece by piece in a thread while its server
stores the piece before (issue 22: client and server work at once). Every
check of the validation is within a row except the repeated id, so the
pieces must give exactly the complaints, events and problems of one piece;
a table with a repeated id is validated whole. The pieces here are 7 rows,
so a table of 40 complaints takes 6 pieces.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from qualitapa.complaints import ComplaintRegister
from qualitapa.errors import DataError

PIECE = 7


def messy(n: int = 40) -> pd.DataFrame:
    """``n`` complaints as an office exports them, with a bad cell of each kind in other pieces."""
    rng = np.random.default_rng(7)
    days = rng.integers(1, 28, n)
    frame = pd.DataFrame(
        {
            "id": [f"2024/{i:04d}" for i in range(n)],
            "kind": rng.choice(["complaint", "suggestion", "praise"], n),
            "channel": rng.choice(["email", "pec", "counter"], n),
            "service": rng.choice(["registry", "libraries"], n),
            "received_at": [f"2024-03-{d:02d}T09:30:00" for d in days],
            "status": np.where(rng.random(n) < 0.5, "answered", "received"),
            "answered_at": [f"2024-04-{d:02d}T12:00:00+02:00" for d in days],
        }
    )
    frame.loc[frame["status"] == "received", "answered_at"] = None
    frame.loc[3, "received_at"] = "31/02/2024"  # piece 1
    frame.loc[9, "status"] = "boh"  # piece 2
    frame.loc[15, "id"] = None  # piece 3
    frame.loc[22, "channel"] = "piccione"  # piece 4
    frame.loc[30, ["status", "answered_at"]] = ["answered", "2024-01-01T00:00:00+01:00"]
    frame.loc[39, "id"] = "2024/ bad id"  # the last piece, of 5 rows
    return frame


def _whole(tmp_path: Path, frame: pd.DataFrame, before: pd.DataFrame | None) -> Any:
    """The report, complaints and histories of a SQLite register importing ``frame`` whole."""
    with ComplaintRegister(tmp_path / "whole.db") as reg:
        if before is not None:
            reg.import_frame(before)
        return reg.import_frame(frame), _content(reg)


def _content(reg: ComplaintRegister) -> tuple[pd.DataFrame, pd.DataFrame]:
    cases = reg.to_frame().sort_values("id", ignore_index=True)
    events = reg.events_frame().drop(columns="seq")
    events = events.sort_values(["complaint_id", "at"], kind="stable", ignore_index=True)
    return cases, events


@pytest.mark.parametrize("clash", [False, True], ids=["empty register", "ids already there"])
def test_pieces_give_the_complaints_events_and_problems_of_one_piece(
    backend: Any, tmp_path: Path, clash: bool
) -> None:
    frame = messy()
    before = frame.iloc[[12, 26]] if clash else None  # pieces 2 and 4 then clash
    report, (cases, events) = _whole(tmp_path, frame, before)
    with ComplaintRegister(backend) as reg:
        reg._import_piece = PIECE
        if before is not None:
            reg.import_frame(before)
        pieces = reg.import_frame(frame)
        got_cases, got_events = _content(reg)
    assert (pieces.imported, pieces.events) == (report.imported, report.events)
    assert pieces.imported == 40 - 6 - 2 * clash  # the six bad rows are left out, and the clashes
    pd.testing.assert_frame_equal(pieces.problems, report.problems)
    assert sorted(set(pieces.problems["row"])) == (
        [4, 10, 13, 16, 23, 27, 31, 40] if clash else [4, 10, 16, 23, 31, 40]
    )
    pd.testing.assert_frame_equal(got_cases, cases)
    pd.testing.assert_frame_equal(got_events, events)


def test_a_repeated_id_in_another_piece_is_found_as_in_one_piece(
    backend: Any, tmp_path: Path
) -> None:
    frame = messy()
    frame.loc[33, "id"] = frame.loc[2, "id"]  # pieces 5 and 1
    report, (cases, _) = _whole(tmp_path, frame, None)
    with ComplaintRegister(backend) as reg:
        reg._import_piece = PIECE
        pieces = reg.import_frame(frame)
        assert reg.to_frame().sort_values("id", ignore_index=True).equals(cases)
    pd.testing.assert_frame_equal(pieces.problems, report.problems)
    assert "duplicate id (first in row 3)" in set(pieces.problems["problem"])


def test_a_failing_piece_writes_nothing(backend: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The pieces are one transaction: a write failing at the third piece leaves the register
    as it was (the first two pieces are rolled back)."""
    with ComplaintRegister(backend) as reg:
        reg._import_piece = PIECE
        write = type(reg)._write_import
        calls = []

        def failing(self: Any, *args: Any, **kwargs: Any) -> Any:
            calls.append(1)
            if len(calls) == 3:
                raise DataError("the disk is full")
            return write(self, *args, **kwargs)

        monkeypatch.setattr(type(reg), "_write_import", failing)
        with pytest.raises(DataError, match="the disk is full"):
            reg.import_frame(messy())
        assert len(calls) == 3
        assert len(reg) == 0
        assert len(reg.events_frame()) == 0


def test_a_read_only_register_refuses_an_import_in_pieces(backend: Any) -> None:
    ComplaintRegister(backend).close()  # created
    with ComplaintRegister(backend, readonly=True) as reg:
        reg._import_piece = PIECE
        with pytest.raises(DataError, match=r"read-only|sola lettura"):
            reg.import_frame(messy())
