"""The methodology pages: indicators, questionnaires and the CAF model, from the catalog.

``metodologia/index.html`` introduces the three pages below it:

- ``metodologia/indicatori.html``: every indicator of the catalog that has
  results, grouped by service: its label, its formula written with the
  labels of its variables, unit, polarity in words, target, periodicity,
  the source of its data and what limits its comparison across cities.
  Each indicator has an anchor (:func:`indicator_anchor`) that the service
  pages link to.
- ``metodologia/questionari.html``: every questionnaire: its dimensions and
  items, each item with its text and its answers.
- ``metodologia/caf.html``: the CAF model: criteria, sub-criteria and the
  scoring panels.

Labels are shown in the page's language; where the catalog gives only the
Italian text, the page says once that some texts are in Italian.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import pandas as pd

from qualitapa._vocabulary import (
    COMPARATOR_WORDS,
    DIMENSION_WORDS,
    PERIODICITY_WORDS,
    QUESTION_TYPE_WORDS,
)
from qualitapa.i18n import N_, unit
from qualitapa.models import Text
from qualitapa.reporting import CODE_WORDS
from qualitapa.site._context import SiteContext
from qualitapa.site._model import Page, PageKind

#: The page of the indicators' definitions, from the language root.
INDICATORS_PATH = "metodologia/indicatori.html"
_INDEX_PATH = "metodologia/index.html"
_SURVEYS_PATH = "metodologia/questionari.html"
_CAF_PATH = "metodologia/caf.html"

#: Operators of the formula language as a reader writes them (words are msgids).
_OPERATORS = {"+": "+", "-": "−", "*": "×", "/": "÷", "<": "<", "<=": "≤", ">": ">",
              ">=": "≥", "==": "=", "!=": "≠"}  # fmt: skip
_WORD_OPERATORS = {"and": N_("e"), "or": N_("o"), "not": N_("non")}
#: Functions of the formula language -> their words (Italian msgids).
_FUNCTIONS = {
    "abs": N_("valore assoluto di"),
    "min": N_("il minore tra"),
    "max": N_("il maggiore tra"),
    "sum": N_("somma di"),
    "coalesce": N_("il primo valore disponibile tra"),
}
#: Variables that organizations (not plugins) provide -> their label (msgid).
_ORGANIZATION_VARIABLES = {"population": N_("Popolazione residente")}

#: Words by which a dataset's label already says its data are made up (it, en, de).
_SYNTHETIC_WORDS = ("sintetic", "synthet", "dimostrativ")

_FALLBACK_NOTE = N_(
    "Alcuni testi del catalogo non sono tradotti in questa lingua e sono mostrati in italiano."
)


def indicator_anchor(indicator_id: str) -> str:
    """The HTML id of an indicator's block on ``metodologia/indicatori.html``.

    Ids are lower-case words with dots, ``_`` and ``-`` (valid in an HTML
    id and a URL fragment as they are), so two indicators never share an
    anchor. Link to it as ``url(INDICATORS_PATH) ~ "#" ~ indicator_anchor(id)``.

    Examples
    --------
    >>> indicator_anchor("registry.certificates_per_fte")
    'ind-registry.certificates_per_fte'
    >>> INDICATORS_PATH + "#" + indicator_anchor("nurseries.coverage")
    'metodologia/indicatori.html#ind-nurseries.coverage'
    """
    return f"ind-{indicator_id}"


class _Labels:
    """Catalog labels in one language, remembering whether one fell back to Italian."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.fell_back = False

    def __call__(self, label: Text | str | None) -> str:
        if label is None:
            return ""
        if isinstance(label, str):
            return label
        if self.lang != "it" and self.lang not in label.languages:
            self.fell_back = True
        return label.get(self.lang)


def _published(item: object, members: bool) -> bool:
    """Public items always; items marked ``published = false`` in the members' build only."""
    return members or bool(getattr(item, "published", True))


def indicators_with_results(ctx: SiteContext) -> list[str]:
    """Ids of the catalog's indicators with a value for the site's organizations, sorted.

    A value is a non-missing ``value`` in ``indicator_values`` or
    ``indicator_benchmark``; an indicator marked ``published = false`` is
    left out of the public build.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from qualitapa import Catalog, Service, Text, hookimpl
    >>> from qualitapa.indicators import IndicatorDefinition
    >>> from qualitapa.site import Results
    >>> class Nurseries:
    ...     @hookimpl
    ...     def qualitapa_services(self):
    ...         return [Service("nurseries", Text("Nidi d'infanzia"))]
    ...     @hookimpl
    ...     def qualitapa_indicators(self):
    ...         return [IndicatorDefinition(i, Text(i), "nurseries", "quality", "a / b",
    ...                     "higher_is_better") for i in ("n.coverage", "n.occupancy")]
    >>> catalog = Catalog.build([Nurseries()], entrypoints=False)
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "indicator_values.csv").write_text(
    ...     "organization,period,indicator,value,status\\n"
    ...     "036023,2024,n.coverage,40.1,ok\\n036023,2024,n.occupancy,,ok\\n")
    >>> ctx = SiteContext(results=Results(d), catalog=catalog, organizations=("036023",))
    >>> indicators_with_results(ctx)
    ['n.coverage']
    """

    def build() -> list[str]:
        found: set[str] = set()
        for name in ("indicator_values", "indicator_benchmark"):
            table = ctx.results.table(name)
            if table is None or not {"indicator", "value"} <= set(table.columns):
                continue
            rows = pd.to_numeric(table["value"], errors="coerce").notna()
            if "organization" in table.columns and ctx.organizations:
                rows &= table["organization"].astype("string").isin(ctx.organizations)
            found.update(str(i) for i in table.loc[rows, "indicator"].dropna().unique())
        known = ctx.catalog.indicators
        return sorted(i for i in found if i in known and _published(known[i], ctx.members))

    key = f"methodology.indicators:{ctx.members}:{','.join(ctx.organizations)}"
    result: list[str] = ctx.results.memo(key, build)  # the same in every language
    return result


# -- formulas -------------------------------------------------------------------------


def _places(value: float) -> int:
    """The decimals ``value`` is written with (``0.125`` -> 3, ``7.0`` -> 0)."""
    exponent = decimal.Decimal(repr(float(value))).normalize().as_tuple().exponent
    return max(-int(exponent), 0)


def _constant(value: float, t: Any) -> str:
    """A constant of a formula in the language's digits, never rounded (``0,125``)."""
    if float(value).is_integer():
        return str(t.number(int(value)))
    return str(t.number(value, digits=_places(value)))


def formula_parts(
    formula: Any, names: Mapping[str, str], t: Any, *, scale: float = 1.0
) -> list[dict[str, str]]:
    """A formula as a reader writes it: variables by their label, ``×`` and ``÷``.

    Parameters
    ----------
    formula
        A :class:`~qualitapa.indicators.Formula` (or anything with its ``tree``).
    names
        Variable name -> its label in the page's language; a name not given
        is shown as it is.
    t
        The page's :class:`~qualitapa.i18n.Translator` (numbers, words).
    scale
        The indicator's multiplier: ``× 100`` is added when it is not 1.

    Returns
    -------
    list of dict
        ``{"kind": "var" | "op" | "num" | "word", "text": ..., "space": " " or ""}``
        in reading order (``space`` goes before the text); parentheses are
        ``op`` parts.

    Examples
    --------
    >>> from qualitapa.indicators import Formula
    >>> from qualitapa.i18n import translator
    >>> f = Formula.parse("(a + b) / c")
    >>> parts = formula_parts(f, {"a": "Entrate", "b": "Tributi", "c": "Spese"},
    ...                       translator("it"), scale=100)
    >>> "".join(p["space"] + p["text"] for p in parts)
    '(Entrate + Tributi) ÷ Spese × 100'
    >>> parts = formula_parts(Formula.parse("min(a, 0.125)"), {}, translator("it"))
    >>> "".join(p["space"] + p["text"] for p in parts)
    'il minore tra (a; 0,125)'
    """
    out = list(_node_parts(formula.tree, names, t))
    if scale != 1:
        out += [_part("op", "×"), _part("num", _constant(scale, t))]
    for i, part in enumerate(out):  # no space inside parentheses nor before ";"
        glued = i == 0 or out[i - 1]["text"] == "(" or part["text"] in (")", ";")
        part["space"] = "" if glued else " "
    return out


def _part(kind: str, text: str) -> dict[str, str]:
    return {"kind": kind, "text": text}


def _wrapped(parts: Iterable[dict[str, str]], wrap: bool) -> Iterator[dict[str, str]]:
    if wrap:
        yield _part("op", "(")
    yield from parts
    if wrap:
        yield _part("op", ")")


def _node_parts(node: Any, names: Mapping[str, str], t: Any) -> Iterator[dict[str, str]]:
    """The parts of one node of a formula's tree (duck-typed: the node classes are private)."""
    if hasattr(node, "name"):
        yield _part("var", names.get(node.name, node.name))
    elif hasattr(node, "value"):
        yield _part("num", _constant(node.value, t))
    elif hasattr(node, "func"):
        yield _part("word", t(_FUNCTIONS.get(node.func, node.func)))
        yield _part("op", "(")
        for i, arg in enumerate(node.args):
            if i:
                yield _part("op", ";")
            yield from _node_parts(arg, names, t)
        yield _part("op", ")")
    elif hasattr(node, "operand"):
        if node.op in _WORD_OPERATORS:
            yield _part("word", t(_WORD_OPERATORS[node.op]))
        else:
            yield _part("op", _OPERATORS.get(node.op, node.op))
        inner = _node_parts(node.operand, names, t)
        yield from _wrapped(inner, node.operand.precedence < node.precedence)
    else:  # a binary operation; the same parentheses as the formula's own text
        prec = node.precedence
        left_wrap = node.left.precedence < prec or (
            node.op in ("<", "<=", ">", ">=", "==", "!=") and node.left.precedence == prec
        )
        yield from _wrapped(_node_parts(node.left, names, t), left_wrap)
        if node.op in _WORD_OPERATORS:
            yield _part("word", t(_WORD_OPERATORS[node.op]))
        else:
            yield _part("op", _OPERATORS.get(node.op, node.op))
        yield from _wrapped(_node_parts(node.right, names, t), node.right.precedence <= prec)


# -- the indicators page ----------------------------------------------------------------


def _variables(ctx: SiteContext, ind: Any, labels: _Labels) -> list[dict[str, str]]:
    """The formula's variables: label, unit and description, in the formula's order."""
    out = []
    for name in sorted(ind.formula.variables):
        var = ctx.catalog.variables.get(name)
        if var is not None:
            out.append({"name": name, "label": labels(var.label),
                        "unit": ctx.t.unit(unit(var.unit)) if var.unit else "",
                        "description": labels(var.description)})  # fmt: skip
        elif name in _ORGANIZATION_VARIABLES:
            out.append({"name": name, "label": ctx.t(_ORGANIZATION_VARIABLES[name]),
                        "unit": "", "description": ""})  # fmt: skip
        else:
            out.append({"name": name, "label": name, "unit": "", "description": ""})
    return out


def _sources(ctx: SiteContext, ind: Any, labels: _Labels) -> list[str]:
    """The datasets the indicator's values come from (indicator data of its service)."""
    out = []
    for ds in ctx.catalog.datasets.values():
        if ds.kind != "indicator_data" or not _published(ds, ctx.members):
            continue
        service = ds.service or ""
        if not service or not (ind.service == service or ind.service.startswith(service + ".")):
            continue
        if ds.organizations and not set(ds.organizations) & set(ind.organizations):
            continue  # a city's own data feeds that city's local indicators
        text = labels(ds.label)
        if ds.synthetic and not any(w in text.casefold() for w in _SYNTHETIC_WORDS):
            text = ctx.t("{dataset} (dati sintetici dimostrativi)", dataset=text)
        out.append(text)
    return sorted(out)


def comparison_facts(bench: pd.DataFrame | None) -> pd.DataFrame:
    """Per indicator, its latest period in the benchmark and how it was compared then.

    Columns ``period``, ``compared`` (organizations with ``comparison ==
    "compared"``), ``too_few`` and ``all_equal`` (some row says so), indexed
    by indicator; empty without a benchmark.

    Examples
    --------
    >>> bench = pd.DataFrame({"indicator": ["a", "a", "a", "b"], "period": [2023, 2024, 2024, 2024],
    ...     "organization": ["x", "x", "y", "x"],
    ...     "comparison": ["compared", "compared", "compared", "too_few_compared"]})
    >>> comparison_facts(bench).to_dict("index")
    {'a': {'period': 2024, 'compared': 2, 'too_few': False, 'all_equal': False}, \
'b': {'period': 2024, 'compared': 0, 'too_few': True, 'all_equal': False}}
    """
    columns = ["period", "compared", "too_few", "all_equal"]
    if bench is None or not {"indicator", "period", "comparison", "organization"} <= set(
        bench.columns
    ):
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame({
        "indicator": bench["indicator"].astype("string"),
        "period": pd.to_numeric(bench["period"], errors="coerce"),
        "code": bench["comparison"].astype("string"),
        "organization": bench["organization"].astype("string"),
    }).dropna(subset=["indicator", "period"])  # fmt: skip
    latest = frame[frame["period"] == frame.groupby("indicator")["period"].transform("max")]
    facts = (
        latest.assign(
            compared=latest["organization"].where(latest["code"] == "compared"),
            too_few=latest["code"] == "too_few_compared",
            all_equal=latest["code"] == "all_equal",
        )
        .groupby("indicator")
        .agg(
            period=("period", "max"),
            compared=("compared", "nunique"),
            too_few=("too_few", "any"),
            all_equal=("all_equal", "any"),
        )
    )
    return facts.astype({"period": int, "compared": int, "too_few": bool, "all_equal": bool})


def _comparability(ctx: SiteContext, ind: Any, facts: pd.DataFrame) -> list[str]:
    """What limits the comparison of the indicator across cities, in sentences."""
    t = ctx.t
    if ind.organizations:
        names = t.join([ctx.org_name(o) for o in ind.organizations])
        return [t("Indicatore locale di {organizations}: non è confrontato con le altre città.",
                  organizations=names)]  # fmt: skip
    notes = []
    if ind.polarity.value == "neutral":
        notes.append(t("Nessun valore è migliore di un altro: l'indicatore descrive, "
                       "non fa una classifica."))  # fmt: skip
    if ind.id not in facts.index:
        return notes
    row = facts.loc[ind.id]
    period, compared = str(int(row["period"])), int(row["compared"])
    if compared:
        notes.append(t.plural("Nel {period} è confrontato tra {n} ente.",
                              "Nel {period} è confrontato tra {n} enti.", compared,
                              period=period))  # fmt: skip
    elif row["too_few"]:
        notes.append(t("Nel {period} troppo pochi enti hanno un valore per un confronto.",
                       period=period))  # fmt: skip
    if row["all_equal"]:
        same = t("Nel {period} in almeno un confronto tutti gli enti hanno lo stesso valore: "
                 "nessuno è indicato come migliore.", period=period)  # fmt: skip
        notes.append(same)
    return notes


def _target(ctx: SiteContext, ind: Any) -> str:
    if ind.target is None:
        return ""
    value = ctx.t.quantity(
        ind.target.value, unit(ind.unit) if ind.unit else None, digits=_places(ind.target.value)
    )
    phrase = COMPARATOR_WORDS.get(ind.target.comparator.value, COMPARATOR_WORDS["=="])
    return str(ctx.t(phrase, value=value))


def _indicator(ctx: SiteContext, ind: Any, labels: _Labels, facts: pd.DataFrame) -> dict[str, Any]:
    """One indicator's block: what it measures and how."""
    t = ctx.t
    variables = _variables(ctx, ind, labels)
    names = {v["name"]: v["label"] for v in variables}
    return {
        "id": ind.id,
        "anchor": indicator_anchor(ind.id),
        "label": labels(ind.label),
        "description": labels(ind.description),
        "dimension": t(DIMENSION_WORDS.get(ind.dimension.value, ind.dimension.value)),
        "formula": formula_parts(ind.formula, names, t, scale=ind.scale),
        "variables": variables,
        "unit": t.unit(unit(ind.unit)) if ind.unit else "",
        "polarity": t(CODE_WORDS.get(ind.polarity.value, ind.polarity.value)),
        "target": _target(ctx, ind),
        "periodicity": t(PERIODICITY_WORDS.get(ind.periodicity.value, ind.periodicity.value)),
        "sources": _sources(ctx, ind, labels),
        "notes": _comparability(ctx, ind, facts),
    }


def indicators_context(ctx: SiteContext) -> dict[str, Any]:
    """The template variables of ``metodologia/indicatori.html``: indicators by service."""
    labels = _Labels(ctx.lang)
    facts = ctx.results.memo(
        "methodology.comparison",
        lambda: comparison_facts(ctx.results.table("indicator_benchmark")),
    )
    by_service: dict[str, list[dict[str, Any]]] = {}
    for ind_id in indicators_with_results(ctx):
        ind = ctx.catalog.indicators[ind_id]
        by_service.setdefault(ind.service, []).append(_indicator(ctx, ind, labels, facts))
    titles = {s: labels(o.label) for s, o in ctx.catalog.services.items()}
    groups: list[dict[str, Any]] = []
    for service, blocks in by_service.items():
        obj = ctx.catalog.services.get(service)
        parent = getattr(obj, "parent", None) or ""
        blocks.sort(key=lambda b: b["label"].casefold())
        groups.append({"id": f"servizio-{service}", "title": titles.get(service, service),
                       "indicators": blocks,  # a sub-service right after its parent
                       # a sub-service right after its parent: (family, child?, name)
                       "order": ((titles.get(parent, parent) if parent
                                  else titles.get(service, service)).casefold(), bool(parent),
                                 titles.get(service, service).casefold())})  # fmt: skip
    groups.sort(key=lambda g: g["order"])
    return {"groups": groups, "fallback": ctx.t(_FALLBACK_NOTE) if labels.fell_back else ""}


# -- the questionnaires page -------------------------------------------------------------


def _scale_text(ctx: SiteContext, scale: Any, labels: _Labels) -> str:
    """A scale in words: ``da 1 (Per niente soddisfatto) a 5 (Molto soddisfatto)``."""
    t = ctx.t

    def point(code: float, label: Text | None) -> str:
        number = _constant(code, t)
        return t("{code} ({label})", code=number, label=labels(label)) if label else number

    first = scale.labels[0] if scale.labels else None
    last = scale.labels[-1] if scale.labels else None
    text = t("da {low} a {high}", low=point(scale.points[0], first),
             high=point(scale.points[-1], last))  # fmt: skip
    for i, code in enumerate(scale.dont_know):
        label = scale.dont_know_labels[i] if i < len(scale.dont_know_labels) else None
        shown = point(code, label) if isinstance(code, float) else str(code)
        text += "; " + t("{code}: non entra nel punteggio", code=shown)
    return text


def _question(
    ctx: SiteContext, q: Any, labels: _Labels, texts: Mapping[str, str]
) -> dict[str, Any]:
    t = ctx.t
    if q.scale is not None:
        answers = _scale_text(ctx, q.scale, labels)
    elif q.choices:
        answers = "; ".join(labels(c.label) for c in q.choices)
    else:
        answers = ""
    notes = []
    if q.reverse:
        notes.append(t("formulata al contrario: il punteggio è invertito"))
    if q.importance_of:
        notes.append(t("importanza di: {item}", item=texts.get(q.importance_of, "")))
    if q.expectation_of:
        notes.append(t("attesa su: {item}", item=texts.get(q.expectation_of, "")))
    if q.relevant:
        notes.append(t("posta solo ad alcuni rispondenti, secondo le risposte precedenti"))
    if q.organizations:
        names = t.join([ctx.org_name(o) for o in q.organizations])
        notes.append(t("domanda locale di {organizations}", organizations=names))
    return {"text": labels(q.label), "hint": labels(q.hint),
            "type": t(QUESTION_TYPE_WORDS.get(q.type.value, q.type.value)),
            "answers": answers, "notes": notes, "scaled": q.scale is not None}  # fmt: skip


def _instrument(ctx: SiteContext, ins: Any, labels: _Labels) -> dict[str, Any]:
    texts = {q.id: labels(q.label) for q in ins.questions}
    groups: list[dict[str, Any]] = []
    for dim in ins.dimensions:
        items = [_question(ctx, q, labels, texts) for q in ins.questions if q.dimension == dim.id]
        if items:
            weight = ctx.number(dim.weight) if dim.weight is not None else ""
            groups.append({"title": labels(dim.label), "questions": items, "weight": weight})
    known = {d.id for d in ins.dimensions}
    others = [_question(ctx, q, labels, texts) for q in ins.questions if q.dimension not in known]
    if others:
        groups.append({"title": ctx.t("Altre domande (profilo del rispondente e domande "
                                      "non attribuite a una dimensione)"),
                       "questions": others, "weight": ""})  # fmt: skip
    service = ctx.service_name(ins.service) if ins.service else ""
    return {"id": f"questionario-{ins.id}", "title": labels(ins.label), "service": service,
            "version": str(ins.version), "groups": groups, "scales": _lettered(ctx, groups),
            "n_items": len(ins.questions)}  # fmt: skip


def _lettered(ctx: SiteContext, groups: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The instrument's scales, each written once with a letter the items refer to."""
    letters: dict[str, str] = {}
    for group in groups:
        for item in group["questions"]:
            if item["scaled"]:
                text = item["answers"]
                letter = letters.setdefault(text, chr(ord("A") + len(letters) % 26))
                item["answers"] = ctx.t("Scala {letter}", letter=letter)
    return [{"letter": letter, "text": text} for text, letter in letters.items()]


def surveys_context(ctx: SiteContext) -> dict[str, Any]:
    """The template variables of ``metodologia/questionari.html``: every questionnaire."""
    labels = _Labels(ctx.lang)
    instruments = [
        _instrument(ctx, ins, labels)
        for ins in ctx.catalog.instruments.values()
        if _published(ins, ctx.members)
    ]
    instruments.sort(key=lambda i: i["title"].casefold())
    return {"instruments": instruments,
            "fallback": ctx.t(_FALLBACK_NOTE) if labels.fell_back else ""}  # fmt: skip


# -- the CAF page ------------------------------------------------------------------------


def caf_context(ctx: SiteContext) -> dict[str, Any]:
    """The template variables of ``metodologia/caf.html``: criteria and scoring panels."""
    from qualitapa.caf import caf_model

    model = caf_model()
    labels = _Labels(ctx.lang)
    t = ctx.t
    kinds = {"enablers": t("Fattori abilitanti"), "results": t("Risultati")}
    methods = {"classical": t("punteggio classico"), "fine_tuned": t("punteggio avanzato")}
    groups = []
    for kind, title in kinds.items():
        criteria = [
            {"id": c.id, "title": labels(c.title),
             "subcriteria": [{"id": s.id, "title": labels(s.title)} for s in c.subcriteria]}
            for c in model.criteria if c.kind.value == kind
        ]  # fmt: skip
        groups.append({"title": title, "criteria": criteria})
    panels = []
    for p in model.panels:
        rows = [
            {"label": labels(r.label), "description": labels(r.description),
             "bands": [{"range": f"{b.low}–{b.high}", "description": labels(b.description)}
                       for b in r.bands]}
            for r in p.rows
        ]  # fmt: skip
        panels.append({"title": t("{kind}: {method}", kind=kinds[p.kind.value],
                                   method=methods[p.method.value]),
                       "rows": rows, "single": len(rows) == 1})  # fmt: skip
    return {"version": model.version, "groups": groups, "panels": panels,
            "fallback": t(_FALLBACK_NOTE) if labels.fell_back else ""}  # fmt: skip


# -- the pages ----------------------------------------------------------------------------


def build_methodology(ctx: SiteContext) -> Iterator[Page]:
    """The methodology pages of ``ctx``'s language (the index first: the menu links to it)."""
    t = ctx.t
    parent = ((t("Metodologia"), _INDEX_PATH),)  # the layout puts the home page first
    indicators = indicators_context(ctx)
    surveys = surveys_context(ctx)
    n_indicators = sum(len(g["indicators"]) for g in indicators["groups"])
    children: list[dict[str, Any]] = [
        {"path": INDICATORS_PATH, "title": t("Gli indicatori"),
         "summary": t("Formula, unità di misura, polarità e fonte di ogni indicatore pubblicato, "
                      "per servizio."), "count": n_indicators},
        {"path": _SURVEYS_PATH, "title": t("I questionari"),
         "summary": t("Le dimensioni e le domande di ogni indagine di soddisfazione, con le "
                      "scale di risposta."), "count": len(surveys["instruments"])},
        {"path": _CAF_PATH, "title": t("Il modello CAF"),
         "summary": t("I criteri e i sottocriteri del modello CAF e le griglie di punteggio "
                      "dell'autovalutazione."), "count": None},
    ]  # fmt: skip
    yield Page(path=_INDEX_PATH, title=t("Metodologia"), template="methodology.html.j2",
               context={"children": children},
               summary=t("Come sono calcolati gli indicatori, come sono fatti i questionari e "
                         "come si assegnano i punteggi CAF."),
               keywords=(t("metodo"), t("formula"), t("fonte")))  # fmt: skip
    labels = [b["label"] for g in indicators["groups"] for b in g["indicators"]]
    yield Page(path=INDICATORS_PATH, title=children[0]["title"],
               template="methodology_indicators.html.j2", context=indicators,
               breadcrumbs=parent, summary=children[0]["summary"],
               keywords=tuple(labels))  # fmt: skip
    yield Page(path=_SURVEYS_PATH, title=children[1]["title"],
               template="methodology_surveys.html.j2", context=surveys, breadcrumbs=parent,
               summary=children[1]["summary"],
               keywords=tuple(i["title"] for i in surveys["instruments"]))  # fmt: skip
    yield Page(path=_CAF_PATH, title=children[2]["title"], template="methodology_caf.html.j2",
               context=caf_context(ctx), breadcrumbs=parent, summary=children[2]["summary"],
               keywords=("CAF", t("autovalutazione"), t("criteri")))  # fmt: skip


#: The methodology page kind.
METHODOLOGY = PageKind(id="methodology", title=Text("Metodologia", "Methodology", "Methodik"),
                       order=70, build=build_methodology)  # fmt: skip
