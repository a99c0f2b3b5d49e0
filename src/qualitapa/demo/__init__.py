"""Synthetic data and the end-to-end Q-Club demo.

Examples
--------
>>> from qualitapa.demo import synthetic_municipalities
>>> int(synthetic_municipalities(100, seed=0)["population"].iloc[0])
2755000
"""

from qualitapa.demo._synthetic import VariableProfile, synthetic_municipalities, synthetic_panel

__all__ = ["VariableProfile", "synthetic_municipalities", "synthetic_panel"]
