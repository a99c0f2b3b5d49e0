"""The national scale: a synthetic set of municipalities with profiles fitted to the demo data."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from qualitapa.catalog import Catalog
from qualitapa.demo._synthetic import (
    VariableProfile,
    synthetic_municipalities,
    synthetic_panel,
)
from qualitapa.hookspecs import hookimpl
from qualitapa.models import Organization


def fitted_profiles(
    raw: pd.DataFrame, populations: Mapping[str, float]
) -> dict[str, VariableProfile]:
    """Variable profiles for :func:`synthetic_panel` fitted to tidy raw data.

    For each variable: the median per-inhabitant value in the first year
    (``base`` instead for variables that do not grow with population, such as
    opening hours: those whose per-inhabitant value varies more than the
    value itself), the median yearly growth and the between-city spread.

    Examples
    --------
    >>> raw = pd.DataFrame({"organization": ["a", "b", "a", "b"],
    ...                     "period": [2023, 2023, 2024, 2024], "variable": "loans",
    ...                     "value": [100.0, 200.0, 110.0, 220.0]})
    >>> p = fitted_profiles(raw, {"a": 100, "b": 200})["loans"]
    >>> p.per_capita, round(p.trend, 3)
    (1.0, 0.1)
    """
    data = raw.dropna(subset=["value"]).copy()
    data["organization"] = data["organization"].astype(str)
    data["population"] = data["organization"].map(dict(populations)).astype(float)
    data = data.dropna(subset=["population"])
    first = data["period"] == data.groupby("variable")["period"].transform("min")
    base = data[first]
    base_pc = base["value"] / base["population"]
    stats = pd.DataFrame(
        {
            "per_capita": base_pc.groupby(base["variable"]).median(),
            "level": base.groupby("variable")["value"].median(),
            "cv_pc": base_pc.groupby(base["variable"]).std()
            / base_pc.groupby(base["variable"]).mean(),
            "cv_level": base.groupby("variable")["value"].std()
            / base.groupby("variable")["value"].mean(),
            "integer": base.groupby("variable")["value"].apply(
                lambda v: bool(np.all(np.mod(v, 1) == 0))
            ),
        }
    )
    span = data.groupby(["variable", "organization"])["period"].agg(["min", "max"])
    ends = data.set_index(["variable", "organization", "period"])["value"]
    first_v = ends.reindex(
        pd.MultiIndex.from_arrays(
            [span.index.get_level_values(0), span.index.get_level_values(1), span["min"]]
        )
    ).to_numpy()
    last_v = ends.reindex(
        pd.MultiIndex.from_arrays(
            [span.index.get_level_values(0), span.index.get_level_values(1), span["max"]]
        )
    ).to_numpy()
    years = (span["max"] - span["min"]).to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        growth = np.where((years > 0) & (first_v > 0), (last_v / first_v) ** (1 / years) - 1, 0.0)
    trend = pd.Series(growth, index=span.index).groupby(level=0).median()
    out: dict[str, VariableProfile] = {}
    for var, row in stats.iterrows():  # one row per variable: a handful, not data rows
        scales = not (row["cv_pc"] > row["cv_level"])
        noise = float(np.clip(row["cv_level"] if not scales else row["cv_pc"], 0.02, 0.6))
        out[str(var)] = VariableProfile(
            per_capita=float(row["per_capita"]) if scales else None,
            base=None if scales else float(row["level"]),
            trend=float(np.clip(trend.get(var, 0.0), -0.1, 0.1)),
            noise=noise if np.isfinite(noise) else 0.1,
            integer=bool(row["integer"]),
        )
    return out


class _Municipalities:
    """A plugin with the synthetic municipalities the catalog does not have."""

    def __init__(self, municipalities: pd.DataFrame) -> None:
        self.municipalities = municipalities

    @hookimpl
    def qualitapa_organizations(self) -> list[Organization]:
        m = self.municipalities
        return [
            Organization(str(code), str(name), population=int(population))
            for code, name, population in zip(
                m["organization"], m["name"], m["population"], strict=True
            )
        ]


def national_catalog(catalog: Catalog, municipalities: pd.DataFrame) -> Catalog:
    """``catalog`` extended with the synthetic municipalities it does not have.

    Organizations unknown to a catalog that has some are refused, so the
    synthetic municipalities join the catalog for the run.
    """
    new = municipalities[~municipalities["organization"].isin(list(catalog.organizations))]
    return catalog.extended(("national", _Municipalities(new)))


def national_raw(
    raw: pd.DataFrame, catalog: Catalog, size: int, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Synthetic municipalities and their raw data, with profiles fitted to the demo data.

    Returns ``(municipalities, raw)``.
    """
    municipalities = synthetic_municipalities(size, seed=seed)
    pops = {k: float(v) for k, v in catalog.populations().items() if v}
    profiles = fitted_profiles(raw, pops)
    periods = sorted(pd.to_numeric(raw["period"]).unique().tolist())
    panel = synthetic_panel(municipalities, periods, profiles, seed=seed)
    population = pd.DataFrame(
        {
            "organization": np.repeat(municipalities["organization"].to_numpy(), len(periods)),
            "period": np.tile(periods, len(municipalities)),
            "variable": "population",
            "value": np.repeat(municipalities["population"].to_numpy(dtype=float), len(periods)),
        }
    )
    return municipalities, pd.concat([panel, population], ignore_index=True)
