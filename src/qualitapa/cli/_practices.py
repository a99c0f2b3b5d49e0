"""``qualitapa practices ...``: the good practices of the cities that do better.

``practices suggest`` reads a benchmark table (``--benchmark FILE``, or the
``indicator_benchmark.csv`` that ``qualitapa demo`` writes in its results
folder, ``--results DIR``) and the register of good practices (the
programme store, ``--db``, or a ``practices`` sheet, ``--practices FILE``),
and lists, for the city's worst gaps, the practices of the cities that
perform better (:func:`~qualitapa.programme.suggest_practices`).

The table for people names the indicators and the cities (the catalog's
labels) and gives each practice's title in the language; CSV, JSON and
Excel keep the ids and every column of the library's table. A city with
no gap on which a better city has a practice is an answer, not a fault:
the command says so and exits with status 0.
"""

from __future__ import annotations

from pathlib import Path

import click
import pandas as pd

from qualitapa.cli._main import cli as root
from qualitapa.cli._main import echo, emit, for_people, get_catalog, nothing, perhaps, read_input
from qualitapa.cli._options import (
    DIR,
    READ_OPTIONS,
    file_option,
    input_options,
    lang_option,
    output_options,
)
from qualitapa.cli._programme import DB_ENV, _, _store
from qualitapa.errors import DataError, QualitapaError
from qualitapa.i18n import N_, translator

#: The benchmark table ``qualitapa demo`` writes in its results folder.
BENCHMARK_FILE = "indicator_benchmark.csv"

#: Headers of the suggestions for people (Italian msgids).
HEADERS = {
    "indicator_label": N_("Indicatore"),
    "period": N_("Periodo"),
    "value": N_("Valore"),
    "rank": N_("Posizione"),
    "n": N_("Enti confrontati"),
    "gap_to_best": N_("Distanza dal migliore"),
    "relative_gap": N_("Distanza relativa"),
    "practice_organization_name": N_("Ente che fa meglio"),
    "practice_rank": N_("Sua posizione"),
    "best_value": N_("Suo valore"),
    "practice": N_("Buona pratica"),
    "service": N_("Servizio"),
    "since": N_("Dal"),
}


def _benchmark(benchmark: Path | None, results: Path | None) -> tuple[pd.DataFrame, str]:
    """The benchmark table and where it was read from."""
    if (benchmark is None) == (results is None):
        raise click.UsageError(_("indicare il benchmark: --benchmark FILE o --results CARTELLA"))
    if results is not None:
        path = results / BENCHMARK_FILE
        if not path.is_file():
            raise DataError(
                _("{file} non c'è: indicare la cartella dei risultati di 'qualitapa demo' "
                  "(-o), oppure la tabella con --benchmark", file=BENCHMARK_FILE),
                source=str(results),
            )  # fmt: skip
    else:
        path = benchmark  # type: ignore[assignment]  # one of the two is given
    text = {"organization": "string", "period": "string", "indicator": "string"}
    return read_input(path, dtype=text), str(path)


def read_practices(practices: Path) -> pd.DataFrame:
    """A ``practices`` sheet file, read and checked with the command's input options."""
    from qualitapa.programme import check_sheet, read_sheet

    options = dict(click.get_current_context().meta.get(READ_OPTIONS, {}))
    date_format = options.pop("date_format", None)
    raw = read_sheet(practices, "practices", **options)
    return check_sheet(raw, "practices", source=str(practices), date_format=date_format)


def _practices(db: Path | None, practices: Path | None) -> tuple[pd.DataFrame, str]:
    """The register of good practices: a sheet file, else the programme store."""
    if practices is not None:
        return read_practices(practices), str(practices)
    path = db if db is not None else Path("programme.db")
    with _store(path, readonly=True) as store:
        return store.table("practices"), str(path)


def _organization_code(organization: str, bench: pd.DataFrame, source: str) -> str:
    """``organization``'s code in the benchmark: the code, or a city's name the catalog knows.

    An error naming the closest ids when it is neither.
    """
    known = sorted(set(bench["organization"].astype(str))) if "organization" in bench else []
    if organization in known:
        return organization
    try:  # a name (Modena) or a code without its leading zero: the catalog's code, with a note
        code = str(
            get_catalog()
            .resolve_organizations(pd.DataFrame({"organization": [organization]}))
            .iloc[0]["organization"]
        )
    except QualitapaError:
        code = organization
    if code in known:
        return code
    raise DataError(_("ente {value} non presente nel benchmark", value=organization)
                    + perhaps(organization, known), source=source)  # fmt: skip


def _for_people(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The suggestions in words: indicators and cities by their labels, titles in ``lang``."""
    from qualitapa._labelling import labels_of
    from qualitapa._organizations import organization_names

    catalog = get_catalog()
    cities = organization_names(catalog.collection("organizations"), lang)
    indicators = labels_of(catalog.collection("indicators"), lang)
    t = translator(lang)
    out = table.copy()
    out.insert(3, "indicator_label", out["indicator"].map(lambda i: indicators.get(i, i)))
    out["practice_organization_name"] = out["practice_organization"].map(lambda c: cities.get(c, c))
    title = f"title_{lang.split('_')[0]}"
    titles = out[title] if title in out.columns else out["title_it"]
    titles = titles.where(titles.notna() & titles.astype(str).str.strip().ne(""), out["title_it"])
    out["practice"] = (out["practice"] + " " + titles.fillna("")).str.strip()
    out["relative_gap"] = out["relative_gap"].map(lambda v: t.percent(float(v), digits=0))
    out["since"] = out["since"].map(lambda v: "" if v is None or pd.isna(v) else str(v))
    columns = ["indicator", "indicator_label", "period", "value", "rank", "n", "gap_to_best",
               "relative_gap", "practice_organization_name", "practice_rank",
               "practice_value", "practice", "service", "since"]  # fmt: skip
    # the better city's value in the indicator's unit, as the city's own (best_value is one)
    return out[columns].rename(columns={"practice_value": "best_value"})


@root.group("practices")
def practices_group() -> None:
    """Good practices of the cities: who does better, and how."""


@practices_group.command("suggest")
@click.option(
    "--organization", required=True, help="The city: its code (as in the benchmark) or name."
)
@file_option("--benchmark", help="A benchmark table (qualitapa benchmark -o FILE).")
@click.option(
    "--results",
    type=DIR,
    default=None,
    help=f"The results folder of 'qualitapa demo' (its {BENCHMARK_FILE}).",
)
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    envvar=DB_ENV,
    help=f"The programme store whose practices sheet is the register; also ${DB_ENV}. "
    "Default programme.db, unless --practices is given.",
)
@file_option(
    "--practices",
    help="The practices sheet (CSV, or a workbook with a 'practices' sheet) instead of --db.",
)
@click.option("--period", default=None, help="The period (default: each indicator's latest).")
@click.option(
    "-n",
    "n",
    type=click.IntRange(min=1),
    default=5,
    show_default=True,
    help="How many indicators (the worst gaps with a practice).",
)
@lang_option
@input_options
@output_options
def suggest_command(  # noqa: PLR0913 - the command's options
    organization: str,
    benchmark: Path | None,
    results: Path | None,
    db: Path | None,
    practices: Path | None,
    period: str | None,
    n: int,
    lang: str,
    fmt: str | None,
    output: Path | None,
) -> None:
    """For the city's worst gaps, the practices of the cities that perform better.

    Only the indicators the benchmark compares are looked at; the gap is
    the distance from the best value over the spread of the cities
    compared (0 the best, 100% the worst). For the n worst gaps on which a
    better-ranked city has a practice in the register, its practices come
    by that city's rank. With no such gap the command says so (status 0).
    """
    from qualitapa.programme import suggest_practices

    bench, bench_source = _benchmark(benchmark, results)
    register, register_source = _practices(db, practices)
    if register.empty:
        raise nothing(_("nessuna buona pratica nel registro: importare il foglio practices"),
                      source=register_source)  # fmt: skip
    organization = _organization_code(organization, bench, bench_source)
    table = suggest_practices(bench, register, organization, period=period, n=n)
    if not for_people(fmt, output):
        emit(table, fmt, output, lang=lang)
        return
    t = translator(lang)
    city = _city_name(organization, lang)
    if table.empty:
        echo(_("{city}: nessun indicatore su cui un ente che fa meglio abbia una buona pratica "
               "nel registro", city=city))  # fmt: skip
        return
    _print(_for_people(table, lang), lang, str(t("Buone pratiche per {city}", city=city)))


def _print(frame: pd.DataFrame, lang: str, title: str) -> None:
    """The suggestions as a table for people, without the indicators' ids.

    The ``indicator`` column gives each value its unit (``45,2%``) and is
    then left out: the table names the indicators by their labels.
    """
    from qualitapa.cli._output import for_people as as_people
    from qualitapa.cli._output import table_text

    t = translator(lang)
    headers = {column: str(t(msgid)) for column, msgid in HEADERS.items()}
    shown = as_people(frame, lang, catalog=get_catalog(), headers=headers).iloc[:, 1:]
    numeric = {
        str(shown.columns[i]): pd.api.types.is_numeric_dtype(frame.iloc[:, i + 1].dtype)
        for i in range(shown.shape[1])
    }
    keys = [headers["indicator_label"], headers["practice_organization_name"]]
    click.echo(table_text(shown, title=title, numeric=numeric, keys=keys))


def _city_name(organization: str, lang: str) -> str:
    from qualitapa._organizations import organization_names

    names = organization_names(get_catalog().collection("organizations"), lang)
    return names.get(organization, organization)
