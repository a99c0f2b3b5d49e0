"""XLSForm import/export and KoboToolbox / LimeSurvey export import."""

from __future__ import annotations

import pandas as pd
import pytest

from qualitapa import DataError, DefinitionError
from qualitapa.surveys import (
    Instrument,
    QuestionType,
    import_kobo,
    import_limesurvey,
    read_xlsform,
    validate,
    write_xlsform,
)

SURVEY = """\
type,name,label::Italiano (it),label::English (en),relevant,constraint,required,\
dimension,reverse,importance_of
select_one yn,visited,Visitato?,Visited?,,,yes,,,
begin group,g1,Sportello,Counter,${visited} = 'yes',,,,,
select_one agree,wait,Attesa,Waiting,,,,time,,
select_one agree,rude,Scortesia,Rudeness,,,,staff,yes,
select_one agree,imp_wait,Importanza attesa,Importance of waiting,,,,,,wait
end group,,,,,,,,,
select_multiple ch,channel,Canali,Channels,,,,,,
integer,age,Età,Age,,. >= 16,,,,
note,thanks,Grazie,Thanks,,,,,,
text,comment,Commento,Comment,,,,,,
"""
CHOICES = """list_name,name,label::Italiano (it),label::English (en),dont_know
yn,yes,Sì,Yes,
yn,no,No,No,
agree,1,Per nulla,Not at all,
agree,2,Poco,A little,
agree,3,Abbastanza,Quite,
agree,4,Molto,Very,
agree,nr,Non so,Don't know,
ch,web,Sito,Website,
ch,tel,Telefono,Phone,
"""
SETTINGS = """form_id,form_title::Italiano (it),form_title::English (en),version,service
registry.counter,Sportello,Counter,2024,registry
"""


@pytest.fixture
def form_dir(tmp_path):
    d = tmp_path / "form"
    d.mkdir()
    (d / "survey.csv").write_text(SURVEY, encoding="utf-8")
    (d / "choices.csv").write_text(CHOICES, encoding="utf-8")
    (d / "settings.csv").write_text(SETTINGS, encoding="utf-8")
    return d


def test_read_csv_sheets(form_dir):
    inst = read_xlsform(form_dir)
    assert (inst.id, inst.version, inst.service) == ("registry.counter", "2024", "registry")
    assert inst.label.en == "Counter"
    assert [q.id for q in inst.questions] == [
        "visited",
        "wait",
        "rude",
        "imp_wait",
        "channel",
        "age",
        "comment",
    ]  # fmt: skip  (the note is skipped)
    wait = inst.question("wait")
    assert wait.type is QuestionType.LIKERT
    assert wait.scale.points == (1.0, 2.0, 3.0, 4.0)
    assert wait.scale.dont_know == ("nr",)  # a text code in a numeric list
    assert wait.scale.labels[3].en == "Very"
    assert wait.relevant == "${visited} = 'yes'"  # from the group
    assert inst.question("rude").reverse
    assert inst.question("imp_wait").importance_of == "wait"
    assert inst.question("visited").type is QuestionType.SINGLE
    assert inst.question("visited").required
    assert inst.question("channel").type is QuestionType.MULTIPLE
    assert inst.question("age").type is QuestionType.NUMERIC
    assert [d.id for d in inst.dimensions] == ["time", "staff"]
    # the survey.csv path works too
    assert read_xlsform(form_dir / "survey.csv") == inst


def test_roundtrip_csv_and_xlsx(form_dir, tmp_path):
    inst = read_xlsform(form_dir)
    out = tmp_path / "out"
    inst.to_xlsform(out)
    assert read_xlsform(out) == inst
    xlsx = tmp_path / "form.xlsx"
    sheets = write_xlsform(inst, xlsx)
    assert set(sheets) == {"survey", "choices", "settings", "dimensions"}
    assert read_xlsform(xlsx) == inst


def test_instrument_from_xlsform_classmethod(form_dir):
    assert Instrument.from_xlsform(form_dir).id == "registry.counter"


def test_errors_name_the_row(form_dir):
    (form_dir / "survey.csv").write_text(
        "type,name,label\nselect_one nolist,q1,Q\n", encoding="utf-8"
    )
    with pytest.raises(DefinitionError) as err:
        read_xlsform(form_dir)
    assert "sheet 'survey', row 2" in str(err.value)
    assert "nolist" in str(err.value)
    (form_dir / "survey.csv").write_text(
        "type,name,label,relevant\ninteger,q1,Q,pulldata('x')\n", encoding="utf-8"
    )
    with pytest.raises(DefinitionError, match="pulldata"):
        read_xlsform(form_dir)
    (form_dir / "survey.csv").write_text("type,name,label\nbegin repeat,r,R\n", encoding="utf-8")
    with pytest.raises(DefinitionError, match="repeats"):
        read_xlsform(form_dir)
    with pytest.raises(DefinitionError, match="not found"):
        read_xlsform(form_dir / "missing.xlsx")


def test_validate_with_imported_form(form_dir):
    inst = read_xlsform(form_dir)
    raw = pd.DataFrame(
        {
            "respondent": [1, 2, 3],
            "visited": ["yes", "no", "yes"],
            "wait": ["4", "3", "nr"],
            "rude": [1, None, 2],
            "imp_wait": [5, None, 4],
            "channel": ["web tel", None, "web"],
            "age": [30, 40, 12],
            "comment": [None, "ok", None],
        }
    )
    r = validate(inst, raw, drop="cell")
    rules = sorted(zip(r.problems["row"], r.problems["question"], r.problems["rule"], strict=False))
    # row 1: imp_wait = 5 is not on the 1-4 scale; row 2: wait answered though not
    # relevant; row 3: age 12 violates the constraint
    assert rules == [
        (1, "imp_wait", "out_of_scale"),
        (2, "wait", "not_relevant"),
        (3, "age", "constraint"),
    ]
    assert r.clean["wait"].tolist()[2] == "nr"


KOBO = """\
_uuid;start;grp/visited;grp/g1/wait;grp/g1/rude;channel;channel/web;channel/tel;age;\
_submission_time;_index
a1;2024-05-01;Sì;Molto;1;web tel;1;1;30;2024-05-01;1
a2;2024-05-02;no;;;tel;0;1;41;2024-05-02;2
"""


def test_import_kobo(form_dir, tmp_path):
    inst = read_xlsform(form_dir)
    p = tmp_path / "kobo.csv"
    p.write_text(KOBO, encoding="utf-8")
    out = import_kobo(p, inst)
    assert list(out.columns) == ["respondent", "visited", "wait", "rude", "channel", "age"]
    assert out["visited"].tolist() == ["yes", "no"]  # labels mapped to codes
    assert out["wait"].tolist()[0] == "4"
    assert out["channel"].tolist() == ["web tel", "tel"]
    r = validate(inst, out)
    assert r.problems[["question", "rule"]].to_dict("records") == [
        {"question": "comment", "rule": "missing_column"},
        {"question": "imp_wait", "rule": "missing_column"},
    ]
    assert len(r.clean) == 2


def test_import_kobo_split_columns_only(form_dir):
    inst = read_xlsform(form_dir)
    raw = pd.DataFrame({"_uuid": ["x"], "Canali/Sito": ["1"], "Canali/Telefono": ["0"]})
    assert import_kobo(raw, inst)["channel"].tolist() == ["web"]
    with pytest.raises(DataError, match="no column"):
        import_kobo(pd.DataFrame({"foo": [1]}), inst)


def test_import_limesurvey(form_dir):
    inst = read_xlsform(form_dir)
    raw = pd.DataFrame(
        {
            "id": [10, 11],
            "submitdate": ["2024-05-01", "2024-05-01"],
            "lastpage": [3, 3],
            "visited": ["Y", "N"],
            "WAIT": ["A4", "A1"],
            "channel[web]": ["Y", ""],
            "channel[tel]": ["Y", "Y"],
            "age": ["30", "45"],
            "extra": ["z", "z"],
        }
    )
    out = import_limesurvey(raw, inst)
    assert out["respondent"].tolist() == [10, 11]
    assert out["wait"].tolist() == ["4", "1"]
    assert out["channel"].tolist() == ["web tel", "tel"]
    assert "extra" in out.columns  # kept, so validate reports it
    r = validate(inst, out)
    # "Y"/"N" are not codes of the yes/no list: reported, not guessed
    bad = r.problems[r.problems["rule"] == "unknown_code"]
    assert bad["question"].tolist() == ["visited", "visited"]
    assert {"unknown_column", "missing_column"} <= set(r.problems["rule"])


@pytest.mark.parametrize(
    ("read", "how"), [(import_kobo, "by name or label"), (import_limesurvey, "by question code")]
)
def test_an_export_with_no_question_column_is_refused_naming_the_file(
    form_dir, tmp_path, read, how
):
    inst = read_xlsform(form_dir)
    path = tmp_path / "export.csv"
    pd.DataFrame({"foo": [1], "bar": [2]}).to_csv(path, index=False)
    with pytest.raises(DataError, match=f"instrument '{inst.id}' \\({how}\\)") as err:
        read(path, inst)
    assert err.value.source == str(path)
