"""Exceptions raised by qualitapa.

Every error the library raises on purpose is a :class:`QualitapaError`. The
subclasses also derive from the matching built-in exception, so code that
already catches ``ValueError`` or ``KeyError`` keeps working (the pattern of
``attrs.exceptions.FrozenError(AttributeError)``).

Errors carry *where* the fault is as structured fields, and say it in their
message, so a municipal clerk can open the file and fix the row.

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

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from qualitapa.i18n import Translator

__all__ = [
    "DataError",
    "DataWarning",
    "DefinitionError",
    "DelimiterError",
    "FormulaError",
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
        detail = message
        if token is not None:
            detail += f" (token {token!r}"
            detail += f" at position {position})" if position is not None else ")"
        if formula is not None:
            detail += f" in formula {formula!r}"
        super().__init__(detail, source=source, item=item, field=field)


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
        message = detail or f"unknown {kind} {value!r}"
        if self.suggestions:
            message += "; did you mean " + " or ".join(self.suggestions) + "?"
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
            msg += "; did you mean " + ", ".join(repr(s) for s in self.suggestions) + "?"
        super().__init__(msg)

    def __str__(self) -> str:  # KeyError quotes its message otherwise
        return str(self.args[0])


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
