"""Options of the composite functions: enum members and number pairs from what users write."""

from __future__ import annotations

import enum
from typing import Any, TypeVar

from qualitapa.errors import DefinitionError, Message
from qualitapa.i18n import N_

E = TypeVar("E", bound=enum.StrEnum)


def choice(kind: type[E], value: Any, name: str) -> E:
    """The member of ``kind`` that ``value`` is or names.

    Raises
    ------
    DefinitionError
        ``value`` names no member; the message lists the allowed values.

    Examples
    --------
    >>> from qualitapa.composite import Aggregator
    >>> choice(Aggregator, "geometric", "aggregator")
    <Aggregator.GEOMETRIC: 'geometric'>
    >>> choice(Aggregator, "median", "aggregator")
    Traceback (most recent call last):
    ...
    qualitapa.errors.DefinitionError: unknown aggregator 'median'; use one of 'arithmetic', ...
    """
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(repr(v.value) for v in kind)
        raise DefinitionError(
            Message(
                "unknown {name} {value}; use one of {allowed}",
                N_("{name} {value} sconosciuto; usare uno tra {allowed}"),
                name=name,
                value=repr(value),
                allowed=allowed,
            )
        ) from None


def float_pair(value: Any, name: str, shape: str) -> tuple[float, float]:
    """Two numbers from a pair; ``shape`` says what they are (e.g. ``"[min, max]"``).

    Examples
    --------
    >>> float_pair(["0", 10], "goalposts", "[min, max]")
    (0.0, 10.0)
    >>> float_pair(3, "goalposts", "[min, max]")
    Traceback (most recent call last):
    ...
    qualitapa.errors.DefinitionError: field 'goalposts': goalposts must be [min, max], not 3
    """
    try:
        lo, hi = (float(v) for v in value)
    except (TypeError, ValueError):
        raise DefinitionError(
            Message(
                "{name} must be {shape}, not {value}",
                N_("{name} deve essere {shape}, non {value}"),
                name=name,
                shape=shape,
                value=repr(value),
            ),
            field=name,
        ) from None
    return lo, hi
