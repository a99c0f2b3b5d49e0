"""A section of the report: :class:`ReportSection` (built-in ones and plugins' alike)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from qualitapa.errors import DefinitionError
from qualitapa.models import Text

if TYPE_CHECKING:
    from qualitapa.reporting._context import ReportContext

#: A section's builder: the report context -> the template's variables, or
#: None to leave the section out (its table was not given, or has no rows).
SectionBuilder = Callable[["ReportContext"], Mapping[str, Any] | None]

_ID = re.compile(r"[a-z][a-z0-9_-]*")


def _check_id(instance: Any, attribute: Any, value: str) -> None:
    if not isinstance(value, str) or not _ID.fullmatch(value):
        raise DefinitionError(
            f"a report section id is lowercase letters, digits, '_' or '-', not {value!r}",
            field="id",
        )


def _check_template(instance: ReportSection, attribute: Any, value: Any) -> None:
    if (instance.template is None) == (instance.source is None):
        raise DefinitionError(
            f"report section {instance.id!r}: give a template name or a template source "
            "(one of them)",
            field="template",
        )


def _text(value: object) -> Text:
    return Text.coerce(value)


def _folder(value: Any) -> Path | None:
    return None if value is None else Path(value)


@attrs.frozen(kw_only=True)
class ReportSection:
    """A section of the HTML report.

    The report shows its sections in ``order`` (the built-in ones use
    10-90: indicators 10-20, composite 30, DEA 40, survey 50, IPA 60,
    complaints 70, compliance 80, CAF 90). A plugin adds sections with the
    :func:`~qualitapa.hookspecs.qualitapa_report_sections` hook.

    Attributes
    ----------
    id
        Unique id, also the HTML ``id`` of the section (``[a-z][a-z0-9_-]*``).
    title
        The heading (:class:`~qualitapa.models.Text`, Italian required).
    build
        ``build(ctx)`` -> the template's variables (a mapping), or None to
        leave the section out; ``ctx`` is the
        :class:`~qualitapa.reporting.ReportContext` (``ctx.inputs`` the
        report's tables and options, ``ctx.t`` the translator).
    template
        Name of the section's template (``"waste.html.j2"``), looked up in
        ``templates`` first, then among the report's templates.
    source
        The template's text itself, instead of a name.
    templates
        The plugin's own template folder.
    order
        Position in the report.

    The template gets the builder's variables, ``t`` (the translator),
    ``section`` (this object) and can import the report's macros:
    ``{% import "_macros.html.j2" as m %}`` then ``{{ m.table(tbl) }}`` or
    ``{{ m.figure(chart) }}``. Text is escaped (autoescape on); plugin
    templates run in Jinja2's sandbox.

    Examples
    --------
    >>> section = ReportSection(id="waste", title=Text("Rifiuti", "Waste"),
    ...     build=lambda ctx: {"n": 3}, source="<p>{{ n }}</p>", order=65)
    >>> section.title.get("it"), section.order
    ('Rifiuti', 65)
    """

    id: str = attrs.field(validator=_check_id)
    title: Text = attrs.field(converter=_text)
    build: SectionBuilder = attrs.field(validator=attrs.validators.is_callable())
    template: str | None = None
    source: str | None = attrs.field(default=None, validator=_check_template)
    templates: Path | None = attrs.field(default=None, converter=_folder)
    order: int = 500
