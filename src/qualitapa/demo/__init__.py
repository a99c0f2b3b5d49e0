"""Synthetic data and the end-to-end demo.

* :func:`run_demo` runs the whole quality cycle on the installed plugins'
  demo data (``qualitapa demo``); :class:`DemoFolder` keeps it to its own
  files in the output folder (listed in the manifest :data:`MANIFEST`).
  A :class:`DemoProfile` contributed by a plugin (``qualitapa_demo_profiles``)
  says which DEA models (:class:`DeaModel`), survey margins, peer group and
  highlighted city the demo uses.
* :func:`synthetic_municipalities` and :func:`synthetic_panel` make seeded
  synthetic data (a national set of municipalities, raw variables);
  :func:`fitted_profiles` fits their parameters to real-shaped data.
* :mod:`qualitapa.demo.data` helps the plugins' scripts that write demo data.

Examples
--------
>>> from qualitapa.demo import synthetic_municipalities
>>> int(synthetic_municipalities(100, seed=0)["population"].iloc[0])
2755000
"""

from qualitapa.demo._national import fitted_profiles
from qualitapa.demo._output import MANIFEST, DemoFolder
from qualitapa.demo._profile import DeaModel, DemoProfile, select_profile
from qualitapa.demo._run import PIPELINE, Step, run_demo
from qualitapa.demo._state import DemoOptions, DemoResult, DemoState, Progress, ProgressEvent, Scale
from qualitapa.demo._synthetic import VariableProfile, synthetic_municipalities, synthetic_panel

__all__ = [
    "MANIFEST",
    "PIPELINE",
    "DeaModel",
    "DemoFolder",
    "DemoOptions",
    "DemoProfile",
    "DemoResult",
    "DemoState",
    "Progress",
    "ProgressEvent",
    "Scale",
    "Step",
    "VariableProfile",
    "fitted_profiles",
    "run_demo",
    "select_profile",
    "synthetic_municipalities",
    "synthetic_panel",
]
