"""Words for people of the result tables' columns and of the catalog's codes: one vocabulary.

A result table (``indicator_values``, ``complaint_kpis``...) keeps stable
English column names in every language, and the catalog stable codes
(``effectiveness``, ``quarterly``, ``likert``, ``>=``); people read them as
words. The command line (table headers, ``catalog``), the report (targets)
and the portal (the open data page's field descriptions, the methodology
pages) take them from here; each adds the columns only it shows. The words
are Italian msgids, translated with :class:`~qualitapa.i18n.Translator`.

Examples
--------
>>> from qualitapa.i18n import translator
>>> t = translator("de")
>>> t(COLUMN_WORDS["organization_name"]), t(COMPARATOR_WORDS[">="], value="95 %")
('Körperschaft', 'mindestens 95 %')
"""

from __future__ import annotations

from collections.abc import Mapping

from qualitapa.i18n import N_

#: Column name -> its words for people (an Italian msgid).
COLUMN_WORDS: Mapping[str, str] = {
    "organization": N_("Codice ente"),
    "organization_name": N_("Ente"),
    "period": N_("Periodo"),
    "indicator": N_("Codice indicatore"),
    "indicator_label": N_("Indicatore"),
    "service": N_("Codice servizio"),
    "service_label": N_("Servizio"),
    "dimension": N_("Dimensione"),
    "sub_dimension": N_("Sottodimensione"),
    "unit": N_("Unità"),
    "scale": N_("Scala"),
    "polarity": N_("Polarità"),
    "formula": N_("Formula"),
    "target": N_("Obiettivo"),
    "description": N_("Descrizione"),
    "label": N_("Denominazione"),
    "id": N_("Codice"),
    "level": N_("Livello"),
    "value": N_("Valore"),
    "status": N_("Stato"),
    "peer_group": N_("Gruppo di confronto"),
    "rank": N_("Posizione"),
    "percentile": N_("Percentile"),
    "quartile": N_("Quartile"),
    "gap_to_best": N_("Distanza dal migliore"),
    "gap_to_median": N_("Distanza dalla mediana"),
    "comparison": N_("Confronto"),
    "first_period": N_("Primo periodo"),
    "last_period": N_("Ultimo periodo"),
    "n_periods": N_("Periodi"),
    "first_value": N_("Primo valore"),
    "last_value": N_("Ultimo valore"),
    "change_pct": N_("Variazione %"),
    "cagr_pct": N_("Crescita media annua %"),
    "slope": N_("Pendenza"),
    "slope_low": N_("Pendenza, limite inferiore"),
    "slope_high": N_("Pendenza, limite superiore"),
    "intercept": N_("Intercetta"),
    "p_value": N_("Valore p"),
    "trend": N_("Tendenza"),
    "composite_label": N_("Indice composito"),
    "efficiency": N_("Efficienza"),
    "score": N_("Punteggio"),
    "peers": N_("Enti di riferimento"),
    "n_peers": N_("Numero di enti di riferimento"),
    "lambda_sum": N_("Somma dei pesi lambda"),
    "instrument": N_("Codice questionario"),
    "instrument_label": N_("Questionario"),
    "question": N_("Codice domanda"),
    "n_eff": N_("N effettivo"),
    "mean": N_("Media"),
    "sd": N_("Deviazione standard"),
    "se": N_("Errore standard"),
    "ci_low": N_("Limite inferiore IC 95%"),
    "ci_high": N_("Limite superiore IC 95%"),
    "weight": N_("Peso"),
    "weighting": N_("Ponderazione"),
    "small_sample": N_("Campione ridotto"),
    # surveys: the index or item uses a question asked in some organizations only
    "local": N_("Con domande locali"),
    "received": N_("Ricevuti"),
    "answered": N_("Risposti"),
    "answered_within_deadline": N_("Risposti nei termini"),
    "share_within_deadline": N_("Quota risposti nei termini"),
    "mean_answer_days": N_("Giorni medi di risposta"),
    "median_answer_days": N_("Giorni mediani di risposta"),
    "p90_answer_days": N_("90° percentile giorni"),
    "mean_answer_working_days": N_("Giorni lavorativi medi"),
    "median_answer_working_days": N_("Giorni lavorativi mediani"),
    "p90_answer_working_days": N_("90° percentile giorni lavorativi"),
    "open": N_("Aperti"),
    "overdue": N_("Scaduti"),
    "reopened": N_("Riaperti"),
    "reopening_rate": N_("Quota riaperti"),
    "forwarded": N_("Inoltrati"),
    "share_forwarded": N_("Quota inoltrati"),
    "rejected": N_("Respinti"),
    "share_rejected": N_("Quota respinti"),
    "population": N_("Popolazione"),
    "per_10000": N_("Per 10.000 abitanti"),
    "received_rolling_3": N_("Ricevuti, media mobile 3 periodi"),
    "received_change": N_("Variazione dei ricevuti"),
    "received_yoy": N_("Variazione dei ricevuti su un anno"),
    "standard": N_("Codice standard"),
    "standard_label": N_("Standard"),
    "replaces": N_("Sostituisce"),
    "scope": N_("Ambito di verifica"),
    "met": N_("Rispettato"),
    "title_en": N_("Titolo in inglese"),
}

#: Indicator dimensions (:class:`qualitapa.models.Dimension`) -> their word.
DIMENSION_WORDS: Mapping[str, str] = {
    "efficiency": N_("efficienza"),
    "effectiveness": N_("efficacia"),
    "quality": N_("qualità"),
    "impact": N_("impatto"),
}

#: How often an indicator is measured (``Periodicity``) -> its word.
PERIODICITY_WORDS: Mapping[str, str] = {
    "annual": N_("annuale"),
    "semiannual": N_("semestrale"),
    "quarterly": N_("trimestrale"),
    "monthly": N_("mensile"),
}

#: Kinds of question (``QuestionType``) -> how they are answered.
QUESTION_TYPE_WORDS: Mapping[str, str] = {
    "likert": N_("scala Likert"),
    "rating": N_("voto"),
    "yes_no": N_("sì/no"),
    "recommend": N_("raccomandazione (0-10)"),
    "single": N_("scelta singola"),
    "multiple": N_("scelta multipla"),
    "numeric": N_("numero"),
    "text": N_("testo libero"),
}

#: Comparators of a target (:class:`qualitapa.models.Comparator`) -> the phrase,
#: ``{value}`` the target already written with its unit (``almeno 95%``).
COMPARATOR_WORDS: Mapping[str, str] = {
    ">=": N_("almeno {value}"),
    ">": N_("più di {value}"),
    "<=": N_("al massimo {value}"),
    "<": N_("meno di {value}"),
    "==": N_("pari a {value}"),
}
