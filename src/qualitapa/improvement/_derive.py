"""Candidate improvement actions derived from a CAF, a compliance check, a survey, a benchmark.

Each ``actions_from_*`` function returns an action table
(:data:`~qualitapa.improvement.ACTION_COLUMNS`) with status ``proposed``,
ready to be edited (owner, due date, effort) and loaded with
:meth:`~qualitapa.improvement.ImprovementPlan.from_frame`. Impact and
urgency are suggested by documented rules; effort is unknown until someone
looks at the action and defaults to 3.

Titles, expected effects and evidence come in Italian (``title``,
``expected_effect``, ``evidence``), English (``title_en``...) and German
(``title_de``...), numbers in each language's locale: the reader's language
is picked by :func:`~qualitapa.improvement.action_texts`. What is data stays
as written (the CAF assessors' areas for improvement, in each language's
evidence); :func:`actions_from_complaints` writes its Italian columns in
its ``lang``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from qualitapa.errors import DataError, Message
from qualitapa.i18n import N_, Translator, translator, unit
from qualitapa.improvement._plan import ACTION_COLUMNS, TRANSLATED_COLUMNS, prioritise
from qualitapa.io import require_columns
from qualitapa.models import Text

if TYPE_CHECKING:
    from qualitapa.catalog import Catalog


def _it() -> Translator:
    """Italian formatting: the texts of derived actions are Italian data, not messages."""
    return translator("it")


_TARGET = re.compile(r"\s*(<=|>=|<|>|=|==)?\s*([-+]?\d+(?:\.\d+)?)\s*")


def _decimals(value: float, significant: int) -> int:
    """The decimals ``value`` needs to be shown with ``significant`` figures, like ``%g``
    (trailing zeros dropped; whole numbers of any size keep all their digits)."""
    if not math.isfinite(value) or value == 0:
        return 0
    most = max(0, significant - 1 - math.floor(math.log10(abs(value))))
    text = f"{value:.{most}f}"
    return len(text.rstrip("0").partition(".")[2]) if "." in text else 0


def _number(value: float, significant: int = 3, unit: str = "", t: Translator | None = None) -> str:
    """``value`` in ``t``'s locale (Italian: decimal comma) with ``significant`` figures,
    and its unit in that language if any."""
    t = t or _it()
    digits = _decimals(float(value), significant)
    if unit:
        return t.quantity(float(value), unit, digits=digits)
    return t.number(float(value), digits=digits)


def _percent(value: float, significant: int, t: Translator) -> str:
    """``value`` (in percent: 45 for 45%) in ``t``'s locale with ``significant`` figures."""
    return t.percent(float(value) / 100, digits=_decimals(float(value), significant))


def _target(text: str, unit: str = "", t: Translator | None = None) -> str:
    """A target as ``<= 10`` in ``t``'s locale (``<= 0,5 giorni``); unparsed text as is."""
    match = _TARGET.fullmatch(text)
    if match is None:
        return text.strip()
    op, value = match.group(1) or "", float(match.group(2))
    return f"{op} {_number(value, 6, unit, t)}".strip()


def _label(catalog: Catalog | None, kind: str, ident: str, lang: str = "it") -> str:
    """The name in ``lang`` of an indicator, standard or survey index; its id without a
    catalog."""
    base, _, dimension = ident.partition(":")
    if catalog is None:
        return ident
    t = translator(lang)
    if kind == "indicator" and base in catalog.indicators:
        return t.text(catalog.indicators[base].label)
    if kind == "standard" and base in catalog.standards:
        return t.text(catalog.standards[base].label)
    if kind == "survey_index" and base in catalog.instruments:
        instrument = catalog.instruments[base]
        dims = {d.id: d.label for d in instrument.dimensions}
        name = t.text(instrument.label)
        return f"{name}: {t.text(dims[dimension])}" if dimension in dims else name
    return ident


#: The titles of the derived actions in Italian, English and German; ``{item}`` is the
#: name of what the action is about, in the same language.
#: A CAF sub-criterion is a "Teilkriterium" in German, as in the rest of qualitapa's German
#: (table headers, the CAF pages: "Kriterien und Teilkriterien"). The official German CAF
#: 2020 (KDZ; KGSt: "9 Themenfelder und 28 Kriterien") calls the criteria "Themenfelder" and
#: the sub-criteria "Kriterien": switching is a change of the whole German vocabulary.
_CAF_LOW = Text(
    "Migliorare il sottocriterio {item}", "Improve sub-criterion {item}",
    "Teilkriterium {item} verbessern",
)  # fmt: skip
_CAF_DISPUTED = Text(
    "Chiarire le evidenze del sottocriterio {item}",
    "Clarify the evidence of sub-criterion {item}",
    "Die Nachweise zu Teilkriterium {item} klären",
)
#: The expected effect of a CAF action: a score past the threshold, or evidence the
#: assessors share.
_CAF_PAST = Text("punteggio CAF oltre {score}", "CAF score above {score}",
                 "CAF-Punktzahl über {score}")  # fmt: skip
_CAF_AGREED = Text(
    "evidenze condivise dai valutatori",
    "evidence the assessors agree on",
    "Nachweise, über die sich die Bewertenden einig sind",
)
#: The assessors' areas for improvement (their own words, as written) in the evidence.
_CAF_AREAS = Text("{evidence}. Aree di miglioramento: {areas}",
                  "{evidence}. Areas for improvement: {areas}",
                  "{evidence}. Verbesserungsbereiche: {areas}")  # fmt: skip
_STANDARD = Text(
    "Rispettare lo standard: {item}", "Meet the standard: {item}", "Den Standard einhalten: {item}"
)
_SURVEY = Text(
    "Migliorare la dimensione '{item}' del gradimento",
    "Improve the satisfaction dimension '{item}'",
    "Die Zufriedenheitsdimension „{item}“ verbessern",
)
_BENCHMARK = Text(
    "Ridurre il divario sull'indicatore '{item}'",
    "Close the gap on the indicator '{item}'",
    "Den Abstand beim Indikator „{item}“ verringern",
)
_EXPECTED = Text(
    "Raggiungere il risultato atteso su {item}",
    "Reach the expected result on {item}",
    "Das erwartete Ergebnis bei {item} erreichen",
)
#: The expected effect and the evidence of the derived actions (``{...}``: filled in the
#: same language, numbers in its locale).
_TARGET_EFFECT = Text("obiettivo {target}", "target {target}", "Zielwert {target}")
_CAF_SCORE = Text("punteggio CAF {score}", "CAF score {score}", "CAF-Punktzahl {score}")
_CAF_DISAGREE = Text(
    "{evidence}, i valutatori non concordano",
    "{evidence}, the assessors disagree",
    "{evidence}, die Bewertenden sind sich nicht einig",
)
_MARGIN = Text("{period}: scarto {margin}", "{period}: margin {margin}",
               "{period}: Abweichung {margin}")  # fmt: skip
#: A specific standard's evidence: the share of deliveries within its limit and the share
#: promised (its margin is the difference of the two shares, not in the standard's unit).
_WITHIN = Text(
    "{period}: {share} entro {limit} (richiesto {required})",
    "{period}: {share} within {limit} ({required} required)",
    "{period}: {share} innerhalb von {limit} (gefordert: {required})",
)
_SHARE_MET = Text(
    "{period}: {share} dei casi {target} (richiesto {required})",
    "{period}: {share} of cases {target} ({required} required)",
    "{period}: {share} der Fälle {target} (gefordert: {required})",
)
#: The margin of a general standard in percent is in percentage points.
_POINTS = Text("{value} punti percentuali", "{value} percentage points", "{value} Prozentpunkte")
_REFUNDS = Text("{evidence}, rimborsi {amount}", "{evidence}, refunds {amount}",
                "{evidence}, Erstattungen {amount}")  # fmt: skip
_INDEX = Text("indice", "index", "Index")
_BELOW = Text("{measure} {value} (soglia {threshold})", "{measure} {value} (threshold {threshold})",
              "{measure} {value} (Schwelle {threshold})")  # fmt: skip
_GAP_PERCENT = Text(
    "distanza dalla mediana {gap} (soglia 0)",
    "gap to the median {gap} (threshold 0)",
    "Abstand zum Median {gap} (Schwelle 0)",
)
_MEDIAN = Text("valore {value}, mediana {median}", "value {value}, median {median}",
               "Wert {value}, Median {median}")  # fmt: skip
_MEDIAN_GAP = Text(
    "{evidence} (divario dalla mediana: {gap})",
    "{evidence} (gap to the median: {gap})",
    "{evidence} (Abstand zum Median: {gap})",
)
_OBTAINED = Text(
    "{period}: ottenuto {obtained}, scarto {gap}",
    "{period}: obtained {obtained}, gap {gap}",
    "{period}: erreicht {obtained}, Abweichung {gap}",
)


def texts_in_languages(
    column: str, make: Callable[[Translator], Sequence[str]]
) -> dict[str, list[str]]:
    """``column`` of an action table (Italian) and its English and German columns
    (:data:`~qualitapa.improvement.TRANSLATED_COLUMNS`): ``make(t)`` with each language's
    translator ``t``.

    For action tables built outside this module (a plugin's, the certification
    audits') in the three languages, numbers in each locale.

    Parameters
    ----------
    column
        ``title``, ``expected_effect`` or ``evidence``.
    make
        The column's texts, one per action, in ``t``'s language.

    Returns
    -------
    dict
        Column name -> texts, ready to be spread into an action table's columns.

    Examples
    --------
    >>> texts_in_languages("evidence", lambda t: [t.number(0.5, digits=1)])
    {'evidence': ['0,5'], 'evidence_en': ['0.5'], 'evidence_de': ['0,5']}
    """
    twins = TRANSLATED_COLUMNS[column]
    return {column: list(make(_it())),
            **{twin: list(make(translator(lang))) for lang, twin in twins.items()}}  # fmt: skip


def _titles(
    template: Text | Sequence[Text], names: Callable[[str], Sequence[str]]
) -> dict[str, list[str]]:
    """The ``title``, ``title_en`` and ``title_de`` columns: ``template`` (one, or one per
    row) filled with each row's name in that language (``names(lang)``)."""

    def make(t: Translator) -> list[str]:
        shown = names(t.lang)
        forms = [template] * len(shown) if isinstance(template, Text) else template
        return [t.text(f).format(item=name) for f, name in zip(forms, shown, strict=True)]

    return texts_in_languages("title", make)


def _impact_from_gap(gap: np.ndarray) -> np.ndarray:
    """1 + floor(gap / 20), within 1-5: one step per CAF band (20 points) below 100."""
    return np.clip(1 + np.floor(np.nan_to_num(gap, nan=0.0) / 20.0), 1, 5).astype(int)


def _text_column(frame: pd.DataFrame, column: str) -> np.ndarray:
    """``column`` as text, blank where missing or where the table has no such column."""
    if column not in frame.columns:
        return np.full(len(frame), "", dtype=object)
    values = frame[column]
    if pd.api.types.is_float_dtype(values) and (values.dropna() % 1 == 0).all():
        values = values.astype("Int64")  # a year read as 2024.0 (a blank elsewhere): 2024
    # not fillna(""): pandas refuses "" as a new category of a categorical column
    text = values.astype(str).to_numpy(dtype=object)
    text[values.isna().to_numpy()] = ""
    return text


def _table(data: dict[str, object], n: int) -> pd.DataFrame:
    frame = pd.DataFrame({c: data.get(c, [""] * n) for c in ACTION_COLUMNS if c != "priority"})
    frame["priority"] = 0.0
    frame["due"] = None
    return prioritise(frame[ACTION_COLUMNS])


def actions_from_caf(
    consolidated: pd.DataFrame,
    *,
    max_score: float = 50.0,
    include_disagreement: bool = True,
    urgency_enablers: int = 4,
    urgency_results: int = 3,
    effort: int = 3,
    organization: str = "",
) -> pd.DataFrame:
    """Candidate actions for weak or disputed CAF sub-criteria.

    Parameters
    ----------
    consolidated
        The output of :func:`qualitapa.caf.consolidate`.
    max_score
        Sub-criteria whose ``final_score`` is at most this get an action
        (50: not yet past the DO phase / flat results).
    include_disagreement
        Also propose an action (to clarify the evidence) where the assessors
        disagree and no consensus was entered.
    urgency_enablers, urgency_results
        Urgency of actions on enablers (causes: acting on them moves the
        results) and on results.
    effort, organization
        Filled into every action.

    Returns
    -------
    DataFrame
        Action table; ``impact = 1 + floor((100 - score) / 20)`` within
        1-5 (one point per CAF band below the top), ``reference`` is the
        sub-criterion, ``expected_effect`` a score above ``max_score`` (or,
        for a disputed one, evidence the assessors agree on), ``evidence`` the
        score and the assessors' areas for improvement (as they wrote them),
        in Italian, English and German.

    Examples
    --------
    >>> import pandas as pd
    >>> from qualitapa.caf import consolidate
    >>> t = pd.DataFrame({"assessor": ["a", "b"], "subcriterion": ["3.2", "3.2"],
    ...                   "score": [20, 30], "improvements": ["no training plan", ""]})
    >>> acts = actions_from_caf(consolidate(t, require_complete=False))
    >>> acts[["id", "reference", "impact", "urgency", "priority"]]  # doctest: +NORMALIZE_WHITESPACE
            id reference  impact  urgency  priority
    0  caf-3.2       3.2       4        4  5.333333
    >>> acts.loc[0, "expected_effect_en"], acts.loc[0, "evidence_en"]
    ('CAF score above 50', 'CAF score 25.0. Areas for improvement: no training plan')
    """
    require_columns(consolidated, ["subcriterion", "final_score", "kind"])
    c = consolidated
    score = c["final_score"].to_numpy(dtype=float)
    low = ~np.isnan(score) & (score <= max_score)
    disputed = (
        c["needs_discussion"].to_numpy(dtype=bool)
        if include_disagreement and "needs_discussion" in c.columns
        else np.zeros(len(c), dtype=bool)
    )
    pick = low | disputed
    sel = c.loc[pick]
    sub = sel["subcriterion"].astype(str).to_numpy(dtype=object)
    sel_score = score[pick]
    is_enabler = sel["kind"].to_numpy(dtype=object) == "enablers"
    low_sel = low[pick]
    improvements = _text_column(sel, "improvements")
    n = len(sel)
    return _table(
        {
            "id": np.char.add("caf-", sub.astype(str)).astype(object),
            **_caf_titles(sub, low_sel),
            "source": ["caf"] * n,
            "reference": sub,
            "organization": [organization] * n,
            "owner": [""] * n,
            **texts_in_languages(
                "expected_effect",
                lambda t: [
                    t.text(_CAF_PAST).format(score=_number(max_score, 6, t=t))
                    if is_low
                    else t.text(_CAF_AGREED)
                    for is_low in low_sel
                ],
            ),
            "impact": np.where(low_sel, _impact_from_gap(100 - sel_score), 2),
            "urgency": np.where(is_enabler, urgency_enablers, urgency_results),
            "effort": [effort] * n,
            "status": ["proposed"] * n,
            **_caf_evidence(sel_score, low_sel, improvements),
        },
        n,
    )


def _caf_titles(sub: np.ndarray, low: np.ndarray) -> dict[str, list[str]]:
    """Action titles (it, en, de): improve a low sub-criterion, or clarify disputed evidence."""
    from qualitapa.caf import caf_model

    titles = {s.id: s.title for s in caf_model().subcriteria}

    def names(lang: str) -> list[str]:
        # the sub-criterion's title in each language's quotes: "Teilkriterium 3.2 „…“ verbessern"
        quoted = {"it": "«{}»", "en": "“{}”", "de": "„{}“"}.get(lang, "“{}”")
        return [f"{s} {quoted.format(titles[s].get(lang))}" if s in titles else str(s) for s in sub]

    return _titles([_CAF_LOW if is_low else _CAF_DISPUTED for is_low in low], names)


def _caf_evidence(score: np.ndarray, low: np.ndarray, areas: np.ndarray) -> dict[str, list[str]]:
    """The evidence of each action (it, en, de): the score, whether the assessors
    disagree, and the areas for improvement they wrote (as written)."""

    def make(t: Translator) -> list[str]:
        said = [t.text(_CAF_SCORE).format(score=t.number(v, digits=1)) for v in score]
        said = [e if is_low else t.text(_CAF_DISAGREE).format(evidence=e)
                for e, is_low in zip(said, low, strict=True)]  # fmt: skip
        return [t.text(_CAF_AREAS).format(evidence=e, areas=a) if a else e
                for e, a in zip(said, areas, strict=True)]  # fmt: skip

    return texts_in_languages("evidence", make)


def actions_from_compliance(
    compliance_table: pd.DataFrame,
    *,
    effort: int = 3,
    catalog: Catalog | None = None,
) -> pd.DataFrame:
    """Candidate actions for standards not met.

    One action per standard and organization where ``met`` is False
    (missing measurements are not actions: report them to the data owner).

    Rules: ``impact`` 5 when refunds were paid (citizens were harmed and it
    costs money), else 4; ``urgency`` 5 for specific standards (a promise
    to each citizen), 4 for general ones.

    The texts are in Italian, English and German (``title_en``,
    ``expected_effect_de``...), numbers in each locale: the title names the
    standard by its label in ``catalog`` (its id without one; the id is in
    ``reference``), ``expected_effect`` is the target with its unit,
    ``evidence`` the period, how far from the target and the refunds paid: for
    a specific standard the share of deliveries within its limit and the share
    required (its ``margin`` is their difference, not in the standard's unit),
    for a general one the margin in the standard's unit (percentage points for
    a percent).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"standard": ["r.wait", "r.online"], "organization": ["mo", "mo"],
    ...                   "period": ["2024", "2024"], "scope": ["specific", "general"],
    ...                   "met": [False, True], "margin": [-0.05, 2.0],
    ...                   "target": ["<= 20", ">= 60"], "unit": ["minutes", "%"],
    ...                   "share_within": [0.85, None],
    ...                   "required_share": [0.9, None], "refund_amount": [14.0, 0.0]})
    >>> cols = ["id", "impact", "urgency", "priority"]
    >>> acts = actions_from_compliance(t)
    >>> acts[cols]  # doctest: +NORMALIZE_WHITESPACE
                    id  impact  urgency  priority
    0  std-r.wait-mo       5        5  8.333333
    >>> acts.loc[0, "expected_effect"], acts.loc[0, "evidence"]
    ('obiettivo <= 20 minuti', '2024: 85,0% entro 20 minuti (richiesto 90%), rimborsi 14,00\\xa0€')
    >>> acts.loc[0, "evidence_en"]
    '2024: 85.0% within 20 minutes (90% required), refunds €14.00'
    """
    require_columns(compliance_table, ["standard", "scope", "met", "margin", "target"])
    t = compliance_table
    missed = (t["met"] == False).fillna(False).to_numpy(dtype=bool)  # noqa: E712 - NA-aware
    sel = t.loc[missed]
    n = len(sel)
    std = sel["standard"].astype(str).to_numpy(dtype=object)
    org = _text_column(sel, "organization")
    period = _text_column(sel, "period")
    refund = (
        sel["refund_amount"].fillna(0).to_numpy(dtype=float)
        if "refund_amount" in sel.columns
        else np.zeros(n)
    )
    ids = [f"std-{s}" + (f"-{o}" if o else "") for s, o in zip(std, org, strict=True)]
    frame = _table(
        {
            "id": ids,
            **_titles(_STANDARD, lambda lang: [_label(catalog, "standard", s, lang) for s in std]),
            "source": ["standard"] * n,
            "reference": std,
            "organization": org,
            **texts_in_languages(
                "expected_effect",
                lambda t: [
                    t.text(_TARGET_EFFECT).format(target=_target(t_, u, t))
                    for t_, u in zip(
                        sel["target"].astype(str), _text_column(sel, "unit"), strict=True
                    )
                ],
            ),
            "impact": np.where(refund > 0, 5, 4),
            "urgency": np.where(sel["scope"].to_numpy(dtype=object) == "specific", 5, 4),
            "effort": [effort] * n,
            "status": ["proposed"] * n,
            **_compliance_evidence(sel, period, refund),
        },
        n,
    )
    return frame.drop_duplicates("id", keep="first").reset_index(drop=True)


def _float_column(frame: pd.DataFrame, column: str) -> np.ndarray:
    """``column`` as floats, NaN where missing or where the table has no such column."""
    if column not in frame.columns:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)


def _share_digits(share: float, required: float) -> int:
    """The decimals (of a percent) that show ``share`` apart from ``required``: 89,98%, not
    90% beside a required 90% (at most 4)."""
    digits = 1
    while (
        digits < 4
        and share != required
        and (round(share * 100, digits) == round(required * 100, digits))
    ):
        digits += 1
    return digits


def _compliance_evidence(
    sel: pd.DataFrame, period: np.ndarray, refund: np.ndarray
) -> dict[str, list[str]]:
    """The evidence of standards not met (it, en, de), each margin in its own unit.

    A specific standard says the share of deliveries within its limit and the
    share required (``2024: 89,98% entro 10 minuti (richiesto 90%)``); a general
    one its margin in the standard's unit (percentage points for a percent).
    """
    specific = sel["scope"].to_numpy(dtype=object) == "specific"
    margin = sel["margin"].to_numpy(dtype=float)
    share = _float_column(sel, "share_within")
    required = _float_column(sel, "required_share")
    targets = sel["target"].astype(str).to_numpy(dtype=object)
    units = _text_column(sel, "unit")

    def general(m: float, u: str, t: Translator) -> str:
        if u and unit(u).style == "percent":
            return t.text(_POINTS).format(value=_number(m, t=t))
        return _number(m, unit=u, t=t)

    def one(i: int, t: Translator) -> str:
        p, u = period[i], units[i]
        if specific[i] and np.isfinite(share[i]) and np.isfinite(required[i]):
            digits = _share_digits(share[i], required[i])
            needed = t.percent(required[i], digits=_decimals(required[i] * 100, 6))
            said = {"period": p, "share": t.percent(share[i], digits=digits), "required": needed}
            match = _TARGET.fullmatch(targets[i])
            if match is not None and match.group(1) in ("<=", "<"):
                limit = _number(float(match.group(2)), 6, u, t)
                text = t.text(_WITHIN).format(limit=limit, **said)
            else:
                text = t.text(_SHARE_MET).format(target=_target(targets[i], u, t), **said)
        elif specific[i]:  # an older table without the shares: the margin is a share
            value = t.text(_POINTS).format(value=_number(margin[i] * 100, t=t))
            text = t.text(_MARGIN).format(period=p, margin=value)
        else:
            text = t.text(_MARGIN).format(period=p, margin=general(margin[i], u, t))
        return _refunds(text, refund[i], t)

    return texts_in_languages("evidence", lambda t: [one(i, t) for i in range(len(sel))])


def _refunds(evidence: str, amount: float, t: Translator) -> str:
    """``evidence`` and the refunds paid, if any, in ``t``'s language."""
    return (
        t.text(_REFUNDS).format(evidence=evidence, amount=t.currency(amount))
        if amount
        else evidence
    )


def _low_scores(
    frame: pd.DataFrame,
    *,
    source: str,
    item_column: str,
    score_column: str,
    threshold: float,
    higher_is_better: bool,
    scale: float,
    urgency: int,
    effort: int,
    title: Text,
    measure: Text,
    labels: Callable[[str], np.ndarray] | None = None,
) -> pd.DataFrame:
    """Actions for the rows of ``frame`` on the wrong side of ``threshold``.

    ``title`` has an ``{item}`` field (the label in each language from
    ``labels(lang)``, else the item's id); ``evidence`` says ``measure``, the
    score and the threshold in each language.
    """
    require_columns(frame, [item_column, score_column])
    score = frame[score_column].to_numpy(dtype=float)
    bad = ~np.isnan(score) & ((score < threshold) if higher_is_better else (score > threshold))
    sel = frame.loc[bad]
    n = len(sel)
    items = sel[item_column].astype(str).to_numpy(dtype=object)

    def names(lang: str) -> list[str]:
        if labels is None:
            return list(items)
        own = labels(lang)[bad]
        return list(np.where(own != "", own, items))

    org = _text_column(sel, "organization")
    gap = np.abs(score[bad] - threshold) / scale * 100
    return _table(
        {
            "id": [
                f"{source}-{i}" + (f"-{o}" if o else "") for i, o in zip(items, org, strict=True)
            ],
            **_titles(title, names),
            "source": [source] * n,
            "reference": items,
            "organization": org,
            "impact": _impact_from_gap(gap),
            "urgency": [urgency] * n,
            "effort": [effort] * n,
            "status": ["proposed"] * n,
            **texts_in_languages(
                "evidence",
                lambda t: [
                    t.text(_BELOW).format(
                        measure=t.text(measure),
                        value=_number(v, t=t),
                        threshold=_number(threshold, 6, t=t),
                    )
                    for v in score[bad]
                ],
            ),
        },
        n,
    )


def actions_from_survey(
    dimension_scores: pd.DataFrame,
    *,
    dimension_column: str = "dimension",
    score_column: str = "index",
    threshold: float = 60.0,
    scale: float = 100.0,
    urgency: int = 3,
    effort: int = 3,
) -> pd.DataFrame:
    """Candidate actions for survey dimensions scoring below ``threshold``.

    ``dimension_scores`` has one row per dimension (and optionally
    ``organization``), e.g. the satisfaction indices (0-100) of the surveys
    module. ``impact = 1 + floor(gap / 20)`` within 1-5, with ``gap`` the
    shortfall in points of a 0-100 scale (``scale`` converts other scales).
    The title names the dimension by its ``label`` column where the table
    has one (the surveys module's tables do), else by its id; the English and
    German titles by ``label_en`` and ``label_de`` where the table has them,
    else by ``label``. ``evidence`` is the index and the threshold, in each
    language (``evidence_en``, ``evidence_de``; Italian: decimal comma).

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"dimension": ["waiting", "courtesy"], "index": [48.5, 81.0],
    ...                   "label": ["Tempi di attesa", "Cortesia"]})
    >>> acts = actions_from_survey(s)
    >>> acts[["id", "impact"]]
                   id  impact
    0  survey-waiting       1
    >>> acts.loc[0, "title"], acts.loc[0, "evidence"]
    ("Migliorare la dimensione 'Tempi di attesa' del gradimento", 'indice 48,5 (soglia 60)')
    >>> acts.loc[0, "title_en"]
    "Improve the satisfaction dimension 'Tempi di attesa'"
    """
    return _low_scores(
        dimension_scores,
        source="survey",
        item_column=dimension_column,
        score_column=score_column,
        threshold=threshold,
        higher_is_better=True,
        scale=scale,
        urgency=urgency,
        effort=effort,
        title=_SURVEY,
        measure=_INDEX,
        labels=lambda lang: _dimension_labels(dimension_scores, lang),
    )


def _dimension_labels(frame: pd.DataFrame, lang: str) -> np.ndarray:
    """The dimensions' names in ``lang``: ``label_<lang>`` where given, else ``label``."""
    own = _text_column(frame, f"label_{lang}") if lang != "it" else None
    base = _text_column(frame, "label")
    return base if own is None else np.where(own != "", own, base)


def _polarity_signs(
    frame: pd.DataFrame, indicator_column: str, catalog: Catalog | None
) -> np.ndarray:
    """+1/-1 per row (higher/lower is better) from a ``polarity`` column or the catalog.

    NaN where neither says.
    """
    from qualitapa.models import Polarity

    signs = {p.value: float(p.sign) for p in Polarity}
    if "polarity" in frame.columns:
        words = frame["polarity"].astype("string").str.strip().str.lower()
        return words.map(signs).astype(float).to_numpy(dtype=float)
    ids = frame[indicator_column].astype(str)
    known = {} if catalog is None else catalog.indicators
    return np.array(
        [float(known[i].polarity.sign) if i in known else np.nan for i in ids], dtype=float
    )


def _relative_gaps(
    frame: pd.DataFrame, gap: np.ndarray, indicator_column: str, catalog: Catalog | None
) -> tuple[np.ndarray, np.ndarray]:
    """``(median, percent)``: the peers' median in the indicator's unit and the gap in
    percent of it (NaN where the median is 0), from a gap in the indicator's unit."""
    require_columns(frame, ["value"])
    value = pd.to_numeric(frame["value"], errors="coerce").to_numpy(dtype=float)
    sign = _polarity_signs(frame, indicator_column, catalog)
    unknown = ~np.isnan(gap) & ~np.isin(sign, (1.0, -1.0))
    if unknown.any():
        missing = sorted(set(frame[indicator_column].astype(str).to_numpy()[unknown]))
        raise DataError(
            Message(
                "the polarity of {names} is unknown, so the gap to the median cannot be read: "
                "install the plugin that defines them, or add a 'polarity' column "
                "(higher_is_better or lower_is_better)",
                N_(
                    "la polarità di {names} non è nota, quindi la distanza dalla mediana non si "
                    "può leggere: installare il plugin che li definisce o aggiungere una colonna "
                    "'polarity' (higher_is_better o lower_is_better)"
                ),
                names=", ".join(missing[:5]) + (" ..." if len(missing) > 5 else ""),
            ),
            column=indicator_column,
        )
    # benchmark: score = value * sign and gap = score - median score (indicators/_benchmark.py),
    # so median = (score - gap) * sign = value - gap * sign
    median = value - gap * np.nan_to_num(sign)
    with np.errstate(divide="ignore", invalid="ignore"):
        percent = np.where(median != 0, 100.0 * np.abs(gap) / np.abs(median), np.nan)
    return median, percent


def actions_from_benchmark(
    gaps: pd.DataFrame,
    *,
    indicator_column: str = "indicator",
    gap_column: str = "gap_to_median",
    gap_unit: str = "indicator",
    urgency: int = 2,
    effort: int = 3,
    catalog: Catalog | None = None,
) -> pd.DataFrame:
    """Candidate actions for indicators where an organization is worse than its peers.

    ``gaps`` has ``indicator``, optionally ``organization``, and a signed
    gap oriented by polarity (negative = worse than the peers' median). Rows
    with a negative gap get an action; ``impact = 1 + floor(p / 20)`` within
    1-5, ``p`` the gap in percent of the median (3 when the median is 0).

    Parameters
    ----------
    gaps
        The table of :func:`qualitapa.indicators.benchmark` (or the same columns).
    gap_unit
        ``"indicator"`` (default): the gap is in the indicator's unit, as
        :func:`~qualitapa.indicators.benchmark` gives ``gap_to_median``
        (``score - median``); the table needs ``value`` and the polarity of each
        indicator (a ``polarity`` column, or ``catalog``), and the percent is
        ``100 * |gap| / |median|`` with ``median = value - gap * sign``.
        ``"percent"``: the gap is already in percent of the median.
    catalog
        Names each indicator by its Italian label (its id without one; the id
        is in ``reference``) and gives its polarity.

    ``evidence`` says the value, the median and the gap, in each language
    (``evidence_en``, ``evidence_de``; Italian: decimal comma).

    Raises
    ------
    ValueError
        An unknown ``gap_unit``.
    qualitapa.errors.DataError
        A gap in the indicator's unit whose polarity is unknown (no
        ``polarity`` column, and ``catalog`` does not define the indicator).

    Examples
    --------
    >>> import pandas as pd
    >>> g = pd.DataFrame({"indicator": ["loans", "cost"], "organization": ["mo", "mo"],
    ...                   "polarity": ["higher_is_better", "lower_is_better"],
    ...                   "value": [2.2, 90.0], "gap_to_median": [-1.8, 10.0]})
    >>> acts = actions_from_benchmark(g)  # loans: median 2.2 + 1.8 = 4; 1.8 / 4 = 45%
    >>> acts[["id", "impact", "urgency"]]  # doctest: +NORMALIZE_WHITESPACE
                      id  impact  urgency
    0  benchmark-loans-mo       3        2
    >>> acts.loc[0, "evidence"]
    'valore 2,2, mediana 4 (divario dalla mediana: 45%)'
    >>> actions_from_benchmark(g[["indicator", "gap_to_median"]].assign(gap_to_median=[-45.0, 1]),
    ...                        gap_unit="percent").loc[0, "evidence"]
    'distanza dalla mediana -45% (soglia 0)'
    """
    if gap_unit not in ("indicator", "percent"):
        raise ValueError(f"gap_unit must be 'indicator' or 'percent', not {gap_unit!r}")
    require_columns(gaps, [indicator_column, gap_column])
    gap = pd.to_numeric(gaps[gap_column], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isnan(gap) & (gap < 0)
    sel = gaps.loc[bad]
    n = len(sel)
    items = sel[indicator_column].astype(str).to_numpy(dtype=object)
    if gap_unit == "percent":
        percent = np.abs(gap[bad])
        evidence = texts_in_languages("evidence", lambda t: [
            t.text(_GAP_PERCENT).format(gap=_percent(g_, 3, t)) for g_ in gap[bad]
        ])  # fmt: skip
    else:
        median, percent = _relative_gaps(sel, gap[bad], indicator_column, catalog)
        value = pd.to_numeric(sel["value"], errors="coerce").to_numpy(dtype=float)
        known = {} if catalog is None else catalog.indicators
        units = [known[i].unit if i in known else "" for i in items]
        evidence = texts_in_languages("evidence", lambda t: [
            _median_gap(t.text(_MEDIAN).format(value=_number(v, 3, u, t),
                                               median=_number(m, 3, u, t)), p, t)
            for v, m, p, u in zip(value, median, percent, units, strict=True)
        ])  # fmt: skip
    org = _text_column(sel, "organization")
    impact = np.where(np.isnan(percent), 3, _impact_from_gap(percent))
    return _table(
        {
            "id": [
                f"benchmark-{i}" + (f"-{o}" if o else "") for i, o in zip(items, org, strict=True)
            ],
            **_titles(
                _BENCHMARK, lambda lang: [_label(catalog, "indicator", i, lang) for i in items]
            ),
            "source": ["benchmark"] * n,
            "reference": items,
            "organization": org,
            "impact": impact.astype(int),
            "urgency": [urgency] * n,
            "effort": [effort] * n,
            "status": ["proposed"] * n,
            **evidence,
        },
        n,
    )


def _median_gap(evidence: str, percent: float, t: Translator) -> str:
    """``evidence`` and the gap in percent of the median where it is known."""
    if not np.isfinite(percent):
        return evidence
    return t.text(_MEDIAN_GAP).format(evidence=evidence, gap=_percent(percent, 2, t))


def actions_from_expected(
    expected: pd.DataFrame,
    *,
    urgency: int = 4,
    effort: int = 3,
    catalog: Catalog | None = None,
) -> pd.DataFrame:
    """Candidate actions for the expected results of the quality plan not obtained.

    One action per row of :func:`qualitapa.programme.expected_vs_obtained`
    whose ``outcome`` is ``not_met`` (``no_data`` is not an action: ask the
    data owner for the measurement), linked to its ``department`` and
    ``activity``. ``impact = 1 + floor(shortfall / 20)`` within 1-5, the
    shortfall in percent of the expected value (``100 * |gap| / |expected|``;
    3 when the expected value is 0). The title names the indicator, standard
    or survey index by its Italian label in ``catalog`` (its id without one;
    the id is in ``reference``); ``expected_effect`` and ``evidence`` are
    in each language (``_en``, ``_de`` columns; Italian: decimal comma), units
    in words.

    Examples
    --------
    >>> import pandas as pd
    >>> e = pd.DataFrame({"organization": "mo", "year": "2024", "activity": ["a1", "a2"],
    ...     "department": "demo", "expected_kind": "indicator",
    ...     "expected_id": ["registry.average_wait", "registry.online_share"],
    ...     "period": "2024", "operator": ["<=", ">="], "expected": [10.0, 50.0],
    ...     "obtained": [14.0, 55.0], "unit": ["minutes", "%"], "outcome": ["not_met", "met"],
    ...     "gap": [-4.0, 5.0]})
    >>> acts = actions_from_expected(e)
    >>> acts[["id", "department", "activity", "impact"]]
               id department activity  impact
    0  prog-a1-mo       demo       a1       3
    >>> acts.loc[0, "expected_effect"], acts.loc[0, "evidence"]
    ('obiettivo <= 10 minuti', '2024: ottenuto 14 minuti, scarto -4 minuti')
    """
    require_columns(
        expected,
        ["organization", "activity", "department", "expected_id", "operator", "expected",
         "obtained", "outcome", "gap"],
    )  # fmt: skip
    sel = expected.loc[expected["outcome"].eq("not_met").to_numpy()]
    n = len(sel)
    act = sel["activity"].astype(str).to_numpy(dtype=object)
    org = _text_column(sel, "organization")
    gap = sel["gap"].to_numpy(dtype=float)
    target = sel["expected"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        shortfall = np.where(target != 0, 100 * np.abs(gap) / np.abs(target), 40.0)
    unit = _text_column(sel, "unit")
    op = _text_column(sel, "operator")
    ids = _text_column(sel, "expected_id")
    kinds = _text_column(sel, "expected_kind")
    period = _text_column(sel, "period")
    return _table(
        {
            "id": [f"prog-{a}" + (f"-{o}" if o else "") for a, o in zip(act, org, strict=True)],
            **_titles(
                _EXPECTED,
                lambda lang: [_label(catalog, k, i, lang) for k, i in zip(kinds, ids, strict=True)],
            ),
            "source": ["programme"] * n,
            "reference": ids,
            "organization": org,
            **texts_in_languages(
                "expected_effect",
                lambda t: [
                    t.text(_TARGET_EFFECT).format(target=f"{o} {_number(x, 6, u, t)}".strip())
                    for o, x, u in zip(op, target, unit, strict=True)
                ],
            ),
            "impact": _impact_from_gap(shortfall),
            "urgency": [urgency] * n,
            "effort": [effort] * n,
            "status": ["proposed"] * n,
            **texts_in_languages(
                "evidence",
                lambda t: [
                    t.text(_OBTAINED).format(
                        period=p, obtained=_number(v, 4, u, t), gap=_number(g, 4, u, t)
                    )
                    for p, v, g, u in zip(
                        period, sel["obtained"].to_numpy(dtype=float), gap, unit, strict=True
                    )
                ],
            ),
            "department": _text_column(sel, "department"),
            "activity": act,
        },
        n,
    )


#: ``actions_from_complaints``: the kinds of feedback that can make a category recurring
#: (praise and suggestions never call for an action).
_GRIEVANCES = ("complaint", "fault_report")
#: The texts of the actions from complaints (Italian msgids, said in the function's ``lang``).
_RECURRING_TITLE = N_("Ridurre i reclami ricorrenti: {category}")
_LATE_TITLE = N_("Rispondere ai reclami entro i termini: {service}")
_LATE_EFFECT = N_("risposte oltre la scadenza non più del {threshold}")
_QUARTER = N_("{n}º trimestre {year}")


def _periods(days: np.ndarray, period: str) -> np.ndarray:
    """Each day's period key (``2024``, ``2024Q1``)."""
    months = days.astype("datetime64[M]").astype(np.int64)
    if period == "year":
        return (1970 + months // 12).astype(str)
    quarters = months // 3
    years, numbers = 1970 + quarters // 4, quarters % 4 + 1
    return np.char.add(np.char.add(years.astype(str), "Q"), numbers.astype(str))


def _period_name(key: str, t: Translator) -> str:
    """A period key (``2024``, ``2024Q1``) in ``t``'s language (``1º trimestre 2024``)."""
    year, _, quarter = str(key).partition("Q")
    return str(t(_QUARTER, n=int(quarter), year=int(year))) if quarter else year


def actions_from_complaints(
    cases: pd.DataFrame,
    *,
    recurring: int = 10,
    late_share: float = 0.2,
    min_answered: int = 5,
    period: str = "year",
    catalog: Catalog | None = None,
    lang: str = "it",
    effort: int = 3,
) -> pd.DataFrame:
    """Candidate actions from the complaints: recurring categories and late answers.

    Two rules, counted per organization and period of receipt (``year``,
    default, or ``quarter``):

    * a **recurring category**: at least ``recurring`` complaints and fault
      reports (praise and suggestions do not count; a complaint without a
      category counts for no category) of one category in a period. Impact
      3, 4 from twice the threshold, 5 from four times; urgency 3.
    * **late answers**: of a service's complaints answered (at least
      ``min_answered``, so that one late answer out of one is not a trend),
      the share answered after the deadline is above ``late_share``. Impact
      4 (an answer within the deadline is owed by law, L. 241/1990);
      urgency 5 from twice the share, else 4.

    Parameters
    ----------
    cases
        A case table (:meth:`qualitapa.complaints.ComplaintRegister.cases`):
        ``id``, ``kind``, ``service``, ``category``, ``organization``,
        ``received_date``, ``answer_days`` (missing while unanswered) and
        ``within_deadline``.
    recurring
        Complaints of one category in a period from which it is recurring
        (default 10 a year: about one a month).
    late_share
        The share of late answers above which a service gets an action
        (default 0.2: one answer in five late).
    min_answered
        The fewest answers of a service in a period to judge its share.
    period
        ``year`` or ``quarter``.
    catalog
        Names the categories and services in ``lang`` (their ids without).
    lang
        The language of ``title``, ``expected_effect`` and ``evidence``
        (Italian by default); numbers in its locale. ``title_en``,
        ``expected_effect_en``, ``evidence_en``... are always English and
        German.
    effort
        The effort of every action (unknown until someone looks at it).

    Returns
    -------
    pandas.DataFrame
        An action table (source ``complaints``), prioritised; ids
        ``complaints-category-<category>-<organization>-<period>`` and
        ``complaints-late-<service>-<organization>-<period>``.

    Examples
    --------
    >>> import pandas as pd
    >>> cases = pd.DataFrame({
    ...     "id": [f"2024/{i}" for i in range(12)], "kind": ["complaint"] * 12,
    ...     "service": ["registry"] * 12, "organization": ["036023"] * 12,
    ...     "category": ["registry.waiting"] * 10 + ["registry.staff"] * 2,
    ...     "received_date": pd.to_datetime(["2024-03-01"] * 12),
    ...     "answer_days": [10.0] * 7 + [40.0] * 3 + [None] * 2,
    ...     "within_deadline": [True] * 7 + [False] * 3 + [None] * 2})
    >>> acts = actions_from_complaints(cases)
    >>> acts[["id", "impact", "urgency"]]  # doctest: +NORMALIZE_WHITESPACE
                                                     id  impact  urgency
    0              complaints-late-registry-036023-2024       4        4
    1  complaints-category-registry.waiting-036023-2024       3        3
    >>> acts.loc[0, "evidence"]
    '2024: 3 risposte su 10 oltre la scadenza (30%; soglia 20%)'
    """
    from qualitapa.errors import OptionError

    require_columns(cases, ["id", "service", "received_date"], source="cases")
    if period not in ("year", "quarter"):
        raise OptionError(f"period must be 'year' or 'quarter', not {period!r}",
                          option="period", value=period)  # fmt: skip
    t = translator(lang)
    keys = _periods(cases["received_date"].to_numpy().astype("datetime64[D]"), period)
    work = pd.DataFrame({
        "service": cases["service"].astype(str).to_numpy(),
        "category": _text_column(cases, "category"),
        "organization": _text_column(cases, "organization"),
        "kind": _text_column(cases, "kind"),
        "period": keys,
        "answered": cases["answer_days"].notna().to_numpy() if "answer_days" in cases else False,
        "late": (cases["within_deadline"] == False).fillna(False).to_numpy(dtype=bool)  # noqa: E712
        if "within_deadline" in cases else False,
    })  # fmt: skip
    tables = [
        _recurring_categories(work, recurring, catalog, t, effort),
        _late_answers(work, late_share, min_answered, catalog, t, effort),
    ]
    return combine_actions(*tables)


def _complaint_table(
    kind: str,
    groups: pd.DataFrame,
    items: np.ndarray,
    *,
    titles: Callable[[Translator], list[str]],
    t: Translator,
    effect: Callable[[Translator], str],
    impact: object,
    urgency: object,
    evidence: Callable[[Translator], list[str]],
    effort: int,
) -> pd.DataFrame:
    """The actions of one complaint rule: one per item (category, service) of ``groups``.

    ``groups`` has the ``organization`` and ``period`` of each; ids are
    ``complaints-<kind>-<item>-<organization>-<period>``. ``titles(tr)``,
    ``effect(tr)`` and ``evidence(tr)`` are the texts in ``tr``'s language: the
    Italian columns (``title``...) in ``t``'s, ``title_en`` and ``title_de``...
    in English and German.
    """
    n = len(groups)
    org = groups["organization"].to_numpy(dtype=object)
    texts = {"title": titles, "expected_effect": lambda tr: [effect(tr)] * n,
             "evidence": evidence}  # fmt: skip
    columns = {}
    for column, make in texts.items():
        columns[column] = make(t)
        columns.update({twin: make(translator(lang))
                        for lang, twin in TRANSLATED_COLUMNS[column].items()})  # fmt: skip
    return _table(
        {
            "id": [
                "-".join(p for p in ("complaints", kind, i, o, k) if p)
                for i, o, k in zip(items, org, groups["period"], strict=True)
            ],
            **columns,
            "source": ["complaints"] * n,
            "reference": items,
            "organization": org,
            "impact": impact,
            "urgency": urgency,
            "effort": [effort] * n,
            "status": ["proposed"] * n,
        },
        n,
    )


def _recurring_categories(
    work: pd.DataFrame, threshold: int, catalog: Catalog | None, t: Translator, effort: int
) -> pd.DataFrame:
    """One action per category, organization and period with ``threshold`` complaints or more."""
    grievances = work.loc[(work["category"] != "") & work["kind"].isin(("", *_GRIEVANCES))]
    counts = (
        grievances.groupby(["category", "organization", "period"], sort=True)
        .size()
        .reset_index(name="count")
    )
    sel = counts.loc[counts["count"] >= threshold].reset_index(drop=True)
    cats = sel["category"].to_numpy(dtype=object)
    count = sel["count"].to_numpy(dtype=np.int64)
    return _complaint_table(
        "category",
        sel,
        cats,
        titles=lambda tr: [
            str(tr(_RECURRING_TITLE, category=_item_name(catalog, "complaint_categories", c, tr)))
            for c in cats
        ],
        t=t,
        effect=lambda tr: tr.plural(
            "meno di {n} reclamo della categoria per periodo",
            "meno di {n} reclami della categoria per periodo",
            threshold,
        ),
        impact=3 + (count >= 2 * threshold) + (count >= 4 * threshold),
        urgency=[3] * len(sel),
        evidence=lambda tr: [
            tr.plural(
                "{period}: {n} reclamo della categoria (soglia {threshold})",
                "{period}: {n} reclami della categoria (soglia {threshold})",
                int(k),
                period=_period_name(p, tr),
                threshold=tr.number(threshold),
            )
            for p, k in zip(sel["period"], count, strict=True)
        ],
        effort=effort,
    )


def _late_answers(
    work: pd.DataFrame,
    threshold: float,
    min_answered: int,
    catalog: Catalog | None,
    t: Translator,
    effort: int,
) -> pd.DataFrame:
    """One action per service, organization and period answering late too often."""
    answered = work.loc[work["answered"]]
    sums = (
        answered.groupby(["service", "organization", "period"], sort=True)
        .agg(answered=("answered", "size"), late=("late", "sum"))
        .reset_index()
    )
    share = sums["late"].to_numpy(dtype=float) / sums["answered"].to_numpy(dtype=float)
    keep = (sums["answered"].to_numpy() >= min_answered) & (share > threshold)
    sel, share = sums.loc[keep].reset_index(drop=True), share[keep]
    services = sel["service"].to_numpy(dtype=object)
    digits = _decimals(threshold * 100, 3)
    return _complaint_table(
        "late",
        sel,
        services,
        titles=lambda tr: [
            str(tr(_LATE_TITLE, service=_item_name(catalog, "services", s, tr))) for s in services
        ],
        t=t,
        effect=lambda tr: str(tr(_LATE_EFFECT, threshold=tr.percent(threshold, digits=digits))),
        impact=[4] * len(sel),
        urgency=np.where(share >= 2 * threshold, 5, 4),
        evidence=lambda tr: [
            tr.plural(
                "{period}: {n} risposta su {answered} oltre la scadenza ({share}; "
                "soglia {threshold})",
                "{period}: {n} risposte su {answered} oltre la scadenza ({share}; "
                "soglia {threshold})",
                int(k),
                period=_period_name(p, tr),
                answered=tr.number(int(a)),
                share=tr.percent(s, digits=_decimals(s * 100, 3)),
                threshold=tr.percent(threshold, digits=digits),
            )
            for p, k, a, s in zip(sel["period"], sel["late"], sel["answered"], share, strict=True)
        ],
        effort=effort,
    )


def _item_name(catalog: Catalog | None, collection: str, ident: str, t: Translator) -> str:
    """A service's or category's label in ``t``'s language; its id without a catalog."""
    items = getattr(catalog, collection, None) if catalog is not None else None
    if items is None or ident not in items:
        return ident
    return t.text(items[ident].label)


def combine_actions(*tables: pd.DataFrame) -> pd.DataFrame:
    """Stack action tables, keep the first of repeated ids, and sort by priority.

    A table without the optional columns (``department``, ``activity``,
    ``title_en``, ``evidence_de``...: an action table written before they
    existed) gets them blank.
    """
    frames = [t for t in tables if len(t)]
    if not frames:
        return pd.DataFrame(columns=ACTION_COLUMNS)
    out = pd.concat(frames, ignore_index=True).drop_duplicates("id", keep="first")
    twins = [twin for cols in TRANSLATED_COLUMNS.values() for twin in cols.values()]
    for col in ("department", "activity", *twins):
        if col not in out.columns:
            out[col] = ""
        out[col] = out[col].fillna("")
    return prioritise(out[ACTION_COLUMNS])
