"""The hash chain's block bytes: a clerk's one-event block hashed value by value, as before.

A write of one clerk hashes columns of one value: the chain hashes short
columns of text and None in plain Python (``_few_texts``, ``_integers``) and
everything else vectorised (``_column_texts``). Both must give the same
bytes, or links written by one would not verify with the other: Hypothesis
compares them on random short columns (None, the separator U+001F, lone
surrogates, values that are not text), and fixed blocks keep the digests
the chain gave before the short path existed, re-derived here by a plain
implementation of the layout the module documents.
"""

from __future__ import annotations

import hashlib
import math
import struct
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualitapa.complaints import _chain
from qualitapa.complaints._chain import (
    COMPLAINT_FIELDS,
    EVENT_FIELDS,
    GENESIS,
    LOCATION_FIELDS,
    block_hash,
)

_NO_COMPLAINTS: dict[str, list[Any]] = {f: [] for f in COMPLAINT_FIELDS}

#: Blocks and their digests as printed by the chain before its short path
#: (commit da384e7, ``block_hash(*block).hex()``).
BLOCKS: dict[str, tuple[Any, ...]] = {
    "one transition": (
        GENESIS, 7, 7, 1_704_704_400_000_000,
        {"seq": [7], "complaint_id": ["015146/2024/000003"], "at_us": [1_704_704_400_000_000],
         "actor": ["clerk3"], "action": ["assign"], "from_status": ["registered"],
         "to_status": ["assigned"], "note": [""], "target": ["clerk3"]},
        _NO_COMPLAINTS,
    ),
    "an add with nulls, a separator, a surrogate and a location": (
        bytes(range(32)), 1, 2, 1_704_704_400_123_456,
        {"seq": [1, 2], "complaint_id": ["2024/1", "2024/1"],
         "at_us": [1_704_704_400_000_000] * 2, "actor": ["urp", "u\x1frp"],
         "action": ["receive", "register"], "from_status": [None, "received"],
         "to_status": ["received", "registered"], "note": ["", "è\ud800"],
         "target": [None, None]},
        {"id": ["2024/1"], "kind": ["complaint"], "channel": ["web"], "service": ["registry"],
         "category": [None], "organization": ["015146"], "received_us": [1_704_704_400_000_000],
         "description": ["attesa \x1f lunga"], "latitude": [45.07], "longitude": [None],
         "address": ["Via Roma 1"], "media_url": [None]},
    ),
    "nine events, one actor not text": (
        GENESIS, 1, 9, 0,
        {"seq": list(range(1, 10)), "complaint_id": [f"c{i}" for i in range(9)],
         "at_us": list(range(9)), "actor": ["a", None, 3, "b", None, "c", "d", "e", "f"],
         "action": ["x"] * 9, "from_status": [None] * 9, "to_status": ["received"] * 9,
         "note": [""] * 9, "target": [None] * 8 + ["t"]},
        _NO_COMPLAINTS,
    ),
    "a hundred events and complaints": (
        GENESIS, 1, 100, 5,
        {"seq": list(range(1, 101)), "complaint_id": [f"2024/{i}" for i in range(100)],
         "at_us": [10 * i for i in range(100)],
         "actor": ["urp" if i % 3 else None for i in range(100)], "action": ["receive"] * 100,
         "from_status": [None] * 100, "to_status": ["received"] * 100,
         "note": ["nota\x1f" if i == 50 else "" for i in range(100)], "target": [None] * 100},
        {"id": [f"2024/{i}" for i in range(100)], "kind": ["complaint"] * 100,
         "channel": ["web"] * 100, "service": ["registry"] * 100, "category": [None] * 100,
         "organization": ["015146"] * 100, "received_us": [10 * i for i in range(100)],
         "description": ["d"] * 100, "latitude": [None] * 99 + [45.5],
         "longitude": [None] * 100, "address": [None] * 100, "media_url": [None] * 100},
    ),
}  # fmt: skip
DIGESTS = {
    "one transition": "37559acb8cd94378fd8ad3587d10a4017daa377e8ff4318a9bd97edf0106f518",
    "an add with nulls, a separator, a surrogate and a location": (
        "fe781032b88ada936b0a986dc731996a24b0d81eca9c56e1c29c1b8b5b378f42"
    ),
    "nine events, one actor not text": (
        "53dd7d0693999a285d18798ef6972632facbf97a6b9601e9699eb99f26fc7923"
    ),
    "a hundred events and complaints": (
        "2bcccd301f1754e707503e1295e63324398b54d3107002f0de0409c6f5a0a176"
    ),
}


def _reference_texts(values: list[Any]) -> bytes:
    """A text column as the module's docs lay it out, written from them, value by value."""
    missing = [v is None or (isinstance(v, float) and math.isnan(v)) for v in values]
    bitmap = bytearray((len(values) + 7) // 8)
    for i, m in enumerate(missing):
        if m:
            bitmap[i // 8] |= 0x80 >> (i % 8)
    shown = ["" if m else v for v, m in zip(values, missing, strict=True)]
    texts = [v if isinstance(v, str) else f"\x00{type(v).__name__}:{v}" for v in shown]
    plain = all(isinstance(v, str) for v in shown) and not any("\x1f" in v for v in texts)
    if plain:
        return b"J" + bytes(bitmap) + "\x1f".join(texts).encode("utf-8", "surrogatepass")
    lengths = b"".join(struct.pack("<q", len(v)) for v in texts)
    return b"L" + bytes(bitmap) + lengths + "".join(texts).encode("utf-8", "surrogatepass")


def _reference_block(
    previous: bytes, first: int, last: int, written: int, events: dict, complaints: dict
) -> str:
    h = hashlib.sha256(b"qualitapa complaint register, hash chain v1\n" + previous)
    h.update(struct.pack("<5q", first, last, written, len(events["seq"]), len(complaints["id"])))
    for fields, columns in ((EVENT_FIELDS, events), (COMPLAINT_FIELDS, complaints)):
        for name in fields:
            if name in ("seq", "at_us", "received_us"):
                h.update(b"".join(struct.pack("<q", v) for v in columns[name]))
            else:
                h.update(_reference_texts(list(columns[name])))
    located = [complaints.get(f, []) for f in LOCATION_FIELDS]
    if any(v is not None for column in located for v in column):
        h.update(b"location")
        for name, column in zip(LOCATION_FIELDS, located, strict=True):
            if name in ("latitude", "longitude"):
                column = [None if v is None else repr(float(v)) for v in column]
            h.update(_reference_texts(list(column)))
    return h.hexdigest()


@pytest.mark.parametrize("name", list(BLOCKS))
def test_blocks_keep_their_digests(name: str) -> None:
    block = BLOCKS[name]
    assert block_hash(*block).hex() == DIGESTS[name]
    # as verify_chain passes them: slices of object arrays
    arrays = [{k: np.asarray(v, dtype=object) for k, v in part.items()} for part in block[4:]]
    assert block_hash(*block[:4], *arrays).hex() == DIGESTS[name]
    # and as the documented layout says, written independently
    assert _reference_block(*block) == DIGESTS[name]


def test_a_block_differs_when_one_value_does() -> None:
    previous, first, last, written, events, complaints = BLOCKS["one transition"]
    for field in EVENT_FIELDS[3:]:
        changed = {**events, field: [None if events[field][0] else "x"]}
        digest = block_hash(previous, first, last, written, changed, complaints).hex()
        assert digest != DIGESTS["one transition"], field


_TEXT = st.text(st.characters(exclude_categories=()), max_size=6) | st.sampled_from(
    ["", "\x1f", "a\x1fb", "\x1f\x1f", "\ud800", "\udfff\x1f", "\x00", "è"]
)
_TEXT_OR_NONE = st.none() | _TEXT
_OTHER = (
    st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=True)
    | st.booleans()
    | st.binary(max_size=3)
    | st.just(float("nan"))
    | st.just(pd.NA)
    | st.just(np.float64("nan"))
)


@given(st.lists(_TEXT_OR_NONE, max_size=_chain._SMALL + 3))
def test_the_short_path_gives_the_vectorised_bytes(values: list[str | None]) -> None:
    few = _chain._few_texts(values)
    assert few is not None  # text and None: the short path answers
    assert few == _chain._column_texts(values)
    assert few == _chain._column_texts(np.asarray(values, dtype=object))
    assert few == _reference_texts(values)


@given(st.lists(_TEXT_OR_NONE | _OTHER, max_size=12))
def test_any_column_hashes_as_the_vectorised_path_does(values: list[Any]) -> None:
    expected = _chain._column_texts(values)
    assert _chain._texts(values) == expected
    as_array = np.empty(len(values), dtype=object)
    as_array[:] = values
    assert _chain._texts(as_array) == expected
    if any(v is not None and type(v) is not str for v in values):
        assert _chain._few_texts(values) is None  # not text: left to the vectorised path


@given(st.lists(st.integers(-(2**63), 2**63 - 1), max_size=_chain._SMALL + 3))
def test_short_integer_columns_are_numpy_s_bytes(values: list[int]) -> None:
    assert _chain._integers(values) == np.asarray(values, dtype="<i8").tobytes()


@pytest.mark.parametrize("value", [2**63, -(2**63) - 1])
def test_an_integer_out_of_range_is_refused_as_before(value: int) -> None:
    with pytest.raises(OverflowError):
        _chain._integers([1, value])


@given(st.lists(st.none() | st.just(float("nan")) | st.just(pd.NA) | _TEXT | st.floats()))
def test_all_missing_is_pandas_isna(values: list[Any]) -> None:
    column = np.empty(len(values), dtype=object)
    column[:] = values
    assert _chain._all_missing(values) == bool(pd.isna(column).all())
