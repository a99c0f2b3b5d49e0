"""benchmark(): an independent pandas reference and metamorphic properties (hypothesis).

The reference below is the plain groupby code an analyst would write; it shares
nothing with the library's sort-based implementation. The properties are the
ones a benchmarking club relies on: rows in any order, peer groups equal to
separate runs, other periods and organizations irrelevant, polarity flips
reverse ranks, and improving never worsens a rank.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualitapa.indicators import benchmark

# hypothesis properties against a plain pandas benchmark: seconds each
pytestmark = pytest.mark.slow

NAN = np.nan
SIGN = {"higher_is_better": 1.0, "lower_is_better": -1.0, "neutral": 0.0}
STATS = ["rank", "percentile", "quartile", "z_score", "best_value", "is_best", "gap_to_best",
         "gap_to_median", "n", "comparison"]  # fmt: skip


def reference(
    values: pd.DataFrame,
    polarity: dict[str, str],
    peer: dict[str, str] | None = None,
    min_compared: int = 3,
) -> pd.DataFrame:
    """benchmark() written plainly with pandas groupby (one row per input row)."""
    df = values.reset_index(drop=True).copy()
    sign = df["indicator"].map(lambda i: SIGN[polarity[i]]).astype(float)
    polar = sign != 0
    order_sign = sign.where(polar, 1.0)
    keys = ["indicator", "period"]
    if peer is not None:
        df["peer_group"] = df["organization"].map(peer)
        keys.append("peer_group")
    inside = df["peer_group"].notna() if peer is not None else pd.Series(True, index=df.index)
    has_value = df["value"].notna() & inside
    df["score"] = (df["value"] * order_sign).where(has_value)
    grouped = df.groupby(keys, dropna=False)["score"]
    n = grouped.transform("count").where(inside, 0).astype(int)
    rank = grouped.rank(method="min", ascending=False)
    ranked = has_value & (n >= min_compared)
    group_ok = inside & (n >= min_compared)
    pct = (100.0 * (n - rank) / (n - 1)).where(n > 1, 100.0)
    mean = grouped.transform("mean")
    std = grouped.transform("std")  # ddof=1
    z = ((df["score"] - mean) * order_sign / std).where(std > 0)
    best = grouped.transform("max")
    spread = best > grouped.transform("min")  # all equal: no best performer
    median = grouped.transform("median")
    out = pd.DataFrame(
        {
            "rank": rank.where(ranked & polar),
            "percentile": pct.where(ranked),
            "quartile": (4 - np.floor(pct / 25.0)).clip(1, 4).where(ranked),
            "z_score": z.where(ranked),
            "best_value": (best * order_sign).where(group_ok & polar),
            "is_best": (ranked & polar & (df["score"] == best) & spread).astype(bool),
            "gap_to_best": (df["score"] - best).where(ranked & polar),
            "gap_to_median": (df["score"] - median).where(ranked & polar),
            "n": n,
        }
    )
    comparison = pd.Series("compared", index=df.index)
    comparison[polar & has_value.groupby([df[k] for k in keys], dropna=False).transform("any")
               & ~spread.fillna(False)] = "all_equal"  # fmt: skip
    comparison[n < min_compared] = "too_few_compared"
    comparison[~inside] = "no_peer_group"
    comparison[df["value"].isna()] = "no_value"
    out["comparison"] = comparison
    return out


def _stats(result: pd.DataFrame) -> pd.DataFrame:
    """The statistics of a benchmark() result as plain floats/bools/strings."""
    out = pd.DataFrame(index=result.index)
    for col in STATS:
        s = result[col]
        if col in ("is_best",):
            out[col] = s.astype(bool)
        elif col == "comparison":
            out[col] = s.astype(str)
        elif col == "n":
            out[col] = s.astype(int)
        else:
            out[col] = s.astype("Float64").to_numpy(dtype=float, na_value=NAN)
    return out


def assert_same_stats(result: pd.DataFrame, expected: pd.DataFrame) -> None:
    got = _stats(result.reset_index(drop=True))
    pd.testing.assert_frame_equal(got, expected.reset_index(drop=True)[STATS],
                                  check_dtype=False, atol=1e-9, rtol=1e-9)  # fmt: skip


# --- strategies ---------------------------------------------------------------------

ORGS = [f"o{i}" for i in range(9)]


@st.composite
def benchmark_inputs(draw: st.DrawFn) -> tuple[pd.DataFrame, dict[str, str], dict[str, str]]:
    n_org = draw(st.integers(1, 9))
    orgs = ORGS[:n_org]
    periods = draw(st.lists(st.sampled_from([2021, 2022, 2023, 2024]), min_size=1,
                            max_size=3, unique=True))  # fmt: skip
    n_ind = draw(st.integers(1, 3))
    polarity = {
        f"i{k}": draw(st.sampled_from(["higher_is_better", "lower_is_better", "neutral"]))
        for k in range(n_ind)
    }
    keys = pd.MultiIndex.from_product([orgs, periods, list(polarity)],
                                      names=["organization", "period", "indicator"])  # fmt: skip
    # few distinct values, so ties are common; NaN for missing values
    cells = st.one_of(st.just(NAN), st.integers(-3, 5).map(float))
    vals = draw(st.lists(cells, min_size=len(keys), max_size=len(keys)))
    frame = keys.to_frame(index=False).assign(value=vals)
    keep = draw(st.lists(st.booleans(), min_size=len(frame), max_size=len(frame)))
    frame = frame[np.array(keep, dtype=bool)].reset_index(drop=True)
    perm = draw(st.permutations(range(len(frame))))
    frame = frame.iloc[list(perm)].reset_index(drop=True)
    peer = {o: g for o in orgs if (g := draw(st.sampled_from(["g1", "g2", None]))) is not None}
    return frame, polarity, peer


# example counts come from the profile (tests/conftest.py: 40 locally, 200 in CI)
SETTINGS = settings(deadline=None)


# --- properties ---------------------------------------------------------------------


@SETTINGS
@given(benchmark_inputs(), st.integers(1, 4))
def test_matches_plain_pandas_reference(case, min_compared) -> None:
    values, polarity, _ = case
    res = benchmark(values, definitions=polarity, min_compared=min_compared)
    assert_same_stats(res, reference(values, polarity, min_compared=min_compared))


@SETTINGS
@given(benchmark_inputs(), st.integers(1, 4))
def test_peer_groups_match_plain_pandas_reference(case, min_compared) -> None:
    values, polarity, peer = case
    res = benchmark(values, definitions=polarity, peer_groups=peer, min_compared=min_compared)
    assert_same_stats(res, reference(values, polarity, peer, min_compared=min_compared))
    assert res["peer_group"].astype(object).where(res["peer_group"].notna(), None).tolist() == [
        peer.get(o) for o in values["organization"]
    ]


@SETTINGS
@given(benchmark_inputs(), st.randoms(use_true_random=False))
def test_row_order_is_irrelevant(case, random) -> None:
    values, polarity, peer = case
    res = benchmark(values, definitions=polarity, peer_groups=peer)
    perm = list(range(len(values)))
    random.shuffle(perm)
    shuffled = benchmark(values.iloc[perm], definitions=polarity, peer_groups=peer)
    key = ["organization", "period", "indicator"]
    a = res.set_index(key).sort_index()
    b = shuffled.set_index(key).sort_index()
    pd.testing.assert_frame_equal(_stats(a), _stats(b))
    assert (
        a["best_performers"]
        .astype(object)
        .fillna("")
        .equals(b["best_performers"].astype(object).fillna(""))
    )


@SETTINGS
@given(benchmark_inputs())
def test_peer_groups_equal_separate_runs(case) -> None:
    values, polarity, peer = case
    res = benchmark(values, definitions=polarity, peer_groups=peer)
    group_of = values["organization"].map(peer)
    for group in ("g1", "g2"):
        mask = (group_of == group).to_numpy()
        if not mask.any():
            continue
        alone = benchmark(values[mask], definitions=polarity)
        pd.testing.assert_frame_equal(
            _stats(res[mask].reset_index(drop=True)), _stats(alone.reset_index(drop=True))
        )
        assert (
            res.loc[mask, "best_performers"].astype(object).fillna("").to_numpy()
            == alone["best_performers"].astype(object).fillna("").to_numpy()
        ).all()
    outside = ~group_of.notna().to_numpy()
    assert res.loc[outside, "rank"].isna().all()
    assert set(res.loc[outside, "comparison"].astype(str)) <= {"no_peer_group", "no_value"}


@SETTINGS
@given(benchmark_inputs(), benchmark_inputs())
def test_other_periods_and_organizations_change_nothing(case, other) -> None:
    values, polarity, _ = case
    extra, extra_pol, _ = other
    # the extra rows belong to another period, or to other indicators
    extra = extra.assign(
        period=extra["period"] + 100,
        indicator="x" + extra["indicator"].astype(str),
    )
    pol = polarity | {f"x{k}": p for k, p in extra_pol.items()}
    both = pd.concat([values, extra], ignore_index=True)
    res = benchmark(both, definitions=pol).iloc[: len(values)]
    alone = benchmark(values, definitions=polarity)
    pd.testing.assert_frame_equal(_stats(res), _stats(alone))


@SETTINGS
@given(benchmark_inputs())
def test_polarity_flip_reverses_ranks(case) -> None:
    values, polarity, _ = case
    flipped = {
        k: {"higher_is_better": "lower_is_better", "lower_is_better": "higher_is_better"}.get(p, p)
        for k, p in polarity.items()
    }
    up = benchmark(values, definitions=polarity)
    down = benchmark(values, definitions=flipped)
    rank_up = up["rank"].to_numpy(dtype=float, na_value=NAN)
    rank_down = down["rank"].to_numpy(dtype=float, na_value=NAN)
    n = up["n"].to_numpy()
    # "min" ranks: rank_up counts those strictly better + 1; rank_down those strictly worse + 1;
    # so rank_up + rank_down = n + 1 - (number of others tied with the row)
    tied = values.groupby(["indicator", "period", "value"], dropna=False)["value"]
    ties = tied.transform("size").to_numpy() - 1
    ranked = ~np.isnan(rank_up)
    np.testing.assert_array_equal(rank_up[ranked] + rank_down[ranked], (n + 1 - ties)[ranked])
    assert np.isnan(rank_down[~ranked]).all()
    # gaps to the median change sign, z-scores do not
    np.testing.assert_allclose(up["gap_to_median"], -down["gap_to_median"], atol=1e-12)
    np.testing.assert_allclose(up["z_score"], down["z_score"], atol=1e-12)


@SETTINGS
@given(benchmark_inputs(), st.data())
def test_improving_never_worsens_a_rank(case, data) -> None:
    values, polarity, _ = case
    polar = [i for i, p in polarity.items() if p != "neutral"]
    candidates = values.index[values["indicator"].isin(polar) & values["value"].notna()]
    if len(candidates) == 0:
        return
    row = data.draw(st.sampled_from(list(candidates)))
    step = data.draw(st.integers(1, 4))
    better = values.copy()
    better.loc[row, "value"] += step * SIGN[polarity[values.loc[row, "indicator"]]]
    before = benchmark(values, definitions=polarity, min_compared=1)["rank"][row]
    after = benchmark(better, definitions=polarity, min_compared=1)["rank"][row]
    assert after <= before


# --- the cases of issue 12 ------------------------------------------------------------


@pytest.mark.parametrize("layout", ["by_period", "by_organization", "shuffled"])
def test_peer_groups_with_several_periods(layout: str) -> None:
    # issue 12, defect 1: 4 cities x 2 years, groups {a, b} and {c, d}. Before the fix
    # the peer group of a row was looked up twice (row -> organization -> row), so any
    # layout but one sorted by period ranked across groups (4/3/2/1, n = 4).
    values = pd.DataFrame(
        {
            "organization": list("abcd") * 2,
            "period": [2023] * 4 + [2024] * 4,
            "indicator": "x",
            "value": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
        }
    )
    if layout == "by_organization":
        values = values.sort_values(["organization", "period"], ignore_index=True)
    elif layout == "shuffled":
        values = values.sample(frac=1.0, random_state=1, ignore_index=True)
    groups = {"a": "g1", "b": "g1", "c": "g2", "d": "g2"}
    res = benchmark(values, definitions={"x": "higher_is_better"}, peer_groups=groups,
                    min_compared=2)  # fmt: skip
    by_key = res.set_index(["organization", "period"])
    for period in (2023, 2024):
        assert [by_key.loc[(o, period), "rank"] for o in "abcd"] == [2, 1, 2, 1]
        assert [by_key.loc[(o, period), "n"] for o in "abcd"] == [2, 2, 2, 2]
        assert [by_key.loc[(o, period), "best_performers"] for o in "abcd"] == [
            "b", "b", "d", "d"
        ]  # fmt: skip
