"""Benchmark: the report charts (ms per chart, by type) and one service report (issue 25).

Charts: each chart type drawn with demo-shaped data (8 cities, 16 years, 24
months, 12 IPA items, 9 CAF criteria) and embedded as inline SVG
(``figure_svg``), ``--runs`` times; the CPU time per chart (process time:
the machine is shared, wall time would measure the other processes). With
``--before COMMIT`` the same calls are timed on the chart module of that
commit too (matplotlib, the ``plot`` extra), loaded from git.

Reports: with ``--results DIR`` (the output folder of ``qualitapa demo``),
every service's HTML report is rendered (``render_report``) and its CPU time
and number of charts printed. Targets (issue 25): one service report <= 2 s;
the demo's nine steps <= 15 s (timed by running the demo itself).

Usage::

    .venv/bin/python benchmarks/bench_reports.py
    .venv/bin/python benchmarks/bench_reports.py --before 9711405 --runs 20
    .venv/bin/qualitapa demo -o /tmp/demo && .venv/bin/python benchmarks/bench_reports.py \\
        --results /tmp/demo

Exits non-zero when a service report misses its target.
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from qualitapa.i18n import translator
from qualitapa.reporting import _charts

REPORT_TARGET_S = 2.0
CITIES = ["Trento", "Milano", "Torino", "Genova", "Venezia", "Bergamo", "Bolzano", "Modena"]
QUADRANTS = ["Possibile eccesso", "Mantenere il buon lavoro", "Bassa priorità", "Concentrarsi qui"]


def chart_calls(charts: ModuleType) -> dict[str, Callable[[], Any]]:
    """One call per chart type, on demo-shaped data (the same for every module version)."""
    rng = np.random.default_rng(0)
    number = translator("it").number
    years = list(range(2009, 2025))
    series = {c: rng.normal(10, 2, len(years)) for c in CITIES}
    median = np.median(np.vstack(list(series.values())), axis=0)
    values = rng.uniform(5, 20, len(CITIES))
    centre = rng.uniform(55, 80, 15)
    names = ["gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic"]
    months = [f"{m} {y}" for y in (23, 24) for m in names]
    items = [f"Aspetto del servizio numero {i + 1}" for i in range(12)]
    x, y = rng.uniform(3, 5, 12), rng.uniform(3, 5, 12)
    criteria = [f"{i}. Criterio CAF numero {i}" for i in range(1, 10)]
    return {
        "bar": lambda: charts.bar_chart(
            CITIES, values, best=values == values.max(), highlight=np.arange(8) == 6,
            median=float(np.median(values)), target=12.0, xlabel="minuti", number=number,
        ),
        "trend": lambda: charts.trend_chart(
            years, series, median=median, highlight="Modena", best="Trento",
            others_label="altri enti", ylabel="minuti", number=number,
        ),
        "interval": lambda: charts.interval_chart(
            ["Accessibilità", "Cortesia", "Tempi", "Informazioni", "Complessivo"] * 3, centre,
            centre - 6, centre + 6, groups=["Trento"] * 5 + ["Modena"] * 5 + ["Bolzano"] * 5,
            xlim=(0, 100), xlabel="Indice (0-100)", number=number,
        ),
        "ipa": lambda: charts.ipa_chart(
            x, y, items, x_axis=float(x.mean()), y_axis=float(y.mean()),
            quadrant_names=QUADRANTS, xlabel="Importanza", ylabel="Performance", number=number,
        ),
        "monthly": lambda: charts.monthly_chart(
            months, rng.integers(50, 300, 24), rng.integers(40, 280, 24),
            received_label="ricevuti", answered_label="con risposta", number=number,
        ),
        "radar": lambda: charts.radar_chart(
            criteria, rng.uniform(20, 90, 9), previous=rng.uniform(20, 90, 9),
            label="2024", previous_label="2022",
        ),
    }  # fmt: skip


def time_charts(charts: ModuleType, runs: int) -> dict[str, float]:
    """CPU milliseconds per chart (drawn and embedded as SVG), by type: the median of ``runs``."""
    out = {}
    for name, call in chart_calls(charts).items():
        charts.figure_svg(call(), title=name, description=name)  # warm up (imports, caches)
        times = []
        for _ in range(runs):
            start = time.process_time()
            charts.figure_svg(call(), title=name, description=name)
            times.append(time.process_time() - start)
        out[name] = 1000 * float(np.median(times))
    return out


def module_at(commit: str) -> ModuleType:
    """The report chart module as it was at ``commit`` (read from git, loaded apart)."""
    root = Path(__file__).resolve().parents[1]
    source = subprocess.run(
        ["git", "show", f"{commit}:src/qualitapa/reporting/_charts.py"],
        cwd=root, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    path = Path(tempfile.mkdtemp()) / "_charts_before.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("_charts_before", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def time_reports(results: Path) -> dict[str, tuple[float, int]]:
    """CPU seconds and number of charts of each service's report from a demo's results."""
    import qualitapa
    from qualitapa.reporting import ReportInputs, read_results, render_report

    catalog = qualitapa.default_catalog()
    services = sorted({p.stem.split("-")[1] for p in results.glob("report-*-*.html")})
    out = {}
    for service in services:
        tables = read_results(results, service=service)
        inputs = ReportInputs(service=service, period=2024, lang="it", catalog=catalog,
                              organization="036023", **tables)  # fmt: skip
        start = time.process_time()
        page = render_report(inputs)
        out[service] = (time.process_time() - start, page.count('<svg role="img"'))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--before", help="a commit whose chart module is timed too")
    parser.add_argument("--results", type=Path, help="a demo's output folder: time its reports")
    args = parser.parse_args()
    now = time_charts(_charts, args.runs)
    before = time_charts(module_at(args.before), max(3, args.runs // 5)) if args.before else {}
    head = f" ms before ({args.before}) | ratio |" if before else ""
    print(f"| chart | ms per chart |{head}")
    for name, ms in now.items():
        extra = f" {before[name]:.0f} | {before[name] / ms:.0f}x |" if before else ""
        print(f"| {name} | {ms:.2f} |{extra}")
    ok = True
    if args.results is not None:
        print("\n| service report | CPU s | charts |")
        for service, (seconds, n) in time_reports(args.results).items():
            print(f"| {service} | {seconds:.2f} | {n} |")
            ok &= seconds <= REPORT_TARGET_S
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
