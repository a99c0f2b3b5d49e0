"""Composite index definitions: trees of indicators with weights.

A :class:`CompositeDefinition` is a tree: indicators (leaves, with weights)
grouped into sub-indices, grouped into the index. Plugins contribute them
like indicators (hook ``qualitapa_composites``, TOML section
``[[composites]]``)::

    [[composites]]
    id = "registry.quality_index"
    label = { it = "Indice di qualità dell'anagrafe", en = "Registry quality index" }
    service = "registry"
    normaliser = "min_max"
    aggregator = "arithmetic"
    min_coverage = 0.75

    [[composites.components]]
    id = "access"
    label = { it = "Accessibilità", en = "Access" }
    weight = 2
    components = [
        { indicator = "registry.online_share" },
        { indicator = "registry.wait_minutes", weight = 2 },
    ]

    [[composites.components]]
    indicator = "registry.certificates_per_fte"

:func:`~qualitapa.composite.composite` computes them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

from qualitapa.composite._impute import Imputation
from qualitapa.composite._methods import Aggregator, Normaliser, _check_positive_combination
from qualitapa.composite._options import choice, float_pair
from qualitapa.composite._treat import Treatment
from qualitapa.errors import DefinitionError, Message
from qualitapa.i18n import N_
from qualitapa.models import (
    Polarity,
    Text,
    check_id,
    from_mapping,
    to_optional_text,
    to_text,
)

if TYPE_CHECKING:
    from qualitapa.catalog import Catalog


def _opt_aggregator(value: Any) -> Aggregator | None:
    return None if value is None else choice(Aggregator, value, "aggregator")


def _opt_polarity(value: Any) -> Polarity | None:
    return None if value is None else choice(Polarity, value, "polarity")


def _aggregator(value: Any) -> Aggregator:
    return choice(Aggregator, value, "aggregator")


def _normaliser(value: Any) -> Normaliser:
    return choice(Normaliser, value, "normaliser")


def _imputation(value: Any) -> Imputation:
    return choice(Imputation, value, "imputation")


def _treatment(value: Any) -> Treatment:
    return choice(Treatment, value, "treatment")


#: Normalisers that keep their meaning after a log or Box-Cox transformation of the data
#: (goalposts, targets and distances are in the indicator's own units).
_TREATABLE = frozenset({"min_max", "z_score", "rank"})


def _opt_float(value: Any) -> float | None:
    return None if value is None else float(value)


def _components(value: Any) -> tuple[CompositeComponent, ...]:
    if isinstance(value, Mapping | str | bytes):
        raise DefinitionError(
            Message(
                "components must be a list of tables",
                N_("components deve essere un elenco di tabelle"),
            ),
            field="components",
        )
    return tuple(
        c if isinstance(c, CompositeComponent) else CompositeComponent.from_mapping(c)
        for c in value
    )


def _goalposts(value: Any) -> tuple[float, float] | None:
    if value is None:
        return None
    lo, hi = float_pair(value, "goalposts", "[min, max]")
    if not lo < hi:
        raise DefinitionError(
            Message(
                "goalposts need min < max, not {value}",
                N_("goalposts richiede min < max, non {value}"),
                value=repr(value),
            ),
            field="goalposts",
        )
    return lo, hi


def _weight(instance: Any, attribute: attrs.Attribute[Any], value: float) -> None:
    if not np.isfinite(value) or value < 0:
        raise DefinitionError(
            Message(
                "weight must be finite and not negative, not {value}",
                N_("weight deve essere un numero finito non negativo, non {value}"),
                value=repr(value),
            ),
            field="weight",
        )


@attrs.frozen
class CompositeComponent:
    """A node of a composite tree: an indicator (leaf) or a sub-index.

    Parameters
    ----------
    indicator
        For a leaf: the indicator id.
    id
        For a sub-index: its id (leaves use the indicator id).
    label
        Name in Italian and other languages (sub-indices).
    weight
        Weight among its siblings (relative; default 1).
    components
        For a sub-index: its children.
    aggregator
        For a sub-index: overrides the composite's aggregator.
    polarity
        For a leaf: overrides the indicator definition's polarity.
    goalposts, log
        For a leaf: fixed ``(min, max)`` for the ``goalposts`` normaliser,
        optionally on a log scale.
    target
        For a leaf: reference value for ``distance_to_target`` (default:
        the indicator definition's target).

    Examples
    --------
    >>> leaf = CompositeComponent.from_mapping({"indicator": "registry.wait", "weight": 2})
    >>> leaf.key, leaf.is_leaf
    ('registry.wait', True)
    """

    indicator: str | None = attrs.field(default=None)
    id: str | None = attrs.field(default=None)
    label: Text | None = attrs.field(default=None, converter=to_optional_text)
    weight: float = attrs.field(default=1.0, converter=float, validator=_weight)
    components: tuple[CompositeComponent, ...] = attrs.field(default=(), converter=_components)
    aggregator: Aggregator | None = attrs.field(default=None, converter=_opt_aggregator)
    polarity: Polarity | None = attrs.field(default=None, converter=_opt_polarity)
    goalposts: tuple[float, float] | None = attrs.field(default=None, converter=_goalposts)
    log: bool = attrs.field(default=False, validator=attrs.validators.instance_of(bool))
    target: float | None = attrs.field(default=None, converter=_opt_float)

    def __attrs_post_init__(self) -> None:
        if (self.indicator is None) == (not self.components):
            raise DefinitionError(
                Message(
                    "a component is either an indicator (field 'indicator') or a sub-index "
                    "(fields 'id' and 'components')",
                    N_(
                        "una componente è un indicatore (campo 'indicator') o un sotto-indice "
                        "(campi 'id' e 'components')"
                    ),
                ),
                item=self.indicator or self.id,
            )
        if self.indicator is not None:
            check_id(self, attrs.fields(CompositeComponent).indicator, self.indicator)
        elif self.id is None:
            raise DefinitionError(
                Message("a sub-index needs an 'id'", N_("un sotto-indice richiede un 'id'")),
                field="id",
            )
        else:
            check_id(self, attrs.fields(CompositeComponent).id, self.id)

    @property
    def is_leaf(self) -> bool:
        """True for an indicator."""
        return self.indicator is not None

    @property
    def key(self) -> str:
        """The indicator id of a leaf, the id of a sub-index."""
        return str(self.indicator if self.indicator is not None else self.id)

    @classmethod
    def from_mapping(
        cls, mapping: Mapping[str, Any], *, source: str | None = None
    ) -> CompositeComponent:
        """Build a component (recursively) from a TOML table or dict."""
        return from_mapping(cls, mapping, source=source, kind="composite component")

    def leaves(self) -> list[CompositeComponent]:
        """The indicator leaves under this node (itself for a leaf), depth first."""
        if self.is_leaf:
            return [self]
        return [leaf for c in self.components for leaf in c.leaves()]


def _fraction(instance: Any, attribute: attrs.Attribute[Any], value: float) -> None:
    if not 0 <= value <= 1:
        raise DefinitionError(
            Message(
                "{field} must be in [0, 1], not {value}",
                N_("{field} deve essere tra 0 e 1, non {value}"),
                field=attribute.name,
                value=repr(value),
            ),
            field=attribute.name,
        )


def _winsor(instance: Any, attribute: attrs.Attribute[Any], value: float | None) -> None:
    if value is not None and not 0 <= value < 0.5:
        raise DefinitionError(
            Message(
                "winsorise must be in [0, 0.5), not {value}",
                N_("winsorise deve essere almeno 0 e meno di 0,5, non {value}"),
                value=repr(value),
            ),
            field="winsorise",
        )


@attrs.frozen
class CompositeDefinition:
    """A composite index: a tree of indicators with weights, and how to combine them.

    Parameters
    ----------
    id
        Stable id, e.g. ``"registry.quality_index"``.
    label
        Name in Italian and other languages.
    components
        The top-level components (indicators and sub-indices).
    service
        The service it belongs to (optional).
    normaliser
        A :class:`Normaliser` (default ``min_max``). When any node takes a
        geometric or harmonic mean, ``min_max`` and ``rank`` normalise onto
        ``[0.01, 1]`` (:data:`POSITIVE_BOUNDS`, COINr's ``[1, 100]``) so that
        those means only see strictly positive values; ``z_score`` is then
        refused.
    aggregator
        A :class:`Aggregator` for every node without its own (default
        ``arithmetic``).
    weighting
        ``explicit`` (the components' weights, default 1 = equal),
        ``equal`` (ignore given weights) or ``pca`` (top-level indicator
        weights from principal components, see :func:`pca_weights`; only
        for a flat tree of indicators).
    min_coverage
        Data-availability threshold per node: the share of its components
        an organization needs, else the node is missing (status
        ``insufficient_data``).
    winsorise
        Optional tail share clipped before normalising (e.g. 0.025).
    imputation
        How missing indicator values are filled before normalising
        (:class:`~qualitapa.composite.Imputation`: ``none``, the default,
        renormalises the weights over the components an organization has;
        ``mean``, ``median``, ``group_mean``, ``group_median``,
        ``regression``; see :func:`~qualitapa.composite.impute`).
    treatment
        Outlier treatment before normalising
        (:class:`~qualitapa.composite.Treatment`: ``none``, the default,
        ``winsorise_log`` or ``winsorise_boxcox``; see
        :func:`~qualitapa.composite.treat`). Only with the ``min_max``,
        ``z_score`` and ``rank`` normalisers.
    winmax
        Most values winsorised per indicator and period (``treatment``).
    scale
        Multiplier of the final index (e.g. 100 for a 0-100 scale).
    description
        Description in Italian and other languages.

    Examples
    --------
    >>> d = CompositeDefinition.from_mapping({
    ...     "id": "libraries.index", "label": {"it": "Indice biblioteche"},
    ...     "components": [{"indicator": "libraries.loans"},
    ...                    {"id": "reach", "components": [{"indicator": "libraries.users"},
    ...                                                   {"indicator": "libraries.hours"}]}]})
    >>> d.indicators()
    ['libraries.loans', 'libraries.users', 'libraries.hours']
    """

    id: str = attrs.field(validator=check_id)
    label: Text = attrs.field(converter=to_text)
    components: tuple[CompositeComponent, ...] = attrs.field(converter=_components)
    service: str | None = attrs.field(default=None)
    normaliser: Normaliser = attrs.field(default=Normaliser.MIN_MAX, converter=_normaliser)
    aggregator: Aggregator = attrs.field(default=Aggregator.ARITHMETIC, converter=_aggregator)
    weighting: str = attrs.field(
        default="explicit", validator=attrs.validators.in_(("explicit", "equal", "pca"))
    )
    min_coverage: float = attrs.field(default=0.5, converter=float, validator=_fraction)
    winsorise: float | None = attrs.field(default=None, converter=_opt_float, validator=_winsor)
    scale: float = attrs.field(default=1.0, converter=float)
    description: Text | None = attrs.field(default=None, converter=to_optional_text)
    imputation: Imputation = attrs.field(default=Imputation.NONE, converter=_imputation)
    treatment: Treatment = attrs.field(default=Treatment.NONE, converter=_treatment)
    winmax: int = attrs.field(default=5, converter=int, validator=attrs.validators.ge(0))

    def __attrs_post_init__(self) -> None:
        if not self.components:
            raise DefinitionError(
                Message(
                    "a composite needs at least one component",
                    N_("un indice composito richiede almeno una componente"),
                ),
                item=self.id,
            )
        seen: set[str] = set()
        for node in self.nodes():
            if node.key in seen:
                raise DefinitionError(
                    Message(
                        "component {component} appears twice in the tree",
                        N_("la componente {component} compare due volte nell'albero"),
                        component=repr(node.key),
                    ),
                    item=self.id,
                )
            seen.add(node.key)
        if self.weighting == "pca" and any(not c.is_leaf for c in self.components):
            raise DefinitionError(
                Message(
                    "pca weighting works on a flat list of indicators",
                    N_(
                        "i pesi pca si applicano a un elenco semplice di indicatori, senza "
                        "sotto-indici"
                    ),
                ),
                item=self.id,
                field="weighting",
            )
        for agg in self.aggregators():
            _check_positive_combination(self.normaliser, agg, item=self.id)
        if self.treatment is not Treatment.NONE and str(self.normaliser) not in _TREATABLE:
            raise DefinitionError(
                Message(
                    "treatment {treatment} transforms the values, which the normaliser "
                    "{normaliser} reads in the indicator's own units; use min_max, z_score or "
                    "rank, or no treatment",
                    N_(
                        "il trattamento {treatment} trasforma i valori, che la normalizzazione "
                        "{normaliser} legge nelle unità dell'indicatore; usare min_max, z_score o "
                        "rank, o nessun trattamento"
                    ),
                    treatment=repr(self.treatment.value),
                    normaliser=repr(self.normaliser.value),
                ),
                item=self.id,
                field="treatment",
            )

    def aggregators(self) -> set[Aggregator]:
        """The aggregators of the composite and of every sub-index."""
        return {self.aggregator} | {
            n.aggregator for n in self.nodes() if not n.is_leaf and n.aggregator is not None
        }

    @property
    def positive(self) -> bool:
        """True when a node takes a geometric or harmonic mean (values must be > 0)."""
        return any(a is not Aggregator.ARITHMETIC for a in self.aggregators())

    @classmethod
    def from_mapping(
        cls, mapping: Mapping[str, Any], *, source: str | None = None
    ) -> CompositeDefinition:
        """Build a composite from a TOML table or dict (components nested)."""
        return from_mapping(
            cls, mapping, source=source, kind="composite", converters={"components": _components}
        )

    @property
    def root(self) -> CompositeComponent:
        """The tree as one sub-index node whose id is the composite's id."""
        return CompositeComponent(
            id=self.id, label=self.label, components=self.components, aggregator=self.aggregator
        )

    def nodes(self) -> list[CompositeComponent]:
        """Every component, depth first (parents before children)."""
        out: list[CompositeComponent] = []

        def walk(node: CompositeComponent) -> None:
            out.append(node)
            for c in node.components:
                walk(c)

        for c in self.components:
            walk(c)
        return out

    def indicators(self) -> list[str]:
        """The indicator ids of the leaves, depth first."""
        return [leaf.key for c in self.components for leaf in c.leaves()]

    def labels(self, lang: str = "it", catalog: Catalog | None = None) -> dict[str, str]:
        """Composite, sub-index and indicator id -> label in ``lang``.

        A leaf without its own label takes its indicator's from ``catalog``;
        an item without any label is left out.

        Examples
        --------
        >>> d = CompositeDefinition.from_mapping({
        ...     "id": "idx", "label": {"it": "Indice", "de": "Index"},
        ...     "components": [{"id": "use", "label": {"it": "Uso", "de": "Nutzung"},
        ...                     "components": [{"indicator": "loans"}]}]})
        >>> d.labels("de")
        {'idx': 'Index', 'use': 'Nutzung'}
        """
        out = {self.id: self.label.get(lang)}
        for node in self.nodes():
            if node.label is not None:
                out[node.key] = node.label.get(lang)
            elif node.is_leaf and catalog is not None and node.key in catalog.indicators:
                out[node.key] = catalog.indicators[node.key].label.get(lang)
        return out

    def check(self, catalog: Catalog) -> list[str]:
        """Problems with the catalog: unknown or neutral indicators."""
        problems = []
        for ind in self.indicators():
            if ind not in catalog.indicators:
                problems.append(f"composite {self.id!r}: unknown indicator {ind!r}")
        for leaf in (n for n in self.nodes() if n.is_leaf):
            if leaf.key in catalog.indicators and leaf.polarity is None:
                pol = getattr(catalog.indicators[leaf.key], "polarity", None)
                if pol == Polarity.NEUTRAL:
                    problems.append(
                        f"composite {self.id!r}: indicator {leaf.key!r} is neutral; give the "
                        "component a polarity"
                    )
        return problems
