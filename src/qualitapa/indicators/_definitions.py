"""Definitions contributed by plugins: raw variables, indicators and targets.

Examples
--------
>>> ind = IndicatorDefinition.from_mapping({
...     "id": "libraries.loans_per_inhabitant",
...     "label": {"it": "Prestiti per abitante", "en": "Loans per inhabitant"},
...     "service": "libraries", "dimension": "effectiveness",
...     "formula": "libraries.loans / population", "unit": "loans per inhabitant",
...     "polarity": "higher_is_better", "target": 1.5,
... })
>>> sorted(ind.variables)
['libraries.loans', 'population']
>>> str(ind.target)
'>= 1.5'
"""

from __future__ import annotations

import difflib
import enum
import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

from qualitapa.errors import DefinitionError
from qualitapa.indicators._formula import Formula
from qualitapa.models import (
    Comparator,
    Dimension,
    LocalScope,
    Polarity,
    Text,
    check_id,
    check_organizations,
    coerce_comparator,
    coerce_enum,
    from_mapping,
    to_optional_text,
    to_organizations,
    to_text,
)

if TYPE_CHECKING:
    from qualitapa.catalog import Catalog


def _dimension(value: Any) -> Dimension:
    return coerce_enum(Dimension, "dimension", value)


def _polarity(value: Any) -> Polarity:
    return coerce_enum(Polarity, "polarity", value)


def _periodicity(value: Any) -> Periodicity:
    return coerce_enum(Periodicity, "periodicity", value)


def _finite(instance: Any, attribute: attrs.Attribute[Any], value: float) -> None:
    if not math.isfinite(value):
        raise DefinitionError(f"must be a finite number, not {value!r}", field=attribute.name)


def _optional_id(instance: Any, attribute: attrs.Attribute[Any], value: str | None) -> None:
    if value is not None:
        check_id(instance, attribute, value)


@attrs.frozen
class Variable:
    """A raw variable that indicator formulas use (a count, an amount, hours...).

    Parameters
    ----------
    id
        The name formulas use, e.g. ``"registry.certificates"``.
    label
        Label in Italian and other languages.
    unit
        Unit of measure (``"count"``, ``"EUR"``, ``"hours"``...).
    service
        The service the variable belongs to, if any.
    description
        Description in Italian and other languages (how to count it, the source document).
    nonnegative
        Values below zero are impossible (counts, amounts): they are
        rejected by :func:`~qualitapa.indicators.compute`. Default True.
    integer
        Values are whole numbers (counts): fractional values are rejected
        by :func:`~qualitapa.indicators.compute` (``112.5`` loans is
        ``112.500`` read with the wrong thousands separator).

    Examples
    --------
    >>> v = Variable.from_mapping({"id": "registry.certificates",
    ...                            "label": {"it": "Certificati", "en": "Certificates"},
    ...                            "unit": "count", "service": "registry", "integer": True})
    >>> v.nonnegative, v.integer
    (True, True)
    """

    id: str = attrs.field(validator=check_id)
    label: Text = attrs.field(converter=to_text)
    unit: str = attrs.field(default="", validator=attrs.validators.instance_of(str))
    service: str | None = attrs.field(default=None, validator=_optional_id)
    description: Text | None = attrs.field(default=None, converter=to_optional_text)
    nonnegative: bool = attrs.field(default=True, validator=attrs.validators.instance_of(bool))
    integer: bool = attrs.field(default=False, validator=attrs.validators.instance_of(bool))

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any], *, source: str | None = None) -> Variable:
        """Build a Variable from a TOML table or dict."""
        return from_mapping(cls, mapping, source=source, kind="variable")


class Periodicity(enum.StrEnum):
    """How often an indicator is measured."""

    ANNUAL = "annual"
    SEMIANNUAL = "semiannual"
    QUARTERLY = "quarterly"
    MONTHLY = "monthly"


#: The comparators of an indicator target.
TARGET_COMPARATORS = (Comparator.GE, Comparator.GT, Comparator.LE, Comparator.LT, Comparator.EQ)


def _comparator(value: object) -> Comparator:
    return coerce_comparator(value, TARGET_COMPARATORS, field="comparator")


@attrs.frozen
class Target:
    """A target value and how values are compared with it.

    ``gap`` is signed so that a value meets the target exactly when its gap
    is ``>= 0`` (``> 0`` for the strict comparators): the margin by which the
    target is met, or (negative) the distance still to go.

    Parameters
    ----------
    comparator
        How a value is compared with ``value``: ``>=``, ``>``, ``<=``, ``<``
        or ``==`` (or a word: ``at_least``, ``at_most``, ``more_than``...).
    value
        The target value, in the indicator's (scaled) unit.

    Examples
    --------
    >>> import numpy as np
    >>> t = Target(">=", 33)
    >>> t.met(np.array([40.0, 20.0, np.nan])).tolist()
    [True, False, False]
    >>> t.gap(np.array([40.0, 20.0])).tolist()
    [7.0, -13.0]
    >>> Target.coerce("<= 10").gap(np.array([12.0])).tolist()
    [-2.0]
    """

    comparator: Comparator = attrs.field(converter=_comparator)
    value: float = attrs.field(converter=float, validator=_finite)

    def __str__(self) -> str:
        v = self.value
        return f"{self.comparator.value} {int(v) if v.is_integer() else v}"

    def met(self, values: Any) -> np.ndarray:
        """Whether each value meets the target (False where the value is NaN)."""
        v = np.asarray(values, dtype=np.float64)
        with np.errstate(invalid="ignore"):
            ops = {
                Comparator.GE: np.greater_equal,
                Comparator.GT: np.greater,
                Comparator.LE: np.less_equal,
                Comparator.LT: np.less,
                Comparator.EQ: np.equal,
            }
            return np.asarray(ops[self.comparator](v, self.value), dtype=bool)

    def gap(self, values: Any) -> np.ndarray:
        """Signed margin to the target: positive or zero means met (see class doc)."""
        v = np.asarray(values, dtype=np.float64)
        if self.comparator in (Comparator.GE, Comparator.GT):
            return v - self.value
        if self.comparator in (Comparator.LE, Comparator.LT):
            return self.value - v
        return -np.abs(v - self.value)

    @classmethod
    def coerce(cls, value: Any, *, polarity: Polarity | None = None) -> Target:
        """Build a Target from a Target, ``">= 33"``, ``{comparator, value}`` or a number.

        A bare number takes its comparator from ``polarity`` (``>=`` when
        higher is better, ``<=`` when lower is better).
        """
        if isinstance(value, Target):
            return value
        if isinstance(value, Mapping):
            unknown = set(value) - {"comparator", "value"}
            if unknown or "value" not in value:
                raise DefinitionError(
                    "a target is a table {comparator, value}"
                    + (f"; unknown key(s) {sorted(unknown)}" if unknown else ""),
                    field="target",
                )
            if "comparator" not in value:
                return cls.coerce(value["value"], polarity=polarity)
            try:
                return cls(value["comparator"], value["value"])
            except (TypeError, ValueError) as exc:
                if isinstance(exc, DefinitionError):
                    raise DefinitionError(exc.message, field="target") from None
                raise DefinitionError(f"invalid target value: {exc}", field="target") from None
        if isinstance(value, str):
            text = value.strip()
            for op in (">=", "<=", "==", ">", "<"):
                if text.startswith(op):
                    try:
                        return cls(op, float(text[len(op) :]))
                    except ValueError:
                        break
            raise DefinitionError(
                f"{value!r} is not a target; write e.g. '>= 33' or '<= 10'", field="target"
            )
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if polarity is None or polarity is Polarity.NEUTRAL:
                raise DefinitionError(
                    "a target given as a bare number needs a higher- or lower-is-better "
                    "polarity; write e.g. '>= 33'",
                    field="target",
                )
            op = ">=" if polarity is Polarity.HIGHER_IS_BETTER else "<="
            return cls(op, value)
        raise DefinitionError(f"{value!r} is not a target", field="target")

    def to_dict(self) -> dict[str, Any]:
        """``{"comparator": ..., "value": ...}``."""
        return {"comparator": self.comparator.value, "value": self.value}


def _formula_converter(value: Any, self_: Any) -> Formula:
    return Formula.parse(value, item=getattr(self_, "id", None))


def _target_converter(value: Any, self_: Any) -> Target | None:
    if value is None:
        return None
    return Target.coerce(value, polarity=getattr(self_, "polarity", None))


def _tags(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


def _nonzero(instance: Any, attribute: attrs.Attribute[Any], value: float) -> None:
    _finite(instance, attribute, value)
    if value == 0:
        raise DefinitionError("the scale must not be zero", field=attribute.name)


@attrs.frozen
class IndicatorDefinition(LocalScope):
    """An indicator: a formula over raw variables, with its meaning and polarity.

    Parameters
    ----------
    id
        Stable dotted id, e.g. ``"registry.certificates_per_fte"``.
    label
        Label in Italian and other languages.
    service
        The service the indicator belongs to.
    dimension
        :class:`~qualitapa.models.Dimension` (efficiency, effectiveness,
        quality, impact).
    formula
        A :class:`~qualitapa.indicators.Formula` or its text.
    polarity
        :class:`~qualitapa.models.Polarity`: which direction is better.
    unit
        Unit of the (scaled) value, e.g. ``"%"`` or ``"per 1,000 inhabitants"``.
    scale
        Multiplier applied to the formula value (100 for a percentage, 1000
        for "per 1,000 inhabitants"). Default 1.
    periodicity
        :class:`Periodicity`, annual by default.
    description
        Description in Italian and other languages.
    target
        Optional :class:`Target`; a bare number takes its comparator from
        the polarity.
    tags
        Free keywords.
    organizations
        Ids of the organizations the indicator applies to; empty (the
        default): all of them. An indicator with organizations is *local*
        (e.g. a city's own performance-plan indicator): :func:`compute`
        gives it for those organizations only and :func:`benchmark` never
        ranks it across organizations.

    Examples
    --------
    >>> ind = IndicatorDefinition(
    ...     "nurseries.coverage", Text("Copertura", "Coverage"), "nurseries",
    ...     "effectiveness", "nurseries.places / children_0_2", "higher_is_better",
    ...     unit="%", scale=100, target=">= 33")
    >>> ind.target.met([45.0]).tolist()
    [True]
    """

    id: str = attrs.field(validator=check_id)
    label: Text = attrs.field(converter=to_text)
    service: str = attrs.field(validator=check_id)
    dimension: Dimension = attrs.field(converter=_dimension)
    formula: Formula = attrs.field(
        converter=attrs.Converter(_formula_converter, takes_self=True)  # type: ignore[misc]
    )
    polarity: Polarity = attrs.field(converter=_polarity)
    unit: str = attrs.field(default="", validator=attrs.validators.instance_of(str))
    scale: float = attrs.field(default=1.0, converter=float, validator=_nonzero)
    periodicity: Periodicity = attrs.field(default=Periodicity.ANNUAL, converter=_periodicity)
    description: Text | None = attrs.field(default=None, converter=to_optional_text)
    target: Target | None = attrs.field(
        default=None,
        converter=attrs.Converter(_target_converter, takes_self=True),  # type: ignore[misc]
    )
    tags: tuple[str, ...] = attrs.field(default=(), converter=_tags)
    organizations: tuple[str, ...] = attrs.field(
        default=(), converter=to_organizations, validator=check_organizations
    )

    @property
    def variables(self) -> frozenset[str]:
        """The variables the formula needs."""
        return self.formula.variables

    @classmethod
    def from_mapping(
        cls, mapping: Mapping[str, Any], *, source: str | None = None
    ) -> IndicatorDefinition:
        """Build an indicator from a TOML table or dict.

        Raises
        ------
        FormulaError
            The formula is outside the formula language (naming the
            indicator, the token and its position).
        DefinitionError
            Any other invalid or missing field.
        """
        data = dict(mapping) if isinstance(mapping, Mapping) else mapping
        if isinstance(data, dict) and isinstance(data.get("formula"), str):
            item = data.get("id")
            data["formula"] = Formula.parse(
                data["formula"], item=str(item) if item else None, source=source
            )
        return from_mapping(cls, data, source=source, kind="indicator")

    def to_dict(self) -> dict[str, Any]:
        """A plain dict (TOML-ready) of the definition."""
        out: dict[str, Any] = {
            "id": self.id,
            "label": self.label.to_dict(),
            "service": self.service,
            "dimension": self.dimension.value,
            "formula": self.formula.text,
            "polarity": self.polarity.value,
            "unit": self.unit,
            "scale": self.scale,
            "periodicity": self.periodicity.value,
        }
        if self.description is not None:
            out["description"] = self.description.to_dict()
        if self.target is not None:
            out["target"] = self.target.to_dict()
        if self.tags:
            out["tags"] = list(self.tags)
        if self.organizations:
            out["organizations"] = list(self.organizations)
        return out

    def check(self, catalog: Catalog) -> list[Any]:
        """Problems with this definition in ``catalog`` (for ``qualitapa plugin check``).

        * Variables the formula uses that no plugin declares (only when the
          catalog declares variables at all; ``population`` and the
          organizations' attributes count as declared), one problem each,
          suggesting the closest declared variable first (a misspelt name
          is likelier than a new variable) and only then to declare it.
        * A target whose direction contradicts the polarity (warning).
        """
        from qualitapa.catalog import Problem
        from qualitapa.problems import Rule

        problems: list[Any] = []
        declared = set(catalog.variables) if len(catalog.variables) else None
        if declared is not None:
            declared |= organization_variables(catalog.organizations.values())
            for name in sorted(self.variables - declared):
                close = difflib.get_close_matches(name, sorted(declared), n=1, cutoff=0.6)
                declare = f"declare {name!r} in [[variables]]"
                problems.append(
                    Problem(
                        None,
                        "indicator",
                        self.id,
                        f"the formula uses {name!r}, which no plugin declares as a variable",
                        field="formula",
                        value=name,
                        rule=Rule.UNKNOWN_VALUE,
                        suggestion=(
                            f"did you mean {close[0]!r} (declared)? If not, {declare}"
                            if close
                            else declare
                        ),
                    )
                )
        if self.organizations:
            known = getattr(catalog, "organizations", {})
            unknown = [o for o in self.organizations if o not in known]
            if unknown:
                problems.append(
                    Problem(
                        None,
                        "indicator",
                        self.id,
                        f"organizations {unknown} are not registered by any plugin; a local "
                        "indicator lists the ids of the organizations it applies to",
                    )
                )
        if self.target is not None:
            up = self.target.comparator in (Comparator.GE, Comparator.GT)
            down = self.target.comparator in (Comparator.LE, Comparator.LT)
            if (up and self.polarity is Polarity.LOWER_IS_BETTER) or (
                down and self.polarity is Polarity.HIGHER_IS_BETTER
            ):
                problems.append(
                    Problem(
                        None,
                        "indicator",
                        self.id,
                        f"target '{self.target}' points against the polarity "
                        f"{self.polarity.value!r}",
                        "warning",
                    )
                )
        return problems


def organization_variables(organizations: Sequence[Any] | Any) -> set[str]:
    """Names of the variables organization records offer (``population``, attributes)."""
    names = {"population"}
    for org in organizations:
        names |= set(getattr(org, "attributes", {}) or {})
    return names
