"""The helpers of the plugins' demo-data scripts, and the demo files they name."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from qualitapa.catalog import Catalog
from qualitapa.demo.data import (
    cities,
    demo_file,
    drop_some,
    run_script,
    sort_tidy,
    tidy,
    write_demo_files,
)
from qualitapa.errors import PluginError
from qualitapa.io import read_table
from qualitapa.programme import SHEETS
from qualitapa.testing import isolated_plugins

from .conftest import PLUGINS


def _wide() -> pd.DataFrame:
    index = pd.MultiIndex.from_product([["b", "a"], [2024, 2023]], names=["organization", "period"])
    return pd.DataFrame({"x.loans": [1.0, 2.0, 3.0, np.nan], "x.cost": [5.0, 6.0, 7.0, 8.0]}, index)


def test_tidy_is_the_long_form_of_the_wide_panel():
    wide = _wide()
    before = wide.copy()
    got = tidy(wide)
    pd.testing.assert_frame_equal(wide, before)  # not modified
    assert list(got.columns) == ["organization", "period", "variable", "value"]
    # every non-missing cell once, and back to the same wide table
    assert len(got) == wide.notna().sum().sum()
    back = got.pivot(index=["organization", "period"], columns="variable", values="value")
    pd.testing.assert_frame_equal(
        back.sort_index(), wide.sort_index()[sorted(wide.columns)], check_names=False
    )
    assert got.equals(sort_tidy(got.sample(frac=1, random_state=1)))
    unsorted = tidy(wide, sort=False)
    assert list(unsorted["organization"][:2]) == ["b", "b"]
    assert sort_tidy(unsorted).equals(got)


def test_drop_some_draws_one_number_per_row_in_order():
    frame = pd.DataFrame({"value": np.arange(20_000.0)})
    kept = drop_some(frame, np.random.default_rng(7), 0.25)
    draws = np.random.default_rng(7).random(len(frame))
    assert kept["value"].tolist() == frame["value"][draws >= 0.25].tolist()
    assert abs(len(kept) / len(frame) - 0.75) < 0.02
    protected = frame["value"] < 100
    kept = drop_some(frame, np.random.default_rng(7), 0.25, keep=protected)
    assert set(range(100)) <= set(kept["value"].astype(int))
    assert kept.index.equals(pd.RangeIndex(len(kept)))


def test_write_demo_files_writes_csv_read_back_as_written(tmp_path, capsys):
    frame = tidy(_wide())
    (path,) = write_demo_files({"indicator_data": frame}, tmp_path / "demo")
    assert path.name == "indicator_data.csv"
    assert "indicator_data.csv: 7 rows" in capsys.readouterr().out
    pd.testing.assert_frame_equal(read_table(path), frame, check_dtype=False)


def test_cities_of_an_installed_plugin():
    frame = cities("qclub")
    assert list(frame.columns) == ["organization", "name", "population"]
    assert frame["organization"].is_monotonic_increasing
    assert dict(zip(frame["name"], frame["organization"], strict=True))["Modena"] == "036023"
    with pytest.raises(PluginError, match="no installed plugin named 'nowhere'"):
        cities("nowhere")


def test_every_plugin_names_its_demo_files_after_their_kind():
    with isolated_plugins(PLUGINS):
        catalog = Catalog.build()
    for dataset in catalog.datasets.values():
        if dataset.kind.startswith("programme"):
            # a quality programme is a folder of sheets, each file named after its sheet
            assert "programme" in dataset.path.parent.parts, dataset.id
            assert dataset.path.stem in SHEETS, dataset.id
            continue
        assert dataset.path.parent.name == "demo", dataset.id
        assert dataset.path.name == demo_file(dataset.kind), dataset.id


def test_run_script_writes_into_out_or_the_default(tmp_path, monkeypatch, capsys):
    frame = tidy(_wide())
    monkeypatch.setattr("sys.argv", ["make_demo_data.py", "--out", str(tmp_path / "elsewhere")])
    (path,) = run_script(
        "Write demo data.\n\nMore.", tmp_path / "demo", lambda: {"caf_scores": frame}
    )
    assert path == tmp_path / "elsewhere" / "caf_scores.csv"
    monkeypatch.setattr("sys.argv", ["make_demo_data.py"])
    (path,) = run_script(None, tmp_path / "demo", lambda: {"caf_scores": frame})
    assert path == tmp_path / "demo" / "caf_scores.csv"
    monkeypatch.setattr("sys.argv", ["make_demo_data.py", "--help"])
    with pytest.raises(SystemExit):
        run_script("Write demo data.", tmp_path, dict)
    assert "Write demo data." in capsys.readouterr().out
