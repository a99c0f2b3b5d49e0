"""Problem tables printed after an error have their headers in the reader's language."""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

from qualitapa.catalog import default_catalog
from qualitapa.cli import cli
from qualitapa.plugins import LOAD_ENV


@pytest.mark.parametrize(("lang", "header"), [("it", "Valori vicini"), ("de", "Ähnliche Werte")])
def test_unknown_organizations_table_in_words(tmp_path, monkeypatch, lang, header):
    monkeypatch.setenv(LOAD_ENV, "qclub")  # the Q-Club cities: a catalog with organizations
    default_catalog.cache_clear()
    # 'Trentoo' is close to Trento (a suggestion), 'Forlì' to nothing in the catalog
    path = tmp_path / "panel.csv"
    pd.DataFrame(
        {"organization": ["Trentoo", "Forlì"], "staff": [2.0, 3.0], "certificates": [4.0, 5.0]}
    ).to_csv(path, index=False)
    result = CliRunner().invoke(
        cli, ["--lang", lang, "dea", str(path), "--inputs", "staff", "--outputs", "certificates"]
    )
    assert result.exit_code == 1
    assert header in result.output
    assert "suggestions" not in result.output
