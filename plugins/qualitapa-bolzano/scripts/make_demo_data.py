"""Generate the SYNTHETIC demo data of qualitapa-bolzano (seeded, reproducible).

Writes into ``src/qualitapa_bolzano/demo/``:

* ``indicator_data.csv`` - tidy ``organization, period, variable, value``: the
  local variables of Bolzano's bilingual registry service (certificates by
  language, counter contacts served in the chosen language, counter staff with
  the bilingualism certificate), 2009-2024, for Bolzano only. The shared
  registry variables are not repeated: the Q-Club demo data has Bolzano's rows.

Every figure is invented: these are not the City of Bolzano's statistics. The
plugin itself is TOML only; this script is a development tool, not part of the
installed package.

Run from the repository root::

    .venv/bin/python plugins/qualitapa-bolzano/scripts/make_demo_data.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from qualitapa.demo import data as demo_data

SEED = 20240815  # 15 August: Maria Himmelfahrt / Assunzione, Bolzano's cathedral
BOLZANO = "021008"
YEARS = np.arange(2009, 2025)  # the years of the shared Q-Club registry demo data
OUT = Path(__file__).resolve().parents[1] / "src" / "qualitapa_bolzano" / "demo"


def make_panel(rng: np.random.Generator) -> pd.DataFrame:
    """Bolzano's bilingual-service variables, 2009-2024."""
    n = len(YEARS)
    t = (YEARS - YEARS[0]).astype(float)
    # counter certificates fall as citizens download them from ANPR
    total = np.round(60_000 * (1.0 - 0.04 * t) * rng.lognormal(0, 0.03, n))
    total[YEARS == 2020] = np.round(total[YEARS == 2020] * 0.65)  # lockdown
    german = np.clip(0.26 + rng.normal(0, 0.01, n), 0.2, 0.35)  # about a quarter
    cert_de = np.round(total * german)
    contacts = np.round(9_000 * rng.lognormal(0, 0.04, n))
    chosen = np.clip(0.94 + 0.003 * t + rng.normal(0, 0.004, n), 0.9, 0.999)
    staff = rng.integers(38, 44, n).astype(float)
    certified = np.minimum(staff, np.round(staff * np.clip(0.85 + 0.01 * t, 0, 1)))
    wide = pd.DataFrame(
        {
            "bolzano.registry.certificates_it": total - cert_de,
            "bolzano.registry.certificates_de": cert_de,
            "bolzano.registry.counter_contacts": contacts,
            "bolzano.registry.contacts_chosen_language": np.round(contacts * chosen),
            "bolzano.registry.counter_staff": staff,
            "bolzano.registry.counter_staff_certified": certified,
        },
        index=pd.Index(YEARS, name="period"),
    )
    values = demo_data.tidy(wide, sort=False)
    values.insert(0, "organization", BOLZANO)
    # one missing value: the language sample of 2020 was not taken (lockdown)
    missing = (values["period"] == 2020) & values["variable"].isin(
        ["bolzano.registry.counter_contacts", "bolzano.registry.contacts_chosen_language"]
    )
    return values.loc[~missing].reset_index(drop=True)


def make_files() -> dict[str, pd.DataFrame]:
    """The demo tables, by dataset kind."""
    rng = np.random.default_rng(SEED)
    return {"indicator_data": make_panel(rng)}


if __name__ == "__main__":
    demo_data.run_script(__doc__, OUT, make_files)
