"""A delimiter that does not split the file; the Windows-1252 note in the language (issue 17)."""

from __future__ import annotations

import warnings

import pytest

from qualitapa.errors import DataError, DataWarning, DelimiterError
from qualitapa.i18n import translator
from qualitapa.io import read_table

SEMICOLON = "organization;period;variable;value\n022205;2024;libraries.loans;1,5\n016024;2024;x;2\n"


@pytest.mark.parametrize(
    ("text", "given", "suggested"),
    [
        (SEMICOLON, ",", ";"),  # Italian Excel's CSV read with a comma
        ("organization;period\n022205;2024\n016024;2024\n", ",", ";"),  # every row one field
        ("a\tb\n1\t2\n", "|", "\t"),
        ("a,b\n1,2\n", ";", ","),
    ],
)
def test_a_delimiter_that_does_not_split_the_header_names_the_one_that_does(
    tmp_path, text, given, suggested
):
    path = tmp_path / "raw.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DelimiterError) as info:
        read_table(path, delimiter=given)
    err = info.value
    assert isinstance(err, DataError)
    assert (err.source, err.delimiter, err.suggestion) == (str(path), given, suggested)
    shown = "tab" if suggested == "\t" else repr(suggested)
    assert str(err).startswith(f"{path}: with the delimiter ")
    assert f"give --delimiter {shown}" in str(err)


def test_the_right_delimiter_and_one_column_files_are_read(tmp_path):
    path = tmp_path / "raw.csv"
    path.write_text(SEMICOLON, encoding="utf-8")
    assert read_table(path, delimiter=";", numbers="it")["value"].tolist() == [1.5, 2.0]
    single = tmp_path / "one.csv"
    single.write_text("organization\n022205\n016024\n", encoding="utf-8")
    assert read_table(single, delimiter=",")["organization"].tolist() == ["022205", "016024"]


def test_the_windows_1252_note_is_in_the_language(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes("organization;note\n022205;città\n".encode("cp1252"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        frame = read_table(path)
    assert frame["note"].tolist() == ["città"]
    (note,) = [w.message for w in caught if isinstance(w.message, DataWarning)]
    assert note.render is not None
    italian = note.render(translator("it"))
    assert italian.startswith(f"{path}: non è UTF-8; letto come Windows-1252 (cp1252")
    assert "--encoding" in italian
    for lang in ("en", "de"):  # the file and the way out in every language
        text = note.render(translator(lang))
        assert text.startswith(f"{path}: ")
        assert "Windows-1252" in text
        assert "--encoding" in text


def test_the_command_line_says_which_delimiter_fits(tmp_path):
    from click.testing import CliRunner

    from qualitapa.cli import cli
    from qualitapa.testing import isolated_plugins

    path = tmp_path / "raw.csv"
    path.write_bytes(SEMICOLON.encode("cp1252"))
    args = ["indicators", "compute", str(path), "-s", "libraries", "--delimiter", ","]
    with isolated_plugins(["libraries", "qclub"]):
        result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1
    (line,) = result.stderr.splitlines()  # one line, no traceback, in the language
    assert f"{path}: con il separatore ',' l'intestazione è un campo solo" in line
    assert "--delimiter ';'" in line


def test_the_message_is_in_the_language(tmp_path):
    err = DelimiterError(",", "\t", source="raw.csv")
    assert str(err).startswith("raw.csv: with the delimiter ',' the header is one field")
    italian = err.render(translator("it"))
    assert italian == (
        "raw.csv: con il separatore ',' l'intestazione è un campo solo; il file è diviso da "
        "tab: indicare --delimiter tab (delimiter= in Python), o non indicarlo perché sia "
        "riconosciuto"
    )
    for lang in ("en", "de"):
        assert err.render(translator(lang)).startswith("raw.csv: ")
        assert "--delimiter tab" in err.render(translator(lang))
