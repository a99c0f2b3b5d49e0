"""``qualitapa complaints migrate``: a SQLite register into PostgreSQL, verified.

Copies every complaint, event, contact and protocol counter of ``--db``
into the empty register at ``--to`` (a ``postgresql://`` URL), in one
transaction, then compares counts and a SHA-256 checksum of every history
(:func:`qualitapa.complaints.migrate_register`). Prints the
figures in the command's language; exits 1 when anything differs.
"""

from __future__ import annotations

import time
from pathlib import Path

import click

from qualitapa.cli._complaints import _, _db_option, _register, _t, complaints_group
from qualitapa.cli._database_url import DatabaseUrl, DatabaseUrlType
from qualitapa.cli._main import echo
from qualitapa.errors import DataError


@complaints_group.command("migrate")
@_db_option
@click.option(
    "--to",
    "target",
    required=True,
    type=DatabaseUrlType(),
    help="The empty register to copy into: postgresql://user@host/database.",
)
def migrate_command(db: Path, target: DatabaseUrl) -> None:
    """Copy the register at --db into PostgreSQL (--to), and verify the copy.

    The source is only read. The copy is one transaction: if anything
    fails, the target stays empty. Then counts and a SHA-256 checksum of
    every complaint's history are compared; exits with status 1 when they
    differ.
    """
    from qualitapa.complaints import migrate_register

    if not isinstance(target, DatabaseUrl):
        raise click.BadParameter(
            _("serve l'indirizzo di un server PostgreSQL (postgresql://utente@host/database)"),
            param_hint="'--to'",
        )
    started = time.perf_counter()
    with _register(db, readonly=True) as source, _register(target, create=True) as into:
        report = migrate_register(source, into)
    t = _t()
    echo(t("copiati da {db} a {to}: {complaints}, {events}, {contacts}, {counters}",
           db=db, to=target,
           complaints=t.plural("{n} reclamo", "{n} reclami", report.complaints),
           events=t.plural("{n} evento", "{n} eventi", report.events),
           contacts=t.plural("{n} contatto", "{n} contatti", report.contacts),
           counters=t.plural("{n} contatore di protocollo", "{n} contatori di protocollo",
                             report.counters)))  # fmt: skip
    echo(t("nella destinazione: {complaints}, {events}, {contacts}",
           complaints=t.plural("{n} reclamo", "{n} reclami", report.target_complaints),
           events=t.plural("{n} evento", "{n} eventi", report.target_events),
           contacts=t.plural("{n} contatto", "{n} contatti", report.target_contacts)))  # fmt: skip
    same = report.histories_checked - len(report.mismatched)
    echo(t("impronta SHA-256 delle storie: {same} uguali su {checked} ({seconds} s)",
           same=same, checked=report.histories_checked,
           seconds=f"{time.perf_counter() - started:.1f}".replace(".", ",")))  # fmt: skip
    if not report.ok:
        shown = ", ".join(report.mismatched[:5])
        raise DataError(
            t("la copia non è uguale all'originale: conteggi diversi o storie diverse ({ids})",
              ids=shown or "-"),
            source=target.shown,
        )  # fmt: skip
