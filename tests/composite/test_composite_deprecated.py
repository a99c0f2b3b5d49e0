"""The names moved from qualitapa.indicators to qualitapa.composite still work, and warn."""

from __future__ import annotations

import importlib
import inspect
import warnings

import pytest

import qualitapa.composite
import qualitapa.indicators

#: What qualitapa.indicators exported of qualitapa.composite's names before issue 14
#: (0.1): the names it forwards, with a warning, until 0.3.0.
BEFORE_THE_MOVE = {
    "Aggregator",
    "CompositeComponent",
    "CompositeDefinition",
    "DEAResult",
    "DEASolverError",
    "Normaliser",
    "Orientation",
    "ReturnsToScale",
    "UncertaintyResult",
    "aggregate",
    "composite",
    "composite_contributions",
    "composite_uncertainty",
    "dea",
    "group_ratio",
    "normalise",
    "pca_weights",
    "ratio_parts",
    "winsorise",
}
MOVED = sorted(BEFORE_THE_MOVE)


def test_every_moved_name_is_forwarded():
    # a name added to qualitapa.composite later is not forwarded: it goes into
    # qualitapa.indicators._NEW_IN_COMPOSITE
    assert BEFORE_THE_MOVE.issubset(qualitapa.composite.__all__)
    assert qualitapa.indicators._moved_to_composite() == BEFORE_THE_MOVE


@pytest.mark.parametrize("name", MOVED)
def test_old_name_warns_and_is_the_new_object(name):
    moved = rf"from qualitapa\.composite import {name}'"
    with pytest.warns(DeprecationWarning, match=moved) as rec:
        old = getattr(qualitapa.indicators, name)
    assert old is getattr(qualitapa.composite, name)
    assert "0.3.0" in str(rec[0].message)
    assert rec[0].filename == __file__  # the warning points at the caller


def test_from_import_of_an_old_name_warns():
    with pytest.warns(DeprecationWarning, match="qualitapa.indicators.dea has moved"):
        from qualitapa.indicators import dea
    assert dea is qualitapa.composite.dea


@pytest.mark.parametrize("name", MOVED)
def test_new_names_do_not_warn(name):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        module = importlib.import_module("qualitapa.composite")
        assert name in module.__all__
        getattr(module, name)


def test_star_import_and_dir_of_indicators_do_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # what "from qualitapa.indicators import *" does: read every name of __all__
        star = {n: getattr(qualitapa.indicators, n) for n in qualitapa.indicators.__all__}
        assert "compute" in star
        assert not set(MOVED) & set(star)  # moved names are not in __all__
        assert set(MOVED) <= set(dir(qualitapa.indicators))


def test_unknown_name_is_still_an_attribute_error():
    with pytest.raises(AttributeError, match="no_such_name"):
        qualitapa.indicators.no_such_name  # noqa: B018


def test_composite_all_is_what_it_exports():
    public = {
        n
        for n, v in vars(qualitapa.composite).items()
        if not n.startswith("_") and not inspect.ismodule(v)
    }
    assert set(qualitapa.composite.__all__) == public
