"""The fixed labels of the reports, and number formatting: thin wrappers over qualitapa.i18n.

The labels are gettext messages (Italian msgids) translated in the catalogs
``qualitapa/locale/*/LC_MESSAGES/qualitapa.po``; :func:`tr` looks one up by
its key. The report's templates call the :class:`~qualitapa.i18n.Translator`
directly (``t("Mediana")``): :func:`tr` goes when no section uses it.
"""

from __future__ import annotations

import math
from typing import Any

from qualitapa.i18n import N_, check_language, translator

_LABELS: dict[str, str] = {
    "report": N_("Rapporto di benchmarking"),
    "period": N_("Periodo"),
    "generated": N_("Generato il"),
    "with": N_("con"),
    "contents": N_("Indice"),
    "no_charts": N_(
        "I grafici non sono disponibili: installare l'extra 'plot' (pip install "
        "'qualitapa[plot]'). Il rapporto mostra solo le tabelle."
    ),
    "headline": N_("Sintesi degli indicatori"),
    "indicators": N_("Indicatori"),
    "indicator": N_("Indicatore"),
    "unit": N_("Unità"),
    "n": N_("N"),
    "median": N_("Mediana"),
    "best": N_("Migliore"),
    "best_value": N_("Valore migliore"),
    "best_performer": N_("Miglior ente"),
    "change": N_("Variazione mediana"),
    "organization": N_("Ente"),
    "value": N_("Valore"),
    "rank": N_("Posizione"),
    "target": N_("Obiettivo"),
    "trend": N_("Tendenza"),
    "higher_is_better": N_("più alto è meglio"),
    "lower_is_better": N_("più basso è meglio"),
    "neutral": N_("neutro"),
    "improving": N_("in miglioramento"),
    "worsening": N_("in peggioramento"),
    "stable": N_("stabile"),
    "increasing": N_("in aumento"),
    "decreasing": N_("in diminuzione"),
    "insufficient_data": N_("dati insufficienti"),
    "bar_caption": N_("Valori {period}: in verde il migliore, la linea tratteggiata è la mediana"),
    "trend_caption": N_("Andamento negli anni; la linea nera spessa è la mediana"),
    "only_extremes": N_("Sono mostrati i {k} migliori e i {k} peggiori su {n} enti."),
    "missing_values": N_("Valori mancanti"),
    "no_values": N_("Nessun valore per il {period}"),
    "not_compared_local": N_(
        "Indicatore locale: riportato per l'ente che lo misura, senza confronto né graduatoria."
    ),
    "not_compared_all_equal": N_("Tutti gli enti hanno lo stesso valore: nessun miglior ente."),
    "not_compared_too_few": N_("Nessuna graduatoria: gli enti con un valore sono meno di {k}."),
    "composite": N_("Indici compositi"),
    "composite_caption": N_(
        "Posizione mediana e intervallo 5°-95° percentile delle posizioni nell'analisi di "
        "incertezza"
    ),
    "score": N_("Punteggio"),
    "median_rank": N_("Posizione mediana"),
    "rank_interval": N_("Intervallo posizioni (5°-95°)"),
    "dea": N_("Efficienza (DEA)"),
    "dea_caption": N_("Punteggi di efficienza (1 = sulla frontiera efficiente)"),
    "efficiency": N_("Efficienza"),
    "status": N_("Stato"),
    "peers": N_("Enti di riferimento"),
    "efficient": N_("efficiente"),
    "weakly_efficient": N_("debolmente efficiente"),
    "inefficient": N_("non efficiente"),
    "survey": N_("Soddisfazione degli utenti"),
    "survey_caption": N_(
        "Indici di soddisfazione (0-100) per dimensione con intervallo di confidenza al 95%"
    ),
    "dimension": N_("Dimensione"),
    "index": N_("Indice (0-100)"),
    "ci": N_("Intervallo di confidenza 95%"),
    "small_sample": N_("campione ridotto"),
    "ipa": N_("Analisi importanza-performance"),
    "ipa_caption": N_(
        "Importanza e performance degli aspetti del servizio; le linee sono i valori medi"
    ),
    "importance": N_("Importanza"),
    "performance": N_("Performance"),
    "quadrant": N_("Quadrante"),
    "item": N_("Aspetto"),
    "concentrate_here": N_("concentrarsi qui"),
    "keep_up": N_("continuare così"),
    "low_priority": N_("bassa priorità"),
    "possible_overkill": N_("possibile eccesso"),
    "complaints": N_("Reclami e segnalazioni"),
    "complaints_caption": N_("Reclami ricevuti e risposti per mese"),
    "received": N_("Ricevuti"),
    "answered": N_("Risposti"),
    "answered_within_deadline": N_("Risposti nei termini"),
    "share_within_deadline": N_("% risposti nei termini"),
    "mean_answer_days": N_("Giorni medi di risposta"),
    "median_answer_days": N_("Giorni mediani di risposta"),
    "p90_answer_days": N_("90° percentile giorni"),
    "mean_answer_working_days": N_("Giorni lavorativi medi"),
    "open": N_("Aperti"),
    "overdue": N_("Scaduti"),
    "reopening_rate": N_("% riaperti"),
    "share_forwarded": N_("% inoltrati"),
    "share_rejected": N_("% respinti"),
    "share_founded": N_("% fondati"),
    "per_10000": N_("Per 10.000 abitanti"),
    "service": N_("Servizio"),
    "category": N_("Categoria"),
    "kind": N_("Tipo"),
    "channel": N_("Canale"),
    "compliance": N_("Rispetto degli standard della carta"),
    "compliance_summary": N_("Standard rispettati: {met} su {total} valutati."),
    "standard": N_("Standard"),
    "met": N_("Rispettato"),
    "margin": N_("Margine"),
    "share_within": N_("% entro soglia"),
    "refunds_due": N_("Indennizzi dovuti"),
    "reason": N_("Nota"),
    "yes": N_("sì"),
    "no": N_("no"),
    "caf": N_("Autovalutazione CAF"),
    "caf_caption": N_("Punteggi dei 9 criteri CAF (0-100)"),
    "criterion": N_("Criterio"),
    "points": N_("Punti"),
    "enablers": N_("Fattori abilitanti"),
    "results": N_("Risultati"),
    "total": N_("Totale"),
    "year": N_("Anno"),
    "month": N_("Mese"),
}


def check_lang(lang: str) -> str:
    """``lang`` if it is a well-formed language code, else :class:`~qualitapa.errors.OptionError`.

    Any code is accepted: ``it``, ``en`` and ``de`` have catalogs, another
    language falls back along its chain (see :func:`qualitapa.i18n.set_fallbacks`).

    Examples
    --------
    >>> check_lang("de"), check_lang("fr")
    ('de', 'fr')
    """
    return check_language(lang)


def tr(key: str, lang: str, **values: Any) -> str:
    """The label ``key`` in ``lang``, with ``{placeholders}`` filled; unknown keys as given.

    Examples
    --------
    >>> tr("median", "it"), tr("median", "en"), tr("median", "de"), tr("not_a_label", "en")
    ('Mediana', 'Median', 'Median', 'not_a_label')
    >>> tr("no_values", "de", period=2024)
    'Keine Werte für 2024'
    """
    message = _LABELS.get(key)
    if message is None:
        return key
    return translator(lang)(message, **values)


def count_organizations(n: int, lang: str = "it") -> str:
    """``1 ente``, ``3 enti`` in ``lang`` (a plural message).

    Examples
    --------
    >>> count_organizations(1), count_organizations(1234, "de"), count_organizations(2, "en")
    ('1 ente', '1.234 Körperschaften', '2 organizations')
    """
    return translator(lang).plural("{n} ente", "{n} enti", n)


def has_label(key: str) -> bool:
    """True if ``key`` is a known label."""
    return key in _LABELS


def format_number(value: Any, lang: str = "it", digits: int | None = None) -> str:
    """A number for people in ``lang``'s locale (``1.234,5``, ``1,234.5``); ``–`` when missing.

    With ``digits=None`` the number of decimals follows the magnitude (0 from
    100, 1 from 10, else 2), whole numbers included. Rounding is half up.
    A thin wrapper over :meth:`qualitapa.i18n.Translator.number`.

    Examples
    --------
    >>> format_number(1234.567, "it"), format_number(1234.567, "en"), format_number(0.1234)
    ('1.235', '1,235', '0,12')
    >>> format_number(float("nan")), format_number(12, "en", 1), format_number(1234.5, "de", 1)
    ('–', '12.0', '1.234,5')
    """
    try:
        x = float(value)
    except (TypeError, ValueError):
        return "–" if value is None else str(value)
    if math.isnan(x):
        return "–"
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    if digits is None:
        digits = 0 if abs(x) >= 100 else 1 if abs(x) >= 10 else 2
    return translator(lang).number(x, digits=digits)
