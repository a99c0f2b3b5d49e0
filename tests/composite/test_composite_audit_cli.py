"""`qualitapa composite --audit` and the audit in the report, in Italian and German."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from qualitapa.cli import cli
from qualitapa.composite import CompositeDefinition, composite_uncertainty

TOML = (
    """
[[services]]
id = "libraries"
label = { it = "Biblioteche", en = "Libraries", de = "Bibliotheken" }
"""
    + "".join(
        f"""
[[indicators]]
id = "libraries.{k}"
label = {{ it = "Indicatore {k}", en = "Indicator {k}", de = "Kennzahl {k}" }}
service = "libraries"
dimension = "effectiveness"
formula = "{k}"
polarity = "higher_is_better"
"""
        for k in "abcd"
    )
    + """
[[composites]]
id = "libraries.index"
label = { it = "Indice biblioteche", en = "Libraries index", de = "Bibliotheksindex" }
service = "libraries"

[[composites.components]]
id = "use"
label = { it = "Uso", en = "Use", de = "Nutzung" }
components = [{ indicator = "libraries.a" }, { indicator = "libraries.b" }]

[[composites.components]]
id = "offer"
label = { it = "Offerta", en = "Offer", de = "Angebot" }
components = [{ indicator = "libraries.c" }, { indicator = "libraries.d" }]
"""
)


@pytest.fixture
def files(tmp_path):
    defs = tmp_path / "defs.toml"
    defs.write_text(TOML, encoding="utf-8")
    rng = np.random.default_rng(3)
    n = 12
    a = rng.normal(size=n)
    frame = pd.DataFrame(
        {
            "organization": [f"c{i:02d}" for i in range(n)],
            "period": [2024] * n,
            "libraries.a": a,
            "libraries.b": a + 0.01 * rng.normal(size=n),  # collinear with a
            "libraries.c": rng.normal(size=n),
            "libraries.d": rng.normal(size=n),
        }
    )
    data = tmp_path / "values.csv"
    frame.to_csv(data, index=False)
    return defs, data, frame


def _audit(files, *extra: str) -> str:
    defs, data, _ = files
    args = ["composite", str(data), "--index", "libraries.index", "-d", str(defs), "--audit"]
    result = CliRunner().invoke(cli, [*args, *extra])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_audit_as_json_recomputes(files):
    _, _, frame = files
    rows = {r["component"]: r for r in json.loads(_audit(files, "--format", "json"))}
    a, b = frame["libraries.a"], frame["libraries.b"]
    # min-max normalisation is linear: the correlations of the raw values
    za, zb = (a - a.min()) / (a.max() - a.min()), (b - b.min()) / (b.max() - b.min())
    use = (za + zb) / 2
    assert rows["libraries.a"]["r_dimension"] == pytest.approx(np.corrcoef(a, use)[0, 1])
    # Cronbach's alpha of the two normalised items, by its formula
    k, items = 2, np.column_stack([za, zb])
    alpha = k / (k - 1) * (1 - items.var(axis=0, ddof=1).sum() / items.sum(axis=1).var(ddof=1))
    assert rows["libraries.a"]["dimension_alpha"] == pytest.approx(alpha)
    assert rows["libraries.a"]["dimension_label"] == "Uso"
    assert "componenti quasi coincidenti" in rows["libraries.a"]["flags"]
    assert "(Indicatore b)" in rows["libraries.a"]["flags"]


def test_the_audit_on_screen_in_german_has_no_english_words(files):
    out = _audit(files, "--lang", "de")
    for word in ("Korrelation mit der Dimension", "Cronbachs Alpha der Dimension", "Hinweise",
                 "fast deckungsgleiche Komponenten", "Nutzung", "Kennzahl b"):  # fmt: skip
        assert word in out
    for english in ("collinear", "Flags", "weak link", "Correlation", "dimension_alpha"):
        assert english not in out


def test_the_report_shows_the_audit_tables_in_the_language(files):
    from qualitapa.catalog import Catalog
    from qualitapa.declarative import TomlPlugin
    from qualitapa.reporting import ReportInputs, render_report

    defs, _, frame = files
    catalog = Catalog.build([("definitions", TomlPlugin(defs))], entrypoints=False)
    d: CompositeDefinition = catalog.composites["libraries.index"]
    tidy = frame.melt(["organization", "period"], var_name="indicator", value_name="value")
    res = composite_uncertainty(tidy, d, catalog=catalog, runs=20)
    for lang, words in (
        ("it", ("Alfa di Cronbach", "Correlazione con la dimensione", "Uso",
                "componenti quasi coincidenti")),
        ("de", ("Cronbachs Alpha", "Korrelation mit der Dimension", "Nutzung",
                "fast deckungsgleiche Komponenten")),
    ):  # fmt: skip
        html = render_report(
            ReportInputs(service="libraries", period="2024", lang=lang, catalog=catalog,
                         indicators=tidy.assign(status="ok"), composite=res, charts=False)
        )  # fmt: skip
        for word in words:
            assert word in html, (lang, word)
        for english in ("collinear", "weak link", "Correlation with"):
            assert english not in html


def test_a_report_from_result_tables_audits_the_index_on_its_values(files):
    # `qualitapa report --results` has composite_ranks.csv (a plain table, no audit) and the
    # indicator values: the audit comes from the catalog's definition on those values, with the
    # numbers of composite_audit itself (before: the section had no audit at all)
    from qualitapa.catalog import Catalog
    from qualitapa.composite import composite_audit
    from qualitapa.declarative import TomlPlugin
    from qualitapa.reporting import ReportInputs, render_report

    defs, _, frame = files
    catalog = Catalog.build([("definitions", TomlPlugin(defs))], entrypoints=False)
    d: CompositeDefinition = catalog.composites["libraries.index"]
    tidy = frame.melt(["organization", "period"], var_name="indicator", value_name="value")
    ranks = composite_uncertainty(tidy, d, catalog=catalog, runs=20).ranks
    plain = ranks.assign(composite=d.id)  # as read back from composite_ranks.csv
    html = render_report(
        ReportInputs(service="libraries", period="2024", lang="it", catalog=catalog,
                     indicators=tidy.assign(status="ok"), composite=plain, charts=False)
    )  # fmt: skip
    assert "Alfa di Cronbach" in html
    alpha = composite_audit(tidy, d, catalog=catalog).dimensions.set_index("dimension")["alpha"]
    for dim in ("use", "offer"):
        assert f"{alpha[dim]:.2f}".replace(".", ",") in html
    # without the indicator values there is nothing to audit: the section has no audit tables
    bare = render_report(
        ReportInputs(service="libraries", period="2024", lang="it", catalog=catalog,
                     composite=plain, charts=False)
    )  # fmt: skip
    assert "Alfa di Cronbach" not in bare
