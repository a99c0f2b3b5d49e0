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

from qualitapa.errors import DefinitionError, Either, Message
from qualitapa.i18n import N_
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
        raise DefinitionError(
            Message(
                "must be a finite number, not {value}",
                N_("deve essere un numero finito, non {value}"),
                value=repr(value),
            ),
            field=attribute.name,
        )


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
                    Message(
                        "a target is a table {{comparator, value}}; unknown key(s): {keys}",
                        N_(
                            "un obiettivo è una tabella {{comparator, value}}; chiavi "
                            "sconosciute: {keys}"
                        ),
                        keys=", ".join(map(repr, sorted(unknown))),
                    )
                    if unknown
                    else Message(
                        "a target is a table {{comparator, value}}",
                        N_("un obiettivo è una tabella {{comparator, value}}"),
                    ),
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
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            if polarity is None or polarity is Polarity.NEUTRAL:
                raise DefinitionError(
                    Message(
                        "a target given as a bare number needs a higher- or lower-is-better "
                        "polarity; write e.g. '>= 33'",
                        N_(
                            "un obiettivo dato come solo numero richiede una polarità (più alto "
                            "o più basso è meglio); scrivere per esempio '>= 33'"
                        ),
                    ),
                    field="target",
                )
            op = ">=" if polarity is Polarity.HIGHER_IS_BETTER else "<="
            return cls(op, value)
        raise DefinitionError(
            Message(
                "{value} is not a target; write e.g. '>= 33' or '<= 10'",
                N_("{value} non è un obiettivo; scrivere per esempio '>= 33' o '<= 10'"),
                value=repr(value),
            ),
            field="target",
        )

    def to_dict(self) -> dict[str, Any]:
        """``{"comparator": ..., "value": ...}``."""
        return {"comparator": self.comparator.value, "value": self.value}


#: The source types of an indicator measured outside the raw variables.
SOURCE_TYPES = ("survey", "complaints")

#: The complaint KPIs (columns of :func:`qualitapa.complaints.kpis`) an indicator may
#: take, with the column counting its cases (``n``) and its interval: ``"wilson"``
#: (a share: successes / n), ``"poisson"`` (a rate per 10,000 inhabitants: received
#: complaints are Poisson counts) or ``None`` (days: no interval).
COMPLAINT_KPIS: dict[str, tuple[str, str | None, str | None]] = {
    "share_within_deadline": ("answered", "wilson", "answered_within_deadline"),
    "reopening_rate": ("answered", "wilson", "reopened"),
    "share_forwarded": ("received", "wilson", "forwarded"),
    "share_rejected": ("received", "wilson", "rejected"),
    "share_founded": ("received", "wilson", "founded"),
    "per_10000": ("received", "poisson", "received"),
    "mean_answer_days": ("answered", None, None),
    "median_answer_days": ("answered", None, None),
    "p90_answer_days": ("answered", None, None),
    "mean_answer_working_days": ("answered", None, None),
    "median_answer_working_days": ("answered", None, None),
    "p90_answer_working_days": ("answered", None, None),
}


def _source_error(english: str, italian: str, field: str, **params: object) -> DefinitionError:
    return DefinitionError(Message(english, italian, **params), field=field)


@attrs.frozen
class IndicatorSource:
    """Where an indicator measured outside the raw variables takes its values.

    A *perceived-quality* indicator is measured by a citizen survey (a
    dimension index or the overall satisfaction index of an instrument, 0-100)
    or by the complaints register (a KPI of :func:`qualitapa.complaints.kpis`).
    :func:`~qualitapa.indicators.survey_indicators` and
    :func:`~qualitapa.indicators.complaint_indicators` turn the score and KPI
    tables into its values; :func:`~qualitapa.indicators.compute` leaves it out.

    Parameters
    ----------
    type
        ``"survey"`` or ``"complaints"``.
    instrument
        The survey instrument's id (``type = "survey"``).
    dimension
        The instrument's dimension id, or ``"overall"`` (the default) for the
        overall satisfaction index (``type = "survey"``).
    kpi
        The complaint KPI, one of :data:`COMPLAINT_KPIS` (``type = "complaints"``).

    Examples
    --------
    >>> IndicatorSource.coerce({"type": "survey", "instrument": "registry.counter"}).dimension
    'overall'
    >>> IndicatorSource("complaints", kpi="share_within_deadline").describe()
    'complaints: share_within_deadline'
    >>> IndicatorSource("complaints", kpi="answer_days")
    Traceback (most recent call last):
    ...
    qualitapa.errors.DefinitionError: field 'kpi': unknown complaint KPI 'answer_days'; ...
    """

    type: str = attrs.field(validator=attrs.validators.instance_of(str))
    instrument: str | None = attrs.field(default=None, validator=_optional_id)
    dimension: str | None = attrs.field(default=None)
    kpi: str | None = attrs.field(default=None)

    def __attrs_post_init__(self) -> None:
        if self.type not in SOURCE_TYPES:
            raise _source_error(
                "unknown source type {value!r}; use {known}",
                N_("tipo di fonte {value!r} sconosciuto; usare {known}"),
                "type",
                value=self.type,
                known=Either(repr(t) for t in SOURCE_TYPES),
            )
        if self.type == "survey":
            self._check_survey()
        else:
            self._check_complaints()

    def _check_survey(self) -> None:
        if self.instrument is None:
            raise _source_error(
                'a survey source names its instrument (instrument = "...")',
                N_('una fonte di tipo indagine indica il suo questionario (instrument = "...")'),
                "instrument",
            )
        if self.kpi is not None:
            raise _source_error(
                'a survey source has no kpi (that is for type = "complaints")',
                N_('una fonte di tipo indagine non ha kpi (è per type = "complaints")'),
                "kpi",
            )
        if self.dimension is None:
            object.__setattr__(self, "dimension", "overall")
        elif not isinstance(self.dimension, str) or not self.dimension:
            raise _source_error(
                'the dimension is an id of the instrument\'s dimensions or "overall"',
                N_('la dimensione è un id delle dimensioni del questionario o "overall"'),
                "dimension",
            )

    def _check_complaints(self) -> None:
        for name in ("instrument", "dimension"):
            if getattr(self, name) is not None:
                raise _source_error(
                    'a complaints source has no {name} (that is for type = "survey")',
                    N_('una fonte di tipo reclami non ha {name} (è per type = "survey")'),
                    name,
                    name=name,
                )
        if self.kpi not in COMPLAINT_KPIS:
            close = difflib.get_close_matches(str(self.kpi), list(COMPLAINT_KPIS), n=1)
            raise _source_error(
                "unknown complaint KPI {value!r}; {suggestion}",
                N_("indicatore dei reclami {value!r} sconosciuto; {suggestion}"),
                "kpi",
                value=self.kpi,
                suggestion=Message(
                    "did you mean {close!r}?", N_("forse {close!r}?"), close=close[0]
                )
                if close
                else Message(
                    "use one of {known}",
                    N_("usare uno tra {known}"),
                    known=", ".join(COMPLAINT_KPIS),
                ),
            )

    @classmethod
    def coerce(cls, value: Any) -> IndicatorSource:
        """An IndicatorSource from itself or a table ``{type, instrument, dimension, kpi}``."""
        if isinstance(value, IndicatorSource):
            return value
        if not isinstance(value, Mapping):
            raise _source_error(
                'a source is a table, e.g. {{ type = "survey", instrument = "..." }}',
                N_(
                    'una fonte è una tabella, per esempio {{ type = "survey", instrument = "..." }}'
                ),
                "source",
            )
        return from_mapping(cls, value, kind="indicator source")

    def describe(self) -> str:
        """``survey: <instrument>, <dimension>`` or ``complaints: <kpi>``."""
        if self.type == "survey":
            return f"survey: {self.instrument}, {self.dimension}"
        return f"complaints: {self.kpi}"

    def to_dict(self) -> dict[str, Any]:
        """The TOML table of the source (only the fields that apply)."""
        out = {"type": self.type}
        keys = ("instrument", "dimension") if self.type == "survey" else ("kpi",)
        out.update({k: str(getattr(self, k)) for k in keys})
        return out


def _source(value: Any) -> IndicatorSource | None:
    if value is None:
        return None
    try:
        return IndicatorSource.coerce(value)
    except DefinitionError as exc:  # the field inside the source table: source.kpi...
        field = exc.field if exc.field in (None, "source") else f"source.{exc.field}"
        raise DefinitionError(exc.message, field=field or "source") from None


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
        raise DefinitionError(
            Message("the scale must not be zero", N_("la scala non può essere zero")),
            field=attribute.name,
        )


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
    source
        Optional :class:`IndicatorSource`: the indicator is measured by a
        citizen survey or the complaints register, not computed from raw
        variables (it has no formula: in TOML leave ``formula`` out;
        :meth:`from_mapping` refuses one and puts the indicator's id as a
        placeholder that is never evaluated).
        :func:`survey_indicators` and :func:`complaint_indicators` give its
        values, which benchmarks and composites use like any other.

    Examples
    --------
    >>> ind = IndicatorDefinition(
    ...     "nurseries.coverage", Text("Copertura", "Coverage"), "nurseries",
    ...     "effectiveness", "nurseries.places / children_0_2", "higher_is_better",
    ...     unit="%", scale=100, target=">= 33")
    >>> ind.target.met([45.0]).tolist()
    [True]
    >>> sat = IndicatorDefinition.from_mapping({
    ...     "id": "registry.satisfaction", "label": "Soddisfazione", "service": "registry",
    ...     "dimension": "quality", "polarity": "higher_is_better", "unit": "0-100",
    ...     "source": {"type": "survey", "instrument": "registry.counter"}})
    >>> sat.source.describe(), sorted(sat.variables)
    ('survey: registry.counter, overall', [])
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
    source: IndicatorSource | None = attrs.field(default=None, converter=_source)

    @property
    def variables(self) -> frozenset[str]:
        """The variables the formula needs (none for an indicator with a ``source``)."""
        if self.source is not None:
            return frozenset()
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
        if isinstance(data, dict) and data.get("source") is not None:
            # a formula written next to the source is refused; a Formula object is the
            # placeholder of the item this one derives from
            if isinstance(data.get("formula"), str):
                raise DefinitionError(
                    Message(
                        "an indicator measured by a source has no formula: leave the formula out",
                        N_(
                            "un indicatore misurato da una fonte non ha formula: omettere la "
                            "formula"
                        ),
                    ),
                    source=source,
                    item=str(data.get("id")) if data.get("id") else None,
                    field="formula",
                )
            # measured by its source: the formula is a placeholder (its id), never evaluated
            data.setdefault("formula", str(data.get("id", "")))
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
        if self.source is not None:
            del out["formula"]
            out["source"] = self.source.to_dict()
        return out

    def check(self, catalog: Catalog) -> list[Any]:
        """Problems with this definition in ``catalog`` (for ``qualitapa plugin check``).

        * Variables the formula uses that no plugin declares (only when the
          catalog declares variables at all; ``population`` and the
          organizations' attributes count as declared), one problem each,
          suggesting the closest declared variable first (a misspelt name
          is likelier than a new variable) and only then to declare it.
        * A target whose direction contradicts the polarity (warning).
        * A survey source naming an instrument no plugin declares, or a
          dimension the instrument does not have.
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
        return problems + self._source_problems(catalog)

    def _source_problems(self, catalog: Catalog) -> list[Any]:
        """The survey source's instrument and dimension, checked against ``catalog``."""
        from qualitapa.catalog import Problem
        from qualitapa.problems import Rule

        src = self.source
        if src is None or src.type != "survey":
            return []
        instruments = getattr(catalog, "instruments", {})
        if src.instrument not in instruments:
            close = difflib.get_close_matches(str(src.instrument), sorted(instruments), n=1)
            field, value = "instrument", src.instrument
            message = f"the source names instrument {value!r}, which no plugin declares"
            suggestion = f"did you mean {close[0]!r}?" if close else None
        else:
            known = ["overall", *(d.id for d in instruments[src.instrument].dimensions)]
            if src.dimension in known:
                return []
            field, value = "dimension", src.dimension
            message = f"instrument {src.instrument!r} has no dimension {value!r}"
            suggestion = f"use one of {known}"
        return [
            Problem(
                None,
                "indicator",
                self.id,
                message,
                field=f"source.{field}",
                value=value,
                rule=Rule.UNKNOWN_VALUE,
                suggestion=suggestion,
            )
        ]


def organization_variables(organizations: Sequence[Any] | Any) -> set[str]:
    """Names of the variables organization records offer (``population``, attributes)."""
    names = {"population"}
    for org in organizations:
        names |= set(getattr(org, "attributes", {}) or {})
    return names
