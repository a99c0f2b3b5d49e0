"""qualitapa plugin: civil registry, civil status and foreign residents.

Definitions are declarative: services, variables, indicators, complaint
categories and demo datasets in ``definitions.toml``; the perceived-quality
indicators (satisfaction indices, complaint KPIs) in ``perceived.toml``; the shared
counter questionnaire in ``questionnaire.toml``; the composite index in
``composite.toml``; quality standards and the service charter in
``charter.toml``.
"""

from qualitapa.declarative import toml_plugin

plugin = toml_plugin(
    __name__,
    "definitions.toml",
    "perceived.toml",
    "questionnaire.toml",
    "composite.toml",
    "charter.toml",
)
