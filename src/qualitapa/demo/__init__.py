"""Synthetic data and the end-to-end Q-Club demo.

* :func:`run_demo` runs the whole quality cycle on the installed plugins'
  demo data (``qualitapa demo``); :class:`DemoFolder` keeps it to its own
  files in the output folder (listed in the manifest :data:`MANIFEST`).
* :func:`synthetic_municipalities` and :func:`synthetic_panel` make seeded
  synthetic data (a national set of municipalities, raw variables);
  :func:`fitted_profiles` fits their parameters to real-shaped data.

Examples
--------
>>> from qualitapa.demo import synthetic_municipalities
>>> int(synthetic_municipalities(100, seed=0)["population"].iloc[0])
2755000
"""

from qualitapa.demo._output import MANIFEST, DemoFolder
from qualitapa.demo._run import DEA_MODELS, DemoResult, fitted_profiles, run_demo
from qualitapa.demo._synthetic import VariableProfile, synthetic_municipalities, synthetic_panel

__all__ = [
    "DEA_MODELS",
    "MANIFEST",
    "DemoFolder",
    "DemoResult",
    "VariableProfile",
    "fitted_profiles",
    "run_demo",
    "synthetic_municipalities",
    "synthetic_panel",
]
