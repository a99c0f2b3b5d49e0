"""`__all__` is written once: in public modules, never in a private `_module`.

CONTRIBUTING, "`__all__` is written once": a package's `__init__` lists its public
names; the private modules behind it define no `__all__` of their own, and the
`__init__` imports each name from the module that defines it.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
PACKAGE = SRC / "qualitapa"

#: Where the convention is in force: these packages and core modules. An area joins
#: when its private modules have dropped their `__all__`; this list
#: only grows.
ADOPTED = (
    "qualitapa/_languages.py",
    "qualitapa/_numbers.py",
    "qualitapa/_organizations.py",
    "qualitapa/_workbooks.py",
    "qualitapa/_xlsx.py",
    "qualitapa/caf/",
    "qualitapa/cli/",
    "qualitapa/complaints/",
    "qualitapa/composite/",
    "qualitapa/demo/",
    "qualitapa/i18n/",
    "qualitapa/improvement/",
    "qualitapa/indicators/",
    "qualitapa/programme/",
    "qualitapa/reporting/",
    "qualitapa/standards/",
    "qualitapa/surveys/",
)
#: Modules of the adopted packages that other areas own and still carry an `__all__`.
#: This list only shrinks: a module that drops its `__all__` fails
#: `test_the_exceptions_only_shrink` until its line is deleted.
MODULES_NOT_YET: set[str] = set()


def not_yet(module: str) -> bool:
    return module in MODULES_NOT_YET or not module.startswith(ADOPTED)


@functools.cache
def parsed(path: Path) -> ast.Module:
    """A source file's tree, parsed once for the tests of this module."""
    return ast.parse(path.read_text(encoding="utf-8"))


def defines_all(source: str | ast.Module) -> bool:
    """True if the module's top level assigns ``__all__``."""
    tree = ast.parse(source) if isinstance(source, str) else source
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign | ast.AugAssign):
            targets = [node.target]
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            return True
    return False


def private_modules() -> list[Path]:
    return sorted(
        p
        for p in PACKAGE.rglob("_*.py")
        if not p.name.startswith("__") and "__pycache__" not in p.parts
    )


def with_all() -> set[str]:
    return {p.relative_to(SRC).as_posix() for p in private_modules() if defines_all(parsed(p))}


def test_defines_all_finds_the_list():
    assert defines_all('"""Doc."""\n\n__all__ = ["a"]\n\na = 1\n')
    assert defines_all("__all__: list[str] = []\n")
    assert not defines_all("def f():\n    __all__ = []\n")
    assert not defines_all("ALL = ['a']\n")


def test_private_modules_define_no_all():
    checked = [p for p in private_modules() if not not_yet(p.relative_to(SRC).as_posix())]
    assert len(checked) > 50
    extra = {m for m in with_all() if not not_yet(m)}
    assert not extra, (
        f"{sorted(extra)} define __all__: list the public names in the package's "
        "__init__ only (CONTRIBUTING, '__all__ is written once')"
    )


def test_the_exceptions_only_shrink():
    present = {m for m in MODULES_NOT_YET if (SRC / m).exists()}
    gone = present - with_all()
    assert not gone, f"{sorted(gone)} no longer define __all__: delete their lines"


def _reexports_through_private_modules() -> list[str]:
    """Names a package `__init__` imports from a private module that only imports them."""
    found = []
    for init in PACKAGE.rglob("__init__.py"):
        for node in ast.walk(parsed(init)):
            if not isinstance(node, ast.ImportFrom) or not node.module:
                continue
            if not node.module.rpartition(".")[2].startswith("_"):
                continue
            module = SRC.joinpath(*node.module.split(".")).with_suffix(".py")
            if not module.exists() or not_yet(module.relative_to(SRC).as_posix()):
                continue
            imported = {
                alias.asname or alias.name.partition(".")[0]
                for stmt in parsed(module).body
                if isinstance(stmt, ast.Import | ast.ImportFrom)
                for alias in stmt.names
            }
            found += [
                f"{init.relative_to(SRC)}: {a.name} from {node.module}"
                for a in node.names
                if a.name in imported
            ]
    return found


def test_a_package_imports_each_name_from_where_it_is_defined():
    assert not _reexports_through_private_modules()
