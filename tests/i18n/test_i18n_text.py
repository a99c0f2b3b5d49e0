"""Text in any language, fallback chains and language codes."""

from __future__ import annotations

import tomllib

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualitapa.errors import DefinitionError, OptionError
from qualitapa.i18n import (
    LANGUAGE_PATTERN,
    check_language,
    configured_fallbacks,
    fallback_chain,
    set_fallbacks,
    translator,
)
from qualitapa.models import Service, Text


@pytest.fixture
def fallbacks():
    """Set fallbacks for one test; the default comes back afterwards."""
    previous = configured_fallbacks()
    yield set_fallbacks
    set_fallbacks(previous)


def test_positional_construction_and_attributes_keep_working():
    t = Text("Anagrafe", "Civil registry")
    assert (t.it, t.en, t.de) == ("Anagrafe", "Civil registry", None)
    assert str(t) == "Anagrafe"
    assert t.get() == t.get("it") == "Anagrafe"
    assert t.to_dict() == {"it": "Anagrafe", "en": "Civil registry"}
    assert Text("Anagrafe", "Civil registry", "Meldeamt").de == "Meldeamt"


def test_any_language_by_keyword():
    t = Text(
        "Anagrafe", de="Meldeamt", fr="État civil", lld="Anagrafe ladina", de_CH="Einwohneramt"
    )
    assert t.languages == ("it", "de", "de_CH", "fr", "lld")
    assert t.get("fr") == "État civil"
    assert t.get("de_CH") == "Einwohneramt"
    assert t.get("de_IT") == "Meldeamt"  # a region falls back to its language
    assert t.get("es") == "Anagrafe"  # default: every language falls back to Italian
    assert t.get("en") == "Anagrafe"


def test_text_is_frozen_hashable_and_evolves():
    t = Text("Anagrafe", de="Meldeamt", fr="État civil")
    assert hash(t) == hash(Text("Anagrafe", fr="État civil", de="Meldeamt"))
    assert {t: 1}[Text("Anagrafe", de="Meldeamt", fr="État civil")] == 1
    with pytest.raises(attrs.exceptions.FrozenError):
        t.it = "x"  # type: ignore[misc]
    changed = attrs.evolve(t, en="Civil registry")
    assert changed.to_dict() == {
        "it": "Anagrafe",
        "en": "Civil registry",
        "de": "Meldeamt",
        "fr": "État civil",
    }
    assert repr(t) == "Text(it='Anagrafe', de='Meldeamt', fr='État civil')"


def test_blank_translations_count_as_absent():
    t = Text("Anagrafe", "", "  ", fr="")
    assert t.languages == ("it",)
    assert t == Text("Anagrafe")
    assert t.get("de") == "Anagrafe"


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        (("  ",), {}, "Italian label must not be empty"),
        ((None,), {}, "Italian label must be text"),
        (("Anagrafe", 3), {}, "'en' label must be text"),
        (("Anagrafe",), {"French": "État civil"}, "not 'French'"),
        (("Anagrafe",), {"FR": "État civil"}, "not 'FR'"),
        (("Anagrafe",), {"fr": 3}, "'fr' label must be text"),
    ],
)
def test_bad_labels_are_definition_errors(args, kwargs, match):
    with pytest.raises(DefinitionError, match=match):
        Text(*args, **kwargs)


@pytest.mark.parametrize(
    "code", ["", "German", "DE", "d", "deutsch", "de-IT", "de_it", "de_ITA", 3]
)
def test_malformed_codes_are_option_errors_naming_the_code(code):
    with pytest.raises(OptionError, match=repr(code)) as err:
        Text("Anagrafe").get(code)  # type: ignore[arg-type]
    assert err.value.value == code
    with pytest.raises(OptionError, match=repr(code)):
        translator(code)  # type: ignore[arg-type]
    with pytest.raises(OptionError, match=repr(code)):
        check_language(code)


def test_coerce_from_toml_tables():
    doc = tomllib.loads(
        """
        [service]
        id = "registry"
        label = { it = "Anagrafe", en = "Civil registry", de = "Meldeamt" }
        [other]
        label = { it = "Nidi", lld = "Ciasa di pitli" }
        """
    )
    service = Service.from_mapping(doc["service"])
    assert service.label.get("de") == "Meldeamt"
    assert Text.coerce(doc["other"]["label"]).get("lld") == "Ciasa di pitli"
    with pytest.raises(DefinitionError, match="needs an Italian text"):
        Text.coerce({"de": "Meldeamt"})
    with pytest.raises(DefinitionError, match="not 'Deutsch'"):
        Service.from_mapping({"id": "r", "label": {"it": "Anagrafe", "Deutsch": "Meldeamt"}})
    with pytest.raises(DefinitionError, match="string or a table"):
        Text.coerce(3)


def test_default_chain_is_every_language_to_italian():
    assert configured_fallbacks() == {}
    assert fallback_chain("it") == ("it",)
    assert fallback_chain("de") == ("de", "it")
    assert fallback_chain("lld") == ("lld", "it")
    assert fallback_chain("de_IT") == ("de_IT", "de", "it")


def test_configured_chains_are_followed_transitively(fallbacks):
    previous = fallbacks({"lld": ("de",), "de": ("en",), "rm": ("lld", "it")})
    assert previous == {}
    assert fallback_chain("lld") == ("lld", "de", "en", "it")
    assert fallback_chain("rm") == ("rm", "lld", "de", "en", "it")
    assert fallback_chain("de_CH") == ("de_CH", "de", "en", "it")
    t = Text("Anagrafe", "Civil registry")
    assert t.get("lld") == "Civil registry"
    assert Text("Anagrafe", "Civil registry", "Meldeamt").get("lld") == "Meldeamt"


def test_cycles_end_with_italian(fallbacks):
    fallbacks({"de": ("en",), "en": ("de",)})
    assert fallback_chain("de") == ("de", "en", "it")
    assert fallback_chain("en") == ("en", "de", "it")


def test_fallbacks_reach_the_messages_and_the_locale(fallbacks):
    assert translator("fur")("Periodo") == "Periodo"
    fallbacks({"fur": ("de",), "xx": ("de",)})
    t = translator("fur")
    assert t("Periodo") == "Zeitraum"
    assert t.text(Text("Anagrafe", de="Meldeamt")) == "Meldeamt"
    assert str(t.locale) == "fur"  # Babel knows Friulian: its own numbers and dates
    assert str(translator("xx").locale) == "de_IT"  # Babel does not know xx: the fallback's


def test_set_fallbacks_checks_what_it_is_given(fallbacks):
    with pytest.raises(OptionError, match="not 'Deutsch'"):
        fallbacks({"Deutsch": ("it",)})
    with pytest.raises(OptionError, match="not the string 'it'"):
        fallbacks({"de": "it"})
    with pytest.raises(OptionError, match="not 'IT'"):
        fallbacks({"de": ("IT",)})
    assert configured_fallbacks() == {}  # nothing half set


def test_set_fallbacks_none_restores_the_default(fallbacks):
    fallbacks({"de": ("en",)})
    assert fallbacks(None) == {"de": ("en",)}
    assert fallback_chain("de") == ("de", "it")


codes = st.from_regex(LANGUAGE_PATTERN, fullmatch=True)
words = st.text(min_size=1, max_size=20).filter(str.strip)
others = st.dictionaries(codes.filter(lambda c: c not in ("it", "en", "de")), words, max_size=4)


@given(
    it=words,
    en=st.none() | words,
    de=st.none() | words,
    more=others,
)
def test_text_round_trips_and_get_returns_what_is_there(it, en, de, more):
    t = Text(it, en, de, **more)
    assert Text.coerce(t.to_dict()) == t
    assert hash(Text.coerce(t.to_dict())) == hash(t)
    given_ = {"it": it, "en": en, "de": de, **more}
    for lang in t.languages:
        assert t.get(lang) == given_[lang]
    assert set(t.languages) == {k for k, v in given_.items() if v is not None}


@given(code=codes, it=words, more=others)
def test_get_never_raises_for_a_well_formed_code(code, it, more):
    t = Text(it, **more)
    assert t.get(code) == more.get(code, more.get(code.partition("_")[0], it))
