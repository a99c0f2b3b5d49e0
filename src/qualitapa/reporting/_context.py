"""What every section builder gets: :class:`ReportContext` (inputs, translator, lookups)."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import attrs
from markupsafe import Markup

from qualitapa.reporting import _charts as charts
from qualitapa.reporting._i18n import gettext_noop as _
from qualitapa.reporting._i18n import unit_of
from qualitapa.reporting._inputs import ReportInputs
from qualitapa.reporting._views import Chart, Table
from qualitapa.reporting._words import comparison_text, parse_target
from qualitapa.standards import StandardTarget

if TYPE_CHECKING:
    from qualitapa._svg import Drawing
    from qualitapa.catalog import Catalog

#: The comparators a charter standard's target has: worded by the standards.
_STANDARD_COMPARATORS = frozenset({">=", "<=", "==", "=", "between"})


def auto_digits(value: float) -> int:
    """Decimals that suit ``value``'s magnitude: 0 from 100, 1 from 10, else 2."""
    x = abs(value)
    return 0 if x >= 100 else 1 if x >= 10 else 2


def _plain(value: float) -> int:
    """The decimals a target is written with: 15 reads "15", 1.5 "1,5" (at most 3)."""
    for digits in range(3):
        if round(float(value), digits) == float(value):
            return digits
    return 3


@attrs.define
class ReportContext:
    """The inputs of a report and what the sections need to turn them into text.

    A section's ``build`` function receives it (see
    :class:`~qualitapa.reporting.ReportSection`).

    Attributes
    ----------
    inputs : ReportInputs
        The report's tables and options, as given.
    t : qualitapa.i18n.Translator
        The translator of the report language: ``t("...")``,
        ``t.number(x, digits=1)``, ``t.text(label)``.
    tables : dict
        The built-in sections' tables (by :class:`ReportInputs` field),
        each cut to the rows of the report's service.
    names : dict
        Organization id -> display name.
    definitions : dict
        Indicator id -> definition (the catalog's and the given ones).
    can_draw : bool
        Charts are asked for (they need no optional library).
    """

    inputs: ReportInputs
    t: Any
    tables: dict[str, Any]
    names: dict[str, str]
    definitions: dict[str, Any]
    can_draw: bool
    cache: dict[str, Any] = attrs.field(factory=dict)

    @property
    def lang(self) -> str:
        """The report language."""
        return self.inputs.lang

    @property
    def period(self) -> str:
        """The period reported on, as text."""
        return self.inputs.period

    @property
    def highlight(self) -> str | None:
        """The id of the highlighted organization."""
        return self.inputs.organization

    @property
    def catalog(self) -> Catalog | None:
        """The catalog of the report, if any."""
        return self.inputs.catalog

    def memo(self, key: str, build: Callable[[], Any]) -> Any:
        """``build()``, computed once per report (sections that share a view)."""
        if key not in self.cache:
            self.cache[key] = build()
        return self.cache[key]

    def name(self, org: Any) -> str:
        """The display name of an organization (its id when unknown)."""
        return self.names.get(str(org), str(org))

    def label_of(self, kind: str, item: Any, fallback: str | None = None) -> str:
        """The label of a catalog item (indicator, standard, service...) in the report language."""
        key = str(item)
        obj = self.definitions.get(key) if kind == "indicators" else None
        if obj is None and self.catalog is not None:
            coll = getattr(self.catalog, kind, None)
            if coll is not None and key in coll:
                obj = coll[key]
        label = getattr(obj, "label", None)
        if label is not None and hasattr(label, "get"):
            return str(self.t.text(label))
        return fallback if fallback is not None else key

    def question_label(self, question: str, instrument: str | None = None) -> str:
        """The label of a survey question, else its id.

        Questionnaires of different services reuse question ids (``acc_hours``),
        so the search goes to the named ``instrument`` when given, else to the
        instruments of the report's service first.
        """
        found = self._question(question, instrument)
        return str(self.t.text(found.label)) if found is not None else question

    def _question(self, question: str, instrument: str | None) -> Any:
        instruments = list(getattr(self.catalog, "instruments", {}).values())
        service = self.inputs.service
        if instrument is not None:
            instruments = [i for i in instruments if getattr(i, "id", None) == instrument]
        elif service is not None:

            def own(i: Any) -> bool:
                s = str(getattr(i, "service", "") or "")
                return s == service or s.startswith(service + ".")

            instruments = sorted(instruments, key=lambda i: not own(i))
        for inst in instruments:
            for q in getattr(inst, "questions", ()):
                if getattr(q, "id", None) == question and hasattr(q.label, "get"):
                    return q
        return None

    # -- numbers and units ------------------------------------------------------------
    def num(self, value: Any, digits: int | None = None) -> str:
        """A number in the report's locale; ``–`` when missing."""
        try:
            x = float(value)
        except (TypeError, ValueError):
            return "–"
        if math.isnan(x):
            return "–"
        return str(self.t.number(x, digits=auto_digits(x) if digits is None else digits))

    def unit(self, name: Any) -> Any:
        """The unit called ``name`` (a :class:`qualitapa.i18n.Unit` or a label); None if empty."""
        return unit_of("" if name is None else str(name).strip())

    def unit_label(self, unit: Any) -> str:
        """The name of ``unit`` in the report language (plural: ``giorni``); '' for none."""
        if unit is None:
            return ""
        other = getattr(unit, "other", None)
        if other is not None:
            return str(self.t.text(other))
        return str(self.t.text(unit)) if hasattr(unit, "get") else str(unit)

    def quantity(self, value: Any, unit: Any, digits: int | None = None) -> str:
        """``3,90 giorni``, ``82,3%``: a number with its unit; ``–`` when missing."""
        text = self.num(value, digits)
        if text == "–" or unit is None:
            return text
        x = float(value)
        return str(self.t.quantity(x, unit, digits=auto_digits(x) if digits is None else digits))

    def is_percent(self, unit_name: Any) -> bool:
        """True for a unit that is already a percentage."""
        found = self.unit("" if unit_name is None else str(unit_name).strip())
        return getattr(found, "id", None) == "percent"

    def change(self, before: float, now: float, unit_name: Any) -> str:
        """How a value changed: in per cent when both are positive, else in the unit.

        A percentage is not changed "by a per cent": its change is in
        percentage points. ``–`` when either value is missing.
        """
        if not (math.isfinite(before) and math.isfinite(now)):
            return "–"
        sign = "+" if now > before else ""
        if self.is_percent(unit_name):
            points = sign + self.num(now - before, 1)
            return str(self.t(_("{value} punti percentuali"), value=points))
        if before > 0 and now > 0:
            return sign + str(self.t.percent((now - before) / before, digits=1))
        return sign + self.quantity(now - before, self.unit(unit_name))

    def target_text(self, target: Any, unit_name: Any = None) -> str:
        """A target in words: ``almeno 1,5``, ``al massimo 10 minuti``; '' for none.

        The comparators of charter standards (``>=``, ``<=``, ``==``,
        ``between``) are worded as the charters word them
        (:meth:`qualitapa.standards.StandardTarget.describe`: *0 giorni*, not
        *al massimo 0 giorni*); ``>`` and ``<`` (indicator targets) here.
        """
        if target is None or str(target).strip() in ("", "nan", "None", "<NA>"):
            return ""
        comparator = getattr(target, "comparator", None)
        if comparator is not None:
            op = str(getattr(comparator, "value", comparator))
            low, high = float(target.value), getattr(target, "upper", None)
        else:
            parsed = parse_target(target)
            if parsed is None:
                return str(target)
            op, low, high = parsed
        unit = self.unit(unit_name)
        if op in _STANDARD_COMPARATORS:
            tolerance = getattr(target, "tolerance", 0.0) or 0.0
            op = "==" if op == "=" else op
            standard = StandardTarget(op, low, upper=high, tolerance=tolerance)
            return standard.describe(self.t.lang, unit)
        if op == "between" and high is not None:
            return comparison_text(
                self.t, op, self.num(low, _plain(low)), self.quantity(high, unit, _plain(high))
            )
        return comparison_text(self.t, op, self.quantity(low, unit, _plain(low)))

    # -- charts -----------------------------------------------------------------------
    def chart(
        self,
        build: Callable[[], Drawing],
        *,
        title: str,
        description: str,
        caption: str,
        data: Table,
    ) -> Chart | None:
        """A :class:`Chart` drawn by ``build`` (None when charts are off)."""
        if not self.can_draw:
            return None
        fig = build()
        if self.inputs.image_format == "img":
            alt = f"{title}. {description}"
            image = Markup(charts.figure_img(fig, alt))  # escapes alt
        else:
            image = charts.figure_svg(fig, title=title, description=description)
        return Chart(image, title, description, caption, data)


def _org_name(org: Any, key: str, lang: str) -> str:
    if hasattr(org, "display_name"):
        return str(org.display_name(lang))  # Bozen in German
    return str(getattr(org, "name", key))


def org_names(catalog: Catalog | None, names: Mapping[str, str], lang: str) -> dict[str, str]:
    """Organization id -> name in ``lang``: the catalog's, overridden by ``names``."""
    out: dict[str, str] = {}
    orgs = getattr(catalog, "organizations", None)
    if orgs is not None:
        out.update({str(k): _org_name(v, str(k), lang) for k, v in orgs.items()})
    out.update(names)
    return out


def indicator_definitions(catalog: Catalog | None, definitions: Any) -> dict[str, Any]:
    """Indicator id -> definition: the catalog's, overridden by ``definitions``."""
    out: dict[str, Any] = {}
    coll = getattr(catalog, "indicators", None)
    if coll is not None:
        out.update(dict(coll.items()))
    if definitions is not None:
        items = definitions.values() if isinstance(definitions, Mapping) else definitions
        out.update({d.id: d for d in items})
    return out
