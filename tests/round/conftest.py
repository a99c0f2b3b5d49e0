"""A benchmarking round on the registry plugin's demo data, one file per city."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner, Result

from qualitapa.catalog import default_catalog
from qualitapa.cli import cli
from qualitapa.testing import isolated_plugins

#: The plugins of the round: the registry service and the Q-Club's cities.
PLUGINS = ["registry", "qclub"]
PERIOD = 2024


@pytest.fixture
def plugins() -> Iterator[None]:
    with isolated_plugins(PLUGINS):
        default_catalog.cache_clear()
        yield
    default_catalog.cache_clear()


def run(*args: object, lang: str = "it") -> Result:
    """The command line, in ``lang``, with the round's plugins."""
    with isolated_plugins(PLUGINS):
        return CliRunner().invoke(cli, ["--lang", lang, *(str(a) for a in args)])


@pytest.fixture
def demo(plugins: None) -> pd.DataFrame:
    """The registry demo raw data (every period), organizations as text."""
    path = default_catalog().datasets["registry.demo.indicators"].path
    return pd.read_csv(path, dtype={"organization": str})


@pytest.fixture
def demo_path(plugins: None) -> Path:
    return Path(default_catalog().datasets["registry.demo.indicators"].path)


def fill(template: Path, values: pd.DataFrame) -> int:
    """Write ``values`` (organization, period, variable, value) into a template, as a clerk.

    The cells are found by their label and organization column as a person
    would: through the metadata sheet, which says which cell is which.
    Returns how many cells were filled.
    """
    from openpyxl import load_workbook

    book = load_workbook(template)
    rows = list(book["_qualitapa"].iter_rows(values_only=True))
    columns = rows[2]
    lookup = values.set_index(["organization", "variable"])["value"]
    filled = 0
    for row in rows[3:]:
        entry = dict(zip(columns, row, strict=False))
        key = (entry["organization"], entry["variable"])
        if key in lookup.index:
            book[entry["sheet"]][entry["cell"]] = float(lookup.loc[key])
            filled += 1
    book.save(template)
    return filled
