"""Generate the SYNTHETIC demo data of qualitapa-personnel (seeded, reproducible).

Writes ``src/qualitapa_personnel/demo/indicator_data.csv``: tidy
``organization, period, variable, value`` with every variable of the plugin
for the eight Q-Club cities, 2009-2024. Staff scale with population; the
other variables are derived from the staff so that they stay consistent
(employees trained <= staff, smart workers <= staff, women managers <=
managers), with the shape of the period: hiring freezes after 2010, a wave of
retirements in 2019-2021, smart working jumping in 2020, training growing
after 2021. Every figure is invented.

Run from the repository root::

    .venv/bin/python plugins/qualitapa-personnel/scripts/make_demo_data.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from qualitapa.demo import data as demo_data
from qualitapa.demo import synthetic_panel

SEED = 20240201
YEARS = list(range(2009, 2025))
OUT = Path(__file__).resolve().parents[1] / "src" / "qualitapa_personnel" / "demo"


def by_year(years: np.ndarray, table: dict[int, float]) -> np.ndarray:
    """A yearly profile, interpolated linearly between the given years."""
    xs = np.array(sorted(table), dtype=float)
    return np.interp(years.astype(float), xs, np.array([table[int(x)] for x in xs]))


def make_panel(orgs: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """The tidy panel of every variable."""
    staff = synthetic_panel(
        orgs,
        YEARS,
        {"personnel.staff": {"per_capita": 0.0095, "trend": -0.012, "noise": 0.15}},
        seed=SEED,
    )
    wide = staff.pivot_table(index=["organization", "period"], values="value").rename(
        columns={"value": "personnel.staff"}
    )
    years = wide.index.get_level_values("period").to_numpy()
    n = len(wide)
    s = wide["personnel.staff"].to_numpy()

    def noisy(mean: np.ndarray, sd: float) -> np.ndarray:
        return mean * rng.lognormal(0.0, sd, n)

    hours_pp = noisy(by_year(years, {2009: 11, 2015: 12, 2020: 14, 2021: 20, 2024: 32}), 0.25)
    wide["personnel.training_hours"] = np.round(s * hours_pp)
    trained = np.clip(noisy(by_year(years, {2009: 0.45, 2019: 0.55, 2024: 0.82}), 0.1), 0, 0.97)
    wide["personnel.staff_trained"] = np.round(s * trained)
    spend_pp = noisy(by_year(years, {2009: 140, 2011: 80, 2019: 90, 2024: 190}), 0.3)
    wide["personnel.training_spend"] = np.round(s * spend_pp, 2)
    workable = s * rng.uniform(218, 224, n)
    wide["personnel.workable_days"] = np.round(workable)
    absence = np.clip(
        noisy(by_year(years, {2009: 0.085, 2019: 0.08, 2020: 0.11, 2022: 0.09, 2024: 0.085}), 0.12),
        0.03,
        0.2,
    )
    wide["personnel.absence_days"] = np.round(workable * absence)
    hires = noisy(
        by_year(years, {2009: 0.035, 2011: 0.015, 2018: 0.02, 2019: 0.04, 2022: 0.07, 2024: 0.065}),
        0.3,
    )
    wide["personnel.hires"] = np.round(s * hires)
    leaves = noisy(
        by_year(
            years, {2009: 0.045, 2018: 0.045, 2019: 0.075, 2021: 0.07, 2022: 0.055, 2024: 0.05}
        ),
        0.2,
    )
    wide["personnel.separations"] = np.round(s * leaves)
    smart = np.clip(
        noisy(
            by_year(
                years,
                {
                    2009: 0.003,
                    2018: 0.01,
                    2019: 0.03,
                    2020: 0.55,
                    2021: 0.35,
                    2022: 0.22,
                    2024: 0.2,
                },
            ),
            0.3,
        ),
        0,
        0.9,
    )
    wide["personnel.smart_workers"] = np.round(s * smart)
    age = by_year(years, {2009: 46.5, 2019: 51.5, 2024: 49.8}) + rng.normal(0, 0.8, n)
    wide["personnel.staff_mean_age"] = np.round(age, 1)
    over55 = np.clip(0.3 + (age - 49.0) * 0.04 + rng.normal(0, 0.02, n), 0.05, 0.8)
    wide["personnel.staff_aged_55_plus"] = np.round(s * over55)
    managers = np.round(s * rng.uniform(0.035, 0.06, n))
    wide["personnel.managers"] = managers
    women = np.clip(by_year(years, {2009: 0.38, 2024: 0.55}) + rng.normal(0, 0.06, n), 0.1, 0.9)
    wide["personnel.women_managers"] = np.round(managers * women)

    values = demo_data.tidy(wide, sort=False)
    # a few missing values (about 1%), never the staff (every indicator needs it)
    return demo_data.sort_tidy(
        demo_data.drop_some(values, rng, 0.01, keep=values["variable"] == "personnel.staff")
    )


def make_files() -> dict[str, pd.DataFrame]:
    """The demo table, by dataset kind."""
    rng = np.random.default_rng(SEED)
    return {"indicator_data": make_panel(demo_data.cities("qclub"), rng)}


if __name__ == "__main__":
    demo_data.run_script(__doc__, OUT, make_files)
