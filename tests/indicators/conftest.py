"""Shared fixtures for the indicators tests: a small registry plugin in TOML."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualitapa.catalog import Catalog
from qualitapa.declarative import TomlPlugin
from qualitapa.testing import catalog_with

REGISTRY_TOML = """
[[services]]
id = "registry"
label = { it = "Anagrafe", en = "Civil registry" }

[[variables]]
id = "certificates"
label = { it = "Certificati emessi", en = "Certificates issued" }
unit = "count"
service = "registry"
integer = true

[[variables]]
id = "fte"
label = { it = "Addetti equivalenti", en = "Full-time equivalents" }
unit = "FTE"
service = "registry"

[[variables]]
id = "online"
label = { it = "Certificati online", en = "Certificates online" }
unit = "count"
service = "registry"

[[variables]]
id = "cost"
label = { it = "Costo del servizio", en = "Cost of the service" }
unit = "EUR"
service = "registry"

[[variables]]
id = "balance"
label = { it = "Saldo", en = "Balance" }
unit = "EUR"
nonnegative = false

[[organizations]]
id = "a"
name = "Alfa"
population = 1000

[[organizations]]
id = "b"
name = "Beta"
population = 50000

[[organizations]]
id = "c"
name = "Gamma"
population = 300000

[[organizations]]
id = "d"
name = "Delta"
population = 2000

# in the catalog without a population: per-inhabitant indicators are missing
# for it (an organization unknown to the catalog would be an error)
[[organizations]]
id = "z"
name = "Zeta"

[[peer_groups]]
id = "size"
label = { it = "Classe demografica", en = "Population class" }
breaks = [10000]
labels = ["small", "large"]

[peer_groups.class_labels]
small = { it = "comuni piccoli", de = "kleine Gemeinden" }
large = { it = "comuni grandi", en = "large municipalities", de = "große Gemeinden" }

[[indicators]]
id = "registry.certificates_per_fte"
label = { it = "Certificati per addetto", en = "Certificates per FTE" }
service = "registry"
dimension = "efficiency"
formula = "certificates / fte"
polarity = "higher_is_better"
unit = "certificates per FTE"

[[indicators]]
id = "registry.online_share"
label = { it = "Quota di certificati online", en = "Share of certificates online" }
service = "registry"
dimension = "quality"
formula = "online / certificates"
scale = 100
polarity = "higher_is_better"
unit = "%"
target = ">= 30"

[[indicators]]
id = "registry.cost_per_inhabitant"
label = { it = "Costo per abitante", en = "Cost per inhabitant" }
service = "registry"
dimension = "efficiency"
formula = "cost / population"
polarity = "lower_is_better"
unit = "EUR per inhabitant"
target = 4
"""


@pytest.fixture
def registry_toml(tmp_path: Path) -> Path:
    path = tmp_path / "registry.toml"
    path.write_text(REGISTRY_TOML, encoding="utf-8")
    return path


@pytest.fixture
def registry(registry_toml: Path) -> Catalog:
    return catalog_with(("registry", TomlPlugin(registry_toml)))
