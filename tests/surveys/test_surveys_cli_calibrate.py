"""``qualitapa survey score|benchmark|compare|ipa --calibrate MARGINS.csv``: calibrated designs.

The CLI's numbers are the library's (calibrate + score_items / score_dimensions
with design= on the validated responses); margins files are long
(variable,category,target) or joint (a column per variable and target), an
office-shaped one (cp1252, ``;``, ``1.234``) is read right with --numbers it;
options without what they need are usage errors in words.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from qualitapa.cli import cli
from qualitapa.surveys import (
    SurveyDesign,
    calibrate,
    score_dimensions,
    score_items,
    validate,
)

FLAGS = ("--strata", "sportello", "--clusters", "day", "--fpc", "days", "--nest")
EXTRA = ("--extra", "w")
#: population counts: organization (long), sex x age group (joint)
ORGS = {"modena": 18400.0, "reggio": 15600.0}
JOINT = {("F", "18-44"): 9000.0, ("F", "45+"): 8200.0, ("M", "18-44"): 8300.0, ("M", "45+"): 8500.0}
COLUMNS = ["organization", "sportello", "day", "days", "w", "sex", "agegroup"]


@pytest.fixture
def files(tmp_path, counter, synthetic):
    rng = np.random.default_rng(11)
    n = len(synthetic)
    frame = synthetic.assign(
        sportello=synthetic["organization"] + "-" + (np.arange(n) % 2).astype(str),
        day=rng.integers(1, 7, n),
        days=20,
        w=rng.uniform(50.0, 120.0, n),
        agegroup=np.where(synthetic["age"] < 45, "18-44", "45+"),
    )
    form = tmp_path / "form"
    counter.to_xlsform(form)
    responses = tmp_path / "responses.csv"
    frame.to_csv(responses, index=False)
    long = tmp_path / "orgs.csv"
    pd.DataFrame(
        {"variable": "organization", "category": list(ORGS), "target": list(ORGS.values())}
    ).to_csv(long, index=False)
    joint = tmp_path / "sex_age.csv"
    pd.DataFrame(
        [(s, a, t) for (s, a), t in JOINT.items()], columns=["sex", "agegroup", "target"]
    ).to_csv(joint, index=False)
    return form, responses, frame, long, joint


def run(*args: object, lang: str = "en"):
    return CliRunner().invoke(cli, [str(a) for a in args], env={"QUALITAPA_LANG": lang})


def read(output: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(output))


def library(counter, frame, *, design: bool = True, **options):
    """The library's calibrated design of the validated responses."""
    clean = validate(counter, frame, extra_columns=COLUMNS).clean
    flags = (
        {"strata": "sportello", "clusters": "day", "fpc": "days", "nest": True} if design else {}
    )
    base = SurveyDesign.from_frame(clean, weights="w", **flags)
    population = {"organization": ORGS, ("sex", "agegroup"): JOINT}
    return clean, calibrate(base, population, **options)


@pytest.mark.parametrize(
    ("options", "cli_options"),
    [({}, ()),
     ({"method": "raking"}, ("--calibration", "raking")),
     ({"method": "logit", "bounds": (0.5, 2.0)}, ("--calibration", "logit", "--bounds", "0.5,2"))],
)  # fmt: skip
def test_score_items_calibrated_is_the_library(files, counter, options, cli_options):
    form, responses, frame, long, joint = files
    r = run("survey", "score", form, responses, "--by", "organization", "--level", "items",
            "--weights", "w", *FLAGS, "--calibrate", long, "--calibrate", joint, *cli_options,
            "--format", "csv")  # fmt: skip
    assert r.exit_code == 0, r.output
    got = read(r.stdout)
    clean, design = library(counter, frame, **options)
    # the calibration met the totals (else the comparison proves little)
    assert design.weights[clean["organization"].to_numpy() == "modena"].sum() == pytest.approx(
        ORGS["modena"]
    )
    want = score_items(counter, clean, by="organization", design=design)
    for column in ("mean", "se", "ci_low", "ci_high", "df", "deff", "top_box_low"):
        np.testing.assert_allclose(got[column], want[column].astype(float), rtol=1e-9)
    if not options:  # the calibration changes the standard errors (the test can fail)
        plain = run("survey", "score", form, responses, "--by", "organization", "--level",
                    "items", "--weights", "w", *FLAGS, "--format", "csv")  # fmt: skip
        assert not np.allclose(read(plain.stdout)["se"], got["se"])


def test_without_a_design_the_respondents_are_independent(files, counter):
    form, responses, frame, long, joint = files
    r = run("survey", "score", form, responses, "--weights", "w", "--calibrate", long,
            "--calibrate", joint, "--format", "csv")  # fmt: skip
    assert r.exit_code == 0, r.output
    clean, design = library(counter, frame, design=False)
    want = score_dimensions(counter, clean, design=design, lang="en")
    np.testing.assert_allclose(read(r.stdout)["se"], want["se"].astype(float), rtol=1e-9)


def test_benchmark_compare_ipa_take_the_calibration(files):
    form, responses, _, long, joint = files
    for command in ("benchmark", "compare", "ipa"):
        r = run("survey", command, form, responses, *FLAGS, *EXTRA, "--calibrate", long,
                "--calibrate", joint, "--format", "csv")  # fmt: skip
        assert r.exit_code == 0, (command, r.output)
        assert "calibration linear on 2 margins" in r.stderr


def test_an_office_margins_file_is_read_right(files, tmp_path, counter):
    form, responses, frame, _, _ = files
    office = tmp_path / "margini.csv"
    rows = ["variable;category;target", "organization;modena;18.400", "organization;reggio;15.600"]
    office.write_bytes("\r\n".join(rows).encode("cp1252") + b"\r\n")
    # cp1252 with an accented column name: the joint margin sex x età
    accented = tmp_path / "sesso_eta.csv"
    lines = ["sex;età;target", *(f"{s};{a};{t:,.0f}".replace(",", ".") for (s, a), t in
                                  JOINT.items())]  # fmt: skip
    accented.write_bytes("\r\n".join(lines).encode("cp1252") + b"\r\n")
    frame.rename(columns={"agegroup": "età"}).to_csv(responses, index=False, sep=";", decimal=",")
    r = run("survey", "score", form, responses, "--weights", "w", *FLAGS, "--numbers", "it",
            "--calibrate", office, "--calibrate", accented, "--format", "csv")  # fmt: skip
    assert r.exit_code == 0, r.output
    clean, design = library(counter, frame)
    want = score_dimensions(counter, clean, design=design, lang="en")
    np.testing.assert_allclose(read(r.stdout)["se"], want["se"].astype(float), rtol=1e-9)


@pytest.mark.parametrize(
    ("margins", "args", "lang", "words"),
    [(False, ("--calibration", "raking"), "it",
      "--calibration e --bounds valgono solo con --calibrate"),
     (False, ("--bounds", "0.5,2"), "de", "--calibration und --bounds nur mit --calibrate"),
     (True, ("--calibration", "logit"), "en", "--calibration logit needs --bounds L,U"),
     (True, ("--bounds", "2,3"), "it", "L <= 1 <= U"),
     (True, ("--calibration", "logit", "--bounds", "1,2"), "de", "L < 1 < U")],
)  # fmt: skip
def test_options_without_what_they_need_are_usage_errors_in_words(
    files, margins, args, lang, words
):
    form, responses, _, long, _ = files
    more = ("--calibrate", long) if margins else ()
    r = run("survey", "score", form, responses, *FLAGS, *EXTRA, *more, *args, lang=lang)
    assert r.exit_code == 2, r.output
    assert words in r.output


def test_rake_and_calibrate_together_are_refused(files):
    form, responses, _, long, _ = files
    r = run("survey", "score", form, responses, "--rake", long, "--calibrate", long, *EXTRA,
            lang="it")  # fmt: skip
    assert r.exit_code == 2
    assert "indicare --rake o --calibrate, non entrambi" in r.output


def test_a_margin_with_no_population_total_names_the_level(files, tmp_path):
    form, responses, _, long, _ = files
    short = tmp_path / "short.csv"
    short.write_text("variable,category,target\norganization,modena,18400\n")
    r = run("survey", "score", form, responses, *FLAGS, *EXTRA, "--calibrate", short)
    assert r.exit_code != 0
    assert "reggio" in r.output
    twice = run("survey", "score", form, responses, *FLAGS, *EXTRA, "--calibrate", long,
                "--calibrate", long)  # fmt: skip
    assert twice.exit_code != 0
    assert "organization" in twice.output


def test_the_two_layouts_give_one_population_whatever_the_row_order():
    from qualitapa.surveys import population_from_frame

    long = pd.DataFrame({"variable": "sex", "category": ["F", "M"], "target": [520, 480]})
    single = pd.DataFrame({"sex": ["M", "F"], "target": ["480", "520"]})
    assert population_from_frame(long) == population_from_frame(single)
    joint = pd.DataFrame(
        [(s, a, t) for (s, a), t in JOINT.items()], columns=["sex", "agegroup", "target"]
    )
    shuffled = joint.sample(frac=1.0, random_state=3)
    assert population_from_frame(joint) == population_from_frame(shuffled)
    assert population_from_frame(joint) == {("sex", "agegroup"): JOINT}
