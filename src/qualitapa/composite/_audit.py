"""Statistical audit of a composite index (OECD/JRC Handbook 2008, steps 4 and 9; COINr).

What the JRC's COINr computes before publishing an index (``get_corr``,
``get_corr_flags``, ``get_cronbach``, ``get_PCA``), on the values that
enter the aggregation (imputed, treated and normalised, so that higher is
always better):

* the Pearson correlation of every component (indicator or sub-index) with
  its own dimension (the node it is aggregated into) and with the index;
* per dimension (every node with at least two components, the index
  included): Cronbach's alpha of its components,
  :math:`\\alpha = \\frac{k}{k-1}\\left(1 - \\frac{\\sum_i \\sigma^2_i}{\\sigma^2_{\\sum}}\\right)`,
  and the share of their variance the first principal component explains
  (largest eigenvalue of their correlation matrix divided by k), on the
  organizations that have all of them;
* flags: *collinear* components (two components of the same dimension with
  :math:`r > 0.9`, COINr's ``get_corr_flags`` default: one of them adds
  little), *negative* correlations between components of the same dimension
  (they pull the dimension in opposite directions: the arithmetic mean
  compensates one with the other), and *weak* links (a component with
  :math:`|r| < 0.3` with its own dimension: it hardly shapes the score it
  enters).

Correlations use the organizations that have both values (pairwise, as
COINr's ``use = "pairwise.complete.obs"``) and each period on its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import attrs
import numpy as np
import pandas as pd

from qualitapa.composite._definition import CompositeDefinition
from qualitapa.composite._impute import HOW
from qualitapa.composite._index import _depths, _Options, _prepare, _Run
from qualitapa.errors import DefinitionError, Message
from qualitapa.i18n import N_
from qualitapa.models import Polarity

if TYPE_CHECKING:
    from qualitapa.catalog import Catalog
    from qualitapa.i18n import Translator

#: The audit's flags: code -> what it means (English, and the Italian message id that
#: reports and the command line translate).
AUDIT_FLAGS: dict[str, Message] = {
    "collinear": Message(
        "collinear components: one of them adds little",
        N_("componenti quasi coincidenti: una delle due aggiunge poco"),
    ),
    "negative": Message(
        "negatively correlated components of the same dimension",
        N_("componenti della stessa dimensione correlate negativamente"),
    ),
    "weak": Message(
        "weak link with its own dimension",
        N_("legame debole con la propria dimensione"),
    ),
}


@attrs.frozen
class AuditResult:
    """Result of :func:`composite_audit`.

    Attributes
    ----------
    correlations : pandas.DataFrame
        One row per period and component (indicator or sub-index):
        ``period``, ``component``, ``dimension`` (the node it enters),
        ``level`` (1 for the index's components...), ``r_dimension`` (its
        Pearson correlation with that node), ``r_index`` (with the index)
        and ``n`` (organizations with both values, with the dimension).
    pairs : pandas.DataFrame
        The correlation of every two components of the same dimension:
        ``period``, ``dimension``, ``component``, ``other``, ``r``, ``n``.
    dimensions : pandas.DataFrame
        One row per period and dimension with at least two components:
        ``period``, ``dimension``, ``level``, ``k`` (components), ``n``
        (organizations with all of them), ``alpha`` (Cronbach's) and
        ``pc1_share`` (variance share of the first principal component).
    flags : pandas.DataFrame
        ``period``, ``dimension``, ``flag`` (``collinear``, ``negative``,
        ``weak``: see :data:`AUDIT_FLAGS`), ``component``, ``other`` (the
        second component of a pair, else empty) and ``r``.
    imputed : pandas.DataFrame
        The imputed values: ``period``, ``organization``, ``indicator``,
        ``method`` (empty without imputation).
    treatment : pandas.DataFrame
        The outlier treatment per period and indicator (see
        :class:`~qualitapa.composite.TreatmentResult`; empty without one).
    """

    correlations: pd.DataFrame
    pairs: pd.DataFrame
    dimensions: pd.DataFrame
    flags: pd.DataFrame
    imputed: pd.DataFrame
    treatment: pd.DataFrame

    def table(
        self, t: Translator | None = None, labels: Mapping[str, str] | None = None
    ) -> pd.DataFrame:
        """One row per component: its correlations, its dimension's reliability, its flags.

        Parameters
        ----------
        t
            Translator of the flags' words (default English).
        labels
            Component id -> label, naming the other component of a pair.

        Returns
        -------
        pandas.DataFrame
            ``correlations``' columns (``n`` left out) with
            ``dimension_alpha`` and ``dimension_pc1_share`` (those of the
            dimension the component enters) and ``flags`` (the flags of
            the component in words, ``"; "``-separated; a pair's flag
            names the other components).

        Examples
        --------
        >>> import pandas as pd
        >>> d = CompositeDefinition.from_mapping({"id": "idx", "label": "Indice", "components": [
        ...     {"indicator": k, "polarity": "higher_is_better"} for k in "abc"]})
        >>> df = pd.DataFrame({"organization": list("pqrst"), "a": [1.0, 2, 3, 4, 5],
        ...                    "b": [1.0, 2, 3, 4, 6], "c": [3.0, 5, 1, 4, 2]})
        >>> for said in composite_audit(df, d).table().loc[2, "flags"].split("; "):  # c's
        ...     print(said)
        negatively correlated components of the same dimension (a, b)
        weak link with its own dimension
        """
        labels = labels or {}
        key = ["period"] if "period" in self.correlations.columns else []
        # (period..., dimension, component) -> flag -> the other components of its pairs
        found: dict[tuple[object, ...], dict[str, list[str]]] = {}
        for row in self.flags.to_dict("records"):
            period = tuple(row[k] for k in key)
            mine, other = str(row["component"]), str(row["other"])
            for a, b in ((mine, other), (other, mine)) if other else ((mine, ""),):
                where = found.setdefault((*period, row["dimension"], a), {})
                where.setdefault(str(row["flag"]), []).extend([labels.get(b, b)] if b else [])

        def words(flags: dict[str, list[str]]) -> str:
            said = []
            for flag, others in flags.items():
                text = AUDIT_FLAGS[flag].render(t) if t is not None else str(AUDIT_FLAGS[flag])
                said.append(f"{text} ({', '.join(others)})" if others else text)
            return "; ".join(said)

        dims = self.dimensions.rename(
            columns={"alpha": "dimension_alpha", "pc1_share": "dimension_pc1_share"}
        )[[*key, "dimension", "dimension_alpha", "dimension_pc1_share"]]
        out = self.correlations.drop(columns="n").merge(dims, on=[*key, "dimension"], how="left")
        out["flags"] = [
            words(found.get((*(r[k] for k in key), r["dimension"], r["component"]), {}))
            for r in out.to_dict("records")
        ]
        return out


def _cronbach_pc1(X: np.ndarray) -> tuple[int, float, float]:
    """(complete rows, Cronbach's alpha, first-PC variance share) of the columns of ``X``."""
    C = X[~np.isnan(X).any(axis=1)]
    n, k = C.shape
    if n < 3 or k < 2:
        return n, np.nan, np.nan
    var = C.var(axis=0, ddof=1)
    total = C.sum(axis=1).var(ddof=1)
    alpha = k / (k - 1) * (1 - var.sum() / total) if total > 0 else np.nan
    if (var <= 0).any():
        return n, alpha, np.nan
    eig = np.linalg.eigvalsh(np.corrcoef(C, rowvar=False))
    return n, float(alpha), float(eig[-1] / k)


def _pair_counts(V: np.ndarray) -> np.ndarray:
    ok = (~np.isnan(V)).astype(float)
    return ok.T @ ok


def _period_audit(
    run: _Run, rows: np.ndarray, period: object, depth: Mapping[str, int]
) -> tuple[list[dict[str, object]], list[dict[str, object]], list[dict[str, object]]]:
    """Correlation, pair and dimension rows of one period."""
    plan = run.plan
    L = len(plan.leaves)
    keys = plan.leaves + [k for k, _, _ in plan.nodes]
    V = run.vals[rows]
    R = pd.DataFrame(V).corr(min_periods=3).to_numpy()
    N = _pair_counts(V)
    root = L + len(plan.nodes) - 1
    corr, pairs, dims = [], [], []
    for j, (key, kids, _) in enumerate(plan.nodes):
        node = L + j
        for c in kids:
            corr.append({"period": period, "component": keys[c], "dimension": key,
                         "level": depth[key] + 1, "r_dimension": R[c, node],
                         "r_index": R[c, root], "n": int(N[c, node])})  # fmt: skip
        for a_pos, a in enumerate(kids):
            for b in kids[a_pos + 1 :]:
                pairs.append({"period": period, "dimension": key, "component": keys[a],
                              "other": keys[b], "r": R[a, b], "n": int(N[a, b])})  # fmt: skip
        if len(kids) >= 2:
            n, alpha, pc1 = _cronbach_pc1(V[:, kids])
            dims.append({"period": period, "dimension": key, "level": depth[key],
                         "k": len(kids), "n": n, "alpha": alpha, "pc1_share": pc1})  # fmt: skip
    return corr, pairs, dims


def _flags(
    correlations: pd.DataFrame, pairs: pd.DataFrame, collinear: float, weak: float
) -> pd.DataFrame:
    """The collinear and negative pairs and the weak links, in that order."""
    cols = ["period", "dimension", "flag", "component", "other", "r"]
    frames = []
    for flag, mask in (("collinear", pairs["r"] > collinear), ("negative", pairs["r"] < 0)):
        frames.append(pairs.loc[mask].assign(flag=flag)[cols])
    weak_rows = correlations.loc[correlations["r_dimension"].abs() < weak]
    frames.append(weak_rows.assign(flag="weak", other="", r=weak_rows["r_dimension"])[cols])
    return pd.concat([f for f in frames if len(f)] or [pd.DataFrame(columns=cols)],
                     ignore_index=True)  # fmt: skip


def _imputed_cells(run: _Run) -> pd.DataFrame:
    rows, cols = np.nonzero(run.how)
    return pd.DataFrame(
        {
            "period": run.periods[rows],
            "organization": run.index.get_level_values("organization").to_numpy()[rows],
            "indicator": np.array(run.plan.leaves, dtype=object)[cols],
            "method": np.array(HOW, dtype=object)[run.how[rows, cols]],
        }
    )


def _audit_run(run: _Run, collinear: float = 0.9, weak: float = 0.3) -> AuditResult:
    """The audit of a prepared composite (shared with the uncertainty analysis)."""
    if not (0 < collinear <= 1 and 0 <= weak < 1):
        raise DefinitionError(
            Message(
                "collinear must be in (0, 1] and weak in [0, 1), not {collinear}, {weak}",
                N_("collinear deve essere in (0, 1] e weak in [0, 1), non {collinear}, {weak}"),
                collinear=repr(collinear),
                weak=repr(weak),
            ),
            field="collinear" if not 0 < collinear <= 1 else "weak",
        )
    depth = _depths(run.plan, run.definition.id)
    corr, pairs, dims = [], [], []
    for p in pd.unique(run.periods):  # a handful of periods; each is matrix algebra
        c, pr, d = _period_audit(run, run.periods == p, p, depth)
        corr += c
        pairs += pr
        dims += d
    correlations = pd.DataFrame(corr)
    pair_frame = pd.DataFrame(
        pairs, columns=["period", "dimension", "component", "other", "r", "n"]
    )
    tables = {
        "correlations": correlations,
        "pairs": pair_frame,
        "dimensions": pd.DataFrame(
            dims, columns=["period", "dimension", "level", "k", "n", "alpha", "pc1_share"]
        ),
        "flags": _flags(correlations, pair_frame, collinear, weak),
        "imputed": _imputed_cells(run),
        "treatment": run.treatment,
    }
    if (run.periods == "").all():
        tables = {k: v.drop(columns="period", errors="ignore") for k, v in tables.items()}
    return AuditResult(**tables)


def composite_audit(
    values: pd.DataFrame,
    definition: CompositeDefinition | str,
    *,
    catalog: Catalog | None = None,
    polarity: Mapping[str, Polarity | str] | None = None,
    groups: Mapping[object, object] | pd.Series | None = None,
    collinear: float = 0.9,
    weak: float = 0.3,
    source: str | None = None,
) -> AuditResult:
    """Statistical audit of a composite index: correlations, reliability, flags.

    Parameters
    ----------
    values, definition, catalog, polarity, groups, source
        As for :func:`composite` (the definition's imputation and outlier
        treatment apply).
    collinear
        Two components of a dimension correlated above it are flagged
        ``collinear`` (COINr's ``get_corr_flags`` default 0.9).
    weak
        A component with :math:`|r|` below it with its own dimension is
        flagged ``weak``.

    Returns
    -------
    AuditResult
        ``correlations``, ``pairs``, ``dimensions`` (Cronbach's alpha and
        first-PC share), ``flags``, ``imputed`` and ``treatment``. Every
        period is audited on its own; ``period`` is left out when the data
        have none. Correlations are those of the normalised values (higher
        is better), so a negative one is a real conflict.

    Raises
    ------
    DefinitionError, DataError
        As :func:`composite`; thresholds out of range.

    Examples
    --------
    >>> import pandas as pd
    >>> d = CompositeDefinition.from_mapping({"id": "idx", "label": "Indice", "components": [
    ...     {"indicator": k, "polarity": "higher_is_better"} for k in "abc"]})
    >>> df = pd.DataFrame({"organization": list("pqrst"), "a": [1.0, 2, 3, 4, 5],
    ...                    "b": [1.0, 2, 3, 4, 6], "c": [3.0, 5, 1, 4, 2]})
    >>> audit = composite_audit(df, d)
    >>> audit.dimensions.round(3).to_dict("records")
    [{'dimension': 'idx', 'level': 0, 'k': 3, 'n': 5, 'alpha': 0.281, 'pc1_share': 0.719}]
    >>> audit.flags[["flag", "component", "other"]].values.tolist()
    [['collinear', 'a', 'b'], ['negative', 'a', 'c'], ['negative', 'b', 'c'], ['weak', 'c', '']]
    """
    run = _prepare(values, definition, catalog, polarity, source, _Options(groups=groups))
    return _audit_run(run, collinear, weak)
