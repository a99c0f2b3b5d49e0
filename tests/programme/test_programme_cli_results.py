"""``qualitapa programme results`` and ``programme report`` (issue 19).

Modena's synthetic sheets (qualitapa-modena) are imported into a temporary store; the
obtained results are the demo's own: indicator values computed from the plugins'
synthetic data for Modena 2024, their standards compliance and the registry counter's
survey indices (as docs/programme.md computes them). The CLI's figures must equal the
Python functions' output on the same inputs.
"""

from __future__ import annotations

import html
import re
from importlib.resources import files
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from qualitapa.cli import cli
from qualitapa.improvement import actions_from_expected
from qualitapa.io import read_table
from qualitapa.programme import SHEETS, annual_report, expected_vs_obtained, read_sheet
from qualitapa.testing import isolated_plugins

MODENA = "036023"
PLUGINS = ["qclub", "registry", "libraries", "nurseries", "personnel", "modena"]


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    """A folder with Modena's store and the demo's results (values, standards, survey)."""
    from qualitapa.catalog import default_catalog
    from qualitapa.indicators import compute
    from qualitapa.standards import compliance
    from qualitapa.surveys import score_dimensions

    folder = tmp_path_factory.mktemp("programme-results")
    sheets = Path(str(files("qualitapa_modena") / "programme"))
    db = str(folder / "programma.db")
    with isolated_plugins(PLUGINS):
        assert _run("programme", "init", "--db", db)[0] == 0
        for name in (n for n in SHEETS if (sheets / f"{n}.csv").exists()):  # issue 20
            code, _, err = _run("programme", "import", name, str(sheets / f"{name}.csv"),
                                "--db", db, "--by", "P02")  # fmt: skip
            assert code == 0, err
        catalog = default_catalog()
        raw = pd.concat(
            [d.read() for d in catalog.datasets.values() if d.kind == "indicator_data"],
            ignore_index=True,
        )
        own = (raw["organization"].astype(str) == MODENA) & (raw["period"].astype(str) == "2024")
        values = compute(catalog, raw[own], errors="report")
        values.to_csv(folder / "valori.csv", index=False)
        compliance(catalog.standards, indicator_values=values).to_csv(
            folder / "standard.csv", index=False
        )
        counter = catalog.instruments["registry.counter"]
        responses = catalog.datasets["registry.demo.survey"].read()
        responses = responses[responses["organization"].astype(str) == MODENA]
        survey = score_dimensions(counter, responses, by="organization", lang="it")
        survey.assign(instrument=counter.id).to_csv(folder / "indagine.csv", index=False)
    return folder


@pytest.fixture
def plugins():
    with isolated_plugins(PLUGINS):
        yield


def _inputs(work: Path) -> dict[str, pd.DataFrame]:
    text = ["organization", "period"]
    return {
        "values": read_table(work / "valori.csv", text_columns=text),
        "compliance": read_table(work / "standard.csv", text_columns=text),
        "survey": read_table(work / "indagine.csv", text_columns=["organization"]),
    }


def _options(work: Path) -> list[str]:
    return ["--db", str(work / "programma.db"), "--values", str(work / "valori.csv"),
            "--compliance", str(work / "standard.csv"),
            "--survey", str(work / "indagine.csv")]  # fmt: skip


def test_results_csv_equals_expected_vs_obtained_and_actions_equal_python(work, plugins):
    from qualitapa.catalog import default_catalog

    out, actions = work / "risultati.csv", work / "azioni.csv"
    code, _, err = _run("programme", "results", *_options(work), "-o", str(out),
                        "--actions", str(actions))  # fmt: skip
    assert code == 0, err
    acts = read_sheet(Path(str(files("qualitapa_modena") / "programme")) / "activities.csv",
                      "activities")  # fmt: skip
    expected = expected_vs_obtained(acts, catalog=default_catalog(), **_inputs(work))
    got = pd.read_csv(out, dtype={"organization": str})
    assert list(got["activity"]) == list(expected["activity"])
    assert list(got["outcome"]) == list(expected["outcome"])
    pd.testing.assert_series_equal(got["gap"], expected["gap"].astype(float),
                                   check_names=False, rtol=1e-9)  # fmt: skip
    pd.testing.assert_series_equal(got["obtained"], expected["obtained"].astype(float),
                                   check_names=False, rtol=1e-9)  # fmt: skip
    counts = expected["outcome"].value_counts()
    assert (f"Risultati attesi: {len(expected)}; raggiunti: {counts.get('met', 0)}; "
            f"non raggiunti: {counts.get('not_met', 0)}; "
            f"senza dati: {counts.get('no_data', 0)}.") in err  # fmt: skip
    written = pd.read_csv(actions, dtype={"organization": str})
    python = actions_from_expected(expected)
    assert list(written["id"]) == list(python["id"])
    assert list(written["activity"]) == list(python["activity"])
    assert list(written["impact"]) == list(python["impact"])
    assert len(written) == int(counts.get("not_met", 0)) > 0


def test_results_for_people_name_measures_units_and_outcomes_in_italian(work, plugins):
    code, out, err = _run("programme", "results", *_options(work))
    assert code == 0, err
    assert "Attesa media allo sportello" in out  # the indicator's label, not its id
    assert "registry.average_wait" not in out
    assert "Servizi demografici" in " ".join(out.split())  # S01's name, not its code
    assert "al massimo 10,0 minuti" in out
    for word in ("non raggiunto", "raggiunto", "dato non disponibile", "punti su 100"):
        assert word in " ".join(out.split()), word
    for english in ("not_met", "no_data", " met ", "points", "minutes"):
        assert english not in out, english


def test_results_exit_1_when_no_obtained_value_matches(work, tmp_path, plugins):
    other = tmp_path / "altri.csv"
    values = pd.read_csv(work / "valori.csv", dtype={"organization": str})
    values.assign(period=2019).to_csv(other, index=False)
    code, _, err = _run("programme", "results", "--db", str(work / "programma.db"),
                        "--values", str(other))  # fmt: skip
    assert code == 1
    assert "nessun risultato ottenuto corrisponde" in err


def test_results_without_any_obtained_table_is_a_usage_error(work, plugins):
    code, _, err = _run("programme", "results", "--db", str(work / "programma.db"))
    assert code == 2
    assert "--values" in err


def _text(page: str) -> str:
    body = page[page.index("<body") :]
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


def test_report_writes_the_annual_report_python_writes(work, plugins):
    from qualitapa.catalog import default_catalog
    from qualitapa.programme import ProgrammeStore

    out = work / "relazione.html"
    code, _, err = _run("programme", "report", *_options(work), "--organization", MODENA,
                        "--year", "2024", "--as-of", "31/12/2024", "-o", str(out))  # fmt: skip
    assert code == 0, err
    page = out.read_text(encoding="utf-8")
    with ProgrammeStore(work / "programma.db", readonly=True) as store:
        tables = {name: store.table(name) for name in SHEETS}
    python = annual_report(tables, organization=MODENA, year=2024, as_of="2024-12-31",
                           catalog=default_catalog(), **_inputs(work))  # fmt: skip
    assert _text(page) == _text(python)
    text = _text(page)
    assert "Relazione annuale sul sistema qualità 2024" in text
    assert "Risultati attesi: 14; raggiunti: 5; non raggiunti: 7; senza dati: 2." in text
    for english in ("not_met", "no_data", "points", "minutes", "overdue", "expected"):
        assert not re.search(rf"\b{english}\b", text), english


def test_report_with_a_benchmark_and_the_club_practices_suggests_as_python(work, plugins):
    """--benchmark and --practices reach annual_report (issue 20): the same page as Python's."""
    from qualitapa.catalog import default_catalog
    from qualitapa.indicators import benchmark, compute
    from qualitapa.io import write_csv
    from qualitapa.programme import ProgrammeStore, check_sheet

    catalog = default_catalog()
    raw = pd.concat(
        [d.read() for d in catalog.datasets.values() if d.kind == "indicator_data"],
        ignore_index=True,
    )
    values = compute(catalog, raw[raw["period"].astype(str) == "2024"], errors="report")
    bench_file = work / "benchmark.csv"
    write_csv(benchmark(values, catalog=catalog), bench_file)  # as the demo writes it
    club_file = Path(str(files("qualitapa_qclub") / "programme" / "practices.csv"))
    out = work / "relazione-pratiche.html"
    code, _, err = _run("programme", "report", *_options(work), "--organization", MODENA,
                        "--year", "2024", "--as-of", "31/12/2024", "--benchmark", str(bench_file),
                        "--practices", str(club_file), "-o", str(out))  # fmt: skip
    assert code == 0, err
    page = _text(out.read_text(encoding="utf-8"))
    with ProgrammeStore(work / "programma.db", readonly=True) as store:
        tables = {name: store.table(name) for name in SHEETS}
    bench = read_table(bench_file, text_columns=["organization", "period"])
    club = check_sheet(read_sheet(club_file, "practices"), "practices")
    python = annual_report(tables, organization=MODENA, year=2024, as_of="2024-12-31",
                           catalog=catalog, benchmark=bench, club_practices=club,
                           **_inputs(work))  # fmt: skip
    assert page == _text(python)
    assert "Pratiche da conoscere per i maggiori scarti dal migliore" in page
    # at least one club practice of another city is suggested to Modena
    titles = set(club.loc[club["organization"].astype(str) != MODENA, "title_it"])
    assert any(title in page for title in titles)


def test_report_of_an_unknown_plan_exits_1(work, plugins):
    code, _, err = _run("programme", "report", "--db", str(work / "programma.db"),
                        "--organization", "999999", "--year", "2024",
                        "-o", str(work / "x.html"))  # fmt: skip
    assert code == 1, err
    # said in Italian (it was English: "the plan has no activity of organization ...")
    assert "il piano non ha attività dell'ente '999999' nel 2024" in err, err


def test_results_merge_several_values_files(work, tmp_path, plugins):
    values = pd.read_csv(work / "valori.csv", dtype={"organization": str})
    half = len(values) // 2
    first, second = tmp_path / "valori-1.csv", tmp_path / "valori-2.csv"
    values.iloc[:half].to_csv(first, index=False)
    values.iloc[half:].to_csv(second, index=False)
    whole, split = work / "intero.csv", tmp_path / "diviso.csv"
    db = ["--db", str(work / "programma.db")]
    assert _run("programme", "results", *db, "--values", str(work / "valori.csv"),
                "-o", str(whole))[0] == 0  # fmt: skip
    code, _, err = _run("programme", "results", *db, "--values", str(first),
                        "--values", str(second), "-o", str(split))  # fmt: skip
    assert code == 0, err
    pd.testing.assert_frame_equal(pd.read_csv(split), pd.read_csv(whole))
