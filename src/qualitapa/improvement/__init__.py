"""Improvement plans (piani di miglioramento).

Actions linked to CAF sub-criteria, standards not met, low survey
dimensions and benchmark gaps, prioritised by ``impact * urgency /
effort``, with status tracking.

Examples
--------
>>> from qualitapa.improvement import Action, ImprovementPlan
>>> plan = ImprovementPlan((Action("a1", "Prenotazione online", impact=5, urgency=4, effort=2),))
>>> plan.to_frame()[["id", "priority", "status"]]
   id  priority    status
0  a1      10.0  proposed
"""

from qualitapa.improvement._derive import (
    actions_from_benchmark,
    actions_from_caf,
    actions_from_complaints,
    actions_from_compliance,
    actions_from_expected,
    actions_from_survey,
    combine_actions,
    texts_in_languages,
)
from qualitapa.improvement._plan import (
    ACTION_COLUMNS,
    TITLE_COLUMNS,
    TRANSLATED_COLUMNS,
    Action,
    ActionSource,
    ActionStatus,
    ImprovementPlan,
    StatusEvent,
    action_texts,
    action_titles,
    prioritise,
    priority,
)

__all__ = [
    "ACTION_COLUMNS",
    "TITLE_COLUMNS",
    "TRANSLATED_COLUMNS",
    "Action",
    "ActionSource",
    "ActionStatus",
    "ImprovementPlan",
    "StatusEvent",
    "action_texts",
    "action_titles",
    "actions_from_benchmark",
    "actions_from_caf",
    "actions_from_complaints",
    "actions_from_compliance",
    "actions_from_expected",
    "actions_from_survey",
    "combine_actions",
    "prioritise",
    "priority",
    "texts_in_languages",
]
