"""The ``qualitapa`` command group and the helpers every subcommand shares.

The CLI is thin: parse, call the library, print. Tables are printed for
people by default; ``--format csv|json`` is for machines. Errors are one
line on stderr and a non-zero exit code; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
import pandas as pd

from qualitapa.__about__ import __version__
from qualitapa.errors import QualitapaError
from qualitapa.io import neutralise_formulas

__all__ = [
    "catalog_for",
    "cli",
    "definitions_option",
    "emit",
    "get_catalog",
    "main",
    "output_options",
]

F = TypeVar("F", bound=Callable[..., Any])

#: Exit code for errors in the user's input or definitions.
EXIT_ERROR = 1
#: How many rows of an error's problem table (``failure_cases``) are printed.
MAX_FAILURE_ROWS = 20


class _Group(click.Group):
    """A click group that turns library errors into one clean line."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except QualitapaError as exc:
            if ctx.find_root().params.get("debug"):
                raise
            click.echo(f"Error: {exc}", err=True)
            cases = getattr(exc, "failure_cases", None)
            if isinstance(cases, pd.DataFrame) and len(cases):
                shown = cases.head(MAX_FAILURE_ROWS)
                click.echo(shown.to_string(index=False), err=True)
                if len(cases) > MAX_FAILURE_ROWS:
                    click.echo(f"... and {len(cases) - MAX_FAILURE_ROWS} more problem(s)", err=True)
            ctx.exit(EXIT_ERROR)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="qualitapa")
@click.option("--debug", is_flag=True, help="Show full tracebacks on errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """qualitapa: quality and benchmarking of municipal services.

    Indicators, citizen-satisfaction surveys, complaints, service charters
    and CAF self-assessment, with definitions contributed by plugins.
    """
    ctx.ensure_object(dict)


def get_catalog() -> Any:
    """The catalog of installed plugins (cached for the process)."""
    from qualitapa.catalog import default_catalog

    return default_catalog()


#: ``-d/--definitions FILE.toml`` (repeatable): extra TOML definitions used
#: together with the installed plugins; pass the value to :func:`catalog_for`.
definitions_option = click.option(
    "--definitions",
    "-d",
    "definitions",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Extra TOML definitions (services, organizations, indicators, composites, "
    "standards, charters...) used together with the installed plugins. Repeatable.",
)


def catalog_for(definitions: tuple[Path, ...] | list[Path] = ()) -> Any:
    """The installed plugins' catalog, plus the TOML files given with ``-d``."""
    if not definitions:
        return get_catalog()
    from qualitapa.catalog import Catalog
    from qualitapa.declarative import TomlPlugin

    return Catalog.build([("definitions", TomlPlugin(*definitions))], entrypoints=True)


def output_options(func: F) -> F:
    """Add ``--format table|csv|json`` and ``-o/--output FILE`` to a command."""
    func = click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False, writable=True, path_type=Path),
        default=None,
        help="Write to this file instead of the screen.",
    )(func)
    func = click.option(
        "--format",
        "fmt",
        type=click.Choice(["table", "csv", "json"]),
        default=None,
        help="Output format (default: table on screen; csv when --output ends in .csv, "
        "json when it ends in .json).",
    )(func)
    return func


def _jsonable(frame: pd.DataFrame) -> list[dict[str, Any]]:
    text = frame.to_json(orient="records", date_format="iso", force_ascii=False)
    return json.loads(text)


def emit(
    frame: pd.DataFrame,
    fmt: str | None = None,
    output: Path | None = None,
    *,
    title: str | None = None,
) -> None:
    """Print or write ``frame`` as a table, CSV (formulas neutralised) or JSON."""
    if fmt is None:
        suffix = output.suffix.lower() if output is not None else ""
        fmt = {".csv": "csv", ".json": "json"}.get(suffix, "csv" if output else "table")
    if fmt == "csv":
        text = neutralise_formulas(frame).to_csv(index=False)
    elif fmt == "json":
        text = json.dumps(_jsonable(frame), indent=2, ensure_ascii=False) + "\n"
    else:
        if frame.empty:
            text = "(no rows)\n"
        else:
            with pd.option_context(
                "display.max_rows", None, "display.max_columns", None, "display.width", 200
            ):
                text = frame.to_string(index=False) + "\n"
        if title:
            text = f"{title}\n{'=' * len(title)}\n{text}"
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {len(frame)} row(s) to {output}", err=True)


def main(argv: list[str] | None = None) -> Any:
    """Entry point of the ``qualitapa`` console script."""
    return cli.main(args=argv if argv is not None else sys.argv[1:], prog_name="qualitapa")
