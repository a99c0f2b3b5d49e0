"""The CAF 2020 model as data: criteria, sub-criteria and scoring panels.

The Common Assessment Framework (CAF 2020, European CAF Resource Centre at
EIPA) has 9 criteria, 5 enablers and 4 results, split into 28
sub-criteria. English titles follow the CAF 2020 guideline (as published on
the CAF Network wiki, caf-network.eu). The Italian titles are faithful
translations made for qualitapa: the official Italian version by the
Dipartimento della Funzione Pubblica could not be consulted while writing
this module, so wording may differ slightly from it.

The scoring panels are summarised in our own words from the CAF 2020
guideline, chapter "How to evaluate: the scoring system". Their German text
(band descriptions, row labels) is a faithful translation made for qualitapa
from the English guideline, NOT the official German wording: the official
"CAF 2020 - deutsch" (KDZ / CAF-Zentrum Österreich) could be consulted only in
its introduction to the scoring system ("III Wie soll bewertet werden? Das
Bewertungssystem"), whose terms it uses (Befähiger, Tendenz, Zielerreichung,
"herausragende und nachhaltige Ergebnisse", "positiver Vergleich mit
relevanten Organisationen"), not in its scoring panels.

Examples
--------
>>> model = caf_model()
>>> len(model.criteria), len(model.subcriteria)
(9, 28)
>>> model.subcriterion("4.3").title.en
'Manage finances'
>>> model.criterion("6").kind
<CriterionKind.RESULTS: 'results'>
"""

from __future__ import annotations

import enum
import functools

import attrs
import pandas as pd

from qualitapa.errors import UnknownItemError
from qualitapa.models import Text


class CriterionKind(enum.StrEnum):
    """Enablers (criteria 1-5: what the organisation does) or results (6-9)."""

    ENABLERS = "enablers"
    RESULTS = "results"


class ScoringMethod(enum.StrEnum):
    """The two CAF scoring methods.

    ``classical``: one score per sub-criterion, read off a single scale.
    ``fine_tuned``: enablers are scored on each PDCA phase (plan, do,
    check, act) and results on trends and targets; the sub-criterion score
    is the mean of those partial scores.
    """

    CLASSICAL = "classical"
    FINE_TUNED = "fine_tuned"


@attrs.frozen
class Band:
    """A score band of a panel, e.g. 31-50, with what it means."""

    low: int
    high: int
    description: Text

    def contains(self, score: float) -> bool:
        """True when ``score`` falls in this band (bands are 0-10, 11-30, ...).

        Scores between two bands (e.g. 10.5, from averaging) belong to the
        upper one.
        """
        if self.low == 0:
            return 0 <= score <= self.high
        return self.low - 1 < score <= self.high


@attrs.frozen
class PanelRow:
    """One row of a panel: the whole scale (classical) or one PDCA phase / aspect."""

    id: str
    label: Text
    description: Text | None
    bands: tuple[Band, ...]

    def band(self, score: float) -> Band | None:
        """The band holding ``score`` (None for NaN or out of 0-100)."""
        for b in self.bands:
            if b.contains(score):
                return b
        return None


@attrs.frozen
class ScoringPanel:
    """A CAF scoring panel: for enablers or results, classical or fine-tuned."""

    kind: CriterionKind
    method: ScoringMethod
    rows: tuple[PanelRow, ...]

    @property
    def parts(self) -> tuple[str, ...]:
        """Ids of the partial scores (``plan``... or ``trends``/``targets``); empty if classical."""
        return () if self.method is ScoringMethod.CLASSICAL else tuple(r.id for r in self.rows)

    def to_frame(self, lang: str = "it") -> pd.DataFrame:
        """The panel as a table: ``row, low, high, description`` (row descriptions included)."""
        records = [
            {
                "row": r.id,
                "row_label": r.label.get(lang),
                "low": b.low,
                "high": b.high,
                "description": b.description.get(lang),
            }
            for r in self.rows
            for b in r.bands
        ]
        return pd.DataFrame(records, columns=["row", "row_label", "low", "high", "description"])


@attrs.frozen
class SubCriterion:
    """A CAF sub-criterion, e.g. ``1.1``."""

    id: str
    criterion: str
    title: Text

    @property
    def number(self) -> int:
        """Position inside its criterion (``1.3`` -> 3)."""
        return int(self.id.split(".")[1])


@attrs.frozen
class Criterion:
    """A CAF criterion with its sub-criteria."""

    id: str
    title: Text
    kind: CriterionKind
    subcriteria: tuple[SubCriterion, ...]


@attrs.frozen
class CafModel:
    """The CAF model: criteria, sub-criteria and scoring panels.

    Use :func:`caf_model` to get the CAF 2020 model.
    """

    version: str
    criteria: tuple[Criterion, ...]
    panels: tuple[ScoringPanel, ...]

    @property
    def subcriteria(self) -> tuple[SubCriterion, ...]:
        """All sub-criteria in model order (1.1 ... 9.2)."""
        return tuple(s for c in self.criteria for s in c.subcriteria)

    def criterion(self, criterion_id: str) -> Criterion:
        """The criterion ``criterion_id`` (``"1"`` ... ``"9"``)."""
        for c in self.criteria:
            if c.id == str(criterion_id):
                return c
        raise UnknownItemError("CAF criterion", str(criterion_id), suggestions=self._ids(False))

    def subcriterion(self, subcriterion_id: str) -> SubCriterion:
        """The sub-criterion ``subcriterion_id`` (``"1.1"`` ... ``"9.2"``)."""
        for s in self.subcriteria:
            if s.id == str(subcriterion_id):
                return s
        raise UnknownItemError(
            "CAF sub-criterion", str(subcriterion_id), suggestions=self._ids(True)[:5]
        )

    def _ids(self, sub: bool) -> list[str]:
        return [s.id for s in self.subcriteria] if sub else [c.id for c in self.criteria]

    def panel(self, kind: CriterionKind | str, method: ScoringMethod | str) -> ScoringPanel:
        """The scoring panel for ``kind`` (enablers/results) and ``method``."""
        kind, method = CriterionKind(kind), ScoringMethod(method)
        for p in self.panels:
            if p.kind is kind and p.method is method:
                return p
        raise UnknownItemError("CAF scoring panel", f"{kind}/{method}")  # pragma: no cover

    def kind_of(self, subcriterion_id: str) -> CriterionKind:
        """Whether ``subcriterion_id`` is an enabler or a result."""
        return self.criterion(self.subcriterion(subcriterion_id).criterion).kind

    def to_frame(self, lang: str = "it") -> pd.DataFrame:
        """One row per sub-criterion.

        Columns: ``subcriterion, criterion, kind, criterion_title, title``
        (titles in ``lang``; ``title_en`` is always added for reference).

        Examples
        --------
        >>> caf_model().to_frame().groupby("kind").size().to_dict()
        {'enablers': 20, 'results': 8}
        """
        rows = [
            {
                "subcriterion": s.id,
                "criterion": c.id,
                "kind": c.kind.value,
                "criterion_title": c.title.get(lang),
                "title": s.title.get(lang),
                "title_en": s.title.get("en"),
            }
            for c in self.criteria
            for s in c.subcriteria
        ]
        return pd.DataFrame(rows)


def _t(it: str, en: str, de: str) -> Text:
    return Text(it, en, de)


# (criterion id, Italian, English, kind, [(number, Italian, English), ...])
_CRITERIA: tuple[tuple[str, str, str, CriterionKind, tuple[tuple[str, str], ...]], ...] = (
    ("1", "Leadership", "Leadership", CriterionKind.ENABLERS, (
        ("Orientare l'organizzazione sviluppando la missione, la visione e i valori",
         "Provide direction for the organisation by developing its mission, vision and values"),
        ("Gestire l'organizzazione, la sua performance e il suo miglioramento continuo",
         "Manage the organisation, its performance and its continuous improvement"),
        ("Ispirare, motivare e supportare il personale e agire come modello di comportamento",
         "Inspire, motivate and support people in the organisation and act as a role model"),
        ("Gestire relazioni efficaci con le autorità politiche e gli altri portatori di interesse",
         "Manage effective relations with political authorities and other stakeholders"),
    )),
    ("2", "Strategia e pianificazione", "Strategy and planning", CriterionKind.ENABLERS, (
        ("Identificare i bisogni e le aspettative dei portatori di interesse, il contesto "
         "esterno e le informazioni gestionali rilevanti",
         "Identify the needs and expectations of the stakeholders, the external environment "
         "and the relevant management information"),
        ("Sviluppare strategie e piani sulla base delle informazioni raccolte",
         "Develop strategies and plans based on gathered information"),
        ("Comunicare, attuare e rivedere strategie e piani",
         "Communicate, implement and review strategies and plans"),
        ("Gestire il cambiamento e l'innovazione per garantire l'agilità e la resilienza "
         "dell'organizzazione",
         "Manage change and innovation to ensure the agility and resilience of the "
         "organisation"),
    )),
    ("3", "Personale", "People", CriterionKind.ENABLERS, (
        ("Gestire e migliorare le risorse umane a supporto della strategia dell'organizzazione",
         "Manage and improve human resources to support the strategy of the organisation"),
        ("Sviluppare e gestire le competenze del personale",
         "Develop and manage competencies of people"),
        ("Coinvolgere e responsabilizzare il personale e sostenerne il benessere",
         "Involve and empower the people and support their well-being"),
    )),
    ("4", "Partnership e risorse", "Partnerships and resources", CriterionKind.ENABLERS, (
        ("Sviluppare e gestire partnership con le organizzazioni rilevanti",
         "Develop and manage partnerships with relevant organisations"),
        ("Collaborare con i cittadini e le organizzazioni della società civile",
         "Collaborate with citizens and civil society organisations"),
        ("Gestire le risorse finanziarie", "Manage finances"),
        ("Gestire le informazioni e la conoscenza", "Manage information and knowledge"),
        ("Gestire la tecnologia", "Manage technology"),
        ("Gestire le infrastrutture", "Manage facilities"),
    )),
    ("5", "Processi", "Processes", CriterionKind.ENABLERS, (
        ("Progettare e gestire i processi per aumentare il valore per cittadini e utenti",
         "Design and manage processes to increase value for citizens and customers"),
        ("Erogare prodotti e servizi per utenti, cittadini, portatori di interesse e società",
         "Deliver products and services for customers, citizens, stakeholders and society"),
        ("Coordinare i processi all'interno dell'organizzazione e con le altre organizzazioni "
         "rilevanti",
         "Coordinate processes across the organisation and with other relevant "
         "organisations"),
    )),
    ("6", "Risultati orientati al cittadino/utente", "Citizen/customer-oriented results",
     CriterionKind.RESULTS, (
        ("Misure di percezione", "Perception measurements"),
        ("Misure di performance", "Performance measurements"),
    )),
    ("7", "Risultati relativi al personale", "People results", CriterionKind.RESULTS, (
        ("Misure di percezione", "Perception measurements"),
        ("Misure di performance", "Performance measurements"),
    )),
    ("8", "Risultati relativi alla responsabilità sociale", "Social responsibility results",
     CriterionKind.RESULTS, (
        ("Misure di percezione", "Perception measurements"),
        ("Misure di performance", "Performance measurements"),
    )),
    ("9", "Risultati chiave di performance", "Key performance results", CriterionKind.RESULTS, (
        ("Risultati esterni: output e valore pubblico",
         "External results: outputs and public value"),
        ("Risultati interni: livello di efficienza", "Internal results: level of efficiency"),
    )),
)  # fmt: skip

#: German titles of the criteria ("Themenfelder") and sub-criteria ("Kriterien"), by id.
#: Criterion 1 and its sub-criteria 1.1-1.4 follow the official German text word for
#: word: "CAF 2020 - deutsch", KDZ Zentrum für Verwaltungsforschung / CAF-Zentrum
#: Österreich (issuu.com/kdz_austria/docs/caf_2020_deutsch__pdf__barrierefrei_, p. 18,
#: "Themenfeld 1: Führung"). The other titles could not be consulted: they are faithful
#: translations made for qualitapa from the English guideline, NOT the official text, in
#: the official text's terms (Themenfeld, Beschäftigte, Interessengruppen); check them
#: against the German CAF 2020 before publishing a self-assessment.
_GERMAN: dict[str, str] = {
    "1": "Führung",
    "1.1": "Mission, Vision und Werte entwickeln, um der Organisation die strategische "
    "Ausrichtung vorzugeben",
    "1.2": "Die Organisation, ihre Leistungsfähigkeit und ihre kontinuierliche Verbesserung "
    "steuern",
    "1.3": "Die Beschäftigten der Organisation inspirieren, motivieren und unterstützen und "
    "eine Vorbildfunktion ausüben",
    "1.4": "Angemessene Beziehungen zur Politik und zu anderen Interessengruppen pflegen",
    "2": "Strategie und Planung",
    "2.1": "Die Bedürfnisse und Erwartungen der Interessengruppen, das externe Umfeld und "
    "die relevanten Managementinformationen ermitteln",
    "2.2": "Strategien und Pläne auf der Grundlage der gesammelten Informationen entwickeln",
    "2.3": "Strategien und Pläne kommunizieren, umsetzen und überprüfen",
    "2.4": "Veränderungen und Innovationen steuern, um die Agilität und Resilienz der "
    "Organisation sicherzustellen",
    "3": "Personal",
    "3.1": "Das Personal im Einklang mit der Strategie der Organisation steuern und "
    "weiterentwickeln",
    "3.2": "Die Kompetenzen der Beschäftigten entwickeln und steuern",
    "3.3": "Die Beschäftigten einbeziehen, ihnen Verantwortung übertragen und ihr "
    "Wohlbefinden fördern",
    "4": "Partnerschaften und Ressourcen",
    "4.1": "Partnerschaften mit relevanten Organisationen entwickeln und pflegen",
    "4.2": "Mit Bürgerinnen und Bürgern und Organisationen der Zivilgesellschaft zusammenarbeiten",
    "4.3": "Finanzen steuern",
    "4.4": "Informationen und Wissen steuern",
    "4.5": "Technologie steuern",
    "4.6": "Infrastruktur steuern",
    "5": "Prozesse",
    "5.1": "Prozesse gestalten und steuern, um den Nutzen für Bürgerinnen und Bürger sowie "
    "Kundinnen und Kunden zu erhöhen",
    "5.2": "Produkte und Dienstleistungen für Kundinnen und Kunden, Bürgerinnen und Bürger, "
    "Interessengruppen und die Gesellschaft erbringen",
    "5.3": "Prozesse innerhalb der Organisation und mit anderen relevanten Organisationen "
    "koordinieren",
    "6": "Bürger- und kundenbezogene Ergebnisse",
    "6.1": "Wahrnehmungsmessungen",
    "6.2": "Leistungsmessungen",
    "7": "Mitarbeiterbezogene Ergebnisse",
    "7.1": "Wahrnehmungsmessungen",
    "7.2": "Leistungsmessungen",
    "8": "Ergebnisse sozialer Verantwortung",
    "8.1": "Wahrnehmungsmessungen",
    "8.2": "Leistungsmessungen",
    "9": "Schlüsselergebnisse der Leistung",
    "9.1": "Externe Ergebnisse: Output und öffentlicher Nutzen",
    "9.2": "Interne Ergebnisse: Grad der Effizienz",
}


def _titled(key: str, it: str, en: str) -> Text:
    """The title of criterion or sub-criterion ``key`` in Italian, English and German."""
    return Text(it, en, _GERMAN[key])


_SCALE = ((0, 10), (11, 30), (31, 50), (51, 70), (71, 90), (91, 100))


def _bands(descriptions: tuple[tuple[str, str, str], ...]) -> tuple[Band, ...]:
    """The six bands of a panel row from their (Italian, English, German) descriptions."""
    return tuple(
        Band(lo, hi, _t(*texts)) for (lo, hi), texts in zip(_SCALE, descriptions, strict=True)
    )


_CLASSICAL_ENABLERS = _bands((
    ("Nessuna evidenza, o solo evidenze aneddotiche, di un approccio",
     "No evidence, or only anecdotal evidence, of an approach",
     "Keine Nachweise oder nur vereinzelte Hinweise auf eine Vorgehensweise"),
    ("PLAN: un approccio è pianificato", "PLAN: an approach is planned",
     "PLAN: Eine Vorgehensweise ist geplant"),
    ("DO: l'approccio è in fase di attuazione", "DO: the approach is being implemented",
     "DO: Die Vorgehensweise wird umgesetzt"),
    ("CHECK: si verifica se le cose giuste sono fatte nel modo giusto",
     "CHECK: we check/review whether we do the right things in the right way",
     "CHECK: Wir überprüfen, ob wir die richtigen Dinge auf die richtige Weise tun"),
    ("ACT: sulla base della verifica si apportano i miglioramenti necessari",
     "ACT: based on the check/review, the necessary improvements are made",
     "ACT: Auf Grundlage der Überprüfung werden die notwendigen Verbesserungen vorgenommen"),
    ("PDCA: tutto ciò che facciamo è pianificato, attuato, verificato e migliorato con "
     "regolarità e impariamo dagli altri: siamo in un ciclo di miglioramento continuo",
     "PDCA: everything we do is planned, implemented, checked and adjusted regularly, and "
     "we learn from others; we are in a continuous improvement cycle",
     "PDCA: Alles, was wir tun, wird regelmäßig geplant, umgesetzt, überprüft und angepasst, "
     "und wir lernen von anderen: Wir befinden uns in einem kontinuierlichen "
     "Verbesserungszyklus"),
))  # fmt: skip

_CLASSICAL_RESULTS = _bands((
    ("Nessun risultato misurato e/o nessuna informazione disponibile",
     "No results are measured and/or no information is available",
     "Es werden keine Ergebnisse gemessen und/oder es liegen keine Informationen vor"),
    ("Risultati misurati con andamento negativo e/o obiettivi rilevanti non raggiunti",
     "Results are measured and show negative trends and/or relevant targets are not met",
     "Die Ergebnisse werden gemessen und zeigen eine negative Tendenz und/oder relevante "
     "Ziele werden nicht erreicht"),
    ("Andamento stabile e/o alcuni obiettivi rilevanti raggiunti",
     "Results show flat trends and/or some relevant targets are met",
     "Die Ergebnisse zeigen eine gleichbleibende Tendenz und/oder einige relevante Ziele "
     "werden erreicht"),
    ("Andamento in miglioramento e/o la maggior parte degli obiettivi rilevanti raggiunti",
     "Results show improving trends and/or most relevant targets are met",
     "Die Ergebnisse zeigen eine steigende Tendenz und/oder die meisten relevanten Ziele "
     "werden erreicht"),
    ("Progressi sostanziali e/o tutti gli obiettivi rilevanti raggiunti",
     "Results show substantial progress and/or all relevant targets are met",
     "Die Ergebnisse zeigen wesentliche Fortschritte und/oder alle relevanten Ziele werden "
     "erreicht"),
    ("Risultati eccellenti e duraturi, tutti gli obiettivi raggiunti e confronti positivi "
     "con organizzazioni rilevanti per tutti i risultati chiave",
     "Excellent and sustained results; all relevant targets met; positive comparisons with "
     "relevant organisations for all key results",
     "Herausragende und nachhaltige Ergebnisse, alle relevanten Ziele erreicht und positiver "
     "Vergleich mit relevanten Organisationen für alle Hauptergebnisse"),
))  # fmt: skip

_EVIDENCE = (
    ("Nessuna evidenza o solo qualche idea", "No evidence or just some ideas",
     "Keine Nachweise oder nur einige Ideen"),
    ("Qualche evidenza debole, relativa ad alcuni ambiti",
     "Some weak evidence, related to some areas",
     "Einige schwache Nachweise für einige Bereiche"),
    ("Qualche buona evidenza relativa ad ambiti rilevanti",
     "Some good evidence related to relevant areas",
     "Einige gute Nachweise für relevante Bereiche"),
    ("Forti evidenze relative alla maggior parte degli ambiti",
     "Strong evidence related to most areas",
     "Starke Nachweise für die meisten Bereiche"),
    ("Evidenze molto forti relative a tutti gli ambiti",
     "Very strong evidence related to all areas",
     "Sehr starke Nachweise für alle Bereiche"),
    ("Evidenze eccellenti, confrontate con altre organizzazioni, relative a tutti gli ambiti",
     "Excellent evidence, compared with other organisations, related to all areas",
     "Hervorragende, mit anderen Organisationen verglichene Nachweise für alle Bereiche"),
)  # fmt: skip

# (id, label it/en/de, description it/en/de)
_PDCA = (
    ("plan", ("Pianificare (PLAN)", "Plan", "Planen (PLAN)"),
     ("La pianificazione si basa sui bisogni e le aspettative dei portatori di interesse ed è "
      "diffusa con regolarità nelle parti rilevanti dell'organizzazione",
      "Planning is based on stakeholders' needs and expectations and is deployed regularly "
      "throughout the relevant parts of the organisation",
      "Die Planung beruht auf den Bedürfnissen und Erwartungen der Interessengruppen und wird "
      "regelmäßig in allen relevanten Teilen der Organisation verankert")),
    ("do", ("Attuare (DO)", "Do", "Umsetzen (DO)"),
     ("L'attuazione è gestita con processi e responsabilità definiti, diffusi con regolarità "
      "nelle parti rilevanti dell'organizzazione",
      "Execution is managed through defined processes and responsibilities, deployed regularly "
      "throughout the relevant parts of the organisation",
      "Die Umsetzung wird über festgelegte Prozesse und Zuständigkeiten gesteuert, die "
      "regelmäßig in allen relevanten Teilen der Organisation angewendet werden")),
    ("check", ("Verificare (CHECK)", "Check", "Überprüfen (CHECK)"),
     ("I processi definiti sono monitorati con indicatori pertinenti e riesaminati con "
      "regolarità nelle parti rilevanti dell'organizzazione",
      "Defined processes are monitored with relevant indicators and reviewed regularly "
      "throughout the relevant parts of the organisation",
      "Die festgelegten Prozesse werden mit relevanten Indikatoren beobachtet und regelmäßig "
      "in allen relevanten Teilen der Organisation überprüft")),
    ("act", ("Agire (ACT)", "Act", "Anpassen (ACT)"),
     ("Azioni correttive e di miglioramento sono intraprese sulla base delle verifiche, con "
      "regolarità, nelle parti rilevanti dell'organizzazione",
      "Corrective and improvement actions are taken following the check results, regularly, "
      "throughout the relevant parts of the organisation",
      "Korrektur- und Verbesserungsmaßnahmen werden auf Grundlage der Überprüfungsergebnisse "
      "regelmäßig in allen relevanten Teilen der Organisation ergriffen")),
)  # fmt: skip

_TRENDS = (
    ("Nessuna misurazione", "No measurement", "Keine Messung"),
    ("Andamento negativo", "Negative trend", "Negative Tendenz"),
    ("Andamento stabile o progressi modesti", "Flat trend or modest progress",
     "Gleichbleibende Tendenz oder geringe Fortschritte"),
    ("Progressi costanti", "Sustained progress", "Anhaltende Fortschritte"),
    ("Progressi sostanziali", "Substantial progress", "Wesentliche Fortschritte"),
    ("Confronto positivo con organizzazioni rilevanti per tutti i risultati",
     "Positive comparison with relevant organisations for all results",
     "Positiver Vergleich mit relevanten Organisationen für alle Ergebnisse"),
)  # fmt: skip

_TARGETS = (
    ("Nessuna informazione o solo informazioni aneddotiche", "No or anecdotal information",
     "Keine oder nur vereinzelte Informationen"),
    ("I risultati non raggiungono gli obiettivi", "Results do not meet targets",
     "Die Ergebnisse erreichen die Ziele nicht"),
    ("Pochi obiettivi raggiunti", "Few targets are met", "Wenige Ziele werden erreicht"),
    ("Alcuni obiettivi rilevanti raggiunti", "Some relevant targets are met",
     "Einige relevante Ziele werden erreicht"),
    ("La maggior parte degli obiettivi rilevanti raggiunti",
     "Most of the relevant targets are met", "Die meisten relevanten Ziele werden erreicht"),
    ("Tutti gli obiettivi raggiunti", "All the targets are met", "Alle Ziele werden erreicht"),
)  # fmt: skip


def _build() -> CafModel:
    criteria = tuple(
        Criterion(
            cid,
            _titled(cid, it, en),
            kind,
            tuple(
                SubCriterion(f"{cid}.{n}", cid, _titled(f"{cid}.{n}", s_it, s_en))
                for n, (s_it, s_en) in enumerate(subs, start=1)
            ),
        )
        for cid, it, en, kind, subs in _CRITERIA
    )
    scale = _t("Scala complessiva", "Overall scale", "Gesamtskala")
    panels = (
        ScoringPanel(
            CriterionKind.ENABLERS,
            ScoringMethod.CLASSICAL,
            (PanelRow("score", scale, None, _CLASSICAL_ENABLERS),),
        ),
        ScoringPanel(
            CriterionKind.RESULTS,
            ScoringMethod.CLASSICAL,
            (PanelRow("score", scale, None, _CLASSICAL_RESULTS),),
        ),
        ScoringPanel(
            CriterionKind.ENABLERS,
            ScoringMethod.FINE_TUNED,
            tuple(
                PanelRow(pid, _t(*label), _t(*description), _bands(_EVIDENCE))
                for pid, label, description in _PDCA
            ),
        ),
        ScoringPanel(
            CriterionKind.RESULTS,
            ScoringMethod.FINE_TUNED,
            (
                PanelRow(
                    "trends",
                    _t("Andamenti", "Trends", "Tendenzen"),
                    _t(
                        "Andamento dei risultati nel tempo",
                        "How results evolve over time",
                        "Entwicklung der Ergebnisse im Zeitverlauf",
                    ),
                    _bands(_TRENDS),
                ),
                PanelRow(
                    "targets",
                    _t("Obiettivi", "Targets", "Ziele"),
                    _t(
                        "Raggiungimento degli obiettivi",
                        "Whether targets are met",
                        "Grad der Zielerreichung",
                    ),
                    _bands(_TARGETS),
                ),
            ),
        ),
    )
    return CafModel("CAF 2020", criteria, panels)


@functools.cache
def caf_model() -> CafModel:
    """The CAF 2020 model (built once).

    Examples
    --------
    >>> m = caf_model()
    >>> [c.id for c in m.criteria if c.kind == "enablers"]
    ['1', '2', '3', '4', '5']
    >>> m.panel("enablers", "fine_tuned").parts
    ('plan', 'do', 'check', 'act')
    >>> m.panel("results", "classical").rows[0].band(45).description.en
    'Results show flat trends and/or some relevant targets are met'
    """
    return _build()
