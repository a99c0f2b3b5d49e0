"""Benchmark: reading office files with a number convention (read_table).

Writes two synthetic long tables (fixed seed): one as Italian Excel saves
it (``;``, ``1.234,5``) and one as a machine writes it (``,``, full-precision
floats). Reads each with :func:`qualitapa.io.read_table` and with the plain
pandas call an analyst would write (``pd.read_csv(sep=";", decimal=",",
thousands=".")`` for the Italian file: fast, but it never says when a value
reads two ways), checks both agree, measures time and peak memory
(tracemalloc, in a second run), and exits non-zero if a target is missed.

    .venv/bin/python benchmarks/bench_io.py [--quick]
"""

from __future__ import annotations

import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from qualitapa.io import read_table


def _timed(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    """Result, seconds and peak MiB; timed apart from tracemalloc, which slows
    down code that makes many Python objects far more than vectorised code."""
    t0 = time.perf_counter()
    out = fn()
    elapsed = time.perf_counter() - t0
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return out, elapsed, peak


def _italian(values: np.ndarray) -> list[str]:
    """Values written as Italian Excel does: 1.234.567,5."""
    return [f"{v:,.1f}".replace(",", "\x00").replace(".", ",").replace("\x00", ".") for v in values]


def main(quick: bool) -> int:
    rng = np.random.default_rng(42)
    n = 50_000 if quick else 1_000_000
    codes = np.char.zfill(rng.integers(1, 110_000, n).astype(str), 6)
    frame = pd.DataFrame(
        {
            "organization": codes,
            "period": rng.choice([2022, 2023, 2024], n),
            "variable": rng.choice([f"service.variable_{i}" for i in range(40)], n),
            "value": np.round(rng.lognormal(8, 2, n), 1),
        }
    )
    folder = Path(tempfile.mkdtemp())
    italian = folder / "italian.csv"
    frame.assign(value=_italian(frame["value"].to_numpy())).to_csv(italian, sep=";", index=False)
    machine = folder / "machine.csv"
    frame.assign(value=rng.random(n) * 1000).to_csv(machine, index=False)

    lib_it, t_lib_it, m_lib_it = _timed(lambda: read_table(italian, numbers="it"))
    ref_it, t_ref_it, m_ref_it = _timed(
        lambda: pd.read_csv(
            italian, sep=";", decimal=",", thousands=".", dtype={"organization": str}
        )
    )
    lib_en, t_lib_en, m_lib_en = _timed(lambda: read_table(machine))
    ref_en, t_ref_en, m_ref_en = _timed(lambda: pd.read_csv(machine, dtype={"organization": str}))
    agree = (
        np.allclose(lib_it["value"], ref_it["value"])
        and np.allclose(lib_it["value"], frame["value"])
        and (lib_it["organization"] == ref_it["organization"]).all()
        and np.array_equal(lib_en["value"], ref_en["value"])
    )

    rows = [
        ("Italian file (library)", t_lib_it, m_lib_it),
        ("Italian file (pandas)", t_ref_it, m_ref_it),
        ("machine file (library)", t_lib_en, m_lib_en),
        ("machine file (pandas)", t_ref_en, m_ref_en),
    ]
    print(f"{'task':<26}{'rows':>12}{'seconds':>10}{'peak MiB':>10}")
    for name, t, m in rows:
        print(f"{name:<26}{n:>12,}{t:>10.3f}{m:>10.1f}")
    ratio_it = t_lib_it / max(t_ref_it, 1e-9)
    ratio_en = t_lib_en / max(t_ref_en, 1e-9)
    print(
        f"library / pandas time: Italian {ratio_it:.2f}x, machine {ratio_en:.2f}x; "
        f"results agree: {agree}"
    )
    ok = agree and ratio_it < 8.0 and ratio_en < 3.0
    if not ok:
        print("TARGET MISSED: results must agree, Italian < 8x pandas, machine < 3x pandas")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main("--quick" in sys.argv))
