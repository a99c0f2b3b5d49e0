"""Column headers of the tables printed for people, in the language of ``--lang``.

The rule (docs/cli.md): a command's table on screen has its headers in the
language asked (``Ente``, ``Körperschaft``); CSV and JSON, for machines,
keep the stable English column names (``organization``,
``organization_name``) in every language. The label *values* (names of
organizations, labels of indicators, services, categories, questions)
follow ``--lang`` in every format.

The headers are Italian messages (msgids) of the gettext catalogs; a
column without one keeps its name.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from qualitapa._describe import KIND_LABELS
from qualitapa._vocabulary import COLUMN_WORDS, DIMENSION_WORDS, PERIODICITY_WORDS
from qualitapa.i18n import N_, translator

#: Column name -> its header for people (an Italian msgid).
HEADERS: Mapping[str, str] = {
    **COLUMN_WORDS,
    "category": N_("Codice categoria"),
    "category_label": N_("Categoria"),
    "parent": N_("Appartiene a"),
    "plugin": N_("Plugin"),
    "best": N_("Migliore"),
    "n": N_("N"),
    "question_label": N_("Domanda"),
    "share": N_("Quota"),
    "weighted_n": N_("N ponderato"),
    "code": N_("Codice risposta"),
    "count": N_("Numero"),
    "cumulative_share": N_("Quota cumulata"),
    "significant": N_("Significativo"),
    # importance-performance analysis, composite indices, the catalog's plugins
    "quadrant": N_("Quadrante"),
    "importance": N_("Importanza"),
    "performance": N_("Performance"),
    "component": N_("Codice componente"),
    "component_label": N_("Componente"),
    "contribution": N_("Contributo"),
    "coverage": N_("Copertura"),
    "distribution": N_("Pacchetto"),
    "version": N_("Versione"),
    "problem": N_("Problema"),
    # the catalog's kinds (KIND_LABELS); as a column, standards are "Standard"
    **KIND_LABELS,
    "standards": N_("Standard"),
    "extensions": N_("Estensioni"),
    "field": N_("Campo"),
    "periodicity": N_("Periodicità"),
    "tags": N_("Parole chiave"),
    # targets (qualitapa.indicators)
    "target_value": N_("Valore obiettivo"),
    "gap": N_("Scarto"),
    # standards, complaint categories, CAF model (issue 17)
    "measure": N_("Misura"),
    "refund": N_("Rimborso"),
    "deadline_days": N_("Termine di risposta"),
    "deadline_unit": N_("Tipo di giorni"),
    "subcriterion": N_("Sottocriterio"),
    "criterion": N_("Criterio"),
    "kind": N_("Tipo"),
    "criterion_title": N_("Titolo del criterio"),
    "title": N_("Titolo"),
    "month": N_("Mese"),
    "quarter": N_("Trimestre"),
    "year": N_("Anno"),
    # DEA (qualitapa dea: scores, targets, lambdas)
    "super_efficiency": N_("Superefficienza"),
    "super_status": N_("Stato della superefficienza"),
    "peer": N_("Ente di riferimento"),
    "lambda": N_("Peso lambda"),
    "variable": N_("Variabile"),
    "role": N_("Ruolo"),
    "observed": N_("Valore osservato"),
    "radial": N_("Movimento radiale"),
    "slack": N_("Scarto residuo"),
    # problem tables (failure cases, survey validate, complaints import), issue 17
    "source": N_("File di origine"),
    "table": N_("Tabella"),
    "resource": N_("Risorsa"),
    "row": N_("Riga"),
    "column": N_("Colonna"),
    "respondent": N_("Rispondente"),
    "rule": N_("Regola"),
    "message": N_("Messaggio"),
    "sheet": N_("Foglio"),
    "close": N_("Valori vicini"),
    "suggestions": N_("Valori vicini"),  # unknown organizations: the closest names
    "action": N_("Azione"),
    # complaints: pareto
    "vital_few": N_("Tra i pochi vitali"),
}


#: Headers of a table whose column means something else there than in :data:`HEADERS`
#: (``survey sample-size``: ``margin`` is the margin of error, not the margin to a target).
SAMPLE_SIZE_HEADERS: Mapping[str, str] = {"margin": N_("Margine di errore")}


#: Indicator dimensions -> their word (Italian msgid).
DIMENSIONS: Mapping[str, str] = DIMENSION_WORDS

#: Codes of the command line's result columns -> their word (Italian msgid).
CODES: Mapping[str, str] = {
    # comparison (qualitapa.indicators.benchmark)
    "compared": N_("confrontato"),
    "no_value": N_("nessun valore"),
    "no_peer_group": N_("senza gruppo di confronto"),
    "local_indicator": N_("indicatore locale"),
    "too_few_compared": N_("troppo pochi enti a confronto"),
    "all_equal": N_("tutti uguali"),
    # status (qualitapa.indicators.compute)
    "ok": N_("calcolato"),
    # a plugin's state (qualitapa plugins)
    "loaded": N_("caricato"),
    "skipped": N_("escluso"),
    # standards' scope, deadlines, CAF criteria (issue 17)
    "general": N_("in media"),
    "specific": N_("per ogni prestazione"),
    "calendar": N_("di calendario"),
    "working": N_("lavorativi"),
    "enablers": N_("fattori abilitanti"),
    "results": N_("risultati"),
    "missing_variable": N_("manca una variabile"),
    "zero_denominator": N_("denominatore zero"),
    "invalid_input": N_("dato di partenza non valido"),
    "not_finite": N_("risultato non finito"),
    "no_complaints": N_("nessun reclamo nel periodo"),
    # the role of a DEA variable
    "input": N_("risorsa (input)"),
    "output": N_("prodotto (output)"),
    "infeasible": N_("non calcolabile"),
    # the status of a Malmquist index (qualitapa.composite.malmquist), issue 24
    "infeasible_on_earlier": N_("non calcolabile: fuori dalla tecnologia del periodo iniziale"),
    "infeasible_on_later": N_("non calcolabile: fuori dalla tecnologia del periodo finale"),
    "not_in_both_periods": N_("non presente in entrambi i periodi"),
    # the rules of a problem (qualitapa.problems.Rule), issue 17
    "missing_column": N_("colonna mancante"),
    "unknown_column": N_("colonna sconosciuta"),
    "required": N_("valore obbligatorio"),
    "missing_respondent": N_("rispondente mancante"),
    "duplicate_row": N_("riga ripetuta"),
    "duplicate_respondent": N_("rispondente ripetuto"),
    "duplicate": N_("duplicato"),
    "not_a_number": N_("non è un numero"),
    "not_a_date": N_("non è una data"),
    "negative": N_("negativo"),
    "not_integer": N_("non intero"),
    "out_of_range": N_("fuori intervallo"),
    "out_of_scale": N_("fuori scala"),
    "unknown_code": N_("codice sconosciuto"),
    "unknown_value": N_("valore sconosciuto"),
    "invalid": N_("non valido"),
    "inconsistent": N_("incoerente"),
    "incomplete": N_("incompleto"),
    "in_future": N_("nel futuro"),
    "not_unicode": N_("codifica non valida"),
    "not_relevant": N_("risposta non pertinente"),
    "constraint": N_("vincolo non rispettato"),
    "file": N_("file"),
    "schema": N_("schema"),
    # the file a problem is in (complaints import --events: its table column)
    "complaints": N_("reclami"),
    "events": N_("eventi"),
    # what validation did about a problem (survey validate's action)
    "row dropped": N_("riga esclusa"),
    "cell blanked": N_("risposta svuotata"),
    "column kept": N_("colonna mantenuta"),
    "column added (empty)": N_("colonna aggiunta (vuota)"),
    "reported": N_("segnalato"),
    # how often an indicator is measured (periodicity)
    **PERIODICITY_WORDS,
    # the weighting of an overall survey index
    "importance": N_("per importanza"),
    "declared": N_("pesi dichiarati"),
    "equal": N_("pesi uguali"),
    # how the importance of an IPA item was found (qualitapa.surveys.ipa)
    "stated": N_("dichiarata dai rispondenti"),
    "derived_correlation": N_("derivata (correlazione)"),
    "derived_regression": N_("derivata (regressione)"),
    # the test of a comparison of groups (qualitapa.surveys.compare_groups)
    "anova": N_("analisi della varianza (F)"),
    "welch_t": N_("t di Welch"),
    "weighted_welch_t": N_("t di Welch ponderato"),
    "weighted_welch_f": N_("F di Welch ponderato"),
    "chi2": N_("chi quadrato di Pearson"),
    "rao_scott_chi2": N_("chi quadrato di Rao-Scott"),
    "mann_whitney_u": N_("U di Mann-Whitney"),
    "kruskal_wallis": N_("H di Kruskal-Wallis"),
    "welch_anova": N_("ANOVA di Welch (F)"),
    "games_howell": N_("Games-Howell"),
    "design_t": N_("t sul disegno campionario"),
    "design_wald_f": N_("F di Wald sul disegno campionario"),
    "design_rao_scott_f": N_("F di Rao-Scott sul disegno campionario"),
    # the effect size of a comparison of groups (qualitapa.surveys.compare_groups)
    "hedges_g": N_("g di Hedges"),
    "eta_squared": N_("eta quadro"),
    "cramers_v": N_("V di Cramér"),
    "rank_biserial": N_("correlazione rango-biseriale"),
}

#: Columns whose codes a reader gets as words (``improving`` -> ``in miglioramento``).
WORDED = (
    "polarity",
    "trend",
    "quadrant",
    "comparison",
    "status",
    "scope",
    "deadline_unit",
    "kind",
    "role",
    "super_status",
    "rule",
    "action",
    "weighting",
    "periodicity",
    "importance_method",
    "test",
    "effect",
    "table",
)


def worded(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``frame`` with the codes of :data:`WORDED` columns as words in ``lang`` (for people).

    A code without a word stays as it is; true/false columns read yes/no.

    Examples
    --------
    >>> frame = pd.DataFrame({"trend": ["improving", "odd"], "met": [True, False]})
    >>> worded(frame, "de").to_dict("list")
    {'trend': ['verbessert sich', 'odd'], 'met': ['ja', 'nein']}
    """
    from qualitapa.reporting import CODE_WORDS as WORDS

    columns = [c for c in WORDED if c in frame.columns]
    flags = [c for c in frame.columns if pd.api.types.is_bool_dtype(frame[c].dtype)]
    if not columns and not flags:
        return frame
    t = translator(lang)
    words = {code: t(msgid) for code, msgid in {**WORDS, **CODES}.items()}
    out = frame.copy()
    for column in columns:
        out[column] = frame[column].map(lambda c: words.get(str(c), c))
    yes_no = {True: t("sì"), False: t("no")}
    for column in flags:
        out[column] = frame[column].map(yes_no)
    return out


#: Columns whose texts may be library messages (:class:`qualitapa.errors.Message`);
#: a source may be one too (a programme sheet: ``sheet 'people'``).
SAID = ("problem", "message", "source")


def said_problems(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``frame`` with the library's messages in its :data:`SAID` columns in ``lang``.

    The English text of a :class:`~qualitapa.errors.Message` (what a problem
    table holds) becomes its translation; other text stays as it is.

    Examples
    --------
    >>> from qualitapa.indicators._data import NOT_A_NUMBER
    >>> said_problems(pd.DataFrame({"problem": [NOT_A_NUMBER, "odd"]}), "de")["problem"].tolist()
    ['keine Zahl', 'odd']
    """
    from qualitapa.errors import said

    columns = [c for c in SAID if c in frame.columns]
    if not columns:
        return frame
    t = translator(lang)
    out = frame.copy()
    for column in columns:
        # a problem table repeats a few messages: translate each distinct one once
        codes, distinct = pd.factorize(frame[column].astype(object), use_na_sentinel=False)
        words = [said(v, t) for v in distinct]
        out[column] = pd.Series([words[c] for c in codes], index=frame.index, dtype=object)
    return out


def headed(frame: pd.DataFrame, lang: str, extra: Mapping[str, str] | None = None) -> pd.DataFrame:
    """``frame`` with the headers of :data:`HEADERS` in ``lang``; ``extra`` renames as given.

    Two columns that would get the same header (``dimension`` and its
    label) keep it once: the id column's name stays as it is.

    Examples
    --------
    >>> frame = pd.DataFrame({"organization": ["021008"], "organization_name": ["Bozen"],
    ...                       "alpha": [0.8], "other": [1]})
    >>> list(headed(frame, "de").columns)
    ['Kodex Körperschaft', 'Körperschaft', 'Cronbachs Alpha', 'other']
    """
    t = translator(lang)
    names = {c: t(HEADERS[c]) for c in frame.columns if c in HEADERS}
    names.update(extra or {})
    taken: set[str] = set()
    for column in reversed(list(frame.columns)):  # labels come after their ids
        shown = names.get(column)
        if shown is None:
            continue
        if shown in taken:
            del names[column]
        taken.add(shown)
    return frame.rename(columns=names)
