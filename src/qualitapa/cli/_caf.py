"""``qualitapa caf ...`` (CAF self-assessment) and ``qualitapa plan ...`` (improvement plans)."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import click
import pandas as pd

from qualitapa.cli._complaints_desk import complaint_actions, complaint_options
from qualitapa.cli._main import (
    cli,
    echo,
    emit,
    for_people,
    get_catalog,
    messages,
    nothing,
    read_input,
)
from qualitapa.cli._options import (
    Decorator,
    choice_option,
    file_argument,
    file_option,
    input_options,
    lang_option,
    output_options,
    target_option,
)
from qualitapa.cli._output import for_machines
from qualitapa.errors import Message
from qualitapa.i18n import N_

_SHOWN = [
    "subcriterion", "n_assessors", "n_not_assessed", "mean", "median", "sd", "range",
    "disagreement", "consensus_score", "final_score", "band", "needs_discussion",
]  # fmt: skip


def _scores(path: Path) -> pd.DataFrame:
    return read_input(path, dtype={"subcriterion": "string"})


def _table(path: Path) -> pd.DataFrame:
    """A result table; its organizations (if any) are the catalog's."""
    return read_input(path, catalog=get_catalog())


@cli.group("caf")
def caf_group() -> None:
    """CAF 2020 self-assessment: model, scoring sheets, consolidation."""


@caf_group.command("model")
@lang_option
@output_options
def caf_model_command(lang: str, fmt: str | None, output: Path | None) -> None:
    """List the 9 criteria and 28 sub-criteria of CAF 2020."""
    from qualitapa.caf import caf_model

    frame = caf_model().to_frame(lang).drop(columns=["title_en"] if lang == "en" else [])
    emit(frame, fmt, output)


_METHODS = ["classical", "fine_tuned"]
_F = TypeVar("_F")  # the command function the options decorate
#: ``caf check`` and ``caf score`` accept an assessment without some sub-criteria alike.
_allow_incomplete = click.option(
    "--allow-incomplete", is_flag=True, help="Do not require all 28 sub-criteria."
)


@caf_group.command("panels")
@choice_option("--method", choices=_METHODS, default="classical")
@choice_option("--kind", choices=["enablers", "results"], default="enablers")
@lang_option
@output_options
def caf_panels(method: str, kind: str, lang: str, fmt: str | None, output: Path | None) -> None:
    """Show a scoring panel with its 0-100 bands."""
    from qualitapa.caf import caf_model

    panel = caf_model().panel(kind, method).to_frame(lang)
    if not for_machines(fmt, output):  # a row by its label (Scala complessiva), not its id
        panel = panel.drop(columns="row")
    emit(panel, fmt, output, lang=lang)


def template_options(target_help: str, *, required: bool) -> Decorator:
    """The options of a CAF scoring sheet: ``--method``, ``--assessor``, ``--lang``, ``-o``."""
    options = [
        choice_option(
            "--method",
            choices=_METHODS,
            default="classical",
            help="Classical (one score) or fine-tuned (PDCA phases / trends and targets).",
        ),
        click.option(
            "--assessor", "assessors", multiple=True, help="Pre-fill a block per assessor."
        ),
        lang_option,
        target_option(target_help, required=required, formats={"csv": [".csv"], "xlsx": [".xlsx"]}),
    ]

    def apply(command: _F) -> _F:
        for option in reversed(options):  # as if stacked above the command, in this order
            command = option(command)
        return command

    return apply


def write_scoring_sheet(
    method: str, assessors: tuple[str, ...], lang: str, output: Path | None
) -> None:
    """Write an empty scoring sheet to ``output`` and say so; without one, CSV on screen."""
    from qualitapa.caf import scoring_template, write_template
    from qualitapa.io import write_csv

    who = assessors or ("",)
    if output is None:
        frame = scoring_template(method=method, assessors=who, lang=lang)
        click.echo(write_csv(frame), nl=False)
        return
    frame = write_template(output, method=method, assessors=who, lang=lang)
    t = messages()
    echo(t.plural("scritta {n} riga in {file}", "scritte {n} righe in {file}", len(frame),
                  file=output), err=True)  # fmt: skip


@caf_group.command("template")
@template_options(
    "File to write (.csv, or .xlsx with the excel extra); default: CSV on screen.", required=False
)
def caf_template(method: str, assessors: tuple[str, ...], lang: str, output: Path | None) -> None:
    """Write an empty scoring sheet for the 28 sub-criteria."""
    write_scoring_sheet(method, assessors, lang, output)


@caf_group.command("check")
@file_argument("scores_path", metavar="SCORES")
@file_option(
    "--consensus",
    "consensus_path",
    help="Consensus scores to check too: subcriterion, consensus_score, rationale.",
)
@click.option(
    "--method",
    type=click.Choice(_METHODS),
    default=None,
    help="Scoring method (default: fine-tuned when a PDCA column is present).",
)
@_allow_incomplete
@input_options
@output_options
def caf_check(
    scores_path: Path,
    consensus_path: Path | None,
    method: str | None,
    allow_incomplete: bool,
    fmt: str | None,
    output: Path | None,
) -> None:
    """List every problem in SCORES (CSV or xlsx); exit 1 if there is any."""
    from qualitapa.caf import check_consensus, check_scores

    scores = _scores(scores_path)
    problems = check_scores(
        scores, method=method, require_complete=not allow_incomplete, source=str(scores_path)
    )
    t = messages()
    n_rows = t.plural("{n} riga di {file}", "{n} righe di {file}", len(scores), file=scores_path)
    if consensus_path is not None:
        consensus = _scores(consensus_path)
        more = check_consensus(consensus, source=str(consensus_path))
        problems = pd.concat([problems, more], ignore_index=True) if len(more) else problems
        n_rows += t(" e {n} di {file}", n=len(consensus), file=consensus_path)
    if problems.empty:
        if for_people(fmt, output):
            echo(t("nessun problema in {rows}", rows=n_rows), err=True)
        return
    emit(problems, fmt, output)
    raise nothing(
        t("{problems} in {rows}: i punteggi non si possono consolidare finché non sono corretti",
          problems=t.plural("{n} problema", "{n} problemi", len(problems)), rows=n_rows)
    )  # fmt: skip


@caf_group.command("score")
@file_argument("scores_path", metavar="SCORES")
@click.option("--threshold", type=float, default=20.0, show_default=True,
              help="Flag sub-criteria whose spread is larger than this.")  # fmt: skip
@choice_option("--spread", choices=["range", "sd"], default="range")
@file_option(
    "--consensus",
    "consensus_path",
    help="Consensus scores: subcriterion, consensus_score, rationale.",
)
@choice_option(
    "--fallback",
    choices=["mean", "median", "none"],
    default="mean",
    help="Score used where no consensus was entered.",
)
@click.option(
    "--summary",
    is_flag=True,
    help="Show criterion, enablers, results and total scores instead of sub-criteria.",
)
@file_option(
    "--previous", "previous_path", help="Scores of a previous assessment: show the change."
)
@_allow_incomplete
@click.option("--all-columns", is_flag=True, help="Show every column (texts included).")
@input_options
@output_options
def caf_score(
    scores_path: Path,
    threshold: float,
    spread: str,
    consensus_path: Path | None,
    fallback: str,
    summary: bool,
    previous_path: Path | None,
    allow_incomplete: bool,
    all_columns: bool,
    fmt: str | None,
    output: Path | None,
) -> None:
    """Consolidate the assessors' scores in SCORES (CSV or xlsx)."""
    from qualitapa.caf import caf_scores, compare_assessments, consolidate

    def run(path: Path, consensus: Path | None) -> pd.DataFrame:
        return consolidate(
            _scores(path),
            threshold=threshold,
            spread=spread,
            consensus=_scores(consensus) if consensus else None,
            fallback=None if fallback == "none" else fallback,
            require_complete=not allow_incomplete,
            source=str(path),
        )

    current = run(scores_path, consensus_path)
    if previous_path is not None:
        result = compare_assessments(current, run(previous_path, None))
    elif summary:
        result = caf_scores(current)
    else:
        shown = all_columns or for_machines(fmt, output)
        result = current if shown else current[_SHOWN]
    emit(result, fmt, output)


@cli.group("plan")
def plan_group() -> None:
    """Improvement plans (piani di miglioramento)."""


@plan_group.command("derive")
@file_option(
    "--caf",
    "caf_path",
    help="The assessors' CAF scores (consolidated with defaults), or their consolidation "
    "('caf score SHEET --format csv').",
)
@click.option("--max-score", type=float, default=50.0, show_default=True,
              help="CAF sub-criteria at or below this get an action.")  # fmt: skip
@file_option("--compliance", "compliance_path", help="Output of 'standards check' (CSV).")
@file_option("--survey", "survey_path", help="Survey dimension scores: dimension, index (0-100).")
@click.option("--survey-threshold", type=float, default=60.0, show_default=True)
@file_option(
    "--benchmark",
    "benchmark_path",
    help="Output of 'indicators benchmark': indicator, [organization,] value, gap_to_median "
    "(in the indicator's unit, negative = worse; the polarity from the catalog).",
)
@complaint_options
@input_options
@output_options
def plan_derive(
    caf_path: Path | None,
    max_score: float,
    compliance_path: Path | None,
    survey_path: Path | None,
    survey_threshold: float,
    benchmark_path: Path | None,
    fmt: str | None,
    output: Path | None,
) -> None:
    """Propose prioritised actions from a CAF, a compliance check, a survey, a benchmark,
    the complaints register (recurring categories, late answers)."""
    from qualitapa.improvement import (
        actions_from_benchmark,
        actions_from_caf,
        actions_from_compliance,
        actions_from_survey,
        combine_actions,
    )

    from_complaints = complaint_actions()  # None without --complaints
    if (
        not any((caf_path, compliance_path, survey_path, benchmark_path))
        and from_complaints is None
    ):
        said = Message(
            "give at least one of --caf, --compliance, --survey, --benchmark, --complaints",
            N_("indicare almeno uno tra --caf, --compliance, --survey, --benchmark e --complaints"),
        )
        raise click.UsageError(said.render(messages()))
    tables = []
    if caf_path:
        tables.append(actions_from_caf(_subcriteria(caf_path), max_score=max_score))
    if compliance_path:
        tables.append(actions_from_compliance(_table(compliance_path), catalog=get_catalog()))
    if survey_path:
        tables.append(actions_from_survey(_table(survey_path), threshold=survey_threshold))
    if benchmark_path:
        tables.append(actions_from_benchmark(_table(benchmark_path), catalog=get_catalog()))
    if from_complaints is not None:
        tables.append(from_complaints)
    plan = combine_actions(*tables)
    if plan.empty:  # a valid answer: nothing needs an action
        t = messages()
        echo(
            t("nessuna azione proposta: nulla nei dati è oltre la sua soglia (--max-score, "
              "--survey-threshold, --recurring, --late-share) o al di sotto del suo standard"),
            err=True,
        )  # fmt: skip
        return
    _emit_plan(plan, fmt, output)


def _subcriteria(path: Path) -> pd.DataFrame:
    """The consolidated CAF sub-criteria of ``plan derive --caf``: the assessors' scores
    consolidated, or a consolidation as given (``caf score --format csv``).

    The criteria and total scores (``caf score --summary``, the demo's caf_scores.csv)
    have no sub-criteria to act on: an error says which file to give.
    """
    from qualitapa.caf import consolidate
    from qualitapa.errors import DataError

    table = _scores(path)
    if {"subcriterion", "final_score", "kind"} <= set(table.columns):
        return table
    if "assessor" not in table.columns and {"level", "id", "score"} <= set(table.columns):
        raise DataError(
            Message(
                "these are the CAF criteria and total scores ('caf score --summary', the "
                "demo's caf_scores.csv), without the sub-criteria the actions are about: give "
                "the assessors' scores (assessor, subcriterion, score: the sheet given to "
                "'caf score') or their consolidation ('caf score SHEET --format csv', the "
                "demo's caf_consolidated.csv)",
                N_(
                    "questi sono i punteggi dei criteri e il totale CAF ('caf score --summary', "
                    "caf_scores.csv della demo), senza i sottocriteri su cui vertono le azioni: "
                    "indicare i punteggi dei valutatori (assessor, subcriterion, score: il "
                    "foglio dato a 'caf score') o il loro consolidamento ('caf score FOGLIO "
                    "--format csv', caf_consolidated.csv della demo)"
                ),
            ),
            source=str(path),
        )
    return consolidate(table, require_complete=False, source=str(path))


#: The columns of an improvement plan that have no general header, for people.
_PLAN_HEADERS = {
    "source": N_("Origine dell'azione"),  # what it answers to (benchmark, survey ...), not a file
    "reference": N_("Riferimento"),
    "owner": N_("Responsabile"),
    "due": N_("Scadenza"),
    "expected_effect": N_("Effetto atteso"),
    "impact": N_("Impatto"),
    "urgency": N_("Urgenza"),
    "effort": N_("Sforzo"),
    "priority": N_("Priorità"),
    "evidence": N_("Evidenze"),
    "department": N_("Settore"),
    "activity": N_("Attività"),
}


def _emit_plan(frame: pd.DataFrame, fmt: str | None, output: Path | None) -> None:
    """An improvement plan: codes as they are for programs, in words with headers for people."""
    if for_machines(fmt, output):
        emit(frame, fmt, output)
        return
    from qualitapa.improvement import TRANSLATED_COLUMNS, ActionSource, ActionStatus, action_texts

    t = messages()
    out = frame.copy()
    # the title, effect and evidence in the reader's language, where the plan has them
    for column, twins in TRANSLATED_COLUMNS.items():
        if column in out.columns:
            out[column] = action_texts(out, column, t.lang)
        out = out.drop(columns=[c for c in twins.values() if c in out.columns])
    # an action's source and status in words: their labels
    for column, code in (("source", ActionSource), ("status", ActionStatus)):
        if column in out.columns:
            said = {member.value: t.text(member.label) for member in code}
            out[column] = out[column].map(lambda c, said=said: said.get(str(c), c))
    headers = {c: str(t(h)) for c, h in _PLAN_HEADERS.items() if c in out.columns}
    emit(out, fmt, output, headers=headers)


@plan_group.command("show")
@file_argument("plan_path", metavar="PLAN")
@click.option("--progress", is_flag=True, help="Counts by status, with overdue actions.")
@input_options
@output_options
def plan_show(plan_path: Path, progress: bool, fmt: str | None, output: Path | None) -> None:
    """Check an action table (CSV/xlsx) and show it by priority, or its progress."""
    from qualitapa.improvement import ImprovementPlan

    plan = ImprovementPlan.from_frame(_table(plan_path), source=str(plan_path))
    table = plan.to_frame()
    if table.empty:
        t = messages()
        raise nothing(t("il piano non ha azioni"), source=plan_path)
    _emit_plan(plan.progress() if progress else table, fmt, output)
