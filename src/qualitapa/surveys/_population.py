"""Population totals for :func:`calibrate` from tables (a margins CSV, a joint-margin table).

Two layouts, as an office keeps them:

* long: the columns ``variable``, ``category``, ``target``, one row per
  category of each margin (the layout of ``--rake``);
* a joint margin: a column per variable and ``target``, one row per cell
  of their cross-classification (``sesso;eta;target``); a single variable
  column is a plain margin.

Targets are population counts (not shares): :func:`calibrate` does not
rescale them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from qualitapa.errors import DataError, Message
from qualitapa.i18n import N_
from qualitapa.surveys._weighting import level_text, margins_from_frame

Totals = dict[str | tuple[str, ...], dict[object, float]]
"""Margin (a column, or a tuple of columns) -> {level (or tuple of levels): count}."""

_LONG = ("variable", "category", "target")


def population_from_frame(frame: pd.DataFrame, *, source: str | None = None) -> Totals:
    """The population totals of one margins table, as :func:`calibrate` takes them.

    Parameters
    ----------
    frame
        Long (``variable``, ``category``, ``target``) or a joint margin
        (variable columns and ``target``); see the module.
    source
        The file's name, for the errors.

    Returns
    -------
    dict
        ``{"sex": {"F": 520.0, ...}}`` (long, or one variable column) or
        ``{("sex", "age"): {("F", "18-34"): 130.0, ...}}`` (a joint margin).

    Raises
    ------
    DataError
        No ``target`` column, a target that is no number, an empty level,
        a category given twice (naming the row and column).

    Examples
    --------
    >>> joint = pd.DataFrame({"sex": ["F", "F", "M", "M"], "age": ["young", "old"] * 2,
    ...                       "target": [30, 32, 28, 10]})
    >>> population_from_frame(joint)
    {('sex', 'age'): {('F', 'young'): 30.0, ('F', 'old'): 32.0, ('M', 'young'): 28.0, ('M', 'old'): 10.0}}
    >>> long = pd.DataFrame({"variable": ["sex", "sex"], "category": ["F", "M"], "target": [62, 38]})
    >>> population_from_frame(long)
    {'sex': {'F': 62.0, 'M': 38.0}}
    """  # noqa: E501
    if set(_LONG) <= set(frame.columns):
        _no_repeat(frame, ["variable", "category"], source)
        long: Totals = {k: dict(v) for k, v in margins_from_frame(frame, source=source).items()}
        return long
    columns = [str(c) for c in frame.columns if c != "target"]
    if "target" not in frame.columns or not columns:
        raise DataError(
            Message(
                "a margins table has the columns variable, category, target (one row per "
                "category) or a column per variable and target (a joint margin); found {found}",
                N_(
                    "una tabella di margini ha le colonne variable, category, target (una riga "
                    "per categoria) o una colonna per variabile e target (un margine congiunto); "
                    "trovate {found}"
                ),
                found=", ".join(map(str, frame.columns)),
            ),
            source=source,
            column="target",
        )
    for column in columns:
        empty = frame[column].isna().to_numpy()
        if empty.any():
            raise DataError(
                Message("the level is empty", N_("il livello è vuoto")),
                source=source,
                row=int(np.flatnonzero(empty)[0]) + 1,
                column=column,
            )
    _no_repeat(frame, columns, source)
    # the long reader checks the targets (a number in every row, naming the first that is not)
    targets = margins_from_frame(
        pd.DataFrame({"variable": "", "category": range(len(frame)), "target": frame["target"]}),
        source=source,
    )[""]
    if len(columns) == 1:
        return {columns[0]: dict(zip(frame[columns[0]], targets.values(), strict=True))}
    keys = zip(*(frame[c] for c in columns), strict=True)
    return {tuple(columns): dict(zip(keys, targets.values(), strict=True))}


def merge_populations(parts: Sequence[Totals], sources: Sequence[str]) -> Totals:
    """The totals of several margins tables as one; a margin given twice is an error.

    Examples
    --------
    >>> merge_populations([{"sex": {"F": 6.0}}, {"age": {"old": 4.0}}], ["a.csv", "b.csv"])
    {'sex': {'F': 6.0}, 'age': {'old': 4.0}}
    """
    out: Totals = {}
    where: dict[str | tuple[str, ...], str] = {}
    for part, source in zip(parts, sources, strict=True):
        for margin, totals in part.items():
            if margin in out:
                raise DataError(
                    Message(
                        "the margin {margin} is also in {other}: give each margin once",
                        N_("il margine {margin} è anche in {other}: ogni margine una volta"),
                        margin=_name(margin),
                        other=where[margin],
                    ),
                    source=source,
                    column=_name(margin),
                )
            out[margin], where[margin] = totals, source
    return out


def _name(margin: str | tuple[str, ...]) -> str:
    return margin if isinstance(margin, str) else " x ".join(margin)


def _no_repeat(frame: pd.DataFrame, columns: list[str], source: str | None) -> None:
    """Refuse a category (a cell) given twice, naming its second row (levels compared as text)."""
    texts = pd.DataFrame({c: level_text(frame[c].astype(object)) for c in columns})
    twice = texts.duplicated().to_numpy()
    if twice.any():
        row = int(np.flatnonzero(twice)[0])
        raise DataError(
            Message(
                "the category {level} is given twice (as text: 1, 1.0 and '1' are one)",
                N_("la categoria {level} compare due volte (come testo 1, 1.0 e '1' sono una)"),
                level=", ".join(f"{c} = {texts[c].iloc[row]!r}" for c in columns),
            ),
            source=source,
            row=row + 1,
            column=columns[-1],
        )
