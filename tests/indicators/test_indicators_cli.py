"""``qualitapa indicators ...`` and ``qualitapa benchmark``."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from qualitapa.cli import cli


@pytest.fixture
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command line's messages in English (Italian is the default)."""
    monkeypatch.setenv("QUALITAPA_LANG", "en")


RAW = pd.DataFrame(
    {
        "organization": ["a", "a", "a", "b", "b", "b", "c", "c", "c"],
        "period": 2024,
        "variable": ["certificates", "fte", "online"] * 3,
        # per FTE: a 1200/4 = 300, b 900/3 = 300, c 800/0 -> zero denominator
        # online share: a 25 %, b 50 %, c 12.5 %
        "value": [1200, 4, 300, 900, 3, 450, 800, 0, 100],
    }
)


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def _raw(tmp_path: Path, frame: pd.DataFrame = RAW) -> Path:
    path = tmp_path / "raw.csv"
    frame.to_csv(path, index=False)
    return path


def test_list_and_show(registry_toml: Path) -> None:
    code, out, _ = _run("indicators", "list", "-d", str(registry_toml), "--format", "csv")
    assert code == 0
    table = pd.read_csv(io.StringIO(out))
    assert table["id"].tolist() == [
        "registry.certificates_per_fte",
        "registry.online_share",
        "registry.cost_per_inhabitant",
    ]
    assert table["target"].fillna("").tolist() == ["", ">= 30", "<= 4"]
    code, out, _ = _run("indicators", "list", "-d", str(registry_toml), "--dimension", "quality")
    assert "registry.online_share" in out
    assert "certificates_per_fte" not in out

    code, out, _ = _run(
        "indicators", "show", "registry.online_share", "-d", str(registry_toml), "--format", "json"
    )
    assert code == 0
    shown = json.loads(out)
    assert shown["formula"] == "online / certificates"
    assert shown["scale"] == 100
    assert shown["variables"] == ["certificates", "online"]
    assert shown["target"] == {"comparator": ">=", "value": 30.0}
    code, out, _ = _run("indicators", "show", "registry.online_share", "-d", str(registry_toml))
    assert "online / certificates" in out


@pytest.mark.usefixtures("english")
def test_show_unknown_is_one_line_error(registry_toml: Path) -> None:
    code, _, err = _run("indicators", "show", "registry.online", "-d", str(registry_toml))
    assert code == 1
    assert "unknown indicator 'registry.online'" in err
    assert "registry.online_share" in err  # suggestion
    assert "Traceback" not in err


def test_compute_to_csv(tmp_path: Path, registry_toml: Path) -> None:
    out_path = tmp_path / "out.csv"
    code, _, err = _run(
        "indicators", "compute", str(_raw(tmp_path)), "-d", str(registry_toml),
        "-s", "registry", "-o", str(out_path),
    )  # fmt: skip
    assert code == 0, err
    result = pd.read_csv(out_path)
    per_fte = result[result["indicator"] == "registry.certificates_per_fte"]
    assert per_fte["value"].fillna(-1).tolist() == [300.0, 300.0, -1]
    assert per_fte["status"].tolist() == ["ok", "ok", "zero_denominator"]
    cost = result[result["indicator"] == "registry.cost_per_inhabitant"]
    assert set(cost["status"]) == {"missing_variable"}


def test_compute_invalid_data_and_report(tmp_path: Path, registry_toml: Path) -> None:
    bad = RAW.astype({"value": object})
    bad.loc[1, "value"] = "quattro"
    path = _raw(tmp_path, bad)
    code, _, err = _run("indicators", "compute", str(path), "-d", str(registry_toml))
    assert code == 1
    assert "il primo: riga 2" in err  # said in --lang (it), the problem too
    assert "non è un numero" in err
    assert "invalid value" not in err
    code, out, _ = _run(
        "indicators", "compute", str(path), "-d", str(registry_toml), "--errors", "report",
        "-i", "registry.certificates_per_fte", "--format", "csv",
    )  # fmt: skip
    assert code == 0
    assert pd.read_csv(io.StringIO(out))["status"].tolist()[0] == "invalid_input"
    code, out, _ = _run("indicators", "check", str(path), "-d", str(registry_toml))
    assert code == 1
    assert "quattro" in out


def test_benchmark_table_marks_the_best(tmp_path: Path, registry_toml: Path) -> None:
    code, out, err = _run(
        "benchmark", str(_raw(tmp_path)), "-d", str(registry_toml),
        "-i", "registry.online_share", "--period", "2024",
    )  # fmt: skip
    assert code == 0, err
    assert "* = migliore" in out  # the table for people speaks --lang (default Italian)
    lines = [ln for ln in out.splitlines() if "registry.online_share" in ln]
    # ranked: b (50 %) first and marked, then a (25 %), then c (12.5 %)
    assert [ln.split()[0] for ln in lines] == [
        "*",
        "registry.online_share",
        "registry.online_share",
    ]
    assert " b " in lines[0]
    assert " Beta " in lines[0]  # the organization's name from the catalog
    code, out, err = _run(
        "benchmark", str(_raw(tmp_path)), "-d", str(registry_toml),
        "-i", "registry.online_share", "--period", "2024", "--lang", "en",
    )  # fmt: skip
    assert code == 0, err
    assert "Benchmark (* = best performer)" in out


def test_benchmark_csv_from_values_and_peer_groups(tmp_path: Path, registry_toml: Path) -> None:
    values = tmp_path / "values.csv"
    pd.DataFrame(
        {"organization": ["a", "b", "c", "d"], "period": 2024,
         "indicator": "registry.cost_per_inhabitant", "value": [5.0, 2.0, 2.0, 1.0]}
    ).to_csv(values, index=False)  # fmt: skip
    code, out, err = _run(
        "benchmark", str(values), "-d", str(registry_toml), "--peer-group", "size",
        "--format", "csv",
    )  # fmt: skip
    assert code == 0, err
    # two organizations per class: nobody is ranked by default (min_compared = 3)
    res = pd.read_csv(io.StringIO(out))
    assert res["rank"].isna().all()
    assert set(res["comparison"]) == {"too_few_compared"}
    code, out, err = _run(
        "benchmark", str(values), "-d", str(registry_toml), "--peer-group", "size",
        "--min-compared", "2", "--format", "csv",
    )  # fmt: skip
    assert code == 0, err
    res = pd.read_csv(io.StringIO(out))
    by_org = res.set_index("organization")
    # small: a (5) and d (1) -> d best; large: b and c tie at 2
    assert by_org.loc["d", "rank"] == 1
    assert by_org.loc["a", "rank"] == 2
    assert by_org.loc["b", "rank"] == 1
    assert by_org.loc["c", "rank"] == 1
    # b and c are equal: no best performer in their group
    assert pd.isna(by_org.loc["b", "best_performers"])
    assert by_org.loc["b", "comparison"] == "all_equal"
    assert by_org.loc["d", "best_performers"] == "d"
    assert by_org.loc["a", "peer_group"] == "small"
    # the table for people names each class by its label, in --lang (CSV keeps the class)
    for lang, small, large in (("it", "comuni piccoli", "comuni grandi"),
                               ("de", "kleine Gemeinden", "große Gemeinden")):  # fmt: skip
        code, out, err = _run(
            "benchmark", str(values), "-d", str(registry_toml), "--peer-group", "size",
            "--min-compared", "2", "--lang", lang,
        )  # fmt: skip
        assert code == 0, err
        assert small in out
        assert large in out
        assert " small " not in out
        assert " large " not in out


def test_trends_and_targets_commands(tmp_path: Path, registry_toml: Path) -> None:
    values = tmp_path / "values.csv"
    pd.DataFrame(
        {"organization": "a", "indicator": "registry.online_share",
         "period": [2020, 2021, 2022, 2023, 2024], "value": [10.0, 20.0, 40.0, 30.0, 50.0]}
    ).to_csv(values, index=False)  # fmt: skip
    code, out, err = _run(
        "indicators", "trends", str(values), "-d", str(registry_toml), "--alpha", "0.1",
        "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    (row,) = json.loads(out)
    assert row["slope"] == 10.0
    assert row["trend"] == "improving"
    code, out, err = _run("indicators", "targets", str(values), "-d", str(registry_toml),
                          "--format", "csv")  # fmt: skip
    assert code == 0, err
    assert pd.read_csv(io.StringIO(out))["met"].tolist() == [False, False, True, True, True]


@pytest.mark.usefixtures("english")
def test_no_indicators_installed(tmp_path: Path) -> None:
    code, _, err = _run("indicators", "compute", str(_raw(tmp_path)))
    assert code == 1
    assert "no indicators" in err


@pytest.mark.usefixtures("english")
def test_invalid_data_prints_the_problem_table(tmp_path: Path, registry_toml: Path) -> None:
    bad = RAW.astype({"value": object}).copy()
    bad.loc[1, "value"] = "quattro"  # a's FTE written in words
    code, _, err = _run("indicators", "compute", str(_raw(tmp_path, bad)), "-d", str(registry_toml))
    assert code == 1
    first, *table = err.strip().splitlines()
    assert first.startswith("Error: ")
    assert "data row 2, variable 'fte', value 'quattro': not a number" in first
    assert "--errors report" in first
    assert "Traceback" not in err
    assert table[0].split()[:2] == ["Row", "Organization"]  # headers for people
    assert table[1].split()[:2] == ["2", "a"]
