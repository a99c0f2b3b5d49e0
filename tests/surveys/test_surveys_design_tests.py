"""Design-based t and Wald F tests of domain means, and Rao-Scott on a subset, against R.

Golden values: tests/surveys/golden/make_tests_golden.R (R `survey` 4.1.1: svyttest on
subset(design, two groups), regTermTest(svyglm(y ~ g), ~g), svychisq on a subset).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualitapa.errors import DataError, OptionError
from qualitapa.surveys import (
    Instrument,
    Question,
    Scale,
    SurveyDesign,
    compare_groups,
    design_ttest,
    design_wald_test,
)
from qualitapa.surveys._design_tests import (
    pair_degrees_of_freedom,
    rao_scott_codes,
    rows_degrees_of_freedom,
)

GOLDEN = Path(__file__).parent / "golden"


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(GOLDEN / name, keep_default_na=False, na_values=[""])


def _design(name: str) -> SurveyDesign:
    if name == "apistrat":
        data = pd.read_csv(GOLDEN / "design_apistrat.csv")
        return SurveyDesign.from_frame(data, weights="pw", strata="stype", fpc="fpc")
    if name == "apiclus1":
        data = pd.read_csv(GOLDEN / "design_apiclus1.csv")
        return SurveyDesign.from_frame(data, weights="pw", clusters="dnum", fpc="fpc")
    data = pd.read_csv(GOLDEN / "design_likert.csv")
    return SurveyDesign.from_frame(
        data, weights="w", strata="stratum", clusters="day", fpc="days", nest=True
    )


TESTS = _read("design_tests.csv")


@pytest.mark.parametrize("row", TESTS.to_dict("records"), ids=lambda r: "-".join(
    str(r[c]) for c in ("design", "test", "variable", "group", "level_a", "level_b")
))  # fmt: skip
def test_design_tests_match_r_survey(row):
    design = _design(row["design"])
    if row["test"] == "ttest":
        t = design_ttest(design, row["variable"], row["group"],
                         levels=(row["level_a"], row["level_b"]))  # fmt: skip
        assert t.groups == (row["level_a"], row["level_b"])
        # R's coefficient is the second group's mean minus the first's: the sign is flipped
        assert -t.estimate == pytest.approx(row["estimate"], rel=1e-9)
        assert t.se == pytest.approx(row["se"], rel=1e-9)
        assert -t.value == pytest.approx(row["statistic"], rel=1e-9)
    else:
        t = design_wald_test(design, row["variable"], row["group"])
        assert t.value == pytest.approx(row["statistic"], rel=1e-9)
        assert t.df_num == row["df_num"]
    assert t.df_den == row["df_den"]
    assert t.p_value == pytest.approx(row["p_value"], rel=1e-8)


@pytest.mark.parametrize("row", _read("design_tests_chisq.csv").to_dict("records"))
def test_rao_scott_on_a_subset_matches_r_svychisq(row):
    design = _design(row["design"])
    data = design.data
    pair = pd.isna(row["level_a"])
    inside = (
        np.ones(len(data), dtype=bool)
        if pair
        else data[row["group"]].isin([row["level_a"], row["level_b"]]).to_numpy()
    )
    codes, labels = pd.factorize(data[row["group"]].where(inside), sort=True)
    answer = data[row["variable"]].to_numpy()
    c = np.where(np.isnan(answer), -1, answer).astype(np.intp)
    t = rao_scott_codes(design, codes, len(labels), c, 2, "F", inside)
    assert t is not None
    assert t.value == pytest.approx(row["statistic"], rel=1e-9)
    assert t.df_num == pytest.approx(row["df_num"], rel=1e-9)
    assert t.df_den == pytest.approx(row["df_den"], rel=1e-9)
    assert t.p_value == pytest.approx(row["p_value"], rel=1e-8)


def test_two_groups_wald_f_is_the_square_of_t():
    design = _design("likert")
    t = design_ttest(design, "q1", "age")
    f = design_wald_test(design, "q1", "age")
    assert f.value == pytest.approx(t.value**2, rel=1e-12)
    assert f.p_value == pytest.approx(t.p_value, rel=1e-10)
    assert f.means == t.means


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_swapping_groups_flips_t_and_row_order_changes_nothing(seed):
    rng = np.random.default_rng(seed)
    n = 40
    df = pd.DataFrame({
        "day": rng.integers(0, 8, n),
        "g": rng.choice(["x", "y"], n),
        "w": rng.uniform(0.5, 3, n),
        "q": rng.integers(1, 6, n).astype(float),
    })  # fmt: skip
    if df.groupby("g")["day"].nunique().min() < 2:
        return
    t = design_ttest(SurveyDesign.from_frame(df, weights="w", clusters="day"), "q", "g")
    swapped = df.assign(g=df["g"].map({"x": "b", "y": "a"}))  # "y" now sorts first
    s = design_ttest(SurveyDesign.from_frame(swapped, weights="w", clusters="day"), "q", "g")
    assert s.estimate == pytest.approx(-t.estimate, rel=1e-12, abs=1e-12)
    assert s.se == pytest.approx(t.se, rel=1e-12)
    assert s.p_value == pytest.approx(t.p_value, rel=1e-9, abs=1e-15)
    shuffled = df.sample(frac=1, random_state=seed)
    r = design_ttest(SurveyDesign.from_frame(shuffled, weights="w", clusters="day"), "q", "g")
    assert r.value == pytest.approx(t.value, rel=1e-10, abs=1e-12)


def test_design_tests_refuse_bad_input():
    design = _design("likert")
    with pytest.raises(DataError, match="compares two groups, the column has 3"):
        design_ttest(design, "q1", "city")
    with pytest.raises(DataError, match="no column 'cty'"):
        design_wald_test(design, "q1", "cty")
    one = SurveyDesign.from_frame(design.data.assign(g="x"), weights="w", clusters="day")
    with pytest.raises(DataError, match="two or more groups"):
        design_wald_test(one, "q1", "g")


@pytest.fixture
def likert_instrument() -> Instrument:
    scale = Scale.likert(5)
    questions = [Question(q, "likert", q.upper(), scale=scale) for q in ("q1", "q2")]
    return Instrument("c", "C", questions=questions)


def test_compare_groups_on_the_design_matches_r(likert_instrument):
    design = _design("likert")
    responses = design.data
    r = compare_groups(likert_instrument, responses, by="city", pairwise=True,
                       correction=None, design=design)  # fmt: skip
    gold = TESTS[(TESTS["design"] == "likert") & (TESTS["group"] == "city")]
    for row in gold.itertuples():
        a, b = (row.level_a, row.level_b) if row.test == "ttest" else ("", "")
        mine = r[(r["variable"] == row.variable) & (r["group_a"] == a) & (r["group_b"] == b)]
        assert len(mine) == 1
        mine = mine.iloc[0]
        if row.test == "ttest":
            assert mine["test"] == "design_t"
            assert -mine["statistic"] == pytest.approx(row.statistic, rel=1e-9)
            assert -mine["difference"] == pytest.approx(row.estimate, rel=1e-9)
        else:
            assert mine["test"] == "design_wald_f"
            assert mine["statistic"] == pytest.approx(row.statistic, rel=1e-9)
        assert mine["p_value"] == pytest.approx(row.p_value, rel=1e-8)
    assert r["weighted"].all()
    assert r["effect"].tolist()[:4] == ["eta_squared", "hedges_g", "hedges_g", "hedges_g"]


def test_compare_groups_shares_on_the_design_match_r(likert_instrument):
    design = _design("likert")
    r = compare_groups(likert_instrument, design.data, by="city", on="items", kind="share",
                       variables=["q2"], pairwise=True, correction=None, design=design)  # fmt: skip
    gold = _read("design_tests_chisq.csv")
    gold = gold[gold["group"] == "city"]
    assert (r["test"] == "design_rao_scott_f").all()
    # top box of a 1-5 scale: 4 and 5, R's top = as.numeric(q2 >= 4)
    np.testing.assert_allclose(r["statistic"], gold["statistic"], rtol=1e-9)
    np.testing.assert_allclose(r["p_value"], gold["p_value"], rtol=1e-8)


def test_compare_groups_refuses_a_design_of_other_rows_or_with_weights(likert_instrument):
    design = _design("likert")
    with pytest.raises(DataError, match="the design has 166 rows and the responses 10"):
        compare_groups(likert_instrument, design.data.head(10), by="city", design=design)
    with pytest.raises(OptionError):
        compare_groups(likert_instrument, design.data, by="city", weights="w", design=design)
    with pytest.raises(DataError, match="rank-based tests"):
        compare_groups(likert_instrument, design.data, by="city", test="nonparametric",
                       design=design)  # fmt: skip


@pytest.mark.parametrize(("name", "group"), [("apiclus1", "stype"), ("likert", "city")])
def test_pair_degrees_of_freedom_are_each_pairs_own(name, group):
    design = _design(name)
    codes, labels = pd.factorize(design.data[group], sort=True)
    rows = np.ones(len(codes), dtype=bool)
    rows[::7] = False  # some rows without an answer
    df = pair_degrees_of_freedom(design, codes.astype(np.intp), len(labels), rows)
    for a in range(len(labels)):
        for b in range(a + 1, len(labels)):
            mask = rows & np.isin(codes, [a, b])
            assert df[a, b] == rows_degrees_of_freedom(design, mask)
