"""``qualitapa survey ...`` commands through click's test runner."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from click.testing import CliRunner

from qualitapa.cli import cli
from qualitapa.testing import isolated_plugins


@pytest.fixture(autouse=True)
def _english_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests read the command line's English messages (Italian is the default)."""
    monkeypatch.setenv("QUALITAPA_LANG", "en")


@pytest.fixture
def files(tmp_path, counter, synthetic):
    form = tmp_path / "form"
    counter.to_xlsform(form)
    responses = tmp_path / "responses.csv"
    synthetic.to_csv(responses, index=False)
    margins = tmp_path / "margins.csv"
    pd.DataFrame(
        {"variable": ["sex", "sex"], "category": ["F", "M"], "target": [0.52, 0.48]}
    ).to_csv(margins, index=False)
    return form, responses, margins


def run(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    return result


def test_sample_size():
    r = run("survey", "sample-size", "--population", 1000, "--margin", 0.05, "--format", "json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)[0]["n"] == 278
    r = run("survey", "sample-size", "--n", 384, "--format", "json")
    assert round(json.loads(r.output)[0]["margin"], 3) == 0.05
    r = run("survey", "sample-size", "--margin", "0")
    assert r.exit_code != 0


def test_import_xlsform(files, tmp_path):
    form, _, _ = files
    out = tmp_path / "again.xlsx"
    r = run("survey", "import-xlsform", form, "--to", out, "--format", "csv")
    assert r.exit_code == 0, r.output
    rows = pd.read_csv(pd.io.common.StringIO(r.stdout))
    assert rows["id"].tolist()[:3] == ["visited", "wait", "speed"]
    assert out.exists()


def test_validate_reports_problems(files, tmp_path):
    form, responses, _ = files
    raw = pd.read_csv(responses)
    raw.loc[0, "wait"] = 8
    bad = tmp_path / "bad.csv"
    raw.to_csv(bad, index=False)
    clean = tmp_path / "clean.csv"
    r = run("survey", "validate", form, bad, "--extra", "sex", "--clean", clean, "--format", "json")
    assert r.exit_code == 0, r.output
    problems = json.loads(r.stdout)
    assert [(p["row"], p["question"], p["rule"]) for p in problems] == [(1, "wait", "out_of_scale")]
    assert len(pd.read_csv(clean)) == len(raw) - 1
    strict = run("survey", "validate", form, bad, "--extra", "sex", "--strict")
    assert strict.exit_code == 1
    assert "(1 problem:)" in strict.output


def test_score_levels(files):
    form, responses, margins = files
    r = run(
        "survey",
        "score",
        form,
        responses,
        "--by",
        "organization",
        "--extra",
        "sex",
        "--format",
        "json",
    )
    assert r.exit_code == 0, r.output
    dims = json.loads(r.stdout)
    assert {d["dimension"] for d in dims} == {"time", "staff", "overall"}
    r = run(
        "survey", "score", form, responses, "--rake", margins, "--level", "items", "--format", "csv"
    )
    assert r.exit_code == 0, r.output
    assert "design effect" in r.stderr
    for level in ("nps", "distribution", "reliability"):
        r = run("survey", "score", form, responses, "--level", level, "--extra", "sex")
        assert r.exit_code == 0, r.output
    both = run("survey", "score", form, responses, "--weights", "w", "--rake", margins)
    assert both.exit_code != 0


def test_ipa_compare_benchmark(files):
    form, responses, _ = files
    r = run(
        "survey",
        "ipa",
        form,
        responses,
        "--by",
        "organization",
        "--importance",
        "derived",
        "--extra",
        "sex",
        "--format",
        "json",
    )
    assert r.exit_code == 0, r.output
    assert {x["quadrant"] for x in json.loads(r.stdout)} <= {
        "concentrate_here",
        "keep_up_the_good_work",
        "low_priority",
        "possible_overkill",
    }
    r = run("survey", "compare", form, responses, "--extra", "sex", "--format", "json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)[0]["test"] == "welch_t"
    r = run("survey", "benchmark", form, responses, "--extra", "sex")
    assert r.exit_code == 0, r.output
    assert "*" in r.stdout


def test_instrument_from_toml_and_catalog(files, tmp_path, counter):
    form, responses, _ = files
    toml = tmp_path / "defs.toml"
    toml.write_text(
        f'[[instruments]]\nid = "registry.counter"\nxlsform = "{form.name}"\n', encoding="utf-8"
    )
    r = run("survey", "score", toml, responses, "--extra", "sex")
    assert r.exit_code == 0, r.output
    r = run("survey", "score", f"{toml}::other", responses)
    assert r.exit_code == 1
    assert "no instrument 'other'" in r.output
    with isolated_plugins([]):
        r = run("survey", "score", "registry.counter", responses)
    assert r.exit_code == 1
    assert "unknown survey instrument" in r.output


def test_import_export_kobo(files, tmp_path):
    form, _, _ = files
    export = tmp_path / "kobo.csv"
    export.write_text("_uuid;wait;speed\nu1;4;5\n", encoding="utf-8")
    r = run("survey", "import-export", form, export, "--tool", "kobo")
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines()[0] == "respondent,wait,speed"
