"""The translator: messages, labels, numbers, dates and quantities in one language.

Messages are looked up in the gettext catalogs (Italian msgids, ``str.format``
placeholders); numbers, percentages, dates and currency are formatted with
Babel after the language's locale (``it`` -> ``it_IT``, ``de`` -> ``de_IT``,
``en`` -> ``en_GB``). Rounding is half up (``0,125`` -> ``0,13``), as a reader
rounds by hand, not Python's half to even.
"""

from __future__ import annotations

import copy
import datetime as dt
import decimal
import functools
import math
import numbers
from collections.abc import Iterable, Mapping
from typing import Literal

import babel
from babel import dates as babel_dates
from babel import lists as babel_lists
from babel import numbers as babel_numbers

from qualitapa._languages import check_language, fallback_chain
from qualitapa.errors import OptionError
from qualitapa.i18n._catalogs import load_translations
from qualitapa.i18n._units import Unit, unit
from qualitapa.models import Text

#: The locale of each language with a catalog; another code is its own locale.
LOCALES: Mapping[str, str] = {"it": "it_IT", "de": "de_IT", "en": "en_GB"}

#: What a missing value (None, NaN) reads as.
MISSING = "–"

DateFormat = Literal["full", "long", "medium", "short"]


@functools.cache
def _locale(lang: str, chain: tuple[str, ...]) -> babel.Locale:
    for code in chain:
        try:
            return babel.Locale.parse(LOCALES.get(code, code))
        except (babel.UnknownLocaleError, ValueError):
            continue
    return babel.Locale.parse(LOCALES["it"])


def locale_for(lang: str) -> babel.Locale:
    """The Babel locale that formats numbers and dates for ``lang``.

    ``it``, ``de`` and ``en`` are ``it_IT``, ``de_IT`` (South Tyrol) and
    ``en_GB``; another code is its own locale when Babel knows it, else the
    locale of the first language of its fallback chain that Babel knows.

    Raises
    ------
    OptionError
        ``lang`` is not a well-formed language code.

    Examples
    --------
    >>> [str(locale_for(c)) for c in ("de", "de_DE", "fr", "xx")]
    ['de_IT', 'de_DE', 'fr', 'it_IT']
    """
    return _locale(lang, fallback_chain(lang))


def _decimal(value: object) -> decimal.Decimal | None:
    """``value`` as a Decimal (floats by their shortest repr); None when missing."""
    if isinstance(value, float) or (
        isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral)
    ):
        x = float(value)
        if math.isnan(x):
            return None
        return decimal.Decimal(repr(x)) if math.isfinite(x) else decimal.Decimal(x)
    if isinstance(value, numbers.Integral):
        return decimal.Decimal(int(value))
    if isinstance(value, decimal.Decimal):
        return None if value.is_nan() else value
    if value is None or _is_na(value):
        return None
    raise OptionError(f"a number was expected, not {value!r}", option="value", value=value)


def _is_na(value: object) -> bool:
    """pandas' missing scalars (``pd.NA``, ``pd.NaT``)."""
    import pandas as pd  # only for values that are not numbers

    return value is pd.NA or value is pd.NaT


#: The formatted numbers a translator keeps (then it starts again).
_FORMATTED_MAX = 100_000


def _round(value: decimal.Decimal, digits: int) -> decimal.Decimal:
    with decimal.localcontext() as ctx:
        ctx.prec = max(28, value.adjusted() + digits + 2)
        out = value.quantize(decimal.Decimal(1).scaleb(-digits), rounding=decimal.ROUND_HALF_UP)
    return abs(out) if out == 0 else out  # no "-0,0"


def default_digits(value: object) -> int:
    """The decimals a number gets when none are asked for.

    A whole number (``int``) none; a float 0 from 100, 1 from 10, else 2 (the
    reports' rule: three significant figures or so).

    Examples
    --------
    >>> default_digits(1234), default_digits(1234.5), default_digits(12.34), default_digits(0.123)
    (0, 0, 1, 2)
    """
    if isinstance(value, numbers.Integral):
        return 0
    x = _decimal(value)
    if x is None or not x.is_finite():
        return 0
    return 0 if abs(x) >= 100 else 1 if abs(x) >= 10 else 2


class Translator:
    """Messages and formatting in one language (see :func:`translator`).

    Parameters
    ----------
    lang
        A language code: ``it``, ``en``, ``de`` or any other (with fallback).

    Attributes
    ----------
    lang : str
        The language code.
    locale : babel.Locale
        The locale numbers and dates are formatted with.

    Examples
    --------
    >>> t = Translator("de")
    >>> t("Rapporto di benchmarking")
    'Benchmarking-Bericht'
    >>> t("in evidenza {name}", name="Bozen")
    'hervorgehoben: Bozen'
    >>> days = ("Risposta entro {n} giorno", "Risposta entro {n} giorni")
    >>> t.plural(*days, 1), t.plural(*days, 1234)
    ('Antwort innerhalb von 1 Tag', 'Antwort innerhalb von 1.234 Tagen')
    >>> t.number(1234.5, digits=1), t.percent(0.823, digits=1), t.signed(12.3, digits=1)
    ('1.234,5', '82,3\\xa0%', '+12,3')
    >>> import datetime
    >>> t.date(datetime.date(2024, 1, 31))
    '31. Jänner 2024'
    >>> t.quantity(10, "minutes"), t.quantity(1, "working days")
    ('10 Minuten', '1 Arbeitstag')
    """

    __slots__ = ("_formatted", "_patterns", "_translations", "lang", "locale")

    def __init__(self, lang: str) -> None:
        self.lang = check_language(lang)
        self.locale = _locale(lang, fallback_chain(lang))
        self._translations = load_translations(lang)
        self._patterns: dict[tuple[str, int], babel_numbers.NumberPattern] = {}
        # what the patterns wrote, by (style, digits, currency, rounded value): a report
        # or a portal writes the same values again and again (axes, medians, tables)
        self._formatted: dict[tuple[str, int, str | None, decimal.Decimal], str] = {}

    def __repr__(self) -> str:
        return f"Translator({self.lang!r}, locale={str(self.locale)!r})"

    # -- messages -----------------------------------------------------------

    def __call__(self, message: str, /, **values: object) -> str:
        """The translation of ``message`` (an Italian msgid), ``{placeholders}`` filled.

        Examples
        --------
        >>> Translator("en")("Periodo"), Translator("it")("Periodo")
        ('Period', 'Periodo')
        """
        out = self._translations.gettext(message)
        return out.format(**values) if values else out

    def plural(self, singular: str, plural: str, n: int, /, **values: object) -> str:
        """The singular or a plural form of a message for ``n`` (gettext ``ngettext``).

        ``n`` is a whole number; it is also the placeholder ``{n}``, written
        in the locale (``1.234``) unless ``n`` is among ``values``.

        Raises
        ------
        OptionError
            ``n`` is not a whole number.

        Examples
        --------
        >>> Translator("en").plural("Risposta entro {n} giorno", "Risposta entro {n} giorni", 2)
        'Reply within 2 days'
        """
        count = _decimal(n)
        if count is None or not count.is_finite() or count != count.to_integral_value():
            raise OptionError(f"a plural needs a whole number, not {n!r}", option="n", value=n)
        whole = int(count)
        out = self._translations.ngettext(singular, plural, whole)
        if out in (singular, plural):
            # not a plural entry in the catalogs: the two forms may be there as
            # two messages (marked one by one); the locale's rules choose
            one, other = self._translations.gettext(singular), self._translations.gettext(plural)
            if (one, other) != (singular, plural):
                out = one if self.locale.plural_form(abs(whole)) == "one" else other
        return out.format(**{"n": self.number(whole, digits=0), **values})

    def text(self, label: Text | str | None) -> str:
        """A label in this language, along the fallback chain; a string as is; None as "".

        Examples
        --------
        >>> Translator("de").text(Text("Anagrafe", "Civil registry", "Meldeamt"))
        'Meldeamt'
        """
        if label is None:
            return ""
        if isinstance(label, Text):
            return label.get(self.lang)
        return str(label)

    # -- numbers ------------------------------------------------------------

    def _pattern(
        self, kind: Literal["decimal", "percent", "currency"], digits: int
    ) -> babel_numbers.NumberPattern:
        """The locale's pattern of ``kind`` with ``digits`` decimals (cached)."""
        try:
            return self._patterns[kind, digits]
        except KeyError:
            pass
        if kind == "decimal":
            base = self.locale.decimal_formats[None]
        elif kind == "percent":
            base = self.locale.percent_formats[None]
        else:
            base = self.locale.currency_formats["standard"]
        pattern = copy.copy(base)
        pattern.frac_prec = (digits, digits)
        self._patterns[kind, digits] = pattern
        return pattern

    def _format(
        self,
        value: object,
        style: Literal["decimal", "percent", "currency"],
        digits: int,
        *,
        scale: int = 1,
        currency: str | None = None,
    ) -> str:
        """``value`` in a Babel pattern of the locale, rounded half up to ``digits``.

        What :meth:`number`, :meth:`percent` and :meth:`currency` share: ``–``
        when missing, ``∞``/``-∞`` when infinite, else the ``style`` pattern
        (``decimal``, ``percent``, ``currency``) applied to the value rounded
        in the unit shown (``scale=100`` for a percentage).
        """
        x = _decimal(value)
        if x is None:
            return MISSING
        if not x.is_finite():
            return ("-" if x < 0 else "") + "∞"
        shown = _round(x * scale, digits) / scale
        key = (style, digits, currency, shown)
        found = self._formatted.get(key)
        if found is None:
            if len(self._formatted) >= _FORMATTED_MAX:
                self._formatted.clear()
            found = self._formatted[key] = self._pattern(style, digits).apply(
                shown, self.locale, currency=currency, currency_digits=False
            )
        return found

    def number(self, value: object, digits: int | None = None) -> str:
        """A number in the locale (``1.234,5``); ``–`` when missing.

        Parameters
        ----------
        value
            A number (int, float, numpy scalar, Decimal) or None/NaN.
        digits
            Decimals, rounded half up; None: :func:`default_digits`.

        Examples
        --------
        >>> [Translator(c).number(1234.5, digits=1) for c in ("it", "de", "en")]
        ['1.234,5', '1.234,5', '1,234.5']
        >>> Translator("it").number(float("nan")), Translator("it").number(-0.04, digits=1)
        ('–', '0,0')
        """
        d = default_digits(value) if digits is None else digits
        return self._format(value, "decimal", d)

    def percent(self, value: object, digits: int = 0) -> str:
        """A fraction as a percentage in the locale (``0.823`` -> ``82,3%``).

        Examples
        --------
        >>> Translator("it").percent(0.823, digits=1), Translator("en").percent(0.5)
        ('82,3%', '50%')
        """
        return self._format(value, "percent", digits, scale=100)

    def signed(self, value: object, digits: int | None = None, *, percent: bool = False) -> str:
        """A change with its sign (``+12,3``, ``-4,0``, ``0,0``).

        With ``percent=True`` the value is a fraction shown as a percentage
        (``+12,3%``).

        Examples
        --------
        >>> t = Translator("it")
        >>> t.signed(12.3, digits=1), t.signed(-4, digits=1), t.signed(0.0004, digits=1)
        ('+12,3', '-4,0', '0,0')
        >>> t.signed(0.123, 1, percent=True)
        '+12,3%'
        """
        x = _decimal(value)
        if x is None:
            return MISSING
        if percent:
            d = 0 if digits is None else digits
            text, shown = self.percent(value, d), _round(x * 100, d) if x.is_finite() else x
        else:
            d = default_digits(value) if digits is None else digits
            text, shown = self.number(value, d), _round(x, d) if x.is_finite() else x
        if shown > 0:
            return babel_numbers.get_plus_sign_symbol(self.locale) + text
        return text

    def currency(self, value: object, currency: str = "EUR", digits: int | None = None) -> str:
        """An amount of money in the locale (``1.234,50 €``).

        ``digits`` None: the currency's own decimals (2 for the euro).

        Examples
        --------
        >>> Translator("it").currency(1234.5), Translator("en").currency(1234.5, digits=0)
        ('1.234,50\\xa0€', '€1,235')
        """
        d = babel_numbers.get_currency_precision(currency) if digits is None else digits
        return self._format(value, "currency", d, currency=currency)

    def quantity(
        self, value: object, unit_: Unit | Text | str | None, digits: int | None = None
    ) -> str:
        """A number with its unit: ``10 minuti``, ``1 giorno lavorativo``, ``82,3%``.

        The unit's singular follows a number the locale's plural rules call
        "one" as written (``1``, not ``1,0``). ``unit_`` is a
        :class:`Unit`, a built-in unit's id or alias, a Text or an Italian
        label (see :func:`qualitapa.i18n.unit`); None gives the number alone.

        Examples
        --------
        >>> t = Translator("it")
        >>> t.quantity(10, "minutes"), t.quantity(1, "days"), t.quantity(1.0, "days", digits=1)
        ('10 minuti', '1 giorno', '1,0 giorni')
        >>> t.quantity(82.34, "%", digits=1), t.quantity(12, "count")
        ('82,3%', '12')
        """
        if unit_ is None:
            return self.number(value, digits)
        u = unit(unit_)
        x = _decimal(value)
        if u.style == "percent":
            d = default_digits(value) if digits is None else digits
            return self.percent(None if x is None else x / 100, d)
        text = self.number(value, digits)
        if u.style == "bare" or x is None:
            return text
        d = default_digits(value) if digits is None else digits
        shown = _round(x, d) if x.is_finite() else decimal.Decimal(2)
        category = self.locale.plural_form(abs(shown))
        return f"{text} {u.label(category, self.lang)}"

    def unit(self, unit_: Unit | Text | str) -> str:
        """How a table header calls a unit in this language.

        Examples
        --------
        >>> Translator("de").unit("working days"), Translator("it").unit("count")
        ('Arbeitstage', 'numero')
        """
        return unit(unit_).title(self.lang)

    # -- dates and lists ----------------------------------------------------

    def date(self, day: dt.date | None, format: DateFormat = "long") -> str:
        """A date in the locale: ``31 gennaio 2024`` (long), ``31 gen 2024`` (medium).

        A datetime (or pandas Timestamp) is written as its day.

        Examples
        --------
        >>> import datetime
        >>> day = datetime.date(2024, 1, 31)
        >>> Translator("it").date(day), Translator("en").date(day, "short")
        ('31 gennaio 2024', '31/01/2024')
        """
        if day is None:
            return MISSING
        if isinstance(day, dt.datetime):
            day = day.date()
        return babel_dates.format_date(day, format, locale=self.locale)

    def join(self, items: Iterable[str], style: Literal["standard", "or"] = "standard") -> str:
        """Items joined as the language joins them: ``a, b e c`` / ``a, b und c``.

        Examples
        --------
        >>> Translator("it").join(["sportello", "email", "PEC"])
        'sportello, email e PEC'
        >>> Translator("de").join(["A", "B"], style="or")
        'A oder B'
        """
        return babel_lists.format_list([str(i) for i in items], style=style, locale=self.locale)


@functools.cache
def _translator(lang: str, chain: tuple[str, ...]) -> Translator:
    return Translator(lang)


def translator(lang: str = "it") -> Translator:
    """The (cached) :class:`Translator` of ``lang``.

    Parameters
    ----------
    lang
        ``it``, ``en``, ``de`` or any well-formed code; a language without a
        catalog or a label falls back along :func:`qualitapa.i18n.fallback_chain`.

    Raises
    ------
    OptionError
        ``lang`` is not a well-formed language code; the message names it.

    Examples
    --------
    >>> translator("en")("Rapporto di benchmarking")
    'Benchmarking report'
    >>> translator("de") is translator("de")
    True
    """
    return _translator(lang, fallback_chain(lang))
