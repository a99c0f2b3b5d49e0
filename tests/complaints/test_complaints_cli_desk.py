"""A clerk's desk through the CLI: add, assign, forward, answer, reopen, list, show.

The messages are read in Italian, the command line's default language.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from qualitapa.cli import cli
from qualitapa.testing import isolated_plugins


@pytest.fixture(autouse=True)
def _italian(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUALITAPA_LANG", "it")


def _run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = str(tmp_path / "urp.db")
    assert _run("complaints", "init", "--db", path)[0] == 0
    return path


def _new(db: str, *extra: str, channel: str = "email") -> tuple[int, str, str]:
    """``complaints add`` of a registry complaint (catalog unchecked), numbered by the register."""
    add = ["complaints", "add", "--db", db, "--service", "registry", "--no-check-catalog"]
    return _run(*add, "--channel", channel, *extra)


def _add(db: str, cid: str, *extra: str) -> tuple[int, str, str]:
    """``complaints add`` of a counter complaint with the protocol number ``cid``."""
    return _new(db, "--id", cid, *extra, channel="counter")


def test_a_whole_life_at_the_desk(db: str) -> None:
    """add -> assign -> answer -> reopen -> assign -> answer, each step said in Italian.

    (A forwarded complaint leaves the office: it can only be closed; see the next test.)
    """
    code, out, err = _add(
        db,
        "2024/000001",
        "--received-at",
        "2024-02-02 09:30",
        "--description",
        "Due ore di attesa",
        "--name",
        "Mario Rossi",
    )
    assert code == 0, err
    assert out.strip() == "2024/000001: protocollato, ricevuto il 2024-02-02T09:30+01:00 (evento 2)"
    steps = [
        (
            ("assign", "2024/000001", "Ufficio anagrafe", "--at", "2024-02-02 11:00"),
            "2024/000001: protocollato -> assegnato (evento 3)",
        ),
        (
            ("answer", "2024/000001", "--at", "2024-02-05", "--note", "prot. 77"),
            "2024/000001: assegnato -> risposto (evento 4)",
        ),
        (
            ("reopen", "2024/000001", "--at", "2024-02-06 10:00", "--note", "risposta incompleta"),
            "2024/000001: risposto -> riaperto (evento 5)",
        ),
        (
            ("assign", "2024/000001", "Ufficio anagrafe", "--at", "2024-02-06 10:05"),
            "2024/000001: riaperto -> assegnato (evento 6)",
        ),
        (
            ("answer", "2024/000001", "--at", "2024-02-08 12:00"),
            "2024/000001: assegnato -> risposto (evento 7)",
        ),
    ]
    for args, said in steps:
        code, out, err = _run("complaints", *args, "--db", db, "--actor", "urp")
        assert (code, out.strip()) == (0, said), err
    code, out, err = _run("complaints", "show", "2024/000001", "--db", db, "--as-of", "2024-03-01")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[1] == "ricevuto il 2024-02-02T09:30:00+01:00  stato risposto"
    # 30 calendar days from 2 February 2024 (received, not counted) is 3 March; the first
    # answer came on Monday 5 February: one working day after Friday the 2nd
    assert lines[2] == (
        "scadenza 2024-03-03 (30 giorni di calendario): risposta in 1 giorno "
        "lavorativo, entro la scadenza"
    )
    assert "Mario Rossi" not in out  # personal data only with --contact
    history = out[out.index("N.") :]
    for word in (
        "protocollazione",
        "assegnazione",
        "risposta",
        "riapertura",
        "Ufficio anagrafe",
        "09:30+01:00",
        "risposta incompleta",
    ):
        assert word in history
    # the answer dated 5 February stays on 5 February, midnight office time
    code, out, _ = _run("complaints", "export", "--db", db)
    row = pd.read_csv(io.StringIO(out), dtype=str).iloc[0]
    assert row["received_at"] == "2024-02-02T09:30:00+01:00"
    assert row["answered_at"] == "2024-02-05T00:00:00+01:00"
    assert row["status"] == "answered"


def test_forward_needs_a_reason_and_names_the_body(db: str) -> None:
    _add(db, "2024/000002", "--received-at", "2024-03-01 10:00")
    code, _, err = _run("complaints", "forward", "2024/000002", "ASL", "--db", db)
    assert code == 2
    assert "--note" in err
    code, out, err = _run(
        "complaints",
        "forward",
        "2024/000002",
        "ASL Modena",
        "--db",
        db,
        "--note",
        "competenza sanitaria",
        "--at",
        "2024-03-01 12:00",
    )
    assert (code, out.strip()) == (0, "2024/000002: protocollato -> inoltrato (evento 3)"), err
    code, out, _ = _run("complaints", "show", "2024/000002", "--db", db, "--format", "csv")
    last = pd.read_csv(io.StringIO(out)).iloc[-1]
    assert (last["action"], last["target"], last["note"]) == (
        "forward",
        "ASL Modena",
        "competenza sanitaria",
    )


def test_a_refused_step_names_the_state_in_italian(db: str) -> None:
    _add(db, "2024/000003", "--received-at", "2024-03-01 10:00")
    code, out, err = _run("complaints", "answer", "2024/000003", "--db", db)
    assert code == 1
    assert out == ""
    assert err.strip() == (
        "Errore: 2024/000003: il reclamo è protocollato e non può passare a risposto; "
        "da protocollato può passare a: assegnato, inoltrato, respinto"
    )


def test_an_unknown_id_suggests_the_closest(db: str) -> None:
    _add(db, "2024/000004", "--received-at", "2024-03-01 10:00")
    for args in (("assign", "2024/00004", "Ufficio"), ("show", "2024/00004")):
        code, _, err = _run("complaints", *args, "--db", db)
        assert code == 1
        assert err.strip() == "Errore: reclamo '2024/00004': non esiste; forse '2024/000004'?"


def test_add_from_json_on_stdin_with_location(db: str) -> None:
    record = {
        "id": "2024/000010",
        "kind": "fault_report",
        "channel": "app",
        "service": "roads",
        "received_at": "2024-04-14T06:37:38+02:00",
        "description": "Buca profonda",
        "latitude": 45.4642,
        "longitude": 9.19,
        "address": "Piazza del Duomo, Milano",
        "media_url": "https://example.org/buca.jpg",
        "email": "anna@example.org",
    }
    code, out, err = _run(
        "complaints",
        "add",
        "--db",
        db,
        "--json",
        "-",
        "--no-check-catalog",
        "--description",
        "Buca molto profonda",
        stdin=json.dumps(record),
    )
    assert code == 0, err
    assert out.strip() == "2024/000010: protocollato, ricevuto il 2024-04-14T06:37+02:00 (evento 2)"
    code, out, _ = _run("complaints", "export", "--db", db, "--include-contact")
    row = pd.read_csv(io.StringIO(out), dtype=str).iloc[0]
    assert row["description"] == "Buca molto profonda"  # the option wins over the JSON
    assert (row["latitude"], row["longitude"]) == ("45.4642", "9.19")
    assert row["address"] == "Piazza del Duomo, Milano"
    assert row["media_url"] == "https://example.org/buca.jpg"
    assert row["contact_email"] == "anna@example.org"


@pytest.mark.parametrize(
    ("stdin", "expected"),
    [
        ("[1]", "atteso un oggetto JSON con i campi del reclamo"),
        ("{", "JSON non valido"),
        ('{"id": "x", "colour": "red"}', "campi sconosciuti colour"),
    ],
)
def test_add_refuses_bad_json(db: str, stdin: str, expected: str) -> None:
    code, _, err = _run("complaints", "add", "--db", db, "--json", "-", stdin=stdin)
    assert code == 1
    assert expected in err


def test_add_says_what_is_missing_and_checks_values(db: str) -> None:
    code, _, err = _run("complaints", "add", "--db", db, "--id", "2024/1", stdin="")
    assert code == 2
    assert "mancano service, channel" in err
    code, _, err = _add(db, "2024/000005", "--media-url", "ftp://x.org/a.jpg")
    assert code == 1
    assert "media_url" in err
    code, _, err = _add(db, "2024/000005", "--latitude", "91")
    assert code == 1
    assert "latitude" in err
    assert _run("complaints", "list", "--db", db)[0] == 1  # nothing was added


def test_add_asks_at_a_terminal(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from qualitapa.cli import _complaints_desk

    monkeypatch.setattr(_complaints_desk, "_interactive", lambda: True)
    answers = "registry\nemail\nCode lunghe\n"
    code, out, err = _run(
        "complaints",
        "add",
        "--db",
        db,
        "--no-check-catalog",
        "--received-at",
        "2024-05-02 09:00",
        stdin=answers,
    )
    assert code == 0, err
    assert "Servizio (codice, es. registry)" in out
    assert "Testo del reclamo" in out
    assert (
        out.splitlines()[-1]
        == "2024/000001: protocollato, ricevuto il 2024-05-02T09:00+02:00 (evento 2)"
    )
    code, out, _ = _run("complaints", "export", "--db", db)
    row = pd.read_csv(io.StringIO(out), dtype=str).iloc[0]
    assert (row["id"], row["service"], row["channel"], row["description"]) == (
        "2024/000001",
        "registry",
        "email",
        "Code lunghe",
    )


def test_add_without_an_id_gets_the_next_protocol_number(db: str) -> None:
    def add(*extra: str) -> str:
        code, out, err = _new(db, *extra)
        assert code == 0, err
        return out.split(":")[0]

    assert add("--received-at", "2024-12-31 23:30") == "2024/000001"
    assert add("--received-at", "2024-12-31 23:45") == "2024/000002"
    # the year of receipt in office time: 1 January 00:15 in Rome is still 2024 in UTC
    assert add("--received-at", "2025-01-01 00:15") == "2025/000001"
    assert add("--received-at", "2024-06-01 10:00", "--organization", "036023") == (
        "036023/2024/000001"
    )
    _add(db, "2024/000003", "--received-at", "2024-06-02 10:00")  # a number given by hand
    assert add("--received-at", "2024-06-03 10:00") == "2024/000004"  # is skipped


def test_add_names_an_unknown_kind_or_channel(db: str) -> None:
    code, _, err = _add(db, "2024/000040", "--kind", "lamentela")
    assert code == 1
    assert err.strip() == (
        "Errore: campo 'kind': tipo sconosciuto 'lamentela'; i tipi sono complaint, "
        "fault_report, suggestion, praise"
    )
    code, _, err = _new(db, channel="fax")
    assert code == 1
    assert "canale sconosciuto 'fax'; i canali sono counter, phone" in err


def test_add_checks_the_catalog(db: str) -> None:
    base = ["complaints", "add", "--db", db, "--id", "2024/000030", "--channel", "email"]
    with isolated_plugins(["registry"]):
        code, _, err = _run(*base, "--service", "registy")
        assert code == 1
        assert "registry" in err  # the closest service is suggested
        code, _, err = _run(*base, "--service", "registry", "--received-at", "2024-05-02 09:00")
        assert code == 0, err


def _desk(db: str) -> None:
    """Three complaints: one answered late, one assigned and past its day, one new."""
    _add(db, "2024/000101", "--received-at", "2024-01-08 09:00")
    _run("complaints", "assign", "2024/000101", "rossi", "--db", db, "--at", "2024-01-08 10:00")
    _run("complaints", "answer", "2024/000101", "--db", db, "--at", "2024-02-20 10:00")
    _add(db, "2024/000102", "--received-at", "2024-02-01 09:00")
    _run("complaints", "assign", "2024/000102", "bianchi", "--db", db, "--at", "2024-02-01 10:00")
    _run(
        "complaints",
        "add",
        "--db",
        db,
        "--id",
        "2024/000103",
        "--service",
        "libraries",
        "--channel",
        "email",
        "--no-check-catalog",
        "--received-at",
        "2024-03-04 09:00",
    )


def test_list_filters(db: str) -> None:
    _desk(db)

    def ids(*args: str) -> list[str]:
        code, out, err = _run(
            "complaints", "list", "--db", db, "--as-of", "2024-03-08", "--format", "csv", *args
        )
        if code == 1:
            assert "nessun reclamo risponde ai filtri" in err
            return []
        return pd.read_csv(io.StringIO(out), dtype=str)["id"].tolist()

    assert ids() == ["2024/000101", "2024/000102", "2024/000103"]
    assert ids("--status", "assigned") == ["2024/000102"]
    assert ids("--status", "assigned", "--status", "registered") == ["2024/000102", "2024/000103"]
    assert ids("--service", "libraries") == ["2024/000103"]
    assert ids("--assignee", "rossi") == ["2024/000101"]
    # 000102: due 2 March (30 days after 1 February, a leap year), open on 8 March
    assert ids("--overdue") == ["2024/000102"]
    assert ids("--overdue", "--deadline", "30", "--working-days") == []
    assert ids("--assignee", "verdi") == []
    code, _, err = _run("complaints", "list", "--db", db, "--status", "assignd")
    assert code == 2
    assert "forse 'assigned'" in err


def test_list_for_people_counts_working_days(db: str) -> None:
    _desk(db)
    code, out, err = _run(
        "complaints", "list", "--db", db, "--as-of", "2024-03-08", "--format", "csv"
    )
    table = pd.read_csv(io.StringIO(out), dtype=str).set_index("id")
    # 000102 due Saturday 2 March; from Friday 8 March back to it: 4, 5, 6, 7, 8 March = -5
    assert table.loc["2024/000102", "working_days_left"] == "-5"
    # 000103 received Monday 4 March, due 3 April; 9 Mar .. 3 Apr has 18 working days, and
    # Easter Monday (1 April 2024) is a holiday: 17
    assert table.loc["2024/000103", "working_days_left"] == "17"
    # for machines the receipt is office time with its offset; for people without it
    assert table.loc["2024/000103", "received"] == "2024-03-04T09:00:00+01:00"
    assert pd.isna(table.loc["2024/000101", "working_days_left"])  # answered: none
    code, out, err = _run("complaints", "list", "--db", db, "--as-of", "2024-03-08")
    assert code == 0, err
    assert "2024-03-04 09:00" in out
    assert "Giorni lavorativi rimasti" in out
    assert "assegnato" in out
    assert "sì" in out
    assert "assigned" not in out
    assert "True" not in out


def test_show_counts_the_working_days_left(db: str) -> None:
    _desk(db)
    _, out, _ = _run("complaints", "show", "2024/000103", "--db", db, "--as-of", "2024-03-08")
    assert out.splitlines()[2] == (
        "scadenza 2024-04-03 (30 giorni di calendario): mancano 17 giorni lavorativi"
    )
    _, out, _ = _run("complaints", "show", "2024/000102", "--db", db, "--as-of", "2024-03-08")
    assert out.splitlines()[2] == (
        "scadenza 2024-03-02 (30 giorni di calendario): scaduto da 5 giorni lavorativi"
    )
    # 000101: received Monday 8 January, answered Tuesday 20 February: 31 working days
    # (9 Jan .. 20 Feb: 7 weeks less a day), after its 7 February deadline
    _code, out, _ = _run("complaints", "show", "2024/000101", "--db", db)
    assert out.splitlines()[2] == (
        "scadenza 2024-02-07 (30 giorni di calendario): risposta in "
        "31 giorni lavorativi, oltre la scadenza"
    )


def test_add_reads_coordinates_with_an_italian_comma(db: str) -> None:
    """An office writes 45,4642: read as 45.4642, by option and in JSON; a thousands mark is not."""
    assert _add(db, "2024/000020", "--latitude", "45,4642", "--longitude", "9,19")[0] == 0
    record = {
        "id": "2024/000021",
        "channel": "web",
        "service": "registry",
        "latitude": "45,5",
        "longitude": "9.2",
        "received_at": "2024-03-06T10:00",
    }
    assert _run(
        "complaints", "add", "--db", db, "--json", "-", "--no-check-catalog",
        stdin=json.dumps(record),
    )[0] == 0  # fmt: skip
    from qualitapa.complaints import ComplaintRegister

    with ComplaintRegister(db, readonly=True) as register:
        got = [register.get(cid) for cid in ("2024/000020", "2024/000021")]
    assert [(c.latitude, c.longitude) for c in got] == [(45.4642, 9.19), (45.5, 9.2)]
    code, _, err = _add(db, "2024/000022", "--latitude", "1.234,5")
    assert code == 2
    assert "'1.234,5' non è un numero di gradi (es. 45,4642 o 45.4642)" in err


@pytest.mark.parametrize(
    ("lang", "option", "value", "expected"),
    [
        ("it", "--latitude", "95", "latitude dev'essere tra -90 e 90 gradi (WGS84), non 95.0"),
        ("de", "--latitude", "95", "latitude muss zwischen -90 und 90 Grad liegen (WGS84)"),
        ("it", "--media-url", "ftp://x", "media_url dev'essere un indirizzo http:// o https://"),
        ("de", "--media-url", "ftp://x", "media_url muss eine http://- oder https://-Adresse"),
    ],
)
def test_a_bad_place_is_refused_in_the_language(
    db: str, monkeypatch: pytest.MonkeyPatch, lang: str, option: str, value: str, expected: str
) -> None:
    monkeypatch.setenv("QUALITAPA_LANG", lang)
    code, _, err = _add(db, "2024/000030", option, value)
    assert code == 1
    assert expected in err
