"""Print a rendered charter to PDF with a headless Chromium (or Chrome).

The HTML of :func:`qualitapa.standards.render_html` carries its own print
stylesheet (A4, margins, page numbers, a page break before the standards), so
the browser only has to print it: ``chromium --headless --print-to-pdf``. No
Python PDF library is needed, and what is printed is what a reader's browser
shows. Without a browser, open the HTML in any browser and print it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from qualitapa.errors import QualitapaError

#: Names of a Chromium-family browser, tried in this order on the PATH.
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")

#: The environment variable naming the browser to use (a path or a command).
BROWSER_VARIABLE = "QUALITAPA_BROWSER"


class BrowserError(QualitapaError, RuntimeError):
    """No headless browser to print with, or the browser failed to print."""


def find_browser() -> str | None:
    """The Chromium-family browser to print with: ``$QUALITAPA_BROWSER``, else the first on PATH.

    Examples
    --------
    >>> find_browser() is None or isinstance(find_browser(), str)
    True
    """
    named = os.environ.get(BROWSER_VARIABLE)
    if named:
        return shutil.which(named) or (named if Path(named).is_file() else None)
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def print_to_pdf(
    html: str, path: str | Path, *, browser: str | None = None, timeout: float = 120
) -> Path:
    """Print an HTML page (e.g. a rendered charter) to the PDF file ``path``.

    Parameters
    ----------
    html
        The page (it should hold everything it needs: styles inline, no
        external files; the charter's page does).
    path
        The PDF to write (its folder must exist).
    browser
        A Chromium-family browser; default :func:`find_browser`.
    timeout
        Seconds to wait for the browser.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    BrowserError
        No browser found (install ``chromium``, or name one in
        ``$QUALITAPA_BROWSER``), or the browser failed, timed out or wrote
        no PDF.

    Examples
    --------
    >>> from qualitapa.standards import Charter, render_html
    >>> page = render_html(Charter("x.c", "x", "Carta", "2025-01-01"), [])
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "carta.pdf"
    >>> if find_browser():  # doctest: +SKIP
    ...     print_to_pdf(page, out).read_bytes()[:4]
    b'%PDF'
    """
    exe = browser or find_browser()
    if exe is None:
        raise BrowserError(
            "no Chromium or Chrome found to print the PDF: install one (Debian/Ubuntu: "
            f"apt-get install chromium) or name it in ${BROWSER_VARIABLE}; or write the "
            "HTML (--format html) and print it from any browser"
        )
    target = Path(path).resolve()
    if not target.parent.is_dir():
        raise BrowserError(f"{target.parent}: no such folder for the PDF")
    with tempfile.TemporaryDirectory(prefix="qualitapa-pdf-") as tmp:
        page = Path(tmp) / "page.html"
        page.write_text(html, encoding="utf-8")
        printed = Path(tmp) / "page.pdf"
        command = [
            exe,
            "--headless",
            "--no-sandbox",  # containers and CI run as root, where the sandbox cannot start
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            "--disable-background-networking",
            f"--user-data-dir={Path(tmp) / 'profile'}",  # no lock on a shared profile
            "--no-pdf-header-footer",
            f"--print-to-pdf={printed}",
            page.as_uri(),
        ]
        try:
            done = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise BrowserError(f"{exe} did not print the PDF within {timeout:g} s") from None
        except OSError as exc:
            raise BrowserError(f"cannot run {exe}: {exc.strerror or exc}") from None
        if not printed.is_file() or printed.read_bytes()[:5] != b"%PDF-":
            tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
            raise BrowserError(
                f"{exe} wrote no PDF (exit status {done.returncode})"
                + (": " + " | ".join(tail) if tail else "")
            )
        shutil.copyfile(printed, target)
    return target
