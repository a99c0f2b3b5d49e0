"""The demo's longest step, the reports, says where it is (issue 17)."""

from __future__ import annotations

import re


def test_the_report_step_shows_each_sub_step_with_an_estimate(demo):
    out, _catalog, output = demo
    lines = [line for line in output.splitlines() if line.startswith("[9/10] ")]
    # the step, then one line per report, the open-data package and the workbook
    reports = sorted(out.glob("report-*.html"))
    total = len(reports) + 2
    subs = [line for line in lines if re.match(rf"\[9/10\] \d+/{total} ", line)]
    assert [int(s.split()[1].split("/")[0]) for s in subs] == list(range(total)), lines
    assert all(s.split()[2] == "rapporto" for s in subs[: len(reports)])
    assert "pacchetto di dati aperti" in subs[-2]
    assert "cartella di lavoro Excel" in subs[-1]
    # an estimate once one report is done: "(12,3 s; ancora circa 45,6 s)"
    assert all(re.search(r"\(\d+,\d s; ancora circa \d+,\d s\)$", s) for s in subs[1:]), subs
    assert "\x1b" not in output  # no bar off a terminal


def test_run_demo_reports_progress_events_in_order(demo):
    # the events are what the lines print: numbered steps 1..10, each once
    _, _, output = demo
    heads = [m.group(1) for m in re.finditer(r"^\[(\d+)/10\] (?!\d+/)", output, flags=re.M)]
    assert heads == [str(n) for n in range(1, 11)]
