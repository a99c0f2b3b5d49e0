"""``python -m qualitapa``: the ``qualitapa`` command line (the same as the console script)."""

from __future__ import annotations

from qualitapa.cli import main

if __name__ == "__main__":  # pragma: no cover  (run as a program)
    main()
