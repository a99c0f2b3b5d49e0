"""benchmark(): hand-computed ranks, percentiles, gaps and best performers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from qualitapa import PeerGroup, Text
from qualitapa.errors import DataError, DefinitionError
from qualitapa.indicators import BENCHMARK_COLUMNS, benchmark, compute
from qualitapa.indicators import _benchmark as benchmark_module

NAN = np.nan
POLARITIES = {"h": "higher_is_better", "l": "lower_is_better", "n": "neutral"}


def _values(indicator: str, values: list[float], period: int = 2024) -> pd.DataFrame:
    orgs = ["a", "b", "c", "d", "e"][: len(values)]
    return pd.DataFrame(
        {"organization": orgs, "period": period, "indicator": indicator, "value": values}
    )


# Values shared by the hand computations below: a=10, b=7, c=10, d=4, e missing.
# n = 4, mean = 31/4 = 7.75, sample variance = (2.25² + 0.75² + 2.25² + 3.75²)/3 = 8.25,
# median = (7 + 10)/2 = 8.5.
VALUES = [10.0, 7.0, 10.0, 4.0, NAN]
STD = math.sqrt(8.25)


def test_higher_is_better_with_ties() -> None:
    res = benchmark(_values("h", VALUES), definitions=POLARITIES)
    assert tuple(res.columns) == tuple(c for c in BENCHMARK_COLUMNS if c != "peer_group")
    # ranks "min": the two 10s share rank 1, then 7 is 3rd and 4 is 4th
    assert res["rank"].tolist() == [1, 3, 1, 4, pd.NA]
    # percentile = 100 (n - rank) / (n - 1)
    np.testing.assert_allclose(res["percentile"], [100, 100 / 3, 100, 0, NAN])
    assert res["quartile"].tolist() == [1, 3, 1, 4, pd.NA]
    np.testing.assert_allclose(
        res["z_score"], [2.25 / STD, -0.75 / STD, 2.25 / STD, -3.75 / STD, NAN]
    )
    assert res["best_value"].tolist()[:4] == [10.0] * 4
    assert res["best_performers"].astype(str).tolist() == ["a, c"] * 5
    assert res["is_best"].tolist() == [True, False, True, False, False]
    np.testing.assert_allclose(res["gap_to_best"], [0, -3, 0, -6, NAN])
    np.testing.assert_allclose(res["gap_to_median"], [1.5, -1.5, 1.5, -4.5, NAN])
    assert res["n"].tolist() == [4] * 5


def test_lower_is_better_with_ties() -> None:
    res = benchmark(_values("l", VALUES), definitions=POLARITIES)
    # ascending: 4 (d) best, 7 (b), then the two 10s share rank 3
    assert res["rank"].tolist() == [3, 2, 3, 1, pd.NA]
    np.testing.assert_allclose(res["percentile"], [100 / 3, 200 / 3, 100 / 3, 100, NAN])
    assert res["quartile"].tolist() == [3, 2, 3, 1, pd.NA]
    # the z-score is the plain standardised value, whatever the polarity
    np.testing.assert_allclose(res["z_score"][:4], np.array([2.25, -0.75, 2.25, -3.75]) / STD)
    assert res["best_value"].tolist()[:4] == [4.0] * 4
    assert res["best_performers"].astype(str).tolist()[0] == "d"
    assert res["is_best"].tolist() == [False, False, False, True, False]
    # signed so that positive is better: 10 is 6 worse than 4, 1.5 worse than the median
    np.testing.assert_allclose(res["gap_to_best"], [-6, -3, -6, 0, NAN])
    np.testing.assert_allclose(res["gap_to_median"], [-1.5, 1.5, -1.5, 4.5, NAN])


def test_neutral_has_statistics_but_no_best() -> None:
    res = benchmark(_values("n", VALUES), definitions=POLARITIES)
    assert res["rank"].isna().all()
    np.testing.assert_allclose(res["percentile"], [100, 100 / 3, 100, 0, NAN])
    np.testing.assert_allclose(res["z_score"][:4], np.array([2.25, -0.75, 2.25, -3.75]) / STD)
    assert res["best_value"].isna().all()
    assert res["best_performers"].isna().all()
    assert not res["is_best"].any()
    assert res["gap_to_best"].isna().all()
    assert res["gap_to_median"].isna().all()
    assert res["n"].tolist() == [4] * 5


def test_single_value_and_all_equal() -> None:
    # a single organization is not a comparison: no rank, no "best" (issue 12, defect 2)
    alone = benchmark(_values("h", [5.0]), definitions=POLARITIES)
    assert alone["rank"].isna().all()
    assert not alone["is_best"].any()
    assert alone["best_performers"].isna().all()
    assert alone["percentile"].isna().all()
    assert alone["comparison"].tolist() == ["too_few_compared"]
    assert alone["n"].tolist() == [1]
    # asked for explicitly, the arithmetic of a comparison of one still holds
    one = benchmark(_values("h", [5.0]), definitions=POLARITIES, min_compared=1)
    assert one["rank"].tolist() == [1]
    assert one["percentile"].tolist() == [100.0]
    assert np.isnan(one["z_score"][0])  # no spread with one value
    same = benchmark(_values("h", [3.0, 3.0, 3.0]), definitions=POLARITIES)
    assert same["rank"].tolist() == [1, 1, 1]
    # everybody equal: nobody is "the best" (a tie at 0% is not three best performers)
    assert same["best_performers"].isna().all()
    assert not same["is_best"].any()
    assert same["comparison"].tolist() == ["all_equal"] * 3
    np.testing.assert_allclose(same["gap_to_best"], 0.0)
    assert same["z_score"].isna().all()  # standard deviation 0


def test_groups_are_indicator_and_period_and_row_order_is_kept() -> None:
    frames = [
        _values("h", [1.0, 2.0, 3.0], period=2023),
        _values("h", [3.0, 2.0, 1.0], period=2024),
        _values("l", [1.0, 2.0, 3.0], period=2024),
    ]
    vals = pd.concat(frames, ignore_index=True).sample(frac=1.0, random_state=3)
    res = benchmark(vals, definitions=POLARITIES)
    assert res["organization"].tolist() == vals["organization"].tolist()
    ranks = {(r.indicator, r.period, r.organization): r.rank for r in res.itertuples(index=False)}
    assert [ranks["h", 2023, o] for o in "abc"] == [3, 2, 1]
    assert [ranks["h", 2024, o] for o in "abc"] == [1, 2, 3]
    assert [ranks["l", 2024, o] for o in "abc"] == [1, 2, 3]


def test_blocks_of_indicators_give_the_same_result(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(5)
    n_org, inds = 30, [f"i{k}" for k in range(7)]
    vals = pd.DataFrame(
        {
            "organization": np.tile([f"o{i:02d}" for i in range(n_org)], len(inds) * 2),
            "period": np.tile(np.repeat([2023, 2024], n_org), len(inds)),
            "indicator": np.repeat(inds, 2 * n_org),
            "value": rng.integers(0, 8, size=2 * n_org * len(inds)).astype(float),
        }
    )
    vals.loc[vals.sample(frac=0.1, random_state=1).index, "value"] = NAN
    pol = {i: ["higher_is_better", "lower_is_better", "neutral"][k % 3] for k, i in enumerate(inds)}
    whole = benchmark(vals, definitions=pol)
    monkeypatch.setattr(benchmark_module, "_BLOCK_ROWS", 50)
    pd.testing.assert_frame_equal(benchmark(vals, definitions=pol), whole)
    # and the ranks agree with pandas' own groupby rank
    sign = vals["indicator"].map({i: {"h": 1, "l": -1, "n": 1}[p[0]] for i, p in pol.items()})
    expected = (
        (vals["value"] * sign)
        .groupby([vals["indicator"], vals["period"]])
        .rank(method="min", ascending=False)
    )
    polar = vals["indicator"].map(lambda i: pol[i] != "neutral")
    np.testing.assert_array_equal(
        whole["rank"].to_numpy(dtype=float, na_value=NAN), expected.where(polar).to_numpy()
    )


def test_peer_groups_from_catalog_population_classes(registry) -> None:
    vals = _values("registry.certificates_per_fte", VALUES)
    # each class has two organizations with a value: not compared by default
    default = benchmark(vals, catalog=registry, peer_groups="size")
    assert default["rank"].isna().all()
    assert default["comparison"].astype(str).tolist() == ["too_few_compared"] * 4 + ["no_value"]
    res = benchmark(vals, catalog=registry, peer_groups="size", min_compared=2)
    # small: a (1,000 inh.) 10 and d (2,000) 4; large: b (50,000) 7 and c (300,000) 10
    assert res["peer_group"].astype(str).tolist()[:4] == ["small", "large", "large", "small"]
    assert res["rank"].tolist()[:4] == [1, 2, 1, 2]
    assert res["best_performers"].astype(str).tolist()[:4] == ["a", "c", "c", "a"]
    np.testing.assert_allclose(res["gap_to_best"][:4], [0, -3, 0, -6])
    assert res["n"].tolist() == [2, 2, 2, 2, 0]
    # e is not in the catalog: kept, not compared
    assert pd.isna(res["peer_group"].iloc[4])
    assert pd.isna(res["rank"].iloc[4])


def test_peer_groups_as_mapping_and_members() -> None:
    vals = _values("h", VALUES)
    mapping = {"a": "north", "b": "north", "c": "south", "d": "south", "e": "south"}
    by_map = benchmark(vals, definitions=POLARITIES, peer_groups=mapping, min_compared=2)
    group = PeerGroup("area", Text("Area"), members=mapping)
    by_group = benchmark(vals, definitions=POLARITIES, peer_groups=group, min_compared=2)
    pd.testing.assert_frame_equal(by_map, by_group)
    assert by_map["rank"].tolist() == [1, 2, 1, 2, pd.NA]
    assert by_map["n"].tolist() == [2, 2, 2, 2, 2]


def test_population_classes_need_populations() -> None:
    size = PeerGroup("size", Text("Classe"), breaks=(10_000,), labels=("s", "l"))
    from qualitapa.testing import catalog_with

    with pytest.raises(DefinitionError, match="population"):
        benchmark(
            _values("h", VALUES), definitions=POLARITIES, peer_groups=size, catalog=catalog_with()
        )
    with pytest.raises(DefinitionError, match="peer_groups"):
        benchmark(_values("h", VALUES), definitions=POLARITIES, peer_groups=3)  # type: ignore[arg-type]


def test_polarity_from_catalog_and_compute_output(registry) -> None:
    raw = pd.DataFrame(
        {
            "organization": ["a", "a", "b", "b", "c", "c"],
            "period": 2024,
            "variable": ["cost", "certificates", "cost", "certificates", "cost", "certificates"],
            "value": [5000, 10, 100000, 10, 600000, 10],
        }
    )
    values = compute(["registry.cost_per_inhabitant"], raw, catalog=registry)
    res = benchmark(values, catalog=registry)
    # 5000/1000 = 5, 100000/50000 = 2, 600000/300000 = 2 (lower is better)
    assert res["value"].tolist() == [5.0, 2.0, 2.0]
    assert res["rank"].tolist() == [3, 1, 1]
    assert res["best_performers"].astype(str).tolist() == ["b, c"] * 3
    assert isinstance(res["organization"].dtype, pd.CategoricalDtype)


def test_invalid_values() -> None:
    dup = pd.concat([_values("h", [1.0, 2.0]), _values("h", [3.0])], ignore_index=True)
    with pytest.raises(DataError, match="duplicate") as info:
        benchmark(dup, definitions=POLARITIES)
    assert info.value.failure_cases["row"].tolist() == [1, 3]
    text = _values("h", [1.0, 2.0]).astype({"value": object})
    text.loc[1, "value"] = "due"
    with pytest.raises(DataError, match="not a number"):
        benchmark(text, definitions=POLARITIES)
    with pytest.raises(DefinitionError, match="no polarity"):
        benchmark(_values("x", [1.0]), definitions=POLARITIES)
    with pytest.raises(DefinitionError, match="not a polarity"):
        benchmark(_values("x", [1.0]), definitions={"x": "up"})
    with pytest.raises(DataError, match="'indicator'"):
        benchmark(pd.DataFrame({"organization": ["a"], "period": [1], "value": [1.0]}))


def test_empty_values() -> None:
    empty = _values("h", [])
    res = benchmark(empty, definitions=POLARITIES)
    assert len(res) == 0
