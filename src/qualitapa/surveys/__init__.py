"""Citizen-satisfaction surveys: questionnaires, validation, scoring, reliability, IPA.

The questionnaire (:class:`Instrument`) is contributed by plugins, loaded from
TOML or read from an XLSForm; raw exports are checked with :func:`validate`,
weighted to the population (:func:`rake`, :func:`poststratify`), scored
(:func:`score_items`, :func:`score_dimensions`, :func:`nps`), checked for
reliability (:func:`cronbach_alpha`, :func:`reliability`), analysed
(:func:`ipa`, :func:`servqual_gap`, :func:`compare_groups`,
:func:`benchmark_table`) and planned (:func:`sample_size`). With the sampling
design (:class:`SurveyDesign`: strata, clusters, FPC) the design-based
estimators (:func:`design_mean`, :func:`design_total`, :func:`design_ratio`,
:func:`design_proportion`) give linearised standard errors and design effects,
and :func:`design_chisq` the Rao-Scott test of a two-way table,
:func:`design_ttest` and :func:`design_wald_test` design-based tests of means.
A :class:`ReplicateDesign` (jackknife, bootstrap, BRR, Fay) gives the
estimators replicate-weight standard errors.

See ``docs/surveys.md`` for a guided tour.
"""

from qualitapa.problems import Rule
from qualitapa.surveys._calibration import (
    Calibrated,
    CalibrationError,
    CalibrationMethod,
    CalibrationStep,
    calibrate,
)
from qualitapa.surveys._compare import (
    GroupStatistic,
    GroupTest,
    benchmark_table,
    compare_groups,
)
from qualitapa.surveys._design import LonelyPsu, SurveyDesign
from qualitapa.surveys._design_estimates import (
    design_mean,
    design_proportion,
    design_ratio,
    design_total,
)
from qualitapa.surveys._design_tests import (
    DesignMeansTest,
    RaoScottTest,
    design_chisq,
    design_ttest,
    design_wald_test,
)
from qualitapa.surveys._effects import (
    EffectInterval,
    EffectSize,
    cohens_d,
    cramers_v,
    eta_squared,
    hedges_correction,
    hedges_g,
    omega_squared,
)
from qualitapa.surveys._expressions import Expression
from qualitapa.surveys._imports import import_kobo, import_limesurvey
from qualitapa.surveys._intervals import ProportionInterval, proportion_interval
from qualitapa.surveys._ipa import Quadrant, ipa, servqual_gap
from qualitapa.surveys._models import (
    OVERALL,
    OVERALL_LABEL,
    Choice,
    Instrument,
    Question,
    QuestionType,
    Scale,
    SurveyDimension,
)
from qualitapa.surveys._population import merge_populations, population_from_frame
from qualitapa.surveys._prepare import PreparedResponses, load_instrument, prepare_responses
from qualitapa.surveys._pvalues import Correction, adjust_pvalues
from qualitapa.surveys._reliability import cronbach_alpha, item_analysis, reliability
from qualitapa.surveys._replicate import ReplicateDesign, ReplicateType
from qualitapa.surveys._sample_size import margin_of_error, sample_size
from qualitapa.surveys._scoring import (
    IntervalMethod,
    distribution,
    nps,
    respondent_scores,
    score_dimensions,
    score_items,
)
from qualitapa.surveys._scoring_design import (
    check_design_mapping,
    design_columns,
    design_from_mapping,
)
from qualitapa.surveys._stats import design_effect, effective_sample_size, wilson_interval
from qualitapa.surveys._validate import DEFAULT_EXTRA_COLUMNS, ValidationResult, validate
from qualitapa.surveys._weighting import (
    WeightingResult,
    margins_from_frame,
    poststratify,
    rake,
    trim_weights,
)
from qualitapa.surveys._xlsform import read_xlsform, write_xlsform

__all__ = [
    "DEFAULT_EXTRA_COLUMNS",
    "OVERALL",
    "OVERALL_LABEL",
    "Calibrated",
    "CalibrationError",
    "CalibrationMethod",
    "CalibrationStep",
    "Choice",
    "Correction",
    "DesignMeansTest",
    "EffectInterval",
    "EffectSize",
    "Expression",
    "GroupStatistic",
    "GroupTest",
    "Instrument",
    "IntervalMethod",
    "LonelyPsu",
    "PreparedResponses",
    "ProportionInterval",
    "Quadrant",
    "Question",
    "QuestionType",
    "RaoScottTest",
    "ReplicateDesign",
    "ReplicateType",
    "Rule",
    "Scale",
    "SurveyDesign",
    "SurveyDimension",
    "ValidationResult",
    "WeightingResult",
    "adjust_pvalues",
    "benchmark_table",
    "calibrate",
    "check_design_mapping",
    "cohens_d",
    "compare_groups",
    "cramers_v",
    "cronbach_alpha",
    "design_chisq",
    "design_columns",
    "design_effect",
    "design_from_mapping",
    "design_mean",
    "design_proportion",
    "design_ratio",
    "design_total",
    "design_ttest",
    "design_wald_test",
    "distribution",
    "effective_sample_size",
    "eta_squared",
    "hedges_correction",
    "hedges_g",
    "import_kobo",
    "import_limesurvey",
    "ipa",
    "item_analysis",
    "load_instrument",
    "margin_of_error",
    "margins_from_frame",
    "merge_populations",
    "nps",
    "omega_squared",
    "population_from_frame",
    "poststratify",
    "prepare_responses",
    "proportion_interval",
    "rake",
    "read_xlsform",
    "reliability",
    "respondent_scores",
    "sample_size",
    "score_dimensions",
    "score_items",
    "servqual_gap",
    "trim_weights",
    "validate",
    "wilson_interval",
    "write_xlsform",
]
