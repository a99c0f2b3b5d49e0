"""Types that say what they mean: the mypy relaxations stay justified (issue 14)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from qualitapa.catalog import KINDS, Kind

ROOT = Path(__file__).resolve().parents[2]


def _relaxed_modules() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return [
        module
        for override in config["tool"]["mypy"].get("overrides", [])
        if override.get("disallow_any_explicit") is False
        for module in override["module"]
    ]


def _path(module: str) -> Path:
    base = ROOT / "src" / Path(*module.split("."))
    return base / "__init__.py" if base.is_dir() else base.with_suffix(".py")


def test_explicit_any_is_disallowed_by_default():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert config["tool"]["mypy"]["disallow_any_explicit"] is True


@pytest.mark.parametrize("module", _relaxed_modules())
def test_every_relaxed_module_exists(module):
    # a module split or renamed must not leave its relaxation behind (mypy
    # does not warn about one stale name in a list)
    assert _path(module).is_file(), f"{module} is relaxed in pyproject.toml but does not exist"


def test_the_core_is_not_relaxed():
    core = {"catalog", "hookspecs", "plugins", "models", "declarative", "errors"}
    assert core.isdisjoint(m.removeprefix("qualitapa.") for m in _relaxed_modules())


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_every_kind_names_its_model_class(kind):
    cls = kind.model_class()
    assert cls.__name__ == kind.model.partition(":")[2]
    assert callable(getattr(cls, "from_mapping", None))


def test_a_missing_model_raises_instead_of_turning_checks_off():
    with pytest.raises(ImportError, match="does not name a class"):
        Kind("things", "thing", "qualitapa_things", "qualitapa.models:Nothing").model_class()
    with pytest.raises(ImportError):
        Kind("things", "thing", "qualitapa_things", "qualitapa.no_such_module:X").model_class()
