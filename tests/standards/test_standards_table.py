"""standards_table: the standards as a table (what 'qualitapa standards list' prints)."""

from __future__ import annotations

from qualitapa.standards import STANDARD_COLUMNS, QualityStandard, standards_table


def test_one_row_per_standard_every_cell_text() -> None:
    online = QualityStandard.from_mapping({
        "id": "registry.cert_online", "service": "registry", "dimension": "accessibility",
        "sub_dimension": "multichannel", "label": {"it": "Certificati online"},
        "indicator": "registry.online_share", "target": ">= 60", "unit": "%",
    })  # fmt: skip
    wait = QualityStandard(
        "r.wait", "r", "timeliness", "Attesa", "<= 20", formula="waiting_minutes"
    )
    local = wait.local_variant(id="mo.wait", organizations=["036023", "037006"], target="<= 15")
    table = standards_table([online, wait, local])
    assert list(table.columns) == list(STANDARD_COLUMNS)
    assert table["id"].tolist() == ["registry.cert_online", "r.wait", "mo.wait"]
    first = table.iloc[0]
    assert (first["dimension"], first["sub_dimension"]) == ("accessibility", "multichannel")
    assert (first["measure"], first["target"], first["unit"]) == (
        "registry.online_share", ">= 60", "%"
    )  # fmt: skip
    assert table.loc[2, "organizations"] == "036023 037006"
    assert table.loc[2, "replaces"] == "r.wait"
    assert table.loc[1, "unit"] == ""
    assert table.loc[1, "refund"] == ""
    assert all(isinstance(v, str) for v in table.to_numpy().ravel())


def test_no_standards_is_an_empty_table_with_the_columns() -> None:
    table = standards_table([])
    assert table.empty
    assert list(table.columns) == list(STANDARD_COLUMNS)
