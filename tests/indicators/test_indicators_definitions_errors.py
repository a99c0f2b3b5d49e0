"""An error in the user's own -d file is said in --lang, without plugin-hook internals.

The catalog used to wrap every exception of a plugin's hook as
``plugin 'definitions': qualitapa_services() raised FormulaError: ...`` (the
English ``str`` of the error): a formula typo in a ``-d`` file, the likeliest
place for one, was English under ``--lang it`` and ``de`` (review R1 #37,
session 36). A third-party Python plugin's unexpected exception keeps the
hook's name: its author needs it.
"""

from __future__ import annotations

import pluggy
import pytest
from click.testing import CliRunner

from qualitapa import Catalog
from qualitapa.cli import cli
from qualitapa.errors import DefinitionError, PluginError

ENTRY = """\
[[indicators]]
id = "registry.test_bad"
label = {{ it = "Prova", en = "Test" }}
service = "registry"
dimension = "quality"
formula = "{formula}"
polarity = "{polarity}"
unit = "%"
"""

CASES = {
    "formula": (
        ENTRY.format(formula="100 * online / (online + ", polarity="higher_is_better"),
        {
            "it": "campo 'formula': la formula finisce troppo presto nella formula",
            "de": "Feld 'formula': die Formel endet zu früh in der Formel",
            "en": "field 'formula': the formula ends too early in formula",
        },
    ),
    "polarity": (
        ENTRY.format(formula="online / certificates", polarity="bogus"),
        {
            "it": "campo 'polarity': 'bogus' non è un valore ammesso per polarity; usare uno tra "
            "'higher_is_better', 'lower_is_better', 'neutral'",
            "de": "Feld 'polarity': 'bogus' ist kein gültiger Wert für polarity; zulässig sind "
            "'higher_is_better', 'lower_is_better', 'neutral'",
            "en": "field 'polarity': 'bogus' is not a valid polarity; use one of "
            "'higher_is_better', 'lower_is_better', 'neutral'",
        },
    ),
}


@pytest.mark.parametrize("lang", ["it", "de", "en"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_an_error_in_a_definitions_file_is_said_in_the_language(tmp_path, case, lang) -> None:
    text, said = CASES[case]
    toml = tmp_path / "bad.toml"
    toml.write_text(text, encoding="utf-8")
    data = tmp_path / "x.csv"
    data.write_text("organization,service,period,online,certificates\n001272,registry,2024,10,20\n")
    result = CliRunner().invoke(
        cli, ["--lang", lang, "indicators", "compute", "-d", str(toml), str(data)]
    )
    assert result.exit_code != 0
    assert said[lang] in result.output
    assert "bad.toml" in result.output  # the file, entry and field are named
    for internal in ("qualitapa_services", "raised", "FormulaError", "DefinitionError"):
        assert internal not in result.output


class _Broken:
    @pluggy.HookimplMarker("qualitapa")
    def qualitapa_services(self):
        raise DefinitionError("a bug of the plugin", field="label")


def test_a_python_plugins_error_keeps_the_hooks_name() -> None:
    """Even a qualitapa error: raised by a Python hook, it is the plugin's bug to find."""
    with pytest.raises(
        PluginError, match=r"plugin 'broken': qualitapa_services\(\) raised DefinitionError"
    ):
        Catalog.build([("broken", _Broken())], entrypoints=False)
