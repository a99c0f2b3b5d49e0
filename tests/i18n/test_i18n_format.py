"""Numbers, percentages, dates, currency and plurals per locale, checked by hand.

Every expected string below was written from the CLDR data that Babel ships
(``babel/locale-data/*.dat``), opened with ``babel.Locale.parse(code)``:

- it_IT: ``number_symbols["latn"]`` decimal ``,`` group ``.``; percent pattern
  ``#,##0%``; currency ``#,##0.00\\xa0¤``; dates long ``d MMMM y``, medium
  ``d MMM y``, short ``dd/MM/yy``; January ``gennaio`` / ``gen``; plural rules
  ``one: i in 1 and v in 0``, ``many: e in 0 and i not in 0 and i mod 1000000 in 0 ...``.
- de_IT (South Tyrol): decimal ``,`` group ``.``; percent ``#,##0\\xa0%``;
  currency ``#,##0.00\\xa0¤``; long date ``d. MMMM y``; January ``Jänner``
  (de_DE: ``Januar``); plural ``one: i in 1 and v in 0``.
- en_GB: decimal ``.`` group ``,``; percent ``#,##0%``; currency ``¤#,##0.00``;
  long date ``d MMMM y``, short ``dd/MM/y``.
"""

from __future__ import annotations

import datetime as dt
import decimal

import babel
import numpy as np
import pandas as pd
import pytest

from qualitapa.errors import OptionError
from qualitapa.i18n import MISSING, Translator, locale_for, translator

NBSP = "\xa0"


def test_the_locales_are_those_of_the_spec():
    assert [str(locale_for(c)) for c in ("it", "de", "en")] == ["it_IT", "de_IT", "en_GB"]
    # a code Babel knows is its own locale; one it does not know takes the fallback's
    assert str(locale_for("de_DE")) == "de_DE"
    assert str(locale_for("fr")) == "fr"
    assert str(locale_for("xx")) == "it_IT"


def test_the_cldr_symbols_the_expectations_rest_on():
    """The data opened to write this file's expectations (a newer CLDR may move them)."""
    it, de, en = (babel.Locale.parse(c) for c in ("it_IT", "de_IT", "en_GB"))
    assert (it.number_symbols["latn"]["decimal"], it.number_symbols["latn"]["group"]) == (",", ".")
    assert (de.number_symbols["latn"]["decimal"], de.number_symbols["latn"]["group"]) == (",", ".")
    assert (en.number_symbols["latn"]["decimal"], en.number_symbols["latn"]["group"]) == (".", ",")
    assert de.percent_formats[None].pattern == f"#,##0{NBSP}%"
    assert de.months["format"]["wide"][1] == "Jänner"


@pytest.mark.parametrize(
    ("lang", "value", "digits", "expected"),
    [
        ("it", 1234.5, 1, "1.234,5"),
        ("de", 1234.5, 1, "1.234,5"),
        ("en", 1234.5, 1, "1,234.5"),
        ("it", 1234567.891, 2, "1.234.567,89"),
        ("en", 1234567.891, 0, "1,234,568"),
        ("it", 0.5, 0, "1"),  # half up, not Python's half to even ("0")
        ("it", 2.5, 0, "3"),
        ("it", 0.125, 2, "0,13"),  # half up on the written decimal (0.125 is exact in binary)
        ("en", 2.675, 2, "2.68"),  # the decimal the reader sees, not the binary 2.67499...
        ("it", -0.04, 1, "0,0"),  # no "-0,0"
        ("it", -1234.5, 1, "-1.234,5"),
        ("it", 12, None, "12"),  # an int has no decimals
        ("it", 12.0, None, "12,0"),  # a float: 1 decimal from 10
        ("it", 0.1234, None, "0,12"),
        ("it", 123.4, None, "123"),
        ("it", np.float64(1234.5), 1, "1.234,5"),
        ("it", np.int64(1234), None, "1.234"),
        ("it", decimal.Decimal("1234.5"), 1, "1.234,5"),
    ],
)
def test_number(lang, value, digits, expected):
    assert translator(lang).number(value, digits=digits) == expected


@pytest.mark.parametrize(
    "missing",
    [None, float("nan"), np.nan, decimal.Decimal("NaN"), pd.NA, pd.NaT, np.float32("nan")],
)
def test_missing_numbers_read_as_a_dash(missing):
    t = translator("it")
    assert t.number(missing) == MISSING == "–"
    assert t.percent(missing) == t.signed(missing) == t.currency(missing) == MISSING
    assert t.quantity(missing, "minutes") == MISSING


def test_infinity_and_non_numbers():
    t = translator("it")
    assert t.number(float("inf")) == "∞"
    assert t.number(float("-inf")) == "-∞"
    with pytest.raises(OptionError, match="a number was expected"):
        t.number("12")


@pytest.mark.parametrize(
    ("lang", "value", "digits", "expected"),
    [
        ("it", 0.823, 1, "82,3%"),
        ("en", 0.823, 1, "82.3%"),
        ("de", 0.823, 1, f"82,3{NBSP}%"),
        ("it", 0.5, 0, "50%"),
        ("it", 0.8235, 1, "82,4%"),  # half up
        ("it", 1.0, 0, "100%"),
    ],
)
def test_percent(lang, value, digits, expected):
    assert translator(lang).percent(value, digits=digits) == expected


@pytest.mark.parametrize(
    ("lang", "value", "kwargs", "expected"),
    [
        ("it", 12.3, {"digits": 1}, "+12,3"),
        ("en", 12.3, {"digits": 1}, "+12.3"),
        ("it", -4, {"digits": 1}, "-4,0"),
        ("it", 0.0, {"digits": 1}, "0,0"),
        ("it", 0.04, {"digits": 1}, "0,0"),  # rounds to zero: no sign
        ("it", -0.04, {"digits": 1}, "0,0"),
        ("it", 0.123, {"digits": 1, "percent": True}, "+12,3%"),
        ("de", -0.5, {"percent": True}, f"-50{NBSP}%"),
    ],
)
def test_signed(lang, value, kwargs, expected):
    assert translator(lang).signed(value, **kwargs) == expected


@pytest.mark.parametrize(
    ("lang", "value", "kwargs", "expected"),
    [
        ("it", 1234.5, {}, f"1.234,50{NBSP}€"),
        ("de", 1234.5, {}, f"1.234,50{NBSP}€"),
        ("en", 1234.5, {}, "€1,234.50"),
        ("it", 1234.5, {"digits": 0}, f"1.235{NBSP}€"),
        ("it", 0.005, {}, f"0,01{NBSP}€"),  # half up
    ],
)
def test_currency(lang, value, kwargs, expected):
    assert translator(lang).currency(value, **kwargs) == expected


DAY = dt.date(2024, 1, 31)


@pytest.mark.parametrize(
    ("lang", "fmt", "expected"),
    [
        ("it", "long", "31 gennaio 2024"),
        ("it", "medium", "31 gen 2024"),
        ("it", "short", "31/01/24"),
        ("de", "long", "31. Jänner 2024"),
        ("de", "medium", "31.01.2024"),
        ("de_DE", "long", "31. Januar 2024"),
        ("en", "long", "31 January 2024"),
        ("en", "short", "31/01/2024"),
    ],
)
def test_dates(lang, fmt, expected):
    assert translator(lang).date(DAY, fmt) == expected


def test_a_datetime_is_written_as_its_day():
    assert translator("it").date(dt.datetime(2024, 1, 31, 23, 59)) == "31 gennaio 2024"
    assert translator("it").date(None) == MISSING


@pytest.mark.parametrize(
    ("lang", "n", "expected"),
    [
        ("it", 0, "Risposta entro 0 giorni"),  # Italian: 0 takes the plural
        ("it", 1, "Risposta entro 1 giorno"),
        ("it", 2, "Risposta entro 2 giorni"),
        # CLDR "many": the catalog has the plural there
        ("it", 1_000_000, "Risposta entro 1.000.000 giorni"),
        ("en", 1, "Reply within 1 day"),
        ("en", 0, "Reply within 0 days"),
        ("en", 1234, "Reply within 1,234 days"),
        ("de", 1, "Antwort innerhalb von 1 Tag"),
        ("de", 2, "Antwort innerhalb von 2 Tagen"),
        # no French catalog: Italian, with Italian plural rules
        ("fr", 0, "Risposta entro 0 giorni"),
    ],
)
def test_plural_forms(lang, n, expected):
    # a plural message of the catalogs (the charter's answer deadline)
    singular, plural = "Risposta entro {n} giorno", "Risposta entro {n} giorni"
    assert translator(lang).plural(singular, plural, n) == expected


def test_plural_takes_whole_numbers_only():
    t = translator("it")
    assert t.plural("{n} ente", "{n} enti", 2.0) == "2 enti"
    with pytest.raises(OptionError, match="whole number"):
        t.plural("{n} ente", "{n} enti", 1.5)


def test_plural_from_two_singular_messages():
    """Forms marked one by one (``_("...")`` each) are still chosen by the locale's rules."""
    t = translator("de")
    assert t.plural("Periodo", "Valore", 1) == "Zeitraum"
    assert t.plural("Periodo", "Valore", 3) == "Wert"


@pytest.mark.parametrize(
    ("lang", "value", "unit", "kwargs", "expected"),
    [
        ("it", 10, "minutes", {}, "10 minuti"),
        ("en", 10, "minutes", {}, "10 minutes"),
        ("de", 10, "minutes", {}, "10 Minuten"),
        ("it", 1, "minutes", {}, "1 minuto"),
        ("it", 1.0, "minutes", {"digits": 1}, "1,0 minuti"),  # CLDR: v = 1, not "one"
        ("it", 1.04, "days", {"digits": 0}, "1 giorno"),  # the plural of what is written
        ("de", 1, "working days", {}, "1 Arbeitstag"),
        ("de", 2, "working days", {}, "2 Arbeitstage"),
        ("it", 30, "hours per week", {}, "30 ore settimanali"),
        ("de", 30, "hours per week", {}, "30 Wochenstunden"),
        ("it", 82.34, "%", {"digits": 1}, "82,3%"),
        ("de", 82.34, "%", {"digits": 1}, f"82,3{NBSP}%"),
        ("it", 1234, "count", {}, "1.234"),
        ("it", 4.5, "per 1,000 inhabitants", {"digits": 1}, "4,5 per 1.000 abitanti"),
        ("en", 4.5, "per 1,000 inhabitants", {"digits": 1}, "4.5 per 1,000 inhabitants"),
        ("it", 12.3, "EUR per inhabitant", {"digits": 2}, "12,30 euro per abitante"),
        ("it", 3, "sportelli", {}, "3 sportelli"),  # an Italian label
        ("it", 3, None, {}, "3"),
    ],
)
def test_quantity(lang, value, unit, kwargs, expected):
    assert translator(lang).quantity(value, unit, **kwargs) == expected


def test_lists_are_joined_as_the_language_joins_them():
    assert translator("it").join(["sportello", "email", "PEC"]) == "sportello, email e PEC"
    assert translator("de").join(["Schalter", "E-Mail", "PEC"]) == "Schalter, E-Mail und PEC"
    assert translator("en").join(["counter", "email", "PEC"]) == "counter, email and PEC"


def test_translators_are_cached_and_say_what_they_are():
    assert translator("de") is translator("de")
    assert repr(translator("de")) == "Translator('de', locale='de_IT')"
    assert isinstance(translator("it"), Translator)
    assert translator().lang == "it"
