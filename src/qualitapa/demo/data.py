"""Helpers for the scripts that write a plugin's SYNTHETIC demo data.

Every plugin under ``plugins/`` has a ``scripts/make_demo_data.py`` that
writes its demo files. They share the same steps, kept here so that each
script holds only what is particular to its service:

* :func:`cities`: the organizations (id, population) a plugin registers,
  e.g. the Q-Club cities of the ``qclub`` plugin;
* :func:`tidy`: a wide panel (one column per variable) as the tidy
  ``organization, period, variable, value`` table the demo reads;
* :func:`drop_some`: a few values missing on purpose, as in real returns;
* :func:`write_demo_files`: each table as ``demo/<kind>.csv`` (named after
  the dataset ``kind`` it is declared with, see :data:`DEMO_FILES`).

Examples
--------
>>> import numpy as np
>>> wide = pd.DataFrame({"x.loans": [1.0, 2.0], "x.visits": [3.0, np.nan]},
...                     index=pd.MultiIndex.from_tuples([("b", 2024), ("a", 2024)],
...                                                     names=["organization", "period"]))
>>> tidy(wide)
  organization  period  variable  value
0            a    2024   x.loans    2.0
1            b    2024   x.loans    1.0
2            b    2024  x.visits    3.0
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import cast

import numpy as np
import pandas as pd

__all__ = [
    "DEMO_FILES",
    "TIDY_COLUMNS",
    "cities",
    "demo_file",
    "drop_some",
    "sort_tidy",
    "tidy",
    "write_demo_files",
]

#: The columns of tidy indicator data.
TIDY_COLUMNS = ["organization", "period", "variable", "value"]

#: Dataset kind -> file name in a plugin's ``demo`` folder: one name per kind in
#: every plugin (the dataset id and the package folder say whose file it is).
DEMO_FILES: Mapping[str, str] = {
    kind: f"{kind}.csv"
    for kind in (
        "indicator_data",
        "survey_responses",
        "survey_margins",
        "complaints",
        "complaint_events",
        "deliveries",
        "caf_scores",
        "invoices",
    )
}


def demo_file(kind: str) -> str:
    """The file name of a demo dataset of ``kind`` (``"indicator_data.csv"``).

    Examples
    --------
    >>> demo_file("caf_scores")
    'caf_scores.csv'
    """
    return DEMO_FILES.get(kind, f"{kind}.csv")


def cities(plugin: str) -> pd.DataFrame:
    """The organizations the installed ``plugin`` registers: ``organization, name, population``.

    Sorted by id, so that a seeded script draws the same numbers for the
    same city whatever order the plugin lists them in.

    Examples
    --------
    >>> cities("qclub").head(2)  # doctest: +SKIP
      organization    name  population
    0       001272  Torino      848000
    1       010025  Genova      563000
    """
    from importlib.metadata import entry_points

    from qualitapa.catalog import Catalog
    from qualitapa.errors import PluginError
    from qualitapa.plugins import ENTRY_POINT_GROUP

    found = [ep for ep in entry_points(group=ENTRY_POINT_GROUP) if ep.name == plugin]
    if not found:
        raise PluginError(f"no installed plugin named {plugin!r}: install it first", plugin=plugin)
    catalog = Catalog.build([(plugin, found[0].load())], entrypoints=False)
    rows = [(o.id, o.name, o.population) for o in catalog.organizations.values()]
    frame = pd.DataFrame(rows, columns=["organization", "name", "population"])
    return frame.sort_values("organization", ignore_index=True)


def tidy(wide: pd.DataFrame, *, sort: bool = True) -> pd.DataFrame:
    """A wide panel as tidy ``organization, period, variable, value`` rows.

    Parameters
    ----------
    wide
        One column per variable; the index holds ``organization`` and
        ``period`` (or ``period`` only: then add the organization column
        yourself). Not modified.
    sort
        Sort by organization, period and variable (the order of the demo
        files); otherwise keep the frame's order, row by row.

    Returns
    -------
    pandas.DataFrame
        One row per non-missing value, with a fresh index.
    """
    stacked = cast("pd.Series", wide.rename_axis(columns="variable").stack())  # one column level
    out = stacked.rename("value").reset_index()
    out = out.dropna(subset=["value"])
    return sort_tidy(out) if sort else out.reset_index(drop=True)


def sort_tidy(frame: pd.DataFrame) -> pd.DataFrame:
    """Tidy rows sorted by organization, period and variable, with a fresh index."""
    return frame.sort_values([c for c in TIDY_COLUMNS[:3] if c in frame], ignore_index=True)


def drop_some(
    frame: pd.DataFrame,
    rng: np.random.Generator,
    share: float,
    *,
    keep: pd.Series | np.ndarray | None = None,
) -> pd.DataFrame:
    """``frame`` without about ``share`` of its rows, drawn with ``rng``.

    One uniform number is drawn per row, in the frame's order, so a
    seeded script loses the same rows every time. Rows where ``keep`` is
    True are never dropped.

    Examples
    --------
    >>> frame = pd.DataFrame({"value": np.arange(1000.0)})
    >>> len(drop_some(frame, np.random.default_rng(0), 0.1))
    911
    >>> len(drop_some(frame, np.random.default_rng(0), 0.1, keep=frame["value"] >= 500))
    953
    """
    drop = rng.random(len(frame)) < share
    if keep is not None:
        drop &= ~np.asarray(keep, dtype=bool)
    return frame.loc[~drop].reset_index(drop=True)


def write_demo_files(frames: Mapping[str, pd.DataFrame], out: str | Path) -> list[Path]:
    """Write each table to ``out`` as CSV and say what was written.

    Parameters
    ----------
    frames
        File name (see :func:`demo_file`) -> table.
    out
        The plugin's ``demo`` folder (created if needed).

    Returns
    -------
    list of Path
        The files written.
    """
    from qualitapa.io import write_csv

    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, frame in frames.items():
        path = folder / name
        write_csv(frame, path)
        print(f"{name}: {len(frame)} rows, {path.stat().st_size / 1024:.0f} KiB")
        paths.append(path)
    return paths
