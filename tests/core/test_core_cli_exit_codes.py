"""Commands that produce nothing because of their input fail and say why (issue 12, defect 10).

Exit codes: 0 done (an empty answer to a valid question, such as "no
problems", is done); 1 a problem in the input, said in one line on stderr;
2 a wrong command line (click's usage errors).
"""

from __future__ import annotations

import io

import pandas as pd
import pytest
from click.testing import CliRunner

from qualitapa.cli import cli
from qualitapa.testing import isolated_plugins


@pytest.fixture(autouse=True)
def _english_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests read the command line's English messages (Italian is the default)."""
    monkeypatch.setenv("QUALITAPA_LANG", "en")


PLUGINS = ["libraries", "registry", "qclub"]

RAW = """organization,period,variable,value
022205,2023,libraries.loans,110000
022205,2024,libraries.loans,112500
016024,2023,libraries.loans,85000
016024,2024,libraries.loans,88000
021008,2023,libraries.loans,120000
021008,2024,libraries.loans,118000
"""


def run(*args: object, plugins: list[str] | None = None) -> tuple[int, str, str]:
    with isolated_plugins(PLUGINS if plugins is None else plugins):
        result = CliRunner().invoke(cli, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def one_line_error(err: str) -> str:
    lines = err.strip().splitlines()
    assert lines, "nothing said on stderr"
    assert lines[0].startswith("Error: "), err
    assert "Traceback" not in err
    return lines[0]


@pytest.fixture
def raw(tmp_path):
    path = tmp_path / "raw.csv"
    path.write_text(RAW, encoding="utf-8")
    return path


@pytest.fixture
def values(tmp_path, raw):
    code, out, err = run("indicators", "compute", raw, "-i", "libraries.loans_per_inhabitant",
                         "--format", "csv")  # fmt: skip
    assert code == 0, err
    path = tmp_path / "values.csv"
    path.write_text(out, encoding="utf-8")
    return path


# -- indicators -----------------------------------------------------------------


def test_indicators_list_of_an_unknown_service(raw):
    code, out, err = run("indicators", "list", "--service", "librarys")
    assert code == 1
    assert out == ""
    assert "unknown service 'librarys'; did you mean 'libraries'" in one_line_error(err)


def test_indicators_list_that_selects_nothing():
    code, _, err = run(
        "indicators", "list", "--service", "registry.civil_status", "--dimension", "impact"
    )
    assert code == 1
    assert (
        "no indicators of service 'registry.civil_status' with dimension 'impact'"
        in one_line_error(err)
    )


def test_indicators_check_reports_a_misspelt_variable(tmp_path):
    path = tmp_path / "raw.csv"
    path.write_text(RAW.replace("libraries.loans", "libraries.loan"), encoding="utf-8")
    code, out, _ = run("indicators", "check", path, "-s", "libraries", "--format", "csv")
    assert code == 1
    problems = pd.read_csv(io.StringIO(out))
    assert len(problems) == 6
    assert set(problems["variable"]) == {"libraries.loan"}
    assert problems["problem"].str.contains("did you mean 'libraries.loans'").all()


def test_indicators_check_of_clean_data_says_so(raw):
    code, out, err = run("indicators", "check", raw, "-i", "libraries.loans_per_inhabitant")
    assert code == 0
    assert out == ""
    assert "no problems" in err


def test_indicators_compute_that_computes_nothing(tmp_path):
    path = tmp_path / "raw.csv"
    path.write_text(RAW.replace("libraries.loans", "libraries.loan"), encoding="utf-8")
    code, out, err = run("indicators", "compute", path, "-i", "libraries.loans_per_inhabitant")
    assert code == 1
    assert out == ""
    line = one_line_error(err)
    assert "no indicator could be computed" in line
    assert "libraries.loans" in line  # what is missing
    assert "indicators check" in line  # what to do


def test_trends_of_a_misspelt_indicator(values):
    code, out, err = run("indicators", "trends", values, "-i", "libraries.loans_per_inhabitan")
    assert code == 1
    assert out == ""
    assert "did you mean 'libraries.loans_per_inhabitant'" in one_line_error(err)


def test_targets_of_an_indicator_the_file_does_not_have(values):
    code, _, err = run("indicators", "targets", values, "-i", "libraries.opening_hours")
    assert code == 1
    line = one_line_error(err)
    assert "no values of libraries.opening_hours" in line
    assert "libraries.loans_per_inhabitant" in line  # what the file has


def test_benchmark_of_a_period_without_data(raw):
    code, out, err = run("benchmark", raw, "-i", "libraries.loans_per_inhabitant", "-p", "2025")
    assert code == 1
    assert out == ""
    assert "no data for period 2025 (periods in the data: 2023, 2024)" in one_line_error(err)


def test_benchmark_of_an_unknown_peer_group(raw):
    code, _, err = run("benchmark", raw, "-i", "libraries.loans_per_inhabitant", "-g", "size")
    assert code == 1
    assert "unknown peer group 'size'" in one_line_error(err)


def test_dea_of_a_period_without_data(tmp_path):
    path = tmp_path / "dea.csv"
    path.write_text("organization,period,staff,loans\n022205,2024,10,100\n016024,2024,8,90\n")
    code, _, err = run("dea", path, "--inputs", "staff", "--outputs", "loans", "-p", "2023")
    assert code == 1
    assert "no data for period 2023 (periods in the data: 2024)" in one_line_error(err)


# -- surveys ----------------------------------------------------------------


@pytest.fixture
def hopeless_responses(tmp_path):
    path = tmp_path / "responses.csv"
    path.write_text(
        "respondent,organization,period,staff_courtesy\nR1,022205,2024,7\nR2,022205,2024,8\n"
    )
    return path


def test_survey_score_with_no_clean_response(hopeless_responses):
    code, out, err = run("survey", "score", "registry.counter", hopeless_responses)
    assert code == 1
    assert out == ""
    assert "no responses to analyse: validation refused all 2 rows" in err
    assert "survey validate" in err


def test_survey_validate_with_no_clean_response(hopeless_responses):
    code, _, err = run("survey", "validate", "registry.counter", hopeless_responses)
    assert code == 1
    assert "0 clean" in err


# -- complaints -------------------------------------------------------------

# day-first dates (08/01/2024) are the I/O issue's (#17): ISO dates here
COMPLAINTS = (
    "id;kind;channel;service;received_at;organization;description\r\n"
    "2024/1;complaint;email;registry;2024-01-08;022205;Attesa allo sportello, è lunga\r\n"
)


def test_reading_a_register_that_does_not_exist_is_an_error(tmp_path):
    db = tmp_path / "reclami.db"
    for command in (["kpis"], ["pareto"], ["trend"], ["export"], ["show", "2024/1"]):
        code, out, err = run("complaints", *command, "--db", db)
        assert code == 1, command
        assert out == ""
        line = one_line_error(err)
        assert "no register" in line
        assert "complaints init" in line
    assert not db.exists()  # a typo in --db creates nothing


def test_import_into_a_register_that_does_not_exist(tmp_path):
    src = tmp_path / "reclami.csv"
    src.write_bytes(COMPLAINTS.encode("utf-8-sig"))
    db = tmp_path / "reclami.db"
    code, _, err = run("complaints", "import", src, "--db", db)
    assert code == 1
    assert "--create" in one_line_error(err)
    assert not db.exists()
    code, _, err = run("complaints", "import", src, "--db", db, "--create")
    assert code == 0, err
    assert "imported 1 complaint" in err


def test_init_creates_an_empty_register_once(tmp_path):
    db = tmp_path / "reclami.db"
    code, _, err = run("complaints", "init", "--db", db)
    assert code == 0, err
    assert db.exists()
    code, _, err = run("complaints", "init", "--db", db)
    assert code == 1
    assert "already exists" in one_line_error(err)
    code, _, err = run("complaints", "kpis", "--db", db)
    assert code == 1
    assert "has no complaints" in one_line_error(err)


def test_an_import_that_rejects_every_row_fails(tmp_path):
    src = tmp_path / "reclami.csv"
    src.write_text(COMPLAINTS.replace("email", "piccione"), encoding="utf-8")
    db = tmp_path / "reclami.db"
    code, out, err = run("complaints", "import", src, "--db", db, "--create", "--format", "csv")
    assert code == 1
    assert "imported 0 complaints" in err
    assert "every row was rejected" in err
    assert "channel" in out  # the problems are listed


# -- standards, reports, demo -------------------------------------------------


def test_standards_check_that_matches_no_standard(tmp_path):
    path = tmp_path / "values.csv"
    path.write_text("organization,period,indicator,value\n022205,2024,libraries.loans,1\n")
    code, out, err = run("standards", "check", "--values", path, "--service", "libraries")
    assert code == 1
    assert out == ""
    assert "no standard" in one_line_error(err)


def test_standards_for_an_organization_given_by_name():
    code, out, err = run(
        "--lang", "it", "standards", "list", "--organization", "Trento", "--format", "csv"
    )
    assert code == 0, err
    assert err.startswith("Nota: ente 'Trento' letto come Trento (022205) (dal nome)")
    assert "libraries.std.opening_hours" in out


def test_report_of_an_unknown_service(values, tmp_path):
    code, _, err = run("report", "-s", "librarys", "-p", "2024", "--values", values,
                       "-o", tmp_path / "r.html")  # fmt: skip
    assert code == 1
    assert "unknown service 'librarys'" in one_line_error(err)
    assert not (tmp_path / "r.html").exists()


def test_report_of_a_period_without_data(values, tmp_path):
    code, _, err = run("report", "-s", "libraries", "-p", "2030", "--values", values,
                       "-o", tmp_path / "r.html")  # fmt: skip
    assert code == 1
    one_line_error(err)
    assert not (tmp_path / "r.html").exists()


def test_usage_errors_exit_2(raw):
    assert run("benchmark")[0] == 2  # DATA missing
    assert run("indicators", "compute", raw, "--numbers", "fr")[0] == 2
    assert run("complaints", "kpis", "--by")[0] == 2
    assert run("indicators", "list", "--dimension", "equity")[0] == 2


# -- every failure class, one test each (docs/getting-started.md, "Exit codes") ----


@pytest.mark.parametrize(
    "args",
    [
        ("indicators", "lists"),  # an unknown command
        ("indicators", "list", "--colour"),  # an unknown option
        ("benchmark",),  # a missing argument
        ("indicators", "list", "--dimension", "equity"),  # a value not among the choices
        ("--lang", "deutsch!", "indicators", "list"),  # a malformed language code
        ("indicators", "list", "-o", "list.docx"),  # -o naming no format
        ("indicators", "list", "--format", "xlsx"),  # a file format without a file
        ("--quiet", "--verbose", "indicators", "list"),  # options that exclude each other
        ("indicators", "compute", "no-such-file.csv"),  # a file that does not exist
    ],
)
def test_a_wrong_command_line_exits_2_with_usage(args):
    code, out, err = run(*args)
    assert code == 2, err
    assert out == ""
    assert "Usage:" in err
    assert "Traceback" not in err


def test_an_ambiguous_number_in_the_input_exits_1(tmp_path):
    path = tmp_path / "raw.csv"
    path.write_text(RAW.replace("112500", '"112.500"'), encoding="utf-8")
    code, out, err = run("indicators", "compute", path, "-s", "libraries")
    assert code == 1
    assert out == ""
    assert "112.500" in one_line_error(err)


def test_an_unknown_organization_in_the_data_exits_1(tmp_path):
    path = tmp_path / "raw.csv"
    path.write_text(RAW.replace("016024", "Bergamoo"), encoding="utf-8")
    code, out, err = run("indicators", "compute", path, "-s", "libraries")
    assert code == 1
    assert out == ""
    assert "Bergamoo" in one_line_error(err)


def test_a_period_asked_of_data_without_periods_exits_1(tmp_path):
    path = tmp_path / "dea.csv"
    path.write_text("organization,staff,loans\n022205,10,1000\n016024,12,900\n", encoding="utf-8")
    code, out, err = run("dea", path, "--inputs", "staff", "--outputs", "loans", "-p", "2024")
    assert code == 1
    assert out == ""
    assert "no 'period' column" in one_line_error(err)


def test_problems_reported_on_stdout_exit_1_even_when_quiet(tmp_path):
    path = tmp_path / "raw.csv"
    path.write_text(RAW.replace("libraries.loans", "libraries.loan"), encoding="utf-8")
    code, out, err = run("--quiet", "indicators", "check", path, "-s", "libraries",
                         "--format", "csv")  # fmt: skip
    assert code == 1
    assert len(pd.read_csv(io.StringIO(out))) == 6  # the problems are the data
    assert err == ""


def test_python_dash_m_gives_the_same_exit_codes(tmp_path):
    import subprocess
    import sys

    def status(*args: str) -> int:
        done = subprocess.run([sys.executable, "-m", "qualitapa", *args], capture_output=True,
                              check=False)  # fmt: skip
        return done.returncode

    assert status("--version") == 0
    assert status("indicators", "list", "--colour") == 2
    assert status("indicators", "compute", str(tmp_path / "missing.csv")) == 2
