"""qualitapa plugin: public libraries (biblioteche civiche).

Services, variables, indicators, complaint categories and demo datasets in
``definitions.toml``; the users' questionnaire in ``questionnaire.toml``;
the composite index in ``composite.toml``; quality standards and the
service charter in ``charter.toml``.
"""

from qualitapa.declarative import toml_plugin

plugin = toml_plugin(
    __name__, "definitions.toml", "questionnaire.toml", "composite.toml", "charter.toml"
)
