"""Installed-looking plugins for the attack tests (plugins, paths, demo, terminal).

``install_distribution`` makes a module look installed exactly as pip leaves
it (a module on ``sys.path`` plus a ``.dist-info`` with an entry point), so the
real entry-point discovery runs. ``write_tiny_plugin`` writes a small TOML
plugin (three organizations, one indicator, a few complaints) whose demo runs
in about a second.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

TINY_TOML = """
[[services]]
id = "libraries"
label = { it = "Biblioteche", en = "Libraries" }

[[organizations]]
id = "000001"
name = "Alfa"
population = 1000

[[organizations]]
id = "000002"
name = "Beta"
population = 2000

[[organizations]]
id = "000003"
name = "Gamma"
population = 3000

[[variables]]
id = "loans"
label = { it = "Prestiti", en = "Loans" }
unit = "count"

[[indicators]]
id = "libraries.loans_per_inhabitant"
label = { it = "Prestiti per abitante", en = "Loans per inhabitant" }
service = "libraries"
dimension = "effectiveness"
formula = "loans / population"
unit = "loans per inhabitant"
polarity = "higher_is_better"

[[complaint_categories]]
id = "libraries.waiting"
label = { it = "Attese", en = "Waiting" }
service = "libraries"

[[datasets]]
id = "tiny.demo.indicators"
label = { it = "Dati dimostrativi", en = "Demo data" }
kind = "indicator_data"
path = "demo/indicators.csv"
synthetic = true

[[datasets]]
id = "tiny.demo.complaints"
label = { it = "Reclami dimostrativi", en = "Demo complaints" }
kind = "complaints"
service = "libraries"
path = "demo/complaints.csv"
synthetic = true
"""

TINY_INDICATORS = """organization,period,variable,value
000001,2023,loans,900
000002,2023,loans,2100
000003,2023,loans,2500
000001,2024,loans,1000
000002,2024,loans,2200
000003,2024,loans,2900
"""

TINY_COMPLAINTS = (
    "id,kind,channel,service,received_at,category,organization,description,status,"
    "answered_at,closed_at\n"
    "A-1,complaint,email,libraries,2024-05-20T10:07:00+02:00,libraries.waiting,000001,"
    "Reclamo,closed,2024-06-03T23:55:59+02:00,2024-06-08T18:17:23+02:00\n"
    "A-2,complaint,email,libraries,2024-05-21T10:07:00+02:00,libraries.waiting,000002,"
    "Reclamo,received,,\n"
)

#: The module of a TOML-only plugin package: definitions.toml next to it.
TOML_PACKAGE_INIT = """
from qualitapa.declarative import toml_plugin
plugin = toml_plugin(__name__, "definitions.toml")
"""


def install_distribution(
    site: Path, entry: str, module: str, body: str, *, package_files: dict[str, str] | None = None
) -> Path:
    """Make ``module`` (a package when ``package_files`` is given) an installed plugin.

    The entry point ``entry`` names ``module`` (or ``module:plugin`` for a
    package whose ``__init__`` defines ``plugin``). Returns the module's
    file or package folder.
    """
    dist = f"qualitapa-{entry}"
    if package_files is None:
        target = site / f"{module}.py"
        target.write_text(textwrap.dedent(body), encoding="utf-8")
        value = module
    else:
        target = site / module
        target.mkdir()
        (target / "__init__.py").write_text(textwrap.dedent(body), encoding="utf-8")
        for rel, text in package_files.items():
            path = target / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        value = f"{module}:plugin" if "plugin =" in body else module
    info = site / f"{dist.replace('-', '_')}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(f"[qualitapa]\n{entry} = {value}\n", encoding="utf-8")
    return target


def tiny_package_files(toml: str = TINY_TOML) -> dict[str, str]:
    """The files of the tiny plugin package (definitions and demo data)."""
    return {
        "definitions.toml": toml,
        "demo/indicators.csv": TINY_INDICATORS,
        "demo/complaints.csv": TINY_COMPLAINTS,
    }


def write_tiny_plugin(folder: Path, toml: str = TINY_TOML) -> Path:
    """Write the tiny plugin's files into ``folder``; return its ``definitions.toml``."""
    for rel, text in tiny_package_files(toml).items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder / "definitions.toml"
