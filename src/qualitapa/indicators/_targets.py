"""Comparing indicator values with their targets."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from qualitapa.indicators._resolve import DefinitionsLike
from qualitapa.indicators._values import read_values, resolve_polarities

if TYPE_CHECKING:
    from qualitapa.catalog import Catalog

#: Columns of :func:`targets`.
TARGETS_COLUMNS = (
    "organization",
    "period",
    "indicator",
    "value",
    "target",
    "target_value",
    "met",
    "gap",
)


def targets(
    values: pd.DataFrame,
    *,
    definitions: DefinitionsLike | None = None,
    catalog: Catalog | None = None,
    source: str | None = None,
) -> pd.DataFrame:
    """Whether each value meets its indicator's target, and by how much.

    Parameters
    ----------
    values
        Indicator values: ``organization, period, indicator, value``.
    definitions
        The indicator definitions (anything :func:`compute` accepts); by
        default the ids in ``values`` are looked up in ``catalog`` (or the
        default catalog).
    catalog
        Catalog for indicator ids.
    source
        Name of the data for error messages.

    Returns
    -------
    pandas.DataFrame
        The rows of indicators that have a target, in the order of
        ``values``: ``organization, period, indicator, value``, ``target``
        (text, e.g. ``">= 33"``), ``target_value``, ``met`` (boolean;
        missing when the value is missing) and ``gap`` (signed margin:
        >= 0 when met, negative = distance still to go; see
        :class:`~qualitapa.indicators.Target`).

    Examples
    --------
    >>> import pandas as pd
    >>> from qualitapa.indicators import IndicatorDefinition
    >>> cov = IndicatorDefinition("nurseries.coverage", "Copertura", "nurseries",
    ...                           "effectiveness", "places / children", "higher_is_better",
    ...                           unit="%", scale=100, target=">= 33")
    >>> v = pd.DataFrame({"organization": ["a", "b", "c"], "period": 2024,
    ...                   "indicator": "nurseries.coverage", "value": [45.0, 30.0, None]})
    >>> res = targets(v, definitions=[cov])
    >>> res["met"].tolist(), res["gap"].tolist()
    ([True, False, <NA>], [12.0, -3.0, nan])
    """
    iv = read_values(values, source=source)
    _, defs = resolve_polarities(iv.indicator_labels, definitions, catalog)
    ids = [str(i) for i in iv.indicator_labels]
    with_target = np.array([defs[i].target is not None for i in ids], dtype=bool)
    rows = np.flatnonzero(with_target[iv.indicator]) if len(ids) else np.zeros(0, dtype=np.int64)
    v = iv.value[rows]
    ind = iv.indicator[rows]
    met = np.zeros(len(rows), dtype=bool)
    gap = np.full(len(rows), np.nan)
    target_value = np.full(len(rows), np.nan)
    text_codes = np.full(len(rows), -1, dtype=np.int64)
    texts: list[str] = []
    for code in np.flatnonzero(with_target):  # loop over indicators, not rows
        target = defs[ids[code]].target
        mask = ind == code
        met[mask] = target.met(v[mask])
        gap[mask] = target.gap(v[mask])
        target_value[mask] = target.value
        text = str(target)
        if text not in texts:
            texts.append(text)
        text_codes[mask] = texts.index(text)
    missing = np.isnan(v)
    return pd.DataFrame(
        {
            "organization": values["organization"].array[rows],
            "period": values["period"].array[rows],
            "indicator": values["indicator"].array[rows],
            "value": v,
            "target": pd.Categorical.from_codes(text_codes, categories=pd.Index(texts)),
            "target_value": target_value,
            "met": pd.arrays.BooleanArray(met & ~missing, missing),
            "gap": gap,
        }
    )
