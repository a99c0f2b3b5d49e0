"""qualitapa plugin: personnel and training (definitions in the TOML files).

``definitions.toml`` holds the service, raw variables, indicators and demo
datasets; ``questionnaire.toml`` the staff-climate questionnaire
(benessere organizzativo); ``composite.toml`` the composite index.
"""

from qualitapa.declarative import toml_plugin

plugin = toml_plugin(__name__, "definitions.toml", "questionnaire.toml", "composite.toml")
