"""The demo audits every shipped composite; one printed alpha and correlation recomputed by hand."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from qualitapa import indicators as ind
from qualitapa.catalog import Catalog
from qualitapa.composite import AUDIT_FLAGS
from qualitapa.demo import DemoOptions, DemoResult, DemoState, select_profile
from qualitapa.demo import _state as demo_state
from qualitapa.demo import _steps_indicators as demo_steps
from qualitapa.i18n import translator
from qualitapa.testing import isolated_plugins

# runs the demo's composite step on the demo data
pytestmark = pytest.mark.slow

QCLUB = ["qclub", "registry", "nurseries", "libraries", "finance", "personnel", "modena"]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> DemoState:
    with isolated_plugins(QCLUB):
        catalog = Catalog.build()
    options = DemoOptions(profile=select_profile(catalog), uncertainty_runs=20, seed=0,
                          lang="it")  # fmt: skip
    state = DemoState(catalog=catalog, options=options,
                      result=DemoResult(out=tmp_path_factory.mktemp("audit")))  # fmt: skip
    state.raw = demo_state.load(demo_state.datasets(catalog, "indicator_data"))
    state.values = ind.compute(list(catalog.indicators.values()), state.raw, catalog=catalog)
    state.period = int(pd.to_numeric(state.values["period"]).max())
    demo_steps.composites(state)
    return state


def test_every_shipped_index_is_audited_and_reaches_its_report(run):
    audit = run.result.tables["composite_audit"]
    assert set(audit["composite"]) == set(run.catalog.composites) != set()
    for comp in run.catalog.composites.values():
        if comp.service is not None:
            unc = run.uncertainty[comp.service]
            assert unc.audit is not None
            roots = unc.audit.dimensions.loc[unc.audit.dimensions["level"] == 0, "dimension"]
            assert roots.tolist() == [comp.id]
    # the flags are in the demo's language (Italian): no English text
    english = {str(m) for m in AUDIT_FLAGS.values()}
    italian = {m.render(translator("it")) for m in AUDIT_FLAGS.values()}
    said = {part.split(" (")[0] for f in audit["flags"] if f for part in f.split("; ")}
    assert said <= italian
    assert not said & english


def test_a_printed_alpha_and_correlation_recomputed_from_the_indicator_values(run):
    # registry.index, sub-index service_quality, latest period: min-max normalisation of
    # each indicator among the cities (lower-is-better ones turned), then Cronbach (1951)
    # alpha = k/(k-1) (1 - sum of item variances / variance of the sum), and the Pearson
    # correlation of an indicator with the sub-index (the mean of its normalised indicators)
    comp = run.catalog.composites["registry.index"]
    dim = next(c for c in comp.components if c.key == "service_quality")
    ids = [leaf.key for leaf in dim.leaves()]
    v = run.values
    latest = v[(pd.to_numeric(v["period"]) == run.period) & v["indicator"].isin(ids)]
    wide = latest.pivot(index="organization", columns="indicator", values="value")[ids]
    sign = np.array([run.catalog.indicators[i].polarity.sign for i in ids], dtype=float)
    x = wide.to_numpy(dtype=float) * sign
    z = (x - np.nanmin(x, axis=0)) / (np.nanmax(x, axis=0) - np.nanmin(x, axis=0))
    complete = z[~np.isnan(z).any(axis=1)]
    k = complete.shape[1]
    alpha = (
        k / (k - 1) * (1 - complete.var(axis=0, ddof=1).sum() / complete.sum(axis=1).var(ddof=1))
    )
    table = run.result.tables["composite_audit"]
    mine = table[(table["composite"] == "registry.index") & (table["dimension"] == dim.key)]
    row = mine.set_index("component").loc[ids[0]]
    assert row["dimension_alpha"] == pytest.approx(alpha, rel=1e-9)
    # equal weights renormalised over what a city has; min_coverage 0.75: 3 of the 4
    have = (~np.isnan(z)).sum(axis=1)
    sub = np.where(have >= 3, np.nanmean(z, axis=1), np.nan)
    ok = ~np.isnan(z[:, 0]) & ~np.isnan(sub)  # pairwise complete
    r = np.corrcoef(z[ok, 0], sub[ok])[0, 1]
    assert row["r_dimension"] == pytest.approx(r, rel=1e-9)


def test_the_demo_writes_the_audit_file(run):
    out: Path = run.result.out
    written = pd.read_csv(out / "composite_audit.csv")
    assert len(written) == len(run.result.tables["composite_audit"])
    assert {"component", "dimension", "r_dimension", "dimension_alpha", "flags"} <= set(written)
