"""Write the SYNTHETIC demo data of the qualitapa-libraries plugin.

Run from the repository root (needs qualitapa and qualitapa-qclub installed)::

    python plugins/qualitapa-libraries/scripts/make_demo_data.py

Seeded: the same code writes the same file. Every figure is INVENTED, with
plausible magnitudes for each city's size; never mistake it for real data.

Writes ``src/qualitapa_libraries/demo/indicator_data.csv``: tidy
``organization, period, variable, value`` for the eight Q-Club cities,
2009-2024, every variable of the plugin, a few values missing on purpose.
Derived consistency holds: active users < population, acquisition spending
< cost, loans per active user between 5 and 25.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from qualitapa.demo import VariableProfile
from qualitapa.demo import data as demo_data

SEED = 20242
YEARS = list(range(2009, 2025))
OUT = Path(__file__).resolve().parents[1] / "src" / "qualitapa_libraries" / "demo"

#: Level variables (per inhabitant in 2009, yearly trend).
LEVELS = {
    "libraries.collection": VariableProfile(per_capita=1.45, trend=0.006, noise=0.3),
    "libraries.active_users": VariableProfile(per_capita=0.085, trend=-0.008, noise=0.25),
    "libraries.visits": VariableProfile(per_capita=2.1, trend=-0.01, noise=0.3),
    "libraries.cost": VariableProfile(per_capita=17.0, trend=0.008, noise=0.2),
    "libraries.staff_fte": VariableProfile(
        per_capita=2.3e-4, trend=-0.015, noise=0.2, integer=False
    ),
    "libraries.opening_hours_week": VariableProfile(base=52.0, noise=0.12, integer=False),
}


def indicator_data(orgs: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Tidy panel of every variable, derived variables kept consistent."""
    wide = demo_data.wide_panel(orgs, YEARS, LEVELS, seed=SEED)
    n = len(wide)
    year = wide.index.get_level_values("period").to_numpy(dtype=float)
    city = demo_data.city_effect(wide, rng)
    covid = np.select([year == 2020, year == 2021], [0.55, 0.8], 1.0)

    users = wide["libraries.active_users"].to_numpy() * covid
    wide["libraries.active_users"] = np.round(users)
    per_user = np.clip(12.0 + 2.0 * city + rng.normal(0, 0.6, n), 6.0, 22.0)
    wide["libraries.loans"] = np.round(users * per_user)
    wide["libraries.visits"] = np.round(wide["libraries.visits"] * covid)
    # digital lending: platforms from 2011, a jump with the 2020 lockdown
    digital = np.where(
        year < 2011,
        0.0,
        0.004 * (year - 2010) + np.where(year >= 2020, 0.07 + 0.01 * (year - 2020), 0.0),
    ) * np.exp(0.25 * city)
    wide["libraries.digital_loans"] = np.round(wide["libraries.loans"] * digital)
    pop = orgs.set_index("organization")["population"]
    population = pop.reindex(wide.index.get_level_values("organization")).to_numpy()
    additions = 0.055 * np.exp(0.2 * city) * (1 - 0.01 * (year - 2009)) * rng.lognormal(0, 0.1, n)
    wide["libraries.acquisitions"] = np.round(population * additions)
    price = 14.0 * 1.015 ** (year - 2009)  # mean price paid per document, EUR
    bought = np.clip(0.7 + rng.normal(0, 0.05, n), 0.5, 0.9)  # the rest are donations
    wide["libraries.acquisition_spending"] = np.round(
        wide["libraries.acquisitions"] * bought * price, -2
    )
    wide["libraries.cost"] = np.maximum(
        wide["libraries.cost"], 5 * wide["libraries.acquisition_spending"]
    )
    wide["libraries.opening_hours_week"] = (
        np.round(np.clip(wide["libraries.opening_hours_week"], 36, 72) * 2) / 2
    )
    wide["libraries.staff_fte"] = np.round(wide["libraries.staff_fte"], 1)

    values = demo_data.tidy(wide)
    return demo_data.drop_some(values, rng, 0.008, keep=values["period"] >= 2024)  # 2024 complete


def make_files() -> dict[str, pd.DataFrame]:
    """The demo table, by dataset kind."""
    rng = np.random.default_rng(SEED)
    return {"indicator_data": indicator_data(demo_data.cities("qclub"), rng)}


if __name__ == "__main__":
    demo_data.run_script(__doc__, OUT, make_files)
