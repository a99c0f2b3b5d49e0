"""Instrument model: invariants, from_mapping, TOML plugins, versioning, expressions."""

from __future__ import annotations

import warnings

import attrs
import numpy as np
import pandas as pd
import pytest

from qualitapa import (
    Catalog,
    DefinitionError,
    FormulaError,
    Service,
    Text,
    TomlPlugin,
    hookimpl,
    load_definitions,
)
from qualitapa.errors import DataError, UnknownItemError
from qualitapa.surveys import Expression, Instrument, Question, QuestionType, Scale

TOML = """
[[services]]
id = "registry"
label = { it = "Anagrafe", en = "Civil registry" }

[[instruments]]
id = "registry.counter"
label = { it = "Sportello", en = "Counter" }
service = "registry"
version = "2025"
supersedes = "2024"
previous_version = { courtesy = "q7" }
scales = [{ id = "agree4", min = 1, max = 4, dont_know = [9] }]
dimensions = [{ id = "staff", label = { it = "Personale", en = "Staff" }, weight = 2 }]

[[instruments.questions]]
id = "courtesy"
type = "likert"
label = { it = "Cortesia", en = "Courtesy" }
dimension = "staff"
scale = "agree4"

[[instruments.questions]]
id = "rec"
type = "recommend"
label = { it = "Consiglierebbe?", en = "Recommend?" }
"""


def test_toml_plugin_loads_instrument(tmp_path):
    p = tmp_path / "defs.toml"
    p.write_text(TOML, encoding="utf-8")
    cat = Catalog.build([("city", TomlPlugin(p))], entrypoints=False)
    inst = cat.instruments["registry.counter"]
    assert inst.version == "2025"
    assert inst.question("courtesy").scale.points == (1.0, 2.0, 3.0, 4.0)
    assert inst.question("courtesy").scale.dont_know == (9.0,)
    assert inst.question("rec").scale.points == tuple(float(i) for i in range(11))
    assert inst.dimensions[0].weight == 2.0
    assert cat.instruments.by_service("registry") == [inst]
    assert cat.check() == []


def test_toml_errors_name_source_item_and_field(tmp_path):
    bad = TOML.replace('scale = "agree4"', 'scale = "agree7"')
    p = tmp_path / "defs.toml"
    p.write_text(bad, encoding="utf-8")
    with pytest.raises(DefinitionError) as err:
        load_definitions(p)
    assert "defs.toml" in str(err.value)
    assert "agree7" in str(err.value)
    assert err.value.item == "registry.counter"


def test_toml_instrument_from_xlsform_reference(tmp_path):
    form = tmp_path / "form"
    form.mkdir()
    (form / "survey.csv").write_text(
        "type,name,label,dimension\nselect_one a4,wait,Attesa,time\n", encoding="utf-8"
    )
    (form / "choices.csv").write_text(
        "list_name,name,label\na4,1,No\na4,2,Poco\na4,3,Abb\na4,4,Molto\n", encoding="utf-8"
    )
    p = tmp_path / "defs.toml"
    p.write_text(
        '[[instruments]]\nid = "libraries.users"\nversion = "7"\nxlsform = "form"\n',
        encoding="utf-8",
    )
    cat = Catalog.build([("libs", TomlPlugin(p))], entrypoints=False)
    inst = cat.instruments["libraries.users"]
    assert inst.version == "7"
    assert inst.question("wait").type is QuestionType.LIKERT


def test_instrument_from_plugin_hook(counter):
    class Plugin:
        @hookimpl
        def qualitapa_services(self):
            return [Service("registry", Text("Anagrafe", "Registry"))]

        @hookimpl
        def qualitapa_instruments(self):
            return [attrs.evolve(counter, service="registry")]

    cat = Catalog.build([("p", Plugin())], entrypoints=False)
    assert cat.instruments.plugin_of("registry.counter") == "p"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"type": "likert"}, "scale"),  # likert without a scale
        ({"type": "single"}, "choices"),
        ({"type": "text", "reverse": True}, "reverse"),
        ({"type": "likert", "scale": Scale.likert(5), "weight": -1}, "weight"),
        ({"type": "text", "choices": ["a"]}, "choices"),
    ],
)
def test_question_invariants(kwargs, field):
    with pytest.raises(DefinitionError) as err:
        Question("q", label="Q", **kwargs)
    assert err.value.field == field


def test_scale_invariants():
    with pytest.raises(DefinitionError, match="strictly increasing"):
        Scale((1, 3, 2))
    with pytest.raises(DefinitionError, match="cannot also be a point"):
        Scale((1, 2, 3), dont_know=(3,))
    with pytest.raises(DefinitionError, match="labels"):
        Scale((1, 2, 3), labels=("a", "b"))
    s = Scale((1, 2, 3, 4, 5))
    assert s.rescale(np.array([1.0, 3.0, 5.0])).tolist() == [0.0, 50.0, 100.0]
    assert s.reverse(2.0) == 4.0


def test_instrument_references_are_checked(counter):
    with pytest.raises(DefinitionError, match="undeclared dimension"):
        attrs.evolve(counter, dimensions=counter.dimensions[:1])
    q = Question("x", "likert", "X", scale=Scale.likert(5), importance_of="nope")
    with pytest.raises(DefinitionError, match="importance_of"):
        attrs.evolve(counter, questions=(*counter.questions, q))
    q = Question("x", "likert", "X", scale=Scale.likert(5), relevant="${ghost} = 1")
    with pytest.raises(FormulaError) as err:
        attrs.evolve(counter, questions=(*counter.questions, q))
    assert err.value.token == "${ghost}"
    assert err.value.item == "x"
    with pytest.raises(DefinitionError, match="duplicated question"):
        attrs.evolve(counter, questions=(*counter.questions, counter.questions[0]))


def test_lookups(counter):
    assert counter.dimension_items() == {"time": ["wait", "speed"], "staff": ["courtesy", "rude"]}
    assert counter.importance_items() == {"wait": "imp_wait", "courtesy": "imp_courtesy"}
    assert [q.id for q in counter.nps_questions()] == ["recommend"]
    with pytest.raises(UnknownItemError, match="did you mean 'wait'"):
        counter.question("wiat")


def test_versioning_maps_earlier_ids():
    inst = Instrument.from_mapping(
        {
            "id": "x",
            "label": "X",
            "previous_version": {"courtesy": "q7", "wait": "q3"},
            "questions": [
                {"id": "courtesy", "type": "likert", "label": "C", "scale": "likert5"},
                {"id": "wait", "type": "likert", "label": "W", "scale": "likert5"},
            ],
        }
    )
    old = pd.DataFrame({"q7": [4], "q3": [2], "organization": ["mo"]})
    assert list(inst.map_previous(old).columns) == ["courtesy", "wait", "organization"]
    with pytest.raises(DataError):
        inst.map_previous(pd.DataFrame({"q7": [4], "courtesy": [3]}))
    with pytest.raises(DefinitionError, match="unknown question"):
        Instrument.from_mapping(
            {
                "id": "x",
                "label": "X",
                "previous_version": {"zz": "q1"},
                "questions": [{"id": "a", "type": "text", "label": "A"}],
            }
        )


def test_expression_is_parsed_not_evaluated_by_python():
    # the language has no attribute access or calls outside its functions
    for text in ("__import__('os')", "${a}.__class__", "${a} + 1", "pulldata('x')"):
        with pytest.raises(FormulaError) as err:
            Expression.parse(text, item="q9")
        assert err.value.item == "q9"
        assert err.value.token is not None


def test_expression_semantics():
    frame = pd.DataFrame(
        {
            "a": [1, 2, np.nan, 4],
            "b": ["yes", "no", "", None],
            "m": ["web tel", "app", None, "tel"],
        }
    )

    def ev(text):
        return Expression.parse(text).evaluate(frame).tolist()

    assert ev("${a} >= 2") == [False, True, False, True]
    assert ev("${a} != 2") == [True, False, True, True]  # NaN != 2 is true (XPath)
    assert ev("${b} = 'yes' or ${a} = 4") == [True, False, False, True]
    assert ev("${b} = ''") == [False, False, True, True]
    assert ev("selected(${m}, 'tel')") == [True, False, False, True]
    assert ev("count-selected(${m}) >= 1 and not(selected(${m}, 'app'))") == [
        True,
        False,
        False,
        True,
    ]
    assert ev("(${a} > 1 and ${a} < 4) or ${a} = -1") == [False, True, False, False]
    e = Expression.parse(". >= 16 and . <= 110")
    assert e.evaluate(frame, self_values=pd.Series([15, 16, 110, 111])).tolist() == [
        False,
        True,
        True,
        False,
    ]


@pytest.mark.parametrize(
    ("text", "token"),
    [
        ("${a} = ", ""),
        ("${a} == 1", "="),
        ("1 < ${a} < 3", "<"),
        ("selected('x', 'y')", "selected"),
        ("and ${a}", "and"),
        ("${a} # 1", "#"),
    ],
)
def test_expression_errors_name_the_token(text, token):
    with pytest.raises(FormulaError) as err:
        Expression.parse(text, item="q1", field="relevant")
    assert err.value.token == token
    assert "'q1'" in str(err.value)


def test_relevant_cannot_use_dot():
    with pytest.raises(FormulaError, match="only be used in a constraint"):
        Question("q", "numeric", "Q", relevant=". > 1")


def test_dimension_id_overall_is_reserved_for_the_overall_index():
    # score_dimensions adds a row "overall" per group: a dimension with that id
    # would give two "overall" rows, so it is refused at definition time
    from qualitapa.surveys import SurveyDimension

    with pytest.raises(DefinitionError, match="'overall' is reserved"):
        SurveyDimension("overall", "Soddisfazione complessiva")
    assert SurveyDimension("overall_satisfaction", "Soddisfazione complessiva").id == (
        "overall_satisfaction"
    )


def test_numbers_compare_as_xpath_writes_them_beyond_int64_and_infinite():
    # XPath 1.0 4.2 string(): an integer has no decimal point and no leading zeros,
    # infinity is "Infinity" (the float nearest 9223372036854775296 is 2**63, one past
    # int64: it was cast to int64 with a RuntimeWarning, found by the reader fuzz test)
    frame = pd.DataFrame({"b": [1.0, 2.0**63, -(2.0**70), np.inf, -np.inf, 2.5]})

    def ev(text):
        return Expression.parse(text).evaluate(frame).tolist()

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert ev("${b} = '9223372036854775808'") == [False, True, False, False, False, False]
        assert ev("${b} = '-1180591620717411303424'") == [False, False, True] + [False] * 3
        assert ev("${b} = 'Infinity' or ${b} = '-Infinity'") == [False] * 3 + [True, True, False]
        assert ev("${b} = '1' or ${b} = '2.5'") == [True, False, False, False, False, True]
        assert ev("9223372036854775296 = '9223372036854775808'") == [True] * 6
