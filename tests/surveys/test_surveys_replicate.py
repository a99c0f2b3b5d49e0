"""ReplicateDesign: formulas by hand, metamorphic properties, the bootstrap, errors.

R's own values are in test_surveys_replicate_golden.py; here the jackknife of a
simple random sample is checked against s / sqrt(n), the jackknife (JKn) and
BRR variances of a total against the linearised one they equal exactly (Wolter
2007, sec. 3.3 and 4.2: both are the with-replacement between-PSU variance
for a linear statistic), and the properties hold on random designs.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from qualitapa.errors import DataError, DataWarning, OptionError, UnknownValueError
from qualitapa.i18n import translator
from qualitapa.surveys import (
    ReplicateDesign,
    SurveyDesign,
    design_mean,
    design_proportion,
    design_ratio,
    design_total,
)

from .test_surveys_design import samples  # random stratified clustered samples

GOLDEN = Path(__file__).parent / "golden"
COLUMNS = ["estimate", "se", "ci_low", "ci_high", "df", "deff"]


def read(name: str) -> pd.DataFrame:
    return pd.read_csv(GOLDEN / name, keep_default_na=False, na_values=[""])


# -- by hand -----------------------------------------------------------------------------


def test_jk1_of_three_clusters_by_hand():
    # days 1, 2, 3 with answers (4, 5), (3, 2), (4, 5); weights 1; mean 23/6.
    # deleting day 1: (3 + 2 + 4 + 5) / 4 = 3.5; day 2: 18/4 = 4.5; day 3: 3.5.
    # replicate mean 23/6; JK1 variance (R-1)/R sum (theta_r - mean)^2
    #   = 2/3 * ((1/3)^2 + (2/3)^2 + (1/3)^2) = 2/3 * 6/9 = 4/9
    df = pd.DataFrame({"day": [1, 1, 2, 2, 3, 3], "q": [4, 5, 3, 2, 4, 5.0]})
    d = ReplicateDesign.from_design(SurveyDesign.from_frame(df, clusters="day"), "JK1")
    r = design_mean(d, "q")
    assert r["estimate"][0] == pytest.approx(23 / 6, rel=1e-12)
    assert r["se"][0] == pytest.approx(2 / 3, rel=1e-12)
    assert r["df"][0] == 2
    # the linearised SE of this design is the same here: 3 equal-size clusters
    lin = design_mean(SurveyDesign.from_frame(df, clusters="day"), "q")
    assert lin["se"][0] == pytest.approx(2 / 3, rel=1e-12)


def test_replicate_weights_of_r_jk1_design_are_r_s():
    # R's weights(as.svrepdesign(dclus1, "JK1"), "analysis"), written by make_replicate_golden.R
    supplied = read("replicate_supplied.csv")
    base = SurveyDesign.from_frame(supplied, weights="pw", clusters="dnum", fpc="fpc")
    ours = ReplicateDesign.from_design(base, "JK1").replicate_weights()
    theirs = supplied[[f"jk{i}" for i in range(1, 16)]].to_numpy()
    # the same set of replicates (R orders the PSUs as met, we as sorted)
    key = lambda m: sorted(map(tuple, np.round(m.T, 9)))  # noqa: E731
    assert key(ours) == key(theirs)


def test_replicate_weights_of_r_jkn_design_are_r_s():
    supplied = read("replicate_supplied_jkn.csv")
    rscales = read("replicate_supplied_rscales.csv")["rscales"].to_numpy()
    base = SurveyDesign.from_frame(
        supplied, weights="w", strata="stratum", clusters="day", nest=True, fpc="days"
    )
    ours = ReplicateDesign.from_design(base, "JKn")
    theirs = supplied[[f"jkn{i}" for i in range(1, len(rscales) + 1)]].to_numpy()
    pairs = lambda m, s: sorted(  # noqa: E731
        (tuple(np.round(c, 9)), round(float(r), 12)) for c, r in zip(m.T, s, strict=True)
    )
    assert pairs(ours.replicate_weights(), ours.rscales) == pairs(theirs, rscales)


# -- properties --------------------------------------------------------------------------

answers = st.lists(st.integers(1, 5), min_size=3, max_size=30)


@settings(max_examples=25, deadline=None)
@given(answers, st.integers(0, 100))
def test_jk1_of_equal_weights_is_s_over_root_n(ys, extra):
    # delete-one jackknife of a mean: (n-1)/n sum (ybar_(i) - ybar)^2 = s^2 / n exactly,
    # times 1 - n/N with a finite population (R's JK1 scale)
    y = np.array(ys, dtype=float)
    n, big_n = len(y), len(y) + extra
    frame = pd.DataFrame({"y": y, "N": big_n})
    d = ReplicateDesign.from_design(SurveyDesign.from_frame(frame, fpc="N"), "JK1")
    se = y.std(ddof=1) / np.sqrt(n) * np.sqrt(1 - n / big_n)
    r = design_mean(d, "y")
    assert r["estimate"][0] == pytest.approx(y.mean(), rel=1e-12)
    assert r["se"][0] == pytest.approx(se, rel=1e-9, abs=1e-12)
    assert r["df"][0] == (n - 1 if extra else -1)  # sampled whole: no replicate


OPTIONS = {"weights": "w", "strata": "s", "clusters": "c", "nest": True}


def _with_population(df: pd.DataFrame, extra: int) -> pd.DataFrame:
    psus = df.groupby("s")["c"].transform("nunique")
    return df.assign(N=psus + extra)


@settings(max_examples=10, deadline=None)
@given(samples, st.integers(1, 20))
def test_jkn_total_equals_the_linearised_total(df, extra):
    df = _with_population(df, extra)
    assume((df.groupby("s")["c"].nunique() > 1).all())
    lin = SurveyDesign.from_frame(df, fpc="N", **OPTIONS)
    rep = ReplicateDesign.from_design(lin, "JKn")
    a, b = design_total(lin, "y", by="g"), design_total(rep, "y", by="g")
    np.testing.assert_allclose(b["estimate"], a["estimate"], rtol=1e-12)
    np.testing.assert_allclose(b["se"], a["se"], rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(b["deff"], a["deff"], rtol=1e-9, atol=1e-12)
    # each stratum's replicates add up to n_h times the full sample: rank PSUs - strata + 1.
    # (A domain's rank can exceed its PSUs - strata: R's degf of the subset, as the golden
    # files check.)
    assert rep.degrees_of_freedom == lin.degrees_of_freedom


@settings(max_examples=12, deadline=None)
@given(st.lists(st.floats(-5, 5), min_size=4, max_size=24), st.floats(0, 0.7))
def test_brr_and_fay_total_equal_the_linearised_total(values, rho):
    # strata of two PSUs (of one row or more): BRR with full orthogonal balance is exact
    n = len(values) // 2 * 2
    df = pd.DataFrame({"s": np.arange(n) // 2, "y": values[:n], "w": 1.0 + np.arange(n) % 3})
    lin = SurveyDesign.from_frame(df, weights="w", strata="s")
    for kind in ("BRR", "Fay"):
        rep = ReplicateDesign.from_design(lin, kind, rho=rho)  # type: ignore[arg-type]
        a, b = design_total(lin, "y"), design_total(rep, "y")
        assert b["se"][0] == pytest.approx(a["se"][0], rel=1e-9, abs=1e-9)


@pytest.mark.filterwarnings("ignore::qualitapa.errors.DataWarning")  # empty replicates: below
@settings(max_examples=6, deadline=None)
@given(samples, st.randoms())
def test_permuting_rows_changes_nothing(df, rnd):
    order = list(range(len(df)))
    rnd.shuffle(order)
    df = df.assign(N=100)
    for kind in ("JK1", "JKn"):
        strata = {"strata": None} if kind == "JK1" else {}
        options = {**OPTIONS, **strata, "lonely_psu": "adjust"}
        try:
            base = SurveyDesign.from_frame(df, **options)  # type: ignore[arg-type]
        except DataError:  # a single cluster
            assume(False)
        d = ReplicateDesign.from_design(base, kind)  # type: ignore[arg-type]
        p = ReplicateDesign.from_design(
            SurveyDesign.from_frame(df.iloc[order], **options),  # type: ignore[arg-type]
            kind,  # type: ignore[arg-type]
        )
        for f, args in ((design_mean, ("y",)), (design_ratio, ("y", "x")), (design_total, ("y",))):
            a, b = f(d, *args, by="g"), f(p, *args, by="g")
            pd.testing.assert_frame_equal(a[COLUMNS], b[COLUMNS], rtol=1e-10)


@pytest.mark.filterwarnings("ignore::qualitapa.errors.DataWarning")
@settings(max_examples=8, deadline=None)
@given(samples)
def test_a_domain_is_the_subset_of_its_rows_and_mse_is_wider(df):
    # with replicate weights fixed, a domain's estimate is that of its rows alone (svyby)
    rng = np.random.default_rng(len(df))
    factors = rng.choice([0.0, 1.0, 2.0], size=(len(df), 12))
    frame = pd.concat([df, pd.DataFrame(factors, columns=[f"r{i}" for i in range(12)])], axis=1)
    options = {"replicate_weights": "^r[0-9]+$", "weights": "w", "type": "bootstrap"}
    whole = ReplicateDesign.from_frame(frame, combined=False, **options)  # type: ignore[arg-type]
    by = design_mean(whole, "y", by="g")
    for i, g in enumerate(by["g"]):
        part = ReplicateDesign.from_frame(
            frame[frame["g"] == g],
            combined=False,
            **options,  # type: ignore[arg-type]
        )
        alone = design_mean(part, "y")
        for column in ("estimate", "se", "df", "deff"):
            assert by[column][i] == pytest.approx(alone[column][0], rel=1e-10, nan_ok=True)
    mse = ReplicateDesign.from_frame(frame, combined=False, mse=True, **options)  # type: ignore[arg-type]
    assert (design_mean(mse, "y", by="g")["se"] >= by["se"] - 1e-12).all()


def test_combined_weights_equal_factors_times_weights():
    df = read("replicate_boot_apistrat.csv")
    columns = [f"rw{i}" for i in range(1, 51)]
    combined = df.copy()
    combined[columns] = df[columns].to_numpy() * df[["pw"]].to_numpy()
    a = ReplicateDesign.from_frame(
        df, replicate_weights=columns, weights="pw", type="bootstrap", combined=False
    )
    b = ReplicateDesign.from_frame(
        combined, replicate_weights=columns, weights="pw", type="bootstrap"
    )
    np.testing.assert_allclose(a.replicate_weights(), b.replicate_weights(), rtol=1e-14)
    pd.testing.assert_frame_equal(design_mean(a, "api00"), design_mean(b, "api00"), rtol=1e-12)
    assert a.scale == pytest.approx(1 / 49)  # svrepdesign's default for the bootstrap


# -- the bootstrap -----------------------------------------------------------------------


def test_bootstrap_resamples_each_stratum_and_is_reproducible():
    df = read("design_apistrat.csv")
    base = SurveyDesign.from_frame(df, weights="pw", strata="stype", fpc="fpc")
    a = ReplicateDesign.from_design(base, "bootstrap", replicates=30, seed=7)
    b = ReplicateDesign.from_design(base, "bootstrap", replicates=30, seed=7)
    np.testing.assert_array_equal(a.factors, b.factors)
    for h, nh in enumerate(base.n_psu):  # n_h PSUs drawn in every replicate
        np.testing.assert_array_equal(a.factors[base.stratum == h].sum(axis=0), nh)
    # R's bootweights scale: harmonic mean of PSUs per stratum m, m / ((m - 1)(R - 1))
    m = 3 / (1 / 100 + 1 / 50 + 1 / 50)
    assert a.scale == pytest.approx(m / ((m - 1) * 29))


def test_bootstrap_variance_is_close_to_the_linearised_one():
    # Canty and Davison's rescaled bootstrap is unbiased for the with-replacement variance
    # of a total; with 4,000 replicates its relative error is about sqrt(2 / 4000) = 2%.
    df = read("design_apistrat.csv")
    lin = SurveyDesign.from_frame(df, weights="pw", strata="stype")
    rep = ReplicateDesign.from_design(lin, "bootstrap", replicates=4000, seed=35)
    a, b = design_total(lin, "enroll"), design_total(rep, "enroll")
    assert b["se"][0] == pytest.approx(a["se"][0], rel=0.05)
    assert b["se"][0] != pytest.approx(a["se"][0], rel=1e-6)  # random, not the formula


# -- Hadamard matrices -------------------------------------------------------------------


def test_a_given_hadamard_matrix_is_used_as_given():
    df = read("replicate_brr.csv")
    base = SurveyDesign.from_frame(df, weights="pw", strata="stratum", clusters="half", nest=True)
    default = ReplicateDesign.from_design(base, "BRR")
    long = read("replicate_hadamard.csv").query("strata == 6")  # R's survey:::hadamard(6)
    r01 = long.pivot(index="row", columns="column", values="value").to_numpy()
    signs = 2 * r01 - 1  # the same matrix as -1/+1
    for matrix in (r01, signs):
        again = ReplicateDesign.from_design(base, "BRR", hadamard=matrix)
        np.testing.assert_array_equal(again.factors, default.factors)
    flipped = ReplicateDesign.from_design(base, "BRR", hadamard=-signs)
    np.testing.assert_array_equal(flipped.factors, 2 - default.factors)  # the other halves
    sylvester16 = np.kron(np.kron(signs, [[1, 1], [1, -1]]), [[1]])
    assert ReplicateDesign.from_design(base, "BRR", hadamard=sylvester16).n_replicates == 16


def test_each_replicate_keeps_one_psu_per_stratum():
    df = read("replicate_brr.csv")
    base = SurveyDesign.from_frame(df, weights="pw", strata="stratum", clusters="half", nest=True)
    rep = ReplicateDesign.from_design(base, "Fay", rho=0.3)
    w = rep.replicate_weights()
    for h in range(len(base.n_psu)):  # factors 1.7 and 0.3: the stratum's total of weights
        rows = base.stratum == h
        assert set(np.round(np.unique(w[rows] / df["pw"].to_numpy()[rows, None]), 12)) == {
            0.3,
            1.7,
        }
    assert rep.scale == pytest.approx(1 / (8 * 0.7**2))


# -- errors ------------------------------------------------------------------------------


def _strat() -> SurveyDesign:
    return SurveyDesign.from_frame(read("design_apistrat.csv"), weights="pw", strata="stype")


def test_jk1_on_a_stratified_design_is_refused():
    with pytest.raises(OptionError, match="JKn"):
        ReplicateDesign.from_design(_strat(), "JK1")
    with pytest.raises(OptionError, match="type must be"):
        ReplicateDesign.from_design(_strat(), "jackknife")  # type: ignore[arg-type]
    with pytest.raises(OptionError, match="rho"):
        ReplicateDesign.from_design(_strat(), "Fay", rho=1.0)


def test_brr_needs_two_psus_per_stratum_and_no_fpc():
    with pytest.raises(DataError, match="'E' has 100") as err:
        ReplicateDesign.from_design(_strat(), "BRR")
    assert err.value.row == 1
    df = read("replicate_brr.csv")
    with_fpc = SurveyDesign.from_frame(
        df.assign(N=50), weights="pw", strata="stratum", clusters="half", nest=True, fpc="N"
    )
    with pytest.raises(DataError, match="finite population correction"):
        ReplicateDesign.from_design(with_fpc, "BRR")
    base = SurveyDesign.from_frame(df, weights="pw", strata="stratum", clusters="half", nest=True)
    with pytest.raises(OptionError, match="at least 7 rows"):
        ReplicateDesign.from_design(base, "BRR", hadamard=np.ones((8, 8)))


def test_supplied_weights_are_checked():
    df = read("replicate_supplied.csv")
    with pytest.raises(DataError, match="no column name matches"):
        ReplicateDesign.from_frame(df, replicate_weights="^rep", weights="pw", type="JK1")
    with pytest.raises(UnknownValueError, match="jk99"):
        ReplicateDesign.from_frame(df, replicate_weights=["jk1", "jk99"], weights="pw", type="JK1")
    bad = df.copy()
    bad.loc[4, "jk3"] = -1.0
    with pytest.raises(DataError, match="zero or more") as err:
        ReplicateDesign.from_frame(bad, replicate_weights="^jk", weights="pw", type="JK1")
    assert (err.value.row, err.value.column) == (5, "jk3")
    for kind, option in (("JKn", "rscales"), ("Fay", "rho"), ("other", "scale")):
        with pytest.raises(OptionError) as opt:
            ReplicateDesign.from_frame(df, replicate_weights="^jk", weights="pw", type=kind)  # type: ignore[arg-type]
        assert opt.value.option == option
    with pytest.raises(OptionError, match="2 replicates or more, not 1"):
        ReplicateDesign.from_frame(df, replicate_weights=["jk1"], weights="pw", type="bootstrap")
    with pytest.raises(OptionError, match="replicates: a replicate design"):
        ReplicateDesign.from_design(_strat(), "bootstrap", replicates=1)
    with pytest.raises(OptionError, match="rscales has 2 values"):
        ReplicateDesign.from_frame(
            df, replicate_weights="^jk", weights="pw", type="JKn", rscales=[1, 2]
        )


def test_every_stratum_sampled_whole_has_no_variance_to_estimate():
    df = pd.DataFrame({"s": ["a", "a", "b", "b"], "y": [1.0, 2, 3, 4], "N": [2, 2, 2, 2]})
    whole = SurveyDesign.from_frame(df, strata="s", fpc="N")
    with pytest.raises(DataError, match="sampled whole"):
        ReplicateDesign.from_design(whole, "JKn")


def test_shares_of_a_replicate_design():
    # the logit interval uses the replicates' logits; inside (0, 1) and around the share
    df = read("design_apiclus1.csv")
    rep = ReplicateDesign.from_design(
        SurveyDesign.from_frame(df, weights="pw", clusters="dnum", fpc="fpc")
    )
    r = design_proportion(rep, "sch.wide", by="stype")
    assert ((r["ci_low"] < r["estimate"]) & (r["estimate"] < r["ci_high"])).all()
    assert ((r["ci_low"] > 0) & (r["ci_high"] < 1)).all()
    assert "se_logit" not in r.columns


def test_a_replicate_that_empties_a_domain_is_left_out_with_a_warning():
    # JK1 over days 1-3; domain "b" lies in day 3 only, so the replicate without day 3 has
    # no estimate for it: R drops that replicate (and warns). Left: days 1 and 2 deleted,
    # both give b's mean 5.5 (weights x 1.5 alike): SE 0 around their mean.
    df = pd.DataFrame({"day": [1, 1, 2, 2, 3, 3], "g": list("aaaabb"), "q": [4, 5, 3, 2, 5, 6.0]})
    d = ReplicateDesign.from_design(SurveyDesign.from_frame(df, clusters="day"), "JK1")
    with pytest.warns(DataWarning, match="1 replicates leave a domain empty") as caught:
        r = design_mean(d, "q", by="g")
    assert r["se"].tolist()[1] == 0.0
    assert r["se"].tolist()[0] > 0
    assert "Replikationen" in caught[0].message.render(translator("de"))  # type: ignore[attr-defined]
