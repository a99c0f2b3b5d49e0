"""Improvement plans (piani di miglioramento): prioritised actions with status tracking.

Priority rule
-------------
Each action has ``impact``, ``urgency`` and ``effort`` on a 1-5 scale and

    priority = impact * urgency / effort

so it ranges from 0.2 (low impact, not urgent, hard) to 25 (high impact,
urgent, easy). Ties are broken by the earlier due date.

Status tracking
---------------
``proposed -> planned -> in_progress -> done``, with ``on_hold`` (from and
back to ``in_progress``) and ``cancelled`` (from any open status). Every
change is an appended event (who, when, from, to, note): nothing is
overwritten. Invalid changes raise :class:`~qualitapa.errors.TransitionError`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import numpy as np
import pandas as pd

from qualitapa._labelling import LabelledEnum
from qualitapa.errors import DataError, DefinitionError, TransitionError
from qualitapa.io import require_columns, to_numeric_column
from qualitapa.models import Text, to_date


class ActionSource(LabelledEnum):
    """What an action answers to; each member has its ``label`` (Italian, English, German).

    Examples
    --------
    >>> ActionSource("caf").label.get("de")
    'CAF-Selbstbewertung'
    """

    CAF = "caf", Text("autovalutazione CAF", en="CAF self-assessment", de="CAF-Selbstbewertung")
    STANDARD = "standard", Text("standard di qualità", en="quality standard",
                                de="Qualitätsstandard")  # fmt: skip
    SURVEY = "survey", Text("indagine di soddisfazione", en="satisfaction survey",
                            de="Zufriedenheitsumfrage")  # fmt: skip
    BENCHMARK = "benchmark", Text("confronto tra enti", en="benchmarking",
                                  de="Vergleich der Körperschaften")  # fmt: skip
    #: An expected result of the annual quality plan not obtained (:mod:`qualitapa.programme`).
    PROGRAMME = "programme", Text("piano della qualità", en="quality plan", de="Qualitätsplan")
    #: A non-conformity found by an audit of a certified service (:mod:`qualitapa.programme`).
    CERTIFICATION = "certification", Text("certificazione", en="certification",
                                          de="Zertifizierung")  # fmt: skip
    #: A recurring complaint category or late answers (:func:`actions_from_complaints`).
    COMPLAINTS = "complaints", Text("reclami", en="complaints", de="Beschwerden")
    OTHER = "other", Text("altro", en="other", de="Sonstiges")


class ActionStatus(LabelledEnum):
    """Where an action stands; each member has its ``label`` (Italian, English, German).

    Examples
    --------
    >>> ActionStatus.IN_PROGRESS.label.get("it"), ActionStatus("done").label.get("en")
    ('in corso', 'done')
    """

    PROPOSED = "proposed", Text("proposta", en="proposed", de="vorgeschlagen")
    PLANNED = "planned", Text("pianificata", en="planned", de="geplant")
    IN_PROGRESS = "in_progress", Text("in corso", en="in progress", de="laufend")
    ON_HOLD = "on_hold", Text("sospesa", en="on hold", de="ausgesetzt")
    DONE = "done", Text("conclusa", en="done", de="abgeschlossen")
    CANCELLED = "cancelled", Text("annullata", en="cancelled", de="abgesagt")

    @property
    def is_open(self) -> bool:
        """Not done and not cancelled."""
        return self not in (ActionStatus.DONE, ActionStatus.CANCELLED)


_TRANSITIONS: dict[ActionStatus, frozenset[ActionStatus]] = {
    ActionStatus.PROPOSED: frozenset({ActionStatus.PLANNED, ActionStatus.CANCELLED}),
    ActionStatus.PLANNED: frozenset(
        {ActionStatus.IN_PROGRESS, ActionStatus.PROPOSED, ActionStatus.CANCELLED}
    ),
    ActionStatus.IN_PROGRESS: frozenset(
        {ActionStatus.DONE, ActionStatus.ON_HOLD, ActionStatus.CANCELLED}
    ),
    ActionStatus.ON_HOLD: frozenset({ActionStatus.IN_PROGRESS, ActionStatus.CANCELLED}),
    ActionStatus.DONE: frozenset(),
    ActionStatus.CANCELLED: frozenset(),
}

#: Columns of an action table (:meth:`ImprovementPlan.to_frame`, the ``actions_from_*``
#: functions, :meth:`ImprovementPlan.from_frame`).
ACTION_COLUMNS = [
    "id", "title", "source", "reference", "organization", "owner", "due", "expected_effect",
    "impact", "urgency", "effort", "priority", "status", "evidence", "department", "activity",
    "title_en", "title_de", "expected_effect_en", "expected_effect_de", "evidence_en",
    "evidence_de",
]  # fmt: skip
#: The texts of an action table written in Italian (``title``, ``expected_effect``,
#: ``evidence``) and their columns in English and German (``title_en``...): filled by the
#: ``actions_from_*`` functions, optional, blank when nobody translated an action written
#: by hand or the text is data (the CAF assessors' words, an audit's finding).
TRANSLATED_COLUMNS = {
    column: {"en": f"{column}_en", "de": f"{column}_de"}
    for column in ("title", "expected_effect", "evidence")
}
#: The columns of an action table that hold the title in a language other than Italian.
TITLE_COLUMNS = TRANSLATED_COLUMNS["title"]


def action_texts(actions: pd.DataFrame, column: str, lang: str) -> pd.Series:
    """Each action's ``column`` (a key of :data:`TRANSLATED_COLUMNS`) in ``lang``.

    The ``<column>_<lang>`` column where it is given, else ``column`` (the
    Italian one, as written by the quality office): a blank or missing
    translation falls back to it, so no action is left without its text.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"evidence": ["punteggio CAF 39,2", "verbale del 3 marzo"],
    ...                   "evidence_en": ["CAF score 39.2", None]})
    >>> action_texts(t, "evidence", "en").tolist()
    ['CAF score 39.2', 'verbale del 3 marzo']
    """
    require_columns(actions, [column])
    base = actions[column].astype("string").fillna("")
    twin = TRANSLATED_COLUMNS.get(column, {}).get(lang)
    if twin is None or twin not in actions.columns:
        return base.astype(object)
    own = actions[twin].astype("string").fillna("").str.strip()
    return own.where(own != "", base).astype(object)


def action_titles(actions: pd.DataFrame, lang: str) -> pd.Series:
    """Each action's title in ``lang``: its ``title_<lang>`` column, else ``title``.

    A blank or missing translation falls back to ``title`` (the Italian one,
    as written by the quality office), so no action is left without a title
    (:func:`action_texts` of ``title``).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"title": ["Migliorare 3.2", "Orari serali"],
    ...                   "title_de": ["3.2 verbessern", None]})
    >>> action_titles(t, "de").tolist(), action_titles(t, "en").tolist()
    (['3.2 verbessern', 'Orari serali'], ['Migliorare 3.2', 'Orari serali'])
    """
    return action_texts(actions, "title", lang)


def priority(impact: Any, urgency: Any, effort: Any) -> Any:
    """``impact * urgency / effort`` (scalars or arrays).

    Examples
    --------
    >>> priority(5, 4, 2)
    10.0
    """
    result = (
        np.asarray(impact, dtype=float)
        * np.asarray(urgency, dtype=float)
        / np.asarray(effort, dtype=float)
    )
    return float(result) if result.ndim == 0 else result


def _scale(instance: Any, attribute: attrs.Attribute[Any], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise DefinitionError(
            f"{attribute.name} must be a whole number from 1 to 5, not {value!r}",
            item=getattr(instance, "id", None),
            field=attribute.name,
        )


def _opt_date(value: Any) -> dt.date | None:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value == "":
        return None
    return to_date(value, "due")


def _source(value: Any) -> ActionSource:
    return ActionSource(str(value))


def _status(value: Any) -> ActionStatus:
    return ActionStatus(str(value))


@attrs.frozen
class Action:
    """One improvement action.

    Examples
    --------
    >>> a = Action("a1", "Piano di formazione", source="caf", reference="3.2",
    ...            impact=4, urgency=3, effort=2)
    >>> a.priority
    6.0
    """

    id: str
    title: str
    source: ActionSource = attrs.field(default=ActionSource.OTHER, converter=_source)
    reference: str = ""
    organization: str = ""
    owner: str = ""
    due: dt.date | None = attrs.field(default=None, converter=_opt_date)
    expected_effect: str = ""
    impact: int = attrs.field(default=3, validator=_scale)
    urgency: int = attrs.field(default=3, validator=_scale)
    effort: int = attrs.field(default=3, validator=_scale)
    status: ActionStatus = attrs.field(default=ActionStatus.PROPOSED, converter=_status)
    evidence: str = ""
    #: The department (settore) in charge, and the activity of the annual quality plan
    #: the action answers to (:mod:`qualitapa.programme`); blank when not linked.
    department: str = ""
    activity: str = ""
    #: The title in English and German (blank: not translated; ``title`` is Italian).
    title_en: str = ""
    title_de: str = ""
    #: The expected effect and the evidence in English and German (blank: not translated).
    expected_effect_en: str = ""
    expected_effect_de: str = ""
    evidence_en: str = ""
    evidence_de: str = ""

    @property
    def label(self) -> Text:
        """The title in Italian, English and German (a blank translation is absent).

        Examples
        --------
        >>> Action("a1", "Orari serali", title_de="Abendöffnungszeiten").label.get("de")
        'Abendöffnungszeiten'
        """
        return Text(self.title or self.id, self.title_en or None, self.title_de or None)

    @property
    def priority(self) -> float:
        """``impact * urgency / effort``."""
        return float(priority(self.impact, self.urgency, self.effort))


@attrs.frozen
class StatusEvent:
    """A status change of an action (appended, never edited)."""

    action: str
    when: dt.datetime
    who: str
    from_status: ActionStatus
    to_status: ActionStatus
    note: str = ""


@attrs.frozen
class ImprovementPlan:
    """A set of actions and the history of their status changes.

    The plan is immutable: :meth:`add` and :meth:`transition` return a new
    plan.

    Examples
    --------
    >>> import datetime as dt
    >>> plan = ImprovementPlan().add(Action("a1", "Orari serali", impact=4, urgency=4, effort=2))
    >>> plan = plan.transition("a1", "planned", who="quality office",
    ...                        when=dt.datetime(2025, 3, 1, 9, 0))
    >>> plan.actions[0].status
    <ActionStatus.PLANNED: 'planned'>
    >>> plan.transition("a1", "done", who="x")
    Traceback (most recent call last):
    ...
    qualitapa.errors.TransitionError: a1: cannot go from 'planned' to 'done'
    """

    actions: tuple[Action, ...] = ()
    events: tuple[StatusEvent, ...] = ()

    def __attrs_post_init__(self) -> None:
        ids = [a.id for a in self.actions]
        if len(set(ids)) != len(ids):
            dup = next(i for i in ids if ids.count(i) > 1)
            raise DefinitionError("action id used twice", item=dup, field="id")

    def action(self, action_id: str) -> Action:
        """The action ``action_id``."""
        for a in self.actions:
            if a.id == action_id:
                return a
        from qualitapa.errors import UnknownItemError

        raise UnknownItemError("action", action_id, suggestions=[a.id for a in self.actions][:5])

    def add(self, *actions: Action) -> ImprovementPlan:
        """A new plan with ``actions`` added."""
        return attrs.evolve(self, actions=self.actions + tuple(actions))

    def transition(
        self,
        action_id: str,
        status: ActionStatus | str,
        *,
        who: str,
        when: dt.datetime | None = None,
        note: str = "",
    ) -> ImprovementPlan:
        """A new plan with ``action_id`` moved to ``status`` and the change recorded."""
        target = ActionStatus(status)
        current = self.action(action_id)
        if target not in _TRANSITIONS[current.status]:
            raise TransitionError(current.status, target, item=action_id)
        when = when or dt.datetime.now(dt.UTC)
        event = StatusEvent(action_id, when, who, current.status, target, note)
        actions = tuple(
            attrs.evolve(a, status=target) if a.id == action_id else a for a in self.actions
        )
        return attrs.evolve(self, actions=actions, events=(*self.events, event))

    def to_frame(self) -> pd.DataFrame:
        """The actions as a table (:data:`ACTION_COLUMNS`), highest priority first."""
        rows = [
            {
                **{k: getattr(a, k) for k in ACTION_COLUMNS if k != "priority"},
                "priority": a.priority,
            }
            for a in self.actions
        ]
        frame = pd.DataFrame(rows, columns=ACTION_COLUMNS)
        for col in ("source", "status"):
            frame[col] = frame[col].map(lambda v: getattr(v, "value", v))
        return prioritise(frame)

    def history(self) -> pd.DataFrame:
        """Every status change: ``action, when, who, from_status, to_status, note``."""
        return pd.DataFrame(
            [
                {
                    "action": e.action,
                    "when": e.when,
                    "who": e.who,
                    "from_status": e.from_status.value,
                    "to_status": e.to_status.value,
                    "note": e.note,
                }
                for e in self.events
            ],
            columns=["action", "when", "who", "from_status", "to_status", "note"],
        )

    def progress(self, *, today: dt.date | None = None) -> pd.DataFrame:
        """Counts by status, with ``overdue`` (open actions past their due date).

        Examples
        --------
        >>> import datetime as dt
        >>> plan = ImprovementPlan((Action("a", "A", due="2025-01-31"), Action("b", "B")))
        >>> plan.progress(today=dt.date(2025, 2, 1))
             status  actions  overdue
        0  proposed        2        1
        """
        today = today or dt.date.today()
        rows: dict[str, list[int]] = {}
        for a in self.actions:
            count = rows.setdefault(a.status.value, [0, 0])
            count[0] += 1
            count[1] += int(a.status.is_open and a.due is not None and a.due < today)
        order = [s.value for s in ActionStatus]
        return pd.DataFrame(
            [
                {"status": s, "actions": rows[s][0], "overdue": rows[s][1]}
                for s in order
                if s in rows
            ],
            columns=["status", "actions", "overdue"],
        )

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, *, source: str | None = None) -> ImprovementPlan:
        """Read a plan from an action table (e.g. a CSV edited by the quality office).

        Needs ``id`` and ``title``; the other :data:`ACTION_COLUMNS` are
        optional (``priority`` is recomputed). Every invalid cell is reported
        in one :class:`~qualitapa.errors.DataError` naming the row and column.
        """
        require_columns(frame, ["id", "title"], source=source)
        problems: list[dict[str, Any]] = []
        n = len(frame)

        def text(col: str, default: str = "") -> np.ndarray:
            if col not in frame.columns:
                return np.full(n, default, dtype=object)
            return frame[col].astype("string").fillna(default).str.strip().to_numpy(dtype=object)

        ints: dict[str, np.ndarray] = {}
        for col in ("impact", "urgency", "effort"):
            if col not in frame.columns:
                ints[col] = np.full(n, 3.0)
                continue
            arr, bad = to_numeric_column(frame[col], source=source, column=col)
            arr = np.where(np.isnan(arr), 3.0, arr)
            wrong = bad | (arr % 1 != 0) | (arr < 1) | (arr > 5)
            for i in np.flatnonzero(wrong):
                problems.append({"row": i + 1, "column": col, "value": str(frame[col].iloc[i]),
                                 "problem": "must be a whole number from 1 to 5"})  # fmt: skip
            ints[col] = arr
        enums = {"source": (ActionSource, "other"), "status": (ActionStatus, "proposed")}
        texts = {col: text(col, enums[col][1] if col in enums else "") for col in ACTION_COLUMNS}
        for col, (kind, _) in enums.items():
            allowed = {m.value for m in kind}
            for i in np.flatnonzero(~np.isin(texts[col], list(allowed))):
                problems.append({"row": i + 1, "column": col, "value": texts[col][i],
                                 "problem": f"use one of {sorted(allowed)}"})  # fmt: skip
        dues: list[dt.date | None] = []
        for j, v in enumerate(texts["due"]):
            try:
                dues.append(_opt_date(v or None))
            except DefinitionError:
                dues.append(None)
                problems.append({"row": j + 1, "column": "due", "value": v,
                                 "problem": "not a date (write YYYY-MM-DD)"})  # fmt: skip
        ids = pd.Series(texts["id"])
        for i in np.flatnonzero((ids == "").to_numpy() | ids.duplicated().to_numpy()):
            problems.append({"row": i + 1, "column": "id", "value": texts["id"][i],
                             "problem": "missing or repeated action id"})  # fmt: skip
        if problems:
            cases = pd.DataFrame(problems).sort_values("row", kind="stable")
            first = cases.iloc[0]
            raise DataError(
                f"invalid improvement plan: {first['problem']} (value {first['value']!r})",
                source=source,
                row=int(first["row"]),
                column=str(first["column"]),
                failure_cases=cases.reset_index(drop=True),
            )
        actions = tuple(
            Action(
                id=texts["id"][i],
                title=texts["title"][i],
                source=texts["source"][i],
                reference=texts["reference"][i],
                organization=texts["organization"][i],
                owner=texts["owner"][i],
                due=dues[i],
                expected_effect=texts["expected_effect"][i],
                impact=int(ints["impact"][i]),
                urgency=int(ints["urgency"][i]),
                effort=int(ints["effort"][i]),
                status=texts["status"][i],
                evidence=texts["evidence"][i],
                department=texts["department"][i],
                activity=texts["activity"][i],
                **{
                    twin: texts[twin][i]
                    for twins in TRANSLATED_COLUMNS.values()
                    for twin in twins.values()
                },
            )
            for i in range(n)
        )
        return cls(actions)


def prioritise(actions: pd.DataFrame) -> pd.DataFrame:
    """Recompute ``priority`` and sort: highest first, then earliest due date.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"id": ["a", "b"], "impact": [2, 5], "urgency": [2, 4], "effort": [1, 2]})
    >>> prioritise(t)[["id", "priority"]]
      id  priority
    0  b      10.0
    1  a       4.0
    """
    require_columns(actions, ["impact", "urgency", "effort"])
    out = actions.copy()
    out["priority"] = priority(
        out["impact"].to_numpy(dtype=float),
        out["urgency"].to_numpy(dtype=float),
        out["effort"].to_numpy(dtype=float),
    )
    if "due" in out.columns:
        due = pd.to_datetime(out["due"], errors="coerce")
        out = (
            out.assign(_due=due)
            .sort_values(
                ["priority", "_due"], ascending=[False, True], kind="stable", na_position="last"
            )
            .drop(columns="_due")
        )
    else:
        out = out.sort_values("priority", ascending=False, kind="stable")
    return out.reset_index(drop=True)
