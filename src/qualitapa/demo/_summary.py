"""The demo's ``summary.md``: one small function per section, over the demo state.

Every number printed here is recomputed by ``tests/demo/test_demo_audit.py``
(and the composite lines by ``tests/composite/test_composite_demo_summary.py``).
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from qualitapa.demo._state import DemoState
from qualitapa.i18n import Translator, translator

Section = Callable[[DemoState], list[str]]
#: A section over one result table: the state, its translator and the table.
TableSection = Callable[[DemoState, Translator, pd.DataFrame], list[str]]


def _t(state: DemoState) -> Translator:
    """The translator of the demo's language."""
    return translator(state.options.lang)


def _on_table(name: str) -> Callable[[TableSection], Section]:
    """A section written only when the demo produced the result table ``name``."""

    def wrap(write: TableSection) -> Section:
        def section(state: DemoState) -> list[str]:
            table = state.result.tables.get(name)
            return [] if table is None else write(state, _t(state), table)

        return section

    return wrap


def _paragraph(heading: str, text: str) -> list[str]:
    """A section of one paragraph under its heading."""
    return ["## " + heading, "", text, ""]


def _g(t: Translator, value: float) -> str:
    """A rank or a count as written: ``2``, ``2,5`` (one decimal when it has one)."""
    return t.number(value, digits=0 if float(value).is_integer() else 1)


def _header(state: DemoState) -> list[str]:
    t = _t(state)
    scale, profile = state.options.scale, state.options.profile
    if scale == "national":
        title = t("insieme nazionale sintetico di comuni")
    else:
        title = t.text(profile.label)
    values = state.values
    return [
        t("# Demo di qualitapa — {title}, {period}", title=title, period=state.period),
        "",
        t("**Dati sintetici** generati a scopo dimostrativo: nessun numero qui descrive una "
          "città reale."),
        "",
        t("Scala: {scale}; enti: {organizations}; indicatori: {indicators}; periodi: {periods}.",
          scale=t.text(profile.label) if scale == "cities" else t("nazionale"),
          organizations=values["organization"].nunique(),
          indicators=values["indicator"].nunique(), periods=values["period"].nunique()),
        "",
    ]  # fmt: skip


def _best_performers(state: DemoState) -> list[str]:
    from qualitapa.indicators import MIN_COMPARED

    t = _t(state)
    bench, period = state.benchmark, state.period
    if bench.empty:
        return []
    latest = bench[(pd.to_numeric(bench["period"]) == period) & bench["is_best"].astype(bool)]
    if not len(latest):
        return []
    orgs = latest["organization"].astype(str)
    city = orgs.map(state.organization_names).fillna(orgs)
    counts = latest.assign(city=city).groupby("city").size().sort_values(ascending=False)
    peer = state.options.peer_group
    if peer is not None:
        group = state.catalog.peer_groups[peer]
        intro = t(
            "Indicatori su cui ogni città ha il miglior risultato del suo gruppo di "
            "confronto ({peer}: {labels}) nel {period} (confronti di almeno {n} città "
            "con un valore; gli indicatori locali non sono mai in graduatoria):",
            peer=t.text(group.label),
            labels=", ".join(
                t.text(group.class_label(c))
                for c in dict.fromkeys((*group.labels, *group.members.values()))
            ),
            period=period,
            n=MIN_COMPARED,
        )
    else:
        intro = t("Indicatori su cui ogni città ha il miglior risultato nel {period} (confronti "
                  "di almeno {n} città con un valore; gli indicatori locali non sono mai in "
                  "graduatoria):", period=period, n=MIN_COMPARED)  # fmt: skip
    lines = ["## " + t("Migliori risultati"), "", intro, ""]
    lines += [f"- {name}: {n}" for name, n in counts.head(10).items()]
    if len(counts) > 10:
        lines.append(t("- ... e altre {n} (indicator_benchmark.csv)", n=len(counts) - 10))
    return [*lines, ""]


def _composite_line(t: Translator, comp: str, part: pd.DataFrame, names: dict[str, str]) -> str:
    """First by index value with its median rank; the lowest median rank when it differs.

    ``comp`` is the composite as the reader knows it: its label, not its id.
    """
    firsts = part[part["rank"] == 1]
    said = f" {t('e')} ".join(
        t("{name} (indice {value}; posizione mediana {median}, 5°-95° percentile "
          "{p05}-{p95})", name=names.get(str(r["organization"]), str(r["organization"])),
          value=t.number(r["value"], digits=1), median=_g(t, r["median_rank"]),
          p05=_g(t, r["rank_p05"]), p95=_g(t, r["rank_p95"]))
        for _, r in firsts.iterrows()
    )  # fmt: skip
    line = t("- {composite}, {runs} simulazioni: primo {said}", composite=comp,
             runs=int(part["runs"].max()), said=said or t("nessuno"))  # fmt: skip
    best = part["median_rank"].min()
    if len(firsts) and best < firsts["median_rank"].min():
        lowest = part[part["median_rank"] == best]["organization"].astype(str)
        line += t("; posizione mediana più bassa: {names}", names=f" {t('e')} ".join(
            f"{names.get(o, o)} ({_g(t, best)})" for o in lowest))  # fmt: skip
    return line


def _composite_name(state: DemoState, t: Translator, comp: str) -> str:
    """A composite index by its label in ``t``'s language (its id only if it has no definition)."""
    definition = state.catalog.composites.get(comp)
    return comp if definition is None else t.text(definition.label)


@_on_table("composite_ranks")
def _composites(state: DemoState, t: Translator, ranks: pd.DataFrame) -> list[str]:
    names = state.organization_names
    lines = [
        "## " + t("Indici compositi"),
        "",
        t("Primo per valore dell'indice nel {period} (posizione 1 in composite_scores.csv), "
          "con la sua posizione mediana e il 5°-95° percentile della posizione nelle "
          "simulazioni Monte Carlo dell'analisi di incertezza (composite_ranks.csv); quando "
          "un'altra città ha una posizione mediana più bassa, è nominata anch'essa.",
          period=state.period),
        "",
    ]  # fmt: skip
    lines += [
        _composite_line(t, _composite_name(state, t, str(comp)), part, names)
        for comp, part in ranks.groupby("composite", sort=True)
    ]
    return [*lines, ""]


@_on_table("survey_dimensions")
def _satisfaction(state: DemoState, t: Translator, dims: pd.DataFrame) -> list[str]:
    overall = dims[dims["dimension"].astype(str) == "overall"]
    if not len(overall):
        return []
    names = state.organization_names
    lines = ["## " + t("Soddisfazione dei cittadini (indice complessivo 0-100, ponderato)"), ""]
    for _, row in overall.sort_values("index", ascending=False).iterrows():
        org = str(row["organization"])
        lines.append(
            f"- {names.get(org, org)}: {t.number(row['index'], digits=1)} "
            f"[{t.number(row['ci_low'], digits=1)}, {t.number(row['ci_high'], digits=1)}]"
        )
    return [*lines, ""]


@_on_table("complaint_kpis")
def _complaints(state: DemoState, t: Translator, k: pd.DataFrame) -> list[str]:
    names = state.organization_names
    share = k.get("share_within_deadline")
    received = t.number(int(k["received"].sum()), digits=0)
    lines = ["## " + t("Reclami"), "", t("Reclami ricevuti: {n}.", n=received)]
    if share is not None:
        shares = ", ".join(
            f"{names.get(str(o), str(o))} {t.percent(v, digits=0)}"
            for o, v in zip(k["organization"], share, strict=True)
        )
        lines.append(t("Quota con risposta entro il termine, per città: {shares}", shares=shares))
    return [*lines, ""]


@_on_table("charter_compliance")
def _charters(state: DemoState, t: Translator, c: pd.DataFrame) -> list[str]:
    met = c["met"].astype("boolean")
    checked, kept = int(met.notna().sum()), int(met.sum())
    return _paragraph(
        t("Carte dei servizi"),
        t("Standard verificati: {checked}; rispettati: {met}.", checked=checked, met=kept),
    )


@_on_table("caf_scores")
def _caf(state: DemoState, t: Translator, scores: pd.DataFrame) -> list[str]:
    return _paragraph(
        t("Autovalutazione CAF"),
        t("Punteggi consolidati in caf_scores.csv; i sottocriteri su cui i valutatori non "
          "concordano sono segnalati in caf_consolidated.csv."),
    )  # fmt: skip


@_on_table("improvement_plan")
def _plan(state: DemoState, t: Translator, plan: pd.DataFrame) -> list[str]:
    return _paragraph(
        t("Piano di miglioramento"),
        t("Azioni candidate: {n}, in ordine di impatto x urgenza / sforzo "
          "(improvement_plan.csv).", n=len(plan)),
    )  # fmt: skip


def _day(t: Translator, day: pd.Timestamp) -> str:
    """A day as the language writes it in a line: ``31/12/2024`` in Italian."""
    return f"{day:%d/%m/%Y}" if t.lang.split("_")[0] == "it" else t.date(day, "medium")


def _training_line(state: DemoState, t: Translator, city: str) -> list[str]:
    """Hours per employee and share trained (the city's total row), needs met."""
    hours = state.result.tables.get("training_hours")
    if hours is None:
        return []
    total = hours[hours["level"].astype(str) == "organization"].iloc[0]
    where = {"city": city, "year": state.period}
    if pd.isna(total["hours_per_employee"]):
        line = t(
            "Formazione: {hours} ore, senza il numero dei dipendenti ({city}, {year}; "
            "training_hours.csv)",
            hours=t.number(total["hours"], digits=0),
            **where,
        )
    else:
        line = t("Formazione: {hours} ore per dipendente, {share} del personale formato "
                 "({city}, {year}; training_hours.csv)",
                 hours=t.number(total["hours_per_employee"], digits=1),
                 share=t.percent(total["share_trained"], digits=0), **where)  # fmt: skip
    needs = state.result.tables.get("training_needs")
    if needs is not None and len(needs):
        status = needs["status"].astype(str)
        line += t("; fabbisogni formativi soddisfatti: {met} su {n}, in parte: {partial} "
                  "(training_needs.csv)", met=int((status == "met").sum()), n=len(needs),
                  partial=int((status == "partial").sum()))  # fmt: skip
    return [f"- {line}"]


def _certification_line(state: DemoState, t: Translator) -> list[str]:
    """How many certification alerts on 31 December, by kind (most severe first)."""
    from qualitapa.programme import CERTIFICATION_LABELS, AlertKind

    alerts = state.result.tables.get("certification_alerts")
    if alerts is None:
        return []
    day = _day(t, pd.Timestamp(year=state.period, month=12, day=31))
    if alerts.empty:
        return [
            f"- {t('Certificazioni: nessun avviso al {day} (certification_alerts.csv)', day=day)}"
        ]
    counts = alerts["kind"].astype(str).value_counts()
    kinds = "; ".join(
        f"{t.text(CERTIFICATION_LABELS[kind])}: {counts[kind.value]}"
        for kind in AlertKind
        if kind.value in counts
    )
    line = t.plural("Certificazioni: {n} avviso al {day} ({kinds}; certification_alerts.csv)",
                    "Certificazioni: {n} avvisi al {day} ({kinds}; certification_alerts.csv)",
                    len(alerts), day=day, kinds=kinds)  # fmt: skip
    return [f"- {line}"]


def _practice_line(state: DemoState, t: Translator, city: str) -> list[str]:
    """How many practices are suggested, on how many gaps, from how many cities."""
    found = state.result.tables.get("practice_suggestions")
    if found is None:
        return []
    if found.empty:
        line = t("Buone pratiche: nessun suggerimento per {city} (nessuna città che fa meglio "
                 "sui suoi divari ha registrato una pratica)", city=city)  # fmt: skip
    else:
        line = t.plural(
            "Buone pratiche: {n} suggerimento per {city} (indicatori con i divari maggiori: "
            "{indicators}; città che fanno meglio: {cities}; practice_suggestions.csv)",
            "Buone pratiche: {n} suggerimenti per {city} (indicatori con i divari maggiori: "
            "{indicators}; città che fanno meglio: {cities}; practice_suggestions.csv)",
            len(found), city=city, indicators=found["indicator"].nunique(),
            cities=found["practice_organization"].nunique(),
        )  # fmt: skip
    return [f"- {line}"]


def _programme(state: DemoState) -> list[str]:
    """Training, certification alerts and good practices of the highlighted city."""
    organization = state.options.organization
    if organization is None:
        return []
    t = _t(state)
    city = state.organization_names.get(organization, organization)
    lines = [
        *_training_line(state, t, city),
        *_certification_line(state, t),
        *_practice_line(state, t, city),
    ]
    if not lines:
        return []
    return ["## " + t("Formazione, certificazioni e buone pratiche"), "", *lines, ""]


def _portal(state: DemoState) -> list[str]:
    """Where the quality portal is and how many pages it has."""
    if not state.site_pages:
        return []
    t = _t(state)
    return _paragraph(
        t("Portale della qualità"),
        t("Il sito statico del sistema qualità delle città: {n} pagine in italiano, inglese e "
          "tedesco; aprire site/index.html nel browser (funziona anche senza rete).",
          n=t.number(state.site_pages, digits=0)),
    )  # fmt: skip


def _notes_and_files(state: DemoState) -> list[str]:
    t, result = _t(state), state.result
    notes = ["## " + t("Note"), ""] + [f"- {n}" for n in result.notes] + [""]
    return (notes if result.notes else []) + ["## " + t("File"), ""] + [
        f"- `{f}`" for f in result.files
    ] + [""]  # fmt: skip


#: The sections of summary.md, in order.
SECTIONS: tuple[Section, ...] = (
    _header,
    _best_performers,
    _composites,
    _satisfaction,
    _complaints,
    _charters,
    _caf,
    _plan,
    _programme,
    _portal,
    _notes_and_files,
)


def summary(state: DemoState) -> str:
    """A readable Markdown summary of the demo results, in the demo's language."""
    return "\n".join(line for section in SECTIONS for line in section(state))
