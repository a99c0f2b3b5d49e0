"""`qualitapa dea --malmquist`, `--bootstrap N` and `--rts fdh` on the command line."""

from __future__ import annotations

import io
import json
import re

import pandas as pd
import pytest
from click.testing import CliRunner

from qualitapa.cli import cli

# DataEnvelopmentAnalysis.jl's worked example (see test_dea_malmquist.py) on catalog cities
CITIES = ["022205", "015146", "001272", "010025", "027042"]
PANEL = pd.DataFrame(
    {
        "organization": CITIES * 2,
        "period": [2023] * 5 + [2024] * 5,
        "staff": [2, 3, 5, 4, 4, 1, 2, 4, 3, 4],
        "certificates": [1, 4, 6, 3, 5, 1, 4, 6, 3, 3],
    }
)


@pytest.fixture
def panel(tmp_path):
    path = tmp_path / "panel.csv"
    PANEL.to_csv(path, index=False)
    return path


def _run(*args: str):
    return CliRunner().invoke(cli, ["dea", *args])


def test_malmquist_json_and_summary(panel):
    base = [str(panel), "--inputs", "staff", "--outputs", "certificates", "--malmquist"]
    result = _run(*base, "--format", "json")
    assert result.exit_code == 0, result.output
    rows = {r["organization"]: r for r in json.loads(result.output)}
    assert rows["022205"]["malmquist"] == pytest.approx(2.0)
    assert rows["027042"]["technical_change"] == pytest.approx(1.5)
    assert rows["022205"]["period_from"] == "2023"
    result = _run(*base, "--show", "summary", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "Malmquist productivity index (DEA CRS)" in result.output
    assert "Technical change" in result.output


def test_malmquist_vrs_infeasible_status_in_words(panel):
    result = _run(
        str(panel), "--inputs", "staff", "--outputs", "certificates", "--malmquist",
        "--rts", "vrs", "--orientation", "output", "--lang", "de",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "außerhalb der Technologie der ersten Periode" in result.output
    assert "infeasible_on_earlier" not in result.output


def test_bootstrap_and_fdh(panel):
    base = [str(panel), "-p", "2024", "--inputs", "staff", "--outputs", "certificates"]
    result = _run(*base, "--bootstrap", "30", "--seed", "3", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert all(r["ci_low"] <= r["efficiency_bc"] <= r["efficiency"] for r in rows)
    again = _run(*base, "--bootstrap", "30", "--seed", "3", "--format", "json")
    assert again.output == result.output
    result = _run(*base, "--rts", "fdh", "--format", "csv")
    assert result.exit_code == 0, result.output
    scores = pd.read_csv(io.StringIO(result.output), dtype={"organization": str})
    assert dict(zip(scores["organization"], scores["efficiency"], strict=True))[
        "010025"
    ] == pytest.approx(2 / 3)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--malmquist", "--bootstrap", "10"], "--malmquist e --bootstrap non vanno insieme"),
        (["--rts", "fdh", "--malmquist"], "--rts fdh non va con --malmquist"),
        (["--rts", "fdh", "--show", "targets"], "--show targets non si applica qui"),
        (["--show", "summary"], "scegliere tra scores, targets, lambdas"),
    ],
)
def test_options_that_do_not_go_together(panel, extra, message):
    result = _run(str(panel), "--inputs", "staff", "--outputs", "certificates", *extra)
    assert result.exit_code == 2
    assert message in result.output


@pytest.mark.parametrize("other", [["--malmquist"], ["--bootstrap", "10"], ["--rts", "fdh"]])
def test_super_is_refused_where_it_would_be_ignored(panel, other):
    base = [str(panel), "--inputs", "staff", "--outputs", "certificates", "--super"]
    result = CliRunner().invoke(cli, ["--lang", "en", "dea", *base, *other])
    assert result.exit_code == 2
    assert "--super goes with DEA only" in result.output


def test_the_screen_names_the_peers(panel, monkeypatch):
    from qualitapa.catalog import default_catalog
    from qualitapa.plugins import LOAD_ENV

    monkeypatch.setenv(LOAD_ENV, "qclub")  # the Q-Club cities: the catalog names the codes
    default_catalog.cache_clear()
    base = [str(panel), "--inputs", "staff", "--outputs", "certificates", "-p", "2023"]
    for rts in ("vrs", "fdh"):
        shown = CliRunner().invoke(cli, ["--lang", "it", "dea", *base, "--rts", rts])
        assert shown.exit_code == 0, shown.output
        rows = [line for line in shown.output.splitlines() if re.match(r"\d{6} ", line)]
        # one code per row (the organization's own): its peers are named
        assert len(rows) == 5
        assert all(len(re.findall(r"\b\d{6}\b", r)) == 1 for r in rows)
        assert "Venezia" in rows[-1].split("efficiente")[-1], shown.output
    as_csv = CliRunner().invoke(cli, ["dea", *base, "--rts", "fdh", "--format", "csv"])
    peers = pd.read_csv(io.StringIO(as_csv.output), dtype=str)["peers"]
    assert peers.str.fullmatch(r"\d{6}").all()  # files keep the codes
