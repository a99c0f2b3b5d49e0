"""Test configuration: tests never see plugins that merely happen to be installed."""

from __future__ import annotations

import pytest

from qualitapa.catalog import default_catalog
from qualitapa.plugins import DISABLE_ENV, LOAD_ENV


@pytest.fixture(autouse=True)
def _no_installed_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    """Load no entry-point plugins unless a test asks (see qualitapa.testing.isolated_plugins)."""
    monkeypatch.setenv(LOAD_ENV, "")
    monkeypatch.delenv(DISABLE_ENV, raising=False)
    default_catalog.cache_clear()
