"""Vendor Bootstrap Italia's compiled files into the portal's static folder (issue 21).

Bootstrap Italia (https://italia.github.io/bootstrap-italia/, BSD-3-Clause) is the
design kit of the Italian public administration. The portal ships its compiled CSS,
JavaScript bundle, fonts and icon sprite inside the Python package, so that
installing qualitapa needs no node and a built site works offline, with no CDN.

Run from the repository's root (needs ``npm``; nothing is installed, the package
tarball is only downloaded and unpacked in a temporary folder)::

    python scripts/vendor_bootstrap_italia.py            # the latest 2.18.x
    python scripts/vendor_bootstrap_italia.py 2.18.3     # an exact version

It replaces ``src/qualitapa/site/static/bootstrap-italia/`` with ``css/``, ``js/``,
``fonts/`` (woff2 and woff, and the fonts' licences), ``svg/sprites.svg``, ``LICENSE``
and ``VERSION`` (the version and the tarball's sha512 integrity as the registry gives it).
"""

from __future__ import annotations

import fnmatch
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "bootstrap-italia"
SERIES = "2.18"  # issue 21: the 2.18.x releases
TARGET = Path(__file__).resolve().parents[1] / "src/qualitapa/site/static/bootstrap-italia"

#: What is copied: tarball path (under ``package/``) -> path under TARGET.
FILES = {
    "dist/css/bootstrap-italia.min.css": "css/bootstrap-italia.min.css",
    "dist/js/bootstrap-italia.bundle.min.js": "js/bootstrap-italia.bundle.min.js",
    "dist/svg/sprites.svg": "svg/sprites.svg",
    "LICENSE": "LICENSE",
}
FOLDERS = {"dist/fonts": "fonts"}

#: Font files kept: the formats every browser the kit supports reads (woff2, woff
#: as fallback; the kit's font loader lists them first), and the fonts' licences.
#: The .eot, .ttf and .svg copies serve only Internet Explorer and old Safari.
KEEP_FONTS = ("*.woff2", "*.woff", "*.txt")


def npm(*args: str) -> str:
    """The output of ``npm args`` (raises when npm fails)."""
    return subprocess.run(["npm", *args], check=True, capture_output=True, text=True).stdout


def latest(series: str) -> str:
    """The latest published version of the ``series`` (e.g. ``2.18`` -> ``2.18.3``)."""
    found = json.loads(npm("view", f"{PACKAGE}@{series}", "version", "--json"))
    versions = [found] if isinstance(found, str) else list(found)
    return max(versions, key=lambda v: tuple(int(p) for p in v.split(".")))


def _other_fonts(folder: str, names: list[str]) -> list[str]:
    """The files of ``folder`` not to copy (shutil.copytree's ``ignore``)."""
    return [
        name
        for name in names
        if not (Path(folder) / name).is_dir()
        and not any(fnmatch.fnmatch(name, pattern) for pattern in KEEP_FONTS)
    ]


def vendor(version: str) -> None:
    """Download ``PACKAGE@version`` and copy its compiled files into TARGET."""
    with tempfile.TemporaryDirectory() as tmp:
        packed = json.loads(
            npm("pack", f"{PACKAGE}@{version}", "--json", "--pack-destination", tmp)
        )
        tarball = Path(tmp) / packed[0]["filename"]
        with tarfile.open(tarball) as tar:
            tar.extractall(tmp, filter="data")
        source = Path(tmp) / "package"
        if TARGET.exists():
            shutil.rmtree(TARGET)
        for src, dst in FILES.items():
            (TARGET / dst).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source / src, TARGET / dst)
        for src, dst in FOLDERS.items():
            shutil.copytree(source / src, TARGET / dst, ignore=_other_fonts)
        (TARGET / "VERSION").write_text(
            f"{PACKAGE} {packed[0]['version']}\n"
            f"source: npm pack {PACKAGE}@{packed[0]['version']}\n"
            f"integrity: {packed[0]['integrity']}\n"
            "licence: BSD-3-Clause (see LICENSE)\n",
            encoding="utf-8",
        )
    print(f"{PACKAGE} {version} -> {TARGET}")


if __name__ == "__main__":
    vendor(sys.argv[1] if len(sys.argv) > 1 else latest(SERIES))
