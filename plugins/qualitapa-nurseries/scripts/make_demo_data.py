"""Write the SYNTHETIC demo data of the qualitapa-nurseries plugin.

Run from the repository root (needs qualitapa and qualitapa-qclub installed)::

    python plugins/qualitapa-nurseries/scripts/make_demo_data.py

Seeded: the same code writes the same file. Every figure is INVENTED, with
plausible magnitudes for each city's size; never mistake it for real data.

Writes ``src/qualitapa_nurseries/demo/indicator_data.csv``: tidy
``organization, period, variable, value`` for the eight Q-Club cities,
2009-2024, every variable of the plugin, a few values missing on purpose.
Derived consistency holds: enrolled <= 1.1 x places, enrolled <= applications,
waiting list <= applications - enrolled, fee revenue < cost.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from qualitapa.demo import VariableProfile
from qualitapa.demo import data as demo_data

SEED = 20241
YEARS = list(range(2009, 2025))
OUT = Path(__file__).resolve().parents[1] / "src" / "qualitapa_nurseries" / "demo"

#: Level variables (per inhabitant in 2009, yearly trend): births fall by about 1.5% a
#: year, places grow slowly, so coverage rises as in most northern Italian cities.
LEVELS = {
    "nurseries.children_0_2": VariableProfile(per_capita=0.026, trend=-0.015, noise=0.08),
    "nurseries.places_public": VariableProfile(per_capita=0.0055, trend=0.0, noise=0.25),
    "nurseries.places_private": VariableProfile(per_capita=0.0012, trend=0.015, noise=0.3),
    "nurseries.opening_hours_week": VariableProfile(base=47.0, noise=0.06, integer=False),
}


def indicator_data(orgs: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Tidy panel of every variable, derived variables kept consistent."""
    wide = demo_data.wide_panel(orgs, YEARS, LEVELS, seed=SEED)
    n = len(wide)
    year = wide.index.get_level_values("period").to_numpy(dtype=float)
    city = demo_data.city_effect(wide, rng)
    covid = year == 2020

    places = wide["nurseries.places_public"].to_numpy()
    occupancy = np.clip(0.96 + 0.04 * city + rng.normal(0, 0.02, n), 0.8, 1.1)
    occupancy = np.where(covid, occupancy * 0.9, occupancy)
    enrolled = np.round(places * occupancy)
    wide["nurseries.enrolled"] = enrolled
    # applications exceed places where coverage is low; demand softens with fees/covid
    pressure = np.clip(1.35 - 0.1 * city + rng.normal(0, 0.05, n), 1.02, 1.8)
    pressure = np.where(covid, 1.02 + (pressure - 1.02) * 0.4, pressure)
    applications = np.round(np.maximum(enrolled * pressure, enrolled))
    wide["nurseries.applications"] = applications
    still_waiting = np.clip(0.75 + rng.normal(0, 0.08, n), 0.4, 0.95)
    wide["nurseries.waiting_list"] = np.round((applications - enrolled) * still_waiting)
    wide["nurseries.enrolled_private"] = np.round(
        wide["nurseries.places_private"] * np.clip(0.85 + rng.normal(0, 0.05, n), 0.6, 1.0)
    )
    cost_per_child = (
        10_500 * np.exp(0.12 * city) * 1.017 ** (year - 2009) * rng.lognormal(0, 0.04, n)
    )
    wide["nurseries.cost"] = np.round(enrolled * cost_per_child, -2)
    fee_share = np.clip(0.22 + 0.04 * city - 0.004 * (year - 2009), 0.08, 0.4)
    fee_share = np.where(covid, fee_share * 0.6, fee_share)  # fees waived in lockdown
    wide["nurseries.fee_revenue"] = np.round(wide["nurseries.cost"] * fee_share, -2)
    ratio = np.clip(6.2 + 0.5 * city + rng.normal(0, 0.2, n), 4.5, 8.5)
    wide["nurseries.educators_fte"] = np.round(enrolled / ratio, 1)
    wide["nurseries.opening_hours_week"] = (
        np.round(np.clip(wide["nurseries.opening_hours_week"], 40, 55) * 2) / 2
    )

    values = demo_data.tidy(wide)
    return demo_data.drop_some(values, rng, 0.008, keep=values["period"] >= 2024)  # 2024 complete


def make_files() -> dict[str, pd.DataFrame]:
    """The demo table, by dataset kind."""
    rng = np.random.default_rng(SEED)
    return {"indicator_data": indicator_data(demo_data.cities("qclub"), rng)}


if __name__ == "__main__":
    demo_data.run_script(__doc__, OUT, make_files)
