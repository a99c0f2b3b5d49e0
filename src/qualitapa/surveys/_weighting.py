"""Weighting to the population: raking (IPF), post-stratification, trimming.

Raking (Deming & Stephan 1940) adjusts the respondents' weights so that the
weighted sample reproduces known population margins (e.g. sex and age
class from the civil registry): for each margin variable in turn, every
weight is multiplied by ``target / current weighted total`` of its
category, and the cycle repeats until every margin is matched within
``tol``. It is iterative proportional fitting of the sample cross-table,
carried at respondent level with one ``bincount`` per variable and cycle.

Post-stratification uses the full cross-classification instead: the weight
of a respondent in cell :math:`h` is :math:`w_i N_h / \\sum_{i \\in h} w_i`.

Margins are proportions or counts; each margin is rescaled to ``total``
(by default the sum of the base weights, so weights average 1).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import numpy as np
import pandas as pd

from qualitapa.errors import DataError, Message
from qualitapa.i18n import N_
from qualitapa.surveys._stats import _check_weights, design_effect, effective_sample_size

Margins = Mapping[str, Mapping[Any, float]]


@attrs.frozen
class WeightingResult:
    """Weights computed by :func:`rake` or :func:`poststratify`.

    Attributes
    ----------
    weights
        One weight per respondent, aligned on the responses' index.
    report
        Per margin category (or cell): ``variable``, ``category``,
        ``sample_n``, ``target``, ``achieved``, ``share_sample`` and
        ``share_target``.
    iterations
        Raking cycles run (1 for post-stratification).
    converged
        Whether every margin is matched within the tolerance.
    max_error
        Largest relative difference between achieved and target totals.
    """

    weights: pd.Series
    report: pd.DataFrame
    iterations: int
    converged: bool
    max_error: float

    @property
    def design_effect(self) -> float:
        """Kish design effect of the weights, ``n * sum w^2 / (sum w)^2``."""
        return design_effect(self.weights.to_numpy())

    @property
    def effective_n(self) -> float:
        """Kish effective sample size."""
        return effective_sample_size(self.weights.to_numpy())

    def apply(self, responses: pd.DataFrame, column: str = "weight") -> pd.DataFrame:
        """A copy of ``responses`` with the weights in ``column``."""
        return responses.assign(**{column: self.weights.reindex(responses.index)})


#: The names the column of a margins table's totals may have (one of them): ``target``,
#: or ``population`` / ``popolazione`` as the registry's tables (and the demo's) name it.
TOTAL_COLUMNS = ("target", "population", "popolazione")
_MARGINS_LACK = N_(
    "ai totali di popolazione mancano le colonne {missing} (presenti: {found}): "
    "una riga per categoria, con le colonne variable, category, target (o population, "
    "popolazione); un margine congiunto (una colonna per variabile) è per la calibrazione, "
    "che con il metodo raking fa il raking"
)
_TARGET_NOT_A_NUMBER = N_("il totale non è un numero")


def margins_from_frame(
    frame: pd.DataFrame, *, source: str | None = None
) -> dict[str, dict[Any, float]]:
    """Margins from a long table with columns ``variable``, ``category``, ``target``.

    The totals' column may also be named ``population`` or ``popolazione``
    (:data:`TOTAL_COLUMNS`); other columns (a ``share`` beside the counts)
    are not read.

    Raises
    ------
    DataError
        A column lacking, two totals' columns, an empty variable or
        category, a total that is no number (naming the row and column).

    Examples
    --------
    >>> m = pd.DataFrame({"variable": ["sex", "sex"], "category": ["F", "M"], "target": [52, 48]})
    >>> margins_from_frame(m)
    {'sex': {'F': 52.0, 'M': 48.0}}
    >>> m = pd.DataFrame({"variable": ["sex", "sex"], "category": ["F", "M"],
    ...                   "popolazione": [5200, 4800]})
    >>> margins_from_frame(m)
    {'sex': {'F': 5200.0, 'M': 4800.0}}
    """
    target = total_column(frame, source=source)
    missing = [c for c in ("variable", "category") if c not in frame.columns]
    if missing or target is None:
        missing += [] if target is not None else ["target"]
        raise DataError(
            Message(
                "the margins lack the columns {missing} (found {found}): one row per category, "
                "with the columns variable, category, target (or population, popolazione); a "
                "joint margin (a column per variable) is for calibrate, whose raking method rakes",
                _MARGINS_LACK,
                missing=", ".join(missing),
                found=", ".join(map(str, frame.columns)),
            ),
            source=source,
            column=missing[0],
        )
    check_variables(frame, source=source)
    empty = empty_cells(frame["category"])
    if empty.any():
        raise DataError(
            Message(
                "the category is empty: raking takes one category per row (a numeric total, "
                "with no category, is for calibrate)",
                N_(
                    "la categoria è vuota: il raking vuole una categoria per riga (un totale "
                    "numerico, senza categoria, è per la calibrazione)"
                ),
            ),
            source=source,
            row=int(np.flatnonzero(empty)[0]) + 1,
            column="category",
        )
    out: dict[str, dict[Any, float]] = {}
    totals = totals_of(frame, target, source=source)
    for var, cat, t in zip(frame["variable"], frame["category"], totals, strict=True):
        out.setdefault(str(var), {})[cat] = float(t)
    return out


def total_column(frame: pd.DataFrame, *, source: str | None = None) -> str | None:
    """The column of a margins table's totals (one of :data:`TOTAL_COLUMNS`), None if none.

    Raises
    ------
    DataError
        The table has two of them (which to take is not said).

    Examples
    --------
    >>> total_column(pd.DataFrame(columns=["sex", "population", "share"]))
    'population'
    """
    found = [c for c in frame.columns if c in TOTAL_COLUMNS]
    if len(found) > 1:
        raise DataError(
            Message(
                "the totals are in one column: {names} are two; keep one, or rename the other",
                N_("i totali sono in una colonna: {names} sono due; tenerne una o rinominare "
                   "l'altra"),
                names=", ".join(map(str, found)),
            ),
            source=source,
            column=str(found[1]),
        )  # fmt: skip
    return None if not found else str(found[0])


def check_variables(frame: pd.DataFrame, *, source: str | None = None) -> None:
    """Refuse a long margins table with an empty ``variable`` cell, naming its row.

    Examples
    --------
    >>> check_variables(pd.DataFrame({"variable": ["sex", " "]}))
    Traceback (most recent call last):
    ...
    qualitapa.errors.DataError: row 2, column 'variable': the variable is empty: each row names the column of the responses it counts
    """  # noqa: E501
    nameless = empty_cells(frame["variable"])
    if nameless.any():
        raise DataError(
            Message(
                "the variable is empty: each row names the column of the responses it counts",
                N_("la variabile è vuota: ogni riga nomina la colonna delle risposte che conta"),
            ),
            source=source,
            row=int(np.flatnonzero(nameless)[0]) + 1,
            column="variable",
        )


def empty_cells(values: pd.Series) -> np.ndarray:
    """Which cells are empty: missing, or only spaces.

    Examples
    --------
    >>> empty_cells(pd.Series(["a", " ", None])).tolist()
    [False, True, True]
    """
    blank = values.astype("string").str.strip().eq("").fillna(True)
    return np.asarray(values.isna().to_numpy() | blank.to_numpy(dtype=bool), dtype=bool)


def totals_of(frame: pd.DataFrame, column: str, *, source: str | None = None) -> np.ndarray:
    """The totals of a margins table as numbers; the first that is not one is an error.

    Examples
    --------
    >>> totals_of(pd.DataFrame({"target": ["520", 480]}), "target").tolist()
    [520.0, 480.0]
    """
    target = pd.to_numeric(frame[column], errors="coerce")
    if target.isna().any():
        row = int(np.flatnonzero(target.isna().to_numpy())[0]) + 1
        said = Message("the target is not a number", _TARGET_NOT_A_NUMBER)
        raise DataError(said, source=source, row=row, column=column)
    return target.to_numpy(dtype=float)


def level_text(col: pd.Series) -> pd.Series:
    """The values as text, whole numbers without a decimal part (1.0 -> "1"); missing stays missing.

    Categories are matched as text so that 1, 1.0 and "1" are the same class.

    Examples
    --------
    >>> level_text(pd.Series([1.0, 2.5, None])).tolist()
    ['1', '2.5', <NA>]
    """
    text = col.astype("string")
    if pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col):
        vals = col.to_numpy(dtype=float, na_value=np.nan)
        ints = ~np.isnan(vals) & (vals == np.floor(vals))
        text = pd.Series(
            np.where(ints, np.where(ints, vals, 0).astype(np.int64).astype(str), col.astype(str)),
            index=col.index,
            dtype="string",
        ).where(col.notna())
    return text


def _codes(
    responses: pd.DataFrame, var: str, categories: Sequence[Any], source: str | None
) -> np.ndarray:
    if var not in responses.columns:
        raise DataError(
            "margin variable is not a column of the responses", source=source, column=var
        )
    col = responses[var]
    cats_text = [str(c) for c in categories]
    text = level_text(col)
    codes = (
        pd.Index(cats_text, dtype=object)
        .get_indexer(pd.Index(text.astype(object)))
        .astype(np.int64)
    )
    bad = codes < 0
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        value = col.iloc[i]
        what = "is missing" if pd.isna(value) else f"{value!r} is not a category of the margin"
        raise DataError(
            f"{what} (categories: {cats_text}); recode or collapse categories first "
            f"({int(bad.sum())} respondent(s))",
            source=source,
            row=i + 1,
            column=var,
        )
    return codes


def trim_weights(
    weights: Any, *, lower: float | None = None, upper: float | None = None
) -> np.ndarray:
    """Trim weights to ``[lower, upper]`` times their mean, keeping their sum.

    A weight above ``upper * mean`` is cut to that bound, a weight below
    ``lower * mean`` raised to it; the clipped units stay at their bound and
    the net amount trimmed is shared in equal parts among the other
    (free) units. Sharing can push a free unit past a bound: it is then
    clipped in turn, and the passes repeat until no free unit is outside
    (at most one pass per unit). The mean, hence the bounds, never changes.

    This is the redistribution of R ``survey::trimWeights(design, lower,
    upper, strict = TRUE)`` (equal additive shares, bounds compared
    strictly, repeated until nothing is outside), with bounds relative to
    the mean. One difference: R's repeated passes also give shares to units
    it clipped in an earlier pass (they sit exactly on a bound, so are no
    longer "outside"), which can move a unit raised to the lower bound
    above it again; here clipped units are held at their bound. Both agree
    whenever a single pass suffices or only one bound binds (see
    ``docs/surveys.md``).

    Parameters
    ----------
    weights
        Non-negative finite weights.
    lower, upper
        Bounds relative to the mean weight (``0 <= lower <= 1 <= upper``);
        None for no bound.

    Returns
    -------
    numpy.ndarray
        The trimmed weights, same order and sum.

    Raises
    ------
    DataError
        A weight is missing, negative or infinite.
    ValueError
        The bounds exclude the mean weight, ``lower >= upper``, or they
        clip every unit (e.g. 5, 1, 1 with bounds 0.75 and 2: each is
        outside), leaving none to keep the sum.

    Examples
    --------
    Issue 12's case: 0.2 and 0.4 rise to 0.5, 2.4 falls to 1.5, and the net
    0.5 goes to the four free units in shares of 0.125:

    >>> trim_weights([0.2, 0.4, 1, 1, 1, 1, 2.4], lower=0.5, upper=1.5).tolist()
    [0.5, 0.5, 1.125, 1.125, 1.125, 1.125, 1.5]
    >>> trim_weights([1.0, 1.0, 1.0, 5.0], upper=1.5).round(3).tolist()
    [1.667, 1.667, 1.667, 3.0]
    """
    w = np.array(weights, dtype=float).ravel()
    if np.isnan(w).any():
        raise DataError("weight is missing", row=int(np.flatnonzero(np.isnan(w))[0]) + 1)
    _check_weights(w)
    if lower is not None and not 0 <= lower <= 1:
        raise ValueError(f"lower must be between 0 and 1 (times the mean weight), not {lower!r}")
    if upper is not None and upper < 1:
        raise ValueError(f"upper must be at least 1 (times the mean weight), not {upper!r}")
    if lower is not None and upper is not None and lower >= upper:
        raise ValueError("lower must be smaller than upper")
    if len(w) == 0:
        return w
    total = w.sum()
    mean = w.mean()
    lo = -np.inf if lower is None else lower * mean
    hi = np.inf if upper is None else upper * mean
    free = np.ones(len(w), dtype=bool)
    for _ in range(len(w)):  # every pass clips at least one more unit
        out = free & ((w < lo) | (w > hi))
        if not out.any():
            break
        clipped = np.clip(w[out], lo, hi)
        excess = float(np.sum(w[out] - clipped))
        w[out] = clipped
        free &= ~out
        if not free.any():
            if abs(excess) > 1e-9 * abs(total):
                raise ValueError(
                    f"the bounds ({lower}, {upper}) x the mean weight leave no weight free to "
                    "take up what trimming removes or adds; widen them"
                )
            break
        w[free] += excess / free.sum()
    return w


def rake(
    responses: pd.DataFrame,
    margins: Margins | pd.DataFrame,
    *,
    base_weights: str | None = None,
    total: float | None = None,
    max_iter: int = 100,
    tol: float = 1e-6,
    trim: tuple[float | None, float | None] | None = None,
    source: str | None = None,
) -> WeightingResult:
    """Rake (iterative proportional fitting) the respondents to population margins.

    Parameters
    ----------
    responses
        One row per respondent with the margin variables as columns.
    margins
        ``{variable: {category: target}}`` or a table with columns
        ``variable``, ``category``, ``target`` (counts or shares).
    base_weights
        Column of design weights to start from (default 1).
    total
        Sum of the final weights (default: sum of the base weights).
    max_iter
        Maximum number of raking cycles.
    tol
        Convergence: every achieved margin total within ``tol`` (relative)
        of its target.
    trim
        ``(lower, upper)`` bounds on weights relative to their mean, applied
        after each cycle (trimmed raking); None for no trimming.
    source
        Name of the data for error messages.

    Returns
    -------
    WeightingResult

    Raises
    ------
    DataError
        A margin variable is missing, a respondent's category is not in its
        margin (or missing), a category with a positive target has no
        respondents (empty cell), or the fit does not converge in
        ``max_iter`` cycles.

    Examples
    --------
    Survey counts 7, 9 / 12, 7 raked to rows 5, 15 and columns 10, 10
    (the fitted table keeps the sample's odds ratio):

    >>> df = pd.DataFrame({"r": ["a"] * 16 + ["b"] * 19,
    ...                    "c": ["x"] * 7 + ["y"] * 9 + ["x"] * 12 + ["y"] * 7})
    >>> res = rake(df, {"r": {"a": 5, "b": 15}, "c": {"x": 10, "y": 10}}, total=20)
    >>> res.converged, round(float(res.weights[df.r.eq("a") & df.c.eq("x")].sum()), 4)
    (True, 1.7757)
    """
    if isinstance(margins, pd.DataFrame):
        margins = margins_from_frame(margins, source=source)
    if not margins:
        raise DataError("no margins to rake to", source=source)
    n = len(responses)
    if n == 0:
        raise DataError("no respondents to weight", source=source)
    if base_weights is not None:
        from qualitapa.surveys._stats import weights_of

        w = weights_of(responses, base_weights).copy()
    else:
        w = np.ones(n)
    grand = float(total) if total is not None else float(w.sum())
    variables = list(margins)
    cells = [_margin_cells(responses, margins, var, grand, source) for var in variables]
    codes = [c for c, _, _ in cells]
    targets = [t for _, t, _ in cells]
    w, it, max_error = _fit(w * grand / w.sum(), codes, targets, max_iter, tol, trim, source)
    report = _report(variables, [cats for _, _, cats in cells], codes, targets, w)
    return WeightingResult(
        pd.Series(w, index=responses.index, name="weight"), report, it, True, max_error
    )


def _margin_cells(
    responses: pd.DataFrame, margins: Margins, var: str, grand: float, source: str | None
) -> tuple[np.ndarray, np.ndarray, list[Any]]:
    """``(codes, targets, categories)`` of one margin, targets scaled to ``grand``."""
    cats = list(margins[var])
    t = np.asarray([float(margins[var][c]) for c in cats])
    if np.any(t < 0) or not np.isfinite(t).all() or t.sum() <= 0:
        raise DataError(
            "margin targets must be non-negative numbers with a positive sum",
            source=source,
            column=var,
        )
    c = _codes(responses, var, cats, source)
    counts = np.bincount(c, minlength=len(cats))
    empty = (counts == 0) & (t > 0)
    if empty.any():
        first = cats[int(np.flatnonzero(empty)[0])]
        raise DataError(
            f"empty margin cell: no respondent has {var} = {first!r} "
            "but its population target is positive; collapse categories",
            source=source,
            column=var,
        )
    return c, t / t.sum() * grand, cats


def _fit(
    w: np.ndarray,
    codes: list[np.ndarray],
    targets: list[np.ndarray],
    max_iter: int,
    tol: float,
    trim: tuple[float | None, float | None] | None,
    source: str | None,
) -> tuple[np.ndarray, int, float]:
    """``(weights, cycles, largest relative margin error)`` once the margins are met.

    Raises a :class:`DataError` when they are not met in ``max_iter`` cycles.
    """
    max_error = np.inf
    for cycle in range(1, max_iter + 1):  # loop over cycles and variables, not respondents
        for c, t in zip(codes, targets, strict=True):
            current = np.bincount(c, weights=w, minlength=len(t))
            with np.errstate(invalid="ignore", divide="ignore"):
                factor = np.where(current > 0, t / current, 0.0)
            w = w * factor[c]
        if trim is not None:
            try:
                w = trim_weights(w, lower=trim[0], upper=trim[1])
            except ValueError as err:
                raise DataError(
                    f"raking cannot meet the trimming bounds {trim} (cycle {cycle}): {err}; "
                    "loosen the trimming bounds or collapse sparse categories",
                    source=source,
                ) from err
        errors = [
            np.max(np.abs(np.bincount(c, weights=w, minlength=len(t)) - t) / np.maximum(t, 1e-300))
            for c, t in zip(codes, targets, strict=True)
        ]
        max_error = float(max(errors))
        if max_error <= tol:
            return w, cycle, max_error
    raise DataError(
        f"raking did not converge in {max_iter} cycles (largest relative margin error "
        f"{max_error:.3g} > tol {tol:g}); loosen the trimming bounds, collapse sparse "
        "categories or raise max_iter",
        source=source,
    )


def _report(
    variables: Sequence[str],
    cats_of: Sequence[Sequence[Any]],
    codes: Sequence[np.ndarray],
    targets: Sequence[np.ndarray],
    w: np.ndarray,
) -> pd.DataFrame:
    rows = []
    for var, cats, c, t in zip(variables, cats_of, codes, targets, strict=True):
        sample_n = np.bincount(c, minlength=len(cats))
        achieved = np.bincount(c, weights=w, minlength=len(cats))
        rows.append(
            pd.DataFrame(
                {
                    "variable": var,
                    "category": [str(x) for x in cats],
                    "sample_n": sample_n,
                    "target": t,
                    "achieved": achieved,
                    "share_sample": sample_n / sample_n.sum(),
                    "share_target": t / t.sum(),
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def poststratify(
    responses: pd.DataFrame,
    population: pd.DataFrame,
    *,
    cells: Sequence[str],
    count: str = "population",
    base_weights: str | None = None,
    total: float | None = None,
    source: str | None = None,
) -> WeightingResult:
    """Post-stratify: weight each cell of ``cells`` to its population count.

    Parameters
    ----------
    responses
        One row per respondent with the ``cells`` columns.
    population
        One row per cell: the ``cells`` columns and the ``count`` column.
    cells
        Variables whose cross-classification defines the cells.
    count
        Column of ``population`` with the population count (or share).
    base_weights, total, source
        As in :func:`rake`.

    Raises
    ------
    DataError
        A respondent's cell is not in ``population``, or a cell with a
        positive population has no respondents (collapse cells).

    Examples
    --------
    >>> df = pd.DataFrame({"sex": ["F", "F", "M"]})
    >>> pop = pd.DataFrame({"sex": ["F", "M"], "population": [50, 50]})
    >>> poststratify(df, pop, cells=["sex"], total=3).weights.tolist()
    [0.75, 0.75, 1.5]
    """
    cells = list(cells)
    for c in [*cells, count]:
        if c not in population.columns:
            raise DataError("population table column is missing", source=source, column=c)
    keys = population[cells].astype("string").agg("|".join, axis=1) if cells else None
    if keys is None or keys.duplicated().any():
        raise DataError("population cells must be unique", source=source)
    margin = dict(zip(keys, pd.to_numeric(population[count], errors="coerce"), strict=True))
    resp_key = responses[cells].astype("string")
    if resp_key.isna().any().any():
        row = int(np.flatnonzero(resp_key.isna().any(axis=1).to_numpy())[0]) + 1
        raise DataError("a cell variable is missing", source=source, row=row)
    frame = pd.DataFrame({"cell": resp_key.agg("|".join, axis=1)}, index=responses.index)
    result = (
        rake(
            frame,
            {"cell": margin},
            base_weights=None,
            total=total,
            max_iter=1,
            tol=1e-9,
            source=source,
        )
        if base_weights is None
        else rake(
            frame.assign(_w=responses[base_weights]),
            {"cell": margin},
            base_weights="_w",
            total=total,
            max_iter=1,
            tol=1e-9,
            source=source,
        )
    )
    report = result.report.assign(variable="+".join(cells))
    return attrs.evolve(result, report=report)
