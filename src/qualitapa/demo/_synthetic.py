"""Seeded synthetic data: Italian-shaped municipalities and raw indicator panels.

Everything here is **synthetic**: plausible magnitudes for demonstrations,
tests and benchmarks, never to be mistaken for real figures.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import numpy as np
import pandas as pd

from qualitapa.errors import DefinitionError

#: The largest Italian municipalities with approximate resident population
#: (ISTAT, 1 January 2024, rounded to the thousand); the synthetic
#: distribution keeps its heavy tail by including them as they are.
LARGEST_CITIES: tuple[tuple[str, str, int], ...] = (
    ("058091", "Roma", 2_755_000),
    ("015146", "Milano", 1_366_000),
    ("063049", "Napoli", 909_000),
    ("001272", "Torino", 848_000),
    ("082053", "Palermo", 631_000),
    ("010025", "Genova", 563_000),
    ("037006", "Bologna", 390_000),
    ("048017", "Firenze", 362_000),
    ("072006", "Bari", 316_000),
    ("087015", "Catania", 298_000),
    ("023091", "Verona", 256_000),
    ("027042", "Venezia", 250_000),
)

#: Number of Italian municipalities (ISTAT, 2024).
N_MUNICIPALITIES = 7_896


def synthetic_municipalities(n: int = N_MUNICIPALITIES, *, seed: int = 0) -> pd.DataFrame:
    """A synthetic national set of municipalities with an Italian-shaped population.

    Populations follow a log-normal distribution fitted to the Italian one
    (median about 2,450 inhabitants; about 70% of municipalities under 5,000)
    with the twelve largest cities added as they are, so the total is close
    to Italy's 59 million.

    Parameters
    ----------
    n
        Number of municipalities (at least 12).
    seed
        Seed of the random generator: the same seed gives the same table.

    Returns
    -------
    pandas.DataFrame
        Columns ``organization`` (a six-digit code), ``name`` and
        ``population`` (int64), largest first.

    Examples
    --------
    >>> m = synthetic_municipalities(seed=1)
    >>> len(m), int(m["population"].iloc[0])
    (7896, 2755000)
    >>> bool(0.6 < (m["population"] < 5000).mean() < 0.8)
    True
    """
    big = len(LARGEST_CITIES)
    if n < big:
        raise DefinitionError(f"n must be at least {big}", field="n")
    rng = np.random.default_rng(seed)
    small = rng.lognormal(mean=np.log(2_450.0), sigma=1.39, size=n - big)
    small = np.clip(np.round(small), 30, 240_000).astype(np.int64)
    codes = np.char.zfill(np.arange(100_001, 100_001 + n - big).astype(str), 6)
    frame = pd.DataFrame(
        {
            "organization": [c for c, _, _ in LARGEST_CITIES] + codes.tolist(),
            "name": [name for _, name, _ in LARGEST_CITIES]
            + [f"Comune sintetico {i}" for i in range(1, n - big + 1)],
            "population": np.concatenate(
                [np.array([p for _, _, p in LARGEST_CITIES], dtype=np.int64), small]
            ),
        }
    )
    return frame.sort_values("population", ascending=False, kind="stable").reset_index(drop=True)


@attrs.frozen
class VariableProfile:
    """How to simulate one raw variable.

    ``per_capita`` times the population gives the expected annual value in
    the first period (set ``per_capita=None`` and ``base`` for values that do
    not scale with population, e.g. opening hours); ``trend`` is the
    yearly relative growth; ``noise`` the relative standard deviation
    between organizations and years; ``share_of`` makes the variable a share
    (between ``low`` and ``high``) of another variable.
    """

    per_capita: float | None = None
    base: float | None = None
    trend: float = 0.0
    noise: float = 0.1
    share_of: str | None = None
    low: float = 0.0
    high: float = 1.0
    integer: bool = True

    def __attrs_post_init__(self) -> None:
        given = sum(x is not None for x in (self.per_capita, self.base, self.share_of))
        if given != 1:
            raise DefinitionError("give exactly one of per_capita, base or share_of")

    @classmethod
    def coerce(cls, value: Any) -> VariableProfile:
        """A profile from a profile or a mapping of its fields."""
        if isinstance(value, VariableProfile):
            return value
        return cls(**dict(value))


def synthetic_panel(
    organizations: pd.DataFrame,
    periods: Sequence[int],
    profiles: Mapping[str, VariableProfile | Mapping[str, Any]],
    *,
    seed: int = 0,
    missing: float = 0.0,
) -> pd.DataFrame:
    """Simulate raw variables for organizations and years, in tidy long format.

    Each organization gets a persistent efficiency factor (some cities do
    better every year) and each value a yearly disturbance, so benchmarks
    and trends have something to find.

    Parameters
    ----------
    organizations
        Columns ``organization`` and ``population``.
    periods
        The years.
    profiles
        Variable id -> :class:`VariableProfile` (or a mapping of its fields).
        Variables with ``share_of`` are computed after the one they refer to.
    seed
        Seed of the random generator.
    missing
        Share of values to leave out at random (to exercise missing-data
        handling).

    Returns
    -------
    pandas.DataFrame
        Columns ``organization, period, variable, value``.

    Examples
    --------
    >>> orgs = pd.DataFrame({"organization": ["a", "b"], "population": [1000, 2000]})
    >>> p = synthetic_panel(orgs, [2023, 2024], {"loans": {"per_capita": 2.0, "noise": 0.0},
    ...                                         "renewals": {"share_of": "loans", "low": 0.5,
    ...                                                      "high": 0.5, "noise": 0.0}})
    >>> p.pivot_table(index=["organization", "period"], columns="variable", values="value")
    ... # doctest: +NORMALIZE_WHITESPACE
    variable             loans  renewals
    organization period
    a            2023    2000.0    1000.0
                 2024    2000.0    1000.0
    b            2023    4000.0    2000.0
                 2024    4000.0    2000.0
    """
    rng = np.random.default_rng(seed)
    profs = {k: VariableProfile.coerce(v) for k, v in profiles.items()}
    pops = organizations["population"].to_numpy(dtype=float)
    n_org, years = len(pops), np.asarray(list(periods))
    t = (years - years.min()).astype(float)
    values: dict[str, np.ndarray] = {}
    pending = dict(profs)
    while pending:
        progressed = False
        for name, prof in list(pending.items()):
            if prof.share_of is not None and prof.share_of not in values:
                if prof.share_of not in profs:
                    raise DefinitionError(
                        f"share_of refers to unknown variable {prof.share_of!r}", item=name
                    )
                continue
            org_factor = rng.lognormal(0.0, prof.noise, size=(n_org, 1))
            year_noise = rng.lognormal(0.0, prof.noise / 2, size=(n_org, len(years)))
            if prof.share_of is not None:
                share = rng.uniform(prof.low, prof.high, size=(n_org, 1)) * np.ones(len(years))
                share = np.clip(share * year_noise, 0, 1)
                v = values[prof.share_of] * share
            else:
                if prof.per_capita is not None:
                    level = pops[:, None] * prof.per_capita
                else:
                    level = np.full((n_org, 1), float(prof.base or 0.0))
                v = level * org_factor * year_noise * (1.0 + prof.trend) ** t
            values[name] = np.round(v) if prof.integer else np.round(v, 2)
            del pending[name]
            progressed = True
        if not progressed:
            raise DefinitionError(f"circular share_of among {sorted(pending)}")
    names = list(values)
    stacked = np.stack([values[n] for n in names])  # variable x org x year
    frame = pd.DataFrame(
        {
            "organization": np.tile(
                np.repeat(organizations["organization"].to_numpy(), len(years)), len(names)
            ),
            "period": np.tile(years, n_org * len(names)),
            "variable": np.repeat(names, n_org * len(years)),
            "value": stacked.reshape(-1),
        }
    )
    if missing > 0:
        frame = frame.loc[rng.random(len(frame)) >= missing].reset_index(drop=True)
    return frame
