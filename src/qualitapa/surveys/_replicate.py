"""Replicate-weight designs: jackknife (JK1, JKn), bootstrap, BRR and Fay; their variance.

A :class:`ReplicateDesign` carries, next to the full-sample weights
:math:`w_i`, R sets of replicate weights :math:`w_i^{(r)}`. An estimate
:math:`\\hat\\theta` is computed once with each set, giving
:math:`\\hat\\theta_r`, and its variance is

.. math::

    \\hat V = c \\sum_{r=1}^{R} c_r\\,(\\hat\\theta_r - \\tilde\\theta)^2,

with the design's ``scale`` :math:`c`, per-replicate ``rscales`` :math:`c_r`
and :math:`\\tilde\\theta` the mean of the replicates (or the full-sample
estimate with ``mse=True``), as R's ``survey:::svrVar`` (survey 4.1, read
from the installed package). The replicates are built from a
:class:`~qualitapa.surveys.SurveyDesign` as R's ``as.svrepdesign`` does
(Wolter 2007, *Introduction to Variance Estimation*, ch. 3-5; Rust and Rao
1996, *Stat. Methods Med. Res.* 5:283-310; Lumley 2010, *Complex Surveys*,
sec. 2.8), or read from the columns an agency publishes (R's
``svrepdesign``). Replicate weights are stored as factors per sampling unit
(units x R) times a per-row multiplier: the memory of the PSUs, not of the
rows, and every replicate total is one sparse-dense matrix product.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal, get_args

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import linalg, sparse

from qualitapa.errors import DataError, Message, OptionError
from qualitapa.i18n import N_
from qualitapa.problems import check_option
from qualitapa.surveys._design import Codes, Floats, SurveyDesign, not_found, weight_column

ReplicateType = Literal["JK1", "JKn", "bootstrap", "BRR", "Fay", "successive-difference", "other"]
"""How replicate weights were made; sets the default ``scale`` and ``rscales``.

``"JK1"``: delete-one-PSU jackknife, scale :math:`(R-1)/R`; ``"JKn"``:
stratified jackknife, ``rscales`` :math:`(n_h-1)/n_h` per replicate (given);
``"bootstrap"``: scale :math:`1/(R-1)`; ``"BRR"``: balanced half-samples,
scale :math:`1/R`; ``"Fay"``: Fay's BRR with factor :math:`\\rho`, scale
:math:`1/(R(1-\\rho)^2)`; ``"successive-difference"``: scale :math:`4/R`
(US Census ACS); ``"other"``: the scale must be given.
"""

_CHUNK = 250_000  # numbers in a temporary block of replicate weights (2 MB)

Conversion = Literal["auto", "JK1", "JKn", "bootstrap", "BRR", "Fay"]
"""Replicates built from a design (R's ``as.svrepdesign`` ``type``); ``"auto"``: JK1 or JKn."""


def _sylvester(order: int) -> npt.NDArray[np.int8]:
    """Sylvester's Hadamard matrix of ``order`` (a power of 2) coded 1 (+1) and 0 (-1)."""
    h = np.ones((1, 1), dtype=np.int8)
    while len(h) < order:
        h = np.block([[h, h], [h, 1 - h]])
    return h


def _hadamard(strata: int, given: npt.ArrayLike | None) -> npt.NDArray[np.int8]:
    """The 0/1 Hadamard matrix whose rows 1..strata say which half each replicate keeps."""
    if given is None:
        return _sylvester(max(4, 1 << int(np.ceil(np.log2(strata + 1)))))
    h = np.asarray(given)
    values = np.unique(h)
    plus = values.max() if len(values) else 1
    signs = np.where(h == plus, 1.0, -1.0)
    square = h.ndim == 2 and h.shape[0] == h.shape[1] and len(values) == 2
    if (
        not square
        or len(h) < strata + 1
        or not np.allclose(signs.T @ signs, len(h) * np.eye(len(h)))
    ):
        raise OptionError(
            Message(
                "hadamard must be a square Hadamard matrix (two values, orthogonal columns)"
                " with at least {count} rows (strata + 1)",
                N_(
                    "hadamard deve essere una matrice di Hadamard quadrata (due valori,"
                    " colonne ortogonali) con almeno {count} righe (strati + 1)"
                ),
                count=strata + 1,
            ),
            option="hadamard",
        )
    return (h == plus).astype(np.int8)


def _psu_strata(design: SurveyDesign) -> tuple[Codes, Codes]:
    """Stratum and first row of each PSU."""
    n_psus = int(design.psu.max()) + 1
    stratum = np.zeros(n_psus, dtype=np.intp)
    stratum[design.psu] = design.stratum
    first = np.full(n_psus, len(design.psu), dtype=np.intp)
    np.minimum.at(first, design.psu, np.arange(len(design.psu)))
    return stratum, first


def _jackknife(design: SurveyDesign, kind: str) -> tuple[Floats, float, Floats]:
    """Factors (PSUs x R), scale and rscales of R's ``jk1weights`` / ``jknweights``."""
    psu_stratum, _ = _psu_strata(design)
    n_psus, h_count = len(psu_stratum), len(design.n_psu)
    keep_f = 1.0 - design.sampling_fraction  # R's fpc "correction" (N - n) / N
    if kind == "JK1":
        nh = float(n_psus)
        if keep_f[0] <= 0:  # the whole population: no replicate (survey.drop.replicates)
            return np.ones((n_psus, 0)), 0.0, np.ones(0)
        factors = np.full((n_psus, n_psus), nh / (nh - 1))
        np.fill_diagonal(factors, 0.0)
        return factors, float(keep_f[0] * (nh - 1) / nh), np.ones(n_psus)
    columns: list[Floats] = []
    rscales: list[float] = []
    for h in range(h_count):
        members = np.flatnonzero(psu_stratum == h)
        nh = len(members)
        if keep_f[h] <= 0:
            continue  # sampled whole: no replicate
        if nh == 1:
            if design.lonely_psu == "adjust":  # R: the stratum's PSU 0, the others S/(S-1)
                column = np.full(n_psus, h_count / (h_count - 1))
                column[members] = 0.0
                columns.append(column)
                rscales.append((h_count - 1) / h_count)
            continue  # remove, certainty, average: no replicate
        block = np.ones((n_psus, nh))
        block[members] = nh / (nh - 1)
        block[members, np.arange(nh)] = 0.0
        columns.extend(block.T)
        rscales.extend([keep_f[h] * (nh - 1) / nh] * nh)
    if not columns:
        raise DataError(
            Message(
                "every stratum was sampled whole: there is no sampling variance to estimate",
                N_(
                    "ogni strato è stato rilevato per intero: non c'è varianza"
                    " campionaria da stimare"
                ),
            )
        )
    scale = (
        n_psus / len(columns) if design.lonely_psu == "average" and len(columns) < n_psus else 1.0
    )
    return np.column_stack(columns), scale, np.asarray(rscales)


def _brr(design: SurveyDesign, rho: float, hadamard: npt.ArrayLike | None) -> tuple[Floats, float]:
    """Factors (PSUs x R) and scale of R's ``brrweights`` for strata of exactly 2 PSUs."""
    if np.isfinite(design.population).any():
        raise DataError(
            Message(
                "BRR and Fay do not use the finite population correction: build the design"
                " without fpc, or choose JKn or bootstrap",
                N_(
                    "BRR e Fay non usano la correzione per popolazione finita: costruire il"
                    " disegno senza fpc, oppure scegliere JKn o bootstrap"
                ),
            )
        )
    odd = np.flatnonzero(design.n_psu != 2)
    if len(odd):
        h = int(odd[0])
        raise DataError(
            Message(
                "BRR and Fay need exactly 2 PSUs in each stratum; stratum {stratum!r} has"
                " {count}: pair the PSUs into strata of two, or choose JKn or bootstrap",
                N_(
                    "BRR e Fay richiedono esattamente 2 unità primarie per strato; lo strato"
                    " {stratum!r} ne ha {count}: accoppiare le unità in strati di due, oppure"
                    " scegliere JKn o bootstrap"
                ),
                stratum=design.strata_labels[h],
                count=int(design.n_psu[h]),
            ),
            row=int(np.flatnonzero(design.stratum == h)[0]) + 1,
        )
    psu_stratum, first = _psu_strata(design)
    h01 = _hadamard(len(design.n_psu), hadamard)
    # in each stratum, the PSU met first in the data is the first of the pair (R's order)
    order = np.lexsort((first, psu_stratum))
    is_first = np.zeros(len(first), dtype=bool)
    is_first[order[0::2]] = True
    keeps_first = h01[1 + psu_stratum].astype(bool)  # PSUs x R: the replicate keeps the first
    kept = keeps_first == is_first[:, None]
    factors = np.where(kept, 2.0 - rho, rho)
    return factors, 1.0 / (factors.shape[1] * (1.0 - rho) ** 2)


def _bootstrap(
    design: SurveyDesign, replicates: int, seed: int | np.random.Generator | None
) -> tuple[Floats, float]:
    """Factors (PSUs x R) and scale of R's ``bootweights`` (Canty and Davison 1999)."""
    rng = np.random.default_rng(seed)
    psu_stratum, _ = _psu_strata(design)
    factors = np.zeros((len(psu_stratum), replicates))
    for h, nh in enumerate(design.n_psu):
        members = np.flatnonzero(psu_stratum == h)
        population = design.population[h]
        if np.isfinite(population):  # n_h drawn without replacement from N_h copies
            copies = np.full(nh, int(population) // nh)
            copies[rng.permutation(nh)[: int(population) % nh]] += 1
            counts = rng.multivariate_hypergeometric(copies, nh, size=replicates)
        else:
            counts = rng.multinomial(nh, np.full(nh, 1.0 / nh), size=replicates)
        factors[members] = counts.T
    per_stratum = 1.0 / np.mean(1.0 / design.n_psu)
    if per_stratum <= 1:
        raise DataError(
            Message(
                "the bootstrap needs strata with 2 PSUs or more",
                N_("il bootstrap richiede strati con almeno 2 unità primarie"),
            )
        )
    return factors, float(per_stratum / ((per_stratum - 1) * (replicates - 1)))


@attrs.frozen(eq=False)
class ReplicateDesign:
    """A survey design given by replicate weights: jackknife, bootstrap, BRR or Fay.

    Build it from a :class:`~qualitapa.surveys.SurveyDesign` with
    :meth:`from_design` (R's ``as.svrepdesign``) or from the replicate-weight
    columns of a data set with :meth:`from_frame` (R's ``svrepdesign``). The
    estimators :func:`design_mean`, :func:`design_total`,
    :func:`design_ratio` and :func:`design_proportion` take it in place of
    a :class:`~qualitapa.surveys.SurveyDesign` and give replicate standard
    errors. The replicate weight of row *i* in replicate *r* is
    ``multiplier[i] * factors[unit[i], r]``.

    Examples
    --------
    >>> df = pd.DataFrame({"day": [1, 1, 2, 2, 3, 3], "q": [4, 5, 3, 2, 4, 5.0]})
    >>> d = SurveyDesign.from_frame(df, clusters="day")
    >>> r = ReplicateDesign.from_design(d, "JK1")
    >>> r.n_replicates, round(r.scale, 4), r.degrees_of_freedom
    (3, 0.6667, 2)
    """

    data: pd.DataFrame = attrs.field(repr=False)
    weights: Floats = attrs.field(repr=False)
    factors: Floats = attrs.field(repr=False)
    unit: Codes = attrs.field(repr=False)
    multiplier: Floats = attrs.field(repr=False)
    type: str
    scale: float
    rscales: Floats = attrs.field(repr=False)
    mse: bool = False

    @property
    def n_replicates(self) -> int:
        """The number of replicates R."""
        return int(self.factors.shape[1])

    @property
    def degrees_of_freedom(self) -> int:
        """Rank of the replicate weights minus 1 (R's ``degf`` of a replicate design)."""
        zero = np.zeros(len(self.weights), dtype=np.intp)
        return int(replicate_degrees_of_freedom(self, zero, 1)[0])

    def replicate_weights(self) -> Floats:
        """The replicate weights, one column per replicate (rows x R).

        Examples
        --------
        >>> df = pd.DataFrame({"w": [2.0, 2.0, 4.0], "q": [1.0, 2.0, 3.0]})
        >>> d = ReplicateDesign.from_design(SurveyDesign.from_frame(df, weights="w"))
        >>> d.replicate_weights().tolist()
        [[0.0, 3.0, 3.0], [3.0, 0.0, 3.0], [6.0, 6.0, 0.0]]
        """
        return np.asarray(self.multiplier[:, None] * self.factors[self.unit], dtype=np.float64)

    @classmethod
    def from_design(
        cls,
        design: SurveyDesign,
        type: Conversion = "auto",
        *,
        rho: float = 0.0,
        replicates: int = 50,
        seed: int | np.random.Generator | None = None,
        hadamard: npt.ArrayLike | None = None,
        mse: bool = False,
    ) -> ReplicateDesign:
        """Replicate weights made from a design (R's ``as.svrepdesign``).

        Parameters
        ----------
        design
            The survey design (strata, PSUs, FPC, weights).
        type
            ``"JK1"`` (delete one PSU; a design without strata: R refuses
            JK1 with strata), ``"JKn"`` (delete one PSU in one stratum;
            rscales :math:`(1-f_h)(n_h-1)/n_h`, the lonely-PSU rule of the
            design as R's ``jknweights``), ``"bootstrap"`` (R's
            ``bootweights``: :math:`n_h` PSUs drawn with replacement, or
            without replacement from :math:`N_h` copies under an FPC;
            scale :math:`\\bar n/((\\bar n - 1)(R - 1))`, :math:`\\bar n` the
            harmonic mean of PSUs per stratum), ``"BRR"`` and ``"Fay"``
            (half-samples of strata with 2 PSUs from a Hadamard matrix;
            factors :math:`2-\\rho` and :math:`\\rho`); ``"auto"``: JK1
            without strata, else JKn. JK1 and JKn keep the FPC: its
            :math:`1 - f_h` is in the scale.
        rho
            Fay's factor, :math:`0 \\le \\rho < 1` (``"Fay"`` only).
        replicates
            Number of bootstrap replicates.
        seed
            Seed or generator of the bootstrap's random draws.
        hadamard
            BRR/Fay: a Hadamard matrix (two values, e.g. 0/1 or -1/+1, with
            at least strata + 1 rows); row :math:`h + 1` (strata in the
            order of the design's labels) says for each replicate (column)
            whether it keeps the stratum's first PSU (the larger value) or
            the second (PSUs in the order met in the data). Default:
            Sylvester's of the smallest power of 2 above the strata (4 at
            least), which is R's ``survey:::hadamard`` for 1 to 7 and 12 to
            15 strata (R takes Paley's of order 12 for 8 to 11 strata: pass
            it here to have R's replicates).
        mse
            Centre the replicates at the full-sample estimate rather than
            at their mean (R's ``mse = TRUE``).

        Raises
        ------
        OptionError
            An unknown ``type``, JK1 on a stratified design, ``rho``
            outside [0, 1), a bad ``hadamard``.
        DataError
            BRR or Fay on a design with an FPC or with a stratum of other
            than 2 PSUs; every stratum sampled whole (JKn); a bootstrap
            with a single PSU per stratum.

        Examples
        --------
        >>> df = pd.DataFrame({"s": ["a", "a", "b", "b"], "q": [1.0, 2.0, 4.0, 3.0]})
        >>> d = SurveyDesign.from_frame(df, strata="s")
        >>> ReplicateDesign.from_design(d, "BRR").factors.tolist()
        [[2.0, 0.0, 2.0, 0.0], [0.0, 2.0, 0.0, 2.0], [2.0, 2.0, 0.0, 0.0], [0.0, 0.0, 2.0, 2.0]]
        """
        check_option("type", type, get_args(Conversion))
        stratified = len(design.n_psu) > 1
        kind = ("JKn" if stratified else "JK1") if type == "auto" else type
        if kind == "JK1" and stratified:
            raise OptionError(
                Message(
                    "JK1 is for a design without strata: choose type='JKn'",
                    N_("JK1 è per un disegno senza strati: scegliere type='JKn'"),
                ),
                option="type",
                value=type,
            )
        if not 0 <= rho < 1:
            raise OptionError(
                Message(
                    "rho must be 0 or more and below 1", N_("rho deve essere tra 0 (incluso) e 1")
                ),
                option="rho",
                value=rho,
            )
        rscales: Floats | None = None
        if kind in ("JK1", "JKn"):
            factors, scale, rscales = _jackknife(design, kind)
        elif kind == "bootstrap":
            _check_count("replicates", replicates)
            factors, scale = _bootstrap(design, replicates, seed)
        else:
            factors, scale = _brr(design, rho if kind == "Fay" else 0.0, hadamard)
        return cls(
            data=design.data,
            weights=design.weights,
            factors=factors,
            unit=design.psu,
            multiplier=design.weights,
            type=kind,
            scale=float(scale),
            rscales=np.ones(factors.shape[1]) if rscales is None else rscales,
            mse=mse,
        )

    @classmethod
    def from_frame(  # noqa: PLR0913 - R's svrepdesign arguments
        cls,
        data: pd.DataFrame,
        *,
        replicate_weights: str | Sequence[str],
        weights: str,
        type: ReplicateType,
        combined: bool = True,
        scale: float | None = None,
        rscales: npt.ArrayLike | None = None,
        rho: float | None = None,
        mse: bool = False,
    ) -> ReplicateDesign:
        """A design from the replicate-weight columns of the data (R's ``svrepdesign``).

        Parameters
        ----------
        data
            One row per respondent (copied, never changed).
        replicate_weights
            The replicate-weight columns, or a regular expression that
            picks them (in the data's order), as R's ``repweights``.
        weights
            Column of the full-sample weights.
        type
            How the replicates were made (:data:`ReplicateType`): sets the
            default ``scale`` and ``rscales``.
        combined
            The columns are the weights themselves (True, as agencies
            publish them) or factors to multiply ``weights`` by (False).
        scale, rscales
            Override the type's defaults: :math:`c` and the :math:`c_r`
            (one number or one per replicate; JKn needs them).
        rho
            Fay's factor (``type="Fay"`` only, then required).
        mse
            Centre at the full-sample estimate (R's ``mse = TRUE``).

        Raises
        ------
        DataError
            A column is missing, empty in a row, not a number or negative;
            the expression picks no column.
        OptionError
            Unknown ``type``; Fay without ``rho``; JKn without ``rscales``;
            ``"other"`` without ``scale``; ``rscales`` of the wrong length.

        Examples
        --------
        >>> df = pd.DataFrame({"w": [1.0, 1.0, 1.0], "q": [1.0, 2.0, 6.0],
        ...                    "r1": [0.0, 1.5, 1.5], "r2": [1.5, 0.0, 1.5], "r3": [1.5, 1.5, 0.0]})
        >>> d = ReplicateDesign.from_frame(df, replicate_weights="^r[0-9]", weights="w", type="JK1")
        >>> d.n_replicates, round(d.scale, 4)
        (3, 0.6667)
        """
        check_option("type", type, get_args(ReplicateType))
        data = data.reset_index(drop=True)
        columns = _columns(data, replicate_weights)
        matrix = _replicate_matrix(data, columns)
        w = weight_column(data, weights)
        n_rep = matrix.shape[1]
        _check_count("replicate_weights", n_rep)
        scale, rs = _scales(type, n_rep, scale, rscales, rho)
        return cls(
            data=data,
            weights=w,
            factors=matrix,
            unit=np.arange(len(data), dtype=np.intp),
            multiplier=np.ones(len(data)) if combined else w,
            type=type,
            scale=scale,
            rscales=rs,
            mse=mse,
        )


def _columns(data: pd.DataFrame, chosen: str | Sequence[str]) -> list[str]:
    if not isinstance(chosen, str):
        for column in chosen:
            if column not in data.columns:
                raise not_found(column, data, "replicates")
        return list(chosen)
    picked = [str(c) for c in data.columns if re.search(chosen, str(c))]
    if not picked:
        raise DataError(
            Message(
                "no column name matches {pattern!r} (replicate weights): give the columns as a"
                " list, or a regular expression such as 'repw[0-9]+'",
                N_(
                    "nessun nome di colonna corrisponde a {pattern!r} (pesi replicati): indicare"
                    " le colonne in un elenco, o un'espressione regolare come 'repw[0-9]+'"
                ),
                pattern=chosen,
            )
        )
    return picked


def _check_count(option: str, count: int) -> None:
    """A replicate design needs 2 replicates or more (their spread is the variance)."""
    if count < 2:
        raise OptionError(
            Message(
                "{option}: a replicate design needs 2 replicates or more, not {count}",
                N_(
                    "{option}: un disegno a replicazioni richiede almeno 2 replicazioni,"
                    " non {count}"
                ),
                option=option,
                count=count,
            ),
            option=option,
            value=count,
        )


def _replicate_matrix(data: pd.DataFrame, columns: list[str]) -> Floats:
    """The columns as one float matrix (a read-only view of numeric columns: no copy)."""
    if not all(pd.api.types.is_numeric_dtype(data[c]) for c in columns):
        return np.column_stack([weight_column(data, c, "replicates") for c in columns])
    matrix = data[columns].to_numpy(dtype=np.float64)
    for j, column in enumerate(columns):  # a column at a time: no n x R temporaries
        values = matrix[:, j]
        if not (np.isfinite(values).all() and (values >= 0).all()):
            weight_column(data, column, "replicates")  # raises, naming the row
    return np.asarray(matrix, dtype=np.float64)


def _scales(
    kind: str, n_rep: int, scale: float | None, rscales: npt.ArrayLike | None, rho: float | None
) -> tuple[float, Floats]:
    """The type's scale and rscales (R's ``svrepdesign.default``), or those given."""
    if kind == "Fay" and (rho is None or not 0 <= rho < 1):
        raise OptionError(
            Message(
                "type='Fay' needs rho, Fay's factor (0 or more, below 1)",
                N_("type='Fay' richiede rho, il fattore di Fay (tra 0 incluso e 1)"),
            ),
            option="rho",
            value=rho,
        )
    if kind == "JKn" and rscales is None:
        raise OptionError(
            Message(
                "type='JKn' needs rscales, (n_h - 1) / n_h for each replicate",
                N_("type='JKn' richiede rscales, (n_h - 1) / n_h per ogni replicazione"),
            ),
            option="rscales",
        )
    if kind == "other" and scale is None:
        raise OptionError(
            Message(
                "type='other' needs the scale of the variance",
                N_("type='other' richiede la scala della varianza"),
            ),
            option="scale",
        )
    defaults = {
        "JK1": (n_rep - 1) / n_rep,
        "bootstrap": 1 / (n_rep - 1),
        "BRR": 1 / n_rep,
        "Fay": 1 / (n_rep * (1 - (rho or 0.0)) ** 2),
        "successive-difference": 4 / n_rep,
    }
    if rscales is not None and np.size(rscales) not in (1, n_rep):
        raise OptionError(
            Message(
                "rscales has {given} values: give one, or one per replicate ({count})",
                N_("rscales ha {given} valori: indicarne uno, o uno per replicazione ({count})"),
                given=int(np.size(rscales)),
                count=n_rep,
            ),
            option="rscales",
        )
    rs = np.ones(n_rep) if rscales is None else np.broadcast_to(np.asarray(rscales, float), n_rep)
    return float(defaults.get(kind, 1.0) if scale is None else scale), np.array(rs, dtype=float)


def replicate_totals(
    design: ReplicateDesign, values: Sequence[Floats], domain: Codes, k: int
) -> Floats:
    """Replicate totals of each array of ``values`` over each domain: (len(values), k, R).

    Rows with domain -1 add nothing. One sparse (values x domains, units)
    times dense (units, R) product.
    """
    keep = domain >= 0
    small = np.int32 if len(values) * k < 2**31 and len(design.factors) < 2**31 else np.int64
    unit, d, m = (
        design.unit[keep].astype(small),
        domain[keep].astype(small),
        design.multiplier[keep],
    )
    sums = sparse.vstack(  # one block of rows (domains) per array of values
        [
            sparse.csr_matrix(
                (m * np.asarray(v)[keep], (d, unit)), shape=(k, design.factors.shape[0])
            )
            for v in values
        ],
        format="csr",
    )
    factors = design.factors
    if factors.flags.c_contiguous or not factors.size:
        out = np.asarray(sums @ factors, dtype=np.float64)
    else:  # supplied columns (a view of the frame, column-major): a few at a time, no copy
        step = max(1, _CHUNK // len(factors))
        out = np.hstack(
            [
                sums @ np.ascontiguousarray(factors[:, c : c + step])
                for c in range(0, factors.shape[1], step)
            ]
        )
    return out.reshape(len(values), k, design.n_replicates)


def replicate_variance(design: ReplicateDesign, thetas: Floats, estimate: Floats) -> Floats:
    """:math:`c \\sum_r c_r (\\theta_r - \\tilde\\theta)^2` along the last axis (R's ``svrVar``).

    A replicate whose estimate is undefined (a domain it leaves empty) is
    left out of that estimate's variance, as R (which warns) does.
    """
    ok = np.isfinite(thetas)
    if design.mse:
        centre = np.asarray(estimate, dtype=np.float64)
    else:
        use = ok & (design.rscales > 0)
        with np.errstate(invalid="ignore", divide="ignore"):
            centre = np.where(use, thetas, 0.0).sum(axis=-1) / use.sum(axis=-1)
    deviation = np.where(ok, thetas - centre[..., None], 0.0)
    return np.asarray(design.scale * (deviation**2 * design.rscales).sum(axis=-1), dtype=np.float64)


def replicate_degrees_of_freedom(design: ReplicateDesign, domain: Codes, k: int) -> Floats:
    """Per domain: rank of its rows' replicate weights minus 1 (R's ``degf``, qr tol 1e-5).

    The rank is found as R's ``qr`` (LINPACK ``dqrdc2``) finds it: the
    columns in order, each kept unless its part orthogonal to those kept is
    below 1e-5 of its norm. Computed from the R x R cross-products of the
    domain's replicate weights (one BLAS product; the rows of a unit are
    its factors times the root of their summed squared multipliers).
    """
    keep = domain >= 0
    squares = sparse.csr_matrix(
        (design.multiplier[keep] ** 2, (domain[keep], design.unit[keep])),
        shape=(k, design.factors.shape[0]),
    )
    out = np.empty(k)
    n_rep = design.n_replicates
    step = max(1, _CHUNK // max(n_rep, 1))  # rows at a time: small temporaries
    for j in range(k):
        row = squares.getrow(j)
        gram = np.zeros((n_rep, n_rep))
        for start in range(0, len(row.indices), step):
            b = design.factors[row.indices[start : start + step]]
            gram += (b * row.data[start : start + step, None]).T @ b
        out[j] = _rank(gram) - 1
    return out


def _rank(gram: Floats, tol: float = 1e-5) -> int:
    """Rank of a matrix from its cross-products, columns in order as ``dqrdc2`` (no pivoting).

    Column j is kept when its squared distance from the span of the kept
    ones, :math:`G_{jj} - g^T G_S^{-1} g` (by the Cholesky factor of the
    kept block, grown a column at a time), is at least :math:`tol^2 G_{jj}`.
    """
    size = gram.shape[0]
    factor = np.zeros((size, size))  # lower-triangular Cholesky factor of the kept columns
    kept: list[int] = []
    for j in range(size):
        norm2 = gram[j, j]
        if norm2 <= 0:
            continue
        r = len(kept)
        y = linalg.solve_triangular(factor[:r, :r], gram[kept, j], lower=True) if r else np.zeros(0)
        rest = norm2 - float(y @ y)
        if rest >= tol**2 * norm2:
            factor[r, :r] = y
            factor[r, r] = np.sqrt(rest)
            kept.append(j)
    return len(kept)
