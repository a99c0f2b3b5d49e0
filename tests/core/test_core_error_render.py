"""Definition and unknown-id errors say themselves in a language, as data errors do.

``DataError.render(t)``, ``DefinitionError.render(t)`` and
``UnknownItemError.render(t)`` write the error in the language of the
translator ``t``; the command line calls ``render`` (``Errore: ...`` in
``--lang``), ``str()`` stays English and the English catalog says what
``str()`` says. The translations compared here are those of the catalogs
(``src/qualitapa/locale/*/LC_MESSAGES/qualitapa.po``: ``campo {field}`` is
``Feld {field}``, ``{kind} {item}: non esiste`` is ``{kind} {item}: existiert
nicht``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from qualitapa.catalog import KINDS
from qualitapa.cli import cli
from qualitapa.cli._main import error_text
from qualitapa.errors import (
    DataError,
    DefinitionError,
    FormulaError,
    Message,
    OptionError,
    UnknownItemError,
)
from qualitapa.i18n import N_, translator
from qualitapa.testing import isolated_plugins

DEFINITION_ERRORS = [
    DefinitionError("must be positive", source="defs.toml", item="x", field="target"),
    DefinitionError("the name must not be empty", item="036023", field="name"),
    DefinitionError("no field at all"),
    FormulaError(
        "unexpected token", formula="a +* b", token="*", position=3, item="x.y", field="formula"
    ),
]


def run(*args: object) -> tuple[int, str]:
    with isolated_plugins([]):
        result = CliRunner().invoke(cli, [str(a) for a in args])
    return result.exit_code, result.stderr


@pytest.mark.parametrize("error", DEFINITION_ERRORS, ids=str)
def test_a_definition_error_in_english_says_what_str_says(error):
    assert error.render(translator("en")) == str(error)
    assert error_text(error, "en") == str(error)


def test_a_definition_error_says_where_in_the_language_and_keeps_an_english_message():
    error = DEFINITION_ERRORS[0]
    assert error.render(translator("it")) == "defs.toml, 'x', campo 'target': must be positive"
    assert error.render(translator("de")) == "defs.toml, 'x', Feld 'target': must be positive"
    assert error_text(error, "de") == error.render(translator("de"))


def test_a_definition_error_with_a_message_says_it_in_the_language():
    message = Message("file not found", N_("file non trovato"))
    error = DefinitionError(message, source="form.xlsx")
    assert str(error) == "form.xlsx: file not found"
    assert error.render(translator("it")) == "form.xlsx: file non trovato"
    assert error.render(translator("de")) == "form.xlsx: Datei nicht gefunden"


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("it", "indicatore 'x.y': non esiste; forse 'x.z' o 'x.w'?"),
        ("de", "Indikator 'x.y': existiert nicht; meinten Sie 'x.z' oder 'x.w'?"),
        ("en", "unknown indicator 'x.y'; did you mean 'x.z' or 'x.w'?"),
    ],
)
def test_an_unknown_id_names_its_kind_and_the_closest_in_the_language(lang, said):
    error = UnknownItemError("indicator", "x.y", suggestions=["x.z", "x.w"])
    assert error.render(translator(lang)) == said
    assert error_text(error, lang) == said


@pytest.mark.parametrize("kind", [k.singular for k in KINDS])
def test_an_unknown_id_of_every_catalog_kind_is_said_in_italian_and_as_str_in_english(kind):
    error = UnknownItemError(kind, "zz")
    assert error.render(translator("en")) == str(error)
    italian = error.render(translator("it"))
    assert italian.endswith("'zz': non esiste"), italian
    assert not italian.startswith(f"{kind} "), italian  # its Italian word, not its English name


def test_an_unknown_id_of_a_kind_without_a_word_keeps_the_kind():
    error = UnknownItemError("gizmo", "zz")
    assert error.render(translator("it")) == "gizmo 'zz': non esiste"


def test_an_error_without_render_is_its_english_text():
    error = OptionError("mode must be 'lenient' or 'strict', not 'lax'", option="mode")
    assert error_text(error, "it") == str(error)


def test_a_data_error_is_written_by_its_render():
    error = DataError("bad", source="a.csv", row=3, column="v")
    assert error_text(error, "de") == "a.csv, Zeile 3, Spalte 'v': bad"


@pytest.mark.parametrize(
    ("lang", "start"),
    [
        ("it", "Errore: 'nope', campo 'builds-on': "),
        ("de", "Fehler: 'nope', Feld 'builds-on': "),
        ("en", "Error: 'nope', field 'builds-on': "),
    ],
)
def test_the_command_line_says_where_a_definition_error_is_in_the_language(lang, start, tmp_path):
    code, err = run("--lang", lang, "plugin", "new", "x", "--builds-on", "nope", "-d", tmp_path)
    assert code == 1
    assert err.startswith(start), err
    assert not list(tmp_path.iterdir())  # nothing was scaffolded


@pytest.fixture
def badly_encoded_form(tmp_path: Path) -> Path:
    """A form of CSV sheets whose ``survey.csv`` is neither UTF-8 nor Windows-1252."""
    form = tmp_path / "form"
    form.mkdir()
    (form / "survey.csv").write_bytes(b"type,name,label\ninteger,q1,Et\xe0\x81\x8d\n")
    (form / "choices.csv").write_text("list_name,name,label\n", encoding="utf-8")
    (form / "settings.csv").write_text("form_id,version\nf1,1\n", encoding="utf-8")
    return form


@pytest.mark.parametrize(
    ("lang", "said", "english"),
    [
        ("it", "non è testo UTF-8, né Windows-1252 (byte 0x81)", None),
        ("de", "kein UTF-8-Text und auch nicht Windows-1252 (Byte 0x81)", None),
        ("en", None, "not UTF-8 text, nor Windows-1252 (byte 0x81)"),
    ],
)
def test_a_definition_error_made_of_a_data_error_says_its_message_in_the_language(
    lang, said, english, badly_encoded_form
):
    code, err = run("--lang", lang, "survey", "import-xlsform", badly_encoded_form)
    assert code == 1
    assert "survey.csv" in err
    if said is not None:
        assert said in err, err
        assert "not UTF-8 text" not in err, err
    else:
        assert english in err, err
