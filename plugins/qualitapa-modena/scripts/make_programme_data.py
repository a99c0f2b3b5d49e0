"""Generate Modena's SYNTHETIC quality programme for 2024 (the sheets of ``qualitapa.programme``).

Writes into ``src/qualitapa_modena/programme/`` one CSV per sheet (UTF-8,
``,``, ISO dates): ``departments, people, roles, plans, activities,
milestones, activity_status, meetings, meeting_actions``, and
``piano-v1/plans.csv`` and ``piano-v1/activities.csv``, the plan as the Giunta
first approved it in February (version 1; version 2 of July adds two activities,
moves an end date and changes an owner).

Everything is INVENTED to show the shape of a city's programme: the people do
not exist (their surnames say so: Esempio, Fittizio, Prova...; e-mails at
example.org), the resolution numbers and the PEG/PDO codes are made up, and
the progress of the activities is fiction. The expected results name real
catalog items (indicators, standards, survey instruments of the Q-Club
plugins) so that the annual report can compare them with the demo's
(equally synthetic) results.

Run from the repository root::

    .venv/bin/python plugins/qualitapa-modena/scripts/make_programme_data.py
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from qualitapa.programme import SHEETS  # the columns of each sheet, in order

MODENA = "036023"
YEAR = 2024
OUT = Path(__file__).resolve().parents[1] / "src" / "qualitapa_modena" / "programme"

DEPARTMENTS = [
    # code, Italian, German, English, parent, kind
    ("DG", "Direzione generale", "Generaldirektion", "General management", "", "settore"),
    ("S01", "Servizi demografici", "Meldeamt und Standesamt", "Registry services", "", "settore"),
    ("S01A", "Anagrafe centrale", "Zentrales Meldeamt", "Central registry office", "S01",
     "servizio"),
    ("S01B", "Sedi decentrate dell'anagrafe", "Meldeamt-Außenstellen", "Registry branch offices",
     "S01", "servizio"),
    ("S02", "Istruzione", "Bildung", "Education", "", "settore"),
    ("S03", "Cultura e biblioteche", "Kultur und Bibliotheken", "Culture and libraries", "",
     "settore"),
    ("S04", "Polizia locale", "Ortspolizei", "Municipal police", "", "settore"),
    ("S05", "Personale e organizzazione", "Personal und Organisation",
     "Human resources and organisation", "", "settore"),
    ("UQ", "Ufficio qualità", "Qualitätsbüro", "Quality office", "S05", "ufficio"),
    ("S06", "Servizi sociali", "Sozialdienste", "Social services", "", "settore"),
    ("S07", "Ambiente", "Umwelt", "Environment", "", "settore"),
]  # fmt: skip

PEOPLE = [
    # person, name, category
    ("P01", "Anna Esempio", "DIR"),  # direttrice generale
    ("P02", "Marco Fittizio", "D"),  # ufficio qualità, coordinatore
    ("P03", "Giulia Prova", "D"),
    ("P04", "Luca Campione", "DIR"),
    ("P05", "Sara Modello", "D"),
    ("P06", "Paolo Immaginario", "DIR"),
    ("P07", "Elena Ipotetica", "D"),
    ("P08", "Davide Inventato", "D"),
    ("P09", "Chiara Fantasia", "DIR"),
    ("P10", "Stefano Sintetico", "D"),
    ("P11", "Francesca Verosimile", "DIR"),
    ("P12", "Andrea Simulato", "D"),
    ("P13", "Laura Finzione", "DIR"),
    ("P14", "Matteo Provvisorio", "D"),
    ("P15", "Valentina Esemplare", "DIR"),
    ("P16", "Roberto Figurato", "D"),
    ("P17", "Silvia Astratta", "DIR"),
    ("P18", "Giorgio Campionario", "D"),
    ("P19", "Marta Prototipo", "C"),  # ufficio qualità, segreteria della rete
]

ROLES = [
    # department, person, role, appointed_by, start, end
    ("UQ", "P02", "coordinator", "P01", "2022-01-10", ""),
    ("UQ", "P19", "referent", "P02", "2023-03-01", ""),
    ("S01", "P04", "head", "Sindaco", "2021-07-01", ""),
    ("S01", "P03", "referent", "P04", "2022-02-01", ""),
    ("S02", "P06", "head", "Sindaco", "2020-01-01", ""),
    ("S02", "P05", "referent", "P06", "2021-05-01", "2024-06-30"),
    ("S02", "P07", "referent", "P06", "2024-07-01", ""),  # change of referent in July
    ("S03", "P09", "head", "Sindaco", "2022-09-01", ""),
    ("S03", "P08", "referent", "P09", "2022-10-01", ""),
    ("S04", "P11", "head", "Sindaco", "2019-04-01", ""),
    ("S04", "P10", "referent", "P11", "2019-06-01", ""),
    ("S05", "P13", "head", "Sindaco", "2023-01-01", ""),
    ("S05", "P12", "referent", "P13", "2023-02-01", ""),
    ("S06", "P15", "head", "Sindaco", "2021-01-01", ""),
    ("S06", "P14", "referent", "P15", "2021-03-01", ""),
    ("S07", "P17", "head", "Sindaco", "2022-06-01", ""),
    ("S07", "P16", "referent", "P17", "2022-07-01", ""),
    ("DG", "P01", "head", "Sindaco", "2020-09-01", ""),
]

PLANS = [
    # version, resolution, approved_on, status
    (1, "87/2024", "2024-02-27", "superseded"),
    (2, "412/2024", "2024-07-16", "approved"),
]

# activity, type, department, owner, objective, title_it, title_de, start, end,
# expected (kind, id, operator, value) or None
ACTIVITIES = [
    ("A01", "survey", "S01A", "P03", "PEG-2024-04.1",
     "Indagine di soddisfazione agli sportelli dell'anagrafe",
     "Zufriedenheitsumfrage an den Schaltern des Meldeamts", "2024-02-01", "2024-06-30",
     ("survey_index", "registry.counter", ">=", 70)),
    ("A02", "indicators", "S01A", "P03", "PEG-2024-04.2",
     "Misurazione dei tempi di attesa allo sportello",
     "Messung der Wartezeiten am Schalter", "2024-01-15", "2024-12-31",
     ("indicator", "registry.average_wait", "<=", 10)),
    ("A03", "charter", "S01", "P03", "PEG-2024-04.3",
     "Revisione della carta dei servizi demografici",
     "Überarbeitung der Dienstleistungscharta des Meldeamts", "2024-03-01", "2024-10-31",
     ("standard", "modena.std.served_within_10min", ">=", 90)),
    ("A04", "indicators", "S01B", "P03", "PEG-2024-04.4",
     "Agenda degli appuntamenti online nelle sedi decentrate",
     "Online-Terminkalender in den Außenstellen", "2024-01-15", "2024-09-30",
     ("indicator", "modena.appointments.online_share", ">=", 75)),
    ("A05", "complaints", "S01", "P03", "PEG-2024-04.5",
     "Analisi dei reclami sugli sportelli demografici",
     "Analyse der Beschwerden zu den Schaltern des Meldeamts", "2024-04-01", "2024-07-31",
     None),
    ("A06", "benchmarking", "S01", "P04", "PDO-2024-02.1",
     "Confronto Q-Club sui certificati online",
     "Q-Club-Vergleich zu den Online-Bescheinigungen", "2024-05-01", "2024-11-30",
     ("indicator", "registry.online_certificates_share", ">=", 40)),
    ("A07", "survey", "S02", "P05", "PEG-2024-06.1",
     "Indagine di soddisfazione dei genitori dei nidi d'infanzia",
     "Zufriedenheitsumfrage der Eltern in den Kinderkrippen", "2024-03-01", "2024-06-30",
     ("survey_index", "nurseries.parents", ">=", 80)),
    ("A08", "charter", "S02", "P05", "PEG-2024-06.2",
     "Revisione della carta dei servizi dei nidi d'infanzia",
     "Überarbeitung der Dienstleistungscharta der Kinderkrippen", "2024-02-15", "2024-07-31",
     ("standard", "nurseries.std.children_per_educator", "<=", 7)),
    ("A09", "indicators", "S02", "P07", "PDO-2024-03.1",
     "Copertura dei posti nido", "Versorgungsgrad der Krippenplätze", "2024-01-15",
     "2024-12-15", ("indicator", "nurseries.coverage", ">=", 33)),
    ("A10", "training", "S02", "P07", "PEG-2024-06.3",
     "Formazione delle educatrici sul sistema qualità",
     "Weiterbildung der Erzieherinnen zum Qualitätssystem", "2024-09-01", "2024-11-30", None),
    ("A11", "charter", "S03", "P08", "PEG-2024-07.1",
     "Carta dei servizi delle biblioteche: dalla bozza all'approvazione",
     "Dienstleistungscharta der Bibliotheken: vom Entwurf zur Genehmigung", "2024-02-01",
     "2024-09-30", ("standard", "libraries.std.opening_hours", ">=", 50)),
    ("A12", "indicators", "S03", "P08", "PEG-2024-07.2",
     "Indice di prestito delle biblioteche comunali",
     "Ausleihindex der Stadtbibliotheken", "2024-01-15", "2024-12-31",
     ("indicator", "libraries.loans_per_inhabitant", ">=", 0.9)),
    ("A13", "benchmarking", "S03", "P08", "PDO-2024-04.1",
     "Confronto Q-Club sui prestiti digitali",
     "Q-Club-Vergleich zu den digitalen Ausleihen", "2024-03-01", "2024-06-30",
     ("indicator", "libraries.digital_loans_share", ">=", 10)),
    ("A14", "survey", "S03", "P08", "PEG-2024-07.3",
     "Indagine di soddisfazione degli utenti delle biblioteche",
     "Zufriedenheitsumfrage der Bibliotheksnutzer", "2024-04-01", "2024-10-31",
     ("survey_index", "libraries.users", ">=", 75)),
    ("A15", "certification", "S04", "P10", "PEG-2024-09.1",
     "Audit di sorveglianza della certificazione ISO 9001",
     "Überwachungsaudit der ISO-9001-Zertifizierung", "2024-03-01", "2024-05-31", None),
    ("A16", "complaints", "S04", "P10", "PEG-2024-09.2",
     "Analisi delle segnalazioni e dei reclami alla polizia locale",
     "Analyse der Meldungen und Beschwerden an die Ortspolizei", "2024-02-01", "2024-12-31",
     None),
    ("A17", "training", "S04", "P11", "PEG-2024-09.3",
     "Formazione degli auditor interni", "Schulung der internen Auditoren", "2024-01-15",
     "2024-04-30", None),
    ("A18", "caf", "UQ", "P02", "PDO-2024-01.1",
     "Autovalutazione CAF dell'ente", "CAF-Selbstbewertung der Stadtverwaltung", "2024-02-01",
     "2024-11-30", None),
    ("A19", "training", "UQ", "P02", "PDO-2024-01.2",
     "Corso per i referenti della qualità", "Kurs für die Qualitätsbeauftragten",
     "2024-02-15", "2024-05-31", ("indicator", "personnel.share_trained", ">=", 75)),
    ("A20", "indicators", "S05", "P12", "PEG-2024-11.1",
     "Ore di formazione per dipendente", "Weiterbildungsstunden je Bediensteten",
     "2024-01-15", "2024-12-31",
     ("indicator", "personnel.training_hours_per_employee", ">=", 40)),
    ("A21", "benchmarking", "UQ", "P02", "PDO-2024-01.3",
     "Tornata di benchmarking del Q-Club", "Benchmarking-Runde des Q-Club", "2024-04-01",
     "2024-10-31", None),
    ("A22", "complaints", "UQ", "P19", "PDO-2024-01.4",
     "Relazione annuale sui reclami dell'ente",
     "Jahresbericht über die Beschwerden der Stadtverwaltung", "2024-09-01", "2024-12-31",
     None),
    ("A23", "charter", "S06", "P14", "PEG-2024-12.1",
     "Bozza della carta dei servizi sociali",
     "Entwurf der Dienstleistungscharta der Sozialdienste", "2024-05-01", "2024-10-31", None),
    ("A24", "survey", "S06", "P14", "PEG-2024-12.2",
     "Indagine di soddisfazione sui servizi domiciliari",
     "Zufriedenheitsumfrage zu den Hausdiensten", "2024-06-01", "2024-11-30", None),
    ("A25", "indicators", "S07", "P16", "PEG-2024-14.1",
     "Set di indicatori della raccolta differenziata",
     "Kennzahlen der Mülltrennung", "2024-03-01", "2024-09-30", None),
]  # fmt: skip

#: The activities' titles in English (the sheet's optional ``title_en``).
TITLES_EN = {
    "A01": "Satisfaction survey at the civil registry counters",
    "A02": "Measuring waiting times at the counter",
    "A03": "Review of the demographic services charter",
    "A04": "Online appointment booking at the district offices",
    "A05": "Analysis of complaints about the demographic services counters",
    "A06": "Q-Club comparison of online certificates",
    "A07": "Parents' satisfaction survey in the nurseries",
    "A08": "Review of the nurseries' service charter",
    "A09": "Coverage of nursery places",
    "A10": "Training the nursery educators in the quality system",
    "A11": "Libraries' service charter: from draft to approval",
    "A12": "Loans per inhabitant of the municipal libraries",
    "A13": "Q-Club comparison of digital loans",
    "A14": "Library users' satisfaction survey",
    "A15": "Surveillance audit of the ISO 9001 certification",
    "A16": "Analysis of reports and complaints to the municipal police",
    "A17": "Training of internal auditors",
    "A18": "CAF self-assessment of the city",
    "A19": "Course for the quality referents",
    "A20": "Training hours per employee",
    "A21": "Q-Club benchmarking round",
    "A22": "Annual report on the city's complaints",
    "A23": "Draft of the social services charter",
    "A24": "Satisfaction survey on home care services",
    "A25": "Indicators of separate waste collection",
}

# Version 1 (February) differs from version 2 (July): A10 and A24 were added in July,
# A11 ended in June and A09 was owned by the previous referent of Istruzione.
V1_CHANGES = {
    "drop": ("A10", "A24"),
    "planned_end": {"A11": "2024-06-30"},
    "owner": {"A09": "P05"},
}

MILESTONES = [
    ("A01", "M1", "Questionario approvato", "2024-02-28"),
    ("A01", "M2", "Raccolta delle risposte conclusa", "2024-05-15"),
    ("A01", "M3", "Rapporto dei risultati", "2024-06-30"),
    ("A03", "M1", "Bozza della carta", "2024-06-30"),
    ("A03", "M2", "Approvazione della Giunta", "2024-10-31"),
    ("A07", "M1", "Somministrazione nei nidi", "2024-05-15"),
    ("A08", "M1", "Bozza condivisa con i genitori", "2024-05-31"),
    ("A08", "M2", "Pubblicazione sul sito", "2024-07-31"),
    ("A11", "M1", "Bozza della carta", "2024-04-30"),
    ("A11", "M2", "Approvazione e pubblicazione", "2024-09-30"),
    ("A15", "M1", "Audit interno", "2024-03-31"),
    ("A15", "M2", "Audit dell'ente di certificazione", "2024-05-31"),
    ("A18", "M1", "Gruppo di autovalutazione nominato", "2024-03-15"),
    ("A18", "M2", "Griglia di autovalutazione compilata", "2024-07-31"),
    ("A18", "M3", "Piano di miglioramento", "2024-11-30"),
    ("A19", "M1", "Prima giornata di corso", "2024-03-20"),
    ("A21", "M1", "Dati inviati al Q-Club", "2024-06-30"),
    ("A21", "M2", "Incontro di restituzione", "2024-10-31"),
    ("A23", "M1", "Gruppo di lavoro costituito", "2024-06-15"),
    ("A25", "M1", "Definizione degli indicatori", "2024-05-31"),
]

# activity, at, status, progress, note, by
STATUS = [
    ("A01", "2024-02-01", "started", 0.1, "Questionario in revisione", "P03"),
    ("A01", "2024-05-15", "started", 0.7, "Raccolte 512 risposte", "P03"),
    ("A01", "2024-06-25", "done", 1.0, "Rapporto consegnato", "P03"),
    ("A02", "2024-01-20", "started", 0.1, "", "P03"),
    ("A02", "2024-07-01", "started", 0.5, "Dati del primo semestre", "P03"),
    ("A02", "2024-12-20", "done", 1.0, "Dati dell'anno completi", "P03"),
    ("A03", "2024-03-05", "started", 0.2, "", "P03"),
    ("A03", "2024-07-10", "started", 0.6, "Bozza pronta", "P03"),
    ("A03", "2024-10-15", "started", 0.8, "In attesa della Giunta", "P03"),
    ("A04", "2024-01-15", "started", 0.2, "", "P03"),
    ("A04", "2024-09-20", "done", 1.0, "Agenda attiva in tutte le sedi", "P03"),
    ("A05", "2024-04-02", "started", 0.3, "", "P03"),
    ("A05", "2024-07-30", "done", 1.0, "Relazione trasmessa al dirigente", "P03"),
    ("A06", "2024-05-06", "started", 0.2, "", "P04"),
    ("A06", "2024-11-28", "done", 1.0, "Confronto presentato alla rete", "P04"),
    ("A07", "2024-03-04", "started", 0.2, "", "P05"),
    ("A07", "2024-06-28", "done", 1.0, "Risposte in elaborazione presso il gestore", "P05"),
    ("A08", "2024-02-20", "started", 0.3, "", "P05"),
    ("A08", "2024-07-25", "done", 1.0, "Carta pubblicata", "P05"),
    ("A09", "2024-01-20", "started", 0.2, "", "P05"),
    ("A09", "2024-12-10", "done", 1.0, "", "P07"),
    ("A10", "2024-09-10", "started", 0.2, "", "P07"),
    ("A10", "2024-10-15", "suspended", None, "Sospesa per il cambio del gestore dei nidi", "P07"),
    ("A11", "2024-02-05", "started", 0.2, "", "P08"),
    ("A11", "2024-05-02", "started", 0.5, "Bozza discussa con gli utenti", "P08"),
    ("A11", "2024-09-16", "started", 0.7, "Orari da ridefinire", "P08"),
    ("A12", "2024-01-20", "started", 0.1, "", "P08"),
    ("A12", "2024-12-18", "done", 1.0, "", "P08"),
    ("A13", "2024-03-04", "started", 0.4, "", "P08"),
    ("A13", "2024-08-26", "done", 1.0, "Consegnato in ritardo: dati del fornitore", "P08"),
    ("A14", "2024-04-08", "started", 0.1, "", "P08"),
    ("A14", "2024-06-12", "cancelled", None, "Rinviata al 2025 con il nuovo sistema", "P09"),
    ("A15", "2024-03-01", "started", 0.3, "", "P10"),
    ("A15", "2024-05-24", "done", 1.0, "Nessuna non conformità maggiore", "P10"),
    ("A16", "2024-02-05", "started", 0.2, "", "P10"),
    ("A16", "2024-09-30", "started", 0.6, "", "P10"),
    ("A17", "2024-01-22", "started", 0.4, "", "P11"),
    ("A17", "2024-04-19", "done", 1.0, "8 auditor formati", "P11"),
    ("A18", "2024-02-05", "started", 0.1, "", "P02"),
    ("A18", "2024-07-31", "started", 0.6, "Griglia compilata", "P02"),
    ("A18", "2024-11-29", "done", 1.0, "Piano di miglioramento approvato", "P02"),
    ("A19", "2024-02-15", "started", 0.2, "", "P02"),
    ("A19", "2024-05-30", "done", 1.0, "Quattro giornate, 14 partecipanti", "P02"),
    ("A20", "2024-01-20", "started", 0.1, "", "P12"),
    ("A20", "2024-12-19", "done", 1.0, "", "P12"),
    ("A21", "2024-04-02", "started", 0.3, "", "P02"),
    ("A21", "2024-10-30", "done", 1.0, "", "P02"),
    ("A22", "2024-09-02", "started", 0.2, "", "P19"),
    ("A22", "2024-12-16", "started", 0.8, "Bozza della relazione", "P19"),
    ("A24", "2024-06-10", "started", 0.2, "", "P14"),
    ("A24", "2024-09-02", "suspended", None, "Manca il fornitore per le interviste", "P14"),
    ("A25", "2024-03-11", "started", 0.3, "", "P16"),
]

MEETINGS = [
    ("R1", "2024-01-23", "Preparazione del piano 2024", ["P02", "P19", "P03", "P05", "P08",
     "P10", "P12", "P14", "P16"],
     "Proposte dei settori per il piano 2024; obiettivi PEG collegati",
     "Il piano 2024 è proposto alla Giunta con 23 attività"),
    ("R2", "2024-05-14", "Monitoraggio del primo quadrimestre", ["P02", "P19", "P03", "P05",
     "P08", "P10", "P12", "P16"],
     "Stato di avanzamento; indagini di soddisfazione in corso",
     "La carta delle biblioteche slitta a settembre; due nuove attività nella revisione di "
     "luglio"),
    ("R3", "2024-09-24", "Risultati ottenuti e risultati attesi", ["P02", "P19", "P03", "P07",
     "P08", "P10", "P12", "P14", "P16"],
     "Primi risultati attesi e ottenuti; attività in ritardo",
     "Piani di miglioramento per i risultati non raggiunti; sollecito ai settori in ritardo"),
    ("R4", "2024-12-12", "Bilancio dell'anno e relazione annuale", ["P01", "P02", "P19",
     "P03", "P07", "P08", "P10", "P12", "P14", "P16"],
     "Bilancio del piano 2024; schema della relazione annuale; proposte per il 2025",
     "La relazione annuale va alla Giunta a gennaio; l'indagine delle biblioteche entra nel "
     "piano 2025"),
]  # fmt: skip

MEETING_ACTIONS = [
    ("R1", "1", "Inviare la proposta di piano alla Direzione generale", "P02", "2024-02-05", ""),
    ("R2", "1", "Nuovo calendario della carta delle biblioteche", "P08", "2024-05-31", "A11"),
    ("R2", "2", "Proporre la formazione delle educatrici nella revisione", "P05",
     "2024-06-15", "A10"),
    ("R3", "1", "Piano di miglioramento per l'attesa allo sportello", "P03", "2024-10-31",
     "A03"),
    ("R3", "2", "Trovare un fornitore per le interviste domiciliari", "P14", "2024-10-15",
     "A24"),
    ("R3", "3", "Sollecito sul set di indicatori ambientali", "P02", "2024-10-01", "A25"),
    ("R4", "1", "Relazione annuale alla Giunta", "P02", "2025-01-31", "A22"),
    ("R4", "2", "Raccolta delle proposte per il piano 2025", "P19", "2025-01-15", ""),
]  # fmt: skip


def _email(name: str) -> str:
    first, last = name.lower().replace("'", "").split(" ", 1)
    return f"{first}.{last.replace(' ', '')}@example.org"


def sheets() -> dict[str, pd.DataFrame]:
    """The nine sheets (final state, plan version 2) as tables of text."""
    out: dict[str, pd.DataFrame] = {}
    out["departments"] = pd.DataFrame(
        [(MODENA, *row) for row in DEPARTMENTS],
        columns=list(SHEETS["departments"].columns),
    )
    out["people"] = pd.DataFrame(
        # all work for the city; no name is marked public (blank: the portal shows roles)
        [(p, n, _email(n), c, MODENA, "") for p, n, c in PEOPLE],
        columns=list(SHEETS["people"].columns),
    )
    out["roles"] = pd.DataFrame(
        [(MODENA, d, p, r, s, a, e) for d, p, r, a, s, e in ROLES],
        columns=list(SHEETS["roles"].columns),
    )
    out["plans"] = pd.DataFrame(
        [(MODENA, YEAR, *row) for row in PLANS],
        columns=list(SHEETS["plans"].columns),
    )
    rows = []
    for act, kind, dept, owner, obj, title_it, title_de, start, end, exp in ACTIVITIES:
        ek, eid, eop, ev = exp if exp else ("", "", "", None)
        rows.append((MODENA, YEAR, act, kind, dept, owner, obj, title_it, title_de,
                     TITLES_EN[act], start, end, ek, eid, eop, "" if ev is None else ev,
                     ""))  # fmt: skip
    out["activities"] = pd.DataFrame(
        rows,
        columns=list(SHEETS["activities"].columns),
    )  # fmt: skip
    out["milestones"] = pd.DataFrame(
        [(MODENA, YEAR, *row) for row in MILESTONES],
        columns=list(SHEETS["milestones"].columns),
    )
    out["activity_status"] = pd.DataFrame(
        [(MODENA, YEAR, a, at, s, "" if p is None else p, n, b) for a, at, s, p, n, b in STATUS],
        columns=list(SHEETS["activity_status"].columns),
    )
    out["meetings"] = pd.DataFrame(
        [(MODENA, m, d, t, ";".join(ps), ag, de) for m, d, t, ps, ag, de in MEETINGS],
        columns=list(SHEETS["meetings"].columns),
    )  # fmt: skip
    out["meeting_actions"] = pd.DataFrame(
        [(MODENA, *row) for row in MEETING_ACTIONS],
        columns=list(SHEETS["meeting_actions"].columns),
    )
    return out


def version_1(activities: pd.DataFrame) -> pd.DataFrame:
    """The activities of the plan of February (version 1)."""
    v1 = activities.loc[~activities["activity"].isin(V1_CHANGES["drop"])].copy()
    for column in ("planned_end", "owner"):
        for act, value in V1_CHANGES[column].items():  # type: ignore[attr-defined]
            v1.loc[v1["activity"] == act, column] = value
    return v1.reset_index(drop=True)


def main() -> None:
    """Write the CSV files."""
    OUT.mkdir(parents=True, exist_ok=True)
    tables = sheets()
    for name, table in tables.items():
        table.to_csv(OUT / f"{name}.csv", index=False, encoding="utf-8")
    (OUT / "piano-v1").mkdir(exist_ok=True)
    version_1(tables["activities"]).to_csv(
        OUT / "piano-v1" / "activities.csv", index=False, encoding="utf-8"
    )
    # in February, version 1 is the approved plan
    tables["plans"].iloc[:1].assign(status="approved").to_csv(
        OUT / "piano-v1" / "plans.csv", index=False, encoding="utf-8"
    )


if __name__ == "__main__":
    main()
