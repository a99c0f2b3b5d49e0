"""Every claim of the demo's summary.md and of the reports' headline tables, recomputed.

The demo is what a new user reads first, and what the club would publish. Each
number it prints is recomputed here from the files it wrote (and, where the
claim is about the input, from the plugins' demo data), with plain pandas
written for this test, not with the library's functions: issue 12 found "best
performers" counted from a benchmark that ignored peer groups while every test
passed. (The composite lines are audited in tests/composite/test_composite_demo_summary.py.)
"""

from __future__ import annotations

import html
import re

import numpy as np
import pandas as pd
import pytest

from qualitapa.io import read_table

# the session demo run (tests/demo/conftest.py): minutes on a shared machine
pytestmark = pytest.mark.slow

SIGN = {"higher_is_better": 1.0, "lower_is_better": -1.0, "neutral": 0.0}


def _section(summary: str, heading: str) -> list[str]:
    part = summary.split(f"## {heading}", 1)[1].split("\n## ", 1)[0]
    return [line for line in part.splitlines() if line.strip()]


def _read(out, name: str) -> pd.DataFrame:
    return read_table(out / name, dtype={"organization": "string"})


@pytest.fixture(scope="module")
def summary(demo) -> str:
    out, _, _ = demo
    return (out / "summary.md").read_text(encoding="utf-8")


def _names(catalog) -> dict[str, str]:
    return {o.id: o.name for o in catalog.organizations.values()}


def test_header_counts(demo, summary):
    out, _, _ = demo
    values = _read(out, "indicator_values.csv")
    expected = (
        f"Scala: Q-Club; enti: {values['organization'].nunique()}; "
        f"indicatori: {values['indicator'].nunique()}; periodi: {values['period'].nunique()}."
    )
    assert expected in summary
    assert values["organization"].nunique() == 8


def _best_counts(values: pd.DataFrame, catalog, period: int, peer: dict[str, str] | None):
    """Best performers per city, within peer groups, counted with plain pandas."""
    v = values[(values["period"] == period) & values["value"].notna()].copy()
    defs = catalog.indicators
    v["sign"] = v["indicator"].map(lambda i: SIGN[defs[i].polarity.value])
    v["local"] = v["indicator"].map(lambda i: bool(defs[i].organizations))
    v = v[(v["sign"] != 0) & ~v["local"]]
    v["group"] = v["organization"].map(peer) if peer else "all"
    v = v[v["group"].notna()]
    v["score"] = v["value"] * v["sign"]
    keys = ["indicator", "group"]
    v["n"] = v.groupby(keys)["score"].transform("size")
    v = v[v["n"] >= 3]
    top = v.groupby(keys)["score"].transform("max")
    spread = top > v.groupby(keys)["score"].transform("min")  # all equal: nobody is best
    best = v[(v["score"] == top) & spread]
    names = _names(catalog)
    return best["organization"].map(names).value_counts().to_dict()


def test_best_performers(demo, summary):
    out, catalog, _ = demo
    values = _read(out, "indicator_values.csv")
    period = int(values["period"].max())
    peer = catalog.peer_groups["qclub.size"].assign(catalog.populations())
    lines = _section(summary, "Migliori risultati")
    assert (
        "del suo gruppo di confronto (Classe demografica: città fino a 500.000 abitanti, "
        "città con più di 500.000 abitanti)" in lines[0]
    )
    assert "almeno 3 città" in lines[0]
    said = {m[1]: int(m[2]) for line in lines[1:] if (m := re.match(r"- (.+): (\d+)$", line))}
    assert said == _best_counts(values, catalog, period, peer)
    # and the same counts from the published benchmark table
    bench = _read(out, "indicator_benchmark.csv")
    latest = bench[(bench["period"] == period) & bench["is_best"].astype(bool)]
    names = _names(catalog)
    assert said == latest["organization"].map(names).value_counts().to_dict()
    # no local indicator and no comparison of fewer than three is ever starred
    local = {i for i, d in catalog.indicators.items() if d.organizations}
    assert not latest["indicator"].isin(local).any()
    assert (latest["n"] >= 3).all()


def test_citizen_satisfaction(demo, summary):
    out, catalog, _ = demo
    dims = _read(out, "survey_dimensions.csv")
    overall = dims[dims["dimension"] == "overall"].sort_values("index", ascending=False)
    names = _names(catalog)
    expected = [  # Italian decimal comma (the values are below 1,000)
        f"- {names[o]}: {i:.1f} [{lo:.1f}, {hi:.1f}]".replace(".", ",")
        for o, i, lo, hi in overall[["organization", "index", "ci_low", "ci_high"]].itertuples(
            index=False
        )
    ]
    assert _section(summary, "Soddisfazione dei cittadini")[1:] == expected  # [0]: heading
    assert (overall["ci_low"] < overall["index"]).all()
    assert (overall["index"] < overall["ci_high"]).all()


def test_complaints(demo, summary):
    out, catalog, _ = demo
    lines = _section(summary, "Reclami")
    received = catalog.datasets["registry.demo.complaints"]
    n_file = len(read_table(received.path))
    assert lines[0] == f"Reclami ricevuti: {n_file:,}.".replace(",", ".")  # 1.721
    kpis = _read(out, "complaint_kpis.csv")
    assert kpis["received"].sum() == n_file
    # the share is answered within the deadline over answered, per city
    share = kpis["answered_within_deadline"] / kpis["answered"]
    np.testing.assert_allclose(share, kpis["share_within_deadline"])
    names = _names(catalog)
    said = dict(re.findall(r"([A-Z][a-z]+) (\d+)%", lines[1]))
    assert said == {
        names[o]: f"{s:.0%}".rstrip("%") for o, s in zip(kpis["organization"], share, strict=True)
    }


def test_charters_plan_and_notes(demo, summary):
    out, _, _ = demo
    comp = _read(out, "charter_compliance.csv")
    met = comp["met"].map({True: True, False: False, "True": True, "False": False})
    checked = int(met.notna().sum())
    assert f"Standard verificati: {checked}; rispettati: {int(met.fillna(False).sum())}." in summary
    plan = _read(out, "improvement_plan.csv")
    assert f"Azioni candidate: {len(plan)}," in summary
    values = _read(out, "indicator_values.csv")
    missing = values["status"].value_counts()
    # each status as a sentence, never its code (issue 15)
    sentence = {
        "missing_variable": "dato non disponibile: manca una variabile della formula",
        "zero_denominator": "dato non disponibile: il denominatore della formula è zero",
        "invalid_input": "dato non disponibile: un dato di partenza non è valido",
        "not_finite": "dato non disponibile: il calcolo non dà un numero finito",
    }
    reasons = "; ".join(
        f"{sentence[k]} ({n:,})".replace(",", ".") for k, n in missing.items() if k != "ok"
    )
    assert not any(code in summary for code in sentence)
    if reasons:
        assert (
            f"valori degli indicatori senza numero, per motivo (colonna status): {reasons}"
            in summary
        )


# --- the reports' headline tables ---------------------------------------------------------


def _it_number(text: str) -> tuple[float, int]:
    """An Italian-formatted number and its number of decimals."""
    text = text.strip().replace(".", "")
    decimals = len(text.split(",")[1]) if "," in text else 0
    return float(text.replace(",", ".")), decimals


def _headline_rows(page: str) -> dict[str, list[str]]:
    section = page.split('<section id="headline">', 1)[1].split("</section>", 1)[0]
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", section):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
        if not cells:
            continue
        slug = re.search(r'href="#ind-([^"]+)"', cells[0])[1]
        rows[slug] = [html.unescape(re.sub(r"<[^>]+>", "", c)) for c in cells]
    return rows


@pytest.mark.parametrize("service", ["registry", "libraries", "nurseries", "finance", "personnel"])
def test_report_headline_tables(demo, service):
    out, catalog, _ = demo
    page = (out / f"report-{service}-2024.html").read_text(encoding="utf-8")
    rows = _headline_rows(page)
    values = _read(out, "indicator_values.csv")
    latest = values[values["period"] == 2024]
    names = _names(catalog)
    ids = {d.id for d in catalog.indicators.by_service(service)}
    assert {re.sub(r"[^\w-]", "-", i) for i in ids} == set(rows)
    for ind in ids:
        cells = rows[re.sub(r"[^\w-]", "-", ind)]
        d = catalog.indicators[ind]
        v = latest[(latest["indicator"] == ind) & latest["value"].notna()]
        n = len(v)
        assert int(cells[2]) == n, ind
        if n and d.organizations:  # a local indicator: its value is no median of cities
            assert cells[3] == "–", ind
        elif n:
            median, dec = _it_number(cells[3])
            assert abs(median - v["value"].median()) <= 0.5 * 10**-dec + 1e-9, ind
        sign = SIGN[d.polarity.value]
        ranked = sign != 0 and not d.organizations and n >= 3 and v["value"].nunique() > 1
        if not ranked:
            assert cells[4] == "–", ind
            assert cells[5] == "", ind
            continue
        score = v["value"] * sign
        best = v[score == score.max()]
        value, dec = _it_number(cells[4])
        assert abs(value - best["value"].iloc[0]) <= 0.5 * 10**-dec + 1e-9, ind
        best_names = sorted(names[o] for o in best["organization"])
        shown = [x.strip() for x in cells[5].replace(" …", "").split(",")]
        assert sorted(shown) == best_names[: len(shown)], ind
        # Modena's rank among all the cities ("min" ranks), as "rank/n"
        modena = v[v["organization"] == "036023"]
        if len(modena):
            rank = int((score > score[modena.index[0]]).sum()) + 1
            assert cells[7] == f"{rank}/{n}", ind


def test_portal_pages_counted_from_the_site(demo, summary):
    # the summary's page count is the number of HTML pages in the site's folder
    # (the manifest says the same), Italian at the root and English/German in folders
    out, _, _ = demo
    site = out / "site"
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    italian = [p for p in pages if not p.startswith(("en/", "de/"))]
    shown = re.search(r"Il sito statico del sistema qualità delle città: ([\d.]+) pagine", summary)
    assert shown is not None
    n = int(shown.group(1).replace(".", ""))
    assert n == len(pages), (n, len(pages))
    assert len(italian) * 3 == len(pages)  # every page in the three languages
    assert (site / "index.html").is_file()
    for lang in ("en", "de"):
        assert (site / lang / "index.html").is_file()
