"""``qualitapa report`` confirms what it wrote in the reader's words (review s36 #35).

Before: "scritto il rapporto (indicators, trends, composite, ..., caf) in r.html" and
"Bericht (indicators, trends, ...) in r.html geschrieben": the tables' ids, English, in
Italian and German output.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from qualitapa.cli import cli

#: The report's own section titles, in each language (the catalogs' translations).
_TITLES = {
    "it": ("Indicatori", "Reclami e segnalazioni", "Autovalutazione CAF"),
    "en": ("Indicators", "Complaints", "CAF self-assessment"),
    "de": ("Indikatoren", "Beschwerden und Meldungen", "CAF-Selbstbewertung"),
}


@pytest.mark.parametrize("lang", ["it", "en", "de"])
def test_the_confirmation_names_the_sections_in_words(
    tmp_path: Path, results: dict[str, object], lang: str
) -> None:
    files = {}
    for name in ("indicators", "caf", "complaint_trend"):
        files[name] = tmp_path / f"{name}.csv"
        table = results[name]
        assert isinstance(table, pd.DataFrame)
        table.to_csv(files[name], index=False)
    out = tmp_path / "r.html"
    res = CliRunner().invoke(
        cli, ["--lang", lang, "report", "-p", "2024", "--no-charts", "-o", str(out),
              "--values", str(files["indicators"]), "--caf", str(files["caf"]),
              "--complaint-trend", str(files["complaint_trend"])],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    said = res.output.strip().splitlines()[-1]
    for title in _TITLES[lang]:
        assert title in said, said
    assert said.count(_TITLES[lang][0]) == 1  # the headline comes with the indicators
    assert str(out) in said
    # no table id (complaint_trend feeds the complaints' section)
    for raw in ("indicators", "complaint_trend", "caf,", "(caf"):
        assert raw not in said, said
