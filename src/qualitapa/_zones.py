"""Office time zones of table rows: each organization's zone, naive office times to UTC.

Core helpers shared by the complaint register (event times) and the open-data
package (times written as office time with the offset): the zone of each row
is its organization's (:attr:`qualitapa.Organization.timezone`), Europe/Rome
by default; a wall-clock time a daylight-saving change skips or repeats is
never guessed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from qualitapa.models import DEFAULT_TIMEZONE

if TYPE_CHECKING:
    from qualitapa.catalog import Catalog

__all__ = ["localize", "zone_groups", "zones_of"]


def zones_of(
    organizations: pd.Series | None,
    n: int,
    catalog: Catalog | None = None,
    default: str = DEFAULT_TIMEZONE,
) -> pd.Series:
    """The time zone name of each row: its organization's in ``catalog``, else ``default``.

    Parameters
    ----------
    organizations
        The organization code of each row (None: no such column).
    n
        The number of rows.
    catalog
        Where organizations' :attr:`~qualitapa.Organization.timezone` is
        looked up; without it (or for a code it lacks) every row is in
        ``default``.
    default
        The zone of rows without a known organization (Europe/Rome).

    Examples
    --------
    >>> zones_of(pd.Series(["036023", None]), 2).tolist()
    ['Europe/Rome', 'Europe/Rome']
    """
    if organizations is None or catalog is None:
        return pd.Series([default] * n, dtype=object)
    known = {k: o.timezone for k, o in catalog.organizations.items()}
    codes = organizations.reset_index(drop=True).astype(object)
    return codes.map(known).where(codes.map(known).notna(), default).astype(object)


def zone_groups(zones: str | pd.Series, n: int) -> list[tuple[str, np.ndarray]]:
    """(zone, row positions) per distinct zone: tz_convert works one zone at a time."""
    if isinstance(zones, str):
        return [(zones, np.arange(n))]
    codes, uniques = pd.factorize(pd.Series(zones).reset_index(drop=True), use_na_sentinel=False)
    return [(str(z), np.flatnonzero(codes == i)) for i, z in enumerate(uniques)]


def localize(values: pd.Series, zones: str | pd.Series) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """UTC instants of naive office times, each row in its zone; the DST problems.

    Parameters
    ----------
    values
        Naive date-times (``datetime64``): wall-clock time in the office.
    zones
        One IANA zone name, or one per row (:func:`zones_of`).

    Returns
    -------
    (instants, gap, fold)
        ``datetime64[us, UTC]`` (NaT where missing or not one instant);
        ``gap`` marks office times the clocks skip (2024-03-31 02:30 in
        Europe/Rome), ``fold`` those they repeat (2024-10-27 02:30): neither
        is guessed, both are NaT.

    Examples
    --------
    >>> naive = pd.Series(pd.to_datetime(["2024-02-02 09:30", "2024-03-31 02:30",
    ...                                   "2024-10-27 02:30", "2024-07-02 09:30"]))
    >>> utc, gap, fold = localize(naive, "Europe/Rome")
    >>> utc.dt.strftime("%H:%M").tolist(), gap.tolist(), fold.tolist()
    (['08:30', nan, nan, '07:30'], [False, True, False, False], [False, False, True, False])
    """
    naive = pd.Series(pd.DatetimeIndex(values).as_unit("us"))
    out = np.full(len(naive), np.datetime64("NaT"), dtype="datetime64[us]")
    gap = np.zeros(len(naive), dtype=bool)
    fold = np.zeros(len(naive), dtype=bool)
    present = naive.notna().to_numpy()
    for zone, rows in zone_groups(zones, len(naive)):  # the few zones, each vectorised
        part = naive.iloc[rows]
        first = np.ones(len(part), dtype=bool)
        no_gap = part.dt.tz_localize(zone, ambiguous=first, nonexistent="NaT")
        no_fold = part.dt.tz_localize(zone, ambiguous="NaT", nonexistent="shift_forward")
        gap[rows] = no_gap.isna().to_numpy() & present[rows]
        fold[rows] = no_fold.isna().to_numpy() & present[rows]
        utc = no_gap.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy(dtype="datetime64[us]")
        out[rows] = np.where(fold[rows], np.datetime64("NaT"), utc)
    return pd.Series(out).dt.tz_localize("UTC"), gap, fold
