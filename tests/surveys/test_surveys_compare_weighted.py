"""Weighted (design-based) comparisons: compare_groups(weights=...) and the CLI."""

from __future__ import annotations

import inspect
import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from scipy import stats

from qualitapa import DataError
from qualitapa.cli import cli
from qualitapa.surveys import (
    Instrument,
    Question,
    Scale,
    compare_groups,
    score_dimensions,
    score_items,
)


@pytest.fixture(autouse=True)
def _english_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests read the command line's English messages (Italian is the default)."""
    monkeypatch.setenv("QUALITAPA_LANG", "en")


@pytest.fixture
def one_item() -> Instrument:
    return Instrument("c", "C", questions=[Question("q", "likert", "Q", scale=Scale.likert(5))])


def test_weighted_welch_t_by_hand(one_item):
    df = pd.DataFrame(
        {
            "organization": list("aaaabbbb"),
            "q": [5, 4, 4, 2, 3, 2, 2, 1],
            "w": [1, 1, 2, 1, 2, 1, 1, 1],
        }
    )
    # group a: y = 5, 4, 4, 2; w = 1, 1, 2, 1
    #   sum w = 5, sum w^2 = 7, n_eff = 25/7 = 3.5714
    #   mean = (5 + 4 + 8 + 2)/5 = 3.8
    #   sum w (y - mean)^2 = 1.44 + 0.04 + 2*0.04 + 3.24 = 4.8; / sum w = 0.96
    #   s^2 = 0.96 * n_eff/(n_eff - 1) = 0.96 * 25/18 = 4/3; se^2 = s^2/n_eff = 28/75
    # group b: y = 3, 2, 2, 1; w = 2, 1, 1, 1
    #   n_eff = 25/7, mean = (6 + 2 + 2 + 1)/5 = 2.2
    #   sum w (y - mean)^2 = 2*0.64 + 0.04 + 0.04 + 1.44 = 2.8; / 5 = 0.56
    #   s^2 = 0.56 * 25/18 = 7/9; se^2 = 49/225
    # t = 1.6 / sqrt(28/75 + 49/225) = 1.6 / sqrt(133/225) = 24/sqrt(133) = 2.0811
    # Welch-Satterthwaite df with n_eff - 1 = 18/7 per group:
    #   (133/225)^2 / (((84/225)^2 + (49/225)^2) * 7/18) = 133^2*18 / (7*(84^2+49^2))
    #   = 318402/66199 = 45486/9457 = 4.8098
    # p = 2 * P(T_4.8098 > 2.0811) = 0.09415
    r = compare_groups(one_item, df, weights="w")
    assert len(r) == 1
    row = r.iloc[0]
    assert row["test"] == "weighted_welch_t"
    assert bool(row["weighted"])
    assert (row["n_a"], row["n_b"]) == (4, 4)
    assert row["n_eff_a"] == pytest.approx(25 / 7)
    assert row["n_eff_b"] == pytest.approx(25 / 7)
    assert row["estimate_a"] == pytest.approx(3.8)
    assert row["estimate_b"] == pytest.approx(2.2)
    assert row["difference"] == pytest.approx(1.6)
    assert row["statistic"] == pytest.approx(24 / np.sqrt(133))
    assert row["p_value"] == pytest.approx(2 * stats.t.sf(24 / np.sqrt(133), 45486 / 9457))
    assert row["p_value"] == pytest.approx(0.09415, abs=5e-6)
    # the SEs are those of score_items: difference / t = sqrt(se_a^2 + se_b^2)
    items = score_items(one_item, df, by="organization", weights="w", min_n=1)
    np.testing.assert_allclose(items["se"] ** 2, [28 / 75, 49 / 225])
    assert row["difference"] / row["statistic"] == pytest.approx(np.sqrt((items["se"] ** 2).sum()))
    # the same data unweighted: Welch t on 3.75 vs 2.0 (scipy), columns flag it
    u = compare_groups(one_item, df).iloc[0]
    assert u["test"] == "welch_t"
    assert not bool(u["weighted"])
    assert (u["n_eff_a"], u["n_eff_b"]) == (4.0, 4.0)
    ref = stats.ttest_ind([5, 4, 4, 2], [3, 2, 2, 1], equal_var=False)
    assert u["statistic"] == pytest.approx(ref.statistic)


def test_equal_weights_reproduce_welch_t_and_welch_anova(one_item):
    # With equal weights n_eff = n and se^2 = s^2/n: the design-based t is Welch's t
    # with the Welch-Satterthwaite df (scipy ttest_ind(equal_var=False)); the
    # k-group test is Welch's (1951) ANOVA (scipy f_oneway(equal_var=False)).
    # Weights are scale-free: 2.5 for everybody.
    rng = np.random.default_rng(11)
    df = pd.DataFrame(
        {
            "organization": np.repeat(["a", "b", "c"], [30, 40, 50]),
            "q": rng.integers(1, 6, 120),
            "w": 2.5,
        }
    )
    r = compare_groups(one_item, df, weights="w", pairwise=True, correction=None)
    assert r["test"].tolist() == ["weighted_welch_f"] + ["weighted_welch_t"] * 3
    parts = [df.loc[df.organization == g, "q"].to_numpy(float) for g in "abc"]
    # scipy's Welch ANOVA is recent (f_oneway(equal_var=)); the floor's scipy has none
    if "equal_var" in inspect.signature(stats.f_oneway).parameters:
        welch_anova = stats.f_oneway(*parts, equal_var=False)
        assert r.loc[0, "statistic"] == pytest.approx(welch_anova.statistic)
        assert r.loc[0, "p_value"] == pytest.approx(welch_anova.pvalue)
    assert r.loc[0, "n_a"] == 120
    assert r.loc[0, "n_eff_a"] == pytest.approx(120)
    for i, (a, b) in enumerate([(0, 1), (0, 2), (1, 2)], start=1):
        ref = stats.ttest_ind(parts[a], parts[b], equal_var=False)
        assert r.loc[i, "statistic"] == pytest.approx(ref.statistic)
        assert r.loc[i, "p_value"] == pytest.approx(ref.pvalue)
    # same rows (variables, pairs, order) as the unweighted call
    u = compare_groups(one_item, df, pairwise=True, correction=None)
    cols = ["variable", "group_a", "group_b", "n_a", "n_b", "estimate_a", "difference"]
    pd.testing.assert_frame_equal(r[cols], u[cols])
    assert list(r.columns) == list(u.columns)


def test_rao_scott_with_known_design_effect(one_item):
    # Each of groups a and b: 8 respondents, four with weight 1 and four with weight 3:
    #   sum w = 16, sum w^2 = 40, n_eff = 256/40 = 6.4, Kish deff d = 8/6.4 = 1.25.
    # Top box (4-5): a: 3 of the weight-3 and 1 of the weight-1 respondents
    #   -> share (9 + 1)/16 = 0.625; b: 1 + 1 -> (3 + 1)/16 = 0.25.
    # Pearson on weighted shares, nominal n: pooled = (8*0.625 + 8*0.25)/16 = 0.4375
    #   X2 = 8*(0.1875^2)*2 / (0.4375*0.5625) = 16/7 = 2.2857
    # mean generalised deff (Rao & Scott 1981): sum (1 - n_g/n) d_g / (k - 1)
    #   = (0.5*1.25 + 0.5*1.25)/1 = 1.25 -> X2_RS = (16/7)/1.25 = 64/35 = 1.8286
    # p = P(chi2_1 > 64/35) = 0.17630
    df = pd.DataFrame(
        {
            "organization": ["a"] * 8 + ["b"] * 8,
            "q": [5, 2, 2, 2, 5, 4, 5, 1, 4, 1, 2, 3, 5, 1, 2, 3],
            "w": [1, 1, 1, 1, 3, 3, 3, 3] * 2,
        }
    )
    r = compare_groups(one_item, df, weights="w", kind="share")
    row = r.iloc[0]
    assert row["test"] == "rao_scott_chi2"
    assert (row["estimate_a"], row["estimate_b"]) == pytest.approx((0.625, 0.25))
    assert (row["n_eff_a"], row["n_eff_b"]) == pytest.approx((6.4, 6.4))
    assert row["statistic"] == pytest.approx(64 / 35)
    assert row["p_value"] == pytest.approx(0.17630, abs=5e-6)
    # a third group, c: 4 respondents of weight 1 (d = 1), 2 in the top box (share 0.5)
    #   pooled = (5 + 2 + 2)/20 = 0.45
    #   X2 = (8*0.175^2 + 8*0.2^2 + 4*0.05^2)/(0.45*0.55) = 0.575/0.2475 = 2.32323
    #   mean deff = ((1 - 8/20)*1.25*2 + (1 - 4/20)*1)/2 = (1.5 + 0.8)/2 = 1.15
    #   X2_RS = 2.32323/1.15 = 2.02020 on 2 df, p = 0.36418
    df3 = pd.concat(
        [df, pd.DataFrame({"organization": "c", "q": [5, 4, 1, 2], "w": 1})],
        ignore_index=True,
    )
    r3 = compare_groups(one_item, df3, weights="w", kind="share", pairwise=True, correction=None)
    omni = r3.iloc[0]
    assert omni["group_a"] == ""
    assert omni["statistic"] == pytest.approx(0.575 / 0.2475 / 1.15)
    assert omni["p_value"] == pytest.approx(0.36418, abs=5e-6)
    assert omni["n_a"] == 20
    assert omni["n_eff_a"] == pytest.approx(6.4 + 6.4 + 4)
    # the pair a-b ignores c: the same 64/35 as above
    assert r3.iloc[1]["statistic"] == pytest.approx(64 / 35)


def test_rao_scott_with_equal_weights_is_pearson(one_item):
    rng = np.random.default_rng(5)
    df = pd.DataFrame(
        {"organization": np.repeat(["a", "b", "c"], 40), "q": rng.integers(1, 6, 120), "w": 0.7}
    )
    r = compare_groups(one_item, df, weights="w", kind="share")
    table = pd.crosstab(df.organization, df.q >= 4).to_numpy()
    ref = stats.chi2_contingency(table, correction=False)
    assert r.loc[0, "statistic"] == pytest.approx(ref.statistic)
    assert r.loc[0, "p_value"] == pytest.approx(ref.pvalue)


def test_weighted_dimensions_agree_with_score_dimensions(counter, synthetic):
    rng = np.random.default_rng(2)
    df = synthetic.assign(w=rng.uniform(0.3, 3.0, len(synthetic)))
    r = compare_groups(counter, df, on="dimensions", weights="w")
    dims = score_dimensions(
        counter, df, by="organization", weights="w", weighting="equal", lang="it"
    )
    for name in ("time", "staff"):
        row = r[r.variable == name].iloc[0]
        d = dims[dims.dimension == name].set_index("organization")
        assert row["estimate_a"] == pytest.approx(d.loc["modena", "index"])
        assert row["n_eff_b"] == pytest.approx(d.loc["reggio", "n_eff"])
        se = np.sqrt(d.loc["modena", "se"] ** 2 + d.loc["reggio", "se"] ** 2)
        assert row["difference"] / row["statistic"] == pytest.approx(se)
        assert row["n_eff_a"] < row["n_a"]  # unequal weights cost sample size


def test_nonparametric_with_weights_is_refused(one_item):
    df = pd.DataFrame({"organization": list("aabb"), "q": [5, 4, 2, 1], "w": 1.0})
    with pytest.raises(DataError, match="test='parametric'"):
        compare_groups(one_item, df, weights="w", test="nonparametric")
    # shares ignore `test`, as without weights
    r = compare_groups(one_item, df, weights="w", kind="share", test="nonparametric")
    assert r.loc[0, "test"] == "rao_scott_chi2"
    with pytest.raises(DataError, match="weight column is missing"):
        compare_groups(one_item, df, weights="nope")


def test_degenerate_groups_give_nan_not_errors(one_item):
    # group c has one respondent (n_eff = 1: no variance); b has no spread (se = 0)
    df = pd.DataFrame(
        {
            "organization": ["a", "a", "a", "b", "b", "c"],
            "q": [5, 4, 3, 2, 2, 1],
            "w": [1.0, 2.0, 1.0, 1.0, 1.0, 1.0],
        }
    )
    r = compare_groups(one_item, df, weights="w", pairwise=True, correction=None)
    assert np.isnan(r.loc[0, "statistic"])  # Welch F needs every group's variance
    ab, ac, bc = r.iloc[1], r.iloc[2], r.iloc[3]
    assert np.isfinite(ab["statistic"])  # one zero variance is fine for t
    assert np.isnan(ac["statistic"])
    assert np.isnan(bc["statistic"])
    # NaN p-values stay out of the correction
    adj = compare_groups(one_item, df, weights="w", pairwise=True)
    assert adj["p_adjusted"].notna().sum() == 1


@pytest.fixture
def weighted_files(tmp_path, counter, synthetic):
    form = tmp_path / "form"
    counter.to_xlsform(form)
    rng = np.random.default_rng(4)
    responses = tmp_path / "responses.csv"
    synthetic.assign(w=rng.uniform(0.5, 2.0, len(synthetic))).to_csv(responses, index=False)
    margins = tmp_path / "margins.csv"
    pd.DataFrame(
        {"variable": ["sex", "sex"], "category": ["F", "M"], "target": [0.52, 0.48]}
    ).to_csv(margins, index=False)
    return form, responses, margins


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_cli_compare_weights_and_rake(weighted_files, counter):
    form, responses, margins = weighted_files
    r = run("survey", "compare", form, responses, "--weights", "w", "--extra", "sex")
    assert r.exit_code == 0, r.output
    r = run(
        "survey", "compare", form, responses, "--weights", "w", "--extra", "sex", "--format", "json"
    )
    got = json.loads(r.stdout)
    assert {x["test"] for x in got} == {"weighted_welch_t"}
    assert all(x["weighted"] for x in got)
    ref = compare_groups(counter, pd.read_csv(responses), on="dimensions", weights="w")
    # the CLI prints 4 significant digits
    assert [x["p_value"] for x in got] == pytest.approx(ref["p_value"].tolist(), rel=1e-3)
    assert [x["statistic"] for x in got] == pytest.approx(ref["statistic"].tolist(), rel=1e-3)
    share = run(
        "survey", "compare", form, responses, "--share", "--weights", "w", "--extra", "sex",
        "--format", "json",
    )  # fmt: skip
    assert share.exit_code == 0, share.output
    assert {x["test"] for x in json.loads(share.stdout)} == {"rao_scott_chi2"}
    raked = run("survey", "compare", form, responses, "--rake", margins, "--extra", "w")
    assert raked.exit_code == 0, raked.output
    assert "design effect" in raked.stderr
    assert "weighted Welch's t" in raked.stdout  # the screen says the test's name in words
    bad = run(
        "survey", "compare", form, responses, "--weights", "w", "--nonparametric", "--extra", "sex"
    )
    assert bad.exit_code != 0
    assert "test='parametric'" in bad.output
    both = run("survey", "compare", form, responses, "--weights", "w", "--rake", margins)
    assert both.exit_code != 0
