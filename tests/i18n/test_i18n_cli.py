"""The --lang option of the command line."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from qualitapa.cli._options import lang_option
from qualitapa.i18n import translator


@click.command()
@lang_option
def show(lang: str) -> None:
    click.echo(translator(lang)("Rapporto di benchmarking"))


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("it", "Rapporto di benchmarking"),
        ("en", "Benchmarking report"),
        ("de", "Benchmarking-Bericht"),
        ("fr", "Rapporto di benchmarking"),  # no French: Italian
        ("de_CH", "Benchmarking-Bericht"),
    ],
)
def test_lang_takes_any_language_code(lang, expected):
    result = CliRunner().invoke(show, ["--lang", lang])
    assert result.exit_code == 0, result.output
    assert result.output == expected + "\n"


def test_lang_defaults_to_italian_and_lists_the_catalogs_in_the_help():
    assert CliRunner().invoke(show, []).output == "Rapporto di benchmarking\n"
    assert "[it|en|de|...]" in CliRunner().invoke(show, ["--help"]).output


@pytest.mark.parametrize("bad", ["Deutsch", "DE", "de-IT"])
def test_a_malformed_code_is_a_usage_error_naming_it(bad):
    result = CliRunner().invoke(show, ["--lang", bad])
    assert result.exit_code == 2
    assert f"non '{bad}'" in result.stderr  # the command's language: Italian by default
