"""Every label of the service plugins in English and German (issue 15).

A Bolzano reader's German report must fall back to Italian nowhere, an English
reader's neither: ``qualitapa.testing.missing_translations`` walks every Text
reachable from a plugin's items (nested questions, choices, answer scales,
refunds, charter contacts...) and lists those lacking a language.
"""

from __future__ import annotations

import importlib.resources
import re

import pytest

from qualitapa import Service, Text, hookimpl
from qualitapa.declarative import TomlPlugin
from qualitapa.surveys import Choice, Instrument, Question, Scale
from qualitapa.testing import (
    assert_plugin_translated,
    catalog_with,
    load_installed_plugin,
    missing_translations,
)

SERVICE_PLUGINS = ["registry", "libraries", "nurseries"]
#: The plugins of the cross-cutting areas (no standards or charter); German since session 36.
AREA_PLUGINS = ["finance", "personnel"]
TOML_FILES = ["definitions.toml", "questionnaire.toml", "composite.toml", "charter.toml"]
GERMAN = re.compile(r', de = "(?:[^"\\]|\\.)*"')  # one inline ``de = "..."`` of a label


class _Survey:
    """A plugin whose one missing German text sits deep inside an instrument."""

    @hookimpl
    def qualitapa_services(self):
        return [Service("libraries", Text("Biblioteche", "Libraries", "Bibliotheken"))]

    @hookimpl
    def qualitapa_instruments(self):
        scale = Scale(
            (1, 2),
            labels=(Text("Poco", "Little", "Wenig"), Text("Molto", "Much", "Viel")),
            id="two",
        )
        return [
            Instrument(
                "libraries.users",
                Text("Utenti", "Users", "Benutzer"),
                service="libraries",
                questions=[
                    Question("hours", "likert", Text("Orari", "Hours", "Zeiten"), scale=scale),
                    Question(
                        "uses",
                        "single",
                        Text("Usi", "Uses", "Nutzung"),
                        choices=[
                            Choice("loan", Text("Prestito", "Borrowing", "Entlehnung")),
                            Choice("study", Text("Studio", "Study")),
                        ],
                    ),
                ],
            )
        ]


def test_a_nested_label_without_german_is_named_by_item_and_path():
    catalog = catalog_with(("survey", _Survey()))
    assert missing_translations(catalog, "survey") == [
        "survey instrument 'libraries.users': questions[uses].choices[study].label lacks de"
    ]
    assert missing_translations(catalog, "survey", ("en",)) == []
    assert missing_translations(catalog, "survey", kinds=["services"]) == []


def test_a_fallback_to_italian_is_not_a_translation():
    class Italian:
        @hookimpl
        def qualitapa_services(self):
            return [Service("nurseries", Text("Nidi d'infanzia"))]

    catalog = catalog_with(("it-only", Italian()))
    assert Text("Nidi d'infanzia").get("de") == "Nidi d'infanzia"  # the fallback...
    assert missing_translations(catalog, "it-only") == [  # ...does not count
        "service 'nurseries': label lacks en",
        "service 'nurseries': label lacks de",
    ]


def test_only_the_named_plugin_is_checked():
    class Other:
        @hookimpl
        def qualitapa_services(self):
            return [Service("other", Text("Altro"))]

    catalog = catalog_with(("survey", _Survey()), ("other", Other()))
    assert [m.split(":")[0] for m in missing_translations(catalog, "survey")] == [
        "survey instrument 'libraries.users'"
    ]


def test_assert_plugin_translated_lists_what_is_missing():
    with pytest.raises(
        AssertionError, match=r"(?s)translation \(1\):.*choices\[study\]\.label lacks de$"
    ):
        assert_plugin_translated(_Survey())
    assert_plugin_translated(_Survey(), ("en",))


@pytest.mark.parametrize("name", SERVICE_PLUGINS + AREA_PLUGINS)
def test_service_plugin_labels_are_in_english_and_german(name):
    """Services, variables, indicators, composite, questionnaire, complaints, datasets,
    standards and charter: the catalog's items of the plugin, every nested label."""
    catalog = assert_plugin_translated(load_installed_plugin(name), installed=["qclub"])
    assert len(catalog.services.by_plugin("plugin-under-test")) >= 1  # the plugin was walked


@pytest.mark.parametrize("name", SERVICE_PLUGINS)
def test_each_german_label_removed_from_the_plugin_is_reported(name, tmp_path):
    """The check fails as it did before the translation: strip the plugin's N German
    texts (a copy of its TOML files) and exactly N labels are reported, English intact."""
    root = importlib.resources.files(f"qualitapa_{name}")
    removed = 0
    for file in TOML_FILES:
        text = (root / file).read_text(encoding="utf-8")
        removed += len(GERMAN.findall(text))
        (tmp_path / file).write_text(GERMAN.sub("", text), encoding="utf-8")
    catalog = catalog_with(
        ("stripped", TomlPlugin(*(tmp_path / f for f in TOML_FILES))), installed=["qclub"]
    )
    missing = missing_translations(catalog, "stripped")
    assert removed > 100
    assert len(missing) == removed
    assert all(m.endswith(" lacks de") for m in missing)
    assert f"service {name!r}: label lacks de" in missing
    assert any(m.startswith("quality standard") for m in missing)
    assert any(m.startswith("service charter") for m in missing)
    assert missing_translations(catalog, "stripped", ("en",)) == []
