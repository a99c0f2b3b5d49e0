"""The programme's sheets: their columns, reading one as an office writes it, and checking it.

One sheet is one table (the contract of issue 19): its key columns, its
other columns, which are required, dates, numbers or closed sets.
:func:`check_sheet` turns a sheet as read (CSV from Italian Excel,
``31/01/2024``, ``0,5``; or an ``.xlsx`` sheet) into its *canonical text*:
every cell a stripped string or None, dates ``YYYY-MM-DD``, whole numbers
``2024``, other numbers as Python writes them (``0.5``). Two sheets with
the same content give the same canonical rows, whatever their format,
so the store compares rows by their text.

Every fault is collected (:class:`qualitapa.problems.Problems`) and
raised at once, naming the file, the sheet, the row and the column, with
the closest known value as a suggestion.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import math
import re
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import pandas as pd

from qualitapa._dates import read_dates
from qualitapa._labelling import plain_word
from qualitapa.errors import DataError, Either, Message
from qualitapa.i18n import N_
from qualitapa.io import code_text, read_table, restore_formulas
from qualitapa.models import Text
from qualitapa.problems import Problems, Rule
from qualitapa.programme._certification import (
    Audit,
    Certification,
    Finding,
)
from qualitapa.programme._models import (
    LABELS,
    Activity,
    CellKinds,
    Completion,
    Department,
    LabelledEnum,
    Meeting,
    MeetingAction,
    Milestone,
    Person,
    Plan,
    Role,
    SheetRow,
    StatusChange,
)
from qualitapa.programme._practices import Practice
from qualitapa.programme._training import (
    Attendance,
    Course,
    CourseSession,
    StaffCount,
    TrainingNeed,
)

if TYPE_CHECKING:
    from qualitapa.i18n import Translator


@attrs.frozen
class Sheet:
    """What one programme sheet holds.

    ``columns`` are all of them in order (the key first), ``key`` those that
    identify a row; ``model`` is the typed row, whose fields' types say how
    cells are read (:class:`CellKinds`): the ``required`` columns, the
    ``dates``, ``integers``, ``numbers`` and the ``choices`` of the codes,
    with the closed sets of ``codes`` that no field's type says;
    ``fractions`` are numbers between 0 and 1. ``personal`` columns are
    personal data; rows of a ``history`` sheet are never changed, only
    added. ``help`` is each column's Italian instruction.
    """

    name: str
    key: tuple[str, ...]
    columns: tuple[str, ...]
    model: type[SheetRow]
    title: Text
    help: Mapping[str, str]
    fractions: frozenset[str] = frozenset()
    codes: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)
    personal: frozenset[str] = frozenset()
    history: bool = False
    required: frozenset[str] = attrs.field(init=False)
    dates: frozenset[str] = attrs.field(init=False)
    integers: frozenset[str] = attrs.field(init=False)
    numbers: frozenset[str] = attrs.field(init=False)
    choices: Mapping[str, tuple[str, ...]] = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        kinds = CellKinds.of(self.model)
        for name in ("required", "dates", "integers", "numbers"):
            object.__setattr__(self, name, getattr(kinds, name))
        object.__setattr__(self, "choices", {**kinds.choices, **self.codes})

    @property
    def text_columns(self) -> list[str]:
        """The columns read as text (codes keep their leading zeros)."""
        return [c for c in self.columns if c not in self.dates | self.integers | self.numbers]


def _values(enum: Iterable[Any]) -> tuple[str, ...]:
    return tuple(str(e.value) for e in enum)


_ORG = "codice dell'ente (ISTAT, es. 036023)"
_YEAR = "anno del piano (es. 2024)"
_DATE = "data (31/01/2024 o 2024-01-31)"

#: The sheets in the order an import applies them (a sheet refers only to earlier ones).
SHEETS: Mapping[str, Sheet] = {
    s.name: s
    for s in (
        Sheet(
            "departments",
            ("organization", "department"),
            ("organization", "department", "name_it", "name_de", "name_en", "parent", "kind"),
            Department,
            Text("Settori e uffici", en="Departments", de="Bereiche und Ämter"),
            {
                "organization": _ORG,
                "department": "codice del settore, servizio o ufficio (es. S03)",
                "name_it": "nome in italiano",
                "name_de": "nome in tedesco (facoltativo)",
                "name_en": "nome in inglese (facoltativo)",
                "parent": "codice del settore di cui fa parte (vuoto se nessuno)",
                "kind": "settore, servizio o ufficio",
            },
        ),
        Sheet(
            "people",
            ("person",),
            ("person", "name", "email", "category", "organization", "public"),
            Person,
            Text("Persone", en="People", de="Personen"),
            {
                "person": "identificativo della persona (es. p01): non il nome",
                "name": "nome e cognome (dato personale)",
                "email": "indirizzo e-mail (dato personale)",
                "category": "categoria contrattuale (es. D)",
                "organization": "codice dell'ente per cui lavora (facoltativo; es. 022205 per "
                "un contatto di Trento)",
                "public": "yes (sì) o no: il nome può essere pubblicato sul portale della qualità "
                "(vuoto = no: il portale indica solo ruolo e settore)",
            },
            codes={"public": _values(Completion)},
            personal=frozenset({"name", "email"}),
        ),
        Sheet(
            "roles",
            ("organization", "department", "person", "role", "start"),
            ("organization", "department", "person", "role", "start", "appointed_by", "end"),
            Role,
            Text("Ruoli", en="Roles", de="Rollen"),
            {
                "organization": _ORG,
                "department": "codice del settore",
                "person": "identificativo della persona (foglio people)",
                "role": "referent (referente della qualità), head (dirigente) o "
                "coordinator (ufficio qualità)",
                "start": "inizio dell'incarico: " + _DATE,
                "appointed_by": "chi ha nominato (identificativo o testo)",
                "end": "fine dell'incarico (vuoto se in carica)",
            },
        ),
        Sheet(
            "plans",
            ("organization", "year", "version"),
            ("organization", "year", "version", "resolution", "approved_on", "status"),
            Plan,
            Text("Piani annuali", en="Annual plans", de="Jahrespläne"),
            {
                "organization": _ORG,
                "year": _YEAR,
                "version": "versione del piano (1, 2, ...)",
                "resolution": "delibera di Giunta (es. 123/2024)",
                "approved_on": "data della delibera: " + _DATE,
                "status": "draft (bozza), approved (approvato) o superseded (sostituito)",
            },
        ),
        Sheet(
            "activities",
            ("organization", "year", "activity"),
            (
                "organization",
                "year",
                "activity",
                "type",
                "department",
                "owner",
                "objective",
                "title_it",
                "title_de",
                "title_en",
                "planned_start",
                "planned_end",
                "expected_kind",
                "expected_id",
                "expected_operator",
                "expected_value",
                "expected_period",
            ),
            Activity,
            Text("Attività del piano", en="Plan activities", de="Tätigkeiten des Plans"),
            {
                "organization": _ORG,
                "year": _YEAR,
                "activity": "codice dell'attività (es. A01)",
                "type": "survey, indicators, charter, caf, complaints, certification, "
                "training o benchmarking",
                "department": "codice del settore responsabile",
                "owner": "identificativo del responsabile (foglio people)",
                "objective": "obiettivo PEG/PDO collegato (es. PEG-2024-03.2)",
                "title_it": "titolo in italiano",
                "title_de": "titolo in tedesco (facoltativo)",
                "title_en": "titolo in inglese (facoltativo)",
                "planned_start": "inizio previsto: " + _DATE,
                "planned_end": "fine prevista: " + _DATE,
                "expected_kind": "risultato atteso su: indicator, standard o survey_index "
                "(vuoto se nessuno)",
                "expected_id": "codice dell'indicatore, dello standard o dell'indice",
                "expected_operator": ">= (almeno) o <= (al più)",
                "expected_value": "valore atteso (es. 80 o 0,8)",
                "expected_period": "periodo del risultato (es. 2024)",
            },
            codes={"expected_operator": (">=", "<=")},
        ),
        Sheet(
            "milestones",
            ("organization", "year", "activity", "milestone"),
            ("organization", "year", "activity", "milestone", "title_it", "due"),
            Milestone,
            Text("Tappe", en="Milestones", de="Meilensteine"),
            {
                "organization": _ORG,
                "year": _YEAR,
                "activity": "codice dell'attività (foglio activities)",
                "milestone": "codice della tappa (es. M1)",
                "title_it": "descrizione in italiano",
                "due": "scadenza: " + _DATE,
            },
        ),
        Sheet(
            "activity_status",
            ("organization", "year", "activity", "at", "status"),
            ("organization", "year", "activity", "at", "status", "progress", "note", "by"),
            StatusChange,
            Text("Stato di avanzamento", en="Activity status", de="Stand der Tätigkeiten"),
            {
                "organization": _ORG,
                "year": _YEAR,
                "activity": "codice dell'attività (foglio activities)",
                "at": "data dell'aggiornamento: " + _DATE,
                "status": "planned (programmata), started (avviata), suspended (sospesa), "
                "done (conclusa) o cancelled (annullata)",
                "progress": "avanzamento come frazione da 0 a 1 (0,5 = metà)",
                "note": "nota (obbligatoria per riaprire un'attività conclusa o annullata)",
                "by": "chi aggiorna (identificativo, foglio people)",
            },
            fractions=frozenset({"progress"}),
            history=True,
        ),
        Sheet(
            "meetings",
            ("organization", "meeting"),
            (
                "organization",
                "meeting",
                "date",
                "title_it",
                "participants",
                "agenda",
                "decisions",
            ),
            Meeting,
            Text("Incontri dei referenti", en="Referents' meetings", de="Treffen"),
            {
                "organization": _ORG,
                "meeting": "codice dell'incontro (es. R2024-01)",
                "date": "data dell'incontro: " + _DATE,
                "title_it": "titolo",
                "participants": "partecipanti: identificativi separati da ; (p01;p02)",
                "agenda": "ordine del giorno",
                "decisions": "decisioni prese",
            },
        ),
        Sheet(
            "meeting_actions",
            ("organization", "meeting", "action"),
            ("organization", "meeting", "action", "text", "owner", "due", "activity"),
            MeetingAction,
            Text("Azioni decise", en="Meeting actions", de="Beschlossene Maßnahmen"),
            {
                "organization": _ORG,
                "meeting": "codice dell'incontro (foglio meetings)",
                "action": "codice dell'azione (es. 1)",
                "text": "che cosa fare",
                "owner": "chi (identificativo, foglio people)",
                "due": "entro quando: " + _DATE,
                "activity": "attività collegata (facoltativa, foglio activities)",
            },
        ),
        # -- training (issue 20) --
        Sheet(
            "training_needs",
            ("organization", "year", "department", "topic", "audience"),
            (
                "organization",
                "year",
                "department",
                "topic",
                "audience",
                "people",
                "hours",
                "priority",
                "reported_by",
                "note",
            ),
            TrainingNeed,
            Text("Fabbisogni formativi", en="Training needs", de="Weiterbildungsbedarf"),
            {
                "organization": _ORG,
                "year": "anno della formazione (es. 2024)",
                "department": "codice del settore che segnala il fabbisogno",
                "topic": "argomento (codice, es. privacy): lo stesso del foglio courses",
                "audience": "managers (dirigenti), referents (referenti) o staff (personale)",
                "people": "numero di persone da formare",
                "hours": "ore previste per persona (es. 4 o 2,5)",
                "priority": "high (alta), medium (media) o low (bassa)",
                "reported_by": "chi segnala (identificativo, foglio people)",
                "note": "nota",
            },
        ),
        Sheet(
            "courses",
            ("organization", "course"),
            ("organization", "course", "title", "topic", "audience", "trainer", "kind", "hours"),
            Course,
            Text("Corsi", en="Courses", de="Kurse"),
            {
                "organization": _ORG,
                "course": "codice del corso (es. C01)",
                "title": "titolo del corso",
                "topic": "argomento (codice, es. privacy): lo stesso del foglio training_needs",
                "audience": "managers (dirigenti), referents (referenti) o staff (personale)",
                "trainer": "docente o ente formatore",
                "kind": "internal (interno), external (esterno) o e_learning",
                "hours": "ore del corso (se ha edizioni, contano le ore delle edizioni)",
            },
        ),
        Sheet(
            "course_sessions",
            ("organization", "course", "session"),
            ("organization", "course", "session", "date", "hours", "place"),
            CourseSession,
            Text("Edizioni dei corsi", en="Course sessions", de="Kurstermine"),
            {
                "organization": _ORG,
                "course": "codice del corso (foglio courses)",
                "session": "codice dell'edizione o della giornata (es. 1)",
                "date": "data: " + _DATE,
                "hours": "ore dell'edizione (es. 3 o 3,5)",
                "place": "sede",
            },
        ),
        Sheet(
            "attendance",
            ("organization", "course", "session", "person"),
            (
                "organization",
                "course",
                "session",
                "person",
                "department",
                "hours_attended",
                "completed",
            ),
            Attendance,
            Text("Presenze ai corsi", en="Course attendance", de="Kursteilnahme"),
            {
                "organization": _ORG,
                "course": "codice del corso (foglio courses)",
                "session": "codice dell'edizione (foglio course_sessions)",
                "person": "matricola o codice del dipendente: non il nome",
                "department": "codice del settore del dipendente",
                "hours_attended": "ore frequentate (vuoto = tutte le ore dell'edizione)",
                "completed": "yes (sì) o no: corso completato",
            },
        ),
        Sheet(
            "staff",
            ("organization", "year", "department"),
            ("organization", "year", "department", "employees"),
            StaffCount,
            Text("Personale in servizio", en="Staff in service", de="Personalbestand"),
            {
                "organization": _ORG,
                "year": "anno (es. 2024)",
                "department": "codice del settore",
                "employees": "dipendenti in servizio al 31/12 (numero intero)",
            },
        ),
        # -- certifications and good practices (issue 20) --
        Sheet(
            "certifications",
            ("organization", "certificate"),
            (
                "organization",
                "certificate",
                "department",
                "service",
                "standard",
                "scope",
                "body",
                "number",
                "first_issued",
                "issued",
                "expires",
                "status",
            ),
            Certification,
            Text("Certificazioni", en="Certifications", de="Zertifizierungen"),
            {
                "organization": _ORG,
                "certificate": "codice del certificato (es. C01)",
                "department": "codice del settore certificato (foglio departments)",
                "service": "servizio certificato (es. polizia locale)",
                "standard": "norma (es. ISO 9001:2015)",
                "scope": "campo di applicazione del certificato",
                "body": "ente di certificazione",
                "number": "numero del certificato",
                "first_issued": "data della prima emissione: " + _DATE,
                "issued": "data dell'emissione in corso: " + _DATE,
                "expires": "data di scadenza: " + _DATE,
                "status": "valid (valido), suspended (sospeso), withdrawn (revocato) "
                "o expired (scaduto)",
            },
        ),
        Sheet(
            "audits",
            ("organization", "audit"),
            ("organization", "audit", "certificate", "kind", "date", "body", "activity"),
            Audit,
            Text("Audit", en="Audits", de="Audits"),
            {
                "organization": _ORG,
                "audit": "codice dell'audit (es. AU2024-1)",
                "certificate": "codice del certificato (foglio certifications)",
                "kind": "certification (certificazione), surveillance (sorveglianza), "
                "recertification (rinnovo) o internal (interno)",
                "date": "data dell'audit: " + _DATE,
                "body": "ente di certificazione o, per un audit interno, l'ufficio che lo "
                "conduce (non il nome di una persona)",
                "activity": "attività del piano collegata (facoltativa, foglio activities)",
            },
        ),
        Sheet(
            "findings",
            ("organization", "audit", "finding"),
            (
                "organization",
                "audit",
                "finding",
                "kind",
                "clause",
                "text",
                "action",
                "owner",
                "due",
                "closed",
            ),
            Finding,
            Text("Rilievi degli audit", en="Audit findings", de="Auditfeststellungen"),
            {
                "organization": _ORG,
                "audit": "codice dell'audit (foglio audits)",
                "finding": "numero del rilievo (es. 1)",
                "kind": "major_nc (non conformità maggiore), minor_nc (non conformità minore), "
                "observation (osservazione) o opportunity (opportunità di miglioramento)",
                "clause": "punto della norma (es. 8.5.1)",
                "text": "che cosa è stato rilevato",
                "action": "azione correttiva",
                "owner": "responsabile dell'azione (identificativo, foglio people)",
                "due": "entro quando: " + _DATE,
                "closed": "data di chiusura (vuoto se aperta): " + _DATE,
            },
        ),
        Sheet(
            "practices",
            ("organization", "practice"),
            (
                "organization",
                "practice",
                "service",
                "title_it",
                "title_de",
                "title_en",
                "description",
                "since",
                "indicators",
                "contact",
                "documents",
            ),
            Practice,
            Text("Buone pratiche", en="Good practices", de="Gute Praktiken"),
            {
                "organization": _ORG,
                "practice": "codice della pratica (es. BP01)",
                "service": "servizio (es. anagrafe)",
                "title_it": "titolo in italiano",
                "title_de": "titolo in tedesco (facoltativo)",
                "title_en": "titolo in inglese (facoltativo)",
                "description": "che cosa si fa e con quali risultati",
                "since": "anno di avvio (es. 2019)",
                "indicators": "codici degli indicatori che ne mostrano i risultati, separati "
                "da virgola (es. registry.wait, registry.online_share)",
                "contact": "persona di contatto (identificativo, foglio people: nome ed e-mail "
                "stanno lì)",
                "documents": "indirizzi web dei documenti, separati da ; (https://...)",
            },
        ),
    )
}

#: What a column refers to: sheet -> column -> (referred sheet, the key column there).
REFERENCES: Mapping[str, Mapping[str, tuple[str, str]]] = {
    "departments": {"parent": ("departments", "department")},
    "roles": {"department": ("departments", "department"), "person": ("people", "person")},
    "activities": {"department": ("departments", "department"), "owner": ("people", "person")},
    "milestones": {"activity": ("activities", "activity")},
    "activity_status": {"activity": ("activities", "activity"), "by": ("people", "person")},
    "meetings": {"participants": ("people", "person")},
    "meeting_actions": {
        "meeting": ("meetings", "meeting"),
        "owner": ("people", "person"),
        "activity": ("activities", "activity"),
    },
    "training_needs": {
        "department": ("departments", "department"),
        "reported_by": ("people", "person"),
    },
    "attendance": {"department": ("departments", "department")},
    "staff": {"department": ("departments", "department")},
    "certifications": {"department": ("departments", "department")},
    "audits": {
        "certificate": ("certifications", "certificate"),
        "activity": ("activities", "activity"),
    },
    "findings": {"audit": ("audits", "audit"), "owner": ("people", "person")},
    "practices": {"contact": ("people", "person")},
}


def sheet_names() -> list[str]:
    """The programme's sheets, in the order an import applies them.

    Examples
    --------
    >>> sheet_names()[:3]
    ['departments', 'people', 'roles']
    """
    return list(SHEETS)


def sheet(name: str) -> Sheet:
    """The sheet called ``name``; an unknown name is a :class:`DataError` with a suggestion."""
    try:
        return SHEETS[name]
    except KeyError:
        close = difflib.get_close_matches(str(name), list(SHEETS), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else f" (sheets: {', '.join(SHEETS)})"
        raise DataError(f"unknown programme sheet {name!r}{hint}") from None


def empty_sheet(name: str) -> pd.DataFrame:
    """The sheet ``name`` with its columns and no rows.

    Examples
    --------
    >>> list(empty_sheet("people").columns)
    ['person', 'name', 'email', 'category', 'organization', 'public']
    """
    return pd.DataFrame({c: pd.Series(dtype=object) for c in sheet(name).columns})


def read_sheet(path: str | Path, name: str, **options: Any) -> pd.DataFrame:
    """Read the sheet ``name`` from a file (CSV, or the sheet ``name`` of a workbook).

    ``options`` are :func:`qualitapa.io.read_table`'s (``delimiter``,
    ``encoding``, ``numbers``, ``date_format``...). The codes are read as
    text; dates and numbers are left to :func:`check_sheet`. In a CSV file
    the quote an export puts before a cell's ``= + - @`` (formula
    injection, :func:`qualitapa.io.neutralise_formulas`) is taken away
    again (:func:`qualitapa.io.restore_formulas`): an exported folder
    imports back unchanged. A workbook's text cells are read as they are.
    """
    spec = sheet(name)
    options = dict(options)
    options.pop("date_format", None)
    workbook = Path(str(path)).suffix.lower() in (".xlsx", ".xlsm")
    if workbook and "sheet" not in options:
        options["sheet"] = name
    frame = read_table(path, text_columns=spec.text_columns, dtype=None, **options)
    return frame if workbook else restore_formulas(frame)


def _empty(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _matches(values: Iterable[str], known: Collection[str]) -> dict[str, list[str]]:
    """The closest of ``known`` to each distinct value (one look-up each; none when far)."""
    ordered = sorted(known)
    return {v: difflib.get_close_matches(v, ordered, n=3, cutoff=0.5) for v in set(values)}


def _did_you_mean(close: list[str]) -> str:
    return "; did you mean " + " or ".join(close) + "?" if close else ""


def _perhaps(said: Message, close: list[str], otherwise: Message | None = None) -> Message:
    """``said``, then the closest known values (``; did you mean a or b?``); else ``otherwise``."""
    if not close:
        return said if otherwise is None else otherwise
    return Message("{said}; did you mean {alternatives}?", N_("{said}; forse {alternatives}?"),
                   said=said, alternatives=Either(close))  # fmt: skip


#: What each rule says, in Italian (msgids); ``{value}`` is the cell.
_SAYS: Mapping[str, str] = {
    Rule.REQUIRED.value: N_("manca un valore obbligatorio"),
    Rule.NOT_A_DATE.value: N_("{value} non è una data: scrivere 31/01/2024 o 2024-01-31"),
    Rule.NOT_INTEGER.value: N_("{value} non è un numero intero"),
    Rule.NOT_A_NUMBER.value: N_("{value} non è un numero"),
    Rule.OUT_OF_RANGE.value: N_("{value} non è una frazione tra 0 e 1 (0,5 per metà)"),
    Rule.UNKNOWN_CODE.value: N_("{value} non è ammesso"),
    Rule.UNKNOWN_VALUE.value: N_("codice sconosciuto {value}"),
    Rule.DUPLICATE.value: N_("la chiave ripete una riga precedente"),
    Rule.INCONSISTENT.value: N_("la data di fine è prima di quella di inizio"),
    Rule.INCOMPLETE.value: N_("un risultato atteso richiede tipo, codice, operatore e valore"),
}


#: An unknown code, by the sheet it should be in (Italian msgids).
_UNKNOWN: Mapping[str, str] = {
    "departments": N_("settore sconosciuto {value}"),
    "people": N_("persona sconosciuta {value}"),
    "activities": N_("attività sconosciuta {value}"),
    "meetings": N_("incontro sconosciuto {value}"),
    "certifications": N_("certificato sconosciuto {value}"),
    "audits": N_("verifica sconosciuta {value}"),
}

_REQUIRED = Message("a value is required", _SAYS[Rule.REQUIRED.value])
_NOT_WHOLE = Message("not a whole number", N_("non è un numero intero"))
_NOT_A_NUMBER = Message("not a number", N_("non è un numero"))


def _rendered(
    error: DataError,
    source: str | None,
    name: str,
    *,
    missing: Collection[str] = (),
    unknown: Collection[str] = (),
) -> DataError:
    """``error`` with ``render``: its first line in a translator's language (the CLI's)."""
    cases = error.failure_cases
    first = cases.iloc[0] if cases is not None and len(cases) else None

    def render(t: Translator) -> str:
        parts = [source] if source else []
        parts.append(str(t("foglio {sheet}", sheet=repr(name))))
        if missing or unknown:
            lacking = [str(t("manca la colonna {column}", column=repr(c))) for c in missing]
            lacking += [str(t("colonna sconosciuta {column}", column=repr(c))) for c in unknown]
            return ", ".join(parts) + ": " + "; ".join(lacking)
        if first is None:  # pragma: no cover - an error always has its cases
            return str(error)
        if not pd.isna(first["row"]):
            parts.append(str(t("riga {row}", row=int(first["row"]))))
        if isinstance(first["column"], str):
            parts.append(str(t("colonna {column}", column=repr(first["column"]))))
        value = first["value"]
        shown = "" if value is None or (isinstance(value, float) and math.isnan(value)) else value
        rule, column = str(first["rule"]), first["column"]
        target = REFERENCES.get(name, {}).get(str(column), ("", ""))[0]
        says = _UNKNOWN.get(target) if rule == Rule.UNKNOWN_VALUE.value else None
        said = str(t(says or _SAYS.get(rule, "{value}"), value=repr(shown)))
        if isinstance(first["close"], str) and first["close"]:  # the table's "a, b": a or b
            close = t.join(first["close"].split(", "), style="or")
            said += str(t("; forse {suggestions}?", suggestions=close))
        return ", ".join(parts) + ": " + said

    error.render = render  # type: ignore[method-assign]
    return error


def _as_date_text(values: pd.Series, column: str, date_format: str | None) -> pd.Series:
    """``YYYY-MM-DD`` of each cell (dates, date-times, day-first or ISO text); NaN if none."""
    cells: list[object] = [None] * len(values)
    is_text = np.array([isinstance(v, str) and bool(v.strip()) for v in values], dtype=bool)
    days = None if date_format else _plain_days([v.strip() for v in values[is_text]])
    if days is not None:  # plain days, as read_dates reads them
        for spot, text in zip(np.flatnonzero(is_text), days, strict=True):
            cells[int(spot)] = text
    elif is_text.any():
        frame = pd.DataFrame({"date": values[is_text].str.strip()})
        try:
            read = read_dates(frame, date_format=date_format, as_text=True)["date"]
        except DataError as exc:
            raise _DateCells(exc.failure_cases, values[is_text].index) from None
        for spot, text in zip(np.flatnonzero(is_text), read.astype(str), strict=True):
            cells[int(spot)] = text[:10]
    for position, value in enumerate(values):  # Excel's own date cells, already typed
        if is_text[position] or _empty(value):
            continue
        if isinstance(value, dt.datetime | pd.Timestamp):
            cells[position] = value.date().isoformat()
        elif isinstance(value, dt.date):
            cells[position] = value.isoformat()
        else:
            cells[position] = _NOT_A_DATE
    out = pd.Series(cells, index=values.index, dtype=object)
    return out


#: A day alone, ``YYYY-MM-DD`` or day first ``D/M/YYYY`` (``/``, ``.`` or ``-``), ASCII digits.
_PLAIN_DAY = re.compile(
    r"(?P<y>[0-9]{4})-(?P<m>[0-9]{2})-(?P<d>[0-9]{2})"
    r"|(?P<dd>[0-9]{1,2})(?P<sep>[/.\-])(?P<mm>[0-9]{1,2})(?P=sep)(?P<yy>[0-9]{4})"
)


def _plain_days(texts: list[str]) -> list[str] | None:
    """The ``YYYY-MM-DD`` of each of ``texts`` when each is a plain day; else None.

    A plain day is ``YYYY-MM-DD`` or day first ``D/M/YYYY`` (month at most
    12) that exists, in 1900-2199: :func:`~qualitapa._dates.read_dates`
    reads such a cell, alone or beside others, as this does, and this
    answers without its parsing of every other shape. A column with any
    other cell (a time, a month first, a two-digit year, no such day...) is
    left to it, faults and all.
    """
    days = []
    for text in texts:
        match = _PLAIN_DAY.fullmatch(text)
        if match is None:
            return None
        year, month, day = (
            match.group("y", "m", "d") if match["y"] else match.group("yy", "mm", "dd")
        )
        if not 1900 <= int(year) < 2200:
            return None
        try:
            days.append(dt.date(int(year), int(month), int(day)).isoformat())
        except ValueError:  # 31/02/2024, 13/13/2024: read_dates names the fault
            return None
    return days


_NOT_A_DATE = "\0not a date"


class _DateCells(Exception):
    def __init__(self, cases: pd.DataFrame | None, index: pd.Index) -> None:
        self.cases = cases
        self.index = index


def _number_text(value: object, integer: bool) -> str | None:
    """The canonical text of a number cell; None when it is not a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        text = value.strip().replace("\u00a0", "")
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")  # 0,5 as an Italian CSV writes it
        try:
            number = float(text)
        except ValueError:
            return None
    elif isinstance(value, int | float | np.integer | np.floating):
        number = float(value)
    else:
        return None
    if not math.isfinite(number):
        return None
    if integer:
        return str(int(number)) if number.is_integer() else None
    return repr(number + 0.0)


def check_sheet(
    frame: pd.DataFrame,
    name: str,
    *,
    source: str | None = None,
    date_format: str | None = None,
    known: Mapping[str, Collection[str]] | None = None,
) -> pd.DataFrame:
    """The canonical text of a sheet; every problem raised at once.

    Parameters
    ----------
    frame
        The sheet as read (:func:`read_sheet`, or any DataFrame); not changed.
    name
        Which sheet it is (:func:`sheet_names`).
    source
        The file, for messages.
    date_format
        strftime format of dates that are not ISO nor day first.
    known
        The codes other sheets define, by sheet: ``{"departments": {...},
        "people": {...}, "activities": {...}, "meetings": {...}}``; a column
        referring to a sheet given here must name one of its codes. Sheets
        not given are not checked.

    Returns
    -------
    DataFrame
        The sheet's columns in order, every cell a string or None.

    Raises
    ------
    DataError
        Columns missing or unknown, required values empty, numbers, dates or
        choices that are not, keys repeated, dates out of order, unknown
        codes (with the closest known). ``failure_cases`` lists them all,
        with the ``sheet``.

    Examples
    --------
    >>> raw = pd.DataFrame({"organization": ["036023"], "department": ["S03"],
    ...                     "name_it": ["Servizi demografici"], "kind": ["Settore"]})
    >>> check_sheet(raw, "departments").iloc[0].to_dict()["kind"]
    'settore'
    >>> raw = pd.DataFrame({"organization": ["036023"], "year": [2024], "activity": ["A1"],
    ...     "type": ["survey"], "department": ["S3"], "title_it": ["Indagine"]})
    >>> check_sheet(raw, "activities", source="piano.csv",
    ...             known={"departments": {"S03", "S04"}})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    qualitapa.errors.DataError: piano.csv, sheet 'activities', row 1, column 'department': \
invalid activities: unknown department 'S3'; did you mean S03? ...
    """
    spec = sheet(name)
    where = (
        Message("{source}, sheet {sheet}", N_("{source}, foglio {sheet}"), source=source,
                sheet=repr(name))
        if source
        else Message("sheet {sheet}", N_("foglio {sheet}"), sheet=repr(name))
    )  # fmt: skip
    problems = Problems(source=where, extras=("sheet", "close"), what=name)
    data = frame.rename(columns=lambda c: str(c).strip().lower())
    _check_columns(data, spec, problems, source)
    out: dict[str, pd.Series] = {}
    for column in spec.columns:
        values = (
            data[column].astype(object)
            if column in data.columns
            else pd.Series([None] * len(data), dtype=object)
        ).reset_index(drop=True)
        text = _column_text(values, column, spec, problems, date_format)
        # every cell is text or missing: the missing ones None
        out[column] = pd.Series([v if isinstance(v, str) else None for v in text.tolist()],
                                dtype=object)  # fmt: skip
    clean = pd.DataFrame(out, columns=list(spec.columns))
    _check_rows(clean, spec, problems)
    _check_references(clean, spec, known or {}, problems)
    if problems:
        raise _rendered(problems.to_error(), source, name)
    return clean


def _check_columns(data: pd.DataFrame, spec: Sheet, problems: Problems, source: str | None) -> None:
    """Raise when columns are missing or unknown (with the closest known ones)."""
    unknown = [c for c in data.columns if c not in spec.columns]
    missing = [c for c in spec.columns if c in spec.required and c not in data.columns]
    if not (unknown or missing):
        return
    close = _matches(unknown, spec.columns)
    parts = [f"required column {c!r} is missing" for c in missing]
    for column in unknown:
        hint = _did_you_mean(close[column]) or f" (columns: {', '.join(spec.columns)})"
        parts.append(f"unknown column {column!r}{hint}")
    for column in missing:
        problems.add(None, column=column, rule=Rule.MISSING_COLUMN, sheet=spec.name,
                     message=Message("required column {column} is missing",
                                     N_("manca la colonna obbligatoria {column}"),
                                     column=repr(column)))  # fmt: skip
    for column in unknown:
        problems.add(None, column=column, rule=Rule.UNKNOWN_COLUMN, sheet=spec.name,
                     message=Message("unknown column {column}",
                                     N_("colonna sconosciuta {column}"), column=repr(column)),
                     close=", ".join(close[column]))  # fmt: skip
    raise _rendered(
        problems.to_error(f"the sheet does not have the programme's columns: {'; '.join(parts)}"),
        source,
        spec.name,
        missing=missing,
        unknown=unknown,
    )


def _column_text(
    values: pd.Series,
    column: str,
    spec: Sheet,
    problems: Problems,
    date_format: str | None,
) -> pd.Series:
    """The canonical text of one column's cells (None where blank or wrong); faults added."""
    blank = values.map(_empty).to_numpy(dtype=bool)
    if column in spec.dates:
        text = _date_cells(values, column, spec.name, problems, date_format)
    elif column in spec.integers or column in spec.numbers:
        text = _number_cells(values, column, spec, problems, blank)
    else:
        text = values.map(lambda v: None if _empty(v) else code_text(v))
        if column in spec.choices:
            text = _choice_cells(text, column, spec, problems)
    if column in spec.required:
        problems.add(
            blank, column=column, rule=Rule.REQUIRED, sheet=spec.name, message=_REQUIRED,
        )  # fmt: skip
    return text


def _date_cells(
    values: pd.Series,
    column: str,
    name: str,
    problems: Problems,
    date_format: str | None,
) -> pd.Series:
    """``YYYY-MM-DD`` of each cell of a date column; cells that are not dates added."""
    try:
        dates = _as_date_text(values, column, date_format)
    except _DateCells as exc:
        cases = exc.cases if exc.cases is not None else pd.DataFrame()
        for _, case in cases.iterrows():
            position = exc.index[int(case["row"]) - 1]
            problems.add(
                [position], column=column, value=case["value"], sheet=name,
                rule=Rule.NOT_A_DATE,
                message=Message(
                    "{value} is not a date ({problem}): write 31/01/2024 or 2024-01-31",
                    N_("{value} non è una data ({problem}): scrivere 31/01/2024 o 2024-01-31"),
                    value=repr(case["value"]), problem=case["problem"]),
            )  # fmt: skip
        dates = pd.Series([None] * len(values), dtype=object)
    bad = (dates == _NOT_A_DATE).to_numpy(dtype=bool)
    problems.add(
        bad, column=column, value=values, rule=Rule.NOT_A_DATE, sheet=name,
        message=Message("not a date: write 31/01/2024 or 2024-01-31",
                        N_("non è una data: scrivere 31/01/2024 o 2024-01-31")),
    )  # fmt: skip
    return dates.where(dates.notna() & ~bad, None).astype(object)


def _number_cells(
    values: pd.Series,
    column: str,
    spec: Sheet,
    problems: Problems,
    blank: np.ndarray,
) -> pd.Series:
    """The canonical text of each cell of a number column; cells that are not added."""
    integer = column in spec.integers
    text = values.map(lambda v: None if _empty(v) else _number_text(v, integer))
    bad = (~blank) & text.isna().to_numpy(dtype=bool)
    problems.add(
        bad, column=column, value=values, sheet=spec.name,
        rule=Rule.NOT_INTEGER if integer else Rule.NOT_A_NUMBER,
        message=_NOT_WHOLE if integer else _NOT_A_NUMBER,
    )  # fmt: skip
    if column in spec.fractions:
        numbers = pd.to_numeric(text, errors="coerce")
        outside = ((numbers < 0) | (numbers > 1)).to_numpy(dtype=bool)
        problems.add(
            outside, column=column, value=values, rule=Rule.OUT_OF_RANGE, sheet=spec.name,
            message=Message("not a fraction between 0 and 1 (write 0,5 for half)",
                            N_("non è una frazione tra 0 e 1 (0,5 per metà)")),
        )  # fmt: skip
    return text


def _choice_cells(text: pd.Series, column: str, spec: Sheet, problems: Problems) -> pd.Series:
    """The cells of a closed-set column in lower case; values not allowed added (and None)."""
    allowed = spec.choices[column]
    words = _code_words(allowed)
    lowered = text.map(
        lambda v: (
            (v.lower() if v.lower() in allowed else words.get(plain_word(v), v.lower()))
            if isinstance(v, str)
            else None
        )
    )
    bad = (lowered.notna() & ~lowered.isin(allowed)).to_numpy(dtype=bool)
    if bad.any():
        shown = text[bad].astype(str)
        close = _matches(lowered[bad], allowed)
        said = [
            _perhaps(Message("{value} is not allowed", N_("{value} non è ammesso"), value=repr(v)),
                     close[v.lower()],
                     Message("{value} is not allowed (one of {allowed})",
                             N_("{value} non è ammesso (valori ammessi: {allowed})"),
                             value=repr(v), allowed=", ".join(allowed)))
            for v in shown
        ]  # fmt: skip
        problems.add(
            np.flatnonzero(bad), column=column, value=shown.to_numpy(dtype=object),
            rule=Rule.UNKNOWN_CODE, sheet=spec.name, message=said,
            close=[", ".join(close[v.lower()]) or ", ".join(allowed) for v in shown],
        )  # fmt: skip
    return lowered.where(~bad, None)


@functools.cache
def _code_words(allowed: tuple[str, ...]) -> dict[str, str]:
    """The words that name an allowed code (its labels in every language) -> the code.

    A word that would name two allowed codes names none (it stays refused).
    """
    named: dict[str, set[str]] = {}
    for member in LABELS:
        if isinstance(member, LabelledEnum) and member.value in allowed:
            for word in member.words():
                named.setdefault(word, set()).add(member.value)
    return {word: codes.pop() for word, codes in named.items() if len(codes) == 1}


def _check_rows(clean: pd.DataFrame, spec: Sheet, problems: Problems) -> None:
    """Keys repeated, dates out of order, expected results incomplete."""
    seen: set[tuple[str, ...]] = set()
    repeated = np.zeros(len(clean), dtype=bool)
    for i, key in enumerate(zip(*(clean[c].tolist() for c in spec.key), strict=True)):
        if None in key:  # an incomplete key (its blank is said) repeats nothing
            continue
        repeated[i] = key in seen
        seen.add(key)
    problems.add(
        repeated, column=spec.key[-1], value=clean[spec.key[-1]], rule=Rule.DUPLICATE,
        sheet=spec.name,
        message=Message("the key ({keys}) repeats an earlier row",
                        N_("la chiave ({keys}) ripete una riga precedente"),
                        keys=", ".join(spec.key)),
    )  # fmt: skip
    for first, last in (("start", "end"), ("planned_start", "planned_end"), ("issued", "expires")):
        if first in clean.columns and last in clean.columns:
            both = clean[first].notna() & clean[last].notna()
            early = both & (clean[last].fillna("") < clean[first].fillna(""))
            problems.add(
                early.to_numpy(dtype=bool), column=last, value=clean[last],
                rule=Rule.INCONSISTENT, sheet=spec.name,
                message=Message("{last} is before {first}", N_("{last} è prima di {first}"),
                                last=last, first=first),
            )  # fmt: skip
    if spec.name == "activities":
        given = clean["expected_kind"].notna()
        for column in ("expected_id", "expected_operator", "expected_value"):
            lacking = (given & clean[column].isna()).to_numpy(dtype=bool)
            problems.add(
                lacking, column=column, rule=Rule.INCOMPLETE, sheet=spec.name,
                message=Message("an expected result needs kind, id, operator and value",
                                _SAYS[Rule.INCOMPLETE.value]),
            )  # fmt: skip


_SINGULAR = {
    "departments": "department",
    "people": "person",
    "activities": "activity",
    "meetings": "meeting",
    "certifications": "certificate",
    "audits": "audit",
}


def _first_unknown(people: str | None, codes: Collection[str]) -> str | None:
    """The first of ``;``-separated ids not in ``codes`` (None when all are known)."""
    if not isinstance(people, str):
        return None
    return next((p.strip() for p in people.split(";") if p.strip() not in codes), None)


def _check_references(
    clean: pd.DataFrame,
    spec: Sheet,
    known: Mapping[str, Collection[str]],
    problems: Problems,
) -> None:
    """Codes naming nothing in the sheets they refer to (with the closest ones)."""
    for column, (target, key) in REFERENCES.get(spec.name, {}).items():
        if target not in known:
            continue
        codes = set(known[target])
        if target == spec.name:  # a department's parent may be in the same sheet
            codes |= {str(v) for v in clean[key].dropna()}
        values = clean[column]
        if column == "participants":
            values = values.map(lambda v, c=codes: _first_unknown(v, c))
        given = values.notna().to_numpy(dtype=bool)
        text = values.astype(object).where(given, "").astype(str)
        bad = given & ~text.isin(codes).to_numpy(dtype=bool)
        if not bad.any():
            continue
        unknown = text[bad]
        close = _matches(unknown, codes)
        what = _SINGULAR[target]
        said = [Message(f"unknown {what} {{value}}", _UNKNOWN[target], value=repr(v))
                for v in unknown]  # fmt: skip
        if codes:
            said = [_perhaps(s, close[v]) for s, v in zip(said, unknown, strict=True)]
        else:
            said = [Message("{said}: the {target} sheet has none yet",
                            N_("{said}: il foglio {sheet} è ancora vuoto"), said=s,
                            target=target, sheet=repr(target)) for s in said]  # fmt: skip
        problems.add(
            np.flatnonzero(bad), column=column, value=unknown.to_numpy(dtype=object),
            rule=Rule.UNKNOWN_VALUE, sheet=spec.name, message=said,
            close=[", ".join(close[v]) for v in unknown],
        )  # fmt: skip
