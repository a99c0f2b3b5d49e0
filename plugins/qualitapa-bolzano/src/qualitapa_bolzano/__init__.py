from qualitapa.declarative import toml_plugin

plugin = toml_plugin(__name__, "definitions.toml")
