"""The statistical audit of a composite: checked against scipy, numpy SVD and the survey code."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from qualitapa.composite import (
    AUDIT_FLAGS,
    CompositeDefinition,
    composite,
    composite_audit,
    normalise,
)
from qualitapa.errors import DefinitionError
from qualitapa.i18n import translator
from qualitapa.surveys import cronbach_alpha


def _definition(**extra: object) -> CompositeDefinition:
    return CompositeDefinition.from_mapping(
        {
            "id": "idx",
            "label": "Indice",
            "components": [
                {"id": "d1", "components": [
                    {"indicator": "a", "polarity": "higher_is_better"},
                    {"indicator": "b", "polarity": "higher_is_better"},
                    {"indicator": "c", "polarity": "lower_is_better"}]},
                {"id": "d2", "components": [
                    {"indicator": "e", "polarity": "higher_is_better"},
                    {"indicator": "f", "polarity": "higher_is_better"}]},
            ],
            **extra,
        }
    )  # fmt: skip


def _data(seed: int = 0, n: int = 40) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    f = rng.normal(size=n)
    return pd.DataFrame(
        {
            "organization": [f"m{i:02d}" for i in range(n)],
            "a": f + 0.5 * rng.normal(size=n),
            "b": f + 0.05 * rng.normal(size=n),
            "c": -f + 0.7 * rng.normal(size=n),  # lower is better: agrees after normalising
            "e": rng.normal(size=n),
            "f": rng.normal(size=n),
        }
    )


def test_alpha_matches_the_survey_reliability_code():
    df = _data()
    audit = composite_audit(df, _definition())
    Z = normalise(df.set_index("organization")[["a", "b", "c"]],
                  polarity={"a": "higher_is_better", "b": "higher_is_better",
                            "c": "lower_is_better"})  # fmt: skip
    ref = cronbach_alpha(Z, nan_policy="listwise")
    got = audit.dimensions.set_index("dimension").loc["d1"]
    assert got["alpha"] == pytest.approx(ref["alpha"].iloc[0], rel=1e-12)
    assert got["n"] == ref["n"].iloc[0]
    assert got["k"] == 3


def test_alpha_by_the_hand_formula_on_a_small_table():
    # Cronbach (1951): alpha = k/(k-1) (1 - sum of item variances / variance of the total).
    # min-max of [1,2,3,4] and [2,1,4,3]: [0, 1/3, 2/3, 1] and [1/3, 0, 1, 2/3];
    # variances 5/27 each, total [1/3, 1/3, 5/3, 5/3] variance 16/27:
    # alpha = 2 (1 - 10/16) = 0.75
    df = pd.DataFrame({"organization": list("pqrs"), "x": [1.0, 2, 3, 4], "y": [2.0, 1, 4, 3]})
    d = CompositeDefinition.from_mapping({"id": "i", "label": "I", "components": [
        {"indicator": "x", "polarity": "higher_is_better"},
        {"indicator": "y", "polarity": "higher_is_better"}]})  # fmt: skip
    assert composite_audit(df, d).dimensions["alpha"].iloc[0] == pytest.approx(0.75)


def test_first_component_share_matches_numpy_svd():
    df = _data(3)
    audit = composite_audit(df, _definition())
    Z = normalise(df.set_index("organization")[["a", "b", "c"]],
                  polarity={"a": "higher_is_better", "b": "higher_is_better",
                            "c": "lower_is_better"}).to_numpy()  # fmt: skip
    S = (Z - Z.mean(axis=0)) / Z.std(axis=0, ddof=1)
    sv = np.linalg.svd(S, compute_uv=False)
    share = sv[0] ** 2 / (sv**2).sum()
    got = audit.dimensions.set_index("dimension").loc["d1", "pc1_share"]
    assert got == pytest.approx(share, rel=1e-10)


def test_correlations_match_scipy_pearson_on_the_scores():
    df = _data(1)
    df.loc[[2, 9], "a"] = np.nan  # pairwise complete observations
    audit = composite_audit(df, _definition())
    scores = composite(df, _definition()).pivot(index="organization", columns="index",
                                                values="value")  # fmt: skip
    z = normalise(df.set_index("organization")[["a"]])["a"]
    ok = z.notna()
    r_dim = stats.pearsonr(z[ok], scores.loc[z.index[ok], "d1"]).statistic
    r_idx = stats.pearsonr(z[ok], scores.loc[z.index[ok], "idx"]).statistic
    row = audit.correlations.set_index("component").loc["a"]
    assert row["dimension"] == "d1"
    assert row["r_dimension"] == pytest.approx(r_dim)
    assert row["r_index"] == pytest.approx(r_idx)
    assert row["n"] == 38
    d1 = audit.correlations.set_index("component").loc["d1"]
    assert d1["level"] == 1
    assert d1["r_dimension"] == pytest.approx(stats.pearsonr(scores["d1"], scores["idx"])[0])


def test_flags_collinear_negative_and_weak():
    df = _data()
    df["b"] = df["a"] * 2 + 1e-3 * np.arange(len(df))  # collinear with a
    df["f"] = df["e"] * -1 + 0.1 * np.random.default_rng(5).normal(size=len(df))
    audit = composite_audit(df, _definition())
    flags = {(r.flag, r.component, r.other) for r in audit.flags.itertuples()}
    assert ("collinear", "a", "b") in flags
    assert ("negative", "e", "f") in flags
    # e and f cancel out: d2 hardly moves with either; the weak links are flagged
    weak = audit.correlations.loc[audit.correlations["r_dimension"].abs() < 0.3, "component"]
    assert {(f, c) for f, c, _ in flags if f == "weak"} == {("weak", c) for c in weak}
    pairs = audit.pairs.set_index(["component", "other"])
    assert pairs.loc[("a", "b"), "r"] == pytest.approx(
        np.corrcoef(df["a"], df["b"])[0, 1], rel=1e-9
    )


def test_the_flags_have_italian_and_german_words():
    for lang in ("it", "de"):
        t = translator(lang)
        for message in AUDIT_FLAGS.values():
            said = message.render(t)
            assert said != str(message)  # not the English text


def test_every_period_is_audited_on_its_own():
    df = _data()
    both = pd.concat([df.assign(period=2023), df.assign(period=2024, a=df["a"] * 3 + 7)])
    audit = composite_audit(both, _definition())
    dims = audit.dimensions.set_index(["period", "dimension"])
    np.testing.assert_allclose(dims.loc[2023, "alpha"], dims.loc[2024, "alpha"])
    assert set(audit.correlations["period"]) == {2023, 2024}


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 10_000))
def test_row_order_does_not_matter(seed):
    df = _data(seed % 7)
    a = composite_audit(df, _definition())
    b = composite_audit(df.sample(frac=1, random_state=seed), _definition())
    pd.testing.assert_frame_equal(a.dimensions, b.dimensions, rtol=1e-9)
    pd.testing.assert_frame_equal(a.correlations, b.correlations, rtol=1e-9)
    pd.testing.assert_frame_equal(a.flags, b.flags, rtol=1e-9)


def test_imputation_and_treatment_are_recorded():
    df = _data()
    df.loc[4, "e"] = np.nan
    df.loc[0, "a"] = 1e6  # an outlier
    d = _definition(imputation="mean", treatment="winsorise_log")
    audit = composite_audit(df, d)
    assert audit.imputed.to_dict("records") == [
        {"organization": "m04", "indicator": "e", "method": "mean"}
    ]
    row = audit.treatment.set_index("indicator").loc["a"]
    assert row["action"] == "winsorised"
    assert row["winsorised"] == 1


def test_thresholds_are_checked():
    with pytest.raises(DefinitionError, match="collinear") as err:
        composite_audit(_data(), _definition(), collinear=1.5)
    assert "collinear muss in (0, 1]" in err.value.render(translator("de"))
