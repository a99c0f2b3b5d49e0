"""Sensitivity over imputation, normalisation, weights and aggregation together."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from qualitapa.composite import (
    composite,
    composite_audit,
    composite_uncertainty,
)
from qualitapa.errors import DefinitionError


def _data(holes: int = 8, n: int = 25) -> pd.DataFrame:
    rng = np.random.default_rng(2)
    df = pd.DataFrame(
        {
            "organization": [f"m{i:02d}" for i in range(n)],
            "a": rng.uniform(0, 10, n),
            "b": rng.uniform(0, 10, n),
            "c": rng.uniform(0, 10, n),
        }
    )
    for k in range(holes):
        df.loc[(5 * k + 1) % n, "ab"[k % 2]] = np.nan
    return df


def test_imputation_is_a_factor_of_the_sensitivity_analysis(tree_definition):
    res = composite_uncertainty(
        _data(), tree_definition(), runs=300, imputations=["none", "mean", "regression"],
        aggregators=["arithmetic"], normalisers=["min_max"], weight_range=0.0,
    )  # fmt: skip
    assert res.imputations == ("none", "mean", "regression")
    assert set(res.summary["factor"]) >= {"imputation", "normaliser", "aggregator"}
    # only the imputation varies: it explains all the variance of the ranks that move
    sens = res.sensitivity[res.sensitivity["factor"] == "imputation"]
    moving = res.ranks["rank_p05"] < res.ranks["rank_p95"]
    assert moving.any()
    np.testing.assert_allclose(sens.loc[moving.to_numpy(), "first_order"], 1.0)


def test_runs_of_one_imputation_reproduce_composite_with_it(tree_definition):
    # with one imputation, one normaliser, one aggregator and fixed weights every run is
    # the nominal index of that imputation
    for imp in ("mean", "regression"):
        res = composite_uncertainty(
            _data(), tree_definition(), runs=5, imputations=[imp], normalisers=["min_max"],
            aggregators=["arithmetic"], weight_range=0.0,
        )  # fmt: skip
        ref = composite(_data(), tree_definition(), imputation=imp, include_subindices=False)
        rank = ref.set_index("organization")["rank"].astype(float)
        got = res.ranks.set_index("organization")
        np.testing.assert_array_equal(got["median_rank"], rank.loc[got.index])
        np.testing.assert_array_equal(got["rank_p05"], got["rank_p95"])


def test_the_nominal_index_keeps_the_definitions_imputation(tree_definition):
    d = tree_definition(imputation="median")
    res = composite_uncertainty(_data(), d, runs=50, imputations=["mean", "regression"])
    ref = composite(_data(), d, include_subindices=False)
    np.testing.assert_allclose(res.ranks["value"], ref["value"])


def test_without_imputations_the_factors_are_unchanged(tree_definition):
    res = composite_uncertainty(_data(holes=0), tree_definition(), runs=50)
    assert "imputation" not in set(res.summary["factor"])
    assert res.imputations == ()


def test_the_result_carries_the_audit_of_the_nominal_index(tree_definition):
    d = tree_definition(imputation="mean")
    res = composite_uncertainty(_data(), d, runs=20)
    assert res.audit is not None
    ref = composite_audit(_data(), d)
    pd.testing.assert_frame_equal(res.audit.dimensions, ref.dimensions)
    pd.testing.assert_frame_equal(res.audit.imputed, ref.imputed)


def test_group_imputations_in_the_analysis_need_groups(tree_definition):
    with pytest.raises(DefinitionError, match="peer group"):
        composite_uncertainty(_data(), tree_definition(), runs=20, imputations=["group_mean"])
    groups = pd.Series(["x", "y"] * 13, index=[f"m{i:02d}" for i in range(26)])
    res = composite_uncertainty(
        _data(), tree_definition(), runs=20, imputations=["group_mean", "mean"], groups=groups
    )
    assert res.imputations == ("group_mean", "mean")


def test_an_empty_list_of_imputations_is_refused(tree_definition):
    with pytest.raises(DefinitionError, match="imputation"):
        composite_uncertainty(_data(), tree_definition(), runs=20, imputations=[])
