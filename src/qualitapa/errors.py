"""Exceptions raised by qualitapa.

Every error the library raises on purpose is a :class:`QualitapaError`. The
subclasses also derive from the matching built-in exception, so code that
already catches ``ValueError`` or ``KeyError`` keeps working (the pattern of
``attrs.exceptions.FrozenError(AttributeError)``).

Errors carry *where* the fault is as structured fields, and say it in their
message, so a municipal clerk can open the file and fix the row. Their
``str()`` is English; a data, definition or unknown-id error also says
itself in another language with ``render(translator)`` (the command line
writes it so, in ``--lang``).

Examples
--------
>>> from qualitapa.errors import DataError
>>> err = DataError("value is not a number", source="raw.csv", row=12, column="value")
>>> str(err)
"raw.csv, row 12, column 'value': value is not a number"
>>> isinstance(err, ValueError)
True
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, overload

if TYPE_CHECKING:
    import pandas as pd

    from qualitapa.i18n import Translator

__all__ = [
    "DataError",
    "DataWarning",
    "DefinitionError",
    "DelimiterError",
    "Either",
    "Figure",
    "FormulaError",
    "Message",
    "OptionError",
    "PluginConflictError",
    "PluginError",
    "PluginWarning",
    "QualitapaError",
    "QualitapaWarning",
    "TransitionError",
    "UnknownItemError",
    "UnknownValueError",
]


def _where(
    source: str | None,
    row: int | None,
    column: str | None,
    field: str | None = None,
    *,
    item: str | None = None,
) -> str:
    """Where a problem is: ``source, 'item', row 3, column 'x', field 'y'`` (given parts only)."""
    parts: list[str] = []
    if source:
        parts.append(str(source))
    if item:
        parts.append(repr(item))
    if row is not None:
        parts.append(f"row {row}")
    if column is not None:
        parts.append(f"column {column!r}")
    if field is not None:
        parts.append(f"field {field!r}")
    return ", ".join(parts)


@overload
def _did_you_mean(value: str, known: Iterable[str], otherwise: str) -> str: ...
@overload
def _did_you_mean(value: str, known: Iterable[str], otherwise: None = None) -> str | None: ...
def _did_you_mean(value: str, known: Iterable[str], otherwise: str | None = None) -> str | None:
    """``did you mean 'x'?`` for the known id closest to ``value``, else ``otherwise``."""
    close = difflib.get_close_matches(value, list(known), n=1)
    return f"did you mean {close[0]!r}?" if close else otherwise


class Message(str):
    """An English text that can also be said in another language.

    It *is* the English text (a ``str``: logs, ``str(error)`` and code
    comparing texts see English), built from ``english`` with ``params``;
    it also keeps ``msgid``, the Italian message of the gettext catalogs
    with the same named placeholders, so that ``render(t)`` says it in the
    language of a :class:`~qualitapa.i18n.Translator`. A parameter that is
    itself a :class:`Message` is rendered in the same language. A
    :class:`DataError` or :class:`DefinitionError` whose message is a
    ``Message`` renders so (the command line shows it in ``--lang``), as
    do the cells of a data error's ``failure_cases`` (the ``problem``
    column).

    Examples
    --------
    >>> from qualitapa.i18n import N_, translator
    >>> m = Message("{value} is not a date", N_("{value} non è una data"), value="'31/02'")
    >>> m, m.render(translator("it"))
    ("'31/02' is not a date", "'31/02' non è una data")
    """

    msgid: str
    params: Mapping[str, object]

    def __new__(cls, english: str, msgid: str, /, **params: object) -> Message:
        text = super().__new__(cls, english.format(**{k: str(v) for k, v in params.items()}))
        text.msgid = msgid
        text.params = params
        _KNOWN[str(text)] = text
        while len(_KNOWN) > _KNOWN_MAX:  # the oldest go: a process may build many
            del _KNOWN[next(iter(_KNOWN))]
        return text

    def __reduce__(
        self,
    ) -> tuple[
        Callable[[str, str, dict[str, object]], Message], tuple[str, str, dict[str, object]]
    ]:
        return (_message, (str(self), self.msgid, dict(self.params)))

    def render(self, t: Translator) -> str:
        """The text in ``t``'s language (the catalog's translation of ``msgid``).

        In English, a message the catalog does not translate yet is its
        English text (not the Italian ``msgid``).
        """
        if t.lang.split("_")[0] == "en" and str(t(self.msgid)) == self.msgid:
            return str(self)
        return str(t(self.msgid, **{k: said(v, t) for k, v in self.params.items()}))


class Either(tuple[str, ...]):
    """Alternatives in a :class:`Message` (``did you mean a or b?``), joined as each language does.

    Its ``str()`` is the English ``a, b or c``; a message holding it as a
    parameter says it with the language's own word (``a o b``, ``a oder b``;
    Babel's ``format_list(style="or")``).

    Examples
    --------
    >>> from qualitapa.i18n import N_, translator
    >>> m = Message("{said}; did you mean {alternatives}?", N_("{said}; forse {alternatives}?"),
    ...             said="S3", alternatives=Either(["S03", "S30"]))
    >>> m, m.render(translator("it")), m.render(translator("de"))
    ('S3; did you mean S03 or S30?', 'S3; forse S03 o S30?', 'S3; meinten Sie S03 oder S30?')
    """

    __slots__ = ()

    def __str__(self) -> str:
        from babel.lists import format_list

        return format_list(list(self), style="or", locale="en_GB")


class Figure(float):
    """A number in a :class:`Message`, written as the language the message is said in writes it.

    Its ``str()`` is English (``1,234,567``, ``0.5``); a message holding it
    as a parameter says it in the translator's locale (``1.234.567``,
    ``0,5``), with ``digits`` decimals (None: the reports' default,
    :func:`qualitapa.i18n.default_digits`).

    Examples
    --------
    >>> from qualitapa.i18n import N_, translator
    >>> m = Message("{total} people", N_("{total} persone"), total=Figure(1234567.0, digits=0))
    >>> m, m.render(translator("it")), str(Figure(0.5, digits=1))
    ('1,234,567 people', '1.234.567 persone', '0.5')
    """

    digits: int | None

    def __new__(cls, value: float, digits: int | None = None) -> Figure:
        out = super().__new__(cls, value)
        out.digits = digits
        return out

    def __str__(self) -> str:
        return self.said_in(None)

    def __reduce__(self) -> tuple[type[Figure], tuple[float, int | None]]:
        return (Figure, (float(self), self.digits))

    def said_in(self, t: Translator | None) -> str:
        """The number in ``t``'s locale (None: English)."""
        from qualitapa.i18n import translator

        return (t or translator("en")).number(float(self), digits=self.digits)


def N_(message: str) -> str:
    """Mark ``message`` for the catalogs (:func:`qualitapa.i18n.N_`; that module imports this)."""
    return message


def _message(text: str, msgid: str, params: dict[str, object]) -> Message:
    """A :class:`Message` unpickled: its English text as it was."""
    message = str.__new__(Message, text)
    message.msgid, message.params = msgid, params
    return message


#: The latest messages built, by their English text: a table cell holding one is
#: plain text once pandas stored it (``str`` dtype), and is found again here.
_KNOWN: dict[str, Message] = {}
_KNOWN_MAX = 4096


def said(value: object, t: Translator) -> object:
    """``value`` in ``t``'s language when it is (the text of) a :class:`Message`; else as it is.

    Examples
    --------
    >>> from qualitapa.i18n import N_, translator
    >>> _ = Message("no such day", N_("giorno inesistente"))
    >>> said("no such day", translator("it")), said("other", translator("it"))
    ('giorno inesistente', 'other')
    """
    if isinstance(value, Either):  # its items may be messages too
        return t.join([str(said(v, t)) for v in value], style="or")
    if isinstance(value, Figure):
        return value.said_in(t)
    if isinstance(value, str) and not isinstance(value, Message):
        value = _KNOWN.get(value, value)
    return value.render(t) if isinstance(value, Message) else value


def _where_in(t: Translator, error: object) -> str:
    """Where ``error`` applies (file, item, row, column, field) in ``t``'s language."""
    parts: list[str] = []
    source, item = getattr(error, "source", None), getattr(error, "item", None)
    row, column, field = (getattr(error, k, None) for k in ("row", "column", "field"))
    if source:
        parts.append(str(said(source, t)))  # a Message where says its words
    if item:
        parts.append(repr(item))
    if row is not None:
        parts.append(str(t("riga {row}", row=row)))
    if column is not None:
        parts.append(str(t("colonna {column}", column=repr(column))))
    if field is not None:
        parts.append(str(t("campo {field}", field=repr(field))))
    return ", ".join(parts)


def _placed(t: Translator, error: object, message: object) -> str:
    """``message`` in ``t``'s language, after where ``error`` applies (when it says where)."""
    where = _where_in(t, error)
    text = str(said(message, t))
    return f"{where}: {text}" if where else text


#: The kinds of item an unknown id may be (``UnknownItemError.kind``) -> their word.
_KIND_WORDS = {
    "service": N_("servizio"),
    "organization": N_("ente"),
    "peer group": N_("gruppo di confronto"),
    "variable": N_("variabile"),
    "indicator": N_("indicatore"),
    "composite index": N_("indice composito"),
    "survey instrument": N_("questionario"),
    "complaint category": N_("categoria di reclamo"),
    "quality standard": N_("standard di qualità"),
    "service charter": N_("carta dei servizi"),
    "charter content": N_("contenuto della carta"),
    "dataset": N_("insieme di dati"),
    "demo profile": N_("profilo dimostrativo"),
    "complaint": N_("reclamo"),
    "action": N_("azione"),
    "office": N_("ufficio"),
    "CAF criterion": N_("criterio CAF"),
    "CAF scoring panel": N_("griglia di valutazione CAF"),
    "charter of service": N_("carta del servizio"),
    "kind of item": N_("tipo di elemento"),
}


class QualitapaError(Exception):
    """Base class of every error raised by qualitapa."""


class DefinitionError(QualitapaError, ValueError):
    """A definition (indicator, question, standard...) is invalid.

    Parameters
    ----------
    message
        What is wrong.
    source
        Where the definition comes from: a plugin name or a file path.
    item
        The id of the definition at fault.
    field
        The field of the definition at fault.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        item: str | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.source = source
        self.item = item
        self.field = field
        where = _where(source, None, None, field or None, item=item)
        super().__init__(f"{where}: {message}" if where else message)

    def render(self, t: Translator) -> str:
        """The message with where it applies (file, item, field) in ``t``'s language.

        Where it applies is always translated; a message given as a
        :class:`Message` is said in the language, an English one stays
        English. The command line shows the error so.

        Examples
        --------
        >>> from qualitapa.i18n import translator
        >>> err = DefinitionError("must be positive", source="defs.toml", item="x", field="target")
        >>> str(err)
        "defs.toml, 'x', field 'target': must be positive"
        >>> err.render(translator("de"))
        "defs.toml, 'x', Feld 'target': must be positive"
        """
        return _placed(t, self, self.message)


class FormulaError(DefinitionError):
    """A formula is outside the formula language, or cannot be evaluated.

    ``token`` names the offending token and ``position`` its offset in the
    formula text, when known.
    """

    def __init__(
        self,
        message: str,
        *,
        formula: str | None = None,
        token: str | None = None,
        position: int | None = None,
        source: str | None = None,
        item: str | None = None,
        field: str | None = None,
    ) -> None:
        self.formula = formula
        self.token = token
        self.position = position
        detail: str = message
        if isinstance(message, Message) and formula is not None:
            detail = _in_formula(message, formula, token, position)
        else:
            if token is not None:
                detail += f" (token {token!r}"
                detail += f" at position {position})" if position is not None else ")"
            if formula is not None:
                detail += f" in formula {formula!r}"
        super().__init__(detail, source=source, item=item, field=field)


def _in_formula(message: Message, formula: str, token: str | None, position: int | None) -> Message:
    """``message`` with the token at fault and the formula, said in the message's language."""
    if token is None:
        return Message(
            "{message} in formula {formula}",
            N_("{message} nella formula {formula}"),
            message=message,
            formula=repr(formula),
        )
    if position is None:
        return Message(
            "{message} (token {token}) in formula {formula}",
            N_("{message} (simbolo {token}) nella formula {formula}"),
            message=message,
            token=repr(token),
            formula=repr(formula),
        )
    return Message(
        "{message} (token {token} at position {position}) in formula {formula}",
        N_("{message} (simbolo {token} alla posizione {position}) nella formula {formula}"),
        message=message,
        token=repr(token),
        position=position,
        formula=repr(formula),
    )


class DataError(QualitapaError, ValueError):
    """Input data is invalid.

    Parameters
    ----------
    message
        What is wrong, in words a data clerk can act on.
    source
        The file (or frame name) the data came from.
    row
        The 1-based data row number in the source (header excluded), when
        a single row is at fault.
    column
        The column or field at fault.
    failure_cases
        Optional table with one row per problem (when many rows are at
        fault), in the manner of pandera's lazy validation.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        row: int | None = None,
        column: str | None = None,
        failure_cases: pd.DataFrame | None = None,
    ) -> None:
        self.message = message
        self.source = source
        self.row = row
        self.column = column
        self.failure_cases = failure_cases
        where = _where(source, row, column)
        text = f"{where}: {message}" if where else message
        #: The message with where it applies, without the count of problems.
        self.summary = text
        if failure_cases is not None and len(failure_cases) > 0:
            text += f" ({len(failure_cases)} problem(s); see .failure_cases)"
        super().__init__(text)

    def render(self, t: Translator) -> str:
        """The message with where it applies in ``t``'s language, without the count of problems.

        A message given as a :class:`Message` is said in the language; an
        English one stays English (only where it applies is translated).

        Examples
        --------
        >>> from qualitapa.i18n import N_, translator
        >>> err = DataError(Message("file not found", N_("file non trovato")), source="raw.csv")
        >>> str(err), err.render(translator("de"))  # doctest: +SKIP
        ('raw.csv: file not found', 'raw.csv: Datei nicht gefunden')
        """
        return _placed(t, self, self.message)


class DelimiterError(DataError):
    """A CSV file read with a delimiter that does not split its header, when another one does.

    A :class:`DataError` naming the file, with ``delimiter`` (the one
    given) and ``suggestion`` (the delimiter that splits the header and the
    rows into the same number of fields).

    Examples
    --------
    >>> print(DelimiterError(",", ";", source="raw.csv"))  # doctest: +ELLIPSIS
    raw.csv: with the delimiter ',' the header is one field; ... --delimiter ';' ...
    """

    def __init__(self, delimiter: str, suggestion: str, *, source: str | None = None) -> None:
        self.delimiter = delimiter
        self.suggestion = suggestion
        given, fits = self._shown()
        super().__init__(
            f"with the delimiter {given} the header is one field; the file is split by {fits}: "
            f"give --delimiter {fits} (delimiter= in Python), or leave it out to have it found",
            source=source,
        )

    def _shown(self) -> tuple[str, str]:
        named = {"\t": "tab"}
        return (
            named.get(self.delimiter, repr(self.delimiter)),
            named.get(self.suggestion, repr(self.suggestion)),
        )

    def render(self, t: Translator) -> str:
        """The message in ``t``'s language (the command line shows it so), with the file."""
        given, fits = self._shown()
        text = t(
            "con il separatore {given} l'intestazione è un campo solo; il file è diviso da "
            "{fits}: indicare --delimiter {fits} (delimiter= in Python), o non indicarlo "
            "perché sia riconosciuto",
            given=given,
            fits=fits,
        )
        return f"{self.source}: {text}" if self.source else text


class UnknownValueError(DataError):
    """A value in the data names nothing the catalog knows (an organization...).

    A :class:`DataError` (so ``source``, ``row``, ``column`` and
    ``failure_cases`` say where: the first row holding the value, and one
    row per unknown value) with ``kind`` (``"organization"``), ``value``
    and ``suggestions`` (the closest known items, as ``"Name (code)"``).

    Examples
    --------
    >>> err = UnknownValueError("organization", "Trentoo", suggestions=["Trento (022205)"],
    ...                         source="raw.csv", row=4, column="organization")
    >>> print(err)  # doctest: +ELLIPSIS
    raw.csv, row 4, ...: unknown organization 'Trentoo'; did you mean Trento (022205)?
    """

    def __init__(
        self,
        kind: str,
        value: str,
        *,
        suggestions: Sequence[str] = (),
        detail: str = "",
        source: str | None = None,
        row: int | None = None,
        column: str | None = None,
        failure_cases: pd.DataFrame | None = None,
    ) -> None:
        self.kind = kind
        self.value = value
        self.suggestions = list(suggestions)
        message: str = detail or f"unknown {kind} {value!r}"
        if self.suggestions:
            message = Message(
                "{detail}; did you mean {suggestions}?",
                N_("{detail}; forse {suggestions}?"),
                detail=message,
                suggestions=Either(self.suggestions),
            )
        super().__init__(
            message, source=source, row=row, column=column, failure_cases=failure_cases
        )


class OptionError(QualitapaError, ValueError):
    """An option of a function is not one of those it accepts.

    A ``ValueError``, as a bad option raised before (code catching
    ``ValueError`` keeps working); ``option`` names the parameter and
    ``value`` is what was given. :func:`qualitapa.problems.check_option`
    raises it with the usual message.

    Examples
    --------
    >>> err = OptionError("mode must be 'lenient' or 'strict', not 'lax'", option="mode",
    ...                   value="lax")
    >>> isinstance(err, ValueError), err.option
    (True, 'mode')
    """

    def __init__(self, message: str, *, option: str | None = None, value: object = None) -> None:
        self.option = option
        self.value = value
        super().__init__(message)


class UnknownItemError(QualitapaError, KeyError):
    """An id was looked up in the catalog and is not there."""

    def __init__(self, kind: str, item: str, *, suggestions: Sequence[str] = ()) -> None:
        self.kind = kind
        self.item = item
        self.suggestions = list(suggestions)
        msg = f"unknown {kind} {item!r}"
        if self.suggestions:
            msg += f"; did you mean {Either(repr(s) for s in self.suggestions)}?"
        super().__init__(msg)

    def __str__(self) -> str:  # KeyError quotes its message otherwise
        return str(self.args[0])

    def render(self, t: Translator) -> str:
        """The message in ``t``'s language: the kind of item, the id and the closest ids.

        Examples
        --------
        >>> from qualitapa.i18n import translator
        >>> err = UnknownItemError("indicator", "loans_per_usr", suggestions=["loans_per_user"])
        >>> str(err)
        "unknown indicator 'loans_per_usr'; did you mean 'loans_per_user'?"
        >>> err.render(translator("it"))
        "indicatore 'loans_per_usr': non esiste; forse 'loans_per_user'?"
        """
        word = _KIND_WORDS.get(self.kind)
        kind = str(t(word)) if word is not None else self.kind
        text = str(t("{kind} {item}: non esiste", kind=kind, item=repr(self.item)))
        if self.suggestions:
            shown = t.join([repr(s) for s in self.suggestions], style="or")
            text += str(t("; forse {suggestions}?", suggestions=shown))
        return text


class PluginError(QualitapaError, RuntimeError):
    """A plugin failed to load or returned something invalid.

    ``plugin`` names the plugin at fault.
    """

    def __init__(self, message: str, *, plugin: str | None = None) -> None:
        self.plugin = plugin
        super().__init__(f"plugin {plugin!r}: {message}" if plugin else message)


class PluginConflictError(PluginError):
    """Two plugins contribute an item with the same id.

    Attributes ``kind``, ``item`` and ``plugins`` (both plugin names) say
    which.
    """

    def __init__(self, kind: str, item: str, plugins: Sequence[str]) -> None:
        self.kind = kind
        self.item = item
        self.plugins = list(plugins)
        names = " and ".join(repr(p) for p in self.plugins)
        super().__init__(f"{kind} {item!r} is contributed by both {names}")


class TransitionError(QualitapaError, ValueError):
    """A lifecycle transition that the state machine does not allow."""

    def __init__(self, from_status: object, to_status: object, *, item: str | None = None) -> None:
        self.from_status = from_status
        self.to_status = to_status
        self.item = item
        f = getattr(from_status, "value", from_status)
        t = getattr(to_status, "value", to_status)
        prefix = f"{item}: " if item else ""
        super().__init__(f"{prefix}cannot go from {f!r} to {t!r}")


class QualitapaWarning(UserWarning):
    """Base class of the warnings qualitapa gives.

    Its text is English. One made by :func:`qualitapa.i18n.translatable`
    also has ``render``: ``render(translator)`` writes it in the
    translator's language (the command line shows notes so).
    """

    render: Callable[[Translator], str] | None = None


class DataWarning(QualitapaWarning):
    """The data were read with a change their author should know about.

    For example organization names turned into the catalog's codes. The
    command line prints these as notes on standard error.
    """


class PluginWarning(QualitapaWarning):
    """An installed plugin is broken and was skipped.

    It failed to import, a hook raised or returned something invalid, or it
    contributes an id another plugin contributes too. The message names the
    plugin and the problem, on one line; the command line prints it as
    ``Warning: ...`` on standard error.
    """
