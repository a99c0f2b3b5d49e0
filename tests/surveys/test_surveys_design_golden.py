"""qualitapa.surveys' design-based estimators against R `survey`: golden files.

``golden/make_design_golden.R`` (R 4.2.2, survey 4.1.1; regenerate with
``Rscript tests/surveys/golden/make_design_golden.R``) writes the inputs (R's
``apistrat`` and ``apiclus1``, the survey manual's examples, and a synthetic
Likert survey with city x counter strata and survey days as clusters) and R's
``svymean``, ``svytotal``, ``svyratio``, ``svyciprop`` (logit; beta: Korn-Graubard),
``svyby``
results with ``deff = TRUE`` and ``deff = "replace"`` and ``degf``, under each
``survey.lonely.psu`` rule. Same method: estimates to 1e-8, SE 1e-6.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from qualitapa.surveys import (
    SurveyDesign,
    design_chisq,
    design_mean,
    design_proportion,
    design_ratio,
    design_total,
)

GOLDEN = Path(__file__).parent / "golden"
RESULTS = pd.read_csv(GOLDEN / "design_results.csv", keep_default_na=False, na_values=[""])
RESULTS["by"] = RESULTS["by"].fillna("")

LIKERT = {"weights": "w", "strata": "stratum", "clusters": "day", "nest": True}
DESIGNS = {
    "apistrat": ("design_apistrat.csv", {"weights": "pw", "strata": "stype", "fpc": "fpc"}),
    "apistrat_nofpc": ("design_apistrat.csv", {"weights": "pw", "strata": "stype"}),
    "apiclus1": ("design_apiclus1.csv", {"weights": "pw", "clusters": "dnum", "fpc": "fpc"}),
    "likert": ("design_likert.csv", {**LIKERT, "fpc": "days"}),
    "likert_lonely": ("design_likert_lonely.csv", {**LIKERT, "fpc": "days"}),
    "likert_lonely_nofpc": ("design_likert_lonely.csv", LIKERT),
}


def design(name: str, lonely: str) -> SurveyDesign:
    file, options = DESIGNS[name]
    data = pd.read_csv(GOLDEN / file, keep_default_na=False, na_values=[""])
    return SurveyDesign.from_frame(data, lonely_psu=lonely, **options)  # type: ignore[arg-type]


def estimate(d: SurveyDesign, statistic: str, variable: str, by: str | None, deff: str):
    if statistic == "mean":
        return design_mean(d, variable, by=by, deff=deff)  # type: ignore[arg-type]
    if statistic == "total":
        return design_total(d, variable, by=by, deff=deff)  # type: ignore[arg-type]
    if statistic == "ratio":
        num, den = variable.split("/")
        return design_ratio(d, num, den, by=by, deff=deff)  # type: ignore[arg-type]
    column, value = variable.split("=")
    category: object = value.strip("'") if value.startswith("'") else float(value)
    method = "beta" if statistic == "ciprop_beta" else "logit"
    return design_proportion(
        d,
        column,
        by=by,
        categories=[category],
        deff=deff,
        method=method,  # type: ignore[arg-type]
    )


CASES = RESULTS.groupby(["design", "lonely", "statistic", "variable", "by"], sort=False).size()


@pytest.mark.parametrize(
    ("name", "lonely", "statistic", "variable", "by"),
    [tuple(key) for key in CASES.index],
    ids=["-".join(str(k) for k in key if k) for key in CASES.index],
)
def test_design_estimates_match_r_survey(name, lonely, statistic, variable, by):
    assert_like_r(design(name, lonely), RESULTS, (name, lonely, statistic, variable, by))


def assert_like_r(d, results: pd.DataFrame, case: tuple, ci_rtol: float = 1e-8) -> None:
    """The estimator's table of a golden case (design, lonely, statistic, variable, by) is R's."""
    name, lonely, statistic, variable, by = case
    expected = results[
        (results["design"] == name)
        & (results["lonely"] == lonely)
        & (results["statistic"] == statistic)
        & (results["variable"] == variable)
        & (results["by"] == by)
    ]
    got = estimate(d, statistic, variable, by or None, "srswor")
    assert len(got) == len(expected)
    if by:  # the same domains, in R's order
        assert got[by].astype(str).tolist() == expected["domain"].astype(str).tolist()
    np.testing.assert_allclose(got["estimate"], expected["estimate"], rtol=1e-8)
    np.testing.assert_allclose(got["se"], expected["se"], rtol=1e-6, atol=1e-12)
    np.testing.assert_allclose(got["ci_low"], expected["ci_low"], rtol=ci_rtol)
    np.testing.assert_allclose(got["ci_high"], expected["ci_high"], rtol=ci_rtol)
    np.testing.assert_array_equal(got["df"], expected["df"])
    if expected["deff"].notna().any():
        np.testing.assert_allclose(got["deff"], expected["deff"], rtol=1e-6)
    if expected["deff_replace"].notna().any():
        replace = estimate(d, statistic, variable, by or None, "srswr")
        np.testing.assert_allclose(replace["deff"], expected["deff_replace"], rtol=1e-6)


def test_golden_cases_cover_every_design_rule_and_statistic():
    # a test that could pass on an empty or truncated golden file would prove nothing
    assert set(RESULTS["design"]) == set(DESIGNS)
    assert set(RESULTS["lonely"]) == {"fail", "adjust", "average", "certainty", "remove"}
    assert set(RESULTS["statistic"]) == {"mean", "total", "ratio", "ciprop", "ciprop_beta"}
    assert len(CASES) >= 40


def test_lonely_psu_rules_give_different_variances_as_in_r():
    # the rules matter on this design (else the golden cases would not tell them apart)
    se = RESULTS.query("design == 'likert_lonely_nofpc' & statistic == 'mean'").set_index("lonely")[
        "se"
    ]
    assert se["adjust"] != se["average"] != se["remove"]
    assert se["certainty"] == se["remove"]


# -- svychisq ----------------------------------------------------------------------------

CHISQ = pd.read_csv(GOLDEN / "design_chisq.csv", keep_default_na=False, na_values=[""])


@pytest.mark.parametrize(
    "row",
    CHISQ.to_dict("records"),
    ids=[f"{r.design}-{r.lonely}-{r.rows}-{r.cols}-{r.statistic}" for r in CHISQ.itertuples()],
)
def test_rao_scott_matches_r_svychisq(row):
    d = design(row["design"], row["lonely"])
    t = design_chisq(
        d, row["rows"], row["cols"], statistic=row["statistic"].replace("Chisq", "chisq")
    )
    assert t.value == pytest.approx(row["value"], rel=1e-8)
    assert t.df_num == pytest.approx(row["ndf"], rel=1e-8)
    assert t.p_value == pytest.approx(row["p_value"], rel=1e-6)
    if row["statistic"] == "F":
        assert t.df_den == pytest.approx(row["ddf"], rel=1e-8)
    else:
        assert np.isnan(t.df_den)
