"""What a report is made of: :class:`ReportInputs`, the tables and options of one report."""

from __future__ import annotations

import datetime as dt
import re
import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs
import pandas as pd

from qualitapa.errors import OptionError
from qualitapa.reporting._charts import ImageFormat

if TYPE_CHECKING:
    from qualitapa.catalog import Catalog

#: The tables of the built-in sections, in report order: the fields of
#: :class:`ReportInputs` that feed each.
SECTIONS = (
    "indicators",
    "composite",
    "dea",
    "survey",
    "ipa",
    "complaints",
    "complaint_trend",
    "compliance",
    "caf",
)

_LANG = re.compile(r"[a-z]{2,3}(_[A-Z]{2})?")


def _check_lang(instance: Any, attribute: Any, value: str) -> None:
    if not isinstance(value, str) or not _LANG.fullmatch(value):
        raise OptionError(f"lang must be a language code such as 'it', 'en' or 'de', not {value!r}")


def _check_format(instance: Any, attribute: Any, value: str) -> None:
    if value not in ("svg", "img"):
        raise OptionError(f"image_format must be 'svg' or 'img', not {value!r}")


def _format(value: Any) -> Any:
    """``"png"`` (before 0.2: an ``<img>``, never a raster image since issue 25) is ``"img"``."""
    if value == "png":
        warnings.warn(
            "image_format='png' is deprecated: the charts are SVG drawings and 'png' embedded "
            "them as <img> SVG images; say image_format='img'",
            DeprecationWarning,
            stacklevel=4,
        )
        return "img"
    return value


def _at_least(low: int) -> Any:
    def check(instance: Any, attribute: Any, value: int) -> None:
        if not isinstance(value, int) or value < low:
            raise OptionError(f"{attribute.name} must be an integer >= {low}, not {value!r}")

    return check


def _optional_str(value: Any) -> str | None:
    return None if value is None else str(value)


def _names(value: Mapping[Any, Any] | None) -> dict[str, str]:
    return {str(k): str(v) for k, v in (value or {}).items()}


@attrs.frozen(kw_only=True)
class ReportInputs:
    """The tables and options of one report (see :func:`render_report`).

    Every table is optional: a section appears when its table is given.
    Tables are the tidy results of the other modules; extra columns are
    ignored, and rows of other periods are dropped where a table has a
    ``period`` column.

    Attributes
    ----------
    period
        The period reported on (e.g. ``2024``), kept as text.
    service
        Service id: the title uses its label; every section keeps the rows
        of this service and its sub-services (by a ``service`` column, or by
        the service of the indicator, composite, ``instrument`` or standard
        a row names; CAF scores are shown as given).
    lang
        Language of the report (``"it"`` default, ``"en"``, ``"de"``, any
        code :mod:`qualitapa.i18n` knows; others fall back to Italian).
    catalog, definitions
        A :class:`~qualitapa.catalog.Catalog` (labels, units, polarity,
        targets, names, and the sections of its plugins) and/or indicator
        definitions (a list or a mapping by id).
    indicators, trends, composite, dea, survey, ipa, complaints, complaint_trend, compliance, caf
        The built-in sections' tables: output of
        :func:`qualitapa.indicators.compute` (all periods up to ``period``),
        ``trends`` (organization, indicator, trend),
        :func:`qualitapa.composite.composite_uncertainty`,
        :func:`~qualitapa.composite.dea`,
        :func:`qualitapa.surveys.score_dimensions`, the IPA table,
        :func:`qualitapa.complaints.kpis` and its monthly trend,
        :func:`qualitapa.standards.compliance`, :func:`qualitapa.caf.caf_scores`.
    extra
        Tables for the sections of plugins, by name (each plugin section
        documents the name it reads).
    organization, names
        An organization to highlight (named in charts and text); organization
        id -> display name (overrides the catalog's names).
    title, note
        The title (default "Rapporto di benchmarking" and the service); a
        note under it (e.g. synthetic data).
    charts
        Draw charts (hand-written SVG; ``False``: the tables only).
    image_format
        ``"svg"`` (default: inline, accessible SVG) or ``"img"`` (an ``<img>``
        of the same vector drawing with the chart's text as ``alt``, for editors
        that drop inline SVG). ``"png"`` is a deprecated name of ``"img"``.
    max_bars
        With more organizations, bars for the best and worst ``max_bars // 2``
        and the highlighted one, no ranked table.
    min_compared
        As for :func:`~qualitapa.indicators.benchmark`.
    generated
        Date printed in the report (default: today).

    Examples
    --------
    >>> inputs = ReportInputs(period=2024, lang="de", names={"036023": "Modena"})
    >>> inputs.period, inputs.lang, inputs.names
    ('2024', 'de', {'036023': 'Modena'})
    >>> ReportInputs(period=2024, image_format="gif")
    Traceback (most recent call last):
    ...
    qualitapa.errors.OptionError: image_format must be 'svg' or 'img', not 'gif'
    """

    period: str = attrs.field(converter=str)
    service: str | None = attrs.field(default=None, converter=_optional_str)
    lang: str = attrs.field(default="it", validator=_check_lang)
    catalog: Catalog | None = None
    definitions: Any = None
    indicators: pd.DataFrame | None = None
    trends: pd.DataFrame | None = None
    composite: Any = None
    dea: Any = None
    survey: pd.DataFrame | None = None
    ipa: pd.DataFrame | None = None
    complaints: pd.DataFrame | None = None
    complaint_trend: pd.DataFrame | None = None
    compliance: pd.DataFrame | None = None
    caf: pd.DataFrame | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, converter=dict)
    organization: str | None = attrs.field(default=None, converter=_optional_str)
    names: dict[str, str] = attrs.field(factory=dict, converter=_names)
    title: str | None = None
    note: str | None = None
    charts: bool = True
    image_format: ImageFormat = attrs.field(
        default="svg", converter=_format, validator=_check_format
    )
    max_bars: int = attrs.field(default=30, validator=_at_least(2))
    min_compared: int = attrs.field(default=3, validator=_at_least(1))
    generated: dt.date | None = None

    def tables(self) -> dict[str, Any]:
        """The built-in sections' tables that are given, by field name."""
        return {
            name: getattr(self, name)
            for name in ("trends", *SECTIONS)
            if getattr(self, name) is not None
        }
