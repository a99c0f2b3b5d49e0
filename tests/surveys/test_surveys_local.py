"""Local questions: a city's additions to a shared questionnaire (issue 16, "Local scope").

Bolzano (021008) adds a question and importance items to the questionnaire every
city shares with Trento (022205). The shared questions stay comparable: no
comparison or ranking across the two cities uses a Bolzano question, and
Bolzano's own results include it, labelled ``local``.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualitapa.errors import DataError, DefinitionError
from qualitapa.models import Text
from qualitapa.surveys import (
    Instrument,
    Question,
    Rule,
    Scale,
    SurveyDimension,
    benchmark_table,
    compare_groups,
    distribution,
    ipa,
    nps,
    reliability,
    score_dimensions,
    score_items,
    servqual_gap,
    validate,
)

BZ, ME, TN = "021008", "021051", "022205"
L5 = Scale.likert(5)


def _shared() -> list[Question]:
    return [
        Question("wait", "likert", Text("Attesa", "Waiting"), dimension="time", scale=L5),
        Question("speed", "likert", Text("Rapidità", "Speed"), dimension="time", scale=L5),
        Question("courtesy", "likert", Text("Cortesia", "Courtesy"), dimension="staff", scale=L5),
        Question("rec", "recommend", Text("Consiglierebbe?", "Recommend?")),
    ]


def _bolzano() -> list[Question]:
    """Bolzano's additions: a question in a shared dimension and importance items."""
    local = [
        Question(
            "bilingual",
            "likert",
            Text("Servizio bilingue", de="Zweisprachiger Dienst"),
            dimension="staff",
            scale=L5,
            organizations=[BZ],
        )
    ]
    local += [
        Question(
            f"imp_{q}",
            "likert",
            Text(f"Importanza {q}", de=f"Wichtigkeit {q}"),
            scale=L5,
            importance_of=q,
            organizations=[BZ],
        )
        for q in ("wait", "speed", "courtesy", "bilingual")
    ]
    return local


DIMS = [SurveyDimension("time", "Tempi"), SurveyDimension("staff", "Personale")]
SHARED = Instrument("counter", "Sportello", dimensions=DIMS, questions=_shared())
EXTENDED = Instrument("counter", "Sportello", dimensions=DIMS, questions=_shared() + _bolzano())


def _responses(n: int = 60, seed: int = 1) -> pd.DataFrame:
    """Clean responses of Bolzano and Trento; Trento never saw Bolzano's questions."""
    rng = np.random.default_rng(seed)
    org = np.array([BZ] * n + [TN] * n, dtype=object)
    df = pd.DataFrame({"organization": org, "period": np.tile(["2023", "2024"], n)})
    for q in ("wait", "speed", "courtesy"):
        df[q] = rng.integers(1, 6, 2 * n).astype(float)
    df["rec"] = rng.integers(0, 11, 2 * n).astype(float)
    for q in ("bilingual", "imp_wait", "imp_speed", "imp_courtesy", "imp_bilingual"):
        df[q] = np.where(org == BZ, rng.integers(1, 6, 2 * n), np.nan)
    df["w"] = rng.uniform(0.5, 2.0, 2 * n)
    return df


# -- the model -------------------------------------------------------------------------


def test_question_scope_and_the_instrument_views():
    bil = EXTENDED.question("bilingual")
    assert bil.organizations == (BZ,)
    assert bil.is_local
    assert bil.applies_to(BZ)
    assert not bil.applies_to(TN)
    assert not EXTENDED.question("wait").is_local
    assert EXTENDED.question("wait").applies_to(TN)
    assert [q.id for q in EXTENDED.questions_for(TN)] == ["wait", "speed", "courtesy", "rec"]
    assert len(EXTENDED.questions_for(BZ)) == 9
    assert [q.id for q in EXTENDED.shared_questions()] == ["wait", "speed", "courtesy", "rec"]
    assert EXTENDED.shared() == SHARED
    assert EXTENDED.for_organizations([BZ]) is EXTENDED
    assert EXTENDED.for_organizations([BZ, TN]) == SHARED
    assert EXTENDED.importance_items() == {
        q: f"imp_{q}" for q in ("wait", "speed", "courtesy", "bilingual")
    }


def test_organizations_are_text_ids_listed_once():
    with pytest.raises(DefinitionError, match="in quotes") as exc:
        Question("q", "likert", "Q", scale=L5, organizations=[21008])
    assert exc.value.field == "organizations"
    with pytest.raises(DefinitionError, match="list of organization ids"):
        Question("q", "likert", "Q", scale=L5, organizations=BZ)
    with pytest.raises(DefinitionError, match="twice"):
        Question("q", "likert", "Q", scale=L5, organizations=[BZ, BZ])


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("relevant", "${bilingual} > 3"),
        ("constraint", ". <= ${bilingual}"),
    ],
)
def test_a_shared_question_cannot_depend_on_a_local_one(field, value):
    q = Question("follow_up", "likert", "Seguito", scale=L5, **{field: value})
    with pytest.raises(DefinitionError, match="'follow_up' is asked in every organization") as e:
        Instrument("c", "C", dimensions=DIMS, questions=[*_shared(), *_bolzano(), q])
    assert e.value.field == "organizations"
    assert "'bilingual'" in e.value.message


@pytest.mark.parametrize("field", ["importance_of", "expectation_of"])
def test_a_shared_importance_or_expectation_item_of_a_local_question_is_refused(field):
    q = Question("about_bilingual", "likert", "I", scale=L5, **{field: "bilingual"})
    local = [x for x in _bolzano() if x.id != "imp_bilingual"]
    with pytest.raises(DefinitionError, match="depends on 'bilingual'"):
        Instrument("c", "C", dimensions=DIMS, questions=[*_shared(), *local, q])


def test_local_questions_may_depend_on_shared_ones_and_on_wider_local_ones():
    wide = Question("alto_adige", "likert", "AA", scale=L5, organizations=[BZ, ME])
    narrow = Question(
        "bz_only", "likert", "B", scale=L5, relevant="${alto_adige} > 2", organizations=[BZ]
    )
    inst = Instrument("c", "C", dimensions=DIMS, questions=[*_shared(), wide, narrow])
    assert inst.for_organizations([BZ, ME]).questions[-1].id == "alto_adige"
    # the other way round is refused: ME's respondents are not asked bz_only
    wrong = Question(
        "alto_adige", "likert", "AA", scale=L5, relevant="${bz_only} > 2", organizations=[BZ, ME]
    )
    plain = Question("bz_only", "likert", "B", scale=L5, organizations=[BZ])
    with pytest.raises(DefinitionError, match=r"asked only in organizations \['021008'\]"):
        Instrument("c", "C", dimensions=DIMS, questions=[*_shared(), wrong, plain])


def test_toml_question_table_accepts_organizations():
    inst = Instrument.from_mapping(
        {
            "id": "counter",
            "label": "Sportello",
            "questions": [
                {"id": "wait", "type": "likert", "label": "Attesa", "scale": "likert5"},
                {
                    "id": "bilingual",
                    "type": "likert",
                    "label": {"it": "Servizio bilingue", "de": "Zweisprachiger Dienst"},
                    "scale": "likert5",
                    "organizations": [BZ],
                },
            ],
        },
        source="plugin.toml",
    )
    assert inst.question("bilingual").organizations == (BZ,)
    with pytest.raises(DefinitionError, match="in quotes") as exc:
        Instrument.from_mapping(
            {
                "id": "counter",
                "label": "Sportello",
                "questions": [
                    {
                        "id": "bilingual",
                        "type": "likert",
                        "label": "B",
                        "scale": "likert5",
                        "organizations": [21008],
                    }
                ],
            },
            source="plugin.toml",
        )
    assert exc.value.field == "organizations"


class _Catalog:
    organizations: ClassVar[dict[str, object]] = {BZ: object(), TN: object()}


def test_check_names_unknown_organizations_with_the_closest_id():
    q = Question("bilingual", "likert", "B", scale=L5, organizations=["021009", "zzz"])
    inst = Instrument("counter", "Sportello", dimensions=DIMS, questions=[*_shared(), q])
    problems = [p for p in inst.check(_Catalog()) if getattr(p, "field", None) == "organizations"]
    assert [(p.value, p.suggestion) for p in problems] == [
        ("021009", "did you mean '021008'?"),
        ("zzz", "use the id of an organization a plugin registers (its ISTAT code, e.g. '021008')"),
    ]
    assert all(p.rule is Rule.UNKNOWN_VALUE and p.severity == "error" for p in problems)
    assert not [p for p in EXTENDED.check(_Catalog()) if getattr(p, "field", None)]


# -- validation ----------------------------------------------------------------------------


def test_an_answer_to_a_local_question_from_another_organization_is_a_problem():
    raw = pd.DataFrame(
        {
            "respondent": [1, 2, 3],
            "organization": [BZ, TN, "021080"],
            "wait": [4, 3, 5],
            "bilingual": [5, 2, 4],
        }
    )
    inst = Instrument("c", "C", dimensions=DIMS, questions=[*_shared()[:1], *_bolzano()[:1]])
    result = validate(inst, raw, drop="cell")
    p = result.problems
    assert p[["row", "respondent", "organization", "question", "rule", "action"]].to_dict(
        "records"
    ) == [
        {
            "row": 2,
            "respondent": 2,
            "organization": TN,
            "question": "bilingual",
            "rule": "not_relevant",
            "action": "cell blanked",
        },
        {
            "row": 3,
            "respondent": 3,
            "organization": "021080",
            "question": "bilingual",
            "rule": "not_relevant",
            "action": "cell blanked",
        },
    ]
    assert "asked only in organizations ['021008']" in p["message"][0]
    assert "check the respondent's organization" in p["message"][0]
    assert "did you mean organization '021008'?" in p["message"][1]
    assert result.clean["bilingual"].tolist()[0] == 5.0
    assert result.clean["bilingual"].isna().tolist() == [False, True, True]
    assert len(validate(inst, raw).clean) == 1  # drop="row" drops the respondents


def test_a_missing_local_column_is_fine_for_the_other_organizations():
    raw = pd.DataFrame({"organization": [TN, TN], "wait": [4, 3]})
    inst = Instrument("c", "C", dimensions=DIMS, questions=[*_shared()[:1], *_bolzano()[:1]])
    result = validate(inst, raw)
    assert result.ok
    assert result.clean["bilingual"].isna().all()
    with_bz = validate(inst, raw.assign(organization=[TN, BZ]))
    assert with_bz.problems[["question", "rule"]].to_dict("records") == [
        {"question": "bilingual", "rule": "missing_column"}
    ]
    assert "021008" in with_bz.problems["message"][0]


def test_a_required_local_question_is_required_of_its_organizations_only():
    q = Question("bilingual", "likert", "B", scale=L5, required=True, organizations=[BZ])
    inst = Instrument("c", "C", dimensions=DIMS, questions=[_shared()[0], q])
    raw = pd.DataFrame({"organization": [BZ, TN], "wait": [4, 3], "bilingual": [None, None]})
    result = validate(inst, raw)
    assert result.problems[["row", "rule"]].to_dict("records") == [{"row": 1, "rule": "required"}]


def test_organizations_read_as_numbers_match_their_ids():
    inst = Instrument("c", "C", dimensions=DIMS, questions=[_shared()[0], _bolzano()[0]])
    raw = pd.DataFrame({"organization": [21008, 22205], "wait": [4, 3], "bilingual": [5, None]})
    assert validate(inst, raw).ok
    items = score_items(inst, validate(inst, raw).clean, by="organization", min_n=1)
    assert items[["organization", "question"]].values.tolist() == [
        [21008, "wait"],
        [21008, "bilingual"],
        [22205, "wait"],
    ]


def test_local_answers_without_an_organization_column_are_reported_once():
    inst = Instrument("c", "C", dimensions=DIMS, questions=[_shared()[0], _bolzano()[0]])
    raw = pd.DataFrame({"wait": [4, 3], "bilingual": [5, None]})
    p = validate(inst, raw).problems
    assert p[["question", "rule", "action"]].to_dict("records") == [
        {"question": "organization", "rule": "missing_column", "action": "reported"}
    ]
    with pytest.raises(DataError):
        validate(inst, raw, mode="strict")
    # the file of a city that never had the local question is fine
    assert validate(inst, raw.drop(columns="bilingual")).ok


# -- statistics --------------------------------------------------------------------------


def test_a_local_question_is_never_compared_across_cities():
    df = _responses()
    both = compare_groups(EXTENDED, df, by="organization")
    assert set(both["variable"]) == {"wait", "speed", "courtesy", "rec"}
    same = compare_groups(SHARED, df, by="organization")
    pd.testing.assert_frame_equal(both, same)
    dims = compare_groups(EXTENDED, df, by="organization", on="dimensions")
    pd.testing.assert_frame_equal(
        dims, compare_groups(SHARED, df, by="organization", on="dimensions")
    )
    with pytest.raises(DataError, match="not compared across organizations") as exc:
        compare_groups(EXTENDED, df, by="organization", variables=["bilingual"])
    assert exc.value.column == "bilingual"


def test_a_local_question_is_compared_within_its_city():
    bz = _responses().query("organization == @BZ")
    by_year = compare_groups(EXTENDED, bz, by="period")
    assert "bilingual" in set(by_year["variable"])


def test_item_scores_of_a_local_question_only_for_its_organizations():
    df = _responses()
    items = score_items(EXTENDED, df, by="organization", min_n=1)
    bil = items[items["question"] == "bilingual"]
    assert bil["organization"].tolist() == [BZ]
    assert bool(bil["local"].iloc[0])
    assert not items.loc[items["question"] == "wait", "local"].any()
    tn = items[items["organization"] == TN]
    assert tn["question"].tolist() == ["wait", "speed", "courtesy", "rec"]
    # a pooled group of both cities is no result of Bolzano's question either
    pooled = score_items(EXTENDED, df, min_n=1)
    assert "bilingual" not in set(pooled["question"])
    bz_alone = score_items(EXTENDED, df[df["organization"] == BZ], min_n=1)
    pd.testing.assert_frame_equal(
        items[items["organization"] == BZ].drop(columns="organization").reset_index(drop=True),
        bz_alone,
    )


def test_nps_and_distribution_of_a_local_question_only_for_its_organizations():
    q = Question("rec_bz", "recommend", "Consiglierebbe (BZ)?", organizations=[BZ])
    inst = Instrument("c", "C", dimensions=DIMS, questions=[*_shared(), q])
    df = _responses().assign(rec_bz=lambda d: d["rec"].where(d["organization"] == BZ))
    assert nps(inst, df, by="organization", min_n=1)["organization"].tolist() == [BZ, TN]
    local = nps(inst, df, question="rec_bz", by="organization", min_n=1)
    assert local["organization"].tolist() == [BZ]
    dist = distribution(inst, df, by="organization", questions=["rec_bz", "wait"])
    assert set(dist.loc[dist["question"] == "rec_bz", "organization"]) == {BZ}
    assert set(dist.loc[dist["question"] == "wait", "organization"]) == {BZ, TN}


def test_dimension_indices_use_the_shared_questions_and_stay_comparable():
    df = _responses()
    ext = score_dimensions(EXTENDED, df, by="organization", min_n=1, lang="it")
    shared = score_dimensions(SHARED, df, by="organization", min_n=1, lang="it")
    pd.testing.assert_frame_equal(ext, shared)
    assert not ext["local"].any()
    table = benchmark_table(ext)
    assert table["rank"].notna().all()


def test_include_local_gives_each_city_its_own_indices_labelled_and_unranked():
    df = _responses()
    own = score_dimensions(EXTENDED, df, by="organization", min_n=1, lang="it", include_local=True)
    flags = own.set_index(["organization", "dimension"])["local"]
    assert flags.to_dict() == {
        (BZ, "time"): False,
        (BZ, "staff"): True,
        (BZ, "overall"): True,
        (TN, "time"): False,
        (TN, "staff"): False,
        (TN, "overall"): False,
    }
    weighting = own.set_index(["organization", "dimension"])["weighting"]
    assert weighting[(BZ, "overall")] == "importance"
    assert weighting[(TN, "overall")] == "equal"
    # Bolzano's rows are a run on Bolzano alone; Trento's equal the shared indices
    for org, part in df.groupby("organization"):
        alone = score_dimensions(EXTENDED, part, min_n=1, lang="it", include_local=True)
        got = own[own["organization"] == org].drop(columns="organization")
        pd.testing.assert_frame_equal(got.reset_index(drop=True), alone)
    tn = score_dimensions(SHARED, df[df["organization"] == TN], min_n=1, lang="it")
    got = own[own["organization"] == TN].drop(columns="organization").reset_index(drop=True)
    pd.testing.assert_frame_equal(got, tn)
    # only Trento's rows of a dimension where Bolzano's uses its own question are ranked
    table = benchmark_table(own).set_index(["dimension", "organization"])
    assert pd.isna(table.loc[("staff", BZ), "rank"])
    assert not table.loc[("staff", BZ), "best"]
    assert table.loc[("staff", TN), "rank"] == 1
    assert table.loc[("time", BZ), "rank"] in (1, 2)


def test_benchmark_of_items_never_stars_a_local_question():
    items = score_items(EXTENDED, _responses(), by="organization", min_n=1)
    table = benchmark_table(items, item="question", value="index")
    bil = table[table["question"] == "bilingual"]
    assert len(bil) == 1
    assert pd.isna(bil["rank"].iloc[0])
    assert not bil["best"].iloc[0]
    wide = benchmark_table(items, item="question", value="index", wide=True)
    assert "*" not in wide.loc[wide["question"] == "bilingual", BZ].iloc[0]


def test_ipa_uses_each_citys_own_items_and_importance():
    df = _responses()
    table = ipa(EXTENDED, df, by="organization")
    bz, tn = table[table["organization"] == BZ], table[table["organization"] == TN]
    assert bz["question"].tolist() == ["wait", "speed", "courtesy", "bilingual"]
    assert set(bz["importance_method"]) == {"stated"}
    assert tn["question"].tolist() == ["wait", "speed", "courtesy"]
    assert set(tn["importance_method"]) == {"derived_correlation"}
    pd.testing.assert_frame_equal(
        tn.drop(columns="organization").reset_index(drop=True),
        ipa(SHARED, df[df["organization"] == TN]),
    )


def test_reliability_of_the_shared_scales():
    df = _responses()
    pd.testing.assert_frame_equal(
        reliability(EXTENDED, df, by="organization"), reliability(SHARED, df, by="organization")
    )


@pytest.mark.slow
@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**16), n_tn=st.integers(3, 30))
def test_group_wise_equals_separate_runs_with_local_questions(seed, n_tn):
    df = _responses(n=20, seed=seed)
    df = pd.concat([df[df["organization"] == BZ], df[df["organization"] == TN].head(n_tn)])
    runs = {
        "items": lambda d, **k: score_items(EXTENDED, d, weights="w", min_n=1, **k),
        "dims": lambda d, **k: score_dimensions(
            EXTENDED, d, weights="w", min_n=1, lang="it", include_local=True, **k
        ),
        "ipa": lambda d, **k: ipa(EXTENDED, d, weights="w", **k),
    }
    for name, run in runs.items():
        grouped = run(df, by="organization")
        for org, part in df.groupby("organization"):
            alone = run(part)
            got = grouped[grouped["organization"] == org].drop(columns="organization")
            pd.testing.assert_frame_equal(got.reset_index(drop=True), alone, obj=name)


def test_xlsform_round_trip_keeps_the_organizations(tmp_path):
    sheets = EXTENDED.to_xlsform(tmp_path / "form")
    survey = sheets["survey"].set_index("name")
    assert survey.loc["bilingual", "organizations"] == BZ
    assert survey.loc["wait", "organizations"] == ""
    back = Instrument.from_xlsform(tmp_path / "form")
    assert [q.organizations for q in back.questions] == [
        q.organizations for q in EXTENDED.questions
    ]
    assert "organizations" not in SHARED.to_xlsform()["survey"].columns


def test_servqual_gaps_of_a_local_expectation_item_only_for_its_organizations():
    exp = Question("exp_wait", "likert", "Attesa attesa", scale=L5, expectation_of="wait",
                   organizations=[BZ])  # fmt: skip
    inst = Instrument("c", "C", dimensions=DIMS, questions=[*_shared(), exp])
    df = _responses().assign(exp_wait=lambda d: d["imp_wait"])
    gaps = servqual_gap(inst, df, by="organization")
    assert gaps[["organization", "level", "question"]].values.tolist() == [
        [BZ, "item", "wait"],
        [BZ, "dimension", ""],
    ]
    alone = servqual_gap(inst, df[df["organization"] == BZ])
    pd.testing.assert_frame_equal(gaps.drop(columns="organization"), alone)
