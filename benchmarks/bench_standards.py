"""Benchmark: standards compliance on per-delivery records, and CAF consolidation.

Runs the library against hand-written vectorised pandas references on the
same synthetic data (fixed seed), checks both agree, measures time and peak
memory (tracemalloc), and exits non-zero if a target is missed.

    .venv/bin/python benchmarks/bench_standards.py [--quick]
"""

from __future__ import annotations

import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from qualitapa.caf import consolidate, subcriterion_ids
from qualitapa.standards import QualityStandard, compliance


def _timed(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    tracemalloc.start()
    t0 = time.perf_counter()
    out = fn()
    elapsed = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return out, elapsed, peak


def main(quick: bool) -> int:
    rng = np.random.default_rng(42)
    n = 50_000 if quick else 2_000_000
    std = QualityStandard(
        "registry.wait", "registry", "timeliness", "Attesa", "<= 20",
        formula="waiting_minutes", scope="specific", required_share=0.9,
        refund={"amount": 5, "per_unit": 1, "unit_size": 10, "cap": 20},
    )  # fmt: skip
    deliveries = pd.DataFrame(
        {
            "organization": rng.choice([f"c{i:03d}" for i in range(100)], n),
            "period": rng.choice([2023, 2024], n),
            "waiting_minutes": rng.gamma(3.0, 5.0, n).round(1),
        }
    )

    def reference() -> pd.DataFrame:
        w = deliveries["waiting_minutes"].to_numpy()
        excess = np.maximum(w - 20, 0)
        refund = np.where(excess > 0, np.minimum(5 + np.ceil(excess / 10), 20), 0.0)
        d = deliveries.assign(within=w <= 20, refund=refund)
        g = d.groupby(["organization", "period"])
        return pd.DataFrame({"share": g["within"].mean(), "refund": g["refund"].sum()})

    lib, t_lib, m_lib = _timed(lambda: compliance([std], deliveries=deliveries))
    ref, t_ref, m_ref = _timed(reference)
    lib_sorted = lib.sort_values(["organization", "period"])
    agree = np.allclose(lib_sorted["share_within"].to_numpy(), ref["share"].to_numpy()) and (
        np.allclose(lib_sorted["refund_amount"].to_numpy(), ref["refund"].to_numpy())
    )

    assessors = 12 if quick else 200
    scores = pd.DataFrame(
        {
            "assessor": np.repeat([f"a{i}" for i in range(assessors)], 28),
            "subcriterion": subcriterion_ids() * assessors,
            "score": rng.integers(0, 101, 28 * assessors).astype(float),
        }
    )
    caf, t_caf, m_caf = _timed(lambda: consolidate(scores))
    ref_caf = scores.groupby("subcriterion")["score"].agg(["mean", "std"])
    caf_ok = np.allclose(
        caf.set_index("subcriterion").loc[ref_caf.index, ["mean", "sd"]].to_numpy(),
        ref_caf.to_numpy(),
    )

    rows = [
        ("compliance (library)", n, t_lib, m_lib),
        ("compliance (reference)", n, t_ref, m_ref),
        ("CAF consolidate", len(scores), t_caf, m_caf),
    ]
    print(f"{'task':<24}{'rows':>12}{'seconds':>10}{'peak MiB':>10}")
    for name, rows_n, t, m in rows:
        print(f"{name:<24}{rows_n:>12,}{t:>10.3f}{m:>10.1f}")
    ratio = t_lib / max(t_ref, 1e-9)
    print(f"library / reference time: {ratio:.2f}x; results agree: {agree and caf_ok}")
    ok = agree and caf_ok and ratio < 5.0 and t_caf < 2.0
    if not ok:
        print("TARGET MISSED: results must agree, compliance < 5x reference, CAF < 2 s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main("--quick" in sys.argv))
