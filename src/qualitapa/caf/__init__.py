"""CAF 2020 self-assessment: the model as data, scoring, consolidation.

* :func:`caf_model` - the 9 criteria, 28 sub-criteria and scoring panels.
* :func:`check_scores` / :func:`validate_scores` - every problem in the
  individual scores (the :mod:`qualitapa.problems` convention);
  :func:`check_consensus` / :func:`validate_consensus` for consensus scores.
* :func:`consolidate` - individual scores of several assessors, spread and
  disagreement flags, consensus.
* :func:`caf_scores` - criterion, enablers, results and total scores.
* :func:`compare_assessments` - change since a previous assessment.
* :func:`scoring_template` / :func:`write_template` - empty scoring sheets.

Examples
--------
>>> from qualitapa.caf import caf_model
>>> sum(len(c.subcriteria) for c in caf_model().criteria)
28
"""

from qualitapa.caf._assessment import (
    caf_scores,
    compare_assessments,
    consolidate,
    score_band,
    subcriterion_ids,
)
from qualitapa.caf._model import (
    Band,
    CafModel,
    Criterion,
    CriterionKind,
    PanelRow,
    ScoringMethod,
    ScoringPanel,
    SubCriterion,
    caf_model,
)
from qualitapa.caf._template import scoring_template, write_template
from qualitapa.caf._validate import (
    COMMENT_COLUMNS,
    ENABLER_PARTS,
    RESULT_PARTS,
    TEXT_COLUMNS,
    Mode,
    check_consensus,
    check_scores,
    validate_consensus,
    validate_scores,
)

__all__ = [
    "COMMENT_COLUMNS",
    "ENABLER_PARTS",
    "RESULT_PARTS",
    "TEXT_COLUMNS",
    "Band",
    "CafModel",
    "Criterion",
    "CriterionKind",
    "Mode",
    "PanelRow",
    "ScoringMethod",
    "ScoringPanel",
    "SubCriterion",
    "caf_model",
    "caf_scores",
    "check_consensus",
    "check_scores",
    "compare_assessments",
    "consolidate",
    "score_band",
    "scoring_template",
    "subcriterion_ids",
    "validate_consensus",
    "validate_scores",
    "write_template",
]
