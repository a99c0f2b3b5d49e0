"""The architecture page names the code as it is: every path it cites exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "architecture.md"
# `src/qualitapa/...` in code spans and tables; a `_module.py` written after a package
# path in the same table cell is that package's module.
PATH = re.compile(r"src/qualitapa(?:/[\w.]+)*/?")
MODULE = re.compile(r"`(\w+\.py)`")


def cited_paths(text: str) -> list[str]:
    """Every ``src/qualitapa`` path the text cites, and the ``_modules`` of package rows."""
    paths: list[str] = []
    for line in text.splitlines():
        found = PATH.findall(line)
        paths += found
        packages = [p for p in found if p.endswith("/")]
        if len(packages) == 1:
            paths += [packages[0] + m for m in MODULE.findall(line)]
    return paths


def test_cited_paths_reads_files_packages_and_their_modules():
    assert cited_paths("| `src/qualitapa/io.py` | reading |") == ["src/qualitapa/io.py"]
    row = "| `src/qualitapa/demo/` | steps (`_run.py`), state (`_state.py`) |"
    assert cited_paths(row) == [
        "src/qualitapa/demo/",
        "src/qualitapa/demo/_run.py",
        "src/qualitapa/demo/_state.py",
    ]
    # two packages in one cell: a bare module name is not attributed to either
    assert cited_paths("`src/qualitapa/cli/`, `src/qualitapa/demo/` (`_run.py`)") == [
        "src/qualitapa/cli/",
        "src/qualitapa/demo/",
    ]


def test_the_page_cites_the_code():
    paths = cited_paths(PAGE.read_text(encoding="utf-8"))
    # the page describes every package, so it cites far more than a handful
    assert len(paths) > 60
    for package in ("indicators", "composite", "surveys", "complaints", "cli", "demo"):
        assert f"src/qualitapa/{package}/" in paths


@pytest.mark.parametrize("path", sorted(set(cited_paths(PAGE.read_text(encoding="utf-8")))))
def test_cited_path_exists(path):
    assert (ROOT / path).exists(), f"docs/architecture.md cites {path}, which does not exist"


def test_a_missing_path_is_caught():
    assert not (ROOT / cited_paths("`src/qualitapa/indicators/_composite_gone.py`")[0]).exists()


# --- the page names all of the code, and the layers of the import contract ----------

SRC = ROOT / "src" / "qualitapa"
PRIVATE_SUBPACKAGE = re.compile(r"`(_\w+)/`")


def code_modules() -> list[str]:
    """The modules and packages a reader must find on the page.

    Every module and package at the top of ``src/qualitapa``, and every module of each
    top-level package (its subpackages by their folder name); not ``__about__.py``
    (the version) nor the packages' own ``__init__.py``.
    """
    names: list[str] = []
    for entry in sorted(SRC.iterdir()):
        if entry.name in {"__pycache__", "__about__.py", "py.typed"}:
            continue
        if entry.is_file() and entry.suffix == ".py":
            names.append(f"src/qualitapa/{entry.name}")
        elif entry.is_dir():
            names.append(f"src/qualitapa/{entry.name}/")
            for inner in sorted(entry.iterdir()):
                if inner.suffix == ".py" and inner.name != "__init__.py":
                    names.append(f"src/qualitapa/{entry.name}/{inner.name}")
                elif (inner / "__init__.py").exists():
                    names.append(f"src/qualitapa/{entry.name}/{inner.name}/")
    return names


def cited_subpackages(text: str) -> list[str]:
    """``_name/`` folders a package row cites, as paths under that package."""
    paths: list[str] = []
    for line in text.splitlines():
        packages = [p for p in PATH.findall(line) if p.endswith("/")]
        if packages:
            paths += [packages[0] + name + "/" for name in PRIVATE_SUBPACKAGE.findall(line)]
    return paths


def test_code_modules_finds_modules_and_subpackages():
    names = code_modules()
    assert "src/qualitapa/io.py" in names
    assert "src/qualitapa/indicators/_formula.py" in names
    assert "src/qualitapa/reporting/_sections/" in names
    assert "src/qualitapa/__about__.py" not in names
    assert "src/qualitapa/indicators/__init__.py" not in names


@pytest.mark.parametrize("module", code_modules())
def test_page_names_every_module(module):
    text = PAGE.read_text(encoding="utf-8")
    named = set(cited_paths(text)) | set(cited_subpackages(text))
    assert module in named, f"docs/architecture.md does not say what {module} holds"


def import_contract_layers() -> list[set[str]]:
    """The modules of each layer of the import-linter layers contract, top first."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    (layers,) = [c["layers"] for c in contracts if c["type"] == "layers"]
    return [set(re.split(r"\s*[:|]\s*", layer.strip())) for layer in layers]


def test_page_shows_each_layer_of_the_contract():
    text = PAGE.read_text(encoding="utf-8")
    diagram = text.split("## Layers", 1)[1].split("```")[1]
    for layer in import_contract_layers():
        if layer == {"__main__"}:
            continue
        # each layer appears in the diagram by one of its modules' names (the core by
        # its public modules); private top-level modules are named in the core table
        public = {name for name in layer if not name.startswith("_")} or layer
        assert any(re.search(rf"\b{re.escape(n)}\b", diagram) for n in public), layer
        for name in layer:
            path = f"src/qualitapa/{name}"
            assert f"{path}.py" in text or f"{path}/" in text, f"{name} not on the page"


def test_diagram_order_follows_the_contract():
    text = PAGE.read_text(encoding="utf-8")
    diagram = text.split("## Layers", 1)[1].split("```")[1]
    lines = diagram.splitlines()

    def row(name: str) -> int:
        return next(i for i, line in enumerate(lines) if re.search(rf"\b{name}\b", line))

    order = [row(n) for n in ("cli", "demo", "reporting", "programme", "indicators", "models")]
    assert order == sorted(order)
