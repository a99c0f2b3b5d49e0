"""Local indicators (``organizations = [...]``): computed for their cities, never ranked.

Issue 12, defect 2: an indicator only one city measures (Modena's local ones) was
ranked 1 of 1 and counted as a "best performer".
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from qualitapa.declarative import TomlPlugin
from qualitapa.errors import DefinitionError
from qualitapa.indicators import IndicatorDefinition, benchmark, compute
from qualitapa.testing import catalog_with

from .conftest import REGISTRY_TOML

LOCAL_TOML = """
[[indicators]]
id = "registry.alfa_own_share"
label = { it = "Quota propria di Alfa", en = "Alfa's own share" }
service = "registry"
dimension = "quality"
formula = "online / certificates"
scale = 100
polarity = "higher_is_better"
unit = "%"
organizations = ["a"]
"""


@pytest.fixture
def local_catalog(tmp_path: Path):
    path = tmp_path / "registry.toml"
    path.write_text(REGISTRY_TOML + LOCAL_TOML, encoding="utf-8")
    return catalog_with(("registry", TomlPlugin(path)))


def _raw() -> pd.DataFrame:
    rows = []
    for org, (cert, online) in {"a": (100, 40), "b": (200, 20), "c": (50, 5), "d": (80, 8)}.items():
        rows += [(org, 2024, "certificates", cert), (org, 2024, "online", online)]
    return pd.DataFrame(rows, columns=["organization", "period", "variable", "value"])


def test_local_indicator_from_toml(local_catalog) -> None:
    ind = local_catalog.indicators["registry.alfa_own_share"]
    assert ind.organizations == ("a",)
    assert ind.is_local
    assert ind.applies_to("a")
    assert not ind.applies_to("b")
    assert IndicatorDefinition.from_mapping(ind.to_dict()) == ind
    general = local_catalog.indicators["registry.online_share"]
    assert not general.is_local
    assert general.applies_to("b")


def test_compute_gives_a_local_indicator_for_its_organizations_only(local_catalog) -> None:
    ids = ["registry.online_share", "registry.alfa_own_share"]
    values = compute(ids, _raw(), catalog=local_catalog)
    by_ind = values.groupby("indicator", observed=True)["organization"].agg(
        lambda s: sorted(s.astype(str))
    )
    assert by_ind["registry.online_share"] == ["a", "b", "c", "d"]
    assert by_ind["registry.alfa_own_share"] == ["a"]
    own = values[values["indicator"] == "registry.alfa_own_share"]
    assert own["value"].tolist() == [40.0]


def test_benchmark_never_ranks_a_local_indicator(local_catalog) -> None:
    values = compute(
        ["registry.online_share", "registry.alfa_own_share"], _raw(), catalog=local_catalog
    )
    res = benchmark(values, catalog=local_catalog)
    own = res[res["indicator"] == "registry.alfa_own_share"]
    assert own["comparison"].astype(str).tolist() == ["local_indicator"]
    assert own["rank"].isna().all()
    assert not own["is_best"].any()
    assert own["best_performers"].isna().all()
    assert own["percentile"].isna().all()
    assert own["z_score"].isna().all()
    # the general indicator is compared as usual: a 40%, b 10%, c 10%, d 10%
    shared = res[res["indicator"] == "registry.online_share"]
    assert shared["rank"].tolist() == [1, 2, 2, 2]
    assert shared["is_best"].tolist() == [True, False, False, False]
    assert set(shared["comparison"].astype(str)) == {"compared"}


def test_even_with_values_from_many_organizations_a_local_indicator_is_not_ranked(
    local_catalog,
) -> None:
    # values typed in by hand for other organizations do not make it comparable
    values = pd.DataFrame(
        {
            "organization": list("abcd"),
            "period": 2024,
            "indicator": "registry.alfa_own_share",
            "value": [40.0, 10.0, 20.0, 30.0],
        }
    )
    res = benchmark(values, catalog=local_catalog)
    assert res["rank"].isna().all()
    assert set(res["comparison"].astype(str)) == {"local_indicator"}


def test_unknown_organizations_of_a_local_indicator_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "registry.toml"
    path.write_text(REGISTRY_TOML + LOCAL_TOML.replace('["a"]', '["a", "zz"]'), encoding="utf-8")
    catalog = catalog_with(("registry", TomlPlugin(path)))
    problems = [str(p) for p in catalog.check()]
    assert any("registry.alfa_own_share" in p and "'zz'" in p for p in problems), problems


@pytest.mark.parametrize(
    ("organizations", "message"),
    [("a", "list of organization ids"), ([1], "non-empty text"), (["a", "a"], "twice")],
)
def test_invalid_organizations(organizations, message) -> None:
    with pytest.raises(DefinitionError, match=message):
        IndicatorDefinition(
            "x.y", "X", "x", "quality", "a / b", "higher_is_better", organizations=organizations
        )
