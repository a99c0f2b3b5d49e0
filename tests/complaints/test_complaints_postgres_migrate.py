"""``qualitapa complaints migrate``: a SQLite register copied into PostgreSQL, verified."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from qualitapa.cli import cli
from qualitapa.complaints import Complaint, ComplaintRegister, Contact
from qualitapa.complaints._migrate import history_checksums, migrate_register
from qualitapa.errors import DataError

T = dt.datetime(2024, 3, 1, 8, 30, tzinfo=dt.UTC)


def _source(path: Path) -> Path:
    with ComplaintRegister(path) as reg:
        frame = pd.DataFrame(
            {
                "id": [f"imp/{i}" for i in range(50)],
                "kind": "complaint",
                "channel": "pec",
                "service": "registry",
                "received_at": "2024-02-01T09:00+01:00",
                "status": ["answered", "forwarded", "received", "closed", "rejected"] * 10,
                "answered_at": ["2024-02-05T12:00+01:00", None, None, "2024-02-03", None] * 10,
                "outcome_note": [None, "altro ente", None, None, "fuori tema"] * 10,
                "outcome_target": [None, "INPS", None, None, None] * 10,
                "contact_email": ["a@example.org", None] * 25,
            }
        )
        assert reg.import_frame(frame).imported == 50
        for _ in range(3):
            reg.add({"kind": "fault_report", "channel": "app", "service": "roads",
                     "received_at": T, "organization": "015146", "latitude": 45.4642,
                     "longitude": 9.19, "media_url": "https://example.org/buca.jpg",
                     "contact": {"name": "Mario Rossi"}})  # fmt: skip
        reg.add(Complaint("x/1", "praise", "web", "libraries", T, address="Via Po 2",
                          contact=Contact(phone="+39 02 1234")))  # fmt: skip
        reg.transition("015146/2024/000002", "registered", actor="urp", at=T)
        reg.transition("015146/2024/000002", "assigned", actor="urp", target="strade", at=T)
    return path


def test_the_copy_is_the_original(tmp_path: Path, pg_url: str) -> None:
    source = _source(tmp_path / "r.db")
    with ComplaintRegister(source, readonly=True) as lite, ComplaintRegister(pg_url) as pg:
        report = migrate_register(lite, pg)
        assert report.ok
        assert (report.complaints, report.events, report.contacts, report.counters) == (
            54, len(lite.events_frame()), 29, 1
        )  # fmt: skip
        assert report.histories_checked == 54
        pd.testing.assert_frame_equal(
            lite.to_frame(include_contact=True), pg.to_frame(include_contact=True)
        )
        pd.testing.assert_series_equal(history_checksums(lite), history_checksums(pg))
        assert pg.check() == []
        # the protocol numbers go on where they were
        new = {"kind": "complaint", "channel": "web", "service": "x", "received_at": T,
               "organization": "015146"}  # fmt: skip
        assert pg.add(new).complaint_id == "015146/2024/000004"


def test_a_changed_history_changes_its_checksum(tmp_path: Path) -> None:
    source = _source(tmp_path / "r.db")
    with ComplaintRegister(source) as reg:
        before = history_checksums(reg)
        reg.transition("015146/2024/000002", "answered", actor="urp", at=T)
        after = history_checksums(reg)
    changed = before.index[before.ne(after)].tolist()
    assert changed == ["015146/2024/000002"]


def test_the_cli_prints_the_figures_in_italian(tmp_path: Path, pg_url: str) -> None:
    source = _source(tmp_path / "r.db")
    run = CliRunner().invoke(cli, ["complaints", "migrate", "--db", str(source), "--to", pg_url])
    assert run.exit_code == 0, run.output
    lines = run.stdout.splitlines()
    assert lines[0].startswith(f"copiati da {source} a postgresql://")
    # imported: 10 x (4 answered + 2 forwarded + 1 received + 5 closed + 2 rejected) = 140
    # events; then 4 added and 2 transitions: 146
    assert lines[0].endswith(": 54 reclami, 146 eventi, 29 contatti, 1 contatore di protocollo")
    assert lines[1] == "nella destinazione: 54 reclami, 146 eventi, 29 contatti"
    assert lines[2].startswith("impronta SHA-256 delle storie: 54 uguali su 54 (")
    # again: the target is no longer empty, said in Italian, exit 1
    again = CliRunner().invoke(cli, ["complaints", "migrate", "--db", str(source), "--to", pg_url])
    assert again.exit_code == 1
    assert "il registro di destinazione contiene già 54 reclami" in again.stderr
    # in German
    de = CliRunner().invoke(
        cli, ["--lang", "de", "complaints", "migrate", "--db", str(source), "--to", pg_url]
    )
    assert "das Zielregister enthält bereits 54 Beschwerden" in de.stderr


def test_a_copy_that_lost_an_event_fails(
    tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qualitapa.complaints._postgres import PostgresRegister

    source = _source(tmp_path / "r.db")
    append = PostgresRegister._append

    def lossy(self: PostgresRegister, db: object, complaints: dict, events: dict) -> int:
        # the copy loses the answer of imp/0 (its last event)
        ids, to = events["complaint_id"], events["to_status"]
        keep = [i for i in range(len(ids)) if not (ids[i] == "imp/0" and to[i] == "answered")]
        return append(self, db, complaints, {k: [v[i] for i in keep] for k, v in events.items()})

    monkeypatch.setattr(PostgresRegister, "_append", lossy)
    run = CliRunner().invoke(cli, ["complaints", "migrate", "--db", str(source), "--to", pg_url])
    assert run.exit_code == 1
    assert "impronta SHA-256 delle storie: 53 uguali su 54" in run.stdout
    assert "la copia non è uguale all'originale" in run.stderr
    assert "imp/0" in run.stderr


def test_a_damaged_source_is_not_copied(tmp_path: Path, pg_url: str) -> None:
    import sqlite3

    source = _source(tmp_path / "r.db")
    db = sqlite3.connect(source, isolation_level=None)
    db.execute("DROP TRIGGER events_append_only_update")
    db.execute("UPDATE events SET actor = 'evil' WHERE seq = 3")
    db.close()
    with ComplaintRegister(source, readonly=True) as lite, ComplaintRegister(pg_url) as pg:
        with pytest.raises(DataError, match="the register to copy has 2 problem"):
            migrate_register(lite, pg)
        assert len(pg) == 0


def test_to_must_be_a_server(tmp_path: Path) -> None:
    source = _source(tmp_path / "r.db")
    run = CliRunner().invoke(
        cli, ["complaints", "migrate", "--db", str(source), "--to", str(tmp_path / "b.db")]
    )
    assert run.exit_code == 2
    assert "serve l'indirizzo di un server PostgreSQL" in run.stderr
