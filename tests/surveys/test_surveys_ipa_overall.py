"""IPA: the overall-satisfaction question is the target of derived importance, never an attribute.

Issue 15: the report plotted the registry questionnaire's ``overall`` question as an
aspect of the service, with the highest "importance" (0.79 against 0.68-0.73 for
the real aspects) because it was correlated with an index it is part of.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from qualitapa import DataError
from qualitapa.surveys import Instrument, Question, Scale, SurveyDimension, ipa

LIKERT = Scale.likert(5)


def _instrument(*, stated: bool = False, overall_dimension: str = "overall_satisfaction"):
    """Two aspects in two dimensions and an overall question in its own dimension."""
    qs = [
        Question("hours", "likert", "Orari", dimension="access", scale=LIKERT),
        Question("staff", "likert", "Personale", dimension="people", scale=LIKERT),
        Question("clarity", "likert", "Chiarezza", dimension="people", scale=LIKERT),
        Question("overall", "likert", "Complessivamente", dimension=overall_dimension,
                 scale=LIKERT),
    ]  # fmt: skip
    if stated:
        qs += [Question(f"imp_{q}", "likert", f"Importanza {q}", scale=LIKERT, importance_of=q)
               for q in ("hours", "staff", "clarity")]  # fmt: skip
    dims = [SurveyDimension(d, d.title()) for d in ("access", "people", overall_dimension)]
    return Instrument("x", "X", dimensions=dims, questions=qs)


@pytest.fixture
def responses() -> pd.DataFrame:
    rng = np.random.default_rng(5)
    n = 400
    df = pd.DataFrame({q: rng.integers(1, 6, n).astype(float) for q in ("hours", "staff",
                                                                          "clarity")})  # fmt: skip
    noise = rng.normal(0, 0.6, n)
    df["overall"] = np.clip(np.round(0.6 * df["hours"] + 0.3 * df["staff"] + noise), 1, 5)
    df.loc[rng.choice(n, 40, replace=False), "staff"] = np.nan
    for q in ("hours", "staff", "clarity"):
        df[f"imp_{q}"] = rng.integers(3, 6, n).astype(float)
    return df


def test_overall_question_is_not_an_attribute_by_default(responses):
    r = ipa(_instrument(), responses)
    assert r["question"].tolist() == ["hours", "staff", "clarity"]
    assert (r["importance_method"] == "derived_correlation").all()
    # the target is the overall question: pairwise-complete Pearson correlation, as
    # pandas DataFrame.corr() computes it (an independent implementation)
    expected = (
        responses[["hours", "staff", "clarity", "overall"]]
        .corr()
        .loc[["hours", "staff", "clarity"], "overall"]
    )
    np.testing.assert_allclose(r["importance"].to_numpy(), expected.to_numpy(), rtol=1e-10)
    # the same as naming it
    named = ipa(_instrument(), responses, overall="overall")
    pd.testing.assert_frame_equal(r, named)
    # the quadrant lines cross at the mean of the aspects only
    assert r["performance_axis"].iloc[0] == pytest.approx(r["performance"].mean())
    assert r["importance_axis"].iloc[0] == pytest.approx(r["importance"].mean())


def test_overall_question_is_not_an_attribute_with_stated_importance(responses):
    # every aspect has an importance item, the overall question has none: "auto"
    # chooses stated importance (before: derived, because overall had none)
    inst = _instrument(stated=True)
    r = ipa(inst, responses)
    assert r["question"].tolist() == ["hours", "staff", "clarity"]
    assert (r["importance_method"] == "stated").all()
    assert r["importance"].iloc[0] == pytest.approx((responses["imp_hours"].mean() - 1) * 25)
    # naming the overall question leaves it out as well
    named = ipa(inst, responses, importance="stated", overall="overall")
    assert named["question"].tolist() == ["hours", "staff", "clarity"]


def test_without_an_overall_dimension_nothing_is_left_out(responses):
    # no dimension by the convention's name: every scored item is an aspect, the target
    # is the respondent's mean index (the former behaviour)
    inst = _instrument(overall_dimension="general")
    r = ipa(inst, responses, importance="derived")
    assert r["question"].tolist() == ["hours", "staff", "clarity", "overall"]
    r = ipa(inst, responses, importance="derived", overall="overall")
    assert "overall" not in set(r["question"])


def test_an_overall_question_that_is_not_scaled_is_refused(responses):
    inst = Instrument("x", "X", dimensions=[SurveyDimension("d", "D")], questions=[
        Question("a", "likert", "A", dimension="d", scale=LIKERT),
        Question("b", "likert", "B", dimension="d", scale=LIKERT),
        Question("note", "text", "Note"),
    ])  # fmt: skip
    with pytest.raises(DataError, match="not scaled"):
        ipa(inst, pd.DataFrame({"a": [1, 2], "b": [2, 3], "note": ["x", "y"]}), overall="note")
    with pytest.raises(DataError, match="besides overall satisfaction"):
        ipa(inst, pd.DataFrame({"a": [1, 2], "b": [2, 3]}), overall="a", importance="derived")
