"""Several inputs as one table: io.read_sources and merge_sources (issue 18)."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualitapa.catalog import default_catalog
from qualitapa.errors import DataError, DataWarning, OptionError
from qualitapa.io import PROVENANCE_COLUMNS, SourceConflictError, merge_sources, read_sources
from tests.round.conftest import run

RAW = pd.DataFrame(
    {
        "organization": ["022205", "022205", "016024", "016024", "021008"],
        "period": 2024,
        "variable": [
            "registry.fte",
            "registry.cost",
            "registry.fte",
            "registry.cost",
            "registry.fte",
        ],
        "value": [60.0, 1.5e6, 40.0, 9.0e5, 55.5],
    }
)


def _write(frame: pd.DataFrame, path: Path) -> Path:
    frame.to_csv(path, index=False)
    return path


def test_one_file_reads_as_read_table(tmp_path: Path) -> None:
    path = _write(RAW, tmp_path / "raw.csv")
    pd.testing.assert_frame_equal(
        read_sources([path]), pd.read_csv(path, dtype={"organization": str})
    )
    with_rows = read_sources([path], provenance=True)
    assert list(with_rows.columns[-3:]) == list(PROVENANCE_COLUMNS)
    assert with_rows["source_row"].tolist() == [1, 2, 3, 4, 5]


def test_wide_and_long_files_merge_as_long(tmp_path: Path) -> None:
    long = _write(RAW.iloc[:2], tmp_path / "trento.csv")
    wide = RAW.iloc[2:].pivot(index=["organization", "period"], columns="variable", values="value")
    wide_path = tmp_path / "others.csv"
    wide.reset_index().assign(organization_name="x").to_csv(wide_path, index=False)
    both = read_sources([long, wide_path])
    got = both.sort_values(["organization", "variable"])[["organization", "variable", "value"]]
    want = RAW.sort_values(["organization", "variable"])[["organization", "variable", "value"]]
    assert got.values.tolist() == want.values.tolist()  # the label column is no variable
    assert set(both["source"]) == {str(long), str(wide_path)}


@given(st.lists(st.integers(min_value=0, max_value=2), min_size=len(RAW), max_size=len(RAW)))
def test_any_split_into_files_reads_back_the_same_records(parts: list[int]) -> None:
    """Metamorphic: splitting the rows among files (and repeating some) changes nothing."""
    frames = []
    for k in range(3):
        chosen = RAW[[p == k for p in parts]]
        frames.append(chosen.assign(source=f"f{k}.csv", source_sheet=None,
                                    source_row=range(1, len(chosen) + 1)))  # fmt: skip
    frames.append(RAW.iloc[:2].assign(source="again.csv", source_sheet=None, source_row=[1, 2]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        merged, conflicts = merge_sources(frames)
    assert conflicts.empty
    key = ["organization", "variable"]
    assert (
        merged.sort_values(key)[[*key, "value"]].values.tolist()
        == RAW.sort_values(key)[[*key, "value"]].values.tolist()
    )


def test_a_conflict_lists_every_row_with_its_file(tmp_path: Path) -> None:
    a = _write(RAW, tmp_path / "a.csv")
    changed = RAW.copy()
    changed.loc[[0, 4], "value"] = [61.0, 56.0]
    b = _write(changed, tmp_path / "b.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no note before the error
        with pytest.raises(SourceConflictError) as info:
            read_sources([a, b])
    cases = info.value.failure_cases
    assert cases is not None
    assert cases[["organization", "value", "source", "source_row"]].values.tolist() == [
        ["022205", 60.0, str(a), 1],
        ["022205", 61.0, str(b), 1],
        ["021008", 55.5, str(a), 5],
        ["021008", 56.0, str(b), 5],
    ]
    assert str(info.value).startswith(
        f"2 record(s) have different values in different files: organization 022205, "
        f"period 2024, variable registry.fte is 60.0 in {a}, row 1 and 61.0 in {b}, row 1"
    )


def test_identical_records_are_read_once_with_a_note(tmp_path: Path) -> None:
    a = _write(RAW, tmp_path / "a.csv")
    b = _write(RAW.iloc[[0]], tmp_path / "b.csv")
    with pytest.warns(DataWarning, match=r"b\.csv"):
        both = read_sources([a, b])
    assert len(both) == len(RAW)
    assert set(both["source"]) == {str(a)}


def test_sources_that_are_not_there(plugins: None, tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"did you mean registry\.demo\.indicators"):
        read_sources(["registry.demo.indicator"], catalog=default_catalog())
    with pytest.raises(OptionError, match="no data given"):
        read_sources([])
    with pytest.raises(OptionError, match="once"):
        read_sources(["-", "-"])
    demo = read_sources(["registry.demo.indicators"], catalog=default_catalog())
    assert demo["organization"].str.len().eq(6).all()


def test_report_merges_several_values_files(tmp_path: Path) -> None:
    raw = _write(RAW, tmp_path / "raw.csv")
    first = tmp_path / "v1.csv"
    second = tmp_path / "v2.csv"
    for org, target in (("022205", first), ("016024", second)):
        result = run("indicators", "compute", raw, "-s", "registry", "-i",
                     "registry.cost_per_inhabitant", "--format", "csv", "-o", target)  # fmt: skip
        assert result.exit_code == 0, result.output
        values = pd.read_csv(target, dtype={"organization": str})
        values[values["organization"] == org].to_csv(target, index=False)
    html = tmp_path / "r.html"
    result = run("report", "-s", "registry", "-p", "2024", "--values", first, "--values", second,
                 "-o", html)  # fmt: skip
    assert result.exit_code == 0, result.output
    text = html.read_text(encoding="utf-8")
    assert "Trento" in text
    assert "Bergamo" in text
