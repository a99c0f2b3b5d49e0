"""The demo's output folder: it replaces only what it wrote itself.

``qualitapa demo --out DIR`` writes into a folder people also use for their
own work (``complaints.db`` is the register the complaint commands open by
default). The rules:

* the demo writes a manifest, :data:`MANIFEST`, listing every file it wrote
  with its size and SHA-256;
* an empty (or new) folder is written into;
* a folder holding a manifest is a previous demo output: the files the
  manifest lists are replaced when they are unchanged (same hash); a listed
  file changed since refuses the run unless ``force``;
* a non-empty folder without a manifest is refused unless ``force``;
* with ``force`` the demo writes next to files it did not write, replaces
  listed files changed since, and still never replaces a file its manifest
  does not list, nor a **register** (``complaints.db``) whose contents
  changed since the demo wrote it, nor a register's ``-wal``/``-shm``/
  ``-journal`` file it did not write;
* nothing is written through a symbolic link, and a manifest naming a file
  outside the folder is refused.

The demo runs in a staging folder inside ``DIR``; only when every step has
succeeded are its files moved into place (one ``os.replace`` each), the
previous demo's stale files removed and the manifest written. A failed run
leaves the previous output as it was.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from qualitapa.__about__ import __version__
from qualitapa.errors import DataError

#: Name of the manifest the demo writes into its output folder.
MANIFEST = "qualitapa-demo.json"
#: Prefix of the staging folders (inside the output folder) a run writes into.
STAGING_PREFIX = ".qualitapa-demo-"
#: Files the demo never replaces once their contents changed, even with ``force``.
REGISTERS = ("complaints.db",)
#: Sidecar files SQLite keeps next to a register.
SIDECARS = ("-wal", "-shm", "-journal")
_GENERATOR = "qualitapa demo"
_CHUNK = 1 << 20


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _relative(name: Any) -> PurePosixPath | None:
    """``name`` as a relative path inside the folder, or None if it is not one."""
    if not isinstance(name, str) or not name or "\\" in name or "\x00" in name:
        return None
    pure = PurePosixPath(name)
    if pure.is_absolute() or any(part in ("", ".", "..") for part in pure.parts):
        return None
    return pure


class DemoFolder:
    """The demo's output folder: what may be replaced, staging and the manifest.

    Parameters
    ----------
    out
        The output folder (created when missing).
    force
        Write into a non-empty folder that is not a demo output, and replace
        the files of a previous demo changed since (never a changed register,
        never a file the previous manifest does not list).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "demo"
    >>> folder = DemoFolder(out)
    >>> folder.prepare()
    >>> with folder.staging() as stage:
    ...     _ = (stage / "summary.md").write_text("# demo")
    ...     folder.commit(stage)
    ['summary.md']
    >>> sorted(p.name for p in out.iterdir())
    ['qualitapa-demo.json', 'summary.md']
    """

    def __init__(self, out: str | Path, *, force: bool = False) -> None:
        self.out = Path(out)
        self.force = force
        #: Files of the previous demo that this run may replace or remove.
        self.replaceable: set[str] = set()
        #: Files of the previous demo, as its manifest lists them.
        self.previous: dict[str, dict[str, Any]] = {}

    # -- checks before the run ----------------------------------------------
    def _error(self, message: str) -> DataError:
        return DataError(message, source=str(self.out))

    def prepare(self) -> None:
        """Check the folder may be written into; create it when missing.

        Raises
        ------
        DataError
            The folder is not empty and not a demo output (without
            ``force``); a listed file changed since (without ``force``); a
            register changed since; the manifest is invalid or names a file
            outside the folder; a symbolic link is in the way.
        """
        if self.out.exists() and not self.out.is_dir():
            raise self._error("not a folder: give a folder for the demo's results")
        self.out.mkdir(parents=True, exist_ok=True)
        manifest = self.out / MANIFEST
        if manifest.is_symlink() or (manifest.exists() and not manifest.is_file()):
            raise self._error(f"{MANIFEST} is not a regular file; use an empty folder")
        if not manifest.exists():
            entries = [p for p in self.out.iterdir() if not p.name.startswith(STAGING_PREFIX)]
            if entries and not self.force:
                shown = ", ".join(sorted(p.name for p in entries)[:5])
                raise self._error(
                    f"the folder is not empty ({shown}{', ...' if len(entries) > 5 else ''}) "
                    f"and holds no previous demo output ({MANIFEST}): use an empty folder, "
                    "or --force to write next to these files (files the demo did not write "
                    "are never replaced; the output of a qualitapa older than the manifest "
                    "has none: delete that folder yourself)"
                )
            self._check_targets_free(set())
            return
        self.previous = self._read_manifest(manifest)
        changed = self._changed_files()
        registers = sorted(n for n in changed if n in REGISTERS)
        if registers:
            raise self._error(
                f"{', '.join(registers)} changed since the demo wrote it (complaints were "
                "added or changed): the demo never replaces a register; move or delete it, "
                "or use another folder"
            )
        if changed and not self.force:
            raise self._error(
                f"{len(changed)} file(s) of the previous demo changed since it wrote them "
                f"({', '.join(sorted(changed)[:5])}{', ...' if len(changed) > 5 else ''}): "
                "use --force to replace them, or another folder"
            )
        self.replaceable = set(self.previous)
        self._check_targets_free(self.replaceable)

    def _read_manifest(self, manifest: Path) -> dict[str, dict[str, Any]]:
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise self._error(f"{MANIFEST} is not a valid demo manifest: {exc}") from exc
        files = data.get("files") if isinstance(data, dict) else None
        if not isinstance(files, dict) or data.get("generator") != _GENERATOR:
            raise self._error(f"{MANIFEST} is not a manifest written by qualitapa demo")
        out: dict[str, dict[str, Any]] = {}
        for name, entry in files.items():
            if _relative(name) is None or name == MANIFEST:
                raise self._error(
                    f"{MANIFEST} lists {name!r}, which is not a file inside the folder: "
                    "the manifest is not the demo's; use another folder"
                )
            if not isinstance(entry, dict) or not isinstance(entry.get("sha256"), str):
                raise self._error(f"{MANIFEST}: the entry of {name!r} has no sha256")
            out[name] = entry
        return out

    def _inside(self, name: str) -> bool:
        """``name`` is reached without passing a symbolic link out of the folder."""
        root = self.out.resolve()
        parent = (self.out / name).parent
        try:
            return parent.resolve() == root / PurePosixPath(name).parent and not any(
                p.is_symlink() for p in [*self._ancestors(name)]
            )
        except OSError:
            return False

    def _ancestors(self, name: str) -> list[Path]:
        rel = PurePosixPath(name)
        return [self.out / Path(*rel.parts[:i]) for i in range(1, len(rel.parts))]

    def _changed_files(self) -> list[str]:
        for name in self.previous:
            if not self._inside(name):
                raise self._error(
                    f"{name} is reached through a symbolic link: the demo does not write "
                    "through links; use another folder"
                )
        return [name for name, entry in self.previous.items() if self._changed(name, entry)]

    def _changed(self, name: str, entry: dict[str, Any]) -> bool:
        """The listed file is no longer what the demo wrote (a missing one is not)."""
        path = self.out / name
        if path.is_symlink() or (path.exists() and not path.is_file()):
            return True
        if path.exists() and _sha256(path) != entry["sha256"]:
            return True
        # a register's -wal with frames holds changes not yet in the file
        return name in REGISTERS and any(
            Path(f"{path}{s}").exists() and Path(f"{path}{s}").stat().st_size > 0 for s in SIDECARS
        )

    def _check_targets_free(self, replaceable: set[str]) -> None:
        """The register the demo writes, and its sidecars, are not someone else's."""
        for register in REGISTERS:
            for name in (register, *(f"{register}{s}" for s in SIDECARS)):
                path = self.out / name
                if (path.exists() or path.is_symlink()) and register not in replaceable:
                    raise self._error(
                        f"{name} was not written by the demo: the demo never touches a "
                        "register it did not create; use an empty folder"
                    )

    # -- the run --------------------------------------------------------------
    @contextlib.contextmanager
    def staging(self) -> Iterator[Path]:
        """A fresh folder inside the output folder to run in; removed afterwards."""
        stage = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=self.out))
        try:
            yield stage
        finally:
            shutil.rmtree(stage, ignore_errors=True)

    def commit(self, stage: Path) -> list[str]:
        """Move the staged files into place, drop the previous demo's stale ones.

        Every target is checked before anything moves: a file the demo did
        not write (not listed by the previous manifest) is never replaced.

        Returns
        -------
        list of str
            The files written, relative to the folder, as the new manifest lists them.
        """
        staged = sorted(
            str(p.relative_to(stage).as_posix())
            for p in stage.rglob("*")
            if p.is_file() and not p.is_symlink()
        )
        entries = {name: self._entry(stage / name) for name in staged}
        if self.previous:  # changed while the demo ran?
            changed = self._changed_files()
            late = [n for n in changed if n in REGISTERS or not self.force]
            if late:
                raise self._error(
                    f"{', '.join(sorted(late))} changed while the demo ran: not replaced; "
                    "run the demo again"
                )
        for name in staged:
            target = self.out / name
            if not self._inside(name):
                raise self._error(f"{name} would be written through a symbolic link")
            if (target.exists() or target.is_symlink()) and name not in self.replaceable:
                raise self._error(
                    f"{name} exists and was not written by a previous demo: not replaced; "
                    "use an empty folder"
                )
            if target.is_dir() and not target.is_symlink():
                raise self._error(f"{name} is a folder; use an empty folder")
        for name in staged:
            target = self.out / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if name in REGISTERS:
                for suffix in SIDECARS:  # empty leftovers of the previous demo's register
                    Path(f"{target}{suffix}").unlink(missing_ok=True)
            os.replace(stage / name, target)
        for name in sorted(self.replaceable - set(staged)):
            stale = self.out / name
            if stale.is_file() or stale.is_symlink():
                stale.unlink()
            if name in REGISTERS:
                for suffix in SIDECARS:
                    Path(f"{stale}{suffix}").unlink(missing_ok=True)
            with contextlib.suppress(OSError):  # only when empty
                for parent in self._ancestors(name)[::-1]:
                    parent.rmdir()
        self._write_manifest(entries)
        return staged

    @staticmethod
    def _entry(path: Path) -> dict[str, Any]:
        return {"bytes": path.stat().st_size, "sha256": _sha256(path)}

    def _write_manifest(self, entries: dict[str, dict[str, Any]]) -> None:
        data = {
            "generator": _GENERATOR,
            "qualitapa_version": __version__,
            "note": "Files written by `qualitapa demo`. A rerun replaces these files only "
            "(unchanged ones; changed ones with --force, never a changed register); "
            "other files in this folder are never touched.",
            "files": entries,
        }
        tmp = self.out / f"{MANIFEST}.tmp"
        tmp.write_text(json.dumps(data, indent=2, sort_keys=False) + "\n", encoding="utf-8")
        os.replace(tmp, self.out / MANIFEST)
