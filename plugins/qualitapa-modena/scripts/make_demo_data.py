"""Generate the SYNTHETIC demo data of qualitapa-modena (seeded, reproducible).

Writes into ``src/qualitapa_modena/demo/``:

* ``indicator_data.csv`` - tidy ``organization, period, variable,
  value``: the variables of Modena's local appointment-agenda service,
  2016-2024, for Modena only.
* ``caf_scores.csv`` - a CAF 2020 scoring sheet in the layout
  :func:`qualitapa.caf.validate_scores` reads (classical scoring): one row per
  assessor and sub-criterion, ``assessor, subcriterion, score, not_assessed,
  evidence, strengths, improvements``. Five assessors score the 28
  sub-criteria around a common level with some noise; on a few sub-criteria one
  assessor sees things very differently (so that
  :func:`qualitapa.caf.consolidate` flags them for discussion), and one
  assessor leaves a sub-criterion not assessed.

Every figure and text is invented: this is not Modena's self-assessment.

Run from the repository root::

    .venv/bin/python plugins/qualitapa-modena/scripts/make_demo_data.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from qualitapa.caf import caf_model
from qualitapa.demo import data as demo_data

SEED = 20240131  # 31 January: San Geminiano
MODENA = "036023"
YEARS = np.arange(2016, 2025)
OUT = Path(__file__).resolve().parents[1] / "src" / "qualitapa_modena" / "demo"
ASSESSORS = ["A1", "A2", "A3", "A4", "A5"]

# Per criterion: (evidence, strength, area for improvement) phrases, in Italian as the
# assessors of an Italian city would write them. Each assessor picks one of each.
PHRASES: dict[str, tuple[list[str], list[str], list[str]]] = {
    "1": (
        ["DUP e piano della performance", "verbali del comitato di direzione", "PIAO 2024-2026"],
        ["obiettivi strategici chiari e comunicati", "dirigenza disponibile al confronto"],
        ["poco ascolto dei dipendenti sulle scelte", "scarso monitoraggio dei risultati"],
    ),
    "2": (
        ["indagini di customer satisfaction", "analisi dei portatori di interesse nel DUP"],
        ["uso dei dati Q-Club nella pianificazione", "obiettivi collegati al bilancio"],
        ["pochi indicatori di impatto", "revisione della strategia non sistematica"],
    ),
    "3": (
        ["piano della formazione", "indagine sul benessere organizzativo", "conto annuale"],
        ["formazione digitale diffusa", "lavoro agile regolato"],
        ["valutazione delle competenze assente", "turnover non compensato in alcuni settori"],
    ),
    "4": (
        ["convenzioni con il terzo settore", "bilancio e rendiconto", "piano triennale ICT"],
        ["rapporti consolidati con le associazioni", "tempi di pagamento in anticipo"],
        ["gestione del patrimonio immobiliare", "dati non integrati tra i sistemi"],
    ),
    "5": (
        ["mappatura dei processi", "carta dei servizi demografici", "registro dei reclami"],
        ["processi digitalizzati (ANPR, CIE)", "prenotazione online degli appuntamenti"],
        ["processi trasversali senza responsabile", "reclami non analizzati per causa"],
    ),
    "6": (
        ["indagine di soddisfazione 2024", "indicatori della carta dei servizi", "reclami"],
        ["soddisfazione alta per cortesia e competenza", "attese in calo"],
        ["pochi dati per target di utenza", "risultati non confrontati nel tempo"],
    ),
    "7": (
        ["indagine sul benessere organizzativo", "tasso di assenza", "ore di formazione"],
        ["buon senso di appartenenza", "partecipazione alla formazione in crescita"],
        ["percezione di iniquità nei carichi di lavoro", "indagine non ripetuta ogni anno"],
    ),
    "8": (
        ["bilancio sociale", "progetti con le scuole", "piano per la sostenibilità"],
        ["iniziative ambientali riconosciute", "collaborazione con il volontariato"],
        ["impatto sociale non misurato", "obiettivi di sostenibilità generici"],
    ),
    "9": (
        [
            "rendiconto e piano degli indicatori",
            "benchmarking Q-Club",
            "relazione sulla performance",
        ],
        ["indicatori finanziari solidi", "buon posizionamento nel Q-Club"],
        ["obiettivi di efficienza poco sfidanti", "confronto con le altre città non sistematico"],
    ),
}


def make_caf(rng: np.random.Generator) -> pd.DataFrame:
    """Five assessors' classical scores on the 28 sub-criteria, with texts."""
    subs = caf_model().to_frame("it")[["subcriterion", "criterion"]]
    n_sub, n_ass = len(subs), len(ASSESSORS)
    level = np.round(rng.uniform(35, 70, n_sub) / 5) * 5  # common view of each sub-criterion
    scores = level[:, None] + rng.normal(0, 5, (n_sub, n_ass))
    # a few sub-criteria where one assessor sees things very differently
    for i in rng.choice(n_sub, size=5, replace=False):
        j = rng.integers(n_ass)
        scores[i, j] += rng.choice([-1, 1]) * rng.uniform(25, 35)
    scores = np.clip(np.round(scores), 0, 100)
    frame = pd.DataFrame(
        {
            "assessor": np.tile(ASSESSORS, n_sub),
            "subcriterion": np.repeat(subs["subcriterion"].to_numpy(), n_ass),
            "score": scores.reshape(-1),
            "not_assessed": "",
        }
    )
    criterion = np.repeat(subs["criterion"].to_numpy(), n_ass)
    for col, k in (("evidence", 0), ("strengths", 1), ("improvements", 2)):
        picks = rng.integers(0, 3, len(frame))
        frame[col] = [
            PHRASES[c][k][p % len(PHRASES[c][k])] for c, p in zip(criterion, picks, strict=True)
        ]
    # one assessor cannot judge social responsibility results: marked, not scored
    skip = (frame["assessor"] == "A4") & (frame["subcriterion"] == "8.2")
    frame.loc[skip, ["evidence", "strengths", "improvements"]] = ""
    frame["score"] = frame["score"].astype("Float64")
    frame.loc[skip, "score"] = pd.NA
    frame.loc[skip, "not_assessed"] = "yes"
    return frame


def make_panel(rng: np.random.Generator) -> pd.DataFrame:
    """Modena's appointment-agenda variables, 2016-2024."""
    t = (YEARS - YEARS[0]).astype(float)
    booked = np.round(42_000 * (1.0 + 0.06 * t) * rng.lognormal(0, 0.05, len(YEARS)))
    booked[YEARS == 2020] = np.round(booked[YEARS == 2020] * 0.7)  # lockdown
    online_share = np.clip(0.25 + 0.07 * t + rng.normal(0, 0.02, len(YEARS)), 0, 0.95)
    no_show = np.clip(0.11 - 0.008 * t + rng.normal(0, 0.006, len(YEARS)), 0.01, 0.3)
    lead = np.round(np.clip(14 - 1.0 * t + rng.normal(0, 1.0, len(YEARS)), 1, 30), 1)
    lead[YEARS == 2022] += 6.0  # the rush for identity cards after the pandemic
    wide = pd.DataFrame(
        {
            "modena.appointments.booked": booked,
            "modena.appointments.booked_online": np.round(booked * online_share),
            "modena.appointments.no_shows": np.round(booked * no_show),
            "modena.appointments.lead_days": lead,
        },
        index=pd.Index(YEARS, name="period"),
    )
    values = demo_data.tidy(wide, sort=False)
    values.insert(0, "organization", MODENA)
    # one missing value: the no-shows of 2016 were not recorded
    missing = (values["period"] == 2016) & (values["variable"] == "modena.appointments.no_shows")
    return values.loc[~missing].reset_index(drop=True)


def make_files() -> dict[str, pd.DataFrame]:
    """Both demo tables, by dataset kind (the panel draws first)."""
    rng = np.random.default_rng(SEED)
    return {"indicator_data": make_panel(rng), "caf_scores": make_caf(rng)}


if __name__ == "__main__":
    demo_data.run_script(__doc__, OUT, make_files)
