"""The end-to-end demo: the whole quality cycle on the plugins' demo data.

:func:`run_demo` finds the data files the installed plugins ship (the
``qualitapa_datasets`` hook, by ``kind``), runs every part of the library on
them and writes the results to a folder: CSV tables (named as
:data:`qualitapa.reporting.RESULT_FILES` expects, so ``qualitapa report
--results DIR`` works on them), a readable ``summary.md``, one HTML report per
service, an open-data package and an Excel workbook.

The demo is a pipeline: :data:`PIPELINE` lists the steps, functions of a
typed :class:`~qualitapa.demo._state.DemoState`, each reading what earlier
steps left. What to run on the data (DEA models, survey margins, peer
group, highlighted city) comes from a :class:`~qualitapa.demo.DemoProfile`
that a plugin contributes, or from the caller.

``scale="national"`` runs the indicator part on a synthetic national set of
about 7,900 municipalities instead, with variable profiles fitted to the
demo data.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Literal

import attrs
import pandas as pd

from qualitapa.catalog import Catalog, default_catalog
from qualitapa.demo import _publish, _steps_indicators, _steps_programme, _steps_services
from qualitapa.demo._national import national_catalog, national_raw
from qualitapa.demo._output import DemoFolder
from qualitapa.demo._profile import DemoProfile, select_profile
from qualitapa.demo._state import (
    SCALES,
    DemoOptions,
    DemoResult,
    DemoState,
    Progress,
    ProgressEvent,
    Scale,
    datasets,
    load,
)
from qualitapa.demo._summary import summary
from qualitapa.demo._synthetic import N_MUNICIPALITIES
from qualitapa.errors import DataError
from qualitapa.i18n import N_, check_language, translator
from qualitapa.models import Dataset


@attrs.frozen
class Step:
    """One step of the demo: its progress label (an Italian msgid), its function and scales."""

    label: str
    run: Callable[[DemoState], None]
    scales: tuple[Scale, ...] = ("cities",)


#: The demo's steps, in order.
#: Surveys and complaints come before the indicators: their satisfaction indices and
#: KPIs are indicator values too (perceived quality), which benchmarks and composite
#: indices use.
PIPELINE: tuple[Step, ...] = (
    Step(N_("indagini di soddisfazione: verifica, pesi, punteggi"), _steps_services.surveys),
    Step(N_("reclami: registro, termini, indicatori"), _steps_services.complaints),
    Step(
        N_("indicatori: calcolo, benchmark, andamenti, obiettivi"),
        _steps_indicators.indicators,
        SCALES,
    ),
    Step(N_("indici compositi con analisi di incertezza"), _steps_indicators.composites, SCALES),
    Step(N_("frontiere di efficienza (DEA)"), _steps_indicators.dea),
    Step(N_("carte dei servizi: rispetto degli standard"), _steps_services.standards),
    Step(N_("autovalutazione CAF"), _steps_services.caf),
    Step(N_("piano di miglioramento"), _steps_services.improvement_plan),
    Step(N_("rapporti, dati aperti ed Excel"), _publish.publish),
    Step(N_("portale della qualità (sito statico)"), _publish.portal),
)


def run_demo(
    out: str | Path,
    *,
    catalog: Catalog | None = None,
    scale: Scale | Literal["qclub"] = "cities",
    profile: str | DemoProfile | None = None,
    organization: str | None = None,
    peer_group: str | None = None,
    lang: str = "it",
    uncertainty_runs: int = 200,
    seed: int = 0,
    progress: Progress | None = None,
    national_size: int = N_MUNICIPALITIES,
    force: bool = False,
) -> DemoResult:
    """Run the whole quality cycle on the installed plugins' demo data.

    Parameters
    ----------
    out
        Output folder: new, empty or the output of a previous demo, whose
        files (listed in its manifest, :data:`~qualitapa.demo.MANIFEST`)
        are replaced; files the demo did not write are never touched (see
        :class:`~qualitapa.demo.DemoFolder`). The results appear only when
        every step has succeeded.
    catalog
        The catalog to use (default: :func:`qualitapa.default_catalog`).
    scale
        ``"cities"`` (the profile's cities, every step) or ``"national"``
        (indicators, benchmark and composites for a synthetic national set of
        municipalities with profiles fitted to the demo data).
    profile
        The :class:`~qualitapa.demo.DemoProfile` (or its id) saying which
        DEA models, survey margins, peer group and city to use (default:
        the only profile the plugins contribute; none: no DEA, no raking).
    organization
        The city whose improvement plan is derived and which the reports
        highlight (default: the profile's ``highlight``).
    peer_group
        The peer group benchmarks compare within (default: the profile's,
        at national scale none).
    lang
        Language of the reports, ``summary.md`` and the labels of the Excel
        workbook and the open-data package (``"it"``, ``"en"``, ``"de"`` or any
        well-formed code, falling back to Italian); cities are named in it
        (*Bozen* in German).
    uncertainty_runs
        Monte Carlo runs of the composite uncertainty analysis.
    seed
        Seed for every random step.
    progress
        Called with a :class:`~qualitapa.demo.ProgressEvent` before each step
        and before each sub-step of the last one (each service's report,
        section by section, the open-data package, the Excel workbook);
        ``str(event)`` is a line for people. The CLI draws a progress bar
        with an estimate of the time left.
    national_size
        Number of synthetic municipalities at national scale (default: as
        many as Italy has, 7,896).
    force
        Also write into a non-empty folder that is not a demo output, and
        replace files of a previous demo changed since (never a register
        changed since, never a file the demo did not write).

    Returns
    -------
    DemoResult

    Raises
    ------
    DataError
        No installed plugin ships indicator demo data (install the plugins
        under ``plugins/``); several demo profiles and none chosen; the
        output folder holds files the demo did not write (see ``force``), or
        changed ones.
    UnknownItemError
        An unknown profile, organization or peer group.
    OptionError
        ``lang`` is not a well-formed language code.
    """
    check_language(lang, "lang")
    catalog = catalog if catalog is not None else default_catalog()
    scale = _checked_scale(scale)
    sets = _indicator_sets(catalog)
    chosen = select_profile(catalog, profile)
    options = DemoOptions(
        profile=chosen,
        scale=scale,
        organization=organization if organization is not None else chosen.highlight,
        # the profile's peer group is for its cities, not for a synthetic national set
        peer_group=peer_group or (None if scale == "national" else chosen.peer_group),
        lang=lang,
        uncertainty_runs=uncertainty_runs,
        seed=seed,
        national_size=national_size,
    )
    if options.peer_group is not None:
        catalog.peer_groups[options.peer_group]  # UnknownItemError with suggestions
    return _run_in(DemoFolder(out, force=force), catalog, options, sets, progress)


def _checked_scale(scale: Scale | Literal["qclub"]) -> Scale:
    """``scale`` as the demo knows it (``"qclub"``, deprecated, is ``"cities"``)."""
    if scale == "qclub":
        warnings.warn(
            "scale 'qclub' is now called 'cities' (the demo profile's cities); 'qclub' will "
            "be refused from 0.3.0",
            DeprecationWarning,
            stacklevel=3,  # the caller of run_demo
        )
        return "cities"
    if scale not in SCALES:
        raise DataError(f"unknown scale {scale!r}: use 'cities' or 'national'", column="scale")
    return scale


def _indicator_sets(catalog: Catalog) -> list[Dataset]:
    """The indicator demo data the installed plugins ship (refused when there is none)."""
    sets = datasets(catalog, "indicator_data")
    if not sets:
        raise DataError(
            "no installed plugin ships indicator demo data: install the plugins under plugins/ "
            "(see README.md)"
        )
    return sets


def _run_in(
    folder: DemoFolder,
    catalog: Catalog,
    options: DemoOptions,
    sets: list[Dataset],
    progress: Progress | None,
) -> DemoResult:
    """The pipeline in a staging folder that becomes ``folder``'s output once every step ran."""
    folder.prepare()
    with folder.staging() as stage:
        state = DemoState(catalog=catalog, options=options, result=DemoResult(out=stage))
        run_pipeline(state, load(sets), progress or (lambda event: None))
        folder.commit(stage)
    state.result.out = folder.out
    return state.result


def run_pipeline(state: DemoState, raw: pd.DataFrame, say: Progress) -> None:
    """Every step of :data:`PIPELINE` for the state's scale on ``raw``, then ``summary.md``."""
    options = state.options
    state.progress = say
    t = translator(options.lang)
    steps = [s for s in PIPELINE if options.scale in s.scales]
    if options.scale == "national":
        making = t("generazione di un insieme nazionale sintetico di comuni")
        say(ProgressEvent(0, len(steps), making))
        municipalities, raw = national_raw(raw, state.catalog, options.national_size, options.seed)
        state.names = dict(zip(municipalities["organization"], municipalities["name"], strict=True))
        state.catalog = national_catalog(state.catalog, municipalities)
    state.raw = raw
    state.period = int(pd.to_numeric(raw["period"]).max())  # the complaints' reference year
    if options.scale == "cities":  # the training records give the city's training variables
        state.programme = _steps_programme.programme_sheets(state.catalog)
        _steps_programme.join_training(state)
    for n, step in enumerate(steps, start=1):
        state.step = ProgressEvent(n, len(steps), t(step.label))
        say(state.step)
        step.run(state)
    (state.result.out / "summary.md").write_text(summary(state), encoding="utf-8")
    state.result.files.append("summary.md")
