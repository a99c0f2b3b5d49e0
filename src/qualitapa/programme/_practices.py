"""Good practices: the register, and the practices of the best performers on a city's gaps.

The ``practices`` sheet lists what a city does well (service, what, since
when, the indicators whose values show it, a contact, documents).
:func:`suggest_practices` reads a benchmark
(:func:`qualitapa.indicators.benchmark`) and, for a city's worst gaps,
lists the practices of the cities that do better on those indicators
("conoscere e condividere soluzioni o strumenti").
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import ClassVar
from urllib.parse import urlsplit

import attrs
import numpy as np
import pandas as pd

from qualitapa.errors import DataError, DefinitionError
from qualitapa.io import require_columns
from qualitapa.models import Text
from qualitapa.programme._models import RowReaders, SheetRow, _text, split_list


def _web_addresses(instance: object, attribute: attrs.Attribute[tuple[str, ...]],
                   value: tuple[str, ...]) -> None:  # fmt: skip
    for url in value:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise DefinitionError(
                f"{url!r} is not a web address (write https://...)", field=attribute.name
            )


def _year(row: Mapping[str, object], field: str) -> int | None:
    since = _text(row.get(field))
    try:
        return None if since is None else int(float(since))
    except ValueError:
        raise DefinitionError(f"{since!r} is not a year", field=field) from None


@attrs.frozen
class Practice(SheetRow):
    """A good practice of a city: what, for which service, since when, with what evidence.

    ``indicators`` are the ids of the indicators whose values show the
    practice's results (written comma-separated in the sheet); ``contact``
    is a person id of the ``people`` sheet (whose name and e-mail are
    personal data, kept there); ``documents`` are web addresses
    (written ``;``-separated).

    Examples
    --------
    >>> p = Practice.from_mapping({"organization": "037006", "practice": "BP1",
    ...     "title_it": "Prenotazione online", "since": "2019",
    ...     "indicators": "registry.wait, registry.online_share",
    ...     "documents": "https://example.org/bp1.pdf"})
    >>> p.indicators, p.since
    (('registry.wait', 'registry.online_share'), 2019)
    """

    organization: str
    practice: str
    title: Text
    service: str | None = None
    description: str | None = None
    since: int | None = None
    indicators: tuple[str, ...] = ()
    contact: str | None = None
    documents: tuple[str, ...] = attrs.field(default=(), validator=_web_addresses)

    _readers: ClassVar[RowReaders] = {
        "since": lambda row: _year(row, "since"),
        "indicators": lambda row: split_list(row.get("indicators")),
        "documents": lambda row: split_list(row.get("documents"), ";"),
    }


#: Columns of :func:`suggest_practices`.
SUGGESTION_COLUMNS = (
    "organization",
    "period",
    "indicator",
    "value",
    "rank",
    "n",
    "gap_to_best",
    "spread",
    "relative_gap",
    "practice_organization",
    "practice",
    "practice_rank",
    "practice_value",
    "service",
    "title_it",
    "title_de",
    "title_en",
    "since",
    "contact",
    "documents",
)

_BENCHMARK_COLUMNS = ("organization", "period", "indicator", "value", "rank", "gap_to_best",
                      "n", "comparison")  # fmt: skip
_PRACTICE_FIELDS = ("service", "title_it", "title_de", "title_en", "since", "contact", "documents")


def _comparisons(table: pd.DataFrame) -> pd.DataFrame:
    """The compared rows of a benchmark (ranked, with a gap, at least 2 values), with the
    spread (largest minus smallest value) of their comparison."""
    rank = pd.to_numeric(table["rank"], errors="coerce").astype(float)
    gap = pd.to_numeric(table["gap_to_best"], errors="coerce").astype(float)
    count = pd.to_numeric(table["n"], errors="coerce").astype(float)
    ok = (
        table["comparison"].astype(object).eq("compared")
        & rank.notna()
        & gap.notna()
        & (count >= 2)
    ).to_numpy(dtype=bool)
    out = pd.DataFrame(
        {
            "organization": table["organization"].astype(str).to_numpy()[ok],
            "period": table["period"].astype(str).to_numpy()[ok],
            "indicator": table["indicator"].astype(str).to_numpy()[ok],
            "peer_group": (
                table["peer_group"].astype(str).to_numpy()[ok]
                if "peer_group" in table.columns
                else np.full(int(ok.sum()), "", dtype=object)
            ),
            "value": pd.to_numeric(table["value"], errors="coerce").to_numpy(dtype=float)[ok],
            "rank": rank.to_numpy()[ok],
            "n": count.to_numpy()[ok],
            "gap_to_best": gap.to_numpy()[ok],
        }
    )
    keys = out.groupby(["indicator", "period", "peer_group"], sort=False)["value"]
    out["spread"] = keys.transform("max") - keys.transform("min")
    return out


def _practice_links(practices: pd.DataFrame) -> pd.DataFrame:
    """One row per practice and indicator it lists as evidence."""
    p = practices
    frame = pd.DataFrame(
        {
            "practice_organization": p["organization"].astype(str).to_numpy(),
            "practice": p["practice"].astype(str).to_numpy(),
            "indicator": [list(split_list(v)) for v in p["indicators"]],
        }
    )
    for column in _PRACTICE_FIELDS:
        values = p[column].astype(object) if column in p.columns else pd.Series([None] * len(p))
        frame[column] = values.where(values.notna(), None).to_numpy(dtype=object)
    frame = frame.explode("indicator", ignore_index=True)
    return frame[frame["indicator"].notna()].drop_duplicates(
        ["practice_organization", "practice", "indicator"]
    )


def _checked_arguments(
    benchmark_table: pd.DataFrame, practices: pd.DataFrame, organization: str, n: int
) -> str:
    """``organization`` as text, once the tables and ``n`` are known to be usable."""
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise DataError(f"n must be a whole number of at least 1, not {n!r}")
    require_columns(benchmark_table, _BENCHMARK_COLUMNS, source="benchmark")
    require_columns(practices, ("organization", "practice", "indicators"), source="practices")
    org = str(organization)
    known = set(benchmark_table["organization"].astype(str))
    if org not in known:
        close = difflib.get_close_matches(org, sorted(known), n=3)
        hint = f"; did you mean {' or '.join(close)}?" if close else ""
        raise DataError(f"organization {org!r} is not in the benchmark{hint}")
    return org


def _own_gaps(compared: pd.DataFrame, org: str, period: str | int | None) -> pd.DataFrame:
    """``org``'s compared rows with a gap, in ``period`` or each indicator's latest one."""
    own = compared[compared["organization"].eq(org) & compared["gap_to_best"].lt(0)]
    if period is not None:
        own = own[own["period"].eq(str(period))]
    else:
        latest = compared[compared["organization"].eq(org)].groupby("indicator")["period"].max()
        own = own[own["period"].eq(own["indicator"].map(latest))]
    return own.assign(relative_gap=-own["gap_to_best"] / own["spread"])


def suggest_practices(
    benchmark_table: pd.DataFrame,
    practices: pd.DataFrame,
    organization: str,
    *,
    period: str | int | None = None,
    n: int = 5,
) -> pd.DataFrame:
    """For ``organization``'s worst gaps, the practices of the cities that do better.

    Rules:

    * only comparable indicators are looked at: the benchmark's rows whose
      ``comparison`` is ``compared`` (the benchmark's own rules: enough
      cities with a value, not all equal, polarity not neutral) with a
      rank and at least 2 values;
    * the gap of ``organization`` on an indicator is ``-gap_to_best``
      (how far it is from the best value, in the indicator's unit);
      ``relative_gap`` divides it by the ``spread`` of the comparison
      (largest minus smallest value of the cities compared), so units
      compare: 0 for the best, 1 for the worst city;
    * a city "does better" when its rank in the same comparison
      (indicator, period, peer group) is better (smaller) than
      ``organization``'s; its practices that list the indicator in
      ``indicators`` are suggested. ``organization``'s own practices never
      are. Indicators where no better city has a practice are skipped;
    * the ``n`` indicators with the largest ``relative_gap`` that have a
      practice are kept; ties between indicators are broken by indicator
      id. Within an indicator, practices come by the rank of their city
      (best first), then by city id and practice id.

    Parameters
    ----------
    benchmark_table
        The result of :func:`qualitapa.indicators.benchmark` (with or
        without ``peer_group``); not changed.
    practices
        The ``practices`` sheet (:meth:`ProgrammeStore.table`).
    organization
        The city whose gaps are looked at.
    period
        The period of the benchmark; by default, for each indicator, the
        latest period (in the order of the period labels as text) in which
        ``organization`` is compared.
    n
        How many indicators (worst gaps with a practice) to keep.

    Returns
    -------
    DataFrame
        :data:`SUGGESTION_COLUMNS`: ``organization, period, indicator,
        value, rank, n, gap_to_best, spread, relative_gap`` of the city's
        gap; ``practice_organization, practice, practice_rank,
        practice_value`` of the better city; the practice's ``service,
        title_it, title_de, title_en, since, contact, documents``. Empty
        when the city has no gap with a practice.

    Raises
    ------
    DataError
        A column is missing, or ``organization`` is not in the benchmark
        (with the closest ids).

    Examples
    --------
    >>> from qualitapa.indicators import benchmark
    >>> values = pd.DataFrame({"organization": ["a", "b", "c"], "period": 2024,
    ...     "indicator": "registry.wait", "value": [30.0, 10.0, 20.0]})
    >>> table = benchmark(values, definitions={"registry.wait": "lower_is_better"})
    >>> practices = pd.DataFrame({"organization": ["b", "c"], "practice": ["BP1", "BP2"],
    ...     "title_it": ["Prenotazione online", "Sportello unico"],
    ...     "indicators": ["registry.wait", "registry.wait"]})
    >>> suggest_practices(table, practices, "a")[
    ...     ["indicator", "relative_gap", "practice_organization", "practice", "practice_rank"]]
           indicator  relative_gap practice_organization practice  practice_rank
    0  registry.wait           1.0                     b      BP1              1
    1  registry.wait           1.0                     c      BP2              2
    """
    org = _checked_arguments(benchmark_table, practices, organization, n)
    compared = _comparisons(benchmark_table)
    own = _own_gaps(compared, org, period)
    better = compared.merge(
        own[["indicator", "period", "peer_group", "rank"]].rename(columns={"rank": "own_rank"}),
        on=["indicator", "period", "peer_group"],
    )
    better = better[better["rank"].lt(better["own_rank"]) & better["organization"].ne(org)]
    better = better.rename(
        columns={"organization": "practice_organization", "rank": "practice_rank",
                 "value": "practice_value"}
    )[["indicator", "period", "peer_group", "practice_organization", "practice_rank",
       "practice_value"]]  # fmt: skip
    links = _practice_links(practices)
    links = links[links["practice_organization"].ne(org)]
    found = better.merge(links, on=["practice_organization", "indicator"])
    out = own.merge(found, on=["indicator", "period", "peer_group"])
    worst = (
        out.drop_duplicates("indicator")
        .sort_values(["relative_gap", "indicator"], ascending=[False, True], kind="stable")
        .head(int(n))["indicator"]
    )
    out = out[out["indicator"].isin(worst)].sort_values(
        ["relative_gap", "indicator", "practice_rank", "practice_organization", "practice"],
        ascending=[False, True, True, True, True],
        kind="stable",
    )
    out = out[list(SUGGESTION_COLUMNS)].reset_index(drop=True)
    for column in ("rank", "n", "practice_rank"):
        out[column] = out[column].astype("int64")
    return out
