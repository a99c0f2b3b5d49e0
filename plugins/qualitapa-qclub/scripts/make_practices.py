"""Write the Q-Club's SYNTHETIC shared register of good practices (two programme sheets).

``src/qualitapa_qclub/programme/practices.csv`` lists practices of the member
cities (the ``practices`` sheet of ``qualitapa.programme``, one row per
practice, ``organization`` its city) and ``people.csv`` their contacts (the
``people`` sheet: the practices name a person id, whose name and e-mail stay
there, and ``organization`` the city the contact works for). Modena's own
practices are in ``qualitapa-modena``.

Everything is INVENTED: the practices, their start years, the contacts (fake
names, e-mails at ``example.org``) and the documents (``example.org``). Each
practice names, as its evidence, indicators on which its city is first or
second of its population class (``qclub.size``) in the demo's 2024 benchmark
(``qualitapa demo``, ``indicator_benchmark.csv``): that is why
``qualitapa practices suggest`` finds them for a city that does worse. The
metropolitan cities (Milano, Torino, Genova) are compared among themselves,
so their practices are suggested to each other, not to Modena.

Nothing is drawn at random: running the script again writes the same bytes.

Run from the repository root::

    .venv/bin/python plugins/qualitapa-qclub/scripts/make_practices.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from qualitapa.programme import SHEETS  # the columns of each sheet, in order

OUT = Path(__file__).resolve().parents[1] / "src" / "qualitapa_qclub" / "programme"

# person, name: contacts of the other cities, with no contractual category (that is a
# category of the city's own staff; a blank one also keeps a store that holds a city's
# people from taking a club contact for one of them with a new id)
PEOPLE = [
    ("QC-TN1", "Giovanna Fittizia"),
    ("QC-BZ1", "Klaus Beispiel"),
    ("QC-BG1", "Luisa Campionaria"),
    ("QC-VE1", "Nicola Immaginato"),
    ("QC-MI1", "Federica Inventata"),
    ("QC-TO1", "Pietro Ipotetico"),
    ("QC-GE1", "Alessandra Modellata"),
]

TRENTO, BOLZANO, BERGAMO, MILANO = "022205", "021008", "016024", "015146"
TORINO, GENOVA, VENEZIA = "001272", "010025", "027042"

# services as the catalog labels them in Italian (the sheet's `service` is free text)
REGISTRY, LIBRARIES = "Servizi demografici - Anagrafe", "Biblioteche pubbliche"
NURSERIES, PERSONNEL = "Nidi d'infanzia", "Personale e formazione"

# organization, practice, service, title_it, title_de, title_en, description,
# since, indicators, contact; the rank of the city in the 2024 benchmark in the comment
PRACTICES = [
    (BERGAMO, "BP-BG-01", REGISTRY, "Chiamata allo sportello con avviso via SMS",
     "Aufruf zum Schalter mit SMS-Benachrichtigung", "Counter call with text-message alert",
     "Il biglietto dell'eliminacode si prende anche dal telefono; un SMS avvisa quando "
     "mancano tre numeri, così l'attesa si passa fuori dalla sala.", 2018,
     "registry.average_wait, registry.served_within_10min", "QC-BG1"),  # 1st, 1st
    (BERGAMO, "BP-BG-02", REGISTRY, "Istruttoria digitale delle pratiche di cittadinanza",
     "Digitale Bearbeitung der Staatsbürgerschaftsakten",
     "Digital processing of citizenship files",
     "Documenti caricati dal richiedente, controlli con le altre amministrazioni per via "
     "telematica e scadenzario condiviso tra gli uffici.", 2020,
     "registry.foreigners.citizenship_on_time", "QC-BG1"),  # 1st
    (TRENTO, "BP-TN-01", REGISTRY, "Sportelli demografici aperti il giovedì sera e il sabato",
     "Meldeamt am Donnerstagabend und am Samstag geöffnet",
     "Registry counters open on Thursday evenings and Saturdays",
     "Turni del personale riorganizzati per aprire due fasce in più alla settimana senza "
     "nuove assunzioni.", 2017, "registry.opening_hours", "QC-TN1"),  # 2nd
    (TRENTO, "BP-TN-02", NURSERIES, "Nidi aperti fino alle 18 e nel mese di luglio",
     "Kinderkrippen bis 18 Uhr und im Juli geöffnet",
     "Nurseries open until 6 pm and in July",
     "Orario prolungato su richiesta delle famiglie, con educatrici a turno e un nido "
     "estivo per zona.", 2015, "nurseries.opening_hours", "QC-TN1"),  # 1st
    (BOLZANO, "BP-BZ-01", NURSERIES, "Acquisti e servizi dei nidi in gestione associata",
     "Gemeinsame Beschaffung und Dienste der Kinderkrippen",
     "Joint purchasing and services of the nurseries",
     "Pasti, pulizie e materiali dei nidi comunali e convenzionati acquistati con un'unica "
     "gara; coordinamento pedagogico bilingue condiviso.", 2016,
     "nurseries.net_cost_per_child", "QC-BZ1"),  # 1st
    (BOLZANO, "BP-BZ-02", LIBRARIES, "Biblioteche di quartiere aperte la sera",
     "Stadtteilbibliotheken am Abend geöffnet", "District libraries open in the evening",
     "Apertura serale a rotazione con volontari del servizio civile e prestito automatico.",
     2019, "libraries.opening_hours", "QC-BZ1"),  # 2nd
    (VENEZIA, "BP-VE-01", LIBRARIES, "Sale studio aperte fino a mezzanotte nei mesi d'esame",
     "Lesesäle in den Prüfungsmonaten bis Mitternacht geöffnet",
     "Study rooms open until midnight in the exam months",
     "Accordo con le università cittadine: le sale studio delle biblioteche restano aperte "
     "fino alle 24 da maggio a luglio e a gennaio.", 2018, "libraries.opening_hours",
     "QC-VE1"),  # 1st
    (VENEZIA, "BP-VE-02", PERSONNEL, "Un percorso Syllabus per ogni dipendente",
     "Ein Syllabus-Lernpfad für alle Bediensteten",
     "A Syllabus learning path for every employee",
     "Ogni dipendente ha un percorso di competenze digitali concordato con il dirigente e "
     "ore di formazione riconosciute nell'orario di lavoro.", 2022,
     "personnel.share_trained", "QC-VE1"),  # 1st
    (MILANO, "BP-MI-01", LIBRARIES, "Prestito digitale e acquisti partecipati",
     "Digitale Ausleihe und Beschaffung mit Leservorschlägen",
     "Digital lending and purchases suggested by readers",
     "Gli utenti propongono gli acquisti dal catalogo online; ebook e audiolibri in "
     "prestito con la stessa tessera.", 2016,
     "libraries.digital_loans_share, libraries.loans_per_user", "QC-MI1"),  # 1st, 1st
    (TORINO, "BP-TO-01", NURSERIES, "Standard di costo per i nidi in appalto",
     "Kostenstandards für ausgelagerte Kinderkrippen",
     "Cost standards for contracted-out nurseries",
     "Un costo standard per bambino e per fascia d'età nei capitolati dei nidi affidati, "
     "con verifica annuale dei costi effettivi.", 2017,
     "nurseries.cost_per_child, nurseries.net_cost_per_child", "QC-TO1"),  # 1st, 1st
    (GENOVA, "BP-GE-01", REGISTRY, "Certificati anagrafici dal totem e dal portale",
     "Meldebescheinigungen am Automaten und im Portal",
     "Registry certificates from kiosks and the portal",
     "Totem nei municipi e certificati online con timbro digitale: allo sportello restano "
     "le pratiche che richiedono la persona.", 2014,
     "registry.online_certificates_share, registry.served_within_10min", "QC-GE1"),
]  # fmt: skip


def _email(name: str) -> str:
    first, last = name.lower().split(" ", 1)
    return f"{first}.{last.replace(' ', '')}@example.org"


def sheets() -> dict[str, pd.DataFrame]:
    """The ``people`` and ``practices`` sheets, as tables of text."""
    # each contact works for the city whose practices they answer for: a store that holds
    # a city's own people (no organization) does not take them for missing ones
    city = {row[-1]: row[0] for row in PRACTICES}
    people = pd.DataFrame(
        [(p, n, _email(n), "", city[p], "") for p, n in PEOPLE],  # names not public (blank)
        columns=list(SHEETS["people"].columns),
    )
    rows = [(*row, f"https://example.org/qclub/{row[1].lower()}.pdf") for row in PRACTICES]
    practices = pd.DataFrame(
        rows,
        columns=list(SHEETS["practices"].columns),
    )  # fmt: skip
    return {"people": people, "practices": practices}


def main(out: Path = OUT) -> None:
    """Write the CSV files into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    for name, table in sheets().items():
        table.to_csv(out / f"{name}.csv", index=False, encoding="utf-8", lineterminator="\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
