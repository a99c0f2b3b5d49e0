"""Generate the SYNTHETIC demo data of qualitapa-bolzano (seeded, reproducible).

Writes into ``src/qualitapa_bolzano/demo/``:

* ``indicator_data.csv`` - tidy ``organization, period, variable, value``: the
  local variables of Bolzano's bilingual registry service (certificates by
  language, counter contacts served in the chosen language, counter staff with
  the bilingualism certificate), 2009-2024, for Bolzano only. The shared
  registry variables are not repeated: the Q-Club demo data has Bolzano's rows.
* ``complaints.csv`` - Bolzano's 2024 complaints in its LOCAL categories (the use of
  Italian and German), in the import layout of
  :meth:`qualitapa.complaints.ComplaintRegister.import_csv` (the layout of the
  registry plugin's demo complaints). Its other complaints are in the registry
  plugin's demo data.

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


#: Local complaint categories and how many complaints each gets in 2024.
CATEGORIES = {
    "bolzano.registry.language.obligation": 8,
    "bolzano.registry.language.documents": 4,
    "bolzano.registry.language": 2,
}
CHANNELS = ["counter", "email", "web", "pec", "phone"]
DESCRIPTION = "Reclamo (testo sintetico dimostrativo) / Beschwerde (synthetischer Demotext)"


def make_complaints(rng: np.random.Generator) -> pd.DataFrame:
    """Bolzano's 2024 complaints in its local categories, answered or still open."""
    categories = np.repeat(list(CATEGORIES), list(CATEGORIES.values()))
    n = len(categories)

    def office_hours(days: np.ndarray) -> pd.DatetimeIndex:
        """Weekdays ``days`` after ``start`` (a weekend rolls to Monday), 8:30 to 16:30."""
        dates = np.datetime64("2024-01-08") + np.floor(days).astype("timedelta64[D]")
        dates = np.busday_offset(dates, 0, roll="forward")
        minutes = np.round(rng.uniform(8.5 * 60, 16.5 * 60, len(days)))
        return pd.DatetimeIndex(dates).tz_localize("Europe/Rome") + pd.to_timedelta(minutes, "min")

    day = np.sort(rng.uniform(0, 340, n))
    received = office_hours(day)
    # most answered within a few days, a few late; the last two still open
    answered = office_hours(day + 1 + rng.gamma(2.0, 4.0, n))
    closed = office_hours(day + 12 + rng.gamma(2.0, 4.0, n))
    is_open = np.arange(n) >= n - 2
    iso = "%Y-%m-%dT%H:%M:%S%z"

    def stamp(values: pd.DatetimeIndex, blank: np.ndarray) -> list[str]:
        text = [v.strftime(iso) for v in values]
        text = [t[:-2] + ":" + t[-2:] for t in text]  # +0100 -> +01:00 (ISO 8601)
        return ["" if b else t for t, b in zip(text, blank, strict=True)]

    order = rng.permutation(n)
    return pd.DataFrame(
        {
            "id": [f"{BOLZANO}-2024-BZ{i + 1:03d}" for i in range(n)],
            "kind": "complaint",
            "channel": rng.choice(CHANNELS, n),
            "service": "registry",
            "received_at": stamp(received, np.zeros(n, bool)),
            "category": categories[order],
            "organization": BOLZANO,
            "description": DESCRIPTION,
            "status": np.where(is_open, "in_progress", "closed"),
            "answered_at": stamp(answered, is_open),
            "closed_at": stamp(closed, is_open),
        }
    )


def make_files() -> dict[str, pd.DataFrame]:
    """The demo tables, by dataset kind (the panel draws first)."""
    rng = np.random.default_rng(SEED)
    return {"indicator_data": make_panel(rng), "complaints": make_complaints(rng)}


if __name__ == "__main__":
    demo_data.run_script(__doc__, OUT, make_files)
