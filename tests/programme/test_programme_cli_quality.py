"""``programme training``, ``programme certifications`` and ``practices suggest`` (issue 20).

End to end with click's runner on a store filled from sheets written as an
Italian office saves them (Windows-1252, ";", CRLF, 31/01/2024, 2,5);
every expected figure is computed by hand in a comment next to it.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from qualitapa.catalog import default_catalog
from qualitapa.cli import cli
from qualitapa.plugins import LOAD_ENV
from tests.conftest import as_in_a_test, copy_folder

ORG = "036023"  # Modena

DEPARTMENTS = """organization;department;name_it;name_de;kind
036023;S03;Servizi demografici;Meldeamt;settore
036023;PM;Polizia locale;Ortspolizei;settore
"""
PEOPLE = """person;name;email;category
p01;Anna Bianchi;;D
p02;Luca Verdì;;D
"""
COURSES = """organization;course;title;topic;audience;trainer;kind;hours
036023;C01;Privacy negli uffici;privacy;staff;Ente X;e_learning;6
036023;C02;Gestione per la qualità;qualita;referents;;internal;
"""
SESSIONS = """organization;course;session;date;hours;place
036023;C01;1;05/03/2024;3;Sala A
036023;C01;2;12/03/2024;3;Sala A
036023;C02;1;10/10/2024;2,5;
036023;C02;2;20/01/2025;4;
"""
ATTENDANCE = """organization;course;session;person;department;hours_attended;completed
036023;C01;1;e01;S03;;yes
036023;C01;2;e01;S03;2;yes
036023;C01;1;e02;S03;;no
036023;C02;1;e03;PM;;yes
036023;C01;1;e04;PM;1,5;no
036023;C02;2;e03;PM;;yes
"""
STAFF = """organization;year;department;employees
036023;2024;S03;8
036023;2024;PM;20
036023;2025;PM;20
"""
NEEDS = """organization;year;department;topic;audience;people;hours;priority;reported_by;note
036023;2024;S03;privacy;staff;3;4;high;p01;
036023;2024;PM;qualita;referents;1;2;medium;p02;
036023;2024;PM;privacy;staff;5;2;low;p02;
036023;2024;S03;qualita;managers;2;8;;p01;
"""
CERTIFICATIONS = """organization;certificate;department;service;standard;scope;body;number;\
first_issued;issued;expires;status
036023;C1;PM;polizia locale;ISO 9001:2015;Controllo del territorio;Ente X;IT-1234;12/05/2004;\
10/01/2022;09/01/2025;valid
036023;C2;S03;anagrafe;ISO 9001:2015;;Ente X;IT-2;;01/10/2021;30/09/2024;valid
036023;C3;S03;stato civile;ISO 9001:2015;;Ente X;IT-3;;01/01/2023;31/12/2025;valid
"""
AUDITS = """organization;audit;certificate;kind;date;body;activity
036023;AU0;C1;internal;01/02/2024;Ufficio qualità;
036023;AU1;C1;surveillance;01/03/2024;Ente X;
"""
FINDINGS = """organization;audit;finding;kind;clause;text;action;owner;due;closed
036023;AU1;1;major_nc;8.5.1;Verbali non tracciati;Rivedere la procedura dei verbali;p02;\
30/06/2024;
036023;AU1;2;minor_nc;7.2;Formazione non registrata;;p02;31/12/2024;
036023;AU1;3;observation;9.1;;;;;
"""
PRACTICES = """organization;practice;service;title_it;title_de;since;indicators;contact
021008;BP1;anagrafe;Prenotazione online degli appuntamenti;Online-Terminbuchung;2019;\
registry.average_wait;
022205;BP2;anagrafe;Sportello unico;Einheitlicher Schalter;2021;\
registry.average_wait, registry.online_certificates_share;
016024;BP3;anagrafe;Certificati al telefono;;2020;registry.online_certificates_share;
036023;BP4;anagrafe;Sportello amico;;2018;registry.average_wait;p01
"""
# registry.average_wait (minutes, lower is better): Bolzano 10 (rank 1), Trento 20 (2),
# Bergamo 25 (3), Modena 30 (4). registry.online_certificates_share (%, higher is better):
# Trento 80 (1), Modena 60 (2), Bolzano 50 (3), Bergamo 40 (4).
VALUES = """organization;period;indicator;value
036023;2024;registry.average_wait;30
021008;2024;registry.average_wait;10
022205;2024;registry.average_wait;20
016024;2024;registry.average_wait;25
036023;2024;registry.online_certificates_share;60
021008;2024;registry.online_certificates_share;50
022205;2024;registry.online_certificates_share;80
016024;2024;registry.online_certificates_share;40
"""

#: English words and raw codes that must not appear in an Italian or German table.
CODES = ("major_nc", "minor_nc", "action_overdue", "surveillance_overdue", "expiring",
         "expired", "referents", "staff", "managers", "partial", "none", "met", "high",
         "medium", "low", "registry.", "021008", "022205")  # fmt: skip


@pytest.fixture(autouse=True)
def _plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cities (qclub, modena), the registry's indicators and the personnel variables."""
    monkeypatch.setenv(LOAD_ENV, "qclub,modena,registry,personnel")
    default_catalog.cache_clear()


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def _office_file(folder: Path, name: str, text: str) -> Path:
    """A sheet as Italian Excel saves 'CSV': Windows-1252, ';', CRLF."""
    path = folder / f"{name}.csv"
    path.write_bytes(text.replace("\n", "\r\n").encode("cp1252"))
    return path


def _fill(db: str, folder: Path, sheets: tuple[tuple[str, str], ...]) -> None:
    for name, text in sheets:
        code, _, err = _run("programme", "import", name, str(_office_file(folder, name, text)),
                            "--db", db, "--by", "ufficio.qualita")  # fmt: skip
        assert code == 0, err


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the office files and the store the commands filled from them, once.

    Eleven ``programme import`` commands took about a second: each test gets a copy of
    the folder (:func:`db`), as if it had run them in its own.
    """
    folder = tmp_path_factory.mktemp("filled")
    with as_in_a_test("qclub,modena,registry,personnel"):  # the plugins of _plugins
        db = str(folder / "programma.db")
        assert _run("programme", "init", "--db", db)[0] == 0
        _fill(db, folder, (
            ("departments", DEPARTMENTS), ("people", PEOPLE), ("courses", COURSES),
            ("course_sessions", SESSIONS), ("attendance", ATTENDANCE), ("staff", STAFF),
            ("training_needs", NEEDS), ("certifications", CERTIFICATIONS), ("audits", AUDITS),
            ("findings", FINDINGS), ("practices", PRACTICES),
        ))  # fmt: skip
    return folder


@pytest.fixture
def db(filled: Path, tmp_path: Path) -> str:
    """The filled store (and its office files) copied into the test's folder."""
    copy_folder(filled, tmp_path)
    return str(tmp_path / "programma.db")


@pytest.fixture
def empty_db(tmp_path: Path) -> str:
    db = str(tmp_path / "vuoto.db")
    assert _run("programme", "init", "--db", db)[0] == 0
    return db


def _csv(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), dtype={"organization": str, "department": str})


# -- training ------------------------------------------------------------------------------


def test_hours_per_employee_by_hand(db: str) -> None:
    code, out, err = _run("programme", "training", "--db", db, "--year", "2024",
                          "--format", "csv")  # fmt: skip
    assert code == 0, err
    table = _csv(out).set_index("department", drop=False)
    # S03 in 2024: e01 3 (session 1, blank = the session's 3 hours) + 2 (attended) and e02 3:
    # 3 + 2 + 3 = 8 hours, 2 people, 8 employees: 8 / 8 = 1.0 hour per employee, 2 / 8 = 0.25
    s03 = table.loc["S03"]
    assert (s03["hours"], s03["people_trained"], s03["employees"]) == (8.0, 2, 8)
    assert s03["hours_per_employee"] == pytest.approx(1.0)
    assert s03["share_trained"] == pytest.approx(0.25)
    # PM in 2024: e03 2,5 (C02 session 1, whole) + e04 1,5 = 4 hours, 2 people, 20 employees:
    # 4 / 20 = 0.2 hours per employee; e03's 4 hours of 20/01/2025 belong to 2025
    pm = table.loc["PM"]
    assert (pm["hours"], pm["people_trained"]) == (4.0, 2)
    assert pm["hours_per_employee"] == pytest.approx(0.2)
    # the organization: (8 + 4) / (8 + 20) = 12 / 28 = 0.428571..., 4 / 28 trained
    total = table[table["level"] == "organization"].iloc[0]
    assert total["hours_per_employee"] == pytest.approx(12 / 28)
    assert total["share_trained"] == pytest.approx(4 / 28)
    assert set(table["year"]) == {2024}


def test_training_table_in_italian_and_german(db: str) -> None:
    code, out, _ = _run("programme", "training", "--db", db, "--year", "2024")
    assert code == 0
    assert "S03 Servizi demografici" in out
    assert "Totale ente" in out
    assert "Ore per dipendente" in out
    assert "0,43" in out  # 12 / 28 = 0.43 hours per employee
    assert "25%" in out  # S03: 2 of 8 employees trained
    code, out, _ = _run("programme", "training", "--db", db, "--year", "2024", "--lang", "de")
    assert code == 0
    # the departments' German names; the headers of issue 20 (Ore per dipendente...) are
    # German once the lead fills the catalogs: those already there are
    assert "PM Ortspolizei" in out
    assert "S03 Meldeamt" in out
    assert "Jahr" in out
    assert "Bereich" in out
    assert "Settore" not in out


def test_training_by_person_and_by_course(db: str) -> None:
    code, out, err = _run("programme", "training", "--db", db, "--by", "person", "--year",
                          "2024", "--format", "csv")  # fmt: skip
    assert code == 0, err
    hours = _csv(out).set_index("person")["hours"].to_dict()
    # e01: 3 + 2 = 5; e02: 3; e03: 2,5 (its 2025 session left out); e04: 1,5
    assert hours == {"e01": 5.0, "e02": 3.0, "e03": 2.5, "e04": 1.5}
    code, out, err = _run("programme", "training", "--db", db, "--by", "course", "--format",
                          "csv")  # fmt: skip
    assert code == 0, err
    table = _csv(out).set_index("course")
    # C01: sessions 3 + 3 = 6 hours; attended 3 + 2 + 3 + 1,5 = 9,5 by e01, e02, e04
    assert table.loc["C01", "course_hours"] == 6.0
    assert table.loc["C01", "hours"] == pytest.approx(9.5)
    assert table.loc["C01", "participants"] == 3
    # C02: sessions 2,5 + 4 = 6,5 hours; attended by e03 only, 2,5 + 4 = 6,5 over both years
    assert table.loc["C02", "course_hours"] == pytest.approx(6.5)
    assert table.loc["C02", "participants"] == 1
    code, out, _ = _run("programme", "training", "--db", db, "--by", "course")
    assert code == 0
    assert "C02 Gestione per la qualità" in out
    assert "referenti della qualità" in out


def test_the_three_views_add_up_to_the_same_hours(db: str) -> None:
    """Per person, per course and per department are cuts of the same hours: same totals."""

    def table(*args: str) -> pd.DataFrame:
        code, out, err = _run("programme", "training", "--db", db, *args, "--format", "csv")
        assert code == 0, err
        return _csv(out)

    by_department = table()
    totals = by_department[by_department["level"] == "organization"]
    by_person = table("--by", "person")
    # 2024: 12 hours; 2025: e03's 4 hours of 20/01/2025
    assert totals.set_index("year")["hours"].to_dict() == {2024: 12.0, 2025: 4.0}
    assert by_person.groupby("year")["hours"].sum().to_dict() == {2024: 12.0, 2025: 4.0}
    assert table("--by", "course")["hours"].sum() == pytest.approx(16.0)  # 12 + 4
    assert table("--by", "course", "--year", "2025")["hours"].sum() == pytest.approx(4.0)


def test_needs_vs_delivered_in_words(db: str) -> None:
    code, out, err = _run("programme", "training", "--db", db, "--needs", "--format", "csv")
    assert code == 0, err
    table = _csv(out).set_index(["department", "topic", "audience"])
    # S03 privacy staff: 3 people x 4 h = 12 needed; delivered 8 (e01 5, e02 3): 8 / 12
    row = table.loc[("S03", "privacy", "staff")]
    assert (row["hours_needed"], row["hours_delivered"], row["status"]) == (12.0, 8.0, "partial")
    assert row["coverage"] == pytest.approx(8 / 12)
    # PM qualita referents: 1 x 2 = 2 needed; e03 attended 2,5 in 2024 (C02): met, capped at 1
    row = table.loc[("PM", "qualita", "referents")]
    assert (row["status"], row["coverage"]) == ("met", 1.0)
    # S03 qualita managers: no course for managers: none
    assert table.loc[("S03", "qualita", "managers"), "status"] == "none"
    code, out, _ = _run("programme", "training", "--db", db, "--needs")
    assert code == 0
    for word in ("in parte", "soddisfatto", "non soddisfatto", "personale", "alta", "67%"):
        assert word in out, word  # 8 / 12 = 66.7% -> 67%
    # a topic is the city's code: its courses' titles say what it is about
    assert "privacy (Privacy negli uffici)" in out
    assert "qualita (Gestione per la qualità)" in out
    for lang in ("it", "de"):
        out = _run("programme", "training", "--db", db, "--needs", "--lang", lang)[1]
        words = set(out.replace("|", " ").split())
        assert not words & set(CODES), words & set(CODES)


def test_training_variables_feed_the_personnel_indicators(db: str, tmp_path: Path) -> None:
    tidy_file = tmp_path / "variabili.csv"
    code, _, err = _run("programme", "training", "--db", db, "--variables", "--year", "2024",
                        "-o", str(tidy_file))  # fmt: skip
    assert code == 0, err
    tidy = pd.read_csv(tidy_file, dtype={"organization": str})
    assert {"organization", "period", "variable", "value"} <= set(tidy.columns)
    values = dict(zip(tidy["variable"], tidy["value"], strict=True))
    # 12 hours, 4 people trained, 8 + 20 = 28 employees in 2024
    assert values == {"personnel.training_hours": 12.0, "personnel.staff_trained": 4.0,
                      "personnel.staff": 28.0}  # fmt: skip
    code, out, err = _run("indicators", "compute", str(tidy_file), "-i",
                          "personnel.training_hours_per_employee", "--format", "csv")  # fmt: skip
    assert code == 0, err
    # 12 hours / 28 employees = 0.428571...
    assert _csv(out)["value"].tolist() == [pytest.approx(12 / 28)]
    code, out, _ = _run("programme", "training", "--db", db, "--variables", "--year", "2024")
    assert code == 0
    assert "Ore di formazione fruite" in out
    assert "personnel." not in out


def test_training_exit_codes(db: str, empty_db: str) -> None:
    code, _, err = _run("programme", "training", "--db", empty_db)
    assert code == 1
    assert "importare i fogli" in err
    code, _, err = _run("programme", "training", "--db", empty_db, "--needs")
    assert code == 1
    assert "training_needs" in err
    assert _run("programme", "training", "--db", db, "--needs", "--variables")[0] == 2
    code, _, err = _run("programme", "training", "--db", db, "--year", "2019")
    assert code == 1
    assert "2019" in err


# -- certifications ------------------------------------------------------------------------


def test_certification_alerts_most_severe_first(db: str) -> None:
    code, out, err = _run("programme", "certifications", "--db", db, "--on", "15/10/2024",
                          "--format", "csv")  # fmt: skip
    assert code == 0, err
    alerts = _csv(out)
    assert list(alerts["kind"]) == ["expired", "major_nc_open", "surveillance_overdue",
                                    "action_overdue", "expiring"]  # fmt: skip
    days = alerts.set_index("kind")
    # C2 expired on 30/09/2024: 15 days before 15/10/2024
    assert days.loc["expired", "days_late"] == 15
    # C3 issued 01/01/2023, no external audit: due by 01/01/2024; 2024 is a leap year:
    # 31 + 29 + 31 + 30 + 31 + 30 + 31 + 31 + 30 = 274 days to 01/10, + 14 = 288
    assert days.loc["surveillance_overdue", "days_late"] == 288
    # AU1/1 due 30/06/2024: 31 (July) + 31 (August) + 30 (September) + 15 = 107 days late
    assert days.loc["action_overdue", "days_late"] == 107
    # C1 expires 09/01/2025: 16 (rest of October) + 30 + 31 + 9 = 86 days left
    assert days.loc["expiring", "days_left"] == 86


def test_certification_alerts_in_words_and_dates(db: str) -> None:
    code, out, _ = _run("programme", "certifications", "--db", db, "--on", "2024-10-15")
    assert code == 0
    assert "certificato scaduto" in out
    assert "30/09/2024" in out
    assert "non conformità maggiore aperta" in out
    assert "Luca Verdì" in out
    assert "PM Polizia locale" in out
    assert "avvisi al 15/10/2024" in out
    code, out, _ = _run("programme", "certifications", "--db", db, "--on", "2024-10-15",
                        "--lang", "de")  # fmt: skip
    assert code == 0
    assert "Zertifikat abgelaufen" in out
    assert "30.09.2024" in out
    for lang in ("it", "de"):
        out = _run("programme", "certifications", "--db", db, "--on", "15/10/2024",
                   "--lang", lang)[1]  # fmt: skip
        assert not [c for c in CODES if c in out]


def test_no_alert_is_said_with_status_0(db: str) -> None:
    # 01/10/2022: C2 (issued 01/10/2021, no audit) reaches its surveillance deadline that day,
    # not after it; C1's is 10/01/2023; C3 is issued later; nothing expires within 90 days
    code, out, _ = _run("programme", "certifications", "--db", db, "--on", "01/10/2022")
    assert code == 0
    assert out.strip() == "nessun avviso sulle certificazioni al 01/10/2022"
    # the day after, C2's surveillance audit is 1 day late
    out = _run("programme", "certifications", "--db", db, "--on", "02/10/2022",
               "--format", "csv")[1]  # fmt: skip
    assert "surveillance_overdue" in out


def test_corrective_actions_go_to_the_improvement_plan(db: str, tmp_path: Path) -> None:
    plan = tmp_path / "azioni.csv"
    code, _, err = _run("programme", "certifications", "--db", db, "--on", "15/10/2024",
                        "--actions", str(plan))  # fmt: skip
    assert code == 0, err
    actions = pd.read_csv(plan, dtype=str)
    # the two open non-conformities of AU1 (the observation is no action): the major one
    # impact 5, urgency 5 (due 30/06 is past); the minor one impact 3, urgency 4
    assert list(actions["id"]) == ["nc-AU1-1-036023", "nc-AU1-2-036023"]
    assert list(actions["impact"]) == ["5", "3"]
    assert list(actions["urgency"]) == ["5", "4"]
    code, out, err = _run("plan", "show", str(plan))
    assert code == 0, err
    assert "Rivedere la procedura dei verbali" in out


def test_certifications_exit_codes(empty_db: str, tmp_path: Path) -> None:
    code, out, err = _run("programme", "certifications", "--db", empty_db)
    assert code == 1
    assert out == ""
    assert "nessuna certificazione" in err
    assert _run("programme", "certifications", "--db", str(tmp_path / "nowhere.db"))[0] == 1
    assert _run("programme", "certifications", "--db", empty_db, "--on", "31/02/2024")[0] == 2


# -- good practices ------------------------------------------------------------------------


@pytest.fixture
def bench(tmp_path: Path) -> Path:
    values = _office_file(tmp_path, "valori", VALUES)
    out = tmp_path / "risultati" / "indicator_benchmark.csv"
    out.parent.mkdir()
    code, _, err = _run("benchmark", str(values), "-o", str(out))
    assert code == 0, err
    return out


def test_suggestions_ranked_by_relative_gap(db: str, bench: Path) -> None:
    code, out, err = _run("practices", "suggest", "--organization", ORG, "--benchmark",
                          str(bench), "--db", db, "--format", "json")  # fmt: skip
    assert code == 0, err
    rows = json.loads(out)
    pairs = [(r["indicator"], r["practice_organization"], r["practice"]) for r in rows]
    # average_wait: gap 30 - 10 = 20 over the spread 30 - 10 = 20: 1.0; Bolzano (rank 1) and
    # Trento (rank 2) have a practice, Bergamo (rank 3) none, Modena's own BP4 never comes.
    # online share: gap 80 - 60 = 20 over 80 - 40 = 40: 0.5; Trento only does better
    assert pairs == [
        ("registry.average_wait", "021008", "BP1"),
        ("registry.average_wait", "022205", "BP2"),
        ("registry.online_certificates_share", "022205", "BP2"),
    ]
    assert [r["relative_gap"] for r in rows] == [1.0, 1.0, 0.5]
    code, out, _ = _run("practices", "suggest", "--organization", ORG, "--results",
                        str(bench.parent), "--db", db, "-n", "1", "--format", "csv")  # fmt: skip
    assert code == 0
    assert set(_csv(out)["indicator"]) == {"registry.average_wait"}


def test_suggestions_table_names_indicators_and_cities(db: str, bench: Path) -> None:
    args = ("practices", "suggest", "--organization", ORG, "--results", str(bench.parent),
            "--db", db)  # fmt: skip
    code, out, _ = _run(*args)
    assert code == 0
    assert "Buone pratiche per Modena" in out
    assert "Bolzano" in out
    assert "Trento" in out
    assert "BP1 Prenotazione online degli appuntamenti" in out
    assert "100%" in out
    assert not [c for c in CODES if c in out]
    code, out, _ = _run(*args, "--lang", "de")
    assert code == 0
    assert "BP1 Online-Terminbuchung" in out
    assert "Bozen" in out
    assert not [c for c in CODES if c in out]


def test_the_city_may_be_named(db: str, bench: Path) -> None:
    args = ("practices", "suggest", "--benchmark", str(bench), "--db", db, "--format", "csv")
    by_code = _run(*args, "--organization", ORG)[1]
    code, by_name, err = _run(*args, "--organization", "Modena")
    assert code == 0, err
    assert by_name == by_code
    assert "036023" in err  # the note says which code the name was read as


def test_practices_from_an_office_sheet(bench: Path, tmp_path: Path) -> None:
    sheet = _office_file(tmp_path, "pratiche", PRACTICES)
    code, out, err = _run("practices", "suggest", "--organization", ORG, "--benchmark",
                          str(bench), "--practices", str(sheet), "--format", "csv")  # fmt: skip
    assert code == 0, err
    assert list(_csv(out)["practice"]) == ["BP1", "BP2", "BP2"]


def test_no_practice_to_suggest_is_said_with_status_0(bench: Path, tmp_path: Path) -> None:
    # only Bergamo's practice, on the online share where Bergamo (rank 4) does worse
    only = PRACTICES.splitlines()[0] + "\n" + PRACTICES.splitlines()[4] + "\n"
    sheet = _office_file(tmp_path, "pratiche", only)
    code, out, _ = _run("practices", "suggest", "--organization", ORG, "--benchmark",
                        str(bench), "--practices", str(sheet))  # fmt: skip
    assert code == 0
    assert out.startswith("Modena: nessun indicatore")


def test_practices_errors(db: str, empty_db: str, bench: Path, tmp_path: Path) -> None:
    code, _, err = _run("practices", "suggest", "--organization", "036032", "--benchmark",
                        str(bench), "--db", db)  # fmt: skip
    assert code == 1
    assert "036032" in err
    assert "forse 036023" in err
    code, _, err = _run("practices", "suggest", "--organization", ORG, "--benchmark",
                        str(bench), "--db", empty_db)  # fmt: skip
    assert code == 1
    assert "nessuna buona pratica" in err
    code, _, err = _run("practices", "suggest", "--organization", ORG, "--results",
                        str(tmp_path), "--db", db)  # fmt: skip
    assert code == 1
    assert "indicator_benchmark.csv" in err
    assert _run("practices", "suggest", "--organization", ORG, "--db", db)[0] == 2
    assert _run("practices", "suggest", "--organization", ORG, "--benchmark", str(bench),
                "--results", str(bench.parent), "--db", db)[0] == 2  # fmt: skip
