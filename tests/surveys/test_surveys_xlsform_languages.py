"""XLSForm labels in every language: ``label::Deutsch (de)`` read and written (issue 15).

The XLSForm convention (https://xlsform.org, "Multiple language support"; ODK's
"Form language": ``label::English (en)``, ``hint::Arabic (ar)``) puts each language
in its own column, named by the language and its code in parentheses.
"""

from __future__ import annotations

import pandas as pd
import pytest

from qualitapa import DefinitionError
from qualitapa.catalog import default_catalog
from qualitapa.models import Text
from qualitapa.surveys import Instrument, Question, Scale, read_xlsform, write_xlsform
from qualitapa.testing import isolated_plugins

SURVEY = """\
type,name,label::Italiano (it),label::English (en),label::Deutsch (de),label::fr,\
hint::Italiano (it),hint::German,dimension
select_one agree,wait,Attesa,Waiting,Wartezeit,Attente,Dall'ingresso alla chiamata,\
Vom Eintritt bis zum Aufruf,time
text,comment,Commento,,Anmerkung,,,,
"""
CHOICES = """\
list_name,name,label::Italiano (it),label::Deutsch (de),label::Français
agree,1,Per nulla,Überhaupt nicht,Pas du tout
agree,2,Poco,Wenig,Peu
agree,3,Molto,Sehr,Beaucoup
"""
SETTINGS = """\
form_id,form_title::Italiano (it),form_title::Deutsch (de),version
counter,Sportello,Schalter,2025
"""


def _form(tmp_path, survey=SURVEY, choices=CHOICES, settings=SETTINGS):
    d = tmp_path / "form"
    d.mkdir(exist_ok=True)
    (d / "survey.csv").write_text(survey, encoding="utf-8")
    (d / "choices.csv").write_text(choices, encoding="utf-8")
    (d / "settings.csv").write_text(settings, encoding="utf-8")
    return d


def test_every_label_column_is_read_into_the_multilingual_text(tmp_path):
    inst = read_xlsform(_form(tmp_path))
    wait = inst.question("wait")
    assert wait.label.to_dict() == {"it": "Attesa", "en": "Waiting", "de": "Wartezeit",
                                    "fr": "Attente"}  # fmt: skip
    assert wait.hint == Text("Dall'ingresso alla chiamata", de="Vom Eintritt bis zum Aufruf")
    assert [t.get("de") for t in wait.scale.labels] == ["Überhaupt nicht", "Wenig", "Sehr"]
    assert wait.scale.labels[0].get("fr") == "Pas du tout"  # a native name: Français
    comment = inst.question("comment")
    assert comment.label.languages == ("it", "de")  # a blank cell is no translation
    assert inst.label.get("de") == "Schalter"


@pytest.mark.parametrize(
    ("suffix", "code"),
    [("Deutsch (de)", "de"), ("de", "de"), ("DE", "de"), ("German", "de"), ("Tedesco", "de"),
     ("Deutsch", "de"), ("Deutsch (de-CH)", "de_CH"), ("Ladin (lld)", "lld"),
     ("Italiano (it)", "it"), ("English", "en")],
)  # fmt: skip
def test_the_language_of_a_column(tmp_path, suffix, code):
    survey = f"type,name,label::Italiano (it),label::{suffix}\ntext,q,Domanda,Frage\n"
    if code == "it":
        survey = f"type,name,label::{suffix}\ntext,q,Domanda\n"
    inst = read_xlsform(_form(tmp_path, survey=survey, choices="list_name,name,label\n"))
    assert code in inst.question("q").label.languages


def test_a_label_without_italian_is_refused_naming_sheet_row_and_column(tmp_path):
    choices = CHOICES.replace("agree,2,Poco,", "agree,2,,")
    with pytest.raises(DefinitionError) as err:
        read_xlsform(_form(tmp_path, choices=choices))
    assert "sheet 'choices', row 3" in str(err.value)
    assert err.value.field == "label::Italiano (it)"
    assert "Italian is required" in str(err.value)
    # a form with no Italian column at all
    survey = "type,name,label::Deutsch (de)\ntext,q,Frage\n"
    with pytest.raises(DefinitionError, match=r"sheet 'survey', row 2.*no Italian text"):
        read_xlsform(_form(tmp_path, survey=survey, choices="list_name,name,label\n"))


def test_notes_and_groups_are_not_read_so_their_languages_are_not_checked(tmp_path):
    survey = "type,name,label::Italiano (it),label::Deutsch (de)\nnote,n,,Hinweis\ntext,q,D,F\n"
    inst = read_xlsform(_form(tmp_path, survey=survey, choices="list_name,name,label\n"))
    assert [q.id for q in inst.questions] == ["q"]


@pytest.mark.parametrize(
    ("header", "match"),
    [("label::Klingonisch (tlh-x)", "names no language"),
     ("label::Testo", r"column 'label::Testo' names no language.*label::Deutsch \(de\)"),
     ("label::de", "columns 'label::Deutsch \\(de\\)' and 'label::de' both give the label")],
)  # fmt: skip
def test_a_column_of_no_or_of_a_repeated_language_is_refused(tmp_path, header, match):
    survey = f"type,name,label::Italiano (it),label::Deutsch (de),{header}\ntext,q,D,F,X\n"
    with pytest.raises(DefinitionError, match=match) as err:
        read_xlsform(_form(tmp_path, survey=survey, choices="list_name,name,label\n"))
    assert err.value.field == header


def test_a_default_language_that_names_no_language_is_refused(tmp_path):
    settings = "form_id,default_language\ncounter,Testo\n"
    with pytest.raises(DefinitionError, match="default_language 'Testo' names no language"):
        read_xlsform(_form(tmp_path, settings=settings))


def test_the_bare_label_column_is_in_the_default_language(tmp_path):
    survey = "type,name,label,label::Italiano (it)\ntext,q,Frage,Domanda\n"
    settings = "form_id,default_language\ncounter,Deutsch (de)\n"
    inst = read_xlsform(_form(tmp_path, survey=survey, choices="list_name,name,label\n",
                              settings=settings))  # fmt: skip
    assert inst.question("q").label.to_dict() == {"it": "Domanda", "de": "Frage"}


def test_the_writer_writes_every_language_of_the_instrument_and_no_fallback():
    inst = Instrument("c", Text("Sportello", de="Schalter"), questions=[
        Question("a", "likert", Text("Attesa", "Waiting", "Wartezeit"), scale=Scale.likert(3)),
        Question("b", "text", Text("Commento", lld="Comentar")),
    ])  # fmt: skip
    survey = write_xlsform(inst)["survey"].set_index("name")
    labels = [c for c in survey.columns if c.startswith("label::")]
    assert labels == ["label::Italiano (it)", "label::English (en)", "label::Deutsch (de)",
                      "label::Ladin (lld)"]  # fmt: skip
    # a text without German leaves the German cell blank (it did hold the Italian)
    assert survey.loc["b", "label::Deutsch (de)"] == ""
    assert survey.loc["b", "label::English (en)"] == ""
    # asked for German only, the Italian is written too (every label has it)
    only = write_xlsform(inst, languages=("de",))
    assert [c for c in only["survey"].columns if c.startswith("label::")] == [
        "label::Italiano (it)", "label::Deutsch (de)"]  # fmt: skip
    assert only["settings"]["default_language"].tolist() == ["Italiano (it)"]


@pytest.fixture(scope="module")
def registry_questionnaire():
    with isolated_plugins(["registry"]):
        catalog = default_catalog()
        return next(i for i in catalog.instruments.values() if i.service == "registry")


@pytest.mark.parametrize("target", ["form", "form.xlsx"])
def test_the_registry_questionnaire_survives_write_and_read_in_it_en_de(
    registry_questionnaire, tmp_path, target
):
    inst = registry_questionnaire
    path = tmp_path / target
    sheets = inst.to_xlsform(path)
    assert {"label::Italiano (it)", "label::English (en)", "label::Deutsch (de)"} <= set(
        sheets["survey"].columns
    )
    back = read_xlsform(path)
    assert back == inst
    german = [q.label.de for q in back.questions]
    assert all(german)
    assert german == [q.label.de for q in inst.questions]
    scaled = [q for q in back.questions if q.scale is not None and q.scale.labels]
    assert scaled
    assert all(t.de for q in scaled for t in q.scale.labels)


def test_the_written_csv_sheets_read_back_as_text_in_german(registry_questionnaire, tmp_path):
    inst = registry_questionnaire
    inst.to_xlsform(tmp_path / "form")
    survey = pd.read_csv(tmp_path / "form" / "survey.csv", dtype=str, keep_default_na=False)
    first = inst.questions[0]
    assert survey.loc[survey["name"] == first.id, "label::Deutsch (de)"].item() == first.label.de
