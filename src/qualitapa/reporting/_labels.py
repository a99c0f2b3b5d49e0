"""Fixed labels of the reports in Italian and English, and number formatting."""

from __future__ import annotations

import math
from typing import Any

from qualitapa.models import Text

__all__ = ["LANGUAGES", "check_lang", "format_number", "tr"]

#: Languages the reports are written in.
LANGUAGES = ("it", "en")

_LABELS: dict[str, Text] = {
    "report": Text("Rapporto di benchmarking", "Benchmarking report"),
    "period": Text("Periodo", "Period"),
    "generated": Text("Generato il", "Generated on"),
    "with": Text("con", "with"),
    "contents": Text("Indice", "Contents"),
    "no_charts": Text(
        "I grafici non sono disponibili: installare l'extra 'plot' "
        "(pip install 'qualitapa[plot]'). Il rapporto mostra solo le tabelle.",
        "Charts are not available: install the 'plot' extra "
        "(pip install 'qualitapa[plot]'). The report shows the tables only.",
    ),
    "headline": Text("Sintesi degli indicatori", "Indicators at a glance"),
    "indicators": Text("Indicatori", "Indicators"),
    "indicator": Text("Indicatore", "Indicator"),
    "unit": Text("Unità", "Unit"),
    "n": Text("N", "N"),
    "median": Text("Mediana", "Median"),
    "best": Text("Migliore", "Best"),
    "best_value": Text("Valore migliore", "Best value"),
    "best_performer": Text("Miglior ente", "Best performer"),
    "change": Text("Variazione mediana", "Change of the median"),
    "organization": Text("Ente", "Organization"),
    "value": Text("Valore", "Value"),
    "rank": Text("Posizione", "Rank"),
    "target": Text("Obiettivo", "Target"),
    "trend": Text("Tendenza", "Trend"),
    "higher_is_better": Text("più alto è meglio", "higher is better"),
    "lower_is_better": Text("più basso è meglio", "lower is better"),
    "neutral": Text("neutro", "neutral"),
    "improving": Text("in miglioramento", "improving"),
    "worsening": Text("in peggioramento", "worsening"),
    "stable": Text("stabile", "stable"),
    "increasing": Text("in aumento", "increasing"),
    "decreasing": Text("in diminuzione", "decreasing"),
    "insufficient_data": Text("dati insufficienti", "insufficient data"),
    "bar_caption": Text(
        "Valori {period}: in verde il migliore, la linea tratteggiata è la mediana",
        "Values {period}: the best performer in green, the dashed line is the median",
    ),
    "trend_caption": Text(
        "Andamento negli anni; la linea nera spessa è la mediana",
        "Trend across the years; the thick black line is the median",
    ),
    "only_extremes": Text(
        "Sono mostrati i {k} migliori e i {k} peggiori su {n} enti.",
        "The {k} best and {k} worst of {n} organizations are shown.",
    ),
    "missing_values": Text("Valori mancanti", "Missing values"),
    "no_values": Text("Nessun valore per il {period}", "No values for {period}"),
    "not_compared_local": Text(
        "Indicatore locale: riportato per l'ente che lo misura, senza confronto né graduatoria.",
        "Local indicator: reported for the organization that measures it, with no "
        "comparison or ranking.",
    ),
    "not_compared_all_equal": Text(
        "Tutti gli enti hanno lo stesso valore: nessun miglior ente.",
        "Every organization has the same value: no best performer.",
    ),
    "not_compared_too_few": Text(
        "Nessuna graduatoria: gli enti con un valore sono meno di {k}.",
        "No ranking: fewer than {k} organizations have a value.",
    ),
    "composite": Text("Indici compositi", "Composite indices"),
    "composite_caption": Text(
        "Posizione mediana e intervallo 5°-95° percentile delle posizioni "
        "nell'analisi di incertezza",
        "Median rank and 5th-95th percentile rank interval of the uncertainty analysis",
    ),
    "score": Text("Punteggio", "Score"),
    "median_rank": Text("Posizione mediana", "Median rank"),
    "rank_interval": Text("Intervallo posizioni (5°-95°)", "Rank interval (5th-95th)"),
    "dea": Text("Efficienza (DEA)", "Efficiency (DEA)"),
    "dea_caption": Text(
        "Punteggi di efficienza (1 = sulla frontiera efficiente)",
        "Efficiency scores (1 = on the efficient frontier)",
    ),
    "efficiency": Text("Efficienza", "Efficiency"),
    "status": Text("Stato", "Status"),
    "peers": Text("Enti di riferimento", "Peers"),
    "efficient": Text("efficiente", "efficient"),
    "weakly_efficient": Text("debolmente efficiente", "weakly efficient"),
    "inefficient": Text("non efficiente", "inefficient"),
    "survey": Text("Soddisfazione degli utenti", "User satisfaction"),
    "survey_caption": Text(
        "Indici di soddisfazione (0-100) per dimensione con intervallo di confidenza al 95%",
        "Satisfaction indices (0-100) by dimension with 95% confidence interval",
    ),
    "dimension": Text("Dimensione", "Dimension"),
    "index": Text("Indice (0-100)", "Index (0-100)"),
    "ci": Text("Intervallo di confidenza 95%", "95% confidence interval"),
    "small_sample": Text("campione ridotto", "small sample"),
    "ipa": Text("Analisi importanza-performance", "Importance-performance analysis"),
    "ipa_caption": Text(
        "Importanza e performance degli aspetti del servizio; le linee sono i valori medi",
        "Importance and performance of the aspects of the service; the lines are the means",
    ),
    "importance": Text("Importanza", "Importance"),
    "performance": Text("Performance", "Performance"),
    "quadrant": Text("Quadrante", "Quadrant"),
    "item": Text("Aspetto", "Item"),
    "concentrate_here": Text("concentrarsi qui", "concentrate here"),
    "keep_up": Text("continuare così", "keep up the good work"),
    "low_priority": Text("bassa priorità", "low priority"),
    "possible_overkill": Text("possibile eccesso", "possible overkill"),
    "complaints": Text("Reclami e segnalazioni", "Complaints"),
    "complaints_caption": Text(
        "Reclami ricevuti e risposti per mese", "Complaints received and answered per month"
    ),
    "received": Text("Ricevuti", "Received"),
    "answered": Text("Risposti", "Answered"),
    "answered_within_deadline": Text("Risposti nei termini", "Answered within deadline"),
    "share_within_deadline": Text("% risposti nei termini", "% answered within deadline"),
    "mean_answer_days": Text("Giorni medi di risposta", "Mean answer days"),
    "median_answer_days": Text("Giorni mediani di risposta", "Median answer days"),
    "p90_answer_days": Text("90° percentile giorni", "90th percentile days"),
    "mean_answer_working_days": Text("Giorni lavorativi medi", "Mean working days"),
    "open": Text("Aperti", "Open"),
    "overdue": Text("Scaduti", "Overdue"),
    "reopening_rate": Text("% riaperti", "% reopened"),
    "share_forwarded": Text("% inoltrati", "% forwarded"),
    "share_rejected": Text("% respinti", "% rejected"),
    "share_founded": Text("% fondati", "% founded"),
    "per_10000": Text("Per 10.000 abitanti", "Per 10,000 inhabitants"),
    "service": Text("Servizio", "Service"),
    "category": Text("Categoria", "Category"),
    "kind": Text("Tipo", "Kind"),
    "channel": Text("Canale", "Channel"),
    "compliance": Text("Rispetto degli standard della carta", "Service charter compliance"),
    "compliance_summary": Text(
        "Standard rispettati: {met} su {total} valutati.",
        "Standards met: {met} of {total} assessed.",
    ),
    "standard": Text("Standard", "Standard"),
    "met": Text("Rispettato", "Met"),
    "margin": Text("Margine", "Margin"),
    "share_within": Text("% entro soglia", "% within threshold"),
    "refunds_due": Text("Indennizzi dovuti", "Refunds due"),
    "reason": Text("Nota", "Note"),
    "yes": Text("sì", "yes"),
    "no": Text("no", "no"),
    "caf": Text("Autovalutazione CAF", "CAF self-assessment"),
    "caf_caption": Text(
        "Punteggi dei 9 criteri CAF (0-100)", "Scores of the 9 CAF criteria (0-100)"
    ),
    "criterion": Text("Criterio", "Criterion"),
    "points": Text("Punti", "Points"),
    "enablers": Text("Fattori abilitanti", "Enablers"),
    "results": Text("Risultati", "Results"),
    "total": Text("Totale", "Total"),
    "year": Text("Anno", "Year"),
    "month": Text("Mese", "Month"),
}


def check_lang(lang: str) -> str:
    """``lang`` if it is a report language, else ValueError."""
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}: use 'it' or 'en'")
    return lang


def tr(key: str, lang: str, **values: Any) -> str:
    """The label ``key`` in ``lang``, with ``{placeholders}`` filled; unknown keys as given.

    Examples
    --------
    >>> tr("median", "it"), tr("median", "en"), tr("not_a_label", "en")
    ('Mediana', 'Median', 'not_a_label')
    """
    text = _LABELS.get(key)
    if text is None:
        return key
    out = text.get(lang)
    return out.format(**values) if values else out


def has_label(key: str) -> bool:
    """True if ``key`` is a known label."""
    return key in _LABELS


def format_number(value: Any, lang: str = "it", digits: int | None = None) -> str:
    """A number for people: Italian ``1.234,5``, English ``1,234.5``; ``–`` when missing.

    With ``digits=None`` the number of decimals follows the magnitude (0 from
    100, 1 from 10, else 2).

    Examples
    --------
    >>> format_number(1234.567, "it"), format_number(1234.567, "en"), format_number(0.1234)
    ('1.235', '1,235', '0,12')
    >>> format_number(float("nan")), format_number(12, "en", 1)
    ('–', '12.0')
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
    text = f"{x:,.{digits}f}"
    if lang == "it":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text
