"""Every hook is documented and implemented by the declarative plugin (datasette's test_docs)."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from qualitapa import hookspecs
from qualitapa.catalog import KINDS
from qualitapa.declarative import TomlPlugin

DOCS = Path(__file__).parents[2] / "docs"
HOOKS = sorted(
    name
    for name, fn in inspect.getmembers(hookspecs, inspect.isfunction)
    if name.startswith("qualitapa_")
)


#: Hooks whose results are not catalog items (the report's sections, the portal's pages).
NOT_CATALOG = ["qualitapa_report_sections", "qualitapa_site_pages"]
CATALOG_HOOKS = [h for h in HOOKS if h not in NOT_CATALOG]


def test_there_is_one_hook_per_kind():
    assert sorted(k.hook for k in KINDS) == CATALOG_HOOKS
    assert len(CATALOG_HOOKS) == len(KINDS)


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_is_documented(hook):
    headings = re.findall(r"^## (\w+)$", (DOCS / "hooks.md").read_text(), flags=re.MULTILINE)
    assert hook in headings


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_has_a_spec_docstring_with_an_example(hook):
    doc = getattr(hookspecs, hook).__doc__
    assert "Return" in doc
    assert "@hookimpl" in doc


@pytest.mark.parametrize("hook", CATALOG_HOOKS)
def test_toml_plugin_implements_hook(hook):
    assert callable(getattr(TomlPlugin, hook))


def test_cli_reference_is_up_to_date():
    from qualitapa.cli._reference import render_cli_reference

    assert (DOCS / "cli.md").read_text() == render_cli_reference(), (
        "docs/cli.md is stale: run `python -m qualitapa.cli._reference > docs/cli.md`"
    )
