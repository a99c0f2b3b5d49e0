"""Group values of ratio indicators, done right.

The Q-Club-wide (or peer-group) value of a ratio indicator such as "loans
per inhabitant" is the sum of the numerators over the sum of the
denominators, not the unweighted mean of the cities' ratios (which gives a
town of 5,000 inhabitants the same say as a city of 400,000). With small
denominators the ratio is uncertain: :func:`group_ratio` adds a confidence
interval, Wilson's score interval for proportions (numerator <= denominator)
and the exact Poisson (Garwood) interval for rates of counts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import chi2, norm

from qualitapa.errors import DataError, DefinitionError, Message
from qualitapa.i18n import N_
from qualitapa.indicators._formula import Binary, Formula, Number
from qualitapa.io import require_columns


def ratio_parts(formula: Formula | str) -> tuple[Formula, Formula, float]:
    """Split a plain ratio formula into ``(numerator, denominator, factor)``.

    Accepted shapes: ``a / b``, ``a / b * k``, ``k * a / b``,
    ``(a + b) / c`` ... where ``k`` is a number.

    Raises
    ------
    DefinitionError
        The formula is not a ratio.

    Examples
    --------
    >>> num, den, k = ratio_parts("loans / population * 1000")
    >>> str(num), str(den), k
    ('loans', 'population', 1000.0)
    """
    f = formula if isinstance(formula, Formula) else Formula.parse(formula)
    tree: Any = f.tree
    factor = 1.0
    if isinstance(tree, Binary) and tree.op == "*":
        if isinstance(tree.right, Number):
            factor, tree = tree.right.value, tree.left
        elif isinstance(tree.left, Number):
            factor, tree = tree.left.value, tree.right
    if (
        isinstance(tree, Binary)
        and tree.op == "/"
        and isinstance(tree.left, Binary)
        and (tree.left.op == "*" and isinstance(tree.left.left, Number))
    ):  # k * a / b parses as (k * a) / b
        factor *= tree.left.left.value
        tree = Binary("/", tree.left.right, tree.right)
    if not (isinstance(tree, Binary) and tree.op == "/"):
        raise DefinitionError(
            Message(
                "{formula} is not a ratio numerator / denominator; give numerator= and "
                "denominator= explicitly",
                N_(
                    "{formula} non è un rapporto numeratore / denominatore; indicare "
                    "numerator= e denominator="
                ),
                formula=repr(f.text),
            )
        )
    return Formula.parse(str(tree.left)), Formula.parse(str(tree.right)), factor


def _wilson(x: np.ndarray, n: np.ndarray, conf: float) -> tuple[np.ndarray, np.ndarray]:
    z = norm.ppf(0.5 + conf / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = x / n
        denom = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
    # at p = 0 (p = 1) the bound is exactly 0 (1): no rounding may leave the estimate outside
    return np.where(x == 0, 0.0, centre - half), np.where(x == n, 1.0, centre + half)


def _poisson(x: np.ndarray, exposure: np.ndarray, conf: float) -> tuple[np.ndarray, np.ndarray]:
    a = 1 - conf
    with np.errstate(invalid="ignore", divide="ignore"):
        lo = np.where(x > 0, chi2.ppf(a / 2, 2 * x) / 2, 0.0)
        hi = chi2.ppf(1 - a / 2, 2 * x + 2) / 2
        return lo / exposure, hi / exposure


def group_ratio(
    data: pd.DataFrame,
    indicator: Any = None,
    *,
    numerator: str | None = None,
    denominator: str | None = None,
    groups: Mapping[str, str] | str | None = None,
    method: str = "auto",
    confidence: float = 0.95,
    scale: float | None = None,
    source: str | None = None,
) -> pd.DataFrame:
    """Peer-group (or Q-Club-wide) value of a ratio indicator with a confidence interval.

    Parameters
    ----------
    data
        Raw variables: wide (``organization``, optional ``period`` and one
        column per variable) or tidy (``organization, period, variable,
        value``). Not modified.
    indicator
        An :class:`IndicatorDefinition` whose formula is a plain ratio (its
        ``scale`` is applied), or None with ``numerator`` and
        ``denominator``.
    numerator, denominator
        Formulas (e.g. ``"loans"``, ``"population"``), overriding the
        indicator's.
    groups
        Organization -> group label, or the name of a column of ``data``;
        None for one group of all organizations (``"all"``).
    method
        Confidence interval: ``wilson`` (proportions), ``poisson`` (rates
        of counts, exact Garwood interval), ``none``, or ``auto`` (Wilson
        when every numerator is at most its denominator, else Poisson).
        Both assume the numerator counts events (people, acts, loans).
    confidence
        Confidence level.
    scale
        Multiplier of the ratio (default: the indicator's scale times any
        number in its formula, else 1).
    source
        Name of the data for error messages.

    Returns
    -------
    pandas.DataFrame
        One row per group (and period): ``group``, ``period``,
        ``numerator`` and ``denominator`` (sums over organizations with both
        parts), ``value`` (scale x sum numerator / sum denominator),
        ``ci_low``, ``ci_high``, ``method``, ``n_organizations``,
        ``mean_of_ratios`` (the unweighted mean, for comparison).

    Raises
    ------
    DataError
        Missing columns, negative numerators or denominators.
    DefinitionError
        The formula is not a ratio, or an unknown method.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"organization": ["big", "small"], "answered_in_time": [900, 1],
    ...                    "complaints": [1000, 4]})
    >>> r = group_ratio(df, numerator="answered_in_time", denominator="complaints", scale=100)
    >>> r[["group", "value", "mean_of_ratios", "method"]].round(2)
      group  value  mean_of_ratios  method
    0   all  89.74            57.5  wilson
    """
    if method not in ("auto", "wilson", "poisson", "none"):
        raise DefinitionError(
            Message(
                "unknown method {method}; use auto, wilson, poisson or none",
                N_("metodo {method} sconosciuto; usare auto, wilson, poisson o none"),
                method=repr(method),
            ),
            field="method",
        )
    num_f, den_f, factor = _ratio_formulas(indicator, numerator, denominator)
    if scale is not None:
        factor = float(scale)
    wide, num, den = _parts(data, num_f, den_f, source)
    frame, out = _group_sums(wide, _group_labels(wide, groups), num, den)
    chosen, lo, hi = _intervals(frame, out, method, confidence)
    out["value"] = factor * out["numerator"].to_numpy() / out["denominator"].to_numpy()
    out["ci_low"] = factor * lo
    out["ci_high"] = factor * hi
    out["method"] = chosen
    out["mean_of_ratios"] = factor * out["mean_of_ratios"]
    out = out[list(_COLUMNS)]
    if (out["period"] == "").all():
        out = out.drop(columns="period")
    return out.reset_index(drop=True)


#: The columns of the result of :func:`group_ratio`, in order (``period`` dropped when
#: the data have none).
_COLUMNS = (
    "group",
    "period",
    "numerator",
    "denominator",
    "value",
    "ci_low",
    "ci_high",
    "method",
    "n_organizations",
    "mean_of_ratios",
)


def _ratio_formulas(
    indicator: Any, numerator: str | None, denominator: str | None
) -> tuple[Formula, Formula, float]:
    """Numerator and denominator formulas, and the factor of the indicator's ratio."""
    if numerator is not None and denominator is not None:
        return Formula.parse(numerator), Formula.parse(denominator), 1.0
    if indicator is None:
        raise DefinitionError(
            Message(
                "give an indicator or both numerator= and denominator=",
                N_("indicare un indicatore, o sia numerator= sia denominator="),
            )
        )
    num_f, den_f, factor = ratio_parts(indicator.formula)
    factor *= float(getattr(indicator, "scale", 1.0))
    num_f = Formula.parse(numerator) if numerator else num_f
    den_f = Formula.parse(denominator) if denominator else den_f
    return num_f, den_f, factor


def _parts(
    data: pd.DataFrame, num_f: Formula, den_f: Formula, source: str | None
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """The data wide (with a ``period``), and each row's numerator and denominator."""
    if {"variable", "value"} <= set(data.columns):
        idx = [c for c in ("organization", "period") if c in data.columns]
        wide = data.pivot_table(index=idx, columns="variable", values="value", aggfunc="first")
        wide = wide.reset_index()
    else:
        wide = data.copy()
    require_columns(wide, ["organization"], source=source)
    if "period" not in wide.columns:
        wide["period"] = ""
    needed = sorted(num_f.variables | den_f.variables)
    for v in needed:
        if v not in wide.columns:
            raise DataError(
                Message(
                    "variable {variable} of the ratio is missing (found: {found})",
                    N_("manca la variabile {variable} del rapporto (trovate: {found})"),
                    variable=repr(v),
                    found=", ".join(map(str, wide.columns)),
                ),
                source=source,
                column=v,
            )
    cols = {v: pd.to_numeric(wide[v], errors="coerce").to_numpy(dtype=float) for v in needed}
    num = num_f.evaluate(cols)
    den = den_f.evaluate(cols)
    bad = (num < 0) | (den < 0)
    if bad.any():
        raise DataError(
            Message(
                "numerators and denominators of a group ratio must not be negative",
                N_(
                    "numeratori e denominatori di un rapporto di gruppo non possono essere negativi"
                ),
            ),
            source=source,
            failure_cases=wide.loc[bad, ["organization", "period", *needed]],
        )
    return wide, num, den


def _group_labels(wide: pd.DataFrame, groups: Mapping[str, str] | str | None) -> np.ndarray:
    """Each row's group: ``"all"``, the ``groups`` column, or the organization's label."""
    if groups is None:
        return np.full(len(wide), "all", dtype=object)
    if isinstance(groups, str):
        return wide[groups].astype(str).to_numpy()
    return wide["organization"].astype(str).map(groups).to_numpy()


def _group_sums(
    wide: pd.DataFrame, g: np.ndarray, num: np.ndarray, den: np.ndarray
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows with both parts (a group and a denominator > 0), and their sums by group.

    ``(frame, out)``: ``frame`` has one row per organization counted
    (``group, period, numerator, denominator, n_organizations, ratio``);
    ``out`` one per group and period, with the sums and ``mean_of_ratios``.
    """
    ok = np.isfinite(num) & np.isfinite(den) & (den > 0) & pd.notna(g)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(ok, num / den, np.nan)
    frame = pd.DataFrame(
        {
            "group": g,
            "period": wide["period"].to_numpy(),
            "numerator": np.where(ok, num, 0.0),
            "denominator": np.where(ok, den, 0.0),
            "n_organizations": ok.astype(int),
            "ratio": ratio,
        }
    )[ok]
    out = frame.groupby(["group", "period"], sort=True, as_index=False).agg(
        numerator=("numerator", "sum"),
        denominator=("denominator", "sum"),
        n_organizations=("n_organizations", "sum"),
        mean_of_ratios=("ratio", "mean"),
    )
    return frame, out


def _intervals(
    frame: pd.DataFrame, out: pd.DataFrame, method: str, confidence: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The interval method of each group (``auto``: Wilson for proportions) and its bounds."""
    if method == "auto":
        prop = (
            frame.assign(p=frame["numerator"] <= frame["denominator"])
            .groupby(["group", "period"], sort=True)["p"]
            .all()
            .to_numpy()
        )
        chosen = np.where(prop, "wilson", "poisson")
    else:
        chosen = np.full(len(out), method)
    x, n = out["numerator"].to_numpy(), out["denominator"].to_numpy()
    lo, hi = np.full(len(out), np.nan), np.full(len(out), np.nan)
    w = chosen == "wilson"
    lo[w], hi[w] = _wilson(x[w], n[w], confidence)
    p = chosen == "poisson"
    lo[p], hi[p] = _poisson(x[p], n[p], confidence)
    return chosen, lo, hi
