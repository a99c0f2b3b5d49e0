"""qualitapa plugin: the Comune di Modena (definitions in definitions.toml).

The worked example of a city plugin: it enriches Modena's organization
record, adds a local service with its variables and indicators, makes a
registry charter standard stricter and ships a CAF scoring sheet as demo
data. Declarative only: see README.md for the tutorial.
"""

from qualitapa.declarative import toml_plugin

plugin = toml_plugin(__name__, "definitions.toml")
