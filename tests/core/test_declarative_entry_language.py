"""Where an error of a TOML definitions file is ("[[indicators]] entry 1") is said in --lang.

After cfbd10d the -d error was Italian or German but for the entry: "bad.toml,
[[indicators]] entry 1, ..." (review s36 #42). The English text (``str`` of
the error) is unchanged.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from qualitapa.cli import cli
from qualitapa.declarative import TomlPlugin
from qualitapa.errors import DefinitionError
from qualitapa.i18n import translator

BAD = """\
[[indicators]]
id = "registry.test_bad"
label = { it = "Prova", en = "Test" }
service = "registry"
dimension = "quality"
formula = "100 * online / (online + "
polarity = "higher_is_better"
unit = "%"
"""
SAID = {"it": "[[indicators]] voce 1, ", "de": "[[indicators]] Eintrag 1, ",
        "en": "[[indicators]] entry 1, "}  # fmt: skip


@pytest.mark.parametrize("lang", ["it", "de", "en"])
def test_the_entry_is_said_in_the_language(tmp_path, lang) -> None:
    toml = tmp_path / "bad.toml"
    toml.write_text(BAD, encoding="utf-8")
    data = tmp_path / "x.csv"
    data.write_text("organization,service,period,online\n001272,registry,2024,10\n")
    result = CliRunner().invoke(
        cli, ["--lang", lang, "indicators", "compute", "-d", str(toml), str(data)]
    )
    assert result.exit_code != 0
    assert f"bad.toml, {SAID[lang]}'registry.test_bad'" in result.output
    if lang != "en":
        assert "entry 1" not in result.output


def test_the_english_text_is_unchanged(tmp_path) -> None:
    toml = tmp_path / "bad.toml"
    toml.write_text(BAD, encoding="utf-8")
    with pytest.raises(DefinitionError) as caught:
        TomlPlugin(toml).qualitapa_indicators()
    assert str(caught.value.source) == f"{toml}, [[indicators]] entry 1"
    assert caught.value.render(translator("de")).startswith(f"{toml}, [[indicators]] Eintrag 1")
