"""JSON and NDJSON output: every float, date and missing value reads back as it was (issue 17)."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualitapa._writers import to_json, to_ndjson
from qualitapa.io import read_table

WRITERS = {"json": to_json, "ndjson": to_ndjson}

floats = st.floats(allow_nan=True, allow_infinity=False)
times = st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2200, 1, 1))
days = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 1, 1))


def _bits(values: pd.Series) -> np.ndarray:
    """The 64 bits of each double (NaN: one pattern, as JSON has one null)."""
    array = values.to_numpy(dtype=float).copy()
    array[np.isnan(array)] = np.nan
    return array.view(np.int64)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.lists(
        st.tuples(floats, st.one_of(st.none(), times), st.one_of(st.none(), days)),
        min_size=1,
        max_size=20,
    ),
    fmt=st.sampled_from(sorted(WRITERS)),
)
def test_a_written_table_reads_back_bit_for_bit(tmp_path, data, fmt):
    value, at, day = zip(*data, strict=True)
    frame = pd.DataFrame(
        {
            "organization": [f"{n:06d}" for n in range(len(data))],
            "value": np.array(value, dtype=float),
            "received_at": pd.to_datetime(pd.Series(at, dtype=object)).astype("datetime64[us]"),
            "due_date": pd.to_datetime(pd.Series(day, dtype=object)).astype("datetime64[us]"),
        }
    )
    path = tmp_path / f"x.{fmt}"
    path.write_text(WRITERS[fmt](frame), encoding="utf-8")
    back = read_table(path)
    assert back["organization"].tolist() == frame["organization"].tolist()
    np.testing.assert_array_equal(_bits(back["value"]), _bits(frame["value"]))
    for col in ("received_at", "due_date"):
        if frame[col].isna().all():  # nothing says it holds dates: all null
            assert back[col].isna().all()
            continue
        np.testing.assert_array_equal(
            back[col].astype("datetime64[us]").to_numpy(), frame[col].to_numpy()
        )


@pytest.mark.parametrize("value", [0.1 + 0.2, 1 / 3, 5e-324, 1.7976931348623157e308, -0.0])
def test_floats_are_written_with_every_digit(value):
    text = to_ndjson(pd.DataFrame({"value": [value]}))
    assert json.loads(text)["value"] == value
    assert repr(value) in text  # pandas' default wrote 10 decimals: 0.3 for 0.1 + 0.2


def test_missing_values_are_null_and_dates_stay_dates():
    frame = pd.DataFrame(
        {
            "value": [np.nan, np.inf],
            "n": pd.array([1, None], dtype="Int64"),
            "due_date": pd.to_datetime(["2024-02-02", None]),
            "received_at": pd.to_datetime(
                ["2024-01-31 09:30", "2024-01-31 09:30:00.5"], format="ISO8601"
            ),
        }
    )
    records = json.loads(to_json(frame))
    assert records == [
        {"value": None, "n": 1, "due_date": "2024-02-02", "received_at": "2024-01-31T09:30:00"},
        {
            "value": None,
            "n": None,
            "due_date": None,
            "received_at": "2024-01-31T09:30:00.500000",
        },
    ]


def test_aware_times_are_local_time_with_the_offset():
    utc = pd.Series(pd.to_datetime(["2024-01-31T08:30Z", "2024-07-01T07:30Z"]))
    frame = pd.DataFrame({"at": utc.dt.tz_convert("Europe/Rome")})
    records = json.loads(to_json(frame))
    assert [r["at"] for r in records] == ["2024-01-31T09:30:00+01:00", "2024-07-01T09:30:00+02:00"]
    back = pd.to_datetime(pd.Series([r["at"] for r in records]), format="ISO8601", utc=True)
    assert (back == utc).all()
