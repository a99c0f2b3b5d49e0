"""Test configuration: tests never see plugins that merely happen to be installed."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

from qualitapa.catalog import default_catalog
from qualitapa.plugins import DISABLE_ENV, LOAD_ENV

# Property tests: a quick profile for the local loop, a thorough one for CI
# (`HYPOTHESIS_PROFILE=ci`, set by .ci/run). Tests that need another example count
# set it themselves; the deadline is off because the machines are shared.
settings.register_profile("dev", max_examples=40, deadline=None)
settings.register_profile("ci", max_examples=200, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the tests marked slow last (as pytest's own conftest does): quick failures first.

    The sort is stable, so each group keeps its collection order. `-m "not slow"` (the
    fast local loop, CONTRIBUTING.md) leaves them out.
    """
    items.sort(key=lambda item: item.get_closest_marker("slow") is not None)


@pytest.fixture(autouse=True)
def _no_installed_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    """Load no entry-point plugins unless a test asks (see qualitapa.testing.isolated_plugins)."""
    monkeypatch.setenv(LOAD_ENV, "")
    monkeypatch.delenv(DISABLE_ENV, raising=False)
    default_catalog.cache_clear()
