"""missing_variables: what the data lack for the indicators to be computed."""

from __future__ import annotations

import pandas as pd

from qualitapa import Organization, hookimpl
from qualitapa.indicators import IndicatorDefinition, compute, missing_variables
from qualitapa.testing import catalog_with

PER_FTE = IndicatorDefinition(
    "registry.per_fte", "Certificati per addetto", "registry", "efficiency",
    "certificates / fte", "higher_is_better",
)  # fmt: skip
PER_CHILD = IndicatorDefinition(
    "nurseries.places_per_child", "Posti per bambino", "nurseries", "effectiveness",
    "places / children_0_2", "higher_is_better",
)  # fmt: skip


class Cities:
    @hookimpl
    def qualitapa_organizations(self) -> list[Organization]:
        return [Organization("036023", "Modena", population=184_739,
                             attributes={"children_0_2": 4_000})]  # fmt: skip


def test_long_and_wide_data() -> None:
    long = pd.DataFrame({"organization": "036023", "period": 2024,
                         "variable": ["certificates", None], "value": [1, 2]})  # fmt: skip
    assert missing_variables(long, [PER_FTE, PER_CHILD]) == ["children_0_2", "fte", "places"]
    wide = pd.DataFrame({"organization": ["036023"], "fte": [3.0], "places": [10]})
    assert missing_variables(wide, [PER_FTE, PER_CHILD]) == ["certificates", "children_0_2"]
    assert missing_variables(wide, []) == []


def test_the_catalog_organizations_offer_their_attributes() -> None:
    catalog = catalog_with(Cities())
    wide = pd.DataFrame({"organization": ["036023"], "period": [2024], "places": [10]})
    assert missing_variables(wide, [PER_CHILD], catalog=catalog) == []
    assert missing_variables(wide, [PER_CHILD]) == ["children_0_2"]
    # what is not missing can be computed: compute agrees
    values = compute([PER_CHILD], wide, catalog=catalog)
    assert values["status"].astype(str).tolist() == ["ok"]
    assert values["value"].tolist() == [10 / 4_000]
