"""Metamorphic and property tests (hypothesis) of every statistic of qualitapa.surveys.

Each property is a relation between two runs that must hold whatever the data:
row order is irrelevant; a group's results equal a run on that group alone, and
adding another group changes nothing for the rest; equal weights give the
unweighted results, and multiplying every weight by a constant changes
nothing; integer weights equal repeated rows (point estimates); reversing a
Likert item mirrors its mean, index and boxes; and so on.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from qualitapa.surveys import (
    Instrument,
    Question,
    Scale,
    SurveyDimension,
    adjust_pvalues,
    benchmark_table,
    compare_groups,
    cronbach_alpha,
    design_effect,
    distribution,
    effective_sample_size,
    ipa,
    item_analysis,
    margin_of_error,
    nps,
    poststratify,
    rake,
    reliability,
    sample_size,
    score_dimensions,
    score_items,
    servqual_gap,
    trim_weights,
    wilson_interval,
)

# hypothesis metamorphic properties of every survey statistic: seconds each
pytestmark = pytest.mark.slow

PROPS = settings(max_examples=30, deadline=None)
TOL = {"rtol": 1e-9, "atol": 1e-9}

INST = Instrument(
    "p",
    "P",
    dimensions=[SurveyDimension("d1", "D1"), SurveyDimension("d2", "D2")],
    questions=[
        Question("q1", "likert", "Q1", dimension="d1", scale=Scale.likert(5)),
        Question("q2", "likert", "Q2", dimension="d1", scale=Scale.likert(5), reverse=True),
        Question("q3", "likert", "Q3", dimension="d2", scale=Scale.likert(5)),
        Question("rec", "recommend", "Rec"),
    ],
)
ONE = Instrument("o", "O", questions=[Question("q1", "likert", "Q1", scale=Scale.likert(5))])
NAN = float("nan")


@st.composite
def surveys(draw, min_rows: int = 2, max_rows: int = 40, groups: str = "abc") -> pd.DataFrame:
    """Respondents of up to three organizations: Likert items with blanks, 0-10, weights."""
    n = draw(st.integers(min_rows, max_rows))
    items = draw(
        hnp.arrays(float, (n, 3), elements=st.sampled_from([1.0, 2.0, 3.0, 4.0, 5.0, NAN]))
    )
    rec = draw(hnp.arrays(float, n, elements=st.integers(0, 10).map(float)))
    w = draw(hnp.arrays(float, n, elements=st.floats(0.1, 10.0)))
    org = draw(st.lists(st.sampled_from(list(groups)), min_size=n, max_size=n))
    return pd.DataFrame(
        {"org": org, "q1": items[:, 0], "q2": items[:, 1], "q3": items[:, 2], "rec": rec, "w": w}
    )


def shuffled(df: pd.DataFrame, seed: int) -> pd.DataFrame:
    return df.sample(frac=1.0, random_state=seed).reset_index(drop=True)


def same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(
        a.reset_index(drop=True), b.reset_index(drop=True), check_exact=False, **TOL
    )


def _items(df, **kw):
    return score_items(INST, df, min_n=1, **kw)


def _dims(df, **kw):
    return score_dimensions(INST, df, min_n=1, lang="it", **kw)


def _nps(df, **kw):
    return nps(INST, df, min_n=1, **kw)


def _dist(df, **kw):
    return distribution(INST, df, questions=["q1", "q2", "q3"], **kw)


# distribution() groups with pandas and is the slowest of the four (~50 ms a call)
SCORERS = pytest.mark.parametrize(
    "fn",
    [_items, _dims, _nps, pytest.param(_dist, marks=pytest.mark.slow)],
    ids=["items", "dimensions", "nps", "distribution"],
)
SCORING_PROPS = settings(max_examples=12, deadline=None)


# -- scoring -----------------------------------------------------------------------------


@SCORERS
@SCORING_PROPS
@given(df=surveys(), seed=st.integers(0, 2**16))
def test_scoring_ignores_row_order(fn, df, seed):
    same(fn(df, by="org", weights="w"), fn(shuffled(df, seed), by="org", weights="w"))


@SCORERS
@SCORING_PROPS
@given(df=surveys(), extra=surveys(min_rows=1, groups="z"))
def test_scoring_by_group_equals_separate_runs_and_other_groups_change_nothing(fn, df, extra):
    grouped = fn(df, by="org", weights="w")
    for g, part in df.groupby("org"):
        alone = fn(part, weights="w")
        same(grouped[grouped["org"] == g].drop(columns="org"), alone)
    more = fn(pd.concat([df, extra], ignore_index=True), by="org", weights="w")
    same(more[more["org"] != "z"], grouped)


@SCORERS
@SCORING_PROPS
@given(df=surveys(), c=st.floats(0.01, 100.0))
def test_scoring_equal_weights_are_unweighted_and_scale_free(fn, df, c):
    # (distribution's weighted_n is a weighted count: it scales with the weights)
    def drop(r):
        return r.drop(columns="weighted_n", errors="ignore")

    unweighted = fn(df, by="org")
    same(drop(fn(df.assign(w=c), by="org", weights="w")), drop(unweighted))
    scaled = fn(df.assign(w=df["w"] * c), by="org", weights="w")
    same(drop(scaled), drop(fn(df, by="org", weights="w")))


@pytest.mark.slow
@SCORING_PROPS
@given(df=surveys(), k=st.lists(st.integers(1, 3), min_size=40, max_size=40))
def test_integer_weights_equal_repeated_rows_for_point_estimates(df, k):
    counts = np.asarray(k[: len(df)])
    repeated = df.loc[df.index.repeat(counts)].reset_index(drop=True)
    weighted = df.assign(w=counts.astype(float))
    for fn, cols in (
        (_items, ["mean", "index", "top_box", "bottom_box"]),
        (_dims, ["index"]),
        (_nps, ["promoters", "passives", "detractors", "nps"]),
        (_dist, ["share"]),
    ):
        a = fn(weighted, by="org", weights="w")[cols]
        b = fn(repeated, by="org")[cols]
        same(a, b)


@PROPS
@given(df=surveys())
def test_reversing_a_likert_item_mirrors_mean_index_and_boxes(df):
    a = score_items(ONE, df, by="org", weights="w", min_n=1)
    b = score_items(ONE, df.assign(q1=6 - df["q1"]), by="org", weights="w", min_n=1)
    np.testing.assert_allclose(b["mean"], 6 - a["mean"], **TOL)
    np.testing.assert_allclose(b["index"], 100 - a["index"], **TOL)
    np.testing.assert_allclose(b["ci_low"], 6 - a["ci_high"], **TOL)
    np.testing.assert_allclose(b["index_high"], 100 - a["index_low"], **TOL)
    np.testing.assert_allclose(b["top_box"], a["bottom_box"], **TOL)
    np.testing.assert_allclose(b["top_box_low"], a["bottom_box_low"], **TOL)
    np.testing.assert_allclose(b[["sd", "se", "n_eff"]], a[["sd", "se", "n_eff"]], **TOL)
    # declaring the item reverse-coded in the schema gives the mirrored index directly
    rev = Instrument(
        "o", "O", questions=[Question("q1", "likert", "Q1", scale=Scale.likert(5), reverse=True)]
    )
    c = score_items(rev, df, by="org", weights="w", min_n=1)
    np.testing.assert_allclose(c["index"], b["index"], **TOL)
    np.testing.assert_allclose(c["top_box"], b["top_box"], **TOL)


@PROPS
@given(df=surveys())
def test_scoring_bounds(df):
    r = _items(df, by="org", weights="w")
    ok = r["n"] > 1
    assert (r["n_eff"] <= r["n"] + 1e-9).all()
    assert (r.loc[ok, "ci_low"] <= r.loc[ok, "mean"] + 1e-12).all()
    assert (r.loc[ok, "mean"] <= r.loc[ok, "ci_high"] + 1e-12).all()
    assert r["index"].dropna().between(0, 100).all()
    has = r["n"] > 0
    assert (r.loc[has, "top_box_low"] <= r.loc[has, "top_box"] + 1e-12).all()
    assert (r.loc[has, "top_box"] <= r.loc[has, "top_box_high"] + 1e-12).all()
    s = _nps(df, by="org", weights="w")
    np.testing.assert_allclose(s[["promoters", "passives", "detractors"]].sum(axis=1), 1.0)
    assert s["nps"].between(-100, 100).all()
    d = _dist(df, by="org", weights="w")
    sums = d.groupby(["org", "question"])["share"].sum(min_count=1).dropna()
    np.testing.assert_allclose(sums, 1.0)


@PROPS
@given(x=st.integers(0, 300), extra=st.integers(0, 300), conf=st.floats(0.5, 0.999))
def test_wilson_interval_properties(x, extra, conf):
    n = x + extra
    if n == 0:
        assert np.isnan(wilson_interval(x, n)[0])
        return
    lo, hi = wilson_interval(x, n, confidence=conf)
    assert 0 <= lo <= x / n <= hi <= 1
    lo2, hi2 = wilson_interval(n - x, n, confidence=conf)  # failures: the mirror image
    assert (float(lo2), float(hi2)) == pytest.approx((1 - hi, 1 - lo), abs=1e-12)
    wlo, whi = wilson_interval(x, n, confidence=min(0.9999, conf + 0.0001))
    assert wlo <= lo + 1e-15
    assert whi >= hi - 1e-15


@PROPS
@given(
    w=hnp.arrays(float, st.integers(1, 50), elements=st.floats(0.01, 100.0)),
    c=st.floats(0.01, 100.0),
)
def test_kish_effective_n_properties(w, c):
    n_eff = effective_sample_size(w)
    assert 1 - 1e-9 <= n_eff <= len(w) * (1 + 1e-12)
    assert effective_sample_size(w * c) == pytest.approx(n_eff, rel=1e-12)
    assert effective_sample_size(np.full(len(w), c)) == pytest.approx(len(w))
    assert design_effect(w) >= 1 - 1e-12
    assert design_effect(w) * n_eff == pytest.approx(len(w))


# -- reliability -------------------------------------------------------------------------


@st.composite
def item_sets(draw, complete: bool = False) -> pd.DataFrame:
    n = draw(st.integers(3, 40))
    k = draw(st.integers(2, 5))
    values = [1.0, 2.0, 3.0, 4.0, 5.0] + ([] if complete else [NAN])
    x = draw(hnp.arrays(float, (n, k), elements=st.sampled_from(values)))
    df = pd.DataFrame(x, columns=[f"i{j}" for j in range(k)])
    return df.assign(g=draw(st.lists(st.sampled_from("ab"), min_size=n, max_size=n)))


def _items_of(df):
    return [c for c in df.columns if c != "g"]


@PROPS
@given(df=item_sets(), seed=st.integers(0, 2**16))
def test_alpha_ignores_row_and_item_order(df, seed):
    base = cronbach_alpha(df, by="g")
    same(cronbach_alpha(shuffled(df, seed), by="g"), base)
    cols = _items_of(df)
    perm = list(np.random.default_rng(seed).permutation(cols))
    same(cronbach_alpha(df[[*perm, "g"]], by="g"), base)


@PROPS
@given(df=item_sets(), extra=item_sets())
def test_alpha_by_group_equals_separate_runs(df, extra):
    grouped = cronbach_alpha(df, by="g")
    for g, part in df.groupby("g"):
        same(grouped[grouped["g"] == g].drop(columns="g"), cronbach_alpha(part.drop(columns="g")))
    k = len(_items_of(df))
    if len(_items_of(extra)) == k:
        more = pd.concat([df, extra.set_axis(df.columns, axis=1).assign(g="z")], ignore_index=True)
        more_r = cronbach_alpha(more, by="g")
        same(more_r[more_r["g"] != "z"], grouped)


@PROPS
@given(df=item_sets(), shift=st.floats(-10, 10))
def test_alpha_shift_invariant_and_bounded(df, shift):
    items = df.drop(columns="g")
    a = cronbach_alpha(items)
    same(cronbach_alpha(items.assign(i0=items["i0"] + shift)), a)
    r = a.iloc[0]
    if np.isfinite(r["alpha"]) and r["alpha"] <= 1:
        assert r["ci_low"] <= r["alpha"] + 1e-12 <= r["ci_high"] + 2e-12
    elif np.isfinite(r["alpha"]):  # the Feldt interval assumes alpha <= 1
        assert np.isnan(r["ci_low"])
        assert np.isnan(r["ci_high"])
    # alpha <= 1 holds for a covariance matrix of complete rows; a pairwise one need not
    # be positive semi-definite and can give more (i0 = 1, -, 2 and i1 = 1, 2, 2 give
    # 1.09, as psych::alpha does)
    lw = cronbach_alpha(items, nan_policy="listwise").iloc[0]
    if np.isfinite(lw["alpha"]):
        assert lw["alpha"] <= 1 + 1e-12


@PROPS
@given(df=item_sets(complete=True))
def test_alpha_pairwise_equals_listwise_without_missing_and_item_analysis_agrees(df):
    items = df.drop(columns="g")
    same(cronbach_alpha(items), cronbach_alpha(items, nan_policy="listwise"))
    cols = list(items.columns)
    if len(cols) >= 3:
        inst = Instrument(
            "x",
            "X",
            dimensions=[SurveyDimension("d", "D")],
            questions=[
                Question(c, "likert", c, dimension="d", scale=Scale.likert(5)) for c in cols
            ],
        )
        ia = item_analysis(inst, items).set_index("question")
        for c in cols:
            dropped = cronbach_alpha(items.drop(columns=c)).iloc[0]["alpha"]
            np.testing.assert_allclose(ia.loc[c, "alpha_if_deleted"], dropped, **TOL)


@PROPS
@given(df=item_sets())
def test_reliability_turns_reverse_items_as_the_schema_says(df):
    cols = _items_of(df)
    inst = Instrument(
        "x",
        "X",
        dimensions=[SurveyDimension("d", "D")],
        questions=[
            Question(c, "likert", c, dimension="d", scale=Scale.likert(5), reverse=(c == "i0"))
            for c in cols
        ],
    )
    got = reliability(inst, df, by="g")
    manual = cronbach_alpha(df.assign(i0=6 - df["i0"]), items=cols, by="g")
    np.testing.assert_allclose(got["alpha"], manual["alpha"], **TOL)


# -- weighting ---------------------------------------------------------------------------

WEIGHTS = hnp.arrays(float, st.integers(1, 40), elements=st.floats(0.01, 20.0))
BOUNDS = st.tuples(
    st.one_of(st.none(), st.floats(0.05, 0.95)), st.one_of(st.none(), st.floats(1.05, 4.0))
)


@PROPS
@given(w=WEIGHTS, bounds=BOUNDS, seed=st.integers(0, 2**16), c=st.floats(0.01, 100.0))
def test_trim_weights_properties(w, bounds, seed, c):
    lower, upper = bounds
    refused = None
    try:
        t = trim_weights(w, lower=lower, upper=upper)
    except ValueError as err:  # every unit clipped: nothing left to keep the sum
        refused = str(err)
    if refused is not None:
        assert "widen them" in refused
        assert lower is not None
        assert upper is not None
        return
    mean = w.mean()
    assert t.sum() == pytest.approx(w.sum(), rel=1e-9)
    lo = -np.inf if lower is None else lower * mean
    hi = np.inf if upper is None else upper * mean
    assert (t >= lo * (1 - 1e-9)).all()
    assert (t <= hi * (1 + 1e-9)).all()
    # units outside the bounds end exactly on their bound
    np.testing.assert_allclose(t[w < lo], lo, rtol=1e-12)
    np.testing.assert_allclose(t[w > hi], hi, rtol=1e-12)
    # the units left strictly inside moved by one common amount (equal shares)
    inside = (t > lo * (1 + 1e-9)) & (t < hi * (1 - 1e-9))
    if inside.sum() > 1:
        shift = t[inside] - w[inside]
        np.testing.assert_allclose(shift, shift[0], atol=1e-9 * mean)
    # order kept, permutation and scale equivariant, idempotent, no-op inside the bounds
    order = np.argsort(w, kind="stable")
    assert (np.diff(t[order]) >= -1e-9 * mean).all()
    perm = np.random.default_rng(seed).permutation(len(w))
    np.testing.assert_allclose(trim_weights(w[perm], lower=lower, upper=upper), t[perm], rtol=1e-12)
    np.testing.assert_allclose(trim_weights(w * c, lower=lower, upper=upper), t * c, rtol=1e-9)
    np.testing.assert_allclose(trim_weights(t, lower=lower, upper=upper), t, rtol=1e-9)
    if ((w >= lo) & (w <= hi)).all():
        np.testing.assert_array_equal(t, w)


@st.composite
def rake_frames(draw) -> tuple[pd.DataFrame, dict]:
    # every cell of sex x age present: with an empty cell IPF only approaches its limit
    # (a weight tends to 0) and raking rightly reports non-convergence
    sex = ["F", "F", "M", "M", *draw(st.lists(st.sampled_from("FM"), max_size=40))]
    n = len(sex)
    age = [
        "y",
        "o",
        "y",
        "o",
        *draw(st.lists(st.sampled_from("yo"), min_size=n - 4, max_size=n - 4)),
    ]
    d = draw(hnp.arrays(float, n, elements=st.floats(0.2, 5.0)))
    t_sex = draw(st.tuples(st.floats(0.2, 0.8)))[0]
    t_age = draw(st.tuples(st.floats(0.2, 0.8)))[0]
    margins = {"sex": {"F": t_sex, "M": 1 - t_sex}, "age": {"y": t_age, "o": 1 - t_age}}
    return pd.DataFrame({"sex": sex, "age": age, "d": d}), margins


def _rake(df, margins, **kw):
    kw = {"tol": 1e-12, "max_iter": 5000, **kw}
    return rake(df, margins, **kw)


@PROPS
@given(data=rake_frames(), seed=st.integers(0, 2**16), c=st.floats(0.01, 100.0))
def test_rake_properties(data, seed, c):
    df, margins = data
    r = _rake(df, margins, base_weights="d", total=1000)
    w = r.weights
    for var, target in margins.items():  # margins met
        got = w.groupby(df[var]).sum()
        for cat, share in target.items():
            assert got[cat] == pytest.approx(1000 * share, rel=1e-9)
    # rows follow their weights whatever the order
    perm = shuffled(df.assign(_i=np.arange(len(df))), seed)
    pw = _rake(perm.drop(columns="_i"), margins, base_weights="d", total=1000).weights
    np.testing.assert_allclose(pw.to_numpy(), w.to_numpy()[perm["_i"].to_numpy()], rtol=1e-7)
    # counts instead of shares, base weights times c: the same weights
    counts = {v: {k: s * 7.0 for k, s in m.items()} for v, m in margins.items()}
    np.testing.assert_allclose(
        _rake(df.assign(d=df["d"] * c), counts, base_weights="d", total=1000).weights,
        w,
        rtol=1e-7,
    )
    # total scales the weights
    np.testing.assert_allclose(
        _rake(df, margins, base_weights="d", total=10).weights, w / 100, rtol=1e-7
    )


@PROPS
@given(data=rake_frames())
def test_poststratify_is_one_raking_step_on_the_cells(data):
    df, _ = data
    cells = df["sex"] + "|" + df["age"]
    pop = pd.DataFrame(
        {
            "sex": ["F", "F", "M", "M"],
            "age": ["y", "o", "y", "o"],
            "population": [10.0, 20.0, 30.0, 40.0],
        }
    )
    present = pop[(pop["sex"] + "|" + pop["age"]).isin(set(cells))]
    r = poststratify(df, present, cells=["sex", "age"], base_weights="d", total=100)
    got = r.weights.groupby(cells).sum()
    expected = present.set_index(present["sex"] + "|" + present["age"])["population"]
    np.testing.assert_allclose(got[expected.index], expected / expected.sum() * 100, rtol=1e-12)
    # within a cell the weights keep the base weights' proportions
    ratio = r.weights / df["d"]
    np.testing.assert_allclose(ratio.groupby(cells).transform("min"), ratio, rtol=1e-12)
    same(
        r.weights.to_frame(),
        rake(
            pd.DataFrame({"cell": cells, "d": df["d"]}),
            {"cell": dict(expected)},
            base_weights="d",
            total=100,
        ).weights.to_frame(),
    )


# -- IPA and SERVQUAL --------------------------------------------------------------------

IPA_INST = Instrument(
    "x",
    "X",
    dimensions=[SurveyDimension("d", "D")],
    questions=[
        *[Question(q, "likert", q, dimension="d", scale=Scale.likert(5)) for q in ("q1", "q2")],
        Question("q3", "likert", "Q3", scale=Scale.likert(5)),
    ],
)


@PROPS
@given(df=surveys(min_rows=3), derived=st.sampled_from(["correlation", "regression"]))
def test_derived_importance_correlations_are_correlations(df, derived):
    # issue 12 defect 6: with missing answers, importance was not a correlation (> 1)
    r = ipa(IPA_INST, df, by="org", weights="w", importance="derived", overall="q3")
    if derived == "correlation":
        assert (r["importance"].dropna().abs() <= 1).all()
        # unweighted: pandas' pairwise-complete DataFrame.corr(), an independent code
        u = ipa(IPA_INST, df, by="org", importance="derived", overall="q3").set_index(
            ["org", "question"]
        )
        for g, part in df.groupby("org"):
            for q in ("q1", "q2"):
                got = u.loc[(g, q), "importance"]
                pair = part[[q, "q3"]].dropna()
                if pair[q].nunique() < 2 or pair["q3"].nunique() < 2:
                    assert np.isnan(got)  # a constant (or single) answer: no correlation
                else:
                    assert got == pytest.approx(pair[q].corr(pair["q3"]), abs=1e-12)


@PROPS
@given(df=surveys(min_rows=3), seed=st.integers(0, 2**16), c=st.floats(0.01, 100.0))
def test_ipa_order_group_and_weight_scale(df, seed, c):
    kw = {"importance": "derived", "overall": "q3", "derived": "regression"}
    base = ipa(IPA_INST, df, by="org", weights="w", **kw)
    same(ipa(IPA_INST, shuffled(df, seed), by="org", weights="w", **kw), base)
    same(ipa(IPA_INST, df.assign(w=df["w"] * c), by="org", weights="w", **kw), base)
    same(
        ipa(IPA_INST, df.assign(w=c), by="org", weights="w", **kw),
        ipa(IPA_INST, df, by="org", **kw),
    )
    for g, part in df.groupby("org"):
        same(base[base["org"] == g].drop(columns="org"), ipa(IPA_INST, part, weights="w", **kw))


SQ = Instrument(
    "s",
    "S",
    dimensions=[SurveyDimension("d", "D")],
    questions=[
        Question("q1", "likert", "P", dimension="d", scale=Scale.likert(5)),
        Question("q2", "likert", "E", scale=Scale.likert(5), expectation_of="q1"),
    ],
)
SQ_SWAPPED = Instrument(
    "s",
    "S",
    dimensions=[SurveyDimension("d", "D")],
    questions=[
        Question("q2", "likert", "E", dimension="d", scale=Scale.likert(5)),
        Question("q1", "likert", "P", scale=Scale.likert(5), expectation_of="q2"),
    ],
)


@PROPS
@given(df=surveys(), seed=st.integers(0, 2**16))
def test_servqual_swap_negates_gap_and_order_is_irrelevant(df, seed):
    a = servqual_gap(SQ, df, by="org", weights="w")
    same(servqual_gap(SQ, shuffled(df, seed), by="org", weights="w"), a)
    b = servqual_gap(SQ_SWAPPED, df, by="org", weights="w")
    np.testing.assert_allclose(b["gap"], -a["gap"], **TOL)
    np.testing.assert_allclose(b["ci_low"], -a["ci_high"], **TOL)
    np.testing.assert_allclose(b["se"], a["se"], **TOL)


# -- comparisons -------------------------------------------------------------------------


def _cmp(df, **kw):
    return compare_groups(INST, df, by="org", on="items", correction=None, **kw)


@pytest.mark.parametrize("weights", [None, "w"])
@pytest.mark.parametrize("kind", ["mean", "share"])
@PROPS
@given(df=surveys(min_rows=4), extra=surveys(min_rows=1, groups="z"), seed=st.integers(0, 2**16))
def test_compare_order_and_other_groups(weights, kind, df, extra, seed):
    if df["org"].nunique() < 2:
        return
    kw = {"weights": weights, "kind": kind, "pairwise": True}
    base = _cmp(df, **kw)
    same(_cmp(shuffled(df, seed), **kw), base)
    # another group changes no pairwise test between the others
    more = _cmp(pd.concat([df, extra], ignore_index=True), **kw)
    pairs = more[(more["group_a"] != "") & (more["group_b"] != "z")]
    same(pairs, base[base["group_a"] != ""])


@pytest.mark.parametrize("kind", ["mean", "share"])
@PROPS
@given(df=surveys(min_rows=4), c=st.floats(0.01, 100.0))
def test_compare_weights_scale_free_and_equal_weights_are_the_unweighted_tests(kind, df, c):
    if df["org"].nunique() < 2:
        return
    w = _cmp(df, weights="w", kind=kind, pairwise=True)
    same(_cmp(df.assign(w=df["w"] * c), weights="w", kind=kind, pairwise=True), w)
    eq = _cmp(df.assign(w=c), weights="w", kind=kind, pairwise=True)
    un = _cmp(df, kind=kind, pairwise=True)
    # pairs: Welch t and Pearson chi-square; with three groups the Welch F (weighted)
    # and the classic ANOVA (unweighted) are different tests, so compare the pairs only
    pair_eq, pair_un = eq[eq["group_a"] != ""], un[un["group_a"] != ""]
    cols = [
        "variable",
        "group_a",
        "group_b",
        "n_a",
        "n_b",
        "estimate_a",
        "estimate_b",
        "difference",
    ]
    same(pair_eq[cols], pair_un[cols])
    ok = pair_un["statistic"].notna() & pair_eq["statistic"].notna()
    # (atol: a statistic of 0 computed from weights 0.01 comes out as 1e-15)
    np.testing.assert_allclose(
        pair_eq.loc[ok, "statistic"], pair_un.loc[ok, "statistic"], rtol=1e-7, atol=1e-9
    )
    np.testing.assert_allclose(
        pair_eq.loc[ok, "p_value"], pair_un.loc[ok, "p_value"], rtol=1e-7, atol=1e-12
    )


@PROPS
@given(df=surveys(min_rows=4))
def test_compare_swapping_groups_negates_the_difference(df):
    if set(df["org"]) != {"a", "b", "c"}:
        return
    base = _cmp(df[df["org"] != "c"])
    swapped = _cmp(df[df["org"] != "c"].assign(org=lambda d: d["org"].map({"a": "b", "b": "a"})))
    np.testing.assert_allclose(swapped["difference"], -base["difference"], **TOL)
    np.testing.assert_allclose(swapped["statistic"], -base["statistic"], **TOL)
    np.testing.assert_allclose(swapped["p_value"], base["p_value"], **TOL)


@PROPS
@given(
    p=st.lists(st.floats(0, 1), min_size=1, max_size=30),
    seed=st.integers(0, 2**16),
)
def test_adjust_pvalues_properties(p, seed):
    p = np.asarray(p)
    holm, bonf, bh = (adjust_pvalues(p, m) for m in ("holm", "bonferroni", "fdr_bh"))
    for adj in (holm, bonf, bh):
        assert (adj >= p - 1e-15).all()
        assert (adj <= 1).all()
    assert (holm <= bonf + 1e-15).all()
    assert (bh <= holm + 1e-15).all()
    perm = np.random.default_rng(seed).permutation(len(p))
    for m, adj in (("holm", holm), ("bonferroni", bonf), ("fdr_bh", bh)):
        np.testing.assert_allclose(adjust_pvalues(p[perm], m), adj[perm], rtol=1e-12)
    # order of the raw p-values is kept
    order = np.argsort(p, kind="stable")
    assert (np.diff(holm[order]) >= -1e-15).all()


@PROPS
@given(
    values=hnp.arrays(float, st.integers(2, 12), elements=st.integers(0, 20).map(float)),
    shift=st.floats(-50, 50),
    seed=st.integers(0, 2**16),
)
def test_benchmark_table_ranks(values, shift, seed):
    s = pd.DataFrame(
        {"organization": [f"o{i}" for i in range(len(values))], "dimension": "x", "index": values}
    )
    t = benchmark_table(s)
    assert t.loc[t["best"], "rank"].eq(1).all()
    assert (t["gap_to_best"] >= 0).all()
    shifted = benchmark_table(s.assign(index=s["index"] + shift))
    np.testing.assert_array_equal(shifted["rank"], t["rank"])
    perm = shuffled(s, seed)
    again = benchmark_table(perm).set_index("organization").loc[t["organization"]]
    np.testing.assert_array_equal(again["rank"].to_numpy(), t["rank"].to_numpy())
    better = s.assign(index=np.where(s.index == 0, s["index"] + 1, s["index"]))
    assert benchmark_table(better)["rank"].iloc[0] <= t["rank"].iloc[0]


# -- sample size -------------------------------------------------------------------------


@PROPS
@given(
    margin=st.floats(0.01, 0.2),
    population=st.integers(10, 1_000_000),
    confidence=st.sampled_from([0.9, 0.95, 0.99]),
    deff=st.floats(1.0, 3.0),
)
def test_sample_size_properties(margin, population, confidence, deff):
    kw = {"confidence": confidence, "design_effect": deff}
    n = int(sample_size(margin=margin, population=population, **kw)["n"].iloc[0])
    assert 1 <= n <= population
    # the n found reaches the margin; one fewer respondent does not
    e = margin_of_error(n, population=population, **kw)["margin"].iloc[0]
    assert e <= margin * (1 + 1e-9)
    if n > 1:
        e1 = margin_of_error(n - 1, population=population, **kw)["margin"].iloc[0]
        assert e1 > margin * (1 - 1e-9)
    # monotone: a wider margin, a smaller population or a lower confidence never need more
    assert sample_size(margin=margin * 1.5, population=population, **kw)["n"].iloc[0] <= n
    assert sample_size(margin=margin, population=max(10, population // 2), **kw)["n"].iloc[0] <= n
    assert (
        sample_size(margin=margin, population=population, confidence=0.8, design_effect=deff)[
            "n"
        ].iloc[0]
        <= n
    )
