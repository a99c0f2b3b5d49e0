"""``qualitapa demo``: the whole quality cycle on the plugins' demo data."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from qualitapa.cli._context import verbosity
from qualitapa.cli._main import cli, echo, get_catalog
from qualitapa.cli._options import lang_option

if TYPE_CHECKING:
    from qualitapa.demo import Scale


@cli.command("demo")
@click.option(
    "--out",
    "-o",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("demo-output"),
    show_default=True,
    help="Folder for the results.",
)
@click.option(
    "--scale",
    type=click.Choice(["cities", "national"]),
    default="cities",
    show_default=True,
    help="cities: the demo profile's cities, every step; national: indicators, benchmark and "
    "composites for ~7,900 synthetic municipalities.",
)
@click.option(
    "--profile",
    default=None,
    help="Demo profile (from the plugins) saying which DEA models, survey margins, peer group "
    "and city to use. Default: the only one installed.",
)
@click.option(
    "--organization",
    default=None,
    help="City highlighted in the reports and whose improvement plan is derived (ISTAT code "
    "or name). Default: the profile's.",
)
@click.option(
    "--peer-group",
    default=None,
    help="Peer group the benchmark compares within. Default: the profile's.",
)
@lang_option
@click.option(
    "--runs", default=200, show_default=True, help="Monte Carlo runs of the composite analysis."
)
@click.option("--seed", default=0, show_default=True, help="Seed of every random step.")
@click.option(
    "--force",
    is_flag=True,
    help="Write into a non-empty folder that is not a demo output, and replace files of a "
    "previous demo changed since. Files the demo did not write, and a register changed "
    "since, are never replaced.",
)
def demo_command(
    out: Path,
    scale: Scale,
    profile: str | None,
    organization: str | None,
    peer_group: str | None,
    lang: str,
    runs: int,
    seed: int,
    force: bool,
) -> None:
    """Run the quality cycle on the installed plugins' demo data.

    Computes and benchmarks the indicators, composite indices with uncertainty
    and DEA; validates, weights and scores the satisfaction survey; imports the
    complaints into a register and computes their KPIs; checks the service
    charters; consolidates the CAF self-assessment; derives an improvement plan;
    and writes CSV tables, summary.md, HTML reports, an open-data package and an
    Excel workbook to OUT. All demo data is synthetic.

    OUT must be empty, new, or the output of a previous demo: the demo lists
    the files it writes in OUT/qualitapa-demo.json and a rerun replaces those
    only (refusing files changed since, unless --force). It never deletes a
    file it did not write, such as your own complaints.db.
    """
    from qualitapa.cli._progress import StepProgress
    from qualitapa.demo import run_demo
    from qualitapa.i18n import translator

    catalog = get_catalog()
    if organization is not None:  # its note before the bar
        organization = catalog.resolve_organization(organization)
    with StepProgress(lang, verbosity=verbosity()) as progress:
        result = run_demo(
            out,
            catalog=catalog,
            scale=scale,
            profile=profile,
            organization=organization,
            peer_group=peer_group,
            lang=lang,
            uncertainty_runs=runs,
            seed=seed,
            progress=progress,
            force=force,
        )
    t = translator(lang)
    echo(
        t(
            "scritti {n} file in {out} in {seconds} s; iniziare da {summary}",
            n=len(result.files),
            out=result.out,
            seconds=t.number(time.perf_counter() - progress.start, digits=1),
            summary=result.out / "summary.md",
        ),
        err=True,
    )
