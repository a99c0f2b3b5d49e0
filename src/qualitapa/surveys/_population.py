"""Population totals for :func:`calibrate` from tables (a margins CSV, a joint-margin table).

Two layouts, as an office keeps them:

* long: the columns ``variable``, ``category``, ``target``, one row per
  category of each margin (the layout of ``--rake``); a row with no
  category gives the population total of a numeric column (the number of
  households of ``famiglie``, the booked visits of ``booked``);
* a joint margin: a column per variable and ``target``, one row per cell
  of their cross-classification (``sesso;eta;target``); a single variable
  column is a plain margin.

The totals' column may be named ``target``, ``population`` or
``popolazione`` (:data:`TOTAL_COLUMNS`); a ``share`` (or ``quota``)
column beside the counts of a joint margin, the cell's share, is not a
variable and is not read (the registry's tables, and the demo's
``survey_margins.csv``, have one).

Targets are population counts (not shares): :func:`calibrate` does not
rescale them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from qualitapa.errors import DataError, Message
from qualitapa.i18n import N_
from qualitapa.surveys._weighting import (
    TOTAL_COLUMNS,
    check_variables,
    empty_cells,
    level_text,
    margins_from_frame,
    total_column,
    totals_of,
)

Totals = dict[str | tuple[str, ...], dict[object, float] | float]
"""Margin (a column, or a tuple of columns) -> {level (or tuple of levels): count}, or the
population total of a numeric column."""

#: Columns of a joint margin's shares beside its counts: not variables, not read.
SHARE_COLUMNS = ("share", "quota")


def population_from_frame(frame: pd.DataFrame, *, source: str | None = None) -> Totals:
    """The population totals of one margins table, as :func:`calibrate` takes them.

    Parameters
    ----------
    frame
        Long (``variable``, ``category``, ``target``; no category: a
        numeric column's total) or a joint margin (variable columns and
        ``target``); the totals' column may be ``population`` or
        ``popolazione`` instead; see the module.
    source
        The file's name, for the errors.

    Returns
    -------
    dict
        ``{"sex": {"F": 520.0, ...}, "households": 4200.0}`` (long, or one
        variable column) or ``{("sex", "age"): {("F", "18-34"): 130.0,
        ...}}`` (a joint margin).

    Raises
    ------
    DataError
        No totals' column (naming the columns found and the names
        accepted), a target that is no number, an empty level, a category
        given twice, a variable with categories and a numeric total
        (naming the row and column).

    Examples
    --------
    >>> joint = pd.DataFrame({"sex": ["F", "F", "M", "M"], "age": ["young", "old"] * 2,
    ...                       "population": [30, 32, 28, 10], "share": [.3, .32, .28, .1]})
    >>> population_from_frame(joint)
    {('sex', 'age'): {('F', 'young'): 30.0, ('F', 'old'): 32.0, ('M', 'young'): 28.0, ('M', 'old'): 10.0}}
    >>> long = pd.DataFrame({"variable": ["sex", "sex", "households"], "category": ["F", "M", None],
    ...                      "target": [62, 38, 41]})
    >>> population_from_frame(long)
    {'sex': {'F': 62.0, 'M': 38.0}, 'households': 41.0}
    """  # noqa: E501
    if frame.empty:
        raise DataError(
            Message(
                "the margins have no rows: one row per category (or cell) with its population "
                "total",
                N_("i margini non hanno righe: una riga per categoria (o cella) con il suo "
                   "totale di popolazione"),
            ),
            source=source,
        )  # fmt: skip
    target = total_column(frame, source=source)
    if target is not None and {"variable", "category"} <= set(frame.columns):
        return _long(frame, target, source)
    columns = [str(c) for c in frame.columns if c != target and c not in SHARE_COLUMNS]
    if target is None or not columns:
        raise DataError(
            Message(
                "a margins table has the columns variable, category, target (one row per "
                "category) or a column per variable and target (a joint margin); the totals' "
                "column may be named {names}; found {found}",
                N_(
                    "una tabella di margini ha le colonne variable, category, target (una riga "
                    "per categoria) o una colonna per variabile e target (un margine congiunto); "
                    "la colonna dei totali può chiamarsi {names}; trovate {found}"
                ),
                names=", ".join(TOTAL_COLUMNS),
                found=", ".join(map(str, frame.columns)),
            ),
            source=source,
            column=target or "target",
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
    targets = totals_of(frame, target, source=source).tolist()
    if len(columns) == 1:
        return {columns[0]: dict(zip(frame[columns[0]], targets, strict=True))}
    keys = zip(*(frame[c] for c in columns), strict=True)
    return {tuple(columns): dict(zip(keys, targets, strict=True))}


def _long(frame: pd.DataFrame, target: str, source: str | None) -> Totals:
    """The long layout: categorical margins, and the numeric totals of the rows with no category."""
    check_variables(frame, source=source)
    numeric = empty_cells(frame["category"])
    if numeric.any():
        names = frame["variable"].astype("string")
        both = names.isin(set(names[~numeric])).to_numpy() & numeric
        if both.any():
            row = int(np.flatnonzero(both)[0])
            raise DataError(
                Message(
                    "the variable {name} has categories, and this row none: a row with no "
                    "category is the total of a numeric column; give the category, or delete "
                    "the row",
                    N_(
                        "la variabile {name} ha categorie e questa riga nessuna: una riga senza "
                        "categoria è il totale di una colonna numerica; indicare la categoria o "
                        "togliere la riga"
                    ),
                    name=repr(str(names.iloc[row])),
                ),
                source=source,
                row=row + 1,
                column="category",
            )
    _no_repeat(frame, ["variable", "category"], source)
    totals = totals_of(frame, target, source=source)  # every row's, naming the first bad one
    out: Totals = {}
    if (~numeric).any():
        categorical = margins_from_frame(frame[~numeric].reset_index(drop=True), source=source)
        out.update({k: dict(v) for k, v in categorical.items()})
    for name, total in zip(frame["variable"][numeric], totals[numeric], strict=True):
        out[str(name)] = float(total)
    return out


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
