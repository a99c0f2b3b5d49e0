"""``qualitapa complaints ...`` through click's CliRunner."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from qualitapa.cli import cli


@pytest.fixture(autouse=True)
def _english_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests read the command line's English messages (Italian is the default)."""
    monkeypatch.setenv("QUALITAPA_LANG", "en")


CSV = """id,kind,channel,service,received_at,status,answered_at,description,contact_email
2024/1,complaint,email,registry,2024-01-08T09:00:00+01:00,answered,2024-01-15T10:00:00+01:00,@SUM(A1),anna@example.org
2024/2,complaint,email,registry,2024-01-09 10:00,received,,,
2024/3,praise,fax,libraries,2024-01-10 11:00,received,,,
"""


def _run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def test_office_year_through_the_cli(tmp_path: Path) -> None:
    db = str(tmp_path / "urp.db")
    src = tmp_path / "in.csv"
    src.write_text(CSV, encoding="utf-8")

    code, out, err = _run(
        "complaints", "import", str(src), "--db", db, "--create", "--format", "csv"
    )
    assert code == 0
    assert "imported 2 complaints" in err
    assert "1 row rejected" in err
    problems = pd.read_csv(io.StringIO(out))
    assert problems[["row", "column"]].to_records(index=False).tolist() == [(3, "channel")]
    code, _, err = _run("complaints", "import", str(src), "--db", db, "--strict")
    assert code == 1
    assert "rows rejected" in err

    code, out, _ = _run("complaints", "transition", "2024/2", "registered", "--db", db,
                        "--actor", "urp", "--at", "2024-01-09T12:00")  # fmt: skip
    assert code == 0
    assert out.strip().endswith("received -> registered (event 6)")
    code, _, err = _run("complaints", "transition", "2024/2", "closed", "--db", db)
    assert code == 1
    assert err.strip() == (
        "Error: 2024/2: the complaint is registered and cannot go to closed; "
        "from registered it may go to: assigned, forwarded, rejected"
    )
    code, _, err = _run("complaints", "transition", "2024/2", "rejected", "--db", db)
    assert code == 1
    assert "rejecting needs the reason" in err

    code, out, _ = _run("complaints", "show", "2024/2", "--db", db, "--lang", "it")
    assert code == 0
    assert "stato protocollato" in out  # in --lang, not the code
    assert "anna" not in out
    code, out, _ = _run("complaints", "show", "2024/1", "--db", db, "--contact")
    assert "anna@example.org" in out

    code, out, _ = _run("complaints", "kpis", "--db", db, "--by", "service,month",
                        "--as-of", "2024-03-01", "--format", "json")  # fmt: skip
    assert code == 0
    rows = json.loads(out)
    assert [
        (r["service"], r["period"], r["received"], r["answered"], r["overdue"]) for r in rows
    ] == [
        ("registry", "2024-01", 2, 1, 1),
        ("registry", "2024-02", 0, 0, 0),
    ]  # every month to --as-of
    # 8 Jan -> 15 Jan: 7 calendar days, 5 working days (9-12, 15)
    assert (rows[0]["mean_answer_days"], rows[0]["mean_answer_working_days"]) == (7.0, 5.0)

    code, out, _ = _run("complaints", "export", "--db", db)
    assert code == 0
    assert "'@SUM(A1)" in out
    assert "anna" not in out

    env = {"QUALITAPA_PSEUDONYM_KEY": "0123456789abcdef0123"}
    code, out, _ = _run("complaints", "export", "--db", db, "--pseudonymise", env=env)
    assert code == 0
    assert "anna" not in out
    assert "contact_token" in out
    code, _, err = _run("complaints", "export", "--db", db, "--pseudonymise",
                        env={"QUALITAPA_PSEUDONYM_KEY": ""})  # fmt: skip
    assert code == 1
    assert "needs a secret" in err

    target = tmp_path / "requests.json"
    code, _, _ = _run("complaints", "export", "--db", db, "--format", "open311", "-o", str(target))
    assert code == 0
    requests = json.loads(target.read_text(encoding="utf-8"))
    assert [(r["service_request_id"], r["status"]) for r in requests] == [
        ("2024/1", "closed"), ("2024/2", "open")
    ]  # fmt: skip
    code, out, _ = _run("complaints", "export", "--db", db, "--format", "open311-xml")
    assert code == 0
    assert out.startswith('<?xml version="1.0" encoding="utf-8"?>')

    other = str(tmp_path / "copy.db")
    code, _, err = _run("complaints", "import", str(target), "--db", other, "--create")
    assert code == 0
    assert "imported 2 complaints" in err

    code, out, _ = _run("complaints", "trend", "--db", db, "--as-of", "2024-03-01",
                        "--format", "csv")  # fmt: skip
    assert code == 0
    assert pd.read_csv(io.StringIO(out))["received"].tolist() == [2, 0]  # January, February
    code, out, _ = _run("complaints", "pareto", "--db", db, "--format", "csv")
    assert code == 0
    assert pd.read_csv(io.StringIO(out))["count"].tolist() == [2]


def test_kpis_take_each_organizations_population_from_the_catalog(
    tmp_path: Path, monkeypatch
) -> None:
    from qualitapa import Organization, hookimpl
    from qualitapa.cli import _complaints
    from qualitapa.testing import catalog_with

    class Cities:
        @hookimpl
        def qualitapa_organizations(self):
            return [Organization("036023", "Modena", population=185_000),
                    Organization("022205", "Trento", population=119_000)]  # fmt: skip

    monkeypatch.setattr(_complaints, "get_catalog", lambda: catalog_with(("c", Cities())))
    src = tmp_path / "in.csv"
    src.write_text(
        "id,kind,channel,service,received_at,organization\n"
        "M1,complaint,email,registry,2024-01-08T09:00:00+01:00,036023\n"
        "M2,complaint,email,registry,2024-01-09T09:00:00+01:00,036023\n"
        "T1,complaint,pec,registry,2024-01-10T09:00:00+01:00,022205\n",
        encoding="utf-8",
    )
    db = str(tmp_path / "urp.db")
    assert _run("complaints", "import", str(src), "--db", db, "--create")[0] == 0
    code, out, err = _run("complaints", "kpis", "--db", db, "--by", "organization",
                          "--as-of", "2024-02-01", "--format", "json")  # fmt: skip
    assert code == 0, err
    rows = {r["organization"]: r for r in json.loads(out)}
    # Modena: 2 complaints / 185,000 inhabitants x 10,000 = 0.1081...
    assert rows["036023"]["per_10000"] == pytest.approx(2 / 185_000 * 10_000)
    assert rows["022205"]["per_10000"] == pytest.approx(1 / 119_000 * 10_000)
