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
        assert "linear calibration on 2 margins" in r.stderr


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
      "--calibration, --bounds e --trim valgono solo con --calibrate o --population-size"),
     (False, ("--bounds", "0.5,2"), "de",
      "--calibration, --bounds und --trim nur mit --calibrate oder --population-size"),
     (False, ("--trim", "0.5,2"), "en",
      "--calibration, --bounds and --trim only with --calibrate or --population-size"),
     (True, ("--trim", "2,1"), "it", "L < U"),
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


# --- the design file's calibration, the population size, numeric totals (issue 23) ---


def _design_toml(folder, body: str):
    """A design file in ``folder`` (its margins files named relative to it)."""
    folder.mkdir(exist_ok=True)
    path = folder / "design.toml"
    path.write_text(
        '[design]\nstrata = "sportello"\nclusters = "day"\nfpc = "days"\nnest = true\n'
        'weights = "w"\n' + body,
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    ("keys", "cli_options"),
    [("", ()),
     ('method = "logit"\nbounds = [0.5, 2]\n', ("--calibration", "logit", "--bounds", "0.5,2")),
     ('method = "raking"\ntrim = [0.8, 1.25]\n', ("--calibration", "raking", "--trim", "0.8,1.25")),
     ("population_size = 34000\n", ("--population-size", "34000"))],
)  # fmt: skip
def test_a_design_file_calibrates_as_the_options(files, tmp_path, keys, cli_options):
    form, responses, _, long, joint = files
    # the margins beside the design file, and one folder up: paths are relative to the file
    folder = tmp_path / "round"
    toml = _design_toml(folder, f'calibrate = ["../{long.name}", "margins/{joint.name}"]\n' + keys)
    (folder / "margins").mkdir()
    (folder / "margins" / joint.name).write_bytes(joint.read_bytes())
    common = ("survey", "score", form, responses, "--level", "items", "--format", "csv")
    by_options = run(*common, "--weights", "w", *FLAGS, "--calibrate", long, "--calibrate",
                     joint, *cli_options)  # fmt: skip
    by_file = run(*common, "--design", toml)
    assert by_options.exit_code == 0, by_options.output
    assert by_file.exit_code == 0, by_file.output
    pd.testing.assert_frame_equal(read(by_file.stdout), read(by_options.stdout))
    assert by_file.stderr == by_options.stderr
    # the method, bounds and trim change the numbers (else the comparison proves little)
    if "method" in keys:
        plain = run(*common, "--weights", "w", *FLAGS, "--calibrate", long, "--calibrate", joint)
        assert not np.allclose(read(plain.stdout)["se"], read(by_file.stdout)["se"])


def test_the_options_override_the_design_file(files, tmp_path):
    form, responses, _, long, joint = files
    toml = _design_toml(tmp_path / "round", f'calibrate = "{long}"\nmethod = "raking"\n')
    common = ("survey", "score", form, responses, "--level", "items", "--format", "csv")
    overridden = run(*common, "--design", toml, "--calibrate", joint, "--calibration", "linear")
    direct = run(*common, "--weights", "w", *FLAGS, "--calibrate", joint)
    assert overridden.exit_code == 0, overridden.output
    pd.testing.assert_frame_equal(read(overridden.stdout), read(direct.stdout))


def _numeric_margins(tmp_path, rows: str):
    path = tmp_path / "numeric.csv"
    path.write_text("variable,category,target\n" + rows, encoding="utf-8")
    return path


def test_numeric_totals_and_the_population_size_are_the_library(files, tmp_path, counter):
    form, responses, frame, _, _ = files
    # the population's total age (years): a numeric column's total, a row with no category
    ages = _numeric_margins(tmp_path, "organization,modena,18400\norganization,reggio,15600\n"
                                      "age,,1700000\n")  # fmt: skip
    r = run("survey", "score", form, responses, "--level", "items", "--weights", "w", *FLAGS,
            "--calibrate", ages, "--format", "csv")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "linear calibration on 2 margins" in r.stderr
    clean = validate(counter, frame, extra_columns=COLUMNS).clean
    flags = {"strata": "sportello", "clusters": "day", "fpc": "days", "nest": True}
    base = SurveyDesign.from_frame(clean, weights="w", **flags)
    design = calibrate(base, {"organization": ORGS, "age": 1_700_000.0})
    assert float(design.weights @ clean["age"].to_numpy()) == pytest.approx(1_700_000.0)
    want = score_items(counter, clean, design=design)
    np.testing.assert_allclose(read(r.stdout)["se"], want["se"].astype(float), rtol=1e-9)
    # the population size alone, and with a numeric total (R's intercept and age)
    only_age = _numeric_margins(tmp_path, "age,,1700000\n")
    for extra, population in (((), {}), (("--calibrate", only_age), {"age": 1_700_000.0})):
        r = run("survey", "score", form, responses, "--level", "items", "--weights", "w",
                *FLAGS, "--population-size", "34000", *extra, "--format", "csv")  # fmt: skip
        assert r.exit_code == 0, r.output
        design = calibrate(base, population, population_size=34_000.0)
        assert float(design.weights.sum()) == pytest.approx(34_000.0)
        want = score_items(counter, clean, design=design)
        np.testing.assert_allclose(read(r.stdout)["se"], want["se"].astype(float), rtol=1e-9)


def test_margins_named_as_the_registry_names_them(files, tmp_path):
    """``population`` / ``popolazione`` for ``target``, and a ``share`` beside: as the demo's."""
    form, responses, _, long, joint = files
    common = ("survey", "score", form, responses, "--weights", "w", *FLAGS, "--format", "csv")
    want = run(*common, "--calibrate", long, "--calibrate", joint)
    assert want.exit_code == 0, want.output
    registry = tmp_path / "registry.csv"
    cells = pd.read_csv(joint).rename(columns={"target": "population"})
    shares = cells["population"] / cells["population"].sum()
    cells.assign(share=shares).to_csv(registry, index=False)
    italian = tmp_path / "popolazione.csv"
    pd.read_csv(long).rename(columns={"target": "popolazione"}).to_csv(italian, index=False)
    got = run(*common, "--calibrate", italian, "--calibrate", registry)
    assert got.exit_code == 0, got.output
    pd.testing.assert_frame_equal(read(got.stdout), read(want.stdout))


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [('calibrate = "missing.csv"\n', "calibrate", "nessun file dei margini 'missing.csv'"),
     ("calibrate = 3\n", "calibrate", "calibrate è un file o un elenco di file"),
     ('method = "raking"\n', "method", "indicare anche calibrate"),
     ('calibrate = "m.csv"\nmethod = "logit"\n', "bounds", "richiede bounds = [L, U]"),
     ('calibrate = "m.csv"\nmethod = "ols"\n', "method", "method è linear, raking o logit"),
     ('calibrate = "m.csv"\nbounds = [2, 3]\n', "bounds", "L <= 1 <= U"),
     ('calibrate = "m.csv"\ntrim = [2]\n', "trim", "trim sono due numeri [L, U]"),
     ("population_size = -5\n", "population_size", "numero positivo"),
     ("populationsize = 5\n", "populationsize", "ammessi: weights, strata"),
     ('calibrate = "m.csv"\n', None, None)],
)  # fmt: skip
def test_a_bad_calibration_in_a_design_file_names_file_and_field(
    files, tmp_path, body, field, words
):
    form, responses, _, long, _ = files
    folder = tmp_path / "round"
    toml = _design_toml(folder, body)
    (folder / "m.csv").write_bytes(long.read_bytes())
    r = run("survey", "score", form, responses, "--design", toml, lang="it")
    if field is None:  # the well-formed twin runs
        assert r.exit_code == 0, r.output
        return
    assert r.exit_code == 1, r.output
    assert str(toml) in r.stderr
    assert f"campo '{field}'" in r.stderr
    assert words in r.stderr
    assert "Traceback" not in r.output


def test_a_design_file_not_utf8_is_named(files, tmp_path):
    form, responses, _, _, _ = files
    toml = tmp_path / "design.toml"
    toml.write_bytes('[design]\n# città\nstrata = "sportello"\n'.encode("cp1252"))
    r = run("survey", "score", form, responses, "--design", toml, lang="de")
    assert r.exit_code == 1, r.output
    assert str(toml) in r.stderr
    assert "UTF-8" in r.stderr
    assert "2" in r.stderr  # the line


def test_calibration_errors_name_the_files_and_the_responses_row(files, tmp_path):
    """A row is the responses file's (rows the validation dropped counted); a margin, its file."""
    form, responses, frame, _, _ = files
    bad = frame.copy()
    bad.loc[0, "wait"] = 77  # row 1 is dropped by the validation: the clean rows shift by one
    bad.loc[3, "sex"] = "X"  # row 4: a level the margins have no total for
    bad.to_csv(responses, index=False)
    sexes = tmp_path / "sessi.csv"
    sexes.write_text("variable,category,target\nsex,F,20000\nsex,M,14000\n", encoding="utf-8")
    r = run("survey", "score", form, responses, *FLAGS, *EXTRA, "--calibrate", sexes, lang="it")
    assert r.exit_code == 1, r.output
    assert f"{responses}, riga 4, colonna 'sex'" in r.stderr
    assert f"(i margini: {sexes})" in r.stderr
    # a numeric total on a column of text: the hint says what the row with no category does
    text = tmp_path / "canale.csv"
    text.write_text("variable,category,target\nchannel,,34000\n", encoding="utf-8")
    r = run("survey", "score", form, responses, *FLAGS, *EXTRA, "--calibrate", text,
            "--population-size", "40000", lang="en")  # fmt: skip
    assert r.exit_code == 1, r.output
    assert f"{responses}, row 2, column 'channel'" in r.stderr
    assert "a row with no category makes 'channel' a numeric column" in r.stderr


def test_a_level_no_respondent_has_names_the_margins_file(files, tmp_path):
    form, responses, _, long, joint = files
    more = tmp_path / "tre_citta.csv"
    three = long.read_text(encoding="utf-8") + "organization,parma,9000\n"
    more.write_text(three, encoding="utf-8")
    r = run("survey", "score", form, responses, *FLAGS, *EXTRA, "--calibrate", joint,
            "--calibrate", more, lang="it")  # fmt: skip
    assert r.exit_code == 1, r.output
    assert f"Errore: {more}: nessun rispondente ha organization = 'parma'" in r.stderr
    assert f"(le risposte: {responses})" in r.stderr
    assert "tenere nei margini le sole righe di quella parte" in r.stderr
    empty = tmp_path / "vuoto.csv"
    empty.write_text("variable,category,target\n", encoding="utf-8")
    r = run("survey", "score", form, responses, *FLAGS, *EXTRA, "--calibrate", empty, lang="de")
    assert r.exit_code == 1, r.output
    assert str(empty) in r.stderr
    assert "no rows" not in r.stderr  # in German


def test_a_design_error_names_the_responses_file_row(files):
    form, responses, frame, _, _ = files
    bad = frame.copy()
    bad.loc[0, "wait"] = 77  # dropped by the validation
    bad.loc[5, "w"] = -1.0
    bad.to_csv(responses, index=False)
    r = run("survey", "score", form, responses, "--weights", "w", *FLAGS, lang="it")
    assert r.exit_code == 1, r.output
    assert f"{responses}, riga 6, colonna 'w'" in r.stderr


# --- review s36 #1, #2, #3, #5, #15, #16: nothing accepted silently --------------------------


def test_numeric_totals_alone_need_the_population_size(files, tmp_path):
    # R survey 4.1.1 here: calibrate(des, ~b, population=c(b=1700)) warns "Sampling and
    # population totals have different names" (its formula has an intercept: it expects N)
    # and gives weights ~0 to b=0; only ~b-1 gives 1 and 566.67. We refuse and say what to add.
    form, responses, _, _, _ = files
    numeric = tmp_path / "w_total.csv"
    numeric.write_text("variable,category,target\nw,,1700000\n")
    for lang, words in (("it", "--population-size"), ("en", "--population-size")):
        r = run("survey", "score", form, responses, *FLAGS, *EXTRA, "--calibrate", numeric,
                lang=lang)  # fmt: skip
        assert r.exit_code != 0, r.output
        assert words in r.output
        assert "w_total.csv" in r.output
    ok = run("survey", "score", form, responses, *FLAGS, *EXTRA, "--calibrate", numeric,
             "--population-size", "40000")  # fmt: skip
    assert ok.exit_code == 0, ok.output


@pytest.mark.parametrize("totals", [(52, 48), (0.52, 0.48)])
def test_shares_instead_of_counts_are_refused(files, tmp_path, totals):
    form, responses, _, _, _ = files
    shares = tmp_path / "quote.csv"
    shares.write_text(
        f"variable,category,target\norganization,modena,{totals[0]}\norganization,reggio,"
        f"{totals[1]}\n"
    )
    r = run("survey", "score", form, responses, *FLAGS, *EXTRA, "--calibrate", shares, lang="it")
    assert r.exit_code != 0, r.output
    assert "quote.csv" in r.output
    assert "organization" in r.output
    assert f"sommano a {round(sum(totals))}, meno dei" in r.output
    assert "conteggi di popolazione" in r.output


def test_a_population_size_against_a_margin_blames_the_size(files, tmp_path):
    form, responses, _, long, _ = files
    r = run("survey", "score", form, responses, *FLAGS, *EXTRA, "--calibrate", long,
            "--population-size", "1234567", lang="it")  # fmt: skip
    assert r.exit_code != 0, r.output
    assert "--population-size" in r.output
    assert "1.234.567" in r.output
    assert "34.000" in r.output
    assert "e+0" not in r.output
    design = tmp_path / "d.toml"
    design.write_text(f'[design]\ncalibrate = "{long.name}"\npopulation_size = 100\n')
    r = run("survey", "score", form, responses, *EXTRA, "--design", design, lang="de")
    assert r.exit_code != 0, r.output
    assert "population_size" in r.output
    assert "d.toml" in r.output
    assert "34.000" in r.output


def test_numbers_in_calibration_messages_follow_the_locale():
    from qualitapa.errors import DataError
    from qualitapa.i18n import translator

    df = pd.DataFrame({"sex": list("FFFMMM"), "w": [1.0] * 6})
    d = SurveyDesign.from_frame(df, weights="w")
    with pytest.raises(DataError) as err:
        calibrate(d, {"sex": {"F": 2.5, "M": 3.0}}, bounds=(0.95, 1.05))
    assert "0,95" in err.value.render(translator("it"))
    assert "0.95" in str(err.value)
    with pytest.raises(DataError) as err:
        calibrate(d, {"sex": {"F": 3.0, "M": 3.0}}, trim=(1.5, 2.5), method="raking",
                  bounds=(0.5, 2.0))  # fmt: skip
    assert "1,5" in err.value.render(translator("de"))


def test_the_calibration_line_says_what_trim_and_bounds_bound(files, tmp_path):
    form, responses, _, long, joint = files
    # no weights: every respondent's base weight is 1, rescaled as R's grake does
    r = run("survey", "score", form, responses, *FLAGS[:2], "--calibrate", long,
            "--calibrate", joint, "--extra", "w")  # fmt: skip
    assert r.exit_code == 0, r.output
    line = next(x for x in r.stderr.splitlines() if "margin" in x)
    assert line.startswith("linear calibration on 2 margins"), line
    assert "rescaled" in line
    assert "--bounds" in line
    assert "--trim" in line
    de = run("survey", "score", form, responses, *FLAGS[:2], "--calibrate", long,
             "--calibrate", joint, "--extra", "w", lang="de")  # fmt: skip
    assert "lineare Kalibrierung auf 2" in de.stderr
    size = run("survey", "score", form, responses, *FLAGS[:2], "--calibrate", joint,
               "--population-size", "34000", "--extra", "w")  # fmt: skip
    assert size.exit_code == 0, size.output
    assert "on 1 margin and the population size" in size.stderr


def test_the_population_size_is_read_as_the_files_numbers(files, tmp_path):
    form, responses, frame, _, _ = files
    frame.to_csv(responses, index=False, sep=";", decimal=",")  # read the same both ways
    joint = tmp_path / "whole.csv"
    joint.write_text("sex,agegroup,target\n" + "".join(
        f"{s},{a},{t:.0f}\n" for (s, a), t in JOINT.items()))  # fmt: skip
    base = ("survey", "score", form, responses, *FLAGS, *EXTRA, "--calibrate", joint)
    plain = run(*base, "--population-size", "34000", "--format", "csv")
    assert plain.exit_code == 0, plain.output
    italian = run(*base, "--numbers", "it", "--population-size", "34.000", "--format", "csv")
    assert italian.exit_code == 0, italian.output
    assert italian.stdout == plain.stdout
    ambiguous = run(*base, "--population-size", "34.000", lang="it")
    assert ambiguous.exit_code == 2
    assert "si legge in due modi" in ambiguous.output
    bad = run(*base, "--population-size", "-5", lang="en")
    assert bad.exit_code == 2
    assert "is not a positive number" in bad.output


def test_a_logit_design_file_without_totals_says_the_totals_first(files, tmp_path):
    form, responses, _, _, _ = files
    design = tmp_path / "logit.toml"
    design.write_text('[design]\nstrata = "sportello"\nmethod = "logit"\n')
    r = run("survey", "score", form, responses, *EXTRA, "--design", design, lang="it")
    assert r.exit_code != 0
    assert "indicare anche calibrate" in r.output


def test_an_omnibus_compare_leaves_the_group_columns_blank(files):
    form, responses, _, long, joint = files
    # four counters (strata): an omnibus F over them, and their pairs
    r = run("survey", "compare", form, responses, *FLAGS, *EXTRA, "--calibrate", long,
            "--calibrate", joint, "--by", "sportello", "--pairwise", "--format", "csv")  # fmt: skip
    assert r.exit_code == 0, r.output
    got = read(r.stdout)
    omnibus = got["group_a"].isna() & got["group_b"].isna()
    assert omnibus.any()
    assert (~omnibus).any()
    for column in ("n_a", "n_b", "n_eff_a", "n_eff_b"):
        assert got.loc[omnibus, column].isna().all(), column
        assert got.loc[~omnibus, column].notna().all(), column


def test_rake_with_a_joint_margin_gives_the_flags_to_use(files):
    form, responses, _, _, joint = files
    r = run("survey", "score", form, responses, "--rake", joint, lang="it")
    assert r.exit_code != 0
    assert f"--calibrate {joint.name} --calibration raking" in r.output
    r = run("survey", "score", form, responses, "--rake", joint, lang="de")
    assert f"--calibrate {joint.name} --calibration raking" in r.output


def test_a_joint_margin_with_a_column_that_is_no_variable_says_to_drop_it(files, tmp_path):
    form, responses, _, _, _ = files
    noted = tmp_path / "fonte.csv"
    noted.write_text("sex,agegroup,fonte,target\n" + "".join(
        f"{s},{a},ISTAT,{t:.0f}\n" for (s, a), t in JOINT.items()))  # fmt: skip
    r = run("survey", "score", form, responses, *FLAGS, *EXTRA, "--calibrate", noted, lang="it")
    assert r.exit_code != 0
    assert "'fonte'" in r.output
    assert "va tolta (solo share o quota non sono lette)" in r.output
