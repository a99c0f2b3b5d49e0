"""write_xlsform output compiles with pyxform, the XLSForm compiler behind ODK and KoboToolbox.

Every questionnaire the plugins ship is written to an ``.xlsx`` and converted to an
XForm with pyxform's Python API (``pyxform.xls2xform.convert``): the conversion must
succeed without warnings, keep the Italian title, the three languages of the labels
and every question's skip logic (``relevant``, with ``${name}`` resolved to the
question's path). Before issue 17 all four crashed pyxform (``'dict' object has no
attribute 'nodeType'``) on the translated ``form_title::...`` settings columns.
"""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
import pytest

from qualitapa.catalog import default_catalog
from qualitapa.models import Text
from qualitapa.surveys import (
    Choice,
    Instrument,
    Question,
    Scale,
    SurveyDimension,
    read_xlsform,
    write_xlsform,
)
from qualitapa.testing import isolated_plugins

# every pyxform release pins openpyxl==3.1.3: nox's oldest-dependency cells (openpyxl
# 3.1.0, our floor) go without it; everywhere else `dev` installs it
convert = pytest.importorskip(
    "pyxform.xls2xform", reason="pyxform is not installed (nox tests_deps oldest)"
).convert

#: Every plugin of plugins/ (bolzano adds local questions to registry's questionnaire).
PLUGINS = ["bolzano", "finance", "italy", "libraries", "modena", "nurseries", "personnel",
           "qclub", "registry"]  # fmt: skip
#: The shipped questionnaires: a new one must be added here (and so compiled).
SHIPPED = ["libraries.users", "nurseries.parents", "personnel.staff_climate", "registry.counter"]

NS = {"h": "http://www.w3.org/1999/xhtml", "x": "http://www.w3.org/2002/xforms"}


@pytest.fixture(scope="module")
def shipped() -> dict[str, Instrument]:
    with isolated_plugins(PLUGINS):
        return dict(default_catalog().instruments.items())


def _compile(inst: Instrument, path: Path) -> tuple[ET.Element, list[str]]:
    """The XForm (parsed) pyxform makes of ``inst``'s workbook, and its warnings."""
    inst.to_xlsform(path)
    warnings: list[str] = []
    result = convert(path, warnings=warnings)
    return ET.fromstring(result.xform), [*warnings, *result.warnings]


def _binds(xform: ET.Element) -> dict[str, dict[str, str]]:
    """Question name -> attributes of its ``<bind>``."""
    return {
        b.attrib["nodeset"].rsplit("/", 1)[1]: b.attrib
        for b in xform.iterfind(".//x:model/x:bind", NS)
    }


def _as_xpath(relevant: str, root: str) -> str:
    """``${booked} = 1`` as pyxform writes it: `` /data/booked  = 1``."""
    return re.sub(r"\$\{(\w+)\}", lambda m: f" /{root}/{m.group(1)} ", relevant)


def test_every_shipped_questionnaire_is_tested(shipped):
    assert sorted(shipped) == SHIPPED


@pytest.mark.parametrize("instrument_id", SHIPPED)
def test_the_shipped_questionnaire_compiles_with_pyxform(shipped, instrument_id, tmp_path):
    inst = shipped[instrument_id]
    xform, warnings = _compile(inst, tmp_path / "form.xlsx")
    assert warnings == []
    assert xform.findtext("h:head/h:title", namespaces=NS) == inst.label.it
    langs = [t.attrib["lang"] for t in xform.iterfind(".//x:itext/x:translation", NS)]
    assert langs == ["Italiano (it)", "English (en)", "Deutsch (de)"]
    data = xform.find(".//x:model/x:instance/*", NS)
    assert data is not None
    assert data.attrib["id"] == inst.id
    binds = _binds(xform)
    assert [q.id for q in inst.questions] == [b for b in binds if b != "instanceID"]
    root = data.tag.rsplit("}", 1)[-1]
    for q in inst.questions:  # skip logic survives, its references resolved
        assert binds[q.id].get("relevant") == (q.relevant and _as_xpath(q.relevant, root))
    # and the workbook still reads back to the same questionnaire
    assert read_xlsform(tmp_path / "form.xlsx") == inst


def test_the_registry_questionnaire_keeps_its_skip_logic_and_local_questions(shipped, tmp_path):
    inst = shipped["registry.counter"]
    assert [q.id for q in inst.questions if q.relevant]  # the test would prove nothing without
    local = inst.local_questions()
    assert local  # bolzano's questions, asked in Bolzano only
    sheets = write_xlsform(inst)
    survey = sheets["survey"].set_index("name")
    assert survey.loc[local[0].id, "organizations"] == " ".join(local[0].organizations)
    xform, _ = _compile(inst, tmp_path / "form.xlsx")
    binds = _binds(xform)
    assert binds["acc_booking"]["relevant"] == " /data/booked  = 1"
    # the organizations column is one of the columns XLSForm tools ignore
    assert all(q.id in binds for q in local)
    assert "organizations" not in ET.tostring(xform, encoding="unicode")


def test_relevance_and_a_constraint_of_a_small_form_compile(tmp_path):
    inst = Instrument(
        "counter",
        Text("Sportello", "Counter", "Schalter"),
        dimensions=[SurveyDimension("time", Text("Tempi", "Time"))],
        questions=[
            Question("visited", "single", Text("Visitato?", "Visited?"),
                     choices=[Choice("yes", Text("Sì", "Yes")), Choice("no", "No")]),
            Question("wait", "likert", Text("Attesa", de="Wartezeit"), scale=Scale.likert(4),
                     dimension="time", relevant="${visited} = 'yes'"),
            Question("age", "numeric", "Età", constraint=". >= 16",
                     constraint_message=Text("Almeno 16 anni", "At least 16")),
        ],
    )  # fmt: skip
    xform, warnings = _compile(inst, tmp_path / "form.xlsx")
    assert warnings == []
    binds = _binds(xform)
    assert binds["wait"]["relevant"] == " /data/visited  = 'yes'"
    assert binds["age"]["constraint"] == ". >= 16"
    assert xform.findtext("h:head/h:title", namespaces=NS) == "Sportello"


def test_the_title_in_other_languages_is_in_columns_xlsform_ignores(tmp_path):
    inst = Instrument("c", Text("Sportello", "Counter", "Schalter"), questions=[
        Question("a", "text", "Commento")])  # fmt: skip
    settings = write_xlsform(inst)["settings"]
    assert not [c for c in settings.columns if "::" in c]
    row = settings.iloc[0]
    assert (row["form_title"], row["form_title_en"], row["form_title_de"]) == (
        "Sportello", "Counter", "Schalter")  # fmt: skip
    inst.to_xlsform(tmp_path / "form")
    assert read_xlsform(tmp_path / "form").label == inst.label


def test_old_translated_title_columns_are_still_read(tmp_path):
    """Workbooks written before issue 17 had ``form_title::Deutsch (de)`` columns."""
    d = tmp_path / "form"
    d.mkdir()
    pd.DataFrame([{"type": "text", "name": "a", "label::Italiano (it)": "A"}]).to_csv(
        d / "survey.csv", index=False
    )
    (d / "settings.csv").write_text(
        "form_id,form_title::Italiano (it),form_title::Deutsch (de),form_title_en\n"
        "c,Sportello,Schalter,Counter\n",
        encoding="utf-8",
    )
    assert read_xlsform(d).label == Text("Sportello", "Counter", "Schalter")


def test_a_title_given_twice_in_one_language_is_an_error(tmp_path):
    d = tmp_path / "form"
    d.mkdir()
    (d / "survey.csv").write_text("type,name,label\ntext,a,A\n", encoding="utf-8")
    (d / "settings.csv").write_text(
        "form_id,form_title,form_title::Deutsch (de),form_title_de\nc,Sportello,Schalter,Zähler\n",
        encoding="utf-8",
    )
    with pytest.raises(Exception, match="both give the form_title in 'de'"):
        read_xlsform(d)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("java") is None, reason="ODK Validate needs a Java runtime")
@pytest.mark.parametrize("instrument_id", SHIPPED)
def test_odk_validate_accepts_the_shipped_questionnaire(shipped, instrument_id, tmp_path):
    """ODK Validate (JavaRosa, the engine of ODK Collect; shipped with pyxform) loads the form."""
    path = tmp_path / "form.xlsx"
    shipped[instrument_id].to_xlsform(path)
    result = convert(path, validate=True)
    assert result.warnings == []
