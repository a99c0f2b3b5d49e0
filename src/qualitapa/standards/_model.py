"""Quality standards (standard di qualità) and their building blocks.

The quality dimensions follow the Italian public-sector taxonomy (CiVIT,
delibera 88/2010, "Linee guida per la definizione degli standard di qualità"):

=================  ==============================================================
dimension          sub-dimensions
=================  ==============================================================
accessibility      physical, multichannel
timeliness         (none)
transparency       responsible_officers, contact_procedures, answer_times, charges
effectiveness      compliance, reliability, completeness
=================  ==============================================================

A standard measures either an indicator of the catalog (``indicator``) or
its own ``formula`` in the indicators' formula language, and commits to a
target. A *general* standard is met on average over all deliveries (an
indicator value per organization and period); a *specific* standard is a
threshold every single delivery must meet, which a citizen can check
personally, and may carry an automatic refund (indennizzo) for each
delivery that misses it.

A standard applies to every organization unless it names its
``organizations``: a *local* standard (e.g. a city's stricter charter
target). A local standard that ``replaces`` a general one takes its place
for those organizations only; the general one still applies to the others.
"""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

from qualitapa.errors import DefinitionError, FormulaError
from qualitapa.models import (
    Comparator,
    LocalScope,
    Text,
    check_id,
    check_organizations,
    coerce_comparator,
    coerce_enum,
    from_mapping,
    optional_enum,
    to_optional_text,
    to_organizations,
    to_text,
)

if TYPE_CHECKING:
    from qualitapa.catalog import Catalog


class _LabelledEnum(enum.StrEnum):
    """A string enum whose members have a multilingual ``label`` (in ``_LABELS``)."""

    @property
    def label(self) -> Text:
        """Name in Italian and other languages."""
        return _LABELS[type(self)][self]


class QualityDimension(_LabelledEnum):
    """The four quality dimensions of the Italian public sector."""

    ACCESSIBILITY = "accessibility"
    TIMELINESS = "timeliness"
    TRANSPARENCY = "transparency"
    EFFECTIVENESS = "effectiveness"


class SubDimension(_LabelledEnum):
    """Sub-dimensions of accessibility, transparency and effectiveness."""

    PHYSICAL = "physical"
    MULTICHANNEL = "multichannel"
    RESPONSIBLE_OFFICERS = "responsible_officers"
    CONTACT_PROCEDURES = "contact_procedures"
    ANSWER_TIMES = "answer_times"
    CHARGES = "charges"
    COMPLIANCE = "compliance"
    RELIABILITY = "reliability"
    COMPLETENESS = "completeness"

    @property
    def dimension(self) -> QualityDimension:
        """The dimension this sub-dimension belongs to."""
        for dim, subs in SUB_DIMENSIONS.items():
            if self in subs:
                return dim
        raise AssertionError(self)  # pragma: no cover - table is complete


#: Which sub-dimensions each dimension has.
SUB_DIMENSIONS: dict[QualityDimension, tuple[SubDimension, ...]] = {
    QualityDimension.ACCESSIBILITY: (SubDimension.PHYSICAL, SubDimension.MULTICHANNEL),
    QualityDimension.TIMELINESS: (),
    QualityDimension.TRANSPARENCY: (
        SubDimension.RESPONSIBLE_OFFICERS,
        SubDimension.CONTACT_PROCEDURES,
        SubDimension.ANSWER_TIMES,
        SubDimension.CHARGES,
    ),
    QualityDimension.EFFECTIVENESS: (
        SubDimension.COMPLIANCE,
        SubDimension.RELIABILITY,
        SubDimension.COMPLETENESS,
    ),
}

_DIMENSION_LABELS = {
    QualityDimension.ACCESSIBILITY: Text("Accessibilità", "Accessibility", "Zugänglichkeit"),
    QualityDimension.TIMELINESS: Text("Tempestività", "Timeliness", "Rechtzeitigkeit"),
    QualityDimension.TRANSPARENCY: Text("Trasparenza", "Transparency", "Transparenz"),
    QualityDimension.EFFECTIVENESS: Text("Efficacia", "Effectiveness", "Wirksamkeit"),
}
_SUB_LABELS = {
    SubDimension.PHYSICAL: Text(
        "Accessibilità fisica", "Physical accessibility", "Physische Zugänglichkeit"
    ),
    SubDimension.MULTICHANNEL: Text(
        "Accessibilità multicanale", "Multichannel accessibility", "Zugang über mehrere Kanäle"
    ),
    SubDimension.RESPONSIBLE_OFFICERS: Text(
        "Responsabili", "Responsible officers", "Verantwortliche"
    ),
    SubDimension.CONTACT_PROCEDURES: Text(
        "Procedure di contatto", "Contact procedures", "Kontaktverfahren"
    ),
    SubDimension.ANSWER_TIMES: Text("Tempistiche di risposta", "Answer times", "Antwortzeiten"),
    SubDimension.CHARGES: Text(
        "Eventuali spese a carico dell'utente", "Charges to the user", "Kosten für die Nutzer"
    ),
    SubDimension.COMPLIANCE: Text("Conformità", "Compliance", "Konformität"),
    SubDimension.RELIABILITY: Text("Affidabilità", "Reliability", "Zuverlässigkeit"),
    SubDimension.COMPLETENESS: Text("Compiutezza", "Completeness", "Vollständigkeit"),
}
_LABELS: dict[type[_LabelledEnum], Mapping[Any, Text]] = {
    QualityDimension: _DIMENSION_LABELS,
    SubDimension: _SUB_LABELS,
}


class Scope(enum.StrEnum):
    """``general``: met on average; ``specific``: each delivery must meet it."""

    GENERAL = "general"
    SPECIFIC = "specific"


class Aggregate(enum.StrEnum):
    """How per-delivery values become one value for a general standard."""

    MEAN = "mean"
    MEDIAN = "median"
    MAX = "max"
    MIN = "min"
    P90 = "p90"
    SUM = "sum"


#: The comparators of a charter standard's target.
STANDARD_COMPARATORS = (Comparator.GE, Comparator.LE, Comparator.EQ, Comparator.BETWEEN)


def _comparator(value: object) -> Comparator:
    return coerce_comparator(value, STANDARD_COMPARATORS, field="target")


def _finite(instance: Any, attribute: attrs.Attribute[Any], value: float | None) -> None:
    if value is not None and not math.isfinite(value):
        raise DefinitionError(f"{attribute.name} must be a finite number", field="target")


def _opt_float(value: Any) -> float | None:
    return None if value is None else float(value)


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


@attrs.frozen
class StandardTarget:
    """The target of a standard: a comparator and a value (two for ``between``).

    ``margin`` is signed so that a value meets the target exactly when its
    margin is ``>= 0``: by how much the target is met or (negative) missed.
    For ``==`` the margin is ``tolerance - |value - target|``; for
    ``between`` it is the distance to the nearer bound.

    Parameters
    ----------
    comparator
        ``>=``, ``<=``, ``==`` or ``between`` (or a word: ``at_least``,
        ``at_most``, ``equal``...).
    value
        The target value in the standard's unit; the lower bound for
        ``between``.
    upper
        The upper bound, for ``between`` only.
    tolerance
        For ``==``: how far a value may be from ``value`` and still meet it
        (default 0).

    Examples
    --------
    >>> import numpy as np
    >>> t = StandardTarget.coerce(">= 90")
    >>> t.margin(np.array([95.0, 80.0])).tolist()
    [5.0, -10.0]
    >>> b = StandardTarget("between", 5, upper=10)
    >>> b.met(np.array([4.0, 7.0, 10.0, np.nan])).tolist()
    [False, True, True, False]
    >>> str(b), str(StandardTarget("==", 100, tolerance=0.5))
    ('between 5 and 10', '== 100 (± 0.5)')
    """

    comparator: Comparator = attrs.field(converter=_comparator)
    value: float = attrs.field(converter=float, validator=_finite)
    upper: float | None = attrs.field(default=None, converter=_opt_float, validator=_finite)
    tolerance: float = attrs.field(default=0.0, converter=float, validator=_finite)

    def __attrs_post_init__(self) -> None:
        if self.comparator is Comparator.BETWEEN:
            if self.upper is None or self.upper < self.value:
                raise DefinitionError(
                    "a 'between' target needs an upper bound not below the lower one",
                    field="target",
                )
        elif self.upper is not None:
            raise DefinitionError("only a 'between' target has an upper bound", field="target")
        if self.tolerance < 0:
            raise DefinitionError("tolerance must not be negative", field="target")

    def __str__(self) -> str:
        if self.comparator is Comparator.BETWEEN:
            return f"between {_fmt(self.value)} and {_fmt(self.upper or 0.0)}"
        text = f"{self.comparator.value} {_fmt(self.value)}"
        return text + (f" (± {_fmt(self.tolerance)})" if self.tolerance else "")

    def describe(self, lang: str = "it", unit: Any = None) -> str:
        """The target in words, in ``lang``: ``almeno 90``, ``at most 10 minutes``.

        ``unit`` (a unit id or label, e.g. the standard's) follows the number in
        the singular or plural it needs. The charters word their targets this way.

        Examples
        --------
        >>> StandardTarget.coerce("<= 10").describe("it", "minutes")
        'al massimo 10 minuti'
        >>> StandardTarget.coerce("between 5 and 10").describe("it")
        'tra 5 e 10'
        """
        from qualitapa.i18n import translator
        from qualitapa.standards._view import target_words

        return target_words(translator(lang), self, unit)

    def margin(self, values: Any) -> np.ndarray:
        """Signed margin of each value (NaN stays NaN)."""
        v = np.asarray(values, dtype=np.float64)
        if self.comparator is Comparator.GE:
            return v - self.value
        if self.comparator is Comparator.LE:
            return self.value - v
        if self.comparator is Comparator.EQ:
            return self.tolerance - np.abs(v - self.value)
        return np.minimum(v - self.value, (self.upper or 0.0) - v)

    def met(self, values: Any) -> np.ndarray:
        """Whether each value meets the target (False where the value is NaN)."""
        with np.errstate(invalid="ignore"):
            return np.asarray(self.margin(values) >= 0, dtype=bool)

    def excess(self, values: Any) -> np.ndarray:
        """How far each value is past the target, in its unit (0 when met, NaN if missing)."""
        return np.maximum(-self.margin(values), 0.0)

    @classmethod
    def coerce(cls, value: Any) -> StandardTarget:
        """Build from a StandardTarget, ``">= 90"``, ``"between 5 and 10"`` or a table.

        A table has ``comparator`` and ``value`` (a two-item list for
        ``between``, or ``value`` and ``upper``) and optional ``tolerance``.
        """
        if isinstance(value, StandardTarget):
            return value
        if isinstance(value, str):
            text = value.strip()
            m = re.fullmatch(r"between\s+(\S+)\s+and\s+(\S+)", text, flags=re.IGNORECASE)
            if m:
                return cls("between", _number(m.group(1)), upper=_number(m.group(2)))
            for op in (">=", "<=", "=="):
                if text.startswith(op):
                    return cls(op, _number(text[len(op) :]))
            raise DefinitionError(
                f"cannot read target {value!r}; write e.g. '>= 90', '<= 10', 'between 5 and 10'",
                field="target",
            )
        if isinstance(value, Mapping):
            unknown = set(value) - {"comparator", "value", "upper", "tolerance"}
            if unknown or "comparator" not in value or "value" not in value:
                raise DefinitionError(
                    "a target is a table {comparator, value[, upper, tolerance]}"
                    + (f"; unknown key(s) {sorted(unknown)}" if unknown else ""),
                    field="target",
                )
            v = value["value"]
            upper = value.get("upper")
            if isinstance(v, (list, tuple)):
                if len(v) != 2 or upper is not None:
                    raise DefinitionError(
                        "a 'between' target value is a list [lower, upper]", field="target"
                    )
                v, upper = v
            return cls(
                value["comparator"], _number(v), upper=upper, tolerance=value.get("tolerance", 0)
            )
        raise DefinitionError(f"cannot read target {value!r}", field="target")


def _number(value: Any) -> float:
    try:
        out = float(str(value).strip().replace(",", ".")) if isinstance(value, str) else value
        return float(out)
    except (TypeError, ValueError):
        raise DefinitionError(f"{value!r} is not a number", field="target") from None


def _nonneg(instance: Any, attribute: attrs.Attribute[Any], value: float | None) -> None:
    if value is not None and (not math.isfinite(value) or value < 0):
        raise DefinitionError(f"{attribute.name} must be a non-negative number", field="refund")


@attrs.frozen
class RefundRule:
    """Automatic refund (indennizzo automatico) for a delivery missing a specific standard.

    For each delivery that misses the threshold the citizen is owed
    ``amount + per_unit * ceil(excess / unit_size)``, at most ``cap``,
    where ``excess`` is how far the delivery is past the threshold in the
    standard's unit (e.g. days of delay).

    Parameters
    ----------
    amount
        Fixed amount owed for a missed delivery (default 0).
    per_unit
        Amount owed for each started ``unit_size`` of excess (default 0);
        ``amount`` or ``per_unit`` must be positive.
    unit_size
        Size of one unit of excess, in the standard's unit (default 1,
        e.g. one day).
    cap
        Highest amount owed for one delivery (optional: no cap).
    currency
        ISO 4217 code of the amounts (default ``EUR``).
    description
        The refund in words for the charter (otherwise the amounts are
        worded), in Italian and other languages.

    Examples
    --------
    >>> import numpy as np
    >>> r = RefundRule(amount=10, per_unit=5, unit_size=1, cap=30)
    >>> r.amounts(np.array([0.0, 0.5, 3.0, 10.0])).tolist()
    [0.0, 15.0, 25.0, 30.0]
    """

    amount: float = attrs.field(default=0.0, converter=float, validator=_nonneg)
    per_unit: float = attrs.field(default=0.0, converter=float, validator=_nonneg)
    unit_size: float = attrs.field(default=1.0, converter=float, validator=_nonneg)
    cap: float | None = attrs.field(default=None, converter=_opt_float, validator=_nonneg)
    currency: str = "EUR"
    description: Text | None = attrs.field(default=None, converter=to_optional_text)

    def __attrs_post_init__(self) -> None:
        if self.amount == 0 and self.per_unit == 0:
            raise DefinitionError("a refund needs an amount or a per_unit amount", field="refund")
        if self.unit_size == 0:
            raise DefinitionError("unit_size must be positive", field="refund")

    def amounts(self, excess: Any) -> np.ndarray:
        """Refund owed for each excess (0 where the excess is 0 or missing)."""
        e = np.asarray(excess, dtype=np.float64)
        due = np.nan_to_num(e, nan=0.0) > 0
        units = np.ceil(np.where(due, e, 0.0) / self.unit_size)
        out = np.where(due, self.amount + self.per_unit * units, 0.0)
        if self.cap is not None:
            out = np.minimum(out, self.cap)
        return out

    def describe(self, unit: Any = None, lang: str = "it") -> str:
        """The refund in words, in ``lang``: its description, else the amounts.

        Examples
        --------
        >>> words = RefundRule(amount=10, per_unit=5, unit_size=1, cap=30).describe("days")
        >>> words.replace("\\xa0", " ")  # amounts keep their euro sign with a no-break space
        '10 € + 5 € ogni 1 giorno (al massimo 30 €)'
        """
        from qualitapa.i18n import translator
        from qualitapa.standards._view import refund_words

        return refund_words(translator(lang), self, unit)

    @classmethod
    def coerce(cls, value: Any) -> RefundRule:
        """Build from a RefundRule or a table of its fields."""
        if isinstance(value, RefundRule):
            return value
        if isinstance(value, Mapping):
            return from_mapping(cls, value, kind="refund rule")
        raise DefinitionError(f"a refund is a table, not {value!r}", field="refund")


_BARE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$")


def formula_variables(text: str, *, item: str | None = None) -> frozenset[str]:
    """Variables of a standard's formula (a bare column name needs no parser)."""
    if _BARE_NAME.fullmatch(text.strip()):
        return frozenset({text.strip()})
    from qualitapa.indicators import Formula

    return Formula.parse(text, item=item).variables


def evaluate_formula(
    text: str, columns: Mapping[str, Any], *, item: str | None = None
) -> np.ndarray:
    """Evaluate a standard's formula over ``columns`` (float array, NaN where missing)."""
    name = text.strip()
    if _BARE_NAME.fullmatch(name):
        return np.asarray(columns[name], dtype=np.float64)
    from qualitapa.indicators import Formula

    return np.asarray(Formula.parse(text, item=item).evaluate(columns), dtype=np.float64)


def _to_dimension(value: Any) -> QualityDimension:
    return coerce_enum(QualityDimension, "dimension", value)


def _to_sub_dimension(value: Any) -> SubDimension | None:
    return optional_enum(SubDimension, "sub_dimension", value)


def _to_scope(value: Any) -> Scope:
    return coerce_enum(Scope, "scope", value)


def _to_aggregate(value: Any) -> Aggregate:
    return coerce_enum(Aggregate, "aggregate", value)


def _to_target(value: Any) -> StandardTarget:
    return StandardTarget.coerce(value)


def _to_opt_refund(value: Any) -> RefundRule | None:
    return None if value is None else RefundRule.coerce(value)


def _check_opt_id(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None:
        try:
            check_id(instance, attribute, value)
        except DefinitionError as exc:  # the item is the standard, not the id it names
            raise DefinitionError(exc.message, field=attribute.name) from None


@attrs.frozen
class QualityStandard(LocalScope):
    """A quality standard of a service charter.

    Parameters
    ----------
    id
        Stable id, e.g. ``"registry.certificate_wait"``.
    service
        The service it belongs to.
    dimension, sub_dimension
        Quality dimension and (where the dimension has them) sub-dimension.
    label, description
        Name and description in Italian and other languages.
    target
        A :class:`StandardTarget`, or text such as ``">= 90"``.
    indicator
        The catalog indicator that measures the standard (give it or
        ``formula``).
    formula
        Instead of ``indicator``: the standard's own formula (indicators'
        formula language) over indicator ids and raw variables (general
        standards) or the columns of the delivery records (specific standards;
        e.g. ``waiting_minutes``).
    unit
        Unit of the measured value (e.g. ``"%"``, ``"days"``).
    scope
        ``general`` or ``specific``.
    aggregate
        For a general standard measured from delivery records: how they
        are summarised per organization and period (mean by default).
    required_share
        For a specific standard: the share of deliveries that must meet
        the threshold for the standard to count as met (1.0: all).
    refund
        A :class:`RefundRule` (specific standards only).
    organizations
        Ids of the organizations the standard applies to; empty (the
        default): all of them. A standard with organizations is *local*.
    replaces
        For a local standard: the id of the general standard it replaces
        for its ``organizations`` (e.g. a city's stricter target for a
        standard of a service plugin). :func:`compliance`,
        :func:`refunds_due` and the charter renderers then use this
        standard, not the general one, for those organizations. Derive it
        with :meth:`local_variant`.

    Examples
    --------
    >>> s = QualityStandard.from_mapping({
    ...     "id": "registry.wait", "service": "registry", "dimension": "timeliness",
    ...     "label": {"it": "Attesa allo sportello", "en": "Waiting time at the counter"},
    ...     "formula": "waiting_minutes", "unit": "minutes", "target": "<= 20",
    ...     "scope": "specific", "refund": {"amount": 5}})
    >>> s.scope, str(s.target), s.variables
    (<Scope.SPECIFIC: 'specific'>, '<= 20', frozenset({'waiting_minutes'}))
    """

    id: str = attrs.field(validator=check_id)
    service: str = attrs.field(validator=attrs.validators.instance_of(str))
    dimension: QualityDimension = attrs.field(converter=_to_dimension)
    label: Text = attrs.field(converter=to_text)
    target: StandardTarget = attrs.field(converter=_to_target)
    indicator: str | None = None
    formula: str | None = None
    sub_dimension: SubDimension | None = attrs.field(default=None, converter=_to_sub_dimension)
    description: Text | None = attrs.field(default=None, converter=to_optional_text)
    unit: str | None = None
    scope: Scope = attrs.field(default=Scope.GENERAL, converter=_to_scope)
    aggregate: Aggregate = attrs.field(default=Aggregate.MEAN, converter=_to_aggregate)
    required_share: float = attrs.field(default=1.0, converter=float)
    refund: RefundRule | None = attrs.field(default=None, converter=_to_opt_refund)
    organizations: tuple[str, ...] = attrs.field(
        default=(), converter=to_organizations, validator=check_organizations
    )
    replaces: str | None = attrs.field(default=None, validator=_check_opt_id)

    def __attrs_post_init__(self) -> None:
        if self.replaces is not None:
            if self.replaces == self.id:
                raise DefinitionError(
                    "a standard cannot replace itself; give the local standard its own id "
                    "(e.g. 'modena.std.wait') and the general one's id in 'replaces'",
                    item=self.id,
                    field="replaces",
                )
            if not self.organizations:
                raise DefinitionError(
                    "a standard that replaces another one needs the 'organizations' it "
                    "applies to (to replace it everywhere, use an override)",
                    item=self.id,
                    field="organizations",
                )
        if (self.indicator is None) == (self.formula is None):
            raise DefinitionError(
                "a standard is measured by either an 'indicator' or a 'formula' (one of them)",
                item=self.id,
                field="indicator",
            )
        if self.sub_dimension is not None and self.sub_dimension.dimension is not self.dimension:
            allowed = [s.value for s in SUB_DIMENSIONS[self.dimension]] or "none"
            raise DefinitionError(
                f"sub-dimension {self.sub_dimension.value!r} belongs to "
                f"{self.sub_dimension.dimension.value!r}, not {self.dimension.value!r} "
                f"(allowed: {allowed})",
                item=self.id,
                field="sub_dimension",
            )
        if self.refund is not None and self.scope is not Scope.SPECIFIC:
            raise DefinitionError(
                "only a specific standard (scope = 'specific') can carry an automatic refund",
                item=self.id,
                field="refund",
            )
        if not 0 < self.required_share <= 1:
            raise DefinitionError(
                "required_share must be in (0, 1]", item=self.id, field="required_share"
            )
        if self.scope is Scope.SPECIFIC and self.formula is None:
            raise DefinitionError(
                "a specific standard is checked on each delivery: give a 'formula' over the "
                "delivery record columns (e.g. 'waiting_minutes')",
                item=self.id,
                field="formula",
            )
        if self.formula is not None:
            try:
                formula_variables(self.formula, item=self.id)
            except FormulaError as exc:
                raise FormulaError(
                    exc.message, item=self.id, field="formula", source=exc.source
                ) from exc

    def local_variant(self, *, id: str, organizations: Any, **changes: Any) -> QualityStandard:
        """A local copy of this standard that replaces it for ``organizations``.

        Every field not in ``changes`` is copied (:func:`attrs.evolve`);
        ``replaces`` is set to this standard's id (or, if this standard is
        itself a local one, to the general standard it replaces). Restate
        the label and description if they quote the target.

        Parameters
        ----------
        id
            Id of the local standard (start it with the city's name, e.g.
            ``"modena.std.served_within_10min"``).
        organizations
            The organizations it applies to.
        **changes
            Other fields to change, e.g. ``target=">= 90"``.

        Examples
        --------
        >>> general = QualityStandard("registry.std.wait", "registry", "timeliness",
        ...     "80% entro 10 minuti", ">= 80", indicator="registry.within_10min", unit="%")
        >>> mo = general.local_variant(id="modena.std.wait", organizations=["036023"],
        ...                            target=">= 90", label="90% entro 10 minuti")
        >>> mo.replaces, mo.organizations, str(mo.target), mo.indicator
        ('registry.std.wait', ('036023',), '>= 90', 'registry.within_10min')
        """
        changes.setdefault("replaces", self.replaces or self.id)
        return attrs.evolve(self, id=id, organizations=organizations, **changes)

    @property
    def variables(self) -> frozenset[str]:
        """Names the formula needs (or the indicator id)."""
        if self.formula is not None:
            return formula_variables(self.formula, item=self.id)
        return frozenset({self.indicator or ""})

    @classmethod
    def from_mapping(
        cls, mapping: Mapping[str, Any], *, source: str | None = None
    ) -> QualityStandard:
        """Build a standard from a TOML table or dict (errors name source, item, field)."""
        return from_mapping(
            cls,
            mapping,
            source=source,
            kind="quality standard",
            converters={
                "target": StandardTarget.coerce,
                "refund": RefundRule.coerce,
                "label": Text.coerce,
                "description": Text.coerce,
            },
        )

    def check(self, catalog: Catalog) -> list[Any]:
        """Problems found against ``catalog``: the indicator must exist.

        Formula names are checked against the catalog's indicators and
        variables for general standards (delivery columns of specific
        standards cannot be known in advance). A local standard's
        organizations must be registered, and the standard it replaces must
        exist, belong to the same service, have the same scope and (a
        warning) measure the same thing; two local standards must not
        replace the same standard for the same organization.
        """
        from qualitapa.catalog import Problem

        problems: list[Any] = []
        indicators = getattr(catalog, "indicators", {})
        if self.indicator is not None and self.indicator not in indicators:
            problems.append(f"indicator {self.indicator!r} is not defined by any plugin")
        problems += self._check_scope(catalog)
        if self.formula is not None and self.scope is Scope.GENERAL:
            known = set(indicators) | set(getattr(catalog, "variables", {}))
            unknown = sorted(self.variables - known)
            if unknown:
                problems.append(
                    Problem(
                        None,
                        "quality standard",
                        self.id,
                        f"formula uses {unknown}, which are neither indicators nor declared "
                        "variables; values must then come from delivery records",
                        "warning",
                    )
                )
        return problems

    def _check_scope(self, catalog: Catalog) -> list[Any]:
        from qualitapa.catalog import Problem

        problems: list[Any] = []
        known_orgs = getattr(catalog, "organizations", {})
        unknown = [o for o in self.organizations if o not in known_orgs]
        if unknown:
            problems.append(f"organization(s) {unknown} are not registered by any plugin")
        if self.replaces is None:
            return problems
        standards = getattr(catalog, "standards", {})
        base = standards.get(self.replaces)
        if base is None:
            problems.append(f"replaces standard {self.replaces!r}, which no plugin defines")
            return problems
        if base.service != self.service:
            problems.append(
                f"replaces {base.id!r} of service {base.service!r} but belongs to {self.service!r}"
            )
        if base.scope is not self.scope:
            problems.append(
                f"replaces the {base.scope.value} standard {base.id!r} but is {self.scope.value}"
            )
        if (base.indicator, base.formula) != (self.indicator, self.formula):
            problems.append(
                Problem(
                    None,
                    "quality standard",
                    self.id,
                    f"measures {self.indicator or self.formula!r}, the standard it replaces "
                    f"({base.id!r}) {base.indicator or base.formula!r}: the cities' results "
                    "are not comparable",
                    "warning",
                )
            )
        if base.organizations and not set(self.organizations) <= set(base.organizations):
            problems.append(
                f"replaces {base.id!r}, which does not apply to "
                f"{sorted(set(self.organizations) - set(base.organizations))}"
            )
        for other in standards.values():
            if other.id != self.id and other.replaces == self.replaces:
                both = sorted(set(other.organizations) & set(self.organizations))
                if both:
                    problems.append(f"{other.id!r} also replaces {self.replaces!r} for {both}")
        return problems
