"""The questionnaire model: :class:`Instrument`, :class:`Question`, :class:`Scale`.

Frozen attrs value objects. ``__init__`` checks invariants; external data
(TOML tables, XLSForm sheets) is parsed by the named constructors
:meth:`Instrument.from_mapping` and :meth:`Instrument.from_xlsform`.

Examples
--------
>>> from qualitapa.models import Text
>>> agree = Scale.likert(5)
>>> q = Question("courtesy", QuestionType.LIKERT, Text("Cortesia", "Courtesy"),
...              dimension="staff", scale=agree)
>>> inst = Instrument("registry.counter", Text("Sportello anagrafe", "Registry counter"),
...                   dimensions=[SurveyDimension("staff", Text("Personale", "Staff"))],
...                   questions=[q])
>>> [x.id for x in inst.items("staff")]
['courtesy']
>>> agree.rescale(4.0)
75.0
"""

from __future__ import annotations

import contextlib
import enum
import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import pandas as pd

from qualitapa.errors import DefinitionError, FormulaError
from qualitapa.models import (
    LocalScope,
    Text,
    check_id,
    check_organizations,
    check_pattern,
    check_table,
    to_optional_text,
    to_organizations,
    to_text,
)
from qualitapa.surveys._expressions import Expression

if TYPE_CHECKING:
    from qualitapa.catalog import Catalog, Problem

#: Question ids are XLSForm names: a letter or ``_``, then letters, digits,
#: ``_``, ``-`` or ``.``. They are also the column names of the responses.
QUESTION_ID_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")


class QuestionType(enum.StrEnum):
    """The kinds of question a satisfaction questionnaire uses."""

    LIKERT = "likert"
    RATING = "rating"
    YES_NO = "yes_no"
    RECOMMEND = "recommend"
    SINGLE = "single"
    MULTIPLE = "multiple"
    NUMERIC = "numeric"
    TEXT = "text"

    @property
    def scaled(self) -> bool:
        """Answers are points of a numeric :class:`Scale` (they can be scored)."""
        return self in (
            QuestionType.LIKERT,
            QuestionType.RATING,
            QuestionType.YES_NO,
            QuestionType.RECOMMEND,
        )

    @property
    def has_choices(self) -> bool:
        """Answers are codes from a list of :class:`Choice`."""
        return self in (QuestionType.SINGLE, QuestionType.MULTIPLE)


def _check_question_id(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    check_pattern(
        value,
        QUESTION_ID_PATTERN,
        "question id",
        "start with a letter or '_', then use letters, digits, '_', '-' or '.'",
        field=attribute.name,
    )


def _code(value: Any) -> float | str:
    """A scale code: numbers as float, anything else as stripped text."""
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).strip()
    try:
        return float(text)
    except ValueError:
        return text


def _floats(values: Iterable[Any]) -> tuple[float, ...]:
    out = []
    for v in values:
        if isinstance(v, bool) or not isinstance(v, (int, float, str)):
            raise DefinitionError(f"scale points must be numbers, not {v!r}", field="points")
        try:
            out.append(float(v))
        except ValueError:
            raise DefinitionError(
                f"scale points must be numbers, not {v!r}", field="points"
            ) from None
    return tuple(out)


def _texts(values: Iterable[Any]) -> tuple[Text, ...]:
    return tuple(Text.coerce(v) for v in values)


def _to_opt_float(value: Any) -> float | None:
    return None if value is None else float(value)


def _to_codes(values: Iterable[Any]) -> tuple[float | str, ...]:
    return tuple(_code(x) for x in values)


def _to_code_text(value: Any) -> str:
    return _format_code(_code(value))


@attrs.frozen
class Scale:
    """A response scale: ordered numeric points, their labels and non-score codes.

    Parameters
    ----------
    points
        The codes of the scale, strictly increasing (e.g. ``1, 2, 3, 4, 5``).
    labels
        One label per point (optional).
    dont_know
        Codes meaning "don't know / not applicable" (e.g. ``9`` or ``"nr"``):
        valid answers, but never scores.
    dont_know_labels
        Labels of those codes (optional).
    id
        A name for the scale (the XLSForm list name), optional.

    Examples
    --------
    >>> s = Scale((1, 2, 3, 4), dont_know=(9,))
    >>> s.min, s.max, s.rescale(2.0), s.reverse(1.0)
    (1.0, 4.0, 33.33333333333333, 4.0)
    >>> s.top_box(2)
    (3.0, 4.0)
    """

    points: tuple[float, ...] = attrs.field(converter=_floats)
    labels: tuple[Text, ...] = attrs.field(default=(), converter=_texts)
    dont_know: tuple[float | str, ...] = attrs.field(default=(), converter=_to_codes)
    dont_know_labels: tuple[Text, ...] = attrs.field(default=(), converter=_texts)
    id: str | None = None

    def __attrs_post_init__(self) -> None:
        if len(self.points) < 2:
            raise DefinitionError("a scale needs at least two points", field="points")
        if any(b <= a for a, b in zip(self.points, self.points[1:], strict=False)):
            raise DefinitionError(
                f"scale points must be strictly increasing, not {list(self.points)}",
                field="points",
            )
        if any(not math.isfinite(p) for p in self.points):
            raise DefinitionError("scale points must be finite numbers", field="points")
        if self.labels and len(self.labels) != len(self.points):
            raise DefinitionError(
                f"{len(self.points)} points need {len(self.points)} labels, not {len(self.labels)}",
                field="labels",
            )
        if set(self.dont_know) & set(self.points):
            raise DefinitionError(
                "a 'don't know' code cannot also be a point of the scale", field="dont_know"
            )
        if self.dont_know_labels and len(self.dont_know_labels) != len(self.dont_know):
            raise DefinitionError("give one label per 'don't know' code", field="dont_know_labels")

    @property
    def min(self) -> float:
        """The lowest point."""
        return self.points[0]

    @property
    def max(self) -> float:
        """The highest point."""
        return self.points[-1]

    def rescale(self, x: Any) -> Any:
        """``(x - min) / (max - min) * 100`` (works on numbers and arrays)."""
        return (x - self.min) / (self.max - self.min) * 100.0

    def reverse(self, x: Any) -> Any:
        """Reverse-code ``x``: ``min + max - x``."""
        return self.min + self.max - x

    def top_box(self, k: int = 2) -> tuple[float, ...]:
        """The ``k`` highest points."""
        return self.points[-k:]

    def bottom_box(self, k: int = 2) -> tuple[float, ...]:
        """The ``k`` lowest points."""
        return self.points[:k]

    def label_of(self, code: float | str, lang: str = "it") -> str:
        """The label of a point or a don't-know code (the code itself if unlabelled)."""
        c = _code(code)
        if c in self.points and self.labels:
            return self.labels[self.points.index(c)].get(lang)
        if c in self.dont_know and self.dont_know_labels:
            return self.dont_know_labels[self.dont_know.index(c)].get(lang)
        return _format_code(c)

    @classmethod
    def likert(cls, n: int = 5, *, dont_know: Sequence[float | str] = ()) -> Scale:
        """A Likert scale ``1..n``."""
        return cls(tuple(range(1, n + 1)), dont_know=tuple(dont_know), id=f"likert{n}")

    @classmethod
    def recommend(cls) -> Scale:
        """The 0-10 "would you recommend" scale of the Net Promoter Score."""
        return cls(tuple(range(0, 11)), id="recommend")

    @classmethod
    def yes_no(cls) -> Scale:
        """``0`` = no, ``1`` = yes."""
        return cls((0, 1), labels=(Text("No", "No", "Nein"), Text("Sì", "Yes", "Ja")), id="yes_no")

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any], *, source: str | None = None) -> Scale:
        """Build a scale from ``{points = [...]}`` or ``{min = 1, max = 5}`` plus labels.

        Examples
        --------
        >>> Scale.from_mapping({"min": 1, "max": 4, "dont_know": [9]}).points
        (1.0, 2.0, 3.0, 4.0)
        """
        check_table(mapping, "scale", source)
        data = dict(mapping)
        if "min" in data or "max" in data:
            if "points" in data:
                raise DefinitionError(
                    "give either 'points' or 'min'/'max'", source=source, field="points"
                )
            try:
                lo, hi = int(data.pop("min")), int(data.pop("max"))
            except (KeyError, TypeError, ValueError):
                raise DefinitionError(
                    "'min' and 'max' must both be integers", source=source, field="min"
                ) from None
            data["points"] = tuple(range(lo, hi + 1))
        from qualitapa.models import from_mapping

        result: Scale = from_mapping(cls, data, source=source, kind="scale")
        return result


def _format_code(c: float | str) -> str:
    if isinstance(c, float) and c.is_integer():
        return str(int(c))
    return str(c)


@attrs.frozen
class Choice:
    """One option of a single or multiple choice question.

    ``dont_know`` marks a "don't know / not applicable" option.

    Parameters
    ----------
    code
        The answer's code in the responses, without spaces (multiple-choice
        answers are space-separated codes).
    label
        The option's text in Italian and other languages (default: the code).
    dont_know
        True for a "don't know / not applicable" option.

    Examples
    --------
    >>> Choice("web", Text("Sito web", "Website")).label.get("en")
    'Website'
    """

    code: str = attrs.field(converter=_to_code_text)
    label: Text = attrs.field(converter=to_text)
    dont_know: bool = False

    @code.validator
    def _check_code(self, attribute: attrs.Attribute[str], value: str) -> None:
        if not value or any(ch.isspace() for ch in value):
            raise DefinitionError(
                f"choice code {value!r} must be non-empty and without spaces "
                "(multiple-choice answers are space-separated codes)",
                field="code",
            )

    @classmethod
    def coerce(cls, value: Any) -> Choice:
        """From a Choice, a ``{code, label, dont_know}`` table or a plain code."""
        if isinstance(value, Choice):
            return value
        if isinstance(value, Mapping):
            unknown = set(value) - {"code", "label", "dont_know"}
            if unknown:
                raise DefinitionError(
                    f"unknown field(s) {sorted(unknown)} for a choice", field=sorted(unknown)[0]
                )
            if "code" not in value:
                raise DefinitionError("a choice needs a 'code'", field="code")
            return cls(
                value["code"],
                value.get("label", str(value["code"])),
                bool(value.get("dont_know", False)),
            )
        return cls(value, str(value))


#: Id of the overall index in scoring results: no dimension may use it.
OVERALL = "overall"
#: Label of the overall index (:data:`OVERALL`) in scoring results.
OVERALL_LABEL = Text(
    "Indice complessivo di soddisfazione", "Overall satisfaction index", "Gesamtzufriedenheitsindex"
)


@attrs.frozen
class SurveyDimension:
    """A dimension of a questionnaire (accessibility, waiting time, courtesy...).

    ``weight`` is the declared weight of the dimension in the overall
    index (used when the questionnaire has no importance items).

    Parameters
    ----------
    id
        Stable id that questions name in their ``dimension`` (a letter or
        ``_``, then letters, digits, ``_``, ``-`` or ``.``; not ``overall``).
    label
        Name in Italian and other languages.
    weight
        Declared weight in the overall index, a positive number (optional).

    Examples
    --------
    >>> SurveyDimension("waiting", Text("Tempi di attesa", "Waiting time"), weight=2).weight
    2.0
    """

    id: str = attrs.field(validator=_check_question_id)
    label: Text = attrs.field(converter=to_text)
    weight: float | None = attrs.field(default=None, converter=_to_opt_float)

    @id.validator
    def _check_reserved(self, attribute: attrs.Attribute[Any], value: str) -> None:
        if value == OVERALL:
            raise DefinitionError(
                f"{OVERALL!r} is reserved for the overall index that scoring adds; name the "
                "dimension of the overall-satisfaction items e.g. 'overall_satisfaction'",
                item=value,
                field="id",
            )

    @weight.validator
    def _check_weight(self, attribute: attrs.Attribute[Any], value: float | None) -> None:
        if value is not None and not (math.isfinite(value) and value > 0):
            raise DefinitionError(
                f"a dimension weight must be positive, not {value}", item=self.id, field="weight"
            )

    @classmethod
    def from_mapping(
        cls, mapping: Mapping[str, Any], *, source: str | None = None
    ) -> SurveyDimension:
        """Build a dimension from a TOML table or dict."""
        from qualitapa.models import from_mapping

        result: SurveyDimension = from_mapping(cls, mapping, source=source, kind="survey dimension")
        return result


def _to_choices(values: Iterable[Any]) -> tuple[Choice, ...]:
    return tuple(Choice.coerce(c) for c in values)


def _to_dimensions(values: Iterable[SurveyDimension]) -> tuple[SurveyDimension, ...]:
    return tuple(values)


def _to_questions(values: Iterable[Question]) -> tuple[Question, ...]:
    return tuple(values)


def _default_scale(qtype: QuestionType) -> Scale | None:
    if qtype is QuestionType.YES_NO:
        return Scale.yes_no()
    if qtype is QuestionType.RECOMMEND:
        return Scale.recommend()
    return None


@attrs.frozen
class Question(LocalScope):
    """One question of an :class:`Instrument`.

    Parameters
    ----------
    id
        Stable id; also the column name in the responses.
    type
        A :class:`QuestionType` (or its string value).
    label
        Text of the question in Italian and other languages.
    dimension
        The :class:`SurveyDimension` id the item belongs to (scored items).
    scale
        The response :class:`Scale` (required for likert and rating; yes/no
        defaults to 0/1 and recommend to 0-10).
    choices
        The options of single and multiple choice questions.
    reverse
        Reverse-coded item: scored as ``min + max - x``.
    importance_of
        This item rates the importance of the item with this id.
    expectation_of
        This item measures the *expectation* for the item with this id
        (SERVQUAL gap = perception - expectation).
    relevant
        Skip condition (XLSForm expression): the question is asked only
        where it is true.
    constraint
        Validity condition on the answer ``.`` (XLSForm expression).
    constraint_message
        Message shown when the constraint fails.
    required
        An answer is required (where relevant).
    weight
        Declared weight of the item within its dimension (default 1).
    hint
        Help text (optional).
    organizations
        Ids of the organizations whose respondents are asked the question;
        empty (the default): every organization. A question with
        organizations is *local*: a city's addition to a shared
        questionnaire. Its answers are scored for those organizations only
        and never compared across organizations (see ``docs/surveys.md``).

    Examples
    --------
    >>> q = Question("wait", "likert", Text("Attesa"), scale=Scale.likert(4),
    ...              constraint=". != 3", relevant="${visited} = 'yes'")
    >>> q.type, sorted(q.relevant_expression.references)
    (<QuestionType.LIKERT: 'likert'>, ['visited'])
    >>> bz = Question("bilingual", "likert", Text("Servizio bilingue", de="Zweisprachiger Dienst"),
    ...               scale=Scale.likert(5), organizations=["021008"])
    >>> bz.is_local, bz.applies_to("021008"), bz.applies_to("022205"), q.applies_to("022205")
    (True, True, False, True)
    """

    id: str = attrs.field(validator=_check_question_id)
    type: QuestionType = attrs.field(converter=QuestionType)
    label: Text = attrs.field(converter=to_text)
    dimension: str | None = None
    scale: Scale | None = None
    choices: tuple[Choice, ...] = attrs.field(default=(), converter=_to_choices)
    reverse: bool = False
    importance_of: str | None = None
    expectation_of: str | None = None
    relevant: str | None = None
    constraint: str | None = None
    constraint_message: Text | None = attrs.field(default=None, converter=to_optional_text)
    required: bool = False
    weight: float | None = attrs.field(default=None, converter=_to_opt_float)
    hint: Text | None = attrs.field(default=None, converter=to_optional_text)
    organizations: tuple[str, ...] = attrs.field(
        default=(), converter=to_organizations, validator=check_organizations
    )
    _relevant_expr: Expression | None = attrs.field(init=False, default=None, eq=False, repr=False)
    _constraint_expr: Expression | None = attrs.field(
        init=False, default=None, eq=False, repr=False
    )

    def __attrs_post_init__(self) -> None:
        if self.scale is None and self.type.scaled:
            default = _default_scale(self.type)
            if default is None:
                raise DefinitionError(
                    f"a {self.type.value} question needs a scale", item=self.id, field="scale"
                )
            object.__setattr__(self, "scale", default)
        if self.scale is not None and not self.type.scaled:
            if self.type is QuestionType.NUMERIC:
                pass  # a numeric question may declare an expected range
            else:
                raise DefinitionError(
                    f"a {self.type.value} question has no scale (use 'choices')",
                    item=self.id,
                    field="scale",
                )
        if self.type.has_choices and not self.choices:
            raise DefinitionError(
                f"a {self.type.value} choice question needs 'choices'",
                item=self.id,
                field="choices",
            )
        if self.choices and not self.type.has_choices:
            raise DefinitionError(
                f"a {self.type.value} question has no 'choices'", item=self.id, field="choices"
            )
        codes = [c.code for c in self.choices]
        if len(set(codes)) != len(codes):
            raise DefinitionError("choice codes must be unique", item=self.id, field="choices")
        if self.reverse and not self.type.scaled:
            raise DefinitionError(
                "only scaled questions can be reverse-coded", item=self.id, field="reverse"
            )
        if self.weight is not None and not (math.isfinite(self.weight) and self.weight > 0):
            raise DefinitionError(
                f"an item weight must be positive, not {self.weight}",
                item=self.id,
                field="weight",
            )
        for name in ("relevant", "constraint"):
            text = getattr(self, name)
            if text is not None and str(text).strip():
                expr = Expression.parse(str(text), item=self.id, field=name)
                if name == "relevant" and expr.uses_self:
                    raise FormulaError(
                        "'.' can only be used in a constraint",
                        formula=str(text),
                        token=".",
                        item=self.id,
                        field=name,
                    )
                object.__setattr__(self, f"_{name}_expr", expr)
            elif text is not None:
                object.__setattr__(self, name, None)

    @property
    def relevant_expression(self) -> Expression | None:
        """The parsed ``relevant`` expression (None when always relevant)."""
        return self._relevant_expr

    @property
    def constraint_expression(self) -> Expression | None:
        """The parsed ``constraint`` expression."""
        return self._constraint_expr

    @property
    def scored(self) -> bool:
        """A scaled item belonging to a dimension (it enters the indices)."""
        return self.type.scaled and self.dimension is not None

    @property
    def references(self) -> frozenset[str]:
        """Ids of the questions this one depends on.

        Those named by ``relevant`` and ``constraint``, ``importance_of`` and
        ``expectation_of``.
        """
        refs: set[str] = set()
        for expr in (self._relevant_expr, self._constraint_expr):
            if expr is not None:
                refs |= expr.references
        refs |= {r for r in (self.importance_of, self.expectation_of) if r}
        return frozenset(refs)

    def valid_codes(self) -> tuple[float | str, ...]:
        """Every accepted code: scale points and don't-know codes, or choice codes."""
        if self.scale is not None and self.type.scaled:
            return self.scale.points + self.scale.dont_know
        return tuple(c.code for c in self.choices)

    @classmethod
    def from_mapping(
        cls,
        mapping: Mapping[str, Any],
        *,
        source: str | None = None,
        scales: Mapping[str, Scale] | None = None,
    ) -> Question:
        """Build a question from a TOML table; ``scale`` may name one of ``scales``.

        Examples
        --------
        >>> Question.from_mapping({"id": "q1", "type": "likert", "label": "Cortesia",
        ...                        "scale": {"min": 1, "max": 5}}).scale.max
        5.0
        """
        from qualitapa.models import from_mapping

        scales = scales or {}

        def scale_conv(value: Any) -> Scale:
            if isinstance(value, Scale):
                return value
            if isinstance(value, str):
                if value in scales:
                    return scales[value]
                m = re.fullmatch(r"likert(\d+)", value)
                if m:
                    return Scale.likert(int(m.group(1)))
                if value in ("recommend", "yes_no"):
                    return Scale.recommend() if value == "recommend" else Scale.yes_no()
                raise DefinitionError(
                    f"unknown scale {value!r}; declared scales: {sorted(scales)}",
                    field="scale",
                )
            return Scale.from_mapping(value)

        result: Question = from_mapping(
            cls,
            mapping,
            source=source,
            kind="question",
            converters={"scale": scale_conv},
        )
        return result


def _asked_wherever(question: Question, other: Question) -> bool:
    """Whether ``other`` is asked in every organization where ``question`` is."""
    if not other.organizations:
        return True
    return bool(question.organizations) and set(question.organizations) <= set(other.organizations)


def _scope_text(question: Question) -> str:
    """``"every organization"`` or ``"organizations ['021008']"``."""
    if not question.organizations:
        return "every organization"
    return f"organizations {list(question.organizations)}"


def _str_map(value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise DefinitionError(
            "previous_version must be a table {current_id = 'earlier_id'}",
            field="previous_version",
        )
    return {str(k): str(v) for k, v in value.items()}


@attrs.frozen
class Instrument:
    """A questionnaire (strumento di rilevazione): dimensions and questions.

    Parameters
    ----------
    id
        Stable id, e.g. ``"registry.counter"``.
    label
        Title in Italian and other languages.
    version
        Version label (e.g. ``"2024"``).
    service
        The service surveyed (checked against the catalog).
    dimensions
        The :class:`SurveyDimension` objects, in order.
    questions
        The :class:`Question` objects, in order; at least one (in TOML,
        unless ``xlsform`` gives them).
    previous_version
        Mapping of this version's item ids to the ids of the same items in
        the earlier version, so trends survive questionnaire changes.
    supersedes
        The version label of that earlier version.
    respondent
        Name of the respondent-id column in the responses.

    Notes
    -----
    *Local questions* (:attr:`Question.organizations`) are a city's
    additions to a shared questionnaire. A question may depend (``relevant``,
    ``constraint``, ``importance_of``, ``expectation_of``) only on questions
    asked wherever it is asked: a local importance item of a shared question
    is fine, a shared question depending on a local one is an error. A
    local question may belong to a shared dimension: dimension indices
    compared across organizations use the shared questions only
    (:meth:`shared`), an organization's own results may add its local
    questions (:meth:`for_organizations`).

    Raises
    ------
    DefinitionError
        Duplicated question ids, references to unknown dimensions or
        questions, importance items that are not scaled, a question that
        depends on a question not asked in all of its organizations.

    Examples
    --------
    >>> inst = Instrument.from_mapping({
    ...     "id": "libraries.users", "label": {"it": "Utenti biblioteca", "en": "Library users"},
    ...     "dimensions": [{"id": "staff", "label": "Personale"}],
    ...     "questions": [
    ...         {"id": "courtesy", "type": "likert", "label": "Cortesia", "dimension": "staff",
    ...          "scale": "likert5"},
    ...         {"id": "imp_courtesy", "type": "likert", "label": "Importanza cortesia",
    ...          "scale": "likert5", "importance_of": "courtesy"},
    ...     ],
    ...     "previous_version": {"courtesy": "q7"},
    ... })
    >>> inst.importance_items()
    {'courtesy': 'imp_courtesy'}
    """

    id: str = attrs.field(validator=check_id)
    label: Text = attrs.field(converter=to_text)
    version: str = attrs.field(default="1", converter=str)
    service: str | None = None
    dimensions: tuple[SurveyDimension, ...] = attrs.field(default=(), converter=_to_dimensions)
    questions: tuple[Question, ...] = attrs.field(default=(), converter=_to_questions)
    previous_version: Mapping[str, str] = attrs.field(factory=dict, converter=_str_map)
    supersedes: str | None = None
    respondent: str = "respondent"

    def __attrs_post_init__(self) -> None:
        ids = [q.id for q in self.questions]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise DefinitionError(
                f"duplicated question id(s) {dup}", item=self.id, field="questions"
            )
        if not self.questions:
            raise DefinitionError("an instrument needs questions", item=self.id, field="questions")
        dims = [d.id for d in self.dimensions]
        if len(set(dims)) != len(dims):
            raise DefinitionError("duplicated dimension ids", item=self.id, field="dimensions")
        by_id = {q.id: q for q in self.questions}
        if self.respondent in by_id:
            raise DefinitionError(
                f"the respondent column {self.respondent!r} is also a question id",
                item=self.id,
                field="respondent",
            )
        for q in self.questions:
            if q.dimension is not None and q.dimension not in dims:
                raise DefinitionError(
                    f"question {q.id!r} refers to undeclared dimension {q.dimension!r} "
                    f"(declared: {dims})",
                    item=self.id,
                    field="dimension",
                )
            for fld in ("importance_of", "expectation_of"):
                target = getattr(q, fld)
                if target is None:
                    continue
                if target not in by_id or not by_id[target].type.scaled:
                    raise DefinitionError(
                        f"question {q.id!r}: {fld} must name a scaled question, not {target!r}",
                        item=self.id,
                        field=fld,
                    )
                if not q.type.scaled:
                    raise DefinitionError(
                        f"question {q.id!r} with {fld} must be a scaled question",
                        item=self.id,
                        field=fld,
                    )
            for fld, expr in (
                ("relevant", q.relevant_expression),
                ("constraint", q.constraint_expression),
            ):
                if expr is None:
                    continue
                unknown = sorted(expr.references - set(by_id))
                if unknown:
                    raise FormulaError(
                        "refers to unknown question(s)",
                        formula=expr.text,
                        token="${" + unknown[0] + "}",
                        item=q.id,
                        field=fld,
                        source=self.id,
                    )
        for q in self.questions:
            for ref in sorted(q.references & set(by_id)):
                if not _asked_wherever(q, by_id[ref]):
                    raise DefinitionError(
                        f"question {q.id!r} is asked in {_scope_text(q)} but depends on "
                        f"{ref!r}, asked only in {_scope_text(by_id[ref])}: a question can "
                        "depend only on questions asked wherever it is asked (give "
                        f"{q.id!r} the organizations of {ref!r}, or make {ref!r} shared)",
                        item=self.id,
                        field="organizations",
                    )
        unknown_prev = sorted(set(self.previous_version) - set(by_id))
        if unknown_prev:
            raise DefinitionError(
                f"previous_version maps unknown question(s) {unknown_prev}",
                item=self.id,
                field="previous_version",
            )
        for t in ("importance_of", "expectation_of"):
            targets = [getattr(q, t) for q in self.questions if getattr(q, t)]
            if len(set(targets)) != len(targets):
                raise DefinitionError(
                    f"two questions declare {t} for the same item", item=self.id, field=t
                )

    # -- lookups -----------------------------------------------------------
    def question(self, question_id: str) -> Question:
        """The question ``question_id``.

        Raises
        ------
        UnknownItemError
            With suggestions of close ids.
        """
        for q in self.questions:
            if q.id == question_id:
                return q
        import difflib

        from qualitapa.errors import UnknownItemError

        raise UnknownItemError(
            "question",
            question_id,
            suggestions=difflib.get_close_matches(question_id, [q.id for q in self.questions]),
        )

    def items(self, dimension: str | None = None) -> list[Question]:
        """Scored items (scaled questions in a dimension), optionally of one dimension."""
        return [
            q
            for q in self.questions
            if q.scored and (dimension is None or q.dimension == dimension)
        ]

    def dimension_items(self) -> dict[str, list[str]]:
        """Dimension id -> ids of its scored items (dimensions without items omitted)."""
        out: dict[str, list[str]] = {}
        for d in self.dimensions:
            ids = [q.id for q in self.items(d.id)]
            if ids:
                out[d.id] = ids
        return out

    def importance_items(self) -> dict[str, str]:
        """Item id -> id of the item rating its importance."""
        return {q.importance_of: q.id for q in self.questions if q.importance_of}

    def expectation_items(self) -> dict[str, str]:
        """Perception item id -> id of its expectation item (SERVQUAL pairs)."""
        return {q.expectation_of: q.id for q in self.questions if q.expectation_of}

    def questions_for(self, organization: str) -> list[Question]:
        """The questions the respondents of ``organization`` are asked (shared and local).

        Examples
        --------
        >>> inst = Instrument("c", "C", questions=[
        ...     Question("wait", "likert", "Attesa", scale=Scale.likert(5)),
        ...     Question("bilingual", "likert", "Bilinguismo", scale=Scale.likert(5),
        ...              organizations=["021008"])])
        >>> [q.id for q in inst.questions_for("021008")], [q.id for q in inst.questions_for("x")]
        (['wait', 'bilingual'], ['wait'])
        """
        return [q for q in self.questions if q.applies_to(organization)]

    def shared_questions(self) -> list[Question]:
        """The questions asked in every organization (not local)."""
        return [q for q in self.questions if not q.is_local]

    def local_questions(self) -> list[Question]:
        """The questions asked in some organizations only."""
        return [q for q in self.questions if q.is_local]

    def for_organizations(self, organizations: Iterable[str]) -> Instrument:
        """This instrument with the questions asked in *every* one of ``organizations``.

        The shared questions and the local questions of all of them: what
        their respondents can be compared on. With no organization, the
        shared questions only (:meth:`shared`). A question keeps what it
        depends on (see the class notes); ``previous_version`` keeps the
        remaining questions.

        Raises
        ------
        DefinitionError
            No question is asked in all of them.

        Examples
        --------
        >>> inst = Instrument("c", "C", questions=[
        ...     Question("wait", "likert", "Attesa", scale=Scale.likert(5)),
        ...     Question("bilingual", "likert", "Bilinguismo", scale=Scale.likert(5),
        ...              organizations=["021008", "021051"])])
        >>> [q.id for q in inst.for_organizations(["021008", "021051"]).questions]
        ['wait', 'bilingual']
        >>> [q.id for q in inst.for_organizations(["021008", "022205"]).questions]
        ['wait']
        """
        orgs = list(organizations)
        keep = tuple(
            q
            for q in self.questions
            if not q.is_local or (orgs and all(q.applies_to(o) for o in orgs))
        )
        if len(keep) == len(self.questions):
            return self
        if not keep:
            raise DefinitionError(
                f"no question of the instrument is asked in every one of {orgs}",
                item=self.id,
                field="organizations",
            )
        ids = {q.id for q in keep}
        previous = {k: v for k, v in self.previous_version.items() if k in ids}
        return attrs.evolve(self, questions=keep, previous_version=previous)

    def shared(self) -> Instrument:
        """This instrument with its shared questions only (what every city is asked)."""
        return self.for_organizations(())

    def nps_questions(self) -> list[Question]:
        """The 0-10 "would you recommend" questions."""
        return [q for q in self.questions if q.type is QuestionType.RECOMMEND]

    def map_previous(self, responses: pd.DataFrame) -> pd.DataFrame:
        """Rename the columns of responses to the earlier version to this version's ids.

        Examples
        --------
        >>> inst = Instrument("x", "X", questions=[Question("courtesy", "likert", "C",
        ...                   scale=Scale.likert(5))], previous_version={"courtesy": "q7"})
        >>> list(inst.map_previous(pd.DataFrame({"q7": [4]})).columns)
        ['courtesy']
        """
        reverse = {old: new for new, old in self.previous_version.items()}
        clash = [
            old for old, new in reverse.items() if new in responses.columns and old in responses
        ]
        if clash:
            from qualitapa.errors import DataError

            raise DataError(
                "the responses have both the earlier and the current id of an item",
                column=clash[0],
            )
        return responses.rename(columns=reverse)

    # -- construction ----------------------------------------------------------
    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any], *, source: str | None = None) -> Instrument:
        """Build an instrument from a TOML table (or dict).

        Besides the fields of the class, ``scales`` declares named scales
        that questions refer to by name, and ``xlsform = "form.xlsx"`` (or a
        folder of CSV sheets) loads the questionnaire from an XLSForm file
        relative to the TOML file; the other keys of the table then
        override the form's settings (``id``, ``version``, ``service``...).

        Raises
        ------
        DefinitionError
            Naming ``source``, the instrument and the field at fault.
        """
        from qualitapa.models import from_mapping

        check_table(mapping, "instrument", source)
        data = dict(mapping)
        item = str(data.get("id")) if data.get("id") else None
        if "xlsform" in data:
            return _xlsform_instrument(data, source, item)
        scales = _named_scales(data.pop("scales", []) or [], source, item)

        def dims(value: Any) -> tuple[SurveyDimension, ...]:
            if not isinstance(value, list):
                raise DefinitionError("dimensions must be an array of tables", field="dimensions")
            return tuple(
                v if isinstance(v, SurveyDimension) else SurveyDimension.from_mapping(v)
                for v in value
            )

        def questions(value: Any) -> tuple[Question, ...]:
            if not isinstance(value, list):
                raise DefinitionError("questions must be an array of tables", field="questions")
            out = []
            for v in value:
                if isinstance(v, Question):
                    out.append(v)
                    continue
                try:
                    out.append(Question.from_mapping(v, scales=scales))
                except DefinitionError as exc:
                    qid = v.get("id") if isinstance(v, Mapping) else None
                    raise DefinitionError(
                        f"question {qid!r}: {exc.message}" if qid else exc.message,
                        field=exc.field or "questions",
                    ) from exc
            return tuple(out)

        result: Instrument = from_mapping(
            cls,
            data,
            source=source,
            kind="survey instrument",
            converters={"dimensions": dims, "questions": questions},
        )
        return result

    @classmethod
    def from_xlsform(cls, path: str | Path) -> Instrument:
        """Read an XLSForm: an ``.xlsx`` workbook, or CSV sheets.

        See :func:`qualitapa.surveys.read_xlsform`.
        """
        from qualitapa.surveys._xlsform import read_xlsform

        return read_xlsform(path)

    def to_xlsform(
        self, path: str | Path | None = None, *, languages: Sequence[str] | None = None
    ) -> dict[str, pd.DataFrame]:
        """The XLSForm sheets of this instrument; written to ``path`` when given.

        Every language of its texts by default. See :func:`qualitapa.surveys.write_xlsform`.
        """
        from qualitapa.surveys._xlsform import write_xlsform

        return write_xlsform(self, path, languages=languages)

    def to_frame(self, lang: str = "it") -> pd.DataFrame:
        """The questions as a table: one row each, in the order of the form.

        Columns ``id``, ``type``, ``dimension``, ``scale`` (``"1-5"``, with the
        "don't know" codes: ``"1-5 (dk 9.0)"``), ``required``, ``relevant`` and
        ``label`` (in ``lang``, Italian when no translation is given).

        Examples
        --------
        >>> from qualitapa.models import Text
        >>> inst = Instrument("c", Text("Sportello"), questions=[
        ...     Question("q1", "likert", Text("Cortesia", "Courtesy"),
        ...              scale=Scale((1, 2, 3, 4, 5), dont_know=(9,))),
        ...     Question("q2", "text", Text("Suggerimenti"))])
        >>> inst.to_frame("en")[["id", "type", "scale", "label"]]
           id    type         scale         label
        0  q1  likert  1-5 (dk 9.0)      Courtesy
        1  q2    text                Suggerimenti
        """
        rows = [
            {
                "id": q.id,
                "type": q.type.value,
                "dimension": q.dimension or "",
                "scale": _scale_text(q.scale),
                "required": q.required,
                "relevant": q.relevant or "",
                "label": q.label.get(lang),
            }
            for q in self.questions
        ]
        columns = ["id", "type", "dimension", "scale", "required", "relevant", "label"]
        return pd.DataFrame(rows, columns=columns)

    def check(self, catalog: Catalog) -> list[str | Problem]:
        """Problems found against ``catalog``, and those that do not prevent use.

        Organizations of local questions that no plugin registers (an
        error, suggesting the closest registered id); dimensions without
        items and questions without an English label (warnings).
        """
        problems: list[str | Problem] = []
        known = list(getattr(catalog, "organizations", {}))
        for q in self.questions:
            for org in q.organizations:
                if org in known:
                    continue
                import difflib

                from qualitapa.catalog import Problem
                from qualitapa.problems import Rule

                close = difflib.get_close_matches(org, known, n=1, cutoff=0.6)
                problems.append(
                    Problem(
                        None,
                        "survey instrument",
                        self.id,
                        f"question {q.id!r} is asked in organization {org!r}, which no "
                        "plugin registers",
                        field="organizations",
                        value=org,
                        rule=Rule.UNKNOWN_VALUE,
                        suggestion=(
                            f"did you mean {close[0]!r}?"
                            if close
                            else "use the id of an organization a plugin registers "
                            "(its ISTAT code, e.g. '021008')"
                        ),
                    )
                )
        used = {q.dimension for q in self.questions}
        for d in self.dimensions:
            if d.id not in used:
                problems.append(f"dimension {d.id!r} has no questions")
        for q in self.questions:
            if q.label.en is None:
                from qualitapa.catalog import Problem

                problems.append(
                    Problem(
                        None,
                        "survey instrument",
                        self.id,
                        f"question {q.id!r} has no English label",
                        "warning",
                    )
                )
        return problems


#: What a TOML table with ``xlsform`` may set besides the form.
_XLSFORM_OVERRIDES = (
    "id",
    "label",
    "version",
    "service",
    "previous_version",
    "supersedes",
    "respondent",
)


def _xlsform_instrument(data: dict[str, Any], source: str | None, item: str | None) -> Instrument:
    """The instrument of a TOML table with ``xlsform``: the form, its settings overridden."""
    from qualitapa.surveys._xlsform import read_xlsform

    form = Path(str(data.pop("xlsform")))
    if not form.is_absolute():
        form = _source_dir(source) / form
    with _located(source, item):
        inst = read_xlsform(form)
    overrides = {k: v for k, v in data.items() if k != "scales"}
    allowed = set(_XLSFORM_OVERRIDES)
    unknown = sorted(set(overrides) - allowed)
    if unknown:
        raise DefinitionError(
            f"with 'xlsform', only {sorted(allowed)} may be given, not {unknown}",
            source=source,
            item=item,
            field=unknown[0],
        )
    with _located(source, item):
        if "label" in overrides:
            overrides["label"] = Text.coerce(overrides["label"])
        return attrs.evolve(inst, **overrides)


@contextlib.contextmanager
def _located(source: str | None, item: str | None) -> Iterator[None]:
    """A :class:`DefinitionError` raised inside names ``source`` (and ``item`` if it has none)."""
    try:
        yield
    except DefinitionError as exc:
        raise DefinitionError(
            exc.message, source=source, item=exc.item or item, field=exc.field
        ) from exc


def _named_scales(entries: Iterable[Any], source: str | None, item: str | None) -> dict[str, Scale]:
    """The ``scales`` of a TOML table by id (questions refer to them by name)."""
    scales: dict[str, Scale] = {}
    for n, entry in enumerate(entries, start=1):
        try:
            s = Scale.from_mapping(entry)
        except DefinitionError as exc:
            raise DefinitionError(
                f"scale {n}: {exc.message}", source=source, item=item, field="scales"
            ) from exc
        if not s.id:
            raise DefinitionError(
                f"scale {n} needs an 'id' to be referred to",
                source=source,
                item=item,
                field="scales",
            )
        scales[s.id] = s
    return scales


def _source_dir(source: str | None) -> Path:
    """The folder of the TOML file named at the start of a ``source`` string."""
    if not source:
        return Path.cwd()
    path = Path(str(source).split(", [[", 1)[0])
    return path.parent if path.suffix else path


def _scale_text(scale: Scale | None) -> str:
    """``"1-5"``, with the "don't know" codes: ``"1-5 (dk 9.0)"``; empty without a scale."""
    if scale is None:
        return ""
    text = f"{scale.min:g}-{scale.max:g}"
    if scale.dont_know:
        text += f" (dk {','.join(str(c) for c in scale.dont_know)})"
    return text
