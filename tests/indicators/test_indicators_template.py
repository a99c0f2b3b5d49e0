"""The plugin scaffold's example variables and indicators are valid and compute."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from qualitapa.cli._plugins import _render_template
from qualitapa.declarative import TomlPlugin
from qualitapa.indicators import compute
from qualitapa.testing import assert_plugin_ok


def test_scaffold_definitions_compute(tmp_path: Path) -> None:
    files = _render_template("my-city")
    toml = tmp_path / "definitions.toml"
    toml.write_text(files["src/qualitapa_my_city/definitions.toml"], encoding="utf-8")
    catalog = assert_plugin_ok(TomlPlugin(toml))
    assert set(catalog.indicators) == {
        "qualitapa_my_city.requests_per_fte",
        "qualitapa_my_city.requests_per_1000_inhabitants",
    }
    raw = pd.DataFrame(
        {
            "organization": "qualitapa_my_city.city",
            "period": 2024,
            "variable": ["qualitapa_my_city.requests", "qualitapa_my_city.fte"],
            "value": [12000, 8],
        }
    )
    values = compute(catalog, raw).set_index("indicator")["value"]
    assert values["qualitapa_my_city.requests_per_fte"] == 1500.0  # 12,000 / 8
    # 12,000 / 100,000 inhabitants * 1,000
    assert values["qualitapa_my_city.requests_per_1000_inhabitants"] == 120.0
    test_module = files["tests/test_plugin.py"]
    compile(test_module, "test_plugin.py", "exec")  # the rendered test is valid Python
    assert "requests_per_fte" in test_module
