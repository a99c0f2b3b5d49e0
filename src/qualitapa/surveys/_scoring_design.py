"""The design path of scoring: item means, shares, indices and NPS on a :class:`SurveyDesign`.

The scoring functions (:func:`score_items`, :func:`score_dimensions`,
:func:`nps`, :func:`distribution`, :func:`ipa`) take ``design=``: their
estimates are then the weighted means of the design's weights, and their
standard errors, intervals and design effects those of the design-based
estimators (:func:`design_mean`, :func:`design_proportion`): Taylor
linearisation over strata and clusters (PSUs) with the FPC, each group of
``by`` a *domain* of the whole design (its rows' influence values, zero
outside it, over every stratum and PSU of the sample: R's ``svyby``), never
a subset of the data. Means and the NPS have the t interval with the
domain's design degrees of freedom (PSUs minus strata); shares the logit
interval of R's ``svyciprop``. The NPS is the mean of each respondent's
:math:`100\\,(\\mathbb 1[x \\ge 9] - \\mathbb 1[x \\le 6])`: the difference
of the shares of promoters and detractors, linearised as one mean.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import get_args

import attrs
import numpy as np
import pandas as pd
from scipy import stats
from scipy.special import expit

from qualitapa.errors import DataError, DefinitionError, Message, OptionError
from qualitapa.i18n import N_
from qualitapa.models import DESIGN_FIELDS
from qualitapa.surveys._design import Codes, Floats, LonelyPsu, SurveyDesign
from qualitapa.surveys._design_estimates import (
    Design,
    coded_table,
    design_mean,
    design_proportion,
)
from qualitapa.surveys._replicate import ReplicateDesign

#: The columns each design estimate gives, (groups, variables) each.
_PARTS = ("estimate", "se", "ci_low", "ci_high", "df", "deff")
_DOMAIN = "_qualitapa_domain"


def design_responses(
    design: Design | None, responses: pd.DataFrame, weights: str | None, method: str = "kish"
) -> pd.DataFrame:
    """``responses`` numbered 0.. as the design's rows; the design must be theirs.

    Raises
    ------
    OptionError
        Both ``design`` and ``weights`` are given (the design has the weights),
        or ``design`` with ``method="bootstrap"`` (the respondents' bootstrap
        ignores the design).
    DataError
        The design has another number of rows than the responses.
    """
    if design is None:
        return responses
    if method == "bootstrap":
        raise OptionError(
            Message(
                "with a design the intervals are the design's: drop method='bootstrap', or"
                " bootstrap the design (ReplicateDesign.from_design(design, 'bootstrap'))",
                N_(
                    "con un disegno gli intervalli sono quelli del disegno: togliere"
                    " method='bootstrap', oppure usare il bootstrap del disegno"
                    " (ReplicateDesign.from_design(disegno, 'bootstrap'))"
                ),
            ),
            option="method",
            value=method,
        )
    if weights is not None:
        raise OptionError(
            Message(
                "pass the weights in the design (SurveyDesign.from_frame(..., weights={name!r}))"
                " or as weights=, not both",
                N_(
                    "indicare i pesi nel disegno (SurveyDesign.from_frame(..., weights={name!r}))"
                    " oppure con weights=, non in entrambi"
                ),
                name=weights,
            ),
            option="weights",
            value=weights,
        )
    if len(design.weights) != len(responses):
        raise DataError(
            Message(
                "the design has {design} rows and the responses {responses}: build it from"
                " these responses (SurveyDesign.from_frame(responses, ...))",
                N_(
                    "il disegno ha {design} righe e le risposte {responses}: costruirlo da"
                    " queste risposte (SurveyDesign.from_frame(risposte, ...))"
                ),
                design=len(design.weights),
                responses=len(responses),
            )
        )
    return responses.reset_index(drop=True)


def row_domains(design: Design, rows: pd.Index[int], codes: Codes) -> Codes:
    """Each design row's group code; -1 for the rows not in ``rows`` (positions)."""
    out = np.full(len(design.weights), -1, dtype=np.intp)
    out[np.asarray(rows, dtype=np.intp)] = codes
    return out


def on_design_rows(design: Design, rows: pd.Index[int], values: Floats) -> Floats:
    """``values`` (rows x columns) of the ``rows`` at their places among the design's; NaN else."""
    values = np.asarray(values, dtype=float).reshape(len(rows), -1)
    out = np.full((len(design.weights), values.shape[1]), np.nan)
    out[np.asarray(rows, dtype=np.intp)] = values
    return out


def _evolved(design: Design, values: Floats, domain: Codes) -> Design:
    """The design with ``values`` (columns ``v0``, ``v1``...) and the domain as its data."""
    frame = pd.DataFrame(values, columns=[f"v{j}" for j in range(values.shape[1])])
    frame[_DOMAIN] = np.where(domain >= 0, domain, np.nan)
    return attrs.evolve(design, data=frame)


def _placed(table: pd.DataFrame, k: int, m: int) -> dict[str, Floats]:
    """The estimates of a variable-major table of the present domains, as (k, m) arrays."""
    present = table[_DOMAIN].to_numpy(dtype=float).astype(np.intp)
    per = len(table) // m if m else 0
    out = {}
    for part in _PARTS:
        placed = np.full((k, m), np.nan)
        values = table[part].to_numpy(dtype=float).reshape(m, per)
        placed[present[:per]] = values.T
        out[part] = placed
    return out


def design_means(
    design: Design, values: Floats, domain: Codes, k: int, *, confidence: float
) -> dict[str, Floats]:
    """Design means of each column of ``values`` (design rows x m) in domains 0..k-1.

    Returns ``estimate``, ``se``, ``ci_low``, ``ci_high`` (t with the
    domain's design df), ``df`` and ``deff`` (R's ``deff = TRUE``), each
    (k, m); a domain without answers is NaN.

    Examples
    --------
    >>> from qualitapa.surveys import SurveyDesign
    >>> df = pd.DataFrame({"s": ["a", "a", "b", "b"], "w": [1.0, 2.0, 1.0, 1.0]})
    >>> d = SurveyDesign.from_frame(df, weights="w", strata="s")
    >>> r = design_means(d, np.array([[4.0], [5.0], [3.0], [2.0]]), np.zeros(4, int), 1,
    ...                  confidence=0.95)
    >>> round(float(r["estimate"][0, 0]), 3)
    3.8
    """
    m = values.shape[1]
    if isinstance(design, ReplicateDesign):
        evolved = _evolved(design, values, domain)
        table = design_mean(
            evolved, list(evolved.data.columns[:m]), by=_DOMAIN, confidence=confidence, interval="t"
        )
        return _placed(table, k, m)
    # linearised: the columns as they are, the present domains numbered 0.. as svyby's
    present = np.unique(domain[domain >= 0])
    codes = np.where(domain >= 0, np.searchsorted(present, domain), -1).astype(np.intp)
    rows = [(f"v{j}", np.asarray(values[:, j], dtype=float), None) for j in range(m)]
    table = coded_table(
        design,
        (codes, pd.DataFrame({_DOMAIN: present.astype(float)})),
        rows,
        total=False,
        confidence=confidence,
        interval="t",
        deff="srswor",
    )
    return _placed(table, k, m)


def design_shares(
    design: Design, indicators: Floats, domain: Codes, k: int, *, confidence: float
) -> dict[str, Floats]:
    """Design shares of each 0/1 column (NaN: no answer) in domains 0..k-1, logit intervals.

    As :func:`design_means`, the interval that of R's ``svyciprop``
    (logit, design df).

    Examples
    --------
    >>> from qualitapa.surveys import SurveyDesign
    >>> df = pd.DataFrame({"w": [1.0, 2.0, 1.0, 1.0]})
    >>> d = SurveyDesign.from_frame(df, weights="w")
    >>> r = design_shares(d, np.array([[1.0], [0.0], [1.0], [np.nan]]), np.zeros(4, int), 1,
    ...                   confidence=0.95)
    >>> round(float(r["estimate"][0, 0]), 3)
    0.5
    """
    m = indicators.shape[1]
    if isinstance(design, ReplicateDesign):  # the logit SE of the replicates: one by one
        evolved = _evolved(design, indicators, domain)
        parts = [
            design_proportion(evolved, f"v{j}", by=_DOMAIN, categories=[1.0], confidence=confidence)
            for j in range(m)
        ]
        placed = [_placed(p, k, 1) for p in parts]
        return {part: np.column_stack([p[part] for p in placed]) for part in _PARTS}
    # linearised: every column in one call; svyciprop's logit interval from its SE
    out = design_means(design, indicators, domain, k, confidence=confidence)
    p, se, df = out["estimate"], out["se"], out["df"]
    with np.errstate(divide="ignore", invalid="ignore"):
        t = stats.t.ppf(0.5 + confidence / 2, np.where(df > 0, df, np.nan))
        logit, half = np.log(p / (1 - p)), t * se / (p * (1 - p))
        low, high = expit(logit - half), expit(logit + half)
    inside = (p > 0) & (p < 1)  # a share of 0 or 1: the interval [p, p], as R's
    out["ci_low"], out["ci_high"] = np.where(inside, low, p), np.where(inside, high, p)
    return out


def whole_numbers(values: Floats) -> pd.Series[int]:
    """Degrees of freedom as whole numbers (``<NA>`` where undefined), flattened.

    Examples
    --------
    >>> whole_numbers(np.array([[3.0], [np.nan]])).tolist()
    [3, <NA>]
    """
    return pd.Series(np.ravel(values)).round().astype("Int64")


def psu_multipliers(design: Design, rng: np.random.Generator) -> Floats:
    """A Poisson(1) count per PSU, on each of its rows: one replicate of a cluster bootstrap."""
    units = design.unit if isinstance(design, ReplicateDesign) else design.psu
    counts = rng.poisson(1.0, size=int(units.max()) + 1)
    return np.asarray(counts[units], dtype=np.float64)


def check_design_mapping(
    mapping: Mapping[str, object], *, source: str | None = None, others: Sequence[str] = ()
) -> None:
    """Refuse a declared design with unknown fields or values of the wrong kind.

    ``others`` are fields the caller reads itself (a design file's
    calibration): allowed, not checked here.

    Raises
    ------
    DefinitionError
        A field that is not one of :data:`DESIGN_FIELDS` (or ``others``), a
        column that is no text, ``nest`` that is no true/false, an unknown
        ``lonely_psu``.

    Examples
    --------
    >>> check_design_mapping({"strata": "sportello", "clusters": "date", "nest": True})
    >>> try:
    ...     check_design_mapping({"strata": "sportello", "cluster": "date"})
    ... except DefinitionError as exc:
    ...     print(exc.field)
    cluster
    """
    unknown = sorted(set(mapping) - {*DESIGN_FIELDS, *others})
    if unknown:
        raise DefinitionError(
            Message(
                "unknown field {name!r} of a design; allowed: {allowed}",
                N_("campo {name!r} sconosciuto nel disegno; ammessi: {allowed}"),
                name=unknown[0],
                allowed=", ".join((*DESIGN_FIELDS, *others)),
            ),
            source=source,
            field=unknown[0],
        )
    for name in ("weights", "strata", "clusters", "fpc"):
        if mapping.get(name) is not None and not isinstance(mapping[name], str):
            raise DefinitionError(
                Message(
                    "the design's {name} is the name of a column (text)",
                    N_("nel disegno {name} è il nome di una colonna (testo)"),
                    name=name,
                ),
                source=source,
                field=name,
            )
    if not isinstance(mapping.get("nest", False), bool):
        raise DefinitionError(
            Message(
                "the design's nest is true or false",
                N_("nel disegno nest vale true o false"),
            ),
            source=source,
            field="nest",
        )
    lonely = mapping.get("lonely_psu", "fail")
    if lonely not in get_args(LonelyPsu):
        raise DefinitionError(
            Message(
                "the design's lonely_psu is one of {allowed}, not {value!r}",
                N_("nel disegno lonely_psu è uno tra {allowed}, non {value!r}"),
                allowed=", ".join(get_args(LonelyPsu)),
                value=str(lonely),
            ),
            source=source,
            field="lonely_psu",
        )


def design_from_mapping(
    data: pd.DataFrame,
    mapping: Mapping[str, object],
    *,
    weights: str | None = None,
    source: str | None = None,
) -> SurveyDesign:
    """The design of ``data`` a mapping declares (``strata``, ``clusters``, ``fpc``...).

    ``weights`` (a column the caller made, e.g. by raking) replaces the
    mapping's. The fields are :data:`DESIGN_FIELDS`, as the arguments of
    :meth:`SurveyDesign.from_frame`.

    Examples
    --------
    >>> df = pd.DataFrame({"counter": ["a", "a", "b", "b"], "day": [1, 2, 1, 2]})
    >>> d = design_from_mapping(df, {"strata": "counter", "clusters": "day", "nest": True})
    >>> d.n_psu.tolist()
    [2, 2]
    """
    check_design_mapping(mapping, source=source)

    def column(name: str) -> str | None:
        value = mapping.get(name)
        return None if value is None else str(value)

    lonely = str(mapping.get("lonely_psu", "fail"))
    return SurveyDesign.from_frame(
        data,
        weights=weights if weights is not None else column("weights"),
        strata=column("strata"),
        clusters=column("clusters"),
        fpc=column("fpc"),
        nest=bool(mapping.get("nest", False)),
        lonely_psu=lonely,  # type: ignore[arg-type]  # checked above
    )


def design_columns(mapping: Mapping[str, object]) -> list[str]:
    """The columns a declared design names (for validation: expected, not unknown).

    Examples
    --------
    >>> design_columns({"strata": "sportello", "clusters": "date", "nest": True})
    ['sportello', 'date']
    """
    fields = ("weights", "strata", "clusters", "fpc")
    return [str(mapping[f]) for f in fields if mapping.get(f) is not None]
