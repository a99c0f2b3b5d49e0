"""Helpers for the scripts that write a plugin's SYNTHETIC demo data.

Every plugin under ``plugins/`` has a ``scripts/make_demo_data.py`` that
writes its demo files. They share the same steps, kept here so that each
script holds only what is particular to its service:

* :func:`cities`: the organizations (id, population) a plugin registers,
  e.g. the Q-Club cities of the ``qclub`` plugin;
* :func:`wide_panel` and :func:`city_effect`: a seeded synthetic panel, one
  column per variable, and a persistent random effect per city;
* :func:`tidy`: a wide panel (one column per variable) as the tidy
  ``organization, period, variable, value`` table the demo reads;
* :func:`drop_some`: a few values missing on purpose, as in real returns;
* :func:`run_script`: the ``--out`` option and the writing, for the script's
  ``if __name__ == "__main__"``;
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

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import cast

import numpy as np
import pandas as pd

from qualitapa.demo._synthetic import VariableProfile, synthetic_panel

__all__ = [
    "DEMO_FILES",
    "TIDY_COLUMNS",
    "cities",
    "city_effect",
    "demo_file",
    "drop_some",
    "run_script",
    "sort_tidy",
    "tidy",
    "wide_panel",
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


def wide_panel(
    organizations: pd.DataFrame,
    periods: Sequence[int],
    profiles: Mapping[str, VariableProfile],
    *,
    seed: int,
) -> pd.DataFrame:
    """A seeded synthetic panel, wide: one row per organization and period, one column per variable.

    :func:`~qualitapa.demo.synthetic_panel` pivoted, sorted by
    organization and period: the frame a script then makes consistent
    (derived variables, shocks) before :func:`tidy`.

    Examples
    --------
    >>> from qualitapa.demo import VariableProfile
    >>> orgs = pd.DataFrame({"organization": ["b", "a"], "population": [1000, 2000]})
    >>> wide = wide_panel(orgs, [2023, 2024], {"x.loans": VariableProfile(per_capita=1.0)},
    ...                   seed=0)
    >>> wide.index.tolist(), list(wide.columns)
    ([('a', 2023), ('a', 2024), ('b', 2023), ('b', 2024)], ['x.loans'])
    """
    long = synthetic_panel(organizations, list(periods), profiles, seed=seed)
    return long.pivot_table(
        index=["organization", "period"], columns="variable", values="value"
    ).sort_index()


def city_effect(wide: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """A persistent standard-normal effect per organization, repeated on each of its rows.

    One draw per organization, in the order of their ids, so a seeded
    script gives each city the same effect every time.

    Examples
    --------
    >>> index = pd.MultiIndex.from_tuples([("a", 2023), ("a", 2024), ("b", 2024)],
    ...                                   names=["organization", "period"])
    >>> effect = city_effect(pd.DataFrame(index=index), np.random.default_rng(0))
    >>> bool(effect[0] == effect[1] != effect[2])
    True
    """
    codes = pd.Categorical(wide.index.get_level_values("organization")).codes
    return rng.normal(0.0, 1.0, int(codes.max()) + 1)[codes]


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
    """Write each table to ``out`` as ``<kind>.csv`` and say what was written.

    Parameters
    ----------
    frames
        Dataset kind (``"indicator_data"``, ``"complaints"``...) -> table;
        the file name is :func:`demo_file` of the kind.
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
    for kind, frame in frames.items():
        path = folder / demo_file(kind)
        write_csv(frame, path)
        print(f"{path.name}: {len(frame)} rows, {path.stat().st_size / 1024:.0f} KiB")
        paths.append(path)
    return paths


def run_script(
    doc: str | None, default_out: str | Path, make: Callable[[], Mapping[str, pd.DataFrame]]
) -> list[Path]:
    """The command line of a demo-data script: ``--out FOLDER``, then write what ``make`` gives.

    Parameters
    ----------
    doc
        The script's docstring (its first line describes the command).
    default_out
        The plugin's ``demo`` folder, written when ``--out`` is not given.
    make
        Builds the tables, by dataset kind (see :func:`write_demo_files`).
    """
    import argparse

    parser = argparse.ArgumentParser(description=(doc or "").splitlines()[0] if doc else None)
    parser.add_argument("--out", type=Path, default=Path(default_out))
    args = parser.parse_args()
    return write_demo_files(make(), args.out)
