"""CLI commands `qualitapa composite` and `qualitapa dea`; group ratios."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from qualitapa.cli import cli
from qualitapa.composite import group_ratio, ratio_parts
from qualitapa.errors import DataError, DefinitionError
from qualitapa.indicators import IndicatorDefinition


@pytest.fixture
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command line's messages in English (Italian is the default)."""
    monkeypatch.setenv("QUALITAPA_LANG", "en")


TOML = """
[[services]]
id = "libraries"
label = { it = "Biblioteche", en = "Libraries" }

[[indicators]]
id = "libraries.loans_per_inhabitant"
label = { it = "Prestiti per abitante", en = "Loans per inhabitant" }
service = "libraries"
dimension = "effectiveness"
formula = "loans / population"
polarity = "higher_is_better"

[[indicators]]
id = "libraries.cost_per_loan"
label = { it = "Costo per prestito", en = "Cost per loan" }
service = "libraries"
dimension = "efficiency"
formula = "cost / loans"
polarity = "lower_is_better"

[[composites]]
id = "libraries.index"
label = { it = "Indice biblioteche", en = "Libraries index" }
service = "libraries"
scale = 100

[[composites.components]]
indicator = "libraries.loans_per_inhabitant"

[[composites.components]]
indicator = "libraries.cost_per_loan"
"""


@pytest.fixture
def files(tmp_path):
    defs = tmp_path / "defs.toml"
    defs.write_text(TOML, encoding="utf-8")
    raw = tmp_path / "raw.csv"
    pd.DataFrame(
        {
            "organization": ["a", "b", "c"],
            "period": [2024] * 3,
            "loans": [100.0, 300.0, 200.0],
            "population": [100.0, 100.0, 100.0],
            "cost": [500.0, 600.0, 2000.0],
        }
    ).to_csv(raw, index=False)
    return defs, raw


def test_cli_composite_from_raw_data(files):
    defs, raw = files
    result = CliRunner().invoke(
        cli,
        ["composite", str(raw), "--index", "libraries.index", "-d", str(defs), "--format", "json"],
    )
    assert result.exit_code == 0, result.output
    rows = {r["organization"]: r for r in json.loads(result.output)}
    # loans per inhabitant 1, 3, 2 -> 0, 1, .5; cost per loan 5, 2, 10 -> .625, 1, 0
    assert rows["b"]["value"] == pytest.approx(100.0)
    assert rows["b"]["rank"] == 1
    assert rows["a"]["value"] == pytest.approx(100 * 0.625 / 2)
    assert rows["c"]["value"] == pytest.approx(25.0)


@pytest.mark.usefixtures("english")
def test_cli_composite_uncertainty_and_contributions(files):
    defs, raw = files
    runner = CliRunner()
    result = runner.invoke(
        cli,
        [
            "composite",
            str(raw),
            "--index",
            "libraries.index",
            "-d",
            str(defs),
            "--uncertainty",
            "50",
            "--format",
            "csv",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "median_rank" in result.output.splitlines()[0]
    result = runner.invoke(
        cli,
        [
            "composite",
            str(raw),
            "--index",
            "libraries.index",
            "-d",
            str(defs),
            "--show",
            "contributions",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "libraries.cost_per_loan" in result.output
    result = runner.invoke(cli, ["composite", str(raw), "--index", "nothing", "-d", str(defs)])
    assert result.exit_code == 1
    assert "unknown composite index 'nothing'" in result.output


def test_cli_dea(tmp_path):
    data = tmp_path / "units.csv"
    pd.DataFrame(
        {"organization": ["a", "b", "c"], "staff": [2.0, 4.0, 5.0], "acts": [4.0, 6.0, 9.0]}
    ).to_csv(data, index=False)
    runner = CliRunner()
    result = runner.invoke(
        cli, ["dea", str(data), "--inputs", "staff", "--outputs", "acts", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    scores = {r["organization"]: r["efficiency"] for r in json.loads(result.output)}
    assert scores == pytest.approx({"a": 1.0, "b": 0.75, "c": 0.9})
    result = runner.invoke(
        cli,
        [
            "dea",
            str(data),
            "--inputs",
            "staff",
            "--outputs",
            "acts",
            "--rts",
            "vrs",
            "--super",
            "--show",
            "targets",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Obiettivo" in result.output  # the target column, its header in Italian
    bad = tmp_path / "bad.csv"
    pd.DataFrame({"organization": ["a", "b"], "staff": [0.0, 1.0], "acts": [1.0, 2.0]}).to_csv(
        bad, index=False
    )
    result = runner.invoke(cli, ["dea", str(bad), "--inputs", "staff", "--outputs", "acts"])
    assert result.exit_code == 1
    assert "l'input deve essere positivo (a, staff)" in result.output  # in --lang (it)
    assert "must be positive" not in result.output


# -- group ratios -----------------------------------------------------------------------


def test_group_ratio_is_sum_over_sum_with_wilson_interval():
    df = pd.DataFrame(
        {
            "organization": ["a", "b", "c", "d"],
            "answered": [1, 900, 3, 10],
            "received": [4, 1000, 3, 10],
        }
    )
    groups = {"a": "small", "b": "large", "c": "small", "d": "small"}
    res = group_ratio(df, numerator="answered", denominator="received", groups=groups)
    small = res.set_index("group").loc["small"]
    assert small["value"] == pytest.approx(14 / 17)
    assert small["mean_of_ratios"] == pytest.approx((0.25 + 1 + 1) / 3)
    assert small["n_organizations"] == 3
    assert small["method"] == "wilson"
    # Wilson score interval for 1 success in 4 trials, 95%: (0.0456, 0.6994), as statsmodels
    # computes it (proportion_confint(1, 4, method="wilson"); compared in general in
    # test_group_ratio_reference.py)
    one = group_ratio(df.head(1), numerator="answered", denominator="received")
    assert one.loc[0, "ci_low"] == pytest.approx(0.0456, abs=1e-4)
    assert one.loc[0, "ci_high"] == pytest.approx(0.6994, abs=1e-4)


def test_group_ratio_poisson_from_indicator_definition_with_scale():
    ind = IndicatorDefinition.from_mapping(
        {
            "id": "registry.errors_per_1000",
            "label": "Errori per 1000 atti",
            "service": "registry",
            "dimension": "quality",
            "formula": "errors / acts * 1000",
            "polarity": "lower_is_better",
        }
    )
    num, den, k = ratio_parts(ind.formula)
    assert (str(num), str(den), k) == ("errors", "acts", 1000.0)
    long = pd.DataFrame(
        {
            "organization": ["a", "a", "b", "b"],
            "period": [2024] * 4,
            "variable": ["errors", "acts", "errors", "acts"],
            "value": [2.0, 500.0, 1.0, 500.0],
        }
    )
    res = group_ratio(long, ind, method="poisson")
    # 3 events in 1000 acts: exact (Garwood) Poisson 95% interval (0.619, 8.767) per 1000, as
    # statsmodels computes it (confint_poisson(3, 1000, method="exact-c"))
    assert res.loc[0, "value"] == pytest.approx(3.0)
    assert res.loc[0, "ci_low"] == pytest.approx(0.619, abs=1e-3)
    assert res.loc[0, "ci_high"] == pytest.approx(8.767, abs=1e-3)
    assert res.loc[0, "period"] == 2024


def test_group_ratio_errors():
    df = pd.DataFrame({"organization": ["a"], "x": [-1.0], "y": [2.0]})
    with pytest.raises(DataError, match="must not be negative"):
        group_ratio(df, numerator="x", denominator="y")
    with pytest.raises(DefinitionError, match="not a ratio"):
        ratio_parts("x + y")
    with pytest.raises(DataError, match="column 'z'"):
        group_ratio(df, numerator="x", denominator="z")
    # zero denominators are left out, not counted as zero
    ok = pd.DataFrame({"organization": ["a", "b"], "x": [1.0, 5.0], "y": [0.0, 10.0]})
    res = group_ratio(ok, numerator="x", denominator="y")
    assert res.loc[0, "value"] == pytest.approx(0.5)
    assert res.loc[0, "n_organizations"] == 1
    assert not np.isnan(res.loc[0, "ci_low"])
