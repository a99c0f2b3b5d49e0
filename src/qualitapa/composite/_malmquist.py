"""The DEA Malmquist productivity index between periods.

Färe, Grosskopf, Lindgren & Roos (1994) measure the productivity change of
an organization from period t to t+1 with DEA distance functions, as the
geometric mean of the changes seen against the frontier of each period:

    M = [E^t(t+1) / E^t(t) x E^{t+1}(t+1) / E^{t+1}(t)]^(1/2) = EC x TC

where E^a(b) is the radial efficiency of the organization's period-b inputs
and outputs against the frontier of period a (input orientation: theta;
output orientation: 1/phi; the ``efficiency`` of :func:`~qualitapa.composite.dea`).
EC = E^{t+1}(t+1) / E^t(t) is the efficiency change (catching up with the
frontier) and TC = [E^t(t+1) / E^{t+1}(t+1) x E^t(t) / E^{t+1}(t)]^(1/2) the
technical change (the shift of the frontier). M > 1 is growth.

With constant returns to scale the efficiency change splits (Färe,
Grosskopf, Norris & Zhang, 1994; as DEAP 2.1 reports it) into pure
efficiency change PEC = V^{t+1}(t+1) / V^t(t) (the VRS efficiencies) and scale
efficiency change SEC = EC / PEC. With a VRS (or IRS, DRS) technology the
index itself is computed on that technology, as R ``Benchmarking::malmq``
does; a cross-period VRS LP can then be infeasible (the unit lies where the
other period's technology has no point), and the index is NaN with a status
saying which.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Sequence
from typing import Any

import attrs
import numpy as np
import pandas as pd

from qualitapa.composite._dea import (
    Orientation,
    ReturnsToScale,
    _read_matrix,
    _validate,
    radial_scores,
)
from qualitapa.composite._options import choice
from qualitapa.errors import DataError, Message
from qualitapa.i18n import N_
from qualitapa.io import require_columns

#: Status of a Malmquist row: computed, a cross-period LP without solution, a unit seen once.
STATUSES = ("ok", "infeasible_on_earlier", "infeasible_on_later", "not_in_both_periods")


@attrs.frozen
class MalmquistResult:
    """Result of :func:`malmquist`.

    Attributes
    ----------
    indices : pandas.DataFrame
        One row per organization and pair of consecutive periods:
        ``organization``, ``period_from``, ``period_to``, ``malmquist``,
        ``efficiency_change``, ``technical_change`` and, for a CRS
        technology, ``pure_efficiency_change`` and
        ``scale_efficiency_change``; ``status``: ``ok``,
        ``infeasible_on_earlier`` (the later period's data lie outside the
        earlier technology: its LP has no solution), ``infeasible_on_later``
        (the converse) or ``not_in_both_periods`` (the indices are NaN).
    distances : pandas.DataFrame
        The efficiencies behind each row: ``eff_from`` (period t data,
        period t frontier), ``eff_to`` (t+1 on t+1), ``eff_to_on_from``
        (t+1 data on the t frontier), ``eff_from_on_to`` and, for CRS,
        ``vrs_eff_from``, ``vrs_eff_to``.
    summary : pandas.DataFrame
        Per pair of periods, the geometric means of the indices over the
        organizations with status ``ok`` (as DEAP reports them) and
        ``n``, the number of those organizations.
    rts, orientation
        The technology and orientation.
    """

    indices: pd.DataFrame
    distances: pd.DataFrame
    summary: pd.DataFrame
    rts: ReturnsToScale
    orientation: Orientation


#: Period labels whose time order can be read from the text: a year, a month of a
#: year (``2024-9``, ``2024-09``, ``2024/09``), a quarter (``2024Q3``, ``2024-Q3``)
#: or a date (``2024-09-30``); the numbers of each form, in order, are its sort key.
_PERIOD_FORMS = (
    re.compile(r"(\d{4})"),
    re.compile(r"(\d{4})[-/](\d{1,2})"),
    re.compile(r"(\d{4})-?[Qq]([1-4])"),
    re.compile(r"(\d{4})-(\d{2})-(\d{2})"),
)


def _sorted_periods(values: pd.Series, column: str, source: str | None) -> list[Hashable]:
    """The distinct periods in time order, or a :class:`DataError` when the text cannot say it.

    Numbers, dates and pandas periods sort as they are. Text sorts as numbers
    when every label is one, else by the one form of :data:`_PERIOD_FORMS` all
    labels share (``2024-9`` before ``2024-10``, which text order reverses);
    labels of no common form (``T1 2024``) are refused rather than put in
    the order of their letters.
    """
    distinct = list(pd.unique(values))
    if not all(isinstance(v, str) for v in distinct):
        try:
            return sorted(distinct)
        except TypeError:  # mixed types
            pass
    else:
        text = [v.strip() for v in distinct]
        numbers = pd.to_numeric(pd.Series(text), errors="coerce")
        if numbers.notna().all() and numbers.is_unique:
            return [distinct[i] for i in np.argsort(numbers.to_numpy(), kind="stable")]
        for form in _PERIOD_FORMS:
            found = [form.fullmatch(t) for t in text]
            if all(found):
                keys = [tuple(int(g) for g in m.groups()) for m in found if m is not None]
                if len(set(keys)) == len(keys):
                    return [distinct[i] for i in sorted(range(len(keys)), key=keys.__getitem__)]
    raise DataError(
        Message(
            "the periods {periods} cannot be put in time order: write them as years (2024), "
            "months (2024-09), quarters (2024Q3) or dates (2024-09-30), or as numbers",
            N_(
                "i periodi {periods} non si possono ordinare nel tempo: scriverli come anni "
                "(2024), mesi (2024-09), trimestri (2024Q3) o date (2024-09-30), o come numeri"
            ),
            periods=", ".join(map(repr, distinct[:4])) + (", ..." if len(distinct) > 4 else ""),
        ),
        source=source,
        column=column,
    )


@attrs.frozen
class _Period:
    """The organizations of one period and their inputs and outputs."""

    orgs: np.ndarray
    X: np.ndarray
    Y: np.ndarray


def _periods(
    data: pd.DataFrame,
    inputs: list[str],
    outputs: list[str],
    period: str,
    organization: str,
    source: str | None,
) -> dict[Hashable, _Period]:
    """Each period's organizations, inputs and outputs, checked as :func:`dea` checks them."""
    require_columns(data, [organization, period, *inputs, *outputs], source=source)
    missing = data[period].isna().to_numpy()
    if missing.any():
        raise DataError(
            Message("period is missing", N_("manca il periodo")),
            source=source,
            row=int(np.flatnonzero(missing)[0]) + 1,
            column=period,
        )
    X = _read_matrix(data, inputs, "input", source)
    Y = _read_matrix(data, outputs, "output", source)
    orgs = data[organization].astype(str).to_numpy()
    labels = data[period].to_numpy()
    out: dict[Hashable, _Period] = {}
    for p in _sorted_periods(data[period], period, source):
        rows = labels == p
        _validate(X[rows], Y[rows], orgs[rows], inputs, outputs, f"{source or 'data'}, {p}")
        out[p] = _Period(orgs[rows], X[rows], Y[rows])
    if len(out) < 2:
        raise DataError(
            Message(
                "the Malmquist index needs at least two periods; the data have {n}",
                N_("l'indice di Malmquist richiede almeno due periodi; i dati ne hanno {n}"),
                n=len(out),
            ),
            source=source,
            column=period,
        )
    return out


def _within(p: _Period, rts: ReturnsToScale, orientation: Orientation) -> np.ndarray:
    """Efficiencies of a period's units against their own frontier."""
    return radial_scores(p.X, p.Y, p.X, p.Y, rts=rts, orientation=orientation)[0]


def _from_distances(
    e00: np.ndarray,
    e11: np.ndarray,
    e10: np.ndarray,
    e01: np.ndarray,
    vrs: tuple[np.ndarray, np.ndarray] | None = None,
) -> dict[str, np.ndarray]:
    """The indices from the four efficiencies (E^a(b) = ``e{b}{a}``) and the two VRS ones."""
    ec = e11 / e00
    tc = np.sqrt((e10 / e11) * (e00 / e01))
    out = {"malmquist": ec * tc, "efficiency_change": ec, "technical_change": tc}
    if vrs is not None:
        pec = vrs[1] / vrs[0]
        out |= {"pure_efficiency_change": pec, "scale_efficiency_change": ec / pec}
    out |= {"eff_from": e00, "eff_to": e11, "eff_to_on_from": e10, "eff_from_on_to": e01}
    if vrs is not None:
        out |= {"vrs_eff_from": vrs[0], "vrs_eff_to": vrs[1]}
    return out


def _pair(
    a: _Period,
    b: _Period,
    own: dict[tuple[int, str], np.ndarray],
    ia: int,
    rts: ReturnsToScale,
    orientation: Orientation,
) -> pd.DataFrame:
    """The distances and indices of the units seen in periods ``a`` and ``b`` (consecutive)."""
    common, pa, pb = np.intersect1d(a.orgs, b.orgs, return_indices=True)
    e00 = own[ia, rts.value][pa]
    e11 = own[ia + 1, rts.value][pb]
    e10, _ = radial_scores(b.X[pb], b.Y[pb], a.X, a.Y, rts=rts, orientation=orientation)
    e01, _ = radial_scores(a.X[pa], a.Y[pa], b.X, b.Y, rts=rts, orientation=orientation)
    cols: dict[str, Any] = {"organization": common}
    vrs = None
    if rts is ReturnsToScale.CRS:
        vrs = own[ia, "vrs"][pa], own[ia + 1, "vrs"][pb]
    cols.update(_from_distances(e00, e11, e10, e01, vrs))
    cols["status"] = np.select(
        [np.isnan(e10), np.isnan(e01)], ["infeasible_on_earlier", "infeasible_on_later"], "ok"
    ).astype(object)
    once = np.setxor1d(a.orgs, b.orgs)
    frame = pd.DataFrame(cols)
    if len(once):
        frame = pd.concat(
            [frame, pd.DataFrame({"organization": once, "status": "not_in_both_periods"})],
            ignore_index=True,
        )
    return frame


_INDICES = (
    "malmquist",
    "efficiency_change",
    "technical_change",
    "pure_efficiency_change",
    "scale_efficiency_change",
)
_DISTANCES = (
    "eff_from",
    "eff_to",
    "eff_to_on_from",
    "eff_from_on_to",
    "vrs_eff_from",
    "vrs_eff_to",
)


def _summary(frame: pd.DataFrame, indices: Sequence[str]) -> pd.DataFrame:
    """Geometric means of the indices per pair of periods, over the ``ok`` rows."""
    ok = frame[frame["status"] == "ok"]
    logs = ok[list(indices)].astype(float).apply(np.log)
    keys = [ok["period_from"], ok["period_to"]]
    means = logs.groupby(keys, sort=False).mean().apply(np.exp)
    means["n"] = ok.groupby(["period_from", "period_to"], sort=False).size()
    pairs = frame[["period_from", "period_to"]].drop_duplicates()
    out = pairs.merge(means.reset_index(), on=["period_from", "period_to"], how="left")
    out["n"] = out["n"].fillna(0).astype(int)
    return out.reset_index(drop=True)


def malmquist(
    data: pd.DataFrame,
    *,
    inputs: Sequence[str],
    outputs: Sequence[str],
    period: str = "period",
    organization: str = "organization",
    rts: ReturnsToScale | str = "crs",
    orientation: Orientation | str = "input",
    source: str | None = None,
) -> MalmquistResult:
    """Malmquist productivity index of each organization between consecutive periods.

    Each period's frontier is spanned by all the organizations observed in
    that period (so ``eff_from`` and ``eff_to`` are the scores of
    :func:`~qualitapa.composite.dea` on that period); the index is computed
    for the organizations observed in both periods of a pair, the others
    get a row with status ``not_in_both_periods``.

    Parameters
    ----------
    data
        Long table: one row per organization and period, with the
        ``organization`` and ``period`` columns and the input and output
        columns. Not modified.
    inputs, outputs
        Column names of the inputs and outputs.
    period, organization
        Column names of the period and of the organization ids. Periods
        are put in time order as numbers, dates, or text that is all years
        (``2024``), months (``2024-09``), quarters (``2024Q3``) or dates
        (``2024-09-30``); other text is refused (its letter order is not
        time order).
    rts
        Technology of the index: ``"crs"`` (the Färe-Grosskopf-Lindgren-Roos
        index, with the pure and scale efficiency change of Färe et al.
        1994), or ``"vrs"``, ``"irs"``, ``"drs"`` (the index on that
        technology; cross-period LPs may be infeasible).
    orientation
        ``"input"`` or ``"output"``; under CRS both give the same index.
    source
        Name of the data for error messages.

    Returns
    -------
    MalmquistResult
        ``indices``, ``distances`` and ``summary``; see
        :class:`MalmquistResult`.

    Raises
    ------
    DataError
        A missing column or period, fewer than two periods, or a period
        whose data :func:`~qualitapa.composite.dea` would refuse
        (non-positive inputs, negative outputs, an organization twice...).

    Examples
    --------
    Both cities' staff fall by a fifth for the same certificates: the
    frontier moves by 1.25 and so does each city's productivity.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"organization": ["a", "b", "a", "b"],
    ...                    "period": [2023, 2023, 2024, 2024],
    ...                    "staff": [2.0, 4.0, 1.6, 3.2], "certificates": [4.0, 6.0, 4.0, 6.0]})
    >>> res = malmquist(df, inputs=["staff"], outputs=["certificates"])
    >>> res.indices[["organization", "malmquist", "efficiency_change", "technical_change"]]
      organization  malmquist  efficiency_change  technical_change
    0            a       1.25                1.0              1.25
    1            b       1.25                1.0              1.25
    """
    rts = choice(ReturnsToScale, rts, "rts")
    orientation = choice(Orientation, orientation, "orientation")
    inputs, outputs = list(inputs), list(outputs)
    periods = _periods(data, inputs, outputs, period, organization, source)
    labels = list(periods)
    kinds = {rts.value, "vrs"} if rts is ReturnsToScale.CRS else {rts.value}
    own = {
        (i, kind): _within(periods[p], ReturnsToScale(kind), orientation)
        for i, p in enumerate(labels)
        for kind in kinds
    }
    frames = []
    for i in range(len(labels) - 1):
        frame = _pair(periods[labels[i]], periods[labels[i + 1]], own, i, rts, orientation)
        frame.insert(1, "period_from", [labels[i]] * len(frame))
        frame.insert(2, "period_to", [labels[i + 1]] * len(frame))
        frames.append(frame)
    both = pd.concat(frames, ignore_index=True)
    keys = ["organization", "period_from", "period_to"]
    indices = [c for c in _INDICES if c in both.columns]
    distances = [c for c in _DISTANCES if c in both.columns]
    return MalmquistResult(
        indices=both[[*keys, *indices, "status"]].copy(),
        distances=both[[*keys, *distances, "status"]].copy(),
        summary=_summary(both, indices),
        rts=rts,
        orientation=orientation,
    )
