"""The demo scores the registry survey with its sampling design and prints its design effects.

The registry plugin declares the round's design (counters as strata, survey days as
clusters, the counters' opening days as FPC); the demo's survey tables carry ``deff``
columns and the summary says the overall index's range of design effects. One of
them is recomputed here with plain pandas (the linearisation of a weighted mean,
Lumley 2010 sec. 2.3; R's svymean(deff = TRUE)), not with the library's estimator.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from qualitapa.demo._steps_services import rake_by_organization
from qualitapa.io import read_table
from qualitapa.surveys import validate


def _read(out, name: str) -> pd.DataFrame:
    return read_table(out / name, dtype={"organization": "string"})


def _deff_by_hand(frame: pd.DataFrame, y: np.ndarray, w: np.ndarray, inside: np.ndarray) -> float:
    """Design effect of the weighted mean of ``y`` over the rows ``inside`` (a domain)."""
    ok = inside & ~np.isnan(y)
    n_hat, n = w[ok].sum(), ok.sum()
    mean = (w[ok] * y[ok]).sum() / n_hat
    z = np.where(ok, w * (np.nan_to_num(y) - mean) / n_hat, 0.0)
    psu = frame.assign(z=z).groupby(["sportello", "date"])["z"].sum().reset_index()
    per = psu.groupby("sportello")["z"]
    n_h = per.transform("size")
    days = frame.groupby("sportello")["giorni_apertura"].first()
    f_h = n_h / psu["sportello"].map(days)
    variance = ((1 - f_h) * n_h / (n_h - 1) * (psu["z"] - per.transform("mean")) ** 2).sum()
    s2 = n / (n - 1) * (w[ok] * (y[ok] - mean) ** 2).sum() / n_hat
    return float(variance / (s2 * (n_hat - n) / (n_hat * n)))


def test_survey_tables_carry_design_effects(demo):
    out, _, _ = demo
    for name in ("survey_items.csv", "survey_dimensions.csv", "survey_nps.csv"):
        assert "deff" in _read(out, name).columns, name
    dims = _read(out, "survey_dimensions.csv")
    overall = dims[dims["dimension"] == "overall"]
    assert (overall["deff"] > 1).all()  # the survey days' clustering shows


def test_a_printed_design_effect_recomputed_by_hand(demo):
    out, catalog, _ = demo
    dataset = catalog.datasets["registry.demo.survey"]
    instrument = catalog.instruments[dataset.instrument]
    raw = read_table(dataset.path, dtype={"organization": "string"})
    extra = ("organization", "period", "date", "sportello", "giorni_apertura")
    clean = validate(instrument, raw, extra_columns=extra).clean.reset_index(drop=True)
    margins = read_table(catalog.datasets["registry.demo.survey_margins"].path,
                         dtype={"organization": "string"})  # fmt: skip
    w = rake_by_organization(clean, margins, ["sex", "age_class"])["weight"].to_numpy()
    w = w * margins["population"].sum() / w.sum()  # expansion weights: the adults
    y = pd.to_numeric(clean["wait_time"]).to_numpy(dtype=float)
    y = np.where(y == 9, np.nan, y)  # don't know
    items = _read(out, "survey_items.csv")
    for city in ("001272", "036023"):
        printed = items[(items["organization"] == city) & (items["question"] == "wait_time")]
        inside = (clean["organization"] == city).to_numpy()
        by_hand = _deff_by_hand(clean, y, w, inside)
        assert printed["deff"].iloc[0] > 1
        np.testing.assert_allclose(printed["deff"].iloc[0], by_hand, rtol=1e-9)


def test_the_summary_says_the_design_effects(demo):
    out, _, _ = demo
    summary = (out / "summary.md").read_text(encoding="utf-8")
    line = next(x for x in summary.splitlines() if "effetto del disegno" in x)
    low, high = (float(v.replace(",", ".")) for v in re.findall(r"da (\S+) a (\S+) \(", line)[0])
    dims = _read(out, "survey_dimensions.csv")
    deff = dims.loc[dims["dimension"] == "overall", "deff"]
    assert (low, high) == (round(deff.min(), 2), round(deff.max(), 2))
    assert "24 strati e 200 gruppi" in line  # 24 counters, 200 survey days
