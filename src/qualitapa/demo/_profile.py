"""Demo profiles: what a plugin tells ``qualitapa demo`` to run on its data.

The core knows no service, city or peer group. Which DEA models the demo
runs, which survey margins it rakes to, which peer group it benchmarks
within and which city it highlights come from a :class:`DemoProfile` that a
plugin contributes (the ``qualitapa_demo_profiles`` hook, or
``[[demo_profiles]]`` in TOML), or from the command line.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from qualitapa.errors import DataError, DefinitionError
from qualitapa.models import Text, check_id, from_mapping, to_optional_text, to_text

if TYPE_CHECKING:
    from qualitapa.catalog import Catalog

#: Returns to scale a DEA model may name (see :func:`qualitapa.composite.dea`).
RETURNS_TO_SCALE = ("crs", "vrs", "irs", "drs")


def _names(value: Any) -> tuple[str, ...]:
    """attrs converter: a tuple of variable names from a string or a list of strings."""
    if isinstance(value, str):
        value = (value,)
    if not isinstance(value, Sequence) or not all(isinstance(v, str) and v for v in value):
        raise DefinitionError(f"expected a list of names, not {value!r}")
    return tuple(value)


def _check_rts(instance: Any, attribute: attrs.Attribute[str], value: str) -> None:
    if value not in RETURNS_TO_SCALE:
        raise DefinitionError(
            f"unknown returns to scale {value!r}; use one of {list(RETURNS_TO_SCALE)}",
            field="rts",
        )


@attrs.frozen
class DeaModel:
    """One DEA model of a service: its input and output variables.

    Parameters
    ----------
    service
        The service the model compares (its HTML report shows the frontier).
    inputs, outputs
        Raw variables (resources and services delivered).
    rts
        Returns to scale (``"vrs"``, ``"crs"``, ``"irs"``, ``"drs"``).

    Examples
    --------
    >>> DeaModel.from_mapping({"service": "libraries", "inputs": ["libraries.cost"],
    ...                        "outputs": ["libraries.loans"]}).rts
    'vrs'
    """

    service: str = attrs.field(validator=attrs.validators.instance_of(str))
    inputs: tuple[str, ...] = attrs.field(converter=_names)
    outputs: tuple[str, ...] = attrs.field(converter=_names)
    rts: str = attrs.field(default="vrs", validator=_check_rts)

    @property
    def variables(self) -> tuple[str, ...]:
        """Inputs, then outputs."""
        return (*self.inputs, *self.outputs)

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any], *, source: str | None = None) -> DeaModel:
        """Build a DeaModel from a TOML table or dict."""
        converters = {"inputs": _names, "outputs": _names}
        return from_mapping(cls, mapping, source=source, kind="DEA model", converters=converters)


def _dea_models(value: Any) -> tuple[DeaModel, ...]:
    if not isinstance(value, Sequence) or isinstance(value, str):
        raise DefinitionError(f"'dea' is a list of tables, not {value!r}", field="dea")
    return tuple(v if isinstance(v, DeaModel) else DeaModel.from_mapping(v) for v in value)


@attrs.frozen
class DemoProfile:
    """What ``qualitapa demo`` runs on the demo data of a group of plugins.

    Parameters
    ----------
    id
        Stable id, e.g. ``"qclub"``.
    label
        Name of the group of cities (the summary's title).
    highlight
        The organization the reports highlight and whose improvement plan
        is derived (``--organization`` replaces it).
    peer_group
        The peer group benchmarks compare within (``--peer-group``
        replaces it).
    margins
        Survey raking variables: each city's respondents are raked to its
        population margins (``survey_margins`` datasets) on these columns.
    dea
        DEA models (:class:`DeaModel`), run in this order; a model whose
        service or variables are missing is skipped.
    package
        Name of the open-data package, before the period
        (``"<package>-2024"``).
    title, description
        Title (before the period) and description of the open-data package.

    Examples
    --------
    >>> p = DemoProfile.from_mapping({"id": "club", "label": "Club", "margins": ["sex"],
    ...     "dea": [{"service": "libraries", "inputs": "libraries.cost",
    ...              "outputs": ["libraries.loans"]}]})
    >>> p.dea[0].inputs, p.margins, p.package
    (('libraries.cost',), ('sex',), 'club-demo')
    """

    id: str = attrs.field(validator=check_id)
    label: Text = attrs.field(converter=to_text)
    highlight: str | None = attrs.field(default=None)
    peer_group: str | None = attrs.field(default=None)
    margins: tuple[str, ...] = attrs.field(default=(), converter=_names)
    dea: tuple[DeaModel, ...] = attrs.field(default=(), converter=_dea_models)
    package: str = attrs.field()
    title: Text | None = attrs.field(default=None, converter=to_optional_text)
    description: Text | None = attrs.field(default=None, converter=to_optional_text)

    @package.default
    def _package(self) -> str:
        return f"{self.id.replace('_', '-')}-demo"

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any], *, source: str | None = None) -> DemoProfile:
        """Build a DemoProfile from a TOML table or dict."""
        converters = {"margins": _names, "dea": _dea_models}
        return from_mapping(cls, mapping, source=source, kind="demo profile", converters=converters)


#: The profile of a catalog without one: no DEA, no raking, no peer group.
DEFAULT_PROFILE = DemoProfile("demo", Text("Demo"), package="qualitapa-demo")


def select_profile(catalog: Catalog, profile: str | DemoProfile | None = None) -> DemoProfile:
    """The demo profile to run: ``profile``, or the only one the plugins contribute.

    Raises
    ------
    DataError
        ``profile`` is not a known profile, or several are installed and
        none was chosen.

    Examples
    --------
    >>> from qualitapa import Catalog
    >>> select_profile(Catalog.build([], entrypoints=False)).id
    'demo'
    """
    if isinstance(profile, DemoProfile):
        return profile
    profiles = catalog.demo_profiles
    if profile is not None:
        return profiles[profile]  # UnknownItemError with suggestions
    if len(profiles) > 1:
        raise DataError(
            f"several demo profiles are installed ({', '.join(sorted(profiles))}): "
            "choose one with --profile",
            column="profile",
        )
    return next(iter(profiles.values()), DEFAULT_PROFILE)
