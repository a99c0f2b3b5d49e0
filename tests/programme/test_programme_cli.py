"""``qualitapa programme ...`` on files as an Italian office writes them: cp1252, ";", day first."""

from __future__ import annotations

import io
import json
import sqlite3
from contextlib import closing
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from qualitapa.cli import cli
from tests.conftest import as_in_a_test, copy_folder

DEPARTMENTS = """organization;department;name_it;name_de;kind
036023;S03;Servizi demografici;;settore
036023;S04;Polizia locale;Ortspolizei;settore
"""
PEOPLE = """person;name;email;category
p01;Anna Bianchi;anna@comune.example;D
p02;Luca Verdì;;D
"""
ROLES = """organization;department;person;role;start;appointed_by;end
036023;S04;p02;referent;15/01/2024;dirigente;
036023;S03;p01;referent;01/02/2023;;31/12/2023
"""
ACTIVITIES = """organization;year;activity;type;department;owner;objective;title_it;planned_start;\
planned_end;expected_kind;expected_id;expected_operator;expected_value;expected_period
036023;2024;A01;survey;S03;p01;PEG-2024-03.2;Indagine di soddisfazione anagrafe;01/02/2024;\
31/05/2024;survey_index;overall;>=;0,8;2024
036023;2024;A02;certification;S04;p02;;Audit ISO 9001 polizia locale;01/03/2024;30/06/2024;;;;;
036023;2024;A03;charter;S03;;;Revisione carta dei servizi;15/01/2024;30/09/2024;;;;;
"""
STATUS = """organization;year;activity;at;status;progress;note;by
036023;2024;A01;01/02/2024;started;0,2;;p01
036023;2024;A01;31/05/2024;done;1;;p01
036023;2024;A02;04/03/2024;started;0,5;avviata però senza auditor;p02
"""


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def _office_file(folder: Path, name: str, text: str) -> Path:
    """A sheet as Italian Excel saves 'CSV': Windows-1252, ';', CRLF."""
    path = folder / f"{name}.csv"
    path.write_bytes(text.replace("\n", "\r\n").encode("cp1252"))
    return path


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The office files and the store five ``programme import`` commands filled, once."""
    folder = tmp_path_factory.mktemp("filled")
    with as_in_a_test():
        db = str(folder / "programma.db")
        assert _run("programme", "init", "--db", db)[0] == 0
        for name, text in (("departments", DEPARTMENTS), ("people", PEOPLE), ("roles", ROLES),
                           ("activities", ACTIVITIES), ("activity_status", STATUS)):  # fmt: skip
            code, _, err = _run(
                "programme", "import", name, str(_office_file(folder, name, text)),
                "--db", db, "--by", "ufficio.qualita",
            )  # fmt: skip
            assert code == 0, err
    return folder


@pytest.fixture
def db(filled: Path, tmp_path: Path) -> str:
    """The filled store (and its office files) copied into the test's folder."""
    copy_folder(filled, tmp_path)
    return str(tmp_path / "programma.db")


def test_import_of_office_csv_reads_accents_numbers_and_day_first_dates(
    db: str, tmp_path: Path
) -> None:
    out = tmp_path / "export.xlsx"
    assert _run("programme", "export", "--db", db, "-o", str(out))[0] == 0
    book = openpyxl.load_workbook(out)
    people = [[c.value for c in row] for row in book["people"].iter_rows()]
    assert people[2][1] == "Luca Verdì"
    acts = pd.read_excel(out, sheet_name="activities")
    assert acts.loc[0, "planned_end"] == pd.Timestamp("2024-05-31")
    assert acts.loc[0, "expected_value"] == 0.8
    status = pd.read_excel(out, sheet_name="activity_status")
    assert status["note"].iloc[2] == "avviata però senza auditor"


def test_reimport_reports_changes_and_conflicts_with_exit_codes(db: str, tmp_path: Path) -> None:
    edited = ACTIVITIES.replace("Audit ISO 9001 polizia locale", "Audit di sorveglianza ISO 9001")
    edited = "\n".join(line for line in edited.splitlines() if ";A03;" not in line) + "\n"
    path = _office_file(tmp_path / "", "activities", edited)
    code, out, err = _run("programme", "import", "activities", str(path), "--db", db,
                          "--by", "p02", "--format", "csv")  # fmt: skip
    assert code == 0
    changes = pd.read_csv(io.StringIO(out))
    assert changes[["row", "column", "new"]].values.tolist() == [
        [2, "title_it", "Audit di sorveglianza ISO 9001"]
    ]
    assert "0 righe aggiunte, 1 modificata, 1 invariata" in err
    assert "1 conflitto, non applicato:" in err
    assert "036023/2024/A03: la riga è nell'archivio ma non più nel foglio" in err
    code, _, err = _run("programme", "import", "activities", str(path), "--db", db,
                        "--by", "p02", "--strict")  # fmt: skip
    assert code == 1
    assert "Errore: " in err
    assert "conflitti nell'importazione (--strict)" in err
    with closing(sqlite3.connect(db)) as raw:
        history = raw.execute(
            "SELECT i.by, r.action FROM records r JOIN imports i ON i.seq = r.import_seq "
            "WHERE r.sheet = 'activities' AND r.key LIKE '%A02%' ORDER BY r.seq"
        ).fetchall()
    assert history == [("ufficio.qualita", "added"), ("p02", "changed")]


def test_a_bad_row_names_file_sheet_row_and_column(db: str, tmp_path: Path) -> None:
    bad = ACTIVITIES.replace(";S04;p02;", ";S4;p02;").replace("15/01/2024", "31/02/2024")
    path = _office_file(tmp_path, "attivita", bad)
    code, _, err = _run("programme", "import", "activities", str(path), "--db", db,
                        "--by", "p01")  # fmt: skip
    assert code == 1
    first = err.splitlines()[0]
    assert first.endswith(
        "attivita.csv, foglio 'activities', riga 2, colonna 'department': settore sconosciuto "
        "'S4'; forse S04? (2 problemi:)"
    )
    assert "settore sconosciuto 'S4'; forse S04" in err  # the table in Italian too
    assert "planned_start" in err  # 31/02/2024: no such day
    assert "Traceback" not in err


def test_status_overdue_and_department_page(db: str) -> None:
    code, out, _ = _run("programme", "overdue", "--db", db, "--as-of", "15/07/2024",
                        "--format", "json")  # fmt: skip
    assert code == 0
    late = json.loads(out)
    assert [(r["activity"], r["days_late"]) for r in late] == [("A02", 15)]
    code, out, _ = _run("programme", "overdue", "--db", db, "--as-of", "15/07/2024")
    assert "Giorni di ritardo" in out
    assert "audit di certificazione" in out  # the type in Italian, not 'certification'
    assert "certification" not in out
    code, _, err = _run("programme", "status", "A01", "started", "--db", db, "--by", "p01",
                        "--on", "03/06/2024")  # fmt: skip
    assert code == 1
    assert (
        "l'attività era conclusa il 31 maggio 2024: per riportarla allo stato «avviata» "
        "serve una nota" in err
    )
    code, out, _ = _run("programme", "status", "A02", "done", "--db", db, "--by", "p02",
                        "--on", "20/07/2024", "--progress", "1")  # fmt: skip
    assert code == 0
    assert out.strip() == "A02: conclusa dal 20 luglio 2024"
    code, out, _ = _run("programme", "overdue", "--db", db, "--as-of", "21/07/2024")
    assert code == 0
    assert out.strip() == "nessuna attività in ritardo al 21 luglio 2024"
    code, out, _ = _run("programme", "department", "S04", "--db", db, "--as-of", "15/07/2024")
    assert code == 0
    assert out.startswith("S04  Polizia locale")
    assert "referente della qualità: Luca Verdì" in out
    assert "Audit ISO 9001 polizia locale" in out
    code, out, _ = _run("programme", "department", "S03", "--db", db, "--as-of", "15/07/2024")
    assert "nessun referente in carica al 15 luglio 2024" in out  # p01's role ended in 2023
    code, _, err = _run("programme", "department", "S4", "--db", db)
    assert code == 1
    assert "forse S04?" in err


def test_meeting_add_and_round_trip_through_the_export(db: str, tmp_path: Path) -> None:
    code, _, err = _run(
        "programme", "meeting", "add", "R2024-01", "--db", db, "--by", "p01",
        "--organization", "036023", "--date", "12/03/2024", "--title", "Primo incontro",
        "--participant", "p01", "--participant", "p02",
        "--action", "Rivedere la carta|p01|30/04/2024|A03",
    )  # fmt: skip
    assert code == 0, err
    out = tmp_path / "programma.xlsx"
    assert _run("programme", "export", "--db", db, "-o", str(out))[0] == 0
    code, stdout, err = _run("programme", "import", "all", str(out), "--db", db, "--by", "p01",
                             "--format", "csv")  # fmt: skip
    assert code == 0
    assert pd.read_csv(io.StringIO(stdout)).empty  # nothing changed
    assert "0 righe aggiunte, 0 modificate" in err
    actions = pd.read_excel(out, sheet_name="meeting_actions")
    assert actions.loc[0, "due"] == pd.Timestamp("2024-04-30")


def test_usage_and_input_errors_exit_codes(db: str, tmp_path: Path) -> None:
    assert _run("programme", "overdue", "--db", db, "--as-of", "2024-13-01")[0] == 2
    assert _run("programme", "import", "activites", str(tmp_path), "--db", db,
                "--by", "x")[0] == 2  # fmt: skip
    code, _, err = _run("programme", "overdue", "--db", str(tmp_path / "missing.db"))
    assert code == 1
    assert "qualitapa programme init" in err
    assert _run("programme", "init", "--db", db)[0] == 1  # exists already


def test_template_and_pseudonymised_export(db: str, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    code, _, _ = _run("programme", "template", "-o", str(tmp_path / "modello.xlsx"))
    assert code == 0
    assert openpyxl.load_workbook(tmp_path / "modello.xlsx").sheetnames[0] == "istruzioni"
    assert _run("programme", "export", "--db", db, "-o", str(tmp_path / "x.xlsx"),
                "--pseudonymise")[0] == 2  # fmt: skip
    monkeypatch.setenv("QUALITAPA_PSEUDONYM_KEY", "0123456789abcdef0123")
    code, _, _ = _run("programme", "export", "--db", db, "-o", str(tmp_path / "csv"),
                      "--pseudonymise")  # fmt: skip
    assert code == 0
    text = (tmp_path / "csv" / "people.csv").read_text(encoding="utf-8")
    assert "Anna" not in text
    assert "p_" in text


def test_offices_declared_by_a_plugin_become_departments(
    db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qualitapa.catalog import Catalog
    from qualitapa.cli import _programme
    from qualitapa.declarative import TomlPlugin

    toml = tmp_path / "modena.toml"
    toml.write_text(
        '[[organizations]]\nid = "036023"\nname = "Modena"\n'
        '[[organizations.offices]]\nid = "036023.crocetta"\n'
        'name = "Anagrafe decentrata Crocetta"\n',
        encoding="utf-8",
    )
    catalog = Catalog.build([("modena", TomlPlugin(toml))], entrypoints=False)
    monkeypatch.setattr(_programme, "get_catalog", lambda: catalog)
    code, _, err = _run("programme", "offices", "--db", db, "--by", "p01")
    assert code == 0, err
    assert "1 riga aggiunta, 0 modificate, 0 invariate da catalog" in err
    code, _, err = _run("programme", "offices", "--db", db, "--by", "p01")
    assert "0 righe aggiunte, 0 modificate, 1 invariata" in err
    out = tmp_path / "p.xlsx"
    assert _run("programme", "export", "--db", db, "-o", str(out))[0] == 0
    deps = pd.read_excel(out, sheet_name="departments", dtype=str)
    assert deps["department"].tolist() == ["036023.crocetta", "S03", "S04"]
    assert deps.set_index("department").loc["036023.crocetta", "kind"] == "ufficio"
