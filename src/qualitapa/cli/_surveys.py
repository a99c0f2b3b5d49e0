"""``qualitapa survey ...``: validate, score, weight and analyse satisfaction surveys.

INSTRUMENT is the id of an instrument in the catalog of installed plugins,
or a file: an XLSForm (``.xlsx``, a folder of CSV sheets, a ``survey.csv``)
or a TOML file with ``[[instruments]]`` (``defs.toml::id`` picks one when
the file has several).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import click
import pandas as pd

from qualitapa.cli._context import in_language, language
from qualitapa.cli._main import cli, echo, emit, get_catalog, nothing, read_input
from qualitapa.cli._options import (
    choice_option,
    file_argument,
    file_option,
    input_options,
    lang_option,
    output_options,
)
from qualitapa.cli._output import for_machines
from qualitapa.cli._survey_design import (
    DESIGN_OPTIONS,
    build_design,
    calibrated,
    declared,
    named_columns,
)

if TYPE_CHECKING:
    from qualitapa.surveys import IntervalMethod


def _instrument(spec: str) -> Any:
    """The instrument named by ``spec`` (catalog id, XLSForm or TOML file)."""
    from qualitapa.surveys import load_instrument

    return load_instrument(spec, catalog=get_catalog())


def _read_responses(path: Path) -> pd.DataFrame:
    """Responses (or margins), their organizations as the catalog's codes."""
    return read_input(path, catalog=get_catalog())


def _prepare(
    instrument: Any,
    responses_path: Path,
    weights: str | None,
    rake_path: Path | None,
    extra: tuple[str, ...],
) -> tuple[pd.DataFrame, str | None]:
    """Validate (lenient), weight by raking if asked; report on stderr."""
    from qualitapa.errors import DataError, Message
    from qualitapa.i18n import N_
    from qualitapa.surveys import margins_from_frame, prepare_responses

    if weights and rake_path:
        t = _t()
        raise click.UsageError(t("indicare --weights o --rake, non entrambi"))
    raw = _read_responses(responses_path)
    margins = None
    if rake_path is not None:
        table = _read_responses(rake_path)
        try:
            margins = margins_from_frame(table, source=str(rake_path))
        except DataError as exc:
            if {"variable", "category"} <= set(map(str, table.columns)):
                raise
            said = Message(
                "{error}; for this file: --calibrate {file} --calibration raking",
                N_("{error}; per questo file: --calibrate {file} --calibration raking"),
                error=exc.message, file=rake_path.name,
            )  # fmt: skip
            raise DataError(said, source=exc.source, row=exc.row, column=exc.column) from None
    ready = prepare_responses(
        instrument, raw, weights=weights, margins=margins, extra_columns=extra,
        source=str(responses_path),
    )  # fmt: skip
    result = ready.validation
    t = _t()
    if not result.ok:
        echo(
            t("{problems} in {file}; {dropped} (l'elenco: 'qualitapa survey validate')",
              problems=t.plural("{n} problema", "{n} problemi", len(result.problems)),
              file=responses_path,
              dropped=t.plural("{n} riga esclusa", "{n} righe escluse", result.n_dropped)),
            err=True,
        )  # fmt: skip
    if ready.clean.empty:
        raise nothing(_no_clean(result.n_input, len(result.problems)), source=responses_path)
    if ready.weighting is not None:
        res = ready.weighting
        echo(
            t("raking in {cycles}; effetto del disegno {deff}, N effettivo {n_eff}",
              cycles=t.plural("{n} ciclo", "{n} cicli", res.iterations),
              deff=t.number(res.design_effect, digits=3),
              n_eff=t.number(res.effective_n, digits=1)),
            err=True,
        )  # fmt: skip
    return ready.clean, ready.weights


def _t() -> Any:
    """The translator of the command's language (messages, Italian msgids)."""
    from qualitapa.i18n import translator

    return translator(language())


def _no_clean(n_input: int, n_problems: int) -> str:
    """Why no response is left to analyse, in words (in the command's language)."""
    t = _t()
    if n_input == 0:
        return str(t("nessuna risposta da analizzare: il file ha l'intestazione ma nessuna riga"))
    return str(
        t("nessuna risposta da analizzare: la validazione ha rifiutato {rows} ({problems}); "
          "l'elenco: 'qualitapa survey validate'",
          rows=t.plural("l'unica riga", "tutte le {n} righe", n_input),
          problems=t.plural("{n} problema", "{n} problemi", n_problems))
    )  # fmt: skip


def _labels(inst: Any, lang: str, of: str) -> dict[str, str]:
    """Dimension (``of="dimension"``, with the overall index) or question id -> label."""
    from qualitapa.surveys import OVERALL, OVERALL_LABEL

    if of == "dimension":
        return {d.id: d.label.get(lang) for d in inst.dimensions} | {
            OVERALL: OVERALL_LABEL.get(lang)
        }
    return {q.id: q.label.get(lang) for q in inst.questions}


def _labelled(
    frame: pd.DataFrame,
    inst: Any,
    lang: str,
    *,
    after: tuple[str, ...] = ("question",),
    of: str | None = None,
    people: bool = False,
) -> pd.DataFrame:
    """``frame`` with its labels in ``lang`` (organization names too).

    A ``label`` of the dimensions (``score_dimensions(lang=)`` gives it in
    ``lang``) is kept; otherwise ``label`` (``question_label`` when the frame
    has a ``label`` of its own, the answers') goes after the first column of
    ``after`` the frame has; ``of`` says whether its ids are of dimensions
    or questions (by default: as the column is named). For ``people`` (a
    table, not CSV or JSON) a ``dimension`` column shows the dimensions'
    labels instead of their codes, once (without a ``label`` repeating them).
    """
    from qualitapa._labelling import label_columns

    out = frame.copy()
    keys = [c for c in after if c in out.columns]
    named = [c for c in ("dimension",) if c in out.columns] if people else []
    if keys:
        key = keys[0]
        kind = of or ("dimension" if key == "dimension" else "question")
        labels = _labels(inst, lang, kind)
        shown = out[key].astype("string").map(labels).fillna("").astype(object)
        if people and kind == "dimension":  # the dimension by its label only
            named = sorted({*named, key})
            if key == "dimension" and "label" in out.columns:
                out = out.drop(columns="label")
        elif not (key == "dimension" and "label" in out.columns):  # else: already in lang
            target = "question_label" if "label" in out.columns else "label"
            out.insert(list(out.columns).index(key) + 1, target, shown)
    dimensions = _labels(inst, lang, "dimension")
    for column in named:
        out[column] = out[column].map(lambda c: dimensions.get(str(c), c))
    return label_columns(out, get_catalog(), lang, kinds=("organizations",))


def _survey_headers(lang: str) -> dict[str, str]:
    """Headers of the survey tables that differ from other commands' (on screen)."""
    from qualitapa.i18n import translator

    t = translator(lang)
    return {"index": t("Indice (0-100)"), "variable": t("Aspetto")}


def _by(value: tuple[str, ...]) -> list[str] | None:
    cols = [c for v in value for c in v.split(",") if c]
    return cols or None


class _Sample(NamedTuple):
    """The instrument and its clean (weighted) responses, ready to analyse.

    With a sampling design (``--strata``, ``--clusters``, ``--fpc`` or
    ``--design``) ``design`` is it, built on ``clean`` with the weights.
    """

    inst: Any
    clean: pd.DataFrame
    weights: str | None
    design: Any = None

    def weighting(self) -> dict[str, Any]:
        """The ``weights`` or ``design`` argument of the scoring functions."""
        if self.design is not None:
            return {"design": self.design}
        return {"weights": self.weights}


def _with_sample(command: Callable[..., None]) -> Callable[..., None]:
    """INSTRUMENT, RESPONSES, --weights, --rake and --extra become one ``sample``.

    The responses are read, validated (lenient) and raked as ``_prepare``
    says; the grouping columns (``--by``) are expected columns.
    """

    @functools.wraps(command)
    def run(
        *,
        instrument: str,
        responses: Path,
        weights: str | None,
        rake_path: Path | None,
        extra: tuple[str, ...],
        **options: Any,
    ) -> None:
        groups = _by(options["by"]) or () if "by" in options else (options["group"],)
        spec, calibration = declared(options, rake_path)
        inst = _instrument(instrument)
        columns = (*extra, *groups, *named_columns(spec, calibration))
        clean, w = _prepare(inst, responses, weights, rake_path, columns)
        design = None
        if spec is not None or calibration is not None:
            design = build_design(clean, spec or {}, w, str(responses))
            if calibration is not None:
                design = calibrated(design, calibration, str(responses), clean.index.tolist())
        command(_Sample(inst, clean, w, design), **options)

    return run


@cli.group("survey")
def survey_group() -> None:
    """Citizen-satisfaction surveys: validate, score, weight, IPA, plan."""


_instrument_arg = click.argument("instrument")
_responses_arg = file_argument("responses")
_by_opt = click.option(
    "--by", multiple=True, help="Grouping column(s), e.g. --by organization --by period."
)
_weights_opt = click.option("--weights", default=None, help="Column of survey weights.")
_rake_opt = file_option(
    "--rake",
    "rake_path",
    help="CSV of population margins (variable,category,target) to rake the sample to.",
)
_extra_opt = click.option(
    "--extra",
    multiple=True,
    help="Other expected columns (profile variables...), not reported as unknown.",
)


def _design_options(command: Callable[..., None]) -> Callable[..., None]:
    """The design path's options (--strata ... --design, --calibrate ... --trim) on ``command``."""
    for decorate in reversed(DESIGN_OPTIONS):
        command = decorate(command)
    return command


#: compare's and benchmark's one grouping column.
_group_opt = click.option("--by", "group", default="organization", show_default=True)


def _sample_options(command: Callable[..., None]) -> Callable[..., None]:
    """The analyses' last options (--extra, input, output, --lang) and their ``sample``.

    The options in this order on the command, the command wrapped by ``_with_sample``.
    """
    for decorate in (_with_sample, lang_option, output_options, input_options, _extra_opt):
        command = decorate(command)
    return command


@survey_group.command("validate")
@_instrument_arg
@_responses_arg
@click.option("--strict", is_flag=True, help="Fail (exit 1) on any problem.")
@choice_option(
    "--drop",
    choices=["row", "cell"],
    default="row",
    help="Drop the respondent, or blank only the bad answer.",
)
@click.option(
    "--clean",
    "clean_path",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=None,
    help="Write the clean responses to this CSV.",
)
@_extra_opt
@input_options
@output_options
@lang_option
def validate_command(
    instrument: str,
    responses: Path,
    strict: bool,
    drop: str,
    clean_path: Path | None,
    extra: tuple[str, ...],
    fmt: str | None,
    output: Path | None,
    lang: str,
) -> None:
    """Check RESPONSES against INSTRUMENT and list every problem.

    Each problem's question and organization are named in --lang.
    """
    from qualitapa.io import write_csv
    from qualitapa.surveys import DEFAULT_EXTRA_COLUMNS, validate

    inst = _instrument(instrument)
    raw = _read_responses(responses)
    result = validate(
        inst,
        raw,
        mode="strict" if strict else "lenient",
        drop=drop,
        extra_columns=(*DEFAULT_EXTRA_COLUMNS, *extra),
        source=str(responses),
        lang=lang,
    )
    if clean_path is not None:
        write_csv(result.clean, clean_path)
    t = _t()
    echo(
        t("{read}, {clean} senza problemi, {problems}",
          read=t.plural("{n} riga letta", "{n} righe lette", result.n_input),
          clean=len(result.clean),
          problems=t.plural("{n} problema", "{n} problemi", len(result.problems))),
        err=True,
    )  # fmt: skip
    shown = _labelled(result.problems, inst, lang, people=not for_machines(fmt, output))
    emit(shown, fmt, output, lang=lang)
    if result.clean.empty:
        raise nothing(_no_clean(result.n_input, len(result.problems)), source=responses)


@survey_group.command("score")
@_instrument_arg
@_responses_arg
@_by_opt
@_weights_opt
@_rake_opt
@choice_option(
    "--level",
    choices=["dimensions", "items", "nps", "distribution", "reliability"],
    default="dimensions",
    help="What to report.",
)
@click.option("--min-n", default=30, show_default=True, help="Flag groups with fewer answers.")
@click.option("--suppress", is_flag=True, help="Blank the estimates of flagged groups.")
@click.option("--bootstrap", "n_boot", default=0, help="Bootstrap replicates for the intervals.")
@click.option("--seed", default=None, type=int, help="Random seed of the bootstrap.")
@click.option(
    "--include-local",
    is_flag=True,
    help="Dimension indices with the local questions too (asked in some organizations "
    "only): each organization's indices use its own; not comparable across organizations.",
)
@_design_options
@_sample_options
def score_command(
    sample: _Sample,
    by: tuple[str, ...],
    level: str,
    min_n: int,
    suppress: bool,
    n_boot: int,
    seed: int | None,
    include_local: bool,
    fmt: str | None,
    output: Path | None,
    lang: str,
) -> None:
    """Score RESPONSES: dimension indices (0-100), items, NPS, distribution, reliability.

    Dimensions, questions, answers and organizations are named in --lang.
    Dimension indices use the questions every organization asks, unless
    --include-local. With the sampling design (--strata, --clusters, --fpc
    or --design) standard errors, intervals and the design effects (deff)
    are those of the design (Taylor linearisation, groups as domains).
    """
    from qualitapa.surveys import distribution, nps, reliability, score_dimensions, score_items

    inst, clean = sample.inst, sample.clean
    groups = _by(by)
    method: IntervalMethod = "bootstrap" if n_boot > 0 else "kish"
    common: dict[str, Any] = {"by": groups, **sample.weighting()}
    if level in ("dimensions", "items"):
        if include_local and level != "dimensions":
            t = _t()
            raise click.UsageError(t("--include-local vale solo con --level dimensions"))
        options: dict[str, Any] = (
            {"lang": lang, "include_local": include_local} if level == "dimensions" else {}
        )
        score = score_dimensions if level == "dimensions" else score_items
        frame = score(
            inst, clean, **common, min_n=min_n, suppress=suppress, method=method, n_boot=n_boot,
            seed=seed, **options,
        )  # fmt: skip
    elif level == "nps":
        frame = nps(inst, clean, **common, min_n=min_n, suppress=suppress)
    elif level == "distribution":
        frame = distribution(inst, clean, **common, lang=lang)
    else:
        frame = reliability(inst, clean, by=groups)
    if level != "distribution" and "n" in frame.columns and not frame["n"].fillna(0).any():
        raise nothing(
            _t().plural(
                "nulla da calcolare: l'unica risposta valida non risponde a nessuna domanda "
                "con punteggio (ogni risposta è vuota o 'non so')",
                "nulla da calcolare: nessuna delle {n} risposte valide risponde a una domanda "
                "con punteggio (ogni risposta è vuota o 'non so')",
                len(clean),
            )
        )
    frame = _labelled(frame, inst, lang, after=("dimension",) if level in ("dimensions",
        "reliability") else ("question",), people=not for_machines(fmt, output))  # fmt: skip
    emit(frame, fmt, output, lang=lang, headers=_survey_headers(lang))


@survey_group.command("ipa")
@_instrument_arg
@_responses_arg
@_by_opt
@_weights_opt
@_rake_opt
@choice_option("--importance", choices=["auto", "stated", "derived"], default="auto")
@choice_option("--derived", choices=["correlation", "regression"], default="correlation")
@click.option("--overall", default=None, help="Overall-satisfaction question (derived importance).")
@click.option(
    "--axes",
    default="mean",
    show_default=True,
    help="Where the axes cross: mean, median, or X,Y values.",
)
@click.option("--bootstrap", "n_boot", default=0, help="Bootstrap replicates (membership).")
@click.option("--seed", default=None, type=int)
@_design_options
@_sample_options
def ipa_command(
    sample: _Sample,
    by: tuple[str, ...],
    importance: str,
    derived: str,
    overall: str | None,
    axes: str,
    n_boot: int,
    seed: int | None,
    fmt: str | None,
    output: Path | None,
    lang: str,
) -> None:
    """Importance-performance analysis: quadrant of each item (labelled in --lang)."""
    from qualitapa.surveys import ipa

    axes_value: Any = axes
    if axes not in ("mean", "median"):
        try:
            x, y = (float(v) for v in axes.split(","))
        except ValueError:
            t = _t()
            raise click.BadParameter(
                t("indicare mean, median o due numeri X,Y"), param_hint="--axes"
            ) from None
        axes_value = (x, y)
    frame = ipa(
        sample.inst, sample.clean, by=_by(by), importance=importance, derived=derived,
        overall=overall, axes=axes_value, n_boot=n_boot, seed=seed, **sample.weighting(),
    )  # fmt: skip
    frame = _labelled(frame, sample.inst, lang, people=not for_machines(fmt, output))
    emit(frame, fmt, output, lang=lang, headers=_survey_headers(lang))


@survey_group.command("compare")
@_instrument_arg
@_responses_arg
@_group_opt
@choice_option("--on", choices=["dimensions", "items"], default="dimensions")
@click.option("--share", is_flag=True, help="Compare top-box shares (chi-square) on items.")
@click.option(
    "--nonparametric", is_flag=True, help="Mann-Whitney / Kruskal-Wallis (unweighted only)."
)
@click.option("--pairwise", is_flag=True, help="Also test every pair of groups.")
@choice_option("--correction", choices=["holm", "bonferroni", "fdr_bh", "none"], default="holm")
@_weights_opt
@_rake_opt
@_design_options
@_sample_options
def compare_command(
    sample: _Sample,
    group: str,
    on: str,
    share: bool,
    nonparametric: bool,
    pairwise: bool,
    correction: str,
    fmt: str | None,
    output: Path | None,
    lang: str,
) -> None:
    """Test differences between organizations (or years) with correction.

    With --weights or --rake the tests are design-based: Welch t / F on
    weighted means with the Kish effective sample size, Rao-Scott
    chi-square for shares. With the sampling design (--strata, --clusters,
    --fpc or --design) they are the design's: t and Wald F with the design's
    degrees of freedom, Rao-Scott F for shares.
    """
    from qualitapa.surveys import compare_groups

    frame = compare_groups(
        sample.inst,
        sample.clean,
        by=group,
        on="items" if share else on,
        kind="share" if share else "mean",
        test="nonparametric" if nonparametric else "parametric",
        pairwise=pairwise,
        correction=None if correction == "none" else correction,
        **sample.weighting(),
    )
    # an omnibus test (every group at once) has no group A or B: its A/B counts are blank,
    # not everyone and 0
    groups = frame[["group_a", "group_b"]].astype("string").fillna("")
    omnibus = (groups["group_a"] == "") & (groups["group_b"] == "")
    for column in [c for c in ("n_a", "n_b", "n_eff_a", "n_eff_b") if c in frame.columns]:
        whole = pd.api.types.is_integer_dtype(frame[column])
        kind = pd.Int64Dtype() if whole else pd.Float64Dtype()
        frame[column] = frame[column].astype(kind).mask(omnibus)
    of = "question" if share or on == "items" else "dimension"
    frame = _labelled(
        frame, sample.inst, lang, after=("variable",), of=of, people=not for_machines(fmt, output)
    )
    emit(frame, fmt, output, lang=lang, headers=_survey_headers(lang))


@survey_group.command("benchmark")
@_instrument_arg
@_responses_arg
@_group_opt
@_weights_opt
@_rake_opt
@click.option("--tidy", is_flag=True, help="One row per city and dimension instead of a grid.")
@_design_options
@_sample_options
def benchmark_command(
    sample: _Sample, group: str, tidy: bool, fmt: str | None, output: Path | None, lang: str
) -> None:
    """Dimension indices of every city, the best of each dimension marked with *.

    Dimensions are labelled in --lang; on screen the grid's columns are the
    cities' names in --lang (CSV and JSON keep their codes).
    """
    from qualitapa._organizations import organization_names
    from qualitapa.surveys import benchmark_table, score_dimensions

    scores = score_dimensions(sample.inst, sample.clean, by=group, lang=lang,
                              **sample.weighting())  # fmt: skip
    people = not for_machines(fmt, output)
    table = _with_design_effects(benchmark_table(scores, by=group, wide=not tidy), scores,
                                 group=group, people=people)  # fmt: skip
    frame = _labelled(table, sample.inst, lang, after=("dimension",), people=people)
    if people and not tidy:  # the grid's cells are numbers written as text: in --lang
        from qualitapa.cli._output import numbers_in_language

        frame = numbers_in_language(frame, lang, [c for c in table.columns if c != "dimension"])
    headers = _survey_headers(lang)
    if not tidy and group == "organization":
        names = organization_names(get_catalog(), lang)
        headers.update({c: names[c] for c in frame.columns if c in names})
    emit(frame, fmt, output, lang=lang, headers=headers)


def _with_design_effects(
    table: pd.DataFrame, scores: pd.DataFrame, *, group: str, people: bool
) -> pd.DataFrame:
    """The benchmark with the design effects: a column (tidy), or a last row of the grid.

    The grid's row gives each city's design effect of the overall index.
    """
    from qualitapa.surveys import OVERALL

    if "deff" not in scores.columns:
        return table
    if "rank" in table.columns:  # tidy: the rows of the scores, in their order
        return table.assign(deff=scores["deff"].to_numpy())
    t = _t()
    overall = scores[scores["dimension"] == OVERALL].set_index(group)["deff"]
    # written as the grid's own numbers (benchmark_table's text)
    row = {
        c: f"{overall[c]:.2f}" if pd.notna(overall[c]) else ""
        for c in table.columns
        if c in overall.index
    }
    name = t("effetto del disegno (indice complessivo)") if people else "deff"
    return pd.concat([table, pd.DataFrame([{"dimension": name, **row}])], ignore_index=True)


@survey_group.command("sample-size")
@click.option("--population", type=int, default=None, help="Population size N (users).")
@click.option("--margin", type=float, default=0.05, show_default=True, help="Margin of error.")
@click.option("--confidence", type=float, default=0.95, show_default=True)
@click.option("--proportion", type=float, default=0.5, show_default=True)
@click.option("--sd", type=float, default=None, help="Expected SD: plan for a mean.")
@click.option("--response-rate", type=float, default=1.0, show_default=True)
@click.option("--design-effect", type=float, default=1.0, show_default=True)
@click.option(
    "--n",
    "achieved",
    type=int,
    default=None,
    help="Instead: the margin of error achieved by N respondents.",
)
@output_options
def sample_size_command(
    population: int | None,
    margin: float,
    confidence: float,
    proportion: float,
    sd: float | None,
    response_rate: float,
    design_effect: float,
    achieved: int | None,
    fmt: str | None,
    output: Path | None,
) -> None:
    """Respondents (and contacts) needed for a margin of error, or the inverse."""
    from qualitapa.surveys import margin_of_error, sample_size

    common: dict[str, Any] = {
        "confidence": confidence, "population": population, "proportion": proportion,
        "sd": sd, "design_effect": design_effect,
    }  # fmt: skip
    try:
        if achieved is not None:
            frame = margin_of_error(achieved, **common)
        else:
            frame = sample_size(margin=margin, response_rate=response_rate, **common)
    except ValueError as exc:  # a value out of its range: the library's Message
        raise click.UsageError(in_language(exc.args[0])) from None
    from qualitapa.cli._headers import SAMPLE_SIZE_HEADERS

    emit(frame, fmt, output, headers={c: _t()(w) for c, w in SAMPLE_SIZE_HEADERS.items()})


@survey_group.command("import-xlsform")
@click.argument("form", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--to",
    "target",
    type=click.Path(path_type=Path),
    default=None,
    help="Also write the form back out (an .xlsx or a folder of CSV sheets).",
)
@output_options
@lang_option
def import_xlsform_command(
    form: Path, target: Path | None, fmt: str | None, output: Path | None, lang: str
) -> None:
    """Read an XLSForm and list its questions, labelled in --lang (checks the form)."""
    from qualitapa.surveys import read_xlsform

    inst = read_xlsform(form)
    t = _t()
    echo(
        t("questionario {id} versione {version}: {questions}, {dimensions}", id=repr(inst.id),
          version=inst.version,
          questions=t.plural("{n} domanda", "{n} domande", len(inst.questions)),
          dimensions=t.plural("{n} dimensione", "{n} dimensioni", len(inst.dimensions))),
        err=True,
    )  # fmt: skip
    if target is not None:
        inst.to_xlsform(target)
    emit(inst.to_frame(lang), fmt, output, lang=lang)


@survey_group.command("import-export")
@_instrument_arg
@file_argument("export")
@click.option("--tool", type=click.Choice(["kobo", "limesurvey"]), required=True)
@input_options
@output_options
def import_export_command(
    instrument: str, export: Path, tool: str, fmt: str | None, output: Path | None
) -> None:
    """Convert a KoboToolbox or LimeSurvey CSV export to the response layout."""
    from qualitapa.errors import DataError
    from qualitapa.surveys import import_kobo, import_limesurvey

    inst = _instrument(instrument)
    fn = import_kobo if tool == "kobo" else import_limesurvey
    # the export's cells as written (the import maps the tool's codes), read with the
    # command's reading options (delimiter, encoding, standard input...)
    table = read_input(export, dtype=str, keep_default_na=False)
    source = "<stdin>" if str(export) == "-" else str(export)
    try:
        frame = fn(table, inst, source=source, strict=True)
    except DataError as exc:
        problems = exc.failure_cases
        if problems is None or not len(problems):
            raise
        first = problems.iloc[0]
        t = _t()
        echo(
            t.plural(
                "{n} risposta non corrisponde a nessun codice del questionario, tenuta com'è "
                "('qualitapa survey validate' la elenca e la rifiuta): riga {row}, colonna "
                "{column}, {value}: {message}",
                "{n} risposte non corrispondono a nessun codice del questionario, tenute come "
                "sono ('qualitapa survey validate' le elenca e le rifiuta); la prima: riga "
                "{row}, colonna {column}, {value}: {message}",
                len(problems), row=first["row"], column=repr(first["column"]),
                value=repr(first["value"]), message=first["message"],
            ),
            err=True,
        )  # fmt: skip
        frame = fn(table, inst, source=source)
    if frame.empty:
        t = _t()
        raise nothing(t("l'esportazione non ha risposte"), source=export)
    emit(frame, fmt or ("csv" if output is None else None), output)
