"""Every column a command shows on screen has its header words in Italian and German (issue 14).

A result table keeps stable English column names (``z_score``, ``top_box``,
``backlog_0_15``) for CSV and JSON; on screen its headers are words in the
language asked (``qualitapa.cli._headers.HEADERS``, which reads
``qualitapa._vocabulary.COLUMN_WORDS``, the portal's words too). A column a
command adds without words reached the screen as its raw English name: the
commands below run on the plugins' demo files and every table they draw is
checked, so a new column without words fails here.
"""

from __future__ import annotations

import contextlib
import re
import shutil
from collections.abc import Iterator
from importlib import import_module
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from qualitapa._vocabulary import COLUMN_WORDS
from qualitapa.cli import cli
from qualitapa.cli._headers import HEADERS, SAMPLE_SIZE_HEADERS
from qualitapa.i18n import translator
from qualitapa.site._opendata import FIELD_WORDS
from qualitapa.testing import isolated_plugins

#: A raw column name: lower-case ASCII letters, digits and underscores (``n_eff_a``).
RAW_NAME = re.compile(r"[a-z][a-z0-9_]*")

#: The commands whose screen tables are checked, on the demo files of ``work``.
COMMANDS = """
benchmark values.csv -i registry.certificates_per_fte -p 2024
benchmark raw.csv -s registry -p 2024
indicators compute raw.csv -s registry
indicators trends values.csv -i registry.certificates_per_fte
indicators targets values.csv -s registry
composite values.csv --index registry.index --show all
composite values.csv --index registry.index --show contributions
composite values.csv --index registry.index --uncertainty 20
composite values.csv --index registry.index --uncertainty 20 --show sensitivity
dea dea.csv -p 2024 --inputs fte,cost --outputs certificates,procedures --super
dea dea.csv -p 2024 --inputs fte,cost --outputs certificates,procedures --show targets
dea dea.csv -p 2024 --inputs fte,cost --outputs certificates,procedures --show lambdas
survey validate registry.counter responses.csv
survey score registry.counter responses.csv
survey score registry.counter responses.csv --by organization --level items
survey score registry.counter responses.csv --level nps
survey score registry.counter responses.csv --level distribution
survey score registry.counter responses.csv --level reliability
survey benchmark registry.counter responses.csv
survey benchmark registry.counter responses.csv --tidy
survey compare registry.counter responses.csv --pairwise
survey compare registry.counter responses.csv --on items --share
survey ipa registry.counter responses.csv
survey sample-size --population 5000
survey sample-size --n 400
complaints kpis --db complaints.db --as-of 2025-01-01
complaints kpis --db complaints.db --by service,month --as-of 2025-01-01
complaints trend --db complaints.db --by service --period quarter --as-of 2025-01-01
complaints pareto --db complaints.db --by service
complaints categories
caf score caf.csv --all-columns
caf score caf.csv --summary
caf model
caf panels --method fine_tuned --kind enablers
standards check --values values.csv --deliveries deliveries.csv
standards refunds --deliveries deliveries.csv
standards list
charter list
plan derive --complaints complaints.db --recurring 1
plan derive --caf caf.csv
""".strip().splitlines()


def _demo(plugin: str, name: str) -> Path:
    module = import_module(f"qualitapa_{plugin}")
    return Path(str(module.__file__)).parent / "demo" / name


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A folder with the registry's demo data, its indicator values and complaints register."""
    folder = tmp_path_factory.mktemp("headers")
    with isolated_plugins(["registry", "qclub"]):
        for name, target in (("indicator_data.csv", "raw.csv"),
                             ("survey_responses.csv", "responses.csv"),
                             ("deliveries.csv", "deliveries.csv"),
                             ("complaints.csv", "complaints.csv")):  # fmt: skip
            shutil.copy(_demo("registry", name), folder / target)
        shutil.copy(_demo("modena", "caf_scores.csv"), folder / "caf.csv")
        raw = pd.read_csv(folder / "raw.csv", dtype={"organization": str})
        wide = raw.pivot_table(index=["organization", "period"], columns="variable",
                               values="value").reset_index()  # fmt: skip
        wide.columns = [str(c).removeprefix("registry.") for c in wide.columns]
        wide.to_csv(folder / "dea.csv", index=False)
        runner = CliRunner()
        for args in (["indicators", "compute", "raw.csv", "-s", "registry", "-o", "values.csv"],
                     ["complaints", "import", "complaints.csv", "--db", "complaints.db",
                      "--create"]):  # fmt: skip
            with contextlib.chdir(folder):
                done = runner.invoke(cli, ["--quiet", *args])
            assert done.exit_code == 0, done.output + done.stderr
        yield folder


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["it", "de"])
@pytest.mark.parametrize("command", COMMANDS)
def test_every_column_on_screen_has_words(
    command: str, lang: str, work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import qualitapa.cli._headers as headers
    import qualitapa.cli._output as output

    unworded: list[str] = []
    drawn: list[list[str]] = []
    headed, table_text = headers.headed, output.table_text

    def spy_headed(frame, lang, extra=None):  # type: ignore[no-untyped-def]
        unworded.extend(
            str(c) for c in frame.columns if c not in HEADERS and c not in (extra or {})
        )
        return headed(frame, lang, extra)

    def spy_table_text(frame, *args, **kwargs):  # type: ignore[no-untyped-def]
        drawn.append([str(c) for c in frame.columns])
        return table_text(frame, *args, **kwargs)

    monkeypatch.setattr(headers, "headed", spy_headed)
    monkeypatch.setattr(output, "table_text", spy_table_text)
    with isolated_plugins(["registry", "qclub"]), contextlib.chdir(work):
        done = CliRunner(env={"COLUMNS": "200"}).invoke(cli, ["--lang", lang, *command.split()])
    assert done.exit_code == 0, done.output + done.stderr
    assert drawn, "the command drew no table: the check would pass by default"
    raw = sorted({c for columns in drawn for c in columns if RAW_NAME.fullmatch(c)})
    assert not raw, f"raw column names on screen: {raw}"
    assert not sorted(set(unworded)), f"columns without header words: {sorted(set(unworded))}"


def test_each_header_has_italian_and_german_words() -> None:
    from babel.messages.pofile import read_po

    from qualitapa.i18n._catalogs import _po_file

    with _po_file("de").open("rb") as f:
        german = read_po(f)
    for column, msgid in {**HEADERS, **SAMPLE_SIZE_HEADERS}.items():
        assert not RAW_NAME.fullmatch(msgid), (column, msgid)  # Italian words, not a name
        message = german.get(msgid)
        assert message is not None, (column, msgid)
        assert message.string, (column, msgid)
    assert translator("de")(COLUMN_WORDS["n_eff_a"]) == "Effektives N Gruppe A"


def test_the_portal_and_the_command_line_share_the_words() -> None:
    # one vocabulary: a column's words on the open data page are its header on screen
    shared = set(COLUMN_WORDS) - {"n"}
    assert {c: FIELD_WORDS[c] for c in shared} == {c: HEADERS[c] for c in shared if c in HEADERS}
    assert set(FIELD_WORDS) - set(COLUMN_WORDS) == {"n"}  # "N" on screen, described on the page


def test_sample_size_margin_is_the_margin_of_error() -> None:
    with isolated_plugins([]):
        done = CliRunner().invoke(cli, ["--lang", "de", "survey", "sample-size", "--n", "400"])
    assert done.exit_code == 0, done.output
    header = done.stdout.splitlines()[0]
    assert "Fehlermarge" in header, header
    assert "Konfidenzniveau" in header, header
    assert "Zielwert" not in header  # not the standards' margin to a target
    with isolated_plugins([]):  # for machines, the column names stay
        done = CliRunner().invoke(cli, ["--lang", "de", "survey", "sample-size", "--format", "csv"])
    assert done.stdout.splitlines()[0] == "population,margin,confidence,n0,n,contacts"
