"""Generate Modena's SYNTHETIC training, certification and good-practice sheets of 2024.

Writes into ``src/qualitapa_modena/programme/`` the sheets of issue 20 of
``qualitapa.programme``: ``training_needs, courses, course_sessions,
attendance, staff, certifications, audits, findings, practices`` (UTF-8,
``,``, ISO dates), next to the plan's sheets of ``make_programme_data.py``.

Everything is INVENTED: staff are matricole ``M0001``... (no names), the
quality people are those of ``people.csv`` (``P01``...; fake names,
``example.org``), the certification body, certificate number and findings are
made up. The register is the city's WHOLE training of 2024 (quality courses
and the general plan: safety, anti-corruption, digital skills...), built so
that it gives exactly the personnel plugin's synthetic figures for Modena 2024
(``qualitapa-personnel`` ``demo/indicator_data.csv``): 1,731 employees, 1,393
trained, 65,940 hours; ``qualitapa.programme.training_variables`` computes them
from these records.

The draw is seeded (``SEED``): running the script again writes the same bytes.

Run from the repository root::

    .venv/bin/python plugins/qualitapa-modena/scripts/make_quality_data.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

from qualitapa.programme import SHEETS  # the columns of each sheet, in order

MODENA = "036023"
YEAR = 2024
SEED = 20241231
OUT = Path(__file__).resolve().parents[1] / "src" / "qualitapa_modena" / "programme"

# The personnel plugin's Modena 2024 (personnel.staff, staff_trained, training_hours)
STAFF_TOTAL, TRAINED_TOTAL, HOURS_TOTAL = 1731, 1393, 65940

# Employees at 31/12/2024 by department (sum 1731); UQ is counted apart from S05, the
# registry's services S01A/S01B with S01.
STAFF = [("DG", 24), ("S01", 96), ("S02", 548), ("S03", 142), ("S04", 236), ("S05", 58),
         ("UQ", 6), ("S06", 356), ("S07", 265)]  # fmt: skip

# The people of people.csv and their department (roles.csv; P18 is an internal auditor
# of the municipal police)
PEOPLE_DEPARTMENT = {
    "P01": "DG", "P02": "UQ", "P19": "UQ", "P03": "S01", "P04": "S01", "P05": "S02",
    "P06": "S02", "P07": "S02", "P08": "S03", "P09": "S03", "P10": "S04", "P11": "S04",
    "P18": "S04", "P12": "S05", "P13": "S05", "P14": "S06", "P15": "S06", "P16": "S07",
    "P17": "S07",
}  # fmt: skip

INTERNAL, EXTERNAL, ONLINE = "internal", "external", "e_learning"

#: An attendance: course, session, person, hours attended (None: the whole session), completed
Row = tuple[str, str, str, float | None, str]
ROOM = "Sala formazione del Comune (sede di esempio)"
PLATFORM = "Piattaforma e-learning"

# course, title, topic, audience, trainer, kind
COURSES = [
    ("C01", "Corso per i referenti della qualità", "qualita", "referents",
     "Ufficio qualità con docenti esterni", INTERNAL),
    ("C02", "La carta dei servizi: redazione, standard e revisione", "carta_servizi",
     "referents", "Ufficio qualità", INTERNAL),
    ("C03", "Indagini di customer satisfaction: progettare, somministrare, analizzare",
     "soddisfazione_utenti", "referents", "Società di formazione Esempio", EXTERNAL),
    ("C04", "Gestione dei reclami e delle segnalazioni", "reclami", "staff",
     "Ufficio qualità", INTERNAL),
    ("C05", "ISO 9001:2015 e audit interni", "iso9001", "staff",
     "Società di formazione Esempio", EXTERNAL),
    ("C06", "Il modello CAF e l'autovalutazione", "caf", "managers", "Ufficio qualità",
     INTERNAL),
    ("C07", "Il sistema qualità nei nidi d'infanzia", "qualita_nidi", "staff", "Ufficio qualità",
     INTERNAL),
    ("G01", "Sicurezza sul lavoro: aggiornamento dei lavoratori", "sicurezza", "staff",
     "Società di formazione Esempio", EXTERNAL),
    ("G02", "Prevenzione della corruzione e trasparenza", "anticorruzione", "staff",
     "Segreteria generale", ONLINE),
    ("G03", "Competenze digitali per la PA (Syllabus)", "digitale", "staff",
     "Dipartimento della funzione pubblica (Syllabus)", ONLINE),
    ("G04", "Protezione dei dati personali", "privacy", "staff", "Responsabile della "
     "protezione dei dati", ONLINE),
    ("G05", "Aggiornamento professionale della polizia locale", "polizia_locale", "staff",
     "Scuola di polizia locale (esempio)", EXTERNAL),
    ("G06", "Formazione pedagogica del personale dei nidi e delle scuole d'infanzia",
     "pedagogia", "staff", "Coordinamento pedagogico", INTERNAL),
    ("G07", "Aggiornamento tecnico-specialistico dei settori", "specialistica", "staff",
     "Docenti esterni", EXTERNAL),
]  # fmt: skip

# course, session, date, hours, place (the quality courses: a session is a day)
QUALITY_SESSIONS = [
    ("C01", "1", "2024-03-20", 6, ROOM), ("C01", "2", "2024-04-10", 6, ROOM),
    ("C01", "3", "2024-04-24", 6, ROOM), ("C01", "4", "2024-05-15", 6, ROOM),
    ("C02", "1", "2024-06-12", 4, ROOM),
    ("C03", "1", "2024-10-08", 4, ROOM), ("C03", "2", "2024-10-15", 4, ROOM),
    ("C04", "1", "2024-09-17", 5, ROOM), ("C04", "2", "2024-10-01", 5, ROOM),
    ("C04", "3", "2024-11-05", 5, ROOM),
    ("C05", "1", "2024-01-25", 8, ROOM), ("C05", "2", "2024-02-15", 8, ROOM),
    ("C05", "3", "2024-03-14", 8, ROOM), ("C05", "4", "2024-04-18", 8, ROOM),
    ("C06", "1", "2024-02-27", 6, ROOM),
    # A10: the second day (22 October) never took place, the activity was suspended
    ("C07", "1", "2024-09-24", 3, "Nido d'infanzia (sede di esempio)"),
]  # fmt: skip

# The general courses: editions (a session is an edition, dated by its first day)
QUARTERS = ["2024-01-15", "2024-04-15", "2024-07-15", "2024-10-15"]
GENERAL_SESSIONS = {
    # course: (session dates, hours of a session, place)
    "G01": ([f"2024-{m:02d}-{d:02d}" for m in range(1, 12) for d in (9, 23)], 6, ROOM),
    "G02": (QUARTERS, 4, PLATFORM),
    "G03": (QUARTERS, 40, PLATFORM),
    "G04": (QUARTERS, 3, PLATFORM),
    "G05": (
        ["2024-02-05", "2024-03-04", "2024-04-08", "2024-10-07", "2024-11-04"],
        40,
        "Scuola di polizia locale (sede di esempio)",
    ),
    "G06": ([f"2024-{m:02d}-02" for m in (1, 2, 3, 9, 10, 11)], 30, ROOM),
    "G07": ([f"2024-{m:02d}-16" for m in range(1, 12)], 36, ROOM),
}

# Who attended the quality courses: (course, sessions, people). "S03:1" is the first
# matricola of S03 that is not one of the people of people.csv, and so on.
REFERENTS = ["P19", "P03", "P05", "P08", "P10", "P12", "P14", "P16"]
QUALITY_ATTENDANCE = [
    # 14 participants, four days (activity A19): the referents, the new referent of
    # Istruzione, an auditor of the police and four staff who help the referents;
    # P05 missed the fourth day
    ("C01", "123", [*REFERENTS, "P07", "P18", "S03:1", "S06:1", "S07:1", "UQ:1"]),
    ("C01", "4", [r for r in REFERENTS if r != "P05"] + ["P07", "P18", "S03:1", "S06:1",
                                                        "S07:1", "UQ:1"]),
    ("C02", "1", ["P03", "P08", "P14", "S06:1", "P07", "P19"]),
    ("C03", "12", ["P07", "S02:1", "P03", "P19"]),
    ("C03", "1", ["P14"]),
    ("C04", "1", [f"S01:{i}" for i in range(1, 21)]),
    ("C04", "2", [f"S04:{i}" for i in range(1, 11)]),
    ("C04", "3", [f"S06:{i}" for i in range(2, 14)]),
    ("C05", "1234", ["P18"] + [f"S04:{i}" for i in range(11, 18)]),  # 8 auditors (A17)
    ("C06", "1", ["P01", "P04", "P06", "P09", "P11", "P13", "P15"]),  # P17 absent
    ("C07", "1", [f"S02:{i}" for i in range(2, 27)]),  # 25 educators, not completed
]  # fmt: skip

# department, topic, audience, people, hours per person, priority, reported_by, note
NEEDS = [
    ("S01", "reclami", "staff", 20, 5, "high", "P03", "Operatori di sportello"),
    ("S04", "reclami", "staff", 15, 5, "medium", "P10", "Ufficio relazioni con il pubblico"),
    ("S06", "reclami", "staff", 12, 5, "high", "P14", "Sportello sociale"),
    ("S01", "carta_servizi", "referents", 1, 4, "high", "P03", "Revisione della carta"),
    ("S03", "carta_servizi", "referents", 2, 4, "high", "P08", "Carta delle biblioteche"),
    ("S06", "carta_servizi", "referents", 2, 4, "medium", "P14", "Bozza della carta"),
    ("S02", "soddisfazione_utenti", "referents", 2, 8, "high", "P05", ""),
    ("S03", "soddisfazione_utenti", "referents", 2, 8, "medium", "P08",
     "Indagine degli utenti delle biblioteche"),
    ("S06", "soddisfazione_utenti", "referents", 1, 8, "medium", "P14", ""),
    ("S04", "iso9001", "staff", 8, 32, "high", "P10", "Nuovi auditor interni"),
    ("S07", "iso9001", "staff", 5, 16, "low", "P16", "Verso la certificazione"),
    ("S05", "caf", "managers", 1, 6, "low", "P12", ""),
    ("S07", "caf", "managers", 1, 6, "medium", "P16", ""),
    ("S02", "qualita_nidi", "staff", 40, 12, "high", "P05", "Educatrici dei nidi"),
    ("S07", "qualita", "referents", 2, 24, "medium", "P16", ""),
    ("S01", "digitale", "staff", 30, 20, "medium", "P03", "Servizi online"),
]  # fmt: skip

# -- the municipal police's ISO 9001 certificate (held since 2004) ----------------------
# Expires 15 March 2025: on 31/12/2024 there are 74 days left (31 + 28 + 15), so the
# certificate is "expiring" with the default warn_days of 90 (and any up to 365), not
# with 60.
CERTIFICATIONS = [
    ("PL-9001", "S04", "Polizia locale", "ISO 9001:2015",
     "Servizi di polizia locale: pronto intervento, controllo del territorio, polizia "
     "stradale, gestione delle segnalazioni e dei reclami dei cittadini",
     "Certificazioni Esempio SpA", "ESEMPIO-QMS-0417", "2004-03-16",
     "2022-03-16", "2025-03-15", "valid"),
]  # fmt: skip

# audit, certificate, kind, date, body, activity
AUDITS = [
    ("AU2023-S", "PL-9001", "surveillance", "2023-05-17", "Certificazioni Esempio SpA",
     ""),
    ("AU2024-I", "PL-9001", "internal", "2024-03-20", "Ufficio qualità", "A15"),
    ("AU2024-S", "PL-9001", "surveillance", "2024-05-22", "Certificazioni Esempio SpA",
     "A15"),
]  # fmt: skip

# audit, finding, kind, clause, text, action, owner, due, closed
FINDINGS = [
    ("AU2024-I", "1", "observation", "10.2",
     "Alcune azioni correttive sono chiuse senza verifica dell'efficacia",
     "Verifica dell'efficacia a tre mesi dalla chiusura", "P18", "2024-06-30", "2024-06-20"),
    ("AU2024-I", "2", "opportunity", "8.2.1",
     "Le segnalazioni arrivano da quattro canali con registri diversi", "", "", "", ""),
    ("AU2024-S", "1", "minor_nc", "7.2",
     "Il registro della formazione non è aggiornato per sei agenti assunti nel 2023",
     "Aggiornare il registro e verificarlo ogni trimestre", "P10", "2024-07-31",
     "2024-07-19"),
    ("AU2024-S", "2", "minor_nc", "9.3.2",
     "I risultati dell'indagine di soddisfazione non sono analizzati nel riesame della "
     "direzione", "Inserire i risultati dell'indagine nel riesame della direzione", "P11",
     "2024-10-31", ""),  # open on 31/12/2024: 61 days late (30 + 31)
    ("AU2024-S", "3", "observation", "8.5.1",
     "I tempi di risposta ai reclami non sono monitorati per canale", "", "", "", ""),
    ("AU2024-S", "4", "observation", "7.5.3",
     "Due versioni della procedura di pronto intervento sulla rete interna", "", "", "", ""),
]  # fmt: skip

# services as the catalog labels them in Italian (the sheet's `service` is free text)
REGISTRY, LIBRARIES = "Servizi demografici - Anagrafe", "Biblioteche pubbliche"
NURSERIES, PERSONNEL = "Nidi d'infanzia", "Personale e formazione"

# practice, service, title_it, title_de, title_en, description, since,
# indicators (comparable catalog indicators on which Modena is first of its population
# class in the demo's 2024 benchmark), contact (people.csv), documents
PRACTICES = [
    ("BP-MO-01", REGISTRY, "Agenda online degli appuntamenti dell'anagrafe",
     "Online-Terminkalender des Meldeamts", "Online appointment agenda of the registry office",
     "Carta d'identità, residenza e certificati allo sportello solo su appuntamento, "
     "prenotato online, per telefono o allo sportello; gli operatori sono assegnati alle "
     "fasce orarie secondo le prenotazioni. Costo del servizio per abitante il più basso "
     "della classe demografica.", 2016, "registry.cost_per_inhabitant", "P03",
     "https://example.org/modena/agenda-anagrafe.pdf"),
    ("BP-MO-02", NURSERIES, "Graduatoria unica dei nidi con posti flessibili",
     "Einheitliche Rangliste der Kinderkrippen mit flexiblen Plätzen",
     "Single nursery ranking with flexible places",
     "Una sola graduatoria per nidi comunali e convenzionati; i posti lasciati liberi a "
     "settembre sono riassegnati entro due settimane e il tempo parziale libera posti per "
     "la lista d'attesa.", 2019,
     "nurseries.demand_met, nurseries.waiting_list_share, nurseries.occupancy", "P07",
     "https://example.org/modena/graduatoria-nidi.pdf"),
    ("BP-MO-03", LIBRARIES, "Prestito tra le biblioteche della rete provinciale",
     "Fernleihe zwischen den Bibliotheken des Landesnetzes",
     "Loans between the libraries of the provincial network",
     "Un catalogo unico e un corriere settimanale portano i libri di tutta la rete nella "
     "biblioteca più vicina al lettore.", 2017, "libraries.circulation, libraries.impact",
     "P08", "https://example.org/modena/prestito-rete.pdf"),
]  # fmt: skip


def employees() -> pd.DataFrame:
    """Every employee of 2024 (``person``, ``department``): the people of people.csv and
    matricole ``M0001``... filling each department's headcount."""
    rows, number = [], 0
    for department, count in STAFF:
        people = [p for p, d in PEOPLE_DEPARTMENT.items() if d == department]
        rows += [(p, department) for p in people]
        for _ in range(count - len(people)):
            number += 1
            rows.append((f"M{number:04d}", department))
    out = pd.DataFrame(rows, columns=["person", "department"])
    assert len(out) == STAFF_TOTAL
    assert out["person"].is_unique
    return out


def _staff_of(staff: pd.DataFrame) -> dict[str, list[str]]:
    matricole = staff[staff["person"].str.startswith("M")]
    return {str(d): list(g["person"]) for d, g in matricole.groupby("department", sort=False)}


def _who(code: str, by_department: dict[str, list[str]]) -> str:
    if ":" not in code:
        return code
    department, index = code.split(":")
    return by_department[department][int(index) - 1]


def quality_attendance(staff: pd.DataFrame) -> list[Row]:
    """Rows (course, session, person, hours_attended or None, completed) of the quality
    courses."""
    by_department = _staff_of(staff)
    rows: list[Row] = []
    for course, sessions, people in QUALITY_ATTENDANCE:
        for session in sessions:
            for code in people:
                done = "no" if course == "C07" else "yes"
                rows.append((course, session, _who(code, by_department), None, done))
    return rows


def general_attendance(staff: pd.DataFrame, already: set[str], hours_so_far: float) -> list[Row]:
    """Rows of the general courses: the trained employees (1,393 in all, with those of the
    quality courses) drawn with the seed; the Syllabus hours fill the total to 65,940."""
    rng = np.random.default_rng(SEED)
    department = dict(zip(staff["person"], staff["department"], strict=True))
    others = [p for p in staff["person"] if p not in already]
    drawn = rng.choice(len(others), size=TRAINED_TOTAL - len(already), replace=False)
    trained = sorted(already | {others[i] for i in drawn})
    rows: list[Row] = []
    syllabus: list[tuple[str, str]] = []  # (session, person) of the Syllabus course
    attended: list[float] = []  # their hours

    def edition(course: str) -> str:
        return str(rng.integers(len(GENERAL_SESSIONS[course][0])) + 1)

    for person in trained:
        home = department[person]
        taken = []
        for course, chance in (("G01", 0.55), ("G02", 0.75), ("G04", 0.5)):
            if rng.random() < chance:
                taken.append(course)
        special = {"S04": ("G05", 0.9), "S02": ("G06", 0.85)}.get(home, ("G07", 0.6))
        if rng.random() < special[1]:
            taken.append(special[0])
        digital = rng.random() < 0.6
        if digital:
            syllabus.append((edition("G03"), person))
            attended.append(6.0)
        if not taken and not digital and person not in already:
            taken.append("G02")  # everyone trained did at least the mandatory course
        for course in taken:
            rows.append((course, edition(course), person, None, "yes"))
    full = GENERAL_SESSIONS["G03"][1]
    hours = hours_so_far + sum(GENERAL_SESSIONS[r[0]][1] for r in rows) + 6.0 * len(syllabus)
    deficit = HOURS_TOTAL - hours
    assert 0 <= deficit <= (full - 6) * len(syllabus), deficit
    order = rng.permutation(len(syllabus))
    while deficit > 0:
        for i in order:
            add = min(full - attended[i], float(rng.integers(1, 15)), deficit)
            attended[i] += add
            deficit -= add
            if deficit == 0:
                break
    for (session, person), hours in zip(syllabus, attended, strict=True):
        complete = hours == full
        rows.append(("G03", session, person, None if complete else hours,
                     "yes" if complete else "no"))  # fmt: skip
    return rows


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def training_sheets() -> dict[str, pd.DataFrame]:
    """The five training sheets."""
    staff = employees()
    out: dict[str, pd.DataFrame] = {}
    out["training_needs"] = pd.DataFrame(
        [(MODENA, YEAR, d, t, a, p, h, pr, by, note) for d, t, a, p, h, pr, by, note in NEEDS],
        columns=list(SHEETS["training_needs"].columns),
    )  # fmt: skip
    out["courses"] = pd.DataFrame(
        [(MODENA, c, title, topic, aud, trainer, kind, "") for c, title, topic, aud, trainer,
         kind in COURSES],
        columns=list(SHEETS["courses"].columns),
    )  # fmt: skip
    sessions = [(c, s, d, h, p) for c, s, d, h, p in QUALITY_SESSIONS]
    for course, (dates, hours, place) in GENERAL_SESSIONS.items():
        sessions += [(course, str(i + 1), d, hours, place) for i, d in enumerate(dates)]
    out["course_sessions"] = pd.DataFrame(
        [(MODENA, c, s, d, _number(h), p) for c, s, d, h, p in sessions],
        columns=list(SHEETS["course_sessions"].columns),
    )
    session_hours = {(c, s): h for c, s, _, h, _ in sessions}
    quality = quality_attendance(staff)
    done = sum(session_hours[(c, s)] if h is None else h for c, s, _, h, _ in quality)
    rows = quality + general_attendance(staff, {r[2] for r in quality}, done)
    department = dict(zip(staff["person"], staff["department"], strict=True))
    table = pd.DataFrame(
        [(MODENA, c, s, p, department[p], _number(h), ok) for c, s, p, h, ok in rows],
        columns=list(SHEETS["attendance"].columns),
    )  # fmt: skip
    course_order = {c[0]: i for i, c in enumerate(COURSES)}
    table = table.assign(_c=table["course"].map(course_order), _s=table["session"].astype(int))
    out["attendance"] = (
        table.sort_values(["_c", "_s", "person"], kind="stable")
        .drop(columns=["_c", "_s"]).reset_index(drop=True)
    )  # fmt: skip
    out["staff"] = pd.DataFrame(
        [(MODENA, YEAR, d, n) for d, n in STAFF],
        columns=list(SHEETS["staff"].columns),
    )
    return out


def certification_sheets() -> dict[str, pd.DataFrame]:
    """The certificate of the municipal police, its audits and their findings."""
    return {
        "certifications": pd.DataFrame(
            [(MODENA, *row) for row in CERTIFICATIONS],
            columns=list(SHEETS["certifications"].columns),
        ),
        "audits": pd.DataFrame(
            [(MODENA, *row) for row in AUDITS],
            columns=list(SHEETS["audits"].columns),
        ),
        "findings": pd.DataFrame(
            [(MODENA, *row) for row in FINDINGS],
            columns=list(SHEETS["findings"].columns),
        ),
    }


def practice_sheet() -> pd.DataFrame:
    """Modena's own good practices."""
    return pd.DataFrame(
        [(MODENA, *row) for row in PRACTICES],
        columns=list(SHEETS["practices"].columns),
    )  # fmt: skip


def sheets() -> dict[str, pd.DataFrame]:
    """The nine sheets of issue 20, as tables of text."""
    return {**training_sheets(), **certification_sheets(), "practices": practice_sheet()}


def main(out: Path = OUT) -> None:
    """Write the CSV files into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    for name, table in sheets().items():
        table.to_csv(out / f"{name}.csv", index=False, encoding="utf-8", lineterminator="\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
