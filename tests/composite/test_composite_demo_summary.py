"""The demo summary's composite claims agree with the composite scores and the uncertainty ranks."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from qualitapa import composite as cp
from qualitapa import indicators as ind
from qualitapa.catalog import Catalog
from qualitapa.demo import DemoOptions, DemoResult, DemoState, select_profile
from qualitapa.demo import _state as demo_state
from qualitapa.demo import _steps_indicators as demo_steps
from qualitapa.demo._summary import summary
from qualitapa.i18n import translator
from qualitapa.testing import isolated_plugins

# runs the demo's indicator steps (200 uncertainty runs)
pytestmark = pytest.mark.slow

QCLUB = ["qclub", "registry", "nurseries", "libraries", "finance", "personnel", "modena"]
LINE = re.compile(
    r"^- (?P<comp>.+?), (?P<runs>\d+) runs: first (?P<name>.+?) \(index (?P<value>[\d.]+); "
    r"median rank (?P<median>[\d.]+), 5th-95th percentile (?P<p05>[\d.]+)-(?P<p95>[\d.]+)\)"
    r"(?:; lowest median rank: (?P<lowest>.+))?$"
)


def _run(tmp_path: Path) -> DemoState:
    with isolated_plugins(QCLUB):
        catalog = Catalog.build()
    # what `qualitapa demo --lang en` runs by default: 200 runs, seed 0 (the summary in
    # English, the language of the lines parsed here)
    options = DemoOptions(profile=select_profile(catalog), uncertainty_runs=200, seed=0,
                          lang="en")  # fmt: skip
    return DemoState(catalog=catalog, options=options, result=DemoResult(out=tmp_path))


def _section(text: str) -> list[str]:
    part = text.split("## Composite indices\n", 1)[1].split("\n## ", 1)[0]
    return [line for line in part.splitlines() if line.startswith("- ")]


# values computed from raw data only: the registry's satisfaction (from its survey) has
# none, the recomputation below warns and uses the other sub-indices, as the step does
@pytest.mark.filterwarnings("ignore:no values for .*measured by a survey")
def test_summary_names_the_first_by_index_value_with_its_median_rank(tmp_path):
    run = _run(tmp_path)
    raw = demo_state.load(demo_state.datasets(run.catalog, "indicator_data"))
    run.raw = raw
    run.values = ind.compute(list(run.catalog.indicators.values()), raw, catalog=run.catalog)
    run.period = int(pd.to_numeric(run.values["period"]).max())
    demo_steps.composites(run)
    lines = _section(summary(run))
    names = {o.id: o.name for o in run.catalog.organizations.values()}
    # the summary names a composite by its label (a reader never sees its id)
    t = translator("en")
    by_label = {t.text(c.label): c for c in run.catalog.composites.values()}
    assert len(by_label) == len(lines) == len(run.catalog.composites) == 5
    seen = set()
    for line in lines:
        m = LINE.match(line)
        assert m, line
        assert m["comp"] not in run.catalog.composites, line
        comp = by_label[m["comp"]]
        seen.add(comp.id)
        # recomputed independently of the demo's tables: the composite of the latest year ...
        scores = cp.composite(run.values, comp, catalog=run.catalog, include_subindices=False)
        latest = scores[pd.to_numeric(scores["period"]) == run.period]
        top = latest.loc[latest["value"].idxmax()]
        assert m["name"] == names[top["organization"]]
        assert float(m["value"]) == pytest.approx(top["value"], abs=0.05)
        # ... and a fresh uncertainty analysis with the demo's runs and seed
        values_latest = run.values[pd.to_numeric(run.values["period"]) == run.period]
        unc = cp.composite_uncertainty(values_latest, comp, runs=200, catalog=run.catalog, seed=0)
        r = unc.ranks.set_index("organization")
        assert int(m["runs"]) == 200
        assert float(m["median"]) == r.loc[top["organization"], "median_rank"]
        assert float(m["p05"]) == pytest.approx(r.loc[top["organization"], "rank_p05"])
        assert float(m["p95"]) == pytest.approx(r.loc[top["organization"], "rank_p95"])
        lower = r["median_rank"].min() < r.loc[top["organization"], "median_rank"]
        assert (m["lowest"] is not None) == lower
    assert seen == set(run.catalog.composites)


def test_summary_says_both_when_the_median_rank_first_differs(tmp_path):
    run = _run(tmp_path)
    run.values = pd.DataFrame({"organization": ["a"], "indicator": ["x"], "period": [2024]})
    run.period = 2024
    run.result.tables["composite_ranks"] = pd.DataFrame(
        {
            "organization": ["015146", "001272", "016024"],
            "value": [70.04, 60.0, 10.0],
            "rank": [1, 2, 3],
            "median_rank": [2.0, 1.0, 3.0],
            "rank_p05": [1.0, 1.0, 2.0],
            "rank_p95": [3.0, 2.5, 3.0],
            "runs": [50, 50, 50],
            "composite": "x.index",
        }
    )
    (line,) = _section(summary(run))
    assert line == (
        "- x.index, 50 runs: first Milano (index 70.0; median rank 2, 5th-95th percentile 1-3)"
        "; lowest median rank: Torino (1)"
    )
