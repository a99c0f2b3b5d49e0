"""What `survey import-export` writes reads back cleanly in `survey validate` (issue 17).

The tool writes each organization's name next to its code (``organization_name``,
issue 17's label columns); the validator recognises the label columns the tool itself
writes (``qualitapa._labelling.LABEL_COLUMNS``, when their id column is there too) and
does not report them as unknown.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from qualitapa.cli import cli
from qualitapa.testing import isolated_plugins

SAMPLES = Path("/work/shared/samples/office-files")
KOBO = SAMPLES / "kobo_export.csv"


def run(*args: object):
    with isolated_plugins(["registry", "qclub"]):
        return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.mark.skipif(not KOBO.exists(), reason="the office samples are not here")
@pytest.mark.parametrize("suffix", [".csv", ".json", ".xlsx"])
def test_an_import_export_output_validates_without_problems(tmp_path, suffix):
    out = tmp_path / f"responses{suffix}"
    r = run("survey", "import-export", "registry.counter", KOBO, "--tool", "kobo", "-o", out)
    assert r.exit_code == 0, r.output
    from qualitapa.io import read_table

    written = read_table(out)
    assert "organization_name" in written.columns  # the name next to the code, for people
    problems = tmp_path / "problems.csv"
    r = run("survey", "validate", "registry.counter", out, "--strict", "-o", problems)
    assert r.exit_code == 0, r.output
    found = pd.read_csv(problems, dtype=str) if problems.stat().st_size else pd.DataFrame()
    assert found.empty, found.to_string()
    r = run("survey", "score", "registry.counter", out, "--format", "csv")
    assert r.exit_code == 0, r.output


def test_a_label_column_without_its_id_column_is_still_unknown():
    from qualitapa.surveys import validate
    from qualitapa.testing import catalog_with

    catalog = catalog_with("registry", installed=["registry"])
    inst = catalog.instruments["registry.counter"]
    frame = pd.DataFrame({"respondent": ["a"], "organization_name": ["Bergamo"]})
    problems = validate(inst, frame).problems
    unknown = problems[problems["rule"] == "unknown_column"]
    assert unknown["question"].tolist() == ["organization_name"]
