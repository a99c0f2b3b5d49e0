"""The attack-suite guard tells results, typed errors, raw errors, hangs and blow-ups apart."""

from __future__ import annotations

import time

import numpy as np
import pytest

from qualitapa.errors import DataError

from .conftest import guarded


def _ok() -> int:
    return 42


def _typed() -> None:
    raise DataError("bad row", row=3)


def _raw() -> None:
    raise KeyError("x")


def _hang() -> None:
    time.sleep(30)


def _spin() -> None:
    while True:
        pass


def _blow_up() -> int:
    return int(np.ones(1 << 28).sum())  # 2 GiB of float64


@pytest.mark.slow  # forks children that hang and blow up on purpose
def test_guard_outcomes() -> None:
    assert guarded(_ok).value == 42
    typed = guarded(_typed)
    assert typed.kind == "error"
    assert typed.exc_type is DataError
    raw = guarded(_raw)
    assert raw.kind == "error"
    assert raw.exc_type is KeyError
    assert guarded(_hang, timeout=0.2).kind == "timeout"  # blocked: wall clock (1 s)
    assert guarded(_spin, timeout=1.0).kind == "timeout"  # computing: CPU time
    assert guarded(_blow_up).kind == "memory"
