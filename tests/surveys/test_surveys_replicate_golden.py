"""qualitapa.surveys' replicate-weight designs against R `survey`: golden files.

``golden/make_replicate_golden.R`` (R 4.2.2, survey 4.1.1; regenerate with
``Rscript tests/surveys/golden/make_replicate_golden.R``) builds R's
``as.svrepdesign`` designs (JK1 on ``apiclus1``, with FPC and without it under
``mse = TRUE``; JKn on ``apistrat`` and on the Likert survey, under each
``survey.lonely.psu`` rule; BRR and Fay on survey's ``scd`` example and on
``apistrat`` in 6 strata of 2 PSUs; the bootstrap, whose replicate factors it
exports since R's random numbers differ) and ``svrepdesign`` designs from
supplied (combined) JK1 and JKn weights, and writes ``svymean``, ``svytotal``,
``svyratio``, ``svyciprop`` (logit: ``svyglm`` on each replicate; beta) and
``svyby`` results with ``deff`` and ``degf``. Estimates to 1e-8, SE 1e-6.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from qualitapa.surveys import ReplicateDesign, SurveyDesign

from .test_surveys_design_golden import assert_like_r  # the same checks as the linearised

GOLDEN = Path(__file__).parent / "golden"
RESULTS = pd.read_csv(GOLDEN / "replicate_results.csv", keep_default_na=False, na_values=[""])
RESULTS["by"] = RESULTS["by"].fillna("")
DESIGNS = pd.read_csv(GOLDEN / "replicate_designs.csv").set_index(["design", "lonely"])


def read(name: str) -> pd.DataFrame:
    return pd.read_csv(GOLDEN / name, keep_default_na=False, na_values=[""])


LIKERT = {"weights": "w", "strata": "stratum", "clusters": "day", "nest": True}
APICLUS1 = {"weights": "pw", "clusters": "dnum"}
BRR = {"weights": "pw", "strata": "stratum", "clusters": "half", "nest": True}
SCD = {"strata": "ESA", "clusters": "ambulance", "nest": True}
CONVERTED = {  # name: (file, design, type, options)
    "apiclus1_jk1": ("design_apiclus1.csv", {**APICLUS1, "fpc": "fpc"}, "JK1", {}),
    "apiclus1_jk1_nofpc_mse": ("design_apiclus1.csv", APICLUS1, "JK1", {"mse": True}),
    "apistrat_jkn": (
        "design_apistrat.csv",
        {"weights": "pw", "strata": "stype", "fpc": "fpc"},
        "JKn",
        {},
    ),
    "likert_jkn": ("design_likert.csv", {**LIKERT, "fpc": "days"}, "JKn", {}),
    "likert_lonely_nofpc_jkn": ("design_likert_lonely.csv", LIKERT, "JKn", {}),
    "scd_brr": ("replicate_scd.csv", SCD, "BRR", {}),
    "scd_fay": ("replicate_scd.csv", SCD, "Fay", {"rho": 0.3}),
    "apistrat_brr": ("replicate_brr.csv", BRR, "BRR", {}),
    "apistrat_fay": ("replicate_brr.csv", BRR, "Fay", {"rho": 0.5}),
}


def design(name: str, lonely: str) -> ReplicateDesign:
    scale = float(DESIGNS.loc[(name, lonely), "scale"])
    if name in CONVERTED:
        file, options, kind, extra = CONVERTED[name]
        base = SurveyDesign.from_frame(read(file), lonely_psu=lonely, **options)  # type: ignore[arg-type]
        return ReplicateDesign.from_design(base, kind, **extra)  # type: ignore[arg-type]
    if name.endswith("_boot"):  # R's bootstrap factors (not combined) and its scale
        data = read(f"replicate_boot_{name.removesuffix('_boot')}.csv")
        return ReplicateDesign.from_frame(
            data,
            replicate_weights="^rw[0-9]+$",
            weights="pw",
            type="bootstrap",
            combined=False,
            scale=scale,
        )
    if name == "supplied_jk1":
        data = read("replicate_supplied.csv")
        return ReplicateDesign.from_frame(
            data, replicate_weights="^jk[0-9]+$", weights="pw", type="JK1", scale=scale
        )
    rscales = read("replicate_supplied_rscales.csv")["rscales"].to_numpy()
    return ReplicateDesign.from_frame(
        read("replicate_supplied_jkn.csv"),
        replicate_weights=[f"jkn{i}" for i in range(1, len(rscales) + 1)],
        weights="w",
        type="JKn",
        rscales=rscales,
        mse=True,
    )


CASES = RESULTS.groupby(["design", "lonely", "statistic", "variable", "by"], sort=False).size()


@pytest.mark.parametrize(
    ("name", "lonely", "statistic", "variable", "by"),
    [tuple(key) for key in CASES.index],
    ids=["-".join(str(k) for k in key if k) for key in CASES.index],
)
def test_replicate_estimates_match_r_survey(name, lonely, statistic, variable, by):
    # R's logit interval refits svyglm on each replicate (glm.fit stops at a deviance change
    # of 1e-8), so its replicate logits, and the interval's width, carry that error: an SE's
    tolerance = 1e-6 if statistic == "ciprop" else 1e-8
    case = (name, lonely, statistic, variable, by)
    assert_like_r(design(name, lonely), RESULTS, case, ci_rtol=tolerance)


@pytest.mark.parametrize(
    ("name", "lonely"), list(DESIGNS.index), ids=["-".join(k) for k in DESIGNS.index]
)
def test_replicate_design_scale_count_and_df_match_r(name, lonely):
    row = DESIGNS.loc[(name, lonely)]
    d = design(name, lonely)
    assert d.n_replicates == row["replicates"]
    assert d.scale == pytest.approx(row["scale"], rel=1e-12)
    assert d.degrees_of_freedom == row["degf"]
    assert d.mse == bool(row["mse"])


def r_hadamard(strata: int) -> np.ndarray:
    """R's ``survey:::hadamard(strata)`` (0/1), from the golden file."""
    long = read("replicate_hadamard.csv").query("strata == @strata")
    h = np.zeros((long["row"].max(), long["column"].max()), dtype=int)
    h[long["row"] - 1, long["column"] - 1] = long["value"]
    return h


@pytest.mark.parametrize("strata", [*range(1, 8), *range(12, 16)])
def test_default_hadamard_is_r_survey_s(strata):
    from qualitapa.surveys._replicate import _hadamard

    np.testing.assert_array_equal(_hadamard(strata, None), r_hadamard(strata))


@pytest.mark.parametrize("strata", range(8, 12))
def test_r_s_paley_hadamard_for_8_to_11_strata_can_be_given(strata):
    from qualitapa.surveys._replicate import _hadamard

    paley = r_hadamard(strata)
    assert paley.shape == (12, 12)  # R's; ours would be Sylvester's 16
    np.testing.assert_array_equal(_hadamard(strata, paley), paley)


def test_golden_cases_cover_every_type_rule_and_statistic():
    # a test that could pass on an empty or truncated golden file would prove nothing
    assert set(DESIGNS["type"]) == {"JK1", "JKn", "BRR", "Fay", "bootstrap"}
    assert set(RESULTS["lonely"]) == {"fail", "adjust", "average", "certainty", "remove"}
    assert set(RESULTS["statistic"]) == {"mean", "total", "ratio", "ciprop", "ciprop_beta"}
    assert set(RESULTS["design"]) == {n for n, _ in DESIGNS.index}
    assert (RESULTS["by"] != "").sum() >= 60
    assert len(CASES) >= 100
