"""Survey designs: weights, strata, clusters (PSUs) and FPC; the Taylor-linearisation variance.

A :class:`SurveyDesign` says how the sample was drawn, as R's
``survey::svydesign(ids, strata, weights, fpc, nest)`` does for a one-stage
design (Lumley 2010, *Complex Surveys*, ch. 2-3). Its variance of an estimated
total of the "influence" values :math:`z_i` (the with-replacement,
between-PSU formula of Wolter 2007, *Introduction to Variance Estimation*,
eq. 2.4.8, with the stratum's finite population correction) is

.. math::

    \\hat V = \\sum_h (1 - f_h)\\,\\frac{n_h}{n_h - 1}
              \\sum_{i=1}^{n_h} (z_{hi} - \\bar z_h)^2,

where :math:`z_{hi}` is the total of :math:`z` in PSU :math:`i` of stratum
:math:`h`, :math:`n_h` the number of PSUs the stratum has in the sample and
:math:`f_h = n_h / N_h` its sampling fraction (0 without FPC). This is R's
``survey:::onestrat`` (survey 4.1, read from the installed package with
``print(survey:::onestrat)``), including its rules for a stratum with a single
PSU (``options(survey.lonely.psu)``, see :data:`LonelyPsu`). The estimators
that use it are in ``_design_estimates.py``.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from typing import Literal, Protocol, get_args

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import sparse

from qualitapa.errors import DataError, Message, UnknownValueError
from qualitapa.i18n import N_
from qualitapa.io import to_numeric_column
from qualitapa.problems import check_option

LonelyPsu = Literal["fail", "adjust", "average", "certainty", "remove"]
"""What a stratum with a single PSU adds to a variance (R's ``survey.lonely.psu``).

``"fail"`` (R's default) refuses the design; ``"adjust"`` centres the PSU at
the overall estimate (its total squared, times :math:`1 - f_h`) instead of the
stratum's; ``"average"`` gives such strata the average variance of the other
strata (the sum over the others times strata/others); ``"certainty"`` and
``"remove"`` let the stratum add nothing (in survey 4.1 the two give the same
variances). A stratum with a single PSU that is its whole population
(FPC :math:`N_h = 1`) adds nothing under every rule, as in R.
"""

Floats = npt.NDArray[np.float64]
Codes = npt.NDArray[np.intp]


class Calibration(Protocol):
    """What a calibration (``qualitapa.surveys.calibrate``) leaves in its design.

    R's ``svyrecvar`` replaces the influence values by their residuals on
    the calibration variables before summing them by PSU; this gives the
    change of the PSU totals that those residuals make.
    """

    def psu_correction(
        self, design: SurveyDesign, cross: Callable[[Floats], Floats]
    ) -> Floats:  # pragma: no cover - a protocol
        """PSUs x columns to subtract from the PSU totals.

        ``cross(m)`` is ``m.T @ Z`` for an n x p matrix ``m``, Z (n x k) the
        influence values of each column (domain) being estimated.
        """
        ...


_CENSUS = 1e-7
#: What each column of the design or of an estimator is, said in an error's language.
FIELDS = {
    "weights": Message("weights", N_("pesi")),
    "strata": Message("strata", N_("strati")),
    "clusters": Message("clusters", N_("gruppi (unità primarie)")),
    "fpc": Message("finite population correction", N_("correzione per popolazione finita")),
    "by": Message("domains", N_("domini")),
    "columns": Message("variable", N_("variabile")),
    "numerator": Message("numerator", N_("numeratore")),
    "denominator": Message("denominator", N_("denominatore")),
    "replicates": Message("replicate weights", N_("pesi replicati")),
}  # R: a stratum with 1 - f below this adds nothing (all(f < 1e-07))


def not_found(column: str, data: pd.DataFrame, field: str) -> UnknownValueError:
    close = difflib.get_close_matches(column, [str(c) for c in data.columns], n=2)
    return UnknownValueError(
        "column",
        column,
        suggestions=[repr(c) for c in close],
        detail=Message(
            "no column {name!r} in the data ({field})",
            N_("nei dati non c'è la colonna {name!r} ({field})"),
            name=column,
            field=FIELDS[field],
        ),
        column=column,
    )


def _labels(data: pd.DataFrame, column: str, field: str) -> tuple[Codes, list[str]]:
    """The column's codes 0.. (sorted values) and its values as text, required complete."""
    if column not in data.columns:
        raise not_found(column, data, field)
    values = data[column]
    missing = values.isna().to_numpy()
    if missing.any():
        raise DataError(
            Message(
                "the design needs a value in every row ({field})",
                N_("il disegno richiede un valore in ogni riga ({field})"),
                field=FIELDS[field],
            ),
            row=int(np.flatnonzero(missing)[0]) + 1,
            column=column,
        )
    codes, uniques = pd.factorize(values, sort=True)
    return np.asarray(codes, dtype=np.intp), [str(u) for u in uniques]


def numeric_column(data: pd.DataFrame, column: str, field: str) -> Floats:
    """The column as floats (NaN where empty); text that is no number is an error."""
    if column not in data.columns:
        raise not_found(column, data, field)
    values, bad = to_numeric_column(data[column], column=column)
    if bad.any():
        raise DataError(
            Message(
                "{value!r} is not a number",
                N_("{value!r} non è un numero"),
                value=str(data[column].iloc[int(np.flatnonzero(bad)[0])]),
            ),
            row=int(np.flatnonzero(bad)[0]) + 1,
            column=column,
        )
    return values


def weight_column(data: pd.DataFrame, column: str, field: str = "weights") -> Floats:
    """The column as weights: numbers, zero or more, in every row (else a DataError)."""
    w = numeric_column(data, column, field)
    bad = np.isnan(w) | (w < 0) | ~np.isfinite(w)
    if bad.any():
        raise DataError(
            Message(
                "a weight must be a number, zero or more",
                N_("il peso deve essere un numero maggiore o uguale a zero"),
            ),
            row=int(np.flatnonzero(bad)[0]) + 1,
            column=column,
        )
    return w


def _psus(data: pd.DataFrame, stratum: Codes, clusters: str | None, nest: bool) -> Codes:
    """PSU codes 0..P-1, one PSU in one stratum only."""
    if clusters is None:
        return np.arange(len(data))
    id_codes, id_values = _labels(data, clusters, "clusters")
    if nest:  # a PSU is a (stratum, cluster) pair
        key = stratum.astype(np.int64) * len(id_values) + id_codes
        return np.asarray(pd.factorize(key, sort=True)[0], dtype=np.intp)
    psu = id_codes
    strata_per_psu = np.bincount(_distinct(psu, stratum), minlength=len(id_values))
    if (strata_per_psu > 1).any():
        first = int(np.flatnonzero(strata_per_psu[psu] > 1)[0])
        raise DataError(
            Message(
                "cluster {value!r} is in more than one stratum; if the clusters are"
                " numbered within each stratum, pass nest=True",
                N_(
                    "il gruppo {value!r} è in più di uno strato; se i gruppi sono"
                    " numerati dentro ogni strato, usare nest=True"
                ),
                value=id_values[psu[first]],
            ),
            row=first + 1,
            column=clusters,
        )
    return psu


def _population(
    data: pd.DataFrame, column: str, stratum: Codes, n_psu: Codes, labels: tuple[str, ...]
) -> Floats:
    """Population size N_h per stratum from a size (all >= 1) or a fraction (all <= 1) column."""
    fpc = numeric_column(data, column, "fpc")
    missing = np.isnan(fpc) | (fpc < 0)
    if missing.any():
        raise DataError(
            Message(
                "the finite population correction must be a number, zero or more",
                N_("la correzione per popolazione finita deve essere un numero non negativo"),
            ),
            row=int(np.flatnonzero(missing)[0]) + 1,
            column=column,
        )
    value = np.empty(len(n_psu))
    value[stratum[::-1]] = fpc[::-1]  # each stratum's value on its first row
    differs = fpc != value[stratum]  # a row whose value is not its stratum's first
    sizes = (fpc > 1).any()
    if differs.any() or (sizes and (fpc < 1).any()):
        row = int(np.flatnonzero(differs if differs.any() else fpc < 1)[0])
        raise DataError(
            Message(
                "the finite population correction must be one value per stratum, either"
                " population sizes (all 1 or more) or sampling fractions (all 1 or less)",
                N_(
                    "la correzione per popolazione finita deve avere un solo valore per"
                    " strato: numerosità della popolazione (tutte almeno 1) oppure frazioni"
                    " di campionamento (tutte al più 1)"
                ),
            ),
            row=row + 1,
            column=column,
        )
    with np.errstate(divide="ignore"):
        population = value if sizes else n_psu / value
    over = population < n_psu
    if over.any():
        raise DataError(
            Message(
                "the finite population correction says stratum {stratum!r} has fewer units"
                " ({size}) than the sample has PSUs ({count})",
                N_(
                    "secondo la correzione per popolazione finita lo strato {stratum!r} ha meno"
                    " unità ({size}) delle unità primarie nel campione ({count})"
                ),
                stratum=labels[int(np.flatnonzero(over)[0])],
                size=f"{population[over][0]:g}",
                count=int(n_psu[over][0]),
            ),
            row=int(np.flatnonzero(over[stratum])[0]) + 1,
            column=column,
        )
    return population


@attrs.frozen(eq=False)
class SurveyDesign:
    """A one-stage survey design: weights, strata, clusters (PSUs) and FPC.

    Build it with :meth:`from_frame`; the estimators (:func:`design_mean`,
    :func:`design_total`, :func:`design_ratio`, :func:`design_proportion`)
    take it as their first argument. Arrays are per row of :attr:`data`
    (weights, stratum and PSU codes) or per stratum (labels, PSU counts,
    population sizes).

    Examples
    --------
    >>> df = pd.DataFrame({"city": ["A", "A", "A", "B", "B"], "day": [1, 1, 2, 1, 2],
    ...                    "w": [2.0, 2.0, 3.0, 5.0, 5.0], "q": [4, 5, 3, 2, 4]})
    >>> d = SurveyDesign.from_frame(df, weights="w", strata="city", clusters="day", nest=True)
    >>> d.strata_labels, d.n_psu.tolist(), d.degrees_of_freedom
    (('A', 'B'), [2, 2], 2)
    """

    data: pd.DataFrame = attrs.field(repr=False)
    weights: Floats = attrs.field(repr=False)
    stratum: Codes = attrs.field(repr=False)
    psu: Codes = attrs.field(repr=False)
    strata_labels: tuple[str, ...]
    n_psu: Codes
    population: Floats
    lonely_psu: LonelyPsu = "fail"
    calibration: Calibration | None = attrs.field(default=None, repr=False)

    @classmethod
    def from_frame(
        cls,
        data: pd.DataFrame,
        *,
        weights: str | None = None,
        strata: str | None = None,
        clusters: str | None = None,
        fpc: str | None = None,
        nest: bool = False,
        lonely_psu: LonelyPsu = "fail",
    ) -> SurveyDesign:
        """The design of ``data``, named by its columns (R's ``svydesign``).

        Parameters
        ----------
        data
            One row per respondent (it is copied, never changed).
        weights
            Column of sampling weights (zero or more). Without it the weights
            are :math:`N_h / n_h` when ``fpc`` gives population sizes, else 1.
        strata
            Column of strata; none: one stratum.
        clusters
            Column of the primary sampling units (survey day, session...);
            none: every respondent is a PSU.
        fpc
            Column of the finite population correction, one value per stratum:
            the population size :math:`N_h` (in PSUs; all values 1 or more)
            or the sampling fraction :math:`n_h / N_h` (all 1 or less), as R's
            ``fpc``. None: sampling with replacement (no correction).
        nest
            The cluster ids repeat across strata (day 1 of each city): a PSU
            is a stratum and a cluster id together.
        lonely_psu
            Rule for a stratum with a single PSU (:data:`LonelyPsu`).

        Raises
        ------
        DataError
            A column is missing (:class:`~qualitapa.errors.UnknownValueError`,
            with close names), a design value is empty, a weight is negative,
            a cluster lies in two strata without ``nest``, the FPC varies in
            a stratum or is smaller than the sample, the whole sample is one
            PSU, or a stratum has a single PSU under ``lonely_psu="fail"``.
        OptionError
            ``lonely_psu`` is none of the rules.

        Examples
        --------
        >>> df = pd.DataFrame({"q": [3.0, 4.0, 5.0, 4.0], "N": [40, 40, 40, 40]})
        >>> SurveyDesign.from_frame(df, fpc="N").weights.tolist()
        [10.0, 10.0, 10.0, 10.0]
        """
        check_option("lonely_psu", lonely_psu, get_args(LonelyPsu))
        data = data.reset_index(drop=True)  # copy on write: the caller's later edits stay theirs
        if strata is None:
            stratum = np.zeros(len(data), dtype=np.intp)
            labels: tuple[str, ...] = ("",)
        else:
            stratum, uniques = _labels(data, strata, "strata")
            labels = tuple(uniques)
        psu = _psus(data, stratum, clusters, nest)
        psu_stratum = np.zeros(psu.max() + 1 if len(psu) else 0, dtype=np.intp)
        psu_stratum[psu] = stratum
        n_psu = np.bincount(psu_stratum, minlength=len(labels))
        population = (
            np.full(len(labels), np.inf)
            if fpc is None
            else _population(data, fpc, stratum, n_psu, labels)
        )
        if weights is not None:
            w = weight_column(data, weights)
        elif fpc is not None:
            w = (population / n_psu)[stratum]
        else:
            w = np.ones(len(data))
        design = cls(data, w, stratum, psu, labels, n_psu, population, lonely_psu)
        design._check_psus(strata, clusters, nest)
        return design

    def _check_psus(self, strata: str | None, clusters: str | None, nest: bool) -> None:
        """R's refusals: a sample of one PSU; a lonely PSU under ``"fail"``."""
        if len(self.psu) and self.psu.max() == 0 and not (nest and strata is not None):
            raise DataError(
                Message(
                    "the whole sample is a single cluster: its variance cannot be estimated",
                    N_("tutto il campione è un solo gruppo: la varianza non è stimabile"),
                ),
                column=clusters,
            )
        lonely = (self.n_psu == 1) & (self.population != 1)
        if self.lonely_psu == "fail" and lonely.any():
            h = int(np.flatnonzero(lonely)[0])
            raise DataError(
                Message(
                    "stratum {stratum!r} has a single cluster: choose a rule with"
                    " lonely_psu ('adjust', 'average', 'certainty' or 'remove')",
                    N_(
                        "lo strato {stratum!r} ha un solo gruppo: scegliere una regola con"
                        " lonely_psu ('adjust', 'average', 'certainty' o 'remove')"
                    ),
                    stratum=self.strata_labels[h],
                ),
                row=int(np.flatnonzero(self.stratum == h)[0]) + 1,
                column=strata,
            )

    @property
    def degrees_of_freedom(self) -> int:
        """PSUs minus strata among the rows with a weight (R's ``degf``)."""
        return int(domain_degrees_of_freedom(self, np.zeros(len(self.weights), np.intp), 1)[0])

    @property
    def sampling_fraction(self) -> Floats:
        """:math:`f_h = n_h / N_h` per stratum (0 without FPC)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(np.isfinite(self.population), self.n_psu / self.population, 0.0)


def domain_degrees_of_freedom(design: SurveyDesign, domain: Codes, k: int) -> Floats:
    """Per domain 0..k-1: distinct PSUs minus distinct strata of its rows with a weight.

    R's ``degf`` of the domain's subset (``degf(design[in_domain, ])``).
    """
    keep = (domain >= 0) & (design.weights != 0)
    d = domain[keep]
    n_psus = np.bincount(_distinct(d, design.psu[keep]), minlength=k)
    n_strata = np.bincount(_distinct(d, design.stratum[keep]), minlength=k)
    return (n_psus - n_strata).astype(float)


def _distinct(domain: Codes, codes: Codes) -> Codes:
    """The domain of each distinct (domain, code) pair."""
    if not len(domain):
        return domain
    size = int(codes.max()) + 1
    key = domain.astype(np.int64) * size + codes
    bins = (int(domain.max()) + 1) * size
    if bins <= 4 * len(key) + 1_000_000:  # few pairs possible: count them, no sort
        pairs = np.flatnonzero(np.bincount(key, minlength=bins))
    else:
        pairs = np.unique(key)
    return np.asarray(pairs // size, dtype=np.intp)


def design_variance(
    design: SurveyDesign, z: Floats, domain: Codes, k: int, rows: Codes | None = None
) -> Floats:
    """Variance of the totals of ``z`` over each domain 0..k-1 (rows with domain -1 add nothing).

    Vectorised over domains: PSU totals by ``bincount`` of (PSU, domain);
    the lonely-PSU rule as R's ``onestrat`` and ``onestage`` (the
    ``"average"`` rule counts, per domain, the strata that have rows in it,
    as R's subset design does). ``rows``: the design row of each value when
    ``z`` stacks several columns (their domains numbered apart), so that all
    columns are linearised in one pass.
    """
    spare = np.where(domain >= 0, domain, k)  # rows in no domain: a column that is dropped
    psu = design.psu if rows is None else design.psu[rows]
    stratum = design.stratum if rows is None else design.stratum[rows]
    n_psus, h_count = int(design.psu.max()) + 1, len(design.n_psu)
    totals = np.asarray(
        np.bincount(psu * (k + 1) + spare, weights=z, minlength=n_psus * (k + 1)),
        dtype=np.float64,
    ).reshape(n_psus, k + 1)[:, :k]
    if design.calibration is not None:  # R's svyrecvar: residuals of the calibration
        keep = domain >= 0
        at = np.flatnonzero(keep) if rows is None else rows[keep]
        totals = totals - design.calibration.psu_correction(
            design, lambda m: _domain_cross(m, z[keep], domain[keep], at, k)
        )
    counts = np.bincount(stratum * (k + 1) + spare, minlength=h_count * (k + 1))
    spread = _spread(design, totals, counts.reshape(h_count, k + 1)[:, :k] > 0)
    return np.asarray((spread**2).sum(axis=0), dtype=np.float64)


def design_covariance(design: SurveyDesign, z: Floats, keep: npt.NDArray[np.bool_]) -> Floats:
    """Covariance matrix of the totals of the columns of ``z`` (n x m) over the rows ``keep``.

    R's ``svyrecvar`` (``crossprod`` of the scaled, centred PSU totals).
    """
    n_psus = int(design.psu.max()) + 1
    totals = np.asarray(
        [np.bincount(design.psu[keep], weights=col[keep], minlength=n_psus) for col in z.T],
        dtype=np.float64,
    ).T
    if design.calibration is not None:  # R's svyrecvar: residuals of the calibration
        kept = np.where(keep[:, None], z, 0.0)
        totals = totals - design.calibration.psu_correction(design, lambda m: m.T @ kept)
    present = np.bincount(design.stratum[keep], minlength=len(design.n_psu)) > 0
    spread = _spread(design, totals, np.repeat(present[:, None], z.shape[1], axis=1))
    return np.asarray(spread.T @ spread, dtype=np.float64)


def _domain_cross(m: Floats, z: Floats, domain: Codes, at: Codes, k: int) -> Floats:
    """``m.T @ Z``, Z (design rows x k) holding each ``z`` at its row ``at``, column ``domain``."""
    spread = sparse.csr_matrix((z, (domain, at)), shape=(k, m.shape[0]))
    return np.asarray(spread @ m, dtype=np.float64).T


def _spread(design: SurveyDesign, totals: Floats, present: npt.NDArray[np.bool_]) -> Floats:
    """PSU totals centred in their stratum and scaled: their crossproduct is the variance.

    ``totals`` is PSUs x columns, ``present`` strata x columns (the stratum
    has rows in the column's domain). Row (h, i) is
    :math:`\\sqrt{(1 - f_h) n_h / (n_h - 1)}\\,(z_{hi} - \\bar z_h)`; a lonely
    PSU is uncentred under ``"adjust"``, and ``"average"`` scales each column
    by :math:`\\sqrt{\\text{strata} / \\text{strata with 2+ PSUs}}`.
    """
    n_psus, h_count = totals.shape[0], len(design.n_psu)
    psu_stratum = np.zeros(n_psus, dtype=np.intp)
    psu_stratum[design.psu] = design.stratum
    sums = np.zeros((h_count, totals.shape[1]))
    np.add.at(sums, psu_stratum, totals)
    nh = design.n_psu.astype(float)
    one_minus_f = 1.0 - design.sampling_fraction
    lonely = (nh == 1) & (one_minus_f >= _CENSUS)
    centred = totals - (sums / nh[:, None])[psu_stratum]
    if design.lonely_psu == "adjust":
        centred = np.where(lonely[psu_stratum, None], totals, centred)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(nh > 1, one_minus_f * nh / (nh - 1), one_minus_f)
    scale = np.where(one_minus_f < _CENSUS, 0.0, scale)
    spread = centred * np.sqrt(scale)[psu_stratum, None]
    if design.lonely_psu == "average" and lonely.any():
        # a lonely PSU centred on itself adds 0; the others stand in for it
        n_strata = present.sum(axis=0)
        n_ok = (present & ~lonely[:, None]).sum(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            spread = spread * np.sqrt(n_strata / n_ok)
    return np.asarray(spread, dtype=np.float64)


class WeightedData(Protocol):
    """What domains need of a design: its data and full-sample weights (any kind of design)."""

    @property
    def data(self) -> pd.DataFrame: ...

    @property
    def weights(self) -> Floats: ...


def domain_codes(
    design: WeightedData, by: str | Sequence[str] | None
) -> tuple[Codes, pd.DataFrame]:
    """Domain code of each row (-1: no domain) and the domains' labels, sorted as R's ``svyby``."""
    n = len(design.weights)
    if by is None:
        return np.zeros(n, dtype=np.intp), pd.DataFrame(index=range(1))
    columns = [by] if isinstance(by, str) else list(by)
    for column in columns:
        if column not in design.data.columns:
            raise not_found(column, design.data, "by")
    groups = design.data.groupby(columns, sort=True, dropna=True)
    codes = groups.ngroup().fillna(-1).to_numpy().astype(np.intp)
    labels = groups.size().index.to_frame(index=False)
    return codes, labels
