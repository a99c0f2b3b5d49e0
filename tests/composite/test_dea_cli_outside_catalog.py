"""`qualitapa dea` on organizations outside the catalog, with -d, and the column it suggests.

Since the organizations were resolved through the catalog, a file of other
municipalities (Forlì, Cantù...) could not be analysed at all, and the error
pointed to a --definitions option `dea` did not have (review R1 #30, session
36). They are now kept as the data write them, with one note; -d adds them to
the catalog. The organizations' column suggested when it is missing is the one
holding organizations, not the first column left over (#18: ``anno``).
"""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

from qualitapa.cli import cli
from qualitapa.testing import isolated_plugins

CITIES = ["Forlì", "Cantù", "Città di Castello", "Trento", "Mühlbach"]
STAFF = [22.9, 15.9, 16.5, 30.0, 12.0]
CASES = [373.9, 1672.6, 676.1, 900.0, 500.0]
ARGS = ("--inputs", "personale", "--outputs", "pratiche")

DEFINITIONS = """\
[[organizations]]
id = "040012"
name = "Forlì"

[[organizations]]
id = "013041"
name = "Cantù"
"""


@pytest.fixture
def panel(tmp_path):
    path = tmp_path / "comuni.csv"
    frame = pd.DataFrame(
        {"anno": [2024] * 5, "comune": CITIES, "personale": STAFF, "pratiche": CASES}
    )
    frame.to_csv(path, index=False)
    return path


def _invoke(lang: str, *args: str):
    with isolated_plugins(["qclub"]):  # its organizations: Trento 022205...
        return CliRunner().invoke(cli, ["--lang", lang, "dea", *args, "--format", "csv"])


@pytest.mark.parametrize(
    ("lang", "note"),
    [
        ("it", "enti non nel catalogo, tenuti come scritti nei dati: 'Forlì', 'Cantù'"),
        ("de", "Körperschaften nicht im Katalog, so belassen, wie die Daten sie schreiben"),
        ("en", "organizations not in the catalog, kept as the data write them: 'Forlì'"),
    ],
)
def test_organizations_outside_the_catalog_are_kept_as_written(panel, lang, note) -> None:
    result = _invoke(lang, str(panel), *ARGS, "--organization-column", "comune")
    assert result.exit_code == 0, result.output
    assert note in result.stderr
    assert "-d/--definitions" in result.stderr
    scores = pd.read_csv(pd.io.common.StringIO(result.stdout), dtype={"organization": str})
    # the catalog's Trento is its code; the others as the data write them
    expected = ["Forlì", "Cantù", "Città di Castello", "022205", "Mühlbach"]
    assert sorted(scores["organization"]) == sorted(expected)
    assert len(scores) == len(CITIES)


def test_the_same_scores_as_with_codes_in_the_catalog(panel, tmp_path) -> None:
    """Kept as written or added with -d: the analysis is the same, only the names change."""
    toml = tmp_path / "comuni.toml"
    toml.write_text(DEFINITIONS, encoding="utf-8")
    kept = _invoke("it", str(panel), *ARGS, "--organization-column", "comune")
    given = _invoke("it", str(panel), *ARGS, "--organization-column", "comune", "-d", str(toml))
    assert given.exit_code == 0, given.output
    kept_line = next(line for line in given.stderr.splitlines() if "non nel catalogo" in line)
    assert "Forlì" not in kept_line  # Forlì and Cantù are the catalog's now
    assert "'Città di Castello'" in kept_line
    a = pd.read_csv(pd.io.common.StringIO(kept.stdout), dtype={"organization": str})
    b = pd.read_csv(pd.io.common.StringIO(given.stdout), dtype={"organization": str})
    codes = {"040012": "Forlì", "013041": "Cantù"}
    b["organization"] = b["organization"].replace(codes)
    merged = a.merge(b, on="organization", suffixes=("_kept", "_given"))
    assert len(merged) == len(CITIES)
    pd.testing.assert_series_equal(
        merged["efficiency_kept"], merged["efficiency_given"], check_names=False
    )


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("it", "--organization-column comune"),
        ("de", "--organization-column comune"),
    ],
)
def test_the_column_suggested_holds_organizations(panel, lang, words) -> None:
    # anno comes first and is neither an input nor an output: it used to be suggested
    result = _invoke(lang, str(panel), *ARGS)
    assert result.exit_code != 0
    assert words in result.output
    assert "--organization-column anno" not in result.output


def test_without_known_names_a_text_column_is_suggested(tmp_path) -> None:
    path = tmp_path / "altri.csv"
    pd.DataFrame(
        {"anno": [2024] * 3, "nome": ["Alfa", "Beta", "Gamma"], "x": [1, 2, 3], "y": [3, 1, 2]}
    ).to_csv(path, index=False)
    result = _invoke("it", str(path), "--inputs", "x", "--outputs", "y")
    assert "--organization-column nome" in result.output
