"""The report's words for the codes of result tables: statuses, trends, quadrants, targets.

Result tables carry codes (``missing_variable``, ``improving``,
``concentrate_here``, ``>= 95``); a reader gets a word or a sentence in the
report's language, never the code. The Italian texts are the msgids of the
catalogs (marked with :func:`~qualitapa.reporting._i18n.gettext_noop`).
"""

from __future__ import annotations

import re
from typing import Any

from qualitapa._vocabulary import COMPARATOR_WORDS
from qualitapa.reporting._i18n import gettext_noop as _

#: Category codes of result tables (trend, polarity, DEA status, IPA quadrant) ->
#: their word, an Italian msgid to translate with ``t(...)``; public as
#: ``qualitapa.reporting.CODE_WORDS``.
WORDS: dict[str, str] = {
    "higher_is_better": _("più alto è meglio"),
    "lower_is_better": _("più basso è meglio"),
    "neutral": _("neutro"),
    "improving": _("in miglioramento"),
    "worsening": _("in peggioramento"),
    "stable": _("stabile"),
    "increasing": _("in aumento"),
    "decreasing": _("in diminuzione"),
    "insufficient_data": _("dati insufficienti"),
    "efficient": _("efficiente"),
    "weakly_efficient": _("debolmente efficiente"),
    "inefficient": _("non efficiente"),
    "concentrate_here": _("concentrarsi qui"),
    "keep_up": _("continuare così"),
    "keep_up_the_good_work": _("continuare così"),
    "low_priority": _("bassa priorità"),
    "possible_overkill": _("possibile eccesso"),
}

_STATUS: dict[str, str] = {
    "zero_denominator": _("dato non disponibile: il denominatore della formula è zero"),
    "invalid_input": _("dato non disponibile: un dato di partenza non è valido"),
    "not_finite": _("dato non disponibile: il calcolo non dà un numero finito"),
    # complaint_indicators: a KPI over no complaint (an empty period)
    "no_complaints": _("dato non disponibile: nessun reclamo da contare nel periodo"),
}

#: Reasons of :func:`qualitapa.standards.compliance` (by their start) -> a sentence.
_REASONS: tuple[tuple[str, str], ...] = (
    ("value missing", _("dato non disponibile: manca il valore")),
    ("no delivery within", _("dato non disponibile: nessuna prestazione misurabile")),
    ("no delivery records", _("dato non disponibile: mancano i dati delle prestazioni")),
    ("no indicator values", _("dato non disponibile: mancano i valori degli indicatori")),
    ("no values", _("dato non disponibile: mancano i valori degli indicatori")),
    ("no data for its organization", _("non si applica agli enti con dati")),
    ("replaced by", _("sostituito da uno standard locale")),
)

_COMPARATORS: dict[str, str] = {**COMPARATOR_WORDS, "=": COMPARATOR_WORDS["=="]}

_TARGET = re.compile(r"\s*(>=|<=|==|=|>|<)\s*(-?[\d.]+)\s*")
_BETWEEN = re.compile(r"\s*between\s+(-?[\d.]+)\s+and\s+(-?[\d.]+)\s*")


def word(t: Any, code: Any) -> str:
    """The word of a category ``code`` in ``t``'s language; ``–`` for an unknown code."""
    msgid = WORDS.get(str(code))
    return t(msgid) if msgid is not None else "–"


def status_text(t: Any, status: str, variables: list[str]) -> str:
    """Why an indicator value is missing, as a sentence in the translator's language.

    Parameters
    ----------
    t
        A :class:`~qualitapa.i18n.Translator`.
    status
        The ``status`` of a computed value (``missing_variable``, ``zero_denominator``...).
    variables
        Labels of the formula's variables (named when the status is ``missing_variable``).

    Examples
    --------
    >>> from qualitapa.i18n import translator
    >>> status_text(translator("it"), "missing_variable", ["Addetti"])
    'dato non disponibile: manca la variabile Addetti'
    >>> status_text(translator("de"), "missing_variable", [])
    'Wert nicht verfügbar: Eine Variable der Formel fehlt'
    """
    if status == "missing_variable":
        if len(variables) == 1:
            return str(t(_("dato non disponibile: manca la variabile {variable}"),
                         variable=variables[0]))  # fmt: skip
        if variables:
            return str(t(_("dato non disponibile: manca una delle variabili {variables}"),
                         variables=", ".join(variables)))  # fmt: skip
        return str(t(_("dato non disponibile: manca una variabile della formula")))
    msgid = _STATUS.get(status, _("dato non disponibile"))
    return str(t(msgid))


def reason_text(t: Any, reason: Any) -> str:
    """A compliance ``reason`` as a sentence; empty when there is none."""
    text = "" if reason is None else str(reason).strip()
    if not text or text == "nan":
        return ""
    for start, msgid in _REASONS:
        if text.startswith(start):
            return str(t(msgid))
    return str(t(_("dato non disponibile")))


def comparison_text(t: Any, comparator: str, value: str, upper: str | None = None) -> str:
    """``almeno 1,5``, ``al massimo 10 minuti``, ``tra 5 e 10``: values already formatted."""
    if comparator == "between":
        return str(t(_("tra {low} e {high}"), low=value, high=upper or ""))
    return str(t(_COMPARATORS.get(comparator, _("pari a {value}")), value=value))


def parse_target(text: Any) -> tuple[str, float, float | None] | None:
    """``(comparator, value, upper)`` of a target written ``>= 95`` or ``between 5 and 10``."""
    raw = "" if text is None else str(text)
    if m := _TARGET.fullmatch(raw):
        return m[1], float(m[2]), None
    if m := _BETWEEN.fullmatch(raw):
        return "between", float(m[1]), float(m[2])
    return None
