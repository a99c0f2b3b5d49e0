"""``-o FILE`` of the commands with their own output (issue 17).

Each command writes the format its ``-o`` extension names: an extension it
cannot write, or one its ``--format`` contradicts, is a usage error (exit 2)
naming the extensions allowed, never CSV text in a ``.xlsx``. A right
extension writes a file whose first bytes are that format.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualitapa.cli import cli
from qualitapa.standards import find_browser
from qualitapa.testing import isolated_plugins

SHARE = "registry.online_certificates_share"
REGISTER = """id,kind,channel,service,received_at,status,answered_at,description
2024/1,complaint,email,registry,2024-01-08T09:00:00+01:00,answered,2024-01-15T10:00:00+01:00,x
2024/2,complaint,email,registry,2024-01-09 10:00,received,,
"""
CAF = "level,id,score\ntotal,total,55.0\n"


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with a complaints register, a CAF table and a data package with a problem."""
    d = tmp_path_factory.mktemp("inputs")
    (d / "register.csv").write_text(REGISTER, encoding="utf-8")
    (d / "caf.csv").write_text(CAF, encoding="utf-8")
    with isolated_plugins(["registry", "qclub"]):
        r = _run("complaints", "import", str(d / "register.csv"), "--db", str(d / "c.db"),
                 "--create")  # fmt: skip
        assert r.exit_code == 0, r.output
        r = _run("export", "opendata", str(d / "caf.csv"), "-o", str(d / "pkg"))
        assert r.exit_code == 0, r.output
    (d / "pkg" / "caf.csv").write_text("level,id,score\ntotal,total,not a number\n")
    return d


def _run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args))


#: command -> (its arguments before -o, given the inputs folder; the extensions allowed).
COMMANDS = {
    "complaints export": (
        lambda d: ["complaints", "export", "--db", str(d / "c.db")],
        [".csv", ".json", ".ndjson", ".xlsx", ".xml"],
    ),
    "indicators show": (lambda d: ["indicators", "show", SHARE], [".txt", ".json"]),
    "export validate": (
        lambda d: ["export", "validate", str(d / "pkg")],
        [".csv", ".json", ".ndjson", ".xlsx", ".parquet", ".md", ".html", ".txt"],
    ),
    "plugin reference": (lambda d: ["plugin", "reference", "services"], [".md", ".csv", ".json"]),
    "caf template": (lambda d: ["caf", "template"], [".csv", ".xlsx"]),
    "export excel": (lambda d: ["export", "excel", str(d / "caf.csv")], [".xlsx"]),
    "report": (lambda d: ["report", "--period", "2024", "--caf", str(d / "caf.csv")], [".html"]),
    "charter render": (lambda d: ["charter", "render", "registry"], [".md", ".html", ".pdf"]),
}

#: extension -> the first bytes of a file in that format (one of them).
MAGIC = {
    ".xlsx": (b"PK",),
    ".json": (b"{", b"["),
    ".ndjson": (b"{",),
    ".html": (b"<!DOCTYPE", b"<!doctype", b"<html"),
    ".pdf": (b"%PDF",),
    ".md": (b"#", b"| "),  # a heading, or a table without title
    ".csv": (b"",),  # and a header of column names (below)
    ".xml": (b"<?xml",),
    ".txt": (b"",),
}


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("name", ["out.txt.gz", "out.xls", "out"])
def test_an_extension_it_cannot_write_is_a_usage_error(
    command: str, name: str, inputs: Path, tmp_path: Path
) -> None:
    args, allowed = COMMANDS[command]
    if name == "out.txt.gz" or Path(name).suffix not in allowed:
        with isolated_plugins(["registry", "qclub"]):
            r = _run(*args(inputs), "-o", str(tmp_path / name))
        assert r.exit_code == 2, r.output
        said = " ".join(r.output.split())  # click wraps the message
        what = f"un file '{Path(name).suffix}'" if Path(name).suffix else "senza estensione"
        assert what in said
        assert ", ".join(allowed[:-1]) in said
        assert allowed[-1] in said
        assert not (tmp_path / name).exists()


CONTRADICTIONS = [
    ("complaints export", "xlsx", "out.csv", "out.xlsx"),
    ("complaints export", "open311-xml", "out.json", "out.xml"),
    ("indicators show", "json", "out.txt", "out.json"),
    ("export validate", "csv", "out.json", "out.csv"),
    ("plugin reference", "md", "out.json", "out.md"),
    ("charter render", "pdf", "out.html", "out.pdf"),
]


@pytest.mark.parametrize(("command", "fmt", "name", "right"), CONTRADICTIONS)
def test_a_format_the_extension_contradicts_is_a_usage_error(
    command: str, fmt: str, name: str, right: str, inputs: Path, tmp_path: Path
) -> None:
    args, _ = COMMANDS[command]
    for order in (["--format", fmt, "-o", str(tmp_path / name)],
                  ["-o", str(tmp_path / name), "--format", fmt]):  # fmt: skip
        with isolated_plugins(["registry", "qclub"]):
            r = _run(*args(inputs), *order)
        assert r.exit_code == 2, r.output
        said = " ".join(r.output.split())
        assert f"--format {fmt} non corrisponde a {name}" in said
        assert right in said
        assert not (tmp_path / name).exists()


WRITES = [
    (command, suffix)
    for command, (_, allowed) in COMMANDS.items()
    for suffix in allowed
    if suffix not in (".parquet",)  # parquet: tests/core/test_cli_output.py (pyarrow)
]


@pytest.mark.parametrize(("command", "suffix"), WRITES)
def test_a_right_extension_writes_that_format(
    command: str, suffix: str, inputs: Path, tmp_path: Path
) -> None:
    if suffix == ".pdf" and find_browser() is None:
        pytest.skip("no Chromium installed: a PDF cannot be printed")
    args, _ = COMMANDS[command]
    out = tmp_path / f"out{suffix}"
    with isolated_plugins(["registry", "qclub"]):
        r = _run(*args(inputs), "-o", str(out))
    assert r.exit_code == (1 if command == "export validate" else 0), r.output
    data = out.read_bytes()
    assert data.lstrip(b"\xef\xbb\xbf").startswith(MAGIC[suffix]), data[:80]
    if suffix == ".csv":
        header = data.lstrip(b"\xef\xbb\xbf").splitlines()[0]
        assert re.fullmatch(rb"[a-z_]+(,[a-z_]+)+", header), header
    if suffix in (".md", ".txt"):
        data.decode("utf-8")  # text


def test_opendata_writes_a_folder_not_a_zip(inputs: Path, tmp_path: Path) -> None:
    with isolated_plugins(["registry", "qclub"]):
        r = _run("export", "opendata", str(inputs / "caf.csv"), "-o", str(tmp_path / "pkg.zip"))
        assert r.exit_code == 2, r.output
        said = " ".join(r.output.split())
        assert "chiamare la cartella senza estensione (ad es. pkg)" in said
        assert not (tmp_path / "pkg.zip").exists()
        r = _run("export", "opendata", str(inputs / "caf.csv"), "-o", str(tmp_path / "pkg"))
    assert r.exit_code == 0, r.output
    assert (tmp_path / "pkg" / "datapackage.json").read_bytes().startswith(b"{")


@pytest.mark.parametrize(
    ("command", "suffix", "marker"),
    [
        ("complaints export", ".json", b'"id"'),  # the register's table, not Open311
        ("charter render", ".html", b"<html"),
        ("plugin reference", ".json", b'"key"'),
    ],
)
def test_without_format_the_extension_chooses_it(
    command: str, suffix: str, marker: bytes, inputs: Path, tmp_path: Path
) -> None:
    args, _ = COMMANDS[command]
    out = tmp_path / f"out{suffix}"
    with isolated_plugins(["registry", "qclub"]):
        r = _run(*args(inputs), "-o", str(out))
    assert r.exit_code == 0, r.output
    assert marker in out.read_bytes()
