"""Benchmark of qualitapa.complaints: the KPIs of issue 25, and bulk import.

Issue 25, row "complaints": 5,000,000 complaints (fixed seed: 50 services,
received over 2024, 10% still open, answer delays gamma-distributed), by
service and month: working-day answer time p50/p90, share answered within 30
working days, and the month-end backlog by service. The library
(``kpis(..., metrics=[...])`` and ``backlog(..., "month-end")``) is timed
against the plain numpy/pandas code an analyst would write at best: office
dates by ``tz_convert``, working days by ``numpy.busday_count`` with the
holidays of the ``holidays`` package, due dates by ``numpy.busday_offset``,
``groupby().quantile([0.5, 0.9])`` and ``mean()``, the backlog by sorting
each service's receipts and answers once and ``searchsorted`` at the month
ends. Both must give the same numbers; times are the median of interleaved
runs, peak memory is traced by ``tracemalloc`` in separate runs. Target:
<= 1.5x the reference in time and in peak memory.

Older targets (issues 5 and 16), run after it unless ``--kpis-only``:

* bulk import of 1,000,000 complaints into the SQLite register at
  50,000 rows/s or better (validation included);
* import of 200,000 complaints with their full history (about 1.3
  million events: suspensions, reopenings, forwards), every history
  validated, at 50,000 event rows/s or better;
* bulk import of 1,000,000 complaints checked against a catalog with local
  complaint categories (issue 16: a category of one city refused for the
  others) at 50,000 rows/s or better, refusing exactly the rows a plain
  numpy comparison finds.

Usage::

    .venv/bin/python benchmarks/bench_complaints.py [--quick] [--n N] [--kpis-only]

Exits non-zero if a target is missed or the results differ from the
reference.
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import tempfile
import time
from pathlib import Path

import holidays
import numpy as np
import pandas as pd
from bench_surveys import interleaved, peak_memory

from qualitapa import Organization, Service, hookimpl
from qualitapa.complaints import (
    ComplaintCategory,
    ComplaintRegister,
    DeadlinePolicy,
    WorkCalendar,
    backlog,
    kpis,
)
from qualitapa.testing import catalog_with

SEED = 20240131
TARGET_RATIO = 1.5  # time and peak memory, library / reference (issue 25)
ZONE = "Europe/Rome"
#: The charter's commitment of the workload: an answer within 30 working days.
POLICY = DeadlinePolicy(default={"days": 30, "unit": "working"})
CALENDAR = WorkCalendar("MO")  # Modena: national holidays and San Geminiano (31 January)
TIMING = ["median_answer_working_days", "p90_answer_working_days", "share_within_deadline"]


def make_cases(n: int, rng: np.random.Generator) -> pd.DataFrame:
    """Synthetic complaints received in 2024: 50 services, 10% still open (UTC instants)."""
    services = np.array([f"service_{i:02d}" for i in range(50)], dtype=object)
    start = np.datetime64("2024-01-01T00:00:00", "s")
    received = start + rng.integers(0, 366 * 86_400, n).astype("timedelta64[s]")
    is_open = rng.random(n) < 0.10
    delay = rng.gamma(2.0, 9.0, n) * 86_400
    answered = received + delay.astype("int64").astype("timedelta64[s]")
    answered = np.where(is_open, np.datetime64("NaT"), answered)
    return pd.DataFrame(
        {
            "service": services[rng.integers(0, 50, n)],
            "received_at": pd.DatetimeIndex(received).tz_localize("UTC"),
            "answered_at": pd.DatetimeIndex(answered).tz_localize("UTC"),
        }
    )


def library(cases: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The workload with qualitapa: the timing KPIs, then the month-end backlog."""
    timing = kpis(cases, by=["service", "month"], metrics=TIMING, policy=POLICY, calendar=CALENDAR)
    return timing, backlog(cases, "month-end", by="service")


def reference(cases: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The workload in plain numpy/pandas, as an analyst would write it."""
    closed = holidays.Italy(subdiv="MO", years=range(2023, 2027))
    hol = np.array(sorted(closed), dtype="datetime64[D]")
    received = cases["received_at"].dt.tz_convert(ZONE).dt.tz_localize(None)
    answered = cases["answered_at"].dt.tz_convert(ZONE).dt.tz_localize(None)
    r = received.to_numpy().astype("datetime64[D]")
    a = answered.to_numpy().astype("datetime64[D]")
    done = ~np.isnat(a)
    one = np.timedelta64(1, "D")
    wd = np.full(len(cases), np.nan)
    wd[done] = np.busday_count(r[done] + one, a[done] + one, holidays=hol)
    due = np.busday_offset(r, 30, roll="backward", holidays=hol)  # the 30th working day
    t = pd.DataFrame(
        {
            "service": cases["service"].to_numpy(),
            "month": r.astype("datetime64[M]"),
            "wd": wd,
            "within": np.where(done, a <= due, np.nan),
        }
    )
    g = t.groupby(["service", "month"])
    timing = g["wd"].quantile([0.5, 0.9]).unstack()
    timing["share"] = g["within"].mean()
    # every service at every month from the first receipt to the latest, empty ones too
    services, months = timing.index.levels
    span = pd.date_range(months.min(), months.max(), freq="MS").as_unit(months.unit)
    full = pd.MultiIndex.from_product([services, span], names=["service", "month"])
    timing = timing.reindex(full)
    # month-end backlog: received and not answered by the last instant of each month
    rec_ns = cases["received_at"].dt.tz_convert(None).to_numpy("datetime64[ns]").view(np.int64)
    ans_ns = cases["answered_at"].dt.tz_convert(None).to_numpy("datetime64[ns]").view(np.int64)
    latest = max(rec_ns.max(), ans_ns[done].max())
    first = received.min().to_period("M").to_timestamp()
    last = pd.Timestamp(latest, tz="UTC").tz_convert(ZONE).tz_localize(None).to_period("M")
    starts = pd.date_range(first, last.to_timestamp() + pd.offsets.MonthBegin(1), freq="MS")
    ends = starts[1:].tz_localize(ZONE).as_unit("ns").asi8 - 1000  # one microsecond before
    ends = ends[ends <= latest]
    rows = []
    for service, idx in t.groupby("service").indices.items():
        rec = np.sort(rec_ns[idx])
        ans = np.sort(ans_ns[idx][done[idx]])
        n_open = np.searchsorted(rec, ends, side="right") - np.searchsorted(ans, ends, side="right")
        rows.append(pd.DataFrame({"service": service, "as_of": ends, "open": n_open}))
    return timing, pd.concat(rows, ignore_index=True)


def same(lib: tuple[pd.DataFrame, pd.DataFrame], ref: tuple[pd.DataFrame, pd.DataFrame]) -> bool:
    """Whether the library and the reference give the same numbers."""
    k, b = lib
    timing, ref_backlog = ref
    periods = timing.index.get_level_values("month").strftime("%Y-%m")
    ok = len(k) == len(timing) and k["period"].tolist() == periods.tolist()
    ok &= k["service"].tolist() == timing.index.get_level_values("service").tolist()
    for col, ref_col in (
        ("median_answer_working_days", 0.5),
        ("p90_answer_working_days", 0.9),
        ("share_within_deadline", "share"),
    ):
        ok &= np.allclose(
            k[col].to_numpy(float), timing[ref_col].to_numpy(float), rtol=1e-12, equal_nan=True
        )
    as_of = b["as_of"].dt.tz_convert("UTC").dt.tz_localize(None).astype("datetime64[ns]")
    ok &= len(b) == len(ref_backlog) and b["service"].tolist() == ref_backlog["service"].tolist()
    ok &= np.array_equal(as_of.to_numpy().astype(np.int64), ref_backlog["as_of"].to_numpy())
    return bool(ok and np.array_equal(b["open"].to_numpy(), ref_backlog["open"].to_numpy()))


def kpi_row(n: int, repeat: int, rng: np.random.Generator, *, full: bool) -> bool:
    """Time and memory of the issue-25 workload, printed; False if a check or target fails."""
    cases = make_cases(n, rng)
    data_mib = cases.memory_usage(deep=True).sum() / 2**20
    (t_lib, t_ref), (lib, ref) = interleaved(
        [lambda: library(cases), lambda: reference(cases)], repeat
    )
    ok = same(lib, ref)
    del lib, ref
    m_lib, m_ref = peak_memory(lambda: library(cases)), peak_memory(lambda: reference(cases))
    ratio, m_ratio = t_lib / t_ref, m_lib / m_ref
    print(f"complaints KPIs (issue 25): {n:,} complaints, 50 services x months "
          f"(data {data_mib:,.0f} MiB), median of {repeat} interleaved runs")  # fmt: skip
    print(f"{'':<12}{'time (s)':>10}{'peak MiB':>10}")
    print(f"{'library':<12}{t_lib:>10.3f}{m_lib:>10.0f}")
    print(f"{'reference':<12}{t_ref:>10.3f}{m_ref:>10.0f}")
    print(f"ratio library/reference: time {ratio:.2f}, memory {m_ratio:.2f} "
          f"(target <= {TARGET_RATIO})")  # fmt: skip
    print(f"results equal to the reference: {ok}")
    if not ok:
        print("FAIL: kpis/backlog differ from the reference", file=sys.stderr)
    if full and max(ratio, m_ratio) > TARGET_RATIO:
        print("FAIL: slower or larger than the target", file=sys.stderr)
        return False
    return ok


def make_import_frame(n: int, rng: np.random.Generator) -> pd.DataFrame:
    received = np.datetime64("2024-01-01T00:00:00", "s") + rng.integers(0, 366 * 86_400, n).astype(
        "timedelta64[s]"
    )
    text = np.datetime_as_string(received, unit="s").astype(object) + "+01:00"
    kinds = np.array(["complaint", "fault_report", "suggestion", "praise"], dtype=object)
    channels = np.array(["counter", "phone", "email", "pec", "web", "app", "letter", "social"],
                        dtype=object)  # fmt: skip
    return pd.DataFrame(
        {
            "id": [f"2024/{i:07d}" for i in range(n)],
            "kind": kinds[rng.integers(0, 4, n)],
            "channel": channels[rng.integers(0, 8, n)],
            "service": np.array([f"service_{i:02d}" for i in range(50)], dtype=object)[
                rng.integers(0, 50, n)
            ],
            "received_at": text,
            "description": "Segnalazione di prova",
        }
    )


N_SERVICES, N_ORGS, GENERAL_PER_SERVICE = 50, 20, 3


class ScopedCatalog:
    """50 services, 20 cities; per service 3 general categories and 1 local to one city."""

    @hookimpl
    def qualitapa_services(self) -> list[Service]:
        return [Service(f"service_{i:02d}", f"Servizio {i}") for i in range(N_SERVICES)]

    @hookimpl
    def qualitapa_organizations(self) -> list[Organization]:
        return [Organization(f"{i:06d}", f"Comune {i}") for i in range(N_ORGS)]

    @hookimpl
    def qualitapa_complaint_categories(self) -> list[ComplaintCategory]:
        out = []
        for s in range(N_SERVICES):
            out += [
                ComplaintCategory(f"service_{s:02d}.c{j}", "Categoria", f"service_{s:02d}")
                for j in range(GENERAL_PER_SERVICE)
            ]
            out.append(
                ComplaintCategory(
                    f"service_{s:02d}.local",
                    "Locale",
                    f"service_{s:02d}",
                    organizations=[f"{s % N_ORGS:06d}"],
                )
            )
        return out


def with_scope(frame: pd.DataFrame, rng: np.random.Generator) -> tuple[pd.DataFrame, np.ndarray]:
    """``frame`` with a category of its service and a city, and the rows to refuse (numpy)."""
    n = len(frame)
    service = frame["service"].str.slice(8).astype(int).to_numpy()
    j = rng.integers(0, GENERAL_PER_SERVICE + 1, n)  # GENERAL_PER_SERVICE: the local one
    org = rng.integers(0, N_ORGS, n)
    suffix = np.where(j == GENERAL_PER_SERVICE, "local", np.char.add("c", j.astype(str)))
    out = frame.assign(
        category=(frame["service"] + "." + suffix.astype(object)).to_numpy(dtype=object),
        organization=np.char.zfill(org.astype(str), 6).astype(object),
    )
    refuse = (j == GENERAL_PER_SERVICE) & (org != service % N_ORGS)
    return out, refuse


TEMPLATES = [
    # the to_status sequences of the synthetic histories
    ["received", "registered", "assigned", "in_progress", "answered", "closed"],
    ["received", "registered", "assigned", "suspended", "in_progress", "answered", "closed",
     "reopened", "in_progress", "answered", "closed"],
    ["received", "registered", "forwarded", "closed"],
    ["received", "registered", "assigned", "in_progress"],
]  # fmt: skip


def make_history(n: int, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Complaints and their events (the events_frame layout), built without row loops."""
    complaints = make_import_frame(n, rng)
    received = pd.to_datetime(complaints["received_at"], format="ISO8601", utc=True)
    pick = rng.choice(len(TEMPLATES), size=n, p=[0.6, 0.1, 0.1, 0.2])
    lengths = np.array([len(t) for t in TEMPLATES])[pick]
    total = int(lengths.sum())
    owner = np.repeat(np.arange(n), lengths)
    step = np.arange(total) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    flat_to = np.array([s for t in TEMPLATES for s in t], dtype=object)
    offsets = np.cumsum([0] + [len(t) for t in TEMPLATES])[:-1]
    to = flat_to[offsets[pick][owner] + step]
    fr = np.empty(total, dtype=object)
    fr[1:] = to[:-1]
    fr[step == 0] = None
    gap_h = rng.integers(1, 72, total)
    gap_h[step == 0] = 0
    hours = pd.Series(gap_h).groupby(owner).cumsum().to_numpy()
    base = received.dt.tz_localize(None).to_numpy(dtype="datetime64[s]")
    at = base[owner] + hours.astype("timedelta64[h]")
    forwarded = to == "forwarded"
    events = pd.DataFrame(
        {
            "seq": np.arange(1, total + 1),
            "complaint_id": complaints["id"].to_numpy()[owner],
            "at": pd.DatetimeIndex(at).tz_localize("UTC"),
            "actor": np.where(step == 0, "urp", "ufficio").astype(object),
            "from_status": fr,
            "to_status": to,
            "note": np.where(forwarded, "non di competenza", None),
            "target": np.where(forwarded, "INPS", None),
        }
    )
    last = np.r_[owner[1:] != owner[:-1], True]
    complaints["status"] = to[last]
    return complaints, events


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, a few seconds")
    parser.add_argument("--n", type=int, default=None, help="complaints of the KPI workload")
    parser.add_argument("--repeat", type=int, default=5, help="interleaved runs")
    parser.add_argument("--kpis-only", action="store_true", help="skip the import benchmarks")
    args = parser.parse_args(argv)
    n_kpi = args.n or (200_000 if args.quick else 5_000_000)
    n_import = 50_000 if args.quick else 1_000_000
    n_history = 20_000 if args.quick else 200_000
    rng = np.random.default_rng(SEED)
    failed = not kpi_row(n_kpi, args.repeat, rng, full=not args.quick and args.n is None)
    if args.kpis_only:
        return 1 if failed else 0
    gc.collect()
    rows: list[tuple[str, str, str, str]] = []

    frame = make_import_frame(n_import, rng)
    with tempfile.TemporaryDirectory() as tmp:
        reg = ComplaintRegister(Path(tmp) / "bench.db")
        t0 = time.perf_counter()
        report = reg.import_frame(frame)
        t_import = time.perf_counter() - t0
        ok = report.imported == n_import and len(reg) == n_import
        reg.close()
    rate = n_import / t_import
    rows.append(("bulk import", f"{n_import:,} rows", f"{t_import:.2f} s",
                 f"{rate:,.0f} rows/s (target >= 50,000)"))  # fmt: skip
    if rate < 50_000 or not ok:
        failed = True

    scoped, refuse = with_scope(frame, rng)
    catalog = catalog_with(ScopedCatalog())
    with tempfile.TemporaryDirectory() as tmp:
        reg = ComplaintRegister(Path(tmp) / "bench.db")
        t0 = time.perf_counter()
        report = reg.import_frame(scoped, catalog=catalog)
        t_scoped = time.perf_counter() - t0
        refused = np.sort(report.problems["row"].to_numpy()) - 1
        ok = np.array_equal(refused, np.flatnonzero(refuse)) and (
            report.imported == n_import - int(refuse.sum()) == len(reg)
        )
        reg.close()
    rate = n_import / t_scoped
    rows.append(("import, local categories", f"{n_import:,} rows", f"{t_scoped:.2f} s",
                 f"{rate:,.0f} rows/s, {int(refuse.sum()):,} refused "
                 "(target >= 50,000 rows/s)"))  # fmt: skip
    if rate < 50_000 or not ok:
        failed = True
        if not ok:
            print("local categories: refused rows differ from numpy", file=sys.stderr)

    del frame, scoped
    gc.collect()
    complaints, events = make_history(n_history, rng)
    with tempfile.TemporaryDirectory() as tmp:
        reg = ComplaintRegister(Path(tmp) / "bench.db")
        t0 = time.perf_counter()
        report = reg.import_frame(complaints, events=events)
        t_hist = time.perf_counter() - t0
        ok = report.imported == n_history and report.events == len(events) and len(reg) == n_history
        if not report.problems.empty:
            print(report.problems.head(), file=sys.stderr)
        reg.close()
    ev_rate = len(events) / t_hist
    rows.append(("import with history", f"{n_history:,} + {len(events):,} ev", f"{t_hist:.2f} s",
                 f"{ev_rate:,.0f} event rows/s, {n_history / t_hist:,.0f} complaints/s "
                 "(target >= 50,000 event rows/s)"))  # fmt: skip
    if ev_rate < 50_000 or not ok:
        failed = True

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'benchmark':<24} {'size':>16} {'time':>9}  result")
    for name, size, took, result in rows:
        print(f"{name:<24} {size:>16} {took:>9}  {result}")
    print(f"peak resident memory: {peak_mb:,.0f} MB")
    print("FAILED" if failed else "all targets met")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
