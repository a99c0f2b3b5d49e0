"""Perceived quality as indicator values: survey_indicators and complaint_indicators.

References:
* the values are the survey and complaint functions' own numbers (metamorphic: the
  indicator value is the score table's ``index`` and the KPI table's column, times the
  indicator's scale);
* Wilson intervals: R 4 ``prop.test(x, n, correct = FALSE)$conf.int``, run here with
  Rscript (8 of 10: 0.4901624715, 0.9433178485; 37 of 52 at 90%: 0.5997825492,
  0.8023704798), and statsmodels' ``proportion_confint(method="wilson")`` on hypothesis
  counts;
* exact Poisson intervals: R 4 ``poisson.test(x)$conf.int``, run here (10: 4.795388696,
  18.390356042; 0: 0, 3.688879454; 143 at 90%: 123.9151106, 164.2902007), and the gamma
  quantiles (Ulm 1990: ``gamma.ppf(a/2, x)``, ``gamma.ppf(1-a/2, x+1)``) on hypothesis
  counts.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from qualitapa import complaints as cp
from qualitapa import surveys as sv
from qualitapa.composite import CompositeDefinition, composite
from qualitapa.errors import DataError, DataWarning, DefinitionError, OptionError
from qualitapa.i18n import translator
from qualitapa.indicators import (
    COMPLAINT_KPIS,
    PERCEIVED_COLUMNS,
    IndicatorDefinition,
    IndicatorSource,
    benchmark,
    complaint_indicators,
    compute,
    poisson_interval,
    survey_indicators,
    wilson_interval,
)
from qualitapa.reporting import status_text

Z95 = float(stats.norm.ppf(0.975))
#: An indicator's fields but its formula or source.
BARE = {"id": "svc.x", "label": "X", "service": "svc", "dimension": "quality",
        "polarity": "higher_is_better"}  # fmt: skip


def _survey(service: str = "svc", **source: str) -> IndicatorDefinition:
    src = {"type": "survey", "instrument": "svc.counter", **source}
    return IndicatorDefinition.from_mapping(
        {
            "id": f"{service}.satisfaction_{src.get('dimension', 'overall')}",
            "label": "Soddisfazione",
            "service": service,
            "dimension": "quality",
            "polarity": "higher_is_better",
            "source": src,
        }
    )


def _complaints(kpi: str, scale: float = 1.0, service: str = "svc") -> IndicatorDefinition:
    return IndicatorDefinition.from_mapping(
        {
            "id": f"{service}.complaints_{kpi}",
            "label": "Reclami",
            "service": service,
            "dimension": "quality",
            "polarity": "lower_is_better" if "days" in kpi else "higher_is_better",
            "scale": scale,
            "source": {"type": "complaints", "kpi": kpi},
        }
    )


INSTRUMENT = sv.Instrument(
    "svc.counter",
    "Sportello",
    dimensions=[sv.SurveyDimension("waiting", "Attesa"), sv.SurveyDimension("staff", "Staff")],
    questions=[
        sv.Question("w1", "likert", "W1", dimension="waiting", scale=sv.Scale.likert(5)),
        sv.Question("w2", "likert", "W2", dimension="waiting", scale=sv.Scale.likert(5)),
        sv.Question("s1", "likert", "S1", dimension="staff", scale=sv.Scale.likert(5)),
    ],
)


def _responses(seed: int = 1, n: int = 300) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "organization": rng.choice(["a", "b", "c"], n),
            "w1": rng.integers(1, 6, n),
            "w2": rng.integers(1, 6, n),
            "s1": rng.integers(1, 6, n),
        }
    )
    return frame


@pytest.fixture(scope="module")
def scores() -> pd.DataFrame:
    return sv.score_dimensions(INSTRUMENT, _responses(), by="organization", lang="it", min_n=1)


# -- declarations ---------------------------------------------------------------------


def test_a_survey_source_defaults_to_the_overall_index_and_has_no_variables():
    d = _survey()
    assert d.source == IndicatorSource("survey", "svc.counter", "overall")
    assert d.variables == frozenset()
    assert d.to_dict()["source"] == {
        "type": "survey",
        "instrument": "svc.counter",
        "dimension": "overall",
    }
    assert "formula" not in d.to_dict()
    again = IndicatorDefinition.from_mapping(d.to_dict())
    assert again == d


@pytest.mark.parametrize(
    ("source", "field", "words"),
    [
        ({"type": "poll", "instrument": "x"}, "source.type", "unknown source type 'poll'"),
        ({"type": "survey"}, "source.instrument", "names its instrument"),
        ({"type": "survey", "instrument": "x", "kpi": "per_10000"}, "source.kpi", "no kpi"),
        ({"type": "complaints", "kpi": "per_1000"}, "source.kpi", "did you mean 'per_10000'"),
        ({"type": "complaints"}, "source.kpi", "use one of share_within_deadline"),
        (
            {"type": "complaints", "kpi": "per_10000", "dimension": "x"},
            "source.dimension",
            "has no dimension",
        ),
        ({"type": "survey", "instrument": "x", "colour": 1}, "colour", "unknown field"),
        ("survey", "source", "a source is a table"),
    ],
)
def test_bad_sources_are_refused_naming_the_field(source, field, words):
    with pytest.raises(DefinitionError) as err:
        IndicatorDefinition.from_mapping({**BARE, "source": source})
    assert err.value.item == "svc.x"
    assert field in (err.value.field or "")
    assert words in str(err.value)


def test_a_sourced_indicator_with_a_formula_is_refused():
    with pytest.raises(DefinitionError, match="has no formula") as err:
        IndicatorDefinition.from_mapping(
            {**BARE, "formula": "a / b", "source": {"type": "complaints", "kpi": "per_10000"}}
        )
    assert err.value.field == "formula"


def test_check_names_an_unknown_instrument_or_dimension():
    catalog = SimpleNamespace(
        variables={}, organizations={}, instruments={"svc.counter": INSTRUMENT}
    )
    assert _survey().check(catalog) == []
    assert _survey(dimension="waiting").check(catalog) == []
    [wrong] = _survey(instrument="svc.countr").check(catalog)
    assert wrong.field == "source.instrument"
    assert "did you mean 'svc.counter'" in wrong.suggestion
    [dim] = _survey(dimension="wait").check(catalog)
    assert dim.field == "source.dimension"
    assert "'waiting'" in dim.suggestion


def test_compute_leaves_the_sourced_indicators_to_their_sources():
    ratio = IndicatorDefinition("svc.r", "R", "svc", "quality", "a / b", "higher_is_better")
    raw = pd.DataFrame({"organization": "o", "period": 2024, "variable": ["a", "b"],
                        "value": [1.0, 4.0]})  # fmt: skip
    out = compute([ratio, _survey(), _complaints("per_10000")], raw)
    assert out["indicator"].astype(str).tolist() == ["svc.r"]


# -- survey_indicators ----------------------------------------------------------------


@pytest.mark.parametrize("dimension", ["overall", "waiting", "staff"])
def test_survey_values_are_the_score_tables_own(scores, dimension):
    d = _survey(dimension=dimension)
    out = survey_indicators(scores, [d], instrument="svc.counter", period=2024)
    want = scores[scores["dimension"] == dimension]
    assert list(out.columns) == list(PERCEIVED_COLUMNS)
    assert out["organization"].tolist() == want["organization"].astype(str).tolist()
    np.testing.assert_array_equal(out["value"], want["index"])
    np.testing.assert_array_equal(out["low"], want["ci_low"])
    np.testing.assert_array_equal(out["high"], want["ci_high"])
    np.testing.assert_array_equal(out["n"], want["n"])
    assert set(out["period"]) == {2024}
    assert set(out["method"]) == {"kish"}
    assert set(out["status"]) == {"ok"}


def test_survey_values_with_a_period_column_and_the_design_path():
    responses = _responses(seed=3, n=400).assign(
        period=lambda f: np.where(np.arange(len(f)) % 2, "2023", "2024"),
        psu=lambda f: np.arange(len(f)) // 4,
    )
    design = sv.design_from_mapping(responses, {"clusters": "psu"})
    scores = sv.score_dimensions(
        INSTRUMENT, responses, by=["organization", "period"], lang="en", design=design,
        min_n=1,
    )  # fmt: skip
    out = survey_indicators(scores.assign(instrument="svc.counter"), [_survey()])
    want = scores[scores["dimension"] == "overall"]
    np.testing.assert_array_equal(out["value"], want["index"])
    assert out["period"].tolist() == want["period"].astype(int).tolist()  # "2024" -> 2024
    assert set(out["method"]) == {"design"}


def test_survey_values_take_the_indicators_scale(scores):
    d = IndicatorDefinition.from_mapping({**_survey().to_dict(), "scale": 0.01, "unit": "share"})
    out = survey_indicators(scores, [d], instrument="svc.counter", period=2024)
    want = scores[scores["dimension"] == "overall"]
    np.testing.assert_allclose(out["value"], want["index"] / 100)
    np.testing.assert_allclose(out["low"], want["ci_low"] / 100)


@settings(max_examples=15, deadline=None)
@given(st.randoms(use_true_random=False))
def test_survey_values_ignore_row_order(scores, rnd):
    order = list(range(len(scores)))
    rnd.shuffle(order)
    defs = [_survey(), _survey(dimension="waiting")]
    one = survey_indicators(scores, defs, instrument="svc.counter", period=2024)
    two = survey_indicators(scores.iloc[order], defs, instrument="svc.counter", period=2024)
    pd.testing.assert_frame_equal(one, two)  # ordered by indicator, organization, period
    assert one["organization"].tolist() == ["a", "b", "c"] * 2


def test_survey_errors_are_typed_and_name_the_fault(scores):
    inst = {"instrument": "svc.counter", "period": 2024}
    with pytest.raises(DataError, match="did you mean 'waiting'") as err:
        survey_indicators(scores, [_survey(dimension="waitin")], **inst)
    assert err.value.column == "dimension"
    with pytest.raises(DataError, match=r"'svc\.other'") as err:
        survey_indicators(scores, [_survey(instrument="svc.other")], **inst)
    assert err.value.column == "instrument"
    with pytest.raises(DefinitionError, match="not measured by survey"):
        survey_indicators(scores, [_complaints("per_10000")], **inst)
    with pytest.raises(OptionError, match="give period="):
        survey_indicators(scores, [_survey()], instrument="svc.counter")
    with pytest.raises(OptionError, match="give instrument="):
        survey_indicators(scores, [_survey()], period=2024)
    with pytest.raises(OptionError, match="leave period out"):
        survey_indicators(scores.assign(period=2024), [_survey()], **inst)
    doubled = pd.concat([scores, scores])
    with pytest.raises(DataError, match="two rows for the same") as err:
        survey_indicators(doubled, [_survey()], **inst)
    assert len(err.value.failure_cases) == 2 * len(scores)
    with pytest.raises(DataError, match="include_local"):
        survey_indicators(scores.assign(local=True), [_survey()], **inst)


# -- complaint_indicators -------------------------------------------------------------


def _cases(seed: int = 0, n: int = 400) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    received = pd.Timestamp("2024-01-01", tz="Europe/Rome") + pd.to_timedelta(
        rng.integers(0, 300 * 24, n), unit="h"
    )
    answered = received + pd.to_timedelta(rng.integers(1, 60, n), unit="D")
    done = rng.random(n) < 0.85
    return pd.DataFrame(
        {
            "organization": rng.choice(["a", "b", "c"], n),
            "service": rng.choice(["svc", "svc.sub", "other"], n),
            "received_at": received,
            "answered_at": answered.where(done),
            "status": np.where(done, "answered", "in_progress"),
            "founded": rng.random(n) < 0.4,
        }
    )


@pytest.fixture(scope="module")
def kpis() -> pd.DataFrame:
    return cp.kpis(
        _cases(), by=["organization", "service"], period="year", as_of="2026-01-01",
        population={"a": 120_000, "b": 45_000, "c": 8_000},
    )  # fmt: skip


@pytest.mark.parametrize("kpi", sorted(COMPLAINT_KPIS))
def test_complaint_values_are_the_kpi_tables_own(kpis, kpi):
    """The KPI times the scale where it counts complaints; missing, said why, where none."""
    scale = 100.0 if kpi.startswith("share") or kpi.endswith("rate") else 1.0
    out = complaint_indicators(kpis, [_complaints(kpi, scale)])
    want = kpis[kpis["service"] == "svc"]
    assert out["organization"].tolist() == want["organization"].astype(str).tolist()
    assert out["period"].tolist() == want["period"].astype(int).tolist()
    n_column, interval, _ = COMPLAINT_KPIS[kpi]
    np.testing.assert_array_equal(out["n"], want[n_column])
    counted = want[n_column].to_numpy() > 0
    assert 2025 in set(out["period"][~counted]), "the fixture's 2025 is an empty year"
    np.testing.assert_allclose(out["value"][counted], want[kpi][counted] * scale)
    assert set(out["status"][counted]) == {"ok"}
    # over no complaint (kpis' empty 2025: zero counts) no value, not 0 nor 0/0
    empty = out[~counted]
    assert empty[["value", "low", "high"]].isna().all().all()
    assert set(empty["status"]) == {"no_complaints"}
    assert set(out["method"]) == {{"wilson": "wilson", "poisson": "poisson_exact"}.get(
        str(interval), "none")}  # fmt: skip
    if interval is None:
        assert out[["low", "high"]].isna().all().all()
    else:
        shown = out[counted]
        inside = (shown["low"] <= shown["value"]) & (shown["value"] <= shown["high"])
        assert inside.all()


def test_share_intervals_are_wilsons(kpis):
    out = complaint_indicators(kpis, [_complaints("share_within_deadline", 100)])
    want = kpis[kpis["service"] == "svc"]
    counted = want["answered"].to_numpy() > 0
    low, high = proportion_confint(
        want["answered_within_deadline"][counted], want["answered"][counted], alpha=0.05,
        method="wilson",
    )  # fmt: skip
    np.testing.assert_allclose(out["low"][counted], low * 100, rtol=1e-12)
    np.testing.assert_allclose(out["high"][counted], high * 100, rtol=1e-12)


def test_rate_intervals_are_exact_poisson(kpis):
    out = complaint_indicators(kpis, [_complaints("per_10000")], confidence=0.9)
    want = kpis[kpis["service"] == "svc"]
    counted = want["received"].to_numpy() > 0
    per = 10_000 / want["population"].to_numpy()[counted]
    x = want["received"].to_numpy()[counted]
    np.testing.assert_allclose(out["low"][counted], stats.gamma.ppf(0.05, x) * per, rtol=1e-10)
    np.testing.assert_allclose(out["high"][counted], stats.gamma.ppf(0.95, x + 1) * per, rtol=1e-10)


def test_intervals_equal_r():
    low, high = wilson_interval(np.array([8.0, 37.0]), np.array([10.0, 52.0]),
                                np.array([Z95, stats.norm.ppf(0.95)]))  # fmt: skip
    np.testing.assert_allclose(low, [0.4901624715, 0.5997825492], atol=1e-10)
    np.testing.assert_allclose(high, [0.9433178485, 0.8023704798], atol=1e-10)
    low, high = poisson_interval(np.array([10.0, 0.0]), 0.05)
    np.testing.assert_allclose(low, [4.795388696, 0.0], atol=1e-8)
    np.testing.assert_allclose(high, [18.390356042, 3.688879454], atol=1e-8)
    low, high = poisson_interval(np.array([143.0]), 0.10)
    np.testing.assert_allclose([low[0], high[0]], [123.9151106, 164.2902007], atol=1e-6)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 500), st.integers(1, 500), st.floats(0.5, 0.999))
def test_wilson_equals_statsmodels(x, n, confidence):
    x = min(x, n)
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    low, high = wilson_interval(np.array([float(x)]), np.array([float(n)]), z)
    ref = proportion_confint(x, n, alpha=1 - confidence, method="wilson")
    np.testing.assert_allclose([low[0], high[0]], ref, atol=1e-12)


def test_wilson_of_no_cases_is_missing_and_of_none_or_all_reaches_the_bound():
    low, high = wilson_interval(np.array([0.0, 0.0, 7.0]), np.array([0.0, 7.0, 7.0]), Z95)
    assert np.isnan(low[0])
    assert np.isnan(high[0])
    assert low[1] == 0.0
    assert high[2] == 1.0


def _years(seed: int = 5, n: int = 600) -> pd.DataFrame:
    """Complaints of four organizations over 2023-2025; c has none in 2024 (an empty year)."""
    rng = np.random.default_rng(seed)
    frame = _cases(seed, n)
    received = pd.Timestamp("2023-01-01", tz="Europe/Rome") + pd.to_timedelta(
        rng.integers(0, 2 * 365 * 24 + 120 * 24, n), unit="h"
    )
    frame = frame.assign(
        organization=rng.choice(["a", "b", "c", "d"], n),
        received_at=received,
        answered_at=received + (frame["answered_at"] - frame["received_at"]),
    )
    gap = (frame["organization"] == "c") & (frame["received_at"].dt.year == 2024)
    return frame[~gap].reset_index(drop=True)


@pytest.fixture(scope="module")
def kpis_years() -> pd.DataFrame:
    return cp.kpis(
        _years(), by=["organization", "service"], period="year", as_of="2026-01-01",
        population={"a": 120_000, "b": 45_000, "c": 8_000, "d": 30_000},
    )  # fmt: skip


def test_values_are_ordered_by_indicator_organization_and_period(kpis_years):
    """As compute orders its values, whatever the order of the KPI table's rows."""
    defs = [_complaints("share_within_deadline", 100), _complaints("per_10000")]
    upside_down = kpis_years.iloc[::-1]
    out = complaint_indicators(upside_down, defs)
    assert out["indicator"].tolist() == [d.id for d in defs for _ in range(12)]
    first = out[out["indicator"] == defs[0].id]
    assert list(zip(first["organization"], first["period"], strict=True)) == [
        (o, y) for o in "abcd" for y in (2023, 2024, 2025)
    ]
    gap = out[(out["organization"] == "c") & (out["period"] == 2024)]
    assert set(gap["status"]) == {"no_complaints"}
    assert gap["value"].isna().all()
    assert (gap["n"] == 0).all()
    assert (out.drop(gap.index)["status"] == "ok").all()


@settings(max_examples=15, deadline=None)
@given(st.randoms(use_true_random=False))
def test_complaint_values_ignore_row_order(kpis_years, rnd):
    order = list(range(len(kpis_years)))
    rnd.shuffle(order)
    defs = [_complaints("share_within_deadline", 100), _complaints("per_10000")]
    one = complaint_indicators(kpis_years, defs)
    two = complaint_indicators(kpis_years.iloc[order], defs)
    pd.testing.assert_frame_equal(one, two)


def test_an_empty_period_stars_no_one(kpis_years):
    """c's empty 2024 (no complaint received) is not the fewest complaints: it is no value."""
    rate = IndicatorDefinition.from_mapping(
        {**_complaints("per_10000").to_dict(), "polarity": "lower_is_better"}
    )
    values = complaint_indicators(kpis_years, [rate])
    bench = benchmark(values, definitions=[rate])
    in_2024 = bench[bench["period"] == 2024].set_index("organization")
    assert not in_2024.loc["c", "is_best"]
    assert np.isnan(in_2024.loc["c", "value"])
    assert in_2024["is_best"].sum() == 1
    # had the empty year counted as 0 per 10,000, c would have been best
    zero = values.assign(value=values["value"].fillna(0.0), status="ok")
    naive = benchmark(zero, definitions=[rate])
    assert naive[(naive["period"] == 2024) & naive["is_best"]]["organization"].tolist() == ["c"]


def test_complaint_errors_are_typed_and_name_the_fault(kpis):
    with pytest.raises(DataError, match="population=") as err:
        complaint_indicators(kpis.drop(columns="population"), [_complaints("per_10000")])
    assert err.value.column == "population"
    with pytest.raises(DataError, match="share_founded") as err:
        complaint_indicators(kpis.drop(columns="share_founded"), [_complaints("share_founded")])
    assert err.value.column == "share_founded"
    with pytest.raises(DefinitionError, match="not measured by complaints"):
        complaint_indicators(kpis, [_survey()])
    with pytest.raises(OptionError, match="confidence"):
        complaint_indicators(kpis, [_complaints("per_10000")], confidence=95)
    with pytest.raises(DataError, match="two rows for the same"):
        complaint_indicators(pd.concat([kpis, kpis]), [_complaints("per_10000")])


def test_without_a_service_column_every_row_counts(kpis):
    own = kpis[kpis["service"] == "svc"].drop(columns="service")
    out = complaint_indicators(own, [_complaints("median_answer_days")])
    np.testing.assert_array_equal(out["value"], own["median_answer_days"])


# -- used like any indicator ----------------------------------------------------------


def test_benchmark_and_composite_use_them_like_computed_indicators(scores, kpis):
    """A composite of perceived values equals the one of the same numbers as plain values."""
    sat, on_time = _survey(), _complaints("share_within_deadline", 100)
    perceived = pd.concat(
        [
            survey_indicators(scores, [sat], instrument="svc.counter", period=2024),
            complaint_indicators(kpis, [on_time]),
        ],
        ignore_index=True,
    )
    plain = perceived[["organization", "period", "indicator", "value"]]
    index = CompositeDefinition.from_mapping(
        {
            "id": "svc.index",
            "label": "Indice",
            "components": [{"indicator": sat.id}, {"indicator": on_time.id}],
        }
    )
    polarities = {sat.id: sat.polarity, on_time.id: on_time.polarity}
    one = composite(perceived, index, catalog={sat.id: sat, on_time.id: on_time})
    two = composite(plain, index, polarity=polarities)
    pd.testing.assert_frame_equal(one, two)
    bench = benchmark(perceived, definitions=[sat, on_time])
    best = bench[(bench["indicator"] == sat.id) & bench["is_best"]]
    top = scores[scores["dimension"] == "overall"].nlargest(1, "index")
    assert best["organization"].tolist() == top["organization"].tolist()


def test_a_composite_without_the_surveys_values_warns_and_uses_the_rest(scores, kpis):
    """No survey that year: the satisfaction sub-index is missing, the others carry the index."""
    sat, on_time = _survey(), _complaints("share_within_deadline", 100)
    index = CompositeDefinition.from_mapping(
        {
            "id": "svc.index",
            "label": "Indice",
            "min_coverage": 0.5,
            "components": [{"indicator": sat.id}, {"indicator": on_time.id}],
        }
    )
    complaints = complaint_indicators(kpis, [on_time])
    with pytest.warns(DataWarning, match="measured by a survey or the complaints"):
        out = composite(complaints, index, catalog={sat.id: sat, on_time.id: on_time})
    alone = CompositeDefinition.from_mapping(
        {"id": "svc.alone", "label": "Solo", "components": [{"indicator": on_time.id}]}
    )
    expected = composite(complaints, alone, catalog={on_time.id: on_time})
    root = out[out["index"] == "svc.index"]
    np.testing.assert_allclose(root["value"], expected[expected["index"] == "svc.alone"]["value"])
    # 2024: the complaints carry the index; 2025, a year without complaints: nothing does
    in_2024 = pd.to_numeric(root["period"]) == 2024
    assert (root["coverage"][in_2024] == 0.5).all()
    assert (root["coverage"][~in_2024] == 0).all()
    assert root["value"][~in_2024].isna().all()
    # an indicator computed by formula with no values stays an error (a misspelt id...)
    ratio = IndicatorDefinition("svc.r", "R", "svc", "quality", "a / b", "higher_is_better")
    with pytest.raises(DataError, match="no values for indicator"):
        composite(
            complaints,
            CompositeDefinition.from_mapping(
                {
                    "id": "svc.x",
                    "label": "X",
                    "components": [{"indicator": "svc.r"}, {"indicator": on_time.id}],
                }
            ),
            catalog={"svc.r": ratio, on_time.id: on_time},
        )


@pytest.mark.parametrize(
    ("lang", "sentence"),
    [
        ("it", "dato non disponibile: nessun reclamo da contare nel periodo"),
        ("en", "value not available: no complaint to count in the period"),
        ("de", "Wert nicht verfügbar: im Zeitraum keine zu zählende Beschwerde"),
    ],
)
def test_a_report_says_why_a_complaint_value_is_missing(lang, sentence):
    assert status_text(translator(lang), "no_complaints", []) == sentence
