"""qualitapa plugin: the Benchmarking Q-Club cities (definitions in definitions.toml)."""

from qualitapa.declarative import toml_plugin

plugin = toml_plugin(__name__, "definitions.toml")
