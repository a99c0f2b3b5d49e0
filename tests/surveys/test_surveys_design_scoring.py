"""The design path of scoring (``design=``): properties, agreement with the Kish path, errors.

R's values are in test_surveys_design_scoring_golden.py. Here: a design of
independent rows with equal weights is the Kish path (same means, SEs and t
intervals: the linearised variance of a mean is then s^2 / n); groups are
domains of the whole design (each group's row equals the design estimators'
domain estimate, never a run on the group's rows only); row order does not
matter; the cluster bootstrap of IPA is the respondent bootstrap when every
respondent is a PSU; and the errors.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from qualitapa.errors import DataError, OptionError
from qualitapa.surveys import (
    Instrument,
    Question,
    ReplicateDesign,
    Scale,
    SurveyDesign,
    SurveyDimension,
    design_mean,
    design_proportion,
    distribution,
    ipa,
    nps,
    score_dimensions,
    score_items,
)


@pytest.fixture
def clustered(synthetic: pd.DataFrame) -> pd.DataFrame:
    """The synthetic responses with two counters per city and 8 survey days per counter."""
    rng = np.random.default_rng(35)
    n = len(synthetic)
    frame = synthetic.copy()
    frame["sportello"] = frame["organization"] + "-" + (np.arange(n) % 2).astype(str)
    frame["day"] = rng.integers(1, 9, n)
    frame["w"] = rng.uniform(0.5, 2.0, n)
    return frame


def design_of(frame: pd.DataFrame, **options: object) -> SurveyDesign:
    return SurveyDesign.from_frame(
        frame, weights="w", strata="sportello", clusters="day", nest=True, **options
    )  # type: ignore[arg-type]


def test_independent_equal_weight_rows_are_the_kish_path(counter, synthetic):
    design = SurveyDesign.from_frame(synthetic)
    kish = score_items(counter, synthetic)
    got = score_items(counter, synthetic, design=design)
    for column in ("mean", "se", "ci_low", "ci_high", "index", "index_low", "top_box"):
        np.testing.assert_allclose(got[column], kish[column], rtol=1e-10, err_msg=column)
    np.testing.assert_allclose(got["df"], kish["n"] - 1)  # every answer is a PSU
    # a city is a domain of the 400: V = N/(N - 1) sum_d (y - mean)^2 / n_d^2, the Kish
    # variance s^2 / n_d times N/(N - 1) (n_d - 1)/n_d (Lumley 2010, sec. 2.5)
    kish = score_items(counter, synthetic, by="organization")
    got = score_items(counter, synthetic, by="organization", design=design)
    n_d, big_n = kish["n"].to_numpy(), len(synthetic)
    factor = np.sqrt(big_n / (big_n - 1) * (n_d - 1) / n_d)
    np.testing.assert_allclose(got["se"], kish["se"] * factor, rtol=1e-10)
    kish_nps = nps(counter, synthetic)
    got_nps = nps(counter, synthetic, design=design)
    # the NPS as a mean of +-100/0 has the SE of the Kish formula times sqrt(n / (n - 1))
    n = kish_nps["n"].to_numpy()
    np.testing.assert_allclose(got_nps["nps"], kish_nps["nps"], rtol=1e-12)
    np.testing.assert_allclose(got_nps["se"], kish_nps["se"] * np.sqrt(n / (n - 1)), rtol=1e-10)


def test_groups_are_domains_of_the_whole_design(counter, clustered):
    design = design_of(clustered)
    got = score_items(counter, clustered, by="organization", design=design, questions=["speed"])
    frame = clustered.assign(speed=clustered["speed"].astype(float))
    want = design_mean(design_of(frame), "speed", by="organization", interval="t")
    for column in ("se", "ci_low", "ci_high", "df", "deff"):
        np.testing.assert_allclose(got[column], want[column], rtol=1e-12, err_msg=column)
    # the first week's answers: a run on their rows alone drops the other days (PSUs) from
    # the variance; the domain keeps every day of the sample, with zeros (Lumley 2010, 2.5)
    frame = clustered.assign(week=np.where(clustered["day"] <= 3, "first", "later"))
    by_week = score_items(counter, frame, by="week", design=design_of(frame), questions=["speed"])
    first = frame[frame["week"] == "first"]
    alone = score_items(counter, first, design=design_of(first), questions=["speed"])
    assert alone["mean"][0] == pytest.approx(by_week["mean"][0], rel=1e-12)
    assert abs(alone["se"][0] / by_week["se"][0] - 1) > 1e-3


def test_design_effects_of_clustered_answers_exceed_one(counter, clustered):
    # a day effect on every answer: the intra-day correlation the design sees
    frame = clustered.copy()
    shift = np.random.default_rng(1).normal(0, 1.2, 100)[frame["day"] * 7 % 100]
    for q in ("speed", "courtesy"):
        frame[q] = np.clip(np.round(frame[q] + shift), 1, 5)
    got = score_items(counter, frame, design=design_of(frame), questions=["speed", "courtesy"])
    assert (got["deff"] > 1.5).all()
    np.testing.assert_allclose(got["n_eff"], got["n"] / got["deff"])
    dims = score_dimensions(counter, frame, design=design_of(frame), lang="it")
    assert {"df", "deff"} <= set(dims.columns)
    assert dims.loc[dims["dimension"] == "overall", "deff"].iloc[0] > 1.5


@pytest.mark.parametrize("seed", [0, 1])
def test_row_order_does_not_matter(counter, clustered, seed):
    shuffled = clustered.sample(frac=1, random_state=seed).reset_index(drop=True)
    a = score_items(counter, clustered, by="organization", design=design_of(clustered))
    b = score_items(counter, shuffled, by="organization", design=design_of(shuffled))
    numbers = a.select_dtypes("number").columns
    np.testing.assert_allclose(
        a[numbers].to_numpy(dtype=float, na_value=np.nan),
        b[numbers].to_numpy(dtype=float, na_value=np.nan),
        rtol=1e-9,
        atol=1e-12,
    )


def test_shares_and_nps_keep_their_estimates(counter, clustered):
    design = design_of(clustered)
    kish = distribution(counter, clustered, by="organization", weights="w")
    got = distribution(counter, clustered, by="organization", design=design)
    np.testing.assert_allclose(got["share"], kish["share"], rtol=1e-12)
    inside = got["share"].between(0, 1, inclusive="neither")
    assert (got.loc[inside, "share_low"] < got.loc[inside, "share"]).all()
    assert (got.loc[inside, "share_high"] > got.loc[inside, "share"]).all()
    channels = got[got["question"] == "channel"]  # multiple choice: shares of respondents
    assert set(channels["code"]) == {"web", "tel", "app"}
    assert channels["se"].notna().all()
    a = nps(counter, clustered, by="organization", weights="w")
    b = nps(counter, clustered, by="organization", design=design)
    np.testing.assert_allclose(b["nps"], a["nps"], rtol=1e-12)
    assert (b["deff"] > 0).all()


def test_ipa_cluster_bootstrap_is_the_respondent_bootstrap_without_clusters(counter, clustered):
    design = SurveyDesign.from_frame(clustered, weights="w")  # every respondent a PSU
    a = ipa(counter, clustered, weights="w", n_boot=30, seed=4)
    b = ipa(counter, clustered, design=design, n_boot=30, seed=4)
    pd.testing.assert_frame_equal(a, b)
    c = ipa(counter, clustered, design=design_of(clustered), n_boot=30, seed=4)
    np.testing.assert_allclose(c["performance"], a["performance"], rtol=1e-12)
    assert c["membership"].between(0, 1).all()


def test_design_and_weights_together_are_refused(counter, clustered):
    with pytest.raises(OptionError, match="not both"):
        score_items(counter, clustered, weights="w", design=design_of(clustered))


def test_a_design_of_other_responses_is_refused(counter, clustered):
    with pytest.raises(DataError, match="400 rows and the responses 399"):
        nps(counter, clustered.iloc[1:], design=design_of(clustered))


def test_a_replicate_design_gives_its_replicate_errors(counter, clustered):
    replicate = ReplicateDesign.from_design(design_of(clustered), "JKn")
    got = score_items(counter, clustered, by="organization", design=replicate, questions=["speed"])
    frame = clustered.assign(speed=clustered["speed"].astype(float))
    again = ReplicateDesign.from_design(design_of(frame), "JKn")
    want = design_mean(again, "speed", by="organization", interval="t")
    for column in ("se", "ci_low", "ci_high", "df", "deff"):
        np.testing.assert_allclose(got[column], want[column], rtol=1e-12, err_msg=column)
    membership = ipa(counter, clustered, design=replicate, n_boot=5, seed=1)["membership"]
    assert membership.between(0, 1).all()


def test_the_respondents_bootstrap_is_refused_with_a_design(counter, clustered):
    with pytest.raises(OptionError, match="ReplicateDesign"):
        score_items(counter, clustered, design=design_of(clustered), method="bootstrap")
    with pytest.raises(OptionError, match="ReplicateDesign"):
        score_dimensions(counter, clustered, design=design_of(clustered), method="bootstrap",
                         lang="it")  # fmt: skip


def test_local_questions_each_scope_is_a_domain_of_the_whole_design():
    # Bolzano asks its own questions too; Trento the shared ones only. With include_local
    # each scope is scored on the whole design: Trento's rows are those of the shared run.
    bz, tn = "021008", "022205"
    scale = Scale.likert(5)
    shared = [
        Question("wait", "likert", "Attesa", dimension="time", scale=scale),
        Question("courtesy", "likert", "Cortesia", dimension="staff", scale=scale),
    ]
    local = [Question("bilingual", "likert", "Bilingue", dimension="staff", scale=scale,
                      organizations=[bz])]  # fmt: skip
    dims = [SurveyDimension("time", "Tempi"), SurveyDimension("staff", "Personale")]
    extended = Instrument("c", "C", dimensions=dims, questions=shared + local)
    rng = np.random.default_rng(3)
    org = np.repeat([bz, tn], 80)
    frame = pd.DataFrame({"organization": org, "day": rng.integers(1, 6, 160),
                          "w": rng.uniform(0.5, 2, 160)})  # fmt: skip
    for q in ("wait", "courtesy"):
        frame[q] = rng.integers(1, 6, 160).astype(float)
    frame["bilingual"] = np.where(org == bz, rng.integers(1, 6, 160), np.nan)
    design = SurveyDesign.from_frame(
        frame, weights="w", strata="organization", clusters="day", nest=True
    )
    options = {"by": "organization", "design": design, "lang": "it"}
    wide = score_dimensions(extended, frame, include_local=True, **options)
    narrow = score_dimensions(extended, frame, **options)
    columns = ["index", "se", "ci_low", "ci_high", "deff"]
    a = wide[wide["organization"] == tn][columns].to_numpy(dtype=float)
    b = narrow[narrow["organization"] == tn][columns].to_numpy(dtype=float)
    np.testing.assert_allclose(a, b, rtol=1e-12)
    assert wide.loc[wide["organization"] == bz, "local"].any()
    assert wide["deff"].notna().all()


def test_top_box_intervals_are_design_proportions(counter, clustered):
    # the linearised shares' logit intervals, computed for every item at once, are those
    # of design_proportion (R's svyciprop) one item at a time
    design = design_of(clustered)
    got = score_items(counter, clustered, by="organization", design=design, questions=["speed"])
    frame = clustered.assign(top=np.where(clustered["speed"] >= 4, 1.0, 0.0))
    want = design_proportion(design_of(frame), "top", by="organization", categories=[1.0])
    for mine, theirs in (("top_box_low", "ci_low"), ("top_box_high", "ci_high"),
                         ("top_box_se", "se"), ("top_box_deff", "deff")):  # fmt: skip
        np.testing.assert_allclose(got[mine], want[theirs], rtol=1e-10, err_msg=mine)
